// SPDX-License-Identifier: MIT
// Control instructions: branches, waits and fences, barriers, hardware registers, and the
// privileged instructions of kernel-ring dispatches.
#include <algorithm>
#include <atomic>

#include "worker.h"

namespace mica::sim::cu {

void Worker::wait_counters(Wave &w, uint32_t gm, uint32_t ls)
{
	const uint32_t want[3] = {MICA_WAITCNT_NOWAIT, gm, ls};
	uint64_t next = w.cycle + 1;
	for (unsigned c = MICA_COUNTER_GM; c <= MICA_COUNTER_LS; c++) {
		if (want[c] >= MICA_WAITCNT_NOWAIT)
			continue;
		MemCounter &mc = w.ctr[c];
		if (mc.issued > want[c]) {
			uint32_t seq = mc.issued - want[c] - 1; // must have completed
			next = std::max(next, mc.at(seq));
			mc.waited = std::max(mc.waited, seq + 1);
		}
	}
	w.stall += next - (w.cycle + 1);
	w.cycle = next - 1; // step() adds the issue cycle
}

// A 64-bit result into an SGPR pair (s_getpc, s_timestamp, s_perfcnt_read). Both halves are checked for a
// write-after-write hazard before either is written, so a hazard fault leaves the pair intact.
Step Worker::write_s64_result(Wave &w, const DecodedInst &d, uint64_t v)
{
	if (d.opnd[0] == MICA_OPND_NONE)
		return Step::Continue;
	const bool k0 = writable(w, d.opnd[0]), k1 = writable(w, d.opnd[0] + 1u);
	if (violated_)
		return hazard_fault(w, d);
	if (k0)
		write_sreg(w, d.opnd[0], static_cast<uint32_t>(v), d);
	if (k1)
		write_sreg(w, d.opnd[0] + 1u, static_cast<uint32_t>(v >> 32), d);
	return Step::Continue;
}

Step Worker::exec_ctrl(Wave &w, const DecodedInst &d)
{
	const uint64_t target = cur_pc_ + MICA_INSTRUCTION_BYTES + static_cast<int64_t>(d.imm);
	switch (d.op) {
	case MICA_OP_S_NOP:
		w.cycle += static_cast<uint32_t>(d.imm);
		return Step::Continue;
	case MICA_OP_S_ENDPGM:
	case MICA_OP_S_HALT:
		w.cycle++;
		return Step::Ended;
	case MICA_OP_S_BRANCH:
		w.pc = target;
		return Step::Continue;
	case MICA_OP_S_CBRANCH_SCC0:
	case MICA_OP_S_CBRANCH_SCC1:
	case MICA_OP_S_CBRANCH_VCCZ:
	case MICA_OP_S_CBRANCH_VCCNZ:
	case MICA_OP_S_CBRANCH_EXECZ:
	case MICA_OP_S_CBRANCH_EXECNZ: {
		unsigned reg = d.op <= MICA_OP_S_CBRANCH_SCC1 ? MICA_OPND_SCC
		             : d.op <= MICA_OP_S_CBRANCH_VCCNZ ? MICA_OPND_VCC : MICA_OPND_EXEC;
		uint32_t v = read_s(w, reg, kBranch);
		if (violated_)
			return hazard_fault(w, d);
		bool zero_test = d.op == MICA_OP_S_CBRANCH_SCC0 || d.op == MICA_OP_S_CBRANCH_VCCZ ||
		                 d.op == MICA_OP_S_CBRANCH_EXECZ;
		if ((v == 0) == zero_test)
			w.pc = target;
		return Step::Continue;
	}
	case MICA_OP_S_WAITCNT: {
		uint32_t imm = static_cast<uint32_t>(d.imm), mask = (1u << MICA_WAITCNT_BITS) - 1;
		wait_counters(w, (imm >> MICA_WAITCNT_GM_SHIFT) & mask, (imm >> MICA_WAITCNT_LS_SHIFT) & mask);
		return Step::Continue;
	}
	case MICA_OP_S_BARRIER:
		return Step::Barrier;
	case MICA_OP_S_FENCE:
		// All of this wave's memory operations complete before it continues; device and system
		// scopes also order the host threads that run other compute units.
		wait_counters(w, 0, 0);
		if (static_cast<uint32_t>(d.imm) != MICA_SCOPE_WORKGROUP)
			std::atomic_thread_fence(std::memory_order_seq_cst);
		return Step::Continue;
	case MICA_OP_S_GETREG_B32: {
		uint32_t v;
		switch (static_cast<uint32_t>(d.imm)) {
		case MICA_HWREG_HW_ID:
			v = MICA_BITFIELD_PUT(HW_ID, WAVE_SLOT, w.slot) | MICA_BITFIELD_PUT(HW_ID, CU, cu_) |
			    MICA_BITFIELD_PUT(HW_ID, CONTEXT, st_.ctx);
			break;
		case MICA_HWREG_REVISION: v = st_.revision; break;
		case MICA_HWREG_POWER_PROFILE: v = st_.power_profile; break;
		case MICA_HWREG_CYCLE_LO: v = static_cast<uint32_t>(wg_base_ + w.cycle); break;
		case MICA_HWREG_CYCLE_HI: v = static_cast<uint32_t>((wg_base_ + w.cycle) >> 32); break;
		case MICA_HWREG_CONFIG: v = config_; break;
		default:
			return raise(w, &d, MICA_FAULT_ILLEGAL_INSTRUCTION, cur_pc_, MICA_ACCESS_EXEC,
			             "undefined hardware register");
		}
		if (d.opnd[0] != MICA_OPND_NONE) {
			bool keep = writable(w, d.opnd[0]);
			if (violated_)
				return hazard_fault(w, d);
			if (keep)
				write_sreg(w, d.opnd[0], v, d);
		}
		return Step::Continue;
	}
	case MICA_OP_S_GETPC_B64: {
		// The address of the following instruction (GCN convention).
		return write_s64_result(w, d, cur_pc_ + MICA_INSTRUCTION_BYTES);
	}
	case MICA_OP_S_TIMESTAMP_B64:
		// Device time: the dispatch's start TIMESTAMP plus this compute unit's elapsed cycles in
		// the dispatch (earlier workgroups, then the wave's issue cycle). Every compute unit's
		// timeline starts at the dispatch's start, so this is one device-wide clock (isa.md).
		return write_s64_result(w, d, st_.start_timestamp + wg_base_ + w.cycle);
	case MICA_OP_S_SETREG_B32: {
		uint32_t v = d.src[1] == Src::Const ? static_cast<uint32_t>(d.k[1]) : read_s(w, d.opnd[1], kScalar);
		if (violated_)
			return hazard_fault(w, d);
		if (static_cast<uint32_t>(d.imm) != MICA_HWREG_CONFIG)
			return raise(w, &d, MICA_FAULT_ILLEGAL_INSTRUCTION, cur_pc_, MICA_ACCESS_EXEC,
			             "hardware register is not writable");
		config_ = v;
		return Step::Continue;
	}
	case MICA_OP_S_PERFCNT_READ: {
		uint64_t v;
		switch (static_cast<uint32_t>(d.imm)) {
		case MICA_PERF_CYCLES: v = wg_base_ + w.cycle; break;
		case MICA_PERF_INSTRUCTIONS: v = stats_.instructions; break;
		case MICA_PERF_LANE_INSTRUCTIONS: v = stats_.lane_instructions; break;
		case MICA_PERF_MEM_OPS: v = stats_.mem_ops; break;
		case MICA_PERF_STALL_CYCLES: v = stats_.stall_cycles + w.stall; break;
		case MICA_PERF_WAVES: v = stats_.waves; break;
		case MICA_PERF_HAZARD_VIOLATIONS: v = stats_.hazard_violations; break;
		case MICA_PERF_DISPATCHES: v = 1; break;
		default:
			return raise(w, &d, MICA_FAULT_ILLEGAL_INSTRUCTION, cur_pc_, MICA_ACCESS_EXEC,
			             "undefined performance counter");
		}
		return write_s64_result(w, d, v);
	}
	case MICA_OP_S_TRAP: {
		Step s = raise(w, &d, MICA_FAULT_TRAP, 0, 0, "s_trap " + std::to_string(d.imm));
		fault_.info = static_cast<uint32_t>(d.imm);
		return s;
	}
	default:
		return raise(w, &d, MICA_FAULT_ILLEGAL_INSTRUCTION, cur_pc_, MICA_ACCESS_EXEC,
		             "no control semantics");
	}
}

} // namespace mica::sim::cu
