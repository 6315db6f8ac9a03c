#include "vkrun.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#ifndef MICA_SPV_DIR_DEFAULT
#define MICA_SPV_DIR_DEFAULT "."
#endif

namespace vkrun {

void check(VkResult r, const char* what) {
  if (r != VK_SUCCESS) throw Error(what, r);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string spv_path(const std::string& name) {
  // MICA_SPV_DIR may list several directories separated by ':'; the first holding the file wins.
  const char* env = std::getenv("MICA_SPV_DIR");
  std::string dirs = std::string(env && *env ? env : "") + ":" + MICA_SPV_DIR_DEFAULT;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && std::ifstream(candidate).good()) return candidate;
    start = end + 1;
  }
  return std::string(MICA_SPV_DIR_DEFAULT) + "/" + name;
}

std::vector<uint32_t> read_spirv(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) throw std::runtime_error("cannot open " + path);
  auto bytes = static_cast<size_t>(f.tellg());
  if (bytes == 0 || bytes % 4) throw std::runtime_error(path + " is not a SPIR-V file");
  std::vector<uint32_t> words(bytes / 4);
  f.seekg(0);
  f.read(reinterpret_cast<char*>(words.data()), std::streamsize(bytes));
  return words;
}

Context::Context(const std::string& device_substring, bool validation, bool robust_buffer_access,
                 bool robust_buffer_access2, bool robust_image_access2) {
  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = "mica-vkrun";
  app.apiVersion = VK_API_VERSION_1_3;
  const char* layers[] = {"VK_LAYER_KHRONOS_validation"};
  const char* extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
  VkDebugUtilsMessengerCreateInfoEXT mci{};
  mci.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
  mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
  mci.pfnUserCallback = &Context::on_validation_message;
  mci.pUserData = this;
  VkInstanceCreateInfo ici{};
  ici.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  ici.pApplicationInfo = &app;
  if (validation) {
    ici.pNext = &mci;  // also catches messages from instance creation and destruction
    ici.enabledLayerCount = 1;
    ici.ppEnabledLayerNames = layers;
    ici.enabledExtensionCount = 1;
    ici.ppEnabledExtensionNames = extensions;
  }
  check(vkCreateInstance(&ici, nullptr, &instance_), "vkCreateInstance");
  if (validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (!create) throw std::runtime_error("VK_EXT_debug_utils is not available");
    check(create(instance_, &mci, nullptr, &messenger_), "vkCreateDebugUtilsMessengerEXT");
  }

  uint32_t n = 0;
  check(vkEnumeratePhysicalDevices(instance_, &n, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> pds(n);
  check(vkEnumeratePhysicalDevices(instance_, &n, pds.data()), "vkEnumeratePhysicalDevices");
  for (auto pd : pds) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(pd, &p);
    if (device_substring.empty() || std::strstr(p.deviceName, device_substring.c_str())) {
      physical_ = pd;
      props_ = p;
      break;
    }
  }
  if (!physical_) {
    vkDestroyInstance(instance_, nullptr);
    throw std::runtime_error("no Vulkan device named like '" + device_substring +
                             "' (is VK_DRIVER_FILES pointing at the ICD manifest?)");
  }
  vkGetPhysicalDeviceMemoryProperties(physical_, &mem_props_);

  uint32_t qf = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical_, &qf, nullptr);
  std::vector<VkQueueFamilyProperties> families(qf);
  vkGetPhysicalDeviceQueueFamilyProperties(physical_, &qf, families.data());
  uint32_t family = UINT32_MAX;
  for (uint32_t i = 0; i < qf; ++i)
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      family = i;
      break;
    }
  if (family == UINT32_MAX) throw std::runtime_error("device has no compute queue");

  float prio = 1.0f;
  VkDeviceQueueCreateInfo qci{};
  qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  qci.queueFamilyIndex = family;
  qci.queueCount = 1;
  qci.pQueuePriorities = &prio;
  // SPIR-V for Vulkan 1.3 declares workgroup sizes with LocalSizeId (maintenance4); submissions and
  // barriers use synchronization2. Both are mandatory in Vulkan 1.3 but must still be enabled, like
  // the optional features the tests use when the device has them.
  VkPhysicalDeviceVulkan11Features have11{};
  have11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
  VkPhysicalDeviceVulkan12Features have12{};
  have12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
  have12.pNext = &have11;
  VkPhysicalDeviceVulkan13Features have13{};
  have13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  have13.pNext = &have12;
  VkPhysicalDeviceFeatures2 have{};
  have.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  have.pNext = &have13;
  vkGetPhysicalDeviceFeatures2(physical_, &have);
  VkPhysicalDeviceVulkan11Features f11{};
  f11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
  f11.variablePointersStorageBuffer = have11.variablePointersStorageBuffer;
  f11.variablePointers = have11.variablePointers;
  VkPhysicalDeviceVulkan12Features f12{};
  f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
  f12.pNext = &f11;
  f12.timelineSemaphore = have12.timelineSemaphore;
  f12.hostQueryReset = have12.hostQueryReset;
  f12.shaderUniformBufferArrayNonUniformIndexing = have12.shaderUniformBufferArrayNonUniformIndexing;
  f12.shaderStorageBufferArrayNonUniformIndexing = have12.shaderStorageBufferArrayNonUniformIndexing;
  f12.runtimeDescriptorArray = have12.runtimeDescriptorArray;
  f12.shaderUniformTexelBufferArrayDynamicIndexing = have12.shaderUniformTexelBufferArrayDynamicIndexing;
  f12.shaderStorageTexelBufferArrayDynamicIndexing = have12.shaderStorageTexelBufferArrayDynamicIndexing;
  f12.shaderSubgroupExtendedTypes = have12.shaderSubgroupExtendedTypes;
  VkPhysicalDeviceVulkan13Features f13{};
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.pNext = &f12;
  f13.synchronization2 = VK_TRUE;
  f13.maintenance4 = VK_TRUE;
  f13.pipelineCreationCacheControl = have13.pipelineCreationCacheControl;
  f13.inlineUniformBlock = have13.inlineUniformBlock;
  f13.privateData = have13.privateData;
  f13.subgroupSizeControl = have13.subgroupSizeControl;
  f13.computeFullSubgroups = have13.computeFullSubgroups;
  VkPhysicalDeviceFeatures2 f10{};
  f10.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  f10.pNext = &f13;
  f10.features.pipelineStatisticsQuery = have.features.pipelineStatisticsQuery;
  f10.features.shaderInt64 = have.features.shaderInt64;
  f10.features.shaderFloat64 = have.features.shaderFloat64;
  f10.features.shaderUniformBufferArrayDynamicIndexing = have.features.shaderUniformBufferArrayDynamicIndexing;
  f10.features.shaderStorageBufferArrayDynamicIndexing = have.features.shaderStorageBufferArrayDynamicIndexing;
  f10.features.robustBufferAccess = robust_buffer_access || robust_buffer_access2 ? VK_TRUE : VK_FALSE;
  VkPhysicalDeviceRobustness2FeaturesEXT r2{};
  r2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ROBUSTNESS_2_FEATURES_EXT;
  r2.robustBufferAccess2 = robust_buffer_access2 ? VK_TRUE : VK_FALSE;
  r2.robustImageAccess2 = robust_image_access2 ? VK_TRUE : VK_FALSE;
  const char* r2_extension = VK_EXT_ROBUSTNESS_2_EXTENSION_NAME;
  const bool robustness2 = robust_buffer_access2 || robust_image_access2;
  if (robustness2) {
    r2.pNext = f10.pNext;
    f10.pNext = &r2;
  }
  VkDeviceCreateInfo dci{};
  dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  dci.pNext = &f10;
  dci.enabledExtensionCount = robustness2 ? 1 : 0;
  dci.ppEnabledExtensionNames = &r2_extension;
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  check(vkCreateDevice(physical_, &dci, nullptr, &device_), "vkCreateDevice");
  vkGetDeviceQueue(device_, family, 0, &queue_);
  family_ = family;

  VkCommandPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pci.queueFamilyIndex = family;
  check(vkCreateCommandPool(device_, &pci, nullptr, &pool_), "vkCreateCommandPool");
  VkCommandBufferAllocateInfo cai{};
  cai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cai.commandPool = pool_;
  cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cai.commandBufferCount = 1;
  check(vkAllocateCommandBuffers(device_, &cai, &cmd_), "vkAllocateCommandBuffers");
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  check(vkCreateFence(device_, &fci, nullptr, &fence_), "vkCreateFence");
}

