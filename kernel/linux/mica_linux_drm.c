// SPDX-License-Identifier: MIT
/*
 * The DRM face of the driver: a render node whose ioctls are the shared core's handlers
 * (mica_ioctls[] in mica_drv.c) behind DRM_IOCTL_DEF_DRV entries, so the DRM core does the
 * argument copy in/out that kernel/userspace/mica_um_drm.c emulates in user space; GEM handles,
 * mmap and PRIME are the DRM core's (mica_linux_gem.c). Also the power_profile sysfs attribute,
 * debugfs and the module parameters.
 */
#include <linux/debugfs.h>
#include <linux/devcoredump.h>
#include <linux/vmalloc.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_debugfs.h>

#include "mica_linux.h"

/*
 * ---- module parameters ----
 * watchdog_cycles, job_timeout_ns and job_max_ns are read at probe. The per-client limits and
 * hang_ban_threshold are the core's knobs (mica_param_set): read at probe (0 = default) and
 * writable at run time through /sys/module/mica/parameters/, where a write reaches the bound
 * device at once (later requests see it; what clients hold is never taken away).
 */
static ulong watchdog_cycles;
module_param(watchdog_cycles, ulong, 0444);
MODULE_PARM_DESC(watchdog_cycles, "device watchdog per dispatch in cycles (0: default)");
static ulong job_timeout_ns;
module_param(job_timeout_ns, ulong, 0444);
MODULE_PARM_DESC(job_timeout_ns, "kernel job timeout in ns: the oldest job retiring no workgroup for this long is killed (0: default)");
static ulong job_max_ns;
module_param(job_max_ns, ulong, 0444);
MODULE_PARM_DESC(job_max_ns, "cap in ns on the oldest job however steadily it retires workgroups (0: default)");

static DEFINE_MUTEX(mica_knob_lock);
static struct mica_device *mica_knob_device;	/* the bound device, under mica_knob_lock */

static const char *knob_name(const struct kernel_param *kp)
{
	const char *dot = strrchr(kp->name, '.');

	return dot ? dot + 1 : kp->name;
}

static int mica_knob_set(const char *val, const struct kernel_param *kp)
{
	u64 v;
	int ret = kstrtou64(val, 0, &v);

	if (ret)
		return ret;
	mutex_lock(&mica_knob_lock);
	if (mica_knob_device)
		ret = mica_param_set(mica_knob_device, knob_name(kp), v);
	if (!ret)
		*(ulong *)kp->arg = v;
	mutex_unlock(&mica_knob_lock);
	return ret;
}

/* Reads show the limit in effect (the default when 0 was loaded), as mica_param_get does. */
static int mica_knob_get(char *buf, const struct kernel_param *kp)
{
	u64 v = *(ulong *)kp->arg;

	mutex_lock(&mica_knob_lock);
	if (mica_knob_device)
		mica_param_get(mica_knob_device, knob_name(kp), &v);
	mutex_unlock(&mica_knob_lock);
	return sysfs_emit(buf, "%llu\n", v);
}

static const struct kernel_param_ops mica_knob_ops = {
	.set = mica_knob_set,
	.get = mica_knob_get,
};

#define MICA_KNOB(name, desc)						\
	static ulong name;						\
	module_param_cb(name, &mica_knob_ops, &name, 0644);		\
	MODULE_PARM_DESC(name, desc " (0 at load: default)")
MICA_KNOB(client_max_contexts, "contexts per client");
MICA_KNOB(client_max_vram_bytes, "device memory per client");
MICA_KNOB(client_max_pt_bytes, "page-table memory per client");
MICA_KNOB(client_max_jobs, "unretired jobs per client");
MICA_KNOB(client_max_syncs, "sync objects per client");
MICA_KNOB(client_max_cpu_maps, "CPU mappings per client");
MICA_KNOB(client_max_mappings, "GPU mapping records per client");
MICA_KNOB(client_max_pinned_bytes, "system memory per client pinned for userptr BOs");
MICA_KNOB(hang_ban_threshold, "hangs after which a client is banned");

void mica_params_from_module(struct mica_params *p)
{
	memset(p, 0, sizeof(*p));
	mutex_lock(&mica_knob_lock);
	p->watchdog_cycles = watchdog_cycles;
	p->job_timeout_ns = job_timeout_ns;
	p->job_max_ns = job_max_ns;
	p->client_limit[MICA_RES_CONTEXTS] = client_max_contexts;
	p->client_limit[MICA_RES_VRAM] = client_max_vram_bytes;
	p->client_limit[MICA_RES_PT] = client_max_pt_bytes;
	p->client_limit[MICA_RES_JOBS] = client_max_jobs;
	p->client_limit[MICA_RES_SYNCS] = client_max_syncs;
	p->client_limit[MICA_RES_CPU_MAPS] = client_max_cpu_maps;
	p->client_limit[MICA_RES_MAPPINGS] = client_max_mappings;
	p->client_limit[MICA_RES_PINNED] = client_max_pinned_bytes;
	p->hang_ban_threshold = hang_ban_threshold;
	mutex_unlock(&mica_knob_lock);
}

