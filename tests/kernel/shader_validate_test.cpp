// SPDX-License-Identifier: MIT
// The shader-binary validator against a malicious corpus: every binary is refused with the
// documented reason and errno.
#include <gtest/gtest.h>

#include <cstring>

#include "shader_builder.h"

extern "C" {
#include "mica_shader_validate.h"
}

using namespace mica::ktest;

namespace {

class ShaderValidate : public ::testing::Test {
protected:
	int run(const std::vector<uint8_t> &bin, uint32_t rev = MICA_REV_R2, uint32_t prof = MICA_PROFILE_PERF)
	{
		return mica_shader_validate(bin.data(), bin.size(), rev, prof, &info, &rej);
	}
	template <typename T> void poke(std::vector<uint8_t> &bin, size_t off, T v)
	{
		std::memcpy(bin.data() + off, &v, sizeof(v));
	}
	mica_shader_info info{};
	mica_reject rej{};
};

#define EXPECT_REJECT(call, err, why)                                        \
	do {                                                                    \
		EXPECT_EQ((call), (err));                                       \
		EXPECT_EQ(rej.reason, static_cast<uint32_t>(why)) << rej.msg; \
	} while (0)

TEST_F(ShaderValidate, AcceptsAWellFormedBinary)
{
	BinarySpec spec;
	spec.consts = {1, 2, 3, 4, 5};
	auto bin = make_binary(store_lane_program(), spec);
	ASSERT_EQ(run(bin), 0) << rej.msg;
	EXPECT_EQ(info.entry_count, 1u);
	EXPECT_EQ(info.code_size, store_lane_program().bytes());
	EXPECT_EQ(info.const_size, 5u);
	EXPECT_EQ(info.const_bo_offset, MICA_CODE_ALIGNMENT);
	EXPECT_EQ(info.entries[0].vgpr_count, 16u);
}

TEST_F(ShaderValidate, HeaderFieldsAreChecked)
{
	auto good = make_binary(store_lane_program());
	auto bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, magic), 0x12345678);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_HEADER);
	bin = good;
	poke<uint16_t>(bin, offsetof(mica_bin_header, version_major), 2);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_HEADER);
	bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, file_size), static_cast<uint32_t>(bin.size() + 8));
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_HEADER);
	bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, flags), 1);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_HEADER);
	bin.resize(10);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_HEADER);
}

TEST_F(ShaderValidate, OverflowingSectionsAreRefused)
{
	auto good = make_binary(store_lane_program());
	auto bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, code_size), 0xfffffff8u);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
	bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, code_offset), 0xfffffff8u);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
	bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, code_size), 12);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
	bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, entry_count), 0x08000001u);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
	bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, const_offset), 8);
	poke<uint32_t>(bin, offsetof(mica_bin_header, const_size), 0xffffffffu);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
	bin = good;
	poke<uint32_t>(bin, offsetof(mica_bin_header, debug_size), 4);
	EXPECT_REJECT(run(bin), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
}

TEST_F(ShaderValidate, EntriesAreChecked)
{
	BinarySpec spec;
	spec.entries[0].code_offset = 8; // not code_alignment aligned
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
	spec.entries[0].code_offset = 4096; // outside the code
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
	spec = {};
	spec.entries[0].reserved = 1;
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
	spec = {};
	spec.entries[0].vgprs = 257;
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
	spec = {};
	spec.entries[0].wg[0] = 1024;
	spec.entries[0].wg[1] = 2;
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
	spec = {};
	spec.entries.clear();
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
}

TEST_F(ShaderValidate, RegisterCountsMustCoverTheCode)
{
	BinarySpec spec;
	spec.entries[0].vgprs = 2; // the program uses v0..v2
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -EINVAL, DRM_MICA_REJECT_SH_REG_COUNT);
	spec.entries[0].vgprs = 3;
	spec.entries[0].sgprs = 2; // uses s0..s2
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -EINVAL, DRM_MICA_REJECT_SH_REG_COUNT);
	spec.entries[0].sgprs = 3;
	EXPECT_EQ(run(make_binary(store_lane_program(), spec)), 0) << rej.msg;
}

