// SPDX-License-Identifier: MIT
// mica-bench-sim: throughput of the compute-unit interpreter in lane-instructions per second for
// an ALU-bound and a memory-bound program, faithful and checked hazard modes, 1 and 2 host
// threads; and, measured in the same run, the host's own memcpy bandwidth and a host SAXPY over
// 16M elements on every core (a reference for issue 14's SAXPY, the same 12 bytes per element;
// bench/run-engines.py prints it beside the engines).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cu_test_support.h"
#include "reduce_program.h"
#include "jit/jit.h"

using namespace mica::sim;
using namespace mica::sim::cutest;

namespace {

using Clock = std::chrono::steady_clock;

// 24 independent VALU operations per iteration on 6 accumulators (no hazards: valu latency 1),
// plus the scalar loop overhead.
Asm alu_program(unsigned iterations)
{
	Asm p;
	int top = p.label();
	p.alu(MICA_OP_S_MOV_B32, S(20), L(iterations));
	p.alu(MICA_OP_V_CVT_F32_U32, V(1), V(0));
	for (unsigned r = 2; r < 8; r++)
		p.alu(MICA_OP_V_ADD_U32, V(r), V(0), K(static_cast<int>(r)));
	p.nop(2);
	p.bind(top);
	for (unsigned k = 0; k < 4; k++) {
		p.alu(MICA_OP_V_FMA_F32, V(1), V(1), LF(0.999f), Opnd{MICA_OPND_FLOAT_FIRST + 0, 0});
		p.alu(MICA_OP_V_ADD_U32, V(2), V(2), V(3));
		p.alu(MICA_OP_V_XOR_B32, V(3), V(3), V(4));
		p.alu(MICA_OP_V_MAX_U32, V(4), V(4), V(5));
		p.alu(MICA_OP_V_SHL_B32, V(5), V(5), K(1));
		p.alu(MICA_OP_V_MUL_F32, V(6), V(6), V(1));
	}
	p.alu(MICA_OP_S_SUB_U32, S(20), S(20), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(20), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(2));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(10), S(0), V(6));
	p.end();
	return p;
}

// Streams 16 bytes per lane per iteration: load, add, store, wait (the memory-bound case).
Asm mem_program(unsigned iterations)
{
	Asm p;
	int top = p.label();
	p.alu(MICA_OP_S_MOV_B32, S(20), L(iterations));
	p.alu(MICA_OP_S_MUL_U32, S(21), S(16), L(64 * 16)); // per-workgroup slice
	p.nop(1);
	p.alu(MICA_OP_V_SHL_B32, V(10), V(0), K(4));
	p.alu(MICA_OP_V_ADD_U32, V(10), V(10), S(21));
	p.nop(2);
	p.bind(top);
	p.mem(MICA_OP_GLOBAL_LOAD_B128, V(4), V(10), S(0), NONE);
	p.wait_all();
	p.alu(MICA_OP_V_ADD_U32, V(4), V(4), K(1));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(10), S(0), V(4), 0);
	p.alu(MICA_OP_S_SUB_U32, S(20), S(20), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(20), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.end();
	return p;
}

