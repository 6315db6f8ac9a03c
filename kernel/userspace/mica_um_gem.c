// SPDX-License-Identifier: MIT
/*
 * GEM and PRIME for the in-process build: what the DRM core does for the module
 * (kernel/linux/mica_linux_gem.c), with the errnos the DRM core gives, so the winsys and the uapi
 * tests speak DRM conventions in both worlds.
 *
 *  - handles: a per-file idr; each handle holds a reference (drm_gem_handle_create);
 *  - DRM_IOCTL_GEM_CLOSE: -EINVAL for a handle the file does not hold (drm_gem_handle_delete);
 *  - mmap: fake offsets unique in the process; an offset must be exactly a BO's start with a length
 *    within it (-EINVAL otherwise, drm_vma_offset_exact_lookup), and the file must hold a handle
 *    for that BO (-EACCES, drm_vma_node_is_allowed); a mapping holds a reference until munmap;
 *  - PRIME: a dma-buf is a pipe. The caller gets the read end as "the dma-buf fd"; the shim keeps
 *    the write end, which holds a reference on the BO. When every copy of the read end is closed
 *    the write end polls POLLERR, and the next ioctl on the device lets go of the BO (the module's
 *    dma-buf lets go at the last fput()). An fd is recognised by its pipe inode. Each export makes
 *    a new pipe (the module returns fds of one dma-buf); importing any of them gives the same BO,
 *    and a file that already holds the BO gets its existing handle back (drm_prime's cache).
 *    A dma-buf fd cannot be mmap()ed in process: the device memory is not a file here.
 */
#define _GNU_SOURCE	/* pipe2 */
#include "../mica_drv.h"
#include "mica/kernel/um.h"
#include "mica_um_gem.h"
#include "mica_um_syncobj.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t gem_lock = PTHREAD_MUTEX_INITIALIZER;
static struct list_head objects = { &objects, &objects };	/* mappable BOs, by offset */
static struct list_head dmabufs = { &dmabufs, &dmabufs };	/* struct um_dmabuf */
static u64 next_offset = 1ull << 32;

struct um_dmabuf {
	struct list_head link;
	struct mica_device *mdev;
	struct mica_bo *bo;	/* one reference */
	int keep_fd;		/* the write end */
	dev_t dev;
	ino_t ino;
};

/* A CPU mapping (mica_um_mmap): holds a reference and the client's charge until munmap/close. */
struct mica_um_cpu_map {
	struct list_head link;
	struct mica_bo *bo;
	void *cpu;
	u64 size;
};

static struct mica_bo *to_bo(struct kref *ref)
{
	return container_of(container_of(ref, struct mica_os_gem, ref), struct mica_bo, gem);
}

static void bo_last_ref(struct kref *ref)
{
	mica_bo_free(to_bo(ref));
}

void mica_bo_get(struct mica_bo *bo)
{
	kref_get(&bo->gem.ref);
}

void mica_bo_put(struct mica_bo *bo)
{
	if (bo)
		kref_put(&bo->gem.ref, bo_last_ref);
}

int mica_os_gem_init(struct mica_device *mdev, struct mica_bo *bo, u64 size, bool cpu_mappable)
{
	kref_init(&bo->gem.ref);
	mica_um_live_add(MICA_UM_LIVE_BOS, 1);
	bo->gem.mdev = mdev;
	bo->gem.size = size;
	INIT_LIST_HEAD(&bo->gem.link);
	if (cpu_mappable) {
		pthread_mutex_lock(&gem_lock);
		bo->gem.mmap_offset = next_offset;
		/* A guard page between objects, as drm_vma_offset_add leaves none but a BO never
		 * grows: only keeps an off-by-one in a caller from landing in the next BO. */
		next_offset += size + MICA_PAGE_SIZE;
		list_add_tail(&bo->gem.link, &objects);
		pthread_mutex_unlock(&gem_lock);
	}
	return 0;
}

void mica_os_gem_release(struct mica_bo *bo)
{
	mica_um_live_add(MICA_UM_LIVE_BOS, -1);
	pthread_mutex_lock(&gem_lock);
	list_del_init(&bo->gem.link);
	pthread_mutex_unlock(&gem_lock);
}

u64 mica_os_gem_mmap_offset(struct mica_bo *bo)
{
	return bo->gem.mmap_offset;
}

int mica_os_gem_handle_create(struct mica_file *file, struct mica_bo *bo, u32 *handle)
{
	int id;

	mica_bo_get(bo);
	mutex_lock(&file->gem.table_lock);
	id = idr_alloc(&file->gem.handles, bo, 1, 0, GFP_KERNEL);
	mutex_unlock(&file->gem.table_lock);
	if (id < 0) {
		mica_bo_put(bo);
		return id;
	}
	*handle = (u32)id;
	return 0;
}

