// SPDX-License-Identifier: MIT
#include "lexer.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "text.h"

namespace mica::isa::lex {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

}  // namespace

bool tokenize(std::string_view line, std::vector<Token> &out, LexError &err)
{
	out.clear();
	size_t i = 0;
	const size_t n = line.size();
	while (i < n) {
		const char c = line[i];
		Token t;
		t.column = static_cast<unsigned>(i + 1);
		if (c == ' ' || c == '\t' || c == '\r') {
			i++;
			continue;
		}
		if (c == ';' || (c == '/' && i + 1 < n && line[i + 1] == '/'))
			break;
		if (text::is_ident_start(c)) {
			size_t j = i;
			while (j < n && text::is_ident_char(line[j]))
				j++;
			t.kind = Kind::Ident;
			t.text = std::string(line.substr(i, j - i));
			i = j;
		} else if (is_digit(c)) {
			size_t j = i;
			if (c == '0' && i + 1 < n && (line[i + 1] == 'x' || line[i + 1] == 'X')) {
				j = i + 2;
				uint64_t v = 0;
				bool any = false;
				while (j < n && hex_value(line[j]) >= 0) {
					if (v >> 60) {
						err = {t.column, "number '" + std::string(line.substr(i, j - i + 1)) + "...' does not fit in 64 bits"};
						return false;
					}
					v = v << 4 | static_cast<uint64_t>(hex_value(line[j]));
					any = true;
					j++;
				}
				if (!any) {
					err = {t.column, "hex number '0x' has no digits"};
					return false;
				}
				t.kind = Kind::Int;
				t.mag = v;
			} else {
				while (j < n && is_digit(line[j]))
					j++;
				bool is_float = false;
				if (j < n && line[j] == '.' && j + 1 < n && is_digit(line[j + 1])) {
					is_float = true;
					j++;
					while (j < n && is_digit(line[j]))
						j++;
				}
				if (j < n && (line[j] == 'e' || line[j] == 'E')) {
					size_t k = j + 1;
					if (k < n && (line[k] == '+' || line[k] == '-'))
						k++;
					if (k < n && is_digit(line[k])) {
						is_float = true;
						j = k;
						while (j < n && is_digit(line[j]))
							j++;
					}
				}
				const std::string s(line.substr(i, j - i));
				if (is_float) {
					t.kind = Kind::Float;
					errno = 0;
					t.fval = std::strtod(s.c_str(), nullptr);
					if (errno == ERANGE && std::isinf(t.fval)) {
						err = {t.column, "float '" + s + "' is out of range"};
						return false;
					}
				} else {
					errno = 0;
					t.kind = Kind::Int;
					t.mag = std::strtoull(s.c_str(), nullptr, 10);
					if (errno == ERANGE) {
						err = {t.column, "number '" + s + "' does not fit in 64 bits"};
						return false;
					}
				}
			}
			if (j < n && text::is_ident_char(line[j])) {
				err = {static_cast<unsigned>(j + 1), "unexpected '" + std::string(1, line[j]) + "' in number"};
				return false;
			}
			t.text = std::string(line.substr(i, j - i));
			i = j;
		} else if (c == '"') {
			size_t j = i + 1;
			std::string s;
			for (;;) {
				if (j >= n) {
					err = {t.column, "unterminated string"};
					return false;
				}
				if (line[j] == '"')
					break;
				if (line[j] == '\\') {
					if (j + 1 >= n) {
						err = {static_cast<unsigned>(j + 1), "unterminated string"};
						return false;
					}
					const char e = line[j + 1];
					if (e == '"' || e == '\\') {
						s += e;
						j += 2;
					} else if (e == 'x' && j + 3 < n && hex_value(line[j + 2]) >= 0 && hex_value(line[j + 3]) >= 0) {
						s += static_cast<char>(hex_value(line[j + 2]) * 16 + hex_value(line[j + 3]));
						j += 4;
					} else {
						err = {static_cast<unsigned>(j + 1), "unknown escape in string (use \\\", \\\\ or \\xNN)"};
						return false;
					}
					continue;
				}
				s += line[j++];
			}
			t.kind = Kind::String;
			t.text = std::move(s);
			i = j + 1;
		} else if (c == ',' || c == '[' || c == ']' || c == ':' || c == '(' || c == ')' || c == '-' || c == '+') {
			t.kind = Kind::Punct;
			t.punct = c;
			t.text = std::string(1, c);
			i++;
		} else {
			err = {t.column, "unexpected character '" + std::string(1, c) + "'"};
			return false;
		}
		out.push_back(std::move(t));
	}
	Token end;
	end.kind = Kind::End;
	end.column = static_cast<unsigned>(n + 1);
	// Point at the end of the meaningful text, not past trailing comments.
	if (!out.empty())
		end.column = out.back().column + static_cast<unsigned>(out.back().text.size());
	out.push_back(end);
	return true;
}

std::string describe(const Token &t)
{
	if (t.kind == Kind::End)
		return "end of line";
	if (t.kind == Kind::String)
		return "string \"" + t.text + "\"";
	return "'" + t.text + "'";
}

}  // namespace mica::isa::lex
