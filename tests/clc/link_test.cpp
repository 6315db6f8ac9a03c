// clLinkProgram's half: SPIR-V modules from separate compiles linked with SPIRV-Tools.
#include <gtest/gtest.h>

#include "clc_test_util.h"

using clc_test::compile;
using clc_test::disassemble;
using mica::clc::Status;

namespace {

const char* kCaller = "int helper(int x);\nkernel void k(global int* o) { *o = helper(o[1]); }\n";
const char* kCallee = "int helper(int x) { return x * 7 + 3; }\n";

std::vector<uint32_t> module_of(const char* src, const std::string& options = "") {
  auto r = compile(src, options);
  EXPECT_TRUE(r.ok()) << r.log;
  return r.spirv;
}

mica::clc::CompileResult link(std::vector<std::vector<uint32_t>> modules, const std::string& options = "") {
  mica::clc::LinkRequest req;
  req.modules = std::move(modules);
  req.options = options;
  req.device = clc_test::full_device();
  return mica::clc::link(req);
}

TEST(ClcLink, CallerAndCalleeFromSeparateCompiles) {
  auto caller = module_of(kCaller);
  EXPECT_NE(disassemble(caller).find("LinkageAttributes \"helper\" Import"), std::string::npos)
      << disassemble(caller);
  auto r = link({caller, module_of(kCallee)});
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_EQ(mica::clc::validate(r.spirv), "");
  std::string text = disassemble(r.spirv);
  EXPECT_EQ(text.find("LinkageAttributes"), std::string::npos) << text;  // resolved
  EXPECT_NE(text.find("OpEntryPoint Kernel"), std::string::npos);
  EXPECT_NE(text.find("OpIMul"), std::string::npos) << text;  // helper's body arrived
}

TEST(ClcLink, UnresolvedSymbolIsALinkFailure) {
  auto r = link({module_of(kCaller)});
  EXPECT_EQ(r.status, Status::LinkFailure);
  EXPECT_NE(r.log.find("helper"), std::string::npos) << r.log;
}

TEST(ClcLink, CreateLibraryKeepsImportsAndExports) {
  auto lib = link({module_of(kCallee)}, "-create-library");
  ASSERT_TRUE(lib.ok()) << lib.log;
  EXPECT_NE(disassemble(lib.spirv).find("LinkageAttributes \"helper\" Export"), std::string::npos);
  auto partial = link({module_of(kCaller)}, "-create-library");
  ASSERT_TRUE(partial.ok()) << partial.log;
  // The library links into a program later.
  auto program = link({partial.spirv, lib.spirv});
  ASSERT_TRUE(program.ok()) << program.log;
  EXPECT_EQ(mica::clc::validate(program.spirv), "");
}

TEST(ClcLink, DuplicateDefinitionsAreRefused) {
  auto r = link({module_of(kCallee), module_of(kCallee), module_of(kCaller)});
  EXPECT_EQ(r.status, Status::LinkFailure);
  EXPECT_NE(r.log.find("helper"), std::string::npos) << r.log;
}

TEST(ClcLink, BuildIsCompileThenLinkAlone) {
  mica::clc::CompileRequest req;
  req.source = kCaller;
  req.device = clc_test::full_device();
  auto unresolved = mica::clc::build(req);
  EXPECT_EQ(unresolved.status, Status::BuildFailure);
  EXPECT_NE(unresolved.log.find("helper"), std::string::npos) << unresolved.log;
  req.source = std::string(kCallee) + kCaller;
  auto r = mica::clc::build(req);
  ASSERT_TRUE(r.ok()) << r.log;
  EXPECT_EQ(disassemble(r.spirv).find("LinkageAttributes"), std::string::npos);
  EXPECT_EQ(mica::clc::validate(r.spirv), "");
  req.options = "-cl-bogus";
  EXPECT_EQ(mica::clc::build(req).status, Status::InvalidBuildOptions);
}

// Piglit's api@cllinkprogram: two definitions of one function in different inputs, where nothing
// imports it (the kernel's module defines its own), passed SPIRV-Tools' linker.
TEST(ClcLink, DuplicateDefinitionWithoutImportIsRefused) {
  auto function = module_of("int get_number(void) { return 42; }");
  auto kernel = module_of("int get_number(void);\nkernel void test_kernel(void) { int i = get_number(); }"
                          "int get_number(void) { return 0; }");
  auto r = link({function, kernel});
  EXPECT_EQ(r.status, Status::LinkFailure);
  EXPECT_NE(r.log.find("'get_number' is defined in input 0 and in input 1"), std::string::npos) << r.log;
  // As a library too: the program it later links into would have two definitions.
  EXPECT_EQ(link({function, kernel}, "-create-library").status, Status::LinkFailure);
  EXPECT_TRUE(link({kernel}).ok());
}

TEST(ClcLink, BadInputsAndOptions) {
  EXPECT_EQ(link({}).status, Status::InvalidBinary);
  EXPECT_EQ(link({{1, 2, 3, 4, 5, 6}}).status, Status::InvalidBinary);
  EXPECT_EQ(link({{0x07230203u}}).status, Status::InvalidBinary);
  auto good = module_of(kCallee);
  auto truncated = good;
  truncated.resize(good.size() / 2);
  auto r = link({truncated, module_of(kCaller)});
  EXPECT_NE(r.status, Status::Success);
  EXPECT_FALSE(r.log.empty());
  EXPECT_EQ(link({good}, "-DX").status, Status::InvalidBuildOptions);
  EXPECT_EQ(link({good}, "-create-library -bogus").status, Status::InvalidBuildOptions);
}

}  // namespace
