// Register allocation by graph colouring over non-SSA machine temporaries.
// Liveness is computed twice: scalar-file temporaries (SGPR values, uniform booleans, lane masks)
// over the linear CFG, because scalar instructions run whatever EXEC is; vector temporaries over
// the logical CFG, because a vector write only touches the lanes that are active, so two values
// that are never live on the same lanes may share a register even if the linearised program
// runs both paths (the approach of ACO's two CFGs). Interference: a definition conflicts with
// everything live after it in the same register file. Colours are the lowest free register with
// the tuple alignment the ISA requires (pairs even, 3/4/8-tuples 4-aligned). Values that find no
// register are spilled (SGPRs to VGPR lanes, VGPRs to scratch memory) and colouring is repeated.
#include <algorithm>
#include <unordered_map>

#include "machine.h"
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

struct Bits {
	std::vector<uint64_t> w;
	explicit Bits(size_t n = 0) : w((n + 63) / 64, 0) {}
	void set(uint32_t i) { w[i >> 6] |= 1ull << (i & 63); }
	void reset(uint32_t i) { w[i >> 6] &= ~(1ull << (i & 63)); }
	bool test(uint32_t i) const { return (w[i >> 6] >> (i & 63)) & 1; }
	bool merge(const Bits &o)
	{
		bool ch = false;
		for (size_t i = 0; i < w.size(); i++) {
			uint64_t n = w[i] | o.w[i];
			ch |= n != w[i];
			w[i] = n;
		}
		return ch;
	}
	template <class F> void each(F f) const
	{
		for (size_t i = 0; i < w.size(); i++)
			for (uint64_t x = w[i]; x; x &= x - 1)
				f((uint32_t)(i * 64 + (unsigned)__builtin_ctzll(x)));
	}
};

} // namespace

namespace {

// Registers handed out by one colouring attempt start here; spilling reserves more in front.
struct Layout {
	unsigned first_vgpr = kReservedVgprs;
	unsigned first_sgpr = kReservedSgprs;
	unsigned vgpr_limit = MICA_VGPRS_PER_WAVE;   // lower for wide workgroups (vgpr_limit())
	unsigned sgpr_limit = MICA_SGPRS_PER_WAVE;
};

// What one colouring attempt leaves behind for the spiller: the interference graph (deduplicated),
// each temporary's live-range length in program points, and the temporaries that got no register
// (they are left uncoloured and the attempt continues, so one round sees all of them).
struct Graph {
	std::vector<std::vector<uint32_t>> adj;
	std::vector<uint32_t> span;
	std::vector<uint32_t> failed;
	// Program points where the live VGPR temporaries need more than 'vgpr_budget' registers:
	// the live temporaries there (the spiller's pressure view).
	unsigned vgpr_budget = 0;
	std::vector<std::vector<uint32_t>> hot;
	// Copy partners: the other side of each whole-value register copy (s/v_mov of one temporary
	// into another of the same size) that does not interfere with it. assign() prefers a partner's
	// register, so the copy disappears after allocation (biased colouring: the cheap half of
	// coalescing; a partner not coloured yet is no hint).
	std::vector<std::vector<uint32_t>> partners;
};

// Registers a register-to-register move of 'ins' copies (1 or 2), or 0: not a temporary-to-
// temporary s/v_mov.
unsigned copy_width(const Instr &ins)
{
	if (ins.op != Op::mach || ins.defs.size() != 1 || ins.ops.empty() || !ins.defs[0].is_temp() || !ins.ops[0].is_temp())
		return 0;
	const unsigned op = ins.mop->opcode;
	return op == MICA_OP_S_MOV_B32 || op == MICA_OP_V_MOV_B32 ? 1 : op == MICA_OP_S_MOV_B64 || op == MICA_OP_V_MOV_B64 ? 2 : 0;
}

// Whether 'ins' copies one whole temporary into another (same size: the mov's width).
bool whole_copy(const Program &p, const Instr &ins)
{
	const unsigned width = copy_width(ins);
	if (!width || ins.defs[0].part != 0 || ins.ops[0].part != 0)
		return false;
	const RegClass &d = p.temps[ins.defs[0].id], &o = p.temps[ins.ops[0].id];
	return d.size == width && o.size == width && d.bank == o.bank;
}

// Live-out sets per block: scalar-file temporaries over the linear CFG, vector ones over the
// logical CFG.
std::vector<Bits> live_out_sets(const Program &p)
{
	size_t nt = p.temps.size();
	size_t nb = p.blocks.size();
	auto is_vec = [&](uint32_t t) { return p.temps[t].bank == Bank::vgpr; };
	// Per block: use-before-def (gen) and killing defs, per file.
	std::vector<Bits> gen(nb, Bits(nt)), kill(nb, Bits(nt));
	for (size_t b = 0; b < nb; b++) {
		for (const Instr &ins : p.blocks[b].instrs) {
			for (const Operand &o : ins.ops)
				if (o.is_temp() && !kill[b].test(o.id))
					gen[b].set(o.id);
			for (const Operand &d : ins.defs) {
				if (!d.is_temp())
					continue;
				if (d.part > 0 && !kill[b].test(d.id))
					gen[b].set(d.id);   // partial write keeps the other half alive
				if (d.part == 0)
					kill[b].set(d.id);
			}
		}
	}
	std::vector<Bits> live_in(nb, Bits(nt)), live_out(nb, Bits(nt));
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t b = nb; b-- > 0;) {
			Bits out(nt);
			for (uint32_t s : p.blocks[b].succs)
				live_in[s].each([&](uint32_t t) { if (!is_vec(t)) out.set(t); });
			for (uint32_t s : p.blocks[b].logical_succs)
				live_in[s].each([&](uint32_t t) { if (is_vec(t)) out.set(t); });
			live_out[b].merge(out);
			Bits in = live_out[b];
			for (size_t i = 0; i < in.w.size(); i++)
				in.w[i] = (in.w[i] & ~kill[b].w[i]) | gen[b].w[i];
			if (live_in[b].merge(in))
				changed = true;
		}
	}
	return live_out;
}

