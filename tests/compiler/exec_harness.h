// Runs compiled kernels on the device model (bare-metal Machine) with the binding model of
// docs/compiler.md: s[0:1] descriptor set table, s[2:3] push constants, s4..s6 workgroup count,
// s7..s9 base workgroup, s[10:11] scratch buffer for VGPR spills.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mica/compiler/compiler.h"
#include "mica/sim/baremetal.h"

namespace mica::compiler::test {

struct Buffer {
	uint32_t set = 0, binding = 0;
	std::vector<uint32_t> data;   // initial contents; read back after the run
	// >= 0: no descriptor; the buffer's device address is written to the push-constant block at
	// this byte offset instead (buffer device address)
	int32_t address_push_offset = -1;
	// The descriptor's size in bytes when smaller than the data's (robust-access tests: the words
	// past it are sentinels an unchecked store would change).
	uint32_t range_bytes = ~0u;
};

struct RunOutcome {
	bool ok = false;
	std::string error;
	uint64_t cycles = 0, hazard_violations = 0;
	uint32_t fault = 0;
	uint64_t scratch_buffer_bytes = 0;   // allocated for VGPR spills (0: the entry needs none)
	std::vector<uint32_t> scratch;        // its contents after the run
};

RunOutcome run_kernel(const CompileResult &compiled, uint32_t revision, uint32_t profile, std::vector<Buffer> &buffers,
                      const std::vector<uint32_t> &push, const uint32_t groups[3], bool checked = true);

// A compile-and-run configuration: chip revision, power profile, optimisation level. The usual
// list: every revision and profile at -O2, then -O0 and -O1 once each.
struct ExecConfig {
	uint32_t rev, profile, opt;
};
inline constexpr ExecConfig kExecConfigs[] = {{1, 0, 2}, {1, 1, 2}, {2, 0, 2}, {2, 1, 2}, {1, 1, 0}, {2, 0, 1}};
// "r1/lowpower/O2": a configuration's name in test traces.
std::string config_name(const ExecConfig &cfg);
// The SPIR-V module compiled for one configuration.
std::variant<CompileResult, CompileError> compile_for(const std::vector<uint32_t> &spirv, const ExecConfig &cfg);

// The corpus directory (set by meson through MICA_CORPUS_DIR).
std::string corpus_dir();
std::string read_text(const std::string &path);
// Assembles tests/compiler/spvasm/<file> (Vulkan 1.3 environment); empty with a test failure
// when it does not assemble.
std::vector<uint32_t> spvasm(const std::string &file);

} // namespace mica::compiler::test
