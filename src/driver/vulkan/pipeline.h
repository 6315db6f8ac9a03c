// Shader modules, compute pipelines and pipeline caches.
//
// A pipeline is a device-layer Program (mica::device::Program): it keeps its SPIR-V and compile
// options, so when the kernel reports that the device's power profile changed (binaries are
// scheduled for one profile and the kernel refuses stale ones), the device layer recompiles it for
// the new profile and loads the new binary before the next submission.
#pragma once

#include "descriptor_layout.h"
#include "device_layer.h"
#include "object.h"
#include "mica/driver/binary_cache.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mica::vk {

class Device;

class ShaderModule : public NonDispatchable<VK_OBJECT_TYPE_SHADER_MODULE> {
public:
  std::vector<uint32_t> words;
};

class PipelineCache : public NonDispatchable<VK_OBJECT_TYPE_PIPELINE_CACHE> {
public:
  driver::BinaryCache cache;
};

class ComputePipeline {
public:
  struct Source {
    std::vector<uint32_t> spirv;
    std::string entry_point;
    std::map<uint32_t, uint64_t> spec_constants;
    // Lanes per subgroup (VK_EXT_subgroup_size_control, subgroup_size.cpp): 8, 16 or 32.
    uint32_t subgroup_size = 32;
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
  const std::shared_ptr<device::Program>& program() const { return program_; }
  // Invocations per workgroup (the same for every power profile's variant).
  uint32_t workgroup_invocations() const { return workgroup_invocations_; }

private:
  Device& device_;
  std::shared_ptr<const PipelineLayout> layout_;
  std::shared_ptr<device::Program> program_;
  uint32_t workgroup_invocations_ = 1;
};

struct PipelineHandle : public NonDispatchable<VK_OBJECT_TYPE_PIPELINE> {
  std::shared_ptr<ComputePipeline> pipeline;
  static PipelineHandle* from(VkPipeline h) { return from_handle<PipelineHandle>(h); }
};

}  // namespace mica::vk
