/* SPDX-License-Identifier: MIT */
/*
 * Module-only parts of the Mica driver (kernel/linux/): the PCI probe of the device's ivshmem
 * personality, the register mailbox, and the DRM glue around the shared core (the .c files of
 * kernel/).
 * Nothing here is built in user space; docs/kernel.md says what the in-process tests therefore
 * do not cover.
 */
#ifndef MICA_LINUX_H
#define MICA_LINUX_H

#include <linux/pci.h>
#include <drm/drm_device.h>
#include <drm/gpu_scheduler.h>

#include "mica_kconfig.h"	/* configure-style API shape checks (configure.sh) */

#if MICA_HAVE_VM_FLAGS_SET
#define mica_vm_flags_set(vma, f) vm_flags_set(vma, f)
#else
#define mica_vm_flags_set(vma, f) ((vma)->vm_flags |= (f))
#endif
#include "../mica_drv.h"

/* The device as the core reaches it (mica_os.h): see mica_linux_hw.c. */
struct mica_hw {
	struct pci_dev *pdev;
	void __iomem *ivshmem;		/* BAR0: doorbell */
	void __iomem *ctrl;		/* BAR2 control page, uncached */
	void __iomem *vram;		/* BAR2 device memory, write-combined */
	resource_size_t vram_phys;	/* bus address of vram, for user mappings */
	u64 vram_size;
	u32 mmio_size;
	u32 device_peer;
	struct mutex mbox_lock;		/* one register access in flight; leaf */
	u32 mbox_seq;
	bool lost;			/* the device stopped answering: registers read 0 */
};

struct mica_drm {
	struct drm_device drm;
	struct mica_hw hw;
	struct mica_device mdev;
	int irq;
	struct drm_gpu_scheduler sched;	/* the kernel ring (mica_linux_sched.c) */
	spinlock_t fence_lock;		/* the hardware fences */
	atomic_t live_sched_jobs;	/* struct mica_linux_job allocated (debugfs mica_sched) */
	atomic_t sched_timeouts;	/* timedout_job calls */
	atomic_t sched_timeouts_acted;	/* ... of which the core recovered a hang */
	/* calls of run_job, free_job, the deferred free, and frees of jobs that never ran */
	atomic_t stat_run, stat_free, stat_freed, stat_discarded;
};

static inline struct mica_drm *to_mica_drm(struct drm_device *drm)
{
	return container_of(drm, struct mica_drm, drm);
}

/* mica_linux_hw.c */
int mica_hw_probe(struct mica_hw *hw, struct pci_dev *pdev);
int mica_hw_reset(struct mica_hw *hw);

/* mica_linux_sched.c */
void mica_sched_debugfs_init(struct mica_drm *md, struct dentry *root);

/* mica_linux_gem.c */
struct dma_buf;
struct drm_gem_object *mica_gem_prime_import(struct drm_device *dev, struct dma_buf *dma_buf);

/* mica_linux_drm.c */
extern const struct drm_driver mica_drm_driver;
extern const struct attribute_group *mica_dev_groups[];
void mica_params_from_module(struct mica_params *p);
void mica_knobs_bind(struct mica_device *mdev);
void mica_knobs_unbind(struct mica_device *mdev);

#endif /* MICA_LINUX_H */
