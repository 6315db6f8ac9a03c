// Programs: OpenCL C source (compiled in process by mica::clc), SPIR-V IL, or binaries this driver
// wrote (a container of the SPIR-V module, its binary type and build options). Building produces an
// executable SPIR-V module and its kernel reflection (mica::compiler::reflect_kernels); the Mica ISA
// variants are compiled per kernel, local size and __local sizes at enqueue time (kernel.h) through
// the device layer's binary caches.
#pragma once

#include "object.h"

#include <mica/compiler/compiler.h>
#include <mica/device/program.h>

#include <array>
#include <map>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mica::cl {

class Context;
class Device;

// Whether this build has the OpenCL C compiler (mica::clc); without it only IL and binaries build.
bool program_compiler_available();

// The executable form of a program: shared with its kernels, so a rebuild never pulls it from
// under a kernel created before.
struct Executable {
  std::vector<uint32_t> spirv;
  compiler::KernelModuleInfo reflection;
  bool uniform_work_groups = false;  // OpenCL C 1.x or -cl-uniform-work-group-size
  std::string options;
  // The Mica ISA variant each kernel was compiled to at build time (program_isa.cpp), with the
  // work-group size and __local argument sizes it was compiled for.
  struct Prebuilt {
    std::array<uint32_t, 3> local{};
    std::map<uint32_t, uint32_t> local_args;
    std::shared_ptr<device::Program> program;
  };
  std::map<std::string, Prebuilt> prebuilt;
};

// The work-group size and __local sizes a kernel is compiled for at build time: the required
// size, else the size hint, else 64 x 1 x 1; __local arguments 0 bytes.
Executable::Prebuilt build_time_variant_key(const compiler::KernelInfo& kernel);
// Compiles every kernel of 'exe' to Mica ISA (into exe.prebuilt); CL_BUILD_PROGRAM_FAILURE with
// each failing kernel's reason appended to 'log' when the back end refuses one.
cl_int compile_kernels_to_isa(Executable& exe, std::string& log);

class Program : public Object {
public:
  using Handle = cl_program;
  static constexpr Kind kKind = Kind::Program;
  enum class Origin { source, il, binary, linked };

  Program(Context* context, Origin origin);
  ~Program();

  Context* context() const { return context_.get(); }
  Origin origin() const { return origin_; }

  // Creation inputs.
  std::string source;
  std::vector<uint32_t> il;
  // Specialization constants set on an IL program (SpecId -> the bytes set), guarded by mu; they
  // apply to every later build or compile (program_spec_constants.h).
  std::map<uint32_t, std::vector<uint8_t>> spec_values;
  // The IL with spec_values applied (takes mu).
  std::vector<uint32_t> specialised_il() const;

  // Build state (the one device), guarded by mu.
  mutable std::mutex mu;
  cl_build_status build_status = CL_BUILD_NONE;
  cl_program_binary_type binary_type = CL_PROGRAM_BINARY_TYPE_NONE;
  std::string options;
  std::string log;
  std::vector<uint32_t> module;                // compiled object, library or executable SPIR-V
  std::shared_ptr<const Executable> executable;  // set when binary_type is EXECUTABLE
  std::atomic<int> kernels{0};                 // kernel objects alive (clBuildProgram refuses then)

  // The binary container (CL_PROGRAM_BINARIES).
  std::vector<uint8_t> serialize() const;
  // Parses a container (or a bare SPIR-V module, taken as IL); false when it is neither.
  static bool deserialize(const uint8_t* data, size_t size, cl_program_binary_type& type, std::string& options,
                          std::vector<uint32_t>& module, bool& is_bare_spirv);

private:
  Ref<Context> context_;
  Origin origin_;
};

}  // namespace mica::cl
