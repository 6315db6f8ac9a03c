// Front-end robustness: malformed and hostile SPIR-V must produce a clear error, never a crash.
#include <gtest/gtest.h>

#include <spirv-tools/libspirv.hpp>

#include <cstring>
#include <random>

#include "mica/compiler/compiler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

using namespace mica::compiler;

namespace {

std::vector<uint32_t> valid_module()
{
	const char *src = R"(#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer B { uint data[]; };
layout(push_constant) uniform P { uint n; } pc;
shared uint s[64];
void main() {
  uint i = gl_GlobalInvocationID.x;
  s[gl_LocalInvocationID.x] = data[i];
  barrier();
  uint acc = 0u;
  for (uint k = 0u; k < pc.n; k++)
    if ((s[k & 63u] & 1u) != 0u) acc += k; else acc ^= i;
  data[i] = acc + atomicAdd(data[0], 1u);
})";
	auto r = glsl_to_spirv(src, "fuzz_seed.comp");
	return std::get<std::vector<uint32_t>>(r);
}

std::string error_of(const std::vector<uint32_t> &words, Options o = {})
{
	auto r = compile_spirv(words, o);
	if (auto *e = std::get_if<CompileError>(&r))
		return e->message;
	return "";
}

TEST(Frontend, ValidModuleCompiles)
{
	EXPECT_EQ(error_of(valid_module()), "");
}

TEST(Frontend, EmptyAndTruncatedInput)
{
	EXPECT_NE(error_of({}).find("truncated"), std::string::npos);
	auto m = valid_module();
	for (size_t n : {1u, 4u, 5u, 9u, 17u}) {
		std::vector<uint32_t> t(m.begin(), m.begin() + (long)std::min(n, m.size()));
		EXPECT_NE(error_of(t), "") << n;
	}
	std::vector<uint32_t> t(m.begin(), m.end() - 3);
	EXPECT_NE(error_of(t), "");
}

TEST(Frontend, BadMagic)
{
	auto m = valid_module();
	m[0] = 0x12345678;
	EXPECT_NE(error_of(m).find("magic"), std::string::npos);
}

TEST(Frontend, HugeIdBound)
{
	auto m = valid_module();
	m[3] = 0xfffffff0u;
	EXPECT_NE(error_of(m).find("id bound"), std::string::npos);
}

TEST(Frontend, InvalidIdIsReportedByTheValidator)
{
	auto m = valid_module();
	// Point the first OpStore/OpLoad operand somewhere that does not exist.
	for (size_t i = 5; i < m.size();) {
		uint32_t wc = m[i] >> 16, op = m[i] & 0xffff;
		if (op == 61 /* OpLoad */ && wc >= 4) {
			m[i + 3] = m[3] + 100;
			break;
		}
		i += wc ? wc : 1;
	}
	std::string e = error_of(m);
	EXPECT_NE(e.find("invalid SPIR-V"), std::string::npos) << e;
}

// The validator runs without friendly names on the fast path; a module it rejects is validated
// again with them, so the message still names the ids ('%main', not '%1').
TEST(Frontend, ValidatorMessagesNameTheIds)
{
	const char *text = R"(
               OpCapability Shader
               OpMemoryModel Logical GLSL450
               OpEntryPoint GLCompute %main "main"
               OpExecutionMode %main LocalSize 1 1 1
               OpName %main "main"
       %uint = OpTypeInt 32 0
      %fnty = OpTypeFunction %uint
     %uint_1 = OpConstant %uint 1
       %main = OpFunction %uint None %fnty
      %entry = OpLabel
               OpReturnValue %uint_1
               OpFunctionEnd
)";
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	std::vector<uint32_t> m;
	ASSERT_TRUE(tools.Assemble(text, &m));
	const std::string e = error_of(m);
	EXPECT_NE(e.find("invalid SPIR-V"), std::string::npos) << e;
	EXPECT_NE(e.find("[%main]"), std::string::npos) << e; // without friendly names: [%1]
}

// Modules that validated are remembered by content (a pipeline created again with other
// specialization constants skips validating the same words): a module that differs from a
// validated one in a single word is still validated, and rejected.
TEST(Frontend, OneWordFromAValidatedModuleIsStillValidated)
{
	auto m = valid_module();
	ASSERT_EQ(error_of(m), "");
	ASSERT_EQ(error_of(m), "") << "the remembered module compiles again";
	bool changed = false;
	for (size_t i = 5; i < m.size() && !changed;) {
		const uint32_t wc = m[i] >> 16, op = m[i] & 0xffff;
		if (op == 62 /* OpStore */ && wc >= 3) {
			m[i + 1] = m[3] + 7; // an id that does not exist
			changed = true;
		}
		i += wc ? wc : 1;
	}
	ASSERT_TRUE(changed);
	EXPECT_NE(error_of(m).find("invalid SPIR-V"), std::string::npos);
}

TEST(Frontend, HugeWordCountInInstruction)
{
	auto m = valid_module();
	m[5] = (0xffffu << 16) | (m[5] & 0xffff);
	EXPECT_NE(error_of(m), "");
}

