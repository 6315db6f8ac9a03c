// Extended instruction sets: GLSL.std.450, and the subgroup (GroupNonUniform) instructions.
#include <bit>

#include "mica/compiler/compiler.h"
#include "spirv_translator.h"

namespace mica::compiler {

// The GLSL.std.450 instructions ext_inst() translates, with the types it takes them on (docs/
// compiler.md's table is generated from this list). The transcendental functions are 16/32-bit
// only in GLSL.std.450 itself; FindILsb/FindSMsb/FindUMsb are 32-bit only.
std::span<const SupportEntry> supported_glsl_std450()
{
#define G(name, types) {#name, (uint32_t)GLSLstd450##name, types}
	static const char *kAllFloat = "f16 f32 f64", *kFloat32 = "f16 f32", *kInt = "i8 i16 i32 i64";
	static const SupportEntry table[] = {
		G(Round, kAllFloat), G(RoundEven, kAllFloat), G(Trunc, kAllFloat), G(FAbs, kAllFloat), G(SAbs, kInt),
		G(FSign, kAllFloat), G(SSign, kInt), G(Floor, kAllFloat), G(Ceil, kAllFloat), G(Fract, kAllFloat),
		G(Radians, kFloat32), G(Degrees, kFloat32), G(Sin, kFloat32), G(Cos, kFloat32), G(Tan, kFloat32),
		G(Asin, kFloat32), G(Acos, kFloat32), G(Atan, kFloat32), G(Sinh, kFloat32), G(Cosh, kFloat32),
		G(Tanh, kFloat32), G(Asinh, kFloat32), G(Acosh, kFloat32), G(Atanh, kFloat32), G(Atan2, kFloat32),
		G(Pow, kFloat32), G(Exp, kFloat32), G(Log, kFloat32), G(Exp2, kFloat32), G(Log2, kFloat32),
		G(Sqrt, kAllFloat), G(InverseSqrt, kAllFloat), G(Determinant, "f16 f32 f64 (2x2, 3x3, 4x4)"),
		G(MatrixInverse, "f16 f32 f64 (2x2, 3x3, 4x4)"), G(Modf, kAllFloat), G(ModfStruct, kAllFloat),
		G(FMin, kAllFloat), G(UMin, kInt), G(SMin, kInt), G(FMax, kAllFloat), G(UMax, kInt), G(SMax, kInt),
		G(FClamp, kAllFloat), G(UClamp, kInt), G(SClamp, kInt), G(FMix, kAllFloat), G(Step, kAllFloat),
		G(SmoothStep, kAllFloat), G(Fma, kAllFloat), G(Frexp, kAllFloat), G(FrexpStruct, kAllFloat),
		G(Ldexp, kAllFloat), G(PackSnorm4x8, "vec4 -> u32"), G(PackUnorm4x8, "vec4 -> u32"),
		G(PackSnorm2x16, "vec2 -> u32"), G(PackUnorm2x16, "vec2 -> u32"), G(PackHalf2x16, "vec2 -> u32"),
		G(PackDouble2x32, "uvec2 -> f64"), G(UnpackSnorm2x16, "u32 -> vec2"), G(UnpackUnorm2x16, "u32 -> vec2"),
		G(UnpackHalf2x16, "u32 -> vec2"), G(UnpackSnorm4x8, "u32 -> vec4"), G(UnpackUnorm4x8, "u32 -> vec4"),
		G(UnpackDouble2x32, "f64 -> uvec2"), G(Length, kAllFloat), G(Distance, kAllFloat), G(Cross, kAllFloat),
		G(Normalize, kAllFloat), G(FaceForward, kAllFloat), G(Reflect, kAllFloat), G(Refract, kAllFloat),
		G(FindILsb, "i32"), G(FindSMsb, "i32"), G(FindUMsb, "i32"), G(NMin, kAllFloat), G(NMax, kAllFloat),
		G(NClamp, kAllFloat),
	};
#undef G
	return table;
}

} // namespace mica::compiler

