// Small constant loops unrolled at -O2 (spirv_prepare.cpp, UnrollPolicy::small_loops): which
// loops are unrolled (innermost, at most 32 iterations, no branch inside, bounded growth) and that
// every shape computes what the host computes. Each shader runs on the device model in checked
// hazard mode on r1/r2 x perf/lowpower at -O0, -O1 and -O2; the -O2 program is then disassembled
// and its loops (backward branches) counted against what the policy says.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <sstream>

#include "exec_harness.h"
#include "asm.h"

using namespace mica::compiler;
using namespace mica::compiler::test;

namespace {


constexpr uint32_t kWorkgroups = 2, kLocal = 64, kInvocations = kWorkgroups * kLocal;

// A shader of this file's shape: a[] (binding 0, 256 words), o[] (binding 1, one word per
// invocation), 64 invocations per workgroup; 'body' computes 'r' from 'a', 'i' and 'lid'.
std::string shader(const std::string &decls, const std::string &body)
{
	return "#version 450\n#extension GL_EXT_control_flow_attributes : require\n"
	       "layout(local_size_x = 64) in;\n"
	       "layout(set = 0, binding = 0) readonly buffer A { uint a[]; };\n"
	       "layout(set = 0, binding = 1) writeonly buffer O { uint o[]; };\n" +
	       decls +
	       "void main() {\n  uint i = gl_GlobalInvocationID.x, lid = gl_LocalInvocationID.x;\n  uint r = 0u;\n" + body +
	       "  o[i] = r;\n}\n";
}

// Backward branches in the disassembly of 'code': the loops left.
unsigned loops_in(const CompileResult &r)
{
	AsmProgram p;
	std::string err;
	EXPECT_TRUE(decode_program(r.binary.code, 0, p, err)) << err;
	std::istringstream text(print_asm(p));
	std::map<std::string, unsigned> label_line;
	std::vector<std::pair<unsigned, std::string>> branches;
	std::string line;
	for (unsigned n = 0; std::getline(text, line); n++) {
		// "BB3:" starts a block; "  s_branch BB1", "  s_cbranch_scc0 BB3" branch to one
		// (std::regex is not used: gcc 12 warns inside it under the sanitizers).
		if (line.rfind("BB", 0) == 0 && line.back() == ':') {
			label_line[line.substr(0, line.size() - 1)] = n;
			continue;
		}
		std::istringstream words(line);
		std::string mnemonic, target;
		words >> mnemonic >> target;
		if ((mnemonic.rfind("s_branch", 0) == 0 || mnemonic.rfind("s_cbranch", 0) == 0) && target.rfind("BB", 0) == 0)
			branches.emplace_back(n, target);
	}
	unsigned back = 0;
	for (auto &[n, target] : branches)
		back += label_line.count(target) && label_line[target] < n;
	return back;
}

// Compiles 'src' in every configuration, runs it against 'ref' (o[i] of a[], i), and checks the
// -O2 program keeps 'loops_o2' loops (the -O1 one 'loops_o1').
void check(const std::string &name, const std::string &src, unsigned loops_o1, unsigned loops_o2,
           const std::function<uint32_t(const std::vector<uint32_t> &a, uint32_t i)> &ref,
           const std::vector<uint32_t> &push = {})
{
	SCOPED_TRACE(name);
	auto spv = glsl_to_spirv(src, name + ".comp");
	if (auto *e = std::get_if<CompileError>(&spv))
		FAIL() << "glslang: " << e->message;
	std::vector<uint32_t> a(256);
	uint32_t seed = 2024;
	for (uint32_t &x : a) {
		seed = seed * 1664525u + 1013904223u;
		x = seed >> 8;
	}
	std::vector<uint32_t> want(kInvocations);
	for (uint32_t i = 0; i < kInvocations; i++)
		want[i] = ref(a, i);
	for (const ExecConfig &cfg : kExecConfigs) {
		SCOPED_TRACE(config_name(cfg));
		auto res = compile_for(std::get<std::vector<uint32_t>>(spv), cfg);
		if (auto *e = std::get_if<CompileError>(&res))
			FAIL() << "compile: " << e->message;
		const CompileResult &compiled = std::get<CompileResult>(res);
		if (cfg.opt == 2) {
			EXPECT_EQ(loops_in(compiled), loops_o2) << "loops left at -O2";
		} else if (cfg.opt == 1) {
			EXPECT_EQ(loops_in(compiled), loops_o1) << "loops left at -O1";
		}
		std::vector<Buffer> bufs(2);
		bufs[0].binding = 0;
		bufs[0].data = a;
		bufs[1].binding = 1;
		bufs[1].data.assign(kInvocations, 0xdeadbeefu);
		const uint32_t g[3] = {kWorkgroups, 1, 1};
		RunOutcome out = run_kernel(compiled, cfg.rev, cfg.profile, bufs, push, g);
		ASSERT_TRUE(out.ok) << out.error;
		EXPECT_EQ(out.hazard_violations, 0u);
		for (uint32_t k = 0; k < kInvocations; k++)
			ASSERT_EQ(bufs[1].data[k], want[k]) << "o[" << k << "]";
	}
}

// SGEMM's inner loop: 16 steps over two shared tiles (the benchmark's matmul.comp), integers so
// the order of the sums does not matter.
TEST(CompilerUnroll, SharedTileDotProductIsUnrolledAndExact)
{
	check("tile_dot",
	      shader("shared uint ta[4][16];\nshared uint tb[16][16];\n",
	             "  ta[lid / 16u][lid % 16u] = a[lid];\n  tb[lid / 16u][lid % 16u] = a[lid + 64u];\n"
	             "  tb[lid / 16u + 4u][lid % 16u] = a[lid + 128u];\n  tb[lid / 16u + 8u][lid % 16u] = a[lid + 192u];\n"
	             "  tb[lid / 16u + 12u][lid % 16u] = a[(lid + 7u) % 256u];\n  barrier();\n"
	             "  for (uint k = 0u; k < 16u; ++k) r += ta[lid / 16u][k] * tb[k][lid % 16u];\n"),
	      1, 0, [](const std::vector<uint32_t> &a, uint32_t i) {
		      const uint32_t lid = i % 64;
		      auto tb = [&](uint32_t k, uint32_t x) {
			      const uint32_t l = (k % 4) * 16 + x; // the invocation that stored tb[k][x]
			      return k < 4 ? a[l + 64] : k < 8 ? a[l + 128] : k < 12 ? a[l + 192] : a[(l + 7) % 256];
		      };
		      uint32_t r = 0;
		      for (uint32_t k = 0; k < 16; k++)
			      r += a[(lid / 16) * 16 + k] * tb(k, lid % 16);
		      return r;
	      });
}

// The bounds: 32 iterations are unrolled, 33 are not; `<=`, counting down, a step of 3.
TEST(CompilerUnroll, TripCountBoundsAndLoopShapes)
{
	auto sum = [](uint32_t first, uint32_t count, uint32_t step) {
		return [=](const std::vector<uint32_t> &a, uint32_t i) {
			uint32_t r = 0;
			for (uint32_t k = 0, x = first; k < count; k++, x += step)
				r = r * 3u + a[(i + x) % 256u];
			return r;
		};
	};
	check("trips_32", shader("", "  for (uint k = 0u; k < 32u; k++) r = r * 3u + a[(i + k) % 256u];\n"), 1, 0,
	      sum(0, 32, 1));
	check("trips_33", shader("", "  for (uint k = 0u; k < 33u; k++) r = r * 3u + a[(i + k) % 256u];\n"), 1, 1,
	      sum(0, 33, 1));
	check("less_equal", shader("", "  for (uint k = 0u; k <= 7u; k++) r = r * 3u + a[(i + k) % 256u];\n"), 1, 0,
	      sum(0, 8, 1));
	check("step_3", shader("", "  for (uint k = 2u; k < 30u; k += 3u) r = r * 3u + a[(i + k) % 256u];\n"), 1, 0,
	      sum(2, 10, 3));
	check("count_down", shader("", "  for (int k = 9; k >= 0; k--) r = r * 3u + a[(i + uint(k)) % 256u];\n"), 1, 0,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (int k = 9; k >= 0; k--)
			      r = r * 3u + a[(i + uint32_t(k)) % 256u];
		      return r;
	      });
}

