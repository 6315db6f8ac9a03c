#include "program_spec_constants.h"

#include <cstring>

namespace mica::cl {
namespace {

constexpr uint32_t kOpDecorate = 71, kDecorationSpecId = 1;
constexpr uint32_t kOpTypeBool = 20, kOpTypeInt = 21, kOpTypeFloat = 22;
constexpr uint32_t kOpSpecConstantTrue = 48, kOpSpecConstantFalse = 49, kOpSpecConstant = 50;

// Calls f(word index, word count, opcode) for each instruction after the header; stops at a
// malformed instruction (a word count of 0 or one running past the end).
template <typename F> void for_each_instruction(const std::vector<uint32_t>& m, F&& f) {
  for (size_t i = 5; i < m.size();) {
    const uint32_t count = m[i] >> 16, opcode = m[i] & 0xffff;
    if (count == 0 || i + count > m.size()) return;
    f(i, count, opcode);
    i += count;
  }
}

// The result id decorated SpecId 'spec_id', or 0.
uint32_t spec_target(const std::vector<uint32_t>& m, uint32_t spec_id) {
  uint32_t target = 0;
  for_each_instruction(m, [&](size_t i, uint32_t count, uint32_t op) {
    if (op == kOpDecorate && count == 4 && m[i + 2] == kDecorationSpecId && m[i + 3] == spec_id && !target)
      target = m[i + 1];
  });
  return target;
}

}  // namespace

std::optional<SpecConstantType> find_spec_constant(const std::vector<uint32_t>& m, uint32_t spec_id) {
  const uint32_t target = spec_target(m, spec_id);
  if (!target) return std::nullopt;
  uint32_t type_id = 0;
  for_each_instruction(m, [&](size_t i, uint32_t count, uint32_t op) {
    if ((op == kOpSpecConstant || op == kOpSpecConstantTrue || op == kOpSpecConstantFalse) && count >= 3 &&
        m[i + 2] == target)
      type_id = m[i + 1];
  });
  if (!type_id) return std::nullopt;
  std::optional<SpecConstantType> out;
  for_each_instruction(m, [&](size_t i, uint32_t count, uint32_t op) {
    if (count < 2 || m[i + 1] != type_id) return;
    if (op == kOpTypeBool) out = SpecConstantType{1, true, false};
    else if (op == kOpTypeInt && count >= 4 && m[i + 2] % 8 == 0 && m[i + 2] && m[i + 2] <= 64)
      out = SpecConstantType{m[i + 2] / 8, false, m[i + 3] == 1};
    else if (op == kOpTypeFloat && count >= 3 && (m[i + 2] == 16 || m[i + 2] == 32 || m[i + 2] == 64))
      out = SpecConstantType{m[i + 2] / 8, false, false};
  });
  return out;
}

std::vector<uint32_t> specialise_module(const std::vector<uint32_t>& module,
                                        const std::map<uint32_t, std::vector<uint8_t>>& values) {
  std::vector<uint32_t> m = module;
  for (const auto& [spec_id, bytes] : values) {
    const auto type = find_spec_constant(m, spec_id);
    const uint32_t target = spec_target(m, spec_id);
    if (!type || bytes.size() != type->size) continue;  // validated when set; the module is the same
    for_each_instruction(m, [&](size_t i, uint32_t count, uint32_t op) {
      if (count < 3 || m[i + 2] != target) return;
      if (op == kOpSpecConstantTrue || op == kOpSpecConstantFalse) {
        // OpenCL 3.0: zero sets false, any other value true.
        m[i] = (count << 16) | (bytes[0] ? kOpSpecConstantTrue : kOpSpecConstantFalse);
      } else if (op == kOpSpecConstant) {
        // The literal: one word for widths up to 32 bits (narrower ones zero- or sign-extended as
        // SPIR-V 2.2.1 says), two words, low first, for 64 bits.
        uint64_t v = 0;
        std::memcpy(&v, bytes.data(), bytes.size());
        if (type->is_signed && bytes.size() < 8) {
          const unsigned shift = 64 - unsigned(bytes.size()) * 8;
          v = uint64_t(int64_t(v << shift) >> shift);
        }
        if (count >= 4) m[i + 3] = uint32_t(v);
        if (count >= 5 && bytes.size() == 8) m[i + 4] = uint32_t(v >> 32);
      }
    });
  }
  return m;
}

}  // namespace mica::cl
