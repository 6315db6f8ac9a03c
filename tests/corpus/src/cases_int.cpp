// 32-bit integer arithmetic and bit manipulation. Inputs mix random words with edge values
// (0, 1, -1, INT_MIN, INT_MAX, ...); references are plain C++ on uint32_t (wrapping by definition).
#include "case_util.h"
#include "cases.h"

#include <climits>

namespace mica::corpus::detail {
namespace {

std::uint32_t edge_or_random(Rng& r) {
  static constexpr std::uint32_t edges[] = {0u, 1u, 2u, 0x7fffffffu, 0x80000000u, 0x80000001u, 0xffffffffu,
                                            0xfffffffeu, 0x10000u, 0xffffu, 31u, 32u};
  if (r.below(3) == 0) return edges[r.below(std::size(edges))];
  return r.below(4) == 0 ? (r.next() >> r.below(32)) : r.next();
}

std::int32_t s(std::uint32_t v) { return static_cast<std::int32_t>(v); }
std::uint32_t u(std::int64_t v) { return static_cast<std::uint32_t>(v); }

// Two's-complement helpers without signed overflow in the host code.
std::uint32_t sext(std::uint32_t v, int bits) {
  if (bits == 0) return 0;
  if (bits == 32) return v;
  const std::uint32_t m = 1u << (bits - 1);
  v &= (1u << bits) - 1;
  return (v ^ m) - m;
}
std::uint32_t mask(int bits) { return bits == 32 ? ~0u : (1u << bits) - 1; }

int find_msb_signed(std::uint32_t v) {
  if (s(v) < 0) v = ~v;
  return v == 0 ? -1 : 31 - std::countl_zero(v);
}

}  // namespace

void add_int_cases(std::vector<Case>& out) {
  out.push_back(elementwise({"int_arith_wrap", "int", "wrapping add/sub/mul/negate", 250, 2, 6,
                             [](std::uint32_t, Rng& r) { return edge_or_random(r); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0], y = in[1];
                               return std::vector<Expect>{ex_u(x + y), ex_u(x - y), ex_u(x * y), ex_u(0u - x),
                                                          ex_u(x * y), ex_u((x + y) ^ (x - y))};
                             }}));

