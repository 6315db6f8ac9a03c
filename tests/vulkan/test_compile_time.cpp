// Pipeline creation time stays bounded and roughly linear in the work the shader describes:
// a compile-time benchmark case through the loader. big_loop.comp has a loop with a large constant
// trip count (a specialization constant) next to a small local array; the compiler used to unroll
// every constant-count loop of such a shader fully, which took minutes and ~900 MB for the
// 38416-iteration loops of dEQP-VK.spirv_assembly.instruction.compute.float16.logical_nan.*_vector.
#include "vk_test.h"

#include <chrono>
#include <cstring>

namespace {

struct Timed {
  std::unique_ptr<vktest::TestPipeline> pipeline;
  double seconds;
};

Timed create(VkDevice dev, int32_t trips) {
  VkSpecializationMapEntry entry{0, 0, sizeof(int32_t)};
  VkSpecializationInfo spec{1, &entry, sizeof trips, &trips};
  const auto start = std::chrono::steady_clock::now();
  auto p = vktest::make_pipeline(dev, "big_loop.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0, &spec);
  return {std::move(p), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

uint32_t expected(const uint32_t* in, int32_t trips) {
  uint32_t acc = 0;
  for (int32_t i = 0; i < trips; ++i) acc = acc * 31u + uint32_t(i);
  for (int i = 0; i < 8; ++i) acc += in[i] * 3u;
  return acc;
}

TEST(VkCompileTime, LargeConstantTripCountCompilesQuicklyAndRuns) {
  auto ctx = vktest::make_context();
  // Generous bounds: the defect took minutes even in an optimised build; a fixed compiler takes
  // milliseconds, and ASan + a loaded CI machine add a factor of ten at most.
  constexpr double kBoundSeconds = 20.0;
  double seconds_small = 0;
  for (int32_t trips : {1000, 38416, 1 << 20}) {
    Timed t = create(ctx->device(), trips);
    ASSERT_EQ(t.pipeline->create_result, VK_SUCCESS) << trips;
    std::printf("big_loop.comp, %d iterations: vkCreateComputePipelines %.3f s\n", trips, t.seconds);
    std::fflush(stdout);
    ::testing::Test::RecordProperty("create_ms_" + std::to_string(trips), std::to_string(int(t.seconds * 1000)));
    EXPECT_LT(t.seconds, kBoundSeconds) << trips << " iterations";
    if (trips == 1000) seconds_small = t.seconds;
    // Roughly independent of the trip count: the loop is code once, not trips copies of it.
    EXPECT_LT(t.seconds, 50 * seconds_small + 2.0) << trips << " iterations";

    if (trips > 38416) continue;  // the longest loop is about compile time only
    vktest::Sets s(ctx->device(), *t.pipeline);
    vkrun::Buffer b = ctx->create_buffer(64);
    uint32_t* v = b.data<uint32_t>();
    for (uint32_t i = 0; i < 9; ++i) v[i] = 1000 + i * 17;
    uint32_t in[8];
    std::memcpy(in, v, sizeof in);
    s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, b);
    ASSERT_EQ(vktest::submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
                vktest::bind(cb, *t.pipeline, s);
                vkCmdDispatch(cb, 1, 1, 1);
              }),
              VK_SUCCESS);
    EXPECT_EQ(v[8], expected(in, trips)) << trips;
    ctx->destroy(b);
  }
}

}  // namespace
