// 8- and 16-bit integers (Int8, Int16), 16-bit floats (Float16 and 16-bit storage) and
// OpBitcast between any shapes.
//
// A narrow integer lives in a 32-bit register, zero-extended: the upper bits are always 0
// ("canonical"). Loads use the zero-extending byte/short instructions and stores write the low
// bits, so memory needs nothing more. Instructions whose result could leave the canonical form
// (add, sub, mul, negate, not, shift left, signed division, conversions ...) are translated as
// 32-bit ones and their narrow results masked; instructions that read their operands as signed
// numbers (signed division/remainder/comparison/shift right, SConvert, ConvertSToF, signed
// min/max/abs/sign, signed dot products, signed subgroup min/max) see them sign-extended to 32
// bits first. Unsigned operations, equality, bitwise operations, selects and data movement work
// on the canonical form as they are.
//
// A 16-bit float lives in the low 16 bits of a 32-bit register (upper bits 0). Arithmetic widens
// the operands to f32, computes in f32 and rounds the result to f16 (see translate_narrow).
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

unsigned Translator::narrow_width(uint32_t type_id)
{
	const Type &t = type(scalar_type(type_id));
	return t.k == Type::K::Int && t.width < 32 ? t.width : 0;
}

Operand Translator::narrow_sext(Operand x, unsigned width)
{
	if (x.is_const())
		return Operand::c32((uint32_t)((int32_t)((uint32_t)x.value << (32 - width)) >> (32 - width)));
	Operand up = emit(IO::Op::shl, r32(), {x, Operand::c32(32 - width)});
	return emit(IO::Op::sshr, r32(), {up, Operand::c32(32 - width)});
}

bool Translator::is_half(uint32_t type_id)
{
	const Type &t = type(scalar_type(type_id));
	return t.k == Type::K::Float && t.width == 16;
}

// Per scalar leaf of a value of type 'type_id': whether it is a 16-bit float.
std::vector<bool> Translator::half_leaves(uint32_t type_id)
{
	const Type &t = type(type_id);
	switch (t.k) {
	case Type::K::Vector:
	case Type::K::Array: {
		std::vector<bool> e = half_leaves(t.elem), r;
		for (uint32_t i = 0; i < t.count; i++)
			r.insert(r.end(), e.begin(), e.end());
		return r;
	}
	case Type::K::Struct: {
		std::vector<bool> r;
		for (uint32_t m : t.members) {
			std::vector<bool> e = half_leaves(m);
			r.insert(r.end(), e.begin(), e.end());
		}
		return r;
	}
	default:
		return {t.k == Type::K::Float && t.width == 16};
	}
}

bool Translator::has_half(uint32_t type_id)
{
	std::vector<bool> l = half_leaves(type_id);
	return std::find(l.begin(), l.end(), true) != l.end();
}

// Word positions of the value (id) operands of an instruction with a result: everything from
// w[3] except literals (the extended instruction set and number; subgroup scope and group
// operation are constants of integer types and never halves).
std::vector<size_t> Translator::value_operands(const Inst &in)
{
	std::vector<size_t> r;
	const size_t first = (Op)in.op == Op::OpExtInst ? 5 : 3;
	for (size_t k = first; k < in.w.size(); k++)
		if (vals_.count(in.w[k]))
			r.push_back(k);
	return r;
}

// f64 -> f32 rounded to odd (inexact results get the lowest mantissa bit set), so that rounding
// that to f16 is the correctly rounded f64 -> f16 (24 >= 11 + 2 bits: no double rounding).
Operand Translator::f64_to_f32_round_odd(Operand x)
{
	using IOp = IO::Op;
	Operand t = emit(IOp::cvt_f_f, r32(), {x}, 0, 1);
	Operand back = emit(IOp::cvt_f_f, r64(), {t}, 0, 0);
	Operand exact = emit(IOp::feq, rbool(), {back, x});
	// rounded away from zero: step back towards zero (the magnitude is in the low bits)
	Operand positive = emit(IOp::flt, rbool(), {Operand::c64(0), x});
	Operand away = emit(IOp::select, rbool(), {positive, emit(IOp::flt, rbool(), {x, back}), emit(IOp::flt, rbool(), {back, x})});
	Operand down = emit(IOp::isub, r32(), {t, bool_to_int(away)});
	return emit(IOp::select, r32(), {exact, t, emit(IOp::ior, r32(), {down, Operand::c32(1)})});
}

