// Instruction selection and control-flow lowering share one class (the selector emits into the
// blocks the control-flow lowering creates). isel.cpp: data-flow instructions; lower_cf.cpp:
// structured control flow -> exec masks, phis -> copies.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "machine.h"
#include "passes.h"

namespace mica::compiler::isel_detail {

using namespace ir;

struct Fail {
	std::string msg;
};

struct Ctx {
	enum class K { loop, sw } k;
	uint32_t merge = kNone, cont = kNone, header = kNone;
	Operand active;                       // lanes still running in this iteration / case
	Operand brk, contm;                   // loop: lanes that left by break / continue
	std::vector<uint32_t> break_from, cont_from;   // machine blocks with logical exit edges
	std::set<uint32_t> case_targets;      // switch: mid blocks that start a case
	uint32_t current_case = kNone;
	// switch: lanes that fell through into a case (keyed by the case's mid block), and the
	// machine blocks they left from
	std::map<uint32_t, Operand> fall_mask;
	std::map<uint32_t, std::vector<uint32_t>> fall_from;
	// loop: lowered with scalar branches, no masks (pass_uniform_loops.cpp); its branches to the
	// continue block and past the loop, patched when those blocks exist
	bool uniform = false;
	std::vector<std::pair<uint32_t, size_t>> cont_jumps, brk_jumps;
};

// What a region leaves for its caller: blocks that fall through to the region's stop block, and
// branches (block, index) to the join: s_cbranch_execz that skip the rest of the region when no
// lane is left, and the scalar branches of a uniform loop's region to its stop block (all lanes
// with EXEC unchanged). Both are resolved when the caller creates the join block.
struct RegionOut {
	std::vector<uint32_t> ends;
	std::vector<std::pair<uint32_t, size_t>> skips;
};

class Isel {
public:
	Isel(const Program &mid, Program &out) : mid_(mid), out_(out) {}
	void run();

private:
	const Program &mid_;
	Program &out_;
	uint32_t cur_ = 0;
	std::vector<Ctx> ctx_;
	bool root_ = false;   // ctx_[0] is the whole program (returns from inside constructs)
	std::vector<uint32_t> uses_;
	std::vector<bool> uniform_loop_;   // by mid header block (pass_uniform_loops.cpp)

	uint32_t cur_mid_ = kNone;   // the mid block being lowered (for messages)
	[[noreturn]] void fail(const std::string &m)
	{
		if (cur_mid_ < mid_.block_labels.size() && mid_.block_labels[cur_mid_])
			throw Fail{m + " (in the SPIR-V block %" + std::to_string(mid_.block_labels[cur_mid_]) + ")"};
		throw Fail{m};
	}

	// ---- emission helpers ----
	uint32_t new_block()
	{
		out_.blocks.emplace_back();
		for (const Ctx &c : ctx_)
			out_.blocks.back().loop_depth += c.k == Ctx::K::loop;
		cur_ = (uint32_t)out_.blocks.size() - 1;
		return cur_;
	}
	void logical_edge(uint32_t a, uint32_t b) { out_.blocks[a].logical_succs.push_back(b); }
	Operand tmp(Bank bank, uint8_t size = 1) { return out_.new_def(RegClass{bank, size, bank == Bank::mask || bank == Bank::sbool}); }
	static Operand exec() { return Operand::phys(MICA_OPND_EXEC); }
	static Operand scc() { return Operand::phys(MICA_OPND_SCC); }
	static Operand none() { return Operand::phys(MICA_OPND_NONE); }
	bool is_vgpr(const Operand &o) const
	{
		if (o.is_temp())
			return out_.temps[o.id].bank == Bank::vgpr;
		return o.kind == Operand::Kind::reg && is_vgpr_code(o.reg);
	}
	bool is_sgpr(const Operand &o) const
	{
		if (o.is_temp())
			return out_.temps[o.id].is_sgpr_file();
		return o.kind == Operand::Kind::reg && o.reg != MICA_OPND_NONE && !is_vgpr_code(o.reg);
	}
	static bool needs_literal(const Operand &o)
	{
		if (!o.is_const())
			return false;
		int64_t v = o.size == 2 ? (int64_t)o.value : (int64_t)(int32_t)(uint32_t)o.value;
		return !(v >= -16 && v <= 64);
	}

