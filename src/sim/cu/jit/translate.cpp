// SPDX-License-Identifier: MIT
// Finding, hashing and caching translations. The code a dispatch runs is discovered the way the
// kernel's validator bounds it: from the entry, along fall-through and static branch targets
// (the ISA has no indirect branches), fetched through the MMU with execute permission. The
// decoded instructions (not the addresses) are hashed together with the revision and power
// profile, so one translation serves every context and address that holds the same program.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <list>
#include <mutex>
#include <system_error>
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
// Measured on the loaded 2-core machine (docs/performance.md): a level-0 translation costs about
// 0.5 ms of CPU per instruction and 2-5x that in wall-clock time, against 0.1-0.2 us per
// interpreted invocation of SAXPY or a reduction, so a program dispatched once is interpreted
// faster up to about a million invocations (saxpy 256K: 34 ms interpreted, 92-95 ms with the JIT
// at a threshold of 16K or 64K; 1M: 118 ms, 113 ms at 64K, 143 ms at 16K), while one dispatched
// again and again gains back its translation early. 64K is between the two.
constexpr uint64_t kDefaultHotInvocations = 1u << 16;
constexpr uint64_t kDefaultTierUpInvocations = 1u << 20;
constexpr uint64_t kBigDispatch = 4; // times the tier-up threshold: one such dispatch tiers up alone
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
			const uint64_t target = branch_target(off, d);
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
	std::shared_ptr<Program> prog; // null: known, not translated yet (or failed)
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
	// The tier-up: level-1 translations are made one after the other on one thread of the
	// cache's, in the order they were asked for (guarded by mutex).
	struct TierUpJob {
		std::shared_ptr<Program> prog;
		Code code;
		std::promise<void> done; // set once prog has its level-1 code (or its translation failed)
	};
	std::deque<TierUpJob> tierup_queue;
	bool tierup_busy = false, tierup_stop = false, exit_hook_after_first = false;
	uint64_t tierup_allowance = ~0ull; // jobs the thread may still start (hold_tierups_for_tests)
	std::condition_variable tierup_cv; // a job queued, done, or the cache going
	std::thread tierup_thread;

	~Cache() { stop_tierups(); }
	// Drops the tier-ups not started and waits for the one under way; no more are started.
	void stop_tierups()
	{
		{
			std::lock_guard<std::mutex> lock(mutex);
			tierup_stop = true;
			tierup_queue.clear();
		}
		tierup_cv.notify_all();
		if (tierup_thread.joinable())
			tierup_thread.join();
	}
	void tierup_loop();

	void evict_lru()
	{
		while (entries.size() > kCacheEntries) {
			uint64_t victim = lru.back();
			lru.pop_back();
			entries.erase(victim);
		}
	}
	// Counts a dispatch of a level-0 program; true when its level-1 translation is to start
	// now (the caller starts it): when the dispatches before this one have had
	// tierup_threshold() invocations, or this one alone has kBigDispatch times that (long
	// enough to gain the translation back). Called with the mutex held.
	bool count_for_tierup(CacheEntry &e, uint64_t invocations, const Code &code)
	{
		if (e.tierup_queued || e.prog->level() != 0 || !tiered() || code.slots.size() > kMaxTierUpInstructions)
			return false;
		const bool due = e.since_level0 >= tierup_threshold() || invocations / kBigDispatch >= tierup_threshold();
		e.since_level0 += invocations;
		if (due)
			e.tierup_queued = true;
		return due;
	}
};

Cache &cache()
{
	// The JIT hosts first: statics are destroyed in reverse order, and the cached programs
	// release their code through them.
	(void)available();
	static Cache c;
	return c;
}

// Level-1 translations are made on the cache's own thread. Only the long dispatch that asked for
// one waits, for that one alone (queued_tierup, count_level0_work); every other dispatch runs the
// level-0 code until the level-1 code is in, and its waves switch to it from their next
// scheduling quantum on (Program::adopt), in the middle of a dispatch or between two. One thread for all of them (they are serialised by the
// level-1 host anyway) keeps a burst of hot programs from starting a thread each. It is joined
// by the cache's destruction (process exit or unload of the library, before the JIT's hosts,
// which were created before the cache), and compute engines wait for it when they are destroyed
// (wait_for_tierups). A translation still running while LLVM's own statics are destroyed fails
// ("scalar-to-vector conversion failed", "Do not know how to split": seen when each tier-up had
// a thread and nothing joined them); those LLVM first constructs during a translation are
// destroyed before the cache, so the thread is also stopped by an exit handler registered when
// it starts and again after its first translation (handlers run in reverse order of
// registration, so before the statics constructed until then).
void stop_tierups_at_exit();

