// Helpers shared by the mica::clc tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <spirv-tools/libspirv.hpp>

#include "mica/clc/clc.h"

namespace clc_test {

// A device like the one Mica's frontend describes: the extensions the tests need.
inline mica::clc::DeviceFeatures full_device() {
  mica::clc::DeviceFeatures d;
  d.extensions = {"cl_khr_fp64", "cl_khr_int64_base_atomics", "cl_khr_int64_extended_atomics",
                  "cl_khr_global_int32_base_atomics", "cl_khr_global_int32_extended_atomics",
                  "cl_khr_local_int32_base_atomics", "cl_khr_local_int32_extended_atomics",
                  "cl_khr_byte_addressable_store", "cl_khr_fp16"};
  d.features = {"__opencl_c_fp64", "__opencl_c_int64", "__opencl_c_atomic_order_acq_rel",
                "__opencl_c_atomic_scope_device", "__opencl_c_program_scope_global_variables",
                "__opencl_c_generic_address_space"};
  return d;
}

inline std::string disassemble(const std::vector<uint32_t>& spirv) {
  spvtools::SpirvTools tools(SPV_ENV_OPENCL_1_2);
  std::string text;
  tools.Disassemble(spirv, &text, SPV_BINARY_TO_TEXT_OPTION_NO_HEADER);
  return text;
}

inline mica::clc::CompileResult compile(const std::string& src, const std::string& options = "",
                                        mica::clc::DeviceFeatures dev = full_device()) {
  mica::clc::CompileRequest req;
  req.source = src;
  req.options = options;
  req.device = std::move(dev);
  return mica::clc::compile(req);
}

}  // namespace clc_test
