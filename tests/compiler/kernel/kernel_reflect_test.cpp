// reflect_kernels on modules clang-15 + llvm-spirv-15 produced from OpenCL C (meson builds them
// from kernel/*.cl), with and without -cl-kernel-arg-info strings, and on malformed input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include "mica/compiler/compiler.h"
#include "mica/compiler/kernel_image_abi.h"

using namespace mica::compiler;

namespace {

std::vector<uint32_t> load(const std::string &name)
{
	const char *dir = getenv("MICA_KERNEL_SPV_DIR");
	std::ifstream f(std::string(dir ? dir : ".") + "/" + name, std::ios::binary);
	std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	EXPECT_FALSE(bytes.empty()) << name;
	std::vector<uint32_t> w(bytes.size() / 4);
	memcpy(w.data(), bytes.data(), w.size() * 4);
	return w;
}

KernelModuleInfo reflect(const std::vector<uint32_t> &w)
{
	auto r = reflect_kernels(w);
	if (auto *e = std::get_if<CompileError>(&r)) {
		ADD_FAILURE() << e->message;
		return {};
	}
	return std::get<KernelModuleInfo>(r);
}

void expect_arg(const KernelArg &a, KernelArgKind kind, uint32_t offset, uint32_t size, uint32_t align,
                const char *type, const char *name)
{
	EXPECT_EQ(a.kind, kind) << name;
	EXPECT_EQ(a.offset, offset) << name;
	EXPECT_EQ(a.size, size) << name;
	EXPECT_EQ(a.alignment, align) << name;
	EXPECT_EQ(a.type_name, type) << name;
	EXPECT_EQ(a.name, name);
}

} // namespace

// Offsets follow OpenCL C's layout: S {int, float, char, long} is 24 bytes aligned 8, float4 and
// float3 are 16 aligned 16, the packed P {char, int} 5 aligned 1; __local pointers take no bytes.
TEST(KernelReflect, ArgumentsWithArgInfo)
{
	KernelModuleInfo info = reflect(load("reflect_args.spv"));
	ASSERT_EQ(info.kernels.size(), 2u);
	const KernelInfo &k = info.kernels[0];
	EXPECT_EQ(k.name, "args");
	ASSERT_EQ(k.args.size(), 10u);
	using K = KernelArgKind;
	expect_arg(k.args[0], K::global_pointer, 0, 8, 8, "float*", "out");
	expect_arg(k.args[1], K::constant_pointer, 8, 8, 8, "int*", "cin");
	expect_arg(k.args[2], K::local_pointer, 16, 0, 8, "float*", "tmp");
	expect_arg(k.args[3], K::by_value, 16, 24, 8, "S", "s");
	expect_arg(k.args[4], K::by_value, 48, 16, 16, "float4", "v");
	expect_arg(k.args[5], K::by_value, 64, 4, 4, "uint", "n");
	expect_arg(k.args[6], K::global_pointer, 72, 8, 8, "int*", "q");
	expect_arg(k.args[7], K::by_value, 80, 1, 1, "char", "c");
	expect_arg(k.args[8], K::by_value, 81, 5, 1, "P", "p");
	expect_arg(k.args[9], K::by_value, 96, 16, 16, "float3", "f3");
	EXPECT_EQ(k.arg_block_bytes, 112u);
	EXPECT_TRUE(k.args[0].is_restrict);
	EXPECT_FALSE(k.args[0].is_const);
	EXPECT_TRUE(k.args[1].is_const);
	EXPECT_TRUE(k.args[6].is_const);
	EXPECT_TRUE(k.args[6].is_volatile);
	EXPECT_EQ(k.args[0].address, KernelArgAddress::global);
	EXPECT_EQ(k.args[1].address, KernelArgAddress::constant);
	EXPECT_EQ(k.args[2].address, KernelArgAddress::local);
	EXPECT_EQ(k.args[5].address, KernelArgAddress::private_);
	EXPECT_TRUE(k.args[0].has_arg_info);
	EXPECT_EQ(k.reqd_work_group_size, (std::array<uint32_t, 3>{64, 1, 1}));
	EXPECT_EQ(k.attributes, "reqd_work_group_size(64,1,1)");

	const KernelInfo &h = info.kernels[1];
	EXPECT_EQ(h.name, "hints");
	EXPECT_EQ(h.reqd_work_group_size, (std::array<uint32_t, 3>{0, 0, 0}));
	EXPECT_EQ(h.work_group_size_hint, (std::array<uint32_t, 3>{8, 4, 1}));
	EXPECT_EQ(h.vec_type_hint, "float4");
	EXPECT_EQ(h.arg_block_bytes, 8u);
	EXPECT_EQ(h.attributes, "work_group_size_hint(8,4,1) vec_type_hint(float4)");

	// Formats and %s strings once each, in module order.
	EXPECT_EQ(info.printf_strings, (std::vector<std::string>{"hi %d %s\n", "there", "again %f\n"}));
}

