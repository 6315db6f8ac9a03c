// 32-bit float arithmetic, special values, rounding, conversions and GLSL.std.450 builtins. Exact
// checks where Vulkan requires correct rounding or the result is exactly representable; tolerance
// checks (taken from the Vulkan precision table, with margin) for the transcendental functions.
#include "case_util.h"
#include "cases.h"

#include <limits>

namespace mica::corpus::detail {
namespace {

constexpr float inf = std::numeric_limits<float>::infinity();
constexpr float fmax = std::numeric_limits<float>::max();
const float qnan = std::bit_cast<float>(0x7fc00000u);

std::uint32_t special(Rng& r, bool with_nan) {
  const float table[] = {inf, -inf, 0.0f, -0.0f, 1.0f, -1.0f, 2.5f, 3.0f, fmax, -fmax, 0.5f, qnan};
  const std::size_t n = std::size(table) - (with_nan ? 0 : 1);
  if (r.below(4) == 0) return fbits(r.normal_float(-8, 8));
  return fbits(table[r.below(static_cast<std::uint32_t>(n))]);
}

float small_int(Rng& r, int lo, int hi) { return static_cast<float>(r.range(lo, hi)); }

// Host half -> float for normal halves (the generator only makes normal ones).
float half_to_float(std::uint32_t h) {
  const std::uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  return std::bit_cast<float>(sign << 31 | (exp - 15 + 127) << 23 | man << 13);
}
std::uint32_t random_normal_half(Rng& r) { return (r.next() & 0x83ffu) | static_cast<std::uint32_t>(r.range(1, 30)) << 10; }

std::int32_t round_half_away(float v) { return static_cast<std::int32_t>(std::lround(v)); }

}  // namespace

void add_float_cases(std::vector<Case>& out) {
  out.push_back(elementwise({"float_add_sub_mul", "float", "correctly rounded fadd/fsub/fmul", 250, 2, 3,
                             [](std::uint32_t, Rng& r) { return fbits(r.normal_float(-20, 20)); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]), y = bitsf(in[1]);
                               return std::vector<Expect>{ex_f(x + y), ex_f(x - y), ex_f(x * y)};
                             }}));

  out.push_back(elementwise({"float_div", "float", "fdiv within 2.5 ULP; x / +-0 is a signed infinity", 250, 3, 2,
                             [](std::uint32_t w, Rng& r) {
                               if (w % 3 == 2) return r.below(2) ? 0x80000000u : 0u;  // +0 or -0
                               return fbits(r.normal_float(-30, 30));
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]), y = bitsf(in[1]), zero = bitsf(in[2]);
                               const float sign = std::signbit(x) != std::signbit(zero) ? -1.0f : 1.0f;
                               return std::vector<Expect>{ex_frel(static_cast<double>(x) / y, 4e-7), ex_f(sign * inf)};
                             }}));

  out.push_back(elementwise({"float_special_compare", "float", "ordered/unordered compares, isnan, isinf on NaN/inf/-0", 250, 2, 1,
                             [](std::uint32_t, Rng& r) { return special(r, true); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]), y = bitsf(in[1]);
                               const std::uint32_t f = std::uint32_t(x < y) | std::uint32_t(x <= y) << 1 | std::uint32_t(x == y) << 2 |
                                                       std::uint32_t(x != y) << 3 | std::uint32_t(x > y) << 4 |
                                                       std::uint32_t(x >= y) << 5 | std::uint32_t(std::isnan(x)) << 6 |
                                                       std::uint32_t(std::isinf(x)) << 7 | std::uint32_t(std::isnan(y)) << 8 |
                                                       std::uint32_t(std::isinf(y)) << 9 | std::uint32_t(x == x) << 10 |
                                                       std::uint32_t(!(x < y) && !(x >= y)) << 11;
                               return std::vector<Expect>{ex_u(f)};
                             },
                             float32_inf_nan_preserve}));

  out.push_back(elementwise({"float_special_arith", "float", "IEEE add/sub/mul on inf, NaN, signed zero, overflow", 250, 2, 3,
                             [](std::uint32_t, Rng& r) { return special(r, true); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]), y = bitsf(in[1]);
                               return std::vector<Expect>{ex_f(x + y), ex_f(x - y), ex_f(x * y)};
                             },
                             float32_inf_nan_preserve}));

  out.push_back(elementwise({"float_min_max_clamp", "float", "fmin/fmax/clamp on ordered values", 250, 3, 4,
                             [prev = 0u](std::uint32_t w, Rng& r) mutable {
                               const std::uint32_t v = (w % 3 != 0 && r.below(5) == 0) ? prev : fbits(r.normal_float(-10, 10));
                               prev = v;
                               return v;
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]), y = bitsf(in[1]), z = bitsf(in[2]);
                               const float lo = std::min(y, z), hi = std::max(y, z);
                               return std::vector<Expect>{ex_f(std::min(x, y)), ex_f(std::max(x, y)),
                                                          ex_f(std::min(std::max(x, lo), hi)), ex_f(std::max(std::min(x, z), y))};
                             }}));

  out.push_back(elementwise({"float_rounding", "float", "floor/ceil/fract/trunc/roundEven/round, incl. -0 results", 250, 1, 6,
                             [](std::uint32_t, Rng& r) {
                               float v = r.normal_float(-4, 24);
                               if (r.below(8) == 0) v = std::trunc(v);  // integral values too
                               // No ties: round() may go either way on x.5.
                               if (std::fabs(v - std::trunc(v)) == 0.5f) v = std::nextafter(v, inf);
                               return fbits(v);
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]);
                               const float fl = std::floor(x);
                               const float fr = x - fl;
                               return std::vector<Expect>{ex_f(fl), ex_f(std::ceil(x)), ex_f(fr), ex_f(std::trunc(x)),
                                                          ex_f(std::nearbyint(x)), ex_f(std::round(x))};
                             }}));

  out.push_back(elementwise({"float_abs_sign", "float", "abs, sign, negate, copysign by bit ops (zeros, infinities)", 250, 2, 4,
                             [](std::uint32_t, Rng& r) { return special(r, false); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]);
                               const float sg = x > 0 ? 1.0f : x < 0 ? -1.0f : 0.0f;
                               // sign(+-0) may be either zero: an absolute tolerance of 0 accepts both.
                               return std::vector<Expect>{ex_f(std::fabs(x)), ex_fabs(sg, 0.0), ex_f(-x),
                                                          ex_u((in[0] & 0x7fffffffu) | (in[1] & 0x80000000u))};
                             }}));

  out.push_back(elementwise({"float_fma", "float", "fma and mul-sub on small integers (exact either way)", 250, 3, 2,
                             [](std::uint32_t, Rng& r) { return fbits(small_int(r, -1000, 1000)); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]), y = bitsf(in[1]), z = bitsf(in[2]);
                               return std::vector<Expect>{ex_f(x * y + z), ex_f(x * y - z)};
                             }}));

  out.push_back(elementwise({"conv_int_float", "float", "s/u int -> float (rounded), float -> s/u int (truncated)", 250, 2, 5,
                             [](std::uint32_t w, Rng& r) {
                               if (w % 2 == 0) return r.below(4) == 0 ? (0xffffff00u | r.next()) : r.next() >> r.below(32);
                               return fbits(r.normal_float(-3, 30));
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t w = in[0];
                               const float f = bitsf(in[1]);
                               const std::int32_t sw = static_cast<std::int32_t>(w);
                               return std::vector<Expect>{ex_f(static_cast<float>(sw)), ex_f(static_cast<float>(w)),
                                                          ex_i(static_cast<std::int32_t>(f)),
                                                          ex_u(static_cast<std::uint32_t>(std::fabs(f))),
                                                          ex_f(static_cast<float>(sw >> 8))};
                             }}));

  out.push_back(elementwise({"conv_pack_unpack", "float", "pack/unpack Half2x16, Unorm4x8, Snorm2x16 round trips", 250, 2, 10,
                             [](std::uint32_t w, Rng& r) {
                               return w % 2 == 0 ? random_normal_half(r) | random_normal_half(r) << 16 : r.next();
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const std::uint32_t h = in[0], b = in[1];
                               std::vector<Expect> e{ex_f(half_to_float(h & 0xffff)), ex_f(half_to_float(h >> 16)), ex_u(h)};
                               for (int k = 0; k < 4; ++k) e.push_back(ex_fabs(((b >> (8 * k)) & 0xff) / 255.0, 1e-6));
                               e.push_back(ex_u(b));
                               const auto snorm = [](std::uint32_t v16) {
                                 const double v = static_cast<std::int16_t>(static_cast<std::uint16_t>(v16)) / 32767.0;
                                 return std::clamp(v, -1.0, 1.0);
                               };
                               e.push_back(ex_fabs(snorm(b & 0xffff), 1e-6));
                               // -32768 unpacks to -1.0 and packs back as -32767.
                               const auto repack = [&](std::uint32_t v16) {
                                 const std::int32_t q = round_half_away(static_cast<float>(snorm(v16) * 32767.0));
                                 return static_cast<std::uint32_t>(q) & 0xffffu;
                               };
                               e.push_back(ex_u(repack(b & 0xffff) | repack(b >> 16) << 16));
                               return e;
                             }}));

  out.push_back(elementwise({"float_ldexp_frexp", "float", "frexp mantissa/exponent and ldexp (exact)", 250, 2, 3,
                             [](std::uint32_t w, Rng& r) {
                               if (w % 2 == 1) return r.next();
                               return r.below(16) == 0 ? 0u : fbits(r.normal_float(-60, 60));
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]);
                               const int k = static_cast<int>(in[1] % 41u) - 20;
                               int e = 0;
                               const float m = std::frexp(x, &e);
                               return std::vector<Expect>{ex_f(m), ex_i(e), ex_f(std::ldexp(x, k))};
                             }}));

  out.push_back(elementwise({"float_exp_log", "float", "exp2/log2/exp/log/pow with precision-table tolerances", 250, 2, 5,
                             [](std::uint32_t w, Rng& r) {
                               return w % 2 == 0 ? fbits(r.uniform(-10.0f, 10.0f)) : fbits(std::exp2(r.uniform(-6.5f, 10.0f)));
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const double x = bitsf(in[0]), y = bitsf(in[1]);
                               const double q = bitsf(in[0]) * 0.25f;
                               return std::vector<Expect>{ex_frel(std::exp2(x), 1e-5), ex_fabs(std::log2(y), 1e-5),
                                                          ex_frel(std::exp(x), 1e-5), ex_fabs(std::log(y), 1e-5),
                                                          ex_frel(std::pow(y, q), 1e-4)};
                             }}));

  out.push_back(elementwise({"float_trig", "float", "sin/cos (abs 2^-11), atan/atan2 (4096 ULP) on [-pi, pi]", 250, 2, 4,
                             [](std::uint32_t w, Rng& r) {
                               return w % 2 == 0 ? fbits(r.uniform(-3.14159f, 3.14159f)) : fbits(r.uniform(-10.0f, 10.0f));
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const double x = bitsf(in[0]), y = bitsf(in[1]);
                               return std::vector<Expect>{ex_fabs(std::sin(x), 5e-4), ex_fabs(std::cos(x), 5e-4),
                                                          ex_frel(std::atan(y), 5e-4), ex_fabs(std::atan2(y, x), 2e-3)};
                             }}));

  out.push_back(elementwise({"float_sqrt", "float", "sqrt, inversesqrt, sqrt(x*x)", 250, 1, 3,
                             [](std::uint32_t, Rng& r) { return fbits(std::exp2(r.uniform(-10.0f, 20.0f))); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]);
                               return std::vector<Expect>{ex_frel(std::sqrt(static_cast<double>(x)), 1e-6),
                                                          ex_frel(1.0 / std::sqrt(static_cast<double>(x)), 1e-6),
                                                          ex_frel(x, 1e-6)};
                             }}));

  out.push_back(elementwise({"float_mix_step", "float", "mix, step, smoothstep", 250, 3, 3,
                             [](std::uint32_t w, Rng& r) {
                               return w % 3 == 2 ? fbits(r.uniform(0.0f, 1.0f)) : fbits(r.uniform(-100.0f, 100.0f));
                             },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const float x = bitsf(in[0]), y = bitsf(in[1]), t = bitsf(in[2]);
                               const double s = t * 3.0f - 1.5f;
                               const double u = std::clamp((s + 1.0) / 2.0, 0.0, 1.0);
                               return std::vector<Expect>{ex_fabs(x * (1.0 - t) + static_cast<double>(y) * t, 1e-4),
                                                          ex_f(x < y ? 0.0f : 1.0f), ex_fabs(u * u * (3.0 - 2.0 * u), 1e-5)};
                             }}));

  out.push_back(elementwise({"vector_geometric", "float", "dot/cross (exact), length/distance/normalize (tolerance)", 250, 8, 8,
                             [](std::uint32_t, Rng& r) { return fbits(small_int(r, -8, 8)); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               float p[4], q[4];
                               for (int k = 0; k < 4; ++k) p[k] = bitsf(in[k]), q[k] = bitsf(in[4 + k]);
                               const float b[3] = {q[2], q[1], q[0]};
                               const float d = p[0] * q[0] + p[1] * q[1] + p[2] * q[2] + p[3] * q[3];
                               const double len = std::sqrt(double(p[0]) * p[0] + double(p[1]) * p[1] + double(p[2]) * p[2] + double(p[3]) * p[3]);
                               const double dx = p[0] - q[3], dy = p[1] - q[2];
                               const double n3[3] = {p[0] + 0.5, p[1] + 0.5, p[2] + 0.5};
                               const double nl = std::sqrt(n3[0] * n3[0] + n3[1] * n3[1] + n3[2] * n3[2]);
                               return std::vector<Expect>{ex_f(d),
                                                          ex_f(p[1] * b[2] - p[2] * b[1]),
                                                          ex_f(p[2] * b[0] - p[0] * b[2]),
                                                          ex_f(p[0] * b[1] - p[1] * b[0]),
                                                          ex_frel(len, 2e-6),
                                                          ex_frel(std::sqrt(dx * dx + dy * dy), 2e-6),
                                                          ex_fabs(n3[0] / nl, 1e-5),
                                                          ex_fabs(n3[2] / nl, 1e-5)};
                             }}));

  out.push_back(elementwise({"matrix_ops", "float", "mat4*vec4, transpose, mat3 determinant (small integers)", 250, 20, 9,
                             [](std::uint32_t, Rng& r) { return fbits(small_int(r, -5, 5)); },
                             [](std::uint32_t, const std::uint32_t* in) {
                               const auto m = [&](int col, int row) { return bitsf(in[4 * col + row]); };
                               const auto v = [&](int k) { return bitsf(in[16 + k]); };
                               std::vector<Expect> e;
                               for (int row = 0; row < 4; ++row) {
                                 float s = 0;
                                 for (int c = 0; c < 4; ++c) s += m(c, row) * v(c);
                                 e.push_back(ex_f(s));
                               }
                               for (int k = 0; k < 4; ++k) {
                                 float s = 0;
                                 for (int r = 0; r < 4; ++r) s += m(k, r) * v(r);
                                 e.push_back(ex_f(s));
                               }
                               const float det = m(0, 0) * (m(1, 1) * m(2, 2) - m(2, 1) * m(1, 2)) -
                                                 m(1, 0) * (m(0, 1) * m(2, 2) - m(2, 1) * m(0, 2)) +
                                                 m(2, 0) * (m(0, 1) * m(1, 2) - m(1, 1) * m(0, 2));
                               e.push_back(ex_f(det));
                               return e;
                             }}));
}

}  // namespace mica::corpus::detail
