// SPDX-License-Identifier: MIT
// Which programs may run their waves as a chain (Worker::chain_next): one wave after another in
// one Wave object, the translated code launching the next wave at s_endpgm instead of returning
// to the scheduler. That keeps the scheduler's order only if the scheduler would have run each
// wave from its launch to its end in one turn (docs/performance.md, "Wave chains").
#pragma once

#include "codegen.h"

namespace mica::sim::cu::jit {

// True when every wave that runs 'code' ends within its first 'quantum' instructions and no wave
// can wait at a barrier: the code is all of the program a wave can run (every slot fetched and
// decoded, every branch target and fall-through a slot of it), holds no s_barrier, every branch
// goes forward, and it has at most 'quantum' instructions. With forward branches only, no path
// runs an instruction twice, so none is longer than the program. Conservative: a program with a
// loop never chains, however few times it runs the loop.
bool chains(const Code &code, unsigned quantum);

} // namespace mica::sim::cu::jit
