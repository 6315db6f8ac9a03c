// SPDX-License-Identifier: MIT
#include "lanes.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "../alu_ops.h"
#include "../fp.h"
#include "../wave.h"

namespace mica::sim::cu::jit {

namespace {

struct alignas(64) LaneIds {
	uint32_t l[kLanes];
};
constexpr LaneIds make_iota()
{
	LaneIds r{};
	for (unsigned i = 0; i < kLanes; i++)
		r.l[i] = i;
	return r;
}
constexpr LaneIds kLaneIds = make_iota();

// The blend and the bookkeeping every vector-destination helper shares.
inline void commit(uint32_t *dst, uint32_t *prev, const uint32_t *r, uint32_t active, uint64_t *lanes)
{
	if (prev)
		std::memcpy(prev, dst, kLanes * sizeof(uint32_t));
	for (unsigned i = 0; i < kLanes; i++)
		dst[i] = (active >> i) & 1u ? r[i] : dst[i];
	*lanes += ops::popcount32(active);
}

// The helpers run 32 lanes per call: compiled for the host's widest vectors (the model itself is
// built for the baseline x86-64, SSE2), as the translated code is.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LANES_TARGETS __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LANES_TARGETS
#endif

// One function per opcode: E is valu.cpp's expression for the lane (a, b, c: the lane's operand
// words, fa, fb, fc: the same as floats, s3: the scalar mask operand, i: the lane).
#define VD(NAME, E)                                                                                                 \
	LANES_TARGETS void NAME(uint32_t *dst, uint32_t *prev, const uint32_t *A, const uint32_t *B, const uint32_t *C,          \
	          uint32_t active, uint32_t s3, uint64_t *lanes)                                                      \
	{                                                                                                               \
		(void)A, (void)B, (void)C, (void)s3;                                                                       \
		alignas(64) uint32_t R[kLanes];                                                                            \
		for (unsigned i = 0; i < kLanes; i++) {                                                                    \
			const uint32_t a = A[i], b = B[i], c = C[i];                                                           \
			const float fa = fp::f32(a), fb = fp::f32(b), fc = fp::f32(c);                                         \
			(void)a, (void)b, (void)c, (void)fa, (void)fb, (void)fc;                                               \
			R[i] = static_cast<uint32_t>(E);                                                                       \
		}                                                                                                           \
		commit(dst, prev, R, active, lanes);                                                                       \
	}
#define FVD(NAME, E) VD(NAME, fp::bits(static_cast<float>(E)))

VD(v_mov_b32, a)
VD(v_add_u32, a + b)
VD(v_sub_u32, a - b)
VD(v_mul_lo_u32, a * b)
VD(v_mul_hi_u32, (static_cast<uint64_t>(a) * b) >> 32)
VD(v_mul_hi_i32, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)) * static_cast<int32_t>(b)) >> 32)
VD(v_mad_u32, a * b + c)
VD(v_min_i32, ops::smin(a, b))
VD(v_max_i32, ops::smax(a, b))
VD(v_min_u32, std::min(a, b))
VD(v_max_u32, std::max(a, b))
VD(v_and_b32, a & b)
VD(v_or_b32, a | b)
VD(v_xor_b32, a ^ b)
VD(v_not_b32, ~a)
VD(v_shl_b32, a << (b & 31))
VD(v_shr_u32, a >> (b & 31))
VD(v_shr_i32, ops::sar32(a, b))
VD(v_bcnt_u32, ops::popcount32(a))
VD(v_clz_u32, std::countl_zero(a))
VD(v_ctz_u32, std::countr_zero(a))
VD(v_brev_b32, ops::brev(a))
VD(v_bfi_b32, ops::bfi_b32(a, b, c))
VD(v_cndmask_b32, (s3 >> i) & 1u ? b : a)
FVD(v_add_f32, fa + fb)
FVD(v_sub_f32, fa - fb)
FVD(v_mul_f32, fa * fb)
FVD(v_min_f32, fp::min_num(fa, fb))
FVD(v_max_f32, fp::max_num(fa, fb))
FVD(v_floor_f32, std::floor(fa))
FVD(v_ceil_f32, std::ceil(fa))
FVD(v_trunc_f32, std::trunc(fa))
FVD(v_rndne_f32, std::nearbyint(fa))
FVD(v_rcp_f32, 1.0f / fa)
FVD(v_sqrt_f32, std::sqrt(fa))
FVD(v_cvt_f32_i32, static_cast<int32_t>(a))
FVD(v_cvt_f32_u32, a)
VD(v_cvt_i32_f32, fp::to_int_sat<int32_t>(fa))
VD(v_cvt_u32_f32, fp::to_int_sat<uint32_t>(fa))

