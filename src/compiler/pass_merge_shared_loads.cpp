// Adjacent shared loads become one wide load. An unrolled loop over a row of a shared array
// (SGEMM's `ta[ly][k]` for k = 0..15) reads it with one ds_load_b32 per element, each from the
// same address register and an immediate offset 4 bytes past the last; the ISA has
// ds_load_b128 and ds_load_b64 (no alignment rule for shared addresses; the destination tuple is
// aligned, which the allocator does for any 4- or 2-dword temporary). Four such loads become one
// ds_load_b128 into a new 4-dword temporary, two one ds_load_b64, and every reader of a load's
// result reads its dword of the tuple instead: fewer instructions to issue and to count, and a
// quarter of the memory operations of the device model's translated code (docs/performance.md).
//
// When it is the same access: the loads are in one block, between two instructions that could
// change what they read or which lanes read it (a shared or global store or atomic, a barrier, a
// fence, anything of CTRL format, an EXEC write, a pseudo-instruction) there is none, the address
// temporary is not written in between, and each load's result is a one-dword temporary with no
// other definition and no reader before the load it replaces. The wide load is put where the
// first of them was, so every result is there before any reader. Lanes read the same bytes; a
// lane whose address is out of the workgroup's allocation faults as before (the wide access is
// out of range exactly when the four narrow ones are not all in range), only at the wide load's
// pc, and before the instructions that separated the narrow ones.
#include <algorithm>
#include <map>

#include "machine.h"
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

struct Candidate {
	size_t index;      // in the block
	int64_t offset;    // the load's immediate offset
	uint32_t def;      // its one-dword result
};

// A ds_load_b32 this pass may merge: an address temporary, one whole one-dword VGPR result with
// one definition, no fields beyond the address.
bool mergeable(const Program &p, const Instr &ins, const std::vector<uint32_t> &defs)
{
	if (ins.op != Op::mach || ins.mop->opcode != MICA_OP_DS_LOAD_B32 || ins.fixup || ins.defs.size() != 1 || ins.ops.empty())
		return false;
	const Operand &d = ins.defs[0], &a = ins.ops[0];
	if (!d.is_temp() || d.part != 0 || d.size != 1 || p.temps[d.id].size != 1 || p.temps[d.id].bank != Bank::vgpr ||
	    defs[d.id] != 1 || !a.is_temp())
		return false;
	for (size_t k = 1; k < ins.ops.size(); k++)
		if (ins.ops[k].kind != Operand::Kind::reg || ins.ops[k].reg != MICA_OPND_NONE)
			return false;
	return true;
}

// An instruction across which no shared load moves.
bool ends_window(const Instr &ins)
{
	if (ins.op != Op::mach)
		return true;
	const mica_op_info *m = ins.mop;
	if ((m->flags & (MICA_OPF_STORE | MICA_OPF_ATOMIC | MICA_OPF_BARRIER | MICA_OPF_WEXEC)) || m->format == MICA_FMT_CTRL)
		return true;
	for (const Operand &d : ins.defs)
		if (d.kind == Operand::Kind::reg && d.reg == MICA_OPND_EXEC)
			return true;
	return false;
}

bool reads_temp(const Instr &ins, uint32_t t)
{
	for (const Operand &o : ins.ops)
		if (o.is_temp() && o.id == t)
			return true;
	return false;
}

