// SPDX-License-Identifier: MIT
// Builds Mica instructions and shader binaries for the kernel tests with the shared C encoder
// (mica_encode), so the tests need neither the assembler nor hand-written opcode numbers.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "mica_isa.h"

namespace mica::ktest {

constexpr uint16_t V(unsigned n) { return static_cast<uint16_t>(MICA_OPND_VGPR_FIRST + n); }
constexpr uint16_t S(unsigned n) { return static_cast<uint16_t>(MICA_OPND_SGPR_FIRST + n); }
constexpr uint16_t IC(unsigned n) { return static_cast<uint16_t>(MICA_OPND_INT_CONST_FIRST + n); }
constexpr uint16_t NONE = MICA_OPND_NONE;
constexpr uint16_t LANE_ID = MICA_OPND_LANE_ID;
constexpr uint16_t LIT = MICA_OPND_LITERAL;

class Program {
public:
	// Appends one instruction; operands in the format's column order (ALU dst src0 src1 src2,
	// MEM dst addr saddr data, CTRL dst src0).
	Program &op(unsigned opcode, std::initializer_list<uint16_t> opnd = {}, int32_t imm = 0,
		    int32_t offset = 0, uint64_t literal = 0)
	{
		mica_inst inst{};
		inst.info = mica_op_lookup(opcode);
		if (!inst.info)
			throw std::runtime_error("unknown opcode");
		for (unsigned i = 0; i < 4; i++)
			inst.opnd[i] = NONE;
		unsigned i = 0;
		for (uint16_t o : opnd)
			inst.opnd[i++] = o;
		inst.imm = imm;
		inst.offset = offset;
		inst.literal = literal;
		uint64_t out[2];
		int n = mica_encode(&inst, out);
		if (n < 0)
			throw std::runtime_error(std::string("encode failed: ") + mica_decode_status_name(n));
		for (int k = 0; k < n; k++)
			words.push_back(out[k]);
		return *this;
	}
	Program &nop(int n) { return op(MICA_OP_S_NOP, {}, n); }
	Program &end() { return op(MICA_OP_S_ENDPGM); }
	Program &raw(uint64_t w)
	{
		words.push_back(w);
		return *this;
	}
	size_t bytes() const { return words.size() * 8; }
	std::vector<uint64_t> words;
};

struct EntrySpec {
	uint32_t code_offset = 0;
	uint16_t vgprs = 16, sgprs = 32;
	uint32_t shared = 0;
	uint16_t wg[3] = {32, 1, 1};
	uint32_t reserved = 0;
};

struct BinarySpec {
	BinarySpec() { entries.emplace_back(); }
	uint32_t revision = MICA_REV_R2;
	uint32_t profile = MICA_PROFILE_PERF;
	uint32_t flags = 0;
	std::vector<EntrySpec> entries;
	std::vector<uint8_t> consts;
};

// Lays out header | entries | strtab | code (8-aligned) | const, as the format allows.
inline std::vector<uint8_t> make_binary(const Program &prog, const BinarySpec &spec = {})
{
	// Unique names ("main", "main1", ...), as the format requires.
	std::string strtab(1, '\0');
	std::vector<uint32_t> names;
	for (size_t i = 0; i < spec.entries.size(); i++) {
		names.push_back(static_cast<uint32_t>(strtab.size()));
		strtab += i ? "main" + std::to_string(i) : std::string("main");
		strtab += '\0';
	}
	uint32_t entry_off = MICA_BIN_HEADER_SIZE;
	uint32_t strtab_off = entry_off + static_cast<uint32_t>(spec.entries.size()) * MICA_BIN_ENTRY_SIZE;
	uint32_t code_off = (strtab_off + static_cast<uint32_t>(strtab.size()) + 7u) & ~7u;
	uint32_t code_size = static_cast<uint32_t>(prog.bytes());
	uint32_t const_off = code_off + code_size;
	uint32_t file_size = const_off + static_cast<uint32_t>(spec.consts.size());
	std::vector<uint8_t> out(file_size, 0);

	mica_bin_header h{};
	h.magic = MICA_BIN_MAGIC;
	h.version_major = MICA_BIN_VERSION_MAJOR;
	h.version_minor = MICA_BIN_VERSION_MINOR;
	h.header_size = MICA_BIN_HEADER_SIZE;
	h.file_size = file_size;
	h.target_revision = static_cast<uint16_t>(spec.revision);
	h.power_profile = static_cast<uint16_t>(spec.profile);
	h.flags = spec.flags;
	h.code_offset = code_off;
	h.code_size = code_size;
	h.const_offset = spec.consts.empty() ? 0 : const_off;
	h.const_size = static_cast<uint32_t>(spec.consts.size());
	h.entry_offset = spec.entries.empty() ? 0 : entry_off;
	h.entry_count = static_cast<uint32_t>(spec.entries.size());
	h.strtab_offset = strtab_off;
	h.strtab_size = static_cast<uint32_t>(strtab.size());
	std::memcpy(out.data(), &h, sizeof(h));
	for (size_t i = 0; i < spec.entries.size(); i++) {
		const EntrySpec &e = spec.entries[i];
		mica_bin_entry be{};
		be.name = names[i];
		be.code_offset = e.code_offset;
		be.vgpr_count = e.vgprs;
		be.sgpr_count = e.sgprs;
		be.shared_bytes = e.shared;
		be.wg_size_x = e.wg[0];
		be.wg_size_y = e.wg[1];
		be.wg_size_z = e.wg[2];
		be.reserved = e.reserved;
		std::memcpy(out.data() + entry_off + i * MICA_BIN_ENTRY_SIZE, &be, sizeof(be));
	}
	std::memcpy(out.data() + strtab_off, strtab.data(), strtab.size());
	std::memcpy(out.data() + code_off, prog.words.data(), code_size);
	if (!spec.consts.empty())
		std::memcpy(out.data() + const_off, spec.consts.data(), spec.consts.size());
	return out;
}

// A well-formed program: the SEC_WAVE_START_TLB workaround, then each lane stores
// (lane_id + s2) at s[0:1] + lane_id * 4. 'padding' single-cycle NOPs before the store push it
// further into the code (past the first page of code from about 520 on).
inline Program store_lane_program(int padding = 0)
{
	Program p;
	p.nop(3);
	for (int i = 0; i < padding; i++)
		p.nop(0);
	p.op(MICA_OP_V_SHL_B32, {V(1), LANE_ID, IC(2)});
	p.op(MICA_OP_V_ADD_U32, {V(2), LANE_ID, S(2)});
	p.nop(0); // LP_VALU_FORWARD: correct under both power profiles
	p.op(MICA_OP_GLOBAL_STORE_B32, {NONE, V(1), S(0), V(2)});
	p.op(MICA_OP_S_WAITCNT, {}, 0);
	p.end();
	return p;
}

// Each lane loads the dword at s[0:1] + lane_id * 4 and stores it at s[2:3] + lane_id * 4 (the
// isolation tests aim it at another client's memory).
inline Program load_store_program()
{
	Program p;
	p.nop(3);
	p.op(MICA_OP_V_SHL_B32, {V(1), LANE_ID, IC(2)});
	p.nop(1);
	p.op(MICA_OP_GLOBAL_LOAD_B32, {V(2), V(1), S(0)});
	p.op(MICA_OP_S_WAITCNT, {}, 0);
	p.op(MICA_OP_GLOBAL_STORE_B32, {NONE, V(1), S(2), V(2)});
	p.op(MICA_OP_S_WAITCNT, {}, 0);
	p.end();
	return p;
}

// Never terminates: used by the hang-recovery tests.
inline Program endless_program()
{
	Program p;
	p.nop(3);
	p.op(MICA_OP_S_BRANCH, {}, -8);
	return p;
}

} // namespace mica::ktest
