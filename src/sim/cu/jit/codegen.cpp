// SPDX-License-Identifier: MIT
// LLVM IR for a program. One function per program: it starts at the wave's pc (a switch over
// every instruction offset, so any pc the scheduler hands back re-enters), and runs instruction
// after instruction, branches included, until the budget, an exit or a call that stops the wave.
// Lanes are LLVM vectors of 32 elements (<32 x i32>), lowered by the backend to the host's widest
// vectors (AVX-512 or AVX2, from getHostCPUFeatures), and results are blended under the exec
// mask (a <32 x i1> from the EXEC bits), so inactive lanes keep their values.
//
// The pipeline model stays exact: every register read compares the cycle with the register's
// guard (the interpreter's fast test in Worker::fresh) and only calls the slow path when the
// guard says it may be stale; register writes store the pipeline record Worker::produce_slow would,
// computed at translation time (produce_plan). A program the static hazard verifier proves
// hazard-free (hazard_proof.h) has neither: no test could fail. Its level-1 code also copies each
// straight run without the per-instruction budget and watchdog test (find_fast_runs).
#include "codegen.h"
#include "hazard_proof.h"
#include "wave_chain.h"

#include <algorithm>
#include <atomic>
#include <bitset>
#include <cassert>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#endif
#include <llvm/CodeGen/Passes.h>
#include <llvm/CodeGen/TargetPassConfig.h>
#include <llvm/ExecutionEngine/JITEventListener.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h>
#include <llvm/ExecutionEngine/SectionMemoryManager.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/IPO/AlwaysInliner.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/SmallVectorMemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "../env_switch.h"
#include "../wave.h"
#include "code_size.h"
#include "lanes.h"
#include "runtime.h"
#include "../worker.h"

namespace mica::sim::cu::jit {

namespace {

using namespace llvm;

struct JitHost {
	std::unique_ptr<orc::LLJIT> jit;
	std::unique_ptr<TargetMachine> tm; // for the optimisation pipeline's cost model
	std::string cpu, features, error;
	std::unique_ptr<std::mutex> mutex = std::make_unique<std::mutex>(); // module creation, lookups, removal
	uint64_t next_id = 0;
};

JitHost make_host_state(unsigned level);

// The code-generator levels translations are made at: 0 is LLVM's fast instruction selection and
// register allocation (about 5x faster to translate, vector code about 3x slower), 1 and 2 the
// optimising ones. MICA_CU_JIT_OPT=0|1|2 makes every translation at that one level; unset, a hot
// program is translated at level 0 and re-translated at level 1 once it stays hot (translate.cpp).
int forced_level()
{
	static const int lvl = [] {
		const char *e = std::getenv("MICA_CU_JIT_OPT");
		return e && *e ? std::clamp(std::atoi(e), 0, 2) : -1;
	}();
	return lvl;
}

// One LLJIT per code-generator level in use, created together (per load of the library that
// contains the model: the Vulkan loader may unload and reload the ICD, and a static object,
// unlike a leaked one, goes with it). Translated programs live in the translation cache
// (translate.cpp), which is created after these and so destroyed before them.
struct JitHosts {
	JitHost level[3];
	JitHosts()
	{
		InitializeNativeTarget();
		InitializeNativeTargetAsmPrinter();
		for (unsigned l = 0; l < 3; l++)
			if (forced_level() < 0 ? l <= 1 : int(l) == forced_level())
				level[l] = make_host_state(l);
	}
};

JitHosts &hosts()
{
	static JitHosts h;
	return h;
}

JitHost &host(unsigned level) { return hosts().level[level]; }

// The level every translation can be made at (for available() and host_target()).
unsigned base_level() { return forced_level() < 0 ? 0u : static_cast<unsigned>(forced_level()); }

// MICA_CU_JIT_PERF=1: LLVM's perf JIT event listener on every translation's object layer, so
// `perf record -k 1` + `perf inject --jit` attribute samples in translated code to their program
// (the listener writes jit-PID.dump under $JITDUMPDIR or ~/.debug/jit, and perf finds it through
// the marker it maps). Null when the knob is off or LLVM was built without perf support.
JITEventListener *perf_listener()
{
	static JITEventListener *const l = [] {
		const char *e = std::getenv("MICA_CU_JIT_PERF");
		if (!e || !*e || *e == '0')
			return static_cast<JITEventListener *>(nullptr);
		JITEventListener *r = JITEventListener::createPerfJITEventListener();
		if (!r)
			std::fprintf(stderr, "mica jit: MICA_CU_JIT_PERF: this LLVM has no perf JIT event listener\n");
		return r;
	}();
	return l;
}

// Level 1's code generator: LLVM's CodeGenOpt::Less pipeline without two machine passes that cost
// translation time and changed nothing in the code of the translated programs (docs/performance.md,
// "Level-1 translation time": the same assembly for the five example kernels without them, 4% less
// code-generation work): X86's domain reassignment (computations moved from general-purpose to mask
// registers) and early tail duplication. LLVM's way to leave a standard pass out is
// TargetPassConfig::disablePass, on the pass configuration addPassesToEmitMC creates and adds to the
// pass manager before any code-generation pass: this pass manager catches it there. Domain
// reassignment is the x86 configuration's own, added as an object, with no ID to disable nor a
// registered name, so it is recognised by the name it reports (should LLVM rename it, it stays).
// Per target machine, unlike LLVM's command-line options, which would change every other user of
// the process's libLLVM (another driver's JIT).
class Level1Passes final : public legacy::PassManager {
public:
	void add(Pass *p) override
	{
		if (p->getPassID() == &TargetPassConfig::ID)
			static_cast<TargetPassConfig *>(p)->disablePass(&EarlyTailDuplicateID);
		if (p->getPassName() == "X86 Domain Reassignment Pass") {
			delete p; // what the pass manager does with a pass it does not keep
			return;
		}
		legacy::PassManager::add(p);
	}
};

// What ORC's SimpleCompiler does (IR module in, object file out), through Level1Passes.
class Level1Compiler final : public orc::IRCompileLayer::IRCompiler {
public:
	explicit Level1Compiler(std::unique_ptr<TargetMachine> tm)
	    : IRCompiler(orc::irManglingOptionsFromTargetOptions(tm->Options)), tm_(std::move(tm))
	{
	}
	Expected<std::unique_ptr<MemoryBuffer>> operator()(Module &m) override
	{
		SmallVector<char, 0> object;
		{
			raw_svector_ostream os(object);
			Level1Passes pm;
			MCContext *ctx = nullptr;
			if (tm_->addPassesToEmitMC(pm, ctx, os))
				return make_error<StringError>("the target cannot emit machine code", inconvertibleErrorCode());
			pm.run(m);
		}
		return std::make_unique<SmallVectorMemoryBuffer>(std::move(object), m.getModuleIdentifier() + "-object", false);
	}

private:
	std::unique_ptr<TargetMachine> tm_;
};

JitHost make_host_state(unsigned level)
{
	JitHost s;
	auto jtmb = orc::JITTargetMachineBuilder::detectHost();
	if (!jtmb) {
		s.error = toString(jtmb.takeError());
		return s;
	}
	jtmb->setCodeGenOptLevel(level == 0 ? CodeGenOpt::None : level == 2 ? CodeGenOpt::Default : CodeGenOpt::Less);
	s.cpu = jtmb->getCPU();
	s.features = jtmb->getFeatures().getString();
	auto tm = jtmb->createTargetMachine();
	if (!tm) {
		s.error = toString(tm.takeError());
		return s;
	}
	s.tm = std::move(*tm);
	orc::LLJITBuilder builder;
	builder.setJITTargetMachineBuilder(std::move(*jtmb));
	if (level == 1)
		builder.setCompileFunctionCreator([](orc::JITTargetMachineBuilder b) -> Expected<std::unique_ptr<orc::IRCompileLayer::IRCompiler>> {
			auto t = b.createTargetMachine();
			if (!t)
				return t.takeError();
			return std::make_unique<Level1Compiler>(std::move(*t));
		});
	if (perf_listener())
		builder.setObjectLinkingLayerCreator([](orc::ExecutionSession &es, const Triple &) {
			// The layer LLJIT makes on this host (RuntimeDyld, a SectionMemoryManager per
			// object), with the perf listener registered on it.
			auto layer = std::make_unique<orc::RTDyldObjectLinkingLayer>(
			    es, [] { return std::make_unique<SectionMemoryManager>(); });
			layer->registerJITEventListener(*perf_listener());
			return Expected<std::unique_ptr<orc::ObjectLayer>>(std::move(layer));
		});
	auto j = builder.create();
	if (!j) {
		s.error = toString(j.takeError());
		return s;
	}
	s.jit = std::move(*j);
	return s;
}

class CompiledProgram final : public Program {
public:
	CompiledProgram(uint64_t hash, uint32_t n, uint32_t inl, unsigned level)
	{
		hash_ = hash, instructions_ = n, inline_ = inl;
		level_ = level;
		own_level_ = level;
	}
	~CompiledProgram() override
	{
		if (tracker_) {
			std::lock_guard<std::mutex> lock(*host(own_level_).mutex);
			consumeError(tracker_->remove());
		}
	}
	void set_inline(uint32_t n) { inline_ = n; }
	void set_full_exec_runs(uint32_t n) { full_exec_runs_ = n; }
	void set_hazard_free(bool v) { hazard_free_ = v; }
	void set_chains(bool v) { chains_ = v; }
	void set_rows(RegRange v, RegRange sg) { vgprs_ = v, sgprs_ = sg; }
	void set(uint32_t (*fn)(Frame *), orc::ResourceTrackerSP t)
	{
		fn_.store(fn, std::memory_order_release);
		tracker_ = std::move(t);
	}
	// Decoded instructions and operand-check lists the generated code passes to the runtime
	// (stable addresses).
	std::vector<std::unique_ptr<DecodedInst>> insts;
	std::vector<std::unique_ptr<CheckList>> checks;
	struct alignas(64) ConstRow {
		uint32_t l[kLanes];
	};
	std::vector<std::unique_ptr<ConstRow>> rows; // level 0: constant VALU operands as rows

private:
	orc::ResourceTrackerSP tracker_;
	unsigned own_level_ = 0; // the level of this object's own code (its tracker's host)
};

bool lane_calls()
{
	static const bool on = [] {
		const char *e = std::getenv("MICA_CU_JIT_L0_LANE_CALLS");
		return e && *e && *e != '0';
	}();
	return on;
}

template <class F> Value *fn_ptr(IRBuilder<> &b, F *f)
{
	return b.CreateIntToPtr(b.getInt64(reinterpret_cast<uint64_t>(reinterpret_cast<void *>(f))), b.getInt8PtrTy());
}

class Emitter {
public:
	Emitter(LLVMContext &c, Module &m, const Code &code, CompiledProgram &prog, unsigned level, bool hazard_free)
	    : C(c), M(m), B(c), code_(code), prog_(prog), level0_(level == 0), lane_calls_(level == 0 && lane_calls()),
	      hazard_free_(hazard_free)
	{
		i1 = B.getInt1Ty();
		i8 = B.getInt8Ty();
		i32 = B.getInt32Ty();
		i64 = B.getInt64Ty();
		ptr = B.getInt8PtrTy();
		v32 = FixedVectorType::get(i32, kLanes);
		f32v = FixedVectorType::get(B.getFloatTy(), kLanes);
		m32 = FixedVectorType::get(i1, kLanes);
	}

	Function *emit(const std::string &name);
	uint32_t inline_count = 0;
	uint32_t full_exec_runs = 0; // runs given a full-EXEC copy (find_fast_runs)
	std::map<std::string, unsigned> callouts; // opcode name -> instructions left to the interpreter

private:
	// --- addresses in the wave and the frame
	Value *at(Value *base, uint64_t off) { return B.CreateConstGEP1_64(i8, base, static_cast<int64_t>(off)); }
	Value *at_b(IRBuilder<> &b, Value *base, uint64_t off) { return b.CreateConstGEP1_64(i8, base, static_cast<int64_t>(off)); }
	Value *sreg_ptr(unsigned reg, bool prev)
	{
		return at(wave_, (prev ? offsetof(Wave, sprev) : offsetof(Wave, s)) + (reg - kSregFirst) * 4u);
	}
	Value *vrow_ptr(unsigned reg, bool prev)
	{
		return at(wave_, (prev ? offsetof(Wave, vprev) : offsetof(Wave, v)) + uint64_t(reg) * sizeof(Row));
	}
	Value *guard_ptr_at(IRBuilder<> &b, unsigned reg, unsigned cls)
	{
		return b.CreateConstGEP1_64(i8, wave_, static_cast<int64_t>(offsetof(Wave, meta) + uint64_t(reg) * sizeof(RegMeta) +
		                                                              offsetof(RegMeta, guard) + cls * 8u));
	}
	Value *guard_ptr(unsigned reg, unsigned cls)
	{
		return at(wave_, offsetof(Wave, meta) + uint64_t(reg) * sizeof(RegMeta) + offsetof(RegMeta, guard) + cls * 8u);
	}
	// The wave's cycle, the executed count and the worker's instruction and lane-instruction
	// counts, which every instruction reads and writes, are kept in stack slots that the
	// optimiser promotes to SSA values (counters_to_ssa): in memory (the wave, the frame, the
	// stats), each instruction's load waited for the previous instruction's store (store-to-load
	// forwarding, the samples on the budget test in the reduction's profile). They are written
	// to their homes before every call and every return (flush_counters) and read back after
	// every call (reload_counters): the runtime reads and moves the cycle and counts lanes.
	Value *cycle() { return B.CreateLoad(i64, cyc_a_); }
	// The watchdog limit (Frame::wd_limit): at level 1 a stack slot, which a wave chain's next
	// workgroup reloads (chain_restart); level 0 (no chains) reads the field once at entry.
	Value *wd() { return level0_ ? wd0_ : B.CreateLoad(i64, wd_a_); }
	Value *wd0_ = nullptr;
	void set_cycle(Value *v) { B.CreateStore(v, cyc_a_); }
	Value *n_ptr() { return n_a_; }
	void flush_counters(IRBuilder<> &b);
	void reload_counters(IRBuilder<> &b);
	BasicBlock *entry_block(uint64_t off, BasicBlock *target);
	Value *cyc_a_ = nullptr, *n_a_ = nullptr, *instr_home_ = nullptr, *lane_home_ = nullptr;
	Value *abs_pc(uint64_t off) { return B.CreateAdd(base_, B.getInt64(off)); }
	Value *dptr(const DecodedInst *d) { return B.CreateIntToPtr(B.getInt64(reinterpret_cast<uint64_t>(d)), ptr); }

	// --- control
	BasicBlock *block_at(uint64_t off)
	{
		auto it = blocks_.find(off);
		return it == blocks_.end() ? nullptr : it->second;
	}
	// Every exit goes through one shared block that stores the pc and returns the code (two
	// phis over the exit edges): a return block per exit made LLVM's code generator the largest
	// cost of translation.
	void exit_with(Exit e, Value *code, Value *off)
	{
		(void)e;
		exit_code_->addIncoming(code, B.GetInsertBlock());
		exit_off_->addIncoming(off, B.GetInsertBlock());
		B.CreateBr(exit_bb_);
	}
	void exit_with(Exit e, Value *pc) { exit_with(e, B.getInt32(static_cast<uint32_t>(e)), B.CreateSub(pc, base_)); }
	void exit_at(Exit e, uint64_t off) { exit_with(e, B.getInt32(static_cast<uint32_t>(e)), B.getInt64(off)); }
	// Continue at offset 'off': its block, or hand the pc to the interpreter. In a run's copy
	// without stop tests, the next instruction of the run is the copy's.
	void goto_off(uint64_t off)
	{
		if (fast_end_ && off > cur_off_ && off < fast_end_)
			B.CreateBr((full_exec_ ? full_blocks_ : fast_blocks_).at(off));
		else if (BasicBlock *bb = block_at(off))
			B.CreateBr(bb);
		else
			exit_at(Exit::Interp, off);
	}
	// Runs without stop tests (hazard-free programs at level 1; find_fast_runs): the straight
	// runs of instructions, each also emitted a second time without the budget-and-watchdog test
	// before each instruction. The first instruction's usual code enters the copy when the whole
	// run fits the wave's remaining budget and stays under the watchdog limit whatever it does
	// (fast_runs_: its length and the most cycles it can take before its last instruction).
	// A run in which no instruction names EXEC or writes it has a third copy (full_blocks_),
	// entered when EXEC is also all ones: there EXEC is that constant, so no lane blend, lane mask
	// or lane count is computed (SGEMM's loop runs whole waves; the reduction's tree does not).
	struct FastRun {
		uint64_t end;     // the offset after its last instruction
		uint32_t length;  // instructions
		uint64_t cycles;  // the most cycles its instructions but the last can move the wave on
	};
	std::map<uint64_t, FastRun> fast_runs_;     // by first offset
	std::map<uint64_t, uint64_t> fast_run_end_; // offset of each instruction of a run -> the run's end
	std::map<uint64_t, BasicBlock *> fast_blocks_, full_blocks_;
	uint64_t fast_end_ = 0;   // while emitting a copy: its run's end
	bool full_exec_ = false;  // while emitting a full-EXEC copy
	void find_fast_runs();
	void emit_fast_copy(uint64_t off, const CodeSlot &slot, DecodedInst *d, bool full_exec);
	void count_instruction(const DecodedInst &d);

	// --- pipeline-model reads and writes
	Value *fresh(unsigned reg, unsigned cls);
	Value *read_s(unsigned reg, unsigned cls);
	Value *read_v(unsigned reg);
	Value *writable(unsigned reg);
	Value *check(unsigned reg, unsigned cls);
	CheckList *chk_list_ = nullptr; // the current instruction's checks (null: none yet)
	// Level 0 folds the operand test into the budget and watchdog test at the top of the
	// instruction (one branch, one exit block per instruction): the branch, its budget-or-watchdog
	// condition, the cycle it loaded, the block after it, and the operand test so far.
	BranchInst *stop_br_ = nullptr;
	Value *stop_cond_ = nullptr, *blk_cycle_ = nullptr, *stale_acc_ = nullptr;
	BasicBlock *body_bb_ = nullptr;
	bool fold_check(unsigned reg, unsigned cls);
	CheckList *fold_list_ = nullptr; // the folded tests, for Runtime::checks_ok
	BranchInst *chk_br_ = nullptr;
	Value *chk_cycle_ = nullptr, *chk_all_ = nullptr;
	uint64_t cur_off_ = 0; // the instruction being emitted
	// What the walk knows of pipeline records along one straight run of inline ALU instructions
	// (emit_record wrote them, nothing else has since): a test of such a record whose answer is
	// known is not emitted, nor a store of the record it already holds. See line_continues.
	struct KnownRecord {
		uint32_t at;       // walk index of the instruction that wrote it (line_index_)
		uint8_t need[4];   // per class: its guard as a distance from that instruction's issue (0: none)
	};
	std::map<unsigned, KnownRecord> line_;
	uint32_t line_index_ = 0;     // instructions walked so far
	uint64_t line_next_ = ~0ull;  // the offset that continues the current straight run
	bool line_alu_ = false;       // the instruction being emitted kept the run going
	std::set<uint64_t> targets_;  // offsets some branch goes to (a run never continues there)
	void line_continues(uint64_t off, const CodeSlot &slot);
	// The opcodes Worker::executed_ already marks wherever a wave is at the instruction being
	// emitted: those of the fall-through run before it (see ops_run_continues).
	std::bitset<MICA_OPCODE_SPACE> run_ops_;
	uint64_t run_next_ = 0;       // the offset the fall-through run continues at (0: the launch pc)
	uint64_t pend_next_ = 0;      // the same, for the pending loads' access counts
	bool op_marked_ = false;      // the instruction's opcode is among run_ops_: no store
	void ops_run_continues(uint64_t off, const CodeSlot &slot);
	// Shared and global loads whose destinations' previous rows nothing can read (prev_unread).
	std::set<uint64_t> prev_unread_;
	bool prev_unread(std::map<uint64_t, CodeSlot>::const_iterator it) const;
	void write_v(unsigned reg, Value *val, Value *mask, Value *keep, const DecodedInst *d);
	void write_s(unsigned reg, Value *val, Value *keep, const DecodedInst *d);
	bool emit_record(unsigned reg, const DecodedInst *d);
	void emit_mem_record(unsigned reg, Value *done, unsigned counter, Value *seq);
	void emit_mem_record_at(Value *meta, Value *done, unsigned counter, Value *seq);
	Value *call(FunctionType *ft, Value *f, ArrayRef<Value *> args)
	{
		flush_counters(B);
		Value *r = B.CreateCall(ft, f, args);
		reload_counters(B);
		return r;
	}

	// --- instructions
	void emit_inst(uint64_t off, const CodeSlot &slot, DecodedInst *d);
	void emit_inst_body(uint64_t off, const CodeSlot &slot, DecodedInst *d);
	void emit_callout(uint64_t off, const DecodedInst *d);
	bool emit_valu(uint64_t off, const DecodedInst *d);
	bool emit_valu_calls(const DecodedInst *d);
	Value *row_const(const uint32_t *row) { return B.CreateIntToPtr(B.getInt64(reinterpret_cast<uint64_t>(row)), ptr); }
	bool emit_branch(uint64_t off, const DecodedInst *d);
	void emit_wait(uint32_t gm, uint32_t ls);
	void emit_clear_waited(uint16_t reg, unsigned counter, Value *waited);
	void note_load(const DecodedInst *d);
	static constexpr size_t kPendingMax = 16;
	// A register loaded before this point of the walk, and the accesses its counter has issued
	// since along the fall-through run (a lower bound; kUnknownAfter: the run was broken since).
	struct PendingLoad {
		uint16_t reg;
		uint32_t after;
	};
	static constexpr uint32_t kUnknownAfter = ~0u;
	std::vector<PendingLoad> pending_[3]; // by MICA_COUNTER_*, most recent last
	void count_pending(uint64_t off, const CodeSlot &slot);
	bool emit_salu(const DecodedInst *d);
	bool emit_vmem(uint64_t off, const DecodedInst *d);
	bool emit_smem(uint64_t off, const DecodedInst *d);
	void emit_atomic_lanes(const DecodedInst *d, Value *ptrs, Value *exec, Value *const *data, Value **res);
	void emit_lanes(const DecodedInst *d, Value *va, Value *const base_va[2], Value *const base[2], Value *offs, Value *active,
	                Value *const *data, unsigned ndata, Value **res);
	static constexpr unsigned kHalf = kLanes / 2;
	Value *widen_loaded(const DecodedInst *d, Value *g);
	Type *lane_type(const DecodedInst *d);
	Value *half_of(Value *v, unsigned h);
	Value *join_halves(Value *lo, Value *hi);
	void emit_block(const DecodedInst *d, Value *const start[2], Value *active, Value *const *data, Value **res);
	void store_half(Value *v, Value *p, Value *mask, Value *hmask);
	void emit_uniform(const DecodedInst *d, Value *const p[2], Value **res);
	void emit_scattered(const DecodedInst *d, Value *ptrs, Value *active, Value *const *data, unsigned ndata, Value **res);
	void emit_mem_stall(unsigned counter);
	Value *mem_stall_at(Value *wave, Value *cyc, unsigned counter);
	Value *mem_stall_end(Value *wave, Value *cyc, unsigned counter);
	void add_stall(Value *wave, Value *from, Value *to);
	void emit_mem_done(const DecodedInst *d, unsigned counter, Value *exec, unsigned nres, Value *const *res);
	void mem_done_at(const DecodedInst *d, Value *wave, Value *frame, Value *cyc, unsigned counter, Value *exec, unsigned nres,
	                 Value *const *res, Value *dst, Value *keep_prev);
	bool emit_ds(uint64_t off, const DecodedInst *d);
	Value *vector_mem_operands(const DecodedInst *d, unsigned *ndata, unsigned *nres, Value **keep);
	void emit_access_outcome(uint64_t off, const DecodedInst *d, Value *r, Value *exec, Value *data, Value *const *keep,
	                         unsigned nres, Value *fallback, Value *addr);
	Value *packed_operands(const DecodedInst *d, unsigned reg, unsigned sreg, bool keep_prev);
	Value *unpack(Value *packed, unsigned shift);
	Value *vrow_at(Value *wave, Value *reg);
	Value *scalar_base(Value *wave, Value *packed);
	StructType *access_ret();
	void access_return(Value *cyc, bool made);
	bool emit_global(uint64_t off, const DecodedInst *d);
	Function *global_helper(const DecodedInst *d, bool saddr, uint64_t off);
	Function *global_function(const DecodedInst *d, bool saddr);
	Function *global_dense_function(const DecodedInst *d, Function *slow);
	void emit_dense_global(const DecodedInst *d, Value *wave, Value *cyc, Value *exec, Value *sbase, Value *lo32,
	                       Value *imm, Value *reg, Value *packed, unsigned nres);
	Value *dense_row_test(Value *cyc, Value *exec, Value *sbase, Value *lo32, Value *imm, Value **first, Value **page);
	void dense_row_access(const DecodedInst *d, Value *wave, Value *cyc, Value *exec, Value *page_host, Value *first,
	                      Value *reg, Value *packed, unsigned nres);
	void emit_dense_halves(const DecodedInst *d, Value *wave, Value *cyc, Value *exec, Value *sbase, Value *lo32,
	                       Value *imm, Value *reg, Value *packed, unsigned nres);
	Value *dense_halves_test(Value *cyc, Value *exec, Value *sbase, Value *lo32, Value *imm, Value **first, Value **page);
	void dense_halves_access(const DecodedInst *d, Value *wave, Value *cyc, Value *exec, Value *const *host, Value *const *first,
	                         Value *reg, Value *packed, unsigned nres);
	struct GlobalFns {
		Function *whole = nullptr, *dense = nullptr; // global_function, global_dense_function
	};
	std::map<unsigned, GlobalFns> global_fns_;
	std::set<uint64_t> dense_inlined_; // the instructions (offsets) whose dense rows are inlined
	void emit_access_fallback(uint64_t off, const DecodedInst *d, Value *fn, Value *exec, Value *data, Value *const *keep,
	                          unsigned nres, Value *addr);
	Function *ds_helper(const DecodedInst *d, bool first_use);
	Function *ds_function(const DecodedInst *d, Function *slow);
	Function *ds_block_function(const DecodedInst *d, Function *whole, bool inlined);
	void emit_make_memo(Value *memo, Value *row, Value *exec, unsigned size, bool load);
	void store_memo(Value *memo, Value *kind, Value *exec, Value *lo, Value *hi, Value *const *a0, Value *const *one);
	static bool ds_memo_user(const DecodedInst &d);
	Value *memo_for(unsigned reg, unsigned size);
	void clear_memos_at_entry(Value *after_interp);
	void clear_memos(IRBuilder<> &b, bool wave, bool stack);
	unsigned wave_memos_ = 0;          // memos in Wave::memos
	std::vector<Value *> stack_memos_; // the others
	void clear_memos_written(const DecodedInst &d);
	std::map<std::pair<unsigned, unsigned>, Value *> memos_; // (VGPR, access size) -> its AddrMemo
	std::map<unsigned, std::vector<Value *>> memo_regs_;     // VGPR -> its memos
	Value *own_memo_ = nullptr;
	struct DsFns {
		Function *whole = nullptr;  // ds_function(d, nullptr)
		Function *fast = nullptr;   // its inlined part, calling 'block' (or 'whole' without DS rows)
		Function *first = nullptr;  // the same with ds_block_function inlined (a run's first access)
		Function *block = nullptr;  // ds_block_function, called
	};
	std::map<unsigned, DsFns> ds_fns_;
	// The (register, size) pairs a shared access of the current fall-through run used, the
	// register unwritten since (their memo is likely made), the VGPRs the run wrote so far, and
	// per shared access whether it is the first of its pair in its run through a register the
	// run computed (ds_helper's first_use; the run's copies look it up).
	std::set<std::pair<unsigned, unsigned>> ds_run_pairs_;
	std::bitset<MICA_VGPRS_PER_WAVE> ds_run_written_;
	std::map<uint64_t, bool> ds_first_use_;
	void ds_run_continues(const CodeSlot &slot);
	Value *tlb_lookup(Value *page, uint64_t access, Value **host);
	Value *tlb_fill(Value *wave, Value *page_va, mica_access access);
	Value *tlb_page_or_fill(Value *wave, Value *page, mica_access access, BasicBlock *fail);
	Value *row_in_one_page(Value *sbase, Value *x, Value *imm, unsigned lanes, Value **first, Value **page);
	Value *frame_field(Type *t, size_t off) { return B.CreateLoad(t, at(frame_, off)); }
	Value *entry_alloca(uint64_t bytes);
	Value *valu_op(uint16_t op, Value *a, Value *b, Value *c, Value *sval3, bool *is_cmp);
	Value *fcmp(CmpInst::Predicate p, Value *a, Value *b) { return B.CreateFCmp(p, B.CreateBitCast(a, f32v), B.CreateBitCast(b, f32v)); }
	Value *fbin(Instruction::BinaryOps op, Value *a, Value *b)
	{
		return B.CreateBitCast(B.CreateBinOp(op, B.CreateBitCast(a, f32v), B.CreateBitCast(b, f32v)), v32);
	}
	Value *funary(Intrinsic::ID id, Value *a)
	{
		return B.CreateBitCast(B.CreateUnaryIntrinsic(id, B.CreateBitCast(a, f32v)), v32);
	}
	Value *minmax_num(Value *a, Value *b, bool is_max);
	Value *splat(Value *s) { return B.CreateVectorSplat(kLanes, s); }

