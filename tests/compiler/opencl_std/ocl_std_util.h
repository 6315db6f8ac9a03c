// Runs one OpenCL.std extended instruction per invocation on the device model: a GLCompute
// shader (generated SPIR-V assembly importing "OpenCL.std") reads the operands of invocation i
// from storage buffers 0..n-1, applies the instruction, and writes the result to buffer n (and a
// pointer result, e.g. frexp's exponent, to buffer n+1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mica::compiler::oclstd {

// A value type: a scalar "f16" "f32" "f64" "i8" "i16" "i32" "i64", or a vector "v4f32" ...
struct VType {
	char kind = 'f';        // 'f' or 'i'
	unsigned bits = 32;     // of a component
	unsigned count = 1;     // components
	static VType parse(const std::string &s);
	std::string name() const;            // SPIR-V id name, e.g. "f32", "v4f32"
	unsigned comp_bytes() const { return bits / 8; }
	unsigned stride() const;             // bytes per element in a buffer (vec3 padded to vec4)
};

struct ExtCall {
	std::string inst;                    // the OpenCL.std instruction name (spirv-as syntax)
	VType result;
	std::vector<VType> args;             // value operands, in order
	bool out_pointer = false;            // a Function pointer operand after the values
	VType out_type;                      // its pointee type
	std::string literal;                 // appended literal operands, e.g. "4" (vloadn's n)
};

struct RunResult {
	bool ok = false;
	std::string error;
	std::vector<uint8_t> out, out2;      // result elements, pointer results
	uint64_t cycles = 0;
	uint32_t instructions = 0;           // of the compiled shader (the whole program)
};

// The SPIR-V assembly of the shader.
std::string shader_text(const ExtCall &c);
// Compiles and runs 'count' invocations; inputs[k] holds count elements of args[k] (stride
// bytes each). Revision 2, performance profile, checked hazard mode (a hazard report fails).
RunResult run(const ExtCall &c, const std::vector<std::vector<uint8_t>> &inputs, uint32_t count);

template <class T> std::vector<uint8_t> bytes_of(const std::vector<T> &v)
{
	std::vector<uint8_t> b(v.size() * sizeof(T));
	if (!v.empty())
		__builtin_memcpy(b.data(), v.data(), b.size());
	return b;
}
template <class T> std::vector<T> values_of(const std::vector<uint8_t> &b)
{
	std::vector<T> v(b.size() / sizeof(T));
	if (!v.empty())
		__builtin_memcpy(v.data(), b.data(), v.size() * sizeof(T));
	return v;
}

} // namespace mica::compiler::oclstd
