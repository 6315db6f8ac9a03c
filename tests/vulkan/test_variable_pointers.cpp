// SPIR-V variable pointers through the Vulkan driver (VK_KHR_variable_pointers, core in 1.1): the
// features are advertised and enabled, and shaders in SPIR-V assembly (assembled here with
// SPIRV-Tools) run against results computed on the host:
//  * the CTS's variable_pointers.dynamic_offset.select_descriptor_array shape (which the CTS runs
//    through Amber, and Amber asks for a colour attachment format before any compute work): a
//    pointer to a whole array of dynamic storage buffers chosen between two bindings, per lane,
//    then indexed by a push constant and the lane, with dynamic offsets;
//  * a per-lane select and a phi between two storage buffers, and an atomic through a selected
//    pointer, on random data.
//  * pointers kept in Function variables, stored on two paths and loaded after them (a module
//    SPIRV-Tools' ssa-rewrite breaks);
//  * robust buffer access through pointer values (selects, a phi stepped back by OpPtrAccessChain,
//    null, uvec4s straddling a window's end) on robustBufferAccess and robustBufferAccess2 devices.
// The shaders run on Mica and, when its ICD is loaded too (meson adds it), on lavapipe, each checked
// against the same host results, so the host model is checked against a reference implementation.
#include "vk_image_helpers.h"
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

// Runs kSelectDescriptorArray on 'c' and checks every lane.
void select_descriptor_array(vkrun::Context& c) {
  vkrun::Context* ctx = &c;
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

TEST_P(OnDevice, SelectBetweenArraysOfDynamicStorageBuffers) { select_descriptor_array(context()); }

// The same on robust devices: the pointer to a whole descriptor array is bounded (its range the
// array's count) and the chosen element's base and size come from the descriptor.
TEST(VariablePointers, SelectBetweenArraysOfDynamicStorageBuffersWithRobustAccess) {
  for (bool rba2 : {false, true}) {
    SCOPED_TRACE(rba2 ? "robustBufferAccess2" : "robustBufferAccess");
    auto ctx = vktest::make_context(/*robust_buffer_access=*/true, rba2);
    select_descriptor_array(*ctx);
  }
}

// The declarations of the shaders below: storage buffers a, b, out of uints (set 0, bindings 0,
// 1, 2), the local invocation id; 64 lanes.
const std::string kThreeBuffers = R"(
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
)";

// a (binding 0), b (binding 1), out (binding 2): out[i] = (a[i] odd ? a[i] : b[i ^ 5]) stored through a
// phi of &out[i] / &out[64 + i] (by a[i] bit 1); an atomic add of 1 through a select of &out[128] /
// &b[64] (by a[i] bit 2).
const std::string kSelectPhiAtomic = kThreeBuffers + R"(
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

// Runs 'text' (storage buffers a, b, out at bindings 0, 1, 2 of set 0) in one workgroup on 'ctx'.
void dispatch_on_three_buffers(vkrun::Context& ctx, const std::string& text, vkrun::Buffer& a, vkrun::Buffer& b,
                               vkrun::Buffer& out) {
  VkDevice dev = ctx.device();
  const auto spv = assemble(text);
  ASSERT_FALSE(spv.empty());
  auto p = make_pipeline(dev, "", {{{0, kSsbo}, {1, kSsbo}, {2, kSsbo}}}, 0, nullptr, VK_NULL_HANDLE, &spv);
  ASSERT_EQ(p->create_result, VK_SUCCESS);
  vktest::Sets sets(dev, *p);
  sets.write(0, 0, kSsbo, a);
  sets.write(0, 1, kSsbo, b);
  sets.write(0, 2, kSsbo, out);
  VK_OK(submit_and_wait(ctx, [&](VkCommandBuffer cb) {
    vktest::bind(cb, *p, sets);
    vkCmdDispatch(cb, 1, 1, 1);
  }));
}