TEST(Frontend, UnsupportedCapabilityIsNamed)
{
	// 16-bit float atomics: the device has no 16-bit atomic (f32/f64 min/max compile).
	const char *src = R"(#version 450
#extension GL_EXT_shader_atomic_float2 : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
layout(local_size_x = 1) in;
layout(set = 0, binding = 0) buffer B { float16_t data[]; };
void main() { atomicMin(data[0], data[1]); })";
	auto spv = glsl_to_spirv(src, "fmin.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	std::string e = error_of(std::get<std::vector<uint32_t>>(spv));
	EXPECT_NE(e.find("AtomicFloat16MinMaxEXT"), std::string::npos) << e;
}

// Images compile (texture unit, spirv_image.cpp); what the unit cannot do is refused by name.
TEST(Frontend, ImagesCompileAndUnsupportedImageFeaturesAreRefused)
{
	const char *ok = R"(#version 450
layout(local_size_x = 1) in;
layout(set = 0, binding = 0, r32ui) uniform uimage2D img;
void main() { imageStore(img, ivec2(0), uvec4(1)); imageAtomicAdd(img, ivec2(1), 2u); })";
	auto spv = glsl_to_spirv(ok, "img.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	EXPECT_EQ(error_of(std::get<std::vector<uint32_t>>(spv)), "");
	const char *ms = R"(#version 450
layout(local_size_x = 1) in;
layout(set = 0, binding = 0, r32ui) uniform uimage2DMS img;
void main() { imageStore(img, ivec2(0), 0, uvec4(1)); })";
	spv = glsl_to_spirv(ms, "ms.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	// Multisampled storage images compile (the sample index is the texture unit's fourth register).
	std::string e = error_of(std::get<std::vector<uint32_t>>(spv));
	EXPECT_EQ(e, "");
	const char *grad = R"(#version 450
layout(local_size_x = 1) in;
layout(set = 0, binding = 0) uniform sampler2D s;
layout(set = 0, binding = 1) buffer B { vec4 o; };
void main() { o = textureGrad(s, vec2(0.5), vec2(0.1), vec2(0.1)); })";
	spv = glsl_to_spirv(grad, "grad.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	e = error_of(std::get<std::vector<uint32_t>>(spv));
	EXPECT_NE(e.find("Grad"), std::string::npos) << e;
	// Dynamically uniform indices into image arrays compile (read from the first active lane);
	// indices the shader declares non-uniform are refused rather than silently made uniform.
	const char *uniform = R"(#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) uniform sampler2D s[4];
layout(set = 0, binding = 1) buffer B { int k; vec4 o[]; };
void main() { o[gl_LocalInvocationIndex] = textureLod(s[k & 3], vec2(0.5), 0.0); })";
	spv = glsl_to_spirv(uniform, "uniform.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	EXPECT_EQ(error_of(std::get<std::vector<uint32_t>>(spv)), "");
	const char *nonuniform = R"(#version 450
#extension GL_EXT_nonuniform_qualifier : require
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) uniform sampler2D s[4];
layout(set = 0, binding = 1) buffer B { vec4 o[]; };
void main() { o[gl_LocalInvocationIndex] = textureLod(s[nonuniformEXT(gl_LocalInvocationIndex & 3u)], vec2(0.5), 0.0); })";
	spv = glsl_to_spirv(nonuniform, "nonuniform.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	e = error_of(std::get<std::vector<uint32_t>>(spv));
	EXPECT_NE(e.find("SampledImageArrayNonUniformIndexing"), std::string::npos) << e;   // the capability
}

TEST(Frontend, WrongEntryPointName)
{
	Options o;
	o.entry_point = "nope";
	EXPECT_NE(error_of(valid_module(), o).find("nope"), std::string::npos);
}

TEST(Frontend, BadGlslGivesTheCompilerLog)
{
	auto r = glsl_to_spirv("#version 450\nvoid main() { undefined_thing(); }\n", "bad.comp");
	ASSERT_TRUE(std::holds_alternative<CompileError>(r));
	EXPECT_NE(std::get<CompileError>(r).message.find("undefined_thing"), std::string::npos);
}

TEST(Frontend, BadOptions)
{
	Options o;
	o.revision = 7;
	EXPECT_NE(error_of(valid_module(), o).find("revision"), std::string::npos);
	o.revision = 2;
	o.power_profile = 9;
	EXPECT_NE(error_of(valid_module(), o).find("profile"), std::string::npos);
}

