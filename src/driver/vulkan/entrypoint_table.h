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
};

extern const EntryPoint kEntryPoints[];
extern const std::size_t kEntryPointCount;

// nullptr when the driver does not implement the function.
const EntryPoint* find_entry_point(const char* name);

}  // namespace mica::vk