TEST_P(OnDevice, SelectPhiAndAtomicAcrossBuffers) {
  vkrun::Context* ctx = &context();
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
  dispatch_on_three_buffers(*ctx, kSelectPhiAtomic, a, b, out);
  if (HasFatalFailure()) return;
  for (uint32_t k = 0; k < 128; ++k) ASSERT_EQ(out.data<uint32_t>()[k], want[k]) << "out[" << k << "]";
  EXPECT_EQ(out.data<uint32_t>()[128], cnt_out);
  EXPECT_EQ(b.data<uint32_t>()[64], cnt_b);
  ctx->destroy(a);
  ctx->destroy(b);
  ctx->destroy(out);
}

// Storage buffer pointers kept in Function variables, each stored in both arms of a selection
// and loaded after it (SPIRV-Tools 2023.1's ssa-rewrite breaks this module; Mica's compiler
// canonicalises it without that pass, docs/compiler.md). Lane i of 64, s = a[i]:
//   pv = s & 1 ? &a[i] : &b[i ^ 3];  qv = s & 2 ? &out[i] : &out[64 + i];  *qv = *pv
const std::string kFunctionVariablePointers = kThreeBuffers + R"(
%pfpsu = OpTypePointer Function %psu
%c0 = OpConstant %u32 0
%c1 = OpConstant %u32 1
%c2 = OpConstant %u32 2
%c3 = OpConstant %u32 3
%c64 = OpConstant %u32 64
%main = OpFunction %void None %fn
%entry = OpLabel
%pv = OpVariable %pfpsu Function
%qv = OpVariable %pfpsu Function
%l3 = OpLoad %v3 %lid
%i = OpCompositeExtract %u32 %l3 0
%pai = OpAccessChain %psu %a %c0 %i
%s = OpLoad %u32 %pai
%s1 = OpBitwiseAnd %u32 %s %c1
%odd = OpINotEqual %bool %s1 %c0
OpSelectionMerge %m1 None
OpBranchConditional %odd %t1 %e1
%t1 = OpLabel
OpStore %pv %pai
OpBranch %m1
%e1 = OpLabel
%j = OpBitwiseXor %u32 %i %c3
%pbj = OpAccessChain %psu %b %c0 %j
OpStore %pv %pbj
OpBranch %m1
%m1 = OpLabel
%s2 = OpBitwiseAnd %u32 %s %c2
%two = OpINotEqual %bool %s2 %c0
OpSelectionMerge %m2 None
OpBranchConditional %two %t2 %e2
%t2 = OpLabel
%qlo = OpAccessChain %psu %out %c0 %i
OpStore %qv %qlo
OpBranch %m2
%e2 = OpLabel
%hi = OpIAdd %u32 %i %c64
%qhi = OpAccessChain %psu %out %c0 %hi
OpStore %qv %qhi
OpBranch %m2
%m2 = OpLabel
%p = OpLoad %psu %pv
%x = OpLoad %u32 %p
%q = OpLoad %psu %qv
OpStore %q %x
OpReturn
OpFunctionEnd
)";

TEST_P(OnDevice, PointersInFunctionVariablesStoredOnTwoPaths) {
  vkrun::Context* ctx = &context();
  auto a = ctx->create_buffer(64 * 4), b = ctx->create_buffer(64 * 4), out = ctx->create_buffer(128 * 4);
  std::mt19937 rng(13);
  for (uint32_t k = 0; k < 64; ++k) a.data<uint32_t>()[k] = rng();
  for (uint32_t k = 0; k < 64; ++k) b.data<uint32_t>()[k] = rng();
  for (uint32_t k = 0; k < 4; ++k) a.data<uint32_t>()[k] = (a.data<uint32_t>()[k] & ~3u) | k;  // every path
  std::memset(out.mapped, 0xee, out.size);
  std::vector<uint32_t> want(128, 0xeeeeeeeeu);
  for (uint32_t i = 0; i < 64; ++i) {
    const uint32_t s = a.data<uint32_t>()[i];
    want[(s & 2) ? i : 64 + i] = (s & 1) ? s : b.data<uint32_t>()[i ^ 3];
  }
  dispatch_on_three_buffers(*ctx, kFunctionVariablePointers, a, b, out);
  if (HasFatalFailure()) return;
  for (uint32_t k = 0; k < 128; ++k) ASSERT_EQ(out.data<uint32_t>()[k], want[k]) << "out[" << k << "]";
  ctx->destroy(a);
  ctx->destroy(b);
  ctx->destroy(out);
}

