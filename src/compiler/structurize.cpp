// Structurizer: gives an unstructured mid-level CFG (Kernel-model SPIR-V as clang emits it:
// goto, break/continue in any shape, early returns) the loop and selection constructs that the
// exec-mask lowering (isel, lower_cf.cpp) and the uniformity analysis rely on
// (docs/compiler.md "Kernel programs"). In order:
//  1. one return block: every `ret` becomes a branch to it;
//  2. per loop, outermost first: one continue block (every back edge goes through it), one
//     merge block (every exit edge goes through it; with several exit targets the merge block
//     dispatches on a phi that says which exit was taken), the header's conditional branch moved
//     into a block of its own;
//  3. per block ending in a conditional branch or switch: a selection merge at its immediate
//     post-dominator in the graph of its loop's construct (inner loops collapsed to header ->
//     merge, a break counted as an edge to the continue block, the continue block the sink);
//  4. SSA repair: values whose definition no longer dominates a use get phis.
// Irreducible control flow (a cycle with two entries) is refused with a message for now.
#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>

#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

struct Fail {
	std::string msg;
};

class Structurizer {
public:
	explicit Structurizer(Program &p) : p_(p) {}
	void run();

private:
	Program &p_;
	uint32_t ret_block_ = kNone;
	struct Loop {
		uint32_t header, cont, merge;
	};
	std::vector<Loop> loops_;
	std::set<uint32_t> processed_;

	uint32_t new_block()
	{
		p_.blocks.emplace_back();
		return (uint32_t)p_.blocks.size() - 1;
	}
	Instr &term(uint32_t b) { return p_.blocks[b].instrs.back(); }
	static Instr br(uint32_t to)
	{
		Instr i;
		i.op = Op::br;
		i.ops = {Operand::block(to)};
		return i;
	}
	void retarget(uint32_t b, uint32_t from, uint32_t to)
	{
		for (Operand &o : term(b).ops)
			if (o.kind == Operand::Kind::block && o.id == from)
				o.id = to;
	}
	// Phis of 'b' that name 'from' as a predecessor name 'to' instead.
	void rename_pred(uint32_t b, uint32_t from, uint32_t to)
	{
		for (Instr &i : p_.blocks[b].instrs) {
			if (i.op != Op::phi)
				break;
			for (size_t k = 1; k < i.ops.size(); k += 2)
				if (i.ops[k].id == from)
					i.ops[k].id = to;
		}
	}
	Operand undef(const Operand &d) const
	{
		return p_.temps[d.id].size == 2 ? Operand::c64(0) : Operand::c32(0);
	}
	std::vector<bool> reachable() const;
	void single_return();
	void entry_without_preds();
	bool process_next_loop();
	void place_selections();
	void repair_ssa();
	std::vector<bool> natural_body(uint32_t header, const std::vector<uint32_t> &latches) const;
};

std::vector<bool> Structurizer::reachable() const
{
	std::vector<bool> r(p_.blocks.size(), false);
	std::vector<uint32_t> work{0};
	r[0] = true;
	while (!work.empty()) {
		uint32_t b = work.back();
		work.pop_back();
		for (uint32_t s : p_.blocks[b].succs)
			if (!r[s]) {
				r[s] = true;
				work.push_back(s);
			}
	}
	return r;
}

