// Fixes LLVM IR from clang's optimiser so LLVMSPIRVLib 15's translation is valid SPIR-V 1.0.
// Each rewrite here exists because spirv-val refused a module from Piglit's OpenCL C programs
// (tests/clc/piglit_corpus_test.cpp):
//  - SPIR-V requires every block to appear after its dominator; LLVM's block layout after loop
//    rotation does not, and the translator keeps LLVM's order. Blocks are put in reverse post
//    order (unreachable ones are deleted first; they have no dominator).
//  - OpSelect in SPIR-V 1.0 needs a condition vector as wide as the result; LLVM allows a
//    scalar i1 choosing between two vectors. The condition is splatted.
//  - SPIR-V wants every OpVariable at the start of the first block; LLVM's optimiser leaves
//    instructions (bitcasts) ahead of static allocas. Constant-size allocas move to the front.
#include <llvm/ADT/PostOrderIterator.h>
#include <llvm/IR/CFG.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/Transforms/Utils/Local.h>

#include "clc_internal.h"

namespace mica::clc {

namespace {

void order_blocks_by_dominance(llvm::Function& f) {
  llvm::removeUnreachableBlocks(f);
  llvm::ReversePostOrderTraversal<llvm::Function*> rpo(&f);
  llvm::BasicBlock* prev = nullptr;
  for (llvm::BasicBlock* bb : rpo) {
    if (prev) bb->moveAfter(prev);
    prev = bb;
  }
}

void splat_scalar_select_conditions(llvm::Function& f) {
  std::vector<llvm::SelectInst*> selects;
  for (llvm::BasicBlock& bb : f) {
    for (llvm::Instruction& i : bb) {
      auto* sel = llvm::dyn_cast<llvm::SelectInst>(&i);
      if (sel && sel->getType()->isVectorTy() && !sel->getCondition()->getType()->isVectorTy()) {
        selects.push_back(sel);
      }
    }
  }
  for (llvm::SelectInst* sel : selects) {
    llvm::IRBuilder<> b(sel);
    auto count = llvm::cast<llvm::FixedVectorType>(sel->getType())->getNumElements();
    llvm::Value* cond = b.CreateVectorSplat(count, sel->getCondition());
    sel->setCondition(cond);
  }
}

void hoist_static_allocas(llvm::Function& f) {
  llvm::BasicBlock& entry = f.getEntryBlock();
  std::vector<llvm::AllocaInst*> allocas;
  for (llvm::BasicBlock& bb : f) {
    for (llvm::Instruction& i : bb) {
      auto* a = llvm::dyn_cast<llvm::AllocaInst>(&i);
      if (a && llvm::isa<llvm::ConstantInt>(a->getArraySize())) allocas.push_back(a);
    }
  }
  // Kept in their original order, in front of everything else.
  llvm::Instruction* insert_before = &*entry.getFirstInsertionPt();
  for (llvm::AllocaInst* a : allocas) {
    if (a == insert_before) {
      insert_before = a->getNextNode();
      continue;
    }
    a->moveBefore(insert_before);
  }
}

}  // namespace

void prepare_for_spirv(llvm::Module& module) {
  for (llvm::Function& f : module) {
    if (f.isDeclaration()) continue;
    splat_scalar_select_conditions(f);
    order_blocks_by_dominance(f);
    hoist_static_allocas(f);
  }
}

}  // namespace mica::clc
