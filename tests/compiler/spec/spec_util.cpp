#include "spec_util.h"

#include <spirv-tools/libspirv.hpp>

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

std::vector<Buffer> bound_buffers(uint32_t n)
{
	std::vector<Buffer> b(n);
	for (uint32_t k = 0; k < n; k++)
		b[k].binding = k;
	return b;
}

} // namespace mica::compiler::spectest