// Without the kernel_arg_type strings the names come from the SPIR-V types (no signedness).
TEST(KernelReflect, ArgumentsWithoutArgInfo)
{
	KernelModuleInfo info = reflect(load("reflect_args_noinfo.spv"));
	ASSERT_EQ(info.kernels.size(), 2u);
	const KernelInfo &k = info.kernels[0];
	ASSERT_EQ(k.args.size(), 10u);
	EXPECT_EQ(k.args[1].type_name, "uint*");
	EXPECT_EQ(k.args[3].type_name, "struct S");
	EXPECT_EQ(k.args[7].type_name, "uchar");
	EXPECT_FALSE(k.args[0].has_arg_info);
	EXPECT_EQ(k.args[3].offset, 16u);
	EXPECT_EQ(k.arg_block_bytes, 112u);
	EXPECT_TRUE(k.args[6].is_volatile);
}

TEST(KernelReflect, MalformedInputIsAnError)
{
	std::vector<uint32_t> w = load("reflect_args.spv");
	ASSERT_GT(w.size(), 20u);
	EXPECT_TRUE(std::holds_alternative<CompileError>(reflect_kernels(std::span(w).first(3))));
	std::vector<uint32_t> bad_magic = w;
	bad_magic[0] = 0x12345678;
	EXPECT_TRUE(std::holds_alternative<CompileError>(reflect_kernels(bad_magic)));
	// Every truncation and a zero word count: an error or a result, never a crash.
	for (size_t n = 5; n < w.size(); n += 7)
		(void)reflect_kernels(std::span(w).first(n));
	std::vector<uint32_t> zero = w;
	zero[5] = 0;
	EXPECT_TRUE(std::holds_alternative<CompileError>(reflect_kernels(zero)));
}

// Deterministic mutation fuzzing of Kernel-model modules (the corpus clang-15 + llvm-spirv-15
// built): bit flips, word replacements and truncations, through reflect_kernels and
// compile_spirv for every kernel of the seed. Nothing may crash or hang; errors are messages.
TEST(KernelFrontend, MutationFuzzing)
{
	std::mt19937 rng(4321);
	unsigned runs = 0, errors = 0;
	for (const char *module : {"basic.spv", "control.spv", "memory.spv", "printf.spv"}) {
		const std::vector<uint32_t> seed = load(module);
		ASSERT_GT(seed.size(), 5u);
		std::vector<std::string> kernels;
		for (const KernelInfo &k : reflect(seed).kernels)
			kernels.push_back(k.name);
		ASSERT_FALSE(kernels.empty());
		for (int it = 0; it < 250; it++) {
			std::vector<uint32_t> m = seed;
			const int edits = 1 + (int)(rng() % 3);
			for (int e = 0; e < edits && m.size() > 5; e++) {
				const size_t pos = 5 + rng() % (m.size() - 5);
				switch (rng() % 4) {
				case 0: m[pos] ^= 1u << (rng() % 32); break;
				case 1: m[pos] = rng(); break;
				case 2: m[pos] = rng() % 64; break;
				default: m.resize(std::max<size_t>(5, pos)); break;
				}
			}
			(void)reflect_kernels(m);
			Options o;
			o.entry_point = kernels[rng() % kernels.size()];
			o.local_size = {32, 1, 1};
			for (uint32_t a = 0; a < 4; a++)
				o.local_arg_bytes[a] = 256;
			auto r = compile_spirv(m, o);
			runs++;
			if (auto *e = std::get_if<CompileError>(&r)) {
				errors++;
				EXPECT_FALSE(e->message.empty());
			}
		}
	}
	EXPECT_GT(errors, runs / 3) << "most mutants are invalid and must be refused";
}

