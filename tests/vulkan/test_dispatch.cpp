// Compute dispatches and transfer commands, results checked on the host.
#include "vk_mica_instance.h"
#include "vk_test.h"

#include <array>
#include <cstring>
#include <map>
#include <set>

namespace {

using vktest::make_pipeline;
using vktest::submit_and_wait;

using vktest::bind;
using vktest::Sets;

TEST(VkDispatch, DispatchBaseAndPushConstants) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "ids.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(64 * 4 * 4);
  std::memset(out.mapped, 0xff, out.size);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  const uint32_t push[2] = {7, 1000};
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8, push);
              vkCmdDispatchBase(cb, 2, 0, 0, 3, 1, 1);  // workgroups 2, 3, 4
            }),
            VK_SUCCESS);
  const uint32_t* v = out.data<uint32_t>();
  for (uint32_t i = 0; i < 64; ++i) EXPECT_EQ(v[i], 0xffffffffu) << i;  // groups 0, 1 not run
  for (uint32_t g = 2; g < 5; ++g)
    for (uint32_t l = 0; l < 32; ++l) ASSERT_EQ(v[g * 32 + l], g * 1000 + l + 7) << g << " " << l;
  EXPECT_EQ(v[5 * 32], 0xffffffffu);
  ctx->destroy(out);
}

TEST(VkDispatch, IndirectDispatch) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "ids.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(4 * 32 * 4);
  vkrun::Buffer args = ctx->create_buffer(64);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  const uint32_t counts[3] = {3, 1, 1};
  std::memcpy(args.data<uint8_t>() + 16, counts, sizeof counts);
  const uint32_t push[2] = {0, 1000};
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8, push);
              vkCmdDispatchIndirect(cb, args.buffer, 16);
            }),
            VK_SUCCESS);
  for (uint32_t i = 0; i < 96; ++i) ASSERT_EQ(out.data<uint32_t>()[i], (i / 32) * 1000 + i % 32) << i;
  EXPECT_EQ(out.data<uint32_t>()[96], 0u);
  ctx->destroy(out);
  ctx->destroy(args);
}

TEST(VkDispatch, NumWorkgroupsBuiltin) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "num_groups.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(16);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdDispatch(cb, 5, 3, 2);
            }),
            VK_SUCCESS);
  EXPECT_EQ(out.data<uint32_t>()[0], 5u);
  EXPECT_EQ(out.data<uint32_t>()[1], 3u);
  EXPECT_EQ(out.data<uint32_t>()[2], 2u);
  ctx->destroy(out);
}

// The records group_records.comp appended, by tag: {num groups x, y, z} -> the group ids seen.
struct GroupRecords {
  std::map<uint32_t, std::set<std::array<uint32_t, 3>>> ids;
  std::map<uint32_t, std::set<std::array<uint32_t, 3>>> num_groups;
};

GroupRecords read_group_records(vkrun::Buffer& out) {
  GroupRecords r;
  const uint32_t* v = out.data<uint32_t>();
  const uint32_t count = v[0];
  EXPECT_LE(count * 8 + 2, out.size / 4);
  for (uint32_t i = 0; i < count && i * 8 + 2 + 7 <= out.size / 4; ++i) {
    const uint32_t* rec = v + 2 + i * 8;
    r.num_groups[rec[6]].insert({rec[0], rec[1], rec[2]});
    r.ids[rec[6]].insert({rec[3], rec[4], rec[5]});
  }
  return r;
}

std::set<std::array<uint32_t, 3>> grid(std::array<uint32_t, 3> base, std::array<uint32_t, 3> n) {
  std::set<std::array<uint32_t, 3>> g;
  for (uint32_t z = 0; z < n[2]; ++z)
    for (uint32_t y = 0; y < n[1]; ++y)
      for (uint32_t x = 0; x < n[0]; ++x) g.insert({base[0] + x, base[1] + y, base[2] + z});
  return g;
}