TEST_F(ShaderValidate, PrivilegedInstructionsAreRefused)
{
	for (unsigned opcode : {MICA_OP_S_SETREG_B32, MICA_OP_S_PERFCNT_READ, MICA_OP_S_HALT, MICA_OP_S_TRAP}) {
		const mica_op_info *info = mica_op_lookup(opcode);
		Program p;
		p.nop(3);
		if (info->kind[0] != MICA_KIND_UNUSED)
			p.op(opcode, {S(0)});
		else if (info->kind[1] != MICA_KIND_UNUSED)
			p.op(opcode, {NONE, S(0)});
		else
			p.op(opcode);
		p.end();
		EXPECT_REJECT(run(make_binary(p)), -EPERM, DRM_MICA_REJECT_SH_PRIV_INSTRUCTION);
	}
}

// The clock readers are user instructions: s_timestamp_b64 (the device clock) and s_getreg_b32
// CYCLE_LO read only the dispatch's own start time and the wave's position, nothing of another
// client; the validator accepts them, with the destination pair inside the register count.
TEST_F(ShaderValidate, ClockReadsAreAccepted)
{
	Program p;
	p.nop(3).op(MICA_OP_S_TIMESTAMP_B64, {S(0)}).op(MICA_OP_S_GETREG_B32, {S(2)}, MICA_HWREG_CYCLE_LO).end();
	BinarySpec spec;
	spec.entries[0].sgprs = 3;
	EXPECT_EQ(run(make_binary(p, spec)), 0) << rej.msg;
	Program q;
	q.nop(3).op(MICA_OP_S_TIMESTAMP_B64, {S(2)}).end(); // s[2:3]
	spec.entries[0].sgprs = 3;
	EXPECT_REJECT(run(make_binary(q, spec)), -EINVAL, DRM_MICA_REJECT_SH_REG_COUNT);
	spec.entries[0].sgprs = 4;
	EXPECT_EQ(run(make_binary(q, spec)), 0) << rej.msg;
}

TEST_F(ShaderValidate, UndecodableWordsAreRefused)
{
	Program p = store_lane_program();
	p.words.insert(p.words.begin() + 1, 0x3ffull); // undefined opcode
	EXPECT_REJECT(run(make_binary(p)), -EINVAL, DRM_MICA_REJECT_SH_UNDECODABLE);
	Program q;
	q.nop(3);
	q.op(MICA_OP_V_MOV_B32, {V(0), LIT}, 0, 0, 5);
	q.end();
	q.words.erase(q.words.begin() + 2, q.words.end()); // literal missing: truncated
	EXPECT_REJECT(run(make_binary(q)), -EINVAL, DRM_MICA_REJECT_SH_UNDECODABLE);
}

TEST_F(ShaderValidate, BranchesMustStayInTheProgram)
{
	Program out;
	out.nop(3).op(MICA_OP_S_BRANCH, {}, 64).end();
	EXPECT_REJECT(run(make_binary(out)), -EINVAL, DRM_MICA_REJECT_SH_BRANCH_TARGET);
	Program back;
	back.nop(3).op(MICA_OP_S_CBRANCH_SCC0, {}, -64).end();
	EXPECT_REJECT(run(make_binary(back)), -EINVAL, DRM_MICA_REJECT_SH_BRANCH_TARGET);
	// Into the literal word of a two-word instruction.
	Program mid;
	mid.nop(3).op(MICA_OP_V_MOV_B32, {V(0), LIT}, 0, 0, 7).op(MICA_OP_S_BRANCH, {}, -16).end();
	EXPECT_REJECT(run(make_binary(mid)), -EINVAL, DRM_MICA_REJECT_SH_BRANCH_TARGET);
	Program odd;
	odd.nop(3).op(MICA_OP_S_BRANCH, {}, 4).end();
	EXPECT_REJECT(run(make_binary(odd)), -EINVAL, DRM_MICA_REJECT_SH_BRANCH_TARGET);
	Program ok;
	ok.nop(3).op(MICA_OP_S_CBRANCH_SCC1, {}, 0).end();
	EXPECT_EQ(run(make_binary(ok)), 0) << rej.msg;
}

