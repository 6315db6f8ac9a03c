// The Vulkan backend of the corpus: one instance + device per Runner, one pipeline and set of buffers
// per case, host-visible memory, a single dispatch, fence wait, readback, Case::check.
#include "mica/corpus/vk_runner.h"

#include <vulkan/vulkan.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>

namespace mica::corpus::vk {

namespace {

constexpr const char* validation_layer = "VK_LAYER_KHRONOS_validation";
constexpr std::uint64_t fence_timeout_ns = 60ull * 1000 * 1000 * 1000;

std::string vk_error(const char* what, VkResult r) { return std::string(what) + " failed: VkResult " + std::to_string(r); }

void vk_check(VkResult r, const char* what) {
  if (r != VK_SUCCESS) throw std::runtime_error(vk_error(what, r));
}

// A zero-initialised Vulkan struct with its sType (and pNext) set.
template <class T>
T vk_struct(VkStructureType type, void* next = nullptr) {
  T v{};
  v.sType = type;
  v.pNext = next;
  return v;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0";
}

// Vulkan handles of one case; destroyed in reverse order of creation.
struct CaseObjects {
  VkDevice dev = VK_NULL_HANDLE;
  VkShaderModule module = VK_NULL_HANDLE;
  std::vector<VkDescriptorSetLayout> set_layouts;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  std::vector<VkBuffer> buffers;
  std::vector<VkDeviceMemory> memories;
  VkCommandPool cmd_pool = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;

  explicit CaseObjects(VkDevice d) : dev(d) {}
  CaseObjects(const CaseObjects&) = delete;
  CaseObjects& operator=(const CaseObjects&) = delete;
  ~CaseObjects() {
    if (fence) vkDestroyFence(dev, fence, nullptr);
    if (cmd_pool) vkDestroyCommandPool(dev, cmd_pool, nullptr);
    for (VkBuffer b : buffers)
      if (b) vkDestroyBuffer(dev, b, nullptr);
    for (VkDeviceMemory m : memories)
      if (m) vkFreeMemory(dev, m, nullptr);
    if (pool) vkDestroyDescriptorPool(dev, pool, nullptr);
    if (pipeline) vkDestroyPipeline(dev, pipeline, nullptr);
    if (layout) vkDestroyPipelineLayout(dev, layout, nullptr);
    for (VkDescriptorSetLayout l : set_layouts)
      if (l) vkDestroyDescriptorSetLayout(dev, l, nullptr);
    if (module) vkDestroyShaderModule(dev, module, nullptr);
  }
};

}  // namespace

const char* status_name(Status s) {
  switch (s) {
    case Status::pass: return "PASS";
    case Status::fail: return "FAIL";
    case Status::skip: return "SKIP";
  }
  return "?";
}

RunnerOptions options_from_env() {
  RunnerOptions o;
  if (const char* d = std::getenv("MICA_CORPUS_DEVICE"); d && *d) {
    const std::string s = d;
    if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      o.device_index = std::atoi(d);
    else
      o.device_name = s;
  }
  o.validation = env_flag("MICA_CORPUS_VALIDATION");
  if (const char* d = std::getenv("MICA_CORPUS_DISABLE"); d && *d) o.disabled_features = parse_features(d);
  return o;
}

struct Runner::Impl {
  RunnerOptions options;
  DeviceDescription desc;
  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPhysicalDevice phys = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  std::uint32_t queue_family = 0;
  VkPhysicalDeviceMemoryProperties mem_props{};
  bool size_control = false;        // subgroupSizeControl + computeFullSubgroups enabled
  bool required_size_compute = false;
  std::uint32_t max_subgroup_size = 0;

  mutable std::mutex msg_mutex;
  std::vector<std::string> messages;
  std::size_t errors = 0, warnings = 0;

