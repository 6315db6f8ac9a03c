// Names of SPIR-V enumerants, generated from the SPIRV-Headers grammar (gen_spirv_names.py).
#pragma once
#include <cstdint>
#include <string>

namespace mica::compiler {

const char *spirv_opcode_name(uint32_t op);
const char *spirv_capability_name(uint32_t cap);
const char *spirv_builtin_name(uint32_t b);
const char *spirv_storage_class_name(uint32_t sc);
const char *spirv_execution_model_name(uint32_t m);
const char *spirv_execution_mode_name(uint32_t m);
const char *spirv_decoration_name(uint32_t d);

// "Name (number)" or "number" when the grammar does not know the value.
inline std::string spirv_named(const char *name, uint32_t v)
{
	return name ? std::string(name) : "#" + std::to_string(v);
}

} // namespace mica::compiler
