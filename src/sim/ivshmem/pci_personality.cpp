// SPDX-License-Identifier: MIT
#include "pci_personality.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

extern "C" {
#include "mica_hw.h"
#include "mica_pci.h"
}

namespace mica::ivshmem {

namespace {
[[noreturn]] void fail(const char *what)
{
	throw std::system_error(errno, std::generic_category(), std::string("mica-ivshmem: ") + what);
}
} // namespace

PciPersonality::PciPersonality(const mica::sim::DeviceConfig &config, std::function<void()> irq)
    : config_(config), irq_(std::move(irq))
{
	uint64_t vram = config.vram_bytes;
	if (vram < (1u << 20) || (vram & (vram - 1)) != 0)
		throw std::invalid_argument("mica-ivshmem: device memory must be a power of two >= 1 MiB");
	vram_offset_ = vram;
	shm_size_ = 2 * vram;
	shm_fd_ = memfd_create("mica-bar2", MFD_CLOEXEC);
	if (shm_fd_ < 0)
		fail("memfd_create");
	if (ftruncate(shm_fd_, static_cast<off_t>(shm_size_)) < 0)
		fail("ftruncate");
	void *p = mmap(nullptr, shm_size_, PROT_READ | PROT_WRITE, MAP_SHARED, shm_fd_, 0);
	if (p == MAP_FAILED)
		fail("mmap");
	shm_ = static_cast<uint8_t *>(p);
	store(MICA_PCI_CTRL_MAGIC, MICA_PCI_MAGIC);
	store(MICA_PCI_CTRL_VERSION, MICA_PCI_VERSION);
	store(MICA_PCI_CTRL_DEVICE_PEER, 0);
	store64(MICA_PCI_CTRL_VRAM_OFFSET, vram_offset_);
	store64(MICA_PCI_CTRL_VRAM_SIZE, vram);
	store(MICA_PCI_CTRL_MMIO_SIZE, MICA_MMIO_SIZE);
	start_device();
	// Written last: the driver may use the device once it reads READY.
	store(MICA_PCI_CTRL_READY, 1);
}

PciPersonality::~PciPersonality()
{
	device_.reset();
	munmap(shm_, shm_size_);
	close(shm_fd_);
}

uint32_t PciPersonality::load(uint32_t off) const
{
	return __atomic_load_n(reinterpret_cast<const uint32_t *>(shm_ + off), __ATOMIC_ACQUIRE);
}

void PciPersonality::store(uint32_t off, uint32_t v)
{
	__atomic_store_n(reinterpret_cast<uint32_t *>(shm_ + off), v, __ATOMIC_RELEASE);
}

void PciPersonality::store64(uint32_t off, uint64_t v)
{
	store(off, static_cast<uint32_t>(v));
	store(off + 4, static_cast<uint32_t>(v >> 32));
}

void PciPersonality::start_device()
{
	mica::sim::DeviceConfig c = config_;
	c.external_vram = shm_ + vram_offset_;
	// The device process shares only the ivshmem region with the guest, not guest RAM: it cannot
	// master the guest's system bus, so CAPS.SYSTEM_DMA reads 0 (docs/kernel.md "Host memory").
	c.system_dma = false;
	device_ = std::make_unique<mica::sim::Device>(c);
	device_->set_irq_handler(irq_);
}

void PciPersonality::reset()
{
	device_.reset();
	// Zero device memory without touching every page: give the pages back to the memfd.
	if (fallocate(shm_fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(vram_offset_),
	              static_cast<off_t>(shm_size_ - vram_offset_)) < 0)
		fail("fallocate(PUNCH_HOLE)");
	start_device();
}

unsigned PciPersonality::service_mailbox()
{
	unsigned n = 0;
	for (;;) {
		uint32_t seq = load(MICA_PCI_MBOX_REQ_SEQ);
		if (seq == load(MICA_PCI_MBOX_RESP_SEQ))
			return n;
		uint32_t op = load(MICA_PCI_MBOX_OP), reg = load(MICA_PCI_MBOX_REG);
		uint32_t value = load(MICA_PCI_MBOX_VALUE), result = 0, status = MICA_PCI_MBOX_OK;
		bool reg_ok = reg % 4 == 0 && reg < MICA_MMIO_SIZE;
		switch (op) {
		case MICA_PCI_OP_READ32:
			if (reg_ok)
				result = device_->mmio_read32(reg);
			else
				status = MICA_PCI_MBOX_ERR_REG;
			break;
		case MICA_PCI_OP_WRITE32:
			if (reg_ok)
				device_->mmio_write32(reg, value);
			else
				status = MICA_PCI_MBOX_ERR_REG;
			break;
		case MICA_PCI_OP_RESET:
			reset();
			break;
		default:
			status = MICA_PCI_MBOX_ERR_OP;
			break;
		}
		store(MICA_PCI_MBOX_RESULT, result);
		store(MICA_PCI_MBOX_STATUS, status);
		store(MICA_PCI_MBOX_RESP_SEQ, seq); // release: result and status first
		requests_++;
		n++;
	}
}

} // namespace mica::ivshmem