// Walks a block backwards from its live-out set; f(instruction index, live after it) is called
// for every instruction.
template <class F> void walk_block(const Block &bl, Bits live, F f)
{
	for (size_t i = bl.instrs.size(); i-- > 0;) {
		const Instr &ins = bl.instrs[i];
		f(i, live);
		for (const Operand &d : ins.defs)
			if (d.is_temp() && d.part == 0)
				live.reset(d.id);
		for (const Operand &d : ins.defs)
			if (d.is_temp() && d.part > 0)
				live.set(d.id);
		for (const Operand &o : ins.ops)
			if (o.is_temp())
				live.set(o.id);
	}
}

// Registers of one file (vector, or scalar: every other bank) needed right after an instruction:
// its definitions in that file and what is live after it.
unsigned file_pressure(const Program &p, const Instr &ins, const Bits &live, bool vector)
{
	auto in_file = [&](uint32_t t) { return (p.temps[t].bank == Bank::vgpr) == vector; };
	unsigned n = 0;
	live.each([&](uint32_t t) {
		if (in_file(t))
			n += p.temps[t].size;
	});
	for (const Operand &d : ins.defs)
		if (d.is_temp() && in_file(d.id) && !live.test(d.id))
			n += p.temps[d.id].size;
	return n;
}

// Gives every temporary in 'order' the lowest free register (with the tuple alignment) not held
// by an already coloured neighbour; the ones that find none are left in g.failed.
void assign(Program &p, const Layout &lay, Graph &g, const std::vector<uint32_t> &order)
{
	p.temp_reg.assign(p.temps.size(), 0xffff);
	g.failed.clear();
	uint32_t max_v = lay.first_vgpr, max_s = lay.first_sgpr;
	std::vector<bool> busy, both;
	for (uint32_t t : order) {
		const RegClass &rc = p.temps[t];
		bool v = rc.bank == Bank::vgpr;
		unsigned first = v ? lay.first_vgpr : lay.first_sgpr;
		unsigned limit = v ? lay.vgpr_limit : lay.sgpr_limit;
		unsigned size = rc.size, align = size >= 4 ? 4 : size;
		// Marks the registers of the coloured temporaries among 'nodes' in 'mask'.
		auto mark = [&](std::vector<bool> &mask, const std::vector<uint32_t> &nodes) {
			for (uint32_t o : nodes) {
				const uint16_t r = p.temp_reg[o];
				if (r == 0xffff)
					continue;
				const unsigned base = v ? r - MICA_OPND_VGPR_FIRST : r - MICA_OPND_SGPR_FIRST;
				for (unsigned k = 0; k < p.temps[o].size; k++)
					mask[base + k] = true;
			}
		};
		// The lowest aligned register whose 'size' registers 'mask' leaves free ('limit': none).
		auto lowest_free = [&](const std::vector<bool> &mask) {
			for (unsigned r = (first + align - 1) / align * align; r + size <= limit; r += align) {
				bool free = true;
				for (unsigned k = 0; k < size; k++)
					free &= !mask[r + k];
				if (free)
					return r;
			}
			return limit;
		};
		busy.assign(limit + 8, false);
		mark(busy, g.adj[t]);
		unsigned reg = limit;
		// A coloured partner's register, if it is free here.
		bool open_partner = false;
		for (uint32_t o : g.partners[t]) {
			const uint16_t r = p.temp_reg[o];
			if (r == 0xffff) {
				open_partner = true;
				continue;
			}
			const unsigned base = v ? r - MICA_OPND_VGPR_FIRST : r - MICA_OPND_SGPR_FIRST;
			bool free = base >= first && base % align == 0 && base + size <= limit;
			for (unsigned k = 0; free && k < size; k++)
				free = !busy[base + k];
			if (free) {
				reg = base;
				break;
			}
		}
		// Else, with a partner still to colour, the lowest register also free of that partner's
		// coloured neighbours, so that the partner can take it after this one.
		if (reg == limit && open_partner) {
			both.assign(busy.begin(), busy.end());
			for (uint32_t o : g.partners[t])
				if (p.temp_reg[o] == 0xffff)
					mark(both, g.adj[o]);
			reg = lowest_free(both);
		}
		if (reg == limit)
			reg = lowest_free(busy);
		if (reg == limit) {
			g.failed.push_back(t);
			continue;
		}
		p.temp_reg[t] = v ? vgpr(reg) : sgpr(reg);
		if (v)
			max_v = std::max(max_v, reg + size);
		else
			max_s = std::max(max_s, reg + size);
	}
	p.vgprs_used = max_v;
	p.sgprs_used = max_s;
}

