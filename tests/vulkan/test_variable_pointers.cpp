// SPIR-V variable pointers through the Vulkan driver (VK_KHR_variable_pointers, core in 1.1): the
// features are advertised and enabled, and shaders in SPIR-V assembly (assembled here with
// SPIRV-Tools) run against results computed on the host:
//  * the CTS's variable_pointers.dynamic_offset.select_descriptor_array shape (which the CTS runs
//    through Amber, and Amber asks for a colour attachment format before any compute work): a
//    pointer to a whole array of dynamic storage buffers chosen between two bindings, per lane,
//    then indexed by a push constant and the lane, with dynamic offsets;
//  * a per-lane select and a phi between two storage buffers, and an atomic through a selected
//    pointer, on random data.
// The shaders run on Mica and, when its ICD is loaded too (meson adds it), on lavapipe, each checked
// against the same host results, so the host model is checked against a reference implementation.
#include "vk_test.h"

#include <spirv-tools/libspirv.hpp>

#include <cstring>
#include <random>

namespace {

using vktest::make_pipeline;
using vktest::SetBinding;
using vktest::submit_and_wait;

constexpr VkDescriptorType kSsbo = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
constexpr VkDescriptorType kSsboDyn = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;

std::vector<uint32_t> assemble(const std::string& text) {
  spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
  std::string diag;
  tools.SetMessageConsumer([&](spv_message_level_t, const char*, const spv_position_t& p, const char* m) {
    diag += "line " + std::to_string(p.line + 1) + ": " + m + "\n";
  });
  std::vector<uint32_t> words;
  EXPECT_TRUE(tools.Assemble(text, &words)) << diag;
  EXPECT_TRUE(tools.Validate(words)) << diag;
  return words;
}

TEST(VariablePointers, FeaturesAndExtensionAreAdvertised) {
  auto ctx = vktest::make_context();
  VkPhysicalDeviceVariablePointersFeatures vp{};
  vp.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VARIABLE_POINTERS_FEATURES;
  VkPhysicalDeviceVulkan11Features f11{};
  f11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
  f11.pNext = &vp;
  VkPhysicalDeviceFeatures2 f{};
  f.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  f.pNext = &f11;
  vkGetPhysicalDeviceFeatures2(ctx->physical(), &f);
  EXPECT_TRUE(vp.variablePointersStorageBuffer);
  EXPECT_TRUE(vp.variablePointers);
  EXPECT_EQ(f11.variablePointersStorageBuffer, vp.variablePointersStorageBuffer);
  EXPECT_EQ(f11.variablePointers, vp.variablePointers);
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(ctx->physical(), nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  vkEnumerateDeviceExtensionProperties(ctx->physical(), nullptr, &n, exts.data());
  bool found = false;
  for (const auto& e : exts) found |= std::strcmp(e.extensionName, VK_KHR_VARIABLE_POINTERS_EXTENSION_NAME) == 0;
  EXPECT_TRUE(found);
}

// input0[2] (binding 0) and input1[2] (binding 1): dynamic storage buffers of int data[64] (ArrayStride
// 16, one int per 16 bytes); result (binding 2). Lane i chooses input0 or input1 by (i + idx0) & 1,
// then element (i >> 1) & 1 of that array, then data[(i + idx1) & 63].
const char* kSelectDescriptorArray = R"(
OpCapability Shader
OpCapability VariablePointers
OpExtension "SPV_KHR_variable_pointers"
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main" %lid %pc %result %input0 %input1
OpExecutionMode %main LocalSize 64 1 1
OpDecorate %lid BuiltIn LocalInvocationId
OpMemberDecorate %Indices 0 Offset 0
OpMemberDecorate %Indices 1 Offset 4
OpDecorate %Indices Block
OpDecorate %rtu ArrayStride 4
OpMemberDecorate %Result 0 Offset 0
OpDecorate %Result Block
OpDecorate %result DescriptorSet 0
OpDecorate %result Binding 2
OpDecorate %arr64 ArrayStride 16
OpMemberDecorate %InputData 0 Offset 0
OpDecorate %InputData Block
OpDecorate %input0 DescriptorSet 0
OpDecorate %input0 Binding 0
OpDecorate %input1 DescriptorSet 0
OpDecorate %input1 Binding 1
%void = OpTypeVoid
%bool = OpTypeBool
%u32 = OpTypeInt 32 0
%v3 = OpTypeVector %u32 3
%fn = OpTypeFunction %void
%Indices = OpTypeStruct %u32 %u32
%ppc = OpTypePointer PushConstant %Indices
%ppcu = OpTypePointer PushConstant %u32
%pc = OpVariable %ppc PushConstant
%c0 = OpConstant %u32 0
%c1 = OpConstant %u32 1
%c2 = OpConstant %u32 2
%c63 = OpConstant %u32 63
%c64 = OpConstant %u32 64
%rtu = OpTypeRuntimeArray %u32
%Result = OpTypeStruct %rtu
%presult = OpTypePointer StorageBuffer %Result
%result = OpVariable %presult StorageBuffer
%arr64 = OpTypeArray %u32 %c64
%InputData = OpTypeStruct %arr64
%arr2 = OpTypeArray %InputData %c2
%parr2 = OpTypePointer StorageBuffer %arr2
%psu = OpTypePointer StorageBuffer %u32
%input0 = OpVariable %parr2 StorageBuffer
%input1 = OpVariable %parr2 StorageBuffer
%pin = OpTypePointer Input %v3
%lid = OpVariable %pin Input
%main = OpFunction %void None %fn
%entry = OpLabel
%l3 = OpLoad %v3 %lid
%i = OpCompositeExtract %u32 %l3 0
%p0 = OpAccessChain %ppcu %pc %c0
%idx0 = OpLoad %u32 %p0
%p1 = OpAccessChain %ppcu %pc %c1
%idx1 = OpLoad %u32 %p1
%sel = OpIAdd %u32 %i %idx0
%sel1 = OpBitwiseAnd %u32 %sel %c1
%zero = OpIEqual %bool %sel1 %c0
%vp = OpSelect %parr2 %zero %input0 %input1
%ih = OpShiftRightLogical %u32 %i %c1
%elem = OpBitwiseAnd %u32 %ih %c1
%j0 = OpIAdd %u32 %i %idx1
%j = OpBitwiseAnd %u32 %j0 %c63
%pd = OpAccessChain %psu %vp %elem %c0 %j
%d = OpLoad %u32 %pd
%po = OpAccessChain %psu %result %c0 %i
OpStore %po %d
OpReturn
OpFunctionEnd
)";

// The device a case runs on: Mica (through vktest, with validation when asked) or lavapipe when
// its ICD is loaded (else the case is skipped).
class OnDevice : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    if (GetParam() == "Mica") {
      mica_ = vktest::make_context();
      return;
    }
    try {
      other_ = std::make_unique<vkrun::Context>(GetParam());
    } catch (const std::exception& e) {
      GTEST_SKIP() << e.what();
    }
  }
  vkrun::Context& context() { return mica_ ? *mica_ : *other_; }
  vktest::ContextPtr mica_;
  std::unique_ptr<vkrun::Context> other_;
};

