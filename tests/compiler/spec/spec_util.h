// Helpers of the SPIR-V specification execution tests (issue 10 part B): compile GLSL for a
// target environment, run on every revision/power profile in checked hazard mode.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../exec_harness.h"

namespace mica::compiler::spectest {

using test::Buffer;

struct Config {
	uint32_t rev, profile;
};
inline constexpr Config kConfigs[] = {{1, 0}, {1, 1}, {2, 0}, {2, 1}};

inline uint32_t lcg(uint32_t &s)
{
	s = s * 1664525u + 1013904223u;
	return s;
}
inline float u2f(uint32_t u) { return std::bit_cast<float>(u); }
inline uint32_t f2u(float f) { return std::bit_cast<uint32_t>(f); }

// IEEE half precision in software (clang 14 has no _Float16 on x86): f32 -> f16 bits rounded to
// nearest even, f16 bits -> f32 (exact).
uint16_t f32_to_f16(float f);
float f16_to_f32(uint16_t h);
inline double round_to_f16(float f) { return f16_to_f32(f32_to_f16(f)); }

// GLSL -> SPIR-V for 'env' (glsl_to_spirv's target names); a failure is a test failure and
// returns an empty module.
std::vector<uint32_t> glsl_for(const std::string &src, const std::string &env, const std::string &name = "test.comp");

// SPIR-V assembly (spirv-as syntax) -> words, for forms glslang does not emit.
std::vector<uint32_t> assemble(const std::string &text);

using Check = std::function<void(const std::vector<Buffer> &, const std::string &)>;

// Compiles 'spv' for every revision/profile (and 'opt_level'), runs it with the buffers 'make'
// builds on 'groups_x' workgroups and checks the results; hazard reports fail the test.
void run_everywhere(const std::vector<uint32_t> &spv, const std::function<std::vector<Buffer>()> &make,
                    const std::vector<uint32_t> &push, uint32_t groups_x, const Check &check, int opt_level = 2,
                    bool robust = false);

// 'n' buffers at set 0, bindings 0..n-1.
std::vector<Buffer> bound_buffers(uint32_t n);

} // namespace mica::compiler::spectest
