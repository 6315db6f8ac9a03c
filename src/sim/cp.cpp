// SPDX-License-Identifier: MIT
// Packet fetch and execution. The semantics of every packet are documented in
// docs/hw/command-processor.md; field positions and lengths come from mica_hw.h.
#include "cp.h"

#include "mica_dma.h"
#include "mica_occupancy.h"
#include "mica/sim/device_trace.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

namespace mica::sim {

namespace {

uint64_t u64(uint32_t lo, uint32_t hi)
{
	return uint64_t{lo} | (uint64_t{hi} << 32);
}

uint64_t page_remaining(uint64_t addr)
{
	return MICA_PAGE_SIZE - (addr & (MICA_PAGE_SIZE - 1));
}

// Header checks shared by the ring and IBs: opcode defined, reserved bits zero, length in the
// packet's range. The caller checks the packet fits in its buffer.
bool header_valid(uint32_t header)
{
	const mica_packet_info &info = mica_packet_table[MICA_PKT_HDR_OPCODE(header)];
	const uint32_t len = MICA_PKT_HDR_LEN(header);
	return MICA_PKT_HDR_RESERVED(header) == 0 && info.valid && len >= info.len_min && len <= info.len_max;
}

} // namespace

// One command stream being executed: the kernel ring (context 0, privileged, physical
// addresses; errors halt the CP) or one indirect buffer of a user context (virtual addresses;
// errors fault the context).
struct CommandProcessor::Exec {
	uint32_t ctx = 0;
	bool kernel = false;
	DispatchState *state = nullptr;
	uint32_t cp_error = MICA_CP_ERROR_NONE;
	uint64_t chain_addr = 0;
	uint32_t chain_dwords = 0;
	// Packet addresses live in this context's address space (0: physical).
	uint32_t space() const { return kernel ? 0 : ctx; }
};

CommandProcessor::CommandProcessor(Vram &vram, PageTableMmu &mmu, ComputeEngine &engine, CpHost &host,
                                   uint32_t revision)
    : vram_(vram), mmu_(mmu), engine_(engine), host_(host), revision_(revision)
{
	// Room for the longest payload that is kept (NOP payloads are skipped, never read).
	size_t longest = 0;
	for (const mica_packet_info &info : mica_packet_table)
		if (info.valid && MICA_PKT_HDR_OPCODE(&info - mica_packet_table) != MICA_PKT_NOP)
			longest = std::max<size_t>(longest, info.len_max);
	payload_.reserve(longest);
}

CommandProcessor::Flow CommandProcessor::bad_packet(Exec &e, uint32_t header, uint64_t pkt_addr, uint32_t fault)
{
	if (e.kernel)
		e.cp_error = MICA_CP_ERROR_BAD_PACKET;
	else
		host_.context_fault(e.ctx, FaultRecord{fault, pkt_addr, MICA_ACCESS_READ, pkt_addr, header});
	return Flow::Stop;
}

CommandProcessor::Flow CommandProcessor::bad_access(Exec &e, uint32_t fault, uint64_t addr, mica_access access,
                                                    uint32_t header, uint64_t pkt_addr)
{
	if (e.kernel)
		e.cp_error = MICA_CP_ERROR_BAD_ADDRESS;
	else
		host_.context_fault(e.ctx, FaultRecord{fault, addr, static_cast<uint32_t>(access), pkt_addr, header});
	return Flow::Stop;
}

bool CommandProcessor::check_range(Exec &e, uint64_t addr, uint64_t bytes, mica_access access, uint32_t header,
                                   uint64_t pkt_addr)
{
	if (bytes == 0)
		return true;
	if (addr + bytes < addr) { // wraps the address space
		bad_access(e, MICA_FAULT_MMU_UNMAPPED, addr, access, header, pkt_addr);
		return false;
	}
	for (uint64_t a = addr; a < addr + bytes; a += page_remaining(a)) {
		const Translation t = mmu_.translate_access(e.space(), a, access);
		if (t.fault != MICA_FAULT_NONE) {
			bad_access(e, t.fault, a, access, header, pkt_addr);
			return false;
		}
	}
	return true;
}

uint8_t *CommandProcessor::host(Exec &e, uint64_t addr, mica_access access, uint32_t header, uint64_t pkt_addr)
{
	const Translation t = mmu_.translate_access(e.space(), addr, access);
	if (t.fault != MICA_FAULT_NONE)
		bad_access(e, t.fault, addr, access, header, pkt_addr);
	return t.host;
}

RingStep CommandProcessor::ring_step(const RingGeometry &ring, uint64_t generation)
{
	if (generation != generation_) {
		generation_ = generation;
		kernel_state_ = DispatchState{};
	}
	const uint32_t mask = ring.size - 1;
	const uint32_t avail = ((ring.tail - ring.head) & mask) / 4;
	auto dword = [&](uint32_t i) { return vram_.load32(ring.base + ((ring.head + 4 * i) & mask)); };
	const uint64_t pkt_addr = ring.base + ring.head;

	const uint32_t header = dword(0);
	const uint32_t len = MICA_PKT_HDR_LEN(header);
	// The driver rings the doorbell after whole packets: one that runs past the tail is malformed.
	if (!header_valid(header) || uint64_t{len} + 1 > avail)
		return RingStep{ring.head, MICA_CP_ERROR_BAD_PACKET};

	payload_.clear();
	if (MICA_PKT_HDR_OPCODE(header) != MICA_PKT_NOP)
		for (uint32_t i = 0; i < len; i++)
			payload_.push_back(dword(1 + i));

	Exec e;
	e.ctx = 0;
	e.kernel = true;
	e.state = &kernel_state_;
	host_.advance(kPacketCycles + len);
	execute(e, header, payload_, pkt_addr);
	return RingStep{(ring.head + 4 * (len + 1)) & mask, e.cp_error};
}

bool CommandProcessor::small_packet(const RingGeometry &ring, uint64_t max_invocations, uint64_t max_dma_bytes) const
{
	// Longer buffers are not worth scanning: they are not the latency-bound case.
	constexpr uint32_t kMaxScanDwords = 4096;
	uint64_t invocations = 0, dma = 0, wg = 1;
	// Adds one packet's cost; false if it can take unbounded time or the budget is spent.
	auto account = [&](uint32_t header, auto &&payload) {
		switch (MICA_PKT_HDR_OPCODE(header)) {
		case MICA_PKT_WAIT_MEM:
		case MICA_PKT_CHAIN:
		case MICA_PKT_DISPATCH_INDIRECT:
			return false;
		case MICA_PKT_SET_WORKGROUP_SIZE:
			wg = uint64_t{payload(MICA_PKT_SET_WORKGROUP_SIZE_X)} * payload(MICA_PKT_SET_WORKGROUP_SIZE_Y) *
			     payload(MICA_PKT_SET_WORKGROUP_SIZE_Z);
			if (wg > MICA_MAX_WORKGROUP_INVOCATIONS)
				return false;
			break;
		case MICA_PKT_DISPATCH: {
			uint64_t groups = payload(MICA_PKT_DISPATCH_GROUPS_X);
			for (uint32_t f : {MICA_PKT_DISPATCH_GROUPS_Y, MICA_PKT_DISPATCH_GROUPS_Z}) {
				groups *= payload(f);
				if (groups > max_invocations)
					return false;
			}
			invocations += groups * wg;
			break;
		}
		case MICA_PKT_DMA_COPY:
			dma += payload(MICA_PKT_DMA_COPY_BYTES);
			break;
		case MICA_PKT_DMA_FILL:
			dma += payload(MICA_PKT_DMA_FILL_BYTES);
			break;
		case MICA_PKT_DMA_COPY_TILED: {
			const uint64_t box = uint64_t{payload(MICA_PKT_DMA_COPY_TILED_WIDTH)} *
			                     payload(MICA_PKT_DMA_COPY_TILED_HEIGHT);
			const uint64_t depth = payload(MICA_PKT_DMA_COPY_TILED_DEPTH);
			// Up to 16 bytes per element (ELEMENT_BYTES is checked when the packet runs).
			if (depth != 0 && box > max_dma_bytes / depth / MICA_DMA_TILED_MAX_ELEMENT_BYTES)
				return false;
			dma += box * depth * MICA_DMA_TILED_MAX_ELEMENT_BYTES;
			break;
		}
		default:
			break;
		}
		return invocations <= max_invocations && dma <= max_dma_bytes;
	};

	const uint32_t mask = ring.size - 1;
	auto rdword = [&](uint32_t i) { return vram_.load32(ring.base + ((ring.head + 4 * i) & mask)); };
	const uint32_t header = rdword(0);
	const uint32_t rlen = MICA_PKT_HDR_LEN(header);
	auto ring_payload = [&](uint32_t i) { return i < rlen ? rdword(1 + i) : 0u; };
	if (MICA_PKT_HDR_OPCODE(header) != MICA_PKT_INDIRECT_BUFFER)
		return account(header, ring_payload);
	if (rlen < MICA_PKT_INDIRECT_BUFFER_LEN_MIN)
		return false;
	const uint64_t addr = u64(ring_payload(MICA_PKT_INDIRECT_BUFFER_ADDR_LO), ring_payload(MICA_PKT_INDIRECT_BUFFER_ADDR_HI));
	const uint32_t dwords = ring_payload(MICA_PKT_INDIRECT_BUFFER_DWORDS);
	if (dwords > kMaxScanDwords || addr % 4 != 0 || !vram_.contains(addr, uint64_t{dwords} * 4))
		return false;
	for (uint32_t pos = 0; pos < dwords;) {
		const uint32_t h = vram_.load32(addr + 4ull * pos);
		const uint32_t len = MICA_PKT_HDR_LEN(h);
		if (uint64_t{pos} + 1 + len > dwords)
			return false;
		auto payload = [&](uint32_t i) { return i < len ? vram_.load32(addr + 4ull * (pos + 1 + i)) : 0u; };
		if (!account(h, payload))
			return false;
		pos += len + 1;
	}
	return true;
}

void CommandProcessor::run_ib(uint32_t ctx, uint64_t phys_addr, uint32_t dwords)
{
	if (host_.context_status(ctx) != MICA_FAULT_NONE)
		return; // a faulted context runs nothing until the kernel clears CTX_STATUS

	// State registers start from the reset values for every IB (and persist across CHAIN).
	DispatchState state;
	Exec e;
	e.ctx = ctx;
	e.kernel = false;
	e.state = &state;

	uint32_t space = 0; // the IB itself is physical; chained buffers are in the context's VAs
	uint64_t base = phys_addr;
	uint32_t count = dwords;
	uint32_t pos = 0;
	uint32_t links = 0;
	uint64_t packets = 0;
	// The payload buffer of the kernel ring is in use by the INDIRECT_BUFFER packet that got
	// us here, so IB packets get their own.
	std::vector<uint32_t> payload;
	payload.reserve(payload_.capacity());

	auto fetch = [&](uint64_t addr, uint32_t *out, uint64_t pkt_addr) {
		const Translation t = mmu_.translate_access(space, addr, MICA_ACCESS_READ);
		if (t.fault != MICA_FAULT_NONE) {
			host_.context_fault(ctx, FaultRecord{t.fault, addr, MICA_ACCESS_READ, pkt_addr, 0});
			return false;
		}
		*out = mem_load32(t.host);
		return true;
	};

	while (pos < count) {
		if (host_.interrupted(generation_) || host_.context_status(ctx) != MICA_FAULT_NONE)
			return; // CP reset, device shutdown, or the kernel killed the context
		const uint64_t pkt_addr = base + uint64_t{pos} * 4;
		uint32_t header;
		if (!fetch(pkt_addr, &header, pkt_addr))
			return;
		const uint32_t len = MICA_PKT_HDR_LEN(header);
		if (!header_valid(header) || uint64_t{len} + 1 > count - pos || ++packets > kMaxIbPackets) {
			bad_packet(e, header, pkt_addr);
			return;
		}
		if (mica_packet_table[MICA_PKT_HDR_OPCODE(header)].priv) {
			bad_packet(e, header, pkt_addr, MICA_FAULT_PRIV_PACKET);
			return;
		}
		payload.clear();
		if (MICA_PKT_HDR_OPCODE(header) != MICA_PKT_NOP) {
			for (uint32_t i = 0; i < len; i++) {
				uint32_t v;
				if (!fetch(pkt_addr + 4 * (uint64_t{i} + 1), &v, pkt_addr))
					return;
				payload.push_back(v);
			}
		}
		host_.advance(kPacketCycles + len);
		const Flow flow = execute(e, header, payload, pkt_addr);
		if (flow == Flow::Stop)
			return;
		if (flow == Flow::Chain) {
			if (++links > kMaxChainLinks) {
				bad_packet(e, header, pkt_addr);
				return;
			}
			space = ctx;
			base = e.chain_addr;
			count = e.chain_dwords;
			pos = 0;
			continue;
		}
		pos += len + 1;
	}
}

CommandProcessor::Flow CommandProcessor::execute(Exec &e, uint32_t header, std::span<const uint32_t> p,
                                                 uint64_t pkt_addr)
{
	DispatchState &st = *e.state;
	const uint32_t len = MICA_PKT_HDR_LEN(header);
	switch (MICA_PKT_HDR_OPCODE(header)) {
	case MICA_PKT_NOP:
		return Flow::Next;

	case MICA_PKT_SET_PROGRAM: {
		const uint64_t addr = u64(p[MICA_PKT_SET_PROGRAM_ADDR_LO], p[MICA_PKT_SET_PROGRAM_ADDR_HI]);
		const uint32_t vgprs = p[MICA_PKT_SET_PROGRAM_VGPR_COUNT];
		const uint32_t sgprs = p[MICA_PKT_SET_PROGRAM_SGPR_COUNT];
		if (addr % MICA_CODE_ALIGNMENT != 0 || vgprs > MICA_VGPRS_PER_WAVE || sgprs > MICA_SGPRS_PER_WAVE)
			return bad_packet(e, header, pkt_addr);
		st.program_va = addr;
		st.vgpr_count = vgprs;
		st.sgpr_count = sgprs;
		return Flow::Next;
	}

	case MICA_PKT_SET_USER_DATA: {
		const uint32_t first = p[MICA_PKT_SET_USER_DATA_FIRST];
		const uint32_t n = len - 1;
		if (first > MICA_USER_DATA_SGPRS || n > MICA_USER_DATA_SGPRS - first)
			return bad_packet(e, header, pkt_addr);
		for (uint32_t i = 0; i < n; i++)
			st.user_data[first + i] = p[MICA_PKT_SET_USER_DATA_FIRST + 1 + i];
		return Flow::Next;
	}

	case MICA_PKT_LOAD_USER_DATA:
		return load_user_data(e, p, header, pkt_addr);

	case MICA_PKT_SET_SHARED_SIZE: {
		const uint32_t bytes = p[MICA_PKT_SET_SHARED_SIZE_BYTES];
		if (bytes > MICA_MAX_SHARED_BYTES)
			return bad_packet(e, header, pkt_addr);
		st.shared_bytes = bytes;
		return Flow::Next;
	}

	case MICA_PKT_SET_WORKGROUP_SIZE: {
		const uint32_t x = p[MICA_PKT_SET_WORKGROUP_SIZE_X];
		const uint32_t y = p[MICA_PKT_SET_WORKGROUP_SIZE_Y];
		const uint32_t z = p[MICA_PKT_SET_WORKGROUP_SIZE_Z];
		if (x == 0 || y == 0 || z == 0 || x > MICA_MAX_WORKGROUP_DIM_X || y > MICA_MAX_WORKGROUP_DIM_Y ||
		    z > MICA_MAX_WORKGROUP_DIM_Z || uint64_t{x} * y * z > MICA_MAX_WORKGROUP_INVOCATIONS)
			return bad_packet(e, header, pkt_addr);
		st.wg_size[0] = x;
		st.wg_size[1] = y;
		st.wg_size[2] = z;
		return Flow::Next;
	}

	case MICA_PKT_DISPATCH: {
		const uint32_t groups[3] = {p[MICA_PKT_DISPATCH_GROUPS_X], p[MICA_PKT_DISPATCH_GROUPS_Y],
		                            p[MICA_PKT_DISPATCH_GROUPS_Z]};
		return dispatch(e, groups, header, pkt_addr);
	}

	case MICA_PKT_DISPATCH_INDIRECT:
		return dispatch_indirect(e, p, header, pkt_addr);

	case MICA_PKT_BARRIER:
		// Packets execute in order and each completes before the next starts, so a barrier has
		// nothing to wait for; the flags are still checked.
		if (p[MICA_PKT_BARRIER_FLAGS] & ~(MICA_BARRIER_FLUSH | MICA_BARRIER_INVALIDATE))
			return bad_packet(e, header, pkt_addr);
		return Flow::Next;

	case MICA_PKT_DMA_COPY:
		return dma_copy(e, p, header, pkt_addr);
	case MICA_PKT_DMA_FILL:
		return dma_fill(e, p, header, pkt_addr);
	case MICA_PKT_DMA_COPY_TILED:
		return dma_copy_tiled(e, p, header, pkt_addr);
	case MICA_PKT_WRITE_DATA:
		return write_data(e, p, header, pkt_addr);

	case MICA_PKT_TIMESTAMP: {
		const uint64_t dst = u64(p[MICA_PKT_TIMESTAMP_DST_LO], p[MICA_PKT_TIMESTAMP_DST_HI]);
		return write64(e, dst, host_.now(), header, pkt_addr);
	}

	case MICA_PKT_SIGNAL: {
		const uint64_t dst = u64(p[MICA_PKT_SIGNAL_DST_LO], p[MICA_PKT_SIGNAL_DST_HI]);
		const uint64_t value = u64(p[MICA_PKT_SIGNAL_VALUE_LO], p[MICA_PKT_SIGNAL_VALUE_HI]);
		const uint32_t flags = p[MICA_PKT_SIGNAL_FLAGS];
		if (flags & ~MICA_SIGNAL_IRQ)
			return bad_packet(e, header, pkt_addr);
		const Flow f = write64(e, dst, value, header, pkt_addr);
		if (f == Flow::Next && (flags & MICA_SIGNAL_IRQ))
			host_.fence_signalled(value);
		return f;
	}

	case MICA_PKT_WAIT_MEM:
		return wait_mem(e, p, header, pkt_addr);

	case MICA_PKT_CHAIN: {
		// The kernel ring is a ring: it cannot jump away. CHAIN is for command buffers.
		const uint64_t addr = u64(p[MICA_PKT_CHAIN_ADDR_LO], p[MICA_PKT_CHAIN_ADDR_HI]);
		if (e.kernel || addr % 4 != 0)
			return bad_packet(e, header, pkt_addr);
		e.chain_addr = addr;
		e.chain_dwords = p[MICA_PKT_CHAIN_DWORDS];
		return Flow::Chain;
	}

	// Privileged packets: run_ib faults them before they get here, so only the kernel ring does.
	case MICA_PKT_INDIRECT_BUFFER: {
		const uint64_t addr = u64(p[MICA_PKT_INDIRECT_BUFFER_ADDR_LO], p[MICA_PKT_INDIRECT_BUFFER_ADDR_HI]);
		const uint32_t dwords = p[MICA_PKT_INDIRECT_BUFFER_DWORDS];
		const uint32_t ctx = p[MICA_PKT_INDIRECT_BUFFER_CONTEXT];
		if (ctx == 0 || ctx >= MICA_MAX_CONTEXTS)
			return bad_packet(e, header, pkt_addr);
		if (addr % 4 != 0 || !vram_.contains(addr, uint64_t{dwords} * 4)) {
			e.cp_error = MICA_CP_ERROR_BAD_ADDRESS;
			return Flow::Stop;
		}
		run_ib(ctx, addr, dwords);
		return Flow::Next;
	}

	case MICA_PKT_SET_PAGE_TABLE: {
		const uint32_t ctx = p[MICA_PKT_SET_PAGE_TABLE_CONTEXT];
		const uint64_t base = u64(p[MICA_PKT_SET_PAGE_TABLE_PTBASE_LO], p[MICA_PKT_SET_PAGE_TABLE_PTBASE_HI]);
		if (ctx == 0 || ctx >= MICA_MAX_CONTEXTS || base % MICA_PAGE_SIZE != 0)
			return bad_packet(e, header, pkt_addr);
		host_.set_page_table(ctx, base);
		return Flow::Next;
	}

	case MICA_PKT_SET_POWER_PROFILE: {
		const uint32_t profile = p[MICA_PKT_SET_POWER_PROFILE_PROFILE];
		if (profile >= MICA_PROFILE_COUNT)
			return bad_packet(e, header, pkt_addr);
		host_.set_power_profile(profile);
		return Flow::Next;
	}

	case MICA_PKT_PERF_CONTROL: {
		const uint32_t ctrl = p[MICA_PKT_PERF_CONTROL_CTRL];
		if (ctrl & ~3u)
			return bad_packet(e, header, pkt_addr);
		host_.write_perf_ctrl(ctrl);
		return Flow::Next;
	}

	default: // header_valid() already rejected undefined opcodes
		return bad_packet(e, header, pkt_addr);
	}
}

bool CommandProcessor::dispatch_state_ok(Exec &e, uint32_t header, uint64_t pkt_addr, Flow *flow)
{
	const DispatchState &st = *e.state;
	if (st.program_va == 0) { // no SET_PROGRAM in this IB
		*flow = bad_packet(e, header, pkt_addr);
		return false;
	}
	// The workgroup scheduler launches a workgroup only when all its waves are resident on one
	// CU at once (wave slots, register files, shared memory): a workgroup that could never be
	// would never launch, so the dispatch faults instead, whatever its group counts.
	const uint32_t invocations = st.wg_size[0] * st.wg_size[1] * st.wg_size[2]; // <= 1024: checked
	if (mica_workgroup_fits_cu(invocations, st.vgpr_count, st.sgpr_count, st.shared_bytes) != MICA_CU_LIMIT_NONE) {
		host_.context_fault(e.ctx, FaultRecord{MICA_FAULT_DISPATCH_RESOURCES, pkt_addr, MICA_ACCESS_READ, pkt_addr,
		                                       header});
		// In the kernel ring this is a dispatch fault like any other: recorded in context 0 and
		// the ring goes on.
		*flow = e.kernel ? Flow::Next : Flow::Stop;
		return false;
	}
	return true;
}

CommandProcessor::Flow CommandProcessor::dispatch(Exec &e, const uint32_t groups[3], uint32_t header,
                                                  uint64_t pkt_addr)
{
	Flow flow = Flow::Next;
	if (!dispatch_state_ok(e, header, pkt_addr, &flow))
		return flow;
	return launch(e, groups);
}

CommandProcessor::Flow CommandProcessor::launch(Exec &e, const uint32_t groups[3])
{
	if (groups[0] == 0 || groups[1] == 0 || groups[2] == 0)
		return Flow::Next;

	DispatchState s = *e.state;
	s.ctx = e.ctx;
	s.privileged = e.kernel;
	std::copy(groups, groups + 3, s.groups);
	s.revision = revision_;
	const DispatchSettings settings = host_.dispatch_settings();
	s.power_profile = settings.power_profile;
	s.checked = settings.checked;
	s.watchdog_cycles = settings.watchdog_cycles;
	// The device time the dispatch starts at: it then advances TIMESTAMP by its duration, so every
	// s_timestamp_b64 of it reads a value in [start, start + duration] (docs/hw/isa.md).
	s.start_timestamp = host_.now();

	s.abort = host_.begin_dispatch(e.ctx);
	s.progress = host_.progress_counter(e.ctx);
	// A kill that landed before the dispatch started must not be missed.
	if (!e.kernel && host_.context_status(e.ctx) != MICA_FAULT_NONE) {
		host_.end_dispatch();
		return Flow::Stop;
	}
	mica_trace(MICA_TRACE_DISPATCH_START);
	const DispatchResult r = engine_.run(s);
	mica_trace(MICA_TRACE_DISPATCH_END);
	host_.end_dispatch();
	host_.advance(r.cycles);
	host_.count_dispatch(r);
	if (r.fault == MICA_FAULT_NONE)
		return Flow::Next;
	host_.context_fault(e.ctx, FaultRecord{r.fault, r.fault_addr, r.fault_access, r.fault_pc, r.fault_info});
	// A fault of the kernel's own dispatch is reported in context 0; the ring goes on.
	return e.kernel ? Flow::Next : Flow::Stop;
}

CommandProcessor::Flow CommandProcessor::dispatch_indirect(Exec &e, std::span<const uint32_t> p, uint32_t header,
                                                           uint64_t pkt_addr)
{
	// The state is checked before the counts are read: a dispatch that cannot run reads nothing.
	Flow flow = Flow::Next;
	if (!dispatch_state_ok(e, header, pkt_addr, &flow))
		return flow;
	const uint64_t addr = u64(p[MICA_PKT_DISPATCH_INDIRECT_ADDR_LO], p[MICA_PKT_DISPATCH_INDIRECT_ADDR_HI]);
	if (addr % 4 != 0)
		return bad_packet(e, header, pkt_addr);
	if (!check_range(e, addr, 12, MICA_ACCESS_READ, header, pkt_addr))
		return Flow::Stop;
	uint32_t groups[3];
	for (uint32_t i = 0; i < 3; i++) {
		const uint8_t *word = host(e, addr + 4 * i, MICA_ACCESS_READ, header, pkt_addr);
		if (!word)
			return Flow::Stop;
		groups[i] = mem_load32(word);
	}
	return launch(e, groups);
}

CommandProcessor::Flow CommandProcessor::load_user_data(Exec &e, std::span<const uint32_t> p, uint32_t header,
                                                        uint64_t pkt_addr)
{
	const uint32_t first = p[MICA_PKT_LOAD_USER_DATA_FIRST];
	const uint32_t count = p[MICA_PKT_LOAD_USER_DATA_COUNT];
	const uint64_t addr = u64(p[MICA_PKT_LOAD_USER_DATA_ADDR_LO], p[MICA_PKT_LOAD_USER_DATA_ADDR_HI]);
	if (count == 0 || first >= MICA_USER_DATA_SGPRS || count > MICA_USER_DATA_SGPRS - first || addr % 4 != 0)
		return bad_packet(e, header, pkt_addr);
	// Packets complete in order, so the dwords read here include every earlier packet's writes
	// (a DMA or dispatch that produced them). The whole range is checked before any register
	// changes: a faulting load leaves the state untouched.
	if (!check_range(e, addr, uint64_t{count} * 4, MICA_ACCESS_READ, header, pkt_addr))
		return Flow::Stop;
	uint32_t words[MICA_USER_DATA_SGPRS];
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *word = host(e, addr + 4 * uint64_t{i}, MICA_ACCESS_READ, header, pkt_addr);
		if (!word)
			return Flow::Stop;
		words[i] = mem_load32(word);
	}
	std::copy(words, words + count, e.state->user_data + first);
	return Flow::Next;
}

