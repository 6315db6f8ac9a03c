/* SPDX-License-Identifier: MIT */
/*
 * Mica kernel driver core: the objects every file shares.
 *
 * Locking, outermost first:
 *   mica_file.lock    context handle table, the file's VM (mappings, page tables)
 *   mica_device.lock  ring, hardware context slots, job queues, power profile
 *   mica_client.lock, mica_mm.lock, mica_log.lock  leaves
 * BO handles and sync objects are the OS's (GEM, DRM syncobjs; their own locks), taken under
 * none of these.
 * The interrupt work only takes mica_device.lock. Wait conditions only read (READ_ONCE).
 */
#ifndef MICA_DRV_H
#define MICA_DRV_H

#include "mica_os.h"
#include "mica_log.h"
#include "mica_shader_validate.h"

#define MICA_RING_BYTES (64u * 1024u)
#define MICA_USER_VA_START (1ull << 20)
#define MICA_USER_VA_END (1ull << 47)
#define MICA_MAX_CMD_DWORDS (64u * 1024u)
#define MICA_MAX_CHAIN_DEPTH 8u
#define MICA_MAX_SUBMIT_BOS 1024u
#define MICA_MAX_SYNCS 32u
#define MICA_MAX_BIND_OPS 256u
/*
 * 0.2 s of device time at the nominal 1 GHz: 3.5x the longest single dispatch measured in the
 * Vulkan CTS's compute groups (max_workgroup_memory.128, 56.8 M cycles; docs/kernel.md "Hangs").
 */
#define MICA_DEFAULT_WATCHDOG_CYCLES (200u * 1000u * 1000u)
#define MICA_DEFAULT_JOB_TIMEOUT_NS (5ull * 1000 * 1000 * 1000)
/*
 * The hard cap on a job that keeps retiring workgroups (docs/kernel.md "Hangs": chosen from the
 * CTS's longest single-dispatch jobs on a loaded 2-core host).
 */
#define MICA_DEFAULT_JOB_MAX_NS (120ull * 1000 * 1000 * 1000)

/* What a client is charged for (mica_client.c). */
enum mica_res {
	MICA_RES_VRAM,		/* bytes: its BOs, its queued command copies, its page tables */
	MICA_RES_PT,		/* bytes of page tables (also counted in VRAM) */
	MICA_RES_CONTEXTS,
	MICA_RES_JOBS,		/* submitted and not yet retired */
	MICA_RES_SYNCS,
	MICA_RES_CPU_MAPS,
	MICA_RES_MAPPINGS,	/* GPU mappings (VM_BIND records), unmapped ones until freed */
	MICA_RES_PINNED,	/* bytes of system memory pinned for its userptr BOs */
	MICA_RES_COUNT
};

struct mica_params {
	u64 watchdog_cycles;	/* device watchdog per dispatch; 0 = default */
	u64 job_timeout_ns;	/* kernel timeout before killing a context; 0 = default */
	u64 job_max_ns;		/* cap on the oldest job however it progresses; 0 = default */
	u64 client_limit[MICA_RES_COUNT];	/* per-client limits; 0 = default */
	u64 hang_ban_threshold;	/* hangs after which a client is banned; 0 = default */
};

/* Defaults of the per-client limits (fractions of VRAM for the byte limits). */
#define MICA_DEFAULT_CLIENT_CONTEXTS 8u
#define MICA_DEFAULT_CLIENT_JOBS 1024u
#define MICA_DEFAULT_CLIENT_SYNCS 65536u
#define MICA_DEFAULT_CLIENT_CPU_MAPS 16384u
#define MICA_DEFAULT_CLIENT_MAPPINGS 65536u
/* System memory one client may pin (BO_CREATE_USERPTR): 1 GiB, as a generous mlock limit. */
#define MICA_DEFAULT_CLIENT_PINNED_BYTES (1ull << 30)
#define MICA_DEFAULT_HANG_BAN_THRESHOLD 8u

struct mica_client {
	struct kref ref;
	struct mica_device *mdev;
	u32 id;
	struct mutex lock;		/* leaf */
	u64 used[MICA_RES_COUNT];
	u32 hangs;
	bool banned;			/* READ_ONCE */
};

