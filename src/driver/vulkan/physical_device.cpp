// Physical-device queries: properties, limits, features, queue families, memory, formats.
// Every value is either a hardware number from mica_hw.h, a binding-model number, or a capability
// of the compiler (capabilities.h); nothing is advertised that the driver does not implement.
#include "binding_model.h"
#include "capabilities.h"
#include "device_limits.h"
#include "entrypoint_table.h"
#include "entrypoints.h"
#include "format_table.h"
#include "image.h"
#include "instance.h"
#include "physical_device.h"
#include "subgroup_size.h"
#include "external_memory.h"

extern "C" {
#include "mica_hw.h"
}

#include <algorithm>
#include <array>
#include <cstring>

namespace mica::vk {
namespace {

constexpr uint32_t kVendorId = 0x10000 + 0x4d49;  // Khronos-style unregistered vendor id ('MI')
constexpr uint32_t kDriverVersion = VK_MAKE_VERSION(0, 1, 0);
// There is no registered VkDriverId for Mica; this private value makes tools print "unknown" rather
// than claim to be another driver.
constexpr VkDriverId kDriverId = static_cast<VkDriverId>(0x4d494341);

VkBool32 b(bool v) { return v ? VK_TRUE : VK_FALSE; }

void fill_uuid(const PhysicalDevice& pd, uint8_t out[VK_UUID_SIZE], char salt) {
  // Stable per (revision, CU count, memory size): identical devices share cache compatibility.
  std::memset(out, 0, VK_UUID_SIZE);
  const auto& info = pd.info();
  std::memcpy(out, "MICA", 4);
  out[4] = uint8_t(salt);
  out[5] = uint8_t(info.revision);
  out[6] = uint8_t(info.cu_count);
  out[7] = uint8_t(info.simulated);
  for (int i = 0; i < 8; ++i) out[8 + i] = uint8_t(info.vram_bytes >> (8 * i));
}

VkPhysicalDeviceLimits limits(const PhysicalDevice& pd) {
  VkPhysicalDeviceLimits l{};
  // Images (image.cpp; the texture unit, docs/hw/texture.md): the spec's minimum extents.
  l.maxImageDimension1D = 4096;
  l.maxImageDimension2D = 4096;
  l.maxImageDimension3D = 256;
  l.maxImageDimensionCube = 4096;
  l.maxImageArrayLayers = 256;
  l.maxSamplerAllocationCount = 4000;
  l.maxTexelBufferElements = 1u << 27;
  l.maxUniformBufferRange = 1u << 16;
  l.maxStorageBufferRange = UINT32_MAX;
  l.maxPushConstantsSize = kMaxPushConstantBytes;
  l.maxMemoryAllocationCount = kMaxMemoryAllocationCount;
  l.bufferImageGranularity = 1;
  l.sparseAddressSpaceSize = 0;
  l.maxBoundDescriptorSets = kMaxDescriptorSets;
  l.maxPerStageDescriptorUniformBuffers = kMaxDescriptorsPerSet;
  l.maxPerStageDescriptorStorageBuffers = kMaxDescriptorsPerSet;
  l.maxPerStageResources = kMaxDescriptorsPerSet;
  l.maxDescriptorSetUniformBuffers = kMaxDescriptorsPerSet;
  l.maxDescriptorSetUniformBuffersDynamic = kMaxDynamicBuffers;
  l.maxDescriptorSetStorageBuffers = kMaxDescriptorsPerSet;
  l.maxDescriptorSetStorageBuffersDynamic = kMaxDynamicBuffers;
  // Image, sampler and texel-buffer descriptors are 48-byte set elements like any other (binding_model.h).
  l.maxPerStageDescriptorSamplers = kMaxDescriptorsPerSet;
  l.maxPerStageDescriptorSampledImages = kMaxDescriptorsPerSet;
  l.maxPerStageDescriptorStorageImages = kMaxDescriptorsPerSet;
  l.maxDescriptorSetSamplers = kMaxDescriptorsPerSet;
  l.maxDescriptorSetSampledImages = kMaxDescriptorsPerSet;
  l.maxDescriptorSetStorageImages = kMaxDescriptorsPerSet;
  l.maxPerStageDescriptorInputAttachments = kMaxDescriptorsPerSet;  // set elements like sampled images
  l.maxDescriptorSetInputAttachments = kMaxDescriptorsPerSet;
  // The texture unit's 4-bit signed texel offsets (mica.toml [texture]); the sampler descriptor's
  // LOD bias is an f32, bounded here by the LOD range of 16 levels.
  l.minTexelOffset = MICA_TEX_TEXEL_OFFSET_MIN;
  l.maxTexelOffset = MICA_TEX_TEXEL_OFFSET_MAX;
  l.minTexelGatherOffset = MICA_TEX_TEXEL_OFFSET_MIN;
  l.maxTexelGatherOffset = MICA_TEX_TEXEL_OFFSET_MAX;
  l.mipmapPrecisionBits = 4;
  l.subTexelPrecisionBits = 4;
  l.maxComputeSharedMemorySize = MICA_MAX_SHARED_BYTES;
  l.maxComputeWorkGroupCount[0] = kMaxWorkgroupCount;
  l.maxComputeWorkGroupCount[1] = kMaxWorkgroupCount;
  l.maxComputeWorkGroupCount[2] = kMaxWorkgroupCount;
  l.maxComputeWorkGroupInvocations = MICA_MAX_WORKGROUP_INVOCATIONS;
  l.maxComputeWorkGroupSize[0] = MICA_MAX_WORKGROUP_DIM_X;
  l.maxComputeWorkGroupSize[1] = MICA_MAX_WORKGROUP_DIM_Y;
  l.maxComputeWorkGroupSize[2] = MICA_MAX_WORKGROUP_DIM_Z;
  l.maxSamplerLodBias = float(MICA_TEX_MAX_LEVELS);
  l.maxSamplerAnisotropy = 1;
  l.minMemoryMapAlignment = MICA_PAGE_SIZE;
  l.minTexelBufferOffsetAlignment = kMinBufferAlignment;
  l.minUniformBufferOffsetAlignment = kMinBufferAlignment;
  l.minStorageBufferOffsetAlignment = kMinBufferAlignment;
  l.timestampComputeAndGraphics = VK_TRUE;
  l.timestampPeriod = pd.info().timestamp_hz ? float(1e9 / double(pd.info().timestamp_hz)) : 1.0f;
  l.discreteQueuePriorities = 2;
  l.pointSizeRange[0] = l.pointSizeRange[1] = 1.0f;
  l.lineWidthRange[0] = l.lineWidthRange[1] = 1.0f;
  // Multisampled images (image.h kSupportedSampleCounts: the texture unit's 1, 2, 4, 8 samples),
  // fetched, loaded, stored and updated atomically per sample by shaders, copied and cleared.
  l.sampledImageColorSampleCounts = kSupportedSampleCounts;
  l.sampledImageIntegerSampleCounts = kSupportedSampleCounts;
  l.sampledImageDepthSampleCounts = kSupportedSampleCounts;
  l.sampledImageStencilSampleCounts = kSupportedSampleCounts;
  l.storageImageSampleCounts = kSupportedSampleCounts;
  // Graphics limits: the spec's "Required Limits" minimums, which it asks of every device (the CTS's
  // info.device_properties checks them on compute-only devices too), as with the mandatory graphics
  // format bits (docs/vulkan.md "Where the graphics bits come from"). They promise nothing a valid
  // application can call: every use needs a graphics queue or pipeline, which Mica does not have.
  // The framebuffer sample counts are those of the attachment images Mica creates (image.cpp).
  l.framebufferColorSampleCounts = kSupportedSampleCounts;
  l.framebufferDepthSampleCounts = kSupportedSampleCounts;
  l.framebufferStencilSampleCounts = kSupportedSampleCounts;
  l.framebufferNoAttachmentsSampleCounts = kSupportedSampleCounts;
  l.maxFramebufferWidth = 4096;
  l.maxFramebufferHeight = 4096;
  l.maxFramebufferLayers = 256;
  l.maxColorAttachments = 4;
  l.maxSampleMaskWords = 1;
  l.maxVertexInputAttributes = 16;
  l.maxVertexInputBindings = 16;
  l.maxVertexInputAttributeOffset = 2047;
  l.maxVertexInputBindingStride = 2048;
  l.maxVertexOutputComponents = 64;
  l.maxFragmentInputComponents = 64;
  l.maxFragmentOutputAttachments = 4;
  l.maxFragmentCombinedOutputResources = 4;
  l.subPixelPrecisionBits = 4;
  l.maxDrawIndexedIndexValue = (1u << 24) - 1;
  l.maxDrawIndirectCount = 1;
  l.maxViewports = 1;
  l.maxViewportDimensions[0] = l.maxViewportDimensions[1] = 4096;
  l.viewportBoundsRange[0] = -8192;
  l.viewportBoundsRange[1] = 8191;
  // No rasterizer: no sample positions are promised (standardSampleLocations has no required value).
  l.standardSampleLocations = VK_FALSE;
  l.optimalBufferCopyOffsetAlignment = 4;
  l.optimalBufferCopyRowPitchAlignment = 4;
  l.nonCoherentAtomSize = kNonCoherentAtomSize;
  return l;
}

VkPhysicalDeviceFeatures features10() {
  const auto& caps = shader_capabilities();
  VkPhysicalDeviceFeatures f{};
  f.pipelineStatisticsQuery = b(kPipelineStatisticsSupported);
  // Bounds checks compiled into every descriptor-based access when the device enables the feature
  // (Options::robust_buffer_access, part of the pipeline cache key).
  f.robustBufferAccess = b(caps.robust_buffer_access);
  f.shaderFloat64 = b(caps.float64);
  f.shaderInt64 = b(caps.int64);
  f.shaderInt16 = b(caps.int16);
  // Arrays of buffer descriptors (the binding model's array headers, spirv_descriptors.cpp).
  f.shaderUniformBufferArrayDynamicIndexing = b(caps.buffer_array_dynamic_indexing);
  f.shaderStorageBufferArrayDynamicIndexing = b(caps.buffer_array_dynamic_indexing);
  // Images through the texture unit (spirv_image.cpp): the descriptor carries the format, so reads and
  // writes need none in the shader; every format is a storage format; cube arrays; constant gather
  // offsets; arrays of images indexed by a dynamically uniform value.
  f.shaderStorageImageExtendedFormats = VK_TRUE;
  // Storage images with 2, 4 or 8 samples: loads, stores and atomics take the sample index (texture unit).
  f.shaderStorageImageMultisample = VK_TRUE;
  f.shaderStorageImageReadWithoutFormat = VK_TRUE;
  f.shaderStorageImageWriteWithoutFormat = VK_TRUE;
  f.imageCubeArray = VK_TRUE;
  f.shaderImageGatherExtended = VK_TRUE;
  f.shaderSampledImageArrayDynamicIndexing = VK_TRUE;
  f.shaderStorageImageArrayDynamicIndexing = VK_TRUE;
  // Every BC format (BC1-BC7) is decoded by the texture unit (docs/hw/texture.md) and reported
  // with the features the spec's BC table requires that the device has (format_table.cpp).
  f.textureCompressionBC = VK_TRUE;
  return f;
}

void fill_features11(VkPhysicalDeviceVulkan11Features& f) {
  const auto& caps = shader_capabilities();
  f.storageBuffer16BitAccess = b(caps.storage_buffer_16bit);
  f.uniformAndStorageBuffer16BitAccess = b(caps.storage_buffer_16bit);
  f.storagePushConstant16 = b(caps.storage_buffer_16bit);  // the compiler implements both together
  f.storageInputOutput16 = VK_FALSE;
  // Required by Vulkan 1.1 of every device, graphics or not (the spec's "Feature Requirements"). A
  // view mask lives in render pass objects, which Mica creates; the commands that would use one
  // need a graphics queue, which Mica does not have (no_queue_commands.cpp, docs/vulkan.md).
  f.multiview = VK_TRUE;
  f.multiviewGeometryShader = VK_FALSE;
  f.multiviewTessellationShader = VK_FALSE;
  f.variablePointersStorageBuffer = b(caps.variable_pointers);
  f.variablePointers = b(caps.variable_pointers);
  f.protectedMemory = VK_FALSE;
  f.samplerYcbcrConversion = VK_FALSE;
  f.shaderDrawParameters = VK_FALSE;
}

void fill_features12(VkPhysicalDeviceVulkan12Features& f) {
  const auto& caps = shader_capabilities();
  f.samplerMirrorClampToEdge = VK_TRUE;  // the texture unit's address mode 4
  f.drawIndirectCount = VK_FALSE;
  f.storageBuffer8BitAccess = b(caps.storage_buffer_8bit);
  f.uniformAndStorageBuffer8BitAccess = b(caps.storage_buffer_8bit);
  f.storagePushConstant8 = b(caps.storage_buffer_8bit);
  f.shaderBufferInt64Atomics = b(caps.shader_atomic_int64);
  f.shaderSharedInt64Atomics = b(caps.shader_atomic_int64);
  f.shaderFloat16 = b(caps.float16);
  f.shaderInt8 = b(caps.int8);
  // Not the whole of descriptor indexing (no update-after-bind, partially bound or variable-count
  // bindings, no image arrays): only the buffer-array members the binding model implements.
  f.descriptorIndexing = VK_FALSE;
  f.shaderUniformBufferArrayNonUniformIndexing = b(caps.buffer_array_non_uniform_indexing);
  f.shaderStorageBufferArrayNonUniformIndexing = b(caps.buffer_array_non_uniform_indexing);
  // Texel buffers are image descriptors: arrays of them take dynamically uniform indices like image
  // arrays (shaderSampledImageArrayDynamicIndexing); per-lane (non-uniform) indices are refused.
  f.shaderUniformTexelBufferArrayDynamicIndexing = VK_TRUE;
  f.shaderStorageTexelBufferArrayDynamicIndexing = VK_TRUE;
  f.runtimeDescriptorArray = b(caps.runtime_descriptor_array);
  f.samplerFilterMinmax = VK_FALSE;
  f.scalarBlockLayout = b(caps.scalar_block_layout);
  f.imagelessFramebuffer = VK_TRUE;  // required by 1.2; framebuffers are objects without a queue's use
  f.uniformBufferStandardLayout = VK_TRUE;  // layouts are explicit in SPIR-V; the compiler follows them
  f.shaderSubgroupExtendedTypes = b(caps.subgroup_extended_types);
  // Required by 1.2. Image layouts change nothing on Mica (one layout per tiling, docs/vulkan.md), so
  // the depth-only and stencil-only layouts are accepted wherever a layout is.
  f.separateDepthStencilLayouts = VK_TRUE;
  f.hostQueryReset = VK_TRUE;
  f.timelineSemaphore = VK_TRUE;
  f.bufferDeviceAddress = b(caps.buffer_device_address);
  f.bufferDeviceAddressCaptureReplay = VK_FALSE;
  f.bufferDeviceAddressMultiDevice = VK_FALSE;
  f.vulkanMemoryModel = b(caps.vulkan_memory_model);
  f.vulkanMemoryModelDeviceScope = b(caps.vulkan_memory_model);
  // Every availability/visibility operation the compiler emits is device-wide (docs/hw/isa.md
  // "Memory ordering"), so chains of them need nothing more.
  f.vulkanMemoryModelAvailabilityVisibilityChains = b(caps.vulkan_memory_model);
  f.shaderOutputViewportIndex = VK_FALSE;
  f.shaderOutputLayer = VK_FALSE;
  f.subgroupBroadcastDynamicId = b(caps.subgroup_broadcast_dynamic_id);
}

void fill_features13(VkPhysicalDeviceVulkan13Features& f) {
  const auto& caps = shader_capabilities();
  // The texture unit never touches memory outside a view: out-of-range loads read zero (alpha 1),
  // stores and atomics are dropped (docs/hw/texture.md).
  f.robustImageAccess = VK_TRUE;
  f.inlineUniformBlock = VK_TRUE;  // bytes in pool GPU memory, read as a uniform buffer
  f.descriptorBindingInlineUniformBlockUpdateAfterBind = VK_FALSE;  // no update-after-bind at all
  f.pipelineCreationCacheControl = VK_TRUE;
  f.privateData = VK_TRUE;
  f.shaderDemoteToHelperInvocation = b(caps.demote_to_helper_invocation);  // the instruction is fragment-only
  f.shaderTerminateInvocation = b(caps.terminate_invocation);  // fragment-only instruction
  f.subgroupSizeControl = VK_TRUE;   // 8, 16 or 32 lanes (subgroup_size.h)
  // Waves are full except the last of a workgroup; with X a multiple of the subgroup size (the
  // VU), the invocation count is too, so every subgroup is full.
  f.computeFullSubgroups = VK_TRUE;
  f.synchronization2 = VK_TRUE;
  f.textureCompressionASTC_HDR = VK_FALSE;
  f.shaderZeroInitializeWorkgroupMemory = b(caps.zero_initialize_workgroup_memory);
  f.dynamicRendering = VK_TRUE;  // required by 1.3; vkCmdBeginRendering needs a graphics queue
  f.shaderIntegerDotProduct = b(caps.integer_dot_product);
  f.maintenance4 = VK_TRUE;
}

// Update-after-bind is not supported, but the spec bounds every pipeline layout by these limits
// too (VUID-VkPipelineLayoutCreateInfo-descriptorType-03024 and friends), so they equal the
// ordinary ones (image, sampler and input-attachment ones too: they were 0 until texel-buffer arrays
// made the validation layer check them against every layout with images).
template <typename T> void fill_update_after_bind_limits(T& o) {
  o.maxUpdateAfterBindDescriptorsInAllPools = kMaxDescriptorsPerSet;
  // A non-uniformly indexed buffer access runs once: each lane loads its own descriptor (no loop
  // over the distinct indices).
  o.shaderUniformBufferArrayNonUniformIndexingNative = b(shader_capabilities().buffer_array_non_uniform_indexing);
  o.shaderSampledImageArrayNonUniformIndexingNative = VK_FALSE;
  o.shaderStorageBufferArrayNonUniformIndexingNative = b(shader_capabilities().buffer_array_non_uniform_indexing);
  o.shaderStorageImageArrayNonUniformIndexingNative = VK_FALSE;
  o.shaderInputAttachmentArrayNonUniformIndexingNative = VK_FALSE;
  o.robustBufferAccessUpdateAfterBind = VK_FALSE;
  o.quadDivergentImplicitLod = VK_FALSE;
  o.maxPerStageDescriptorUpdateAfterBindSamplers = kMaxDescriptorsPerSet;
  o.maxPerStageDescriptorUpdateAfterBindUniformBuffers = kMaxDescriptorsPerSet;
  o.maxPerStageDescriptorUpdateAfterBindStorageBuffers = kMaxDescriptorsPerSet;
  o.maxPerStageDescriptorUpdateAfterBindSampledImages = kMaxDescriptorsPerSet;
  o.maxPerStageDescriptorUpdateAfterBindStorageImages = kMaxDescriptorsPerSet;
  o.maxPerStageDescriptorUpdateAfterBindInputAttachments = kMaxDescriptorsPerSet;
  o.maxPerStageUpdateAfterBindResources = kMaxDescriptorsPerSet;
  o.maxDescriptorSetUpdateAfterBindSamplers = kMaxDescriptorsPerSet;
  o.maxDescriptorSetUpdateAfterBindUniformBuffers = kMaxDescriptorsPerSet;
  o.maxDescriptorSetUpdateAfterBindUniformBuffersDynamic = kMaxDynamicBuffers;
  o.maxDescriptorSetUpdateAfterBindStorageBuffers = kMaxDescriptorsPerSet;
  o.maxDescriptorSetUpdateAfterBindStorageBuffersDynamic = kMaxDynamicBuffers;
  o.maxDescriptorSetUpdateAfterBindSampledImages = kMaxDescriptorsPerSet;
  o.maxDescriptorSetUpdateAfterBindStorageImages = kMaxDescriptorsPerSet;
  o.maxDescriptorSetUpdateAfterBindInputAttachments = kMaxDescriptorsPerSet;
}

}  // namespace

// Exposed so CreateDevice can reject requests for features we do not have.
VkPhysicalDeviceFeatures supported_features10() { return features10(); }
VkPhysicalDeviceVulkan11Features supported_features11() {
  VkPhysicalDeviceVulkan11Features f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
  fill_features11(f);
  return f;
}
VkPhysicalDeviceVulkan12Features supported_features12() {
  VkPhysicalDeviceVulkan12Features f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
  fill_features12(f);
  return f;
}
VkPhysicalDeviceVulkan13Features supported_features13() {
  VkPhysicalDeviceVulkan13Features f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  fill_features13(f);
  return f;
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceFeatures(VkPhysicalDevice, VkPhysicalDeviceFeatures* pFeatures) {
  *pFeatures = features10();
}

// Same members in VkPhysicalDeviceVulkan13Properties and VkPhysicalDeviceInlineUniformBlockProperties.
// Blocks live in their set's memory (binding_model.h); the update-after-bind limits equal the others
// although no update-after-bind feature is advertised.
template <typename T> void fill_inline_uniform_block_limits(T& o) {
  o.maxInlineUniformBlockSize = kMaxInlineUniformBlockBytes;
  o.maxPerStageDescriptorInlineUniformBlocks = kMaxInlineUniformBlocks;
  o.maxPerStageDescriptorUpdateAfterBindInlineUniformBlocks = kMaxInlineUniformBlocks;
  o.maxDescriptorSetInlineUniformBlocks = kMaxInlineUniformBlocks;
  o.maxDescriptorSetUpdateAfterBindInlineUniformBlocks = kMaxInlineUniformBlocks;
}

namespace {

VkPhysicalDeviceProperties properties10(const PhysicalDevice& pd) {
  VkPhysicalDeviceProperties p{};
  p.apiVersion = VK_MAKE_API_VERSION(0, 1, 3, VK_HEADER_VERSION);
  p.driverVersion = kDriverVersion;
  p.vendorID = kVendorId;
  p.deviceID = pd.info().revision;
  p.deviceType = pd.info().simulated ? VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU : VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
  std::snprintf(p.deviceName, sizeof p.deviceName, "%s", pd.info().name.c_str());
  fill_uuid(pd, p.pipelineCacheUUID, 'P');
  p.limits = limits(pd);
  p.sparseProperties = {};
  return p;
}

}  // namespace

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceProperties(VkPhysicalDevice physicalDevice,
                                                       VkPhysicalDeviceProperties* pProperties) {
  *pProperties = properties10(*PhysicalDevice::from(physicalDevice));
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceProperties2(VkPhysicalDevice physicalDevice,
                                                        VkPhysicalDeviceProperties2* pProperties) {
  const CoreProperties props = core_properties(*PhysicalDevice::from(physicalDevice));
  pProperties->properties = props.p10;
  fill_property_chain(props, pProperties->pNext);
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceFeatures2(VkPhysicalDevice, VkPhysicalDeviceFeatures2* pFeatures) {
  pFeatures->features = features10();
  fill_feature_chain(pFeatures->pNext);
}

// The Vulkan 1.1/1.2/1.3 property aggregates, complete: every promoted structure is filled from
// these (property_chains.cpp), so a value cannot differ between a core and an extension struct.
CoreProperties core_properties(const PhysicalDevice& pd) {
  const auto& caps = shader_capabilities();
  CoreProperties c{};
  c.p10 = properties10(pd);
  c.p11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES;
  c.p12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES;
  c.p13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES;

  auto& o11 = c.p11;
  fill_uuid(pd, o11.deviceUUID, 'D');
  fill_uuid(pd, o11.driverUUID, 'V');
  o11.deviceLUIDValid = VK_FALSE;
  o11.subgroupSize = kDefaultSubgroupSize;
  o11.subgroupSupportedStages = VK_SHADER_STAGE_COMPUTE_BIT;
  o11.subgroupSupportedOperations = caps.subgroup_operations;
  o11.subgroupQuadOperationsInAllStages = VK_FALSE;
  o11.pointClippingBehavior = VK_POINT_CLIPPING_BEHAVIOR_ALL_CLIP_PLANES;
  // The spec's minimums, which come with the multiview feature (above).
  o11.maxMultiviewViewCount = 6;
  o11.maxMultiviewInstanceIndex = (1u << 27) - 1;
  o11.protectedNoFault = VK_FALSE;
  o11.maxPerSetDescriptors = kMaxDescriptorsPerSet;
  o11.maxMemoryAllocationSize = max_allocation_bytes(pd.info().vram_bytes);  // device_limits.h

  auto& o12 = c.p12;
  o12.driverID = kDriverId;
  std::snprintf(o12.driverName, sizeof o12.driverName, "Mica");
  std::snprintf(o12.driverInfo, sizeof o12.driverInfo, "Mica Vulkan compute driver 0.1.0");
  o12.conformanceVersion = {0, 0, 0, 0};  // no conformance submission to Khronos, so no version to claim
  // Float controls: the device is IEEE (round to nearest even, denormals kept); the compiler
  // honours SignedZeroInfNanPreserve (no unsafe float folding) and RoundingModeRTE for every
  // width. No denormal mode is claimed (denormals are always kept) and rounding is always RTE, so
  // any combination per width is trivially independent: ALL (the CTS asks for at least 32_BIT_ONLY).
  o12.denormBehaviorIndependence = VK_SHADER_FLOAT_CONTROLS_INDEPENDENCE_ALL;
  o12.roundingModeIndependence = VK_SHADER_FLOAT_CONTROLS_INDEPENDENCE_ALL;
  o12.shaderSignedZeroInfNanPreserveFloat16 = caps.signed_zero_inf_nan_preserve && caps.float16;
  o12.shaderSignedZeroInfNanPreserveFloat32 = caps.signed_zero_inf_nan_preserve;
  o12.shaderSignedZeroInfNanPreserveFloat64 = caps.signed_zero_inf_nan_preserve && caps.float64;
  o12.shaderRoundingModeRTEFloat16 = caps.rounding_mode_rte && caps.float16;
  o12.shaderRoundingModeRTEFloat32 = caps.rounding_mode_rte;
  o12.shaderRoundingModeRTEFloat64 = caps.rounding_mode_rte && caps.float64;
  fill_update_after_bind_limits(o12);
  // Vulkan 1.2 requires SAMPLE_ZERO for both; resolves happen in render passes (graphics queues).
  o12.supportedDepthResolveModes = VK_RESOLVE_MODE_SAMPLE_ZERO_BIT;
  o12.supportedStencilResolveModes = VK_RESOLVE_MODE_SAMPLE_ZERO_BIT;
  o12.filterMinmaxSingleComponentFormats = VK_FALSE;
  o12.filterMinmaxImageComponentMapping = VK_FALSE;
  o12.maxTimelineSemaphoreValueDifference = UINT64_MAX;
  o12.framebufferIntegerColorSampleCounts = kSupportedSampleCounts;  // as the other framebuffer counts (limits())

  auto& o13 = c.p13;
  // Subgroups of 8 or 16 lanes run inside the 32-lane wave (docs/compiler.md "Subgroup sizes").
  o13.minSubgroupSize = kMinSubgroupSize;
  o13.maxSubgroupSize = kMaxSubgroupSize;
  o13.maxComputeWorkgroupSubgroups = MICA_MAX_WORKGROUP_INVOCATIONS / kMinSubgroupSize;
  o13.requiredSubgroupSizeStages = VK_SHADER_STAGE_COMPUTE_BIT;
  fill_inline_uniform_block_limits(o13);
  o13.maxInlineUniformTotalSize = kMaxInlineUniformTotalBytes;
  // Integer dot products are lowered to ordinary arithmetic: none is "accelerated".
  o13.storageTexelBufferOffsetAlignmentBytes = kMinBufferAlignment;
  o13.storageTexelBufferOffsetSingleTexelAlignment = VK_FALSE;
  o13.uniformTexelBufferOffsetAlignmentBytes = kMinBufferAlignment;
  o13.uniformTexelBufferOffsetSingleTexelAlignment = VK_FALSE;
  o13.maxBufferSize = max_allocation_bytes(pd.info().vram_bytes);
  return c;
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceQueueFamilyProperties(VkPhysicalDevice, uint32_t* pCount,
                                                                  VkQueueFamilyProperties* pProps) {
  std::array<VkQueueFamilyProperties, kQueueFamilyCount> families{};
  families[kQueueFamilyCompute] = {VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT, kQueuesPerFamily, 64, {1, 1, 1}};
  families[kQueueFamilyTransfer] = {VK_QUEUE_TRANSFER_BIT, kQueuesPerFamily, 64, {1, 1, 1}};
  families[kQueueFamilyAsyncCompute] = families[kQueueFamilyCompute];
  if (!pProps) {
    *pCount = kQueueFamilyCount;
    return;
  }
  *pCount = std::min(*pCount, kQueueFamilyCount);
  std::copy_n(families.begin(), *pCount, pProps);
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceQueueFamilyProperties2(VkPhysicalDevice physicalDevice, uint32_t* pCount,
                                                                   VkQueueFamilyProperties2* pProps) {
  if (!pProps) {
    GetPhysicalDeviceQueueFamilyProperties(physicalDevice, pCount, nullptr);
    return;
  }
  std::array<VkQueueFamilyProperties, kQueueFamilyCount> families{};
  uint32_t n = kQueueFamilyCount;
  GetPhysicalDeviceQueueFamilyProperties(physicalDevice, &n, families.data());
  *pCount = std::min(*pCount, n);
  for (uint32_t i = 0; i < *pCount; ++i) pProps[i].queueFamilyProperties = families[i];
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceMemoryProperties(VkPhysicalDevice physicalDevice,
                                                             VkPhysicalDeviceMemoryProperties* pProps) {
  const auto* pd = PhysicalDevice::from(physicalDevice);
  VkPhysicalDeviceMemoryProperties p{};
  p.memoryHeapCount = 1;
  p.memoryHeaps[0] = {pd->info().vram_bytes, VK_MEMORY_HEAP_DEVICE_LOCAL_BIT};
  p.memoryTypeCount = kMemoryTypeCount;
  p.memoryTypes[kMemoryTypeDeviceLocal] = {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0};
  // The CPU maps the device's memory as ordinary cached RAM, coherent with the device model, so the
  // mappable type is HOST_CACHED too (as lavapipe's is); applications that ask for cached host memory
  // (the CTS's MemoryRequirement::Cached, zero_initialize_workgroup_memory.repeat_pipeline) find it.
  p.memoryTypes[kMemoryTypeHostVisible] = {VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                               VK_MEMORY_PROPERTY_HOST_COHERENT_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT,
                                           0};
  *pProps = p;
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceMemoryProperties2(VkPhysicalDevice physicalDevice,
                                                              VkPhysicalDeviceMemoryProperties2* pProps) {
  GetPhysicalDeviceMemoryProperties(physicalDevice, &pProps->memoryProperties);
}

// Formats: the features of format_table.h per tiling; the image format queries follow image.cpp.
VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceFormatProperties(VkPhysicalDevice, VkFormat format,
                                                             VkFormatProperties* pProps) {
  *pProps = {image_format_features(format, VK_IMAGE_TILING_LINEAR), image_format_features(format, VK_IMAGE_TILING_OPTIMAL),
             buffer_format_features(format)};
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceFormatProperties2(VkPhysicalDevice physicalDevice, VkFormat format,
                                                              VkFormatProperties2* pProps) {
  GetPhysicalDeviceFormatProperties(physicalDevice, format, &pProps->formatProperties);
  if (auto* p3 = find_in_chain_mut<VkFormatProperties3>(pProps->pNext, VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3)) {
    p3->linearTilingFeatures = pProps->formatProperties.linearTilingFeatures;
    p3->optimalTilingFeatures = pProps->formatProperties.optimalTilingFeatures;
    p3->bufferFeatures = pProps->formatProperties.bufferFeatures;
    // Sampled depth formats take depth-compare samplers (the unit's image_sample_c).
    const auto planes = image_format(format);
    if (planes && (planes->aspects & VK_IMAGE_ASPECT_DEPTH_BIT) && p3->optimalTilingFeatures) {
      p3->optimalTilingFeatures |= VK_FORMAT_FEATURE_2_SAMPLED_IMAGE_DEPTH_COMPARISON_BIT;
      p3->linearTilingFeatures |= VK_FORMAT_FEATURE_2_SAMPLED_IMAGE_DEPTH_COMPARISON_BIT;
    }
  }
}

VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDeviceImageFormatProperties(VkPhysicalDevice, VkFormat format,
                                                                      VkImageType type, VkImageTiling tiling,
                                                                      VkImageUsageFlags usage, VkImageCreateFlags flags,
                                                                      VkImageFormatProperties* p) {
  return image_format_properties(format, type, tiling, usage, flags, p);
}

VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDeviceImageFormatProperties2(VkPhysicalDevice,
                                                                       const VkPhysicalDeviceImageFormatInfo2* pInfo,
                                                                       VkImageFormatProperties2* p) {
  VkResult r = image_format_properties(pInfo->format, pInfo->type, pInfo->tiling, pInfo->usage, pInfo->flags,
                                       &p->imageFormatProperties);
  // No external memory: an image of any external handle type is not supported.
  const auto* external = find_in_chain<VkPhysicalDeviceExternalImageFormatInfo>(
      pInfo->pNext, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO);
  if (external && external->handleType != 0) r = VK_ERROR_FORMAT_NOT_SUPPORTED;
  // DRM format modifiers and other tilings are refused by image_format_properties already.
  if (r != VK_SUCCESS) p->imageFormatProperties = {};
  if (auto* e = find_in_chain_mut<VkExternalImageFormatProperties>(p->pNext,
                                                                   VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES))
    e->externalMemoryProperties = {};
  if (auto* y = find_in_chain_mut<VkSamplerYcbcrConversionImageFormatProperties>(
          p->pNext, VK_STRUCTURE_TYPE_SAMPLER_YCBCR_CONVERSION_IMAGE_FORMAT_PROPERTIES))
    y->combinedImageSamplerDescriptorCount = r == VK_SUCCESS ? 1 : 0;
  return r;
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceSparseImageFormatProperties(VkPhysicalDevice, VkFormat, VkImageType,
                                                                        VkSampleCountFlagBits, VkImageUsageFlags,
                                                                        VkImageTiling, uint32_t* pCount,
                                                                        VkSparseImageFormatProperties*) {
  *pCount = 0;
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceSparseImageFormatProperties2(VkPhysicalDevice,
                                                                         const VkPhysicalDeviceSparseImageFormatInfo2*,
                                                                         uint32_t* pCount,
                                                                         VkSparseImageFormatProperties2*) {
  *pCount = 0;
}

// Buffers: dma-buf / opaque fds (external_memory.cpp); semaphores and fences: external_semaphore.cpp.
VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceExternalBufferProperties(VkPhysicalDevice physicalDevice,
                                                                     const VkPhysicalDeviceExternalBufferInfo* pInfo,
                                                                     VkExternalBufferProperties* p) {
  if (pInfo->handleType == VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT)
    p->externalMemoryProperties = host_allocation_memory_properties(*PhysicalDevice::from(physicalDevice));
  else
    p->externalMemoryProperties = external_buffer_memory_properties(pInfo->handleType);
}

VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDeviceToolProperties(VkPhysicalDevice, uint32_t* pCount,
                                                               VkPhysicalDeviceToolProperties*) {
  *pCount = 0;
  return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL EnumerateDeviceExtensionProperties(VkPhysicalDevice physicalDevice, const char* pLayerName,
                                                                  uint32_t* pCount, VkExtensionProperties* pProps) {
  if (pLayerName) return VK_ERROR_LAYER_NOT_PRESENT;
  return enumerate(pCount, pProps, device_extensions(*PhysicalDevice::from(physicalDevice)));
}

VKAPI_ATTR VkResult VKAPI_CALL EnumerateDeviceLayerProperties(VkPhysicalDevice, uint32_t* pCount,
                                                              VkLayerProperties* pProps) {
  return enumerate(pCount, pProps, std::array<VkLayerProperties, 0>{});
}

}  // namespace mica::vk

namespace mica::vk {

std::vector<VkExtensionProperties> device_extensions(const PhysicalDevice& pd) {
  // Semaphore and fence fds are DRM sync object fds: the in-process device has none. Host memory
  // import needs a device that reaches system memory (the QEMU/ivshmem device does not).
  auto is = [](const VkExtensionProperties& e, const char* name) { return std::strcmp(e.extensionName, name) == 0; };
  std::vector<VkExtensionProperties> out;
  for (const auto& e : supported_device_extensions()) {
    if (!pd.screen()->external_sync() &&
        (is(e, VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME) || is(e, VK_KHR_EXTERNAL_FENCE_FD_EXTENSION_NAME)))
      continue;
    if (!pd.screen()->host_import() && is(e, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME)) continue;
    out.push_back(e);
  }
  return out;
}

const std::vector<VkExtensionProperties>& supported_device_extensions() {
  // The promoted extensions of entrypoints.txt (their commands are aliases of implemented core
  // commands), minus those that only carry a shader feature the compiler does not have.
  static const std::vector<VkExtensionProperties> extensions = [] {
    const auto& caps = shader_capabilities();
    const std::pair<const char*, bool> needs[] = {
        {VK_KHR_16BIT_STORAGE_EXTENSION_NAME, caps.storage_buffer_16bit},
        {VK_KHR_8BIT_STORAGE_EXTENSION_NAME, caps.storage_buffer_8bit},
        {VK_KHR_BUFFER_DEVICE_ADDRESS_EXTENSION_NAME, caps.buffer_device_address},
        {VK_KHR_SHADER_ATOMIC_INT64_EXTENSION_NAME, caps.shader_atomic_int64},
        {VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME, caps.float16 || caps.int8},
        {VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME, caps.integer_dot_product},
        {VK_KHR_SHADER_SUBGROUP_EXTENDED_TYPES_EXTENSION_NAME, caps.subgroup_extended_types},
        {VK_KHR_SHADER_TERMINATE_INVOCATION_EXTENSION_NAME, caps.terminate_invocation},
        {VK_KHR_VARIABLE_POINTERS_EXTENSION_NAME, caps.variable_pointers},
        {VK_KHR_VULKAN_MEMORY_MODEL_EXTENSION_NAME, caps.vulkan_memory_model},
        {VK_KHR_ZERO_INITIALIZE_WORKGROUP_MEMORY_EXTENSION_NAME, caps.zero_initialize_workgroup_memory},
        {VK_EXT_SCALAR_BLOCK_LAYOUT_EXTENSION_NAME, caps.scalar_block_layout},
        {VK_EXT_SHADER_DEMOTE_TO_HELPER_INVOCATION_EXTENSION_NAME, caps.demote_to_helper_invocation},
        {VK_EXT_SHADER_ATOMIC_FLOAT_EXTENSION_NAME, caps.float32_atomics},
        {VK_EXT_SHADER_ATOMIC_FLOAT_2_EXTENSION_NAME, caps.float32_atomics && caps.float32_atomic_min_max},
        {VK_KHR_SHADER_CLOCK_EXTENSION_NAME, caps.shader_subgroup_clock},
        {VK_EXT_ROBUSTNESS_2_EXTENSION_NAME, caps.robust_buffer_access2},
        {VK_EXT_SHADER_SUBGROUP_BALLOT_EXTENSION_NAME, (caps.subgroup_operations & VK_SUBGROUP_FEATURE_BALLOT_BIT) != 0},
        {VK_EXT_SHADER_SUBGROUP_VOTE_EXTENSION_NAME, (caps.subgroup_operations & VK_SUBGROUP_FEATURE_VOTE_BIT) != 0},
    };
    std::vector<VkExtensionProperties> out;
    for (size_t i = 0; i < kPromotedDeviceExtensionCount; ++i) {
      const auto& e = kPromotedDeviceExtensions[i];
      bool ok = true;
      for (const auto& [name, have] : needs)
        if (std::strcmp(name, e.extensionName) == 0) ok = have;
      if (ok) out.push_back(e);
    }
    return out;
  }();
  return extensions;
}

}  // namespace mica::vk
