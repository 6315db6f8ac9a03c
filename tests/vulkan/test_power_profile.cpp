// Recompilation when the kernel reports a power-profile change. The administrator's knob (sysfs
// power_profile) is only reachable in-process, so this test drives the driver without the loader:
// it opens the simulated device itself, with the kernel core's user-space entry points, hands it
// to the driver, and calls the driver's entry points directly.
#include "entrypoints.h"
#include "kernel_bridge.h"

#include "mica/kernel/um.h"
#include "mica/sim/device.h"
#include "mica/winsys/winsys.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

extern "C" {
#include "mica_hw.h"
}

namespace {

using namespace mica;

// The same transport the winsys sim backend builds, keeping the kernel device reachable so the
// test can write the power-profile knob.
class KnobTransport final : public winsys::Transport {
public:
  KnobTransport() : dev_(sim::DeviceConfig{}), kdev_(dev_, mica_um_params{}) {
    if (mica_um_open(kdev_.get(), &file_) != 0) throw std::runtime_error("mica_um_open failed");
  }
  ~KnobTransport() override { mica_um_close(file_); }
  int ioctl(unsigned long cmd, void* arg) override { return mica_um_ioctl(file_, cmd, arg); }
  void* mmap(uint64_t offset, uint64_t size) override {
    void* p = nullptr;
    int r = mica_um_mmap(file_, offset, size, &p);
    if (r) throw winsys::Error(-r, "mmap failed");
    return p;
  }
  void munmap(void*, uint64_t) override {}
  winsys::Backend backend() const override { return winsys::Backend::Sim; }
  std::string description() const override { return "test transport"; }
  int set_power_profile(uint32_t profile) { return mica_um_power_profile_store(kdev_.get(), profile); }

private:
  sim::Device dev_;
  kernel::UmDevice kdev_;
  mica_file* file_ = nullptr;
};

std::vector<uint32_t> read_spirv(const std::string& name) {
  std::string dirs = std::getenv("MICA_SPV_DIR") ? std::getenv("MICA_SPV_DIR") : ".";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::ifstream f(dirs.substr(start, end - start) + "/" + name, std::ios::binary | std::ios::ate);
    if (f) {
      std::vector<uint32_t> words(size_t(f.tellg()) / 4);
      f.seekg(0);
      f.read(reinterpret_cast<char*>(words.data()), std::streamsize(words.size() * 4));
      return words;
    }
    start = end + 1;
  }
  return {};
}

