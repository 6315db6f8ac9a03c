// Explicit layouts: RowMajor / ColMajor / MatrixStride through arrays and nested structs,
// std140 / std430 / scalar offsets and ArrayStride, in storage, uniform and push-constant blocks,
// loads and stores (whole matrices, columns, elements, dynamic indices). Source buffers hold
// float(dword index) + 1000 * binding, so every loaded value says where it was read from; the
// expected offsets are computed here by the layout rules (GLSL 4.60 7.6.2.2, Vulkan 15.6.4), not
// taken from the compiler.
#include "spec_util.h"

using namespace mica::compiler;
using namespace mica::compiler::spectest;

namespace {

const char *kLoadShader = R"(#version 450
#extension GL_EXT_scalar_block_layout : require
layout(local_size_x = 4) in;
struct Inner { float a; mat2x3 m; vec3 v; };
struct Outer { Inner in_[2]; mat3 c; };
layout(std430, set = 0, binding = 0) buffer Src {
	layout(row_major) mat3x4 rm[3]; layout(row_major) Outer o[2]; mat4x3 cm[2]; layout(column_major) Inner ci;
} src;
layout(std140, set = 0, binding = 1) uniform U { layout(row_major) mat3 urm[2]; layout(row_major) Inner ui; float tail; } u;
layout(scalar, set = 0, binding = 2) buffer S { vec3 p[3]; layout(row_major) mat2x3 sm; float last; } sc;
layout(std430, set = 0, binding = 3) buffer Dst { float r[]; } dst;
layout(push_constant, std430) uniform PC { layout(row_major) mat2 pm; vec2 pv; } pc;
uint k;
void put(float x) { dst.r[k++] = x; }
void main()
{
	uint i = gl_GlobalInvocationID.x;
	k = i * 128u;
	mat3x4 a = src.rm[i % 3u];
	for (int c = 0; c < 3; c++) for (int r = 0; r < 4; r++) put(a[c][r]);
	vec4 col = src.rm[1][i % 3u];
	for (int r = 0; r < 4; r++) put(col[r]);
	put(src.rm[2][i % 3u][(i + 1u) % 4u]);
	Inner in_ = src.o[i % 2u].in_[(i / 2u) % 2u];
	put(in_.a);
	for (int c = 0; c < 2; c++) for (int r = 0; r < 3; r++) put(in_.m[c][r]);
	for (int r = 0; r < 3; r++) put(in_.v[r]);
	mat3 cmat = src.o[1].c;
	for (int c = 0; c < 3; c++) for (int r = 0; r < 3; r++) put(cmat[c][r]);
	vec3 cc = src.cm[i % 2u][3];
	for (int r = 0; r < 3; r++) put(cc[r]);
	for (int c = 0; c < 2; c++) for (int r = 0; r < 3; r++) put(src.ci.m[c][r]);
	put(src.ci.m[i % 2u][(i + 1u) % 3u]);
	mat3 um = u.urm[i % 2u];
	for (int c = 0; c < 3; c++) for (int r = 0; r < 3; r++) put(um[c][r]);
	for (int c = 0; c < 2; c++) for (int r = 0; r < 3; r++) put(u.ui.m[c][r]);
	for (int r = 0; r < 3; r++) put(u.ui.v[r]);
	put(u.tail);
	vec3 ucol = u.urm[1][i % 3u];
	for (int r = 0; r < 3; r++) put(ucol[r]);
	vec3 p = sc.p[i % 3u];
	for (int r = 0; r < 3; r++) put(p[r]);
	for (int c = 0; c < 2; c++) for (int r = 0; r < 3; r++) put(sc.sm[c][r]);
	put(sc.last);
	for (int c = 0; c < 2; c++) for (int r = 0; r < 2; r++) put(pc.pm[c][r]);
	put(pc.pv.x); put(pc.pv.y);
	vec2 pcol = pc.pm[i % 2u];
	put(pcol.x); put(pcol.y);
	mat3x4 all[3] = src.rm;                 // a whole array of row-major matrices
	put(all[1][1][2]); put(all[2][2][3]);  // (constant indices: dynamically indexed locals are part A's)
	Outer whole = src.o[1];                 // a whole struct holding them in a nested array
	put(whole.in_[1].m[1][2]); put(whole.c[2][0]);
	put(float(k - i * 128u));
}
)";

// Byte offset -> expected value (dword index + 1000 * binding).
float at(uint32_t binding, uint32_t byte) { return (float)(byte / 4) + 1000.0f * (float)binding; }

