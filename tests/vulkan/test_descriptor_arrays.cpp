// Arrays of buffer descriptors and the binding limits (issue 15): arrays of storage and uniform
// buffers (plain and dynamic) indexed by constants, dynamically uniform and non-uniform indices,
// runtime-sized arrays, robust access through arrays, descriptor writes/copies/templates that roll
// over array ends, eight sets with binding numbers in the tens of thousands, 65536-element arrays,
// the advertised limits against Vulkan 1.3's minimums, and randomly generated layouts and shaders
// (checked against a host model, and against lavapipe when MICA_VK_LAVAPIPE=1).
#include "vk_test.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <tuple>

namespace {

using vktest::make_pipeline;
using vktest::SetBinding;
using vktest::submit_and_wait;

constexpr VkDescriptorType kSsbo = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
constexpr VkDescriptorType kUbo = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
constexpr VkDescriptorType kSsboDyn = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
constexpr VkDescriptorType kUboDyn = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC;
constexpr uint32_t kAlign = 256;  // every offset below: a multiple of any device's minimum alignment

void write_buffers(VkDevice dev, VkDescriptorSet set, uint32_t binding, uint32_t element, VkDescriptorType type,
                   const std::vector<VkDescriptorBufferInfo>& infos) {
  VkWriteDescriptorSet w{};
  w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
  w.dstSet = set;
  w.dstBinding = binding;
  w.dstArrayElement = element;
  w.descriptorCount = uint32_t(infos.size());
  w.descriptorType = type;
  w.pBufferInfo = infos.data();
  vkUpdateDescriptorSets(dev, 1, &w, 0, nullptr);
}

// ---- ssbo_array.comp: constant, uniform and non-uniform indices, length(), atomics, stores ----

constexpr uint32_t kInputs = 4, kInputStride = 2048;
uint32_t input_len(uint32_t k) { return 128 + 16 * k; }  // data[] elements of inputs[k]

struct SsboArrayRun {
  vkrun::Buffer in, out;
  std::vector<VkDescriptorBufferInfo> inputs() const {
    std::vector<VkDescriptorBufferInfo> v;
    for (uint32_t k = 0; k < kInputs; ++k) v.push_back({in.buffer, k * kInputStride, 4 + 4 * input_len(k)});
    return v;
  }
};

SsboArrayRun make_ssbo_array_buffers(vkrun::Context& ctx) {
  SsboArrayRun r{ctx.create_buffer(kInputs * kInputStride), ctx.create_buffer(64 * 8 * 4)};
  auto* w = r.in.data<uint32_t>();
  for (uint32_t k = 0; k < kInputs; ++k) {
    uint32_t* b = w + k * kInputStride / 4;
    b[0] = 1000 * (k + 1);
    for (uint32_t j = 0; j < input_len(k); ++j) b[1 + j] = k * 10000 + j;
  }
  std::memset(r.out.mapped, 0xee, r.out.size);
  return r;
}

void check_ssbo_array_results(SsboArrayRun& r) {
  const uint32_t which = 2;
  auto data = [&](uint32_t k, uint32_t j) { return r.in.data<uint32_t>()[k * kInputStride / 4 + 1 + j]; };
  const uint32_t* o = r.out.data<uint32_t>();
  for (uint32_t i = 0; i < 64; ++i) {
    SCOPED_TRACE("invocation " + std::to_string(i));
    uint32_t sum = 0;
    for (uint32_t k = 0; k < kInputs; ++k) sum += (k * 10000 + i) * (k + 1);
    EXPECT_EQ(o[i * 8 + 0], i + 4000u);                        // inputs[0].data[i] + inputs[3].base
    EXPECT_EQ(o[i * 8 + 1], which * 10000 + i);                // inputs[pc.which]
    EXPECT_EQ(o[i * 8 + 2], sum);                              // loop over inputs[k]
    EXPECT_EQ(o[i * 8 + 3], (i % 4) * 10000 + i);              // inputs[nonuniform i % 4]
    EXPECT_EQ(o[i * 8 + 4], input_len(i % 4));                 // ... .length()
    EXPECT_EQ(o[i * 8 + 5], input_len(which));
    EXPECT_EQ(o[i * 8 + 6], input_len(2));
    // Stores through a non-uniform index: data[64 + i] of inputs[(i + 1) % 4].
    EXPECT_EQ(data((i + 1) % 4, 64 + i), i * 3);
  }
  // Atomics through a non-uniform index: 64 lanes over inputs[i % 3].
  const uint32_t* w = r.in.data<uint32_t>();
  EXPECT_EQ(w[0 * kInputStride / 4], 1000u + 22);
  EXPECT_EQ(w[1 * kInputStride / 4], 2000u + 21);
  EXPECT_EQ(w[2 * kInputStride / 4], 3000u + 21);
  EXPECT_EQ(w[3 * kInputStride / 4], 4000u);
}

void run_ssbo_array(vkrun::Context& ctx, VkDescriptorSet set, const vktest::TestPipeline& p) {
  const uint32_t push[2] = {2, kInputs};
  VK_OK(submit_and_wait(ctx, [&](VkCommandBuffer cb) {
    vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, 1, &set, 0, nullptr);
    vkCmdPushConstants(cb, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
    vkCmdDispatch(cb, 1, 1, 1);
  }));
}

// (robust buffer access, SPIR-V file): the same shader for Vulkan 1.3 (StorageBuffer) and Vulkan 1.0
// (Uniform + BufferBlock on the array's element type).
class SsboArray : public ::testing::TestWithParam<std::tuple<bool, const char*>> {};

TEST_P(SsboArray, ConstantUniformAndNonUniformIndices) {
  auto ctx = vktest::make_context(std::get<0>(GetParam()));
  auto p = make_pipeline(ctx->device(), std::get<1>(GetParam()), {{{0, kSsbo, kInputs}, {1, kSsbo}}}, 8);
  VK_OK(p->create_result);
  vktest::Sets s(ctx->device(), *p);
  auto r = make_ssbo_array_buffers(*ctx);
  write_buffers(ctx->device(), s.sets[0], 0, 0, kSsbo, r.inputs());
  s.write(0, 1, kSsbo, r.out);
  run_ssbo_array(*ctx, s.sets[0], *p);
  check_ssbo_array_results(r);
  ctx->destroy(r.in);
  ctx->destroy(r.out);
}

INSTANTIATE_TEST_SUITE_P(RobustBufferAccessAndTargets, SsboArray,
                         ::testing::Combine(::testing::Bool(),
                                            ::testing::Values("ssbo_array.spv", "ssbo_array_vulkan10.spv")));

// Writes in pieces that roll over from one binding into the next (vkUpdateDescriptorSets and an
// update template), then a copy of all five descriptors (rolling over too) into a second set,
// which the shader uses.
TEST(VkDescriptorArrays, WritesCopiesAndTemplatesRollOverBindings) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  auto p = make_pipeline(dev, "ssbo_array.spv", {{{0, kSsbo, kInputs}, {1, kSsbo}}}, 8);
  VK_OK(p->create_result);
  vktest::Sets src(dev, *p), dst(dev, *p);
  auto r = make_ssbo_array_buffers(*ctx);
  auto infos = r.inputs();
  infos.push_back({r.out.buffer, 0, VK_WHOLE_SIZE});
  write_buffers(dev, src.sets[0], 0, 0, kSsbo, {infos[0], infos[1]});
  // Elements 2 and 3 of binding 0, then binding 1's element 0, through one template entry.
  VkDescriptorUpdateTemplateEntry entry{0, 2, 3, kSsbo, 0, sizeof(VkDescriptorBufferInfo)};
  VkDescriptorUpdateTemplateCreateInfo tci{};
  tci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO;
  tci.descriptorUpdateEntryCount = 1;
  tci.pDescriptorUpdateEntries = &entry;
  tci.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET;
  tci.descriptorSetLayout = p->set_layouts[0];
  VkDescriptorUpdateTemplate tmpl;
  VK_OK(vkCreateDescriptorUpdateTemplate(dev, &tci, nullptr, &tmpl));
  vkUpdateDescriptorSetWithTemplate(dev, src.sets[0], tmpl, infos.data() + 2);
  vkDestroyDescriptorUpdateTemplate(dev, tmpl, nullptr);
  // dst gets wrong descriptors first, then the copy of all five over them.
  write_buffers(dev, dst.sets[0], 0, 0, kSsbo, {infos[3], infos[2], infos[1], infos[0], infos[4]});
  VkCopyDescriptorSet copy{};
  copy.sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET;
  copy.srcSet = src.sets[0];
  copy.dstSet = dst.sets[0];
  copy.descriptorCount = 5;
  vkUpdateDescriptorSets(dev, 0, nullptr, 1, &copy);
  run_ssbo_array(*ctx, dst.sets[0], *p);
  check_ssbo_array_results(r);
  ctx->destroy(r.in);
  ctx->destroy(r.out);
}

