#include "mica/corpus/corpus.h"

#include "case_util.h"
#include "cases.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <stdexcept>

#ifndef MICA_CORPUS_SPV_DIR
#error "the build must define MICA_CORPUS_SPV_DIR"
#endif

namespace mica::corpus {

namespace {
constexpr std::pair<Feature, const char*> feature_table[] = {
      {subgroup_basic, "subgroup_basic"},
      {subgroup_vote, "subgroup_vote"},
      {subgroup_ballot, "subgroup_ballot"},
      {subgroup_arithmetic, "subgroup_arithmetic"},
      {subgroup_shuffle, "subgroup_shuffle"},
      {subgroup_shuffle_relative, "subgroup_shuffle_relative"},
      {int64, "int64"},
      {float64, "float64"},
      {int16, "int16"},
      {float16, "float16"},
      {int8, "int8"},
      {storage_buffer_16bit, "storage_buffer_16bit"},
      {storage_buffer_8bit, "storage_buffer_8bit"},
      {buffer_device_address, "buffer_device_address"},
      {int64_atomics, "int64_atomics"},
      {float32_inf_nan_preserve, "float32_inf_nan_preserve"},
};
}  // namespace

std::string feature_names(Features f) {
  std::string s;
  for (auto [bit, name] : feature_table)
    if (f & bit) s += (s.empty() ? "" : "|") + std::string(name);
  return s.empty() ? "none" : s;
}

Features parse_features(std::string_view names) {
  Features f = feature_none;
  while (!names.empty()) {
    const std::size_t end = names.find_first_of(",|");
    const std::string_view name = names.substr(0, end);
    if (!name.empty() && name != "none") {
      bool found = false;
      for (auto [bit, n] : feature_table)
        if (name == n) {
          f |= bit;
          found = true;
        }
      if (!found) throw std::invalid_argument("unknown corpus feature '" + std::string(name) + "'");
    }
    names = end == std::string_view::npos ? std::string_view{} : names.substr(end + 1);
  }
  return f;
}

static std::vector<Case> build_table() {
  std::vector<Case> cases;
  detail::add_int_cases(cases);
  detail::add_float_cases(cases);
  detail::add_control_cases(cases);
  detail::add_memory_cases(cases);
  detail::add_builtin_cases(cases);
  detail::add_shared_cases(cases);
  detail::add_atomic_cases(cases);
  detail::add_subgroup_cases(cases);
  detail::add_app_cases(cases);
  detail::add_optional_cases(cases);
  // A broken table is a programming error in this library: fail loudly at first use.
  std::set<std::string> names;
  for (const Case& c : cases) {
    if (!names.insert(c.name).second) throw std::logic_error("corpus: duplicate case name " + c.name);
    if (!c.check) throw std::logic_error("corpus: case " + c.name + " has no check");
    for (const Binding& b : c.bindings)
      if (b.size == 0 || b.size % 4 != 0) throw std::logic_error("corpus: case " + c.name + " has a bad buffer size");
  }
  return cases;
}

const std::vector<Case>& all_cases() {
  static const std::vector<Case> table = build_table();
  return table;
}

const Case* find_case(std::string_view name) {
  for (const Case& c : all_cases())
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<Bytes> initial_buffers(const Case& c) {
  std::vector<Bytes> out;
  out.reserve(c.bindings.size());
  for (const Binding& b : c.bindings) {
    Bytes bytes(b.size, 0);
    if (b.init) b.init(bytes);
    out.push_back(std::move(bytes));
  }
  return out;
}

std::string spirv_dir() {
  if (const char* env = std::getenv("MICA_CORPUS_SPV_DIR"); env && *env) return env;
  return MICA_CORPUS_SPV_DIR;
}

std::string spirv_path(const Case& c) { return spirv_dir() + "/" + c.spirv; }

std::vector<std::uint32_t> load_spirv(const Case& c) {
  const std::string path = spirv_path(c);
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) throw std::runtime_error("corpus: cannot open SPIR-V module " + path);
  const auto size = static_cast<std::size_t>(f.tellg());
  if (size < 20 || size % 4 != 0)
    throw std::runtime_error("corpus: " + path + " is not a SPIR-V module (size " + std::to_string(size) + ")");
  std::vector<std::uint32_t> words(size / 4);
  f.seekg(0);
  if (!f.read(reinterpret_cast<char*>(words.data()), static_cast<std::streamsize>(size)))
    throw std::runtime_error("corpus: cannot read " + path);
  if (words[0] != 0x07230203u) throw std::runtime_error("corpus: " + path + " has no SPIR-V magic number");
  return words;
}

}  // namespace mica::corpus
