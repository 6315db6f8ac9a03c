// Parser for the printer's text format, so tests can write IR directly (golden tests).
#include <charconv>
#include <cstdlib>

#include "ir.h"
#include "machine.h"

namespace mica::compiler::ir {

namespace {

std::vector<std::string_view> tokenize(std::string_view line)
{
	std::vector<std::string_view> t;
	size_t i = 0;
	while (i < line.size()) {
		char c = line[i];
		if (c == ' ' || c == '\t' || c == ',') {
			i++;
			continue;
		}
		if (c == ';')
			break;
		size_t j = i;
		int depth = 0;
		while (j < line.size()) {
			char d = line[j];
			if (d == '[' || d == '(')
				depth++;
			if (d == ']' || d == ')')
				depth--;
			if (depth <= 0 && (d == ' ' || d == '\t' || (d == ',' && depth == 0)))
				break;
			j++;
		}
		t.push_back(line.substr(i, j - i));
		i = j;
	}
	return t;
}

bool parse_int(std::string_view s, int64_t &v)
{
	bool neg = false;
	if (!s.empty() && s[0] == '-') {
		neg = true;
		s.remove_prefix(1);
	}
	uint64_t u = 0;
	int base = 10;
	if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s.remove_prefix(2);
	}
	if (s.empty())
		return false;
	auto r = std::from_chars(s.data(), s.data() + s.size(), u, base);
	if (r.ec != std::errc() || r.ptr != s.data() + s.size())
		return false;
	v = neg ? -(int64_t)u : (int64_t)u;
	return true;
}

bool parse_regclass(std::string_view s, RegClass &rc)
{
	rc = RegClass{};
	if (s == "b") { rc.is_bool = true; return true; }
	if (s == "sb") { rc.is_bool = true; rc.bank = Bank::sbool; return true; }
	if (s == "m") { rc.is_bool = true; rc.bank = Bank::mask; return true; }
	if (s.size() != 2 || s[1] < '1' || s[1] > '8')
		return false;
	rc.size = (uint8_t)(s[1] - '0');
	switch (s[0]) {
	case 'u': rc.bank = Bank::undecided; return true;
	case 's': rc.bank = Bank::sgpr; return true;
	case 'v': rc.bank = Bank::vgpr; return true;
	default: return false;
	}
}

struct Parser {
	Program &p;
	std::string &err;
	int line_no = 0;

	bool fail(const std::string &m)
	{
		err = "line " + std::to_string(line_no) + ": " + m;
		return false;
	}

	bool operand(std::string_view t, Operand &o)
	{
		if (t.starts_with("%")) {
			size_t colon = t.find(':');
			if (colon == std::string_view::npos)
				return fail("temporary without class: " + std::string(t));
			int64_t id;
			if (!parse_int(t.substr(1, colon - 1), id) || id <= 0 || id > 1000000)
				return fail("bad temporary id: " + std::string(t));
			std::string_view cls = t.substr(colon + 1), at;
			size_t atpos = cls.find('@');
			if (atpos != std::string_view::npos) {
				at = cls.substr(atpos + 1);
				cls = cls.substr(0, atpos);
			}
			// ".K" / ".K-L": dword K (dwords K..L) of the tuple (the printer's form).
			int64_t part = 0, last = -1;
			if (size_t dot = cls.find('.'); dot != std::string_view::npos) {
				std::string_view range = cls.substr(dot + 1);
				cls = cls.substr(0, dot);
				size_t dash = range.find('-');
				if (!parse_int(range.substr(0, dash), part) ||
				    (dash != std::string_view::npos && !parse_int(range.substr(dash + 1), last)))
					return fail("bad tuple part: " + std::string(t));
				if (last < 0)
					last = part;
			}
			RegClass rc;
			if (!parse_regclass(cls, rc))
				return fail("bad register class: " + std::string(cls));
			if (last >= 0 && (part < 0 || last < part || last >= rc.size))
				return fail("tuple part out of the class: " + std::string(t));
			if (p.temps.size() <= (size_t)id)
				p.temps.resize((size_t)id + 1);
			p.temps[(size_t)id] = rc;
			o = Operand::temp((uint32_t)id, rc.size);
			if (last >= 0) {
				o.part = static_cast<uint8_t>(part);
				o.size = static_cast<uint8_t>(last - part + 1);
			}
			if (!at.empty()) {
				uint16_t code;
				uint8_t sz;
				if (!parse_reg_name(at, code, sz) || code < o.part)
					return fail("bad register: " + std::string(at));
				if (p.temp_reg.size() < p.temps.size())
					p.temp_reg.resize(p.temps.size(), 0xffff);
				p.temp_reg[(size_t)id] = static_cast<uint16_t>(code - o.part);
			}
			return true;
		}
		if (t.starts_with("BB")) {
			int64_t b;
			if (!parse_int(t.substr(2), b) || b < 0 || b > 100000)
				return fail("bad block: " + std::string(t));
			o = Operand::block((uint32_t)b);
			return true;
		}
		uint16_t code;
		uint8_t sz;
		if (parse_reg_name(t, code, sz)) {
			o = Operand::phys(code, sz);
			return true;
		}
		bool wide = t.ends_with("L");
		int64_t v;
		if (parse_int(wide ? t.substr(0, t.size() - 1) : t, v)) {
			o = wide ? Operand::c64((uint64_t)v) : Operand::c32((uint32_t)v);
			return true;
		}
		return fail("bad operand: " + std::string(t));
	}

