// SPDX-License-Identifier: MIT
// A bare-metal "machine": a Device plus the few things a minimal kernel does, so programs can
// run on the model before (and independently of) the kernel driver. It drives the device only
// through MMIO and VRAM: it builds page tables, allocates and maps device memory, writes the
// kernel ring, runs command buffers in contexts, waits for fences (interrupt, with polling as a
// fallback) and reads back fault status. Not thread-safe: one thread drives a Machine.
// Errors the caller can cause (bad context, out of device memory, unmapped address, CP error)
// throw MachineError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "mica/sim/device.h"
#include "mica_hw.h"

namespace mica::sim::baremetal {

class MachineError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

class Machine {
public:
	explicit Machine(const DeviceConfig &cfg = {});
	~Machine();
	Machine(const Machine &) = delete;
	Machine &operator=(const Machine &) = delete;

	Device &device();

	// Contexts 1..15 are usable; each gets its page tables on first use.
	// Allocates zeroed device memory mapped at a fresh page-aligned VA (never 0) with the given
	// MICA_PTE_READ/WRITE/EXEC permissions. An unmapped guard page follows every allocation.
	uint64_t alloc(uint32_t ctx, uint64_t bytes, uint32_t pte_perms);
	// CPU access to a context's memory (through the Machine's own page-table walk; needs no
	// device permission, like a kernel mapping the pages).
	void write(uint32_t ctx, uint64_t va, const void *src, size_t n);
	void read(uint32_t ctx, uint64_t va, void *dst, size_t n);

	struct Launch {
		uint64_t program_va = 0;
		uint32_t vgpr_count = 0, sgpr_count = 0, shared_bytes = 0;
		uint32_t wg_size[3] = {1, 1, 1};
		uint32_t groups[3] = {1, 1, 1};
		std::vector<uint32_t> user_data; // at most MICA_USER_DATA_SGPRS words, loaded into s0..
	};
	struct RunResult {
		uint32_t fault = MICA_FAULT_NONE;
		uint64_t fault_addr = 0;
		uint32_t fault_access = 0;
		uint64_t fault_pc = 0;
		uint32_t fault_info = 0;
		uint64_t cycles = 0;            // perf counter CYCLES over this run (sum of dispatches)
		uint64_t lane_instructions = 0; // perf counter LANE_INSTRUCTIONS over this run
		uint64_t hazard_violations = 0; // perf counter HAZARD_VIOLATIONS over this run
		std::string describe() const;
	};

	// Builds an IB (SET_PROGRAM, SET_USER_DATA, SET_SHARED_SIZE, SET_WORKGROUP_SIZE, DISPATCH,
	// SIGNAL), runs it through INDIRECT_BUFFER in the kernel ring and waits. A fault is
	// reported in the result and then cleared, so the context can run again.
	RunResult dispatch(uint32_t ctx, const Launch &launch);
	// Runs an arbitrary user command buffer in ctx (copied to VRAM like a kernel's validated copy).
	RunResult run_commands(uint32_t ctx, const std::vector<uint32_t> &ib_dwords);
	// Appends packets to the kernel ring (context 0, physical addresses), followed by a fence
	// SIGNAL, and waits for it. Throws MachineError if the CP halts.
	void run_kernel_packets(const std::vector<uint32_t> &packets);

	void set_hazard_mode(bool checked);
	void set_power_profile(uint32_t profile);
	void set_watchdog(uint64_t cycles); // saturates at the 32-bit register's maximum; 0 = off

	// Maps code read+exec at a 256-aligned VA, const data at code + align_up(code_size, 256).
	// Returns the code VA.
	uint64_t load_code(uint32_t ctx, std::span<const uint8_t> code, std::span<const uint8_t> const_data);

	// Kernel-side helpers, for tests and tools that go below the Machine's conveniences.
	uint64_t alloc_phys(uint64_t bytes);            // zeroed, page aligned, never 0
	// pte_perms may add MICA_PTE_SYSTEM: phys is then a bus address (Device::host_bus_map).
	void map(uint32_t ctx, uint64_t va, uint64_t phys, uint64_t bytes, uint32_t pte_perms);
	uint64_t translate(uint32_t ctx, uint64_t va);  // physical address; throws if unmapped
	uint64_t page_table_base(uint32_t ctx);         // creates the context's tables on first use

private:
	struct State;
	std::unique_ptr<State> s_;
};

} // namespace mica::sim::baremetal