std::vector<float> expected_loads(uint32_t i)
{
	std::vector<float> e;
	auto put = [&](uint32_t binding, uint32_t byte) { e.push_back(at(binding, byte)); };
	// Src (std430): rm[3] row-major mat3x4: 4 rows of vec3 (stride 16), 64 bytes each.
	auto rm = [](uint32_t m, uint32_t c, uint32_t r) { return 64 * m + 16 * r + 4 * c; };
	for (uint32_t c = 0; c < 3; c++)
		for (uint32_t r = 0; r < 4; r++)
			put(0, rm(i % 3, c, r));
	for (uint32_t r = 0; r < 4; r++)
		put(0, rm(1, i % 3, r));
	put(0, rm(2, i % 3, (i + 1) % 4));
	// Outer o[2] (row-major) at 192, stride 144: Inner in_[2] (stride 48: a 0, row-major mat2x3 m
	// at 8 with 3 rows of vec2 (stride 8), v at 32), row-major mat3 c at 96 (row stride 16).
	const uint32_t inner = 192 + 144 * (i % 2) + 48 * ((i / 2) % 2);
	put(0, inner);
	for (uint32_t c = 0; c < 2; c++)
		for (uint32_t r = 0; r < 3; r++)
			put(0, inner + 8 + 8 * r + 4 * c);
	for (uint32_t r = 0; r < 3; r++)
		put(0, inner + 32 + 4 * r);
	for (uint32_t c = 0; c < 3; c++)
		for (uint32_t r = 0; r < 3; r++)
			put(0, 192 + 144 + 96 + 16 * r + 4 * c);
	// cm[2] column-major mat4x3 at 480 (columns vec3, stride 16; 64 bytes each).
	for (uint32_t r = 0; r < 3; r++)
		put(0, 480 + 64 * (i % 2) + 16 * 3 + 4 * r);
	// ci (column-major Inner) at 608: m at 16, columns vec3 stride 16.
	for (uint32_t c = 0; c < 2; c++)
		for (uint32_t r = 0; r < 3; r++)
			put(0, 608 + 16 + 16 * c + 4 * r);
	put(0, 608 + 16 + 16 * (i % 2) + 4 * ((i + 1) % 3));
	// U (std140): urm[2] row-major mat3 (rows stride 16, 48 bytes); Inner ui at 96: a 96,
	// m at 112 (rows of vec2 rounded to 16), v at 160; tail at 176.
	for (uint32_t c = 0; c < 3; c++)
		for (uint32_t r = 0; r < 3; r++)
			put(1, 48 * (i % 2) + 16 * r + 4 * c);
	for (uint32_t c = 0; c < 2; c++)
		for (uint32_t r = 0; r < 3; r++)
			put(1, 112 + 16 * r + 4 * c);
	for (uint32_t r = 0; r < 3; r++)
		put(1, 160 + 4 * r);
	put(1, 176);
	for (uint32_t r = 0; r < 3; r++)
		put(1, 48 + 16 * r + 4 * (i % 3));
	// S (scalar): p[3] vec3 stride 12; sm row-major mat2x3 at 36, rows of vec2 stride 8; last 60.
	for (uint32_t r = 0; r < 3; r++)
		put(2, 12 * (i % 3) + 4 * r);
	for (uint32_t c = 0; c < 2; c++)
		for (uint32_t r = 0; r < 3; r++)
			put(2, 36 + 8 * r + 4 * c);
	put(2, 60);
	// Push constants (std430, binding "4" in the fill): pm row-major mat2 (rows stride 8), pv at 16.
	for (uint32_t c = 0; c < 2; c++)
		for (uint32_t r = 0; r < 2; r++)
			put(4, 8 * r + 4 * c);
	put(4, 16);
	put(4, 20);
	for (uint32_t r = 0; r < 2; r++)
		put(4, 8 * r + 4 * (i % 2));
	put(0, rm(1, 1, 2));
	put(0, rm(2, 2, 3));
	put(0, 192 + 144 + 48 + 8 + 8 * 2 + 4 * 1);
	put(0, 192 + 144 + 96 + 16 * 0 + 4 * 2);
	e.push_back((float)e.size());
	return e;
}

std::vector<uint32_t> filled(uint32_t binding, uint32_t dwords)
{
	std::vector<uint32_t> d(dwords);
	for (uint32_t k = 0; k < dwords; k++)
		d[k] = f2u(at(binding, 4 * k));
	return d;
}

