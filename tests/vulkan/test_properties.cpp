// vkGetPhysicalDeviceProperties2 / Features2: every property and feature structure of Vulkan 1.1-1.3
// (the aggregates and the structures promoted from extensions), chained alone and all together in
// both orders, is written completely (two different fill patterns give the same bytes), and every
// promoted structure agrees member by member with its Vulkan 1.x aggregate.
// dEQP-VK.api.info.* and a chained-alone VkPhysicalDeviceFloatControlsProperties, which the driver
// once left untouched, are the cases behind this.
#include "vk_test.h"

#include <cstring>
#include <functional>
#include <map>
#include <string>

namespace {

struct StructInfo {
  VkStructureType type;
  size_t size;
  const char* name;
};

#define S(T, ST) StructInfo{ST, sizeof(T), #T}

const std::vector<StructInfo> kProperties = {
    S(VkPhysicalDeviceVulkan11Properties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES),
    S(VkPhysicalDeviceVulkan12Properties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES),
    S(VkPhysicalDeviceVulkan13Properties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES),
    S(VkPhysicalDeviceIDProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES),
    S(VkPhysicalDeviceSubgroupProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES),
    S(VkPhysicalDevicePointClippingProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_POINT_CLIPPING_PROPERTIES),
    S(VkPhysicalDeviceMultiviewProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_PROPERTIES),
    S(VkPhysicalDeviceProtectedMemoryProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROTECTED_MEMORY_PROPERTIES),
    S(VkPhysicalDeviceMaintenance3Properties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES),
    S(VkPhysicalDeviceDriverProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES),
    S(VkPhysicalDeviceFloatControlsProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FLOAT_CONTROLS_PROPERTIES),
    S(VkPhysicalDeviceDescriptorIndexingProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DESCRIPTOR_INDEXING_PROPERTIES),
    S(VkPhysicalDeviceDepthStencilResolveProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DEPTH_STENCIL_RESOLVE_PROPERTIES),
    S(VkPhysicalDeviceSamplerFilterMinmaxProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SAMPLER_FILTER_MINMAX_PROPERTIES),
    S(VkPhysicalDeviceTimelineSemaphoreProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_PROPERTIES),
    S(VkPhysicalDeviceSubgroupSizeControlProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES),
    S(VkPhysicalDeviceInlineUniformBlockProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_INLINE_UNIFORM_BLOCK_PROPERTIES),
    S(VkPhysicalDeviceShaderIntegerDotProductProperties,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES),
    S(VkPhysicalDeviceTexelBufferAlignmentProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TEXEL_BUFFER_ALIGNMENT_PROPERTIES),
    S(VkPhysicalDeviceMaintenance4Properties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_PROPERTIES),
    // The driver's own extensions (not promoted).
    S(VkPhysicalDeviceRobustness2PropertiesEXT, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_PROPERTIES_EXT),
};

const std::vector<StructInfo> kFeatures = {
    S(VkPhysicalDeviceVulkan11Features, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES),
    S(VkPhysicalDeviceVulkan12Features, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES),
    S(VkPhysicalDeviceVulkan13Features, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES),
    S(VkPhysicalDevice16BitStorageFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES),
    S(VkPhysicalDeviceMultiviewFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_FEATURES),
    S(VkPhysicalDeviceVariablePointersFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VARIABLE_POINTERS_FEATURES),
    S(VkPhysicalDeviceProtectedMemoryFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROTECTED_MEMORY_FEATURES),
    S(VkPhysicalDeviceSamplerYcbcrConversionFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SAMPLER_YCBCR_CONVERSION_FEATURES),
    S(VkPhysicalDeviceShaderDrawParametersFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_DRAW_PARAMETERS_FEATURES),
    S(VkPhysicalDevice8BitStorageFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES),
    S(VkPhysicalDeviceShaderAtomicInt64Features, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_ATOMIC_INT64_FEATURES),
    S(VkPhysicalDeviceShaderFloat16Int8Features, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES),
    S(VkPhysicalDeviceDescriptorIndexingFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DESCRIPTOR_INDEXING_FEATURES),
    S(VkPhysicalDeviceScalarBlockLayoutFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SCALAR_BLOCK_LAYOUT_FEATURES),
    S(VkPhysicalDeviceImagelessFramebufferFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGELESS_FRAMEBUFFER_FEATURES),
    S(VkPhysicalDeviceUniformBufferStandardLayoutFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_UNIFORM_BUFFER_STANDARD_LAYOUT_FEATURES),
    S(VkPhysicalDeviceShaderSubgroupExtendedTypesFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_SUBGROUP_EXTENDED_TYPES_FEATURES),
    S(VkPhysicalDeviceSeparateDepthStencilLayoutsFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SEPARATE_DEPTH_STENCIL_LAYOUTS_FEATURES),
    S(VkPhysicalDeviceHostQueryResetFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_HOST_QUERY_RESET_FEATURES),
    S(VkPhysicalDeviceTimelineSemaphoreFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES),
    S(VkPhysicalDeviceBufferDeviceAddressFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_BUFFER_DEVICE_ADDRESS_FEATURES),
    S(VkPhysicalDeviceVulkanMemoryModelFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES),
    S(VkPhysicalDeviceImageRobustnessFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_ROBUSTNESS_FEATURES),
    S(VkPhysicalDeviceInlineUniformBlockFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_INLINE_UNIFORM_BLOCK_FEATURES),
    S(VkPhysicalDevicePipelineCreationCacheControlFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_CREATION_CACHE_CONTROL_FEATURES),
    S(VkPhysicalDevicePrivateDataFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PRIVATE_DATA_FEATURES),
    S(VkPhysicalDeviceShaderDemoteToHelperInvocationFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_DEMOTE_TO_HELPER_INVOCATION_FEATURES),
    S(VkPhysicalDeviceShaderTerminateInvocationFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_TERMINATE_INVOCATION_FEATURES),
    S(VkPhysicalDeviceSubgroupSizeControlFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_FEATURES),
    S(VkPhysicalDeviceSynchronization2Features, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES),
    S(VkPhysicalDeviceTextureCompressionASTCHDRFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TEXTURE_COMPRESSION_ASTC_HDR_FEATURES),
    S(VkPhysicalDeviceZeroInitializeWorkgroupMemoryFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ZERO_INITIALIZE_WORKGROUP_MEMORY_FEATURES),
    S(VkPhysicalDeviceDynamicRenderingFeatures, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DYNAMIC_RENDERING_FEATURES),
    S(VkPhysicalDeviceShaderIntegerDotProductFeatures,
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES),
    S(VkPhysicalDeviceMaintenance4Features, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_FEATURES),
    // The driver's own extensions (not promoted).
    S(VkPhysicalDeviceRobustness2FeaturesEXT, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT),
};
#undef S

// One structure's storage, filled with 'pattern' after its header.
struct Blob {
  std::vector<unsigned char> bytes;
  Blob(const StructInfo& s, unsigned char pattern) : bytes(s.size, pattern) {
    auto* h = reinterpret_cast<VkBaseOutStructure*>(bytes.data());
    h->sType = s.type;
    h->pNext = nullptr;
  }
  VkBaseOutStructure* header() { return reinterpret_cast<VkBaseOutStructure*>(bytes.data()); }
  // The bytes after sType/pNext.
  std::vector<unsigned char> body() const { return {bytes.begin() + sizeof(VkBaseOutStructure), bytes.end()}; }
  template <typename T> const T& as() const { return *reinterpret_cast<const T*>(bytes.data()); }
};

using Query = std::function<void(VkPhysicalDevice, void* pNext)>;

void query_properties(VkPhysicalDevice pd, void* next) {
  VkPhysicalDeviceProperties2 p{};
  p.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  p.pNext = next;
  vkGetPhysicalDeviceProperties2(pd, &p);
}

void query_features(VkPhysicalDevice pd, void* next) {
  VkPhysicalDeviceFeatures2 f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  f.pNext = next;
  vkGetPhysicalDeviceFeatures2(pd, &f);
}

// Each structure alone, filled with two patterns: the results must be identical (every byte written).
std::map<VkStructureType, Blob> query_alone(VkPhysicalDevice pd, const std::vector<StructInfo>& list, const Query& q) {
  std::map<VkStructureType, Blob> out;
  for (const auto& s : list) {
    Blob a(s, 0xA5), b(s, 0x5A);
    q(pd, a.header());
    q(pd, b.header());
    EXPECT_EQ(a.header()->sType, s.type) << s.name;
    EXPECT_EQ(a.header()->pNext, nullptr) << s.name;
    EXPECT_EQ(a.body(), b.body()) << s.name << " chained alone is not completely written";
    out.emplace(s.type, std::move(a));
  }
  return out;
}

// All structures in one chain (forward, then reverse): each equals its result alone.
void check_combined(VkPhysicalDevice pd, const std::vector<StructInfo>& list, const Query& q,
                    const std::map<VkStructureType, Blob>& alone) {
  for (bool reverse : {false, true}) {
    std::vector<Blob> blobs;
    for (const auto& s : list) blobs.emplace_back(s, reverse ? 0x3C : 0xC3);
    if (reverse) std::reverse(blobs.begin(), blobs.end());
    for (size_t i = 0; i + 1 < blobs.size(); ++i) blobs[i].header()->pNext = blobs[i + 1].header();
    q(pd, blobs.front().header());
    for (size_t i = 0; i < blobs.size(); ++i) {
      const auto type = blobs[i].header()->sType;
      EXPECT_EQ(blobs[i].header()->pNext, i + 1 < blobs.size() ? blobs[i + 1].header() : nullptr);
      EXPECT_EQ(blobs[i].body(), alone.at(type).body()) << "structure " << type << " differs in a chain"
                                                        << (reverse ? " (reverse order)" : "");
    }
  }
}

#define SAME(A, a, P, p) EXPECT_EQ(std::memcmp(&(A).a, &(P).p, sizeof((A).a)), 0) << #P "." #p " != " #A "." #a

TEST(VkProperties, EveryStructureFilledAloneAndInChains) {
  auto ctx = vktest::make_context();
  const auto alone = query_alone(ctx->physical(), kProperties, query_properties);
  check_combined(ctx->physical(), kProperties, query_properties, alone);
}

TEST(VkProperties, PromotedStructuresAgreeWithTheAggregates) {
  auto ctx = vktest::make_context();
  const auto m = query_alone(ctx->physical(), kProperties, query_properties);
  const auto& v11 = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES).as<VkPhysicalDeviceVulkan11Properties>();
  const auto& v12 = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES).as<VkPhysicalDeviceVulkan12Properties>();
  const auto& v13 = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_PROPERTIES).as<VkPhysicalDeviceVulkan13Properties>();
  VkPhysicalDeviceProperties v10;
  vkGetPhysicalDeviceProperties(ctx->physical(), &v10);

  const auto& id = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES).as<VkPhysicalDeviceIDProperties>();
  SAME(v11, deviceUUID, id, deviceUUID);
  SAME(v11, driverUUID, id, driverUUID);
  SAME(v11, deviceLUIDValid, id, deviceLUIDValid);
  SAME(v11, deviceNodeMask, id, deviceNodeMask);
  const auto& sg = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES).as<VkPhysicalDeviceSubgroupProperties>();
  SAME(v11, subgroupSize, sg, subgroupSize);
  SAME(v11, subgroupSupportedStages, sg, supportedStages);
  SAME(v11, subgroupSupportedOperations, sg, supportedOperations);
  SAME(v11, subgroupQuadOperationsInAllStages, sg, quadOperationsInAllStages);
  SAME(v11, pointClippingBehavior,
       m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_POINT_CLIPPING_PROPERTIES).as<VkPhysicalDevicePointClippingProperties>(),
       pointClippingBehavior);
  const auto& mv = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTIVIEW_PROPERTIES).as<VkPhysicalDeviceMultiviewProperties>();
  SAME(v11, maxMultiviewViewCount, mv, maxMultiviewViewCount);
  SAME(v11, maxMultiviewInstanceIndex, mv, maxMultiviewInstanceIndex);
  SAME(v11, protectedNoFault,
       m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROTECTED_MEMORY_PROPERTIES).as<VkPhysicalDeviceProtectedMemoryProperties>(),
       protectedNoFault);
  const auto& m3 = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES).as<VkPhysicalDeviceMaintenance3Properties>();
  SAME(v11, maxPerSetDescriptors, m3, maxPerSetDescriptors);
  SAME(v11, maxMemoryAllocationSize, m3, maxMemoryAllocationSize);

  const auto& drv = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES).as<VkPhysicalDeviceDriverProperties>();
  SAME(v12, driverID, drv, driverID);
  SAME(v12, driverName, drv, driverName);
  SAME(v12, driverInfo, drv, driverInfo);
  SAME(v12, conformanceVersion, drv, conformanceVersion);
  const auto& fc = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FLOAT_CONTROLS_PROPERTIES).as<VkPhysicalDeviceFloatControlsProperties>();
  SAME(v12, denormBehaviorIndependence, fc, denormBehaviorIndependence);
  SAME(v12, roundingModeIndependence, fc, roundingModeIndependence);
  SAME(v12, shaderSignedZeroInfNanPreserveFloat16, fc, shaderSignedZeroInfNanPreserveFloat16);
  SAME(v12, shaderSignedZeroInfNanPreserveFloat32, fc, shaderSignedZeroInfNanPreserveFloat32);
  SAME(v12, shaderSignedZeroInfNanPreserveFloat64, fc, shaderSignedZeroInfNanPreserveFloat64);
  SAME(v12, shaderDenormPreserveFloat16, fc, shaderDenormPreserveFloat16);
  SAME(v12, shaderDenormPreserveFloat32, fc, shaderDenormPreserveFloat32);
  SAME(v12, shaderDenormPreserveFloat64, fc, shaderDenormPreserveFloat64);
  SAME(v12, shaderDenormFlushToZeroFloat16, fc, shaderDenormFlushToZeroFloat16);
  SAME(v12, shaderDenormFlushToZeroFloat32, fc, shaderDenormFlushToZeroFloat32);
  SAME(v12, shaderDenormFlushToZeroFloat64, fc, shaderDenormFlushToZeroFloat64);
  SAME(v12, shaderRoundingModeRTEFloat16, fc, shaderRoundingModeRTEFloat16);
  SAME(v12, shaderRoundingModeRTEFloat32, fc, shaderRoundingModeRTEFloat32);
  SAME(v12, shaderRoundingModeRTEFloat64, fc, shaderRoundingModeRTEFloat64);
  SAME(v12, shaderRoundingModeRTZFloat16, fc, shaderRoundingModeRTZFloat16);
  SAME(v12, shaderRoundingModeRTZFloat32, fc, shaderRoundingModeRTZFloat32);
  SAME(v12, shaderRoundingModeRTZFloat64, fc, shaderRoundingModeRTZFloat64);
  const auto& di =
      m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DESCRIPTOR_INDEXING_PROPERTIES).as<VkPhysicalDeviceDescriptorIndexingProperties>();
  SAME(v12, maxUpdateAfterBindDescriptorsInAllPools, di, maxUpdateAfterBindDescriptorsInAllPools);
  SAME(v12, shaderUniformBufferArrayNonUniformIndexingNative, di, shaderUniformBufferArrayNonUniformIndexingNative);
  SAME(v12, shaderStorageBufferArrayNonUniformIndexingNative, di, shaderStorageBufferArrayNonUniformIndexingNative);
  SAME(v12, robustBufferAccessUpdateAfterBind, di, robustBufferAccessUpdateAfterBind);
  SAME(v12, maxPerStageDescriptorUpdateAfterBindUniformBuffers, di, maxPerStageDescriptorUpdateAfterBindUniformBuffers);
  SAME(v12, maxPerStageDescriptorUpdateAfterBindStorageBuffers, di, maxPerStageDescriptorUpdateAfterBindStorageBuffers);
  SAME(v12, maxPerStageUpdateAfterBindResources, di, maxPerStageUpdateAfterBindResources);
  SAME(v12, maxDescriptorSetUpdateAfterBindUniformBuffers, di, maxDescriptorSetUpdateAfterBindUniformBuffers);
  SAME(v12, maxDescriptorSetUpdateAfterBindUniformBuffersDynamic, di,
       maxDescriptorSetUpdateAfterBindUniformBuffersDynamic);
  SAME(v12, maxDescriptorSetUpdateAfterBindStorageBuffers, di, maxDescriptorSetUpdateAfterBindStorageBuffers);
  SAME(v12, maxDescriptorSetUpdateAfterBindStorageBuffersDynamic, di,
       maxDescriptorSetUpdateAfterBindStorageBuffersDynamic);
  SAME(v12, maxDescriptorSetUpdateAfterBindInputAttachments, di, maxDescriptorSetUpdateAfterBindInputAttachments);
  const auto& dsr =
      m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DEPTH_STENCIL_RESOLVE_PROPERTIES).as<VkPhysicalDeviceDepthStencilResolveProperties>();
  SAME(v12, supportedDepthResolveModes, dsr, supportedDepthResolveModes);
  SAME(v12, supportedStencilResolveModes, dsr, supportedStencilResolveModes);
  SAME(v12, independentResolveNone, dsr, independentResolveNone);
  SAME(v12, independentResolve, dsr, independentResolve);
  const auto& mm =
      m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SAMPLER_FILTER_MINMAX_PROPERTIES).as<VkPhysicalDeviceSamplerFilterMinmaxProperties>();
  SAME(v12, filterMinmaxSingleComponentFormats, mm, filterMinmaxSingleComponentFormats);
  SAME(v12, filterMinmaxImageComponentMapping, mm, filterMinmaxImageComponentMapping);
  SAME(v12, maxTimelineSemaphoreValueDifference,
       m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_PROPERTIES).as<VkPhysicalDeviceTimelineSemaphoreProperties>(),
       maxTimelineSemaphoreValueDifference);

  const auto& ssc =
      m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES).as<VkPhysicalDeviceSubgroupSizeControlProperties>();
  SAME(v13, minSubgroupSize, ssc, minSubgroupSize);
  SAME(v13, maxSubgroupSize, ssc, maxSubgroupSize);
  SAME(v13, maxComputeWorkgroupSubgroups, ssc, maxComputeWorkgroupSubgroups);
  SAME(v13, requiredSubgroupSizeStages, ssc, requiredSubgroupSizeStages);
  const auto& iub =
      m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_INLINE_UNIFORM_BLOCK_PROPERTIES).as<VkPhysicalDeviceInlineUniformBlockProperties>();
  SAME(v13, maxInlineUniformBlockSize, iub, maxInlineUniformBlockSize);
  SAME(v13, maxPerStageDescriptorInlineUniformBlocks, iub, maxPerStageDescriptorInlineUniformBlocks);
  SAME(v13, maxPerStageDescriptorUpdateAfterBindInlineUniformBlocks, iub,
       maxPerStageDescriptorUpdateAfterBindInlineUniformBlocks);
  SAME(v13, maxDescriptorSetInlineUniformBlocks, iub, maxDescriptorSetInlineUniformBlocks);
  SAME(v13, maxDescriptorSetUpdateAfterBindInlineUniformBlocks, iub, maxDescriptorSetUpdateAfterBindInlineUniformBlocks);
  const auto& dot = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES)
                        .as<VkPhysicalDeviceShaderIntegerDotProductProperties>();
  SAME(v13, integerDotProduct8BitUnsignedAccelerated, dot, integerDotProduct8BitUnsignedAccelerated);
  SAME(v13, integerDotProduct4x8BitPackedMixedSignednessAccelerated, dot,
       integerDotProduct4x8BitPackedMixedSignednessAccelerated);
  SAME(v13, integerDotProductAccumulatingSaturating64BitMixedSignednessAccelerated, dot,
       integerDotProductAccumulatingSaturating64BitMixedSignednessAccelerated);
  const auto& tba =
      m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TEXEL_BUFFER_ALIGNMENT_PROPERTIES).as<VkPhysicalDeviceTexelBufferAlignmentProperties>();
  SAME(v13, storageTexelBufferOffsetAlignmentBytes, tba, storageTexelBufferOffsetAlignmentBytes);
  SAME(v13, storageTexelBufferOffsetSingleTexelAlignment, tba, storageTexelBufferOffsetSingleTexelAlignment);
  SAME(v13, uniformTexelBufferOffsetAlignmentBytes, tba, uniformTexelBufferOffsetAlignmentBytes);
  SAME(v13, uniformTexelBufferOffsetSingleTexelAlignment, tba, uniformTexelBufferOffsetSingleTexelAlignment);
  SAME(v13, maxBufferSize,
       m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_4_PROPERTIES).as<VkPhysicalDeviceMaintenance4Properties>(),
       maxBufferSize);

  // Cross-structure rules of the spec ("Limit Requirements" and the texel-buffer alignment rules).
  EXPECT_LE(v13.storageTexelBufferOffsetAlignmentBytes, v10.limits.minTexelBufferOffsetAlignment);
  EXPECT_LE(v13.uniformTexelBufferOffsetAlignmentBytes, v10.limits.minTexelBufferOffsetAlignment);
  EXPECT_EQ(v13.minSubgroupSize <= v11.subgroupSize && v11.subgroupSize <= v13.maxSubgroupSize, true);
  EXPECT_EQ(v10.apiVersion >= VK_API_VERSION_1_3, true);
  // A mode that is not honoured must not be advertised through one struct and denied in another
  // (the float-controls independence disagreement vulkaninfo showed).
  EXPECT_EQ(fc.denormBehaviorIndependence, v12.denormBehaviorIndependence);
}

