// SPIR-V module linking (clLinkProgram) and validation, with SPIRV-Tools.
#include <map>

#include <spirv-tools/libspirv.hpp>
#include <spirv-tools/linker.hpp>

#include "clc_internal.h"
#include "mica/clc/clc.h"

namespace mica::clc {

namespace {

constexpr uint32_t kSpirvMagic = 0x07230203;

// LLVMSPIRVLib emits SPIR-V 1.0. The OpenCL 2.0 environment is the newest one for that version
// and admits what OpenCL C 2.0/3.0 programs need (GenericPointer, Int64Atomics), which the
// OpenCL 1.2 rules refuse.
constexpr spv_target_env kEnv = SPV_ENV_OPENCL_2_0;

void collect_messages(spvtools::Context* ctx, std::string* log) {
  ctx->SetMessageConsumer([log](spv_message_level_t level, const char*, const spv_position_t& pos,
                                const char* message) {
    const char* kind = level <= SPV_MSG_ERROR ? "error" : level == SPV_MSG_WARNING ? "warning" : "note";
    *log += std::string(kind) + ": " + message;
    if (pos.index) *log += " (word " + std::to_string(pos.index) + ")";
    *log += "\n";
  });
}

// The symbols a module exports (OpDecorate LinkageAttributes "name" Export).
std::vector<std::string> exported_names(const std::vector<uint32_t>& m) {
  constexpr uint32_t kOpDecorate = 71, kLinkageAttributes = 41, kExport = 0;
  std::vector<std::string> names;
  for (size_t i = 5; i < m.size();) {
    uint32_t count = m[i] >> 16, op = m[i] & 0xffff;
    if (count == 0 || i + count > m.size()) break;
    if (op == kOpDecorate && count >= 5 && m[i + 2] == kLinkageAttributes && m[i + count - 1] == kExport) {
      std::string name;
      for (size_t w = i + 3; w < i + count - 1; ++w) {
        for (int b = 0; b < 4; ++b) {
          char c = char((m[w] >> (8 * b)) & 0xff);
          if (c == 0) goto done;
          name += c;
        }
      }
    done:
      names.push_back(name);
    }
    i += count;
  }
  return names;
}

}  // namespace

CompileResult link(const LinkRequest& req) {
  CompileResult r;
  BuildOptions opts;
  std::string err;
  if (!parse_options(req.options, OptionsKind::Link, req.device, &opts, &err)) {
    r.status = Status::InvalidBuildOptions;
    r.log = "error: " + err + "\n";
    return r;
  }
  if (req.modules.empty()) {
    r.status = Status::InvalidBinary;
    r.log = "error: nothing to link\n";
    return r;
  }
  for (size_t i = 0; i < req.modules.size(); ++i) {
    const auto& m = req.modules[i];
    if (m.size() < 5 || m[0] != kSpirvMagic) {
      r.status = Status::InvalidBinary;
      r.log = "error: input " + std::to_string(i) + " is not a SPIR-V module\n";
      return r;
    }
  }
  // SPIRV-Tools' linker only refuses a duplicate definition when an import needs it; OpenCL
  // (like C) refuses two definitions of one function anywhere (Piglit's api@cllinkprogram).
  std::map<std::string, size_t> definer;
  for (size_t i = 0; i < req.modules.size(); ++i) {
    for (const std::string& name : exported_names(req.modules[i])) {
      auto [it, fresh] = definer.emplace(name, i);
      if (!fresh && it->second != i) {
        r.status = Status::LinkFailure;
        r.log += "error: '" + name + "' is defined in input " + std::to_string(it->second) + " and in input " +
                 std::to_string(i) + "\n";
      }
    }
  }
  if (r.status == Status::LinkFailure) return r;
  spvtools::Context ctx(kEnv);
  collect_messages(&ctx, &r.log);
  spvtools::LinkerOptions lopts;
  lopts.SetCreateLibrary(opts.create_library);
  lopts.SetAllowPartialLinkage(opts.create_library);
  lopts.SetVerifyIds(true);
  std::vector<uint32_t> linked;
  if (spvtools::Link(ctx, req.modules, &linked, lopts) != SPV_SUCCESS) {
    r.status = Status::LinkFailure;
    if (r.log.empty()) r.log = "error: linking failed\n";
    return r;
  }
  r.spirv = std::move(linked);
  r.status = Status::Success;
  return r;
}

// spirv-val's OpenCL environments refuse capabilities that OpenCL grants only with an extension
// (Int64Atomics: cl_khr_int64_base_atomics) because it cannot know what the device advertises;
// the compiler already refused them unless the device does. Such modules get the universal
// SPIR-V 1.0 rules instead.
bool uses_extension_gated_capability(const std::vector<uint32_t>& spirv) {
  constexpr uint32_t kOpCapability = 17, kInt64Atomics = 12;
  for (size_t i = 5; i < spirv.size();) {
    uint32_t count = spirv[i] >> 16, op = spirv[i] & 0xffff;
    if (count == 0) break;
    if (op == kOpCapability && i + 1 < spirv.size() && spirv[i + 1] == kInt64Atomics) return true;
    if (op != kOpCapability && op != 11 /*OpExtInstImport*/ && op != 10 /*OpExtension*/) break;
    i += count;
  }
  return false;
}

CompileResult build(const CompileRequest& req) {
  CompileResult compiled = compile(req);
  if (!compiled.ok()) return compiled;
  LinkRequest lreq;
  lreq.modules = {std::move(compiled.spirv)};
  lreq.device = req.device;
  CompileResult linked = link(lreq);
  linked.log = compiled.log + linked.log;
  if (!linked.ok()) linked.status = Status::BuildFailure;
  return linked;
}

std::string validate(const std::vector<uint32_t>& spirv) {
  std::string log;
  spvtools::SpirvTools tools(uses_extension_gated_capability(spirv) ? SPV_ENV_UNIVERSAL_1_0 : kEnv);
  tools.SetMessageConsumer([&log](spv_message_level_t, const char*, const spv_position_t& pos,
                                  const char* message) {
    log += message;
    if (pos.index) log += " (word " + std::to_string(pos.index) + ")";
    log += "\n";
  });
  if (!tools.Validate(spirv) && log.empty()) log = "invalid module\n";
  return log;
}

}  // namespace mica::clc
