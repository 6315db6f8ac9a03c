#include "program.h"

#include "context.h"
#include "device.h"
#include "extensions.h"
#include "info.h"
#include "program_spec_constants.h"

#ifdef MICA_CL_HAVE_CLC
#include <mica/clc/clc.h>
#endif

#include <cstring>

namespace mica::cl {

bool program_compiler_available() {
#ifdef MICA_CL_HAVE_CLC
  return true;
#else
  return false;
#endif
}

Program::Program(Context* context, Origin origin) : Object(Kind::Program), context_(context), origin_(origin) {}
Program::~Program() = default;

std::vector<uint32_t> Program::specialised_il() const {
  std::lock_guard lock(mu);
  return spec_values.empty() ? il : specialise_module(il, spec_values);
}

namespace {
constexpr char kBinaryMagic[8] = {'M', 'I', 'C', 'A', 'C', 'L', 'B', '1'};
constexpr uint32_t kSpirvMagic = 0x07230203;

// Writes at a position of a vector sized once: GCC 12 at -O3 (the release build) reported
// std::vector::insert of the fields after the 8-byte magic as reading past it
// (-Warray-bounds, a false positive that -Werror made a build failure).
uint8_t* put(uint8_t* at, const void* src, size_t n) {
  if (n) std::memcpy(at, src, n);
  return at + n;
}
uint8_t* put32(uint8_t* at, uint32_t v) { return put(at, &v, sizeof v); }
bool get32(const uint8_t*& p, const uint8_t* end, uint32_t& v) {
  if (end - p < 4) return false;
  std::memcpy(&v, p, 4);
  p += 4;
  return true;
}
}  // namespace

// Container: "MICACLB1", u32 binary type, u32 option bytes, options, u32 SPIR-V words, SPIR-V.
std::vector<uint8_t> Program::serialize() const {
  std::vector<uint8_t> out(sizeof kBinaryMagic + 3 * sizeof(uint32_t) + options.size() + module.size() * 4);
  uint8_t* at = put(out.data(), kBinaryMagic, sizeof kBinaryMagic);
  at = put32(at, uint32_t(binary_type));
  at = put32(at, uint32_t(options.size()));
  at = put(at, options.data(), options.size());
  at = put32(at, uint32_t(module.size()));
  put(at, module.data(), module.size() * 4);
  return out;
}

bool Program::deserialize(const uint8_t* data, size_t size, cl_program_binary_type& type, std::string& opts,
                          std::vector<uint32_t>& mod, bool& is_bare_spirv) {
  is_bare_spirv = false;
  if (!data) return false;
  uint32_t first = 0;
  if (size >= 20 && size % 4 == 0 && (std::memcpy(&first, data, 4), first == kSpirvMagic)) {
    mod.assign(reinterpret_cast<const uint32_t*>(data), reinterpret_cast<const uint32_t*>(data) + size / 4);
    is_bare_spirv = true;
    return true;
  }
  if (size < sizeof kBinaryMagic || std::memcmp(data, kBinaryMagic, sizeof kBinaryMagic) != 0) return false;
  const uint8_t* p = data + sizeof kBinaryMagic;
  const uint8_t* end = data + size;
  uint32_t t, n, words;
  if (!get32(p, end, t) || !get32(p, end, n) || uint64_t(end - p) < n) return false;
  if (t != CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT && t != CL_PROGRAM_BINARY_TYPE_LIBRARY &&
      t != CL_PROGRAM_BINARY_TYPE_EXECUTABLE)
    return false;
  opts.assign(reinterpret_cast<const char*>(p), n);
  p += n;
  if (!get32(p, end, words) || uint64_t(end - p) != uint64_t(words) * 4 || words < 5) return false;
  mod.resize(words);
  std::memcpy(mod.data(), p, uint64_t(words) * 4);
  if (mod[0] != kSpirvMagic) return false;
  type = t;
  return true;
}

namespace {

#ifdef MICA_CL_HAVE_CLC
clc::DeviceFeatures clc_features() {
  clc::DeviceFeatures f;
  for (const auto& e : device_extensions()) f.extensions.emplace_back(e.name);
  for (const auto& e : opencl_c_features()) f.features.emplace_back(e.name);
  f.max_cl_c_version = 300;
  f.image_support = true;  // __IMAGE_SUPPORT__ (docs/opencl.md "Images")
  for (const auto& e : opencl_c_versions())
    f.cl_c_versions.push_back(int(CL_VERSION_MAJOR(e.version) * 100 + CL_VERSION_MINOR(e.version) * 10));
  return f;
}
#endif

// The OpenCL C version a module was compiled from (its OpSource OpenCL_C operand, e.g. 102000
// for 1.2), or 0 when it does not say.
uint32_t opencl_c_version(const std::vector<uint32_t>& module) {
  constexpr uint32_t kOpSource = 3, kOpenCL_C = 3;
  for (size_t i = 5; i < module.size();) {
    const uint32_t count = module[i] >> 16, opcode = module[i] & 0xffff;
    if (count == 0 || i + count > module.size()) break;
    if (opcode == kOpSource && count >= 3 && module[i + 1] == kOpenCL_C) return module[i + 2];
    i += count;
  }
  return 0;
}

// Whether the kernels need work-groups that divide the NDRange: OpenCL C 1.x programs and
// -cl-uniform-work-group-size (OpenCL 3.0 "Non-uniform work-groups"). The version comes from the
// module itself, so a program behaves the same from source, IL or a binary.
bool needs_uniform_work_groups(const std::string& options, const std::vector<uint32_t>& module) {
  if (options.find("-cl-uniform-work-group-size") != std::string::npos) return true;
  const uint32_t version = opencl_c_version(module);
  return version != 0 && version < 200000;
}

// Reflects a linked module into the program's executable; a module whose kernels cannot be placed
// fails the build with the reason in the log.
cl_int make_executable(Program& p, const std::string& options) {
  auto reflected = compiler::reflect_kernels(p.module);
  if (auto* err = std::get_if<compiler::CompileError>(&reflected)) {
    p.log += "error: " + err->message + "\n";
    return CL_BUILD_PROGRAM_FAILURE;
  }
  auto exe = std::make_shared<Executable>();
  exe->spirv = p.module;
  exe->reflection = std::move(std::get<compiler::KernelModuleInfo>(reflected));
  exe->uniform_work_groups = needs_uniform_work_groups(options, p.module);
  exe->options = options;
  if (cl_int e = compile_kernels_to_isa(*exe, p.log); e != CL_SUCCESS) return e;
  p.executable = std::move(exe);
  p.binary_type = CL_PROGRAM_BINARY_TYPE_EXECUTABLE;
  return CL_SUCCESS;
}

// Checks a device list given to build/compile/link against the program's context.
cl_int check_devices(const Context& ctx, cl_uint num_devices, const cl_device_id* device_list) {
  if ((num_devices == 0) != (device_list == nullptr)) return CL_INVALID_VALUE;
  for (cl_uint i = 0; i < num_devices; ++i) {
    Device* d = checked<Device>(device_list[i]);
    if (!d || !ctx.has_device(d)) return CL_INVALID_DEVICE;
  }
  return CL_SUCCESS;
}

using BuildNotify = void(CL_CALLBACK*)(cl_program, void*);

// Moves the program to CL_BUILD_IN_PROGRESS, or reports why it cannot be built now.
cl_int begin_build(Program& p) {
  std::lock_guard lock(p.mu);
  if (p.kernels.load() > 0 || p.build_status == CL_BUILD_IN_PROGRESS) return CL_INVALID_OPERATION;
  p.build_status = CL_BUILD_IN_PROGRESS;
  p.log.clear();
  return CL_SUCCESS;
}

void end_build(Program& p, cl_int result, BuildNotify notify, void* user_data) {
  {
    std::lock_guard lock(p.mu);
    p.build_status = result == CL_SUCCESS ? CL_BUILD_SUCCESS : CL_BUILD_ERROR;
    if (result != CL_SUCCESS) {
      p.executable.reset();
      p.binary_type = CL_PROGRAM_BINARY_TYPE_NONE;
    }
  }
  if (notify) notify(to_handle(&p), user_data);
}

// OpenCL C -> SPIR-V object (clCompileProgram; the first half of clBuildProgram).
cl_int compile_source(Program& p, const std::string& options, const std::vector<std::pair<std::string, std::string>>& headers,
                      std::vector<uint32_t>& out, cl_int failure) {
#ifdef MICA_CL_HAVE_CLC
  clc::CompileRequest req;
  req.source = p.source;
  req.options = options;
  req.device = clc_features();
  for (const auto& [name, text] : headers) req.headers.push_back({name, text});
  clc::CompileResult r = clc::compile(req);
  p.log += r.log;
  if (r.status == clc::Status::InvalidBuildOptions)
    return failure == CL_BUILD_PROGRAM_FAILURE ? CL_INVALID_BUILD_OPTIONS : CL_INVALID_COMPILER_OPTIONS;
  if (!r.ok()) return failure;
  out = std::move(r.spirv);
  return CL_SUCCESS;
#else
  (void)p, (void)options, (void)headers, (void)out, (void)failure;
  return CL_COMPILER_NOT_AVAILABLE;
#endif
}

// SPIR-V objects -> one module (clLinkProgram; the second half of clBuildProgram).
cl_int link_modules(Program& p, std::vector<std::vector<uint32_t>> modules, const std::string& options,
                    std::vector<uint32_t>& out, cl_int failure) {
#ifdef MICA_CL_HAVE_CLC
  clc::LinkRequest req;
  req.modules = std::move(modules);
  req.options = options;
  req.device = clc_features();
  clc::CompileResult r = clc::link(req);
  p.log += r.log;
  if (r.status == clc::Status::InvalidBuildOptions) return CL_INVALID_LINKER_OPTIONS;
  if (r.status == clc::Status::InvalidBinary) return CL_INVALID_BINARY;
  if (!r.ok()) return failure;
  out = std::move(r.spirv);
  return CL_SUCCESS;
#else
  (void)options, (void)failure;
  // Without the linker a single self-contained module is already linked.
  if (modules.size() != 1) return CL_LINKER_NOT_AVAILABLE;
  p.log += "note: no SPIR-V linker in this build; the module is used as it is\n";
  out = std::move(modules[0]);
  return CL_SUCCESS;
#endif
}

// OpenCL C -> executable SPIR-V module in one step (mica::clc::build: compile, then link alone so an
// undefined function fails the build here with its name in the log).
cl_int build_source(Program& p, const std::string& options, std::vector<uint32_t>& out) {
#ifdef MICA_CL_HAVE_CLC
  clc::CompileRequest req;
  req.source = p.source;
  req.options = options;
  req.device = clc_features();
  clc::CompileResult r = clc::build(req);
  p.log += r.log;
  if (r.status == clc::Status::InvalidBuildOptions) return CL_INVALID_BUILD_OPTIONS;
  if (!r.ok()) return CL_BUILD_PROGRAM_FAILURE;
  out = std::move(r.spirv);
  return CL_SUCCESS;
#else
  (void)p, (void)options, (void)out;
  return CL_COMPILER_NOT_AVAILABLE;
#endif
}

cl_int build(Program& p, const std::string& options) {
  std::vector<uint32_t> object;
  switch (p.origin()) {
  case Program::Origin::source: {
    std::vector<uint32_t> executable;
    if (cl_int e = build_source(p, options, executable); e != CL_SUCCESS) return e;
    std::lock_guard lock(p.mu);
    p.module = std::move(executable);
    p.options = options;
    return make_executable(p, options);
  }
  case Program::Origin::il: object = p.specialised_il(); break;
  case Program::Origin::binary:
  case Program::Origin::linked: {
    std::lock_guard lock(p.mu);
    if (p.binary_type == CL_PROGRAM_BINARY_TYPE_EXECUTABLE) {
      // An executable binary: reflect it again (cheap); the options it was built with stay.
      std::string kept = p.options;
      return make_executable(p, kept);
    }
    if (p.binary_type == CL_PROGRAM_BINARY_TYPE_NONE) return CL_INVALID_BINARY;
    object = p.module;
    break;
  }
  }
  std::vector<uint32_t> linked;
  if (cl_int e = link_modules(p, {std::move(object)}, "", linked, CL_BUILD_PROGRAM_FAILURE); e != CL_SUCCESS)
    return e == CL_LINK_PROGRAM_FAILURE ? CL_BUILD_PROGRAM_FAILURE : e;
  std::lock_guard lock(p.mu);
  p.module = std::move(linked);
  p.options = options;
  return make_executable(p, options);
}

}  // namespace
}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithSource(cl_context context, cl_uint count, const char** strings,
                                                             const size_t* lengths, cl_int* errcode_ret) {
  return guarded_create<cl_program>(errcode_ret, [&](cl_int* err) -> cl_program {
    Context* c = checked<Context>(context);
    if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
    if (count == 0 || !strings) return *err = CL_INVALID_VALUE, nullptr;
    std::string text;
    for (cl_uint i = 0; i < count; ++i) {
      if (!strings[i]) return *err = CL_INVALID_VALUE, nullptr;
      if (lengths && lengths[i]) text.append(strings[i], lengths[i]);
      else text.append(strings[i]);
    }
    auto* p = new Program(c, Program::Origin::source);
    p->source = std::move(text);
    return to_handle(p);
  });
}

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithIL(cl_context context, const void* il, size_t length,
                                                         cl_int* errcode_ret) {
  return guarded_create<cl_program>(errcode_ret, [&](cl_int* err) -> cl_program {
    Context* c = checked<Context>(context);
    if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
    if (!il || length == 0) return *err = CL_INVALID_VALUE, nullptr;
    uint32_t magic = 0;
    if (length < 20 || length % 4 || (std::memcpy(&magic, il, 4), magic != 0x07230203))
      return *err = CL_INVALID_VALUE, nullptr;  // not SPIR-V (the only IL in CL_DEVICE_IL_VERSION)
    auto* p = new Program(c, Program::Origin::il);
    p->il.assign(static_cast<const uint32_t*>(il), static_cast<const uint32_t*>(il) + length / 4);
    return to_handle(p);
  });
}

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithBinary(cl_context context, cl_uint num_devices,
                                                             const cl_device_id* device_list, const size_t* lengths,
                                                             const unsigned char** binaries, cl_int* binary_status,
                                                             cl_int* errcode_ret) {
  return guarded_create<cl_program>(errcode_ret, [&](cl_int* err) -> cl_program {
    Context* c = checked<Context>(context);
    if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
    if (num_devices == 0 || !device_list || !lengths || !binaries) return *err = CL_INVALID_VALUE, nullptr;
    if ((*err = check_devices(*c, num_devices, device_list)) != CL_SUCCESS) return nullptr;
    cl_program_binary_type type = CL_PROGRAM_BINARY_TYPE_NONE;
    std::string opts;
    std::vector<uint32_t> module;
    bool bare = false;
    for (cl_uint i = 0; i < num_devices; ++i) {
      if (!binaries[i] || lengths[i] == 0) {
        if (binary_status) binary_status[i] = CL_INVALID_VALUE;
        return *err = CL_INVALID_VALUE, nullptr;
      }
      if (!Program::deserialize(binaries[i], lengths[i], type, opts, module, bare)) {
        if (binary_status) binary_status[i] = CL_INVALID_BINARY;
        return *err = CL_INVALID_BINARY, nullptr;
      }
      if (binary_status) binary_status[i] = CL_SUCCESS;
    }
    if (bare) {  // a bare SPIR-V module: as if it came through clCreateProgramWithIL
      auto* p = new Program(c, Program::Origin::il);
      p->il = std::move(module);
      return to_handle(p);
    }
    auto* p = new Program(c, Program::Origin::binary);
    p->binary_type = type;
    p->options = std::move(opts);
    p->module = std::move(module);
    if (type == CL_PROGRAM_BINARY_TYPE_EXECUTABLE) {
      // An executable binary is usable as it is: kernels can be created without clBuildProgram
      // (which still succeeds on it). Piglit's api@clcreateprogramwithbinary does that; OpenCL 3.0
      // clCreateKernel only asks for "a successfully built executable", which the binary is. If
      // Mica cannot compile it, it stays unbuilt and clBuildProgram reports why.
      std::lock_guard lock(p->mu);
      const std::string kept = p->options;
      if (make_executable(*p, kept) == CL_SUCCESS) p->build_status = CL_BUILD_SUCCESS;
      else p->log.clear();
    }
    return to_handle(p);
  });
}

