// SPDX-License-Identifier: MIT
// Per-instruction semantics: a table of ALU cases (with the edge cases docs/hw/isa.md defines),
// each run as a real program through the engine, plus a check that the table and the other
// tests execute every ALU opcode of mica_op_table.
#include <bit>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <vector>

#include "cu_engine.h"
#include "cu_test_support.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

uint64_t fb(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t db(double d) { return std::bit_cast<uint64_t>(d); }
const uint64_t kNaN32 = 0x7fc00000u;
const uint64_t kNaN64 = 0x7ff8000000000000ull;
const uint64_t kNaN16 = 0x7e00u;
constexpr int kNoScc = -1;

struct Case {
	unsigned op;
	uint64_t a, b, c;
	uint64_t expect;
	unsigned lane = 0;  // lane whose result is checked
	int scc = kNoScc;   // expected SCC after a scalar op, if checked
};

// Runs one case: sources are loaded into v10/v12/v14 (or s10/s12/s14 for scalar kinds, v[10:11]
// etc. for 64-bit kinds; a cross-lane source holds a + lane), the result is stored per lane.
uint64_t run_case(Rig &rig, const Case &c, uint32_t *scc_out)
{
	const mica_op_info *info = mica_op_lookup(c.op);
	Asm p;
	const uint64_t vals[4] = {0, c.a, c.b, c.c};
	Opnd src[4] = {NONE, NONE, NONE, NONE};
	for (unsigned col = 1; col < 4; col++) {
		unsigned kind = info->kind[col];
		unsigned reg = 8 + 2 * col; // 10, 12, 14
		uint64_t v = vals[col];
		switch (kind) {
		case MICA_KIND_UNUSED: break;
		case MICA_KIND_V32: p.alu(MICA_OP_V_MOV_B32, V(reg), L(v & 0xffffffffu)); src[col] = V(reg); break;
		case MICA_KIND_VR32: p.alu(MICA_OP_V_ADD_U32, V(reg), L(v & 0xffffffffu), LANE); src[col] = V(reg); break;
		case MICA_KIND_V64: p.alu(MICA_OP_V_MOV_B64, V(reg), L(v)); src[col] = V(reg); break;
		case MICA_KIND_S64: p.alu(MICA_OP_S_MOV_B64, S(reg), L(v)); src[col] = S(reg); break;
		default: p.alu(MICA_OP_S_MOV_B32, S(reg), L(v & 0xffffffffu)); src[col] = S(reg); break;
		}
	}
	p.nop(2);
	const unsigned dkind = info->kind[0];
	const bool vdst = dkind == MICA_KIND_VD || dkind == MICA_KIND_VD64;
	Opnd dst = dkind == MICA_KIND_UNUSED ? NONE : vdst ? V(20) : S(40);
	p.alu(c.op, dst, src[1], src[2], src[3]);
	p.nop(20);
	if (!vdst) {
		p.alu(MICA_OP_V_MOV_B32, V(20), S(40));
		p.alu(MICA_OP_V_MOV_B32, V(21), dkind == MICA_KIND_SD64 ? S(41) : K(0));
	}
	p.alu(MICA_OP_V_MOV_B32, V(22), SCC);
	p.alu(MICA_OP_V_MOV_B32, V(23), K(0));
	// The stores use EXEC as the op left it (s_and_saveexec changes it).
	p.alu(MICA_OP_V_SHL_B32, V(32), LANE, K(4));
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(32), S(0), V(20));
	p.end();
	std::memset(rig.data, 0, 32 * 16);
	DispatchResult r = rig.run(p);
	EXPECT_EQ(r.fault, MICA_FAULT_NONE) << info->name << ": " << r.report;
	EXPECT_EQ(r.hazard_violations, 0u) << info->name;
	*scc_out = rig.get<uint32_t>(c.lane * 16 + 8);
	uint64_t v = rig.get<uint64_t>(c.lane * 16);
	if (dkind != MICA_KIND_VD64 && dkind != MICA_KIND_SD64)
		v &= 0xffffffffu;
	return v;
}

#define OP(x) MICA_OP_##x

