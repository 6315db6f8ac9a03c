#include "spirv_prepare.h"

#include <spirv-tools/libspirv.h>
#include <spirv-tools/libspirv.hpp>
#include <spirv-tools/optimizer.hpp>
#include <spirv/unified1/spirv.hpp11>
#include <algorithm>
#include <cstdlib>
#include <deque>
#include <list>
#include <mutex>
#include <cstring>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "mica/compiler/compiler.h"
#include "spirv_names.h"

namespace mica::compiler {

namespace {

// Whether any OpVariable with storage class Function is left in the module.
bool has_function_variables(const std::vector<uint32_t> &w)
{
	for (size_t i = 5; i < w.size();) {
		uint32_t n = w[i] >> 16, op = w[i] & 0xffffu;
		if (n == 0 || i + n > w.size())
			return false;
		if (op == (uint32_t)spv::Op::OpVariable && n >= 4 && w[i + 3] == (uint32_t)spv::StorageClass::Function)
			return true;
		i += n;
	}
	return false;
}

// Unrolled code is bounded: a loop whose header compares against an integer constant (its trip
// count, in the usual `i < N` shape) is unrolled only while N times its size in words stays under
// this budget. Unbounded full unrolling made a 38416-iteration loop (dEQP-VK float16 logical_nan
// vector cases) take minutes and ~900 MB in SPIRV-Tools' unroller and constant propagation.
constexpr uint64_t kUnrollBudgetWords = 1u << 16;

// Which loops request_unroll marks. The scratch-variable case (whole_budget) takes every loop
// whose estimate fits kUnrollBudgetWords; the performance case (small_loops) only innermost
// loops of at most kSmallLoopTrips iterations whose unrolled body stays under
// kSmallLoopBudgetWords.
enum class UnrollPolicy { whole_budget, small_loops };

// A loop of a few iterations costs the device its control on every iteration (compare, branch,
// counter, address arithmetic: 9 of the 12 instructions per step of SGEMM's 16-step inner loop);
// unrolled, the counter becomes constants that fold into the memory instructions' immediate
// offsets. Bounded so the program stays small for the JIT's optimising tier (512 instructions)
// and the compile time stays that of the loop: at most 32 iterations and 4096 words (~800 SPIR-V
// instructions) of unrolled body, innermost loops only, and the module may grow by at most
// kSmallLoopGrowthWords in all. (SPIRV-Tools leaves loops with a second exit, a break, alone.)
// Not loops with a barrier in their body: the 16M tree reduction (8 levels, a barrier each) ran
// 5-10% slower per dispatch on the JIT unrolled (its code per barrier-separated piece is what the
// scheduler re-enters, and the loop control is a small share next to the barrier's), and its first
// dispatch paid 2-3x the translation; the interpreter ran it 20% faster (docs/performance.md).
constexpr uint64_t kSmallLoopTrips = 32;
constexpr uint64_t kSmallLoopBudgetWords = 4096;
constexpr size_t kSmallLoopGrowthWords = 1024;

// Marks loops for SPIRV-Tools' full unroller (it only takes loops with the Unroll hint and leaves
// those whose trip count is not constant): every loop without a DontUnroll hint, unless its
// header's comparison constant says the unrolled code would exceed the policy's budget (above).
// Returns whether it marked a loop whose header compares against a constant.
bool request_unroll(std::vector<uint32_t> &w, UnrollPolicy policy = UnrollPolicy::whole_budget)
{
	std::unordered_map<uint32_t, uint64_t> constants;   // |value| of 32-bit integer constants
	std::unordered_map<uint32_t, size_t> labels;        // OpLabel id -> word position
	for (size_t i = 5; i < w.size();) {
		uint32_t n = w[i] >> 16, op = w[i] & 0xffffu;
		if (n == 0 || i + n > w.size())
			return false;
		if (op == (uint32_t)spv::Op::OpConstant && n == 4)
			constants[w[i + 2]] = (uint64_t)std::llabs((long long)(int32_t)w[i + 3]);
		if (op == (uint32_t)spv::Op::OpLabel && n == 2)
			labels[w[i + 1]] = i;
		i += n;
	}
	auto is_int_compare = [](uint32_t op) {
		using O = spv::Op;
		switch ((O)op) {
		case O::OpIEqual: case O::OpINotEqual:
		case O::OpSLessThan: case O::OpSLessThanEqual: case O::OpSGreaterThan: case O::OpSGreaterThanEqual:
		case O::OpULessThan: case O::OpULessThanEqual: case O::OpUGreaterThan: case O::OpUGreaterThanEqual:
			return true;
		default:
			return false;
		}
	};
	size_t block_start = 0;   // position of the current block's OpLabel
	bool marked_constant = false;
	for (size_t i = 5; i < w.size();) {
		uint32_t n = w[i] >> 16, op = w[i] & 0xffffu;
		if (op == (uint32_t)spv::Op::OpLabel)
			block_start = i;
		if (op == (uint32_t)spv::Op::OpLoopMerge && n >= 4 && !(w[i + 3] & (uint32_t)spv::LoopControlMask::DontUnroll)) {
			// The loop's extent: from its header to its merge block (structured order).
			auto merge = labels.find(w[i + 1]);
			const bool extent_known = merge != labels.end() && merge->second > block_start;
			const uint64_t body = extent_known ? merge->second - block_start : 0;
			bool innermost = extent_known, barrier = false;
			for (size_t j = i + n; innermost && j < merge->second;) {
				const uint32_t jn = w[j] >> 16;
				if (jn == 0)
					break;
				innermost = (w[j] & 0xffffu) != (uint32_t)spv::Op::OpLoopMerge;
				barrier |= (w[j] & 0xffffu) == (uint32_t)spv::Op::OpControlBarrier;
				j += jn;
			}
			// The estimate: the largest constant the header compares with; for small_loops also
			// the constants flowing into a header phi it compares (the start of `k = 9; k >= 0`).
			uint64_t trips = 0;
			std::unordered_map<uint32_t, uint64_t> phi_constants;   // header phi -> its largest constant
			for (size_t j = block_start; j < w.size();) {
				uint32_t jn = w[j] >> 16, jop = w[j] & 0xffffu;
				if (jn == 0 || (j > block_start && jop == (uint32_t)spv::Op::OpLabel))
					break;
				if (jop == (uint32_t)spv::Op::OpPhi && policy == UnrollPolicy::small_loops)
					for (size_t k = j + 3; k < j + jn; k += 2)
						if (auto c = constants.find(w[k]); c != constants.end())
							phi_constants[w[j + 2]] = std::max(phi_constants[w[j + 2]], c->second);
				if (is_int_compare(jop) && jn == 5)
					for (size_t k = j + 3; k < j + 5; ++k) {
						if (auto c = constants.find(w[k]); c != constants.end())
							trips = std::max(trips, c->second);
						if (auto c = phi_constants.find(w[k]); c != phi_constants.end())
							trips = std::max(trips, c->second);
					}
				j += jn;
			}
			const bool mark = policy == UnrollPolicy::whole_budget
			                      ? trips * body <= kUnrollBudgetWords
			                      : innermost && !barrier && trips > 0 && trips <= kSmallLoopTrips &&
			                            trips * body <= kSmallLoopBudgetWords;
			if (mark) {
				w[i + 3] |= (uint32_t)spv::LoopControlMask::Unroll;
				marked_constant |= trips > 0;
			}
		}
		i += n;
	}
	return marked_constant;
}

// Clears the DontInline function-control hint: the back end has no calls, every function is
// inlined (a hint, not semantics: SPIR-V 2.2.2).
std::vector<uint32_t> without_dont_inline(std::span<const uint32_t> in)
{
	std::vector<uint32_t> w(in.begin(), in.end());
	for (size_t i = 5; i < w.size();) {
		uint32_t n = w[i] >> 16, op = w[i] & 0xffffu;
		if (n == 0 || i + n > w.size())
			break;
		if (op == (uint32_t)spv::Op::OpFunction && n >= 5)
			w[i + 3] &= ~(uint32_t)spv::FunctionControlMask::DontInline;
		i += n;
	}
	return w;
}

// Every OpSNegate becomes OpISub(null, x) (the same value: SPIR-V's negation is two's
// complement). SPIRV-Tools' folding rewrites -(a / b) as a / -b or (-a) / b, which is only right
// for signed division; on OpUDiv it computed -(gid / 3u) as gid / 0xfffffffd (found by the
// differential tester, tests/difftest/regressions/mismatch_negated_unsigned_division). A
// subtraction from zero is left alone by that rule.
std::vector<uint32_t> negation_as_subtraction(std::span<const uint32_t> in)
{
	std::vector<uint32_t> out;
	if (in.size() < 5)
		return std::vector<uint32_t>(in.begin(), in.end());
	uint32_t bound = in[3];
	std::unordered_map<uint32_t, uint32_t> null_of;   // type id -> OpConstantNull id
	std::vector<uint32_t> body;
	size_t first_function = in.size();
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return std::vector<uint32_t>(in.begin(), in.end());
		if (op == (uint32_t)spv::Op::OpFunction && first_function == in.size())
			first_function = i;
		if (op == (uint32_t)spv::Op::OpSNegate && n == 4 && i > first_function) {
			auto [it, fresh] = null_of.try_emplace(in[i + 1], bound);
			if (fresh)
				bound++;
			const uint32_t sub[] = {(5u << 16) | (uint32_t)spv::Op::OpISub, in[i + 1], in[i + 2], it->second, in[i + 3]};
			body.insert(body.end(), std::begin(sub), std::end(sub));
		} else if (i >= first_function) {
			body.insert(body.end(), in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)(i + n));
		}
		i += n;
	}
	if (null_of.empty())
		return std::vector<uint32_t>(in.begin(), in.end());
	out.assign(in.begin(), in.begin() + (ptrdiff_t)first_function);
	out[3] = bound;
	for (auto [type, id] : null_of) {
		const uint32_t decl[] = {(3u << 16) | (uint32_t)spv::Op::OpConstantNull, type, id};
		out.insert(out.end(), std::begin(decl), std::end(decl));
	}
	out.insert(out.end(), body.begin(), body.end());
	return out;
}

