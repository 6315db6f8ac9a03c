// SPDX-License-Identifier: MIT
// The decode cache outlives dispatches (program.h): a program dispatched again is not decoded
// again, but code changed between dispatches (bytes, literals on the next page, permissions) is
// always what runs. And wave launch's per-dispatch launch rows (local IDs, EXEC) follow each
// dispatch's workgroup shape.
#include <gtest/gtest.h>

#include "cu_test_support.h"
#include "program.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Stores 'value' (a literal) to data[0] from every lane (all lanes write the same word).
Asm store_literal(uint32_t value)
{
	Asm p;
	p.alu(MICA_OP_V_MOV_B32, V(10), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(11), L(value));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(11));
	p.wait_all();
	p.end();
	return p;
}

TEST(CuCodeCache, CodeChangedBetweenDispatchesIsDecodedAgain)
{
	for (unsigned threads : {1u, 2u}) {
		Rig rig(2, threads);
		rig.st.groups[0] = 4;
		for (uint32_t v : {0x1111u, 0x2222u, 0x1111u, 0x3333u}) {
			rig.put<uint32_t>(0, 0);
			ASSERT_EQ(rig.run(store_literal(v)).fault, MICA_FAULT_NONE);
			EXPECT_EQ(rig.get<uint32_t>(0), v) << "threads " << threads;
		}
	}
}

TEST(CuCodeCache, LiteralOnTheNextPageIsFetchedEachDispatch)
{
	// The v_mov's literal word is the first word of the next code page: only that word changes.
	Rig rig(1);
	const uint64_t at = Rig::kCode + MICA_PAGE_SIZE - 2 * MICA_INSTRUCTION_BYTES;
	Asm p = store_literal(0xaaaa);
	rig.load(p, at);
	rig.st.program_va = at;
	uint8_t *literal = rig.code + MICA_PAGE_SIZE; // v_mov v10 (1 word), v_mov v11 (word + literal)
	uint32_t first;
	std::memcpy(&first, literal, 4);
	ASSERT_EQ(first, 0xaaaau) << "the program's layout is not the one this test needs";
	ASSERT_EQ(rig.engine->run(rig.st).fault, MICA_FAULT_NONE);
	EXPECT_EQ(rig.get<uint32_t>(0), 0xaaaau);
	const uint32_t next = 0xbbbb;
	std::memcpy(literal, &next, 4);
	ASSERT_EQ(rig.engine->run(rig.st).fault, MICA_FAULT_NONE);
	EXPECT_EQ(rig.get<uint32_t>(0), 0xbbbbu);
	// And the next page made non-executable: the literal fetch faults.
	rig.mmu.protect(Rig::kCtx, Rig::kCode + MICA_PAGE_SIZE, MICA_PAGE_SIZE, kR);
	DispatchResult r = rig.engine->run(rig.st);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(r.fault_addr, Rig::kCode + MICA_PAGE_SIZE);
}

TEST(CuCodeCache, CodePageMadeNonExecutableFaultsAtTheNextDispatch)
{
	Rig rig(1);
	ASSERT_EQ(rig.run(store_literal(5)).fault, MICA_FAULT_NONE);
	rig.mmu.protect(Rig::kCtx, Rig::kCode, MICA_PAGE_SIZE, kR);
	DispatchResult r = rig.engine->run(rig.st);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION);
	EXPECT_EQ(r.fault_addr, Rig::kCode);
	rig.mmu.protect(Rig::kCtx, Rig::kCode, MICA_PAGE_SIZE, kRX);
	rig.put<uint32_t>(0, 0);
	ASSERT_EQ(rig.engine->run(rig.st).fault, MICA_FAULT_NONE);
	EXPECT_EQ(rig.get<uint32_t>(0), 5u);
}