	bool instruction(const std::vector<std::string_view> &tok, Instr &ins)
	{
		size_t i = 0, eq = tok.size();
		for (size_t k = 0; k < tok.size(); k++)
			if (tok[k] == "=")
				eq = k;
		if (eq != tok.size()) {
			for (; i < eq; i++) {
				Operand d;
				if (!operand(tok[i], d))
					return false;
				ins.defs.push_back(d);
			}
			i = eq + 1;
		}
		if (i >= tok.size())
			return fail("missing operation");
		std::string_view name = tok[i++];
		if (const mica_op_info *m = find_mop(name)) {
			ins.op = Op::mach;
			ins.mop = m;
		} else if (!op_from_name(name, ins.op)) {
			return fail("unknown operation: " + std::string(name));
		}
		for (; i < tok.size(); i++) {
			std::string_view t = tok[i];
			if (t.starts_with("imm=") || t.starts_with("aux=")) {
				int64_t v;
				if (!parse_int(t.substr(4), v))
					return fail("bad immediate: " + std::string(t));
				if (t[0] == 'i')
					ins.imm = v;
				else
					ins.aux = (uint32_t)v;
				continue;
			}
			Operand o;
			if (!operand(t, o))
				return false;
			ins.ops.push_back(o);
		}
		return true;
	}

	bool header(const std::vector<std::string_view> &tok)
	{
		if (tok.size() < 2)
			return fail("expected 'program mid|machine'");
		if (tok[1] == "mid")
			p.level = Level::mid;
		else if (tok[1] == "machine")
			p.level = Level::machine;
		else
			return fail("unknown level");
		for (size_t i = 2; i < tok.size(); i++) {
			std::string_view t = tok[i];
			if (t.starts_with("wg(") && t.ends_with(")")) {
				std::string s(t.substr(3, t.size() - 4));
				char *e = nullptr;
				for (int d = 0; d < 3; d++) {
					p.wg_size[d] = (uint32_t)strtoul(d ? e + 1 : s.c_str(), &e, 10);
					if (!e || (d < 2 && *e != ',') || p.wg_size[d] == 0 || p.wg_size[d] > 1024)
						return fail("bad wg()");
				}
			} else if (t.starts_with("shared(") && t.ends_with(")")) {
				int64_t v;
				if (!parse_int(t.substr(7, t.size() - 8), v) || v < 0 || v > 65536)
					return fail("bad shared()");
				p.shared_bytes = (uint32_t)v;
			} else if (t.starts_with("rev(")) {
				p.revision = (uint32_t)atoi(std::string(t.substr(4)).c_str());
			} else if (t.starts_with("profile(")) {
				p.power_profile = (uint32_t)atoi(std::string(t.substr(8)).c_str());
			} else {
				return fail("unknown program attribute: " + std::string(t));
			}
		}
		return true;
	}

	bool block_header(const std::vector<std::string_view> &tok, Block &b)
	{
		for (size_t i = 1; i < tok.size(); i++) {
			Operand o;
			if (tok[i] == "selection_merge" && i + 1 < tok.size()) {
				if (!operand(tok[++i], o))
					return false;
				b.merge = Block::Merge::selection;
				b.merge_block = o.id;
			} else if (tok[i] == "loop_merge" && i + 1 < tok.size()) {
				if (!operand(tok[++i], o))
					return false;
				b.merge = Block::Merge::loop;
				b.merge_block = o.id;
			} else if (tok[i] == "continue" && i + 1 < tok.size()) {
				if (!operand(tok[++i], o))
					return false;
				b.continue_block = o.id;
			} else if (tok[i] == "succs") {
				while (i + 1 < tok.size()) {
					if (!operand(tok[++i], o))
						return false;
					b.succs.push_back(o.id);
				}
			} else {
				return fail("unexpected token in block header: " + std::string(tok[i]));
			}
		}
		return true;
	}
};

} // namespace

bool parse_program(std::string_view text, Program &out, std::string &error)
{
	out = Program{};
	Parser ps{out, error};
	bool have_header = false;
	size_t pos = 0;
	while (pos <= text.size()) {
		size_t nl = text.find('\n', pos);
		if (nl == std::string_view::npos)
			nl = text.size();
		std::string_view line = text.substr(pos, nl - pos);
		pos = nl + 1;
		ps.line_no++;
		auto tok = tokenize(line);
		if (tok.empty())
			continue;
		if (!have_header) {
			if (tok[0] != "program")
				return ps.fail("expected 'program' header");
			if (!ps.header(tok))
				return false;
			have_header = true;
			continue;
		}
		if (tok[0].starts_with("BB") && tok[0].ends_with(":")) {
			int64_t idx;
			if (!parse_int(tok[0].substr(2, tok[0].size() - 3), idx) || idx != (int64_t)out.blocks.size())
				return ps.fail("blocks must be numbered in order starting at BB0");
			out.blocks.emplace_back();
			if (!ps.block_header(tok, out.blocks.back()))
				return false;
			continue;
		}
		if (out.blocks.empty())
			return ps.fail("instruction outside a block");
		Instr ins;
		if (!ps.instruction(tok, ins))
			return false;
		out.blocks.back().instrs.push_back(std::move(ins));
	}
	if (!have_header)
		return ps.fail("empty program");
	if (out.temps.empty())
		out.temps.emplace_back();
	if (!out.temp_reg.empty())
		out.temp_reg.resize(out.temps.size(), 0xffff);
	for (auto &b : out.blocks)
		for (auto &ins : b.instrs)
			for (auto &o : ins.ops)
				if (o.kind == Operand::Kind::block && o.id >= out.blocks.size())
					return ps.fail("branch to undefined block BB" + std::to_string(o.id));
	out.recompute_preds();
	return true;
}

} // namespace mica::compiler::ir
