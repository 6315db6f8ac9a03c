// Compile-time checks that the driver's binding model matches the hardware launch ABI.
#include "binding_model.h"

extern "C" {
#include "mica_hw.h"
}

namespace mica::vk {

static_assert(kUserDataCount <= MICA_USER_DATA_SGPRS, "binding model needs more user-data SGPRs than exist");
static_assert(kUserDataDescriptorTable % 2 == 0 && kUserDataPushConstants % 2 == 0,
              "64-bit user data must sit in aligned SGPR pairs");
static_assert(kMaxPushConstantBytes >= 128, "Vulkan requires at least 128 bytes of push constants");

}  // namespace mica::vk
