// Instruction selection: mid-level IR -> machine IR (Mica instructions on virtual registers).
// Structured control flow is lowered here to exec-mask operations (see docs/compiler.md):
//  if:     saved = s_and_saveexec(cond); else = saved & ~cond; then-region; exec = else;
//          else-region; exec = saved & active
//  loop:   break = 0; header: iter = exec, cont = 0; body; exec = iter | cont; continue construct;
//          s_cbranch_execnz header; exec = break
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
	new_block();
	RegionOut ends;
	if (region(0, kNone, ends) != End::exited)
		fail("internal error: program does not end in a return");
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
	case Op::local_id:
		emit(MICA_OP_V_MOV_B32, d, {Operand::phys(vgpr(MICA_ABI_V_LOCAL_ID_X + (unsigned)ins.imm))});
		return;
	case Op::lane_id: emit(MICA_OP_V_MOV_B32, d, {Operand::phys(MICA_OPND_LANE_ID)}); return;
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
		Operand r = tmp(Bank::vgpr, rc.size);
		emit(wide ? MICA_OP_V_RCP_F64 : MICA_OP_V_RCP_F32, r, {o[1]});
		emit(wide ? MICA_OP_V_MUL_F64 : MICA_OP_V_MUL_F32, d, {o[0], r});
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

