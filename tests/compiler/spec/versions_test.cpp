// Every SPIR-V version a Vulkan 1.3 driver must accept (1.0 - 1.6), as glslang emits it for each
// target environment. Vulkan 1.0 targets (SPIR-V 1.0 - 1.2) declare storage buffers in the
// Uniform storage class with the BufferBlock decoration: loads, stores, atomics and
// length() must work on those exactly as on StorageBuffer ones.
#include "spec_util.h"

#include <spirv/unified1/spirv.hpp11>

using namespace mica::compiler;
using namespace mica::compiler::spectest;

namespace {

const char *kBufferShader = R"(#version 450
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer In { uint n; float scale; uint data[]; } src;
layout(std430, set = 0, binding = 1) buffer Out {
	uint count; uint maxv; uint len; uint swapped;
	uint old_cas; uint pad0; uint pad1; uint pad2;
	uvec4 res[];
} dst;
layout(std140, set = 0, binding = 2) uniform U { uint add; float fadd; } u;
layout(push_constant) uniform P { uint mul; } pc;
shared uint tmp[64];
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint l = gl_LocalInvocationID.x;
	uint x = src.data[i];
	tmp[l] = x;
	barrier();
	uint y = tmp[63u - l];
	atomicAdd(dst.count, x & 7u);
	atomicMax(dst.maxv, x);
	if (i == 5u) {
		dst.swapped = atomicExchange(src.n, 1234u);
		dst.old_cas = atomicCompSwap(dst.pad0, 0u, 77u);
	}
	float f = src.scale * float(x & 0xffffu) + u.fadd;
	dst.res[i] = uvec4(x * pc.mul + u.add, y, floatBitsToUint(f), 0u);
	if (i == 0u)
		dst.len = uint(src.data.length());
	src.data[i] = x ^ 0x5a5a5a5au;
}
)";

struct Env {
	const char *name;
	uint32_t version;   // SPIR-V header version word
	bool buffer_block;  // storage buffers are Uniform + BufferBlock
};
const Env kEnvs[] = {
	{"vulkan1.0", 0x00010000, true}, {"vulkan1.1", 0x00010300, false}, {"vulkan1.2", 0x00010500, false},
	{"vulkan1.3", 0x00010600, false}, {"spirv1.0", 0x00010000, true},  {"spirv1.1", 0x00010100, true},
	{"spirv1.2", 0x00010200, true},  {"spirv1.3", 0x00010300, false}, {"spirv1.4", 0x00010400, false},
	{"spirv1.5", 0x00010500, false}, {"spirv1.6", 0x00010600, false},
};

bool declares_buffer_block(const std::vector<uint32_t> &w)
{
	for (size_t i = 5; i < w.size();) {
		uint32_t n = w[i] >> 16, op = w[i] & 0xffff;
		if (n == 0)
			break;
		if (op == (uint32_t)spv::Op::OpDecorate && n >= 3 && w[i + 2] == (uint32_t)spv::Decoration::BufferBlock)
			return true;
		i += n;
	}
	return false;
}

class SpirvVersions : public ::testing::TestWithParam<Env> {};