// gl_NumWorkGroups under vkCmdDispatchIndirect comes from the argument buffer as the GPU sees it
// when the dispatch runs: counts written by the host, counts written by earlier commands of the
// same command buffer, and no leaking between dispatches (direct ones in between included).
TEST(VkDispatch, NumWorkgroupsUnderIndirectDispatch) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "group_records.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 4);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(4096);
  vkrun::Buffer args = ctx->create_buffer(64);
  std::memset(out.mapped, 0, out.size);
  std::memset(args.mapped, 0, args.size);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  const uint32_t host_counts[3] = {4, 1, 2};
  std::memcpy(args.data<uint8_t>() + 16, host_counts, sizeof host_counts);
  const uint32_t gpu_counts[3] = {2, 3, 1};   // written by vkCmdUpdateBuffer before the dispatch
  const uint32_t zero_counts[3] = {0, 5, 5};  // launches nothing
  std::memcpy(args.data<uint8_t>() + 32, zero_counts, sizeof zero_counts);
  auto tagged = [&](VkCommandBuffer cb, uint32_t tag) {
    vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 4, &tag);
  };
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              vkCmdUpdateBuffer(cb, args.buffer, 0, sizeof gpu_counts, gpu_counts);
              VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER, nullptr, VK_ACCESS_TRANSFER_WRITE_BIT,
                                 VK_ACCESS_INDIRECT_COMMAND_READ_BIT};
              vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT, 0, 1, &mb,
                                   0, nullptr, 0, nullptr);
              bind(cb, *p, s);
              tagged(cb, 1);
              vkCmdDispatchIndirect(cb, args.buffer, 0);
              tagged(cb, 2);
              vkCmdDispatch(cb, 1, 1, 1);
              tagged(cb, 3);
              vkCmdDispatchIndirect(cb, args.buffer, 16);
              tagged(cb, 4);
              vkCmdDispatchIndirect(cb, args.buffer, 32);
            }),
            VK_SUCCESS);
  const GroupRecords r = read_group_records(out);
  EXPECT_EQ(out.data<uint32_t>()[0], 6u + 1u + 8u);
  using G = std::set<std::array<uint32_t, 3>>;
  EXPECT_EQ(r.num_groups.at(1), (G{{2, 3, 1}}));
  EXPECT_EQ(r.ids.at(1), grid({0, 0, 0}, {2, 3, 1}));
  EXPECT_EQ(r.num_groups.at(2), (G{{1, 1, 1}}));
  EXPECT_EQ(r.num_groups.at(3), (G{{4, 1, 2}}));
  EXPECT_EQ(r.ids.at(3), grid({0, 0, 0}, {4, 1, 2}));
  EXPECT_EQ(r.num_groups.count(4), 0u) << "a zero-count indirect dispatch runs nothing";
  ctx->destroy(out);
  ctx->destroy(args);
}

// vkCmdDispatchBase: gl_NumWorkGroups is the count, not base + count; gl_WorkGroupID includes the base.
TEST(VkDispatch, NumWorkgroupsUnderDispatchBase) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "group_records.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 4);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(4096);
  std::memset(out.mapped, 0, out.size);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  const uint32_t tag = 9;
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 4, &tag);
              vkCmdDispatchBase(cb, 2, 1, 3, 3, 2, 1);
            }),
            VK_SUCCESS);
  const GroupRecords r = read_group_records(out);
  EXPECT_EQ(out.data<uint32_t>()[0], 6u);
  EXPECT_EQ(r.num_groups.at(9), (std::set<std::array<uint32_t, 3>>{{3, 2, 1}}));
  EXPECT_EQ(r.ids.at(9), grid({2, 1, 3}, {3, 2, 1}));
  ctx->destroy(out);
}

// A direct dispatch of more than 2^20 invocations runs as several kernel jobs (the kernel kills a
// context whose job makes no progress for its job timeout; the CTS's
// zero_initialize_workgroup_memory.max_workgroups.* dispatch 65535 x 1024 invocations and were
// killed): the pieces together still run every workgroup once, with the base and the whole
// dispatch's counts. 4100 x 2 groups of 256 from base (1, 2, 3) cut along x and y.
TEST(VkDispatch, LargeDispatchRunsAsSeveralJobs) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "wide_groups.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 4);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  const std::array<uint32_t, 3> base{1, 2, 3}, n{4100, 2, 1};
  const uint32_t groups = n[0] * n[1] * n[2];
  vkrun::Buffer out = ctx->create_buffer(8 + uint64_t(groups) * 32);
  std::memset(out.mapped, 0, out.size);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  const uint32_t tag = 5;
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 4, &tag);
              vkCmdDispatchBase(cb, base[0], base[1], base[2], n[0], n[1], n[2]);
            }),
            VK_SUCCESS);
  EXPECT_EQ(out.data<uint32_t>()[0], groups);
  EXPECT_EQ(out.data<uint32_t>()[1], groups * 256u);
  const GroupRecords r = read_group_records(out);
  EXPECT_EQ(r.num_groups.at(5), (std::set<std::array<uint32_t, 3>>{n}));
  EXPECT_EQ(r.ids.at(5), grid(base, n));  // with the count above: each workgroup exactly once
  ctx->destroy(out);
}

TEST(VkDispatch, DynamicOffsets) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "dynamic.spv",
                         {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC}, {1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC}}},
                         0);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(4096), in = ctx->create_buffer(4096);
  in.data<uint32_t>()[0] = 100;
  in.data<uint32_t>()[256 / 4] = 200;
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, out, 0, 64);
  s.write(0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, in, 0, 16);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              const uint32_t first[2] = {0, 0}, second[2] = {512, 256};
              bind(cb, *p, s, 2, first);
              vkCmdDispatch(cb, 1, 1, 1);
              bind(cb, *p, s, 2, second);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_SUCCESS);
  for (uint32_t i = 0; i < 16; ++i) {
    EXPECT_EQ(out.data<uint32_t>()[i], 100 + i);
    EXPECT_EQ(out.data<uint32_t>()[512 / 4 + i], 200 + i);
  }
  ctx->destroy(out);
  ctx->destroy(in);
}