// Briggs' optimistic simplification: repeatedly remove a temporary whose neighbours (in
// registers) leave room for it, or else the most connected one, and colour in the reverse order,
// so that every temporary is coloured after the ones that constrain it most.
std::vector<uint32_t> simplify_order(const Program &p, const Layout &lay, const Graph &g,
                                     const std::vector<uint32_t> &nodes)
{
	size_t nt = p.temps.size();
	std::vector<unsigned> degree(nt, 0);
	std::vector<bool> removed(nt, true);
	for (uint32_t t : nodes)
		removed[t] = false;
	for (uint32_t t : nodes)
		for (uint32_t o : g.adj[t])
			if (!removed[o])
				degree[t] += p.temps[o].size;
	auto room = [&](uint32_t t) {
		bool v = p.temps[t].bank == Bank::vgpr;
		return v ? lay.vgpr_limit - lay.first_vgpr : lay.sgpr_limit - lay.first_sgpr;
	};
	std::vector<uint32_t> stack;
	std::vector<uint32_t> left = nodes;
	while (!left.empty()) {
		size_t pick = left.size();
		for (size_t i = 0; i < left.size() && pick == left.size(); i++)
			if (degree[left[i]] + p.temps[left[i]].size <= room(left[i]))
				pick = i;
		if (pick == left.size()) {
			pick = 0;
			for (size_t i = 1; i < left.size(); i++)
				if (degree[left[i]] > degree[left[pick]])
					pick = i;
		}
		uint32_t t = left[pick];
		left[pick] = left.back();
		left.pop_back();
		removed[t] = true;
		stack.push_back(t);
		for (uint32_t o : g.adj[t])
			if (!removed[o])
				degree[o] -= p.temps[t].size;
	}
	std::reverse(stack.begin(), stack.end());
	return stack;
}

void colour(Program &p, const Layout &lay, Graph &g)
{
	size_t nt = p.temps.size();
	size_t nb = p.blocks.size();
	auto is_vec = [&](uint32_t t) { return p.temps[t].bank == Bank::vgpr; };
	std::vector<Bits> live_out = live_out_sets(p);
	// Interference graph.
	g.adj.assign(nt, {});
	g.span.assign(nt, 0);
	g.failed.clear();
	g.hot.clear();
	auto &adj = g.adj;
	std::vector<bool> used(nt, false);
	for (size_t b = 0; b < nb; b++) {
		Bits live = live_out[b];
		auto &instrs = p.blocks[b].instrs;
		for (size_t i = instrs.size(); i-- > 0;) {
			const Instr &ins = instrs[i];
			unsigned pressure = 0;
			live.each([&](uint32_t t) {
				g.span[t]++;
				if (is_vec(t))
					pressure += p.temps[t].size;
			});
			for (const Operand &d : ins.defs)
				if (d.is_temp() && is_vec(d.id) && !live.test(d.id))
					pressure += p.temps[d.id].size;
			if (pressure > g.vgpr_budget) {
				std::vector<uint32_t> l;
				live.each([&](uint32_t t) { if (is_vec(t)) l.push_back(t); });
				for (const Operand &d : ins.defs)
					if (d.is_temp() && is_vec(d.id) && !live.test(d.id))
						l.push_back(d.id);
				g.hot.push_back(std::move(l));
			}
			for (const Operand &d : ins.defs) {
				if (!d.is_temp())
					continue;
				used[d.id] = true;
				bool v = is_vec(d.id);
				live.each([&](uint32_t t) {
					if (t != d.id && is_vec(t) == v) {
						adj[d.id].push_back(t);
						adj[t].push_back(d.id);
					}
				});
			}
			for (const Operand &d : ins.defs)
				if (d.is_temp() && d.part == 0)
					live.reset(d.id);
			for (const Operand &d : ins.defs)
				if (d.is_temp() && d.part > 0)
					live.set(d.id);
			for (const Operand &o : ins.ops)
				if (o.is_temp()) {
					live.set(o.id);
					used[o.id] = true;
				}
		}
		// Values live into the entry block (read before written on some path) conflict with
		// every other value live there.
		if (b == 0) {
			std::vector<uint32_t> l;
			live.each([&](uint32_t t) { l.push_back(t); });
			for (uint32_t a : l)
				for (uint32_t c : l)
					if (a != c && is_vec(a) == is_vec(c))
						adj[a].push_back(c);
		}
	}
	for (auto &a : adj) {
		std::sort(a.begin(), a.end());
		a.erase(std::unique(a.begin(), a.end()), a.end());
	}
	g.partners.assign(nt, {});
	for (const Block &bl : p.blocks)
		for (const Instr &ins : bl.instrs) {
			if (!whole_copy(p, ins))
				continue;
			const uint32_t d = ins.defs[0].id, o = ins.ops[0].id;
			if (d == o || std::binary_search(adj[d].begin(), adj[d].end(), o))
				continue;
			g.partners[d].push_back(o);
			g.partners[o].push_back(d);
		}
	// First in temporary order (roughly program order, which keeps allocations stable); if that
	// leaves values without a register, again in the optimistic simplify/select order of
	// Chaitin-Briggs colouring, and the better of the two is kept.
	std::vector<uint32_t> order;
	for (uint32_t t = 1; t < nt; t++)
		if (used[t])
			order.push_back(t);
	assign(p, lay, g, order);
	if (g.failed.empty())
		return;
	std::vector<uint16_t> first_reg = p.temp_reg;
	std::vector<uint32_t> first_failed = g.failed;
	uint32_t first_v = p.vgprs_used, first_s = p.sgprs_used;
	assign(p, lay, g, simplify_order(p, lay, g, order));
	if (g.failed.size() >= first_failed.size()) {
		p.temp_reg = std::move(first_reg);
		g.failed = std::move(first_failed);
		p.vgprs_used = first_v;
		p.sgprs_used = first_s;
	}
}

// Spill weight: every use and definition, weighted 8x per loop nesting level (like the cycle
// estimate), so values touched in loops are the last to go to memory.
std::vector<double> spill_weights(const Program &p)
{
	std::vector<double> w(p.temps.size(), 0.0);
	for (const Block &b : p.blocks) {
		double f = 1;
		for (uint32_t d = 0; d < b.loop_depth && d < 4; d++)
			f *= 8;
		for (const Instr &ins : b.instrs) {
			for (const Operand &o : ins.ops)
				if (o.is_temp())
					w[o.id] += f;
			for (const Operand &d : ins.defs)
				if (d.is_temp())
					w[d.id] += f;
		}
	}
	return w;
}

