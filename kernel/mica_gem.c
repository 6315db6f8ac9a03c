// SPDX-License-Identifier: MIT
/*
 * Buffer objects: creation, BO_INFO, the mmap offset, CPU-mapping rules, and shader BOs
 * (validated binaries the kernel writes once and user space can never write again). Handles,
 * reference counts, fake offsets, mmap and PRIME are the OS's GEM layer (mica_os_gem_*: the DRM
 * GEM/PRIME helpers in the module, kernel/userspace/mica_um_gem.c in process). Userptr BOs
 * (BO_CREATE_USERPTR) are a client's own pages the OS pinned (mica_os_userptr_*): the device
 * reaches them as system memory through SYSTEM leaves.
 */
#include "mica_drv.h"

/* The last reference went (no handle, CPU mapping, dma-buf, GPU mapping or job holds it). */
void mica_bo_free(struct mica_bo *bo)
{
	struct mica_device *mdev = bo->mdev;

	mica_os_gem_release(bo);
	if (bo->userptr) {
		/* No mapping or job holds the BO any more: no leaf points at its pages. */
		mica_os_userptr_unpin(mdev, bo->userptr);
		mica_client_uncharge(bo->client, MICA_RES_PINNED, bo->size);
	} else {
		mica_mm_free_charged(mdev, bo->client, MICA_RES_VRAM, bo->pa, bo->size);
	}
	mica_client_put(bo->client);
	kfree(bo->shader);
	kfree(bo);
}

bool mica_bo_cpu_mappable(const struct mica_bo *bo)
{
	/*
	 * Shader code is never CPU visible: it must stay what was validated. Userptr BOs are
	 * NO_MMAP (the client has the memory).
	 */
	return !bo->shader && !(bo->flags & DRM_MICA_BO_NO_MMAP);
}

bool mica_bo_exportable(const struct mica_bo *bo)
{
	return !bo->userptr;
}

u64 mica_bo_page_address(const struct mica_bo *bo, u64 offset)
{
	if (bo->userptr)
		return bo->userptr->bus[offset / MICA_PAGE_SIZE] | MICA_PTE_SYSTEM;
	return (bo->pa + offset) & MICA_PTE_ADDR_MASK;
}

void mica_bo_read(const struct mica_bo *bo, u64 offset, void *dst, size_t n)
{
	if (bo->userptr)
		mica_os_userptr_read(bo->userptr, offset, dst, n);
	else
		mica_vram_memcpy_from(dst, bo->mdev->vram + bo->pa + offset, n);
}

u64 mica_bo_cpu_pa(const struct mica_bo *bo)
{
	return bo->pa;
}

int mica_cpu_map_charge(struct mica_client *c)
{
	return mica_client_charge(c, MICA_RES_CPU_MAPS, 1);
}

void mica_cpu_map_charge_force(struct mica_client *c)
{
	mutex_lock(&c->lock);
	c->used[MICA_RES_CPU_MAPS]++;
	mutex_unlock(&c->lock);
}

void mica_cpu_map_uncharge(struct mica_client *c)
{
	mica_client_uncharge(c, MICA_RES_CPU_MAPS, 1);
}

/* shader: the BO can never be CPU mapped (no mmap offset), whatever flags say. */
static int bo_alloc(struct mica_file *file, u64 size, u32 flags, bool shader, struct mica_bo **out)
{
	struct mica_device *mdev = file->mdev;
	struct mica_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	int ret;

	if (!bo)
		return -ENOMEM;
	ret = mica_mm_alloc_charged(mdev, file->client, MICA_RES_VRAM, size, &bo->pa);
	if (ret) {
		kfree(bo);
		return ret;
	}
	bo->mdev = mdev;
	bo->size = size;
	bo->flags = flags;
	ret = mica_os_gem_init(mdev, bo, size, !shader && !(flags & DRM_MICA_BO_NO_MMAP));
	if (ret) {
		mica_mm_free_charged(mdev, file->client, MICA_RES_VRAM, bo->pa, size);
		kfree(bo);
		return ret;
	}
	/* From here on the last mica_bo_put() frees it (mica_bo_free). */
	bo->client = mica_client_get(file->client);
	bo->id = (u64)atomic64_inc_return(&mdev->next_bo_id);
	*out = bo;
	return 0;
}

