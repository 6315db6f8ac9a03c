// The example programs through the full Vulkan path on Mica, results checked against the CPU,
// once plainly and once under the Khronos validation layer (which must report nothing).
#include "kernels.h"
#include "vk_test.h"

namespace {

class VkExamples : public ::testing::TestWithParam<vkrun::KernelSpec> {};

TEST_P(VkExamples, ComputesTheRightResult) {
  auto ctx = vktest::make_context();
  auto r = GetParam().run(*ctx, GetParam().example_size);
  EXPECT_TRUE(r.ok) << r.name << ": " << r.detail;
}

TEST_P(VkExamples, CleanUnderValidationLayers) {
  vkrun::Context ctx("Mica", /*validation=*/true);
  auto r = GetParam().run(ctx, GetParam().example_size);
  EXPECT_TRUE(r.ok) << r.name << ": " << r.detail;
  EXPECT_EQ(ctx.validation_messages(), 0u);
}

INSTANTIATE_TEST_SUITE_P(All, VkExamples, ::testing::ValuesIn(vkrun::all_kernels()),
                         [](const auto& param_info) {
                           std::string n = param_info.param.name;
                           for (auto& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
