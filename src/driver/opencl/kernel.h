// Kernels: one entry point of a built program, its argument values, and the Mica ISA variants
// compiled for the local sizes and __local argument sizes it was enqueued with.
#pragma once

#include "object.h"
#include "program.h"

#include <mica/device/program.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace mica::cl {

class Memory;

class Kernel : public Object {
public:
  using Handle = cl_kernel;
  static constexpr Kind kKind = Kind::Kernel;

  Kernel(Program* program, std::shared_ptr<const Executable> exe, const compiler::KernelInfo* info);
  ~Kernel();

  Program* program() const { return program_.get(); }
  Context* context() const;
  const Executable& executable() const { return *exe_; }
  const std::shared_ptr<const Executable>& shared_executable() const { return exe_; }
  const compiler::KernelInfo& info() const { return *info_; }

  struct ArgValue {
    bool set = false;
    std::vector<uint8_t> bytes;  // by-value arguments
    Ref<Memory> memory;          // buffer arguments (null: a NULL pointer)
    uint32_t local_bytes = 0;    // __local pointer arguments
  };
  cl_int set_arg(cl_uint index, size_t size, const void* value);
  // A consistent copy of the arguments (enqueue snapshots them: later clSetKernelArg calls do not
  // change commands already enqueued).
  std::vector<ArgValue> args() const;
  void copy_args_from(const Kernel& other);

  // The variant for a local size and the current __local sizes: compiled (or taken from the caches)
  // on first use. Fails with CL_OUT_OF_RESOURCES and the compiler's message in `log`.
  struct VariantKey {
    std::array<uint32_t, 3> local;
    std::map<uint32_t, uint32_t> local_args;
    auto operator<=>(const VariantKey&) const = default;
  };
  cl_int variant(const VariantKey& key, std::shared_ptr<device::Program>& out, std::string& log);
  // __local sizes as the compiler wants them (argument index -> bytes); unset ones as `fallback`.
  std::map<uint32_t, uint32_t> local_arg_bytes(uint32_t fallback = 0) const;

private:
  Ref<Program> program_;
  std::shared_ptr<const Executable> exe_;
  const compiler::KernelInfo* info_;
  mutable std::mutex mu_;
  std::vector<ArgValue> args_;
  std::map<VariantKey, std::shared_ptr<device::Program>> variants_;
};

}  // namespace mica::cl
