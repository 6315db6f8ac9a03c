// SPDX-License-Identifier: MIT
/*
 * Userptr BOs in process (the module's counterpart: kernel/linux/mica_linux_userptr.c). The
 * client's memory is this process's memory, so "pinning" is: the range must be mapped (and
 * writable when the device may write) right now, as pin_user_pages_fast() would demand, and it is
 * registered on the device model's host bus for as long as the BO lives. Each pin gets a fresh
 * bus range (never reused), as two dma_map calls of the same pages give two mappings; the device
 * can reach nothing else of the process. What the model cannot do is hold the pages: unmapping
 * them while the BO lives leaves the device pointing at a hole (Vulkan forbids that anyway:
 * imported host memory must outlive its VkDeviceMemory); docs/kernel.md "Host memory" says so.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../mica_drv.h"

/* mica_um_glue.cpp: Device::host_bus_map/unmap. */
bool mica_um_host_bus_map(struct mica_hw *hw, u64 bus, u64 bytes, void *host);
void mica_um_host_bus_unmap(struct mica_hw *hw, u64 bus, u64 bytes);

struct um_userptr {
	struct mica_hw *hw;
	u8 *host;
	u64 bus;
	u64 size;
};

/* Bus addresses handed out so far; starts high so no range looks like a small VRAM address. */
static u64 next_bus = 1ull << 40;

/*
 * Whether every byte of [start, end) is mapped in this process, readable, and writable when
 * write (from /proc/self/maps, whose lines are sorted and do not overlap).
 */
static int range_accessible(u64 start, u64 end, bool write)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL;
	size_t cap = 0;
	u64 cur = start;
	int ret = -EFAULT;

	if (!f)
		return -ENOMEM;
	while (cur < end && getline(&line, &cap, f) > 0) {
		unsigned long long lo, hi;
		char perms[5];

		if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perms) != 3)
			break;
		if (hi <= cur)
			continue;
		if (lo > cur || perms[0] != 'r' || (write && perms[1] != 'w'))
			break;	/* a hole, or memory the device may not use as asked */
		cur = hi;
	}
	if (cur >= end)
		ret = 0;
	free(line);
	fclose(f);
	return ret;
}

int mica_os_userptr_pin(struct mica_device *mdev, u64 uaddr, u64 size, bool write,
			struct mica_userptr **out)
{
	u64 vram = (u64)(uintptr_t)mdev->vram, i;
	struct mica_userptr *up;
	struct um_userptr *u;
	int ret;

	/*
	 * The device's own memory mapped into the process (a BO's CPU mapping) is not system
	 * memory: the module's pin refuses such VM_IO|VM_PFNMAP mappings the same way.
	 */
	if (uaddr < vram + mdev->vram_size && vram < uaddr + size)
		return -EFAULT;
	ret = range_accessible(uaddr, uaddr + size, write);
	if (ret)
		return ret;
	up = kzalloc(sizeof(*up), GFP_KERNEL);
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (up)
		up->bus = kcalloc(size / MICA_PAGE_SIZE, sizeof(u64), GFP_KERNEL);
	if (!up || !u || !up->bus)
		goto err_nomem;
	u->hw = mdev->hw;
	u->host = (u8 *)(uintptr_t)uaddr;
	u->size = size;
	u->bus = __atomic_fetch_add(&next_bus, size, __ATOMIC_RELAXED);
	if (!mica_um_host_bus_map(mdev->hw, u->bus, size, u->host)) {
		ret = -ENOMEM;	/* bus address space exhausted */
		goto err;
	}
	up->npages = size / MICA_PAGE_SIZE;
	for (i = 0; i < up->npages; i++)
		up->bus[i] = u->bus + i * MICA_PAGE_SIZE;
	up->writable = write;
	up->os = u;
	*out = up;
	return 0;
err_nomem:
	ret = -ENOMEM;
err:
	if (up)
		kfree(up->bus);
	kfree(up);
	kfree(u);
	return ret;
}

void mica_os_userptr_unpin(struct mica_device *mdev, struct mica_userptr *up)
{
	struct um_userptr *u = up->os;

	(void)mdev;	/* u->hw is the bus the range is on */
	mica_um_host_bus_unmap(u->hw, u->bus, u->size);
	kfree(u);
	kfree(up->bus);
	kfree(up);
}

void mica_os_userptr_read(struct mica_userptr *up, u64 offset, void *dst, size_t n)
{
	struct um_userptr *u = up->os;

	memcpy(dst, u->host + offset, n);
}
