// VK_KHR_push_descriptor: descriptors written into the command buffer with vkCmdPushDescriptorSetKHR
// and vkCmdPushDescriptorSetWithTemplateKHR, next to an ordinary set. Each dispatch must read the
// descriptors pushed before it, not later ones (the driver uploads a copy of the push set with every
// dispatch). The same command buffer runs on Mica and on Mesa's lavapipe (the reference), and both
// must produce the values the host computes. (dEQP-VK.binding_model.shader_access.*.with_push*.compute:
// 42 cases of the issue-13 sample reported NotSupported while lavapipe passed them.)
#include "vk_mica_instance.h"
#include "vk_test.h"

// Vulkan structures are written {sType, ...} with the rest zero, as the spec's examples do.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr uint32_t kN = 16;

// One Vulkan device with VK_KHR_push_descriptor enabled (and its commands).
struct PushDevice {
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  VkPhysicalDeviceMemoryProperties memory{};
  PFN_vkCmdPushDescriptorSetKHR push = nullptr;
  PFN_vkCmdPushDescriptorSetWithTemplateKHR push_template = nullptr;

  explicit PushDevice(VkPhysicalDevice pd) : physical(pd) {
    const uint32_t family = compute_family(pd);
    vkrun::check(vktest::create_device(pd, &device, nullptr, {VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME}, nullptr, nullptr,
                                       family),
                 "vkCreateDevice");
    vkGetDeviceQueue(device, family, 0, &queue);
    vkGetPhysicalDeviceMemoryProperties(pd, &memory);
    push = reinterpret_cast<PFN_vkCmdPushDescriptorSetKHR>(vkGetDeviceProcAddr(device, "vkCmdPushDescriptorSetKHR"));
    push_template = reinterpret_cast<PFN_vkCmdPushDescriptorSetWithTemplateKHR>(
        vkGetDeviceProcAddr(device, "vkCmdPushDescriptorSetWithTemplateKHR"));
  }
  ~PushDevice() { vkDestroyDevice(device, nullptr); }
  PushDevice(const PushDevice&) = delete;
  PushDevice& operator=(const PushDevice&) = delete;

  static uint32_t compute_family(VkPhysicalDevice pd) {
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
    std::vector<VkQueueFamilyProperties> f(n);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, f.data());
    for (uint32_t i = 0; i < n; ++i)
      if (f[i].queueFlags & VK_QUEUE_COMPUTE_BIT) return i;
    throw std::runtime_error("no compute queue family");
  }
};

struct HostBuffer {
  VkDevice device;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  uint32_t* data = nullptr;
  HostBuffer(const PushDevice& d, VkBufferUsageFlags usage) : device(d.device) {
    VkBufferCreateInfo ci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    ci.size = kN * 4;
    ci.usage = usage;
    vkrun::check(vkCreateBuffer(device, &ci, nullptr, &buffer), "vkCreateBuffer");
    VkMemoryRequirements mr;
    vkGetBufferMemoryRequirements(device, buffer, &mr);
    uint32_t type = 0;
    const VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    while (type < d.memory.memoryTypeCount &&
           (!(mr.memoryTypeBits & (1u << type)) || (d.memory.memoryTypes[type].propertyFlags & want) != want))
      ++type;
    VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, nullptr, mr.size, type};
    vkrun::check(vkAllocateMemory(device, &ai, nullptr, &memory), "vkAllocateMemory");
    vkrun::check(vkBindBufferMemory(device, buffer, memory, 0), "vkBindBufferMemory");
    void* p = nullptr;
    vkrun::check(vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory");
    data = static_cast<uint32_t*>(p);
    std::memset(data, 0, kN * 4);
  }
  ~HostBuffer() {
    vkDestroyBuffer(device, buffer, nullptr);
    vkFreeMemory(device, memory, nullptr);
  }
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  VkDescriptorBufferInfo info() const { return {buffer, 0, VK_WHOLE_SIZE}; }
};

// What three dispatches wrote: pushed with writes, pushed again with other descriptors, and pushed
// through an update template.
struct Results {
  std::array<std::array<uint32_t, kN>, 3> out{};
};

