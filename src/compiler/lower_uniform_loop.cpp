// Uniform loops -> scalar branches (part of instruction selection; pass_uniform_loops.cpp decides
// which loops qualify, docs/compiler.md "Uniform loops"). In such a loop no lane ever leaves an
// iteration or the loop apart from the others, so EXEC at the header is always EXEC at the
// entry: the general scheme's masks (break, continue, the iteration's active lanes) and its
// s_cbranch_execz / s_cbranch_execnz tests are not needed. The loop becomes
//   header: ... s_cmp c, 0; s_cbranch_scc1 exit     (an exit on a uniform condition)
//   body ...; continue construct ...; s_branch header
//   exit:
// Divergent control flow inside the body still uses EXEC masks; its lanes are together again
// before any exit, continue or back edge (that is what makes the loop uniform).
#include "isel_internal.h"

namespace mica::compiler::isel_detail {

// SCC = the uniform boolean 'cond'. A compare of this block has usually just set it (and copied
// it into 'cond', which is dropped when the branch is its only use).
void Isel::scc_from(Operand cond)
{
	auto &instrs = out_.blocks[cur_].instrs;
	if (cond.is_temp() && !instrs.empty()) {
		const Instr &last = instrs.back();
		if (last.op == Op::mach && last.mop->opcode == MICA_OP_S_MOV_B32 && last.defs.size() == 1 &&
		    last.defs[0].is_temp() && last.defs[0].id == cond.id && last.ops[0].kind == Operand::Kind::reg &&
		    last.ops[0].reg == MICA_OPND_SCC) {
			if (uses_[cond.id] == 1)
				instrs.pop_back();
			return;
		}
	}
	emit(MICA_OP_S_CMP_NE_U32, Operand{}, {cond, Operand::c32(0)});
}

// The lanes (all of the loop's) leave the iteration or the loop: a branch to the continue block
// or past the loop, patched when that block exists.
void Isel::uniform_exit(size_t ci, int kind, unsigned opcode)
{
	Ctx &c = ctx_[ci];
	if (kind != 0 && kind != 1)
		fail("internal error: unexpected exit kind from a uniform loop");
	for (size_t i = ci + 1; i < ctx_.size(); i++)
		if (ctx_[i].k == Ctx::K::loop)
			fail("internal error: exit of a uniform loop from a nested loop");
	branch(opcode);
	(kind == 0 ? c.brk_jumps : c.cont_jumps).push_back(here());
	(kind == 0 ? c.break_from : c.cont_from).push_back(cur_);
}

// A conditional branch without a selection merge on a uniform condition, directly inside a
// uniform loop: all lanes go to 'side' when the condition is 'side_when', else on (the caller
// continues with the other side).
void Isel::uniform_branch(Operand cond, bool side_when, uint32_t side, uint32_t stop, RegionOut &out)
{
	if (cond.is_temp() && bank_of(cond) == Bank::mask)
		fail("internal error: divergent branch taken as uniform");
	scc_from(cond);
	const unsigned to_side = side_when ? MICA_OP_S_CBRANCH_SCC1 : MICA_OP_S_CBRANCH_SCC0;
	const unsigned past_side = side_when ? MICA_OP_S_CBRANCH_SCC0 : MICA_OP_S_CBRANCH_SCC1;
	const uint32_t from = cur_;
	size_t ci;
	int kind;
	if (side != stop && exit_kind(side, ci, kind) && kind != 3) {
		// Straight to the exit: no edge block to run on the way.
		if (!ctx_[ci].uniform)
			fail("internal error: uniform branch out of a masked construct");
		uniform_exit(ci, kind, to_side);
	} else if (side == stop) {
		branch(to_side);
		out.skips.push_back(here());
	} else {
		branch(past_side);
		auto skip = here();
		logical_edge(from, new_block());
		RegionOut side_out;
		if (region(side, stop, side_out) == End::fell_through) {
			branch(MICA_OP_S_BRANCH);
			out.skips.push_back(here());
			for (uint32_t e : side_out.ends)
				if (e != cur_)
					out.ends.push_back(e);
		}
		out.skips.insert(out.skips.end(), side_out.skips.begin(), side_out.skips.end());
		land_skip(skip, new_block());
		return;
	}
	logical_edge(from, new_block());
}

void Isel::emit_uniform_loop(uint32_t header)
{
	const Block &h = mid_.blocks[header];
	const bool single = h.continue_block == header;
	Ctx c = loop_ctx(header);
	c.uniform = true;
	const uint32_t pre = cur_;
	const uint32_t hb = new_block();
	logical_edge(pre, hb);
	ctx_.push_back(c);
	const uint32_t cb = loop_body(header);
	RegionOut cont_out;
	for (auto j : ctx_.back().cont_jumps)
		patch(j.first, j.second, cb);
	region(h.continue_block, header, cont_out, single);
	// The back edge: the continue construct's fall-through and its branches to the header.
	if (!cont_out.ends.empty()) {
		for (uint32_t e : cont_out.ends)
			logical_edge(e, hb);
		branch(MICA_OP_S_BRANCH).ops[0].id = hb;
	}
	for (auto s : cont_out.skips)
		land_skip(s, hb);
	const uint32_t x = new_block();
	for (uint32_t f : ctx_.back().break_from)
		logical_edge(f, x);
	for (auto j : ctx_.back().brk_jumps)
		patch(j.first, j.second, x);
	ctx_.pop_back();
}

} // namespace mica::compiler::isel_detail
