// micac: the offline Mica compiler.
//   micac [options] INPUT [-o OUTPUT]
// INPUT: SPIR-V (.spv), GLSL compute source (.comp/.glsl), Mica assembly (.s, assembled with
// mica-as's assembler), or machine IR (.mir); with --verify, a Mica binary.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "asm.h"
#include "compiler_internal.h"
#include "mica/compiler/compiler.h"
#include "mica/isa/assembler.h"

using namespace mica::compiler;

namespace {

int usage()
{
	fprintf(stderr,
	        "usage: micac [options] INPUT [-o OUTPUT]\n"
	        "  INPUT            .spv (SPIR-V), .comp/.glsl (GLSL compute), .s (assembly), .mir (machine IR)\n"
	        "  -o FILE          write the binary (default: INPUT with .mbin)\n"
	        "  --support-table  print the supported SPIR-V capabilities and GLSL.std.450 instructions\n"
	        "  --rev r1|r2      chip revision (default r2)\n"
	        "  --profile perf|lowpower\n"
	        "  -O0 -O1 -O2      optimisation level (default -O2)\n"
	        "  --entry NAME     entry point (default main)\n"
	        "  --subgroup-size 8|16|32  lanes per subgroup of a GLCompute entry point (default 32, the\n"
	        "                   wave; VK_EXT_subgroup_size_control); SPIR-V and GLSL input only\n"
	        "  --reflect        INPUT is Kernel-model SPIR-V: print its kernels, arguments and printf strings\n"
	        "  --local-size X,Y,Z   work-group size of a Kernel entry point\n"
	        "  --local-arg I=BYTES  byte size of the __local pointer argument I (repeatable)\n"
	        "  --spec ID=VALUE  specialisation constant (repeatable)\n"
	        "  --disasm         print the generated code\n"
	        "  --stats          print statistics; --stats-json for JSON\n"
	        "  --print-passes   dump the IR after every pass\n"
	        "  --no-hazard-pass / --no-waitcnt   debugging: leave hazards unprotected\n"
	        "  --verify         INPUT is a binary: run the static hazard verifier\n");
	return 2;
}

bool read_file(const std::string &path, std::vector<uint8_t> &out)
{
	std::ifstream f(path, std::ios::binary);
	if (!f)
		return false;
	out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
	return true;
}

bool ends_with(const std::string &s, const char *suf)
{
	size_t n = strlen(suf);
	return s.size() >= n && s.compare(s.size() - n, n, suf) == 0;
}

} // namespace

