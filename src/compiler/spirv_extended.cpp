// Extended instruction sets: GLSL.std.450, and the subgroup (GroupNonUniform) instructions.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

void Translator::ext_inst(const Inst &in)
{
	auto w = in.w;
	uint32_t rt = w[1], res = w[2], inst = w[4];
	auto arg = [&](size_t i) -> const std::vector<Operand> & {
		if (w.size() <= 5 + i)
			fail("GLSL.std.450 instruction has too few operands");
		return val(w[5 + i]);
	};
	using IOp = IO::Op;
	auto map1 = [&](auto fn) {
		std::vector<Operand> r;
		const auto &a = arg(0);
		for (size_t i = 0; i < a.size(); i++)
			r.push_back(fn(a[i]));
		set(res, rt, r);
	};
	auto map2 = [&](auto fn) {
		std::vector<Operand> r;
		const auto &a = arg(0);
		const auto &b = arg(1);
		for (size_t i = 0; i < a.size(); i++)
			r.push_back(fn(a[i], b.size() == 1 ? b[0] : b[i]));
		set(res, rt, r);
	};
	auto map3 = [&](auto fn) {
		std::vector<Operand> r;
		const auto &a = arg(0);
		const auto &b = arg(1);
		const auto &c = arg(2);
		for (size_t i = 0; i < a.size(); i++)
			r.push_back(fn(a[i], b.size() == 1 ? b[0] : b[i], c.size() == 1 ? c[0] : c[i]));
		set(res, rt, r);
	};
	auto E = [&](IOp o, std::vector<Operand> ops) { return scalar_rc_op(o, rt, std::move(ops)); };
	bool wide = rc_of(rt).size == 2;
	Operand sign_mask = wide ? Operand::c64(1ull << 63) : Operand::c32(0x80000000u);
	switch ((GLSLstd450)inst) {
	case GLSLstd450Round:
	case GLSLstd450RoundEven: map1([&](Operand a) { return E(IOp::fround_even, {a}); }); return;
	case GLSLstd450Trunc: map1([&](Operand a) { return E(IOp::ftrunc, {a}); }); return;
	case GLSLstd450FAbs:
		map1([&](Operand a) { return E(IOp::iand, {a, wide ? Operand::c64(~(1ull << 63)) : Operand::c32(0x7fffffffu)}); });
		return;
	case GLSLstd450SAbs: map1([&](Operand a) { return E(IOp::smax, {a, E(IOp::ineg, {a})}); }); return;
	case GLSLstd450FSign:
		map1([&](Operand a) {
			Operand one = fconst(rt, 1.0);
			Operand mag = E(IOp::select, {emit(IOp::feq, rbool(), {a, fconst(rt, 0.0)}), fconst(rt, 0.0), one});
			return E(IOp::ior, {mag, E(IOp::iand, {a, sign_mask})});
		});
		return;
	case GLSLstd450SSign:
		map1([&](Operand a) { return E(IOp::smin, {E(IOp::smax, {a, Operand::c32(0xffffffffu)}), Operand::c32(1)}); });
		return;
	case GLSLstd450Floor: map1([&](Operand a) { return E(IOp::ffloor, {a}); }); return;
	case GLSLstd450Ceil: map1([&](Operand a) { return E(IOp::fceil, {a}); }); return;
	case GLSLstd450Fract: map1([&](Operand a) { return E(IOp::ffract, {a}); }); return;
	case GLSLstd450Radians: map1([&](Operand a) { return E(IOp::fmul, {a, fconst(rt, 0.017453292519943295)}); }); return;
	case GLSLstd450Degrees: map1([&](Operand a) { return E(IOp::fmul, {a, fconst(rt, 57.29577951308232)}); }); return;
	case GLSLstd450Sin: map1([&](Operand a) { return E(IOp::fsin, {a}); }); return;
	case GLSLstd450Cos: map1([&](Operand a) { return E(IOp::fcos, {a}); }); return;
	case GLSLstd450Tan:
		map1([&](Operand a) { return E(IOp::fdiv, {E(IOp::fsin, {a}), E(IOp::fcos, {a})}); });
		return;
	case GLSLstd450Pow:
		map2([&](Operand a, Operand b) { return E(IOp::fexp2, {E(IOp::fmul, {b, E(IOp::flog2, {a})})}); });
		return;
	case GLSLstd450Exp: map1([&](Operand a) { return E(IOp::fexp2, {E(IOp::fmul, {a, fconst(rt, 1.4426950408889634)})}); }); return;
	case GLSLstd450Log: map1([&](Operand a) { return E(IOp::fmul, {E(IOp::flog2, {a}), fconst(rt, 0.6931471805599453)}); }); return;
	case GLSLstd450Exp2: map1([&](Operand a) { return E(IOp::fexp2, {a}); }); return;
	case GLSLstd450Log2: map1([&](Operand a) { return E(IOp::flog2, {a}); }); return;
	case GLSLstd450Sqrt: map1([&](Operand a) { return E(IOp::fsqrt, {a}); }); return;
	case GLSLstd450InverseSqrt: map1([&](Operand a) { return E(IOp::frsq, {a}); }); return;
	case GLSLstd450FMin:
	case GLSLstd450NMin: map2([&](Operand a, Operand b) { return E(IOp::fmin, {a, b}); }); return;
	case GLSLstd450FMax:
	case GLSLstd450NMax: map2([&](Operand a, Operand b) { return E(IOp::fmax, {a, b}); }); return;
	case GLSLstd450UMin: map2([&](Operand a, Operand b) { return E(IOp::umin, {a, b}); }); return;
	case GLSLstd450UMax: map2([&](Operand a, Operand b) { return E(IOp::umax, {a, b}); }); return;
	case GLSLstd450SMin: map2([&](Operand a, Operand b) { return E(IOp::smin, {a, b}); }); return;
	case GLSLstd450SMax: map2([&](Operand a, Operand b) { return E(IOp::smax, {a, b}); }); return;
	case GLSLstd450FClamp:
	case GLSLstd450NClamp:
		map3([&](Operand x, Operand lo, Operand hi) { return E(IOp::fmin, {E(IOp::fmax, {x, lo}), hi}); });
		return;
	case GLSLstd450UClamp:
		map3([&](Operand x, Operand lo, Operand hi) { return E(IOp::umin, {E(IOp::umax, {x, lo}), hi}); });
		return;
	case GLSLstd450SClamp:
		map3([&](Operand x, Operand lo, Operand hi) { return E(IOp::smin, {E(IOp::smax, {x, lo}), hi}); });
		return;
	case GLSLstd450FMix:
		map3([&](Operand x, Operand y, Operand a) { return E(IOp::ffma, {E(IOp::fsub, {y, x}), a, x}); });
		return;
	case GLSLstd450Step:
		map2([&](Operand edge, Operand x) {
			return E(IOp::select, {emit(IOp::flt, rbool(), {x, edge}), fconst(rt, 0.0), fconst(rt, 1.0)});
		});
		return;
	case GLSLstd450Fma: map3([&](Operand a, Operand b, Operand c) { return E(IOp::ffma, {a, b, c}); }); return;
	case GLSLstd450Ldexp: map2([&](Operand a, Operand b) { return E(IOp::fldexp, {a, b}); }); return;
	case GLSLstd450FindILsb: map1([&](Operand a) { return E(IOp::findlsb, {a}); }); return;
	case GLSLstd450FindUMsb: map1([&](Operand a) { return E(IOp::findumsb, {a}); }); return;
	case GLSLstd450FindSMsb:
		map1([&](Operand a) {
			Operand neg = emit(IOp::slt, rbool(), {a, Operand::c32(0)});
			return E(IOp::findumsb, {E(IOp::select, {neg, E(IOp::inot, {a}), a})});
		});
		return;
	case GLSLstd450Length:
	case GLSLstd450Distance:
	case GLSLstd450Normalize: {
		std::vector<Operand> d = arg(0);
		if ((GLSLstd450)inst == GLSLstd450Distance) {
			const auto &b = arg(1);
			for (size_t i = 0; i < d.size(); i++)
				d[i] = E(IOp::fsub, {d[i], b[i]});
		}
		uint32_t st = scalar_type(rt);
		Operand acc = scalar_rc_op(IOp::fmul, st, {d[0], d[0]});
		for (size_t i = 1; i < d.size(); i++)
			acc = scalar_rc_op(IOp::ffma, st, {d[i], d[i], acc});
		if ((GLSLstd450)inst == GLSLstd450Normalize) {
			Operand inv = scalar_rc_op(IOp::frsq, st, {acc});
			std::vector<Operand> r;
			for (const Operand &x : d)
				r.push_back(scalar_rc_op(IOp::fmul, st, {x, inv}));
			set(res, rt, r);
		} else {
			set(res, rt, {scalar_rc_op(IOp::fsqrt, st, {acc})});
		}
		return;
	}
	case GLSLstd450Cross: {
		const auto &a = arg(0);
		const auto &b = arg(1);
		auto c = [&](int i, int j) {
			return E(IOp::fsub, {E(IOp::fmul, {a[i], b[j]}), E(IOp::fmul, {a[j], b[i]})});
		};
		set(res, rt, {c(1, 2), c(2, 0), c(0, 1)});
		return;
	}
	default:
		fail("unsupported GLSL.std.450 instruction " + std::to_string(inst));
	}
}


