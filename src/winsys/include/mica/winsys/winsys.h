// SPDX-License-Identifier: MIT
// The Mica winsys: what every user-mode driver (Vulkan, OpenCL, tools) uses to talk to the kernel
// driver. One API over two backends:
//   drm  a render node whose driver is "mica", through libdrm (drmIoctl, mmap on the fd);
//   sim  the kernel core and the device model in this process, behind the same ioctls.
// Device::open() picks drm when such a node exists, else sim; MICA_WINSYS=drm|sim overrides.
// Every object is thread-safe to use from several threads; failures throw winsys::Error with
// the ioctl, the errno and a sentence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

struct mica_dma_tiled; // mica_dma.h (src/hw)

#include "drm/mica_drm.h"

namespace mica::winsys {

class Error : public std::runtime_error {
public:
	Error(int err, const std::string &what);
	int error() const { return err_; } // positive errno (ENODEV, EINVAL, ...)

private:
	int err_;
};

enum class Backend { Drm, Sim };
const char *backend_name(Backend b);

// The transport a backend provides: the uapi ioctls and CPU mappings of BOs.
class Transport {
public:
	virtual ~Transport() = default;
	virtual int ioctl(unsigned long cmd, void *arg) = 0; // 0 or -errno
	virtual void *mmap(uint64_t offset, uint64_t size) = 0; // throws
	virtual void munmap(void *ptr, uint64_t size) = 0;
	virtual Backend backend() const = 0;
	virtual std::string description() const = 0;

	// DRM sync objects, 0 or -errno each: the DRM core's DRM_IOCTL_SYNCOBJ_* through ioctl()
	// (the sim backend: the in-process emulation); the drm backend calls libdrm's drmSyncobj*.
	// abs_timeout_ns is CLOCK_MONOTONIC; fd flags: 0 (the sync object) or
	// DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE / _FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE
	// (a sync file out of / into 'handle').
	virtual int syncobj_create(uint32_t flags, uint32_t *handle);
	virtual int syncobj_destroy(uint32_t handle);
	virtual int syncobj_timeline_wait(uint32_t *handles, uint64_t *points, uint32_t count, int64_t abs_timeout_ns,
					  uint32_t flags, uint32_t *first);
	virtual int syncobj_query(uint32_t *handles, uint64_t *points, uint32_t count, uint32_t flags);
	virtual int syncobj_timeline_signal(const uint32_t *handles, const uint64_t *points, uint32_t count);
	virtual int syncobj_transfer(uint32_t dst, uint64_t dst_point, uint32_t src, uint64_t src_point, uint32_t flags);
	virtual int syncobj_handle_to_fd(uint32_t handle, uint32_t flags, int *fd);
	virtual int syncobj_fd_to_handle(int fd, uint32_t flags, uint32_t *handle);
};

struct SimOptions {
	uint32_t revision = 2;		// MICA_REV_*
	uint32_t cu_count = 2;
	uint64_t vram_bytes = 256ull << 20;
	// Host threads running the compute units: 0 = one per host core (a dispatch of fewer than
	// 4096 invocations runs on one; MICA_SIM_HOST_THREADS overrides; docs/performance.md).
	unsigned host_threads = 0;
	uint64_t watchdog_cycles = 0;	// 0: driver default
	uint64_t job_timeout_ns = 0;	// 0: driver default
	uint64_t client_max_jobs = 0;	// 0: driver default (the kernel's per-client limit of unretired jobs)
	// A small job submitted while the device is idle runs on the submitting thread
	// (mica::sim::Device::run_ring_inline); false, or MICA_SIM_INLINE=0: always the device thread.
	bool inline_ring = true;
};

struct OpenOptions {
	enum class Select { Auto, Drm, Sim } select = Select::Auto; // MICA_WINSYS overrides Auto
	SimOptions sim;
};

class Device;

// A buffer object. Move-only; the handle is closed (and the CPU mapping dropped) on destruction.
class Bo {
public:
	Bo() = default;
	Bo(Bo &&o) noexcept;
	Bo &operator=(Bo &&o) noexcept;
	Bo(const Bo &) = delete;
	Bo &operator=(const Bo &) = delete;
	~Bo();