// ---- robust buffer access through pointer values ----
//
// Bindings 0..4 and 6, 7 are windows in the middle of 1 KiB buffers of sentinels (kWin words each,
// at byte 256), so a load past a window could only return a sentinel, a store past it would change
// one. Lane l of 64, h = l >> 1:
//   out[l]              = *(l odd ? &a[2l] : &b[2l])                       select
//   *(l odd ? &c[l] : &d[l]) = 0x1000 + l                                  select, store
//   atomic add 1 to *(l odd ? &e[h] : null)                                null, atomic
//   out[64 + l]         = *OpPtrAccessChain(l & 2 ? &a[l] : &b[l] (phi), ((5l) & 31) - 16)
//   out[128 + l]        = *(l & 4 ? &a[l] : null)                          null load
//   out[192 + 4l + k]   = (*(l < 16 ? &v[l] : null))[k]                   uvec4 loads
//   *(l < 16 ? &w[l] : null) = (16l, 16l + 1, 16l + 2, 16l + 3)            uvec4 stores
// a, b, c, d, e are uint arrays; v, w uvec4 arrays whose windows end inside a vector.
const char* kRobustPointerValues = R"(
OpCapability Shader
OpCapability VariablePointers
OpExtension "SPV_KHR_variable_pointers"
OpMemoryModel Logical GLSL450
OpEntryPoint GLCompute %main "main" %lid %a %b %c %d %e %out %v %w
OpExecutionMode %main LocalSize 64 1 1
OpDecorate %lid BuiltIn LocalInvocationId
OpDecorate %rt ArrayStride 4
OpDecorate %psu ArrayStride 4
OpMemberDecorate %blk 0 Offset 0
OpDecorate %blk Block
OpDecorate %rt4 ArrayStride 16
OpMemberDecorate %blk4 0 Offset 0
OpDecorate %blk4 Block
OpDecorate %a DescriptorSet 0
OpDecorate %a Binding 0
OpDecorate %b DescriptorSet 0
OpDecorate %b Binding 1
OpDecorate %c DescriptorSet 0
OpDecorate %c Binding 2
OpDecorate %d DescriptorSet 0
OpDecorate %d Binding 3
OpDecorate %e DescriptorSet 0
OpDecorate %e Binding 4
OpDecorate %out DescriptorSet 0
OpDecorate %out Binding 5
OpDecorate %v DescriptorSet 0
OpDecorate %v Binding 6
OpDecorate %w DescriptorSet 0
OpDecorate %w Binding 7
%void = OpTypeVoid
%fn = OpTypeFunction %void
%bool = OpTypeBool
%u32 = OpTypeInt 32 0
%i32 = OpTypeInt 32 1
%v3 = OpTypeVector %u32 3
%v4 = OpTypeVector %u32 4
%rt = OpTypeRuntimeArray %u32
%blk = OpTypeStruct %rt
%rt4 = OpTypeRuntimeArray %v4
%blk4 = OpTypeStruct %rt4
%pblk = OpTypePointer StorageBuffer %blk
%pblk4 = OpTypePointer StorageBuffer %blk4
%psu = OpTypePointer StorageBuffer %u32
%pv4 = OpTypePointer StorageBuffer %v4
%pin = OpTypePointer Input %v3
%lid = OpVariable %pin Input
%a = OpVariable %pblk StorageBuffer
%b = OpVariable %pblk StorageBuffer
%c = OpVariable %pblk StorageBuffer
%d = OpVariable %pblk StorageBuffer
%e = OpVariable %pblk StorageBuffer
%out = OpVariable %pblk StorageBuffer
%v = OpVariable %pblk4 StorageBuffer
%w = OpVariable %pblk4 StorageBuffer
%null = OpConstantNull %psu
%null4 = OpConstantNull %pv4
%c0 = OpConstant %u32 0
%c1 = OpConstant %u32 1
%c2 = OpConstant %u32 2
%c3 = OpConstant %u32 3
%c4 = OpConstant %u32 4
%c5 = OpConstant %u32 5
%c16 = OpConstant %u32 16
%c31 = OpConstant %u32 31
%c64 = OpConstant %u32 64
%c128 = OpConstant %u32 128
%c192 = OpConstant %u32 192
%c4096 = OpConstant %u32 4096
%main = OpFunction %void None %fn
%entry = OpLabel
%g = OpLoad %v3 %lid
%l = OpCompositeExtract %u32 %g 0
%b1 = OpBitwiseAnd %u32 %l %c1
%odd = OpINotEqual %bool %b1 %c0
%l2 = OpIMul %u32 %l %c2
%pa1 = OpAccessChain %psu %a %c0 %l2
%pb1 = OpAccessChain %psu %b %c0 %l2
%p1 = OpSelect %psu %odd %pa1 %pb1
%x1 = OpLoad %u32 %p1
%o1 = OpAccessChain %psu %out %c0 %l
OpStore %o1 %x1
%pc2 = OpAccessChain %psu %c %c0 %l
%pd2 = OpAccessChain %psu %d %c0 %l
%q = OpSelect %psu %odd %pc2 %pd2
%val2 = OpIAdd %u32 %l %c4096
OpStore %q %val2
%h = OpShiftRightLogical %u32 %l %c1
%pe = OpAccessChain %psu %e %c0 %h
%pat = OpSelect %psu %odd %pe %null
%old = OpAtomicIAdd %u32 %pat %c1 %c0 %c1
%b2 = OpBitwiseAnd %u32 %l %c2
%has2 = OpINotEqual %bool %b2 %c0
OpSelectionMerge %m3 None
OpBranchConditional %has2 %ta %tb
%ta = OpLabel
%pa3 = OpAccessChain %psu %a %c0 %l
OpBranch %m3
%tb = OpLabel
%pb3 = OpAccessChain %psu %b %c0 %l
OpBranch %m3
%m3 = OpLabel
%pp = OpPhi %psu %pa3 %ta %pb3 %tb
%l5 = OpIMul %u32 %l %c5
%l5m = OpBitwiseAnd %u32 %l5 %c31
%ds = OpISub %u32 %l5m %c16
%di = OpBitcast %i32 %ds
%pn = OpPtrAccessChain %psu %pp %di
%x3 = OpLoad %u32 %pn
%i64 = OpIAdd %u32 %l %c64
%o3 = OpAccessChain %psu %out %c0 %i64
OpStore %o3 %x3
%b4 = OpBitwiseAnd %u32 %l %c4
%has4 = OpINotEqual %bool %b4 %c0
%pa4 = OpAccessChain %psu %a %c0 %l
%pz = OpSelect %psu %has4 %pa4 %null
%x4 = OpLoad %u32 %pz
%i128 = OpIAdd %u32 %l %c128
%o4 = OpAccessChain %psu %out %c0 %i128
OpStore %o4 %x4
%low = OpULessThan %bool %l %c16
%pv = OpAccessChain %pv4 %v %c0 %l
%pvs = OpSelect %pv4 %low %pv %null4
%xv = OpLoad %v4 %pvs
%y0 = OpCompositeExtract %u32 %xv 0
%y1 = OpCompositeExtract %u32 %xv 1
%y2 = OpCompositeExtract %u32 %xv 2
%y3 = OpCompositeExtract %u32 %xv 3
%l4 = OpIMul %u32 %l %c4
%w0 = OpIAdd %u32 %l4 %c192
%w1 = OpIAdd %u32 %w0 %c1
%w2 = OpIAdd %u32 %w0 %c2
%w3 = OpIAdd %u32 %w0 %c3
%ov0 = OpAccessChain %psu %out %c0 %w0
%ov1 = OpAccessChain %psu %out %c0 %w1
%ov2 = OpAccessChain %psu %out %c0 %w2
%ov3 = OpAccessChain %psu %out %c0 %w3
OpStore %ov0 %y0
OpStore %ov1 %y1
OpStore %ov2 %y2
OpStore %ov3 %y3
%pw = OpAccessChain %pv4 %w %c0 %l
%pws = OpSelect %pv4 %low %pw %null4
%s0 = OpIMul %u32 %l %c16
%s1 = OpIAdd %u32 %s0 %c1
%s2 = OpIAdd %u32 %s0 %c2
%s3 = OpIAdd %u32 %s0 %c3
%sv = OpCompositeConstruct %v4 %s0 %s1 %s2 %s3
OpStore %pws %sv
OpReturn
OpFunctionEnd
)";

