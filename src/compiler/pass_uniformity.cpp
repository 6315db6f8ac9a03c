// Uniformity (divergence) analysis. Decides for every temporary whether it lives in SGPRs (one
// value per wave) or VGPRs (one per lane), and for booleans whether they are a uniform 0/1 (sbool)
// or a lane mask. A value is divergent when
//  - its operation is inherently per lane (local id, lane id, vector memory, float math with no
//    scalar unit, ...) or one of its operands is divergent;
//  - it is a phi at a block where lanes split by a divergent branch join again (sync dependence);
//  - it is defined inside a loop whose exit is divergent and used outside it (temporal divergence:
//    lanes leave in different iterations and keep the value of their last one).
// The analysis iterates to a fixpoint since divergent branches make more values divergent.
#include <algorithm>

#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

bool always_vector(Op op)
{
	switch (op) {
	case Op::local_id:
	case Op::lane_id:
	case Op::load_global:
	case Op::load_shared:
	case Op::atomic_global:
	case Op::atomic_shared:
	case Op::image_read:     // texels differ per lane; descriptors (load_desc) follow their address
	case Op::image_atomic:
	case Op::extract:
	case Op::udiv:
	case Op::sdiv:
	case Op::umod:
	case Op::srem:
	case Op::smod:
	case Op::umulhi:
	case Op::smulhi:
	case Op::bitreverse:
	case Op::findlsb:
	case Op::findumsb:
	case Op::bfe_u:
	case Op::bfe_s:
	case Op::bfi:
	case Op::inclusive_scan:
	case Op::exclusive_scan:
	case Op::clustered_reduce:   // one value per cluster of lanes
	case Op::shuffle:
	case Op::cvt_f_s:
	case Op::cvt_f_u:
	case Op::cvt_s_f:
	case Op::cvt_u_f:
	case Op::cvt_f_f:
	case Op::cvt_f16_f32:
	case Op::cvt_f32_f16:
		return true;
	default:
		return op >= Op::fadd && op <= Op::fldexp;
	}
}

bool always_scalar(Op op)
{
	switch (op) {
	case Op::user_data:
	case Op::workgroup_id:
	case Op::subgroup_id:
	case Op::scratch_wave_offset:
	case Op::read_clock:   // one counter per wave
	case Op::read_device_clock: // read once per wave
	// An image/sampler descriptor: Vulkan requires a dynamically uniform array index (the
	// *ArrayDynamicIndexing features; non-uniform indexing is not advertised), so the descriptor is
	// one value per wave even when the compiler cannot prove the index uniform (isel_image.cpp).
	case Op::load_desc:
	case Op::const_data_base:
	case Op::ballot:
	case Op::broadcast:
	case Op::broadcast_first:
	case Op::reduce:
	case Op::vote_any:
	case Op::vote_all:
	case Op::vote_eq:
		return true;
	default:
		return false;
	}
}

} // namespace

// Post-dominator sets by the iterative data-flow over the reversed CFG; exits
// (blocks without successors) share one virtual exit.
std::vector<uint32_t> immediate_post_dominators(const Program &p)
{
	const size_t n = p.blocks.size();
	std::vector<std::vector<bool>> pdom(n, std::vector<bool>(n, true));
	std::vector<bool> reaches_exit(n, false);
	for (size_t b = 0; b < n; b++)
		if (p.blocks[b].succs.empty()) {
			pdom[b].assign(n, false);
			pdom[b][b] = true;
			reaches_exit[b] = true;
		}
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t b = n; b-- > 0;) {
			if (p.blocks[b].succs.empty())
				continue;
			std::vector<bool> next(n, true);
			bool any = false;
			for (uint32_t s : p.blocks[b].succs) {
				if (!reaches_exit[s])
					continue;   // a path that never exits constrains nothing
				any = true;
				for (size_t x = 0; x < n; x++)
					next[x] = next[x] && pdom[s][x];
			}
			if (!any)
				continue;
			next[b] = true;
			if (!reaches_exit[b] || next != pdom[b]) {
				reaches_exit[b] = true;
				pdom[b] = std::move(next);
				changed = true;
			}
		}
	}
	std::vector<uint32_t> ipdom(n, kNone);
	for (size_t b = 0; b < n; b++) {
		if (!reaches_exit[b])
			continue;
		// The strict post-dominator that all others post-dominate has the largest set.
		size_t best_size = 0;
		for (size_t x = 0; x < n; x++) {
			if (x == b || !pdom[b][x])
				continue;
			size_t sz = (size_t)std::count(pdom[x].begin(), pdom[x].end(), true);
			if (sz > best_size) {
				best_size = sz;
				ipdom[b] = (uint32_t)x;
			}
		}
	}
	return ipdom;
}

