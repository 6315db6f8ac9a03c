// Instruction selection: mid-level IR -> machine IR (Mica instructions on virtual registers).
// Structured control flow is lowered here to exec-mask operations (see docs/compiler.md):
//  if:     saved = s_and_saveexec(cond); else = saved & ~cond; then-region; exec = else;
//          else-region; exec = saved & active (no else mask or region when there is no else)
//  loop:   break = 0; header: iter = exec, cont = 0; body; exec = iter | cont; continue construct;
//          s_cbranch_execnz header; exec = break
//          (a uniform loop, pass_uniform_loops.cpp: scalar branches, no masks; lower_uniform_loop.cpp)
//  switch: one masked region per distinct case target (fall-through is refused)
//  break / continue: record exec in the loop's mask, remove it from every enclosing active mask,
//          exec = 0; the region ends for those lanes.
// Every region is skipped with s_cbranch_execz when no lane enters it, which also keeps scalar
// code of not-taken uniform branches from running. Phis become copies at the end of their
// predecessors (critical edges were split); divergent boolean phis merge under exec.
#include "isel_internal.h"

namespace mica::compiler {

using namespace ir;

namespace isel_detail {

void Isel::run()
{
	out_ = Program{};
	out_.level = Level::machine;
	out_.temps = mid_.temps;
	out_.wg_size[0] = mid_.wg_size[0];
	out_.wg_size[1] = mid_.wg_size[1];
	out_.wg_size[2] = mid_.wg_size[2];
	out_.shared_bytes = mid_.shared_bytes;
	out_.local_bytes = mid_.local_bytes;
	out_.const_data = mid_.const_data;
	out_.revision = mid_.revision;
	out_.power_profile = mid_.power_profile;
	uses_.assign(mid_.temps.size(), 0);
	for (const Block &b : mid_.blocks)
		for (const Instr &ins : b.instrs)
			for (const Operand &o : ins.ops)
				if (o.is_temp())
					uses_[o.id]++;
	for (size_t t = 1; t < out_.temps.size(); t++)
		if (out_.temps[t].bank == Bank::undecided)
			out_.temps[t].bank = out_.temps[t].is_bool ? Bank::sbool : Bank::sgpr;
	uniform_loop_ = uniform_loops(mid_);
	new_block();
	// More than one return (OpUnreachable blocks, returns SPIRV-Tools' merge-return left): the lanes
	// of each leave every construct like a break out of all of them, and a root mask keeps them
	// out of the selections they were in; the program ends after the last lanes left.
	size_t rets = 0;
	for (const Block &b : mid_.blocks)
		rets += !b.instrs.empty() && b.instrs.back().op == Op::ret;
	if (rets > 1) {
		Ctx root;
		root.k = Ctx::K::sw;   // merge kNone: no branch targets it
		root.active = tmp(Bank::mask);
		emit(MICA_OP_S_MOV_B32, root.active, {exec()});
		ctx_.push_back(root);
		root_ = true;
	}
	RegionOut ends;
	if (region(0, kNone, ends) != End::exited)
		fail("internal error: program does not end in a return");
	if (root_) {
		ctx_.pop_back();
		new_block();
		emit(MICA_OP_S_ENDPGM, Operand{}, {});
	}
	out_.compute_linear_cfg();
}

void Isel::select_instr(const Instr &ins)
{
	if (ins.op == Op::load_const || ins.op == Op::load_global || ins.op == Op::store_global ||
	    ins.op == Op::atomic_global || ins.op == Op::load_shared || ins.op == Op::store_shared ||
	    ins.op == Op::atomic_shared || ins.op == Op::barrier || ins.op == Op::memory_barrier) {
		select_memory(ins);
		return;
	}
	if (ins.op == Op::load_desc || ins.op == Op::image_read || ins.op == Op::image_write ||
	    ins.op == Op::image_atomic || ins.op == Op::extract) {
		select_image(ins);   // isel_image.cpp
		return;
	}
	if (ins.op >= Op::ballot && ins.op <= Op::shuffle) {
		select_subgroup(ins);
		return;
	}
	if ((ins.op >= Op::ieq && ins.op <= Op::funord) || ins.op == Op::band || ins.op == Op::bor ||
	    ins.op == Op::bxor || ins.op == Op::bnot || (ins.op == Op::select && out_.temps[ins.defs[0].id].is_bool)) {
		select_compare(ins);
		return;
	}
	select_alu(ins);
}

struct AluEntry {
	Op op;
	int s32, v32, v64, s64;   // opcodes, -1 when absent
};

constexpr AluEntry kAlu[] = {
	{Op::iadd, MICA_OP_S_ADD_U32, MICA_OP_V_ADD_U32, MICA_OP_V_ADD_U64, MICA_OP_S_ADD_U64},
	{Op::isub, MICA_OP_S_SUB_U32, MICA_OP_V_SUB_U32, MICA_OP_V_SUB_U64, -1},
	{Op::imul, MICA_OP_S_MUL_U32, MICA_OP_V_MUL_LO_U32, MICA_OP_V_MUL_LO_U64, MICA_OP_S_MUL_U64},
	{Op::umulhi, -1, MICA_OP_V_MUL_HI_U32, MICA_OP_V_MUL_HI_U64, -1},
	{Op::smulhi, -1, MICA_OP_V_MUL_HI_I32, MICA_OP_V_MUL_HI_I64, -1},
	{Op::udiv, -1, MICA_OP_V_DIV_U32, -1, -1},
	{Op::sdiv, -1, MICA_OP_V_DIV_I32, -1, -1},
	{Op::umod, -1, MICA_OP_V_REM_U32, -1, -1},
	{Op::srem, -1, MICA_OP_V_REM_I32, -1, -1},
	{Op::iand, MICA_OP_S_AND_B32, MICA_OP_V_AND_B32, MICA_OP_V_AND_B64, -1},
	{Op::ior, MICA_OP_S_OR_B32, MICA_OP_V_OR_B32, MICA_OP_V_OR_B64, -1},
	{Op::ixor, MICA_OP_S_XOR_B32, MICA_OP_V_XOR_B32, MICA_OP_V_XOR_B64, -1},
	{Op::shl, MICA_OP_S_SHL_B32, MICA_OP_V_SHL_B32, MICA_OP_V_SHL_B64, -1},
	{Op::ushr, MICA_OP_S_SHR_U32, MICA_OP_V_SHR_U32, MICA_OP_V_SHR_U64, -1},
	{Op::sshr, MICA_OP_S_SHR_I32, MICA_OP_V_SHR_I32, MICA_OP_V_SHR_I64, -1},
	{Op::umin, MICA_OP_S_MIN_U32, MICA_OP_V_MIN_U32, MICA_OP_V_MIN_U64, -1},
	{Op::umax, MICA_OP_S_MAX_U32, MICA_OP_V_MAX_U32, MICA_OP_V_MAX_U64, -1},
	{Op::smin, MICA_OP_S_MIN_I32, MICA_OP_V_MIN_I32, MICA_OP_V_MIN_I64, -1},
	{Op::smax, MICA_OP_S_MAX_I32, MICA_OP_V_MAX_I32, MICA_OP_V_MAX_I64, -1},
	{Op::inot, MICA_OP_S_NOT_B32, MICA_OP_V_NOT_B32, -1, -1},
	{Op::bitcount, MICA_OP_S_BCNT1_B32, MICA_OP_V_BCNT_U32, -1, -1},
	{Op::bitreverse, -1, MICA_OP_V_BREV_B32, -1, -1},
	{Op::bfe_u, -1, MICA_OP_V_BFE_U32, -1, -1},
	{Op::bfe_s, -1, MICA_OP_V_BFE_I32, -1, -1},
	{Op::fadd, -1, MICA_OP_V_ADD_F32, MICA_OP_V_ADD_F64, -1},
	{Op::fsub, -1, MICA_OP_V_SUB_F32, MICA_OP_V_SUB_F64, -1},
	{Op::fmul, -1, MICA_OP_V_MUL_F32, MICA_OP_V_MUL_F64, -1},
	{Op::ffma, -1, MICA_OP_V_FMA_F32, MICA_OP_V_FMA_F64, -1},
	{Op::fmin, -1, MICA_OP_V_MIN_F32, MICA_OP_V_MIN_F64, -1},
	{Op::fmax, -1, MICA_OP_V_MAX_F32, MICA_OP_V_MAX_F64, -1},
	{Op::ffloor, -1, MICA_OP_V_FLOOR_F32, MICA_OP_V_FLOOR_F64, -1},
	{Op::fceil, -1, MICA_OP_V_CEIL_F32, MICA_OP_V_CEIL_F64, -1},
	{Op::ftrunc, -1, MICA_OP_V_TRUNC_F32, MICA_OP_V_TRUNC_F64, -1},
	{Op::fround_even, -1, MICA_OP_V_RNDNE_F32, MICA_OP_V_RNDNE_F64, -1},
	{Op::ffract, -1, MICA_OP_V_FRACT_F32, MICA_OP_V_FRACT_F64, -1},
	{Op::fsqrt, -1, MICA_OP_V_SQRT_F32, MICA_OP_V_SQRT_F64, -1},
	{Op::frsq, -1, MICA_OP_V_RSQ_F32, MICA_OP_V_RSQ_F64, -1},
	{Op::frcp, -1, MICA_OP_V_RCP_F32, MICA_OP_V_RCP_F64, -1},
	{Op::fexp2, -1, MICA_OP_V_EXP2_F32, -1, -1},
	{Op::flog2, -1, MICA_OP_V_LOG2_F32, -1, -1},
	{Op::fsin, -1, MICA_OP_V_SIN_F32, -1, -1},
	{Op::fcos, -1, MICA_OP_V_COS_F32, -1, -1},
	{Op::fldexp, -1, MICA_OP_V_LDEXP_F32, -1, -1},
	{Op::cvt_f16_f32, -1, MICA_OP_V_CVT_F16_F32, -1, -1},
	{Op::cvt_f32_f16, -1, MICA_OP_V_CVT_F32_F16, -1, -1},
};

void Isel::select_alu(const Instr &ins)
{
	Operand d = ins.defs.empty() ? Operand{} : ins.defs[0];
	const RegClass rc = d.is_temp() ? out_.temps[d.id] : RegClass{};
	bool vec = rc.bank == Bank::vgpr;
	bool wide = rc.size == 2;
	const auto &o = ins.ops;
	// Operations whose natural result is scalar, written to a vector def through a copy.
	auto scalar_then_copy = [&](auto fn) {
		if (!vec) {
			fn(d);
			return;
		}
		Operand t = tmp(Bank::sgpr, rc.size);
		fn(t);
		emit(rc.size == 2 ? MICA_OP_V_MOV_B64 : MICA_OP_V_MOV_B32, d, {t});
	};
	switch (ins.op) {
	case Op::copy: copy_into(d, o[0]); return;
	case Op::undef: return;
	case Op::user_data:
		scalar_then_copy([&](Operand t) {
			emit(rc.size == 2 ? MICA_OP_S_MOV_B64 : MICA_OP_S_MOV_B32, t,
			     {Operand::phys(sgpr(MICA_ABI_S_USER_DATA_FIRST + (unsigned)ins.imm), rc.size)});
		});
		return;
	case Op::workgroup_id:
		scalar_then_copy([&](Operand t) {
			emit(MICA_OP_S_MOV_B32, t, {Operand::phys(sgpr(MICA_ABI_S_WORKGROUP_ID_X + (unsigned)ins.imm))});
		});
		return;
	case Op::subgroup_id:
		scalar_then_copy([&](Operand t) { emit(MICA_OP_S_MOV_B32, t, {Operand::phys(sgpr(MICA_ABI_S_WAVE_IN_GROUP))}); });
		return;
	case Op::read_clock:
		// CYCLE_HI, CYCLE_LO, CYCLE_HI again: if the high half moved between the reads the low half
		// wrapped, and (new high, 0) lies between them; the value never goes backwards.
		scalar_then_copy([&](Operand t) {
			Operand hi = tmp(Bank::sgpr), lo = tmp(Bank::sgpr), hi2 = tmp(Bank::sgpr), lo2 = tmp(Bank::sgpr);
			emit(MICA_OP_S_GETREG_B32, hi, {}, MICA_HWREG_CYCLE_HI);
			emit(MICA_OP_S_GETREG_B32, lo, {}, MICA_HWREG_CYCLE_LO);
			emit(MICA_OP_S_GETREG_B32, hi2, {}, MICA_HWREG_CYCLE_HI);
			emit(MICA_OP_S_CMP_EQ_U32, Operand{}, {hi, hi2});
			emit(MICA_OP_S_CSELECT_B32, lo2, {lo, Operand::c32(0)});
			Operand parts[2] = {lo2, hi2};
			for (uint8_t k = 0; k < 2; k++) {
				Operand p = t;
				p.size = 1;
				p.part = k;
				emit(MICA_OP_S_MOV_B32, p, {parts[k]});
			}
		});
		return;
	case Op::read_device_clock:
		// One instruction reads all 64 bits at once: no torn halves to guard against.
		scalar_then_copy([&](Operand t) { emit(MICA_OP_S_TIMESTAMP_B64, t, {}); });
		return;
	case Op::local_id:
		emit(MICA_OP_V_MOV_B32, d, {Operand::phys(vgpr(MICA_ABI_V_LOCAL_ID_X + (unsigned)ins.imm))});
		return;
	case Op::lane_id: emit(MICA_OP_V_MOV_B32, d, {Operand::phys(MICA_OPND_LANE_ID)}); return;
	case Op::scratch_wave_offset:
		// Region index HW_ID.CU * wave_slots_per_cu + HW_ID.WAVE_SLOT (launch ABI) times the region
		// size, which register allocation fills in (it decides the spill area).
		scalar_then_copy([&](Operand t) {
			Operand id = tmp(Bank::sgpr), cu = tmp(Bank::sgpr), slot = tmp(Bank::sgpr), base = tmp(Bank::sgpr),
			        index = tmp(Bank::sgpr);
			emit(MICA_OP_S_GETREG_B32, id, {}, MICA_HWREG_HW_ID);
			emit(MICA_OP_S_BFE_U32, cu, {id, Operand::c32(MICA_HW_ID_CU_SHIFT), Operand::c32(MICA_HW_ID_CU_BITS)});
			emit(MICA_OP_S_BFE_U32, slot, {id, Operand::c32(MICA_HW_ID_WAVE_SLOT_SHIFT), Operand::c32(MICA_HW_ID_WAVE_SLOT_BITS)});
			emit(MICA_OP_S_MUL_U32, base, {cu, Operand::c32(MICA_WAVE_SLOTS_PER_CU)});
			emit(MICA_OP_S_ADD_U32, index, {slot, base});
			emit(MICA_OP_S_MUL_U32, t, {index, Operand::c32(0)}).fixup = kFixupScratchRegion;
		});
		return;
	case Op::const_data_base:
		// s_getpc_b64 gives the address of the next instruction; the encoder turns the
		// placeholder literal into the distance from there to the const data.
		scalar_then_copy([&](Operand t) {
			Operand pc = tmp(Bank::sgpr, 2);
			emit(MICA_OP_S_GETPC_B64, pc, {});
			emit(MICA_OP_S_ADD_U64, t, {pc, Operand::c64(0x7fffffff)}).fixup = kFixupConstData;
		});
		return;
	case Op::ineg:
		if (wide)
			emit(MICA_OP_V_SUB_U64, d, {Operand::c64(0), o[0]});
		else
			emit(vec ? MICA_OP_V_SUB_U32 : MICA_OP_S_SUB_U32, d, {Operand::c32(0), o[0]});
		return;
	case Op::b2i:
		if (bank_of(o[0]) == Bank::mask)
			emit(MICA_OP_V_CNDMASK_B32, vec ? d : d, {Operand::c32(0), Operand::c32(1), o[0]});
		else
			copy_into(d, o[0].is_const() ? Operand::c32((uint32_t)o[0].value & 1) : o[0]);
		return;
	case Op::select: {
		Operand c = o[0];
		if (vec) {
			Operand m = to_mask(c);
			emit(wide ? MICA_OP_V_CNDMASK_B64 : MICA_OP_V_CNDMASK_B32, d, {o[2], o[1], m});
		} else {
			emit(MICA_OP_S_CMP_NE_U32, Operand{}, {c, Operand::c32(0)});
			emit(wide ? MICA_OP_S_CSELECT_B64 : MICA_OP_S_CSELECT_B32, d, {o[1], o[2]});
		}
		return;
	}
	case Op::fdiv: {
		if (wide) {
			Operand r = tmp(Bank::vgpr, rc.size);
			emit(MICA_OP_V_RCP_F64, r, {o[1]});
			emit(MICA_OP_V_MUL_F64, d, {o[0], r});
			return;
		}
		// x * rcp(y), with y scaled into [2^-96, 2^96] first and the quotient scaled back: a
		// denormal y's reciprocal overflows (0 / 1e-40 gave NaN) and a huge y's is denormal.
		// s = 2^32 for |y| < 2^-96, 2^-32 for |y| > 2^96 (and NaN/inf), else 1; x / y = x * rcp(y * s) * s.
		Operand mag = tmp(Bank::vgpr), one = tmp(Bank::vgpr), s1 = tmp(Bank::vgpr), s = tmp(Bank::vgpr), ys = tmp(Bank::vgpr),
		        r = tmp(Bank::vgpr), q = tmp(Bank::vgpr);
		Operand big = tmp(Bank::mask), small = tmp(Bank::mask);
		emit(MICA_OP_V_AND_B32, mag, {o[1], Operand::c32(0x7fffffffu)});
		emit(MICA_OP_V_CMP_GT_U32, big, {mag, Operand::c32(0x6f800000u)});
		emit(MICA_OP_V_CMP_LT_U32, small, {mag, Operand::c32(0x0f800000u)});
		emit(MICA_OP_V_MOV_B32, one, {Operand::c32(0x3f800000u)});   // one literal per instruction
		emit(MICA_OP_V_CNDMASK_B32, s1, {one, Operand::c32(0x2f800000u), big});
		emit(MICA_OP_V_CNDMASK_B32, s, {s1, Operand::c32(0x4f800000u), small});
		emit(MICA_OP_V_MUL_F32, ys, {o[1], s});
		emit(MICA_OP_V_RCP_F32, r, {ys});
		emit(MICA_OP_V_MUL_F32, q, {o[0], r});
		emit(MICA_OP_V_MUL_F32, d, {q, s});
		return;
	}
	case Op::smod: {
		// srem, then add the divisor when the remainder's sign differs from it (and it is not 0)
		Operand r = tmp(Bank::vgpr), x = tmp(Bank::vgpr), sum = tmp(Bank::vgpr);
		Operand m1 = tmp(Bank::mask), m2 = tmp(Bank::mask), m = tmp(Bank::mask);
		emit(MICA_OP_V_REM_I32, r, {o[0], o[1]});
		emit(MICA_OP_V_XOR_B32, x, {r, o[1]});
		emit(MICA_OP_V_CMP_LT_I32, m1, {x, Operand::c32(0)});
		emit(MICA_OP_V_CMP_NE_U32, m2, {r, Operand::c32(0)});
		emit(MICA_OP_S_AND_B32, m, {m1, m2});
		emit(MICA_OP_V_ADD_U32, sum, {r, o[1]});
		emit(MICA_OP_V_CNDMASK_B32, d, {r, sum, m});
		return;
	}
	case Op::findlsb:
	case Op::findumsb: {
		// GLSL: -1 for a zero input
		Operand t = tmp(Bank::vgpr);
		if (ins.op == Op::findlsb) {
			emit(MICA_OP_V_CTZ_U32, t, {o[0]});
		} else {
			Operand c = tmp(Bank::vgpr);
			emit(MICA_OP_V_CLZ_U32, c, {o[0]});
			emit(MICA_OP_V_SUB_U32, t, {Operand::c32(31), c});
		}
		Operand z = tmp(Bank::mask);
		emit(MICA_OP_V_CMP_EQ_U32, z, {o[0], Operand::c32(0)});
		emit(MICA_OP_V_CNDMASK_B32, d, {t, Operand::c32(0xffffffffu), z});
		return;
	}
	case Op::bfi: {
		// base with 'count' bits at 'offset' replaced by insert's low bits
		Operand mask = tmp(Bank::vgpr), sh = tmp(Bank::vgpr);
		emit(MICA_OP_V_BFM_B32, mask, {o[3], o[2]});
		emit(MICA_OP_V_SHL_B32, sh, {o[1], o[2]});
		emit(MICA_OP_V_BFI_B32, d, {mask, sh, o[0]});
		return;
	}
	case Op::cvt_f_s:
	case Op::cvt_f_u:
	case Op::cvt_s_f:
	case Op::cvt_u_f:
	case Op::cvt_f_f: {
		bool src64 = o[0].size == 2;
		int opc = -1;
		switch (ins.op) {
		case Op::cvt_f_s: opc = wide ? (src64 ? MICA_OP_V_CVT_F64_I64 : MICA_OP_V_CVT_F64_I32) : (src64 ? MICA_OP_V_CVT_F32_I64 : MICA_OP_V_CVT_F32_I32); break;
		case Op::cvt_f_u: opc = wide ? (src64 ? MICA_OP_V_CVT_F64_U64 : MICA_OP_V_CVT_F64_U32) : (src64 ? MICA_OP_V_CVT_F32_U64 : MICA_OP_V_CVT_F32_U32); break;
		case Op::cvt_s_f: opc = wide ? (src64 ? MICA_OP_V_CVT_I64_F64 : MICA_OP_V_CVT_I64_F32) : (src64 ? MICA_OP_V_CVT_I32_F64 : MICA_OP_V_CVT_I32_F32); break;
		case Op::cvt_u_f: opc = wide ? (src64 ? MICA_OP_V_CVT_U64_F64 : MICA_OP_V_CVT_U64_F32) : (src64 ? MICA_OP_V_CVT_U32_F64 : MICA_OP_V_CVT_U32_F32); break;
		default:
			if (wide == src64) {
				copy_into(d, o[0]);
				return;
			}
			opc = wide ? MICA_OP_V_CVT_F64_F32 : MICA_OP_V_CVT_F32_F64;
			break;
		}
		emit((unsigned)opc, d, {o[0]});
		return;
	}
	case Op::pack64:
	case Op::zext:
	case Op::sext: {
		Operand hi_val;
		if (ins.op == Op::pack64) {
			hi_val = o[1];
		} else if (ins.op == Op::zext) {
			hi_val = Operand::c32(0);
		} else {
			hi_val = tmp(vec ? Bank::vgpr : Bank::sgpr);
			emit(vec ? MICA_OP_V_SHR_I32 : MICA_OP_S_SHR_I32, hi_val, {o[0], Operand::c32(31)});
		}
		Operand dl = d, dh = d;
		dl.size = dh.size = 1;
		dl.part = 0;
		dh.part = 1;
		emit(vec ? MICA_OP_V_MOV_B32 : MICA_OP_S_MOV_B32, dl, {o[0]});
		emit(vec ? MICA_OP_V_MOV_B32 : MICA_OP_S_MOV_B32, dh, {hi_val});
		return;
	}
	case Op::lo32:
	case Op::trunc:
	case Op::hi32: {
		Operand s = ins.op == Op::hi32 ? hi(o[0]) : lo(o[0]);
		copy_into(d, s);
		return;
	}
	default:
		break;
	}
	for (const AluEntry &e : kAlu) {
		if (e.op != ins.op)
			continue;
		int opc = wide ? (vec ? e.v64 : e.s64) : (vec ? e.v32 : e.s32);
		if (opc < 0 && !vec && !wide && e.v32 >= 0) {
			// Uniform value without a scalar instruction: compute per lane, read back lane 0.
			Operand t = tmp(Bank::vgpr);
			std::vector<Operand> ops(o.begin(), o.end());
			emit((unsigned)e.v32, t, ops);
			emit(MICA_OP_V_READFIRSTLANE_B32, d, {t});
			return;
		}
		if (opc < 0)
			fail(std::string("no instruction for ") + (wide ? "64-bit " : "") + op_name(ins.op));
		std::vector<Operand> ops(o.begin(), o.end());
		// 64-bit shifts take a 32-bit amount
		if (wide && (ins.op == Op::shl || ins.op == Op::ushr || ins.op == Op::sshr) && ops[1].size == 2)
			ops[1] = lo(ops[1]);
		emit((unsigned)opc, d, ops);
		return;
	}
	fail(std::string("instruction selection does not handle ") + op_name(ins.op));
}

void Isel::select_compare(const Instr &ins)
{
	Operand d = ins.defs[0];
	bool mask = out_.temps[d.id].bank == Bank::mask;
	const auto &o = ins.ops;
	bool wide = o[0].size == 2;
	switch (ins.op) {
	case Op::band:
	case Op::bor:
	case Op::bxor: {
		unsigned opc = ins.op == Op::band ? MICA_OP_S_AND_B32 : ins.op == Op::bor ? MICA_OP_S_OR_B32 : MICA_OP_S_XOR_B32;
		if (mask)
			emit(opc, d, {to_mask(o[0]), to_mask(o[1])});
		else
			emit(opc, d, {o[0], o[1]});
		return;
	}
	case Op::bnot:
		if (mask)
			emit(MICA_OP_S_NOT_B32, d, {to_mask(o[0])});
		else
			emit(MICA_OP_S_XOR_B32, d, {o[0], Operand::c32(1)});
		return;
	case Op::select: {
		if (mask) {
			Operand c = to_mask(o[0]), a = tmp(Bank::mask), b = tmp(Bank::mask);
			emit(MICA_OP_S_AND_B32, a, {c, to_mask(o[1])});
			emit(MICA_OP_S_ANDN2_B32, b, {to_mask(o[2]), c});
			emit(MICA_OP_S_OR_B32, d, {a, b});
		} else {
			emit(MICA_OP_S_CMP_NE_U32, Operand{}, {o[0], Operand::c32(0)});
			emit(MICA_OP_S_CSELECT_B32, d, {o[1], o[2]});
		}
		return;
	}
	default:
		break;
	}
	struct C {
		Op op;
		int s32, s64, v32, v64, f32, f64;
	};
	static const C table[] = {
		{Op::ieq, MICA_OP_S_CMP_EQ_U32, MICA_OP_S_CMP_EQ_U64, MICA_OP_V_CMP_EQ_U32, MICA_OP_V_CMP_EQ_U64, -1, -1},
		{Op::ine, MICA_OP_S_CMP_NE_U32, MICA_OP_S_CMP_NE_U64, MICA_OP_V_CMP_NE_U32, MICA_OP_V_CMP_NE_U64, -1, -1},
		{Op::ult, MICA_OP_S_CMP_LT_U32, -1, MICA_OP_V_CMP_LT_U32, MICA_OP_V_CMP_LT_U64, -1, -1},
		{Op::ule, MICA_OP_S_CMP_LE_U32, -1, MICA_OP_V_CMP_LE_U32, MICA_OP_V_CMP_LE_U64, -1, -1},
		{Op::slt, MICA_OP_S_CMP_LT_I32, -1, MICA_OP_V_CMP_LT_I32, MICA_OP_V_CMP_LT_I64, -1, -1},
		{Op::sle, MICA_OP_S_CMP_LE_I32, -1, MICA_OP_V_CMP_LE_I32, MICA_OP_V_CMP_LE_I64, -1, -1},
		{Op::feq, -1, -1, -1, -1, MICA_OP_V_CMP_EQ_F32, MICA_OP_V_CMP_EQ_F64},
		{Op::fne, -1, -1, -1, -1, MICA_OP_V_CMP_NEQ_F32, MICA_OP_V_CMP_NEQ_F64},
		{Op::flt, -1, -1, -1, -1, MICA_OP_V_CMP_LT_F32, MICA_OP_V_CMP_LT_F64},
		{Op::fle, -1, -1, -1, -1, MICA_OP_V_CMP_LE_F32, MICA_OP_V_CMP_LE_F64},
		{Op::funord, -1, -1, -1, -1, MICA_OP_V_CMP_U_F32, MICA_OP_V_CMP_U_F64},
	};
	for (const C &c : table) {
		if (c.op != ins.op)
			continue;
		bool is_float = c.f32 >= 0;
		if (mask || is_float) {
			int opc = is_float ? (wide ? c.f64 : c.f32) : (wide ? c.v64 : c.v32);
			if (!mask) {
				// uniform float compare: evaluate per lane, test lane 0 of the result through exec
				Operand m = tmp(Bank::mask);
				emit((unsigned)opc, m, {o[0], o[1]});
				Operand t = exec_and(m);
				emit(MICA_OP_S_CMP_NE_U32, Operand{}, {t, Operand::c32(0)});
				emit(MICA_OP_S_MOV_B32, d, {scc()});
				return;
			}
			emit((unsigned)opc, d, {o[0], o[1]});
			return;
		}
		int opc = wide ? c.s64 : c.s32;
		if (opc < 0)
			fail("no scalar 64-bit ordered compare");
		emit((unsigned)opc, Operand{}, {o[0], o[1]});
		emit(MICA_OP_S_MOV_B32, d, {scc()});
		return;
	}
	fail(std::string("instruction selection does not handle ") + op_name(ins.op));
}

Operand Isel::mem_offset_vgpr(Operand off, int64_t &imm)
{
	constexpr int64_t kMax = (1 << (MICA_MEM_OFFSET_BITS - 1)) - 1;
	if (off.is_const()) {
		int64_t total = imm + (int64_t)(uint32_t)off.value;
		if (total <= kMax) {
			imm = total;
			return to_vgpr(Operand::c32(0));
		}
		imm = 0;
		return to_vgpr(Operand::c32((uint32_t)total));
	}
	Operand v = off;
	if (imm > kMax) {
		Operand t = tmp(Bank::vgpr);
		emit(MICA_OP_V_ADD_U32, t, {off, Operand::c32((uint32_t)imm)});
		imm = 0;
		v = t;
	}
	return to_vgpr(v);
}

// The address operands of a global access: {gaddr, gsaddr}. A uniform base (descriptor or
// uniform physical pointer) goes in the SGPR pair with a 32-bit VGPR offset; a per-lane base
// (a divergent physical pointer) is the VGPR address pair itself, with 'none' as gsaddr.
std::pair<Operand, Operand> Isel::global_address(Operand base, Operand off, int64_t &imm)
{
	if (!is_vgpr(base))
		return {mem_offset_vgpr(off, imm), base};
	constexpr int64_t kMax = (1 << (MICA_MEM_OFFSET_BITS - 1)) - 1;
	Operand a = base;
	if (off.is_const()) {
		imm += (int64_t)(uint32_t)off.value;
	} else {
		Operand wide = tmp(Bank::vgpr, 2), t = tmp(Bank::vgpr, 2);
		Operand wl = wide, wh = wide;
		wl.size = wh.size = 1;
		wh.part = 1;
		emit(MICA_OP_V_MOV_B32, wl, {off});
		emit(MICA_OP_V_MOV_B32, wh, {Operand::c32(0)});
		emit(MICA_OP_V_ADD_U64, t, {a, wide});
		a = t;
	}
	if (imm > kMax || imm < -kMax - 1) {
		Operand t = tmp(Bank::vgpr, 2);
		emit(MICA_OP_V_ADD_U64, t, {a, Operand::c64((uint64_t)imm)});
		a = t;
		imm = 0;
	}
	return {a, none()};
}

// Robust buffer access (kAuxPredicated): the access runs only on the lanes whose predicate (the
// last operand) is true; EXEC is narrowed around the one instruction and restored after it.
Operand Isel::predicate_begin(const Instr &ins)
{
	if (!(ins.aux & kAuxPredicated))
		return Operand{};
	Operand saved = tmp(Bank::mask);
	emit(MICA_OP_S_AND_SAVEEXEC_B32, saved, {to_mask(ins.ops.back())});
	return saved;
}

void Isel::predicate_end(Operand saved)
{
	if (saved.kind != Operand::Kind::none)
		emit(MICA_OP_S_MOV_B32, exec(), {saved});
}

// Memory instruction for an access of 'bytes' (1 and 2: the zero-extending byte/short loads,
// since 8/16-bit integers are kept zero-extended; docs/compiler.md).
static unsigned sized_op(uint32_t bytes, unsigned b8, unsigned b16, unsigned b32, unsigned b64)
{
	return bytes == 1 ? b8 : bytes == 2 ? b16 : bytes == 8 ? b64 : b32;
}

void Isel::select_memory(const Instr &ins)
{
	const auto &o = ins.ops;
	int64_t imm = ins.imm;
	switch (ins.op) {
	case Op::barrier:
		emit(MICA_OP_S_BARRIER, Operand{}, {});
		return;
	case Op::memory_barrier:
		// s_fence waits for every outstanding memory operation of the wave (as s_waitcnt 0,0:
		// docs/hw/isa.md) and orders them at the given scope, so no s_waitcnt goes before it
		// (the wait passes know the fence waits: hazard_rules.cpp, wait_issue).
		emit(MICA_OP_S_FENCE, Operand{}, {}, ins.imm);
		return;
	case Op::load_const: {
		Operand d = ins.defs[0];
		bool wide = ins.aux == 8;
		// s_load reads whole dwords: 8/16-bit values take the vector path.
		if (out_.temps[d.id].bank != Bank::vgpr && !is_vgpr(o[1]) && !is_vgpr(o[0]) && ins.aux >= 4) {
			constexpr int64_t kMax = (1 << (MICA_MEM_OFFSET_BITS - 1)) - 1;
			Operand soff = none();
			if (o[1].is_const())
				imm += (int64_t)(uint32_t)o[1].value;
			else
				soff = o[1];
			if (imm > kMax) {
				Operand t = tmp(Bank::sgpr);
				if (soff.kind == Operand::Kind::reg)
					emit(MICA_OP_S_MOV_B32, t, {Operand::c32((uint32_t)imm)});
				else
					emit(MICA_OP_S_ADD_U32, t, {soff, Operand::c32((uint32_t)imm)});
				soff = t;
				imm = 0;
			}
			emit(wide ? MICA_OP_S_LOAD_B64 : MICA_OP_S_LOAD_B32, d, {soff, o[0]}, imm);
			return;
		}
		auto [addr, saddr] = global_address(o[0], o[1], imm);
		Operand dst = out_.temps[d.id].bank == Bank::vgpr ? d : tmp(Bank::vgpr, wide ? 2 : 1);
		emit(sized_op(ins.aux, MICA_OP_GLOBAL_LOAD_U8, MICA_OP_GLOBAL_LOAD_U16, MICA_OP_GLOBAL_LOAD_B32, MICA_OP_GLOBAL_LOAD_B64),
		     dst, {addr, saddr}, imm);
		if (dst.id != d.id)
			copy_into(d, dst);
		return;
	}
	case Op::load_global: {
		auto [addr, saddr] = global_address(o[0], o[1], imm);
		emit(sized_op(ins.aux, MICA_OP_GLOBAL_LOAD_U8, MICA_OP_GLOBAL_LOAD_U16, MICA_OP_GLOBAL_LOAD_B32, MICA_OP_GLOBAL_LOAD_B64),
		     ins.defs[0], {addr, saddr}, imm);
		return;
	}
	case Op::store_global: {
		auto [addr, saddr] = global_address(o[0], o[1], imm);
		Operand data = to_vgpr(o[2]);
		Operand saved = predicate_begin(ins);
		emit(sized_op(ins.aux & ~kAuxPredicated, MICA_OP_GLOBAL_STORE_B8, MICA_OP_GLOBAL_STORE_B16, MICA_OP_GLOBAL_STORE_B32,
		              MICA_OP_GLOBAL_STORE_B64),
		     Operand{}, {addr, saddr, data}, imm);
		predicate_end(saved);
		return;
	}
	case Op::atomic_global:
	case Op::atomic_shared: {
		bool global = ins.op == Op::atomic_global;
		Operand d = ins.defs[0];
		const bool wide = d.size == 2;
		Operand addr, saddr = none();
		if (global)
			std::tie(addr, saddr) = global_address(o[0], o[1], imm);
		else
			addr = mem_offset_vgpr(o[0], imm);
		Operand data = to_vgpr(global ? o[2] : o[1]);
		if ((ins.aux & ~kAuxPredicated) == 10) {
			// cmpswap data is the tuple [new, compare] (two registers each for 64 bits)
			const uint8_t n = wide ? 2 : 1;
			Operand tuple = tmp(Bank::vgpr, 2 * n);
			Operand cmp = global ? o[3] : o[2];
			Operand parts[4] = {lo(data), hi(data), lo(cmp), hi(cmp)};
			if (!wide)
				parts[1] = cmp;
			for (uint8_t k = 0; k < 2 * n; k++) {
				Operand t = tuple;
				t.size = 1;
				t.part = k;
				emit(MICA_OP_V_MOV_B32, t, {parts[k]});
			}
			data = tuple;
		}
		unsigned base = global ? (wide ? MICA_OP_GLOBAL_ATOMIC_ADD_U64 : MICA_OP_GLOBAL_ATOMIC_ADD_U32)
		                       : (wide ? MICA_OP_DS_ATOMIC_ADD_U64 : MICA_OP_DS_ATOMIC_ADD_U32);
		Operand dst = uses_[d.id] ? d : none();
		Operand saved = predicate_begin(ins);
		emit(base + (ins.aux & ~kAuxPredicated), dst, {addr, saddr, data}, imm);
		predicate_end(saved);
		return;
	}
	case Op::load_shared: {
		Operand addr = mem_offset_vgpr(o[0], imm);
		emit(sized_op(ins.aux, MICA_OP_DS_LOAD_U8, MICA_OP_DS_LOAD_U16, MICA_OP_DS_LOAD_B32, MICA_OP_DS_LOAD_B64), ins.defs[0],
		     {addr}, imm);
		return;
	}
	case Op::store_shared: {
		Operand addr = mem_offset_vgpr(o[0], imm);
		emit(sized_op(ins.aux, MICA_OP_DS_STORE_B8, MICA_OP_DS_STORE_B16, MICA_OP_DS_STORE_B32, MICA_OP_DS_STORE_B64),
		     Operand{}, {addr, none(), to_vgpr(o[1])}, imm);
		return;
	}
	default:
		fail("internal error: memory op");
	}
}

void Isel::select_subgroup(const Instr &ins)
{
	const auto &o = ins.ops;
	Operand d = ins.defs[0];
	Bank db = out_.temps[d.id].bank;
	auto sbool_result = [&](auto compute_scc) {
		compute_scc();
		if (db == Bank::mask) {
			Operand t = tmp(Bank::sbool);
			emit(MICA_OP_S_MOV_B32, t, {scc()});
			bool_into(d, t);
		} else {
			emit(MICA_OP_S_MOV_B32, d, {scc()});
		}
	};
	switch (ins.op) {
	case Op::ballot: {
		Operand r = db == Bank::vgpr ? tmp(Bank::sgpr) : d;
		emit(MICA_OP_S_AND_B32, r, {to_mask(o[0]), exec()});
		if (db == Bank::vgpr)
			emit(MICA_OP_V_MOV_B32, d, {r});
		return;
	}
	case Op::elect: {
		Operand c = tmp(Bank::vgpr);
		emit(MICA_OP_V_MBCNT_B32, c, {exec()});
		Operand m = db == Bank::mask ? d : tmp(Bank::mask);
		emit(MICA_OP_V_CMP_EQ_U32, m, {c, Operand::c32(0)});
		if (db != Bank::mask)
			fail("internal error: elect must be a mask");
		return;
	}
	case Op::vote_any:
		sbool_result([&] {
			Operand t = exec_and(to_mask(o[0]));
			emit(MICA_OP_S_CMP_NE_U32, Operand{}, {t, Operand::c32(0)});
		});
		return;
	case Op::vote_all:
		sbool_result([&] {
			Operand t = exec_and(to_mask(o[0]));
			emit(MICA_OP_S_CMP_EQ_U32, Operand{}, {t, exec()});
		});
		return;
	case Op::vote_eq:
		// aux 1: compare as floats (NaN never equal), so a uniform value is compared too
		sbool_result([&] {
			bool is_float = ins.aux == 1, wide = o[0].size == 2;
			if (!is_vgpr(o[0]) && !is_float) {
				emit(MICA_OP_S_CMP_EQ_U32, Operand{}, {Operand::c32(0), Operand::c32(0)});
				return;
			}
			Operand first = o[0], m = tmp(Bank::mask);
			if (is_vgpr(o[0])) {
				first = tmp(Bank::sgpr, o[0].size);
				if (wide) {
					emit(MICA_OP_V_READFIRSTLANE_B32, lo(first), {lo(o[0])});
					emit(MICA_OP_V_READFIRSTLANE_B32, hi(first), {hi(o[0])});
				} else {
					emit(MICA_OP_V_READFIRSTLANE_B32, first, {o[0]});
				}
			}
			unsigned cmp = is_float ? (wide ? MICA_OP_V_CMP_EQ_F64 : MICA_OP_V_CMP_EQ_F32)
			                        : (wide ? MICA_OP_V_CMP_EQ_U64 : MICA_OP_V_CMP_EQ_U32);
			emit(cmp, m, {o[0], first});
			emit(MICA_OP_S_CMP_EQ_U32, Operand{}, {m, exec()});
		});
		return;
	case Op::broadcast:
	case Op::broadcast_first: {
		Operand r = db == Bank::vgpr ? tmp(Bank::sgpr) : d;
		if (!is_vgpr(o[0]))
			emit(MICA_OP_S_MOV_B32, r, {o[0]});
		else if (ins.op == Op::broadcast) {
			// The lane id is dynamically uniform (SPIR-V 1.5): when the analysis could not prove it
			// (e.g. it was loaded from a buffer) it is read from the first active lane.
			Operand lane = o[1];
			if (is_vgpr(lane)) {
				lane = tmp(Bank::sgpr);
				emit(MICA_OP_V_READFIRSTLANE_B32, lane, {o[1]});
			}
			emit(MICA_OP_V_READLANE_B32, r, {o[0], lane});
		}
		else
			emit(MICA_OP_V_READFIRSTLANE_B32, r, {o[0]});
		if (db == Bank::vgpr)
			emit(MICA_OP_V_MOV_B32, d, {r});
		return;
	}
	case Op::shuffle:
		emit(MICA_OP_V_SHFL_B32, d, {to_vgpr(o[0]), o[1]});
		return;
	case Op::reduce:
	case Op::inclusive_scan:
	case Op::exclusive_scan:
	case Op::clustered_reduce:
		select_reduction(ins);
		return;
	default:
		fail(std::string("instruction selection does not handle ") + op_name(ins.op));
	}
}

struct ReductionEntry {
	Op comb;
	int op32, op64, op16;      // combining instruction per width (16: f16, -1 when none)
	uint32_t id32;             // identity
	uint64_t id64;
	uint32_t id16;
};

constexpr ReductionEntry kReductions[] = {
	{Op::iadd, MICA_OP_V_ADD_U32, MICA_OP_V_ADD_U64, -1, 0, 0, 0},
	{Op::imul, MICA_OP_V_MUL_LO_U32, MICA_OP_V_MUL_LO_U64, -1, 1, 1, 0},
	// -0.0: x + -0 is x for every x (x + +0 turns a -0 into +0)
	{Op::fadd, MICA_OP_V_ADD_F32, MICA_OP_V_ADD_F64, MICA_OP_V_ADD_F16, 0x80000000u, 0x8000000000000000ull, 0x8000},
	{Op::fmul, MICA_OP_V_MUL_F32, MICA_OP_V_MUL_F64, MICA_OP_V_MUL_F16, 0x3f800000u, 0x3ff0000000000000ull, 0x3c00},
	{Op::umin, MICA_OP_V_MIN_U32, MICA_OP_V_MIN_U64, -1, 0xffffffffu, ~0ull, 0},
	{Op::smin, MICA_OP_V_MIN_I32, MICA_OP_V_MIN_I64, -1, 0x7fffffffu, 0x7fffffffffffffffull, 0},
	// +inf
	{Op::fmin, MICA_OP_V_MIN_F32, MICA_OP_V_MIN_F64, MICA_OP_V_MIN_F16, 0x7f800000u, 0x7ff0000000000000ull, 0x7c00},
	{Op::umax, MICA_OP_V_MAX_U32, MICA_OP_V_MAX_U64, -1, 0, 0, 0},
	{Op::smax, MICA_OP_V_MAX_I32, MICA_OP_V_MAX_I64, -1, 0x80000000u, 0x8000000000000000ull, 0},
	// -inf
	{Op::fmax, MICA_OP_V_MAX_F32, MICA_OP_V_MAX_F64, MICA_OP_V_MAX_F16, 0xff800000u, 0xfff0000000000000ull, 0xfc00},
	{Op::iand, MICA_OP_V_AND_B32, MICA_OP_V_AND_B64, -1, 0xffffffffu, ~0ull, 0},
	{Op::ior, MICA_OP_V_OR_B32, MICA_OP_V_OR_B64, -1, 0, 0, 0},
	{Op::ixor, MICA_OP_V_XOR_B32, MICA_OP_V_XOR_B64, -1, 0, 0, 0},
};

// Reductions and scans: a whole-wave sequence on reserved scratch VGPRs (never allocated, so
// writing their inactive lanes destroys nothing): the accumulator gets the identity in every
// lane, then the operand in the active ones, and log2(32) steps combine it with the value k
// lanes away (xor-butterfly for reductions; from k lanes below for scans, the identity where
// there is none). 64-bit values use register pairs and move both halves with the 32-bit
// shuffles; they need a second pair of scratch registers, reserved only in programs that use
// them (Program::whole_wave_vgprs).
void Isel::select_reduction(const Instr &ins)
{
	Operand d = ins.defs[0];
	Operand src = ins.ops[0];
	bool wide = out_.temps[d.id].size == 2;
	const bool half = ins.aux & kAuxHalf;
	const ReductionEntry *e = nullptr;
	for (const ReductionEntry &r : kReductions)
		if (r.comb == (Op)(ins.aux & ~kAuxHalf))
			e = &r;
	if (!e || (half && e->op16 < 0))
		fail("unsupported subgroup reduction operation");
	Operand identity = wide ? Operand::c64(e->id64) : Operand::c32(half ? e->id16 : e->id32);
	unsigned opc = (unsigned)(wide ? e->op64 : half ? e->op16 : e->op32);
	unsigned mov = wide ? MICA_OP_V_MOV_B64 : MICA_OP_V_MOV_B32;
	unsigned cnd = wide ? MICA_OP_V_CNDMASK_B64 : MICA_OP_V_CNDMASK_B32;
	uint8_t size = wide ? 2 : 1;
	// 32-bit: acc v3, other v4; 64-bit: acc v[4:5], other v[6:7] (pairs are even-aligned).
	unsigned acc_reg = wide ? kScratchVgpr0 + 1 : kScratchVgpr0;
	unsigned other_reg = wide ? kScratchVgpr0 + 3 : kScratchVgpr0 + 1;
	if (wide)
		out_.whole_wave_vgprs = std::max<uint32_t>(out_.whole_wave_vgprs, other_reg + 2);
	Operand acc = Operand::phys(vgpr(acc_reg), size), other = Operand::phys(vgpr(other_reg), size);
	auto dword = [](unsigned reg, unsigned k) { return Operand::phys(vgpr(reg + k)); };
	// other = acc of the lane k away, per dword
	auto move_lanes = [&](unsigned shfl, uint32_t k) {
		for (unsigned h = 0; h < size; h++)
			emit(shfl, dword(other_reg, h), {dword(acc_reg, h), Operand::c32(k)});
	};
	Operand saved = tmp(Bank::mask);
	Operand all = Operand::c32(0xffffffffu);
	emit(MICA_OP_S_MOV_B32, saved, {exec()});
	emit(MICA_OP_S_MOV_B32, exec(), {all});
	emit(mov, acc, {identity});
	emit(MICA_OP_S_MOV_B32, exec(), {saved});
	emit(mov, acc, {src});
	emit(MICA_OP_S_MOV_B32, exec(), {all});
	// A clustered reduction is the butterfly's first log2(cluster) steps: each aligned cluster of
	// lanes then holds its own reduction (inactive lanes hold the identity).
	// A scan's immediate, when not 0, is the subgroup size N < 32 (docs/compiler.md "Subgroup
	// sizes"): the wave holds 32 / N independent scans, so only log2(N) steps run and a lane
	// takes the value k lanes below only when that lane is in its own subgroup.
	const uint32_t steps_below = ins.op == Op::clustered_reduce || ins.imm ? (uint32_t)std::min<int64_t>(ins.imm, MICA_WAVE_SIZE) : MICA_WAVE_SIZE;
	// lanes at least k above their segment's (cluster's) first lane
	auto above_k = [&](uint32_t k) {
		uint32_t m = 0;
		for (uint32_t l = 0; l < MICA_WAVE_SIZE; l++)
			if (l % steps_below >= k)
				m |= 1u << l;
		return Operand::c32(m);
	};
	for (uint32_t k = 1; k < steps_below; k <<= 1) {
		if (ins.op == Op::reduce || ins.op == Op::clustered_reduce) {
			move_lanes(MICA_OP_V_SHFL_XOR_B32, k);
		} else {
			move_lanes(MICA_OP_V_SHFL_UP_B32, k);
			emit(cnd, other, {identity, other, above_k(k)});
		}
		emit(opc, acc, {acc, other});
	}
	Operand result = acc;
	if (ins.op == Op::exclusive_scan) {
		move_lanes(MICA_OP_V_SHFL_UP_B32, 1);
		emit(cnd, other, {identity, other, above_k(1)});
		result = other;
	}
	emit(MICA_OP_S_MOV_B32, exec(), {saved});
	if (out_.temps[d.id].bank == Bank::vgpr) {
		emit(mov, d, {result});
		return;
	}
	for (unsigned h = 0; h < size; h++)   // uniform (a reduction): every lane holds it
		emit(MICA_OP_V_READLANE_B32, wide ? (h ? hi(d) : lo(d)) : d, {dword(result.reg - MICA_OPND_VGPR_FIRST, h), Operand::c32(0)});
}

} // namespace isel_detail

bool isel(const Program &mid, Program &out, std::string &error)
{
	try {
		isel_detail::Isel s(mid, out);
		s.run();
	} catch (const isel_detail::Fail &f) {
		error = f.msg;
		return false;
	}
	return true;
}

} // namespace mica::compiler
