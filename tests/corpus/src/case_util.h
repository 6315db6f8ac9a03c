// Internal helpers shared by the case files: deterministic generators, typed buffer access, mismatch
// messages and the "elementwise" case shape most arithmetic tests use.
#pragma once

#include "mica/corpus/corpus.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace mica::corpus::detail {

// splitmix64: tiny, fast, and identical on every host.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next64() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint32_t next() { return static_cast<std::uint32_t>(next64() >> 32); }
  std::uint32_t below(std::uint32_t n) { return n == 0 ? 0 : next() % n; }
  std::int32_t range(std::int32_t lo, std::int32_t hi) {  // inclusive
    return lo + static_cast<std::int32_t>(below(static_cast<std::uint32_t>(hi - lo + 1)));
  }
  // A float with a random sign, mantissa and an exponent in [emin, emax]: never denormal, never inf.
  float normal_float(int emin, int emax) {
    const std::uint32_t e = static_cast<std::uint32_t>(range(emin, emax) + 127);
    return std::bit_cast<float>((next() & 0x807fffffu) | (e << 23));
  }
  float uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(next() >> 8) * 0x1p-24f; }

 private:
  std::uint64_t state_;
};

// Seed derived from the case name so that every case has its own fixed input stream.
std::uint64_t seed_of(std::string_view name);

template <class T>
T load(const Bytes& b, std::size_t index) {
  T v{};
  if ((index + 1) * sizeof(T) <= b.size()) std::memcpy(&v, b.data() + index * sizeof(T), sizeof(T));
  return v;
}
template <class T>
void store(std::span<std::uint8_t> b, std::size_t index, T v) {
  if ((index + 1) * sizeof(T) <= b.size()) std::memcpy(b.data() + index * sizeof(T), &v, sizeof(T));
}
inline std::uint32_t u32(const Bytes& b, std::size_t i) { return load<std::uint32_t>(b, i); }
inline std::int32_t i32(const Bytes& b, std::size_t i) { return load<std::int32_t>(b, i); }
inline float f32(const Bytes& b, std::size_t i) { return load<float>(b, i); }
inline std::uint32_t fbits(float f) { return std::bit_cast<std::uint32_t>(f); }
inline float bitsf(std::uint32_t u) { return std::bit_cast<float>(u); }

// Marks words the shader must not touch (guards, untouched slots). Also makes "the shader did not run"
// fail every check.
constexpr std::uint32_t poison = 0xdeadbeefu;

// Init generators.
using Init = std::function<void(std::span<std::uint8_t>)>;
Init init_words(std::string_view seed_name, std::function<std::uint32_t(std::uint32_t index, Rng&)> gen);
Init init_poison();
Init init_bytes(Bytes contents);  // copies (contents padded with zeros / truncated to the size)

// Formatting of values in mismatch messages.
std::string hex(std::uint32_t v);
std::string show_u32(std::uint32_t v);  // "123 (0x0000007b)"
std::string show_i32(std::int32_t v);
std::string show_f32(float v);  // "1.5 (0x3fc00000)"

// How an expected 32-bit word is compared.
enum class Cmp {
  exact,      // bit-identical
  f32_exact,  // bit-identical, except that any NaN matches any NaN
  f32_abs,    // |got - exp| <= tol (NaN/inf must match exactly)
  f32_rel,    // |got - exp| <= tol * max(|exp|, tiny) (NaN/inf must match exactly)
  i32,        // bit-identical, printed signed
  any,        // undefined by the spec for this invocation: not checked
};
struct Expect {
  std::uint32_t bits = 0;
  Cmp cmp = Cmp::exact;
  double tol = 0;
};
inline Expect ex_u(std::uint32_t v) { return {v, Cmp::exact, 0}; }
inline Expect ex_any() { return {0, Cmp::any, 0}; }
inline Expect ex_i(std::int32_t v) { return {static_cast<std::uint32_t>(v), Cmp::i32, 0}; }
inline Expect ex_f(float v) { return {fbits(v), Cmp::f32_exact, 0}; }
inline Expect ex_fabs(double v, double tol) { return {fbits(static_cast<float>(v)), Cmp::f32_abs, tol}; }
inline Expect ex_frel(double v, double tol) { return {fbits(static_cast<float>(v)), Cmp::f32_rel, tol}; }
// nullopt when got matches; else a description "got X, expected Y".
std::optional<std::string> compare(std::uint32_t got, const Expect& e);

// Fails at the first word of `got` (from binding `what`) that does not match.
// expected[i] applies to word i; words beyond expected.size() are not checked.
CheckResult compare_words(std::string_view what, const Bytes& got, const std::vector<Expect>& expected);
CheckResult compare_u32(std::string_view what, const Bytes& got, const std::vector<std::uint32_t>& expected);
CheckResult compare_i32(std::string_view what, const Bytes& got, const std::vector<std::int32_t>& expected);
CheckResult compare_f32(std::string_view what, const Bytes& got, const std::vector<float>& expected);

std::vector<std::uint32_t> words(const Bytes& b);

// Common binding shapes.
Binding storage(std::uint32_t binding, std::uint32_t bytes, Init init = {}, std::uint32_t set = 0);
Binding uniform(std::uint32_t binding, std::uint32_t bytes, Init init = {}, std::uint32_t set = 0);

template <class T>
std::vector<std::uint8_t> push_bytes(const T& v) {
  std::vector<std::uint8_t> out(sizeof(T));
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

// The elementwise shape: binding 0 = input (n * in_words 32-bit words), binding 1 = output (padded to
// whole workgroups of 64 * out_words words, poisoned). Push constant: uint n. Element i's reference
// comes from ref(i, in + i * in_words) -> out_words Expects. The check also requires that the padding
// past n stays poisoned (the shader's bounds guard).
struct Elementwise {
  std::string name, category, summary;
  std::uint32_t n = 250;  // deliberately not a multiple of the workgroup size
  std::uint32_t in_words = 1;
  std::uint32_t out_words = 1;
  std::function<std::uint32_t(std::uint32_t word, Rng&)> gen;  // word = element * in_words + k
  std::function<std::vector<Expect>(std::uint32_t i, const std::uint32_t* in)> ref;
  Features required = feature_none;
};
Case elementwise(Elementwise e);

}  // namespace mica::corpus::detail
