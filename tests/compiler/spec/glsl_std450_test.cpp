// GLSL.std.450 instructions on every type they apply to (f32, f64, f16; 64-bit integers), run on
// every revision/profile in checked mode and compared with host references: hyperbolic and
// inverse hyperbolic functions, faceforward/reflect/refract, MatrixInverse/Determinant (2x2, 3x3,
// 4x4), modf/frexp in the pointer and the struct form, NMin/NMax/NClamp with NaNs, fma, ldexp,
// 64-bit integer abs/sign/min/max/clamp and OpNot.
#include "spec_util.h"

#include <cmath>
#include <limits>

using namespace mica::compiler;
using namespace mica::compiler::spectest;

namespace {

constexpr uint32_t kLanes = 64;

// |got - want| <= abs_tol + rel_tol * |want| (both inf or both NaN also match).
::testing::AssertionResult close(double got, double want, double rel_tol, double abs_tol)
{
	if (std::isnan(want) ? std::isnan(got) : (std::isinf(want) ? got == want : std::fabs(got - want) <= abs_tol + rel_tol * std::fabs(want)))
		return ::testing::AssertionSuccess();
	return ::testing::AssertionFailure() << "got " << got << " want " << want;
}

// ---- f32 ----
const char *kFloat32Shader = R"(#version 450
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { vec4 a[]; } inp;
layout(std430, set = 0, binding = 1) buffer Out { float r[]; } outp;
uint k;
void put(float x) { outp.r[k++] = x; }
void put3(vec3 v) { put(v.x); put(v.y); put(v.z); }
void main()
{
	uint i = gl_GlobalInvocationID.x;
	k = i * 64u;
	vec4 v = inp.a[i];
	float x = v.x, y = v.y, z = v.z;
	put(sinh(x)); put(cosh(x)); put(tanh(x * 3.0));
	put(asinh(x * 5.0)); put(acosh(1.0 + abs(y) * 4.0)); put(atanh(clamp(z, -0.95, 0.95)));
	vec3 n = normalize(vec3(x, y, 1.0)), iv = normalize(vec3(y, z, -1.0));
	put3(faceforward(n, iv, vec3(z, x, y)));
	put3(reflect(iv, n));
	put3(refract(iv, n, 0.6 + abs(z) * 0.8));
	float ip;
	put(modf(x * 7.0, ip)); put(ip);
	int e;
	put(frexp(y * 1000.0, e)); put(float(e));
	put(ldexp(x, int(i % 20u) - 10)); put(fma(x, y, z));
	mat2 m2 = mat2(2.0 + x, y, z, 2.0 - x);
	mat2 i2 = inverse(m2);
	put(i2[0][0]); put(i2[0][1]); put(i2[1][0]); put(i2[1][1]); put(determinant(m2));
	mat3 m3 = mat3(3.0 + x, y, z, z, 3.0 - y, x, y, x, 3.0 + z);
	mat3 i3 = inverse(m3);
	for (int c = 0; c < 3; c++) for (int r = 0; r < 3; r++) put(i3[c][r]);
	put(determinant(m3));
	mat4 m4 = mat4(4.0 + x, y, z, x * y, z, 4.0 - y, x, y * z, y, x, 4.0 + z, x - y, z * x, y + z, x, 4.0 - z);
	mat4 i4 = inverse(m4);
	for (int c = 0; c < 4; c++) for (int r = 0; r < 4; r++) put(i4[c][r]);
	put(determinant(m4));
}
)";

struct M {
	int n;
	double a[4][4];   // [col][row]
};
double det(const M &m)
{
	if (m.n == 1)
		return m.a[0][0];
	double d = 0;
	for (int r = 0; r < m.n; r++) {
		M s{m.n - 1, {}};
		for (int c = 1; c < m.n; c++)
			for (int rr = 0, k = 0; rr < m.n; rr++)
				if (rr != r)
					s.a[c - 1][k++] = m.a[c][rr];
		d += (r % 2 ? -1 : 1) * m.a[0][r] * det(s);
	}
	return d;
}
M inverse(const M &m)
{
	M inv{m.n, {}};
	const double d = det(m);
	for (int c = 0; c < m.n; c++)
		for (int r = 0; r < m.n; r++) {
			// inverse[c][r] = cofactor(r, c) / det: the minor without column r and row c.
			M s{m.n - 1, {}};
			for (int cc = 0, kc = 0; cc < m.n; cc++) {
				if (cc == r)
					continue;
				for (int rr = 0, kr = 0; rr < m.n; rr++)
					if (rr != c)
						s.a[kc][kr++] = m.a[cc][rr];
				kc++;
			}
			inv.a[c][r] = ((r + c) % 2 ? -1 : 1) * (m.n == 1 ? 1.0 : det(s)) / d;
		}
	return inv;
}