TEST(VkDispatch, SpecializationConstantsAndTwoSets) {
  auto ctx = vktest::make_context();
  const uint32_t values[3] = {3, 11, 16};
  const VkSpecializationMapEntry entries[3] = {{0, 0, 4}, {1, 4, 4}, {2, 8, 4}};
  VkSpecializationInfo spec{3, entries, sizeof values, values};
  auto p = make_pipeline(ctx->device(), "spec.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0, &spec);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(64 * 4);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdDispatch(cb, 4, 1, 1);  // 4 groups of 16 (constant 2)
            }),
            VK_SUCCESS);
  for (uint32_t i = 0; i < 64; ++i) ASSERT_EQ(out.data<uint32_t>()[i], 3 * i + 11) << i;

  auto p2 = make_pipeline(ctx->device(), "two_sets.spv",
                          {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}, {{3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0);
  ASSERT_EQ(p2->create_result, VK_SUCCESS);
  Sets s2(ctx->device(), *p2);
  vkrun::Buffer in = ctx->create_buffer(64);
  for (uint32_t i = 0; i < 8; ++i) in.data<uint32_t>()[i] = i * i;
  s2.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  s2.write(1, 3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, in);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p2, s2);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_SUCCESS);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out.data<uint32_t>()[i], i * i * 3 + 1);
  ctx->destroy(out);
  ctx->destroy(in);
}

TEST(VkDispatch, UpdateTemplate) {
  auto ctx = vktest::make_context();
  auto p = make_pipeline(ctx->device(), "two_sets.spv",
                         {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}, {{3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 0);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(64), in = ctx->create_buffer(64);
  for (uint32_t i = 0; i < 8; ++i) in.data<uint32_t>()[i] = 10 + i;
  struct Record {
    uint32_t pad;
    VkDescriptorBufferInfo info;
  };
  Record data[2];
  data[0].info = {out.buffer, 0, VK_WHOLE_SIZE};
  data[1].info = {in.buffer, 0, VK_WHOLE_SIZE};
  for (uint32_t set = 0; set < 2; ++set) {
    VkDescriptorUpdateTemplateEntry e{};
    e.dstBinding = set == 0 ? 0 : 3;
    e.descriptorCount = 1;
    e.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    e.offset = offsetof(Record, info);
    e.stride = sizeof data[0];
    VkDescriptorUpdateTemplateCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO;
    ci.descriptorUpdateEntryCount = 1;
    ci.pDescriptorUpdateEntries = &e;
    ci.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET;
    ci.descriptorSetLayout = p->set_layouts[set];
    VkDescriptorUpdateTemplate t;
    VK_OK(vkCreateDescriptorUpdateTemplate(ctx->device(), &ci, nullptr, &t));
    vkUpdateDescriptorSetWithTemplate(ctx->device(), s.sets[set], t, &data[set]);
    vkDestroyDescriptorUpdateTemplate(ctx->device(), t, nullptr);
  }
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, s);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_SUCCESS);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out.data<uint32_t>()[i], (10 + i) * 3 + 1);
  ctx->destroy(out);
  ctx->destroy(in);
}

TEST(VkTransfer, CopyFillUpdate) {
  auto ctx = vktest::make_context();
  vkrun::Buffer a = ctx->create_buffer(8192), b = ctx->create_buffer(8192);
  for (uint32_t i = 0; i < 2048; ++i) a.data<uint32_t>()[i] = i * 7;
  const uint32_t words[4] = {1, 2, 3, 4};
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              VkBufferCopy region{16, 32, 4000};
              vkCmdCopyBuffer(cb, a.buffer, b.buffer, 1, &region);
              vkrun::Context::barrier(cb);
              vkCmdFillBuffer(cb, b.buffer, 6000, 1000, 0xcafef00d);
              vkrun::Context::barrier(cb);
              vkCmdUpdateBuffer(cb, b.buffer, 8000, sizeof words, words);
              vkrun::Context::barrier(cb);
              VkBufferCopy2 r2{};
              r2.sType = VK_STRUCTURE_TYPE_BUFFER_COPY_2;
              r2.srcOffset = 8000;
              r2.dstOffset = 4;
              r2.size = 16;
              VkCopyBufferInfo2 ci{};
              ci.sType = VK_STRUCTURE_TYPE_COPY_BUFFER_INFO_2;
              ci.srcBuffer = b.buffer;
              ci.dstBuffer = a.buffer;
              ci.regionCount = 1;
              ci.pRegions = &r2;
              vkCmdCopyBuffer2(cb, &ci);
            }),
            VK_SUCCESS);
  const uint32_t* vb = b.data<uint32_t>();
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_EQ(vb[8 + i], (4 + i) * 7) << i;
  EXPECT_EQ(vb[7], 0u);
  EXPECT_EQ(vb[1008], 0u);
  for (uint32_t i = 1500; i < 1750; ++i) ASSERT_EQ(vb[i], 0xcafef00du);
  EXPECT_EQ(vb[1750], 0u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(vb[2000 + i], words[i]);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(a.data<uint32_t>()[1 + i], words[i]);
  EXPECT_EQ(a.data<uint32_t>()[5], 5u * 7);
  ctx->destroy(a);
  ctx->destroy(b);
}

