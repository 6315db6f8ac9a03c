/* SPDX-License-Identifier: MIT */
/*
 * Mica DRM driver user-space API.
 *
 * Conventions (as in panthor, v3d, ivpu):
 *  - every struct has a fixed size, a multiple of 8 bytes, with explicit padding; the kernel
 *    rejects non-zero padding and unknown flag bits with -EINVAL;
 *  - user pointers are __u64;
 *  - arrays are passed as struct drm_mica_obj_array {stride, count, array}; stride lets user
 *    space and kernel grow the element struct independently (a shorter stride than the first
 *    version is -EINVAL, bytes beyond the kernel's element size must be zero);
 *  - ioctl numbers are append-only and never reused: a number whose ioctl left the uapi stays
 *    reserved as DRM_MICA_RETIRED_* (the driver answers -ENOTTY);
 *  - buffer objects follow DRM conventions: GEM handles closed with DRM_IOCTL_GEM_CLOSE, shared
 *    as dma-buf fds with DRM_IOCTL_PRIME_HANDLE_TO_FD / DRM_IOCTL_PRIME_FD_TO_HANDLE;
 *  - a SUBMIT's in- and out-syncs are DRM sync objects (binary or timeline, DRM_IOCTL_SYNCOBJ_*);
 *  - every failure has a documented errno (docs/uapi.md is the reference).
 */
#ifndef _MICA_DRM_H_
#define _MICA_DRM_H_

#if defined(__KERNEL__)
#include <drm/drm.h>
#elif defined(__has_include) && __has_include(<drm.h>)
#include <fcntl.h>	/* drm.h's DRM_CLOEXEC and DRM_RDWR are O_CLOEXEC and O_RDWR */
#include <drm.h>
#elif defined(__has_include) && __has_include(<drm/drm.h>)
#include <fcntl.h>
#include <drm/drm.h>
#else
#include <linux/types.h>
#include <linux/ioctl.h>
#define DRM_IOCTL_BASE 'd'
#define DRM_COMMAND_BASE 0x40
#define DRM_IOW(nr, type) _IOW(DRM_IOCTL_BASE, nr, type)
#define DRM_IOWR(nr, type) _IOWR(DRM_IOCTL_BASE, nr, type)
/* The DRM core's GEM/PRIME ioctls Mica's BOs use (as in drm.h, without libdrm's headers). */
struct drm_gem_close {
	__u32 handle;
	__u32 pad;
};

#define DRM_CLOEXEC 02000000
#define DRM_RDWR 02
struct drm_prime_handle {
	__u32 handle;
	__u32 flags;
	__s32 fd;
};

#define DRM_IOCTL_GEM_CLOSE DRM_IOW(0x09, struct drm_gem_close)
#define DRM_IOCTL_PRIME_HANDLE_TO_FD DRM_IOWR(0x2d, struct drm_prime_handle)
#define DRM_IOCTL_PRIME_FD_TO_HANDLE DRM_IOWR(0x2e, struct drm_prime_handle)
/* The DRM core's sync objects (drm.h) a SUBMIT's in- and out-syncs name. */
#define DRM_SYNCOBJ_CREATE_SIGNALED (1 << 0)
struct drm_syncobj_create {
	__u32 handle;
	__u32 flags;
};

struct drm_syncobj_destroy {
	__u32 handle;
	__u32 pad;
};

#define DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE (1 << 0)
#define DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE (1 << 0)
struct drm_syncobj_handle {
	__u32 handle;
	__u32 flags;
	__s32 fd;
	__u32 pad;
};

struct drm_syncobj_transfer {
	__u32 src_handle;
	__u32 dst_handle;
	__u64 src_point;
	__u64 dst_point;
	__u32 flags;
	__u32 pad;
};

#define DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL (1 << 0)
#define DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT (1 << 1)
#define DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE (1 << 2)
struct drm_syncobj_wait {
	__u64 handles;
	__s64 timeout_nsec;
	__u32 count_handles;
	__u32 flags;
	__u32 first_signaled;
	__u32 pad;
};