	LLVMContext &C;
	Module &M;
	IRBuilder<> B;
	const Code &code_;
	CompiledProgram &prog_;
	// Level 0: the operand test folded into the budget test, no IR pass (emit_inst, optimise).
	// With MICA_CU_JIT_L0_LANE_CALLS=1 its VALU lanes are also calls (lanes.h), which keeps their
	// blocks away from SelectionDAG: translation 1.5-2x faster, VALU-bound level-0 code 2x
	// slower (docs/performance.md), so it is off by default.
	const bool level0_, lane_calls_;
	// The program is hazard-free (hazard_proof.h): no operand test can fail, so none is emitted,
	// and no pipeline record is written (nothing in translated code reads one; the interpreter,
	// running an instruction of it, finds a record the translation left as it was, whose test
	// passes: a load's by the wait counter (fresh_slow), every other's by its cycle, long past).
	// The previous rows of load destinations and delayed results are not kept (no early read).
	const bool hazard_free_;
	Value *splat_buf_[4] = {nullptr, nullptr, nullptr, nullptr};
	FunctionType *ft_vd = nullptr, *ft_md = nullptr, *ft_splat = nullptr, *ft_vmem0 = nullptr;
	Type *i1, *i8, *i32, *i64, *ptr;
	FixedVectorType *v32, *f32v, *m32;
	Function *F = nullptr;
	Value *frame_ = nullptr, *worker_ = nullptr, *wave_ = nullptr, *base_ = nullptr, *wd_a_ = nullptr,
	      *budget_ = nullptr, *exec_ops_ = nullptr, *instr_p_ = nullptr, *lane_p_ = nullptr;
	std::map<uint64_t, BasicBlock *> blocks_;
	BasicBlock *exit_bb_ = nullptr;
	PHINode *exit_code_ = nullptr, *exit_off_ = nullptr;
	FunctionType *ft_exec = nullptr, *ft_checks = nullptr, *ft_vmem = nullptr;
	BasicBlock *entry_ = nullptr;
	// Where the wave's state is read (Frame::wave and budget, its pc, its memo and interpreter
	// flags), after the entry and after an in-code wave switch (emit_barrier_switch).
	BasicBlock *head_ = nullptr;
	void emit_barrier_switch(uint64_t next);
	// A wave chain's next wave (Runtime::chain_next launched it in this Wave object): its memos
	// cleared, the workgroup's watchdog limit read, on to the first instruction. Level 1 only,
	// for programs that chain (Program::chains); level 0 returns Ended to the worker.
	BasicBlock *chain_restart_ = nullptr;
	FunctionType *ft_chain_ = nullptr;
	void emit_chain_restart();
	Value *buf_data_ = nullptr, *buf_addr_ = nullptr, *buf_keep_ = nullptr; // the vmem fallback's arguments
	Value *buf_res_ = nullptr; // the atomics' returned rows
	Value *buf_lanes_ = nullptr; // the atomics' lane pointers and operand rows
};

// The pipeline-model tests of one instruction's operands are one test: every guard is compared
// with the cycle in one block, and the inline code after it assumes every register fresh and
// writable. If some guard says a register may be stale, Runtime::checks_ok runs Worker::fresh /
// writable for each of them in the order the interpreter would; if all are fresh and no rule was
// broken (the usual case: a load result whose s_waitcnt has passed) the inline code runs, else
// the instruction is handed to the interpreter (Exit::Interp), which decides with its own checks
// (checks_ok has undone its violation counts; the rest of what it did, clearing a waited load's
// record, the interpreter would do the same way). One branch per instruction and no per-operand
// joins: translation time is mostly the code generator's work per basic block.
// Level 0: the operand test is folded into the budget and watchdog test at the top of the
// instruction (one branch; the stop block then tells them apart and runs Runtime::checks_ok
// for a register that may be stale). Only where the operand test is the first thing the
// instruction does, so nothing has been changed when it stops.
bool Emitter::fold_check(unsigned reg, unsigned cls)
{
	if (!level0_ || !stop_br_ || chk_list_ || (!stale_acc_ && (B.GetInsertBlock() != body_bb_ || !body_bb_->empty())))
		return false;
	if (!fold_list_) {
		prog_.checks.push_back(std::make_unique<CheckList>());
		fold_list_ = prog_.checks.back().get();
	}
	fold_list_->items.push_back({static_cast<uint16_t>(reg), static_cast<uint8_t>(cls)});
	IRBuilder<> cb(stop_br_);
	Value *stale = cb.CreateICmpULT(blk_cycle_, cb.CreateLoad(i64, guard_ptr_at(cb, reg, cls)));
	Instruction *old = dyn_cast<Instruction>(stop_br_->getCondition());
	stale_acc_ = stale_acc_ ? cb.CreateOr(stale_acc_, stale) : stale;
	stop_br_->setCondition(cb.CreateOr(stop_cond_, stale_acc_));
	if (old && old != stop_cond_ && old->use_empty())
		old->eraseFromParent();
	return true;
}

Value *Emitter::check(unsigned reg, unsigned cls)
{
	if (hazard_free_)
		return B.getTrue();
	// Written earlier in this straight run, at a distance its guard for this class has passed:
	// the interpreter's test takes its fast path (no side effect), so there is nothing to emit.
	auto known = line_.find(reg);
	if (known != line_.end() && line_index_ - known->second.at >= known->second.need[cls])
		return B.getTrue();
	if (fold_check(reg, cls))
		return B.getTrue();
	if (!chk_list_) {
		prog_.checks.push_back(std::make_unique<CheckList>());
		chk_list_ = prog_.checks.back().get();
		BasicBlock *slow = BasicBlock::Create(C, "stale", F), *go = BasicBlock::Create(C, "fresh", F);
		BasicBlock *interp = BasicBlock::Create(C, "stale_interp", F);
		chk_cycle_ = cycle();
		Value *ok = B.CreateICmpUGE(chk_cycle_, B.CreateLoad(i64, guard_ptr(reg, cls)));
		chk_br_ = B.CreateCondBr(ok, go, slow, MDBuilder(C).createBranchWeights(1000, 1));
		chk_all_ = ok;
		B.SetInsertPoint(slow);
		Value *r = call(ft_checks, fn_ptr(B, &Runtime::checks_ok),
		                {worker_, wave_, B.CreateIntToPtr(B.getInt64(reinterpret_cast<uint64_t>(chk_list_)), ptr), chk_cycle_});
		B.CreateCondBr(B.CreateICmpNE(r, B.getInt32(0)), go, interp);
		B.SetInsertPoint(interp);
		exit_at(Exit::Interp, cur_off_);
		B.SetInsertPoint(go);
	} else {
		IRBuilder<> cb(chk_br_);
		Value *ok = cb.CreateICmpUGE(chk_cycle_, cb.CreateLoad(i64, guard_ptr_at(cb, reg, cls)));
		chk_all_ = cb.CreateAnd(chk_all_, ok);
		chk_br_->setCondition(chk_all_);
	}
	chk_list_->items.push_back({static_cast<uint16_t>(reg), static_cast<uint8_t>(cls)});
	return B.getTrue();
}

Value *Emitter::fresh(unsigned reg, unsigned cls) { return check(reg, cls); }

Value *Emitter::read_s(unsigned reg, unsigned cls)
{
	if (full_exec_ && reg == MICA_OPND_EXEC)
		return B.getInt32(~0u); // the run's entry tested it, and nothing in the run writes it
	Value *f = fresh(reg, cls);
	Value *cur = B.CreateLoad(i32, sreg_ptr(reg, false));
	if (isa<ConstantInt>(f) && cast<ConstantInt>(f)->isOne())
		return cur; // the operand test leaves the inline code only fresh registers
	return B.CreateSelect(f, cur, B.CreateLoad(i32, sreg_ptr(reg, true)));
}

Value *Emitter::read_v(unsigned reg)
{
	Value *f = fresh(reg, kVector);
	Value *p = isa<ConstantInt>(f) && cast<ConstantInt>(f)->isOne() ? vrow_ptr(reg, false)
	                                                                  : B.CreateSelect(f, vrow_ptr(reg, false), vrow_ptr(reg, true));
	return B.CreateAlignedLoad(v32, p, Align(64));
}

Value *Emitter::writable(unsigned reg) { return check(reg, kWrite); }

// Worker::produce_slow inline, with the record computed at translation time (produce_plan depends
// only on the unit, the register, the revision and the power profile). Only the fields a later
// reader in a translated dispatch can observe are stored, decided here at translation time:
// - the guards and mem_ctr always (they may hold an older result's record, and every test reads
//   them first);
// - vis only for a guarded class: fresh_slow reads vis[c] only once guard[c] has sent a consumer
//   of class c to it, and clear_mem copies vis to the guards only for a load's record (mem_ctr
//   set), which this record is not;
// - never haz or issue: they only make the violation report of checked mode (Worker::violation
//   reads them only when the dispatch is checked), and checked dispatches are always
//   interpreted (program_for, Warmup; the differential engine runs the JIT side faithful). A
//   wave's launch clears its records' guards and mem_ctr, so no later dispatch reads these.
// So a record without guards (a VALU result at the usual latency, SCC) is the record launch
// leaves, its first kRegMetaClearBytes zero: one 32-byte store of the guards and one word over
// haz, mem_ctr and mem_lat.
// Returns whether the previous value must be kept (ProducePlan::delayed).
bool Emitter::emit_record(unsigned reg, const DecodedInst *d)
{
	if (hazard_free_)
		return false;
	const ProducePlan pl = produce_plan(d->unit, reg, code_.lowpower(), code_.r1());
	const uint64_t m = offsetof(Wave, meta) + uint64_t(reg) * sizeof(RegMeta);
	KnownRecord now{line_index_, {0, 0, 0, 0}};
	for (unsigned c = 0; c < 3; c++)
		now.need[c] = pl.vis[c] > 1 ? pl.vis[c] : 0;
	now.need[kWrite] = pl.waw ? pl.waw_dist : 0;
	auto [known, fresh_entry] = line_.try_emplace(reg, now);
	const KnownRecord before = known->second;
	known->second = now;
	if (!pl.waw && pl.vis[0] <= 1 && pl.vis[1] <= 1 && pl.vis[2] <= 1) {
		// Already the cleared record (an earlier instruction of the run stored it): nothing to do.
		if (!fresh_entry && !(before.need[0] | before.need[1] | before.need[2] | before.need[3]))
			return pl.delayed;
		static_assert(offsetof(RegMeta, guard) == 0 && sizeof(RegMeta::guard) == 32 && kRegMetaClearBytes == 40 &&
		              offsetof(RegMeta, mem_ctr) >= 32 && offsetof(RegMeta, mem_ctr) < 40 && offsetof(RegMeta, haz) == 32);
		B.CreateAlignedStore(Constant::getNullValue(FixedVectorType::get(i64, 4)), at(wave_, m), Align(8));
		B.CreateStore(B.getInt64(0), at(wave_, m + 32));
		return pl.delayed;
	}
	Value *p = cycle();
	for (unsigned c = 0; c < 3; c++) {
		const bool guarded = pl.vis[c] > 1;
		B.CreateStore(guarded ? B.CreateAdd(p, B.getInt64(pl.vis[c])) : B.getInt64(0),
		              at(wave_, m + offsetof(RegMeta, guard) + c * 8u));
		if (guarded)
			B.CreateStore(B.CreateAdd(p, B.getInt64(pl.vis[c])), at(wave_, m + offsetof(RegMeta, vis) + c * 8u));
	}
	B.CreateStore(pl.waw ? B.CreateAdd(p, B.getInt64(pl.waw_dist)) : B.getInt64(0),
	              at(wave_, m + offsetof(RegMeta, guard) + kWrite * 8u));
	B.CreateStore(B.getInt8(0), at(wave_, m + offsetof(RegMeta, mem_ctr)));
	return pl.delayed;
}

// Worker::produce_mem inline for a load result completing at 'done' on 'counter' as its
// sequence number 'seq', with the fields a translated dispatch can observe (emit_record): the
// guards ("never"), vis of every class (the slow path clears a waited record from them), mem_ctr
// and mem_seq; haz, issue and mem_lat only make checked mode's violation report.
void Emitter::emit_mem_record(unsigned reg, Value *done, unsigned counter, Value *seq)
{
	emit_mem_record_at(at(wave_, offsetof(Wave, meta) + uint64_t(reg) * sizeof(RegMeta)), done, counter, seq);
}

// The same for the record at 'meta'.
void Emitter::emit_mem_record_at(Value *meta, Value *done, unsigned counter, Value *seq)
{
	if (hazard_free_)
		return;
	// vis[0], then vis[1..2] in one 16-byte store: the shape emit_clear_waited reads them in
	// (a load that spans two stores still in the store buffer cannot take its bytes from them
	// and waits for both to reach the cache: SGEMM's s_waitcnt after its 32 shared loads).
	B.CreateStore(done, at(meta, offsetof(RegMeta, vis)));
	B.CreateAlignedStore(B.CreateVectorSplat(2, done), at(meta, offsetof(RegMeta, vis) + 8u), Align(8));
	// The four guards in one store (the level-0 code generator merges no stores).
	static_assert(sizeof(RegMeta::guard) == 32 && sizeof(RegMeta::vis) == 24);
	B.CreateAlignedStore(ConstantInt::get(FixedVectorType::get(i64, 4), kNever), at(meta, offsetof(RegMeta, guard)), Align(8));
	B.CreateStore(B.getInt8(static_cast<uint8_t>(counter)), at(meta, offsetof(RegMeta, mem_ctr)));
	B.CreateStore(seq, at(meta, offsetof(RegMeta, mem_seq)));
}

void Emitter::write_v(unsigned reg, Value *val, Value *mask, Value *keep, const DecodedInst *d)
{
	BasicBlock *wr = B.GetInsertBlock(), *done = wr;
	if (!isa<ConstantInt>(keep)) {
		wr = BasicBlock::Create(C, "wr", F), done = BasicBlock::Create(C, "wrdone", F);
		B.CreateCondBr(keep, wr, done, MDBuilder(C).createBranchWeights(1000, 1));
		B.SetInsertPoint(wr);
	}
	Value *p = vrow_ptr(reg, false);
	Value *old = B.CreateAlignedLoad(v32, p, Align(64));
	if (emit_record(reg, d))
		B.CreateAlignedStore(old, vrow_ptr(reg, true), Align(64));
	B.CreateAlignedStore(B.CreateSelect(mask, val, old), p, Align(64));
	if (done != wr) {
		B.CreateBr(done);
		B.SetInsertPoint(done);
		line_.erase(reg); // written or not: unknown
	}
}

void Emitter::write_s(unsigned reg, Value *val, Value *keep, const DecodedInst *d)
{
	BasicBlock *wr = B.GetInsertBlock(), *done = wr;
	if (!isa<ConstantInt>(keep)) {
		wr = BasicBlock::Create(C, "wrs", F), done = BasicBlock::Create(C, "wrsdone", F);
		B.CreateCondBr(keep, wr, done, MDBuilder(C).createBranchWeights(1000, 1));
		B.SetInsertPoint(wr);
	}
	if (emit_record(reg, d))
		B.CreateStore(B.CreateLoad(i32, sreg_ptr(reg, false)), sreg_ptr(reg, true));
	B.CreateStore(val, sreg_ptr(reg, false));
	if (done != wr) {
		B.CreateBr(done);
		B.SetInsertPoint(done);
		line_.erase(reg); // written or not: unknown
	}
}

void Emitter::flush_counters(IRBuilder<> &b)
{
	if (level0_)
		return;
	b.CreateStore(b.CreateLoad(i64, cyc_a_), at_b(b, wave_, offsetof(Wave, cycle)));
	b.CreateStore(b.CreateLoad(i32, n_a_), at_b(b, frame_, offsetof(Frame, executed)));
	b.CreateStore(b.CreateLoad(i64, instr_p_), instr_home_);
	b.CreateStore(b.CreateLoad(i64, lane_p_), lane_home_);
}

void Emitter::reload_counters(IRBuilder<> &b)
{
	if (level0_)
		return;
	b.CreateStore(b.CreateLoad(i64, at_b(b, wave_, offsetof(Wave, cycle))), cyc_a_);
	b.CreateStore(b.CreateLoad(i64, instr_home_), instr_p_);
	b.CreateStore(b.CreateLoad(i64, lane_home_), lane_p_);
}

// What Worker::exec_decoded does before the semantics, for an instruction run inline.
void Emitter::count_instruction(const DecodedInst &d)
{
	if (!op_marked_)
		B.CreateStore(B.getInt8(1), at(exec_ops_, d.op));
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, instr_p_), B.getInt64(1)), instr_p_);
	B.CreateStore(B.CreateAdd(B.CreateLoad(i32, n_ptr()), B.getInt32(1)), n_ptr());
}

Value *Emitter::minmax_num(Value *a, Value *b, bool is_max)
{
	// fp::min_num / max_num: a NaN operand yields the other (both NaN: the default quiet NaN),
	// equal operands order -0 below +0.
	Value *fa = B.CreateBitCast(a, f32v), *fb = B.CreateBitCast(b, f32v);
	Value *anan = B.CreateFCmpUNO(fa, fa), *bnan = B.CreateFCmpUNO(fb, fb);
	Value *eq = B.CreateFCmpOEQ(fa, fb);
	Value *neg_a = B.CreateICmpSLT(a, Constant::getNullValue(v32));
	Value *pick_a = is_max ? B.CreateFCmpOGT(fa, fb) : B.CreateFCmpOLT(fa, fb);
	Value *r = B.CreateSelect(pick_a, a, b);
	Value *r_eq = is_max ? B.CreateSelect(neg_a, b, a) : B.CreateSelect(neg_a, a, b);
	r = B.CreateSelect(eq, r_eq, r);
	r = B.CreateSelect(bnan, a, r);
	Value *qnan = splat(B.getInt32(0x7fc00000u));
	return B.CreateSelect(anan, B.CreateSelect(bnan, qnan, b), r);
}

// The lane semantics of the 32-bit VALU instructions translated inline (valu.cpp is the
// reference); null when the instruction is left to the interpreter's semantics.
Value *Emitter::valu_op(uint16_t op, Value *a, Value *b, Value *c, Value *s3, bool *is_cmp)
{
	auto sh = [&](Value *x) { return B.CreateAnd(x, splat(B.getInt32(31))); };
	auto mulhi = [&](bool sign) {
		Type *w = FixedVectorType::get(i64, kLanes);
		Value *x = sign ? B.CreateSExt(a, w) : B.CreateZExt(a, w);
		Value *y = sign ? B.CreateSExt(b, w) : B.CreateZExt(b, w);
		return B.CreateTrunc(B.CreateLShr(B.CreateMul(x, y), ConstantInt::get(w, 32)), v32);
	};
	auto u = [&](Intrinsic::ID id, Value *x) { return B.CreateUnaryIntrinsic(id, x); };
	auto fb = [&](Value *x) { return B.CreateBitCast(x, f32v); };
	*is_cmp = false;
	switch (op) {
	case MICA_OP_V_MOV_B32: return a;
	case MICA_OP_V_ADD_U32: return B.CreateAdd(a, b);
	case MICA_OP_V_SUB_U32: return B.CreateSub(a, b);
	case MICA_OP_V_MUL_LO_U32: return B.CreateMul(a, b);
	case MICA_OP_V_MUL_HI_U32: return mulhi(false);
	case MICA_OP_V_MUL_HI_I32: return mulhi(true);
	case MICA_OP_V_MAD_U32: return B.CreateAdd(B.CreateMul(a, b), c);
	case MICA_OP_V_MIN_I32: return B.CreateSelect(B.CreateICmpSLT(a, b), a, b);
	case MICA_OP_V_MAX_I32: return B.CreateSelect(B.CreateICmpSGT(a, b), a, b);
	case MICA_OP_V_MIN_U32: return B.CreateSelect(B.CreateICmpULT(b, a), b, a);
	case MICA_OP_V_MAX_U32: return B.CreateSelect(B.CreateICmpULT(a, b), b, a);
	case MICA_OP_V_AND_B32: return B.CreateAnd(a, b);
	case MICA_OP_V_OR_B32: return B.CreateOr(a, b);
	case MICA_OP_V_XOR_B32: return B.CreateXor(a, b);
	case MICA_OP_V_NOT_B32: return B.CreateNot(a);
	case MICA_OP_V_SHL_B32: return B.CreateShl(a, sh(b));
	case MICA_OP_V_SHR_U32: return B.CreateLShr(a, sh(b));
	case MICA_OP_V_SHR_I32: return B.CreateAShr(a, sh(b));
	case MICA_OP_V_BCNT_U32: return u(Intrinsic::ctpop, a);
	case MICA_OP_V_CLZ_U32: return B.CreateBinaryIntrinsic(Intrinsic::ctlz, a, B.getFalse());
	case MICA_OP_V_CTZ_U32: return B.CreateBinaryIntrinsic(Intrinsic::cttz, a, B.getFalse());
	case MICA_OP_V_BREV_B32: return u(Intrinsic::bitreverse, a);
	case MICA_OP_V_BFI_B32: return B.CreateOr(B.CreateAnd(a, b), B.CreateAnd(B.CreateNot(a), c));
	case MICA_OP_V_CNDMASK_B32: return B.CreateSelect(B.CreateBitCast(s3, m32), b, a);
	case MICA_OP_V_ADD_F32: return fbin(Instruction::FAdd, a, b);
	case MICA_OP_V_SUB_F32: return fbin(Instruction::FSub, a, b);
	case MICA_OP_V_MUL_F32: return fbin(Instruction::FMul, a, b);
	case MICA_OP_V_FMA_F32:
		return B.CreateBitCast(B.CreateIntrinsic(Intrinsic::fma, {f32v}, {fb(a), fb(b), fb(c)}), v32);
	case MICA_OP_V_MIN_F32: return minmax_num(a, b, false);
	case MICA_OP_V_MAX_F32: return minmax_num(a, b, true);
	case MICA_OP_V_FLOOR_F32: return funary(Intrinsic::floor, a);
	case MICA_OP_V_CEIL_F32: return funary(Intrinsic::ceil, a);
	case MICA_OP_V_TRUNC_F32: return funary(Intrinsic::trunc, a);
	case MICA_OP_V_RNDNE_F32: return funary(Intrinsic::nearbyint, a);
	case MICA_OP_V_SQRT_F32: return funary(Intrinsic::sqrt, a);
	case MICA_OP_V_RCP_F32:
		return B.CreateBitCast(B.CreateFDiv(ConstantFP::get(f32v, 1.0), fb(a)), v32);
	case MICA_OP_V_CVT_F32_I32: return B.CreateBitCast(B.CreateSIToFP(a, f32v), v32);
	case MICA_OP_V_CVT_F32_U32: return B.CreateBitCast(B.CreateUIToFP(a, f32v), v32);
	case MICA_OP_V_CVT_I32_F32: return B.CreateIntrinsic(Intrinsic::fptosi_sat, {v32, f32v}, {fb(a)});
	case MICA_OP_V_CVT_U32_F32: return B.CreateIntrinsic(Intrinsic::fptoui_sat, {v32, f32v}, {fb(a)});
	default: break;
	}
	*is_cmp = true;
	switch (op) {
	case MICA_OP_V_CMP_EQ_F32: return fcmp(CmpInst::FCMP_OEQ, a, b);
	case MICA_OP_V_CMP_LG_F32: return fcmp(CmpInst::FCMP_ONE, a, b);
	case MICA_OP_V_CMP_LT_F32: return fcmp(CmpInst::FCMP_OLT, a, b);
	case MICA_OP_V_CMP_LE_F32: return fcmp(CmpInst::FCMP_OLE, a, b);
	case MICA_OP_V_CMP_GT_F32: return fcmp(CmpInst::FCMP_OGT, a, b);
	case MICA_OP_V_CMP_GE_F32: return fcmp(CmpInst::FCMP_OGE, a, b);
	case MICA_OP_V_CMP_O_F32: return fcmp(CmpInst::FCMP_ORD, a, b);
	case MICA_OP_V_CMP_U_F32: return fcmp(CmpInst::FCMP_UNO, a, b);
	case MICA_OP_V_CMP_NLG_F32: return fcmp(CmpInst::FCMP_UEQ, a, b);
	case MICA_OP_V_CMP_NEQ_F32: return fcmp(CmpInst::FCMP_UNE, a, b);
	case MICA_OP_V_CMP_NGE_F32: return fcmp(CmpInst::FCMP_ULT, a, b);
	case MICA_OP_V_CMP_NGT_F32: return fcmp(CmpInst::FCMP_ULE, a, b);
	case MICA_OP_V_CMP_NLE_F32: return fcmp(CmpInst::FCMP_UGT, a, b);
	case MICA_OP_V_CMP_NLT_F32: return fcmp(CmpInst::FCMP_UGE, a, b);
	case MICA_OP_V_CMP_EQ_I32:
	case MICA_OP_V_CMP_EQ_U32: return B.CreateICmpEQ(a, b);
	case MICA_OP_V_CMP_NE_I32:
	case MICA_OP_V_CMP_NE_U32: return B.CreateICmpNE(a, b);
	case MICA_OP_V_CMP_LT_I32: return B.CreateICmpSLT(a, b);
	case MICA_OP_V_CMP_LE_I32: return B.CreateICmpSLE(a, b);
	case MICA_OP_V_CMP_GT_I32: return B.CreateICmpSGT(a, b);
	case MICA_OP_V_CMP_GE_I32: return B.CreateICmpSGE(a, b);
	case MICA_OP_V_CMP_LT_U32: return B.CreateICmpULT(a, b);
	case MICA_OP_V_CMP_LE_U32: return B.CreateICmpULE(a, b);
	case MICA_OP_V_CMP_GT_U32: return B.CreateICmpUGT(a, b);
	case MICA_OP_V_CMP_GE_U32: return B.CreateICmpUGE(a, b);
	default: return nullptr;
	}
}

bool Emitter::emit_valu(uint64_t off, const DecodedInst *d)
{
	(void)off;
	const unsigned dkind = d->info->kind[0];
	if (d->opnd[0] == MICA_OPND_NONE || (dkind != MICA_KIND_VD && dkind != MICA_KIND_MD))
		return false;
	// Only 32-bit lane operands (and a scalar mask in column 3 for v_cndmask) are inline.
	for (unsigned col = 1; col < 4; col++) {
		unsigned k = d->info->kind[col];
		if (k == MICA_KIND_UNUSED || k == MICA_KIND_V32 || k == MICA_KIND_VR32)
			continue;
		if (k == MICA_KIND_MASK && d->op == MICA_OP_V_CNDMASK_B32 && col == 3)
			continue;
		return false;
	}
	{
		// Probe whether the op has inline semantics before emitting any code.
		bool cmp;
		Value *z = UndefValue::get(v32);
		BasicBlock *probe = BasicBlock::Create(C, "probe", F);
		IRBuilderBase::InsertPointGuard g(B);
		B.SetInsertPoint(probe);
		Value *r = valu_op(d->op, z, z, z, B.getInt32(0), &cmp);
		probe->eraseFromParent();
		if (!r || (cmp != (dkind == MICA_KIND_MD)))
			return false;
	}
	if (lane_calls_)
		return emit_valu_calls(d);
	const bool noexec = d->flags & MICA_OPF_NOEXEC;
	Value *exec = read_s(MICA_OPND_EXEC, kVector);
	Value *active = noexec ? B.getInt32(~0u) : exec;
	Value *src[4] = {nullptr, nullptr, nullptr, nullptr};
	Value *s3 = B.getInt32(0);
	for (unsigned col = 1; col < 4; col++) {
		const unsigned kind = d->info->kind[col], raw = d->opnd[col];
		if (kind == MICA_KIND_UNUSED) {
			src[col] = Constant::getNullValue(v32);
			continue;
		}
		if (kind == MICA_KIND_MASK) {
			s3 = d->src[col] == Src::Const ? B.getInt32(static_cast<uint32_t>(d->k[col])) : read_s(raw, kVector);
			src[col] = Constant::getNullValue(v32);
			continue;
		}
		switch (d->src[col]) {
		case Src::Vgpr: src[col] = read_v(raw); break;
		case Src::LaneId: {
			std::vector<Constant *> ids;
			for (unsigned i = 0; i < kLanes; i++)
				ids.push_back(B.getInt32(i));
			src[col] = ConstantVector::get(ids);
			break;
		}
		case Src::Const: src[col] = splat(B.getInt32(static_cast<uint32_t>(d->k[col]))); break;
		default: src[col] = splat(read_s(raw, kVector)); break;
		}
	}
	const unsigned dst = d->opnd[0];
	Value *keep = writable(dst);
	count_instruction(*d); // after the operand test: a stale operand hands the whole instruction over
	// lane_instructions += popcount(active)
	Value *pc = B.CreateZExt(B.CreateUnaryIntrinsic(Intrinsic::ctpop, active), i64);
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, lane_p_), pc), lane_p_);
	bool cmp;
	Value *r = valu_op(d->op, src[1], src[2], src[3], s3, &cmp);
	if (dkind == MICA_KIND_VD) {
		write_v(dst, r, B.CreateBitCast(active, m32), keep, d);
	} else {
		Value *mask = B.CreateAnd(B.CreateBitCast(r, i32), active);
		write_s(dst, mask, keep, d);
	}
	set_cycle(B.CreateAdd(cycle(), B.getInt64(1)));
	++inline_count;
	return true;
}

// Level 0's VALU instruction: the same operand tests, counters and pipeline records as
// emit_valu, the lanes in one call (lanes.h). Operands go as row pointers: a VGPR's row in the
// wave, the lane-id row, a constant row made at translation time, or a scalar splatted into a
// row of the frame.
bool Emitter::emit_valu_calls(const DecodedInst *d)
{
	const unsigned dkind = d->info->kind[0];
	VdLanes vd = dkind == MICA_KIND_VD ? vd_lanes(d->op) : nullptr;
	MdLanes md = dkind == MICA_KIND_MD ? md_lanes(d->op) : nullptr;
	if (!vd && !md)
		return false;
	const bool noexec = d->flags & MICA_OPF_NOEXEC;
	Value *exec = read_s(MICA_OPND_EXEC, kVector);
	Value *active = noexec ? B.getInt32(~0u) : exec;
	Value *src[4] = {nullptr, nullptr, nullptr, nullptr};
	Value *s3 = B.getInt32(0);
	for (unsigned col = 1; col < 4; col++) {
		const unsigned kind = d->info->kind[col], raw = d->opnd[col];
		src[col] = row_const(lane_id_row()); // unused columns: any readable row
		if (kind == MICA_KIND_UNUSED)
			continue;
		if (kind == MICA_KIND_MASK) {
			s3 = d->src[col] == Src::Const ? B.getInt32(static_cast<uint32_t>(d->k[col])) : read_s(raw, kVector);
			continue;
		}
		switch (d->src[col]) {
		case Src::Vgpr:
			fresh(raw, kVector);
			src[col] = vrow_ptr(raw, false);
			break;
		case Src::LaneId: break;
		case Src::Const: {
			prog_.rows.push_back(std::make_unique<CompiledProgram::ConstRow>());
			std::fill(std::begin(prog_.rows.back()->l), std::end(prog_.rows.back()->l), static_cast<uint32_t>(d->k[col]));
			src[col] = row_const(prog_.rows.back()->l);
			break;
		}
		default: {
			Value *v = read_s(raw, kVector);
			if (!splat_buf_[col])
				splat_buf_[col] = entry_alloca(sizeof(Row));
			call(ft_splat, fn_ptr(B, &splat_row), {splat_buf_[col], v});
			src[col] = splat_buf_[col];
			break;
		}
		}
	}
	const unsigned dst = d->opnd[0];
	writable(dst);
	count_instruction(*d); // after the operand test: a stale operand hands the whole instruction over
	if (vd) {
		const bool delayed = emit_record(dst, d);
		Value *prev = delayed ? vrow_ptr(dst, true) : ConstantPointerNull::get(cast<PointerType>(ptr));
		call(ft_vd, fn_ptr(B, vd), {vrow_ptr(dst, false), prev, src[1], src[2], src[3], active, s3, lane_home_});
	} else {
		Value *bits = call(ft_md, fn_ptr(B, md), {src[1], src[2], active, lane_home_});
		write_s(dst, bits, B.getTrue(), d);
	}
	set_cycle(B.CreateAdd(cycle(), B.getInt64(1)));
	++inline_count;
	return true;
}