struct mica_bo *mica_os_gem_lookup(struct mica_file *file, u32 handle)
{
	struct mica_bo *bo;

	mutex_lock(&file->gem.table_lock);
	bo = idr_find(&file->gem.handles, handle);
	if (bo)
		mica_bo_get(bo);
	mutex_unlock(&file->gem.table_lock);
	return bo;
}

/* The handle file holds for bo, or 0. table_lock held. */
static u32 handle_of(struct mica_file *file, struct mica_bo *bo)
{
	struct mica_bo *it;
	int id;

	idr_for_each_entry(&file->gem.handles, it, id)
		if (it == bo)
			return (u32)id;
	return 0;
}

void mica_os_gem_file_init(struct mica_file *file)
{
	mutex_init(&file->gem.table_lock);
	idr_init(&file->gem.handles);
	INIT_LIST_HEAD(&file->gem.cpu_maps);
	mica_um_syncobj_file_init(file);
}

static void cpu_map_free(struct mica_file *file, struct mica_um_cpu_map *map)
{
	list_del(&map->link);
	mica_cpu_map_uncharge(file->client);
	mica_bo_put(map->bo);
	free(map);
}

/* Close: the process's mappings go with it, then its handles. */
void mica_os_gem_file_fini(struct mica_file *file)
{
	struct mica_um_cpu_map *map, *tmp;
	struct mica_bo *bo;
	int id;

	mutex_lock(&file->gem.table_lock);
	list_for_each_entry_safe(map, tmp, &file->gem.cpu_maps, link)
		cpu_map_free(file, map);
	idr_for_each_entry(&file->gem.handles, bo, id) {
		idr_remove(&file->gem.handles, id);
		mica_bo_put(bo);
	}
	mutex_unlock(&file->gem.table_lock);
	mica_um_syncobj_file_fini(file);
	idr_destroy(&file->gem.handles);
	mutex_destroy(&file->gem.table_lock);
}

static int gem_close(struct mica_file *file, void *data)
{
	struct drm_gem_close *args = data;
	struct mica_bo *bo;

	mutex_lock(&file->gem.table_lock);
	bo = idr_remove(&file->gem.handles, args->handle);
	mutex_unlock(&file->gem.table_lock);
	if (!bo)
		return -EINVAL;
	mica_bo_put(bo);
	return 0;
}

int mica_um_mmap(struct mica_file *file, uint64_t offset, uint64_t size, void **cpu)
{
	struct mica_bo *bo = NULL, *it;
	struct mica_um_cpu_map *map;
	u64 end;
	int ret;

	if (!file)
		return -EBADF;
	if (!size || check_add_overflow(offset, size, &end))
		return -EINVAL;
	pthread_mutex_lock(&gem_lock);
	list_for_each_entry(it, &objects, gem.link) {
		if (it->mdev == file->mdev && it->gem.mmap_offset == offset && size <= it->gem.size &&
		    kref_get_unless_zero(&it->gem.ref)) {
			bo = it;
			break;
		}
	}
	pthread_mutex_unlock(&gem_lock);
	if (!bo)
		return -EINVAL;
	map = calloc(1, sizeof(*map));
	mutex_lock(&file->gem.table_lock);
	if (!map)
		ret = -ENOMEM;
	else if (!handle_of(file, bo))
		ret = -EACCES;	/* an offset of a BO this file holds no handle for */
	else
		ret = mica_cpu_map_charge(file->client);
	if (!ret) {
		map->bo = bo;
		map->cpu = file->mdev->vram + mica_bo_cpu_pa(bo);
		map->size = size;
		list_add_tail(&map->link, &file->gem.cpu_maps);
		*cpu = map->cpu;
		map = NULL;
		bo = NULL;	/* the mapping's reference now */
	}
	mutex_unlock(&file->gem.table_lock);
	free(map);
	mica_bo_put(bo);
	return ret;
}

int mica_um_munmap(struct mica_file *file, void *cpu, uint64_t size)
{
	struct mica_um_cpu_map *map;
	int ret = -EINVAL;

	if (!file)
		return -EBADF;
	mutex_lock(&file->gem.table_lock);
	list_for_each_entry(map, &file->gem.cpu_maps, link) {
		if (map->cpu == cpu && map->size == size) {
			cpu_map_free(file, map);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&file->gem.table_lock);
	return ret;
}

/* ---- PRIME ---- */

static void dmabuf_free(struct um_dmabuf *d)
{
	close(d->keep_fd);
	mica_bo_put(d->bo);
	free(d);
}

/* Unlinks (to *dead) the dma-bufs of mdev that are gone, or all of them. gem_lock held. */
static void collect(struct mica_device *mdev, bool all, struct list_head *dead)
{
	struct um_dmabuf *d, *tmp;

	list_for_each_entry_safe(d, tmp, &dmabufs, link) {
		struct pollfd p = { .fd = d->keep_fd, .events = POLLOUT };

		if (d->mdev != mdev)
			continue;
		if (all || (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)))) {
			list_del(&d->link);
			list_add_tail(&d->link, dead);
		}
	}
}