TEST_P(SpirvVersions, StorageBuffersLoadsStoresAtomicsLength)
{
	const Env env = GetParam();
	std::vector<uint32_t> spv = glsl_for(kBufferShader, env.name);
	ASSERT_GT(spv.size(), 5u);
	EXPECT_EQ(spv[1], env.version) << "glslang emitted another SPIR-V version";
	EXPECT_EQ(declares_buffer_block(spv), env.buffer_block) << "the test would not cover the declaration form";
	const uint32_t n = 128;
	std::vector<uint32_t> data(n);
	uint32_t seed = 99;
	for (uint32_t &x : data)
		x = lcg(seed) >> 4;
	const float scale = 0.75f, fadd = 2.5f;
	const uint32_t add = 1000, mul = 3;
	auto make = [&] {
		std::vector<Buffer> b = bound_buffers(3);
		b[0].data = {555u, f2u(scale)};
		b[0].data.insert(b[0].data.end(), data.begin(), data.end());
		b[1].data.assign(8 + 4 * n, 0);
		b[2].data = {add, f2u(fadd), 0, 0};
		return b;
	};
	run_everywhere(spv, make, {mul}, 2, [&](const std::vector<Buffer> &b, const std::string &where) {
		uint32_t count = 0, maxv = 0;
		for (uint32_t i = 0; i < n; i++) {
			count += data[i] & 7u;
			maxv = std::max(maxv, data[i]);
			const uint32_t l = i % 64, y = data[i - l + 63 - l];
			ASSERT_EQ(b[1].data[8 + 4 * i], data[i] * mul + add) << where << " i=" << i;
			ASSERT_EQ(b[1].data[8 + 4 * i + 1], y) << where << " shared i=" << i;
			ASSERT_EQ(b[1].data[8 + 4 * i + 2], f2u(scale * (float)(data[i] & 0xffffu) + fadd)) << where << " i=" << i;
			ASSERT_EQ(b[0].data[2 + i], data[i] ^ 0x5a5a5a5au) << where << " store i=" << i;
		}
		EXPECT_EQ(b[1].data[0], count) << where;
		EXPECT_EQ(b[1].data[1], maxv) << where;
		EXPECT_EQ(b[1].data[2], n) << where << " length()";
		EXPECT_EQ(b[1].data[3], 555u) << where << " atomicExchange result";
		EXPECT_EQ(b[0].data[0], 1234u) << where << " atomicExchange store";
		EXPECT_EQ(b[1].data[4], 0u) << where << " atomicCompSwap result";
		EXPECT_EQ(b[1].data[5], 77u) << where << " atomicCompSwap store";
	});
}

INSTANTIATE_TEST_SUITE_P(AllTargets, SpirvVersions, ::testing::ValuesIn(kEnvs),
                         [](const ::testing::TestParamInfo<Env> &i) {
	                         std::string s = i.param.name;
	                         for (char &c : s)
		                         if (c == '.')
			                         c = '_';
	                         return s;
                         });

} // namespace

namespace {

// Robust buffer access on BufferBlock storage buffers (SPIR-V 1.0): out-of-bounds loads read 0,
// out-of-bounds stores and atomics are dropped, in-bounds ones happen.
const char *kRobustShader = R"(#version 450
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer B { uint count; uint data[]; } b;
layout(std430, set = 0, binding = 1) buffer O { uint r[]; } o;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint j = i * 3u;                    // 0..189: data has 100 elements
	o.r[i] = b.data[j] + 1u;            // out of bounds: 0 + 1
	b.data[j] = 7u;                     // dropped when out of bounds
	atomicAdd(b.data[j + 1u], 1u);      // dropped when out of bounds
	atomicAdd(b.count, 1u);
}
)";

TEST(SpirvVersions, RobustAccessOnBufferBlockBuffers)
{
	for (const char *env : {"vulkan1.0", "vulkan1.3"}) {
		SCOPED_TRACE(env);
		std::vector<uint32_t> data(100);
		for (uint32_t k = 0; k < 100; k++)
			data[k] = 1000 + k;
		auto make = [&] {
			std::vector<Buffer> b = bound_buffers(2);
			b[0].data = {0};
			b[0].data.insert(b[0].data.end(), data.begin(), data.end());
			b[1].data.assign(64 + 8, 0xdeadbeefu);   // 8 guard words past the 64 results
			return b;
		};
		run_everywhere(glsl_for(kRobustShader, env), make, {}, 1, [&](const std::vector<Buffer> &b, const std::string &where) {
			std::vector<uint32_t> want = data;
			for (uint32_t i = 0; i < 64; i++) {
				const uint32_t j = 3 * i;
				ASSERT_EQ(b[1].data[i], (j < 100 ? data[j] : 0u) + 1u) << where << " load " << i;
			}
			for (uint32_t i = 0; i < 64; i++) {
				const uint32_t j = 3 * i;
				if (j < 100)
					want[j] = 7;
				if (j + 1 < 100)
					want[j + 1] += 1;
			}
			EXPECT_EQ(b[0].data[0], 64u) << where;
			for (uint32_t k = 0; k < 100; k++)
				ASSERT_EQ(b[0].data[1 + k], want[k]) << where << " data " << k;
			for (uint32_t k = 64; k < 72; k++)
				ASSERT_EQ(b[1].data[k], 0xdeadbeefu) << where << " guard";
		}, 2, true);
	}
}

} // namespace
