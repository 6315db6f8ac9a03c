// SPDX-License-Identifier: MIT
#include "runtime.h"

namespace mica::sim::cu::jit {

uint32_t Runtime::exec(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle)
{
	w->cycle = cycle;
	return static_cast<uint32_t>(wk->exec_decoded(*w, *d, pc));
}

uint32_t Runtime::fresh(Worker *wk, Wave *w, uint32_t reg, uint32_t cls, uint64_t cycle)
{
	w->cycle = cycle;
	return wk->fresh(*w, reg, static_cast<Cls>(cls)) ? 1u : 0u;
}

uint32_t Runtime::writable(Worker *wk, Wave *w, uint32_t reg, uint64_t cycle)
{
	w->cycle = cycle;
	return wk->writable(*w, reg) ? 1u : 0u;
}

} // namespace mica::sim::cu::jit