/* The knobs are per module; the first bound device gets them at run time. */
void mica_knobs_bind(struct mica_device *mdev)
{
	mutex_lock(&mica_knob_lock);
	if (!mica_knob_device)
		mica_knob_device = mdev;
	mutex_unlock(&mica_knob_lock);
}

void mica_knobs_unbind(struct mica_device *mdev)
{
	mutex_lock(&mica_knob_lock);
	if (mica_knob_device == mdev)
		mica_knob_device = NULL;
	mutex_unlock(&mica_knob_lock);
}

/* ---- devcoredump: the core's snapshot of a hang, in /sys/class/devcoredump/devcdN/data ---- */
void mica_os_coredump(struct mica_device *mdev, const char *buf, size_t len)
{
	struct mica_drm *md = container_of(mdev, struct mica_drm, mdev);
	void *copy = vmalloc(len);	/* dev_coredumpv() frees it with vfree() */

	if (!copy)
		return;
	memcpy(copy, buf, len);
	dev_coredumpv(md->drm.dev, copy, len, GFP_KERNEL);
}

/* ---- files ---- */
static int mica_drm_open(struct drm_device *drm, struct drm_file *file)
{
	struct mica_file *mf;
	int ret = mica_open(&to_mica_drm(drm)->mdev, &mf);

	if (ret)
		return ret;
	mf->gem.drm = file;	/* GEM handles live in the drm_file */
	file->driver_priv = mf;
	return 0;
}

static void mica_drm_postclose(struct drm_device *drm, struct drm_file *file)
{
	mica_postclose(file->driver_priv);
	file->driver_priv = NULL;
}

/* ---- ioctls: one DRM entry per core handler, same numbers (append-only) ---- */
#define MICA_DRM_IOCTL_FN(n)								\
static int mica_drm_ioctl_##n(struct drm_device *drm, void *data, struct drm_file *file)	\
{											\
	return mica_ioctls[DRM_MICA_##n].func(file->driver_priv, data);		\
}

MICA_DRM_IOCTL_FN(DEV_QUERY)
MICA_DRM_IOCTL_FN(BO_CREATE)
MICA_DRM_IOCTL_FN(BO_MMAP_OFFSET)
MICA_DRM_IOCTL_FN(SHADER_CREATE)
MICA_DRM_IOCTL_FN(VM_BIND)
MICA_DRM_IOCTL_FN(CTX_CREATE)
MICA_DRM_IOCTL_FN(CTX_DESTROY)
MICA_DRM_IOCTL_FN(CTX_QUERY)
MICA_DRM_IOCTL_FN(SUBMIT)
MICA_DRM_IOCTL_FN(CTX_WAIT)
MICA_DRM_IOCTL_FN(BO_INFO)
MICA_DRM_IOCTL_FN(BO_CREATE_USERPTR)

#define MICA_DRM_IOCTL(n) DRM_IOCTL_DEF_DRV(MICA_##n, mica_drm_ioctl_##n, DRM_RENDER_ALLOW)

static const struct drm_ioctl_desc mica_drm_ioctls[] = {
	MICA_DRM_IOCTL(DEV_QUERY),
	MICA_DRM_IOCTL(BO_CREATE),
	MICA_DRM_IOCTL(BO_MMAP_OFFSET),
	/* DRM_MICA_RETIRED_*: empty entries (-ENOTTY below); GEM_CLOSE and PRIME are the core's */
	MICA_DRM_IOCTL(SHADER_CREATE),
	MICA_DRM_IOCTL(VM_BIND),
	MICA_DRM_IOCTL(CTX_CREATE),
	MICA_DRM_IOCTL(CTX_DESTROY),
	MICA_DRM_IOCTL(CTX_QUERY),
	MICA_DRM_IOCTL(SUBMIT),
	MICA_DRM_IOCTL(CTX_WAIT),
	MICA_DRM_IOCTL(BO_INFO),
	MICA_DRM_IOCTL(BO_CREATE_USERPTR),
};

static_assert(ARRAY_SIZE(mica_drm_ioctls) == DRM_MICA_IOCTL_COUNT);

/*
 * The uapi's decoding rules (docs/uapi.md) before drm_ioctl(): a driver number beyond the table
 * is -ENOTTY, and a driver ioctl whose size or direction differs from the table's is -EINVAL.
 * drm_ioctl() alone would zero-extend or truncate the struct; Mica's structs grow through
 * drm_mica_obj_array strides instead, so a struct of another size is never guessed at.
 */
static long mica_drm_unlocked_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) == DRM_IOCTL_BASE && nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END) {
		if (nr - DRM_COMMAND_BASE >= ARRAY_SIZE(mica_drm_ioctls) ||
		    !mica_drm_ioctls[nr - DRM_COMMAND_BASE].func)
			return -ENOTTY;	/* beyond the table, or a retired number */
		if (cmd != mica_drm_ioctls[nr - DRM_COMMAND_BASE].cmd)
			return -EINVAL;
	}
	return drm_ioctl(filp, cmd, arg);
}

