// The Mica compiler IR: SSA temporaries, explicit basic blocks, used at two levels.
//  - mid level: generic operations (iadd, fmul, load_global, ...) produced from SPIR-V, with the
//    structured control flow of SPIR-V kept on the blocks (selection/loop merge annotations);
//  - machine level: every instruction is a Mica ISA instruction (Op::mach + mica_op_info) or a
//    pseudo (parallel copy, branch), the CFG is linear (exec-mask lowering done), and after
//    register allocation every temporary has a physical register.
// Printer (ir_printer.cpp) and parser (ir_parser.cpp) round-trip both levels for tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mica_isa.h"

namespace mica::compiler::ir {

constexpr uint32_t kNone = ~0u;

// Where a value lives. 'mask' is a 32-bit lane mask in an SGPR (divergent booleans); 'sbool' a
// uniform boolean held as 0/1 in an SGPR. 'undecided' before the uniformity analysis ran.
enum class Bank : uint8_t { undecided, sgpr, vgpr, sbool, mask };

struct RegClass {
	Bank bank = Bank::undecided;
	uint8_t size = 1;        // dwords (booleans: 1)
	bool is_bool = false;    // a boolean (any bank)
	bool operator==(const RegClass &) const = default;
	bool is_sgpr_file() const { return bank == Bank::sgpr || bank == Bank::sbool || bank == Bank::mask; }
};

enum class Op : uint16_t {
#define MICA_IR_OP(name, kind) name,
#include "ir_ops.def"
#undef MICA_IR_OP
	count
};

const char *op_name(Op op);
bool op_from_name(std::string_view name, Op &out);
bool op_is_terminator(Op op);
bool op_has_side_effects(Op op);   // memory writes, barriers, atomics, terminators
bool op_reads_memory(Op op);

struct Operand {
	enum class Kind : uint8_t { none, temp, constant, reg, block };
	Kind kind = Kind::none;
	uint8_t size = 1;        // dwords
	uint16_t reg = 0;        // mica operand code for Kind::reg (first register of a tuple)
	uint32_t id = 0;         // temp id or block index
	uint64_t value = 0;      // Kind::constant: the bit pattern (size 2: 64 bits)
	uint8_t part = 0;        // Kind::temp: dword offset into the temporary (size is then 1)

