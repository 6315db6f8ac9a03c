// Command pools and command buffers (recording side).
#pragma once

#include "command_list.h"
#include "descriptor_layout.h"
#include "descriptor_set.h"
#include "gpu_memory.h"
#include "object.h"

#include <array>
#include <memory>
#include <map>
#include <vector>

namespace mica::vk {

class Device;
class CommandPool;
class QueryPool;

class CommandBuffer : public Dispatchable<VK_OBJECT_TYPE_COMMAND_BUFFER> {
public:
  enum class State { initial, recording, executable, invalid };

  CommandBuffer(Device& device, CommandPool& pool, VkCommandBufferLevel level)
      : device_(device), pool_(pool), level_(level) {}
  ~CommandBuffer();

  static CommandBuffer* from(VkCommandBuffer h) { return from_handle<CommandBuffer>(h); }
  VkCommandBuffer handle() { return to_handle<VkCommandBuffer>(this); }

  Device& device() const { return device_; }
  CommandPool& pool() const { return pool_; }
  State state() const { return state_; }
  VkCommandBufferUsageFlags usage() const { return usage_; }
  const device::CommandList& list() const { return list_; }

  VkResult begin(const VkCommandBufferBeginInfo& info);
  VkResult end();
  void reset();

  // Recording.
  void bind_pipeline(std::shared_ptr<ComputePipeline> pipeline) { pipeline_ = std::move(pipeline); }
  void bind_sets(const PipelineLayout& layout, uint32_t first, uint32_t count, const VkDescriptorSet* sets,
                 uint32_t dynamic_count, const uint32_t* dynamic_offsets);
  void push_constants(uint32_t offset, uint32_t size, const void* data);
  // VK_KHR_push_descriptor: the command buffer's own set for 'set' of 'layout' (made, or remade
  // when the set layout differs from the last push), bound at 'set' from now on.
  DescriptorSet* push_descriptor_set(const PipelineLayout& layout, uint32_t set);
  void dispatch(std::array<uint32_t, 3> base, std::array<uint32_t, 3> groups, uint64_t indirect_va);
  void record(device::Command cmd) {
    if (state_ == State::recording) list_.record(std::move(cmd));
  }
  // A direct dispatch of more than device::kMaxJobInvocations invocations becomes several, each a
  // kernel job of its own (device::dispatch_pieces says how).
  void record(const OpDispatch& d);
  void execute(const CommandBuffer& secondary) {
    if (state_ == State::recording) list_.execute(secondary.list());
  }
  // Pipeline-statistics queries.
  void begin_statistics_query(QueryPool* pool, uint32_t query);
  void end_statistics_query(QueryPool* pool, uint32_t query);

  // CPU-written GPU memory the commands read (clear patterns), kept until the buffer is reset.
  VkResult staging(uint64_t bytes, GpuMemory*& out);

  // The first error met while recording is returned by vkEndCommandBuffer.
  void set_error(VkResult r) {
    if (error_ == VK_SUCCESS) error_ = r;
  }

private:
  Device& device_;
  CommandPool& pool_;
  VkCommandBufferLevel level_;
  State state_ = State::initial;
  VkCommandBufferUsageFlags usage_ = 0;
  VkResult error_ = VK_SUCCESS;
  device::CommandList list_;
  std::vector<std::unique_ptr<GpuMemory>> staging_;

  // Binding state.
  std::shared_ptr<ComputePipeline> pipeline_;
  std::array<const DescriptorSet*, kMaxDescriptorSets> sets_{};
  std::array<std::unique_ptr<DescriptorSet>, kMaxDescriptorSets> push_sets_;
  std::array<std::vector<uint32_t>, kMaxDescriptorSets> dynamic_offsets_;
  std::array<uint8_t, kMaxPushConstantBytes> push_{};

  // The active pipeline-statistics query: invocations of direct dispatches are summed while
  // recording; indirect dispatches are counted on the GPU by the internal statistics program.
  struct ActiveStatistics {
    QueryPool* pool = nullptr;
    uint32_t query = 0;
    uint64_t direct_invocations = 0;
    bool indirect = false;
  };
  ActiveStatistics statistics_;
  void count_indirect_invocations(uint64_t args_va, uint32_t wg);
  void add_invocations_on_gpu(uint64_t value_va, uint64_t add, uint64_t args_va, uint32_t wg);
};

class CommandPool : public NonDispatchable<VK_OBJECT_TYPE_COMMAND_POOL> {
public:
  CommandPool(Device& device, VkCommandPoolCreateFlags flags, uint32_t family, const VkAllocationCallbacks* allocator)
      : device_(device), flags_(flags), family_(family), allocator_(allocator) {}
  ~CommandPool() override;

  Device& device() const { return device_; }
  uint32_t queue_family() const { return family_; }
  VkCommandPoolCreateFlags flags() const { return flags_; }

  CommandBuffer* allocate(VkCommandBufferLevel level);
  void free(CommandBuffer* cb);
  void reset();

private:
  Device& device_;
  VkCommandPoolCreateFlags flags_;
  uint32_t family_;
  AllocatorCopy allocator_;  // the pool's allocator, also used for its command buffers
  std::map<CommandBuffer*, std::unique_ptr<CommandBuffer>> buffers_;
};

// Runs a vkCmd* body on a command buffer; an allocation failure becomes vkEndCommandBuffer's error.
template <typename F> void recording(VkCommandBuffer cb, F&& body) {
  auto* c = CommandBuffer::from(cb);
  VkResult r = guarded([&] {
    body(*c);
    return VK_SUCCESS;
  });
  if (r != VK_SUCCESS) c->set_error(r);
}

}  // namespace mica::vk
