// SPDX-License-Identifier: MIT
// Device, Bo, Context, SyncObj: thin RAII wrappers over the uapi, identical for both backends.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "mica/winsys/winsys.h"

namespace mica::winsys {

namespace {

std::string errno_text(int err)
{
	return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

drm_mica_dev_info query_info_from(Transport &t)
{
	drm_mica_dev_info info{};
	drm_mica_dev_query q{DRM_MICA_DEV_QUERY_INFO, sizeof(info), reinterpret_cast<uintptr_t>(&info)};
	int r = t.ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q);
	if (r)
		throw Error(-r, "DEV_QUERY: " + errno_text(-r));
	return info;
}

uint64_t page_align(uint64_t v, uint64_t page)
{
	return (v + page - 1) & ~(page - 1);
}

} // namespace

// ---- Device ----

Device::Device(std::unique_ptr<Transport> t)
	: t_(std::move(t)), info_(query_info_from(*t_)), va_(info_.va_start, info_.va_end)
{
}

Device::~Device()
{
	std::lock_guard lk(upload_mu_);
	pending_.clear();
	for (Upload &u : free_uploads_)
		release_upload(u);
	free_uploads_.clear();
}

void Device::check(const char *name, int r) const
{
	if (r)
		throw Error(-r, std::string(name) + ": " + errno_text(-r));
}

void Device::ioctl(unsigned long cmd, void *arg, const char *name) const
{
	int r = t_->ioctl(cmd, arg);
	if (r)
		throw Error(-r, std::string(name) + ": " + errno_text(-r));
}

drm_mica_dev_info Device::query_info() const
{
	return query_info_from(*t_);
}

std::vector<uint64_t> Device::reject_counts() const
{
	std::vector<uint64_t> counts(DRM_MICA_REJECT_COUNT);
	drm_mica_dev_query q{DRM_MICA_DEV_QUERY_REJECT_COUNTS, static_cast<uint32_t>(counts.size() * 8),
			     reinterpret_cast<uintptr_t>(counts.data())};
	ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q, "DEV_QUERY");
	return counts;
}

Bo Device::alloc(uint64_t size, uint32_t flags)
{
	drm_mica_bo_create c{};
	c.size = size;
	c.flags = flags;
	ioctl(DRM_IOCTL_MICA_BO_CREATE, &c, "BO_CREATE");
	hold_handle(c.handle);
	Bo bo;
	bo.dev_ = this;
	bo.handle_ = c.handle;
	bo.size_ = c.size;
	return bo;
}

Bo Device::import_host(void *ptr, uint64_t size, bool read_only)
{
	drm_mica_bo_create_userptr u{};
	u.address = reinterpret_cast<uintptr_t>(ptr);
	u.size = size;
	u.flags = read_only ? DRM_MICA_USERPTR_READ_ONLY : 0;
	ioctl(DRM_IOCTL_MICA_BO_CREATE_USERPTR, &u, "BO_CREATE_USERPTR");
	hold_handle(u.handle);
	Bo bo;
	bo.dev_ = this;
	bo.handle_ = u.handle;
	bo.size_ = size;
	bo.host_ = ptr;
	return bo;
}

Bo Device::import_fd(int fd)
{
	drm_prime_handle p{};
	p.fd = fd;
	ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &p, "PRIME_FD_TO_HANDLE");
	// Importing a BO this file already holds returns the same handle: count the holders.
	hold_handle(p.handle);
	Bo bo;
	bo.dev_ = this;
	bo.handle_ = p.handle;
	drm_mica_bo_info info{};
	info.handle = p.handle;
	ioctl(DRM_IOCTL_MICA_BO_INFO, &info, "BO_INFO");
	bo.size_ = info.size;
	bo.shader_ = info.shader != 0;
	return bo;
}

void Device::hold_handle(uint32_t handle)
{
	std::lock_guard lk(handle_mu_);
	handle_holders_[handle]++;
}