Operand Translator::narrow_mask(Operand x, unsigned width)
{
	const uint32_t m = (1u << width) - 1;
	if (x.is_const())
		return Operand::c32((uint32_t)x.value & m);
	return emit(IO::Op::iand, r32(), {x, Operand::c32(m)});
}

namespace {

// Instructions whose narrow result is canonical when their operands are.
bool keeps_canonical(Op op)
{
	switch (op) {
	case Op::OpLoad:
	case Op::OpAtomicLoad:
	case Op::OpPhi:
	case Op::OpUndef:
	case Op::OpCopyObject:
	case Op::OpCopyLogical:
	case Op::OpCompositeExtract:
	case Op::OpCompositeInsert:
	case Op::OpCompositeConstruct:
	case Op::OpVectorShuffle:
	case Op::OpVectorExtractDynamic:
	case Op::OpVectorInsertDynamic:
	case Op::OpSelect:
	case Op::OpBitwiseAnd:
	case Op::OpBitwiseOr:
	case Op::OpBitwiseXor:
	case Op::OpUDiv:
	case Op::OpUMod:
	case Op::OpShiftRightLogical:
	case Op::OpBitCount:
	case Op::OpBitcast:
	case Op::OpGroupNonUniformBroadcast:
	case Op::OpGroupNonUniformBroadcastFirst:
	case Op::OpGroupNonUniformShuffle:
	case Op::OpGroupNonUniformShuffleXor:
	case Op::OpGroupNonUniformShuffleUp:
	case Op::OpGroupNonUniformShuffleDown:
	case Op::OpGroupNonUniformQuadBroadcast:
	case Op::OpGroupNonUniformQuadSwap:
		return true;
	default:
		return false;
	}
}

} // namespace

// Word positions of the operands instruction 'in' reads as signed integers.
std::vector<size_t> Translator::signed_operands(const Inst &in)
{
	switch ((Op)in.op) {
	case Op::OpSDiv:
	case Op::OpSRem:
	case Op::OpSMod:
	case Op::OpSLessThan:
	case Op::OpSLessThanEqual:
	case Op::OpSGreaterThan:
	case Op::OpSGreaterThanEqual:
	case Op::OpSMulExtended:
	case Op::OpSDot:
		return {3, 4};
	case Op::OpSDotAccSat:
		return {3, 4, 5};
	case Op::OpSUDot:
	case Op::OpShiftRightArithmetic:
	case Op::OpSConvert:
	case Op::OpConvertSToF:
		return {3};
	case Op::OpSUDotAccSat:
		return {3, 5};
	case Op::OpExtInst:
		if (in.w.size() < 5 || in.w[3] != glsl_ext_)
			return {};
		switch (in.w[4]) {
		case GLSLstd450SAbs:
		case GLSLstd450SSign:
		case GLSLstd450FindSMsb: return {5};
		case GLSLstd450SMin:
		case GLSLstd450SMax: return {5, 6};
		case GLSLstd450SClamp: return {5, 6, 7};
		default: return {};
		}
	default:
		return {};
	}
}