void Translator::group_op(const Inst &in)
{
	auto w = in.w;
	Op op = (Op)in.op;
	using IOp = IO::Op;
	auto need = [&](size_t n) {
		if (w.size() < n)
			fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	};
	need(4);
	if (const_u32(w[3]) != (uint32_t)spv::Scope::Subgroup)
		fail(spirv_named(spirv_opcode_name(in.op), in.op) + " with a scope other than Subgroup is not supported");
	uint32_t rt = w[1], res = w[2];
	switch (op) {
	case Op::OpGroupNonUniformElect: set(res, rt, {emit(IOp::elect, rbool(), {})}); return;
	case Op::OpGroupNonUniformAll: need(5); set(res, rt, {emit(IOp::vote_all, rbool(), {val(w[4])[0]})}); return;
	case Op::OpGroupNonUniformAny: need(5); set(res, rt, {emit(IOp::vote_any, rbool(), {val(w[4])[0]})}); return;
	case Op::OpGroupNonUniformAllEqual: {
		need(5);
		Operand x = val(w[4])[0];
		if (x.size != 1)
			fail("OpGroupNonUniformAllEqual on 64-bit values is not supported");
		set(res, rt, {emit(IOp::vote_eq, rbool(), {x})});
		return;
	}
	case Op::OpGroupNonUniformBroadcast:
	case Op::OpGroupNonUniformBroadcastFirst:
	case Op::OpGroupNonUniformShuffle:
	case Op::OpGroupNonUniformShuffleXor:
	case Op::OpGroupNonUniformShuffleUp:
	case Op::OpGroupNonUniformShuffleDown: {
		need(op == Op::OpGroupNonUniformBroadcastFirst ? 5 : 6);
		std::vector<Operand> r;
		Operand idx;
		if (op != Op::OpGroupNonUniformBroadcastFirst) {
			idx = val(w[5])[0];
			Operand lane = emit(IOp::lane_id, r32(), {});
			if (op == Op::OpGroupNonUniformShuffleXor)
				idx = emit(IOp::ixor, r32(), {lane, idx});
			else if (op == Op::OpGroupNonUniformShuffleUp)
				idx = emit(IOp::isub, r32(), {lane, idx});
			else if (op == Op::OpGroupNonUniformShuffleDown)
				idx = emit(IOp::iadd, r32(), {lane, idx});
		}
		for (const Operand &x : val(w[4])) {
			bool is_bool = type(scalar_type(rt)).k == Type::K::Bool;
			if (x.size != 1)
				fail("subgroup broadcast/shuffle of 64-bit values is not supported");
			Operand v = is_bool ? bool_to_int(x) : x;
			Operand y;
			if (op == Op::OpGroupNonUniformBroadcastFirst)
				y = emit(IOp::broadcast_first, r32(), {v});
			else if (op == Op::OpGroupNonUniformBroadcast)
				y = emit(IOp::broadcast, r32(), {v, idx});
			else
				y = emit(IOp::shuffle, r32(), {v, idx});
			r.push_back(is_bool ? to_bool_from_int(y) : y);
		}
		set(res, rt, r);
		return;
	}
	case Op::OpGroupNonUniformBallot:
		need(5);
		set(res, rt, {emit(IOp::ballot, r32(), {val(w[4])[0]}), Operand::c32(0), Operand::c32(0), Operand::c32(0)});
		return;
	case Op::OpGroupNonUniformInverseBallot:
	case Op::OpGroupNonUniformBallotBitExtract: {
		need(5);
		Operand mask = val(w[4])[0];
		Operand bit = op == Op::OpGroupNonUniformInverseBallot ? emit(IOp::lane_id, r32(), {}) : (need(6), val(w[5])[0]);
		Operand sh = emit(IOp::ushr, r32(), {mask, bit});
		set(res, rt, {emit(IOp::ine, rbool(), {emit(IOp::iand, r32(), {sh, Operand::c32(1)}), Operand::c32(0)})});
		return;
	}
	case Op::OpGroupNonUniformBallotBitCount: {
		need(6);
		Operand mask = val(w[5])[0];
		uint32_t gop = w[4];
		if (gop == (uint32_t)spv::GroupOperation::Reduce) {
			set(res, rt, {emit(IOp::bitcount, r32(), {mask})});
			return;
		}
		Operand lane = emit(IOp::lane_id, r32(), {});
		Operand below = emit(IOp::isub, r32(), {emit(IOp::shl, r32(), {Operand::c32(1), lane}), Operand::c32(1)});
		if (gop == (uint32_t)spv::GroupOperation::InclusiveScan)
			below = emit(IOp::ior, r32(), {below, emit(IOp::shl, r32(), {Operand::c32(1), lane})});
		set(res, rt, {emit(IOp::bitcount, r32(), {emit(IOp::iand, r32(), {mask, below})})});
		return;
	}
	case Op::OpGroupNonUniformBallotFindLSB:
	case Op::OpGroupNonUniformBallotFindMSB:
		need(5);
		set(res, rt, {emit(op == Op::OpGroupNonUniformBallotFindLSB ? IOp::findlsb : IOp::findumsb, r32(), {val(w[4])[0]})});
		return;
	case Op::OpGroupNonUniformIAdd:
	case Op::OpGroupNonUniformFAdd:
	case Op::OpGroupNonUniformIMul:
	case Op::OpGroupNonUniformFMul:
	case Op::OpGroupNonUniformSMin:
	case Op::OpGroupNonUniformUMin:
	case Op::OpGroupNonUniformFMin:
	case Op::OpGroupNonUniformSMax:
	case Op::OpGroupNonUniformUMax:
	case Op::OpGroupNonUniformFMax:
	case Op::OpGroupNonUniformBitwiseAnd:
	case Op::OpGroupNonUniformBitwiseOr:
	case Op::OpGroupNonUniformBitwiseXor:
	case Op::OpGroupNonUniformLogicalAnd:
	case Op::OpGroupNonUniformLogicalOr:
	case Op::OpGroupNonUniformLogicalXor: {
		need(6);
		if (w.size() > 6)
			fail("clustered subgroup operations are not supported");
		IOp comb;
		switch (op) {
		case Op::OpGroupNonUniformIAdd: comb = IOp::iadd; break;
		case Op::OpGroupNonUniformFAdd: comb = IOp::fadd; break;
		case Op::OpGroupNonUniformIMul: comb = IOp::imul; break;
		case Op::OpGroupNonUniformFMul: comb = IOp::fmul; break;
		case Op::OpGroupNonUniformSMin: comb = IOp::smin; break;
		case Op::OpGroupNonUniformUMin: comb = IOp::umin; break;
		case Op::OpGroupNonUniformFMin: comb = IOp::fmin; break;
		case Op::OpGroupNonUniformSMax: comb = IOp::smax; break;
		case Op::OpGroupNonUniformUMax: comb = IOp::umax; break;
		case Op::OpGroupNonUniformFMax: comb = IOp::fmax; break;
		case Op::OpGroupNonUniformBitwiseAnd:
		case Op::OpGroupNonUniformLogicalAnd: comb = IOp::iand; break;
		case Op::OpGroupNonUniformBitwiseOr:
		case Op::OpGroupNonUniformLogicalOr: comb = IOp::ior; break;
		default: comb = IOp::ixor; break;
		}
		uint32_t gop = w[4];
		IOp kind = gop == (uint32_t)spv::GroupOperation::Reduce ? IOp::reduce
		           : gop == (uint32_t)spv::GroupOperation::InclusiveScan ? IOp::inclusive_scan
		           : gop == (uint32_t)spv::GroupOperation::ExclusiveScan ? IOp::exclusive_scan
		                                                                  : IOp::count;
		if (kind == IOp::count)
			fail("subgroup group operation " + std::to_string(gop) + " is not supported");
		bool is_bool = type(scalar_type(rt)).k == Type::K::Bool;
		std::vector<Operand> r;
		for (const Operand &x : val(w[5])) {
			if (x.size != 1)
				fail("64-bit subgroup arithmetic is not supported");
			Operand v = is_bool ? bool_to_int(x) : x;
			Operand y = emit(kind, r32(), {v}, 0, (uint32_t)comb);
			r.push_back(is_bool ? to_bool_from_int(y) : y);
		}
		set(res, rt, r);
		return;
	}
	default:
		fail("unsupported subgroup instruction " + spirv_named(spirv_opcode_name(in.op), in.op));
	}
}

} // namespace mica::compiler::spirv_detail