struct drm_syncobj_timeline_wait {
	__u64 handles;
	__u64 points;
	__s64 timeout_nsec;
	__u32 count_handles;
	__u32 flags;
	__u32 first_signaled;
	__u32 pad;
};

struct drm_syncobj_array {
	__u64 handles;
	__u32 count_handles;
	__u32 pad;
};

#define DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED (1 << 0)
struct drm_syncobj_timeline_array {
	__u64 handles;
	__u64 points;
	__u32 count_handles;
	__u32 flags;
};

#define DRM_IOCTL_SYNCOBJ_CREATE DRM_IOWR(0xBF, struct drm_syncobj_create)
#define DRM_IOCTL_SYNCOBJ_DESTROY DRM_IOWR(0xC0, struct drm_syncobj_destroy)
#define DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD DRM_IOWR(0xC1, struct drm_syncobj_handle)
#define DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE DRM_IOWR(0xC2, struct drm_syncobj_handle)
#define DRM_IOCTL_SYNCOBJ_WAIT DRM_IOWR(0xC3, struct drm_syncobj_wait)
#define DRM_IOCTL_SYNCOBJ_RESET DRM_IOWR(0xC4, struct drm_syncobj_array)
#define DRM_IOCTL_SYNCOBJ_SIGNAL DRM_IOWR(0xC5, struct drm_syncobj_array)
#define DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT DRM_IOWR(0xCA, struct drm_syncobj_timeline_wait)
#define DRM_IOCTL_SYNCOBJ_QUERY DRM_IOWR(0xCB, struct drm_syncobj_timeline_array)
#define DRM_IOCTL_SYNCOBJ_TRANSFER DRM_IOWR(0xCC, struct drm_syncobj_transfer)
#define DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL DRM_IOWR(0xCD, struct drm_syncobj_timeline_array)
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/* ioctl numbers (append-only) */
#define DRM_MICA_DEV_QUERY	0x00
#define DRM_MICA_BO_CREATE	0x01
#define DRM_MICA_BO_MMAP_OFFSET	0x02
/* 0x03..0x05 were BO_CLOSE, BO_EXPORT, BO_IMPORT: DRM_IOCTL_GEM_CLOSE and PRIME replace them */
#define DRM_MICA_RETIRED_BO_CLOSE	0x03
#define DRM_MICA_RETIRED_BO_EXPORT	0x04
#define DRM_MICA_RETIRED_BO_IMPORT	0x05
#define DRM_MICA_SHADER_CREATE	0x06
#define DRM_MICA_VM_BIND	0x07
#define DRM_MICA_CTX_CREATE	0x08
#define DRM_MICA_CTX_DESTROY	0x09
#define DRM_MICA_CTX_QUERY	0x0a
#define DRM_MICA_SUBMIT		0x0b
#define DRM_MICA_CTX_WAIT	0x0c
/* 0x0d..0x11 were Mica's own timelines: DRM sync objects (DRM_IOCTL_SYNCOBJ_*) replace them */
#define DRM_MICA_RETIRED_SYNC_CREATE	0x0d
#define DRM_MICA_RETIRED_SYNC_DESTROY	0x0e
#define DRM_MICA_RETIRED_SYNC_WAIT	0x0f
#define DRM_MICA_RETIRED_SYNC_QUERY	0x10
#define DRM_MICA_RETIRED_SYNC_SIGNAL	0x11
#define DRM_MICA_BO_INFO	0x12
#define DRM_MICA_BO_CREATE_USERPTR	0x13
#define DRM_MICA_IOCTL_COUNT	0x14

/* Generic array descriptor. */
struct drm_mica_obj_array {
	/** @stride: size of one element in bytes */
	__u32 stride;
	/** @count: number of elements */
	__u32 count;
	/** @array: user pointer to the first element */
	__u64 array;
};

