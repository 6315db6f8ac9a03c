// SPDX-License-Identifier: MIT
#include "mica/isa/names.h"

#include <array>
#include <cstddef>

#include "mica_hw.h"

namespace mica::isa {
namespace {

// The generated C tables (mica_hw.h) hold the names; this wraps them as string_views once.
template <std::size_t N>
std::array<NamedValue, N> wrap(const mica_named_value (&table)[N])
{
	std::array<NamedValue, N> out{};
	for (std::size_t i = 0; i < N; i++)
		out[i] = NamedValue{table[i].name, table[i].value};
	return out;
}

const auto hwregs = wrap(mica_hwreg_names);
const auto perf_counters = wrap(mica_perf_counter_names);
const auto scopes = wrap(mica_scope_names);
const auto revisions = wrap(mica_revision_names);
const auto profiles = wrap(mica_profile_names);

}  // namespace

std::span<const NamedValue> hwreg_names() { return hwregs; }
std::span<const NamedValue> perf_counter_names() { return perf_counters; }
std::span<const NamedValue> fence_scope_names() { return scopes; }
std::span<const NamedValue> revision_names() { return revisions; }
std::span<const NamedValue> profile_names() { return profiles; }

std::optional<uint32_t> lookup_name(std::span<const NamedValue> table, std::string_view name)
{
	for (const auto &nv : table)
		if (nv.name == name)
			return nv.value;
	return std::nullopt;
}

std::optional<std::string_view> name_of(std::span<const NamedValue> table, uint32_t value)
{
	for (const auto &nv : table)
		if (nv.value == value)
			return nv.name;
	return std::nullopt;
}

}  // namespace mica::isa