void check_loads(const std::vector<uint32_t> &spv)
{
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(4);
		b[0].data = filled(0, 168);
		b[1].data = filled(1, 48);
		b[2].data = filled(2, 16);
		b[3].data.assign(4 * 128, 0);
		return b;
	};
	run_everywhere(spv, make, filled(4, 6), 1, [&](const std::vector<Buffer> &b, const std::string &where) {
		for (uint32_t i = 0; i < 4; i++) {
			std::vector<float> e = expected_loads(i);
			for (size_t k = 0; k < e.size(); k++)
				ASSERT_EQ(u2f(b[3].data[i * 128 + k]), e[k]) << where << " invocation " << i << " value " << k;
		}
	});
}

// For every target environment: the layouts are the same, the SPIR-V forms differ (BufferBlock
// up to 1.2, OpCopyLogical for whole-struct copies from 1.4, the entry point interface).
class LayoutTargets : public ::testing::TestWithParam<const char *> {};

TEST_P(LayoutTargets, LoadsThroughArraysNestedStructsAndEveryBlockLayout)
{
	check_loads(glsl_for(kLoadShader, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Layouts, LayoutTargets,
                         ::testing::Values("vulkan1.0", "vulkan1.1", "vulkan1.2", "vulkan1.3", "spirv1.0", "spirv1.1",
                                           "spirv1.2", "spirv1.3", "spirv1.4", "spirv1.5", "spirv1.6"),
                         [](const ::testing::TestParamInfo<const char *> &i) {
	                         std::string s = i.param;
	                         for (char &c : s)
		                         if (c == '.')
			                         c = '_';
	                         return s;
                         });

const char *kStoreShader = R"(#version 450
#extension GL_EXT_scalar_block_layout : require
layout(local_size_x = 4) in;
struct Inner { float a; mat2x3 m; vec3 v; };
layout(std430, set = 0, binding = 0) buffer D { layout(row_major) mat3x4 rm[4]; layout(row_major) Inner in_[4]; mat2x3 cm[4]; } d;
layout(scalar, set = 0, binding = 1) buffer S { vec3 p[4]; layout(row_major) mat2x3 sm[4]; } sc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	float b = float(i) * 100.0;
	d.rm[i] = mat3x4(b + 1.0, b + 2.0, b + 3.0, b + 4.0, b + 5.0, b + 6.0,
	                 b + 7.0, b + 8.0, b + 9.0, b + 10.0, b + 11.0, b + 12.0);
	d.rm[(i + 1u) % 4u][i % 3u][3] += 0.5;   // read-modify-write of one element of a row-major matrix
	d.in_[i].a = b + 20.0;
	d.in_[i].m = mat2x3(b + 21.0, b + 22.0, b + 23.0, b + 24.0, b + 25.0, b + 26.0);
	d.in_[i].m[1] = vec3(b + 31.0, b + 32.0, b + 33.0);
	d.in_[i].v = vec3(b + 40.0, b + 41.0, b + 42.0);
	d.cm[i] = mat2x3(b + 51.0, b + 52.0, b + 53.0, b + 54.0, b + 55.0, b + 56.0);
	sc.p[i] = vec3(b + 61.0, b + 62.0, b + 63.0);
	sc.sm[i] = mat2x3(b + 71.0, b + 72.0, b + 73.0, b + 74.0, b + 75.0, b + 76.0);
	sc.sm[i][0] = vec3(b + 81.0, b + 82.0, b + 83.0);
}
)";

