// The compiler's passes in pipeline order (one file each). Mid level first, then machine level.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir.h"

namespace mica::compiler {

// ---- mid level ----
// Kernel-model CFGs (no SPIR-V constructs): loop and selection merges, one return block, SSA
// repaired (structurize.cpp). False with 'error' for control flow it cannot structure.
bool structurize(ir::Program &p, std::string &error);
bool split_critical_edges(ir::Program &p);     // pass_cse.cpp: also used before isel
bool constant_fold(ir::Program &p);            // constant folding + algebraic simplification
bool cse(ir::Program &p);                      // dominator-scoped common subexpression elimination
bool dce(ir::Program &p);                      // removes unused pure instructions
bool licm(ir::Program &p);                     // hoists loop-invariant pure instructions to the preheader
// Constant parts of shared-memory addresses into the ds offsets: (x + C1) << C2 reassociated,
// a + C folded into load_shared / store_shared (pass_fold_offsets.cpp).
bool fold_offsets(ir::Program &p);
// Selections with one short pure arm and an empty other become straight-line code and selects
// (pass_flatten_selections.cpp).
bool flatten_selections(ir::Program &p);
// Uniformity / divergence analysis: decides the bank of every temporary (sgpr, vgpr, sbool, mask).
void uniformity(ir::Program &p);
// Immediate post-dominator of every block (kNone for exit blocks and blocks from which no exit is
// reachable); pass_uniformity.cpp.
std::vector<uint32_t> immediate_post_dominators(const ir::Program &p);
// Loop headers (true at the header's index) whose lanes never leave the loop or an iteration
// apart: isel lowers them with scalar branches and no EXEC masks (pass_uniform_loops.cpp).
std::vector<bool> uniform_loops(const ir::Program &p);

// Dominators over the mid-level CFG (RPO, immediate dominator per block; entry idom = itself).
struct DomTree {
	std::vector<uint32_t> rpo, rpo_index, idom;
	bool dominates(uint32_t a, uint32_t b) const;
};
DomTree compute_dominators(const ir::Program &p);
// Blocks of the loop headed by 'header' (structured: reachable from the header without its merge).
std::vector<bool> loop_blocks(const ir::Program &p, uint32_t header);

// ---- machine level ----
// Instruction selection with structured control flow lowered to exec-mask operations. On failure
// returns false and sets 'error'.
bool isel(const ir::Program &mid, ir::Program &out, std::string &error);
// Two or four ds_load_b32 of consecutive dwords from one address become one ds_load_b64 or
// ds_load_b128 (pass_merge_shared_loads.cpp).
bool merge_shared_loads(ir::Program &p);
void schedule(ir::Program &p);                 // latency-aware list scheduler (per block)
// Reads of copies of the reserved launch registers read the registers themselves; the copies
// go (pass_abi_copies.cpp).
bool forward_launch_registers(ir::Program &p);
// Two 32-bit push-constant loads of adjacent dwords, the first in the entry block, become one
// 64-bit load (pass_merge_constant_loads.cpp; -O1 and up, before allocation).
bool merge_constant_loads(ir::Program &p);
bool register_allocate(ir::Program &p, std::string &error);
// After allocation (pass_rotate_loops.cpp): uniform loops tested at the bottom (the header's test
// copied into the latch), scalar compares of a register against 0 that SCC already answers, and
// guards whose compare reads only known constants and whose branch is never taken.
bool rotate_uniform_loops(ir::Program &p);
bool fold_scc_compares(ir::Program &p);
bool fold_constant_guards(ir::Program &p);
// Per block, the most VGPRs / SGPRs live at once (regalloc.cpp; the scheduler keeps below the files).
std::vector<unsigned> max_vgpr_pressure(const ir::Program &p);
std::vector<unsigned> max_sgpr_pressure(const ir::Program &p);

} // namespace mica::compiler

namespace mica::compiler {
// Replaces every use of temp t by repl[t] (when repl[t].kind != none), following chains.
void replace_uses(ir::Program &p, const std::vector<ir::Operand> &repl);
// How many instructions define each temporary (machine level: exec-mask lowering may write a
// vector temporary in several blocks, each for its lanes).
std::vector<uint32_t> definitions_per_temp(const ir::Program &p);
} // namespace mica::compiler