// Deterministic fuzzing through the libFuzzer entry point: random bit flips, word
// replacements and truncations of a valid module. Nothing may crash or hang.
TEST(Frontend, MutationFuzzing)
{
	auto seed = valid_module();
	std::mt19937 rng(1234);
	unsigned errors = 0;
	const int iterations = 400;
	for (int it = 0; it < iterations; it++) {
		std::vector<uint32_t> m = seed;
		int edits = 1 + (int)(rng() % 4);
		for (int e = 0; e < edits; e++) {
			size_t pos = 5 + rng() % (m.size() - 5);
			switch (rng() % 4) {
			case 0: m[pos] ^= 1u << (rng() % 32); break;
			case 1: m[pos] = rng(); break;
			case 2: m[pos] = rng() % 64; break;
			default: m.resize(std::max<size_t>(5, pos)); break;
			}
		}
		std::vector<uint8_t> bytes(m.size() * 4);
		memcpy(bytes.data(), m.data(), bytes.size());
		LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
		errors += !error_of(m).empty();
	}
	// Most mutants are invalid; they were rejected rather than compiled into garbage.
	EXPECT_GT(errors, (unsigned)iterations / 2);
}

} // namespace

namespace {

std::string glsl_error(const char *src)
{
	auto spv = glsl_to_spirv(src, "refused.comp");
	if (!std::holds_alternative<std::vector<uint32_t>>(spv))
		return "glslang: " + std::get<CompileError>(spv).message;
	return error_of(std::get<std::vector<uint32_t>>(spv));
}

}

// What the newer lowerings still refuse, each with a message naming it.
// (Refused until issue 10; executed with host references in spec/layout_test.cpp.)
TEST(Frontend, RowMajorMatrixColumnAccessCompiles)
{
	std::string e = glsl_error(R"(#version 450
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) buffer B { layout(row_major) mat3 m; vec3 o; };
void main() { o = m[1]; })");
	EXPECT_EQ(e, "");
}

// (Refused until issue 10; executed in spec/glsl_std450_test.cpp.)
TEST(Frontend, Float64FrexpCompiles)
{
	std::string e = glsl_error(R"(#version 450
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) buffer B { double d; };
void main() { int e; d = frexp(d, e) + double(e); })");
	EXPECT_EQ(e, "");
}

TEST(Frontend, FormerlyRefusedFeaturesCompile)
{
	// matrices, umulExtended, packHalf2x16, atan2, smoothstep, frexp, 64-bit division,
	// switch fall-through, a break arm that is the loop's merge
	std::string e = glsl_error(R"(#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) buffer B { mat2 m; uint u[4]; float f; uint64_t q; };
void main() {
  vec2 v = m * vec2(f, 1.0);
  uint hi, lo; umulExtended(u[0], u[1], hi, lo);
  int e; float mant = frexp(f, e);
  u[2] = packHalf2x16(v) + hi + lo + uint(e);
  f = atan(v.x, v.y) + smoothstep(0.0, 1.0, mant);
  q = q / uint64_t(u[3] + 1u);
  switch (u[3]) { case 0u: f += 1.0; case 1u: f *= 2.0; break; default: break; }
  for (;;) { if (atomicAdd(u[0], 1u) > 3u) break; }
})");
	EXPECT_EQ(e, "");
}

namespace {

std::vector<uint32_t> assemble(const std::string &text)
{
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	std::vector<uint32_t> words;
	EXPECT_TRUE(tools.Assemble(text, &words)) << text;
	return words;
}

const char *kDemoteModule = R"(OpCapability Shader
OpCapability DemoteToHelperInvocation
OpExtension "SPV_KHR_terminate_invocation"
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main"
OpExecutionMode %main LocalSize 1 1 1
%void = OpTypeVoid
%fn = OpTypeFunction %void
%main = OpFunction %void None %fn
%entry = OpLabel
DEMOTE
OpReturn
OpFunctionEnd
)";

std::string with(std::string text, const std::string &what, const std::string &by)
{
	text.replace(text.find(what), what.size(), by);
	return text;
}

} // namespace

TEST(Frontend, DemoteAndTerminateInvocationAreAcceptedButFragmentOnly)
{
	// shaderDemoteToHelperInvocation / shaderTerminateInvocation: a compute module may declare
	// the capability and the extension ...
	EXPECT_EQ(error_of(assemble(with(kDemoteModule, "DEMOTE", "OpNop"))), "");
	// ... while the instructions themselves are refused by the validator in GLCompute.
	std::string e = error_of(assemble(with(kDemoteModule, "DEMOTE", "OpDemoteToHelperInvocation")));
	EXPECT_NE(e.find("Fragment"), std::string::npos) << e;
	e = error_of(assemble(with(with(kDemoteModule, "DEMOTE\nOpReturn", "OpTerminateInvocation"), "OpCapability DemoteToHelperInvocation\n", "")));
	EXPECT_NE(e.find("Fragment"), std::string::npos) << e;
	EXPECT_TRUE(shader_features().demote_to_helper_invocation);
	EXPECT_TRUE(shader_features().terminate_invocation);
}

