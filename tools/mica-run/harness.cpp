// SPDX-License-Identifier: MIT
#include "harness.h"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

namespace mica::run {

// ---- expressions ----

struct Expr::Node {
	enum Op { Num, Name, Add, Sub, Mul, Div, Neg, Rand } op = Num;
	double value = 0;
	std::string name;
	std::unique_ptr<Node> a, b;
};

namespace {

class ExprParser {
public:
	explicit ExprParser(const std::string &s) : s_(s) {}

	std::unique_ptr<Expr::Node> parse()
	{
		auto n = sum();
		skip();
		if (pos_ != s_.size())
			throw HarnessError("unexpected '" + s_.substr(pos_) + "' in expression '" + s_ + "'");
		return n;
	}

private:
	using Node = Expr::Node;
	void skip()
	{
		while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])))
			pos_++;
	}
	bool eat(char c)
	{
		skip();
		if (pos_ < s_.size() && s_[pos_] == c) {
			pos_++;
			return true;
		}
		return false;
	}
	static std::unique_ptr<Node> make(Node::Op op, std::unique_ptr<Node> a, std::unique_ptr<Node> b = nullptr)
	{
		auto n = std::make_unique<Node>();
		n->op = op;
		n->a = std::move(a);
		n->b = std::move(b);
		return n;
	}
	std::unique_ptr<Node> sum()
	{
		auto n = product();
		for (;;) {
			if (eat('+'))
				n = make(Node::Add, std::move(n), product());
			else if (eat('-'))
				n = make(Node::Sub, std::move(n), product());
			else
				return n;
		}
	}
	std::unique_ptr<Node> product()
	{
		auto n = unary();
		for (;;) {
			if (eat('*'))
				n = make(Node::Mul, std::move(n), unary());
			else if (eat('/'))
				n = make(Node::Div, std::move(n), unary());
			else
				return n;
		}
	}
	std::unique_ptr<Node> unary()
	{
		if (eat('-'))
			return make(Node::Neg, unary());
		return primary();
	}
	std::unique_ptr<Node> primary()
	{
		skip();
		if (eat('(')) {
			auto n = sum();
			if (!eat(')'))
				throw HarnessError("missing ')' in expression '" + s_ + "'");
			return n;
		}
		if (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) {
			const char *begin = s_.data() + pos_;
			char *end = nullptr;
			const double v = std::strtod(begin, &end);
			if (end == begin)
				throw HarnessError("bad number in expression '" + s_ + "'");
			pos_ += static_cast<size_t>(end - begin);
			auto n = std::make_unique<Node>();
			n->value = v;
			return n;
		}
		if (pos_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
			const size_t start = pos_;
			while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
				pos_++;
			std::string name = s_.substr(start, pos_ - start);
			if (name == "rand") {
				if (!eat('('))
					throw HarnessError("rand needs an argument: rand(i)");
				auto n = make(Node::Rand, sum());
				if (!eat(')'))
					throw HarnessError("missing ')' after rand( in '" + s_ + "'");
				return n;
			}
			auto n = std::make_unique<Node>();
			n->op = Node::Name;
			n->name = std::move(name);
			return n;
		}
		throw HarnessError("expected a number, name or '(' in expression '" + s_ + "'");
	}

	const std::string &s_;
	size_t pos_ = 0;
};

// splitmix64: a good, cheap, well-known integer hash.
uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