// SPIRV-Tools' inliner creates function-scope variables holding PhysicalStorageBuffer pointers
// (for pointer-valued calls and parameters) without the AliasedPointer/RestrictPointer
// decoration the validator requires of them; they get AliasedPointer (the conservative one).
void decorate_physical_pointer_variables(std::vector<uint32_t> &w)
{
	std::unordered_map<uint32_t, bool> phys_ptr_type, fn_ptr_to_phys;   // type id -> yes
	std::unordered_map<uint32_t, bool> decorated;
	std::vector<uint32_t> need;
	size_t first_type = 0;
	for (size_t i = 5; i < w.size();) {
		const uint32_t n = w[i] >> 16, op = w[i] & 0xffffu;
		if (n == 0 || i + n > w.size())
			return;
		if (!first_type && op >= (uint32_t)spv::Op::OpTypeVoid && op <= (uint32_t)spv::Op::OpTypeForwardPointer)
			first_type = i;
		if (op == (uint32_t)spv::Op::OpDecorate && n >= 3 &&
		    (w[i + 2] == (uint32_t)spv::Decoration::AliasedPointer || w[i + 2] == (uint32_t)spv::Decoration::RestrictPointer))
			decorated[w[i + 1]] = true;
		if (op == (uint32_t)spv::Op::OpTypePointer && n >= 4) {
			if (w[i + 2] == (uint32_t)spv::StorageClass::PhysicalStorageBuffer)
				phys_ptr_type[w[i + 1]] = true;
			else if ((w[i + 2] == (uint32_t)spv::StorageClass::Function || w[i + 2] == (uint32_t)spv::StorageClass::Private) &&
			         phys_ptr_type.count(w[i + 3]))
				fn_ptr_to_phys[w[i + 1]] = true;
		}
		if (op == (uint32_t)spv::Op::OpVariable && n >= 4 && fn_ptr_to_phys.count(w[i + 1]) && !decorated.count(w[i + 2]))
			need.push_back(w[i + 2]);
		i += n;
	}
	if (need.empty() || !first_type)
		return;
	std::vector<uint32_t> deco;
	for (uint32_t id : need)
		deco.insert(deco.end(), {3u << 16 | (uint32_t)spv::Op::OpDecorate, id, (uint32_t)spv::Decoration::AliasedPointer});
	w.insert(w.begin() + (ptrdiff_t)first_type, deco.begin(), deco.end());
}

// Promotes function-scope variables to SSA values: access chains on locals into
// insert/extract, aggregates split into scalars, loads and stores forwarded, SSA rewrite, DCE.
// Without 'ssa_rewrite' only the single-block and single-store forms are promoted (the fallback
// recipe of prepare_spirv).
spvtools::Optimizer &register_promotion(spvtools::Optimizer &o, bool ssa_rewrite)
{
	o.RegisterPass(spvtools::CreateLocalAccessChainConvertPass())
		.RegisterPass(spvtools::CreateScalarReplacementPass())
		.RegisterPass(spvtools::CreateLocalSingleBlockLoadStoreElimPass())
		.RegisterPass(spvtools::CreateLocalSingleStoreElimPass());
	if (ssa_rewrite)
		o.RegisterPass(spvtools::CreateSSARewritePass());
	return o.RegisterPass(spvtools::CreateAggressiveDCEPass());
}

} // namespace


