// SPDX-License-Identifier: MIT
// IGT-style tests: DEV_QUERY, BO_*, GEM_CLOSE, PRIME, SHADER_CREATE, and the generic ioctl rules.
#include "uapi_fixture.h"

#include <cstring>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

extern "C" {
#include "mica_shader_validate.h"
}

using namespace mica::ktest;

namespace {

using Uapi = UapiTest;

TEST_F(Uapi, IoctlDecodingRules)
{
	drm_mica_bo_mmap_offset c{};
	EXPECT_EQ(a_->ioctl(DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_IOCTL_COUNT, drm_mica_bo_mmap_offset), &c), -ENOTTY);
	EXPECT_EQ(a_->ioctl(DRM_IOWR(DRM_COMMAND_BASE - 1, drm_mica_bo_mmap_offset), &c), -ENOTTY);
	// Right number, wrong size: a struct from another uapi version is not guessed at.
	EXPECT_EQ(a_->ioctl(DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_BO_MMAP_OFFSET, drm_mica_bo_create), &c), -EINVAL);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, reinterpret_cast<void *>(8)), -EFAULT);
	EXPECT_EQ(mica_um_ioctl(nullptr, DRM_IOCTL_MICA_BO_MMAP_OFFSET, &c), -EBADF);
}

// Retired numbers (BO_CLOSE, BO_EXPORT, BO_IMPORT before GEM and PRIME; the SYNC_* ioctls of
// Mica's own timelines before DRM sync objects) stay unused: -ENOTTY whatever the struct, in
// process and in the module (tests/vm runs this too).
TEST_F(Uapi, RetiredIoctlNumbersAreNotTty)
{
	struct {
		uint32_t handle, pad;
	} old{1, 0};
	for (uint32_t nr : {DRM_MICA_RETIRED_BO_CLOSE, DRM_MICA_RETIRED_BO_EXPORT, DRM_MICA_RETIRED_BO_IMPORT,
			    DRM_MICA_RETIRED_SYNC_DESTROY})
		EXPECT_EQ(a_->ioctl(DRM_IOWR(DRM_COMMAND_BASE + nr, decltype(old)), &old), -ENOTTY) << nr;
	// The old sync structs: {handle, flags, initial_value}, {handle, error, value},
	// {handle, pad, point}, {points array, timeout, flags, first_signaled}.
	struct {
		uint32_t a, b;
		uint64_t c;
	} old16{1, 0, 1};
	for (uint32_t nr : {DRM_MICA_RETIRED_SYNC_CREATE, DRM_MICA_RETIRED_SYNC_QUERY, DRM_MICA_RETIRED_SYNC_SIGNAL})
		EXPECT_EQ(a_->ioctl(DRM_IOWR(DRM_COMMAND_BASE + nr, decltype(old16)), &old16), -ENOTTY) << nr;
	struct {
		uint32_t stride, count;
		uint64_t array;
		int64_t timeout;
		uint32_t flags, first;
	} old_wait{16, 0, 0, 0, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_RETIRED_SYNC_WAIT, decltype(old_wait)), &old_wait),
		  -ENOTTY);
}

TEST_F(Uapi, DevQueryInfo)
{
	drm_mica_dev_query q{};
	q.type = DRM_MICA_DEV_QUERY_INFO;
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
	EXPECT_EQ(q.size, sizeof(drm_mica_dev_info));
	drm_mica_dev_info info{};
	q.pointer = reinterpret_cast<uintptr_t>(&info);
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
	EXPECT_EQ(info.revision, MICA_REV_R2);
	EXPECT_EQ(info.cu_count, 2u);
	EXPECT_EQ(info.vram_size, 64ull << 20);
	EXPECT_LT(info.va_start, info.va_end);
	EXPECT_EQ(info.power_profile, MICA_PROFILE_PERF);
	EXPECT_EQ(info.power_generation, 0u);
	EXPECT_EQ(info.page_size, MICA_PAGE_SIZE);
	EXPECT_EQ(info.max_contexts, MICA_MAX_CONTEXTS - 1);
	EXPECT_GT(info.max_cmd_dwords, 0u);
	// A shorter buffer gets a prefix (older user space).
	drm_mica_dev_info small{};
	q.size = 8;
	q.pointer = reinterpret_cast<uintptr_t>(&small);
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
	EXPECT_EQ(small.revision, MICA_REV_R2);
	EXPECT_EQ(small.vram_size, 0u);
	q.type = 77;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), -EINVAL);
	q.type = DRM_MICA_DEV_QUERY_INFO;
	q.size = sizeof(info);
	q.pointer = 16;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), -EFAULT);
}

