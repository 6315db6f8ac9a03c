// SPDX-License-Identifier: MIT
// The thin glue between the C kernel core and the C++ device model: MMIO accessors, the VRAM
// aperture, and the interrupt line. This is the user-space stand-in for the PCI probe code.
#include <mica/sim/device.h>
#include <mica/sim/device_trace.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

extern "C" {
#include "../mica_drv.h"
#include "mica_um_gem.h"
}
#include "mica/kernel/um.h"

struct mica_hw {
	mica::sim::Device *dev;
};

namespace {
// synchronize_irq(): removal waits for a running handler and no handler starts afterwards.
struct IrqGate {
	std::mutex mu;
	bool alive = true;
};
} // namespace

extern "C" u32 mica_hw_read(struct mica_hw *hw, u32 reg)
{
	return hw->dev->mmio_read32(reg);
}

extern "C" void mica_hw_write(struct mica_hw *hw, u32 reg, u32 v)
{
	hw->dev->mmio_write32(reg, v);
}

extern "C" u8 *mica_hw_vram(struct mica_hw *hw)
{
	return hw->dev->vram();
}

extern "C" u64 mica_hw_vram_size(struct mica_hw *hw)
{
	return hw->dev->vram_size();
}

extern "C" bool mica_um_host_bus_map(struct mica_hw *hw, u64 bus, u64 bytes, void *host)
{
	return hw->dev->host_bus_map(bus, bytes, static_cast<uint8_t *>(host));
}

extern "C" void mica_um_host_bus_unmap(struct mica_hw *hw, u64 bus, u64 bytes)
{
	hw->dev->host_bus_unmap(bus, bytes);
}

namespace {

void trace_kernel_stage(enum mica_os_trace_stage stage)
{
	switch (stage) {
	case MICA_OS_TRACE_VALIDATED:
		mica_trace_record(MICA_TRACE_VALIDATED);
		break;
	case MICA_OS_TRACE_QUEUED:
		mica_trace_record(MICA_TRACE_QUEUED);
		break;
	case MICA_OS_TRACE_IRQ_WORK:
		mica_trace_record(MICA_TRACE_IRQ_WORK);
		break;
	case MICA_OS_TRACE_RETIRED:
		mica_trace_record(MICA_TRACE_RETIRED);
		break;
	}
}

/*
 * The interrupt as a threaded handler (request_threaded_irq in Linux terms): the device model
 * delivers its interrupt on the thread that raised it (the device thread, holding none of the
 * core's locks; DeviceImpl::deliver_irq), which may sleep, so the handler acknowledges the line
 * exactly as mica_irq_handler() does and then runs the interrupt work itself instead of waking
 * the workqueue thread for it. That saves a thread hand-off (a futex wake and a context switch,
 * several microseconds on a loaded VM) between the fence and the retire on every job. The work is
 * the same function under the same lock (mdev->lock), so ordering against submits, the timeout
 * work and resets is unchanged; the ordered workqueue still runs it when anything else queues it.
 * MICA_SIM_IRQ_WORKQUEUE=1 restores the deferred path (for comparison).
 */
void irq_threaded(mica_device *mdev)
{
	u32 st, all = 0;

	while ((st = mica_hw_read(mdev->hw, MICA_REG_INT_STATUS)) != 0) {
		mica_hw_write(mdev->hw, MICA_REG_INT_STATUS, st);
		all |= st;
	}
	if (!all)
		return;
	atomic_or((int)all, &mdev->irq_pending);
	mica_sched_irq_work(&mdev->irq_work);
}

bool irq_via_workqueue()
{
	const char *e = std::getenv("MICA_SIM_IRQ_WORKQUEUE");
	return e && *e && std::strcmp(e, "0") != 0;
}

} // namespace

namespace mica::kernel {

UmDevice::UmDevice(mica::sim::Device &device, const mica_um_params &params)
	: hw_(std::make_unique<mica_hw>(mica_hw{&device})), mdev_(std::make_unique<mica_device>())
{
	mica_params p{};
	p.watchdog_cycles = params.watchdog_cycles;
	p.job_timeout_ns = params.job_timeout_ns;
	p.job_max_ns = params.job_max_ns;
	p.client_limit[MICA_RES_CONTEXTS] = params.client_max_contexts;
	p.client_limit[MICA_RES_VRAM] = params.client_max_vram_bytes;
	p.client_limit[MICA_RES_PT] = params.client_max_pt_bytes;
	p.client_limit[MICA_RES_JOBS] = params.client_max_jobs;
	p.client_limit[MICA_RES_SYNCS] = params.client_max_syncs;
	p.client_limit[MICA_RES_CPU_MAPS] = params.client_max_cpu_maps;
	p.client_limit[MICA_RES_MAPPINGS] = params.client_max_mappings;
	p.client_limit[MICA_RES_PINNED] = params.client_max_pinned_bytes;
	p.hang_ban_threshold = params.hang_ban_threshold;
	// Set once, before the first device's threads run (later devices find it set).
	if (mica_trace_on && !mica_um_trace_hook)
		mica_um_trace_hook = trace_kernel_stage;
	int ret = mica_device_init(mdev_.get(), hw_.get(), &p);
	if (ret)
		throw std::runtime_error("mica: device init failed: " + std::to_string(ret));
	mica_device *mdev = mdev_.get();
	auto gate = std::make_shared<IrqGate>();
	irq_gate_ = gate;
	const bool deferred = irq_via_workqueue();
	device.set_irq_handler([mdev, gate, deferred] {
		std::lock_guard lk(gate->mu);
		if (!gate->alive)
			return;
		if (deferred)
			mica_irq_handler(mdev);
		else
			irq_threaded(mdev);
	});
}

UmDevice::~UmDevice()
{
	// Stop the interrupt line before the driver goes away (free_irq + synchronize_irq).
	if (auto gate = std::static_pointer_cast<IrqGate>(irq_gate_)) {
		std::lock_guard lk(gate->mu);
		gate->alive = false;
	}
	hw_->dev->set_irq_handler([] {});
	// dma-bufs still open in the process let go of their BOs: the device's memory goes with it.
	mica_um_gem_device_fini(mdev_.get());
	mica_device_fini(mdev_.get());
	mica_um_devcoredump_release(mdev_.get());
}

} // namespace mica::kernel
