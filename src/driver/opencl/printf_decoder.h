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
std::string decode_printf(const uint8_t* buffer, size_t capacity, const std::vector<std::string>& strings);

}  // namespace mica::cl