// SPIR-V 1.3 modules declare SPV_KHR_physical_storage_buffer, which SPIRV-Tools 2023.1's
// promotion passes do not know: they used to skip the module, leaving every local in scratch
// memory (8 bytes per lane here; the memory-model CTS cases with physbuffer payloads ran into the
// kernel's job timeout). The same shader as SPIR-V 1.5 (extension core) is the reference.
TEST(Frontend, LocalsArePromotedInSpirv13ModulesWithBufferDeviceAddresses)
{
	const std::string src = "#version 450\n#extension GL_EXT_buffer_reference : require\n"
	                        "layout(local_size_x = 64) in;\n"
	                        "layout(buffer_reference) buffer P { uint x[]; };\n"
	                        "layout(push_constant) uniform PC { P p; };\n"
	                        "layout(set = 0, binding = 0) buffer O { uint o[]; };\n"
	                        "void main() { uint a = gl_LocalInvocationID.x; bool pass = true;\n"
	                        "  if (p.x[a] == 3u) pass = false; o[a] = pass ? 1u : 0u; }\n";
	// A vector local read whole and by component, in a Vulkan-memory-model module (SPIR-V 1.3
	// declares SPV_KHR_vulkan_memory_model, unknown to local access-chain conversion).
	const std::string vmm = "#version 450\n#pragma use_vulkan_memory_model\n"
	                        "layout(local_size_x = 8, local_size_y = 8) in;\n"
	                        "layout(set = 0, binding = 0) buffer O { uint o[]; };\n"
	                        "void main() { ivec2 l = ivec2(gl_LocalInvocationID.xy); uint c = l.y * 8 + l.x;\n"
	                        "  ivec2 q = l + 1; o[c] = uint(q.x) + uint(l.y); }\n";
	for (const char *env : {"vulkan1.1", "vulkan1.2"}) {
		auto spv = glsl_to_spirv(vmm, "vmm_locals.comp", env);
		ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv)) << std::get<CompileError>(spv).message;
		auto r = compile_spirv(std::get<std::vector<uint32_t>>(spv), Options{});
		ASSERT_TRUE(std::holds_alternative<CompileResult>(r)) << env << ": " << std::get<CompileError>(r).message;
		EXPECT_EQ(std::get<CompileResult>(r).stats.scratch_bytes, 0u) << env << " (memory model)";
	}
	for (const char *env : {"vulkan1.1", "vulkan1.2"}) {
		auto spv = glsl_to_spirv(src, "bda_locals.comp", env);
		ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv)) << std::get<CompileError>(spv).message;
		auto r = compile_spirv(std::get<std::vector<uint32_t>>(spv), Options{});
		ASSERT_TRUE(std::holds_alternative<CompileResult>(r)) << env << ": " << std::get<CompileError>(r).message;
		EXPECT_EQ(std::get<CompileResult>(r).stats.scratch_bytes, 0u) << env;
	}
}

TEST(Frontend, UnsupportedCapabilitiesAreRefusedByNameVariablePointersAccepted)
{
	// Variable pointers are implemented (varptr_exec_test.cpp) and advertised; a capability that
	// is not (sparse residency) is still refused by name.
	std::string e = error_of(assemble(with(with(kDemoteModule, "DEMOTE", "OpNop"), "OpCapability DemoteToHelperInvocation",
	                                       "OpCapability SparseResidency")));
	EXPECT_NE(e.find("SparseResidency"), std::string::npos) << e;
	e = error_of(assemble(with(with(with(kDemoteModule, "DEMOTE", "OpNop"), "OpCapability DemoteToHelperInvocation",
	                                "OpCapability VariablePointersStorageBuffer\nOpCapability VariablePointers"),
	                           "OpExtension \"SPV_KHR_terminate_invocation\"", "OpExtension \"SPV_KHR_variable_pointers\"")));
	EXPECT_EQ(e, "");
	EXPECT_TRUE(shader_features().variable_pointers_storage_buffer);
	EXPECT_TRUE(shader_features().variable_pointers);
}

TEST(Frontend, IntegerDotProductOn8BitVectorsIsAccepted)
{
	// DotProductInput4x8Bit works on 8-bit vectors, which Int8 provides (executed in
	// feature_exec_test.cpp).
	std::string e = error_of(assemble(with(with(with(kDemoteModule, "DEMOTE", "OpNop"), "OpCapability DemoteToHelperInvocation",
	                                            "OpCapability Int8\nOpCapability DotProduct\nOpCapability DotProductInput4x8Bit"),
	                                       "OpExtension \"SPV_KHR_terminate_invocation\"", "OpExtension \"SPV_KHR_integer_dot_product\"")));
	EXPECT_EQ(e, "");
	EXPECT_TRUE(shader_features().integer_dot_product);
	EXPECT_TRUE(shader_features().int8);
	EXPECT_TRUE(shader_features().int16);
	EXPECT_TRUE(shader_features().float16);
	EXPECT_TRUE(shader_features().storage_buffer_8bit);
	EXPECT_TRUE(shader_features().storage_buffer_16bit);
	EXPECT_TRUE(shader_features().subgroup_extended_types);
}

