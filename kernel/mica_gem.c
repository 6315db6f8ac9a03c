// SPDX-License-Identifier: MIT
/*
 * Buffer objects: creation, per-file handles, CPU mapping, PRIME-style sharing, and shader BOs
 * (validated binaries the kernel writes once and user space can never write again).
 */
#include "mica_drv.h"

static void bo_release(struct kref *ref)
{
	struct mica_bo *bo = container_of(ref, struct mica_bo, ref);
	struct mica_device *mdev = bo->mdev;

	mutex_lock(&mdev->share_lock);
	if (bo->export_token)
		list_del(&bo->export_link);
	mutex_unlock(&mdev->share_lock);
	mica_mm_free_charged(mdev, bo->client, MICA_RES_VRAM, bo->pa, bo->size);
	mica_client_put(bo->client);
	kfree(bo->shader);
	kfree(bo);
}

void mica_bo_put(struct mica_bo *bo)
{
	if (bo)
		kref_put(&bo->ref, bo_release);
}

static int bo_alloc(struct mica_file *file, u64 size, u32 flags, struct mica_bo **out)
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
	bo->client = mica_client_get(file->client);
	kref_init(&bo->ref);
	bo->mdev = mdev;
	bo->size = size;
	bo->flags = flags;
	INIT_LIST_HEAD(&bo->export_link);
	mutex_lock(&mdev->share_lock);
	bo->id = ++mdev->next_bo_id;
	/* Fake mmap offsets never overlap: each BO gets its own window. */
	bo->mmap_offset = mdev->next_mmap_offset;
	mdev->next_mmap_offset += size;
	mutex_unlock(&mdev->share_lock);
	*out = bo;
	return 0;
}

/* Gives bo a handle in file; consumes the caller's reference on failure only. */
static int bo_add_handle(struct mica_file *file, struct mica_bo *bo, u32 *handle)
{
	int id;

	mutex_lock(&file->lock);
	id = idr_alloc(&file->bos, bo, 1, 0, GFP_KERNEL);
	mutex_unlock(&file->lock);
	if (id < 0)
		return id;
	*handle = (u32)id;
	return 0;
}

struct mica_bo *mica_bo_lookup(struct mica_file *file, u32 handle)
{
	struct mica_bo *bo = idr_find(&file->bos, handle);

	lockdep_assert_held(&file->lock);

	if (bo)
		kref_get(&bo->ref);
	return bo;
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
	ret = bo_alloc(file, size, args->flags, &bo);
	if (ret)
		return ret;
	ret = bo_add_handle(file, bo, &args->handle);
	if (ret) {
		mica_bo_put(bo);
		return ret;
	}
	args->size = size;
	return 0;
}

int mica_ioctl_bo_info(struct mica_file *file, void *data)
{
	struct drm_mica_bo_info *args = data;
	struct mica_bo *bo;
	int ret = 0;

	if (args->pad)
		return -EINVAL;
	mutex_lock(&file->lock);
	bo = idr_find(&file->bos, args->handle);
	if (!bo) {
		ret = -ENOENT;
	} else {
		args->flags = bo->flags;
		args->size = bo->size;
		args->shader = bo->shader ? 1 : 0;
		/* The same rule mmap applies: shader and NO_MMAP BOs are never CPU mapped. */
		args->caching = bo->shader || (bo->flags & DRM_MICA_BO_NO_MMAP) ?
				DRM_MICA_CACHING_NONE : MICA_OS_CPU_CACHING;
	}
	mutex_unlock(&file->lock);
	return ret;
}

int mica_ioctl_bo_mmap_offset(struct mica_file *file, void *data)
{
	struct drm_mica_bo_mmap_offset *args = data;
	struct mica_bo *bo;
	int ret = 0;

	if (args->pad)
		return -EINVAL;
	mutex_lock(&file->lock);
	bo = idr_find(&file->bos, args->handle);
	if (!bo)
		ret = -ENOENT;
	else if (bo->shader || (bo->flags & DRM_MICA_BO_NO_MMAP))
		ret = -EACCES;	/* shader code is never CPU visible: it must stay what was validated */
	else
		args->offset = bo->mmap_offset;
	mutex_unlock(&file->lock);
	return ret;
}

/*
 * mmap(): only BOs this file holds a handle for (drm_vma_node_is_allowed). The mapping holds a
 * reference on the BO (as a VMA holds the GEM object), so closing the handle never frees pages
 * the client can still reach; they go back at munmap (or when the file is closed).
 */
int mica_mmap(struct mica_file *file, u64 offset, u64 size, void **cpu)
{
	struct mica_cpu_map *map;
	struct mica_bo *bo;
	int id, ret = -EACCES;
	u64 end;

	if (!size || check_add_overflow(offset, size, &end))
		return -EINVAL;
	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	mutex_lock(&file->lock);
	idr_for_each_entry(&file->bos, bo, id) {
		if (offset < bo->mmap_offset || offset >= bo->mmap_offset + bo->size)
			continue;
		if (bo->shader || (bo->flags & DRM_MICA_BO_NO_MMAP))
			ret = -EACCES;
		else if (offset != bo->mmap_offset || end > bo->mmap_offset + bo->size)
			ret = -EINVAL;
		else
			ret = mica_client_charge(file->client, MICA_RES_CPU_MAPS, 1);
		if (!ret) {
			kref_get(&bo->ref);
			map->bo = bo;
			map->cpu = file->mdev->vram + bo->pa;
			map->size = size;
			list_add_tail(&map->link, &file->cpu_maps);
			*cpu = map->cpu;
			map = NULL;
		}
		break;
	}
	mutex_unlock(&file->lock);
	kfree(map);
	return ret;
}