void Device::release_handle(uint32_t handle)
{
	{
		std::lock_guard lk(handle_mu_);
		auto it = handle_holders_.find(handle);
		if (it != handle_holders_.end() && --it->second > 0)
			return;
		if (it != handle_holders_.end())
			handle_holders_.erase(it);
	}
	drm_gem_close c{handle, 0};
	t_->ioctl(DRM_IOCTL_GEM_CLOSE, &c);
}

Bo Device::create_shader(std::span<const uint8_t> binary)
{
	drm_mica_shader_create s{};
	s.binary = reinterpret_cast<uintptr_t>(binary.data());
	s.size = static_cast<uint32_t>(binary.size());
	if (binary.size() > UINT32_MAX)
		throw Error(E2BIG, "SHADER_CREATE: binary too large");
	int r = t_->ioctl(DRM_IOCTL_MICA_SHADER_CREATE, &s);
	if (r == -ENOEXEC)
		throw Error(ENOEXEC, "SHADER_CREATE: the binary targets another revision or power profile; "
				     "recompile for the active one");
	if (r)
		throw Error(-r, "SHADER_CREATE: " + errno_text(-r) + " (the driver log says why)");
	hold_handle(s.handle);
	Bo bo;
	bo.dev_ = this;
	bo.handle_ = s.handle;
	bo.size_ = s.bo_size;
	bo.shader_ = true;
	return bo;
}

void Device::bind(const Bo &bo, uint64_t va, uint64_t size, uint32_t perms, uint64_t bo_offset)
{
	drm_mica_vm_bind_op op{DRM_MICA_BIND_OP_MAP, perms, bo.handle(), 0, bo_offset, va, size};
	drm_mica_vm_bind b{};
	b.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
	ioctl(DRM_IOCTL_MICA_VM_BIND, &b, "VM_BIND map");
}

void Device::unbind(uint64_t va, uint64_t size)
{
	drm_mica_vm_bind_op op{DRM_MICA_BIND_OP_UNMAP, 0, 0, 0, 0, va, size};
	drm_mica_vm_bind b{};
	b.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
	ioctl(DRM_IOCTL_MICA_VM_BIND, &b, "VM_BIND unmap");
}

std::unique_ptr<Context> Device::create_context(uint32_t type)
{
	drm_mica_ctx_create c{};
	c.type = type;
	ioctl(DRM_IOCTL_MICA_CTX_CREATE, &c, "CTX_CREATE");
	return std::unique_ptr<Context>(new Context(*this, c.handle, type));
}

std::unique_ptr<SyncObj> Device::create_sync(uint64_t initial)
{
	uint32_t handle = 0;
	check("SYNCOBJ_CREATE", t_->syncobj_create(0, &handle));
	std::unique_ptr<SyncObj> obj(new SyncObj(*this, handle));
	if (initial)
		obj->signal(initial);
	return obj;
}

std::unique_ptr<SyncObj> Device::import_sync(int fd)
{
	uint32_t handle = 0;
	check("SYNCOBJ_FD_TO_HANDLE", t_->syncobj_fd_to_handle(fd, 0, &handle));
	return std::unique_ptr<SyncObj>(new SyncObj(*this, handle));
}

namespace {

// DRM sync object waits take an absolute CLOCK_MONOTONIC deadline.
int64_t abs_deadline(int64_t timeout_ns)
{
	if (timeout_ns <= 0)
		return 0;
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	const int64_t now = int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
	return timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
}

} // namespace

bool Device::wait_syncs(std::span<const SyncPoint> points, bool wait_all, bool available, int64_t timeout_ns,
			uint32_t *first)
{
	if (points.empty())
		return true;
	std::vector<uint32_t> handles;
	std::vector<uint64_t> values;
	for (const SyncPoint &p : points) {
		handles.push_back(p.sync);
		values.push_back(p.point);
	}
	const uint32_t flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT | (wait_all ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL : 0) |
			       (available ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE : 0);
	uint32_t signalled = 0;
	int r = t_->syncobj_timeline_wait(handles.data(), values.data(), static_cast<uint32_t>(handles.size()),
					  abs_deadline(timeout_ns), flags, &signalled);
	if (r == -ETIME)
		return false;
	check("SYNCOBJ_TIMELINE_WAIT", r);
	if (first)
		*first = signalled;
	return true;
}

