// Machine level, after register allocation (-O1 and up): uniform loops tested at the bottom, and
// scalar compares whose answer SCC already holds.
//
// lower_uniform_loop.cpp lays a uniform loop out as
//   H:  [what the test reads, e.g. a push constant and its wait]; s_cmp a, b; s_cbranch_sccN X
//   H+1 ... L: ...; s_branch H              (body, continue construct, back edge)
//   X = L+1:                                (the exit)
// so every iteration runs the back edge and the test: four scalar instructions around a typical
// induction step. rotate_uniform_loops copies H's instructions but its branch into the latch (L
// ends with them and `s_cbranch_scc!N H+1`, and falls through to X); H is then only the guard of
// the first iteration. Sound after register allocation because every path runs the same
// instructions in the same order as before (L's copy of H is H's next execution), so registers,
// SCC and memory are the same at H+1 and at X. Only loops whose header has at most kMaxHeader
// instructions, none of them control or pc-relative, the preheader falling into it and the
// latch's `s_branch` as its only other entry, are rotated.
//
// fold_scc_compares: the SALU logic and shift instructions set SCC = (result != 0) (docs/hw/isa.md
// section 2), so `s_cmp_ne_u32 r, 0` (and its spellings `0, r`, `s_cmp_lt_u32 0, r`,
// `s_cmp_gt_u32 r, 0`) after such an instruction that wrote r, with neither r nor SCC written in
// between, recomputes what SCC holds and is dropped. After rotation the reduction's halving loop
// `stride >>= 1` ends in `s_shr_u32 s20, s20, 1; s_cbranch_scc1 body`: 2 instructions per
// iteration instead of 4.
//
// fold_constant_guards: a scalar compare of values known in its block (constants, registers last
// written by `s_mov_b32 r, constant` there or in the single block that falls into it) answers
// itself. When its `s_cbranch_scc*` can therefore never be taken, the branch goes, and the compare
// too unless something reads SCC before it is written again. Rotation leaves such a guard in
// front of every loop that starts from a constant: the reduction's `stride = 128u; stride > 0u`
// kept `s_mov_b32 s20, 0x80; s_cmp_lt_u32 0, s20; s_cbranch_scc0` (2 wave instructions per wave).
// A guard that is always taken (a loop that never runs) is left as it is.
#include <algorithm>
#include <array>

#include "compiler_internal.h"
#include "machine.h"
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

bool is_mach(const Instr &ins, unsigned opcode) { return ins.op == Op::mach && ins.mop->opcode == opcode; }

bool is_scalar_compare(const Instr &ins)
{
	return ins.op == Op::mach && ins.mop->opcode >= MICA_OP_S_CMP_EQ_U32 && ins.mop->opcode <= MICA_OP_S_CMP_NE_U64;
}

bool is_scc_branch(const Instr &ins)
{
	return is_mach(ins, MICA_OP_S_CBRANCH_SCC0) || is_mach(ins, MICA_OP_S_CBRANCH_SCC1);
}

// The block a branch instruction names.
uint32_t branch_target(const Instr &ins)
{
	for (const Operand &o : ins.ops)
		if (o.kind == Operand::Kind::block)
			return o.id;
	return kNone;
}

bool falls_through(const Block &b)
{
	if (b.instrs.empty())
		return true;
	const Instr &last = b.instrs.back();
	return !(last.op == Op::mach && ((last.mop->flags & MICA_OPF_END) || last.mop->opcode == MICA_OP_S_BRANCH));
}

// Whether a branch in any block but 'latch' names 'h' (the block before it falls through into it).
bool other_entries(const Program &p, uint32_t h, uint32_t latch)
{
	for (uint32_t i = 0; i < p.blocks.size(); i++) {
		if (i == latch)
			continue;
		for (const Instr &ins : p.blocks[i].instrs)
			if (ins.op == Op::mach && (ins.mop->flags & MICA_OPF_BRANCH) && branch_target(ins) == h)
				return true;
	}
	return false;
}

