// Compile-time benchmark: median (and fastest) milliseconds per shader over the execution corpus
// (SPIR-V -> binary; GLSL is translated once outside the timed region). Each repetition sets a
// specialization constant the shader does not declare to a new value, as vk_bench's pipeline
// creation does: the compiler's caches of canonicalised modules key on the constants, so every
// repetition is a real compilation, not a cache hit.
//   compiler_compile_bench [CORPUS_DIR] [REPEATS]
#include <dirent.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mica/compiler/compiler.h"

using namespace mica::compiler;

// A specialization constant id no shader of the corpus declares.
constexpr uint32_t kUnusedSpecId = 1000;

int main(int argc, char **argv)
{
	std::string dir = argc > 1 ? argv[1] : (getenv("MICA_CORPUS_DIR") ? getenv("MICA_CORPUS_DIR") : "tests/compiler/corpus");
	int repeats = argc > 2 ? atoi(argv[2]) : 5;
	std::vector<std::string> files;
	if (DIR *d = opendir(dir.c_str())) {
		while (dirent *e = readdir(d)) {
			std::string n = e->d_name;
			if (n.size() > 5 && n.substr(n.size() - 5) == ".comp")
				files.push_back(n);
		}
		closedir(d);
	}
	std::sort(files.begin(), files.end());
	if (files.empty()) {
		fprintf(stderr, "no shaders in %s\n", dir.c_str());
		return 1;
	}
	std::vector<double> medians;
	for (const std::string &f : files) {
		std::ifstream in(dir + "/" + f);
		std::stringstream ss;
		ss << in.rdbuf();
		auto spv = glsl_to_spirv(ss.str(), f);
		if (!std::holds_alternative<std::vector<uint32_t>>(spv)) {
			fprintf(stderr, "%s: %s\n", f.c_str(), std::get<CompileError>(spv).message.c_str());
			return 1;
		}
		const auto &words = std::get<std::vector<uint32_t>>(spv);
		Options o;
		if (f == "spec_constants.comp")
			o.spec_constants = {{0, 64}};
		std::vector<double> times;
		for (int r = 0; r < repeats; r++) {
			o.spec_constants[kUnusedSpecId] = 0x5eed0000u + (uint32_t)r;
			auto t0 = std::chrono::steady_clock::now();
			auto res = compile_spirv(words, o);
			auto t1 = std::chrono::steady_clock::now();
			if (auto *e = std::get_if<CompileError>(&res)) {
				fprintf(stderr, "%s: %s\n", f.c_str(), e->message.c_str());
				return 1;
			}
			times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
		}
		std::sort(times.begin(), times.end());
		double med = times[times.size() / 2];
		medians.push_back(med);
		printf("%-36s %8.3f ms (fastest %.3f)\n", f.c_str(), med, times.front());
	}
	std::vector<double> sorted = medians;
	std::sort(sorted.begin(), sorted.end());
	double total = 0;
	for (double m : medians)
		total += m;
	printf("shaders: %zu, median %.3f ms per shader, mean %.3f ms, max %.3f ms\n", medians.size(),
	       sorted[sorted.size() / 2], total / (double)medians.size(), sorted.back());
	return 0;
}
