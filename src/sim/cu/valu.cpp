// SPDX-License-Identifier: MIT
// Vector ALU: every instruction runs as a loop over 32-lane rows (gcc vectorises these), with
// results blended into the destination under EXEC. Operands are fetched through the pipeline
// model first so a checked-mode hazard faults before anything is written.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "alu_ops.h"
#include "fp.h"
#include "worker.h"

namespace mica::sim::cu {

namespace {

struct alignas(64) Rows32 {
	uint32_t l[kLanes];
};
struct alignas(64) Rows64 {
	uint64_t l[kLanes];
};

constexpr Rows32 make_iota()
{
	Rows32 r{};
	for (unsigned i = 0; i < kLanes; i++)
		r.l[i] = i;
	return r;
}
constexpr Rows32 kLaneIds = make_iota();
constexpr Rows32 kZero{};

inline float h2f(uint32_t h) { return fp::half_to_float(h & 0xffffu); }

// Fused multiply-add over a row. Without -mfma, std::fma is a libm call per lane; on hosts with
// FMA the row runs in a clone compiled for it (the result is the same: fma is exact-rounded).
template <class T> void fma_row_generic(uint32_t *r, const T *a, const T *b, const T *c, uint64_t *r64)
{
	for (unsigned i = 0; i < kLanes; i++) {
		if constexpr (sizeof(T) == 4)
			r[i] = fp::bits(std::fma(a[i], b[i], c[i]));
		else
			r64[i] = fp::bits(std::fma(a[i], b[i], c[i]));
	}
}
#if defined(__x86_64__) && defined(__GNUC__)
template <class T>
__attribute__((target("avx2,fma"))) void fma_row_fma(uint32_t *r, const T *a, const T *b, const T *c, uint64_t *r64)
{
	for (unsigned i = 0; i < kLanes; i++) {
		if constexpr (sizeof(T) == 4)
			r[i] = std::bit_cast<uint32_t>(__builtin_fmaf(a[i], b[i], c[i]));
		else
			r64[i] = std::bit_cast<uint64_t>(__builtin_fma(a[i], b[i], c[i]));
	}
}
const bool kHostFma = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
#endif
template <class T> void fma_row(uint32_t *r, const T *a, const T *b, const T *c, uint64_t *r64)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (kHostFma)
		return fma_row_fma<T>(r, a, b, c, r64);
#endif
	fma_row_generic<T>(r, a, b, c, r64);
}

} // namespace