// The register an operand names after allocation (first of a tuple), or 0 for none.
uint16_t reg_of(const Program &p, const Operand &o)
{
	if (o.kind == Operand::Kind::reg)
		return o.reg;
	if (o.kind == Operand::Kind::temp && o.id < p.temp_reg.size() && p.temp_reg[o.id] != 0xffff)
		return (uint16_t)(p.temp_reg[o.id] + o.part);
	return 0;
}

// 32-bit SALU instructions whose SCC is (result != 0) (docs/hw/isa.md section 2).
bool sets_scc_nonzero(const Instr &ins)
{
	static constexpr std::array kOps = {MICA_OP_S_AND_B32,   MICA_OP_S_OR_B32,  MICA_OP_S_XOR_B32,
	                                    MICA_OP_S_ANDN2_B32, MICA_OP_S_ORN2_B32, MICA_OP_S_NOT_B32,
	                                    MICA_OP_S_SHL_B32,   MICA_OP_S_SHR_U32, MICA_OP_S_SHR_I32,
	                                    MICA_OP_S_BCNT1_B32};
	if (ins.op != Op::mach || !(ins.mop->flags & MICA_OPF_SCC) || ins.defs.size() != 1 || ins.defs[0].size != 1)
		return false;
	for (unsigned op : kOps)
		if (ins.mop->opcode == op)
			return true;
	return false;
}

bool is_identity_move(const Program &p, const Instr &ins)
{
	return is_mach(ins, MICA_OP_S_MOV_B32) && ins.defs.size() == 1 && ins.ops.size() == 1 && ins.defs[0].size == 1 &&
	       ins.ops[0].size == 1 && reg_of(p, ins.defs[0]) != 0 && reg_of(p, ins.defs[0]) == reg_of(p, ins.ops[0]);
}

bool is_zero(const Operand &o) { return o.kind == Operand::Kind::constant && o.value == 0; }

// Whether compare 'ins' asks "r != 0" (unsigned) of the register 'r'.
bool tests_nonzero(const Program &p, const Instr &ins, uint16_t r)
{
	if (ins.ops.size() < 2)
		return false;
	for (size_t i = 2; i < ins.ops.size(); i++)   // (unused source slots: MICA_OPND_NONE)
		if (ins.ops[i].kind != Operand::Kind::reg || ins.ops[i].reg != MICA_OPND_NONE)
			return false;
	const Operand &a = ins.ops[0], &b = ins.ops[1];
	auto is_r = [&](const Operand &o) { return o.size == 1 && reg_of(p, o) == r; };
	switch (ins.mop->opcode) {
	case MICA_OP_S_CMP_NE_U32: return (is_r(a) && is_zero(b)) || (is_zero(a) && is_r(b));
	case MICA_OP_S_CMP_LT_U32: return is_zero(a) && is_r(b);
	case MICA_OP_S_CMP_GT_U32: return is_r(a) && is_zero(b);
	default: return false;
	}
}

bool writes_reg(const Program &p, const Instr &ins, uint16_t r)
{
	for (const Operand &d : ins.defs) {
		const uint16_t first = reg_of(p, d);
		if (d.kind == Operand::Kind::temp || d.kind == Operand::Kind::reg)
			if (first == 0 || (r >= first && r < first + d.size))
				return true;   // (an unallocated temp: assume the worst)
	}
	return false;
}

// The header's instructions before its branch that may be copied into the latch: not control,
// not a pc-relative one, nor one completed later (fixups). At most this many (code size).
constexpr size_t kMaxHeader = 8;

bool copyable(const Instr &ins)
{
	return ins.op == Op::mach && !(ins.mop->flags & (MICA_OPF_BRANCH | MICA_OPF_END)) && ins.fixup == 0 &&
	       ins.mop->opcode != MICA_OP_S_GETPC_B64;
}

} // namespace

