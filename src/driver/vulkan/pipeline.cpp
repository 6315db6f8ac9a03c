// Shader modules, compute pipelines (device-layer programs: compile, cache, load, recompile on a
// power-profile change) and pipeline caches.
#include "pipeline.h"
#include "device.h"
#include "entrypoints.h"
#include "subgroup_size.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <cstring>

namespace mica::vk {
namespace {

constexpr int kOptLevel = 2;
constexpr uint32_t kCacheHeaderBytes = 16 + VK_UUID_SIZE;

// MICA_VK_DUMP_SPIRV=<dir>: every module the driver compiles is written to <dir>/<key>.spv, so a
// shader that fails or compiles slowly inside an application can be replayed with micac.
void dump_spirv(const std::vector<uint32_t>& words, const driver::Digest& key) {
  const char* dir = std::getenv("MICA_VK_DUMP_SPIRV");
  if (!dir || !*dir) return;
  char name[17];
  for (int i = 0; i < 8; ++i) std::snprintf(name + 2 * i, 3, "%02x", key[i]);
  const std::string path = std::string(dir) + "/" + name + ".spv";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(words.data(), 4, words.size(), f);
    std::fclose(f);
  }
}

}  // namespace

VkResult ComputePipeline::create(Device& device, Source source, std::shared_ptr<const PipelineLayout> layout,
                                 PipelineCache* cache, bool fail_on_compile_required,
                                 std::shared_ptr<ComputePipeline>& out) {
  auto pipeline = std::make_shared<ComputePipeline>(device);
  pipeline->layout_ = std::move(layout);
  device::ProgramSource program;
  program.spirv = std::move(source.spirv);
  program.options.opt_level = kOptLevel;
  program.options.entry_point = source.entry_point;
  program.options.spec_constants = source.spec_constants;
  program.options.robust_buffer_access = device.robust_buffer_access();
  program.options.robust_buffer_access2 = device.robust_buffer_access2();
  program.options.subgroup_size = source.subgroup_size;
  if (std::getenv("MICA_VK_DUMP_SPIRV"))
    dump_spirv(program.spirv, device::program_key(program, device.physical().info().revision,
                                                  device.screen().power_profile()));
  // The device layer compiles for the active profile now (so compile errors surface at creation),
  // looking in the pipeline cache and the screen's cache first.
  std::string log;
  const device::Status s = device.screen().create_program(
      std::move(program), device::ProgramCacheUse{cache ? &cache->cache : nullptr, fail_on_compile_required, false},
      pipeline->program_, &log);
  if (s == device::Status::compile_failed) {
    // The compiler's reason goes to the log and to the application's debug messengers.
    const std::string message = "compute shader '" + source.entry_point + "' failed to compile: " + log;
    std::fprintf(stderr, "mica-vk: %s\n", message.c_str());
    device.physical().instance().debug_sinks().error("Mica-compile-failure", source.object_type, source.object_handle,
                                                     message);
    return VK_ERROR_UNKNOWN;
  }
  if (s == device::Status::failed)
    std::fprintf(stderr, "mica-vk: the program of '%s' could not be loaded: %s\n", source.entry_point.c_str(),
                 log.c_str());
  if (s != device::Status::ok) return to_vk(s);
  device::ProgramVariant v;
  if (pipeline->program_->variant(device.screen().power_profile(), v) == device::Status::ok)
    pipeline->workgroup_invocations_ = v.workgroup_size[0] * v.workgroup_size[1] * v.workgroup_size[2];
  out = std::move(pipeline);
  return VK_SUCCESS;
}

