// The hazard rules of mica.toml [[hazard]] as one state machine, shared by the compiler's hazard
// and wait-count passes (which insert s_nop / s_waitcnt) and by the static verifier (which reports).
// Registers are named by their operand code (v0..v255 = 0..255, s0..s127 = 256..383, exec, vcc,
// scc). docs/hw/hazards.md explains every rule with examples.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "asm.h"

namespace mica::compiler {

constexpr unsigned kRegSpace = MICA_OPND_SCC + 1;

struct InstRegs {
	std::vector<uint16_t> reads, writes;
};
// Explicit operands plus implicit EXEC/VCC/SCC reads and writes.
InstRegs inst_regs(const mica_inst &inst);
bool is_memory_access(const mica_inst &inst);    // global, ds, s_load
bool rule_applies(unsigned hazard, uint32_t revision, uint32_t profile);
// Issue cycles an instruction takes when it does not wait (s_nop N: N+1).
unsigned issue_cycles(const mica_inst &inst);

// Distance rules (VALU_LONG_RAW/WAW, SALU_VALU_FORWARD, LP_VALU_FORWARD, R1_VCC_BRANCH,
// SEC_WAVE_START_TLB). remain[rule][reg]: cycles that must still pass before the register may be
// touched in the way the rule forbids.
struct DistanceState {
	std::array<std::array<uint8_t, kRegSpace>, MICA_HAZARD_COUNT> remain{};
	uint8_t since_start = 255;   // cycles since wave launch (saturating); entry block starts at 0
	bool merge(const DistanceState &o);   // join: max remaining, min since_start
	void advance(unsigned cycles);
};

struct Need {
	unsigned cycles = 0;    // extra cycles required before issuing
	unsigned hazard = 0;    // the rule requiring the most
	unsigned reg = 0;
	unsigned required = 0;  // the rule's distance
};
Need distance_need(const DistanceState &s, const mica_inst &inst, uint32_t revision, uint32_t profile);
void distance_issue(DistanceState &s, const mica_inst &inst, uint32_t revision, uint32_t profile);

// MEM_RESULT: registers with a load/atomic result still in flight.
struct WaitState {
	std::array<uint8_t, kRegSpace> counter{};   // 0 none, MICA_COUNTER_GM, MICA_COUNTER_LS
	std::array<uint8_t, kRegSpace> younger{};   // ops issued on the same counter after it (min over paths)
	bool ls_has_smem = false;                   // an smem op may be outstanding: LS completes out of order
	bool merge(const WaitState &o);
};
// The wait needed before 'inst' (gm/ls fields, MICA_WAITCNT_NOWAIT when none); false if none.
bool wait_need(const WaitState &s, const mica_inst &inst, unsigned &gm, unsigned &ls, unsigned &reg);
void wait_apply(WaitState &s, unsigned gm, unsigned ls);
void wait_issue(WaitState &s, const mica_inst &inst);
int32_t waitcnt_imm(unsigned gm, unsigned ls);
// The gm and ls fields of an s_waitcnt immediate (waitcnt_imm's inverse).
void waitcnt_fields(int32_t imm, unsigned &gm, unsigned &ls);

// A hazard found by the verifier.
struct Violation {
	unsigned hazard;
	uint64_t pc;
	unsigned reg;
	unsigned required, actual;
	std::string text;
};

} // namespace mica::compiler