std::vector<Case> alu_cases()
{
	const uint64_t m1 = 0xffffffffu, imin = 0x80000000u;
	std::vector<Case> t = {
		// ---- scalar ALU
		{OP(S_MOV_B32), 0x12345678, 0, 0, 0x12345678},
		{OP(S_MOV_B64), 0x123456789abcdef0ull, 0, 0, 0x123456789abcdef0ull},
		{OP(S_ADD_U32), m1, 2, 0, 1, 0, 1},
		{OP(S_ADD_U32), 1, 2, 0, 3, 0, 0},
		{OP(S_SUB_U32), 1, 2, 0, m1, 0, 1},
		{OP(S_SUB_U32), 2, 1, 0, 1, 0, 0},
		{OP(S_MUL_U32), 0x10000, 0x10001, 0, 0x10000},
		{OP(S_AND_B32), 0xf0f0, 0xff00, 0, 0xf000, 0, 1},
		{OP(S_OR_B32), 0xf0, 0x0f, 0, 0xff, 0, 1},
		{OP(S_XOR_B32), 0xff, 0xff, 0, 0, 0, 0},
		{OP(S_ANDN2_B32), 0xff, 0x0f, 0, 0xf0, 0, 1},
		{OP(S_ORN2_B32), 0, 0xffff0000u, 0, 0xffff, 0, 1},
		{OP(S_NOT_B32), 0, 0, 0, m1, 0, 1},
		{OP(S_SHL_B32), 1, 33, 0, 2, 0, 1},
		{OP(S_SHR_U32), imin, 31, 0, 1, 0, 1},
		{OP(S_SHR_I32), imin, 4, 0, 0xf8000000u, 0, 1},
		{OP(S_MIN_I32), m1, 1, 0, m1},
		{OP(S_MAX_I32), m1, 1, 0, 1},
		{OP(S_MIN_U32), m1, 1, 0, 1},
		{OP(S_MAX_U32), m1, 1, 0, m1},
		{OP(S_BCNT1_B32), 0xf0f0, 0, 0, 8, 0, 1},
		{OP(S_FF1_B32), 0x80, 0, 0, 7},
		{OP(S_FF1_B32), 0, 0, 0, m1},
		{OP(S_FLBIT_B32), 0x10000, 0, 0, 15},
		{OP(S_FLBIT_B32), 0, 0, 0, m1},
		{OP(S_CSELECT_B32), 1, 2, 0, 2},  // SCC is 0 at launch
		{OP(S_CSELECT_B64), 0x100000001ull, 0x200000002ull, 0, 0x200000002ull},
		{OP(S_ADD_U64), m1, 1, 0, 0x100000000ull},
		{OP(S_AND_SAVEEXEC_B32), 0x0000ffff, 0, 0, m1, 0, 1},
		{OP(S_BFE_U32), 0x12345678, 8, 8, 0x56},
		{OP(S_MUL_U64), 0x100000001ull, 3, 0, 0x300000003ull},
		{OP(S_CMP_EQ_U32), 5, 5, 0, 0, 0, 1},
		{OP(S_CMP_NE_U32), 5, 5, 0, 0, 0, 0},
		{OP(S_CMP_LT_I32), m1, 0, 0, 0, 0, 1},
		{OP(S_CMP_LE_I32), 0, 0, 0, 0, 0, 1},
		{OP(S_CMP_GT_I32), m1, 0, 0, 0, 0, 0},
		{OP(S_CMP_GE_I32), 0, m1, 0, 0, 0, 1},
		{OP(S_CMP_LT_U32), m1, 0, 0, 0, 0, 0},
		{OP(S_CMP_LE_U32), 1, 1, 0, 0, 0, 1},
		{OP(S_CMP_GT_U32), m1, 0, 0, 0, 0, 1},
		{OP(S_CMP_GE_U32), 0, 1, 0, 0, 0, 0},
		{OP(S_CMP_EQ_U64), 0x100000000ull, 0, 0, 0, 0, 0},
		{OP(S_CMP_NE_U64), 0x100000000ull, 0, 0, 0, 0, 1},
		// ---- vector integer
		{OP(V_MOV_B32), 7, 0, 0, 7},
		{OP(V_MOV_B64), 0x1122334455667788ull, 0, 0, 0x1122334455667788ull},
		{OP(V_ADD_U32), m1, 1, 0, 0},
		{OP(V_SUB_U32), 0, 1, 0, m1},
		{OP(V_MUL_LO_U32), 0x10001, 0x10001, 0, 0x20001},
		{OP(V_MUL_HI_U32), m1, m1, 0, 0xfffffffeu},
		{OP(V_MUL_HI_I32), imin, 2, 0, m1},
		{OP(V_MAD_U32), 3, 4, 5, 17},
		{OP(V_DIV_U32), 7, 2, 0, 3},
		{OP(V_DIV_U32), 7, 0, 0, m1},
		{OP(V_DIV_I32), static_cast<uint32_t>(-7), 2, 0, static_cast<uint32_t>(-3)},
		{OP(V_DIV_I32), imin, m1, 0, imin},
		{OP(V_DIV_I32), 5, 0, 0, m1},
		{OP(V_REM_U32), 7, 3, 0, 1},
		{OP(V_REM_U32), 7, 0, 0, 7},
		{OP(V_REM_I32), static_cast<uint32_t>(-7), 2, 0, m1},
		{OP(V_REM_I32), imin, m1, 0, 0},
		{OP(V_REM_I32), 5, 0, 0, 5},
		{OP(V_MIN_I32), m1, 1, 0, m1},
		{OP(V_MAX_I32), m1, 1, 0, 1},
		{OP(V_MIN_U32), m1, 1, 0, 1},
		{OP(V_MAX_U32), m1, 1, 0, m1},
		{OP(V_AND_B32), 0xf0f0, 0xff00, 0, 0xf000},
		{OP(V_OR_B32), 0xf0, 0x0f, 0, 0xff},
		{OP(V_XOR_B32), 0xff, 0x0f, 0, 0xf0},
		{OP(V_NOT_B32), 0, 0, 0, m1},
		{OP(V_SHL_B32), 1, 35, 0, 8},
		{OP(V_SHR_U32), imin, 63, 0, 1},
		{OP(V_SHR_I32), imin, 1, 0, 0xc0000000u},
		{OP(V_BCNT_U32), m1, 0, 0, 32},
		{OP(V_CLZ_U32), 0, 0, 0, 32},
		{OP(V_CLZ_U32), 1, 0, 0, 31},
		{OP(V_CTZ_U32), 0, 0, 0, 32},
		{OP(V_CTZ_U32), 0x100, 0, 0, 8},
		{OP(V_BREV_B32), 1, 0, 0, imin},
		{OP(V_BFE_U32), 0x12345678, 4, 8, 0x67},
		{OP(V_BFE_U32), 0xf0000000u, 28, 8, 0xf},
		{OP(V_BFE_U32), 0x12345678, 4, 0, 0},
		{OP(V_BFE_U32), 0x12345678, 36, 8, 0x67}, // offset taken mod 32
		{OP(V_BFE_I32), 0xf00, 8, 4, m1},
		{OP(V_BFE_I32), 0x700, 8, 4, 7},
		{OP(V_BFE_I32), imin, 31, 5, m1},
		{OP(V_BFM_B32), 4, 8, 0, 0xf00},
		{OP(V_BFM_B32), 0, 3, 0, 0},
		{OP(V_BFI_B32), 0xff00, 0x1234, 0xabcd, 0x12cd},
		{OP(V_CNDMASK_B32), 1, 2, 0x5, 2, 0},
		{OP(V_CNDMASK_B32), 1, 2, 0x5, 1, 1},
		{OP(V_CNDMASK_B64), 0x100000001ull, 0x200000002ull, 0x2, 0x200000002ull, 1},
		{OP(V_MBCNT_B32), 0xff, 0, 0, 5, 5},
		{OP(V_MBCNT_B32), 0xff, 0, 0, 8, 31},
		{OP(V_MBCNT_B32), m1, 0, 0, 0, 0},
		{OP(V_ADD_U64), m1, 1, 0, 0x100000000ull},
		{OP(V_SUB_U64), 0, 1, 0, ~0ull},
		{OP(V_MUL_LO_U64), 0x100000001ull, 0x100000001ull, 0, 0x200000001ull},
		{OP(V_SHL_B64), 1, 63, 0, 0x8000000000000000ull},
		{OP(V_SHL_B64), 1, 64, 0, 1},
		{OP(V_SHR_U64), 0x8000000000000000ull, 63, 0, 1},
		{OP(V_SHR_I64), 0x8000000000000000ull, 63, 0, ~0ull},
		{OP(V_MIN_I64), ~0ull, 1, 0, ~0ull},
		{OP(V_MAX_I64), ~0ull, 1, 0, 1},
		{OP(V_MIN_U64), ~0ull, 1, 0, 1},
		{OP(V_MAX_U64), ~0ull, 1, 0, ~0ull},
		{OP(V_AND_B64), 0xff000000ff00ull, 0xf0000000f000ull, 0, 0xf0000000f000ull},
		{OP(V_OR_B64), 0xff00000000000000ull, 0xff, 0, 0xff000000000000ffull},
		{OP(V_XOR_B64), ~0ull, 0xff, 0, ~0xffull},
		{OP(V_MUL_HI_U64), ~0ull, ~0ull, 0, 0xfffffffffffffffeull},
		{OP(V_MUL_HI_I64), 0x8000000000000000ull, 2, 0, ~0ull},
		{OP(V_MUL_HI_I64), ~0ull, ~0ull, 0, 0},
		// ---- f32
		{OP(V_ADD_F32), fb(1.5f), fb(2.25f), 0, fb(3.75f)},
		{OP(V_ADD_F32), 1, 1, 0, 2},  // denormals are preserved (2^-149 + 2^-149)
		{OP(V_SUB_F32), fb(1.0f), fb(2.5f), 0, fb(-1.5f)},
		{OP(V_MUL_F32), fb(3.0f), fb(-0.5f), 0, fb(-1.5f)},
		{OP(V_MUL_F32), fb(1e-30f), fb(1e-30f), 0, 0}, // underflow to +0
		{OP(V_MUL_F32), fb(1e-20f), fb(1e-20f), 0, fb(1e-20f * 1e-20f)}, // denormal result kept
		{OP(V_FMA_F32), fb(2.0f), fb(3.0f), fb(1.0f), fb(7.0f)},
		// fused: (1+2^-23)(1-2^-23) - 1 = -2^-46 exactly (a separate multiply would give 0)
		{OP(V_FMA_F32), fb(1.0f + 0x1p-23f), fb(1.0f - 0x1p-23f), fb(-1.0f), fb(-0x1p-46f)},
		{OP(V_MIN_F32), kNaN32, fb(1.0f), 0, fb(1.0f)},
		{OP(V_MIN_F32), fb(-0.0f), fb(0.0f), 0, fb(-0.0f)},
		{OP(V_MIN_F32), fb(2.0f), fb(-3.0f), 0, fb(-3.0f)},
		{OP(V_MAX_F32), fb(1.0f), kNaN32, 0, fb(1.0f)},
		{OP(V_MAX_F32), fb(-0.0f), fb(0.0f), 0, fb(0.0f)},
		{OP(V_MAX_F32), kNaN32, kNaN32, 0, kNaN32},
		{OP(V_FLOOR_F32), fb(-1.5f), 0, 0, fb(-2.0f)},
		{OP(V_CEIL_F32), fb(-1.5f), 0, 0, fb(-1.0f)},
		{OP(V_TRUNC_F32), fb(-1.7f), 0, 0, fb(-1.0f)},
		{OP(V_RNDNE_F32), fb(2.5f), 0, 0, fb(2.0f)},
		{OP(V_RNDNE_F32), fb(3.5f), 0, 0, fb(4.0f)},
		{OP(V_FRACT_F32), fb(-0.25f), 0, 0, fb(0.75f)},
		{OP(V_FRACT_F32), fb(-1e-30f), 0, 0, fb(std::nextafter(1.0f, 0.0f))},
		{OP(V_LDEXP_F32), fb(1.5f), 3, 0, fb(12.0f)},
		{OP(V_LDEXP_F32), fb(1.0f), static_cast<uint32_t>(-149), 0, 1},
		{OP(V_RCP_F32), fb(4.0f), 0, 0, fb(0.25f)},
		{OP(V_RCP_F32), fb(0.0f), 0, 0, fb(INFINITY)},
		{OP(V_RSQ_F32), fb(4.0f), 0, 0, fb(0.5f)},
		{OP(V_SQRT_F32), fb(2.0f), 0, 0, fb(std::sqrt(2.0f))},
		{OP(V_SQRT_F32), fb(-1.0f), 0, 0, fb(-std::numeric_limits<float>::quiet_NaN())},
		{OP(V_EXP2_F32), fb(3.0f), 0, 0, fb(8.0f)},
		{OP(V_LOG2_F32), fb(8.0f), 0, 0, fb(3.0f)},
		{OP(V_SIN_F32), fb(0.0f), 0, 0, fb(0.0f)},
		{OP(V_COS_F32), fb(0.0f), 0, 0, fb(1.0f)},
		// ---- f64
		{OP(V_RCP_F64), db(4.0), 0, 0, db(0.25)},
		{OP(V_SQRT_F64), db(2.0), 0, 0, db(std::sqrt(2.0))},
		{OP(V_RSQ_F64), db(16.0), 0, 0, db(0.25)},
		{OP(V_ADD_F64), db(0.1), db(0.2), 0, db(0.1 + 0.2)},
		{OP(V_SUB_F64), db(1.0), db(0.25), 0, db(0.75)},
		{OP(V_MUL_F64), db(1.5), db(-2.0), 0, db(-3.0)},
		{OP(V_FMA_F64), db(1.0 + 0x1p-52), db(1.0 - 0x1p-52), db(-1.0), db(-0x1p-104)},
		{OP(V_MIN_F64), kNaN64, db(1.0), 0, db(1.0)},
		{OP(V_MAX_F64), db(-1.0), kNaN64, 0, db(-1.0)},
		{OP(V_FLOOR_F64), db(-0.5), 0, 0, db(-1.0)},
		{OP(V_CEIL_F64), db(0.5), 0, 0, db(1.0)},
		{OP(V_TRUNC_F64), db(-2.7), 0, 0, db(-2.0)},
		{OP(V_RNDNE_F64), db(-2.5), 0, 0, db(-2.0)},
		{OP(V_FRACT_F64), db(1.25), 0, 0, db(0.25)},
		{OP(V_ADD_F64), 1, 1, 0, 2}, // denormal
		// ---- f16 (low 16 bits; the high half of the result is zero)
		{OP(V_ADD_F16), 0x3c00, 0x4000, 0, 0x4200},
		{OP(V_ADD_F16), 0xffff3c00u, 0x4000, 0, 0x4200}, // high source bits are ignored
		{OP(V_ADD_F16), 0x6800, 0x3c00, 0, 0x6800},      // 2048 + 1 ties to even
		{OP(V_ADD_F16), 0x7bff, 0x7bff, 0, 0x7c00},      // overflow to +inf
		{OP(V_SUB_F16), 0x3c00, 0x4000, 0, 0xbc00},
		{OP(V_MUL_F16), 0x4000, 0x4200, 0, 0x4600},
		{OP(V_MUL_F16), 0x0001, 0x3800, 0, 0x0000},      // 2^-25 ties to even (0)
		{OP(V_FMA_F16), 0x4000, 0x4200, 0x3c00, 0x4700},
		{OP(V_MIN_F16), kNaN16, 0x3c00, 0, 0x3c00},
		{OP(V_MAX_F16), 0x3c00, 0xbc00, 0, 0x3c00},
		// ---- conversions
		{OP(V_CVT_F32_I32), m1, 0, 0, fb(-1.0f)},
		{OP(V_CVT_F32_U32), m1, 0, 0, fb(4294967296.0f)},
		{OP(V_CVT_I32_F32), kNaN32, 0, 0, 0},
		{OP(V_CVT_I32_F32), fb(3e9f), 0, 0, 0x7fffffffu},
		{OP(V_CVT_I32_F32), fb(-3e9f), 0, 0, imin},
		{OP(V_CVT_I32_F32), fb(-1.9f), 0, 0, m1},
		{OP(V_CVT_U32_F32), fb(-1.0f), 0, 0, 0},
		{OP(V_CVT_U32_F32), fb(5e9f), 0, 0, m1},
		{OP(V_CVT_U32_F32), fb(7.9f), 0, 0, 7},
		{OP(V_CVT_F16_F32), fb(1.0f), 0, 0, 0x3c00},
		{OP(V_CVT_F16_F32), fb(65520.0f), 0, 0, 0x7c00},
		{OP(V_CVT_F16_F32), fb(65519.0f), 0, 0, 0x7bff},
		{OP(V_CVT_F16_F32), fb(0x1p-24f), 0, 0, 0x0001},
		{OP(V_CVT_F16_F32), fb(-0x1p-26f), 0, 0, 0x8000},
		{OP(V_CVT_F16_F32), fb(1.0f + 0x1p-11f), 0, 0, 0x3c00}, // tie to even
		{OP(V_CVT_F16_F32), fb(1.0f + 0x1p-11f + 0x1p-20f), 0, 0, 0x3c01},
		{OP(V_CVT_F32_F16), 0x3c00, 0, 0, fb(1.0f)},
		{OP(V_CVT_F32_F16), 0x0001, 0, 0, fb(0x1p-24f)},
		{OP(V_CVT_F32_F16), 0xfc00, 0, 0, fb(-INFINITY)},
		{OP(V_CVT_F64_F32), fb(1.5f), 0, 0, db(1.5)},
		{OP(V_CVT_F32_F64), db(1.0 + 0x1p-24), 0, 0, fb(1.0f)},
		{OP(V_CVT_F32_F64), db(1e300), 0, 0, fb(INFINITY)},
		{OP(V_CVT_F64_I32), m1, 0, 0, db(-1.0)},
		{OP(V_CVT_F64_U32), m1, 0, 0, db(4294967295.0)},
		{OP(V_CVT_I32_F64), kNaN64, 0, 0, 0},
		{OP(V_CVT_I32_F64), db(1e10), 0, 0, 0x7fffffffu},
		{OP(V_CVT_U32_F64), db(-5.0), 0, 0, 0},
		{OP(V_CVT_U32_F64), db(4294967295.5), 0, 0, m1},
		{OP(V_CVT_F64_I64), static_cast<uint64_t>(-5ll), 0, 0, db(-5.0)},
		{OP(V_CVT_F64_U64), ~0ull, 0, 0, db(18446744073709551616.0)},
		{OP(V_CVT_I64_F64), db(1e19), 0, 0, 0x7fffffffffffffffull},
		{OP(V_CVT_I64_F64), db(-2.5), 0, 0, static_cast<uint64_t>(-2ll)},
		{OP(V_CVT_U64_F64), db(-1.0), 0, 0, 0},
		{OP(V_CVT_U64_F64), kNaN64, 0, 0, 0},
		{OP(V_CVT_F32_I64), static_cast<uint64_t>(-3ll), 0, 0, fb(-3.0f)},
		{OP(V_CVT_F32_U64), ~0ull, 0, 0, fb(18446744073709551616.0f)},
		{OP(V_CVT_I64_F32), fb(-2.5f), 0, 0, static_cast<uint64_t>(-2ll)},
		{OP(V_CVT_U64_F32), fb(1e20f), 0, 0, ~0ull},
		// ---- cross-lane (a cross-lane source holds a + lane)
		{OP(V_READLANE_B32), 100, 7, 0, 107},
		{OP(V_READLANE_B32), 100, 39, 0, 107}, // lane index mod 32
		{OP(V_READFIRSTLANE_B32), 100, 0, 0, 100},
		{OP(V_WRITELANE_B32), 99, 3, 0, 99, 3},
		{OP(V_WRITELANE_B32), 99, 3, 0, 0, 4},
		{OP(V_SHFL_B32), 100, 5, 0, 105, 0},
		{OP(V_SHFL_B32), 100, 37, 0, 105, 9},
		{OP(V_SHFL_XOR_B32), 100, 1, 0, 101, 0},
		{OP(V_SHFL_XOR_B32), 100, 1, 0, 106, 7},
		{OP(V_SHFL_UP_B32), 100, 1, 0, 100, 0}, // out of range: own value
		{OP(V_SHFL_UP_B32), 100, 1, 0, 104, 5},
		{OP(V_SHFL_UP_B32), 100, 40, 0, 131, 31},
		{OP(V_SHFL_DOWN_B32), 100, 1, 0, 101, 0},
		{OP(V_SHFL_DOWN_B32), 100, 1, 0, 131, 31},
	};
	// Float compares: (1, 2) and (1, NaN) distinguish every predicate.
	struct FC {
		unsigned op16, op32, op64;
		bool lt, unord; // result for (1,2) and for (1,NaN)
	};
	const FC fcs[] = {
		{OP(V_CMP_EQ_F16), OP(V_CMP_EQ_F32), OP(V_CMP_EQ_F64), false, false},
		{OP(V_CMP_LG_F16), OP(V_CMP_LG_F32), OP(V_CMP_LG_F64), true, false},
		{OP(V_CMP_LT_F16), OP(V_CMP_LT_F32), OP(V_CMP_LT_F64), true, false},
		{OP(V_CMP_LE_F16), OP(V_CMP_LE_F32), OP(V_CMP_LE_F64), true, false},
		{OP(V_CMP_GT_F16), OP(V_CMP_GT_F32), OP(V_CMP_GT_F64), false, false},
		{OP(V_CMP_GE_F16), OP(V_CMP_GE_F32), OP(V_CMP_GE_F64), false, false},
		{OP(V_CMP_O_F16), OP(V_CMP_O_F32), OP(V_CMP_O_F64), true, false},
		{OP(V_CMP_U_F16), OP(V_CMP_U_F32), OP(V_CMP_U_F64), false, true},
		{OP(V_CMP_NLG_F16), OP(V_CMP_NLG_F32), OP(V_CMP_NLG_F64), false, true},
		{OP(V_CMP_NEQ_F16), OP(V_CMP_NEQ_F32), OP(V_CMP_NEQ_F64), true, true},
		{OP(V_CMP_NGE_F16), OP(V_CMP_NGE_F32), OP(V_CMP_NGE_F64), true, true},
		{OP(V_CMP_NGT_F16), OP(V_CMP_NGT_F32), OP(V_CMP_NGT_F64), true, true},
		{OP(V_CMP_NLE_F16), OP(V_CMP_NLE_F32), OP(V_CMP_NLE_F64), false, true},
		{OP(V_CMP_NLT_F16), OP(V_CMP_NLT_F32), OP(V_CMP_NLT_F64), false, true},
	};
	const uint64_t all = 0xffffffffu;
	for (const FC &f : fcs) {
		t.push_back({f.op16, 0x3c00, 0x4000, 0, f.lt ? all : 0});
		t.push_back({f.op16, 0x3c00, kNaN16, 0, f.unord ? all : 0});
		t.push_back({f.op32, fb(1.0f), fb(2.0f), 0, f.lt ? all : 0});
		t.push_back({f.op32, fb(1.0f), kNaN32, 0, f.unord ? all : 0});
		t.push_back({f.op64, db(1.0), db(2.0), 0, f.lt ? all : 0});
		t.push_back({f.op64, db(1.0), kNaN64, 0, f.unord ? all : 0});
	}
	// Integer compares: (-1, 1) signed is "less", unsigned is "greater".
	struct IC {
		unsigned i32, u32, i64, u64;
		bool less, greater; // result when a < b, when a > b
		bool equal;
	};
	const IC ics[] = {
		{OP(V_CMP_EQ_I32), OP(V_CMP_EQ_U32), OP(V_CMP_EQ_I64), OP(V_CMP_EQ_U64), false, false, true},
		{OP(V_CMP_NE_I32), OP(V_CMP_NE_U32), OP(V_CMP_NE_I64), OP(V_CMP_NE_U64), true, true, false},
		{OP(V_CMP_LT_I32), OP(V_CMP_LT_U32), OP(V_CMP_LT_I64), OP(V_CMP_LT_U64), true, false, false},
		{OP(V_CMP_LE_I32), OP(V_CMP_LE_U32), OP(V_CMP_LE_I64), OP(V_CMP_LE_U64), true, false, true},
		{OP(V_CMP_GT_I32), OP(V_CMP_GT_U32), OP(V_CMP_GT_I64), OP(V_CMP_GT_U64), false, true, false},
		{OP(V_CMP_GE_I32), OP(V_CMP_GE_U32), OP(V_CMP_GE_I64), OP(V_CMP_GE_U64), false, true, true},
	};
	for (const IC &c : ics) {
		t.push_back({c.i32, m1, 1, 0, c.less ? all : 0});
		t.push_back({c.u32, m1, 1, 0, c.greater ? all : 0});
		t.push_back({c.i32, 7, 7, 0, c.equal ? all : 0});
		t.push_back({c.i64, ~0ull, 1, 0, c.less ? all : 0});
		t.push_back({c.u64, ~0ull, 1, 0, c.greater ? all : 0});
		t.push_back({c.u64, 1ull << 40, 1ull << 40, 0, c.equal ? all : 0});
	}
	return t;
}

