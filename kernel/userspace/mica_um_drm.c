// SPDX-License-Identifier: MIT
/*
 * What the DRM core does around a driver ioctl, for the user-space build: decode the command,
 * check it against the driver's table (size and direction must match), copy the argument struct
 * in, call the handler, copy it back out (also on failure, as drm_ioctl() does, so VM_BIND can
 * report progress).
 */
#include "../mica_drv.h"
#include "mica/kernel/um.h"
#include "mica_um_gem.h"
#include "mica_um_syncobj.h"

#include <linux/ioctl.h>
#include <pthread.h>
#include <stdlib.h>

#define MAX_IOCTL_ARG 256
/* drm.h's DRM_COMMAND_END, which the uapi header's fallback does not define */
#define MICA_DRM_COMMAND_END 0xa0

/* What mica_um_live_objects() reports (um.h): bumped by the OS-side object code. */
static long live[MICA_UM_LIVE_KINDS];

void mica_um_live_add(enum mica_um_live_kind kind, long delta)
{
	__atomic_add_fetch(&live[kind], delta, __ATOMIC_SEQ_CST);
}

void mica_um_live_objects(struct mica_um_live *l)
{
	l->bos = (uint64_t)__atomic_load_n(&live[MICA_UM_LIVE_BOS], __ATOMIC_SEQ_CST);
	l->syncobjs = (uint64_t)__atomic_load_n(&live[MICA_UM_LIVE_SYNCOBJS], __ATOMIC_SEQ_CST);
	l->fences = (uint64_t)__atomic_load_n(&live[MICA_UM_LIVE_FENCES], __ATOMIC_SEQ_CST);
	l->jobs = (uint64_t)__atomic_load_n(&live[MICA_UM_LIVE_JOBS], __ATOMIC_SEQ_CST);
	l->contexts = (uint64_t)__atomic_load_n(&live[MICA_UM_LIVE_CONTEXTS], __ATOMIC_SEQ_CST);
}

int mica_um_ioctl(struct mica_file *file, unsigned long cmd, void *arg)
{
	const struct mica_ioctl_desc *desc;
	u8 kdata[MAX_IOCTL_ARG];
	unsigned int nr = _IOC_NR(cmd), size = _IOC_SIZE(cmd);
	int ret;

	if (!file)
		return -EBADF;
	/* dma-bufs whose last fd was closed let go of their BO (as fput() would have). */
	mica_um_prime_reap(file->mdev);
	/* The DRM core's numbers: below the driver range (0x40..0x9f) and above it (0xa0..). */
	if (_IOC_TYPE(cmd) == DRM_IOCTL_BASE && (nr < DRM_COMMAND_BASE || nr >= MICA_DRM_COMMAND_END)) {
		/*
		 * The DRM core's own ioctls: the GEM/PRIME ones BOs need (mica_um_gem.c) and the
		 * sync objects (mica_um_syncobj.c).
		 */
		const struct mica_um_core_ioctl *core = mica_um_core_ioctl_find(cmd);

		if (!core)
			core = mica_um_syncobj_ioctl_find(cmd);
		if (!core)
			return -ENOTTY;
		if (copy_from_user(kdata, arg, _IOC_SIZE(core->cmd)))
			return -EFAULT;
		ret = core->func(file, kdata);
		if ((_IOC_DIR(core->cmd) & _IOC_READ) && copy_to_user(arg, kdata, _IOC_SIZE(core->cmd)))
			ret = -EFAULT;
		return ret;
	}
	if (_IOC_TYPE(cmd) != DRM_IOCTL_BASE || nr < DRM_COMMAND_BASE ||
	    nr >= DRM_COMMAND_BASE + DRM_MICA_IOCTL_COUNT)
		return -ENOTTY;
	desc = &mica_ioctls[nr - DRM_COMMAND_BASE];
	if (!desc->func)
		return -ENOTTY;	/* a retired number (DRM_MICA_RETIRED_*) */
	if (desc->cmd != cmd || size > sizeof(kdata))
		return -EINVAL;
	if (copy_from_user(kdata, arg, size))
		return -EFAULT;
	ret = desc->func(file, kdata);
	if (copy_to_user(arg, kdata, size))
		ret = -EFAULT;
	return ret;
}

int mica_um_open(struct mica_device *mdev, struct mica_file **file)
{
	return mica_open(mdev, file);
}

void mica_um_close(struct mica_file *file)
{
	if (file)
		mica_postclose(file);
}

int mica_um_param_set(struct mica_device *mdev, const char *name, uint64_t value)
{
	return mica_param_set(mdev, name, value);
}

int mica_um_param_get(struct mica_device *mdev, const char *name, uint64_t *value)
{
	return mica_param_get(mdev, name, value);
}

size_t mica_um_log_read(struct mica_device *mdev, char *buf, size_t len)
{
	return mica_log_read(&mdev->log, buf, len);
}

int mica_um_power_profile_store(struct mica_device *mdev, uint32_t profile)
{
	return mica_power_profile_store(mdev, profile);
}

uint32_t mica_um_power_profile_show(struct mica_device *mdev)
{
	return mica_power_profile_show(mdev);
}

void mica_um_debugfs_gpu_recover(struct mica_device *mdev)
{
	mica_gpu_recover(mdev);
}

/* devcoredump: the newest snapshot, kept for the device that took it (one device at a time is
 * enough for the tests; a new device's first dump replaces the old one). */
static pthread_mutex_t dump_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct mica_device *dump_dev;
static char *dump_buf;
static size_t dump_len;

void mica_os_coredump(struct mica_device *mdev, const char *buf, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	pthread_mutex_lock(&dump_lock);
	free(dump_buf);
	dump_buf = copy;
	dump_len = len;
	dump_dev = mdev;
	pthread_mutex_unlock(&dump_lock);
}

void mica_um_devcoredump_release(struct mica_device *mdev)
{
	pthread_mutex_lock(&dump_lock);
	if (dump_dev == mdev) {
		free(dump_buf);
		dump_buf = NULL;
		dump_len = 0;
		dump_dev = NULL;
	}
	pthread_mutex_unlock(&dump_lock);
}

size_t mica_um_devcoredump_read(struct mica_device *mdev, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return 0;
	pthread_mutex_lock(&dump_lock);
	if (dump_dev == mdev && dump_buf) {
		n = dump_len < len - 1 ? dump_len : len - 1;
		memcpy(buf, dump_buf, n);
	}
	pthread_mutex_unlock(&dump_lock);
	buf[n] = '\0';
	return n;
}
