// SPDX-License-Identifier: MIT
// The bare-metal machine: a minimal "kernel" for the device model (see baremetal.h).
#include "mica/sim/baremetal.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <sstream>

#include "page_tables.h"

namespace mica::sim::baremetal {

namespace {

constexpr uint64_t kPage = MICA_PAGE_SIZE;
constexpr uint32_t kRingBytes = 64u << 10;
constexpr uint64_t kFirstVa = 1ull << 20;   // VAs below 1 MiB stay unmapped (null-ish pointers fault)
constexpr uint32_t kCpCtrlEnable = 1u << 0;
constexpr uint32_t kPerfCtrlEnable = 1u << 0;

uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

uint32_t lo32(uint64_t v)
{
	return static_cast<uint32_t>(v);
}
uint32_t hi32(uint64_t v)
{
	return static_cast<uint32_t>(v >> 32);
}

void put_packet(std::vector<uint32_t> &out, uint32_t op, std::initializer_list<uint32_t> payload)
{
	out.push_back(MICA_PKT_HEADER(op, payload.size()));
	out.insert(out.end(), payload);
}

} // namespace

struct Machine::State {
	struct Context {
		uint64_t root = 0;      // 0: not created yet
		uint64_t next_va = kFirstVa;
		uint64_t fence_va = 0;  // the context's own SIGNAL target
	};

	// Members the interrupt handler touches come first: the device (last member) is destroyed
	// first, which joins its thread, so no handler runs against freed state.
	std::mutex mu;
	std::condition_variable cv;
	uint32_t irq_seen = 0;

	uint64_t next_phys = kPage; // physical page 0 stays unused
	std::array<Context, MICA_MAX_CONTEXTS> ctx{};
	uint64_t ring_phys = 0, kernel_fence_phys = 0;
	uint32_t ring_tail = 0;
	uint64_t fence_seq = 0;
	uint64_t ib_phys = 0, ib_capacity = 0; // the kernel's copy of the current command buffer
	std::unique_ptr<Device> device;
	std::optional<PageTables> tables;

