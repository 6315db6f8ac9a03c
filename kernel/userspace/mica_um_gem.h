/* SPDX-License-Identifier: MIT */
/*
 * The DRM core's GEM and PRIME, emulated for the in-process build (mica_um_gem.c): GEM handles,
 * DRM_IOCTL_GEM_CLOSE, fake mmap offsets, and dma-buf fds for PRIME.
 */
#ifndef MICA_UM_GEM_H
#define MICA_UM_GEM_H

struct mica_file;
struct mica_device;

/* A DRM core ioctl the in-process build answers (the rest of the core range is -ENOTTY). */
struct mica_um_core_ioctl {
	unsigned int cmd;
	int (*func)(struct mica_file *file, void *data);
	const char *name;
};
const struct mica_um_core_ioctl *mica_um_core_ioctl_find(unsigned int cmd);

/* Lets go of the BOs of dma-bufs of mdev whose every fd was closed. */
void mica_um_prime_reap(struct mica_device *mdev);
/* The device goes away: its dma-bufs let go of their BOs (their fds import as nothing after). */
void mica_um_gem_device_fini(struct mica_device *mdev);

#endif /* MICA_UM_GEM_H */
