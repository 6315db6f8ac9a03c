// SPDX-License-Identifier: MIT
// Assembler directives: binary header, kernels and their attributes, sections, data, alignment
// and debug lines. Limits come from the generated MICA_* device constants.
#include <algorithm>
#include <bit>
#include <cmath>

#include "assembler_impl.h"
#include "text.h"

namespace mica::isa::asm_detail {

Number Assembler::number()
{
	Number n;
	const Token *t = &next();
	n.column = t->column;
	if (t->is('-') || t->is('+')) {
		n.neg = t->is('-');
		t = &next();
	}
	if (t->kind == Kind::Int) {
		n.mag = t->mag;
	} else if (t->kind == Kind::Float) {
		n.is_float = true;
		n.fval = n.neg ? -t->fval : t->fval;
	} else {
		throw fail(*t, "expected a number, got " + lex::describe(*t));
	}
	n.spelling = (n.neg ? "-" : "") + t->text;
	return n;
}

uint64_t Assembler::unsigned_arg(const char *what, uint64_t max)
{
	const Number n = number();
	if (n.is_float || (n.neg && n.mag))
		throw Failure{n.column, std::string(what) + " must be a non-negative integer, got " + n.spelling};
	if (n.mag > max)
		throw Failure{n.column, std::string(what) + " " + n.spelling + " is out of range (0.." + std::to_string(max) + ")"};
	return n.mag;
}

void Assembler::expect_end()
{
	if (!at_end())
		throw fail(peek(), "unexpected " + lex::describe(peek()) + " at end of statement");
}

void Assembler::expect(char p)
{
	const Token &t = next();
	if (!t.is(p))
		throw fail(t, std::string("expected '") + p + "', got " + lex::describe(t));
}

EntryState &Assembler::current_entry(const Token &dir)
{
	if (current_entry_ < 0)
		throw fail(dir, dir.text + " must follow a .kernel directive");
	return entries_[static_cast<size_t>(current_entry_)];
}

std::string Assembler::name_arg()
{
	const Token &t = next();
	if (t.kind != Kind::Ident && t.kind != Kind::String)
		throw fail(t, "expected a kernel name, got " + lex::describe(t));
	return t.text;
}



void Assembler::align_directive(const Token &dir)
{
	const uint64_t a = unsigned_arg(".align", 1u << 16);
	expect_end();
	if (a == 0 || (a & (a - 1)))
		throw fail(dir, ".align needs a power of two, got " + std::to_string(a));
	if (in_const_) {
		while (bin_.const_data.size() % a)
			bin_.const_data.push_back(0);
	} else {
		if (a % MICA_INSTRUCTION_BYTES)
			throw fail(dir, ".align in code must be a multiple of " + std::to_string(MICA_INSTRUCTION_BYTES) +
				" (the instruction size), got " + std::to_string(a));
		emit_nop_padding(a);
	}
}

void Assembler::data_directive(const Token &dir)
{
	if (!in_const_)
		throw fail(dir, dir.text + " is only allowed in the .const section");
	const std::string &d = dir.text;
	const unsigned size = d == ".byte" ? 1 : d == ".half" ? 2 : (d == ".word" || d == ".float") ? 4 : 8;
	const bool is_float_dir = d == ".float" || d == ".double";
	do {
		const Number n = number();
		uint64_t bits;
		if (is_float_dir) {
			const double v = n.is_float ? n.fval : (n.neg ? -static_cast<double>(n.mag) : static_cast<double>(n.mag));
			if (size == 4 && std::isinf(static_cast<float>(v)))
				throw Failure{n.column, "float " + n.spelling + " is out of range for .float"};
			bits = size == 4 ? std::bit_cast<uint32_t>(static_cast<float>(v)) : std::bit_cast<uint64_t>(v);
		} else {
			if (n.is_float)
				throw Failure{n.column, d + " takes integers; use .float or .double for " + n.spelling};
			const uint64_t umax = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
			const uint64_t nmax = 1ull << (8 * size - 1);
			if ((!n.neg && n.mag > umax) || (n.neg && n.mag > nmax))
				throw Failure{n.column, "value " + n.spelling + " does not fit in " + std::to_string(size * 8) + " bits"};
			bits = n.neg ? ~n.mag + 1 : n.mag;
		}
		for (unsigned i = 0; i < size; i++)
			bin_.const_data.push_back(static_cast<uint8_t>(bits >> (8 * i)));
		if (at_end())
			break;
		expect(',');
	} while (true);
}

void Assembler::directive(const Token &dir)
{
	const std::string &d = dir.text;
	if (d == ".text" || d == ".const") {
		expect_end();
		in_const_ = d == ".const";
	} else if (d == ".target" || d == ".profile") {
		const auto table = d == ".target" ? revision_names() : profile_names();
		const Token &t = peek();
		std::optional<uint32_t> v;
		if (t.kind == Kind::Ident) {
			next();
			v = lookup_name(table, t.text);
		} else if (t.kind == Kind::Int) {
			next();
			if (name_of(table, static_cast<uint32_t>(t.mag)) && t.mag <= 0xffff)
				v = static_cast<uint32_t>(t.mag);
		} else {
			throw fail(t, "expected one of " + names_list(table) + ", got " + lex::describe(t));
		}
		if (!v)
			throw fail(t, "unknown " + std::string(d == ".target" ? "revision" : "power profile") + " " +
				lex::describe(t) + "; expected one of " + names_list(table));
		expect_end();
		(d == ".target" ? bin_.target_revision : bin_.power_profile) = static_cast<uint16_t>(*v);
	} else if (d == ".binary_flags") {
		bin_.flags = static_cast<uint32_t>(unsigned_arg(".binary_flags", 0xffffffffu));
		expect_end();
	} else if (d == ".kernel") {
		EntryState es;
		es.line = line_;
		es.column = dir.column;
		const Token &name_tok = peek();
		es.e.name = name_arg();
		for (const EntryState &other : entries_)
			if (other.e.name == es.e.name)
				throw fail(name_tok, "duplicate kernel '" + es.e.name + "' (first declared on line " +
					std::to_string(other.line) + ")");
		if (peek().is(',')) {
			next();
			es.inline_form = false;
			if (peek().kind == Kind::Ident) {
				es.offset_label = next().text;
			} else {
				es.e.code_offset = static_cast<uint32_t>(unsigned_arg("kernel code offset", 0xffffffffu));
			}
			expect_end();
		} else {
			expect_end();
			if (in_const_)
				throw fail(dir, ".kernel without an offset places code and is not allowed in .const (use .text first)");
			emit_nop_padding(MICA_CODE_ALIGNMENT);
			es.e.code_offset = static_cast<uint32_t>(bin_.code.size());
		}
		entries_.push_back(std::move(es));
		current_entry_ = static_cast<int>(entries_.size() - 1);
		if (entries_.back().inline_form)
			inline_entry_ = current_entry_;
	} else if (d == ".vgprs") {
		EntryState &es = current_entry(dir);
		es.e.vgpr_count = static_cast<uint16_t>(unsigned_arg(".vgprs", MICA_VGPRS_PER_WAVE));
		es.vgprs_set = true;
		expect_end();
	} else if (d == ".sgprs") {
		EntryState &es = current_entry(dir);
		es.e.sgpr_count = static_cast<uint16_t>(unsigned_arg(".sgprs", MICA_SGPRS_PER_WAVE));
		es.sgprs_set = true;
		expect_end();
	} else if (d == ".shared") {
		EntryState &es = current_entry(dir);
		es.e.shared_bytes = static_cast<uint32_t>(unsigned_arg(".shared", MICA_MAX_SHARED_BYTES));
		expect_end();
	} else if (d == ".scratch") {
		EntryState &es = current_entry(dir);
		es.e.scratch_bytes = static_cast<uint32_t>(unsigned_arg(".scratch", 0xffffffffu));
		expect_end();
	} else if (d == ".flags") {
		EntryState &es = current_entry(dir);
		es.e.flags = static_cast<uint16_t>(unsigned_arg(".flags", 0xffff));
		expect_end();
	} else if (d == ".workgroup") {
		EntryState &es = current_entry(dir);
		const uint32_t max[3] = {MICA_MAX_WORKGROUP_DIM_X, MICA_MAX_WORKGROUP_DIM_Y, MICA_MAX_WORKGROUP_DIM_Z};
		static const char *const what[3] = {"workgroup size x", "workgroup size y", "workgroup size z"};
		uint16_t wg[3] = {1, 1, 1};
		uint64_t product = 1;
		for (int i = 0; i < 3; i++) {
			if (i > 0) {
				if (at_end())
					break;
				expect(',');
			}
			const unsigned col = peek().column;
			wg[i] = static_cast<uint16_t>(unsigned_arg(what[i], max[i]));
			if (wg[i] == 0)
				throw Failure{col, std::string(what[i]) + " must be at least 1"};
			product *= wg[i];
		}
		expect_end();
		if (product > MICA_MAX_WORKGROUP_INVOCATIONS)
			throw fail(dir, "workgroup of " + std::to_string(product) + " invocations exceeds the limit of " +
				std::to_string(MICA_MAX_WORKGROUP_INVOCATIONS));
		std::copy(wg, wg + 3, es.e.wg_size);
	} else if (d == ".line") {
		if (in_const_)
			throw fail(dir, ".line is only allowed in code");
		const uint32_t l = static_cast<uint32_t>(unsigned_arg(".line", 0xffffffffu));
		expect_end();
		lines_.push_back({DebugLine{static_cast<uint32_t>(bin_.code.size()), l}, line_, dir.column});
	} else if (d == ".align") {
		align_directive(dir);
	} else if (d == ".byte" || d == ".half" || d == ".word" || d == ".dword" || d == ".float" || d == ".double") {
		data_directive(dir);
	} else {
		static const std::vector<std::string_view> known = {".text", ".const", ".target", ".profile",
			".binary_flags", ".kernel", ".vgprs", ".sgprs", ".shared", ".scratch", ".flags", ".workgroup",
			".line", ".align", ".byte", ".half", ".word", ".dword", ".float", ".double"};
		throw fail(dir, "unknown directive '" + d + "'" + suggest(d, known));
	}
}

}  // namespace mica::isa::asm_detail
