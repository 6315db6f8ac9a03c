// What the kernel reports about a faulting or hung submission reaches the application: the device
// becomes lost (VK_ERROR_DEVICE_LOST from then on) and the fault's reason (the kernel's fault code
// and name, the faulting address and access, or the watchdog) goes to the VK_EXT_debug_utils
// messengers once, naming the device, and is what VK_EXT_device_fault's vkGetDeviceFaultInfoEXT
// returns.
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <cstring>
#include <string>

namespace {

struct Received {
  std::vector<std::string> messages, ids;
  std::vector<std::pair<VkObjectType, uint64_t>> objects;
};

VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                          VkDebugUtilsMessageTypeFlagsEXT, const VkDebugUtilsMessengerCallbackDataEXT* data,
                                          void* user) {
  auto* r = static_cast<Received*>(user);
  if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
    r->messages.emplace_back(data->pMessage);
    r->ids.emplace_back(data->pMessageIdName ? data->pMessageIdName : "");
    for (uint32_t i = 0; i < data->objectCount; ++i)
      r->objects.emplace_back(data->pObjects[i].objectType, data->pObjects[i].objectHandle);
  }
  return VK_FALSE;
}

// An instance with a debug messenger and a Mica device with one compute queue.
class Fixture {
public:
  Fixture() {
    if (vktest::create_instance(&instance, {VK_EXT_DEBUG_UTILS_EXTENSION_NAME}) != VK_SUCCESS) return;
    VkDebugUtilsMessengerCreateInfoEXT mci{};
    mci.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
    mci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
    mci.pfnUserCallback = on_message;
    mci.pUserData = &got;
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
    destroy_messenger = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
    if (!create || !destroy_messenger || create(instance, &mci, nullptr, &messenger) != VK_SUCCESS) return;
    physical = vktest::find_mica_device(instance);
    if (!physical) return;
    VkPhysicalDeviceFaultFeaturesEXT fault{};
    fault.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FAULT_FEATURES_EXT;
    fault.deviceFault = VK_TRUE;
    if (vktest::create_device(physical, &device, &fault, {VK_EXT_DEVICE_FAULT_EXTENSION_NAME}) != VK_SUCCESS) return;
    get_fault_info =
        reinterpret_cast<PFN_vkGetDeviceFaultInfoEXT>(vkGetDeviceProcAddr(device, "vkGetDeviceFaultInfoEXT"));
    vkGetDeviceQueue(device, 0, 0, &queue);
    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, nullptr, 0, 0};
    vkCreateCommandPool(device, &pci, nullptr, &pool);
  }
  ~Fixture() {
    if (device) {
      vkDeviceWaitIdle(device);
      if (pool) vkDestroyCommandPool(device, pool, nullptr);
      vkDestroyDevice(device, nullptr);
    }
    if (messenger) destroy_messenger(instance, messenger, nullptr);
    if (instance) vkDestroyInstance(instance, nullptr);
  }
  bool ok() const { return pool != VK_NULL_HANDLE && get_fault_info; }

  // vkGetDeviceFaultInfoEXT: counts, then everything.
  struct Fault {
    VkResult result = VK_ERROR_UNKNOWN;
    std::string description;
    std::vector<VkDeviceFaultAddressInfoEXT> addresses;
    std::vector<VkDeviceFaultVendorInfoEXT> vendor;
  };
  Fault fault_info() {
    Fault f;
    VkDeviceFaultCountsEXT counts{VK_STRUCTURE_TYPE_DEVICE_FAULT_COUNTS_EXT, nullptr, 0, 0, 0};
    f.result = get_fault_info(device, &counts, nullptr);
    if (f.result != VK_SUCCESS) return f;
    EXPECT_EQ(counts.vendorBinarySize, 0u);
    f.addresses.resize(counts.addressInfoCount);
    f.vendor.resize(counts.vendorInfoCount);
    VkDeviceFaultInfoEXT info{};
    info.sType = VK_STRUCTURE_TYPE_DEVICE_FAULT_INFO_EXT;
    info.pAddressInfos = f.addresses.data();
    info.pVendorInfos = f.vendor.data();
    f.result = get_fault_info(device, &counts, &info);
    f.description = info.description;
    return f;
  }

  // Records, submits with a fence, waits (10 s at most).
  VkResult run(const std::function<void(VkCommandBuffer)>& record) {
    VkCommandBufferAllocateInfo cai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, nullptr, pool,
                                    VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1};
    VkCommandBuffer cb;
    VkResult r = vkAllocateCommandBuffers(device, &cai, &cb);
    if (r != VK_SUCCESS) return r;
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO, nullptr,
                                VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, nullptr};
    vkBeginCommandBuffer(cb, &bi);
    record(cb);
    vkEndCommandBuffer(cb);
    VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, nullptr, 0};
    VkFence fence;
    vkCreateFence(device, &fci, nullptr, &fence);
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cb;
    r = vkQueueSubmit(queue, 1, &si, fence);
    if (r == VK_SUCCESS) r = vkWaitForFences(device, 1, &fence, VK_TRUE, 10'000'000'000ull);
    vkDestroyFence(device, fence, nullptr);
    vkFreeCommandBuffers(device, pool, 1, &cb);
    return r;
  }

  bool device_named() const {
    for (const auto& [type, handle] : got.objects)
      if (type == VK_OBJECT_TYPE_DEVICE && handle == uint64_t(reinterpret_cast<uintptr_t>(device))) return true;
    return false;
  }

  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger = nullptr;
  PFN_vkGetDeviceFaultInfoEXT get_fault_info = nullptr;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  VkCommandPool pool = VK_NULL_HANDLE;
  Received got;
};

