/* SPDX-License-Identifier: MIT */
/*
 * OS abstraction for the Mica kernel core. Built as part of the Linux DRM module (__KERNEL__) it
 * maps to the real kernel APIs; built in user space it maps to the small shim in kernel/userspace/
 * (pthreads, malloc, an ordered worker thread, the device model behind MMIO accessors).
 *
 * The core only uses what is declared here, so the same .c files compile in both worlds.
 */
#ifndef MICA_OS_H
#define MICA_OS_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/lockdep.h>
#include <linux/list.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/uaccess.h>
#include <linux/random.h>
#include <linux/ktime.h>
#include <linux/jiffies.h>
#include <linux/io.h>
#include <linux/string.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/minmax.h>
#include <linux/xarray.h>
#include <drm/drm_gem.h>
#include <drm/drm_mm.h>
#include <drm/drm_file.h>
#include <drm/mica_drm.h>

/*
 * GEM: a Mica BO is a drm_gem_object, its handles are the drm_file's GEM handles, its mmap
 * offset a drm_vma_node, and PRIME makes it a dma-buf (kernel/linux/mica_linux_gem.c). The core
 * reaches them only through the mica_os_gem_* hooks declared in mica_drv.h.
 */
struct mica_os_gem {
	struct drm_gem_object obj;
};

struct mica_os_gem_file {
	struct drm_file *drm;	/* set by the DRM open callback right after mica_open() */
};

/* Device memory is a drm_mm over the VRAM BAR in pages; nodes found again by first page. */
struct mica_os_mm {
	struct drm_mm mm;
	struct xarray nodes;	/* first page -> struct drm_mm_node */
};

/*
 * The device as the module reaches it (kernel/linux/mica_linux_hw.c): registers through the
 * PCI personality's register mailbox, device memory through BAR2 mapped write-combined.
 * Not inline: the register path is a transaction with the device, not a readl().
 */
struct mica_hw;
u32 mica_hw_read(struct mica_hw *hw, u32 reg);
void mica_hw_write(struct mica_hw *hw, u32 reg, u32 v);
u8 *mica_hw_vram(struct mica_hw *hw);	/* the __iomem aperture, __force'd for the core */
u64 mica_hw_vram_size(struct mica_hw *hw);

/*
 * Device memory is an __iomem aperture in the module. The core keeps plain u8 pointers into it
 * (arithmetic only) and touches it only through these accessors.
 */
#define mica_vram_memcpy_to(dst, src, n) memcpy_toio((void __iomem __force *)(dst), src, n)
#define mica_vram_memcpy_from(dst, src, n) \
	memcpy_fromio(dst, (const void __iomem __force *)(src), n)
#define mica_vram_memset(dst, v, n) memset_io((void __iomem __force *)(dst), v, n)
#define mica_vram_read32(p) readl((const void __iomem __force *)(p))
#define mica_vram_write32(p, v) writel(v, (void __iomem __force *)(p))
#define mica_vram_read64(p) readq((const void __iomem __force *)(p))
#define mica_vram_write64(p, v) writeq(v, (void __iomem __force *)(p))

/* jiffies are long: clamp so an "infinite" user timeout does not wrap negative. */
static inline long mica_ns_to_jiffies_clamped(u64 ns)
{
	unsigned long j = nsecs_to_jiffies(ns);

	return j >= MAX_SCHEDULE_TIMEOUT ? MAX_SCHEDULE_TIMEOUT - 1 : (long)j;
}

#define mica_wait_event_timeout_ns(wq, cond, ns) \
	wait_event_timeout(wq, cond, mica_ns_to_jiffies_clamped(ns))
#define mica_queue_delayed_work_ns(wq, dw, ns) \
	queue_delayed_work(wq, dw, mica_ns_to_jiffies_clamped(ns))
/* Rate limited: a hostile client must not be able to flood the kernel log with rejections
 * (the full log stays in debugfs mica_log, the counters in DEV_QUERY_REJECT_COUNTS).
 */
#define mica_os_log_line(line) pr_info_ratelimited("mica: %s\n", line)
#define mica_vsnprintf vsnprintf
/* CPU mappings of device memory are write-combined (kernel/linux/mica_linux_drm.c mmap). */
#define MICA_OS_CPU_CACHING DRM_MICA_CACHING_WC

#else /* user space */
#include "userspace/mica_os_user.h"
#endif

#include "mica_hw.h"

#define MICA_ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define MICA_IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

#endif /* MICA_OS_H */
