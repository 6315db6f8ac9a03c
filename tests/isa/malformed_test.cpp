// SPDX-License-Identifier: MIT
// (c) Malformed binaries: truncation at every length, every header field corrupted, overlapping
// sections, bad string offsets, bad instructions, huge counts, exhaustive single-byte damage and
// random damage. Every one is rejected with a message (or, for damage to free fields, accepted
// consistently) and nothing reads out of bounds (the suite also runs under ASan/UBSan).
#include <gtest/gtest.h>

#include <cstddef>
#include <random>

#include "test_util.h"

namespace {

using namespace mica::isa;
using mica::isa::testing::rich_binary;

#define HDR(f) offsetof(struct mica_bin_header, f)
#define ENT(f) offsetof(struct mica_bin_entry, f)

uint32_t get32(const std::vector<uint8_t> &b, size_t off)
{
	return b[off] | b[off + 1] << 8 | b[off + 2] << 16 | static_cast<uint32_t>(b[off + 3]) << 24;
}

void put32(std::vector<uint8_t> &b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

void put16(std::vector<uint8_t> &b, size_t off, uint16_t v)
{
	b[off] = static_cast<uint8_t>(v);
	b[off + 1] = static_cast<uint8_t>(v >> 8);
}

// A header or entry field of 'bytes' (2 or 4) bytes, as the tables of bad values give them.
void put_field(std::vector<uint8_t> &b, size_t off, unsigned bytes, uint32_t v)
{
	if (bytes == 2)
		put16(b, off, static_cast<uint16_t>(v));
	else
		put32(b, off, v);
}

void put64(std::vector<uint8_t> &b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

class Malformed : public ::testing::Test {
protected:
	void SetUp() override
	{
		good_ = rich_binary().serialize();
		ASSERT_TRUE(std::holds_alternative<Binary>(parse_binary(good_)));
		entry0_ = get32(good_, HDR(entry_offset));
		code_ = get32(good_, HDR(code_offset));
		debug_ = get32(good_, HDR(debug_offset));
	}

	// Expects rejection at `offset` with a message containing `text`.
	void expect_reject(const std::vector<uint8_t> &bytes, size_t offset, const std::string &text)
	{
		auto r = parse_binary(bytes);
		ASSERT_TRUE(std::holds_alternative<BinaryError>(r)) << "accepted; expected: " << text;
		const auto &e = std::get<BinaryError>(r);
		EXPECT_EQ(e.offset, offset) << e.message;
		EXPECT_NE(e.message.find(text), std::string::npos) << "message: " << e.message << "\nexpected: " << text;
	}

	std::vector<uint8_t> good_;
	size_t entry0_ = 0, code_ = 0, debug_ = 0;
};

TEST_F(Malformed, TruncatedAtEveryLength)
{
	for (size_t len = 0; len < good_.size(); len++) {
		std::vector<uint8_t> t(good_.begin(), good_.begin() + static_cast<std::ptrdiff_t>(len));
		auto r = parse_binary(t);
		ASSERT_TRUE(std::holds_alternative<BinaryError>(r)) << "length " << len;
		EXPECT_FALSE(std::get<BinaryError>(r).message.empty());
		// Also with file_size patched to match, so the section bounds are what catches it.
		if (len >= MICA_BIN_HEADER_SIZE) {
			put32(t, HDR(file_size), static_cast<uint32_t>(len));
			auto r2 = parse_binary(t);
			ASSERT_TRUE(std::holds_alternative<BinaryError>(r2)) << "length " << len << " with file_size fixed";
		}
	}
	// Trailing garbage is rejected too.
	auto longer = good_;
	longer.push_back(0);
	expect_reject(longer, HDR(file_size), "file_size field says");
}

TEST_F(Malformed, HeaderFields)
{
	struct Case {
		size_t field;
		unsigned bytes;
		uint32_t value;
		size_t offset;  // expected error offset
		const char *text;
	};
	const uint32_t size = static_cast<uint32_t>(good_.size());
	const Case cases[] = {
		{HDR(magic), 4, 0x4E42434E, HDR(magic), "bad magic"},
		{HDR(version_major), 2, 2, HDR(version_major), "unsupported format version 2.0"},
		{HDR(version_minor), 2, 1, HDR(version_minor), "unsupported minor version 1"},
		{HDR(header_size), 4, 32, HDR(header_size), "header_size is 32"},
		{HDR(header_size), 4, 128, HDR(header_size), "header_size is 128"},
		{HDR(file_size), 4, size - 1, HDR(file_size), "file_size field says"},
		{HDR(file_size), 4, 0xffffffff, HDR(file_size), "file_size field says"},
		{HDR(target_revision), 2, 0, HDR(target_revision), "unknown target revision 0"},
		{HDR(target_revision), 2, 77, HDR(target_revision), "unknown target revision 77"},
		{HDR(power_profile), 2, 9, HDR(power_profile), "unknown power profile 9"},
		{HDR(code_offset), 4, 4, HDR(code_offset), "overlaps the header"},
		{HDR(code_offset), 4, size, HDR(code_size), "runs past the end"},
		{HDR(code_offset), 4, 0xfffffff8, HDR(code_size), "runs past the end"},
		{HDR(code_size), 4, 0xffffffff, HDR(code_size), "runs past the end"},
		{HDR(const_offset), 4, 0, HDR(const_offset), "overlaps the header"},
		{HDR(const_size), 4, size, HDR(const_size), "runs past the end"},
		{HDR(entry_offset), 4, 2, HDR(entry_offset), "overlaps the header"},
		{HDR(entry_offset), 4, MICA_BIN_HEADER_SIZE + 2, HDR(entry_offset), "not 4-byte aligned"},
		{HDR(entry_count), 4, 0xffffffff, HDR(entry_count), "does not fit in the file"},
		{HDR(entry_count), 4, 0x08000000, HDR(entry_count), "does not fit in the file"},
		{HDR(strtab_offset), 4, 0, HDR(strtab_offset), "overlaps the header"},
		{HDR(strtab_size), 4, 0x7fffffff, HDR(strtab_size), "runs past the end"},
		{HDR(debug_offset), 4, 0, HDR(debug_offset), "overlaps the header"},
		{HDR(debug_size), 4, 0xfffffff8, HDR(debug_size), "runs past the end"},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.text);
		auto bad = good_;
		put_field(bad, c.field, c.bytes, c.value);
		expect_reject(bad, c.offset, c.text);
	}
}

TEST_F(Malformed, SectionShapes)
{
	auto bad = good_;
	put32(bad, HDR(code_size), get32(good_, HDR(code_size)) - 4);
	expect_reject(bad, HDR(code_size), "not a multiple of 8");

	bad = good_;
	put32(bad, HDR(code_offset), static_cast<uint32_t>(code_ + 4));
	put32(bad, HDR(code_size), get32(good_, HDR(code_size)) - 8);
	expect_reject(bad, HDR(code_offset), "not 8-byte aligned");

	bad = good_;
	put32(bad, HDR(debug_size), get32(good_, HDR(debug_size)) - 4);
	expect_reject(bad, HDR(debug_size), "not a multiple of 8");

	// An empty section must have offset 0.
	bad = good_;
	put32(bad, HDR(const_size), 0);
	expect_reject(bad, HDR(const_offset), "empty but its offset");
}

TEST_F(Malformed, OverlappingSections)
{
	auto bad = good_;
	put32(bad, HDR(const_offset), static_cast<uint32_t>(code_));  // const inside code
	expect_reject(bad, HDR(const_offset), "const data overlaps code");

	bad = good_;
	put32(bad, HDR(strtab_offset), static_cast<uint32_t>(entry0_));  // strings inside the entry table
	put32(bad, HDR(strtab_size), 8);
	expect_reject(bad, HDR(strtab_offset), "string table overlaps entry table");

	bad = good_;
	put32(bad, HDR(debug_offset), static_cast<uint32_t>(code_ + 8));
	expect_reject(bad, HDR(debug_offset), "debug lines overlaps code");
}

TEST_F(Malformed, EntryFields)
{
	const size_t e0 = entry0_, e1 = entry0_ + MICA_BIN_ENTRY_SIZE;
	const uint32_t strtab_size = get32(good_, HDR(strtab_size));
	struct Case {
		size_t field;
		unsigned bytes;
		uint32_t value;
		const char *text;
	};
	const Case cases[] = {
		{e0 + ENT(name), 4, strtab_size, "outside the"},
		{e0 + ENT(name), 4, 0xffffffff, "outside the"},
		{e1 + ENT(name), 4, 0, "duplicate entry name 'first'"},
		{e0 + ENT(code_offset), 4, 8, "not 256-byte aligned"},
		{e0 + ENT(code_offset), 4, 0x10000, "is outside the code"},
		{e0 + ENT(vgpr_count), 2, MICA_VGPRS_PER_WAVE + 1, "vgpr_count 257 exceeds 256"},
		{e0 + ENT(sgpr_count), 2, 0xffff, "sgpr_count 65535 exceeds 128"},
		{e0 + ENT(shared_bytes), 4, MICA_MAX_SHARED_BYTES + 1, "shared_bytes 65537 exceeds"},
		{e0 + ENT(wg_size_x), 2, 0, "workgroup size x = 0"},
		{e0 + ENT(wg_size_y), 2, MICA_MAX_WORKGROUP_DIM_Y + 1, "workgroup size y = 1025"},
		{e0 + ENT(wg_size_z), 2, MICA_MAX_WORKGROUP_DIM_Z + 1, "workgroup size z = 65"},
		{e0 + ENT(wg_size_z), 2, 64, "invocations exceeds 1024"},
		{e0 + ENT(reserved), 4, 1, "reserved field is not zero"},
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.text);
		auto bad = good_;
		put_field(bad, c.field, c.bytes, c.value);
		// The product check is reported at wg_size_x.
		const size_t expect_at = std::string(c.text).find("invocations") != std::string::npos ? e0 + ENT(wg_size_x)
			: c.field == e1 + ENT(name) ? e1 + ENT(name) : c.field;
		expect_reject(bad, expect_at, c.text);
	}

	// A name running to the end of the string table without a NUL.
	auto bad = good_;
	const size_t strtab = get32(good_, HDR(strtab_offset));
	bad[strtab + strtab_size - 1] = 'x';
	expect_reject(bad, e1 + ENT(name), "not NUL-terminated");
}

TEST_F(Malformed, BadInstructionsInCode)
{
	// Undefined opcode in the second instruction word: reported at its file offset.
	auto bad = good_;
	const uint64_t first = 0;  // v_mov_b32 with literal: 2 words, so the next instruction is at +16
	(void)first;
	put64(bad, code_ + 16, MICA_OPCODE_SPACE - 1);
	expect_reject(bad, code_ + 16, "does not decode: undefined opcode");

	// Reserved bits.
	bad = good_;
	bad[code_ + 16 + 7] |= 0x80;
	expect_reject(bad, code_ + 16, "reserved bits set");

	// A literal instruction cut off by the end of code.
	bad = good_;
	const uint32_t code_size = get32(good_, HDR(code_size));
	put64(bad, code_ + code_size - 8, [] {
		mica_inst i{};
		i.info = mica_op_lookup(MICA_OP_V_MOV_B32);
		i.opnd[0] = MICA_OPND_VGPR_FIRST;
		i.opnd[1] = MICA_OPND_LITERAL;
		i.opnd[2] = i.opnd[3] = MICA_OPND_NONE;
		i.literal = 0x12345678;
		uint64_t w[2];
		EXPECT_EQ(mica_encode(&i, w), 2);
		return w[0];
	}());
	expect_reject(bad, code_ + code_size - 8, "truncated instruction");

	// A branch whose offset is not a multiple of 8 (found by decoding, so the field is valid).
	bad = good_;
	for (size_t off = 0; off < code_size; off += 8) {
		mica_inst i{};
		uint64_t w[2] = {code_word(std::span(good_).subspan(code_), off), 0};
		if (mica_decode(w, 1, &i, nullptr) == MICA_DEC_OK && (i.info->flags & MICA_OPF_BRANCH)) {
			bad[code_ + off + 4] |= 4;
			expect_reject(bad, code_ + off, "not a multiple of 8");
			break;
		}
		ASSERT_LT(off + 8, code_size) << "no branch in the test binary";
	}
}

TEST_F(Malformed, DebugLines)
{
	auto bad = good_;
	put32(bad, debug_ + 0, 0x100000);
	expect_reject(bad, debug_, "outside the code");

	bad = good_;
	put32(bad, debug_ + 0, 8);  // the literal word of the first instruction
	expect_reject(bad, debug_, "not the start of an instruction");

	bad = good_;
	put32(bad, debug_ + MICA_BIN_DEBUG_LINE_SIZE, 0);
	put32(bad, debug_, 16);
	expect_reject(bad, debug_ + MICA_BIN_DEBUG_LINE_SIZE, "must be sorted");
}

// Damage to every byte: parse never crashes; whatever is accepted is self-consistent.
TEST_F(Malformed, EveryByteDamaged)
{
	size_t rejected = 0;
	for (size_t i = 0; i < good_.size(); i++)
		for (uint8_t mut : {0x01, 0x80, 0xff}) {
			auto bad = good_;
			bad[i] ^= mut;
			auto r = parse_binary(bad);
			if (auto *e = std::get_if<BinaryError>(&r)) {
				EXPECT_FALSE(e->message.empty());
				EXPECT_LE(e->offset, bad.size());
				rejected++;
			} else {
				const Binary &b = std::get<Binary>(r);
				auto again = parse_binary(b.serialize());
				ASSERT_TRUE(std::holds_alternative<Binary>(again)) << "byte " << i;
				EXPECT_EQ(std::get<Binary>(again), b) << "byte " << i;
			}
		}
	EXPECT_GT(rejected, good_.size());  // most damage is caught
}

TEST_F(Malformed, RandomDamage)
{
	std::mt19937 rng(1234);
	for (int iter = 0; iter < 3000; iter++) {
		auto bad = good_;
		const int flips = 1 + static_cast<int>(rng() % 8);
		for (int f = 0; f < flips; f++)
			bad[rng() % bad.size()] = static_cast<uint8_t>(rng());
		if (rng() % 4 == 0)
			bad.resize(rng() % (bad.size() + 1));
		auto r = parse_binary(bad);
		if (auto *b = std::get_if<Binary>(&r)) {
			auto again = parse_binary(b->serialize());
			ASSERT_TRUE(std::holds_alternative<Binary>(again));
		} else {
			EXPECT_FALSE(std::get<BinaryError>(r).message.empty());
		}
	}
}

}  // namespace
