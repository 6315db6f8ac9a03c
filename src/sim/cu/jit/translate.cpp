// SPDX-License-Identifier: MIT
// Finding, hashing and caching translations. The code a dispatch runs is discovered the way the
// kernel's validator bounds it: from the entry, along fall-through and static branch targets
// (the ISA has no indirect branches), fetched through the MMU with execute permission. The
// decoded instructions (not the addresses) are hashed together with the revision and power
// profile, so one translation serves every context and address that holds the same program.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "codegen.h"

namespace mica::sim::cu::jit {

namespace {

// A larger program is interpreted. At the optimising levels translation time grows faster than
// linearly with the size of the one function a program becomes (about 3 ms per instruction at
// 600 instructions), so programs over kMaxTierUpInstructions stay at level 0 (fast instruction
// selection and register allocation, close to linear) and only level 0 takes the larger ones.
constexpr size_t kMaxInstructions = 2048;
constexpr size_t kMaxTierUpInstructions = 512;
constexpr size_t kCacheEntries = 256; // translations kept (least recently used go)
constexpr uint64_t kDefaultHotInvocations = 1u << 14;
constexpr uint64_t kDefaultTierUpInvocations = 1u << 16;
constexpr uint64_t kSmallDispatch = 1024; // invocations; always interpreted (unless the threshold is 0)

struct Hasher {
	uint64_t h = 0xcbf29ce484222325ull; // FNV-1a
	void add(uint64_t v)
	{
		for (unsigned i = 0; i < 8; i++) {
			h ^= (v >> (8 * i)) & 0xff;
			h *= 0x100000001b3ull;
		}
	}
};

uint64_t hash_slot(Hasher &hs, uint64_t off, const CodeSlot &s)
{
	hs.add(off);
	hs.add(static_cast<uint64_t>(s.state) | uint64_t(s.fault) << 8);
	if (s.state != SlotState::Ok)
		return hs.h;
	const DecodedInst &d = s.inst;
	hs.add(d.op | uint64_t(d.words) << 16 | uint64_t(static_cast<uint32_t>(d.imm)) << 32);
	for (unsigned i = 0; i < 4; i++)
		hs.add(d.opnd[i] | uint64_t(d.src[i]) << 16);
	for (unsigned i = 0; i < 4; i++)
		hs.add(d.k[i]);
	hs.add(d.word_lo);
	return hs.h;
}

// Everything reachable from the entry. Returns false when the program is too large.
bool discover(Mmu &mmu, const DispatchState &st, Code &code)
{
	const size_t limit = tiered() ? kMaxInstructions : kMaxTierUpInstructions;
	CodeCache cc;
	cc.reset(&mmu, st.ctx, st.program_va);
	std::vector<uint64_t> work{0};
	while (!work.empty()) {
		uint64_t off = work.back();
		work.pop_back();
		if (code.slots.count(off) || off % MICA_INSTRUCTION_BYTES)
			continue;
		if (code.slots.size() >= limit)
			return false;
		const CodeSlot &s = cc.fetch(st.program_va + off);
		code.slots.emplace(off, s);
		if (s.state != SlotState::Ok)
			continue;
		const DecodedInst &d = s.inst;
		const uint64_t next = off + d.words * uint64_t(MICA_INSTRUCTION_BYTES);
		if ((d.flags & MICA_OPF_END) || d.op == MICA_OP_S_TRAP)
			continue;
		if (d.flags & MICA_OPF_BRANCH) {
			uint64_t target = off + MICA_INSTRUCTION_BYTES + static_cast<uint64_t>(static_cast<int64_t>(d.imm));
			if (target < (1ull << 40)) // a target before the entry is left to the interpreter
				work.push_back(target);
			if (!(d.flags & MICA_OPF_COND))
				continue;
		}
		work.push_back(next);
	}
	return true;
}

struct CacheEntry {
	std::shared_ptr<const Program> prog; // null: known, not translated yet (or failed)
	uint64_t invocations = 0;
	uint64_t since_level0 = 0; // invocations dispatched while prog was the level-0 translation
	bool failed = false;
	bool tierup_queued = false; // a level-1 translation is queued or made (or failed)
	std::list<uint64_t>::iterator lru;
};

bool debug() { return std::getenv("MICA_CU_JIT_DEBUG") != nullptr; }

struct Cache {
	std::mutex mutex;
	std::unordered_map<uint64_t, CacheEntry> entries;
	std::list<uint64_t> lru; // most recent first
	Counters counters;
	// Level-1 re-translations, made by one background thread (started on the first one) so that
	// no dispatch waits for the optimising code generator.
	std::deque<Code> tierup_queue;
	bool tierup_busy = false, stopping = false;
	std::condition_variable tierup_cv, idle_cv;
	std::thread tierup_thread;