std::vector<double> float_reference(double x, double y, double z, uint32_t i, bool f64)
{
	std::vector<double> e;
	auto put3 = [&](const double v[3]) { e.insert(e.end(), v, v + 3); };
	if (f64) {   // the hyperbolic functions are 16/32-bit only: other functions in their places
		e.push_back(std::sqrt(std::fabs(x)));
		e.push_back(1 / std::sqrt(std::fabs(y) + 0.5));
		e.push_back(std::floor(x * 10));
		e.push_back(y * 10 - std::floor(y * 10));
		e.push_back(std::nearbyint(z * 10));
		e.push_back(x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0);
	} else {
		e.push_back(std::sinh(x));
		e.push_back(std::cosh(x));
		e.push_back(std::tanh(x * 3));
		e.push_back(std::asinh(x * 5));
		e.push_back(std::acosh(1 + std::fabs(y) * 4));
		e.push_back(std::atanh(std::clamp(z, -0.95, 0.95)));
	}
	auto norm = [](double a, double b, double c, double o[3]) {
		double l = std::sqrt(a * a + b * b + c * c);
		o[0] = a / l, o[1] = b / l, o[2] = c / l;
	};
	double n[3], iv[3], nref[3] = {z, x, y};
	norm(x, y, 1, n);
	norm(y, z, -1, iv);
	auto dot = [](const double *a, const double *b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; };
	double ff[3], rf[3], rr[3];
	for (int c = 0; c < 3; c++)
		ff[c] = dot(nref, iv) < 0 ? n[c] : -n[c];
	put3(ff);
	for (int c = 0; c < 3; c++)
		rf[c] = iv[c] - 2 * dot(n, iv) * n[c];
	put3(rf);
	const double eta = f64 ? 0.6 + std::fabs(z) * 0.8 : (double)(0.6f + std::fabs((float)z) * 0.8f);
	const double ni = dot(n, iv), kk = 1 - eta * eta * (1 - ni * ni);
	for (int c = 0; c < 3; c++)
		rr[c] = kk < 0 ? 0 : eta * iv[c] - (eta * ni + std::sqrt(kk)) * n[c];
	put3(rr);
	double ip;
	// the products are rounded to the shader's precision before modf/frexp see them
	auto rnd = [&](double v) { return f64 ? v : (double)(float)v; };
	double fr = std::modf(rnd(x * 7), &ip);
	e.push_back(fr);
	e.push_back(ip);
	int ex;
	e.push_back(std::frexp(rnd(y * 1000), &ex));
	e.push_back(ex);
	e.push_back(std::ldexp(x, (int)(i % 20) - 10));
	e.push_back(x * y + z);
	M m2{2, {{2 + x, y}, {z, 2 - x}}};
	M i2 = inverse(m2);
	e.insert(e.end(), {i2.a[0][0], i2.a[0][1], i2.a[1][0], i2.a[1][1], det(m2)});
	M m3{3, {{3 + x, y, z}, {z, 3 - y, x}, {y, x, 3 + z}}};
	M i3 = inverse(m3);
	for (int c = 0; c < 3; c++)
		for (int r = 0; r < 3; r++)
			e.push_back(i3.a[c][r]);
	e.push_back(det(m3));
	M m4{4, {{4 + x, y, z, x * y}, {z, 4 - y, x, y * z}, {y, x, 4 + z, x - y}, {z * x, y + z, x, 4 - z}}};
	M i4 = inverse(m4);
	for (int c = 0; c < 4; c++)
		for (int r = 0; r < 4; r++)
			e.push_back(i4.a[c][r]);
	e.push_back(det(m4));
	return e;
}

// Which results are exact (modf, frexp, ldexp: bit-exact) and which get the tolerance.
// 0-5 hyperbolic, 6-14 faceforward/reflect/refract, 15-16 modf, 17-18 frexp, 19 ldexp, 20 fma.
bool exact_index(size_t k) { return k >= 15 && k <= 18; }

