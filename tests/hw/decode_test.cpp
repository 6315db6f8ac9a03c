// Encode/decode round trip of every instruction in the generated table, and the decoder's
// rejection of every malformed-field class. The operand choices are derived from each operand
// kind's allow-list, so a new instruction in mica.isa is covered without touching this file.
#include <gtest/gtest.h>

#include <vector>

#include "mica_isa.h"

namespace {

// One legal raw operand value per class the kind allows, respecting alignment.
std::vector<uint16_t> legal_values(unsigned kind, unsigned regs)
{
	std::vector<uint16_t> v;
	const unsigned allow = mica_kind_table[kind].allow;
	const unsigned align = regs >= 3 ? 4 : (regs ? regs : 1);
	if (allow & MICA_ALLOW_VGPR) {
		v.push_back(MICA_OPND_VGPR_FIRST + 4 * align);
		v.push_back(MICA_OPND_VGPR_LAST + 1 - ((regs + align - 1) / align) * align);
	}
	if (allow & MICA_ALLOW_SGPR) {
		v.push_back(MICA_OPND_SGPR_FIRST + 2 * align);
		v.push_back(MICA_OPND_SGPR_LAST + 1 - ((regs + align - 1) / align) * align);
	}
	if (allow & MICA_ALLOW_EXEC) v.push_back(MICA_OPND_EXEC);
	if (allow & MICA_ALLOW_VCC) v.push_back(MICA_OPND_VCC);
	if (allow & MICA_ALLOW_SCC) v.push_back(MICA_OPND_SCC);
	if (allow & MICA_ALLOW_LANE_ID) v.push_back(MICA_OPND_LANE_ID);
	if (allow & MICA_ALLOW_NONE) v.push_back(MICA_OPND_NONE);
	if (allow & MICA_ALLOW_CONST) {
		v.push_back(MICA_OPND_INT_CONST_FIRST);
		v.push_back(MICA_OPND_INT_NEG_LAST);
		v.push_back(MICA_OPND_FLOAT_LAST);
	}
	if (allow & MICA_ALLOW_LITERAL) v.push_back(MICA_OPND_LITERAL);
	return v;
}

mica_inst base_inst(const mica_op_info &info)
{
	mica_inst inst{};
	inst.info = &info;
	for (auto &o : inst.opnd)
		o = MICA_OPND_NONE;
	// Start from the first legal value of every used column.
	for (unsigned i = 0; i < 4; i++) {
		if (info.kind[i] == MICA_KIND_UNUSED)
			continue;
		auto vals = legal_values(info.kind[i], mica_kind_table[info.kind[i]].regs);
		inst.opnd[i] = vals.front();
	}
	return inst;
}

void expect_round_trip(const mica_inst &inst)
{
	uint64_t words[2] = {0, 0};
	int n = mica_encode(&inst, words);
	ASSERT_GT(n, 0) << inst.info->name << ": " << mica_decode_status_name(n);
	mica_inst back{};
	unsigned bad = 0;
	ASSERT_EQ(mica_decode(words, (size_t)n, &back, &bad), MICA_DEC_OK) << inst.info->name;
	EXPECT_EQ(back.info, inst.info);
	for (unsigned i = 0; i < 4; i++)
		EXPECT_EQ(back.opnd[i], inst.opnd[i]) << inst.info->name << " column " << i;
	EXPECT_EQ(back.imm, inst.imm) << inst.info->name;
	EXPECT_EQ(back.offset, inst.offset) << inst.info->name;
	EXPECT_EQ(back.words, n);
	if (back.has_literal) {
		EXPECT_EQ(back.literal, inst.literal) << inst.info->name;
	}
	// Decoding with one word too few must report truncation, never read past the end.
	if (n == 2) {
		EXPECT_EQ(mica_decode(words, 1, &back, &bad), MICA_DEC_TRUNCATED);
	}
}

TEST(Decode, EveryInstructionEveryOperandClassRoundTrips)
{
	ASSERT_GT(MICA_OP_COUNT, 250u);
	for (unsigned k = 0; k < MICA_OP_COUNT; k++) {
		const mica_op_info &info = mica_op_table[k];
		ASSERT_EQ(mica_op_lookup(info.opcode), &info);
		mica_inst inst = base_inst(info);
		if (info.format == MICA_FMT_MEM)
			inst.offset = -32768 + (int)k;
		if (info.format == MICA_FMT_CTRL && info.imm != MICA_IMM_NONE)
			inst.imm = (int32_t)(0x80000000u + k);
		expect_round_trip(inst);
		for (unsigned i = 0; i < 4; i++) {
			if (info.kind[i] == MICA_KIND_UNUSED)
				continue;
			for (uint16_t v : legal_values(info.kind[i], mica_kind_table[info.kind[i]].regs)) {
				mica_inst alt = inst;
				alt.opnd[i] = v;
				// A MEM address with a scalar base is one VGPR: keep 'addr' legal for both.
				uint64_t w[2];
				if (mica_encode(&alt, w) < 0)
					continue; // e.g. a 4-aligned top VGPR for a 1-register addr is still fine
				alt.literal = 0x12345678u;
				expect_round_trip(alt);
			}
		}
	}
}

TEST(Decode, RejectsUndefinedOpcodes)
{
	unsigned undefined = 0;
	for (unsigned op = 0; op < MICA_OPCODE_SPACE; op++) {
		if (mica_op_lookup(op)) {
			continue;
		}
		uint64_t w = op | ((uint64_t)MICA_OPND_NONE << 10);
		mica_inst inst{};
		EXPECT_EQ(mica_decode(&w, 1, &inst, nullptr), MICA_DEC_BAD_OPCODE);
		undefined++;
	}
	EXPECT_EQ(undefined, MICA_OPCODE_SPACE - MICA_OP_COUNT);
}

uint64_t encode_ok(mica_inst inst)
{
	uint64_t w[2];
	EXPECT_EQ(mica_encode(&inst, w), 1);
	return w[0];
}

TEST(Decode, RejectsReservedBits)
{
	mica_inst add = base_inst(*mica_op_lookup(MICA_OP_V_ADD_U32));
	uint64_t w = encode_ok(add) | (1ull << 63);
	mica_inst out{};
	EXPECT_EQ(mica_decode(&w, 1, &out, nullptr), MICA_DEC_RESERVED_BITS);

	mica_inst ld = base_inst(*mica_op_lookup(MICA_OP_GLOBAL_LOAD_B32));
	w = encode_ok(ld) | (1ull << 62);
	EXPECT_EQ(mica_decode(&w, 1, &out, nullptr), MICA_DEC_RESERVED_BITS);

	// An immediate on a CTRL instruction that takes none.
	mica_inst end = base_inst(*mica_op_lookup(MICA_OP_S_ENDPGM));
	w = encode_ok(end) | (5ull << 32);
	EXPECT_EQ(mica_decode(&w, 1, &out, nullptr), MICA_DEC_RESERVED_BITS);
}

TEST(Decode, RejectsOperandsTheKindDoesNotAllow)
{
	mica_inst out{};
	unsigned bad = 9;
	// A VGPR in a scalar ALU source.
	mica_inst s = base_inst(*mica_op_lookup(MICA_OP_S_ADD_U32));
	uint64_t w = mica_field_set(encode_ok(s), MICA_ALU_SRC1_SHIFT, 9, MICA_OPND_VGPR_FIRST + 3);
	EXPECT_EQ(mica_decode(&w, 1, &out, &bad), MICA_DEC_BAD_OPERAND);
	EXPECT_EQ(bad, 2u);
	// A reserved operand value.
	w = mica_field_set(encode_ok(s), MICA_ALU_SRC0_SHIFT, 9, 395);
	EXPECT_EQ(mica_decode(&w, 1, &out, &bad), MICA_DEC_BAD_OPERAND);
	EXPECT_EQ(bad, 1u);
	// A constant as a destination.
	mica_inst v = base_inst(*mica_op_lookup(MICA_OP_V_ADD_U32));
	w = mica_field_set(encode_ok(v), MICA_ALU_DST_SHIFT, 9, MICA_OPND_INT_CONST_FIRST);
	EXPECT_EQ(mica_decode(&w, 1, &out, &bad), MICA_DEC_BAD_OPERAND);
	EXPECT_EQ(bad, 0u);
	// An unused column that is not 'none'.
	w = mica_field_set(encode_ok(v), MICA_ALU_SRC2_SHIFT, 9, MICA_OPND_VGPR_FIRST);
	EXPECT_EQ(mica_decode(&w, 1, &out, &bad), MICA_DEC_UNUSED_FIELD);
	EXPECT_EQ(bad, 3u);
	// A literal in a memory instruction's field.
	mica_inst ld = base_inst(*mica_op_lookup(MICA_OP_GLOBAL_LOAD_B32));
	w = mica_field_set(encode_ok(ld), MICA_MEM_SADDR_SHIFT, 9, MICA_OPND_LITERAL);
	EXPECT_NE(mica_decode(&w, 1, &out, &bad), MICA_DEC_OK);
}

TEST(Decode, RegisterTuplesMustBeAlignedAndInRange)
{
	mica_inst out{};
	mica_inst v = base_inst(*mica_op_lookup(MICA_OP_V_ADD_U64));
	uint64_t w = mica_field_set(encode_ok(v), MICA_ALU_DST_SHIFT, 9, MICA_OPND_VGPR_FIRST + 3);
	EXPECT_EQ(mica_decode(&w, 1, &out, nullptr), MICA_DEC_MISALIGNED_REG);
	mica_inst q = base_inst(*mica_op_lookup(MICA_OP_GLOBAL_LOAD_B128));
	w = mica_field_set(encode_ok(q), MICA_MEM_DST_SHIFT, 9, MICA_OPND_VGPR_FIRST + 2);
	EXPECT_EQ(mica_decode(&w, 1, &out, nullptr), MICA_DEC_MISALIGNED_REG);
	mica_inst s8 = base_inst(*mica_op_lookup(MICA_OP_S_LOAD_B256));
	w = mica_field_set(encode_ok(s8), MICA_MEM_DST_SHIFT, 9, MICA_OPND_SGPR_LAST - 3);
	EXPECT_EQ(mica_decode(&w, 1, &out, nullptr), MICA_DEC_REG_RANGE);
	// With a scalar base, the global address is a single (unaligned) VGPR offset.
	mica_inst g = base_inst(*mica_op_lookup(MICA_OP_GLOBAL_LOAD_B32));
	g.opnd[1] = MICA_OPND_VGPR_FIRST + 7;
	g.opnd[2] = MICA_OPND_SGPR_FIRST + 4;
	w = encode_ok(g);
	EXPECT_EQ(mica_decode(&w, 1, &out, nullptr), MICA_DEC_OK);
	EXPECT_EQ(mica_inst_opnd_regs(&out, 1), 1u);
	g.opnd[2] = MICA_OPND_NONE;
	uint64_t ws[2];
	EXPECT_EQ(mica_encode(&g, ws), -MICA_DEC_MISALIGNED_REG);
}

TEST(Decode, LiteralWidthFollowsTheOperands)
{
	mica_inst add = base_inst(*mica_op_lookup(MICA_OP_V_ADD_U32));
	add.opnd[2] = MICA_OPND_LITERAL;
	add.literal = 0x1'0000'0001ull;
	uint64_t w[2];
	EXPECT_EQ(mica_encode(&add, w), -MICA_DEC_BAD_LITERAL);
	add.literal = 0xdeadbeef;
	ASSERT_EQ(mica_encode(&add, w), 2);
	EXPECT_EQ(w[1], 0xdeadbeefull);
	mica_inst add64 = base_inst(*mica_op_lookup(MICA_OP_V_ADD_F64));
	add64.opnd[1] = MICA_OPND_LITERAL;
	add64.literal = 0x400921fb54442d18ull; // pi
	ASSERT_EQ(mica_encode(&add64, w), 2);
	mica_inst out{};
	ASSERT_EQ(mica_decode(w, 2, &out, nullptr), MICA_DEC_OK);
	EXPECT_EQ(out.literal, 0x400921fb54442d18ull);
}

TEST(Decode, InlineConstants)
{
	EXPECT_EQ(mica_inline_const_value(MICA_OPND_INT_CONST_FIRST + 64, 32), 64u);
	EXPECT_EQ(mica_inline_const_value(MICA_OPND_INT_NEG_FIRST, 32), 0xffffffffu);
	EXPECT_EQ(mica_inline_const_value(MICA_OPND_INT_NEG_LAST, 64), (uint64_t)-16);
	EXPECT_EQ(mica_inline_const_value(MICA_OPND_FLOAT_FIRST + 2, 32), 0x3f800000u); // 1.0
	EXPECT_EQ(mica_inline_const_value(MICA_OPND_FLOAT_FIRST + 2, 64), 0x3ff0000000000000ull);
	EXPECT_EQ(mica_inline_const_value(MICA_OPND_FLOAT_FIRST + 2, 16), 0x3c00u);
	EXPECT_EQ(mica_opnd_classify(399), MICA_OC_RESERVED);
	EXPECT_EQ(mica_opnd_classify(489), MICA_OC_RESERVED);
}

} // namespace