// ---- ubo_array.comp: arrays of uniform buffers, plain and dynamic ----

class UboArray : public ::testing::TestWithParam<VkDescriptorType> {};

TEST_P(UboArray, PlainAndDynamicElements) {
  const VkDescriptorType type = GetParam();
  const bool dynamic = type == kUboDyn;
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  auto p = make_pipeline(dev, "ubo_array.spv", {{{0, type, 3}, {2, kUbo}}, {{5, kSsbo}, {7, kSsbo, 4}}}, 4);
  VK_OK(p->create_result);
  vktest::Sets s(dev, *p);
  // Element k's block at k * 256 (+ its dynamic offset (k + 1) * 1024); the block at the
  // descriptor's own offset holds different values when a dynamic offset applies.
  auto ubo = ctx->create_buffer(8192);
  std::memset(ubo.mapped, 0xab, ubo.size);
  const uint32_t dyn[3] = {1024, 2048, 3072};
  std::vector<VkDescriptorBufferInfo> infos;
  for (uint32_t k = 0; k < 3; ++k) {
    infos.push_back({ubo.buffer, k * kAlign, 64});
    uint32_t* block = ubo.data<uint32_t>() + (k * kAlign + (dynamic ? dyn[k] : 0)) / 4;
    for (uint32_t j = 0; j < 4; ++j)
      for (uint32_t c = 0; c < 4; ++c) block[j * 4 + c] = 100 * k + 10 * j + c + 1;
  }
  write_buffers(dev, s.sets[0], 0, 0, type, infos);
  s.write(0, 2, kUbo, ubo, 6912, 16);  // 'single'
  ubo.data<uint32_t>()[6912 / 4] = 4711;
  auto out = ctx->create_buffer(64 * 5 * 4);
  auto elems = ctx->create_buffer(4 * kAlign);
  for (uint32_t k = 0; k < 4; ++k) elems.data<uint32_t>()[k * kAlign / 4] = 4242 + k;
  s.write(1, 5, kSsbo, out);
  std::vector<VkDescriptorBufferInfo> e;
  for (uint32_t k = 0; k < 4; ++k) e.push_back({elems.buffer, k * kAlign, 4});
  write_buffers(dev, s.sets[1], 7, 0, kSsbo, e);
  const uint32_t which = 1;
  VK_OK(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
    vktest::bind(cb, *p, s, dynamic ? 3 : 0, dynamic ? dyn : nullptr);
    vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 4, &which);
    vkCmdDispatch(cb, 1, 1, 1);
  }));
  auto v = [](uint32_t k, uint32_t j, uint32_t c) { return 100 * k + 10 * j + c + 1; };
  const uint32_t* o = out.data<uint32_t>();
  for (uint32_t i = 0; i < 64; ++i) {
    SCOPED_TRACE("invocation " + std::to_string(i));
    EXPECT_EQ(o[i * 5 + 0], v(0, i % 4, 0) + v(2, 3, 3));
    EXPECT_EQ(o[i * 5 + 1], v(which, i % 4, 1));
    EXPECT_EQ(o[i * 5 + 2], v(i % 3, (i / 3) % 4, 2));
    EXPECT_EQ(o[i * 5 + 3], 4711u);
    EXPECT_EQ(o[i * 5 + 4], 4242u);  // a single block over an array binding: element 0
  }
  ctx->destroy(ubo);
  ctx->destroy(out);
  ctx->destroy(elems);
}