TEST(GlslStd450, Float32EveryFunction)
{
	const uint32_t kF32Points = 256;   // 4 workgroups
	std::vector<uint32_t> in(4 * kF32Points);
	uint32_t seed = 5;
	for (uint32_t &x : in)
		x = f2u(((float)(lcg(seed) >> 8) / (float)(1u << 24)) * 2.0f - 1.0f);
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(2);
		b[0].data = in;
		b[1].data.assign(64 * kF32Points, 0);
		return b;
	};
	static const char *kNames[6] = {"sinh", "cosh", "tanh", "asinh", "acosh", "atanh"};
	run_everywhere(glsl_for(kFloat32Shader, "vulkan1.2"), make, {}, kF32Points / 64, [&](const std::vector<Buffer> &b, const std::string &where) {
		double max_abs[6] = {}, max_rel[6] = {};
		for (uint32_t i = 0; i < kF32Points; i++) {
			const float x = u2f(in[4 * i]), y = u2f(in[4 * i + 1]), z = u2f(in[4 * i + 2]);
			std::vector<double> e = float_reference(x, y, z, i, false);
			for (int k = 0; k < 6; k++) {
				const double err = std::fabs(u2f(b[1].data[64 * i + k]) - e[k]);
				max_abs[k] = std::max(max_abs[k], err);
				max_rel[k] = std::max(max_rel[k], err / std::max(std::fabs(e[k]), 1e-30));
			}
		}
		if (where == "r2/perf")
			for (int k = 0; k < 6; k++)
				printf("%s: max abs error %.2g, max rel error %.2g over %u points\n", kNames[k], max_abs[k], max_rel[k], kF32Points);
		for (uint32_t i = 0; i < kF32Points; i++) {
			const float x = u2f(in[4 * i]), y = u2f(in[4 * i + 1]), z = u2f(in[4 * i + 2]);
			std::vector<double> e = float_reference(x, y, z, i, false);
			for (size_t k = 0; k < e.size(); k++) {
				const double got = u2f(b[1].data[64 * i + k]);
				if (k == 19)   // ldexp: exact
					ASSERT_EQ(got, (double)std::ldexp(x, (int)(i % 20) - 10)) << where << " lane " << i;
				else if (k == 20)   // fma: correctly rounded
					ASSERT_EQ((float)got, std::fma(x, y, z)) << where << " lane " << i;
				else if (exact_index(k))
					ASSERT_EQ(got, (double)(float)e[k]) << where << " lane " << i << " result " << k;
				else
					ASSERT_TRUE(close(got, e[k], 2e-4, 2e-5)) << where << " lane " << i << " result " << k << " x=" << x << " y=" << y << " z=" << z;
			}
		}
	});
}

const char *kFloat64Shader = R"(#version 450
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { dvec4 a[]; } inp;
layout(std430, set = 0, binding = 1) buffer Out { double r[]; } outp;
uint k;
void put(double x) { outp.r[k++] = x; }
void put3(dvec3 v) { put(v.x); put(v.y); put(v.z); }
void main()
{
	uint i = gl_GlobalInvocationID.x;
	k = i * 64u;
	dvec4 v = inp.a[i];
	double x = v.x, y = v.y, z = v.z;
	put(sqrt(abs(x))); put(inversesqrt(abs(y) + 0.5lf)); put(floor(x * 10.0lf));
	put(fract(y * 10.0lf)); put(roundEven(z * 10.0lf)); put(sign(x));
	dvec3 n = normalize(dvec3(x, y, 1.0lf)), iv = normalize(dvec3(y, z, -1.0lf));
	put3(faceforward(n, iv, dvec3(z, x, y)));
	put3(reflect(iv, n));
	put3(refract(iv, n, 0.6lf + abs(z) * 0.8lf));
	double ip;
	put(modf(x * 7.0lf, ip)); put(ip);
	int e;
	put(frexp(y * 1000.0lf, e)); put(double(e));
	put(ldexp(x, int(i % 20u) - 10)); put(fma(x, y, z));
	dmat2 m2 = dmat2(2.0lf + x, y, z, 2.0lf - x);
	dmat2 i2 = inverse(m2);
	put(i2[0][0]); put(i2[0][1]); put(i2[1][0]); put(i2[1][1]); put(determinant(m2));
	dmat3 m3 = dmat3(3.0lf + x, y, z, z, 3.0lf - y, x, y, x, 3.0lf + z);
	dmat3 i3 = inverse(m3);
	for (int c = 0; c < 3; c++) for (int r = 0; r < 3; r++) put(i3[c][r]);
	put(determinant(m3));
	dmat4 m4 = dmat4(4.0lf + x, y, z, x * y, z, 4.0lf - y, x, y * z, y, x, 4.0lf + z, x - y, z * x, y + z, x, 4.0lf - z);
	dmat4 i4 = inverse(m4);
	for (int c = 0; c < 4; c++) for (int r = 0; r < 4; r++) put(i4[c][r]);
	put(determinant(m4));
}
)";

double u2d(const std::vector<uint32_t> &d, size_t k) { return std::bit_cast<double>((uint64_t)d[2 * k] | ((uint64_t)d[2 * k + 1] << 32)); }