// Unreachable blocks are emptied (a lone `ret` that no branch names) so no analysis sees them;
// every other `ret` becomes a branch to one return block.
void Structurizer::single_return()
{
	p_.recompute_preds();
	std::vector<bool> live = reachable();
	ret_block_ = new_block();
	p_.blocks[ret_block_].instrs.push_back(Instr{});
	p_.blocks[ret_block_].instrs.back().op = Op::ret;
	for (uint32_t b = 0; b < ret_block_; b++) {
		Block &bl = p_.blocks[b];
		if (!live[b]) {
			bl.instrs.clear();
			bl.instrs.push_back(Instr{});
			bl.instrs.back().op = Op::ret;
			continue;
		}
		for (Instr &i : bl.instrs)   // phis forget unreachable predecessors
			if (i.op == Op::phi) {
				std::vector<Operand> ops;
				for (size_t k = 0; k + 1 < i.ops.size(); k += 2)
					if (live[i.ops[k + 1].id]) {
						ops.push_back(i.ops[k]);
						ops.push_back(i.ops[k + 1]);
					}
				i.ops = std::move(ops);
			}
		if (bl.instrs.empty())
			throw Fail{"internal error: block without terminator"};
		if (bl.instrs.back().op == Op::ret)
			bl.instrs.back() = br(ret_block_);
	}
	p_.recompute_preds();
}

// The entry block must not be a loop header: its code moves to a new block.
void Structurizer::entry_without_preds()
{
	if (p_.blocks[0].preds.empty())
		return;
	const uint32_t body = new_block();
	p_.blocks[body].instrs = std::move(p_.blocks[0].instrs);
	for (Block &b : p_.blocks) {
		if (b.instrs.empty())
			continue;
		for (Operand &o : b.instrs.back().ops)
			if (o.kind == Operand::Kind::block && o.id == 0)
				o.id = body;
		for (Instr &i : b.instrs) {
			if (i.op != Op::phi)
				break;
			for (size_t k = 1; k < i.ops.size(); k += 2)
				if (i.ops[k].id == 0)
					i.ops[k].id = body;
		}
	}
	p_.blocks[0].instrs = {br(body)};
	p_.recompute_preds();
}

std::vector<bool> Structurizer::natural_body(uint32_t header, const std::vector<uint32_t> &latches) const
{
	std::vector<bool> in(p_.blocks.size(), false);
	in[header] = true;
	std::vector<uint32_t> work;
	for (uint32_t l : latches)
		if (!in[l]) {
			in[l] = true;
			work.push_back(l);
		}
	while (!work.empty()) {
		uint32_t b = work.back();
		work.pop_back();
		for (uint32_t pr : p_.blocks[b].preds)
			if (!in[pr]) {
				in[pr] = true;
				work.push_back(pr);
			}
	}
	return in;
}