// The windows' sizes in words (bindings 0..4, 6, 7; binding 5 is the whole output buffer). v's
// and w's end inside a uvec4 (words 17 and 30 of 16 x 4).
constexpr uint32_t kWin[8] = {50, 30, 40, 20, 16, 0, 17, 30};
constexpr uint32_t kWinByte = 256, kBufWords = 256, kOutWords = 192 + 4 * 64;

struct RobustPointerRun {
  std::vector<std::vector<uint32_t>> buf;  // every binding's whole buffer after the run
};

// Random window contents for the read windows (0, 1, 6), sentinels everywhere else.
std::vector<std::vector<uint32_t>> robust_pointer_inputs() {
  std::mt19937 rng(77);
  std::vector<std::vector<uint32_t>> in(8, std::vector<uint32_t>(kBufWords, 0xdeadbeefu));
  in[5].assign(kOutWords, 0xeeeeeeeeu);
  for (uint32_t b : {0u, 1u, 6u})
    for (uint32_t k = 0; k < kWin[b]; ++k) in[b][kWinByte / 4 + k] = rng() & 0xffffff;
  for (uint32_t k = 0; k < kWin[4]; ++k) in[4][kWinByte / 4 + k] = 0;  // the atomics' counters
  return in;
}

RobustPointerRun run_robust_pointers(vkrun::Context& ctx) {
  VkDevice dev = ctx.device();
  const auto spv = assemble(kRobustPointerValues);
  std::vector<SetBinding> layout;
  for (uint32_t b = 0; b < 8; ++b) layout.push_back({b, kSsbo});
  auto p = make_pipeline(dev, spv, {layout});
  const auto in = robust_pointer_inputs();
  std::vector<vkrun::Buffer> bufs;
  vktest::Sets s(dev, *p);
  for (uint32_t b = 0; b < 8; ++b) {
    bufs.push_back(ctx.create_buffer(in[b].size() * 4));
    std::memcpy(bufs[b].mapped, in[b].data(), in[b].size() * 4);
    if (b == 5)
      s.write(0, b, kSsbo, bufs[b]);
    else
      s.write(0, b, kSsbo, bufs[b], kWinByte, kWin[b] * 4);
  }
  ctx.run([&](VkCommandBuffer cb) {
    vktest::bind(cb, *p, s);
    vkCmdDispatch(cb, 1, 1, 1);
    vktest::memory_barrier(cb);
  });
  RobustPointerRun r;
  for (uint32_t b = 0; b < 8; ++b) {
    r.buf.emplace_back(bufs[b].data<uint32_t>(), bufs[b].data<uint32_t>() + in[b].size());
    ctx.destroy(bufs[b]);
  }
  return r;
}