TEST(GlslStd450, Float64EveryFunction)
{
	std::vector<uint32_t> in(8 * kLanes);
	uint32_t seed = 17;
	for (uint32_t l = 0; l < 4 * kLanes; l++) {
		double v = ((double)lcg(seed) / 4294967296.0 + (double)lcg(seed) / 18446744073709551616.0) * 2.0 - 1.0;
		uint64_t b = std::bit_cast<uint64_t>(v);
		in[2 * l] = (uint32_t)b;
		in[2 * l + 1] = (uint32_t)(b >> 32);
	}
	// lane 0: a denormal for frexp (y * 1000 stays denormal), lane 1: zero
	auto put_in = [&](uint32_t l, double v) {
		uint64_t b = std::bit_cast<uint64_t>(v);
		in[2 * l] = (uint32_t)b;
		in[2 * l + 1] = (uint32_t)(b >> 32);
	};
	put_in(1, 1e-312);
	put_in(5, 0.0);
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(2);
		b[0].data = in;
		b[1].data.assign(128 * kLanes, 0);
		return b;
	};
	run_everywhere(glsl_for(kFloat64Shader, "vulkan1.2"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < kLanes; i++) {
			const double x = u2d(in, 4 * i), y = u2d(in, 4 * i + 1), z = u2d(in, 4 * i + 2);
			std::vector<double> e = float_reference(x, y, z, i, true);
			for (size_t k = 0; k < e.size(); k++) {
				const double got = u2d(b[1].data, 64 * i + k);
				if (k == 19)
					ASSERT_EQ(got, std::ldexp(x, (int)(i % 20) - 10)) << where << " lane " << i;
				else if (k == 20)
					ASSERT_EQ(got, std::fma(x, y, z)) << where << " lane " << i;
				else if (exact_index(k) || (k >= 2 && k <= 5))
					ASSERT_EQ(got, e[k]) << where << " lane " << i << " result " << k << " x=" << x << " y=" << y;
				else
					ASSERT_TRUE(close(got, e[k], 1e-12, 1e-13)) << where << " lane " << i << " result " << k;
			}
		}
	});
}

// Frexp/ldexp at the edges of f64: denormals, zero, the largest finite value, results that
// overflow or underflow.
TEST(GlslStd450, Float64FrexpLdexpEdges)
{
	const char *src = R"(#version 450
layout(local_size_x = 16) in;
layout(std430, set = 0, binding = 0) buffer B { double x[16]; int n[16]; double m[16]; int e[16]; double l[16]; } b;
void main()
{
	uint i = gl_LocalInvocationID.x;
	int e;
	b.m[i] = frexp(b.x[i], e);
	b.e[i] = e;
	b.l[i] = ldexp(b.x[i], b.n[i]);
}
)";
	const double xs[16] = {1e-310, -4.9e-324, 0.0, -0.0, 1.7976931348623157e308, 1.0, -3.5, 1e300,
	                       1e-300, 2.2250738585072014e-308, 0.75, 1e-320, 123456.789, -1e-200, 5.0, 1.0};
	const int ns[16] = {1074, 3000, 5, -7, -2098, 1023, -1075, 100, -900, 60, -1074, 1100, -2000, 2000, -3000, 1024};
	auto make = [&] {
		std::vector<Buffer> bufs = bound_buffers(1);
		std::vector<uint32_t> &d = bufs[0].data;
		d.assign(32 + 16 + 32 + 16 + 32, 0);
		for (int i = 0; i < 16; i++) {
			uint64_t v = std::bit_cast<uint64_t>(xs[i]);
			d[2 * i] = (uint32_t)v;
			d[2 * i + 1] = (uint32_t)(v >> 32);
			d[32 + i] = (uint32_t)ns[i];
		}
		return bufs;
	};
	run_everywhere(glsl_for(src, "vulkan1.2"), make, {}, 1, [&](const std::vector<Buffer> &bufs, const std::string &where) {
		const std::vector<uint32_t> &d = bufs[0].data;
		for (int i = 0; i < 16; i++) {
			int ex;
			double m = std::frexp(xs[i], &ex);
			EXPECT_EQ(std::bit_cast<uint64_t>(u2d(d, 24 + i)), std::bit_cast<uint64_t>(m)) << where << " frexp " << xs[i];
			EXPECT_EQ((int)d[80 + i], ex) << where << " frexp exponent " << xs[i];
			EXPECT_EQ(u2d(d, 48 + i), std::ldexp(xs[i], ns[i])) << where << " ldexp " << xs[i] << ", " << ns[i];
		}
	});
}

} // namespace

