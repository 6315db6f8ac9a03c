// SPDX-License-Identifier: MIT
// The compute engine: spreads a dispatch's workgroups over compute units (workgroup i runs on
// CU i % cu_count, in order) and the CUs over host threads. Every CU's timeline is independent
// of which host thread runs it, so results and cycle counts do not depend on the thread count.
// The host threads are kept for the engine's life (HostPool): starting a thread per dispatch
// cost more than a small dispatch, which runs on the calling thread alone.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cu_engine.h"
#include "diff_engine.h"
#include "env_switch.h"
#include "jit/jit.h"
#include "progress_batch.h"
#include "worker.h"

namespace mica::sim {

namespace {

// Dispatches of fewer invocations than this run on the calling thread only: waking a helper
// costs more than the work (the results do not depend on it).
constexpr uint64_t kParallelInvocations = 4096;

// How long a helper that finished its part of a job keeps polling for the next one before it
// sleeps on the condition variable. A large dispatch reaches the device as jobs of at most 1M
// invocations (kMaxJobInvocations: SAXPY 16M is 16 of them, ~2 ms each), with ~50-100 us between
// two. A helper asleep at the next job's start was woken by the device thread onto the device
// thread's own core (the host's wake-up placement prefers the waker's core), where it preempted
// the device thread and ran there while the other core stayed idle: one thread then ran both
// compute units one after the other, in two of every three jobs (perf sched, this 2-core VM).
// A polling helper is already on a core of its own. It yields between looks, so other work on
// that core goes first. The caller polls as long for the helpers' parts to end (HostPool::run).
// MICA_SIM_HELPER_SPIN_US overrides both (0: sleep at once).
constexpr int64_t kHelperSpinNs = 300'000;

int64_t helper_spin_ns()
{
	static const int64_t ns = cu::env_duration_ns("MICA_SIM_HELPER_SPIN_US", kHelperSpinNs);
	return ns;
}

// Helper threads that join the caller in running a job (a function of the runner's index, 0 for
// the caller, 1..n for helpers). The job hands out its work itself (Engine::run: compute units
// claimed from a counter), so the caller never waits for a helper that has not woken up yet: on
// a loaded host a wake-up waits for a time slice (milliseconds), and a helper that never got one
// used to hold every dispatch (measured: SAXPY 16M at 0.57x of one thread under load 12). Once
// the caller's own share is done it closes the round; helpers that had not started skip it, and
// the caller waits only for those already running.
class HostPool {
public:
	explicit HostPool(unsigned helpers)
	{
		for (unsigned i = 0; i < helpers; i++)
			threads_.emplace_back([this, i] { loop(i + 1); });
	}
	~HostPool()
	{
		{
			std::lock_guard<std::mutex> l(mu_);
			stop_ = true;
			stopping_.store(true, std::memory_order_relaxed);
		}
		wake_.notify_all();
		for (auto &t : threads_)
			t.join();
	}
	unsigned helpers() const { return static_cast<unsigned>(threads_.size()); }
	// Runs job(0) here and offers job(1..n) to n helpers (n <= helpers()); returns when job(0)
	// has returned and every helper that started its job is done with it.
	void run(unsigned n, const std::function<void(unsigned)> &job)
	{
		{
			std::lock_guard<std::mutex> l(mu_);
			job_ = &job;
			active_ = n;
			open_ = true;
			round_.fetch_add(1, std::memory_order_release);
		}
		wake_.notify_all();
		job(0);
		std::unique_lock<std::mutex> l(mu_);
		open_ = false; // helpers not started yet skip this round
		// The helpers' parts end at about the time this one's does; a sleep here cost the
		// job 10-130 us of wake-up after the last helper's notify (the caller's core had gone
		// idle), at each of SAXPY 16M's 16 jobs. So the caller polls first, as the helpers do.
		poll_unlocked(l, [this] { return running_.load(std::memory_order_acquire) == 0; });
		done_.wait(l, [this] { return running_.load(std::memory_order_relaxed) == 0; });
		job_ = nullptr;
	}

private:
	// With l held: polls 'done' without the lock, yielding between looks, for up to
	// helper_spin_ns() or until it holds; returns with l held again (the caller then waits on
	// its condition variable as before, which returns at once if 'done' came true).
	template <class Done> static void poll_unlocked(std::unique_lock<std::mutex> &l, Done done)
	{
		const int64_t budget = helper_spin_ns();
		if (budget == 0 || done())
			return;
		l.unlock();
		const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(budget);
		while (!done() && std::chrono::steady_clock::now() < until)
			std::this_thread::yield();
		l.lock();
	}

