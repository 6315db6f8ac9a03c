// SPDX-License-Identifier: MIT
#include "runtime.h"

namespace mica::sim::cu::jit {

uint32_t Runtime::exec(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle)
{
	w->cycle = cycle;
	return static_cast<uint32_t>(wk->exec_decoded(*w, *d, pc));
}

uint32_t Runtime::chain_next(Worker *wk) { return wk->chain_next() ? 1 : 0; }

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

uint8_t *Runtime::tlb_fill(Worker *wk, Wave *w, uint64_t va, uint32_t access)
{
	uint32_t fault = MICA_FAULT_NONE;
	return wk->translate(*w, va, static_cast<mica_access>(access), &fault, false);
}

uint32_t Runtime::vmem_regs(Worker *wk, Wave *w, const DecodedInst *d, uint64_t pc, uint64_t cycle, uint32_t exec)
{
	// The data rows are consecutive registers (the wave's rows are one array).
	static_assert(sizeof(Row) == kLanes * sizeof(uint32_t));
	const auto *data = reinterpret_cast<const uint32_t(*)[kLanes]>(
	    d->info->kind[3] != MICA_KIND_UNUSED ? w->v[d->opnd[3]].l : w->v[0].l);
	bool keep[4] = {false, false, false, false};
	if (d->opnd[0] != MICA_OPND_NONE && d->info->kind[0] != MICA_KIND_UNUSED)
		for (unsigned k = 0; k < mica_kind_table[d->info->kind[0]].regs && k < 4; k++)
			keep[k] = true;
	wk->cur_pc_ = pc;
	wk->violated_ = false;
	if (d->unit == MICA_UNIT_LDS) {
		const uint32_t *addr = w->v[d->opnd[1]].l;
		return around(w, d, pc, cycle, [&] { return wk->ds_access(*w, *d, exec, data, keep, addr); });
	}
	alignas(64) uint64_t va[kLanes];
	if (d->opnd[2] == MICA_OPND_NONE) {
		const uint32_t *lo = w->v[d->opnd[1]].l, *hi = w->v[d->opnd[1] + 1u].l;
		for (unsigned l = 0; l < kLanes; l++)
			va[l] = (lo[l] | (static_cast<uint64_t>(hi[l]) << 32)) + static_cast<int64_t>(d->imm);
	} else {
		const uint32_t *off = w->v[d->opnd[1]].l;
		const uint64_t base = w->s[d->opnd[2] - kSregFirst] | (static_cast<uint64_t>(w->s[d->opnd[2] + 1u - kSregFirst]) << 32);
		for (unsigned l = 0; l < kLanes; l++)
			va[l] = base + off[l] + static_cast<int64_t>(d->imm);
	}
	return around(w, d, pc, cycle, [&] { return wk->global_access(*w, *d, exec, data, keep, va); });
}

} // namespace mica::sim::cu::jit
