// SPDX-License-Identifier: MIT
// MMIO register file, interrupt line and the device thread (docs/hw/device.md).
#include "device_impl.h"
#include "cu/env_switch.h"

#include "mica/sim/device_trace.h"
#include "mica/sim/test_hooks.h"

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace mica::sim {

namespace {

constexpr uint32_t kCtxFirst = MICA_REG_CTX_PTBASE_LO(0);
constexpr uint32_t kCtxStride = MICA_REG_CTX_PTBASE_LO(1) - MICA_REG_CTX_PTBASE_LO(0);
constexpr uint32_t kCtxEnd = MICA_REG_CTX_PTBASE_LO(MICA_MAX_CONTEXTS);
constexpr uint32_t kProgressFirst = MICA_REG_CTX_PROGRESS(0);
constexpr uint32_t kProgressStride = MICA_REG_CTX_PROGRESS(1) - MICA_REG_CTX_PROGRESS(0);
constexpr uint32_t kProgressEnd = MICA_REG_CTX_PROGRESS(MICA_MAX_CONTEXTS);
static_assert(kProgressFirst >= kCtxEnd, "CTX_PROGRESS has its own block");
constexpr uint32_t kCpCtrlEnable = MICA_BITFIELD_PUT(CP_CTRL, ENABLE, 1);
constexpr uint32_t kCpCtrlReset = MICA_BITFIELD_PUT(CP_CTRL, RESET, 1);
constexpr uint32_t kCpStatusBusy = MICA_BITFIELD_PUT(CP_STATUS, BUSY, 1);
constexpr uint32_t kCpStatusHalted = MICA_BITFIELD_PUT(CP_STATUS, HALTED, 1);
constexpr uint32_t kPerfCtrlEnable = MICA_BITFIELD_PUT(PERF_CTRL, ENABLE, 1);
constexpr uint32_t kPerfCtrlReset = MICA_BITFIELD_PUT(PERF_CTRL, RESET, 1);
constexpr uint32_t kIrqAll = MICA_IRQ_FENCE | MICA_IRQ_CONTEXT_FAULT | MICA_IRQ_CP_ERROR;
constexpr uint32_t kRingMinBytes = 4096, kRingMaxBytes = 1u << 20;

uint32_t lo32(uint64_t v)
{
	return static_cast<uint32_t>(v);
}
uint32_t hi32(uint64_t v)
{
	return static_cast<uint32_t>(v >> 32);
}

void validate(const DeviceConfig &c)
{
	if (c.revision != MICA_REV_R1 && c.revision != MICA_REV_R2)
		throw std::invalid_argument("DeviceConfig.revision must be MICA_REV_R1 or MICA_REV_R2");
	if (c.cu_count == 0 || c.cu_count > 256)
		throw std::invalid_argument("DeviceConfig.cu_count must be 1..256");
	if (c.power_profile >= MICA_PROFILE_COUNT)
		throw std::invalid_argument("DeviceConfig.power_profile is not a power profile id");
	if (c.vram_bytes < (1u << 20) || c.vram_bytes % MICA_PAGE_SIZE != 0 || c.vram_bytes > (1ull << MICA_VA_BITS))
		throw std::invalid_argument("DeviceConfig.vram_bytes must be a multiple of 4 KiB, at least 1 MiB");
}

const DeviceConfig &validated(const DeviceConfig &c)
{
	validate(c);
	return c;
}

// MICA_SIM_HOST_THREADS=N runs the compute units on N host threads (0: one per host core)
// whatever the configuration asks, for comparisons; results and cycle counts do not depend on it.
unsigned host_threads(const DeviceConfig &c)
{
	const char *env = std::getenv("MICA_SIM_HOST_THREADS");
	if (!env || !*env)
		return c.host_threads;
	char *end = nullptr;
	const unsigned long n = std::strtoul(env, &end, 10);
	return *end == 0 && n <= 256 ? static_cast<unsigned>(n) : c.host_threads;
}

} // namespace

DeviceImpl::DeviceImpl(const DeviceConfig &config)
    : config_(validated(config)), vram_(config.vram_bytes, config.external_vram),
      mmu_(vram_, config.system_dma ? &host_bus_ : nullptr),
      engine_(make_compute_engine(mmu_, config.cu_count, host_threads(config), static_cast<CuEngine>(config.cu_engine))),
      cp_(vram_, mmu_, *engine_, *this, config.revision), power_profile_(config.power_profile),
      thread_([this] { thread_main(); })
{
}

DeviceImpl::~DeviceImpl()
{
	{
		std::lock_guard lk(mu_);
		stop_ = true;
		stopping_ = true;
	}
	doorbells_.fetch_add(1, std::memory_order_release);
	abort_dispatch_.store(true); // a running endless dispatch must not block the destructor
	cv_.notify_all();
	thread_.join();
}

void DeviceImpl::set_irq_handler(std::function<void()> handler)
{
	std::lock_guard lk(mu_);
	irq_handler_ = std::move(handler);
}

bool DeviceImpl::ring_has_work() const
{
	return cp_enabled_ && !cp_halted_ && ring_head_ != ring_tail_;
}

bool DeviceImpl::ring_geometry_valid() const
{
	const bool pow2 = ring_size_ != 0 && (ring_size_ & (ring_size_ - 1)) == 0;
	return pow2 && ring_size_ >= kRingMinBytes && ring_size_ <= kRingMaxBytes && ring_base_ % MICA_PAGE_SIZE == 0 &&
	       vram_.contains(ring_base_, ring_size_) && ring_tail_ < ring_size_ && ring_tail_ % 4 == 0 &&
	       ring_head_ < ring_size_;
}

void DeviceImpl::deliver_irq(std::unique_lock<std::mutex> &lk)
{
	if (!(int_status_ & int_enable_))
		return;
	std::function<void()> handler = irq_handler_;
	if (!handler)
		return;
	lk.unlock();
	handler();
	lk.lock();
}

void DeviceImpl::raise_irq(uint32_t bits, std::unique_lock<std::mutex> &lk)
{
	const bool was_high = (int_status_ & int_enable_) != 0;
	int_status_ |= bits;
	if (!was_high)
		deliver_irq(lk);
}

namespace {

// How long the device thread keeps polling for the next doorbell after the ring ran dry, before
// it sleeps on the condition variable. A doorbell that finds the thread polling costs the
// submitter no wake-up (a futex call) and, more importantly, does not wake a thread that the
// host's scheduler then runs in place of the submitter while the submitter holds the kernel
// core's lock (the ring is written under it): on this 2-core VM that hand-off and preemption
// cost 5-20 us per submission. The poll yields the CPU between looks, so other runnable work
// on that core goes first. MICA_SIM_IDLE_SPIN_US overrides it (0: sleep at once).
constexpr int64_t kIdleSpinNs = 100'000;

// How long the polling device thread leaves a small job (Device::run_ring_inline's kind) to the
// thread that announced it will borrow the ring (Device::announce_borrower, before its SUBMIT).
// The submitter calls run_ring_inline right after its SUBMIT returns (under a microsecond
// later); if the device thread took the job first, the submitter found the CP busy, returned,
// and slept in its fence wait until the job retired on the device thread: a futex wake-up of the
// submitter, 3-4 us of an empty dispatch's 11-14 on this 2-core VM (docs/performance.md). With no
// borrower announced (a job the interrupt work queued, a submitter that does not borrow) there is
// no grace, and a borrower late by more than the grace loses the job to the device thread.
// MICA_SIM_BORROW_GRACE_US overrides it (0: none).
constexpr int64_t kBorrowGraceNs = 20'000;

int64_t idle_spin_ns()
{
	static const int64_t ns = cu::env_duration_ns("MICA_SIM_IDLE_SPIN_US", kIdleSpinNs);
	return ns;
}

int64_t borrow_grace_ns()
{
	static const int64_t ns = cu::env_duration_ns("MICA_SIM_BORROW_GRACE_US", kBorrowGraceNs);
	return ns;
}

} // namespace

bool DeviceImpl::left_to_its_submitter(std::unique_lock<std::mutex> &lk)
{
	const int64_t grace = borrow_grace_ns();
	if (grace == 0 || borrowers_announced_.load(std::memory_order_acquire) == 0 || !ring_geometry_valid() ||
	    !cp_.small_packet(RingGeometry{ring_base_, ring_size_, ring_head_, ring_tail_}, Device::kInlineInvocations,
	                      Device::kInlineDmaBytes))
		return false;
	// Polled without the lock: a borrower waiting for it while this thread took and dropped it
	// in turn lost the race a third of the time. run_ring_inline counts its arrival and marks the
	// ring borrowed in one hold of the lock, so once the count moved the borrower has the ring
	// (inline_), has run it, or found it busy and left it here.
	lk.unlock();
	const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(grace);
	while (borrowers_announced_.load(std::memory_order_acquire) > 0 && !stopping_.load(std::memory_order_relaxed) &&
	       std::chrono::steady_clock::now() < until)
		std::this_thread::yield();
	lk.lock();
	return !stop_ && !irq_recheck_ && !device_thread_has_work();
}

void DeviceImpl::idle_spin(std::unique_lock<std::mutex> &lk)
{
	const int64_t budget = idle_spin_ns();
	if (budget == 0 || stop_ || irq_recheck_ || device_thread_has_work())
		return;
	auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(budget);
	for (;;) {
		const uint64_t seen = doorbells_.load(std::memory_order_acquire);
		lk.unlock();
		while (doorbells_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < deadline)
			std::this_thread::yield();
		lk.lock();
		if (stop_ || irq_recheck_ || device_thread_has_work() || std::chrono::steady_clock::now() >= deadline)
			return;
		// A doorbell whose work a borrowed thread took (run_ring_inline): more are likely to
		// follow, so the budget starts again from it.
		deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(budget);
	}
}

void DeviceImpl::thread_main()
{
	std::unique_lock lk(mu_);
	for (;;) {
		idle_spin(lk);
		// Woken by a doorbell whose work a borrowed thread took before this thread got the lock:
		// poll again rather than sleep at once. A thread that went to sleep stayed asleep while
		// every small job ran inline, and each of their doorbells paid a futex wake-up of it
		// (6.7 of the 13 us an empty dispatch took on an idle host, where a sleeping vCPU must be
		// woken; 0.3 us on a busy one).
		const uint64_t seen = doorbells_.load(std::memory_order_acquire);
		cv_.wait(lk, [&] {
			return stop_ || irq_recheck_ || device_thread_has_work() || doorbells_.load(std::memory_order_acquire) != seen;
		});
		if (stop_)
			return;
		if (irq_recheck_) {
			irq_recheck_ = false;
			deliver_irq(lk);
			continue;
		}
		if (!device_thread_has_work() || left_to_its_submitter(lk))
			continue;
		step_ring(lk);
	}
}

void DeviceImpl::step_ring(std::unique_lock<std::mutex> &lk)
{
	if (!ring_geometry_valid()) {
		cp_halted_ = true;
		cp_error_ = MICA_CP_ERROR_BAD_RING;
		raise_irq(MICA_IRQ_CP_ERROR, lk);
		return;
	}
	const RingGeometry ring{ring_base_, ring_size_, ring_head_, ring_tail_};
	const uint64_t generation = generation_.load();
	executing_ = true;
	lk.unlock();
	mica_trace(MICA_TRACE_CP_START);
	const RingStep step = cp_.ring_step(ring, generation);
	lk.lock();
	executing_ = false;
	if (generation != generation_.load())
		return; // CP_CTRL reset while the packet ran: head and tail were already zeroed
	if (step.cp_error != MICA_CP_ERROR_NONE) {
		cp_halted_ = true;
		cp_error_ = step.cp_error;
		raise_irq(MICA_IRQ_CP_ERROR, lk);
	} else {
		ring_head_ = step.new_head;
	}
}

void DeviceImpl::announce_borrower()
{
	borrowers_announced_.fetch_add(1, std::memory_order_release);
}

unsigned DeviceImpl::run_ring_inline()
{
	std::unique_lock lk(mu_);
	// An announced borrower has come (any caller answers one announcement: the ring is borrowed
	// either way, and the grace only ever shortens).
	for (unsigned n = borrowers_announced_.load(); n > 0 && !borrowers_announced_.compare_exchange_weak(n, n - 1);) {
	}
	// Only an idle command processor is borrowed: the device thread is not inside a packet and
	// no other thread has it. While inline_ is set the device thread leaves the ring alone.
	if (stop_ || executing_ || inline_ || !ring_has_work())
		return 0;
	inline_ = true;
	// Only what is in the ring now (the caller's own job and anything before it): work queued
	// meanwhile, by other threads or by the interrupt work run here, is the device thread's, so a
	// busy ring cannot keep the caller here indefinitely.
	const uint32_t end = ring_tail_;
	const uint64_t generation = generation_.load();
	unsigned packets = 0;
	while (!stop_ && ring_has_work() && ring_head_ != end && generation_.load() == generation) {
		if (ring_geometry_valid() &&
		    !cp_.small_packet(RingGeometry{ring_base_, ring_size_, ring_head_, ring_tail_},
		                      Device::kInlineInvocations, Device::kInlineDmaBytes))
			break;
		step_ring(lk);
		packets++;
	}
	inline_ = false;
	// What is left (a packet that is not small, work queued meanwhile) is the device thread's.
	if (irq_recheck_ || ring_has_work()) {
		doorbells_.fetch_add(1, std::memory_order_release);
		cv_.notify_all();
	}
	return packets;
}

// ---- MMIO ----

uint32_t DeviceImpl::mmio_read32(uint32_t offset)
{
	std::lock_guard lk(mu_);
	if (offset >= kCtxFirst && offset < kCtxEnd)
		return read_context_reg((offset - kCtxFirst) / kCtxStride, kCtxFirst + (offset - kCtxFirst) % kCtxStride);
	if (offset >= kProgressFirst && offset < kProgressEnd && (offset - kProgressFirst) % kProgressStride == 0) {
		const uint32_t ctx = (offset - kProgressFirst) / kProgressStride;
		// A faulted or killed context's count stands still (mica.toml CTX_PROGRESS).
		return ctx_[ctx].status != MICA_FAULT_NONE ? ctx_[ctx].progress_frozen
		                                           : progress_.live[ctx].load(std::memory_order_relaxed);
	}
	switch (offset) {
	case MICA_REG_ID:
		return MICA_ID_VALUE;
	case MICA_REG_REVISION:
		return config_.revision;
	case MICA_REG_CU_COUNT:
		return config_.cu_count;
	case MICA_REG_VRAM_SIZE_LO:
		return lo32(vram_.size());
	case MICA_REG_VRAM_SIZE_HI:
		return hi32(vram_.size());
	case MICA_REG_CAPS:
		return config_.system_dma ? MICA_BITFIELD_PUT(CAPS, SYSTEM_DMA, 1) : 0;
	case MICA_REG_RING_BASE_LO:
		return lo32(ring_base_);
	case MICA_REG_RING_BASE_HI:
		return hi32(ring_base_);
	case MICA_REG_RING_SIZE:
		return ring_size_;
	case MICA_REG_RING_HEAD:
		return ring_head_;
	case MICA_REG_RING_TAIL:
		return ring_tail_;
	case MICA_REG_CP_STATUS:
		return ((executing_ || ring_has_work()) ? kCpStatusBusy : 0) | (cp_halted_ ? kCpStatusHalted : 0);
	case MICA_REG_CP_CTRL:
		return cp_enabled_ ? kCpCtrlEnable : 0;
	case MICA_REG_CP_ERROR:
		return cp_error_;
	case MICA_REG_INT_STATUS:
		return int_status_;
	case MICA_REG_INT_ENABLE:
		return int_enable_;
	case MICA_REG_FENCE_LO:
		return lo32(fence_);
	case MICA_REG_FENCE_HI:
		return hi32(fence_);
	case MICA_REG_POWER_PROFILE:
		return power_profile_;
	case MICA_REG_WATCHDOG_CYCLES:
		return watchdog_cycles_;
	case MICA_REG_HAZARD_MODE:
		return hazard_mode_;
	case MICA_REG_TIMESTAMP_LO: {
		const uint64_t t = now();
		timestamp_hi_latch_ = hi32(t);
		return lo32(t);
	}
	case MICA_REG_TIMESTAMP_HI:
		return timestamp_hi_latch_;
	case MICA_REG_PERF_SELECT:
		return perf_select_;
	case MICA_REG_PERF_VALUE_LO: {
		const uint64_t v = perf_select_ < MICA_PERF_COUNT ? perf_[perf_select_] : 0;
		perf_hi_latch_ = hi32(v);
		return lo32(v);
	}
	case MICA_REG_PERF_VALUE_HI:
		return perf_hi_latch_;
	case MICA_REG_PERF_CTRL:
		return perf_ctrl_;
	default: // undefined offsets and write-only registers (TLB_INVALIDATE) read 0
		return 0;
	}
}

void DeviceImpl::mmio_write32(uint32_t offset, uint32_t value)
{
	std::unique_lock lk(mu_);
	if (offset >= kCtxFirst && offset < kCtxEnd) {
		write_context_reg((offset - kCtxFirst) / kCtxStride, kCtxFirst + (offset - kCtxFirst) % kCtxStride, value);
		return;
	}
	switch (offset) {
	case MICA_REG_RING_BASE_LO:
		ring_base_ = (ring_base_ & ~0xffffffffull) | value;
		break;
	case MICA_REG_RING_BASE_HI:
		ring_base_ = (ring_base_ & 0xffffffffull) | (uint64_t{value} << 32);
		break;
	case MICA_REG_RING_SIZE:
		ring_size_ = value;
		break;
	case MICA_REG_RING_TAIL:
		ring_tail_ = value;
		doorbells_.fetch_add(1, std::memory_order_release);
		cv_.notify_all(); // the doorbell (no system call when the device thread is polling)
		break;
	case MICA_REG_CP_CTRL:
		if (value & kCpCtrlReset) {
			ring_head_ = ring_tail_ = 0;
			cp_halted_ = false;
			cp_error_ = MICA_CP_ERROR_NONE;
			generation_.fetch_add(1);
			abort_dispatch_.store(true);
		}
		cp_enabled_ = (value & kCpCtrlEnable) != 0;
		doorbells_.fetch_add(1, std::memory_order_release);
		cv_.notify_all();
		break;
	case MICA_REG_INT_STATUS:
		int_status_ &= ~value;
		break;
	case MICA_REG_INT_ENABLE: {
		const bool was_high = (int_status_ & int_enable_) != 0;
		int_enable_ = value & kIrqAll;
		if (!was_high && (int_status_ & int_enable_)) {
			// The line went high because of this write: the handler runs on the device thread.
			irq_recheck_ = true;
			doorbells_.fetch_add(1, std::memory_order_release);
			cv_.notify_all();
		}
		break;
	}
	case MICA_REG_POWER_PROFILE:
		if (value < MICA_PROFILE_COUNT)
			power_profile_ = value;
		break;
	case MICA_REG_WATCHDOG_CYCLES:
		watchdog_cycles_ = value;
		break;
	case MICA_REG_HAZARD_MODE:
		hazard_mode_ = value & 1;
		break;
	case MICA_REG_TLB_INVALIDATE:
		mmu_.invalidate(value);
		break;
	case MICA_REG_PERF_SELECT:
		perf_select_ = value;
		break;
	case MICA_REG_PERF_CTRL:
		write_perf_ctrl_locked(value);
		break;
	default: // read-only and undefined registers ignore writes
		break;
	}
}

uint32_t DeviceImpl::read_context_reg(uint32_t ctx, uint32_t reg)
{
	const ContextRegs &c = ctx_[ctx];
	switch (reg) {
	case MICA_REG_CTX_PTBASE_LO(0):
		return lo32(mmu_.ptbase(ctx));
	case MICA_REG_CTX_PTBASE_HI(0):
		return hi32(mmu_.ptbase(ctx));
	case MICA_REG_CTX_STATUS(0):
		return c.status;
	case MICA_REG_CTX_FAULT_ADDR_LO(0):
		return lo32(c.fault.addr);
	case MICA_REG_CTX_FAULT_ADDR_HI(0):
		return MICA_BITFIELD_PUT(FAULT_ADDR_HI, ADDR, hi32(c.fault.addr)) |
		       MICA_BITFIELD_PUT(FAULT_ADDR_HI, ACCESS, c.fault.access);
	case MICA_REG_CTX_FAULT_PC_LO(0):
		return lo32(c.fault.pc);
	case MICA_REG_CTX_FAULT_PC_HI(0):
		return hi32(c.fault.pc);
	case MICA_REG_CTX_FAULT_INFO(0):
		return c.fault.info;
	default:
		return 0;
	}
}

void DeviceImpl::write_context_reg(uint32_t ctx, uint32_t reg, uint32_t value)
{
	switch (reg) {
	case MICA_REG_CTX_PTBASE_LO(0):
		mmu_.set_ptbase(ctx, (mmu_.ptbase(ctx) & ~0xffffffffull) | value);
		break;
	case MICA_REG_CTX_PTBASE_HI(0):
		mmu_.set_ptbase(ctx, (mmu_.ptbase(ctx) & 0xffffffffull) | (uint64_t{value} << 32));
		break;
	case MICA_REG_CTX_STATUS(0):
		// 0 lets the context run again; a fault code (KILLED) stops it. No interrupt: the
		// kernel knows what it wrote.
		set_context_status_locked(ctx, MICA_BITFIELD_GET(value, CTX_STATUS, FAULT));
		if (ctx_[ctx].status != MICA_FAULT_NONE && ctx == running_ctx_)
			abort_dispatch_.store(true);
		break;
	default: // fault details are read-only
		break;
	}
}

void DeviceImpl::set_context_status_locked(uint32_t ctx, uint32_t status)
{
	ContextRegs &c = ctx_[ctx];
	if (c.status == MICA_FAULT_NONE && status != MICA_FAULT_NONE)
		c.progress_frozen = progress_.live[ctx].load(std::memory_order_relaxed);
	else if (c.status != MICA_FAULT_NONE && status == MICA_FAULT_NONE)
		progress_.live[ctx].store(c.progress_frozen, std::memory_order_relaxed);
	c.status = status;
}

void DeviceImpl::write_perf_ctrl_locked(uint32_t value)
{
	if (value & kPerfCtrlReset)
		perf_.fill(0);
	perf_ctrl_ = value & kPerfCtrlEnable; // reset is self-clearing
}

// ---- CpHost ----

uint32_t DeviceImpl::context_status(uint32_t ctx)
{
	std::lock_guard lk(mu_);
	return ctx < MICA_MAX_CONTEXTS ? ctx_[ctx].status : uint32_t{MICA_FAULT_KILLED};
}

void DeviceImpl::context_fault(uint32_t ctx, const FaultRecord &fault)
{
	std::unique_lock lk(mu_);
	if (ctx >= MICA_MAX_CONTEXTS || ctx_[ctx].status != MICA_FAULT_NONE)
		return; // the first fault is the one reported
	set_context_status_locked(ctx, fault.code);
	ctx_[ctx].fault = fault;
	raise_irq(MICA_IRQ_CONTEXT_FAULT, lk);
}

void DeviceImpl::fence_signalled(uint64_t value)
{
	mica_trace(MICA_TRACE_FENCE_IRQ);
	std::unique_lock lk(mu_);
	fence_ = value;
	raise_irq(MICA_IRQ_FENCE, lk);
}

DispatchSettings DeviceImpl::dispatch_settings()
{
	std::lock_guard lk(mu_);
	return DispatchSettings{power_profile_, hazard_mode_ != 0, watchdog_cycles_};
}

void DeviceImpl::set_power_profile(uint32_t profile)
{
	std::lock_guard lk(mu_);
	power_profile_ = profile;
}

void DeviceImpl::write_perf_ctrl(uint32_t value)
{
	std::lock_guard lk(mu_);
	write_perf_ctrl_locked(value);
}

void DeviceImpl::count_dispatch(const DispatchResult &r)
{
	std::lock_guard lk(mu_);
	if (!(perf_ctrl_ & kPerfCtrlEnable))
		return;
	perf_[MICA_PERF_CYCLES] += r.cycles;
	perf_[MICA_PERF_INSTRUCTIONS] += r.instructions;
	perf_[MICA_PERF_LANE_INSTRUCTIONS] += r.lane_instructions;
	perf_[MICA_PERF_MEM_OPS] += r.mem_ops;
	perf_[MICA_PERF_STALL_CYCLES] += r.stall_cycles;
	perf_[MICA_PERF_WAVES] += r.waves;
	perf_[MICA_PERF_HAZARD_VIOLATIONS] += r.hazard_violations;
	perf_[MICA_PERF_DISPATCHES] += 1;
}

void DeviceImpl::set_page_table(uint32_t ctx, uint64_t ptbase)
{
	mmu_.set_ptbase(ctx, ptbase); // also drops the context's cached translations
}

bool DeviceImpl::interrupted(uint64_t generation)
{
	return stopping_.load() || generation_.load() != generation;
}

const std::atomic<bool> *DeviceImpl::begin_dispatch(uint32_t ctx)
{
	std::lock_guard lk(mu_);
	running_ctx_ = ctx;
	abort_dispatch_.store(stopping_.load());
	return &abort_dispatch_;
}

void DeviceImpl::end_dispatch()
{
	std::lock_guard lk(mu_);
	running_ctx_ = MICA_MAX_CONTEXTS;
}

std::atomic<uint32_t> *DeviceImpl::progress_counter(uint32_t ctx)
{
	return ctx < MICA_MAX_CONTEXTS ? &progress_.live[ctx] : nullptr;
}

void bump_context_progress(Device &device, uint32_t ctx, uint32_t n)
{
	if (std::atomic<uint32_t> *c = device.impl_->progress_counter(ctx))
		c->fetch_add(n, std::memory_order_relaxed);
}

// ---- Device facade ----

Device::Device(const DeviceConfig &config) : impl_(std::make_unique<DeviceImpl>(config)) {}
Device::~Device() = default;
uint32_t Device::mmio_read32(uint32_t offset)
{
	return impl_->mmio_read32(offset);
}
void Device::mmio_write32(uint32_t offset, uint32_t value)
{
	impl_->mmio_write32(offset, value);
}
uint8_t *Device::vram()
{
	return impl_->vram();
}
uint64_t Device::vram_size() const
{
	return impl_->vram_size();
}

bool Device::host_bus_map(uint64_t bus, uint64_t bytes, uint8_t *host)
{
	return impl_->host_bus_map(bus, bytes, host);
}

bool Device::host_bus_unmap(uint64_t bus, uint64_t bytes)
{
	return impl_->host_bus_unmap(bus, bytes);
}
void Device::set_irq_handler(std::function<void()> handler)
{
	impl_->set_irq_handler(std::move(handler));
}
unsigned Device::run_ring_inline()
{
	return impl_->run_ring_inline();
}

void Device::announce_borrower()
{
	impl_->announce_borrower();
}

const DeviceConfig &Device::config() const
{
	return impl_->config();
}

} // namespace mica::sim
