// SPDX-License-Identifier: MIT
// The translating engine in the ordinary test run (the differential mode, tests/difftest/engines,
// compares everything else): a hot program is translated at its first big enough dispatch and
// the JIT engine's results, faults and counters equal the interpreter's.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cu_test_support.h"
#include "jit_compare.h"
#include "jit/jit.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

// Per invocation: a data-dependent scalar/vector loop, then one word out.
Asm loop_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(16), L(64));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(0), S(20));      // global index
	p.alu(MICA_OP_V_AND_B32, V(11), V(10), K(7));
	p.alu(MICA_OP_V_CVT_F32_U32, V(12), V(10));
	p.alu(MICA_OP_S_MOV_B32, S(21), K(9));
	int top = p.label();
	p.bind(top);
	p.alu(MICA_OP_V_FMA_F32, V(12), V(12), LF(0.5f), V(11));
	p.alu(MICA_OP_V_XOR_B32, V(11), V(11), V(10));
	p.alu(MICA_OP_V_MAX_U32, V(11), V(11), K(3));
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.alu(MICA_OP_V_CMP_LT_F32, VCC, V(12), LF(100.0f));
	p.nop(1);
	p.alu(MICA_OP_V_CNDMASK_B32, V(13), V(11), V(12), VCC);
	p.alu(MICA_OP_V_SHL_B32, V(14), V(10), K(2));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(14), S(0), V(13));
	p.end();
	return p;
}

struct Outcome {
	DispatchResult r;
	std::vector<uint32_t> data;
};

Outcome run(CuEngine engine, uint32_t groups)
{
	Rig rig(2, 1, 4u << 20);
	rig.engine = make_compute_engine(rig.mmu, 2, 1, engine);
	rig.st.wg_size[0] = 64;
	rig.st.groups[0] = groups;
	Outcome o;
	o.r = rig.run(loop_program());
	for (uint32_t i = 0; i < groups * 64; i++)
		o.data.push_back(rig.get<uint32_t>(4 * i));
	return o;
}

TEST(CuJit, HotProgramIsTranslatedAndAgreesWithTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint32_t groups = 512; // 32768 invocations: over the tests' hot threshold (jit_compare.h)
	const uint64_t before = cu::jit::counters().translations + cu::jit::counters().cache_hits;
	Outcome j = run(CuEngine::Jit, groups);
	EXPECT_GT(cu::jit::counters().translations + cu::jit::counters().cache_hits, before);
	Outcome i = run(CuEngine::Interp, groups);
	ASSERT_EQ(i.r.fault, MICA_FAULT_NONE) << i.r.report;
	EXPECT_EQ(j.r.fault, i.r.fault);
	EXPECT_EQ(j.r.cycles, i.r.cycles);
	EXPECT_EQ(j.r.instructions, i.r.instructions);
	EXPECT_EQ(j.r.lane_instructions, i.r.lane_instructions);
	EXPECT_EQ(j.r.mem_ops, i.r.mem_ops);
	EXPECT_EQ(j.r.stall_cycles, i.r.stall_cycles);
	EXPECT_EQ(j.r.waves, i.r.waves);
	EXPECT_EQ(j.r.hazard_violations, i.r.hazard_violations);
	EXPECT_EQ(j.data, i.data);
}

