// Mica ISA at build time: clBuildProgram / clLinkProgram compile every kernel of the executable
// for the device, so a kernel Mica's back end cannot compile fails the build with
// CL_BUILD_PROGRAM_FAILURE and the compiler's reason in the build log, not the first enqueue.
//
// A variant is compiled for one work-group size (the compiler specialises on it), which the build
// does not know: it compiles the one clGetKernelWorkGroupInfo reports from (the required size,
// else the size hint, else 64 x 1 x 1) with __local arguments of 0 bytes. The variant is kept in
// the executable, so an enqueue with that size and the work-group queries reuse it; the device
// layer's caches (memory and disk) make any later build of the same program skip the compiler.
#include "backend.h"
#include "program.h"

namespace mica::cl {

Executable::Prebuilt build_time_variant_key(const compiler::KernelInfo& k) {
  Executable::Prebuilt key;
  const auto& reqd = k.reqd_work_group_size;
  const auto& hint = k.work_group_size_hint;
  if (reqd[0] || reqd[1] || reqd[2]) key.local = reqd;
  else if (hint[0] && hint[1] && hint[2] && size_t(hint[0]) * hint[1] * hint[2] <= 256) key.local = hint;
  else key.local = {64, 1, 1};
  for (uint32_t i = 0; i < k.args.size(); ++i)
    if (k.args[i].kind == compiler::KernelArgKind::local_pointer) key.local_args[i] = 0;
  return key;
}


cl_int compile_kernels_to_isa(Executable& exe, std::string& log) {
  device::Screen* s = screen();
  if (!s) return CL_SUCCESS;  // no device: the program has no device to fail on (CL_DEVICE_NOT_FOUND before)
  cl_int result = CL_SUCCESS;
  for (const compiler::KernelInfo& k : exe.reflection.kernels) {
    Executable::Prebuilt pre = build_time_variant_key(k);
    device::ProgramSource src;
    src.spirv = exe.spirv;
    src.options.entry_point = k.name;
    src.options.local_size = pre.local;
    src.options.local_arg_bytes = pre.local_args;
    device::ProgramCacheUse cache_use;
    cache_use.use_disk = true;
    std::string why;
    const device::Status st = s->create_program(std::move(src), cache_use, pre.program, &why);
    if (st == device::Status::ok) {
      exe.prebuilt.emplace(k.name, std::move(pre));
      continue;
    }
    if (st == device::Status::compile_failed) {
      // Every kernel's reason, not only the first one's.
      log += "error: kernel '" + k.name + "' cannot be compiled for the Mica device: " + why + "\n";
      result = CL_BUILD_PROGRAM_FAILURE;
      continue;
    }
    if (st == device::Status::out_of_host_memory) return CL_OUT_OF_HOST_MEMORY;
    // Anything else (device lost, no room to load the code) is the device's state, not the
    // program's: the enqueue compiles again and reports it.
  }
  return result;
}

}  // namespace mica::cl
