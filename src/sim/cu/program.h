// SPDX-License-Identifier: MIT
// Pre-decoded program form. Every instruction word is decoded (through mica_decode, never by
// hand) into a DecodedInst; slots are filled lazily per 4 KiB code page the first time a wave
// fetches them, so a fetch fault or an illegal word surfaces only when executed.
//
// A worker's cache outlives its dispatches: at a dispatch's first fetch from a code page the
// page is translated again (EXEC) and its bytes are compared with the copy its slots were
// decoded from; equal bytes keep the slots, anything else starts the page afresh. So a program
// run dispatch after dispatch is decoded once (the per-dispatch decode was most of an empty
// dispatch's device time), and code changed between dispatches is always decoded anew.
// Instructions decode from that copy, so a dispatch sees each code page as one snapshot.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "../engine.h"
#include "reg_range.h"
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
	uint32_t epoch = 0;       // valid while equal to its page's epoch (0: never; pages start at 1)
	uint32_t fault = 0;       // MMU fault (EXEC) or ILLEGAL_INSTRUCTION
	uint64_t fault_addr = 0;
	DecodedInst inst;
};

struct CodePage {
	std::array<CodeSlot, MICA_PAGE_SIZE / MICA_INSTRUCTION_BYTES> slots;
	alignas(64) uint8_t bytes[MICA_PAGE_SIZE]; // what the slots were decoded from (if 'snapshot')
	bool snapshot = false;    // false: the page could not be fetched; decode word by word, per dispatch
	uint32_t epoch = 1;       // bumped whenever the page's slots are dropped
	uint64_t checked = 0;     // the dispatch whose first fetch compared the bytes
	// Slots valid for the dispatch that decoded them only (faults, literals on the next page):
	// dropped at the page's first fetch of the next dispatch.
	std::vector<uint16_t> transient;
};

// Per-worker decode cache (see the top of this file for how it stays true across dispatches).
class CodeCache {
public:
	// Starts a dispatch: every page is checked again at its first fetch.
	void reset(Mmu *mmu, uint32_t ctx, uint64_t program_va);
	// Pages kept; past this the cache starts empty (a worker running many programs).
	static constexpr size_t kMaxPages = 32;
	// Statistics for tests: slots decoded, and code pages whose bytes were compared and kept.
	uint64_t decodes() const { return decodes_; }
	uint64_t pages_reused() const { return pages_reused_; }
	// The decoded slot for pc (8-byte aligned); decodes it on first use.
	const CodeSlot &fetch(uint64_t pc);
	// VGPR rows any instruction decoded so far can write: a wave that ran only these
	// instructions has zeros outside them but for what launch sets (wave launch clears only what
	// may be dirty).
	RegRange vgprs() const { return vgprs_; }
	// The same for SGPRs named as destinations (EXEC, VCC and SCC are not counted).
	RegRange sgprs() const { return sgprs_; }

private:
	CodeSlot &decode(CodePage &page, CodeSlot &slot, uint64_t pc);
	CodePage *open_page(uint64_t page_va);
	Mmu *mmu_ = nullptr;
	uint32_t ctx_ = 0;
	uint64_t program_va_ = 0; // the dispatch's entry (for the test fetch observer)
	std::unordered_map<uint64_t, std::unique_ptr<CodePage>> pages_;
	uint64_t last_page_va_ = ~0ull;
	CodePage *last_page_ = nullptr;
	RegRange vgprs_, sgprs_; // never shrink: the union over every decode kept
	uint64_t dispatch_ = 0;
	uint64_t decodes_ = 0, pages_reused_ = 0;
};

// VGPR rows that instruction d can write (empty if it writes none).
RegRange vgprs_written(const DecodedInst &d);
// SGPRs (s0 = 0) that instruction d can write through its destination operand.
RegRange sgprs_written(const DecodedInst &d);

// Human-readable form of an instruction for fault reports ("v_add_u32 v1, v2, 5").
std::string describe(const DecodedInst &inst);
// Name of a register operand number ("v7", "s3", "exec").
std::string reg_name(unsigned raw);

} // namespace mica::sim::cu
