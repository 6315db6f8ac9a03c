#include "filecheck.h"

// GCC 12 with -fsanitize=address reports a false "may be used uninitialized" inside libstdc++'s
// <regex> (std::function in the NFA state); the code here does not touch those members.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <regex>
#include <sstream>
#include <vector>

namespace mica::compiler::test {

namespace {

std::string normalize(const std::string &s)
{
	std::string out;
	bool space = false;
	for (char c : s) {
		if (c == ' ' || c == '\t') {
			space = true;
			continue;
		}
		if (space && !out.empty())
			out += ' ';
		space = false;
		out += c;
	}
	return out;
}

std::regex compile_pattern(const std::string &pat)
{
	std::string re;
	size_t i = 0;
	std::string p = normalize(pat);
	while (i < p.size()) {
		if (p.compare(i, 2, "{{") == 0) {
			size_t end = p.find("}}", i + 2);
			if (end == std::string::npos)
				end = p.size();
			re += "(?:" + p.substr(i + 2, end - i - 2) + ")";
			i = end + 2;
			continue;
		}
		char c = p[i++];
		if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos)
			re += '\\';
		re += c;
	}
	return std::regex(re);
}

struct Directive {
	enum class K { check, next, not_, label } k;
	std::string pattern;
	int line;
};

} // namespace

std::string filecheck(const std::string &checks, const std::string &output, const std::string &prefix)
{
	std::vector<Directive> dirs;
	std::istringstream cs(checks);
	std::string line;
	int ln = 0;
	while (std::getline(cs, line)) {
		ln++;
		struct {
			const char *suffix;
			Directive::K k;
		} kinds[] = {{"-NEXT:", Directive::K::next}, {"-NOT:", Directive::K::not_}, {"-LABEL:", Directive::K::label}, {":", Directive::K::check}};
		for (auto &kd : kinds) {
			std::string tag = prefix + kd.suffix;
			size_t pos = line.find(tag);
			if (pos == std::string::npos)
				continue;
			dirs.push_back({kd.k, line.substr(pos + tag.size()), ln});
			break;
		}
	}
	if (dirs.empty())
		return "no " + prefix + " directives";
	std::vector<std::string> out;
	std::istringstream os(output);
	while (std::getline(os, line))
		out.push_back(normalize(line));
	size_t pos = 0;   // next output line to search from
	std::vector<const Directive *> pending_not;
	int last_match = -1;
	for (const Directive &d : dirs) {
		std::regex re;
		try {
			re = compile_pattern(d.pattern);
		} catch (const std::regex_error &) {
			return "check line " + std::to_string(d.line) + ": bad regular expression";
		}
		if (d.k == Directive::K::not_) {
			pending_not.push_back(&d);
			continue;
		}
		size_t found = out.size();
		if (d.k == Directive::K::next) {
			if (last_match < 0 || (size_t)last_match + 1 >= out.size() || !std::regex_search(out[(size_t)last_match + 1], re))
				return "check line " + std::to_string(d.line) + ": " + prefix + "-NEXT not on the next line:" + d.pattern +
				       (last_match >= 0 && (size_t)last_match + 1 < out.size() ? "\n  next line is: " + out[(size_t)last_match + 1] : "");
			found = (size_t)last_match + 1;
		} else {
			for (size_t i = pos; i < out.size(); i++)
				if (std::regex_search(out[i], re)) {
					found = i;
					break;
				}
			if (found == out.size())
				return "check line " + std::to_string(d.line) + ": not found:" + d.pattern;
		}
		for (const Directive *n : pending_not) {
			std::regex nre = compile_pattern(n->pattern);
			for (size_t i = pos; i < found; i++)
				if (std::regex_search(out[i], nre))
					return "check line " + std::to_string(n->line) + ": " + prefix + "-NOT matched: " + out[i];
		}
		pending_not.clear();
		last_match = (int)found;
		pos = found + 1;
	}
	for (const Directive *n : pending_not) {
		std::regex nre = compile_pattern(n->pattern);
		for (size_t i = pos; i < out.size(); i++)
			if (std::regex_search(out[i], nre))
				return "check line " + std::to_string(n->line) + ": " + prefix + "-NOT matched: " + out[i];
	}
	return "";
}

} // namespace mica::compiler::test