// CPU time of the whole process: with other load on the machine, lane-instructions per CPU
// second is the honest "per host core" figure; wall-clock throughput is printed too.
double cpu_seconds()
{
	timespec ts{};
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Measure {
	double lane_per_s = 0, seconds = 0, bytes_per_s = 0, lane_per_cpu_s = 0;
	DispatchResult r;
};

Measure run(const Asm &prog, bool checked, unsigned threads, unsigned groups, double bytes_per_lane_inst)
{
	Rig rig(8, threads, 4 << 20);
	rig.st.wg_size[0] = 64;
	rig.st.groups[0] = groups;
	rig.st.checked = checked;
	rig.load(prog);
	rig.engine->run(rig.st); // warm-up
	Measure m;
	auto t0 = Clock::now();
	const double c0 = cpu_seconds();
	m.r = rig.engine->run(rig.st);
	m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
	m.lane_per_cpu_s = static_cast<double>(m.r.lane_instructions) / (cpu_seconds() - c0);
	if (m.r.fault != MICA_FAULT_NONE)
		std::fprintf(stderr, "dispatch faulted: %s\n", m.r.report.c_str());
	m.lane_per_s = static_cast<double>(m.r.lane_instructions) / m.seconds;
	m.bytes_per_s = bytes_per_lane_inst * static_cast<double>(m.r.lane_instructions) / m.seconds;
	return m;
}

double host_memcpy_bandwidth()
{
	const size_t n = 64u << 20;
	std::vector<uint8_t> a(n, 1), b(n, 2);
	std::memcpy(b.data(), a.data(), n); // fault the pages in
	double best = 0;
	for (int rep = 0; rep < 5; rep++) {
		auto t0 = Clock::now();
		std::memcpy(b.data(), a.data(), n);
		double s = std::chrono::duration<double>(Clock::now() - t0).count();
		best = std::max(best, static_cast<double>(n) / s);
		a[static_cast<size_t>(rep) * 4096] = b[static_cast<size_t>(rep) * 8192]; // keep the copies observable
	}
	return best;
}

// y = a * x + y over n floats on 'threads' host threads, which claim chunks of 8192 elements
// from a counter (as PoCL's workers claim work-groups; on this host that ran 4.3 ms where one
// contiguous half per thread ran 7.5, the same minute): the fastest of 10 runs after a warm-up
// that faults the pages in, in elements per second.
double host_saxpy_rate(size_t n, unsigned threads)
{
	constexpr size_t kChunk = 8192;
	constexpr int kReps = 10;
	std::vector<float> x(n, 1.0f), y(n, 0.0f);
	std::atomic<size_t> next{0};
	auto pass = [&] {
		float *__restrict yp = y.data();
		const float *__restrict xp = x.data();
		for (size_t b; (b = next.fetch_add(kChunk, std::memory_order_relaxed)) < n;)
			for (size_t i = b, end = std::min(n, b + kChunk); i < end; i++)
				yp[i] = 0.5f * xp[i] + yp[i];
	};
	double best = 0;
	for (int rep = -1; rep < kReps; rep++) {
		next = 0;
		auto t0 = Clock::now();
		std::vector<std::thread> pool;
		for (unsigned t = 1; t < threads; t++)
			pool.emplace_back(pass);
		pass();
		for (auto &th : pool)
			th.join();
		double s = std::chrono::duration<double>(Clock::now() - t0).count();
		if (rep >= 0)
			best = std::max(best, static_cast<double>(n) / s);
	}
	// kReps + 1 passes of +0.5: exact in float, so a loop the compiler dropped would show; a wrong
	// result gives no figure (0) rather than a rate for work that was not done.
	if (y[n / 2] != 0.5f * (kReps + 1)) {
		std::fprintf(stderr, "host saxpy: y = %g, expected %g\n", static_cast<double>(y[n / 2]), 0.5 * (kReps + 1));
		return 0;
	}
	return best;
}

// Host CPU time per wave instruction of each kind ('costs'): a loop of 100 iterations whose
// body is 32 instructions of one kind (8 destinations in turn, so no result is read before it is
// visible; memory kinds wait every 8), minus the same loop with an empty body, divided by the
// instructions of the kind. Shared and global addresses: lane x 4 (x 16 for the b128 loads), or 0 for
// every lane ("uniform": SGEMM's ta[ly][k]), or two half-rows 2 KiB apart (SGEMM's global tile rows). Workgroups of 256 invocations (8 waves: the barrier's round is a
// workgroup's), one host thread, faithful mode, after a warm-up run that translates the program.
struct Kind {
	const char *name;
	std::function<void(Asm &, unsigned k)> emit; // the k-th (0..31) instruction of the body
	unsigned wait_gm = ~0u, wait_ls = ~0u;       // s_waitcnt after every 8th, when set
};

constexpr unsigned kCostIterations = 100, kCostBody = 32, kCostGroups = 1024, kCostWaves = kCostGroups * 8;

Asm cost_program(const Kind *kind)
{
	Asm p;
	p.nop(3); // SEC_WAVE_START_TLB: no memory access in the wave's first 4 cycles
	p.alu(MICA_OP_V_SHL_B32, V(1), V(0), K(2));
	p.alu(MICA_OP_V_MOV_B32, V(2), K(0));
	p.alu(MICA_OP_V_SHL_B32, V(3), V(0), K(4));
	p.alu(MICA_OP_V_AND_B32, V(4), V(0), K(15));
	p.alu(MICA_OP_V_AND_B32, V(5), V(0), K(16));
	p.alu(MICA_OP_S_MOV_B32, S(20), L(kCostIterations));
	p.nop(1);
	// v4 = (lane % 16) * 4 + (lane / 16) * 2048: two half-rows 2 KiB apart (SGEMM's tile rows).
	p.alu(MICA_OP_V_SHL_B32, V(4), V(4), K(2));
	p.alu(MICA_OP_V_SHL_B32, V(5), V(5), K(7));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(4), V(4), V(5));
	p.nop(1);
	int top = p.label();
	p.bind(top);
	for (unsigned k = 0; kind && k < kCostBody; k++) {
		kind->emit(p, k);
		if (k % 8 == 7 && kind->wait_gm != ~0u)
			p.waitcnt(kind->wait_gm, kind->wait_ls);
	}
	p.alu(MICA_OP_S_SUB_U32, S(20), S(20), K(1));
	p.alu(MICA_OP_S_CMP_NE_U32, NONE, S(20), K(0));
	p.branch(MICA_OP_S_CBRANCH_SCC1, top);
	p.end();
	return p;
}