namespace {

// NMin/NMax/NClamp (glslang does not emit them): a NaN operand gives the other operand;
// NClamp(NaN, lo, hi) = lo.
const char *kNMinMax = R"(
               OpCapability Shader
       %glsl = OpExtInstImport "GLSL.std.450"
               OpMemoryModel Logical GLSL450
               OpEntryPoint GLCompute %main "main" %gid %buf
               OpExecutionMode %main LocalSize 64 1 1
               OpDecorate %gid BuiltIn GlobalInvocationId
               OpDecorate %rt ArrayStride 4
               OpMemberDecorate %blk 0 Offset 0
               OpDecorate %blk Block
               OpDecorate %buf DescriptorSet 0
               OpDecorate %buf Binding 0
       %void = OpTypeVoid
         %fn = OpTypeFunction %void
      %float = OpTypeFloat 32
       %uint = OpTypeInt 32 0
      %uvec3 = OpTypeVector %uint 3
     %pinput = OpTypePointer Input %uvec3
        %gid = OpVariable %pinput Input
         %rt = OpTypeRuntimeArray %float
        %blk = OpTypeStruct %rt
       %pblk = OpTypePointer StorageBuffer %blk
        %buf = OpVariable %pblk StorageBuffer
       %pflt = OpTypePointer StorageBuffer %float
     %uint_0 = OpConstant %uint 0
     %uint_1 = OpConstant %uint 1
     %uint_2 = OpConstant %uint 2
     %uint_3 = OpConstant %uint 3
     %uint_4 = OpConstant %uint 4
     %uint_6 = OpConstant %uint 6
       %main = OpFunction %void None %fn
      %entry = OpLabel
        %g3 = OpLoad %uvec3 %gid
         %i = OpCompositeExtract %uint %g3 0
      %base = OpIMul %uint %i %uint_6
        %i1 = OpIAdd %uint %base %uint_1
        %i2 = OpIAdd %uint %base %uint_2
        %i3 = OpIAdd %uint %base %uint_3
        %i4 = OpIAdd %uint %base %uint_4
        %pa = OpAccessChain %pflt %buf %uint_0 %base
        %pb = OpAccessChain %pflt %buf %uint_0 %i1
        %pc = OpAccessChain %pflt %buf %uint_0 %i2
        %o0 = OpAccessChain %pflt %buf %uint_0 %i3
        %o1 = OpAccessChain %pflt %buf %uint_0 %i4
         %a = OpLoad %float %pa
         %b = OpLoad %float %pb
         %c = OpLoad %float %pc
        %mn = OpExtInst %float %glsl NMin %a %b
        %mx = OpExtInst %float %glsl NMax %a %b
        %cl = OpExtInst %float %glsl NClamp %a %b %c
               OpStore %o0 %mn
               OpStore %o1 %mx
               OpStore %pa %cl
               OpReturn
               OpFunctionEnd
)";

float nmin(float a, float b) { return std::isnan(a) ? b : std::isnan(b) ? a : std::min(a, b); }
float nmax(float a, float b) { return std::isnan(a) ? b : std::isnan(b) ? a : std::max(a, b); }

TEST(GlslStd450, NMinNMaxNClampWithNaNs)
{
	const uint32_t lanes = 64;
	const float nan = std::numeric_limits<float>::quiet_NaN();
	std::vector<float> in(6 * lanes, 0.0f);
	uint32_t seed = 21;
	for (uint32_t i = 0; i < lanes; i++) {
		auto r = [&] { return (float)(int)(lcg(seed) % 2001) / 100.0f - 10.0f; };
		float a = r(), b = r(), c = r();
		if (b > c)
			std::swap(b, c);
		if (i % 4 == 1)
			a = nan;
		if (i % 8 == 2)
			b = nan;   // NMin/NMax with a NaN second operand (NClamp bounds stay numbers below)
		in[6 * i] = a;
		in[6 * i + 1] = b;
		in[6 * i + 2] = c;
	}
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(1);
		for (float f : in)
			b[0].data.push_back(f2u(f));
		return b;
	};
	run_everywhere(assemble(kNMinMax), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < lanes; i++) {
			const float a = in[6 * i], lo = in[6 * i + 1], hi = in[6 * i + 2];
			EXPECT_EQ(f2u(u2f(b[0].data[6 * i + 3])), f2u(nmin(a, lo))) << where << " NMin lane " << i;
			EXPECT_EQ(f2u(u2f(b[0].data[6 * i + 4])), f2u(nmax(a, lo))) << where << " NMax lane " << i;
			if (!std::isnan(lo)) {
				EXPECT_EQ(f2u(u2f(b[0].data[6 * i])), f2u(nmin(nmax(a, lo), hi))) << where << " NClamp lane " << i;
			}
		}
	});
}

} // namespace

