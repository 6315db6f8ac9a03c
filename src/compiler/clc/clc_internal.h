// Shared between the parts of mica::clc.
#pragma once

#include <cstring>
#include <string>
#include <vector>

namespace llvm {
class Module;
}

namespace mica::clc {

// Rewrites the IR so LLVMSPIRVLib's output is valid SPIR-V 1.0 (llvm_prepare.cpp).
void prepare_for_spirv(llvm::Module& module);

}  // namespace mica::clc
