// SPDX-License-Identifier: MIT
#include "uapi_fixture.h"

#include <cstring>
#include <ctime>

namespace mica::ktest {

uint32_t pkt(uint32_t op, uint32_t len) { return MICA_PKT_HEADER(op, len); }

Client::Client(mica_device *mdev)
{
	EXPECT_EQ(mica_um_open(mdev, &file_), 0);
	cmd_bo_ = bo(CMD_BYTES);
	cmd_cpu_ = static_cast<uint32_t *>(map(cmd_bo_, CMD_BYTES));
	bind(cmd_bo_, CMD_VA, CMD_BYTES, DRM_MICA_BIND_READ);
}

Client::~Client() { mica_um_close(file_); }

uint32_t Client::bo(uint64_t size, uint32_t flags)
{
	drm_mica_bo_create c{};
	c.size = size;
	c.flags = flags;
	EXPECT_EQ(ioctl(DRM_IOCTL_MICA_BO_CREATE, &c), 0);
	return c.handle;
}

void *Client::map(uint32_t handle, uint64_t size)
{
	drm_mica_bo_mmap_offset m{};
	m.handle = handle;
	EXPECT_EQ(ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), 0);
	void *p = nullptr;
	EXPECT_EQ(mica_um_mmap(file_, m.offset, size, &p), 0);
	return p;
}

int Client::try_bind(uint32_t handle, uint64_t va, uint64_t size, uint32_t perms, uint64_t bo_offset)
{
	drm_mica_vm_bind_op op{};
	op.op = DRM_MICA_BIND_OP_MAP;
	op.flags = perms;
	op.handle = handle;
	op.bo_offset = bo_offset;
	op.va = va;
	op.size = size;
	drm_mica_vm_bind b{};
	b.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
	return ioctl(DRM_IOCTL_MICA_VM_BIND, &b);
}

void Client::bind(uint32_t handle, uint64_t va, uint64_t size, uint32_t perms, uint64_t bo_offset)
{
	EXPECT_EQ(try_bind(handle, va, size, perms, bo_offset), 0);
}

int Client::unbind(uint64_t va, uint64_t size)
{
	drm_mica_vm_bind_op op{};
	op.op = DRM_MICA_BIND_OP_UNMAP;
	op.va = va;
	op.size = size;
	drm_mica_vm_bind b{};
	b.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
	return ioctl(DRM_IOCTL_MICA_VM_BIND, &b);
}

uint32_t Client::ctx(uint32_t type)
{
	drm_mica_ctx_create c{};
	c.type = type;
	EXPECT_EQ(ioctl(DRM_IOCTL_MICA_CTX_CREATE, &c), 0);
	return c.handle;
}

int Client::try_shader(const std::vector<uint8_t> &bin, uint32_t *handle)
{
	drm_mica_shader_create s{};
	s.binary = reinterpret_cast<uintptr_t>(bin.data());
	s.size = static_cast<uint32_t>(bin.size());
	int r = ioctl(DRM_IOCTL_MICA_SHADER_CREATE, &s);
	if (handle)
		*handle = s.handle;
	return r;
}

uint32_t Client::shader(const std::vector<uint8_t> &bin)
{
	uint32_t h = 0;
	EXPECT_EQ(try_shader(bin, &h), 0);
	return h;
}

uint32_t Client::sync(uint64_t initial)
{
	drm_syncobj_create c{};
	EXPECT_EQ(ioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c), 0);
	if (initial) {
		EXPECT_EQ(signal(c.handle, initial), 0);
	}
	return c.handle;
}

int Client::signal(uint32_t sync, uint64_t point)
{
	drm_syncobj_timeline_array a{};
	a.handles = reinterpret_cast<uintptr_t>(&sync);
	a.points = reinterpret_cast<uintptr_t>(&point);
	a.count_handles = 1;
	return ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a);
}

