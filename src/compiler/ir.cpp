// IR operation tables and CFG helpers.
#include "ir.h"

#include <array>
#include <cstring>

namespace mica::compiler::ir {

namespace {

enum class OpKind : uint8_t { pure, load, side, term, cross, mach };

struct OpInfo {
	const char *name;
	OpKind kind;
};

constexpr OpInfo kOps[] = {
#define MICA_IR_OP(name, kind) {#name, OpKind::kind},
#include "ir_ops.def"
#undef MICA_IR_OP
};
static_assert(sizeof(kOps) / sizeof(kOps[0]) == (size_t)Op::count);

} // namespace

const char *op_name(Op op)
{
	if (op == Op::switch_)
		return "switch";
	return kOps[(size_t)op].name;
}

bool op_from_name(std::string_view name, Op &out)
{
	if (name == "switch") {
		out = Op::switch_;
		return true;
	}
	for (size_t i = 0; i < (size_t)Op::count; i++) {
		if (name == kOps[i].name) {
			out = (Op)i;
			return true;
		}
	}
	return false;
}

bool op_is_terminator(Op op) { return kOps[(size_t)op].kind == OpKind::term; }

bool op_has_side_effects(Op op)
{
	OpKind k = kOps[(size_t)op].kind;
	return k == OpKind::side || k == OpKind::term || k == OpKind::mach;
}

bool op_reads_memory(Op op) { return kOps[(size_t)op].kind == OpKind::load; }

std::vector<uint32_t> terminator_targets(const Instr &term)
{
	std::vector<uint32_t> t;
	for (const Operand &o : term.ops)
		if (o.kind == Operand::Kind::block)
			t.push_back(o.id);
	return t;
}

void Program::recompute_preds()
{
	for (Block &b : blocks) {
		b.preds.clear();
		if (level == Level::mid) {
			b.succs.clear();
			if (!b.instrs.empty() && op_is_terminator(b.instrs.back().op)) {
				for (uint32_t t : terminator_targets(b.instrs.back())) {
					bool dup = false;
					for (uint32_t s : b.succs)
						dup |= s == t;
					if (!dup)
						b.succs.push_back(t);
				}
			}
		}
	}
	for (uint32_t i = 0; i < blocks.size(); i++)
		for (uint32_t s : blocks[i].succs)
			if (s < blocks.size())
				blocks[s].preds.push_back(i);
}

} // namespace mica::compiler::ir

namespace mica::compiler::ir {

void Program::compute_linear_cfg()
{
	for (uint32_t i = 0; i < blocks.size(); i++) {
		Block &b = blocks[i];
		b.succs.clear();
		bool falls = true;
		if (!b.instrs.empty()) {
			const Instr &last = b.instrs.back();
			if (last.op == Op::mach && (last.mop->flags & MICA_OPF_END))
				falls = false;
			for (const Instr &ins : b.instrs) {
				if (ins.op != Op::mach || !(ins.mop->flags & MICA_OPF_BRANCH))
					continue;
				for (const Operand &o : ins.ops)
					if (o.kind == Operand::Kind::block)
						b.succs.push_back(o.id);
			}
			if (last.op == Op::mach && last.mop->opcode == MICA_OP_S_BRANCH)
				falls = false;
		}
		if (falls && i + 1 < blocks.size()) {
			bool dup = false;
			for (uint32_t s : b.succs)
				dup |= s == i + 1;
			if (!dup)
				b.succs.push_back(i + 1);
		}
	}
	for (Block &b : blocks) {
		b.preds.clear();
		b.logical_preds.clear();
	}
	for (uint32_t i = 0; i < blocks.size(); i++) {
		for (uint32_t s : blocks[i].succs)
			blocks[s].preds.push_back(i);
		for (uint32_t s : blocks[i].logical_succs)
			blocks[s].logical_preds.push_back(i);
	}
}

} // namespace mica::compiler::ir
