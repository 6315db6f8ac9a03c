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
  // The extension whose command this is (for a promoted extension, its alias of a core command), or
  // nullptr for a core command.
  const char* extension;
  // Whether 'extension' is an instance extension (enabled at vkCreateInstance) or a device one.
  bool instance_extension;
  // For a core command, the Vulkan version that introduced it (VK_API_VERSION_1_x); 0 otherwise.
  uint32_t core_version;
};

extern const EntryPoint kEntryPoints[];
extern const std::size_t kEntryPointCount;

// Every device extension the driver can advertise: the promoted ones (entrypoints.txt "extension"
// lines; physical_device.cpp leaves out those whose feature the compiler lacks) and its own
// ("device-extension" lines).
extern const VkExtensionProperties kPromotedDeviceExtensions[];
extern const std::size_t kPromotedDeviceExtensionCount;

// Reports a call of a command that no queue of the device can execute (entrypoints.txt "no-queue"
// lines; no_queue_commands.cpp): invalid usage on Mica, which the command then ignores.
void unsupported_queue_command(const char* name);

// nullptr when the driver does not implement the function.
const EntryPoint* find_entry_point(const char* name);

}  // namespace mica::vk
