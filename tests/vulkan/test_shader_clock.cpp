// VK_KHR_shader_clock: shaderSubgroupClock (the wave's cycle counter, docs/hw/isa.md s_getreg_b32
// CYCLE_LO/HI) and shaderDeviceClock (s_timestamp_b64, the device's TIMESTAMP as the wave sees it)
// are advertised. shaders/shader_clock.comp's subgroup reads never go backwards within an
// invocation, one subgroup reads one value, and a longer loop takes more cycles;
// shaders/device_clock.comp's device reads do the same, and lie between the timestamp queries
// written around their dispatch (one counter on Mica: docs/vulkan.md), so a later dispatch, in
// the same command buffer or a later submission, reads later values.
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
  EXPECT_TRUE(c.shaderDeviceClock);
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

TEST(VkShaderClock, DeviceClockIsMonotonicAcrossWorkgroupsAndDispatches) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "device_clock.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 4);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  constexpr uint32_t kGroups = 6, kPer = kGroups * 64, kDispatches = 3;
  vkrun::Buffer out = ctx->create_buffer(kDispatches * kPer * 4 * 8);
  std::memset(out.mapped, 0, out.size);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  VkQueryPoolCreateInfo qci{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  qci.queryType = VK_QUERY_TYPE_TIMESTAMP;
  qci.queryCount = kDispatches + 1;
  VkQueryPool pool;
  ASSERT_EQ(vkCreateQueryPool(ctx->device(), &qci, nullptr, &pool), VK_SUCCESS);
  auto dispatch = [&](VkCommandBuffer cb, uint32_t d) {
    const uint32_t base = d * kPer;
    bind(cb, *p, s);
    vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 4, &base);
    vkCmdDispatch(cb, kGroups, 1, 1);
    vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, d + 1);
  };
  // Two dispatches in one command buffer, the third in a later submission.
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              vkCmdResetQueryPool(cb, pool, 0, kDispatches + 1);
              vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, pool, 0);
              dispatch(cb, 0);
              dispatch(cb, 1);
            }),
            VK_SUCCESS);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) { dispatch(cb, 2); }), VK_SUCCESS);
  uint64_t ts[kDispatches + 1];
  ASSERT_EQ(vkGetQueryPoolResults(ctx->device(), pool, 0, kDispatches + 1, sizeof ts, ts, 8, VK_QUERY_RESULT_64_BIT),
            VK_SUCCESS);
  const uint64_t* t = out.data<uint64_t>();
  uint64_t prev_max = 0;
  for (uint32_t d = 0; d < kDispatches; ++d) {
    uint64_t lo = ~0ull, hi = 0, span[kGroups] = {};
    for (uint32_t j = 0; j < kPer; ++j) {
      const uint32_t i = d * kPer + j;
      const uint64_t a = t[4 * i], b = t[4 * i + 1], c = t[4 * i + 2];
      EXPECT_LT(a, b) << "invocation " << i;  // uint64 read, then uvec2 read
      EXPECT_LT(b, c) << "invocation " << i;  // a loop of at least 20 iterations in between
      if (j % 32) {                           // one subgroup, one read
        const uint32_t first = i - j % 32;
        EXPECT_EQ(a, t[4 * first]) << "invocation " << i;
        EXPECT_EQ(b, t[4 * first + 1]) << "invocation " << i;
        EXPECT_EQ(c, t[4 * first + 2]) << "invocation " << i;
      }
      lo = std::min(lo, a);
      hi = std::max(hi, c);
      span[j / 64] = std::max(span[j / 64], c - a);
    }
    SCOPED_TRACE(testing::Message() << "dispatch " << d);
    // Within the timestamps around the dispatch, and after every read of the earlier dispatch.
    EXPECT_GE(lo, ts[d]);
    EXPECT_LE(hi, ts[d + 1]);
    EXPECT_GT(lo, prev_max);
    prev_max = hi;
    // Workgroup g loops 20 * (g + 1) times: the last takes more device time than the first.
    EXPECT_GT(span[kGroups - 1], span[0]);
  }
  vkDestroyQueryPool(ctx->device(), pool, nullptr);
  ctx->destroy(out);
}
