// SPDX-License-Identifier: MIT
// The Mica device model's public face: exactly what a kernel driver sees of the real chip.
// A BAR of 32-bit MMIO registers (offsets and meanings in src/hw/mica.toml [mmio]), host-visible
// device memory (VRAM, physical addresses 0..vram_size()), and an interrupt line. Nothing else:
// the kernel core and every test drive the model through these, never through internals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace mica::sim {

struct DeviceConfig {
	uint32_t revision = 2;             // MICA_REV_R1 or MICA_REV_R2
	uint32_t cu_count = 4;             // compute units
	uint64_t vram_bytes = 256ull << 20;
	unsigned host_threads = 0;         // threads running compute units; 0 = hardware concurrency
	uint32_t power_profile = 0;        // reset value of POWER_PROFILE
	// How the compute units execute programs (mica::sim::CuEngine in src/sim/engine.h): 0 the
	// default (MICA_CU_ENGINE=interp|jit|diff if set, else the JIT), 1 the interpreter, 2 the
	// JIT, 3 both compared. Results are the same; only host speed differs (docs/performance.md).
	uint32_t cu_engine = 0;
	// Device memory supplied by the caller instead of an anonymous mapping: vram_bytes of
	// page-aligned memory that outlives the Device (the PCI personality's shared memory,
	// src/sim/ivshmem/). The caller zeroes it; the model never frees it.
	uint8_t *external_vram = nullptr;
	// Whether the device can master the system bus (CAPS.SYSTEM_DMA, docs/hw/mmu.md "System
	// memory"): page-table leaves with MICA_PTE_SYSTEM then reach the host memory the platform
	// registered with host_bus_map(). A platform that cannot hand host memory to the device (the
	// PCI personality: the device process only shares its ivshmem region) turns it off.
	bool system_dma = true;
};

class DeviceImpl;

class Device {
public:
	explicit Device(const DeviceConfig &config = {});
	~Device();
	Device(const Device &) = delete;
	Device &operator=(const Device &) = delete;

	// MMIO. Reads of undefined offsets return 0; writes to them are ignored (as on silicon).
	// Safe to call from any thread.
	uint32_t mmio_read32(uint32_t offset);
	void mmio_write32(uint32_t offset, uint32_t value);

	// Device memory as mapped through the BAR. The host (kernel) writes page tables, rings and
	// copies of command buffers here and maps it for user-space CPU access.
	uint8_t *vram();
	uint64_t vram_size() const;

	// Not a register: the platform side of bus mastering (an IOMMU's or the chipset's mapping).
	// host_bus_map says system bus addresses [bus, bus + bytes) exist and are the host memory at
	// host (page aligned, inside the PTE's 48-bit address field, overlapping no registered range;
	// always false without system_dma); host_bus_unmap removes exactly such a range. The caller
	// keeps the memory valid while it is registered, and unmaps it only after no page table the
	// device may still walk (TLB_INVALIDATE) points at it.
	bool host_bus_map(uint64_t bus, uint64_t bytes, uint8_t *host);
	bool host_bus_unmap(uint64_t bus, uint64_t bytes);

	// The interrupt line: called on the thread running the command processor (the device's own,
	// or one lent with run_ring_inline()) whenever INT_STATUS & INT_ENABLE goes from zero to
	// non-zero. The handler may call mmio_read32/mmio_write32.
	void set_irq_handler(std::function<void()> handler);

	// Not a register: the in-process model's way of sparing a thread hand-off. When the command
	// processor is idle and the ring holds work, the calling thread executes the ring's packets
	// itself, exactly as the device thread would (same order, faults, kills and interrupts, which
	// are delivered on this thread). Only packets that are small: the packet, and for an
	// INDIRECT_BUFFER the packets of its buffer, dispatch at most kInlineInvocations invocations
	// in total, move at most kInlineDmaBytes and include no WAIT_MEM, CHAIN or DISPATCH_INDIRECT
	// (which can take unbounded time); and only those in the ring when it was called (work queued
	// meanwhile, by other threads or by the interrupt handler, is the device thread's). At the
	// first packet that is not small, or at the end of that work, it hands the ring back to the
	// device thread and returns the number of packets it executed. The caller must hold no lock
	// the interrupt handler takes.
	static constexpr uint64_t kInlineInvocations = 1024;
	static constexpr uint64_t kInlineDmaBytes = 64 * 1024;
	unsigned run_ring_inline();
	// Says that this thread is about to queue work (ring a doorbell) and then call
	// run_ring_inline(), which it must do. Until it does, the polling device thread leaves a small
	// packet to it for a short grace (MICA_SIM_BORROW_GRACE_US, 20 us) instead of racing it to the
	// doorbell. Work nobody announced (queued by the interrupt handler, say) gets no grace.
	void announce_borrower();

	const DeviceConfig &config() const;

private:
	friend void bump_context_progress(Device &device, uint32_t ctx, uint32_t n); // test_hooks.h
	std::unique_ptr<DeviceImpl> impl_;
};

} // namespace mica::sim
