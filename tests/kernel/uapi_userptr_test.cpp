// SPDX-License-Identifier: MIT
// BO_CREATE_USERPTR (issue 13, VK_EXT_external_memory_host): a client's own pages become a BO the
// device reads and writes in place through SYSTEM leaves. Tested as a hostile client would use
// it: bad ranges, memory it may not hand over, sharing attempts, limits, lifetime. The guest runs
// the no-system-DMA case against the real module (kernel_uapi_test_drm).
#include "uapi_fixture.h"

#include <sys/mman.h>

#include <chrono>
#include <cstring>
#include <thread>

using namespace mica::ktest;

namespace {

constexpr uint64_t CODE_VA = 0x60000000;
constexpr uint64_t HOST_VA = 0x70000000;
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;
constexpr uint32_t RX = DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC;

// Anonymous pages of this process (what an application would import), unmapped at the end.
struct HostMem {
	explicit HostMem(size_t pages, int prot = PROT_READ | PROT_WRITE) : bytes(pages * MICA_PAGE_SIZE)
	{
		void *p = mmap(nullptr, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		EXPECT_NE(p, MAP_FAILED);
		mem = static_cast<uint8_t *>(p);
	}
	~HostMem() { munmap(mem, bytes); }
	uint64_t addr() const { return reinterpret_cast<uintptr_t>(mem); }
	uint32_t *words() const { return reinterpret_cast<uint32_t *>(mem); }
	size_t bytes;
	uint8_t *mem;
};

int create_userptr(Client &c, uint64_t address, uint64_t size, uint32_t flags, uint32_t *handle,
		   uint64_t pad = 0)
{
	drm_mica_bo_create_userptr u{};
	u.address = address;
	u.size = size;
	u.flags = flags;
	u.pad = pad;
	const int r = c.ioctl(DRM_IOCTL_MICA_BO_CREATE_USERPTR, &u);
	if (handle)
		*handle = r == 0 ? u.handle : 0;
	return r;
}

drm_mica_dev_info dev_info(Client &c)
{
	drm_mica_dev_info info{};
	drm_mica_dev_query q{DRM_MICA_DEV_QUERY_INFO, sizeof(info), reinterpret_cast<uintptr_t>(&info)};
	EXPECT_EQ(c.ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
	return info;
}

// The in-process device has system DMA; the guest's (tests/vm/, the real module over the ivshmem
// device) does not, so there only UserptrNoSystemDma below runs.
#ifndef MICA_UAPI_OVER_DRM
uint32_t userptr(Client &c, const HostMem &m, uint32_t flags = 0)
{
	uint32_t h = 0;
	EXPECT_EQ(create_userptr(c, m.addr(), m.bytes, flags, &h), 0);
	return h;
}

class Userptr : public UapiTest {
protected:
	void SetUp() override
	{
		DeviceOptions o;
		o.params.client_max_pinned_bytes = 64 * MICA_PAGE_SIZE;
		start(o);
		ctx_ = a_->ctx();
		good_ = a_->shader(make_binary(store_lane_program()));
		a_->bind(good_, CODE_VA, MICA_PAGE_SIZE, RX);
	}
	// Runs store_lane_program storing lane + add at va; returns the job's error.
	int32_t store_lanes(uint64_t va, uint32_t add)
	{
		uint64_t seq = 0;
		EXPECT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, va, add), &seq), 0);
		int32_t err = -1;
		EXPECT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
		return err;
	}
	uint32_t ctx_ = 0, good_ = 0;
};

TEST_F(Userptr, ArgumentsAreChecked)
{
	EXPECT_EQ(dev_info(*a_).caps & DRM_MICA_CAP_USERPTR, DRM_MICA_CAP_USERPTR);
	HostMem m(4);
	const uint64_t a = m.addr(), page = MICA_PAGE_SIZE;
	EXPECT_EQ(create_userptr(*a_, a, page, 0, nullptr, 1), -EINVAL);               // pad
	EXPECT_EQ(create_userptr(*a_, a, page, 0x80, nullptr), -EINVAL);              // unknown flag
	EXPECT_EQ(create_userptr(*a_, a, 0, 0, nullptr), -EINVAL);                    // empty
	EXPECT_EQ(create_userptr(*a_, a + 8, page, 0, nullptr), -EINVAL);             // unaligned address
	EXPECT_EQ(create_userptr(*a_, a, page + 100, 0, nullptr), -EINVAL);           // unaligned size
	EXPECT_EQ(create_userptr(*a_, ~uint64_t{page - 1}, 2 * page, 0, nullptr), -EFAULT); // wraps
	EXPECT_EQ(create_userptr(*a_, 0, page, 0, nullptr), -EFAULT);                 // page 0: unmapped
	EXPECT_EQ(create_userptr(*a_, 1ull << 62, page, 0, nullptr), -EFAULT);        // no user address
	// Over the pinned-memory limit (64 pages here), before anything is pinned.
	EXPECT_EQ(create_userptr(*a_, a, 65 * page, 0, nullptr), -ENOMEM);
	EXPECT_EQ(a_->usage().pinned_bytes, 0u);
	EXPECT_EQ(a_->usage().pinned_limit, 64 * page);
}

