// SPDX-License-Identifier: MIT
// Translation of one decoded program to host code (LLVM IR -> ORC JIT).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "../program.h"
#include "jit.h"

namespace mica::sim::cu::jit {

// What the translator sees: the decoded slots reachable from the entry, by byte offset from the
// entry (a slot that could not be fetched or decoded is kept: it becomes an exit to the
// interpreter, which raises the fault), and the pipeline parameters the code depends on.
struct Code {
	std::map<uint64_t, CodeSlot> slots;
	uint32_t revision = 0, power_profile = 0; // the dispatch's (MICA_REV_*, MICA_PROFILE_*)
	bool lowpower() const { return power_profile == MICA_PROFILE_LOWPOWER; }
	bool r1() const { return revision == MICA_REV_R1; }
	uint64_t hash = 0;
};

// Where a branch at byte offset 'off' goes (as Worker::exec_ctrl computes it: from the next
// instruction; branches are one word).
inline uint64_t branch_target(uint64_t off, const DecodedInst &d)
{
	return off + MICA_INSTRUCTION_BYTES + static_cast<uint64_t>(static_cast<int64_t>(d.imm));
}

// The translated program at code-generator level 'level' (0: fast to translate, 1: faster code;
// MICA_CU_JIT_OPT overrides it), or null with *error set (LLVM unavailable or failed).
std::shared_ptr<Program> compile(const Code &code, unsigned level, std::string *error);
// One small module through level 'level''s pipeline, so LLVM's first-use statics exist before an
// exit handler is registered (translate.cpp's tier-up thread).
void warm_up(unsigned level);

// True when hot programs are translated at level 0 first and at level 1 later (MICA_CU_JIT_OPT
// unset).
bool tiered();

// Host CPU name and the vector features the JIT targets (for reports).
std::string host_target();

} // namespace mica::sim::cu::jit
