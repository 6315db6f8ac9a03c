// SPDX-License-Identifier: MIT
// mica-run's test harness: buffers, kernel arguments, grid and result checks described by
// `;!` comment lines in the assembly source (examples/asm/README.md documents the syntax).
// The assembler sees them as comments, so one file is both the program and its test.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mica::run {

class HarnessError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// An arithmetic expression over the element index `i`, the element count `n`, buffer names
// (their initial contents at index i), numbers, + - * / and rand(x) (a deterministic value in
// [0, 1) from a hash of x). Evaluated in double precision.
class Expr {
public:
	struct Node;
	static Expr parse(const std::string &text);
	Expr();
	Expr(Expr &&) noexcept;
	Expr &operator=(Expr &&) noexcept;
	~Expr();
	// names[k] has the values *values[k]; an unknown name or an index past the end throws.
	double eval(uint64_t i, uint64_t n, const std::vector<std::string> &names,
	            const std::vector<const std::vector<double> *> &values) const;
	std::string text;

private:
	std::unique_ptr<Node> root_;
};

enum class ElemType { F32, U32, I32 };

struct BufferSpec {
	std::string name;
	ElemType type = ElemType::F32;
	uint64_t count = 0;
	Expr init;
};

struct ArgSpec {
	enum Kind { Buffer, Word } kind = Word;
	std::string buffer; // Buffer: passes the VA as two user-data words (lo, hi)
	uint32_t word = 0;  // Word: a 32-bit pattern (u32:, i32:, f32: forms)
};

struct CheckSpec {
	std::string buffer;
	Expr expect;
	double tolerance = 0; // relative, for f32; 0 = exact
};

struct Harness {
	std::vector<BufferSpec> buffers;
	std::vector<ArgSpec> args;
	std::optional<std::vector<uint64_t>> grid;   // total invocations per dimension
	std::optional<std::vector<uint32_t>> groups; // explicit workgroup counts
	std::vector<CheckSpec> checks;
	std::vector<std::pair<std::string, uint64_t>> prints;
	std::optional<uint64_t> traffic_bytes;       // bytes moved, for the throughput figure

	bool empty() const { return buffers.empty() && args.empty() && checks.empty() && !grid && !groups; }
	const BufferSpec *find(const std::string &name) const;
};

// Parses every line starting with `;!` (after optional blanks). Errors name the line.
Harness parse_harness(const std::string &source, const std::string &filename);

} // namespace mica::run