bool rotate_uniform_loops(Program &p)
{
	bool changed = false;
	for (uint32_t h = 1; h + 1 < p.blocks.size(); h++) {
		const Block &H = p.blocks[h];
		if (H.instrs.size() < 2 || H.instrs.size() > kMaxHeader || !is_scc_branch(H.instrs.back()) ||
		    !is_scalar_compare(H.instrs[H.instrs.size() - 2]) || !falls_through(p.blocks[h - 1]) ||
		    !std::all_of(H.instrs.begin(), H.instrs.end() - 1, copyable))
			continue;
		const uint32_t exit = branch_target(H.instrs.back());
		if (exit == kNone || exit <= h + 1)
			continue;
		const uint32_t latch = exit - 1;
		const Block &L = p.blocks[latch];
		if (L.instrs.empty() || !is_mach(L.instrs.back(), MICA_OP_S_BRANCH) || branch_target(L.instrs.back()) != h ||
		    other_entries(p, h, latch))
			continue;
		const std::vector<Instr> test(H.instrs.begin(), H.instrs.end() - 1);
		Instr back = H.instrs.back();
		back.mop = mop(back.mop->opcode == MICA_OP_S_CBRANCH_SCC0 ? MICA_OP_S_CBRANCH_SCC1 : MICA_OP_S_CBRANCH_SCC0);
		for (Operand &o : back.ops)
			if (o.kind == Operand::Kind::block)
				o.id = h + 1;
		Block &Lm = p.blocks[latch];
		Lm.instrs.pop_back();
		Lm.instrs.insert(Lm.instrs.end(), test.begin(), test.end());
		Lm.instrs.push_back(back);
		// Lanes see the same edges as the scalar unit here (a uniform loop).
		for (uint32_t &s : Lm.logical_succs)
			if (s == h)
				s = h + 1;
		Lm.logical_succs.push_back(exit);
		changed = true;
	}
	if (changed)
		p.compute_linear_cfg();
	return changed;
}

bool fold_scc_compares(Program &p)
{
	bool changed = false;
	for (Block &b : p.blocks) {
		uint16_t nonzero_reg = 0;   // SCC == (this register != 0), 0 when unknown
		for (size_t i = 0; i < b.instrs.size();) {
			const Instr &ins = b.instrs[i];
			if (nonzero_reg && is_scalar_compare(ins) && tests_nonzero(p, ins, nonzero_reg)) {
				b.instrs.erase(b.instrs.begin() + (ptrdiff_t)i);
				changed = true;
				continue;
			}
			if (sets_scc_nonzero(ins))
				nonzero_reg = reg_of(p, ins.defs[0]);
			else if (is_identity_move(p, ins))
				;   // (a copy the allocator coalesced: lower_to_asm drops it)
			else if (ins.op != Op::mach || (ins.mop->flags & MICA_OPF_SCC) || (nonzero_reg && writes_reg(p, ins, nonzero_reg)))
				nonzero_reg = 0;
			i++;
		}
	}
	return changed;
}