TEST_P(OnDevice, SelectBetweenArraysOfDynamicStorageBuffers) {
  vkrun::Context* ctx = &context();
  VkDevice dev = ctx->device();
  const auto spv = assemble(kSelectDescriptorArray);
  ASSERT_FALSE(spv.empty());
  auto p = make_pipeline(dev, "", {{{0, kSsboDyn, 2}, {1, kSsboDyn, 2}, {2, kSsbo}}}, 8, nullptr, VK_NULL_HANDLE, &spv);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  // Four blocks of 64 x 16 bytes, 1 KiB apart plus a dynamic offset each.
  constexpr uint32_t kBlock = 1024, kSpan = 4096;
  const uint32_t dyn[4] = {256, 0, 512, 768};  // binding 0's two elements, then binding 1's
  auto in = ctx->create_buffer(4 * kSpan);
  std::mt19937 rng(5);
  for (uint32_t w = 0; w < 4 * kSpan / 4; ++w) in.data<uint32_t>()[w] = rng();
  auto out = ctx->create_buffer(64 * 4);
  std::memset(out.mapped, 0xee, out.size);
  vktest::Sets s(dev, *p);
  for (uint32_t b = 0; b < 2; ++b)
    for (uint32_t e = 0; e < 2; ++e) s.write(0, b, kSsboDyn, in, (2 * b + e) * kSpan, kBlock, e);
  s.write(0, 2, kSsbo, out);
  const uint32_t push[2] = {1, 5};
  VK_OK(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
    vktest::bind(cb, *p, s, 4, dyn);
    vkCmdPushConstants(cb, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8, push);
    vkCmdDispatch(cb, 1, 1, 1);
  }));
  for (uint32_t i = 0; i < 64; ++i) {
    const uint32_t binding = ((i + push[0]) & 1) ? 1 : 0, elem = (i >> 1) & 1, j = (i + push[1]) & 63;
    const uint32_t k = 2 * binding + elem;
    const uint32_t want = in.data<uint32_t>()[(k * kSpan + dyn[k] + 16 * j) / 4];
    ASSERT_EQ(out.data<uint32_t>()[i], want) << "lane " << i << " (binding " << binding << ", element " << elem << ")";
  }
  ctx->destroy(in);
  ctx->destroy(out);
}

