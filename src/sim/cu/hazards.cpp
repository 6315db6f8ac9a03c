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

bool Worker::produce_slow(Wave &w, unsigned reg, const DecodedInst &d)
{
	RegMeta &m = w.meta[reg];
	const uint64_t p = w.cycle;
	uint64_t vis[3];
	uint8_t haz[3] = {0, 0, 0};
	uint64_t waw_until = 0;
	uint8_t waw_haz = 0;
	const mica_unit_info &u = mica_unit_table[d.unit];
	switch (d.unit) {
	case MICA_UNIT_SALU:
	case MICA_UNIT_CTRL:
		vis[kScalar] = vis[kBranch] = p + u.latency;
		vis[kVector] = p + u.latency;
		if (forwards_late_to_vector(reg)) {
			vis[kVector] = p + MICA_HAZARD_SALU_VALU_FORWARD_DISTANCE;
			haz[kVector] = MICA_HAZARD_SALU_VALU_FORWARD;
		}
		break;
	case MICA_UNIT_VALU: {
		uint64_t lat = lowpower_ ? u.lowpower_latency : u.latency;
		vis[0] = vis[1] = vis[2] = p + lat;
		if (lat > 1)
			haz[0] = haz[1] = haz[2] = MICA_HAZARD_LP_VALU_FORWARD;
		break;
	}
	default: { // non-interlocked long-latency vector units
		uint64_t lat = lowpower_ ? u.lowpower_latency : u.latency;
		vis[0] = vis[1] = vis[2] = p + lat;
		haz[0] = haz[1] = haz[2] = MICA_HAZARD_VALU_LONG_RAW;
		waw_until = p + lat;
		waw_haz = MICA_HAZARD_VALU_LONG_WAW;
		break;
	}
	}
	if (r1_ && reg == MICA_OPND_VCC && d.unit != MICA_UNIT_SALU && d.unit != MICA_UNIT_CTRL &&
	    p + MICA_HAZARD_R1_VCC_BRANCH_DISTANCE > vis[kBranch]) {
		// r1 erratum: the branch unit reads a VALU-written VCC from the register file late.
		vis[kBranch] = p + MICA_HAZARD_R1_VCC_BRANCH_DISTANCE;
		haz[kBranch] = MICA_HAZARD_R1_VCC_BRANCH;
	}
	bool delayed = false;
	for (unsigned c = 0; c < 3; c++) {
		m.vis[c] = vis[c];
		m.haz[c] = haz[c];
		m.guard[c] = vis[c] > p + 1 ? vis[c] : 0;
		delayed |= vis[c] > p + 1;
	}
	m.guard[kWrite] = waw_until;
	m.haz[kWrite] = waw_haz;
	m.issue = p;
	m.mem_ctr = 0;
	return delayed;
}

void Worker::produce_mem(Wave &w, unsigned reg, uint8_t counter, uint32_t seq, uint64_t done,
                         uint8_t lat)
{
	RegMeta &m = w.meta[reg];
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
