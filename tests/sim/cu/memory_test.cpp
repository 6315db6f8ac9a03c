// SPDX-License-Identifier: MIT
// Memory instructions: global loads/stores of every size (extension, little endian, page
// crossing, both address forms), shared memory and its bounds, scalar loads, atomics (every op,
// 32/64-bit, returning or not), memory faults, and atomic contention across host threads.
#include <gtest/gtest.h>

#include "cu_test_support.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// v[40:41] = data VA + lane * stride (the VGPR-pair address form).
void lane_address(Asm &p, unsigned stride_shift, uint64_t base_off = 0)
{
	p.alu(MICA_OP_V_SHL_B32, V(40), LANE, K(static_cast<int>(stride_shift)));
	p.alu(MICA_OP_V_MOV_B32, V(41), K(0));
	p.nop(0);
	p.alu(MICA_OP_V_ADD_U64, V(40), V(40), L(Rig::kData + base_off));
	p.nop(4);
}

} // namespace

TEST(CuMemory, GlobalLoadsExtendAndAssemble)
{
	Rig rig;
	for (unsigned i = 0; i < 64; i++)
		rig.data[i] = static_cast<uint8_t>(0x80 + i);
	Asm p;
	p.alu(MICA_OP_V_MOV_B32, V(40), L(Rig::kData));
	p.alu(MICA_OP_V_MOV_B32, V(41), K(0));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_LOAD_U8, V(0), V(40), NONE, NONE, 1);
	p.mem(MICA_OP_GLOBAL_LOAD_I8, V(1), V(40), NONE, NONE, 1);
	p.mem(MICA_OP_GLOBAL_LOAD_U16, V(2), V(40), NONE, NONE, 2);
	p.mem(MICA_OP_GLOBAL_LOAD_I16, V(3), V(40), NONE, NONE, 2);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(4), V(40), NONE, NONE, 3); // unaligned is fine
	p.mem(MICA_OP_GLOBAL_LOAD_B64, V(6), V(40), NONE, NONE, 8);
	p.mem(MICA_OP_GLOBAL_LOAD_B96, V(12), V(40), NONE, NONE, 16); // 3-tuples are 4-aligned
	p.mem(MICA_OP_GLOBAL_LOAD_B128, V(16), V(40), NONE, NONE, 32);
	p.wait_all();
	p.alu(MICA_OP_V_MOV_B32, V(50), L(0x1000));
	p.nop(0);
	for (unsigned r = 0; r < 20; r += 4)
		p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(50), S(0), V(r), static_cast<int32_t>(r * 4));
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.hazard_violations, 0u);
	auto out = [&](unsigned reg) { return rig.get<uint32_t>(0x1000 + reg * 4); };
	EXPECT_EQ(out(0), 0x81u);
	EXPECT_EQ(out(1), 0xffffff81u);
	EXPECT_EQ(out(2), 0x8382u);
	EXPECT_EQ(out(3), 0xffff8382u);
	EXPECT_EQ(out(4), 0x86858483u);
	EXPECT_EQ(out(6), 0x8b8a8988u);
	EXPECT_EQ(out(7), 0x8f8e8d8cu);
	EXPECT_EQ(out(12), 0x93929190u);
	EXPECT_EQ(out(14), 0x9b9a9998u);
	EXPECT_EQ(out(15), 0u); // b96 leaves the 4th register alone
	EXPECT_EQ(out(16), 0xa3a2a1a0u);
	EXPECT_EQ(out(19), 0xafaeadacu);
}