TEST(VkPowerProfile, SubmissionsRecompileAfterAProfileChange) {
  auto transport = std::make_unique<KnobTransport>();
  KnobTransport* knob = transport.get();
  auto wdev = std::make_shared<winsys::Device>(std::move(transport));
  vk::use_winsys_device(wdev);
  ASSERT_EQ(wdev->query_info().power_profile, 0u);

  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.apiVersion = VK_API_VERSION_1_3;
  VkInstanceCreateInfo ici{};
  ici.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  ici.pApplicationInfo = &app;
  VkInstance inst;
  ASSERT_EQ(vk::CreateInstance(&ici, nullptr, &inst), VK_SUCCESS);
  uint32_t n = 1;
  VkPhysicalDevice pd;
  ASSERT_EQ(vk::EnumeratePhysicalDevices(inst, &n, &pd), VK_SUCCESS);
  float prio = 1;
  VkDeviceQueueCreateInfo q{};
  q.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  q.queueCount = 1;
  q.pQueuePriorities = &prio;
  VkDeviceCreateInfo dci{};
  dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &q;
  VkDevice dev;
  ASSERT_EQ(vk::CreateDevice(pd, &dci, nullptr, &dev), VK_SUCCESS);
  VkQueue queue;
  vk::GetDeviceQueue(dev, 0, 0, &queue);

  // Two host-visible buffers for y = a * x + y.
  const uint32_t count = 256;
  VkBuffer bufs[2];
  VkDeviceMemory mems[2];
  float* data[2];
  for (int i = 0; i < 2; ++i) {
    VkBufferCreateInfo bci{};
    bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bci.size = count * 4;
    bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    ASSERT_EQ(vk::CreateBuffer(dev, &bci, nullptr, &bufs[i]), VK_SUCCESS);
    VkMemoryAllocateInfo mai{};
    mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    mai.allocationSize = count * 4;
    mai.memoryTypeIndex = 1;  // host visible
    ASSERT_EQ(vk::AllocateMemory(dev, &mai, nullptr, &mems[i]), VK_SUCCESS);
    ASSERT_EQ(vk::BindBufferMemory(dev, bufs[i], mems[i], 0), VK_SUCCESS);
    void* p;
    ASSERT_EQ(vk::MapMemory(dev, mems[i], 0, VK_WHOLE_SIZE, 0, &p), VK_SUCCESS);
    data[i] = static_cast<float*>(p);
  }
  for (uint32_t i = 0; i < count; ++i) {
    data[0][i] = float(i);
    data[1][i] = 1.0f;
  }

  auto words = read_spirv("saxpy.spv");
  ASSERT_FALSE(words.empty());
  VkShaderModuleCreateInfo smci{};
  smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  smci.codeSize = words.size() * 4;
  smci.pCode = words.data();
  VkShaderModule module;
  ASSERT_EQ(vk::CreateShaderModule(dev, &smci, nullptr, &module), VK_SUCCESS);
  VkDescriptorSetLayoutBinding b[2]{};
  for (uint32_t i = 0; i < 2; ++i) {
    b[i].binding = i;
    b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    b[i].descriptorCount = 1;
    b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo lci{};
  lci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  lci.bindingCount = 2;
  lci.pBindings = b;
  VkDescriptorSetLayout set_layout;
  ASSERT_EQ(vk::CreateDescriptorSetLayout(dev, &lci, nullptr, &set_layout), VK_SUCCESS);
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &set_layout;
  plci.pushConstantRangeCount = 1;
  plci.pPushConstantRanges = &range;
  VkPipelineLayout layout;
  ASSERT_EQ(vk::CreatePipelineLayout(dev, &plci, nullptr, &layout), VK_SUCCESS);
  VkComputePipelineCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = module;
  cpci.stage.pName = "main";
  cpci.layout = layout;
  VkPipeline pipeline;
  ASSERT_EQ(vk::CreateComputePipelines(dev, VK_NULL_HANDLE, 1, &cpci, nullptr, &pipeline), VK_SUCCESS);

  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
  VkDescriptorPoolCreateInfo dpci{};
  dpci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  dpci.maxSets = 1;
  dpci.poolSizeCount = 1;
  dpci.pPoolSizes = &ps;
  VkDescriptorPool pool;
  ASSERT_EQ(vk::CreateDescriptorPool(dev, &dpci, nullptr, &pool), VK_SUCCESS);
  VkDescriptorSetAllocateInfo dsai{};
  dsai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  dsai.descriptorPool = pool;
  dsai.descriptorSetCount = 1;
  dsai.pSetLayouts = &set_layout;
  VkDescriptorSet set;
  ASSERT_EQ(vk::AllocateDescriptorSets(dev, &dsai, &set), VK_SUCCESS);
  VkDescriptorBufferInfo infos[2] = {{bufs[0], 0, VK_WHOLE_SIZE}, {bufs[1], 0, VK_WHOLE_SIZE}};
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.dstSet = set;
  w.descriptorCount = 2;
  w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  w.pBufferInfo = infos;
  vk::UpdateDescriptorSets(dev, 1, &w, 0, nullptr);

  // One command buffer, recorded once, submitted under both profiles.
  VkCommandPoolCreateInfo cpi{};
  cpi.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  VkCommandPool cmd_pool;
  ASSERT_EQ(vk::CreateCommandPool(dev, &cpi, nullptr, &cmd_pool), VK_SUCCESS);
  VkCommandBufferAllocateInfo cai{};
  cai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cai.commandPool = cmd_pool;
  cai.commandBufferCount = 1;
  VkCommandBuffer cb;
  ASSERT_EQ(vk::AllocateCommandBuffers(dev, &cai, &cb), VK_SUCCESS);
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  ASSERT_EQ(vk::BeginCommandBuffer(cb, &bi), VK_SUCCESS);
  vk::CmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
  vk::CmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &set, 0, nullptr);
  struct {
    float a;
    uint32_t n;
  } push{2.0f, count};
  vk::CmdPushConstants(cb, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, &push);
  vk::CmdDispatch(cb, count / 64, 1, 1);
  ASSERT_EQ(vk::EndCommandBuffer(cb), VK_SUCCESS);

  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  ASSERT_EQ(vk::CreateFence(dev, &fci, nullptr, &fence), VK_SUCCESS);
  VkSubmitInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cb;
  auto run = [&] {
    ASSERT_EQ(vk::ResetFences(dev, 1, &fence), VK_SUCCESS);
    ASSERT_EQ(vk::QueueSubmit(queue, 1, &si, fence), VK_SUCCESS);
    ASSERT_EQ(vk::WaitForFences(dev, 1, &fence, VK_TRUE, 10'000'000'000ull), VK_SUCCESS);
  };

  run();
  for (uint32_t i = 0; i < count; ++i) ASSERT_EQ(data[1][i], 2.0f * float(i) + 1.0f) << i;
  const auto gen0 = wdev->query_info().power_generation;

  // The administrator switches to the low-power profile: binaries scheduled for "perf" are now
  // refused by the kernel, and the same command buffer must still run (recompiled).
  ASSERT_EQ(knob->set_power_profile(1), 0);
  ASSERT_EQ(wdev->query_info().power_profile, 1u);
  EXPECT_GT(wdev->query_info().power_generation, gen0);
  run();
  for (uint32_t i = 0; i < count; ++i) ASSERT_EQ(data[1][i], 4.0f * float(i) + 1.0f) << i;
  // The kernel really refused the stale binary once (it counts each rejection).
  EXPECT_GE(wdev->reject_counts()[DRM_MICA_REJECT_CS_STALE_SHADER], 1u);

  // And back: the "perf" program comes from the pipeline again, no third compile needed.
  ASSERT_EQ(knob->set_power_profile(0), 0);
  run();
  for (uint32_t i = 0; i < count; ++i) ASSERT_EQ(data[1][i], 6.0f * float(i) + 1.0f) << i;

  // A pipeline created after the switch is built for the active profile directly.
  ASSERT_EQ(knob->set_power_profile(1), 0);
  VkPipeline pipeline2;
  ASSERT_EQ(vk::CreateComputePipelines(dev, VK_NULL_HANDLE, 1, &cpci, nullptr, &pipeline2), VK_SUCCESS);

  vk::DestroyPipeline(dev, pipeline2, nullptr);
  vk::DestroyFence(dev, fence, nullptr);
  vk::DestroyCommandPool(dev, cmd_pool, nullptr);
  vk::DestroyDescriptorPool(dev, pool, nullptr);
  vk::DestroyPipeline(dev, pipeline, nullptr);
  vk::DestroyPipelineLayout(dev, layout, nullptr);
  vk::DestroyDescriptorSetLayout(dev, set_layout, nullptr);
  vk::DestroyShaderModule(dev, module, nullptr);
  for (int i = 0; i < 2; ++i) {
    vk::DestroyBuffer(dev, bufs[i], nullptr);
    vk::FreeMemory(dev, mems[i], nullptr);
  }
  vk::DestroyDevice(dev, nullptr);
  vk::DestroyInstance(inst, nullptr);
}

}  // namespace