TEST(Layouts, StoresOfRowMajorMatricesColumnsAndElements)
{
	for (const char *env : {"vulkan1.2", "vulkan1.0"}) {
		SCOPED_TRACE(env);
		auto make = [&] {
			std::vector<Buffer> b = bound_buffers(2);
			b[0].data.assign(256 + 48 + 128 / 4 * 4, 0);   // rm 4x64, in_ 4x48, cm 4x32 bytes
			b[1].data.assign(12 + 24, 0);                   // p 4x12, sm 4x24 bytes
			return b;
		};
		run_everywhere(glsl_for(kStoreShader, env), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
			std::vector<float> dm(b[0].data.size(), 0.0f), sm(b[1].data.size(), 0.0f);
			auto set = [](std::vector<float> &m, uint32_t byte, float v) { m.at(byte / 4) = v; };
			for (uint32_t i = 0; i < 4; i++) {
				const float base = (float)i * 100.0f;
				for (uint32_t c = 0; c < 3; c++)
					for (uint32_t r = 0; r < 4; r++)
						set(dm, 64 * i + 16 * r + 4 * c, base + 1.0f + (float)(4 * c + r));
			}
			for (uint32_t i = 0; i < 4; i++) {
				// Invocation i adds 0.5 to rm[(i+1)%4][i%3][3]; all stores of one instruction happen
				// before the next instruction's, so the matrix stores of every invocation are done.
				uint32_t m = (i + 1) % 4, c = i % 3;
				dm[(64 * m + 16 * 3 + 4 * c) / 4] += 0.5f;
			}
			for (uint32_t i = 0; i < 4; i++) {
				const float base = (float)i * 100.0f;
				const uint32_t in = 256 + 48 * i;
				set(dm, in, base + 20.0f);
				for (uint32_t r = 0; r < 3; r++) {
					set(dm, in + 8 + 8 * r + 0, base + 21.0f + (float)r);
					set(dm, in + 8 + 8 * r + 4, base + 31.0f + (float)r);
					set(dm, in + 32 + 4 * r, base + 40.0f + (float)r);
				}
				for (uint32_t c = 0; c < 2; c++)
					for (uint32_t r = 0; r < 3; r++)
						set(dm, 256 + 192 + 32 * i + 16 * c + 4 * r, base + 51.0f + (float)(3 * c + r));
				for (uint32_t r = 0; r < 3; r++) {
					set(sm, 12 * i + 4 * r, base + 61.0f + (float)r);
					set(sm, 48 + 24 * i + 8 * r + 0, base + 81.0f + (float)r);
					set(sm, 48 + 24 * i + 8 * r + 4, base + 74.0f + (float)r);
				}
			}
			for (size_t k = 0; k < dm.size(); k++)
				ASSERT_EQ(u2f(b[0].data[k]), dm[k]) << where << " D dword " << k;
			for (size_t k = 0; k < sm.size(); k++)
				ASSERT_EQ(u2f(b[1].data[k]), sm[k]) << where << " S dword " << k;
		});
	}
}

} // namespace

namespace {

// ArrayStride everywhere: std140 scalar/vec2/vec3 arrays (stride 16), arrays of structs, arrays
// of arrays, std430 vec3 arrays (stride 16) and scalar-layout vec3 arrays (stride 12), in
// uniform, storage and push-constant blocks, read with dynamic indices and written back.
const char *kStrideShader = R"(#version 450
#extension GL_EXT_scalar_block_layout : require
layout(local_size_x = 8) in;
struct S { float a; vec2 b; };
layout(std140, set = 0, binding = 0) uniform U { float fa[4]; vec2 va[3]; S sa[2]; float aa[2][3]; } u;
layout(std430, set = 0, binding = 1) buffer B { vec3 v3[4]; float fa[4]; S sa[2]; } sb;
layout(scalar, set = 0, binding = 2) buffer C { vec3 v3[4]; float tail; } sc;
layout(std430, set = 0, binding = 3) buffer Dst { float r[]; } dst;
layout(push_constant, std140) uniform PC { float fa[3]; vec3 v; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint k = i * 32u;
	dst.r[k++] = u.fa[i % 4u];
	vec2 v2 = u.va[i % 3u]; dst.r[k++] = v2.x; dst.r[k++] = v2.y;
	S s = u.sa[i % 2u]; dst.r[k++] = s.a; dst.r[k++] = s.b.y;
	dst.r[k++] = u.aa[i % 2u][(i + 1u) % 3u];
	vec3 a3 = sb.v3[i % 4u]; dst.r[k++] = a3.x; dst.r[k++] = a3.z;
	dst.r[k++] = sb.fa[(i + 2u) % 4u];
	dst.r[k++] = sb.sa[(i + 1u) % 2u].b.x;
	vec3 c3 = sc.v3[i % 4u]; dst.r[k++] = c3.x; dst.r[k++] = c3.y; dst.r[k++] = c3.z;
	dst.r[k++] = sc.tail;
	dst.r[k++] = pc.fa[i % 3u]; dst.r[k++] = pc.v.z;
	if (i == 7u) {   // stores through the same strides
		sb.v3[2] = vec3(-1.0, -2.0, -3.0);
		sc.v3[1] = vec3(-4.0, -5.0, -6.0);
		sb.sa[1].b = vec2(-7.0, -8.0);
	}
}
)";