// CPU seconds of the second of two runs of 'prog' (the first translates it), and the wave
// instructions it ran.
double cost_run(const Asm &prog, CuEngine engine, uint64_t *instructions)
{
	Rig rig(2, 1, 4 << 20);
	rig.engine = make_compute_engine(rig.mmu, 2, 1, engine);
	rig.st.wg_size[0] = 256;
	rig.st.groups[0] = kCostGroups;
	rig.st.shared_bytes = 4096;
	rig.load(prog);
	rig.engine->run(rig.st);
	const double c0 = cpu_seconds();
	const DispatchResult r = rig.engine->run(rig.st);
	const double c = cpu_seconds() - c0;
	if (r.fault != MICA_FAULT_NONE || r.hazard_violations)
		std::fprintf(stderr, "cost program faulted or broke a hazard rule: %s\n", r.report.c_str());
	*instructions = r.instructions;
	return c;
}

// 'filter': only the kinds whose name contains it (all when empty), e.g. to profile one of them.
void instruction_costs(const std::string &filter)
{
	// Level 1 is what a hot program runs; without these the first dispatches would measure level
	// 0 (or the interpreter, for a program this short) instead.
	setenv("MICA_CU_JIT_THRESHOLD", "0", 0);
	setenv("MICA_CU_JIT_OPT", "1", 0);
	const std::vector<Kind> kinds = {
		{"s_nop 0", [](Asm &p, unsigned) { p.nop(0); }},
		{"s_add_u32", [](Asm &p, unsigned k) { p.alu(MICA_OP_S_ADD_U32, S(8 + k % 8), S(8 + k % 8), K(3)); }},
		{"v_add_u32", [](Asm &p, unsigned k) { p.alu(MICA_OP_V_ADD_U32, V(8 + k % 8), V(8 + k % 8), V(0)); }},
		{"v_fma_f32", [](Asm &p, unsigned k) { p.alu(MICA_OP_V_FMA_F32, V(8 + k % 8), V(8 + k % 8), V(8 + k % 8), V(0)); }},
		{"s_waitcnt (idle)", [](Asm &p, unsigned) { p.wait_all(); }},
		{"s_load_b32", [](Asm &p, unsigned k) { p.mem(MICA_OP_S_LOAD_B32, S(8 + k % 8), NONE, S(0), NONE, 4 * (k % 8)); },
		 0, 0},
		{"ds_load_b32", [](Asm &p, unsigned k) { p.mem(MICA_OP_DS_LOAD_B32, V(8 + k % 8), V(1), NONE, NONE); }, 0, 0},
		{"ds_load_b32 (uniform)", [](Asm &p, unsigned k) { p.mem(MICA_OP_DS_LOAD_B32, V(8 + k % 8), V(2), NONE, NONE); }, 0, 0},
		{"ds_load_b128 (uniform)", [](Asm &p, unsigned k) { p.mem(MICA_OP_DS_LOAD_B128, V(8 + 4 * (k % 8)), V(2), NONE, NONE); }, 0, 0},
		{"ds_load_b128", [](Asm &p, unsigned k) { p.mem(MICA_OP_DS_LOAD_B128, V(8 + 4 * (k % 8)), V(3), NONE, NONE); }, 0, 0},
		{"ds_store_b32", [](Asm &p, unsigned k) { p.mem(MICA_OP_DS_STORE_B32, NONE, V(1), NONE, V(8 + k % 8)); }},
		{"global_load_b32", [](Asm &p, unsigned k) { p.mem(MICA_OP_GLOBAL_LOAD_B32, V(8 + k % 8), V(1), S(0), NONE); },
		 0, 0},
		{"global_load_b32 (half-rows)",
		 [](Asm &p, unsigned k) { p.mem(MICA_OP_GLOBAL_LOAD_B32, V(8 + k % 8), V(4), S(0), NONE); }, 0, 0},
		{"global_store_b32", [](Asm &p, unsigned k) { p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(1), S(0), V(8 + k % 8)); }},
		{"s_barrier", [](Asm &p, unsigned) { p.ctrl(MICA_OP_S_BARRIER); }},
	};
	const double per = double(kCostWaves) * kCostIterations * kCostBody;
	std::printf("host CPU ns per wave instruction (%u waves x %u x %u of the kind, workgroups of 8 waves, 1 thread, "
	            "faithful; the empty loop subtracted):\n",
	            kCostWaves, kCostIterations, kCostBody);
	std::printf("%-24s %12s %12s %10s\n", "instruction", "jit level 1", "interpreter", "interp/jit");
	uint64_t empty_insts = 0;
	const Asm empty = cost_program(nullptr);
	const double base[2] = {cost_run(empty, CuEngine::Jit, &empty_insts), cost_run(empty, CuEngine::Interp, &empty_insts)};
	for (const Kind &k : kinds) {
		if (!filter.empty() && std::string(k.name).find(filter) == std::string::npos)
			continue;
		const Asm prog = cost_program(&k);
		// Each loop iteration runs the 32 instructions of the kind and its waits, in every wave.
		const uint64_t body = kCostBody + (k.wait_gm != ~0u ? kCostBody / 8 : 0);
		double ns[2];
		for (int e = 0; e < 2; e++) {
			uint64_t insts = 0;
			const double c = cost_run(prog, e == 0 ? CuEngine::Jit : CuEngine::Interp, &insts);
			if (insts - empty_insts != uint64_t(kCostWaves) * kCostIterations * body)
				std::fprintf(stderr, "%s: %llu wave instructions more than the empty loop, expected %llu\n", k.name,
				             static_cast<unsigned long long>(insts - empty_insts),
				             static_cast<unsigned long long>(uint64_t(kCostWaves) * kCostIterations * body));
			ns[e] = (c - base[e]) / per * 1e9;
		}
		std::printf("%-24s %12.2f %12.2f %10.2f\n", k.name, ns[0], ns[1], ns[0] > 0 ? ns[1] / ns[0] : 0.0);
	}
}

