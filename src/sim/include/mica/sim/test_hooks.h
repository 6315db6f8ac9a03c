// SPDX-License-Identifier: MIT
// Test-build assertion hooks of the device model. Not part of the device (a driver never sees
// them): they let tests check properties the hardware interface cannot show, such as "the compute
// units never execute an instruction outside a validated program" (the kernel's stateful fuzzer,
// tests/kernel/fuzz/stateful_fuzz.cpp). Inert unless a test installs one.
#pragma once

#include <cstdint>

namespace mica::sim {

class FetchObserver {
public:
	virtual ~FetchObserver() = default;
	// A compute unit fetched (and is about to decode) the instruction at 'va' in context 'ctx',
	// for a dispatch whose program starts at 'program_va' (SET_PROGRAM); 'bytes' points at its
	// first word as decoded (the dispatch's copy of the code page, taken from VRAM at the page's
	// first fetch). Called on compute-unit threads, once per instruction address per dispatch
	// (decoded instructions are reused across dispatches only while no observer is installed).
	virtual void fetched(uint32_t ctx, uint64_t program_va, uint64_t va, const uint8_t *bytes) = 0;
};

// Installs the observer (nullptr removes it); the caller keeps it alive while installed and
// while any dispatch that might call it runs.
void set_fetch_observer(FetchObserver *observer);

class Device;
// Adds n to context ctx's CTX_PROGRESS counter as n retiring workgroups would (so it stays frozen
// while CTX_STATUS is non-zero): lets the kernel tests move a context's count while another
// context's job holds the CP, which no real dispatch can do.
void bump_context_progress(Device &device, uint32_t ctx, uint32_t n = 1);

} // namespace mica::sim
