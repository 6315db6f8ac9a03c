// SPDX-License-Identifier: MIT
// The JIT tests' comparison: one program on both engines over identical fresh memory, and every
// result, fault field, counter and data byte compared.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "cu_test_support.h"
#include "jit/jit.h"

namespace mica::sim::cutest {

// The tests' programs are hot at 16K invocations and tier up after 64K (the defaults are higher:
// jit.h); set before main so no dispatch reads the defaults first. An environment that already
// sets them (the differential test: 0) wins.
inline const bool kJitTestThresholds = [] {
	setenv("MICA_CU_JIT_THRESHOLD", "16384", 0);
	setenv("MICA_CU_JIT_TIERUP", "65536", 0);
	return true;
}();

struct Compared {
	DispatchResult interp, jit;
	std::vector<uint8_t> interp_data, jit_data;
};

// Runs 'prog' on both engines over identical fresh memory (hot enough to be translated).
template <class Setup> inline Compared run_both(const Asm &prog, uint32_t groups, Setup &&setup)
{
	Compared c;
	for (CuEngine e : {CuEngine::Interp, CuEngine::Jit}) {
		Rig rig(2, 1, 4u << 20);
		rig.engine = make_compute_engine(rig.mmu, 2, 1, e);
		rig.st.wg_size[0] = 64;
		rig.st.groups[0] = groups;
		rig.st.shared_bytes = 1024;
		setup(rig);
		DispatchResult r = rig.run(prog);
		std::vector<uint8_t> data(rig.data, rig.data + rig.data_bytes);
		(e == CuEngine::Jit ? c.jit : c.interp) = r;
		(e == CuEngine::Jit ? c.jit_data : c.interp_data) = std::move(data);
	}
	return c;
}

// True when programs are translated at level 0 first and at level 1 by the counted tier-up (not
// the differential tests' tier-up at every first dispatch, nor a single forced level).
inline bool tiers_with_counts()
{
	const char *opt = std::getenv("MICA_CU_JIT_OPT"), *wait = std::getenv("MICA_CU_JIT_TIERUP_WAIT");
	return cu::jit::available() && !(opt && *opt) && !(wait && *wait && *wait != '0') &&
	       cu::jit::hot_threshold() > 0 && cu::jit::tierup_threshold() > 0;
}

// Translations made or found in the cache so far (a test's program was translated when this grew).
inline uint64_t translations_so_far() { return cu::jit::counters().translations + cu::jit::counters().cache_hits; }

// Translates 'prog' (64-lane workgroups) at level 0, then at level 1 by a long dispatch that waits
// for the tier-up (the cache then hands run_both's JIT run the level-1 code); with
// 'expect_hazard_free', checks it was proven hazard-free. 'setup' sets what the translation
// depends on besides the code (revision, power profile), as the test's own dispatch does.
inline void translate_at_level1(const Asm &prog, bool expect_hazard_free = true,
                                const std::function<void(Rig &)> &setup = {})
{
	Rig r(2, 1, 4u << 20);
	r.load(prog);
	r.st.wg_size[0] = 64;
	if (setup)
		setup(r);
	r.st.groups[0] = static_cast<uint32_t>(std::max<uint64_t>(cu::jit::tierup_threshold(), cu::jit::hot_threshold()) / 64);
	std::shared_ptr<const cu::jit::Program> p0 = cu::jit::program_for(r.mmu, r.st);
	ASSERT_TRUE(p0);
	if (expect_hazard_free) {
		EXPECT_TRUE(p0->hazard_free());
	}
	cu::jit::program_for(r.mmu, r.st);
	cu::jit::wait_for_tierups();
	ASSERT_EQ(p0->level(), 1u);
}

// The 32-bit word at byte 'off' of the JIT's data region.
inline uint32_t jit_word(const Compared &c, size_t off)
{
	uint32_t v;
	std::memcpy(&v, c.jit_data.data() + off, 4);
	return v;
}

inline void expect_same(const Compared &c)
{
	EXPECT_EQ(c.jit.fault, c.interp.fault);
	EXPECT_EQ(c.jit.fault_addr, c.interp.fault_addr);
	EXPECT_EQ(c.jit.fault_access, c.interp.fault_access);
	EXPECT_EQ(c.jit.fault_pc, c.interp.fault_pc);
	EXPECT_EQ(c.jit.fault_info, c.interp.fault_info);
	EXPECT_EQ(c.jit.report, c.interp.report);
	EXPECT_EQ(c.jit.cycles, c.interp.cycles);
	EXPECT_EQ(c.jit.instructions, c.interp.instructions);
	EXPECT_EQ(c.jit.lane_instructions, c.interp.lane_instructions);
	EXPECT_EQ(c.jit.mem_ops, c.interp.mem_ops);
	EXPECT_EQ(c.jit.stall_cycles, c.interp.stall_cycles);
	EXPECT_EQ(c.jit.hazard_violations, c.interp.hazard_violations);
	ASSERT_EQ(c.jit_data.size(), c.interp_data.size());
	for (size_t i = 0; i < c.jit_data.size(); i++)
		ASSERT_EQ(c.jit_data[i], c.interp_data[i]) << "first difference at data byte " << i;
}

} // namespace mica::sim::cutest
