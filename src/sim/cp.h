// SPDX-License-Identifier: MIT
// The command processor: reads packets from the kernel ring and from indirect buffers and
// executes them (docs/hw/command-processor.md). Runs only on the device thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cp_host.h"
#include "engine.h"
#include "mmu.h"
#include "vram.h"

namespace mica::sim {

// Documented limits that keep a malicious command stream from hanging the device.
inline constexpr uint32_t kMaxChainLinks = 1024;      // CHAIN packets followed within one IB
inline constexpr uint64_t kMaxIbPackets = 1u << 22;   // packets executed within one IB (incl. chains)
inline constexpr uint64_t kWaitPollCycles = 256;      // device cycles between WAIT_MEM polls
// Device cycles charged per packet: header fetch and decode, plus one per payload dword.
inline constexpr uint64_t kPacketCycles = 4;
inline constexpr uint64_t kDmaBytesPerCycle = 32;

struct RingGeometry {
	uint64_t base = 0;
	uint32_t size = 0; // bytes, power of two
	uint32_t head = 0;
	uint32_t tail = 0;
};

struct RingStep {
	uint32_t new_head = 0;
	uint32_t cp_error = MICA_CP_ERROR_NONE;
};

class CommandProcessor {
public:
	CommandProcessor(Vram &vram, PageTableMmu &mmu, ComputeEngine &engine, CpHost &host, uint32_t revision);

	// Executes the packet at ring.head (ring.head != ring.tail). 'generation' is the CP reset
	// generation the caller sampled; a change resets the kernel ring's state registers.
	RingStep ring_step(const RingGeometry &ring, uint64_t generation);

	// Whether the packet at ring.head is small enough to run on a borrowed thread
	// (Device::run_ring_inline): it, and for an INDIRECT_BUFFER every packet of its buffer (read
	// from device memory: the kernel's validated copy), dispatch at most max_invocations in
	// total, move at most max_dma_bytes and are no WAIT_MEM, CHAIN or DISPATCH_INDIRECT (which
	// can take unbounded time). Only reads; whatever it cannot parse counts as not small, and
	// ring_step() does all the checking when the packet runs.
	bool small_packet(const RingGeometry &ring, uint64_t max_invocations, uint64_t max_dma_bytes) const;

private:
	struct Stream;
	struct Exec;
	enum class Flow { Next, Chain, Stop };

	Flow execute(Exec &e, uint32_t header, std::span<const uint32_t> p, uint64_t pkt_addr);
	void run_ib(uint32_t ctx, uint64_t phys, uint32_t dwords);

	// Failure reporting: a CP error in the kernel ring, a context fault in an IB.
	Flow bad_packet(Exec &e, uint32_t header, uint64_t pkt_addr, uint32_t fault = MICA_FAULT_ILLEGAL_PACKET);
	Flow bad_access(Exec &e, uint32_t fault, uint64_t addr, mica_access access, uint32_t header,
	                uint64_t pkt_addr);

	// Checks that [addr, addr+bytes) is accessible in e's address space; reports the first bad
	// page. Returns false after reporting.
	bool check_range(Exec &e, uint64_t addr, uint64_t bytes, mica_access access, uint32_t header,
	                 uint64_t pkt_addr);
	// Host address of a byte check_range accepted (VRAM or system memory), valid to its page's
	// end; null, after reporting the fault as check_range does, when the byte stopped translating
	// since (the kernel may unmap memory a packet is using, and a system page may be gone).
	uint8_t *host(Exec &e, uint64_t addr, mica_access access, uint32_t header, uint64_t pkt_addr);

	// DISPATCH and DISPATCH_INDIRECT: the state checks (a program is set; a workgroup can be
	// resident on one CU), then launch() runs the grid. dispatch_state_ok returns false after
	// reporting the problem, with *flow saying how the stream goes on.
	bool dispatch_state_ok(Exec &e, uint32_t header, uint64_t pkt_addr, Flow *flow);
	Flow dispatch(Exec &e, const uint32_t groups[3], uint32_t header, uint64_t pkt_addr);
	Flow launch(Exec &e, const uint32_t groups[3]);
	Flow dispatch_indirect(Exec &e, std::span<const uint32_t> p, uint32_t header, uint64_t pkt_addr);
	Flow load_user_data(Exec &e, std::span<const uint32_t> p, uint32_t header, uint64_t pkt_addr);
	Flow dma_copy(Exec &e, std::span<const uint32_t> p, uint32_t header, uint64_t pkt_addr);
	Flow dma_fill(Exec &e, std::span<const uint32_t> p, uint32_t header, uint64_t pkt_addr);
	class DmaSide;
	Flow dma_copy_tiled(Exec &e, std::span<const uint32_t> p, uint32_t header, uint64_t pkt_addr);
	Flow write_data(Exec &e, std::span<const uint32_t> p, uint32_t header, uint64_t pkt_addr);
	Flow write64(Exec &e, uint64_t addr, uint64_t value, uint32_t header, uint64_t pkt_addr);
	Flow wait_mem(Exec &e, std::span<const uint32_t> p, uint32_t header, uint64_t pkt_addr);

	Vram &vram_;
	PageTableMmu &mmu_;
	ComputeEngine &engine_;
	CpHost &host_;
	const uint32_t revision_;
	uint64_t generation_ = 0;
	std::vector<uint32_t> payload_;
	DispatchState kernel_state_; // state registers of the kernel ring (persist between packets)
};

} // namespace mica::sim
