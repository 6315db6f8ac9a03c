// VK_KHR_shader_clock: shaderSubgroupClock (the wave's cycle counter, docs/hw/isa.md s_getreg_b32
// CYCLE_LO/HI) is advertised and shaderDeviceClock is not; shaders/shader_clock.comp's reads
// never go backwards within an invocation, one subgroup reads one value, and a longer loop takes
// more cycles (the device-scope clock is refused: compiler frontend test DeviceClockIsRefused).
#include "vk_test.h"

// Vulkan structs are written with their sType (and pNext) only; the rest is zero on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <cstring>
#include <vector>

using vktest::make_pipeline;
using vktest::Sets;
using vktest::submit_and_wait;

TEST(VkShaderClock, FeaturesAndExtension) {
  auto ctx = vktest::make_context();
  VkPhysicalDeviceShaderClockFeaturesKHR c{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_CLOCK_FEATURES_KHR};
  VkPhysicalDeviceFeatures2 f{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &c};
  vkGetPhysicalDeviceFeatures2(ctx->physical(), &f);
  EXPECT_TRUE(c.shaderSubgroupClock);
  EXPECT_FALSE(c.shaderDeviceClock);
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(ctx->physical(), nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> ext(n);
  vkEnumerateDeviceExtensionProperties(ctx->physical(), nullptr, &n, ext.data());
  bool found = false;
  for (const auto& e : ext) found |= std::strcmp(e.extensionName, VK_KHR_SHADER_CLOCK_EXTENSION_NAME) == 0;
  EXPECT_TRUE(found);
}

TEST(VkShaderClock, SubgroupClockIsMonotonic) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "shader_clock.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  constexpr uint32_t kGroups = 4, kN = kGroups * 64;
  vkrun::Buffer out = ctx->create_buffer(kN * 4 * 8);
  std::memset(out.mapped, 0, out.size);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdDispatch(cb, kGroups, 1, 1);
            }),
            VK_SUCCESS);
  const uint64_t* t = out.data<uint64_t>();
  uint64_t span[kGroups] = {};
  for (uint32_t i = 0; i < kN; ++i) {
    const uint64_t a = t[4 * i], b = t[4 * i + 1], c = t[4 * i + 2];
    EXPECT_LE(a, b) << "invocation " << i;  // uint64 read, then uvec2 read
    EXPECT_LT(b, c) << "invocation " << i;  // a loop of at least 50 iterations in between
    span[i / 64] = std::max(span[i / 64], c - a);
    if (i % 32) {
      EXPECT_EQ(t[4 * i], t[4 * (i - i % 32)]) << "one subgroup, one value: " << i;
    }
  }
  // Workgroup g loops 50 * (g + 1) times: the last takes more cycles than the first.
  EXPECT_GT(span[kGroups - 1], span[0]);
  ctx->destroy(out);
}
