// SPDX-License-Identifier: MIT
// The functions translated code calls back into: the interpreter's semantics for one instruction,
// and the slow paths of the pipeline model (the same Worker members the interpreter uses).
#pragma once

#include <cstdint>
#include <vector>

#include "../program.h"
#include "../worker.h"

namespace mica::sim::cu::jit {

// The pipeline-model tests of one translated instruction, in the order the interpreter makes them:
// cls kScalar/kVector/kBranch: Worker::fresh; kWrite: Worker::writable.
struct CheckList {
	struct Item {
		uint16_t reg;
		uint8_t cls;
	};
	std::vector<Item> items;
};

struct Runtime {
	// One instruction through the reference semantics; returns the Step as a number.
	static uint32_t exec(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle);
	// Runs the checks at 'cycle': 1 if every register is fresh/writable and no hazard rule was
	// broken (the inline code may go on), else 0 with the violation count as it was before.
	static uint32_t checks_ok(Worker *wk, Wave *w, const CheckList *list, uint64_t cycle);
	// The rest of a global / ds load or store whose operands the translated code has read
	// (Worker::global_access / ds_access: translation, faults, accesses, results), for when the
	// inline path does not apply. data: 4 rows of 32 lanes; keep: 4 bytes; va/addr: 32 lanes.
	static uint32_t global_access(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle,
	                              uint32_t exec, const uint32_t *data, const uint8_t *keep, const uint64_t *va);
	static uint32_t ds_access(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle,
	                          uint32_t exec, const uint32_t *data, const uint8_t *keep, const uint32_t *addr);
	// Level 0: the whole global or ds access after the translated code has tested the operands
	// (all fresh and writable), stalled and counted the instruction: the operands are read from
	// the wave as exec_global / exec_ds read them, and the rest is global_access / ds_access.
	// The host address of the page at 'va' for 'access' past the SEC_WAVE_START_TLB window, as
	// Worker::global_access translates its first lane (the CU's TLB filled as it fills it), or
	// null if it does not translate (nothing reported: the general path then faults).
	static uint8_t *tlb_fill(Worker *wk, Wave *w, uint64_t va, uint32_t access);
	// A wave of a chain ended at s_endpgm (Frame::chain): 1 when Worker::chain_next launched the
	// next wave in the same Wave object (the code goes on at the first instruction), 0 when the
	// compute unit's share of the dispatch is done.
	static uint32_t chain_next(Worker *wk);
	static uint32_t vmem_regs(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle, uint32_t exec);
};

} // namespace mica::sim::cu::jit