// Whether a scalar operation has inline semantics (salu.cpp is the reference).
bool salu_inline(uint16_t op)
{
	switch (op) {
	case MICA_OP_S_MOV_B32: case MICA_OP_S_ADD_U32: case MICA_OP_S_SUB_U32: case MICA_OP_S_MUL_U32:
	case MICA_OP_S_AND_B32: case MICA_OP_S_OR_B32: case MICA_OP_S_XOR_B32: case MICA_OP_S_ANDN2_B32:
	case MICA_OP_S_ORN2_B32: case MICA_OP_S_NOT_B32: case MICA_OP_S_SHL_B32: case MICA_OP_S_SHR_U32:
	case MICA_OP_S_SHR_I32: case MICA_OP_S_MIN_I32: case MICA_OP_S_MAX_I32: case MICA_OP_S_MIN_U32:
	case MICA_OP_S_MAX_U32: case MICA_OP_S_CMP_EQ_U32: case MICA_OP_S_CMP_NE_U32: case MICA_OP_S_CMP_LT_I32:
	case MICA_OP_S_CMP_LE_I32: case MICA_OP_S_CMP_GT_I32: case MICA_OP_S_CMP_GE_I32: case MICA_OP_S_CMP_LT_U32:
	case MICA_OP_S_CMP_LE_U32: case MICA_OP_S_CMP_GT_U32: case MICA_OP_S_CMP_GE_U32:
	case MICA_OP_S_MOV_B64: case MICA_OP_S_BCNT1_B32: case MICA_OP_S_FF1_B32: case MICA_OP_S_FLBIT_B32:
	case MICA_OP_S_CSELECT_B32: case MICA_OP_S_CSELECT_B64: case MICA_OP_S_ADD_U64: case MICA_OP_S_MUL_U64:
	case MICA_OP_S_AND_SAVEEXEC_B32: case MICA_OP_S_BFE_U32: case MICA_OP_S_CMP_EQ_U64: case MICA_OP_S_CMP_NE_U64:
		return true;
	default:
		return false;
	}
}

// Worker::exec_salu inline: the same operand reads and WAW tests in the same order (sources,
// the old EXEC of s_and_saveexec, SCC of s_cselect, destinations, EXEC), then the same writes in
// the same order (destination low and high halves, EXEC, SCC).
bool Emitter::emit_salu(const DecodedInst *d)
{
	if (!salu_inline(d->op))
		return false;
	const unsigned dst = d->opnd[0];
	const unsigned dregs = dst == MICA_OPND_NONE ? 0 : mica_kind_table[d->info->kind[0]].regs;
	if (dregs > 2)
		return false;
	for (unsigned col = 1; col < 4; col++) {
		const unsigned kind = d->info->kind[col];
		if (kind == MICA_KIND_UNUSED)
			continue;
		if (mica_kind_table[kind].regs > 2 || (d->src[col] != Src::Const && d->src[col] != Src::Sreg))
			return false;
	}
	Value *src[4] = {B.getInt64(0), B.getInt64(0), B.getInt64(0), B.getInt64(0)};
	for (unsigned col = 1; col < 4; col++) {
		const unsigned kind = d->info->kind[col];
		if (kind == MICA_KIND_UNUSED)
			continue;
		if (d->src[col] == Src::Const) {
			src[col] = B.getInt64(d->k[col]);
		} else if (mica_kind_table[kind].regs == 2) {
			Value *lo = read_s(d->opnd[col], kScalar), *hi = read_s(d->opnd[col] + 1u, kScalar);
			src[col] = B.CreateOr(B.CreateZExt(lo, i64), B.CreateShl(B.CreateZExt(hi, i64), 32));
		} else {
			src[col] = B.CreateZExt(read_s(d->opnd[col], kScalar), i64);
		}
	}
	const bool writes_exec = d->flags & MICA_OPF_WEXEC;
	Value *old_exec = writes_exec ? read_s(MICA_OPND_EXEC, kScalar) : nullptr;
	Value *scc_in = (d->flags & MICA_OPF_RSCC) ? read_s(MICA_OPND_SCC, kScalar) : nullptr;
	for (unsigned r = 0; r < dregs; r++)
		writable(dst + r); // true from here on: the operand test hands a stale one to the interpreter
	if (writes_exec)
		writable(MICA_OPND_EXEC);
	count_instruction(*d);
	Value *a = B.CreateTrunc(src[1], i32), *b = B.CreateTrunc(src[2], i32), *c = B.CreateTrunc(src[3], i32);
	Value *a64 = src[1], *b64 = src[2];
	Value *r = nullptr, *scc = nullptr; // r: i32, or i64 for a two-register destination
	auto nz = [&](Value *x) { return B.CreateICmpNE(x, ConstantInt::get(x->getType(), 0)); };
	auto sh = [&](Value *x) { return B.CreateAnd(x, B.getInt32(31)); };
	switch (d->op) {
	case MICA_OP_S_MOV_B32: r = a; break;
	case MICA_OP_S_MOV_B64: r = a64; break;
	case MICA_OP_S_ADD_U32: r = B.CreateAdd(a, b); scc = B.CreateICmpULT(r, a); break;
	case MICA_OP_S_SUB_U32: r = B.CreateSub(a, b); scc = B.CreateICmpUGT(b, a); break;
	case MICA_OP_S_MUL_U32: r = B.CreateMul(a, b); break;
	case MICA_OP_S_AND_B32: r = B.CreateAnd(a, b); scc = nz(r); break;
	case MICA_OP_S_OR_B32: r = B.CreateOr(a, b); scc = nz(r); break;
	case MICA_OP_S_XOR_B32: r = B.CreateXor(a, b); scc = nz(r); break;
	case MICA_OP_S_ANDN2_B32: r = B.CreateAnd(a, B.CreateNot(b)); scc = nz(r); break;
	case MICA_OP_S_ORN2_B32: r = B.CreateOr(a, B.CreateNot(b)); scc = nz(r); break;
	case MICA_OP_S_NOT_B32: r = B.CreateNot(a); scc = nz(r); break;
	case MICA_OP_S_SHL_B32: r = B.CreateShl(a, sh(b)); scc = nz(r); break;
	case MICA_OP_S_SHR_U32: r = B.CreateLShr(a, sh(b)); scc = nz(r); break;
	case MICA_OP_S_SHR_I32: r = B.CreateAShr(a, sh(b)); scc = nz(r); break;
	case MICA_OP_S_MIN_I32: r = B.CreateSelect(B.CreateICmpSLT(a, b), a, b); break;
	case MICA_OP_S_MAX_I32: r = B.CreateSelect(B.CreateICmpSGT(a, b), a, b); break;
	case MICA_OP_S_MIN_U32: r = B.CreateSelect(B.CreateICmpULT(b, a), b, a); break;
	case MICA_OP_S_MAX_U32: r = B.CreateSelect(B.CreateICmpULT(a, b), b, a); break;
	case MICA_OP_S_BCNT1_B32: r = B.CreateUnaryIntrinsic(Intrinsic::ctpop, a); scc = nz(r); break;
	case MICA_OP_S_FF1_B32:
		r = B.CreateSelect(nz(a), B.CreateBinaryIntrinsic(Intrinsic::cttz, a, B.getFalse()), B.getInt32(~0u));
		break;
	case MICA_OP_S_FLBIT_B32:
		r = B.CreateSelect(nz(a), B.CreateBinaryIntrinsic(Intrinsic::ctlz, a, B.getFalse()), B.getInt32(~0u));
		break;
	case MICA_OP_S_CSELECT_B32: r = B.CreateSelect(nz(scc_in), a, b); break;
	case MICA_OP_S_CSELECT_B64: r = B.CreateSelect(nz(scc_in), a64, b64); break;
	case MICA_OP_S_ADD_U64: r = B.CreateAdd(a64, b64); break;
	case MICA_OP_S_MUL_U64: r = B.CreateMul(a64, b64); break;
	case MICA_OP_S_AND_SAVEEXEC_B32: r = old_exec; break;
	case MICA_OP_S_BFE_U32: {
		// ops::bfe_u32: offset and width mod 32; width 0 gives 0; a field past bit 31 is cut.
		Value *o = sh(b), *wd = sh(c);
		Value *inside = B.CreateICmpULT(B.CreateAdd(o, wd), B.getInt32(32));
		Value *field = B.CreateLShr(B.CreateShl(a, sh(B.CreateSub(B.CreateSub(B.getInt32(32), o), wd))),
		                            sh(B.CreateSub(B.getInt32(32), wd)));
		r = B.CreateSelect(nz(wd), B.CreateSelect(inside, field, B.CreateLShr(a, o)), B.getInt32(0));
		break;
	}
	case MICA_OP_S_CMP_EQ_U32: scc = B.CreateICmpEQ(a, b); break;
	case MICA_OP_S_CMP_NE_U32: scc = B.CreateICmpNE(a, b); break;
	case MICA_OP_S_CMP_LT_I32: scc = B.CreateICmpSLT(a, b); break;
	case MICA_OP_S_CMP_LE_I32: scc = B.CreateICmpSLE(a, b); break;
	case MICA_OP_S_CMP_GT_I32: scc = B.CreateICmpSGT(a, b); break;
	case MICA_OP_S_CMP_GE_I32: scc = B.CreateICmpSGE(a, b); break;
	case MICA_OP_S_CMP_LT_U32: scc = B.CreateICmpULT(a, b); break;
	case MICA_OP_S_CMP_LE_U32: scc = B.CreateICmpULE(a, b); break;
	case MICA_OP_S_CMP_GT_U32: scc = B.CreateICmpUGT(a, b); break;
	case MICA_OP_S_CMP_GE_U32: scc = B.CreateICmpUGE(a, b); break;
	case MICA_OP_S_CMP_EQ_U64: scc = B.CreateICmpEQ(a64, b64); break;
	case MICA_OP_S_CMP_NE_U64: scc = B.CreateICmpNE(a64, b64); break;
	default: break;
	}
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, lane_p_), B.getInt64(1)), lane_p_);
	Value *t = B.getTrue();
	if (dregs && r) {
		Value *r64 = r->getType() == i64 ? r : B.CreateZExt(r, i64);
		write_s(dst, B.CreateTrunc(r64, i32), t, d);
		if (dregs == 2)
			write_s(dst + 1u, B.CreateTrunc(B.CreateLShr(r64, 32), i32), t, d);
	}
	if (writes_exec) {
		// s_and_saveexec: dst = old EXEC (written first), EXEC &= src0, SCC = EXEC != 0.
		Value *nexec = B.CreateAnd(a, old_exec);
		write_s(MICA_OPND_EXEC, nexec, t, d);
		scc = nz(nexec);
	}
	if (scc)
		write_s(MICA_OPND_SCC, B.CreateZExt(scc, i32), t, d);
	set_cycle(B.CreateAdd(cycle(), B.getInt64(1)));
	++inline_count;
	return true;
}

// Worker::wait_counters(gm, ls) and the issue cycle: the cycle moves to the completion of the
// newest operation each counter must wait for (or the next cycle), the wait counts as stall.
void Emitter::emit_wait(uint32_t gm, uint32_t ls)
{
	const uint32_t want[3] = {MICA_WAITCNT_NOWAIT, gm, ls};
	Value *now_waited[3] = {nullptr, nullptr, nullptr};
	Value *cyc = cycle();
	Value *nxt = B.CreateAdd(cyc, B.getInt64(1));
	for (unsigned c = MICA_COUNTER_GM; c <= MICA_COUNTER_LS; c++) {
		if (want[c] >= MICA_WAITCNT_NOWAIT)
			continue;
		const uint64_t ctr = offsetof(Wave, ctr) + c * sizeof(MemCounter);
		Value *issued = B.CreateLoad(i32, at(wave_, ctr + offsetof(MemCounter, issued)));
		Value *must = B.CreateICmpUGT(issued, B.getInt32(want[c]));
		Value *seq = B.CreateSub(issued, B.getInt32(want[c] + 1));
		Value *t = B.CreateLoad(i64, B.CreateGEP(i64, at(wave_, ctr + offsetof(MemCounter, done)),
		                                         B.CreateZExt(B.CreateURem(seq, B.getInt32(64)), i64)));
		nxt = B.CreateSelect(B.CreateAnd(must, B.CreateICmpUGT(t, nxt)), t, nxt);
		Value *wp = at(wave_, ctr + offsetof(MemCounter, waited));
		Value *waited = B.CreateLoad(i32, wp), *upto = B.CreateAdd(seq, B.getInt32(1));
		waited = B.CreateSelect(B.CreateAnd(must, B.CreateICmpUGT(upto, waited)), upto, waited);
		B.CreateStore(waited, wp);
		now_waited[c] = waited;
	}
	Value *sp = at(wave_, offsetof(Wave, stall));
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, sp), B.CreateSub(nxt, B.CreateAdd(cyc, B.getInt64(1)))), sp);
	set_cycle(nxt); // the interpreter sets next - 1 and adds the issue cycle
	for (unsigned c = MICA_COUNTER_GM; c <= MICA_COUNTER_LS; c++) {
		if (!now_waited[c])
			continue;
		// The walk's access counts (count_pending) say which loads this wait covers on the
		// run the wave came by: a load with fewer than want[c] accesses on its counter after it
		// is not covered yet (no test: it stays pending for a later wait), one with at least
		// want[c] is (tested once, here: a later wait would find its record cleared, or no
		// longer that load's). Testing fewer registers than the interpreter would clear is
		// safe whatever path a wave takes: a clear not made here is made by the slow path at
		// the register's next use (checks_ok), as for any register the walk missed. SGEMM's
		// 16 loads in flight and s_waitcnt ls(14) tested 16 registers at each wait for the 2 it
		// covers (docs/performance.md, "Machine code per device instruction").
		// (At a wait for 0 every load on the counter is covered, whatever the path.)
		auto covered = [&](const PendingLoad &p) { return want[c] == 0 || (p.after != kUnknownAfter && p.after >= want[c]); };
		for (const PendingLoad &p : pending_[c])
			if (!hazard_free_ && (p.after == kUnknownAfter || covered(p)))
				emit_clear_waited(p.reg, c, now_waited[c]);
		pending_[c].erase(std::remove_if(pending_[c].begin(), pending_[c].end(), covered), pending_[c].end());
	}
}

// What Worker::fresh_slow / write_slow do at the first access of a load result whose load a
// wait has covered (clear_mem, hazards.cpp), done by the wait itself for a register the walk
// saw loaded before it (pending_), so that access passes the inline guard test instead of
// calling Runtime::checks_ok. The same thing, earlier: once covered, a record stays covered
// (waited only grows until the wave ends), the slow paths would clear it without a violation,
// and the cycle is already past its vis (the wait moved it to the completion of the newest
// covered load; completions grow with the sequence number), so every later test of the
// register answers as it would have. A register the walk missed (a load in another block,
// a wait the interpreter executed) is cleared by the slow path as before.
void Emitter::emit_clear_waited(uint16_t reg, unsigned counter, Value *waited)
{
	const uint64_t m = offsetof(Wave, meta) + uint64_t(reg) * sizeof(RegMeta);
	Value *ctr = B.CreateZExt(B.CreateLoad(i8, at(wave_, m + offsetof(RegMeta, mem_ctr))), i32);
	Value *seq = B.CreateLoad(i32, at(wave_, m + offsetof(RegMeta, mem_seq)));
	// One compare right before the branch (the fast instruction selector's rule, emit_branch).
	Value *other = B.CreateOr(B.CreateXor(ctr, B.getInt32(counter)), B.CreateZExt(B.CreateICmpUGE(seq, waited), i32));
	BasicBlock *clr = BasicBlock::Create(C, "clear_waited", F), *next = BasicBlock::Create(C, "cleared", F);
	B.CreateCondBr(B.CreateICmpEQ(other, B.getInt32(0)), clr, next);
	B.SetInsertPoint(clr);
	// In the shape emit_mem_record stores vis in (vis[0], then vis[1..2] together).
	Type *v2 = FixedVectorType::get(i64, 2);
	B.CreateStore(B.CreateLoad(i64, at(wave_, m + offsetof(RegMeta, vis))), at(wave_, m + offsetof(RegMeta, guard)));
	B.CreateAlignedStore(B.CreateAlignedLoad(v2, at(wave_, m + offsetof(RegMeta, vis) + 8u), Align(8)),
	                     at(wave_, m + offsetof(RegMeta, guard) + 8u), Align(8));
	B.CreateStore(B.getInt64(0), at(wave_, m + offsetof(RegMeta, guard) + kWrite * 8u));
	B.CreateStore(B.getInt8(0), at(wave_, m + offsetof(RegMeta, mem_ctr)));
	B.CreateBr(next);
	B.SetInsertPoint(next);
}

// The walk's record of load results (see emit_clear_waited): the destinations of a load on
// 'counter', most recent last, at most kPendingMax per counter (a wait clears at most those).
void Emitter::note_load(const DecodedInst *d)
{
	if (!(d->flags & (MICA_OPF_LOAD | MICA_OPF_ATOMIC)) || (d->flags & MICA_OPF_IMAGE) || d->opnd[0] == MICA_OPND_NONE ||
	    d->info->kind[0] == MICA_KIND_UNUSED)
		return;
	const unsigned counter = d->unit == MICA_UNIT_VMEM ? MICA_COUNTER_GM
	                       : d->unit == MICA_UNIT_LDS || d->unit == MICA_UNIT_SMEM ? MICA_COUNTER_LS : 0;
	if (!counter)
		return;
	for (unsigned k = 0; k < mica_kind_table[d->info->kind[0]].regs; k++) {
		const uint16_t reg = static_cast<uint16_t>(d->opnd[0] + k);
		for (auto &p : pending_)
			p.erase(std::remove_if(p.begin(), p.end(), [&](const PendingLoad &l) { return l.reg == reg; }), p.end());
		pending_[counter].push_back({reg, 0});
		if (pending_[counter].size() > kPendingMax)
			pending_[counter].erase(pending_[counter].begin());
	}
}

// Before the instruction at 'off' is emitted: where the fall-through run breaks (a branch target,
// or not the previous instruction's successor) the pending loads' access counts are unknown;
// else an access on a counter adds one to its loads' (a shared or global instruction but an
// image one, a scalar load on LS: each issues one, in order; image instructions are not
// counted, so the count is a lower bound).
void Emitter::count_pending(uint64_t off, const CodeSlot &slot)
{
	if (off != pend_next_ || targets_.count(off))
		for (auto &list : pending_)
			for (PendingLoad &p : list)
				p.after = kUnknownAfter;
	if (slot.state != SlotState::Ok) {
		pend_next_ = ~0ull;
		return;
	}
	const DecodedInst &d = slot.inst;
	pend_next_ = off + d.words * uint64_t(MICA_INSTRUCTION_BYTES);
	const bool smem_load = d.unit == MICA_UNIT_SMEM && (d.flags & MICA_OPF_LOAD);
	if (d.info->format != MICA_FMT_MEM || (d.flags & MICA_OPF_IMAGE) ||
	    (d.unit != MICA_UNIT_LDS && d.unit != MICA_UNIT_VMEM && !smem_load))
		return;
	for (PendingLoad &p : pending_[d.unit == MICA_UNIT_VMEM ? MICA_COUNTER_GM : MICA_COUNTER_LS])
		if (p.after != kUnknownAfter)
			p.after++;
}

bool Emitter::emit_branch(uint64_t off, const DecodedInst *d)
{
	const uint64_t next = off + MICA_INSTRUCTION_BYTES;
	const uint64_t target = branch_target(off, *d);
	switch (d->op) {
	case MICA_OP_S_NOP:
		line_alu_ = true; // moves the cycle on, touches no record
		count_instruction(*d);
		set_cycle(B.CreateAdd(cycle(), B.getInt64(uint64_t(static_cast<uint32_t>(d->imm)) + 1)));
		goto_off(next);
		return true;
	case MICA_OP_S_WAITCNT: {
		count_instruction(*d);
		const uint32_t imm = static_cast<uint32_t>(d->imm), mask = (1u << MICA_WAITCNT_BITS) - 1;
		emit_wait((imm >> MICA_WAITCNT_GM_SHIFT) & mask, (imm >> MICA_WAITCNT_LS_SHIFT) & mask);
		goto_off(next);
		return true;
	}
	case MICA_OP_S_FENCE:
		// All of this wave's memory operations complete; device and system scopes also order
		// the host threads that run other compute units (control.cpp).
		count_instruction(*d);
		emit_wait(0, 0);
		if (static_cast<uint32_t>(d->imm) != MICA_SCOPE_WORKGROUP)
			B.CreateFence(AtomicOrdering::SequentiallyConsistent);
		goto_off(next);
		return true;
	case MICA_OP_S_ENDPGM:
		// The wave ends one cycle later; the scheduler retires it (Worker::run_workgroup), or in
		// a wave chain Runtime::chain_next retires it and launches the next wave here.
		count_instruction(*d);
		set_cycle(B.CreateAdd(cycle(), B.getInt64(1)));
		if (chain_restart_) {
			Value *chain = B.CreateLoad(i32, at(frame_, offsetof(Frame, chain)));
			BasicBlock *next_wave = BasicBlock::Create(C, "chain_next", F), *ended = BasicBlock::Create(C, "ended", F);
			B.CreateCondBr(B.CreateICmpNE(chain, B.getInt32(0)), next_wave, ended, MDBuilder(C).createBranchWeights(64, 1));
			B.SetInsertPoint(next_wave);
			Value *launched = call(ft_chain_, fn_ptr(B, &Runtime::chain_next), {worker_});
			B.CreateCondBr(B.CreateICmpNE(launched, B.getInt32(0)), chain_restart_, ended, MDBuilder(C).createBranchWeights(64, 1));
			B.SetInsertPoint(ended);
		}
		exit_at(Exit::Ended, next);
		return true;
	case MICA_OP_S_BARRIER:
		// A wave switch: the scheduler releases the wave at the barrier's cycle and re-enters
		// the translated code at the next instruction; at level 1 the code itself goes on to
		// the round's next wave when there is one (emit_barrier_switch).
		count_instruction(*d);
		if (!level0_)
			emit_barrier_switch(next);
		exit_at(Exit::Barrier, next);
		return true;
	case MICA_OP_S_BRANCH:
		count_instruction(*d);
		set_cycle(B.CreateAdd(cycle(), B.getInt64(1)));
		goto_off(target);
		return true;
	case MICA_OP_S_CBRANCH_SCC0:
	case MICA_OP_S_CBRANCH_SCC1:
	case MICA_OP_S_CBRANCH_VCCZ:
	case MICA_OP_S_CBRANCH_VCCNZ:
	case MICA_OP_S_CBRANCH_EXECZ:
	case MICA_OP_S_CBRANCH_EXECNZ: {
		unsigned reg = d->op <= MICA_OP_S_CBRANCH_SCC1 ? MICA_OPND_SCC
		             : d->op <= MICA_OP_S_CBRANCH_VCCNZ ? MICA_OPND_VCC : MICA_OPND_EXEC;
		bool zero_test = d->op == MICA_OP_S_CBRANCH_SCC0 || d->op == MICA_OP_S_CBRANCH_VCCZ ||
		                 d->op == MICA_OP_S_CBRANCH_EXECZ;
		Value *v = read_s(reg, kBranch);
		count_instruction(*d);
		set_cycle(B.CreateAdd(cycle(), B.getInt64(1)));
		// One compare right before the branch: the fast instruction selector folds it into the
		// branch (and takes no branch on an i1 computed earlier in the block).
		Value *taken = zero_test ? B.CreateICmpEQ(v, B.getInt32(0)) : B.CreateICmpNE(v, B.getInt32(0));
		BasicBlock *t = BasicBlock::Create(C, "taken", F), *nt = BasicBlock::Create(C, "not_taken", F);
		B.CreateCondBr(taken, t, nt);
		B.SetInsertPoint(t);
		goto_off(target);
		B.SetInsertPoint(nt);
		goto_off(next);
		return true;
	}
	default: return false;
	}
}

Value *Emitter::entry_alloca(uint64_t bytes)
{
	IRBuilderBase::InsertPointGuard g(B);
	B.SetInsertPoint(entry_, entry_->getFirstInsertionPt());
	AllocaInst *a = B.CreateAlloca(ArrayType::get(i8, bytes));
	a->setAlignment(Align(64));
	return a;
}

// The atomics run inline and the LLVM operation each is (memory.cpp's atomic_apply is the
// reference: host atomics, sequentially consistent, the old value returned). add_f32 stays with
// the interpreter: its NaN results depend on the operand order the host compiler chose.
enum class AtomicKind { None, Rmw, Cmpswap };
AtomicKind atomic_kind(uint16_t op, AtomicRMWInst::BinOp *bin = nullptr)
{
	AtomicRMWInst::BinOp b = AtomicRMWInst::BAD_BINOP;
	switch (op) {
#define A2(NAME, K) case MICA_OP_GLOBAL_ATOMIC_##NAME: case MICA_OP_DS_ATOMIC_##NAME: b = AtomicRMWInst::K; break;
	A2(ADD_U32, Add) A2(SUB_U32, Sub) A2(SMIN_I32, Min) A2(UMIN_U32, UMin) A2(SMAX_I32, Max) A2(UMAX_U32, UMax)
	A2(AND_B32, And) A2(OR_B32, Or) A2(XOR_B32, Xor) A2(SWAP_B32, Xchg)
	A2(ADD_U64, Add) A2(SUB_U64, Sub) A2(SMIN_I64, Min) A2(UMIN_U64, UMin) A2(SMAX_I64, Max) A2(UMAX_U64, UMax)
	A2(AND_B64, And) A2(OR_B64, Or) A2(XOR_B64, Xor) A2(SWAP_B64, Xchg)
#undef A2
	case MICA_OP_GLOBAL_ATOMIC_CMPSWAP_B32: case MICA_OP_DS_ATOMIC_CMPSWAP_B32:
	case MICA_OP_GLOBAL_ATOMIC_CMPSWAP_B64: case MICA_OP_DS_ATOMIC_CMPSWAP_B64:
		return AtomicKind::Cmpswap;
	default:
		return AtomicKind::None;
	}
	if (bin)
		*bin = b;
	return AtomicKind::Rmw;
}

// finish_vector_mem's atomic loop: lane after lane in lane order (the order decides what each
// lane gets back when lanes share a word), active lanes only, one host atomic each. A loop in the
// IR, not 32 copies: translation time grows with the IR. The loop visits the set bits of EXEC
// (lowest first) and reads each lane's pointer and operands from a stack copy made once before
// it: an element of a vector at a variable index made the code generator store the whole vectors
// (6 zmm registers for a 32-bit add) to the stack in every iteration, the histogram's main cost.
// res: the returned rows (1 or 2; the inactive lanes' values are undefined, the caller blends
// under EXEC).
void Emitter::emit_atomic_lanes(const DecodedInst *d, Value *ptrs, Value *exec, Value *const *data, Value **res)
{
	const unsigned size = d->info->mem_bytes;
	AtomicRMWInst::BinOp bin = AtomicRMWInst::BAD_BINOP;
	const bool cmpswap = atomic_kind(d->op, &bin) == AtomicKind::Cmpswap;
	Type *et = size == 8 ? i64 : i32;
	if (!buf_res_)
		buf_res_ = entry_alloca(2 * sizeof(Row));
	// The lanes' pointers, then the operand rows (value, then compare: up to 4 for a 64-bit
	// compare-and-swap).
	constexpr uint64_t kPtrBytes = kLanes * sizeof(void *);
	if (!buf_lanes_)
		buf_lanes_ = entry_alloca(kPtrBytes + 4 * sizeof(Row));
	B.CreateAlignedStore(ptrs, buf_lanes_, Align(64));
	const unsigned nrows = (size / 4) * (cmpswap ? 2 : 1);
	for (unsigned r = 0; r < nrows; r++)
		B.CreateAlignedStore(data[r], at(buf_lanes_, kPtrBytes + r * sizeof(Row)), Align(64));
	BasicBlock *pre = B.GetInsertBlock();
	BasicBlock *body = BasicBlock::Create(C, "atom_do", F), *post = BasicBlock::Create(C, "atom_done", F);
	B.CreateCondBr(B.CreateICmpNE(exec, B.getInt32(0)), body, post);
	B.SetInsertPoint(body);
	PHINode *left = B.CreatePHI(i32, 2); // the active lanes not yet done
	left->addIncoming(exec, pre);
	Value *lane = B.CreateZExt(B.CreateBinaryIntrinsic(Intrinsic::cttz, left, B.getTrue()), i64);
	Value *p = B.CreateAlignedLoad(ptr, B.CreateGEP(i8, buf_lanes_, B.CreateShl(lane, 3)), Align(8));
	auto lane_value = [&](unsigned row) -> Value * { // operand rows [row, row + size / 4) of this lane
		auto word = [&](unsigned r) {
			return B.CreateAlignedLoad(
				i32, B.CreateGEP(i8, buf_lanes_, B.CreateAdd(B.getInt64(kPtrBytes + r * sizeof(Row)), B.CreateShl(lane, 2))),
				Align(4));
		};
		Value *lo = word(row);
		if (size == 4)
			return lo;
		Value *hi = word(row + 1);
		return B.CreateOr(B.CreateZExt(lo, i64), B.CreateShl(B.CreateZExt(hi, i64), 32));
	};
	Value *v = lane_value(0), *old;
	if (d->unit == MICA_UNIT_LDS) {
		// Shared memory is the compute unit's, and every wave of a workgroup runs on the one host
		// thread that runs the unit: no other thread can touch the word between the read and
		// the write, so a plain read-modify-write is the same operation (and 5-10x cheaper than
		// a locked one; the histogram's four shared atomics per lane).
		old = B.CreateAlignedLoad(et, p, Align(size));
		Value *nv = nullptr;
		switch (cmpswap ? AtomicRMWInst::BAD_BINOP : bin) {
		case AtomicRMWInst::BAD_BINOP: nv = B.CreateSelect(B.CreateICmpEQ(old, lane_value(size / 4)), v, old); break;
		case AtomicRMWInst::Xchg: nv = v; break;
		case AtomicRMWInst::Add: nv = B.CreateAdd(old, v); break;
		case AtomicRMWInst::Sub: nv = B.CreateSub(old, v); break;
		case AtomicRMWInst::And: nv = B.CreateAnd(old, v); break;
		case AtomicRMWInst::Or: nv = B.CreateOr(old, v); break;
		case AtomicRMWInst::Xor: nv = B.CreateXor(old, v); break;
		case AtomicRMWInst::Min: nv = B.CreateSelect(B.CreateICmpSLT(old, v), old, v); break;
		case AtomicRMWInst::Max: nv = B.CreateSelect(B.CreateICmpSGT(old, v), old, v); break;
		case AtomicRMWInst::UMin: nv = B.CreateSelect(B.CreateICmpULT(old, v), old, v); break;
		case AtomicRMWInst::UMax: nv = B.CreateSelect(B.CreateICmpUGT(old, v), old, v); break;
		default: report_fatal_error("mica jit: an atomic operation without a plain form");
		}
		B.CreateAlignedStore(nv, p, Align(size));
	} else if (cmpswap) {
		Value *cmp = lane_value(size / 4);
		old = B.CreateExtractValue(B.CreateAtomicCmpXchg(p, cmp, v, MaybeAlign(size), AtomicOrdering::SequentiallyConsistent,
		                                                 AtomicOrdering::SequentiallyConsistent), 0);
	} else {
		old = B.CreateAtomicRMW(bin, p, v, MaybeAlign(size), AtomicOrdering::SequentiallyConsistent);
	}
	Value *slot = B.CreateShl(lane, 2);
	B.CreateStore(B.CreateTrunc(old, i32), B.CreateGEP(i8, buf_res_, slot));
	if (et == i64)
		B.CreateStore(B.CreateTrunc(B.CreateLShr(old, 32), i32), B.CreateGEP(i8, buf_res_, B.CreateAdd(slot, B.getInt64(sizeof(Row)))));
	Value *rest = B.CreateAnd(left, B.CreateSub(left, B.getInt32(1)));
	left->addIncoming(rest, B.GetInsertBlock());
	B.CreateCondBr(B.CreateICmpNE(rest, B.getInt32(0)), body, post);
	B.SetInsertPoint(post);
	res[0] = B.CreateAlignedLoad(v32, buf_res_, Align(64));
	if (et == i64)
		res[1] = B.CreateAlignedLoad(v32, at(buf_res_, sizeof(Row)), Align(64));
}