INSTANTIATE_TEST_SUITE_P(Types, UboArray, ::testing::Values(kUbo, kUboDyn));

// ---- runtime_array.comp: runtime-sized arrays, and a 65536-element binding ----

TEST(VkDescriptorArrays, RuntimeArrayUpToLargeCounts) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  for (uint32_t count : {6u, 65536u}) {
    SCOPED_TRACE("count " + std::to_string(count));
    auto p = make_pipeline(dev, "runtime_array.spv", {{{3, kSsbo, count}}, {{0, kSsbo}}}, 8);
    VK_OK(p->create_result);
    vktest::Sets s(dev, *p);
    auto values = ctx->create_buffer(64 * kAlign);
    auto out = ctx->create_buffer(64 * 4);
    const uint32_t n = std::min(count, 64u), first = count - n;
    std::vector<VkDescriptorBufferInfo> infos;
    for (uint32_t k = 0; k < n; ++k) {
      values.data<uint32_t>()[k * kAlign / 4] = 50 + k;
      infos.push_back({values.buffer, k * kAlign, 4});
    }
    // Every element a statically used binding has must be valid (no partiallyBound): all point
    // at a zero word first.
    values.data<uint32_t>()[63 * kAlign / 4 + 4] = 0;
    write_buffers(dev, s.sets[0], 3, 0, kSsbo,
                  std::vector<VkDescriptorBufferInfo>(count, {values.buffer, 63 * kAlign + 16, 4}));
    write_buffers(dev, s.sets[0], 3, first, kSsbo, infos);
    s.write(1, 0, kSsbo, out);
    const uint32_t push[2] = {n, first};
    VK_OK(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
      vktest::bind(cb, *p, s);
      vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
      vkCmdDispatch(cb, 1, 1, 1);
    }));
    for (uint32_t i = 0; i < 64; ++i) EXPECT_EQ(out.data<uint32_t>()[i], 50 + i % n) << i;
    ctx->destroy(values);
    ctx->destroy(out);
  }
}

// ---- eight_sets.comp: eight sets, binding numbers up to 28681 ----

