// SPDX-License-Identifier: MIT
// The compute unit's TLB (Worker::tlb_): streams whose pages are a multiple of the TLB's size
// apart do not evict each other (worker_tlb_slot), and a miss takes the next pages'
// translations with it. Observed through the MMU: how many translations a dispatch asks for.
#include <gtest/gtest.h>

#include "cu_test_support.h"
#include "worker.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

class CountingMmu final : public Mmu {
public:
	explicit CountingMmu(FlatMmu &real) : real_(real) {}
	uint8_t *translate(uint32_t ctx, uint64_t va, mica_access access, uint32_t *fault) override
	{
		if (access != MICA_ACCESS_EXEC)
			data_translations++;
		return real_.translate(ctx, va, access, fault);
	}
	uint64_t data_translations = 0;

private:
	FlatMmu &real_;
};

TEST(CuTlb, SlotsOfConsecutivePagesDifferAndStridedStreamsDoNotCollide)
{
	for (uint64_t base : {0x0ull, 0x1939ull, 0x123456ull, 0xfffffffc0ull}) {
		for (uint64_t i = 0; i < cu::kWorkerTlbEntries; i++)
			for (uint64_t j = i + 1; j < cu::kWorkerTlbEntries; j++)
				ASSERT_NE(cu::worker_tlb_slot(base * 64 + i), cu::worker_tlb_slot(base * 64 + j));
		// A second buffer a power-of-two number of pages away (64 pages .. 2^30 pages): another
		// slot, and up to 2^22 pages (16 GiB) at least 4 slots away (a miss translates 3 ahead).
		for (unsigned b = 6; b <= 30; b++) {
			const uint64_t d = (cu::worker_tlb_slot(base + (1ull << b)) - cu::worker_tlb_slot(base)) % 64;
			EXPECT_NE(d, 0u) << base << " + 2^" << b;
			if (b <= 22) {
				EXPECT_GE(std::min<uint64_t>(d, 64 - d), 4u) << base << " + 2^" << b;
			}
		}
	}
}

TEST(CuTlb, TwoStreamsSixtyFourPagesApartEachMissOncePerPage)
{
	constexpr uint32_t kCtx = 1;
	constexpr uint64_t kCode = 0x100000, kX = 0x1000000, kY = kX + 64 * MICA_PAGE_SIZE;
	constexpr unsigned kPages = 8, kGroups = kPages * MICA_PAGE_SIZE / 128;
	for (CuEngine e : {CuEngine::Interp, CuEngine::Jit}) {
		FlatMmu flat;
		CountingMmu mmu(flat);
		uint8_t *code = flat.map(kCtx, kCode, MICA_PAGE_SIZE, kRX);
		uint8_t *x = flat.map(kCtx, kX, kPages * MICA_PAGE_SIZE, kRW);
		uint8_t *y = flat.map(kCtx, kY, kPages * MICA_PAGE_SIZE, kRW);
		for (unsigned i = 0; i < kPages * MICA_PAGE_SIZE / 4; i++) {
			const uint32_t a = i * 3, b = i * 7 + 1;
			std::memcpy(x + 4 * i, &a, 4);
			std::memcpy(y + 4 * i, &b, 4);
		}
		// y[i] += x[i], one wave per workgroup, 32 words each.
		Asm p;
		p.alu(MICA_OP_S_MUL_U32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), L(128));
		p.alu(MICA_OP_V_SHL_B32, V(10), LANE, K(2));
		p.nop(2);
		p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
		p.nop(2);
		p.mem(MICA_OP_GLOBAL_LOAD_B32, V(11), V(10), S(0), NONE);
		p.mem(MICA_OP_GLOBAL_LOAD_B32, V(12), V(10), S(2), NONE);
		p.wait_all();
		p.alu(MICA_OP_V_ADD_U32, V(12), V(12), V(11));
		p.nop(2);
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(2), V(12));
		p.wait_all();
		p.end();
		const auto words = p.words();
		std::memcpy(code, words.data(), words.size() * 8);
		auto engine = make_compute_engine(mmu, 1, 1, e);
		DispatchState st;
		st.ctx = kCtx;
		st.program_va = kCode;
		st.vgpr_count = 256;
		st.sgpr_count = 128;
		st.groups[0] = kGroups;
		st.groups[1] = st.groups[2] = 1;
		st.wg_size[0] = 32;
		st.user_data[0] = static_cast<uint32_t>(kX);
		st.user_data[1] = static_cast<uint32_t>(kX >> 32);
		st.user_data[2] = static_cast<uint32_t>(kY);
		st.user_data[3] = static_cast<uint32_t>(kY >> 32);
		ASSERT_EQ(engine->run(st).fault, MICA_FAULT_NONE);
		for (unsigned i = 0; i < kPages * MICA_PAGE_SIZE / 4; i++) {
			uint32_t v;
			std::memcpy(&v, y + 4 * i, 4);
			ASSERT_EQ(v, i * 3 + i * 7 + 1) << "word " << i;
		}
		// Three streams of 8 pages: at most one miss per page and stream, each translating up
		// to 3 pages ahead (when the two streams evicted each other it was 2 per workgroup).
		EXPECT_LE(mmu.data_translations, 3u * kPages * 4u) << "engine " << static_cast<int>(e);
		EXPECT_GE(mmu.data_translations, 3u * kPages) << "engine " << static_cast<int>(e);
	}
}

} // namespace
