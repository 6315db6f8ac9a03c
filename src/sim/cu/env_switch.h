// SPDX-License-Identifier: MIT
// Switches for measurements: an optimisation of the compute units that an environment variable can
// turn off, so that a benchmark alternates it off and on in one binary (docs/performance.md).
#pragma once

#include <cstdlib>
#include <cstring>

namespace mica::sim::cu {

// On unless the environment variable 'name' is "0".
inline bool switched_on(const char *name)
{
	const char *e = std::getenv(name);
	return !e || std::strcmp(e, "0") != 0;
}

} // namespace mica::sim::cu
