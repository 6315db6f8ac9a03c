// Backend-independent checks of the corpus table itself: well-formed cases, modules present,
// deterministic inputs, and checks that reject a dispatch that did nothing.
#include "mica/corpus/corpus.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace mc = mica::corpus;

TEST(corpus, table_is_well_formed) {
  const auto& cases = mc::all_cases();
  EXPECT_GE(cases.size(), 70u);
  const auto good_name = [](const std::string& n) {
    return !n.empty() && std::all_of(n.begin(), n.end(), [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; });
  };
  for (const mc::Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(good_name(c.name));
    EXPECT_FALSE(c.summary.empty());
    EXPECT_FALSE(c.category.empty());
    EXPECT_TRUE(c.check);
    EXPECT_FALSE(c.bindings.empty());
    for (auto g : c.groups) EXPECT_GE(g, 1u);
    for (auto l : c.local_size) EXPECT_GE(l, 1u);
    std::set<std::pair<std::uint32_t, std::uint32_t>> slots;
    for (const mc::Binding& b : c.bindings) {
      EXPECT_EQ(b.size % 4, 0u);
      if (b.device_address) {
        EXPECT_LE(b.push_offset + 8, c.push_constants.size());
      } else {
        EXPECT_TRUE(slots.insert({b.set, b.binding}).second) << "binding used twice";
      }
    }
    EXPECT_EQ(c.push_constants.size() % 4, 0u);
    EXPECT_EQ(mc::find_case(c.name), &c);
  }
  EXPECT_EQ(mc::find_case("no_such_case"), nullptr);
}

TEST(corpus, every_module_exists_and_loads) {
  for (const mc::Case& c : mc::all_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(std::filesystem::exists(mc::spirv_path(c))) << mc::spirv_path(c);
    EXPECT_NO_THROW(mc::load_spirv(c));
  }
}

TEST(corpus, inputs_are_deterministic) {
  for (const mc::Case& c : mc::all_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(mc::initial_buffers(c), mc::initial_buffers(c));
  }
}

// If the shader never ran, the final contents equal the initial ones: every check must notice.
TEST(corpus, checks_reject_untouched_buffers) {
  for (const mc::Case& c : mc::all_cases()) {
    SCOPED_TRACE(c.name);
    const auto initial = mc::initial_buffers(c);
    for (std::uint32_t sg : {4u, 8u, 32u}) {
      const mc::CheckResult r = c.check(mc::CheckInput{initial, initial, sg});
      EXPECT_FALSE(r.ok) << "check accepted buffers the shader never touched (subgroup size " << sg << ")";
      EXPECT_FALSE(r.message.empty());
    }
  }
}

TEST(corpus, feature_names_round_trip) {
  EXPECT_EQ(mc::feature_names(mc::feature_none), "none");
  EXPECT_EQ(mc::feature_names(mc::int64 | mc::subgroup_vote), "subgroup_vote|int64");
  for (const mc::Case& c : mc::all_cases()) EXPECT_EQ(mc::parse_features(mc::feature_names(c.required)), c.required) << c.name;
  EXPECT_EQ(mc::parse_features("int64,float16"), mc::int64 | mc::float16);
  EXPECT_THROW(mc::parse_features("int65"), std::invalid_argument);
}

TEST(corpus, covers_every_category) {
  std::set<std::string> cats;
  for (const mc::Case& c : mc::all_cases()) cats.insert(c.category);
  for (const char* want : {"int", "float", "control", "memory", "builtins", "shared", "atomics", "subgroup", "app", "optional"})
    EXPECT_TRUE(cats.count(want)) << want;
}

TEST(corpus, spirv_dir_can_be_overridden) {
  const mc::Case& c = mc::all_cases().front();
  ::setenv("MICA_CORPUS_SPV_DIR", "/nonexistent-dir", 1);
  EXPECT_EQ(mc::spirv_path(c), "/nonexistent-dir/" + c.spirv);
  EXPECT_THROW(mc::load_spirv(c), std::runtime_error);
  ::unsetenv("MICA_CORPUS_SPV_DIR");
  EXPECT_NO_THROW(mc::load_spirv(c));
}