void Device::release_upload(Upload &u)
{
	if (!u.va)
		return;
	drm_mica_vm_bind_op op{DRM_MICA_BIND_OP_UNMAP, 0, 0, 0, 0, u.va, u.bo.size()};
	drm_mica_vm_bind b{};
	b.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
	t_->ioctl(DRM_IOCTL_MICA_VM_BIND, &b);
	va_.free(u.va, u.bo.size());
	u.va = 0;
}

Device::Upload Device::take_upload(uint64_t bytes)
{
	{
		std::lock_guard lk(upload_mu_);
		for (auto it = free_uploads_.begin(); it != free_uploads_.end(); ++it)
			if (it->bo.size() >= bytes) {
				Upload u = std::move(*it);
				free_uploads_.erase(it);
				return u;
			}
	}
	// Rounded up to a power of two so that similar submissions reuse it.
	uint64_t size = std::max<uint64_t>(kMinUploadBytes, page_align(bytes, info_.page_size));
	while (size & (size - 1))
		size += size & -size;
	Upload u;
	u.bo = alloc(size);
	u.bo.map();
	const uint64_t va = va_.alloc(size, info_.page_size);
	try {
		bind(u.bo, va, size, DRM_MICA_BIND_READ);
	} catch (...) {
		va_.free(va, size);
		throw;
	}
	u.va = va;
	return u;
}

void Device::return_upload(Upload u)
{
	std::lock_guard lk(upload_mu_);
	if (free_uploads_.size() < kFreeUploads) {
		free_uploads_.push_back(std::move(u));
		return;
	}
	// Keep the larger ones.
	auto smallest = std::min_element(free_uploads_.begin(), free_uploads_.end(),
					 [](const Upload &a, const Upload &b) { return a.bo.size() < b.bo.size(); });
	if (smallest->bo.size() < u.bo.size())
		std::swap(*smallest, u);
	release_upload(u);
}

void Device::reap_pending(bool all)
{
	std::lock_guard lk(upload_mu_);
	while (!pending_.empty()) {
		drm_mica_ctx_wait w{};
		w.ctx = pending_.front().ctx;
		w.seqno = pending_.front().seqno;
		w.timeout_ns = 0;
		const int r = t_->ioctl(DRM_IOCTL_MICA_CTX_WAIT, &w);
		// -ENOENT: the context is gone, so is its job.
		if (!all && r != 0 && r != -ENOENT)
			break;
		pending_.pop_front();
	}
}

bool Device::wait_oldest_job(int64_t timeout_ns)
{
	reap_pending(false);
	drm_mica_ctx_wait w{};
	{
		std::lock_guard lk(upload_mu_);
		if (pending_.empty())
			return false;
		w.ctx = pending_.front().ctx;
		w.seqno = pending_.front().seqno;
	}
	w.timeout_ns = timeout_ns;
	t_->ioctl(DRM_IOCTL_MICA_CTX_WAIT, &w); // 0, -ETIME or -ENOENT: the caller retries either way
	reap_pending(false);
	return true;
}

