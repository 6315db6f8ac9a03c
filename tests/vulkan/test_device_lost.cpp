// A hang in one device's context makes that device lost; another device keeps working.
#include "kernels.h"
#include "vk_test.h"

#include <cstring>

namespace {

TEST(VkDeviceLost, HangInOneContextOtherDeviceKeepsWorking) {
  auto victim = vktest::make_context();
  auto bystander = vktest::make_context();

  auto p = vktest::make_pipeline(victim->device(), "hang.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1};
  VkDescriptorPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  pci.maxSets = 1;
  pci.poolSizeCount = 1;
  pci.pPoolSizes = &size;
  VkDescriptorPool pool;
  VK_OK(vkCreateDescriptorPool(victim->device(), &pci, nullptr, &pool));
  VkDescriptorSetAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  ai.descriptorPool = pool;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = p->set_layouts.data();
  VkDescriptorSet set;
  VK_OK(vkAllocateDescriptorSets(victim->device(), &ai, &set));
  vkrun::Buffer flag = victim->create_buffer(64);
  VkDescriptorBufferInfo info{flag.buffer, 0, VK_WHOLE_SIZE};
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.dstSet = set;
  w.descriptorCount = 1;
  w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  w.pBufferInfo = &info;
  vkUpdateDescriptorSets(victim->device(), 1, &w, 0, nullptr);

  VkResult r = vktest::submit_and_wait(*victim, [&](VkCommandBuffer cb) {
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, 1, &set, 0, nullptr);
    vkCmdDispatch(cb, 1, 1, 1);
  });
  EXPECT_EQ(r, VK_ERROR_DEVICE_LOST);
  // Once lost, every later submission and wait reports it.
  EXPECT_EQ(vkQueueSubmit(victim->queue(), 0, nullptr, VK_NULL_HANDLE), VK_ERROR_DEVICE_LOST);
  EXPECT_EQ(vkDeviceWaitIdle(victim->device()), VK_ERROR_DEVICE_LOST);
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  VK_OK(vkCreateFence(victim->device(), &fci, nullptr, &fence));
  EXPECT_EQ(vkGetFenceStatus(victim->device(), fence), VK_ERROR_DEVICE_LOST);
  EXPECT_EQ(vkWaitForFences(victim->device(), 1, &fence, VK_TRUE, 0), VK_ERROR_DEVICE_LOST);
  vkDestroyFence(victim->device(), fence, nullptr);

  // The other device (another kernel context) is unaffected.
  auto result = vkrun::run_saxpy(*bystander, 1024);
  EXPECT_TRUE(result.ok) << result.detail;

  vkDestroyDescriptorPool(victim->device(), pool, nullptr);
  victim->destroy(flag);
}

}  // namespace