namespace {

// 16-bit floats and 8/16-bit integers: the same functions on the narrow types (computed in f32 /
// 32 bits and rounded), compared with the f32 / exact host results.
const char *kNarrowShader = R"(#version 450
#extension GL_EXT_shader_explicit_arithmetic_types : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { vec4 a[]; } inp;
layout(std430, set = 0, binding = 1) buffer Out { float r[]; } outp;
layout(std430, set = 0, binding = 2) buffer IOut { int ir[]; } iout;
uint k;
void put(float16_t x) { outp.r[k++] = float(x); }
void main()
{
	uint i = gl_GlobalInvocationID.x;
	k = i * 32u;
	vec4 v = inp.a[i];
	float16_t x = float16_t(v.x), y = float16_t(v.y), z = float16_t(v.z);
	put(sinh(x)); put(tanh(x)); put(asinh(x)); put(atanh(z * float16_t(0.9)));
	f16vec3 n = normalize(f16vec3(x, y, float16_t(1.0))), iv = normalize(f16vec3(y, z, float16_t(-1.0)));
	f16vec3 rf = reflect(iv, n);
	put(rf.x); put(rf.y); put(rf.z);
	f16vec3 rr = refract(iv, n, float16_t(0.75));
	put(rr.x); put(rr.y); put(rr.z);
	float16_t ip;
	put(modf(x * float16_t(7.0), ip)); put(ip);
	int e;
	put(frexp(y * float16_t(100.0), e)); put(float16_t(e));
	put(ldexp(x, int(i % 8u) - 4)); put(fma(x, y, z));
	f16mat2 m2 = f16mat2(float16_t(2.0) + x, y, z, float16_t(2.0) - x);
	f16mat2 i2 = inverse(m2);
	put(i2[0][0]); put(i2[0][1]); put(i2[1][0]); put(i2[1][1]);
	int8_t a8 = int8_t(int(v.w * 127.0)), b8 = int8_t(int(v.x * 127.0));
	int16_t a16 = int16_t(int(v.w * 30000.0)), b16 = int16_t(int(v.y * 30000.0));
	uint8_t u8 = uint8_t(a8), w8 = uint8_t(b8);
	uint b = i * 16u;
	iout.ir[b + 0u] = int(abs(a8)); iout.ir[b + 1u] = int(sign(a8)); iout.ir[b + 2u] = int(min(a8, b8));
	iout.ir[b + 3u] = int(max(a8, b8)); iout.ir[b + 4u] = int(clamp(a8, int8_t(-20), int8_t(30)));
	iout.ir[b + 5u] = int(abs(a16)); iout.ir[b + 6u] = int(sign(a16)); iout.ir[b + 7u] = int(min(a16, b16));
	iout.ir[b + 8u] = int(max(a16, b16)); iout.ir[b + 9u] = int(clamp(a16, int16_t(-1000), int16_t(2000)));
	iout.ir[b + 10u] = int(min(u8, w8)); iout.ir[b + 11u] = int(max(u8, w8));
	iout.ir[b + 12u] = int(clamp(u8, uint8_t(50), uint8_t(200)));
}
)";

TEST(GlslStd450, Float16AndNarrowIntegers)
{
	const uint32_t lanes = 64;
	std::vector<uint32_t> in(4 * lanes);
	uint32_t seed = 31;
	for (uint32_t &x : in)
		x = f2u(((float)(lcg(seed) >> 8) / (float)(1u << 24)) * 2.0f - 1.0f);
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(3);
		b[0].data = in;
		b[1].data.assign(32 * lanes, 0);
		b[2].data.assign(16 * lanes, 0);
		return b;
	};
	auto h = [](float f) { return round_to_f16(f); };
	run_everywhere(glsl_for(kNarrowShader, "vulkan1.2"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < lanes; i++) {
			const float fw = u2f(in[4 * i + 3]);
			const double x = h(u2f(in[4 * i])), y = h(u2f(in[4 * i + 1])), z = h(u2f(in[4 * i + 2]));
			std::vector<double> e = {std::sinh(x), std::tanh(x), std::asinh(x), std::atanh(h((float)(z * h(0.9f))))};
			double n[3] = {x, y, 1}, iv[3] = {y, z, -1};
			auto norm = [](double *v) {
				double l = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
				for (int c = 0; c < 3; c++)
					v[c] /= l;
			};
			norm(n);
			norm(iv);
			const double d = n[0] * iv[0] + n[1] * iv[1] + n[2] * iv[2];
			for (int c = 0; c < 3; c++)
				e.push_back(iv[c] - 2 * d * n[c]);
			const double kk = 1 - 0.75 * 0.75 * (1 - d * d);
			for (int c = 0; c < 3; c++)
				e.push_back(kk < 0 ? 0 : 0.75 * iv[c] - (0.75 * d + std::sqrt(kk)) * n[c]);
			double ip, fr = std::modf(h((float)(x * 7)), &ip);
			e.push_back(fr);
			e.push_back(ip);
			int ex;
			e.push_back(std::frexp(h((float)(y * 100)), &ex));
			e.push_back(ex);
			e.push_back(std::ldexp(x, (int)(i % 8) - 4));
			e.push_back(x * y + z);
			const double det = (2 + x) * (2 - x) - z * y;
			e.insert(e.end(), {(2 - x) / det, -y / det, -z / det, (2 + x) / det});
			for (size_t k = 0; k < e.size(); k++) {
				const double got = u2f(b[1].data[32 * i + k]);
				const bool exact = k >= 10 && k <= 14;   // modf, frexp, ldexp
				if (exact)
					ASSERT_EQ(got, h((float)e[k])) << where << " lane " << i << " result " << k;
				else   // f16: 2^-10 relative for the arithmetic, more for the composite functions
					ASSERT_TRUE(close(got, e[k], 8e-3, 4e-3)) << where << " lane " << i << " result " << k;
			}
			const int a8 = (int8_t)(int)(fw * 127.0f), b8 = (int8_t)(int)(u2f(in[4 * i]) * 127.0f);
			const int a16 = (int16_t)(int)(fw * 30000.0f), b16 = (int16_t)(int)(u2f(in[4 * i + 1]) * 30000.0f);
			const int u8 = (uint8_t)a8, w8 = (uint8_t)b8;
			const int want[13] = {std::abs(a8), (a8 > 0) - (a8 < 0), std::min(a8, b8), std::max(a8, b8), std::clamp(a8, -20, 30),
			                      std::abs(a16), (a16 > 0) - (a16 < 0), std::min(a16, b16), std::max(a16, b16),
			                      std::clamp(a16, -1000, 2000), std::min(u8, w8), std::max(u8, w8), std::clamp(u8, 50, 200)};
			for (int k = 0; k < 13; k++)
				ASSERT_EQ((int)b[2].data[16 * i + k], want[k]) << where << " lane " << i << " integer result " << k;
		}
	});
}

} // namespace

