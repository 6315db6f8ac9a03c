// SPDX-License-Identifier: MIT
// Pre-decoded program form. Every instruction word is decoded once per dispatch (through
// mica_decode, never by hand) into a DecodedInst; slots are filled lazily per 4 KiB code page the
// first time a wave fetches them, so a fetch fault or an illegal word surfaces only when executed.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "../engine.h"
#include "mica_isa.h"

namespace mica::sim::cu {

// Operand source classes after decoding (what a source field names).
enum class Src : uint8_t { None, Vgpr, Sreg, LaneId, Const };

struct DecodedInst {
	const mica_op_info *info = nullptr;
	uint16_t op = 0;          // mica opcode
	uint8_t unit = 0;
	uint8_t words = 1;
	uint32_t flags = 0;
	uint16_t opnd[4] = {MICA_OPND_NONE, MICA_OPND_NONE, MICA_OPND_NONE, MICA_OPND_NONE};
	Src src[4] = {};          // per column
	uint64_t k[4] = {};       // value of a constant/literal column, already in the column's width
	int32_t imm = 0;          // CTRL immediate or MEM offset
	uint32_t word_lo = 0;     // low half of the first word (fault info)
};

enum class SlotState : uint8_t { Empty, Ok, Fault };

struct CodeSlot {
	SlotState state = SlotState::Empty;
	uint32_t fault = 0;       // MMU fault (EXEC) or ILLEGAL_INSTRUCTION
	uint64_t fault_addr = 0;
	DecodedInst inst;
};

struct CodePage {
	std::array<CodeSlot, MICA_PAGE_SIZE / MICA_INSTRUCTION_BYTES> slots;
};

// Per-worker decode cache, valid for one dispatch (code may change between dispatches).
class CodeCache {
public:
	void reset(Mmu *mmu, uint32_t ctx, uint64_t program_va)
	{
		mmu_ = mmu;
		ctx_ = ctx;
		program_va_ = program_va;
		pages_.clear();
		vgpr_rows_ = sgpr_rows_ = 0;
		last_page_va_ = ~0ull;
		last_page_ = nullptr;
	}
	// The decoded slot for pc (8-byte aligned); decodes it on first use.
	const CodeSlot &fetch(uint64_t pc);
	// VGPR rows any instruction decoded so far can write ([0, n)): a wave that ran only these
	// instructions has zeros above them (wave launch clears only what may be dirty).
	uint32_t vgpr_rows() const { return vgpr_rows_; }
	// The same for SGPRs s0..s(n-1) named as destinations (EXEC, VCC and SCC are not counted).
	uint32_t sgpr_rows() const { return sgpr_rows_; }

private:
	CodeSlot &decode(CodeSlot &slot, uint64_t pc);
	Mmu *mmu_ = nullptr;
	uint32_t ctx_ = 0;
	uint64_t program_va_ = 0; // the dispatch's entry (for the test fetch observer)
	std::unordered_map<uint64_t, std::unique_ptr<CodePage>> pages_;
	uint64_t last_page_va_ = ~0ull;
	CodePage *last_page_ = nullptr;
	uint32_t vgpr_rows_ = 0, sgpr_rows_ = 0;
};

// VGPR rows [0, n) that instruction d can write (0 if it writes none).
uint32_t vgpr_rows_written(const DecodedInst &d);
// SGPRs s0..s(n-1) that instruction d can write through its destination operand.
uint32_t sgpr_rows_written(const DecodedInst &d);

// Human-readable form of an instruction for fault reports ("v_add_u32 v1, v2, 5").
std::string describe(const DecodedInst &inst);
// Name of a register operand number ("v7", "s3", "exec").
std::string reg_name(unsigned raw);

} // namespace mica::sim::cu