// a (binding 0), b (binding 1), out (binding 2): out[i] = (a[i] odd ? a[i] : b[i ^ 5]) stored through a
// phi of &out[i] / &out[64 + i] (by a[i] bit 1); an atomic add of 1 through a select of &out[128] /
// &b[64] (by a[i] bit 2).
const char* kSelectPhiAtomic = R"(
OpCapability Shader
OpCapability VariablePointers
OpExtension "SPV_KHR_variable_pointers"
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main" %lid %a %b %out
OpExecutionMode %main LocalSize 64 1 1
OpDecorate %lid BuiltIn LocalInvocationId
OpDecorate %rt ArrayStride 4
OpMemberDecorate %blk 0 Offset 0
OpDecorate %blk Block
OpDecorate %a DescriptorSet 0
OpDecorate %a Binding 0
OpDecorate %b DescriptorSet 0
OpDecorate %b Binding 1
OpDecorate %out DescriptorSet 0
OpDecorate %out Binding 2
%void = OpTypeVoid
%fn = OpTypeFunction %void
%bool = OpTypeBool
%u32 = OpTypeInt 32 0
%v3 = OpTypeVector %u32 3
%rt = OpTypeRuntimeArray %u32
%blk = OpTypeStruct %rt
%pblk = OpTypePointer StorageBuffer %blk
%psu = OpTypePointer StorageBuffer %u32
%pin = OpTypePointer Input %v3
%lid = OpVariable %pin Input
%a = OpVariable %pblk StorageBuffer
%b = OpVariable %pblk StorageBuffer
%out = OpVariable %pblk StorageBuffer
%c0 = OpConstant %u32 0
%c1 = OpConstant %u32 1
%c2 = OpConstant %u32 2
%c4 = OpConstant %u32 4
%c5 = OpConstant %u32 5
%c64 = OpConstant %u32 64
%c128 = OpConstant %u32 128
%main = OpFunction %void None %fn
%entry = OpLabel
%l3 = OpLoad %v3 %lid
%i = OpCompositeExtract %u32 %l3 0
%pai = OpAccessChain %psu %a %c0 %i
%s = OpLoad %u32 %pai
%s1 = OpBitwiseAnd %u32 %s %c1
%odd = OpINotEqual %bool %s1 %c0
%j = OpBitwiseXor %u32 %i %c5
%pbj = OpAccessChain %psu %b %c0 %j
%p = OpSelect %psu %odd %pai %pbj
%v = OpLoad %u32 %p
%s2 = OpBitwiseAnd %u32 %s %c2
%two = OpINotEqual %bool %s2 %c0
OpSelectionMerge %merge None
OpBranchConditional %two %then %else
%then = OpLabel
%qt = OpAccessChain %psu %out %c0 %i
OpBranch %merge
%else = OpLabel
%hi = OpIAdd %u32 %i %c64
%qe = OpAccessChain %psu %out %c0 %hi
OpBranch %merge
%merge = OpLabel
%q = OpPhi %psu %qt %then %qe %else
OpStore %q %v
%s4 = OpBitwiseAnd %u32 %s %c4
%four = OpINotEqual %bool %s4 %c0
%ca = OpAccessChain %psu %out %c0 %c128
%cb = OpAccessChain %psu %b %c0 %c64
%cnt = OpSelect %psu %four %ca %cb
%old = OpAtomicIAdd %u32 %cnt %c1 %c0 %c1
OpReturn
OpFunctionEnd
)";

TEST_P(OnDevice, SelectPhiAndAtomicAcrossBuffers) {
  vkrun::Context* ctx = &context();
  VkDevice dev = ctx->device();
  const auto spv = assemble(kSelectPhiAtomic);
  ASSERT_FALSE(spv.empty());
  auto p = make_pipeline(dev, "", {{{0, kSsbo}, {1, kSsbo}, {2, kSsbo}}}, 0, nullptr, VK_NULL_HANDLE, &spv);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  auto a = ctx->create_buffer(64 * 4), b = ctx->create_buffer(65 * 4), out = ctx->create_buffer(129 * 4);
  std::mt19937 rng(9);
  for (uint32_t k = 0; k < 64; ++k) a.data<uint32_t>()[k] = rng();
  for (uint32_t k = 0; k < 64; ++k) b.data<uint32_t>()[k] = rng();
  b.data<uint32_t>()[64] = 1000;
  std::memset(out.mapped, 0xee, out.size);
  out.data<uint32_t>()[128] = 0;
  std::vector<uint32_t> want(128, 0xeeeeeeeeu);
  uint32_t cnt_out = 0, cnt_b = 1000;
  for (uint32_t i = 0; i < 64; ++i) {
    const uint32_t s = a.data<uint32_t>()[i];
    want[(s & 2) ? i : 64 + i] = (s & 1) ? s : b.data<uint32_t>()[i ^ 5];
    ((s & 4) ? cnt_out : cnt_b) += 1;
  }
  vktest::Sets sets(dev, *p);
  sets.write(0, 0, kSsbo, a);
  sets.write(0, 1, kSsbo, b);
  sets.write(0, 2, kSsbo, out);
  VK_OK(submit_and_wait(*ctx, [&](VkCommandBuffer cb) {
    vktest::bind(cb, *p, sets);
    vkCmdDispatch(cb, 1, 1, 1);
  }));
  for (uint32_t k = 0; k < 128; ++k) ASSERT_EQ(out.data<uint32_t>()[k], want[k]) << "out[" << k << "]";
  EXPECT_EQ(out.data<uint32_t>()[128], cnt_out);
  EXPECT_EQ(b.data<uint32_t>()[64], cnt_b);
  ctx->destroy(a);
  ctx->destroy(b);
  ctx->destroy(out);
}

INSTANTIATE_TEST_SUITE_P(VariablePointers, OnDevice, ::testing::Values("Mica", "llvmpipe"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