TEST(VkCommandBuffer, SecondaryAndReuse) {
  auto ctx = vktest::make_context();
  vkrun::Buffer b = ctx->create_buffer(4096);
  VkCommandBufferAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  ai.commandPool = ctx->command_pool();
  ai.level = VK_COMMAND_BUFFER_LEVEL_SECONDARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer sec;
  VK_OK(vkAllocateCommandBuffers(ctx->device(), &ai, &sec));
  VkCommandBufferInheritanceInfo inh{};
  inh.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO;
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  bi.flags = VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT;
  bi.pInheritanceInfo = &inh;
  VK_OK(vkBeginCommandBuffer(sec, &bi));
  vkCmdFillBuffer(sec, b.buffer, 0, 256, 0x11111111);
  VK_OK(vkEndCommandBuffer(sec));
  for (int round = 0; round < 2; ++round) {
    std::memset(b.mapped, 0, 4096);
    ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
                vkCmdExecuteCommands(cb, 1, &sec);
                vkrun::Context::barrier(cb);
                vkCmdFillBuffer(cb, b.buffer, 256, 256, 0x22222222);
              }),
              VK_SUCCESS);
    EXPECT_EQ(b.data<uint32_t>()[0], 0x11111111u);
    EXPECT_EQ(b.data<uint32_t>()[63], 0x11111111u);
    EXPECT_EQ(b.data<uint32_t>()[64], 0x22222222u);
    EXPECT_EQ(b.data<uint32_t>()[128], 0u);
  }
  vkFreeCommandBuffers(ctx->device(), ctx->command_pool(), 1, &sec);
  ctx->destroy(b);
}

TEST(VkQuery, TimestampsAreOrderedAndAvailable) {
  auto ctx = vktest::make_context();
  VkQueryPoolCreateInfo qci{};
  qci.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
  qci.queryType = VK_QUERY_TYPE_TIMESTAMP;
  qci.queryCount = 4;
  VkQueryPool pool;
  VK_OK(vkCreateQueryPool(ctx->device(), &qci, nullptr, &pool));
  vkResetQueryPool(ctx->device(), pool, 0, 4);
  uint64_t results[4][2];
  // Nothing written yet: not ready.
  EXPECT_EQ(vkGetQueryPoolResults(ctx->device(), pool, 0, 2, sizeof results, results, 16,
                                  VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WITH_AVAILABILITY_BIT),
            VK_NOT_READY);
  vkrun::Buffer big = ctx->create_buffer(1 << 20), copy = ctx->create_buffer(256);
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              vkCmdResetQueryPool(cb, pool, 0, 4);
              vkCmdWriteTimestamp2(cb, VK_PIPELINE_STAGE_2_NONE, pool, 0);
              vkCmdFillBuffer(cb, big.buffer, 0, VK_WHOLE_SIZE, 5);
              vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, 1);
              vkCmdCopyQueryPoolResults(cb, pool, 0, 2, copy.buffer, 0, 16,
                                        VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT |
                                            VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
            }),
            VK_SUCCESS);
  ASSERT_EQ(vkGetQueryPoolResults(ctx->device(), pool, 0, 2, sizeof results, results, 16,
                                  VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WITH_AVAILABILITY_BIT),
            VK_SUCCESS);
  EXPECT_EQ(results[0][1], 1u);
  EXPECT_EQ(results[1][1], 1u);
  EXPECT_GT(results[1][0], results[0][0]);  // the fill took time
  EXPECT_EQ(copy.data<uint64_t>()[0], results[0][0]);
  EXPECT_EQ(copy.data<uint64_t>()[1], 1u);
  EXPECT_EQ(copy.data<uint64_t>()[2], results[1][0]);
  // Query 2 was reset and never written.
  EXPECT_EQ(vkGetQueryPoolResults(ctx->device(), pool, 2, 1, 16, results, 16, VK_QUERY_RESULT_64_BIT), VK_NOT_READY);
  vkDestroyQueryPool(ctx->device(), pool, nullptr);
  ctx->destroy(big);
  ctx->destroy(copy);
}

