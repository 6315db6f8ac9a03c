// SPDX-License-Identifier: MIT
// (a) For every instruction in mica_op_table, every operand class each column's kind allows,
// every immediate meaning and MEM offsets: encode -> decode -> disassemble -> assemble must give
// the identical words. Generated from the tables, so new instructions are covered automatically.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "mica/isa/assembler.h"
#include "mica/isa/disassembler.h"
#include "mica/isa/names.h"

namespace {

struct Value {
	uint16_t raw;
	uint64_t literal = 0;
};

// Operand values for a kind: first/last legal register of each allowed file, every special
// register, integer and float inline constants, and literals (including ones that look like
// inline constants, which must stay literals).
std::vector<Value> values_for(unsigned kind)
{
	std::vector<Value> v;
	const unsigned allow = mica_kind_table[kind].allow;
	const unsigned regs = mica_kind_table[kind].regs;
	const unsigned align = regs >= 4 ? 4 : (regs ? regs : 1);
	// The highest aligned start whose tuple still fits (alignment is min(regs, 4), as decoded).
	auto last_start = [&](unsigned count) { return (count - regs) / align * align; };
	if (allow & MICA_ALLOW_VGPR) {
		v.push_back({static_cast<uint16_t>(MICA_OPND_VGPR_FIRST)});
		v.push_back({static_cast<uint16_t>(MICA_OPND_VGPR_FIRST + 4 * align)});
		v.push_back({static_cast<uint16_t>(MICA_OPND_VGPR_FIRST + last_start(MICA_VGPRS_PER_WAVE))});
	}
	if (allow & MICA_ALLOW_SGPR) {
		v.push_back({static_cast<uint16_t>(MICA_OPND_SGPR_FIRST)});
		v.push_back({static_cast<uint16_t>(MICA_OPND_SGPR_FIRST + 2 * align)});
		v.push_back({static_cast<uint16_t>(MICA_OPND_SGPR_FIRST + last_start(MICA_SGPRS_PER_WAVE))});
	}
	const struct {
		unsigned bit;
		unsigned raw;
	} specials[] = {{MICA_ALLOW_EXEC, MICA_OPND_EXEC}, {MICA_ALLOW_VCC, MICA_OPND_VCC}, {MICA_ALLOW_SCC, MICA_OPND_SCC},
		{MICA_ALLOW_LANE_ID, MICA_OPND_LANE_ID}, {MICA_ALLOW_NONE, MICA_OPND_NONE}};
	for (const auto &s : specials)
		if (allow & s.bit)
			v.push_back({static_cast<uint16_t>(s.raw)});
	if (allow & MICA_ALLOW_CONST) {
		for (unsigned raw = MICA_OPND_INT_CONST_FIRST; raw <= MICA_OPND_FLOAT_LAST; raw++)
			v.push_back({static_cast<uint16_t>(raw)});
	}
	if (allow & MICA_ALLOW_LITERAL) {
		const bool wide = regs == 2;
		for (uint64_t lit : {0ull, 5ull, 64ull, 65ull, 0xffffffffull, 0xfffffff0ull, 0xffffffefull, 0x3f800000ull,
				     0x80000000ull, 0xdeadbeefull})
			v.push_back({MICA_OPND_LITERAL, lit});
		if (wide)
			for (uint64_t lit : {0x123456789abcdef0ull, ~0ull, ~0ull - 15, ~0ull - 16, 0x3ff0000000000000ull, 1ull << 32})
				v.push_back({MICA_OPND_LITERAL, lit});
	}
	return v;
}

std::vector<int32_t> imm_values(const mica_op_info &info)
{
	switch (info.imm) {
	case MICA_IMM_NONE: return {0};
	case MICA_IMM_TARGET: return {0, -8, 8, 1024, -4096, -16, 0x7ffffff8, INT32_MIN};
	case MICA_IMM_WAITCNT: return {0, 0x3f00, 0x003f, 0x3f3f, 0x0105, 0x10000, -1};
	case MICA_IMM_HWREG: {
		std::vector<int32_t> v = {5, 1000, -1};
		for (const auto &nv : mica::isa::hwreg_names())
			v.push_back(static_cast<int32_t>(nv.value));
		return v;
	}
	case MICA_IMM_COUNTER: {
		std::vector<int32_t> v = {100, -3};
		for (const auto &nv : mica::isa::perf_counter_names())
			v.push_back(static_cast<int32_t>(nv.value));
		return v;
	}
	case MICA_IMM_SCOPE: {
		std::vector<int32_t> v = {7};
		for (const auto &nv : mica::isa::fence_scope_names())
			v.push_back(static_cast<int32_t>(nv.value));
		return v;
	}
	default: return {0, 3, 65535, -1, INT32_MAX, INT32_MIN};
	}
}

// Checks the text round trip of one instruction; returns false if the combination does not
// encode (not a legal instruction, e.g. two different literals).
bool check(const mica_inst &inst, int &checked)
{
	uint64_t words[2] = {0, 0};
	const int n = mica_encode(&inst, words);
	if (n < 0)
		return false;
	mica_inst dec{};
	EXPECT_EQ(mica_decode(words, static_cast<size_t>(n), &dec, nullptr), MICA_DEC_OK) << inst.info->name;
	const std::string text = mica::isa::disassemble_instruction(dec, 0);
	const auto r = mica::isa::assemble(text + "\n", "rt.s");
	std::string diags;
	for (const auto &d : r.diagnostics)
		diags += d.format() + "\n";
	EXPECT_TRUE(r.binary.has_value()) << text << "\n" << diags;
	if (!r.binary)
		return true;
	EXPECT_EQ(r.binary->code.size(), static_cast<size_t>(n) * 8) << text;
	if (r.binary->code.size() == static_cast<size_t>(n) * 8) {
		for (int w = 0; w < n; w++)
			EXPECT_EQ(mica::isa::code_word(r.binary->code, static_cast<size_t>(w) * 8), words[w])
				<< text << " word " << w;
	}
	checked++;
	return true;
}

mica_inst base(const mica_op_info &info)
{
	mica_inst inst{};
	inst.info = &info;
	for (unsigned i = 0; i < 4; i++)
		inst.opnd[i] = info.kind[i] == MICA_KIND_UNUSED ? MICA_OPND_NONE : values_for(info.kind[i]).front().raw;
	return inst;
}

TEST(TextRoundTrip, EveryInstructionEveryOperandClass)
{
	int checked = 0, refused = 0;
	std::set<std::string> covered;
	for (const auto &info : mica_op_table) {
		SCOPED_TRACE(info.name);
		// Each used column through every value of its kind, the others at their first value.
		for (unsigned c = 0; c < 4; c++) {
			if (info.kind[c] == MICA_KIND_UNUSED)
				continue;
			for (const Value &v : values_for(info.kind[c])) {
				mica_inst inst = base(info);
				inst.opnd[c] = v.raw;
				inst.literal = v.raw == MICA_OPND_LITERAL ? v.literal : 0;
				if (mica_kind_table[info.kind[c]].regs != 2 && inst.literal >> 32)
					continue;
				// The kind allows it but the format may not (a literal on a non-ALU
				// instruction): then the assembler must refuse the same thing.
				if (!check(inst, checked)) {
					EXPECT_EQ(v.raw, MICA_OPND_LITERAL) << "column " << c;
					EXPECT_NE(info.format, MICA_FMT_ALU);
					refused++;
				}
				covered.insert(info.name);
			}
		}
		// gaddr with saddr off and on (its width depends on saddr).
		if (info.format == MICA_FMT_MEM && info.kind[2] == MICA_KIND_GSADDR) {
			mica_inst inst = base(info);
			inst.opnd[2] = MICA_OPND_NONE;
			inst.opnd[1] = MICA_OPND_VGPR_FIRST + 6;
			ASSERT_TRUE(check(inst, checked));
			inst.opnd[2] = MICA_OPND_SGPR_FIRST + 4;
			inst.opnd[1] = MICA_OPND_VGPR_FIRST + 7;
			ASSERT_TRUE(check(inst, checked));
		}
		if (info.format == MICA_FMT_MEM)
			for (int32_t off : {16, -8, 32767, -32768, 1}) {
				mica_inst inst = base(info);
				inst.offset = off;
				ASSERT_TRUE(check(inst, checked)) << "offset " << off;
			}
		if (info.format == MICA_FMT_CTRL)
			for (int32_t imm : imm_values(info)) {
				if (info.imm == MICA_IMM_TARGET && imm % 8)
					continue;
				mica_inst inst = base(info);
				inst.imm = imm;
				ASSERT_TRUE(check(inst, checked)) << "imm " << imm;
			}
		// Instructions without operands still get one check.
		mica_inst inst = base(info);
		ASSERT_TRUE(check(inst, checked));
		covered.insert(info.name);
	}
	EXPECT_EQ(covered.size(), MICA_OP_COUNT);
	// Recorded in the test log so the report can quote it.
	std::printf("text round trip: %d instruction encodings checked over %zu opcodes (%d kind-allowed but "
		    "format-refused combinations skipped)\n", checked, covered.size(), refused);
	EXPECT_GT(checked, static_cast<int>(MICA_OP_COUNT) * 10);
}

// Two sources sharing the literal word: a 64-bit operand and a 32-bit one using its low half.
TEST(TextRoundTrip, SharedLiteral)
{
	const mica_op_info *info = mica_op_lookup(MICA_OP_V_CNDMASK_B64);
	ASSERT_NE(info, nullptr);
	mica_inst inst{};
	inst.info = info;
	inst.opnd[0] = MICA_OPND_VGPR_FIRST + 2;
	inst.opnd[1] = MICA_OPND_LITERAL;
	inst.opnd[2] = MICA_OPND_VGPR_FIRST + 4;
	inst.opnd[3] = MICA_OPND_LITERAL;
	inst.literal = 0x1234567800000042ull;
	int checked = 0;
	ASSERT_TRUE(check(inst, checked));
	EXPECT_EQ(checked, 1);
}

TEST(TextRoundTrip, BranchTargetsUseAbsoluteOffsets)
{
	mica_inst inst{};
	inst.info = mica_op_lookup(MICA_OP_S_BRANCH);
	for (auto &o : inst.opnd)
		o = MICA_OPND_NONE;
	inst.imm = 16;
	EXPECT_EQ(mica::isa::disassemble_instruction(inst, 0x100), "s_branch 0x118");
	inst.imm = -0x20;
	EXPECT_EQ(mica::isa::disassemble_instruction(inst, 0x8), "s_branch -0x10");
	EXPECT_EQ(mica::isa::disassemble_instruction(inst, 0x100, [](uint64_t off) -> std::optional<std::string> {
		return off == 0xe8 ? std::optional<std::string>("loop") : std::nullopt;
	}), "s_branch loop");
}

}  // namespace
