// Machine level, before register allocation (-O1 and up): two 32-bit scalar loads of adjacent
// dwords through the push-constant pointer become one 64-bit load.
//
// A shader's push constants (Vulkan) or dispatch words (OpenCL) are read through s[2:3], a launch
// register nothing writes (machine.h), from memory the dispatch does not change: each read is
// an `s_load_b32` where the front end met it. SAXPY reads `n` (offset 4) at its top and `a`
// (offset 0) in its body: two of its five scalar loads, ~4 ns each in the translated code.
// A load in the entry block (which runs before every other block) and another of the dword next
// to it, later in the entry block or in any other block, become one `s_load_b64` where the first
// was; each former result is a dword of the pair (a temporary's part), so no copy is added. The
// second load may have run only on some paths (SAXPY's `a` behind the bounds test), so the pair
// must not reach a page the first load's dword does not: only 8-byte aligned pairs are made, and
// the drivers place the push constants (the Vulkan driver uploads the whole block) and the
// dispatch words at aligned addresses, so both dwords lie in one page. (The ISA itself requires
// no alignment: docs/hw/isa.md.) Loads that take an offset register, or whose result temporary
// has another definition or is read by a phi or copy, are left alone.
#include <algorithm>
#include <optional>

#include "machine.h"
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

// The byte offset of a 32-bit load of a push-constant dword into a single-definition temporary.
std::optional<int64_t> push_constant_dword(const Instr &ins)
{
	if (ins.op != Op::mach || ins.mop->opcode != MICA_OP_S_LOAD_B32 || ins.fixup || ins.defs.size() != 1 ||
	    !ins.defs[0].is_temp() || ins.defs[0].part != 0 || ins.defs[0].size != 1)
		return std::nullopt;
	bool base = false;
	for (const Operand &o : ins.ops) {
		if (o.kind != Operand::Kind::reg)
			return std::nullopt;
		if (o.reg == MICA_OPND_NONE)
			continue;
		if (o.reg != sgpr(MICA_ABI_S_PUSH_CONSTANTS) || o.size != 2 || base)
			return std::nullopt;
		base = true;
	}
	if (!base)
		return std::nullopt;
	return ins.imm;
}

} // namespace

bool merge_constant_loads(Program &p)
{
	if (p.blocks.empty())
		return false;
	// How many times each temporary is defined (a load's result must be its only definition), and
	// the temporaries some instruction other than a machine instruction reads (a phi, a copy):
	// their reads stay whole temporaries.
	std::vector<uint32_t> defs(p.temps.size(), 0);
	std::vector<bool> read_otherwise(p.temps.size(), false);
	for (const Block &b : p.blocks)
		for (const Instr &ins : b.instrs) {
			for (const Operand &d : ins.defs)
				if (d.is_temp() && d.id < defs.size())
					defs[d.id]++;
			if (ins.op != Op::mach)
				for (const Operand &o : ins.ops)
					if (o.is_temp() && o.id < read_otherwise.size())
						read_otherwise[o.id] = true;
		}
	struct Load {
		uint32_t block;
		size_t at;
		int64_t offset;
		uint32_t temp;
	};
	std::vector<Load> loads;
	for (uint32_t b = 0; b < p.blocks.size(); b++)
		for (size_t i = 0; i < p.blocks[b].instrs.size(); i++) {
			const Instr &ins = p.blocks[b].instrs[i];
			if (const std::optional<int64_t> off = push_constant_dword(ins);
			    off && defs[ins.defs[0].id] == 1 && !read_otherwise[ins.defs[0].id])
				loads.push_back({b, i, *off, ins.defs[0].id});
		}
	// Pairs: the first in the entry block, the second after it (its position in the entry block,
	// or any later block).
	std::vector<bool> used(loads.size(), false);
	struct Pair {
		size_t first, second;
	};
	std::vector<Pair> pairs;
	for (size_t f = 0; f < loads.size(); f++) {
		if (loads[f].block != 0 || used[f])
			continue;
		for (size_t s = 0; s < loads.size(); s++) {
			if (s == f || used[s] || (loads[s].block == 0 && loads[s].at < loads[f].at))
				continue;
			if (loads[s].offset != loads[f].offset + 4 && loads[s].offset != loads[f].offset - 4)
				continue;
			if (std::min(loads[s].offset, loads[f].offset) % 8 != 0)
				continue; // (an aligned pair lies in the page of the first load's dword: below)
			used[f] = used[s] = true;
			pairs.push_back({f, s});
			break;
		}
	}
	if (pairs.empty())
		return false;
	// Rewrite every read of the merged temporaries, then the loads (second loads erased from
	// the back of each block so the recorded positions stay true).
	std::vector<std::pair<uint32_t, uint8_t>> now(p.temps.size(), {0, 0}); // temp -> (pair temp, part)
	for (const Pair &pr : pairs) {
		const Load &f = loads[pr.first], &s = loads[pr.second];
		const uint32_t wide = p.new_temp(RegClass{Bank::sgpr, 2, false});
		now.resize(p.temps.size(), {0, 0});
		const int64_t low = std::min(f.offset, s.offset);
		now[f.temp] = {wide, (uint8_t)((f.offset - low) / 4)};
		now[s.temp] = {wide, (uint8_t)((s.offset - low) / 4)};
		Instr &first = p.blocks[f.block].instrs[f.at];
		first.mop = mop(MICA_OP_S_LOAD_B64);
		first.defs[0] = Operand::temp(wide, 2);
		first.imm = low;
	}
	for (Block &b : p.blocks)
		for (Instr &ins : b.instrs)
			for (Operand &o : ins.ops)
				if (o.is_temp() && o.id < now.size() && now[o.id].first) {
					o.part = (uint8_t)(o.part + now[o.id].second);
					o.id = now[o.id].first;
				}
	std::vector<std::pair<uint32_t, size_t>> erase;
	for (const Pair &pr : pairs)
		erase.push_back({loads[pr.second].block, loads[pr.second].at});
	std::sort(erase.begin(), erase.end(), [](const auto &a, const auto &b) { return a > b; });
	for (const auto &[b, at] : erase)
		p.blocks[b].instrs.erase(p.blocks[b].instrs.begin() + (ptrdiff_t)at);
	return true;
}

} // namespace mica::compiler