uint64_t Device::submit(Context &ctx, std::span<const uint32_t> commands, const SubmitInfo &info)
{
	if (commands.empty())
		throw Error(EINVAL, "SUBMIT: empty command buffer");
	Upload upload = take_upload(commands.size() * 4);
	std::memcpy(upload.bo.map(), commands.data(), commands.size() * 4);

	drm_mica_cmdbuf cb{upload.va, static_cast<uint32_t>(commands.size()), 0};
	std::vector<drm_mica_bo_ref> refs;
	for (uint32_t h : info.bos)
		refs.push_back({h, DRM_MICA_BO_REF_READ | DRM_MICA_BO_REF_WRITE});
	std::vector<drm_mica_sync_point> in, out;
	for (const SyncPoint &p : info.wait)
		in.push_back({p.sync, 0, p.point});
	for (const SyncPoint &p : info.signal)
		out.push_back({p.sync, 0, p.point});
	drm_mica_submit s{};
	s.ctx = ctx.handle();
	s.cmdbufs = {sizeof(cb), 1, reinterpret_cast<uintptr_t>(&cb)};
	s.bos = {sizeof(drm_mica_bo_ref), static_cast<uint32_t>(refs.size()), reinterpret_cast<uintptr_t>(refs.data())};
	s.in_syncs = {sizeof(drm_mica_sync_point), static_cast<uint32_t>(in.size()), reinterpret_cast<uintptr_t>(in.data())};
	s.out_syncs = {sizeof(drm_mica_sync_point), static_cast<uint32_t>(out.size()), reinterpret_cast<uintptr_t>(out.data())};
	int r = t_->ioctl(DRM_IOCTL_MICA_SUBMIT, &s);
	// -EAGAIN: this client has the kernel's limit of unretired jobs in flight. Wait for its oldest
	// job, then try again; give up only when there is none of ours left to wait for or the
	// jobs make no progress for kSubmitBackoffLimitNs (e.g. they wait on a point nobody signals).
	// Finding none left still earns one more try: the jobs that filled the limit may all have
	// retired between the refusal and the look at pending_.
	for (int64_t waited = 0; r == -EAGAIN && waited < kSubmitBackoffLimitNs; waited += kSubmitBackoffStepNs) {
		const bool had_one = wait_oldest_job(kSubmitBackoffStepNs);
		r = t_->ioctl(DRM_IOCTL_MICA_SUBMIT, &s);
		if (!had_one)
			break;
	}
	// The kernel copied the commands (or refused them): the area is free again either way.
	return_upload(std::move(upload));
	if (r) {
		if (r == -ECANCELED)
			throw Error(ECANCELED, "SUBMIT: the context was lost (device lost)");
		if (r == -ENOEXEC)
			throw Error(ENOEXEC, "SUBMIT: a shader targets another power profile; recompile");
		if (r == -EAGAIN)
			throw Error(EAGAIN, "SUBMIT: too many jobs of this client in flight and none retired");
		throw Error(-r, "SUBMIT: " + errno_text(-r) + " (the driver log says why)");
	}
	bool prune = false;
	{
		std::lock_guard lk(upload_mu_);
		pending_.push_back({ctx.handle(), s.seqno});
		if (pending_.size() > kMaxPending)
			pending_.pop_front(); // only a candidate for the backoff is lost
		prune = pending_.size() > kReapPendingAt;
	}
	if (prune)
		reap_pending(false);
	return s.seqno;
}

// ---- Bo ----

Bo::Bo(Bo &&o) noexcept
	: dev_(o.dev_), handle_(o.handle_), size_(o.size_), shader_(o.shader_), cpu_(o.cpu_), host_(o.host_)
{
	o.dev_ = nullptr;
	o.handle_ = 0;
	o.cpu_ = nullptr;
	o.host_ = nullptr;
}

Bo &Bo::operator=(Bo &&o) noexcept
{
	if (this != &o) {
		reset();
		dev_ = o.dev_;
		handle_ = o.handle_;
		size_ = o.size_;
		shader_ = o.shader_;
		cpu_ = o.cpu_;
		host_ = o.host_;
		o.dev_ = nullptr;
		o.handle_ = 0;
		o.cpu_ = nullptr;
		o.host_ = nullptr;
	}
	return *this;
}

Bo::~Bo() { reset(); }

void Bo::reset() noexcept
{
	if (!dev_ || !handle_)
		return;
	unmap();
	dev_->release_handle(handle_);
	handle_ = 0;
	dev_ = nullptr;
	host_ = nullptr;
}

void *Bo::map()
{
	if (cpu_)
		return cpu_;
	if (host_)
		return host_;
	if (!dev_)
		throw Error(EINVAL, "Bo::map: empty BO");
	drm_mica_bo_mmap_offset m{handle_, 0, 0};
	dev_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m, "BO_MMAP_OFFSET");
	cpu_ = dev_->t_->mmap(m.offset, size_);
	return cpu_;
}