uint64_t Client::sync_value(uint32_t sync)
{
	uint64_t point = ~0ull;
	drm_syncobj_timeline_array a{};
	a.handles = reinterpret_cast<uintptr_t>(&sync);
	a.points = reinterpret_cast<uintptr_t>(&point);
	a.count_handles = 1;
	EXPECT_EQ(ioctl(DRM_IOCTL_SYNCOBJ_QUERY, &a), 0);
	return point;
}

int64_t monotonic_deadline(int64_t timeout_ns)
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec + timeout_ns;
}

int Client::sync_wait(uint32_t sync, uint64_t point, int64_t timeout_ns, uint32_t flags)
{
	drm_syncobj_timeline_wait w{};
	w.handles = reinterpret_cast<uintptr_t>(&sync);
	w.points = reinterpret_cast<uintptr_t>(&point);
	w.count_handles = 1;
	w.flags = flags;
	w.timeout_nsec = timeout_ns ? monotonic_deadline(timeout_ns) : 0;
	return ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

uint32_t Client::gate()
{
	constexpr uint32_t kSlots = 4096 / 8;
	if (!gate_ctx_) {
		uint32_t flags = bo(4096);
		gate_cpu_ = static_cast<volatile uint32_t *>(map(flags, 4096));
		bind(flags, GATE_VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE);
		gate_ctx_ = ctx();
	}
	EXPECT_LT(gates_.size(), kSlots);
	const uint32_t slot = static_cast<uint32_t>(gates_.size());
	const uint64_t va = GATE_VA + slot * 8;
	gate_cpu_[slot * 2] = 0;
	uint32_t s = sync();
	const std::vector<uint32_t> dw = {pkt(MICA_PKT_WAIT_MEM, 5), lo32(va), hi32(va), 1, 0, MICA_WAIT_EQ};
	EXPECT_EQ(submit(gate_ctx_, dw, nullptr, {}, {{s, 0, 1}}), 0);
	gates_.push_back({s, slot});
	return s;
}

void Client::open_gate(uint32_t sync)
{
	for (const auto &[s, slot] : gates_)
		if (s == sync)
			gate_cpu_[slot * 2] = 1;
}

uint64_t Client::place(const std::vector<uint32_t> &dw)
{
	if ((cmd_next_ + dw.size()) * 4 > CMD_BYTES)
		cmd_next_ = 0;
	uint64_t va = CMD_VA + cmd_next_ * 4;
	std::memcpy(cmd_cpu_ + cmd_next_, dw.data(), dw.size() * 4);
	cmd_next_ += (dw.size() + 63) & ~63ull;
	return va;
}

int Client::submit_va(uint32_t ctx, uint64_t va, uint32_t dwords, uint64_t *seqno,
		      const std::vector<drm_mica_sync_point> &in, const std::vector<drm_mica_sync_point> &out)
{
	drm_mica_cmdbuf cb{va, dwords, 0};
	drm_mica_submit s{};
	s.ctx = ctx;
	s.cmdbufs = {sizeof(cb), 1, reinterpret_cast<uintptr_t>(&cb)};
	s.in_syncs = {sizeof(drm_mica_sync_point), static_cast<uint32_t>(in.size()), reinterpret_cast<uintptr_t>(in.data())};
	s.out_syncs = {sizeof(drm_mica_sync_point), static_cast<uint32_t>(out.size()), reinterpret_cast<uintptr_t>(out.data())};
	int r = ioctl(DRM_IOCTL_MICA_SUBMIT, &s);
	if (seqno)
		*seqno = s.seqno;
	return r;
}

int Client::submit(uint32_t ctx, const std::vector<uint32_t> &dw, uint64_t *seqno,
		   const std::vector<drm_mica_sync_point> &in, const std::vector<drm_mica_sync_point> &out)
{
	return submit_va(ctx, place(dw), static_cast<uint32_t>(dw.size()), seqno, in, out);
}

int Client::wait(uint32_t ctx, uint64_t seqno, int64_t timeout_ns, int32_t *error)
{
	drm_mica_ctx_wait w{};
	w.ctx = ctx;
	w.seqno = seqno;
	w.timeout_ns = timeout_ns;
	int r = ioctl(DRM_IOCTL_MICA_CTX_WAIT, &w);
	if (error)
		*error = w.error;
	return r;
}

drm_mica_ctx_query Client::query(uint32_t ctx)
{
	drm_mica_ctx_query q{};
	q.handle = ctx;
	EXPECT_EQ(ioctl(DRM_IOCTL_MICA_CTX_QUERY, &q), 0);
	return q;
}

drm_mica_client_info Client::usage()
{
	drm_mica_client_info i{};
	drm_mica_dev_query q{};
	q.type = DRM_MICA_DEV_QUERY_CLIENT;
	q.size = sizeof(i);
	q.pointer = reinterpret_cast<uintptr_t>(&i);
	EXPECT_EQ(ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
	return i;
}

int Client::close_bo(uint32_t handle)
{
	drm_gem_close c{handle, 0};
	return ioctl(DRM_IOCTL_GEM_CLOSE, &c);
}

void UapiTest::start(const DeviceOptions &opt)
{
	a_.reset();
	kdev_.reset();
	dev_.reset();
	mica::sim::DeviceConfig cfg;
	cfg.revision = opt.revision;
	cfg.cu_count = 2;
	cfg.vram_bytes = 64ull << 20;
	cfg.host_threads = 1;
	cfg.system_dma = opt.system_dma;
	dev_ = std::make_unique<mica::sim::Device>(cfg);
	mica_um_params p = opt.params;
	p.watchdog_cycles = opt.watchdog_cycles;
	p.job_timeout_ns = opt.job_timeout_ns;
	kdev_ = std::make_unique<mica::kernel::UmDevice>(*dev_, p);
	a_ = client();
	if (!warnings_counted_) {
		warnings_at_start_ = mica_um_warnings();
		warnings_counted_ = true;
	}
}

void UapiTest::TearDown()
{
	a_.reset();
	kdev_.reset();
	dev_.reset();
	// No case may make the kernel WARN, teardown included: in process the core's WARN_ON count,
	// over the real module the "WARNING:" reports in the kernel log. (Not equal: over the module
	// an old report can scroll out of the log buffer while a case runs.)
	if (warnings_counted_) {
		EXPECT_LE(mica_um_warnings(), warnings_at_start_)
			<< "a kernel WARN fired during this case (stderr in process, dmesg over the module)";
	}
}

std::string UapiTest::log() const
{
	std::string buf(64 * 1024, '\0');
	size_t n = mica_um_log_read(kdev_->get(), buf.data(), buf.size());
	buf.resize(n);
	return buf;
}

std::string UapiTest::coredump() const
{
	std::string buf(64 * 1024, '\0');
	size_t n = mica_um_devcoredump_read(kdev_->get(), buf.data(), buf.size());
	buf.resize(n);
	return buf;
}

uint64_t UapiTest::rejects(uint32_t reason) const
{
	std::vector<uint64_t> counts(DRM_MICA_REJECT_COUNT);
	drm_mica_dev_query q{};
	q.type = DRM_MICA_DEV_QUERY_REJECT_COUNTS;
	q.size = static_cast<uint32_t>(counts.size() * 8);
	q.pointer = reinterpret_cast<uintptr_t>(counts.data());
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
	return counts.at(reason);
}

std::vector<uint32_t> dispatch_stream(uint64_t code_va, uint64_t dst, uint32_t add, uint32_t lanes)
{
	return {
		pkt(MICA_PKT_SET_PROGRAM, 4), lo32(code_va), hi32(code_va), 16, 32,
		pkt(MICA_PKT_SET_USER_DATA, 4), 0, lo32(dst), hi32(dst), add,
		pkt(MICA_PKT_SET_SHARED_SIZE, 1), 0,
		pkt(MICA_PKT_SET_WORKGROUP_SIZE, 3), lanes, 1, 1,
		pkt(MICA_PKT_DISPATCH, 3), 1, 1, 1,
	};
}

} // namespace mica::ktest
