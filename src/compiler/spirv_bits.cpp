// Bit operations with the edge cases the SPIR-V specification defines, on 8/16/32/64-bit
// integers: OpBitCount, OpBitReverse, OpBitFieldInsert, OpBitField[SU]Extract.
//
// The ISA's v_bfe/v_bfm take 5-bit width fields, so a 32-bit count (offset 0, the whole value)
// would read as 0: a count of 32 selects the base (extract) or the insert (insert) instead.
// 64-bit values have no bit-field or count instructions: extracts are two shifts, inserts a
// mask, counts and reversals work on the halves.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

void Translator::bit_op(const Inst &in)
{
	using IOp = IO::Op;
	auto w = in.w;
	const Op op = (Op)in.op;
	const size_t need = op == Op::OpBitFieldInsert ? 7 : op == Op::OpBitCount || op == Op::OpBitReverse ? 4 : 6;
	if (w.size() < need)
		fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	const uint32_t rt = w[1];
	const auto &base = val(w[3]);
	const unsigned narrow = narrow_width(rt);
	std::vector<Operand> r;
	// Offset and count are scalars of any integer width; only their low 32 bits can be valid.
	auto scalar = [&](uint32_t id) {
		const auto &v = val(id);
		if (v.size() != 1)
			fail("bit-field offset and count must be scalars");
		return low_dword(v[0]);
	};
	auto sel = [&](Operand c, Operand a, Operand b, bool wide) { return emit(IOp::select, wide ? r64() : r32(), {c, a, b}); };
	for (size_t i = 0; i < base.size(); i++) {
		const Operand x = base[i];
		const bool wide = x.size == 2;
		switch (op) {
		case Op::OpBitCount: {
			Operand c = wide ? iadd(emit(IOp::bitcount, r32(), {emit(IOp::lo32, r32(), {x})}),
			                        emit(IOp::bitcount, r32(), {emit(IOp::hi32, r32(), {x})}))
			                 : emit(IOp::bitcount, r32(), {x});
			r.push_back(rc_of(rt).size == 2 ? emit(IOp::pack64, r64(), {c, Operand::c32(0)}) : c);
			break;
		}
		case Op::OpBitReverse: {
			if (wide) {
				r.push_back(emit(IOp::pack64, r64(), {emit(IOp::bitreverse, r32(), {emit(IOp::hi32, r32(), {x})}),
				                                       emit(IOp::bitreverse, r32(), {emit(IOp::lo32, r32(), {x})})}));
				break;
			}
			Operand b = emit(IOp::bitreverse, r32(), {x});
			// a narrow value is zero-extended: its reversed bits land in the top of the dword
			r.push_back(narrow ? emit(IOp::ushr, r32(), {b, Operand::c32(32 - narrow)}) : b);
			break;
		}
		case Op::OpBitFieldUExtract:
		case Op::OpBitFieldSExtract: {
			const bool is_signed = op == Op::OpBitFieldSExtract;
			const Operand off = scalar(w[4]), cnt = scalar(w[5]);
			if (wide) {
				// count 0 gives 0; otherwise (x << (64 - offset - count)) >> (64 - count), both
				// amounts in [0, 63].
				Operand up = emit(IOp::isub, r32(), {emit(IOp::isub, r32(), {Operand::c32(64), off}), cnt});
				Operand down = emit(IOp::isub, r32(), {Operand::c32(64), cnt});
				Operand v = emit(is_signed ? IOp::sshr : IOp::ushr, r64(), {emit(IOp::shl, r64(), {x, up}), down});
				r.push_back(sel(emit(IOp::ieq, rbool(), {cnt, Operand::c32(0)}), Operand::c64(0), v, true));
				break;
			}
			if (cnt.is_const() && cnt.value == 32) {   // offset must be 0: the whole value
				r.push_back(x);
				break;
			}
			Operand v = emit(is_signed ? IOp::bfe_s : IOp::bfe_u, r32(), {x, off, cnt});
			if (!cnt.is_const() && !narrow)
				v = sel(emit(IOp::ieq, rbool(), {cnt, Operand::c32(32)}), x, v, false);
			r.push_back(v);
			break;
		}
		case Op::OpBitFieldInsert: {
			const auto &ins_v = val(w[4]);
			if (ins_v.size() != base.size())
				fail("OpBitFieldInsert operand shape mismatch");
			const Operand ins = ins_v[i], off = scalar(w[5]), cnt = scalar(w[6]);
			if (wide) {
				// mask = count == 0 ? 0 : (~0 >> (64 - count)) << offset
				Operand ones = emit(IOp::ushr, r64(), {Operand::c64(~0ull), emit(IOp::isub, r32(), {Operand::c32(64), cnt})});
				Operand mask = sel(emit(IOp::ieq, rbool(), {cnt, Operand::c32(0)}), Operand::c64(0),
				                   emit(IOp::shl, r64(), {ones, off}), true);
				Operand keep = emit(IOp::iand, r64(), {x, emit(IOp::ixor, r64(), {mask, Operand::c64(~0ull)})});
				Operand put = emit(IOp::iand, r64(), {emit(IOp::shl, r64(), {ins, off}), mask});
				r.push_back(sel(emit(IOp::ieq, rbool(), {cnt, Operand::c32(0)}), x, emit(IOp::ior, r64(), {keep, put}), true));
				break;
			}
			if (cnt.is_const() && cnt.value == 32) {
				r.push_back(ins);
				break;
			}
			Operand v = emit(IOp::bfi, r32(), {x, ins, off, cnt});
			if (!cnt.is_const() && !narrow)
				v = sel(emit(IOp::ieq, rbool(), {cnt, Operand::c32(32)}), ins, v, false);
			r.push_back(v);
			break;
		}
		default: fail("not a bit operation");
		}
	}
	set(w[2], rt, r);
}

} // namespace mica::compiler::spirv_detail
