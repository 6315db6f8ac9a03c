// SPDX-License-Identifier: MIT
// Two-pass assembler. Pass one parses and encodes every line (instruction sizes never depend on
// labels: only CTRL immediates name labels and CTRL has no literal); pass two patches branch
// immediates and checks entry points and debug lines. All operand legality is the generated
// kind table's, and the final word always comes from mica_encode.
#include <algorithm>

#include "assembler_impl.h"
#include "text.h"

namespace mica::isa {

std::string Diagnostic::format() const
{
	return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
}

namespace asm_detail {

unsigned edit_distance(std::string_view a, std::string_view b)
{
	std::vector<unsigned> prev(b.size() + 1), cur(b.size() + 1);
	for (size_t j = 0; j <= b.size(); j++)
		prev[j] = static_cast<unsigned>(j);
	for (size_t i = 1; i <= a.size(); i++) {
		cur[0] = static_cast<unsigned>(i);
		for (size_t j = 1; j <= b.size(); j++)
			cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u)});
		std::swap(prev, cur);
	}
	return prev[b.size()];
}


std::string suggest(std::string_view word, const std::vector<std::string_view> &candidates)
{
	std::string_view best;
	unsigned best_d = ~0u;
	for (auto c : candidates) {
		const unsigned d = edit_distance(word, c);
		if (d < best_d) {
			best_d = d;
			best = c;
		}
	}
	if (best.empty() || best_d > std::max<size_t>(2, word.size() / 3))
		return "";
	return "; did you mean '" + std::string(best) + "'?";
}

std::string names_list(std::span<const NamedValue> table)
{
	std::string s;
	for (const auto &nv : table)
		s += (s.empty() ? "" : ", ") + std::string(nv.name);
	return s;
}

AssembleResult Assembler::run()
{
	size_t start = 0;
	while (start <= src_.size()) {
		size_t end = src_.find('\n', start);
		if (end == std::string_view::npos)
			end = src_.size();
		line_++;
		lex::LexError lerr;
		if (!lex::tokenize(src_.substr(start, end - start), toks_, lerr)) {
			error(lerr.column, lerr.message);
		} else {
			pos_ = 0;
			try {
				statement();
			} catch (const Failure &f) {
				error(f.column, f.message);
			}
		}
		start = end + 1;
	}

	// Pass two: branch targets.
	for (Fixup &f : fixups_) {
		line_ = f.line;
		auto it = labels_.find(f.label);
		if (it == labels_.end()) {
			error(f.column, "undefined label '" + f.label + "'");
			continue;
		}
		const int64_t imm = static_cast<int64_t>(it->second.offset) - static_cast<int64_t>(f.pc) - MICA_INSTRUCTION_BYTES;
		f.inst.imm = static_cast<int32_t>(imm);
		uint64_t w[2];
		if (mica_encode(&f.inst, w) != 1) {
			error(f.column, "cannot encode branch to '" + f.label + "'");
			continue;
		}
		for (int i = 0; i < 8; i++)
			bin_.code[f.pc + static_cast<size_t>(i)] = static_cast<uint8_t>(w[0] >> (8 * i));
	}

	// Entry points.
	for (EntryState &es : entries_) {
		line_ = es.line;
		if (!es.offset_label.empty()) {
			auto it = labels_.find(es.offset_label);
			if (it == labels_.end()) {
				error(es.column, "undefined label '" + es.offset_label + "'");
				continue;
			}
			es.e.code_offset = static_cast<uint32_t>(it->second.offset);
		}
		const std::string what = "kernel '" + es.e.name + "'";
		if (es.e.code_offset % MICA_CODE_ALIGNMENT)
			error(es.column, what + " starts at code offset " + text::hex(es.e.code_offset) + ", which is not " +
				std::to_string(MICA_CODE_ALIGNMENT) + "-byte aligned");
		else if (es.e.code_offset >= bin_.code.size())
			error(es.column, what + " has no code (offset " + text::hex(es.e.code_offset) + " is at or past the end of the code)");
		else if (!inst_starts_.count(es.e.code_offset))
			error(es.column, what + " starts in the middle of an instruction");
		if (es.inline_form && !es.vgprs_set)
			es.e.vgpr_count = static_cast<uint16_t>(es.max_vgpr);
		if (es.inline_form && !es.sgprs_set)
			es.e.sgpr_count = static_cast<uint16_t>(es.max_sgpr);
		bin_.entries.push_back(es.e);
	}
	for (const PendingLine &pl : lines_) {
		line_ = pl.line;
		if (pl.d.code_offset >= bin_.code.size())
			error(pl.column, ".line is not followed by an instruction");
		else
			bin_.debug_lines.push_back(pl.d);
	}

	// Pass-two errors (labels, entries) belong among the others in source order.
	std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic &a, const Diagnostic &b) {
		return a.line != b.line ? a.line < b.line : a.column < b.column;
	});
	AssembleResult r;
	if (diags_.empty()) {
		// Defence in depth: what we produce must pass the loader's own validation.
		auto parsed = parse_binary(bin_.serialize());
		if (auto *e = std::get_if<BinaryError>(&parsed))
			diags_.push_back({file_, 1, 1, "internal error: assembled binary fails validation: " + e->message});
		else
			r.binary = std::move(bin_);
	}
	r.diagnostics = std::move(diags_);
	return r;
}

void Assembler::statement()
{
	while (peek().kind == Kind::Ident && peek(1).is(':')) {
		const Token &name = next();
		next();
		label(name);
	}
	if (at_end())
		return;
	const Token &t = next();
	if (t.kind != Kind::Ident)
		throw fail(t, "expected an instruction, a directive or a label, got " + lex::describe(t));
	if (t.text[0] == '.')
		directive(t);
	else
		instruction(t);
}

void Assembler::label(const Token &name)
{
	if (in_const_)
		throw fail(name, "labels are only allowed in the code section (label '" + name.text + "' is in .const)");
	auto [it, inserted] = labels_.emplace(name.text, LabelDef{bin_.code.size(), line_});
	if (!inserted)
		throw fail(name, "duplicate label '" + name.text + "' (first defined on line " + std::to_string(it->second.line) + ")");
}

void Assembler::emit_words(const uint64_t *w, int n)
{
	inst_starts_.insert(bin_.code.size());
	for (int k = 0; k < n; k++)
		for (int i = 0; i < 8; i++)
			bin_.code.push_back(static_cast<uint8_t>(w[k] >> (8 * i)));
}

void Assembler::emit_nop_padding(size_t align)
{
	mica_inst nop{};
	nop.info = mica_op_lookup(MICA_OP_S_NOP);
	for (auto &o : nop.opnd)
		o = MICA_OPND_NONE;
	uint64_t w[2];
	const int n = mica_encode(&nop, w);
	while (bin_.code.size() % align)
		emit_words(w, n);
}

}  // namespace asm_detail

AssembleResult assemble(std::string_view source, std::string_view filename)
{
	return asm_detail::Assembler(source, filename).run();
}

}  // namespace mica::isa