CommandProcessor::Flow CommandProcessor::dma_copy(Exec &e, std::span<const uint32_t> p, uint32_t header,
                                                  uint64_t pkt_addr)
{
	const uint64_t src = u64(p[MICA_PKT_DMA_COPY_SRC_LO], p[MICA_PKT_DMA_COPY_SRC_HI]);
	const uint64_t dst = u64(p[MICA_PKT_DMA_COPY_DST_LO], p[MICA_PKT_DMA_COPY_DST_HI]);
	const uint64_t bytes = p[MICA_PKT_DMA_COPY_BYTES];
	if (bytes != 0 && src < dst + bytes && dst < src + bytes)
		return bad_packet(e, header, pkt_addr); // overlapping ranges
	// Both ranges are checked before any byte moves: a faulting copy writes nothing.
	if (!check_range(e, src, bytes, MICA_ACCESS_READ, header, pkt_addr) ||
	    !check_range(e, dst, bytes, MICA_ACCESS_WRITE, header, pkt_addr))
		return Flow::Stop;
	for (uint64_t done = 0; done < bytes;) {
		const uint64_t n = std::min({bytes - done, page_remaining(src + done), page_remaining(dst + done)});
		uint8_t *to = host(e, dst + done, MICA_ACCESS_WRITE, header, pkt_addr);
		const uint8_t *from = to ? host(e, src + done, MICA_ACCESS_READ, header, pkt_addr) : nullptr;
		if (!from)
			return Flow::Stop;
		std::memmove(to, from, n);
		done += n;
	}
	host_.advance(bytes / kDmaBytesPerCycle);
	return Flow::Next;
}