// Options a Kernel entry point needs, refused with a message naming them.
TEST(KernelFrontend, OptionErrors)
{
	const std::vector<uint32_t> m = load("memory.spv");
	auto error_of = [&](const Options &o) {
		auto r = compile_spirv(m, o);
		return std::holds_alternative<CompileError>(r) ? std::get<CompileError>(r).message : std::string();
	};
	Options o;
	o.entry_point = "reduce";
	EXPECT_NE(error_of(o).find("local size"), std::string::npos) << error_of(o);
	o.local_size = {64, 1, 1};
	EXPECT_NE(error_of(o).find("__local"), std::string::npos) << error_of(o);
	o.local_arg_bytes[2] = 70000;
	EXPECT_NE(error_of(o).find("exceeds"), std::string::npos) << error_of(o);
	o.local_arg_bytes[2] = 256;
	EXPECT_EQ(error_of(o), "");
	o.entry_point = "nope";
	EXPECT_NE(error_of(o).find("no Kernel entry point"), std::string::npos) << error_of(o);
	const std::vector<uint32_t> r = load("reflect_args.spv");
	Options q;
	q.entry_point = "args";
	q.local_size = {32, 1, 1};   // reqd_work_group_size(64, 1, 1)
	q.local_arg_bytes[2] = 256;
	auto res = compile_spirv(r, q);
	ASSERT_TRUE(std::holds_alternative<CompileError>(res));
	EXPECT_NE(std::get<CompileError>(res).message.find("reqd_work_group_size"), std::string::npos);
}

// Images and samplers: their descriptors inline in the argument block (kernel_image_abi.h), with
// the access qualifiers; every image kernel compiles for the texture unit.
TEST(KernelReflect, ImagesAndSamplers)
{
	const std::vector<uint32_t> w = load("images.spv");
	KernelModuleInfo info = reflect(w);
	ASSERT_EQ(info.kernels.size(), 2u);
	using K = KernelArgKind;
	namespace ki = mica::compiler::kernel_image;
	const KernelInfo &s = info.kernels[0];
	ASSERT_EQ(s.args.size(), 5u);
	// Offsets from the ABI's sizes (all multiples of 16): img, s, out, then vol 16-aligned, arr.
	constexpr uint32_t img = ki::kImageArgBytes, smp = ki::kSamplerArgBytes, vol_at = (img + smp + 8 + 15) / 16 * 16;
	expect_arg(s.args[0], K::image, 0, img, 16, "image2d_t", "img");
	expect_arg(s.args[1], K::sampler, img, smp, 16, "sampler_t", "s");
	expect_arg(s.args[2], K::global_pointer, img + smp, 8, 8, "float4*", "out");
	expect_arg(s.args[3], K::image, vol_at, img, 16, "image3d_t", "vol");
	expect_arg(s.args[4], K::image, vol_at + img, img, 16, "image2d_array_t", "arr");
	EXPECT_EQ(s.args[0].access, KernelArgAccess::read_only);
	EXPECT_EQ(s.arg_block_bytes, vol_at + 2 * img);
	const KernelInfo &st = info.kernels[1];
	ASSERT_EQ(st.args.size(), 5u);
	EXPECT_EQ(st.args[0].access, KernelArgAccess::write_only);
	EXPECT_EQ(st.args[3].access, KernelArgAccess::read_write);
	EXPECT_EQ(st.args[4].type_name, "image1d_buffer_t");
	for (const KernelInfo &k : info.kernels) {
		Options o;
		o.entry_point = k.name;
		o.local_size = {4, 1, 1};
		auto r = compile_spirv(w, o);
		const CompileError *e = std::get_if<CompileError>(&r);
		EXPECT_EQ(e, nullptr) << k.name << ": " << (e ? e->message : "");
	}
}