	void loop(unsigned index)
	{
		uint64_t seen = 0;
		std::unique_lock<std::mutex> l(mu_);
		for (;;) {
			poll_unlocked(l, [&] {
				return stopping_.load(std::memory_order_relaxed) || round_.load(std::memory_order_acquire) != seen;
			});
			wake_.wait(l, [&] { return stop_ || round_.load(std::memory_order_relaxed) != seen; });
			if (stop_)
				return;
			seen = round_.load(std::memory_order_relaxed);
			if (index > active_ || !open_)
				continue;
			const std::function<void(unsigned)> *job = job_;
			running_.fetch_add(1, std::memory_order_relaxed);
			l.unlock();
			(*job)(index);
			l.lock();
			if (running_.fetch_sub(1, std::memory_order_release) == 1)
				done_.notify_one();
		}
	}
	std::mutex mu_;
	std::condition_variable wake_, done_;
	const std::function<void(unsigned)> *job_ = nullptr;
	unsigned active_ = 0;
	std::atomic<unsigned> running_{0}; // written under mu_; the caller's poll reads it without
	bool open_ = false;
	// Written under mu_; a polling helper also reads it without (loop).
	std::atomic<uint64_t> round_{0};
	bool stop_ = false;
	std::atomic<bool> stopping_{false}; // stop_, for the poll

	std::vector<std::thread> threads_;
};

class Engine final : public ComputeEngine {
public:
	Engine(Mmu &mmu, uint32_t cu_count, unsigned host_threads, CuEngine engine)
	    : mmu_(mmu), jit_(resolve_cu_engine(engine) == CuEngine::Jit), cu_count_(std::max<uint32_t>(cu_count, 1)),
	      threads_(host_threads ? host_threads : std::max(1u, std::thread::hardware_concurrency())),
	      last_ctx_(cu_count_, cu::kNoContext)
	{
		for (uint32_t c = 0; c < cu_count_; c++)
			workers_.push_back(std::make_unique<cu::Worker>(mmu_, c));
		threads_ = std::min<unsigned>(threads_, cu_count_);
	}
	// Nothing waits for the JIT's tier-ups; the engine's end does (jit.h).
	~Engine() override
	{
		if (jit_)
			cu::jit::wait_for_tierups();
	}