/* Device-memory allocator: drm_mm over the VRAM BAR in the module, a bitmap in process. */
struct mica_mm {
	struct mutex lock;	/* leaf: the allocator (os) and used_pages */
	struct mica_os_mm os;	/* mica_os.h: the allocator's own state */
	u64 pages;
	u64 used_pages;
};

struct mica_device {
	struct mica_hw *hw;
	u8 *vram;
	u64 vram_size;
	u32 revision;
	u32 cu_count;
	struct mica_params params;
	struct mica_log log;
	struct mica_mm mm;

	/*
	 * The fields from here to fence_wq: the kernel ring, the hardware context slots, the
	 * job queues, the hang clock, the power profile.
	 * Nests inside mica_file.lock; the interrupt work takes it and leaves, nothing outer.
	 */
	struct mutex lock;
	/* kernel ring */
	u64 ring_pa;
	u64 fence_pa;
	u64 ring_wptr;			/* bytes ever written */
	u64 ring_retired;		/* ring_wptr value up to which the CP is done */
	u64 ring_seqno;			/* last SIGNAL value emitted */
	u64 retired_seqno;		/* last SIGNAL value seen */
	u32 ring_profile;		/* profile the ring will run the next job with */
	struct list_head inflight;	/* jobs in the ring, oldest first */
	struct list_head deferred;	/* unmapped mappings waiting for the ring */
	struct mica_ctx *slots[MICA_MAX_CONTEXTS];
	u32 sched_first_slot;		/* round robin start of mica_sched_run() */
	u64 head_seqno;			/* hang detection: the oldest job and since when */
	u64 head_since_ns;
	u64 head_progress_ns;		/* when its CTX_PROGRESS (or kill stage) last moved */
	u32 head_progress;		/* the CTX_PROGRESS value seen then */
	u32 head_kill_stage;
	u32 resets;
	u32 power_profile;
	u64 power_generation;
	u32 next_file_id;

	wait_queue_head_t fence_wq;
	struct workqueue_struct *wq;
	struct work_struct irq_work;
	struct delayed_work timeout_work;
	atomic_t irq_pending;
	bool dying;

	atomic64_t next_bo_id;
	bool system_dma;		/* CAPS.SYSTEM_DMA: userptr BOs are possible */
};

/*
 * A buffer object: a GEM object (struct drm_gem_object in the module, the shim's in process) whose
 * reference count, handles, mmap offset and dma-buf the OS layer keeps (mica_os_gem_* below).
 */
struct mica_bo {
	struct mica_os_gem gem;
	struct mica_device *mdev;
	struct mica_client *client;	/* charged for its memory */
	u64 id;
	u64 pa;
	u64 size;
	u32 flags;			/* DRM_MICA_BO_* */
	struct mica_shader_info *shader;	/* non-NULL: a validated, immutable shader BO */
	struct mica_userptr *userptr;	/* non-NULL: pinned client memory (pa unused) */
};

/*
 * A userptr BO's memory (BO_CREATE_USERPTR): pages of a client's address space the OS pinned and
 * mapped for the device. bus[i] is page i's system bus address (what a SYSTEM leaf holds).
 */
struct mica_userptr {
	u64 npages;
	u64 *bus;
	bool writable;			/* pinned for device writes too */
	void *os;			/* the OS's pin and DMA-mapping state */
};

/*
 * The OS's side of userptr BOs (kernel/linux/mica_linux_userptr.c: pin_user_pages_fast with
 * FOLL_LONGTERM and a DMA mapping; kernel/userspace/mica_um_userptr.c: the process's own pages
 * registered on the model's host bus). No lock held.
 *   pin    pins [uaddr, uaddr + size) (page aligned, non-zero, not wrapping) of the calling
 *          process, for device writes too when write; fills bus[]. -EFAULT when a page is not
 *          mapped (or not writable when write); -ENOMEM.
 *   unpin  undoes pin (the device no longer uses any page: leaves cleared, TLB invalidated).
 *   read   copies n bytes at offset of the pinned memory (the submit validator's fetch).
 */