	// Emits a machine instruction, first copying operands into registers where the operand kind
	// of the field does not allow them (mica.toml [operand_kinds]) and keeping at most one literal.
	Instr &emit(unsigned opcode, Operand def, std::vector<Operand> ops, int64_t imm = 0)
	{
		const mica_op_info *info = mop(opcode);
		ops.resize(3, none());
		bool literal_used = false;
		for (unsigned i = 0; i < 3; i++) {
			unsigned kind = info->kind[i + 1];
			Operand &o = ops[i];
			if (o.kind == Operand::Kind::block)
				continue;   // branch target, resolved at layout
			if (kind == MICA_KIND_UNUSED) {
				o = none();
				continue;
			}
			if (o.kind == Operand::Kind::none)
				o = none();
			if (o.kind == Operand::Kind::reg)
				continue;
			unsigned allow = mica_kind_table[kind].allow;
			if (o.is_const()) {
				bool lit = needs_literal(o);
				bool ok = info->format == MICA_FMT_ALU && (allow & (lit ? MICA_ALLOW_LITERAL : MICA_ALLOW_CONST)) &&
				          !(lit && literal_used);
				if (ok) {
					literal_used |= lit;
					continue;
				}
				o = materialize(o, (allow & MICA_ALLOW_SGPR) ? Bank::sgpr : Bank::vgpr);
				continue;
			}
			if (o.is_temp()) {
				bool v = is_vgpr(o);
				if (v && !(allow & MICA_ALLOW_VGPR))
					fail("internal error: vector value used where " + std::string(info->name) + " needs a scalar");
				if (!v && !(allow & MICA_ALLOW_SGPR))
					o = to_vgpr(o);
			}
		}
		Instr ins;
		ins.op = Op::mach;
		ins.mop = info;
		if (def.kind != Operand::Kind::none && !(def.kind == Operand::Kind::reg && def.reg == MICA_OPND_NONE))
			ins.defs.push_back(def);
		ins.ops = std::move(ops);
		ins.imm = imm;
		auto &instrs = out_.blocks[cur_].instrs;
		instrs.push_back(std::move(ins));
		return instrs.back();
	}
	Operand materialize(Operand c, Bank bank)
	{
		Operand t = tmp(bank, c.size);
		if (bank == Bank::vgpr)
			emit(c.size == 2 ? MICA_OP_V_MOV_B64 : MICA_OP_V_MOV_B32, t, {c});
		else
			emit(c.size == 2 ? MICA_OP_S_MOV_B64 : MICA_OP_S_MOV_B32, t, {c});
		return t;
	}
	Operand to_vgpr(Operand o)
	{
		if (is_vgpr(o))
			return o;
		Operand t = tmp(Bank::vgpr, o.size);
		emit(o.size == 2 ? MICA_OP_V_MOV_B64 : MICA_OP_V_MOV_B32, t, {o});
		return t;
	}
	Operand lo(Operand o)
	{
		if (o.is_const())
			return Operand::c32((uint32_t)o.value);
		Operand r = o;
		r.size = 1;
		r.part = 0;
		return r;
	}
	Operand hi(Operand o)
	{
		if (o.is_const())
			return Operand::c32((uint32_t)(o.value >> 32));
		Operand r = o;
		r.size = 1;
		r.part = 1;
		return r;
	}
	Bank bank_of(const Operand &o) const { return o.is_temp() ? out_.temps[o.id].bank : Bank::sgpr; }

	// A boolean as a lane mask (uniform 0/1 becomes 0 or all ones).
	Operand to_mask(Operand c)
	{
		if (c.is_const())
			return Operand::c32((c.value & 1) ? 0xffffffffu : 0u);
		if (bank_of(c) == Bank::mask)
			return c;
		Operand m = tmp(Bank::mask);
		emit(MICA_OP_S_SUB_U32, m, {Operand::c32(0), c});
		return m;
	}
	// Writes the boolean 'val' (any representation) into def (sbool or mask).
	void bool_into(Operand def, Operand val)
	{
		if (out_.temps[def.id].bank == Bank::mask) {
			emit(MICA_OP_S_MOV_B32, def, {to_mask(val)});
		} else {
			if (!val.is_const() && bank_of(val) == Bank::mask)
				fail("internal error: divergent boolean into a uniform one");
			emit(MICA_OP_S_MOV_B32, def, {val});
		}
	}
	// Copies a value into def, converting between banks as needed.
	void copy_into(Operand def, Operand src)
	{
		const RegClass &rc = out_.temps[def.id];
		if (rc.is_bool) {
			bool_into(def, src);
		} else if (rc.bank == Bank::vgpr) {
			emit(rc.size == 2 ? MICA_OP_V_MOV_B64 : MICA_OP_V_MOV_B32, def, {src});
		} else {
			if (is_vgpr(src)) {
				if (rc.size == 2)
					fail("internal error: 64-bit vector value into a scalar");
				emit(MICA_OP_V_READFIRSTLANE_B32, def, {src});
			} else {
				emit(rc.size == 2 ? MICA_OP_S_MOV_B64 : MICA_OP_S_MOV_B32, def, {src});
			}
		}
	}
	Operand exec_and(Operand m)
	{
		Operand t = tmp(Bank::mask);
		emit(MICA_OP_S_AND_B32, t, {m, exec()});
		return t;
	}