// One side of a DMA_COPY_TILED walked run by run: the page of the last translation is kept, so
// the runs of a tile row (often 16 to 64 bytes) cost a translation only when they enter a new page.
class CommandProcessor::DmaSide {
public:
	DmaSide(CommandProcessor &cp, Exec &e, mica_access access) : cp_(cp), e_(e), access_(access) {}

	// The fault (MICA_FAULT_NONE if none) of the first inaccessible byte of [addr, addr+bytes),
	// in *bad.
	uint32_t check(uint64_t addr, uint64_t bytes, uint64_t *bad)
	{
		for (uint64_t a = addr; a < addr + bytes; a += page_remaining(a)) {
			const uint32_t f = page(a);
			if (f != MICA_FAULT_NONE) {
				*bad = a;
				return f;
			}
		}
		return MICA_FAULT_NONE;
	}
	// Host pointer of an already checked byte, valid up to the end of its page; null when its
	// page stopped translating since (the fault in *fault).
	uint8_t *at(uint64_t addr, uint32_t *fault)
	{
		*fault = page(addr);
		return *fault == MICA_FAULT_NONE ? page_host_ + (addr & (MICA_PAGE_SIZE - 1)) : nullptr;
	}

private:
	uint32_t page(uint64_t addr)
	{
		const uint64_t va_page = addr & ~uint64_t{MICA_PAGE_SIZE - 1};
		if (!valid_ || va_page != page_va_) {
			const Translation t = cp_.mmu_.translate_access(e_.space(), va_page, access_);
			if (t.fault != MICA_FAULT_NONE) {
				valid_ = false;
				return t.fault;
			}
			valid_ = true;
			page_va_ = va_page;
			page_host_ = t.host;
		}
		return MICA_FAULT_NONE;
	}

