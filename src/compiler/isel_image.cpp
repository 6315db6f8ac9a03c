// Instruction selection for descriptors and the texture unit's instructions (docs/hw/texture.md,
// docs/compiler.md "Images"). Operands are tuples: an image descriptor in 8 SGPRs, an image +
// sampler descriptor in 12 (the sampler right after the image, as the instruction reads them),
// coordinates and data in consecutive VGPRs; how many registers each field takes comes from the
// instruction's operand kinds (mica.toml [operand_kinds]), so the tables stay the one source.
#include "isel_internal.h"

namespace mica::compiler::isel_detail {

namespace {

// Dword 'k' of a tuple operand (a constant is its own low dword).
Operand dword(Operand o, unsigned k)
{
	if (o.is_const())
		return Operand::c32(k == 0 ? (uint32_t)o.value : 0);
	o.size = 1;
	o.part = (uint8_t)(o.part + k);
	return o;
}

} // namespace

void Isel::select_image(const Instr &ins)
{
	const auto &o = ins.ops;
	if (ins.op == Op::extract) {
		copy_into(ins.defs[0], dword(o[0], (unsigned)ins.imm));
		return;
	}
	if (ins.op == Op::load_desc) {
		if (is_vgpr(o[0]) || out_.temps[ins.defs[0].id].bank == Bank::vgpr)
			fail("internal error: an image or sampler descriptor in vector registers");
		constexpr int64_t kMax = (1 << (MICA_MEM_OFFSET_BITS - 1)) - 1;
		int64_t imm = ins.imm;
		Operand soff = none();
		if (o[1].is_const()) {
			imm += (int64_t)(uint32_t)o[1].value;
		} else if (is_vgpr(o[1])) {
			// A dynamically uniform index the uniformity analysis could not prove uniform (it came
			// from memory, say): every active lane holds the same offset, so the first one's is it.
			soff = tmp(Bank::sgpr);
			emit(MICA_OP_V_READFIRSTLANE_B32, soff, {o[1]});
		} else {
			soff = o[1];
		}
		if (imm > kMax) {
			Operand t = tmp(Bank::sgpr);
			if (soff.kind == Operand::Kind::reg)
				emit(MICA_OP_S_MOV_B32, t, {Operand::c32((uint32_t)imm)});
			else
				emit(MICA_OP_S_ADD_U32, t, {soff, Operand::c32((uint32_t)imm)});
			soff = t;
			imm = 0;
		}
		emit(ins.aux == 8 ? MICA_OP_S_LOAD_B256 : MICA_OP_S_LOAD_B128, ins.defs[0], {soff, o[0]}, imm);
		return;
	}

	const mica_op_info *info = mop(ins.aux);
	Operand desc = o[0];
	if (is_vgpr(desc) || (o[1].is_temp() && is_vgpr(o[1])))
		fail("internal error: an image or sampler descriptor in vector registers");
	if (info->kind[2] == MICA_KIND_TSDESC) {
		// The instruction reads image then sampler from one 12-SGPR tuple.
		Operand t = tmp(Bank::sgpr, 12);
		for (unsigned k = 0; k < 12; k++) {
			Operand d = t;
			d.size = 1;
			d.part = (uint8_t)k;
			emit(MICA_OP_S_MOV_B32, d, {k < 8 ? dword(o[0], k) : dword(o[1], k - 8)});
		}
		desc = t;
	}
	// A VGPR tuple of 'n' registers from scalar values (n == 1: the value itself).
	auto vtuple = [&](size_t first, unsigned n) {
		if (n == 1)
			return to_vgpr(first < o.size() ? o[first] : Operand::c32(0));
		Operand t = tmp(Bank::vgpr, (uint8_t)n);
		for (unsigned k = 0; k < n; k++) {
			Operand d = t;
			d.size = 1;
			d.part = (uint8_t)k;
			emit(MICA_OP_V_MOV_B32, d, {first + k < o.size() ? o[first + k] : Operand::c32(0)});
		}
		return t;
	};
	Operand addr = vtuple(2, mica_kind_table[info->kind[1]].regs);
	Operand data = info->kind[3] == MICA_KIND_UNUSED ? none() : vtuple(6, mica_kind_table[info->kind[3]].regs);
	Operand dst = none();
	if (ins.op == Op::image_read)
		dst = ins.defs[0];
	else if (ins.op == Op::image_atomic && uses_[ins.defs[0].id])
		dst = ins.defs[0];
	emit(ins.aux, dst, {addr, desc, data}, ins.imm);
}

} // namespace mica::compiler::isel_detail