TEST(CuMemory, GlobalStoresOfEverySizePerLane)
{
	Rig rig;
	Asm p;
	lane_address(p, 5);
	p.alu(MICA_OP_V_ADD_U32, V(0), LANE, L(0x11223340));
	p.alu(MICA_OP_V_MOV_B32, V(1), L(0x55667788));
	p.alu(MICA_OP_V_MOV_B32, V(2), L(0x99aabbcc));
	p.alu(MICA_OP_V_MOV_B32, V(3), L(0xddeeff00));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B8, NONE, V(40), NONE, V(0), 0);
	p.mem(MICA_OP_GLOBAL_STORE_B16, NONE, V(40), NONE, V(0), 2);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(40), NONE, V(0), 4);
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(40), NONE, V(0), 8);
	p.mem(MICA_OP_GLOBAL_STORE_B96, NONE, V(40), NONE, V(0), 16);
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(40), NONE, V(0), 0x400);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (unsigned l = 0; l < 32; l++) {
		size_t o = l * 32;
		EXPECT_EQ(rig.get<uint8_t>(o), 0x40 + l);
		EXPECT_EQ(rig.get<uint8_t>(o + 1), 0u);
		EXPECT_EQ(rig.get<uint16_t>(o + 2), 0x3340 + l);
		EXPECT_EQ(rig.get<uint32_t>(o + 4), 0x11223340u + l);
		EXPECT_EQ(rig.get<uint64_t>(o + 8), 0x5566778811223340ull + l);
		EXPECT_EQ(rig.get<uint32_t>(o + 24), 0x99aabbccu);
		EXPECT_EQ(rig.get<uint32_t>(o + 28), 0u);
		EXPECT_EQ(rig.get<uint32_t>(0x400 + o + 12), 0xddeeff00u);
	}
}

TEST(CuMemory, InactiveLanesDoNotAccessMemory)
{
	Rig rig;
	Asm p;
	lane_address(p, 2);
	p.alu(MICA_OP_V_MOV_B32, V(0), L(0xfeed));
	p.alu(MICA_OP_S_MOV_B32, EXEC, L(0x0000f00f));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(40), NONE, V(0));
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	for (unsigned l = 0; l < 32; l++)
		EXPECT_EQ(rig.get<uint32_t>(l * 4), (0x0000f00fu >> l) & 1 ? 0xfeedu : 0u) << l;
}

TEST(CuMemory, AccessCrossingAPageBoundary)
{
	Rig rig;
	rig.put<uint64_t>(4092, 0x0807060504030201ull);
	Asm p;
	p.alu(MICA_OP_V_MOV_B32, V(50), L(4092));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_LOAD_B64, V(0), V(50), S(0), NONE);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(50), S(0), V(0), 8192);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(rig.get<uint64_t>(8192 + 4092), 0x0807060504030201ull);
	// Second page not writable: the store faults at the first byte of that page.
	rig.mmu.protect(Rig::kCtx, Rig::kData + 12288, 4096, kR);
	r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(r.fault_addr, Rig::kData + 12288);
	EXPECT_EQ(r.fault_access, static_cast<uint32_t>(MICA_ACCESS_WRITE));
	EXPECT_EQ(r.fault_pc, Rig::kCode + 8 * 5); // literal v_mov (2 words), nop, load, wait
}

TEST(CuMemory, UnmappedLoadFaultsWithAddressAndPc)
{
	Rig rig;
	Asm p;
	p.alu(MICA_OP_V_MOV_B64, V(40), L(0x7000000000ull));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(0), V(40), NONE, NONE, -4);
	p.end();
	DispatchResult r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED);
	EXPECT_EQ(r.fault_addr, 0x7000000000ull - 4);
	EXPECT_EQ(r.fault_access, static_cast<uint32_t>(MICA_ACCESS_READ));
	EXPECT_EQ(r.fault_pc, Rig::kCode + 24);
	EXPECT_NE(r.report.find("global_load_b32"), std::string::npos) << r.report;
}