TEST(Frontend, NullInitialisedSharedMemoryIsZeroedBeforeTheBody)
{
	// 100 + 4 + 1 dwords, 48 invocations: 3 + 1 + 1 cooperative stores, then the barrier, before
	// any of the shader's own code (the device model clears shared memory itself, so the
	// execution test alone would not show this).
	const char *src = R"(#version 460
#extension GL_EXT_null_initializer : require
layout(local_size_x = 48) in;
struct S { uint a; float b; uvec2 c; };
shared uint counts[100] = {};
shared S s = {};
shared uint total = {};
layout(std430, set = 0, binding = 0) buffer Out { uint o[]; };
void main() { atomicAdd(total, 1u); counts[gl_LocalInvocationIndex] = s.a; barrier(); o[gl_LocalInvocationIndex] = total + counts[3]; })";
	auto spv = glsl_to_spirv(src, "zero.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
	Options o;
	o.print_passes = true;
	auto r = compile_spirv(std::get<std::vector<uint32_t>>(spv), o);
	ASSERT_TRUE(std::holds_alternative<CompileResult>(r)) << std::get<CompileError>(r).message;
	const std::string &log = std::get<CompileResult>(r).pass_log;
	size_t start = log.find("; after spirv_to_ir");
	ASSERT_NE(start, std::string::npos);
	size_t first_barrier = log.find("  barrier", start);
	size_t first_atomic = log.find("atomic_shared", start);
	ASSERT_NE(first_barrier, std::string::npos);
	EXPECT_LT(first_barrier, first_atomic);
	size_t stores = 0;
	for (size_t p = log.find("store_shared", start); p < first_barrier; p = log.find("store_shared", p + 1))
		stores++;
	EXPECT_EQ(stores, 5u);
	EXPECT_TRUE(shader_features().zero_initialize_workgroup_memory);
}

TEST(Frontend, WorkgroupMemoryBeyondTheDeviceLimitIsRefused)
{
	// Zero-initialised shared memory of any size within the limit compiles (a 16 KiB array zeroed
	// by one invocation: cf_exec_test.cpp runs such shaders); beyond the limit it is refused.
	std::string e = glsl_error(R"(#version 460
#extension GL_EXT_null_initializer : require
layout(local_size_x = 1) in;
shared uint big[16384] = {};
shared uint more[4] = {};
layout(std430, set = 0, binding = 0) buffer Out { uint o[]; };
void main() { o[0] = big[o[1]] + more[o[2]]; })");
	EXPECT_NE(e.find("exceeds the device limit"), std::string::npos) << e;
}

// One name may name entry points of several execution models (the CTS's
// spirv_assembly.instruction.compute.multiple_shaders.shader2 puts a Vertex "entrypoint2" before
// the GLCompute one): a compute pipeline takes the GLCompute entry point wherever it is, the
// other stages' gl_PerVertex block and Output variable do not stop it, and a name whose only entry
// points are of other models is refused with the model named.
TEST(Frontend, EntryPointNameSharedByAVertexShader)
{
	const std::string module = R"(OpCapability Shader
OpMemoryModel Logical GLSL450
OpEntryPoint Vertex %vs "ep" %pv
OpEntryPoint GLCompute %cs "ep"
OpEntryPoint Vertex %vs2 "vonly"
OpExecutionMode %cs LocalSize 64 1 1
OpMemberDecorate %PerVertex 0 BuiltIn Position
OpDecorate %PerVertex Block
%void = OpTypeVoid
%fn = OpTypeFunction %void
%float = OpTypeFloat 32
%v4 = OpTypeVector %float 4
%int = OpTypeInt 32 1
%int0 = OpConstant %int 0
%one = OpConstant %float 1
%pos = OpConstantComposite %v4 %one %one %one %one
%PerVertex = OpTypeStruct %v4
%out_ptr = OpTypePointer Output %PerVertex
%out_v4 = OpTypePointer Output %v4
%pv = OpVariable %out_ptr Output
%vs = OpFunction %void None %fn
%vl = OpLabel
%p = OpAccessChain %out_v4 %pv %int0
OpStore %p %pos
OpReturn
OpFunctionEnd
%vs2 = OpFunction %void None %fn
%v2l = OpLabel
OpReturn
OpFunctionEnd
%cs = OpFunction %void None %fn
%cl = OpLabel
OpReturn
OpFunctionEnd
)";
	Options o;
	o.entry_point = "ep";
	auto r = compile_spirv(assemble(module), o);
	ASSERT_FALSE(std::holds_alternative<CompileError>(r)) << std::get<CompileError>(r).message;
	o.entry_point = "vonly";
	const std::string e = error_of(assemble(module), o);
	EXPECT_NE(e.find("has execution model Vertex"), std::string::npos) << e;
}

// VK_KHR_shader_clock: the subgroup clock (the wave's cycle counter, s_getreg_b32 CYCLE_HI/LO) and
// the device clock (clockRealtimeEXT: s_timestamp_b64, golden glsl_shader_clock.test) compile;
// OpReadClockKHR at any other scope is refused.
TEST(Frontend, ShaderClockScopes)
{
	for (const char *ext : {"GL_ARB_shader_clock", "GL_EXT_shader_realtime_clock"}) {
		const bool device = std::string(ext) == "GL_EXT_shader_realtime_clock";
		auto spv = glsl_to_spirv(std::string("#version 450\n#extension ") + ext + R"( : require
#extension GL_ARB_gpu_shader_int64 : require
layout(local_size_x = 1) in;
layout(set = 0, binding = 0) buffer B { uint64_t t; };
void main() { t = )" + (device ? "clockRealtimeEXT" : "clockARB") + "(); }",
		                         "clock.comp");
		ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv));
		EXPECT_EQ(error_of(std::get<std::vector<uint32_t>>(spv)), "") << ext;
	}
	const char *module = R"(OpCapability Shader