// Host CPU time per wave of short programs ('waves'): what launching, running and retiring a
// wave costs when its program is a few instructions, as SAXPY's is. 'end' only ends; 'saxpy' is
// the compiled SAXPY's shape (x and y loaded, one FMA, y stored, under the bounds test), in 65536
// workgroups of 64 invocations and no shared memory; 'reduce' the compiled tree reduction's
// (reduce_program.h), in 16384 workgroups of 256 with 1 KiB of shared memory, its total checked.
// 131072 waves each, one host thread, the JIT's level 1, faithful mode; the fastest of 15
// dispatches after a warm-up. MICA_CU_CHAIN=0 turns wave chains off (worker.h),
// MICA_CU_BARRIER_SWITCH=0 the in-code barrier switch.
Asm saxpy_program()
{
	Asm p;
	p.nop(3); // SEC_WAVE_START_TLB
	p.alu(MICA_OP_S_SHL_B32, S(20), S(MICA_ABI_S_WORKGROUP_ID_X), K(6));
	p.nop(1);
	p.alu(MICA_OP_V_ADD_U32, V(6), S(20), V(0));
	p.alu(MICA_OP_V_CMP_LT_U32, S(21), V(6), S(3));
	p.alu(MICA_OP_S_AND_SAVEEXEC_B32, S(21), S(21));
	const int skip = p.label();
	p.branch(MICA_OP_S_CBRANCH_EXECZ, skip);
	p.alu(MICA_OP_V_SHL_B32, V(6), V(6), K(2));
	p.nop(0);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(7), V(6), S(0), NONE);
	p.mem(MICA_OP_GLOBAL_LOAD_B32, V(8), V(6), S(4), NONE);
	p.wait_all();
	p.alu(MICA_OP_V_FMA_F32, V(7), S(2), V(7), V(8));
	p.mem(MICA_OP_GLOBAL_STORE_B32, NONE, V(6), S(4), V(7));
	p.bind(skip);
	p.alu(MICA_OP_S_MOV_B32, EXEC, S(21));
	p.end();
	return p;
}

