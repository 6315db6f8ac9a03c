// The compiler's binaries are read back by the ISA library's parser and disassembler (the kernel
// validator and drivers use those), and the static verifier accepts what the compiler emits for
// every revision/profile while rejecting the same code compiled without the hazard pass.
#include <gtest/gtest.h>

#include <type_traits>

#include "compiler_internal.h"
#include "mica/compiler/compiler.h"
#include "mica/compiler/sec_check.h"
#include "mica/isa/binary.h"
#include "mica/isa/disassembler.h"

using namespace mica::compiler;

namespace {

const char *kShader = R"(#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer B { float data[]; };
shared float s[64];
void main() {
  uint l = gl_LocalInvocationID.x;
  s[l] = data[gl_GlobalInvocationID.x] * 2.0;
  barrier();
  float acc = 0.0;
  for (uint k = 0u; k < l; k++) acc += sqrt(s[k]) / float(k + 1u);
  data[gl_GlobalInvocationID.x] = acc;
})";

CompileResult compile(Options o)
{
	auto spv = glsl_to_spirv(kShader, "interop.comp");
	auto r = compile_spirv(std::get<std::vector<uint32_t>>(spv), o);
	if (auto *e = std::get_if<CompileError>(&r))
		ADD_FAILURE() << e->message;
	return std::get<CompileResult>(r);
}

TEST(Interop, IsaParserAcceptsCompilerBinaries)
{
	CompileResult r = compile({});
	std::vector<uint8_t> bytes = r.binary.serialize();
	auto parsed = mica::isa::parse_binary(bytes);
	ASSERT_TRUE(std::holds_alternative<mica::isa::Binary>(parsed)) << std::get<mica::isa::BinaryError>(parsed).message;
	const auto &b = std::get<mica::isa::Binary>(parsed);
	ASSERT_EQ(b.entries.size(), 1u);
	EXPECT_EQ(b.entries[0].name, "main");
	EXPECT_EQ(b.entries[0].vgpr_count, r.binary.entries[0].vgpr_count);
	EXPECT_EQ(b.entries[0].shared_bytes, 256u);
	EXPECT_EQ(b.entries[0].wg_size[0], 64);
	EXPECT_EQ(b.code, r.binary.code);
	std::string dis = mica::isa::disassemble_binary(b);
	EXPECT_NE(dis.find("s_endpgm"), std::string::npos);
	// One implementation of the format: the compiler's image is the ISA library's Binary, and
	// parsing its serialisation gives back exactly what the compiler produced.
	static_assert(std::is_same_v<BinaryImage, mica::isa::Binary>);
	static_assert(std::is_same_v<BinaryEntry, mica::isa::EntryPoint>);
	EXPECT_EQ(b, r.binary);
	EXPECT_EQ(b.serialize(), bytes);
}

TEST(Interop, VerifierAcceptsCompiledCodeForEveryTarget)
{
	for (uint32_t rev : {1u, 2u})
		for (uint32_t prof : {0u, 1u}) {
			Options o;
			o.revision = rev;
			o.power_profile = prof;
			CompileResult r = compile(o);
			auto v = verify_binary(r.binary);
			ASSERT_TRUE(std::holds_alternative<std::vector<Violation>>(v));
			EXPECT_TRUE(std::get<std::vector<Violation>>(v).empty()) << "r" << rev << " profile " << prof;
			// Code protected for r2/perf is not safe on r1/lowpower (the verifier takes the target).
		}
	Options o;
	CompileResult perf = compile(o);
	auto v = verify_binary(perf.binary, 1, 1);
	ASSERT_TRUE(std::holds_alternative<std::vector<Violation>>(v));
	EXPECT_FALSE(std::get<std::vector<Violation>>(v).empty());
}

TEST(Interop, VerifierRejectsUnprotectedCode)
{
	Options o;
	o.hazard_pass = false;
	o.waitcnt_pass = false;
	CompileResult r = compile(o);
	auto v = verify_binary(r.binary);
	ASSERT_TRUE(std::holds_alternative<std::vector<Violation>>(v));
	const auto &viol = std::get<std::vector<Violation>>(v);
	bool sec = false, mem = false;
	for (const Violation &x : viol) {
		sec |= x.hazard == MICA_HAZARD_SEC_WAVE_START_TLB;
		mem |= x.hazard == MICA_HAZARD_MEM_RESULT;
	}
	EXPECT_TRUE(sec);
	EXPECT_TRUE(mem);
}

std::vector<uint64_t> words_of(const std::vector<uint8_t> &code)
{
	std::vector<uint64_t> w(code.size() / 8);
	for (size_t i = 0; i < w.size(); i++)
		for (int b = 0; b < 8; b++)
			w[i] |= (uint64_t)code[i * 8 + b] << (8 * b);
	return w;
}

// The kernel-side C check agrees with the compiler: protected entries pass, unprotected fail.
TEST(Interop, KernelSecCheckAgrees)
{
	CompileResult good = compile({});
	auto w = words_of(good.binary.code);
	size_t bad = 0;
	EXPECT_EQ(mica_sec_check_wave_start(w.data(), w.size(), 0, &bad), MICA_SEC_OK);
	Options o;
	o.hazard_pass = false;
	CompileResult unprotected = compile(o);
	auto w2 = words_of(unprotected.binary.code);
	EXPECT_EQ(mica_sec_check_wave_start(w2.data(), w2.size(), 0, &bad), MICA_SEC_EARLY_ACCESS);
	EXPECT_EQ(mica_sec_check_wave_start(w2.data(), 0, 0, &bad), MICA_SEC_RUNS_OFF);
	uint64_t junk[2] = {~0ull, ~0ull};
	EXPECT_EQ(mica_sec_check_wave_start(junk, 2, 0, &bad), MICA_SEC_UNDECODABLE);
}

TEST(Interop, VerifierRejectsGarbageCode)
{
	BinaryImage img;
	img.code.assign(16, 0xff);
	BinaryEntry e;
	e.name = "main";
	img.entries.push_back(e);
	auto v = verify_binary(img);
	EXPECT_TRUE(std::holds_alternative<std::string>(v));
}

} // namespace