	CommandProcessor &cp_;
	Exec &e_;
	mica_access access_;
	bool valid_ = false;
	uint64_t page_va_ = 0;
	uint8_t *page_host_ = nullptr;
};

CommandProcessor::Flow CommandProcessor::dma_copy_tiled(Exec &e, std::span<const uint32_t> p, uint32_t header,
                                                        uint64_t pkt_addr)
{
	mica_dma_tiled c;
	mica_dma_tiled_unpack(p.data(), &c);
	if (mica_dma_tiled_check(&c) != MICA_DMA_TILED_OK)
		return bad_packet(e, header, pkt_addr);
	if (c.width == 0 || c.height == 0 || c.depth == 0)
		return Flow::Next;
	const uint64_t eb = c.element_bytes;
	// Calls f(src address, dst address, bytes) for each run of elements contiguous on both sides,
	// slice by slice, row by row, left to right; stops (returning false) when f does.
	// The offsets of mica_dma_element_offset, computed inline and without its overflow checks
	// (mica_dma_tiled_check proved the footprints fit): a copy of small elements is hundreds of
	// thousands of runs.
	auto offset = [eb](const mica_dma_surface &s, uint64_t x, uint64_t y, uint64_t z) {
		x += s.x;
		y += s.y;
		if (s.tiling == MICA_IMAGE_TILING_OPTIMAL)
			return z * s.slice_pitch + (y / MICA_TEX_TILE_HEIGHT) * s.pitch +
			       ((x / MICA_TEX_TILE_WIDTH) * MICA_TEX_TILE_WIDTH * MICA_TEX_TILE_HEIGHT +
			        (y % MICA_TEX_TILE_HEIGHT) * MICA_TEX_TILE_WIDTH + x % MICA_TEX_TILE_WIDTH) *
			               eb;
		return z * s.slice_pitch + y * s.pitch + x * eb;
	};
	const bool src_tiled = c.src.tiling == MICA_IMAGE_TILING_OPTIMAL, dst_tiled = c.dst.tiling == MICA_IMAGE_TILING_OPTIMAL;
	// Calls f(src address, dst address, bytes) for each run of elements contiguous on both sides
	// (mica_dma_contiguous_elements), slice by slice, row by row, left to right; stops (returning
	// false) when f does.
	auto for_each_run = [&](auto &&f) {
		for (uint32_t z = 0; z < c.depth; z++)
			for (uint32_t y = 0; y < c.height; y++)
				for (uint32_t x = 0; x < c.width;) {
					uint32_t n = c.width - x;
					if (src_tiled)
						n = std::min(n, MICA_TEX_TILE_WIDTH - (c.src.x + x) % MICA_TEX_TILE_WIDTH);
					if (dst_tiled)
						n = std::min(n, MICA_TEX_TILE_WIDTH - (c.dst.x + x) % MICA_TEX_TILE_WIDTH);
					if (!f(c.src.addr + offset(c.src, x, y, z), c.dst.addr + offset(c.dst, x, y, z), n * eb))
						return false;
					x += n;
				}
		return true;
	};
	// Every byte the copy reads, then every byte it writes, is checked before any byte moves (as
	// DMA_COPY does): a faulting copy writes nothing, and the fault names the first inaccessible
	// byte in copy order. Bytes between runs (the rest of a tile, row padding) are not accessed
	// and not checked.
	// When a side's footprint (first to last byte) is not much larger than what the copy moves,
	// it is checked whole, page by page, first: if all of it is accessible no run can fault and
	// the walk run by run is skipped (the answer is the same; only the cost differs). A sparse
	// box (huge pitches) goes straight to the exact walk, which costs what the copy costs.
	const uint64_t moved = uint64_t{c.width} * c.height * c.depth * eb;
	DmaSide src(*this, e, MICA_ACCESS_READ), dst(*this, e, MICA_ACCESS_WRITE);
	for (const auto &entry : {std::pair{&src, MICA_ACCESS_READ}, std::pair{&dst, MICA_ACCESS_WRITE}}) {
		// Named copies, not a structured binding: clang 15 cannot capture bindings in the lambda.
		DmaSide *const side = entry.first;
		const mica_access access = entry.second;
		uint64_t bad = 0, first = 0, end = 0;
		mica_dma_tiled_footprint(&c, access == MICA_ACCESS_READ ? &c.src : &c.dst, &first, &end);
		if (end - first <= 2 * moved + 2 * MICA_PAGE_SIZE && side->check(first, end - first, &bad) == MICA_FAULT_NONE)
			continue;
		uint32_t fault = MICA_FAULT_NONE;
		for_each_run([&](uint64_t s, uint64_t d, uint64_t n) {
			fault = side->check(access == MICA_ACCESS_READ ? s : d, n, &bad);
			return fault == MICA_FAULT_NONE;
		});
		if (fault != MICA_FAULT_NONE)
			return bad_access(e, fault, bad, access, header, pkt_addr);
	}
	// The footprints do not overlap (checked), so the order of the runs cannot matter. A page
	// the kernel unmapped since the check faults like an unchecked one.
	uint32_t fault = MICA_FAULT_NONE;
	uint64_t bad = 0;
	mica_access bad_side = MICA_ACCESS_WRITE;
	for_each_run([&](uint64_t s, uint64_t d, uint64_t n) {
		for (uint64_t done = 0; done < n;) {
			const uint64_t k = std::min({n - done, page_remaining(s + done), page_remaining(d + done)});
			uint8_t *to = dst.at(d + done, &fault);
			bad = d + done;
			const uint8_t *from = to ? src.at(s + done, &fault) : nullptr;
			if (!from) {
				if (to) {
					bad = s + done;
					bad_side = MICA_ACCESS_READ;
				}
				return false;
			}
			std::memcpy(to, from, k);
			done += k;
		}
		return true;
	});
	if (fault != MICA_FAULT_NONE)
		return bad_access(e, fault, bad, bad_side, header, pkt_addr);
	host_.advance(uint64_t{c.width} * c.height * c.depth * eb / kDmaBytesPerCycle);
	return Flow::Next;
}

