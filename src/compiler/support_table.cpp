// docs/compiler.md's tables of supported SPIR-V capabilities and GLSL.std.450 instructions,
// generated from the lists the front end checks against (micac --support-table prints them; a
// test compares them with the document).
#include <sstream>

#include "mica/compiler/compiler.h"

namespace mica::compiler {

std::string support_table_markdown()
{
	std::ostringstream o;
	o << "| SPIR-V capability | value | what it enables |\n|---|---|---|\n";
	for (const SupportEntry &e : supported_capabilities())
		o << "| `" << e.name << "` | " << e.value << " | " << e.notes << " |\n";
	o << "\n| GLSL.std.450 instruction | number | types |\n|---|---|---|\n";
	for (const SupportEntry &e : supported_glsl_std450())
		o << "| `" << e.name << "` | " << e.value << " | " << e.notes << " |\n";
	return o.str();
}

} // namespace mica::compiler
