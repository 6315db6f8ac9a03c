// Uniform loops: loops whose lanes all leave together and all start every iteration together, so
// that EXEC is the same at the header in every iteration as at the loop's entry. Instruction
// selection lowers them with scalar branches (s_cmp + s_cbranch_scc*, s_branch back) instead of
// the break / continue / iteration masks of the general scheme (docs/compiler.md "Uniform loops").
//
// A loop qualifies when (after uniformity decided every value's bank):
//  - every edge out of it goes to its own merge block (no return, no break or continue of an
//    enclosing construct from inside it), and it contains no block without successors;
//  - no exit to its merge comes from inside a nested loop (the nested loop's masks may hold lanes
//    that left it earlier, so the lanes at that exit need not be all of the loop's lanes);
//  - no divergent branch inside it can lead, before its lanes are together again at its immediate
//    post-dominator, to the merge block, the header (a back edge) or the continue target (a
//    continue); the post-dominator itself must be inside the loop. Exception: a divergent
//    selection whose merge block is the continue target, from the blocks of its arms outside
//    nested constructs (isel ends those arms at that block as their stop and restores EXEC
//    there; they are not continues).
// Uniform conditions of the exits themselves are what the last rule leaves: a divergent exit
// branch is a divergent branch whose successor is the merge, header or continue target.
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

bool divergent_branch(const Program &p, const Block &b)
{
	if (b.instrs.empty())
		return false;
	const Instr &t = b.instrs.back();
	if (t.op != Op::cbr && t.op != Op::switch_)
		return false;
	const Operand &c = t.ops[0];
	if (!c.is_temp())
		return false;
	const Bank bank = p.temps[c.id].bank;
	return bank == Bank::mask || bank == Bank::vgpr;
}

// A divergent selection whose merge block is the loop's continue target: its lanes join there,
// and isel's arms of it end at that block (a fall-through to the arm's stop, not a continue).
// The blocks of those arms outside nested constructs (whose own branches to the continue target
// are continues of part of the lanes) may branch there.
std::vector<bool> reach_continue_as_merge(const Program &p, uint32_t d, uint32_t cont)
{
	std::vector<bool> direct(p.blocks.size(), false);
	const Block &sel = p.blocks[d];
	if (sel.merge != Block::Merge::selection || sel.merge_block != cont)
		return direct;
	direct[d] = true;
	std::vector<bool> seen(p.blocks.size(), false);
	std::vector<uint32_t> work(sel.succs.begin(), sel.succs.end());
	while (!work.empty()) {
		uint32_t x = work.back();
		work.pop_back();
		if (x == cont || seen[x])
			continue;
		seen[x] = true;
		const Block &b = p.blocks[x];
		if (b.merge != Block::Merge::none) {
			work.push_back(b.merge_block);   // a nested construct: on after it
			continue;
		}
		direct[x] = true;
		work.insert(work.end(), b.succs.begin(), b.succs.end());
	}
	return direct;
}

bool loop_is_uniform(const Program &p, uint32_t header, const std::vector<uint32_t> &ipdom)
{
	const Block &h = p.blocks[header];
	const uint32_t merge = h.merge_block, cont = h.continue_block;
	const std::vector<bool> in = loop_blocks(p, header);
	const size_t n = p.blocks.size();
	for (uint32_t b = 0; b < n; b++) {
		if (!in[b])
			continue;
		if (p.blocks[b].succs.empty())
			return false;
		for (uint32_t s : p.blocks[b].succs)
			if (!in[s] && s != merge)
				return false;
	}
	for (uint32_t inner = 0; inner < n; inner++) {
		if (inner == header || !in[inner] || p.blocks[inner].merge != Block::Merge::loop)
			continue;
		const std::vector<bool> nested = loop_blocks(p, inner);
		for (uint32_t b = 0; b < n; b++)
			if (nested[b] && in[b])
				for (uint32_t s : p.blocks[b].succs)
					if (s == merge)
						return false;
	}
	for (uint32_t d = 0; d < n; d++) {
		if (!in[d] || !divergent_branch(p, p.blocks[d]))
			continue;
		const uint32_t join = ipdom[d];
		if (join == kNone || !in[join])
			return false;
		const std::vector<bool> to_cont = reach_continue_as_merge(p, d, cont);
		// Blocks some but maybe not all of the branch's lanes run: from its successors up to the
		// join, not around this loop's back edge.
		std::vector<bool> seen(n, false);
		std::vector<uint32_t> work{d};
		seen[d] = true;
		while (!work.empty()) {
			uint32_t x = work.back();
			work.pop_back();
			for (uint32_t s : p.blocks[x].succs) {
				if (s == merge || s == header || (s == cont && !to_cont[x]))
					return false;
				if (s == join || seen[s])
					continue;
				seen[s] = true;
				work.push_back(s);
			}
		}
	}
	return true;
}

} // namespace

std::vector<bool> uniform_loops(const Program &p)
{
	std::vector<bool> uniform(p.blocks.size(), false);
	std::vector<uint32_t> ipdom;
	for (uint32_t h = 0; h < p.blocks.size(); h++) {
		if (p.blocks[h].merge != Block::Merge::loop)
			continue;
		if (ipdom.empty())
			ipdom = immediate_post_dominators(p);
		uniform[h] = loop_is_uniform(p, h, ipdom);
	}
	return uniform;
}

} // namespace mica::compiler