OpCapability Int64
OpCapability ShaderClockKHR
OpExtension "SPV_KHR_shader_clock"
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main"
OpExecutionMode %main LocalSize 1 1 1
%void = OpTypeVoid
%fn = OpTypeFunction %void
%u32 = OpTypeInt 32 0
%u64 = OpTypeInt 64 0
%scope = OpConstant %u32 SCOPE
%main = OpFunction %void None %fn
%entry = OpLabel
%t = OpReadClockKHR %u64 %scope
OpReturn
OpFunctionEnd
)";
	EXPECT_EQ(error_of(assemble(with(module, "SCOPE", "1"))), "");  // Device
	EXPECT_EQ(error_of(assemble(with(module, "SCOPE", "3"))), "");  // Subgroup
	EXPECT_NE(error_of(assemble(with(module, "SCOPE", "2"))), "");  // Workgroup
	EXPECT_TRUE(shader_features().shader_subgroup_clock);
	EXPECT_TRUE(shader_features().shader_device_clock);
}

// Every sampled texture of a block holds a 12-SGPR image + sampler descriptor tuple. The list
// scheduler hoisted all their loads to the top of the block, so a dozen samples in one block (CTS
// binding_model.descriptor_copy.compute.combined_image_sampler_array2: two arrays of 4 and 8
// sampler2D) needed ~290 SGPRs at once and register allocation gave up even after spilling 316
// SGPRs to VGPR lanes. A block whose scheduled order needs more SGPRs than the file keeps its
// original order, where each descriptor is loaded just before its sample.
TEST(Frontend, ManyCombinedImageSamplersInOneBlockFitTheScalarFile)
{
	for (unsigned n : {12u, 32u}) {
		std::string src = "#version 450\nlayout(local_size_x = 1) in;\n"
		                  "layout(set = 0, binding = 0) uniform sampler2D a[4];\n"
		                  "layout(set = 0, binding = 1) uniform sampler2D b[" + std::to_string(n - 4) + "];\n"
		                  "layout(set = 0, binding = 2) buffer B { int data; };\n"
		                  "void main() {\n  int r = 1;\n";
		for (unsigned i = 0; i < n; i++)
			src += "  if (texture(" + std::string(i < 4 ? "a[" : "b[") + std::to_string(i < 4 ? i : i - 4) +
			       "], vec2(0)).x != " + std::to_string(2748 + i) + ".0) r = 0;\n";
		src += "  data = r;\n}\n";
		auto spv = glsl_to_spirv(src, "samplers.comp");
		ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv)) << std::get<CompileError>(spv).message;
		for (uint32_t rev : {1u, 2u}) {
			Options o;
			o.revision = rev;
			auto r = compile_spirv(std::get<std::vector<uint32_t>>(spv), o);
			ASSERT_TRUE(std::holds_alternative<CompileResult>(r))
				<< n << " samplers, r" << rev << ": " << std::get<CompileError>(r).message;
			const Stats &st = std::get<CompileResult>(r).stats;
			EXPECT_LE(st.sgprs, (uint32_t)MICA_SGPRS_PER_WAVE) << n << " samplers";
			EXPECT_EQ(st.spills, 0u) << n << " samplers: the original order needs no spills";
		}
	}
}

// gl_DeviceIndex (the DeviceGroup capability, core SPIR-V 1.3) is 0: the driver's device groups
// have one physical device (CTS compute.pipeline.device_group.device_index was refused). The value
// is executed in the corpus (builtin_device_index.comp), also on lavapipe through vk_corpus.
TEST(Frontend, DeviceIndexBuiltinIsZero)
{
	auto spv = glsl_to_spirv(R"(#version 450
#extension GL_EXT_device_group : require
layout(local_size_x = 1) in;
layout(set = 0, binding = 0) buffer B { int d; };
void main() { d = gl_DeviceIndex; })", "device_index.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv)) << std::get<CompileError>(spv).message;
	EXPECT_EQ(error_of(std::get<std::vector<uint32_t>>(spv)), "");
}

namespace {

// A function id used as a value: SPIRV-Tools 2023.1's validator refuses it as an operand of most
// instructions but accepts it as a call argument of the function's return type, and its
// aggressive DCE then crashed the process (a front-end fuzzer finding, tests/compiler/fuzz). USE
// is replaced by the instruction under test.
// The output buffer the modules below store into: its decorations and its types (%u32 and the
// void function type among them), in the order the module layout wants them.
const std::string kOutDecorations = R"(OpDecorate %rt ArrayStride 4
OpMemberDecorate %blk 0 Offset 0
OpDecorate %blk Block
OpDecorate %out DescriptorSet 0
OpDecorate %out Binding 0
)";
const std::string kOutTypes = R"(%void = OpTypeVoid
%fn = OpTypeFunction %void
%u32 = OpTypeInt 32 0
%rt = OpTypeRuntimeArray %u32
%blk = OpTypeStruct %rt
%pblk = OpTypePointer StorageBuffer %blk
%psu = OpTypePointer StorageBuffer %u32
%out = OpVariable %pblk StorageBuffer
)";