namespace {

constexpr uint32_t kMaxIdBound = 1u << 22;     // 4M ids: far above any real compute shader
constexpr size_t kMaxWords = 1u << 24;         // 64 MiB of SPIR-V

std::string level_name(spv_message_level_t l)
{
	switch (l) {
	case SPV_MSG_FATAL: return "fatal";
	case SPV_MSG_INTERNAL_ERROR: return "internal error";
	case SPV_MSG_ERROR: return "error";
	case SPV_MSG_WARNING: return "warning";
	default: return "info";
	}
}

// Modules that passed the validator (with the options prepare_spirv uses), by content: a
// pipeline created again from the same SPIR-V with other specialization constants (the
// constants are applied after validation) does not validate the same words again. Compared
// word by word, so a different module is never mistaken for a validated one. Small and
// process-wide: the hot case is an application creating variants of a few modules.
class ValidatedModules {
public:
	bool contains(std::span<const uint32_t> words)
	{
		std::lock_guard lk(mu_);
		for (const auto &m : modules_)
			if (m.size() == words.size() && std::equal(m.begin(), m.end(), words.begin()))
				return true;
		return false;
	}
	void insert(std::span<const uint32_t> words)
	{
		if (words.size() > kMaxModuleWords)
			return;
		std::lock_guard lk(mu_);
		modules_.emplace_front(words.begin(), words.end());
		if (modules_.size() > kModules)
			modules_.pop_back();
	}

private:
	static constexpr size_t kModules = 32;
	static constexpr size_t kMaxModuleWords = 64 * 1024;
	std::mutex mu_;
	std::deque<std::vector<uint32_t>> modules_;
};

ValidatedModules &validated_modules()
{
	static ValidatedModules v;
	return v;
}

// Canonicalised modules by everything prepare_spirv reads (the words, the specialization
// constants, the optimisation level, the entry point; the validator's options are constants):
// one module compiled for several targets (revisions, power profiles, checked mode) is
// canonicalised once. SPIRV-Tools' ssa-rewrite is quadratic in the phis of a block for modules
// with hundreds of promoted locals across loops (tests/compiler/corpus/spill_vgpr_loop.comp: ~9 s
// per compile on this machine, 90% of it in SSARewriter::ReplacePhiUsersWith), which made the
// same output cost 4x per test case. Compared in full, so only an identical input hits; only
// successful results are kept; process-wide and bounded (kModules entries, kMaxWords words of
// inputs and outputs together, 4 MiB), as ValidatedModules.
class PreparedModules {
public:
	bool find(std::span<const uint32_t> words, const std::map<uint32_t, uint64_t> &spec, int opt_level,
	          const std::string &entry_point, PrepareResult &out)
	{
		std::lock_guard lk(mu_);
		for (auto it = entries_.begin(); it != entries_.end(); ++it) {
			if (it->opt_level != opt_level || it->entry_point != entry_point || it->spec != spec ||
			    it->words.size() != words.size() || !std::equal(it->words.begin(), it->words.end(), words.begin()))
				continue;
			out = it->result;
			if (it != entries_.begin())
				entries_.splice(entries_.begin(), entries_, it);   // most recently used first
			return true;
		}
		return false;
	}
	void insert(std::span<const uint32_t> words, const std::map<uint32_t, uint64_t> &spec, int opt_level,
	            const std::string &entry_point, const PrepareResult &result)
	{
		const size_t size = words.size() + result.words.size();
		if (!result.ok || size > kMaxWords)
			return;
		std::lock_guard lk(mu_);
		entries_.push_front({{words.begin(), words.end()}, spec, opt_level, entry_point, result});
		words_ += size;
		while (entries_.size() > kModules || words_ > kMaxWords) {
			words_ -= entries_.back().words.size() + entries_.back().result.words.size();
			entries_.pop_back();
		}
	}

private:
	struct Entry {
		std::vector<uint32_t> words;
		std::map<uint32_t, uint64_t> spec;
		int opt_level;
		std::string entry_point;
		PrepareResult result;
	};
	static constexpr size_t kModules = 16;
	static constexpr size_t kMaxWords = 1024 * 1024;
	std::mutex mu_;
	std::list<Entry> entries_;
	size_t words_ = 0; // of the entries' inputs and outputs
};

PreparedModules &prepared_modules()
{
	static PreparedModules p;
	return p;
}

} // namespace

namespace {

// The SpecIds of the module's 64-bit OpSpecConstants: their default-value override takes two
// words (the pass refuses a value of the wrong width).
std::unordered_set<uint32_t> spec_ids_of_64bit_constants(std::span<const uint32_t> words)
{
	std::unordered_map<uint32_t, uint32_t> spec_id_of;   // result id -> SpecId
	std::unordered_set<uint32_t> wide_types, out;
	for (size_t i = 5; i < words.size();) {
		const uint32_t n = words[i] >> 16, op = words[i] & 0xffff;
		if (n == 0 || i + n > words.size())
			break;   // malformed: the validator has refused it already
		const uint32_t *w = &words[i];
		if (op == (uint32_t)spv::Op::OpDecorate && n >= 4 && w[2] == (uint32_t)spv::Decoration::SpecId)
			spec_id_of[w[1]] = w[3];
		else if ((op == (uint32_t)spv::Op::OpTypeInt || op == (uint32_t)spv::Op::OpTypeFloat) && n >= 3 && w[2] == 64)
			wide_types.insert(w[1]);
		else if (op == (uint32_t)spv::Op::OpSpecConstant && n >= 3 && wide_types.count(w[1]) && spec_id_of.count(w[2]))
			out.insert(spec_id_of[w[2]]);
		i += n;
	}
	return out;
}

// SPIRV-Tools 2023.1 (Debian 12) leaves a module alone in its promotion passes (local
// load/store elimination, scalar replacement, SSA rewrite) when it declares an extension missing
// from their allow-list: SPV_KHR_physical_storage_buffer is missing from all of them, and
// SPV_KHR_vulkan_memory_model from local access-chain conversion. Every local of a SPIR-V 1.3/1.4
// module using buffer device addresses stayed in scratch memory, and vectors accessed by
// component in memory-model modules too (the memory-model CTS cases ran long enough for the
// kernel's job timeout). In SPIR-V 1.5 the same module needs neither extension (both are core)
// and the passes promote it, so the declarations are taken out
// while the optimizer runs and put back (after the capabilities) before the final validation.
// What the extension adds (the storage class, the addressing model, the pointer operands) is
// unchanged in the module; the passes treat those pointers as they do in 1.5 modules.
struct HiddenExtensions {
	std::vector<std::vector<uint32_t>> removed;   // the OpExtension instructions, whole
};

std::vector<uint32_t> hide_extensions_from_optimizer(std::span<const uint32_t> in, HiddenExtensions &hidden)
{
	static const char *const kHidden[] = {"SPV_KHR_physical_storage_buffer", "SPV_EXT_physical_storage_buffer",
	                                      "SPV_KHR_vulkan_memory_model"};
	std::vector<uint32_t> out(in.begin(), in.begin() + std::min<size_t>(5, in.size()));
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return std::vector<uint32_t>(in.begin(), in.end());
		bool hide = false;
		if (op == (uint32_t)spv::Op::OpExtension && n >= 2) {
			const std::string name(reinterpret_cast<const char *>(&in[i + 1]), strnlen(reinterpret_cast<const char *>(&in[i + 1]), (n - 1) * 4));
			for (const char *h : kHidden)
				hide |= name == h;
		}
		if (hide)
			hidden.removed.emplace_back(in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)(i + n));
		else
			out.insert(out.end(), in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)(i + n));
		i += n;
	}
	return out;
}

