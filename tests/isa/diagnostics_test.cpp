// SPDX-License-Identifier: MIT
// (d) Assembler diagnostics: file:line:column and the message text for each error class.
#include <gtest/gtest.h>

#include "test_util.h"

namespace {

using mica::isa::testing::assemble_errors;

TEST(Diagnostics, UnknownMnemonicSuggestsClosest)
{
	EXPECT_EQ(assemble_errors("  v_ad_u32 v0, v1, v2\n"),
		  "t.s:1:3: error: unknown instruction 'v_ad_u32'; did you mean 'v_add_u32'?");
	EXPECT_EQ(assemble_errors("frobnicate\n"), "t.s:1:1: error: unknown instruction 'frobnicate'");
}

TEST(Diagnostics, WrongOperandCount)
{
	EXPECT_EQ(assemble_errors("v_add_u32 v0, v1\n"),
		  "t.s:1:1: error: v_add_u32 expects 3 operands (dst:vd, src0:v32, src1:v32), got 2");
	EXPECT_EQ(assemble_errors("s_endpgm s0\n"), "t.s:1:10: error: s_endpgm expects 0 operands, got 1");
	EXPECT_EQ(assemble_errors("s_mov_b32 s0, s1, s2\n"),
		  "t.s:1:19: error: s_mov_b32 expects 2 operands (dst:sd, src0:s32), got 3");
	EXPECT_EQ(assemble_errors("s_endpgm ,\n"), "t.s:1:1: error: empty operand in s_endpgm (stray comma?)");
	EXPECT_EQ(assemble_errors("s_nop\n"), "t.s:1:1: error: s_nop expects 1 operand (immediate), got 0");
}

TEST(Diagnostics, OperandKindNotAllowed)
{
	EXPECT_EQ(assemble_errors("s_mov_b32 s0, v1\n"),
		  "t.s:1:15: error: s_mov_b32 src0 cannot be a VGPR (operand kind 's32' allows: SGPR, exec, vcc, scc, "
		  "inline constant, literal)");
	EXPECT_EQ(assemble_errors("v_mov_b32 s0, v1\n"),
		  "t.s:1:11: error: v_mov_b32 dst cannot be an SGPR (operand kind 'vd' allows: VGPR)");
	EXPECT_EQ(assemble_errors("global_load_b32 v1, v[2:3], off, v4\n"),
		  "t.s:1:34: error: global_load_b32 expects 3 operands (dst:vd, addr:gaddr, saddr:gsaddr), got 4");
	EXPECT_EQ(assemble_errors("ds_load_b32 v1, 5\n"),
		  "t.s:1:17: error: ds_load_b32 addr cannot be an inline constant (operand kind 'laddr' allows: VGPR)");
	EXPECT_EQ(assemble_errors("s_add_u32 s0, lane_id, s1\n"),
		  "t.s:1:15: error: s_add_u32 src0 cannot be lane_id (operand kind 's32' allows: SGPR, exec, vcc, scc, "
		  "inline constant, literal)");
}

TEST(Diagnostics, RegisterTuples)
{
	EXPECT_EQ(assemble_errors("v_mov_b64 v[3:4], 0\n"),
		  "t.s:1:11: error: misaligned register tuple for v_mov_b64 dst: a 2-register tuple must start at a "
		  "multiple of 2, got v3");
	EXPECT_EQ(assemble_errors("s_load_b128 s[6:9], off, s[0:1]\n"),
		  "t.s:1:13: error: misaligned register tuple for s_load_b128 dst: a 4-register tuple must start at a "
		  "multiple of 4, got s6");
	EXPECT_EQ(assemble_errors("v_mov_b64 v2, 0\n"),
		  "t.s:1:11: error: v_mov_b64 dst needs 2 registers (v[N:N+1]), got 1");
	EXPECT_EQ(assemble_errors("global_load_b32 v1, v[2:3], s[0:1]\n"),
		  "t.s:1:21: error: global_load_b32 addr needs 1 register (vN) (a single VGPR offset, because saddr "
		  "is set), got 2");
	EXPECT_EQ(assemble_errors("v_mov_b32 v256, 0\n"), "t.s:1:11: error: register v256 does not exist (v0..v255)");
	EXPECT_EQ(assemble_errors("s_mov_b32 s128, 0\n"), "t.s:1:11: error: register s128 does not exist (s0..s127)");
	EXPECT_EQ(assemble_errors("v_mov_b64 v[5:4], 0\n"), "t.s:1:15: error: register tuple v[5:4] ends before it starts");
	EXPECT_EQ(assemble_errors("v_mov_b64 v[4 5], 0\n"),
		  "t.s:1:11: error: malformed register tuple; write v[first:last]");
}

TEST(Diagnostics, ImmediatesOutOfRange)
{
	EXPECT_EQ(assemble_errors("s_mov_b32 s0, 0x100000000\n"),
		  "t.s:1:15: error: value 0x100000000 does not fit in the 32-bit operand src0 of s_mov_b32");
	EXPECT_EQ(assemble_errors("s_mov_b32 s0, -2147483649\n"),
		  "t.s:1:15: error: value -2147483649 does not fit in the 32-bit operand src0 of s_mov_b32");
	EXPECT_EQ(assemble_errors("global_load_b32 v1, v[2:3], off offset:32768\n"),
		  "t.s:1:40: error: offset 32768 is out of range (-32768..32767)");
	EXPECT_EQ(assemble_errors("s_waitcnt gm(64)\n"), "t.s:1:14: error: gm count 64 is out of range (0..63)");
	EXPECT_EQ(assemble_errors("s_waitcnt vm(0)\n"),
		  "t.s:1:11: error: unknown counter 'vm' in s_waitcnt; expected gm(N) or ls(N)");
	EXPECT_EQ(assemble_errors("s_nop 0x100000000\n"), "t.s:1:7: error: s_nop immediate 0x100000000 does not fit in 32 bits");
	EXPECT_EQ(assemble_errors("s_getreg_b32 s0, hwreg(BOGUS)\n"),
		  "t.s:1:24: error: unknown hardware register 'BOGUS'; known: HW_ID, REVISION, POWER_PROFILE, CYCLE_LO, "
		  "CYCLE_HI, CONFIG");
	EXPECT_EQ(assemble_errors("s_fence scope(galaxy)\n"),
		  "t.s:1:15: error: unknown fence scope 'galaxy'; known: workgroup, device, system");
	EXPECT_EQ(assemble_errors("s_add_u32 s0, 0x12345678, 0x9abcdef0\n"),
		  "t.s:1:27: error: s_add_u32 can hold only one literal value, and src1 needs a different one (0x9abcdef0)");
	EXPECT_EQ(assemble_errors("global_load_b32 v1, v[2:3], off offset:1.5\n"),
		  "t.s:1:40: error: offset 1.5 is out of range (-32768..32767)");
	EXPECT_EQ(assemble_errors("s_setreg_b32 0x12345, hwreg(CONFIG)\n"),
		  "t.s:1:14: error: s_setreg_b32 src0 cannot be a literal (operand kind 'sreg' allows: SGPR)");
	EXPECT_EQ(assemble_errors("v_add_f16 v0, v1, 70000.0\n"), "t.s:1:19: error: float 70000.0 is out of range for f16");
	EXPECT_EQ(assemble_errors("v_add_f32 v0, v1, -1e39\n"), "t.s:1:19: error: float -1e39 is out of range for f32");
	EXPECT_EQ(assemble_errors("v_add_u32 v0, v1, v2 offset:4\n"),
		  "t.s:1:22: error: offset: is only allowed on memory instructions");
}

TEST(Diagnostics, Labels)
{
	EXPECT_EQ(assemble_errors("s_branch nowhere\n"), "t.s:1:10: error: undefined label 'nowhere'");
	EXPECT_EQ(assemble_errors("a:\ns_nop 0\na: s_endpgm\n"),
		  "t.s:3:1: error: duplicate label 'a' (first defined on line 1)");
	EXPECT_EQ(assemble_errors("s_branch 12\n"), "t.s:1:10: error: branch target 12 is not a multiple of 8 bytes");
	EXPECT_EQ(assemble_errors(".const\nx: .word 1\n"),
		  "t.s:2:1: error: labels are only allowed in the code section (label 'x' is in .const)");
}

TEST(Diagnostics, Directives)
{
	EXPECT_EQ(assemble_errors(".kernal k\n"), "t.s:1:1: error: unknown directive '.kernal'; did you mean '.kernel'?");
	EXPECT_EQ(assemble_errors(".vgprs 4\n"), "t.s:1:1: error: .vgprs must follow a .kernel directive");
	EXPECT_EQ(assemble_errors(".kernel k\n.vgprs 300\ns_endpgm\n"),
		  "t.s:2:8: error: .vgprs 300 is out of range (0..256)");
	EXPECT_EQ(assemble_errors(".kernel k\n.workgroup 64, 64\ns_endpgm\n"),
		  "t.s:2:1: error: workgroup of 4096 invocations exceeds the limit of 1024");
	EXPECT_EQ(assemble_errors(".kernel k\n.workgroup 0\ns_endpgm\n"),
		  "t.s:2:12: error: workgroup size x must be at least 1");
	EXPECT_EQ(assemble_errors(".kernel k\n.shared 65537\ns_endpgm\n"),
		  "t.s:2:9: error: .shared 65537 is out of range (0..65536)");
	EXPECT_EQ(assemble_errors(".target r3\n"), "t.s:1:9: error: unknown revision 'r3'; expected one of r1, r2");
	EXPECT_EQ(assemble_errors(".profile turbo\n"),
		  "t.s:1:10: error: unknown power profile 'turbo'; expected one of perf, lowpower");
	EXPECT_EQ(assemble_errors(".kernel k\n"), "t.s:1:1: error: kernel 'k' has no code (offset 0x0 is at or past the end of the code)");
	EXPECT_EQ(assemble_errors("s_nop 0\n.kernel k, 8\n"),
		  "t.s:2:1: error: kernel 'k' starts at code offset 0x8, which is not 256-byte aligned");
	EXPECT_EQ(assemble_errors(".kernel k\ns_endpgm\n.kernel k\ns_endpgm\n"),
		  "t.s:3:9: error: duplicate kernel 'k' (first declared on line 1)");
	EXPECT_EQ(assemble_errors(".word 1\n"), "t.s:1:1: error: .word is only allowed in the .const section");
	EXPECT_EQ(assemble_errors(".const\n.byte 256\n"), "t.s:2:7: error: value 256 does not fit in 8 bits");
	EXPECT_EQ(assemble_errors(".const\ns_endpgm\n"),
		  "t.s:2:1: error: instruction 's_endpgm' in the .const section (use .text first)");
	EXPECT_EQ(assemble_errors("s_endpgm\n.line 4\n"), "t.s:2:1: error: .line is not followed by an instruction");
	EXPECT_EQ(assemble_errors(".align 12\n"), "t.s:1:1: error: .align needs a power of two, got 12");
	EXPECT_EQ(assemble_errors(".kernel k extra\n"), "t.s:1:11: error: unexpected 'extra' at end of statement");
}

TEST(Diagnostics, Lexer)
{
	EXPECT_EQ(assemble_errors("s_nop 3 $\n"), "t.s:1:9: error: unexpected character '$'");
	EXPECT_EQ(assemble_errors(".kernel \"abc\n"), "t.s:1:9: error: unterminated string");
	EXPECT_EQ(assemble_errors("s_nop 12abc\n"), "t.s:1:9: error: unexpected 'a' in number");
	EXPECT_EQ(assemble_errors("v_add_f64 v[0:1], v[0:1], 1e400\n"), "t.s:1:27: error: float '1e400' is out of range");
	EXPECT_EQ(assemble_errors("s_nop 0x\n"), "t.s:1:7: error: hex number '0x' has no digits");
	EXPECT_EQ(assemble_errors("s_nop 99999999999999999999\n"),
		  "t.s:1:7: error: number '99999999999999999999' does not fit in 64 bits");
}

TEST(Diagnostics, EveryErroneousLineIsReported)
{
	EXPECT_EQ(assemble_errors("s_nop 0\nbogus\ns_nop 1\nv_mov_b32 s0, 1\n; fine\ns_branch missing\n"),
		  "t.s:2:1: error: unknown instruction 'bogus'\n"
		  "t.s:4:11: error: v_mov_b32 dst cannot be an SGPR (operand kind 'vd' allows: VGPR)\n"
		  "t.s:6:10: error: undefined label 'missing'");
}

}  // namespace
