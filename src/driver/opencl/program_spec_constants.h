// Specialization constants of IL programs (clSetProgramSpecializationConstant, OpenCL 3.0 5.8.4):
// the SpecIds a SPIR-V module declares, and the module specialised with values an application set.
// Specialising rewrites each OpSpecConstant's default literal (OpSpecConstantTrue/False for booleans)
// in the SPIR-V words themselves, as SPIRV-Tools' SetSpecConstantDefaultValuePass does: the compiler
// then sees one module, and the device layer's binary caches, keyed on the SPIR-V, never hand a
// binary built with other values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace mica::cl {

struct SpecConstantType {
  size_t size = 0;      // bytes an application passes: 1 for bool (a cl_uchar), else the type's width
  bool is_bool = false;
  bool is_signed = false;  // an OpTypeInt with signedness 1 (narrow values are sign-extended then)
};

// The type of the scalar specialization constant decorated SpecId 'spec_id', or nothing when the
// module has none (composites and OpSpecConstantOp carry no SpecId).
std::optional<SpecConstantType> find_spec_constant(const std::vector<uint32_t>& module, uint32_t spec_id);

// 'module' with each constant in 'values' (SpecId -> the bytes the application set, validated by
// find_spec_constant) as its default.
std::vector<uint32_t> specialise_module(const std::vector<uint32_t>& module,
                                        const std::map<uint32_t, std::vector<uint8_t>>& values);

}  // namespace mica::cl