  // Validation errors fail the case; loader/driver chatter (general messages) is only recorded.
  static VkBool32 VKAPI_PTR on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT type,
                                       const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    auto* self = static_cast<Impl*>(user);
    std::lock_guard lock(self->msg_mutex);
    const bool error = severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    const bool validation = type & VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
    self->messages.push_back(std::string(error ? "error: " : "warning: ") + (data && data->pMessage ? data->pMessage : ""));
    if (validation) (error ? self->errors : self->warnings)++;
    return VK_FALSE;
  }

  explicit Impl(const RunnerOptions& o) : options(o) {
    try {
      create_instance();
      pick_device();
      create_device();
      if (error_count() != 0)
        throw std::runtime_error("validation layer reported errors while creating the instance/device:" + messages_since(0));
    } catch (...) {
      destroy();
      throw;
    }
  }
  ~Impl() { destroy(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void destroy() {
    if (device) vkDestroyDevice(device, nullptr);
    device = VK_NULL_HANDLE;
    if (messenger) {
      auto destroy_fn = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
      if (destroy_fn) destroy_fn(instance, messenger, nullptr);
      messenger = VK_NULL_HANDLE;
    }
    if (instance) vkDestroyInstance(instance, nullptr);
    instance = VK_NULL_HANDLE;
  }

  static bool has_layer(const char* name) {
    std::uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, nullptr);
    std::vector<VkLayerProperties> layers(n);
    vkEnumerateInstanceLayerProperties(&n, layers.data());
    return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) { return std::strcmp(l.layerName, name) == 0; });
  }

  static bool has_instance_extension(const char* layer, const char* name) {
    std::uint32_t n = 0;
    if (vkEnumerateInstanceExtensionProperties(layer, &n, nullptr) != VK_SUCCESS) return false;
    std::vector<VkExtensionProperties> exts(n);
    vkEnumerateInstanceExtensionProperties(layer, &n, exts.data());
    return std::any_of(exts.begin(), exts.end(), [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, name) == 0; });
  }

  void create_instance() {
    std::vector<const char*> layers, extensions;
    // The layer may also come from VK_INSTANCE_LAYERS; then its messages still reach our messenger.
    const char* env_layers = std::getenv("VK_INSTANCE_LAYERS");
    const bool env_validation = env_layers && std::strstr(env_layers, validation_layer);
    if (options.validation && !env_validation) {
      if (!has_layer(validation_layer))
        throw std::runtime_error("validation requested but VK_LAYER_KHRONOS_validation is not installed");
      layers.push_back(validation_layer);
    }
    const bool validating = options.validation || env_validation;
    if (validating) {
      if (!has_instance_extension(validation_layer, VK_EXT_DEBUG_UTILS_EXTENSION_NAME) &&
          !has_instance_extension(nullptr, VK_EXT_DEBUG_UTILS_EXTENSION_NAME))
        throw std::runtime_error("validation requested but VK_EXT_debug_utils is unavailable");
      extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }
    auto app = vk_struct<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
    app.pApplicationName = "mica-corpus";
    app.apiVersion = VK_API_VERSION_1_3;
    auto dbg = vk_struct<VkDebugUtilsMessengerCreateInfoEXT>(VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT);
    dbg.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    dbg.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    dbg.pfnUserCallback = &Impl::on_message;
    dbg.pUserData = this;
    auto ci = vk_struct<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
    ci.pNext = validating ? &dbg : nullptr;  // also catches messages from instance creation itself
    ci.pApplicationInfo = &app;
    ci.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
    ci.ppEnabledLayerNames = layers.data();
    ci.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
    ci.ppEnabledExtensionNames = extensions.data();
    vk_check(vkCreateInstance(&ci, nullptr, &instance), "vkCreateInstance");
    if (validating) {
      auto create_fn = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
      if (!create_fn) throw std::runtime_error("vkCreateDebugUtilsMessengerEXT is missing");
      vk_check(create_fn(instance, &dbg, nullptr, &messenger), "vkCreateDebugUtilsMessengerEXT");
    }
    desc.validation = validating;
  }

  void pick_device() {
    std::uint32_t n = 0;
    vk_check(vkEnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
    std::vector<VkPhysicalDevice> devs(n);
    vk_check(vkEnumeratePhysicalDevices(instance, &n, devs.data()), "vkEnumeratePhysicalDevices");
    if (devs.empty()) throw std::runtime_error("no Vulkan physical device (check VK_DRIVER_FILES / VK_ICD_FILENAMES)");
    std::string seen;
    for (std::uint32_t i = 0; i < devs.size(); ++i) {
      auto p12 = vk_struct<VkPhysicalDeviceVulkan12Properties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES);
      auto p = vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &p12);
      vkGetPhysicalDeviceProperties2(devs[i], &p);
      seen += std::string(seen.empty() ? "" : ", ") + "#" + std::to_string(i) + " " + p.properties.deviceName;
      if (options.device_index >= 0 && static_cast<std::uint32_t>(options.device_index) != i) continue;
      if (!options.device_name.empty() && !std::strstr(p.properties.deviceName, options.device_name.c_str()) &&
          !std::strstr(p12.driverName, options.device_name.c_str()))
        continue;
      if (p.properties.apiVersion < VK_API_VERSION_1_3) {
        seen += " (Vulkan < 1.3, not usable)";
        continue;
      }
      phys = devs[i];
      desc.name = p.properties.deviceName;
      desc.driver_name = p12.driverName;
      desc.api_version = p.properties.apiVersion;
      return;
    }
    throw std::runtime_error("no Vulkan 1.3 device matches (name '" + options.device_name + "', index " +
                             std::to_string(options.device_index) + "); devices: " + seen);
  }

  void create_device() {
    // Properties: subgroups, size control.
    auto p12 = vk_struct<VkPhysicalDeviceVulkan12Properties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES);
    auto sc_props = vk_struct<VkPhysicalDeviceSubgroupSizeControlProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES, &p12);
    auto sg_props = vk_struct<VkPhysicalDeviceSubgroupProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES, &sc_props);
    auto props = vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &sg_props);
    vkGetPhysicalDeviceProperties2(phys, &props);
    desc.subgroup_size = sg_props.subgroupSize;
    max_subgroup_size = sc_props.maxSubgroupSize;
    required_size_compute = (sc_props.requiredSubgroupSizeStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                            sg_props.subgroupSize >= sc_props.minSubgroupSize &&
                            sg_props.subgroupSize <= sc_props.maxSubgroupSize;
    vkGetPhysicalDeviceMemoryProperties(phys, &mem_props);

    // Features: query everything the corpus may use, enable what exists.
    auto f13 = vk_struct<VkPhysicalDeviceVulkan13Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
    auto f12 = vk_struct<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, &f13);
    auto f11 = vk_struct<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &f12);
    auto f = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &f11);
    vkGetPhysicalDeviceFeatures2(phys, &f);

    auto e13 = vk_struct<VkPhysicalDeviceVulkan13Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
    auto e12 = vk_struct<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, &e13);
    auto e11 = vk_struct<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &e12);
    auto e = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &e11);
    Features feats = feature_none;
    const auto enable = [&](VkBool32 have, VkBool32& want, Features bit) {
      if (have) {
        want = VK_TRUE;
        feats |= bit;
      }
    };
    enable(f.features.shaderInt64, e.features.shaderInt64, int64);
    enable(f.features.shaderFloat64, e.features.shaderFloat64, float64);
    enable(f.features.shaderInt16, e.features.shaderInt16, int16);
    enable(f12.shaderFloat16, e12.shaderFloat16, float16);
    enable(f12.shaderInt8, e12.shaderInt8, int8);
    enable(f11.storageBuffer16BitAccess, e11.storageBuffer16BitAccess, storage_buffer_16bit);
    enable(f12.storageBuffer8BitAccess, e12.storageBuffer8BitAccess, storage_buffer_8bit);
    enable(f12.bufferDeviceAddress, e12.bufferDeviceAddress, buffer_device_address);
    enable(f12.shaderBufferInt64Atomics, e12.shaderBufferInt64Atomics, int64_atomics);
    // glslang's vulkan1.3 target declares workgroup sizes with LocalSizeId, which needs maintenance4
    // (a required Vulkan 1.3 feature, but it still has to be enabled).
    e13.maintenance4 = f13.maintenance4;
    if (f13.subgroupSizeControl && f13.computeFullSubgroups) {
      e13.subgroupSizeControl = e13.computeFullSubgroups = VK_TRUE;
      size_control = true;
    }
    if (!(feats & int64)) feats &= ~int64_atomics;
    if (p12.shaderSignedZeroInfNanPreserveFloat32) feats |= float32_inf_nan_preserve;
    if (sg_props.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) {
      const VkSubgroupFeatureFlags ops = sg_props.supportedOperations;
      if (ops & VK_SUBGROUP_FEATURE_BASIC_BIT) feats |= subgroup_basic;
      if (ops & VK_SUBGROUP_FEATURE_VOTE_BIT) feats |= subgroup_vote;
      if (ops & VK_SUBGROUP_FEATURE_BALLOT_BIT) feats |= subgroup_ballot;
      if (ops & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) feats |= subgroup_arithmetic;
      if (ops & VK_SUBGROUP_FEATURE_SHUFFLE_BIT) feats |= subgroup_shuffle;
      if (ops & VK_SUBGROUP_FEATURE_SHUFFLE_RELATIVE_BIT) feats |= subgroup_shuffle_relative;
    }
    desc.features = feats & ~options.disabled_features;

    std::uint32_t nq = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(phys, &nq, nullptr);
    std::vector<VkQueueFamilyProperties> qf(nq);
    vkGetPhysicalDeviceQueueFamilyProperties(phys, &nq, qf.data());
    bool found = false;
    for (std::uint32_t i = 0; i < nq && !found; ++i)
      if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
        queue_family = i;
        found = true;
      }
    if (!found) throw std::runtime_error("device " + desc.name + " has no compute queue");

    const float prio = 1.0f;
    auto qci = vk_struct<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
    qci.queueFamilyIndex = queue_family;
    qci.queueCount = 1;
    qci.pQueuePriorities = &prio;
    auto dci = vk_struct<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &e);
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    vk_check(vkCreateDevice(phys, &dci, nullptr, &device), "vkCreateDevice");
    vkGetDeviceQueue(device, queue_family, 0, &queue);
  }

  std::uint32_t memory_type(std::uint32_t bits) const {
    // Prefer host-visible + coherent; fall back to host-visible (then flush/invalidate).
    for (VkMemoryPropertyFlags want : {VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT),
                                       VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)})
      for (std::uint32_t i = 0; i < mem_props.memoryTypeCount; ++i)
        if ((bits & (1u << i)) && (mem_props.memoryTypes[i].propertyFlags & want) == want) return i;
    throw std::runtime_error("no host-visible memory type for a buffer");
  }

  bool coherent(std::uint32_t type) const {
    return mem_props.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  }

  std::size_t error_count() const {
    std::lock_guard lock(msg_mutex);
    return errors + (options.fail_on_warnings ? warnings : 0);
  }

  std::string messages_since(std::size_t first) const {
    std::lock_guard lock(msg_mutex);
    std::string s;
    for (std::size_t i = first; i < messages.size(); ++i) s += "\n  " + messages[i];
    return s;
  }

  RunResult run(const Case& c) {
    RunResult res;
    const auto t_start = std::chrono::steady_clock::now();
    const Features missing = c.required & ~desc.features;
    if (missing) {
      res.status = Status::skip;
      res.message = "device '" + desc.name + "' lacks " + feature_names(missing);
      return res;
    }
    std::size_t first_msg;
    std::size_t errors_before;
    {
      std::lock_guard lock(msg_mutex);
      first_msg = messages.size();
    }
    errors_before = error_count();
    try {
      execute(c, res);
    } catch (const std::exception& ex) {
      res.status = Status::fail;
      res.message = ex.what();
    }
    if (error_count() != errors_before) {
      res.status = Status::fail;
      res.message = (res.message.empty() ? "" : res.message + "\n") + "validation layer reported:" + messages_since(first_msg);
    }
    res.timings.total_ms = ms_since(t_start);
    return res;
  }

  void execute(const Case& c, RunResult& res) {
    const auto t0 = std::chrono::steady_clock::now();
    CaseObjects o(device);
    const std::vector<std::uint32_t> code = load_spirv(c);
    auto smci = vk_struct<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
    smci.codeSize = code.size() * 4;
    smci.pCode = code.data();
    vk_check(vkCreateShaderModule(device, &smci, nullptr, &o.module), "vkCreateShaderModule");

    // Set layouts: one per set index up to the highest used one (gaps get empty layouts).
    std::uint32_t nsets = 0;
    for (const Binding& b : c.bindings)
      if (!b.device_address) nsets = std::max(nsets, b.set + 1);
    std::map<std::uint32_t, std::vector<VkDescriptorSetLayoutBinding>> per_set;
    std::uint32_t n_storage = 0, n_uniform = 0;
    for (const Binding& b : c.bindings) {
      if (b.device_address) continue;
      VkDescriptorSetLayoutBinding lb{};
      lb.binding = b.binding;
      lb.descriptorType = b.type == BindingType::storage ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER : VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
      lb.descriptorCount = 1;
      lb.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
      per_set[b.set].push_back(lb);
      (b.type == BindingType::storage ? n_storage : n_uniform)++;
    }
    o.set_layouts.resize(nsets, VK_NULL_HANDLE);
    for (std::uint32_t s = 0; s < nsets; ++s) {
      const auto& lbs = per_set[s];
      auto lci = vk_struct<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
      lci.bindingCount = static_cast<std::uint32_t>(lbs.size());
      lci.pBindings = lbs.data();
      vk_check(vkCreateDescriptorSetLayout(device, &lci, nullptr, &o.set_layouts[s]), "vkCreateDescriptorSetLayout");
    }
    VkPushConstantRange pcr{VK_SHADER_STAGE_COMPUTE_BIT, 0, static_cast<std::uint32_t>(c.push_constants.size())};
    auto plci = vk_struct<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
    plci.setLayoutCount = nsets;
    plci.pSetLayouts = o.set_layouts.data();
    plci.pushConstantRangeCount = c.push_constants.empty() ? 0 : 1;
    plci.pPushConstantRanges = &pcr;
    vk_check(vkCreatePipelineLayout(device, &plci, nullptr, &o.layout), "vkCreatePipelineLayout");

    // Pipeline with specialization constants (all 32-bit) and, for subgroup cases, the reported
    // subgroup size as a requirement so that gl_SubgroupSize matches what the check is told.
    std::vector<VkSpecializationMapEntry> entries;
    std::vector<std::uint32_t> spec_data;
    for (const SpecConstant& s : c.spec_constants) {
      entries.push_back({s.id, static_cast<std::uint32_t>(spec_data.size() * 4), 4});
      spec_data.push_back(s.value);
    }
    VkSpecializationInfo spec{static_cast<std::uint32_t>(entries.size()), entries.data(), spec_data.size() * 4, spec_data.data()};
    auto req = vk_struct<VkPipelineShaderStageRequiredSubgroupSizeCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_REQUIRED_SUBGROUP_SIZE_CREATE_INFO);
    req.requiredSubgroupSize = desc.subgroup_size;
    auto pci = vk_struct<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
    pci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pci.stage.module = o.module;
    pci.stage.pName = c.entry.c_str();
    pci.stage.pSpecializationInfo = entries.empty() ? nullptr : &spec;
    if (c.required & subgroup_features && size_control) {
      if (required_size_compute) pci.stage.pNext = &req;
      const std::uint32_t width = required_size_compute ? desc.subgroup_size : max_subgroup_size;
      if (c.full_subgroups && width && c.local_size[0] % width == 0)
        pci.stage.flags |= VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT;
    }
    pci.layout = o.layout;
    vk_check(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pci, nullptr, &o.pipeline), "vkCreateComputePipelines");

    // Buffers in host-visible memory, filled with the initial contents.
    const std::vector<Bytes> initial = initial_buffers(c);
    std::vector<std::uint8_t> push = c.push_constants;
    o.buffers.resize(c.bindings.size(), VK_NULL_HANDLE);
    o.memories.resize(c.bindings.size(), VK_NULL_HANDLE);
    std::vector<bool> is_coherent(c.bindings.size());
    for (std::size_t i = 0; i < c.bindings.size(); ++i) {
      const Binding& b = c.bindings[i];
      auto bci = vk_struct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
      bci.size = b.size;
      bci.usage = b.type == BindingType::storage ? VK_BUFFER_USAGE_STORAGE_BUFFER_BIT : VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT;
      if (b.device_address) bci.usage |= VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT;
      bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
      vk_check(vkCreateBuffer(device, &bci, nullptr, &o.buffers[i]), "vkCreateBuffer");
      VkMemoryRequirements mr;
      vkGetBufferMemoryRequirements(device, o.buffers[i], &mr);
      auto flags = vk_struct<VkMemoryAllocateFlagsInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO);
      flags.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT;
      auto mai = vk_struct<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, b.device_address ? &flags : nullptr);
      mai.allocationSize = mr.size;
      mai.memoryTypeIndex = memory_type(mr.memoryTypeBits);
      is_coherent[i] = coherent(mai.memoryTypeIndex);
      vk_check(vkAllocateMemory(device, &mai, nullptr, &o.memories[i]), "vkAllocateMemory");
      vk_check(vkBindBufferMemory(device, o.buffers[i], o.memories[i], 0), "vkBindBufferMemory");
      void* p = nullptr;
      vk_check(vkMapMemory(device, o.memories[i], 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory");
      std::memcpy(p, initial[i].data(), b.size);
      if (!is_coherent[i]) {
        VkMappedMemoryRange r{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, nullptr, o.memories[i], 0, VK_WHOLE_SIZE};
        vk_check(vkFlushMappedMemoryRanges(device, 1, &r), "vkFlushMappedMemoryRanges");
      }
      vkUnmapMemory(device, o.memories[i]);
      if (b.device_address) {
        VkBufferDeviceAddressInfo ai{VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO, nullptr, o.buffers[i]};
        const VkDeviceAddress addr = vkGetBufferDeviceAddress(device, &ai);
        if (b.push_offset + 8 > push.size()) throw std::runtime_error("device-address binding outside the push constants");
        std::memcpy(push.data() + b.push_offset, &addr, 8);
      }
    }

    // Descriptor sets.
    std::vector<VkDescriptorSet> sets(nsets, VK_NULL_HANDLE);
    if (nsets) {
      std::vector<VkDescriptorPoolSize> sizes;
      if (n_storage) sizes.push_back({VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, n_storage});
      if (n_uniform) sizes.push_back({VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, n_uniform});
      auto dpci = vk_struct<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
      dpci.maxSets = nsets;
      dpci.poolSizeCount = static_cast<std::uint32_t>(sizes.size());
      dpci.pPoolSizes = sizes.data();
      vk_check(vkCreateDescriptorPool(device, &dpci, nullptr, &o.pool), "vkCreateDescriptorPool");
      auto dsai = vk_struct<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
      dsai.descriptorPool = o.pool;
      dsai.descriptorSetCount = nsets;
      dsai.pSetLayouts = o.set_layouts.data();
      vk_check(vkAllocateDescriptorSets(device, &dsai, sets.data()), "vkAllocateDescriptorSets");
      std::vector<VkDescriptorBufferInfo> infos(c.bindings.size());
      std::vector<VkWriteDescriptorSet> writes;
      for (std::size_t i = 0; i < c.bindings.size(); ++i) {
        const Binding& b = c.bindings[i];
        if (b.device_address) continue;
        infos[i] = {o.buffers[i], 0, VK_WHOLE_SIZE};
        auto w = vk_struct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
        w.dstSet = sets[b.set];
        w.dstBinding = b.binding;
        w.descriptorCount = 1;
        w.descriptorType = b.type == BindingType::storage ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER : VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
        w.pBufferInfo = &infos[i];
        writes.push_back(w);
      }
      vkUpdateDescriptorSets(device, static_cast<std::uint32_t>(writes.size()), writes.data(), 0, nullptr);
    }

    // Record: dispatch, then make the shader writes visible to the host.
    auto cpci = vk_struct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
    cpci.queueFamilyIndex = queue_family;
    vk_check(vkCreateCommandPool(device, &cpci, nullptr, &o.cmd_pool), "vkCreateCommandPool");
    auto cbai = vk_struct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    cbai.commandPool = o.cmd_pool;
    cbai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cbai.commandBufferCount = 1;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    vk_check(vkAllocateCommandBuffers(device, &cbai, &cmd), "vkAllocateCommandBuffers");
    auto cbbi = vk_struct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
    cbbi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    vk_check(vkBeginCommandBuffer(cmd, &cbbi), "vkBeginCommandBuffer");
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, o.pipeline);
    if (nsets) vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, o.layout, 0, nsets, sets.data(), 0, nullptr);
    if (!push.empty())
      vkCmdPushConstants(cmd, o.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, static_cast<std::uint32_t>(push.size()), push.data());
    vkCmdDispatch(cmd, c.groups[0], c.groups[1], c.groups[2]);
    auto mb = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
    vk_check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
    auto fci = vk_struct<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
    vk_check(vkCreateFence(device, &fci, nullptr, &o.fence), "vkCreateFence");
    res.timings.setup_ms = ms_since(t0);

    const auto t1 = std::chrono::steady_clock::now();
    auto si = vk_struct<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    vk_check(vkQueueSubmit(queue, 1, &si, o.fence), "vkQueueSubmit");
    const VkResult wr = vkWaitForFences(device, 1, &o.fence, VK_TRUE, fence_timeout_ns);
    if (wr == VK_TIMEOUT) {
      vkDeviceWaitIdle(device);  // the objects must not be destroyed while in use
      throw std::runtime_error("dispatch did not finish within 60 s");
    }
    vk_check(wr, "vkWaitForFences");
    res.timings.dispatch_ms = ms_since(t1);

    const auto t2 = std::chrono::steady_clock::now();
    res.final.resize(c.bindings.size());
    for (std::size_t i = 0; i < c.bindings.size(); ++i) {
      void* p = nullptr;
      vk_check(vkMapMemory(device, o.memories[i], 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory");
      if (!is_coherent[i]) {
        VkMappedMemoryRange r{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, nullptr, o.memories[i], 0, VK_WHOLE_SIZE};
        vk_check(vkInvalidateMappedMemoryRanges(device, 1, &r), "vkInvalidateMappedMemoryRanges");
      }
      res.final[i].assign(static_cast<const std::uint8_t*>(p), static_cast<const std::uint8_t*>(p) + c.bindings[i].size);
      vkUnmapMemory(device, o.memories[i]);
    }
    const CheckResult cr = c.check(CheckInput{initial, res.final, desc.subgroup_size});
    res.timings.check_ms = ms_since(t2);
    res.status = cr.ok ? Status::pass : Status::fail;
    res.message = cr.message;
  }
};

Runner::Runner(const RunnerOptions& options) : impl_(std::make_unique<Impl>(options)) {}
Runner::~Runner() = default;
const DeviceDescription& Runner::device() const { return impl_->desc; }
RunResult Runner::run(const Case& c) { return impl_->run(c); }
std::vector<std::string> Runner::validation_messages() const {
  std::lock_guard lock(impl_->msg_mutex);
  return impl_->messages;
}

RunResult run_case(const Case& c, const RunnerOptions& options) {
  Runner r(options);
  return r.run(c);
}

}  // namespace mica::corpus::vk