TEST(VkFeatures, EveryStructureFilledAloneAndInChains) {
  auto ctx = vktest::make_context();
  const auto alone = query_alone(ctx->physical(), kFeatures, query_features);
  check_combined(ctx->physical(), kFeatures, query_features, alone);
}

// Every member of a promoted feature structure equals the same-named member of its aggregate; the
// structures are compared member by member through their common layout (VkBool32s after pNext).
TEST(VkFeatures, PromotedStructuresAgreeWithTheAggregates) {
  auto ctx = vktest::make_context();
  const auto m = query_alone(ctx->physical(), kFeatures, query_features);
  const auto& f11 = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES).as<VkPhysicalDeviceVulkan11Features>();
  const auto& f12 = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES).as<VkPhysicalDeviceVulkan12Features>();
  const auto& f13 = m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES).as<VkPhysicalDeviceVulkan13Features>();
#define F(ST, T) m.at(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_##ST).as<T>()
  const auto& s16 = F(16BIT_STORAGE_FEATURES, VkPhysicalDevice16BitStorageFeatures);
  SAME(f11, storageBuffer16BitAccess, s16, storageBuffer16BitAccess);
  SAME(f11, uniformAndStorageBuffer16BitAccess, s16, uniformAndStorageBuffer16BitAccess);
  SAME(f11, storagePushConstant16, s16, storagePushConstant16);
  SAME(f11, storageInputOutput16, s16, storageInputOutput16);
  SAME(f11, multiview, F(MULTIVIEW_FEATURES, VkPhysicalDeviceMultiviewFeatures), multiview);
  const auto& vp = F(VARIABLE_POINTERS_FEATURES, VkPhysicalDeviceVariablePointersFeatures);
  SAME(f11, variablePointers, vp, variablePointers);
  SAME(f11, variablePointersStorageBuffer, vp, variablePointersStorageBuffer);
  SAME(f11, protectedMemory, F(PROTECTED_MEMORY_FEATURES, VkPhysicalDeviceProtectedMemoryFeatures), protectedMemory);
  SAME(f11, samplerYcbcrConversion, F(SAMPLER_YCBCR_CONVERSION_FEATURES, VkPhysicalDeviceSamplerYcbcrConversionFeatures),
       samplerYcbcrConversion);
  SAME(f11, shaderDrawParameters, F(SHADER_DRAW_PARAMETERS_FEATURES, VkPhysicalDeviceShaderDrawParametersFeatures),
       shaderDrawParameters);
  const auto& s8 = F(8BIT_STORAGE_FEATURES, VkPhysicalDevice8BitStorageFeatures);
  SAME(f12, storageBuffer8BitAccess, s8, storageBuffer8BitAccess);
  SAME(f12, uniformAndStorageBuffer8BitAccess, s8, uniformAndStorageBuffer8BitAccess);
  SAME(f12, storagePushConstant8, s8, storagePushConstant8);
  const auto& a64 = F(SHADER_ATOMIC_INT64_FEATURES, VkPhysicalDeviceShaderAtomicInt64Features);
  SAME(f12, shaderBufferInt64Atomics, a64, shaderBufferInt64Atomics);
  SAME(f12, shaderSharedInt64Atomics, a64, shaderSharedInt64Atomics);
  const auto& fi = F(SHADER_FLOAT16_INT8_FEATURES, VkPhysicalDeviceShaderFloat16Int8Features);
  SAME(f12, shaderFloat16, fi, shaderFloat16);
  SAME(f12, shaderInt8, fi, shaderInt8);
  const auto& di = F(DESCRIPTOR_INDEXING_FEATURES, VkPhysicalDeviceDescriptorIndexingFeatures);
  SAME(f12, shaderUniformBufferArrayNonUniformIndexing, di, shaderUniformBufferArrayNonUniformIndexing);
  SAME(f12, shaderStorageBufferArrayNonUniformIndexing, di, shaderStorageBufferArrayNonUniformIndexing);
  SAME(f12, descriptorBindingPartiallyBound, di, descriptorBindingPartiallyBound);
  SAME(f12, runtimeDescriptorArray, di, runtimeDescriptorArray);
  SAME(f12, scalarBlockLayout, F(SCALAR_BLOCK_LAYOUT_FEATURES, VkPhysicalDeviceScalarBlockLayoutFeatures), scalarBlockLayout);
  SAME(f12, imagelessFramebuffer, F(IMAGELESS_FRAMEBUFFER_FEATURES, VkPhysicalDeviceImagelessFramebufferFeatures),
       imagelessFramebuffer);
  SAME(f12, uniformBufferStandardLayout,
       F(UNIFORM_BUFFER_STANDARD_LAYOUT_FEATURES, VkPhysicalDeviceUniformBufferStandardLayoutFeatures),
       uniformBufferStandardLayout);
  SAME(f12, shaderSubgroupExtendedTypes,
       F(SHADER_SUBGROUP_EXTENDED_TYPES_FEATURES, VkPhysicalDeviceShaderSubgroupExtendedTypesFeatures),
       shaderSubgroupExtendedTypes);
  SAME(f12, separateDepthStencilLayouts,
       F(SEPARATE_DEPTH_STENCIL_LAYOUTS_FEATURES, VkPhysicalDeviceSeparateDepthStencilLayoutsFeatures),
       separateDepthStencilLayouts);
  SAME(f12, hostQueryReset, F(HOST_QUERY_RESET_FEATURES, VkPhysicalDeviceHostQueryResetFeatures), hostQueryReset);
  SAME(f12, timelineSemaphore, F(TIMELINE_SEMAPHORE_FEATURES, VkPhysicalDeviceTimelineSemaphoreFeatures),
       timelineSemaphore);
  const auto& bda = F(BUFFER_DEVICE_ADDRESS_FEATURES, VkPhysicalDeviceBufferDeviceAddressFeatures);
  SAME(f12, bufferDeviceAddress, bda, bufferDeviceAddress);
  SAME(f12, bufferDeviceAddressCaptureReplay, bda, bufferDeviceAddressCaptureReplay);
  SAME(f12, bufferDeviceAddressMultiDevice, bda, bufferDeviceAddressMultiDevice);
  const auto& vmm = F(VULKAN_MEMORY_MODEL_FEATURES, VkPhysicalDeviceVulkanMemoryModelFeatures);
  SAME(f12, vulkanMemoryModel, vmm, vulkanMemoryModel);
  SAME(f12, vulkanMemoryModelDeviceScope, vmm, vulkanMemoryModelDeviceScope);
  SAME(f12, vulkanMemoryModelAvailabilityVisibilityChains, vmm, vulkanMemoryModelAvailabilityVisibilityChains);
  SAME(f13, robustImageAccess, F(IMAGE_ROBUSTNESS_FEATURES, VkPhysicalDeviceImageRobustnessFeatures), robustImageAccess);
  const auto& iub = F(INLINE_UNIFORM_BLOCK_FEATURES, VkPhysicalDeviceInlineUniformBlockFeatures);
  SAME(f13, inlineUniformBlock, iub, inlineUniformBlock);
  SAME(f13, descriptorBindingInlineUniformBlockUpdateAfterBind, iub, descriptorBindingInlineUniformBlockUpdateAfterBind);
  SAME(f13, pipelineCreationCacheControl,
       F(PIPELINE_CREATION_CACHE_CONTROL_FEATURES, VkPhysicalDevicePipelineCreationCacheControlFeatures),
       pipelineCreationCacheControl);
  SAME(f13, privateData, F(PRIVATE_DATA_FEATURES, VkPhysicalDevicePrivateDataFeatures), privateData);
  SAME(f13, shaderDemoteToHelperInvocation,
       F(SHADER_DEMOTE_TO_HELPER_INVOCATION_FEATURES, VkPhysicalDeviceShaderDemoteToHelperInvocationFeatures),
       shaderDemoteToHelperInvocation);
  SAME(f13, shaderTerminateInvocation,
       F(SHADER_TERMINATE_INVOCATION_FEATURES, VkPhysicalDeviceShaderTerminateInvocationFeatures),
       shaderTerminateInvocation);
  const auto& ssc = F(SUBGROUP_SIZE_CONTROL_FEATURES, VkPhysicalDeviceSubgroupSizeControlFeatures);
  SAME(f13, subgroupSizeControl, ssc, subgroupSizeControl);
  SAME(f13, computeFullSubgroups, ssc, computeFullSubgroups);
  SAME(f13, synchronization2, F(SYNCHRONIZATION_2_FEATURES, VkPhysicalDeviceSynchronization2Features), synchronization2);
  SAME(f13, textureCompressionASTC_HDR,
       F(TEXTURE_COMPRESSION_ASTC_HDR_FEATURES, VkPhysicalDeviceTextureCompressionASTCHDRFeatures),
       textureCompressionASTC_HDR);
  SAME(f13, shaderZeroInitializeWorkgroupMemory,
       F(ZERO_INITIALIZE_WORKGROUP_MEMORY_FEATURES, VkPhysicalDeviceZeroInitializeWorkgroupMemoryFeatures),
       shaderZeroInitializeWorkgroupMemory);
  SAME(f13, dynamicRendering, F(DYNAMIC_RENDERING_FEATURES, VkPhysicalDeviceDynamicRenderingFeatures), dynamicRendering);
  SAME(f13, shaderIntegerDotProduct,
       F(SHADER_INTEGER_DOT_PRODUCT_FEATURES, VkPhysicalDeviceShaderIntegerDotProductFeatures), shaderIntegerDotProduct);
  SAME(f13, maintenance4, F(MAINTENANCE_4_FEATURES, VkPhysicalDeviceMaintenance4Features), maintenance4);
#undef F
  // Features a Vulkan 1.3 device must support whatever else it lacks.
  EXPECT_TRUE(f12.timelineSemaphore && f13.synchronization2 && f13.maintenance4 && f13.privateData);
}

}  // namespace