namespace {

// Frexp and Modf with their second result through a pointer to a function-scope variable (what
// glslang emitted for frexp before it used FrexpStruct) and to a storage buffer element.
const char *kOutParams = R"(
               OpCapability Shader
       %glsl = OpExtInstImport "GLSL.std.450"
               OpMemoryModel Logical GLSL450
               OpEntryPoint GLCompute %main "main" %gid %buf
               OpExecutionMode %main LocalSize 64 1 1
               OpDecorate %gid BuiltIn GlobalInvocationId
               OpDecorate %rt ArrayStride 4
               OpMemberDecorate %blk 0 Offset 0
               OpDecorate %blk Block
               OpDecorate %buf DescriptorSet 0
               OpDecorate %buf Binding 0
       %void = OpTypeVoid
         %fn = OpTypeFunction %void
      %float = OpTypeFloat 32
        %int = OpTypeInt 32 1
       %uint = OpTypeInt 32 0
      %uvec3 = OpTypeVector %uint 3
     %pinput = OpTypePointer Input %uvec3
        %gid = OpVariable %pinput Input
         %rt = OpTypeRuntimeArray %uint
        %blk = OpTypeStruct %rt
       %pblk = OpTypePointer StorageBuffer %blk
        %buf = OpVariable %pblk StorageBuffer
      %puint = OpTypePointer StorageBuffer %uint
      %pfint = OpTypePointer Function %int
    %pfloat = OpTypePointer Function %float
     %uint_0 = OpConstant %uint 0
     %uint_1 = OpConstant %uint 1
     %uint_2 = OpConstant %uint 2
     %uint_3 = OpConstant %uint 3
     %uint_4 = OpConstant %uint 4
       %main = OpFunction %void None %fn
      %entry = OpLabel
         %ev = OpVariable %pfint Function
         %wv = OpVariable %pfloat Function
         %g3 = OpLoad %uvec3 %gid
          %i = OpCompositeExtract %uint %g3 0
       %base = OpIMul %uint %i %uint_4
         %i1 = OpIAdd %uint %base %uint_1
         %i2 = OpIAdd %uint %base %uint_2
         %i3 = OpIAdd %uint %base %uint_3
         %p0 = OpAccessChain %puint %buf %uint_0 %base
         %p1 = OpAccessChain %puint %buf %uint_0 %i1
         %p2 = OpAccessChain %puint %buf %uint_0 %i2
         %p3 = OpAccessChain %puint %buf %uint_0 %i3
         %xb = OpLoad %uint %p0
          %x = OpBitcast %float %xb
          %m = OpExtInst %float %glsl Frexp %x %ev
          %e = OpLoad %int %ev
         %fr = OpExtInst %float %glsl Modf %x %wv
          %w = OpLoad %float %wv
         %mb = OpBitcast %uint %m
         %eb = OpBitcast %uint %e
         %fb = OpBitcast %uint %fr
         %wb = OpBitcast %uint %w
               OpStore %p0 %mb
               OpStore %p1 %eb
               OpStore %p2 %fb
               OpStore %p3 %wb
               OpReturn
               OpFunctionEnd
)";