int main(int argc, char **argv)
{
	Options opts;
	std::string input, output;
	bool disasm = false, stats = false, stats_json = false, verify = false, reflect = false;
	bool subgroup_size_given = false;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto next = [&]() -> std::string {
			if (i + 1 >= argc) {
				fprintf(stderr, "micac: %s needs a value\n", a.c_str());
				exit(2);
			}
			return argv[++i];
		};
		if (a == "-o") output = next();
		else if (a == "--rev") {
			std::string v = next();
			opts.revision = v == "r1" || v == "1" ? 1 : v == "r2" || v == "2" ? 2 : 0;
			if (!opts.revision) { fprintf(stderr, "micac: unknown revision %s\n", v.c_str()); return 2; }
		} else if (a == "--profile") {
			std::string v = next();
			if (v == "perf" || v == "0") opts.power_profile = 0;
			else if (v == "lowpower" || v == "1") opts.power_profile = 1;
			else { fprintf(stderr, "micac: unknown power profile %s\n", v.c_str()); return 2; }
		} else if (a == "-O0" || a == "-O1" || a == "-O2") opts.opt_level = a[2] - '0';
		else if (a == "--entry") opts.entry_point = next();
		else if (a == "--subgroup-size") {
			// Checked here as well as by the compiler, so that "8x" or "-8" is not read as 8 or as
			// 2^32 - 8, and assembly input (already code for whole waves) can be refused below.
			std::string v = next();
			char *end = nullptr;
			unsigned long n = v.empty() || v[0] == '-' ? 0 : strtoul(v.c_str(), &end, 10);
			if (!end || *end || (n != 8 && n != 16 && n != 32)) {
				fprintf(stderr, "micac: --subgroup-size takes 8, 16 or 32, not %s\n", v.c_str());
				return 2;
			}
			opts.subgroup_size = (uint32_t)n;
			subgroup_size_given = true;
		}
		else if (a == "--spec") {
			std::string v = next();
			size_t eq = v.find('=');
			if (eq == std::string::npos) { fprintf(stderr, "micac: --spec wants ID=VALUE\n"); return 2; }
			opts.spec_constants[(uint32_t)strtoul(v.substr(0, eq).c_str(), nullptr, 0)] =
				(uint64_t)strtoull(v.substr(eq + 1).c_str(), nullptr, 0);
		} else if (a == "--reflect") reflect = true;
		else if (a == "--local-size") {
			std::string v = next();
			unsigned x = 0, y = 0, z = 0;
			if (sscanf(v.c_str(), "%u,%u,%u", &x, &y, &z) != 3) { fprintf(stderr, "micac: --local-size wants X,Y,Z\n"); return 2; }
			opts.local_size = {x, y, z};
		} else if (a == "--local-arg") {
			std::string v = next();
			size_t eq = v.find('=');
			if (eq == std::string::npos) { fprintf(stderr, "micac: --local-arg wants INDEX=BYTES\n"); return 2; }
			opts.local_arg_bytes[(uint32_t)strtoul(v.substr(0, eq).c_str(), nullptr, 0)] =
				(uint32_t)strtoul(v.substr(eq + 1).c_str(), nullptr, 0);
		} else if (a == "--disasm") disasm = true;
		else if (a == "--stats") stats = true;
		else if (a == "--stats-json") stats_json = true;
		else if (a == "--print-passes") opts.print_passes = true;
		else if (a == "--no-hazard-pass") opts.hazard_pass = false;
		else if (a == "--no-waitcnt") opts.waitcnt_pass = false;
		else if (a == "--verify") verify = true;
		else if (a == "--support-table") {   // docs/compiler.md's generated tables
			fputs(support_table_markdown().c_str(), stdout);
			return 0;
		} else if (a == "-h" || a == "--help") return usage();
		else if (!a.empty() && a[0] == '-') { fprintf(stderr, "micac: unknown option %s\n", a.c_str()); return usage(); }
		else input = a;
	}
	if (input.empty())
		return usage();
	std::vector<uint8_t> bytes;
	if (!read_file(input, bytes)) {
		fprintf(stderr, "micac: cannot read %s\n", input.c_str());
		return 1;
	}
	if (subgroup_size_given && (verify || reflect || !(ends_with(input, ".spv") || ends_with(input, ".comp") ||
	                                                   ends_with(input, ".glsl")))) {
		fprintf(stderr, "micac: --subgroup-size applies to compiling SPIR-V or GLSL input, not to %s\n",
		        verify ? "--verify" : reflect ? "--reflect" : input.c_str());
		return 2;
	}
	if (verify) {
		auto img = mica::isa::parse_binary(bytes);
		if (auto *e = std::get_if<mica::isa::BinaryError>(&img)) {
			fprintf(stderr, "micac: %s: byte %zu: %s\n", input.c_str(), e->offset, e->message.c_str());
			return 1;
		}
		const BinaryImage &bin = std::get<BinaryImage>(img);
		bool explicit_target = false;
		for (int i = 1; i < argc; i++)
			explicit_target |= !strcmp(argv[i], "--rev") || !strcmp(argv[i], "--profile");
		auto res = verify_binary(bin, explicit_target ? (int)opts.revision : -1, explicit_target ? (int)opts.power_profile : -1);
		if (auto *e = std::get_if<std::string>(&res)) {
			fprintf(stderr, "micac: %s: %s\n", input.c_str(), e->c_str());
			return 1;
		}
		const auto &v = std::get<std::vector<Violation>>(res);
		for (const Violation &x : v)
			printf("%s: %s\n", input.c_str(), x.text.c_str());
		printf("%s: %zu hazard violation(s)\n", input.c_str(), v.size());
		return v.empty() ? 0 : 1;
	}
	std::variant<CompileResult, CompileError> res = CompileError{"no input"};
	if (ends_with(input, ".spv")) {
		if (bytes.size() % 4) {
			fprintf(stderr, "micac: %s: size is not a multiple of 4 bytes\n", input.c_str());
			return 1;
		}
		std::vector<uint32_t> words(bytes.size() / 4);
		memcpy(words.data(), bytes.data(), bytes.size());
		if (reflect) {
			auto info = reflect_kernels(words);
			if (auto *e = std::get_if<CompileError>(&info)) {
				fprintf(stderr, "micac: %s: %s\n", input.c_str(), e->message.c_str());
				return 1;
			}
			fputs(format_kernel_info(std::get<KernelModuleInfo>(info)).c_str(), stdout);
			return 0;
		}
		res = compile_spirv(words, opts);
	} else if (ends_with(input, ".comp") || ends_with(input, ".glsl")) {
		auto spv = glsl_to_spirv(std::string(bytes.begin(), bytes.end()), input);
		if (auto *e = std::get_if<CompileError>(&spv))
			res = *e;
		else
			res = compile_spirv(std::get<std::vector<uint32_t>>(spv), opts);
	} else if (ends_with(input, ".mir")) {
		res = compile_assembly(std::string(bytes.begin(), bytes.end()), opts);
	} else if (ends_with(input, ".s") || ends_with(input, ".asm")) {
		auto as = mica::isa::assemble(std::string_view((const char *)bytes.data(), bytes.size()), input);
		if (!as.binary) {
			for (const auto &d : as.diagnostics)
				fprintf(stderr, "%s\n", d.format().c_str());
			return 1;
		}
		if (as.binary->entries.empty()) {
			fprintf(stderr, "micac: %s: no entry point\n", input.c_str());
			return 1;
		}
		const auto &ep = as.binary->entries[0];
		BinaryEntry e;
		e.name = ep.name;
		e.code_offset = ep.code_offset;
		e.vgpr_count = ep.vgpr_count;
		e.sgpr_count = ep.sgpr_count;
		e.shared_bytes = ep.shared_bytes;
		for (int d = 0; d < 3; d++)
			e.wg_size[d] = ep.wg_size[d];
		res = finish_code(as.binary->code, e, opts);
	} else {
		fprintf(stderr, "micac: %s: unknown input type (expected .spv, .comp, .glsl, .s or .mir)\n", input.c_str());
		return 1;
	}
	if (auto *e = std::get_if<CompileError>(&res)) {
		if (opts.print_passes)
			std::cout << e->pass_log;
		fprintf(stderr, "micac: %s: %s\n", input.c_str(), e->message.c_str());
		return 1;
	}
	CompileResult &r = std::get<CompileResult>(res);
	if (opts.print_passes)
		std::cout << r.pass_log;
	if (disasm) {
		AsmProgram p;
		std::string err;
		if (!decode_program(r.binary.code, 0, p, err)) {
			fprintf(stderr, "micac: %s\n", err.c_str());
			return 1;
		}
		std::cout << print_asm(p);
	}
	if (stats)
		std::cout << format_stats(r.stats, false);
	if (stats_json)
		std::cout << format_stats(r.stats, true);
	if (output.empty()) {
		size_t dot = input.rfind('.');
		output = (dot == std::string::npos ? input : input.substr(0, dot)) + ".mbin";
	}
	std::vector<uint8_t> out = r.binary.serialize();
	std::ofstream f(output, std::ios::binary);
	if (!f.write((const char *)out.data(), (std::streamsize)out.size())) {
		fprintf(stderr, "micac: cannot write %s\n", output.c_str());
		return 1;
	}
	return 0;
}
