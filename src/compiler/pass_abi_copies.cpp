// Launch inputs read in place. Instruction selection copies every launch-ABI value it uses into a
// temporary (`%18:s2 = s_mov_b64 s[0:1]`, `%1:v1 = v_mov_b32 v0`), and the copies survived
// allocation: SAXPY's 28 instructions per wave held five of them and two s_nop the copy-then-read
// hazards asked for. The registers they copy (user data and workgroup ids in s0..s19, local ids in
// v0..v2) are reserved: the allocator never hands them out and nothing writes them after launch
// (machine.h), so every read of such a temporary can read the register itself. The copy goes when
// no reader is left (a phi, which the allocator must give a register of its own, keeps it).
#include "machine.h"
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

// A copy of a reserved launch register into one temporary: the register it copies, or none.
Operand launch_register_copied(const Instr &ins)
{
	if (ins.op != Op::mach || ins.defs.size() != 1 || !ins.defs[0].is_temp() || ins.defs[0].part != 0 ||
	    ins.ops.empty() || ins.fixup != 0)
		return Operand{};
	const unsigned opc = ins.mop->opcode;
	if (opc != MICA_OP_S_MOV_B32 && opc != MICA_OP_S_MOV_B64 && opc != MICA_OP_V_MOV_B32)
		return Operand{};
	for (size_t k = 1; k < ins.ops.size(); k++)
		if (ins.ops[k].kind != Operand::Kind::reg || ins.ops[k].reg != MICA_OPND_NONE)
			return Operand{};
	const Operand &src = ins.ops[0];
	if (src.kind != Operand::Kind::reg || src.size != ins.defs[0].size)
		return Operand{};
	const bool vector = opc == MICA_OP_V_MOV_B32;
	const bool reserved = vector ? src.reg >= vgpr(0) && src.reg + src.size <= vgpr(MICA_ABI_V_LOCAL_ID_Z + 1)
	                             : src.reg >= sgpr(0) && src.reg + src.size <= sgpr(kReservedSgprs);
	return reserved ? src : Operand{};
}

} // namespace

bool forward_launch_registers(Program &p)
{
	// Only temporaries with that copy as their one definition.
	const std::vector<uint32_t> defs = definitions_per_temp(p);
	std::vector<Operand> source(p.temps.size());
	for (const Block &b : p.blocks)
		for (const Instr &ins : b.instrs)
			if (Operand r = launch_register_copied(ins); r.kind == Operand::Kind::reg && defs[ins.defs[0].id] == 1)
				source[ins.defs[0].id] = r;
	bool changed = false;
	std::vector<uint32_t> left(p.temps.size(), 0);   // readers that keep the temporary
	for (Block &b : p.blocks)
		for (Instr &ins : b.instrs)
			for (Operand &o : ins.ops) {
				if (!o.is_temp() || source[o.id].kind != Operand::Kind::reg)
					continue;
				if (ins.op != Op::mach || ins.fixup != 0) {
					left[o.id]++;
					continue;
				}
				const Operand r = source[o.id];
				o = Operand::phys((uint16_t)(r.reg + o.part), o.size);
				changed = true;
			}
	for (Block &b : p.blocks)
		std::erase_if(b.instrs, [&](const Instr &ins) {
			return launch_register_copied(ins).kind == Operand::Kind::reg &&
			       source[ins.defs[0].id].kind == Operand::Kind::reg && !left[ins.defs[0].id];
		});
	return changed;
}

} // namespace mica::compiler