// Checks a run against the spec. robustBufferAccess2 ('exact'): an access is in bounds per
// component, out of bounds loads read 0 and stores do nothing. robustBufferAccess: a load out of
// bounds may read 0 or any value of its window, and a store may change its window (Mica: 0, and
// a vector checked whole -- 'mica'); nothing outside a window may change in either mode.
void expect_robust_pointers(const RobustPointerRun& got, bool exact, bool mica, const std::string& who) {
  const auto in = robust_pointer_inputs();
  auto win = [&](uint32_t b, int64_t i) { return in[b][kWinByte / 4 + i]; };
  auto inside = [&](uint32_t b, int64_t i) { return i >= 0 && i < (int64_t)kWin[b]; };
  // A load's expected value (nullopt: out of bounds under robustBufferAccess, any window value).
  auto check_load = [&](uint32_t out_word, uint32_t b, int64_t i, bool in_bounds) {
    const uint32_t v = got.buf[5][out_word];
    if (in_bounds) {
      EXPECT_EQ(v, win(b, i)) << who << ": out[" << out_word << "] (binding " << b << ", element " << i << ")";
    } else if (exact || mica) {
      EXPECT_EQ(v, 0u) << who << ": out[" << out_word << "] out of bounds (binding " << b << ", element " << i << ")";
    } else {
      bool allowed = v == 0;
      for (uint32_t k = 0; k < kWin[b]; ++k) allowed |= v == win(b, k);
      EXPECT_TRUE(allowed) << who << ": out[" << out_word << "] = " << v << ", neither 0 nor from binding " << b;
    }
  };
  // A null pointer is no buffer: the spec says nothing of a load through it; Mica's reads 0.
  auto null_load = [&](uint32_t out_word) {
    EXPECT_EQ(got.buf[5][out_word], 0u) << who << ": out[" << out_word << "] through a null pointer";
  };
  for (uint32_t l = 0; l < 64; ++l) {
    const uint32_t ab = (l & 1) ? 0 : 1;
    check_load(l, ab, 2 * l, inside(ab, 2 * l));
    const uint32_t pb = (l & 2) ? 0 : 1;
    const int64_t step = (int64_t)((l * 5) & 31) - 16;
    check_load(64 + l, pb, l + step, inside(pb, l + step));
    if (l & 4)
      check_load(128 + l, 0, l, inside(0, l));
    else if (mica)
      null_load(128 + l);
    for (uint32_t k = 0; k < 4; ++k) {
      const uint32_t wd = 4 * l + k;
      if (l >= 16) {
        if (mica) null_load(192 + wd);
        continue;
      }
      const bool in_bounds = exact ? inside(6, wd) : inside(6, 4 * l + 3);
      if (exact || mica || in_bounds) check_load(192 + wd, 6, wd, in_bounds);
    }
  }
  // Stores: inside a window the value the spec requires where it requires one; outside, sentinels.
  for (uint32_t b : {2u, 3u, 4u, 7u})
    for (uint32_t k = 0; k < kBufWords; ++k) {
      const uint32_t v = got.buf[b][k];
      const int64_t i = (int64_t)k - kWinByte / 4;
      if (!inside(b, i)) {
        ASSERT_EQ(v, 0xdeadbeefu) << who << ": binding " << b << " word " << k << " outside the window changed";
        continue;
      }
      if (b == 2 || b == 3) {  // c: odd lanes, d: even lanes store 0x1000 + l at element l
        const bool stored = (b == 2) == (i % 2 == 1);
        EXPECT_EQ(v, stored ? 0x1000u + (uint32_t)i : 0xdeadbeefu) << who << ": binding " << b << " element " << i;
      } else if (b == 4) {  // one atomic from lane 2i + 1, none through null
        EXPECT_EQ(v, 1u) << who << ": atomic counter " << i;
      } else {  // w: lane i / 4 stores 16 * lane + component, in bounds
        const uint32_t lane = (uint32_t)i / 4, comp = (uint32_t)i % 4;
        const bool whole = inside(7, 4 * lane + 3);
        if (exact || mica || whole) {
          EXPECT_EQ(v, (exact || whole) ? 16 * lane + comp : 0xdeadbeefu) << who << ": w element " << i;
        }
      }
    }
  for (uint32_t b : {0u, 1u, 6u}) EXPECT_EQ(got.buf[b], in[b]) << who << ": read binding " << b << " changed";
}

// Mica and lavapipe (which implements robustness through variable pointers) on robustBufferAccess
// and robustBufferAccess2 devices, each against the spec's values; Mica's exactly (its choices
// within what robustBufferAccess allows: zero, whole vectors).
TEST(VariablePointers, RobustAccessThroughPointerValuesMatchesTheSpecAndLavapipe) {
  for (bool rba2 : {false, true}) {
    const std::string mode = rba2 ? "robustBufferAccess2" : "robustBufferAccess";
    {
      auto ctx = vktest::make_context(/*robust_buffer_access=*/true, rba2);
      expect_robust_pointers(run_robust_pointers(*ctx), rba2, true, "Mica " + mode);
    }
    std::unique_ptr<vkrun::Context> lvp;
    try {
      lvp = std::make_unique<vkrun::Context>("llvmpipe", false, true, rba2);
    } catch (const std::exception& e) {
      GTEST_SKIP() << "lavapipe with " << mode << " is not available as the reference: " << e.what();
    }
    expect_robust_pointers(run_robust_pointers(*lvp), rba2, false, "lavapipe " + mode);
  }
}

INSTANTIATE_TEST_SUITE_P(VariablePointers, OnDevice, ::testing::Values("Mica", "llvmpipe"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