TEST(CuCodeCache, UnchangedPagesAreNotDecodedAgain)
{
	FlatMmu mmu;
	uint8_t *code = mmu.map(1, 0x10000, 2 * MICA_PAGE_SIZE, kRX);
	Asm p = store_literal(7);
	const auto words = p.words();
	std::memcpy(code, words.data(), words.size() * 8);
	cu::CodeCache cc;
	auto fetch_all = [&] {
		for (uint64_t off = 0; off < words.size() * 8;) {
			const cu::CodeSlot &s = cc.fetch(0x10000 + off);
			ASSERT_EQ(s.state, cu::SlotState::Ok);
			off += s.inst.words * 8u;
		}
	};
	cc.reset(&mmu, 1, 0x10000);
	fetch_all();
	const uint64_t decoded = cc.decodes();
	EXPECT_EQ(decoded, 6u); // six instructions, one with a literal
	cc.reset(&mmu, 1, 0x10000);
	fetch_all();
	EXPECT_EQ(cc.decodes(), decoded);
	EXPECT_EQ(cc.pages_reused(), 1u);
	// One byte elsewhere on the page (not an instruction) changes: the page is decoded again.
	code[MICA_PAGE_SIZE - 1] ^= 1;
	cc.reset(&mmu, 1, 0x10000);
	fetch_all();
	EXPECT_EQ(cc.decodes(), 2 * decoded);
	// An illegal word is a fault slot, decoded again every dispatch (and still a fault).
	const uint64_t bad = ~0ull;
	std::memcpy(code + MICA_PAGE_SIZE + 8, &bad, 8);
	for (int i = 0; i < 2; i++) {
		cc.reset(&mmu, 1, 0x10000);
		EXPECT_EQ(cc.fetch(0x10000 + MICA_PAGE_SIZE + 8).state, cu::SlotState::Fault);
	}
}

// Writes v0, v1, v2 and 1 of every lane of every wave to data[(slot * 32 + lane) * 16].
Asm store_local_ids()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WAVE_IN_GROUP), L(512));
	p.alu(MICA_OP_V_SHL_B32, V(10), LANE, K(4));
	p.alu(MICA_OP_V_MOV_B32, V(11), K(1));
	p.nop(2);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(0), 0);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(1), 4);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(2), 8);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(11), 12);
	p.wait_all();
	p.end();
	return p;
}

TEST(CuLaunchRows, LocalIdsFollowEachDispatchsWorkgroupShape)
{
	Rig rig(1);
	const Asm p = store_local_ids();
	rig.load(p);
	const uint32_t shapes[][3] = {{5, 3, 2}, {7, 5, 3}, {64, 1, 1}, {1, 1, 33}, {5, 3, 2}};
	for (const auto &sh : shapes) {
		std::memset(rig.data, 0, 32 * 1024);
		rig.st.wg_size[0] = sh[0];
		rig.st.wg_size[1] = sh[1];
		rig.st.wg_size[2] = sh[2];
		rig.st.groups[0] = 2; // the second workgroup reuses the first one's rows (same stores)
		ASSERT_EQ(rig.engine->run(rig.st).fault, MICA_FAULT_NONE);
		const uint32_t inv = sh[0] * sh[1] * sh[2];
		const uint32_t lanes = (inv + 31) / 32 * 32;
		for (uint32_t i = 0; i < lanes; i++) {
			const size_t o = i * 16;
			if (i < inv) {
				EXPECT_EQ(rig.get<uint32_t>(o), i % sh[0]) << "invocation " << i;
				EXPECT_EQ(rig.get<uint32_t>(o + 4), (i / sh[0]) % sh[1]) << "invocation " << i;
				EXPECT_EQ(rig.get<uint32_t>(o + 8), i / (sh[0] * sh[1])) << "invocation " << i;
				EXPECT_EQ(rig.get<uint32_t>(o + 12), 1u) << "invocation " << i;
			} else {
				EXPECT_EQ(rig.get<uint32_t>(o + 12), 0u) << "lane past the workgroup ran: " << i;
			}
		}
	}
}

} // namespace