TEST(VkQuery, PipelineStatisticsCountComputeInvocations) {
  auto ctx = vktest::make_context();
  VkPhysicalDeviceFeatures f;
  vkGetPhysicalDeviceFeatures(ctx->physical(), &f);
  ASSERT_TRUE(f.pipelineStatisticsQuery);
  auto p = make_pipeline(ctx->device(), "ids.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets s(ctx->device(), *p);
  vkrun::Buffer out = ctx->create_buffer(64 * 1024), args = ctx->create_buffer(64);
  s.write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out);
  const uint32_t counts[3] = {5, 2, 1};
  std::memcpy(args.mapped, counts, sizeof counts);
  VkQueryPoolCreateInfo qci{};
  qci.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO;
  qci.queryType = VK_QUERY_TYPE_PIPELINE_STATISTICS;
  qci.queryCount = 3;
  // Graphics statistics may not be queried on a compute-only queue.
  qci.pipelineStatistics = VK_QUERY_PIPELINE_STATISTIC_COMPUTE_SHADER_INVOCATIONS_BIT;
  VkQueryPool pool;
  VK_OK(vkCreateQueryPool(ctx->device(), &qci, nullptr, &pool));
  vkrun::Buffer copy = ctx->create_buffer(256);
  const uint32_t push[2] = {0, 1u << 30};
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              vkCmdResetQueryPool(cb, pool, 0, 3);
              bind(cb, *p, s);
              vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8, push);
              // Query 0: direct dispatches only; query 1: direct + indirect; query 2: nothing.
              vkCmdBeginQuery(cb, pool, 0, 0);
              vkCmdDispatch(cb, 3, 1, 1);
              vkCmdDispatchBase(cb, 1, 0, 0, 2, 2, 1);
              vkCmdEndQuery(cb, pool, 0);
              vkCmdBeginQuery(cb, pool, 1, 0);
              vkCmdDispatch(cb, 1, 1, 1);
              vkCmdDispatchIndirect(cb, args.buffer, 0);
              vkCmdDispatchIndirect(cb, args.buffer, 0);
              vkCmdEndQuery(cb, pool, 1);
              vkCmdBeginQuery(cb, pool, 2, 0);
              vkCmdEndQuery(cb, pool, 2);
              vkCmdCopyQueryPoolResults(cb, pool, 0, 3, copy.buffer, 0, 16,
                                        VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT |
                                            VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
            }),
            VK_SUCCESS);
  uint64_t r[3][2];
  ASSERT_EQ(vkGetQueryPoolResults(ctx->device(), pool, 0, 3, sizeof r, r, 16,
                                  VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WITH_AVAILABILITY_BIT),
            VK_SUCCESS);
  const uint64_t wg = 32;  // ids.comp local_size_x
  EXPECT_EQ(r[0][0], (3 + 4) * wg);
  EXPECT_EQ(r[0][1], 1u);
  EXPECT_EQ(r[1][0], (1 + 2 * 10) * wg);  // one direct group + two indirect 5x2x1 dispatches
  EXPECT_EQ(r[2][0], 0u);
  EXPECT_EQ(r[2][1], 1u);
  for (int q = 0; q < 3; ++q)
    for (int v = 0; v < 2; ++v) EXPECT_EQ(copy.data<uint64_t>()[q * 2 + v], r[q][v]) << q << " " << v;
  vkDestroyQueryPool(ctx->device(), pool, nullptr);
  ctx->destroy(out);
  ctx->destroy(args);
  ctx->destroy(copy);
}