std::string all(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& m : v) s += m + "\n";
  return s.empty() ? "no message" : s;
}

TEST(VkFaultReport, UnmappedStoreLosesTheDeviceAndNamesTheFault) {
  Fixture f;
  ASSERT_TRUE(f.ok());
  auto p = vktest::make_pipeline(f.device, "fault.spv", {}, 8);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  // Page 0 is below the user address range: nothing is ever bound there.
  const uint64_t address = 0x100;
  EXPECT_EQ(f.run([&](VkCommandBuffer cb) {
              vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline);
              vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8, &address);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_ERROR_DEVICE_LOST);
  ASSERT_EQ(f.got.messages.size(), 1u) << all(f.got.messages);
  const std::string& m = f.got.messages[0];
  EXPECT_EQ(f.got.ids[0], "Mica-device-lost");
  EXPECT_NE(m.find("MMU_UNMAPPED"), std::string::npos) << m;
  EXPECT_NE(m.find("write"), std::string::npos) << m;
  // The first faulting lane's address: 0x100 + 4 * lane.
  EXPECT_NE(m.find("GPU address 0x00000000000001"), std::string::npos) << m;
  EXPECT_TRUE(f.device_named());

  // VK_EXT_device_fault: the same reason, the refused write's address and the faulting pc.
  const auto info = f.fault_info();
  ASSERT_EQ(info.result, VK_SUCCESS);
  EXPECT_EQ(info.description, m.substr(0, VK_MAX_DESCRIPTION_SIZE - 1));
  ASSERT_EQ(info.addresses.size(), 2u);
  EXPECT_EQ(info.addresses[0].addressType, VK_DEVICE_FAULT_ADDRESS_TYPE_WRITE_INVALID_EXT);
  EXPECT_GE(info.addresses[0].reportedAddress, address);
  EXPECT_LT(info.addresses[0].reportedAddress, address + 64 * 4);
  EXPECT_EQ(info.addresses[1].addressType, VK_DEVICE_FAULT_ADDRESS_TYPE_INSTRUCTION_POINTER_FAULT_EXT);
  EXPECT_NE(info.addresses[1].reportedAddress, 0u);
  ASSERT_EQ(info.vendor.size(), 1u);
  EXPECT_STREQ(info.vendor[0].description, "Mica fault MMU_UNMAPPED");
  EXPECT_EQ(info.vendor[0].vendorFaultCode, 1u);  // mica.toml [fault] MMU_UNMAPPED
  // Room for fewer records: the first ones and VK_INCOMPLETE.
  VkDeviceFaultCountsEXT one{VK_STRUCTURE_TYPE_DEVICE_FAULT_COUNTS_EXT, nullptr, 1, 0, 0};
  VkDeviceFaultAddressInfoEXT first{};
  VkDeviceFaultInfoEXT partial{};
  partial.sType = VK_STRUCTURE_TYPE_DEVICE_FAULT_INFO_EXT;
  partial.pAddressInfos = &first;
  EXPECT_EQ(f.get_fault_info(f.device, &one, &partial), VK_INCOMPLETE);
  EXPECT_EQ(one.addressInfoCount, 1u);
  EXPECT_EQ(one.vendorInfoCount, 0u);
  EXPECT_EQ(first.reportedAddress, info.addresses[0].reportedAddress);

  // Lost from then on, and reported once.
  EXPECT_EQ(vkQueueSubmit(f.queue, 0, nullptr, VK_NULL_HANDLE), VK_ERROR_DEVICE_LOST);
  EXPECT_EQ(vkDeviceWaitIdle(f.device), VK_ERROR_DEVICE_LOST);
  EXPECT_EQ(f.got.messages.size(), 1u) << all(f.got.messages);
}