// Finds the unprocessed loop with the largest natural body (an outer loop before the loops it
// contains) and gives it one continue block, one merge block and a header that only branches.
bool Structurizer::process_next_loop()
{
	p_.recompute_preds();
	std::vector<bool> live = reachable();
	DomTree dt = compute_dominators(p_);
	std::map<uint32_t, std::vector<uint32_t>> latches;   // header -> back-edge sources
	for (uint32_t b : dt.rpo)
		for (uint32_t s : p_.blocks[b].succs) {
			if (dt.rpo_index[s] > dt.rpo_index[b])
				continue;   // forward edge
			if (!dt.dominates(s, b))
				throw Fail{"irreducible control flow (a loop entered other than through its header) is not supported yet"};
			latches[s].push_back(b);
		}
	uint32_t header = kNone;
	std::vector<bool> body;
	size_t best = 0;
	for (auto &[h, ls] : latches) {
		if (processed_.count(h))
			continue;
		std::vector<bool> in = natural_body(h, ls);
		const size_t n = (size_t)std::count(in.begin(), in.end(), true);
		if (header == kNone || n > best) {
			header = h;
			best = n;
			body = std::move(in);
		}
	}
	if (header == kNone)
		return false;
	processed_.insert(header);
	const std::vector<uint32_t> back = latches[header];

	// Continue block: every back edge goes through it; the header's phis take their back-edge
	// values from phis there.
	const uint32_t cont = new_block();
	body.push_back(true);
	for (uint32_t l : back)
		retarget(l, header, cont);
	for (Instr &phi : p_.blocks[header].instrs) {
		if (phi.op != Op::phi)
			break;
		Instr cphi;
		cphi.op = Op::phi;
		cphi.defs.push_back(p_.new_def(p_.temps[phi.defs[0].id]));
		std::vector<Operand> keep;
		for (size_t k = 0; k + 1 < phi.ops.size(); k += 2) {
			if (std::find(back.begin(), back.end(), phi.ops[k + 1].id) != back.end()) {
				cphi.ops.push_back(phi.ops[k]);
				cphi.ops.push_back(phi.ops[k + 1]);
			} else {
				keep.push_back(phi.ops[k]);
				keep.push_back(phi.ops[k + 1]);
			}
		}
		keep.push_back(cphi.defs[0]);
		keep.push_back(Operand::block(cont));
		phi.ops = std::move(keep);
		p_.blocks[cont].instrs.push_back(std::move(cphi));
	}
	p_.blocks[cont].instrs.push_back(br(header));

	// Exit edges (from the body, the new continue block included, to outside it).
	struct Exit {
		uint32_t from, to;
	};
	std::vector<Exit> exits;
	for (uint32_t b = 0; b < body.size(); b++) {
		if (!body[b] || b == cont || (b < live.size() && !live[b]))
			continue;
		std::set<uint32_t> seen;
		for (const Operand &o : term(b).ops)
			if (o.kind == Operand::Kind::block && !body[o.id] && seen.insert(o.id).second)
				exits.push_back({b, o.id});
	}
	if (exits.empty())
		throw Fail{"a loop without an exit is not supported"};
	// Each exit leaves from a block that only branches to its target (edge blocks for
	// conditional branches), so the merge block's phis have one incoming value per exit.
	for (Exit &e : exits) {
		if (term(e.from).op == Op::br)
			continue;
		const uint32_t edge = new_block();
		body.push_back(true);
		p_.blocks[edge].instrs.push_back(br(e.to));
		retarget(e.from, e.to, edge);
		rename_pred(e.to, e.from, edge);
		e.from = edge;
	}
	std::vector<uint32_t> targets;
	for (const Exit &e : exits)
		if (std::find(targets.begin(), targets.end(), e.to) == targets.end())
			targets.push_back(e.to);
	const uint32_t merge = new_block();
	// Per target, its phis' values on the exit edges come through phis of the merge block.
	std::vector<uint32_t> dispatch(targets.size());
	for (size_t t = 0; t < targets.size(); t++)
		dispatch[t] = targets.size() == 1 ? merge : new_block();
	std::vector<Instr> merge_phis;
	for (size_t t = 0; t < targets.size(); t++) {
		for (Instr &phi : p_.blocks[targets[t]].instrs) {
			if (phi.op != Op::phi)
				break;
			Instr m;
			m.op = Op::phi;
			m.defs.push_back(p_.new_def(p_.temps[phi.defs[0].id]));
			std::vector<Operand> keep;
			for (size_t k = 0; k + 1 < phi.ops.size(); k += 2) {
				bool from_exit = false;
				for (const Exit &e : exits)
					from_exit |= e.to == targets[t] && e.from == phi.ops[k + 1].id;
				if (!from_exit) {
					keep.push_back(phi.ops[k]);
					keep.push_back(phi.ops[k + 1]);
				}
			}
			for (const Exit &e : exits) {
				Operand v = undef(phi.defs[0]);
				if (e.to == targets[t])
					for (size_t k = 0; k + 1 < phi.ops.size(); k += 2)
						if (phi.ops[k + 1].id == e.from)
							v = phi.ops[k];
				m.ops.push_back(v);
				m.ops.push_back(Operand::block(e.from));
			}
			keep.push_back(m.defs[0]);
			keep.push_back(Operand::block(dispatch[t]));
			phi.ops = std::move(keep);
			merge_phis.push_back(std::move(m));
		}
	}
	for (const Exit &e : exits)
		retarget(e.from, e.to, merge);
	Block &mb = p_.blocks[merge];
	mb.instrs = std::move(merge_phis);
	if (targets.size() == 1) {
		mb.instrs.push_back(br(targets[0]));
	} else {
		// which = index of the exit's target; a chain of compares picks the target.
		Instr which;
		which.op = Op::phi;
		which.defs.push_back(p_.new_def(RegClass{Bank::undecided, 1, false}));
		for (const Exit &e : exits) {
			const size_t t = (size_t)(std::find(targets.begin(), targets.end(), e.to) - targets.begin());
			which.ops.push_back(Operand::c32((uint32_t)t));
			which.ops.push_back(Operand::block(e.from));
		}
		const Operand sel = which.defs[0];
		mb.instrs.insert(mb.instrs.begin(), std::move(which));
		uint32_t at = merge;
		for (size_t t = 0; t < targets.size(); t++) {
			p_.blocks[dispatch[t]].instrs.push_back(br(targets[t]));
			if (t + 1 == targets.size()) {
				p_.blocks[at].instrs.push_back(br(dispatch[t]));
				break;
			}
			Instr cmp;
			cmp.op = Op::ieq;
			cmp.defs.push_back(p_.new_def(RegClass{Bank::undecided, 1, true}));
			cmp.ops = {sel, Operand::c32((uint32_t)t)};
			const uint32_t next = t + 2 == targets.size() ? dispatch[t + 1] : new_block();
			Instr cbr;
			cbr.op = Op::cbr;
			cbr.ops = {cmp.defs[0], Operand::block(dispatch[t]), Operand::block(next)};
			p_.blocks[at].instrs.push_back(std::move(cmp));
			p_.blocks[at].instrs.push_back(std::move(cbr));
			if (t + 2 == targets.size()) {
				p_.blocks[next].instrs.push_back(br(targets[t + 1]));
				break;
			}
			at = next;
		}
	}

	// The header only branches: a conditional branch there moves to a block of its own.
	if (term(header).op != Op::br) {
		const uint32_t h2 = new_block();
		p_.blocks[h2].instrs.push_back(std::move(term(header)));
		p_.blocks[header].instrs.back() = br(h2);
		for (const Operand &o : term(h2).ops)
			if (o.kind == Operand::Kind::block)
				rename_pred(o.id, header, h2);
	}
	Block &hb = p_.blocks[header];
	hb.merge = Block::Merge::loop;
	hb.merge_block = merge;
	hb.continue_block = cont;
	loops_.push_back({header, cont, merge});
	p_.recompute_preds();
	return true;
}