void uniformity(Program &p)
{
	size_t nt = p.temps.size();
	std::vector<bool> div(nt, false);
	std::vector<uint32_t> def_block(nt, kNone);
	for (uint32_t b = 0; b < p.blocks.size(); b++)
		for (const Instr &ins : p.blocks[b].instrs)
			for (const Operand &d : ins.defs)
				if (d.is_temp())
					def_block[d.id] = b;
	auto opdiv = [&](const Operand &o) { return o.is_temp() && div[o.id]; };

	std::vector<uint32_t> headers;
	std::vector<std::vector<bool>> loops;
	for (uint32_t h = 0; h < p.blocks.size(); h++)
		if (p.blocks[h].merge == Block::Merge::loop) {
			headers.push_back(h);
			loops.push_back(loop_blocks(p, h));
		}

	// Blocks reachable from 'from' without entering any block in 'barrier'; blocks in 'last' are
	// reached but not left (lanes reconverge there).
	auto reach = [&](uint32_t from, const std::vector<bool> &barrier, const std::vector<bool> *last = nullptr) {
		std::vector<bool> seen(p.blocks.size(), false);
		if (barrier[from])
			return seen;
		std::vector<uint32_t> work{from};
		seen[from] = true;
		while (!work.empty()) {
			uint32_t b = work.back();
			work.pop_back();
			if (last && (*last)[b])
				continue;
			for (uint32_t s : p.blocks[b].succs)
				if (!seen[s] && !barrier[s]) {
					seen[s] = true;
					work.push_back(s);
				}
		}
		return seen;
	};

	const std::vector<uint32_t> ipdom = immediate_post_dominators(p);

	// Values a loop computes alike in every iteration: operations without side effects, memory
	// reads or cross-lane communication, whose operands come from outside the loop or are such
	// values themselves; also reads of constant memory (descriptors, push constants, kernel
	// arguments: nothing in a dispatch writes them). Lanes that leave the loop in different
	// iterations see the same value, so temporal divergence does not apply (e.g. a push-constant
	// load that CSE shares with later loops, first computed inside a loop with a divergent exit).
	std::vector<std::vector<bool>> same_every_iteration(headers.size());
	for (size_t l = 0; l < headers.size(); l++) {
		std::vector<bool> &same = same_every_iteration[l];
		same.assign(nt, false);
		for (bool grew = true; grew;) {
			grew = false;
			for (uint32_t b = 0; b < p.blocks.size(); b++) {
				if (!loops[l][b])
					continue;
				for (const Instr &ins : p.blocks[b].instrs) {
					if (ins.defs.size() != 1 || !ins.defs[0].is_temp() || same[ins.defs[0].id] || ins.op == Op::phi ||
					    op_has_side_effects(ins.op) || (op_reads_memory(ins.op) && ins.op != Op::load_const) ||
					    (ins.op >= Op::ballot && ins.op <= Op::shuffle) || ins.op == Op::elect)
						continue;
					bool ok = true;
					for (const Operand &o : ins.ops)
						if (o.is_temp() && def_block[o.id] != kNone && loops[l][def_block[o.id]] && !same[o.id])
							ok = false;
					if (ok) {
						same[ins.defs[0].id] = true;
						grew = true;
					}
				}
			}
		}
	}

	bool changed = true;
	while (changed) {
		changed = false;
		auto mark = [&](uint32_t t) {
			if (!div[t]) {
				div[t] = true;
				changed = true;
			}
		};
		std::vector<bool> join(p.blocks.size(), false);
		std::vector<bool> divergent_exit(headers.size(), false);
		for (uint32_t b = 0; b < p.blocks.size(); b++) {
			if (p.blocks[b].instrs.empty())
				continue;
			const Instr &t = p.blocks[b].instrs.back();
			bool dbranch = (t.op == Op::cbr || t.op == Op::switch_) && opdiv(t.ops[0]);
			if (!dbranch)
				continue;
			// Sync dependence: blocks reached from two different successors join divergent lanes.
			// Back edges of loops containing the branch are not followed (header phis merge
			// iterations, not the branch's lanes).
			std::vector<bool> barrier(p.blocks.size(), false), last(p.blocks.size(), false);
			for (size_t l = 0; l < headers.size(); l++)
				if (loops[l][b]) {
					barrier[headers[l]] = true;
					last[p.blocks[headers[l]].merge_block] = true;   // an exit reconverges there
				}
			// All lanes of the branch are together again at its immediate post-dominator: joins
			// are at most there. (Not at the selection's merge block: lanes can leave the
			// selection by a break to an enclosing switch or loop, or a continue, and join the
			// lanes that went through the merge further on.)
			if (ipdom[b] != kNone)
				last[ipdom[b]] = true;
			else if (p.blocks[b].merge == Block::Merge::selection)
				last[p.blocks[b].merge_block] = true;
			std::vector<int> count(p.blocks.size(), 0);
			std::vector<uint32_t> targets = terminator_targets(t);
			std::vector<uint32_t> uniq;
			for (uint32_t s : targets) {
				bool dup = false;
				for (uint32_t u : uniq)
					dup |= u == s;
				if (!dup)
					uniq.push_back(s);
			}
			for (uint32_t s : uniq) {
				auto r = reach(s, barrier, &last);
				for (uint32_t x = 0; x < p.blocks.size(); x++)
					count[x] += r[x];
			}
			for (uint32_t x = 0; x < p.blocks.size(); x++)
				if (count[x] >= 2)
					join[x] = true;
			// Temporal divergence: a divergent branch inside a loop from which the loop's merge is
			// reachable without going around the back edge.
			for (size_t l = 0; l < headers.size(); l++) {
				if (!loops[l][b])
					continue;
				std::vector<bool> hb(p.blocks.size(), false);
				hb[headers[l]] = true;
				for (uint32_t s : uniq)
					if (reach(s, hb)[p.blocks[headers[l]].merge_block])
						divergent_exit[l] = true;
			}
		}
		for (uint32_t b = 0; b < p.blocks.size(); b++) {
			for (const Instr &ins : p.blocks[b].instrs) {
				if (ins.defs.size() != 1 || !ins.defs[0].is_temp())
					continue;
				uint32_t d = ins.defs[0].id;
				if (div[d])
					continue;
				const RegClass &rc = p.temps[d];
				bool v = false;
				if (ins.op == Op::phi) {
					v = join[b];
					for (size_t i = 0; i < ins.ops.size(); i += 2)
						v |= opdiv(ins.ops[i]);
				} else if (ins.op == Op::elect) {
					v = true;
				} else if (always_scalar(ins.op)) {
					v = false;
				} else if (always_vector(ins.op)) {
					v = true;
				} else if (ins.op == Op::feq || ins.op == Op::fne || ins.op == Op::flt || ins.op == Op::fle ||
				           ins.op == Op::funord) {
					v = true;
				} else if ((ins.op == Op::ult || ins.op == Op::ule || ins.op == Op::slt || ins.op == Op::sle) &&
				           ins.ops[0].size == 2) {
					v = true;   // no scalar 64-bit ordered compare
				} else {
					for (const Operand &o : ins.ops)
						v |= opdiv(o);
					if (!rc.is_bool && rc.size == 2 && ins.op != Op::load_const && ins.op != Op::copy &&
					    ins.op != Op::iadd && ins.op != Op::imul && ins.op != Op::select && ins.op != Op::undef)
						v = true;   // most 64-bit operations only exist on the vector side
				}
				if (v)
					mark(d);
			}
		}
		for (size_t l = 0; l < headers.size(); l++) {
			if (!divergent_exit[l])
				continue;
			uint32_t merge = p.blocks[headers[l]].merge_block;
			for (const Instr &ins : p.blocks[merge].instrs)
				if (ins.op == Op::phi)
					mark(ins.defs[0].id);
			for (uint32_t b = 0; b < p.blocks.size(); b++) {
				if (loops[l][b])
					continue;
				for (const Instr &ins : p.blocks[b].instrs)
					for (const Operand &o : ins.ops)
						if (o.is_temp() && def_block[o.id] != kNone && loops[l][def_block[o.id]] &&
						    !same_every_iteration[l][o.id])
							mark(o.id);
			}
		}
	}
	for (size_t t = 1; t < nt; t++) {
		RegClass &rc = p.temps[t];
		if (rc.is_bool)
			rc.bank = div[t] ? Bank::mask : Bank::sbool;
		else
			rc.bank = div[t] ? Bank::vgpr : Bank::sgpr;
	}
}

} // namespace mica::compiler