// Translates an instruction that has a narrow integer result, reads narrow integers as signed
// numbers, or computes on 16-bit floats; returns false when it involves none (the caller
// translates it as usual).
bool Translator::translate_narrow(const Inst &in)
{
	auto w = in.w;
	const Op op = (Op)in.op;
	// Only instructions with a result type (w[1]) and a result (w[2]).
	bool has_result = false, has_type = false;
	spv::HasResultAndType(op, &has_result, &has_type);
	if (!has_result || !has_type || w.size() < 3 || !types_.count(w[1]))
		return false;
	const unsigned rw = narrow_width(w[1]);
	std::vector<std::pair<uint32_t, unsigned>> sext;   // operand id, width
	for (size_t k : signed_operands(in))
		if (k < w.size() && vals_.count(w[k]))
			if (unsigned ow = narrow_width(value_type(w[k])))
				sext.push_back({w[k], ow});
	// 16-bit floats: operands widened to f32 (exact), the operation computed in f32 and the
	// result rounded to f16 (nearest even). For add, sub, mul, div and sqrt that is the correctly
	// rounded f16 result (f32 has 24 >= 2 * 11 + 2 significant bits); comparisons, min/max and
	// conversions from f16 are exact. Data movement keeps the halves as they are; subgroup
	// arithmetic uses the f16 instructions (group_op).
	const bool moves = keeps_canonical(op) || (op >= Op::OpGroupNonUniformIAdd && op <= Op::OpGroupNonUniformLogicalXor);
	std::vector<size_t> half_ops;   // word positions of operands holding halves
	if (!moves)
		for (size_t k : value_operands(in))
			if (has_half(value_type(w[k])))
				half_ops.push_back(k);
	const bool half_result = !moves && has_half(w[1]);
	// The extended-result instructions return a struct (narrow_width 0): with narrow operands the
	// high half, carry or borrow must come from the narrow width, not from 32-bit arithmetic
	// (OpUMulExtended on uint8 gave a high byte of 0: CTS spirv_assembly.instruction.compute.
	// mul_extended.unsigned_8bit / unsigned_16bit).
	const bool narrow_extended = (op == Op::OpUMulExtended || op == Op::OpSMulExtended || op == Op::OpIAddCarry ||
	                              op == Op::OpISubBorrow) &&
	                             w.size() > 4 && vals_.count(w[3]) && narrow_width(value_type(w[3]));
	if (!rw && sext.empty() && !half_result && half_ops.empty() && !narrow_extended)
		return false;
	if ((rw || half_result) && ((op > Op::OpAtomicLoad && op <= Op::OpAtomicXor) || op == Op::OpAtomicFAddEXT ||
	                               op == Op::OpAtomicFMinEXT || op == Op::OpAtomicFMaxEXT))
		fail("atomic operations on " + std::to_string(rw ? rw : 16) + "-bit values are not supported");
	if (half_result && translate_half_fma(in))   // spirv_half.cpp
		return true;
	switch (op) {
	case Op::OpISubBorrow: {
		// Result struct {difference, borrow}: the difference masked to the width, borrow a < b.
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		const unsigned ew = narrow_width(value_type(w[3]));
		if (!ew || a.size() != b.size())
			return false;
		std::vector<Operand> lo, borrow;
		for (size_t i = 0; i < a.size(); i++) {
			lo.push_back(narrow_mask(emit(IO::Op::isub, r32(), {a[i], b[i]}), ew));
			borrow.push_back(bool_to_int(emit(IO::Op::ult, rbool(), {narrow_mask(a[i], ew), narrow_mask(b[i], ew)})));
		}
		lo.insert(lo.end(), borrow.begin(), borrow.end());
		set(w[2], w[1], lo);
		return true;
	}
	case Op::OpIAddCarry:
	case Op::OpUMulExtended:
	case Op::OpSMulExtended: {
		// Result struct {low, high/carry}: the whole result fits in 32 bits.
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		const unsigned ew = narrow_width(value_type(w[3]));
		if (!ew || a.size() != b.size())
			return false;
		std::vector<Operand> lo, hi;
		for (size_t i = 0; i < a.size(); i++) {
			Operand x = a[i], y = b[i];
			if (op == Op::OpSMulExtended) {
				x = narrow_sext(x, ew);
				y = narrow_sext(y, ew);
			}
			Operand full = emit(op == Op::OpIAddCarry ? IO::Op::iadd : IO::Op::imul, r32(), {x, y});
			lo.push_back(narrow_mask(full, ew));
			Operand h = emit(op == Op::OpSMulExtended ? IO::Op::sshr : IO::Op::ushr, r32(), {full, Operand::c32(ew)});
			hi.push_back(op == Op::OpIAddCarry ? h : narrow_mask(h, ew));
		}
		lo.insert(lo.end(), hi.begin(), hi.end());
		set(w[2], w[1], lo);
		return true;
	}
	case Op::OpFConvert:
		if (is_half(w[1]) && rc_of(value_type(w[3])).size == 2) {
			std::vector<Operand> r;
			for (const Operand &x : val(w[3]))
				r.push_back(emit(IO::Op::cvt_f16_f32, r32(), {f64_to_f32_round_odd(x)}));
			set(w[2], w[1], r);
			return true;
		}
		break;
	default:
		break;
	}
	// The generic path: sign-extend the signed operands and widen 16-bit float sources to f32,
	// translate as 32-bit, mask the narrow integer result or narrow the f32 result to f16.
	std::vector<std::pair<uint32_t, std::vector<Operand>>> saved;
	auto substitute = [&](uint32_t id, auto fn) {
		saved.push_back({id, vals_[id]});
		std::vector<Operand> v;
		for (const Operand &x : vals_[id])
			v.push_back(fn(x));
		vals_[id] = v;
	};
	for (const auto &ext : sext) {
		const unsigned ow = ext.second;   // clang 14 cannot capture structured bindings
		substitute(ext.first, [&](Operand x) { return narrow_sext(x, ow); });
	}
	for (size_t k : half_ops) {
		std::vector<bool> halves = half_leaves(value_type(w[k]));
		size_t leaf = 0;
		substitute(w[k], [&](Operand x) { return halves.at(leaf++) ? emit(IO::Op::cvt_f32_f16, r32(), {x}) : x; });
	}
	narrow_active_ = true;
	try {
		translate(in);
	} catch (...) {
		narrow_active_ = false;
		throw;
	}
	narrow_active_ = false;
	for (auto it = saved.rbegin(); it != saved.rend(); ++it)
		vals_[it->first] = it->second;
	if (rw && !keeps_canonical(op) && vals_.count(w[2])) {
		std::vector<Operand> r;
		for (const Operand &x : vals_[w[2]])
			r.push_back(narrow_mask(x, rw));
		vals_[w[2]] = r;
	}
	if (half_result && vals_.count(w[2])) {
		std::vector<bool> halves = half_leaves(w[1]);
		std::vector<Operand> &r = vals_[w[2]];
		if (halves.size() != r.size())
			fail("internal error: 16-bit float result shape");
		for (size_t i = 0; i < r.size(); i++)
			if (halves[i])
				r[i] = emit(IO::Op::cvt_f16_f32, r32(), {r[i]});
	}
	return true;
}

