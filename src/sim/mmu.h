// SPDX-License-Identifier: MIT
// The device MMU: per-context 4-level page tables in VRAM (mica.toml [pte], docs/hw/mmu.md).
// Leaves point into VRAM or, with MICA_PTE_SYSTEM, at system bus addresses the HostBus resolves.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "engine.h"
#include "host_bus.h"
#include "vram.h"

namespace mica::sim {

// Where an access lands: host is the byte's host address (in VRAM or in system memory), valid
// up to the end of its page.
struct Translation {
	uint8_t *host = nullptr;
	uint32_t fault = MICA_FAULT_NONE;
};

class PageTableMmu final : public Mmu {
public:
	// bus: the system memory SYSTEM leaves reach; null: a device without system DMA (every
	// SYSTEM leaf faults MMU_UNMAPPED).
	PageTableMmu(Vram &vram, const HostBus *bus);

	uint8_t *translate(uint32_t ctx, uint64_t va, mica_access access, uint32_t *fault) override;
	// Same walk, with the fault in the result (for the command processor's own accesses).
	Translation translate_access(uint32_t ctx, uint64_t va, mica_access access);

	// CTX_PTBASE(ctx). Changing it drops the context's cached translations.
	void set_ptbase(uint32_t ctx, uint64_t ptbase);
	uint64_t ptbase(uint32_t ctx) const;
	// TLB_INVALIDATE: bit n drops context n's cached translations.
	void invalidate(uint32_t ctx_mask);
	// Context ctx's invalidation generation (changes with every invalidation of ctx): caches in
	// front of translate() (the compute units') compare it to drop their entries exactly when the
	// kernel invalidates.
	const std::atomic<uint64_t> *generation(uint32_t ctx) const override
	{
		return ctx < MICA_MAX_CONTEXTS ? &generation_[ctx] : nullptr;
	}

private:
	// The leaf PTE and the host address of its page, or 0 with *fault set.
	uint64_t walk(uint32_t ctx, uint64_t vpn, uint8_t **page, uint32_t *fault) const;

	Vram &vram_;
	const HostBus *bus_;
	const uint64_t id_; // distinguishes devices in the per-thread TLBs
	std::array<std::atomic<uint64_t>, MICA_MAX_CONTEXTS> ptbase_{};
	// Bumped by every invalidation: a cached translation is only used while its generation is
	// current, so invalidation is one atomic increment and lookups take no lock.
	std::array<std::atomic<uint64_t>, MICA_MAX_CONTEXTS> generation_{};
};

} // namespace mica::sim
