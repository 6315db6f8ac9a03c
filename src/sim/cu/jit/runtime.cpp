// SPDX-License-Identifier: MIT
#include "runtime.h"

namespace mica::sim::cu::jit {

uint32_t Runtime::exec(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle)
{
	w->cycle = cycle;
	return static_cast<uint32_t>(wk->exec_decoded(*w, *d, pc));
}

uint32_t Runtime::checks_ok(Worker *wk, Wave *w, const CheckList *list, uint64_t cycle)
{
	w->cycle = cycle;
	const uint64_t violations = wk->stats_.hazard_violations;
	bool ok = true;
	for (const CheckList::Item &c : list->items)
		ok &= c.cls == kWrite ? wk->writable(*w, c.reg) : wk->fresh(*w, c.reg, static_cast<Cls>(c.cls));
	if (ok && wk->stats_.hazard_violations == violations)
		return 1;
	wk->stats_.hazard_violations = violations; // the interpreter counts them when it executes the instruction
	return 0;
}

namespace {

// What Worker::exec_decoded does around the semantics (the translated code has counted the
// instruction already).
template <class F> uint32_t around(Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle, F &&body)
{
	w->cycle = cycle;
	w->pc = pc + d->words * uint64_t(MICA_INSTRUCTION_BYTES);
	const Step s = body();
	if (s == Step::Continue)
		w->cycle++;
	return static_cast<uint32_t>(s);
}

} // namespace

uint32_t Runtime::global_access(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle,
                                uint32_t exec, const uint32_t *data, const uint8_t *keep, const uint64_t *va)
{
	wk->cur_pc_ = pc;
	wk->violated_ = false;
	const bool k[4] = {keep[0] != 0, keep[1] != 0, keep[2] != 0, keep[3] != 0};
	return around(w, d, pc, cycle, [&] {
		return wk->global_access(*w, *d, exec, reinterpret_cast<const uint32_t(*)[kLanes]>(data), k, va);
	});
}

uint32_t Runtime::ds_access(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle,
                            uint32_t exec, const uint32_t *data, const uint8_t *keep, const uint32_t *addr)
{
	wk->cur_pc_ = pc;
	wk->violated_ = false;
	const bool k[4] = {keep[0] != 0, keep[1] != 0, keep[2] != 0, keep[3] != 0};
	return around(w, d, pc, cycle, [&] {
		return wk->ds_access(*w, *d, exec, reinterpret_cast<const uint32_t(*)[kLanes]>(data), k, addr);
	});
}

} // namespace mica::sim::cu::jit