TEST(GlslStd450, FrexpAndModfThroughPointers)
{
	const uint32_t lanes = 64;
	std::vector<float> xs(lanes);
	uint32_t seed = 77;
	for (uint32_t i = 0; i < lanes; i++)
		xs[i] = ((float)(int)(lcg(seed) % 200001) - 100000.0f) / 64.0f;
	xs[0] = 0.0f;
	xs[1] = -3.0f;
	xs[2] = std::numeric_limits<float>::infinity();
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(1);
		b[0].data.assign(4 * lanes, 0);
		for (uint32_t i = 0; i < lanes; i++)
			b[0].data[4 * i] = f2u(xs[i]);
		return b;
	};
	run_everywhere(assemble(kOutParams), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < lanes; i++) {
			int e = 0;
			float m = std::frexp(xs[i], &e);
			if (std::isinf(xs[i]))
				e = 0;   // the exponent of inf is undefined; Mica returns 0
			float w, fr = std::modf(xs[i], &w);
			EXPECT_EQ(b[0].data[4 * i], f2u(m)) << where << " frexp mantissa of " << xs[i];
			EXPECT_EQ((int)b[0].data[4 * i + 1], e) << where << " frexp exponent of " << xs[i];
			EXPECT_EQ(b[0].data[4 * i + 2], f2u(fr)) << where << " modf fraction of " << xs[i];
			EXPECT_EQ(b[0].data[4 * i + 3], f2u(w)) << where << " modf whole part of " << xs[i];
		}
	});
}

} // namespace

namespace {

// Vector forms: modf/frexp of vec3 and dvec2 (struct results with vector members), ldexp with an
// ivec3 exponent, NaN/inf/-0 through modf.
const char *kVectorForms = R"(#version 450
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { vec4 a[]; } inp;
layout(std430, set = 0, binding = 1) buffer Out { vec4 f[]; } o;
layout(std430, set = 0, binding = 2) buffer OutD { dvec2 d[]; } od;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	vec3 x = inp.a[i].xyz;
	vec3 w;
	o.f[5u * i] = vec4(modf(x, w), 0.0);
	o.f[5u * i + 1u] = vec4(w, 0.0);
	ivec3 e;
	o.f[5u * i + 2u] = vec4(frexp(x, e), 0.0);
	o.f[5u * i + 3u] = vec4(vec3(e), 0.0);
	o.f[5u * i + 4u] = vec4(ldexp(x, ivec3(int(i % 7u) - 3, -int(i % 5u), int(i % 3u))), 0.0);
	dvec2 dx = dvec2(x.xy) * 1e10lf, dw;
	od.d[2u * i] = modf(dx, dw);
	od.d[2u * i + 1u] = dw;
}
)";

TEST(GlslStd450, VectorFormsOfModfFrexpLdexp)
{
	const uint32_t lanes = 64;
	std::vector<float> in(4 * lanes);
	uint32_t seed = 41;
	for (float &v : in)
		v = ((float)(int)(lcg(seed) % 2000001) - 1000000.0f) / 1000.0f;
	in[0] = std::numeric_limits<float>::infinity();
	in[1] = -0.0f;
	in[2] = -5.0f;
	in[4] = -std::numeric_limits<float>::infinity();
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(3);
		for (float v : in)
			b[0].data.push_back(f2u(v));
		b[1].data.assign(20 * lanes, 0);
		b[2].data.assign(8 * lanes, 0);
		return b;
	};
	run_everywhere(glsl_for(kVectorForms, "vulkan1.2"), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < lanes; i++) {
			const int ex[3] = {(int)(i % 7) - 3, -(int)(i % 5), (int)(i % 3)};
			for (uint32_t c = 0; c < 3; c++) {
				const float x = in[4 * i + c];
				float w, fr = std::modf(x, &w);
				int e;
				float m = std::frexp(x, &e);
				if (std::isinf(x))
					e = 0;
				auto at = [&](uint32_t row) { return b[1].data[4 * (5 * i + row) + c]; };
				EXPECT_EQ(at(0), f2u(fr)) << where << " modf fraction of " << x;
				EXPECT_EQ(at(1), f2u(w)) << where << " modf whole of " << x;
				EXPECT_EQ(at(2), f2u(m)) << where << " frexp of " << x;
				EXPECT_EQ(u2f(at(3)), (float)e) << where << " frexp exponent of " << x;
				EXPECT_EQ(at(4), f2u(std::ldexp(x, ex[c]))) << where << " ldexp of " << x;
			}
			for (uint32_t c = 0; c < 2; c++) {
				const double dx = (double)in[4 * i + c] * 1e10;
				double w, fr = std::modf(dx, &w);
				auto at = [&](uint32_t row) {
					const uint32_t k = 4 * (2 * i + row) + 2 * c;
					return (uint64_t)b[2].data[k] | ((uint64_t)b[2].data[k + 1] << 32);
				};
				EXPECT_EQ(at(0), std::bit_cast<uint64_t>(fr)) << where << " dvec modf fraction of " << dx;
				EXPECT_EQ(at(1), std::bit_cast<uint64_t>(w)) << where << " dvec modf whole of " << dx;
			}
		}
	});
}

} // namespace