void wave_costs(const std::string &filter)
{
	setenv("MICA_CU_JIT_THRESHOLD", "0", 0);
	setenv("MICA_CU_JIT_OPT", "1", 0);
	constexpr uint32_t kWaves = 131072, kElems = kWaves * 32;
	Asm end;
	end.end();
	const Asm saxpy = saxpy_program(), reduce = reduce_program();
	struct Shape {
		const char *name;
		const Asm *prog;
		uint32_t wg_size;
		uint32_t shared_bytes; // a workgroup's, zeroed at its start
	};
	const char *chain = std::getenv("MICA_CU_CHAIN");
	std::printf("host CPU ns per wave (%u waves, 1 thread, JIT level 1, fastest of 15; wave chains %s):\n", kWaves,
	            chain && std::strcmp(chain, "0") == 0 ? "off" : "on");
	for (const Shape &shape : {Shape{"end", &end, 64, 0}, Shape{"saxpy", &saxpy, 64, 0}, Shape{"reduce", &reduce, 256, 1024}}) {
		if (!filter.empty() && filter != shape.name)
			continue;
		Rig rig(2, 1, size_t(kElems) * 8 + (1 << 20));
		rig.engine = make_compute_engine(rig.mmu, 2, 1, CuEngine::Jit);
		rig.st.wg_size[0] = shape.wg_size;
		rig.st.groups[0] = kElems / shape.wg_size;
		rig.st.shared_bytes = shape.shared_bytes;
		const uint64_t y = Rig::kData + uint64_t(kElems) * 4;
		rig.st.user_data[2] = 0x3fc00000; // a = 1.5
		rig.st.user_data[3] = kElems;
		rig.st.user_data[4] = static_cast<uint32_t>(y);
		rig.st.user_data[5] = static_cast<uint32_t>(y >> 32);
		uint32_t sum = 0; // the reduction's expected total
		for (uint32_t i = 0; i < kElems; i++) {
			rig.put<uint32_t>(size_t(i) * 4, i * 7u);
			sum += i * 7u;
		}
		rig.load(*shape.prog);
		rig.engine->run(rig.st);
		double best = 1e9;
		for (int rep = 0; rep < 15; rep++) {
			rig.put<uint32_t>(size_t(kElems) * 4, 0);
			const double c0 = cpu_seconds();
			const DispatchResult r = rig.engine->run(rig.st);
			best = std::min(best, cpu_seconds() - c0);
			if (r.fault != MICA_FAULT_NONE || r.hazard_violations)
				std::fprintf(stderr, "%s faulted or broke a hazard rule: %s\n", shape.name, r.report.c_str());
			uint32_t total = 0;
			std::memcpy(&total, rig.data + size_t(kElems) * 4, 4);
			if (shape.prog == &reduce && total != sum)
				std::fprintf(stderr, "reduce: total %u, expected %u\n", total, sum);
		}
		std::printf("%-8s %8.1f  (so far: chained launches %llu, barrier switches %llu)\n", shape.name,
		            best / kWaves * 1e9, static_cast<unsigned long long>(cu::jit::counters().chained_launches),
		            static_cast<unsigned long long>(cu::jit::counters().barrier_switches));
	}
}

} // namespace