void Bo::unmap()
{
	if (cpu_ && dev_)
		dev_->t_->munmap(cpu_, size_);
	cpu_ = nullptr;
}

int Bo::export_fd() const
{
	if (!dev_)
		throw Error(EINVAL, "Bo::export_fd: empty BO");
	drm_prime_handle p{handle_, DRM_CLOEXEC | DRM_RDWR, -1};
	dev_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &p, "PRIME_HANDLE_TO_FD");
	return p.fd;
}

// ---- Context ----

Context::~Context()
{
	drm_mica_ctx_destroy d{handle_, 0};
	dev_.t_->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d);
}

bool Context::wait(uint64_t seqno, int64_t timeout_ns, int32_t *job_error)
{
	drm_mica_ctx_wait w{};
	w.ctx = handle_;
	w.seqno = seqno;
	w.timeout_ns = timeout_ns;
	int r = dev_.t_->ioctl(DRM_IOCTL_MICA_CTX_WAIT, &w);
	if (r == -ETIME)
		return false;
	if (r)
		throw Error(-r, "CTX_WAIT: " + errno_text(-r));
	if (job_error)
		*job_error = w.error;
	return true;
}

drm_mica_ctx_query Context::query() const
{
	drm_mica_ctx_query q{};
	q.handle = handle_;
	dev_.ioctl(DRM_IOCTL_MICA_CTX_QUERY, &q, "CTX_QUERY");
	return q;
}

bool Context::lost() const
{
	return query().status == DRM_MICA_CTX_STATUS_GUILTY;
}

// ---- SyncObj ----

SyncObj::~SyncObj()
{
	dev_.t_->syncobj_destroy(handle_);
}

uint64_t SyncObj::value() const
{
	uint32_t handle = handle_;
	uint64_t point = 0;
	dev_.check("SYNCOBJ_QUERY", dev_.t_->syncobj_query(&handle, &point, 1, 0));
	return point;
}

uint64_t SyncObj::last_submitted() const
{
	uint32_t handle = handle_;
	uint64_t point = 0;
	dev_.check("SYNCOBJ_QUERY", dev_.t_->syncobj_query(&handle, &point, 1, DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED));
	return point;
}

void SyncObj::signal(uint64_t point)
{
	dev_.check("SYNCOBJ_TIMELINE_SIGNAL", dev_.t_->syncobj_timeline_signal(&handle_, &point, 1));
}

int SyncObj::export_fd() const
{
	int fd = -1;
	dev_.check("SYNCOBJ_HANDLE_TO_FD", dev_.t_->syncobj_handle_to_fd(handle_, 0, &fd));
	return fd;
}

int SyncObj::export_sync_file(uint64_t point) const
{
	// A binary sync object of its own carries the point's fence out (TRANSFER, then export).
	Transport &t = *dev_.t_;
	uint32_t tmp = 0;
	dev_.check("SYNCOBJ_CREATE", t.syncobj_create(0, &tmp));
	int fd = -1;
	int r = t.syncobj_transfer(tmp, 0, handle_, point, 0);
	if (!r)
		r = t.syncobj_handle_to_fd(tmp, DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE, &fd);
	t.syncobj_destroy(tmp);
	dev_.check("SYNCOBJ export of a sync file", r);
	return fd;
}

void SyncObj::import_sync_file(int fd, uint64_t point)
{
	// Into a binary sync object of its own, then TRANSFER to the point.
	Transport &t = *dev_.t_;
	uint32_t tmp = 0;
	dev_.check("SYNCOBJ_CREATE", t.syncobj_create(0, &tmp));
	int r = t.syncobj_fd_to_handle(fd, DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE, &tmp);
	if (!r)
		r = t.syncobj_transfer(handle_, point, tmp, 0, 0);
	t.syncobj_destroy(tmp);
	dev_.check("SYNCOBJ import of a sync file", r);
}

bool SyncObj::wait(uint64_t point, int64_t timeout_ns)
{
	const SyncPoint p{handle_, point};
	return dev_.wait_syncs({&p, 1}, true, false, timeout_ns);
}

} // namespace mica::winsys