void restore_hidden_extensions(std::vector<uint32_t> &words, const HiddenExtensions &hidden)
{
	if (hidden.removed.empty())
		return;
	size_t at = 5;   // after the last OpCapability (capabilities come first)
	for (size_t i = 5; i < words.size();) {
		const uint32_t n = words[i] >> 16, op = words[i] & 0xffffu;
		if (n == 0 || op != (uint32_t)spv::Op::OpCapability)
			break;
		i += n;
		at = i;
	}
	for (const auto &inst : hidden.removed) {
		words.insert(words.begin() + (ptrdiff_t)at, inst.begin(), inst.end());
		at += inst.size();
	}
}

} // namespace

// A module may hold entry points of other stages, even one of the same name (the CTS's
// spirv_assembly.instruction.compute.multiple_shaders: Vertex and GLCompute "entrypoint1/2", the
// vertex shader writing gl_PerVertex). Only the GLCompute entry point the pipeline names is kept
// (with its execution modes), so the optimizer drops the other stages' functions, interface
// variables and built-in blocks, which a compute shader cannot have. Without such an entry point
// the module is left alone for the translator's message.
static std::vector<uint32_t> only_compute_entry_point(std::span<const uint32_t> in, const std::string &entry)
{
	using spv::Op;
	uint32_t keep_fn = 0;
	unsigned entry_points = 0;
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return std::vector<uint32_t>(in.begin(), in.end());
		if (op == (uint32_t)Op::OpFunction)
			break;
		if (op == (uint32_t)Op::OpEntryPoint && n >= 4) {
			entry_points++;
			const std::string name(reinterpret_cast<const char *>(&in[i + 3]), strnlen(reinterpret_cast<const char *>(&in[i + 3]), (n - 3) * 4));
			if (name == entry && in[i + 1] == (uint32_t)spv::ExecutionModel::GLCompute && !keep_fn)
				keep_fn = in[i + 2];
		}
		i += n;
	}
	if (!keep_fn || entry_points < 2)
		return std::vector<uint32_t>(in.begin(), in.end());
	std::vector<uint32_t> out(in.begin(), in.begin() + std::min<size_t>(5, in.size()));
	bool in_functions = false;
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		in_functions |= op == (uint32_t)Op::OpFunction;
		const bool other_entry = !in_functions && n >= 3 &&
		                         ((op == (uint32_t)Op::OpEntryPoint && in[i + 2] != keep_fn) ||
		                          ((op == (uint32_t)Op::OpExecutionMode || op == (uint32_t)Op::OpExecutionModeId) &&
		                           in[i + 1] != keep_fn));
		if (!other_entry)
			out.insert(out.end(), in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)(i + n));
		i += n;
	}
	return out;
}

// True when an instruction before the first function (the declarations) satisfies 'pred'
// (called with the opcode, the word count and the instruction's words).
template <typename Pred> static bool any_declaration(std::span<const uint32_t> in, Pred pred)
{
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return false;
		if (op == (uint32_t)spv::Op::OpFunction)
			return false;   // types come before the functions
		if (pred(op, n, &in[i]))
			return true;
		i += n;
	}
	return false;
}

// SPIRV-Tools 2023.1's eliminate-dead-inserts crashes (a null dereference in MarkInsertChain) on
// OpPhis of an empty struct type, which inlining and SSA rewriting make from functions that pass
// empty structs around (CTS spirv_assembly.instruction.compute.empty_struct.function.
// global_variable_private took the whole process down). Modules declaring an empty struct get
// the performance recipe without that pass: the library's -O list of that version, in its order.
static bool declares_empty_struct(std::span<const uint32_t> in)
{
	return any_declaration(in, [](uint32_t op, uint32_t n, const uint32_t *) {
		return op == (uint32_t)spv::Op::OpTypeStruct && n == 2;
	});
}

// True when the module declares an 8- or 16-bit integer or float type: only then can a constant
// vector of such components be bitcast (fold_narrow_constant_bitcasts has work).
static bool declares_narrow_numbers(std::span<const uint32_t> in)
{
	return any_declaration(in, [](uint32_t op, uint32_t n, const uint32_t *w) {
		return (op == (uint32_t)spv::Op::OpTypeInt || op == (uint32_t)spv::Op::OpTypeFloat) && n >= 3 && w[2] < 32;
	});
}

// SPIRV-Tools 2023.1's -O list, in its order, less the passes the recipe leaves out.
static std::vector<std::string> performance_flags(bool dead_insert_elim, bool ssa_rewrite)
{
	const std::vector<std::string> all = {
		"--wrap-opkill", "--eliminate-dead-branches", "--merge-return", "--inline-entry-points-exhaustive",
		"--eliminate-dead-functions", "--eliminate-dead-code-aggressive", "--private-to-local",
		"--eliminate-local-single-block", "--eliminate-local-single-store", "--eliminate-dead-code-aggressive",
		"--scalar-replacement=100", "--convert-local-access-chains", "--eliminate-local-single-block",
		"--eliminate-local-single-store", "--eliminate-dead-code-aggressive", "--ssa-rewrite",
		"--eliminate-dead-code-aggressive", "--ccp", "--eliminate-dead-code-aggressive", "--loop-unroll",
		"--eliminate-dead-branches", "--redundancy-elimination", "--combine-access-chains",
		"--simplify-instructions", "--scalar-replacement=100", "--convert-local-access-chains",
		"--eliminate-local-single-block", "--eliminate-local-single-store", "--eliminate-dead-code-aggressive",
		"--ssa-rewrite", "--eliminate-dead-code-aggressive", "--vector-dce", "--eliminate-dead-inserts",
		"--eliminate-dead-branches", "--simplify-instructions", "--if-conversion", "--copy-propagate-arrays",
		"--reduce-load-size", "--eliminate-dead-code-aggressive", "--merge-blocks", "--redundancy-elimination",
		"--eliminate-dead-branches", "--merge-blocks", "--simplify-instructions"};
	std::vector<std::string> out;
	for (const std::string &f : all)
		if ((dead_insert_elim || f != "--eliminate-dead-inserts") && (ssa_rewrite || f != "--ssa-rewrite"))
			out.push_back(f);
	return out;
}