TEST(CuMemory, SharedMemoryLoadsStoresAndBounds)
{
	Rig rig;
	rig.st.shared_bytes = 512;
	Asm p;
	p.alu(MICA_OP_V_SHL_B32, V(10), LANE, K(3));
	p.alu(MICA_OP_V_ADD_U32, V(0), LANE, L(0xffffff80));
	p.alu(MICA_OP_V_MOV_B32, V(1), L(0x12345678));
	p.nop(0);
	p.mem(MICA_OP_DS_STORE_B64, NONE, V(10), NONE, V(0));
	p.mem(MICA_OP_DS_STORE_B8, NONE, V(10), NONE, V(1), 7);
	p.mem(MICA_OP_DS_STORE_B16, NONE, V(10), NONE, V(1), 4);
	p.waitcnt(63, 0);
	p.mem(MICA_OP_DS_LOAD_U8, V(20), V(10), NONE, NONE);
	p.mem(MICA_OP_DS_LOAD_I8, V(21), V(10), NONE, NONE);
	p.mem(MICA_OP_DS_LOAD_U16, V(22), V(10), NONE, NONE, 4);
	p.mem(MICA_OP_DS_LOAD_I16, V(23), V(10), NONE, NONE, 6);
	p.mem(MICA_OP_DS_LOAD_B32, V(24), V(10), NONE, NONE);
	p.mem(MICA_OP_DS_LOAD_B64, V(26), V(10), NONE, NONE);
	p.waitcnt(63, 0);
	// Lanes overlap (16 bytes every 8): lanes apply in order, so each 8-byte slot ends up with
	// its own lane's v[20:21].
	p.mem(MICA_OP_DS_STORE_B128, NONE, V(10), NONE, V(20), 0);
	p.mem(MICA_OP_DS_LOAD_B64, V(28), V(10), NONE, NONE, 0);
	p.waitcnt(63, 0);
	p.alu(MICA_OP_V_SHL_B32, V(11), LANE, K(5));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(11), S(0), V(20));
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(11), S(0), V(24), 16);
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(11), S(0), V(28), 0x400);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.hazard_violations, 0u);
	for (unsigned l = 0; l < 31; l++) {
		size_t o = l * 32;
		SCOPED_TRACE(l);
		EXPECT_EQ(rig.get<uint32_t>(o), 0x80u + l);
		EXPECT_EQ(rig.get<uint32_t>(o + 4), 0xffffff80u + l);
		EXPECT_EQ(rig.get<uint32_t>(o + 8), 0x5678u);
		EXPECT_EQ(rig.get<uint32_t>(o + 12), 0x7834u); // bytes 6,7 = 0x34 (from v1), 0x78 (b8 store)
		EXPECT_EQ(rig.get<uint32_t>(o + 16), 0xffffff80u + l);
		EXPECT_EQ(rig.get<uint32_t>(o + 24), 0xffffff80u + l);
		EXPECT_EQ(rig.get<uint32_t>(o + 28), 0x78345678u);
		EXPECT_EQ(rig.get<uint32_t>(0x400 + o), 0x80u + l);
		EXPECT_EQ(rig.get<uint32_t>(0x400 + o + 4), 0xffffff80u + l);
	}
	// Out of range: lane 31 reaches byte 256.
	rig.st.shared_bytes = 256;
	Asm q;
	q.alu(MICA_OP_V_SHL_B32, V(10), LANE, K(3));
	q.nop(0);
	q.mem(MICA_OP_DS_LOAD_B64, V(0), V(10), NONE, NONE, 2);
	q.end();
	r = rig.run(q);
	EXPECT_EQ(r.fault, MICA_FAULT_SHARED_OUT_OF_RANGE);
	EXPECT_EQ(r.fault_addr, 31u * 8 + 2);
	EXPECT_EQ(r.fault_pc, Rig::kCode + 16);
	// Negative offsets below zero fault too.
	Asm n;
	n.alu(MICA_OP_V_MOV_B32, V(10), K(0));
	n.nop(0);
	n.mem(MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(10), -4);
	n.end();
	EXPECT_EQ(rig.run(n).fault, MICA_FAULT_SHARED_OUT_OF_RANGE);
}

