// Helpers over the generated ISA tables (mica_hw.h): names, operand codes, units.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mica_isa.h"

namespace mica::compiler {

std::string reg_name(uint16_t code, unsigned size);
bool parse_reg_name(std::string_view s, uint16_t &code, uint8_t &size);
const mica_op_info *find_mop(std::string_view mnemonic);
const mica_op_info *mop(unsigned opcode);   // asserts the opcode exists

inline bool is_vgpr_code(unsigned c) { return c <= MICA_OPND_VGPR_LAST; }
inline bool is_sgpr_code(unsigned c) { return c >= MICA_OPND_SGPR_FIRST && c <= MICA_OPND_SGPR_LAST; }
inline uint16_t vgpr(unsigned i) { return (uint16_t)(MICA_OPND_VGPR_FIRST + i); }
inline uint16_t sgpr(unsigned i) { return (uint16_t)(MICA_OPND_SGPR_FIRST + i); }

// Registers the allocator never hands out: the launch ABI inputs (s0..s19 user data, workgroup id,
// wave index; v0..v2 local id) stay readable for the whole program, and v3..v5 are whole-wave
// scratch for subgroup reductions (written with EXEC forced to all lanes).
constexpr unsigned kReservedSgprs = MICA_ABI_S_WAVE_IN_GROUP + 1;
constexpr unsigned kScratchVgpr0 = MICA_ABI_V_LOCAL_ID_Z + 1;
constexpr unsigned kReservedVgprs = kScratchVgpr0 + 3;

// Per-CU scheduler limits (mica.toml [device], docs/hw/device.md "Occupancy"; stats.cpp).
// Registers a wave of a workgroup of 'invocations' may use so that the whole workgroup fits the
// CU's register files at once (the file holds fewer than wave_slots_per_cu waves of 256 VGPRs).
unsigned vgpr_limit(uint32_t invocations);
unsigned sgpr_limit(uint32_t invocations);
struct Occupancy {
	uint32_t waves = 0;          // resident waves per CU
	const char *limited_by = "";   // "wave slots", "VGPRs", "SGPRs", "shared memory"
};
Occupancy estimate_occupancy(uint32_t vgprs, uint32_t sgprs, uint32_t shared_bytes, uint32_t invocations);

// Units by class (mica.toml [units]).
inline bool unit_is_valu(unsigned u)
{
	return u == MICA_UNIT_VALU || u == MICA_UNIT_VMUL || u == MICA_UNIT_VDIV || u == MICA_UNIT_V64 ||
	       u == MICA_UNIT_VTRANS;
}
inline bool unit_is_vector(unsigned u) { return unit_is_valu(u) || u == MICA_UNIT_VMEM || u == MICA_UNIT_LDS; }
inline bool unit_is_mem(unsigned u) { return u == MICA_UNIT_VMEM || u == MICA_UNIT_LDS || u == MICA_UNIT_SMEM; }

// Inline-constant operand code for a 32-bit value, or 0 when it needs a literal.
uint16_t inline_const_code(uint32_t value, bool float_op);

} // namespace mica::compiler