/* ---- DEV_QUERY ---------------------------------------------------------------------------- */

enum drm_mica_dev_query_type {
	/** struct drm_mica_dev_info */
	DRM_MICA_DEV_QUERY_INFO = 0,
	/** __u64 array indexed by enum drm_mica_reject_reason: how often each was seen */
	DRM_MICA_DEV_QUERY_REJECT_COUNTS = 1,
	/** struct drm_mica_client_info: this file's usage and limits */
	DRM_MICA_DEV_QUERY_CLIENT = 2,
};

/*
 * @size: in: bytes available at @pointer; out: bytes the kernel has (when @pointer is 0 only the
 * size is returned). A smaller non-zero size gets the first @size bytes.
 */
struct drm_mica_dev_query {
	__u32 type;
	__u32 size;
	__u64 pointer;
};

struct drm_mica_dev_info {
	__u32 revision;		/* MICA_REV_* */
	__u32 cu_count;
	__u64 vram_size;	/* device memory in bytes */
	__u64 va_start;		/* user GPU VA range [va_start, va_end) */
	__u64 va_end;
	__u32 power_profile;	/* active MICA_PROFILE_*; binaries must target it */
	__u32 page_size;
	__u64 power_generation;	/* bumped on every power profile change */
	__u32 max_contexts;	/* user contexts the device can hold at once */
	__u32 max_cmd_dwords;	/* after flattening CHAIN, per submit */
	__u32 max_chain_depth;
	__u32 max_submit_bos;
	__u32 max_syncs;	/* per direction per submit */
	__u32 max_bind_ops;
	__u64 max_bo_size;
	__u64 max_shader_size;
	__u64 watchdog_cycles;	/* device watchdog per dispatch / WAIT_MEM */
	__u64 job_timeout_ns;	/* the oldest job retiring no workgroup for this long is killed */
	/* Appended (the struct only grows; older user space gets its first @size bytes): */
	__u64 job_max_ns;	/* cap on the oldest job however steadily it retires workgroups */
	__u64 caps;		/* DRM_MICA_CAP_* */
};

/* drm_mica_dev_info.caps */
/* BO_CREATE_USERPTR works: the device reaches system memory */
#define DRM_MICA_CAP_USERPTR	(1ull << 0)

/*
 * Per-client usage and the administrator's limits (docs/uapi.md "Per-client limits"). VRAM
 * counts the BOs the client created, the kernel copies of its queued command streams and its
 * page tables; a shared BO stays charged to its creator.
 */
struct drm_mica_client_info {
	__u64 vram_bytes;
	__u64 vram_limit;
	__u64 pt_bytes;		/* page tables (included in vram_bytes) */
	__u64 pt_limit;
	__u32 contexts;
	__u32 contexts_limit;
	__u32 jobs;		/* submitted, not yet retired */
	__u32 jobs_limit;
	__u32 syncs;
	__u32 syncs_limit;
	__u32 cpu_maps;
	__u32 cpu_maps_limit;
	__u32 hangs;		/* contexts of this client that hung (watchdog, timeout) */
	__u32 hang_ban_threshold;
	__u32 banned;		/* 1: CTX_CREATE and SUBMIT fail with -EIO */
	__u32 mappings;		/* GPU mappings (including unmapped ones not yet released) */
	__u32 mappings_limit;
	__u32 pad;
	/* Appended (the struct only grows; older user space gets its first @size bytes): */
	__u64 pinned_bytes;	/* system memory of its BO_CREATE_USERPTR BOs */
	__u64 pinned_limit;
};

/* ---- buffer objects ----------------------------------------------------------------------- */

#define DRM_MICA_BO_PLACEMENT_VRAM	0	/* host-visible device memory (the only one) */

#define DRM_MICA_BO_NO_MMAP		(1u << 0) /* never CPU mapped */
#define DRM_MICA_BO_FLAGS		(DRM_MICA_BO_NO_MMAP)
/* BO_INFO only: the BO is a client's own memory (BO_CREATE_USERPTR), never a BO_CREATE flag. */
#define DRM_MICA_BO_USERPTR		(1u << 1)