// Loops counted by a shift, a multiplication or a division (spirv_counted_loops.cpp): the tree
// reduction's halving stride with a barrier in every step (counted, but a loop with a barrier
// stays a loop), a counter shifted left, a signed
// counter shifted right arithmetically, a multiplication, a division, and the 32 steps of a shift.
TEST(CompilerUnroll, LoopsSteppedByShiftsAndProducts)
{
	check("tree_reduction",
	      shader("shared uint partial[64];\n",
	             "  partial[lid] = a[i % 256u];\n  barrier();\n"
	             "  for (uint s = 32u; s > 0u; s >>= 1u) {\n    if (lid < s) partial[lid] += partial[lid + s];\n"
	             "    barrier();\n  }\n  r = partial[0] + lid;\n"),
	      1, 1, [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t sum = 0;
		      for (uint32_t l = 0; l < 64; l++)
			      sum += a[((i / 64) * 64 + l) % 256];
		      return sum + i % 64;
	      });
	check("doubling", shader("", "  for (uint m = 1u; m != 0x10000u; m <<= 2u) r = r * 3u + (a[i] & m);\n"), 1, 0,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t m = 1; m != 0x10000u; m <<= 2)
			      r = r * 3u + (a[i] & m);
		      return r;
	      });
	check("signed_shift", shader("", "  for (int m = 4096; m >= 3; m >>= 1) r = r * 5u + uint(m) * a[i];\n"), 1, 0,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (int m = 4096; m >= 3; m >>= 1)
			      r = r * 5u + uint32_t(m) * a[i];
		      return r;
	      });
	check("times_three", shader("", "  for (uint m = 1u; m < 5000u; m *= 3u) r = r * 7u + a[(i + m) % 256u];\n"), 1, 0,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t m = 1; m < 5000; m *= 3)
			      r = r * 7u + a[(i + m) % 256];
		      return r;
	      });
	check("divide", shader("", "  for (uint m = 1000000u; m > 0u; m /= 10u) r = r * 11u + (a[i] % m);\n"), 1, 0,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t m = 1000000; m > 0; m /= 10)
			      r = r * 11u + a[i] % m;
		      return r;
	      });
	// The longest a 32-bit shift can count: 32 steps, unrolled.
	check("all_bits", shader("", "  for (uint m = 0xffffffffu; m != 0u; m >>= 1u) r = r * 3u + (a[i] & m);\n"), 1, 0,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t m = 0xffffffffu; m != 0; m >>= 1)
			      r = r * 3u + (a[i] & m);
		      return r;
	      });
}