static void cpu_map_free(struct mica_file *file, struct mica_cpu_map *map)
{
	list_del(&map->link);
	mica_client_uncharge(file->client, MICA_RES_CPU_MAPS, 1);
	mica_bo_put(map->bo);
	kfree(map);
}

/* munmap(): exactly a range mica_mmap() returned. */
int mica_munmap(struct mica_file *file, void *cpu, u64 size)
{
	struct mica_cpu_map *map;
	int ret = -EINVAL;

	mutex_lock(&file->lock);
	list_for_each_entry(map, &file->cpu_maps, link) {
		if (map->cpu == cpu && map->size == size) {
			cpu_map_free(file, map);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&file->lock);
	return ret;
}

/* file->lock held (close): the process's mappings are gone with it. */
void mica_gem_munmap_all(struct mica_file *file)
{
	struct mica_cpu_map *map, *tmp;

	lockdep_assert_held(&file->lock);

	list_for_each_entry_safe(map, tmp, &file->cpu_maps, link)
		cpu_map_free(file, map);
}

int mica_ioctl_bo_close(struct mica_file *file, void *data)
{
	struct drm_mica_bo_close *args = data;
	struct mica_bo *bo;

	if (args->pad)
		return -EINVAL;
	mutex_lock(&file->lock);
	bo = idr_remove(&file->bos, args->handle);
	mutex_unlock(&file->lock);
	if (!bo)
		return -ENOENT;
	mica_bo_put(bo);
	return 0;
}

void mica_gem_close_all(struct mica_file *file)
{
	struct mica_bo *bo;
	int id;

	idr_for_each_entry(&file->bos, bo, id) {
		idr_remove(&file->bos, id);
		mica_bo_put(bo);
	}
}

int mica_ioctl_bo_export(struct mica_file *file, void *data)
{
	struct drm_mica_bo_export *args = data;
	struct mica_device *mdev = file->mdev;
	struct mica_bo *bo;

	if (args->flags)
		return -EINVAL;
	mutex_lock(&file->lock);
	bo = idr_find(&file->bos, args->handle);
	if (!bo) {
		mutex_unlock(&file->lock);
		return -ENOENT;
	}
	mutex_lock(&mdev->share_lock);
	if (!bo->export_token) {
		/* A capability, not a name: 64 random bits, never zero. */
		do {
			bo->export_token = get_random_u64();
		} while (!bo->export_token);
		list_add_tail(&bo->export_link, &mdev->exports);
	}
	args->token = bo->export_token;
	mutex_unlock(&mdev->share_lock);
	mutex_unlock(&file->lock);
	return 0;
}

int mica_ioctl_bo_import(struct mica_file *file, void *data)
{
	struct drm_mica_bo_import *args = data;
	struct mica_device *mdev = file->mdev;
	struct mica_bo *bo = NULL, *it, *mine;
	int id, ret;

	if (args->pad || !args->token)
		return args->pad ? -EINVAL : -ENOENT;
	mutex_lock(&mdev->share_lock);
	list_for_each_entry(it, &mdev->exports, export_link) {
		if (it->export_token == args->token && kref_get_unless_zero(&it->ref)) {
			bo = it;
			break;
		}
	}
	mutex_unlock(&mdev->share_lock);
	if (!bo)
		return -ENOENT;

	mutex_lock(&file->lock);
	idr_for_each_entry(&file->bos, mine, id) {
		if (mine == bo) {
			/* Already here: the same handle, like drm_prime's handle cache. */
			mutex_unlock(&file->lock);
			mica_bo_put(bo);
			args->handle = (u32)id;
			args->size = mine->size;
			return 0;
		}
	}
	ret = idr_alloc(&file->bos, bo, 1, 0, GFP_KERNEL);
	mutex_unlock(&file->lock);
	if (ret < 0) {
		mica_bo_put(bo);
		return ret;
	}
	args->handle = (u32)ret;
	args->size = bo->size;
	return 0;
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
	ret = bo_alloc(file, size, DRM_MICA_BO_NO_MMAP, &bo);
	if (ret)
		goto out;
	mica_vram_memcpy_to(mdev->vram + bo->pa, bin + info->code_offset, info->code_size);
	mica_vram_memcpy_to(mdev->vram + bo->pa + info->const_bo_offset, bin + info->const_offset,
			    info->const_size);
	wmb();
	bo->shader = info;
	info = NULL;
	ret = bo_add_handle(file, bo, &args->handle);
	if (ret) {
		mica_bo_put(bo);
		goto out;
	}
	args->entry_count = bo->shader->entry_count;
	args->bo_size = bo->size;
	mica_log_printf(&mdev->log, "client %u: shader BO %u validated (%u bytes of code, %u entries)",
			file->id, args->handle, bo->shader->code_size, bo->shader->entry_count);
out:
	kfree(info);
	kvfree(bin);
	return ret;
}