namespace mica::compiler::spirv_detail {

namespace {

// Determinant of the minor of the n x n column-major matrix m made of 'cols' and 'rows', by Laplace
// expansion along its first column (n <= 4: at most 4 * 3 * 2 products); fop emits one scalar float
// operation. Determinant and MatrixInverse (cofactors) both use it.
template <class Matrix, class FloatOp>
Operand laplace_determinant(const Matrix &m, uint32_t n, const std::vector<uint32_t> &cols,
                            const std::vector<uint32_t> &rows, const FloatOp &fop)
{
	using IOp = IO::Op;
	auto at = [&](uint32_t c, uint32_t r) { return m[c * n + r]; };
	if (cols.size() == 1)
		return at(cols[0], rows[0]);
	const std::vector<uint32_t> rest(cols.begin() + 1, cols.end());
	Operand acc;
	for (size_t i = 0; i < rows.size(); i++) {
		std::vector<uint32_t> sub_rows;
		for (size_t j = 0; j < rows.size(); j++)
			if (j != i)
				sub_rows.push_back(rows[j]);
		Operand term = fop(IOp::fmul, {at(cols[0], rows[i]), laplace_determinant(m, n, rest, sub_rows, fop)});
		acc = i == 0 ? term : fop(i % 2 ? IOp::fsub : IOp::fadd, {acc, term});
	}
	return acc;
}

} // namespace

void Translator::ext_inst(const Inst &in)
{
	auto w = in.w;
	uint32_t rt = w[1], res = w[2], inst = w[4];
	const auto table = supported_glsl_std450();
	if (std::none_of(table.begin(), table.end(), [&](const SupportEntry &e) { return e.value == inst; }))
		fail("unsupported GLSL.std.450 instruction " +
		     std::string(inst == GLSLstd450InterpolateAtCentroid ? "InterpolateAtCentroid (fragment-only)"
		                 : inst == GLSLstd450InterpolateAtSample ? "InterpolateAtSample (fragment-only)"
		                 : inst == GLSLstd450InterpolateAtOffset ? "InterpolateAtOffset (fragment-only)"
		                 : inst == 47                            ? "IMix (removed from GLSL.std.450)"
		                                                         : std::to_string(inst)));
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
	// FrexpStruct/ModfStruct return a struct: its leaves say their own widths.
	// MatrixInverse returns a matrix: its component type says the width.
	const uint32_t rt_scalar = type(rt).matrix ? type(type(rt).elem).elem : rt;
	bool wide = type(rt).k != Type::K::Struct && rc_of(rt_scalar).size == 2;
	Operand sign_mask = wide ? Operand::c64(1ull << 63) : Operand::c32(0x80000000u);
	auto no_f64 = [&](const char *what) {
		if (wide)
			fail(std::string(what) + " on 64-bit floats is not supported");
	};
	auto f32c = [](float f) { return Operand::c32(std::bit_cast<uint32_t>(f)); };
	auto B = [&](IOp o, std::vector<Operand> ops) { return emit(o, rbool(), std::move(ops)); };
	auto V = [&](IOp o, std::vector<Operand> ops) { return emit(o, r32(), std::move(ops)); };
	// atan2(y, x) for f32. t = min(|x|,|y|) / max(|x|,|y|) in [0, 1]; atan(t) by an odd
	// polynomial of degree 11 (max abs error 1.7e-6, max rel error 2.3e-5 on [0, 1]: well
	// inside Vulkan's 4096 ulp for atan/atan2/asin/acos); then pi/2 - p when |y| > |x|,
	// pi - p when x < 0, and the sign of y. atan2(0, 0) = 0 (undefined in Vulkan).
	// 'quadrants' false: x is the constant 1 (plain atan), the x < 0 step is left out.
	auto atan2_f32 = [&](Operand y, Operand x, bool quadrants) -> Operand {
		Operand ay = V(IOp::iand, {y, Operand::c32(0x7fffffffu)});
		Operand ax = V(IOp::iand, {x, Operand::c32(0x7fffffffu)});
		Operand mx = V(IOp::fmax, {ax, ay}), mn = V(IOp::fmin, {ax, ay});
		Operand t = V(IOp::fdiv, {mn, mx});
		t = V(IOp::select, {B(IOp::feq, {mx, f32c(0.0f)}), f32c(0.0f), t});
		Operand t2 = V(IOp::fmul, {t, t});
		static const float c[] = {-0.01172120f, 0.05265332f, -0.11643287f, 0.19354346f, -0.33262347f, 0.99997726f};
		Operand p = f32c(c[0]);
		for (size_t i = 1; i < 6; i++)
			p = V(IOp::ffma, {p, t2, f32c(c[i])});
		p = V(IOp::fmul, {p, t});
		p = V(IOp::select, {B(IOp::flt, {ax, ay}), V(IOp::fsub, {f32c(1.57079637f), p}), p});
		if (quadrants)
			p = V(IOp::select, {B(IOp::flt, {x, f32c(0.0f)}), V(IOp::fsub, {f32c(3.14159274f), p}), p});
		return V(IOp::ior, {p, V(IOp::iand, {y, Operand::c32(0x80000000u)})});
	};
	// frexp for f32: exponent field e; normal numbers give mantissa bits with the exponent of
	// 0.5 and exponent e - 126. Zero, denormals (which Vulkan may flush) give (x, 0); inf and
	// NaN give (x, 0) (the exponent is undefined for them).
	auto frexp_f32 = [&](Operand a) -> std::pair<Operand, Operand> {
		Operand e = V(IOp::iand, {V(IOp::ushr, {a, Operand::c32(23)}), Operand::c32(0xffu)});
		Operand normal = B(IOp::band, {B(IOp::ine, {e, Operand::c32(0)}), B(IOp::ine, {e, Operand::c32(0xffu)})});
		Operand m = V(IOp::ior, {V(IOp::iand, {a, Operand::c32(0x807fffffu)}), Operand::c32(0x3f000000u)});
		Operand ex = V(IOp::isub, {e, Operand::c32(126)});
		return {V(IOp::select, {normal, m, a}), V(IOp::select, {normal, ex, Operand::c32(0)})};
	};
	// frexp for f64, on the high word: exponent field e (bits 20..30). Denormals (kept in f64)
	// are scaled by 2^64 first. Zero, inf and NaN give (x, 0).
	auto frexp_f64 = [&](Operand a) -> std::pair<Operand, Operand> {
		auto field = [&](Operand x) { return V(IOp::iand, {V(IOp::ushr, {V(IOp::hi32, {x}), Operand::c32(20)}), Operand::c32(0x7ffu)}); };
		Operand e0 = field(a);
		Operand denormal = B(IOp::band, {B(IOp::ieq, {e0, Operand::c32(0)}), B(IOp::fne, {a, Operand::c64(0)})});
		Operand scaled = emit(IOp::fmul, r64(), {a, Operand::c64(0x43f0000000000000ull)});   // 2^64
		Operand x = emit(IOp::select, r64(), {denormal, scaled, a});
		Operand e = field(x);
		Operand normal = B(IOp::band, {B(IOp::ine, {e, Operand::c32(0)}), B(IOp::ine, {e, Operand::c32(0x7ffu)})});
		Operand hi = V(IOp::ior, {V(IOp::iand, {V(IOp::hi32, {x}), Operand::c32(0x800fffffu)}), Operand::c32(0x3fe00000u)});
		Operand m = emit(IOp::pack64, r64(), {V(IOp::lo32, {x}), hi});
		Operand ex = V(IOp::isub, {e, V(IOp::select, {denormal, Operand::c32(1022 + 64), Operand::c32(1022)})});
		return {emit(IOp::select, r64(), {normal, m, a}), V(IOp::select, {normal, ex, Operand::c32(0)})};
	};
	// frexp of every component: {mantissas, exponents}
	auto frexp_leaves = [&](const std::vector<Operand> &x) {
		std::pair<std::vector<Operand>, std::vector<Operand>> r;
		for (const Operand &a : x) {
			auto [m, e] = a.size == 2 ? frexp_f64(a) : frexp_f32(a);
			r.first.push_back(m);
			r.second.push_back(e);
		}
		return r;
	};
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
		map1([&](Operand a) {
			return wide ? E(IOp::smin, {E(IOp::smax, {a, Operand::c64(~0ull)}), Operand::c64(1)})
			            : E(IOp::smin, {E(IOp::smax, {a, Operand::c32(0xffffffffu)}), Operand::c32(1)});
		});
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
	case GLSLstd450Ldexp:
		if (!wide) {
			map2([&](Operand a, Operand b) { return E(IOp::fldexp, {a, b}); });
			return;
		}
		// f64 (no ldexp instruction): x * 2^n1 * 2^n2 * 2^n3 with n clamped to +-2200 (beyond it
		// every finite result is 0 or inf) and split into thirds, each a normal power of two.
		map2([&](Operand a, Operand n) {
			if (n.size == 2)
				n = V(IOp::lo32, {n});
			n = V(IOp::smin, {V(IOp::smax, {n, Operand::c32((uint32_t)-2200)}), Operand::c32(2200)});
			Operand n1 = V(IOp::sdiv, {n, Operand::c32(3)});
			Operand rest = V(IOp::isub, {n, n1});
			Operand n2 = V(IOp::sdiv, {rest, Operand::c32(2)});
			Operand n3 = V(IOp::isub, {rest, n2});
			auto pow2 = [&](Operand k) {
				return emit(IOp::pack64, r64(), {Operand::c32(0), V(IOp::shl, {V(IOp::iadd, {k, Operand::c32(1023)}), Operand::c32(20)})});
			};
			return E(IOp::fmul, {E(IOp::fmul, {E(IOp::fmul, {a, pow2(n1)}), pow2(n2)}), pow2(n3)});
		});
		return;
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
	case GLSLstd450SmoothStep:
		map3([&](Operand e0, Operand e1, Operand x) {
			// t = clamp((x - e0) / (e1 - e0), 0, 1); t * t * (3 - 2 t)
			Operand t = E(IOp::fdiv, {E(IOp::fsub, {x, e0}), E(IOp::fsub, {e1, e0})});
			t = E(IOp::fmin, {E(IOp::fmax, {t, fconst(rt, 0.0)}), fconst(rt, 1.0)});
			Operand poly = E(IOp::ffma, {t, fconst(rt, -2.0), fconst(rt, 3.0)});
			return E(IOp::fmul, {E(IOp::fmul, {t, t}), poly});
		});
		return;
	case GLSLstd450Atan:
		no_f64("atan");
		map1([&](Operand a) { return atan2_f32(a, fconst(rt, 1.0), false); });
		return;
	case GLSLstd450Atan2:
		no_f64("atan2");
		map2([&](Operand y, Operand x) { return atan2_f32(y, x, true); });
		return;
	case GLSLstd450Asin:
	case GLSLstd450Acos:
		no_f64((GLSLstd450)inst == GLSLstd450Asin ? "asin" : "acos");
		map1([&](Operand a) {
			// sqrt(1 - x^2) as sqrt((1 - x)(1 + x)): no cancellation near |x| = 1.
			Operand one = fconst(rt, 1.0);
			Operand c = E(IOp::fsqrt, {E(IOp::fmul, {E(IOp::fsub, {one, a}), E(IOp::fadd, {one, a})})});
			return (GLSLstd450)inst == GLSLstd450Asin ? atan2_f32(a, c, true) : atan2_f32(c, a, true);
		});
		return;
	case GLSLstd450PackHalf2x16: {
		const auto &v = arg(0);
		if (v.size() != 2)
			fail("packHalf2x16 needs a 2-component vector");
		Operand lo = E(IOp::iand, {E(IOp::cvt_f16_f32, {v[0]}), Operand::c32(0xffffu)});
		Operand hi = E(IOp::shl, {E(IOp::cvt_f16_f32, {v[1]}), Operand::c32(16)});
		set(res, rt, {E(IOp::ior, {lo, hi})});
		return;
	}
	case GLSLstd450UnpackHalf2x16: {
		const auto &v = arg(0);
		uint32_t st = scalar_type(rt);
		Operand lo = scalar_rc_op(IOp::cvt_f32_f16, st, {scalar_rc_op(IOp::iand, st, {v[0], Operand::c32(0xffffu)})});
		Operand hi = scalar_rc_op(IOp::cvt_f32_f16, st, {scalar_rc_op(IOp::ushr, st, {v[0], Operand::c32(16)})});
		set(res, rt, {lo, hi});
		return;
	}
	case GLSLstd450Determinant: {
		const auto &m = arg(0);
		uint32_t n = m.size() == 4 ? 2 : m.size() == 9 ? 3 : m.size() == 16 ? 4 : 0;
		if (!n)
			fail("determinant of a matrix that is not 2x2, 3x3 or 4x4");
		std::vector<uint32_t> idx;
		for (uint32_t i = 0; i < n; i++)
			idx.push_back(i);
		set(res, rt, {laplace_determinant(m, n, idx, idx, E)});
		return;
	}
	case GLSLstd450PackUnorm4x8:
	case GLSLstd450PackSnorm4x8:
	case GLSLstd450PackUnorm2x16:
	case GLSLstd450PackSnorm2x16: {
		// Each component: round(clamp(c, lo, 1) * scale) into a bit field, lowest component first.
		const auto &v = arg(0);
		const GLSLstd450 g = (GLSLstd450)inst;
		const bool snorm = g == GLSLstd450PackSnorm4x8 || g == GLSLstd450PackSnorm2x16;
		const uint32_t bits = (g == GLSLstd450PackUnorm4x8 || g == GLSLstd450PackSnorm4x8) ? 8 : 16;
		const float scale = (float)((1u << (bits - (snorm ? 1 : 0))) - 1u);
		Operand acc = Operand::c32(0);
		for (size_t k = 0; k < v.size(); k++) {
			Operand c = V(IOp::fmin, {V(IOp::fmax, {v[k], f32c(snorm ? -1.0f : 0.0f)}), f32c(1.0f)});
			Operand q = V(IOp::fround_even, {V(IOp::fmul, {c, f32c(scale)})});
			q = V(snorm ? IOp::cvt_s_f : IOp::cvt_u_f, {q});
			q = V(IOp::iand, {q, Operand::c32((1u << bits) - 1u)});
			acc = V(IOp::ior, {acc, V(IOp::shl, {q, Operand::c32((uint32_t)(bits * k))})});
		}
		set(res, rt, {acc});
		return;
	}
	case GLSLstd450UnpackUnorm4x8:
	case GLSLstd450UnpackSnorm4x8:
	case GLSLstd450UnpackUnorm2x16:
	case GLSLstd450UnpackSnorm2x16: {
		const Operand x = arg(0)[0];
		const GLSLstd450 g = (GLSLstd450)inst;
		const bool snorm = g == GLSLstd450UnpackSnorm4x8 || g == GLSLstd450UnpackSnorm2x16;
		const uint32_t bits = (g == GLSLstd450UnpackUnorm4x8 || g == GLSLstd450UnpackSnorm4x8) ? 8 : 16;
		const float scale = (float)((1u << (bits - (snorm ? 1 : 0))) - 1u);
		std::vector<Operand> r;
		for (uint32_t k = 0; k < 32 / bits; k++) {
			Operand f;
			if (snorm) {
				Operand field = V(IOp::sshr, {V(IOp::shl, {x, Operand::c32(32 - bits * (k + 1))}), Operand::c32(32 - bits)});
				f = V(IOp::fmax, {V(IOp::fdiv, {V(IOp::cvt_f_s, {field}), f32c(scale)}), f32c(-1.0f)});
			} else {
				Operand field = V(IOp::iand, {V(IOp::ushr, {x, Operand::c32(bits * k)}), Operand::c32((1u << bits) - 1u)});
				f = V(IOp::fdiv, {V(IOp::cvt_f_u, {field}), f32c(scale)});
			}
			r.push_back(f);
		}
		set(res, rt, r);
		return;
	}
	case GLSLstd450PackDouble2x32: {
		const auto &v = arg(0);
		set(res, rt, {emit(IOp::pack64, r64(), {v[0], v[1]})});
		return;
	}
	case GLSLstd450UnpackDouble2x32: {
		const Operand x = arg(0)[0];
		set(res, rt, {V(IOp::lo32, {x}), V(IOp::hi32, {x})});
		return;
	}
	case GLSLstd450FrexpStruct: {
		// Result struct {mantissa, exponent}: all mantissa leaves, then all exponent leaves.
		auto [mant, expo] = frexp_leaves(arg(0));
		mant.insert(mant.end(), expo.begin(), expo.end());
		set(res, rt, mant);
		return;
	}
	case GLSLstd450Frexp: {
		// frexp(x, out exp): the exponent is stored through the pointer operand.
		if (w.size() <= 6)
			fail("GLSL.std.450 Frexp has too few operands");
		auto [mant, expo] = frexp_leaves(arg(0));
		Ptr p = pointer(w[6]);
		store(p, p.type, expo);
		set(res, rt, mant);
		return;
	}
	case GLSLstd450Sinh:
	case GLSLstd450Cosh:
	case GLSLstd450Tanh:
		no_f64("sinh/cosh/tanh");   // GLSL.std.450 limits them to 16/32-bit floats
		map1([&](Operand a) {
			const GLSLstd450 g = (GLSLstd450)inst;
			if (g == GLSLstd450Tanh) {
				// 1 - 2 / (e^2x + 1): e^2x = inf gives 1, e^2x = 0 gives -1, no inf/inf.
				Operand e2 = E(IOp::fexp2, {E(IOp::fmul, {a, fconst(rt, 2.0 * 1.4426950408889634)})});
				return E(IOp::fsub, {fconst(rt, 1.0), E(IOp::fdiv, {fconst(rt, 2.0), E(IOp::fadd, {e2, fconst(rt, 1.0)})})});
			}
			Operand ex = E(IOp::fexp2, {E(IOp::fmul, {a, fconst(rt, 1.4426950408889634)})});
			Operand emx = E(IOp::fexp2, {E(IOp::fmul, {a, fconst(rt, -1.4426950408889634)})});
			return E(IOp::fmul, {E(g == GLSLstd450Sinh ? IOp::fsub : IOp::fadd, {ex, emx}), fconst(rt, 0.5)});
		});
		return;
	case GLSLstd450Asinh:
	case GLSLstd450Acosh:
	case GLSLstd450Atanh:
		no_f64("asinh/acosh/atanh");
		map1([&](Operand a) {
			const GLSLstd450 g = (GLSLstd450)inst;
			auto ln = [&](Operand x) { return E(IOp::fmul, {E(IOp::flog2, {x}), fconst(rt, 0.6931471805599453)}); };
			if (g == GLSLstd450Atanh)   // 0.5 * ln((1 + x) / (1 - x)); |x| > 1 gives NaN, +-1 gives +-inf
				return E(IOp::fmul, {ln(E(IOp::fdiv, {E(IOp::fadd, {fconst(rt, 1.0), a}), E(IOp::fsub, {fconst(rt, 1.0), a})})),
				                     fconst(rt, 0.5)});
			if (g == GLSLstd450Acosh)   // ln(x + sqrt((x - 1)(x + 1))); x < 1 gives NaN
				return ln(E(IOp::fadd, {a, E(IOp::fsqrt, {E(IOp::fmul, {E(IOp::fsub, {a, fconst(rt, 1.0)}),
				                                                          E(IOp::fadd, {a, fconst(rt, 1.0)})})})}));
			// sign(x) * ln(|x| + sqrt(x^2 + 1)); above 2^60 x^2 + 1 is x^2 (and x^2 may overflow):
			// ln(2|x|) there.
			Operand ax = E(IOp::iand, {a, Operand::c32(0x7fffffffu)});
			Operand big = emit(IOp::flt, rbool(), {fconst(rt, 1152921504606846976.0), ax});
			Operand r = ln(E(IOp::fadd, {ax, E(IOp::fsqrt, {E(IOp::ffma, {ax, ax, fconst(rt, 1.0)})})}));
			r = E(IOp::select, {big, E(IOp::fadd, {ln(ax), fconst(rt, 0.6931471805599453)}), r});
			return E(IOp::ior, {r, E(IOp::iand, {a, sign_mask})});
		});
		return;
	case GLSLstd450FaceForward:
	case GLSLstd450Reflect:
	case GLSLstd450Refract: {
		const auto &a = arg(0), &b = arg(1);
		const uint32_t st = scalar_type(rt);
		auto dot = [&](const std::vector<Operand> &x, const std::vector<Operand> &y) {
			Operand acc = scalar_rc_op(IOp::fmul, st, {x[0], y[0]});
			for (size_t i = 1; i < x.size(); i++)
				acc = scalar_rc_op(IOp::ffma, st, {x[i], y[i], acc});
			return acc;
		};
		std::vector<Operand> r;
		if ((GLSLstd450)inst == GLSLstd450FaceForward) {   // FaceForward(N, I, Nref): dot(Nref, I) < 0 ? N : -N
			Operand neg = emit(IOp::flt, rbool(), {dot(arg(2), b), fconst(rt, 0.0)});
			for (const Operand &n : a)
				r.push_back(E(IOp::select, {neg, n, E(IOp::ixor, {n, sign_mask})}));
		} else if ((GLSLstd450)inst == GLSLstd450Reflect) {   // Reflect(I, N): I - 2 dot(N, I) N
			Operand d2 = scalar_rc_op(IOp::fmul, st, {dot(b, a), fconst(rt, 2.0)});
			for (size_t i = 0; i < a.size(); i++)
				r.push_back(E(IOp::ffma, {E(IOp::ixor, {d2, sign_mask}), b[i], a[i]}));
		} else {   // Refract(I, N, eta): k = 1 - eta^2 (1 - dot^2); k < 0 ? 0 : eta I - (eta dot + sqrt k) N
			Operand eta = arg(2).at(0);
			const uint32_t eta_type = value_type(w[7]);
			if (type(eta_type).width != type(st).width)   // a float eta with a double vector
				eta = scalar_rc_op(IOp::cvt_f_f, st, {eta});
			Operand d = dot(b, a);
			Operand one = fconst(rt, 1.0);
			Operand k = scalar_rc_op(IOp::fsub, st, {one, scalar_rc_op(IOp::fmul, st, {scalar_rc_op(IOp::fmul, st, {eta, eta}),
			                                                                            scalar_rc_op(IOp::ffma, st, {E(IOp::ixor, {d, sign_mask}), d, one})})});
			Operand tir = emit(IOp::flt, rbool(), {k, fconst(rt, 0.0)});
			Operand s = scalar_rc_op(IOp::ffma, st, {eta, d, scalar_rc_op(IOp::fsqrt, st, {scalar_rc_op(IOp::fmax, st, {k, fconst(rt, 0.0)})})});
			for (size_t i = 0; i < a.size(); i++) {
				Operand v = scalar_rc_op(IOp::fsub, st, {scalar_rc_op(IOp::fmul, st, {eta, a[i]}), scalar_rc_op(IOp::fmul, st, {s, b[i]})});
				r.push_back(E(IOp::select, {tir, fconst(rt, 0.0), v}));
			}
		}
		set(res, rt, r);
		return;
	}
	case GLSLstd450Modf:
	case GLSLstd450ModfStruct: {
		// whole = trunc(x); fraction = x - whole, or +-0 (the sign of x) when x is whole or
		// infinite (inf - inf would be NaN).
		std::vector<Operand> fr, whole;
		for (const Operand &x : arg(0)) {
			const bool w64 = x.size == 2;
			RegClass rc = w64 ? r64() : r32();
			Operand t = emit(IOp::ftrunc, rc, {x});
			Operand sm = w64 ? Operand::c64(1ull << 63) : Operand::c32(0x80000000u);
			fr.push_back(emit(IOp::select, rc, {emit(IOp::feq, rbool(), {x, t}), emit(IOp::iand, rc, {x, sm}), emit(IOp::fsub, rc, {x, t})}));
			whole.push_back(t);
		}
		if ((GLSLstd450)inst == GLSLstd450Modf) {
			if (w.size() <= 6)
				fail("GLSL.std.450 Modf has too few operands");
			Ptr p = pointer(w[6]);
			store(p, p.type, whole);
			set(res, rt, fr);
		} else {
			fr.insert(fr.end(), whole.begin(), whole.end());
			set(res, rt, fr);
		}
		return;
	}
	case GLSLstd450MatrixInverse: {
		// adjugate / determinant: inverse[c][r] = (-1)^(r+c) minor(column r, row c) / det.
		const auto &m = arg(0);
		const uint32_t n = m.size() == 4 ? 2 : m.size() == 9 ? 3 : m.size() == 16 ? 4 : 0;
		if (!n)
			fail("inverse of a matrix that is not 2x2, 3x3 or 4x4");
		const uint32_t st = type(type(rt).elem).elem;
		auto F = [&](IOp o, std::vector<Operand> ops) { return scalar_rc_op(o, st, std::move(ops)); };
		auto det = [&](const std::vector<uint32_t> &cols, const std::vector<uint32_t> &rows) {
			return laplace_determinant(m, n, cols, rows, F);
		};
		std::vector<uint32_t> all;
		for (uint32_t i = 0; i < n; i++)
			all.push_back(i);
		Operand inv_det = F(IOp::fdiv, {fconst(st, 1.0), det(all, all)});
		std::vector<Operand> r;
		for (uint32_t c = 0; c < n; c++)
			for (uint32_t row = 0; row < n; row++) {
				std::vector<uint32_t> cols, rows;
				for (uint32_t k = 0; k < n; k++) {
					if (k != row)
						cols.push_back(k);
					if (k != c)
						rows.push_back(k);
				}
				Operand cof = det(cols, rows);
				if ((row + c) % 2)
					cof = F(IOp::fsub, {fconst(st, 0.0), cof});
				r.push_back(F(IOp::fmul, {cof, inv_det}));
			}
		set(res, rt, r);
		return;
	}
	default:
		fail("unsupported GLSL.std.450 instruction " + std::to_string(inst));
	}
}