// What stays a loop: a loop with a branch inside (an early exit), one marked dont_unroll, a loop
// whose bound is not a constant, and the outer one of two nested loops (the inner is unrolled).
TEST(CompilerUnroll, LoopsThePolicyLeaves)
{
	check("early_exit",
	      shader("", "  for (uint k = 0u; k < 16u; k++) {\n    if (a[(i + k) % 256u] % 7u == 0u) break;\n"
	                 "    r += a[(i + k) % 256u];\n  }\n"),
	      1, 1, [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t k = 0; k < 16; k++) {
			      if (a[(i + k) % 256] % 7 == 0)
				      break;
			      r += a[(i + k) % 256];
		      }
		      return r;
	      });
	check("dont_unroll",
	      shader("", "  [[dont_unroll]] for (uint k = 0u; k < 8u; k++) r = r * 5u + a[(i * 3u + k) % 256u];\n"), 1, 1,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t k = 0; k < 8; k++)
			      r = r * 5u + a[(i * 3 + k) % 256];
		      return r;
	      });
	check("runtime_bound",
	      shader("", "  for (uint k = 0u; k < (a[i] & 15u); k++) r = r * 5u + a[(i + k) % 256u];\n"), 1, 1,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t k = 0; k < (a[i] & 15u); k++)
			      r = r * 5u + a[(i + k) % 256];
		      return r;
	      });
	check("nested",
	      shader("", "  for (uint y = 0u; y < 4u; y++)\n    for (uint x = 0u; x < 4u; x++)\n"
	                 "      r = r * 7u + a[(i + y * 16u + x) % 256u];\n"),
	      2, 1, [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t y = 0; y < 4; y++)
			      for (uint32_t x = 0; x < 4; x++)
				      r = r * 7u + a[(i + y * 16 + x) % 256];
		      return r;
	      });
}