TEST(VkDescriptorArrays, EightSetsWithFarApartBindings) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  std::vector<std::vector<SetBinding>> layout;
  for (uint32_t set = 0; set < 8; ++set)
    layout.push_back({{set * 4096 + 9, set == 4 || set == 5 ? kUbo : kSsbo, set == 7 ? 2u : 1u}});
  auto p = make_pipeline(dev, "eight_sets.spv", layout, 0);
  VK_OK(p->create_result);
  vktest::Sets s(dev, *p);
  auto buf = ctx->create_buffer(16 * kAlign);
  for (uint32_t k = 0; k < 9; ++k) buf.data<uint32_t>()[k * kAlign / 4] = 10 + k;
  for (uint32_t set = 0; set < 8; ++set) {
    const VkDescriptorType type = set == 4 || set == 5 ? kUbo : kSsbo;
    std::vector<VkDescriptorBufferInfo> infos{{buf.buffer, set * kAlign, set == 0 ? 64u : 16u}};
    if (set == 7) infos.push_back({buf.buffer, 8 * kAlign, 16});
    write_buffers(dev, s.sets[set], set * 4096 + 9, 0, type, infos);
  }
  VK_OK(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
    vktest::bind(cb, *p, s);
    vkCmdDispatch(cb, 1, 1, 1);
  }));
  const uint32_t* o = buf.data<uint32_t>() + 1;
  for (uint32_t set = 0; set < 7; ++set) EXPECT_EQ(o[set], (10 + set) * (set + 1)) << set;
  EXPECT_EQ(o[7], (10u + 8) * 8);  // b7[1]: the second element of set 7's array
  ctx->destroy(buf);
}

// ---- robust_array.comp: robust buffer access through an array (Mica's defined behaviour) ----

TEST(VkDescriptorArrays, RobustAccessPastTheArrayOrTheBuffer) {
  auto ctx = vktest::make_context(true);
  VkDevice dev = ctx->device();
  auto p = make_pipeline(dev, "robust_array.spv", {{{0, kSsbo, 2}, {1, kSsbo}}}, 8);
  VK_OK(p->create_result);
  vktest::Sets s(dev, *p);
  auto bufs = ctx->create_buffer(2 * kAlign);
  auto out = ctx->create_buffer(16);
  for (uint32_t k = 0; k < 2 * kAlign / 4; ++k) bufs.data<uint32_t>()[k] = 900 + k;
  write_buffers(dev, s.sets[0], 0, 0, kSsbo, {{bufs.buffer, 0, 64}, {bufs.buffer, kAlign, 32}});
  s.write(0, 1, kSsbo, out);
  auto run = [&](uint32_t which, uint32_t at) {
    std::memset(out.mapped, 0xee, 16);
    const uint32_t push[2] = {which, at};
    VK_OK(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
      vktest::bind(cb, *p, s);
      vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof push, push);
      vkCmdDispatch(cb, 1, 1, 1);
    }));
  };
  const uint32_t* o = out.data<uint32_t>();
  uint32_t* w = bufs.data<uint32_t>();
  run(1, 3);  // inside: element 1 is 8 words at word 64
  EXPECT_EQ(o[0], 900u + 64 + 3);
  EXPECT_EQ(o[1], 8u);
  EXPECT_EQ(o[2], 77u);
  EXPECT_EQ(w[64 + 3], 82u);
  // Past the buffer's range: reads 0, stores and atomics dropped (an atomic's result is then
  // undefined, so o[2] is not checked).
  run(1, 8);
  EXPECT_EQ(o[0], 0u);
  EXPECT_EQ(o[1], 8u);
  EXPECT_EQ(w[64 + 8], 900u + 64 + 8);
  run(5, 0);  // past the array's count: a descriptor of size 0
  EXPECT_EQ(o[0], 0u);
  EXPECT_EQ(o[1], 0u);
  for (uint32_t k = 0; k < 2 * kAlign / 4; ++k) {
    if (k == 64 + 3) continue;
    ASSERT_EQ(w[k], 900 + k) << k;
  }
  ctx->destroy(bufs);
  ctx->destroy(out);
}

// ---- limits ----

