// SPDX-License-Identifier: MIT
// The engines' differential mode (MICA_CU_ENGINE=diff): every dispatch runs on the interpreter
// and on the JIT, each over private copies of the memory pages it touches (copied from device
// memory at first touch, so both start from the same bytes), and everything observable is
// compared: every touched page, the fault record and every counter of the DispatchResult. A
// difference is reported and aborts the process (a test that runs in this mode fails); otherwise
// the interpreter's pages are written back, so the dispatch has exactly the reference effect.
// Both engines run their compute units on one host thread so atomics interleave identically.
// A checked-mode dispatch runs checked on the interpreter and faithful on the JIT (identical
// unless a hazard rule is broken, and then the interpreter's fault is the answer).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "diff_engine.h"

namespace mica::sim::cu {

namespace {

struct Page {
	uint8_t b[MICA_PAGE_SIZE];
	uint32_t ctx;
	uint64_t va; // first address it was translated for (for reports)
};

// Hands out private copies of device pages, keyed by the host address of the page.
class ShadowMmu final : public Mmu {
public:
	explicit ShadowMmu(Mmu &real) : real_(real) {}
	uint8_t *translate(uint32_t ctx, uint64_t va, mica_access access, uint32_t *fault) override
	{
		uint8_t *p = real_.translate(ctx, va, access, fault);
		if (!p)
			return nullptr;
		const uint64_t in = va % MICA_PAGE_SIZE;
		uint8_t *page = p - in;
		std::lock_guard<std::mutex> lock(mutex_);
		auto &copy = pages_[page];
		if (!copy) {
			copy = std::make_unique<Page>();
			std::memcpy(copy->b, page, MICA_PAGE_SIZE);
			copy->ctx = ctx;
			copy->va = va - in;
		}
		return copy->b + in;
	}
	std::map<uint8_t *, std::unique_ptr<Page>> pages_;

private:
	Mmu &real_;
	std::mutex mutex_;
};

std::string compare_results(const DispatchResult &a, const DispatchResult &b)
{
	std::string d;
	auto cmp = [&](const char *what, uint64_t x, uint64_t y) {
		if (x != y)
			d += std::string(what) + ": interp " + std::to_string(x) + ", jit " + std::to_string(y) + "\n";
	};
	cmp("fault", a.fault, b.fault);
	cmp("fault_addr", a.fault_addr, b.fault_addr);
	cmp("fault_access", a.fault_access, b.fault_access);
	cmp("fault_pc", a.fault_pc, b.fault_pc);
	cmp("fault_info", a.fault_info, b.fault_info);
	cmp("cycles", a.cycles, b.cycles);
	cmp("instructions", a.instructions, b.instructions);
	cmp("lane_instructions", a.lane_instructions, b.lane_instructions);
	cmp("mem_ops", a.mem_ops, b.mem_ops);
	cmp("stall_cycles", a.stall_cycles, b.stall_cycles);
	cmp("waves", a.waves, b.waves);
	cmp("hazard_violations", a.hazard_violations, b.hazard_violations);
	if (a.report != b.report)
		d += "report: interp \"" + a.report + "\", jit \"" + b.report + "\"\n";
	return d;
}

class DiffEngine final : public ComputeEngine {
public:
	DiffEngine(Mmu &mmu, uint32_t cu_count) : shadow_i_(mmu), shadow_j_(mmu)
	{
		interp_ = make_compute_engine(shadow_i_, cu_count, 1, CuEngine::Interp);
		jit_ = make_compute_engine(shadow_j_, cu_count, 1, CuEngine::Jit);
	}

	DispatchResult run(const DispatchState &st) override
	{
		std::lock_guard<std::mutex> lock(mutex_);
		shadow_i_.pages_.clear();
		shadow_j_.pages_.clear();
		DispatchResult ri = interp_->run(st);
		// Checked hazard mode is the interpreter's alone. A dispatch that breaks no rule runs
		// identically in faithful mode (checked mode only adds the fault), so the JIT side runs
		// it faithfully and is compared; one that faulted on a hazard is not comparable.
		DispatchState sj = st;
		sj.checked = false;
		sj.progress = nullptr; // the interpreter's run already counted the workgroups
		DispatchResult rj = jit_->run(sj);
		if (st.checked && ri.fault == MICA_FAULT_HAZARD) {
			for (auto &[key, page] : shadow_i_.pages_)
				std::memcpy(key, page->b, MICA_PAGE_SIZE);
			return ri;
		}
		std::string diff = compare_results(ri, rj);
		// Every page either engine touched must hold the same bytes afterwards (a page only one
		// engine touched is compared with device memory, which neither engine wrote).
		auto page_of = [](ShadowMmu &s, uint8_t *key) -> const Page * {
			auto it = s.pages_.find(key);
			return it == s.pages_.end() ? nullptr : it->second.get();
		};
		for (ShadowMmu *s : {&shadow_i_, &shadow_j_}) {
			for (auto &[key, page] : s->pages_) {
				const Page *pi = page_of(shadow_i_, key), *pj = page_of(shadow_j_, key);
				const uint8_t *bi = pi ? pi->b : key, *bj = pj ? pj->b : key;
				if (std::memcmp(bi, bj, MICA_PAGE_SIZE) == 0)
					continue;
				for (unsigned o = 0; o < MICA_PAGE_SIZE; o++)
					if (bi[o] != bj[o]) {
						char buf[160];
						std::snprintf(buf, sizeof buf, "memory: ctx %u va 0x%" PRIx64 ": interp 0x%02x, jit 0x%02x\n",
						              page->ctx, page->va + o, bi[o], bj[o]);
						diff += buf;
						break;
					}
			}
			if (s == &shadow_j_)
				break;
		}
		if (!diff.empty()) {
			std::fprintf(stderr,
			             "mica: MICA_CU_ENGINE=diff: the engines disagree on a dispatch (program 0x%" PRIx64
			             ", ctx %u, groups %ux%ux%u of %ux%ux%u):\n%s",
			             st.program_va, st.ctx, st.groups[0], st.groups[1], st.groups[2], st.wg_size[0],
			             st.wg_size[1], st.wg_size[2], diff.c_str());
			std::abort();
		}
		for (auto &[key, page] : shadow_i_.pages_)
			std::memcpy(key, page->b, MICA_PAGE_SIZE);
		dispatches_++;
		return ri;
	}

	const ComputeEngine &reference() const { return *interp_; }

private:
	ShadowMmu shadow_i_, shadow_j_;
	std::unique_ptr<ComputeEngine> interp_, jit_;
	std::mutex mutex_;
	uint64_t dispatches_ = 0;
};

} // namespace

const ComputeEngine *diff_reference(const ComputeEngine &engine)
{
	auto *d = dynamic_cast<const DiffEngine *>(&engine);
	return d ? &d->reference() : nullptr;
}

std::unique_ptr<ComputeEngine> make_diff_engine(Mmu &mmu, uint32_t cu_count)
{
	return std::make_unique<DiffEngine>(mmu, cu_count);
}

} // namespace mica::sim::cu
