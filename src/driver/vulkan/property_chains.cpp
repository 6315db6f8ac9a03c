// vkGetPhysicalDeviceProperties2 / vkGetPhysicalDeviceFeatures2 pNext chains.
//
// Every structure the driver knows is written whole, from the Vulkan 1.1/1.2/1.3 aggregates, whether
// it is chained alone, with others, or in any order: a promoted (extension) structure is a view of
// its core aggregate, so the two cannot disagree, and no member is left with what the application
// had in it (an unwritten VkPhysicalDeviceFloatControlsProperties made applications read garbage).
#include "binding_model.h"
#include "capabilities.h"
#include "external_memory.h"
#include "physical_device.h"

#include <cstddef>
#include <cstring>

namespace mica::vk {
namespace {

// Writes 'v' over the structure at 's', keeping the application's sType and pNext.
template <typename T> void put(VkBaseOutStructure* s, T v) {
  v.sType = s->sType;
  v.pNext = s->pNext;
  std::memcpy(static_cast<void*>(s), &v, sizeof v);
}

// Copies the members [first, last] of an aggregate into the same members, laid out identically,
// of a promoted structure (whose first member follows pNext).
template <typename T, size_t First, size_t End, typename A> void put_range(VkBaseOutStructure* s, const A& aggregate) {
  constexpr size_t kFirst = offsetof(VkBaseOutStructure, pNext) + sizeof(void*);
  // The range must fill the promoted structure's members exactly (up to its tail padding).
  static_assert(End - First <= sizeof(T) - kFirst && sizeof(T) - kFirst - (End - First) < 8);
  T v;
  std::memset(static_cast<void*>(&v), 0, sizeof v);  // padding too: the whole structure is defined
  std::memcpy(reinterpret_cast<char*>(&v) + kFirst, reinterpret_cast<const char*>(&aggregate) + First, End - First);
  put(s, v);
}

#define MICA_RANGE(A, first, last) offsetof(A, first), offsetof(A, last) + sizeof(A::last)

}  // namespace

void fill_property_chain(const CoreProperties& c, void* pNext) {
  const auto& p11 = c.p11;
  const auto& p12 = c.p12;
  const auto& p13 = c.p13;
  for (auto* s = static_cast<VkBaseOutStructure*>(pNext); s; s = s->pNext) {
    switch (s->sType) {
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES: put(s, p11); break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES: put(s, p12); break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES: put(s, p13); break;
    // Promoted to 1.1
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES:
      put_range<VkPhysicalDeviceIDProperties, MICA_RANGE(VkPhysicalDeviceVulkan11Properties, deviceUUID, deviceLUIDValid)>(s, p11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES:
      put_range<VkPhysicalDeviceSubgroupProperties, MICA_RANGE(VkPhysicalDeviceVulkan11Properties, subgroupSize, subgroupQuadOperationsInAllStages)>(s, p11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_POINT_CLIPPING_PROPERTIES:
      put_range<VkPhysicalDevicePointClippingProperties, MICA_RANGE(VkPhysicalDeviceVulkan11Properties, pointClippingBehavior, pointClippingBehavior)>(s, p11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_PROPERTIES:
      put_range<VkPhysicalDeviceMultiviewProperties, MICA_RANGE(VkPhysicalDeviceVulkan11Properties, maxMultiviewViewCount, maxMultiviewInstanceIndex)>(s, p11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROTECTED_MEMORY_PROPERTIES:
      put_range<VkPhysicalDeviceProtectedMemoryProperties, MICA_RANGE(VkPhysicalDeviceVulkan11Properties, protectedNoFault, protectedNoFault)>(s, p11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES: {
      VkPhysicalDeviceMaintenance3Properties o;
      std::memset(static_cast<void*>(&o), 0, sizeof o);  // its padding is written too
      o.maxPerSetDescriptors = p11.maxPerSetDescriptors;
      o.maxMemoryAllocationSize = p11.maxMemoryAllocationSize;
      put(s, o);
      break;
    }
    // Promoted to 1.2
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES:
      put_range<VkPhysicalDeviceDriverProperties, MICA_RANGE(VkPhysicalDeviceVulkan12Properties, driverID, conformanceVersion)>(s, p12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FLOAT_CONTROLS_PROPERTIES:
      put_range<VkPhysicalDeviceFloatControlsProperties, MICA_RANGE(VkPhysicalDeviceVulkan12Properties, denormBehaviorIndependence, shaderRoundingModeRTZFloat64)>(s, p12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DESCRIPTOR_INDEXING_PROPERTIES:
      put_range<VkPhysicalDeviceDescriptorIndexingProperties, MICA_RANGE(VkPhysicalDeviceVulkan12Properties, maxUpdateAfterBindDescriptorsInAllPools,
                     maxDescriptorSetUpdateAfterBindInputAttachments)>(s, p12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DEPTH_STENCIL_RESOLVE_PROPERTIES:
      put_range<VkPhysicalDeviceDepthStencilResolveProperties, MICA_RANGE(VkPhysicalDeviceVulkan12Properties, supportedDepthResolveModes, independentResolve)>(s, p12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SAMPLER_FILTER_MINMAX_PROPERTIES:
      put_range<VkPhysicalDeviceSamplerFilterMinmaxProperties, MICA_RANGE(VkPhysicalDeviceVulkan12Properties, filterMinmaxSingleComponentFormats, filterMinmaxImageComponentMapping)>(s, p12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_PROPERTIES:
      put_range<VkPhysicalDeviceTimelineSemaphoreProperties, MICA_RANGE(VkPhysicalDeviceVulkan12Properties, maxTimelineSemaphoreValueDifference, maxTimelineSemaphoreValueDifference)>(s, p12);
      break;
    // Promoted to 1.3
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES:
      put_range<VkPhysicalDeviceSubgroupSizeControlProperties, MICA_RANGE(VkPhysicalDeviceVulkan13Properties, minSubgroupSize, requiredSubgroupSizeStages)>(s, p13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_INLINE_UNIFORM_BLOCK_PROPERTIES:
      put_range<VkPhysicalDeviceInlineUniformBlockProperties, MICA_RANGE(VkPhysicalDeviceVulkan13Properties, maxInlineUniformBlockSize,
                     maxDescriptorSetUpdateAfterBindInlineUniformBlocks)>(s, p13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES:
      put_range<VkPhysicalDeviceShaderIntegerDotProductProperties, MICA_RANGE(VkPhysicalDeviceVulkan13Properties, integerDotProduct8BitUnsignedAccelerated,
                     integerDotProductAccumulatingSaturating64BitMixedSignednessAccelerated)>(s, p13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TEXEL_BUFFER_ALIGNMENT_PROPERTIES:
      put_range<VkPhysicalDeviceTexelBufferAlignmentProperties, MICA_RANGE(VkPhysicalDeviceVulkan13Properties, storageTexelBufferOffsetAlignmentBytes,
                     uniformTexelBufferOffsetSingleTexelAlignment)>(s, p13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_PROPERTIES:
      put_range<VkPhysicalDeviceMaintenance4Properties, MICA_RANGE(VkPhysicalDeviceVulkan13Properties, maxBufferSize, maxBufferSize)>(s, p13);
      break;
    // Not promoted: the driver's own extensions.
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_PROPERTIES_EXT: {
      // The compiler checks each component's bytes against the descriptor's exact range, so the
      // range is "rounded up" to 1 byte for both kinds of buffer.
      VkPhysicalDeviceRobustness2PropertiesEXT p;
      std::memset(static_cast<void*>(&p), 0, sizeof p);
      p.robustStorageBufferAccessSizeAlignment = 1;
      p.robustUniformBufferAccessSizeAlignment = 1;
      put(s, p);
      break;
    }
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT: {
      // Imported host memory is mapped page by page (external_memory_host.cpp).
      VkPhysicalDeviceExternalMemoryHostPropertiesEXT p;
      std::memset(static_cast<void*>(&p), 0, sizeof p);
      p.minImportedHostPointerAlignment = kHostPointerAlignment;
      put(s, p);
      break;
    }
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PUSH_DESCRIPTOR_PROPERTIES_KHR: {
      VkPhysicalDevicePushDescriptorPropertiesKHR p{};
      p.maxPushDescriptors = kMaxPushDescriptors;  // binding_model.h
      put(s, p);
      break;
    }
    default:
      break;  // an extension the device does not have: left as the application wrote it
    }
  }
}

void fill_feature_chain(void* pNext) {
  const auto f11 = supported_features11();
  const auto f12 = supported_features12();
  const auto f13 = supported_features13();
  using F11 = VkPhysicalDeviceVulkan11Features;
  using F12 = VkPhysicalDeviceVulkan12Features;
  using F13 = VkPhysicalDeviceVulkan13Features;
  for (auto* s = static_cast<VkBaseOutStructure*>(pNext); s; s = s->pNext) {
    switch (s->sType) {
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES: put(s, f11); break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES: put(s, f12); break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES: put(s, f13); break;
    // Promoted to 1.1
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES:
      put_range<VkPhysicalDevice16BitStorageFeatures, MICA_RANGE(F11, storageBuffer16BitAccess, storageInputOutput16)>(s, f11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_FEATURES:
      put_range<VkPhysicalDeviceMultiviewFeatures, MICA_RANGE(F11, multiview, multiviewTessellationShader)>(s, f11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VARIABLE_POINTERS_FEATURES:
      put_range<VkPhysicalDeviceVariablePointersFeatures, MICA_RANGE(F11, variablePointersStorageBuffer, variablePointers)>(s, f11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROTECTED_MEMORY_FEATURES:
      put_range<VkPhysicalDeviceProtectedMemoryFeatures, MICA_RANGE(F11, protectedMemory, protectedMemory)>(s, f11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SAMPLER_YCBCR_CONVERSION_FEATURES:
      put_range<VkPhysicalDeviceSamplerYcbcrConversionFeatures, MICA_RANGE(F11, samplerYcbcrConversion, samplerYcbcrConversion)>(s, f11);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_DRAW_PARAMETERS_FEATURES:
      put_range<VkPhysicalDeviceShaderDrawParametersFeatures, MICA_RANGE(F11, shaderDrawParameters, shaderDrawParameters)>(s, f11);
      break;
    // Promoted to 1.2
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES:
      put_range<VkPhysicalDevice8BitStorageFeatures, MICA_RANGE(F12, storageBuffer8BitAccess, storagePushConstant8)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_INT64_FEATURES:
      put_range<VkPhysicalDeviceShaderAtomicInt64Features, MICA_RANGE(F12, shaderBufferInt64Atomics, shaderSharedInt64Atomics)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES:
      put_range<VkPhysicalDeviceShaderFloat16Int8Features, MICA_RANGE(F12, shaderFloat16, shaderInt8)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DESCRIPTOR_INDEXING_FEATURES:
      put_range<VkPhysicalDeviceDescriptorIndexingFeatures, MICA_RANGE(F12, shaderInputAttachmentArrayDynamicIndexing, runtimeDescriptorArray)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SCALAR_BLOCK_LAYOUT_FEATURES:
      put_range<VkPhysicalDeviceScalarBlockLayoutFeatures, MICA_RANGE(F12, scalarBlockLayout, scalarBlockLayout)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGELESS_FRAMEBUFFER_FEATURES:
      put_range<VkPhysicalDeviceImagelessFramebufferFeatures, MICA_RANGE(F12, imagelessFramebuffer, imagelessFramebuffer)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_UNIFORM_BUFFER_STANDARD_LAYOUT_FEATURES:
      put_range<VkPhysicalDeviceUniformBufferStandardLayoutFeatures, MICA_RANGE(F12, uniformBufferStandardLayout, uniformBufferStandardLayout)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_SUBGROUP_EXTENDED_TYPES_FEATURES:
      put_range<VkPhysicalDeviceShaderSubgroupExtendedTypesFeatures, MICA_RANGE(F12, shaderSubgroupExtendedTypes, shaderSubgroupExtendedTypes)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SEPARATE_DEPTH_STENCIL_LAYOUTS_FEATURES:
      put_range<VkPhysicalDeviceSeparateDepthStencilLayoutsFeatures, MICA_RANGE(F12, separateDepthStencilLayouts, separateDepthStencilLayouts)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_HOST_QUERY_RESET_FEATURES:
      put_range<VkPhysicalDeviceHostQueryResetFeatures, MICA_RANGE(F12, hostQueryReset, hostQueryReset)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES:
      put_range<VkPhysicalDeviceTimelineSemaphoreFeatures, MICA_RANGE(F12, timelineSemaphore, timelineSemaphore)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES:
      put_range<VkPhysicalDeviceBufferDeviceAddressFeatures, MICA_RANGE(F12, bufferDeviceAddress, bufferDeviceAddressMultiDevice)>(s, f12);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES:
      put_range<VkPhysicalDeviceVulkanMemoryModelFeatures, MICA_RANGE(F12, vulkanMemoryModel, vulkanMemoryModelAvailabilityVisibilityChains)>(s, f12);
      break;
    // Promoted to 1.3
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_ROBUSTNESS_FEATURES:
      put_range<VkPhysicalDeviceImageRobustnessFeatures, MICA_RANGE(F13, robustImageAccess, robustImageAccess)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_INLINE_UNIFORM_BLOCK_FEATURES:
      put_range<VkPhysicalDeviceInlineUniformBlockFeatures, MICA_RANGE(F13, inlineUniformBlock, descriptorBindingInlineUniformBlockUpdateAfterBind)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_CREATION_CACHE_CONTROL_FEATURES:
      put_range<VkPhysicalDevicePipelineCreationCacheControlFeatures, MICA_RANGE(F13, pipelineCreationCacheControl, pipelineCreationCacheControl)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRIVATE_DATA_FEATURES:
      put_range<VkPhysicalDevicePrivateDataFeatures, MICA_RANGE(F13, privateData, privateData)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_DEMOTE_TO_HELPER_INVOCATION_FEATURES:
      put_range<VkPhysicalDeviceShaderDemoteToHelperInvocationFeatures, MICA_RANGE(F13, shaderDemoteToHelperInvocation, shaderDemoteToHelperInvocation)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_TERMINATE_INVOCATION_FEATURES:
      put_range<VkPhysicalDeviceShaderTerminateInvocationFeatures, MICA_RANGE(F13, shaderTerminateInvocation, shaderTerminateInvocation)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_FEATURES:
      put_range<VkPhysicalDeviceSubgroupSizeControlFeatures, MICA_RANGE(F13, subgroupSizeControl, computeFullSubgroups)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES:
      put_range<VkPhysicalDeviceSynchronization2Features, MICA_RANGE(F13, synchronization2, synchronization2)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TEXTURE_COMPRESSION_ASTC_HDR_FEATURES:
      put_range<VkPhysicalDeviceTextureCompressionASTCHDRFeatures, MICA_RANGE(F13, textureCompressionASTC_HDR, textureCompressionASTC_HDR)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ZERO_INITIALIZE_WORKGROUP_MEMORY_FEATURES:
      put_range<VkPhysicalDeviceZeroInitializeWorkgroupMemoryFeatures, MICA_RANGE(F13, shaderZeroInitializeWorkgroupMemory, shaderZeroInitializeWorkgroupMemory)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DYNAMIC_RENDERING_FEATURES:
      put_range<VkPhysicalDeviceDynamicRenderingFeatures, MICA_RANGE(F13, dynamicRendering, dynamicRendering)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES:
      put_range<VkPhysicalDeviceShaderIntegerDotProductFeatures, MICA_RANGE(F13, shaderIntegerDotProduct, shaderIntegerDotProduct)>(s, f13);
      break;
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_FEATURES:
      put_range<VkPhysicalDeviceMaintenance4Features, MICA_RANGE(F13, maintenance4, maintenance4)>(s, f13);
      break;
    // Not promoted: the driver's own extensions.
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_FEATURES_EXT: {
      // Images: the texture unit's image_atomic_swap/cmpswap/add_f32 on R32_SFLOAT (which reports
      // STORAGE_IMAGE_ATOMIC and STORAGE_TEXEL_BUFFER_ATOMIC); sparse: no (no sparse resources).
      const auto& caps = shader_capabilities();
      VkPhysicalDeviceShaderAtomicFloatFeaturesEXT f{};
      f.shaderBufferFloat32Atomics = caps.float32_atomics;
      f.shaderBufferFloat32AtomicAdd = caps.float32_atomic_add;
      f.shaderBufferFloat64Atomics = caps.float64_atomics;
      f.shaderSharedFloat32Atomics = caps.float32_atomics;
      f.shaderSharedFloat32AtomicAdd = caps.float32_atomic_add;
      f.shaderSharedFloat64Atomics = caps.float64_atomics;
      f.shaderImageFloat32Atomics = caps.float32_atomics;
      f.shaderImageFloat32AtomicAdd = caps.float32_atomic_add;
      put(s, f);
      break;
    }
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_CLOCK_FEATURES_KHR: {
      // Subgroup scope: the wave's cycle counter (hardware registers CYCLE_HI/LO); device scope:
      // s_timestamp_b64, the device's TIMESTAMP as the reading wave sees it (docs/hw/isa.md).
      VkPhysicalDeviceShaderClockFeaturesKHR f{};
      f.shaderSubgroupClock = shader_capabilities().shader_subgroup_clock;
      f.shaderDeviceClock = shader_capabilities().shader_device_clock;
      put(s, f);
      break;
    }
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_FLOAT_2_FEATURES_EXT: {
      // Min/max only (global/ds/image_atomic_min/max_f32, global/ds_atomic_min/max_f64; the
      // image form on R32_SFLOAT). No 16-bit float atomics: the device has no 16-bit atomic.
      const auto& caps = shader_capabilities();
      VkPhysicalDeviceShaderAtomicFloat2FeaturesEXT f{};
      f.shaderBufferFloat32AtomicMinMax = caps.float32_atomic_min_max;
      f.shaderSharedFloat32AtomicMinMax = caps.float32_atomic_min_max;
      f.shaderImageFloat32AtomicMinMax = caps.float32_atomic_min_max;
      f.shaderBufferFloat64AtomicMinMax = caps.float64_atomic_min_max;
      f.shaderSharedFloat64AtomicMinMax = caps.float64_atomic_min_max;
      put(s, f);
      break;
    }
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT: {
      VkPhysicalDeviceRobustness2FeaturesEXT f;
      std::memset(static_cast<void*>(&f), 0, sizeof f);  // its tail padding is written too
      // Per-component, byte-exact bounds checks of descriptor accesses (Options::
      // robust_buffer_access2); texel buffers: the texture unit's out-of-range loads are a zero
      // texel decoded (0, 0, 0 and 1 for a missing alpha), stores and atomics are dropped.
      f.robustBufferAccess2 = shader_capabilities().robust_buffer_access2;
      // The texture unit's out-of-range loads (a coordinate, layer, level or sample outside the
      // view) return 0 in the format's components and 0, 0, 1 for missing G, B, A, swizzled;
      // stores and atomics are dropped (docs/hw/texture.md "Out-of-range access"): the values
      // robustImageAccess2 requires, in every pipeline, with no compiler help.
      f.robustImageAccess2 = VK_TRUE;
      // No: a null buffer descriptor would be safe only in pipelines compiled with bounds checks
      // (size 0); without them an access would fault the context, and null image, sampler and
      // texel-buffer descriptors have no defined reads in the texture unit.
      f.nullDescriptor = VK_FALSE;
      put(s, f);
      break;
    }
    case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FAULT_FEATURES_EXT: {
      VkPhysicalDeviceFaultFeaturesEXT f{};
      f.deviceFault = VK_TRUE;               // vkGetDeviceFaultInfoEXT (device.cpp)
      f.deviceFaultVendorBinary = VK_FALSE;  // no vendor binary crash dumps
      put(s, f);
      break;
    }
    default:
      break;  // an extension the device does not have: left as the application wrote it
    }
  }
}

}  // namespace mica::vk