int mica_os_userptr_pin(struct mica_device *mdev, u64 uaddr, u64 size, bool write,
			struct mica_userptr **out);
void mica_os_userptr_unpin(struct mica_device *mdev, struct mica_userptr *up);
void mica_os_userptr_read(struct mica_userptr *up, u64 offset, void *dst, size_t n);

struct mica_mapping {
	struct list_head link;
	u64 va;
	u64 size;
	u64 bo_offset;
	u32 perms;			/* DRM_MICA_BIND_* */
	struct mica_bo *bo;
	u64 retire_seqno;		/* deferred: free once the ring retired this */
	/* Page-table pages the unmap emptied: freed (and uncharged from client) with it. */
	struct list_head pt_pages;
	struct mica_client *client;	/* charged for this record (MICA_RES_MAPPINGS) */
	/*
	 * Jobs whose SET_PROGRAM was validated against this (EXEC) mapping and have not retired:
	 * while non-zero the mapping cannot be unmapped, so the code a wave fetches stays the
	 * code that was validated. Dropped under mdev->lock (job free).
	 */
	atomic_t exec_pins;
};

struct mica_pt_page {
	struct list_head link;
	u64 pa;
};

struct mica_vm {
	struct mica_device *mdev;
	struct mica_client *client;	/* charged for the page tables */
	u64 pt_root;			/* physical address of the top-level table */
	struct list_head mappings;	/* sorted by va */
	u32 slot_mask;			/* hardware contexts running on this VM */
};

struct mica_file {
	struct mica_device *mdev;
	struct mutex lock;		/* ctxs, vm (its mappings and page tables) */
	u32 id;
	struct mica_os_gem_file gem;	/* GEM handles (the drm_file's in the module) */
	struct idr ctxs;
	struct mica_vm *vm;
	struct mica_client *client;
};

struct mica_ctx {
	struct kref ref;
	struct mica_device *mdev;
	struct mica_client *client;
	struct mica_vm *vm;
	u32 file_id;
	u32 handle;
	u32 type;
	u32 slot;
	/* under mdev->lock */
	u32 status;			/* DRM_MICA_CTX_STATUS_* */
	u32 reset_count;
	bool guilty;
	bool destroyed;
	u32 fault;
	u32 fault_access;
	u64 fault_addr;
	u64 fault_pc;
	u32 fault_flags;		/* DRM_MICA_FAULT_* */
	u64 fault_seqno;		/* first job that failed */
	u64 cancel_seqno;		/* destroyed: first job cancelled unrun (0: none) */
	u64 seqno;			/* last handed out */
	u64 completed_seqno;		/* READ_ONCE from waiters */
	u32 inflight;
	struct list_head queue;		/* jobs not yet in the ring */
	void *os;			/* OS scheduler state (module: drm_sched entity) */
};

struct mica_job {
	struct list_head link;
	struct mica_ctx *ctx;
	u64 seqno;
	u64 ring_seqno;
	u64 ring_end;
	u64 ib_pa;
	u64 ib_bytes;			/* allocation size */
	u32 ib_dwords;
	u32 profile;
	struct mica_bo **bos;
	u32 nbos;
	bool charged;			/* counted in the client's MICA_RES_JOBS */
	struct mica_mapping **pins;	/* EXEC mappings its SET_PROGRAMs were validated against */
	u32 npins;
	u32 pins_cap;
	void *os;			/* OS scheduler job (module: drm_sched job, hw fence) */
};

/*
 * ---- the OS scheduler hook ----
 * How a job goes from SUBMIT to the core's ring, and how its completion is announced. In user
 * space (userspace/mica_um_sched.c) the core queues by itself: a job goes straight to its
 * context's queue and mica_sched_run() starts it once mica_os_job_ready() says its in-sync
 * fences signalled. In the module (linux/mica_linux_sched.c) drm_sched does it: one entity per
 * context, in-sync fences are dependencies the scheduler resolves, run_job hands the job to the
 * core (mica_sched_job_run), the job's hardware fence is signalled by the core when it retires
 * the job (mica_os_job_done, from the MSI-X interrupt work), and timedout_job runs the core's hang
 * escalation (mica_sched_check_hang). The core stays the source of truth for the ring, the
 * one-job-per-context rule, faults, timeouts, recovery and bans.
 */