// The lanes of an inline load or store whose every active lane is known to lie in the page (or
// shared allocation) at host address 'base'. Three ways to touch them, each the same access as
// the interpreter's lane loop (only active lanes touch memory, every byte is in the page):
// - emit_block: the active lanes of each half-wave are contiguous (lane l at a_h + (l % 16) *
//   size: SAXPY's and SGEMM's rows, the reduction's shared-memory tree): one masked vector load
//   or store of 16 lanes per half from 'start[h]' (rows interleaved in memory, split or merged
//   with shuffles). A half's lanes are disjoint, so a store needs no order inside it; the lower
//   half first, so where the halves overlap the upper lanes' stores win, as in lane order.
// - emit_uniform (loads): one address per half-wave (SGEMM's shared `ta[ly][k]`): one load per
//   half, splatted (the caller blends under EXEC).
// - emit_scattered: a masked gather or scatter per dword row, at 'ptrs'.
// res: the loaded rows, widened to 32-bit lanes (1 for narrow loads).
Value *Emitter::widen_loaded(const DecodedInst *d, Value *g)
{
	const unsigned size = d->info->mem_bytes;
	const bool sign = d->op == MICA_OP_GLOBAL_LOAD_I8 || d->op == MICA_OP_GLOBAL_LOAD_I16 ||
	                  d->op == MICA_OP_DS_LOAD_I8 || d->op == MICA_OP_DS_LOAD_I16;
	return size >= 4 ? g : sign ? B.CreateSExt(g, v32) : B.CreateZExt(g, v32);
}

Type *Emitter::lane_type(const DecodedInst *d)
{
	const unsigned size = d->info->mem_bytes;
	return size == 1 ? i8 : size == 2 ? B.getInt16Ty() : i32;
}

Value *Emitter::half_of(Value *v, unsigned h)
{
	std::vector<int> pick;
	for (unsigned l = 0; l < kHalf; l++)
		pick.push_back(static_cast<int>(h * kHalf + l));
	return B.CreateShuffleVector(v, pick);
}

Value *Emitter::join_halves(Value *lo, Value *hi)
{
	std::vector<int> cat;
	for (unsigned l = 0; l < kLanes; l++)
		cat.push_back(static_cast<int>(l));
	return B.CreateShuffleVector(lo, hi, cat);
}

// MICA_CU_JIT_WHOLE_STORES=0: every block store masked (Emitter::store_half).
bool whole_block_stores()
{
	static const bool on = switched_on("MICA_CU_JIT_WHOLE_STORES");
	return on;
}

// MICA_CU_JIT_DS_ROWS=0: no shared block access before making a memo (ds_block_function).
bool ds_rows_without_memo()
{
	static const bool on = switched_on("MICA_CU_JIT_DS_ROWS");
	return on;
}

// MICA_CU_JIT_INLINE_ROWS=0: no inlined dense-row path for global accesses (global_dense_function).
bool inline_dense_rows()
{
	static const bool on = switched_on("MICA_CU_JIT_INLINE_ROWS");
	return on;
}

// A half-wave's block store: a plain store when all 16 lanes are active (every lane's bytes then
// lie in the page), else the masked store. A masked store costs this host (Zen 3) several times a
// plain one, and a later load of the bytes cannot take them from it in the store buffer; the
// blocks stored are nearly always whole (SGEMM's tiles, SAXPY's rows, the reduction's tree).
void Emitter::store_half(Value *v, Value *p, Value *mask, Value *hmask)
{
	if (!whole_block_stores()) {
		B.CreateMaskedStore(v, p, Align(1), mask);
		return;
	}
	Value *whole = B.CreateICmpEQ(B.CreateBitCast(hmask, B.getInt16Ty()), B.getInt16(0xffff));
	Function *fn = B.GetInsertBlock()->getParent(); // the program or an access function
	BasicBlock *plain = BasicBlock::Create(C, "store_whole", fn), *masked = BasicBlock::Create(C, "store_masked", fn);
	BasicBlock *done = BasicBlock::Create(C, "stored", fn);
	B.CreateCondBr(whole, plain, masked, MDBuilder(C).createBranchWeights(16, 1));
	B.SetInsertPoint(plain);
	B.CreateAlignedStore(v, p, Align(1));
	B.CreateBr(done);
	B.SetInsertPoint(masked);
	B.CreateMaskedStore(v, p, Align(1), mask);
	B.CreateBr(done);
	B.SetInsertPoint(done);
}

void Emitter::emit_block(const DecodedInst *d, Value *const start[2], Value *active, Value *const *data, Value **res)
{
	const unsigned size = d->info->mem_bytes;
	const bool load = d->flags & MICA_OPF_LOAD;
	const unsigned rows = size < 4 ? 1 : size / 4;
	Type *et = lane_type(d);
	FixedVectorType *ev = FixedVectorType::get(et, kLanes), *eh = FixedVectorType::get(et, kHalf);
	FixedVectorType *v16 = FixedVectorType::get(i32, kHalf);
	Value *hres[2][4] = {};
	for (unsigned h = 0; h < 2; h++) {
		Value *hmask = half_of(active, h);
		if (rows == 1) {
			if (load)
				hres[h][0] = B.CreateMaskedLoad(eh, start[h], Align(1), hmask, Constant::getNullValue(eh));
			else
				store_half(half_of(size >= 4 ? data[0] : B.CreateTrunc(data[0], ev), h), start[h], hmask, hmask);
			continue;
		}
		// Element l * rows + k of a half's block is row k of its lane l.
		FixedVectorType *wide = FixedVectorType::get(i32, kHalf * rows);
		std::vector<int> spread, interleave;
		for (unsigned l = 0; l < kHalf; l++)
			for (unsigned k = 0; k < rows; k++) {
				spread.push_back(static_cast<int>(l));
				interleave.push_back(static_cast<int>(k * kHalf + l));
			}
		Value *wmask = B.CreateShuffleVector(hmask, spread);
		if (load) {
			Value *blk = B.CreateMaskedLoad(wide, start[h], Align(1), wmask, Constant::getNullValue(wide));
			for (unsigned k = 0; k < rows; k++) {
				std::vector<int> pick;
				for (unsigned l = 0; l < kHalf; l++)
					pick.push_back(static_cast<int>(l * rows + k));
				hres[h][k] = B.CreateShuffleVector(blk, pick);
			}
		} else {
			// The half's rows side by side (a fourth row of 3 is never picked), then interleaved.
			std::vector<int> cat2, cat4;
			for (unsigned i = 0; i < 2 * kHalf; i++)
				cat2.push_back(static_cast<int>(i));
			for (unsigned i = 0; i < 4 * kHalf; i++)
				cat4.push_back(static_cast<int>(i));
			Value *r[4];
			for (unsigned k = 0; k < 4; k++)
				r[k] = k < rows ? half_of(data[k], h) : Constant::getNullValue(v16);
			Value *all = B.CreateShuffleVector(r[0], r[1], cat2);
			if (rows > 2)
				all = B.CreateShuffleVector(all, B.CreateShuffleVector(r[2], r[3], cat2), cat4);
			store_half(B.CreateShuffleVector(all, interleave), start[h], wmask, hmask);
		}
	}
	if (load)
		for (unsigned k = 0; k < rows; k++)
			res[k] = widen_loaded(d, join_halves(hres[0][k], hres[1][k]));
}

void Emitter::emit_uniform(const DecodedInst *d, Value *const p[2], Value **res)
{
	const unsigned size = d->info->mem_bytes, rows = size < 4 ? 1 : size / 4;
	Value *part[2][4] = {};
	for (unsigned h = 0; h < 2; h++)
		for (unsigned k = 0; k < rows; k++) {
			LoadInst *ld = B.CreateLoad(size >= 4 ? i32 : lane_type(d), k ? B.CreateConstGEP1_64(i8, p[h], 4 * k) : p[h]);
			ld->setAlignment(Align(1));
			part[h][k] = B.CreateVectorSplat(kHalf, ld);
		}
	for (unsigned k = 0; k < rows; k++)
		res[k] = widen_loaded(d, join_halves(part[0][k], part[1][k]));
}

void Emitter::emit_scattered(const DecodedInst *d, Value *ptrs, Value *active, Value *const *data, unsigned ndata, Value **res)
{
	const unsigned size = d->info->mem_bytes, rows = size < 4 ? 1 : size / 4;
	const bool load = d->flags & MICA_OPF_LOAD;
	FixedVectorType *ev = FixedVectorType::get(lane_type(d), kLanes);
	for (unsigned k = 0; k < rows; k++) {
		Value *pk = k ? B.CreateGEP(i8, ptrs, B.getInt64(4 * k)) : ptrs;
		if (load)
			res[k] = widen_loaded(d, B.CreateMaskedGather(ev, pk, Align(1), active, Constant::getNullValue(ev)));
		else if (k < ndata)
			B.CreateMaskedScatter(size >= 4 ? data[k] : B.CreateTrunc(data[k], ev), pk, Align(1), active);
	}
}

// A global access's lanes (global_helper), every active lane of half-wave h known to lie in the
// page at host address base[h]: va, the lanes' virtual addresses; base_va[h], that page's first
// address; offs, the lanes' byte offsets in their pages. The pattern is tested here, per access: contiguous halves
// (va[l] - (l % 16) * size the same for every active lane of a half; a whole contiguous wave is
// the case a_1 = a_0 + 16 * size, two rows of 16 such as SGEMM's tiles the other common one),
// then one address per half (loads), else the lanes one by one.
void Emitter::emit_lanes(const DecodedInst *d, Value *va, Value *const base_va[2], Value *const base[2], Value *offs,
                         Value *active, Value *const *data, unsigned ndata, Value **res)
{
	const unsigned size = d->info->mem_bytes;
	const bool load = d->flags & MICA_OPF_LOAD;
	const unsigned rows = size < 4 ? 1 : size / 4;
	if (!load && ndata < rows) {
		assert(false && "a store's data rows cover its size");
		return;
	}
	Type *v64 = FixedVectorType::get(i64, kLanes);
	std::vector<Constant *> step, upper;
	for (unsigned l = 0; l < kLanes; l++) {
		step.push_back(B.getInt64(uint64_t(l % kHalf) * size));
		upper.push_back(B.getInt1(l >= kHalf));
	}
	Value *hi_lanes = ConstantVector::get(upper);
	Value *rel = B.CreateSub(va, ConstantVector::get(step));
	Value *none = ConstantInt::get(v64, ~0ull);
	Value *act_lo = B.CreateAnd(active, B.CreateNot(hi_lanes)), *act_hi = B.CreateAnd(active, hi_lanes);
	Value *a0[2] = {B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umin, B.CreateSelect(act_lo, rel, none)),
	                B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umin, B.CreateSelect(act_hi, rel, none))};
	Value *expect = B.CreateSelect(hi_lanes, splat(a0[1]), splat(a0[0]));
	Value *same = B.CreateOr(B.CreateICmpEQ(rel, expect), B.CreateNot(active));
	Value *contig = B.CreateICmpEQ(B.CreateBitCast(same, i32), B.getInt32(~0u));
	BasicBlock *vecbb = BasicBlock::Create(C, "vmem_block", F), *gatbb = BasicBlock::Create(C, "vmem_lanes", F);
	BasicBlock *join = BasicBlock::Create(C, "vmem_joined", F);
	B.CreateCondBr(contig, vecbb, gatbb, MDBuilder(C).createBranchWeights(8, 1));

	// A half with no active lane accesses nothing, whatever its start (and an inactive lane 0's
	// start may lie before the page).
	B.SetInsertPoint(vecbb);
	Value *start[2] = {B.CreateGEP(i8, base[0], B.CreateSub(a0[0], base_va[0])),
	                   B.CreateGEP(i8, base[1], B.CreateSub(a0[1], base_va[1]))};
	Value *vres[4] = {nullptr, nullptr, nullptr, nullptr};
	emit_block(d, start, active, data, vres);
	B.CreateBr(join);
	BasicBlock *vec_end = B.GetInsertBlock();

	// One address per half-wave (a load; a half without active lanes takes the other's
	// address, so no inactive lane's address is read).
	BasicBlock *uni_end = nullptr;
	Value *ures[4] = {nullptr, nullptr, nullptr, nullptr};
	if (load) {
		B.SetInsertPoint(gatbb);
		Value *lo[2], *hi[2], *one[2];
		Value *acts[2] = {act_lo, act_hi};
		for (unsigned h = 0; h < 2; h++) {
			lo[h] = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umin, B.CreateSelect(acts[h], va, none));
			hi[h] = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umax, B.CreateSelect(acts[h], va, ConstantInt::get(v64, 0)));
			// lo > hi only for a half without active lanes
			one[h] = B.CreateOr(B.CreateICmpEQ(lo[h], hi[h]), B.CreateICmpUGT(lo[h], hi[h]));
		}
		BasicBlock *unibb = BasicBlock::Create(C, "vmem_uniform", F), *scat = BasicBlock::Create(C, "vmem_scattered", F);
		B.CreateCondBr(B.CreateAnd(one[0], one[1]), unibb, scat);
		B.SetInsertPoint(unibb);
		Value *p[2];
		Value *own[2];
		for (unsigned h = 0; h < 2; h++)
			own[h] = B.CreateGEP(i8, base[h], B.CreateSub(lo[h], base_va[h]));
		for (unsigned h = 0; h < 2; h++) // (the other half's address lies in the other half's page)
			p[h] = B.CreateSelect(B.CreateICmpUGT(lo[h], hi[h]), own[1 - h], own[h]);
		emit_uniform(d, p, ures);
		B.CreateBr(join);
		uni_end = B.GetInsertBlock();
		gatbb = scat;
	}

	B.SetInsertPoint(gatbb);
	Value *gres[4] = {nullptr, nullptr, nullptr, nullptr};
	Value *bases = B.CreateSelect(hi_lanes, B.CreateVectorSplat(kLanes, base[1]), B.CreateVectorSplat(kLanes, base[0]));
	emit_scattered(d, B.CreateGEP(i8, bases, offs), active, data, ndata, gres);
	B.CreateBr(join);
	BasicBlock *gat_end = B.GetInsertBlock();

	B.SetInsertPoint(join);
	if (load)
		for (unsigned k = 0; k < rows; k++) {
			PHINode *phi = B.CreatePHI(v32, 3);
			phi->addIncoming(vres[k], vec_end);
			phi->addIncoming(ures[k], uni_end);
			phi->addIncoming(gres[k], gat_end);
			res[k] = phi;
		}
}

// Shared (ds) loads and stores: the address pattern of a VGPR under an EXEC mask, kept while
// the register keeps its value (the memo, an AddrMemo in the wave, memo_for: SGEMM's unrolled
// loop reads its two shared tiles with 32 ds_load_b32 from two address registers and immediate
// offsets, and a constant offset changes neither the pattern nor, but for the offset, the
// range). A memo is keyed by the register and the access size at translation time, and holds
// the EXEC mask it was made under (compared at every use); every instruction that can write
// the register clears it at its start (vgprs_written: every path through the instruction, the
// interpreter's included, writes only those rows), an access whose own destination is its
// address register uses a memo of its own, cleared first, and the entry clears them all after
// a launch or the interpreter (clear_memos_at_entry). The code that makes a memo and the
// accesses are one function per kind of access (ds_helper), called by every instruction of
// that kind; at level 1 the usual case of it is inlined.
struct AddrMemo {
	uint32_t kind;  // 0: none; else MemoKind, | kMemoAligned
	uint32_t exec;  // the EXEC mask it was made under
	uint32_t lo, hi; // the active lanes' lowest and highest address
	uint32_t a0[2]; // contiguous: per half, the address of its lane 0 (lane l at a0 + (l % 16) * size)
	uint32_t one[2]; // one address per half: that address (a half without active lanes: the other's)
};
enum MemoKind : uint32_t { kMemoBlock = 1, kMemoUniform = 2, kMemoScattered = 3, kMemoAligned = 4 };

bool Emitter::ds_memo_user(const DecodedInst &d)
{
	return d.info && d.unit == MICA_UNIT_LDS && !(d.flags & (MICA_OPF_ATOMIC | MICA_OPF_IMAGE)) &&
	       (d.flags & (MICA_OPF_LOAD | MICA_OPF_STORE));
}

// The first kWaveMemos (register, size) pairs of the program, in code order, have their memo in
// the wave (Wave::memos), the rest on the stack. The order is the program's, so the level-0 and
// level-1 translations of a program give a pair the same slot (a tier-up keeps the memos).
static_assert(sizeof(AddrMemo) == kWaveMemoBytes);
Value *Emitter::memo_for(unsigned reg, unsigned size)
{
	Value *&m = memos_[{reg, size}];
	if (!m) {
		if (wave_memos_ < kWaveMemos) {
			IRBuilder<> eb(head_->getTerminator());
			m = at_b(eb, wave_, offsetof(Wave, memos) + wave_memos_++ * uint64_t(kWaveMemoBytes));
		} else {
			m = entry_alloca(sizeof(AddrMemo));
			stack_memos_.push_back(m);
		}
		memo_regs_[reg].push_back(m);
	}
	return m;
}

// At entry: a memo in the wave (Wave::memos) holds unless the wave was launched since the code
// last ran it or the interpreter ran an instruction of it (either may have written any
// register); a memo on the stack starts empty. Kept, SGEMM's two tile-address memos last the
// whole workgroup instead of being made again after every quantum and barrier.
// The wave's memos are cleared in a block of their own, entered only when one of the flags is
// set: selects over every memo (a load, a conditional move and a store each, and the flag's
// store) ran at every entry, ~12 host instructions at each of the reduction's 80 entries into
// translated code per workgroup.
void Emitter::clear_memos_at_entry(Value *after_interp)
{
	IRBuilder<> eb(head_->getTerminator());
	if (wave_memos_) {
		Value *rp = at_b(eb, wave_, offsetof(Wave, memo_reset));
		Value *reset = eb.CreateOr(eb.CreateICmpNE(after_interp, eb.getInt32(0)), eb.CreateICmpNE(eb.CreateLoad(i32, rp), eb.getInt32(0)));
		BasicBlock *rest = head_->splitBasicBlock(head_->getTerminator(), "head_dispatch");
		BasicBlock *clear = BasicBlock::Create(C, "clear_wave_memos", F);
		head_->getTerminator()->eraseFromParent();
		eb.SetInsertPoint(head_);
		eb.CreateCondBr(reset, clear, rest, MDBuilder(C).createBranchWeights(1, 64));
		eb.SetInsertPoint(clear);
		clear_memos(eb, true, false);
		eb.CreateBr(rest);
		eb.SetInsertPoint(rest->getTerminator());
	}
	clear_memos(eb, false, true);
}

// 'wave': the wave's memos and its memo_reset flag; 'stack': the memos on the stack.
void Emitter::clear_memos(IRBuilder<> &b, bool wave, bool stack)
{
	if (wave && wave_memos_) {
		for (unsigned k = 0; k < wave_memos_; k++)
			b.CreateStore(b.getInt32(0), at_b(b, wave_, offsetof(Wave, memos) + k * uint64_t(kWaveMemoBytes) + offsetof(AddrMemo, kind)));
		b.CreateStore(b.getInt32(0), at_b(b, wave_, offsetof(Wave, memo_reset)));
	}
	if (stack)
		for (Value *m : stack_memos_)
			b.CreateStore(b.getInt32(0), at_b(b, m, offsetof(AddrMemo, kind)));
}

// An instruction that can write a register clears its memos before anything else.
void Emitter::clear_memos_written(const DecodedInst &d)
{
	const RegRange w = vgprs_written(d);
	for (uint32_t r = w.lo; r < w.hi; r++) {
		auto it = memo_regs_.find(r);
		if (it != memo_regs_.end())
			for (Value *m : it->second)
				B.CreateStore(B.getInt32(0), at(m, offsetof(AddrMemo, kind)));
	}
}

// The operands an access function takes in one i64 (kPacked*): the instruction's offset (imm,
// sign-extended from the low 32 bits), its address VGPR, its data or destination VGPR, for a
// global access with a scalar base the base's first SGPR (from s0), and whether a load keeps
// its destinations' previous rows (prev_unread): six arguments, all in registers (a seventh
// went on the stack at every call).
enum : unsigned { kPackedAddr = 32, kPackedReg = 40, kPackedSreg = 48, kPackedPrev = 63 };
static_assert(MICA_OPND_VGPR_FIRST == 0 && MICA_VGPRS_PER_WAVE <= 256 && kSregs <= 0x8000, "a VGPR's operand number is its row and record index");
Value *Emitter::packed_operands(const DecodedInst *d, unsigned reg, unsigned sreg, bool keep_prev)
{
	const uint64_t v = uint64_t(static_cast<uint32_t>(d->imm)) | uint64_t(d->opnd[1] - MICA_OPND_VGPR_FIRST) << kPackedAddr |
	                   uint64_t(reg & 0xffu) << kPackedReg | uint64_t(sreg) << kPackedSreg | uint64_t(keep_prev) << kPackedPrev;
	return B.getInt64(v);
}

// Field 'shift' (8 bits; the SGPR: 15; the previous rows' flag: 1) of an access function's
// packed operands, as an i64.
Value *Emitter::unpack(Value *packed, unsigned shift)
{
	const uint64_t mask = shift == kPackedSreg ? 0x7fffu : shift == kPackedPrev ? 1u : 0xffu;
	return B.CreateAnd(B.CreateLShr(packed, shift), B.getInt64(mask));
}

// The 64-bit scalar base of a global access: the SGPR pair packed_operands put in kPackedSreg.
Value *Emitter::scalar_base(Value *wave, Value *packed)
{
	Value *sp = B.CreateGEP(i8, wave, B.CreateAdd(B.getInt64(offsetof(Wave, s)), B.CreateShl(unpack(packed, kPackedSreg), 2)));
	return B.CreateAlignedLoad(i64, sp, Align(4)); // s[n] | s[n + 1] << 32 (x86: little-endian)
}

// VGPR 'reg' (i64)'s row in 'wave'.
Value *Emitter::vrow_at(Value *wave, Value *reg)
{
	return B.CreateGEP(i8, wave, B.CreateAdd(B.getInt64(offsetof(Wave, v)), B.CreateMul(reg, B.getInt64(sizeof(Row)))));
}

// {i64, i1} ds_K(ptr frame, ptr wave, i64 cycle, i32 exec, i64 packed, ptr memo): the stall
// (Worker::mem_stall) at 'cycle', then: false when some active lane lies outside the
// allocation, EXEC is 0 or the lanes of a multi-dword store overlap partially (nothing else
// touched: the caller falls back to ds_access at the cycle returned); else the access made and
// completed (mem_done_at: a load's rows blended into its destinations, their records) and the
// cycle after it. Everything an access does after its operand tests is here, once per kind, not
// in the program: SGEMM's level-1 code was ~460 bytes per shared load (docs/performance.md,
// "Machine code per device instruction").
Function *Emitter::ds_helper(const DecodedInst *d, bool first_use)
{
	const unsigned size = d->info->mem_bytes;
	const bool load = d->flags & MICA_OPF_LOAD;
	const unsigned key = size | (load ? 0x100u : 0u) | (d->op & 0xffffu) << 16;
	DsFns &fns = ds_fns_[key];
	if (!fns.whole)
		fns.whole = ds_function(d, nullptr);
	if (level0_)
		return fns.whole;
	// Level 1: the usual case (a memo made under this EXEC, its lanes a block or, for a load,
	// one address per half) in a function the program inlines, the rest in the whole function
	// it calls. The call was a third of a shared load's cost (SGEMM's 32 per tile: call,
	// prologue and epilogue, the caller's set-up; docs/performance.md). The first access of a
	// run through a register, whose memo is likely not made, also inlines ds_block_function.
	if (first_use && ds_rows_without_memo()) {
		if (!fns.first)
			fns.first = ds_function(d, ds_block_function(d, fns.whole, true));
		return fns.first;
	}
	if (!fns.fast) {
		if (ds_rows_without_memo())
			fns.block = ds_block_function(d, fns.whole, false);
		fns.fast = ds_function(d, fns.block ? fns.block : fns.whole);
	}
	return fns.fast;
}

// After each instruction of the walk: a run continues at the instruction after it (a branch
// target starts a new one, emit()); a register it can write drops its pairs; a shared access's
// pair is added (unless it writes its own address register).
void Emitter::ds_run_continues(const CodeSlot &slot)
{
	if (slot.state != SlotState::Ok || (slot.inst.flags & (MICA_OPF_BRANCH | MICA_OPF_END))) {
		ds_run_pairs_.clear();
		ds_run_written_.reset();
		return;
	}
	const RegRange w = vgprs_written(slot.inst);
	for (uint32_t r = w.lo; r < w.hi && r < MICA_VGPRS_PER_WAVE; r++)
		ds_run_written_.set(r);
	for (auto it = ds_run_pairs_.begin(); it != ds_run_pairs_.end();)
		it = it->first >= w.lo && it->first < w.hi ? ds_run_pairs_.erase(it) : std::next(it);
	if (ds_memo_user(slot.inst)) {
		const unsigned areg = slot.inst.opnd[1] - MICA_OPND_VGPR_FIRST;
		if (!(areg >= w.lo && areg < w.hi))
			ds_run_pairs_.insert({areg, slot.inst.info->mem_bytes});
	}
}

