// Front-end fuzz target. Built as a libFuzzer target with clang (-fsanitize=fuzzer, see
// meson.build: compiler_fuzz_frontend), and linked into compiler_frontend_test where a
// deterministic mutation loop drives it, so the property "bad input gets an error, never a crash"
// is checked on every test run. A valid input whose canonicalised module does not validate (SPIRV-Tools
// broke it and no fallback recipe helped, docs/compiler.md) is a finding too: the input validated,
// so refusing it is the compiler's defect, not the application's.
#include <cstdlib>
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
	if (auto *e = std::get_if<mica::compiler::CompileError>(&r); e && e->message.rfind("internal error: canonicalised", 0) == 0)
		abort();
	return 0;
}
