// Structured control flow -> EXEC-mask operations (part of instruction selection; see the
// comment at the top of isel.cpp and docs/compiler.md "Uniformity and control flow").
#include "isel_internal.h"

namespace mica::compiler::isel_detail {

uint32_t Isel::follow(uint32_t b)
{
	// A block that only branches (split edges) leads to its target.
	const Block &bl = mid_.blocks[b];
	if (bl.instrs.size() == 1 && bl.instrs[0].op == Op::br && bl.merge == Block::Merge::none)
		return bl.instrs[0].ops[0].id;
	return b;
}

// kind: 0 break, 1 continue, 2 switch break, 3 back edge
bool Isel::exit_kind(uint32_t t, size_t &ci, int &kind)
{
	for (size_t i = ctx_.size(); i-- > 0;) {
		const Ctx &c = ctx_[i];
		if (c.k == Ctx::K::loop) {
			if (t == c.merge) { ci = i; kind = 0; return true; }
			if (t == c.cont) { ci = i; kind = 1; return true; }
			if (t == c.header) { ci = i; kind = 3; return true; }
		} else if (t == c.merge) {
			ci = i;
			kind = 2;
			return true;
		}
	}
	return false;
}

void Isel::do_exit(size_t ci, int kind)
{
	if (ctx_[ci].uniform) {
		uniform_exit(ci, kind, MICA_OP_S_BRANCH);
		return;
	}
	for (size_t i = ci + 1; i < ctx_.size(); i++)
		if (ctx_[i].uniform)
			fail("internal error: exit through a uniform loop");
	Ctx &c = ctx_[ci];
	if (kind == 0)
		emit(MICA_OP_S_OR_B32, c.brk, {c.brk, exec()});
	else if (kind == 1)
		emit(MICA_OP_S_OR_B32, c.contm, {c.contm, exec()});
	for (size_t i = ci; i < ctx_.size(); i++)
		emit(MICA_OP_S_ANDN2_B32, ctx_[i].active, {ctx_[i].active, exec()});
	emit(MICA_OP_S_MOV_B32, exec(), {Operand::c32(0)});
	if (kind == 0)
		c.break_from.push_back(cur_);
	else if (kind == 1)
		c.cont_from.push_back(cur_);
	else
		c.break_from.push_back(cur_);
}

// Lanes at the end of a case that continue in the next case: they are parked in the target's
// fall-through mask (added to that case's lanes when it starts) and leave the current case.
void Isel::fall_through(uint32_t target)
{
	Ctx &c = ctx_.back();
	Operand m = c.fall_mask.at(target);
	emit(MICA_OP_S_OR_B32, m, {m, exec()});
	emit(MICA_OP_S_ANDN2_B32, c.active, {c.active, exec()});
	emit(MICA_OP_S_MOV_B32, exec(), {Operand::c32(0)});
	c.fall_from[target].push_back(cur_);
}

void Isel::phi_copies(uint32_t from, uint32_t to)
{
	std::vector<std::pair<Operand, Operand>> copies;   // dst, src
	for (const Instr &phi : mid_.blocks[to].instrs) {
		if (phi.op != Op::phi)
			break;
		for (size_t i = 0; i + 1 < phi.ops.size(); i += 2)
			if (phi.ops[i + 1].id == from)
				copies.push_back({phi.defs[0], phi.ops[i]});
	}
	if (copies.empty())
		return;
	// Parallel copy: read every source before writing any destination.
	std::vector<Operand> staged;
	for (auto &[dst, src] : copies) {
		if (copies.size() == 1 || src.is_const()) {
			staged.push_back(src);
			continue;
		}
		RegClass rc = out_.temps[dst.id];
		Operand t = out_.new_def(rc);
		if (rc.bank == Bank::mask)
			emit(MICA_OP_S_MOV_B32, t, {to_mask(src)});
		else
			copy_into(t, src);
		staged.push_back(t);
	}
	for (size_t i = 0; i < copies.size(); i++) {
		Operand dst = copies[i].first;
		if (out_.temps[dst.id].bank == Bank::mask) {
			// Only the lanes taking this edge get the new value.
			Operand m = to_mask(staged[i]);
			Operand a = tmp(Bank::mask), b = tmp(Bank::mask);
			emit(MICA_OP_S_ANDN2_B32, a, {dst, exec()});
			emit(MICA_OP_S_AND_B32, b, {m, exec()});
			emit(MICA_OP_S_OR_B32, dst, {a, b});
		} else {
			copy_into(dst, staged[i]);
		}
	}
}

bool Isel::merge_phis_are_lane_values(uint32_t merge) const
{
	for (const Instr &phi : mid_.blocks[merge].instrs) {
		if (phi.op != Op::phi)
			break;
		if (!phi.defs[0].is_temp() || out_.temps[phi.defs[0].id].bank != Bank::vgpr)
			return false;
	}
	return true;
}

void Isel::emit_block_body(uint32_t b)
{
	const Block &bl = mid_.blocks[b];
	for (size_t i = 0; i + 1 < bl.instrs.size(); i++)
		if (bl.instrs[i].op != Op::phi)
			select_instr(bl.instrs[i]);
}

// Emits mid blocks from b until 'stop'. Every machine block from which lanes fall through to
// 'stop' is appended to 'ends' (the caller adds the logical edges).
Isel::End Isel::region(uint32_t b, uint32_t stop, RegionOut &out, bool first_is_loop_body)
{
	std::vector<uint32_t> &ends = out.ends;
	bool loop_body = first_is_loop_body;
	for (int guard = 0; guard < 1000000; guard++) {
		cur_mid_ = b;
		if (b == stop && !loop_body) {
			ends.push_back(cur_);
			return End::fell_through;
		}
		for (size_t i = 0; i < ctx_.size(); i++) {
			const Ctx &c = ctx_[i];
			// Lanes that fall into a case block which only branches on (what optimisation leaves
			// of an empty case, e.g. `case 2: case 1: {} break;` or `default: {}` after a case
			// that falls into it) have nothing to run there: they walk on with the current case
			// to the next case (parked in its fall-through mask) or to the merge.
			const bool empty_pass_through = i + 1 == ctx_.size() && !c.fall_mask.count(b) && follow(b) != b;
			if (c.k == Ctx::K::sw && c.case_targets.count(b) && b != c.current_case && b != follow(c.current_case) &&
			    !empty_pass_through) {
				if (i + 1 != ctx_.size() || !c.fall_mask.count(b))
					fail("switch case fall-through out of a nested construct is not supported");
				fall_through(b);
				return End::exited;
			}
		}
		const Block &bl = mid_.blocks[b];
		if (bl.merge == Block::Merge::loop && !loop_body) {
			emit_loop(b);
			b = bl.merge_block;
			continue;
		}
		loop_body = false;
		emit_block_body(b);
		const Instr &term = bl.instrs.back();
		switch (term.op) {
		case Op::ret:
			if (root_) {
				// The lanes leave every construct and the program (it ends after the last ones).
				for (Ctx &c : ctx_) {
					if (c.uniform)
						fail("internal error: return inside a uniform loop");
					emit(MICA_OP_S_ANDN2_B32, c.active, {c.active, exec()});
				}
				emit(MICA_OP_S_MOV_B32, exec(), {Operand::c32(0)});
				return End::exited;
			}
			if (!ctx_.empty())
				fail("internal error: the only return is inside a loop or switch");
			emit(MICA_OP_S_ENDPGM, Operand{}, {});
			return End::exited;
		case Op::br: {
			uint32_t t = term.ops[0].id;
			phi_copies(b, t);
			if (t == stop) {
				ends.push_back(cur_);
				return End::fell_through;
			}
			size_t ci;
			int kind;
			if (exit_kind(t, ci, kind)) {
				if (kind == 3)
					fail("internal error: back edge outside the continue construct");
				do_exit(ci, kind);
				return End::exited;
			}
			b = t;
			continue;
		}
		case Op::cbr:
			if (bl.merge == Block::Merge::selection) {
				emit_if(b, term, bl.merge_block);
				b = bl.merge_block;
				continue;
			} else {
				// Conditional exit without a selection construct: one or both sides leave the
				// current construct (break, continue, back edge). Exits are emitted first.
				uint32_t sides[2] = {term.ops[1].id, term.ops[2].id};
				size_t ci[2];
				int kind[2];
				bool ex[2];
				bool reaches_stop[2];
				for (int s = 0; s < 2; s++) {
					// The side itself first: an empty merge block (`br next`) is still the
					// construct's exit, not the block it leads to.
					uint32_t f = sides[s];
					if (f != stop && !exit_kind(f, ci[s], kind[s]))
						f = follow(f);
					reaches_stop[s] = f == stop;
					ex[s] = exit_kind(f, ci[s], kind[s]) && !reaches_stop[s];
				}
				if (!ex[0] && !ex[1] && !reaches_stop[0] && !reaches_stop[1])
					fail("unstructured conditional branch (no selection merge and no exit)");
				// Order: a true exit (break/continue) first, the back edge / stop side last.
				int first = (ex[0] && kind[0] != 3) ? 0 : (ex[1] && kind[1] != 3) ? 1 : (ex[0] || reaches_stop[0]) ? 0 : 1;
				int second = 1 - first;
				if (!ctx_.empty() && ctx_.back().uniform && bank_of(term.ops[0]) != Bank::mask) {
					// All lanes go the same way: a scalar branch, EXEC untouched.
					uniform_branch(term.ops[0], first == 0, sides[first], stop, out);
					b = sides[second];
					continue;
				}
				Operand m = to_mask(term.ops[0]);
				Operand side_mask = first == 0 ? m : Operand{};
				Operand saved = tmp(Bank::mask);
				if (first == 0) {
					emit(MICA_OP_S_AND_SAVEEXEC_B32, saved, {m});
				} else {
					Operand nm = tmp(Bank::mask);
					emit(MICA_OP_S_NOT_B32, nm, {m});
					emit(MICA_OP_S_AND_SAVEEXEC_B32, saved, {nm});
					side_mask = nm;
				}
				Operand rest = tmp(Bank::mask);
				emit(MICA_OP_S_ANDN2_B32, rest, {saved, side_mask});
				auto skip = skip_if_no_lanes();
				size_t dci;
				int dkind;
				if (sides[first] != stop && exit_kind(sides[first], dci, dkind) && dkind != 3) {
					// The branch goes straight to the exit target (no edge block to run).
					do_exit(dci, dkind);
				} else {
					// A side that reaches 'stop' parks its lanes (exec = 0) until the caller's join.
					region(sides[first], stop, out);
				}
				land_skip(skip, new_block());
				emit(MICA_OP_S_MOV_B32, exec(), {rest});
				// No lane left: skip the rest of the region, scalar code included (it would
				// otherwise update uniform values as if another iteration ran).
				out.skips.push_back(skip_if_no_lanes());
				b = sides[second];
				continue;
			}
		case Op::switch_:
			if (bl.merge != Block::Merge::selection)
				fail("OpSwitch without a selection merge");
			emit_switch(b, term, bl.merge_block);
			b = bl.merge_block;
			continue;
		default:
			fail("internal error: block without terminator");
		}
	}
	fail("control flow too deep");
}

// A branch arm of a selection (or a switch case) that goes straight to the merge or continue
// target of an enclosing construct is a break / continue (e.g. `if (c) break;` where the loop's
// merge block directly follows): its lanes leave, nothing of that block runs here.
void Isel::arm(uint32_t from, uint32_t target, uint32_t stop, RegionOut &out)
{
	size_t ci;
	int kind;
	if (target != stop && exit_kind(target, ci, kind) && kind != 3) {
		phi_copies(from, target);   // e.g. single-entry (LCSSA) phis at a loop merge
		do_exit(ci, kind);
		return;
	}
	region(target, stop, out);
}

void Isel::emit_if(uint32_t from_mid, const Instr &term, uint32_t merge)
{
	Operand m = to_mask(term.ops[0]);
	Operand saved = tmp(Bank::mask);
	const uint32_t else_target = term.ops[2].id;
	const std::vector<Instr> &merge_instrs = mid_.blocks[merge].instrs;
	const bool merge_has_phis = !merge_instrs.empty() && merge_instrs.front().op == Op::phi;
	// An else arm that is only a split edge whose phi copies are all lane values (`c ? a[i] : 0`)
	// needs no arm of its own: its copies run first, for every lane, and the then-arm's copies
	// overwrite them in its lanes only (EXEC), so the lanes that skip it keep the else values. The
	// sources dominate the branch (they reach the merge along that edge), the destinations are
	// the merge's phis (nothing reads them before it), and VGPR liveness follows the logical CFG,
	// where the then-arm's copy is a definition: a temporary the allocator gives the same register
	// inside the arm writes only the arm's lanes. Scalar and mask phis keep the else arm (a scalar
	// copy is not per lane). Saves the else mask, its EXEC write and test, and the arm.
	const bool else_is_copies = else_target != merge && follow(else_target) == merge && merge_has_phis &&
	                            merge_phis_are_lane_values(merge);
	if (else_is_copies)
		phi_copies(else_target, merge);
	if (else_target == merge || (follow(else_target) == merge && !merge_has_phis) || else_is_copies) {
		// No else arm (at most a split edge with no phi to copy): the lanes that skip the
		// then-arm wait in 'saved' for the join, no else mask is needed.
		emit(MICA_OP_S_AND_SAVEEXEC_B32, saved, {m});
		auto skip_then = skip_if_no_lanes();
		RegionOut then_out;
		arm(from_mid, term.ops[1].id, merge, then_out);
		uint32_t r = new_block();
		land_skip(skip_then, r);
		join(then_out, r);
		restore_exec(saved);
		return;
	}
	Operand els = tmp(Bank::mask);
	emit(MICA_OP_S_AND_SAVEEXEC_B32, saved, {m});
	emit(MICA_OP_S_ANDN2_B32, els, {saved, m});
	auto skip_then = skip_if_no_lanes();
	RegionOut then_out, else_out;
	arm(from_mid, term.ops[1].id, merge, then_out);
	land_skip(skip_then, new_block());
	emit(MICA_OP_S_MOV_B32, exec(), {els});
	auto skip_else = skip_if_no_lanes();
	arm(from_mid, term.ops[2].id, merge, else_out);
	uint32_t r = new_block();
	land_skip(skip_else, r);   // the else path may be empty of lanes
	join(then_out, r);
	join(else_out, r);
	restore_exec(saved);
}

Ctx Isel::loop_ctx(uint32_t header) const
{
	const Block &h = mid_.blocks[header];
	Ctx c;
	c.k = Ctx::K::loop;
	c.merge = h.merge_block;
	c.cont = h.continue_block;
	c.header = header;
	return c;
}

// The body of the loop ctx_.back() up to its continue construct. Returns the block that starts
// the continue construct (every way into it has its logical edge there).
uint32_t Isel::loop_body(uint32_t header)
{
	const Block &h = mid_.blocks[header];
	RegionOut body_out;
	// A loop whose header is its own continue target is one block: it is all continue construct.
	if (h.continue_block == header)
		body_out.ends.push_back(cur_);
	else
		region(header, h.continue_block, body_out, true);
	uint32_t cb = new_block();
	join(body_out, cb);
	for (uint32_t f : ctx_.back().cont_from)
		logical_edge(f, cb);
	return cb;
}

void Isel::emit_loop(uint32_t header)
{
	if (uniform_loop_[header]) {
		emit_uniform_loop(header);
		return;
	}
	const Block &h = mid_.blocks[header];
	const bool single = h.continue_block == header;
	Ctx c = loop_ctx(header);
	c.brk = tmp(Bank::mask);
	c.contm = tmp(Bank::mask);
	c.active = tmp(Bank::mask);
	emit(MICA_OP_S_MOV_B32, c.brk, {Operand::c32(0)});
	uint32_t pre = cur_;
	uint32_t hb = new_block();
	logical_edge(pre, hb);
	emit(MICA_OP_S_MOV_B32, c.active, {exec()});
	emit(MICA_OP_S_MOV_B32, c.contm, {Operand::c32(0)});
	ctx_.push_back(c);
	loop_body(header);
	RegionOut cont_out;
	Operand active = ctx_.back().active, contm = ctx_.back().contm;
	emit(MICA_OP_S_OR_B32, active, {active, contm});
	emit(MICA_OP_S_MOV_B32, exec(), {active});
	// Every lane has left: neither the continue construct nor another iteration may run.
	cont_out.skips.push_back(skip_if_no_lanes());
	region(h.continue_block, header, cont_out, single);
	for (uint32_t e : cont_out.ends)
		logical_edge(e, hb);
	cont_out.ends.clear();
	Instr &br = branch(MICA_OP_S_CBRANCH_EXECNZ);
	br.ops[0].id = hb;
	uint32_t last = cur_;
	uint32_t x = new_block();
	join(cont_out, x);
	for (uint32_t f : ctx_.back().break_from)
		logical_edge(f, x);
	logical_edge(last, x);
	Operand brk = ctx_.back().brk;
	ctx_.pop_back();
	emit(MICA_OP_S_MOV_B32, exec(), {brk});
	// Lanes that exited an enclosing construct earlier are not in 'brk' (they never entered).
}

void Isel::emit_switch(uint32_t from_mid, const Instr &term, uint32_t merge)
{
	Operand sel = term.ops[0];
	std::vector<std::pair<uint32_t, std::vector<uint32_t>>> targets;   // block, values
	uint32_t def_target = term.ops[1].id;
	for (size_t i = 2; i + 1 < term.ops.size(); i += 2) {
		uint32_t t = term.ops[i + 1].id;
		uint32_t v = (uint32_t)term.ops[i].value;
		bool found = false;
		for (auto &[blk, vals] : targets)
			if (blk == t) {
				vals.push_back(v);
				found = true;
			}
		if (!found)
			targets.push_back({t, {v}});
	}
	Operand saved = tmp(Bank::mask), covered = tmp(Bank::mask);
	emit(MICA_OP_S_MOV_B32, saved, {exec()});
	emit(MICA_OP_S_MOV_B32, covered, {Operand::c32(0)});
	Ctx c;
	c.k = Ctx::K::sw;
	c.merge = merge;
	c.active = tmp(Bank::mask);
	for (auto &[blk, vals] : targets) {
		c.case_targets.insert(blk);
		c.case_targets.insert(follow(blk));
	}
	c.case_targets.insert(def_target);
	c.case_targets.insert(follow(def_target));
	c.case_targets.erase(merge);
	// Fall-through targets: case blocks with a predecessor other than the switch block and
	// the switch's direct targets that only branch there (split edges, or empty cases, which
	// region() runs as part of their own case). Their masks start empty.
	std::set<uint32_t> direct{def_target};
	for (size_t i = 2; i + 1 < term.ops.size(); i += 2)
		direct.insert(term.ops[i + 1].id);
	for (uint32_t t : c.case_targets) {
		if (follow(t) != t)
			continue;
		for (uint32_t pred = 0; pred < mid_.blocks.size(); pred++) {
			const Block &pb = mid_.blocks[pred];
			if (pb.instrs.empty() || &pb.instrs.back() == &term || (direct.count(pred) && follow(pred) == t && pred != t))
				continue;
			bool to_t = false;
			for (uint32_t s : pb.succs)
				to_t |= s == t;
			if (to_t && !c.fall_mask.count(t)) {
				Operand m = tmp(Bank::mask);
				emit(MICA_OP_S_MOV_B32, m, {Operand::c32(0)});
				c.fall_mask[t] = m;
			}
		}
	}
	ctx_.push_back(c);
	uint32_t head = cur_;
	std::vector<uint32_t> ends;
	std::vector<std::pair<uint32_t, size_t>> case_skips;
	auto emit_case = [&](uint32_t target, Operand lanes) {
		ctx_.back().current_case = target;
		emit(MICA_OP_S_AND_B32, exec(), {saved, lanes});
		auto fm = ctx_.back().fall_mask.find(follow(target));
		uint32_t entry = target;
		std::vector<uint32_t> fell_from;   // blocks with logical edges to where the case starts
		if (fm != ctx_.back().fall_mask.end()) {
			// Lanes that fell in join after the switch edge's own block (its phi copies are for
			// the switch's lanes only, skipped when there are none: uniform copies too).
			if (target != follow(target)) {
				auto skip = skip_if_no_lanes();
				uint32_t edge = cur_;
				phi_copies(target, follow(target));
				uint32_t j = new_block();
				logical_edge(edge, j);
				land_skip(skip, j);
				entry = follow(target);
			}
			fell_from = ctx_.back().fall_from[follow(target)];
			emit(MICA_OP_S_OR_B32, exec(), {exec(), fm->second});
		}
		emit(MICA_OP_S_MOV_B32, ctx_.back().active, {exec()});
		uint32_t from = cur_;
		for (uint32_t f : fell_from)
			logical_edge(f, from);
		auto skip = skip_if_no_lanes();
		RegionOut ro;
		arm(from_mid, entry, merge, ro);
		uint32_t next = new_block();
		land_skip(skip, next);
		ends.insert(ends.end(), ro.ends.begin(), ro.ends.end());
		for (auto s : ro.skips)
			land_skip(s, next);
	};
	// A case's lanes: compares under EXEC = the switch's lanes (a compare sets only bits of
	// active lanes). Uniform selectors compare in VALU too: only lanes in 'saved' matter.
	auto case_mask = [&](const std::vector<uint32_t> &vals) {
		Operand m;
		for (uint32_t v : vals) {
			Operand e = tmp(Bank::mask);
			emit(MICA_OP_V_CMP_EQ_U32, e, {sel, Operand::c32(v)});
			if (m.kind == Operand::Kind::none) {
				m = e;
			} else {
				Operand o = tmp(Bank::mask);
				emit(MICA_OP_S_OR_B32, o, {m, e});
				m = o;
			}
		}
		return m;
	};
	// The default's lanes are known before any case runs (a case may fall through into it); a
	// case's own mask is computed again right before it runs, so a switch with hundreds of cases
	// keeps two masks live, not one per case (dEQP opphi.wide: 512 cases).
	for (auto &[blk, vals] : targets)
		emit(MICA_OP_S_OR_B32, covered, {covered, case_mask(vals)});
	Operand dm = tmp(Bank::mask), handled = tmp(Bank::mask);
	emit(MICA_OP_S_NOT_B32, dm, {covered});
	emit(MICA_OP_S_MOV_B32, handled, {Operand::c32(0)});
	// A case that falls through into another runs before it (the target's lanes then include
	// those that fell in): topological order of the fall-through edges, found by walking each
	// case's blocks up to the merge or another case's block.
	std::vector<std::pair<uint32_t, Operand>> cases;
	for (size_t k = 0; k < targets.size(); k++)
		cases.push_back({targets[k].first, Operand{}});   // lanes computed when the case runs
	// The default may share its block with a case (`case 6: default:`, or both edges through one
	// split block): that case then also takes the default's lanes, so the block runs once.
	size_t default_case = targets.size();
	for (size_t k = 0; k < targets.size(); k++)
		if (targets[k].first == def_target)
			default_case = k;
	if (default_case == targets.size())
		cases.push_back({def_target, dm});
	std::vector<std::set<size_t>> falls_into(cases.size());
	std::vector<int> pending(cases.size(), 0);
	for (size_t k = 0; k < cases.size(); k++) {
		uint32_t start = follow(cases[k].first);
		if (start == merge)
			continue;
		std::set<uint32_t> seen{start};
		std::vector<uint32_t> work{start};
		while (!work.empty()) {
			uint32_t x = work.back();
			work.pop_back();
			for (uint32_t s : mid_.blocks[x].succs) {
				if (s == merge || seen.count(s))
					continue;
				seen.insert(s);
				bool other_case = false;
				for (size_t j = 0; j < cases.size(); j++)
					if (j != k && follow(cases[j].first) == s && c.fall_mask.count(s) && !falls_into[k].count(j)) {
						falls_into[k].insert(j);
						pending[j]++;
						other_case = true;
					}
				if (!other_case)
					work.push_back(s);
			}
		}
	}
	std::vector<bool> done(cases.size(), false);
	for (size_t emitted = 0; emitted < cases.size(); emitted++) {
		size_t k = 0;
		while (k < cases.size() && (done[k] || pending[k] > 0))
			k++;
		if (k == cases.size())
			fail("switch cases fall through in a cycle");
		done[k] = true;
		for (size_t j : falls_into[k])
			pending[j]--;
		Operand lanes = cases[k].second;
		if (lanes.kind == Operand::Kind::none) {
			// Only lanes no case has run for yet: the others' selector register may have been
			// reused by a case body (VGPR liveness follows the logical CFG, where the cases are
			// separate paths).
			emit(MICA_OP_S_ANDN2_B32, exec(), {saved, handled});
			lanes = case_mask(targets[k].second);
			if (k == default_case) {
				Operand with_default = tmp(Bank::mask);
				emit(MICA_OP_S_OR_B32, with_default, {lanes, dm});
				lanes = with_default;
			}
		}
		emit(MICA_OP_S_OR_B32, handled, {handled, lanes});
		emit_case(cases[k].first, lanes);
	}
	uint32_t r = cur_;
	(void)head;
	for (uint32_t e : ends)
		logical_edge(e, r);
	for (uint32_t f : ctx_.back().break_from)
		logical_edge(f, r);
	ctx_.pop_back();
	restore_exec(saved);
}

// ---------------------------------------------------------------------------------------------

} // namespace mica::compiler::isel_detail
