#include "hazard_rules.h"

#include <algorithm>

#include "machine.h"

namespace mica::compiler {

InstRegs inst_regs(const mica_inst &mi)
{
	InstRegs r;
	const mica_op_info *m = mi.info;
	unsigned ncol = m->format == MICA_FMT_CTRL ? 2 : 4;
	for (unsigned c = 0; c < ncol; c++) {
		if (m->kind[c] == MICA_KIND_UNUSED)
			continue;
		uint16_t raw = mi.opnd[c];
		auto cls = mica_opnd_classify(raw);
		unsigned n = 1;
		if (cls == MICA_OC_VGPR || cls == MICA_OC_SGPR)
			n = mica_inst_opnd_regs(&mi, c);
		else if (cls != MICA_OC_EXEC && cls != MICA_OC_VCC && cls != MICA_OC_SCC)
			continue;
		for (unsigned k = 0; k < n; k++)
			(c == 0 ? r.writes : r.reads).push_back((uint16_t)(raw + k));
	}
	if (unit_is_vector(m->unit) || m->opcode == MICA_OP_S_CBRANCH_EXECZ || m->opcode == MICA_OP_S_CBRANCH_EXECNZ ||
	    (m->flags & MICA_OPF_WEXEC))
		r.reads.push_back(MICA_OPND_EXEC);
	if (m->flags & MICA_OPF_WEXEC)
		r.writes.push_back(MICA_OPND_EXEC);
	if (m->flags & MICA_OPF_SCC)
		r.writes.push_back(MICA_OPND_SCC);
	if ((m->flags & MICA_OPF_RSCC) || m->opcode == MICA_OP_S_CBRANCH_SCC0 || m->opcode == MICA_OP_S_CBRANCH_SCC1)
		r.reads.push_back(MICA_OPND_SCC);
	if (m->opcode == MICA_OP_S_CBRANCH_VCCZ || m->opcode == MICA_OP_S_CBRANCH_VCCNZ)
		r.reads.push_back(MICA_OPND_VCC);
	return r;
}

bool is_memory_access(const mica_inst &mi) { return unit_is_mem(mi.info->unit); }

bool rule_applies(unsigned h, uint32_t revision, uint32_t profile)
{
	switch (h) {
	case MICA_HAZARD_LP_VALU_FORWARD: return profile == MICA_PROFILE_LOWPOWER;
	case MICA_HAZARD_R1_VCC_BRANCH: return revision == MICA_REV_R1;
	default: return h > MICA_HAZARD_NONE && h < MICA_HAZARD_COUNT;
	}
}

unsigned issue_cycles(const mica_inst &mi)
{
	if (mi.info->opcode == MICA_OP_S_NOP)
		return (unsigned)std::max(0, mi.imm) + 1;
	return 1;
}

// Both run once per instruction and per block edge of the hazard pass over 8 x 387 bytes:
// written over the flat bytes in fixed 32-byte chunks so the compiler emits vector code (a
// saturating subtract, a max) even with -O2's cheapest vectorizer cost model (it refused the
// row loops, whose 387-byte trip count needs an epilogue): they were 7% of compiling a small
// shader.
namespace {
constexpr size_t kChunk = 32;
} // namespace

bool DistanceState::merge(const DistanceState &o)
{
	uint8_t *a = &remain[0][0];
	const uint8_t *b = &o.remain[0][0];
	constexpr size_t n = sizeof(remain);
	static_assert(sizeof(remain) == MICA_HAZARD_COUNT * kRegSpace, "remain is one flat byte array");
	uint8_t changed = 0;
	size_t i = 0;
	for (; i + kChunk <= n; i += kChunk)
		for (size_t k = 0; k < kChunk; k++) {
			const uint8_t m = a[i + k] > b[i + k] ? a[i + k] : b[i + k];
			changed |= m ^ a[i + k];
			a[i + k] = m;
		}
	for (; i < n; i++) {
		const uint8_t m = a[i] > b[i] ? a[i] : b[i];
		changed |= m ^ a[i];
		a[i] = m;
	}
	bool ch = changed != 0;
	if (o.since_start < since_start) {
		since_start = o.since_start;
		ch = true;
	}
	return ch;
}

void DistanceState::advance(unsigned cycles)
{
	const uint8_t c = (uint8_t)std::min<unsigned>(cycles, 255);
	uint8_t *a = &remain[0][0];
	constexpr size_t n = sizeof(remain);
	size_t i = 0;
	for (; i + kChunk <= n; i += kChunk)
		for (size_t k = 0; k < kChunk; k++)
			a[i + k] = (uint8_t)(a[i + k] > c ? a[i + k] - c : 0);
	for (; i < n; i++)
		a[i] = (uint8_t)(a[i] > c ? a[i] - c : 0);
	since_start = (uint8_t)std::min<unsigned>(255, since_start + cycles);
}

namespace {

bool non_interlocked_valu(unsigned unit) { return unit_is_valu(unit) && !mica_unit_table[unit].interlocked; }

bool writes_scalar_state(uint16_t r) { return is_sgpr_code(r) || r == MICA_OPND_VCC || r == MICA_OPND_EXEC; }

} // namespace

Need distance_need(const DistanceState &s, const mica_inst &mi, uint32_t revision, uint32_t profile)
{
	Need n;
	InstRegs regs = inst_regs(mi);
	const mica_op_info *m = mi.info;
	auto consider = [&](unsigned h, unsigned reg, unsigned remaining, unsigned required) {
		if (!rule_applies(h, revision, profile) || remaining <= n.cycles)
			return;
		n.cycles = remaining;
		n.hazard = h;
		n.reg = reg;
		n.required = required;
	};
	auto latency_of_rule = [&](unsigned h, unsigned reg) -> unsigned {
		switch (h) {
		case MICA_HAZARD_SALU_VALU_FORWARD: return MICA_HAZARD_SALU_VALU_FORWARD_DISTANCE;
		case MICA_HAZARD_LP_VALU_FORWARD: return MICA_HAZARD_LP_VALU_FORWARD_DISTANCE;
		case MICA_HAZARD_R1_VCC_BRANCH: return MICA_HAZARD_R1_VCC_BRANCH_DISTANCE;
		default: return (unsigned)s.remain[h][reg];
		}
	};
	for (uint16_t r : regs.reads) {
		consider(MICA_HAZARD_VALU_LONG_RAW, r, s.remain[MICA_HAZARD_VALU_LONG_RAW][r], latency_of_rule(MICA_HAZARD_VALU_LONG_RAW, r));
		if (unit_is_vector(m->unit))
			consider(MICA_HAZARD_SALU_VALU_FORWARD, r, s.remain[MICA_HAZARD_SALU_VALU_FORWARD][r],
			         MICA_HAZARD_SALU_VALU_FORWARD_DISTANCE);
		consider(MICA_HAZARD_LP_VALU_FORWARD, r, s.remain[MICA_HAZARD_LP_VALU_FORWARD][r], MICA_HAZARD_LP_VALU_FORWARD_DISTANCE);
	}
	for (uint16_t r : regs.writes)
		consider(MICA_HAZARD_VALU_LONG_WAW, r, s.remain[MICA_HAZARD_VALU_LONG_WAW][r], latency_of_rule(MICA_HAZARD_VALU_LONG_WAW, r));
	if (m->opcode == MICA_OP_S_CBRANCH_VCCZ || m->opcode == MICA_OP_S_CBRANCH_VCCNZ)
		consider(MICA_HAZARD_R1_VCC_BRANCH, MICA_OPND_VCC, s.remain[MICA_HAZARD_R1_VCC_BRANCH][MICA_OPND_VCC],
		         MICA_HAZARD_R1_VCC_BRANCH_DISTANCE);
	// SEC_WAVE_START_TLB: no memory access (and, as the kernel demands, no branch) in the first
	// cycles of a wave, so the CU's TLB holds this context's page-table base.
	if ((is_memory_access(mi) || (m->flags & MICA_OPF_BRANCH)) && s.since_start < MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE)
		consider(MICA_HAZARD_SEC_WAVE_START_TLB, 0, MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE - s.since_start,
		         MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE);
	return n;
}

void distance_issue(DistanceState &s, const mica_inst &mi, uint32_t revision, uint32_t profile)
{
	const mica_op_info *m = mi.info;
	InstRegs regs = inst_regs(mi);
	for (uint16_t r : regs.writes) {
		if (non_interlocked_valu(m->unit)) {
			uint8_t lat = mica_unit_table[m->unit].latency;
			s.remain[MICA_HAZARD_VALU_LONG_RAW][r] = std::max(s.remain[MICA_HAZARD_VALU_LONG_RAW][r], lat);
			s.remain[MICA_HAZARD_VALU_LONG_WAW][r] = std::max(s.remain[MICA_HAZARD_VALU_LONG_WAW][r], lat);
		}
		if ((m->unit == MICA_UNIT_SALU || m->unit == MICA_UNIT_CTRL) && writes_scalar_state(r))
			s.remain[MICA_HAZARD_SALU_VALU_FORWARD][r] = MICA_HAZARD_SALU_VALU_FORWARD_DISTANCE;
		if (m->unit == MICA_UNIT_VALU && rule_applies(MICA_HAZARD_LP_VALU_FORWARD, revision, profile))
			s.remain[MICA_HAZARD_LP_VALU_FORWARD][r] = MICA_HAZARD_LP_VALU_FORWARD_DISTANCE;
		if (unit_is_valu(m->unit) && r == MICA_OPND_VCC && rule_applies(MICA_HAZARD_R1_VCC_BRANCH, revision, profile))
			s.remain[MICA_HAZARD_R1_VCC_BRANCH][r] = MICA_HAZARD_R1_VCC_BRANCH_DISTANCE;
	}
	s.advance(issue_cycles(mi));
}

bool WaitState::merge(const WaitState &o)
{
	bool ch = false;
	for (unsigned r = 0; r < kRegSpace; r++) {
		if (!o.counter[r])
			continue;
		if (!counter[r]) {
			counter[r] = o.counter[r];
			younger[r] = o.younger[r];
			ch = true;
		} else if (o.younger[r] < younger[r]) {
			younger[r] = o.younger[r];
			ch = true;
		}
	}
	if (o.ls_has_smem && !ls_has_smem) {
		ls_has_smem = true;
		ch = true;
	}
	return ch;
}

int32_t waitcnt_imm(unsigned gm, unsigned ls)
{
	return (int32_t)((gm << MICA_WAITCNT_GM_SHIFT) | (ls << MICA_WAITCNT_LS_SHIFT));
}

void waitcnt_fields(int32_t imm, unsigned &gm, unsigned &ls)
{
	gm = ((unsigned)imm >> MICA_WAITCNT_GM_SHIFT) & ((1u << MICA_WAITCNT_BITS) - 1);
	ls = ((unsigned)imm >> MICA_WAITCNT_LS_SHIFT) & ((1u << MICA_WAITCNT_BITS) - 1);
}

bool wait_need(const WaitState &s, const mica_inst &mi, unsigned &gm, unsigned &ls, unsigned &reg)
{
	gm = ls = MICA_WAITCNT_NOWAIT;
	InstRegs regs = inst_regs(mi);
	bool need = false;
	auto check = [&](uint16_t r) {
		if (!s.counter[r])
			return;
		unsigned n = s.younger[r];
		if (s.counter[r] == MICA_COUNTER_GM) {
			if (n < gm) { gm = n; reg = r; }
		} else {
			if (s.ls_has_smem)
				n = 0;   // scalar loads may complete out of order with ds operations
			if (n < ls) { ls = n; reg = r; }
		}
		need = true;
	};
	for (uint16_t r : regs.reads)
		check(r);
	for (uint16_t r : regs.writes)
		check(r);
	return need;
}

void wait_apply(WaitState &s, unsigned gm, unsigned ls)
{
	for (unsigned r = 0; r < kRegSpace; r++) {
		if (s.counter[r] == MICA_COUNTER_GM && gm != MICA_WAITCNT_NOWAIT && s.younger[r] >= gm)
			s.counter[r] = 0;
		if (s.counter[r] == MICA_COUNTER_LS && ls != MICA_WAITCNT_NOWAIT && (s.younger[r] >= ls && !(s.ls_has_smem && ls > 0)))
			s.counter[r] = 0;
	}
	if (ls == 0)
		s.ls_has_smem = false;
}

void wait_issue(WaitState &s, const mica_inst &mi)
{
	const mica_op_info *m = mi.info;
	if (m->opcode == MICA_OP_S_WAITCNT) {
		unsigned gm, ls;
		waitcnt_fields(mi.imm, gm, ls);
		wait_apply(s, gm, ls);
		return;
	}
	if (m->opcode == MICA_OP_S_FENCE) {
		// A fence waits for all of the wave's outstanding operations, as s_waitcnt 0,0 (isa.md).
		wait_apply(s, 0, 0);
		return;
	}
	unsigned ctr = mica_unit_table[m->unit].counter;
	if (!ctr)
		return;
	for (unsigned r = 0; r < kRegSpace; r++)
		if (s.counter[r] == ctr && s.younger[r] < MICA_WAITCNT_NOWAIT - 1)
			s.younger[r]++;
	if (m->unit == MICA_UNIT_SMEM)
		s.ls_has_smem = true;
	bool returns = (m->flags & MICA_OPF_LOAD) || ((m->flags & MICA_OPF_ATOMIC) && mi.opnd[0] != MICA_OPND_NONE);
	if (!returns)
		return;
	unsigned n = mica_inst_opnd_regs(&mi, 0);
	for (unsigned k = 0; k < n; k++) {
		s.counter[mi.opnd[0] + k] = (uint8_t)ctr;
		s.younger[mi.opnd[0] + k] = 0;
	}
}

} // namespace mica::compiler