	uint32_t handle() const { return handle_; }
	uint64_t size() const { return size_; }
	bool is_shader() const { return shader_; }
	// Device::import_host: the process's own memory the BO is (null for device memory).
	void *host_memory() const { return host_; }
	explicit operator bool() const { return handle_ != 0; }
	// cached; throws for shader / NO_MMAP BOs; a host-memory BO is its own memory already.
	void *map();
	void unmap();
	// PRIME: a new dma-buf fd of this BO (close-on-exec, read-write); the caller owns it.
	int export_fd() const;

private:
	friend class Device;
	void reset() noexcept;
	Device *dev_ = nullptr;
	uint32_t handle_ = 0;
	uint64_t size_ = 0;
	bool shader_ = false;
	void *cpu_ = nullptr;
	void *host_ = nullptr;
};

// First-fit allocator of GPU virtual addresses in [start, end). Thread-safe.
class VaAllocator {
public:
	VaAllocator(uint64_t start, uint64_t end);
	uint64_t alloc(uint64_t size, uint64_t align); // throws Error(ENOSPC)
	void free(uint64_t va, uint64_t size);
	uint64_t free_bytes() const;

private:
	struct Range {
		uint64_t start, end;
	};
	mutable std::mutex mu_;
	std::vector<Range> free_; // sorted, coalesced
};

// Packs command-processor packets from the generated hardware description (MICA_PKT_*);
// lengths are checked against mica_packet_table. Only user packets can be built.
class CommandBuilder {
public:
	CommandBuilder &nop(uint32_t payload_dwords = 0);
	CommandBuilder &set_program(uint64_t va, uint32_t vgprs, uint32_t sgprs);
	CommandBuilder &set_user_data(uint32_t first, std::span<const uint32_t> values);
	CommandBuilder &set_user_data_va(uint32_t first, uint64_t va); // a 64-bit address in two SGPRs
	// s[first..first+count-1] = the dwords at va, read when the packet executes (after earlier work)
	CommandBuilder &load_user_data(uint32_t first, uint32_t count, uint64_t va);
	CommandBuilder &set_shared_size(uint32_t bytes);
	CommandBuilder &set_workgroup_size(uint32_t x, uint32_t y, uint32_t z);
	CommandBuilder &dispatch(uint32_t x, uint32_t y, uint32_t z);
	CommandBuilder &dispatch_indirect(uint64_t va);
	CommandBuilder &barrier(uint32_t flags);
	CommandBuilder &dma_copy(uint64_t src, uint64_t dst, uint32_t bytes);
	CommandBuilder &dma_fill(uint64_t dst, uint32_t value, uint32_t bytes);
	// A box copy between LINEAR / OPTIMAL surfaces (mica_dma.h); packed as given, checked by the
	// kernel and the device.
	CommandBuilder &dma_copy_tiled(const ::mica_dma_tiled &copy);
	CommandBuilder &write_data(uint64_t dst, std::span<const uint32_t> values);
	CommandBuilder &timestamp(uint64_t dst);
	CommandBuilder &signal(uint64_t dst, uint64_t value);
	CommandBuilder &wait_mem(uint64_t va, uint64_t ref, uint32_t func);
	CommandBuilder &chain(uint64_t va, uint32_t dwords);