double eval_node(const Expr::Node &n, uint64_t i, uint64_t count, const std::vector<std::string> &names,
                 const std::vector<const std::vector<double> *> &values)
{
	using Node = Expr::Node;
	auto rec = [&](const std::unique_ptr<Node> &c) { return eval_node(*c, i, count, names, values); };
	switch (n.op) {
	case Node::Num:
		return n.value;
	case Node::Name:
		if (n.name == "i")
			return static_cast<double>(i);
		if (n.name == "n")
			return static_cast<double>(count);
		for (size_t k = 0; k < names.size(); k++) {
			if (names[k] == n.name) {
				if (!values[k] || i >= values[k]->size())
					throw HarnessError("buffer '" + n.name + "' has no element " + std::to_string(i));
				return (*values[k])[i];
			}
		}
		throw HarnessError("unknown name '" + n.name + "' in expression");
	case Node::Add:
		return rec(n.a) + rec(n.b);
	case Node::Sub:
		return rec(n.a) - rec(n.b);
	case Node::Mul:
		return rec(n.a) * rec(n.b);
	case Node::Div:
		return rec(n.a) / rec(n.b);
	case Node::Neg:
		return -rec(n.a);
	case Node::Rand:
		return static_cast<double>(mix(static_cast<uint64_t>(rec(n.a))) >> 11) * 0x1p-53;
	}
	return 0;
}

std::vector<std::string> split_ws(const std::string &s)
{
	std::istringstream in(s);
	std::vector<std::string> out;
	for (std::string w; in >> w;)
		out.push_back(w);
	return out;
}

uint64_t parse_u64(const std::string &s, const std::string &what)
{
	uint64_t v = 0;
	const int base = s.rfind("0x", 0) == 0 ? 16 : 10;
	const char *b = s.data() + (base == 16 ? 2 : 0);
	auto [p, ec] = std::from_chars(b, s.data() + s.size(), v, base);
	if (ec != std::errc() || p != s.data() + s.size() || b == s.data() + s.size())
		throw HarnessError("bad " + what + " '" + s + "'");
	return v;
}

std::vector<uint64_t> parse_dims(const std::string &s, const std::string &what)
{
	std::vector<uint64_t> dims;
	std::string part;
	std::istringstream in(s);
	while (std::getline(in, part, ','))
		dims.push_back(parse_u64(part, what));
	if (dims.empty() || dims.size() > 3)
		throw HarnessError(what + " needs 1 to 3 comma-separated numbers, got '" + s + "'");
	while (dims.size() < 3)
		dims.push_back(1);
	return dims;
}

} // namespace

Expr::Expr() = default;
Expr::Expr(Expr &&) noexcept = default;
Expr &Expr::operator=(Expr &&) noexcept = default;
Expr::~Expr() = default;

Expr Expr::parse(const std::string &t)
{
	Expr e;
	const size_t first = t.find_first_not_of(" \t"), last = t.find_last_not_of(" \t");
	e.text = first == std::string::npos ? std::string() : t.substr(first, last - first + 1);
	e.root_ = ExprParser(t).parse();
	return e;
}

double Expr::eval(uint64_t i, uint64_t n, const std::vector<std::string> &names,
                  const std::vector<const std::vector<double> *> &values) const
{
	if (!root_)
		return 0;
	return eval_node(*root_, i, n, names, values);
}

const BufferSpec *Harness::find(const std::string &name) const
{
	for (const BufferSpec &b : buffers)
		if (b.name == name)
			return &b;
	return nullptr;
}

// ---- directives ----