// ---- shader modules -------------------------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateShaderModule(VkDevice device, const VkShaderModuleCreateInfo* pInfo,
                                                  const VkAllocationCallbacks* pAllocator, VkShaderModule* pModule) {
  return guarded([&] {
    auto m = host_make<ShaderModule>(Device::from(device)->child_allocation(pAllocator));
    m->words.assign(pInfo->pCode, pInfo->pCode + pInfo->codeSize / 4);
    *pModule = release_to_handle<VkShaderModule>(std::move(m));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyShaderModule(VkDevice, VkShaderModule module, const VkAllocationCallbacks*) {
  take_from_handle<ShaderModule>(module);
}

// ---- pipelines ------------------------------------------------------------------------------

namespace {

std::map<uint32_t, uint64_t> spec_constants(const VkSpecializationInfo* info) {
  std::map<uint32_t, uint64_t> out;
  if (!info) return out;
  for (uint32_t i = 0; i < info->mapEntryCount; ++i) {
    const auto& e = info->pMapEntries[i];
    uint64_t v = 0;
    // Booleans are VkBool32; 8- and 16-bit constants are zero-extended; 64-bit ones whole
    // (the compiler uses the width of the constant's type).
    std::memcpy(&v, static_cast<const uint8_t*>(info->pData) + e.offset, std::min<size_t>(e.size, 8));
    out[e.constantID] = v;
  }
  return out;
}

}  // namespace

namespace {

// VkPipelineCreationFeedbackCreateInfo (core 1.3, VK_EXT_pipeline_creation_feedback): the time the
// whole creation took, for the pipeline and its one stage. Cache hits are not reported (the flags
// that would say so are optional).
void report_creation_feedback(const void* next, bool created, std::chrono::steady_clock::duration took) {
  const auto* fb = find_in_chain<VkPipelineCreationFeedbackCreateInfo>(next, VK_STRUCTURE_TYPE_PIPELINE_CREATION_FEEDBACK_CREATE_INFO);
  if (!fb) return;
  VkPipelineCreationFeedback value{};
  if (created) {
    value.flags = VK_PIPELINE_CREATION_FEEDBACK_VALID_BIT;
    value.duration = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
  }
  if (fb->pPipelineCreationFeedback) *fb->pPipelineCreationFeedback = value;
  for (uint32_t i = 0; fb->pPipelineStageCreationFeedbacks && i < fb->pipelineStageCreationFeedbackCount; ++i)
    fb->pPipelineStageCreationFeedbacks[i] = value;
}

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL CreateComputePipelines(VkDevice device, VkPipelineCache cache, uint32_t count,
                                                      const VkComputePipelineCreateInfo* pInfos,
                                                      const VkAllocationCallbacks* pAllocator, VkPipeline* pPipelines) {
  auto* dev = Device::from(device);
  VkResult result = VK_SUCCESS;
  uint32_t i = 0;
  for (; i < count; ++i) pPipelines[i] = VK_NULL_HANDLE;
  for (i = 0; i < count; ++i) {
    const auto& ci = pInfos[i];
    const auto started = std::chrono::steady_clock::now();
    VkResult r = guarded([&] {
      const auto* module = from_handle<ShaderModule>(ci.stage.module);
      ComputePipeline::Source src;
      src.object_type = module ? VK_OBJECT_TYPE_SHADER_MODULE : VK_OBJECT_TYPE_DEVICE;
      src.object_handle = module ? uint64_t(ci.stage.module) : uint64_t(reinterpret_cast<uintptr_t>(device));
      if (module) src.spirv = module->words;
      else if (const auto* inline_module = find_in_chain<VkShaderModuleCreateInfo>(
                   ci.stage.pNext, VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO))  // maintenance5-style
        src.spirv.assign(inline_module->pCode, inline_module->pCode + inline_module->codeSize / 4);
      src.entry_point = ci.stage.pName ? ci.stage.pName : "main";
      src.spec_constants = spec_constants(ci.stage.pSpecializationInfo);
      std::string why;
      if (!choose_subgroup_size(ci.stage, src.subgroup_size, why)) {
        std::fprintf(stderr, "mica-vk: vkCreateComputePipelines: %s\n", why.c_str());
        dev->physical().instance().debug_sinks().error("Mica-subgroup-size", src.object_type, src.object_handle, why);
        return VK_ERROR_UNKNOWN;
      }
      std::shared_ptr<ComputePipeline> pipeline;
      VkResult pr = ComputePipeline::create(*dev, std::move(src), from_handle<PipelineLayoutHandle>(ci.layout)->layout,
                                            from_handle<PipelineCache>(cache),
                                            ci.flags & VK_PIPELINE_CREATE_FAIL_ON_PIPELINE_COMPILE_REQUIRED_BIT,
                                            pipeline);
      if (pr != VK_SUCCESS) return pr;
      auto handle = host_make<PipelineHandle>(dev->child_allocation(pAllocator));
      handle->pipeline = std::move(pipeline);
      pPipelines[i] = release_to_handle<VkPipeline>(std::move(handle));
      return VK_SUCCESS;
    });
    report_creation_feedback(ci.pNext, r == VK_SUCCESS, std::chrono::steady_clock::now() - started);
    if (r != VK_SUCCESS) {
      result = r;
      if (ci.flags & VK_PIPELINE_CREATE_EARLY_RETURN_ON_FAILURE_BIT) break;
    }
  }
  return result;
}

VKAPI_ATTR void VKAPI_CALL DestroyPipeline(VkDevice, VkPipeline pipeline, const VkAllocationCallbacks*) {
  take_from_handle<PipelineHandle>(pipeline);
}

// ---- pipeline caches --------------------------------------------------------------------------

namespace {

void cache_header(VkDevice device, uint8_t out[kCacheHeaderBytes]) {
  VkPhysicalDeviceProperties props;
  GetPhysicalDeviceProperties(Device::from(device)->physical().handle(), &props);
  const uint32_t words[4] = {kCacheHeaderBytes, VK_PIPELINE_CACHE_HEADER_VERSION_ONE, props.vendorID, props.deviceID};
  std::memcpy(out, words, sizeof words);
  std::memcpy(out + 16, props.pipelineCacheUUID, VK_UUID_SIZE);
}

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL CreatePipelineCache(VkDevice device, const VkPipelineCacheCreateInfo* pInfo,
                                                   const VkAllocationCallbacks* pAllocator, VkPipelineCache* pCache) {
  return guarded([&] {
    auto c = host_make<PipelineCache>(Device::from(device)->child_allocation(pAllocator));
    // Initial data from another device, driver version or simply garbage is ignored (the spec
    // allows it); only data with our exact header is loaded.
    if (pInfo->initialDataSize > kCacheHeaderBytes && pInfo->pInitialData) {
      uint8_t header[kCacheHeaderBytes];
      cache_header(device, header);
      const auto* data = static_cast<const uint8_t*>(pInfo->pInitialData);
      if (std::memcmp(data, header, kCacheHeaderBytes) == 0)
        c->cache.deserialize(std::span(data + kCacheHeaderBytes, pInfo->initialDataSize - kCacheHeaderBytes));
    }
    *pCache = release_to_handle<VkPipelineCache>(std::move(c));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyPipelineCache(VkDevice, VkPipelineCache cache, const VkAllocationCallbacks*) {
  take_from_handle<PipelineCache>(cache);
}

VKAPI_ATTR VkResult VKAPI_CALL GetPipelineCacheData(VkDevice device, VkPipelineCache cache, size_t* pSize, void* pData) {
  return guarded([&] {
    std::vector<uint8_t> blob(kCacheHeaderBytes);
    cache_header(device, blob.data());
    const auto body = from_handle<PipelineCache>(cache)->cache.serialize();
    blob.insert(blob.end(), body.begin(), body.end());
    if (!pData) {
      *pSize = blob.size();
      return VK_SUCCESS;
    }
    // A partial blob would not load, so too-small buffers get nothing (as the spec permits).
    if (*pSize < blob.size()) {
      *pSize = 0;
      return VK_INCOMPLETE;
    }
    std::memcpy(pData, blob.data(), blob.size());
    *pSize = blob.size();
    return VK_SUCCESS;
  });
}

VKAPI_ATTR VkResult VKAPI_CALL MergePipelineCaches(VkDevice, VkPipelineCache dst, uint32_t count,
                                                   const VkPipelineCache* pSrc) {
  return guarded([&] {
    for (uint32_t i = 0; i < count; ++i)
      from_handle<PipelineCache>(dst)->cache.merge_from(from_handle<PipelineCache>(pSrc[i])->cache);
    return VK_SUCCESS;
  });
}

}  // namespace mica::vk