TEST(Layouts, ArrayStridesInEveryBlockKind)
{
	for (const char *env : {"vulkan1.2", "vulkan1.0"}) {
		SCOPED_TRACE(env);
		auto make = [&] {
			std::vector<Buffer> b = bound_buffers(4);
			b[0].data = filled(0, 60);
			b[1].data = filled(1, 28);
			b[2].data = filled(2, 13);
			b[3].data.assign(8 * 32, 0);
			return b;
		};
		run_everywhere(glsl_for(kStrideShader, env), make, filled(4, 16), 1, [&](const std::vector<Buffer> &b, const std::string &where) {
			for (uint32_t i = 0; i < 8; i++) {
				std::vector<float> e;
				auto put = [&](uint32_t binding, uint32_t byte) { e.push_back(at(binding, byte)); };
				// U std140: fa[4] stride 16 at 0; va[3] stride 16 at 64; sa[2] (S: a 0, b 8; size 16) at 112;
				// aa[2][3]: inner stride 16, outer 48, at 144.
				put(0, 16 * (i % 4));
				put(0, 64 + 16 * (i % 3));
				put(0, 64 + 16 * (i % 3) + 4);
				put(0, 112 + 16 * (i % 2));
				put(0, 112 + 16 * (i % 2) + 12);
				put(0, 144 + 48 * (i % 2) + 16 * ((i + 1) % 3));
				// B std430: v3[4] stride 16 at 0; fa[4] stride 4 at 64; sa[2] (size 16) at 80.
				put(1, 16 * (i % 4));
				put(1, 16 * (i % 4) + 8);
				put(1, 64 + 4 * ((i + 2) % 4));
				put(1, 80 + 16 * ((i + 1) % 2) + 8);
				// C scalar: v3[4] stride 12; tail at 48.
				for (uint32_t c = 0; c < 3; c++)
					put(2, 12 * (i % 4) + 4 * c);
				put(2, 48);
				// push constants std140: fa[3] stride 16; v at 48.
				put(4, 16 * (i % 3));
				put(4, 48 + 8);
				for (size_t k = 0; k < e.size(); k++)
					ASSERT_EQ(u2f(b[3].data[32 * i + k]), e[k]) << where << " invocation " << i << " value " << k;
			}
			for (uint32_t c = 0; c < 3; c++) {
				EXPECT_EQ(u2f(b[1].data[(32 + 4 * c) / 4]), -1.0f - (float)c) << where;
				EXPECT_EQ(u2f(b[2].data[(12 + 4 * c) / 4]), -4.0f - (float)c) << where;
			}
			EXPECT_EQ(u2f(b[1].data[(80 + 16 + 8) / 4]), -7.0f) << where;
			EXPECT_EQ(u2f(b[1].data[(80 + 16 + 12) / 4]), -8.0f) << where;
			EXPECT_EQ(u2f(b[1].data[(80 + 16) / 4]), at(1, 96)) << where << " S.a next to the stored S.b";
		});
	}
}

} // namespace

