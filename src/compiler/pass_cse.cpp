// Dominators, critical-edge splitting and common subexpression elimination (global value
// numbering restricted to pure operations; a match is reused when its block dominates the use).
#include <map>
#include <tuple>

#include "passes.h"

namespace mica::compiler {

using namespace ir;

bool DomTree::dominates(uint32_t a, uint32_t b) const
{
	if (b >= idom.size() || idom[b] == kNone)
		return false;
	for (int guard = 0; guard < 100000; guard++) {
		if (a == b)
			return true;
		if (idom[b] == b)
			return false;
		b = idom[b];
	}
	return false;
}

DomTree compute_dominators(const Program &p)
{
	DomTree t;
	size_t n = p.blocks.size();
	t.rpo_index.assign(n, kNone);
	t.idom.assign(n, kNone);
	std::vector<uint8_t> state(n, 0);
	std::vector<uint32_t> post;
	std::vector<std::pair<uint32_t, size_t>> stack{{0, 0}};
	state[0] = 1;
	while (!stack.empty()) {
		auto &[b, i] = stack.back();
		if (i < p.blocks[b].succs.size()) {
			uint32_t s = p.blocks[b].succs[i++];
			if (!state[s]) {
				state[s] = 1;
				stack.push_back({s, 0});
			}
		} else {
			post.push_back(b);
			stack.pop_back();
		}
	}
	t.rpo.assign(post.rbegin(), post.rend());
	for (uint32_t i = 0; i < t.rpo.size(); i++)
		t.rpo_index[t.rpo[i]] = i;
	t.idom[0] = 0;
	bool changed = true;
	while (changed) {
		changed = false;
		for (uint32_t b : t.rpo) {
			if (b == 0)
				continue;
			uint32_t nd = kNone;
			for (uint32_t pr : p.blocks[b].preds) {
				if (t.idom[pr] == kNone)
					continue;
				if (nd == kNone) {
					nd = pr;
					continue;
				}
				uint32_t x = pr, y = nd;
				while (x != y) {
					while (t.rpo_index[x] > t.rpo_index[y])
						x = t.idom[x];
					while (t.rpo_index[y] > t.rpo_index[x])
						y = t.idom[y];
				}
				nd = x;
			}
			if (nd != t.idom[b]) {
				t.idom[b] = nd;
				changed = true;
			}
		}
	}
	return t;
}

std::vector<bool> loop_blocks(const Program &p, uint32_t header)
{
	std::vector<bool> in(p.blocks.size(), false);
	uint32_t merge = p.blocks[header].merge_block;
	std::vector<uint32_t> work{header};
	in[header] = true;
	while (!work.empty()) {
		uint32_t b = work.back();
		work.pop_back();
		for (uint32_t s : p.blocks[b].succs)
			if (s != merge && !in[s]) {
				in[s] = true;
				work.push_back(s);
			}
	}
	return in;
}

bool split_critical_edges(Program &p)
{
	// Every edge out of a multi-successor block into a block with several predecessors or with phis
	// gets its own block, so out-of-SSA copies and exit actions have a place that only the lanes
	// taking that edge execute.
	bool changed = false;
	size_t n = p.blocks.size();
	for (uint32_t b = 0; b < n; b++) {
		if (p.blocks[b].instrs.empty())
			continue;
		Instr &term = p.blocks[b].instrs.back();
		if (!op_is_terminator(term.op) || terminator_targets(term).size() < 2)
			continue;
		// Several edges of one branch can reach the same block (switch labels sharing a case, a
		// case that is also the default). A phi has one incoming value per predecessor block, so
		// those edges share one split block, else the phi would miss the other split blocks.
		std::map<uint32_t, uint32_t> split_of;
		for (size_t k = 0; k < term.ops.size(); k++) {
			Operand &o = p.blocks[b].instrs.back().ops[k];
			if (o.kind != Operand::Kind::block)
				continue;
			uint32_t t = o.id;
			if (auto it = split_of.find(t); it != split_of.end()) {
				o.id = it->second;
				continue;
			}
			bool has_phi = !p.blocks[t].instrs.empty() && p.blocks[t].instrs[0].op == Op::phi;
			if (p.blocks[t].preds.size() < 2 && !has_phi)
				continue;
			uint32_t nb = (uint32_t)p.blocks.size();
			Block split;
			Instr br;
			br.op = Op::br;
			br.ops.push_back(Operand::block(t));
			split.instrs.push_back(br);
			p.blocks.push_back(split);
			p.blocks[b].instrs.back().ops[k].id = nb;
			split_of[t] = nb;
			// Phi incoming edges from b now come from the new block.
			for (Instr &phi : p.blocks[t].instrs) {
				if (phi.op != Op::phi)
					break;
				for (size_t i = 1; i < phi.ops.size(); i += 2)
					if (phi.ops[i].id == b) {
						phi.ops[i].id = nb;
						break;
					}
			}
			// A merge annotation naming t still names t (the split block falls into it).
			changed = true;
		}
	}
	if (changed)
		p.recompute_preds();
	return changed;
}

bool cse(Program &p)
{
	DomTree dt = compute_dominators(p);
	using Key = std::tuple<int, std::vector<std::tuple<int, uint32_t, uint64_t, int>>, int64_t, uint32_t, int, int, bool>;
	std::map<Key, std::vector<std::pair<uint32_t, uint32_t>>> table;   // -> (temp, block)
	std::vector<Operand> repl(p.temps.size());
	bool changed = false;
	for (uint32_t b : dt.rpo) {
		for (Instr &ins : p.blocks[b].instrs) {
			if (ins.op == Op::phi || ins.op == Op::copy || ins.op == Op::undef || op_has_side_effects(ins.op) ||
			    op_reads_memory(ins.op) || ins.defs.size() != 1 || !ins.defs[0].is_temp())
				continue;
			// Cross-lane operations depend on the execution mask: only merge them inside a block.
			bool cross = ins.op >= Op::ballot && ins.op <= Op::shuffle;
			std::vector<std::tuple<int, uint32_t, uint64_t, int>> ops;
			for (const Operand &o : ins.ops) {
				Operand r = o;
				while (r.is_temp() && repl[r.id].kind != Operand::Kind::none)
					r = repl[r.id];
				ops.push_back({(int)r.kind, r.id, r.value, r.size});
			}
			const RegClass &rc = p.temps[ins.defs[0].id];
			Key k{(int)ins.op, ops, ins.imm, ins.aux, rc.size, (int)rc.bank, rc.is_bool};
			auto &cands = table[k];
			bool found = false;
			for (auto [t, blk] : cands) {
				if (cross ? blk == b : dt.dominates(blk, b)) {
					repl[ins.defs[0].id] = Operand::temp(t, rc.size);
					found = true;
					changed = true;
					break;
				}
			}
			if (!found)
				cands.push_back({ins.defs[0].id, b});
		}
	}
	if (changed) {
		replace_uses(p, repl);
		dce(p);
	}
	return changed;
}

} // namespace mica::compiler
