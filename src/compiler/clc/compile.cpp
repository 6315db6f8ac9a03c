// OpenCL C -> LLVM IR (libclang 15) -> SPIR-V (LLVMSPIRVLib 15), in process.
//
// Every call owns its LLVMContext, CompilerInstance, diagnostics and virtual file system, so
// concurrent calls share nothing mutable (LLVM's global option registry is never touched).
#include <memory>
#include <sstream>

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Frontend/Utils.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>
#include <LLVMSPIRVLib/LLVMSPIRVLib.h>

#include "clc_internal.h"
#include "mica/clc/clc.h"

namespace mica::clc {

namespace {

// Where in-memory headers live in the virtual file system. It comes first in the include path,
// so `#include "name"` and `#include <name>` find a header the application passed.
constexpr const char* kHeaderDir = "/mica-clc-headers";

// Extensions whose OpenCL C 3.0 feature macro must agree with them (clang refuses a mismatch).
const struct { const char* extension; const char* feature; } kPairedFeatures[] = {
    {"cl_khr_fp64", "__opencl_c_fp64"},
    {"cl_khr_3d_image_writes", "__opencl_c_3d_image_writes"},
    {"cl_khr_subgroups", "__opencl_c_subgroups"},
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& e : v) {
    if (e == s) return true;
  }
  return false;
}

std::string cl_ext_argument(const DeviceFeatures& device) {
  std::vector<std::string> on = device.extensions;
  for (const auto& f : device.features) {
    if (!contains(on, f)) on.push_back(f);
  }
  for (const auto& p : kPairedFeatures) {
    bool any = contains(on, p.extension) || contains(on, p.feature);
    if (any && !contains(on, p.extension)) on.push_back(p.extension);
    if (any && !contains(on, p.feature)) on.push_back(p.feature);
  }
  std::string arg = "-cl-ext=-all";
  for (const auto& e : on) arg += ",+" + e;
  return arg;
}

const char* cl_std_argument(int version) {
  switch (version) {
    case 100: return "-cl-std=CL1.0";
    case 110: return "-cl-std=CL1.1";
    case 200: return "-cl-std=CL2.0";
    case 300: return "-cl-std=CL3.0";
    default: return "-cl-std=CL1.2";
  }
}

std::vector<std::string> cc1_arguments(const BuildOptions& o, const DeviceFeatures& device,
                                       bool have_headers) {
  std::vector<std::string> a = {
      "-triple", "spir64-unknown-unknown",
      "-x", "cl",
      cl_std_argument(o.cl_std),
      // The OpenCL C builtin declarations: clang's TableGen'd builtins plus opencl-c-base.h
      // (types, macros); much faster than parsing the full opencl-c.h on every build.
      "-finclude-default-header", "-fdeclare-opencl-builtins",
      "-resource-dir", MICA_CLANG_RESOURCE_DIR,
      // LLVMSPIRVLib 15 translates typed-pointer IR only.
      "-no-opaque-pointers",
      cl_ext_argument(device),
      "-fno-caret-diagnostics",
      o.opt_disable ? "-O0" : "-O2",
  };
  if (o.opt_disable) a.push_back("-cl-opt-disable");
  if (o.single_precision_constant) a.push_back("-cl-single-precision-constant");
  // clang's driver spells -cl-denorms-are-zero this way for cc1.
  if (o.denorms_are_zero) a.push_back("-fdenormal-fp-math-f32=preserve-sign");
  if (o.fp32_correctly_rounded_divide_sqrt) a.push_back("-cl-fp32-correctly-rounded-divide-sqrt");
  if (o.mad_enable) a.push_back("-cl-mad-enable");
  if (o.no_signed_zeros) a.push_back("-cl-no-signed-zeros");
  if (o.unsafe_math) a.push_back("-cl-unsafe-math-optimizations");
  if (o.finite_math_only) a.push_back("-cl-finite-math-only");
  if (o.fast_relaxed_math) a.push_back("-cl-fast-relaxed-math");
  if (o.uniform_work_group_size) a.push_back("-cl-uniform-work-group-size");
  if (o.kernel_arg_info) a.push_back("-cl-kernel-arg-info");
  if (o.no_warnings) a.push_back("-w");
  if (o.warnings_as_errors) a.push_back("-Werror");
  // The macros that describe the device rather than the language (OpenCL C 3.0 section 6.13).
  a.push_back("-D__OPENCL_VERSION__=" + std::to_string(device.opencl_version));
  if (!device.image_support) a.push_back("-U__IMAGE_SUPPORT__");
  if (have_headers) {
    a.push_back("-I");
    a.push_back(kHeaderDir);
  }
  for (const auto& d : o.include_dirs) {
    a.push_back("-I");
    a.push_back(d);
  }
  for (const auto& d : o.defines) a.push_back("-D" + d);
  return a;
}

// Records the real files the preprocessor reads (not clang's own headers, not the in-memory
// ones, whose contents are part of the cache key).
class RealFileCollector : public clang::DependencyCollector {
 public:
  bool sawDependency(llvm::StringRef name, bool /*from_module*/, bool is_system, bool /*is_module_file*/,
                     bool is_missing) override {
    return !is_missing && !is_system && !name.startswith(kHeaderDir);
  }
};

}  // namespace

