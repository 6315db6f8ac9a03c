// SPDX-License-Identifier: MIT
// Line tokenizer for the assembler. Assembly is line oriented, so a line is tokenized on its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mica::isa::lex {

enum class Kind { Ident, Int, Float, String, Punct, End };

struct Token {
	Kind kind = Kind::End;
	std::string text;   // identifier, string contents (unescaped), or the number's spelling
	uint64_t mag = 0;   // Int: magnitude
	double fval = 0;    // Float
	char punct = 0;     // Punct
	unsigned column = 0;  // 1-based

	bool is(char p) const { return kind == Kind::Punct && punct == p; }
	bool is_ident(std::string_view s) const { return kind == Kind::Ident && text == s; }
};

struct LexError {
	unsigned column = 0;
	std::string message;
};

// Tokenizes one line (comments with ';' or '//' stripped). The result always ends with an End
// token whose column is one past the last character. Returns false and fills err on bad input.
bool tokenize(std::string_view line, std::vector<Token> &out, LexError &err);

// How a token is shown in a message: 'text'.
std::string describe(const Token &t);

}  // namespace mica::isa::lex
