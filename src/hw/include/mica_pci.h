/* SPDX-License-Identifier: MIT */
/*
 * Mica's PCI personality (docs/hw/pci.md): how the device appears to a guest under QEMU, which
 * has no Mica device. The guest sees an ivshmem-doorbell PCI device (the PCI ID is generic, so
 * the magic word below is what says "Mica"); the device model runs on the host as the ivshmem
 * server (src/sim/ivshmem/). Shared by that server and the Linux module (kernel/linux/).
 *
 *   BAR0  ivshmem registers; DOORBELL rings the device: (peer << 16) | vector
 *   BAR1  MSI-X table; vector MICA_PCI_VEC_IRQ is the device's interrupt line
 *   BAR2  shared memory: the control page at 0, device memory (VRAM) at CTRL_VRAM_OFFSET
 *
 * Registers (the [mmio] block of mica.toml) are not memory: reading INT_STATUS or writing
 * RING_TAIL has effects. So the control page holds a register mailbox: the driver writes the
 * request, bumps REQ_SEQ, rings the doorbell; the device performs exactly that register access
 * on the model and publishes RESP_SEQ = REQ_SEQ with the result. One access in flight at a time.
 */
#ifndef MICA_PCI_H
#define MICA_PCI_H

#define MICA_PCI_VENDOR_ID 0x1af4u	/* Red Hat, Inc. (ivshmem) */
#define MICA_PCI_DEVICE_ID 0x1110u	/* Inter-VM shared memory */

#define MICA_PCI_BAR_IVSHMEM 0
#define MICA_PCI_BAR_MSIX 1
#define MICA_PCI_BAR_SHM 2

/* BAR0 registers (QEMU docs/specs/ivshmem-spec.txt). */
#define MICA_IVSHMEM_REG_IVPOSITION 0x08u
#define MICA_IVSHMEM_REG_DOORBELL 0x0cu

/* Interrupt vectors, both directions. */
#define MICA_PCI_VECTORS 1u
#define MICA_PCI_VEC_MBOX 0u	/* guest -> device: a mailbox request is ready */
#define MICA_PCI_VEC_IRQ 0u	/* device -> guest: INT_STATUS & INT_ENABLE became non-zero */

/* The control page (BAR2 offset 0), little-endian 32-bit words unless noted. */
#define MICA_PCI_CTRL_SIZE 4096u
#define MICA_PCI_MAGIC 0x4143494du	/* "MICA" */
#define MICA_PCI_VERSION 1u
#define MICA_PCI_CTRL_MAGIC 0x000u
#define MICA_PCI_CTRL_VERSION 0x004u
#define MICA_PCI_CTRL_READY 0x008u		/* written last: 1 = serving requests */
#define MICA_PCI_CTRL_DEVICE_PEER 0x00cu	/* ivshmem peer ID to ring */
#define MICA_PCI_CTRL_VRAM_OFFSET 0x010u	/* u64: device memory's offset in BAR2 */
#define MICA_PCI_CTRL_VRAM_SIZE 0x018u		/* u64 */
#define MICA_PCI_CTRL_MMIO_SIZE 0x020u		/* bytes of register space (mica.toml [mmio]) */

/* The register mailbox. */
#define MICA_PCI_MBOX_REQ_SEQ 0x040u	/* driver: bumped after OP/REG/VALUE are written */
#define MICA_PCI_MBOX_OP 0x044u
#define MICA_PCI_MBOX_REG 0x048u
#define MICA_PCI_MBOX_VALUE 0x04cu
#define MICA_PCI_MBOX_RESP_SEQ 0x050u	/* device: = REQ_SEQ once done */
#define MICA_PCI_MBOX_RESULT 0x054u	/* read value */
#define MICA_PCI_MBOX_STATUS 0x058u	/* 0 ok, else MICA_PCI_MBOX_ERR_* */

#define MICA_PCI_OP_READ32 1u
#define MICA_PCI_OP_WRITE32 2u
#define MICA_PCI_OP_RESET 3u	/* device reset: fresh model, device memory zeroed */

#define MICA_PCI_MBOX_OK 0u
#define MICA_PCI_MBOX_ERR_OP 1u	/* unknown OP */
#define MICA_PCI_MBOX_ERR_REG 2u	/* REG misaligned or beyond MMIO_SIZE */

#endif /* MICA_PCI_H */
