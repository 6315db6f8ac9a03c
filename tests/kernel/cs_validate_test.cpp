// SPDX-License-Identifier: MIT
// The command-stream validator against a malicious corpus: each stream is refused with the
// documented reason and errno, and the reason is what the driver counts and logs.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

extern "C" {
#include "mica_cs_validate.h"
#include "mica_dma.h"
}

namespace {

struct Mapping {
	uint64_t va, size;
	uint32_t perms;
	uint64_t backing, backing_off;
	bool shader = false;
};

// A VM as the validator sees it: mappings plus their contents.
struct FakeVm {
	std::vector<Mapping> maps;
	std::map<uint64_t, uint32_t> mem; // dword contents by VA
	uint32_t entry_vgprs = 8, entry_sgprs = 8;
	bool stale = false;

	const Mapping *find(uint64_t va, uint64_t size) const
	{
		for (const Mapping &m : maps)
			if (va >= m.va && va - m.va <= m.size && size <= m.size - (va - m.va))
				return &m;
		return nullptr;
	}
	void write(uint64_t va, const std::vector<uint32_t> &dw)
	{
		for (size_t i = 0; i < dw.size(); i++)
			mem[va + 4 * i] = dw[i];
	}
};

uint32_t fake_check_range(void *priv, uint64_t va, uint64_t size, uint32_t perms, uint64_t *b, uint64_t *o)
{
	auto *vm = static_cast<FakeVm *>(priv);
	const Mapping *m = vm->find(va, size);
	if (!m)
		return DRM_MICA_REJECT_CS_ADDR_UNMAPPED;
	if ((m->perms & perms) != perms)
		return DRM_MICA_REJECT_CS_ADDR_PERM;
	*b = m->backing;
	*o = m->backing_off + (va - m->va);
	return 0;
}

uint32_t fake_check_program(void *priv, uint64_t va, uint32_t vgprs, uint32_t sgprs, char *msg, size_t len)
{
	auto *vm = static_cast<FakeVm *>(priv);
	const Mapping *m = vm->find(va, 8);
	if (!m || !m->shader || !(m->perms & DRM_MICA_BIND_EXEC) || va != m->va) {
		snprintf(msg, len, "not an entry");
		return DRM_MICA_REJECT_CS_NOT_ENTRY;
	}
	if (vm->stale)
		return DRM_MICA_REJECT_CS_STALE_SHADER;
	if (vgprs < vm->entry_vgprs || sgprs < vm->entry_sgprs)
		return DRM_MICA_REJECT_CS_REG_COUNT;
	return 0;
}

void fake_fetch(void *priv, uint64_t va, uint32_t dwords, uint32_t *dst)
{
	auto *vm = static_cast<FakeVm *>(priv);
	for (uint32_t i = 0; i < dwords; i++) {
		auto it = vm->mem.find(va + 4ull * i);
		dst[i] = it == vm->mem.end() ? 0 : it->second;
	}
}

constexpr uint64_t CMD = 0x100000, DATA = 0x200000, RO = 0x300000, CODE = 0x400000, ALIAS = 0x500000;
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;

uint32_t H(uint32_t op, uint32_t len) { return MICA_PKT_HEADER(op, len); }
uint32_t lo(uint64_t v) { return static_cast<uint32_t>(v); }
uint32_t hi(uint64_t v) { return static_cast<uint32_t>(v >> 32); }

class CsValidate : public ::testing::Test {
protected:
	void SetUp() override
	{
		vm.maps = {
			{CMD, 0x10000, DRM_MICA_BIND_READ, 1, 0},
			{DATA, 0x10000, RW, 2, 0},
			{RO, 0x1000, DRM_MICA_BIND_READ, 3, 0},
			{CODE, 0x1000, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC, 4, 0, true},
			{ALIAS, 0x10000, RW, 2, 0}, // the DATA BO mapped a second time
		};
		limits = {4096, 4, DRM_MICA_CTX_COMPUTE};
	}