std::string hex(uint64_t v)
{
	char b[24];
	std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
	return b;
}

} // namespace

TEST(CuSemantics, AluTable)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = 32;
	for (const Case &c : alu_cases()) {
		uint32_t scc = 0;
		uint64_t got = run_case(rig, c, &scc);
		const char *name = mica_op_lookup(c.op)->name;
		EXPECT_EQ(hex(got), hex(c.expect)) << name << " a=" << hex(c.a) << " b=" << hex(c.b)
		                                   << " c=" << hex(c.c) << " lane " << c.lane;
		if (c.scc != kNoScc) {
			EXPECT_EQ(scc, static_cast<uint32_t>(c.scc)) << name << " SCC";
		}
	}
}

// Every ALU-format opcode has at least one case in the table, and the engine really executed
// each of them (its own record of executed opcodes, not the table's).
TEST(CuSemantics, TableCoversEveryAluOpcode)
{
	Rig rig(1, 1);
	rig.st.wg_size[0] = 32;
	std::vector<bool> in_table(MICA_OPCODE_SPACE, false);
	for (const Case &c : alu_cases()) {
		uint32_t scc;
		run_case(rig, c, &scc);
		in_table[c.op] = true;
	}
	auto executed = mica::sim::cu::executed_opcodes(*rig.engine);
	unsigned alu_ops = 0;
	for (unsigned i = 0; i < MICA_OP_COUNT; i++) {
		const mica_op_info &op = mica_op_table[i];
		if (op.format != MICA_FMT_ALU)
			continue;
		alu_ops++;
		EXPECT_TRUE(in_table[op.opcode]) << op.name << " has no semantics case";
		EXPECT_TRUE(executed[op.opcode]) << op.name << " was not executed";
	}
	EXPECT_GT(alu_ops, 200u);
}

