// Shader modules, compute pipelines and pipeline caches.
//
// A pipeline keeps its SPIR-V and compile options, so when the kernel reports that the device's
// power profile changed (binaries are scheduled for one profile and the kernel refuses stale ones),
// the pipeline recompiles for the new profile and loads the new binary before the next submission.
#pragma once

#include "descriptor_layout.h"
#include "kernel_bridge.h"
#include "object.h"
#include "mica/compiler/compiler.h"
#include "mica/driver/binary_cache.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mica::vk {

class Device;

// A binary the kernel validated and loaded into an executable BO of this device's address space.
class ShaderCode {
public:
  ShaderCode(Device& device, KernelShader shader) : device_(device), shader_(shader) {}
  ~ShaderCode();
  ShaderCode(const ShaderCode&) = delete;
  ShaderCode& operator=(const ShaderCode&) = delete;
  uint64_t va() const { return shader_.va; }

private:
  Device& device_;
  KernelShader shader_;
};

class ShaderModule : public Object {
public:
  std::vector<uint32_t> words;
};

class PipelineCache : public Object {
public:
  driver::BinaryCache cache;
};

// What a dispatch needs from the binary currently loaded for a pipeline.
struct Program {
  std::shared_ptr<ShaderCode> code;
  uint64_t entry_va = 0;
  uint32_t vgprs = 0, sgprs = 0;
  uint32_t shared_bytes = 0;
  uint32_t scratch_bytes = 0;  // VGPR spill memory per lane: needs a scratch buffer in s[10:11]
  uint32_t wg_size[3] = {1, 1, 1};
  uint32_t power_profile = 0;
};

class ComputePipeline {
public:
  struct Source {
    std::vector<uint32_t> spirv;
    std::string entry_point;
    std::map<uint32_t, uint32_t> spec_constants;
    // The object a compile failure is reported against (the shader module, else the device).
    VkObjectType object_type = VK_OBJECT_TYPE_DEVICE;
    uint64_t object_handle = 0;
  };

  // Compiles (or finds in the caches) and loads the program for the device's current profile.
  static VkResult create(Device& device, Source source, std::shared_ptr<const PipelineLayout> layout,
                         PipelineCache* cache, bool fail_on_compile_required,
                         std::shared_ptr<ComputePipeline>& out);
  explicit ComputePipeline(Device& device) : device_(device) {}

  const PipelineLayout& layout() const { return *layout_; }
  // The program for the given power profile, compiling and loading it on first use.
  VkResult program_for(uint32_t power_profile, Program& out);

private:
  VkResult build(uint32_t power_profile, PipelineCache* cache, bool cache_only, Program& out);
  driver::Digest key(uint32_t revision, uint32_t power_profile) const;

  Device& device_;
  Source source_;
  std::shared_ptr<const PipelineLayout> layout_;
  std::mutex mutex_;
  std::map<uint32_t, Program> programs_;  // by power profile
};

struct PipelineHandle : public Object {
  std::shared_ptr<ComputePipeline> pipeline;
  static PipelineHandle* from(VkPipeline h) { return from_handle<PipelineHandle>(h); }
};

}  // namespace mica::vk
