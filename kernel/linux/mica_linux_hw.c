// SPDX-License-Identifier: MIT
/*
 * The device's PCI personality from the driver's side (docs/hw/pci.md, src/hw/include/mica_pci.h):
 * find the Mica control page in BAR2, map device memory, and reach the registers through the
 * mailbox. Registers have side effects (INT_STATUS is write-1-to-clear, RING_TAIL starts the
 * command processor), so each access is one request the device performs on the model, in order.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>

#include "mica_linux.h"
#include "mica_pci.h"

/* Generous: under TCG on a loaded host a round trip can take milliseconds. */
#define MICA_MBOX_TIMEOUT_MS 10000
#define MICA_READY_TIMEOUT_MS 5000

static int mbox_call(struct mica_hw *hw, u32 op, u32 reg, u32 value, u32 *result)
{
	ktime_t deadline;
	u32 seq, status, spins = 0;
	int ret = 0;

	mutex_lock(&hw->mbox_lock);
	if (hw->lost) {
		ret = -ENODEV;
		goto out;
	}
	writel(op, hw->ctrl + MICA_PCI_MBOX_OP);
	writel(reg, hw->ctrl + MICA_PCI_MBOX_REG);
	writel(value, hw->ctrl + MICA_PCI_MBOX_VALUE);
	seq = ++hw->mbox_seq;
	/* writel orders the request words before the sequence number and the doorbell. */
	writel(seq, hw->ctrl + MICA_PCI_MBOX_REQ_SEQ);
	writel((hw->device_peer << 16) | MICA_PCI_VEC_MBOX,
	       hw->ivshmem + MICA_IVSHMEM_REG_DOORBELL);
	deadline = ktime_add_ms(ktime_get(), MICA_MBOX_TIMEOUT_MS);
	while (readl(hw->ctrl + MICA_PCI_MBOX_RESP_SEQ) != seq) {
		if (ktime_after(ktime_get(), deadline)) {
			hw->lost = true;
			dev_err(&hw->pdev->dev, "device does not answer (op %u reg %#x): marked lost\n",
				op, reg);
			ret = -ETIMEDOUT;
			goto out;
		}
		/* Spin briefly (KVM answers in microseconds), then let others run. */
		if (++spins < 1000)
			cpu_relax();
		else
			usleep_range(10, 50);
	}
	status = readl(hw->ctrl + MICA_PCI_MBOX_STATUS);
	if (result)
		*result = readl(hw->ctrl + MICA_PCI_MBOX_RESULT);
	if (status != MICA_PCI_MBOX_OK) {
		dev_err(&hw->pdev->dev, "mailbox op %u reg %#x refused: status %u\n", op, reg,
			status);
		ret = -EIO;
	}
out:
	mutex_unlock(&hw->mbox_lock);
	return ret;
}

/* A lost device reads 0, not ~0: the interrupt handler loops while INT_STATUS is non-zero. */
u32 mica_hw_read(struct mica_hw *hw, u32 reg)
{
	u32 v = 0;

	if (mbox_call(hw, MICA_PCI_OP_READ32, reg, 0, &v))
		return 0;
	return v;
}

void mica_hw_write(struct mica_hw *hw, u32 reg, u32 v)
{
	mbox_call(hw, MICA_PCI_OP_WRITE32, reg, v, NULL);
}

u8 *mica_hw_vram(struct mica_hw *hw)
{
	return (u8 __force *)hw->vram;
}

u64 mica_hw_vram_size(struct mica_hw *hw)
{
	return hw->vram_size;
}

int mica_hw_reset(struct mica_hw *hw)
{
	return mbox_call(hw, MICA_PCI_OP_RESET, 0, 0, NULL);
}

/* BAR0 and BAR2 are already requested (pcim_iomap_regions). */
int mica_hw_probe(struct mica_hw *hw, struct pci_dev *pdev)
{
	resource_size_t shm_len = pci_resource_len(pdev, MICA_PCI_BAR_SHM);
	ktime_t deadline;
	u64 off, size;
	u32 magic, version;

	hw->pdev = pdev;
	mutex_init(&hw->mbox_lock);
	hw->ivshmem = pcim_iomap_table(pdev)[MICA_PCI_BAR_IVSHMEM];
	if (shm_len < MICA_PCI_CTRL_SIZE)
		return -ENODEV;
	hw->ctrl = devm_ioremap(&pdev->dev, pci_resource_start(pdev, MICA_PCI_BAR_SHM),
				MICA_PCI_CTRL_SIZE);
	if (!hw->ctrl)
		return -ENOMEM;
	/* The PCI ID is generic ivshmem: only the magic says this is a Mica device. */
	magic = readl(hw->ctrl + MICA_PCI_CTRL_MAGIC);
	version = readl(hw->ctrl + MICA_PCI_CTRL_VERSION);
	if (magic != MICA_PCI_MAGIC) {
		dev_info(&pdev->dev, "ivshmem device without the Mica magic (%#x): not ours\n",
			 magic);
		return -ENODEV;
	}
	if (version != MICA_PCI_VERSION) {
		dev_err(&pdev->dev, "Mica PCI personality version %u, driver speaks %u\n", version,
			MICA_PCI_VERSION);
		return -ENODEV;
	}
	deadline = ktime_add_ms(ktime_get(), MICA_READY_TIMEOUT_MS);
	while (readl(hw->ctrl + MICA_PCI_CTRL_READY) != 1) {
		if (ktime_after(ktime_get(), deadline)) {
			dev_err(&pdev->dev, "device never became ready\n");
			return -ETIMEDOUT;
		}
		usleep_range(10000, 20000);
	}
	hw->device_peer = readl(hw->ctrl + MICA_PCI_CTRL_DEVICE_PEER);
	hw->mmio_size = readl(hw->ctrl + MICA_PCI_CTRL_MMIO_SIZE);
	off = lo_hi_readq(hw->ctrl + MICA_PCI_CTRL_VRAM_OFFSET);
	size = lo_hi_readq(hw->ctrl + MICA_PCI_CTRL_VRAM_SIZE);
	if (hw->device_peer > 0xffff || off < MICA_PCI_CTRL_SIZE || !size ||
	    !IS_ALIGNED(off, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) ||
	    off > shm_len || size > shm_len - off) {
		dev_err(&pdev->dev, "bad control page: peer %u vram %#llx+%#llx in a %#llx BAR\n",
			hw->device_peer, off, size, (u64)shm_len);
		return -ENODEV;
	}
	hw->vram_phys = pci_resource_start(pdev, MICA_PCI_BAR_SHM) + off;
	hw->vram_size = size;
	hw->vram = devm_ioremap_wc(&pdev->dev, hw->vram_phys, size);
	if (!hw->vram)
		return -ENOMEM;
	dev_info(&pdev->dev, "Mica PCI personality v%u: ivshmem peer %u, device peer %u, %llu MiB\n",
		 version, readl(hw->ivshmem + MICA_IVSHMEM_REG_IVPOSITION), hw->device_peer,
		 size >> 20);
	return 0;
}
