// Control flow: divergence, early return, loops of every kind, switch, SPIR-V functions, selects.
// The references are the same algorithms written in C++ on uint32_t.
#include "case_util.h"
#include "cases.h"

namespace mica::corpus::detail {
namespace {

std::uint32_t rotl(std::uint32_t v, std::uint32_t s) {
  s &= 31u;
  return s == 0 ? v : (v << s) | (v >> (32u - s));
}
std::uint32_t mix_hash(std::uint32_t v) {
  v ^= v >> 16;
  v *= 0x7feb352du;
  v ^= v >> 15;
  v *= 0x846ca68bu;
  v ^= v >> 16;
  return v;
}

std::uint32_t any_word(std::uint32_t, Rng& r) { return r.below(4) == 0 ? r.next() >> r.below(32) : r.next(); }

}  // namespace

void add_control_cases(std::vector<Case>& out) {
  out.push_back(elementwise({"divergent_if_else", "control", "nested divergent if/else on invocation id and data", 250, 1, 2, any_word,
                             [](std::uint32_t i, const std::uint32_t* in) {
                               const std::uint32_t x = in[0];
                               std::uint32_t r;
                               if ((i & 1u) == 0) {
                                 if ((x & 3u) == 0) r = x * 3u;
                                 else if ((x & 3u) == 1) r = x ^ 0xffffu;
                                 else r = x + i;
                               } else {
                                 r = x > 0x80000000u ? x >> 3 : x << 2;
                                 if (i % 3u == 0) r = ~r;
                               }
                               const std::uint32_t s = x > i * 1000000u ? 1u : 2u;
                               return std::vector<Expect>{ex_u(r), ex_u(s + r)};
                             }}));

  out.push_back(elementwise({"divergent_early_return", "control", "early return of some invocations, loop with data-dependent break", 250, 1, 1,
                             any_word,
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0];
                               if ((x & 7u) == 3u) return std::vector<Expect>{ex_u(poison)};
                               std::uint32_t acc = x;
                               for (std::uint32_t k = 0; k < 16; ++k) {
                                 if (((acc >> k) & 1u) != 0 && k > (x & 15u)) break;
                                 acc = acc * 1664525u + 1013904223u;
                               }
                               return std::vector<Expect>{ex_u(acc)};
                             }}));

  out.push_back(elementwise({"loop_collatz", "control", "while loop with divergent trip counts (Collatz steps, peak)", 250, 1, 2,
                             [](std::uint32_t, Rng& r) { return r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               std::uint32_t v = in[0] % 10000u + 1u, steps = 0, peak = v;
                               while (v != 1 && steps < 1000) {
                                 v = (v & 1u) ? 3u * v + 1u : v / 2u;
                                 peak = std::max(peak, v);
                                 ++steps;
                               }
                               return std::vector<Expect>{ex_u(steps), ex_u(peak)};
                             }}));

  out.push_back(elementwise({"loop_while_do", "control", "while (gcd) and do-while (digit sum)", 250, 2, 2,
                             [](std::uint32_t w, Rng& r) {
                               // Shared factors make the gcd interesting; some zero divisors end at once.
                               const std::uint32_t f = r.range(1, 64);
                               if (w % 2 == 1 && r.below(10) == 0) return 0u;
                               return f * (r.next() >> 12);
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               std::uint32_t x = in[0], y = in[1];
                               while (y != 0) {
                                 const std::uint32_t t = x % y;
                                 x = y;
                                 y = t;
                               }
                               std::uint32_t v = in[0], s = 0;
                               do {
                                 s += v % 10u;
                                 v /= 10u;
                               } while (v != 0);
                               return std::vector<Expect>{ex_u(x), ex_u(s)};
                             }}));

  out.push_back(elementwise({"loop_nested_break_continue", "control", "nested for loops with continue/break at both levels", 250, 1, 1,
                             [](std::uint32_t, Rng& r) { return r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0];
                               std::uint32_t acc = 0;
                               for (std::uint32_t r = 0; r < 8; ++r) {
                                 if (((x >> r) & 1u) == 1u) continue;
                                 for (std::uint32_t c = 0; c < 8; ++c) {
                                   if (c == ((x >> 8) & 7u)) break;
                                   if (((c + r) & 1u) == 0) continue;
                                   acc += (r * 8u + c) ^ (x >> 16);
                                 }
                                 if (acc > (x & 0xfffu) + 200u) break;
                               }
                               return std::vector<Expect>{ex_u(acc)};
                             }}));

  out.push_back(elementwise({"switch_fallthrough", "control", "switch: fallthrough, grouped labels, default, negative labels", 250, 1, 1,
                             [](std::uint32_t, Rng& r) { return r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0];
                               std::uint32_t r = 0;
                               switch (x % 8u) {
                                 case 0: r += 1u; [[fallthrough]];
                                 case 1: r += 10u; break;
                                 case 2:
                                 case 3: r = x * 2u; break;
                                 case 5: r = x ^ 0x55u; [[fallthrough]];
                                 case 6: r += 100u; break;
                                 default: r = 7777u;
                               }
                               switch (static_cast<int>(x >> 28) - 8) {
                                 case -8: r ^= 1u; break;
                                 case 0: r ^= 2u; break;
                                 case 7: r ^= 4u; break;
                                 default: break;
                               }
                               return std::vector<Expect>{ex_u(r)};
                             }}));

  out.push_back(elementwise({"switch_in_loop", "control", "switch inside a loop with continue/break in cases", 250, 1, 1,
                             [](std::uint32_t, Rng& r) { return r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0];
                               std::uint32_t acc = 1;
                               bool done = false;
                               for (std::uint32_t k = 0; k < 16; ++k) {
                                 switch ((x >> (2u * k)) & 3u) {
                                   case 0: acc += k; continue;
                                   case 1: acc *= 3u; break;
                                   case 2: if (acc > 1000u) done = true; break;
                                   default: acc ^= x; break;
                                 }
                                 if (done) break;
                                 acc += 1u;
                               }
                               return std::vector<Expect>{ex_u(acc)};
                             }}));

  out.push_back(elementwise({"functions_calls", "control", "SPIR-V functions: in/out/inout params, struct return, calls in loops", 250, 2, 3,
                             [](std::uint32_t, Rng& r) { return r.below(4) == 0 ? r.below(2000) : r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               std::uint32_t p = in[0], q = in[1];
                               if (p > q) std::swap(p, q);
                               std::uint32_t acc = 0;
                               for (std::uint32_t k = 0; k < 4; ++k) acc = rotl(acc, 5u) ^ mix_hash(p + k);
                               const std::uint32_t lo = acc & 0xffffu, hi = acc >> 16;
                               std::uint32_t kind, c;
                               if (q < 1000u) kind = 0, c = q;
                               else if (q < 0x80000000u) kind = 1, c = q / 7u;
                               else kind = 2, c = ~q;
                               return std::vector<Expect>{ex_u(p), ex_u(lo * 3u + hi), ex_u(c ^ (kind << 30))};
                             }}));

  out.push_back(elementwise({"select_vector", "control", "vector selects: mix(bvec), any/all/not, ternaries", 250, 4, 4,
                             [](std::uint32_t, Rng& r) { return r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t* v = in;
                               bool m[4];
                               std::uint32_t r[4];
                               for (int k = 0; k < 4; ++k) m[k] = v[k] > 0x80000000u;
                               for (int k = 0; k < 4; ++k) r[k] = m[k] ? v[3 - k] : v[k];
                               const bool any = m[0] || m[1] || m[2] || m[3], all = m[0] && m[1] && m[2] && m[3];
                               const bool any_not = !m[0] || !m[1] || !m[2] || !m[3];
                               std::uint32_t s = 0;
                               for (int k = 0; k < 4; ++k) s |= std::uint32_t(v[k] <= v[(k + 1) % 4]) << k;
                               return std::vector<Expect>{ex_u(r[0] + r[1] * 3u + r[2] * 5u + r[3] * 7u),
                                                          ex_u(std::uint32_t(any) | std::uint32_t(all) << 1 |
                                                               std::uint32_t(any_not) << 2 | std::uint32_t(m[1]) << 3),
                                                          ex_u(v[0] > v[1] ? v[2] : v[3]), ex_u(s)};
                             }}));

  out.push_back(elementwise({"loop_carried_multi", "control", "loops carrying several values (Fibonacci swap, LCG, countdown)", 250, 1, 3,
                             [](std::uint32_t, Rng& r) { return r.next(); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t x = in[0], cnt = x % 50u;
                               std::uint32_t f0 = 0, f1 = 1, lcg = x;
                               for (std::uint32_t k = 0; k < cnt; ++k) {
                                 const std::uint32_t t = f0 + f1;
                                 f0 = f1;
                                 f1 = t;
                                 lcg = lcg * 22695477u + 1u;
                               }
                               std::uint32_t down = x & 0xffu, sum = 0;
                               while (down > 0) {
                                 sum += down * down;
                                 down = (down & 1u) != 0 ? down - 1u : down - 2u;
                               }
                               return std::vector<Expect>{ex_u(f0), ex_u(lcg ^ f1), ex_u(sum)};
                             }}));
}

}  // namespace mica::corpus::detail
