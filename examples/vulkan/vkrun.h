// A small helper over the plain Vulkan C API for the Mica compute examples, tests and benchmarks:
// picks a device, allocates host-visible buffers, builds compute pipelines from SPIR-V files and
// times submissions. Everything goes through the system Vulkan loader; nothing here is Mica-specific
// except the default device choice.
#pragma once

#include <vulkan/vulkan.h>

#include "thread_times.h"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace vkrun {

struct Error : std::runtime_error {
  Error(const std::string& what, VkResult r) : std::runtime_error(what + " failed: VkResult " + std::to_string(r)), result(r) {}
  VkResult result;
};

void check(VkResult r, const char* what);

// Where the examples' SPIR-V files are (build tree by default, overridable with MICA_SPV_DIR).
std::string spv_path(const std::string& name);
std::vector<uint32_t> read_spirv(const std::string& path);

struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  void* mapped = nullptr;
  template <typename T> T* data() { return static_cast<T*>(mapped); }
};

struct Pipeline {
  VkShaderModule module = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  VkDescriptorSet set = VK_NULL_HANDLE;
  double create_ms = 0;  // vkCreateComputePipelines wall time
};

struct SpecConstant {
  uint32_t id;
  uint32_t value;
};

class Context {
public:
  // device_substring: pick the first physical device whose name contains it ("" = first device).
  // robust_buffer_access: enable that feature (vkCreateDevice fails if the device lacks it).
  // robust_buffer_access2: also VK_EXT_robustness2's robustBufferAccess2 (and the extension).
  // robust_image_access2: VK_EXT_robustness2's robustImageAccess2 (and the extension).
  explicit Context(const std::string& device_substring = "Mica", bool validation = false,
                   bool robust_buffer_access = false, bool robust_buffer_access2 = false,
                   bool robust_image_access2 = false);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical() const { return physical_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queue_family() const { return family_; }
  VkCommandPool command_pool() const { return pool_; }
  // A host-visible coherent memory type accepted by 'type_bits'.
  uint32_t host_visible_type(uint32_t type_bits) const;
  const VkPhysicalDeviceProperties& properties() const { return props_; }
  // With validation: errors and warnings the Khronos validation layer reported so far.
  uint32_t validation_messages() const { return validation_messages_; }

  Buffer create_buffer(VkDeviceSize size);
  void destroy(Buffer& b);

  // One descriptor set of 'storage_buffers' storage buffers at bindings 0..n-1, push constants of
  // 'push_bytes' bytes, entry point "main".
  Pipeline create_pipeline(const std::string& spv_file, uint32_t storage_buffers, uint32_t push_bytes,
                           const std::vector<SpecConstant>& spec = {});
  void bind_buffers(Pipeline& p, const std::vector<const Buffer*>& buffers);
  void destroy(Pipeline& p);

  // Records with 'record', submits, waits for the fence; returns submit-to-signal milliseconds.
  template <typename F> double run(F&& record) {
    begin();
    record(cmd_);
    return submit_and_wait();
  }
  // The process's threads' CPU and CPU-wait time summed over every run() span so far (sampled
  // just outside the timed span; thread_times.h).
  const benchtimes::ThreadTimes& run_thread_times() const { return run_thread_times_; }
  // Whether run() samples those times (on by default). Sampling reads /proc/self/task/*/stat
  // for every thread, ~100 us of kernel work that leaves the caches cold for the next submit: a
  // latency measurement of back-to-back empty dispatches turns it off.
  void sample_thread_times(bool on) { sample_thread_times_ = on; }

  // Convenience: a dispatch with push constants and a barrier after it.
  static void dispatch(VkCommandBuffer cb, const Pipeline& p, const void* push, uint32_t push_bytes, uint32_t gx,
                       uint32_t gy = 1, uint32_t gz = 1);
  static void barrier(VkCommandBuffer cb);

private:
  void begin();
  double submit_and_wait();

  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties props_{};
  VkPhysicalDeviceMemoryProperties mem_props_{};
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t family_ = 0;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  uint32_t validation_messages_ = 0;
  benchtimes::ThreadTimes run_thread_times_;
  bool sample_thread_times_ = true;

  static VKAPI_ATTR VkBool32 VKAPI_CALL on_validation_message(VkDebugUtilsMessageSeverityFlagBitsEXT,
                                                               VkDebugUtilsMessageTypeFlagsEXT,
                                                               const VkDebugUtilsMessengerCallbackDataEXT*, void*);
};

double ms_since(std::chrono::steady_clock::time_point t0);

}  // namespace vkrun
