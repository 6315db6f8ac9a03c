// SPDX-License-Identifier: MIT
// The compiled tree reduction's shape (examples/vulkan/shaders/reduce.comp at -O2), for the
// in-code barrier switch's tests (jit_barrier_switch_test.cpp) and `mica-bench-sim waves reduce`:
// each lane loads one value (under the bounds test) into shared memory, then 8 halving steps
// each end at an s_barrier, and lane 0 adds the workgroup's sum to the total. 256 invocations
// per workgroup: 8 waves and 9 barriers each, so a workgroup crosses 72 barriers.
// User data: s[0:1] the values, s3 their count, s[4:5] the total.
#pragma once

#include "cu_test_support.h"

namespace mica::sim::cutest {

struct ReduceVariant {
	// Before its first load, wave k of a workgroup spins 4k + 1 times around a 3-instruction
	// loop: the waves reach the first barrier at different cycles, the later ones after more
	// than one scheduling quantum.
	bool uneven = false;
	// Wave 2 of a workgroup ends after its first shared store, before the first barrier: the
	// others' rounds go on without it.
	bool wave2_ends_early = false;
};

inline Asm reduce_program(const ReduceVariant &v = {})
{
	Asm p;
	const int loaded = p.label(), step = p.label(), idle = p.label(), done = p.label(), quit = p.label();
	p.nop(3); // SEC_WAVE_START_TLB
	if (v.uneven) {
		const int spin = p.label();
		p.alu(MICA_OP_S_SHL_B32, S(22), S(MICA_ABI_S_WAVE_IN_GROUP), K(2));
		p.alu(MICA_OP_S_ADD_U32, S(22), S(22), K(1));
		p.bind(spin);
		p.alu(MICA_OP_S_SUB_U32, S(22), S(22), K(1));
		p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(22), K(0));
		p.branch(MICA_OP_S_CBRANCH_SCC1, spin);
	}
	p.alu(MICA_OP_S_SHL_B32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(8));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(6), S(20), V(0));
	p.alu(MICA_OP_V_CMP_LT_U32, S(20), V(6), S(3));
	p.alu(MICA_OP_V_MOV_B32, V(7), K(0));
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(20), S(20));
	p.branch(MICA_OP_S_CBRANCH_EXECZ, loaded);
	p.alu(MICA_OP_V_SHL_B32, V(6), V(6), K(2));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(7), V(6), S(0), NONE);
	p.bind(loaded);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(20));
	p.alu(MICA_OP_S_MOV_B32, S(20), L(0x80));
	p.alu(MICA_OP_V_SHL_B32, V(6), V(0), K(2));
	p.wait_all();
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(6), NONE, V(7));
	if (v.wave2_ends_early) {
		p.alu(MICA_OP_S_CMP_EQ_U32, NONE, S(MICA_ABI_S_WAVE_IN_GROUP), K(2));
		p.branch(MICA_OP_S_CBRANCH_SCC1, quit);
	}
	p.ctrl(MICA_OP_S_FENCE, MICA_SCOPE_WORKGROUP);
	p.ctrl(MICA_OP_S_BARRIER);
	p.bind(step);
	p.alu(MICA_OP_V_CMP_LT_U32, S(21), V(0), S(20));
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(21), S(21));
	p.branch(MICA_OP_S_CBRANCH_EXECZ, idle);
	p.alu(MICA_OP_V_ADD_U32, V(7), V(0), S(20));
	p.nop(0);
	p.alu(MICA_OP_V_SHL_B32, V(7), V(7), K(2));
	p.nop(0);
	p.mem(MICA_OP_DS_LOAD_B32, V(7), V(7), NONE, NONE);
	p.mem(MICA_OP_DS_LOAD_B32, V(8), V(6), NONE, NONE);
	p.wait_all();
	p.alu(MICA_OP_V_ADD_U32, V(7), V(8), V(7));
	p.nop(0);
	p.mem(MICA_OP_DS_STORE_B32, NONE, V(6), NONE, V(7));
	p.ctrl(MICA_OP_S_FENCE, MICA_SCOPE_WORKGROUP);
	p.bind(idle);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(21));
	p.ctrl(MICA_OP_S_BARRIER);
	p.alu(MICA_OP_S_SHR_U32, S(20), S(20), K(1));
	p.branch(MICA_OP_S_CBRANCH_SCC1, step);
	p.alu(MICA_OP_V_CMP_EQ_U32, S(20), V(0), K(0));
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(20), S(20));
	p.branch(MICA_OP_S_CBRANCH_EXECZ, done);
	p.alu(MICA_OP_V_MOV_B32, V(6), K(0));
	p.nop(0);
	p.mem(MICA_OP_DS_LOAD_B32, V(6), V(6), NONE, NONE);
	p.alu(MICA_OP_V_MOV_B32, V(7), K(0));
	p.wait_all();
	p.mem(MICA_OP_GLOBAL_ATOMIC_ADD_U32, NONE, V(7), S(4), V(6));
	p.bind(done);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(20));
	p.end();
	p.bind(quit);
	p.end();
	return p;
}

} // namespace mica::sim::cutest
