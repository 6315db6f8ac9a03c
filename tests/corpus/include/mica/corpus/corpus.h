// The Mica execution corpus: GLSL compute shaders (compiled to SPIR-V at build time) with their inputs,
// dispatch parameters and host-computed references. Backend independent: nothing here knows about
// Vulkan; a backend (the Vulkan runner in vk_runner.h, the Mica compiler + simulator, ...) creates the
// buffers from Case::bindings, runs the shader and hands the final contents to Case::check.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mica::corpus {

using Bytes = std::vector<std::uint8_t>;

enum class BindingType { storage, uniform };

// One buffer of a case. Descriptor bindings are (set, binding); a binding with device_address set is
// not a descriptor at all: the backend creates it with a device address and writes that 64-bit address
// into the push constants at push_offset (GL_EXT_buffer_reference).
struct Binding {
  std::uint32_t set = 0;
  std::uint32_t binding = 0;
  BindingType type = BindingType::storage;
  std::uint32_t size = 0;  // bytes, a multiple of 4
  // Fills the initial contents (size bytes, zeroed before the call). Deterministic: every generator
  // uses its own fixed seed. Empty means "all zero".
  std::function<void(std::span<std::uint8_t>)> init;
  bool device_address = false;
  std::uint32_t push_offset = 0;  // only for device_address
};

// Optional device capabilities. A backend that lacks one skips the case and reports why.
enum Feature : std::uint32_t {
  feature_none = 0,
  subgroup_basic = 1u << 0,
  subgroup_vote = 1u << 1,
  subgroup_ballot = 1u << 2,
  subgroup_arithmetic = 1u << 3,
  subgroup_shuffle = 1u << 4,
  subgroup_shuffle_relative = 1u << 5,
  int64 = 1u << 6,
  float64 = 1u << 7,
  int16 = 1u << 8,
  float16 = 1u << 9,
  int8 = 1u << 10,
  storage_buffer_16bit = 1u << 11,
  storage_buffer_8bit = 1u << 12,
  buffer_device_address = 1u << 13,
  int64_atomics = 1u << 14,
  // shaderSignedZeroInfNanPreserveFloat32: the shader may declare SignedZeroInfNanPreserve 32 and then
  // gets IEEE NaN/infinity/signed-zero behaviour (Vulkan does not require NaNs otherwise).
  float32_inf_nan_preserve = 1u << 15,
};
using Features = std::uint32_t;
// "subgroup_ballot|int64" style, for skip messages. "none" for 0.
std::string feature_names(Features f);
// Inverse of feature_names; also accepts ',' as separator. Throws std::invalid_argument naming an
// unknown feature.
Features parse_features(std::string_view names);
constexpr Features subgroup_features = subgroup_basic | subgroup_vote | subgroup_ballot | subgroup_arithmetic |
                                       subgroup_shuffle | subgroup_shuffle_relative;

struct SpecConstant {
  std::uint32_t id = 0;
  std::uint32_t value = 0;  // raw 32-bit pattern (int, uint, float bits, or bool as 0/1)
};

// What the check sees. initial and final are in Case::bindings order.
struct CheckInput {
  std::span<const Bytes> initial;
  std::span<const Bytes> final;
  std::uint32_t subgroup_size = 0;  // as the device reports it (gl_SubgroupSize of full subgroups)
};

struct CheckResult {
  bool ok = true;
  std::string message;  // the first mismatch: buffer, index, got, expected
  static CheckResult pass() { return {}; }
  static CheckResult fail(std::string m) { return {false, std::move(m)}; }
};

struct Case {
  std::string name;      // unique, [a-z0-9_]
  std::string category;  // "int", "float", "control", ...
  std::string summary;   // what it exercises, one line
  std::string spirv;     // file name of the SPIR-V module in spirv_dir()
  std::string entry = "main";
  std::array<std::uint32_t, 3> groups{1, 1, 1};      // vkCmdDispatch counts
  std::array<std::uint32_t, 3> local_size{1, 1, 1};  // the shader's workgroup size (after spec constants)
  std::vector<Binding> bindings;
  std::vector<std::uint8_t> push_constants;
  std::vector<SpecConstant> spec_constants;
  Features required = feature_none;
  // Whether the backend should ask for full subgroups of the reported size (subgroup cases with a
  // workgroup width that is a multiple of every plausible subgroup size).
  bool full_subgroups = false;
  std::function<CheckResult(const CheckInput&)> check;
};

// Every case, in a stable order.
const std::vector<Case>& all_cases();
// nullptr when there is no such case.
const Case* find_case(std::string_view name);

// Initial buffer contents of a case (one Bytes per binding, Binding::init applied).
std::vector<Bytes> initial_buffers(const Case& c);

// Where the compiled SPIR-V modules are: $MICA_CORPUS_SPV_DIR if set, else the build directory.
std::string spirv_dir();
std::string spirv_path(const Case& c);
// Reads and sanity-checks (size, magic) a case's module. Throws std::runtime_error with the path on error.
std::vector<std::uint32_t> load_spirv(const Case& c);

}  // namespace mica::corpus