void Isel::select_memory(const Instr &ins)
{
	const auto &o = ins.ops;
	int64_t imm = ins.imm;
	switch (ins.op) {
	case Op::barrier:
		emit(MICA_OP_S_BARRIER, Operand{}, {});
		return;
	case Op::memory_barrier:
		// Outstanding memory operations complete, then the fence orders them at the given scope.
		emit(MICA_OP_S_WAITCNT, Operand{}, {}, 0);
		emit(MICA_OP_S_FENCE, Operand{}, {}, ins.imm);
		return;
	case Op::load_const: {
		Operand d = ins.defs[0];
		bool wide = ins.aux == 8;
		if (out_.temps[d.id].bank != Bank::vgpr && !is_vgpr(o[1])) {
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
		Operand addr = mem_offset_vgpr(o[1], imm);
		Operand dst = out_.temps[d.id].bank == Bank::vgpr ? d : tmp(Bank::vgpr, wide ? 2 : 1);
		emit(wide ? MICA_OP_GLOBAL_LOAD_B64 : MICA_OP_GLOBAL_LOAD_B32, dst, {addr, o[0]}, imm);
		if (dst.id != d.id)
			copy_into(d, dst);
		return;
	}
	case Op::load_global: {
		Operand addr = mem_offset_vgpr(o[1], imm);
		emit(ins.aux == 8 ? MICA_OP_GLOBAL_LOAD_B64 : MICA_OP_GLOBAL_LOAD_B32, ins.defs[0], {addr, o[0]}, imm);
		return;
	}
	case Op::store_global: {
		Operand addr = mem_offset_vgpr(o[1], imm);
		emit(ins.aux == 8 ? MICA_OP_GLOBAL_STORE_B64 : MICA_OP_GLOBAL_STORE_B32, Operand{},
		     {addr, o[0], to_vgpr(o[2])}, imm);
		return;
	}
	case Op::atomic_global:
	case Op::atomic_shared: {
		bool global = ins.op == Op::atomic_global;
		Operand addr = global ? mem_offset_vgpr(o[1], imm) : mem_offset_vgpr(o[0], imm);
		Operand data = to_vgpr(global ? o[2] : o[1]);
		if (ins.aux == 10) {
			// cmpswap data is the tuple [new, compare]
			Operand tuple = tmp(Bank::vgpr, 2);
			Operand t0 = tuple, t1 = tuple;
			t0.size = t1.size = 1;
			t1.part = 1;
			emit(MICA_OP_V_MOV_B32, t0, {data});
			emit(MICA_OP_V_MOV_B32, t1, {global ? o[3] : o[2]});
			data = tuple;
		}
		unsigned base = global ? MICA_OP_GLOBAL_ATOMIC_ADD_U32 : MICA_OP_DS_ATOMIC_ADD_U32;
		Operand d = ins.defs[0];
		Operand dst = uses_[d.id] ? d : none();
		emit(base + ins.aux, dst, global ? std::vector<Operand>{addr, o[0], data} : std::vector<Operand>{addr, none(), data}, imm);
		return;
	}
	case Op::load_shared: {
		Operand addr = mem_offset_vgpr(o[0], imm);
		emit(ins.aux == 8 ? MICA_OP_DS_LOAD_B64 : MICA_OP_DS_LOAD_B32, ins.defs[0], {addr}, imm);
		return;
	}
	case Op::store_shared: {
		Operand addr = mem_offset_vgpr(o[0], imm);
		emit(ins.aux == 8 ? MICA_OP_DS_STORE_B64 : MICA_OP_DS_STORE_B32, Operand{}, {addr, none(), to_vgpr(o[1])}, imm);
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
		sbool_result([&] {
			if (!is_vgpr(o[0])) {
				emit(MICA_OP_S_CMP_EQ_U32, Operand{}, {Operand::c32(0), Operand::c32(0)});
				return;
			}
			Operand f = tmp(Bank::sgpr), m = tmp(Bank::mask);
			emit(MICA_OP_V_READFIRSTLANE_B32, f, {o[0]});
			emit(MICA_OP_V_CMP_EQ_U32, m, {o[0], f});
			emit(MICA_OP_S_CMP_EQ_U32, Operand{}, {m, exec()});
		});
		return;
	case Op::broadcast:
	case Op::broadcast_first: {
		Operand r = db == Bank::vgpr ? tmp(Bank::sgpr) : d;
		if (!is_vgpr(o[0]))
			emit(MICA_OP_S_MOV_B32, r, {o[0]});
		else if (ins.op == Op::broadcast)
			emit(MICA_OP_V_READLANE_B32, r, {o[0], o[1]});
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
	case Op::exclusive_scan: {
		// Whole-wave sequence on reserved scratch VGPRs (never allocated): inactive lanes hold
		// the identity, then log2(32) shuffle steps.
		Op comb = (Op)ins.aux;
		uint32_t identity = 0;
		unsigned opc = 0;
		switch (comb) {
		case Op::iadd: opc = MICA_OP_V_ADD_U32; identity = 0; break;
		case Op::imul: opc = MICA_OP_V_MUL_LO_U32; identity = 1; break;
		case Op::fadd: opc = MICA_OP_V_ADD_F32; identity = 0; break;
		case Op::fmul: opc = MICA_OP_V_MUL_F32; identity = 0x3f800000u; break;
		case Op::umin: opc = MICA_OP_V_MIN_U32; identity = 0xffffffffu; break;
		case Op::smin: opc = MICA_OP_V_MIN_I32; identity = 0x7fffffffu; break;
		case Op::fmin: opc = MICA_OP_V_MIN_F32; identity = 0x7f800000u; break;
		case Op::umax: opc = MICA_OP_V_MAX_U32; identity = 0; break;
		case Op::smax: opc = MICA_OP_V_MAX_I32; identity = 0x80000000u; break;
		case Op::fmax: opc = MICA_OP_V_MAX_F32; identity = 0xff800000u; break;
		case Op::iand: opc = MICA_OP_V_AND_B32; identity = 0xffffffffu; break;
		case Op::ior: opc = MICA_OP_V_OR_B32; identity = 0; break;
		case Op::ixor: opc = MICA_OP_V_XOR_B32; identity = 0; break;
		default: fail("unsupported subgroup reduction operation");
		}
		Operand acc = Operand::phys(vgpr(kScratchVgpr0)), other = Operand::phys(vgpr(kScratchVgpr0 + 1)),
		        idx = Operand::phys(vgpr(kScratchVgpr0 + 2));
		Operand saved = tmp(Bank::mask);
		emit(MICA_OP_S_MOV_B32, saved, {exec()});
		emit(MICA_OP_S_MOV_B32, exec(), {Operand::c32(0xffffffffu)});
		emit(MICA_OP_V_MOV_B32, acc, {Operand::c32(identity)});
		emit(MICA_OP_S_MOV_B32, exec(), {saved});
		emit(MICA_OP_V_MOV_B32, acc, {o[0]});
		emit(MICA_OP_S_MOV_B32, exec(), {Operand::c32(0xffffffffu)});
		for (unsigned k = 1; k < MICA_WAVE_SIZE; k <<= 1) {
			if (ins.op == Op::reduce) {
				emit(MICA_OP_V_XOR_B32, idx, {Operand::phys(MICA_OPND_LANE_ID), Operand::c32(k)});
				emit(MICA_OP_V_SHFL_B32, other, {acc, idx});
			} else {
				emit(MICA_OP_V_SUB_U32, idx, {Operand::phys(MICA_OPND_LANE_ID), Operand::c32(k)});
				emit(MICA_OP_V_SHFL_B32, other, {acc, idx});
				emit(MICA_OP_V_CNDMASK_B32, other, {Operand::c32(identity), other, Operand::c32(~((1u << k) - 1))});
			}
			emit(opc, acc, {acc, other});
		}
		Operand result = acc;
		if (ins.op == Op::exclusive_scan) {
			emit(MICA_OP_V_SUB_U32, idx, {Operand::phys(MICA_OPND_LANE_ID), Operand::c32(1)});
			emit(MICA_OP_V_SHFL_B32, other, {acc, idx});
			emit(MICA_OP_V_CNDMASK_B32, other, {Operand::c32(identity), other, Operand::c32(0xfffffffeu)});
			result = other;
		}
		emit(MICA_OP_S_MOV_B32, exec(), {saved});
		if (db == Bank::vgpr)
			emit(MICA_OP_V_MOV_B32, d, {result});
		else
			emit(MICA_OP_V_READLANE_B32, d, {result, Operand::c32(0)});
		return;
	}
	default:
		fail(std::string("instruction selection does not handle ") + op_name(ins.op));
	}
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