CommandProcessor::Flow CommandProcessor::dma_fill(Exec &e, std::span<const uint32_t> p, uint32_t header,
                                                  uint64_t pkt_addr)
{
	const uint64_t dst = u64(p[MICA_PKT_DMA_FILL_DST_LO], p[MICA_PKT_DMA_FILL_DST_HI]);
	const uint32_t value = p[MICA_PKT_DMA_FILL_VALUE];
	const uint64_t bytes = p[MICA_PKT_DMA_FILL_BYTES];
	if (dst % 4 != 0 || bytes % 4 != 0)
		return bad_packet(e, header, pkt_addr);
	if (!check_range(e, dst, bytes, MICA_ACCESS_WRITE, header, pkt_addr))
		return Flow::Stop;
	for (uint64_t done = 0; done < bytes;) {
		const uint64_t n = std::min(bytes - done, page_remaining(dst + done));
		uint8_t *out = host(e, dst + done, MICA_ACCESS_WRITE, header, pkt_addr);
		if (!out)
			return Flow::Stop;
		for (uint64_t i = 0; i < n; i += 4)
			std::memcpy(out + i, &value, 4);
		done += n;
	}
	host_.advance(bytes / kDmaBytesPerCycle);
	return Flow::Next;
}

CommandProcessor::Flow CommandProcessor::write_data(Exec &e, std::span<const uint32_t> p, uint32_t header,
                                                    uint64_t pkt_addr)
{
	const uint64_t dst = u64(p[MICA_PKT_WRITE_DATA_DST_LO], p[MICA_PKT_WRITE_DATA_DST_HI]);
	const std::span<const uint32_t> data = p.subspan(MICA_PKT_WRITE_DATA_DST_HI + 1);
	if (dst % 4 != 0)
		return bad_packet(e, header, pkt_addr);
	if (!check_range(e, dst, data.size() * 4, MICA_ACCESS_WRITE, header, pkt_addr))
		return Flow::Stop;
	for (size_t i = 0; i < data.size(); i++) {
		uint8_t *word = host(e, dst + 4 * i, MICA_ACCESS_WRITE, header, pkt_addr);
		if (!word)
			return Flow::Stop;
		mem_store32(word, data[i]);
	}
	return Flow::Next;
}

