// Pass-level golden tests in the FileCheck style of ACO's and LLVM's tests. Each file in golden/
// starts with a RUN line naming the stage, then the input (IR text, machine IR with physical
// registers, or GLSL), with CHECK lines (comments in the input language) on the output:
//   ; RUN: mid constant_fold dce      mid-level IR through the listed passes, printed
//   ; RUN: isel | regalloc | schedule | merge_shared_loads | rotate   mid-level IR -> machine IR
//     (uniformity + edge split first; then the named machine pass; merge_shared_loads also takes
//     machine IR; rotate: allocation, then the loop rotation, fold_scc_compares and
//     fold_constant_guards of pass_rotate_loops.cpp)
//   ; RUN: asm waitcnt hazards rev=1 profile=1   machine IR -> final code, listed passes, printed
//   ; RUN: verify rev=1 profile=0     machine IR -> static hazard verifier report
//   // RUN: glsl mid|disasm|error      GLSL through the whole front end (mid IR / final code /
//                                     the compile error)
//   ; RUN: spvasm mid|error            SPIR-V assembly (Vulkan 1.3), the same stages
#include <gtest/gtest.h>

#include <dirent.h>

#include <spirv-tools/libspirv.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "asm.h"
#include "compiler_internal.h"
#include "filecheck.h"
#include "passes.h"
#include "spirv_prepare.h"
#include "spirv_to_ir.h"

using namespace mica::compiler;
using namespace mica::compiler::ir;

