#version 450
// Every subgroup operation class at once, for the subgroup-size test (subgroup_size_exec_test.cpp,
// run at subgroup sizes 8, 16 and 32). 80 invocations: waves 0 and 1 full, wave 2 half full.
// Part A runs with every invocation of the workgroup; part B only where act[] is set.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_vote : require
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_KHR_shader_subgroup_shuffle_relative : require
#extension GL_KHR_shader_subgroup_clustered : require
#extension GL_KHR_shader_subgroup_quad : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_EXT_shader_subgroup_extended_types_int64 : require
// X is specialization constant 0 (80 unless set): the test also runs 76, where the last
// subgroup of 8 or 16 lanes is partial.
layout(local_size_x = 80, local_size_x_id = 0) in;
layout(set = 0, binding = 0) readonly buffer V { uint v[]; };
layout(set = 0, binding = 1) readonly buffer W { uint w[]; };
layout(set = 0, binding = 2) readonly buffer A { uint act[]; };
layout(set = 0, binding = 3) buffer O { uint o[]; };
const uint SLOTS = 48;

void main()
{
	uint i = gl_GlobalInvocationID.x, b = i * SLOTS;
	uint x = v[i], y = w[i];
	uint64_t x64 = (uint64_t(y) << 32) | x;
	// ---- part A: all invocations ----
	o[b + 0] = gl_SubgroupSize;
	o[b + 1] = gl_SubgroupInvocationID;
	o[b + 2] = gl_SubgroupID;
	o[b + 3] = gl_NumSubgroups;
	o[b + 4] = gl_SubgroupEqMask.x;
	o[b + 5] = gl_SubgroupGeMask.x;
	o[b + 6] = gl_SubgroupGtMask.x;
	o[b + 7] = gl_SubgroupLeMask.x;
	o[b + 8] = gl_SubgroupLtMask.x;
	o[b + 9] = subgroupShuffle(x, y % gl_SubgroupSize);
	o[b + 10] = subgroupShuffleXor(x, 5u);
	o[b + 11] = subgroupShuffleUp(x, 3u);
	o[b + 12] = subgroupShuffleDown(x, 3u);
	o[b + 13] = subgroupBroadcast(x, 2u);
	o[b + 14] = subgroupAdd(x);
	o[b + 15] = subgroupMax(x);
	o[b + 16] = subgroupInclusiveAdd(x);
	o[b + 17] = subgroupExclusiveAdd(x);
	o[b + 18] = subgroupClusteredAdd(x, 4u);
	o[b + 19] = subgroupClusteredMax(x, 8u);
	o[b + 20] = subgroupQuadBroadcast(x, 1u);
	o[b + 21] = subgroupQuadSwapDiagonal(x);
	uint64_t s64 = subgroupInclusiveAdd(x64);
	o[b + 22] = uint(s64);
	o[b + 23] = uint(s64 >> 32);
	uint64_t sh64 = subgroupShuffleXor(x64, 1u);
	o[b + 24] = uint(sh64);
	o[b + 25] = uint(sh64 >> 32);
	o[b + 26] = uint(subgroupMin(x64) >> 16);
	o[b + 27] = uint(subgroupExclusiveMin(x64));
	// ---- part B: divergent ----
	if (act[i] != 0u) {
		bool p = (x & 1u) != 0u;
		uvec4 bal = subgroupBallot(p);
		o[b + 28] = subgroupElect() ? 1u : 0u;
		o[b + 29] = subgroupAll(p) ? 1u : 0u;
		o[b + 30] = subgroupAny(p) ? 1u : 0u;
		o[b + 31] = subgroupAllEqual(min(x >> 28, 1u)) ? 1u : 0u;
		o[b + 32] = bal.x;
		o[b + 33] = subgroupBallotBitCount(bal);
		o[b + 34] = subgroupBallotInclusiveBitCount(bal);
		o[b + 35] = subgroupBallotExclusiveBitCount(bal);
		uvec4 bal2 = subgroupBallot(p || subgroupElect());
		o[b + 36] = subgroupBallotFindLSB(bal2);
		o[b + 37] = subgroupBallotFindMSB(bal2);
		o[b + 38] = subgroupInverseBallot(bal) ? 1u : 0u;
		o[b + 39] = subgroupBallotBitExtract(bal, y % gl_SubgroupSize) ? 1u : 0u;
		o[b + 40] = subgroupBroadcastFirst(x);
		o[b + 41] = subgroupAdd(x);
		o[b + 42] = subgroupInclusiveMax(x);
		o[b + 43] = subgroupExclusiveAdd(x);
		o[b + 44] = subgroupClusteredAdd(x, 4u);
		o[b + 45] = subgroupAnd(x | 0x80000000u);
		o[b + 46] = subgroupAllEqual(float(x >> 30)) ? 1u : 0u;
		o[b + 47] = uint(subgroupInclusiveMul(uint64_t(y % 7u + 1u)) >> 3);
	}
}