	uint32_t mmio(uint32_t off) { return device->mmio_read32(off); }
	void mmio(uint32_t off, uint32_t v) { device->mmio_write32(off, v); }
	uint64_t perf(uint32_t counter)
	{
		mmio(MICA_REG_PERF_SELECT, counter);
		const uint32_t lo = mmio(MICA_REG_PERF_VALUE_LO);
		return uint64_t{lo} | (uint64_t{mmio(MICA_REG_PERF_VALUE_HI)} << 32);
	}
};

Machine::Machine(const DeviceConfig &cfg) : s_(std::make_unique<State>())
{
	State &s = *s_;
	s.device = std::make_unique<Device>(cfg);
	s.tables.emplace(*s.device, [this] { return alloc_phys(kPage); });
	// The handler runs on the device thread and holds the Device itself, not s.device: ~Machine's
	// s.device.reset() nulls the unique_ptr *before* it deletes the Device, whose destructor joins
	// the device thread, so an interrupt delivered during that join read a null s.device (seen as
	// a rare SIGSEGV at the end of a dispatch in engines_diff_compiler_corpus; UBSan: "member call
	// on null pointer" here).
	Device *const dev = s.device.get();
	s.device->set_irq_handler([&s, dev] {
		// Acknowledge everything pending (W1C) and wake the waiter.
		const uint32_t pending = dev->mmio_read32(MICA_REG_INT_STATUS);
		dev->mmio_write32(MICA_REG_INT_STATUS, pending);
		{
			std::lock_guard lk(s.mu);
			s.irq_seen |= pending;
		}
		s.cv.notify_all();
	});
	s.ring_phys = alloc_phys(kRingBytes);
	s.kernel_fence_phys = alloc_phys(kPage);
	s.mmio(MICA_REG_RING_BASE_LO, lo32(s.ring_phys));
	s.mmio(MICA_REG_RING_BASE_HI, hi32(s.ring_phys));
	s.mmio(MICA_REG_RING_SIZE, kRingBytes);
	s.mmio(MICA_REG_INT_ENABLE, MICA_IRQ_FENCE | MICA_IRQ_CONTEXT_FAULT | MICA_IRQ_CP_ERROR);
	s.mmio(MICA_REG_PERF_CTRL, kPerfCtrlEnable);
	s.mmio(MICA_REG_CP_CTRL, kCpCtrlEnable);
}

Machine::~Machine()
{
	s_->device.reset(); // joins the device thread before the rest of the state goes
}

Device &Machine::device()
{
	return *s_->device;
}

uint64_t Machine::alloc_phys(uint64_t bytes)
{
	State &s = *s_;
	const uint64_t size = align_up(std::max<uint64_t>(bytes, 1), kPage);
	if (size > s.device->vram_size() || s.next_phys > s.device->vram_size() - size)
		throw MachineError("out of device memory");
	const uint64_t phys = s.next_phys;
	s.next_phys += size;
	std::memset(s.device->vram() + phys, 0, size);
	return phys;
}

uint64_t Machine::page_table_base(uint32_t ctx)
{
	State &s = *s_;
	if (ctx == 0 || ctx >= MICA_MAX_CONTEXTS)
		throw MachineError("context " + std::to_string(ctx) + " is not a user context (1..15)");
	State::Context &c = s.ctx[ctx];
	if (c.root == 0) {
		c.root = s.tables->create_root();
		s.mmio(MICA_REG_CTX_PTBASE_LO(ctx), lo32(c.root));
		s.mmio(MICA_REG_CTX_PTBASE_HI(ctx), hi32(c.root));
		c.fence_va = alloc(ctx, kPage, MICA_PTE_READ | MICA_PTE_WRITE);
	}
	return c.root;
}

void Machine::map(uint32_t ctx, uint64_t va, uint64_t phys, uint64_t bytes, uint32_t pte_perms)
{
	State &s = *s_;
	const uint64_t root = page_table_base(ctx);
	if (va % kPage != 0 || phys % kPage != 0)
		throw MachineError("map: VA and physical address must be page aligned");
	if (pte_perms & ~(MICA_PTE_READ | MICA_PTE_WRITE | MICA_PTE_EXEC | MICA_PTE_SYSTEM))
		throw MachineError("map: permissions must be MICA_PTE_READ/WRITE/EXEC (and SYSTEM)");
	for (uint64_t off = 0; off < bytes; off += kPage)
		s.tables->map_page(root, va + off, phys + off, pte_perms);
	s.mmio(MICA_REG_TLB_INVALIDATE, 1u << ctx);
}

uint64_t Machine::alloc(uint32_t ctx, uint64_t bytes, uint32_t pte_perms)
{
	State &s = *s_;
	page_table_base(ctx);
	State::Context &c = s.ctx[ctx];
	const uint64_t size = align_up(std::max<uint64_t>(bytes, 1), kPage);
	if (c.next_va + size + kPage > (1ull << MICA_VA_BITS))
		throw MachineError("out of virtual address space");
	const uint64_t phys = alloc_phys(size);
	const uint64_t va = c.next_va;
	c.next_va += size + kPage; // guard page
	map(ctx, va, phys, size, pte_perms);
	return va;
}

uint64_t Machine::translate(uint32_t ctx, uint64_t va)
{
	uint64_t phys;
	if (!s_->tables->lookup(page_table_base(ctx), va, &phys)) {
		std::ostringstream msg;
		msg << "context " << ctx << ": VA 0x" << std::hex << va << " is not mapped";
		throw MachineError(msg.str());
	}
	return phys;
}

void Machine::write(uint32_t ctx, uint64_t va, const void *src, size_t n)
{
	const auto *in = static_cast<const uint8_t *>(src);
	for (size_t done = 0; done < n;) {
		const uint64_t a = va + done;
		const size_t chunk = std::min<uint64_t>(n - done, kPage - (a % kPage));
		std::memcpy(s_->device->vram() + translate(ctx, a), in + done, chunk);
		done += chunk;
	}
}

void Machine::read(uint32_t ctx, uint64_t va, void *dst, size_t n)
{
	auto *out = static_cast<uint8_t *>(dst);
	for (size_t done = 0; done < n;) {
		const uint64_t a = va + done;
		const size_t chunk = std::min<uint64_t>(n - done, kPage - (a % kPage));
		std::memcpy(out + done, s_->device->vram() + translate(ctx, a), chunk);
		done += chunk;
	}
}

uint64_t Machine::load_code(uint32_t ctx, std::span<const uint8_t> code, std::span<const uint8_t> const_data)
{
	if (code.empty())
		throw MachineError("load_code: no code");
	const uint64_t const_offset = align_up(code.size(), MICA_CODE_ALIGNMENT);
	// Pages are 4 KiB, so every allocation is code_alignment aligned.
	const uint64_t va = alloc(ctx, const_offset + const_data.size(), MICA_PTE_READ | MICA_PTE_EXEC);
	write(ctx, va, code.data(), code.size());
	if (!const_data.empty())
		write(ctx, va + const_offset, const_data.data(), const_data.size());
	return va;
}

void Machine::set_hazard_mode(bool checked)
{
	s_->mmio(MICA_REG_HAZARD_MODE, checked ? 1 : 0);
}

void Machine::set_power_profile(uint32_t profile)
{
	if (profile >= MICA_PROFILE_COUNT)
		throw MachineError("unknown power profile " + std::to_string(profile));
	s_->mmio(MICA_REG_POWER_PROFILE, profile);
}

void Machine::set_watchdog(uint64_t cycles)
{
	s_->mmio(MICA_REG_WATCHDOG_CYCLES, static_cast<uint32_t>(std::min<uint64_t>(cycles, UINT32_MAX)));
}

void Machine::run_kernel_packets(const std::vector<uint32_t> &packets)
{
	State &s = *s_;
	std::vector<uint32_t> all = packets;
	const uint64_t seq = ++s.fence_seq;
	put_packet(all, MICA_PKT_SIGNAL,
	           {lo32(s.kernel_fence_phys), hi32(s.kernel_fence_phys), lo32(seq), hi32(seq), MICA_SIGNAL_IRQ});
	const uint32_t bytes = static_cast<uint32_t>(all.size() * 4);
	if (all.size() * 4 >= kRingBytes)
		throw MachineError("kernel packets do not fit the ring");

	// The previous submission was waited for, so the ring is empty: head == tail.
	const uint32_t mask = kRingBytes - 1;
	for (size_t i = 0; i < all.size(); i++) {
		const uint32_t off = (s.ring_tail + 4 * static_cast<uint32_t>(i)) & mask;
		std::memcpy(s.device->vram() + s.ring_phys + off, &all[i], 4);
	}
	s.ring_tail = (s.ring_tail + bytes) & mask;
	s.mmio(MICA_REG_RING_TAIL, s.ring_tail); // doorbell (the mutex inside orders the VRAM writes)

	const uint64_t *fence = reinterpret_cast<const uint64_t *>(s.device->vram() + s.kernel_fence_phys);
	std::unique_lock lk(s.mu);
	for (;;) {
		// The interrupt normally wakes us; the timeout makes polling a fallback.
		s.cv.wait_for(lk, std::chrono::milliseconds(20), [&] {
			return __atomic_load_n(fence, __ATOMIC_ACQUIRE) >= seq || (s.irq_seen & MICA_IRQ_CP_ERROR);
		});
		if (__atomic_load_n(fence, __ATOMIC_ACQUIRE) >= seq)
			break;
		if ((s.irq_seen & MICA_IRQ_CP_ERROR) || (s.mmio(MICA_REG_CP_STATUS) & 2u)) {
			const uint32_t error = s.mmio(MICA_REG_CP_ERROR);
			s.irq_seen &= ~MICA_IRQ_CP_ERROR;
			// Recover like a kernel: reset the CP (empties the ring) and keep going.
			s.mmio(MICA_REG_CP_CTRL, kCpCtrlEnable | 2u);
			s.ring_tail = 0;
			throw MachineError("command processor halted with CP_ERROR " + std::to_string(error));
		}
	}
	s.irq_seen &= ~MICA_IRQ_FENCE;
}

Machine::RunResult Machine::run_commands(uint32_t ctx, const std::vector<uint32_t> &ib_dwords)
{
	State &s = *s_;
	page_table_base(ctx);
	// The kernel's copy of the command buffer, in physical memory.
	const uint64_t bytes = std::max<uint64_t>(ib_dwords.size() * 4, 4);
	if (bytes > s.ib_capacity) {
		s.ib_capacity = align_up(std::max<uint64_t>(bytes, 2 * s.ib_capacity), kPage);
		s.ib_phys = alloc_phys(s.ib_capacity);
	}
	if (!ib_dwords.empty())
		std::memcpy(s.device->vram() + s.ib_phys, ib_dwords.data(), ib_dwords.size() * 4);

	const uint64_t cycles0 = s.perf(MICA_PERF_CYCLES);
	const uint64_t lanes0 = s.perf(MICA_PERF_LANE_INSTRUCTIONS);
	const uint64_t hazards0 = s.perf(MICA_PERF_HAZARD_VIOLATIONS);

	std::vector<uint32_t> ring;
	put_packet(ring, MICA_PKT_INDIRECT_BUFFER,
	           {lo32(s.ib_phys), hi32(s.ib_phys), static_cast<uint32_t>(ib_dwords.size()), ctx});
	run_kernel_packets(ring);

	RunResult r;
	r.cycles = s.perf(MICA_PERF_CYCLES) - cycles0;
	r.lane_instructions = s.perf(MICA_PERF_LANE_INSTRUCTIONS) - lanes0;
	r.hazard_violations = s.perf(MICA_PERF_HAZARD_VIOLATIONS) - hazards0;
	r.fault = MICA_BITFIELD_GET(s.mmio(MICA_REG_CTX_STATUS(ctx)), CTX_STATUS, FAULT);
	if (r.fault != MICA_FAULT_NONE) {
		const uint32_t addr_hi = s.mmio(MICA_REG_CTX_FAULT_ADDR_HI(ctx));
		r.fault_addr = s.mmio(MICA_REG_CTX_FAULT_ADDR_LO(ctx)) | (uint64_t{MICA_BITFIELD_GET(addr_hi, FAULT_ADDR_HI, ADDR)} << 32);
		r.fault_access = MICA_BITFIELD_GET(addr_hi, FAULT_ADDR_HI, ACCESS);
		r.fault_pc = s.mmio(MICA_REG_CTX_FAULT_PC_LO(ctx)) | (uint64_t{s.mmio(MICA_REG_CTX_FAULT_PC_HI(ctx))} << 32);
		r.fault_info = s.mmio(MICA_REG_CTX_FAULT_INFO(ctx));
		s.mmio(MICA_REG_CTX_STATUS(ctx), MICA_FAULT_NONE); // reported: let the context run again
		std::lock_guard lk(s.mu);
		s.irq_seen &= ~MICA_IRQ_CONTEXT_FAULT;
	}
	return r;
}

Machine::RunResult Machine::dispatch(uint32_t ctx, const Launch &launch)
{
	State &s = *s_;
	if (launch.user_data.size() > MICA_USER_DATA_SGPRS)
		throw MachineError("at most 16 user-data words");
	page_table_base(ctx);
	const uint64_t seq = ++s.fence_seq;
	const uint64_t fence_va = s.ctx[ctx].fence_va;

	std::vector<uint32_t> ib;
	put_packet(ib, MICA_PKT_SET_PROGRAM,
	           {lo32(launch.program_va), hi32(launch.program_va), launch.vgpr_count, launch.sgpr_count});
	if (!launch.user_data.empty()) {
		ib.push_back(MICA_PKT_HEADER(MICA_PKT_SET_USER_DATA, launch.user_data.size() + 1));
		ib.push_back(0); // first user-data SGPR
		ib.insert(ib.end(), launch.user_data.begin(), launch.user_data.end());
	}
	put_packet(ib, MICA_PKT_SET_SHARED_SIZE, {launch.shared_bytes});
	put_packet(ib, MICA_PKT_SET_WORKGROUP_SIZE, {launch.wg_size[0], launch.wg_size[1], launch.wg_size[2]});
	put_packet(ib, MICA_PKT_DISPATCH, {launch.groups[0], launch.groups[1], launch.groups[2]});
	put_packet(ib, MICA_PKT_SIGNAL, {lo32(fence_va), hi32(fence_va), lo32(seq), hi32(seq), 0});

	RunResult r = run_commands(ctx, ib);
	if (r.fault == MICA_FAULT_NONE) {
		uint64_t signalled = 0;
		read(ctx, fence_va, &signalled, sizeof signalled);
		if (signalled != seq)
			throw MachineError("dispatch completed without its SIGNAL");
	}
	return r;
}

std::string Machine::RunResult::describe() const
{
	std::ostringstream o;
	if (fault == MICA_FAULT_NONE) {
		o << "ok";
	} else {
		static const char *const access_names[] = {"read", "write", "execute", "?"};
		o << "fault " << (fault < MICA_FAULT_COUNT ? mica_fault_name[fault] : "UNKNOWN") << " (" << fault << ")"
		  << std::hex << " addr 0x" << fault_addr << " (" << access_names[fault_access & 3] << ") pc 0x" << fault_pc
		  << " info 0x" << fault_info << std::dec;
		if (fault == MICA_FAULT_HAZARD && (fault_info & 0xffu) < MICA_HAZARD_COUNT)
			o << " hazard " << mica_hazard_name[fault_info & 0xffu];
	}
	o << "; " << cycles << " cycles, " << lane_instructions << " lane instructions";
	if (hazard_violations)
		o << ", " << hazard_violations << " hazard violations";
	return o.str();
}

} // namespace mica::sim::baremetal