	DispatchResult run(const DispatchState &st) override;
	std::array<bool, MICA_OPCODE_SPACE> executed() const
	{
		std::array<bool, MICA_OPCODE_SPACE> r{};
		for (unsigned op = 0; op < MICA_OPCODE_SPACE; op++)
			r[op] = executed_[op] != 0;
		return r;
	}
	bool jit() const { return jit_; }
	uint64_t jit_interpreted() const { return jit_interpreted_; }

private:
	Mmu &mmu_;
	bool jit_;                      // translate hot programs (else interpret everything)
	uint64_t jit_interpreted_ = 0;  // instructions the translated code handed to the interpreter
	uint32_t cu_count_;
	unsigned threads_;
	std::vector<uint32_t> last_ctx_; // per CU: context of the last wave that ran there
	std::vector<std::unique_ptr<cu::Worker>> workers_;
	std::array<uint8_t, MICA_OPCODE_SPACE> executed_{};
	std::mutex run_mutex_; // the compute units run one dispatch at a time
	std::unique_ptr<HostPool> pool_; // threads_ - 1 helpers, started by the first large dispatch
	std::vector<uint64_t> fault_wg_; // per CU: the workgroup that faulted (run()'s, kept allocated)
	std::vector<uint8_t> ran_;       // per CU: ran a workgroup in this dispatch
	cu::jit::Warmup warm_;           // the running dispatch's, when it started interpreted
	uint64_t chained_seen_ = 0;      // the workers' chained launches already counted (jit::Counters)
	uint64_t switched_seen_ = 0;     // and their in-code barrier switches
};

DispatchResult invalid(const char *why)
{
	DispatchResult r;
	r.fault = MICA_FAULT_ILLEGAL_PACKET;
	r.report = std::string("invalid dispatch state: ") + why;
	return r;
}

DispatchResult Engine::run(const DispatchState &st)
{
	std::lock_guard<std::mutex> lock(run_mutex_);
	for (unsigned i = 0; i < 3; i++)
		if (st.wg_size[i] == 0)
			return invalid("workgroup dimension is zero");
	if (st.wg_size[0] > MICA_MAX_WORKGROUP_DIM_X || st.wg_size[1] > MICA_MAX_WORKGROUP_DIM_Y ||
	    st.wg_size[2] > MICA_MAX_WORKGROUP_DIM_Z ||
	    uint64_t(st.wg_size[0]) * st.wg_size[1] * st.wg_size[2] > MICA_MAX_WORKGROUP_INVOCATIONS)
		return invalid("workgroup too large");
	if (st.shared_bytes > MICA_MAX_SHARED_BYTES)
		return invalid("shared memory size too large");
	// A grid with more workgroups than a 64-bit index counts (x * y fits, x * y * z may not)
	// does not wrap to a small or zero count: it runs like any endless dispatch, until the
	// watchdog or a kill stops it.
	uint64_t total = 0;
	if (__builtin_mul_overflow(uint64_t(st.groups[0]) * st.groups[1], uint64_t(st.groups[2]), &total))
		total = ~0ull;
	DispatchResult res;
	if (total == 0)
		return res;

	// The translation lives until every compute unit is done with this dispatch.
	std::shared_ptr<const cu::jit::Program> prog = jit_ ? cu::jit::program_for(mmu_, st) : nullptr;
	// Interpreted for now: may get hot while it runs (jit.h, Warmup).
	cu::jit::Warmup *warm = nullptr;
	if (jit_ && !prog) {
		warm_.reset(&mmu_, &st);
		warm = &warm_;
	}
	// Only CUs that get a workgroup take part (a one-workgroup dispatch prepares one CU).
	const uint32_t active = static_cast<uint32_t>(std::min<uint64_t>(cu_count_, total));
	for (uint32_t c = 0; c < active; c++)
		workers_[c]->begin_dispatch(st, last_ctx_[c], prog.get(), warm);
	// The smallest faulting workgroup index so far: CUs do not start later workgroups, but
	// always run earlier ones, so the reported fault does not depend on thread timing.
	std::atomic<uint64_t> min_fault{~0ull};
	std::vector<uint64_t> &fault_wg = fault_wg_;
	std::vector<uint8_t> &ran = ran_;
	fault_wg.assign(cu_count_, ~0ull);
	ran.assign(cu_count_, 0);
	auto run_cu = [&](uint32_t c) {
		std::optional<cu::ProgressBatch<>> progress;
		if (st.progress)
			progress.emplace(st.progress);
		cu::WorkgroupShare share;
		share.first = c;
		share.stride = cu_count_;
		share.total = total;
		share.min_fault = &min_fault;
		share.progress = progress ? &*progress : nullptr;
		bool ran_one = false; // 'ran' is written once: its flags share a cache line
		const uint64_t i = workers_[c]->run_share(share, &ran_one);
		if (i != ~0ull) {
			fault_wg[c] = i;
			uint64_t cur = min_fault.load();
			while (i < cur && !min_fault.compare_exchange_weak(cur, i)) {
			}
		}
		ran[c] = ran_one;
	};
	const uint64_t invocations = uint64_t(st.wg_size[0]) * st.wg_size[1] * st.wg_size[2];
	unsigned nthreads = static_cast<unsigned>(std::min<uint64_t>(threads_, active));
	if (total < kParallelInvocations / invocations)
		nthreads = 1;
	// Compute units are claimed in order by whichever thread is free (a CU's results do not
	// depend on the thread that runs it).
	std::atomic<uint32_t> next_cu{0};
	auto run_share = [&](unsigned) {
		for (uint32_t c; (c = next_cu.fetch_add(1, std::memory_order_relaxed)) < active;)
			run_cu(c);
	};
	if (nthreads <= 1) {
		run_share(0);
	} else {
		if (!pool_)
			pool_ = std::make_unique<HostPool>(threads_ - 1);
		pool_->run(nthreads - 1, std::function<void(unsigned)>(run_share));
	}

	uint64_t best = ~0ull;
	for (uint32_t c = 0; c < active; c++) {
		const cu::Worker &wk = *workers_[c];
		const cu::WorkerStats &s = wk.stats();
		res.cycles = std::max(res.cycles, s.cycles);
		res.instructions += s.instructions;
		res.lane_instructions += s.lane_instructions;
		res.mem_ops += s.mem_ops;
		res.stall_cycles += s.stall_cycles;
		res.waves += s.waves;
		res.hazard_violations += s.hazard_violations;
		jit_interpreted_ += wk.jit_interpreted();
		if (ran[c])
			last_ctx_[c] = st.ctx;
		for (unsigned op = 0; op < MICA_OPCODE_SPACE; op++)
			executed_[op] |= wk.executed()[op];
		if (fault_wg[c] < best) {
			best = fault_wg[c];
			const cu::FaultRecord &f = wk.fault();
			res.fault = f.fault;
			res.fault_addr = f.addr;
			res.fault_access = f.access;
			res.fault_pc = f.pc;
			res.fault_info = f.info;
			res.report = f.report;
		}
	}
	uint64_t chained = 0, switched = 0; // every worker's, since the engine was made
	for (const auto &wk : workers_) {
		chained += wk->chained_launches();
		switched += wk->barrier_switches();
	}
	if (chained != chained_seen_ || switched != switched_seen_) {
		cu::jit::count_wave_handoffs(chained - chained_seen_, switched - switched_seen_);
		chained_seen_ = chained;
		switched_seen_ = switched;
	}
	return res;
}

} // namespace

CuEngine resolve_cu_engine(CuEngine requested)
{
	CuEngine e = requested;
	if (e == CuEngine::Default) {
		e = CuEngine::Jit;
		if (const char *env = std::getenv("MICA_CU_ENGINE")) {
			if (std::strcmp(env, "interp") == 0)
				e = CuEngine::Interp;
			else if (std::strcmp(env, "jit") == 0)
				e = CuEngine::Jit;
			else if (std::strcmp(env, "diff") == 0)
				e = CuEngine::Diff;
			else if (*env) {
				static std::atomic<bool> warned{false};
				if (!warned.exchange(true))
					std::fprintf(stderr, "mica: MICA_CU_ENGINE=%s is not interp, jit or diff; using the JIT\n", env);
			}
		}
	}
	if (static_cast<uint32_t>(e) > static_cast<uint32_t>(CuEngine::Diff))
		e = CuEngine::Interp; // an unknown device-config value: the reference
	if ((e == CuEngine::Jit || e == CuEngine::Diff) && !cu::jit::available())
		e = CuEngine::Interp;
	return e;
}

std::unique_ptr<ComputeEngine> make_compute_engine(Mmu &mmu, uint32_t cu_count, unsigned host_threads, CuEngine engine)
{
	if (resolve_cu_engine(engine) == CuEngine::Diff)
		return cu::make_diff_engine(mmu, cu_count);
	return std::make_unique<Engine>(mmu, cu_count, host_threads, engine);
}

bool cu::uses_jit(const ComputeEngine &engine)
{
	auto *e = dynamic_cast<const Engine *>(&engine);
	return e && e->jit();
}

uint64_t cu::jit_interpreted(const ComputeEngine &engine)
{
	auto *e = dynamic_cast<const Engine *>(&engine);
	return e ? e->jit_interpreted() : 0;
}

std::array<bool, MICA_OPCODE_SPACE> cu::executed_opcodes(const ComputeEngine &engine)
{
	if (const ComputeEngine *ref = cu::diff_reference(engine))
		return executed_opcodes(*ref);
	if (auto *e = dynamic_cast<const Engine *>(&engine))
		return e->executed();
	return {};
}

} // namespace mica::sim
