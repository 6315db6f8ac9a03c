// SPDX-License-Identifier: MIT
// Kernel-side page-table construction in VRAM (the layout of docs/hw/mmu.md), as a minimal
// kernel would write it through the BAR.
#pragma once

#include <cstdint>
#include <functional>

#include "mica/sim/device.h"

namespace mica::sim::baremetal {

class PageTables {
public:
	// alloc_page returns the physical address of a zeroed 4 KiB VRAM page.
	PageTables(Device &device, std::function<uint64_t()> alloc_page);

	// Creates the top-level table; returns its physical address (CTX_PTBASE).
	uint64_t create_root();
	// Maps one 4 KiB page; creates intermediate tables as needed. Overwrites an existing leaf.
	void map_page(uint64_t root, uint64_t va, uint64_t phys, uint64_t perms);
	// Walks like the MMU (ignoring permissions); returns false when unmapped.
	bool lookup(uint64_t root, uint64_t va, uint64_t *phys) const;

private:
	uint64_t *entry(uint64_t table, uint64_t va, uint32_t level) const;

	Device &device_;
	std::function<uint64_t()> alloc_page_;
};

} // namespace mica::sim::baremetal