Harness parse_harness(const std::string &source, const std::string &filename)
{
	Harness h;
	std::istringstream in(source);
	std::string line;
	for (unsigned lineno = 1; std::getline(in, line); lineno++) {
		const size_t start = line.find_first_not_of(" \t");
		if (start == std::string::npos || line.compare(start, 2, ";!") != 0)
			continue;
		const std::string body = line.substr(start + 2);
		try {
			const auto words = split_ws(body);
			if (words.empty())
				continue;
			const std::string &d = words[0];
			auto rest_after = [&](const std::string &marker) {
				const size_t at = body.find(marker);
				return at == std::string::npos ? std::string() : body.substr(at + marker.size());
			};
			if (d == "buffer") {
				// buffer NAME TYPE COUNT [= EXPR]
				if (words.size() < 4)
					throw HarnessError("usage: ;! buffer NAME f32|u32|i32 COUNT [= EXPR]");
				BufferSpec b;
				b.name = words[1];
				if (b.name == "i" || b.name == "n" || b.name == "rand" || h.find(b.name))
					throw HarnessError("buffer name '" + b.name + "' is reserved or already used");
				if (words[2] == "f32")
					b.type = ElemType::F32;
				else if (words[2] == "u32")
					b.type = ElemType::U32;
				else if (words[2] == "i32")
					b.type = ElemType::I32;
				else
					throw HarnessError("unknown element type '" + words[2] + "' (f32, u32, i32)");
				b.count = parse_u64(words[3], "element count");
				if (b.count == 0 || b.count > (1ull << 26))
					throw HarnessError("element count must be 1 .. 2^26");
				const std::string init = body.find('=') == std::string::npos ? "0" : rest_after("=");
				b.init = Expr::parse(init);
				h.buffers.push_back(std::move(b));
			} else if (d == "args") {
				// args ITEM... : buffer names, u32:N, i32:N, f32:X
				for (size_t k = 1; k < words.size(); k++) {
					const std::string &w = words[k];
					ArgSpec a;
					if (w.rfind("u32:", 0) == 0) {
						a.word = static_cast<uint32_t>(parse_u64(w.substr(4), "u32 argument"));
					} else if (w.rfind("i32:", 0) == 0) {
						a.word = static_cast<uint32_t>(std::stoll(w.substr(4)));
					} else if (w.rfind("f32:", 0) == 0) {
						a.word = std::bit_cast<uint32_t>(std::stof(w.substr(4)));
					} else {
						if (!h.find(w))
							throw HarnessError("argument '" + w + "' is not a declared buffer (declare buffers first)");
						a.kind = ArgSpec::Buffer;
						a.buffer = w;
					}
					h.args.push_back(std::move(a));
				}
			} else if (d == "grid") {
				if (words.size() != 2)
					throw HarnessError("usage: ;! grid X[,Y[,Z]]");
				h.grid = parse_dims(words[1], "grid");
			} else if (d == "groups") {
				if (words.size() != 2)
					throw HarnessError("usage: ;! groups X[,Y[,Z]]");
				std::vector<uint32_t> g;
				for (uint64_t v : parse_dims(words[1], "groups"))
					g.push_back(static_cast<uint32_t>(v));
				h.groups = g;
			} else if (d == "check") {
				// check NAME = EXPR [tol REL]
				if (words.size() < 4 || words[2] != "=")
					throw HarnessError("usage: ;! check NAME = EXPR [tol REL]");
				CheckSpec c;
				c.buffer = words[1];
				if (!h.find(c.buffer))
					throw HarnessError("check of undeclared buffer '" + c.buffer + "'");
				std::string expr = rest_after("=");
				const size_t tol = expr.find(" tol ");
				if (tol != std::string::npos) {
					c.tolerance = std::stod(expr.substr(tol + 5));
					expr = expr.substr(0, tol);
				}
				c.expect = Expr::parse(expr);
				h.checks.push_back(std::move(c));
			} else if (d == "print") {
				if (words.size() < 2 || words.size() > 3 || !h.find(words[1]))
					throw HarnessError("usage: ;! print BUFFER [COUNT]");
				h.prints.emplace_back(words[1], words.size() == 3 ? parse_u64(words[2], "count") : 8);
			} else if (d == "traffic") {
				if (words.size() != 2)
					throw HarnessError("usage: ;! traffic BYTES");
				h.traffic_bytes = parse_u64(words[1], "byte count");
			} else {
				throw HarnessError("unknown harness directive '" + d + "'");
			}
		} catch (const std::invalid_argument &) {
			throw HarnessError(filename + ":" + std::to_string(lineno) + ": bad number");
		} catch (const std::out_of_range &) {
			throw HarnessError(filename + ":" + std::to_string(lineno) + ": number out of range");
		} catch (const HarnessError &e) {
			throw HarnessError(filename + ":" + std::to_string(lineno) + ": " + e.what());
		}
	}
	return h;
}

} // namespace mica::run