CL_API_ENTRY cl_program CL_API_CALL clCreateProgramWithBuiltInKernels(cl_context context, cl_uint num_devices,
                                                                     const cl_device_id* device_list, const char*,
                                                                     cl_int* errcode_ret) {
  return guarded_create<cl_program>(errcode_ret, [&](cl_int* err) -> cl_program {
    Context* c = checked<Context>(context);
    if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
    if (num_devices == 0 || !device_list) return *err = CL_INVALID_VALUE, nullptr;
    if ((*err = check_devices(*c, num_devices, device_list)) != CL_SUCCESS) return nullptr;
    return *err = CL_INVALID_VALUE, nullptr;  // the device has no built-in kernels (CL_DEVICE_BUILT_IN_KERNELS "")
  });
}

CL_API_ENTRY cl_int CL_API_CALL clRetainProgram(cl_program program) {
  Program* p = checked<Program>(program);
  if (!p) return CL_INVALID_PROGRAM;
  p->retain();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseProgram(cl_program program) {
  Program* p = checked<Program>(program);
  if (!p) return CL_INVALID_PROGRAM;
  p->release();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clBuildProgram(cl_program program, cl_uint num_devices, const cl_device_id* device_list,
                                              const char* options, BuildNotify pfn_notify, void* user_data) {
  return guarded([&]() -> cl_int {
    Program* p = checked<Program>(program);
    if (!p) return CL_INVALID_PROGRAM;
    if (cl_int e = check_devices(*p->context(), num_devices, device_list); e != CL_SUCCESS) return e;
    if (!pfn_notify && user_data) return CL_INVALID_VALUE;
    if (cl_int e = begin_build(*p); e != CL_SUCCESS) return e;
    Ref<Program> hold(p);
    cl_int result = build(*p, options ? options : "");
    end_build(*p, result, pfn_notify, user_data);
    return result;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clCompileProgram(cl_program program, cl_uint num_devices, const cl_device_id* device_list,
                                                const char* options, cl_uint num_input_headers,
                                                const cl_program* input_headers, const char** header_include_names,
                                                BuildNotify pfn_notify, void* user_data) {
  return guarded([&]() -> cl_int {
    Program* p = checked<Program>(program);
    if (!p) return CL_INVALID_PROGRAM;
    if (cl_int e = check_devices(*p->context(), num_devices, device_list); e != CL_SUCCESS) return e;
    if (!pfn_notify && user_data) return CL_INVALID_VALUE;
    if ((num_input_headers == 0) != (input_headers == nullptr) || (num_input_headers && !header_include_names))
      return CL_INVALID_VALUE;
    std::vector<std::pair<std::string, std::string>> headers;
    for (cl_uint i = 0; i < num_input_headers; ++i) {
      Program* h = checked<Program>(input_headers[i]);
      if (!h) return CL_INVALID_PROGRAM;
      if (!header_include_names[i]) return CL_INVALID_VALUE;
      headers.emplace_back(header_include_names[i], h->source);
    }
    if (p->origin() != Program::Origin::source && p->origin() != Program::Origin::il) return CL_INVALID_OPERATION;
    if (cl_int e = begin_build(*p); e != CL_SUCCESS) return e;
    Ref<Program> hold(p);
    const std::string opts = options ? options : "";
    std::vector<uint32_t> object;
    cl_int result = CL_SUCCESS;
    if (p->origin() == Program::Origin::source) result = compile_source(*p, opts, headers, object, CL_COMPILE_PROGRAM_FAILURE);
    else object = p->specialised_il();
    if (result == CL_SUCCESS) {
      std::lock_guard lock(p->mu);
      p->module = std::move(object);
      p->options = opts;
      p->binary_type = CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT;
      p->executable.reset();
    }
    end_build(*p, result, pfn_notify, user_data);
    return result;
  });
}

CL_API_ENTRY cl_program CL_API_CALL clLinkProgram(cl_context context, cl_uint num_devices, const cl_device_id* device_list,
                                                 const char* options, cl_uint num_input_programs,
                                                 const cl_program* input_programs, BuildNotify pfn_notify,
                                                 void* user_data, cl_int* errcode_ret) {
  return guarded_create<cl_program>(errcode_ret, [&](cl_int* err) -> cl_program {
    Context* c = checked<Context>(context);
    if (!c) return *err = CL_INVALID_CONTEXT, nullptr;
    if ((*err = check_devices(*c, num_devices, device_list)) != CL_SUCCESS) return nullptr;
    if (!pfn_notify && user_data) return *err = CL_INVALID_VALUE, nullptr;
    if (num_input_programs == 0 || !input_programs) return *err = CL_INVALID_VALUE, nullptr;
    std::vector<std::vector<uint32_t>> modules;
    for (cl_uint i = 0; i < num_input_programs; ++i) {
      Program* in = checked<Program>(input_programs[i]);
      if (!in) return *err = CL_INVALID_PROGRAM, nullptr;
      if (in->context() != c) return *err = CL_INVALID_CONTEXT, nullptr;
      std::lock_guard lock(in->mu);
      if (in->binary_type != CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT && in->binary_type != CL_PROGRAM_BINARY_TYPE_LIBRARY)
        return *err = CL_INVALID_OPERATION, nullptr;
      modules.push_back(in->module);
    }
    const std::string opts = options ? options : "";
    const bool library = opts.find("-create-library") != std::string::npos;
    auto out = Ref<Program>::adopt(new Program(c, Program::Origin::linked));
    out->build_status = CL_BUILD_IN_PROGRESS;
    std::vector<uint32_t> linked;
    cl_int result = link_modules(*out, std::move(modules), opts, linked, CL_LINK_PROGRAM_FAILURE);
    if (result == CL_SUCCESS) {
      std::lock_guard lock(out->mu);
      out->module = std::move(linked);
      out->options = opts;
      if (library) out->binary_type = CL_PROGRAM_BINARY_TYPE_LIBRARY;
      else if (make_executable(*out, opts) != CL_SUCCESS) result = CL_LINK_PROGRAM_FAILURE;
    }
    if (result == CL_INVALID_LINKER_OPTIONS || result == CL_INVALID_BINARY || result == CL_LINKER_NOT_AVAILABLE)
      return *err = result, nullptr;
    end_build(*out, result, pfn_notify, user_data);
    *err = result;
    // A failed link still returns the program, so the application can read its build log.
    return to_handle(out.leak());
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetProgramInfo(cl_program program, cl_program_info param_name, size_t param_value_size,
                                                void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Program* p = checked<Program>(program);
    if (!p) return CL_INVALID_PROGRAM;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    std::lock_guard lock(p->mu);
    switch (param_name) {
    case CL_PROGRAM_REFERENCE_COUNT: return out.scalar(p->ref_count());
    case CL_PROGRAM_CONTEXT: return out.scalar(to_handle(p->context()));
    case CL_PROGRAM_NUM_DEVICES: return out.scalar(cl_uint(p->context()->devices().size()));
    case CL_PROGRAM_DEVICES: {
      std::vector<cl_device_id> ids;
      for (Device* d : p->context()->devices()) ids.push_back(to_handle(d));
      return out.array(ids);
    }
    case CL_PROGRAM_SOURCE: return p->origin() == Program::Origin::source ? out.string(p->source) : out.string("");
    case CL_PROGRAM_IL:
      return p->origin() == Program::Origin::il ? out.bytes(p->il.data(), p->il.size() * 4) : out.bytes(nullptr, 0);
    case CL_PROGRAM_BINARY_SIZES: {
      const size_t n = p->binary_type == CL_PROGRAM_BINARY_TYPE_NONE ? 0 : p->serialize().size();
      std::vector<size_t> sizes(p->context()->devices().size(), n);
      return out.array(sizes);
    }
    case CL_PROGRAM_BINARIES: {
      const size_t n = p->context()->devices().size();
      if (!param_value) return out.bytes(nullptr, n * sizeof(unsigned char*));
      if (param_value_size < n * sizeof(unsigned char*)) return CL_INVALID_VALUE;
      auto** dst = static_cast<unsigned char**>(param_value);
      const std::vector<uint8_t> bin = p->binary_type == CL_PROGRAM_BINARY_TYPE_NONE ? std::vector<uint8_t>{} : p->serialize();
      for (size_t i = 0; i < n; ++i)
        if (dst[i] && !bin.empty()) std::memcpy(dst[i], bin.data(), bin.size());
      if (param_value_size_ret) *param_value_size_ret = n * sizeof(unsigned char*);
      return CL_SUCCESS;
    }
    case CL_PROGRAM_NUM_KERNELS:
      if (!p->executable) return CL_INVALID_PROGRAM_EXECUTABLE;
      return out.scalar(size_t(p->executable->reflection.kernels.size()));
    case CL_PROGRAM_KERNEL_NAMES: {
      if (!p->executable) return CL_INVALID_PROGRAM_EXECUTABLE;
      std::string names;
      for (const auto& k : p->executable->reflection.kernels) names += (names.empty() ? "" : ";") + k.name;
      return out.string(names);
    }
    case CL_PROGRAM_SCOPE_GLOBAL_CTORS_PRESENT:
    case CL_PROGRAM_SCOPE_GLOBAL_DTORS_PRESENT: return out.scalar(cl_bool(CL_FALSE));
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetProgramBuildInfo(cl_program program, cl_device_id device,
                                                     cl_program_build_info param_name, size_t param_value_size,
                                                     void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Program* p = checked<Program>(program);
    if (!p) return CL_INVALID_PROGRAM;
    Device* d = checked<Device>(device);
    if (!d || !p->context()->has_device(d)) return CL_INVALID_DEVICE;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    std::lock_guard lock(p->mu);
    switch (param_name) {
    case CL_PROGRAM_BUILD_STATUS: return out.scalar(p->build_status);
    case CL_PROGRAM_BUILD_OPTIONS: return out.string(p->options);
    case CL_PROGRAM_BUILD_LOG: return out.string(p->log);
    case CL_PROGRAM_BINARY_TYPE: return out.scalar(p->binary_type);
    case CL_PROGRAM_BUILD_GLOBAL_VARIABLE_TOTAL_SIZE: return out.scalar(size_t(0));
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clSetProgramSpecializationConstant(cl_program program, cl_uint spec_id,
                                                                  size_t spec_size, const void* spec_value) {
  return guarded([&]() -> cl_int {
    Program* p = checked<Program>(program);
    // Only IL programs have specialization constants; OpenCL C source has none.
    if (!p || p->origin() != Program::Origin::il) return CL_INVALID_PROGRAM;
    const auto type = find_spec_constant(p->il, spec_id);
    if (!type) return CL_INVALID_SPEC_ID;
    // A boolean takes a cl_uchar (OpenCL 3.0 5.8.4); other scalars their type's size.
    if (!spec_value || spec_size != type->size) return CL_INVALID_VALUE;
    const auto* bytes = static_cast<const uint8_t*>(spec_value);
    std::lock_guard lock(p->mu);
    p->spec_values[spec_id].assign(bytes, bytes + spec_size);
    return CL_SUCCESS;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clSetProgramReleaseCallback(cl_program program, void(CL_CALLBACK*)(cl_program, void*),
                                                           void*) {
  // Deprecated in 3.0 and only for program-scope global destructors, which this device does not have.
  return checked<Program>(program) ? CL_INVALID_OPERATION : CL_INVALID_PROGRAM;
}