	std::span<const uint32_t> dwords() const { return dw_; }
	size_t size() const { return dw_.size(); }
	void clear() { dw_.clear(); }

private:
	CommandBuilder &packet(uint32_t op, std::initializer_list<uint32_t> payload);
	CommandBuilder &packet(uint32_t op, std::span<const uint32_t> head, std::span<const uint32_t> tail);
	std::vector<uint32_t> dw_;
};

// A point of a DRM sync object: 0 is the object's fence as a binary sync object, else a
// timeline point. A SUBMIT can only wait for a point that was submitted or signalled already.
struct SyncPoint {
	uint32_t sync = 0; // SyncObj::handle()
	uint64_t point = 0;
};

class Context {
public:
	~Context();
	Context(const Context &) = delete;
	Context &operator=(const Context &) = delete;
	uint32_t handle() const { return handle_; }
	uint32_t type() const { return type_; }
	// Waits for a seqno; false on timeout; throws on failure. *job_error gets 0, -EIO or -ECANCELED.
	bool wait(uint64_t seqno, int64_t timeout_ns, int32_t *job_error = nullptr);
	drm_mica_ctx_query query() const;
	bool lost() const; // guilty: VK_ERROR_DEVICE_LOST

private:
	friend class Device;
	Context(Device &dev, uint32_t handle, uint32_t type) : dev_(dev), handle_(handle), type_(type) {}
	Device &dev_;
	uint32_t handle_;
	uint32_t type_;
};

// A DRM sync object (DRM_IOCTL_SYNCOBJ_*), used as a timeline: the kernel's own in the drm
// backend, the in-process DRM core's emulation in the sim backend.
class SyncObj {
public:
	~SyncObj();
	SyncObj(const SyncObj &) = delete;
	SyncObj &operator=(const SyncObj &) = delete;
	uint32_t handle() const { return handle_; }
	uint64_t value() const;		// the highest point up to which everything signalled
	uint64_t last_submitted() const; // the highest point submitted or signalled
	void signal(uint64_t point);	// host signal of a timeline point
	// Waits (relative timeout_ns; 0 polls, INT64_MAX forever) until point signalled, also when it
	// was not submitted yet at the call; false on timeout.
	bool wait(uint64_t point, int64_t timeout_ns);
	// Sharing (DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD / FD_TO_HANDLE; the drm backend only, the sim
	// backend's sync objects have no fds: Error(ENOTTY)). export_fd: the sync object itself (an
	// opaque fd the caller owns). export_sync_file: the fence of 'point' as a sync file.
	// import_sync_file: the sync file's fence becomes 'point' (0: the binary fence); the fd stays
	// the caller's.
	int export_fd() const;
	int export_sync_file(uint64_t point) const;
	void import_sync_file(int fd, uint64_t point);

private:
	friend class Device;
	SyncObj(Device &dev, uint32_t handle) : dev_(dev), handle_(handle) {}
	Device &dev_;
	uint32_t handle_;
};

struct SubmitInfo {
	std::vector<uint32_t> bos;	// handles kept alive by the job
	std::vector<SyncPoint> wait;
	std::vector<SyncPoint> signal;
};

class Device {
public:
	static std::unique_ptr<Device> open(const OpenOptions &opt = {});
	explicit Device(std::unique_ptr<Transport> t);
	~Device();
	Device(const Device &) = delete;
	Device &operator=(const Device &) = delete;

	Backend backend() const { return t_->backend(); }
	std::string description() const { return t_->description(); }
	drm_mica_dev_info query_info() const; // fresh (power profile and generation change)
	const drm_mica_dev_info &info() const { return info_; } // as at open
	std::vector<uint64_t> reject_counts() const;

	Bo alloc(uint64_t size, uint32_t flags = 0);
	// Whether import_host() can work here: the device reaches system memory (the kernel's
	// DRM_MICA_CAP_USERPTR; the QEMU/ivshmem device, for one, cannot).
	bool can_import_host() const { return (info_.caps & DRM_MICA_CAP_USERPTR) != 0; }
	// BO_CREATE_USERPTR: the page-aligned range [ptr, ptr + size) of this process becomes a BO
	// the device reads (and, unless read_only, writes) in place, coherent with the CPU. The
	// memory must stay mapped while the BO lives. Error carries the kernel's errno (EOPNOTSUPP
	// without can_import_host(), EFAULT for memory that is not all mapped/writable, ...).
	Bo import_host(void *ptr, uint64_t size, bool read_only = false);
	// PRIME: a BO of this device from a dma-buf fd (the fd stays the caller's). A BO this device
	// already holds comes back with the same handle; the handle closes with its last Bo.
	Bo import_fd(int fd);
	// Validates and loads a shader binary; -ENOEXEC (recompile for the active profile) is
	// reported as Error with error() == ENOEXEC.
	Bo create_shader(std::span<const uint8_t> binary);