void Cache::tierup_loop()
{
	std::unique_lock<std::mutex> lock(mutex);
	for (;;) {
		tierup_cv.wait(lock, [&] { return tierup_stop || (!tierup_queue.empty() && tierup_allowance); });
		if (tierup_stop)
			return;
		TierUpJob job = std::move(tierup_queue.front());
		tierup_queue.pop_front();
		if (tierup_allowance != ~0ull)
			tierup_allowance--;
		tierup_busy = true;
		lock.unlock();
		auto t0 = std::chrono::steady_clock::now();
		std::string error;
		std::shared_ptr<Program> better = compile(job.code, 1, &error);
		auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
		lock.lock();
		counters.translate_ns += static_cast<uint64_t>(ns);
		if (!better) {
			counters.failures++; // the level-0 translation stays
			if (debug())
				std::fprintf(stderr, "mica jit: level-1 translation failed: %s\n", error.c_str());
		} else {
			counters.full_exec_runs += better->full_exec_runs();
			job.prog->adopt(std::move(better));
			counters.tier_ups++;
			if (debug())
				std::fprintf(stderr, "mica jit: program %016llx: level 1 in %.1f ms (wall)\n",
				             static_cast<unsigned long long>(job.code.hash), ns / 1e6);
		}
		tierup_busy = false;
		job.done.set_value(); // its waiters go on (a dropped job's promise breaks: they go on too)
		if (!exit_hook_after_first) {
			exit_hook_after_first = true;
			std::atexit(stop_tierups_at_exit);
		}
		lock.unlock();
		job = {}; // the program may go with it (its code is released under the host's lock)
		tierup_cv.notify_all();
		lock.lock();
	}
}

void stop_tierups_at_exit() { cache().stop_tierups(); }

// Queues the tier-up of a program (the caller holds the cache mutex). Without a thread for it
// the program stays at level 0. Returns what becomes ready when that program's level-1
// translation is in (or failed, or was dropped), and only then: a dispatch waits for its own
// program's tier-up, not for every one queued before or after it (wait_for_tierup).
std::shared_future<void> start_tierup(Cache &c, const std::shared_ptr<Program> &prog, const Code &code)
{
	if (c.tierup_stop)
		return {};
	if (!c.tierup_thread.joinable()) {
		// LLVM's first-use statics of level 1 before the exit handler below (warm_up): the
		// thread's first translation would otherwise construct them after it, and a process
		// exiting during that translation destroyed them under it (Piglit's
		// gegl-rgb-gamma-u8-to-ragabaf: SIGSEGV in the code generator at exit).
		warm_up(1);
		try {
			c.tierup_thread = std::thread([&c] { c.tierup_loop(); });
		} catch (const std::system_error &) {
			return {};
		}
		std::atexit(stop_tierups_at_exit);
	}
	c.tierup_queue.push_back({prog, code, {}});
	std::shared_future<void> done = c.tierup_queue.back().done.get_future().share();
	c.counters.tierups_queued++;
	c.tierup_cv.notify_one();
	return done;
}

// Waits for one program's tier-up (start_tierup's answer); the cache mutex must not be held.
void wait_for_tierup(const std::shared_future<void> &done)
{
	if (done.valid())
		done.wait();
}

// MICA_CU_JIT_TIERUP_WAIT=1: the dispatch that queued a tier-up waits for it at its end (the
// differential test: a program dispatched once then runs both tiers and the switch, as it did
// when every dispatch waited; results never depend on it).
bool tierup_wait()
{
	static const bool w = [] {
		const char *e = std::getenv("MICA_CU_JIT_TIERUP_WAIT");
		return e && *e && *e != '0';
	}();
	return w;
}

struct WaitAtEnd {
	std::shared_ptr<Program> prog;
	std::shared_future<void> done;
	~WaitAtEnd() { wait_for_tierup(done); }
};

// The program for a dispatch that queued its tier-up ('lock', the cache's, is held and released
// when the dispatch waits; 'prog' is a copy: the entry may go meanwhile). A dispatch of at least
// tierup_threshold() invocations (the Vulkan driver's 1M-invocation jobs) waits for the level-1
// code at its start: running level-0 code meanwhile on a host whose cores are busy cost CPU time
// and wall clock (a 16M-element reduction or SAXPY ran a third to a half of its waves on level-0
// code: 20-25% more CPU, docs/performance.md). A shorter one (a scan's passes) runs on without
// waiting, its next dispatches get the level-1 code: waiting would add the translation to one
// short dispatch.
std::shared_ptr<const Program> queued_tierup(std::unique_lock<std::mutex> &lock, std::shared_ptr<Program> prog,
                                             std::shared_future<void> done, uint64_t invocations)
{
	if (tierup_wait()) {
		auto h = std::make_shared<WaitAtEnd>(); // (no temporary: its destructor would wait here)
		h->prog = prog;
		h->done = std::move(done);
		return std::shared_ptr<const Program>(h, h->prog.get());
	}
	if (invocations >= tierup_threshold()) {
		lock.unlock();
		wait_for_tierup(done);
	}
	return prog;
}

} // namespace

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