TEST(CuMemory, ScalarLoads)
{
	Rig rig;
	for (unsigned i = 0; i < 16; i++)
		rig.put<uint32_t>(0x800 + 4 * i, 0xa0000000u + i);
	Asm p;
	p.alu(MICA_OP_S_MOV_B32, S(8), L(0x800 - 8));
	p.nop(3);
	p.mem(MICA_OP_S_LOAD_B32, S(20), S(8), S(0), NONE, 8);       // with SGPR offset
	p.mem(MICA_OP_S_LOAD_B64, S(22), NONE, S(0), NONE, 0x804);
	p.mem(MICA_OP_S_LOAD_B128, S(24), NONE, S(0), NONE, 0x810);
	p.mem(MICA_OP_S_LOAD_B256, S(32), NONE, S(0), NONE, 0x800);
	p.waitcnt(63, 0);
	for (unsigned i = 0; i < 8; i++)
		p.alu(MICA_OP_V_MOV_B32, V(i), S(20 + i));
	for (unsigned i = 0; i < 8; i++)
		p.alu(MICA_OP_V_MOV_B32, V(8 + i), S(32 + i));
	p.alu(MICA_OP_V_MOV_B32, V(20), K(0));
	p.nop(0);
	for (unsigned r = 0; r < 16; r += 4)
		p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(20), S(0), V(r), static_cast<int32_t>(r * 4));
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.hazard_violations, 0u);
	const uint32_t expect[8] = {0xa0000000u, 0, 0xa0000001u, 0xa0000002u, 0xa0000004u, 0xa0000005u,
	                            0xa0000006u, 0xa0000007u}; // s21 is not loaded
	for (unsigned i = 0; i < 8; i++)
		EXPECT_EQ(rig.get<uint32_t>(i * 4), expect[i]) << i;
	for (unsigned i = 0; i < 8; i++)
		EXPECT_EQ(rig.get<uint32_t>(32 + i * 4), 0xa0000000u + i) << i;
}

namespace {

struct AtomicCase {
	unsigned op32, op64, ds32, ds64;
	uint64_t init, data, cmp;
	uint64_t expect_mem; // after one lane
};

} // namespace