// What SPIRV-Tools 2023.1's validator lets through and its optimizer then crashes on (both
// found by the front-end fuzzer; the process died, micac or any application creating the
// pipeline). Returns the message for the first such use, empty when there is none.
// - A function's id as a value: the validator takes one as a call argument when the types agree
//   (an OpFunction's result type is its return type: `OpFunctionCall %f %c %f %q` passing %f as
//   a pointer argument), and aggressive DCE dereferences null. A function is only called, listed
//   as an entry point, given execution modes, named, decorated or described by extended (debug)
//   instructions.
// - An OpExecutionModeId operand that is not a constant instruction (`LocalSizeId %c64 %x %c1`
//   with %x an OpLoad in a function): the SPIR-V spec requires constant instructions there (later
//   SPIRV-Tools validators check it), and aggressive DCE dereferences null when the load is dead.
static std::string missed_by_validator(std::span<const uint32_t> words)
{
	struct Scan {
		std::unordered_set<uint32_t> functions, constants;
		std::string error;
	} scan;
	for (size_t i = 5; i < words.size();) {
		const uint32_t n = words[i] >> 16, op = words[i] & 0xffffu;
		if (n == 0 || i + n > words.size())
			return {};   // malformed: the validator has refused it already
		using O = spv::Op;
		if (op == (uint32_t)O::OpFunction && n >= 3)
			scan.functions.insert(words[i + 2]);
		// The constant instructions (spec 2.2.1: OpConstant*, OpSpecConstant*)
		if (n >= 3 && ((op >= (uint32_t)O::OpConstantTrue && op <= (uint32_t)O::OpConstantNull) ||
		               (op >= (uint32_t)O::OpSpecConstantTrue && op <= (uint32_t)O::OpSpecConstantOp)))
			scan.constants.insert(words[i + 2]);
		i += n;
	}
	auto on_instruction = [](void *user, const spv_parsed_instruction_t *inst) -> spv_result_t {
		auto &sc = *static_cast<Scan *>(user);
		using O = spv::Op;
		for (uint16_t k = 0; k < inst->num_operands; k++) {
			const spv_parsed_operand_t &o = inst->operands[k];
			if (o.type != SPV_OPERAND_TYPE_ID)
				continue;
			const O op = (O)inst->opcode;
			const uint32_t id = inst->words[o.offset];
			if (op == O::OpExecutionModeId && k >= 2 && !sc.constants.count(id)) {
				sc.error = "%" + std::to_string(id) + " is operand " + std::to_string(k) + " of OpExecutionModeId " +
				           spirv_named(spirv_execution_mode_name(inst->words[2]), inst->words[2]) +
				           " but is not a constant instruction (operands counted from 0; an execution mode's ids "
				           "must be OpConstant* or OpSpecConstant* results)";
				return SPV_ERROR_INVALID_ID;
			}
			if (!sc.functions.count(id))
				continue;
			const bool allowed = (op == O::OpFunctionCall && k == 2) || (op == O::OpEntryPoint && k == 1) ||
			                     ((op == O::OpExecutionMode || op == O::OpExecutionModeId) && k == 0) ||
			                     ((op == O::OpName || op == O::OpDecorate || op == O::OpDecorateId ||
			                       op == O::OpDecorateString) && k == 0) ||
			                     (op == O::OpGroupDecorate && k > 0) || op == O::OpExtInst;
			if (!allowed) {
				sc.error = "function %" + std::to_string(inst->words[o.offset]) + " is operand " + std::to_string(k) + " of " +
				           spirv_named(spirv_opcode_name(inst->opcode), inst->opcode) +
				           (inst->result_id ? " %" + std::to_string(inst->result_id) : std::string()) +
				           " (operands counted from 0, result type and id included; a function id may only be called, named, decorated or be an entry point)";
				return SPV_ERROR_INVALID_ID;
			}
		}
		return SPV_SUCCESS;
	};
	spv_context ctx = spvContextCreate(SPV_ENV_VULKAN_1_3);
	spvBinaryParse(ctx, &scan, words.data(), words.size(), nullptr, on_instruction, nullptr);
	spvContextDestroy(ctx);
	return scan.error;
}

// What one canonicalisation runs. prepare_spirv keeps the output of the first recipe that
// validates: every module SPIRV-Tools handles correctly takes the first (the full recipe of
// opt_level); the others step around the library's defects on valid input.
struct Recipe {
	bool performance;     // SPIRV-Tools' performance recipe (-O1/-O2)
	bool ssa_rewrite;     // ssa-rewrite in every stage (promotion across blocks)
	const char *fallback; // how it differs from the full recipe (PrepareResult::fallback)
};