void wait_for_tierups()
{
	Cache &c = cache();
	std::unique_lock<std::mutex> lock(c.mutex);
	c.tierup_cv.wait(lock, [&] { return c.tierup_stop || (c.tierup_queue.empty() && !c.tierup_busy); });
}

void hold_tierups_for_tests(uint64_t jobs)
{
	Cache &c = cache();
	{
		std::lock_guard<std::mutex> lock(c.mutex);
		c.tierup_allowance = jobs;
	}
	c.tierup_cv.notify_all();
}

void count_wave_handoffs(uint64_t chained, uint64_t barrier_switches)
{
	Cache &c = cache();
	std::lock_guard<std::mutex> lock(c.mutex);
	c.counters.chained_launches += chained;
	c.counters.barrier_switches += barrier_switches;
}

Counters counters()
{
	Cache &c = cache();
	std::lock_guard<std::mutex> lock(c.mutex);
	return c.counters;
}

namespace {

// The code a dispatch runs, found and hashed (false: too large, counted).
bool find_code(Cache &c, Mmu &mmu, const DispatchState &st, Code &code)
{
	code.revision = st.revision;
	code.power_profile = st.power_profile;
	if (!discover(mmu, st, code)) {
		std::lock_guard<std::mutex> lock(c.mutex);
		c.counters.too_large++;
		return false;
	}
	Hasher hs;
	hs.add(st.revision);
	hs.add(st.power_profile);
	for (const auto &[off, slot] : code.slots)
		hash_slot(hs, off, slot);
	code.hash = hs.h;
	return true;
}

// Translates a hot program at its first level outside the cache lock (LLVM takes its own; a
// concurrent dispatch of the same program meanwhile interprets) and installs it in its entry.
// The one sequence of program_for and Warmup::count. Returns the program the caller runs: this
// translation, or the one a concurrent dispatch installed first, or null when the translation
// failed (the entry is marked failed). *installed is the entry when this translation became its
// program (valid while the lock is held; the caller decides the tier-up), else null (also when
// the entry was evicted meanwhile: the translation is then used once, not cached). Called and
// returns with 'lock' held.
std::shared_ptr<Program> translate_and_install(Cache &c, std::unique_lock<std::mutex> &lock, const Code &code,
                                               const char *why, CacheEntry **installed)
{
	*installed = nullptr;
	lock.unlock();
	auto t0 = std::chrono::steady_clock::now();
	std::string error;
	std::shared_ptr<Program> prog = compile(code, tiered() ? 0 : 1, &error);
	auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
	lock.lock();
	c.counters.translate_ns += static_cast<uint64_t>(ns);
	auto it = c.entries.find(code.hash);
	if (!prog) {
		c.counters.failures++;
		if (it != c.entries.end())
			it->second.failed = true;
		if (debug())
			std::fprintf(stderr, "mica jit: translation failed: %s\n", error.c_str());
		return nullptr;
	}
	c.counters.translations++;
	c.counters.hazard_free += prog->hazard_free();
	c.counters.full_exec_runs += prog->full_exec_runs();
	if (debug())
		std::fprintf(stderr, "mica jit: program %016llx: %s%u instructions (%u inline) at level %u in %.1f ms (wall)%s\n",
		             static_cast<unsigned long long>(code.hash), why, prog->instructions(), prog->inline_instructions(),
		             prog->level(), ns / 1e6, prog->hazard_free() ? ", hazard-free" : "");
	if (it == c.entries.end())
		return prog;
	if (it->second.prog)
		return it->second.prog; // a concurrent dispatch translated it first
	it->second.prog = prog;
	*installed = &it->second;
	return prog;
}

} // namespace

uint64_t warm_threshold() { return hot_threshold() * 32; }

void Warmup::reset(Mmu *mmu, const DispatchState *st)
{
	mmu_ = mmu;
	st_ = st;
	armed_ = !st->checked && hot_threshold() > 0 && available();
	work_.store(0, std::memory_order_relaxed);
	requested_.store(false, std::memory_order_relaxed);
	ready_.store(nullptr, std::memory_order_relaxed);
	keep_.reset();
}

