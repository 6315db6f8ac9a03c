#include "case_util.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace mica::corpus::detail {

std::uint64_t seed_of(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

Init init_words(std::string_view seed_name, std::function<std::uint32_t(std::uint32_t, Rng&)> gen) {
  const std::uint64_t seed = seed_of(seed_name);
  return [seed, gen = std::move(gen)](std::span<std::uint8_t> b) {
    Rng rng(seed);
    for (std::uint32_t i = 0; i < b.size() / 4; ++i) store<std::uint32_t>(b, i, gen(i, rng));
  };
}

Init init_poison() {
  return [](std::span<std::uint8_t> b) {
    for (std::size_t i = 0; i < b.size() / 4; ++i) store<std::uint32_t>(b, i, poison);
  };
}

Init init_bytes(Bytes contents) {
  return [contents = std::move(contents)](std::span<std::uint8_t> b) {
    std::copy_n(contents.begin(), std::min(contents.size(), b.size()), b.begin());
  };
}

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08" PRIx32, v);
  return buf;
}
std::string show_u32(std::uint32_t v) { return std::to_string(v) + " (" + hex(v) + ")"; }
std::string show_i32(std::int32_t v) { return std::to_string(v) + " (" + hex(static_cast<std::uint32_t>(v)) + ")"; }
std::string show_f32(float v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  return std::string(buf) + " (" + hex(fbits(v)) + ")";
}

std::optional<std::string> compare(std::uint32_t got, const Expect& e) {
  const auto describe = [&](auto show) { return "got " + show(got) + ", expected " + show(e.bits); };
  switch (e.cmp) {
    case Cmp::any:
      return std::nullopt;
    case Cmp::exact:
      if (got == e.bits) return std::nullopt;
      return describe(show_u32);
    case Cmp::i32:
      if (got == e.bits) return std::nullopt;
      return describe([](std::uint32_t v) { return show_i32(static_cast<std::int32_t>(v)); });
    case Cmp::f32_exact:
    case Cmp::f32_abs:
    case Cmp::f32_rel: {
      const float g = bitsf(got), x = bitsf(e.bits);
      const auto fdesc = [&]() {
        std::string s = "got " + show_f32(g) + ", expected " + show_f32(x);
        if (e.cmp == Cmp::f32_abs) s += " (abs tolerance " + std::to_string(e.tol) + ")";
        if (e.cmp == Cmp::f32_rel) s += " (rel tolerance " + std::to_string(e.tol) + ")";
        return s;
      };
      if (std::isnan(x)) return std::isnan(g) ? std::nullopt : std::optional(fdesc());
      if (e.cmp == Cmp::f32_exact || std::isinf(x)) return got == e.bits ? std::nullopt : std::optional(fdesc());
      if (std::isnan(g) || std::isinf(g)) return fdesc();
      const double diff = std::fabs(static_cast<double>(g) - static_cast<double>(x));
      const double limit = e.cmp == Cmp::f32_abs ? e.tol : e.tol * std::max(std::fabs(static_cast<double>(x)), 1e-30);
      return diff <= limit ? std::nullopt : std::optional(fdesc());
    }
  }
  return "bad comparison kind";
}

CheckResult compare_words(std::string_view what, const Bytes& got, const std::vector<Expect>& expected) {
  if (got.size() / 4 < expected.size())
    return CheckResult::fail(std::string(what) + ": buffer has " + std::to_string(got.size() / 4) + " words, " +
                             std::to_string(expected.size()) + " expected");
  for (std::size_t i = 0; i < expected.size(); ++i)
    if (auto m = compare(u32(got, i), expected[i]))
      return CheckResult::fail(std::string(what) + "[" + std::to_string(i) + "]: " + *m);
  return CheckResult::pass();
}

CheckResult compare_u32(std::string_view what, const Bytes& got, const std::vector<std::uint32_t>& expected) {
  std::vector<Expect> e;
  e.reserve(expected.size());
  for (auto v : expected) e.push_back(ex_u(v));
  return compare_words(what, got, e);
}
CheckResult compare_i32(std::string_view what, const Bytes& got, const std::vector<std::int32_t>& expected) {
  std::vector<Expect> e;
  e.reserve(expected.size());
  for (auto v : expected) e.push_back(ex_i(v));
  return compare_words(what, got, e);
}
CheckResult compare_f32(std::string_view what, const Bytes& got, const std::vector<float>& expected) {
  std::vector<Expect> e;
  e.reserve(expected.size());
  for (auto v : expected) e.push_back(ex_f(v));
  return compare_words(what, got, e);
}

std::vector<std::uint32_t> words(const Bytes& b) {
  std::vector<std::uint32_t> w(b.size() / 4);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = u32(b, i);
  return w;
}

Binding storage(std::uint32_t binding, std::uint32_t bytes, Init init, std::uint32_t set) {
  Binding b;
  b.set = set;
  b.binding = binding;
  b.type = BindingType::storage;
  b.size = bytes;
  b.init = std::move(init);
  return b;
}
Binding uniform(std::uint32_t binding, std::uint32_t bytes, Init init, std::uint32_t set) {
  Binding b = storage(binding, bytes, std::move(init), set);
  b.type = BindingType::uniform;
  return b;
}

Case elementwise(Elementwise e) {
  constexpr std::uint32_t local = 64;
  const std::uint32_t groups = (e.n + local - 1) / local;
  Case c;
  c.name = e.name;
  c.category = e.category;
  c.summary = e.summary;
  c.spirv = e.name + ".spv";
  c.groups = {groups, 1, 1};
  c.local_size = {local, 1, 1};
  c.required = e.required;
  c.bindings.push_back(storage(0, e.n * e.in_words * 4, init_words(e.name, e.gen)));
  c.bindings.push_back(storage(1, groups * local * e.out_words * 4, init_poison()));
  c.push_constants = push_bytes(e.n);
  c.check = [e](const CheckInput& io) -> CheckResult {
    const std::vector<std::uint32_t> in = words(io.initial[0]);
    const Bytes& out = io.final[1];
    for (std::uint32_t i = 0; i < e.n; ++i) {
      const std::vector<Expect> ref = e.ref(i, in.data() + i * e.in_words);
      if (ref.size() != e.out_words) return CheckResult::fail("reference produced the wrong number of words");
      for (std::uint32_t k = 0; k < e.out_words; ++k)
        if (auto m = compare(u32(out, i * e.out_words + k), ref[k]))
          return CheckResult::fail("out[element " + std::to_string(i) + ", result " + std::to_string(k) + "]: " + *m);
    }
    for (std::size_t w = std::size_t{e.n} * e.out_words; w < out.size() / 4; ++w)
      if (u32(out, w) != poison)
        return CheckResult::fail("out word " + std::to_string(w) + " past n=" + std::to_string(e.n) +
                                 " was written (bounds guard): " + show_u32(u32(out, w)));
    return CheckResult::pass();
  };
  return c;
}

}  // namespace mica::corpus::detail