TEST_F(ShaderValidate, FallingOffTheEndIsRefused)
{
	Program p;
	p.nop(3).op(MICA_OP_V_MOV_B32, {V(0), IC(1)});
	EXPECT_REJECT(run(make_binary(p)), -EINVAL, DRM_MICA_REJECT_SH_FALLS_OFF_END);
	Program q;
	q.nop(3).op(MICA_OP_S_CBRANCH_SCC0, {}, -16);
	EXPECT_REJECT(run(make_binary(q)), -EINVAL, DRM_MICA_REJECT_SH_FALLS_OFF_END);
}

TEST_F(ShaderValidate, WaveStartTlbWorkaroundIsRequired)
{
	Program none;
	none.op(MICA_OP_GLOBAL_STORE_B32, {NONE, V(1), S(0), V(2)}).end();
	EXPECT_REJECT(run(make_binary(none)), -EINVAL, DRM_MICA_REJECT_SH_WAVE_START_TLB);
	Program short_nop;
	short_nop.nop(2).op(MICA_OP_S_LOAD_B32, {S(4), NONE, S(0)}).end();
	EXPECT_REJECT(run(make_binary(short_nop)), -EINVAL, DRM_MICA_REJECT_SH_WAVE_START_TLB);
	Program alu3;
	alu3.op(MICA_OP_V_MOV_B32, {V(0), IC(1)})
		.op(MICA_OP_V_MOV_B32, {V(1), IC(1)})
		.op(MICA_OP_V_MOV_B32, {V(2), IC(1)})
		.op(MICA_OP_GLOBAL_STORE_B32, {NONE, V(1), S(0), V(2)})
		.end();
	EXPECT_REJECT(run(make_binary(alu3)), -EINVAL, DRM_MICA_REJECT_SH_WAVE_START_TLB);
	Program branch;
	branch.op(MICA_OP_S_BRANCH, {}, 0).nop(3).end();
	EXPECT_REJECT(run(make_binary(branch)), -EINVAL, DRM_MICA_REJECT_SH_WAVE_START_TLB);
	// Four ALU cycles are enough; so are s_nop 0 + s_nop 2.
	alu3.words.insert(alu3.words.begin(), alu3.words[0]);
	EXPECT_EQ(run(make_binary(alu3)), 0) << rej.msg;
	Program nops;
	nops.nop(0).nop(2).op(MICA_OP_S_LOAD_B32, {S(4), NONE, S(0)}).end();
	EXPECT_EQ(run(make_binary(nops)), 0) << rej.msg;
	// Checked from every entry point, not just the first.
	Program two;
	two.nop(3).end();
	while (two.bytes() < MICA_CODE_ALIGNMENT)
		two.end();
	two.op(MICA_OP_GLOBAL_STORE_B32, {NONE, V(1), S(0), V(2)}).end();
	BinarySpec spec;
	spec.entries.push_back(EntrySpec{});
	spec.entries[1].code_offset = MICA_CODE_ALIGNMENT;
	EXPECT_REJECT(run(make_binary(two, spec)), -EINVAL, DRM_MICA_REJECT_SH_WAVE_START_TLB);
}

TEST_F(ShaderValidate, WrongRevisionOrProfileAsksForARecompile)
{
	BinarySpec spec;
	spec.revision = MICA_REV_R1;
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -ENOEXEC, DRM_MICA_REJECT_SH_WRONG_REVISION);
	spec = {};
	spec.profile = MICA_PROFILE_LOWPOWER;
	EXPECT_REJECT(run(make_binary(store_lane_program(), spec)), -ENOEXEC, DRM_MICA_REJECT_SH_WRONG_PROFILE);
	EXPECT_EQ(run(make_binary(store_lane_program(), spec), MICA_REV_R2, MICA_PROFILE_LOWPOWER), 0);
}