CompileResult compile(const CompileRequest& req) {
  CompileResult r;
  BuildOptions opts;
  std::string err;
  if (!parse_options(req.options, OptionsKind::Compile, req.device, &opts, &err)) {
    r.status = Status::InvalidBuildOptions;
    r.log = "error: " + err + "\n";
    return r;
  }
  for (const Header& h : req.headers) {
    if (h.name.empty() || h.name[0] == '/' || h.name.find("..") != std::string::npos) {
      r.status = Status::InvalidBuildOptions;
      r.log = "error: header name '" + h.name + "' must be a relative path without '..'\n";
      return r;
    }
  }

  const bool cacheable = req.use_cache && opts.include_dirs.empty();
  std::string key;
  if (cacheable) {
    key = cache_key(req);
    if (cache_find(key, &r)) return r;
  }

  std::string log;
  llvm::raw_string_ostream log_stream(log);
  auto diag_opts = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
  diag_opts->ShowColors = false;
  diag_opts->ShowCarets = false;
  auto* printer = new clang::TextDiagnosticPrinter(log_stream, diag_opts.get());

  std::vector<std::string> args = cc1_arguments(opts, req.device, !req.headers.empty());
  args.push_back(req.source_name);
  std::vector<const char*> argv;
  for (const auto& s : args) argv.push_back(s.c_str());

  auto invocation = std::make_shared<clang::CompilerInvocation>();
  {
    // Diagnostics about the arguments themselves go to the same log.
    clang::DiagnosticsEngine arg_diags(llvm::makeIntrusiveRefCnt<clang::DiagnosticIDs>(), diag_opts.get(),
                                       printer, /*ShouldOwnClient=*/false);
    if (!clang::CompilerInvocation::CreateFromArgs(*invocation, argv, arg_diags) ||
        arg_diags.hasErrorOccurred()) {
      delete printer;
      log_stream.flush();
      r.status = Status::InvalidBuildOptions;
      r.log = log.empty() ? "error: the compiler refused the options\n" : log;
      return r;
    }
  }

  // The source and headers come from memory; everything else (-I directories, clang's resource
  // directory) from the real file system underneath.
  auto overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::getRealFileSystem());
  auto memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  overlay->pushOverlay(memory);
  for (const Header& h : req.headers) {
    memory->addFile(std::string(kHeaderDir) + "/" + h.name, 0,
                    llvm::MemoryBuffer::getMemBufferCopy(h.source, h.name));
  }
  auto source = llvm::MemoryBuffer::getMemBuffer(req.source, req.source_name, /*RequiresNullTerminator=*/true);
  invocation->getFrontendOpts().Inputs.clear();
  invocation->getFrontendOpts().Inputs.emplace_back(source->getMemBufferRef(),
                                                    clang::InputKind(clang::Language::OpenCL));

  clang::CompilerInstance ci;
  ci.setInvocation(invocation);
  ci.createDiagnostics(printer, /*ShouldOwnClient=*/true);
  ci.createFileManager(overlay);
  auto files_read = std::make_shared<RealFileCollector>();
  ci.addDependencyCollector(files_read);

  llvm::LLVMContext context;
  context.setOpaquePointers(false);
  clang::EmitLLVMOnlyAction action(&context);
  bool ran = ci.ExecuteAction(action);
  std::unique_ptr<llvm::Module> module = ran ? action.takeModule() : nullptr;
  log_stream.flush();
  r.log = log;
  if (!module || ci.getDiagnostics().hasErrorOccurred()) {
    r.status = Status::BuildFailure;
    if (r.log.empty()) r.log = "error: compilation failed\n";
    return r;
  }

  prepare_for_spirv(*module);
  SPIRV::TranslatorOpts topts(SPIRV::VersionNumber::SPIRV_1_0);
  // Keeps the OpenCL C type names of kernel arguments in the module ("kernel_arg_type.<kernel>.
  // <type>,<type>," strings) so reflection can answer CL_KERNEL_ARG_TYPE_NAME.
  topts.setPreserveOCLKernelArgTypeMetadataThroughString(opts.kernel_arg_info);
  std::ostringstream out;
  std::string terr;
  if (!llvm::writeSpirv(module.get(), topts, out, terr)) {
    r.status = Status::BuildFailure;
    r.log += "error: SPIR-V translation failed: " + terr + "\n";
    return r;
  }
  std::string bytes = out.str();
  if (bytes.size() % 4 != 0 || bytes.empty()) {
    r.status = Status::BuildFailure;
    r.log += "error: SPIR-V translation produced a truncated module\n";
    return r;
  }
  r.spirv.resize(bytes.size() / 4);
  std::memcpy(r.spirv.data(), bytes.data(), bytes.size());
  r.status = Status::Success;
  if (cacheable) {
    std::vector<std::string> files(files_read->getDependencies().begin(), files_read->getDependencies().end());
    cache_insert(key, r, files);
  }
  return r;
}

}  // namespace mica::clc
