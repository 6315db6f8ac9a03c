// Scratch memory for programs that spill VGPRs (mica.toml [launch_abi]): a program whose binary
// entry has scratch_bytes != 0 finds in s[10:11] the address of a read/write buffer, 256-byte
// aligned, of at least scratch_bytes * wave_size * cu_count * wave_slots_per_cu bytes.
//
// Until the compiler spills on its own, the spilling program is hand-assembled and reaches the
// driver the way any binary can: through a pipeline cache. The test compiles an ordinary shader
// into a cache, swaps the cached binary for the assembled one under the same key, and creates the
// pipeline again from that cache.
#include "vk_test.h"

#include "mica/isa/assembler.h"
#include "mica/isa/binary.h"

#include <cstring>
#include <cstdio>
#include <string>

namespace {

using vktest::make_pipeline;
using vktest::submit_and_wait;

constexpr uint32_t kPipelineCacheHeaderBytes = 16 + VK_UUID_SIZE;
constexpr uint32_t kDigestBytes = 32;
constexpr uint32_t kWaveSize = 32, kWaveSlotsPerCu = 32;

uint32_t get_u32(const std::vector<uint8_t>& b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}

std::vector<uint8_t> cache_data(VkDevice device, VkPipelineCache cache) {
  size_t size = 0;
  vkrun::check(vkGetPipelineCacheData(device, cache, &size, nullptr), "vkGetPipelineCacheData");
  std::vector<uint8_t> data(size);
  vkrun::check(vkGetPipelineCacheData(device, cache, &size, data.data()), "vkGetPipelineCacheData");
  return data;
}

// Every lane writes lane + 1000 at scratch + probe + lane * 4 (probe from the push constants),
// reads it back and stores it to out[lane]; out[32] = s10 (the low address bits).
std::string spilling_program(uint32_t revision, uint32_t profile, uint32_t scratch_bytes) {
  return ".target r" + std::to_string(revision) + "\n.profile " + (profile == 0 ? "perf" : "lowpower") +
         "\n.kernel main\n.workgroup 32\n.vgprs 16\n.sgprs 32\n.scratch " +
         std::to_string(scratch_bytes) + R"(
    s_nop 7                               ; no memory access right after launch (SEC_WAVE_START_TLB)
    s_load_b64 s[26:27], off, s[0:1]      ; set 0's address from the set table
    s_waitcnt ls(0)
    s_nop 4
    s_load_b128 s[20:23], off, s[26:27]   ; its binding 0 entry: the output buffer
    s_load_b32 s24, off, s[2:3]           ; push constant: probe offset in the scratch buffer
    s_waitcnt ls(0)
    s_nop 4
    v_shl_b32 v4, v0, 2
    s_nop 4
    v_add_u32 v6, v4, s24
    v_add_u32 v7, v0, 1000
    s_nop 4
    global_store_b32 v6, s[10:11], v7
    s_waitcnt gm(0)
    global_load_b32 v8, v6, s[10:11]
    s_waitcnt gm(0)
    s_nop 4
    global_store_b32 v4, s[20:21], v8
    v_mov_b32 v9, s10
    v_mov_b32 v10, 128
    s_nop 4
    global_store_b32 v10, s[20:21], v9
    s_endpgm
)";
}

// A pipeline for 'spv' whose binary is replaced by spilling_program(scratch_bytes): the cache the
// pipeline is created from holds the assembled program under the key of 'spv'.
struct SpillingPipeline {
  VkDevice device = VK_NULL_HANDLE;
  VkPipelineCache cache = VK_NULL_HANDLE;
  std::unique_ptr<vktest::TestPipeline> pipeline;
  ~SpillingPipeline() {
    pipeline.reset();
    if (cache) vkDestroyPipelineCache(device, cache, nullptr);
  }
};