// Spills a scalar temporary into lanes of the spill VGPR: v_writelane after every definition,
// v_readlane into a fresh short-lived temporary before every use.
void spill_sgpr(Program &p, uint32_t t, uint16_t spill_vgpr, unsigned slot)
{
	const RegClass rc = p.temps[t];
	for (Block &b : p.blocks) {
		std::vector<Instr> out;
		for (Instr &ins : b.instrs) {
			for (Operand &o : ins.ops) {
				if (!o.is_temp() || o.id != t)
					continue;
				RegClass nrc = rc;
				nrc.size = o.size;
				uint32_t nt = p.new_temp(nrc);
				for (unsigned k = 0; k < o.size; k++) {
					Instr rd;
					rd.op = Op::mach;
					rd.mop = mop(MICA_OP_V_READLANE_B32);
					Operand d = Operand::temp(nt, 1);
					d.part = (uint8_t)k;
					rd.defs.push_back(d);
					rd.ops = {Operand::phys(spill_vgpr), Operand::c32(slot + o.part + k), Operand::phys(MICA_OPND_NONE)};
					out.push_back(rd);
				}
				o = Operand::temp(nt, o.size);
			}
			bool defines = false;
			uint8_t def_part = 0, def_size = 0;
			for (const Operand &d : ins.defs)
				if (d.is_temp() && d.id == t) {
					defines = true;
					def_part = d.part;
					def_size = d.size;
				}
			out.push_back(std::move(ins));
			if (!defines)
				continue;
			for (unsigned k = 0; k < def_size; k++) {
				Instr wr;
				wr.op = Op::mach;
				wr.mop = mop(MICA_OP_V_WRITELANE_B32);
				wr.defs.push_back(Operand::phys(spill_vgpr));
				Operand src = Operand::temp(t, 1);
				src.part = (uint8_t)(def_part + k);
				wr.ops = {src, Operand::c32(slot + def_part + k), Operand::phys(MICA_OPND_NONE)};
				out.push_back(wr);
			}
		}
		b.instrs = std::move(out);
	}
}

// Scratch memory for VGPR spills (mica.toml [launch_abi] s_scratch_base): spill dword k of lane l
// of this wave lives at wave_base + k * 128 + l * 4. wave_base sits in a reserved SGPR pair and
// l * 4 in a reserved VGPR, both computed once at entry (scratch_prologue), so a spill store or
// reload is one global instruction with the slot in its offset field. The field is signed 16
// bits: with the base biased by +32768 it reaches slots 0..511; a slot beyond that window adds
// its 64 KiB window to the lane offset in a short-lived VGPR first (no ceiling but the scratch
// size limit).
constexpr unsigned kSlotStride = MICA_WAVE_SIZE * 4;
constexpr int64_t kOffsetMax = 32767, kOffsetBias = 32768;   // MEM offset: signed 16 bits
constexpr unsigned kWindowBytes = 65536;
constexpr unsigned kSlotsPerWindow = kWindowBytes / kSlotStride;
constexpr unsigned kMaxScratchBytesPerLane = 65536;   // VGPR spills + function-scope variables

struct Scratch {
	uint16_t lane_offset = 0;   // VGPR: lane_id * 4
	uint16_t base = 0;          // SGPR pair: this wave's region
};

// The spill access of 'slot': its instruction, preceded by the window's lane offset when the
// slot is beyond the first window (the temporaries it creates are appended to 'fresh').
void mem_instr(Program &p, std::vector<Instr> &to, unsigned opcode, const Scratch &sc, unsigned slot, Operand data,
               std::vector<uint32_t> &fresh)
{
	Instr i;
	i.op = Op::mach;
	i.mop = mop(opcode);
	Operand off = Operand::phys(sc.lane_offset);
	const unsigned window = slot / kSlotsPerWindow;
	if (window) {
		const uint32_t t = p.new_temp(RegClass{Bank::vgpr, 1, false});
		fresh.push_back(t);
		Instr add;
		add.op = Op::mach;
		add.mop = mop(MICA_OP_V_ADD_U32);
		add.defs.push_back(Operand::temp(t, 1));
		add.ops = {off, Operand::c32(window * kWindowBytes)};
		to.push_back(std::move(add));
		off = Operand::temp(t, 1);
	}
	i.ops = {off, Operand::phys(sc.base, 2)};
	i.imm = (int64_t)(slot % kSlotsPerWindow) * kSlotStride;
	if (opcode == MICA_OP_GLOBAL_LOAD_B32)
		i.defs.push_back(data);
	else
		i.ops.push_back(data);
	to.push_back(std::move(i));
}

// Whether a v_mov source never changes during the program: a constant, the launch state in the
// reserved registers (local ids in v0..v2, user data and workgroup ids in s0..s19, which the
// allocator never hands out) or the lane id.
bool invariant_source(const Operand &o)
{
	if (o.is_const())
		return true;
	if (o.kind != Operand::Kind::reg)
		return false;
	return o.reg == MICA_OPND_LANE_ID || (o.reg >= vgpr(0) && o.reg < vgpr(3)) ||
	       (o.reg >= sgpr(0) && o.reg + o.size <= sgpr(kReservedSgprs));
}

// v_mov of an invariant source into one temporary (unused operand slots are NONE).
bool invariant_move(const Instr &ins)
{
	if (ins.op != Op::mach || ins.defs.size() != 1 || ins.ops.empty() || !invariant_source(ins.ops[0]) ||
	    (ins.mop->opcode != MICA_OP_V_MOV_B32 && ins.mop->opcode != MICA_OP_V_MOV_B64))
		return false;
	for (size_t k = 1; k < ins.ops.size(); k++)
		if (ins.ops[k].kind != Operand::Kind::reg || ins.ops[k].reg != MICA_OPND_NONE)
			return false;
	return true;
}