Step Worker::exec_valu(Wave &w, const DecodedInst &d)
{
	const bool noexec = d.flags & MICA_OPF_NOEXEC;
	const uint32_t exec = read_s(w, MICA_OPND_EXEC, kVector);
	const uint32_t active = noexec ? ~0u : exec;

	// --- operands (columns 1..3)
	const uint32_t *src32[4] = {kZero.l, kZero.l, kZero.l, kZero.l};
	Rows32 bcast[4];
	Rows64 src64[4];
	uint64_t sval[4] = {0, 0, 0, 0};
	for (unsigned col = 1; col < 4; col++) {
		const unsigned kind = d.info->kind[col];
		const unsigned raw = d.opnd[col];
		switch (kind) {
		case MICA_KIND_UNUSED:
			break;
		case MICA_KIND_V32:
		case MICA_KIND_VR32:
			switch (d.src[col]) {
			case Src::Vgpr: src32[col] = read_v(w, raw).l; break;
			case Src::LaneId: src32[col] = kLaneIds.l; break;
			default: {
				uint32_t v = d.src[col] == Src::Const ? static_cast<uint32_t>(d.k[col]) : read_s(w, raw, kVector);
				std::fill(std::begin(bcast[col].l), std::end(bcast[col].l), v);
				src32[col] = bcast[col].l;
				break;
			}
			}
			break;
		case MICA_KIND_V64: {
			uint64_t *o = src64[col].l;
			if (d.src[col] == Src::Vgpr) {
				const uint32_t *lo = read_v(w, raw).l, *hi = read_v(w, raw + 1u).l;
				for (unsigned i = 0; i < kLanes; i++)
					o[i] = lo[i] | (static_cast<uint64_t>(hi[i]) << 32);
			} else {
				uint64_t v = d.src[col] == Src::Const ? d.k[col]
				           : read_s(w, raw, kVector) | (static_cast<uint64_t>(read_s(w, raw + 1u, kVector)) << 32);
				std::fill(o, o + kLanes, v);
			}
			break;
		}
		default: // s32 / mask: one scalar value
			sval[col] = d.src[col] == Src::Const ? d.k[col] : read_s(w, raw, kVector);
			break;
		}
	}
	// --- destination (WAW checks before any side effect)
	const unsigned dkind = d.info->kind[0];
	const unsigned dst = d.opnd[0];
	const unsigned dregs = dst == MICA_OPND_NONE ? 0 : mica_kind_table[dkind].regs;
	bool keep[2] = {false, false};
	for (unsigned r = 0; r < dregs; r++)
		keep[r] = writable(w, dst + r);
	if (violated_)
		return hazard_fault(w, d);

	w.set_lanes(active);
	stats_.lane_instructions += ops::popcount32(active);

	const uint32_t *A = src32[1], *B = src32[2], *C = src32[3];
	const uint64_t *A64 = src64[1].l, *B64 = src64[2].l, *C64 = src64[3].l;
	alignas(64) uint32_t R[kLanes];
	alignas(64) uint64_t R64[kLanes];
	uint32_t scalar_result = 0;

#define LOOP for (unsigned i = 0; i < kLanes; i++)
#define V1(E) LOOP { const uint32_t a = A[i]; R[i] = static_cast<uint32_t>(E); } break
#define V2(E) LOOP { const uint32_t a = A[i], b = B[i]; R[i] = static_cast<uint32_t>(E); } break
#define V3(E) LOOP { const uint32_t a = A[i], b = B[i], c = C[i]; R[i] = static_cast<uint32_t>(E); } break
#define F1(E) LOOP { const float a = fp::f32(A[i]); R[i] = fp::bits(static_cast<float>(E)); } break
#define F2(E) LOOP { const float a = fp::f32(A[i]), b = fp::f32(B[i]); R[i] = fp::bits(static_cast<float>(E)); } break
#define F3(E) LOOP { const float a = fp::f32(A[i]), b = fp::f32(B[i]), c = fp::f32(C[i]); R[i] = fp::bits(static_cast<float>(E)); } break
#define H2(E) LOOP { const double a = h2f(A[i]), b = h2f(B[i]); R[i] = fp::double_to_half(E); } break
#define Q1(E) LOOP { const uint64_t a = A64[i]; R64[i] = static_cast<uint64_t>(E); } break
#define Q2(E) LOOP { const uint64_t a = A64[i], b = B64[i]; R64[i] = static_cast<uint64_t>(E); } break
#define QS(E) LOOP { const uint64_t a = A64[i]; const uint32_t b = B[i]; R64[i] = static_cast<uint64_t>(E); } break
#define D1(E) LOOP { const double a = fp::f64(A64[i]); R64[i] = fp::bits(static_cast<double>(E)); } break
#define D2(E) LOOP { const double a = fp::f64(A64[i]), b = fp::f64(B64[i]); R64[i] = fp::bits(static_cast<double>(E)); } break
#define D3(E) LOOP { const double a = fp::f64(A64[i]), b = fp::f64(B64[i]), c = fp::f64(C64[i]); R64[i] = fp::bits(static_cast<double>(E)); } break
#define CMP(T, GET, E) LOOP { const T a = GET(A, A64), b = GET(B, B64); R[i] = (E) ? 1u : 0u; } break
#define G_F32(X, X64) fp::f32(X[i])
#define G_F16(X, X64) h2f(X[i])
#define G_F64(X, X64) fp::f64(X64[i])
#define G_I32(X, X64) static_cast<int32_t>(X[i])
#define G_U32(X, X64) X[i]
#define G_I64(X, X64) static_cast<int64_t>(X64[i])
#define G_U64(X, X64) X64[i]
#define FCMPS(SUF, T, G) \
	case MICA_OP_V_CMP_EQ_##SUF: CMP(T, G, a == b); \
	case MICA_OP_V_CMP_LG_##SUF: CMP(T, G, a < b || a > b); \
	case MICA_OP_V_CMP_LT_##SUF: CMP(T, G, a < b); \
	case MICA_OP_V_CMP_LE_##SUF: CMP(T, G, a <= b); \
	case MICA_OP_V_CMP_GT_##SUF: CMP(T, G, a > b); \
	case MICA_OP_V_CMP_GE_##SUF: CMP(T, G, a >= b); \
	case MICA_OP_V_CMP_O_##SUF: CMP(T, G, !std::isnan(a) && !std::isnan(b)); \
	case MICA_OP_V_CMP_U_##SUF: CMP(T, G, std::isnan(a) || std::isnan(b)); \
	case MICA_OP_V_CMP_NLG_##SUF: CMP(T, G, !(a < b || a > b)); \
	case MICA_OP_V_CMP_NEQ_##SUF: CMP(T, G, !(a == b)); \
	case MICA_OP_V_CMP_NGE_##SUF: CMP(T, G, !(a >= b)); \
	case MICA_OP_V_CMP_NGT_##SUF: CMP(T, G, !(a > b)); \
	case MICA_OP_V_CMP_NLE_##SUF: CMP(T, G, !(a <= b)); \
	case MICA_OP_V_CMP_NLT_##SUF: CMP(T, G, !(a < b));
#define ICMPS(SUF, T, G) \
	case MICA_OP_V_CMP_EQ_##SUF: CMP(T, G, a == b); \
	case MICA_OP_V_CMP_NE_##SUF: CMP(T, G, a != b); \
	case MICA_OP_V_CMP_LT_##SUF: CMP(T, G, a < b); \
	case MICA_OP_V_CMP_LE_##SUF: CMP(T, G, a <= b); \
	case MICA_OP_V_CMP_GT_##SUF: CMP(T, G, a > b); \
	case MICA_OP_V_CMP_GE_##SUF: CMP(T, G, a >= b);

	switch (d.op) {
	case MICA_OP_V_MOV_B32: V1(a);
	case MICA_OP_V_MOV_B64: Q1(a);
	case MICA_OP_V_ADD_U32: V2(a + b);
	case MICA_OP_V_SUB_U32: V2(a - b);
	case MICA_OP_V_MUL_LO_U32: V2(a * b);
	case MICA_OP_V_MUL_HI_U32: V2((static_cast<uint64_t>(a) * b) >> 32);
	case MICA_OP_V_MUL_HI_I32:
		V2(static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)) * static_cast<int32_t>(b)) >> 32);
	case MICA_OP_V_MAD_U32: V3(a * b + c);
	case MICA_OP_V_DIV_U32: V2(ops::div_u32(a, b));
	case MICA_OP_V_DIV_I32: V2(ops::div_i32(a, b));
	case MICA_OP_V_REM_U32: V2(ops::rem_u32(a, b));
	case MICA_OP_V_REM_I32: V2(ops::rem_i32(a, b));
	case MICA_OP_V_MIN_I32: V2(ops::smin(a, b));
	case MICA_OP_V_MAX_I32: V2(ops::smax(a, b));
	case MICA_OP_V_MIN_U32: V2(std::min(a, b));
	case MICA_OP_V_MAX_U32: V2(std::max(a, b));
	case MICA_OP_V_AND_B32: V2(a & b);
	case MICA_OP_V_OR_B32: V2(a | b);
	case MICA_OP_V_XOR_B32: V2(a ^ b);
	case MICA_OP_V_NOT_B32: V1(~a);
	case MICA_OP_V_SHL_B32: V2(a << (b & 31));
	case MICA_OP_V_SHR_U32: V2(a >> (b & 31));
	case MICA_OP_V_SHR_I32: V2(ops::sar32(a, b));
	case MICA_OP_V_BCNT_U32: V1(ops::popcount32(a));
	case MICA_OP_V_CLZ_U32: V1(std::countl_zero(a));
	case MICA_OP_V_CTZ_U32: V1(std::countr_zero(a));
	case MICA_OP_V_BREV_B32: V1(ops::brev(a));
	case MICA_OP_V_BFE_U32: V3(ops::bfe_u32(a, b, c));
	case MICA_OP_V_BFE_I32: V3(ops::bfe_i32(a, b, c));
	case MICA_OP_V_BFM_B32: V2(ops::bfm_b32(a, b));
	case MICA_OP_V_BFI_B32: V3(ops::bfi_b32(a, b, c));
	case MICA_OP_V_CNDMASK_B32: {
		const uint32_t m = static_cast<uint32_t>(sval[3]);
		LOOP R[i] = (m >> i) & 1u ? B[i] : A[i];
		break;
	}
	case MICA_OP_V_CNDMASK_B64: {
		const uint32_t m = static_cast<uint32_t>(sval[3]);
		LOOP R64[i] = (m >> i) & 1u ? B64[i] : A64[i];
		break;
	}
	case MICA_OP_V_MBCNT_B32: {
		const uint32_t m = static_cast<uint32_t>(sval[1]);
		LOOP R[i] = ops::popcount32(m & ((1u << i) - 1u));
		break;
	}
	case MICA_OP_V_ADD_U64: Q2(a + b);
	case MICA_OP_V_SUB_U64: Q2(a - b);
	case MICA_OP_V_MUL_LO_U64: Q2(a * b);
	case MICA_OP_V_SHL_B64: QS(a << (b & 63));
	case MICA_OP_V_SHR_U64: QS(a >> (b & 63));
	case MICA_OP_V_SHR_I64: QS(ops::sar64(a, b));
	case MICA_OP_V_MIN_I64: Q2(ops::smin64(a, b));
	case MICA_OP_V_MAX_I64: Q2(ops::smax64(a, b));
	case MICA_OP_V_MIN_U64: Q2(std::min(a, b));
	case MICA_OP_V_MAX_U64: Q2(std::max(a, b));
	case MICA_OP_V_AND_B64: Q2(a & b);
	case MICA_OP_V_OR_B64: Q2(a | b);
	case MICA_OP_V_XOR_B64: Q2(a ^ b);
	case MICA_OP_V_MUL_HI_U64: Q2(ops::mul_hi_u64(a, b));
	case MICA_OP_V_MUL_HI_I64: Q2(ops::mul_hi_i64(a, b));
	case MICA_OP_V_ADD_F32: F2(a + b);
	case MICA_OP_V_SUB_F32: F2(a - b);
	case MICA_OP_V_MUL_F32: F2(a * b);
	case MICA_OP_V_FMA_F32:
		fma_row<float>(R, reinterpret_cast<const float *>(A), reinterpret_cast<const float *>(B),
		               reinterpret_cast<const float *>(C), R64);
		break;
	case MICA_OP_V_MIN_F32: F2(fp::min_num(a, b));
	case MICA_OP_V_MAX_F32: F2(fp::max_num(a, b));
	case MICA_OP_V_FLOOR_F32: F1(std::floor(a));
	case MICA_OP_V_CEIL_F32: F1(std::ceil(a));
	case MICA_OP_V_TRUNC_F32: F1(std::trunc(a));
	case MICA_OP_V_RNDNE_F32: F1(std::nearbyint(a));
	case MICA_OP_V_FRACT_F32: F1(fp::fract(a));
	case MICA_OP_V_LDEXP_F32: LOOP R[i] = fp::bits(std::ldexp(fp::f32(A[i]), static_cast<int32_t>(B[i]))); break;
	case MICA_OP_V_RCP_F32: F1(1.0f / a);
	case MICA_OP_V_RSQ_F32: F1(1.0 / std::sqrt(static_cast<double>(a)));
	case MICA_OP_V_SQRT_F32: F1(std::sqrt(a));
	case MICA_OP_V_EXP2_F32: F1(std::exp2(a));
	case MICA_OP_V_LOG2_F32: F1(std::log2(a));
	case MICA_OP_V_SIN_F32: F1(std::sin(a));
	case MICA_OP_V_COS_F32: F1(std::cos(a));
	case MICA_OP_V_RCP_F64: D1(1.0 / a);
	case MICA_OP_V_SQRT_F64: D1(std::sqrt(a));
	case MICA_OP_V_RSQ_F64: D1(1.0 / std::sqrt(a));
	case MICA_OP_V_ADD_F64: D2(a + b);
	case MICA_OP_V_SUB_F64: D2(a - b);
	case MICA_OP_V_MUL_F64: D2(a * b);
	case MICA_OP_V_FMA_F64: {
		alignas(64) double a[kLanes], b[kLanes], c[kLanes];
		std::memcpy(a, A64, sizeof a);
		std::memcpy(b, B64, sizeof b);
		std::memcpy(c, C64, sizeof c);
		fma_row<double>(R, a, b, c, R64);
		break;
	}
	case MICA_OP_V_MIN_F64: D2(fp::min_num(a, b));
	case MICA_OP_V_MAX_F64: D2(fp::max_num(a, b));
	case MICA_OP_V_FLOOR_F64: D1(std::floor(a));
	case MICA_OP_V_CEIL_F64: D1(std::ceil(a));
	case MICA_OP_V_TRUNC_F64: D1(std::trunc(a));
	case MICA_OP_V_RNDNE_F64: D1(std::nearbyint(a));
	case MICA_OP_V_FRACT_F64: D1(fp::fract(a));
	case MICA_OP_V_ADD_F16: H2(a + b);   // exact in double, one rounding to half
	case MICA_OP_V_SUB_F16: H2(a - b);
	case MICA_OP_V_MUL_F16: H2(a * b);
	case MICA_OP_V_FMA_F16:
		LOOP {
			const double a = h2f(A[i]), b = h2f(B[i]), c = h2f(C[i]);
			R[i] = fp::double_to_half(fp::add_round_odd(a * b, c)); // a*b is exact in double
		}
		break;
	case MICA_OP_V_MIN_F16: H2(fp::min_num(a, b));
	case MICA_OP_V_MAX_F16: H2(fp::max_num(a, b));
	case MICA_OP_V_CVT_F32_I32: LOOP R[i] = fp::bits(static_cast<float>(static_cast<int32_t>(A[i]))); break;
	case MICA_OP_V_CVT_F32_U32: LOOP R[i] = fp::bits(static_cast<float>(A[i])); break;
	case MICA_OP_V_CVT_I32_F32: LOOP R[i] = static_cast<uint32_t>(fp::to_int_sat<int32_t>(fp::f32(A[i]))); break;
	case MICA_OP_V_CVT_U32_F32: LOOP R[i] = fp::to_int_sat<uint32_t>(fp::f32(A[i])); break;
	case MICA_OP_V_CVT_F16_F32: LOOP R[i] = fp::float_to_half(fp::f32(A[i])); break;
	case MICA_OP_V_CVT_F32_F16: LOOP R[i] = fp::bits(h2f(A[i])); break;
	case MICA_OP_V_CVT_F64_F32: LOOP R64[i] = fp::bits(static_cast<double>(fp::f32(A[i]))); break;
	case MICA_OP_V_CVT_F32_F64: LOOP R[i] = fp::bits(static_cast<float>(fp::f64(A64[i]))); break;
	case MICA_OP_V_CVT_F64_I32: LOOP R64[i] = fp::bits(static_cast<double>(static_cast<int32_t>(A[i]))); break;
	case MICA_OP_V_CVT_F64_U32: LOOP R64[i] = fp::bits(static_cast<double>(A[i])); break;
	case MICA_OP_V_CVT_I32_F64: LOOP R[i] = static_cast<uint32_t>(fp::to_int_sat<int32_t>(fp::f64(A64[i]))); break;
	case MICA_OP_V_CVT_U32_F64: LOOP R[i] = fp::to_int_sat<uint32_t>(fp::f64(A64[i])); break;
	case MICA_OP_V_CVT_F64_I64: LOOP R64[i] = fp::bits(static_cast<double>(static_cast<int64_t>(A64[i]))); break;
	case MICA_OP_V_CVT_F64_U64: LOOP R64[i] = fp::bits(static_cast<double>(A64[i])); break;
	case MICA_OP_V_CVT_I64_F64: LOOP R64[i] = static_cast<uint64_t>(fp::to_int_sat<int64_t>(fp::f64(A64[i]))); break;
	case MICA_OP_V_CVT_U64_F64: LOOP R64[i] = fp::to_int_sat<uint64_t>(fp::f64(A64[i])); break;
	case MICA_OP_V_CVT_F32_I64: LOOP R[i] = fp::bits(static_cast<float>(static_cast<int64_t>(A64[i]))); break;
	case MICA_OP_V_CVT_F32_U64: LOOP R[i] = fp::bits(static_cast<float>(A64[i])); break;
	case MICA_OP_V_CVT_I64_F32: LOOP R64[i] = static_cast<uint64_t>(fp::to_int_sat<int64_t>(fp::f32(A[i]))); break;
	case MICA_OP_V_CVT_U64_F32: LOOP R64[i] = fp::to_int_sat<uint64_t>(fp::f32(A[i])); break;
	FCMPS(F16, float, G_F16)
	FCMPS(F32, float, G_F32)
	FCMPS(F64, double, G_F64)
	ICMPS(I32, int32_t, G_I32)
	ICMPS(U32, uint32_t, G_U32)
	ICMPS(I64, int64_t, G_I64)
	ICMPS(U64, uint64_t, G_U64)
	case MICA_OP_V_READLANE_B32: scalar_result = A[sval[2] & 31]; break;
	case MICA_OP_V_READFIRSTLANE_B32: scalar_result = A[exec ? std::countr_zero(exec) : 0]; break;
	case MICA_OP_V_WRITELANE_B32:
		// Only the selected lane changes, whatever EXEC says: start from the current row.
		if (dregs && keep[0]) {
			std::memcpy(R, w.v[dst].l, sizeof R);
			R[sval[2] & 31] = static_cast<uint32_t>(sval[1]);
		}
		break;
	case MICA_OP_V_SHFL_B32: LOOP R[i] = A[B[i] & 31]; break;
	case MICA_OP_V_SHFL_XOR_B32: LOOP R[i] = A[(i ^ B[i]) & 31]; break;
	case MICA_OP_V_SHFL_UP_B32: LOOP R[i] = (B[i] < kLanes && i >= B[i]) ? A[i - B[i]] : A[i]; break;
	case MICA_OP_V_SHFL_DOWN_B32: LOOP R[i] = (B[i] < kLanes && i + B[i] < kLanes) ? A[i + B[i]] : A[i]; break;
	default:
		return raise(w, &d, MICA_FAULT_ILLEGAL_INSTRUCTION, cur_pc_, MICA_ACCESS_EXEC, "no vector semantics");
	}