const std::string kFunctionIdAsValue = R"(OpCapability Shader
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main" %out
OpExecutionMode %main LocalSize 1 1 1
OpName %twice "twice"
)" + kOutDecorations + kOutTypes + R"(%fu = OpTypeFunction %u32 %u32
%c0 = OpConstant %u32 0
%c3 = OpConstant %u32 3
%twice = OpFunction %u32 None %fu
%x = OpFunctionParameter %u32
%tb = OpLabel
%y = OpIAdd %u32 %x %x
OpReturnValue %y
OpFunctionEnd
%main = OpFunction %void None %fn
%entry = OpLabel
USE
%p = OpAccessChain %psu %out %c0 %c0
OpStore %p %r
OpReturn
OpFunctionEnd
)";

} // namespace

TEST(Frontend, FunctionIdUsedAsAValueIsRefused)
{
	// Called (and named): fine.
	EXPECT_EQ(error_of(assemble(with(kFunctionIdAsValue, "USE", "%r = OpFunctionCall %u32 %twice %c3"))), "");
	for (const char *use : {"%r = OpFunctionCall %u32 %twice %twice", "%r = OpIAdd %u32 %twice %c3"}) {
		const auto words = assemble(with(kFunctionIdAsValue, "USE", use));
		for (int opt : {2, 0}) {
			Options o;
			o.opt_level = opt;
			const std::string e = error_of(words, o);
			EXPECT_EQ(e.rfind("invalid SPIR-V: ", 0), 0u) << use << " -O" << opt << ": " << e;
			EXPECT_NE(e.find("function"), std::string::npos) << use << " -O" << opt << ": " << e;
		}
	}
}

// An OpExecutionModeId operand must be a constant instruction (SPIR-V spec, OpExecutionModeId);
// SPIRV-Tools 2023.1's validator accepts any id of the right type, and its aggressive DCE then
// crashed the process on a LocalSizeId naming a dead OpLoad (front-end fuzzer, one bit flipped in
// the corpus's cf_return_escapes). SIZE is replaced by the y size under test.
TEST(Frontend, NonConstantExecutionModeIdOperandIsRefused)
{
	const std::string module = R"(OpCapability Shader
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main" %out
OpExecutionModeId %main LocalSizeId %c4 SIZE %c1
OpDecorate %k SpecId 3
)" + kOutDecorations + kOutTypes + R"(%c0 = OpConstant %u32 0
%c1 = OpConstant %u32 1
%c4 = OpConstant %u32 4
%k = OpSpecConstant %u32 2
%main = OpFunction %void None %fn
%entry = OpLabel
%p = OpAccessChain %psu %out %c0 %c0
%x = OpLoad %u32 %p
%y = OpIAdd %u32 %x %c1
OpStore %p %c4
OpReturn
OpFunctionEnd
)";
	// Constants and specialization constants: fine.
	for (const char *size : {"%c1", "%k"})
		EXPECT_EQ(error_of(assemble(with(module, "SIZE", size))), "") << size;
	// A load (dead after the store) and an arithmetic result: refused, naming the operand.
	for (const char *size : {"%x", "%y"}) {
		const auto words = assemble(with(module, "SIZE", size));
		for (int opt : {2, 0}) {
			Options o;
			o.opt_level = opt;
			const std::string e = error_of(words, o);
			EXPECT_EQ(e.rfind("invalid SPIR-V: ", 0), 0u) << size << " -O" << opt << ": " << e;
			EXPECT_NE(e.find("operand 3 of OpExecutionModeId LocalSizeId"), std::string::npos) << size << " -O" << opt << ": " << e;
		}
	}
}