// A value that is cheaper to compute again than to reload: a vector temporary whose only
// definition moves an invariant source into it (rematerialised before each use instead of spilled).
bool rematerialisable(const Program &p, uint32_t t, Instr *def_out = nullptr)
{
	const Instr *def = nullptr;
	for (const Block &b : p.blocks)
		for (const Instr &ins : b.instrs)
			for (const Operand &d : ins.defs)
				if (d.is_temp() && d.id == t) {
					if (def)
						return false;
					def = &ins;
				}
	if (!def || !invariant_move(*def) || def->defs[0].part != 0 || def->defs[0].size != p.temps[t].size)
		return false;
	if (def_out)
		*def_out = *def;
	return true;
}

// Replaces the constant-defined temporary 't' by a fresh copy of its definition before each use
// (the definition itself goes). Returns the new temporaries.
std::vector<uint32_t> rematerialise(Program &p, uint32_t t)
{
	Instr def;
	rematerialisable(p, t, &def);
	std::vector<uint32_t> fresh;
	for (Block &b : p.blocks) {
		std::vector<Instr> out;
		for (Instr &ins : b.instrs) {
			if (!ins.defs.empty() && ins.defs[0].is_temp() && ins.defs[0].id == t)
				continue;
			uint32_t nt = 0;
			for (Operand &o : ins.ops) {
				if (!o.is_temp() || o.id != t)
					continue;
				if (!nt) {
					nt = p.new_temp(p.temps[t]);
					fresh.push_back(nt);
					Instr m = def;
					m.defs[0].id = nt;
					out.push_back(std::move(m));
				}
				o.id = nt;
			}
			out.push_back(std::move(ins));
		}
		b.instrs = std::move(out);
	}
	return fresh;
}

// Whether 'ins' may change EXEC (a reload made before it may not serve a use after it: it was
// loaded for other lanes).
bool changes_exec(const Instr &ins)
{
	if (ins.op != Op::mach)
		return true;
	if (ins.mop->flags & MICA_OPF_WEXEC)
		return true;
	for (const Operand &d : ins.defs)
		if (d.kind == Operand::Kind::reg && d.reg == MICA_OPND_EXEC)
			return true;
	return false;
}

// Spills a vector temporary to scratch slots [slot, slot + size): every definition writes a fresh
// temporary that is stored right after it; a use reads a fresh temporary reloaded before it, and
// later uses in the same block reuse that reload while EXEC stays the same and they are within
// kReuseDistance instructions (one reload per distinct piece and stretch). Stores and reloads run
// under the EXEC of the instruction they serve, which is what the logical-CFG liveness of VGPRs
// assumes: a value's lanes are written and read where they are live. Returns the new temporaries.
constexpr size_t kReuseDistance = 24;
std::vector<uint32_t> spill_vgpr(Program &p, uint32_t t, const Scratch &sc, unsigned slot)
{
	const RegClass rc = p.temps[t];
	std::vector<uint32_t> fresh;
	// Replaces one use or definition of the spilled value by a fresh short-lived temporary and
	// appends one reload (load) or spill store per dword of it to 'to'.
	auto rewrite_piece = [&](const Operand &piece, unsigned op, std::vector<Instr> &to) {
		RegClass nrc = rc;
		nrc.size = piece.size;
		const uint32_t nt = p.new_temp(nrc);
		fresh.push_back(nt);
		for (unsigned k = 0; k < piece.size; k++) {
			Operand dword = Operand::temp(nt, 1);
			dword.part = (uint8_t)k;
			mem_instr(p, to, op, sc, slot + piece.part + k, dword, fresh);
		}
		return Operand::temp(nt, piece.size);
	};
	for (Block &b : p.blocks) {
		std::vector<Instr> out;
		struct Reload {
			Operand piece, temp;
			size_t at;
		};
		std::vector<Reload> live_reloads;   // this block's reloads still usable
		for (size_t n = 0; n < b.instrs.size(); n++) {
			Instr &ins = b.instrs[n];
			std::erase_if(live_reloads, [&](const Reload &r) { return n - r.at > kReuseDistance; });
			for (Operand &o : ins.ops) {
				if (!o.is_temp() || o.id != t)
					continue;
				Operand piece = o;
				auto it = std::find_if(live_reloads.begin(), live_reloads.end(), [&](auto &r) { return r.piece == piece; });
				if (it != live_reloads.end()) {
					o = it->temp;
					continue;
				}
				o = rewrite_piece(o, MICA_OP_GLOBAL_LOAD_B32, out);
				live_reloads.push_back({piece, o, n});
			}
			std::vector<Instr> stores;
			for (Operand &d : ins.defs) {
				if (!d.is_temp() || d.id != t)
					continue;
				d = rewrite_piece(d, MICA_OP_GLOBAL_STORE_B32, stores);
				live_reloads.clear();   // a new value
			}
			if (changes_exec(ins))
				live_reloads.clear();
			out.push_back(std::move(ins));
			for (Instr &st : stores)
				out.push_back(std::move(st));
		}
		b.instrs = std::move(out);
	}
	return fresh;
}