const std::vector<std::vector<vktest::SetBinding>> kSets = {{{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}};
constexpr uint32_t kPushBytes = 8;

void make_spilling_pipeline(VkDevice dev, const std::string& spv, uint32_t scratch_bytes, SpillingPipeline& out) {
  out.device = dev;
  // 1. The ordinary pipeline fills a cache with one binary under the pipeline's key.
  VkPipelineCacheCreateInfo cci{};
  cci.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
  VkPipelineCache first;
  VK_OK(vkCreatePipelineCache(dev, &cci, nullptr, &first));
  {
    auto p = make_pipeline(dev, spv, kSets, kPushBytes, nullptr, first);
    ASSERT_EQ(p->create_result, VK_SUCCESS);
  }
  std::vector<uint8_t> blob = cache_data(dev, first);
  vkDestroyPipelineCache(dev, first, nullptr);
  // header | magic, version, count | digest, size, binary
  const size_t body = kPipelineCacheHeaderBytes;
  ASSERT_GE(blob.size(), body + 12 + kDigestBytes + 4);
  ASSERT_EQ(get_u32(blob, body + 8), 1u) << "one binary expected in the cache";
  const size_t size_at = body + 12 + kDigestBytes;
  const std::vector<uint8_t> compiled(blob.begin() + size_at + 4, blob.end());
  ASSERT_EQ(compiled.size(), get_u32(blob, size_at));
  auto parsed = mica::isa::parse_binary(compiled);
  ASSERT_TRUE(std::holds_alternative<mica::isa::Binary>(parsed));
  const auto& original = std::get<mica::isa::Binary>(parsed);

  // 2. The same key now names the assembled program that uses scratch.
  auto as = mica::isa::assemble(spilling_program(original.target_revision, original.power_profile, scratch_bytes),
                                "spill.s");
  ASSERT_TRUE(as.binary) << (as.diagnostics.empty() ? "" : as.diagnostics[0].format());
  ASSERT_EQ(as.binary->entries.at(0).scratch_bytes, scratch_bytes);
  const std::vector<uint8_t> spilling = as.binary->serialize();
  blob.resize(size_at);
  const uint32_t n = uint32_t(spilling.size());
  blob.insert(blob.end(), reinterpret_cast<const uint8_t*>(&n), reinterpret_cast<const uint8_t*>(&n) + 4);
  blob.insert(blob.end(), spilling.begin(), spilling.end());
  cci.initialDataSize = blob.size();
  cci.pInitialData = blob.data();
  VK_OK(vkCreatePipelineCache(dev, &cci, nullptr, &out.cache));
  out.pipeline = make_pipeline(dev, spv, kSets, kPushBytes, nullptr, out.cache);
  ASSERT_EQ(out.pipeline->create_result, VK_SUCCESS);
}

TEST(VkScratch, SpillingProgramsGetAScratchBufferLargeEnough) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  // The CU count is in the device name ("Mica rN (C CUs ...)"); the scratch size depends on it.
  // (sscanf, not <regex>: GCC 12's -O2 -Wmaybe-uninitialized misfires inside std::regex.)
  const std::string name = ctx->properties().deviceName;
  const size_t open = name.find('(');
  unsigned cus = 0;
  ASSERT_TRUE(open != std::string::npos && std::sscanf(name.c_str() + open, "(%u CUs", &cus) == 1 && cus > 0)
      << name;
  const uint32_t cu_count = cus;
  auto required = [&](uint32_t scratch_bytes) { return uint64_t{scratch_bytes} * kWaveSize * cu_count * kWaveSlotsPerCu; };

  // Two programs under two pipelines' keys: a small and an eight times larger scratch need.
  SpillingPipeline small, large;
  ASSERT_NO_FATAL_FAILURE(make_spilling_pipeline(dev, "num_groups.spv", 64, small));
  ASSERT_NO_FATAL_FAILURE(make_spilling_pipeline(dev, "ids.spv", 512, large));

  vkrun::Buffer out_small = ctx->create_buffer(33 * 4), out_large = ctx->create_buffer(33 * 4);
  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
  VkDescriptorPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  pci.maxSets = 2;
  pci.poolSizeCount = 1;
  pci.pPoolSizes = &ps;
  VkDescriptorPool pool;
  VK_OK(vkCreateDescriptorPool(dev, &pci, nullptr, &pool));
  VkDescriptorSet sets[2];
  const VkDescriptorSetLayout layouts[2] = {small.pipeline->set_layouts[0], large.pipeline->set_layouts[0]};
  VkDescriptorSetAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  ai.descriptorPool = pool;
  ai.descriptorSetCount = 2;
  ai.pSetLayouts = layouts;
  VK_OK(vkAllocateDescriptorSets(dev, &ai, sets));
  for (int i = 0; i < 2; ++i) {
    VkDescriptorBufferInfo bi{(i ? out_large : out_small).buffer, 0, VK_WHOLE_SIZE};
    VkWriteDescriptorSet w{};
    w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    w.dstSet = sets[i];
    w.descriptorCount = 1;
    w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    w.pBufferInfo = &bi;
    vkUpdateDescriptorSets(dev, 1, &w, 0, nullptr);
  }
  // Each program probes the last 128 bytes the ABI promises it: the buffer must be mapped
  // read/write that far.
  const uint32_t probe_small = uint32_t(required(64) - kWaveSize * 4);
  const uint32_t probe_large = uint32_t(required(512) - kWaveSize * 4);
  auto dispatch = [&](VkCommandBuffer cb, const SpillingPipeline& p, VkDescriptorSet set, uint32_t probe) {
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline->pipeline);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline->layout, 0, 1, &set, 0, nullptr);
    vkCmdPushConstants(cb, p.pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 4, &probe);
    vkCmdDispatch(cb, 1, 1, 1);
  };
  auto check = [&](vkrun::Buffer& out, const char* what) {
    for (uint32_t l = 0; l < kWaveSize; ++l) ASSERT_EQ(out.data<uint32_t>()[l], l + 1000) << what << " lane " << l;
    EXPECT_EQ(out.data<uint32_t>()[32] % 256, 0u) << what << ": scratch buffer not 256-byte aligned";
    std::memset(out.mapped, 0, out.size);
  };
  std::memset(out_small.mapped, 0, out_small.size);
  std::memset(out_large.mapped, 0, out_large.size);

  // The small program alone; then the large one (the queue's buffer grows); then the small one
  // again and both in one submission (the buffer is sized for the largest).
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) { dispatch(cb, small, sets[0], probe_small); }), VK_SUCCESS);
  check(out_small, "small");
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) { dispatch(cb, large, sets[1], probe_large); }), VK_SUCCESS);
  check(out_large, "large");
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) { dispatch(cb, small, sets[0], probe_small); }), VK_SUCCESS);
  check(out_small, "small again");
  ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
              dispatch(cb, small, sets[0], probe_small);
              dispatch(cb, large, sets[1], probe_large);
            }),
            VK_SUCCESS);
  check(out_small, "small with large");
  check(out_large, "large with small");

  vkDestroyDescriptorPool(dev, pool, nullptr);
  ctx->destroy(out_small);
  ctx->destroy(out_large);
}

}  // namespace
