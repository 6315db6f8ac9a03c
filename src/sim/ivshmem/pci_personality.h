// SPDX-License-Identifier: MIT
// Mica's PCI personality on the host side (docs/hw/pci.md, src/hw/include/mica_pci.h): the
// shared memory that becomes BAR2 (control page + device memory), the device model running
// over that memory, and the register mailbox through which the guest driver reaches the
// model's registers. The same mica::sim::Device the in-process path uses.
#pragma once

#include <mica/sim/device.h>

#include <cstdint>
#include <functional>
#include <memory>

namespace mica::ivshmem {

class PciPersonality {
public:
	// vram_bytes: a power of two; BAR2 is twice that (a PCI BAR is a power of two), the control
	// page at 0 and device memory in the upper half. irq: raises the guest's interrupt vector.
	PciPersonality(const mica::sim::DeviceConfig &config, std::function<void()> irq);
	~PciPersonality();
	PciPersonality(const PciPersonality &) = delete;
	PciPersonality &operator=(const PciPersonality &) = delete;

	int shm_fd() const { return shm_fd_; }
	uint64_t shm_size() const { return shm_size_; }

	// Performs every mailbox request the guest posted (a doorbell may cover several);
	// returns how many.
	unsigned service_mailbox();
	// Device reset: a fresh model over zeroed device memory (also between guests).
	void reset();
	uint64_t requests() const { return requests_; }

private:
	uint32_t load(uint32_t off) const;
	void store(uint32_t off, uint32_t v);
	void store64(uint32_t off, uint64_t v);
	void start_device();

	mica::sim::DeviceConfig config_;
	std::function<void()> irq_;
	int shm_fd_ = -1;
	uint64_t shm_size_ = 0;
	uint64_t vram_offset_ = 0;
	uint8_t *shm_ = nullptr;
	std::unique_ptr<mica::sim::Device> device_;
	uint64_t requests_ = 0;
};

} // namespace mica::ivshmem