// fma is exact-rounded, so the FMA instruction and libm's fma agree; the clone avoids a libm call
// per lane on hosts that have it (as valu.cpp's fma_row).
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void fma_lanes_fma(uint32_t *R, const uint32_t *A, const uint32_t *B, const uint32_t *C)
{
	for (unsigned i = 0; i < kLanes; i++)
		R[i] = std::bit_cast<uint32_t>(__builtin_fmaf(fp::f32(A[i]), fp::f32(B[i]), fp::f32(C[i])));
}
const bool kHostFma = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
#endif
void v_fma_f32(uint32_t *dst, uint32_t *prev, const uint32_t *A, const uint32_t *B, const uint32_t *C, uint32_t active,
               uint32_t, uint64_t *lanes)
{
	alignas(64) uint32_t R[kLanes];
#if defined(__x86_64__) && defined(__GNUC__)
	if (kHostFma) {
		fma_lanes_fma(R, A, B, C);
		commit(dst, prev, R, active, lanes);
		return;
	}
#endif
	for (unsigned i = 0; i < kLanes; i++)
		R[i] = fp::bits(std::fma(fp::f32(A[i]), fp::f32(B[i]), fp::f32(C[i])));
	commit(dst, prev, R, active, lanes);
}

#define MD(NAME, T, E)                                                                                              \
	LANES_TARGETS uint32_t NAME(const uint32_t *A, const uint32_t *B, uint32_t active, uint64_t *lanes)                       \
	{                                                                                                               \
		uint32_t m = 0;                                                                                            \
		for (unsigned i = 0; i < kLanes; i++) {                                                                    \
			const T a = conv<T>(A[i]), b = conv<T>(B[i]);                                                          \
			m |= ((E) ? 1u : 0u) << i;                                                                             \
		}                                                                                                           \
		*lanes += ops::popcount32(active);                                                                         \
		return m & active;                                                                                         \
	}