// Loads [first, first + n) of 'run' (sorted by offset, consecutive dwords) into one load of
// n dwords at the earliest of their positions; the others are marked for removal. False (nothing
// changed) when a result has a reader between that position and its own load.
bool merge(Program &p, Block &b, const std::vector<Candidate> &run, size_t first, unsigned n, std::vector<bool> &dead,
           std::vector<Operand> &repl)
{
	size_t at = run[first].index;
	for (unsigned k = 0; k < n; k++)
		at = std::min(at, run[first + k].index);
	for (unsigned k = 0; k < n; k++)
		for (size_t j = at + 1; j < run[first + k].index; j++)
			if (reads_temp(b.instrs[j], run[first + k].def))
				return false;
	const uint32_t wide = p.new_temp(RegClass{Bank::vgpr, static_cast<uint8_t>(n), false});
	Instr &ins = b.instrs[at];
	const Operand addr = b.instrs[run[first].index].ops[0];
	ins.mop = mop(n == 4 ? MICA_OP_DS_LOAD_B128 : MICA_OP_DS_LOAD_B64);
	ins.defs = {Operand::temp(wide, static_cast<uint8_t>(n))};
	ins.ops[0] = addr;
	ins.imm = run[first].offset;
	for (unsigned k = 0; k < n; k++) {
		Operand part = Operand::temp(wide, 1);
		part.part = static_cast<uint8_t>(k);
		repl[run[first + k].def] = part;
		if (run[first + k].index != at)
			dead[run[first + k].index] = true;
	}
	return true;
}

// Merges the runs among one address's loads of a window.
bool merge_loads_of(Program &p, Block &b, std::vector<Candidate> loads, std::vector<bool> &dead, std::vector<Operand> &repl)
{
	std::stable_sort(loads.begin(), loads.end(), [](const Candidate &x, const Candidate &y) { return x.offset < y.offset; });
	bool changed = false;
	size_t i = 0;
	while (i < loads.size()) {
		// The longest run of consecutive dwords from loads[i], at most 4 (a repeated offset ends it:
		// CSE leaves none, and the repeat stays a narrow load).
		size_t n = 1;
		while (n < 4 && i + n < loads.size() && loads[i + n].offset == loads[i].offset + 4 * static_cast<int64_t>(n))
			n++;
		const unsigned take = n == 4 ? 4 : n >= 2 ? 2 : 0;
		if (take && merge(p, b, loads, i, take, dead, repl)) {
			changed = true;
			i += take;
		} else {
			i++;
		}
	}
	return changed;
}

} // namespace

bool merge_shared_loads(Program &p)
{
	const std::vector<uint32_t> defs = definitions_per_temp(p);
	std::vector<Operand> repl(p.temps.size());
	bool changed = false;
	for (Block &b : p.blocks) {
		std::vector<bool> dead(b.instrs.size(), false);
		// Per address temporary (and dword of it), the window's candidate loads.
		std::map<std::pair<uint32_t, uint8_t>, std::vector<Candidate>> window;
		auto flush = [&] {
			for (auto &[addr, loads] : window)
				if (loads.size() >= 2)
					changed |= merge_loads_of(p, b, loads, dead, repl);
			window.clear();
		};
		for (size_t j = 0; j < b.instrs.size(); j++) {
			const Instr &ins = b.instrs[j];
			if (ends_window(ins)) {
				flush();
				continue;
			}
			if (mergeable(p, ins, defs)) {
				const Operand &a = ins.ops[0];
				window[{a.id, a.part}].push_back({j, ins.imm, ins.defs[0].id});
				continue;
			}
			// A write of an address ends its loads' window (machine-level temporaries may have
			// several definitions: exec-mask lowering writes one per arm).
			for (const Operand &d : ins.defs) {
				if (!d.is_temp())
					continue;
				for (auto it = window.begin(); it != window.end();) {
					if (it->first.first != d.id) {
						++it;
						continue;
					}
					if (it->second.size() >= 2)
						changed |= merge_loads_of(p, b, it->second, dead, repl);
					it = window.erase(it);
				}
			}
		}
		flush();
		size_t out = 0;
		for (size_t j = 0; j < b.instrs.size(); j++) {
			if (dead[j])
				continue;
			if (out != j)
				b.instrs[out] = std::move(b.instrs[j]);
			out++;
		}
		b.instrs.resize(out);
	}
	if (changed)
		replace_uses(p, repl);
	return changed;
}

} // namespace mica::compiler