TEST_F(Uapi, PowerProfileKnobBumpsGeneration)
{
	EXPECT_EQ(mica_um_power_profile_store(mdev(), MICA_PROFILE_COUNT), -EINVAL);
	ASSERT_EQ(mica_um_power_profile_store(mdev(), MICA_PROFILE_LOWPOWER), 0);
	EXPECT_EQ(mica_um_power_profile_show(mdev()), MICA_PROFILE_LOWPOWER);
	drm_mica_dev_info info{};
	drm_mica_dev_query q{DRM_MICA_DEV_QUERY_INFO, sizeof(info), reinterpret_cast<uintptr_t>(&info)};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
	EXPECT_EQ(info.power_profile, MICA_PROFILE_LOWPOWER);
	EXPECT_EQ(info.power_generation, 1u);
	ASSERT_EQ(mica_um_power_profile_store(mdev(), MICA_PROFILE_LOWPOWER), 0); // no change
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_DEV_QUERY, &q), 0);
	EXPECT_EQ(info.power_generation, 1u);
	EXPECT_NE(log().find("power profile 1"), std::string::npos);
}

TEST_F(Uapi, BoCreate)
{
	drm_mica_bo_create c{};
	c.size = 100;
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &c), 0);
	EXPECT_EQ(c.size, MICA_PAGE_SIZE);
	EXPECT_NE(c.handle, 0u);
	drm_mica_bo_create bad{};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &bad), -EINVAL); // size 0
	bad = {4096, 0, 0, 0, 1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &bad), -EINVAL); // pad
	bad = {4096, 0, 0x80, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &bad), -EINVAL); // flags
	bad = {4096, 5, 0, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &bad), -EINVAL); // placement
	bad = {~0ull, 0, 0, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &bad), -ERANGE); // overflows on round-up
	bad = {1ull << 40, 0, 0, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &bad), -ERANGE);
	// Out of memory: 30 MiB three times on a 64 MiB device.
	std::vector<uint32_t> handles;
	int r = 0;
	for (int i = 0; i < 3 && r == 0; i++) {
		drm_mica_bo_create big{30ull << 20, 0, 0, 0, 0};
		r = a_->ioctl(DRM_IOCTL_MICA_BO_CREATE, &big);
	}
	EXPECT_EQ(r, -ENOMEM);
}

TEST_F(Uapi, BoMmapAndClose)
{
	uint32_t h = a_->bo(8192);
	auto *p = static_cast<uint32_t *>(a_->map(h, 8192));
	ASSERT_NE(p, nullptr);
	for (int i = 0; i < 2048; i++)
		ASSERT_EQ(p[i], 0u) << "new BOs are zeroed";
	drm_mica_bo_mmap_offset m{};
	m.handle = 999;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), -ENOENT);
	m = {h, 1, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), -EINVAL);
	m = {h, 0, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), 0);
	void *q = nullptr;
	EXPECT_EQ(mica_um_mmap(a_->file(), m.offset, 8192 + 4096, &q), -EINVAL);
	EXPECT_EQ(mica_um_mmap(a_->file(), m.offset + 4096, 4096, &q), -EINVAL);
	// A page-aligned offset that is no BO's (mmap(2) refuses unaligned ones itself): -EINVAL, as
	// drm_gem_mmap() answers an offset its vma manager does not know.
	EXPECT_EQ(mica_um_mmap(a_->file(), 1ull << 20, 4096, &q), -EINVAL);
	EXPECT_EQ(mica_um_mmap(a_->file(), m.offset, 0, &q), -EINVAL);
	const uint64_t h_offset = m.offset;
	uint32_t nomap = a_->bo(4096, DRM_MICA_BO_NO_MMAP);
	m = {nomap, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), -EACCES);

	// GEM_CLOSE: the DRM core's errno for a handle the file does not hold is -EINVAL.
	drm_gem_close c{h, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_GEM_CLOSE, &c), 0);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_GEM_CLOSE, &c), -EINVAL);
	c = {0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_GEM_CLOSE, &c), -EINVAL);
	c = {nomap, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_GEM_CLOSE, &c), 0);
	drm_mica_bo_info info{};
	info.handle = nomap;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_INFO, &info), -ENOENT);
	// The closed BO (alive: p still maps it) can no longer be mapped by this file.
	EXPECT_EQ(mica_um_mmap(a_->file(), h_offset, 4096, &q), -EACCES);
	EXPECT_EQ(p[0], 0u);
}