	// ---- selection ----
	void select_instr(const Instr &ins);
	void select_alu(const Instr &ins);
	void select_compare(const Instr &ins);
	void select_memory(const Instr &ins);
	void select_subgroup(const Instr &ins);
	void select_image(const Instr &ins);   // isel_image.cpp
	void select_reduction(const Instr &ins);
	Operand mem_offset_vgpr(Operand off, int64_t &imm);
	std::pair<Operand, Operand> global_address(Operand base, Operand off, int64_t &imm);
	Operand predicate_begin(const Instr &ins);
	void predicate_end(Operand saved);
	void phi_copies(uint32_t from, uint32_t to);
	// Every phi of the block is a VGPR (lane) value (emit_if may run its else copies first).
	bool merge_phis_are_lane_values(uint32_t merge) const;

	// ---- control flow ----
	enum class End { fell_through, exited };
	End region(uint32_t b, uint32_t stop, RegionOut &out, bool first_is_loop_body = false);
	void join(RegionOut &r, uint32_t block)
	{
		for (uint32_t e : r.ends)
			logical_edge(e, block);
		for (auto skip : r.skips)
			land_skip(skip, block);
	}
	void arm(uint32_t from, uint32_t target, uint32_t stop, RegionOut &out);
	void emit_if(uint32_t from, const Instr &term, uint32_t merge);
	void emit_loop(uint32_t header);
	Ctx loop_ctx(uint32_t header) const;
	uint32_t loop_body(uint32_t header);
	// lower_uniform_loop.cpp
	void emit_uniform_loop(uint32_t header);
	void uniform_exit(size_t ci, int kind, unsigned opcode);
	void uniform_branch(Operand cond, bool side_when, uint32_t side, uint32_t stop, RegionOut &out);
	void scc_from(Operand cond);
	void emit_switch(uint32_t from, const Instr &term, uint32_t merge);
	uint32_t follow(uint32_t b);
	bool exit_kind(uint32_t target, size_t &ctx_index, int &kind);
	void do_exit(size_t ci, int kind);
	void fall_through(uint32_t target);
	void emit_block_body(uint32_t b);
	Operand top_active() const
	{
		return ctx_.empty() ? Operand{} : ctx_.back().active;
	}
	void restore_exec(Operand saved)
	{
		Operand a = top_active();
		if (a.kind == Operand::Kind::none)
			emit(MICA_OP_S_MOV_B32, exec(), {saved});
		else
			emit(MICA_OP_S_AND_B32, exec(), {saved, a});
	}
	Instr &branch(unsigned opcode) { return emit(opcode, Operand{}, {Operand::block(0)}); }
	void patch(uint32_t blk, size_t idx, uint32_t target)
	{
		for (Operand &o : out_.blocks[blk].instrs[idx].ops)
			if (o.kind == Operand::Kind::block)
				o.id = target;
	}
	std::pair<uint32_t, size_t> here() const { return {cur_, out_.blocks[cur_].instrs.size() - 1}; }
	// s_cbranch_execz skipping what follows when no lane is active (its target patched later);
	// the code continues in a new block that the current one reaches logically.
	std::pair<uint32_t, size_t> skip_if_no_lanes()
	{
		uint32_t from = cur_;
		branch(MICA_OP_S_CBRANCH_EXECZ);
		auto skip = here();
		uint32_t next = new_block();
		logical_edge(from, next);
		return skip;
	}
	// The skip branch lands on 'target', which is also a logical successor of its block.
	void land_skip(std::pair<uint32_t, size_t> skip, uint32_t target)
	{
		patch(skip.first, skip.second, target);
		logical_edge(skip.first, target);
	}
};

} // namespace mica::compiler::isel_detail