static void release_collected(struct list_head *dead)
{
	struct um_dmabuf *d, *tmp;

	list_for_each_entry_safe(d, tmp, dead, link) {
		list_del(&d->link);
		dmabuf_free(d);
	}
}

void mica_um_prime_reap(struct mica_device *mdev)
{
	struct list_head dead;

	INIT_LIST_HEAD(&dead);
	pthread_mutex_lock(&gem_lock);
	if (!list_empty(&dmabufs))
		collect(mdev, false, &dead);
	pthread_mutex_unlock(&gem_lock);
	release_collected(&dead);
}

void mica_um_gem_device_fini(struct mica_device *mdev)
{
	struct list_head dead;

	INIT_LIST_HEAD(&dead);
	pthread_mutex_lock(&gem_lock);
	collect(mdev, true, &dead);
	pthread_mutex_unlock(&gem_lock);
	release_collected(&dead);
}

static int prime_handle_to_fd(struct mica_file *file, void *data)
{
	struct drm_prime_handle *args = data;
	struct um_dmabuf *d;
	struct stat st;
	struct mica_bo *bo;
	int fds[2];

	if (args->flags & ~(DRM_CLOEXEC | DRM_RDWR))
		return -EINVAL;
	bo = mica_os_gem_lookup(file, args->handle);
	if (!bo)
		return -ENOENT;
	if (!mica_bo_exportable(bo)) {
		mica_bo_put(bo);
		return -EPERM;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		mica_bo_put(bo);
		return -ENOMEM;
	}
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK)) {
		int err = -errno;

		free(d);
		mica_bo_put(bo);
		return err;
	}
	if (!(args->flags & DRM_CLOEXEC))
		fcntl(fds[0], F_SETFD, 0);
	fstat(fds[0], &st);
	d->mdev = file->mdev;
	d->bo = bo;
	d->keep_fd = fds[1];
	d->dev = st.st_dev;
	d->ino = st.st_ino;
	pthread_mutex_lock(&gem_lock);
	list_add_tail(&d->link, &dmabufs);
	pthread_mutex_unlock(&gem_lock);
	args->fd = fds[0];
	return 0;
}

static int prime_fd_to_handle(struct mica_file *file, void *data)
{
	struct drm_prime_handle *args = data;
	struct mica_bo *bo = NULL;
	struct um_dmabuf *d;
	struct stat st;
	bool foreign = false;
	u32 handle;
	int ret;

	if (fstat(args->fd, &st))
		return -EBADF;
	pthread_mutex_lock(&gem_lock);
	list_for_each_entry(d, &dmabufs, link) {
		if (!S_ISFIFO(st.st_mode) || d->dev != st.st_dev || d->ino != st.st_ino)
			continue;
		if (d->mdev != file->mdev) {
			foreign = true;
		} else {
			bo = d->bo;
			mica_bo_get(bo);
		}
		break;
	}
	pthread_mutex_unlock(&gem_lock);
	if (foreign)
		return -EOPNOTSUPP;	/* another device's memory: this one cannot reach it */
	if (!bo)
		return -EINVAL;		/* not a dma-buf (dma_buf_get) */
	mutex_lock(&file->gem.table_lock);
	handle = handle_of(file, bo);
	mutex_unlock(&file->gem.table_lock);
	ret = handle ? 0 : mica_os_gem_handle_create(file, bo, &handle);
	mica_bo_put(bo);
	if (!ret)
		args->handle = handle;
	return ret;
}

static const struct mica_um_core_ioctl core_ioctls[] = {
	{ DRM_IOCTL_GEM_CLOSE, gem_close, "GEM_CLOSE" },
	{ DRM_IOCTL_PRIME_HANDLE_TO_FD, prime_handle_to_fd, "PRIME_HANDLE_TO_FD" },
	{ DRM_IOCTL_PRIME_FD_TO_HANDLE, prime_fd_to_handle, "PRIME_FD_TO_HANDLE" },
};

const struct mica_um_core_ioctl *mica_um_core_ioctl_find(unsigned int cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(core_ioctls); i++)
		if (core_ioctls[i].cmd == cmd)
			return &core_ioctls[i];
	return NULL;
}
