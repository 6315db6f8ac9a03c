#include "kernel.h"

#include "backend.h"
#include "context.h"
#include "device.h"
#include "image.h"
#include "info.h"
#include "memory.h"

#include <mica_hw.h>
#include "mica/compiler/kernel_image_abi.h"

#include <cstring>

namespace mica::cl {

Kernel::Kernel(Program* program, std::shared_ptr<const Executable> exe, const compiler::KernelInfo* info)
    : Object(Kind::Kernel), program_(program), exe_(std::move(exe)), info_(info), args_(info->args.size()) {
  program->kernels.fetch_add(1);
}

Kernel::~Kernel() { program_->kernels.fetch_sub(1); }

Context* Kernel::context() const { return program_->context(); }

cl_int Kernel::set_arg(cl_uint index, size_t size, const void* value) {
  if (index >= info_->args.size()) return CL_INVALID_ARG_INDEX;
  const compiler::KernelArg& a = info_->args[index];
  ArgValue v;
  v.set = true;
  switch (a.kind) {
  case compiler::KernelArgKind::global_pointer:
  case compiler::KernelArgKind::constant_pointer: {
    if (size != sizeof(cl_mem)) return CL_INVALID_ARG_SIZE;
    cl_mem handle = value ? *static_cast<const cl_mem*>(value) : nullptr;
    if (handle) {
      Memory* m = checked<Memory>(handle);
      if (!m) return CL_INVALID_MEM_OBJECT;
      if (m->context() != context() || m->image()) return CL_INVALID_MEM_OBJECT;
      v.memory = Ref<Memory>(m);
    }
    break;
  }
  case compiler::KernelArgKind::local_pointer:
    if (value) return CL_INVALID_ARG_VALUE;
    if (size == 0) return CL_INVALID_ARG_SIZE;
    // Too much __local memory in total is the enqueue's CL_OUT_OF_RESOURCES, not an argument error.
    if (size > UINT32_MAX) return CL_OUT_OF_RESOURCES;
    v.local_bytes = uint32_t(size);
    break;
  case compiler::KernelArgKind::by_value:
    if (size != a.size) return CL_INVALID_ARG_SIZE;
    if (!value) return CL_INVALID_ARG_VALUE;
    v.bytes.assign(static_cast<const uint8_t*>(value), static_cast<const uint8_t*>(value) + size);
    break;
  case compiler::KernelArgKind::sampler: {
    // The sampler's descriptor goes into the argument block (kernel_image_abi.h).
    if (size != sizeof(cl_sampler)) return CL_INVALID_ARG_SIZE;
    Sampler* s = value ? checked<Sampler>(*static_cast<const cl_sampler*>(value)) : nullptr;
    if (!s || s->context() != context()) return CL_INVALID_SAMPLER;
    v.bytes.resize(compiler::kernel_image::kSamplerArgBytes);
    s->descriptor(v.bytes.data());
    break;
  }
  case compiler::KernelArgKind::image: {
    // The image's descriptor and format words (kernel_image_abi.h); the image is held for residency.
    if (size != sizeof(cl_mem)) return CL_INVALID_ARG_SIZE;
    Memory* m = value ? checked<Memory>(*static_cast<const cl_mem*>(value)) : nullptr;
    if (!m || !m->image() || m->context() != context()) return CL_INVALID_MEM_OBJECT;
    // An image the kernel writes must be writable by kernels, and one it reads readable.
    const cl_mem_flags f = m->flags();
    if (a.access == compiler::KernelArgAccess::read_only && (f & CL_MEM_WRITE_ONLY)) return CL_INVALID_ARG_VALUE;
    if (a.access == compiler::KernelArgAccess::write_only && (f & CL_MEM_READ_ONLY)) return CL_INVALID_ARG_VALUE;
    if (a.access == compiler::KernelArgAccess::read_write && (f & (CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY)))
      return CL_INVALID_ARG_VALUE;
    v.bytes.resize(compiler::kernel_image::kImageArgBytes);
    image_arg_bytes(*m, v.bytes.data());
    v.memory = Ref<Memory>(m);
    break;
  }
  }
  std::lock_guard lock(mu_);
  args_[index] = std::move(v);
  return CL_SUCCESS;
}

std::vector<Kernel::ArgValue> Kernel::args() const {
  std::lock_guard lock(mu_);
  return args_;
}

void Kernel::copy_args_from(const Kernel& other) {
  auto a = other.args();
  std::lock_guard lock(mu_);
  args_ = std::move(a);
}

std::map<uint32_t, uint32_t> Kernel::local_arg_bytes(uint32_t fallback) const {
  std::map<uint32_t, uint32_t> out;
  std::lock_guard lock(mu_);
  for (uint32_t i = 0; i < info_->args.size(); ++i)
    if (info_->args[i].kind == compiler::KernelArgKind::local_pointer)
      out[i] = args_[i].set ? args_[i].local_bytes : fallback;
  return out;
}

cl_int Kernel::variant(const VariantKey& key, std::shared_ptr<device::Program>& out, std::string& log) {
  {
    std::lock_guard lock(mu_);
    if (auto it = variants_.find(key); it != variants_.end()) {
      out = it->second;
      return CL_SUCCESS;
    }
  }
  if (auto it = exe_->prebuilt.find(info_->name);
      it != exe_->prebuilt.end() && it->second.local == key.local && it->second.local_args == key.local_args) {
    out = it->second.program;  // compiled at build time (program_isa.cpp)
    std::lock_guard lock(mu_);
    variants_.emplace(key, out);
    return CL_SUCCESS;
  }
  device::Screen* s = screen();
  if (!s) return CL_DEVICE_NOT_AVAILABLE;
  device::ProgramSource src;
  src.spirv = exe_->spirv;
  src.options.entry_point = info_->name;
  src.options.local_size = key.local;
  src.options.local_arg_bytes = key.local_args;
  std::shared_ptr<device::Program> prog;
  // OpenCL applications rebuild their programs from source on every run; the on-disk cache
  // (MICA_CACHE_DIR, docs/opencl.md "Device layer") makes every run after the first skip Mica's
  // compiler. The key holds the compiler's build id, so a rebuilt driver never takes a stale binary.
  device::ProgramCacheUse cache_use;
  cache_use.use_disk = true;
  device::Status st = s->create_program(std::move(src), cache_use, prog, &log);
  if (st != device::Status::ok) return st == device::Status::out_of_host_memory ? CL_OUT_OF_HOST_MEMORY : CL_OUT_OF_RESOURCES;
  std::lock_guard lock(mu_);
  out = variants_.emplace(key, std::move(prog)).first->second;
  return CL_SUCCESS;
}

namespace {
cl_int create_kernel(Program* p, const char* name, cl_kernel* out) {
  std::shared_ptr<const Executable> exe;
  {
    std::lock_guard lock(p->mu);
    exe = p->executable;
  }
  if (!exe) return CL_INVALID_PROGRAM_EXECUTABLE;
  for (const auto& k : exe->reflection.kernels)
    if (k.name == name) {
      *out = to_handle(new Kernel(p, exe, &k));
      return CL_SUCCESS;
    }
  return CL_INVALID_KERNEL_NAME;
}

cl_kernel_arg_address_qualifier address_qualifier(compiler::KernelArgAddress a) {
  switch (a) {
  case compiler::KernelArgAddress::global: return CL_KERNEL_ARG_ADDRESS_GLOBAL;
  case compiler::KernelArgAddress::constant: return CL_KERNEL_ARG_ADDRESS_CONSTANT;
  case compiler::KernelArgAddress::local: return CL_KERNEL_ARG_ADDRESS_LOCAL;
  case compiler::KernelArgAddress::private_: return CL_KERNEL_ARG_ADDRESS_PRIVATE;
  }
  return CL_KERNEL_ARG_ADDRESS_PRIVATE;
}

cl_kernel_arg_access_qualifier access_qualifier(compiler::KernelArgAccess a) {
  switch (a) {
  case compiler::KernelArgAccess::none: return CL_KERNEL_ARG_ACCESS_NONE;
  case compiler::KernelArgAccess::read_only: return CL_KERNEL_ARG_ACCESS_READ_ONLY;
  case compiler::KernelArgAccess::write_only: return CL_KERNEL_ARG_ACCESS_WRITE_ONLY;
  case compiler::KernelArgAccess::read_write: return CL_KERNEL_ARG_ACCESS_READ_WRITE;
  }
  return CL_KERNEL_ARG_ACCESS_NONE;
}
}  // namespace

}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_kernel CL_API_CALL clCreateKernel(cl_program program, const char* kernel_name, cl_int* errcode_ret) {
  return guarded_create<cl_kernel>(errcode_ret, [&](cl_int* err) -> cl_kernel {
    Program* p = checked<Program>(program);
    if (!p) return *err = CL_INVALID_PROGRAM, nullptr;
    if (!kernel_name) return *err = CL_INVALID_VALUE, nullptr;
    cl_kernel k = nullptr;
    *err = create_kernel(p, kernel_name, &k);
    return k;
  });
}