	// Validates the stream placed at CMD; returns the errno.
	int run(const std::vector<uint32_t> &dw, uint32_t queue = DRM_MICA_CTX_COMPUTE, uint64_t at = CMD)
	{
		vm.write(at, dw);
		limits.queue_type = queue;
		mica_cs_ops ops{fake_check_range, fake_check_program, fake_fetch, &vm};
		mica_cs_buf buf{at, static_cast<uint32_t>(dw.size())};
		out.assign(limits.max_dwords, 0xdeadbeef);
		out_len = 0;
		return mica_cs_copy_validate(&ops, &limits, &buf, 1, out.data(), &out_len, &rej);
	}

	std::vector<uint32_t> program() const
	{
		return {H(MICA_PKT_SET_PROGRAM, 4), lo(CODE), hi(CODE), 8, 8};
	}

	FakeVm vm;
	mica_cs_limits limits{};
	mica_reject rej{};
	std::vector<uint32_t> out;
	uint32_t out_len = 0;
};

#define EXPECT_REJECT(call, err, why)                                          \
	do {                                                                      \
		EXPECT_EQ((call), (err));                                         \
		EXPECT_EQ(rej.reason, static_cast<uint32_t>(why)) << rej.msg;   \
		EXPECT_EQ(mica_reject_errno(rej.reason), (err));                  \
	} while (0)

TEST_F(CsValidate, AcceptsAComputeStreamAndCopiesIt)
{
	std::vector<uint32_t> s = program();
	std::vector<uint32_t> rest = {
		H(MICA_PKT_SET_USER_DATA, 3), 0, lo(DATA), hi(DATA),
		H(MICA_PKT_SET_SHARED_SIZE, 1), 1024,
		H(MICA_PKT_SET_WORKGROUP_SIZE, 3), 32, 1, 1,
		H(MICA_PKT_DISPATCH, 3), 4, 1, 1,
		H(MICA_PKT_LOAD_USER_DATA, 4), 4, 3, lo(DATA + 16), hi(DATA + 16),
		H(MICA_PKT_LOAD_USER_DATA, 4), 0, 16, lo(RO), hi(RO),
		H(MICA_PKT_DISPATCH_INDIRECT, 2), lo(DATA + 16), hi(DATA + 16),
		H(MICA_PKT_BARRIER, 1), MICA_BARRIER_FLUSH,
		H(MICA_PKT_DMA_COPY, 5), lo(RO), hi(RO), lo(DATA), hi(DATA), 256,
		H(MICA_PKT_DMA_FILL, 4), lo(DATA + 4096), hi(DATA + 4096), 7, 64,
		H(MICA_PKT_WRITE_DATA, 4), lo(DATA + 8), hi(DATA + 8), 1, 2,
		H(MICA_PKT_TIMESTAMP, 2), lo(DATA + 64), hi(DATA + 64),
		H(MICA_PKT_SIGNAL, 5), lo(DATA + 72), hi(DATA + 72), 5, 0, 0,
		H(MICA_PKT_WAIT_MEM, 5), lo(DATA + 72), hi(DATA + 72), 5, 0, MICA_WAIT_GE,
		H(MICA_PKT_NOP, 2), 0xffffffff, 0x12345678,
	};
	s.insert(s.end(), rest.begin(), rest.end());
	ASSERT_EQ(run(s), 0) << rej.msg;
	ASSERT_EQ(out_len, s.size());
	EXPECT_EQ(0, memcmp(out.data(), s.data(), s.size() * 4));
}

TEST_F(CsValidate, PrivilegedPacketsAreRefused)
{
	for (uint32_t op : {MICA_PKT_INDIRECT_BUFFER, MICA_PKT_SET_PAGE_TABLE, MICA_PKT_SET_POWER_PROFILE,
			    MICA_PKT_PERF_CONTROL}) {
		std::vector<uint32_t> s = {H(op, mica_packet_table[op].len_min)};
		s.resize(1 + mica_packet_table[op].len_min, 0);
		EXPECT_REJECT(run(s), -EPERM, DRM_MICA_REJECT_CS_PRIV_PACKET);
	}
}

TEST_F(CsValidate, MalformedHeadersAreRefused)
{
	EXPECT_REJECT(run({0x0f000000u | H(MICA_PKT_NOP, 0)}), -EINVAL, DRM_MICA_REJECT_CS_RESERVED_BITS);
	EXPECT_REJECT(run({H(0x0f, 0)}), -EINVAL, DRM_MICA_REJECT_CS_BAD_OPCODE);
	EXPECT_REJECT(run({H(0xff, 0)}), -EINVAL, DRM_MICA_REJECT_CS_BAD_OPCODE);
	EXPECT_REJECT(run({H(MICA_PKT_DISPATCH, 2), 1, 1}), -EINVAL, DRM_MICA_REJECT_CS_BAD_LENGTH);
	EXPECT_REJECT(run({H(MICA_PKT_SET_USER_DATA, 18)}), -EINVAL, DRM_MICA_REJECT_CS_BAD_LENGTH);
	EXPECT_REJECT(run({H(MICA_PKT_NOP, 5), 0}), -EINVAL, DRM_MICA_REJECT_CS_TRUNCATED);
	EXPECT_REJECT(run({H(MICA_PKT_DISPATCH, 3), 1}), -EINVAL, DRM_MICA_REJECT_CS_TRUNCATED);
	EXPECT_REJECT(run({}), -EINVAL, DRM_MICA_REJECT_CS_EMPTY);
}

TEST_F(CsValidate, AddressesOutsideTheVmAreRefused)
{
	// Unmapped (e.g. where another client's BO lives in its own VM).
	EXPECT_REJECT(run({H(MICA_PKT_WRITE_DATA, 3), lo(0x900000), hi(0x900000), 1}), -EACCES,
		      DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
	// Writes into a read-only mapping, and into code.
	EXPECT_REJECT(run({H(MICA_PKT_DMA_FILL, 4), lo(RO), hi(RO), 0, 4}), -EACCES,
		      DRM_MICA_REJECT_CS_ADDR_PERM);
	EXPECT_REJECT(run({H(MICA_PKT_TIMESTAMP, 2), lo(CODE), hi(CODE)}), -EACCES,
		      DRM_MICA_REJECT_CS_ADDR_PERM);
	// Straddling the end of a mapping.
	EXPECT_REJECT(run({H(MICA_PKT_DMA_FILL, 4), lo(DATA + 0xfffc), hi(DATA), 0, 8}), -EACCES,
		      DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
	// Wrapping the address space.
	EXPECT_REJECT(run({H(MICA_PKT_DMA_COPY, 5), 0xfffff000u, 0xffffffffu, lo(DATA), hi(DATA), 0x2000}),
		      -EINVAL, DRM_MICA_REJECT_CS_ADDR_OVERFLOW);
	EXPECT_REJECT(run({H(MICA_PKT_SIGNAL, 5), 0xfffffff8u, 0xffffffffu, 0, 0, 0}), -EINVAL,
		      DRM_MICA_REJECT_CS_ADDR_OVERFLOW);
	// Indirect dispatch arguments must be readable.
	std::vector<uint32_t> s = program();
	s.insert(s.end(), {H(MICA_PKT_DISPATCH_INDIRECT, 2), lo(0x900000), hi(0x900000)});
	EXPECT_REJECT(run(s), -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
	s = program();
	s.insert(s.end(), {H(MICA_PKT_DISPATCH_INDIRECT, 2), lo(DATA + 0xfff8), hi(DATA)});
	EXPECT_REJECT(run(s), -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
}

TEST_F(CsValidate, AlignmentAndFieldRules)
{
	EXPECT_REJECT(run({H(MICA_PKT_SIGNAL, 5), lo(DATA + 4), hi(DATA), 0, 0, 0}), -EINVAL,
		      DRM_MICA_REJECT_CS_MISALIGNED);
	EXPECT_REJECT(run({H(MICA_PKT_DMA_FILL, 4), lo(DATA), hi(DATA), 0, 6}), -EINVAL,
		      DRM_MICA_REJECT_CS_MISALIGNED);
	EXPECT_REJECT(run({H(MICA_PKT_SET_WORKGROUP_SIZE, 3), 1024, 2, 1}), -EINVAL,
		      DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run({H(MICA_PKT_SET_WORKGROUP_SIZE, 3), 0, 1, 1}), -EINVAL,
		      DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run({H(MICA_PKT_SET_SHARED_SIZE, 1), MICA_MAX_SHARED_BYTES + 1}), -EINVAL,
		      DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run({H(MICA_PKT_SET_USER_DATA, 3), 15, 1, 2}), -EINVAL, DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run({H(MICA_PKT_WAIT_MEM, 5), lo(DATA), hi(DATA), 0, 0, 3}), -EINVAL,
		      DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run({H(MICA_PKT_BARRIER, 1), 4}), -EINVAL, DRM_MICA_REJECT_CS_RESERVED_BITS);
	EXPECT_REJECT(run({H(MICA_PKT_SIGNAL, 5), lo(DATA), hi(DATA), 0, 0, MICA_SIGNAL_IRQ}), -EPERM,
		      DRM_MICA_REJECT_CS_SIGNAL_IRQ);
}

TEST_F(CsValidate, LoadUserDataRules)
{
	auto load = [](uint32_t first, uint32_t count, uint64_t va) {
		return std::vector<uint32_t>{H(MICA_PKT_LOAD_USER_DATA, 4), first, count, lo(va), hi(va)};
	};
	EXPECT_EQ(run(load(15, 1, RO + 0xffc)), 0) << rej.msg; // last register, last dword of the mapping
	EXPECT_REJECT(run(load(4, 0, DATA)), -EINVAL, DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run(load(14, 3, DATA)), -EINVAL, DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run(load(16, 1, DATA)), -EINVAL, DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run(load(1, 0xffffffffu, DATA)), -EINVAL, DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run(load(0xfffffff0u, 0x20, DATA)), -EINVAL, DRM_MICA_REJECT_CS_BAD_FIELD);
	EXPECT_REJECT(run(load(4, 3, DATA + 2)), -EINVAL, DRM_MICA_REJECT_CS_MISALIGNED);
	EXPECT_REJECT(run(load(4, 3, 0x900000)), -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
	EXPECT_REJECT(run(load(4, 3, RO + 0xffc)), -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED); // straddles the end
	EXPECT_REJECT(run(load(0, 2, 0xfffffffcu | (uint64_t{0xffff} << 32))), -EINVAL,
		      DRM_MICA_REJECT_CS_ADDR_OVERFLOW);
	// Write-only memory cannot be loaded from.
	vm.maps.push_back({0x600000, 0x1000, DRM_MICA_BIND_WRITE, 5, 0});
	EXPECT_REJECT(run(load(4, 3, 0x600000)), -EACCES, DRM_MICA_REJECT_CS_ADDR_PERM);
	// User data only matters to dispatches: not a copy-queue packet.
	EXPECT_REJECT(run(load(4, 3, DATA), DRM_MICA_CTX_COPY), -EINVAL, DRM_MICA_REJECT_CS_QUEUE_TYPE);
	// Wrong lengths.
	EXPECT_REJECT(run({H(MICA_PKT_LOAD_USER_DATA, 3), 4, 1, lo(DATA)}), -EINVAL, DRM_MICA_REJECT_CS_BAD_LENGTH);
	EXPECT_REJECT(run({H(MICA_PKT_LOAD_USER_DATA, 5), 4, 1, lo(DATA), hi(DATA), 0}), -EINVAL,
		      DRM_MICA_REJECT_CS_BAD_LENGTH);
}

TEST_F(CsValidate, OverlappingDmaRangesAreRefused)
{
	EXPECT_REJECT(run({H(MICA_PKT_DMA_COPY, 5), lo(DATA), hi(DATA), lo(DATA + 64), hi(DATA), 128}),
		      -EINVAL, DRM_MICA_REJECT_CS_DMA_OVERLAP);
	// Same memory reached through a second mapping of the BO.
	EXPECT_REJECT(run({H(MICA_PKT_DMA_COPY, 5), lo(DATA), hi(DATA), lo(ALIAS + 64), hi(ALIAS), 128}),
		      -EINVAL, DRM_MICA_REJECT_CS_DMA_OVERLAP);
	EXPECT_EQ(run({H(MICA_PKT_DMA_COPY, 5), lo(DATA), hi(DATA), lo(ALIAS + 128), hi(ALIAS), 128}), 0);
}

TEST_F(CsValidate, ProgramsMustBeValidatedEntries)
{
	EXPECT_REJECT(run({H(MICA_PKT_DISPATCH, 3), 1, 1, 1}), -EINVAL, DRM_MICA_REJECT_CS_NO_PROGRAM);
	EXPECT_REJECT(run({H(MICA_PKT_SET_PROGRAM, 4), lo(DATA), hi(DATA), 8, 8}), -EACCES,
		      DRM_MICA_REJECT_CS_NOT_ENTRY);
	EXPECT_REJECT(run({H(MICA_PKT_SET_PROGRAM, 4), lo(CODE + 8), hi(CODE), 8, 8}), -EINVAL,
		      DRM_MICA_REJECT_CS_MISALIGNED);
	EXPECT_REJECT(run({H(MICA_PKT_SET_PROGRAM, 4), lo(CODE), hi(CODE), 4, 8}), -EINVAL,
		      DRM_MICA_REJECT_CS_REG_COUNT);
	EXPECT_REJECT(run({H(MICA_PKT_SET_PROGRAM, 4), lo(CODE), hi(CODE), 300, 8}), -EINVAL,
		      DRM_MICA_REJECT_CS_BAD_FIELD);
	vm.stale = true;
	EXPECT_REJECT(run(program()), -ENOEXEC, DRM_MICA_REJECT_CS_STALE_SHADER);
}

// The device faults a dispatch whose workgroup cannot be resident on one CU (mica.toml [device]
// per-CU limits; src/hw/mica_occupancy.c), so the validator refuses it at the DISPATCH, with the
// state the device would hold there.
TEST_F(CsValidate, DispatchesMustFitOneCu)
{
	vm.entry_vgprs = vm.entry_sgprs = 0;
	auto prog = [](uint32_t vgprs, uint32_t sgprs) {
		return std::vector<uint32_t>{H(MICA_PKT_SET_PROGRAM, 4), lo(CODE), hi(CODE), vgprs, sgprs};
	};
	auto wg = [](uint32_t x, uint32_t y = 1) {
		return std::vector<uint32_t>{H(MICA_PKT_SET_WORKGROUP_SIZE, 3), x, y, 1};
	};
	const std::vector<uint32_t> dispatch = {H(MICA_PKT_DISPATCH, 3), 1, 1, 1};
	const std::vector<uint32_t> indirect = {H(MICA_PKT_DISPATCH_INDIRECT, 2), lo(DATA), hi(DATA)};
	auto cat = [](std::initializer_list<std::vector<uint32_t>> parts) {
		std::vector<uint32_t> v;
		for (const auto &p : parts)
			v.insert(v.end(), p.begin(), p.end());
		return v;
	};
	struct Case {
		uint32_t invocations, vgprs, sgprs;
		bool fits;
	} cases[] = {
		{1024, 128, 96, true},   // 32 waves x 128 VGPRs = the file; x 96 SGPRs <= 3200
		{1024, 129, 96, false},  // 129 -> 136 per wave
		{1024, 128, 97, false},  // 97 -> 112 per wave: 3584 SGPRs
		{512, 256, 128, true},   // 16 waves x 256
		{513, 240, 16, true},    // 17 waves x 240 = 4080
		{513, 241, 16, false},   // 17 x 248
		{800, 8, 128, true},     // 25 waves x 128 SGPRs = 3200
		{801, 8, 128, false},    // 26 waves
		{1, 256, 128, true},     // the reset workgroup size: one wave takes anything
	};
	for (const Case &c : cases) {
		for (const auto &d : {dispatch, indirect}) {
			SCOPED_TRACE(::testing::Message() << c.invocations << " invocations, " << c.vgprs << " VGPRs, "
			                                  << c.sgprs << " SGPRs, opcode " << MICA_PKT_HDR_OPCODE(d[0]));
			const auto s = cat({prog(c.vgprs, c.sgprs), wg(c.invocations), d});
			if (c.fits) {
				EXPECT_EQ(run(s), 0) << rej.msg;
			} else {
				EXPECT_REJECT(run(s), -EINVAL, DRM_MICA_REJECT_CS_CU_RESOURCES);
				EXPECT_EQ(rej.offset, 5u + 4u) << "the DISPATCH packet";
			}
		}
	}
	// The message names the limit.
	EXPECT_REJECT(run(cat({prog(8, 97), wg(32, 32), dispatch})), -EINVAL, DRM_MICA_REJECT_CS_CU_RESOURCES);
	EXPECT_NE(strstr(rej.msg, "SGPRs"), nullptr) << rej.msg;
	EXPECT_NE(strstr(rej.msg, "1024 invocations"), nullptr) << rej.msg;

	// The state at each DISPATCH counts, in any order, also with no groups, and across CHAIN.
	EXPECT_EQ(run(cat({wg(1024), prog(128, 96), dispatch, wg(32), prog(256, 128), dispatch})), 0) << rej.msg;
	EXPECT_REJECT(run(cat({prog(256, 128), wg(32), dispatch, wg(1024), dispatch})), -EINVAL,
		      DRM_MICA_REJECT_CS_CU_RESOURCES);
	EXPECT_EQ(rej.offset, 5u + 4u + 4u + 4u);
	EXPECT_REJECT(run(cat({prog(256, 8), wg(1024), {H(MICA_PKT_DISPATCH, 3), 0, 0, 0}})), -EINVAL,
		      DRM_MICA_REJECT_CS_CU_RESOURCES);
	const uint64_t second = CMD + 0x1000;
	vm.write(second, cat({wg(1024), dispatch}));
	EXPECT_REJECT(run(cat({prog(256, 8), {H(MICA_PKT_CHAIN, 3), lo(second), hi(second), 8}})), -EINVAL,
		      DRM_MICA_REJECT_CS_CU_RESOURCES);

	// Shared memory and wave slots cannot be exceeded through the packets (their packet limits
	// are the per-CU limits), so the largest legal values pass.
	EXPECT_EQ(run(cat({prog(128, 96), wg(1024), {H(MICA_PKT_SET_SHARED_SIZE, 1), MICA_MAX_SHARED_BYTES}, dispatch})),
		  0) << rej.msg;
}

// DMA_COPY_TILED (mica_dma.h): the device's field rules, then each side's footprint (first to last
// element) in one mapping with the side's permission, and no overlap in the VA space or through two
// mappings of one BO.
std::vector<uint32_t> tiled(const mica_dma_tiled &c)
{
	std::vector<uint32_t> v(1 + MICA_PKT_DMA_COPY_TILED_LEN_MAX);
	v[0] = H(MICA_PKT_DMA_COPY_TILED, MICA_PKT_DMA_COPY_TILED_LEN_MAX);
	mica_dma_tiled_pack(&c, v.data() + 1);
	return v;
}

// 64 x 32 RGBA8 texels from a tight LINEAR buffer at DATA (8 KiB) into an OPTIMAL image whose 8
// rows of tiles (16 tiles of 64 bytes each) are the last 8 KiB of the mapping.
mica_dma_tiled upload()
{
	mica_dma_tiled c{};
	c.src = {DATA, 256, 0, 0, 0, MICA_IMAGE_TILING_LINEAR};
	c.dst = {DATA + 0xe000, 1024, 0, 0, 0, MICA_IMAGE_TILING_OPTIMAL};
	c.width = 64;
	c.height = 32;
	c.depth = 1;
	c.element_bytes = 4;
	return c;
}

TEST_F(CsValidate, TiledDmaIsAcceptedOnBothQueues)
{
	mica_dma_tiled c = upload();
	EXPECT_EQ(run(tiled(c)), 0) << rej.msg;
	EXPECT_EQ(run(tiled(c), DRM_MICA_CTX_COPY), 0) << rej.msg;
	EXPECT_EQ(out_len, 1 + MICA_PKT_DMA_COPY_TILED_LEN_MAX);
	// The other directions, and a sub-box at an offset whose last element is the mapping's last bytes.
	std::swap(c.src, c.dst);
	EXPECT_EQ(run(tiled(c)), 0) << rej.msg;
	c = upload();
	c.dst.x = 60;
	c.dst.y = 28;
	c.width = 4;
	c.height = 4;
	EXPECT_EQ(run(tiled(c)), 0) << rej.msg;
	c.dst.y = 29; // one row further: past the mapping
	EXPECT_REJECT(run(tiled(c)), -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
}

TEST_F(CsValidate, TiledDmaFieldRules)
{
	mica_dma_tiled c = upload();
	auto bad = [&](auto edit, uint32_t why) {
		mica_dma_tiled e = upload();
		edit(e);
		std::vector<uint32_t> p = tiled(e);
		EXPECT_EQ(run(p), mica_reject_errno(why)) << rej.msg;
		EXPECT_EQ(rej.reason, why) << rej.msg;
	};
	std::vector<uint32_t> p = tiled(c);
	p[1 + MICA_PKT_DMA_COPY_TILED_CONTROL] |= 1u << 12;
	EXPECT_REJECT(run(p), -EINVAL, DRM_MICA_REJECT_CS_RESERVED_BITS);
	bad([](mica_dma_tiled &e) { e.element_bytes = 0; }, DRM_MICA_REJECT_CS_BAD_FIELD);
	bad([](mica_dma_tiled &e) { e.element_bytes = 17; }, DRM_MICA_REJECT_CS_BAD_FIELD);
	bad([](mica_dma_tiled &e) { e.width = 0; }, DRM_MICA_REJECT_CS_BAD_FIELD);       // empty, like a 0-byte DMA_COPY
	bad([](mica_dma_tiled &e) { e.depth = 0; }, DRM_MICA_REJECT_CS_BAD_FIELD);
	// Huge extents: the byte count overflows 64 bits, or passes the 4 GiB a packet may move.
	bad([](mica_dma_tiled &e) { e.width = e.height = e.depth = 0xffffffffu; }, DRM_MICA_REJECT_CS_BAD_FIELD);
	bad([](mica_dma_tiled &e) { e.height = 1u << 24; e.src.pitch = 256; e.dst.pitch = 1024; },
	    DRM_MICA_REJECT_CS_BAD_FIELD);
	bad([](mica_dma_tiled &e) { e.src.pitch = 255; }, DRM_MICA_REJECT_CS_BAD_FIELD);
	bad([](mica_dma_tiled &e) { e.dst.pitch = 1000; }, DRM_MICA_REJECT_CS_BAD_FIELD); // not whole tiles
	bad([](mica_dma_tiled &e) { e.dst.x = 4; }, DRM_MICA_REJECT_CS_BAD_FIELD);        // past the row of tiles
	// pitch x rows overflows 64 bits: the slice rule cannot hold.
	bad([](mica_dma_tiled &e) {
		e.depth = 2;
		e.src.pitch = 0xfffffff0u;
		e.src.y = 0xfffffff0u;
		e.src.slice_pitch = 0xffffffffu;
	}, DRM_MICA_REJECT_CS_BAD_FIELD);
	// The footprint wraps the 64-bit space, or leaves the 48-bit VA space.
	bad([](mica_dma_tiled &e) {
		e.src.pitch = 0xfffffff0u;
		e.src.y = 0xfffffff0u;
		e.src.addr = 0xffffff0000000000ull;
	}, DRM_MICA_REJECT_CS_ADDR_OVERFLOW);
	bad([](mica_dma_tiled &e) { e.src.pitch = 0xfffffff0u; e.src.y = 0x100000; }, DRM_MICA_REJECT_CS_ADDR_OVERFLOW);
}

TEST_F(CsValidate, TiledDmaFootprintsMustBeMappedAndDisjoint)
{
	// A destination in read-only memory, a source outside the VM (another client's memory is
	// unmapped here), a footprint straddling the end of its mapping.
	mica_dma_tiled c = upload();
	c.dst.addr = RO;
	c.height = 4;
	EXPECT_REJECT(run(tiled(c)), -EACCES, DRM_MICA_REJECT_CS_ADDR_PERM);
	c = upload();
	c.src.addr = 0x900000;
	EXPECT_REJECT(run(tiled(c)), -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
	c = upload();
	c.src.addr = DATA + 0xe000 - 256 * 32 + 4; // its last 4 bytes are the image's first
	EXPECT_REJECT(run(tiled(c)), -EINVAL, DRM_MICA_REJECT_CS_DMA_OVERLAP);
	c = upload();
	c.dst.addr = DATA + 0xe000 + 4;
	EXPECT_REJECT(run(tiled(c)), -EACCES, DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
	// Through a second mapping of the same BO.
	c = upload();
	c.dst.addr = ALIAS + 0x1000;
	EXPECT_REJECT(run(tiled(c)), -EINVAL, DRM_MICA_REJECT_CS_DMA_OVERLAP);
	c.dst.addr = ALIAS + 0x2000; // right after the source's 8 KiB
	EXPECT_EQ(run(tiled(c)), 0) << rej.msg;
}

TEST_F(CsValidate, CopyQueuesOnlyTakeCopyPackets)
{
	EXPECT_REJECT(run(program(), DRM_MICA_CTX_COPY), -EINVAL, DRM_MICA_REJECT_CS_QUEUE_TYPE);
	EXPECT_EQ(run({H(MICA_PKT_DMA_FILL, 4), lo(DATA), hi(DATA), 1, 16}, DRM_MICA_CTX_COPY), 0);
}

TEST_F(CsValidate, ChainIsFlattenedIntoTheCopy)
{
	const uint64_t second = CMD + 0x1000;
	vm.write(second, {H(MICA_PKT_DMA_FILL, 4), lo(DATA), hi(DATA), 9, 4});
	ASSERT_EQ(run({H(MICA_PKT_NOP, 0), H(MICA_PKT_CHAIN, 3), lo(second), hi(second), 5,
		       H(MICA_PKT_INDIRECT_BUFFER, 4), 0, 0, 0, 0 /* dead: after CHAIN */}),
		  0) << rej.msg;
	ASSERT_EQ(out_len, 6u);
	EXPECT_EQ(out[0], H(MICA_PKT_NOP, 0));
	EXPECT_EQ(out[1], H(MICA_PKT_DMA_FILL, 4));
	EXPECT_EQ(out[5], 4u);
}

TEST_F(CsValidate, ChainingTricksAreRefused)
{
	// A loop back to the start.
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(CMD), hi(CMD), 4}), -ELOOP, DRM_MICA_REJECT_CS_CHAIN_LOOP);
	// A ping-pong between two buffers.
	const uint64_t b = CMD + 0x2000;
	vm.write(b, {H(MICA_PKT_CHAIN, 3), lo(CMD), hi(CMD), 4});
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(b), hi(b), 4}), -ELOOP, DRM_MICA_REJECT_CS_CHAIN_LOOP);
	// A long chain.
	for (int i = 1; i <= 8; i++) {
		uint64_t at = CMD + 0x100ull * i, next = at + 0x100;
		vm.write(at, {H(MICA_PKT_CHAIN, 3), lo(next), hi(next), 4});
	}
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(CMD + 0x100), hi(CMD), 4}), -ELOOP,
		      DRM_MICA_REJECT_CS_CHAIN_DEPTH);
	// Into memory that is not mapped readable, or past the mapping.
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(0x900000), hi(0x900000), 4}), -EACCES,
		      DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(CMD + 0xfff0), hi(CMD), 16}), -EACCES,
		      DRM_MICA_REJECT_CS_ADDR_UNMAPPED);
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(CMD + 2), hi(CMD), 4}), -EINVAL, DRM_MICA_REJECT_CS_MISALIGNED);
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(b), hi(b), 0}), -EINVAL, DRM_MICA_REJECT_CS_EMPTY);
	// Chaining past the size limit.
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(DATA), hi(DATA), 8192}), -E2BIG, DRM_MICA_REJECT_CS_TOO_BIG);
	// A privileged packet hidden behind a CHAIN is still found.
	const uint64_t c = CMD + 0x3000;
	vm.write(c, {H(MICA_PKT_SET_POWER_PROFILE, 1), 1});
	EXPECT_REJECT(run({H(MICA_PKT_CHAIN, 3), lo(c), hi(c), 2}), -EPERM, DRM_MICA_REJECT_CS_PRIV_PACKET);
}

TEST_F(CsValidate, CommandBufferItselfMustBeReadable)
{
	mica_cs_ops ops{fake_check_range, fake_check_program, fake_fetch, &vm};
	out.assign(limits.max_dwords, 0);
	mica_cs_buf buf{0x900000, 4};
	EXPECT_EQ(mica_cs_copy_validate(&ops, &limits, &buf, 1, out.data(), &out_len, &rej), -EACCES);
	EXPECT_EQ(rej.reason, static_cast<uint32_t>(DRM_MICA_REJECT_CS_ADDR_UNMAPPED));
	buf = {CMD, 8192};
	EXPECT_EQ(mica_cs_copy_validate(&ops, &limits, &buf, 1, out.data(), &out_len, &rej), -E2BIG);
}

} // namespace