TEST_F(ShaderValidate, OversizedBinaryIsRefused)
{
	std::vector<uint8_t> big(MICA_MAX_SHADER_BYTES + 1, 0);
	EXPECT_EQ(run(big), -E2BIG);
}

TEST(RejectLog, ReasonsAreCountedAndLogged)
{
	mica_log log;
	ASSERT_EQ(mica_log_init(&log), 0);
	mica_reject rej{};
	EXPECT_EQ(mica_reject_set(&rej, DRM_MICA_REJECT_SH_PRIV_INSTRUCTION, "s_halt"), -EPERM);
	mica_log_reject(&log, "client 1", &rej);
	mica_log_reject(&log, "client 1", &rej);
	EXPECT_EQ(mica_log_reject_count(&log, DRM_MICA_REJECT_SH_PRIV_INSTRUCTION), 2u);
	EXPECT_EQ(mica_log_reject_count(&log, DRM_MICA_REJECT_SH_HEADER), 0u);
	char buf[4096];
	mica_log_read(&log, buf, sizeof(buf));
	EXPECT_NE(strstr(buf, "reject SH_PRIV_INSTRUCTION"), nullptr) << buf;
	EXPECT_NE(strstr(buf, "s_halt"), nullptr);
	// The log is a ring: old lines fall out, new ones stay readable.
	for (int i = 0; i < 4000; i++)
		mica_log_printf(&log, "filler line %d", i);
	mica_log_read(&log, buf, sizeof(buf));
	EXPECT_NE(strstr(buf, "filler line 3999"), nullptr);
	mica_log_fini(&log);
}

} // namespace

namespace {

TEST_F(ShaderValidate, RegisterCountsArePerEntryOverReachableCode)
{
	// Entry 0 (v0 only) ends before entry 1, which uses v40: entry 0 may declare 1 VGPR.
	Program p;
	p.nop(3).op(MICA_OP_V_MOV_B32, {V(0), IC(1)}).end();
	while (p.bytes() < MICA_CODE_ALIGNMENT)
		p.end();
	p.nop(3).op(MICA_OP_V_MOV_B32, {V(40), IC(1)}).end();
	BinarySpec spec;
	spec.entries[0].vgprs = 1;
	spec.entries.push_back(EntrySpec{});
	spec.entries[1].code_offset = MICA_CODE_ALIGNMENT;
	spec.entries[1].vgprs = 41;
	EXPECT_EQ(run(make_binary(p, spec)), 0) << rej.msg;
	spec.entries[1].vgprs = 40;
	EXPECT_REJECT(run(make_binary(p, spec)), -EINVAL, DRM_MICA_REJECT_SH_REG_COUNT);
	// A branch makes entry 1's code reachable from entry 0.
	Program q;
	q.nop(3).op(MICA_OP_S_CBRANCH_SCC1, {}, static_cast<int32_t>(MICA_CODE_ALIGNMENT) - 16).end();
	while (q.bytes() < MICA_CODE_ALIGNMENT)
		q.end();
	q.nop(3).op(MICA_OP_V_MOV_B32, {V(40), IC(1)}).end();
	spec.entries[1].vgprs = 41;
	EXPECT_REJECT(run(make_binary(q, spec)), -EINVAL, DRM_MICA_REJECT_SH_REG_COUNT);
	EXPECT_NE(std::string(rej.msg).find("entry 0"), std::string::npos) << rej.msg;
}

} // namespace

