// Fences, binary and timeline semaphores, events, queue submission variants.
#include "vk_test.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

VkCommandBuffer record_fill(vkrun::Context& ctx, const vkrun::Buffer& b, uint32_t value, VkDeviceSize offset = 0) {
  VkCommandBufferAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  ai.commandPool = ctx.command_pool();
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cb;
  vkrun::check(vkAllocateCommandBuffers(ctx.device(), &ai, &cb), "vkAllocateCommandBuffers");
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  vkBeginCommandBuffer(cb, &bi);
  vkCmdFillBuffer(cb, b.buffer, offset, 64, value);
  vkEndCommandBuffer(cb);
  return cb;
}

VkSemaphore make_semaphore(VkDevice dev, VkSemaphoreType type, uint64_t initial = 0) {
  VkSemaphoreTypeCreateInfo tci{};
  tci.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO;
  tci.semaphoreType = type;
  tci.initialValue = initial;
  VkSemaphoreCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
  ci.pNext = &tci;
  VkSemaphore s;
  vkrun::check(vkCreateSemaphore(dev, &ci, nullptr, &s), "vkCreateSemaphore");
  return s;
}

TEST(VkFence, CreateSignaledResetWaitTimeout) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkFenceCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  ci.flags = VK_FENCE_CREATE_SIGNALED_BIT;
  VkFence f;
  VK_OK(vkCreateFence(dev, &ci, nullptr, &f));
  EXPECT_EQ(vkGetFenceStatus(dev, f), VK_SUCCESS);
  VK_OK(vkResetFences(dev, 1, &f));
  EXPECT_EQ(vkGetFenceStatus(dev, f), VK_NOT_READY);
  EXPECT_EQ(vkWaitForFences(dev, 1, &f, VK_TRUE, 1'000'000), VK_TIMEOUT);
  // A submission without command buffers still signals the fence.
  VK_OK(vkQueueSubmit(ctx->queue(), 0, nullptr, f));
  EXPECT_EQ(vkWaitForFences(dev, 1, &f, VK_TRUE, 5'000'000'000ull), VK_SUCCESS);
  EXPECT_EQ(vkGetFenceStatus(dev, f), VK_SUCCESS);
  vkDestroyFence(dev, f, nullptr);
}

TEST(VkFence, WaitAnyAndAll) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkFenceCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence f[2];
  VK_OK(vkCreateFence(dev, &ci, nullptr, &f[0]));
  VK_OK(vkCreateFence(dev, &ci, nullptr, &f[1]));
  VK_OK(vkQueueSubmit(ctx->queue(), 0, nullptr, f[1]));
  EXPECT_EQ(vkWaitForFences(dev, 2, f, VK_FALSE, 5'000'000'000ull), VK_SUCCESS);
  EXPECT_EQ(vkWaitForFences(dev, 2, f, VK_TRUE, 1'000'000), VK_TIMEOUT);
  VK_OK(vkQueueSubmit(ctx->queue(), 0, nullptr, f[0]));
  EXPECT_EQ(vkWaitForFences(dev, 2, f, VK_TRUE, 5'000'000'000ull), VK_SUCCESS);
  vkDestroyFence(dev, f[0], nullptr);
  vkDestroyFence(dev, f[1], nullptr);
}

TEST(VkSemaphore, TimelineHostSignalAndWait) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkSemaphore s = make_semaphore(dev, VK_SEMAPHORE_TYPE_TIMELINE, 5);
  uint64_t v = 0;
  VK_OK(vkGetSemaphoreCounterValue(dev, s, &v));
  EXPECT_EQ(v, 5u);
  VkSemaphoreWaitInfo wi{};
  wi.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO;
  wi.semaphoreCount = 1;
  wi.pSemaphores = &s;
  uint64_t want = 7;
  wi.pValues = &want;
  EXPECT_EQ(vkWaitSemaphores(dev, &wi, 1'000'000), VK_TIMEOUT);
  VkSemaphoreSignalInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO;
  si.semaphore = s;
  si.value = 7;
  std::thread signaller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    vkSignalSemaphore(dev, &si);
  });
  EXPECT_EQ(vkWaitSemaphores(dev, &wi, 5'000'000'000ull), VK_SUCCESS);
  signaller.join();
  VK_OK(vkGetSemaphoreCounterValue(dev, s, &v));
  EXPECT_EQ(v, 7u);
  vkDestroySemaphore(dev, s, nullptr);
}

TEST(VkSemaphore, WaitBeforeSignalOnTheGpu) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  vkrun::Buffer b = ctx->create_buffer(4096);
  VkSemaphore timeline = make_semaphore(dev, VK_SEMAPHORE_TYPE_TIMELINE, 0);
  VkCommandBuffer cb = record_fill(*ctx, b, 0x77);
  VkSemaphoreSubmitInfo wait{};
  wait.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO;
  wait.semaphore = timeline;
  wait.value = 3;
  wait.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
  VkSemaphoreSubmitInfo signal = wait;
  signal.value = 4;
  VkCommandBufferSubmitInfo cbi{};
  cbi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO;
  cbi.commandBuffer = cb;
  VkSubmitInfo2 si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
  si.waitSemaphoreInfoCount = 1;
  si.pWaitSemaphoreInfos = &wait;
  si.commandBufferInfoCount = 1;
  si.pCommandBufferInfos = &cbi;
  si.signalSemaphoreInfoCount = 1;
  si.pSignalSemaphoreInfos = &signal;
  VK_OK(vkQueueSubmit2(ctx->queue(), 1, &si, VK_NULL_HANDLE));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(b.data<uint32_t>()[0], 0u);  // still held by the wait
  VkSemaphoreSignalInfo hs{};
  hs.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO;
  hs.semaphore = timeline;
  hs.value = 3;
  VK_OK(vkSignalSemaphore(dev, &hs));
  VkSemaphoreWaitInfo wi{};
  wi.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO;
  wi.semaphoreCount = 1;
  wi.pSemaphores = &timeline;
  uint64_t four = 4;
  wi.pValues = &four;
  EXPECT_EQ(vkWaitSemaphores(dev, &wi, 5'000'000'000ull), VK_SUCCESS);
  EXPECT_EQ(b.data<uint32_t>()[0], 0x77u);
  VK_OK(vkQueueWaitIdle(ctx->queue()));
  vkDestroySemaphore(dev, timeline, nullptr);
  ctx->destroy(b);
}

// A submission held back for a point nobody has submitted yet (the device layer's deferred queue:
// the kernel only takes jobs whose wait points exist) keeps its place in the queue: a later
// submission without any wait runs after it, not before. The fence of the later one is not
// signalled while the first waits, and the buffer ends with the later value.
TEST(VkSemaphore, DeferredSubmissionKeepsQueueOrder) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  vkrun::Buffer b = ctx->create_buffer(4096);
  VkSemaphore timeline = make_semaphore(dev, VK_SEMAPHORE_TYPE_TIMELINE, 0);
  VkCommandBuffer first = record_fill(*ctx, b, 0x11), second = record_fill(*ctx, b, 0x22);
  VkSemaphoreSubmitInfo wait{};
  wait.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO;
  wait.semaphore = timeline;
  wait.value = 5;
  wait.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
  VkCommandBufferSubmitInfo cbi{};
  cbi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO;
  cbi.commandBuffer = first;
  VkSubmitInfo2 si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
  si.waitSemaphoreInfoCount = 1;
  si.pWaitSemaphoreInfos = &wait;
  si.commandBufferInfoCount = 1;
  si.pCommandBufferInfos = &cbi;
  VK_OK(vkQueueSubmit2(ctx->queue(), 1, &si, VK_NULL_HANDLE));
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  VK_OK(vkCreateFence(dev, &fci, nullptr, &fence));
  VkCommandBufferSubmitInfo cbi2 = cbi;
  cbi2.commandBuffer = second;
  VkSubmitInfo2 si2{};
  si2.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
  si2.commandBufferInfoCount = 1;
  si2.pCommandBufferInfos = &cbi2;
  VK_OK(vkQueueSubmit2(ctx->queue(), 1, &si2, fence));
  EXPECT_EQ(vkWaitForFences(dev, 1, &fence, VK_TRUE, 50'000'000ull), VK_TIMEOUT) << "behind the held submission";
  EXPECT_EQ(b.data<uint32_t>()[0], 0u);
  VkSemaphoreSignalInfo hs{};
  hs.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO;
  hs.semaphore = timeline;
  hs.value = 5;
  VK_OK(vkSignalSemaphore(dev, &hs));
  EXPECT_EQ(vkWaitForFences(dev, 1, &fence, VK_TRUE, 5'000'000'000ull), VK_SUCCESS);
  VK_OK(vkQueueWaitIdle(ctx->queue()));
  EXPECT_EQ(b.data<uint32_t>()[0], 0x22u) << "the later submission ran last";
  vkDestroyFence(dev, fence, nullptr);
  vkDestroySemaphore(dev, timeline, nullptr);
  ctx->destroy(b);
}

// vkQueueWaitIdle / vkDeviceWaitIdle on work that waits for a host signal, while another thread
// first calls vkWaitSemaphores (which asks the queues whether the device is lost) and then signals.
// The idle wait once held the queue's context lock until the work completed, so the other thread
// blocked in vkWaitSemaphores and never signalled (dEQP-VK.synchronization.timeline_semaphore.
// device_host.* hung). A watchdog turns a hang into a failure.
TEST(VkSemaphore, IdleWaitWhileAnotherThreadWaitsThenSignals) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  vkrun::Buffer b = ctx->create_buffer(4096);
  VkSemaphore gate = make_semaphore(dev, VK_SEMAPHORE_TYPE_TIMELINE, 0);
  VkSemaphore reached = make_semaphore(dev, VK_SEMAPHORE_TYPE_TIMELINE, 1);
  VkCommandBuffer cb = record_fill(*ctx, b, 0x55);
  for (bool device_wide : {false, true}) {
    SCOPED_TRACE(device_wide ? "vkDeviceWaitIdle" : "vkQueueWaitIdle");
    const uint64_t value = device_wide ? 2 : 1;
    VkSemaphoreSubmitInfo wait{};
    wait.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO;
    wait.semaphore = gate;
    wait.value = value;
    wait.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
    VkCommandBufferSubmitInfo cbi{};
    cbi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO;
    cbi.commandBuffer = cb;
    VkSubmitInfo2 si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
    si.waitSemaphoreInfoCount = 1;
    si.pWaitSemaphoreInfos = &wait;
    si.commandBufferInfoCount = 1;
    si.pCommandBufferInfos = &cbi;
    VK_OK(vkQueueSubmit2(ctx->queue(), 1, &si, VK_NULL_HANDLE));
    std::atomic<bool> idle{false};
    std::thread signaller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the main thread is in the idle wait
      VkSemaphoreWaitInfo wi{};
      wi.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO;
      wi.semaphoreCount = 1;
      wi.pSemaphores = &reached;
      uint64_t one = 1;
      wi.pValues = &one;
      EXPECT_EQ(vkWaitSemaphores(dev, &wi, 1'000'000'000ull), VK_SUCCESS);
      EXPECT_FALSE(idle.load());
      VkSemaphoreSignalInfo hs{};
      hs.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO;
      hs.semaphore = gate;
      hs.value = value;
      EXPECT_EQ(vkSignalSemaphore(dev, &hs), VK_SUCCESS);
    });
    std::thread watchdog([&] {
      for (int i = 0; i < 300 && !idle.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (!idle.load()) {
        std::fprintf(stderr, "FAIL: the idle wait did not return within 30 s (deadlock)\n");
        std::_Exit(1);
      }
    });
    EXPECT_EQ(device_wide ? vkDeviceWaitIdle(dev) : vkQueueWaitIdle(ctx->queue()), VK_SUCCESS);
    idle = true;
    signaller.join();
    watchdog.join();
    EXPECT_EQ(b.data<uint32_t>()[0], 0x55u);
    b.data<uint32_t>()[0] = 0;
  }
  vkDestroySemaphore(dev, gate, nullptr);
  vkDestroySemaphore(dev, reached, nullptr);
  ctx->destroy(b);
}

TEST(VkSemaphore, BinaryChainsSubmissions) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  vkrun::Buffer b = ctx->create_buffer(4096);
  VkSemaphore sem = make_semaphore(dev, VK_SEMAPHORE_TYPE_BINARY);
  // Two batches of one vkQueueSubmit, the second waiting on the binary semaphore the first signals.
  VkCommandBuffer first = record_fill(*ctx, b, 1, 0), second = record_fill(*ctx, b, 2, 64);
  VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
  VkSubmitInfo s1{};
  s1.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  s1.commandBufferCount = 1;
  s1.pCommandBuffers = &first;
  s1.signalSemaphoreCount = 1;
  s1.pSignalSemaphores = &sem;
  VkSubmitInfo s2{};
  s2.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  s2.waitSemaphoreCount = 1;
  s2.pWaitSemaphores = &sem;
  s2.pWaitDstStageMask = &stage;
  s2.commandBufferCount = 1;
  s2.pCommandBuffers = &second;
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  VK_OK(vkCreateFence(dev, &fci, nullptr, &fence));
  VkSubmitInfo both[2] = {s1, s2};
  VK_OK(vkQueueSubmit(ctx->queue(), 2, both, fence));
  VK_OK(vkWaitForFences(dev, 1, &fence, VK_TRUE, 5'000'000'000ull));
  EXPECT_EQ(b.data<uint32_t>()[0], 1u);
  EXPECT_EQ(b.data<uint32_t>()[16], 2u);
  vkDestroyFence(dev, fence, nullptr);
  vkDestroySemaphore(dev, sem, nullptr);
  ctx->destroy(b);
}

TEST(VkEvent, HostAndDeviceSetReset) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkEventCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO;
  VkEvent ev, gpu_set;
  VK_OK(vkCreateEvent(dev, &ci, nullptr, &ev));
  VK_OK(vkCreateEvent(dev, &ci, nullptr, &gpu_set));
  EXPECT_EQ(vkGetEventStatus(dev, ev), VK_EVENT_RESET);
  VK_OK(vkSetEvent(dev, ev));
  EXPECT_EQ(vkGetEventStatus(dev, ev), VK_EVENT_SET);
  vkrun::Buffer b = ctx->create_buffer(4096);
  // The GPU waits on the host-set event, then sets another one.
  ASSERT_EQ(vktest::submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              // The host set 'ev': the wait's source scope is the host.
              VkMemoryBarrier2 mb{};
              mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2;
              mb.srcStageMask = VK_PIPELINE_STAGE_2_HOST_BIT;
              mb.srcAccessMask = VK_ACCESS_2_HOST_WRITE_BIT;
              mb.dstStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT;
              mb.dstAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT;
              VkDependencyInfo wait_dep{};
              wait_dep.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO;
              wait_dep.memoryBarrierCount = 1;
              wait_dep.pMemoryBarriers = &mb;
              vkCmdWaitEvents2(cb, 1, &ev, &wait_dep);
              vkCmdFillBuffer(cb, b.buffer, 0, 64, 9);
              VkMemoryBarrier2 done{};
              done.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2;
              done.srcStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT;
              done.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT;
              done.dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT;
              done.dstAccessMask = VK_ACCESS_2_HOST_READ_BIT;
              VkDependencyInfo set_dep{};
              set_dep.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO;
              set_dep.memoryBarrierCount = 1;
              set_dep.pMemoryBarriers = &done;
              vkCmdSetEvent2(cb, gpu_set, &set_dep);
              vkCmdResetEvent(cb, ev, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
            }),
            VK_SUCCESS);
  EXPECT_EQ(b.data<uint32_t>()[0], 9u);
  EXPECT_EQ(vkGetEventStatus(dev, gpu_set), VK_EVENT_SET);
  EXPECT_EQ(vkGetEventStatus(dev, ev), VK_EVENT_RESET);
  VK_OK(vkResetEvent(dev, gpu_set));
  EXPECT_EQ(vkGetEventStatus(dev, gpu_set), VK_EVENT_RESET);
  vkDestroyEvent(dev, ev, nullptr);
  vkDestroyEvent(dev, gpu_set, nullptr);
  ctx->destroy(b);
}

TEST(VkQueue, TransferQueueRunsCopies) {
  auto ctx = vktest::make_context();
  // A second device with one queue of each family.
  float prio = 1;
  VkDeviceQueueCreateInfo q[2]{};
  for (uint32_t i = 0; i < 2; ++i) {
    q[i].sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    q[i].queueFamilyIndex = i;
    q[i].queueCount = 1;
    q[i].pQueuePriorities = &prio;
  }
  VkDeviceCreateInfo dci{};
  dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  dci.queueCreateInfoCount = 2;
  dci.pQueueCreateInfos = q;
  VkDevice dev;
  VK_OK(vkCreateDevice(ctx->physical(), &dci, nullptr, &dev));
  VkQueue tq;
  vkGetDeviceQueue(dev, 1, 0, &tq);
  ASSERT_NE(tq, VK_NULL_HANDLE);

  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = 4096;
  bci.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  VkBuffer buf;
  VK_OK(vkCreateBuffer(dev, &bci, nullptr, &buf));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(dev, buf, &req);
  VkMemoryAllocateInfo mai{};
  mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = ctx->host_visible_type(req.memoryTypeBits);
  VkDeviceMemory mem;
  VK_OK(vkAllocateMemory(dev, &mai, nullptr, &mem));
  VK_OK(vkBindBufferMemory(dev, buf, mem, 0));
  VkCommandPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  pci.queueFamilyIndex = 1;
  VkCommandPool pool;
  VK_OK(vkCreateCommandPool(dev, &pci, nullptr, &pool));
  VkCommandBufferAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  ai.commandPool = pool;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cb;
  VK_OK(vkAllocateCommandBuffers(dev, &ai, &cb));
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  vkBeginCommandBuffer(cb, &bi);
  vkCmdFillBuffer(cb, buf, 0, 4096, 0xabcdabcd);
  vkEndCommandBuffer(cb);
  VkSubmitInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cb;
  VK_OK(vkQueueSubmit(tq, 1, &si, VK_NULL_HANDLE));
  VK_OK(vkQueueWaitIdle(tq));
  void* p;
  VK_OK(vkMapMemory(dev, mem, 0, VK_WHOLE_SIZE, 0, &p));
  EXPECT_EQ(static_cast<uint32_t*>(p)[1023], 0xabcdabcdu);
  vkUnmapMemory(dev, mem);
  vkDestroyCommandPool(dev, pool, nullptr);
  vkDestroyBuffer(dev, buf, nullptr);
  vkFreeMemory(dev, mem, nullptr);
  vkDestroyDevice(dev, nullptr);
}

}  // namespace

// dEQP-VK.synchronization{,2}.basic.binary_semaphore.chain: a long chain of submissions without
// command buffers, each waiting on the binary semaphore the previous one signalled, then a fence.
// The kernel once emitted a job whose wait had just been satisfied only at its next scheduling
// event (the job timeout's tick), so each link of an idle chain cost seconds.
void run_binary_chain(bool submit2, uint32_t links) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  std::vector<VkSemaphore> sems(links);
  for (auto& s : sems) s = make_semaphore(dev, VK_SEMAPHORE_TYPE_BINARY);
  const auto start = std::chrono::steady_clock::now();
  for (uint32_t i = 0; i <= links; ++i) {
    const bool last = i == links;
    VkFence fence = VK_NULL_HANDLE;
    if (last) {
      VkFenceCreateInfo fci{};
      fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
      VK_OK(vkCreateFence(dev, &fci, nullptr, &fence));
    }
    if (submit2) {
      VkSemaphoreSubmitInfo wait{}, signal{};
      wait.sType = signal.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO;
      wait.stageMask = signal.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
      if (i) wait.semaphore = sems[i - 1];
      if (!last) signal.semaphore = sems[i];
      VkSubmitInfo2 si{};
      si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
      si.waitSemaphoreInfoCount = i ? 1 : 0;
      si.pWaitSemaphoreInfos = &wait;
      si.signalSemaphoreInfoCount = last ? 0 : 1;
      si.pSignalSemaphoreInfos = &signal;
      VK_OK(vkQueueSubmit2(ctx->queue(), 1, &si, fence));
    } else {
      VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
      VkSubmitInfo si{};
      si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
      si.waitSemaphoreCount = i ? 1 : 0;
      si.pWaitSemaphores = i ? &sems[i - 1] : nullptr;
      si.pWaitDstStageMask = &stage;
      si.signalSemaphoreCount = last ? 0 : 1;
      si.pSignalSemaphores = last ? nullptr : &sems[i];
      VK_OK(vkQueueSubmit(ctx->queue(), 1, &si, fence));
    }
    if (last) {
      // Generous for ASan on a loaded machine; the defect made each link wait ~1.25 s.
      EXPECT_EQ(vkWaitForFences(dev, 1, &fence, VK_TRUE, 60'000'000'000ull), VK_SUCCESS);
      vkDestroyFence(dev, fence, nullptr);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::testing::Test::RecordProperty("chain_seconds", std::to_string(seconds));
  EXPECT_LT(seconds, 60.0);
  for (auto s : sems) vkDestroySemaphore(dev, s, nullptr);
}

TEST(VkSemaphore, LongBinaryChainCompletes) { run_binary_chain(false, 2048); }
TEST(VkSemaphore, LongBinaryChainCompletesSubmit2) { run_binary_chain(true, 2048); }

// More semaphores than one kernel SYNC_WAIT / SUBMIT takes (its max_syncs, 32): vkWaitSemaphores
// failed with SYNC_WAIT -EINVAL (dEQP-VK.synchronization.timeline_semaphore.wait.*), and a
// submission with that many semaphores was refused.
constexpr uint32_t kManySemaphores = 100;

TEST(VkSemaphore, WaitOnMoreTimelinesThanOneKernelCallTakes) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  std::vector<VkSemaphore> sems(kManySemaphores);
  std::vector<uint64_t> values(kManySemaphores);
  for (uint32_t i = 0; i < kManySemaphores; ++i) {
    sems[i] = make_semaphore(dev, VK_SEMAPHORE_TYPE_TIMELINE);
    values[i] = 1 + i * 7;
  }
  VkSemaphoreWaitInfo wi{};
  wi.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO;
  wi.semaphoreCount = kManySemaphores;
  wi.pSemaphores = sems.data();
  wi.pValues = values.data();
  // Nothing signalled: both kinds of wait time out (and do not fail).
  EXPECT_EQ(vkWaitSemaphores(dev, &wi, 0), VK_TIMEOUT);
  wi.flags = VK_SEMAPHORE_WAIT_ANY_BIT;
  EXPECT_EQ(vkWaitSemaphores(dev, &wi, 2'000'000), VK_TIMEOUT);
  // Only the last one (in the last group of points): "any" is satisfied, "all" is not.
  VkSemaphoreSignalInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO;
  si.semaphore = sems.back();
  si.value = values.back();
  VK_OK(vkSignalSemaphore(dev, &si));
  EXPECT_EQ(vkWaitSemaphores(dev, &wi, 1'000'000'000ull), VK_SUCCESS);
  wi.flags = 0;
  EXPECT_EQ(vkWaitSemaphores(dev, &wi, 1'000'000), VK_TIMEOUT);
  // All of them, signalled by the device this time.
  std::vector<VkSemaphoreSubmitInfo> sig(kManySemaphores);
  for (uint32_t i = 0; i < kManySemaphores; ++i) {
    sig[i] = {};
    sig[i].sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO;
    sig[i].semaphore = sems[i];
    sig[i].value = values[i] + (i + 1 == kManySemaphores ? 1 : 0);  // above the host's signal
    sig[i].stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
  }
  VkSubmitInfo2 submit{};
  submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
  submit.signalSemaphoreInfoCount = kManySemaphores;
  submit.pSignalSemaphoreInfos = sig.data();
  VK_OK(vkQueueSubmit2(ctx->queue(), 1, &submit, VK_NULL_HANDLE));
  EXPECT_EQ(vkWaitSemaphores(dev, &wi, 10'000'000'000ull), VK_SUCCESS);
  for (uint32_t i = 0; i < kManySemaphores; ++i) {
    uint64_t v = 0;
    VK_OK(vkGetSemaphoreCounterValue(dev, sems[i], &v));
    EXPECT_EQ(v, sig[i].value) << i;
  }
  VK_OK(vkQueueWaitIdle(ctx->queue()));
  for (auto s : sems) vkDestroySemaphore(dev, s, nullptr);
}

TEST(VkSemaphore, SubmissionWaitingOnAndSignallingManySemaphores) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  vkrun::Buffer b = ctx->create_buffer(4096);
  std::vector<VkSemaphore> binary(kManySemaphores), timeline(kManySemaphores);
  for (auto& s : binary) s = make_semaphore(dev, VK_SEMAPHORE_TYPE_BINARY);
  for (auto& s : timeline) s = make_semaphore(dev, VK_SEMAPHORE_TYPE_TIMELINE);
  // Batch 1 signals every binary semaphore; batch 2 waits on all of them and on every timeline
  // (signalled by the host after submission), fills the buffer and signals the timelines to 2.
  std::vector<VkSemaphoreSubmitInfo> bin(kManySemaphores), tl_wait(kManySemaphores), tl_signal(kManySemaphores);
  for (uint32_t i = 0; i < kManySemaphores; ++i) {
    bin[i] = {VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, nullptr, binary[i], 0, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0};
    tl_wait[i] = {VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, nullptr, timeline[i], 1, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0};
    tl_signal[i] = {VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, nullptr, timeline[i], 2, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, 0};
  }
  std::vector<VkSemaphoreSubmitInfo> waits = bin;
  waits.insert(waits.end(), tl_wait.begin(), tl_wait.end());
  VkCommandBuffer cb = record_fill(*ctx, b, 0x5eed);
  VkCommandBufferSubmitInfo cbi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, nullptr, cb, 0};
  VkSubmitInfo2 s[2] = {};
  s[0].sType = s[1].sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2;
  s[0].signalSemaphoreInfoCount = kManySemaphores;
  s[0].pSignalSemaphoreInfos = bin.data();
  s[1].waitSemaphoreInfoCount = uint32_t(waits.size());
  s[1].pWaitSemaphoreInfos = waits.data();
  s[1].commandBufferInfoCount = 1;
  s[1].pCommandBufferInfos = &cbi;
  s[1].signalSemaphoreInfoCount = kManySemaphores;
  s[1].pSignalSemaphoreInfos = tl_signal.data();
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  VK_OK(vkCreateFence(dev, &fci, nullptr, &fence));
  VK_OK(vkQueueSubmit2(ctx->queue(), 2, s, fence));
  // Held by the timeline waits until the host releases them (the last one last).
  EXPECT_EQ(vkWaitForFences(dev, 1, &fence, VK_TRUE, 20'000'000), VK_TIMEOUT);
  for (uint32_t i = 0; i < kManySemaphores; ++i) {
    if (i + 1 == kManySemaphores) {
      EXPECT_EQ(vkGetFenceStatus(dev, fence), VK_NOT_READY);
    }
    VkSemaphoreSignalInfo si{VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO, nullptr, timeline[i], 1};
    VK_OK(vkSignalSemaphore(dev, &si));
  }
  EXPECT_EQ(vkWaitForFences(dev, 1, &fence, VK_TRUE, 10'000'000'000ull), VK_SUCCESS);
  EXPECT_EQ(b.data<uint32_t>()[0], 0x5eedu);
  for (auto t : timeline) {
    uint64_t v = 0;
    VK_OK(vkGetSemaphoreCounterValue(dev, t, &v));
    EXPECT_EQ(v, 2u);
  }
  vkDestroyFence(dev, fence, nullptr);
  for (auto x : binary) vkDestroySemaphore(dev, x, nullptr);
  for (auto x : timeline) vkDestroySemaphore(dev, x, nullptr);
  ctx->destroy(b);
}

// A command buffer whose packets exceed what one kernel job may hold (max_cmd_dwords, 64 Ki
// dwords) was refused with -E2BIG; it must run whole and in order.
TEST(VkQueue, CommandBufferLargerThanOneKernelJob) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  constexpr uint32_t kSlots = 1024, kRounds = 24;  // ~24 Ki fills + 1 Ki updates: well over 64 Ki dwords
  vkrun::Buffer b = ctx->create_buffer(kSlots * 4 + 4);
  VkCommandBufferAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  ai.commandPool = ctx->command_pool();
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cb;
  VK_OK(vkAllocateCommandBuffers(dev, &ai, &cb));
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  VK_OK(vkBeginCommandBuffer(cb, &bi));
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER, nullptr, VK_ACCESS_TRANSFER_WRITE_BIT,
                     VK_ACCESS_TRANSFER_WRITE_BIT};
  for (uint32_t r = 0; r < kRounds; ++r) {
    // Every round overwrites every slot: only the last round's values may survive, so any job
    // running out of order or twice (or not at all) shows.
    for (uint32_t i = 0; i < kSlots; ++i) vkCmdFillBuffer(cb, b.buffer, i * 4, 4, r * 100000 + i);
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, nullptr,
                         0, nullptr);
  }
  const uint32_t marker = 0xC0FFEE;
  vkCmdUpdateBuffer(cb, b.buffer, kSlots * 4, 4, &marker);
  VK_OK(vkEndCommandBuffer(cb));
  VkFenceCreateInfo fci{};
  fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  VkFence fence;
  VK_OK(vkCreateFence(dev, &fci, nullptr, &fence));
  VkSubmitInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cb;
  // Twice: the second submission reuses the recorded commands.
  for (int pass = 0; pass < 2; ++pass) {
    std::memset(b.data<uint32_t>(), 0, kSlots * 4 + 4);
    VK_OK(vkResetFences(dev, 1, &fence));
    VK_OK(vkQueueSubmit(ctx->queue(), 1, &si, fence));
    ASSERT_EQ(vkWaitForFences(dev, 1, &fence, VK_TRUE, 60'000'000'000ull), VK_SUCCESS);
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < kSlots; ++i) wrong += b.data<uint32_t>()[i] != (kRounds - 1) * 100000 + i;
    EXPECT_EQ(wrong, 0u) << "pass " << pass;
    EXPECT_EQ(b.data<uint32_t>()[kSlots], marker);
  }
  vkDestroyFence(dev, fence, nullptr);
  ctx->destroy(b);
}