	~Cache()
	{
		{
			std::lock_guard<std::mutex> lock(mutex);
			stopping = true;
			tierup_queue.clear();
		}
		tierup_cv.notify_all();
		if (tierup_thread.joinable())
			tierup_thread.join();
	}
	void evict_lru()
	{
		while (entries.size() > kCacheEntries) {
			uint64_t victim = lru.back();
			lru.pop_back();
			entries.erase(victim);
		}
	}
	void tierup_loop();
};

Cache &cache()
{
	// The JIT hosts first: statics are destroyed in reverse order, and the cached programs
	// release their code through them.
	(void)available();
	static Cache c;
	return c;
}

void Cache::tierup_loop()
{
	std::unique_lock<std::mutex> lock(mutex);
	for (;;) {
		tierup_cv.wait(lock, [&] { return stopping || !tierup_queue.empty(); });
		if (stopping)
			return;
		Code code = std::move(tierup_queue.front());
		tierup_queue.pop_front();
		tierup_busy = true;
		lock.unlock();
		auto t0 = std::chrono::steady_clock::now();
		std::string error;
		std::shared_ptr<const Program> prog = compile(code, 1, &error);
		auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
		lock.lock();
		tierup_busy = false;
		counters.translate_ns += static_cast<uint64_t>(ns);
		auto it = entries.find(code.hash);
		if (!prog) {
			counters.failures++; // the level-0 translation stays
			if (debug())
				std::fprintf(stderr, "mica jit: level-1 translation failed: %s\n", error.c_str());
		} else if (it != entries.end() && it->second.prog) {
			// Dispatches that already hold the level-0 program finish with it.
			it->second.prog = std::move(prog);
			counters.tier_ups++;
			if (debug())
				std::fprintf(stderr, "mica jit: program %016llx: level 1 in %.1f ms (wall)\n",
				             static_cast<unsigned long long>(code.hash), ns / 1e6);
		}
		idle_cv.notify_all();
	}
}

} // namespace

void wait_for_tier_ups()
{
	Cache &c = cache();
	std::unique_lock<std::mutex> lock(c.mutex);
	c.idle_cv.wait(lock, [&] { return c.tierup_queue.empty() && !c.tierup_busy; });
}

uint64_t tierup_threshold()
{
	static const uint64_t t = [] {
		const char *e = std::getenv("MICA_CU_JIT_TIERUP");
		return e && *e ? std::strtoull(e, nullptr, 0) : kDefaultTierUpInvocations;
	}();
	return t;
}

uint64_t hot_threshold()
{
	static const uint64_t t = [] {
		const char *e = std::getenv("MICA_CU_JIT_THRESHOLD");
		return e && *e ? std::strtoull(e, nullptr, 0) : kDefaultHotInvocations;
	}();
	return t;
}

Counters counters()
{
	Cache &c = cache();
	std::lock_guard<std::mutex> lock(c.mutex);
	return c.counters;
}

std::shared_ptr<const Program> program_for(Mmu &mmu, const DispatchState &st)
{
	Cache &c = cache();
	if (st.checked) {
		std::lock_guard<std::mutex> lock(c.mutex);
		c.counters.checked_fallbacks++;
		return nullptr;
	}
	if (!available())
		return nullptr;
	const uint64_t invocations = uint64_t(st.wg_size[0]) * st.wg_size[1] * st.wg_size[2] *
	                             std::min<uint64_t>(uint64_t(st.groups[0]) * st.groups[1] * st.groups[2], 1ull << 32);
	// A small dispatch is interpreted without looking at its program at all: finding and
	// hashing the code would cost more than the translation could save (empty-dispatch latency).
	if (hot_threshold() > 0 && invocations < kSmallDispatch) {
		std::lock_guard<std::mutex> lock(c.mutex);
		c.counters.cold_dispatches++;
		return nullptr;
	}
	Code code;
	code.lowpower = st.power_profile == MICA_PROFILE_LOWPOWER;
	code.r1 = st.revision == MICA_REV_R1;
	if (!discover(mmu, st, code)) {
		std::lock_guard<std::mutex> lock(c.mutex);
		c.counters.too_large++;
		return nullptr;
	}
	Hasher hs;
	hs.add(st.revision);
	hs.add(st.power_profile);
	for (const auto &[off, slot] : code.slots)
		hash_slot(hs, off, slot);
	code.hash = hs.h;

	std::unique_lock<std::mutex> lock(c.mutex);
	auto [it, fresh] = c.entries.try_emplace(code.hash);
	CacheEntry &e = it->second;
	if (fresh) {
		c.lru.push_front(code.hash);
		e.lru = c.lru.begin();
	} else {
		c.lru.splice(c.lru.begin(), c.lru, e.lru);
	}
	if (e.prog) {
		c.counters.cache_hits++;
		if (e.prog->level() == 0 && !e.tierup_queued && tiered() && code.slots.size() <= kMaxTierUpInstructions) {
			e.since_level0 += invocations;
			if (e.since_level0 >= tierup_threshold()) {
				e.tierup_queued = true;
				c.tierup_queue.push_back(std::move(code));
				if (!c.tierup_thread.joinable())
					c.tierup_thread = std::thread([&c] { c.tierup_loop(); });
				c.tierup_cv.notify_one();
			}
		}
		return e.prog;
	}
	e.invocations += invocations;
	if (e.failed || e.invocations < hot_threshold()) {
		c.counters.cold_dispatches++;
		return nullptr;
	}
	// Translate outside the cache lock (LLVM takes its own); a concurrent dispatch of the same
	// program meanwhile interprets.
	lock.unlock();
	auto t0 = std::chrono::steady_clock::now();
	std::string error;
	std::shared_ptr<const Program> prog = compile(code, tiered() ? 0 : 1, &error);
	auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
	lock.lock();
	c.counters.translate_ns += static_cast<uint64_t>(ns);
	auto it2 = c.entries.find(code.hash);
	if (it2 == c.entries.end())
		return prog;
	if (!prog) {
		c.counters.failures++;
		it2->second.failed = true;
		if (debug())
			std::fprintf(stderr, "mica jit: translation failed: %s\n", error.c_str());
		return nullptr;
	}
	c.counters.translations++;
	if (debug())
		std::fprintf(stderr, "mica jit: program %016llx: %u instructions (%u inline) at level %u in %.1f ms (wall)\n",
		             static_cast<unsigned long long>(code.hash), prog->instructions(), prog->inline_instructions(),
		             prog->level(), ns / 1e6);
	if (!it2->second.prog)
		it2->second.prog = prog;
	c.evict_lru();
	return prog;
}

} // namespace mica::sim::cu::jit