// Computes this wave's scratch region and lane offset at entry (launch ABI): region index
// r = HW_ID.CU * wave_slots_per_cu + HW_ID.WAVE_SLOT, base = s[10:11] + r * scratch_bytes * 32
// + spill_area (after the function-scope variables) (+ the offset bias when the slots need the
// negative half of the offset field).
void scratch_prologue(Program &p, const Scratch &sc, uint32_t scratch_bytes, uint32_t spill_area, bool biased)
{
	auto mk = [](unsigned opcode, Operand d, std::vector<Operand> ops, int64_t imm = 0) {
		Instr i;
		i.op = Op::mach;
		i.mop = mop(opcode);
		i.defs.push_back(d);
		i.ops = std::move(ops);
		i.imm = imm;
		return i;
	};
	Operand lo = Operand::phys(sc.base), hi = Operand::phys((uint16_t)(sc.base + 1)),
	        pair = Operand::phys(sc.base, 2);
	const uint32_t region = scratch_bytes * MICA_WAVE_SIZE;
	std::vector<Instr> pro;
	// The lane offset is written in every lane, not only the launched ones, so that a spill
	// access under a wider EXEC (whole-wave sequences) still stays inside this wave's region.
	Operand exec = Operand::phys(MICA_OPND_EXEC);
	pro.push_back(mk(MICA_OP_S_MOV_B32, lo, {exec}));
	pro.push_back(mk(MICA_OP_S_MOV_B32, exec, {Operand::c32(0xffffffffu)}));
	pro.push_back(mk(MICA_OP_V_SHL_B32, Operand::phys(sc.lane_offset),
	                 {Operand::phys(MICA_OPND_LANE_ID), Operand::c32(2)}));
	pro.push_back(mk(MICA_OP_S_MOV_B32, exec, {lo}));
	pro.push_back(mk(MICA_OP_S_GETREG_B32, lo, {}, MICA_HWREG_HW_ID));
	pro.push_back(mk(MICA_OP_S_BFE_U32, hi, {lo, Operand::c32(MICA_HW_ID_CU_SHIFT), Operand::c32(MICA_HW_ID_CU_BITS)}));
	pro.push_back(mk(MICA_OP_S_BFE_U32, lo,
	                 {lo, Operand::c32(MICA_HW_ID_WAVE_SLOT_SHIFT), Operand::c32(MICA_HW_ID_WAVE_SLOT_BITS)}));
	pro.push_back(mk(MICA_OP_S_MUL_U32, hi, {hi, Operand::c32(MICA_WAVE_SLOTS_PER_CU)}));
	pro.push_back(mk(MICA_OP_S_ADD_U32, lo, {lo, hi}));
	pro.push_back(mk(MICA_OP_S_MUL_U32, lo, {lo, Operand::c32(region)}));
	// Spill slots follow the wave's function-scope variables (Program::local_bytes).
	if (biased || spill_area)
		pro.push_back(mk(MICA_OP_S_ADD_U32, lo, {lo, Operand::c32((uint32_t)(biased ? kOffsetBias : 0) + spill_area)}));
	pro.push_back(mk(MICA_OP_S_MOV_B32, hi, {Operand::c32(0)}));
	pro.push_back(mk(MICA_OP_S_ADD_U64, pair, {pair, Operand::phys(sgpr(MICA_ABI_S_SCRATCH_BASE), 2)}));
	// isel starts every program with straight-line setup code in block 0 (loops get their own
	// header blocks), so this runs once per wave.
	auto &entry = p.blocks[0].instrs;
	entry.insert(entry.begin(), pro.begin(), pro.end());
}

bool defined_ignoring_exec(const Program &p, uint32_t t)
{
	for (const Block &b : p.blocks)
		for (const Instr &ins : b.instrs)
			if (ins.op == Op::mach && (ins.mop->flags & MICA_OPF_NOEXEC))
				for (const Operand &d : ins.defs)
					if (d.is_temp() && d.id == t)
						return true;
	return false;
}

} // namespace

static std::vector<unsigned> max_file_pressure(const Program &p, bool vector)
{
	std::vector<Bits> live_out = live_out_sets(p);
	std::vector<unsigned> out(p.blocks.size(), 0);
	for (size_t b = 0; b < p.blocks.size(); b++)
		walk_block(p.blocks[b], live_out[b], [&](size_t i, const Bits &live) {
			out[b] = std::max(out[b], file_pressure(p, p.blocks[b].instrs[i], live, vector));
		});
	return out;
}

std::vector<unsigned> max_vgpr_pressure(const Program &p) { return max_file_pressure(p, true); }
std::vector<unsigned> max_sgpr_pressure(const Program &p) { return max_file_pressure(p, false); }

