// Hazard NOP insertion, wait-count insertion and the static verifier (all on AsmProgram).
#pragma once

#include <vector>

#include "hazard_rules.h"
#include "hazard_verify.h"

namespace mica::compiler {

struct HazardPassStats {
	std::vector<uint32_t> nops_per_hazard = std::vector<uint32_t>(MICA_HAZARD_COUNT, 0);
	std::vector<uint32_t> cycles_per_hazard = std::vector<uint32_t>(MICA_HAZARD_COUNT, 0);
	uint32_t waits = 0;
};

// Forward dataflow over the CFG to a fixpoint (loops included); inserts s_waitcnt before any
// instruction touching a register whose load result may still be in flight (MEM_RESULT).
// The forward dataflow both passes run over the CFG. A block's entry state is entry_state(b)
// joined (State::merge) with its visited predecessors' exit states; rewrite(b, s) recomputes the
// block's inserted instructions from scratch and leaves its exit state in s. Blocks are revisited
// until no exit state changes (same()), so loops reach a fixpoint; the joins are monotone and
// bounded, and the iteration cap only guards against a broken join.
template <class State, class Entry, class Rewrite, class Same>
void forward_dataflow(AsmProgram &p, Entry entry_state, Rewrite rewrite, Same same)
{
	const size_t nb = p.blocks.size();
	std::vector<State> out(nb);
	std::vector<bool> visited(nb, false);
	std::vector<std::vector<uint32_t>> preds(nb);
	for (uint32_t b = 0; b < nb; b++)
		for (uint32_t succ : p.blocks[b].succs)
			preds[succ].push_back(b);
	bool changed = true;
	for (int iter = 0; changed && iter < 1000; iter++) {
		changed = false;
		for (uint32_t b = 0; b < nb; b++) {
			State s = entry_state(b);
			for (uint32_t pr : preds[b])
				if (visited[pr])
					s.merge(out[pr]);
			rewrite(b, s);
			if (!visited[b] || !same(out[b], s)) {
				visited[b] = true;
				out[b] = s;
				changed = true;
			}
		}
	}
}

// -O1 and up, before the two passes below: a workgroup fence that opens a block moves into the
// predecessors that may have a memory operation in flight (pass_sink_fences.cpp).
bool sink_workgroup_fences(AsmProgram &p);
void insert_waits(AsmProgram &p, HazardPassStats &stats);
// Same scheme for the distance rules; inserts s_nop N before the consumer. Rules are keyed by the
// program's revision and power profile.
void insert_hazard_nops(AsmProgram &p, HazardPassStats &stats);

} // namespace mica::compiler
