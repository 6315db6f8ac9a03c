// SPDX-License-Identifier: MIT
// Assembler behaviour beyond round trips: layout of kernels, padding, literals chosen
// automatically, float formats, register counting, const data and directives.
#include <gtest/gtest.h>

#include <bit>
#include <random>

#include "mica/isa/disassembler.h"
#include "test_util.h"

namespace {

using namespace mica::isa;
using mica::isa::testing::assemble_ok;

mica_inst decode_at(const Binary &b, size_t off)
{
	uint64_t w[2] = {code_word(b.code, off), off + 16 <= b.code.size() ? code_word(b.code, off + 8) : 0};
	mica_inst inst{};
	EXPECT_EQ(mica_decode(w, off + 16 <= b.code.size() ? 2 : 1, &inst, nullptr), MICA_DEC_OK);
	return inst;
}

TEST(Assembler, InlineConstantsAndLiterals)
{
	const Binary b = assemble_ok("v_mov_b32 v0, 64\nv_mov_b32 v0, 65\nv_mov_b32 v0, -16\nv_mov_b32 v0, -17\n"
				     "v_mov_b32 v0, -4.0\nv_mov_b32 v0, 0.25\nv_mov_b32 v0, lit(1)\n");
	mica_inst i = decode_at(b, 0);
	EXPECT_EQ(i.opnd[1], MICA_OPND_INT_CONST_LAST);
	i = decode_at(b, 8);
	EXPECT_EQ(i.opnd[1], MICA_OPND_LITERAL);
	EXPECT_EQ(i.literal, 65u);
	i = decode_at(b, 24);
	EXPECT_EQ(i.opnd[1], MICA_OPND_INT_NEG_LAST);
	i = decode_at(b, 32);
	EXPECT_EQ(i.literal, 0xffffffefu);
	i = decode_at(b, 48);
	EXPECT_EQ(i.opnd[1], MICA_OPND_FLOAT_LAST);
	i = decode_at(b, 56);
	EXPECT_EQ(i.literal, std::bit_cast<uint32_t>(0.25f));
	i = decode_at(b, 72);
	EXPECT_EQ(i.opnd[1], MICA_OPND_LITERAL);
	EXPECT_EQ(i.literal, 1u);
	EXPECT_EQ(b.code.size(), 88u);
}

TEST(Assembler, FloatLiteralFollowsOperandFormat)
{
	const Binary b = assemble_ok("v_add_f16 v0, v1, 1.5\nv_add_f64 v[0:1], v[2:3], 1.5\nv_add_f32 v0, v1, 0.0\n");
	EXPECT_EQ(decode_at(b, 0).literal, 0x3e00u);
	EXPECT_EQ(decode_at(b, 16).literal, std::bit_cast<uint64_t>(1.5));
	EXPECT_EQ(decode_at(b, 32).opnd[2], MICA_OPND_INT_CONST_FIRST);  // 0.0 is the all-zero pattern
}

TEST(Assembler, NegativeLiteralIsSignExtendedFor64BitOperands)
{
	const Binary b = assemble_ok("v_mov_b64 v[0:1], -100\ns_mov_b32 s0, -100\n");
	EXPECT_EQ(decode_at(b, 0).literal, static_cast<uint64_t>(-100));
	EXPECT_EQ(decode_at(b, 16).literal, 0xffffff9cu);
}

TEST(Assembler, KernelsArePaddedWithNops)
{
	const Binary b = assemble_ok(".kernel a\ns_endpgm\n.kernel b\ns_endpgm\n");
	ASSERT_EQ(b.entries.size(), 2u);
	EXPECT_EQ(b.entries[0].code_offset, 0u);
	EXPECT_EQ(b.entries[1].code_offset, MICA_CODE_ALIGNMENT);
	EXPECT_EQ(b.code.size(), MICA_CODE_ALIGNMENT + 8);
	for (size_t off = 8; off < MICA_CODE_ALIGNMENT; off += 8) {
		const mica_inst i = decode_at(b, off);
		EXPECT_EQ(i.info->opcode, MICA_OP_S_NOP);
		EXPECT_EQ(i.imm, 0);
	}
}

TEST(Assembler, RegisterCountsDefaultToWhatTheKernelUses)
{
	const Binary b = assemble_ok(".kernel a\nv_mov_b64 v[6:7], 0\ns_load_b128 s[8:11], off, s[0:1]\ns_endpgm\n"
				     ".kernel b\n.vgprs 10\nv_mov_b32 v1, s3\ns_endpgm\n");
	EXPECT_EQ(b.entries[0].vgpr_count, 8u);
	EXPECT_EQ(b.entries[0].sgpr_count, 12u);
	EXPECT_EQ(b.entries[1].vgpr_count, 10u);
	EXPECT_EQ(b.entries[1].sgpr_count, 4u);
}

TEST(Assembler, LabelsAndBranches)
{
	const Binary b = assemble_ok("top:\ns_nop 0\ns_branch top\ns_branch fwd\ns_nop 1\nfwd: s_endpgm\n");
	EXPECT_EQ(decode_at(b, 8).imm, -16);
	EXPECT_EQ(decode_at(b, 16).imm, 8);
	EXPECT_EQ(decode_at(b, 16).info->opcode, MICA_OP_S_BRANCH);
	// Numbers are absolute code offsets.
	const Binary c = assemble_ok("s_nop 0\ns_branch 0\n");
	EXPECT_EQ(decode_at(c, 8).imm, -16);
}

TEST(Assembler, CtrlImmediatesByMeaning)
{
	const Binary b = assemble_ok("s_waitcnt gm(1) ls(2)\ns_waitcnt ls(0)\ns_waitcnt 0x1234\n"
				     "s_getreg_b32 s0, hwreg(REVISION)\ns_fence scope(system)\ns_perfcnt_read s[0:1], counter(WAVES)\n"
				     "s_trap 7\n");
	EXPECT_EQ(decode_at(b, 0).imm, static_cast<int32_t>(1u << MICA_WAITCNT_GM_SHIFT | 2u << MICA_WAITCNT_LS_SHIFT));
	EXPECT_EQ(decode_at(b, 8).imm, static_cast<int32_t>(MICA_WAITCNT_NOWAIT << MICA_WAITCNT_GM_SHIFT));
	EXPECT_EQ(decode_at(b, 16).imm, 0x1234);
	EXPECT_EQ(decode_at(b, 24).imm, static_cast<int32_t>(MICA_HWREG_REVISION));
	EXPECT_EQ(decode_at(b, 32).imm, static_cast<int32_t>(MICA_SCOPE_SYSTEM));
	EXPECT_EQ(decode_at(b, 40).imm, static_cast<int32_t>(MICA_PERF_WAVES));
	EXPECT_EQ(decode_at(b, 48).imm, 7);
}

TEST(Assembler, MemoryForms)
{
	const Binary b = assemble_ok("global_load_b32 v1, v[2:3], off offset:16\nglobal_load_b32 v1, v2, s[4:5] offset:-8\n"
				     "ds_store_b64 v1, v[2:3]\ns_load_b32 s0, s9, s[4:5] offset:4\n"
				     "global_atomic_add_u32 none, v[2:3], off, v4\n");
	mica_inst i = decode_at(b, 0);
	EXPECT_EQ(i.opnd[2], MICA_OPND_NONE);
	EXPECT_EQ(i.offset, 16);
	i = decode_at(b, 8);
	EXPECT_EQ(i.opnd[1], MICA_OPND_VGPR_FIRST + 2);
	EXPECT_EQ(i.opnd[2], MICA_OPND_SGPR_FIRST + 4);
	EXPECT_EQ(i.offset, -8);
	i = decode_at(b, 16);
	EXPECT_EQ(i.opnd[3], MICA_OPND_VGPR_FIRST + 2);
	i = decode_at(b, 24);
	EXPECT_EQ(i.opnd[1], MICA_OPND_SGPR_FIRST + 9);
	i = decode_at(b, 32);
	EXPECT_EQ(i.opnd[0], MICA_OPND_NONE);
}

TEST(Assembler, ConstDataAndDirectives)
{
	const Binary b = assemble_ok("// comment\n.target r1 ; comment\n.profile lowpower\ns_endpgm\n.const\n"
				     ".byte 1, -1\n.align 4\n.half 0x1234\n.word -2\n.align 8\n.dword 0x0102030405060708\n"
				     ".float 1.0\n.double -2\n.text\ns_endpgm\n");
	EXPECT_EQ(b.target_revision, MICA_REV_R1);
	EXPECT_EQ(b.power_profile, MICA_PROFILE_LOWPOWER);
	const std::vector<uint8_t> expect = {1, 0xff, 0, 0, 0x34, 0x12, 0xfe, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0,
		8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0};
	EXPECT_EQ(b.const_data, expect);
	EXPECT_EQ(b.code.size(), 16u);
}

TEST(Assembler, DebugLines)
{
	const Binary b = assemble_ok(".line 3\ns_nop 0\nv_mov_b32 v0, 1000\n.line 5\n.line 6\ns_endpgm\n");
	const std::vector<DebugLine> expect = {{0, 3}, {24, 5}, {24, 6}};
	EXPECT_EQ(b.debug_lines, expect);
}

TEST(Assembler, QuotedKernelNames)
{
	const Binary b = assemble_ok(".kernel \"a \\\"b\\\" \\x01\"\ns_endpgm\n");
	ASSERT_EQ(b.entries.size(), 1u);
	EXPECT_EQ(b.entries[0].name, std::string("a \"b\" \x01"));
}

// Random token soup: the assembler must never crash, and whatever it accepts must survive a
// binary round trip.
TEST(Assembler, RandomInputNeverCrashes)
{
	static const char *const pieces[] = {"v_add_u32", "s_mov_b64", "global_load_b64", "s_waitcnt", "s_branch",
		"ds_store_b32", "s_getreg_b32", ".kernel", ".const", ".text", ".word", ".align", ".line", ".workgroup",
		"v1", "v[2:3]", "s[4:7]", "s", "v[", "]", "[", ":", "(", ")", ",", ",", "-", "0x", "0x7fffffff", "1.5",
		"-16", "65", "lit(", "gm(0)", "ls(", "hwreg(CONFIG)", "off", "none", "exec", "lane_id", "offset:",
		"offset:-40000", "lbl", "lbl:", "\"str", "\"ok\"", ";", "//", "$", "99999999999999999999999", "1e400"};
	std::mt19937 rng(42);
	int accepted = 0;
	for (int iter = 0; iter < 4000; iter++) {
		std::string src;
		const int lines = 1 + static_cast<int>(rng() % 6);
		for (int l = 0; l < lines; l++) {
			const int n = static_cast<int>(rng() % 7);
			for (int k = 0; k < n; k++) {
				src += pieces[rng() % std::size(pieces)];
				src += rng() % 3 ? " " : "";
			}
			src += "\n";
		}
		const auto r = assemble(src, "fuzz.s");
		if (r.binary) {
			accepted++;
			EXPECT_TRUE(r.diagnostics.empty());
			auto back = parse_binary(r.binary->serialize());
			ASSERT_TRUE(std::holds_alternative<Binary>(back)) << src;
			EXPECT_EQ(assemble_ok(disassemble_binary(*r.binary)), *r.binary) << src;
		} else {
			ASSERT_FALSE(r.diagnostics.empty()) << src;
			for (const auto &d : r.diagnostics) {
				EXPECT_GE(d.line, 1u);
				EXPECT_GE(d.column, 1u);
				EXPECT_FALSE(d.message.empty());
			}
		}
	}
	EXPECT_GT(accepted, 0);
}

}  // namespace