struct drm_mica_bo_create {
	__u64 size;		/* in: bytes, rounded up to the page size; out: actual size */
	__u32 placement;	/* DRM_MICA_BO_PLACEMENT_* */
	__u32 flags;		/* DRM_MICA_BO_* */
	__u32 handle;		/* out */
	__u32 pad;
};

struct drm_mica_bo_mmap_offset {
	__u32 handle;
	__u32 pad;
	__u64 offset;		/* out: fake offset to mmap() the BO at */
};

/*
 * A BO handle is a GEM handle: DRM_IOCTL_GEM_CLOSE closes it. Sharing is PRIME:
 * DRM_IOCTL_PRIME_HANDLE_TO_FD exports a BO as a dma-buf fd, DRM_IOCTL_PRIME_FD_TO_HANDLE imports
 * one (BO_INFO then gives its size and caching). A shader BO keeps its restrictions when shared.
 */

/*
 * Shader binaries. The kernel copies the binary from @binary, validates it (header, sections,
 * every instruction, branch targets, register counts, the SEC_WAVE_START_TLB workaround, target
 * revision and power profile) and loads code and constants into a new kernel-written BO:
 * code at offset 0, constants at align_up(code_size, 256). Such a BO can never be CPU mapped or
 * GPU mapped writable, and it is the only kind of BO that can be mapped executable; SET_PROGRAM
 * must name one of its entry points.
 */
struct drm_mica_shader_create {
	__u64 binary;		/* user pointer to a Mica binary (struct mica_bin_header ...) */
	__u32 size;		/* bytes at @binary (must equal the header's file_size) */
	__u32 flags;		/* 0 */
	__u32 handle;		/* out */
	__u32 entry_count;	/* out */
	__u64 bo_size;		/* out */
};

/*
 * A BO backed by the caller's own memory (as amdgpu's and radeon's userptr): the kernel pins the
 * pages of [@address, @address + @size) of the calling process and maps them for the device,
 * which reaches them as system memory (docs/hw/mmu.md "System memory"), coherent with the CPU.
 * The pages stay pinned until the BO's last reference goes (handles, GPU mappings, jobs). The
 * BO has no mmap offset (the client has the memory already) and cannot be exported as a
 * dma-buf; VM_BIND maps it READ (and WRITE unless created READ_ONLY), never EXEC. Charged to
 * the client's pinned-memory limit (drm_mica_client_info.pinned_*). Errors: -EINVAL unknown
 * flags, non-zero @pad, zero or unaligned @address or @size; -EFAULT a range that wraps, or is
 * not all mapped in the process, or (without READ_ONLY) not all writable; -ENOMEM over the
 * pinned-memory limit; -EOPNOTSUPP the device cannot reach system memory (CAPS.SYSTEM_DMA 0).
 */
/* The device only reads: no write pin, no WRITE bind. */
#define DRM_MICA_USERPTR_READ_ONLY	(1u << 0)
#define DRM_MICA_USERPTR_FLAGS		(DRM_MICA_USERPTR_READ_ONLY)

struct drm_mica_bo_create_userptr {
	__u64 address;		/* page aligned user pointer */
	__u64 size;		/* page aligned bytes, non-zero */
	__u32 flags;		/* DRM_MICA_USERPTR_* */
	__u32 handle;		/* out */
	__u64 pad;		/* must be 0 */
};

/* ---- VM_BIND -------------------------------------------------------------------------------- */

#define DRM_MICA_BIND_OP_MAP	0
#define DRM_MICA_BIND_OP_UNMAP	1

#define DRM_MICA_BIND_READ	(1u << 0)
#define DRM_MICA_BIND_WRITE	(1u << 1)
#define DRM_MICA_BIND_EXEC	(1u << 2)
#define DRM_MICA_BIND_PERMS	(DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE | DRM_MICA_BIND_EXEC)