// The push-descriptor scenario on one device; 'name' labels failures.
Results run_scenario(const PushDevice& d, const std::string& name) {
  Results r;
  EXPECT_NE(d.push, nullptr) << name;
  EXPECT_NE(d.push_template, nullptr) << name;
  if (!d.push || !d.push_template) return r;
  VkDevice dev = d.device;

  // Set layouts: set 0 pushed, set 1 allocated.
  const VkDescriptorSetLayoutBinding push_bindings[] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
      {2, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
  VkDescriptorSetLayoutCreateInfo lci{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  lci.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
  lci.bindingCount = 3;
  lci.pBindings = push_bindings;
  VkDescriptorSetLayout layouts[2];
  vkrun::check(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &layouts[0]), "vkCreateDescriptorSetLayout");
  const VkDescriptorSetLayoutBinding set_binding{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT,
                                                 nullptr};
  lci.flags = 0;
  lci.bindingCount = 1;
  lci.pBindings = &set_binding;
  vkrun::check(vkCreateDescriptorSetLayout(dev, &lci, nullptr, &layouts[1]), "vkCreateDescriptorSetLayout");
  VkPipelineLayoutCreateInfo plci{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  plci.setLayoutCount = 2;
  plci.pSetLayouts = layouts;
  VkPipelineLayout layout;
  vkrun::check(vkCreatePipelineLayout(dev, &plci, nullptr, &layout), "vkCreatePipelineLayout");

  const std::vector<uint32_t> code = vkrun::read_spirv(vkrun::spv_path("push_descriptors.spv"));
  VkShaderModuleCreateInfo smci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  smci.codeSize = code.size() * 4;
  smci.pCode = code.data();
  VkShaderModule module;
  vkrun::check(vkCreateShaderModule(dev, &smci, nullptr, &module), "vkCreateShaderModule");
  VkComputePipelineCreateInfo cpci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  cpci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_COMPUTE_BIT, module,
                "main", nullptr};
  cpci.layout = layout;
  VkPipeline pipeline;
  vkrun::check(vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &cpci, nullptr, &pipeline), "vkCreateComputePipelines");

  // Inputs: two uniform values, two texel buffers, the ordinary set's input buffer.
  HostBuffer out0(d, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT), out1(d, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT),
      out2(d, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
  HostBuffer k1(d, VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT), k2(d, VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT);
  HostBuffer t1(d, VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT), t2(d, VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT);
  HostBuffer in(d, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
  k1.data[0] = 1000000;
  k2.data[0] = 2000000;
  for (uint32_t i = 0; i < kN; ++i) {
    t1.data[i] = i + 1;
    t2.data[i] = 3 * i + 7;
    in.data[i] = i * i;
  }
  VkBufferView views[2];
  VkBufferViewCreateInfo bvci{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
  bvci.format = VK_FORMAT_R32_UINT;
  bvci.range = VK_WHOLE_SIZE;
  bvci.buffer = t1.buffer;
  vkrun::check(vkCreateBufferView(dev, &bvci, nullptr, &views[0]), "vkCreateBufferView");
  bvci.buffer = t2.buffer;
  vkrun::check(vkCreateBufferView(dev, &bvci, nullptr, &views[1]), "vkCreateBufferView");

  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1};
  VkDescriptorPoolCreateInfo dpci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  dpci.maxSets = 1;
  dpci.poolSizeCount = 1;
  dpci.pPoolSizes = &size;
  VkDescriptorPool pool;
  vkrun::check(vkCreateDescriptorPool(dev, &dpci, nullptr, &pool), "vkCreateDescriptorPool");
  VkDescriptorSetAllocateInfo dsai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, nullptr, pool, 1, &layouts[1]};
  VkDescriptorSet set1;
  vkrun::check(vkAllocateDescriptorSets(dev, &dsai, &set1), "vkAllocateDescriptorSets");
  const VkDescriptorBufferInfo in_info = in.info();
  VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
  w.dstSet = set1;
  w.descriptorCount = 1;
  w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  w.pBufferInfo = &in_info;
  vkUpdateDescriptorSets(dev, 1, &w, 0, nullptr);

  // A template for the push set: the three descriptors from one host structure.
  struct TemplateData {
    VkDescriptorBufferInfo out, k;
    VkBufferView texels;
  };
  const VkDescriptorUpdateTemplateEntry entries[] = {
      {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, offsetof(TemplateData, out), 0},
      {1, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, offsetof(TemplateData, k), 0},
      {2, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, offsetof(TemplateData, texels), 0}};
  VkDescriptorUpdateTemplateCreateInfo tci{VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO};
  tci.descriptorUpdateEntryCount = 3;
  tci.pDescriptorUpdateEntries = entries;
  tci.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_PUSH_DESCRIPTORS_KHR;
  tci.pipelineBindPoint = VK_PIPELINE_BIND_POINT_COMPUTE;
  tci.pipelineLayout = layout;
  tci.set = 0;
  VkDescriptorUpdateTemplate tmpl;
  vkrun::check(vkCreateDescriptorUpdateTemplate(dev, &tci, nullptr, &tmpl), "vkCreateDescriptorUpdateTemplate");

  VkCommandPoolCreateInfo cpi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  cpi.queueFamilyIndex = PushDevice::compute_family(d.physical);
  VkCommandPool cmd_pool;
  vkrun::check(vkCreateCommandPool(dev, &cpi, nullptr, &cmd_pool), "vkCreateCommandPool");
  VkCommandBufferAllocateInfo cbai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, nullptr, cmd_pool,
                                   VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1};
  VkCommandBuffer cb;
  vkrun::check(vkAllocateCommandBuffers(dev, &cbai, &cb), "vkAllocateCommandBuffers");
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  vkrun::check(vkBeginCommandBuffer(cb, &bi), "vkBeginCommandBuffer");
  vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
  vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 1, 1, &set1, 0, nullptr);

  // Dispatch 1: out0, k1, t1, pushed as writes.
  const VkDescriptorBufferInfo o0 = out0.info(), o1 = out1.info(), o2 = out2.info(), kk1 = k1.info(), kk2 = k2.info();
  VkWriteDescriptorSet pw[3] = {};
  for (uint32_t b = 0; b < 3; ++b) {
    pw[b].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    pw[b].dstBinding = b;
    pw[b].descriptorCount = 1;
    pw[b].descriptorType = push_bindings[b].descriptorType;
  }
  pw[0].pBufferInfo = &o0;
  pw[1].pBufferInfo = &kk1;
  pw[2].pTexelBufferView = &views[0];
  d.push(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 3, pw);
  vkCmdDispatch(cb, 1, 1, 1);
  // Dispatch 2: out1, k2, t2 (every descriptor pushed again, the first two in one call each).
  pw[0].pBufferInfo = &o1;
  pw[1].pBufferInfo = &kk2;
  pw[2].pTexelBufferView = &views[1];
  d.push(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &pw[0]);
  d.push(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 2, &pw[1]);
  vkCmdDispatch(cb, 1, 1, 1);
  // Dispatch 3: out2, k1, t2 through the template.
  const TemplateData td{o2, kk1, views[1]};
  d.push_template(cb, tmpl, layout, 0, &td);
  vkCmdDispatch(cb, 1, 1, 1);
  vkrun::check(vkEndCommandBuffer(cb), "vkEndCommandBuffer");

  VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VkFence fence;
  vkrun::check(vkCreateFence(dev, &fci, nullptr, &fence), "vkCreateFence");
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cb;
  EXPECT_EQ(vkQueueSubmit(d.queue, 1, &si, fence), VK_SUCCESS) << name;
  EXPECT_EQ(vkWaitForFences(dev, 1, &fence, VK_TRUE, 60'000'000'000ull), VK_SUCCESS) << name;
  for (uint32_t i = 0; i < kN; ++i) {
    r.out[0][i] = out0.data[i];
    r.out[1][i] = out1.data[i];
    r.out[2][i] = out2.data[i];
  }

  vkDestroyFence(dev, fence, nullptr);
  vkDestroyCommandPool(dev, cmd_pool, nullptr);
  vkDestroyDescriptorUpdateTemplate(dev, tmpl, nullptr);
  vkDestroyDescriptorPool(dev, pool, nullptr);
  for (VkBufferView v : views) vkDestroyBufferView(dev, v, nullptr);
  vkDestroyPipeline(dev, pipeline, nullptr);
  vkDestroyShaderModule(dev, module, nullptr);
  vkDestroyPipelineLayout(dev, layout, nullptr);
  for (VkDescriptorSetLayout l : layouts) vkDestroyDescriptorSetLayout(dev, l, nullptr);
  return r;
}

Results expected() {
  Results r;
  for (uint32_t i = 0; i < kN; ++i) {
    r.out[0][i] = 1000000 + (i + 1) * 100 + i * i;
    r.out[1][i] = 2000000 + (3 * i + 7) * 100 + i * i;
    r.out[2][i] = 1000000 + (3 * i + 7) * 100 + i * i;
  }
  return r;
}

// The physical device whose name contains 'substring' and that offers VK_KHR_push_descriptor.
VkPhysicalDevice find_device(VkInstance instance, const char* substring) {
  uint32_t n = 0;
  vkEnumeratePhysicalDevices(instance, &n, nullptr);
  std::vector<VkPhysicalDevice> pds(n);
  vkEnumeratePhysicalDevices(instance, &n, pds.data());
  for (VkPhysicalDevice pd : pds) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(pd, &p);
    if (!std::strstr(p.deviceName, substring)) continue;
    uint32_t e = 0;
    vkEnumerateDeviceExtensionProperties(pd, nullptr, &e, nullptr);
    std::vector<VkExtensionProperties> ext(e);
    vkEnumerateDeviceExtensionProperties(pd, nullptr, &e, ext.data());
    for (const auto& x : ext)
      if (std::strcmp(x.extensionName, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME) == 0) return pd;
  }
  return VK_NULL_HANDLE;
}