// The inline memory path's edge cases, each executed twice (a loop) so the second time finds
// the pages in the CU's TLB: lanes that straddle a page boundary, multi-dword stores whose lanes
// overlap partially (the interpreter stores lane after lane), sign-extending narrow loads, shared
// memory with overlapping lanes, and EXEC-masked lanes whose addresses are unmapped (they must
// neither access nor fault).
Asm memory_edge_program()
{
	Asm p;
	p.alu(MICA_OP_S_MUL_U32, S(20), S(16), L(8192));          // an 8 KiB slice per workgroup,
	p.alu(MICA_OP_S_ADD_U32, S(20), S(20), L(4096 - 40));     // the lanes cross its middle page boundary
	p.alu(MICA_OP_S_MOV_B32, S(21), K(2));
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(12), V(0), K(2));               // lane * 4 (shared address)
	p.alu(MICA_OP_V_ADD_U32, V(10), V(12), S(20));
	p.alu(MICA_OP_V_MUL_LO_U32, V(24), V(0), L(0x01030507));
	p.alu(MICA_OP_V_ADD_U32, V(25), V(0), L(0x80017f80));
	int top = p.label();
	p.bind(top);
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(10), S(0), V(24));       // lanes overlap by 4 bytes
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(25), 2048);   // disjoint, across the page edge
	p.mem(MICA_OP_GLOBAL_LOAD_B128, V(4), V(10), S(0), NONE, 1);
	p.mem(MICA_OP_GLOBAL_LOAD_I8, V(8), V(10), S(0), NONE, 3);
	p.mem(MICA_OP_GLOBAL_LOAD_I16, V(9), V(10), S(0), NONE, 2048 + 2);
	p.mem(MICA_OP_GLOBAL_LOAD_U16, V(3), V(10), S(0), NONE, 2048 + 1);
	p.wait_all();
	p.mem(MICA_OP_DS_STORE_B64, NONE, V(12), NONE, V(4));
	p.mem(MICA_OP_DS_STORE_B8, NONE, V(12), NONE, V(8), 3);
	p.mem(MICA_OP_DS_LOAD_B32, V(13), V(12), NONE, NONE, 4);
	p.mem(MICA_OP_DS_LOAD_I16, V(14), V(12), NONE, NONE, 2);
	p.wait_all();
	p.alu(MICA_OP_V_ADD_U32, V(4), V(4), V(13));
	p.alu(MICA_OP_V_XOR_B32, V(5), V(5), V(14));
	p.alu(MICA_OP_V_ADD_U32, V(6), V(6), V(9));
	p.alu(MICA_OP_V_ADD_U32, V(7), V(7), V(3));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(10), S(0), V(4), 1024);  // lanes overlap by 12 bytes
	p.mem(MICA_OP_DS_STORE_B128, NONE, V(12), NONE, V(4), 256);
	p.alu(MICA_OP_S_SUB_U32, S(21), S(21), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(21), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	// Odd lanes off: their addresses point 1 GiB away (unmapped).
	p.alu(MICA_OP_V_AND_B32, V(15), V(0), K(1));
	p.alu(MICA_OP_V_SHL_B32, V(16), V(15), L(30));
	p.alu(MICA_OP_V_ADD_U32, V(16), V(16), V(10));
	p.alu(MICA_OP_V_CMP_EQ_U32, VCC, V(15), K(0));
	p.nop(2);
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(22), VCC);
	p.nop(2);
	for (int rep = 0; rep < 2; rep++) {
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(16), S(0), V(8), 3072);
		p.mem(MICA_OP_GLOBAL_LOAD_B64, V(18), V(16), S(0), NONE, 1024);
		p.mem(MICA_OP_DS_LOAD_B32, V(20), V(12), NONE, NONE, 256);
		p.wait_all();
		p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(10), S(0), V(18), 3072 + 256);
		p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(20), 3072 + 512);
	}
	p.end();
	return p;
}

TEST(CuJit, InlineMemoryEdgeCasesAgreeWithTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint32_t groups = 320; // 20480 invocations: over the tests' hot threshold; 2.5 MiB
	Compared c = run_both(memory_edge_program(), groups, [](Rig &) {});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_NONE) << c.interp.report;
	expect_same(c);
	// The program did write (so equality above is not two untouched buffers).
	EXPECT_NE(c.interp_data[4096 - 40 + 3072 + 512], 0);
}

// A page the TLB holds for reads but that does not grant writes: the loads before hit, the store
// faults with the interpreter's record (address, access, pc, report).
TEST(CuJit, StoreToReadOnlyPageFaultsLikeTheInterpreter)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Asm p;
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_S_MUL_U32, S(20), S(16), K(4));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(20));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(1), V(10), S(0), NONE, 8192);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(2), V(10), S(0), NONE, 8192 + 4);
	p.wait_all();
	p.alu(MICA_OP_V_ADD_U32, V(1), V(1), V(2));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(1));        // writable page
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(1), 4096);  // a second writable page
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(1), 8192);  // the read-only page
	p.end();
	Compared c = run_both(p, 320, [](Rig &rig) {
		rig.mmu.protect(Rig::kCtx, Rig::kData + 8192, 4096, kR);
		for (uint32_t i = 0; i < 1024; i++)
			rig.put<uint32_t>(8192 + 4 * i, i * 7 + 1);
	});
	ASSERT_EQ(c.interp.fault, MICA_FAULT_MMU_PERMISSION) << c.interp.report;
	expect_same(c);
}