// A local array indexed by a runtime value sits in the lane's scratch memory; the small loops
// that fill and read it are unrolled around it (constant indices) and the result is unchanged.
TEST(CompilerUnroll, LoopsAroundAScratchArray)
{
	check("scratch",
	      shader("", "  uint h[16];\n  for (uint k = 0u; k < 16u; k++) h[k] = k * i;\n"
	                 "  for (uint k = 0u; k < (a[i] & 31u); k++) h[a[(i + k) % 256u] % 16u] += a[k];\n"
	                 "  for (uint k = 0u; k < 16u; k++) r = r * 31u + h[k];\n"),
	      3, 1, [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t h[16], r = 0;
		      for (uint32_t k = 0; k < 16; k++)
			      h[k] = k * i;
		      for (uint32_t k = 0; k < (a[i] & 31u); k++)
			      h[a[(i + k) % 256] % 16] += a[k];
		      for (uint32_t k = 0; k < 16; k++)
			      r = r * 31u + h[k];
		      return r;
	      });
}

} // namespace

// Uniform loops tested at the bottom after register allocation (pass_rotate_loops.cpp): the guard
// of the first iteration runs once, the latch ends with the header's test (and what the header
// reloads), a shift needs no compare. Trip counts from the workgroup id, so workgroup 0 runs
// zero-trip loops and workgroup 1 several trips; breaks and continues leave through their own
// branches; a do-while, a nested pair, a loop whose header reloads a buffer value.
TEST(CompilerLoopRotation, UniformLoopsTestedAtTheBottomAreExact)
{
	check("halving_from_group",
	      shader("", "  for (uint s = gl_WorkGroupID.x * 64u; s > 0u; s >>= 1u) r = r * 3u + a[(i + s) % 256u];\n"), 1, 1,
	      [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0;
		      for (uint32_t s = (i / 64) * 64; s > 0; s >>= 1)
			      r = r * 3u + a[(i + s) % 256];
		      return r;
	      });
	check("break_and_continue",
	      shader("", "  uint n = gl_WorkGroupID.x * 5u + 2u;\n"
	                 "  for (uint k = 0u; k < n; k++) {\n    if (k == 3u) continue;\n    if (k == 6u) break;\n"
	                 "    r = r * 3u + a[(i + k) % 256u];\n  }\n"),
	      1, 1, [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0, n = (i / 64) * 5 + 2;
		      for (uint32_t k = 0; k < n; k++) {
			      if (k == 3)
				      continue;
			      if (k == 6)
				      break;
			      r = r * 3u + a[(i + k) % 256];
		      }
		      return r;
	      });
	check("do_while",
	      shader("", "  uint s = gl_WorkGroupID.x + 1u;\n  do {\n    r = r * 5u + a[(i + s) % 256u];\n    s <<= 1u;\n"
	                 "  } while (s < 40u);\n"),
	      1, 1, [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0, s = i / 64 + 1;
		      do {
			      r = r * 5u + a[(i + s) % 256];
			      s <<= 1;
		      } while (s < 40);
		      return r;
	      });
	check("nested",
	      shader("", "  for (uint j = 0u; j < gl_WorkGroupID.x + 2u; j++)\n"
	                 "    for (uint k = j; k < gl_WorkGroupID.x * 3u; k++) r = r * 7u + a[(i + j * 16u + k) % 256u];\n"),
	      2, 2, [](const std::vector<uint32_t> &a, uint32_t i) {
		      uint32_t r = 0, g = i / 64;
		      for (uint32_t j = 0; j < g + 2; j++)
			      for (uint32_t k = j; k < g * 3; k++)
				      r = r * 7u + a[(i + j * 16 + k) % 256];
		      return r;
	      });
	// The header reads the push constant n again on every test (loads are not hoisted).
	for (uint32_t n : {0u, 1u, 5u})
		check("header_reload_" + std::to_string(n),
		      shader("layout(push_constant) uniform P { uint n; } pc;\n",
		             "  for (uint k = gl_WorkGroupID.x; k < pc.n; k++) r = r * 3u + a[(i + k) % 256u];\n"),
		      1, 1,
		      [n](const std::vector<uint32_t> &a, uint32_t i) {
			      uint32_t r = 0;
			      for (uint32_t k = i / 64; k < n; k++)
				      r = r * 3u + a[(i + k) % 256];
			      return r;
		      },
		      {n});
}
