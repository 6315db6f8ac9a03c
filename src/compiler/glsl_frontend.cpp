// GLSL compute source -> SPIR-V through glslang (default: Vulkan 1.2 target, SPIR-V 1.5; other
// target environments for tests of every SPIR-V version a Vulkan 1.3 driver must accept).
#include <glslang/Public/ResourceLimits.h>
#include <glslang/Public/ShaderLang.h>
#include <glslang/SPIRV/GlslangToSpv.h>

#include <mutex>

#include "mica/compiler/compiler.h"

namespace mica::compiler {

namespace {

struct Target {
	const char *name;
	glslang::EShTargetClientVersion client;
	glslang::EShTargetLanguageVersion spirv;
};

// glslangValidator's --target-env names. A bare SPIR-V version gets the oldest Vulkan client
// that allows it (Vulkan 1.0: SPIR-V 1.0; 1.1: up to 1.3, 1.4 with VK_KHR_spirv_1_4; 1.2: 1.5;
// 1.3: 1.6).
constexpr Target kTargets[] = {
	{"vulkan1.0", glslang::EShTargetVulkan_1_0, glslang::EShTargetSpv_1_0},
	{"vulkan1.1", glslang::EShTargetVulkan_1_1, glslang::EShTargetSpv_1_3},
	{"vulkan1.2", glslang::EShTargetVulkan_1_2, glslang::EShTargetSpv_1_5},
	{"vulkan1.3", glslang::EShTargetVulkan_1_3, glslang::EShTargetSpv_1_6},
	{"spirv1.0", glslang::EShTargetVulkan_1_0, glslang::EShTargetSpv_1_0},
	{"spirv1.1", glslang::EShTargetVulkan_1_0, glslang::EShTargetSpv_1_1},
	{"spirv1.2", glslang::EShTargetVulkan_1_0, glslang::EShTargetSpv_1_2},
	{"spirv1.3", glslang::EShTargetVulkan_1_1, glslang::EShTargetSpv_1_3},
	{"spirv1.4", glslang::EShTargetVulkan_1_1, glslang::EShTargetSpv_1_4},
	{"spirv1.5", glslang::EShTargetVulkan_1_2, glslang::EShTargetSpv_1_5},
	{"spirv1.6", glslang::EShTargetVulkan_1_3, glslang::EShTargetSpv_1_6},
};

} // namespace

std::variant<std::vector<uint32_t>, CompileError> glsl_to_spirv(const std::string &source, const std::string &filename)
{
	return glsl_to_spirv(source, filename, "vulkan1.2");
}

std::variant<std::vector<uint32_t>, CompileError> glsl_to_spirv(const std::string &source, const std::string &filename,
                                                              const std::string &target_env)
{
	const Target *target = nullptr;
	for (const Target &t : kTargets)
		if (target_env == t.name)
			target = &t;
	if (!target)
		return CompileError{"GLSL: unknown target environment '" + target_env +
		                    "' (vulkan1.0..vulkan1.3, spirv1.0..spirv1.6)"};
	static std::once_flag once;
	std::call_once(once, [] { glslang::InitializeProcess(); });
	glslang::TShader shader(EShLangCompute);
	const char *src = source.c_str();
	const char *name = filename.c_str();
	int len = (int)source.size();
	shader.setStringsWithLengthsAndNames(&src, &len, &name, 1);
	shader.setEnvInput(glslang::EShSourceGlsl, EShLangCompute, glslang::EShClientVulkan, 100);
	shader.setEnvClient(glslang::EShClientVulkan, target->client);
	shader.setEnvTarget(glslang::EShTargetSpv, target->spirv);
	shader.setEntryPoint("main");
	auto messages = (EShMessages)(EShMsgSpvRules | EShMsgVulkanRules);
	if (!shader.parse(GetDefaultResources(), 450, false, messages))
		return CompileError{"GLSL: " + std::string(shader.getInfoLog())};
	glslang::TProgram program;
	program.addShader(&shader);
	if (!program.link(messages))
		return CompileError{"GLSL link: " + std::string(program.getInfoLog())};
	std::vector<unsigned> spirv;
	glslang::SpvOptions opts;
	opts.validate = false;
	glslang::GlslangToSpv(*program.getIntermediate(EShLangCompute), spirv, &opts);
	return std::vector<uint32_t>(spirv.begin(), spirv.end());
}

} // namespace mica::compiler
