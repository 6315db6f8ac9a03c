// SPDX-License-Identifier: MIT
// The device behind the Device facade: register file, interrupt controller, perf counters,
// global clock, and the device thread that drives the command processor.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "cp.h"
#include "cp_host.h"
#include "engine.h"
#include "host_bus.h"
#include "mica/sim/device.h"
#include "mmu.h"
#include "vram.h"

namespace mica::sim {

class DeviceImpl final : public CpHost {
public:
	explicit DeviceImpl(const DeviceConfig &config);
	~DeviceImpl() override;

	uint32_t mmio_read32(uint32_t offset);
	void mmio_write32(uint32_t offset, uint32_t value);
	uint8_t *vram() { return vram_.data(); }
	uint64_t vram_size() const { return vram_.size(); }
	bool host_bus_map(uint64_t bus, uint64_t bytes, uint8_t *host)
	{
		return config_.system_dma && host_bus_.map(bus, bytes, host);
	}
	bool host_bus_unmap(uint64_t bus, uint64_t bytes) { return host_bus_.unmap(bus, bytes); }
	void set_irq_handler(std::function<void()> handler);
	const DeviceConfig &config() const { return config_; }
	unsigned run_ring_inline(); // Device::run_ring_inline
	void announce_borrower();   // Device::announce_borrower

	// CpHost (called on the device thread)
	uint32_t context_status(uint32_t ctx) override;
	void context_fault(uint32_t ctx, const FaultRecord &fault) override;
	void fence_signalled(uint64_t value) override;
	DispatchSettings dispatch_settings() override;
	void set_power_profile(uint32_t profile) override;
	void write_perf_ctrl(uint32_t value) override;
	void count_dispatch(const DispatchResult &result) override;
	void set_page_table(uint32_t ctx, uint64_t ptbase) override;
	uint64_t now() override { return clock_.load(std::memory_order_relaxed); }
	void advance(uint64_t cycles) override { clock_.fetch_add(cycles, std::memory_order_relaxed); }
	bool interrupted(uint64_t generation) override;
	const std::atomic<bool> *begin_dispatch(uint32_t ctx) override;
	void end_dispatch() override;
	std::atomic<uint32_t> *progress_counter(uint32_t ctx) override;

private:
	struct ContextRegs {
		uint32_t status = 0;
		FaultRecord fault;
		uint32_t progress_frozen = 0; // CTX_PROGRESS while status != 0
	};
	// CTX_PROGRESS: bumped by the compute-unit threads once per retired workgroup, on lines of
	// their own so the increments never share a cache line with the registers the CP and the
	// kernel's MMIO use.
	struct alignas(64) ProgressCounters {
		std::array<std::atomic<uint32_t>, MICA_MAX_CONTEXTS> live{};
	};

	void thread_main();
	// Polls for a doorbell (or stop) for up to kIdleSpinNs before the device thread sleeps; mu_
	// held via lk on entry and exit, released while polling.
	void idle_spin(std::unique_lock<std::mutex> &lk);
	// The ring's next packet is small and a borrower is announced: waits up to the grace for it
	// to take the packet. True when it did (or the work is gone); mu_ held via lk.
	bool left_to_its_submitter(std::unique_lock<std::mutex> &lk);
	bool ring_has_work() const; // mu_ held
	// The device thread's share: ring work while no borrowed thread runs the ring. mu_ held.
	bool device_thread_has_work() const { return !inline_ && ring_has_work(); }
	// One ring packet on the calling thread (the device thread or a borrowed one); mu_ held via
	// lk, released while the packet runs.
	void step_ring(std::unique_lock<std::mutex> &lk);
	bool ring_geometry_valid() const; // mu_ held
	// Sets INT_STATUS bits; calls the handler when the line goes high. mu_ held via lk; the
	// handler runs unlocked.
	void raise_irq(uint32_t bits, std::unique_lock<std::mutex> &lk);
	void deliver_irq(std::unique_lock<std::mutex> &lk);
	uint32_t read_context_reg(uint32_t ctx, uint32_t reg);
	void write_context_reg(uint32_t ctx, uint32_t reg, uint32_t value);
	// CTX_STATUS of ctx becomes 'status' (mu_ held): CTX_PROGRESS freezes on 0 -> non-zero and
	// resumes from the frozen value on non-zero -> 0.
	void set_context_status_locked(uint32_t ctx, uint32_t status);
	void write_perf_ctrl_locked(uint32_t value);

	const DeviceConfig config_;
	Vram vram_;
	HostBus host_bus_; // empty (and out of the MMU's reach) without config_.system_dma
	PageTableMmu mmu_;
	std::unique_ptr<ComputeEngine> engine_;
	CommandProcessor cp_;

	std::mutex mu_; // guards everything below except the atomics
	std::condition_variable cv_;
	std::function<void()> irq_handler_;
	bool stop_ = false;
	bool irq_recheck_ = false;    // INT_ENABLE was written: the device thread re-evaluates the line
	bool executing_ = false;      // the CP is inside a packet
	bool inline_ = false;         // a borrowed thread runs the ring (run_ring_inline)
	// announce_borrower calls whose run_ring_inline is yet to come (read by a polling device thread
	// without mu_; run_ring_inline decrements it under mu_).
	std::atomic<unsigned> borrowers_announced_{0};
	uint64_t ring_base_ = 0;
	uint32_t ring_size_ = 0, ring_head_ = 0, ring_tail_ = 0;
	bool cp_enabled_ = false, cp_halted_ = false;
	uint32_t cp_error_ = MICA_CP_ERROR_NONE;
	uint32_t int_status_ = 0, int_enable_ = 0;
	uint64_t fence_ = 0;
	uint32_t power_profile_ = MICA_PROFILE_PERF;
	uint32_t watchdog_cycles_ = 0;
	uint32_t hazard_mode_ = 0;
	uint32_t perf_select_ = 0, perf_ctrl_ = 0;
	std::array<uint64_t, MICA_PERF_COUNT> perf_{};
	uint32_t timestamp_hi_latch_ = 0, perf_hi_latch_ = 0;
	std::array<ContextRegs, MICA_MAX_CONTEXTS> ctx_{};
	ProgressCounters progress_;

	std::atomic<uint64_t> clock_{0};
	std::atomic<uint64_t> generation_{0}; // bumped by CP_CTRL reset
	// The context whose dispatch is running (MICA_MAX_CONTEXTS: none) and its kill flag.
	uint32_t running_ctx_ = MICA_MAX_CONTEXTS; // guarded by mu_
	std::atomic<bool> abort_dispatch_{false};
	std::atomic<bool> stopping_{false};
	// Bumped by every RING_TAIL, CP_CTRL and INT_ENABLE write and by shutdown: what idle_spin()
	// polls for.
	std::atomic<uint64_t> doorbells_{0};

	std::thread thread_; // last: starts after everything above is constructed
};

} // namespace mica::sim
