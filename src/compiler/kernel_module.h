// Module-level facts about Kernel-model (OpenCL) SPIR-V that both the reflection
// (kernel_reflect.cpp) and the translator need, computed the same way by both so that ids agree:
// OpenCL C type layout, the printf string table and the printf format parser.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace mica::compiler::kernel {

// A raw view of a module's instructions (bounds-checked; 'ok' false on a malformed stream).
struct Inst {
	uint16_t op;
	std::span<const uint32_t> w;   // w[0] is the opcode word
};

struct ModuleScan {
	bool ok = false;
	std::string error;
	std::vector<Inst> insts;
	std::unordered_map<uint32_t, size_t> def;       // result id -> index in insts
	uint32_t opencl_std = 0;                         // OpExtInstImport "OpenCL.std" id (0: none)
	std::vector<std::string> printf_strings;         // KernelModuleInfo::printf_strings
	std::unordered_map<std::string, uint32_t> printf_string_id;

	const Inst *get(uint32_t id) const;
	// The NUL-terminated string a pointer to constant data (an OpVariable with a constant i8
	// array initializer, through constant access chains and bitcasts) points at.
	std::optional<std::string> constant_string(uint32_t pointer_id) const;
	// Byte size and alignment of a type as OpenCL C lays it out (3-element vectors as 4,
	// structs padded unless CPacked, pointers 8). Empty for types without a size.
	std::optional<std::pair<uint32_t, uint32_t>> layout(uint32_t type_id) const;
	// Byte offset of member 'm' of a struct type in that layout.
	uint32_t member_offset(uint32_t struct_type, uint32_t m) const;
	bool has_decoration(uint32_t id, uint32_t decoration, std::optional<uint32_t> arg = std::nullopt) const;
};

ModuleScan scan_module(std::span<const uint32_t> words);

// One conversion of a printf format ("%d", "%5.2f", "%v4hlf", "%s", "%%" is none).
struct PrintfConversion {
	char conversion;     // d i o u x X f F e E g G a A c s p
	uint32_t vector = 0; // %vN: N; 0 for a scalar
};
// The conversions of a format string, in order; empty on a malformed format ('error' says why).
std::vector<PrintfConversion> parse_printf_format(const std::string &format, std::string &error);

} // namespace mica::compiler::kernel