TEST(VkDescriptorArrays, LimitsAtLeastVulkan13MinimumsAndHonest) {
  auto ctx = vktest::make_context();
  VkPhysicalDeviceVulkan11Properties p11{};
  p11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES;
  VkPhysicalDeviceProperties2 props{};
  props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
  props.pNext = &p11;
  vkGetPhysicalDeviceProperties2(ctx->physical(), &props);
  const auto& l = props.properties.limits;
  EXPECT_EQ(l.maxBoundDescriptorSets, 32u);  // mica.toml [launch_abi] descriptor_sets_max
  EXPECT_GE(l.maxPerStageDescriptorUniformBuffers, 12u);
  EXPECT_GE(l.maxPerStageDescriptorStorageBuffers, 4u);
  EXPECT_GE(l.maxPerStageResources, 128u);
  EXPECT_GE(l.maxDescriptorSetUniformBuffers, 72u);
  EXPECT_GE(l.maxDescriptorSetUniformBuffersDynamic, 8u);
  EXPECT_GE(l.maxDescriptorSetStorageBuffers, 24u);
  EXPECT_GE(l.maxDescriptorSetStorageBuffersDynamic, 4u);
  EXPECT_GE(p11.maxPerSetDescriptors, 1024u);
  VkPhysicalDeviceFeatures f{};
  vkGetPhysicalDeviceFeatures(ctx->physical(), &f);
  EXPECT_TRUE(f.shaderUniformBufferArrayDynamicIndexing);
  EXPECT_TRUE(f.shaderStorageBufferArrayDynamicIndexing);

  // Layouts at the advertised limits are supported; one more descriptor is not.
  auto supported = [&](std::vector<VkDescriptorSetLayoutBinding> b) {
    VkDescriptorSetLayoutCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    ci.bindingCount = uint32_t(b.size());
    ci.pBindings = b.data();
    VkDescriptorSetLayoutSupport s{};
    s.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_SUPPORT;
    vkGetDescriptorSetLayoutSupport(ctx->device(), &ci, &s);
    return s.supported == VK_TRUE;
  };
  const auto stage = VK_SHADER_STAGE_COMPUTE_BIT;
  EXPECT_TRUE(supported({{0, kSsbo, p11.maxPerSetDescriptors, stage, nullptr}}));
  EXPECT_FALSE(supported({{0, kSsbo, p11.maxPerSetDescriptors + 1, stage, nullptr}}));
  EXPECT_TRUE(supported({{0, kUboDyn, l.maxDescriptorSetUniformBuffersDynamic, stage, nullptr}}));
  // The two dynamic limits are separate: both at their maximum fit one layout, one more does not.
  EXPECT_TRUE(supported({{0, kUboDyn, l.maxDescriptorSetUniformBuffersDynamic, stage, nullptr},
                         {1, kSsboDyn, l.maxDescriptorSetStorageBuffersDynamic, stage, nullptr}}));
  EXPECT_FALSE(supported({{0, kUboDyn, l.maxDescriptorSetUniformBuffersDynamic, stage, nullptr},
                          {1, kUboDyn, 1, stage, nullptr}}));
  EXPECT_FALSE(supported({{0, kSsboDyn, l.maxDescriptorSetStorageBuffersDynamic + 1, stage, nullptr}}));
  // Images are set elements too (texture-unit descriptors), and so are input attachments (no use in
  // compute, but layouts must take them).
  EXPECT_TRUE(supported({{0, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, l.maxDescriptorSetStorageImages, stage, nullptr}}));
  EXPECT_TRUE(supported({{0, VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT, l.maxDescriptorSetInputAttachments, stage, nullptr}}));
  EXPECT_FALSE(supported({{0, VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT, l.maxDescriptorSetInputAttachments + 1, stage, nullptr}}));
}

// ---- random layouts and shaders ----

// One generated case: sets of bindings (type, count, how the shader declares and indexes them);
// every descriptor element points at its own word holding a unique value; the shader writes each
// binding's value per invocation to out[i * bindings + j] (set 0, binding 'out_binding').
struct RandomBinding {
  uint32_t set, binding, count;
  VkDescriptorType type;
  enum class Index { single, constant, uniform, non_uniform } index;
  uint32_t constant = 0;       // Index::constant: the element read
  uint32_t first_slot = 0;     // element e's value sits at slot first_slot + e
  std::vector<uint32_t> dyn;   // dynamic offsets (bytes), one per element
};

struct RandomCase {
  std::vector<RandomBinding> bindings;
  uint32_t sets = 1, out_binding = 0, slots = 0;
  std::string glsl;
};