Context::~Context() {
  if (device_) {
    vkDeviceWaitIdle(device_);
    vkDestroyFence(device_, fence_, nullptr);
    vkDestroyCommandPool(device_, pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

VKAPI_ATTR VkBool32 VKAPI_CALL Context::on_validation_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                              VkDebugUtilsMessageTypeFlagsEXT,
                                                              const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                              void* user) {
  auto* self = static_cast<Context*>(user);
  ++self->validation_messages_;
  std::fprintf(stderr, "[validation %s] %s\n",
               severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning",
               data && data->pMessage ? data->pMessage : "");
  return VK_FALSE;
}

Buffer Context::create_buffer(VkDeviceSize size) {
  Buffer b;
  b.size = size;
  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = size;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
              VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT;
  bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check(vkCreateBuffer(device_, &bci, nullptr, &b.buffer), "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, b.buffer, &req);
  const uint32_t type = host_visible_type(req.memoryTypeBits);
  VkMemoryAllocateInfo mai{};
  mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = type;
  check(vkAllocateMemory(device_, &mai, nullptr, &b.memory), "vkAllocateMemory");
  check(vkBindBufferMemory(device_, b.buffer, b.memory, 0), "vkBindBufferMemory");
  check(vkMapMemory(device_, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped), "vkMapMemory");
  return b;
}

uint32_t Context::host_visible_type(uint32_t type_bits) const {
  const VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  for (uint32_t i = 0; i < mem_props_.memoryTypeCount; ++i)
    if ((type_bits & (1u << i)) && (mem_props_.memoryTypes[i].propertyFlags & want) == want) return i;
  throw std::runtime_error("no host-visible coherent memory type");
}

void Context::destroy(Buffer& b) {
  if (b.memory) vkUnmapMemory(device_, b.memory);
  vkDestroyBuffer(device_, b.buffer, nullptr);
  vkFreeMemory(device_, b.memory, nullptr);
  b = Buffer{};
}

Pipeline Context::create_pipeline(const std::string& spv_file, uint32_t storage_buffers, uint32_t push_bytes,
                                  const std::vector<SpecConstant>& spec) {
  Pipeline p;
  auto words = read_spirv(spv_path(spv_file));
  VkShaderModuleCreateInfo smci{};
  smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  smci.codeSize = words.size() * 4;
  smci.pCode = words.data();
  check(vkCreateShaderModule(device_, &smci, nullptr, &p.module), "vkCreateShaderModule");

  std::vector<VkDescriptorSetLayoutBinding> bindings(storage_buffers);
  for (uint32_t i = 0; i < storage_buffers; ++i) {
    bindings[i] = {};
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo dslci{};
  dslci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
  dslci.bindingCount = storage_buffers;
  dslci.pBindings = bindings.data();
  check(vkCreateDescriptorSetLayout(device_, &dslci, nullptr, &p.set_layout), "vkCreateDescriptorSetLayout");

  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes};
  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  plci.setLayoutCount = 1;
  plci.pSetLayouts = &p.set_layout;
  plci.pushConstantRangeCount = push_bytes ? 1 : 0;
  plci.pPushConstantRanges = &range;
  check(vkCreatePipelineLayout(device_, &plci, nullptr, &p.layout), "vkCreatePipelineLayout");

  std::vector<VkSpecializationMapEntry> entries;
  std::vector<uint32_t> values;
  for (const auto& s : spec) {
    entries.push_back({s.id, uint32_t(values.size() * 4), 4});
    values.push_back(s.value);
  }
  VkSpecializationInfo si{uint32_t(entries.size()), entries.data(), values.size() * 4, values.data()};
  VkComputePipelineCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = p.module;
  cpci.stage.pName = "main";
  cpci.stage.pSpecializationInfo = spec.empty() ? nullptr : &si;
  cpci.layout = p.layout;
  auto t0 = std::chrono::steady_clock::now();
  check(vkCreateComputePipelines(device_, VK_NULL_HANDLE, 1, &cpci, nullptr, &p.pipeline), "vkCreateComputePipelines");
  p.create_ms = ms_since(t0);

  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, storage_buffers ? storage_buffers : 1};
  VkDescriptorPoolCreateInfo dpci{};
  dpci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  dpci.maxSets = 1;
  dpci.poolSizeCount = 1;
  dpci.pPoolSizes = &ps;
  check(vkCreateDescriptorPool(device_, &dpci, nullptr, &p.pool), "vkCreateDescriptorPool");
  VkDescriptorSetAllocateInfo dsai{};
  dsai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  dsai.descriptorPool = p.pool;
  dsai.descriptorSetCount = 1;
  dsai.pSetLayouts = &p.set_layout;
  check(vkAllocateDescriptorSets(device_, &dsai, &p.set), "vkAllocateDescriptorSets");
  return p;
}

void Context::bind_buffers(Pipeline& p, const std::vector<const Buffer*>& buffers) {
  std::vector<VkDescriptorBufferInfo> infos(buffers.size());
  std::vector<VkWriteDescriptorSet> writes(buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    infos[i] = {buffers[i]->buffer, 0, VK_WHOLE_SIZE};
    writes[i] = {};
    writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    writes[i].dstSet = p.set;
    writes[i].dstBinding = uint32_t(i);
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(device_, uint32_t(writes.size()), writes.data(), 0, nullptr);
}

void Context::destroy(Pipeline& p) {
  vkDestroyPipeline(device_, p.pipeline, nullptr);
  vkDestroyDescriptorPool(device_, p.pool, nullptr);
  vkDestroyPipelineLayout(device_, p.layout, nullptr);
  vkDestroyDescriptorSetLayout(device_, p.set_layout, nullptr);
  vkDestroyShaderModule(device_, p.module, nullptr);
  p = Pipeline{};
}

void Context::dispatch(VkCommandBuffer cb, const Pipeline& p, const void* push, uint32_t push_bytes, uint32_t gx,
                       uint32_t gy, uint32_t gz) {
  vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
  vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, 1, &p.set, 0, nullptr);
  if (push_bytes) vkCmdPushConstants(cb, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes, push);
  vkCmdDispatch(cb, gx, gy, gz);
  barrier(cb);
}

void Context::barrier(VkCommandBuffer cb) {
  VkMemoryBarrier2 mb{};
  mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2;
  mb.srcStageMask = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_2_TRANSFER_BIT;
  mb.srcAccessMask = VK_ACCESS_2_SHADER_WRITE_BIT | VK_ACCESS_2_TRANSFER_WRITE_BIT;
  mb.dstStageMask = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_2_TRANSFER_BIT |
                    VK_PIPELINE_STAGE_2_HOST_BIT;
  mb.dstAccessMask = VK_ACCESS_2_SHADER_READ_BIT | VK_ACCESS_2_SHADER_WRITE_BIT | VK_ACCESS_2_TRANSFER_READ_BIT |
                     VK_ACCESS_2_HOST_READ_BIT;
  VkDependencyInfo di{};
  di.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO;
  di.memoryBarrierCount = 1;
  di.pMemoryBarriers = &mb;
  vkCmdPipelineBarrier2(cb, &di);
}

void Context::begin() {
  check(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
}

double Context::submit_and_wait() {
  check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
  VkCommandBufferSubmitInfo cbi{};
  cbi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO;
  cbi.commandBuffer = cmd_;
  VkSubmitInfo2 si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
  si.commandBufferInfoCount = 1;
  si.pCommandBufferInfos = &cbi;
  check(vkResetFences(device_, 1, &fence_), "vkResetFences");
  const benchtimes::ThreadTimes before = sample_thread_times_ ? benchtimes::process_thread_times() : benchtimes::ThreadTimes{};
  auto t0 = std::chrono::steady_clock::now();
  check(vkQueueSubmit2(queue_, 1, &si, fence_), "vkQueueSubmit2");
  check(vkWaitForFences(device_, 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  const double ms = ms_since(t0);
  if (sample_thread_times_) run_thread_times_ += benchtimes::process_thread_times() - before;
  return ms;
}

}  // namespace vkrun