// PRIME: a BO travels as a dma-buf fd (DRM_IOCTL_PRIME_*) and imports as the same BO.
TEST_F(Uapi, PrimeExportImport)
{
	auto b = client();
	uint64_t base = a_->usage().vram_bytes;
	uint32_t h = a_->bo(4096);
	auto *pa = static_cast<uint32_t *>(a_->map(h, 4096));
	pa[3] = 0xfeedface;
	drm_prime_handle e{h, DRM_CLOEXEC | DRM_RDWR, -1};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &e), 0);
	ASSERT_GE(e.fd, 0);
	EXPECT_EQ(fcntl(e.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	// Self-import: the exporter gets its own handle back.
	drm_prime_handle self{0, 0, e.fd};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &self), 0);
	EXPECT_EQ(self.handle, h);
	// Another client imports the same memory; importing again gives the same handle.
	drm_prime_handle i{0, 0, e.fd};
	ASSERT_EQ(b->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &i), 0);
	EXPECT_NE(i.handle, 0u);
	drm_prime_handle i2{0, 0, e.fd};
	ASSERT_EQ(b->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &i2), 0);
	EXPECT_EQ(i2.handle, i.handle);
	// BO_INFO of the imported BO: size, flags and the caching mode mappings of it use.
	drm_mica_bo_info info{};
	info.handle = i.handle;
	ASSERT_EQ(b->ioctl(DRM_IOCTL_MICA_BO_INFO, &info), 0);
	EXPECT_EQ(info.size, 4096u);
	EXPECT_EQ(info.flags, 0u);
	EXPECT_EQ(info.shader, 0u);
	EXPECT_EQ(info.caching, CPU_CACHING);
	auto *pb = static_cast<uint32_t *>(b->map(i.handle, 4096));
	EXPECT_EQ(pb[3], 0xfeedfaceu);
	pb[4] = 0x600dcafe;
	EXPECT_EQ(pa[4], 0x600dcafeu);
	// The importer's memory stays charged to the creator.
	EXPECT_EQ(a_->usage().vram_bytes, base + 4096);

	// Errors, as the DRM core gives them.
	drm_prime_handle bad{h, 0x1, -1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &bad), -EINVAL) << "unknown flag";
	bad = {777, DRM_CLOEXEC, -1};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &bad), -ENOENT) << "unknown handle";
	bad = {0, 0, -1};
	EXPECT_EQ(b->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &bad), -EBADF);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_GE(devnull, 0);
	bad = {0, 0, devnull};
	EXPECT_EQ(b->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &bad), -EINVAL) << "not a dma-buf";
	close(devnull);

	// The fd keeps the BO alive without any handle; the last fd and handle going frees it.
	drm_gem_close c{h, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_GEM_CLOSE, &c), 0);
	c = {i.handle, 0};
	ASSERT_EQ(b->ioctl(DRM_IOCTL_GEM_CLOSE, &c), 0);
	drm_prime_handle again{0, 0, e.fd};
	ASSERT_EQ(b->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &again), 0);
	auto *pc = static_cast<uint32_t *>(b->map(again.handle, 4096));
	EXPECT_EQ(pc[3], 0xfeedfaceu);
	EXPECT_EQ(mica_um_munmap(b->file(), pc, 4096), 0);
	EXPECT_EQ(mica_um_munmap(b->file(), pb, 4096), 0);
	EXPECT_EQ(mica_um_munmap(a_->file(), pa, 4096), 0);
	c = {again.handle, 0};
	ASSERT_EQ(b->ioctl(DRM_IOCTL_GEM_CLOSE, &c), 0);
	EXPECT_EQ(a_->usage().vram_bytes, base + 4096) << "the fd still holds it";
	close(e.fd);
	EXPECT_EQ(a_->usage().vram_bytes, base) << "nothing holds it any more";
}