int mica_os_sched_init(struct mica_device *mdev);
void mica_os_sched_fini(struct mica_device *mdev);	/* no lock held; every file closed */
int mica_os_ctx_init(struct mica_ctx *ctx);
void mica_os_ctx_fini(struct mica_ctx *ctx);		/* no lock held; waits for the queue */
void mica_os_ctx_free(struct mica_ctx *ctx);		/* last reference: any context */
int mica_os_job_init(struct mica_job *job);		/* before any lock */
/*
 * Sync objects are the OS's: DRM sync objects (drm_syncobj in the module, the DRM core's
 * SYNCOBJ ioctls; kernel/userspace/mica_um_syncobj.c in process). No lock held, after
 * mica_os_job_init:
 *   add_in_sync   the job depends on the fence of @point of @file's sync object @handle
 *                 (0: its current fence). -ENOENT no such handle; -EINVAL no fence (nothing
 *                 submitted or signalled at that point yet: wait-before-signal is user space's)
 *   add_out_sync  the job's completion fence goes to @handle at @point (0: replaces its fence)
 *                 when the job is pushed. -ENOENT; -EINVAL a timeline point not above the last
 */
int mica_os_job_add_in_sync(struct mica_file *file, struct mica_job *job, u32 handle, u64 point);
int mica_os_job_add_out_sync(struct mica_file *file, struct mica_job *job, u32 handle, u64 point);
/*
 * No lock held, before push: locks the reservations (dma_resv) of the job's BOs and makes room
 * for its fence there; push adds the fence (implicit sync) and unlocks, abort unlocks.
 */
int mica_os_job_reserve(struct mica_job *job);
/*
 * mdev->lock held: seqno set; the job goes to the OS scheduler, its fence to its out-syncs and
 * to its BOs' reservations.
 */
void mica_os_job_push(struct mica_device *mdev, struct mica_job *job);
/* mdev->lock held: every in-sync fence signalled (the module's drm_sched already waited). */
bool mica_os_job_ready(struct mica_job *job);
/* mdev->lock held: the job left the core (retired, failed, cancelled); err 0 or -errno. */
void mica_os_job_done(struct mica_device *mdev, struct mica_job *job, int err);
void mica_os_job_abort(struct mica_job *job);		/* never pushed: release what init took */

/*
 * The OS keeps a copy of a hang's snapshot (devcoredump in the module;
 * mica_um_devcoredump_read() in user space). buf stays the caller's.
 */
void mica_os_coredump(struct mica_device *mdev, const char *buf, size_t len);

/* mica_drv.c */
int mica_device_init(struct mica_device *mdev, struct mica_hw *hw, const struct mica_params *p);
void mica_device_fini(struct mica_device *mdev);
void mica_irq_handler(struct mica_device *mdev);
int mica_open(struct mica_device *mdev, struct mica_file **out);
void mica_postclose(struct mica_file *file);
int mica_power_profile_store(struct mica_device *mdev, u32 profile);
u32 mica_power_profile_show(struct mica_device *mdev);
int mica_param_set(struct mica_device *mdev, const char *name, u64 value);
int mica_param_get(struct mica_device *mdev, const char *name, u64 *value);

typedef int (*mica_ioctl_fn)(struct mica_file *file, void *data);
struct mica_ioctl_desc {
	unsigned int cmd;
	mica_ioctl_fn func;
	const char *name;
};

extern const struct mica_ioctl_desc mica_ioctls[DRM_MICA_IOCTL_COUNT];

/* helpers shared by the ioctl files */
int mica_copy_array(const struct drm_mica_obj_array *a, u32 min_stride, u32 elem_size,
		    u32 max_count, void **out);