CL_API_ENTRY cl_int CL_API_CALL clCreateKernelsInProgram(cl_program program, cl_uint num_kernels, cl_kernel* kernels,
                                                        cl_uint* num_kernels_ret) {
  return guarded([&]() -> cl_int {
    Program* p = checked<Program>(program);
    if (!p) return CL_INVALID_PROGRAM;
    std::shared_ptr<const Executable> exe;
    {
      std::lock_guard lock(p->mu);
      exe = p->executable;
    }
    if (!exe) return CL_INVALID_PROGRAM_EXECUTABLE;
    const auto& list = exe->reflection.kernels;
    if (kernels && num_kernels < list.size()) return CL_INVALID_VALUE;
    if (kernels)
      for (size_t i = 0; i < list.size(); ++i) kernels[i] = to_handle(new Kernel(p, exe, &list[i]));
    if (num_kernels_ret) *num_kernels_ret = cl_uint(list.size());
    return CL_SUCCESS;
  });
}

CL_API_ENTRY cl_kernel CL_API_CALL clCloneKernel(cl_kernel source_kernel, cl_int* errcode_ret) {
  return guarded_create<cl_kernel>(errcode_ret, [&](cl_int* err) -> cl_kernel {
    Kernel* k = checked<Kernel>(source_kernel);
    if (!k) return *err = CL_INVALID_KERNEL, nullptr;
    auto* clone = new Kernel(k->program(), k->shared_executable(), &k->info());
    clone->copy_args_from(*k);
    return to_handle(clone);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clRetainKernel(cl_kernel kernel) {
  Kernel* k = checked<Kernel>(kernel);
  if (!k) return CL_INVALID_KERNEL;
  k->retain();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clReleaseKernel(cl_kernel kernel) {
  Kernel* k = checked<Kernel>(kernel);
  if (!k) return CL_INVALID_KERNEL;
  k->release();
  return CL_SUCCESS;
}

CL_API_ENTRY cl_int CL_API_CALL clSetKernelArg(cl_kernel kernel, cl_uint arg_index, size_t arg_size,
                                              const void* arg_value) {
  return guarded([&]() -> cl_int {
    Kernel* k = checked<Kernel>(kernel);
    if (!k) return CL_INVALID_KERNEL;
    return k->set_arg(arg_index, arg_size, arg_value);
  });
}

CL_API_ENTRY cl_int CL_API_CALL clSetKernelArgSVMPointer(cl_kernel kernel, cl_uint, const void*) {
  return checked<Kernel>(kernel) ? CL_INVALID_OPERATION : CL_INVALID_KERNEL;  // no SVM
}

CL_API_ENTRY cl_int CL_API_CALL clSetKernelExecInfo(cl_kernel kernel, cl_kernel_exec_info, size_t, const void*) {
  // Every exec-info parameter of OpenCL 3.0 is about SVM, which the device does not support.
  return checked<Kernel>(kernel) ? CL_INVALID_OPERATION : CL_INVALID_KERNEL;
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelInfo(cl_kernel kernel, cl_kernel_info param_name, size_t param_value_size,
                                               void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Kernel* k = checked<Kernel>(kernel);
    if (!k) return CL_INVALID_KERNEL;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_KERNEL_FUNCTION_NAME: return out.string(k->info().name);
    case CL_KERNEL_NUM_ARGS: return out.scalar(cl_uint(k->info().args.size()));
    case CL_KERNEL_REFERENCE_COUNT: return out.scalar(k->ref_count());
    case CL_KERNEL_CONTEXT: return out.scalar(to_handle(k->context()));
    case CL_KERNEL_PROGRAM: return out.scalar(to_handle(k->program()));
    case CL_KERNEL_ATTRIBUTES: return out.string(k->info().attributes);
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelArgInfo(cl_kernel kernel, cl_uint arg_index, cl_kernel_arg_info param_name,
                                                  size_t param_value_size, void* param_value,
                                                  size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Kernel* k = checked<Kernel>(kernel);
    if (!k) return CL_INVALID_KERNEL;
    if (arg_index >= k->info().args.size()) return CL_INVALID_ARG_INDEX;
    const compiler::KernelArg& a = k->info().args[arg_index];
    // Only what the module carries (-cl-kernel-arg-info strings for OpenCL C programs).
    if (!a.has_arg_info) return CL_KERNEL_ARG_INFO_NOT_AVAILABLE;
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    switch (param_name) {
    case CL_KERNEL_ARG_ADDRESS_QUALIFIER: return out.scalar(address_qualifier(a.address));
    case CL_KERNEL_ARG_ACCESS_QUALIFIER: return out.scalar(access_qualifier(a.access));
    case CL_KERNEL_ARG_TYPE_NAME: return out.string(a.type_name);
    case CL_KERNEL_ARG_TYPE_QUALIFIER: {
      cl_kernel_arg_type_qualifier q = CL_KERNEL_ARG_TYPE_NONE;
      if (a.is_const) q |= CL_KERNEL_ARG_TYPE_CONST;
      if (a.is_restrict) q |= CL_KERNEL_ARG_TYPE_RESTRICT;
      if (a.is_volatile) q |= CL_KERNEL_ARG_TYPE_VOLATILE;
      if (a.is_pipe) q |= CL_KERNEL_ARG_TYPE_PIPE;
      return out.scalar(q);
    }
    case CL_KERNEL_ARG_NAME: return out.string(a.name);
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelWorkGroupInfo(cl_kernel kernel, cl_device_id device,
                                                        cl_kernel_work_group_info param_name, size_t param_value_size,
                                                        void* param_value, size_t* param_value_size_ret) {
  return guarded([&]() -> cl_int {
    Kernel* k = checked<Kernel>(kernel);
    if (!k) return CL_INVALID_KERNEL;
    const auto& devices = k->context()->devices();
    if (device) {
      Device* d = checked<Device>(device);
      if (!d || !k->context()->has_device(d)) return CL_INVALID_DEVICE;
    } else if (devices.size() != 1) {
      return CL_INVALID_DEVICE;
    }
    InfoWriter out(param_value_size, param_value, param_value_size_ret);
    const auto& reqd = k->info().reqd_work_group_size;
    const bool has_reqd = reqd[0] || reqd[1] || reqd[2];
    // What the binary says (shared and private memory) needs a compiled variant: the one the build
    // compiled (required size, else size hint, else 64 wide), with __local arguments as set
    // (unset ones count 0 bytes).
    auto probe = [&](device::ProgramVariant& v) -> cl_int {
      Kernel::VariantKey key{build_time_variant_key(k->info()).local, k->local_arg_bytes(0)};
      std::shared_ptr<device::Program> prog;
      std::string log;
      if (cl_int e = k->variant(key, prog, log); e != CL_SUCCESS) return e;
      device::Screen* s = screen();
      return cl_error(prog->variant(s->power_profile(), v, &log));
    };
    switch (param_name) {
    case CL_KERNEL_WORK_GROUP_SIZE:
      // The compiler fits registers to the work-group size it compiles for (spilling if it must),
      // so every size up to the device maximum can run.
      return out.scalar(size_t(has_reqd ? size_t(reqd[0]) * reqd[1] * reqd[2] : MICA_MAX_WORKGROUP_INVOCATIONS));
    case CL_KERNEL_COMPILE_WORK_GROUP_SIZE: {
      const std::array<size_t, 3> r = {reqd[0], reqd[1], reqd[2]};
      return out.bytes(r.data(), sizeof r);
    }
    case CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE: return out.scalar(size_t(MICA_WAVE_SIZE));
    case CL_KERNEL_LOCAL_MEM_SIZE: {
      device::ProgramVariant v;
      if (cl_int e = probe(v); e != CL_SUCCESS) return e;
      return out.scalar(cl_ulong(v.shared_bytes));
    }
    case CL_KERNEL_PRIVATE_MEM_SIZE: {
      device::ProgramVariant v;
      if (cl_int e = probe(v); e != CL_SUCCESS) return e;
      return out.scalar(cl_ulong(v.scratch_bytes));
    }
    case CL_KERNEL_GLOBAL_WORK_SIZE: return CL_INVALID_VALUE;  // only for custom devices and built-in kernels
    default: return CL_INVALID_VALUE;
    }
  });
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelSubGroupInfo(cl_kernel kernel, cl_device_id, cl_kernel_sub_group_info, size_t,
                                                       const void*, size_t, void*, size_t*) {
  return checked<Kernel>(kernel) ? CL_INVALID_OPERATION : CL_INVALID_KERNEL;  // no sub-groups
}

CL_API_ENTRY cl_int CL_API_CALL clGetKernelSubGroupInfoKHR(cl_kernel kernel, cl_device_id, cl_kernel_sub_group_info,
                                                          size_t, const void*, size_t, void*, size_t*) {
  return checked<Kernel>(kernel) ? CL_INVALID_OPERATION : CL_INVALID_KERNEL;
}