// A shader BO shared as a dma-buf keeps its restrictions in the importer.
TEST_F(Uapi, PrimeSharedShaderStaysExecOnly)
{
	auto b = client();
	uint32_t sh = a_->shader(make_binary(store_lane_program()));
	drm_prime_handle e{sh, DRM_CLOEXEC, -1};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &e), 0);
	drm_prime_handle i{0, 0, e.fd};
	ASSERT_EQ(b->ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE, &i), 0);
	close(e.fd);
	drm_mica_bo_info info{};
	info.handle = i.handle;
	ASSERT_EQ(b->ioctl(DRM_IOCTL_MICA_BO_INFO, &info), 0);
	EXPECT_EQ(info.shader, 1u);
	EXPECT_EQ(info.caching, static_cast<uint32_t>(DRM_MICA_CACHING_NONE));
	drm_mica_bo_mmap_offset m{i.handle, 0, 0};
	EXPECT_EQ(b->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), -EACCES);
	EXPECT_EQ(b->try_bind(i.handle, 0x40000000, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE), -EACCES);
	EXPECT_EQ(b->try_bind(i.handle, 0x40000000, MICA_PAGE_SIZE, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC), 0);
}

#ifdef MICA_UAPI_OVER_DRM
// The vgem render node, when tests/vm/guest-init.sh loaded vgem; -1 otherwise.
int open_vgem()
{
	for (int i = 128; i < 136; i++) {
		std::string path = "/dev/dri/renderD" + std::to_string(i);
		int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		// struct drm_version (drm.h; this build may lack libdrm's headers)
		struct {
			int major, minor, patchlevel;
			size_t name_len;
			char *name;
			size_t date_len;
			char *date;
			size_t desc_len;
			char *desc;
		} v{};
		char name[16] = {};
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (ioctl(fd, _IOWR(DRM_IOCTL_BASE, 0x00, decltype(v)), &v) == 0 && std::string(name) == "vgem")
			return fd;
		close(fd);
	}
	return -1;
}

// Another driver may attach a Mica dma-buf (vgem gets the BO's bus address), but never a shader
// BO's: a device could write validated code by DMA.
TEST_F(Uapi, PrimeOtherDevicesAttachBuffersButNeverShaderCode)
{
	int vg = open_vgem();
	if (vg < 0)
		GTEST_SKIP() << "vgem is not loaded";
	uint32_t h = a_->bo(4096);
	uint32_t sh = a_->shader(make_binary(store_lane_program()));
	drm_prime_handle eb{h, DRM_CLOEXEC, -1}, es{sh, DRM_CLOEXEC, -1};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &eb), 0);
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_PRIME_HANDLE_TO_FD, &es), 0);
	drm_prime_handle ib{0, 0, eb.fd}, is{0, 0, es.fd};
	EXPECT_EQ(ioctl(vg, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ib), 0) << strerror(errno);
	EXPECT_EQ(ioctl(vg, DRM_IOCTL_PRIME_FD_TO_HANDLE, &is), -1);
	EXPECT_EQ(errno, EACCES);
	// A shader BO's dma-buf is never CPU mapped either.
	EXPECT_EQ(mmap(nullptr, 4096, PROT_READ, MAP_SHARED, es.fd, 0), MAP_FAILED);
	EXPECT_EQ(errno, EACCES);
	close(vg);	// vgem lets go of its attachment, so the module can be reloaded
	close(eb.fd);
	close(es.fd);
}
#endif

TEST_F(Uapi, ShaderCreate)
{
	auto bin = make_binary(store_lane_program());
	drm_mica_shader_create s{};
	s.binary = reinterpret_cast<uintptr_t>(bin.data());
	s.size = static_cast<uint32_t>(bin.size());
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_SHADER_CREATE, &s), 0);
	EXPECT_EQ(s.entry_count, 1u);
	EXPECT_EQ(s.bo_size, MICA_PAGE_SIZE);
	// Shader code is never CPU visible.
	drm_mica_bo_mmap_offset m{s.handle, 0, 0};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m), -EACCES);

	drm_mica_shader_create bad = s;
	bad.flags = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SHADER_CREATE, &bad), -EINVAL);
	bad = s;
	bad.size = 0;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SHADER_CREATE, &bad), -EINVAL);
	bad = s;
	bad.binary = 64;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SHADER_CREATE, &bad), -EFAULT);
	bad = s;
	bad.size = MICA_MAX_SHADER_BYTES + 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SHADER_CREATE, &bad), -E2BIG);
	bad = s;
	bad.size = static_cast<uint32_t>(bin.size() - 8);
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_SHADER_CREATE, &bad), -EINVAL);
	EXPECT_EQ(rejects(DRM_MICA_REJECT_SH_HEADER), 1u);
}

