// Front-end fuzz target. Built as a libFuzzer target with clang (-fsanitize=fuzzer, see
// meson.build: compiler_fuzz_frontend), and linked into compiler_frontend_test where a
// deterministic mutation loop drives it, so the property "bad input gets an error, never a crash"
// is checked on every test run.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mica/compiler/compiler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::vector<uint32_t> words(size / 4);
	if (!words.empty())
		memcpy(words.data(), data, words.size() * 4);
	mica::compiler::Options o;
	o.opt_level = size % 3 == 0 ? 0 : 2;
	auto r = mica::compiler::compile_spirv(words, o);
	(void)r;
	return 0;
}