namespace {

// Row-major matrices of doubles (std430 dvec3 rows are 32 bytes apart) and of halves (f16vec2
// rows 4 bytes apart) in arrays of arrays: whole matrices, columns, elements.
const char *kWideNarrowShader = R"(#version 450
#extension GL_EXT_shader_explicit_arithmetic_types : require
#extension GL_EXT_shader_16bit_storage : require
layout(local_size_x = 8) in;
layout(std430, set = 0, binding = 0) readonly buffer B { layout(row_major) dmat3 dm[2][3]; layout(row_major) f16mat2x3 hm[4]; };
layout(std430, set = 0, binding = 1) buffer O { double r[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint k = i * 16u;
	dvec3 c = dm[i % 2u][(i + 1u) % 3u][i % 3u];
	r[k] = c.x; r[k + 1u] = c.y; r[k + 2u] = c.z;
	dmat3 w = dm[1][i % 3u];
	r[k + 3u] = w[0][1]; r[k + 4u] = w[2][0]; r[k + 5u] = w[1][2];
	f16vec3 h = hm[i % 4u][i % 2u];
	r[k + 6u] = double(h.x); r[k + 7u] = double(h.y); r[k + 8u] = double(h.z);
	r[k + 9u] = double(hm[(i + 1u) % 4u][1][2]);
}
)";

TEST(Layouts, RowMajorDoubleAndHalfMatrices)
{
	for (const char *env : {"vulkan1.2", "vulkan1.0"}) {
		SCOPED_TRACE(env);
		auto make = [&] {
			std::vector<Buffer> b = bound_buffers(2);
			std::vector<uint32_t> &d = b[0].data;
			d.assign(624 / 4, 0);
			for (uint32_t off = 0; off < 576; off += 8) {   // each double = its offset / 8
				const uint64_t v = std::bit_cast<uint64_t>((double)(off / 8));
				d[off / 4] = (uint32_t)v;
				d[off / 4 + 1] = (uint32_t)(v >> 32);
			}
			for (uint32_t off = 576; off < 624; off += 2) {   // each half = (offset - 576) / 2
				const uint16_t h = f32_to_f16((float)((off - 576) / 2));
				d[off / 4] |= (uint32_t)h << (8 * (off % 4));
			}
			b[1].data.assign(2 * 16 * 8, 0);
			return b;
		};
		run_everywhere(glsl_for(kWideNarrowShader, env), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
			for (uint32_t i = 0; i < 8; i++) {
				auto dm = [](uint32_t a, uint32_t m, uint32_t c, uint32_t r) { return (double)((288 * a + 96 * m + 32 * r + 8 * c) / 8); };
				auto hm = [](uint32_t m, uint32_t c, uint32_t r) { return (double)((12 * m + 4 * r + 2 * c) / 2); };
				const double want[10] = {dm(i % 2, (i + 1) % 3, i % 3, 0), dm(i % 2, (i + 1) % 3, i % 3, 1), dm(i % 2, (i + 1) % 3, i % 3, 2),
				                         dm(1, i % 3, 0, 1), dm(1, i % 3, 2, 0), dm(1, i % 3, 1, 2),
				                         hm(i % 4, i % 2, 0), hm(i % 4, i % 2, 1), hm(i % 4, i % 2, 2), hm((i + 1) % 4, 1, 2)};
				for (uint32_t k = 0; k < 10; k++) {
					const uint32_t w = 2 * (16 * i + k);
					const double got = std::bit_cast<double>((uint64_t)b[1].data[w] | ((uint64_t)b[1].data[w + 1] << 32));
					ASSERT_EQ(got, want[k]) << where << " invocation " << i << " value " << k;
				}
			}
		});
	}
}

} // namespace

namespace {

// Runtime (unsized) arrays of matrices take the block member's RowMajor/MatrixStride like sized
// arrays do (the CTS's ssbo.layout.*unsized_array.*row_major* cases read and wrote them
// column-major before). Scalar layout: MatrixStride 12, ArrayStride 36.
const char *kUnsizedRowMajorShader = R"(#version 450
#extension GL_EXT_scalar_block_layout : require
layout(local_size_x = 4) in;
layout(scalar, row_major, set = 0, binding = 0) buffer S { mat3 m[]; } s;
layout(std430, set = 0, binding = 1) buffer D { vec4 r[]; } d;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	mat3 a = s.m[i];
	d.r[i] = vec4(a[1], a[2][i % 3u]);
	s.m[i][2] = vec3(-1.0, -2.0, -3.0) - float(i) * 10.0;
}
)";

TEST(Layouts, UnsizedArraysOfRowMajorMatrices)
{
	for (const char *env : {"vulkan1.2", "vulkan1.0"}) {
		SCOPED_TRACE(env);
		auto make = [&] {
			std::vector<Buffer> b = bound_buffers(2);
			b[0].data.resize(4 * 9);
			for (uint32_t k = 0; k < b[0].data.size(); k++)
				b[0].data[k] = f2u((float)k);
			b[1].data.assign(4 * 4, 0);
			return b;
		};
		run_everywhere(glsl_for(kUnsizedRowMajorShader, env), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
			// Element (column c, row r) of m[i] is float 9i + 3r + c.
			for (uint32_t i = 0; i < 4; i++) {
				for (uint32_t r = 0; r < 3; r++)
					ASSERT_EQ(u2f(b[1].data[4 * i + r]), (float)(9 * i + 3 * r + 1)) << where << " m[" << i << "][1][" << r << "]";
				ASSERT_EQ(u2f(b[1].data[4 * i + 3]), (float)(9 * i + 3 * (i % 3) + 2)) << where;
				for (uint32_t r = 0; r < 3; r++) {
					ASSERT_EQ(u2f(b[0].data[9 * i + 3 * r + 2]), -(float)(r + 1) - 10.0f * (float)i) << where << " stored column";
					ASSERT_EQ(u2f(b[0].data[9 * i + 3 * r]), (float)(9 * i + 3 * r)) << where << " column 0 untouched";
				}
			}
		});
	}
}

} // namespace