// Post-dominator based selection merges, one level (loop construct or the function) at a time.
void Structurizer::place_selections()
{
	p_.recompute_preds();
	DomTree dt = compute_dominators(p_);
	const size_t n = p_.blocks.size();
	// construct(L) = blocks the header dominates that its merge does not.
	std::vector<int> level(n, -1);   // innermost loop construct of each block
	std::vector<size_t> order(loops_.size());
	for (size_t i = 0; i < order.size(); i++)
		order[i] = i;
	// Outer loops were processed first: assign in that order so inner constructs win.
	for (size_t li : order)
		for (uint32_t b = 0; b < n; b++)
			if (dt.rpo_index[b] != kNone && dt.dominates(loops_[li].header, b) && !dt.dominates(loops_[li].merge, b))
				level[b] = (int)li;
	auto is_header = [&](uint32_t b) -> int {
		for (size_t li = 0; li < loops_.size(); li++)
			if (loops_[li].header == b)
				return (int)li;
		return -1;
	};
	for (int lv = -1; lv < (int)loops_.size(); lv++) {
		// Nodes of this level: its blocks; an inner loop whose construct sits directly in it is
		// one node (its header) with one successor (its merge).
		const uint32_t sink = lv < 0 ? ret_block_ : loops_[lv].cont;
		auto succs = [&](uint32_t b) {
			std::vector<uint32_t> s;
			if (b == sink)
				return s;
			const int h = is_header(b);
			if (h >= 0 && h != lv) {
				s.push_back(loops_[h].merge);
				return s;
			}
			for (const Operand &o : term(b).ops) {
				if (o.kind != Operand::Kind::block)
					continue;
				uint32_t t = o.id;
				if (lv >= 0 && t == loops_[lv].merge)
					t = sink;   // a break: counted as reaching the continue block
				if (lv >= 0 && t == loops_[lv].header)
					continue;
				if (std::find(s.begin(), s.end(), t) == s.end())
					s.push_back(t);
			}
			return s;
		};
		std::vector<uint32_t> nodes;
		for (uint32_t b = 0; b < n; b++) {
			if (dt.rpo_index[b] == kNone)
				continue;
			const int h = is_header(b);
			if (level[b] == lv || (h >= 0 && h != lv && ((loops_[h].header == b) && [&] {
				// the inner loop's header belongs to this level when its parent construct is lv
				const uint32_t idom = dt.idom[b];
				return idom != b && level[idom] == lv;
			}())))
				nodes.push_back(b);
		}
		std::vector<bool> in(n, false);
		for (uint32_t b : nodes)
			in[b] = true;
		// Iterative post-dominators (Cooper et al. on the reverse graph), sink first.
		std::vector<uint32_t> post;
		{
			std::vector<uint8_t> seen(n, 0);
			std::vector<std::pair<uint32_t, size_t>> stack;
			// reverse DFS from the sink over predecessors within the level
			std::map<uint32_t, std::vector<uint32_t>> preds;
			for (uint32_t b : nodes)
				for (uint32_t s : succs(b))
					if (s < n && in[s])
						preds[s].push_back(b);
			stack.push_back({sink, 0});
			seen[sink] = 1;
			while (!stack.empty()) {
				auto &[b, i] = stack.back();
				auto &ps = preds[b];
				if (i < ps.size()) {
					uint32_t x = ps[i++];
					if (!seen[x]) {
						seen[x] = 1;
						stack.push_back({x, 0});
					}
				} else {
					post.push_back(b);
					stack.pop_back();
				}
			}
		}
		std::vector<uint32_t> index(n, kNone), ipdom(n, kNone);
		std::vector<uint32_t> rpo(post.rbegin(), post.rend());
		for (uint32_t i = 0; i < rpo.size(); i++)
			index[rpo[i]] = i;
		ipdom[sink] = sink;
		for (bool changed = true; changed;) {
			changed = false;
			for (uint32_t b : rpo) {
				if (b == sink)
					continue;
				uint32_t nd = kNone;
				for (uint32_t s : succs(b)) {
					if (s >= n || ipdom[s] == kNone)
						continue;
					if (nd == kNone) {
						nd = s;
						continue;
					}
					uint32_t x = s, y = nd;
					while (x != y) {
						while (index[x] > index[y])
							x = ipdom[x];
						while (index[y] > index[x])
							y = ipdom[y];
					}
					nd = x;
				}
				if (nd != ipdom[b]) {
					ipdom[b] = nd;
					changed = true;
				}
			}
		}
		for (uint32_t b : nodes) {
			if (b == sink || is_header(b) >= 0)
				continue;
			const Instr &t = term(b);
			if (t.op != Op::cbr && t.op != Op::switch_)
				continue;
			if (ipdom[b] == kNone)
				throw Fail{"internal error: a branch that reaches neither the end of its loop nor the return"};
			Block &bl = p_.blocks[b];
			bl.merge = Block::Merge::selection;
			bl.merge_block = ipdom[b];
		}
	}
}