TEST(VkPipelineCache, RoundTripsCompiledBinaries) {
  auto ctx = vktest::make_context();
  VkPipelineCacheCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
  VkPipelineCache cache;
  VK_OK(vkCreatePipelineCache(ctx->device(), &ci, nullptr, &cache));
  auto p = make_pipeline(ctx->device(), "ids.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8, nullptr, cache);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  size_t size = 0;
  VK_OK(vkGetPipelineCacheData(ctx->device(), cache, &size, nullptr));
  ASSERT_GT(size, 32u);
  std::vector<uint8_t> blob(size);
  VK_OK(vkGetPipelineCacheData(ctx->device(), cache, &size, blob.data()));
  // Header: length, version ONE, vendor and device ids, UUID.
  uint32_t header[4];
  std::memcpy(header, blob.data(), sizeof header);
  EXPECT_EQ(header[0], 32u);
  EXPECT_EQ(header[1], uint32_t(VK_PIPELINE_CACHE_HEADER_VERSION_ONE));
  EXPECT_EQ(header[2], ctx->properties().vendorID);
  EXPECT_EQ(0, std::memcmp(blob.data() + 16, ctx->properties().pipelineCacheUUID, VK_UUID_SIZE));
  // A too-small buffer gets VK_INCOMPLETE.
  size_t small = 8;
  EXPECT_EQ(vkGetPipelineCacheData(ctx->device(), cache, &small, blob.data()), VK_INCOMPLETE);

  vkDestroyPipelineCache(ctx->device(), cache, nullptr);

  // A second device has its own (empty) implicit cache: there, creating the pipeline with
  // FAIL_ON_PIPELINE_COMPILE_REQUIRED fails with an empty cache and succeeds with the saved data.
  VkPhysicalDeviceVulkan13Features f13{};
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.maintenance4 = VK_TRUE;
  f13.pipelineCreationCacheControl = VK_TRUE;
  VkDevice dev2;
  VK_OK(vktest::create_device(ctx->physical(), &dev2, &f13));
  {
    auto probe = make_pipeline(dev2, "ids.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8);  // for its layout
    // probe compiled ids.spv into dev2's implicit cache; a specialised variant is new to it.
    auto words = vkrun::read_spirv(vkrun::spv_path("spec.spv"));
    VkShaderModuleCreateInfo smci{};
    smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    smci.codeSize = words.size() * 4;
    smci.pCode = words.data();
    VkShaderModule module;
    VK_OK(vkCreateShaderModule(dev2, &smci, nullptr, &module));
    const uint32_t values[3] = {5, 6, 32};
    const VkSpecializationMapEntry entries[3] = {{0, 0, 4}, {1, 4, 4}, {2, 8, 4}};
    VkSpecializationInfo spec{3, entries, sizeof values, values};
    const VkComputePipelineCreateInfo cpci = vktest::compute_pipeline_info(
        module, probe->layout, VK_PIPELINE_CREATE_FAIL_ON_PIPELINE_COMPILE_REQUIRED_BIT, &spec);
    VkPipeline pipe = VK_NULL_HANDLE;
    VkPipelineCache empty;
    ci.initialDataSize = 0;
    ci.pInitialData = nullptr;
    VK_OK(vkCreatePipelineCache(dev2, &ci, nullptr, &empty));
    EXPECT_EQ(vkCreateComputePipelines(dev2, empty, 1, &cpci, nullptr, &pipe), VK_PIPELINE_COMPILE_REQUIRED);
    EXPECT_EQ(pipe, VK_NULL_HANDLE);

    // Compile the variant on the first device into a cache, save it, load it on the second.
    auto p1 = make_pipeline(ctx->device(), "spec.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8, &spec);
    VkPipelineCache c1;
    VK_OK(vkCreatePipelineCache(ctx->device(), &ci, nullptr, &c1));
    auto p1c = make_pipeline(ctx->device(), "spec.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8, &spec, c1);
    ASSERT_EQ(p1c->create_result, VK_SUCCESS);
    size_t n = 0;
    VK_OK(vkGetPipelineCacheData(ctx->device(), c1, &n, nullptr));
    std::vector<uint8_t> data(n);
    VK_OK(vkGetPipelineCacheData(ctx->device(), c1, &n, data.data()));
    ci.initialDataSize = data.size();
    ci.pInitialData = data.data();
    VkPipelineCache loaded;
    VK_OK(vkCreatePipelineCache(dev2, &ci, nullptr, &loaded));
    EXPECT_EQ(vkCreateComputePipelines(dev2, loaded, 1, &cpci, nullptr, &pipe), VK_SUCCESS);
    vkDestroyPipeline(dev2, pipe, nullptr);

    // Garbage initial data is ignored, not an error; merging makes the entry available.
    std::vector<uint8_t> junk(100, 0x5a);
    ci.initialDataSize = junk.size();
    ci.pInitialData = junk.data();
    VkPipelineCache junk_cache;
    VK_OK(vkCreatePipelineCache(dev2, &ci, nullptr, &junk_cache));
    VK_OK(vkMergePipelineCaches(dev2, junk_cache, 1, &loaded));
    pipe = VK_NULL_HANDLE;
    EXPECT_EQ(vkCreateComputePipelines(dev2, junk_cache, 1, &cpci, nullptr, &pipe), VK_SUCCESS);
    vkDestroyPipeline(dev2, pipe, nullptr);
    for (auto c : {empty, loaded, junk_cache}) vkDestroyPipelineCache(dev2, c, nullptr);
    vkDestroyPipelineCache(ctx->device(), c1, nullptr);
    vkDestroyShaderModule(dev2, module, nullptr);
  }
  vkDestroyDevice(dev2, nullptr);
}

TEST(VkDescriptors, CopiedSetsAndDeviceLocalMemory) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  auto p = make_pipeline(dev, "ids.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  Sets a(dev, *p), b(dev, *p);

  // The output lives in device-local memory the host cannot map; a copy brings it back.
  VkBufferCreateInfo bci{};
  bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  bci.size = 4096;
  bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
  VkBuffer gpu_only;
  VK_OK(vkCreateBuffer(dev, &bci, nullptr, &gpu_only));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(dev, gpu_only, &req);
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(ctx->physical(), &mp);
  uint32_t type = UINT32_MAX;
  for (uint32_t i = 0; i < mp.memoryTypeCount; ++i)
    if ((req.memoryTypeBits & (1u << i)) && !(mp.memoryTypes[i].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
      type = i;
  ASSERT_NE(type, UINT32_MAX);
  VkMemoryAllocateInfo mai{};
  mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  mai.allocationSize = req.size;
  mai.memoryTypeIndex = type;
  VkDeviceMemory mem;
  VK_OK(vkAllocateMemory(dev, &mai, nullptr, &mem));
  VK_OK(vkBindBufferMemory(dev, gpu_only, mem, 0));

  // Write the descriptor into set a, copy it into set b, dispatch with b.
  VkDescriptorBufferInfo info{gpu_only, 0, VK_WHOLE_SIZE};
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.dstSet = a.sets[0];
  w.descriptorCount = 1;
  w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  w.pBufferInfo = &info;
  VkCopyDescriptorSet c{};
  c.sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET;
  c.srcSet = a.sets[0];
  c.dstSet = b.sets[0];
  c.descriptorCount = 1;
  vkUpdateDescriptorSets(dev, 1, &w, 1, &c);
  vkrun::Buffer readback = ctx->create_buffer(4096);
  const uint32_t push[2] = {3, 64};
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              bind(cb, *p, b);
              vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8, push);
              vkCmdDispatch(cb, 2, 1, 1);
              vkrun::Context::barrier(cb);
              VkBufferCopy region{0, 0, 256};
              vkCmdCopyBuffer(cb, gpu_only, readback.buffer, 1, &region);
            }),
            VK_SUCCESS);
  for (uint32_t i = 0; i < 64; ++i) ASSERT_EQ(readback.data<uint32_t>()[i], (i / 32) * 1000 + i % 32 + 3) << i;

  // Queue and pool housekeeping entry points.
  VkDeviceQueueInfo2 qi{};
  qi.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_INFO_2;
  qi.queueFamilyIndex = ctx->queue_family();
  VkQueue q2 = VK_NULL_HANDLE;
  vkGetDeviceQueue2(dev, &qi, &q2);
  EXPECT_EQ(q2, ctx->queue());
  vkTrimCommandPool(dev, ctx->command_pool(), 0);
  VK_OK(vkResetCommandPool(dev, ctx->command_pool(), 0));

  ctx->destroy(readback);
  vkDestroyBuffer(dev, gpu_only, nullptr);
  vkFreeMemory(dev, mem, nullptr);
}

TEST(VkPipeline, InvalidSpirvFailsCleanly) {
  auto ctx = vktest::make_context();
  // A module that is valid SPIR-V for the loader but uses a capability the compiler refuses is
  // reported as a creation failure, not a crash.
  uint32_t words[5] = {0x07230203, 0x00010000, 0, 1, 0};
  VkShaderModuleCreateInfo smci{};
  smci.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
  smci.codeSize = sizeof words;
  smci.pCode = words;
  VkShaderModule module;
  VK_OK(vkCreateShaderModule(ctx->device(), &smci, nullptr, &module));
  VkPipelineLayoutCreateInfo plci{};
  plci.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
  VkPipelineLayout layout;
  VK_OK(vkCreatePipelineLayout(ctx->device(), &plci, nullptr, &layout));
  VkComputePipelineCreateInfo cpci{};
  cpci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
  cpci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  cpci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  cpci.stage.module = module;
  cpci.stage.pName = "main";
  cpci.layout = layout;
  VkPipeline pipe = VK_NULL_HANDLE;
  EXPECT_NE(vkCreateComputePipelines(ctx->device(), VK_NULL_HANDLE, 1, &cpci, nullptr, &pipe), VK_SUCCESS);
  EXPECT_EQ(pipe, VK_NULL_HANDLE);
  vkDestroyPipelineLayout(ctx->device(), layout, nullptr);
  vkDestroyShaderModule(ctx->device(), module, nullptr);
}

}  // namespace

namespace {

// A host-visible storage buffer of 'bytes' on 'dev' (the context's memory types: same physical
// device), filled with 0xff.
vkrun::Buffer device_buffer(vkrun::Context& ctx, VkDevice dev, VkDeviceSize bytes) {
  vkrun::Buffer b = vktest::usage_buffer(ctx, bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, dev);
  std::memset(b.mapped, 0xff, bytes);
  return b;
}

// Queue family 2 is a second compute family (its own kernel context). A device with one queue on
// family 0 and one on family 2 -- what the CTS's *_compute_only_queue cases create -- runs a dispatch
// on each queue, both submitted before either is waited for, each with its own results.
TEST(VkDispatch, AsyncComputeFamilyRunsBesideTheUniversalQueue) {
  auto ctx = vktest::make_context();
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(ctx->physical(), &n, nullptr);
  std::vector<VkQueueFamilyProperties> families(n);
  vkGetPhysicalDeviceQueueFamilyProperties(ctx->physical(), &n, families.data());
  ASSERT_GE(n, 3u);
  ASSERT_TRUE(families[2].queueFlags & VK_QUEUE_COMPUTE_BIT);
  ASSERT_FALSE(families[2].queueFlags & VK_QUEUE_GRAPHICS_BIT);

  const uint32_t family[2] = {0, 2};
  float prio = 1;
  VkDeviceQueueCreateInfo q[2]{};
  for (uint32_t i = 0; i < 2; ++i) {
    q[i].sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    q[i].queueFamilyIndex = family[i];
    q[i].queueCount = 1;
    q[i].pQueuePriorities = &prio;
  }
  VkPhysicalDeviceVulkan13Features f13{};
  f13.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES;
  f13.maintenance4 = VK_TRUE;  // glslang's Vulkan 1.3 SPIR-V declares the workgroup size with LocalSizeId
  VkDeviceCreateInfo dci{};
  dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  dci.pNext = &f13;
  dci.queueCreateInfoCount = 2;
  dci.pQueueCreateInfos = q;
  VkDevice dev;
  VK_OK(vkCreateDevice(ctx->physical(), &dci, nullptr, &dev));
  {
    auto p = make_pipeline(dev, "ids.spv", {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}}, 8);
    ASSERT_EQ(p->create_result, VK_SUCCESS);
    constexpr uint32_t kGroups = 4, kValues = kGroups * 32;
    std::array<std::unique_ptr<Sets>, 2> sets;
    std::array<vkrun::Buffer, 2> out;
    std::array<VkCommandPool, 2> pools{};
    std::array<VkCommandBuffer, 2> cbs{};
    std::array<VkFence, 2> fences{};
    for (uint32_t i = 0; i < 2; ++i) {
      sets[i] = std::make_unique<Sets>(dev, *p);
      out[i] = device_buffer(*ctx, dev, kValues * 4);
      sets[i]->write(0, 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, out[i]);
      VkCommandPoolCreateInfo cpi{};
      cpi.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
      cpi.queueFamilyIndex = family[i];
      VK_OK(vkCreateCommandPool(dev, &cpi, nullptr, &pools[i]));
      VkCommandBufferAllocateInfo cai{};
      cai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
      cai.commandPool = pools[i];
      cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
      cai.commandBufferCount = 1;
      VK_OK(vkAllocateCommandBuffers(dev, &cai, &cbs[i]));
      VkCommandBufferBeginInfo bi{};
      bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
      VK_OK(vkBeginCommandBuffer(cbs[i], &bi));
      bind(cbs[i], *p, *sets[i]);
      const uint32_t push[2] = {100000 * (family[i] + 1), kValues};
      vkCmdPushConstants(cbs[i], p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8, push);
      vkCmdDispatch(cbs[i], kGroups, 1, 1);
      VK_OK(vkEndCommandBuffer(cbs[i]));
      VkFenceCreateInfo fci{};
      fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
      VK_OK(vkCreateFence(dev, &fci, nullptr, &fences[i]));
    }
    for (uint32_t i = 0; i < 2; ++i) {
      VkQueue queue = VK_NULL_HANDLE;
      vkGetDeviceQueue(dev, family[i], 0, &queue);
      ASSERT_NE(queue, VK_NULL_HANDLE) << "family " << family[i];
      VkSubmitInfo si{};
      si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
      si.commandBufferCount = 1;
      si.pCommandBuffers = &cbs[i];
      EXPECT_EQ(vkQueueSubmit(queue, 1, &si, fences[i]), VK_SUCCESS);
    }
    EXPECT_EQ(vkWaitForFences(dev, 2, fences.data(), VK_TRUE, 60'000'000'000ull), VK_SUCCESS);
    for (uint32_t i = 0; i < 2; ++i) {
      const uint32_t* v = static_cast<const uint32_t*>(out[i].mapped);
      for (uint32_t g = 0; g < kGroups; ++g)
        for (uint32_t l = 0; l < 32; ++l)
          ASSERT_EQ(v[g * 32 + l], 100000 * (family[i] + 1) + g * 1000 + l) << "family " << family[i];
      vkDestroyFence(dev, fences[i], nullptr);
      vkDestroyCommandPool(dev, pools[i], nullptr);
      vkDestroyBuffer(dev, out[i].buffer, nullptr);
      vkFreeMemory(dev, out[i].memory, nullptr);
    }
  }
  vkDestroyDevice(dev, nullptr);
}

}  // namespace
