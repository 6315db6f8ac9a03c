// SPDX-License-Identifier: MIT
// The system side of the device's bus mastering (docs/hw/mmu.md "System memory"): which system
// bus addresses exist and the host memory behind them. The platform (the in-process kernel, a
// PCI personality) registers ranges as it makes memory reachable (dma_map) and removes them when
// it stops (dma_unmap); a leaf with MICA_PTE_SYSTEM whose page is not inside one registered range
// faults like an unmapped page, so the device never reaches host memory nobody handed to it.
#pragma once

#include <cstdint>
#include <map>
#include <shared_mutex>

namespace mica::sim {

class HostBus {
public:
	// [bus, bus + bytes) is reachable and lives at host. Page aligned, no wrap, no overlap with
	// a registered range; else false and nothing changes.
	bool map(uint64_t bus, uint64_t bytes, uint8_t *host);
	// Removes the range registered at bus with exactly bytes; false if there is none.
	bool unmap(uint64_t bus, uint64_t bytes);
	// The host address of [bus, bus + bytes) when one registered range holds all of it, else null.
	uint8_t *resolve(uint64_t bus, uint64_t bytes) const;

private:
	struct Range {
		uint64_t bytes;
		uint8_t *host;
	};
	mutable std::shared_mutex mu_; // lookups happen on TLB misses only
	std::map<uint64_t, Range> ranges_; // by first bus address
};

} // namespace mica::sim
