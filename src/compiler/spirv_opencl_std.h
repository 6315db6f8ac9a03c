// The OpenCL.std extended instruction set (docs/compiler.md "OpenCL.std"), private to its files:
//   spirv_opencl_std.cpp        dispatch; integer, common, geometric, relational, vector load/store,
//                               shuffle instructions
//   spirv_opencl_std_math.cpp   the math instructions (f16/f32/f64), with the ULP bounds of the
//                               OpenCL C specification
// Every instruction is lowered by Mica's compiler itself (no libclc link): docs/opencl.md says why.
#pragma once

#include <spirv/unified1/OpenCL.std.h>

#include <bit>

#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

// Emits the lowering of one OpenCL.std OpExtInst. A friend of Translator: it uses the
// translator's values, types, pointers and emit helpers.
struct OpenClStd {
	using IOp = IO::Op;
	Translator &t;
	const Translator::Inst &in;
	uint32_t rt = 0, res = 0, inst = 0;

	OpenClStd(Translator &tr, const Translator::Inst &i) : t(tr), in(i) {}
	void run();

	[[noreturn]] void fail(const std::string &m) { t.fail(m); }
	const std::vector<Operand> &arg(size_t i);   // value operand i (after the instruction number)
	uint32_t arg_type(size_t i);

	// ---- emit helpers ----
	Operand e32(IOp o, std::vector<Operand> ops, int64_t imm = 0, uint32_t aux = 0) { return t.emit(o, Translator::r32(), std::move(ops), imm, aux); }
	Operand e64(IOp o, std::vector<Operand> ops, int64_t imm = 0, uint32_t aux = 0) { return t.emit(o, Translator::r64(), std::move(ops), imm, aux); }
	Operand eb(IOp o, std::vector<Operand> ops) { return t.emit(o, Translator::rbool(), std::move(ops)); }
	Operand ew(bool wide, IOp o, std::vector<Operand> ops) { return wide ? e64(o, std::move(ops)) : e32(o, std::move(ops)); }
	static Operand d(double v) { return Operand::c64(std::bit_cast<uint64_t>(v)); }
	static Operand f(float v) { return Operand::c32(std::bit_cast<uint32_t>(v)); }
	static Operand k32(uint32_t v) { return Operand::c32(v); }
	static Operand k64(uint64_t v) { return Operand::c64(v); }

	// f64 arithmetic
	Operand dadd(Operand a, Operand b) { return e64(IOp::fadd, {a, b}); }
	Operand dsub(Operand a, Operand b) { return e64(IOp::fsub, {a, b}); }
	Operand dmul(Operand a, Operand b) { return e64(IOp::fmul, {a, b}); }
	Operand dfma(Operand a, Operand b, Operand c) { return e64(IOp::ffma, {a, b, c}); }
	Operand dsel(Operand c, Operand a, Operand b) { return e64(IOp::select, {c, a, b}); }
	Operand ssel(Operand c, Operand a, Operand b) { return e32(IOp::select, {c, a, b}); }
	Operand to_f64(Operand x32) { return e64(IOp::cvt_f_f, {x32}); }
	Operand to_f32(Operand x64) { return e32(IOp::cvt_f_f, {x64}, 0, 1); }
	// f64 division within one ulp, about 20 instructions: a * rcp(b) and one fma residual step
	// (operands scaled when 1/b would overflow or be denormal). For divisions inside the math
	// kernels, whose error bounds leave room for it, and fmod's reduction, which corrects its
	// quotient anyway. The correctly rounded division (OpFDiv on doubles, about 100 instructions)
	// is Translator::fdiv_f64 (lower_f64_div.cpp); used here it doubled fmod/remainder (3.8k ->
	// 7.4k instructions) and grew log by 70% with no change in any measured worst ULP.
	Operand ddiv_faithful(Operand a, Operand b);
	Operand pow2_f64(Operand n);   // 2^n for an i32 n in [-1022, 1023] as an f64

	// ---- f64 kernels (spirv_opencl_std_math.cpp), accurate to a few f64 ulp ----
	Operand exp_f64(Operand x, int base);           // base e (0), 2 (1), 10 (2)
	Operand exp_dd(Operand a, Operand alo);         // e^(a + alo)
	std::pair<Operand, Operand> log_dd(Operand x);  // log x as hi + lo, x >= 0
	Operand expm1_f64(Operand x);
	Operand log_f64(Operand x, int base);           // base e (0), 2 (1), 10 (2)
	Operand log1p_f64(Operand x);
	Operand sincos_f64(Operand x, bool cosine, Operand *other = nullptr, bool large = true);
	void reduce_pio2_large(Operand x, Operand &q, Operand &rh, Operand &rl);
	Operand sincospi_f64(Operand x, Operand *cosv);
	Operand gamma_f64(Operand x, bool log, Operand *sign);   // f32 accuracy
	Operand tgamma_f64(Operand x);                          // f64 accuracy
	Operand erf_f64(Operand x, bool complement);            // f32 accuracy
	Operand atan_f64(Operand x);                    // atan of any x
	Operand atan2_f64(Operand y, Operand x);

	void math();   // the math instructions
	void remainder_f32();   // fmod, remainder, remquo
	void remainder_f64();
	void integer();
	void common();
	void geometric();
	void relational();
	void vector_memory();
	void shuffle();

	// Componentwise helpers: fn per component, scalar arguments broadcast.
	template <class Fn> void map(size_t nargs, Fn fn)
	{
		std::vector<const std::vector<Operand> *> a;
		for (size_t i = 0; i < nargs; i++)
			a.push_back(&arg(i));
		const size_t n = a.empty() ? 1 : a[0]->size();
		std::vector<Operand> r;
		for (size_t k = 0; k < n; k++) {
			std::vector<Operand> c;
			for (const auto *v : a)
				c.push_back(v->size() == 1 ? (*v)[0] : v->at(k));
			r.push_back(fn(c));
		}
		t.set(res, rt, r);
	}
	unsigned width(uint32_t type_id);          // bit width of the scalar (component) type
};

} // namespace mica::compiler::spirv_detail