// Inline constants take the instruction's float format; integer constants are bit patterns.
TEST(CuSemantics, InlineConstantsFollowOperandFormat)
{
	Rig rig(1, 1);
	Asm p;
	p.alu(MICA_OP_V_ADD_F32, V(20), K(1), L(0x3f800000));      // int 1 is the bit pattern 1 (denormal)
	p.alu(MICA_OP_V_ADD_F32, V(21), Opnd{MICA_OPND_FLOAT_FIRST + 2, 0}, LF(0.5f)); // 1.0 + 0.5
	p.alu(MICA_OP_V_ADD_F16, V(22), Opnd{MICA_OPND_FLOAT_FIRST + 4, 0}, K(0));       // 2.0 as f16
	p.alu(MICA_OP_V_ADD_F64, V(24), Opnd{MICA_OPND_FLOAT_FIRST + 6, 0}, K(0));       // 4.0 as f64
	p.alu(MICA_OP_V_MOV_B32, V(26), K(-16));
	p.nop(8);
	p.alu(MICA_OP_V_MOV_B32, V(32), K(0));
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(32), S(0), V(20));
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(32), S(0), V(24), 16);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(32), S(0), V(26), 24);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(rig.get<uint32_t>(0), 0x3f800000u); // 1.0 + denormal rounds to 1.0
	EXPECT_EQ(rig.get<float>(4), 1.5f);
	EXPECT_EQ(rig.get<uint32_t>(8), 0x4000u);
	EXPECT_EQ(rig.get<double>(16), 4.0);
	EXPECT_EQ(rig.get<int32_t>(24), -16);
}