// Each atomic op by a single lane (global and ds, 32 and 64-bit): returns the old value and
// leaves the documented new value.
TEST(CuMemory, EveryAtomicOnce)
{
	const uint64_t big = 0x8000000000000005ull;
	const AtomicCase cases[] = {
		{MICA_OP_GLOBAL_ATOMIC_ADD_U32, MICA_OP_GLOBAL_ATOMIC_ADD_U64, MICA_OP_DS_ATOMIC_ADD_U32, MICA_OP_DS_ATOMIC_ADD_U64, 10, 5, 0, 15},
		{MICA_OP_GLOBAL_ATOMIC_SUB_U32, MICA_OP_GLOBAL_ATOMIC_SUB_U64, MICA_OP_DS_ATOMIC_SUB_U32, MICA_OP_DS_ATOMIC_SUB_U64, 10, 11, 0, ~0ull},
		{MICA_OP_GLOBAL_ATOMIC_SMIN_I32, MICA_OP_GLOBAL_ATOMIC_SMIN_I64, MICA_OP_DS_ATOMIC_SMIN_I32, MICA_OP_DS_ATOMIC_SMIN_I64, 3, ~0ull, 0, ~0ull},
		{MICA_OP_GLOBAL_ATOMIC_UMIN_U32, MICA_OP_GLOBAL_ATOMIC_UMIN_U64, MICA_OP_DS_ATOMIC_UMIN_U32, MICA_OP_DS_ATOMIC_UMIN_U64, 3, ~0ull, 0, 3},
		{MICA_OP_GLOBAL_ATOMIC_SMAX_I32, MICA_OP_GLOBAL_ATOMIC_SMAX_I64, MICA_OP_DS_ATOMIC_SMAX_I32, MICA_OP_DS_ATOMIC_SMAX_I64, 3, ~0ull, 0, 3},
		{MICA_OP_GLOBAL_ATOMIC_UMAX_U32, MICA_OP_GLOBAL_ATOMIC_UMAX_U64, MICA_OP_DS_ATOMIC_UMAX_U32, MICA_OP_DS_ATOMIC_UMAX_U64, 3, ~0ull, 0, ~0ull},
		{MICA_OP_GLOBAL_ATOMIC_AND_B32, MICA_OP_GLOBAL_ATOMIC_AND_B64, MICA_OP_DS_ATOMIC_AND_B32, MICA_OP_DS_ATOMIC_AND_B64, 0xff, 0x0f, 0, 0x0f},
		{MICA_OP_GLOBAL_ATOMIC_OR_B32, MICA_OP_GLOBAL_ATOMIC_OR_B64, MICA_OP_DS_ATOMIC_OR_B32, MICA_OP_DS_ATOMIC_OR_B64, 0xf0, 0x0f, 0, 0xff},
		{MICA_OP_GLOBAL_ATOMIC_XOR_B32, MICA_OP_GLOBAL_ATOMIC_XOR_B64, MICA_OP_DS_ATOMIC_XOR_B32, MICA_OP_DS_ATOMIC_XOR_B64, 0xff, 0x0f, 0, 0xf0},
		{MICA_OP_GLOBAL_ATOMIC_SWAP_B32, MICA_OP_GLOBAL_ATOMIC_SWAP_B64, MICA_OP_DS_ATOMIC_SWAP_B32, MICA_OP_DS_ATOMIC_SWAP_B64, 1, big, 0, big},
		{MICA_OP_GLOBAL_ATOMIC_CMPSWAP_B32, MICA_OP_GLOBAL_ATOMIC_CMPSWAP_B64, MICA_OP_DS_ATOMIC_CMPSWAP_B32, MICA_OP_DS_ATOMIC_CMPSWAP_B64, 7, 9, 7, 9},
		{MICA_OP_GLOBAL_ATOMIC_CMPSWAP_B32, MICA_OP_GLOBAL_ATOMIC_CMPSWAP_B64, MICA_OP_DS_ATOMIC_CMPSWAP_B32, MICA_OP_DS_ATOMIC_CMPSWAP_B64, 7, 9, 8, 7},
	};
	for (const AtomicCase &c : cases) {
		for (unsigned variant = 0; variant < 4; variant++) {
			const bool wide = variant & 1, shared = variant & 2;
			const unsigned op = shared ? (wide ? c.ds64 : c.ds32) : (wide ? c.op64 : c.op32);
			const uint64_t mask = wide ? ~0ull : 0xffffffffull;
			SCOPED_TRACE(mica_op_lookup(op)->name);
			Rig rig;
			rig.st.wg_size[0] = 1;
			rig.st.shared_bytes = 64;
			rig.put<uint64_t>(0, c.init & mask);
			Asm p;
			// data tuple: v[4..7] = data, cmp (64-bit: v[4:5] data, v[6:7] cmp)
			if (wide) {
				p.alu(MICA_OP_V_MOV_B64, V(4), L(c.data));
				p.alu(MICA_OP_V_MOV_B64, V(6), L(c.cmp));
			} else {
				p.alu(MICA_OP_V_MOV_B32, V(4), L(c.data & mask));
				p.alu(MICA_OP_V_MOV_B32, V(5), L(c.cmp & mask));
			}
			p.alu(MICA_OP_V_MOV_B32, V(10), K(0));
			p.nop(4);
			if (shared) {
				p.mem(wide ? MICA_OP_DS_STORE_B64 : MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(30));
				p.alu(wide ? MICA_OP_V_MOV_B64 : MICA_OP_V_MOV_B32, V(30), L(c.init & mask));
				p.nop(1);
				p.mem(wide ? MICA_OP_DS_STORE_B64 : MICA_OP_DS_STORE_B32, NONE, V(10), NONE, V(30));
				p.mem(op, V(0), V(10), NONE, V(4));
				p.mem(wide ? MICA_OP_DS_LOAD_B64 : MICA_OP_DS_LOAD_B32, V(2), V(10), NONE, NONE);
				p.wait_all();
				p.mem(wide ? MICA_OP_GLOBAL_STORE_B64 : MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(2));
			} else {
				p.mem(op, V(0), V(10), S(0), V(4));
				p.wait_all();
			}
			p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(10), S(0), V(0), 16);
			p.end();
			DispatchResult r = rig.run(p);
			ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
			EXPECT_EQ(r.hazard_violations, 0u);
			EXPECT_EQ(rig.get<uint64_t>(0) & mask, c.expect_mem & mask);
			EXPECT_EQ(rig.get<uint64_t>(16) & mask, c.init & mask); // old value returned
		}
	}
}