// Level 1, for when a shared access's register has no usual memo for this EXEC (inlined into the
// inlined part of a run's first access through a register the run computed, else called by
// it): active lanes at contiguous addresses (lane l at b + l * size, b the address
// lane 0 would have) inside the allocation are one block access under EXEC, and the memo
// emit_make_memo would make of them is written from what the test found; anything else goes to
// 'whole' (the whole function) with nothing changed. Making a memo is ~100 host instructions,
// wasted on an address used once: the reduction's tree reads partial[lid + stride] through a
// register it computes anew at every level, under a narrower EXEC each time. Inlined only where
// the memo is sure to be missing: inlined into every shared access it made SGEMM's level-1 code
// 141 -> 185 KB and its translation 40% longer (into the first accesses of its loop through
// its tile registers, 145 -> 204 KB); called everywhere, the call cost the reduction more than
// the memo it saved (209 -> 222-228 ms).
Function *Emitter::ds_block_function(const DecodedInst *d, Function *whole, bool inlined)
{
	const unsigned size = d->info->mem_bytes, rows = size < 4 ? 1 : size / 4;
	const bool load = d->flags & MICA_OPF_LOAD;
	const unsigned nres = load ? mica_kind_table[d->info->kind[0]].regs : 0;
	Function *fn = Function::Create(whole->getFunctionType(), Function::InternalLinkage, whole->getName() + "_block", M);
	fn->addFnAttr(Attribute::NoUnwind);
	fn->addFnAttr(inlined ? Attribute::AlwaysInline : Attribute::NoInline);
	IRBuilderBase::InsertPointGuard g(B);
	Value *frame = fn->getArg(0), *wave = fn->getArg(1), *cyc0 = fn->getArg(2), *exec = fn->getArg(3);
	Value *packed = fn->getArg(4), *memo = fn->getArg(5);
	B.SetInsertPoint(BasicBlock::Create(C, "entry", fn));
	Value *base = B.CreateLoad(ptr, at(frame, offsetof(Frame, shared)));
	Value *limit = B.CreateLoad(i64, at(frame, offsetof(Frame, shared_size)));
	Value *reg = unpack(packed, kPackedReg);
	Value *imm = B.CreateSExt(B.CreateTrunc(packed, i32), i64);
	Value *active = B.CreateBitCast(exec, m32);
	std::vector<Constant *> steps;
	for (unsigned l = 0; l < kLanes; l++)
		steps.push_back(B.getInt32(l * size));
	Value *a = B.CreateAlignedLoad(v32, vrow_at(wave, unpack(packed, kPackedAddr)), Align(64));
	// The lowest and highest active lane (EXEC = 0 is refused below; the masks keep the indexes
	// defined for it).
	Value *lane_lo = B.CreateAnd(B.CreateBinaryIntrinsic(Intrinsic::cttz, exec, B.getFalse()), B.getInt32(kLanes - 1));
	Value *lane_hi = B.CreateAnd(B.CreateSub(B.getInt32(kLanes - 1), B.CreateBinaryIntrinsic(Intrinsic::ctlz, exec, B.getFalse())),
	                             B.getInt32(kLanes - 1));
	Value *x_lo = B.CreateExtractElement(a, lane_lo), *x_hi = B.CreateExtractElement(a, lane_hi);
	Value *b32 = B.CreateSub(x_lo, B.CreateMul(lane_lo, B.getInt32(size)));
	Value *off_row = B.CreateICmpNE(a, B.CreateAdd(B.CreateVectorSplat(kLanes, b32), ConstantVector::get(steps)));
	Value *contiguous = B.CreateICmpEQ(B.CreateBitCast(B.CreateAnd(off_row, active), i32), B.getInt32(0));
	// 64-bit, as ds_access's range test: the lowest and highest active lane's addr + imm in
	// [0, shared_size - size], (hi - lo) / size lanes apart (no active lane's address wrapped).
	Value *lo = B.CreateAdd(B.CreateZExt(x_lo, i64), imm);
	Value *hi = B.CreateAdd(B.CreateZExt(x_hi, i64), imm);
	Value *span = B.CreateMul(B.CreateZExt(B.CreateSub(lane_hi, lane_lo), i64), B.getInt64(size));
	Value *ok = B.CreateAnd(B.CreateICmpNE(exec, B.getInt32(0)), contiguous);
	ok = B.CreateAnd(ok, B.CreateICmpEQ(hi, B.CreateAdd(lo, span)));
	ok = B.CreateAnd(ok, B.CreateAnd(B.CreateICmpSGE(lo, B.getInt64(0)), B.CreateICmpULE(B.CreateAdd(hi, B.getInt64(size)), limit)));
	BasicBlock *block = BasicBlock::Create(C, "block", fn), *other = BasicBlock::Create(C, "other", fn);
	B.CreateCondBr(ok, block, other, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(other);
	B.CreateRet(B.CreateCall(whole, {frame, wave, cyc0, exec, packed, memo}));

	B.SetInsertPoint(block);
	Value *cyc = mem_stall_at(wave, cyc0, MICA_COUNTER_LS);
	// The memo of these lanes: a block (aligned: its lanes are disjoint), the active lanes'
	// lowest and highest address, each half's lane-0 address, ~0 for a half without active lanes
	// ('one' is read by uniform memos only). Later accesses through the register then take the
	// inlined memo path (SGEMM's tile rows: 3% slower when the memo was left unmade).
	Value *a0[2], *one[2];
	for (unsigned h = 0; h < 2; h++) {
		Value *any = B.CreateICmpNE(B.CreateAnd(exec, B.getInt32(h ? 0xffff0000u : 0x0000ffffu)), B.getInt32(0));
		Value *first = B.CreateAdd(b32, B.getInt32(h * kHalf * size));
		a0[h] = B.CreateSelect(any, first, B.getInt32(~0u));
		one[h] = B.CreateSelect(any, first, x_lo);
	}
	store_memo(memo, B.getInt32(kMemoBlock | (!load && size > 4 ? kMemoAligned : 0u)), exec, x_lo, x_hi, a0, one);
	// Lane 0's place (before the allocation when lane 0 is off and the block starts at 0: only
	// active lanes are touched).
	Value *start0 = B.CreateGEP(i8, base, B.CreateSub(lo, B.CreateMul(B.CreateZExt(lane_lo, i64), B.getInt64(size))));
	Value *start[2] = {start0, B.CreateConstGEP1_64(i8, start0, uint64_t(kHalf) * size)};
	Value *data[4] = {nullptr, nullptr, nullptr, nullptr}, *res[4] = {nullptr, nullptr, nullptr, nullptr};
	if (!load)
		for (unsigned r = 0; r < rows; r++)
			data[r] = B.CreateAlignedLoad(v32, at(vrow_at(wave, reg), r * sizeof(Row)), Align(64));
	emit_block(d, start, active, data, res);
	mem_done_at(d, wave, frame, cyc, MICA_COUNTER_LS, exec, nres, res, reg, B.CreateTrunc(unpack(packed, kPackedPrev), i1));
	access_return(B.CreateAdd(cyc, B.getInt64(1)), true);
	return fn;
}

// A shared access's memo (AddrMemo) of the address row 'row' under 'exec', in 32-bit lanes, a
// half-wave (one AVX-512 register) at a time.
void Emitter::emit_make_memo(Value *memo, Value *row, Value *exec, unsigned size, bool load)
{
	Value *active = B.CreateBitCast(exec, m32);
	Value *a = B.CreateAlignedLoad(v32, row, Align(64));
	FixedVectorType *v16 = FixedVectorType::get(i32, kHalf);
	std::vector<Constant *> step;
	for (unsigned l = 0; l < kHalf; l++)
		step.push_back(B.getInt32(l * size));
	Value *none = ConstantInt::get(v16, ~0u), *zero = ConstantInt::get(v16, 0);
	Value *lo[2], *hi[2], *a0[2], *contig = B.getTrue(), *one = B.getTrue();
	Value *ah[2], *mh[2];
	for (unsigned h = 0; h < 2; h++) {
		ah[h] = half_of(a, h);
		mh[h] = half_of(active, h);
		lo[h] = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umin, B.CreateSelect(mh[h], ah[h], none));
		hi[h] = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umax, B.CreateSelect(mh[h], ah[h], zero));
		Value *rel = B.CreateSub(ah[h], ConstantVector::get(step));
		a0[h] = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umin, B.CreateSelect(mh[h], rel, none));
		Value *same = B.CreateOr(B.CreateICmpEQ(rel, B.CreateVectorSplat(kHalf, a0[h])), B.CreateNot(mh[h]));
		contig = B.CreateAnd(contig, B.CreateICmpEQ(B.CreateBitCast(same, B.getInt16Ty()), B.getInt16(0xffff)));
		// lo > hi only for a half without active lanes
		one = B.CreateAnd(one, B.CreateICmpUGE(lo[h], hi[h]));
	}
	Value *wlo = B.CreateSelect(B.CreateICmpULT(lo[0], lo[1]), lo[0], lo[1]);
	Value *whi = B.CreateSelect(B.CreateICmpUGT(hi[0], hi[1]), hi[0], hi[1]);
	Value *kind = B.CreateSelect(contig, B.getInt32(kMemoBlock), B.CreateSelect(one, B.getInt32(kMemoUniform), B.getInt32(kMemoScattered)));
	if (!load && size > 4) {
		// Lanes that coincide or are disjoint: a scatter stores dword after dword, the
		// interpreter lane after lane, and the two differ only for partially overlapping lanes.
		Value *aligned = B.getTrue();
		for (unsigned h = 0; h < 2; h++) {
			Value *rem = B.CreateURem(B.CreateSub(ah[h], B.CreateVectorSplat(kHalf, wlo)), ConstantInt::get(v16, size));
			Value *ok = B.CreateOr(B.CreateICmpEQ(rem, zero), B.CreateNot(mh[h]));
			aligned = B.CreateAnd(aligned, B.CreateICmpEQ(B.CreateBitCast(ok, B.getInt16Ty()), B.getInt16(0xffff)));
		}
		kind = B.CreateOr(kind, B.CreateSelect(aligned, B.getInt32(kMemoAligned), B.getInt32(0)));
	}
	Value *lowest[2]; // per half: its lowest address, the other's for a half without active lanes
	for (unsigned h = 0; h < 2; h++)
		lowest[h] = B.CreateSelect(B.CreateICmpUGT(lo[h], hi[h]), lo[1 - h], lo[h]);
	store_memo(memo, kind, exec, wlo, whi, a0, lowest);
}

// An AddrMemo's fields (i32 each; a0 and one per half).
void Emitter::store_memo(Value *memo, Value *kind, Value *exec, Value *lo, Value *hi, Value *const *a0, Value *const *one)
{
	B.CreateStore(kind, at(memo, offsetof(AddrMemo, kind)));
	B.CreateStore(exec, at(memo, offsetof(AddrMemo, exec)));
	B.CreateStore(lo, at(memo, offsetof(AddrMemo, lo)));
	B.CreateStore(hi, at(memo, offsetof(AddrMemo, hi)));
	for (unsigned h = 0; h < 2; h++) {
		B.CreateStore(a0[h], at(memo, offsetof(AddrMemo, a0) + 4 * h));
		B.CreateStore(one[h], at(memo, offsetof(AddrMemo, one) + 4 * h));
	}
}

// The function of a shared access; with 'slow', its inlined fast path, which hands every other
// case to 'slow' before it changes anything.
Function *Emitter::ds_function(const DecodedInst *d, Function *slow)
{
	const unsigned size = d->info->mem_bytes, rows = size < 4 ? 1 : size / 4;
	const bool load = d->flags & MICA_OPF_LOAD;
	const unsigned nres = load ? mica_kind_table[d->info->kind[0]].regs : 0;
	Function *fn = Function::Create(FunctionType::get(access_ret(), {ptr, ptr, i64, i32, i64, ptr}, false),
	                                Function::InternalLinkage,
	                                std::string("mica_ds_") + d->info->name + (slow ? "_fast" : ""), M);
	fn->addFnAttr(Attribute::NoUnwind);
	fn->addFnAttr(slow ? Attribute::AlwaysInline : Attribute::NoInline);
	IRBuilderBase::InsertPointGuard g(B);
	Value *frame = fn->getArg(0), *wave = fn->getArg(1), *cyc0 = fn->getArg(2), *exec = fn->getArg(3);
	Value *packed = fn->getArg(4), *memo = fn->getArg(5);
	auto field = [&](unsigned off) { return at(memo, off); };
	BasicBlock *entry = BasicBlock::Create(C, "entry", fn), *make = BasicBlock::Create(C, "make_memo", fn);
	BasicBlock *known = BasicBlock::Create(C, "known", fn), *fail = BasicBlock::Create(C, "outside", fn);
	BasicBlock *go = BasicBlock::Create(C, "inside", fn), *made = BasicBlock::Create(C, "made", fn);
	B.SetInsertPoint(entry);
	Value *base = B.CreateLoad(ptr, at(frame, offsetof(Frame, shared)));
	Value *limit = B.CreateLoad(i64, at(frame, offsetof(Frame, shared_size)));
	Value *row = vrow_at(wave, unpack(packed, kPackedAddr)), *reg = unpack(packed, kPackedReg);
	Value *imm = B.CreateSExt(B.CreateTrunc(packed, i32), i64);
	Value *active = B.CreateBitCast(exec, m32);
	Value *kind0 = B.CreateLoad(i32, field(offsetof(AddrMemo, kind)));
	// A memo holds for any EXEC within the one it was made under: what it says of the active
	// lanes (a block, one address per half, the lowest and highest address) holds for each of
	// them. The reduction's tree narrows EXEC at every step, and each step made its memos again.
	Value *memo_exec = B.CreateLoad(i32, field(offsetof(AddrMemo, exec)));
	Value *hit = B.CreateAnd(B.CreateICmpNE(kind0, B.getInt32(0)),
	                         B.CreateICmpEQ(B.CreateAnd(exec, B.CreateNot(memo_exec)), B.getInt32(0)));
	Value *cyc = nullptr;
	if (slow) {
		// The test changes nothing: what it sends to 'slow' is the whole access.
		Value *kind3 = B.CreateAnd(kind0, B.getInt32(3));
		Value *usual = B.CreateICmpEQ(kind3, B.getInt32(kMemoBlock));
		if (load)
			usual = B.CreateOr(usual, B.CreateICmpEQ(kind3, B.getInt32(kMemoUniform)));
		BasicBlock *fast = BasicBlock::Create(C, "fast", fn), *other = BasicBlock::Create(C, "other", fn);
		B.CreateCondBr(B.CreateAnd(hit, usual), fast, other, MDBuilder(C).createBranchWeights(64, 1));
		B.SetInsertPoint(other);
		B.CreateRet(B.CreateCall(slow, {frame, wave, cyc0, exec, packed, memo}));
		B.SetInsertPoint(fast);
		cyc = mem_stall_at(wave, cyc0, MICA_COUNTER_LS);
		B.CreateBr(known);
		make->eraseFromParent(); // no memo to make
	} else {
		cyc = mem_stall_at(wave, cyc0, MICA_COUNTER_LS);
		B.CreateCondBr(hit, known, make, MDBuilder(C).createBranchWeights(4, 1));
		B.SetInsertPoint(make);
		emit_make_memo(memo, row, exec, size, load);
		B.CreateBr(known);
	}

	// The range: every active lane's addr + imm in [0, shared_size - size], i.e. the lowest's
	// and the highest's (64-bit, no wrap: ds_access's test).
	B.SetInsertPoint(known);
	Value *k = B.CreateLoad(i32, field(offsetof(AddrMemo, kind)));
	Value *first = B.CreateAdd(B.CreateZExt(B.CreateLoad(i32, field(offsetof(AddrMemo, lo))), i64), imm);
	Value *last = B.CreateAdd(B.CreateZExt(B.CreateLoad(i32, field(offsetof(AddrMemo, hi))), i64), imm);
	Value *ok = B.CreateAnd(B.CreateICmpNE(exec, B.getInt32(0)),
	                        B.CreateAnd(B.CreateICmpSGE(first, B.getInt64(0)),
	                                    B.CreateICmpULE(B.CreateAdd(last, B.getInt64(size)), limit)));
	if (!load && size > 4)
		ok = B.CreateAnd(ok, B.CreateICmpNE(B.CreateAnd(k, B.getInt32(kMemoAligned)), B.getInt32(0)));
	B.CreateCondBr(ok, go, fail, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(fail);
	access_return(cyc, false);

	// Inside: every active lane's addr + imm is in [0, 64 KiB], so 32-bit sums are exact.
	B.SetInsertPoint(go);
	Value *imm32 = B.CreateTrunc(imm, i32);
	Value *data[4] = {nullptr, nullptr, nullptr, nullptr};
	if (!load)
		for (unsigned r = 0; r < rows; r++)
			data[r] = B.CreateAlignedLoad(v32, at(vrow_at(wave, reg), r * sizeof(Row)), Align(64));
	BasicBlock *blk = BasicBlock::Create(C, "block", fn), *uni = load ? BasicBlock::Create(C, "uniform", fn) : nullptr;
	BasicBlock *scat = BasicBlock::Create(C, "scattered", fn);
	SwitchInst *sw = B.CreateSwitch(B.CreateAnd(k, B.getInt32(3)), scat, 2);
	sw->addCase(B.getInt32(kMemoBlock), blk);
	if (load)
		sw->addCase(B.getInt32(kMemoUniform), uni);
	// Each kind of access joins 'made' with its result rows.
	PHINode *joined[4] = {nullptr, nullptr, nullptr, nullptr};
	{
		IRBuilderBase::InsertPointGuard gm(B);
		B.SetInsertPoint(made);
		Value *rows_in[4] = {nullptr, nullptr, nullptr, nullptr};
		for (unsigned r = 0; r < nres; r++)
			rows_in[r] = joined[r] = B.CreatePHI(v32, 3);
		mem_done_at(d, wave, frame, cyc, MICA_COUNTER_LS, exec, nres, rows_in, reg, B.CreateTrunc(unpack(packed, kPackedPrev), i1));
		access_return(B.CreateAdd(cyc, B.getInt64(1)), true);
	}
	auto put = [&](Value *const *res) {
		for (unsigned r = 0; r < nres; r++)
			joined[r]->addIncoming(res[r] ? res[r] : Constant::getNullValue(v32), B.GetInsertBlock());
		B.CreateBr(made);
	};
	auto at_addr = [&](unsigned off) { // base + the memo's 32-bit address at 'off' + imm
		return B.CreateGEP(i8, base, B.CreateSExt(B.CreateAdd(B.CreateLoad(i32, field(off)), imm32), i64));
	};
	Value *res[4] = {nullptr, nullptr, nullptr, nullptr};
	B.SetInsertPoint(blk);
	{
		// A half without active lanes has a0 = ~0: masked off, it touches nothing.
		Value *start[2] = {at_addr(offsetof(AddrMemo, a0)), at_addr(offsetof(AddrMemo, a0) + 4)};
		emit_block(d, start, active, data, res);
		put(res);
	}
	if (load) {
		B.SetInsertPoint(uni);
		Value *p[2] = {at_addr(offsetof(AddrMemo, one)), at_addr(offsetof(AddrMemo, one) + 4)};
		emit_uniform(d, p, res);
		put(res);
	}
	B.SetInsertPoint(scat);
	if (slow) {
		B.CreateUnreachable(); // its entry test sent every other kind to 'slow'
	} else {
		Value *offs = B.CreateAdd(B.CreateAlignedLoad(v32, row, Align(64)), splat(imm32));
		emit_scattered(d, B.CreateGEP(i8, base, offs), active, data, rows, res);
		put(res);
	}
	return fn;
}

// An access function's result: {the cycle, whether the access was made}.
StructType *Emitter::access_ret() { return StructType::get(C, {i64, i1}); }

void Emitter::access_return(Value *cyc, bool made)
{
	Value *r = B.CreateInsertValue(PoisonValue::get(access_ret()), cyc, 0);
	B.CreateRet(B.CreateInsertValue(r, B.getInt1(made), 1));
}

// Global and shared (ds) loads, stores and atomics inline. Loads and stores go to emit_global /
// emit_ds (an access function per kind). Atomics (but add_f32): the operands are read exactly as
// exec_global / exec_ds read them (pipeline-model checks included), then, when every active
// lane's access lies in one page the CU's TLB holds under the context's current invalidation
// generation, both entries (read, then write: the interpreter's two translations; a write entry
// exists only if the page grants writes, so the MMU's permission check is part of the hit), or
// inside the workgroup's shared memory (ds), a host atomic per active lane, lane after lane
// (emit_atomic_lanes), and the results and pipeline records as finish_vector_mem writes them.
// Anything else (a TLB miss, lanes in two pages, a fault, the wave-start TLB erratum window,
// EXEC = 0) goes to Worker::global_access / ds_access with the operands already read, which is
// the interpreter's own code from that point on.
bool Emitter::emit_vmem(uint64_t off, const DecodedInst *d)
{
	const bool global = d->unit == MICA_UNIT_VMEM;
	const bool atomic = d->flags & MICA_OPF_ATOMIC;
	const unsigned size = d->info->mem_bytes;
	if ((d->flags & MICA_OPF_IMAGE) || (!global && d->unit != MICA_UNIT_LDS) ||
	    !(d->flags & (MICA_OPF_LOAD | MICA_OPF_STORE | MICA_OPF_ATOMIC)) || size == 0 || size > 16 ||
	    (size > 4 && size % 4) || size == 3)
		return false;
	// The atomics without inline semantics (add_f32: its NaN results depend on the operand order
	// gcc chose for the interpreter's addition, so only the interpreter's own code reproduces
	// them) run the interpreter's access after the inline operand tests. Level 0 keeps the inline
	// gathers and scatters, vectors and all: through the interpreter's access the level-0 code
	// of matmul 512 ran 1.4x longer (2.8 s against 2.0), more than the 17 ms of translation saved.
	const bool by_interp = atomic && (atomic_kind(d->op) == AtomicKind::None || (size != 4 && size != 8));
	const unsigned counter = global ? MICA_COUNTER_GM : MICA_COUNTER_LS;
	const uint64_t next = off + d->words * uint64_t(MICA_INSTRUCTION_BYTES);
	if ((d->info->kind[3] != MICA_KIND_UNUSED && mica_kind_table[d->info->kind[3]].regs > 4) ||
	    (d->info->kind[0] != MICA_KIND_UNUSED && mica_kind_table[d->info->kind[0]].regs > 4))
		return false; // not the case for the ops above; the fallback's buffers hold 4 rows

	// Worker::mem_stall: wait for the oldest of max_outstanding operations. Emitted after the
	// operand test (which is then made at the cycle before the stall: a register fresh then is
	// fresh after it, and one that is not goes to the interpreter, which stalls first itself), so
	// an instruction handed to the interpreter has changed nothing (the watchdog is tested there
	// at the cycle before the stall, as in the interpreter).
	auto emit_stall = [&] { emit_mem_stall(counter); };
	if (by_interp) {
		// The operand tests in read_vector_mem_operands' and exec_global / exec_ds's order, the
		// stall, then the access through the interpreter's code (Runtime::vmem_regs).
		Value *exec = read_s(MICA_OPND_EXEC, kVector);
		if (d->info->kind[3] != MICA_KIND_UNUSED)
			for (unsigned k = 0; k < mica_kind_table[d->info->kind[3]].regs; k++)
				fresh(d->opnd[3] + k, kVector);
		if (d->opnd[0] != MICA_OPND_NONE && d->info->kind[0] != MICA_KIND_UNUSED)
			for (unsigned k = 0; k < mica_kind_table[d->info->kind[0]].regs; k++)
				writable(d->opnd[0] + k);
		fresh(d->opnd[1], kVector);
		if (global && d->opnd[2] == MICA_OPND_NONE) {
			fresh(d->opnd[1] + 1u, kVector);
		} else if (global) {
			fresh(d->opnd[2], kVector);
			fresh(d->opnd[2] + 1u, kVector);
		}
		emit_stall();
		count_instruction(*d);
		Value *st = call(ft_vmem0, fn_ptr(B, &Runtime::vmem_regs), {worker_, wave_, dptr(d), abs_pc(off), cycle(), exec});
		BasicBlock *stop = BasicBlock::Create(C, "vmem_stop", F), *go = BasicBlock::Create(C, "vmem_go", F);
		B.CreateCondBr(B.CreateICmpEQ(st, B.getInt32(static_cast<uint32_t>(Step::Continue))), go, stop);
		B.SetInsertPoint(stop);
		B.CreateRet(B.CreateAdd(st, B.getInt32(1))); // Step -> Exit, as in emit_callout
		B.SetInsertPoint(go);
		++inline_count;
		goto_off(next);
		return true;
	}
	if (!atomic)
		return global ? emit_global(off, d) : emit_ds(off, d);
	// The atomics: read_vector_mem_operands, then the address operands.
	Value *exec = read_s(MICA_OPND_EXEC, kVector);
	Value *data[4] = {nullptr, nullptr, nullptr, nullptr}, *keep[4] = {nullptr, nullptr, nullptr, nullptr};
	unsigned ndata = 0, nres = 0;
	if (d->info->kind[3] != MICA_KIND_UNUSED) {
		ndata = mica_kind_table[d->info->kind[3]].regs;
		for (unsigned k = 0; k < ndata; k++)
			data[k] = read_v(d->opnd[3] + k);
	}
	if (d->opnd[0] != MICA_OPND_NONE && d->info->kind[0] != MICA_KIND_UNUSED) {
		nres = mica_kind_table[d->info->kind[0]].regs;
		for (unsigned k = 0; k < nres; k++)
			keep[k] = writable(d->opnd[0] + k);
	}
	Type *v64 = FixedVectorType::get(i64, kLanes);
	Value *active = B.CreateBitCast(exec, m32);
	Value *addr = nullptr; // global: <32 x i64> virtual addresses; ds: <32 x i32> address operand
	Value *offs = nullptr;  // <32 x i64> byte offsets from 'base'
	Value *base = nullptr, *fast = nullptr;
	Value *lo = nullptr;
	if (global) {
		if (d->opnd[2] == MICA_OPND_NONE) {
			Value *vlo = read_v(d->opnd[1]), *vhi = read_v(d->opnd[1] + 1u);
			addr = B.CreateOr(B.CreateZExt(vlo, v64), B.CreateShl(B.CreateZExt(vhi, v64), ConstantInt::get(v64, 32)));
		} else {
			Value *o = read_v(d->opnd[1]);
			Value *sb = B.CreateOr(B.CreateZExt(read_s(d->opnd[2], kVector), i64),
			                       B.CreateShl(B.CreateZExt(read_s(d->opnd[2] + 1u, kVector), i64), 32));
			addr = B.CreateAdd(splat(sb), B.CreateZExt(o, v64));
		}
		emit_stall();
		addr = B.CreateAdd(addr, ConstantInt::get(v64, static_cast<uint64_t>(static_cast<int64_t>(d->imm))));
		// Atomics ignore the low address bits (the fallback gets the address unmasked, as
		// global_access expects).
		Value *eff = B.CreateAnd(addr, ConstantInt::get(v64, ~uint64_t(size - 1)));
		lo = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umin, B.CreateSelect(active, eff, ConstantInt::get(v64, ~0ull)));
		Value *last = B.CreateAdd(eff, ConstantInt::get(v64, size - 1));
		Value *hi = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umax, B.CreateSelect(active, last, ConstantInt::get(v64, 0)));
		Value *page = B.CreateLShr(lo, 12);
		Value *one_page = B.CreateICmpEQ(page, B.CreateLShr(hi, 12));
		// The TLB: the context's generation must not have moved since it was filled.
		// An atomic translates each lane for reading first, then for writing.
		Value *hit = tlb_lookup(page, MICA_ACCESS_WRITE, &base);
		Value *rbase = nullptr;
		hit = B.CreateAnd(hit, tlb_lookup(page, MICA_ACCESS_READ, &rbase));
		offs = B.CreateAnd(eff, ConstantInt::get(v64, MICA_PAGE_SIZE - 1));
		Value *no_erratum = B.CreateICmpUGE(cycle(), B.getInt64(MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE));
		fast = B.CreateAnd(one_page, B.CreateAnd(hit, no_erratum));
	} else {
		addr = read_v(d->opnd[1]);
		emit_stall();
		Value *a = B.CreateAdd(B.CreateZExt(addr, v64), ConstantInt::get(v64, static_cast<uint64_t>(static_cast<int64_t>(d->imm))));
		a = B.CreateAnd(a, ConstantInt::get(v64, ~uint64_t(size - 1)));
		Value *amin = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_smin, B.CreateSelect(active, a, ConstantInt::get(v64, INT64_MAX)));
		Value *end = B.CreateAdd(a, ConstantInt::get(v64, size));
		Value *amax = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_smax, B.CreateSelect(active, end, ConstantInt::get(v64, 0)));
		fast = B.CreateAnd(B.CreateICmpSGE(amin, B.getInt64(0)),
		                   B.CreateICmpULE(amax, frame_field(i64, offsetof(Frame, shared_size))));
		base = frame_field(ptr, offsetof(Frame, shared));
		offs = a;
		lo = amin;
	}
	count_instruction(*d); // after every operand test
	fast = B.CreateAnd(fast, B.CreateICmpNE(exec, B.getInt32(0)));
	BasicBlock *fastbb = BasicBlock::Create(C, "vmem_fast", F), *slowbb = BasicBlock::Create(C, "vmem_slow", F);
	B.CreateCondBr(fast, fastbb, slowbb, MDBuilder(C).createBranchWeights(64, 1));

	// The fallback: the interpreter's code from the translation on.
	B.SetInsertPoint(slowbb);
	{
		if (!buf_data_) {
			buf_data_ = entry_alloca(4 * sizeof(Row));
			buf_addr_ = entry_alloca(kLanes * 8);
		}
		for (unsigned k = 0; k < ndata; k++)
			B.CreateAlignedStore(data[k], at(buf_data_, k * sizeof(Row)), Align(64));
		B.CreateAlignedStore(addr, buf_addr_, Align(64));
		Value *f = global ? fn_ptr(B, &Runtime::global_access) : fn_ptr(B, &Runtime::ds_access);
		emit_access_fallback(off, d, f, exec, buf_data_, keep, nres, buf_addr_);
	}

	// The inline path.
	B.SetInsertPoint(fastbb);
	Value *res[4] = {nullptr, nullptr, nullptr, nullptr};
	emit_atomic_lanes(d, B.CreateGEP(i8, base, offs), exec, data, res);
	emit_mem_done(d, counter, exec, nres, res);
	++inline_count;
	goto_off(next);
	return true;
}

// Global loads and stores but atomics: the operand tests in read_vector_mem_operands' and
// exec_global's order, the stall, then the access by the kind's function (global_helper);
// when it declines (a TLB miss, a half-wave's lanes in two pages, the wave-start TLB window, EXEC = 0, a
// multi-dword store's lanes overlapping partially) Worker::global_access, the interpreter's
// code, with the addresses the function computed.
bool Emitter::emit_global(uint64_t off, const DecodedInst *d)
{
	const bool saddr = d->opnd[2] != MICA_OPND_NONE;
	unsigned ndata = 0, nres = 0;
	Value *keep[4] = {nullptr, nullptr, nullptr, nullptr};
	Value *exec = vector_mem_operands(d, &ndata, &nres, keep);
	fresh(d->opnd[1], kVector);
	if (saddr) { // the base's SGPRs are read by the access function, once fresh
		fresh(d->opnd[2], kVector);
		fresh(d->opnd[2] + 1u, kVector);
	} else {
		fresh(d->opnd[1] + 1u, kVector);
	}
	count_instruction(*d); // the stall is the access function's
	if (!buf_addr_)
		buf_addr_ = entry_alloca(kLanes * 8);
	const bool load = d->flags & MICA_OPF_LOAD;
	Function *fn = global_helper(d, saddr, off);
	Value *packed = packed_operands(d, load ? d->opnd[0] : ndata ? d->opnd[3] : 0u, saddr ? d->opnd[2] - kSregFirst : 0u,
	                                load && !prev_unread_.count(off));
	Value *r = B.CreateCall(fn->getFunctionType(), fn, {frame_, wave_, cycle(), exec, packed, buf_addr_});
	emit_access_outcome(off, d, r, exec, ndata ? vrow_ptr(d->opnd[3], false) : vrow_ptr(0, false), keep, nres,
	                    fn_ptr(B, &Runtime::global_access), buf_addr_);
	return true;
}

