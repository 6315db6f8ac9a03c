// Core commands for work no Mica queue does. Mica's queue families are compute+transfer and transfer,
// without graphics or sparse binding, and its device groups have one device. Vulkan still requires
// every core entry point, so these exist: the objects a compute device can create without using them
// (render passes, framebuffers) are created; calls that no valid application can make on Mica are
// reported (stderr once, then with MICA_VK_DEBUG=1) and refused with VK_ERROR_UNKNOWN or ignored.
#include "debug.h"
#include "device.h"
#include "entrypoint_table.h"
#include "entrypoints.h"

#include <atomic>
#include <cstdio>

namespace mica::vk {

namespace {

class RenderPass : public NonDispatchable<VK_OBJECT_TYPE_RENDER_PASS> {};
class Framebuffer : public NonDispatchable<VK_OBJECT_TYPE_FRAMEBUFFER> {};

void report_invalid(const char* name, const char* why) {
  static std::atomic<bool> warned{false};
  if (!warned.exchange(true))
    std::fprintf(stderr, "mica-vk: %s called, but %s (ignored; MICA_VK_DEBUG=1 reports every such call)\n", name, why);
  else
    debug_log("%s called, but %s (ignored)", name, why);
}

}  // namespace

void unsupported_queue_command(const char* name) {
  report_invalid(name, "the device has no graphics queue to record it for");
}

VKAPI_ATTR VkResult VKAPI_CALL QueueBindSparse(VkQueue, uint32_t, const VkBindSparseInfo*, VkFence) {
  report_invalid("vkQueueBindSparse", "no queue family of the device supports sparse binding");
  return VK_ERROR_UNKNOWN;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateGraphicsPipelines(VkDevice, VkPipelineCache, uint32_t count,
                                                       const VkGraphicsPipelineCreateInfo*, const VkAllocationCallbacks*,
                                                       VkPipeline* pPipelines) {
  for (uint32_t i = 0; i < count; ++i) pPipelines[i] = VK_NULL_HANDLE;
  report_invalid("vkCreateGraphicsPipelines", "the device has no graphics pipeline stages");
  return VK_ERROR_UNKNOWN;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateRenderPass(VkDevice device, const VkRenderPassCreateInfo*,
                                                const VkAllocationCallbacks* pAllocator, VkRenderPass* pRenderPass) {
  return guarded([&] {
    *pRenderPass = release_to_handle<VkRenderPass>(host_make<RenderPass>(Device::from(device)->child_allocation(pAllocator)));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR VkResult VKAPI_CALL CreateRenderPass2(VkDevice device, const VkRenderPassCreateInfo2*,
                                                 const VkAllocationCallbacks* pAllocator, VkRenderPass* pRenderPass) {
  return guarded([&] {
    *pRenderPass = release_to_handle<VkRenderPass>(host_make<RenderPass>(Device::from(device)->child_allocation(pAllocator)));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyRenderPass(VkDevice, VkRenderPass renderPass, const VkAllocationCallbacks*) {
  take_from_handle<RenderPass>(renderPass);
}

VKAPI_ATTR void VKAPI_CALL GetRenderAreaGranularity(VkDevice, VkRenderPass renderPass, VkExtent2D* pGranularity) {
  from_handle<RenderPass>(renderPass);  // checks the handle's type
  *pGranularity = {1, 1};
}

VKAPI_ATTR VkResult VKAPI_CALL CreateFramebuffer(VkDevice device, const VkFramebufferCreateInfo*,
                                                 const VkAllocationCallbacks* pAllocator, VkFramebuffer* pFramebuffer) {
  return guarded([&] {
    *pFramebuffer =
        release_to_handle<VkFramebuffer>(host_make<Framebuffer>(Device::from(device)->child_allocation(pAllocator)));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyFramebuffer(VkDevice, VkFramebuffer framebuffer, const VkAllocationCallbacks*) {
  take_from_handle<Framebuffer>(framebuffer);
}

VKAPI_ATTR void VKAPI_CALL GetDeviceGroupPeerMemoryFeatures(VkDevice, uint32_t, uint32_t, uint32_t,
                                                            VkPeerMemoryFeatureFlags* pPeerMemoryFeatures) {
  // The local and remote device indices must differ, and a Mica device group has one device.
  *pPeerMemoryFeatures = 0;
  report_invalid("vkGetDeviceGroupPeerMemoryFeatures", "the device group has a single device");
}

VKAPI_ATTR void VKAPI_CALL CmdSetDeviceMask(VkCommandBuffer, uint32_t deviceMask) {
  // One device: the only valid mask, 1, changes nothing.
  if (deviceMask != 1) report_invalid("vkCmdSetDeviceMask", "the device group has a single device (mask must be 1)");
}

VKAPI_ATTR VkResult VKAPI_CALL CreateSamplerYcbcrConversion(VkDevice, const VkSamplerYcbcrConversionCreateInfo*,
                                                            const VkAllocationCallbacks*,
                                                            VkSamplerYcbcrConversion* pConversion) {
  *pConversion = VK_NULL_HANDLE;
  report_invalid("vkCreateSamplerYcbcrConversion", "the samplerYcbcrConversion feature is not supported");
  return VK_ERROR_UNKNOWN;
}

VKAPI_ATTR void VKAPI_CALL DestroySamplerYcbcrConversion(VkDevice, VkSamplerYcbcrConversion conversion,
                                                         const VkAllocationCallbacks*) {
  // No conversion is ever created; only VK_NULL_HANDLE is valid here.
  if (conversion) report_invalid("vkDestroySamplerYcbcrConversion", "no conversion was ever created");
}

}  // namespace mica::vk