/* mica_mm.c */
int mica_mm_init(struct mica_mm *mm, u64 vram_size);
void mica_mm_fini(struct mica_mm *mm);
int mica_mm_alloc(struct mica_device *mdev, u64 size, u64 *pa);
void mica_mm_free(struct mica_device *mdev, u64 pa, u64 size);
/*
 * The OS's placement of device memory, in pages (kernel/linux/mica_linux_mm.c: drm_mm;
 * kernel/userspace/mica_um_mm.c: a bitmap). insert/remove: mica_mm.lock held. remove returns
 * -EINVAL (and frees nothing) unless [first, first + pages) is exactly one allocation.
 */
int mica_os_mm_init(struct mica_os_mm *mm, u64 first, u64 pages);
void mica_os_mm_fini(struct mica_os_mm *mm);
int mica_os_mm_insert(struct mica_os_mm *mm, u64 pages, u64 *first);
int mica_os_mm_remove(struct mica_os_mm *mm, u64 first, u64 pages);

/* mica_client.c */
extern const char *const mica_res_name[MICA_RES_COUNT];
struct mica_client *mica_client_create(struct mica_device *mdev, u32 id);
struct mica_client *mica_client_get(struct mica_client *c);
void mica_client_put(struct mica_client *c);
u64 mica_client_limit(struct mica_device *mdev, enum mica_res r);
int mica_client_charge(struct mica_client *c, enum mica_res r, u64 n); /* errno over the limit */
void mica_client_uncharge(struct mica_client *c, enum mica_res r, u64 n);
int mica_mm_alloc_charged(struct mica_device *mdev, struct mica_client *c, enum mica_res r,
			  u64 size, u64 *pa);
void mica_mm_free_charged(struct mica_device *mdev, struct mica_client *c, enum mica_res r,
			  u64 pa, u64 size);
void mica_client_hang(struct mica_client *c);
bool mica_client_banned(struct mica_client *c);
void mica_client_info(struct mica_client *c, struct drm_mica_client_info *info);

/* mica_gem.c */
int mica_ioctl_bo_create(struct mica_file *file, void *data);
int mica_ioctl_bo_mmap_offset(struct mica_file *file, void *data);
int mica_ioctl_bo_info(struct mica_file *file, void *data);
int mica_ioctl_shader_create(struct mica_file *file, void *data);
int mica_ioctl_bo_create_userptr(struct mica_file *file, void *data);
/* The PTE address bits (with MICA_PTE_SYSTEM for userptr BOs) of the page at offset of bo. */
u64 mica_bo_page_address(const struct mica_bo *bo, u64 offset);
/* Copies n bytes at offset of bo (inside it) to dst, from VRAM or pinned system memory. */
void mica_bo_read(const struct mica_bo *bo, u64 offset, void *dst, size_t n);
struct mica_bo *mica_bo_lookup(struct mica_file *file, u32 handle); /* file->lock held; +ref */
/* The OS layer's last reference went: return the memory (the GEM object's free callback). */
void mica_bo_free(struct mica_bo *bo);
/* CPU mappings (mmap through the render node or a dma-buf; the OS layer maps the pages). */
bool mica_bo_cpu_mappable(const struct mica_bo *bo);
/* PRIME export (-EPERM otherwise): a userptr BO's pages belong to its creator's process. */
bool mica_bo_exportable(const struct mica_bo *bo);
u64 mica_bo_cpu_pa(const struct mica_bo *bo);
/*
 * A CPU mapping made through client c's file is charged to it (MICA_RES_CPU_MAPS). _force never
 * fails: a mapping the OS duplicates (mremap) must be counted like its original.
 */
int mica_cpu_map_charge(struct mica_client *c);
void mica_cpu_map_charge_force(struct mica_client *c);
void mica_cpu_map_uncharge(struct mica_client *c);

/*
 * The OS's GEM layer, called by the core (kernel/linux/mica_linux_gem.c over the DRM GEM and
 * PRIME helpers in the module; kernel/userspace/mica_um_gem.c in process):
 *   init        the object of a new BO (one reference); an mmap offset when cpu_mappable
 *   get/put     references (handles, CPU mappings, dma-bufs, GPU mappings and jobs hold one);
 *               the last put calls mica_bo_free()
 *   handle      a new handle in file (its own reference); lookup takes a reference
 *   offset      the fake offset mmap() takes
 *   file_init/fini  the file's handle table (fini: close what the file still holds)
 */