// {i64, i1} mica_global_<op>[_saddr](ptr frame, ptr wave, i64 cycle, i32 exec, i64 packed,
// ptr va_out): the stall at 'cycle' (Worker::mem_stall), then the lanes' addresses (the address
// VGPR pair lo | hi << 32, or the SGPR pair's base + the VGPR; plus imm; packed_operands);
// when each half-wave's active lanes lie in one page the CU's TLB
// holds for this access type under the context's current invalidation generation, or which
// translates for it on a miss (Runtime::tlb_fill, which fills the TLB as the interpreter's access
// would; a write entry exists only for a page that grants writes: the MMU's permission check is
// part of the hit; a half without active lanes takes the other's page), the wave is past
// the SEC_WAVE_START_TLB window, EXEC is not 0 and a multi-dword store's lanes coincide or are
// disjoint, the access (emit_lanes) completed (mem_done_at, as in ds_helper), true and the
// cycle after it; else nothing else touched, the addresses in va_out for Worker::global_access,
// false and the cycle after the stall. One per kind of access and module: the IR per
// instruction is the call.
Function *Emitter::global_helper(const DecodedInst *d, bool saddr, uint64_t off)
{
	GlobalFns &fns = global_fns_[(d->op & 0xffffu) | (saddr ? 0x10000u : 0u)];
	if (!fns.whole)
		fns.whole = global_function(d, saddr);
	// Level 1: a dense row (emit_dense_global's case, its page in the TLB) in a function the
	// program inlines, everything else in the whole function it calls. The call, its prologue
	// and the vector registers it saves were a third of SAXPY's time in the access functions
	// (docs/performance.md, round 17). Inlined, an access is ~500-800 bytes of machine code in
	// each copy of its run, so only the first kMaxDenseInlined such instructions of a program
	// are (a straight run of 212 accesses took 3.5x the code and translation time).
	constexpr size_t kMaxDenseInlined = 16;
	if (level0_ || !saddr || d->info->mem_bytes != 4 || !inline_dense_rows() ||
	    (!dense_inlined_.count(off) && dense_inlined_.size() >= kMaxDenseInlined))
		return fns.whole;
	dense_inlined_.insert(off);
	if (!fns.dense)
		fns.dense = global_dense_function(d, fns.whole);
	return fns.dense;
}

// The whole access function of a global access kind (global_helper).
Function *Emitter::global_function(const DecodedInst *d, bool saddr)
{
	const unsigned size = d->info->mem_bytes, rows = size < 4 ? 1 : size / 4;
	const bool load = d->flags & MICA_OPF_LOAD;
	const unsigned nres = load ? mica_kind_table[d->info->kind[0]].regs : 0;
	Function *fn = Function::Create(FunctionType::get(access_ret(), {ptr, ptr, i64, i32, i64, ptr}, false), Function::InternalLinkage,
	                      std::string("mica_") + d->info->name + (saddr ? "_saddr" : ""), M);
	fn->addFnAttr(Attribute::NoUnwind);
	fn->addFnAttr(Attribute::NoInline);
	IRBuilderBase::InsertPointGuard g(B);
	// emit_lanes and tlb_lookup build in F and read the frame through frame_: this function's.
	Function *const prog_fn = F;
	Value *const prog_frame = frame_;
	F = fn;
	frame_ = fn->getArg(0);
	Value *wave = fn->getArg(1), *exec = fn->getArg(3), *packed = fn->getArg(4), *va_out = fn->getArg(5);
	B.SetInsertPoint(BasicBlock::Create(C, "entry", fn));
	Value *cyc = mem_stall_at(wave, fn->getArg(2), MICA_COUNTER_GM);
	Value *imm = B.CreateSExt(B.CreateTrunc(packed, i32), i64), *reg = unpack(packed, kPackedReg);
	Value *lo_row = vrow_at(wave, unpack(packed, kPackedAddr));
	Type *v64 = FixedVectorType::get(i64, kLanes);
	Value *active = B.CreateBitCast(exec, m32);
	Value *lo32 = B.CreateAlignedLoad(v32, lo_row, Align(64));
	Value *addr;
	if (saddr) {
		Value *sbase = scalar_base(wave, packed);
		if (size == 4) {
			emit_dense_global(d, wave, cyc, exec, sbase, lo32, imm, reg, packed, nres);
			emit_dense_halves(d, wave, cyc, exec, sbase, lo32, imm, reg, packed, nres);
		}
		addr = B.CreateAdd(splat(sbase), B.CreateZExt(lo32, v64));
	} else {
		Value *hi32 = B.CreateAlignedLoad(v32, at(lo_row, sizeof(Row)), Align(64));
		addr = B.CreateOr(B.CreateZExt(lo32, v64), B.CreateShl(B.CreateZExt(hi32, v64), ConstantInt::get(v64, 32)));
	}
	addr = B.CreateAdd(addr, splat(imm));
	// Each half-wave's active lanes in one page (SGEMM's two tile rows of a wave are 2 KiB apart
	// in A and lie in two pages about half the time); a half without active lanes takes the
	// other's page. Each page's TLB entry is tested; every active byte is in its half's page.
	Value *last = B.CreateAdd(addr, ConstantInt::get(v64, size - 1));
	std::vector<Constant *> upper;
	for (unsigned l = 0; l < kLanes; l++)
		upper.push_back(B.getInt1(l >= kHalf));
	Value *hi_lanes = ConstantVector::get(upper);
	Value *act[2] = {B.CreateAnd(active, B.CreateNot(hi_lanes)), B.CreateAnd(active, hi_lanes)};
	Value *lo_h[2], *hi_h[2], *any[2];
	for (unsigned h = 0; h < 2; h++) {
		lo_h[h] = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umin, B.CreateSelect(act[h], addr, ConstantInt::get(v64, ~0ull)));
		hi_h[h] = B.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umax, B.CreateSelect(act[h], last, ConstantInt::get(v64, 0)));
		any[h] = B.CreateICmpNE(B.CreateAnd(exec, B.getInt32(h ? 0xffff0000u : 0x0000ffffu)), B.getInt32(0));
	}
	Value *lo = B.CreateSelect(B.CreateICmpULT(lo_h[0], lo_h[1]), lo_h[0], lo_h[1]);
	const mica_access acc = load ? MICA_ACCESS_READ : MICA_ACCESS_WRITE;
	Value *inside = B.CreateICmpUGE(cyc, B.getInt64(MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE)), *hits = B.getTrue();
	Value *base[2], *page_va[2];
	for (unsigned h = 0; h < 2; h++) {
		Value *first = B.CreateSelect(any[h], lo_h[h], lo_h[1 - h]), *end = B.CreateSelect(any[h], hi_h[h], hi_h[1 - h]);
		Value *page = B.CreateLShr(first, 12);
		inside = B.CreateAnd(inside, B.CreateICmpEQ(page, B.CreateLShr(end, 12)));
		hits = B.CreateAnd(hits, tlb_lookup(page, acc, &base[h]));
		page_va[h] = B.CreateShl(page, 12);
	}
	inside = B.CreateAnd(inside, B.CreateICmpNE(exec, B.getInt32(0)));
	if (!load && size > 4) {
		// Lanes must coincide or be disjoint: the interpreter stores lane after lane, a scatter
		// stores dword after dword, and the two differ only for partially overlapping lanes.
		Value *rel = B.CreateSub(addr, splat(lo));
		Value *bad = B.CreateAnd(active, B.CreateICmpNE(B.CreateURem(rel, ConstantInt::get(v64, size)), ConstantInt::get(v64, 0)));
		inside = B.CreateAnd(inside, B.CreateICmpEQ(B.CreateBitCast(bad, i32), B.getInt32(0)));
	}
	BasicBlock *tested = B.GetInsertBlock();
	BasicBlock *go = BasicBlock::Create(C, "inside", fn), *fail = BasicBlock::Create(C, "declined", fn);
	BasicBlock *missed = BasicBlock::Create(C, "missed", fn), *refill = BasicBlock::Create(C, "refill", fn);
	B.CreateCondBr(B.CreateAnd(inside, hits), go, missed, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(missed);
	B.CreateCondBr(inside, refill, fail);
	// A TLB miss (SGEMM's tiles span more pages than the TLB holds): the translations the
	// interpreter's access would make, half 0's page first, then the access as on a hit; a page
	// that does not translate declines, and the interpreter's access reports its fault.
	B.SetInsertPoint(refill);
	Value *filled[2];
	for (unsigned h = 0; h < 2; h++)
		filled[h] = tlb_fill(wave, page_va[h], acc);
	BasicBlock *refilled = B.GetInsertBlock();
	B.CreateCondBr(B.CreateAnd(B.CreateIsNotNull(filled[0]), B.CreateIsNotNull(filled[1])), go, fail,
	               MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(fail);
	B.CreateAlignedStore(addr, va_out, Align(64));
	access_return(cyc, false);

	B.SetInsertPoint(go);
	for (unsigned h = 0; h < 2; h++) {
		PHINode *phi = B.CreatePHI(ptr, 2);
		phi->addIncoming(base[h], tested);
		phi->addIncoming(filled[h], refilled);
		base[h] = phi;
	}
	Value *data[4] = {nullptr, nullptr, nullptr, nullptr};
	if (!load)
		for (unsigned r = 0; r < rows; r++)
			data[r] = B.CreateAlignedLoad(v32, at(vrow_at(wave, reg), r * sizeof(Row)), Align(64));
	Value *res[4] = {nullptr, nullptr, nullptr, nullptr};
	emit_lanes(d, addr, page_va, base, B.CreateAnd(addr, ConstantInt::get(v64, MICA_PAGE_SIZE - 1)), active, data,
	           load ? 0 : rows, res);
	mem_done_at(d, wave, frame_, cyc, MICA_COUNTER_GM, exec, nres, res, reg, B.CreateTrunc(unpack(packed, kPackedPrev), i1));
	access_return(B.CreateAdd(cyc, B.getInt64(1)), true);
	F = prog_fn;
	frame_ = prog_frame;
	return fn;
}

// The dense case of a 32-bit global access through a scalar base, tested before the general
// one's per-half address reductions (~100 host instructions): every lane active and lane l at
// offset x0 + 4 l (SAXPY's rows, SGEMM's tile rows), x0 + 124 without 32-bit wrap, all 128
// bytes in one page, past the SEC_WAVE_START_TLB window. Then the access is one unmasked 32-lane
// load or store at the page's host address (from the TLB, or on a miss from the translation the
// general path would make), and the completion is the general path's (mem_done_at). It is the
// general path's access for such lanes (both halves in that page, contiguous: one block access
// each), so nothing else differs; anything else, a page that does not translate included, goes
// on to the general path in the block this leaves the builder in.
void Emitter::emit_dense_global(const DecodedInst *d, Value *wave, Value *cyc, Value *exec, Value *sbase, Value *lo32,
                                Value *imm, Value *reg, Value *packed, unsigned nres)
{
	Value *first = nullptr, *page = nullptr;
	Value *ok = dense_row_test(cyc, exec, sbase, lo32, imm, &first, &page);
	// The TLB only for a dense row: the general path looks its pages up itself.
	BasicBlock *row = BasicBlock::Create(C, "dense_row", F), *general = BasicBlock::Create(C, "general", F);
	B.CreateCondBr(ok, row, general, MDBuilder(C).createBranchWeights(16, 1));
	B.SetInsertPoint(row);
	const bool load = d->flags & MICA_OPF_LOAD;
	Value *page_host = tlb_page_or_fill(wave, page, load ? MICA_ACCESS_READ : MICA_ACCESS_WRITE, general);
	dense_row_access(d, wave, cyc, exec, page_host, first, reg, packed, nres);
	B.SetInsertPoint(general);
}

// emit_dense_global's test at cycle 'cyc' (after the stall): every lane active, lane l at x0 + 4 l,
// the row in one page (*first: its first byte's address, *page: that page), past the
// SEC_WAVE_START_TLB window.
Value *Emitter::dense_row_test(Value *cyc, Value *exec, Value *sbase, Value *lo32, Value *imm, Value **first, Value **page)
{
	std::vector<Constant *> steps;
	for (unsigned l = 0; l < kLanes; l++)
		steps.push_back(B.getInt32(4 * l));
	Value *x0 = B.CreateExtractElement(lo32, B.getInt64(0));
	Value *contiguous = B.CreateICmpEQ(
		B.CreateBitCast(B.CreateICmpNE(lo32, B.CreateAdd(B.CreateVectorSplat(kLanes, x0), ConstantVector::get(steps))), i32),
		B.getInt32(0));
	Value *ok = B.CreateAnd(B.CreateICmpEQ(exec, B.getInt32(~0u)), contiguous);
	ok = B.CreateAnd(ok, row_in_one_page(sbase, x0, imm, kLanes, first, page));
	return B.CreateAnd(ok, B.CreateICmpUGE(cyc, B.getInt64(MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE)));
}

// MICA_CU_JIT_ROW_PREFETCH=0: no prefetch ahead of a dense row's load (dense_row_access).
bool row_prefetch()
{
	static const bool on = switched_on("MICA_CU_JIT_ROW_PREFETCH");
	return on;
}

// A dense row's access at host page 'page_host' and its completion (mem_done_at), then the
// access function's return: made, the cycle after it.
void Emitter::dense_row_access(const DecodedInst *d, Value *wave, Value *cyc, Value *exec, Value *page_host, Value *first,
                               Value *reg, Value *packed, unsigned nres)
{
	Value *at_host = B.CreateGEP(i8, page_host, B.CreateAnd(first, B.getInt64(MICA_PAGE_SIZE - 1)));
	Value *res[4] = {nullptr, nullptr, nullptr, nullptr};
	if ((d->flags & MICA_OPF_LOAD) && row_prefetch()) {
		// A hint for the waves to come: a dense row is nearly always one of a stream that the
		// next waves walk on (SAXPY's x[i] and y[i], the reduction's values[i]: wave w of a
		// compute unit reads the 128 bytes after wave w - 1, and the unit's next workgroup is
		// CU_COUNT workgroups further on, 512 bytes for SAXPY on 2 units). Between two of its
		// rows the device model runs a wave's whole program, so the host's own prefetchers do
		// not run far enough ahead and the row's load waited for DRAM (a third of SAXPY's
		// translated code). The host lines 2 KiB on (16 rows) are asked for now. Like the
		// halves' hint it neither faults nor changes what the device shows; a row that is no
		// stream only pulls unrelated host lines into the cache. Stores are not hinted: SAXPY's
		// y[i] store follows its load. SAXPY 16M on one compute thread: 60-68 -> 48-55 ms of
		// CPU (docs/performance.md, round 19).
		constexpr int64_t kAhead = 2048;
		Function *prefetch = Intrinsic::getDeclaration(&M, Intrinsic::prefetch, {ptr});
		for (int64_t line = 0; line < int64_t(sizeof(Row)); line += 64)
			B.CreateCall(prefetch,
			             {B.CreateGEP(i8, at_host, B.getInt64(kAhead + line)), B.getInt32(0), B.getInt32(3), B.getInt32(1)});
	}
	if (d->flags & MICA_OPF_LOAD)
		res[0] = B.CreateAlignedLoad(v32, at_host, Align(4));
	else
		B.CreateAlignedStore(B.CreateAlignedLoad(v32, vrow_at(wave, reg), Align(64)), at_host, Align(4));
	mem_done_at(d, wave, frame_, cyc, MICA_COUNTER_GM, exec, nres, res, reg, B.CreateTrunc(unpack(packed, kPackedPrev), i1));
	access_return(B.CreateAdd(cyc, B.getInt64(1)), true);
}

// The inlined part of a 32-bit global access through a scalar base at level 1: a dense row whose
// page the TLB holds (no fill: a miss calls out) made here, with the stall; anything else goes,
// with nothing changed, to 'slow' (the whole function), which stalls and tests again.
Function *Emitter::global_dense_function(const DecodedInst *d, Function *slow)
{
	const bool load = d->flags & MICA_OPF_LOAD;
	const unsigned nres = load ? mica_kind_table[d->info->kind[0]].regs : 0;
	Function *fn = Function::Create(slow->getFunctionType(), Function::InternalLinkage, slow->getName() + "_dense", M);
	fn->addFnAttr(Attribute::NoUnwind);
	fn->addFnAttr(Attribute::AlwaysInline);
	IRBuilderBase::InsertPointGuard g(B);
	Function *const prog_fn = F;
	Value *const prog_frame = frame_;
	F = fn;
	frame_ = fn->getArg(0);
	Value *wave = fn->getArg(1), *cyc0 = fn->getArg(2), *exec = fn->getArg(3), *packed = fn->getArg(4);
	B.SetInsertPoint(BasicBlock::Create(C, "entry", fn));
	Value *cyc = mem_stall_end(wave, cyc0, MICA_COUNTER_GM); // stored below, once the access is made here
	Value *imm = B.CreateSExt(B.CreateTrunc(packed, i32), i64), *reg = unpack(packed, kPackedReg);
	Value *lo32 = B.CreateAlignedLoad(v32, vrow_at(wave, unpack(packed, kPackedAddr)), Align(64));
	Value *sbase = scalar_base(wave, packed);
	Value *first = nullptr, *page = nullptr;
	Value *ok = dense_row_test(cyc, exec, sbase, lo32, imm, &first, &page);
	BasicBlock *lookup = BasicBlock::Create(C, "dense_lookup", fn), *row = BasicBlock::Create(C, "dense_row", fn);
	BasicBlock *other = BasicBlock::Create(C, "other", fn), *not_row = BasicBlock::Create(C, "not_row", fn);
	const mica_access acc = load ? MICA_ACCESS_READ : MICA_ACCESS_WRITE;
	B.CreateCondBr(ok, lookup, not_row, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(lookup);
	Value *page_host = nullptr;
	Value *hit = tlb_lookup(page, acc, &page_host);
	B.CreateCondBr(hit, row, other, MDBuilder(C).createBranchWeights(64, 1));
	// Two dense half-rows (SGEMM's tile rows), both pages in the TLB.
	B.SetInsertPoint(not_row);
	Value *hfirst[2], *hpage[2];
	Value *hok = dense_halves_test(cyc, exec, sbase, lo32, imm, hfirst, hpage);
	BasicBlock *hlookup = BasicBlock::Create(C, "halves_lookup", fn), *halves = BasicBlock::Create(C, "dense_halves", fn);
	B.CreateCondBr(hok, hlookup, other, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(hlookup);
	Value *hhost[2], *hhit = B.getTrue();
	for (unsigned h = 0; h < 2; h++) {
		Value *ph = nullptr;
		hhit = B.CreateAnd(hhit, tlb_lookup(hpage[h], acc, &ph));
		hhost[h] = B.CreateGEP(i8, ph, B.CreateAnd(hfirst[h], B.getInt64(MICA_PAGE_SIZE - 1)));
	}
	B.CreateCondBr(hhit, halves, other, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(halves);
	add_stall(wave, cyc0, cyc);
	dense_halves_access(d, wave, cyc, exec, hhost, hfirst, reg, packed, nres);
	B.SetInsertPoint(other);
	std::vector<Value *> args;
	for (Argument &a : fn->args())
		args.push_back(&a);
	B.CreateRet(B.CreateCall(slow, args));
	B.SetInsertPoint(row);
	add_stall(wave, cyc0, cyc);
	dense_row_access(d, wave, cyc, exec, page_host, first, reg, packed, nres);
	F = prog_fn;
	frame_ = prog_frame;
	return fn;
}

// Two dense half-rows, tested after the dense row: every lane active, lanes 0-15 at offsets
// x0 + 4 l and lanes 16-31 at x16 + 4 (l - 16), neither half wrapping past 2^32, each half's 64
// bytes in one page (SGEMM's tile rows: two matrix rows 2 KiB apart, in one page or two). Then
// the access is one 16-lane load or store per half at its page's host address (from the TLB,
// or the translations the general path would make, half 0's page first), the lower half first,
// so where the halves overlap the upper lanes' stores win, as in lane order. It is the general
// path's access for such lanes (each half one block access), so nothing else differs; anything
// else goes on to the general path in the block this leaves the builder in.
void Emitter::emit_dense_halves(const DecodedInst *d, Value *wave, Value *cyc, Value *exec, Value *sbase, Value *lo32,
                                Value *imm, Value *reg, Value *packed, unsigned nres)
{
	const mica_access acc = d->flags & MICA_OPF_LOAD ? MICA_ACCESS_READ : MICA_ACCESS_WRITE;
	Value *first[2], *page[2];
	Value *ok = dense_halves_test(cyc, exec, sbase, lo32, imm, first, page);
	BasicBlock *rows_bb = BasicBlock::Create(C, "dense_halves", F), *general = BasicBlock::Create(C, "general", F);
	B.CreateCondBr(ok, rows_bb, general, MDBuilder(C).createBranchWeights(16, 1));
	B.SetInsertPoint(rows_bb);
	Value *host[2];
	for (unsigned h = 0; h < 2; h++) { // half 0's page first, as the interpreter's lane loop
		Value *page_host = tlb_page_or_fill(wave, page[h], acc, general);
		host[h] = B.CreateGEP(i8, page_host, B.CreateAnd(first[h], B.getInt64(MICA_PAGE_SIZE - 1)));
	}
	dense_halves_access(d, wave, cyc, exec, host, first, reg, packed, nres);
	B.SetInsertPoint(general);
}

// emit_dense_halves' test at cycle 'cyc' (after the stall): every lane active, each half's lanes
// at x + 4 (l % 16) in one page (first[h]: its first byte's address, page[h]: that page), past
// the SEC_WAVE_START_TLB window.
Value *Emitter::dense_halves_test(Value *cyc, Value *exec, Value *sbase, Value *lo32, Value *imm, Value **first, Value **page)
{
	std::vector<int> firsts;
	std::vector<Constant *> steps;
	for (unsigned l = 0; l < kLanes; l++) {
		firsts.push_back(l < kHalf ? 0 : static_cast<int>(kHalf));
		steps.push_back(B.getInt32(4 * (l % kHalf)));
	}
	Value *starts = B.CreateShuffleVector(lo32, firsts); // x0 in lanes 0-15, x16 in lanes 16-31
	Value *rows = B.CreateICmpEQ(
		B.CreateBitCast(B.CreateICmpNE(lo32, B.CreateAdd(starts, ConstantVector::get(steps))), i32), B.getInt32(0));
	Value *ok = B.CreateAnd(B.CreateICmpEQ(exec, B.getInt32(~0u)), rows);
	ok = B.CreateAnd(ok, B.CreateICmpUGE(cyc, B.getInt64(MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE)));
	for (unsigned h = 0; h < 2; h++)
		ok = B.CreateAnd(ok, row_in_one_page(sbase, B.CreateExtractElement(lo32, B.getInt64(h * kHalf)), imm, kHalf,
		                                     &first[h], &page[h]));
	return ok;
}

// Two dense half-rows' access at host addresses host[h] and their completion (mem_done_at), then
// the access function's return: made, the cycle after it.
void Emitter::dense_halves_access(const DecodedInst *d, Value *wave, Value *cyc, Value *exec, Value *const *host,
                                  Value *const *first, Value *reg, Value *packed, unsigned nres)
{
	FixedVectorType *v16 = FixedVectorType::get(i32, kHalf);
	Value *res[4] = {nullptr, nullptr, nullptr, nullptr};
	if (d->flags & MICA_OPF_LOAD) {
		res[0] = join_halves(B.CreateAlignedLoad(v16, host[0], Align(4)), B.CreateAlignedLoad(v16, host[1], Align(4)));
		// A hint for the next wave: SGEMM's waves load two rows of a tile each, the next wave the
		// two after them, so the host lines twice the halves' distance on are read next (the
		// B tile's rows are 2 KiB apart: each row a cache miss, ~12% of SGEMM's level-1 time).
		// A prefetch neither faults nor changes anything the device shows; where those lines lie
		// past the halves' pages it only pulls unrelated host lines into the cache. SGEMM 512:
		// 126-131 -> 123-127 ms (docs/performance.md, round 14).
		Value *next = B.CreateShl(B.CreateSub(first[1], first[0]), 1);
		Function *prefetch = Intrinsic::getDeclaration(&M, Intrinsic::prefetch, {ptr});
		for (unsigned h = 0; h < 2; h++)
			B.CreateCall(prefetch, {B.CreateGEP(i8, host[h], next), B.getInt32(0), B.getInt32(3), B.getInt32(1)});
	} else {
		Value *row = B.CreateAlignedLoad(v32, vrow_at(wave, reg), Align(64));
		B.CreateAlignedStore(half_of(row, 0), host[0], Align(4));
		B.CreateAlignedStore(half_of(row, 1), host[1], Align(4));
	}
	mem_done_at(d, wave, frame_, cyc, MICA_COUNTER_GM, exec, nres, res, reg, B.CreateTrunc(unpack(packed, kPackedPrev), i1));
	access_return(B.CreateAdd(cyc, B.getInt64(1)), true);
}

// read_vector_mem_operands' tests, in its order: EXEC (returned), the data rows (fresh), the
// destinations (writable: keep[k]).
Value *Emitter::vector_mem_operands(const DecodedInst *d, unsigned *ndata, unsigned *nres, Value **keep)
{
	Value *exec = read_s(MICA_OPND_EXEC, kVector);
	if (d->info->kind[3] != MICA_KIND_UNUSED) {
		*ndata = mica_kind_table[d->info->kind[3]].regs;
		for (unsigned k = 0; k < *ndata; k++)
			fresh(d->opnd[3] + k, kVector);
	}
	if (d->opnd[0] != MICA_OPND_NONE && d->info->kind[0] != MICA_KIND_UNUSED) {
		*nres = mica_kind_table[d->info->kind[0]].regs;
		for (unsigned k = 0; k < *nres; k++)
			keep[k] = writable(d->opnd[0] + k);
	}
	return exec;
}

// After an access function's call ('r': the cycle after the stall, or after the access if it
// was made): made (the function completed it: the lane count here), or declined (the
// interpreter's access 'fallback' with the same operands and 'addr', emit_access_fallback);
// then the next instruction.
void Emitter::emit_access_outcome(uint64_t off, const DecodedInst *d, Value *r, Value *exec, Value *data, Value *const *keep,
                                  unsigned nres, Value *fallback, Value *addr)
{
	set_cycle(B.CreateExtractValue(r, 0));
	BasicBlock *fastbb = BasicBlock::Create(C, "access_made", F), *slowbb = BasicBlock::Create(C, "access_declined", F);
	B.CreateCondBr(B.CreateExtractValue(r, 1), fastbb, slowbb, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(slowbb);
	emit_access_fallback(off, d, fallback, exec, data, keep, nres, addr);
	B.SetInsertPoint(fastbb);
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, lane_p_), B.CreateZExt(B.CreateUnaryIntrinsic(Intrinsic::ctpop, exec), i64)), lane_p_);
	++inline_count;
	goto_off(off + d->words * uint64_t(MICA_INSTRUCTION_BYTES));
}

// The interpreter's access code from the translation on (Runtime::global_access / ds_access,
// 'fn') with the operands read: the destinations' keep flags, the call, an exit unless the
// access continued, then the next instruction.
void Emitter::emit_access_fallback(uint64_t off, const DecodedInst *d, Value *fn, Value *exec, Value *data,
                                   Value *const *keep, unsigned nres, Value *addr)
{
	if (!buf_keep_)
		buf_keep_ = entry_alloca(4);
	for (unsigned k = 0; k < 4; k++)
		B.CreateStore(k < nres ? B.CreateZExt(keep[k], i8) : B.getInt8(0), at(buf_keep_, k));
	Value *st = call(ft_vmem, fn, {worker_, wave_, dptr(d), abs_pc(off), cycle(), exec, data, buf_keep_, addr});
	BasicBlock *stop = BasicBlock::Create(C, "vmem_stop", F), *go = BasicBlock::Create(C, "vmem_go", F);
	B.CreateCondBr(B.CreateICmpEQ(st, B.getInt32(static_cast<uint32_t>(Step::Continue))), go, stop);
	B.SetInsertPoint(stop);
	B.CreateRet(B.CreateAdd(st, B.getInt32(1))); // Step -> Exit, as in emit_callout
	B.SetInsertPoint(go);
	goto_off(off + d->words * uint64_t(MICA_INSTRUCTION_BYTES));
}

// Worker::mem_stall: wait for the oldest of max_outstanding operations on 'counter'.
void Emitter::emit_mem_stall(unsigned counter) { set_cycle(mem_stall_at(wave_, cycle(), counter)); }

// The same for 'wave' at cycle 'cyc' (the wave's stall count moved on): the cycle after it.
Value *Emitter::mem_stall_at(Value *wave, Value *cyc, unsigned counter)
{
	Value *nc = mem_stall_end(wave, cyc, counter);
	add_stall(wave, cyc, nc);
	return nc;
}

// The cycle the stall at 'cyc' ends (nothing stored).
Value *Emitter::mem_stall_end(Value *wave, Value *cyc, unsigned counter)
{
	const uint64_t ctr = offsetof(Wave, ctr) + counter * sizeof(MemCounter);
	Value *issued = B.CreateLoad(i32, at(wave, ctr + offsetof(MemCounter, issued)));
	Value *idx = B.CreateZExt(B.CreateURem(B.CreateSub(issued, B.getInt32(MICA_WAITCNT_NOWAIT)), B.getInt32(64)), i64);
	static_assert(std::tuple_size_v<decltype(MemCounter::done)> == 64);
	Value *t = B.CreateLoad(i64, B.CreateGEP(i64, at(wave, ctr + offsetof(MemCounter, done)), idx));
	t = B.CreateSelect(B.CreateICmpUGE(issued, B.getInt32(MICA_WAITCNT_NOWAIT)), t, B.getInt64(0));
	return B.CreateSelect(B.CreateICmpUGT(t, cyc), t, cyc);
}

// The wave's stall count grows by the cycles from 'from' to 'to'.
void Emitter::add_stall(Value *wave, Value *from, Value *to)
{
	Value *sp = at(wave, offsetof(Wave, stall));
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, sp), B.CreateSub(to, from)), sp);
}

// After an inline vector access: Worker::mem_issue, the counts, then the 'nres' result rows
// (res[k]; null: zero) blended under EXEC into the destination, the previous rows kept and
// produce_mem's records, and the cycle moved on (finish_vector_mem).
void Emitter::emit_mem_done(const DecodedInst *d, unsigned counter, Value *exec, unsigned nres, Value *const *res)
{
	const unsigned dst = d->opnd[0] == MICA_OPND_NONE ? 0u : d->opnd[0];
	mem_done_at(d, wave_, frame_, cycle(), counter, exec, d->opnd[0] == MICA_OPND_NONE ? 0u : nres, res, B.getInt64(dst),
	            B.getInt1(!prev_unread_.count(cur_off_)));
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, lane_p_), B.CreateZExt(B.CreateUnaryIntrinsic(Intrinsic::ctpop, exec), i64)), lane_p_);
	set_cycle(B.CreateAdd(cycle(), B.getInt64(1)));
}