CommandProcessor::Flow CommandProcessor::write64(Exec &e, uint64_t addr, uint64_t value, uint32_t header,
                                                 uint64_t pkt_addr)
{
	if (addr % 8 != 0)
		return bad_packet(e, header, pkt_addr);
	if (!check_range(e, addr, 8, MICA_ACCESS_WRITE, header, pkt_addr))
		return Flow::Stop;
	uint8_t *dst = host(e, addr, MICA_ACCESS_WRITE, header, pkt_addr);
	if (!dst)
		return Flow::Stop;
	mem_store64(dst, value);
	return Flow::Next;
}

CommandProcessor::Flow CommandProcessor::wait_mem(Exec &e, std::span<const uint32_t> p, uint32_t header,
                                                  uint64_t pkt_addr)
{
	const uint64_t addr = u64(p[MICA_PKT_WAIT_MEM_ADDR_LO], p[MICA_PKT_WAIT_MEM_ADDR_HI]);
	const uint64_t ref = u64(p[MICA_PKT_WAIT_MEM_REF_LO], p[MICA_PKT_WAIT_MEM_REF_HI]);
	const uint32_t func = p[MICA_PKT_WAIT_MEM_FUNC];
	if (addr % 8 != 0 || func > MICA_WAIT_NE)
		return bad_packet(e, header, pkt_addr);

	uint64_t waited = 0;
	for (uint64_t poll = 0;; poll++) {
		// Translated on every poll: the memory may be remapped while we wait.
		if (!check_range(e, addr, 8, MICA_ACCESS_READ, header, pkt_addr))
			return Flow::Stop;
		const uint8_t *src = host(e, addr, MICA_ACCESS_READ, header, pkt_addr);
		if (!src)
			return Flow::Stop;
		const uint64_t value = mem_load64(src);
		const bool done = func == MICA_WAIT_GE ? value >= ref : func == MICA_WAIT_EQ ? value == ref : value != ref;
		if (done)
			return Flow::Next;
		if (host_.interrupted(generation_) || (!e.kernel && host_.context_status(e.ctx) != MICA_FAULT_NONE))
			return Flow::Stop;
		const uint64_t watchdog = host_.dispatch_settings().watchdog_cycles;
		if (watchdog != 0 && waited >= watchdog) {
			if (e.kernel) {
				// The kernel's own wait timed out: the ring cannot make progress.
				e.cp_error = MICA_CP_ERROR_WAIT_TIMEOUT;
			} else {
				host_.context_fault(e.ctx, FaultRecord{MICA_FAULT_WATCHDOG, addr, MICA_ACCESS_READ, pkt_addr, header});
			}
			return Flow::Stop;
		}
		waited += kWaitPollCycles;
		host_.advance(kWaitPollCycles);
		// The memory can only change from outside (the host), so give it time without burning
		// a core: spin briefly, then sleep between polls.
		if (poll < 64)
			std::this_thread::yield();
		else
			std::this_thread::sleep_for(std::chrono::microseconds(20));
	}
}

} // namespace mica::sim