struct drm_mica_vm_bind_op {
	__u32 op;		/* DRM_MICA_BIND_OP_* */
	__u32 flags;		/* MAP: DRM_MICA_BIND_* permissions (READ required); UNMAP: 0 */
	__u32 handle;		/* MAP: BO handle; UNMAP: 0 */
	__u32 pad;
	__u64 bo_offset;	/* MAP: page-aligned offset into the BO; UNMAP: 0 */
	__u64 va;		/* page aligned */
	__u64 size;		/* page aligned, non-zero; UNMAP must name a whole mapping */
};

/* Ops run in order; on failure @ops.count is set to the number that completed. */
struct drm_mica_vm_bind {
	struct drm_mica_obj_array ops;	/* struct drm_mica_vm_bind_op */
	__u32 flags;			/* 0 */
	__u32 pad;
};

/* ---- contexts ------------------------------------------------------------------------------- */

#define DRM_MICA_CTX_COMPUTE	0 /* every unprivileged packet */
#define DRM_MICA_CTX_COPY	1 /* DMA, write, timestamp, signal, wait, barrier, nop, chain */

struct drm_mica_ctx_create {
	__u32 type;		/* DRM_MICA_CTX_* */
	__u32 flags;		/* 0 */
	__u32 handle;		/* out */
	__u32 pad;
};

struct drm_mica_ctx_destroy {
	__u32 handle;
	__u32 pad;
};

enum drm_mica_ctx_status {
	DRM_MICA_CTX_STATUS_OK = 0,		/* never affected by a reset */
	DRM_MICA_CTX_STATUS_INNOCENT = 1,	/* work lost to another's reset was resubmitted */
	DRM_MICA_CTX_STATUS_GUILTY = 2,		/* faulted or hung: later submits get -ECANCELED */
};

/*
 * fault_pc / fault_addr is a byte offset into the faulting job's command stream (flattened:
 * CHAIN targets in place of the CHAIN packet), not a GPU VA: a fault the CP detected in a
 * packet.
 */
#define DRM_MICA_FAULT_PC_CMDSTREAM	(1u << 0)
#define DRM_MICA_FAULT_ADDR_CMDSTREAM	(1u << 1)

struct drm_mica_ctx_query {
	__u32 handle;
	__u32 status;		/* out: enum drm_mica_ctx_status */
	__u32 reset_count;	/* out: recoveries that involved this context */
	__u32 fault;		/* out: MICA_FAULT_* of the guilty fault, 0 if none */
	__u64 fault_addr;	/* out: faulting GPU VA */
	__u64 fault_pc;		/* out: faulting program counter */
	__u32 fault_access;	/* out: MICA_ACCESS_* (0 read, 1 write, 2 execute) */
	__u32 fault_flags;	/* out: DRM_MICA_FAULT_* (in: must be 0) */
	__u64 submitted_seqno;	/* out: last seqno handed out */
	__u64 completed_seqno;	/* out: last seqno retired (successfully or not) */
};

/* ---- submit ---------------------------------------------------------------------------------- */

struct drm_mica_cmdbuf {
	__u64 va;		/* command buffer's GPU VA in the client's VM (4-byte aligned) */
	__u32 dwords;
	__u32 pad;
};

#define DRM_MICA_BO_REF_READ	(1u << 0)
#define DRM_MICA_BO_REF_WRITE	(1u << 1)

/* BOs the job keeps alive until it retires. */
struct drm_mica_bo_ref {
	__u32 handle;
	__u32 flags;		/* DRM_MICA_BO_REF_* (informational; at least one) */
};

/*
 * A point of a DRM sync object (DRM_IOCTL_SYNCOBJ_CREATE). @point 0: the object's fence as a
 * binary sync object (in: wait for it; out: replace it); else a timeline point (in: the point
 * must have been submitted or signalled already, else -EINVAL; out: added above the last one).
 */