// OpBitcast: the source's bits, leaf after leaf from the lowest, regrouped into the result's
// leaves (e.g. u8vec4 <-> uint, u16vec4 <-> uint64_t, uvec2 <-> double, pointer <-> uvec2).
void Translator::bitcast(const Inst &in)
{
	auto w = in.w;
	if (w.size() < 4)
		fail("OpBitcast has too few operands");
	auto bits = [&](uint32_t t) {
		const Type &s = type(scalar_type(t));
		if (s.k == Type::K::Pointer)
			return 64u;
		if (s.k != Type::K::Int && s.k != Type::K::Float)
			fail("OpBitcast of a non-numeric type");
		return s.width;
	};
	const auto &src = val(w[3]);
	const unsigned sb = bits(value_type(w[3])), db = bits(w[1]);
	const uint32_t n = leaf_count(w[1]);
	if ((uint64_t)sb * src.size() != (uint64_t)db * n)
		fail("OpBitcast between types of different sizes");
	if (sb == db) {
		set(w[2], w[1], src);
		return;
	}
	// The bits as 32-bit words (the last one partial when the total is below 32).
	std::vector<Operand> words;
	Operand cur;
	unsigned fill = 0;
	for (const Operand &x : src) {
		if (sb == 64) {
			words.push_back(emit(IO::Op::lo32, r32(), {x}));
			words.push_back(emit(IO::Op::hi32, r32(), {x}));
			continue;
		}
		if (sb == 32) {
			words.push_back(x);
			continue;
		}
		Operand part = fill ? emit(IO::Op::shl, r32(), {x, Operand::c32(fill)}) : x;
		cur = fill ? emit(IO::Op::ior, r32(), {cur, part}) : part;
		fill += sb;
		if (fill == 32) {
			words.push_back(cur);
			fill = 0;
		}
	}
	if (fill)
		words.push_back(cur);
	std::vector<Operand> r;
	for (uint32_t i = 0; i < n; i++) {
		if (db == 64) {
			r.push_back(emit(IO::Op::pack64, r64(), {words[2 * i], words[2 * i + 1]}));
		} else if (db == 32) {
			r.push_back(words[i]);
		} else {
			const unsigned bit = i * db;
			Operand x = words[bit / 32];
			if (bit % 32)
				x = emit(IO::Op::ushr, r32(), {x, Operand::c32(bit % 32)});
			r.push_back(bit % 32 + db < 32 ? narrow_mask(x, db) : x);
		}
	}
	set(w[2], w[1], r);
}

} // namespace mica::compiler::spirv_detail