// Issue 9 item 4: the kernel's reader refuses what docs/hw/binary-format.md calls malformed.
namespace {

TEST_F(ShaderValidate, MalformedLayoutsTheFormatForbidsAreRefused)
{
	BinarySpec spec;
	spec.consts = std::vector<uint8_t>(16, 0xab);
	const std::vector<uint8_t> good = make_binary(store_lane_program(), spec);
	ASSERT_EQ(run(good), 0) << rej.msg;
	mica_bin_header h;
	std::memcpy(&h, good.data(), sizeof(h));

	// A header size this reader does not know (bigger: fields it would skip; smaller: overlaps
	// the entries).
	std::vector<uint8_t> b = good;
	poke<uint32_t>(b, offsetof(mica_bin_header, header_size), 128);
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_HEADER);
	// A newer minor version.
	b = good;
	poke<uint16_t>(b, offsetof(mica_bin_header, version_minor), MICA_BIN_VERSION_MINOR + 1);
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_HEADER);
	// Constants overlapping the code (they would be loaded over it).
	b = good;
	poke<uint32_t>(b, offsetof(mica_bin_header, const_offset), h.code_offset + 8);
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
	// The string table inside the entry table.
	b = good;
	poke<uint32_t>(b, offsetof(mica_bin_header, strtab_offset), h.entry_offset);
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
	// Code overlapping the entry table.
	b = good;
	poke<uint32_t>(b, offsetof(mica_bin_header, entry_offset), h.code_offset);
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
	// An empty section must have offset 0.
	b = good;
	poke<uint32_t>(b, offsetof(mica_bin_header, debug_offset), h.code_offset);
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_SECTION);
	// A workgroup dimension of 0.
	b = good;
	poke<uint16_t>(b, h.entry_offset + offsetof(mica_bin_entry, wg_size_y), 0);
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
	// A name that does not end inside the string table.
	b = good;
	poke<uint8_t>(b, h.strtab_offset + h.strtab_size - 1, 'x');
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);
}

TEST_F(ShaderValidate, EntryNamesAndDebugLinesFollowTheFormat)
{
	BinarySpec spec;
	spec.entries.push_back(EntrySpec{});
	Program two;
	two.nop(3).end();
	while (two.bytes() < MICA_CODE_ALIGNMENT)
		two.end();
	two.nop(3).end();
	spec.entries[1].code_offset = MICA_CODE_ALIGNMENT;
	const std::vector<uint8_t> good = make_binary(two, spec);
	ASSERT_EQ(run(good), 0) << rej.msg;
	mica_bin_header h;
	std::memcpy(&h, good.data(), sizeof(h));
	// Two entries with one name.
	std::vector<uint8_t> b = good;
	poke<uint32_t>(b, h.entry_offset + MICA_BIN_ENTRY_SIZE + offsetof(mica_bin_entry, name), 1);
	EXPECT_REJECT(run(b), -EINVAL, DRM_MICA_REJECT_SH_ENTRY);

	// Debug lines: appended after the constants (none here), 8 bytes each.
	auto with_debug = [&](std::initializer_list<uint32_t> offsets) {
		std::vector<uint8_t> d = good;
		const uint32_t at = static_cast<uint32_t>(d.size());
		for (uint32_t off : offsets) {
			for (uint32_t v : {off, 7u})
				for (int k = 0; k < 4; k++)
					d.push_back(static_cast<uint8_t>(v >> (8 * k)));
		}
		poke<uint32_t>(d, offsetof(mica_bin_header, file_size), static_cast<uint32_t>(d.size()));
		poke<uint32_t>(d, offsetof(mica_bin_header, debug_offset), at);
		poke<uint32_t>(d, offsetof(mica_bin_header, debug_size), static_cast<uint32_t>(offsets.size() * 8));
		return d;
	};
	EXPECT_EQ(run(with_debug({0, 8, 8, MICA_CODE_ALIGNMENT})), 0) << rej.msg;
	EXPECT_REJECT(run(with_debug({8, 0})), -EINVAL, DRM_MICA_REJECT_SH_SECTION);		// unsorted
	EXPECT_REJECT(run(with_debug({4})), -EINVAL, DRM_MICA_REJECT_SH_SECTION);		// not a start
	EXPECT_REJECT(run(with_debug({100000})), -EINVAL, DRM_MICA_REJECT_SH_SECTION);	// outside
}

} // namespace