// Runs 'recipe' on 'inlinable' (the input after our own rewrites, 'hidden' taken out); false with
// 'error' set when SPIRV-Tools refuses to run. The output is not validated here.
static bool canonicalise(std::span<const uint32_t> words, std::span<const uint32_t> inlinable,
                         const HiddenExtensions &hidden, const std::map<uint32_t, uint64_t> &spec,
                         const Recipe &recipe, const spvtools::MessageConsumer &consumer, std::string &messages,
                         std::vector<uint32_t> &out, std::string &error)
{
	spvtools::Optimizer opt(SPV_ENV_VULKAN_1_3);
	opt.SetMessageConsumer(consumer);
	if (!spec.empty()) {
		std::unordered_map<uint32_t, std::vector<uint32_t>> values;
		const std::unordered_set<uint32_t> wide = spec_ids_of_64bit_constants(words);
		for (auto [id, v] : spec)
			values[id] = wide.count(id) ? std::vector<uint32_t>{(uint32_t)v, (uint32_t)(v >> 32)}
			                            : std::vector<uint32_t>{(uint32_t)v};
		opt.RegisterPass(spvtools::CreateSetSpecConstantDefaultValuePass(values));
	}
	// Decoration groups (OpDecorationGroup + OpGroupDecorate / OpGroupMemberDecorate) become
	// plain decorations: the translator reads OpDecorate / OpMemberDecorate only (CTS
	// spirv_assembly.instruction.compute.decoration_group.all: BufferBlock through a group).
	opt.RegisterPass(spvtools::CreateFlattenDecorationPass());
	opt.RegisterPass(spvtools::CreateFreezeSpecConstantValuePass())
		.RegisterPass(spvtools::CreateFoldSpecConstantOpAndCompositePass())
		.RegisterPass(spvtools::CreateWrapOpKillPass())
		// merge-return refuses modules with unreachable blocks (dEQP opunreachable.all)
		.RegisterPass(spvtools::CreateDeadBranchElimPass())
		.RegisterPass(spvtools::CreateCFGCleanupPass())
		.RegisterPass(spvtools::CreateMergeReturnPass())
		.RegisterPass(spvtools::CreateInlineExhaustivePass())
		.RegisterPass(spvtools::CreateEliminateDeadFunctionsPass())
		.RegisterPass(spvtools::CreatePrivateToLocalPass());
	register_promotion(opt, recipe.ssa_rewrite).RegisterPass(spvtools::CreateScalarReplacementPass());
	if (recipe.ssa_rewrite)
		opt.RegisterPass(spvtools::CreateSSARewritePass());
	// The folding passes run in a second optimizer, after the promotion above has turned loads of
	// constant-initialised locals into the constants: the bitcasts of 16-bit constant vectors that
	// SPIRV-Tools mis-folds are folded in between (spirv_constant_bitcast.cpp). A module without
	// 8- or 16-bit types has no such bitcast, and the folding passes are appended to the first
	// optimizer: one parse, IR build and serialisation fewer (a tenth of a small shader's
	// compile; docs/performance.md round 21).
	const bool narrow = declares_narrow_numbers(inlinable);
	spvtools::Optimizer second(SPV_ENV_VULKAN_1_3);
	second.SetMessageConsumer(consumer);
	spvtools::Optimizer &late = narrow ? second : opt;
	// SignedZeroInfNanPreserve needs nothing here: SPIRV-Tools' folding rules that turn x + 0.0
	// into x and x * 0.0 into 0 are off in modules declaring the mode (spvasm/signed_zero_preserve).
	const bool empty_struct = declares_empty_struct(words);
	if (recipe.performance && (empty_struct || !recipe.ssa_rewrite)) {
		if (!late.RegisterPassesFromFlags(performance_flags(!empty_struct, recipe.ssa_rewrite))) {
			error = "SPIR-V optimizer refused its pass list: " + messages;
			return false;
		}
	} else if (recipe.performance)
		late.RegisterPerformancePasses();
	// The performance recipe can reintroduce nothing we depend on; a final DCE tidies up.
	late.RegisterPass(spvtools::CreateDeadBranchElimPass()).RegisterPass(spvtools::CreateAggressiveDCEPass());

	spvtools::OptimizerOptions oopts;
	oopts.set_run_validator(false);   // validated above
	auto run = [&](spvtools::Optimizer &o, std::span<const uint32_t> in, std::vector<uint32_t> &result) {
		if (o.Run(in.data(), in.size(), &result, oopts))
			return true;
		error = "SPIR-V optimizer failed: " + (messages.empty() ? std::string("no message") : messages);
		return false;
	};
	if (!narrow) {
		if (!run(opt, inlinable, out))
			return false;
	} else {
		std::vector<uint32_t> promoted;
		if (!run(opt, inlinable, promoted))
			return false;
		promoted = fold_narrow_constant_bitcasts(promoted);
		if (!run(second, promoted, out))
			return false;
	}
	// Function-scope variables left over are indexed dynamically (`m[c] = ...` in a loop over
	// c): fully unroll the loops with constant trip counts, so the indices become constants,
	// and promote again. The unrolled module is kept only when that promoted every variable
	// (registers); otherwise the variables stay in memory (the lane's scratch area) and the loops
	// stay loops, not unrolled copies that still go through memory.
	if (has_function_variables(out)) {
		spvtools::Optimizer again(SPV_ENV_VULKAN_1_3);
		again.SetMessageConsumer(consumer);
		again.RegisterPass(spvtools::CreateLoopUnrollPass(true))
			.RegisterPass(spvtools::CreateCCPPass())
			.RegisterPass(spvtools::CreateSimplificationPass())
			.RegisterPass(spvtools::CreateDeadBranchElimPass());
		register_promotion(again, recipe.ssa_rewrite)
			.RegisterPass(spvtools::CreateBlockMergePass())
			.RegisterPass(spvtools::CreateDeadBranchElimPass())
			.RegisterPass(spvtools::CreateAggressiveDCEPass());
		std::vector<uint32_t> marked = out, unrolled;
		request_unroll(marked);
		if (again.Run(marked.data(), marked.size(), &unrolled, oopts) && !has_function_variables(unrolled))
			out = std::move(unrolled);
	}
	restore_hidden_extensions(out, hidden);
	decorate_physical_pointer_variables(out);
	return true;
}

// The module with its small constant loops (UnrollPolicy::small_loops) fully unrolled and the
// copies folded: the counter's constants propagated, the dead exits removed, the blocks merged
// and common subexpressions shared. Empty when no loop was marked or SPIRV-Tools refused.
static std::vector<uint32_t> unroll_small_loops(const std::vector<uint32_t> &in,
                                                const spvtools::MessageConsumer &consumer)
{
	std::vector<uint32_t> marked = count_stepped_loops(in, kSmallLoopTrips), out;
	if (!request_unroll(marked, UnrollPolicy::small_loops))
		return {};
	spvtools::Optimizer opt(SPV_ENV_VULKAN_1_3);
	opt.SetMessageConsumer(consumer);
	opt.RegisterPass(spvtools::CreateLoopUnrollPass(true))
		.RegisterPass(spvtools::CreateCCPPass())
		.RegisterPass(spvtools::CreateSimplificationPass())
		.RegisterPass(spvtools::CreateDeadBranchElimPass())
		.RegisterPass(spvtools::CreateBlockMergePass())
		.RegisterPass(spvtools::CreateRedundancyEliminationPass())
		.RegisterPass(spvtools::CreateSimplificationPass())
		.RegisterPass(spvtools::CreateAggressiveDCEPass());
	spvtools::OptimizerOptions oopts;
	oopts.set_run_validator(false);   // the caller validates the output
	if (!opt.Run(marked.data(), marked.size(), &out, oopts) || out == marked)
		return {};
	if (out.size() > in.size() + kSmallLoopGrowthWords)
		return {};
	return out;
}

static PrepareResult prepare_spirv_uncached(std::span<const uint32_t> words, const std::map<uint32_t, uint64_t> &spec,
                                            int opt_level, const std::string &entry_point);

PrepareResult prepare_spirv(std::span<const uint32_t> words, const std::map<uint32_t, uint64_t> &spec,
                            int opt_level, const std::string &entry_point)
{
	PrepareResult r;
	if (prepared_modules().find(words, spec, opt_level, entry_point, r))
		return r;
	r = prepare_spirv_uncached(words, spec, opt_level, entry_point);
	prepared_modules().insert(words, spec, opt_level, entry_point, r);
	return r;
}