// The same but the lane count and the cycle's move, for 'wave' and 'frame' at cycle 'cyc', the
// results going to VGPR 'dst' (i64) and up, whose rows are kept in vprev if 'keep_prev' (i1).
void Emitter::mem_done_at(const DecodedInst *d, Value *wave, Value *frame, Value *cyc, unsigned counter, Value *exec,
                          unsigned nres, Value *const *res, Value *dst, Value *keep_prev)
{
	const uint64_t ctr = offsetof(Wave, ctr) + counter * sizeof(MemCounter);
	const unsigned lat = mica_unit_table[d->unit].latency;
	Value *issued = B.CreateLoad(i32, at(wave, ctr + offsetof(MemCounter, issued)));
	Value *lastp = at(wave, ctr + offsetof(MemCounter, last_done));
	Value *ready = B.CreateAdd(cyc, B.getInt64(lat)), *after = B.CreateAdd(B.CreateLoad(i64, lastp), B.getInt64(1));
	Value *done = B.CreateSelect(B.CreateICmpUGT(after, ready), after, ready);
	B.CreateStore(done, B.CreateGEP(i64, at(wave, ctr + offsetof(MemCounter, done)), B.CreateZExt(B.CreateURem(issued, B.getInt32(64)), i64)));
	B.CreateStore(B.CreateAdd(issued, B.getInt32(1)), at(wave, ctr + offsetof(MemCounter, issued)));
	B.CreateStore(done, lastp);
	Value *mops = B.CreateLoad(ptr, at(frame, offsetof(Frame, mem_ops)));
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, mops), B.getInt64(1)), mops);
	// The destination's writability was checked by the instruction's operand test (check()).
	Value *active = B.CreateBitCast(exec, m32);
	for (unsigned k = 0; k < nres; k++) {
		Value *reg = B.CreateAdd(dst, B.getInt64(k));
		Value *rp = B.CreateGEP(i8, wave, B.CreateAdd(B.getInt64(offsetof(Wave, v)), B.CreateMul(reg, B.getInt64(sizeof(Row)))));
		Value *old = B.CreateAlignedLoad(v32, rp, Align(64));
		if (!isa<ConstantInt>(keep_prev)) {
			BasicBlock *keep = BasicBlock::Create(C, "keep_prev", B.GetInsertBlock()->getParent());
			BasicBlock *kept = BasicBlock::Create(C, "kept", B.GetInsertBlock()->getParent());
			B.CreateCondBr(keep_prev, keep, kept);
			B.SetInsertPoint(keep);
			B.CreateAlignedStore(old, at(rp, offsetof(Wave, vprev) - offsetof(Wave, v)), Align(64));
			B.CreateBr(kept);
			B.SetInsertPoint(kept);
		} else if (cast<ConstantInt>(keep_prev)->isOne()) {
			B.CreateAlignedStore(old, at(rp, offsetof(Wave, vprev) - offsetof(Wave, v)), Align(64));
		}
		B.CreateAlignedStore(B.CreateSelect(active, res[k] ? res[k] : Constant::getNullValue(v32), old), rp, Align(64));
		emit_mem_record_at(B.CreateGEP(i8, wave, B.CreateAdd(B.getInt64(offsetof(Wave, meta)), B.CreateMul(reg, B.getInt64(sizeof(RegMeta))))),
		                   done, counter, issued);
	}
}

// Shared (ds) loads and stores but atomics: the operand tests in read_vector_mem_operands' and
// exec_ds's order, the stall, then the access by the kind's function (ds_helper) with the
// address register's memo; when it declines (a lane outside the allocation, EXEC = 0, a
// multi-dword store's lanes overlapping partially) Worker::ds_access, the interpreter's code,
// with the same operands (the wave's rows, as exec_ds passes them).
bool Emitter::emit_ds(uint64_t off, const DecodedInst *d)
{
	const unsigned size = d->info->mem_bytes;
	unsigned ndata = 0, nres = 0;
	Value *keep[4] = {nullptr, nullptr, nullptr, nullptr};
	Value *exec = vector_mem_operands(d, &ndata, &nres, keep);
	fresh(d->opnd[1], kVector);
	count_instruction(*d); // the stall is the access function's
	const unsigned areg = d->opnd[1] - MICA_OPND_VGPR_FIRST;
	const RegRange w = vgprs_written(*d);
	auto known = memos_.find({areg, size}); // made by emit()'s walk, cleared by the writers
	Value *memo;
	if (known != memos_.end() && !(areg >= w.lo && areg < w.hi)) {
		memo = known->second;
	} else { // its own destination: a memo for this access alone
		if (!own_memo_)
			own_memo_ = entry_alloca(sizeof(AddrMemo));
		memo = own_memo_;
		B.CreateStore(B.getInt32(0), at(memo, offsetof(AddrMemo, kind)));
	}
	const bool load = d->flags & MICA_OPF_LOAD;
	auto first = ds_first_use_.find(off); // the run's copies: as decided by the walk
	if (first == ds_first_use_.end())
		first = ds_first_use_.emplace(off, !ds_run_pairs_.count({areg, size}) && areg < MICA_VGPRS_PER_WAVE &&
		                                       ds_run_written_.test(areg)).first;
	Function *fn = ds_helper(d, first->second);
	Value *packed = packed_operands(d, load ? d->opnd[0] : ndata ? d->opnd[3] : 0u, 0, load && !prev_unread_.count(off));
	Value *r = B.CreateCall(fn->getFunctionType(), fn, {frame_, wave_, cycle(), exec, packed, memo});
	emit_access_outcome(off, d, r, exec, ndata ? vrow_ptr(d->opnd[3], false) : vrow_ptr(0, false), keep, nres,
	                    fn_ptr(B, &Runtime::ds_access), vrow_ptr(d->opnd[1], false));
	return true;
}

// The CU's TLB entry for 'page' and access type 'access': true when it holds the page under the
// context's current invalidation generation (*host: the page's first byte).
// In an access function: Runtime::tlb_fill of the page at 'page_va' (the host page or null).
Value *Emitter::tlb_fill(Value *wave, Value *page_va, mica_access access)
{
	FunctionType *ft = FunctionType::get(ptr, {ptr, ptr, i64, i32}, false);
	return B.CreateCall(ft, fn_ptr(B, &Runtime::tlb_fill),
	                    {frame_field(ptr, offsetof(Frame, worker)), wave, page_va, B.getInt32(access)});
}

// In an access function: the host address of 'page' for 'access' from the TLB, or on a miss from
// the translation the interpreter's access would make first (tlb_fill: the TLB filled, the pages
// after it too when streaming); a page that does not translate branches to 'fail', whose path
// reports the fault. SAXPY's three streams missed every fourth page, and each miss went through
// the interpreter's per-lane access (docs/performance.md, "TLB misses on the translated path").
Value *Emitter::tlb_page_or_fill(Value *wave, Value *page, mica_access access, BasicBlock *fail)
{
	Value *host = nullptr;
	Value *hit = tlb_lookup(page, access, &host);
	BasicBlock *looked = B.GetInsertBlock();
	BasicBlock *refill = BasicBlock::Create(C, "tlb_refill", F), *have = BasicBlock::Create(C, "tlb_page", F);
	B.CreateCondBr(hit, have, refill, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(refill);
	Value *filled = tlb_fill(wave, B.CreateShl(page, 12), access);
	B.CreateCondBr(B.CreateIsNotNull(filled), have, fail, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(have);
	PHINode *phi = B.CreatePHI(ptr, 2);
	phi->addIncoming(host, looked);
	phi->addIncoming(filled, refill);
	return phi;
}

// The first byte of 'lanes' 32-bit lanes at sbase + x + imm (lane l at + 4 l), its page, and
// whether the lanes neither wrap past 2^32 in x nor leave that page.
Value *Emitter::row_in_one_page(Value *sbase, Value *x, Value *imm, unsigned lanes, Value **first, Value **page)
{
	*first = B.CreateAdd(B.CreateAdd(sbase, B.CreateZExt(x, i64)), imm);
	*page = B.CreateLShr(*first, 12);
	Value *no_wrap = B.CreateICmpULE(x, B.getInt32(0xffffffffu - 4 * (lanes - 1)));
	return B.CreateAnd(no_wrap, B.CreateICmpEQ(*page, B.CreateLShr(B.CreateAdd(*first, B.getInt64(4 * lanes - 1)), 12)));
}

Value *Emitter::tlb_lookup(Value *page, uint64_t access, Value **host)
{
	LoadInst *gen = B.CreateLoad(i64, frame_field(ptr, offsetof(Frame, tlb_gen)));
	gen->setAlignment(Align(8));
#if defined(__x86_64__)
	// The fast instruction selector takes no atomic load; on x86 every load is an acquire
	// load, and a volatile one is neither moved nor merged by the level-0 pipeline (EarlyCSE)
	// or the unscheduled fast code generator.
	const bool plain_acquire = level0_;
#else
	const bool plain_acquire = false;
#endif
	if (plain_acquire)
		gen->setVolatile(true);
	else
		gen->setAtomic(AtomicOrdering::Acquire);
	Value *gen_ok = B.CreateICmpEQ(gen, B.CreateLoad(i64, frame_field(ptr, offsetof(Frame, tlb_gen_seen))));
	Value *rot = B.CreateLShr(B.CreateMul(B.CreateLShr(page, kWorkerTlbBlockShift), B.getInt64(kWorkerTlbBlockHash)),
	                          kWorkerTlbHashShift); // worker_tlb_slot (worker.h)
	Value *slot = B.CreateAdd(B.getInt64(access * kWorkerTlbEntries),
	                          B.CreateAnd(B.CreateAdd(page, rot), B.getInt64(kWorkerTlbEntries - 1)));
	Value *entry = B.CreateGEP(i8, frame_field(ptr, offsetof(Frame, tlb)), B.CreateMul(slot, B.getInt64(16)));
	Value *hit = B.CreateICmpEQ(B.CreateLoad(i64, entry), page);
	*host = B.CreateLoad(ptr, B.CreateConstGEP1_64(i8, entry, 8));
	return B.CreateAnd(gen_ok, hit);
}

// Scalar loads (Worker::exec_smem) inline when the bytes lie in one page the CU's TLB holds for
// reads under the current invalidation generation and the wave is past the SEC_WAVE_START_TLB
// window: the stall, the read, mem_issue and produce_mem's records as the interpreter makes
// them. Otherwise (a TLB miss, two pages, a fault, the erratum window) nothing has been changed
// yet and the whole instruction goes to the interpreter's semantics (Runtime::exec), which fills
// the TLB for the next time.
bool Emitter::emit_smem(uint64_t off, const DecodedInst *d)
{
	const unsigned size = d->info->mem_bytes, n = size / 4;
	if (!(d->flags & MICA_OPF_LOAD) || size == 0 || size % 4 || n > 8 || d->opnd[0] == MICA_OPND_NONE ||
	    d->opnd[2] == MICA_OPND_NONE)
		return false;
	const uint64_t next = off + d->words * uint64_t(MICA_INSTRUCTION_BYTES);
	const uint64_t ctr = offsetof(Wave, ctr) + MICA_COUNTER_LS * sizeof(MemCounter);
	const unsigned lat = mica_unit_table[d->unit].latency;
	// The operand test is made at the cycle before the stall (a register fresh then is fresh
	// after it; one that is not goes to the interpreter, which stalls first itself).
	Value *lo = read_s(d->opnd[2], kScalar), *hi = read_s(d->opnd[2] + 1u, kScalar);
	Value *va = B.CreateOr(B.CreateZExt(lo, i64), B.CreateShl(B.CreateZExt(hi, i64), 32));
	if (d->opnd[1] != MICA_OPND_NONE)
		va = B.CreateAdd(va, B.CreateZExt(read_s(d->opnd[1], kScalar), i64));
	va = B.CreateAdd(va, B.getInt64(static_cast<uint64_t>(static_cast<int64_t>(d->imm))));
	for (unsigned k = 0; k < n; k++)
		writable(d->opnd[0] + k);
	// Worker::mem_stall, computed but not stored yet.
	Value *cyc0 = cycle();
	Value *issued = B.CreateLoad(i32, at(wave_, ctr + offsetof(MemCounter, issued)));
	Value *idx = B.CreateZExt(B.CreateURem(B.CreateSub(issued, B.getInt32(MICA_WAITCNT_NOWAIT)), B.getInt32(64)), i64);
	Value *oldest = B.CreateLoad(i64, B.CreateGEP(i64, at(wave_, ctr + offsetof(MemCounter, done)), idx));
	oldest = B.CreateSelect(B.CreateICmpUGE(issued, B.getInt32(MICA_WAITCNT_NOWAIT)), oldest, B.getInt64(0));
	Value *cyc = B.CreateSelect(B.CreateICmpUGT(oldest, cyc0), oldest, cyc0);
	Value *page = B.CreateLShr(va, 12);
	Value *one_page = B.CreateICmpEQ(page, B.CreateLShr(B.CreateAdd(va, B.getInt64(size - 1)), 12));
	Value *host = nullptr;
	Value *hit = tlb_lookup(page, MICA_ACCESS_READ, &host);
	Value *no_erratum = B.CreateICmpUGE(cyc, B.getInt64(MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE));
	Value *fast = B.CreateAnd(B.CreateAnd(one_page, hit), no_erratum);
	BasicBlock *fastbb = BasicBlock::Create(C, "smem_fast", F), *slowbb = BasicBlock::Create(C, "smem_slow", F);
	B.CreateCondBr(fast, fastbb, slowbb, MDBuilder(C).createBranchWeights(64, 1));
	B.SetInsertPoint(slowbb);
	emit_callout(off, d);

	B.SetInsertPoint(fastbb);
	count_instruction(*d);
	Value *sp = at(wave_, offsetof(Wave, stall));
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, sp), B.CreateSub(cyc, cyc0)), sp);
	Value *src = B.CreateGEP(i8, host, B.CreateAnd(va, B.getInt64(MICA_PAGE_SIZE - 1)));
	Value *words[8];
	for (unsigned k = 0; k < n; k++) {
		LoadInst *ld = B.CreateLoad(i32, B.CreateConstGEP1_64(i8, src, 4 * k));
		ld->setAlignment(Align(1));
		words[k] = ld;
	}
	// Worker::mem_issue.
	Value *lastp = at(wave_, ctr + offsetof(MemCounter, last_done));
	Value *ready = B.CreateAdd(cyc, B.getInt64(lat)), *after = B.CreateAdd(B.CreateLoad(i64, lastp), B.getInt64(1));
	Value *done = B.CreateSelect(B.CreateICmpUGT(after, ready), after, ready);
	B.CreateStore(done, B.CreateGEP(i64, at(wave_, ctr + offsetof(MemCounter, done)), B.CreateZExt(B.CreateURem(issued, B.getInt32(64)), i64)));
	B.CreateStore(B.CreateAdd(issued, B.getInt32(1)), at(wave_, ctr + offsetof(MemCounter, issued)));
	B.CreateStore(done, lastp);
	Value *mops = frame_field(ptr, offsetof(Frame, mem_ops));
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, mops), B.getInt64(1)), mops);
	B.CreateStore(B.CreateAdd(B.CreateLoad(i64, lane_p_), B.getInt64(1)), lane_p_);
	for (unsigned k = 0; k < n; k++) {
		const unsigned reg = d->opnd[0] + k;
		if (!hazard_free_)
			B.CreateStore(B.CreateLoad(i32, sreg_ptr(reg, false)), sreg_ptr(reg, true));
		B.CreateStore(words[k], sreg_ptr(reg, false));
		emit_mem_record(reg, done, MICA_COUNTER_LS, issued);
	}
	set_cycle(B.CreateAdd(cyc, B.getInt64(1)));
	++inline_count;
	goto_off(next);
	return true;
}

void Emitter::emit_callout(uint64_t off, const DecodedInst *d)
{
	B.CreateStore(B.CreateAdd(B.CreateLoad(i32, n_ptr()), B.getInt32(1)), n_ptr());
	Value *st = call(ft_exec, fn_ptr(B, &Runtime::exec), {worker_, wave_, dptr(d), abs_pc(off), cycle()});
	Value *wpc = B.CreateLoad(i64, at(wave_, offsetof(Wave, pc)));
	BasicBlock *stop = BasicBlock::Create(C, "stop", F), *go = BasicBlock::Create(C, "go", F);
	B.CreateCondBr(B.CreateICmpEQ(st, B.getInt32(static_cast<uint32_t>(Step::Continue))), go, stop);
	B.SetInsertPoint(stop);
	// Step::Barrier/Ended/Fault map to Exit::Barrier/Ended/Fault.
	static_assert(uint32_t(Step::Barrier) + 1 == uint32_t(Exit::Barrier) && uint32_t(Step::Ended) + 1 == uint32_t(Exit::Ended) &&
	              uint32_t(Step::Fault) + 1 == uint32_t(Exit::Fault));
	B.CreateRet(B.CreateAdd(st, B.getInt32(1))); // w.pc is where the interpreter left it
	B.SetInsertPoint(go);
	if (d->flags & MICA_OPF_BRANCH) {
		// The interpreter moved the pc: continue wherever it went.
		exit_with(Exit::Yield, wpc); // re-entered through the dispatch switch
		return;
	}
	goto_off(off + d->words * uint64_t(MICA_INSTRUCTION_BYTES));
}

void Emitter::emit_inst(uint64_t off, const CodeSlot &slot, DecodedInst *d)
{
	B.SetInsertPoint(blocks_.at(off));
	chk_list_ = nullptr;
	cur_off_ = off;
	if (slot.state == SlotState::Ok)
		clear_memos_written(*d);
	// The scheduler's quantum and the watchdog are checked before every instruction, exactly
	// where the interpreter checks them.
	// One test for both: the exit code says which one stopped the wave (the budget first, as in
	// Worker::run_quantum, where the wave yields before the interpreter's watchdog test).
	Value *n = B.CreateLoad(i32, n_ptr());
	Value *spent = B.CreateICmpUGE(n, budget_);
	blk_cycle_ = cycle();
	Value *late = B.CreateICmpUGT(blk_cycle_, wd());
	BasicBlock *stop = BasicBlock::Create(C, "stop", F), *body = BasicBlock::Create(C, "body", F);
	stop_cond_ = B.CreateOr(spent, late);
	stop_br_ = B.CreateCondBr(stop_cond_, stop, body, MDBuilder(C).createBranchWeights(1, 64));
	body_bb_ = body;
	stale_acc_ = nullptr;
	fold_list_ = nullptr;
	B.SetInsertPoint(body);
	if (auto run = fast_runs_.find(off); run != fast_runs_.end()) {
		// The copy's stop tests would all pass: n + j < budget and cycle_j <= wd for every later
		// instruction j of the run (the cycle moves on by at most run->second.cycles before the last).
		const FastRun &r = run->second;
		Value *fits_budget = B.CreateICmpULE(B.CreateAdd(n, B.getInt32(r.length)), budget_);
		Value *wd_limit = wd();
		Value *fits_wd = B.CreateAnd(B.CreateICmpUGE(wd_limit, B.getInt64(r.cycles)),
		                             B.CreateICmpULE(blk_cycle_, B.CreateSub(wd_limit, B.getInt64(r.cycles))));
		BasicBlock *usual = BasicBlock::Create(C, "checked_run", F);
		Value *fits = B.CreateAnd(fits_budget, fits_wd);
		if (auto full = full_blocks_.find(off); full != full_blocks_.end()) {
			BasicBlock *which = BasicBlock::Create(C, "which_copy", F);
			B.CreateCondBr(fits, which, usual, MDBuilder(C).createBranchWeights(4, 1));
			B.SetInsertPoint(which);
			Value *whole = B.CreateICmpEQ(B.CreateLoad(i32, sreg_ptr(MICA_OPND_EXEC, false)), B.getInt32(~0u));
			B.CreateCondBr(whole, full->second, fast_blocks_.at(off));
		} else {
			B.CreateCondBr(fits, fast_blocks_.at(off), usual, MDBuilder(C).createBranchWeights(4, 1));
		}
		B.SetInsertPoint(usual);
		body_bb_ = usual;
	}
	emit_inst_body(off, slot, d);
	// The stop block, once the instruction has said which operand tests it folded into it.
	B.SetInsertPoint(stop);
	Value *code = B.CreateSelect(spent, B.getInt32(uint32_t(Exit::Yield)), B.getInt32(uint32_t(Exit::Interp)));
	if (!stale_acc_) {
		exit_with(Exit::Yield, code, B.getInt64(off));
		return;
	}
	// Budget or watchdog: exit; else a register may be stale: Runtime::checks_ok decides, as at
	// level 1 (the usual case, a load result after its s_waitcnt, goes on inline).
	BasicBlock *out = BasicBlock::Create(C, "stop_exit", F), *stale = BasicBlock::Create(C, "stale", F);
	BasicBlock *interp = BasicBlock::Create(C, "stale_interp", F);
	B.CreateCondBr(stop_cond_, out, stale);
	B.SetInsertPoint(out);
	exit_with(Exit::Yield, code, B.getInt64(off));
	B.SetInsertPoint(stale);
	Value *r = call(ft_checks, fn_ptr(B, &Runtime::checks_ok),
	                {worker_, wave_, B.CreateIntToPtr(B.getInt64(reinterpret_cast<uint64_t>(fold_list_)), ptr), blk_cycle_});
	B.CreateCondBr(B.CreateICmpNE(r, B.getInt32(0)), body_bb_, interp);
	B.SetInsertPoint(interp);
	exit_at(Exit::Interp, off);
}

void Emitter::emit_inst_body(uint64_t off, const CodeSlot &slot, DecodedInst *d)
{

	if (slot.state != SlotState::Ok || (d->flags & MICA_OPF_PRIV)) {
		// Fetch fault, undecodable word or privileged instruction: the interpreter decides.
		exit_at(Exit::Interp, off);
		return;
	}
	if (d->info->format == MICA_FMT_CTRL && emit_branch(off, d))
		return;
	if (d->info->format == MICA_FMT_ALU && d->unit == MICA_UNIT_SALU && emit_salu(d)) {
		line_alu_ = true;
		goto_off(off + d->words * uint64_t(MICA_INSTRUCTION_BYTES));
		return;
	}
	if (d->info->format == MICA_FMT_MEM && d->unit == MICA_UNIT_SMEM && !(d->flags & MICA_OPF_IMAGE) &&
	    emit_smem(off, d))
		return;
	if (d->info->format == MICA_FMT_MEM && emit_vmem(off, d))
		return;
	if (d->info->format == MICA_FMT_ALU && d->unit != MICA_UNIT_SALU && emit_valu(off, d)) {
		line_alu_ = true;
		goto_off(off + d->words * uint64_t(MICA_INSTRUCTION_BYTES));
		return;
	}
	callouts[d->info->name]++;
	emit_callout(off, d);
}

// The straight run (line_): what a wave's pipeline records hold at an instruction follows from
// the instructions before it on the path the wave took, whichever engine ran them (the
// translation is exact) and whenever it ran them (between two quanta, a tier-up or a warm-up
// switch, the wave's state is the same). At an instruction that only the previous one falls
// through to (not the entry, not a branch target), that path ends with the previous
// instruction, so what an inline ALU instruction or s_nop wrote still holds there: each
// instruction moves the cycle on by at least one (a record written k instructions earlier with a
// guard 'need' cycles after its issue is fresh once k >= need), and nothing else writes the
// records of the registers it names: the waves' registers are their own, launch is at the entry,
// and every other kind of instruction (memory, waits, branches, calls to the interpreter's
// semantics) ends the run. That is what the inline code knows, on its own path: each of those
// instructions ran inline, its operand tests passed, and it wrote its records by the plan
// (emit_record). The interpreter, executing one of them instead (an operand test failed, the
// kill-flag poll, a warm-up), may not have: it drops a write a write-after-write guard forbids.
// So the translated code is not entered after the interpreter inside a run that relies on
// what came before (the wave's 'interpreted' flag, checked at entry): the interpreter goes on
// to the run's end. The fields emit_record leaves out (haz, issue, vis of unguarded classes)
// only make checked mode's report, which the JIT never runs.
void Emitter::line_continues(uint64_t off, const CodeSlot &slot)
{
	line_index_++;
	if (line_alu_ && slot.state == SlotState::Ok && !(slot.inst.flags & (MICA_OPF_BRANCH | MICA_OPF_END))) {
		line_next_ = off + slot.inst.words * uint64_t(MICA_INSTRUCTION_BYTES);
	} else {
		line_.clear();
		line_next_ = ~0ull;
	}
}

// Worker::executed_ (the opcodes a dispatch ran, per compute unit) is cleared only by
// begin_dispatch, and a wave's pc moves only by launch (to offset 0), by falling through, and by
// the static branches (targets_): no instruction sets it from a register. So a wave at an
// instruction that is not offset 0 and not a branch target came from the instruction before it,
// which it executed in this dispatch on this compute unit (a privileged instruction of a user
// dispatch, a fetch fault or an undecodable word ends the wave there), and every engine marks
// the opcode it executes (the interpreter in exec_decoded, the translated code here unless
// this rule says it is marked already). By induction along the run, the opcodes of every
// instruction of the fall-through run before this one are marked: storing one again changes
// nothing. The run starts at offset 0 and at each branch target.
// A shared or global load's result is read stale (its previous row: Worker::read_v, Emitter::fresh) only
// by an instruction that names one of its registers while the record says the value is not yet
// visible, and a vector row's previous value is read nowhere else. Walking on from the load
// through the instructions every wave that executed it executes next (contiguous slots, no
// branch: whichever engine runs them, in this order), the previous rows are never read when,
// before any instruction names a destination register, the wave ends (s_endpgm), or a wait
// covers the load: s_fence, or s_waitcnt with a count n on the load's counter and at least n
// accesses on that counter after the load: ds instructions on LS, global (not image)
// instructions on GM, each of which issues one there unless it ends the wave, EXEC 0 or not
// (finish_vector_mem), and they complete in issue order (MemCounter::last_done). After that wait the record reads as
// covered (waited > its sequence number, the cycle past its completion: fresh_slow clears it
// and reads the new row, as emit_clear_waited does), and a later producer that keeps a previous
// value writes it itself. So the load need not copy its destinations' rows to vprev.
bool Emitter::prev_unread(std::map<uint64_t, CodeSlot>::const_iterator it) const
{
	const DecodedInst &ld = it->second.inst;
	// The accesses counted on the load's counter (a lower bound: others, scalar loads and image
	// instructions among them, are not counted).
	auto on_counter = [](const DecodedInst &d, bool gm) {
		return d.info->format == MICA_FMT_MEM && !(d.flags & MICA_OPF_IMAGE) &&
		       d.unit == (gm ? MICA_UNIT_VMEM : MICA_UNIT_LDS);
	};
	const bool gm = ld.unit == MICA_UNIT_VMEM;
	const unsigned shift = gm ? MICA_WAITCNT_GM_SHIFT : MICA_WAITCNT_LS_SHIFT;
	const unsigned lo = ld.opnd[0] - MICA_OPND_VGPR_FIRST, n = mica_kind_table[ld.info->kind[0]].regs;
	auto names = [&](const DecodedInst &d) {
		for (unsigned k = 0; k < 4; k++) {
			const unsigned o = d.opnd[k];
			if (o > MICA_OPND_VGPR_LAST) // MICA_OPND_NONE and every non-VGPR operand
				continue;
			const unsigned r = o - MICA_OPND_VGPR_FIRST;
			const unsigned cnt = d.info->kind[k] == MICA_KIND_UNUSED ? 1u : std::max(1u, unsigned(mica_kind_table[d.info->kind[k]].regs));
			if (r < lo + n && lo < r + cnt)
				return true;
		}
		return false;
	};
	uint32_t after = 0; // accesses issued on the load's counter after the load
	uint64_t next = it->first + ld.words * uint64_t(MICA_INSTRUCTION_BYTES);
	for (++it; it != code_.slots.end() && it->first == next && after < 64; ++it) {
		const CodeSlot &s = it->second;
		if (s.state != SlotState::Ok || (s.inst.flags & MICA_OPF_PRIV) || names(s.inst))
			return false;
		const DecodedInst &d = s.inst;
		if (d.op == MICA_OP_S_ENDPGM || d.op == MICA_OP_S_FENCE)
			return true;
		if (d.op == MICA_OP_S_WAITCNT) {
			const uint32_t most = (static_cast<uint32_t>(d.imm) >> shift) & ((1u << MICA_WAITCNT_BITS) - 1);
			if (most < MICA_WAITCNT_NOWAIT && after >= most)
				return true;
		}
		if (d.flags & (MICA_OPF_BRANCH | MICA_OPF_END))
			return false;
		if (on_counter(d, gm))
			after++;
		next = it->first + d.words * uint64_t(MICA_INSTRUCTION_BYTES);
	}
	return false;
}

void Emitter::ops_run_continues(uint64_t off, const CodeSlot &slot)
{
	if (slot.state == SlotState::Ok && !(slot.inst.flags & MICA_OPF_PRIV)) {
		run_ops_.set(slot.inst.op);
		run_next_ = off + slot.inst.words * uint64_t(MICA_INSTRUCTION_BYTES);
	} else {
		run_ops_.reset();
		run_next_ = ~0ull;
	}
}

// Level 1: the block the dispatch switch enters instruction 'off' through, which reads the
// counters from their homes itself. Entered straight from the switch, every instruction's block
// has phis for the four promoted counters (the switch and the code before it are its
// predecessors), and the switch edges are critical: the register allocator copied the entry's
// four values into each target's slots in the switch's own block, so every entry into
// translated code (each scheduling quantum, each return from a barrier) stored 4 values per
// instruction of the program (the reduction unrolled to 156 instructions: ~20% of its level-1
// samples, 80 stack stores in a row). Volatile loads, so that CSE does not take the entry's
// values instead and the empty block is not folded back into the switch.
BasicBlock *Emitter::entry_block(uint64_t off, BasicBlock *target)
{
	BasicBlock *bb = BasicBlock::Create(C, "enter" + std::to_string(off), F);
	IRBuilder<> eb(bb);
	auto reread = [&](Type *t, Value *p) {
		LoadInst *l = eb.CreateLoad(t, p);
		l->setVolatile(true);
		return l;
	};
	eb.CreateStore(reread(i64, at_b(eb, wave_, offsetof(Wave, cycle))), cyc_a_);
	eb.CreateStore(reread(i64, instr_home_), instr_p_);
	eb.CreateStore(reread(i64, lane_home_), lane_p_);
	eb.CreateStore(eb.getInt32(0), n_a_);
	eb.CreateBr(target);
	return bb;
}

// MICA_CU_JIT_FULL_EXEC=0: no full-EXEC copies of the runs (Emitter::FastRun).
bool full_exec_copies()
{
	static const bool on = switched_on("MICA_CU_JIT_FULL_EXEC");
	return on;
}