#undef LOOP
#undef V1
#undef V2
#undef V3
#undef F1
#undef F2
#undef F3
#undef H2
#undef Q1
#undef Q2
#undef QS
#undef D1
#undef D2
#undef D3
#undef CMP
#undef FCMPS
#undef ICMPS

	// --- write back
	switch (dkind) {
	case MICA_KIND_VD:
		if (keep[0])
			write_vrow(w, dst, R, d);
		break;
	case MICA_KIND_VD64: {
		alignas(64) uint32_t lo[kLanes], hi[kLanes];
		for (unsigned i = 0; i < kLanes; i++) {
			lo[i] = static_cast<uint32_t>(R64[i]);
			hi[i] = static_cast<uint32_t>(R64[i] >> 32);
		}
		if (keep[0])
			write_vrow(w, dst, lo, d);
		if (keep[1])
			write_vrow(w, dst + 1u, hi, d);
		break;
	}
	case MICA_KIND_MD: {
		uint32_t mask = 0;
		for (unsigned i = 0; i < kLanes; i++)
			mask |= (R[i] & 1u) << i;
		if (keep[0])
			write_sreg(w, dst, mask & active, d);
		break;
	}
	default: // SD: readlane / readfirstlane
		if (keep[0])
			write_sreg(w, dst, scalar_result, d);
		break;
	}
	return Step::Continue;
}

} // namespace mica::sim::cu
