// SPDX-License-Identifier: MIT
// Scalar ALU: uniform 32/64-bit operations on SGPRs, EXEC, VCC and SCC.
#include <algorithm>
#include <bit>

#include "alu_ops.h"
#include "worker.h"

namespace mica::sim::cu {

Step Worker::exec_salu(Wave &w, const DecodedInst &d)
{
	uint64_t src[4] = {0, 0, 0, 0};
	for (unsigned col = 1; col < 4; col++) {
		const unsigned kind = d.info->kind[col];
		if (kind == MICA_KIND_UNUSED)
			continue;
		if (d.src[col] == Src::Const) {
			src[col] = d.k[col];
		} else if (mica_kind_table[kind].regs == 2) {
			src[col] = read_s(w, d.opnd[col], kScalar) |
			           (static_cast<uint64_t>(read_s(w, d.opnd[col] + 1u, kScalar)) << 32);
		} else {
			src[col] = read_s(w, d.opnd[col], kScalar);
		}
	}
	const bool writes_exec = d.flags & MICA_OPF_WEXEC;
	const uint32_t old_exec = writes_exec ? read_s(w, MICA_OPND_EXEC, kScalar) : 0;
	const uint32_t scc_in = (d.flags & MICA_OPF_RSCC) ? read_s(w, MICA_OPND_SCC, kScalar) : 0;

	const unsigned dst = d.opnd[0];
	const unsigned dregs = dst == MICA_OPND_NONE ? 0 : mica_kind_table[d.info->kind[0]].regs;
	bool keep[2] = {false, false};
	for (unsigned r = 0; r < dregs; r++)
		keep[r] = writable(w, dst + r);
	const bool keep_exec = writes_exec ? writable(w, MICA_OPND_EXEC) : false;
	if (violated_)
		return hazard_fault(w, d);

	const uint32_t a = static_cast<uint32_t>(src[1]), b = static_cast<uint32_t>(src[2]);
	const uint32_t c = static_cast<uint32_t>(src[3]);
	const uint64_t a64 = src[1], b64 = src[2];
	uint64_t r = 0;
	int scc = -1; // -1: SCC unchanged
	switch (d.op) {
	case MICA_OP_S_MOV_B32: r = a; break;
	case MICA_OP_S_MOV_B64: r = a64; break;
	case MICA_OP_S_ADD_U32: r = static_cast<uint32_t>(a + b); scc = r < a; break;
	case MICA_OP_S_SUB_U32: r = static_cast<uint32_t>(a - b); scc = b > a; break;
	case MICA_OP_S_MUL_U32: r = static_cast<uint32_t>(a * b); break;
	case MICA_OP_S_AND_B32: r = a & b; scc = r != 0; break;
	case MICA_OP_S_OR_B32: r = a | b; scc = r != 0; break;
	case MICA_OP_S_XOR_B32: r = a ^ b; scc = r != 0; break;
	case MICA_OP_S_ANDN2_B32: r = a & ~b; scc = r != 0; break;
	case MICA_OP_S_ORN2_B32: r = static_cast<uint32_t>(a | ~b); scc = r != 0; break;
	case MICA_OP_S_NOT_B32: r = static_cast<uint32_t>(~a); scc = r != 0; break;
	case MICA_OP_S_SHL_B32: r = static_cast<uint32_t>(a << (b & 31)); scc = r != 0; break;
	case MICA_OP_S_SHR_U32: r = a >> (b & 31); scc = r != 0; break;
	case MICA_OP_S_SHR_I32: r = ops::sar32(a, b); scc = r != 0; break;
	case MICA_OP_S_MIN_I32: r = ops::smin(a, b); break;
	case MICA_OP_S_MAX_I32: r = ops::smax(a, b); break;
	case MICA_OP_S_MIN_U32: r = std::min(a, b); break;
	case MICA_OP_S_MAX_U32: r = std::max(a, b); break;
	case MICA_OP_S_BCNT1_B32: r = ops::popcount32(a); scc = r != 0; break;
	case MICA_OP_S_FF1_B32: r = a ? static_cast<uint32_t>(std::countr_zero(a)) : ~0u; break;
	case MICA_OP_S_FLBIT_B32: r = a ? static_cast<uint32_t>(std::countl_zero(a)) : ~0u; break;
	case MICA_OP_S_CSELECT_B32: r = scc_in ? a : b; break;
	case MICA_OP_S_CSELECT_B64: r = scc_in ? a64 : b64; break;
	case MICA_OP_S_ADD_U64: r = a64 + b64; break;
	case MICA_OP_S_MUL_U64: r = a64 * b64; break;
	case MICA_OP_S_AND_SAVEEXEC_B32: r = old_exec; break;
	case MICA_OP_S_BFE_U32: r = ops::bfe_u32(a, b, c); break;
	case MICA_OP_S_CMP_EQ_U32: scc = a == b; break;
	case MICA_OP_S_CMP_NE_U32: scc = a != b; break;
	case MICA_OP_S_CMP_LT_I32: scc = static_cast<int32_t>(a) < static_cast<int32_t>(b); break;
	case MICA_OP_S_CMP_LE_I32: scc = static_cast<int32_t>(a) <= static_cast<int32_t>(b); break;
	case MICA_OP_S_CMP_GT_I32: scc = static_cast<int32_t>(a) > static_cast<int32_t>(b); break;
	case MICA_OP_S_CMP_GE_I32: scc = static_cast<int32_t>(a) >= static_cast<int32_t>(b); break;
	case MICA_OP_S_CMP_LT_U32: scc = a < b; break;
	case MICA_OP_S_CMP_LE_U32: scc = a <= b; break;
	case MICA_OP_S_CMP_GT_U32: scc = a > b; break;
	case MICA_OP_S_CMP_GE_U32: scc = a >= b; break;
	case MICA_OP_S_CMP_EQ_U64: scc = a64 == b64; break;
	case MICA_OP_S_CMP_NE_U64: scc = a64 != b64; break;
	default:
		return raise(w, &d, MICA_FAULT_ILLEGAL_INSTRUCTION, cur_pc_, MICA_ACCESS_EXEC, "no scalar semantics");
	}
	stats_.lane_instructions++;
	if (keep[0])
		write_sreg(w, dst, static_cast<uint32_t>(r), d);
	if (dregs == 2 && keep[1])
		write_sreg(w, dst + 1u, static_cast<uint32_t>(r >> 32), d);
	if (writes_exec) {
		// s_and_saveexec: dst = old EXEC (written first), EXEC &= src0, SCC = EXEC != 0.
		const uint32_t nexec = a & old_exec;
		if (keep_exec)
			write_sreg(w, MICA_OPND_EXEC, nexec, d);
		scc = nexec != 0;
	}
	if (scc >= 0)
		write_sreg(w, MICA_OPND_SCC, static_cast<uint32_t>(scc), d);
	return Step::Continue;
}

} // namespace mica::sim::cu