TEST(VkFaultReport, HangIsReportedWithItsFault) {
  Fixture f;
  ASSERT_TRUE(f.ok());
  // Nothing to report before a fault.
  const auto none = f.fault_info();
  EXPECT_EQ(none.result, VK_SUCCESS);
  EXPECT_TRUE(none.addresses.empty());
  EXPECT_TRUE(none.vendor.empty());
  auto p = vktest::make_pipeline(f.device, "hang.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = 64;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer;
  ASSERT_EQ(vkCreateBuffer(f.device, &bci, nullptr, &buffer), VK_SUCCESS);
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(f.device, buffer, &req);
  VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, nullptr, req.size, 0};
  while (!(req.memoryTypeBits & (1u << mai.memoryTypeIndex))) ++mai.memoryTypeIndex;
  VkDeviceMemory memory;
  ASSERT_EQ(vkAllocateMemory(f.device, &mai, nullptr, &memory), VK_SUCCESS);
  ASSERT_EQ(vkBindBufferMemory(f.device, buffer, memory, 0), VK_SUCCESS);
  vktest::Sets sets(f.device, *p);
  VkDescriptorBufferInfo info{buffer, 0, VK_WHOLE_SIZE};
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.dstSet = sets.sets[0];
  w.descriptorCount = 1;
  w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  w.pBufferInfo = &info;
  vkUpdateDescriptorSets(f.device, 1, &w, 0, nullptr);
  EXPECT_EQ(f.run([&](VkCommandBuffer cb) {
              vktest::bind(cb, *p, sets);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_ERROR_DEVICE_LOST);
  ASSERT_EQ(f.got.messages.size(), 1u) << all(f.got.messages);
  // The device's watchdog (cycles) ends the program, unless the simulated device runs so slowly
  // (sanitizers, a loaded machine) that the kernel's job timeout (wall time) kills it first.
  const std::string& m = f.got.messages[0];
  const bool watchdog = m.find("WATCHDOG") != std::string::npos;
  EXPECT_TRUE(watchdog || m.find("KILLED") != std::string::npos) << m;
  EXPECT_TRUE(f.device_named());
  // No data address for a watchdog fault: the pc of the spinning program, and the fault code.
  const auto fault = f.fault_info();
  ASSERT_EQ(fault.result, VK_SUCCESS);
  ASSERT_EQ(fault.addresses.size(), watchdog ? 1u : fault.addresses.size());
  for (const auto& a : fault.addresses) {
    EXPECT_EQ(a.addressType, VK_DEVICE_FAULT_ADDRESS_TYPE_INSTRUCTION_POINTER_FAULT_EXT);
    EXPECT_NE(a.reportedAddress, 0u);
  }
  ASSERT_EQ(fault.vendor.size(), 1u);
  EXPECT_EQ(fault.vendor[0].vendorFaultCode, watchdog ? 7u : 11u);  // mica.toml [fault] WATCHDOG / KILLED
  EXPECT_EQ(fault.description, m.substr(0, VK_MAX_DESCRIPTION_SIZE - 1));
  vkDestroyBuffer(f.device, buffer, nullptr);
  vkFreeMemory(f.device, memory, nullptr);
}

}  // namespace
