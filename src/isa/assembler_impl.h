// SPDX-License-Identifier: MIT
// Internals of the assembler shared by its translation units: the per-file state and the
// statement handlers (assembler.cpp: driver and pass two; asm_directives.cpp; asm_instructions.cpp).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "lexer.h"
#include "mica/isa/assembler.h"
#include "mica/isa/names.h"

namespace mica::isa::asm_detail {

using lex::Kind;
using lex::Token;

struct Failure {
	unsigned column;
	std::string message;
};

// A parsed number with its sign kept apart, so that range checks see the written value.
struct Number {
	bool is_float = false;
	bool neg = false;
	uint64_t mag = 0;
	double fval = 0;
	unsigned column = 0;
	std::string spelling;
};

struct EntryState {
	EntryPoint e;
	unsigned line = 0, column = 0;
	bool inline_form = true;    // `.kernel NAME` (placed here) vs `.kernel NAME, OFFSET`
	std::string offset_label;   // explicit form naming a label
	bool vgprs_set = false, sgprs_set = false;
	unsigned max_vgpr = 0, max_sgpr = 0;  // registers used by the code after an inline .kernel
};

struct Fixup {
	size_t pc;
	mica_inst inst;
	std::string label;
	unsigned line, column;
};

struct LabelDef {
	uint64_t offset;
	unsigned line;
};

struct PendingLine {
	DebugLine d;
	unsigned line, column;
};

class Assembler {
public:
	Assembler(std::string_view source, std::string_view filename) : src_(source), file_(filename) {}
	AssembleResult run();

private:
	// ---- token cursor over the current line ----
	const Token &peek(size_t k = 0) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
	const Token &next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
	bool at_end() const { return peek().kind == Kind::End; }

	void error(unsigned column, std::string msg) { diags_.push_back({file_, line_, column, std::move(msg)}); }
	static Failure fail(const Token &t, std::string msg) { return Failure{t.column, std::move(msg)}; }

	void statement();
	void label(const Token &name);
	void directive(const Token &name);
	void instruction(const Token &mnemonic);

	// Directive helpers (throw Failure).
	Number number();
	uint64_t unsigned_arg(const char *what, uint64_t max);
	void expect_end();
	void expect(char p);
	EntryState &current_entry(const Token &dir);
	std::string name_arg();
	void data_directive(const Token &dir);
	void align_directive(const Token &dir);

	// Instruction helpers.
	uint16_t parse_operand(std::span<const Token> toks, const mica_op_info &info, unsigned col,
			       mica_inst &inst, unsigned &written_regs, bool &lit_set, unsigned &lit_bits);
	int32_t parse_imm(std::span<const Token> toks, const mica_op_info &info, size_t pc, std::string &label_out);
	void emit_words(const uint64_t *w, int n);
	void emit_nop_padding(size_t align);

	std::string_view src_;
	std::string file_;
	unsigned line_ = 0;
	std::vector<Token> toks_;
	size_t pos_ = 0;
	std::vector<Diagnostic> diags_;

	Binary bin_;
	bool in_const_ = false;
	std::vector<EntryState> entries_;
	int current_entry_ = -1;   // entry the attribute directives apply to
	int inline_entry_ = -1;    // entry whose code we are in (for register counting)
	std::map<std::string, LabelDef> labels_;
	std::vector<Fixup> fixups_;
	std::vector<PendingLine> lines_;
	std::set<size_t> inst_starts_;
};

// "; did you mean 'x'?" for the closest candidate, or "".
std::string suggest(std::string_view word, const std::vector<std::string_view> &candidates);
// "a, b, c" from a name table.
std::string names_list(std::span<const NamedValue> table);

}  // namespace mica::isa::asm_detail
