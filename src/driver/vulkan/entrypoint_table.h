// Name -> function lookup for vkGet*ProcAddr (the table itself is generated).
#pragma once
#include "object.h"

#include <cstddef>

namespace mica::vk {

enum class EntryLevel { global, instance, physical, device };

struct EntryPoint {
  const char* name;
  EntryLevel level;
  PFN_vkVoidFunction function;
  // The device extension whose name this is (a promoted extension's alias), or nullptr for core.
  const char* extension;
};

extern const EntryPoint kEntryPoints[];
extern const std::size_t kEntryPointCount;

// Every device extension the driver can advertise: the promoted ones (entrypoints.txt "extension"
// lines; physical_device.cpp leaves out those whose feature the compiler lacks) and its own
// ("device-extension" lines).
extern const VkExtensionProperties kPromotedDeviceExtensions[];
extern const std::size_t kPromotedDeviceExtensionCount;

// nullptr when the driver does not implement the function.
const EntryPoint* find_entry_point(const char* name);

}  // namespace mica::vk
