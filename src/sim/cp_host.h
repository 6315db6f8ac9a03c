// SPDX-License-Identifier: MIT
// What the command processor needs from the rest of the device: the register file, the
// interrupt controller, the perf counters and the global clock. DeviceImpl implements it; the
// split keeps packet semantics (cp*.cpp) apart from MMIO and threading (device.cpp).
#pragma once

#include <atomic>
#include <cstdint>

#include "engine.h"

namespace mica::sim {

// A context fault as it lands in CTX_STATUS / CTX_FAULT_*.
struct FaultRecord {
	uint32_t code = MICA_FAULT_NONE;
	uint64_t addr = 0;
	uint32_t access = MICA_ACCESS_READ;
	uint64_t pc = 0;
	uint32_t info = 0;
};

// Register values sampled when a dispatch or wait starts.
struct DispatchSettings {
	uint32_t power_profile = MICA_PROFILE_PERF;
	bool checked = false;
	uint64_t watchdog_cycles = 0;
};

class CpHost {
public:
	virtual ~CpHost() = default;
	virtual uint32_t context_status(uint32_t ctx) = 0;
	// Records the first fault of a context and raises CONTEXT_FAULT.
	virtual void context_fault(uint32_t ctx, const FaultRecord &fault) = 0;
	// SIGNAL with the interrupt flag: latch FENCE_LO/HI and raise FENCE.
	virtual void fence_signalled(uint64_t value) = 0;
	virtual DispatchSettings dispatch_settings() = 0;
	virtual void set_power_profile(uint32_t profile) = 0;
	virtual void write_perf_ctrl(uint32_t value) = 0;
	virtual void count_dispatch(const DispatchResult &result) = 0;
	virtual void set_page_table(uint32_t ctx, uint64_t ptbase) = 0;
	// The global cycle counter (TIMESTAMP).
	virtual uint64_t now() = 0;
	virtual void advance(uint64_t cycles) = 0;
	// True when the device is shutting down or the CP was reset since 'generation'.
	virtual bool interrupted(uint64_t generation) = 0;
	// Brackets a dispatch of 'ctx': returns the flag the device raises if the kernel kills that
	// context or resets the CP while the dispatch runs.
	virtual const std::atomic<bool> *begin_dispatch(uint32_t ctx) = 0;
	virtual void end_dispatch() = 0;
	// The context's CTX_PROGRESS counter, which the compute units bump per retired workgroup.
	virtual std::atomic<uint32_t> *progress_counter(uint32_t ctx) = 0;
};

} // namespace mica::sim