/* Gives bo a handle in file (the handle takes its own reference). */
static int bo_add_handle(struct mica_file *file, struct mica_bo *bo, u32 *handle)
{
	return mica_os_gem_handle_create(file, bo, handle);
}

struct mica_bo *mica_bo_lookup(struct mica_file *file, u32 handle)
{
	lockdep_assert_held(&file->lock);

	return mica_os_gem_lookup(file, handle);
}

int mica_ioctl_bo_create(struct mica_file *file, void *data)
{
	struct drm_mica_bo_create *args = data;
	struct mica_device *mdev = file->mdev;
	struct mica_bo *bo;
	u64 size;
	int ret;

	if (args->pad || args->flags & ~DRM_MICA_BO_FLAGS ||
	    args->placement != DRM_MICA_BO_PLACEMENT_VRAM || !args->size)
		return -EINVAL;
	if (check_add_overflow(args->size, (u64)MICA_PAGE_SIZE - 1, &size) ||
	    args->size > mdev->vram_size / 2)
		return -ERANGE;
	size = MICA_ALIGN_UP(args->size, (u64)MICA_PAGE_SIZE);
	ret = bo_alloc(file, size, args->flags, false, &bo);
	if (ret)
		return ret;
	ret = bo_add_handle(file, bo, &args->handle);
	/* The handle holds the BO now (or nothing does, and this frees it). */
	mica_bo_put(bo);
	if (ret)
		return ret;
	args->size = size;
	return 0;
}

/* Also for imported BOs: a dma-buf of a Mica BO imports as the same object (PRIME self-import). */
int mica_ioctl_bo_info(struct mica_file *file, void *data)
{
	struct drm_mica_bo_info *args = data;
	struct mica_bo *bo;

	if (args->pad)
		return -EINVAL;
	bo = mica_os_gem_lookup(file, args->handle);
	if (!bo)
		return -ENOENT;
	args->flags = bo->flags;
	args->size = bo->size;
	args->shader = bo->shader ? 1 : 0;
	/* The same rule mmap applies: shader and NO_MMAP BOs are never CPU mapped. */
	args->caching = mica_bo_cpu_mappable(bo) ? MICA_OS_CPU_CACHING : DRM_MICA_CACHING_NONE;
	mica_bo_put(bo);
	return 0;
}

int mica_ioctl_bo_mmap_offset(struct mica_file *file, void *data)
{
	struct drm_mica_bo_mmap_offset *args = data;
	struct mica_bo *bo;
	int ret = 0;

	if (args->pad)
		return -EINVAL;
	bo = mica_os_gem_lookup(file, args->handle);
	if (!bo)
		return -ENOENT;
	if (!mica_bo_cpu_mappable(bo))
		ret = -EACCES;
	else
		args->offset = mica_os_gem_mmap_offset(bo);
	mica_bo_put(bo);
	return ret;
}

