// Shared between the parts of mica::clc.
#pragma once

#include <cstring>
#include <string>
#include <vector>

namespace llvm {
class Module;
}

namespace mica::clc {

struct CompileRequest;
struct CompileResult;

// cache.cpp: the key of a compile request, lookup, and insertion with the real files it read.
std::string cache_key(const CompileRequest& req);
bool cache_find(const std::string& key, CompileResult* out);
void cache_insert(const std::string& key, const CompileResult& r, const std::vector<std::string>& files);

// Rewrites the IR so LLVMSPIRVLib's output is valid SPIR-V 1.0 (llvm_prepare.cpp).
void prepare_for_spirv(llvm::Module& module);

}  // namespace mica::clc