TEST_F(Userptr, OnlyMemoryTheClientMayUseAsAsked)
{
	// A range that runs past the end of a mapping into a hole.
	HostMem m(3);
	ASSERT_EQ(munmap(m.mem + 2 * MICA_PAGE_SIZE, MICA_PAGE_SIZE), 0);
	EXPECT_EQ(create_userptr(*a_, m.addr(), 3 * MICA_PAGE_SIZE, 0, nullptr), -EFAULT);
	EXPECT_EQ(create_userptr(*a_, m.addr(), 2 * MICA_PAGE_SIZE, 0, nullptr), 0);
	ASSERT_EQ(mmap(m.mem + 2 * MICA_PAGE_SIZE, MICA_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  m.mem + 2 * MICA_PAGE_SIZE);
	// Read-only memory: only as a READ_ONLY BO, which binds READ but never WRITE.
	HostMem ro(2, PROT_READ);
	EXPECT_EQ(create_userptr(*a_, ro.addr(), ro.bytes, 0, nullptr), -EFAULT);
	uint32_t h = 0;
	ASSERT_EQ(create_userptr(*a_, ro.addr(), ro.bytes, DRM_MICA_USERPTR_READ_ONLY, &h), 0);
	EXPECT_EQ(a_->try_bind(h, HOST_VA, ro.bytes, RW), -EACCES);
	EXPECT_EQ(a_->try_bind(h, HOST_VA, ro.bytes, DRM_MICA_BIND_READ), 0);
	// Inaccessible memory (a guard page).
	HostMem none(1, PROT_NONE);
	EXPECT_EQ(create_userptr(*a_, none.addr(), none.bytes, DRM_MICA_USERPTR_READ_ONLY, nullptr), -EFAULT);
	// The CPU mapping of a device BO is device memory, not the client's system memory.
	const uint32_t vram_bo = a_->bo(2 * MICA_PAGE_SIZE);
	void *cpu = a_->map(vram_bo, 2 * MICA_PAGE_SIZE);
	EXPECT_EQ(create_userptr(*a_, reinterpret_cast<uintptr_t>(cpu), 2 * MICA_PAGE_SIZE, 0, nullptr), -EFAULT);
}

TEST_F(Userptr, TheBoIsTheClientsMemoryOnly)
{
	HostMem m(2);
	const uint32_t h = userptr(*a_, m);
	drm_mica_bo_info info{};
	info.handle = h;
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_INFO, &info), 0);
	EXPECT_EQ(info.flags, DRM_MICA_BO_NO_MMAP | DRM_MICA_BO_USERPTR);
	EXPECT_EQ(info.size, m.bytes);
	EXPECT_EQ(info.caching, DRM_MICA_CACHING_NONE);
	EXPECT_EQ(info.shader, 0u);
	// No mmap offset (the client has the memory), no dma-buf (the pages are this process's),
	// never executable.
	drm_mica_bo_mmap_offset off{h, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &off), -EACCES);
	drm_prime_handle prime{h, DRM_CLOEXEC, -1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime), -EPERM);
	EXPECT_EQ(a_->try_bind(h, HOST_VA, m.bytes, RX), -EACCES);
	// BO_CREATE never accepts the USERPTR bit.
	drm_mica_bo_create c{MICA_PAGE_SIZE, DRM_MICA_BO_PLACEMENT_VRAM, DRM_MICA_BO_USERPTR, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &c), -EINVAL);
	// Another client knows nothing of the handle.
	auto b = client();
	EXPECT_EQ(b->try_bind(h, HOST_VA, m.bytes, RW), -ENOENT);
}

