// SPDX-License-Identifier: MIT
/*
 * Userptr BOs in the module: the caller's pages pinned with pin_user_pages_fast(FOLL_LONGTERM,
 * and FOLL_WRITE unless the BO is read-only: the pages are then never migrated or swapped while
 * the device may use them) and mapped for the device with dma_map_sgtable(); each page's DMA
 * address is what the core writes into SYSTEM leaves. The core only calls this when the device
 * reports CAPS.SYSTEM_DMA, which the ivshmem personality does not (the device process shares
 * only its ivshmem region, never guest RAM: docs/kernel.md "Host memory"), so on the QEMU setup
 * BO_CREATE_USERPTR fails with -EOPNOTSUPP before reaching here. The in-process counterpart is
 * kernel/userspace/mica_um_userptr.c.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/dma-mapping.h>

#include "mica_linux.h"

struct mica_linux_userptr {
	struct page **pages;
	unsigned long npages;
	struct sg_table sgt;
	enum dma_data_direction dir;
};

static struct device *mdev_dma_dev(struct mica_device *mdev)
{
	return &container_of(mdev, struct mica_drm, mdev)->hw.pdev->dev;
}

int mica_os_userptr_pin(struct mica_device *mdev, u64 uaddr, u64 size, bool write,
			struct mica_userptr **out)
{
	unsigned int gup = FOLL_LONGTERM | (write ? FOLL_WRITE : 0);
	struct mica_linux_userptr *lu;
	struct mica_userptr *up;
	struct sg_dma_page_iter it;
	unsigned long done = 0;
	u64 i = 0;
	int ret;

	/* The core's pages are the CPU's pages: one bus address per PAGE_SIZE page. */
	if (PAGE_SIZE != MICA_PAGE_SIZE)
		return -EOPNOTSUPP;
	if (size >> PAGE_SHIFT > INT_MAX || uaddr + size > TASK_SIZE)
		return -EFAULT;
	up = kzalloc(sizeof(*up), GFP_KERNEL);
	lu = kzalloc(sizeof(*lu), GFP_KERNEL);
	if (!up || !lu) {
		ret = -ENOMEM;
		goto err_free;
	}
	lu->npages = size >> PAGE_SHIFT;
	lu->dir = write ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
	lu->pages = kvmalloc_array(lu->npages, sizeof(*lu->pages), GFP_KERNEL);
	up->bus = kvcalloc(lu->npages, sizeof(*up->bus), GFP_KERNEL);
	if (!lu->pages || !up->bus) {
		ret = -ENOMEM;
		goto err_free;
	}
	/* pin_user_pages_fast() may pin fewer pages than asked: go on from where it stopped. */
	while (done < lu->npages) {
		ret = pin_user_pages_fast(uaddr + (done << PAGE_SHIFT), (int)(lu->npages - done),
					  gup, lu->pages + done);
		if (ret <= 0) {
			ret = ret ? ret : -EFAULT;
			goto err_unpin;
		}
		done += ret;
	}
	ret = sg_alloc_table_from_pages(&lu->sgt, lu->pages, lu->npages, 0, size, GFP_KERNEL);
	if (ret)
		goto err_unpin;
	ret = dma_map_sgtable(mdev_dma_dev(mdev), &lu->sgt, lu->dir, 0);
	if (ret)
		goto err_sgt;
	for_each_sgtable_dma_page(&lu->sgt, &it, 0)
		up->bus[i++] = sg_page_iter_dma_address(&it);
	up->npages = lu->npages;
	up->writable = write;
	up->os = lu;
	*out = up;
	return 0;

err_sgt:
	sg_free_table(&lu->sgt);
err_unpin:
	unpin_user_pages(lu->pages, done);
err_free:
	if (lu)
		kvfree(lu->pages);
	if (up)
		kvfree(up->bus);
	kfree(lu);
	kfree(up);
	return ret;
}

void mica_os_userptr_unpin(struct mica_device *mdev, struct mica_userptr *up)
{
	struct mica_linux_userptr *lu = up->os;

	dma_unmap_sgtable(mdev_dma_dev(mdev), &lu->sgt, lu->dir, 0);
	sg_free_table(&lu->sgt);
	/* The device may have written any page: the CPU side must not drop those writes. */
	unpin_user_pages_dirty_lock(lu->pages, lu->npages, up->writable);
	kvfree(lu->pages);
	kfree(lu);
	kvfree(up->bus);
	kfree(up);
}

void mica_os_userptr_read(struct mica_userptr *up, u64 offset, void *dst, size_t n)
{
	struct mica_linux_userptr *lu = up->os;
	char *to = dst;

	while (n) {
		size_t in_page = offset & ~PAGE_MASK;
		size_t chunk = min_t(size_t, n, PAGE_SIZE - in_page);

		memcpy_from_page(to, lu->pages[offset >> PAGE_SHIFT], in_page, chunk);
		to += chunk;
		offset += chunk;
		n -= chunk;
	}
}