TEST(VkPushDescriptors, AdvertisedWithTheSpecMinimum) {
  auto ctx = vktest::make_context();
  VkPhysicalDevicePushDescriptorPropertiesKHR pp{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PUSH_DESCRIPTOR_PROPERTIES_KHR};
  VkPhysicalDeviceProperties2 p{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &pp};
  vkGetPhysicalDeviceProperties2(ctx->physical(), &p);
  EXPECT_GE(pp.maxPushDescriptors, 32u);
  EXPECT_NE(find_device(ctx->instance(), "Mica"), VK_NULL_HANDLE) << "VK_KHR_push_descriptor is not advertised";
  // The commands exist on a device that enabled the extension, and not on one that did not.
  EXPECT_EQ(vkGetDeviceProcAddr(ctx->device(), "vkCmdPushDescriptorSetKHR"), nullptr);
  EXPECT_EQ(vkGetDeviceProcAddr(ctx->device(), "vkCmdPushDescriptorSetWithTemplateKHR"), nullptr);
}

TEST(VkPushDescriptors, EachDispatchReadsWhatWasPushedBeforeItLikeLavapipe) {
  auto ctx = vktest::make_context();  // the instance (and its loader setup) the devices come from
  const Results want = expected();
  VkPhysicalDevice mica = find_device(ctx->instance(), "Mica");
  ASSERT_NE(mica, VK_NULL_HANDLE);
  Results got;
  {
    PushDevice d(mica);
    got = run_scenario(d, "Mica");
  }
  for (uint32_t k = 0; k < 3; ++k)
    for (uint32_t i = 0; i < kN; ++i) EXPECT_EQ(got.out[k][i], want.out[k][i]) << "Mica dispatch " << k << " [" << i << "]";
  VkPhysicalDevice lvp = find_device(ctx->instance(), "llvmpipe");
  if (lvp == VK_NULL_HANDLE) GTEST_SKIP() << "lavapipe is not installed: Mica checked against the host only";
  PushDevice d(lvp);
  const Results ref = run_scenario(d, "lavapipe");
  EXPECT_EQ(ref.out, want.out) << "lavapipe disagrees with the host's values";
  EXPECT_EQ(got.out, ref.out);
}

}  // namespace
