// robustBufferAccess (Vulkan 1.0's required feature): with it enabled, accesses outside a
// descriptor's range never touch memory outside that range: loads return zero (Mica's choice among
// the values the spec allows), stores and atomics are dropped. Descriptors here cover a window in
// the middle of larger buffers filled with sentinels, so an unchecked access would be visible.
#include "vk_test.h"

#include <cstring>

namespace {

using vktest::bind;
using vktest::make_pipeline;
using vktest::Sets;
using vktest::submit_and_wait;

constexpr uint32_t kSentinel = 0xdeadbeefu;
constexpr uint32_t kInvocations = 64;
constexpr VkDeviceSize kWindowOffset = 256, kWindowWords = 16;  // 64 bytes of a 1 KiB buffer

bool robust_advertised(VkPhysicalDevice pd) {
  VkPhysicalDeviceFeatures f{};
  vkGetPhysicalDeviceFeatures(pd, &f);
  return f.robustBufferAccess == VK_TRUE;
}

TEST(VkRobustBufferAccess, IsAdvertised) {
  auto ctx = vktest::make_context();
  EXPECT_TRUE(robust_advertised(ctx->physical()));
}

TEST(VkRobustBufferAccess, OutOfRangeLoadsReadZeroAndStoresAreDropped) {
  auto ctx = vktest::make_context(/*robust_buffer_access=*/true);
  auto p = make_pipeline(ctx->device(), "robust.spv",
                         {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                           {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                           {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER},
                           {3, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER}}},
                         0);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer src = ctx->create_buffer(1024), dst = ctx->create_buffer(1024);
  vkrun::Buffer out = ctx->create_buffer(kInvocations * 3 * 4), ubo = ctx->create_buffer(1024);
  uint32_t* sv = src.data<uint32_t>();
  uint32_t* dv = dst.data<uint32_t>();
  uint32_t* uv = ubo.data<uint32_t>();
  for (uint32_t k = 0; k < 256; ++k) {
    sv[k] = dv[k] = uv[k] = kSentinel;
  }
  for (uint32_t k = 0; k < kWindowWords; ++k) sv[kWindowOffset / 4 + k] = 1000 + k;
  for (uint32_t k = 0; k < 16; ++k) uv[k] = 50 + k;  // u[0..3] in the 64-byte uniform window
  std::memset(out.mapped, 0xff, out.size);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, src, kWindowOffset, kWindowWords * 4);
  s.write(0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, dst, kWindowOffset, kWindowWords * 4);
  s.write(0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  s.write(0, 3, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, ubo, 0, 64);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_SUCCESS);

  const uint32_t* ov = out.data<uint32_t>();
  for (uint32_t i = 0; i < kInvocations; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(ov[i * 3], i < kWindowWords ? 1000 + i : 0u);      // no sentinel ever read
    EXPECT_EQ(ov[i * 3 + 1], i % 8 < 4 ? 50 + 4 * (i % 8) : 0u);
    EXPECT_EQ(ov[i * 3 + 2], kWindowWords);                       // length() of the window
  }
  // Inside the window each element got its invocation's store and then its atomic.
  for (uint32_t k = 0; k < kWindowWords; ++k) EXPECT_EQ(dv[kWindowOffset / 4 + k], k + 101) << k;
  // Outside the window nothing changed.
  for (uint32_t k = 0; k < 256; ++k) {
    if (k < kWindowOffset / 4 || k >= kWindowOffset / 4 + kWindowWords) {
      ASSERT_EQ(dv[k], kSentinel) << k;
    }
  }
  for (VkDeviceSize k = 0; k < kWindowOffset / 4; ++k) ASSERT_EQ(sv[k], kSentinel) << k;
  for (vkrun::Buffer* b : {&src, &dst, &out, &ubo}) ctx->destroy(*b);
}

}  // namespace