static PrepareResult prepare_spirv_uncached(std::span<const uint32_t> words, const std::map<uint32_t, uint64_t> &spec,
                                            int opt_level, const std::string &entry_point)
{
	PrepareResult r;
	if (words.size() < 5) {
		r.error = "SPIR-V module is truncated: " + std::to_string(words.size()) +
		          " words, the header alone needs 5";
		return r;
	}
	if (words[0] != 0x07230203u) {
		r.error = "not a SPIR-V module (bad magic number)";
		return r;
	}
	if (words.size() > kMaxWords) {
		r.error = "SPIR-V module too large";
		return r;
	}
	if (words[3] > kMaxIdBound) {
		r.error = "SPIR-V id bound " + std::to_string(words[3]) + " exceeds the compiler's limit of " +
		          std::to_string(kMaxIdBound);
		return r;
	}

	std::string messages;
	auto consumer = [&messages](spv_message_level_t level, const char *, const spv_position_t &pos,
	                            const char *msg) {
		if (level > SPV_MSG_ERROR)
			return;
		if (!messages.empty())
			messages += "\n";
		messages += level_name(level) + " at word " + std::to_string(pos.index) + ": " + msg;
	};

	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	tools.SetMessageConsumer(consumer);
	spvtools::ValidatorOptions vopts;
	vopts.SetUniversalLimit(spv_validator_limit_max_id_bound, kMaxIdBound);
	vopts.SetScalarBlockLayout(shader_features().scalar_block_layout);
	vopts.SetUniformBufferStandardLayout(shader_features().uniform_buffer_standard_layout);
	// Friendly names (the validator maps every id to a name for its messages up front) cost a
	// tenth of a small shader's compile time; they are only needed when there is a message, so a
	// module that fails is validated again with them for the error text.
	vopts.SetFriendlyNames(false);
	auto validate = [&](std::span<const uint32_t> w) {
		if (tools.Validate(w.data(), w.size(), vopts))
			return true;
		messages.clear();
		vopts.SetFriendlyNames(true); // (ValidatorOptions cannot be copied)
		tools.Validate(w.data(), w.size(), vopts);
		vopts.SetFriendlyNames(false);
		return false;
	};
	if (!validated_modules().contains(words)) {
		if (!validate(words)) {
			r.error = "invalid SPIR-V: " + (messages.empty() ? std::string("rejected by the validator") : messages);
			return r;
		}
		if (std::string misuse = missed_by_validator(words); !misuse.empty()) {
			r.error = "invalid SPIR-V: " + misuse;
			return r;
		}
		validated_modules().insert(words);
	}

	std::vector<Recipe> recipes{{opt_level > 0, true, ""}};
	// SPIRV-Tools 2023.1's simplify-instructions folds an OpBitcast of a constant f16vec2 into a
	// 32-bit OpConstant of two 16-bit words (CTS spirv_assembly.instruction.compute.float16.
	// opcompositeconstruct.struct): canonicalise again without the performance recipe.
	if (opt_level > 0)
		recipes.push_back({false, true, "without the performance recipe"});
	// Its ssa-rewrite replaces a load through a pointer loaded from a Function variable by the
	// phi of the pointers stored into that variable on two paths (variable pointers; a variant of
	// SPIRV-Tools issue 3873, spvasm/varptr_function_variable.spvasm): leave the pass out, the
	// variables it would have promoted across blocks stay in the lane's scratch memory.
	recipes.push_back({opt_level > 0, false, "without ssa-rewrite"});
	if (opt_level > 0)
		recipes.push_back({false, false, "without the performance recipe and ssa-rewrite"});

	HiddenExtensions hidden;
	const std::vector<uint32_t> inlinable = hide_extensions_from_optimizer(
		negation_as_subtraction(without_dont_inline(lower_extinst_out_params(only_compute_entry_point(words, entry_point)))), hidden);
	std::string first_failure;   // the full recipe's validation message
	for (const Recipe &recipe : recipes) {
		std::vector<uint32_t> out;
		messages.clear();
		if (!canonicalise(words, inlinable, hidden, spec, recipe, consumer, messages, out, r.error))
			return r;
		messages.clear();
		// The input validated, so a failure here is the optimizer's: try the next recipe.
		if (validate(out)) {
			// At -O2, loops of a few constant iterations are unrolled (kSmallLoopTrips). The
			// unrolled module is kept only when it validates; otherwise the loops stay.
			if (opt_level >= 2) {
				std::vector<uint32_t> unrolled = unroll_small_loops(out, consumer);
				messages.clear();
				if (!unrolled.empty() && validate(unrolled))
					out = std::move(unrolled);
				messages.clear();
			}
			r.ok = true;
			r.words = std::move(out);
			r.fallback = recipe.fallback;
			return r;
		}
		if (first_failure.empty())
			first_failure = messages.empty() ? std::string("rejected by the validator") : messages;
	}
	r.error = "internal error: canonicalised SPIR-V does not validate: " + first_failure;
	return r;
}

bool is_kernel_module(std::span<const uint32_t> words)
{
	for (size_t i = 5; i < words.size();) {
		const uint32_t n = words[i] >> 16, op = words[i] & 0xffffu;
		if (n == 0 || i + n > words.size())
			return false;
		if (op == (uint32_t)spv::Op::OpCapability && n >= 2 && words[i + 1] == (uint32_t)spv::Capability::Kernel)
			return true;
		if (op != (uint32_t)spv::Op::OpCapability && op != (uint32_t)spv::Op::OpExtension)
			return false;   // capabilities come first
		i += n;
	}
	return false;
}

namespace {

// llvm-spirv 15 copies LLVM's phis one entry per edge: a switch with two cases on one block
// gives the phi that block twice (same value). SPIR-V wants one entry per predecessor; the
// duplicates are dropped (an entry with another value for the same block stays and is refused).
std::vector<uint32_t> dedupe_phi_entries(std::span<const uint32_t> in)
{
	std::vector<uint32_t> out(in.begin(), in.begin() + std::min<size_t>(5, in.size()));
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return std::vector<uint32_t>(in.begin(), in.end());
		if (op == (uint32_t)spv::Op::OpPhi && n >= 5) {
			std::vector<uint32_t> phi(in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)(i + 3));
			for (size_t k = i + 3; k + 1 < i + n; k += 2) {
				bool dup = false;
				for (size_t j = 3; j + 1 < phi.size(); j += 2)
					dup |= phi[j] == in[k] && phi[j + 1] == in[k + 1];
				if (!dup) {
					phi.push_back(in[k]);
					phi.push_back(in[k + 1]);
				}
			}
			phi[0] = ((uint32_t)phi.size() << 16) | op;
			out.insert(out.end(), phi.begin(), phi.end());
		} else {
			out.insert(out.end(), in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)(i + n));
		}
		i += n;
	}
	return out;
}

