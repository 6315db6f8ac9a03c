// Programs: SPIR-V compiled by mica::compiler for the screen's revision and power profile, cached,
// and loaded by the kernel (which validates the binary) into an executable buffer.
//
// A Program keeps its SPIR-V and options, so when the administrator changes the power profile
// (the kernel then refuses binaries of the old one) the variant for the new profile is compiled,
// or found in a cache, on first use; Context::submit does that by itself.
#pragma once

#include "mica/compiler/compiler.h"
#include "mica/device/status.h"
#include "mica/driver/binary_cache.h"
#include "mica/driver/sha256.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mica::device {

struct ScreenState;
struct LoadedCode;  // internal: a binary the kernel loaded, freed with its last user

struct ProgramSource {
  std::vector<uint32_t> spirv;
  // Taken as is (entry point, specialisation constants, robust buffer access, opt level, and the
  // Kernel-model fields such as the local size and __local argument sizes) except 'revision' and
  // 'power_profile', which the screen sets for each variant.
  compiler::Options options;
};

// Where create_program looks for a binary before compiling: the application's cache (a Vulkan
// pipeline cache, an OpenCL program's binaries; compiled binaries are added to it), then the
// screen's in-memory cache, then the on-disk cache.
struct ProgramCacheUse {
  driver::BinaryCache* application = nullptr;
  // Fail with Status::cache_miss instead of compiling (VK_PIPELINE_CREATE_FAIL_ON_PIPELINE_COMPILE_REQUIRED_BIT).
  bool cache_only = false;
  // Also look in (and write compiled binaries to) the on-disk cache (ScreenOptions::disk_cache_dir),
  // for this and every later variant of the program. OpenCL sets it; Vulkan leaves it off.
  bool use_disk = false;
};

// The key of a compiled binary: a digest of everything that changes the code (key format version,
// compiler build id, revision, power profile, every compiler option that affects the output, the
// entry point, the specialisation constants and the SPIR-V).
driver::Digest program_key(const ProgramSource& source, uint32_t revision, uint32_t power_profile);

// An identifier of the compiler this library was built with: the GNU build id of the object that
// contains it (so a rebuilt driver never takes a stale binary from the disk cache).
const std::vector<uint8_t>& compiler_build_id();

// One compiled and loaded variant: what a dispatch needs.
struct ProgramVariant {
  uint32_t power_profile = 0;
  uint64_t entry_va = 0;                   // GPU address of the entry point's first instruction
  uint32_t vgprs = 0, sgprs = 0;
  uint32_t shared_bytes = 0;               // the program's own shared (workgroup) memory
  uint32_t scratch_bytes = 0;              // spill memory per lane; the context provides the buffer
  uint32_t workgroup_size[3] = {1, 1, 1};  // from the binary
  bool from_cache = false;                 // no compile was needed
  std::shared_ptr<const std::vector<uint8_t>> binary;  // the serialised Mica binary (mica::isa format)
  std::shared_ptr<const LoadedCode> code;  // keeps the executable buffer alive
};

class Program {
public:
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  const ProgramSource& source() const { return source_; }
  // The variant for 'power_profile', compiling (or finding in the caches) and loading it on first
  // use. compile_failed with the compiler's message in 'log' (optional); stale_shader if the kernel
  // refused the binary because the profile changed again meanwhile.
  Status variant(uint32_t power_profile, ProgramVariant& out, std::string* log = nullptr);

private:
  friend class Screen;
  Program() = default;
  Status build(uint32_t power_profile, const ProgramCacheUse& cache, ProgramVariant& out, std::string* log);
  std::shared_ptr<ScreenState> state_;
  ProgramSource source_;
  std::mutex mutex_;
  std::map<uint32_t, ProgramVariant> variants_;  // by power profile
  bool use_disk_ = false;
};

}  // namespace mica::device
