// SPDX-License-Identifier: MIT
// The registers of one file (VGPR rows, or SGPRs s0..) that instructions can write, as one
// range: what a wave's launch must clear (Worker::launch_wave). A range, not a bound from 0:
// compiled programs write s20.. and v6.. (below them are the launch ABI's registers, which launch
// sets itself), and clearing the records from 0 was half of SAXPY's launch_wave.
#pragma once

#include <algorithm>
#include <cstdint>

namespace mica::sim::cu {

struct RegRange {
	uint32_t lo = ~0u, hi = 0; // [lo, hi); empty when lo >= hi
	uint32_t size() const { return hi > lo ? hi - lo : 0; }
	void add(RegRange r)
	{
		lo = std::min(lo, r.lo);
		hi = std::max(hi, r.hi);
	}
};

} // namespace mica::sim::cu
