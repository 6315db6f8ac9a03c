// SPDX-License-Identifier: MIT
#include "wave_chain.h"

namespace mica::sim::cu::jit {

bool chains(const Code &code, unsigned quantum)
{
	if (code.slots.empty() || code.slots.size() > quantum || code.slots.begin()->first != 0)
		return false;
	for (const auto &[off, slot] : code.slots) {
		if (slot.state != SlotState::Ok)
			return false; // the interpreter raises the fault there; it is not all of the program
		const DecodedInst &d = slot.inst;
		if (d.op == MICA_OP_S_BARRIER)
			return false;
		const uint64_t next = off + d.words * uint64_t(MICA_INSTRUCTION_BYTES);
		if (d.flags & MICA_OPF_BRANCH) {
			const uint64_t target = branch_target(off, d);
			if (target <= off || !code.slots.count(target))
				return false;
		}
		// The instructions after which the wave is not at the next slot (as translate.cpp's
		// discovery walk reads them): it ended (s_endpgm, s_halt), faulted (s_trap) or jumped.
		const bool stops = (d.flags & MICA_OPF_END) || d.op == MICA_OP_S_TRAP ||
		                   ((d.flags & MICA_OPF_BRANCH) && !(d.flags & MICA_OPF_COND));
		if (!stops && !code.slots.count(next))
			return false;
	}
	return true;
}

} // namespace mica::sim::cu::jit