// non_uniform: whether bindings may be indexed per lane (else such bindings use a uniform index).
RandomCase generate(uint32_t seed, uint32_t max_sets, bool non_uniform) {
  std::mt19937 rng(seed);
  auto pick = [&](uint32_t n) { return uint32_t(rng() % n); };
  RandomCase c;
  c.sets = 1 + pick(max_sets);
  // Cases of up to 8 sets stay within Vulkan 1.3's minimum per-stage limits (12 uniform buffers,
  // 8 + 4 dynamic ones) and lavapipe's 32 storage buffers, so lavapipe can run them too; the
  // others use Mica's limits.
  const bool portable = max_sets <= 8;
  uint32_t ubos = 0, ssbos = 0, ubo_dyn = 0, ssbo_dyn = 0;
  for (uint32_t set = 0; set < c.sets; ++set) {
    uint32_t binding = pick(3);
    const uint32_t n = pick(4) + (set == 0 ? 0 : 1);
    for (uint32_t k = 0; k < n; ++k) {
      RandomBinding b;
      b.set = set;
      b.binding = binding;
      b.count = 1 + pick(5);
      b.type = std::array{kSsbo, kUbo, kSsboDyn, kUboDyn}[pick(4)];
      if (portable) {
        const bool ubo = b.type == kUbo || b.type == kUboDyn;
        if (b.type == kUboDyn && ubo_dyn + b.count > 8) b.type = kUbo;
        if (b.type == kSsboDyn && ssbo_dyn + b.count > 4) b.type = kSsbo;
        if (ubo && ubos + b.count > 12) b.type = kSsbo;
        if (!ubo && ssbos + b.count > 28) b.type = kUbo;
        if ((b.type == kUbo || b.type == kUboDyn) ? ubos + b.count > 12 : ssbos + b.count > 28) break;
        ((b.type == kUbo || b.type == kUboDyn) ? ubos : ssbos) += b.count;
        if (b.type == kUboDyn) ubo_dyn += b.count;
        if (b.type == kSsboDyn) ssbo_dyn += b.count;
      }
      b.index = RandomBinding::Index(pick(4));
      if (!non_uniform && b.index == RandomBinding::Index::non_uniform) b.index = RandomBinding::Index::uniform;
      b.constant = pick(b.count);
      b.first_slot = c.slots;
      c.slots += b.count;
      for (uint32_t e = 0; e < b.count; ++e) b.dyn.push_back(b.type == kSsboDyn || b.type == kUboDyn ? kAlign * (1 + pick(3)) : 0);
      c.bindings.push_back(b);
      // Mostly small gaps, sometimes binding numbers in the thousands (glslang takes < 65535).
      const uint32_t jump = pick(6) == 0 ? 1000 + pick(40000) : pick(3);
      binding += 1 + (binding + jump < 60000 ? jump : 0);
    }
    if (set == 0) c.out_binding = binding;
  }
  std::ostringstream g;
  g << "#version 450\n#extension GL_EXT_nonuniform_qualifier : require\nlayout(local_size_x = 64) in;\n";
  g << "layout(std430, set = 0, binding = " << c.out_binding << ") buffer Out { uint o[]; };\n";
  g << "layout(push_constant) uniform P { uint zero; } pc;\n";
  for (size_t j = 0; j < c.bindings.size(); ++j) {
    const auto& b = c.bindings[j];
    const bool ubo = b.type == kUbo || b.type == kUboDyn;
    g << "layout(" << (ubo ? "std140" : "std430") << ", set = " << b.set << ", binding = " << b.binding << ") "
      << (ubo ? "uniform" : "readonly buffer") << " B" << j << " { uint v; } b" << j;
    if (b.index != RandomBinding::Index::single) g << "[" << b.count << "]";
    g << ";\n";
  }
  g << "void main() {\n  uint i = gl_LocalInvocationID.x;\n  uint n = " << c.bindings.size() << "u;\n";
  for (size_t j = 0; j < c.bindings.size(); ++j) {
    const auto& b = c.bindings[j];
    g << "  o[i * n + " << j << "u] = b" << j;
    switch (b.index) {
    case RandomBinding::Index::single: break;
    case RandomBinding::Index::constant: g << "[" << b.constant << "]"; break;
    case RandomBinding::Index::uniform: g << "[(pc.zero + " << b.constant << "u) % " << b.count << "u]"; break;
    case RandomBinding::Index::non_uniform: g << "[nonuniformEXT(i % " << b.count << "u)]"; break;
    }
    g << ".v;\n";
  }
  g << "}\n";
  c.glsl = g.str();
  return c;
}

uint32_t slot_value(uint32_t slot) { return 0x5000 + slot * 7; }

uint32_t expected(const RandomCase& c, size_t j, uint32_t i) {
  const auto& b = c.bindings[j];
  switch (b.index) {
  case RandomBinding::Index::single: return slot_value(b.first_slot);
  case RandomBinding::Index::constant:
  case RandomBinding::Index::uniform: return slot_value(b.first_slot + b.constant);
  case RandomBinding::Index::non_uniform: return slot_value(b.first_slot + i % b.count);
  }
  return 0;
}

std::vector<uint32_t> compile_glsl(const std::string& glsl) {
  const char* glslang = std::getenv("MICA_GLSLANG");
  if (!glslang) return {};
  char dir[] = "/tmp/mica_vk_desc_XXXXXX";
  if (!mkdtemp(dir)) return {};
  const std::string src = std::string(dir) + "/case.comp", spv = std::string(dir) + "/case.spv";
  std::ofstream(src) << glsl;
  const std::string cmd = std::string(glslang) + " -V --quiet --target-env vulkan1.3 -o " + spv + " " + src;
  std::vector<uint32_t> words;
  if (std::system(cmd.c_str()) == 0) words = vkrun::read_spirv(spv);
  unlink(src.c_str());
  unlink(spv.c_str());
  rmdir(dir);
  return words;
}

