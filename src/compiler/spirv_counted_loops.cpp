// Loops whose counter steps by a shift, a multiplication or a division (`for (s = 128; s > 0;
// s >>= 1)`, the tree reductions' halving stride) get a second counter that steps by one: their
// trip count is a constant the host can compute, but SPIRV-Tools' loop unroller only recognises
// an induction variable stepped by OpIAdd/OpISub. The rewrite adds `j` (0, 1, 2, ...) to the
// header, replaces the exit test by `j < T` where T is the trip count found by running the
// original counter's recurrence here, and leaves the original counter as it was (after unrolling
// it folds to a constant in every copy). Both tests agree on every iteration: the counter's value
// in iteration j is the recurrence applied j times to its constant start, and T is the first j
// at which the original test fails.
#include "spirv_prepare.h"

#include <spirv/unified1/spirv.hpp11>

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace mica::compiler {

namespace {

struct Inst {
	size_t pos;      // word position of the instruction
	uint32_t op, n;  // opcode, word count
};

// The next value of a counter stepped by 'op' with the constant 'k' as its right operand;
// nothing when that is not a step this rewrite knows (or is undefined: a shift by 32 or more,
// a division by zero).
std::optional<uint32_t> step(spv::Op op, uint32_t v, uint32_t k)
{
	switch (op) {
	case spv::Op::OpShiftRightLogical: return k < 32 ? std::optional<uint32_t>(v >> k) : std::nullopt;
	case spv::Op::OpShiftRightArithmetic: return k < 32 ? std::optional<uint32_t>((uint32_t)((int32_t)v >> k)) : std::nullopt;
	case spv::Op::OpShiftLeftLogical: return k < 32 ? std::optional<uint32_t>(v << k) : std::nullopt;
	case spv::Op::OpIMul: return v * k;
	case spv::Op::OpUDiv: return k ? std::optional<uint32_t>(v / k) : std::nullopt;
	default: return std::nullopt;
	}
}

// The value of integer compare 'op' (32-bit operands); nothing for another opcode.
std::optional<bool> compare(spv::Op op, uint32_t a, uint32_t b)
{
	const int32_t sa = (int32_t)a, sb = (int32_t)b;
	switch (op) {
	case spv::Op::OpIEqual: return a == b;
	case spv::Op::OpINotEqual: return a != b;
	case spv::Op::OpULessThan: return a < b;
	case spv::Op::OpULessThanEqual: return a <= b;
	case spv::Op::OpUGreaterThan: return a > b;
	case spv::Op::OpUGreaterThanEqual: return a >= b;
	case spv::Op::OpSLessThan: return sa < sb;
	case spv::Op::OpSLessThanEqual: return sa <= sb;
	case spv::Op::OpSGreaterThan: return sa > sb;
	case spv::Op::OpSGreaterThanEqual: return sa >= sb;
	default: return std::nullopt;
	}
}

// One loop to rewrite: where its pieces are and what to insert.
struct Rewrite {
	size_t phi_end;        // insert the new phi here (after the header's phis)
	size_t compare_pos;    // the exit test, replaced in place (5 words)
	size_t latch_end;      // insert the increment here (before the back-edge block's terminator)
	uint32_t type, bool_type, compare_id, preheader, latch, trips;
};

} // namespace

std::vector<uint32_t> count_stepped_loops(std::span<const uint32_t> words, uint32_t max_trips)
{
	std::vector<uint32_t> w(words.begin(), words.end());
	if (w.size() < 5)
		return w;
	// Pass 1: what every id is (32-bit integer types, their constants, bool types, definitions)
	// and where each block starts.
	std::unordered_set<uint32_t> int32_types;                     // OpTypeInt 32 ids
	std::unordered_map<uint32_t, std::pair<uint32_t, uint32_t>> constants;   // id -> (type, value)
	std::unordered_map<uint32_t, Inst> defs;                      // result id -> instruction
	std::unordered_map<uint32_t, uint32_t> block_of;             // result id -> its block's label id
	std::unordered_map<uint32_t, size_t> label_at;               // label id -> index in insts
	std::vector<Inst> insts;
	size_t first_function = 0;
	uint32_t block = 0;
	for (size_t i = 5; i < w.size();) {
		const uint32_t n = w[i] >> 16, op = w[i] & 0xffffu;
		if (n == 0 || i + n > w.size())
			return std::vector<uint32_t>(words.begin(), words.end());
		const auto o = (spv::Op)op;
		if (o == spv::Op::OpTypeInt && n == 4 && w[i + 2] == 32)
			int32_types.insert(w[i + 1]);
		if (o == spv::Op::OpConstant && n == 4 && int32_types.count(w[i + 1]))
			constants[w[i + 2]] = {w[i + 1], w[i + 3]};
		if (o == spv::Op::OpFunction && !first_function)
			first_function = i;
		if (o == spv::Op::OpLabel && n == 2) {
			block = w[i + 1];
			label_at[block] = insts.size();
		}
		insts.push_back({i, op, n});
		// The definitions read below (phis, compares, steps): result id at word 2.
		if ((o == spv::Op::OpPhi || compare(o, 0, 0) || step(o, 0, 1)) && n >= 4) {
			defs[w[i + 2]] = {i, op, n};
			block_of[w[i + 2]] = block;
		}
		i += n;
	}
	if (!first_function)
		return w;

	// Pass 2: loop headers (OpLoopMerge) whose conditional branch tests a compare of a header phi
	// against a constant, the phi being (constant from one block, step of itself by a constant
	// from the other).
	std::vector<Rewrite> rewrites;
	for (size_t k = 0; k < insts.size(); k++) {
		if ((spv::Op)insts[k].op != spv::Op::OpLoopMerge || k + 1 >= insts.size())
			continue;
		const Inst &br = insts[k + 1];
		if ((spv::Op)br.op != spv::Op::OpBranchConditional)
			continue;
		// The header's label and phis: walk back from the merge instruction.
		size_t label = k;
		while (label > 0 && (spv::Op)insts[label].op != spv::Op::OpLabel)
			label--;
		const uint32_t header = w[insts[label].pos + 1];
		auto cmp = defs.find(w[br.pos + 1]);
		if (cmp == defs.end() || !compare((spv::Op)cmp->second.op, 0, 0) || block_of[w[br.pos + 1]] != header ||
		    cmp->second.n != 5)
			continue;
		const size_t cp = cmp->second.pos;
		const uint32_t lhs = w[cp + 3], rhs = w[cp + 4];
		const bool phi_left = defs.count(lhs) && (spv::Op)defs[lhs].op == spv::Op::OpPhi;
		const uint32_t phi = phi_left ? lhs : rhs, bound = phi_left ? rhs : lhs;
		auto phi_def = defs.find(phi);
		auto bound_c = constants.find(bound);
		if (phi_def == defs.end() || (spv::Op)phi_def->second.op != spv::Op::OpPhi || block_of[phi] != header ||
		    bound_c == constants.end() || phi_def->second.n != 7 || !int32_types.count(w[phi_def->second.pos + 1]))
			continue;
		const size_t pp = phi_def->second.pos;
		// (value, block) pairs: one constant, one step of the phi.
		uint32_t start_id = w[pp + 3], start_block = w[pp + 4], next_id = w[pp + 5], latch = w[pp + 6];
		if (!constants.count(start_id))
			std::swap(start_id, next_id), std::swap(start_block, latch);
		auto start_c = constants.find(start_id);
		auto next = defs.find(next_id);
		if (start_c == constants.end() || next == defs.end() || next->second.n != 5 ||
		    !step((spv::Op)next->second.op, 0, 1) || w[next->second.pos + 3] != phi ||
		    !constants.count(w[next->second.pos + 4]))
			continue;
		const auto step_op = (spv::Op)next->second.op;
		const uint32_t step_k = constants[w[next->second.pos + 4]].second;
		// Run the recurrence: T = the first iteration whose test fails.
		uint32_t v = start_c->second.second, trips = 0;
		bool bounded = false;
		for (; trips <= max_trips; trips++) {
			const std::optional<bool> go = phi_left ? compare((spv::Op)cmp->second.op, v, bound_c->second.second)
			                                        : compare((spv::Op)cmp->second.op, bound_c->second.second, v);
			if (!*go) {
				bounded = true;
				break;
			}
			const std::optional<uint32_t> nv = step(step_op, v, step_k);
			if (!nv)
				break;
			v = *nv;
		}
		// Which way the branch leaves the loop: the counter must continue on true.
		const uint32_t merge = w[insts[k].pos + 1];
		if (!bounded || trips == 0 || w[br.pos + 3] != merge || w[br.pos + 2] == merge)
			continue;
		// The latch: the block of the phi's back edge; its terminator is its last instruction.
		size_t latch_end = 0;
		if (auto l = label_at.find(latch); l != label_at.end()) {
			size_t t = l->second + 1;
			while (t < insts.size() && (spv::Op)insts[t].op != spv::Op::OpBranch &&
			       (spv::Op)insts[t].op != spv::Op::OpBranchConditional && (spv::Op)insts[t].op != spv::Op::OpLabel)
				t++;
			if (t < insts.size() && (spv::Op)insts[t].op == spv::Op::OpBranch && w[insts[t].pos + 1] == header)
				latch_end = insts[t].pos;
		}
		size_t phi_end = insts[label + 1].pos;
		for (size_t m = label + 1; m < k && (spv::Op)insts[m].op == spv::Op::OpPhi; m++)
			phi_end = insts[m].pos + insts[m].n;
		if (!latch_end)
			continue;
		rewrites.push_back({phi_end, cp, latch_end, w[pp + 1], w[cp + 1], w[cp + 2], start_block, latch, trips});
	}
	if (rewrites.empty())
		return w;

	// New ids; the constants 0, 1 and each T of the counter's type declared before the first
	// function.
	uint32_t bound = w[3];
	std::vector<uint32_t> decls;
	std::unordered_map<uint64_t, uint32_t> made;   // (type << 32 | value) -> constant id
	auto constant = [&](uint32_t type, uint32_t value) {
		for (auto &[id, c] : constants)
			if (c.first == type && c.second == value)
				return id;
		auto [it, fresh] = made.emplace((uint64_t)type << 32 | value, 0);
		if (fresh) {
			it->second = bound++;
			decls.insert(decls.end(), {4u << 16 | (uint32_t)spv::Op::OpConstant, type, it->second, value});
		}
		return it->second;
	};
	struct Insert {
		size_t at;
		std::vector<uint32_t> words;
	};
	std::vector<Insert> inserts;
	for (const Rewrite &r : rewrites) {
		const uint32_t j = bound++, j_next = bound++;
		const uint32_t zero = constant(r.type, 0), one = constant(r.type, 1), trips = constant(r.type, r.trips);
		inserts.push_back({r.phi_end, {7u << 16 | (uint32_t)spv::Op::OpPhi, r.type, j, zero, r.preheader, j_next, r.latch}});
		inserts.push_back({r.latch_end, {5u << 16 | (uint32_t)spv::Op::OpIAdd, r.type, j_next, j, one}});
		const uint32_t test[5] = {5u << 16 | (uint32_t)spv::Op::OpULessThan, r.bool_type, r.compare_id, j, trips};
		std::copy(test, test + 5, w.begin() + (ptrdiff_t)r.compare_pos);
	}
	inserts.push_back({first_function, decls});
	std::sort(inserts.begin(), inserts.end(), [](const Insert &a, const Insert &b) { return a.at > b.at; });
	for (const Insert &ins : inserts)
		w.insert(w.begin() + (ptrdiff_t)ins.at, ins.words.begin(), ins.words.end());
	w[3] = bound;
	return w;
}

} // namespace mica::compiler