// The subgroup instructions of SPV_KHR_shader_ballot and SPV_KHR_subgroup_vote (VK_EXT_shader_subgroup_
// ballot / _vote, GL_ARB_shader_ballot / GL_ARB_shader_group_vote) are their GroupNonUniform
// counterparts at Subgroup scope: rewritten as those and translated by group_op.
bool Translator::khr_subgroup_op(const Inst &in)
{
	Op target;
	switch ((Op)in.op) {
	case Op::OpSubgroupBallotKHR: target = Op::OpGroupNonUniformBallot; break;
	case Op::OpSubgroupFirstInvocationKHR: target = Op::OpGroupNonUniformBroadcastFirst; break;
	case Op::OpSubgroupReadInvocationKHR: target = Op::OpGroupNonUniformBroadcast; break;
	case Op::OpSubgroupAllKHR: target = Op::OpGroupNonUniformAll; break;
	case Op::OpSubgroupAnyKHR: target = Op::OpGroupNonUniformAny; break;
	case Op::OpSubgroupAllEqualKHR: target = Op::OpGroupNonUniformAllEqual; break;
	default: return false;
	}
	if (in.w.size() < 4)
		fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	if (!subgroup_scope_id_) {   // an id past the module's bound, so it names nothing else
		subgroup_scope_id_ = words_[3];
		set(subgroup_scope_id_, 0, {Operand::c32((uint32_t)spv::Scope::Subgroup)});
	}
	std::vector<uint32_t> words{0, in.w[1], in.w[2], subgroup_scope_id_};
	words.insert(words.end(), in.w.begin() + 3, in.w.end());
	words[0] = (uint32_t)words.size() << 16 | (uint32_t)target;
	group_op(Inst{(uint16_t)target, std::span<const uint32_t>(words)});
	return true;
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
	// Subgroups narrower than the wave (spirv_subgroup.cpp): composed from wave-wide operations.
	const bool narrow = sg_size_ < MICA_WAVE_SIZE;
	switch (op) {
	case Op::OpGroupNonUniformElect:
		if (narrow)
			set(res, rt, {emit(IOp::ieq, rbool(), {sg_lane(), emit(IOp::findlsb, r32(), {sg_active()})})});
		else
			set(res, rt, {emit(IOp::elect, rbool(), {})});
		return;
	case Op::OpGroupNonUniformAll:
		need(5);
		set(res, rt, {narrow ? sg_all(val(w[4])[0]) : emit(IOp::vote_all, rbool(), {val(w[4])[0]})});
		return;
	case Op::OpGroupNonUniformAny:
		need(5);
		if (narrow)
			set(res, rt, {emit(IOp::ine, rbool(), {sg_bits(emit(IOp::ballot, r32(), {val(w[4])[0]})), Operand::c32(0)})});
		else
			set(res, rt, {emit(IOp::vote_any, rbool(), {val(w[4])[0]})});
		return;
	case Op::OpGroupNonUniformAllEqual: {
		// Every component equal in every active lane; floats compare as floats (a NaN is equal to
		// nothing, -0 equals +0), booleans as 0/1.
		need(5);
		const Type &vt = type(scalar_type(value_type(w[4])));
		const bool is_float = vt.k == Type::K::Float;
		Operand all;
		Operand first_lane = narrow ? sg_first_lane() : Operand{};
		for (const Operand &x : val(w[4])) {
			Operand v = vt.k == Type::K::Bool ? bool_to_int(x) : x;
			Operand eq;
			if (narrow) {   // equal to the subgroup's first active lane's value, in every lane
				Operand first = x.size == 2 ? emit(IOp::pack64, r64(), {emit(IOp::shuffle, r32(), {emit(IOp::lo32, r32(), {v}), first_lane}),
				                                                        emit(IOp::shuffle, r32(), {emit(IOp::hi32, r32(), {v}), first_lane})})
				                            : emit(IOp::shuffle, r32(), {v, first_lane});
				eq = emit(is_float ? IOp::feq : IOp::ieq, rbool(), {v, first});
			} else {
				eq = emit(IOp::vote_eq, rbool(), {v}, 0, is_float);
			}
			all = all.kind == Operand::Kind::none ? eq : emit(IOp::band, rbool(), {all, eq});
		}
		set(res, rt, {narrow ? sg_all(all) : all});
		return;
	}
	case Op::OpGroupNonUniformBroadcast:
	case Op::OpGroupNonUniformBroadcastFirst:
	case Op::OpGroupNonUniformShuffle:
	case Op::OpGroupNonUniformShuffleXor:
	case Op::OpGroupNonUniformShuffleUp:
	case Op::OpGroupNonUniformShuffleDown:
	case Op::OpGroupNonUniformQuadBroadcast:
	case Op::OpGroupNonUniformQuadSwap: {
		need(op == Op::OpGroupNonUniformBroadcastFirst ? 5 : 6);
		std::vector<Operand> r;
		Operand idx;
		if (narrow && op != Op::OpGroupNonUniformQuadBroadcast && op != Op::OpGroupNonUniformQuadSwap) {
			// every one a shuffle from the wave lane of a subgroup-relative lane (quads lie inside
			// subgroups: their wave-lane forms below stay right)
			if (op == Op::OpGroupNonUniformBroadcastFirst) {
				idx = sg_first_lane();
			} else {
				Operand id = low_dword(val(w[5])[0]);
				if (op == Op::OpGroupNonUniformShuffleXor)
					id = emit(IOp::ixor, r32(), {sg_lane(), id});
				else if (op == Op::OpGroupNonUniformShuffleUp)
					id = emit(IOp::isub, r32(), {sg_lane(), id});
				else if (op == Op::OpGroupNonUniformShuffleDown)
					id = emit(IOp::iadd, r32(), {sg_lane(), id});
				idx = sg_abs_lane(id);
			}
		} else if (op != Op::OpGroupNonUniformBroadcastFirst) {
			idx = low_dword(val(w[5])[0]);
			Operand lane = emit(IOp::lane_id, r32(), {});
			if (op == Op::OpGroupNonUniformShuffleXor)
				idx = emit(IOp::ixor, r32(), {lane, idx});
			else if (op == Op::OpGroupNonUniformShuffleUp)
				idx = emit(IOp::isub, r32(), {lane, idx});
			else if (op == Op::OpGroupNonUniformShuffleDown)
				idx = emit(IOp::iadd, r32(), {lane, idx});
			else if (op == Op::OpGroupNonUniformQuadBroadcast)   // lane 'idx' of this lane's quad
				idx = emit(IOp::ior, r32(), {emit(IOp::iand, r32(), {lane, Operand::c32(~3u)}), emit(IOp::iand, r32(), {idx, Operand::c32(3)})});
			else if (op == Op::OpGroupNonUniformQuadSwap)   // Direction 0/1/2: horizontal, vertical, diagonal
				idx = emit(IOp::ixor, r32(), {lane, Operand::c32(const_u32(w[5]) + 1)});
		}
		auto move32 = [&](Operand v) {
			if (narrow)
				return emit(IOp::shuffle, r32(), {v, idx});
			if (op == Op::OpGroupNonUniformBroadcastFirst)
				return emit(IOp::broadcast_first, r32(), {v});
			if (op == Op::OpGroupNonUniformBroadcast)
				return emit(IOp::broadcast, r32(), {v, idx});
			return emit(IOp::shuffle, r32(), {v, idx});
		};
		for (const Operand &x : val(w[4])) {
			bool is_bool = type(scalar_type(rt)).k == Type::K::Bool;
			if (x.size == 2) {   // 64-bit: both halves from the same lane
				Operand lo = move32(emit(IOp::lo32, r32(), {x})), hi = move32(emit(IOp::hi32, r32(), {x}));
				r.push_back(emit(IOp::pack64, r64(), {lo, hi}));
				continue;
			}
			Operand v = is_bool ? bool_to_int(x) : x;
			Operand y = move32(v);
			r.push_back(is_bool ? to_bool_from_int(y) : y);
		}
		set(res, rt, r);
		return;
	}
	case Op::OpGroupNonUniformBallot:
		need(5);
		set(res, rt, {sg_bits(emit(IOp::ballot, r32(), {val(w[4])[0]})), Operand::c32(0), Operand::c32(0), Operand::c32(0)});
		return;
	case Op::OpGroupNonUniformInverseBallot:
	case Op::OpGroupNonUniformBallotBitExtract: {
		need(5);
		Operand mask = val(w[4])[0];
		Operand bit = op == Op::OpGroupNonUniformInverseBallot ? sg_lane() : (need(6), low_dword(val(w[5])[0]));
		Operand sh = emit(IOp::ushr, r32(), {mask, bit});
		set(res, rt, {emit(IOp::ine, rbool(), {emit(IOp::iand, r32(), {sh, Operand::c32(1)}), Operand::c32(0)})});
		return;
	}
	case Op::OpGroupNonUniformBallotBitCount: {
		need(6);
		Operand mask = val(w[5])[0];
		if (narrow)   // only the subgroup's bits count
			mask = emit(IOp::iand, r32(), {mask, sg_lanes_mask()});
		uint32_t gop = w[4];
		if (gop == (uint32_t)spv::GroupOperation::Reduce) {
			set(res, rt, {emit(IOp::bitcount, r32(), {mask})});
			return;
		}
		Operand lane = sg_lane();
		Operand below = emit(IOp::isub, r32(), {emit(IOp::shl, r32(), {Operand::c32(1), lane}), Operand::c32(1)});
		if (gop == (uint32_t)spv::GroupOperation::InclusiveScan)
			below = emit(IOp::ior, r32(), {below, emit(IOp::shl, r32(), {Operand::c32(1), lane})});
		set(res, rt, {emit(IOp::bitcount, r32(), {emit(IOp::iand, r32(), {mask, below})})});
		return;
	}
	case Op::OpGroupNonUniformBallotFindLSB:
	case Op::OpGroupNonUniformBallotFindMSB:
		need(5);
		set(res, rt, {emit(op == Op::OpGroupNonUniformBallotFindLSB ? IOp::findlsb : IOp::findumsb, r32(),
		                   {narrow ? emit(IOp::iand, r32(), {val(w[4])[0], sg_lanes_mask()}) : val(w[4])[0]})});
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
		           : gop == (uint32_t)spv::GroupOperation::ClusteredReduce ? IOp::clustered_reduce
		                                                                    : IOp::count;
		if (kind == IOp::count)
			fail("subgroup group operation " + std::to_string(gop) + " is not supported");
		int64_t cluster = 0;
		if (kind == IOp::clustered_reduce) {
			// ClusterSize: a constant power of two (the validator checks both); beyond the wave
			// size the clusters are the wave.
			need(7);
			cluster = const_u32(w[6]);
			if (cluster == 0 || (cluster & (cluster - 1)))
				fail("ClusterSize " + std::to_string(cluster) + " is not a power of two");
			cluster = std::min<int64_t>(cluster, sg_size_);
		} else if (narrow) {
			// a reduction is the subgroup-sized clustered one; a scan is segmented by the subgroup
			// size (isel: the scan's immediate)
			if (kind == IOp::reduce)
				kind = IOp::clustered_reduce;
			cluster = sg_size_;
		}
		bool is_bool = type(scalar_type(rt)).k == Type::K::Bool;
		// 8/16-bit signed min/max: with the sign bit flipped, the zero-extended values order as
		// unsigned ones, and the unsigned identities become the narrow signed ones.
		Operand bias;
		if (const unsigned nw = narrow_width(rt); nw && (comb == IOp::smin || comb == IOp::smax)) {
			bias = Operand::c32(1u << (nw - 1));
			comb = comb == IOp::smin ? IOp::umin : IOp::umax;
		}
		std::vector<Operand> r;
		for (const Operand &x : val(w[5])) {
			Operand v = is_bool ? bool_to_int(x) : x;
			if (bias.is_const()) {
				v = emit(IOp::ixor, r32(), {v, bias});
				r.push_back(emit(IOp::ixor, r32(), {emit(kind, r32(), {v}, cluster, (uint32_t)comb), bias}));
				continue;
			}
			Operand y = emit(kind, x.size == 2 ? r64() : r32(), {v}, cluster, (uint32_t)comb | (is_half(rt) ? ir::kAuxHalf : 0));
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