	VaAllocator &va() { return va_; }
	void bind(const Bo &bo, uint64_t va, uint64_t size, uint32_t perms, uint64_t bo_offset = 0);
	void unbind(uint64_t va, uint64_t size);

	std::unique_ptr<Context> create_context(uint32_t type = DRM_MICA_CTX_COMPUTE);
	// A timeline sync object at 'initial' (a host signal of that point when non-zero).
	std::unique_ptr<SyncObj> create_sync(uint64_t initial = 0);
	// The sync object of an opaque fd from SyncObj::export_fd() (the fd stays the caller's).
	std::unique_ptr<SyncObj> import_sync(int fd);
	// DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT on several points: every one (wait_all) or any one
	// signalled, or with 'available' only present (submitted or signalled: a SUBMIT may wait for
	// it). Points not submitted yet are waited for. Relative timeout (0 polls, INT64_MAX
	// forever); false on timeout; *first (optional) gets the index of a point that satisfied.
	bool wait_syncs(std::span<const SyncPoint> points, bool wait_all, bool available,
			int64_t timeout_ns, uint32_t *first = nullptr);

	// Uploads the commands into a command BO mapped read-only in the VM and submits them. The
	// kernel copies the commands out during SUBMIT (and executes only its copy), so the BO is
	// reused by the next submission as soon as the ioctl returns: no BO, mapping or VM binding is
	// created per submission. Returns the job's seqno on the context's timeline.
	uint64_t submit(Context &ctx, std::span<const uint32_t> commands, const SubmitInfo &info = {});
	uint64_t submit(Context &ctx, const CommandBuilder &cb, const SubmitInfo &info = {})
	{
		return submit(ctx, cb.dwords(), info);
	}

	// Raw uapi access (with errno translated to Error). The name is used in messages.
	void ioctl(unsigned long cmd, void *arg, const char *name) const;
	int try_ioctl(unsigned long cmd, void *arg) const { return t_->ioctl(cmd, arg); }
	Transport &transport() { return *t_; }

private:
	friend class Bo;
	friend class Context;
	friend class SyncObj;
	// A command upload area: a CPU-mapped BO bound read-only at va, reused across submissions.
	struct Upload {
		Bo bo;
		uint64_t va = 0;
	};
	// A submitted job, remembered for the -EAGAIN backoff (wait for our oldest job).
	struct Pending {
		uint32_t ctx;
		uint64_t seqno;
	};
	Upload take_upload(uint64_t bytes);       // a free area of at least 'bytes', or a new one
	void return_upload(Upload u);             // back to the free list (or released)
	void release_upload(Upload &u);           // unbinds it; the Bo closes itself
	// Drops retired jobs from the front of pending_ (every job when 'all').
	void reap_pending(bool all);
	void check(const char *name, int r) const; // r = 0 or -errno; throws Error with the name
	void hold_handle(uint32_t handle);
	void release_handle(uint32_t handle); // GEM_CLOSE when the last holder goes
	// Waits up to timeout_ns for this device's oldest unretired submission; false if there is none.
	bool wait_oldest_job(int64_t timeout_ns);
	static constexpr size_t kFreeUploads = 4;            // areas kept for reuse
	static constexpr uint64_t kMinUploadBytes = 64 * 1024;
	static constexpr size_t kReapPendingAt = 64;         // pending_ is pruned beyond this
	static constexpr size_t kMaxPending = 4096;          // and never grows beyond this
	static constexpr int64_t kSubmitBackoffStepNs = 100'000'000;
	static constexpr int64_t kSubmitBackoffLimitNs = 10'000'000'000;

	std::unique_ptr<Transport> t_;
	drm_mica_dev_info info_{};
	VaAllocator va_;
	std::mutex handle_mu_;
	std::unordered_map<uint32_t, unsigned> handle_holders_;
	std::mutex upload_mu_; // guards free_uploads_ and pending_
	std::vector<Upload> free_uploads_;
	std::deque<Pending> pending_;
};

} // namespace mica::winsys