	static Operand temp(uint32_t id, uint8_t size) { Operand o; o.kind = Kind::temp; o.id = id; o.size = size; return o; }
	static Operand c32(uint32_t v) { Operand o; o.kind = Kind::constant; o.value = v; o.size = 1; return o; }
	static Operand c64(uint64_t v) { Operand o; o.kind = Kind::constant; o.value = v; o.size = 2; return o; }
	static Operand phys(uint16_t code, uint8_t size = 1) { Operand o; o.kind = Kind::reg; o.reg = code; o.size = size; return o; }
	static Operand block(uint32_t b) { Operand o; o.kind = Kind::block; o.id = b; return o; }
	bool is_temp() const { return kind == Kind::temp; }
	bool is_const() const { return kind == Kind::constant; }
	bool operator==(const Operand &) const = default;
};

struct Instr {
	Op op = Op::copy;
	const mica_op_info *mop = nullptr;   // Op::mach only
	std::vector<Operand> defs;
	std::vector<Operand> ops;
	int64_t imm = 0;       // meaning depends on op (dimension, binding, CTRL imm, MEM offset)
	uint32_t aux = 0;      // second immediate (access size, atomic kind, reduction op)
	uint32_t hazard = 0;   // s_nop inserted for this hazard rule (stats), 0 otherwise
	uint8_t fixup = 0;     // machine level: kFixup* (an operand completed after register allocation)
};

struct Block {
	std::vector<Instr> instrs;
	std::vector<uint32_t> preds, succs;
	// Structured control flow (mid level): the merge instruction of the block's terminator.
	enum class Merge : uint8_t { none, selection, loop } merge = Merge::none;
	uint32_t merge_block = kNone;
	uint32_t continue_block = kNone;
	uint32_t loop_depth = 0;
	// Machine level: the logical CFG (lanes' view, before exec-mask linearisation). VGPR liveness
	// follows it; SGPR liveness follows the linear CFG in preds/succs.
	std::vector<uint32_t> logical_succs, logical_preds;
};

// store_global / atomic_global: 'aux' flag saying the last operand is a boolean predicate; lanes
// where it is false do not access memory (robust buffer access; the selector masks EXEC).
constexpr uint32_t kAuxPredicated = 0x100;
// clustered_reduce: the same, 'imm' the cluster size (a power of two up to the wave size).
// reduce / inclusive_scan / exclusive_scan: 'aux' is the combining operation, plus this flag when
// the values are 16-bit floats (in the low bits of 32-bit values: the f16 instructions combine).
constexpr uint32_t kAuxHalf = 0x10000;

// Instr::fixup: operand 1 (an s_mul_u32 constant) becomes the scratch region size of one wave,
// Program::scratch_bytes x wave size, once register allocation has fixed the spill area.
constexpr uint8_t kFixupScratchRegion = 1;
// Instr::fixup: an s_add_u64 whose literal becomes the distance from the pc its source
// s_getpc_b64 returned to the const data (code base + align_up(code size, 256)); the encoder
// completes it once the code size is known.
constexpr uint8_t kFixupConstData = 2;

enum class Level : uint8_t { mid, machine };

struct Program {
	Level level = Level::mid;
	std::vector<Block> blocks;
	std::vector<RegClass> temps;           // indexed by temp id; id 0 is never used
	std::vector<uint16_t> temp_reg;        // register allocation result (mica operand code), 0xffff none
	uint32_t wg_size[3] = {1, 1, 1};
	uint32_t shared_bytes = 0;
	uint32_t revision = 2, power_profile = 0;
	uint32_t vgprs_used = 0, sgprs_used = 0, spills = 0;
	uint32_t rematerialised = 0;           // VGPR values recomputed at their uses instead of spilled
	uint32_t scratch_bytes = 0;            // scratch per lane (launch ABI s[10:11]): local_bytes + VGPR spills
	// Function-scope variables kept in memory (not promoted to registers), bytes per lane: lane l
	// of a wave owns [l * local_bytes, (l + 1) * local_bytes) at the start of the wave's scratch
	// region; VGPR spill slots follow at 32 * local_bytes (docs/compiler.md).
	uint32_t local_bytes = 0;
	// Read-only data placed after the code when the program is loaded (program-scope __constant
	// data of Kernel programs); const_data_base is its address.
	std::vector<uint8_t> const_data;
	// Mid level, from SPIR-V: the OpLabel id of each block (0 for blocks the passes added), so
	// that a failure in a later stage can name the SPIR-V block it stopped at.
	std::vector<uint32_t> block_labels;
	// Machine level: VGPRs below this are whole-wave scratch beyond the fixed reservation
	// (machine.h kReservedVgprs) that isel uses directly (64-bit subgroup reductions); the
	// allocator does not hand them out. 0: only the fixed reservation.
	uint32_t whole_wave_vgprs = 0;

	uint32_t new_temp(RegClass rc)
	{
		if (temps.empty())
			temps.emplace_back();
		temps.push_back(rc);
		return (uint32_t)temps.size() - 1;
	}
	Operand new_def(RegClass rc) { return Operand::temp(new_temp(rc), rc.size); }
	void recompute_preds();   // from terminators (mid) or succs (machine)
	void compute_linear_cfg(); // machine level: succs from branches and fall-through, plus logical preds
};

// Successor blocks named by a mid-level terminator.
std::vector<uint32_t> terminator_targets(const Instr &term);

std::string print_program(const Program &p);
std::string print_instr(const Program &p, const Instr &ins);
std::string print_regclass(const RegClass &rc);
std::string print_operand(const Program &p, const Operand &o);

// Parses the printer's text format; on error returns false with a message "line N: ...".
bool parse_program(std::string_view text, Program &out, std::string &error);

// Structural checks (SSA at mid level, operand classes, CFG consistency). Returns "" when valid.
std::string verify(const Program &p);

} // namespace mica::compiler::ir
