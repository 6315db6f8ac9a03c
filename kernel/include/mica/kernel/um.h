/* SPDX-License-Identifier: MIT */
/*
 * The kernel core in user space: what a process sees of the "module" (open, ioctl, mmap, close,
 * the dmesg-like log and the sysfs power_profile knob), running over an in-process device model.
 * Used by the winsys sim backend and the kernel tests. Return values are 0 or -errno, exactly as
 * the DRM ioctl would fail.
 */
#ifndef MICA_KERNEL_UM_H
#define MICA_KERNEL_UM_H

#include <stddef.h>
#include <stdint.h>

#include "drm/mica_drm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mica_device;
struct mica_file;

/* Module parameters at load time; 0 is the driver default (docs/uapi.md "Per-client limits"). */
struct mica_um_params {
	uint64_t watchdog_cycles;
	uint64_t job_timeout_ns;
	uint64_t client_max_contexts;
	uint64_t client_max_vram_bytes;
	uint64_t client_max_pt_bytes;
	uint64_t client_max_jobs;
	uint64_t client_max_syncs;
	uint64_t client_max_cpu_maps;
	uint64_t hang_ban_threshold;
	uint64_t client_max_mappings;
	uint64_t job_max_ns; /* mica.ko's job_max_ns: cap on a job that keeps making progress */
	uint64_t client_max_pinned_bytes; /* system memory of a client's userptr BOs */
};

/* The ioctl entry point, as drm_ioctl() would run it: cmd is DRM_IOCTL_MICA_*, arg the
 * caller's struct. */
int mica_um_ioctl(struct mica_file *file, unsigned long cmd, void *arg);
int mica_um_open(struct mica_device *mdev, struct mica_file **file);
void mica_um_close(struct mica_file *file);
/* mmap(2) of offset (from BO_MMAP_OFFSET) for size bytes; *cpu receives the mapping, which
 * keeps the BO's memory alive (also after BO_CLOSE) until mica_um_munmap or close. */
int mica_um_mmap(struct mica_file *file, uint64_t offset, uint64_t size, void **cpu);
/* munmap(2) of exactly a mapping mica_um_mmap returned: 0, or -EINVAL if it is not one. */
int mica_um_munmap(struct mica_file *file, void *cpu, uint64_t size);
/* /sys/module/mica/parameters/<name>: the per-client limits and hang_ban_threshold (names as
 * in struct mica_um_params). -ENOENT unknown name, -EINVAL zero. Later requests see the value. */
int mica_um_param_set(struct mica_device *mdev, const char *name, uint64_t value);
int mica_um_param_get(struct mica_device *mdev, const char *name, uint64_t *value);
/* dmesg: the newest part of the driver log that fits in buf (NUL-terminated). */
size_t mica_um_log_read(struct mica_device *mdev, char *buf, size_t len);
/* /sys/.../power_profile */
int mica_um_power_profile_store(struct mica_device *mdev, uint32_t profile);
uint32_t mica_um_power_profile_show(struct mica_device *mdev);
/* /sys/kernel/debug/dri/N/gpu_recover: reset the CP now; the oldest job in the ring is guilty,
 * every other job in it is resubmitted and its context reported INNOCENT. */
void mica_um_debugfs_gpu_recover(struct mica_device *mdev);
/* /sys/class/devcoredump/devcdN/data: the snapshot of the newest guilty context on this device
 * (fault, ring, the job's validated stream, log tail), NUL-terminated; 0 if there is none. */
size_t mica_um_devcoredump_read(struct mica_device *mdev, char *buf, size_t len);
/* The device goes away: its snapshot with it (the module's devcoredump frees its own data; in
 * process, a snapshot outliving the device would be a leak once the driver library is unloaded). */
void mica_um_devcoredump_release(struct mica_device *mdev);
/* How many WARN_ON()s fired in this process (a kernel invariant broke): tests assert 0. */
unsigned long mica_um_warnings(void);
/*
 * How many of the OS-side objects exist in this process right now (every device): GEM objects,
 * DRM sync objects, fences, jobs the scheduler holds, contexts not yet freed. The leak oracle of
 * the hostile-client tests and the stateful fuzzer: once every file is closed (and every dma-buf
 * fd), all of them are back where they were.
 */
struct mica_um_live {
	uint64_t bos, syncobjs, fences, jobs, contexts;
};
void mica_um_live_objects(struct mica_um_live *live);

#ifdef __cplusplus
}

#include <memory>

struct mica_hw;

namespace mica::sim {
class Device;
}

namespace mica::kernel {

// Probes the driver core on a device model ("insmod"); removal on destruction. All files must be
// closed first.
class UmDevice {
public:
	explicit UmDevice(mica::sim::Device &device, const mica_um_params &params = {});
	~UmDevice();
	UmDevice(const UmDevice &) = delete;
	UmDevice &operator=(const UmDevice &) = delete;
	mica_device *get() const { return mdev_.get(); }

private:
	std::unique_ptr<mica_hw> hw_;
	std::unique_ptr<mica_device> mdev_;
	std::shared_ptr<void> irq_gate_;
};

} // namespace mica::kernel
#endif

#endif /* MICA_KERNEL_UM_H */
