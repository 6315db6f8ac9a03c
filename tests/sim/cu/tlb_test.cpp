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
	constexpr uint64_t n = cu::kWorkerTlbEntries;
	for (uint64_t base : {0x0ull, 0x1939ull, 0x123456ull, 0xfffffffc0ull}) {
		for (uint64_t i = 0; i < n; i++)
			for (uint64_t j = i + 1; j < n; j++)
				ASSERT_NE(cu::worker_tlb_slot(base * n + i), cu::worker_tlb_slot(base * n + j));
		// A second buffer a power-of-two number of pages away (a TLB's worth of pages .. 2^30
		// pages): another slot, and up to 2^22 pages (16 GiB) at least 4 slots away (a miss
		// translates 3 ahead).
		for (unsigned b = cu::kWorkerTlbBlockShift; b <= 30; b++) {
			const uint64_t d = (cu::worker_tlb_slot(base + (1ull << b)) - cu::worker_tlb_slot(base)) % n;
			EXPECT_NE(d, 0u) << base << " + 2^" << b;
			if (b <= 22) {
				EXPECT_GE(std::min<uint64_t>(d, n - d), 4u) << base << " + 2^" << b;
			}
		}
	}
}

// Two streams a TLB's worth of pages apart (without the block hash, the same slots).
TEST(CuTlb, TwoStreamsATlbApartEachMissOncePerPage)
{
	constexpr uint32_t kCtx = 1;
	constexpr uint64_t kCode = 0x100000, kX = 0x1000000, kY = kX + cu::kWorkerTlbEntries * MICA_PAGE_SIZE;
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

// A page whose backing the test switches, announcing it (or not) through the generation.
class SwitchingMmu final : public Mmu {
public:
	static constexpr uint64_t kPage = 0x2000000;
	explicit SwitchingMmu(FlatMmu &inner) : inner_(inner) {}
	uint8_t *translate(uint32_t ctx, uint64_t va, mica_access access, uint32_t *fault) override
	{
		if (va / MICA_PAGE_SIZE == kPage / MICA_PAGE_SIZE) {
			if (ctx == 2)
				return ctx2_.data() + va % MICA_PAGE_SIZE;
			return (use_b ? b_ : a_).data() + va % MICA_PAGE_SIZE;
		}
		return inner_.translate(ctx, va, access, fault);
	}
	// One generation for every context (an Mmu may share one): only the context tells the
	// entries of context 1 from those of context 2.
	const std::atomic<uint64_t> *generation(uint32_t) const override { return &gen_; }
	void switch_to_b_and_invalidate()
	{
		use_b = true;
		gen_.fetch_add(1);
	}
	bool use_b = false;
	std::array<uint8_t, MICA_PAGE_SIZE> a_{}, b_{}, ctx2_{};

private:
	FlatMmu &inner_;
	std::atomic<uint64_t> gen_{0};
};

TEST(CuTlb, EntriesKeptAcrossDispatchesOnlyWhileContextAndGenerationHold)
{
	// Each dispatch copies the word at kPage to data[0]. Between dispatches: nothing (the TLB
	// may stay warm), the page switched with an invalidation (must be seen), another context
	// whose same address is another page (must be seen), and back.
	Asm p;
	p.alu(MICA_OP_V_MOV_B32, V(10), L(static_cast<uint32_t>(SwitchingMmu::kPage - Rig::kData)));
	p.alu(MICA_OP_V_MOV_B32, V(12), K(0));
	p.nop(2);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(11), V(10), S(0), NONE);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(12), S(0), V(11));
	p.wait_all();
	p.end();
	for (CuEngine e : {CuEngine::Interp, CuEngine::Jit}) {
		Rig rig(1, 1);
		const auto words = p.words();
		uint8_t *code2 = rig.mmu.map(2, Rig::kCode, Rig::kCodeBytes, kRX);
		uint8_t *data2 = rig.mmu.map(2, Rig::kData, 4096, kRW);
		std::memcpy(code2, words.data(), words.size() * 8);
		SwitchingMmu mmu(rig.mmu);
		const uint32_t va = 0x11, vb = 0x22, v2 = 0x33;
		std::memcpy(mmu.a_.data(), &va, 4);
		std::memcpy(mmu.b_.data(), &vb, 4);
		std::memcpy(mmu.ctx2_.data(), &v2, 4);
		rig.engine = make_compute_engine(mmu, 1, 1, e);
		rig.load(p);
		auto run = [&](uint32_t ctx) {
			rig.st.ctx = ctx;
			EXPECT_EQ(rig.engine->run(rig.st).fault, MICA_FAULT_NONE);
			uint32_t v;
			std::memcpy(&v, (ctx == 2 ? data2 : rig.data), 4);
			return v;
		};
		EXPECT_EQ(run(1), va);
		EXPECT_EQ(run(1), va);
		mmu.switch_to_b_and_invalidate();
		EXPECT_EQ(run(1), vb) << "an invalidation between dispatches was not seen";
		EXPECT_EQ(run(2), v2) << "another context used the previous context's entry";
		EXPECT_EQ(run(1), vb);
	}
}

} // namespace