// The device stores into the client's memory in place: the result is in the host array with no
// map, copy or flush; the CPU's writes are what the device reads.
TEST_F(Userptr, DeviceReadsAndWritesHostMemoryInPlace)
{
	HostMem m(2);
	const uint32_t h = userptr(*a_, m);
	a_->bind(h, HOST_VA, m.bytes, RW);
	EXPECT_EQ(store_lanes(HOST_VA + MICA_PAGE_SIZE, 9), 0);
	for (uint32_t i = 0; i < 32; i++)
		ASSERT_EQ(m.words()[MICA_PAGE_SIZE / 4 + i], i + 9) << "lane " << i;
	EXPECT_EQ(m.words()[0], 0u);
	// CPU writes, the device copies them (DMA) into the other page and back into VRAM.
	const uint32_t vram_bo = a_->bo(MICA_PAGE_SIZE);
	auto *vram_cpu = static_cast<uint32_t *>(a_->map(vram_bo, MICA_PAGE_SIZE));
	a_->bind(vram_bo, HOST_VA + 0x100000, MICA_PAGE_SIZE, RW);
	for (uint32_t i = 0; i < 16; i++)
		m.words()[i] = 0xabc000 + i;
	const uint64_t src = HOST_VA, dst = HOST_VA + 0x100000;
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, {pkt(MICA_PKT_DMA_COPY, 5), lo32(src), hi32(src), lo32(dst), hi32(dst), 64}, &seq), 0);
	int32_t err = -1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	for (uint32_t i = 0; i < 16; i++)
		ASSERT_EQ(vram_cpu[i], 0xabc000 + i);
	// Pinned memory is charged while the BO lives.
	EXPECT_EQ(a_->usage().pinned_bytes, m.bytes);
}

// The same range imported twice is two BOs of the same memory (two pins), charged twice.
TEST_F(Userptr, SameRangeTwice)
{
	HostMem m(1);
	const uint32_t h1 = userptr(*a_, m), h2 = userptr(*a_, m);
	EXPECT_NE(h1, h2);
	EXPECT_EQ(a_->usage().pinned_bytes, 2 * m.bytes);
	a_->bind(h2, HOST_VA, m.bytes, RW);
	EXPECT_EQ(store_lanes(HOST_VA, 3), 0);
	EXPECT_EQ(m.words()[31], 34u);
	EXPECT_EQ(a_->close_bo(h1), 0);
	EXPECT_EQ(a_->usage().pinned_bytes, m.bytes);
}

// A command buffer in the client's own memory: the kernel copies and validates it like any.
TEST_F(Userptr, CommandsFromHostMemory)
{
	HostMem cmds(1), out(1);
	a_->bind(userptr(*a_, cmds, DRM_MICA_USERPTR_READ_ONLY), HOST_VA, cmds.bytes, DRM_MICA_BIND_READ);
	a_->bind(userptr(*a_, out), HOST_VA + 0x100000, out.bytes, RW);
	const std::vector<uint32_t> dw = dispatch_stream(CODE_VA, HOST_VA + 0x100000, 40);
	std::memcpy(cmds.mem, dw.data(), dw.size() * 4);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit_va(ctx_, HOST_VA, static_cast<uint32_t>(dw.size()), &seq), 0);
	int32_t err = -1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	for (uint32_t i = 0; i < 32; i++)
		ASSERT_EQ(out.words()[i], i + 40);
	// A malformed stream there is rejected like one in VRAM.
	const uint32_t bad[2] = {pkt(0x7f, 1), 0};
	std::memcpy(cmds.mem, bad, sizeof(bad));
	EXPECT_EQ(a_->submit_va(ctx_, HOST_VA, 2, &seq), -EINVAL);
}

// The BO (and its pins) outlive the handle while a mapping and a queued job hold it; the memory
// is uncharged only once all of them let go.
TEST_F(Userptr, ClosedWhileAJobIsQueued)
{
	HostMem m(1);
	const uint32_t h = userptr(*a_, m);
	a_->bind(h, HOST_VA, m.bytes, RW);
	const uint32_t gate = a_->gate();
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, HOST_VA, 77), &seq, {{gate, 0, 1}}), 0);
	EXPECT_EQ(a_->close_bo(h), 0);
	EXPECT_EQ(a_->unbind(HOST_VA, m.bytes), 0);
	a_->open_gate(gate);
	int32_t err = -1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	// The job ran before or after the unmap took effect on the device: either it wrote the
	// pages (still pinned) or it faulted on the unmapped VA; nothing else.
	if (err == 0) {
		for (uint32_t i = 0; i < 32; i++)
			ASSERT_EQ(m.words()[i], i + 77);
	} else {
		EXPECT_EQ(m.words()[0], 0u);
	}
	// Retired: the deferred unmap releases the BO, which unpins and uncharges.
	for (int i = 0; i < 1000 && a_->usage().pinned_bytes != 0; i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	EXPECT_EQ(a_->usage().pinned_bytes, 0u);
}