struct drm_mica_sync_point {
	__u32 handle;		/* DRM sync object of this file */
	__u32 pad;
	__u64 point;
};

struct drm_mica_submit {
	__u32 ctx;
	__u32 flags;				/* 0 */
	struct drm_mica_obj_array cmdbufs;	/* struct drm_mica_cmdbuf, run in order */
	struct drm_mica_obj_array bos;		/* struct drm_mica_bo_ref */
	struct drm_mica_obj_array in_syncs;	/* drm_mica_sync_point: fences to wait for */
	struct drm_mica_obj_array out_syncs;	/* drm_mica_sync_point: get the job's fence */
	__u64 seqno;				/* out: point on the context's timeline */
};

/* Waits for a point on a context's timeline. @timeout_ns is relative; 0 polls. */
struct drm_mica_ctx_wait {
	__u32 ctx;
	__u32 flags;		/* 0 */
	__u64 seqno;
	__s64 timeout_ns;
	__s32 error;		/* out: 0, or the job's error (-EIO fault, -ECANCELED skipped) */
	__u32 pad;
};

/*
 * What a BO is and how CPU mappings of it are made. @caching is the memory type every CPU
 * mapping of the BO uses (mmap of this file, and what an importer or a VMM mapping the same
 * pages must use): mapping one page with two different types (write-back here, write-combined
 * there) is undefined on x86 (PAT aliasing) and worse elsewhere, and nothing else tells them.
 */
#define DRM_MICA_CACHING_NONE		0	/* never CPU mapped (shader or NO_MMAP BO) */
#define DRM_MICA_CACHING_CACHED		1	/* write-back (in-process device: host memory) */
#define DRM_MICA_CACHING_WC		2	/* write-combined (device memory behind a BAR) */

struct drm_mica_bo_info {
	__u32 handle;		/* in */
	__u32 flags;		/* out: DRM_MICA_BO_* it was created with */
	__u64 size;		/* out: bytes */
	__u32 caching;		/* out: DRM_MICA_CACHING_* */
	__u32 shader;		/* out: 1 for a validated shader BO */
	__u64 pad;		/* must be 0 */
};

/* ---- rejection reasons (counted, logged, readable via DEV_QUERY_REJECT_COUNTS) --------------- */

