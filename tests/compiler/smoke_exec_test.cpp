// First end-to-end check: GLSL -> binary -> device model.
#include <gtest/gtest.h>

#include "exec_harness.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

TEST(Smoke, AddKernelRunsOnTheModel)
{
	const char *src = R"(#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer A { uint a[]; };
layout(set = 0, binding = 1) buffer B { uint b[]; };
layout(push_constant) uniform P { uint n; uint k; } pc;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < pc.n) b[i] = a[i] * pc.k + 7u;
})";
	auto spv = glsl_to_spirv(src, "add.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	Options o;
	auto res = compile_spirv(std::get<std::vector<uint32_t>>(spv), o);
	ASSERT_TRUE(std::holds_alternative<CompileResult>(res)) << std::get<CompileError>(res).message;
	std::vector<Buffer> bufs(2);
	bufs[0].binding = 0;
	bufs[1].binding = 1;
	for (uint32_t i = 0; i < 100; i++)
		bufs[0].data.push_back(i);
	bufs[1].data.assign(128, 0xdeadbeef);
	uint32_t groups[3] = {2, 1, 1};
	RunOutcome r = run_kernel(std::get<CompileResult>(res), 2, 0, bufs, {100, 3}, groups);
	ASSERT_TRUE(r.ok) << r.error;
	EXPECT_EQ(r.hazard_violations, 0u);
	for (uint32_t i = 0; i < 128; i++)
		EXPECT_EQ(bufs[1].data[i], i < 100 ? i * 3 + 7 : 0xdeadbeefu) << i;
}