// The malicious binary corpus through the ioctl: errno, counter and log line.
TEST_F(Uapi, MaliciousShadersAreRefusedCountedAndLogged)
{
	struct Case {
		const char *name;
		Program prog;
		BinarySpec spec;
		int err;
		uint32_t reason;
	};
	Program priv;
	priv.nop(3).op(MICA_OP_S_HALT);
	Program branch_out;
	branch_out.nop(3).op(MICA_OP_S_BRANCH, {}, 4096).end();
	Program no_workaround;
	no_workaround.op(MICA_OP_GLOBAL_STORE_B32, {NONE, V(1), S(0), V(2)}).end();
	BinarySpec lowpower;
	lowpower.profile = MICA_PROFILE_LOWPOWER;
	BinarySpec r1;
	r1.revision = MICA_REV_R1;
	Program undecodable = store_lane_program();
	undecodable.words[1] |= 1ull << 63; // reserved bits
	const BinarySpec def;
	std::vector<Case> cases = {
		{"privileged", priv, def, -EPERM, DRM_MICA_REJECT_SH_PRIV_INSTRUCTION},
		{"branch-out", branch_out, def, -EINVAL, DRM_MICA_REJECT_SH_BRANCH_TARGET},
		{"no-workaround", no_workaround, def, -EINVAL, DRM_MICA_REJECT_SH_WAVE_START_TLB},
		{"wrong-profile", store_lane_program(), lowpower, -ENOEXEC, DRM_MICA_REJECT_SH_WRONG_PROFILE},
		{"wrong-revision", store_lane_program(), r1, -ENOEXEC, DRM_MICA_REJECT_SH_WRONG_REVISION},
		{"undecodable", undecodable, def, -EINVAL, DRM_MICA_REJECT_SH_UNDECODABLE},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.name);
		uint64_t before = rejects(c.reason);
		EXPECT_EQ(a_->try_shader(make_binary(c.prog, c.spec)), c.err);
		EXPECT_EQ(rejects(c.reason), before + 1);
	}
	std::string l = log();
	EXPECT_NE(l.find("reject SH_PRIV_INSTRUCTION"), std::string::npos) << l;
	EXPECT_NE(l.find("s_halt"), std::string::npos);
	EXPECT_NE(l.find("reject SH_WAVE_START_TLB"), std::string::npos);
	EXPECT_NE(l.find("reject SH_WRONG_PROFILE"), std::string::npos);
}

// BO_INFO: size, flags, shader-ness and the memory type of CPU mappings, which an importer or a
// VMM must use too (docs/uapi.md BO_INFO); never-mapped BOs report NONE.
TEST_F(Uapi, BoInfoReportsTheCachingModeOfCpuMappings)
{
	uint32_t h = a_->bo(8192);
	drm_mica_bo_info i{};
	i.handle = h;
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_INFO, &i), 0);
	EXPECT_EQ(i.size, 8192u);
	EXPECT_EQ(i.flags, 0u);
	EXPECT_EQ(i.shader, 0u);
	EXPECT_EQ(i.caching, CPU_CACHING);
	drm_mica_bo_info n{};
	n.handle = a_->bo(4096, DRM_MICA_BO_NO_MMAP);
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_INFO, &n), 0);
	EXPECT_EQ(n.flags, static_cast<uint32_t>(DRM_MICA_BO_NO_MMAP));
	EXPECT_EQ(n.caching, static_cast<uint32_t>(DRM_MICA_CACHING_NONE));
	drm_mica_bo_info sh{};
	sh.handle = a_->shader(make_binary(store_lane_program()));
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_INFO, &sh), 0);
	EXPECT_EQ(sh.shader, 1u);
	EXPECT_EQ(sh.caching, static_cast<uint32_t>(DRM_MICA_CACHING_NONE));
	// Errors: a handle of no BO, a handle of another file, non-zero pad.
	drm_mica_bo_info bad{};
	bad.handle = 999;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_INFO, &bad), -ENOENT);
	auto b = client();
	bad.handle = h;
	EXPECT_EQ(b->ioctl(DRM_IOCTL_MICA_BO_INFO, &bad), -ENOENT);
	bad = i;
	bad.pad = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_BO_INFO, &bad), -EINVAL);
}

} // namespace
