// SPDX-License-Identifier: MIT
// Switches for measurements: an optimisation of the compute units that an environment variable can
// turn off, so that a benchmark alternates it off and on in one binary (docs/performance.md).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace mica::sim::cu {

// On unless the environment variable 'name' is "0".
inline bool switched_on(const char *name)
{
	const char *e = std::getenv(name);
	return !e || std::strcmp(e, "0") != 0;
}

// A duration from the environment variable 'name' in microseconds (0 to 1 s), else 'fallback_ns';
// in nanoseconds. For the device model's polling budgets (device.cpp, engine.cpp's HostPool).
inline int64_t env_duration_ns(const char *name, int64_t fallback_ns)
{
	const char *e = std::getenv(name);
	if (!e || !*e)
		return fallback_ns;
	char *end = nullptr;
	const long long us = std::strtoll(e, &end, 10);
	return *end == '\0' && us >= 0 && us <= 1'000'000 ? int64_t(us) * 1000 : fallback_ns;
}

} // namespace mica::sim::cu
