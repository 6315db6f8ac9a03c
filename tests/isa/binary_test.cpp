// SPDX-License-Identifier: MIT
// (b) Binary serialize/parse round trip of every field, the canonical layout, and the
// disassemble -> assemble round trip of whole binaries.
#include <gtest/gtest.h>

#include <cstddef>

#include "mica/isa/disassembler.h"
#include "test_util.h"

namespace {

using namespace mica::isa;
using mica::isa::testing::assemble_ok;
using mica::isa::testing::rich_binary;

Binary parse_ok(const std::vector<uint8_t> &bytes)
{
	auto r = parse_binary(bytes);
	if (auto *e = std::get_if<BinaryError>(&r)) {
		ADD_FAILURE() << "offset " << e->offset << ": " << e->message;
		return {};
	}
	return std::get<Binary>(r);
}

uint32_t u32(const std::vector<uint8_t> &b, size_t off)
{
	return b[off] | b[off + 1] << 8 | b[off + 2] << 16 | static_cast<uint32_t>(b[off + 3]) << 24;
}

// A binary built field by field with distinct, non-default values everywhere.
Binary handmade()
{
	Binary b;
	b.target_revision = MICA_REV_R1;
	b.power_profile = MICA_PROFILE_LOWPOWER;
	b.flags = 0xa5a5f00f;
	// Code: 2 * 256 bytes of s_nop 0 ending in s_endpgm, built through the encoder.
	mica_inst nop{}, end{};
	nop.info = mica_op_lookup(MICA_OP_S_NOP);
	end.info = mica_op_lookup(MICA_OP_S_ENDPGM);
	for (int i = 0; i < 4; i++)
		nop.opnd[i] = end.opnd[i] = MICA_OPND_NONE;
	for (unsigned i = 0; i < 2 * MICA_CODE_ALIGNMENT / 8; i++) {
		uint64_t w[2];
		const int n = mica_encode(i % 32 == 31 ? &end : &nop, w);
		EXPECT_EQ(n, 1);
		for (int k = 0; k < 8; k++)
			b.code.push_back(static_cast<uint8_t>(w[0] >> (8 * k)));
	}
	b.const_data = {1, 2, 3, 4, 5, 6, 7};
	EntryPoint a;
	a.name = "alpha";
	a.code_offset = 0;
	a.vgpr_count = MICA_VGPRS_PER_WAVE;
	a.sgpr_count = MICA_SGPRS_PER_WAVE;
	a.shared_bytes = MICA_MAX_SHARED_BYTES;
	a.wg_size[0] = 16;
	a.wg_size[1] = 8;
	a.wg_size[2] = 4;
	a.flags = 0xbeef;
	a.scratch_bytes = 0x12345;
	EntryPoint z;
	z.name = "zeta with \"quotes\" \\ and \x01 bytes";
	z.code_offset = MICA_CODE_ALIGNMENT;
	z.vgpr_count = 3;
	z.sgpr_count = 20;
	z.wg_size[0] = MICA_MAX_WORKGROUP_INVOCATIONS;
	b.entries = {a, z};
	b.debug_lines = {{0, 1}, {8, 1}, {8, 2}, {MICA_CODE_ALIGNMENT, 0xffffffff}};
	return b;
}

TEST(BinaryFormat, EveryFieldRoundTrips)
{
	const Binary b = handmade();
	const auto bytes = b.serialize();
	const Binary back = parse_ok(bytes);
	EXPECT_EQ(back.target_revision, b.target_revision);
	EXPECT_EQ(back.power_profile, b.power_profile);
	EXPECT_EQ(back.flags, b.flags);
	EXPECT_EQ(back.code, b.code);
	EXPECT_EQ(back.const_data, b.const_data);
	ASSERT_EQ(back.entries.size(), 2u);
	for (size_t i = 0; i < 2; i++) {
		const EntryPoint &x = b.entries[i], &y = back.entries[i];
		EXPECT_EQ(y.name, x.name);
		EXPECT_EQ(y.code_offset, x.code_offset);
		EXPECT_EQ(y.vgpr_count, x.vgpr_count);
		EXPECT_EQ(y.sgpr_count, x.sgpr_count);
		EXPECT_EQ(y.shared_bytes, x.shared_bytes);
		for (int d = 0; d < 3; d++)
			EXPECT_EQ(y.wg_size[d], x.wg_size[d]);
		EXPECT_EQ(y.flags, x.flags);
		EXPECT_EQ(y.scratch_bytes, x.scratch_bytes);
	}
	EXPECT_EQ(back.debug_lines, b.debug_lines);
	EXPECT_EQ(back, b);
	EXPECT_EQ(back.serialize(), bytes);
}

TEST(BinaryFormat, CanonicalLayout)
{
	const auto bytes = handmade().serialize();
	EXPECT_EQ(u32(bytes, offsetof(mica_bin_header, magic)), MICA_BIN_MAGIC);
	EXPECT_EQ(bytes[0], 'M');
	EXPECT_EQ(bytes[3], 'N');
	EXPECT_EQ(u32(bytes, offsetof(mica_bin_header, header_size)), MICA_BIN_HEADER_SIZE);
	EXPECT_EQ(u32(bytes, offsetof(mica_bin_header, file_size)), bytes.size());
	EXPECT_EQ(u32(bytes, offsetof(mica_bin_header, entry_offset)), MICA_BIN_HEADER_SIZE);
	EXPECT_EQ(u32(bytes, offsetof(mica_bin_header, entry_count)), 2u);
	EXPECT_EQ(u32(bytes, offsetof(mica_bin_header, code_offset)) % MICA_INSTRUCTION_BYTES, 0u);
	EXPECT_EQ(u32(bytes, offsetof(mica_bin_header, debug_size)), 4 * MICA_BIN_DEBUG_LINE_SIZE);
}

TEST(BinaryFormat, EmptyBinaryIsValid)
{
	const Binary b;
	const auto bytes = b.serialize();
	EXPECT_EQ(bytes.size(), MICA_BIN_HEADER_SIZE);
	EXPECT_EQ(parse_ok(bytes), b);
}

TEST(BinaryFormat, ConstDataLoadOffset)
{
	Binary b;
	b.code.resize(8);
	EXPECT_EQ(const_data_load_offset(b), MICA_CODE_ALIGNMENT);
	b.code.resize(MICA_CODE_ALIGNMENT);
	EXPECT_EQ(const_data_load_offset(b), MICA_CODE_ALIGNMENT);
	b.code.resize(MICA_CODE_ALIGNMENT + 8);
	EXPECT_EQ(const_data_load_offset(b), 2 * MICA_CODE_ALIGNMENT);
}

void expect_reassembles(const Binary &b)
{
	const std::string text = disassemble_binary(b);
	const Binary again = assemble_ok(text);
	EXPECT_EQ(again, b) << text;
	EXPECT_EQ(again.serialize(), b.serialize()) << text;
}

TEST(BinaryFormat, DisassembleAssembleHandmade) { expect_reassembles(handmade()); }

TEST(BinaryFormat, DisassembleAssembleRich)
{
	const Binary b = rich_binary();
	ASSERT_EQ(b.entries.size(), 2u);
	EXPECT_EQ(b.entries[1].name, "second entry");
	EXPECT_EQ(b.entries[1].code_offset, MICA_CODE_ALIGNMENT);
	EXPECT_EQ(b.flags, 0xdeadbeefu);
	expect_reassembles(b);
	expect_reassembles(parse_ok(b.serialize()));
}

// Entries out of code order and sharing an offset also round trip (explicit .kernel offsets).
TEST(BinaryFormat, DisassembleAssembleUnorderedEntries)
{
	Binary b = handmade();
	std::swap(b.entries[0], b.entries[1]);
	EntryPoint third = b.entries[0];
	third.name = "third";
	b.entries.push_back(third);
	expect_reassembles(parse_ok(b.serialize()));
}

}  // namespace