// GEM_CLOSE while a job that writes the pages is running (it waits for a flag first): the mapping
// holds the BO, so the pages stay pinned and receive the job's stores; after the unmap the same
// stores fault and leave the memory alone.
TEST_F(Userptr, ClosedWhileADispatchRuns)
{
	HostMem m(1);
	const uint32_t h = userptr(*a_, m);
	a_->bind(h, HOST_VA, m.bytes, RW);
	const uint32_t flag = a_->bo(MICA_PAGE_SIZE);
	auto *flag_cpu = static_cast<volatile uint32_t *>(a_->map(flag, MICA_PAGE_SIZE));
	const uint64_t flag_va = HOST_VA + 0x100000;
	a_->bind(flag, flag_va, MICA_PAGE_SIZE, RW);
	std::vector<uint32_t> dw = {pkt(MICA_PKT_WAIT_MEM, 5), lo32(flag_va), hi32(flag_va), 1, 0, MICA_WAIT_EQ};
	for (uint32_t w : dispatch_stream(CODE_VA, HOST_VA, 21))
		dw.push_back(w);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, dw, &seq), 0);
	EXPECT_EQ(a_->close_bo(h), 0);
	EXPECT_EQ(a_->usage().pinned_bytes, m.bytes) << "the mapping holds the BO";
	flag_cpu[0] = 1;
	int32_t err = -1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	for (uint32_t i = 0; i < 32; i++)
		ASSERT_EQ(m.words()[i], i + 21) << "lane " << i;
	// Unmapped: the next job's stores fault, the pages are released once the ring passed.
	EXPECT_EQ(a_->unbind(HOST_VA, m.bytes), 0);
	std::memset(m.mem, 0, m.bytes);
	EXPECT_NE(store_lanes(HOST_VA, 5), 0);
	EXPECT_EQ(m.words()[0], 0u);
	for (int i = 0; i < 1000 && a_->usage().pinned_bytes != 0; i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	EXPECT_EQ(a_->usage().pinned_bytes, 0u);
}

// Another client's VAs never reach this client's host memory.
TEST_F(Userptr, OtherClientsCannotReachIt)
{
	HostMem m(1);
	a_->bind(userptr(*a_, m), HOST_VA, m.bytes, RW);
	auto b = client();
	const uint32_t bctx = b->ctx();
	const uint32_t bshader = b->shader(make_binary(store_lane_program()));
	b->bind(bshader, CODE_VA, MICA_PAGE_SIZE, RX);
	uint64_t seq = 0;
	ASSERT_EQ(b->submit(bctx, dispatch_stream(CODE_VA, HOST_VA, 1), &seq), 0);
	int32_t err = 0;
	ASSERT_EQ(b->wait(bctx, seq, 10'000'000'000, &err), 0);
	EXPECT_NE(err, 0) << "client b's unmapped VA faulted";
	EXPECT_EQ(m.words()[0], 0u);
	EXPECT_EQ(b->usage().pinned_bytes, 0u);
}

#endif // MICA_UAPI_OVER_DRM

// In process: a model without CAPS.SYSTEM_DMA. Over the module: the QEMU device as it is.
class UserptrNoSystemDma : public UapiTest {
protected:
	void SetUp() override
	{
		DeviceOptions o;
		o.system_dma = false;
		start(o);
	}
};

TEST_F(UserptrNoSystemDma, Refused)
{
	EXPECT_EQ(dev_info(*a_).caps & DRM_MICA_CAP_USERPTR, 0u);
	HostMem m(1);
	EXPECT_EQ(create_userptr(*a_, m.addr(), m.bytes, 0, nullptr), -EOPNOTSUPP);
	// Argument errors still come first.
	EXPECT_EQ(create_userptr(*a_, m.addr(), 0, 0, nullptr), -EINVAL);
	EXPECT_EQ(a_->usage().pinned_bytes, 0u);
}

} // namespace
