// Register allocation by graph colouring over non-SSA machine temporaries.
// Liveness is computed twice: scalar-file temporaries (SGPR values, uniform booleans, lane masks)
// over the linear CFG, because scalar instructions run whatever EXEC is; vector temporaries over
// the logical CFG, because a vector write only touches the lanes that are active, so two values
// that are never live on the same lanes may share a register even if the linearised program
// runs both paths (the approach of ACO's two CFGs). Interference: a definition conflicts with
// everything live after it in the same register file. Colours are the lowest free register with
// the tuple alignment the ISA requires (pairs even, 3/4/8-tuples 4-aligned).
#include <algorithm>

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

enum class Attempt { ok, failed };

// One colouring attempt. On failure 'failed_temp' is the temporary that found no register.
Attempt colour(Program &p, unsigned first_vgpr, const std::vector<bool> &no_spill, uint32_t &failed_temp,
              std::string &error)
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
	// Interference graph.
	std::vector<std::vector<uint32_t>> adj(nt);
	std::vector<bool> used(nt, false);
	for (size_t b = 0; b < nb; b++) {
		Bits live = live_out[b];
		auto &instrs = p.blocks[b].instrs;
		for (size_t i = instrs.size(); i-- > 0;) {
			const Instr &ins = instrs[i];
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
	p.temp_reg.assign(nt, 0xffff);
	uint32_t max_v = first_vgpr, max_s = kReservedSgprs;
	for (uint32_t t = 1; t < nt; t++) {
		if (!used[t])
			continue;
		const RegClass &rc = p.temps[t];
		bool v = rc.bank == Bank::vgpr;
		unsigned first = v ? first_vgpr : kReservedSgprs;
		unsigned limit = v ? MICA_VGPRS_PER_WAVE : MICA_SGPRS_PER_WAVE;
		unsigned size = rc.size, align = size >= 4 ? 4 : size;
		std::vector<bool> busy(limit + 8, false);
		for (uint32_t o : adj[t]) {
			uint16_t r = p.temp_reg[o];
			if (r == 0xffff)
				continue;
			unsigned base = v ? r - MICA_OPND_VGPR_FIRST : r - MICA_OPND_SGPR_FIRST;
			for (unsigned k = 0; k < p.temps[o].size; k++)
				busy[base + k] = true;
		}
		unsigned reg = limit;
		for (unsigned r = (first + align - 1) / align * align; r + size <= limit; r += align) {
			bool free = true;
			for (unsigned k = 0; k < size; k++)
				free &= !busy[r + k];
			if (free) {
				reg = r;
				break;
			}
		}
		if (reg == limit) {
			// Spill candidate: the most constrained scalar value among the failing one and its
			// neighbours (reload temporaries are not spilled again).
			failed_temp = t;
			size_t best = no_spill.size() > t && no_spill[t] ? 0 : adj[t].size();
			for (uint32_t o : adj[t]) {
				if (p.temps[o].bank == Bank::vgpr || (o < no_spill.size() && no_spill[o]))
					continue;
				if (adj[o].size() > best) {
					best = adj[o].size();
					failed_temp = o;
				}
			}
			error = std::string("register allocation failed: the program needs more than ") +
			        std::to_string(limit - first) + (v ? " allocatable VGPRs (VGPR spilling to scratch memory is not implemented)"
			                                           : " allocatable SGPRs even after spilling SGPRs to VGPR lanes");
			return Attempt::failed;
		}
		p.temp_reg[t] = v ? vgpr(reg) : sgpr(reg);
		if (v)
			max_v = std::max(max_v, reg + size);
		else
			max_s = std::max(max_s, reg + size);
	}
	p.vgprs_used = max_v;
	p.sgprs_used = max_s;
	return Attempt::ok;
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
				uint8_t part = 0;
				o = Operand::temp(nt, o.size);
				o.part = part;
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

} // namespace

bool register_allocate(Program &p, std::string &error)
{
	// SGPR pressure is relieved by spilling into lanes of one reserved VGPR (32 slots).
	unsigned first_vgpr = kReservedVgprs;
	unsigned slots_used = 0;
	p.spills = 0;
	std::vector<bool> no_spill;
	for (int round = 0; round < 64; round++) {
		uint32_t failed = 0;
		if (colour(p, first_vgpr, no_spill, failed, error) == Attempt::ok)
			break;
		const RegClass rc = p.temps[failed];
		if (rc.bank == Bank::vgpr || slots_used + rc.size > MICA_WAVE_SIZE)
			return false;
		if (first_vgpr == kReservedVgprs)
			first_vgpr++;   // v[kReservedVgprs] holds the spill slots from now on
		size_t before = p.temps.size();
		spill_sgpr(p, failed, vgpr(kReservedVgprs), slots_used);
		no_spill.resize(p.temps.size(), false);
		for (size_t k = before; k < p.temps.size(); k++)
			no_spill[k] = true;
		no_spill[failed] = true;
		slots_used += rc.size;
		p.spills++;
		p.compute_linear_cfg();
		if (round == 63)
			return false;
	}
	if (p.temp_reg.empty() || (p.temps.size() > 1 && p.vgprs_used == 0))
		return false;
	error.clear();
	// Copies whose source and destination got the same register disappear.
	for (Block &b : p.blocks) {
		std::vector<Instr> kept;
		for (Instr &ins : b.instrs) {
			if (ins.op == Op::mach && ins.defs.size() == 1 && ins.defs[0].is_temp() && ins.ops[0].is_temp() &&
			    (ins.mop->opcode == MICA_OP_S_MOV_B32 || ins.mop->opcode == MICA_OP_V_MOV_B32 ||
			     ins.mop->opcode == MICA_OP_S_MOV_B64 || ins.mop->opcode == MICA_OP_V_MOV_B64) &&
			    p.temp_reg[ins.defs[0].id] + ins.defs[0].part == p.temp_reg[ins.ops[0].id] + ins.ops[0].part)
				continue;
			kept.push_back(std::move(ins));
		}
		b.instrs = std::move(kept);
	}
	return true;
}

} // namespace mica::compiler