// Runs the case on 'ctx' and returns the output words.
std::vector<uint32_t> run_random(vkrun::Context& ctx, const RandomCase& c, const std::vector<uint32_t>& spirv) {
  std::vector<std::vector<SetBinding>> layout(c.sets);
  for (const auto& b : c.bindings) layout[b.set].push_back({b.binding, b.type, b.count});
  layout[0].push_back({c.out_binding, kSsbo, 1});
  auto p = make_pipeline(ctx.device(), "", layout, 4, nullptr, VK_NULL_HANDLE, &spirv);
  EXPECT_EQ(p->create_result, VK_SUCCESS);
  if (p->create_result != VK_SUCCESS) return {};
  vktest::Sets s(ctx.device(), *p);
  // Slot k's word at k * 1024 + its dynamic offset (at most 768); the descriptor's own offset
  // holds a wrong value when a dynamic offset applies.
  constexpr uint32_t kSlot = 4 * kAlign;
  auto values = ctx.create_buffer((c.slots + 1) * kSlot);
  std::memset(values.mapped, 0xcd, values.size);
  const uint32_t words = uint32_t(c.bindings.size()) * 64;
  auto out = ctx.create_buffer(words * 4);
  std::memset(out.mapped, 0, out.size);
  std::vector<uint32_t> dyn;
  for (uint32_t set = 0; set < c.sets; ++set)
    for (const auto& b : c.bindings) {  // binding order within a set = generation order
      if (b.set != set) continue;
      std::vector<VkDescriptorBufferInfo> infos;
      for (uint32_t e = 0; e < b.count; ++e) {
        const uint32_t slot = b.first_slot + e;
        values.data<uint32_t>()[(slot * kSlot + b.dyn[e]) / 4] = slot_value(slot);
        infos.push_back({values.buffer, slot * kSlot, 16});
        if (b.type == kSsboDyn || b.type == kUboDyn) dyn.push_back(b.dyn[e]);
      }
      write_buffers(ctx.device(), s.sets[set], b.binding, 0, b.type, infos);
    }
  s.write(0, c.out_binding, kSsbo, out);
  const uint32_t zero = 0;
  EXPECT_EQ(submit_and_wait(ctx, [&](VkCommandBuffer cb) {
              vktest::bind(cb, *p, s, uint32_t(dyn.size()), dyn.data());
              vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 4, &zero);
              vkCmdDispatch(cb, 1, 1, 1);
            }),
            VK_SUCCESS);
  std::vector<uint32_t> result(out.data<uint32_t>(), out.data<uint32_t>() + words);
  ctx.destroy(values);
  ctx.destroy(out);
  return result;
}

std::vector<uint32_t> host_model(const RandomCase& c) {
  std::vector<uint32_t> r;
  for (uint32_t i = 0; i < 64; ++i)
    for (size_t j = 0; j < c.bindings.size(); ++j) r.push_back(expected(c, j, i));
  return r;
}

void check_random(uint32_t seed, uint32_t max_sets) {
  const RandomCase c = generate(seed, max_sets, true);
  SCOPED_TRACE("seed " + std::to_string(seed) + ", shader:\n" + c.glsl);
  if (!std::getenv("MICA_GLSLANG")) {
    GTEST_SKIP() << "MICA_GLSLANG (glslangValidator) is not set; meson test sets it";
  }
  const auto spirv = compile_glsl(c.glsl);
  ASSERT_FALSE(spirv.empty()) << "glslangValidator refused the generated shader";
  auto ctx = vktest::make_context();
  const auto mica = run_random(*ctx, c, spirv);
  const auto model = host_model(c);
  ASSERT_EQ(mica.size(), model.size());
  for (size_t k = 0; k < model.size(); ++k)
    ASSERT_EQ(mica[k], model[k]) << "invocation " << k / c.bindings.size() << ", binding " << k % c.bindings.size();
  const char* lvp = std::getenv("MICA_VK_LAVAPIPE");
  if (!lvp || *lvp != '1' || c.sets > 8) return;
  // lavapipe (Mesa 22.3) has no non-uniform indexing of buffer arrays: the same case with uniform
  // indices instead, on both devices.
  const RandomCase u = generate(seed, max_sets, false);
  const auto uniform_spirv = compile_glsl(u.glsl);
  ASSERT_FALSE(uniform_spirv.empty());
  vkrun::Context lavapipe("llvmpipe");
  const auto reference = run_random(lavapipe, u, uniform_spirv);
  EXPECT_EQ(reference, host_model(u)) << "lavapipe disagrees with the host model";
  EXPECT_EQ(run_random(*ctx, u, uniform_spirv), reference) << "Mica disagrees with lavapipe";
}

class RandomLayouts : public ::testing::TestWithParam<uint32_t> {};

// Up to 8 sets (what lavapipe also supports), and up to Mica's 32.
TEST_P(RandomLayouts, MatchTheHostModel) { check_random(GetParam(), GetParam() % 3 == 0 ? 32 : 8); }

INSTANTIATE_TEST_SUITE_P(Seeds, RandomLayouts, ::testing::Range(0u, 24u));

// ---- arrays of texel buffers ----

