// Build-option parsing: every option of OpenCL 3.0 section 5.8.6/5.8.7, and refusals.
#include <gtest/gtest.h>

#include "mica/clc/clc.h"

using mica::clc::BuildOptions;
using mica::clc::DeviceFeatures;
using mica::clc::OptionsKind;
using mica::clc::parse_options;

namespace {

BuildOptions ok(const std::string& s, OptionsKind kind = OptionsKind::Compile, DeviceFeatures dev = DeviceFeatures{}) {
  BuildOptions o;
  std::string err;
  EXPECT_TRUE(parse_options(s, kind, dev, &o, &err)) << s << ": " << err;
  return o;
}

std::string refused(const std::string& s, OptionsKind kind = OptionsKind::Compile,
                    DeviceFeatures dev = DeviceFeatures{}) {
  BuildOptions o;
  std::string err;
  EXPECT_FALSE(parse_options(s, kind, dev, &o, &err)) << s;
  EXPECT_FALSE(err.empty()) << s;
  return err;
}

TEST(ClcOptions, DefinesInEveryForm) {
  auto o = ok("-DA -D B -DC=3 -D D=4 -D'E=a b'");
  EXPECT_EQ(o.defines, (std::vector<std::string>{"A", "B", "C=3", "D=4", "E=a b"}));
}

TEST(ClcOptions, IncludeDirsWithQuotesAndSpaces) {
  auto o = ok("-I . -Idir \"-Iwith space\" -I \"x y\" -I a\\ b");
  EXPECT_EQ(o.include_dirs, (std::vector<std::string>{".", "dir", "with space", "x y", "a b"}));
}

TEST(ClcOptions, ClStdVersions) {
  EXPECT_EQ(ok("").cl_std, 120);
  EXPECT_FALSE(ok("").cl_std_given);
  EXPECT_EQ(ok("-cl-std=CL1.0").cl_std, 100);
  EXPECT_EQ(ok("-cl-std=CL1.1").cl_std, 110);
  EXPECT_EQ(ok("-cl-std=CL1.2").cl_std, 120);
  EXPECT_EQ(ok("-cl-std=CL2.0").cl_std, 200);
  EXPECT_EQ(ok("-cl-std=CL3.0").cl_std, 300);
  EXPECT_TRUE(ok("-cl-std=CL3.0").cl_std_given);
  refused("-cl-std=CL4.0");
  refused("-cl-std=cl1.2");
  refused("-cl-std=");
  DeviceFeatures old;
  old.max_cl_c_version = 120;
  EXPECT_NE(refused("-cl-std=CL2.0", OptionsKind::Compile, old).find("CL2.0"), std::string::npos);
  // A device listing 1.0, 1.1, 1.2 and 3.0 (Mica's CL_DEVICE_OPENCL_C_ALL_VERSIONS) refuses 2.0.
  DeviceFeatures listed;
  listed.cl_c_versions = {100, 110, 120, 300};
  EXPECT_NE(refused("-cl-std=CL2.0", OptionsKind::Compile, listed).find("CL_DEVICE_OPENCL_C_ALL_VERSIONS"), std::string::npos);
  EXPECT_EQ(ok("-cl-std=CL3.0", OptionsKind::Compile, listed).cl_std, 300);
  EXPECT_EQ(ok("-cl-std=CL1.1", OptionsKind::Compile, listed).cl_std, 110);
}

TEST(ClcOptions, MathAndOptimisationFlags) {
  auto o = ok("-cl-single-precision-constant -cl-denorms-are-zero -cl-fp32-correctly-rounded-divide-sqrt "
              "-cl-opt-disable -cl-mad-enable -cl-no-signed-zeros -cl-unsafe-math-optimizations "
              "-cl-finite-math-only -cl-fast-relaxed-math -cl-uniform-work-group-size -cl-no-subgroup-ifp "
              "-cl-kernel-arg-info -w -Werror -cl-strict-aliasing");
  EXPECT_TRUE(o.single_precision_constant && o.denorms_are_zero && o.fp32_correctly_rounded_divide_sqrt &&
              o.opt_disable && o.mad_enable && o.no_signed_zeros && o.unsafe_math && o.finite_math_only &&
              o.fast_relaxed_math && o.uniform_work_group_size && o.no_subgroup_ifp && o.kernel_arg_info &&
              o.no_warnings && o.warnings_as_errors);
  auto none = ok("  \t ");
  EXPECT_FALSE(none.fast_relaxed_math || none.opt_disable || none.kernel_arg_info);
}

TEST(ClcOptions, UnknownAndMalformedAreRefused) {
  EXPECT_NE(refused("-cl-fast-relaxed-maths").find("-cl-fast-relaxed-maths"), std::string::npos);
  refused("-O3");
  refused("--cl-opt-disable");
  refused("-D");
  refused("-I");
  refused("-D=1");
  refused("-DA \"unterminated");
  refused("-create-library");  // a link option
}

TEST(ClcOptions, LinkOptions) {
  auto o = ok("-create-library -enable-link-options -cl-fast-relaxed-math -cl-denorms-are-zero",
              OptionsKind::Link);
  EXPECT_TRUE(o.create_library && o.enable_link_options && o.fast_relaxed_math && o.denorms_are_zero);
  refused("-DX", OptionsKind::Link);
  refused("-cl-opt-disable", OptionsKind::Link);
  refused("-cl-std=CL1.2", OptionsKind::Link);
  refused("-bogus", OptionsKind::Link);
}

}  // namespace