TEST(CuMemory, FloatAtomicAddAndNoReturnForm)
{
	Rig rig;
	rig.st.shared_bytes = 16;
	rig.put<float>(0, 1.0f);
	Asm p;
	p.alu(MICA_OP_V_MOV_B32, V(4), LF(0.5f));
	p.alu(MICA_OP_V_MOV_B32, V(10), K(0));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_F32, NONE, V(10), S(0), V(4)); // 32 lanes, no return
	p.mem(MICA_OP_DS_ATOMIC_ADD_F32, V(6), V(10), NONE, V(4));
	p.mem(MICA_OP_DS_ATOMIC_ADD_F32, V(7), V(10), NONE, V(4));
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(10), S(0), V(6), 8);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(rig.get<float>(0), 17.0f);
	// Lanes apply in order; the last lane (31) stores last: it saw 31 * 0.5 the first time.
	EXPECT_EQ(rig.get<float>(8), 15.5f);
	EXPECT_EQ(rig.get<float>(12), 31.5f);
}

TEST(CuMemory, AtomicsIgnoreLowAddressBits)
{
	Rig rig;
	rig.put<uint32_t>(4, 100);
	Asm p;
	p.alu(MICA_OP_V_MOV_B32, V(10), K(7)); // 7 -> 4
	p.alu(MICA_OP_V_MOV_B32, V(4), K(1));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, NONE, V(10), S(0), V(4));
	p.end();
	ASSERT_EQ(rig.run(p).fault, MICA_FAULT_NONE);
	EXPECT_EQ(rig.get<uint32_t>(4), 132u);
}

TEST(CuMemory, AtomicFaultsOnReadOnlyPage)
{
	Rig rig;
	rig.mmu.protect(Rig::kCtx, Rig::kData, 4096, kR);
	Asm p;
	p.alu(MICA_OP_V_MOV_B32, V(10), K(8));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, V(0), V(10), S(0), V(10));
	p.end();
	DispatchResult r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(r.fault_access, static_cast<uint32_t>(MICA_ACCESS_WRITE));
	EXPECT_EQ(r.fault_addr, Rig::kData + 8);
}

// Many workgroups on 4 CUs run by 2 host threads all hammer the same counters.
TEST(CuMemory, AtomicContentionAcrossHostThreads)
{
	Rig rig(4, 2);
	rig.st.wg_size[0] = 64;
	rig.st.groups[0] = 64;
	Asm p;
	int top = p.label();
	p.alu(MICA_OP_V_MOV_B32, V(10), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(4), K(1));
	p.alu(MICA_OP_V_MOV_B64, V(6), L(0x100000001ull));
	p.alu(MICA_OP_S_MOV_B32, S(20), K(0));
	p.nop(4);
	p.bind(top);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, NONE, V(10), S(0), V(4));
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U64, NONE, V(10), S(0), V(6), 8);
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_F32, NONE, V(10), S(0), V(4), 16); // bit pattern 1 = 2^-149
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), K(1));
	p.alu(MICA_OP_S_CMP_LT_U32, NONE, S(20), K(50));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	const uint64_t n = 64ull * 64 * 50;
	EXPECT_EQ(rig.get<uint32_t>(0), n);
	EXPECT_EQ(rig.get<uint64_t>(8), n * 0x100000001ull);
	EXPECT_EQ(rig.get<uint32_t>(16), n); // n denormal quanta, exact
}
