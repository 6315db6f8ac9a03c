// Decoding the printf buffer a kernel filled (layout: mica.toml [launch_abi] printf_*, docs/opencl.md
// "printf") into text: records in buffer order, each formatted from its format string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mica::cl {

// `buffer` is the whole printf buffer (counter at byte 0, records from printf_header_bytes);
// `strings` the module's printf string table. Records that did not fit (the counter past the
// capacity) are skipped; a malformed record ends decoding with a note in the output.
// floats_are_double: whether scalar float arguments were promoted to double (clang does so only
// when the device has cl_khr_fp64); a record whose size says otherwise is decoded the other way.
std::string decode_printf(const uint8_t* buffer, size_t capacity, const std::vector<std::string>& strings,
                          bool floats_are_double);

}  // namespace mica::cl