// Values whose definition no longer dominates a use (exits now pass through merge blocks) get
// phis on the way (Braun et al.: the value at a block's entry is a phi of its predecessors').
void Structurizer::repair_ssa()
{
	p_.recompute_preds();
	DomTree dt = compute_dominators(p_);
	const size_t n = p_.blocks.size();
	std::vector<uint32_t> def_block(p_.temps.size(), kNone);
	for (uint32_t b = 0; b < n; b++)
		for (const Instr &i : p_.blocks[b].instrs)
			for (const Operand &d : i.defs)
				if (d.is_temp())
					def_block[d.id] = b;
	std::map<std::pair<uint32_t, uint32_t>, Operand> at_entry;   // (temp, block) -> value
	std::map<uint32_t, std::vector<Instr>> new_phis;
	std::function<Operand(uint32_t, uint32_t)> value_at_end;
	std::function<Operand(uint32_t, uint32_t)> value_at_entry = [&](uint32_t t, uint32_t b) -> Operand {
		auto key = std::make_pair(t, b);
		if (auto it = at_entry.find(key); it != at_entry.end())
			return it->second;
		const Operand whole = Operand::temp(t, p_.temps[t].size);
		std::vector<uint32_t> preds;
		for (uint32_t pr : p_.blocks[b].preds)
			if (dt.rpo_index[pr] != kNone)
				preds.push_back(pr);
		if (b == 0 || preds.empty())
			return at_entry[key] = undef(whole);
		if (preds.size() == 1)
			return at_entry[key] = value_at_end(t, preds[0]);
		Instr phi;
		phi.op = Op::phi;
		Operand d = p_.new_def(p_.temps[t]);
		phi.defs.push_back(d);
		at_entry[key] = d;
		auto &list = new_phis[b];
		list.push_back(phi);
		const size_t slot = list.size() - 1;
		std::vector<Operand> ops;
		for (uint32_t pr : preds) {
			ops.push_back(value_at_end(t, pr));
			ops.push_back(Operand::block(pr));
		}
		new_phis[b][slot].ops = std::move(ops);
		return d;
	};
	value_at_end = [&](uint32_t t, uint32_t b) -> Operand {
		if (dt.dominates(def_block[t], b))
			return Operand::temp(t, p_.temps[t].size);
		return value_at_entry(t, b);
	};
	for (uint32_t b = 0; b < n; b++) {
		if (dt.rpo_index[b] == kNone)
			continue;
		for (Instr &i : p_.blocks[b].instrs) {
			for (size_t k = 0; k < i.ops.size(); k++) {
				Operand &o = i.ops[k];
				if (!o.is_temp() || def_block[o.id] == kNone)
					continue;
				const uint32_t db = def_block[o.id];
				Operand v;
				bool replace = false;
				if (i.op == Op::phi) {
					const uint32_t pred = i.ops[k + 1].id;
					if (!dt.dominates(db, pred)) {
						v = value_at_end(o.id, pred);
						replace = true;
					}
					k++;
				} else if (db != b && !dt.dominates(db, b)) {
					v = value_at_entry(o.id, b);
					replace = true;
				}
				if (!replace)
					continue;
				if (v.is_const())
					o = o.size == 2 ? Operand::c64(0) : Operand::c32(0);
				else
					o.id = v.id;   // same class: the part and size of the use stay
			}
		}
	}
	for (auto &[b, phis] : new_phis) {
		auto &instrs = p_.blocks[b].instrs;
		instrs.insert(instrs.begin(), phis.begin(), phis.end());
	}
}

void Structurizer::run()
{
	for (Block &b : p_.blocks) {
		b.merge = Block::Merge::none;
		b.merge_block = b.continue_block = kNone;
	}
	single_return();
	entry_without_preds();
	for (int guard = 0; guard < 100000 && process_next_loop(); guard++) {
	}
	place_selections();
	repair_ssa();
	p_.recompute_preds();
}

} // namespace

bool structurize(Program &p, std::string &error)
{
	try {
		Structurizer(p).run();
	} catch (const Fail &f) {
		error = f.msg;
		return false;
	}
	return true;
}

} // namespace mica::compiler
