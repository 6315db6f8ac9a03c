// Recompilation when the administrator changes the power profile, through the real loader like
// every other Vulkan test. The in-process device has no sysfs: the sim backend applies the content
// of MICA_SIM_POWER_PROFILE_FILE as the power_profile attribute (src/winsys/backend_sim.cpp), so
// the test writes that file where an administrator would write sysfs.
//
// After the switch the kernel refuses binaries scheduled for the old profile (kernel tests cover
// that refusal); a command buffer recorded before the switch must still run, which only works if
// the driver rebuilds the stream with a program compiled for the new profile.
#include "vk_test.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

using vktest::make_pipeline;

std::string g_profile_file;

void set_profile(const char* name) {
  std::ofstream(g_profile_file, std::ios::trunc) << name << "\n";
}

// The power_profile field of the binary a pipeline cache holds (one entry): header, then the
// BinaryCache blob (magic, version, count, digest, size, binary); the binary header has
// target_revision at byte 16 and power_profile at byte 18 (docs/hw/binary-format.md).
uint16_t cached_binary_profile(VkDevice dev, VkPipelineCache cache) {
  size_t size = 0;
  EXPECT_EQ(vkGetPipelineCacheData(dev, cache, &size, nullptr), VK_SUCCESS);
  std::vector<uint8_t> blob(size);
  EXPECT_EQ(vkGetPipelineCacheData(dev, cache, &size, blob.data()), VK_SUCCESS);
  const size_t binary = 16 + VK_UUID_SIZE + 12 + 32 + 4;
  if (blob.size() < binary + 20) {
    ADD_FAILURE() << "pipeline cache holds no binary";
    return 0xffff;
  }
  uint16_t profile;
  std::memcpy(&profile, blob.data() + binary + 18, 2);
  return profile;
}

TEST(VkPowerProfile, SubmissionsRecompileAfterAProfileChange) {
  set_profile("perf");
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  auto p = make_pipeline(dev, "saxpy.spv",
                         {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}, {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8);
  ASSERT_EQ(p->create_result, VK_SUCCESS);

  const uint32_t count = 256;
  vkrun::Buffer x = ctx->create_buffer(count * 4), y = ctx->create_buffer(count * 4);
  for (uint32_t i = 0; i < count; ++i) {
    x.data<float>()[i] = float(i);
    y.data<float>()[i] = 1.0f;
  }
  vktest::Sets sets(dev, *p);
  const VkDescriptorSet set = sets.sets[0];
  // Both bindings in one write (descriptorCount 2 carries on into binding 1).
  VkDescriptorBufferInfo infos[2] = {{x.buffer, 0, VK_WHOLE_SIZE}, {y.buffer, 0, VK_WHOLE_SIZE}};
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.dstSet = set;
  w.descriptorCount = 2;
  w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  w.pBufferInfo = infos;
  vkUpdateDescriptorSets(dev, 1, &w, 0, nullptr);

  // One command buffer, recorded once, submitted under both profiles.
  VkCommandBufferAllocateInfo cai{};
  cai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cai.commandPool = ctx->command_pool();
  cai.commandBufferCount = 1;
  VkCommandBuffer cb;
  VK_OK(vkAllocateCommandBuffers(dev, &cai, &cb));
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  VK_OK(vkBeginCommandBuffer(cb, &bi));
  vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline);
  vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, 1, &set, 0, nullptr);
  struct {
    float a;
    uint32_t n;
  } push{2.0f, count};
  vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
  vkCmdDispatch(cb, count / 64, 1, 1);
  VK_OK(vkEndCommandBuffer(cb));

  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  VK_OK(vkCreateFence(dev, &fci, nullptr, &fence));
  VkSubmitInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cb;
  auto run = [&] {
    ASSERT_EQ(vkResetFences(dev, 1, &fence), VK_SUCCESS);
    ASSERT_EQ(vkQueueSubmit(ctx->queue(), 1, &si, fence), VK_SUCCESS);
    ASSERT_EQ(vkWaitForFences(dev, 1, &fence, VK_TRUE, 10'000'000'000ull), VK_SUCCESS);
  };
  // Which profile new pipelines are compiled for: the binary a fresh pipeline cache receives.
  auto profile_of_new_pipeline = [&] {
    VkPipelineCacheCreateInfo cci{};
    cci.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
    VkPipelineCache cache;
    EXPECT_EQ(vkCreatePipelineCache(dev, &cci, nullptr, &cache), VK_SUCCESS);
    auto q = make_pipeline(dev, "saxpy.spv",
                           {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}, {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8,
                           nullptr, cache);
    EXPECT_EQ(q->create_result, VK_SUCCESS);
    const uint16_t profile = cached_binary_profile(dev, cache);
    q.reset();
    vkDestroyPipelineCache(dev, cache, nullptr);
    return profile;
  };

  run();
  for (uint32_t i = 0; i < count; ++i) ASSERT_EQ(y.data<float>()[i], 2.0f * float(i) + 1.0f) << i;
  EXPECT_EQ(profile_of_new_pipeline(), 0u);  // perf

  // The administrator switches to the low-power profile: binaries scheduled for "perf" are now
  // refused by the kernel, and the same command buffer must still run (recompiled).
  set_profile("lowpower");
  run();
  for (uint32_t i = 0; i < count; ++i) ASSERT_EQ(y.data<float>()[i], 4.0f * float(i) + 1.0f) << i;
  EXPECT_EQ(profile_of_new_pipeline(), 1u) << "the profile switch did not reach the device";

  // And back: the "perf" program comes from the pipeline again.
  set_profile("perf");
  run();
  for (uint32_t i = 0; i < count; ++i) ASSERT_EQ(y.data<float>()[i], 6.0f * float(i) + 1.0f) << i;
  EXPECT_EQ(profile_of_new_pipeline(), 0u);

  vkDestroyFence(dev, fence, nullptr);
  vkFreeCommandBuffers(dev, ctx->command_pool(), 1, &cb);
  ctx->destroy(x);
  ctx->destroy(y);
}

}  // namespace

int main(int argc, char** argv) {
  // Before the driver opens its device (first vkCreateInstance), so the sim backend sees it.
  char path[] = "/tmp/mica-power-profile-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return 2;
  close(fd);
  g_profile_file = path;
  setenv("MICA_SIM_POWER_PROFILE_FILE", path, 1);
  ::testing::InitGoogleTest(&argc, argv);
  const int r = RUN_ALL_TESTS();
  unlink(path);
  return r;
}