int mica_os_gem_init(struct mica_device *mdev, struct mica_bo *bo, u64 size, bool cpu_mappable);
void mica_os_gem_release(struct mica_bo *bo);	/* from mica_bo_free(), before kfree */
void mica_bo_get(struct mica_bo *bo);
void mica_bo_put(struct mica_bo *bo);
int mica_os_gem_handle_create(struct mica_file *file, struct mica_bo *bo, u32 *handle);
struct mica_bo *mica_os_gem_lookup(struct mica_file *file, u32 handle);
u64 mica_os_gem_mmap_offset(struct mica_bo *bo);
void mica_os_gem_file_init(struct mica_file *file);
void mica_os_gem_file_fini(struct mica_file *file);

/* mica_mmu.c (page tables charged to vm->client) */
int mica_pt_create(struct mica_vm *vm);
void mica_pt_destroy(struct mica_vm *vm);
/* On failure nothing stays mapped and emptied tables are on *freed, as for an unmap. */
int mica_pt_map(struct mica_vm *vm, u64 va, const struct mica_bo *bo, u64 bo_offset, u64 size,
		u32 perms, struct list_head *freed);
/*
 * Clears the leaves; tables left empty are unlinked and added to *freed (the caller frees them
 * once no walk can still use them).
 */
void mica_pt_unmap(struct mica_vm *vm, u64 va, u64 size, struct list_head *freed);
void mica_pt_free_pages(struct mica_device *mdev, struct mica_client *c, struct list_head *pages);

/* mica_vm.c */
int mica_vm_create(struct mica_device *mdev, struct mica_client *client, struct mica_vm **out);
void mica_vm_destroy(struct mica_vm *vm);
int mica_ioctl_vm_bind(struct mica_file *file, void *data);
/* file->lock held: the mapping that holds [va, va + size), or NULL */
struct mica_mapping *mica_vm_find(struct mica_vm *vm, u64 va, u64 size);
void mica_vm_release_deferred(struct mica_device *mdev); /* mdev->lock held */

/* mica_ctx.c */
int mica_ioctl_ctx_create(struct mica_file *file, void *data);
int mica_ioctl_ctx_destroy(struct mica_file *file, void *data);
int mica_ioctl_ctx_query(struct mica_file *file, void *data);
int mica_ioctl_ctx_wait(struct mica_file *file, void *data);
struct mica_ctx *mica_ctx_lookup(struct mica_file *file, u32 handle); /* +ref */
void mica_ctx_put(struct mica_ctx *ctx);
void mica_ctx_destroy_all(struct mica_file *file);
int mica_ctx_seqno_error(struct mica_ctx *ctx, u64 seqno); /* mdev->lock held */

/* mica_submit.c */
int mica_ioctl_submit(struct mica_file *file, void *data);
void mica_job_free(struct mica_device *mdev, struct mica_job *job);
void mica_submit_drop_cache(void);	/* frees SUBMIT's cached copy buffer (device fini) */

/* mica_sched.c */
int mica_sched_init(struct mica_device *mdev);
void mica_sched_fini(struct mica_device *mdev);
void mica_sched_run(struct mica_device *mdev);		/* mdev->lock held */
void mica_sched_irq_work(struct work_struct *work);
void mica_sched_timeout_work(struct work_struct *work);
int mica_sched_set_profile(struct mica_device *mdev, u32 profile); /* mdev->lock held */
/* The OS scheduler's run_job: the job joins its context's queue (takes mdev->lock). */
void mica_sched_job_run(struct mica_device *mdev, struct mica_job *job);
/* The OS scheduler dropped a job it never ran (context torn down): cancel and free it. */
void mica_sched_job_discard(struct mica_device *mdev, struct mica_job *job);
/* The OS scheduler's timeout: the core's hang escalation (takes mdev->lock); true if it acted. */
bool mica_sched_check_hang(struct mica_device *mdev);
/* debugfs "gpu_recover": a full reset of whatever is in the ring (the oldest job is guilty) */
void mica_gpu_recover(struct mica_device *mdev);

#endif /* MICA_DRV_H */