// MICA_CU_JIT_FAST_RUNS=0: no copies of the runs without stop tests.
bool fast_runs_enabled()
{
	static const bool on = switched_on("MICA_CU_JIT_FAST_RUNS");
	return on;
}

// The runs: fall-through sequences that no branch enters but at their first instruction and that
// end at a branch, an end, s_trap or a slot the translation cannot run, at most kMaxFastRun
// instructions (the scheduling quantum is 32: a longer run would never fit a budget). Only the
// stop tests are left out of the copy, and only when they would all pass, so it does what the
// usual code does. How far the cycle can move per instruction: s_nop N takes N + 1 cycles; a
// wait or a memory instruction stalls until a completion no later than the latest issue cycle
// plus the longest unit latency (completions are at most latency after their issue and at least
// one cycle apart in issue order, Worker::mem_issue), so 1 + that latency (2 + twice it is taken,
// a margin); anything else 1. The s_barrier exits (the release moves the cycle outside the run).
void Emitter::find_fast_runs()
{
	constexpr uint32_t kMaxFastRun = 16, kMinFastRun = 3;
	unsigned max_latency = 0;
	for (unsigned u = 0; u < MICA_UNIT_COUNT; u++)
		max_latency = std::max<unsigned>(max_latency, mica_unit_table[u].latency);
	const uint64_t most = 2 + 2ull * max_latency; // per instruction, with a margin
	std::vector<std::pair<uint64_t, const CodeSlot *>> run;
	auto close = [&](uint64_t end) {
		if (run.size() >= kMinFastRun) {
			uint64_t cycles = 0;
			for (size_t j = 0; j + 1 < run.size(); j++) {
				const DecodedInst &d = run[j].second->inst;
				cycles += d.op == MICA_OP_S_NOP ? uint64_t(static_cast<uint32_t>(d.imm)) + 1 : most;
			}
			const uint64_t first = run.front().first;
			bool stable = full_exec_copies();
			for (const auto &[off, slot] : run) {
				const DecodedInst &d = slot->inst;
				// (A multi-register destination from s127 up would reach EXEC: not stable either.)
				const bool past_sgprs = d.info && mica_opnd_classify(d.opnd[0]) == MICA_OC_SGPR &&
				                        d.opnd[0] + std::max<unsigned>(1, mica_kind_table[d.info->kind[0]].regs) >
				                                MICA_OPND_SGPR_LAST + 1u;
				stable = stable && !(d.flags & MICA_OPF_WEXEC) && !past_sgprs &&
				         std::find(std::begin(d.opnd), std::end(d.opnd), MICA_OPND_EXEC) == std::end(d.opnd);
			}
			fast_runs_[first] = FastRun{end, static_cast<uint32_t>(run.size()), cycles};
			full_exec_runs += stable;
			for (const auto &[off, slot] : run) {
				fast_run_end_[off] = end;
				fast_blocks_[off] = BasicBlock::Create(C, "fast" + std::to_string(off), F);
				if (stable)
					full_blocks_[off] = BasicBlock::Create(C, "full" + std::to_string(off), F);
			}
		}
		run.clear();
	};
	uint64_t expect = ~0ull;
	for (const auto &[off, slot] : code_.slots) {
		if (off != expect || targets_.count(off) || run.size() == kMaxFastRun)
			close(off);
		if (slot.state != SlotState::Ok || (slot.inst.flags & MICA_OPF_PRIV)) {
			close(off);
			expect = ~0ull;
			continue;
		}
		const DecodedInst &d = slot.inst;
		run.push_back({off, &slot});
		expect = off + d.words * uint64_t(MICA_INSTRUCTION_BYTES);
		if ((d.flags & (MICA_OPF_BRANCH | MICA_OPF_END)) || d.op == MICA_OP_S_TRAP)
			close(expect);
	}
	close(expect);
}

// The instruction at 'off' once more, in its run's copy: what emit_inst emits after the stop test;
// with 'full_exec', in the copy entered with EXEC all ones.
void Emitter::emit_fast_copy(uint64_t off, const CodeSlot &slot, DecodedInst *d, bool full_exec)
{
	const uint32_t inl = inline_count;
	const auto outs = callouts;
	B.SetInsertPoint((full_exec ? full_blocks_ : fast_blocks_).at(off));
	full_exec_ = full_exec;
	chk_list_ = nullptr;
	cur_off_ = off;
	stop_br_ = nullptr;
	stop_cond_ = nullptr;
	stale_acc_ = nullptr;
	fold_list_ = nullptr;
	body_bb_ = nullptr;
	blk_cycle_ = cycle();
	clear_memos_written(*d);
	fast_end_ = fast_run_end_.at(off);
	emit_inst_body(off, slot, d);
	fast_end_ = 0;
	full_exec_ = false;
	inline_count = inl; // counted once, for the usual code
	callouts = outs;
}

// What Worker::run_workgroup does when a wave reaches a barrier and a later wave of its round
// is left (Frame::round_rest), without returning to it: the arrival counts into the release
// cycle, and the next wave of the round gets its quantum, the scheduler's budget (32
// instructions, fewer when the kill poll is due sooner; none: the interpreter runs its next
// instruction, so the code returns instead), and runs from its pc through the head, as the
// entry would run it. The scheduler learns which waves arrived from round_index.
void Emitter::emit_barrier_switch(uint64_t next)
{
	auto frame_field = [&](size_t off) { return at(frame_, off); };
	BasicBlock *try_switch = BasicBlock::Create(C, "barrier_switch", F);
	BasicBlock *go = BasicBlock::Create(C, "barrier_next_wave", F);
	BasicBlock *out = BasicBlock::Create(C, "barrier_exit", F);
	Value *rest = B.CreateLoad(i32, frame_field(offsetof(Frame, round_rest)));
	B.CreateCondBr(B.CreateICmpNE(rest, B.getInt32(0)), try_switch, out, MDBuilder(C).createBranchWeights(8, 1));
	B.SetInsertPoint(try_switch);
	Value *poll = B.CreateAdd(B.CreateLoad(i32, frame_field(offsetof(Frame, abort_poll))), B.CreateLoad(i32, n_ptr()));
	Value *left = B.CreateSub(B.getInt32(4095), B.CreateAnd(poll, B.getInt32(4095)));
	Value *polled = B.CreateICmpNE(B.CreateLoad(i32, frame_field(offsetof(Frame, abort_polled))), B.getInt32(0));
	Value *budget = B.CreateSelect(polled, B.CreateIntrinsic(Intrinsic::umin, {i32}, {left, B.getInt32(kQuantum)}),
	                               B.getInt32(kQuantum));
	B.CreateCondBr(B.CreateICmpNE(budget, B.getInt32(0)), go, out, MDBuilder(C).createBranchWeights(4095, 1));
	B.SetInsertPoint(go);
	flush_counters(B);
	B.CreateStore(abs_pc(next), at(wave_, offsetof(Wave, pc)));
	B.CreateStore(poll, frame_field(offsetof(Frame, abort_poll)));
	Value *rel_p = frame_field(offsetof(Frame, round_release));
	Value *arrival = B.CreateAdd(cycle(), B.getInt64(1));
	B.CreateStore(B.CreateIntrinsic(Intrinsic::umax, {i64}, {B.CreateLoad(i64, rel_p), arrival}), rel_p);
	Value *idx = B.CreateIntrinsic(Intrinsic::cttz, {i32}, {rest, B.getTrue()});
	B.CreateStore(B.CreateAnd(rest, B.CreateSub(rest, B.getInt32(1))), frame_field(offsetof(Frame, round_rest)));
	B.CreateStore(idx, frame_field(offsetof(Frame, round_index)));
	Value *waves = B.CreateLoad(ptr, frame_field(offsetof(Frame, round_waves)));
	B.CreateStore(B.CreateLoad(ptr, B.CreateGEP(ptr, waves, B.CreateZExt(idx, i64))), frame_field(offsetof(Frame, wave)));
	B.CreateStore(budget, frame_field(offsetof(Frame, budget)));
	B.CreateBr(head_);
	B.SetInsertPoint(out);
}

void Emitter::emit_chain_restart()
{
	ft_chain_ = FunctionType::get(i32, {ptr}, false);
	chain_restart_ = BasicBlock::Create(C, "chain_restart", F);
	IRBuilder<> rb(chain_restart_);
	// What the entry does for a launched wave (its memo_reset is set); the counters were reloaded
	// after the call, and the executed count goes on (the budget is the worker's, over the whole
	// chain).
	clear_memos(rb, true, true);
	rb.CreateStore(rb.CreateLoad(i64, at_b(rb, frame_, offsetof(Frame, wd_limit))), wd_a_);
	rb.CreateBr(blocks_.at(0));
}

Function *Emitter::emit(const std::string &name)
{
	ft_exec = FunctionType::get(i32, {ptr, ptr, ptr, i64, i64}, false);
	ft_checks = FunctionType::get(i32, {ptr, ptr, ptr, i64}, false);
	ft_vmem = FunctionType::get(i32, {ptr, ptr, ptr, i64, i64, i32, ptr, ptr, ptr}, false);
	ft_vmem0 = FunctionType::get(i32, {ptr, ptr, ptr, i64, i64, i32}, false);
	ft_vd = FunctionType::get(B.getVoidTy(), {ptr, ptr, ptr, ptr, ptr, i32, i32, ptr}, false);
	ft_md = FunctionType::get(i32, {ptr, ptr, i32, ptr}, false);
	ft_splat = FunctionType::get(B.getVoidTy(), {ptr, i32}, false);

	F = Function::Create(FunctionType::get(i32, {ptr}, false), Function::ExternalLinkage, name, M);
	F->addFnAttr(Attribute::NoUnwind);
	BasicBlock *entry = BasicBlock::Create(C, "entry", F);
	entry_ = entry;
	B.SetInsertPoint(entry);
	frame_ = F->getArg(0);
	auto field = [&](Type *t, size_t off) { return B.CreateLoad(t, at(frame_, off)); };
	worker_ = field(ptr, offsetof(Frame, worker));
	base_ = field(i64, offsetof(Frame, base_pc));
	exec_ops_ = field(ptr, offsetof(Frame, executed_ops));
	instr_home_ = field(ptr, offsetof(Frame, instructions));
	lane_home_ = field(ptr, offsetof(Frame, lane_instructions));
	// Everything of the wave is read in the head, which an in-code wave switch at s_barrier
	// enters again for the next wave (emit_barrier_switch); the entry holds what is the
	// dispatch's.
	head_ = BasicBlock::Create(C, "head", F);
	if (!level0_) {
		cyc_a_ = B.CreateAlloca(i64);
		n_a_ = B.CreateAlloca(i32);
		instr_p_ = B.CreateAlloca(i64);
		lane_p_ = B.CreateAlloca(i64);
		wd_a_ = B.CreateAlloca(i64);
		B.CreateStore(field(i64, offsetof(Frame, wd_limit)), wd_a_);
	}
	B.CreateBr(head_);
	B.SetInsertPoint(head_);
	wave_ = field(ptr, offsetof(Frame, wave));
	budget_ = field(i32, offsetof(Frame, budget));
	if (level0_) {
		// Level 0 keeps them in their homes: its fast register allocator spilled the promoted
		// values around every block, and the reduction's level-0 code ran 1.5x longer.
		cyc_a_ = at(wave_, offsetof(Wave, cycle));
		n_a_ = at(frame_, offsetof(Frame, executed));
		instr_p_ = instr_home_;
		lane_p_ = lane_home_;
		wd0_ = field(i64, offsetof(Frame, wd_limit));
	}
	B.CreateStore(B.getInt32(0), n_a_);
	// The counters are read where the head leaves: each instruction's entry block (entry_block)
	// and the two returns below. Read here as well, they were loaded at every entry and every
	// wave switch and dead on the way to an instruction.
	Value *pc = B.CreateLoad(i64, at(wave_, offsetof(Wave, pc)));

	exit_bb_ = BasicBlock::Create(C, "exit", F);
	{
		IRBuilderBase::InsertPointGuard g(B);
		B.SetInsertPoint(exit_bb_);
		exit_code_ = B.CreatePHI(i32, 64, "exit_code");
		exit_off_ = B.CreatePHI(i64, 64, "exit_off");
		flush_counters(B);
		B.CreateStore(B.CreateAdd(base_, exit_off_), at(wave_, offsetof(Wave, pc)));
		B.CreateRet(exit_code_);
	}
	BasicBlock *unknown = BasicBlock::Create(C, "unknown_pc", F);
	for (const auto &[off, slot] : code_.slots)
		blocks_[off] = BasicBlock::Create(C, "i" + std::to_string(off), F);
	// Entered where the interpreter executed the wave's last instruction: an instruction whose
	// code relies on what the run before it wrote (line_) is left to the interpreter as well,
	// until the run ends (the interpreter may have dropped a write the inline code would have
	// made: a write-after-write hazard). The flag is the wave's (Worker::step sets it).
	Value *entry_off = B.CreateSub(pc, base_);
	Value *after_interp = B.CreateLoad(i32, at(wave_, offsetof(Wave, interpreted)));
	B.CreateStore(B.getInt32(0), at(wave_, offsetof(Wave, interpreted)));
	BasicBlock *dispatch = BasicBlock::Create(C, "dispatch", F), *resume = BasicBlock::Create(C, "resume", F);
	BasicBlock *resume_interp = BasicBlock::Create(C, "resume_interp", F);
	B.CreateCondBr(B.CreateICmpNE(after_interp, B.getInt32(0)), resume, dispatch, MDBuilder(C).createBranchWeights(1, 1000));
	B.SetInsertPoint(resume);
	SwitchInst *needs_run = B.CreateSwitch(entry_off, dispatch);
	B.SetInsertPoint(resume_interp);
	reload_counters(B);
	exit_with(Exit::Interp, pc);
	B.SetInsertPoint(dispatch);
	SwitchInst *sw = B.CreateSwitch(entry_off, unknown, static_cast<unsigned>(blocks_.size()));
	for (const auto &[off, bb] : blocks_)
		sw->addCase(B.getInt64(off), level0_ ? bb : entry_block(off, bb));
	B.SetInsertPoint(unknown);
	reload_counters(B);
	exit_with(Exit::Interp, pc);
	// Every shared access's memo, before any instruction is emitted (a writer of its register
	// may come first), none at entry.
	for (const auto &[off, slot] : code_.slots)
		if (slot.state == SlotState::Ok && ds_memo_user(slot.inst))
			memo_for(slot.inst.opnd[1] - MICA_OPND_VGPR_FIRST, slot.inst.info->mem_bytes);
	clear_memos_at_entry(after_interp);
	if (!level0_ && prog_.chains() && blocks_.count(0))
		emit_chain_restart();

	RegRange rows, srows;
	for (const auto &[off, slot] : code_.slots)
		if (slot.state == SlotState::Ok && (slot.inst.flags & MICA_OPF_BRANCH))
			targets_.insert(branch_target(off, slot.inst));
	if (hazard_free_ && !level0_ && fast_runs_enabled())
		find_fast_runs();
	for (auto it = code_.slots.begin(); it != code_.slots.end(); ++it) {
		const DecodedInst &d = it->second.inst;
		const bool global_load = d.info && d.info->format == MICA_FMT_MEM && d.unit == MICA_UNIT_VMEM &&
		                         !(d.flags & (MICA_OPF_ATOMIC | MICA_OPF_IMAGE));
		if (it->second.state == SlotState::Ok && (ds_memo_user(d) || global_load) && (d.flags & MICA_OPF_LOAD) &&
		    d.opnd[0] <= MICA_OPND_VGPR_LAST && d.info->kind[0] != MICA_KIND_UNUSED && (hazard_free_ || prev_unread(it)))
			prev_unread_.insert(it->first);
	}
	for (const auto &[off, slot] : code_.slots) {
		if (slot.state == SlotState::Ok) {
			rows.add(vgprs_written(slot.inst));
			srows.add(sgprs_written(slot.inst));
		}
		prog_.insts.push_back(std::make_unique<DecodedInst>(slot.inst));
		if (off != line_next_ || targets_.count(off))
			line_.clear();
		if (!line_.empty())
			needs_run->addCase(B.getInt64(off), resume_interp);
		line_alu_ = false;
		if (off != run_next_ || targets_.count(off)) {
			run_ops_.reset();
			ds_run_pairs_.clear();
			ds_run_written_.reset();
		}
		op_marked_ = slot.state == SlotState::Ok && run_ops_.test(slot.inst.op);
		count_pending(off, slot);
		emit_inst(off, slot, prog_.insts.back().get());
		if (fast_run_end_.count(off)) {
			emit_fast_copy(off, slot, prog_.insts.back().get(), false);
			if (full_blocks_.count(off))
				emit_fast_copy(off, slot, prog_.insts.back().get(), true);
		}
		line_continues(off, slot);
		ds_run_continues(slot);
		ops_run_continues(off, slot);
		if (slot.state == SlotState::Ok)
			note_load(prog_.insts.back().get());
	}
	prog_.set_rows(rows, srows);
	return F;
}

// A short pipeline: translation time matters as much as code quality (a dispatch waits for it).
// The IR is already straight-line vector code; what it needs is the allocas promoted, the
// repeated loads of the same guard or row merged, and the branch skeleton simplified.
void optimise(Module &m, TargetMachine *tm, unsigned level)
{
	// The first tier runs EarlyCSE only (InstCombine and SimplifyCFG took 30% of a level-0
	// translation: matmul 24 of 83 ms), and nothing when its VALU lanes are calls: then EarlyCSE
	// took 10% of the translation and saved the fast code generator nothing measurable, while
	// without it the vector blocks SelectionDAG selects grow (matmul codegen 56 -> 67 ms).
	if (level == 0 && lane_calls())
		return;
	LoopAnalysisManager lam;
	FunctionAnalysisManager fam;
	CGSCCAnalysisManager cgam;
	ModuleAnalysisManager mam;
	PassBuilder pb(tm);
	pb.registerModuleAnalyses(mam);
	pb.registerCGSCCAnalyses(cgam);
	pb.registerFunctionAnalyses(fam);
	pb.registerLoopAnalyses(lam);
	pb.crossRegisterProxies(lam, fam, cgam, mam);
	FunctionPassManager fpm;
	if (level == 0) {
		fpm.addPass(EarlyCSEPass(false));
	} else {
		fpm.addPass(SROAPass());
		fpm.addPass(EarlyCSEPass(true));
		// One round over the function instead of rounds until one changes nothing: the second
		// round found nothing to do in four of the five example kernels and in SGEMM only
		// rewrote 14 constants of (x + c) mod 64 (the same machine code but for the lea
		// immediates), for 37% of the IR passes' work (docs/performance.md, "Level-1 translation
		// time").
		fpm.addPass(InstCombinePass(1));
		fpm.addPass(SimplifyCFGPass());
		// The access functions' fast paths (ds_helper) into the program first.
		ModulePassManager mpm;
		mpm.addPass(AlwaysInlinerPass(false));
		mpm.run(m, mam);
	}
	for (Function &f : m)
		if (!f.isDeclaration())
			fpm.run(f, fam);
}

} // namespace

std::string host_target()
{
	JitHost &h = host(base_level());
	if (!h.jit)
		return "unavailable: " + h.error;
	std::string vec = "sse";
	if (h.features.find("+avx512f") != std::string::npos)
		vec = "avx512";
	else if (h.features.find("+avx2") != std::string::npos)
		vec = "avx2";
	return h.cpu + " (" + vec + ")";
}

bool available() { return host(base_level()).jit != nullptr; }

namespace {

// Thread CPU time: on a loaded host the wall clock says little about the translator.
double cpu_ms()
{
	timespec ts{};
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}

} // namespace

bool tiered() { return forced_level() < 0 && host(1).jit != nullptr; }

std::shared_ptr<Program> compile(const Code &code, unsigned level, std::string *error)
{
	if (forced_level() >= 0)
		level = static_cast<unsigned>(forced_level());
	JitHost &h = host(std::min(level, 2u));
	if (!h.jit) {
		*error = h.error;
		return nullptr;
	}
	auto ctx = std::make_unique<LLVMContext>();
	auto mod = std::make_unique<Module>("mica_program", *ctx);
	mod->setDataLayout(h.jit->getDataLayout());
	mod->setTargetTriple(h.jit->getTargetTriple().str());
	auto prog = std::make_shared<CompiledProgram>(code.hash, static_cast<uint32_t>(code.slots.size()), 0, level);
	std::lock_guard<std::mutex> lock(*h.mutex);
	const double t_emit = cpu_ms();
	const std::string name = "mica_prog_" + std::to_string(h.next_id++);
	const bool proven = hazard_free(code);
	prog->set_hazard_free(proven);
	prog->set_chains(chains(code, kQuantum));
	Emitter em(*ctx, *mod, code, *prog, level, proven);
	Function *f = em.emit(name);
	std::string msg;
	raw_string_ostream os(msg);
	if (verifyModule(*mod, &os)) {
		*error = "invalid IR: " + os.str();
		return nullptr;
	}
	(void)f;
	const double t0 = cpu_ms();
	size_t ir_size = 0; // the program's function and the access functions it calls
	for (const Function &fn : *mod)
		for (const BasicBlock &bb : fn)
			ir_size += bb.size();
	optimise(*mod, h.tm.get(), level);
	const double t1 = cpu_ms();
	if (const char *dump = std::getenv("MICA_CU_JIT_DUMP")) { // the optimised IR, for looking at
		std::error_code ec;
		raw_fd_ostream out(dump, ec);
		if (!ec)
			mod->print(out, nullptr);
	}
	const bool debug = std::getenv("MICA_CU_JIT_DEBUG") != nullptr;
	if (debug) { // the machine code's size, from the object before it is linked (code_size.h)
		static bool watched[3] = {false, false, false}; // per host, under its lock
		if (!watched[std::min(level, 2u)])
			watch_code_size(*h.jit), watched[std::min(level, 2u)] = true;
		expect_code_size(name);
	}
	orc::ResourceTrackerSP rt = h.jit->getMainJITDylib().createResourceTracker();
	if (Error e = h.jit->addIRModule(rt, orc::ThreadSafeModule(std::move(mod), std::move(ctx)))) {
		*error = toString(std::move(e));
		return nullptr;
	}
	auto sym = h.jit->lookup(name);
	if (!sym) {
		*error = toString(sym.takeError());
		consumeError(rt->remove());
		return nullptr;
	}
	prog->set(sym->toPtr<uint32_t (*)(Frame *)>(), rt);
	if (debug) {
		const CodeSize cs = last_code_size();
		std::fprintf(stderr, "mica jit: level %u: %zu IR instructions; emit and verify %.1f ms, optimise %.1f ms, codegen %.1f ms (thread CPU time); "
		             "machine code %zu bytes (program %zu, %.0f per instruction; access functions %zu), constants %zu bytes\n",
		             level, ir_size, t0 - t_emit, t1 - t0, cpu_ms() - t1, cs.text, cs.program,
		             code.slots.empty() ? 0.0 : double(cs.program) / double(code.slots.size()), cs.text - cs.program, cs.pool);
	}
	if (debug) {
		std::string list;
		for (const auto &[op, n] : em.callouts)
			list += " " + op + "x" + std::to_string(n);
		std::fprintf(stderr, "mica jit: called out:%s\n", list.c_str());
	}
	prog->set_inline(em.inline_count);
	prog->set_full_exec_runs(em.full_exec_runs);
	return prog;
}

// Runs a small module through level 'level''s whole pipeline once (the IR passes and the code
// generator, as compile() does), so that what LLVM constructs on the first use of a pass (function
// statics, destroyed at exit in reverse order of construction) exists before the caller registers
// its exit handler: a translation still running when the process exits is then joined by that
// handler before any of them is destroyed (translate.cpp, stop_tierups_at_exit). The module
// holds what the translations hold: 32-lane vectors, masked loads and stores, a gather, a
// reduction, a switch, an indirect call, selects and branches.
void warm_up(unsigned level)
{
	JitHost &h = host(std::min(level, 2u));
	if (!h.jit)
		return;
	auto ctx = std::make_unique<LLVMContext>();
	auto mod = std::make_unique<Module>("mica_warm_up", *ctx);
	mod->setDataLayout(h.jit->getDataLayout());
	mod->setTargetTriple(h.jit->getTargetTriple().str());
	std::lock_guard<std::mutex> lock(*h.mutex);
	const std::string name = "mica_warm_up_" + std::to_string(h.next_id++);
	IRBuilder<> b(*ctx);
	Type *i32 = b.getInt32Ty(), *i64 = b.getInt64Ty(), *p = PointerType::get(*ctx, 0);
	auto *v32 = FixedVectorType::get(i32, kLanes), *v64 = FixedVectorType::get(i64, kLanes);
	auto *m32 = FixedVectorType::get(b.getInt1Ty(), kLanes);
	Function *fn = Function::Create(FunctionType::get(i32, {p, i32, p}, false), Function::ExternalLinkage, name, *mod);
	Value *mem = fn->getArg(0), *bits = fn->getArg(1), *callee = fn->getArg(2);
	BasicBlock *entry = BasicBlock::Create(*ctx, "entry", fn), *one = BasicBlock::Create(*ctx, "one", fn);
	BasicBlock *two = BasicBlock::Create(*ctx, "two", fn), *out = BasicBlock::Create(*ctx, "out", fn);
	b.SetInsertPoint(entry);
	Value *mask = b.CreateBitCast(bits, m32);
	Value *row = b.CreateAlignedLoad(v32, mem, Align(64));
	Value *sum = b.CreateAdd(row, b.CreateMul(row, row));
	Value *blend = b.CreateSelect(mask, sum, row);
	b.CreateMaskedStore(blend, b.CreateConstGEP1_64(b.getInt8Ty(), mem, 128), Align(4), mask);
	Value *loaded = b.CreateMaskedLoad(v32, b.CreateConstGEP1_64(b.getInt8Ty(), mem, 256), Align(4), mask, row);
	Value *addr = b.CreateAdd(b.CreateVectorSplat(kLanes, b.CreatePtrToInt(mem, i64)), b.CreateZExt(b.CreateAnd(loaded, b.CreateVectorSplat(kLanes, b.getInt32(255))), v64));
	Value *gathered = b.CreateMaskedGather(v32, b.CreateIntToPtr(addr, FixedVectorType::get(p, kLanes)), Align(4), mask, row);
	Value *low = b.CreateUnaryIntrinsic(Intrinsic::vector_reduce_umin, b.CreateSelect(mask, addr, b.CreateVectorSplat(kLanes, b.getInt64(~0ull))));
	Value *cmp = b.CreateBitCast(b.CreateICmpULT(gathered, loaded), i32);
	SwitchInst *sw = b.CreateSwitch(b.CreateAnd(cmp, b.getInt32(3)), out, 2);
	sw->addCase(b.getInt32(1), one);
	sw->addCase(b.getInt32(2), two);
	b.SetInsertPoint(one);
	b.CreateStore(low, mem);
	b.CreateBr(out);
	b.SetInsertPoint(two);
	b.CreateCall(FunctionType::get(i32, {p}, false), callee, {mem});
	b.CreateBr(out);
	b.SetInsertPoint(out);
	b.CreateAlignedStore(gathered, b.CreateConstGEP1_64(b.getInt8Ty(), mem, 384), Align(64));
	b.CreateRet(cmp);
	if (verifyModule(*mod, nullptr))
		return;
	optimise(*mod, h.tm.get(), level);
	// A loop adding a value loaded from constant memory at a loop-invariant index, left
	// unoptimised so the load stays in the loop and is folded into the add: MachineLICM then asks
	// the X86 back end for the unfolded opcode, whose table is such a first-use static (the one a
	// level-1 translation at exit was seen to construct after the exit handler: Piglit's
	// gegl-rgb-gamma-u8-to-ragabaf crashed in the code generator at exit 1 time in 3).
	auto lctx = std::make_unique<LLVMContext>();
	auto lmod = std::make_unique<Module>("mica_warm_up_loop", *lctx);
	lmod->setDataLayout(h.jit->getDataLayout());
	lmod->setTargetTriple(h.jit->getTargetTriple().str());
	const std::string lname = name + "_loop";
	{
		IRBuilder<> l(*lctx);
		Type *li32 = l.getInt32Ty();
		ArrayType *at = ArrayType::get(li32, 4);
		auto *table = new GlobalVariable(*lmod, at, true, GlobalValue::InternalLinkage,
		                                 ConstantArray::get(at, {l.getInt32(3), l.getInt32(5), l.getInt32(7), l.getInt32(11)}), "mica_warm_up_table");
		Function *lf = Function::Create(FunctionType::get(li32, {li32, li32}, false), Function::ExternalLinkage, lname, *lmod);
		BasicBlock *le = BasicBlock::Create(*lctx, "entry", lf), *body = BasicBlock::Create(*lctx, "body", lf);
		BasicBlock *done = BasicBlock::Create(*lctx, "done", lf);
		l.SetInsertPoint(le);
		Value *idx = l.CreateAnd(lf->getArg(1), l.getInt32(3));
		l.CreateBr(body);
		l.SetInsertPoint(body);
		PHINode *i = l.CreatePHI(li32, 2), *acc = l.CreatePHI(li32, 2);
		Value *elt = l.CreateLoad(li32, l.CreateGEP(at, table, {l.getInt32(0), idx}));
		Value *next = l.CreateAdd(l.CreateMul(acc, i), elt);
		Value *inc = l.CreateAdd(i, l.getInt32(1));
		i->addIncoming(l.getInt32(0), le);
		i->addIncoming(inc, body);
		acc->addIncoming(lf->getArg(0), le);
		acc->addIncoming(next, body);
		l.CreateCondBr(l.CreateICmpULT(inc, lf->getArg(0)), body, done);
		l.SetInsertPoint(done);
		l.CreateRet(next);
	}
	if (verifyModule(*lmod, nullptr))
		return;
	orc::ResourceTrackerSP rt = h.jit->getMainJITDylib().createResourceTracker();
	if (Error e = h.jit->addIRModule(rt, orc::ThreadSafeModule(std::move(mod), std::move(ctx)))) {
		consumeError(std::move(e));
		return;
	}
	if (Error e = h.jit->addIRModule(rt, orc::ThreadSafeModule(std::move(lmod), std::move(lctx)))) {
		consumeError(std::move(e));
		consumeError(rt->remove());
		return;
	}
	for (const std::string &sym_name : {name, lname})
		if (auto sym = h.jit->lookup(sym_name); !sym)
			consumeError(sym.takeError());
	consumeError(rt->remove());
}

} // namespace mica::sim::cu::jit