int mica_ioctl_shader_create(struct mica_file *file, void *data)
{
	struct drm_mica_shader_create *args = data;
	struct mica_device *mdev = file->mdev;
	struct mica_shader_info *info = NULL;
	struct mica_reject rej;
	struct mica_bo *bo;
	u8 *bin = NULL;
	u64 size;
	char who[48];
	int ret;

	if (args->flags)
		return -EINVAL;
	if (!args->size)
		return -EINVAL;
	if (args->size > MICA_MAX_SHADER_BYTES)
		return -E2BIG;
	bin = kvzalloc(args->size, GFP_KERNEL);
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!bin || !info) {
		ret = -ENOMEM;
		goto out;
	}
	/* Validate a private copy: what was checked is what gets loaded. */
	if (copy_from_user(bin, u64_to_user_ptr(args->binary), args->size)) {
		ret = -EFAULT;
		goto out;
	}
	ret = mica_shader_validate(bin, args->size, mdev->revision,
				   READ_ONCE(mdev->power_profile), info, &rej);
	if (ret) {
		snprintf(who, sizeof(who), "client %u shader", file->id);
		if (rej.reason)
			mica_log_reject(&mdev->log, who, &rej);
		goto out;
	}
	size = MICA_ALIGN_UP((u64)info->const_bo_offset + info->const_size, (u64)MICA_PAGE_SIZE);
	ret = bo_alloc(file, size, DRM_MICA_BO_NO_MMAP, true, &bo);
	if (ret)
		goto out;
	mica_vram_memcpy_to(mdev->vram + bo->pa, bin + info->code_offset, info->code_size);
	mica_vram_memcpy_to(mdev->vram + bo->pa + info->const_bo_offset, bin + info->const_offset,
			    info->const_size);
	wmb();	/* the code is in device memory before any handle (and so any bind) exists */
	bo->shader = info;
	info = NULL;
	ret = bo_add_handle(file, bo, &args->handle);
	if (ret) {
		mica_bo_put(bo);
		goto out;
	}
	args->entry_count = bo->shader->entry_count;
	args->bo_size = bo->size;
	mica_log_printf(&mdev->log,
			"client %u: shader BO %u validated (%u bytes of code, %u entries)",
			file->id, args->handle, bo->shader->code_size, bo->shader->entry_count);
	mica_bo_put(bo);	/* the handle holds it */
out:
	kfree(info);
	kvfree(bin);
	return ret;
}

int mica_ioctl_bo_create_userptr(struct mica_file *file, void *data)
{
	struct drm_mica_bo_create_userptr *args = data;
	struct mica_device *mdev = file->mdev;
	struct mica_userptr *up;
	struct mica_bo *bo;
	u64 end, i;
	int ret;

	if (args->pad || args->flags & ~DRM_MICA_USERPTR_FLAGS || !args->size ||
	    !MICA_IS_ALIGNED(args->address, (u64)MICA_PAGE_SIZE) ||
	    !MICA_IS_ALIGNED(args->size, (u64)MICA_PAGE_SIZE))
		return -EINVAL;
	if (check_add_overflow(args->address, args->size, &end))
		return -EFAULT;
	if (!mdev->system_dma)
		return -EOPNOTSUPP;
	/* Charged before anything is pinned: the limit bounds the pinning itself. */
	ret = mica_client_charge(file->client, MICA_RES_PINNED, args->size);
	if (ret)
		return ret;
	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	ret = mica_os_userptr_pin(mdev, args->address, args->size,
				  !(args->flags & DRM_MICA_USERPTR_READ_ONLY), &up);
	if (ret)
		goto err_free;
	/* Bus addresses must fit a leaf's address field (the DMA mask says so; checked anyway). */
	for (i = 0; i < up->npages; i++) {
		if (up->bus[i] & ~MICA_PTE_ADDR_MASK) {
			ret = -EIO;
			goto err_unpin;
		}
	}
	bo->mdev = mdev;
	bo->size = args->size;
	bo->flags = DRM_MICA_BO_NO_MMAP | DRM_MICA_BO_USERPTR;
	bo->userptr = up;
	ret = mica_os_gem_init(mdev, bo, bo->size, false);
	if (ret)
		goto err_unpin;
	/* From here on the last mica_bo_put() unpins and uncharges (mica_bo_free). */
	bo->client = mica_client_get(file->client);
	bo->id = (u64)atomic64_inc_return(&mdev->next_bo_id);
	ret = bo_add_handle(file, bo, &args->handle);
	mica_bo_put(bo);
	return ret;

err_unpin:
	mica_os_userptr_unpin(mdev, up);
err_free:
	kfree(bo);
err_uncharge:
	mica_client_uncharge(file->client, MICA_RES_PINNED, args->size);
	return ret;
}
