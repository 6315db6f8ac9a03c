// Final form of a program before encoding: blocks of decoded Mica instructions (mica_inst) with
// physical registers, branch targets as block indices. The hazard and wait-count passes, the
// static hazard verifier (on a decoded binary) and the emitter all work on this.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mica_isa.h"

namespace mica::compiler {

namespace ir {
struct Program;
}

struct AsmInst {
	mica_inst inst{};
	int32_t target = -1;     // branch target block
	uint8_t nop_for = 0;     // inserted s_nop: the hazard rule that required it
	bool inserted_wait = false;
	bool const_data_rel = false;   // literal completed by encode_program (ir.h kFixupConstData)
	uint64_t pc = 0;         // byte offset (set by layout / decode)
};

struct AsmBlock {
	std::vector<AsmInst> insts;
	std::vector<uint32_t> succs;
	uint32_t loop_depth = 0;   // for the static cycle estimate
};

struct AsmProgram {
	std::vector<AsmBlock> blocks;
	uint32_t revision = 2, power_profile = 0;
	void compute_succs();
};

mica_inst make_inst(unsigned opcode);
bool lower_to_asm(const ir::Program &p, AsmProgram &out, std::string &error);
std::string format_inst(const mica_inst &inst, int64_t target_block = -1);
std::string print_asm(const AsmProgram &p);

// Layout: assigns pcs, fixes branch immediates, and encodes. Returns false with a message when an
// instruction does not encode (a compiler bug surfaced instead of emitting garbage).
bool encode_program(AsmProgram &p, std::vector<uint8_t> &code, std::string &error);
// Decodes code into blocks (leaders: entry, branch targets, after branches). Fails on undecodable
// words or branches outside the code.
bool decode_program(std::span<const uint8_t> code, uint32_t entry, AsmProgram &out, std::string &error);

} // namespace mica::compiler