namespace {

// The answer of 32-bit scalar compare 'opcode' (signed or unsigned) on a and b, or -1 (not a
// 32-bit compare).
int compare_answer(unsigned opcode, uint32_t a, uint32_t b)
{
	const int32_t sa = static_cast<int32_t>(a), sb = static_cast<int32_t>(b);
	switch (opcode) {
	case MICA_OP_S_CMP_EQ_U32: return a == b;
	case MICA_OP_S_CMP_NE_U32: return a != b;
	case MICA_OP_S_CMP_LT_I32: return sa < sb;
	case MICA_OP_S_CMP_LE_I32: return sa <= sb;
	case MICA_OP_S_CMP_GT_I32: return sa > sb;
	case MICA_OP_S_CMP_GE_I32: return sa >= sb;
	case MICA_OP_S_CMP_LT_U32: return a < b;
	case MICA_OP_S_CMP_LE_U32: return a <= b;
	case MICA_OP_S_CMP_GT_U32: return a > b;
	case MICA_OP_S_CMP_GE_U32: return a >= b;
	default: return -1;
	}
}

// Whether the source slots from 'first' on are unused (MICA_OPND_NONE).
bool unused_after(const Instr &ins, size_t first)
{
	for (size_t i = first; i < ins.ops.size(); i++)
		if (ins.ops[i].kind != Operand::Kind::reg || ins.ops[i].reg != MICA_OPND_NONE)
			return false;
	return true;
}

// Registers whose 32-bit value is known: each the last write of `s_mov_b32 r, constant`, which
// is instruction 'at' of block 'block'.
struct KnownValue {
	uint16_t reg;
	uint32_t value;
	uint32_t block;
	size_t at;
};

struct KnownValues {
	std::vector<KnownValue> regs;

	const KnownValue *find(uint16_t r) const
	{
		for (const KnownValue &k : regs)
			if (k.reg == r)
				return &k;
		return nullptr;
	}
	bool value_of(const Program &p, const Operand &o, uint32_t *v) const
	{
		if (o.size != 1)
			return false;
		if (o.kind == Operand::Kind::constant) {
			*v = static_cast<uint32_t>(o.value);
			return true;
		}
		const uint16_t r = reg_of(p, o);
		const KnownValue *k = r ? find(r) : nullptr;
		if (k)
			*v = k->value;
		return k != nullptr;
	}
	// After 'ins', instruction 'at' of block 'block', executed.
	void update(const Program &p, const Instr &ins, uint32_t block, size_t at)
	{
		std::erase_if(regs, [&](const KnownValue &k) { return writes_reg(p, ins, k.reg); });
		if (is_mach(ins, MICA_OP_S_MOV_B32) && ins.defs.size() == 1 && ins.defs[0].size == 1 && !ins.ops.empty() &&
		    ins.ops[0].kind == Operand::Kind::constant && ins.ops[0].size == 1 && unused_after(ins, 1))
			if (const uint16_t r = reg_of(p, ins.defs[0]))
				regs.push_back({r, static_cast<uint32_t>(ins.ops[0].value), block, at});
	}
};

bool reads_reg(const Program &p, const Instr &ins, uint16_t r)
{
	for (const Operand &o : ins.ops) {
		if (o.kind == Operand::Kind::reg && r >= o.reg && r < o.reg + o.size)
			return true;
		if (o.kind != Operand::Kind::temp)
			continue;
		const uint16_t first = reg_of(p, o);
		if (first == 0 || (r >= first && r < first + o.size))
			return true; // (an unallocated temp: assume the worst)
	}
	return false;
}

// Moves the `s_mov_b32 r, constant` at 'k' up its block past instructions that neither read nor
// write r. Where a compare followed it, the compare spaced it from the first reader after it;
// without the compare that reader (a VALU one, the loop's first lane test) would need an s_nop,
// and the hazard pass puts it right before the reader: at the top of the loop, every iteration.
void hoist_constant_move(Program &p, const KnownValue &k)
{
	std::vector<Instr> &ins = p.blocks[k.block].instrs;
	size_t at = k.at;
	while (at > 0) {
		const Instr &above = ins[at - 1];
		if (above.op != Op::mach || above.fixup || (above.mop->flags & (MICA_OPF_BRANCH | MICA_OPF_END)) ||
		    reads_reg(p, above, k.reg) || writes_reg(p, above, k.reg))
			break;
		std::swap(ins[at - 1], ins[at]);
		at--;
	}
}

// Whether SCC is read before it is written again after instruction 'i' of block 'b' (true when not
// sure: an instruction that is not a machine one, a block with two successors, a long walk).
bool scc_read_after(const Program &p, uint32_t b, size_t i)
{
	for (unsigned walked = 0; walked < 4; walked++) {
		const Block &blk = p.blocks[b];
		for (size_t k = i + 1; k < blk.instrs.size(); k++) {
			const Instr &ins = blk.instrs[k];
			if (ins.op != Op::mach)
				return true;
			if (ins.mop->flags & MICA_OPF_RSCC)
				return true;
			if (ins.mop->flags & (MICA_OPF_SCC | MICA_OPF_END))
				return false;
			if (ins.mop->flags & MICA_OPF_BRANCH) // (not an SCC branch: those read it)
				return true;
		}
		if (!falls_through(blk) || b + 1 >= p.blocks.size())
			return true;
		b++;
		i = static_cast<size_t>(-1);
	}
	return true;
}

} // namespace