static const struct file_operations mica_drm_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = mica_drm_unlocked_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = drm_gem_mmap,
};

/* ---- debugfs: log, rejection counters, gpu_recover ---- */
static int mica_debugfs_log_show(struct seq_file *m, void *unused)
{
	struct mica_device *mdev = m->private;
	size_t len = 64 * 1024;
	char *buf = kvmalloc(len, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	mica_log_read(&mdev->log, buf, len);
	seq_puts(m, buf);
	kvfree(buf);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mica_debugfs_log);

static int mica_debugfs_rejects_show(struct seq_file *m, void *unused)
{
	struct mica_device *mdev = m->private;
	u32 i;

	for (i = 0; i < DRM_MICA_REJECT_COUNT; i++)
		seq_printf(m, "%u %llu\n", i, mica_log_reject_count(&mdev->log, i));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mica_debugfs_rejects);

static ssize_t mica_debugfs_recover_write(struct file *f, const char __user *buf, size_t len,
					  loff_t *pos)
{
	mica_gpu_recover(file_inode(f)->i_private);
	return len;
}

static const struct file_operations mica_debugfs_recover_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = mica_debugfs_recover_write,
	.llseek = noop_llseek,
};

static void mica_drm_debugfs_init(struct drm_minor *minor)
{
	struct mica_device *mdev = &to_mica_drm(minor->dev)->mdev;

	debugfs_create_file("mica_log", 0400, minor->debugfs_root, mdev, &mica_debugfs_log_fops);
	debugfs_create_file("mica_reject_counts", 0400, minor->debugfs_root, mdev,
			    &mica_debugfs_rejects_fops);
	debugfs_create_file("gpu_recover", 0200, minor->debugfs_root, mdev,
			    &mica_debugfs_recover_fops);
	mica_sched_debugfs_init(to_mica_drm(minor->dev), minor->debugfs_root);
}

const struct drm_driver mica_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open = mica_drm_open,
	.postclose = mica_drm_postclose,
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_import = mica_gem_prime_import,
	.gem_prime_mmap = drm_gem_prime_mmap,	/* dma-buf mmap -> the object's mmap */
	.ioctls = mica_drm_ioctls,
	.num_ioctls = ARRAY_SIZE(mica_drm_ioctls),
	.fops = &mica_drm_fops,
	.debugfs_init = mica_drm_debugfs_init,
	.name = "mica",
	.desc = "Mica compute accelerator",
#if MICA_HAVE_DRM_DRIVER_DATE
	.date = "20261205",
#endif
	.major = 1,
	.minor = 0,
};

/* ---- sysfs: power_profile on the PCI device ---- */
static ssize_t power_profile_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct mica_drm *md = pci_get_drvdata(to_pci_dev(dev));

	return sysfs_emit(buf, "%u\n", mica_power_profile_show(&md->mdev));
}

static ssize_t power_profile_store(struct device *dev, struct device_attribute *attr,
				   const char *buf, size_t len)
{
	struct mica_drm *md = pci_get_drvdata(to_pci_dev(dev));
	u32 profile;
	int ret = kstrtou32(buf, 0, &profile);

	if (ret)
		return ret;
	ret = mica_power_profile_store(&md->mdev, profile);
	return ret ? ret : (ssize_t)len;
}
static DEVICE_ATTR_RW(power_profile);

static struct attribute *mica_dev_attrs[] = {
	&dev_attr_power_profile.attr,
	NULL,
};

static const struct attribute_group mica_dev_group = {
	.attrs = mica_dev_attrs,
};

const struct attribute_group *mica_dev_groups[] = {
	&mica_dev_group,
	NULL,
};