const Program *Warmup::count(uint64_t n)
{
	if (!armed_)
		return nullptr;
	if (const Program *p = ready_.load(std::memory_order_acquire))
		return p;
	if (work_.fetch_add(n, std::memory_order_relaxed) + n < warm_threshold() || requested_.exchange(true))
		return ready_.load(std::memory_order_acquire);
	Cache &c = cache();
	Code code;
	if (!find_code(c, *mmu_, *st_, code))
		return nullptr;
	std::unique_lock<std::mutex> lock(c.mutex);
	auto [it, fresh] = c.entries.try_emplace(code.hash);
	if (fresh) {
		c.lru.push_front(code.hash);
		it->second.lru = c.lru.begin();
	}
	std::shared_ptr<Program> prog = it->second.prog; // translated meanwhile by another dispatch
	if (!prog) {
		if (it->second.failed)
			return nullptr;
		const std::string why = "hot after " + std::to_string(work_.load(std::memory_order_relaxed)) +
		                        " interpreted wave instructions; ";
		CacheEntry *e = nullptr;
		prog = translate_and_install(c, lock, code, why.c_str(), &e);
		if (!prog)
			return nullptr;
		// A dispatch long enough to get hot while it runs is long enough for level 1.
		if (e && !e->tierup_queued && prog->level() == 0 && tiered() && code.slots.size() <= kMaxTierUpInstructions) {
			e->tierup_queued = true;
			start_tierup(c, prog, code);
		}
		c.evict_lru();
	}
	c.counters.warm_translations++;
	keep_ = prog;
	ready_.store(prog.get(), std::memory_order_release);
	return prog.get();
}

uint64_t tierup_work_threshold() { return tierup_threshold() * 32; }

bool count_level0_work(const Program &p, uint64_t n, Mmu &mmu, const DispatchState &st)
{
	if (p.level() != 0 || !tiered())
		return false;
	const uint64_t work = p.add_level0_work(n);
	if (work < tierup_work_threshold())
		return true;
	if (!p.claim_work_tierup())
		return false; // another compute unit asked
	Cache &c = cache();
	Code code;
	if (!find_code(c, mmu, st, code) || code.hash != p.hash())
		return false;
	std::unique_lock<std::mutex> lock(c.mutex);
	auto it = c.entries.find(code.hash);
	// Evicted meanwhile, or a translation used once and not cached: no tier-up (program_for
	// makes a new level-0 translation the next time).
	if (it == c.entries.end() || it->second.prog.get() != &p)
		return false;
	CacheEntry &e = it->second;
	if (e.tierup_queued || code.slots.size() > kMaxTierUpInstructions)
		return false;
	e.tierup_queued = true;
	c.counters.work_tierups++;
	if (debug())
		std::fprintf(stderr, "mica jit: program %016llx: level 1 asked for after %llu wave instructions at level 0\n",
		             static_cast<unsigned long long>(code.hash), static_cast<unsigned long long>(work));
	std::shared_future<void> done = start_tierup(c, e.prog, code);
	// The compute unit that asked waits for it (the others run on until it is in): the program has
	// run about a level-1 translation's worth of level-0 code, so the rest of a dispatch that got
	// here is likely long, and level-0 code run meanwhile only cost CPU time (SGEMM 512's first
	// dispatch: 1395-1416 ms of CPU waiting against 1513-1550 not, docs/performance.md). Not with
	// MICA_CU_JIT_TIERUP_WAIT=1, which keeps the switch within a dispatch for the differential
	// tests.
	if (!tierup_wait()) {
		lock.unlock();
		wait_for_tierup(done);
	}
	return false;
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
	if (!find_code(c, mmu, st, code))
		return nullptr;

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
		std::shared_ptr<const Program> prog = e.prog;
		if (c.count_for_tierup(e, invocations, code)) {
			std::shared_future<void> done = start_tierup(c, e.prog, code);
			return queued_tierup(lock, e.prog, std::move(done), invocations);
		}
		return prog;
	}
	e.invocations += invocations;
	if (e.failed || e.invocations < hot_threshold()) {
		c.counters.cold_dispatches++;
		return nullptr;
	}
	CacheEntry *installed = nullptr;
	std::shared_ptr<Program> prog = translate_and_install(c, lock, code, "", &installed);
	if (!installed)
		return prog; // failed (null), installed by a concurrent dispatch, or evicted meanwhile
	// A big first dispatch tiers up at once. Asked before the eviction, which may drop this
	// very entry (other programs may have been used meanwhile).
	const bool tierup = c.count_for_tierup(*installed, invocations, code);
	std::shared_future<void> done;
	if (tierup)
		done = start_tierup(c, prog, code);
	c.evict_lru();
	return tierup ? queued_tierup(lock, prog, std::move(done), invocations) : prog;
}

} // namespace mica::sim::cu::jit