int main(int argc, char **argv)
{
	// Optional argument: 'alu' or 'memory' runs only that program; 'bandwidth' only the host's;
	// 'costs [NAME]' only the host CPU time per wave instruction of each kind (of the kinds whose
	// name contains NAME); 'waves [NAME]' only the host CPU time per wave of short programs (or of
	// the one named).
	const std::string only = argc > 1 ? argv[1] : "";
	if (only == "costs") {
		instruction_costs(argc > 2 ? argv[2] : "");
		return 0;
	}
	if (only == "waves") {
		wave_costs(argc > 2 ? argv[2] : "");
		return 0;
	}
	const double memcpy_bw = host_memcpy_bandwidth();
	const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
	const double saxpy = host_saxpy_rate(size_t(1) << 24, cores);
	std::printf("host saxpy 16M: %.3f Gelement/s on %u threads (%.2f GB/s at 12 bytes per element)\n", saxpy / 1e9,
	            cores, 12 * saxpy / 1e9);
	std::printf("'lane-inst/s' is wall clock; 'per CPU-second' divides by the process CPU time (per host core).\n");
	std::printf("'vs memcpy' compares simulated bytes moved (loads + stores) with host memcpy read+write traffic.\n");
	std::printf("host memcpy bandwidth: %.2f GB/s (copy; %.2f GB/s read+write traffic)\n", memcpy_bw / 1e9,
	            2 * memcpy_bw / 1e9);
	std::printf("%-8s %-9s %7s %14s %16s %10s %12s\n", "program", "mode", "threads", "lane-inst/s",
	            "per CPU-second", "sim GB/s", "vs memcpy");
	const Asm alu = alu_program(2000);
	const Asm mem = mem_program(1000);
	for (int which = 0; which < 2; which++) {
		if (!only.empty() && only != (which == 0 ? "alu" : "memory"))
			continue;
		for (bool checked : {false, true}) {
			for (unsigned threads : {1u, 2u}) {
				// memory program: 16 B loaded + 16 B stored per lane per iteration; count the
				// moved bytes per lane-instruction of the loop (load, add, store + 3 scalar).
				Measure m = which == 0 ? run(alu, checked, threads, 64, 0.0)
				                       : run(mem, checked, threads, 64, 0.0);
				double sim_bytes = 0;
				if (which == 1) {
					sim_bytes = 32.0 * 64 * 64 * 1000; // groups * lanes * iterations * (16 + 16)
					m.bytes_per_s = sim_bytes / m.seconds;
				}
				std::printf("%-8s %-9s %7u %14.3e %16.3e %10s %12s\n", which == 0 ? "alu" : "memory",
				            checked ? "checked" : "faithful", threads, m.lane_per_s, m.lane_per_cpu_s,
				            which == 1 ? std::to_string(m.bytes_per_s / 1e9).substr(0, 6).c_str() : "-",
				            which == 1 ? (std::to_string(m.bytes_per_s / (2 * memcpy_bw)).substr(0, 6) + "x").c_str() : "-");
			}
		}
	}
	return 0;
}
