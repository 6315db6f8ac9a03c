// Command pools, command buffer lifetime and every vkCmd* recording entry point.
#include "command_buffer.h"
#include "buffer.h"
#include "descriptor_set.h"
#include "device.h"
#include "entrypoints.h"
#include "internal_pipelines.h"
#include "mica/device/dispatch_pieces.h"
#include "pipeline.h"
#include "query_pool.h"
#include "sync.h"

#include <algorithm>
#include <cstring>

namespace mica::vk {

// ---- pools -----------------------------------------------------------------------------------

CommandPool::~CommandPool() = default;
CommandBuffer::~CommandBuffer() = default;

CommandBuffer* CommandPool::allocate(VkCommandBufferLevel level) {
  // Command buffers come from their pool's allocator (vkAllocateCommandBuffers has no pAllocator).
  auto cb = host_make<CommandBuffer>(host_allocation(allocator_.get(), nullptr), device_, *this, level);
  CommandBuffer* raw = cb.get();
  buffers_.emplace(raw, std::move(cb));
  return raw;
}

void CommandPool::free(CommandBuffer* cb) { buffers_.erase(cb); }

void CommandPool::reset() {
  for (auto& [raw, cb] : buffers_) cb->reset();
}

// ---- command buffer state ------------------------------------------------------------------

VkResult CommandBuffer::begin(const VkCommandBufferBeginInfo& info) {
  // Begin implicitly resets (allowed for pools created with RESET_COMMAND_BUFFER, and for buffers
  // that were never recorded).
  reset();
  usage_ = info.flags;
  state_ = State::recording;
  return VK_SUCCESS;
}

VkResult CommandBuffer::end() {
  if (error_ != VK_SUCCESS) {
    state_ = State::invalid;
    return error_;
  }
  state_ = State::executable;
  return VK_SUCCESS;
}

void CommandBuffer::reset() {
  list_.clear();
  pipeline_.reset();
  sets_.fill(nullptr);
  for (auto& p : push_sets_) p.reset();
  for (auto& d : dynamic_offsets_) d.clear();
  push_.fill(0);
  statistics_ = ActiveStatistics{};
  staging_.clear();
  error_ = VK_SUCCESS;
  usage_ = 0;
  state_ = State::initial;
}

VkResult CommandBuffer::staging(uint64_t bytes, GpuMemory*& out) {
  std::unique_ptr<GpuMemory> memory;
  VkResult r = GpuMemory::create(device_, bytes, GpuMemory::Usage::driver_shared, memory);
  if (r != VK_SUCCESS) return r;
  out = memory.get();
  staging_.push_back(std::move(memory));
  return VK_SUCCESS;
}

void CommandBuffer::bind_sets(const PipelineLayout& layout, uint32_t first, uint32_t count, const VkDescriptorSet* sets,
                              uint32_t dynamic_count, const uint32_t* dynamic_offsets) {
  uint32_t consumed = 0;
  for (uint32_t i = 0; i < count && first + i < kMaxDescriptorSets; ++i) {
    const auto* set = from_handle<DescriptorSet>(sets[i]);
    sets_[first + i] = set;
    const uint32_t n = set ? set->layout().dynamic_count() : 0;
    auto& offs = dynamic_offsets_[first + i];
    offs.assign(dynamic_offsets + std::min(consumed, dynamic_count),
                dynamic_offsets + std::min(consumed + n, dynamic_count));
    offs.resize(n, 0);
    consumed += n;
  }
  (void)layout;
}

DescriptorSet* CommandBuffer::push_descriptor_set(const PipelineLayout& layout, uint32_t set) {
  const DescriptorSetLayout* set_layout = layout.set_layout(set);
  if (set >= kMaxDescriptorSets || !set_layout) return nullptr;
  auto& push = push_sets_[set];
  // A push with another set layout starts from a fresh set (the spec leaves the descriptors of
  // the old one undefined); with the same layout, descriptors not written keep their values.
  if (!push || &push->layout() != set_layout)
    push = host_make<DescriptorSet>(HostAllocation{}, layout.shared_set_layout(set));
  sets_[set] = push.get();
  dynamic_offsets_[set].clear();
  return push.get();
}

void CommandBuffer::push_constants(uint32_t offset, uint32_t size, const void* data) {
  if (offset + size > push_.size()) return;
  std::memcpy(push_.data() + offset, data, size);
}

void CommandBuffer::dispatch(std::array<uint32_t, 3> base, std::array<uint32_t, 3> groups, uint64_t indirect_va) {
  if (!pipeline_) {
    set_error(VK_ERROR_UNKNOWN);
    return;
  }
  const PipelineLayout& layout = pipeline_->layout();
  OpDispatch d;
  d.pipeline = pipeline_;
  const uint32_t sets = std::min(layout.set_count(), kMaxDescriptorSets);
  d.sets.assign(sets, 0);
  for (uint32_t s = 0; s < sets; ++s) {
    const DescriptorSet* set = sets_[s];
    if (!set) continue;
    // Dynamic offsets belong to this bind; the set itself holds the base addresses. A push set is
    // copied too: later pushes change it, not what this dispatch reads.
    if (set->is_push())
      d.set_copies.push_back({s, set->with_dynamic_offsets({})});
    else if (set->layout().dynamic_count() == 0)
      d.sets[s] = set->va();
    else
      d.set_copies.push_back({s, set->with_dynamic_offsets(dynamic_offsets_[s])});
  }
  d.push_constants.assign(push_.begin(), push_.begin() + layout.push_constant_bytes());
  d.base = base;
  d.groups = groups;
  d.indirect_va = indirect_va;
  uint32_t wg = 0;
  if (statistics_.pool && statistics_.pool->compute_invocations_index() >= 0) wg = pipeline_->workgroup_invocations();
  record(d);
  if (wg == 0) return;
  if (indirect_va)
    count_indirect_invocations(indirect_va, wg);
  else
    statistics_.direct_invocations += uint64_t(groups[0]) * groups[1] * groups[2] * wg;
}

void CommandBuffer::add_invocations_on_gpu(uint64_t value_va, uint64_t add, uint64_t args_va, uint32_t wg) {
  std::shared_ptr<ComputePipeline> stats;
  VkResult r = statistics_pipeline(device_, stats);
  if (r != VK_SUCCESS) {
    set_error(r);
    return;
  }
  OpDispatch d;
  d.pipeline = stats;
  const BufferDescriptor buffers[2] = {{value_va, 8, 0}, {args_va ? args_va : value_va, args_va ? 12u : 8u, 0}};
  d.sets.assign(1, 0);
  d.set_copies.push_back({0, plain_set_memory(buffers)});
  const StatisticsPush push{add, wg, args_va ? 1u : 0u};
  d.push_constants.resize(sizeof push);
  std::memcpy(d.push_constants.data(), &push, sizeof push);
  d.groups = {1, 1, 1};
  // The program read-modify-writes the value: earlier work (and earlier updates) must be done.
  record(OpBarrier{});
  record(d);
  record(OpBarrier{});
}

void CommandBuffer::count_indirect_invocations(uint64_t args_va, uint32_t wg) {
  statistics_.indirect = true;
  const auto* pool = statistics_.pool;
  add_invocations_on_gpu(pool->value_va(statistics_.query, uint32_t(pool->compute_invocations_index())), 0, args_va,
                         wg);
}

void CommandBuffer::begin_statistics_query(QueryPool* pool, uint32_t query) {
  statistics_ = ActiveStatistics{pool, query, 0, false};
  // Counting starts from zero at begin; availability stays 0 until the end.
  record(OpBarrier{});
  record(OpWriteData{pool->value_va(query), std::vector<uint32_t>(pool->values() * 2, 0)});
}

void CommandBuffer::end_statistics_query(QueryPool* pool, uint32_t query) {
  const int ci = pool->compute_invocations_index();
  record(OpBarrier{});
  if (ci >= 0) {
    const uint64_t direct = statistics_.direct_invocations;
    if (!statistics_.indirect)
      record(OpWriteData{pool->value_va(query, uint32_t(ci)), {uint32_t(direct), uint32_t(direct >> 32)}});
    else if (direct)
      add_invocations_on_gpu(pool->value_va(query, uint32_t(ci)), direct, 0, 0);
  }
  record(OpWriteData{pool->available_va(query), {1, 0}});
  statistics_ = ActiveStatistics{};
}

void CommandBuffer::record(const OpDispatch& d) {
  if (state_ != State::recording) return;
  device::Dispatch whole = to_device_dispatch(d);
  if (d.indirect_va) {
    list_.dispatch(std::move(whole));
    return;
  }
  const auto pieces =
      device::dispatch_pieces(d.groups, d.pipeline->workgroup_invocations(), device::kMaxJobInvocations);
  if (pieces.size() == 1) {
    list_.dispatch(std::move(whole));
    return;
  }
  // Each piece launches its box at the dispatch's base plus the box's first workgroup; the
  // NumWorkgroups user data (s4..s6) keeps the whole dispatch's counts, as the shader must see.
  for (const device::DispatchPiece& p : pieces) {
    device::Dispatch part = whole;
    for (int i = 0; i < 3; ++i) part.user_data[kUserDataBaseWorkgroup + i] = d.base[i] + p.first[i];
    part.groups = p.groups;
    list_.dispatch(std::move(part));
  }
}

device::Dispatch to_device_dispatch(const OpDispatch& d) {
  device::Dispatch out;
  out.program = d.pipeline->program();
  const bool indirect = d.indirect_va != 0;
  // s0..s9 (binding_model.h); the set table's and the push constants' addresses are patched in
  // from the inline blocks. For indirect dispatches the group counts are only in memory: the
  // device layer loads them into s4..s6 when the CP reaches the dispatch.
  out.user_data = {0, 0, 0, 0, indirect ? 0 : d.groups[0], indirect ? 0 : d.groups[1], indirect ? 0 : d.groups[2],
                   d.base[0], d.base[1], d.base[2]};
  static_assert(kUserDataCount == 10);
  device::InlineData table;
  table.bytes.resize(d.sets.size() * sizeof(uint64_t));
  if (!d.sets.empty()) std::memcpy(table.bytes.data(), d.sets.data(), table.bytes.size());
  for (const auto& copy : d.set_copies) {
    table.patches.push_back({copy.set * uint32_t(sizeof(uint64_t)), uint32_t(out.inline_data.size())});
    out.inline_data.push_back({copy.memory, UINT32_MAX, {}});
  }
  table.user_data = kUserDataDescriptorSets;
  out.inline_data.push_back(std::move(table));
  out.inline_data.push_back({d.push_constants, kUserDataPushConstants, {}});
  out.groups = d.groups;
  out.indirect_va = d.indirect_va;
  if (indirect) out.indirect_user_data = kUserDataNumWorkgroups;
  return out;
}

// ---- pool and buffer entry points ---------------------------------------------------------

VKAPI_ATTR VkResult VKAPI_CALL CreateCommandPool(VkDevice device, const VkCommandPoolCreateInfo* pCreateInfo,
                                                 const VkAllocationCallbacks* pAllocator, VkCommandPool* pPool) {
  return guarded([&] {
    auto* dev = Device::from(device);
    const HostAllocation where = dev->child_allocation(pAllocator);
    auto pool = host_make<CommandPool>(where, *dev, pCreateInfo->flags, pCreateInfo->queueFamilyIndex, where.callbacks);
    *pPool = release_to_handle<VkCommandPool>(std::move(pool));
    return VK_SUCCESS;
  });
}

VKAPI_ATTR void VKAPI_CALL DestroyCommandPool(VkDevice, VkCommandPool pool, const VkAllocationCallbacks*) {
  take_from_handle<CommandPool>(pool);
}

VKAPI_ATTR VkResult VKAPI_CALL ResetCommandPool(VkDevice, VkCommandPool pool, VkCommandPoolResetFlags) {
  from_handle<CommandPool>(pool)->reset();
  return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL TrimCommandPool(VkDevice, VkCommandPool, VkCommandPoolTrimFlags) {
  // Command buffers keep no pooled memory beyond their own command lists; nothing to trim.
}

VKAPI_ATTR VkResult VKAPI_CALL AllocateCommandBuffers(VkDevice, const VkCommandBufferAllocateInfo* pInfo,
                                                      VkCommandBuffer* pBuffers) {
  auto* pool = from_handle<CommandPool>(pInfo->commandPool);
  uint32_t i = 0;
  VkResult r = guarded([&] {
    for (; i < pInfo->commandBufferCount; ++i) pBuffers[i] = pool->allocate(pInfo->level)->handle();
    return VK_SUCCESS;
  });
  if (r != VK_SUCCESS) {
    for (uint32_t j = 0; j < i; ++j) pool->free(CommandBuffer::from(pBuffers[j]));
    for (uint32_t j = 0; j < pInfo->commandBufferCount; ++j) pBuffers[j] = VK_NULL_HANDLE;
  }
  return r;
}

VKAPI_ATTR void VKAPI_CALL FreeCommandBuffers(VkDevice, VkCommandPool pool, uint32_t count,
                                              const VkCommandBuffer* pBuffers) {
  for (uint32_t i = 0; i < count; ++i)
    if (pBuffers[i]) from_handle<CommandPool>(pool)->free(CommandBuffer::from(pBuffers[i]));
}

VKAPI_ATTR VkResult VKAPI_CALL BeginCommandBuffer(VkCommandBuffer cb, const VkCommandBufferBeginInfo* pInfo) {
  return guarded([&] { return CommandBuffer::from(cb)->begin(*pInfo); });
}

VKAPI_ATTR VkResult VKAPI_CALL EndCommandBuffer(VkCommandBuffer cb) { return CommandBuffer::from(cb)->end(); }

VKAPI_ATTR VkResult VKAPI_CALL ResetCommandBuffer(VkCommandBuffer cb, VkCommandBufferResetFlags) {
  CommandBuffer::from(cb)->reset();
  return VK_SUCCESS;
}

// ---- recording entry points ---------------------------------------------------------------
// Host allocation failures while recording are remembered and reported by vkEndCommandBuffer.


VKAPI_ATTR void VKAPI_CALL CmdBindPipeline(VkCommandBuffer cb, VkPipelineBindPoint, VkPipeline pipeline) {
  recording(cb, [&](CommandBuffer& c) { c.bind_pipeline(PipelineHandle::from(pipeline)->pipeline); });
}

VKAPI_ATTR void VKAPI_CALL CmdBindDescriptorSets(VkCommandBuffer cb, VkPipelineBindPoint, VkPipelineLayout layout,
                                                 uint32_t firstSet, uint32_t setCount, const VkDescriptorSet* pSets,
                                                 uint32_t dynamicCount, const uint32_t* pDynamicOffsets) {
  recording(cb, [&](CommandBuffer& c) {
    c.bind_sets(*from_handle<PipelineLayoutHandle>(layout)->layout, firstSet, setCount, pSets, dynamicCount,
                pDynamicOffsets);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdPushDescriptorSetKHR(VkCommandBuffer cb, VkPipelineBindPoint, VkPipelineLayout layout,
                                                   uint32_t set, uint32_t writeCount,
                                                   const VkWriteDescriptorSet* pWrites) {
  recording(cb, [&](CommandBuffer& c) {
    DescriptorSet* push = c.push_descriptor_set(*from_handle<PipelineLayoutHandle>(layout)->layout, set);
    if (!push) return;
    for (uint32_t i = 0; i < writeCount; ++i) apply_descriptor_write(*push, pWrites[i]);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdPushDescriptorSetWithTemplateKHR(VkCommandBuffer cb, VkDescriptorUpdateTemplate t,
                                                               VkPipelineLayout layout, uint32_t set,
                                                               const void* pData) {
  recording(cb, [&](CommandBuffer& c) {
    DescriptorSet* push = c.push_descriptor_set(*from_handle<PipelineLayoutHandle>(layout)->layout, set);
    if (push) apply_descriptor_template(*push, *from_handle<DescriptorUpdateTemplate>(t), pData);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdPushConstants(VkCommandBuffer cb, VkPipelineLayout, VkShaderStageFlags, uint32_t offset,
                                            uint32_t size, const void* pValues) {
  recording(cb, [&](CommandBuffer& c) { c.push_constants(offset, size, pValues); });
}

VKAPI_ATTR void VKAPI_CALL CmdDispatch(VkCommandBuffer cb, uint32_t x, uint32_t y, uint32_t z) {
  recording(cb, [&](CommandBuffer& c) { c.dispatch({0, 0, 0}, {x, y, z}, 0); });
}

VKAPI_ATTR void VKAPI_CALL CmdDispatchBase(VkCommandBuffer cb, uint32_t bx, uint32_t by, uint32_t bz, uint32_t x,
                                           uint32_t y, uint32_t z) {
  recording(cb, [&](CommandBuffer& c) { c.dispatch({bx, by, bz}, {x, y, z}, 0); });
}

VKAPI_ATTR void VKAPI_CALL CmdDispatchIndirect(VkCommandBuffer cb, VkBuffer buffer, VkDeviceSize offset) {
  recording(cb, [&](CommandBuffer& c) { c.dispatch({0, 0, 0}, {0, 0, 0}, from_handle<Buffer>(buffer)->va() + offset); });
}

VKAPI_ATTR void VKAPI_CALL CmdCopyBuffer(VkCommandBuffer cb, VkBuffer src, VkBuffer dst, uint32_t count,
                                         const VkBufferCopy* pRegions) {
  recording(cb, [&](CommandBuffer& c) {
    const uint64_t s = from_handle<Buffer>(src)->va(), d = from_handle<Buffer>(dst)->va();
    for (uint32_t i = 0; i < count; ++i)
      c.record(OpCopy{s + pRegions[i].srcOffset, d + pRegions[i].dstOffset, pRegions[i].size});
  });
}

VKAPI_ATTR void VKAPI_CALL CmdCopyBuffer2(VkCommandBuffer cb, const VkCopyBufferInfo2* pInfo) {
  recording(cb, [&](CommandBuffer& c) {
    const uint64_t s = from_handle<Buffer>(pInfo->srcBuffer)->va(), d = from_handle<Buffer>(pInfo->dstBuffer)->va();
    for (uint32_t i = 0; i < pInfo->regionCount; ++i) {
      const auto& r = pInfo->pRegions[i];
      c.record(OpCopy{s + r.srcOffset, d + r.dstOffset, r.size});
    }
  });
}

VKAPI_ATTR void VKAPI_CALL CmdFillBuffer(VkCommandBuffer cb, VkBuffer dst, VkDeviceSize offset, VkDeviceSize size,
                                         uint32_t data) {
  recording(cb, [&](CommandBuffer& c) {
    const auto* b = from_handle<Buffer>(dst);
    // VK_WHOLE_SIZE fills to the end of the buffer, rounded down to a multiple of 4.
    uint64_t bytes = size == VK_WHOLE_SIZE ? (b->size() - offset) & ~uint64_t(3) : size;
    c.record(OpFill{b->va() + offset, bytes, data});
  });
}

VKAPI_ATTR void VKAPI_CALL CmdUpdateBuffer(VkCommandBuffer cb, VkBuffer dst, VkDeviceSize offset, VkDeviceSize size,
                                           const void* pData) {
  recording(cb, [&](CommandBuffer& c) {
    std::vector<uint32_t> dwords(size / 4);
    std::memcpy(dwords.data(), pData, dwords.size() * 4);
    c.record(OpWriteData{from_handle<Buffer>(dst)->va() + offset, std::move(dwords)});
  });
}

// Mica executes one context's packets in order, but a dispatch's waves and a DMA may overlap the
// next packet. Every barrier (whatever its stage and access masks) becomes a full BARRIER packet
// that waits for earlier work and flushes/invalidates caches: correct, if not minimal.
VKAPI_ATTR void VKAPI_CALL CmdPipelineBarrier(VkCommandBuffer cb, VkPipelineStageFlags, VkPipelineStageFlags,
                                              VkDependencyFlags, uint32_t, const VkMemoryBarrier*, uint32_t,
                                              const VkBufferMemoryBarrier*, uint32_t, const VkImageMemoryBarrier*) {
  recording(cb, [&](CommandBuffer& c) { c.record(OpBarrier{}); });
}

VKAPI_ATTR void VKAPI_CALL CmdPipelineBarrier2(VkCommandBuffer cb, const VkDependencyInfo*) {
  recording(cb, [&](CommandBuffer& c) { c.record(OpBarrier{}); });
}

namespace {

void write_event(CommandBuffer& c, VkEvent event, uint64_t value) {
  // The event becomes set only after all earlier work: barrier first, then the write.
  c.record(OpBarrier{});
  c.record(OpWriteData{from_handle<Event>(event)->va(), {uint32_t(value), uint32_t(value >> 32)}});
}

void wait_events(CommandBuffer& c, uint32_t count, const VkEvent* events) {
  for (uint32_t i = 0; i < count; ++i) c.record(OpWaitMem{from_handle<Event>(events[i])->va(), Event::kSet});
  c.record(OpBarrier{});
}

}  // namespace

VKAPI_ATTR void VKAPI_CALL CmdSetEvent(VkCommandBuffer cb, VkEvent event, VkPipelineStageFlags) {
  recording(cb, [&](CommandBuffer& c) { write_event(c, event, Event::kSet); });
}

VKAPI_ATTR void VKAPI_CALL CmdSetEvent2(VkCommandBuffer cb, VkEvent event, const VkDependencyInfo*) {
  recording(cb, [&](CommandBuffer& c) { write_event(c, event, Event::kSet); });
}

VKAPI_ATTR void VKAPI_CALL CmdResetEvent(VkCommandBuffer cb, VkEvent event, VkPipelineStageFlags) {
  recording(cb, [&](CommandBuffer& c) { write_event(c, event, Event::kReset); });
}

VKAPI_ATTR void VKAPI_CALL CmdResetEvent2(VkCommandBuffer cb, VkEvent event, VkPipelineStageFlags2) {
  recording(cb, [&](CommandBuffer& c) { write_event(c, event, Event::kReset); });
}

VKAPI_ATTR void VKAPI_CALL CmdWaitEvents(VkCommandBuffer cb, uint32_t count, const VkEvent* pEvents,
                                         VkPipelineStageFlags, VkPipelineStageFlags, uint32_t, const VkMemoryBarrier*,
                                         uint32_t, const VkBufferMemoryBarrier*, uint32_t, const VkImageMemoryBarrier*) {
  recording(cb, [&](CommandBuffer& c) { wait_events(c, count, pEvents); });
}

VKAPI_ATTR void VKAPI_CALL CmdWaitEvents2(VkCommandBuffer cb, uint32_t count, const VkEvent* pEvents,
                                          const VkDependencyInfo*) {
  recording(cb, [&](CommandBuffer& c) { wait_events(c, count, pEvents); });
}

// Begin/end apply to pipeline-statistics queries (occlusion queries cannot exist without graphics).
VKAPI_ATTR void VKAPI_CALL CmdBeginQuery(VkCommandBuffer cb, VkQueryPool pool, uint32_t query, VkQueryControlFlags) {
  recording(cb, [&](CommandBuffer& c) {
    auto* p = from_handle<QueryPool>(pool);
    if (p->type() == VK_QUERY_TYPE_PIPELINE_STATISTICS) c.begin_statistics_query(p, query);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdEndQuery(VkCommandBuffer cb, VkQueryPool pool, uint32_t query) {
  recording(cb, [&](CommandBuffer& c) {
    auto* p = from_handle<QueryPool>(pool);
    if (p->type() == VK_QUERY_TYPE_PIPELINE_STATISTICS) c.end_statistics_query(p, query);
  });
}

VKAPI_ATTR void VKAPI_CALL CmdResetQueryPool(VkCommandBuffer cb, VkQueryPool pool, uint32_t first, uint32_t count) {
  recording(cb, [&](CommandBuffer& c) {
    const auto* p = from_handle<QueryPool>(pool);
    if (count == 0) return;
    c.record(OpBarrier{});
    c.record(OpFill{p->value_va(first), uint64_t(count) * p->slot_bytes(), 0});
    c.record(OpBarrier{});
  });
}

static void write_timestamp(CommandBuffer& c, VkQueryPool pool, uint32_t query) {
  const auto* p = from_handle<QueryPool>(pool);
  // TIMESTAMP runs after all earlier work has completed, which satisfies every stage argument.
  c.record(OpTimestamp{p->value_va(query)});
  c.record(OpWriteData{p->available_va(query), {1, 0}});
}

VKAPI_ATTR void VKAPI_CALL CmdWriteTimestamp(VkCommandBuffer cb, VkPipelineStageFlagBits, VkQueryPool pool,
                                             uint32_t query) {
  recording(cb, [&](CommandBuffer& c) { write_timestamp(c, pool, query); });
}

VKAPI_ATTR void VKAPI_CALL CmdWriteTimestamp2(VkCommandBuffer cb, VkPipelineStageFlags2, VkQueryPool pool,
                                              uint32_t query) {
  recording(cb, [&](CommandBuffer& c) { write_timestamp(c, pool, query); });
}

VKAPI_ATTR void VKAPI_CALL CmdCopyQueryPoolResults(VkCommandBuffer cb, VkQueryPool pool, uint32_t first,
                                                   uint32_t count, VkBuffer dst, VkDeviceSize dstOffset,
                                                   VkDeviceSize stride, VkQueryResultFlags flags) {
  recording(cb, [&](CommandBuffer& c) {
    const auto* p = from_handle<QueryPool>(pool);
    const uint64_t base = from_handle<Buffer>(dst)->va() + dstOffset;
    const uint64_t width = (flags & VK_QUERY_RESULT_64_BIT) ? 8 : 4;
    c.record(OpBarrier{});
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t q = first + i;
      if (flags & VK_QUERY_RESULT_WAIT_BIT) c.record(OpWaitMem{p->available_va(q), 1});
    }
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t q = first + i;
      const uint64_t out = base + i * stride;
      // Without WAIT or PARTIAL the spec leaves unavailable results unwritten; this copies the
      // slot anyway (zero after a reset), which differs only in that the destination changes.
      // 32-bit results take the low half of the little-endian 64-bit value.
      for (uint32_t v = 0; v < p->values(); ++v) c.record(OpCopy{p->value_va(q, v), out + v * width, width});
      if (flags & VK_QUERY_RESULT_WITH_AVAILABILITY_BIT)
        c.record(OpCopy{p->available_va(q), out + p->values() * width, width});
    }
    c.record(OpBarrier{});
  });
}

VKAPI_ATTR void VKAPI_CALL CmdExecuteCommands(VkCommandBuffer cb, uint32_t count, const VkCommandBuffer* pBuffers) {
  recording(cb, [&](CommandBuffer& c) {
    for (uint32_t i = 0; i < count; ++i) c.execute(*CommandBuffer::from(pBuffers[i]));
  });
}

}  // namespace mica::vk
