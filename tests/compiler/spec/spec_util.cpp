#include "spec_util.h"

#include <spirv-tools/libspirv.hpp>

#include <cmath>

namespace mica::compiler::spectest {

std::vector<uint32_t> glsl_for(const std::string &src, const std::string &env, const std::string &name)
{
	auto spv = glsl_to_spirv(src, name, env);
	if (auto *e = std::get_if<CompileError>(&spv)) {
		ADD_FAILURE() << name << " (" << env << "): " << e->message;
		return {};
	}
	return std::get<std::vector<uint32_t>>(spv);
}

std::vector<uint32_t> assemble(const std::string &text)
{
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	std::string msg;
	tools.SetMessageConsumer([&](spv_message_level_t, const char *, const spv_position_t &p, const char *m) {
		msg += "line " + std::to_string(p.line) + ": " + m + "\n";
	});
	std::vector<uint32_t> words;
	EXPECT_TRUE(tools.Assemble(text, &words)) << msg;
	return words;
}

void run_everywhere(const std::vector<uint32_t> &spv, const std::function<std::vector<Buffer>()> &make,
                    const std::vector<uint32_t> &push, uint32_t groups_x, const Check &check, int opt_level, bool robust)
{
	ASSERT_FALSE(spv.empty());
	for (const Config &cfg : kConfigs) {
		Options o;
		o.revision = cfg.rev;
		o.power_profile = cfg.profile;
		o.opt_level = opt_level;
		o.robust_buffer_access = robust;
		auto res = compile_spirv(spv, o);
		if (auto *e = std::get_if<CompileError>(&res))
			FAIL() << "compile: " << e->message;
		std::vector<Buffer> bufs = make();
		const uint32_t groups[3] = {groups_x, 1, 1};
		test::RunOutcome r = test::run_kernel(std::get<CompileResult>(res), cfg.rev, cfg.profile, bufs, push, groups);
		std::string where = "r" + std::to_string(cfg.rev) + "/" + (cfg.profile ? "lowpower" : "perf");
		ASSERT_TRUE(r.ok) << where << ": " << r.error;
		EXPECT_EQ(r.hazard_violations, 0u) << where;
		check(bufs, where);
		if (::testing::Test::HasFailure())
			return;   // one configuration's failures are enough to read
	}
}

uint16_t f32_to_f16(float f)
{
	const uint32_t x = f2u(f);
	const uint32_t sign = (x >> 16) & 0x8000u, mant = x & 0x7fffffu;
	const int32_t exp = (int32_t)((x >> 23) & 0xffu) - 127 + 15;
	if (((x >> 23) & 0xffu) == 0xffu)
		return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0u));
	if (exp >= 31)
		return (uint16_t)(sign | 0x7c00u);
	if (exp <= 0) {   // a half denormal or zero: units of 2^-24
		if (exp < -10)
			return (uint16_t)sign;
		const uint32_t m = mant | 0x800000u, shift = (uint32_t)(14 - exp);
		uint32_t h = m >> shift;
		const uint32_t rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
		if (rem > half || (rem == half && (h & 1u)))
			h++;
		return (uint16_t)(sign | h);
	}
	uint32_t h = ((uint32_t)exp << 10) | (mant >> 13);
	const uint32_t rem = mant & 0x1fffu;
	if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
		h++;   // a carry into the exponent is right, up to inf
	return (uint16_t)(sign | h);
}

float f16_to_f32(uint16_t h)
{
	const uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
	if (e == 0) {
		const float v = std::ldexp((float)m, -24);
		return sign ? -v : v;
	}
	if (e == 31)
		return u2f(sign | 0x7f800000u | (m << 13));
	return u2f(sign | ((e - 15 + 127) << 23) | (m << 13));
}

std::vector<Buffer> bound_buffers(uint32_t n)
{
	std::vector<Buffer> b(n);
	for (uint32_t k = 0; k < n; k++)
		b[k].binding = k;
	return b;
}

} // namespace mica::compiler::spectest
