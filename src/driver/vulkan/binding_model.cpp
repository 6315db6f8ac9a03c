// Compile-time checks that the driver's binding model matches the hardware launch ABI, and the
// set memory of the driver's own programs.
#include "binding_model.h"

#include <cstring>

extern "C" {
#include "mica_hw.h"
}

namespace mica::vk {

static_assert(kUserDataCount <= MICA_USER_DATA_SGPRS, "binding model needs more user-data SGPRs than exist");
static_assert(kUserDataDescriptorSets % 2 == 0 && kUserDataPushConstants % 2 == 0,
              "64-bit user data must sit in aligned SGPR pairs");
static_assert(kUserDataNumWorkgroups == kUserDataPushConstants + 2 && kUserDataBaseWorkgroup == kUserDataNumWorkgroups + 3 &&
                  kUserDataScratch == kUserDataCount,
              "the driver sends s0..s9 (+ s[10:11]) as one SET_USER_DATA run");
static_assert(kMaxPushConstantBytes >= 128, "Vulkan requires at least 128 bytes of push constants");
static_assert(kMaxDescriptorSets >= 4, "Vulkan requires maxBoundDescriptorSets >= 4");
static_assert(kArrayHeaderBytes % kDescriptorBytes == 0, "array elements stay 16-byte aligned");

// Entries 0..n-1, then each binding's header (count 1) and its one element.
std::vector<uint8_t> plain_set_memory(std::span<const BufferDescriptor> descriptors) {
  const size_t n = descriptors.size();
  std::vector<uint8_t> out(n * (kDescriptorBytes + kArrayHeaderBytes + kDescriptorBytes), 0);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t header = uint32_t(n * kDescriptorBytes + i * (kArrayHeaderBytes + kDescriptorBytes));
    const BufferDescriptor entry{descriptors[i].address, descriptors[i].size, header};
    const BufferDescriptor element{descriptors[i].address, descriptors[i].size, 0};
    const uint32_t count = 1;
    std::memcpy(out.data() + i * kDescriptorBytes, &entry, sizeof entry);
    std::memcpy(out.data() + header, &count, sizeof count);
    std::memcpy(out.data() + header + kArrayHeaderBytes, &element, sizeof element);
  }
  return out;
}

}  // namespace mica::vk