// The compiler keeps canonicalised modules by their whole input (spirv_prepare.cpp,
// PreparedModules), so one module compiled for several targets is canonicalised once. A hit must
// give what a fresh canonicalisation gives, and nothing that differs in the words, the
// specialization constants, the optimisation level or the entry point may share an entry:
// each pair below compiles differently, in interleaved orders, and every repeat matches its first.
TEST(Frontend, CanonicalisedModulesAreKeptPerInputSpecLevelAndEntryPoint)
{
	const std::string src = "#version 450\nlayout(local_size_x = 64) in;\n"
	                        "layout(constant_id = 0) const uint K = 3u;\n"
	                        "layout(set = 0, binding = 0) buffer B { uint d[]; };\n"
	                        "void main() { uint i = gl_GlobalInvocationID.x; uint a = d[i];\n"
	                        "  for (uint k = 0u; k < 4u; k++) a = a * K + k; d[i] = a; }\n";
	auto spv = glsl_to_spirv(src, "prepared_modules.comp");
	ASSERT_TRUE(std::holds_alternative<std::vector<uint32_t>>(spv)) << std::get<CompileError>(spv).message;
	const std::vector<uint32_t> words = std::get<std::vector<uint32_t>>(spv);
	std::vector<uint32_t> other = words;   // the same module with another default for K
	bool patched = false;
	for (size_t i = 5; i + 3 < other.size() && !patched; i += other[i] >> 16)
		if ((other[i] & 0xffff) == 50 /* OpSpecConstant */ && other[i + 3] == 3u)
			other[i + 3] = 7u, patched = true;
	ASSERT_TRUE(patched);

	// The program as the front end translated it (the canonicalised module in the compiler's IR,
	// before any of its passes) and the final binary.
	auto compiled = [](const std::vector<uint32_t> &w, Options o) {
		o.print_passes = true;
		auto r = compile_spirv(w, o);
		EXPECT_TRUE(std::holds_alternative<CompileResult>(r)) << std::get<CompileError>(r).message;
		if (!std::holds_alternative<CompileResult>(r))
			return std::pair<std::string, std::vector<uint8_t>>{};
		const CompileResult &c = std::get<CompileResult>(r);
		const size_t next = c.pass_log.find("; after ", 1);
		return std::pair{c.pass_log.substr(0, next), c.binary.serialize()};
	};
	Options base, spec5, o1, r1;
	spec5.spec_constants[0] = 5;
	o1.opt_level = 1;   // the same recipe but for -O2's unrolling of small constant loops
	r1.revision = 1;
	const auto a = compiled(words, base), b = compiled(other, base), c = compiled(words, spec5),
	           d = compiled(words, o1), e = compiled(words, r1);
	EXPECT_NE(a.first.find("after spirv_to_ir"), std::string::npos) << a.first;
	EXPECT_NE(a.first, b.first) << "the words";
	EXPECT_NE(a.first, c.first) << "the specialization constants";
	EXPECT_NE(b.first, c.first);
	EXPECT_NE(a.first, d.first) << "the optimisation level";
	EXPECT_EQ(a.first, e.first) << "the same module for another revision: canonicalised alike";
	EXPECT_NE(a.second, e.second) << "but compiled for it";
	for (int round = 0; round < 2; round++) {
		EXPECT_EQ(compiled(other, base), b);
		EXPECT_EQ(compiled(words, spec5), c);
		EXPECT_EQ(compiled(words, r1), e);
		EXPECT_EQ(compiled(words, o1), d);
		EXPECT_EQ(compiled(words, base), a);
	}
	// Another entry point of the same words is another module.
	const char *two_entries = R"(
OpCapability Shader
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %first "main" %out
OpEntryPoint GLCompute %second "second" %out
OpExecutionMode %first LocalSize 1 1 1
OpExecutionMode %second LocalSize 1 1 1
OpDecorate %arr ArrayStride 4
OpMemberDecorate %blk 0 Offset 0
OpDecorate %blk Block
OpDecorate %out DescriptorSet 0
OpDecorate %out Binding 0
%void = OpTypeVoid
%fn = OpTypeFunction %void
%uint = OpTypeInt 32 0
%arr = OpTypeRuntimeArray %uint
%blk = OpTypeStruct %arr
%ptr_blk = OpTypePointer StorageBuffer %blk
%ptr_uint = OpTypePointer StorageBuffer %uint
%out = OpVariable %ptr_blk StorageBuffer
%c0 = OpConstant %uint 0
%c11 = OpConstant %uint 11
%c22 = OpConstant %uint 22
%first = OpFunction %void None %fn
%l1 = OpLabel
%p1 = OpAccessChain %ptr_uint %out %c0 %c0
OpStore %p1 %c11
OpReturn
OpFunctionEnd
%second = OpFunction %void None %fn
%l2 = OpLabel
%p2 = OpAccessChain %ptr_uint %out %c0 %c0
OpStore %p2 %c22
OpReturn
OpFunctionEnd
)";
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_2);
	std::vector<uint32_t> two;
	ASSERT_TRUE(tools.Assemble(two_entries, &two));
	Options second;
	second.entry_point = "second";
	const auto m = compiled(two, base), n = compiled(two, second);
	EXPECT_NE(m.first.find("11"), std::string::npos) << m.first;
	EXPECT_NE(n.first.find("22"), std::string::npos) << "the entry point: " << n.first;
	for (int round = 0; round < 2; round++) {
		EXPECT_EQ(compiled(two, base), m);
		EXPECT_EQ(compiled(two, second), n);
	}
	Options missing;
	missing.entry_point = "not_main";
	for (int round = 0; round < 2; round++) {
		auto r = compile_spirv(words, missing);
		ASSERT_TRUE(std::holds_alternative<CompileError>(r));
		EXPECT_NE(std::get<CompileError>(r).message.find("not_main"), std::string::npos) << std::get<CompileError>(r).message;
	}
}
