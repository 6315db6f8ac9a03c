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
			// The target as Worker::exec_ctrl and the translation compute it.
			const uint64_t target = off + MICA_INSTRUCTION_BYTES + static_cast<uint64_t>(static_cast<int64_t>(d.imm));
			if (target <= off || !code.slots.count(target))
				return false;
		}
		// The instructions after which the wave is not at the next slot: it ended, faulted or
		// jumped.
		const bool stops = d.op == MICA_OP_S_ENDPGM || d.op == MICA_OP_S_HALT || d.op == MICA_OP_S_TRAP ||
		                   d.op == MICA_OP_S_BRANCH;
		if (!stops && !code.slots.count(next))
			return false;
	}
	return true;
}

} // namespace mica::sim::cu::jit
