// SPDX-License-Identifier: MIT
// The pipeline model. A producer records, per destination register, the cycle from which each
// class of consumer sees the new value (from the unit's latency and the forwarding paths of the
// active revision and power profile); consumers that issue earlier take the slow path here,
// which counts the violation, faults the instruction in checked mode, and otherwise tells the
// caller to use the previous value (RAW) or to drop the younger write (WAW), as silicon would.
#include <algorithm>
#include <cstdio>

#include "worker.h"

namespace mica::sim::cu {

namespace {

bool forwards_late_to_vector(unsigned reg)
{
	// SALU results reach the vector path one cycle late: SGPRs, VCC and EXEC (not SCC).
	return reg >= MICA_OPND_SGPR_FIRST && reg <= MICA_OPND_VCC;
}

void clear_mem(RegMeta &m)
{
	m.mem_ctr = 0;
	for (unsigned c = 0; c < 3; c++)
		m.guard[c] = m.vis[c];
	m.guard[kWrite] = 0; // covered by a wait: the load has landed
}

} // namespace

void Worker::violation(Wave &w, unsigned reg, uint8_t hazard, uint64_t required, uint64_t actual,
                       bool write)
{
	(void)w;
	stats_.hazard_violations++;
	if (st_.checked && !violated_) {
		violated_ = true;
		viol_ = {hazard, reg, required, actual, write};
	}
}

bool Worker::fresh_slow(Wave &w, unsigned reg, Cls c)
{
	RegMeta &m = w.meta[reg];
	if (m.mem_ctr) {
		if (m.mem_seq < w.ctr[m.mem_ctr].waited) {
			clear_mem(m);
			return w.cycle >= m.vis[c];
		}
		violation(w, reg, MICA_HAZARD_MEM_RESULT, m.mem_lat, w.cycle - m.issue, false);
		return w.cycle >= m.vis[c];
	}
	if (w.cycle >= m.vis[c])
		return true;
	violation(w, reg, m.haz[c], m.vis[c] - m.issue, w.cycle - m.issue, false);
	return false;
}

bool Worker::write_slow(Wave &w, unsigned reg)
{
	RegMeta &m = w.meta[reg];
	if (m.mem_ctr) {
		if (m.mem_seq < w.ctr[m.mem_ctr].waited) {
			clear_mem(m);
			return true;
		}
		violation(w, reg, MICA_HAZARD_MEM_RESULT, m.mem_lat, w.cycle - m.issue, true);
		// If the load has not landed yet it will overwrite this younger write.
		return w.cycle >= m.vis[kScalar];
	}
	if (w.cycle >= m.guard[kWrite])
		return true;
	violation(w, reg, m.haz[kWrite], m.guard[kWrite] - m.issue, w.cycle - m.issue, true);
	return false;
}

ProducePlan produce_plan(unsigned unit, unsigned reg, bool lowpower, bool r1)
{
	ProducePlan pl;
	const mica_unit_info &u = mica_unit_table[unit];
	switch (unit) {
	case MICA_UNIT_SALU:
	case MICA_UNIT_CTRL:
		pl.vis[kScalar] = pl.vis[kBranch] = pl.vis[kVector] = u.latency;
		if (forwards_late_to_vector(reg)) {
			pl.vis[kVector] = MICA_HAZARD_SALU_VALU_FORWARD_DISTANCE;
			pl.haz[kVector] = MICA_HAZARD_SALU_VALU_FORWARD;
		}
		break;
	case MICA_UNIT_VALU: {
		const uint8_t lat = lowpower ? u.lowpower_latency : u.latency;
		pl.vis[0] = pl.vis[1] = pl.vis[2] = lat;
		if (lat > 1)
			pl.haz[0] = pl.haz[1] = pl.haz[2] = MICA_HAZARD_LP_VALU_FORWARD;
		break;
	}
	default: { // non-interlocked long-latency vector units
		const uint8_t lat = lowpower ? u.lowpower_latency : u.latency;
		pl.vis[0] = pl.vis[1] = pl.vis[2] = lat;
		pl.haz[0] = pl.haz[1] = pl.haz[2] = MICA_HAZARD_VALU_LONG_RAW;
		pl.waw = true;
		pl.waw_dist = lat;
		pl.haz[kWrite] = MICA_HAZARD_VALU_LONG_WAW;
		break;
	}
	}
	if (r1 && reg == MICA_OPND_VCC && unit != MICA_UNIT_SALU && unit != MICA_UNIT_CTRL &&
	    MICA_HAZARD_R1_VCC_BRANCH_DISTANCE > pl.vis[kBranch]) {
		// r1 erratum: the branch unit reads a VALU-written VCC from the register file late.
		pl.vis[kBranch] = MICA_HAZARD_R1_VCC_BRANCH_DISTANCE;
		pl.haz[kBranch] = MICA_HAZARD_R1_VCC_BRANCH;
	}
	for (unsigned c = 0; c < 3; c++)
		pl.delayed |= pl.vis[c] > 1;
	return pl;
}

void Worker::compute_plans()
{
	static constexpr unsigned kClassReg[3] = {MICA_OPND_SCC, MICA_OPND_SGPR_FIRST, MICA_OPND_VCC};
	for (unsigned u = 0; u < MICA_UNIT_COUNT; u++)
		for (unsigned k = 0; k < 3; k++)
			plans_[u][k] = produce_plan(u, kClassReg[k], lowpower_, r1_);
}

bool Worker::produce_slow(Wave &w, unsigned reg, const DecodedInst &d)
{
	RegMeta &m = w.meta[reg];
	w.records_dirty = 1;
	const uint64_t p = w.cycle;
	const ProducePlan &pl = plans_[d.unit][plan_class(reg)];
	for (unsigned c = 0; c < 3; c++) {
		m.vis[c] = p + pl.vis[c];
		m.haz[c] = pl.haz[c];
		m.guard[c] = pl.vis[c] > 1 ? p + pl.vis[c] : 0;
	}
	m.guard[kWrite] = pl.waw ? p + pl.waw_dist : 0;
	m.haz[kWrite] = pl.haz[kWrite];
	m.issue = p;
	m.mem_ctr = 0;
	return pl.delayed;
}

void Worker::produce_mem(Wave &w, unsigned reg, uint8_t counter, uint32_t seq, uint64_t done,
                         uint8_t lat)
{
	RegMeta &m = w.meta[reg];
	w.records_dirty = 1;
	for (unsigned c = 0; c < 3; c++) {
		m.vis[c] = done;
		m.haz[c] = MICA_HAZARD_MEM_RESULT;
		m.guard[c] = kNever;
	}
	m.guard[kWrite] = kNever;
	m.haz[kWrite] = MICA_HAZARD_MEM_RESULT;
	m.issue = w.cycle;
	m.mem_ctr = counter;
	m.mem_seq = seq;
	m.mem_lat = lat;
}

void Worker::write_sreg(Wave &w, unsigned reg, uint32_t value, const DecodedInst &d)
{
	if (reg == MICA_OPND_NONE)
		return;
	unsigned i = reg - kSregFirst;
	if (produce(w, reg, d))
		w.sprev[i] = w.s[i];
	w.s[i] = value;
}

void Worker::write_vrow(Wave &w, unsigned reg, const uint32_t *val, const DecodedInst &d)
{
	Row &dst = w.v[reg];
	if (produce(w, reg, d))
		w.vprev[reg] = dst;
	const uint32_t *m = w.lanes.l;
	for (unsigned i = 0; i < kLanes; i++)
		dst.l[i] = (val[i] & m[i]) | (dst.l[i] & ~m[i]);
}

} // namespace mica::sim::cu