template <class T> T conv(uint32_t w)
{
	if constexpr (std::is_same_v<T, float>)
		return fp::f32(w);
	else
		return static_cast<T>(w);
}
#define FCMPS(SUF)                                                                                                  \
	MD(v_cmp_eq_##SUF, float, a == b)                                                                          \
	MD(v_cmp_lg_##SUF, float, a < b || a > b)                                                                  \
	MD(v_cmp_lt_##SUF, float, a < b)                                                                           \
	MD(v_cmp_le_##SUF, float, a <= b)                                                                          \
	MD(v_cmp_gt_##SUF, float, a > b)                                                                           \
	MD(v_cmp_ge_##SUF, float, a >= b)                                                                          \
	MD(v_cmp_o_##SUF, float, !std::isnan(a) && !std::isnan(b))                                                 \
	MD(v_cmp_u_##SUF, float, std::isnan(a) || std::isnan(b))                                                   \
	MD(v_cmp_nlg_##SUF, float, !(a < b || a > b))                                                              \
	MD(v_cmp_neq_##SUF, float, !(a == b))                                                                      \
	MD(v_cmp_nge_##SUF, float, !(a >= b))                                                                      \
	MD(v_cmp_ngt_##SUF, float, !(a > b))                                                                       \
	MD(v_cmp_nle_##SUF, float, !(a <= b))                                                                      \
	MD(v_cmp_nlt_##SUF, float, !(a < b))
#define ICMPS(SUF, T)                                                                                               \
	MD(v_cmp_eq_##SUF, T, a == b)                                                                              \
	MD(v_cmp_ne_##SUF, T, a != b)                                                                              \
	MD(v_cmp_lt_##SUF, T, a < b)                                                                               \
	MD(v_cmp_le_##SUF, T, a <= b)                                                                              \
	MD(v_cmp_gt_##SUF, T, a > b)                                                                               \
	MD(v_cmp_ge_##SUF, T, a >= b)
FCMPS(f32)
ICMPS(i32, int32_t)
ICMPS(u32, uint32_t)

} // namespace

VdLanes vd_lanes(uint16_t op)
{
	switch (op) {
#define C(OP, FN) case MICA_OP_##OP: return &FN;
	C(V_MOV_B32, v_mov_b32) C(V_ADD_U32, v_add_u32) C(V_SUB_U32, v_sub_u32) C(V_MUL_LO_U32, v_mul_lo_u32)
	C(V_MUL_HI_U32, v_mul_hi_u32) C(V_MUL_HI_I32, v_mul_hi_i32) C(V_MAD_U32, v_mad_u32)
	C(V_MIN_I32, v_min_i32) C(V_MAX_I32, v_max_i32) C(V_MIN_U32, v_min_u32) C(V_MAX_U32, v_max_u32)
	C(V_AND_B32, v_and_b32) C(V_OR_B32, v_or_b32) C(V_XOR_B32, v_xor_b32) C(V_NOT_B32, v_not_b32)
	C(V_SHL_B32, v_shl_b32) C(V_SHR_U32, v_shr_u32) C(V_SHR_I32, v_shr_i32) C(V_BCNT_U32, v_bcnt_u32)
	C(V_CLZ_U32, v_clz_u32) C(V_CTZ_U32, v_ctz_u32) C(V_BREV_B32, v_brev_b32) C(V_BFI_B32, v_bfi_b32)
	C(V_CNDMASK_B32, v_cndmask_b32) C(V_ADD_F32, v_add_f32) C(V_SUB_F32, v_sub_f32) C(V_MUL_F32, v_mul_f32)
	C(V_FMA_F32, v_fma_f32) C(V_MIN_F32, v_min_f32) C(V_MAX_F32, v_max_f32) C(V_FLOOR_F32, v_floor_f32)
	C(V_CEIL_F32, v_ceil_f32) C(V_TRUNC_F32, v_trunc_f32) C(V_RNDNE_F32, v_rndne_f32) C(V_SQRT_F32, v_sqrt_f32)
	C(V_RCP_F32, v_rcp_f32) C(V_CVT_F32_I32, v_cvt_f32_i32) C(V_CVT_F32_U32, v_cvt_f32_u32)
	C(V_CVT_I32_F32, v_cvt_i32_f32) C(V_CVT_U32_F32, v_cvt_u32_f32)
	default: return nullptr;
	}
}

MdLanes md_lanes(uint16_t op)
{
	switch (op) {
#define F(SUF, suf) C(V_CMP_EQ_##SUF, v_cmp_eq_##suf) C(V_CMP_LG_##SUF, v_cmp_lg_##suf) C(V_CMP_LT_##SUF, v_cmp_lt_##suf) \
	C(V_CMP_LE_##SUF, v_cmp_le_##suf) C(V_CMP_GT_##SUF, v_cmp_gt_##suf) C(V_CMP_GE_##SUF, v_cmp_ge_##suf)             \
	C(V_CMP_O_##SUF, v_cmp_o_##suf) C(V_CMP_U_##SUF, v_cmp_u_##suf) C(V_CMP_NLG_##SUF, v_cmp_nlg_##suf)               \
	C(V_CMP_NEQ_##SUF, v_cmp_neq_##suf) C(V_CMP_NGE_##SUF, v_cmp_nge_##suf) C(V_CMP_NGT_##SUF, v_cmp_ngt_##suf)       \
	C(V_CMP_NLE_##SUF, v_cmp_nle_##suf) C(V_CMP_NLT_##SUF, v_cmp_nlt_##suf)
#define I(SUF, suf) C(V_CMP_EQ_##SUF, v_cmp_eq_##suf) C(V_CMP_NE_##SUF, v_cmp_ne_##suf) C(V_CMP_LT_##SUF, v_cmp_lt_##suf) \
	C(V_CMP_LE_##SUF, v_cmp_le_##suf) C(V_CMP_GT_##SUF, v_cmp_gt_##suf) C(V_CMP_GE_##SUF, v_cmp_ge_##suf)
	F(F32, f32) I(I32, i32) I(U32, u32)
#undef F
#undef I
#undef C
	default: return nullptr;
	}
}

void splat_row(uint32_t *row, uint32_t v) { std::fill(row, row + kLanes, v); }

const uint32_t *lane_id_row() { return kLaneIds.l; }

} // namespace mica::sim::cu::jit