// llvm-spirv 15 emits blocks in LLVM's order, where a block may come before its dominator
// (Piglit calls-large-struct: a value used in an earlier block than the one defining it).
// SPIR-V wants dominators first: each function's blocks are put in reverse post-order (the
// entry stays first; blocks no branch reaches keep their order at the end).
std::vector<uint32_t> blocks_in_dominance_order(std::span<const uint32_t> in)
{
	using spv::Op;
	std::vector<uint32_t> out(in.begin(), in.begin() + std::min<size_t>(5, in.size()));
	struct Block {
		size_t begin, end;   // word range, OpLabel .. terminator
		size_t term;         // the terminator's first word
	};
	size_t i = 5;
	while (i < in.size()) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return std::vector<uint32_t>(in.begin(), in.end());
		if (op != (uint32_t)Op::OpLabel) {
			out.insert(out.end(), in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)(i + n));
			i += n;
			continue;
		}
		// A function body: blocks until OpFunctionEnd.
		std::vector<Block> blocks;
		std::unordered_map<uint32_t, size_t> label_block;
		size_t j = i;
		while (j < in.size()) {
			const uint32_t jn = in[j] >> 16, jop = in[j] & 0xffffu;
			if (jn == 0 || j + jn > in.size())
				return std::vector<uint32_t>(in.begin(), in.end());
			if (jop == (uint32_t)Op::OpFunctionEnd)
				break;
			if (jop == (uint32_t)Op::OpLabel) {
				if (jn < 2)
					return std::vector<uint32_t>(in.begin(), in.end());
				label_block[in[j + 1]] = blocks.size();
				blocks.push_back(Block{j, j, j});
			}
			if (blocks.empty())
				return std::vector<uint32_t>(in.begin(), in.end());
			Block &b = blocks.back();
			b.end = j + jn;
			b.term = j;
			j += jn;
		}
		// Successors, once every label is known. An OpSwitch's literals are one or two words
		// (the selector's width): the layout whose label slots all name blocks is the one.
		auto succs_of = [&](const Block &b) {
			std::vector<uint32_t> r;
			const uint32_t tn = in[b.term] >> 16, top = in[b.term] & 0xffffu;
			if (top == (uint32_t)Op::OpBranch && tn >= 2)
				r = {in[b.term + 1]};
			else if (top == (uint32_t)Op::OpBranchConditional && tn >= 4)
				r = {in[b.term + 2], in[b.term + 3]};
			else if (top == (uint32_t)Op::OpSwitch && tn >= 3) {
				r = {in[b.term + 2]};
				for (size_t width : {1u, 2u}) {
					if ((tn - 3) % (width + 1))
						continue;
					bool all = true;
					for (size_t k = b.term + 3 + width; k < b.term + tn; k += width + 1)
						all &= label_block.count(in[k]) != 0;
					if (!all)
						continue;
					for (size_t k = b.term + 3 + width; k < b.term + tn; k += width + 1)
						r.push_back(in[k]);
					break;
				}
			}
			return r;
		};
		std::vector<size_t> order;
		std::vector<uint8_t> state(blocks.size(), 0);
		std::vector<std::pair<size_t, size_t>> stack{{0, 0}};
		state[0] = 1;
		std::vector<size_t> post;
		while (!stack.empty()) {
			auto &[b, k] = stack.back();
			const std::vector<uint32_t> succs = succs_of(blocks[b]);
			if (k < succs.size()) {
				auto it = label_block.find(succs[k++]);
				if (it != label_block.end() && !state[it->second]) {
					state[it->second] = 1;
					stack.push_back({it->second, 0});
				}
			} else {
				post.push_back(b);
				stack.pop_back();
			}
		}
		order.assign(post.rbegin(), post.rend());
		for (size_t b = 0; b < blocks.size(); b++)
			if (!state[b])
				order.push_back(b);
		for (size_t b : order)
			out.insert(out.end(), in.begin() + (ptrdiff_t)blocks[b].begin, in.begin() + (ptrdiff_t)blocks[b].end);
		i = j;
	}
	return out;
}

// From SPIR-V 1.4 an entry point lists every module-scope variable its call tree uses;
// llvm-spirv 15 leaves out __constant data reached only through a called function (Piglit
// calls-large-struct). Every entry point lists every module-scope variable (more is allowed).
std::vector<uint32_t> complete_interfaces(std::span<const uint32_t> in)
{
	using spv::Op;
	if (in.size() < 5 || ((in[1] >> 8) & 0xff) < 4)
		return std::vector<uint32_t>(in.begin(), in.end());
	std::vector<uint32_t> globals;
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return std::vector<uint32_t>(in.begin(), in.end());
		if (op == (uint32_t)Op::OpFunction)
			break;
		if (op == (uint32_t)Op::OpVariable && n >= 4 && in[i + 3] != (uint32_t)spv::StorageClass::Function)
			globals.push_back(in[i + 2]);
		i += n;
	}
	std::vector<uint32_t> out(in.begin(), in.begin() + 5);
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return std::vector<uint32_t>(in.begin(), in.end());   // the validator reports it
		if (op != (uint32_t)Op::OpEntryPoint || n < 4) {
			out.insert(out.end(), in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)(i + n));
			i += n;
			continue;
		}
		// operands: model, function, name (literal string), interface ids
		size_t name_end = i + 3;
		while (name_end < i + n && (in[name_end] >> 24) != 0)
			name_end++;
		name_end++;   // the word holding the terminating zero byte
		std::vector<uint32_t> ep(in.begin() + (ptrdiff_t)i, in.begin() + (ptrdiff_t)std::min(name_end, (size_t)(i + n)));
		std::vector<uint32_t> listed(in.begin() + (ptrdiff_t)std::min(name_end, (size_t)(i + n)), in.begin() + (ptrdiff_t)(i + n));
		for (uint32_t g : globals)
			if (std::find(listed.begin(), listed.end(), g) == listed.end())
				listed.push_back(g);
		ep.insert(ep.end(), listed.begin(), listed.end());
		ep[0] = ((uint32_t)ep.size() << 16) | op;
		out.insert(out.end(), ep.begin(), ep.end());
		i += n;
	}
	return out;
}

} // namespace

PrepareResult prepare_kernel_spirv(std::span<const uint32_t> input)
{
	const std::vector<uint32_t> fixed = complete_interfaces(blocks_in_dominance_order(dedupe_phi_entries(input)));
	std::span<const uint32_t> words = fixed;
	PrepareResult r;
	if (words.size() < 5 || words[0] != 0x07230203u) {
		r.error = "not a SPIR-V module";
		return r;
	}
	if (words.size() > kMaxWords || words[3] > kMaxIdBound) {
		r.error = "SPIR-V module too large";
		return r;
	}
	const uint32_t major = (words[1] >> 16) & 0xff, minor = (words[1] >> 8) & 0xff;
	static const spv_target_env envs[] = {SPV_ENV_UNIVERSAL_1_0, SPV_ENV_UNIVERSAL_1_1, SPV_ENV_UNIVERSAL_1_2,
	                                      SPV_ENV_UNIVERSAL_1_3, SPV_ENV_UNIVERSAL_1_4, SPV_ENV_UNIVERSAL_1_5,
	                                      SPV_ENV_UNIVERSAL_1_6};
	if (major != 1 || minor > 6) {
		r.error = "unsupported SPIR-V version " + std::to_string(major) + "." + std::to_string(minor);
		return r;
	}
	std::string messages;
	spvtools::SpirvTools tools(envs[minor]);
	tools.SetMessageConsumer([&messages](spv_message_level_t level, const char *, const spv_position_t &pos, const char *msg) {
		if (level > SPV_MSG_ERROR)
			return;
		if (!messages.empty())
			messages += "\n";
		messages += level_name(level) + " at word " + std::to_string(pos.index) + ": " + msg;
	});
	spvtools::ValidatorOptions vopts;
	vopts.SetUniversalLimit(spv_validator_limit_max_id_bound, kMaxIdBound);
	if (!tools.Validate(words.data(), words.size(), vopts)) {
		r.error = "invalid SPIR-V: " + (messages.empty() ? std::string("rejected by the validator") : messages);
		return r;
	}
	r.ok = true;
	r.words.assign(words.begin(), words.end());
	return r;
}

} // namespace mica::compiler