// The kernel changes a page-table entry and invalidates while a dispatch runs: accesses that
// start after the invalidation must use the new translation (docs/hw/mmu.md), on both engines,
// although the CU's TLB (and the JIT's inline path in front of it) still holds the old one.
// The test MMU remaps page P from host page A to B, and bumps the context's generation, when the
// dispatch's first wave translates page Q; so the wave's first load of P reads A and its second
// load of P, after the load of Q, must read B.
class RemappingMmu final : public Mmu {
public:
	static constexpr uint64_t kP = Rig::kData + 0x10000, kQ = Rig::kData + 0x20000;
	explicit RemappingMmu(FlatMmu &inner) : inner_(inner)
	{
		for (unsigned i = 0; i < 1024; i++) {
			uint32_t a = 0xa0000000u + i, b = 0xb0000000u + i;
			std::memcpy(page_a_.data() + 4 * i, &a, 4);
			std::memcpy(page_b_.data() + 4 * i, &b, 4);
		}
	}
	uint8_t *translate(uint32_t ctx, uint64_t va, mica_access access, uint32_t *fault) override
	{
		if (va / MICA_PAGE_SIZE == kQ / MICA_PAGE_SIZE && !remapped_) {
			remapped_ = true;
			gen_.fetch_add(1);
		}
		if (va / MICA_PAGE_SIZE == kP / MICA_PAGE_SIZE)
			return (remapped_ ? page_b_.data() : page_a_.data()) + va % MICA_PAGE_SIZE;
		return inner_.translate(ctx, va, access, fault);
	}
	const std::atomic<uint64_t> *generation(uint32_t) const override { return &gen_; }

private:
	FlatMmu &inner_;
	std::array<uint8_t, MICA_PAGE_SIZE> page_a_{}, page_b_{};
	bool remapped_ = false;
	std::atomic<uint64_t> gen_{5};
};

TEST(CuJit, TlbInvalidationDuringADispatchIsSeenByBothEngines)
{
	Asm p;
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.alu(MICA_OP_S_MUL_U32, S(20), S(16), L(256));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(11), V(10), S(20)); // output slot
	p.alu(MICA_OP_V_ADD_U32, V(12), V(10), L(RemappingMmu::kP - Rig::kData));
	p.alu(MICA_OP_V_ADD_U32, V(13), V(10), L(RemappingMmu::kQ - Rig::kData));
	p.alu(MICA_OP_V_ADD_U32, V(14), V(11), L(0x8000));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(1), V(12), S(0), NONE);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(2), V(13), S(0), NONE);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(3), V(12), S(0), NONE);
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(11), S(0), V(1));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(14), S(0), V(3));
	p.end();
	for (CuEngine e : {CuEngine::Interp, CuEngine::Jit}) {
		if (e == CuEngine::Jit && !cu::jit::available())
			continue;
		Rig rig(1, 1, 1u << 20);
		RemappingMmu mmu(rig.mmu);
		rig.engine = make_compute_engine(mmu, 1, 1, e);
		rig.st.wg_size[0] = 64;
		rig.st.groups[0] = 256; // hot enough to be translated
		DispatchResult r = rig.run(p);
		ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
		SCOPED_TRACE(e == CuEngine::Jit ? "jit" : "interp");
		EXPECT_EQ(rig.get<uint32_t>(0), 0xa0000000u);          // before the invalidation
		EXPECT_EQ(rig.get<uint32_t>(0x8000), 0xb0000000u);     // after it, same wave
		EXPECT_EQ(rig.get<uint32_t>(0x8000 + 4 * 63), 0xb000003fu);
		EXPECT_EQ(rig.get<uint32_t>(256 + 4 * 5), 0xb0000005u); // a later workgroup
	}
}

// MICA_CU_JIT_PERF=1 (the test 'sim-cu-jit-perf' runs this one with it, and JITDUMPDIR in the
// build tree): a translation made in this process is named in LLVM's perf dump, which `perf
// inject --jit` reads. The dump directory the listener made is removed afterwards.
TEST(CuJit, PerfListenerNamesTranslationsInTheDump)
{
	const char *on = std::getenv("MICA_CU_JIT_PERF"), *dir = std::getenv("JITDUMPDIR");
	if (!on || std::string(on) != "1" || !dir)
		GTEST_SKIP() << "runs under MICA_CU_JIT_PERF=1 with JITDUMPDIR set (test sim-cu-jit-perf)";
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	const uint64_t before = cu::jit::counters().translations;
	Outcome j = run(CuEngine::Jit, 512);
	ASSERT_EQ(j.r.fault, MICA_FAULT_NONE) << j.r.report;
	ASSERT_GT(cu::jit::counters().translations, before);
	namespace fs = std::filesystem;
	const std::string want = "jit-" + std::to_string(getpid()) + ".dump";
	std::string dump;
	fs::path made;
	for (const auto &e : fs::recursive_directory_iterator(fs::path(dir) / ".debug" / "jit"))
		if (e.path().filename() == want) {
			std::ifstream in(e.path(), std::ios::binary);
			std::stringstream ss;
			ss << in.rdbuf();
			dump = ss.str();
			made = e.path().parent_path();
		}
	ASSERT_FALSE(made.empty()) << "no " << want << " under " << dir << "/.debug/jit";
	EXPECT_NE(dump.find("mica_prog_"), std::string::npos) << "the dump names no translated program";
	std::error_code ec;
	fs::remove_all(made, ec);
}