namespace {

std::string golden_dir()
{
	const char *d = getenv("MICA_GOLDEN_DIR");
	return d ? d : "tests/compiler/golden";
}

std::vector<std::string> golden_files()
{
	std::vector<std::string> files;
	if (DIR *d = opendir(golden_dir().c_str())) {
		while (dirent *e = readdir(d)) {
			std::string n = e->d_name;
			if (n.size() > 5 && n.substr(n.size() - 5) == ".test")
				files.push_back(n);
		}
		closedir(d);
	}
	std::sort(files.begin(), files.end());
	return files;
}

std::string run_stage(const std::string &text, std::string &error)
{
	std::istringstream is(text);
	std::string line, run;
	while (std::getline(is, line))
		if (line.find("RUN:") != std::string::npos) {
			run = line.substr(line.find("RUN:") + 4);
			break;
		}
	std::istringstream rs(run);
	std::vector<std::string> words;
	std::string w;
	while (rs >> w)
		words.push_back(w);
	if (words.empty()) {
		error = "no RUN line";
		return "";
	}
	Options opts;
	opts.print_passes = false;
	std::vector<std::string> passes;
	for (size_t i = 1; i < words.size(); i++) {
		if (words[i].rfind("rev=", 0) == 0)
			opts.revision = (uint32_t)std::stoul(words[i].substr(4));
		else if (words[i].rfind("profile=", 0) == 0)
			opts.power_profile = (uint32_t)std::stoul(words[i].substr(8));
		else if (words[i].rfind("O=", 0) == 0)
			opts.opt_level = std::stoi(words[i].substr(2));
		else if (words[i] == "robust")   // robustBufferAccess
			opts.robust_buffer_access = true;
		else if (words[i] == "robust2")  // robustBufferAccess2
			opts.robust_buffer_access = opts.robust_buffer_access2 = true;
		else
			passes.push_back(words[i]);
	}
	const std::string &stage = words[0];
	if (stage == "glsl" || stage == "spvasm") {
		std::variant<std::vector<uint32_t>, CompileError> spv;
		if (stage == "glsl") {
			spv = glsl_to_spirv(text, "golden.comp");
		} else {
			spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
			std::string diag;
			tools.SetMessageConsumer([&](spv_message_level_t, const char *, const spv_position_t &p, const char *m) {
				diag += "line " + std::to_string(p.line + 1) + ": " + m;
			});
			std::vector<uint32_t> words_out;
			if (!tools.Assemble(text, &words_out, SPV_TEXT_TO_BINARY_OPTION_PRESERVE_NUMERIC_IDS))
				spv = CompileError{"spirv-as: " + diag};
			else
				spv = words_out;
		}
		if (auto *e = std::get_if<CompileError>(&spv)) {
			error = e->message;
			return "";
		}
		std::string what = passes.empty() ? "mid" : passes[0];
		if (what == "mid") {
			PrepareResult pr = prepare_spirv(std::get<std::vector<uint32_t>>(spv), {}, opts.opt_level);
			Program mid;
			const RobustAccess robust = opts.robust_buffer_access2 ? RobustAccess::per_component
			                            : opts.robust_buffer_access ? RobustAccess::per_access
			                                                        : RobustAccess::off;
			if (!pr.ok || !spirv_to_ir(pr.words, "main", mid, error, robust)) {
				if (!pr.ok)
					error = pr.error;
				return "";
			}
			std::string log;
			if (!run_mid_passes(mid, opts, log, error))
				return "";
			return print_program(mid);
		}
		auto res = compile_spirv(std::get<std::vector<uint32_t>>(spv), opts);
		if (auto *e = std::get_if<CompileError>(&res))
			return "error: " + e->message + "\n";
		if (what == "error")
			return "compiled without error\n";
		AsmProgram p;
		if (!decode_program(std::get<CompileResult>(res).binary.code, 0, p, error))
			return "";
		return print_asm(p);
	}
	Program p;
	if (!parse_program(text, p, error))
		return "";
	p.revision = opts.revision;
	p.power_profile = opts.power_profile;
	if (stage == "mid") {
		for (const std::string &pass : passes) {
			if (pass == "constant_fold") constant_fold(p);
			else if (pass == "dce") dce(p);
			else if (pass == "fold_offsets") fold_offsets(p);
			else if (pass == "cse") cse(p);
			else if (pass == "licm") licm(p);
			else if (pass == "flatten_selections") flatten_selections(p);
			else if (pass == "split_critical_edges") split_critical_edges(p);
			else if (pass == "uniformity") uniformity(p);
			else if (pass == "structurize") {
				if (!structurize(p, error))
					return "error: " + error + "\n";
			}
			else {
				error = "unknown pass " + pass;
				return "";
			}
			std::string v = verify(p);
			if (!v.empty()) {
				error = "IR invalid after " + pass + ": " + v;
				return "";
			}
		}
		return print_program(p);
	}
	if (stage == "isel" || stage == "regalloc" || stage == "schedule" || stage == "merge_shared_loads" ||
	    stage == "rotate") {
		Program m;
		if (p.level == Level::machine && stage == "merge_shared_loads") {
			m = std::move(p);
			m.compute_linear_cfg();
		} else {
			split_critical_edges(p);
			uniformity(p);
			if (!isel(p, m, error))
				return "";
		}
		if (stage == "merge_shared_loads") {
			merge_shared_loads(m);
			if (std::string v = verify(m); !v.empty()) {
				error = "IR invalid after merge_shared_loads: " + v;
				return "";
			}
		}
		if (stage == "schedule")
			schedule(m);
		if ((stage == "regalloc" || stage == "rotate") && !register_allocate(m, error))
			return "";
		if (stage == "rotate") {
			rotate_uniform_loops(m);
			fold_scc_compares(m);
			fold_constant_guards(m);
			if (std::string v = verify(m); !v.empty()) {
				error = "IR invalid after the rotation passes: " + v;
				return "";
			}
		}
		return print_program(m);
	}
	if (stage == "asm" || stage == "verify") {
		if (p.level != Level::machine) {
			error = "asm/verify stages take machine IR";
			return "";
		}
		p.compute_linear_cfg();
		AsmProgram as;
		if (!lower_to_asm(p, as, error))
			return "";
		if (stage == "verify") {
			std::vector<uint8_t> code;
			if (!encode_program(as, code, error))
				return "";
			std::string out;
			for (const Violation &v : verify_hazards(as))
				out += v.text + "\n";
			return out.empty() ? "no violations\n" : out;
		}
		HazardPassStats hs;
		for (const std::string &pass : passes) {
			if (pass == "waitcnt")
				insert_waits(as, hs);
			else if (pass == "hazards")
				insert_hazard_nops(as, hs);
			else {
				error = "unknown pass " + pass;
				return "";
			}
		}
		// Whatever the passes produced must pass the verifier.
		std::string out = print_asm(as);
		std::vector<uint8_t> code;
		if (!encode_program(as, code, error))
			return "";
		if (std::find(passes.begin(), passes.end(), "hazards") != passes.end() &&
		    std::find(passes.begin(), passes.end(), "waitcnt") != passes.end())
			for (const Violation &v : verify_hazards(as))
				out += "VERIFIER: " + v.text + "\n";
		return out;
	}
	error = "unknown stage " + stage;
	return "";
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, Matches)
{
	std::ifstream f(golden_dir() + "/" + GetParam());
	std::stringstream ss;
	ss << f.rdbuf();
	std::string text = ss.str();
	std::string error;
	std::string out = run_stage(text, error);
	ASSERT_EQ(error, "") << GetParam();
	std::string m = mica::compiler::test::filecheck(text, out);
	EXPECT_EQ(m, "") << GetParam() << "\n--- output ---\n" << out;
}

std::string test_name(const ::testing::TestParamInfo<std::string> &info)
{
	std::string n = info.param.substr(0, info.param.size() - 5);
	for (char &c : n)
		if (!isalnum((unsigned char)c))
			c = '_';
	return n;
}

INSTANTIATE_TEST_SUITE_P(Files, Golden, ::testing::ValuesIn(golden_files()), test_name);

TEST(GoldenMeta, FilesArePresent)
{
	EXPECT_GE(golden_files().size(), 20u);
}

// The IR printer and parser round-trip.
TEST(IrText, PrintParseRoundTrip)
{
	for (const std::string &file : golden_files()) {
		std::ifstream f(golden_dir() + "/" + file);
		std::stringstream ss;
		ss << f.rdbuf();
		std::string text = ss.str();
		if (text.rfind("program ", 0) != 0 && text.find("\nprogram ") == std::string::npos)
			continue;
		Program p, q;
		std::string err;
		ASSERT_TRUE(parse_program(text, p, err)) << file << ": " << err;
		std::string once = print_program(p);
		ASSERT_TRUE(parse_program(once, q, err)) << file << ": " << err << "\n" << once;
		EXPECT_EQ(print_program(q), once) << file;
	}
}

// Operands that read or write part of a tuple print their dwords (".K", ".K-L") and, once
// allocated, the register of that dword; the parser reads both back to the same operands.
TEST(IrText, TuplePartsRoundTrip)
{
	const std::string text = "program machine wg(64,1,1)\n"
	                         "BB0:\n"
	                         "  %1:v1@v8 = v_mov_b32 v0\n"
	                         "  %2:v4@v[12:15] = ds_load_b128 %1:v1@v8\n"
	                         "  %3:s2.1@s23 = v_readlane_b32 %2:v4.2@v14, 0\n"
	                         "  %4:v2@v[16:17] = v_mov_b64 %2:v4.2-3@v[14:15]\n"
	                         "  s_endpgm\n";
	Program p;
	std::string err;
	ASSERT_TRUE(parse_program(text, p, err)) << err;
	const Operand &read = p.blocks[0].instrs[2].ops[0], &written = p.blocks[0].instrs[2].defs[0];
	EXPECT_EQ(read.part, 2u);
	EXPECT_EQ(read.size, 1u);
	EXPECT_EQ(written.part, 1u);
	EXPECT_EQ(p.temp_reg[2], p.temp_reg[1] + 4u) << "v14 is dword 2 of a tuple at v12";
	EXPECT_EQ(p.blocks[0].instrs[3].ops[0].size, 2u);
	const std::string printed = print_program(p);
	EXPECT_NE(printed.find("%3:s2.1@s23 = v_readlane_b32 %2:v4.2@v14"), std::string::npos) << printed;
	EXPECT_NE(printed.find("v_mov_b64 %2:v4.2-3@v[14:15]"), std::string::npos) << printed;
	Program q;
	ASSERT_TRUE(parse_program(printed, q, err)) << err;
	EXPECT_EQ(print_program(q), printed);
	EXPECT_FALSE(parse_program("program machine\nBB0:\n  %1:v1 = v_mov_b32 %2:v4.4\n", q, err))
		<< "a dword past the tuple";
	EXPECT_FALSE(parse_program("program machine\nBB0:\n  %1:v1 = v_mov_b32 %2:v4.3-1\n", q, err));
}

TEST(IrText, ParserRejectsGarbage)
{
	Program p;
	std::string err;
	EXPECT_FALSE(parse_program("program mid\nBB0:\n  %1:q9 = iadd 1, 2\n", p, err));
	EXPECT_NE(err.find("line 3"), std::string::npos) << err;
	EXPECT_FALSE(parse_program("program mid\nBB1:\n", p, err));
	EXPECT_FALSE(parse_program("program mid\nBB0:\n  br BB7\n", p, err));
	EXPECT_FALSE(parse_program("BB0:\n", p, err));
	EXPECT_FALSE(parse_program("program mid\nBB0:\n  %1:u1 = frobnicate 1\n", p, err));
}

TEST(IrVerifier, CatchesBrokenSsaAndPhis)
{
	Program p;
	std::string err;
	ASSERT_TRUE(parse_program("program mid\nBB0:\n  %1:u1 = iadd 1, 2\n  %1:u1 = iadd 3, 4\n  ret\n", p, err)) << err;
	EXPECT_NE(verify(p).find("not SSA"), std::string::npos);
	ASSERT_TRUE(parse_program("program mid\nBB0:\n  %1:u1 = iadd %2:u1, 2\n  ret\n", p, err)) << err;
	EXPECT_NE(verify(p).find("undefined"), std::string::npos);
	ASSERT_TRUE(parse_program("program mid\nBB0:\n  br BB1\nBB1:\n  %1:u1 = phi 1, BB0, 2, BB1\n  ret\n", p, err)) << err;
	EXPECT_NE(verify(p).find("phi"), std::string::npos);
	ASSERT_TRUE(parse_program("program mid\nBB0:\n  %1:u1 = iadd 1, 2\n", p, err)) << err;
	EXPECT_NE(verify(p).find("terminator"), std::string::npos);
}

} // namespace