enum drm_mica_reject_reason {
	DRM_MICA_REJECT_NONE = 0,
	/* command streams */
	DRM_MICA_REJECT_CS_EMPTY,		/* no dwords */
	DRM_MICA_REJECT_CS_TRUNCATED,		/* a packet runs past the end of its buffer */
	DRM_MICA_REJECT_CS_RESERVED_BITS,	/* header bits 31:24 or a reserved field set */
	DRM_MICA_REJECT_CS_BAD_OPCODE,		/* opcode not in the allow-list */
	DRM_MICA_REJECT_CS_BAD_LENGTH,		/* payload length not the packet's exact length */
	DRM_MICA_REJECT_CS_PRIV_PACKET,		/* kernel-ring-only packet (-EPERM) */
	DRM_MICA_REJECT_CS_QUEUE_TYPE,		/* packet not allowed on this queue type */
	DRM_MICA_REJECT_CS_BAD_FIELD,		/* a field value out of its legal range */
	DRM_MICA_REJECT_CS_MISALIGNED,		/* address or size alignment */
	DRM_MICA_REJECT_CS_ADDR_OVERFLOW,	/* address + size wraps or leaves the VA space */
	DRM_MICA_REJECT_CS_ADDR_UNMAPPED,	/* range not within one VM mapping (-EACCES) */
	DRM_MICA_REJECT_CS_ADDR_PERM,		/* mapping lacks the needed permission (-EACCES) */
	DRM_MICA_REJECT_CS_DMA_OVERLAP,		/* DMA_COPY source and destination overlap */
	DRM_MICA_REJECT_CS_SIGNAL_IRQ,		/* SIGNAL with the interrupt flag (-EPERM) */
	DRM_MICA_REJECT_CS_NO_PROGRAM,		/* DISPATCH before SET_PROGRAM */
	DRM_MICA_REJECT_CS_NOT_ENTRY,		/* SET_PROGRAM not at a validated entry (-EACCES) */
	DRM_MICA_REJECT_CS_REG_COUNT,		/* SET_PROGRAM register counts below the entry's */
	DRM_MICA_REJECT_CS_STALE_SHADER,	/* shader for another revision/profile (-ENOEXEC) */
	DRM_MICA_REJECT_CS_CHAIN_DEPTH,		/* too many CHAINs (-ELOOP) */
	DRM_MICA_REJECT_CS_CHAIN_LOOP,		/* CHAIN to a buffer seen in this submit (-ELOOP) */
	DRM_MICA_REJECT_CS_TOO_BIG,		/* flattened stream over max_cmd_dwords (-E2BIG) */
	/* shader binaries */
	DRM_MICA_REJECT_SH_HEADER,		/* magic, version, sizes, flags */
	DRM_MICA_REJECT_SH_SECTION,		/* a section outside the file or misaligned */
	DRM_MICA_REJECT_SH_ENTRY,		/* bad entry point record */
	DRM_MICA_REJECT_SH_UNDECODABLE,		/* a word that does not decode */
	DRM_MICA_REJECT_SH_PRIV_INSTRUCTION,	/* privileged instruction (-EPERM) */
	DRM_MICA_REJECT_SH_BRANCH_TARGET,	/* branch outside the program or mid-instruction */
	DRM_MICA_REJECT_SH_FALLS_OFF_END,	/* the last instruction can fall through */
	DRM_MICA_REJECT_SH_REG_COUNT,		/* uses registers beyond the entry's counts */
	DRM_MICA_REJECT_SH_WAVE_START_TLB,	/* SEC_WAVE_START_TLB workaround missing */
	DRM_MICA_REJECT_SH_WRONG_REVISION,	/* target_revision != device (-ENOEXEC) */
	DRM_MICA_REJECT_SH_WRONG_PROFILE,	/* power_profile != active profile (-ENOEXEC) */
	/* appended (the values are ABI): */
	DRM_MICA_REJECT_CS_CU_RESOURCES,	/* workgroup cannot be resident on one CU */
	DRM_MICA_REJECT_COUNT
};

#define DRM_IOCTL_MICA_DEV_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_DEV_QUERY, struct drm_mica_dev_query)
#define DRM_IOCTL_MICA_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_BO_CREATE, struct drm_mica_bo_create)
#define DRM_IOCTL_MICA_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_BO_MMAP_OFFSET, struct drm_mica_bo_mmap_offset)
#define DRM_IOCTL_MICA_SHADER_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_SHADER_CREATE, struct drm_mica_shader_create)
#define DRM_IOCTL_MICA_VM_BIND \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_VM_BIND, struct drm_mica_vm_bind)
#define DRM_IOCTL_MICA_CTX_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_CTX_CREATE, struct drm_mica_ctx_create)
#define DRM_IOCTL_MICA_CTX_DESTROY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_CTX_DESTROY, struct drm_mica_ctx_destroy)
#define DRM_IOCTL_MICA_CTX_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_CTX_QUERY, struct drm_mica_ctx_query)
#define DRM_IOCTL_MICA_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_SUBMIT, struct drm_mica_submit)
#define DRM_IOCTL_MICA_CTX_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_CTX_WAIT, struct drm_mica_ctx_wait)
#define DRM_IOCTL_MICA_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_BO_INFO, struct drm_mica_bo_info)
#define DRM_IOCTL_MICA_BO_CREATE_USERPTR \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_BO_CREATE_USERPTR, struct drm_mica_bo_create_userptr)

#if defined(__cplusplus)
}
#endif

#endif /* _MICA_DRM_H_ */