bool register_allocate(Program &p, std::string &error)
{
	// SGPR pressure is relieved by spilling into lanes of one reserved VGPR (32 slots); VGPR
	// pressure by spilling to scratch memory, which reserves a VGPR (lane offset) and an SGPR pair
	// (wave base). Each round colours everything it can, then spills for every temporary that got
	// no register, and tries again.
	// A workgroup's waves are resident together, so wide workgroups get fewer registers per wave.
	Layout lay;
	const uint32_t invocations = p.wg_size[0] * p.wg_size[1] * p.wg_size[2];
	lay.vgpr_limit = vgpr_limit(invocations);
	lay.sgpr_limit = sgpr_limit(invocations);
	lay.first_vgpr = std::max<unsigned>(lay.first_vgpr, p.whole_wave_vgprs);   // isel's extra scratch
	std::vector<unsigned> sgpr_spill_vgprs;   // VGPRs whose lanes hold spilled SGPRs
	constexpr unsigned kMaxSgprSpillSlots = 32 * MICA_WAVE_SIZE;
	unsigned sgpr_slots = 0, vgpr_slots = 0;
	bool have_scratch = false;
	// VGPR spill slots: the spilled temporaries holding each, and each spilled temporary's
	// interference neighbours when it was spilled (sorted).
	std::vector<std::vector<uint32_t>> slot_owners;
	std::unordered_map<uint32_t, std::vector<uint32_t>> spilled_adj;
	p.rematerialised = 0;
	Scratch sc;
	p.spills = 0;
	p.scratch_bytes = 0;
	std::vector<bool> no_spill(p.temps.size(), false);
	Graph g;
	constexpr int kMaxRounds = 256;
	for (int round = 0;; round++) {
		// Room for the values at one point: the file minus the lane-offset VGPR the first VGPR
		// spill reserves, minus a little slack for tuple alignment.
		g.vgpr_budget = lay.vgpr_limit - lay.first_vgpr - (have_scratch ? 0 : 1) - 2;
		colour(p, lay, g);
		if (g.failed.empty())
			break;
		if (round == kMaxRounds) {
			error = "register allocation failed: no colouring after " + std::to_string(kMaxRounds) + " spill rounds";
			return false;
		}
		no_spill.resize(p.temps.size(), false);
		bool progress = false;
		// Scalar: for every value that got no register, the most constrained among it and its
		// neighbours (reload temporaries are not spilled again; one victim may serve several).
		// A spill often relieves several failures: a quarter of them get a victim per round.
		bool scalar_failed = false;
		unsigned scalar_spilled = 0;
		const unsigned scalar_budget = std::max<unsigned>(
			1, (unsigned)std::count_if(g.failed.begin(), g.failed.end(), [&](uint32_t f) { return p.temps[f].bank != Bank::vgpr; }) / 4);
		for (uint32_t f : g.failed) {
			if (p.temps[f].bank == Bank::vgpr)
				continue;
			scalar_failed = true;
			if (scalar_spilled == scalar_budget)
				break;
			uint32_t victim = f;
			size_t best = no_spill[f] ? 0 : g.adj[f].size();
			for (uint32_t o : g.adj[f]) {
				if (p.temps[o].bank == Bank::vgpr || no_spill[o])
					continue;
				if (g.adj[o].size() > best) {
					best = g.adj[o].size();
					victim = o;
				}
			}
			if (no_spill[victim])
				continue;
			const RegClass rc = p.temps[victim];
			// Slot k is lane k % 32 of the (k / 32)-th spill VGPR, reserved as needed; a tuple
			// stays within one VGPR.
			if (sgpr_slots % MICA_WAVE_SIZE + rc.size > MICA_WAVE_SIZE)
				sgpr_slots += MICA_WAVE_SIZE - sgpr_slots % MICA_WAVE_SIZE;
			if (sgpr_slots + rc.size > kMaxSgprSpillSlots) {
				error = "register allocation failed: the program needs more than " +
				        std::to_string(lay.sgpr_limit - lay.first_sgpr) +
				        " allocatable SGPRs even after spilling " + std::to_string(sgpr_slots) +
				        " SGPRs to VGPR lanes";
				return false;
			}
			while (sgpr_spill_vgprs.size() <= sgpr_slots / MICA_WAVE_SIZE)
				sgpr_spill_vgprs.push_back(lay.first_vgpr++);
			size_t before = p.temps.size();
			spill_sgpr(p, victim, vgpr(sgpr_spill_vgprs[sgpr_slots / MICA_WAVE_SIZE]), sgpr_slots % MICA_WAVE_SIZE);
			no_spill.resize(p.temps.size(), false);
			for (size_t k = before; k < p.temps.size(); k++)
				no_spill[k] = true;
			no_spill[victim] = true;
			sgpr_slots += rc.size;
			p.spills++;
			scalar_spilled++;
			progress = true;
		}
		if (scalar_failed && !scalar_spilled) {
			error = "register allocation failed: the program needs more than " +
			        std::to_string(lay.sgpr_limit - lay.first_sgpr) + " allocatable SGPRs even after spilling " +
			        std::to_string(sgpr_slots) + " SGPRs to VGPR lanes";
			return false;
		}
		// Vector: cost = weighted uses and definitions per program point of the live range (values
		// used rarely over a long range go first, values used in loops last). Where the live values
		// exceed the register file, the cheapest live ones are spilled until every such point fits;
		// when colouring fails without such a point (tuple alignment), the cheapest of the first
		// failing value and its coloured neighbours.
		const bool vgpr_failed = std::any_of(g.failed.begin(), g.failed.end(),
		                                     [&](uint32_t f) { return p.temps[f].bank == Bank::vgpr; });
		if (!vgpr_failed)
			g.hot.clear();   // the vector file coloured: nothing to spill there
		std::vector<double> weight = spill_weights(p);
		std::vector<bool> chosen(p.temps.size(), false);
		std::vector<uint32_t> victims;
		auto spillable = [&](uint32_t t) {
			return p.temps[t].bank == Bank::vgpr && !no_spill[t] && !chosen[t];
		};
		// At a crowded point, a value that is also live at many other crowded points relieves all
		// of them at once.
		std::vector<uint32_t> hot_count(p.temps.size(), 0);
		for (auto &point : g.hot)
			for (uint32_t t : point)
				hot_count[t]++;
		// Constants and launch state in VGPRs are recomputed at their uses, not stored and
		// reloaded: cheapest.
		std::vector<uint32_t> defs(p.temps.size(), 0);
		std::vector<bool> constant(p.temps.size(), false);
		for (const Block &b : p.blocks)
			for (const Instr &ins : b.instrs)
				for (const Operand &d : ins.defs)
					if (d.is_temp()) {
						defs[d.id]++;
						constant[d.id] = invariant_move(ins);
					}
		auto cost = [&](uint32_t t) {
			const double c = weight[t] / std::max<uint32_t>(1, g.span[t]);
			return defs[t] == 1 && constant[t] ? c / 16 : c;
		};
		auto hot_cost = [&](uint32_t t) { return cost(t) / std::max<uint32_t>(1, hot_count[t]); };
		for (auto &point : g.hot) {
			unsigned pressure = 0;
			for (uint32_t t : point)
				if (!chosen[t])
					pressure += p.temps[t].size;
			while (pressure > g.vgpr_budget) {
				int64_t victim = -1;
				for (uint32_t t : point)
					if (spillable(t) && (victim < 0 || hot_cost(t) < hot_cost((uint32_t)victim)))
						victim = t;
				if (victim < 0)
					break;
				chosen[(size_t)victim] = true;
				victims.push_back((uint32_t)victim);
				pressure -= p.temps[(size_t)victim].size;
			}
		}
		for (uint32_t f : g.failed) {
			if (!victims.empty())
				break;
			if (p.temps[f].bank != Bank::vgpr)
				continue;
			int64_t victim = spillable(f) ? (int64_t)f : -1;
			for (uint32_t o : g.adj[f])
				if (spillable(o) && p.temp_reg[o] != 0xffff && (victim < 0 || cost(o) < cost((uint32_t)victim)))
					victim = o;
			if (victim < 0)
				continue;
			chosen[(size_t)victim] = true;
			victims.push_back((uint32_t)victim);
		}
		if (vgpr_failed && victims.empty()) {
			error = "register allocation failed: the program needs more than " +
			        std::to_string(lay.vgpr_limit - lay.first_vgpr) +
			        " allocatable VGPRs at one point even after spilling to scratch memory";
			return false;
		}
		for (uint32_t t : victims) {
			if (t < no_spill.size() && defined_ignoring_exec(p, t)) {
				no_spill[t] = true;   // a lane write outside EXEC cannot be stored under EXEC
				progress = true;
				continue;
			}
			if (!have_scratch) {
				have_scratch = true;
				sc.lane_offset = vgpr(lay.first_vgpr++);
				lay.first_sgpr = (lay.first_sgpr + 1) & ~1u;
				sc.base = sgpr(lay.first_sgpr);
				lay.first_sgpr += 2;
			}
			const unsigned size = p.temps[t].size;
			if (rematerialisable(p, t)) {
				for (uint32_t n : rematerialise(p, t)) {
					no_spill.resize(p.temps.size(), false);
					no_spill[n] = true;
				}
				no_spill[t] = true;
				p.rematerialised++;
				progress = true;
				continue;
			}
			// Slots are shared by spilled values that do not interfere (as registers are).
			std::vector<uint32_t> &nb = spilled_adj[t];
			nb = g.adj[t];
			std::sort(nb.begin(), nb.end());
			unsigned slot = 0;
			for (;; slot++) {
				bool free = true;
				for (unsigned k = 0; k < size && free && slot + k < slot_owners.size(); k++)
					for (uint32_t u : slot_owners[slot + k])
						if (std::binary_search(spilled_adj[u].begin(), spilled_adj[u].end(), t) ||
						    std::binary_search(nb.begin(), nb.end(), u))
							free = false;
				if (free)
					break;
			}
			if ((uint64_t)p.local_bytes + (uint64_t)(slot + size) * 4 > kMaxScratchBytesPerLane) {
				error = "register allocation failed: VGPR spills and function-scope variables need more than " +
				        std::to_string(kMaxScratchBytesPerLane) + " bytes of scratch memory per lane";
				return false;
			}
			if (slot_owners.size() < slot + size)
				slot_owners.resize(slot + size);
			for (unsigned k = 0; k < size; k++)
				slot_owners[slot + k].push_back(t);
			for (uint32_t n : spill_vgpr(p, t, sc, slot)) {
				no_spill.resize(p.temps.size(), false);
				no_spill[n] = true;
			}
			no_spill[t] = true;
			vgpr_slots = std::max<unsigned>(vgpr_slots, slot + size);
			p.spills++;
			progress = true;
		}
		if (!progress) {
			error = "register allocation failed: no value can be spilled";
			return false;
		}
		p.compute_linear_cfg();
	}
	if (p.temp_reg.empty() || (p.temps.size() > 1 && p.vgprs_used == 0))
		return false;
	error.clear();
	p.scratch_bytes = p.local_bytes + vgpr_slots * 4;
	if (vgpr_slots) {
		bool biased = (int64_t)(vgpr_slots - 1) * kSlotStride > kOffsetMax;
		if (biased)
			for (Block &b : p.blocks)
				for (Instr &ins : b.instrs)
					if (ins.op == Op::mach && (ins.mop->format == MICA_FMT_MEM) && ins.ops.size() >= 2 &&
					    ins.ops[1].kind == Operand::Kind::reg && ins.ops[1].reg == sc.base)
						ins.imm -= kOffsetBias;
		scratch_prologue(p, sc, p.scratch_bytes, p.local_bytes * MICA_WAVE_SIZE, biased);
	}
	// The wave's region size is known now (isel's scratch_wave_offset left it open).
	for (Block &b : p.blocks)
		for (Instr &ins : b.instrs)
			if (ins.fixup == kFixupScratchRegion)
				ins.ops.at(1) = Operand::c32(p.scratch_bytes * MICA_WAVE_SIZE);
	// Copies whose source and destination got the same register disappear.
	for (Block &b : p.blocks) {
		std::vector<Instr> kept;
		for (Instr &ins : b.instrs) {
			if (copy_width(ins) && p.temp_reg[ins.defs[0].id] + ins.defs[0].part == p.temp_reg[ins.ops[0].id] + ins.ops[0].part)
				continue;
			kept.push_back(std::move(ins));
		}
		b.instrs = std::move(kept);
	}
	return true;
}

} // namespace mica::compiler