// The translated code stores only the pipeline-record fields a translated (faithful) dispatch can
// read: not haz and issue, which only make checked mode's violation report (codegen.cpp,
// emit_record). That relies on a wave's launch clearing every record it may inherit, so a checked
// dispatch run on the same compute units after a translated one reports exactly what it would on
// fresh ones: here the translated program leaves guarded records (a long-latency producer read
// too early, in faithful mode: a counted violation) in the registers the checked program then
// reads at once (fresh after launch) and writes and reads too early (its own hazard fault).
TEST(CuJit, CheckedDispatchAfterATranslatedOneReportsOnlyItsOwnHazard)
{
	if (!cu::jit::available())
		GTEST_SKIP() << "no LLVM JIT on this host";
	Asm warm;
	warm.alu(MICA_OP_V_MOV_B32, V(2), K(3));
	warm.nop(4);
	warm.alu(MICA_OP_V_MUL_LO_U32, V(7), V(2), V(2));
	warm.alu(MICA_OP_V_ADD_U32, V(8), V(7), K(1)); // too early: the previous v7, one violation
	warm.alu(MICA_OP_V_MUL_LO_U32, V(9), V(7), V(2)); // leaves v9's record guarded at the end
	warm.end();
	Asm checked;
	checked.alu(MICA_OP_V_ADD_U32, V(10), V(9), V(7)); // fresh after launch: no violation
	checked.alu(MICA_OP_V_MOV_B32, V(2), K(5));
	checked.nop(4);
	checked.alu(MICA_OP_V_MUL_LO_U32, V(9), V(2), V(2));
	checked.nop(0);
	checked.alu(MICA_OP_V_ADD_U32, V(11), V(9), K(1)); // too early: the checked fault
	checked.end();
	DispatchResult after, fresh;
	for (CuEngine e : {CuEngine::Jit, CuEngine::Interp}) {
		Rig rig(2, 1, 1u << 20);
		rig.engine = make_compute_engine(rig.mmu, 2, 1, e);
		rig.st.wg_size[0] = 64;
		if (e == CuEngine::Jit) {
			const uint64_t before = cu::jit::counters().translations + cu::jit::counters().cache_hits;
			rig.st.groups[0] = 512; // 32768 invocations: hot (jit_compare.h)
			DispatchResult w = rig.run(warm);
			ASSERT_EQ(w.fault, MICA_FAULT_NONE) << w.report;
			ASSERT_GE(w.hazard_violations, 2u * 512u) << "a violation in every wave";
			ASSERT_GT(cu::jit::counters().translations + cu::jit::counters().cache_hits, before);
		}
		rig.st.groups[0] = 4;
		rig.st.checked = true;
		(e == CuEngine::Jit ? after : fresh) = rig.run(checked);
	}
	ASSERT_EQ(fresh.fault, MICA_FAULT_HAZARD) << fresh.report;
	EXPECT_EQ(after.fault, fresh.fault);
	EXPECT_EQ(after.fault_pc, fresh.fault_pc);
	EXPECT_EQ(after.fault_info, fresh.fault_info);
	EXPECT_EQ(after.report, fresh.report);
	EXPECT_EQ(after.hazard_violations, fresh.hazard_violations);
	EXPECT_EQ(after.cycles, fresh.cycles);
}

TEST(CuJit, EngineSelection)
{
	EXPECT_EQ(resolve_cu_engine(CuEngine::Interp), CuEngine::Interp);
	EXPECT_EQ(resolve_cu_engine(static_cast<CuEngine>(77)), CuEngine::Interp); // unknown: the reference
	if (cu::jit::available()) {
		EXPECT_EQ(resolve_cu_engine(CuEngine::Jit), CuEngine::Jit);
	}
}

} // namespace
