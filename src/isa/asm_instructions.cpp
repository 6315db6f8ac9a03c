// SPDX-License-Identifier: MIT
// Instruction statements: operand parsing against the generated operand-kind table, literals,
// CTRL immediates by meaning, MEM offsets, and encoding through mica_encode.
#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

#include "assembler_impl.h"
#include "text.h"

namespace mica::isa::asm_detail {
namespace {

const std::unordered_map<std::string_view, const mica_op_info *> &op_by_name()
{
	static const auto table = [] {
		std::unordered_map<std::string_view, const mica_op_info *> m;
		for (const auto &info : mica_op_table)
			m.emplace(info.name, &info);
		return m;
	}();
	return table;
}

// Splits the operand tokens at top-level commas; `offset:N` at the end is a modifier.
struct OperandSplit {
	std::vector<std::span<const Token>> operands;
	std::span<const Token> offset;  // tokens after "offset:" (empty if absent)
	const Token *offset_kw = nullptr;
};

OperandSplit split_operands(std::span<const Token> toks)
{
	OperandSplit s;
	size_t end = toks.size();
	int depth = 0;
	for (size_t i = 0; i + 1 < toks.size(); i++) {
		if (toks[i].is('(') || toks[i].is('['))
			depth++;
		else if (toks[i].is(')') || toks[i].is(']'))
			depth--;
		else if (depth == 0 && toks[i].is_ident("offset") && toks[i + 1].is(':')) {
			s.offset_kw = &toks[i];
			s.offset = toks.subspan(i + 2);
			end = i;
			break;
		}
	}
	if (end == 0)
		return s;
	size_t start = 0;
	depth = 0;
	for (size_t i = 0; i <= end; i++) {
		if (i < end && (toks[i].is('(') || toks[i].is('[')))
			depth++;
		else if (i < end && (toks[i].is(')') || toks[i].is(']')))
			depth--;
		if (i == end || (depth == 0 && toks[i].is(','))) {
			s.operands.push_back(toks.subspan(start, i - start));
			start = i + 1;
		}
	}
	return s;
}

// A register written as v5 / s5: returns the index, or -1 when the identifier is not one.
int single_reg(const std::string &id, char prefix)
{
	if (id.size() < 2 || id[0] != prefix || id.size() > 5)
		return -1;
	int v = 0;
	for (size_t i = 1; i < id.size(); i++) {
		if (id[i] < '0' || id[i] > '9')
			return -1;
		v = v * 10 + (id[i] - '0');
	}
	if (id.size() > 2 && id[1] == '0')
		return -1;
	return v;
}

Number number_from(std::span<const Token> toks, size_t &i)
{
	Number n;
	n.column = toks[i].column;
	if (toks[i].is('-') || toks[i].is('+')) {
		n.neg = toks[i].is('-');
		i++;
		if (i >= toks.size())
			throw Failure{n.column, "expected a number after the sign"};
	}
	const Token &t = toks[i];
	if (t.kind == Kind::Int)
		n.mag = t.mag;
	else if (t.kind == Kind::Float) {
		n.is_float = true;
		n.fval = n.neg ? -t.fval : t.fval;
	} else
		throw Failure{t.column, "expected a number, got " + lex::describe(t)};
	n.spelling = (n.neg ? "-" : "") + t.text;
	i++;
	return n;
}

// The literal bit pattern of a float in the operand's format (f64 for 64-bit operands, f16 for
// _f16 instructions, else f32). Values too large for the format are refused, not turned into inf.
uint64_t float_bits(const Number &n, unsigned bits, const mica_op_info &info)
{
	if (bits == 64)
		return std::bit_cast<uint64_t>(n.fval);
	const float f = static_cast<float>(n.fval);
	if (std::isinf(f) && !std::isinf(n.fval))
		throw Failure{n.column, "float " + n.spelling + " is out of range for f32"};
	if (!text::uses_f16(info))
		return std::bit_cast<uint32_t>(f);
	const uint16_t h = text::f32_to_f16(f);
	if ((h & 0x7fffu) == 0x7c00u && !std::isinf(f))
		throw Failure{n.column, "float " + n.spelling + " is out of range for f16"};
	return h;
}

// The bit pattern of an integer for an operand of `bits` width, if it fits.
std::optional<uint64_t> int_bits(const Number &n, unsigned bits)
{
	if (bits == 64) {
		if (n.neg && n.mag > (1ull << 63))
			return std::nullopt;
		return n.neg ? ~n.mag + 1 : n.mag;
	}
	if ((!n.neg && n.mag > 0xffffffffull) || (n.neg && n.mag > 0x80000000ull))
		return std::nullopt;
	return (n.neg ? ~n.mag + 1 : n.mag) & 0xffffffffull;
}

}  // namespace

uint16_t Assembler::parse_operand(std::span<const Token> toks, const mica_op_info &info, unsigned col,
				  mica_inst &inst, unsigned &written_regs, bool &lit_set, unsigned &lit_bits)
{
	const unsigned kind = info.kind[col];
	const unsigned allow = mica_kind_table[kind].allow;
	const unsigned bits = mica_kind_table[kind].regs == 2 ? 64 : 32;
	const std::string where = std::string(info.name) + " " + text::column_name(info.format, col);
	const Token &first = toks[0];
	size_t i = 0;
	uint16_t raw = 0;
	enum mica_opnd_class cls = MICA_OC_RESERVED;
	written_regs = 1;
	std::optional<uint64_t> literal;

	auto reg_index_check = [&](int idx, char prefix, const Token &t) {
		const int count = prefix == 'v' ? MICA_VGPRS_PER_WAVE : MICA_SGPRS_PER_WAVE;
		if (idx < 0 || idx >= count)
			throw Failure{t.column, std::string("register ") + prefix + std::to_string(idx) + " does not exist (" +
				prefix + "0.." + prefix + std::to_string(count - 1) + ")"};
	};

	if (first.kind == Kind::Ident && (first.text == "v" || first.text == "s") && toks.size() > 1 && toks[1].is('[')) {
		// Register tuple v[lo:hi].
		const char prefix = first.text[0];
		if (toks.size() < 6 || toks[2].kind != Kind::Int || !toks[3].is(':') || toks[4].kind != Kind::Int || !toks[5].is(']'))
			throw Failure{first.column, std::string("malformed register tuple; write ") + prefix + "[first:last]"};
		const uint64_t lo = toks[2].mag, hi = toks[4].mag;
		reg_index_check(lo > 1000 ? -1 : static_cast<int>(lo), prefix, toks[2]);
		reg_index_check(hi > 1000 ? -1 : static_cast<int>(hi), prefix, toks[4]);
		if (hi < lo)
			throw Failure{toks[4].column, "register tuple " + std::string(1, prefix) + "[" + toks[2].text + ":" +
				toks[4].text + "] ends before it starts"};
		written_regs = static_cast<unsigned>(hi - lo + 1);
		cls = prefix == 'v' ? MICA_OC_VGPR : MICA_OC_SGPR;
		raw = static_cast<uint16_t>((prefix == 'v' ? MICA_OPND_VGPR_FIRST : MICA_OPND_SGPR_FIRST) + lo);
		i = 6;
	} else if (first.kind == Kind::Ident && first.text == "lit" && toks.size() > 1 && toks[1].is('(')) {
		i = 2;
		if (i >= toks.size())
			throw Failure{first.column, "lit( needs a value"};
		const Number n = number_from(toks, i);
		if (i >= toks.size() || !toks[i].is(')'))
			throw Failure{first.column, "expected ')' to close lit("};
		i++;
		cls = MICA_OC_LITERAL;
		raw = MICA_OPND_LITERAL;
		if (n.is_float) {
			literal = float_bits(n, bits, info);
		} else {
			literal = int_bits(n, bits);
			if (!literal)
				throw Failure{n.column, "value " + n.spelling + " does not fit in the " + std::to_string(bits) +
					"-bit operand " + text::column_name(info.format, col) + " of " + info.name};
		}
	} else if (first.kind == Kind::Ident) {
		i = 1;
		const std::string &id = first.text;
		int idx;
		if ((idx = single_reg(id, 'v')) >= 0) {
			reg_index_check(idx, 'v', first);
			cls = MICA_OC_VGPR;
			raw = static_cast<uint16_t>(MICA_OPND_VGPR_FIRST + static_cast<unsigned>(idx));
		} else if ((idx = single_reg(id, 's')) >= 0) {
			reg_index_check(idx, 's', first);
			cls = MICA_OC_SGPR;
			raw = static_cast<uint16_t>(MICA_OPND_SGPR_FIRST + static_cast<unsigned>(idx));
		} else if (id == "exec") {
			raw = MICA_OPND_EXEC;
		} else if (id == "vcc") {
			raw = MICA_OPND_VCC;
		} else if (id == "scc") {
			raw = MICA_OPND_SCC;
		} else if (id == "lane_id") {
			raw = MICA_OPND_LANE_ID;
		} else if (id == "none" || id == "off") {
			raw = MICA_OPND_NONE;
		} else {
			throw Failure{first.column, "expected a register, constant or literal for " + where + ", got '" + id + "'"};
		}
		cls = mica_opnd_classify(raw);
	} else if (first.kind == Kind::Int || first.kind == Kind::Float || first.is('-') || first.is('+')) {
		const Number n = number_from(toks, i);
		unsigned inline_raw = 0;
		if (n.is_float) {
			bool found = false;
			for (unsigned k = 0; k <= MICA_OPND_FLOAT_LAST - MICA_OPND_FLOAT_FIRST; k++)
				if (std::bit_cast<double>(mica_float_const_f64[k]) == n.fval) {
					inline_raw = MICA_OPND_FLOAT_FIRST + k;
					found = true;
				}
			if (!found) {
				literal = float_bits(n, bits, info);
				// A float whose pattern is an inline integer (0.0) needs no literal word.
				const int64_t as_int = bits == 64 ? static_cast<int64_t>(*literal)
					: static_cast<int32_t>(static_cast<uint32_t>(*literal));
				if (text::int_inline_raw(as_int, &inline_raw))
					literal.reset();
			}
		} else {
			const int64_t v = n.mag > (1ull << 62) ? INT64_MAX : (n.neg ? -static_cast<int64_t>(n.mag) : static_cast<int64_t>(n.mag));
			if (!text::int_inline_raw(v, &inline_raw)) {
				literal = int_bits(n, bits);
				if (!literal)
					throw Failure{n.column, "value " + n.spelling + " does not fit in the " + std::to_string(bits) +
						"-bit operand " + text::column_name(info.format, col) + " of " + info.name};
			}
		}
		if (literal) {
			cls = MICA_OC_LITERAL;
			raw = MICA_OPND_LITERAL;
			if ((allow & MICA_ALLOW_CONST) && !(allow & MICA_ALLOW_LITERAL))
				throw Failure{n.column, "value " + n.spelling + " is not an inline constant and " + where +
					" does not take a literal"};
		} else {
			cls = MICA_OC_CONST;
			raw = static_cast<uint16_t>(inline_raw);
		}
	} else {
		throw Failure{first.column, "expected an operand for " + where + ", got " + lex::describe(first)};
	}
	if (i < toks.size())
		throw Failure{toks[i].column, "unexpected " + lex::describe(toks[i]) + " after operand"};

	static const unsigned class_bits[] = {MICA_ALLOW_VGPR, MICA_ALLOW_SGPR, MICA_ALLOW_EXEC, MICA_ALLOW_VCC,
		MICA_ALLOW_SCC, MICA_ALLOW_LANE_ID, MICA_ALLOW_NONE, MICA_ALLOW_CONST, MICA_ALLOW_LITERAL, 0};
	if (!(allow & class_bits[cls]))
		throw Failure{first.column, where + " cannot be " + text::class_phrase(cls) + " (operand kind '" +
			mica_kind_table[kind].name + "' allows: " + text::allowed_list(allow) + ")"};
	if (literal) {
		// One literal word per instruction: a 64-bit operand uses all of it, a 32-bit one the low half.
		if (!lit_set) {
			inst.literal = *literal;
			lit_bits = bits;
			lit_set = true;
		} else {
			const uint64_t mask32 = 0xffffffffull;
			bool ok;
			if (bits == 64 && lit_bits == 32) {
				ok = (*literal & mask32) == inst.literal;
				inst.literal = *literal;
				lit_bits = 64;
			} else if (bits == 32 && lit_bits == 64) {
				ok = *literal == (inst.literal & mask32);
			} else {
				ok = *literal == inst.literal;
			}
			if (!ok)
				throw Failure{first.column, std::string(info.name) + " can hold only one literal value, and " +
					text::column_name(info.format, col) + " needs a different one (" + text::hex(*literal) + ")"};
		}
	}
	return raw;
}

int32_t Assembler::parse_imm(std::span<const Token> toks, const mica_op_info &info, size_t pc, std::string &label_out)
{
	const Token &first = toks[0];
	const std::string what = std::string(info.name) + " immediate";
	// A raw 32-bit number, accepted for every immediate kind.
	auto raw_number = [&](std::span<const Token> t) -> int32_t {
		size_t i = 0;
		const Number n = number_from(t, i);
		if (i < t.size())
			throw Failure{t[i].column, "unexpected " + lex::describe(t[i]) + " after the immediate"};
		if (n.is_float)
			throw Failure{n.column, what + " must be an integer, got " + n.spelling};
		auto b = int_bits(n, 32);
		if (!b)
			throw Failure{n.column, what + " " + n.spelling + " does not fit in 32 bits"};
		return static_cast<int32_t>(static_cast<uint32_t>(*b));
	};
	// NAME(arg) with arg looked up in a table or given as a number.
	auto func_arg = [&](const char *func, std::span<const NamedValue> table, const char *noun) -> int32_t {
		if (first.kind == Kind::Ident && first.text == func) {
			if (toks.size() != 4 || !toks[1].is('(') || !toks[3].is(')'))
				throw Failure{first.column, std::string("expected ") + func + "(NAME)"};
			const Token &a = toks[2];
			if (a.kind == Kind::Int) {
				if (a.mag > 0x7fffffff)
					throw Failure{a.column, std::string(noun) + " number " + a.text + " is too large"};
				return static_cast<int32_t>(a.mag);
			}
			if (a.kind == Kind::Ident)
				if (auto v = lookup_name(table, a.text))
					return static_cast<int32_t>(*v);
			throw Failure{a.column, "unknown " + std::string(noun) + " " + lex::describe(a) + "; known: " + names_list(table)};
		}
		if (first.kind == Kind::Ident)
			throw Failure{first.column, what + ": expected " + func + "(NAME) or a number, got '" + first.text + "'"};
		return raw_number(toks);
	};

	switch (info.imm) {
	case MICA_IMM_TARGET: {
		if (first.kind == Kind::Ident) {
			if (toks.size() > 1)
				throw Failure{toks[1].column, "unexpected " + lex::describe(toks[1]) + " after the branch target"};
			label_out = first.text;
			return 0;
		}
		size_t i = 0;
		const Number n = number_from(toks, i);
		if (i < toks.size())
			throw Failure{toks[i].column, "unexpected " + lex::describe(toks[i]) + " after the branch target"};
		if (n.is_float || n.mag > (1ull << 40))
			throw Failure{n.column, "branch target must be a label or a code offset, got " + n.spelling};
		const int64_t target = n.neg ? -static_cast<int64_t>(n.mag) : static_cast<int64_t>(n.mag);
		if (target % static_cast<int64_t>(MICA_INSTRUCTION_BYTES))
			throw Failure{n.column, "branch target " + n.spelling + " is not a multiple of " +
				std::to_string(MICA_INSTRUCTION_BYTES) + " bytes"};
		const int64_t imm = target - static_cast<int64_t>(pc) - MICA_INSTRUCTION_BYTES;
		if (imm < INT32_MIN || imm > INT32_MAX)
			throw Failure{n.column, "branch target " + n.spelling + " is out of range"};
		return static_cast<int32_t>(imm);
	}
	case MICA_IMM_WAITCNT: {
		if (first.kind != Kind::Ident)
			return raw_number(toks);
		const uint32_t field = (1u << MICA_WAITCNT_BITS) - 1;
		uint32_t gm = MICA_WAITCNT_NOWAIT, ls = MICA_WAITCNT_NOWAIT;
		bool seen_gm = false, seen_ls = false;
		for (size_t i = 0; i < toks.size(); i += 4) {
			const Token &c = toks[i];
			if (c.kind != Kind::Ident || (c.text != "gm" && c.text != "ls"))
				throw Failure{c.column, "unknown counter " + lex::describe(c) + " in s_waitcnt; expected gm(N) or ls(N)"};
			if (i + 3 >= toks.size() || !toks[i + 1].is('(') || toks[i + 2].kind != Kind::Int || !toks[i + 3].is(')'))
				throw Failure{c.column, "expected " + c.text + "(N) with N a number"};
			bool &seen = c.text == "gm" ? seen_gm : seen_ls;
			if (seen)
				throw Failure{c.column, "counter " + c.text + " given twice"};
			seen = true;
			if (toks[i + 2].mag > field)
				throw Failure{toks[i + 2].column, c.text + " count " + toks[i + 2].text + " is out of range (0.." +
					std::to_string(field) + ")"};
			(c.text == "gm" ? gm : ls) = static_cast<uint32_t>(toks[i + 2].mag);
		}
		return static_cast<int32_t>((gm << MICA_WAITCNT_GM_SHIFT) | (ls << MICA_WAITCNT_LS_SHIFT));
	}
	case MICA_IMM_SCOPE: return func_arg("scope", fence_scope_names(), "fence scope");
	case MICA_IMM_HWREG: return func_arg("hwreg", hwreg_names(), "hardware register");
	case MICA_IMM_COUNTER: return func_arg("counter", perf_counter_names(), "perf counter");
	default: return raw_number(toks);
	}
}

void Assembler::instruction(const Token &mnemonic)
{
	if (in_const_)
		throw fail(mnemonic, "instruction '" + mnemonic.text + "' in the .const section (use .text first)");
	const auto &ops = op_by_name();
	auto it = ops.find(mnemonic.text);
	if (it == ops.end()) {
		std::vector<std::string_view> names;
		for (const auto &info : mica_op_table)
			names.push_back(info.name);
		throw fail(mnemonic, "unknown instruction '" + mnemonic.text + "'" + suggest(mnemonic.text, names));
	}
	const mica_op_info &info = *it->second;
	const std::span<const Token> rest(toks_.data() + pos_, toks_.size() - 1 - pos_);
	OperandSplit split = split_operands(rest);

	// The operand list: used columns in order, then the CTRL immediate.
	std::vector<unsigned> cols;
	std::string expected;
	for (unsigned c = 0; c < 4; c++)
		if (info.kind[c] != MICA_KIND_UNUSED) {
			cols.push_back(c);
			expected += (expected.empty() ? "" : ", ") + std::string(text::column_name(info.format, c)) + ":" +
				mica_kind_table[info.kind[c]].name;
		}
	const bool has_imm = info.format == MICA_FMT_CTRL && info.imm != MICA_IMM_NONE;
	if (has_imm)
		expected += std::string(expected.empty() ? "" : ", ") + "immediate";
	const size_t want = cols.size() + (has_imm ? 1 : 0);
	for (const auto &o : split.operands)
		if (o.empty())
			throw fail(mnemonic, std::string("empty operand in ") + info.name + " (stray comma?)");
	if (split.operands.size() != want) {
		const unsigned column = split.operands.size() > want && want > 0 ? split.operands[want][0].column
			: split.operands.size() > want ? split.operands[0][0].column : mnemonic.column;
		throw Failure{column, std::string(info.name) + " expects " + std::to_string(want) + " operand" +
			(want == 1 ? "" : "s") + (want ? " (" + expected + ")" : "") + ", got " +
			std::to_string(split.operands.size())};
	}

	mica_inst inst{};
	inst.info = &info;
	for (auto &o : inst.opnd)
		o = MICA_OPND_NONE;
	unsigned written[4] = {0, 0, 0, 0};
	bool lit_set = false;
	unsigned lit_bits = 0;
	for (size_t k = 0; k < cols.size(); k++)
		inst.opnd[cols[k]] = parse_operand(split.operands[k], info, cols[k], inst, written[cols[k]], lit_set, lit_bits);

	// Register counts and alignment, now that saddr (which changes gaddr's width) is known.
	for (size_t k = 0; k < cols.size(); k++) {
		const unsigned c = cols[k];
		const enum mica_opnd_class cls = mica_opnd_classify(inst.opnd[c]);
		if (cls != MICA_OC_VGPR && cls != MICA_OC_SGPR)
			continue;
		const unsigned regs = mica_inst_opnd_regs(&inst, c);
		const char p = cls == MICA_OC_VGPR ? 'v' : 's';
		const unsigned idx = inst.opnd[c] - (cls == MICA_OC_VGPR ? MICA_OPND_VGPR_FIRST : MICA_OPND_SGPR_FIRST);
		const unsigned column = split.operands[k][0].column;
		const std::string where = std::string(info.name) + " " + text::column_name(info.format, c);
		if (written[c] != regs) {
			std::string form = regs == 1 ? std::string(1, p) + "N" : std::string(1, p) + "[N:N+" + std::to_string(regs - 1) + "]";
			std::string note;
			if (info.kind[c] == MICA_KIND_GADDR)
				note = regs == 1 ? " (a single VGPR offset, because saddr is set)" : " (a VGPR pair address, because saddr is off)";
			throw Failure{column, where + " needs " + std::to_string(regs) + " register" + (regs == 1 ? "" : "s") +
				" (" + form + ")" + note + ", got " + std::to_string(written[c])};
		}
		const unsigned align = regs >= 4 ? 4 : regs;
		if (align > 1 && idx % align)
			throw Failure{column, "misaligned register tuple for " + where + ": a " + std::to_string(regs) +
				"-register tuple must start at a multiple of " + std::to_string(align) + ", got " + p + std::to_string(idx)};
		const unsigned count = cls == MICA_OC_VGPR ? MICA_VGPRS_PER_WAVE : MICA_SGPRS_PER_WAVE;
		if (idx + regs > count)
			throw Failure{column, "register tuple for " + where + " runs past " + p + std::to_string(count - 1)};
	}

	if (split.offset_kw) {
		if (info.format != MICA_FMT_MEM)
			throw fail(*split.offset_kw, "offset: is only allowed on memory instructions");
		if (split.offset.empty())
			throw fail(*split.offset_kw, "offset: needs a value");
		size_t i = 0;
		const Number n = number_from(split.offset, i);
		if (i < split.offset.size())
			throw fail(split.offset[i], "unexpected " + lex::describe(split.offset[i]) + " after the offset");
		const int64_t lo = -(1ll << (MICA_MEM_OFFSET_BITS - 1)), hi = (1ll << (MICA_MEM_OFFSET_BITS - 1)) - 1;
		const int64_t v = n.mag > (1ull << 40) ? INT64_MAX : (n.neg ? -static_cast<int64_t>(n.mag) : static_cast<int64_t>(n.mag));
		if (n.is_float || v < lo || v > hi)
			throw Failure{n.column, "offset " + n.spelling + " is out of range (" + std::to_string(lo) + ".." +
				std::to_string(hi) + ")"};
		inst.offset = static_cast<int32_t>(v);
	}

	const size_t pc = bin_.code.size();
	std::string label;
	unsigned imm_column = 0;
	if (has_imm) {
		imm_column = split.operands.back()[0].column;
		inst.imm = parse_imm(split.operands.back(), info, pc, label);
	}

	uint64_t w[2] = {0, 0};
	const int n = mica_encode(&inst, w);
	if (n < 0) {
		throw fail(mnemonic, std::string("cannot encode ") + info.name + ": " + mica_decode_status_name(n));
	}
	if (!label.empty())
		fixups_.push_back({pc, inst, label, line_, imm_column});
	emit_words(w, n);

	if (inline_entry_ >= 0) {
		EntryState &es = entries_[static_cast<size_t>(inline_entry_)];
		for (unsigned c : cols) {
			const enum mica_opnd_class cls = mica_opnd_classify(inst.opnd[c]);
			const unsigned regs = mica_inst_opnd_regs(&inst, c);
			if (cls == MICA_OC_VGPR)
				es.max_vgpr = std::max(es.max_vgpr, inst.opnd[c] - MICA_OPND_VGPR_FIRST + regs);
			else if (cls == MICA_OC_SGPR)
				es.max_sgpr = std::max(es.max_sgpr, inst.opnd[c] - MICA_OPND_SGPR_FIRST + regs);
		}
	}
}

}  // namespace mica::isa::asm_detail
