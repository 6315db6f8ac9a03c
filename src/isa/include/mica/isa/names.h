// SPDX-License-Identifier: MIT
// Symbolic names the assembly syntax uses for CTRL immediates, revisions and profiles. Names and
// values both come from the generated tables in mica_hw.h (src/hw/mica.toml).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mica::isa {

struct NamedValue {
	std::string_view name;
	uint32_t value;
};

std::span<const NamedValue> hwreg_names();         // s_getreg/s_setreg: hwreg(NAME)
std::span<const NamedValue> perf_counter_names();  // s_perfcnt_read: counter(NAME)
std::span<const NamedValue> fence_scope_names();   // s_fence: scope(name)
std::span<const NamedValue> revision_names();      // .target
std::span<const NamedValue> profile_names();       // .profile

std::optional<uint32_t> lookup_name(std::span<const NamedValue> table, std::string_view name);
std::optional<std::string_view> name_of(std::span<const NamedValue> table, uint32_t value);

}  // namespace mica::isa