  out.push_back(elementwise({"int_div_mod", "int", "udiv/umod/sdiv (truncating)/srem on non-negative operands", 250, 2, 4,
                             [](std::uint32_t w, Rng& r) {
                               std::uint32_t v = edge_or_random(r);
                               // Divisors: never 0 (also after & 0x7fffffff) and never -1 (INT_MIN / -1).
                               if (w % 2 == 1 && ((v & 0x7fffffffu) == 0 || v == 0xffffffffu)) v = 7;
                               if (w % 2 == 1 && r.below(4) == 0) v = r.below(100) + 1;  // small divisors too
                               return v;
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0], y = in[1];
                               const std::int64_t q = static_cast<std::int64_t>(s(x)) / s(y);
                               const std::uint32_t px = x & 0x7fffffffu, py = y & 0x7fffffffu;
                               return std::vector<Expect>{ex_u(x / y), ex_u(x % y), ex_i(s(u(q))), ex_i(s(px % py))};
                             }}));

  out.push_back(elementwise({"int_shifts", "int", "shl, logical shr, arithmetic shr, rotate", 250, 2, 4,
                             [](std::uint32_t, Rng& r) { return edge_or_random(r); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0], sh = in[1] & 31u;
                               const std::uint32_t sar = s(x) < 0 ? ~(~x >> sh) : x >> sh;
                               return std::vector<Expect>{ex_u(x << sh), ex_u(x >> sh), ex_u(sar),
                                                          ex_u((x << sh) | (x >> ((32u - sh) & 31u)))};
                             }}));

  out.push_back(elementwise({"int_bitops", "int", "and/or/xor/not", 250, 2, 5,
                             [](std::uint32_t, Rng& r) { return edge_or_random(r); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0], y = in[1];
                               return std::vector<Expect>{ex_u(x & y), ex_u(x | y), ex_u(x ^ y), ex_u(~x),
                                                          ex_u((~y & x) | (x & 0xf0f0f0f0u))};
                             }}));

  out.push_back(elementwise({"int_compare_minmax", "int", "signed/unsigned compares, min/max/clamp/abs", 250, 2, 8,
                             [prev = 0u](std::uint32_t w, Rng& r) mutable {
                               // Every 4th pair is equal, so == and <= see both outcomes.
                               const std::uint32_t v = (w % 2 == 1 && r.below(4) == 0) ? prev : edge_or_random(r);
                               prev = v;
                               return v;
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0], y = in[1];
                               const std::int32_t sx = s(x), sy = s(y);
                               const std::uint32_t flags = std::uint32_t(x < y) | std::uint32_t(sx < sy) << 1 |
                                                           std::uint32_t(x == y) << 2 | std::uint32_t(sx <= sy) << 3 |
                                                           std::uint32_t(x >= y) << 4 | std::uint32_t(sx > sy) << 5 |
                                                           std::uint32_t(x != y) << 6;
                               const std::int32_t half = sx >> 1;  // arithmetic on gcc (C++20 defines it)
                               return std::vector<Expect>{ex_u(flags),
                                                          ex_u(std::min(x, y)),
                                                          ex_i(std::min(sx, sy)),
                                                          ex_u(std::max(x, y)),
                                                          ex_i(std::max(sx, sy)),
                                                          ex_i(std::clamp(sx, -1000, 1000)),
                                                          ex_u(std::clamp(x, 100u, 0x80000000u)),
                                                          ex_i(half < 0 ? -half : half)};
                             }}));

  out.push_back(elementwise({"bitfield_extract", "int", "bitfieldExtract u/s, offsets 0..31, widths 0..32-offset", 250, 3, 2,
                             [](std::uint32_t w, Rng& r) { return w % 3 == 0 ? edge_or_random(r) : r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0];
                               const int off = static_cast<int>(in[1] & 31u);
                               const int bits = static_cast<int>(in[2] % static_cast<std::uint32_t>(33 - off));
                               const std::uint32_t field = bits == 0 ? 0 : (x >> off) & mask(bits);
                               return std::vector<Expect>{ex_u(field), ex_i(s(sext(field, bits)))};
                             }}));

  out.push_back(elementwise({"bitfield_insert", "int", "bitfieldInsert u/s, offsets 0..31, widths 0..32-offset", 250, 4, 2,
                             [](std::uint32_t w, Rng& r) { return w % 4 < 2 ? edge_or_random(r) : r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t base = in[0], ins = in[1];
                               const int off = static_cast<int>(in[2] & 31u);
                               const int bits = static_cast<int>(in[3] % static_cast<std::uint32_t>(33 - off));
                               const std::uint32_t m = bits == 0 ? 0 : mask(bits) << off;
                               const std::uint32_t v = (base & ~m) | ((ins << off) & m);
                               return std::vector<Expect>{ex_u(v), ex_u(v)};
                             }}));

  out.push_back(elementwise({"bit_count_find", "int", "bitCount, findLSB, findMSB (u and s), incl. 0 and -1", 250, 1, 5,
                             [](std::uint32_t, Rng& r) {
                               const std::uint32_t v = edge_or_random(r);
                               return r.below(3) == 0 ? v & r.next() & r.next() : v;  // sparse words too
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0];
                               const int lsb = x == 0 ? -1 : std::countr_zero(x);
                               const int msb = x == 0 ? -1 : 31 - std::countl_zero(x);
                               return std::vector<Expect>{ex_u(std::popcount(x)), ex_u(std::popcount(x)), ex_i(lsb), ex_i(msb),
                                                          ex_i(find_msb_signed(x))};
                             }}));

  out.push_back(elementwise({"bitfield_reverse", "int", "bitfieldReverse", 250, 1, 2,
                             [](std::uint32_t, Rng& r) { return edge_or_random(r); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const auto rev = [](std::uint32_t v) {
                                 std::uint32_t o = 0;
                                 for (int b = 0; b < 32; ++b) o |= ((v >> b) & 1u) << (31 - b);
                                 return o;
                               };
                               return std::vector<Expect>{ex_u(rev(in[0])), ex_u(rev(in[0] ^ 0x5a5a5a5au))};
                             }}));

  out.push_back(elementwise({"int_extended", "int", "umulExtended, imulExtended, uaddCarry, usubBorrow", 250, 2, 8,
                             [](std::uint32_t, Rng& r) { return edge_or_random(r); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0], y = in[1];
                               const std::uint64_t up = std::uint64_t{x} * y;
                               const std::int64_t sp = std::int64_t{s(x)} * s(y);
                               const std::uint64_t spu = static_cast<std::uint64_t>(sp);
                               return std::vector<Expect>{ex_u(static_cast<std::uint32_t>(up >> 32)),
                                                          ex_u(static_cast<std::uint32_t>(up)),
                                                          ex_u(static_cast<std::uint32_t>(spu >> 32)),
                                                          ex_u(static_cast<std::uint32_t>(spu)),
                                                          ex_u(x + y),
                                                          ex_u(x + y < x ? 1u : 0u),
                                                          ex_u(x - y),
                                                          ex_u(x < y ? 1u : 0u)};
                             }}));
}

}  // namespace mica::corpus::detail