// Cross-lane reads see inactive lanes' registers as they are; only active lanes are written;
// v_writelane ignores EXEC; readfirstlane takes the lowest active lane.
TEST(CuSemantics, SubgroupOpsWithPartialExec)
{
	Rig rig(1, 1);
	Asm p;
	p.alu(MICA_OP_V_ADD_U32, V(5), LANE, L(100));    // v5 = 100 + lane in every lane
	p.alu(MICA_OP_V_MOV_B32, V(8), L(0xdead));
	p.alu(MICA_OP_V_MOV_B32, V(9), L(0xdead));
	p.alu(MICA_OP_V_MOV_B32, V(10), L(0xdead));
	p.alu(MICA_OP_S_MOV_B32, EXEC, L(0x0000fff0));    // lanes 4..15
	p.nop(1);
	p.alu(MICA_OP_V_SHFL_DOWN_B32, V(8), V(5), K(16)); // lanes 4..15 read lanes 20..31 (inactive)
	p.alu(MICA_OP_V_SHFL_XOR_B32, V(9), V(5), K(1));
	p.alu(MICA_OP_V_READFIRSTLANE_B32, S(10), V(5));
	p.alu(MICA_OP_V_MBCNT_B32, V(10), EXEC);
	p.alu(MICA_OP_V_WRITELANE_B32, V(11), L(0x77), K(31)); // lane 31 is inactive: still written
	p.alu(MICA_OP_S_MOV_B32, EXEC, K(-1));
	p.nop(1);
	p.alu(MICA_OP_V_MOV_B32, V(12), S(10));
	p.alu(MICA_OP_V_SHL_B32, V(250), LANE, K(4));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(250), S(0), V(8));
	p.mem(MICA_OP_GLOBAL_STORE_B64, NONE, V(250), S(0), V(12), 0x200);
	p.end();
	DispatchResult r = rig.run(p);
	ASSERT_EQ(r.fault, MICA_FAULT_NONE) << r.report;
	EXPECT_EQ(r.hazard_violations, 0u);
	for (unsigned l = 0; l < 32; l++) {
		const bool active = l >= 4 && l < 16;
		SCOPED_TRACE(l);
		EXPECT_EQ(rig.get<uint32_t>(l * 16), active ? 100 + l + 16 : 0xdeadu);
		EXPECT_EQ(rig.get<uint32_t>(l * 16 + 4), active ? 100 + (l ^ 1) : 0xdeadu);
		EXPECT_EQ(rig.get<uint32_t>(l * 16 + 8), active ? l - 4 : 0xdeadu);
		EXPECT_EQ(rig.get<uint32_t>(l * 16 + 12), l == 31 ? 0x77u : 0u);
		EXPECT_EQ(rig.get<uint32_t>(0x200 + l * 16), 104u);
	}
}
