// The loader-facing surface of the driver: the three vk_icd* exports and the GetProcAddr functions.
#include "entrypoint_table.h"
#include "entrypoints.h"
#include "device.h"
#include "instance.h"

#include <cstring>

namespace mica::vk {

// The loader interface version we speak: 5 adds the application API version handling, 7 lets the
// vk_icd* functions be looked up through vk_icdGetInstanceProcAddr. We need nothing from 6 (Windows).
constexpr uint32_t kLoaderInterfaceVersion = 7;

const EntryPoint* find_entry_point(const char* name) {
  if (!name) return nullptr;
  for (size_t i = 0; i < kEntryPointCount; ++i)
    if (std::strcmp(kEntryPoints[i].name, name) == 0) return &kEntryPoints[i];
  return nullptr;
}

PFN_vkVoidFunction physical_device_proc_addr(const char* name) {
  const EntryPoint* e = find_entry_point(name);
  return e && e->level == EntryLevel::physical ? e->function : nullptr;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetInstanceProcAddr(VkInstance instance, const char* pName) {
  const EntryPoint* e = find_entry_point(pName);
  if (!e) return nullptr;
  // Without an instance only the global commands (and GetInstanceProcAddr itself) are available.
  if (!instance && e->level != EntryLevel::global && std::strcmp(pName, "vkGetInstanceProcAddr") != 0)
    return nullptr;
  return e->function;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice device, const char* pName) {
  const EntryPoint* e = find_entry_point(pName);
  if (!device || !e || e->level != EntryLevel::device) return nullptr;
  // An extension's name for a core command exists only on devices that enabled the extension.
  if (e->extension && !Device::from(device)->extension_enabled(e->extension)) return nullptr;
  return e->function;
}

}  // namespace mica::vk

extern "C" {

__attribute__((visibility("default"))) VKAPI_ATTR VkResult VKAPI_CALL
vk_icdNegotiateLoaderICDInterfaceVersion(uint32_t* pSupportedVersion) {
  if (*pSupportedVersion > mica::vk::kLoaderInterfaceVersion)
    *pSupportedVersion = mica::vk::kLoaderInterfaceVersion;
  // Versions below 2 predate negotiation; we rely on the loader calling us through GetProcAddr.
  return *pSupportedVersion < 2 ? VK_ERROR_INCOMPATIBLE_DRIVER : VK_SUCCESS;
}

__attribute__((visibility("default"))) VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetPhysicalDeviceProcAddr(VkInstance, const char* pName) {
  return mica::vk::physical_device_proc_addr(pName);
}

__attribute__((visibility("default"))) VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetInstanceProcAddr(VkInstance instance, const char* pName) {
  if (pName && std::strcmp(pName, "vk_icdNegotiateLoaderICDInterfaceVersion") == 0)
    return reinterpret_cast<PFN_vkVoidFunction>(&vk_icdNegotiateLoaderICDInterfaceVersion);
  if (pName && std::strcmp(pName, "vk_icdGetPhysicalDeviceProcAddr") == 0)
    return reinterpret_cast<PFN_vkVoidFunction>(&vk_icdGetPhysicalDeviceProcAddr);
  return mica::vk::GetInstanceProcAddr(instance, pName);
}

}  // extern "C"