bool fold_constant_guards(Program &p)
{
	bool changed = false;
	KnownValues known;
	// Blocks some branch names (found once: a fold only removes branches, so this stays a
	// superset, which only makes the walk below forget more).
	std::vector<bool> branched_to(p.blocks.size(), false);
	for (const Block &blk : p.blocks)
		for (const Instr &ins : blk.instrs)
			if (ins.op == Op::mach && (ins.mop->flags & MICA_OPF_BRANCH))
				if (const uint32_t t = branch_target(ins); t < branched_to.size())
					branched_to[t] = true;
	for (uint32_t b = 0; b < p.blocks.size(); b++) {
		Block &blk = p.blocks[b];
		// What the block before knew holds here when it is the only way in (it falls through
		// and no branch names this block).
		const bool only_from_previous = b > 0 && falls_through(p.blocks[b - 1]) && !branched_to[b];
		if (!only_from_previous)
			known.regs.clear();
		for (size_t i = 0; i < blk.instrs.size();) {
			const Instr &ins = blk.instrs[i];
			uint32_t x = 0, y = 0;
			if (i + 1 < blk.instrs.size() && is_scalar_compare(ins) && is_scc_branch(blk.instrs[i + 1]) &&
			    ins.ops.size() >= 2 && unused_after(ins, 2) && known.value_of(p, ins.ops[0], &x) &&
			    known.value_of(p, ins.ops[1], &y)) {
				const int scc = compare_answer(ins.mop->opcode, x, y);
				const bool taken_on = is_mach(blk.instrs[i + 1], MICA_OP_S_CBRANCH_SCC1);
				const uint32_t target = branch_target(blk.instrs[i + 1]);
				// (Only while the target stays reachable: no block is left without a way in.)
				const std::vector<uint32_t> &into =
					target < p.blocks.size() ? p.blocks[target].preds : std::vector<uint32_t>{};
				const bool other_way_in =
					std::any_of(into.begin(), into.end(), [&](uint32_t q) { return q != b; });
				if (scc >= 0 && (scc != 0) != taken_on && other_way_in) {
					blk.instrs.erase(blk.instrs.begin() + (ptrdiff_t)(i + 1));
					std::erase(blk.logical_succs, target);
					if (std::find(blk.logical_succs.begin(), blk.logical_succs.end(), b + 1) ==
					    blk.logical_succs.end())
						blk.logical_succs.push_back(b + 1);
					changed = true;
					p.compute_linear_cfg();
					if (!scc_read_after(p, b, i)) {
						for (const Operand &o : {ins.ops[0], ins.ops[1]})
							if (const KnownValue *k = o.kind == Operand::Kind::constant
								    ? nullptr
								    : known.find(reg_of(p, o)))
								hoist_constant_move(p, *k);
						blk.instrs.erase(blk.instrs.begin() + (ptrdiff_t)i);
						known.regs.clear(); // (the moves' places changed; what follows is rare)
						continue;
					}
				}
			}
			known.update(p, ins, b, i);
			i++;
		}
	}
	return changed; // (the CFG was recomputed at each fold)
}

} // namespace mica::compiler