// shaderUniformTexelBufferArrayDynamicIndexing / shaderStorageTexelBufferArrayDynamicIndexing: arrays
// of uniform and storage texel buffers (R32_UINT views of their own buffers) indexed by push
// constants and by a loop counter, loads and stores, three submissions with other indices; every
// value checked against the host. (dEQP-VK.binding_model.descriptorset_random's compute cases need
// both features: NotSupported before.)
TEST(VkDescriptorArrays, TexelBufferArraysWithDynamicallyUniformIndices) {
  auto ctx = vktest::make_context();
  VkDevice dev = ctx->device();
  VkPhysicalDeviceVulkan12Features f12{};
  f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
  VkPhysicalDeviceFeatures2 f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  f.pNext = &f12;
  vkGetPhysicalDeviceFeatures2(ctx->physical(), &f);
  ASSERT_TRUE(f12.shaderUniformTexelBufferArrayDynamicIndexing);
  ASSERT_TRUE(f12.shaderStorageTexelBufferArrayDynamicIndexing);

  constexpr uint32_t kU = 4, kS = 3, kN = 32;
  auto p = make_pipeline(dev, "texel_buffer_array.spv",
                         {{{0, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, kU},
                           {1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, kS},
                           {2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER}}},
                         12);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  std::vector<vkrun::Buffer> ub, sb;
  std::vector<VkBufferView> views;
  auto view_of = [&](const vkrun::Buffer& b) {
    VkBufferViewCreateInfo vi{};
    vi.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO;
    vi.buffer = b.buffer;
    vi.format = VK_FORMAT_R32_UINT;
    vi.range = VK_WHOLE_SIZE;
    VkBufferView v;
    vkrun::check(vkCreateBufferView(dev, &vi, nullptr, &v), "vkCreateBufferView");
    views.push_back(v);
    return v;
  };
  // Host copies of the texel buffers: u[a][l] = 100 * (a + 1) + l, s[b][l] = b + 1 (then stores).
  std::vector<std::vector<uint32_t>> u(kU, std::vector<uint32_t>(kN)), s(kS, std::vector<uint32_t>(kN));
  for (uint32_t a = 0; a < kU; ++a) {
    ub.push_back(vktest::usage_buffer(*ctx, kN * 4, VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT));
    for (uint32_t l = 0; l < kN; ++l) ub[a].data<uint32_t>()[l] = u[a][l] = 100 * (a + 1) + l;
  }
  for (uint32_t b = 0; b < kS; ++b) {
    sb.push_back(vktest::usage_buffer(*ctx, kN * 4, VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT));
    for (uint32_t l = 0; l < kN; ++l) sb[b].data<uint32_t>()[l] = s[b][l] = b + 1;
  }
  vkrun::Buffer out = ctx->create_buffer(2 * kN * 4);

  const VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, kU},
                                        {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, kS},
                                        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1}};
  VkDescriptorPoolCreateInfo pci{};
  pci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  pci.maxSets = 1;
  pci.poolSizeCount = 3;
  pci.pPoolSizes = sizes;
  VkDescriptorPool pool;
  VK_OK(vkCreateDescriptorPool(dev, &pci, nullptr, &pool));
  VkDescriptorSetAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
  ai.descriptorPool = pool;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = p->set_layouts.data();
  VkDescriptorSet set;
  VK_OK(vkAllocateDescriptorSets(dev, &ai, &set));
  std::vector<VkBufferView> uv, sv;
  for (auto& b : ub) uv.push_back(view_of(b));
  for (auto& b : sb) sv.push_back(view_of(b));
  const VkDescriptorBufferInfo oi{out.buffer, 0, VK_WHOLE_SIZE};
  VkWriteDescriptorSet w[3]{};
  for (auto& x : w) {
    x.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
    x.dstSet = set;
  }
  w[0].dstBinding = 0;
  w[0].descriptorCount = kU;
  w[0].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
  w[0].pTexelBufferView = uv.data();
  w[1].dstBinding = 1;
  w[1].descriptorCount = kS;
  w[1].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
  w[1].pTexelBufferView = sv.data();
  w[2].dstBinding = 2;
  w[2].descriptorCount = 1;
  w[2].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  w[2].pBufferInfo = &oi;
  vkUpdateDescriptorSets(dev, 3, w, 0, nullptr);

  const uint32_t cases[][3] = {{2, 0, 4}, {0, 2, 1}, {3, 1, 3}};  // i, j, n
  for (const auto& c : cases) {
    ASSERT_EQ(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
                vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline);
                vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, 1, &set, 0, nullptr);
                vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 12, c);
                vkCmdDispatch(cb, 1, 1, 1);
              }),
              VK_SUCCESS);
    const uint32_t i = c[0], j = c[1], n = c[2];
    const uint32_t* v = out.data<uint32_t>();
    for (uint32_t l = 0; l < kN; ++l) {
      uint32_t sum = 0;
      for (uint32_t k = 0; k < n; ++k) sum += u[k][l];
      ASSERT_EQ(v[l], u[i][l] + s[j][l] * 1000) << "i " << i << " j " << j << " lane " << l;
      ASSERT_EQ(v[kN + l], sum) << "n " << n << " lane " << l;
    }
    // The store went to s[(i + 1) % 3] and nowhere else.
    s[(i + 1) % kS].assign(kN, 0);
    for (uint32_t l = 0; l < kN; ++l) s[(i + 1) % kS][l] = l + 7 + i;
    for (uint32_t b = 0; b < kS; ++b)
      for (uint32_t l = 0; l < kN; ++l) ASSERT_EQ(sb[b].data<uint32_t>()[l], s[b][l]) << "s[" << b << "][" << l << "]";
  }
  vkDestroyDescriptorPool(dev, pool, nullptr);
  for (VkBufferView v : views) vkDestroyBufferView(dev, v, nullptr);
  for (auto& b : ub) ctx->destroy(b);
  for (auto& b : sb) ctx->destroy(b);
  ctx->destroy(out);
}

}  // namespace
