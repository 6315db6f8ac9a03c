// GLSL compute source -> SPIR-V through glslang (Vulkan 1.2 target, SPIR-V 1.5).
#include <glslang/Public/ResourceLimits.h>
#include <glslang/Public/ShaderLang.h>
#include <glslang/SPIRV/GlslangToSpv.h>

#include <mutex>

#include "mica/compiler/compiler.h"

namespace mica::compiler {

std::variant<std::vector<uint32_t>, CompileError> glsl_to_spirv(const std::string &source, const std::string &filename)
{
	static std::once_flag once;
	std::call_once(once, [] { glslang::InitializeProcess(); });
	glslang::TShader shader(EShLangCompute);
	const char *src = source.c_str();
	const char *name = filename.c_str();
	int len = (int)source.size();
	shader.setStringsWithLengthsAndNames(&src, &len, &name, 1);
	shader.setEnvInput(glslang::EShSourceGlsl, EShLangCompute, glslang::EShClientVulkan, 100);
	shader.setEnvClient(glslang::EShClientVulkan, glslang::EShTargetVulkan_1_2);
	shader.setEnvTarget(glslang::EShTargetSpv, glslang::EShTargetSpv_1_5);
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
