// Memory interfaces: std430 structs/vectors/runtime arrays, std140 uniforms, push constants,
// specialization constants (incl. LocalSizeId), several descriptor sets, indirect addressing.
// Where a layout offset is the point of the test it is written out with the rule that produces it.
#include "case_util.h"
#include "cases.h"

#include <numeric>

namespace mica::corpus::detail {
namespace {

float dyadic(Rng& r, int lo, int hi) { return static_cast<float>(r.range(lo, hi)) * 0.25f; }

Case struct_array() {
  constexpr std::uint32_t n = 96, words = 16;  // Particle is 64 bytes in std430
  Case c;
  c.name = "ssbo_struct_array";
  c.category = "memory";
  c.summary = "std430 array of structs (vec3+uint packing, vec4 alignment, tail padding), reversed scatter";
  c.spirv = "ssbo_struct_array.spv";
  c.groups = {n / 32, 1, 1};
  c.local_size = {32, 1, 1};
  c.bindings.push_back(storage(0, n * words * 4, init_words(c.name, [](std::uint32_t w, Rng& r) {
    switch (w % words) {
      case 3: case 12: return r.next() >> 2;  // id, flags
      case 13: case 14: case 15: return 0u;   // padding
      case 6: return fbits(dyadic(r, 0, 40));  // mass
      default: return fbits(dyadic(r, -64, 64));
    }
  })));
  c.bindings.push_back(storage(1, n * words * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    const Bytes& s = io.initial[0];
    std::vector<Expect> e(n * words, ex_u(poison));
    for (std::uint32_t i = 0; i < n; ++i) {
      const auto f = [&](std::uint32_t k) { return f32(s, i * words + k); };
      const auto u = [&](std::uint32_t k) { return u32(s, i * words + k); };
      const std::uint32_t d = (n - 1 - i) * words;
      e[d + 0] = ex_f(f(0) + f(4) * 2.0f);
      e[d + 1] = ex_f(f(1) + f(5) * 2.0f);
      e[d + 2] = ex_f(f(2) + 0.5f * 2.0f);
      e[d + 3] = ex_u(u(3) * 2u + 1u);
      e[d + 4] = ex_f(f(5));
      e[d + 5] = ex_f(f(4));
      const float mass = f(6) * 0.5f;
      e[d + 6] = ex_f(mass);
      e[d + 8] = ex_f(f(10));
      e[d + 9] = ex_f(f(9));
      e[d + 10] = ex_f(f(8));
      e[d + 11] = ex_f(f(11));
      e[d + 12] = ex_u(u(12) | (mass > 4.0f ? 1u : 0u) << 31);
    }
    // Padding (word 7 and 13..15): a whole-struct store may or may not write it, so it is not checked.
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::uint32_t k : {7u, 13u, 14u, 15u}) e[i * words + k] = ex_u(u32(io.final[1], i * words + k));
    return compare_words("dst", io.final[1], e);
  };
  return c;
}

Case runtime_array() {
  constexpr std::uint32_t len = 77;
  Case c;
  c.name = "ssbo_runtime_array";
  c.category = "memory";
  c.summary = "runtime array after fixed members, .length(), guard with more invocations than elements";
  c.spirv = "ssbo_runtime_array.spv";
  c.groups = {3, 1, 1};
  c.local_size = {32, 1, 1};
  c.bindings.push_back(storage(0, 8 + len * 8, init_words(c.name, [](std::uint32_t w, Rng& r) {
    return w < 2 ? poison : r.next() >> 4;
  })));
  c.check = [](const CheckInput& io) {
    const Bytes& s = io.initial[0];
    std::vector<std::uint32_t> e{len, poison};
    for (std::uint32_t i = 0; i < len; ++i) {
      e.push_back(u32(s, 2 + 2 * i + 1) + len);
      e.push_back(u32(s, 2 + 2 * i) + i);
    }
    return compare_u32("data", io.final[0], e);
  };
  return c;
}

Case ubo_std140() {
  Case c;
  c.name = "ubo_std140";
  c.category = "memory";
  c.summary = "std140 uniform block: float[4] stride 16, vec3+float, mat4, ivec2, uvec4[2]; dynamic indexing";
  c.spirv = "ubo_std140.spv";
  c.groups = {1, 1, 1};
  c.local_size = {16, 1, 1};
  c.bindings.push_back(uniform(0, 192, init_words(c.name, [](std::uint32_t w, Rng& r) {
    if (w < 16) return w % 4 == 0 ? fbits(static_cast<float>(r.range(-20, 20))) : poison;  // array padding
    if (w < 36) return fbits(static_cast<float>(r.range(-50, 50)));                       // v3, f, m
    if (w < 38) return static_cast<std::uint32_t>(r.range(-100, 100));                     // iv
    if (w < 40) return poison;
    return r.next();  // uv
  })));
  c.bindings.push_back(storage(1, 16 * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    const Bytes& u = io.initial[0];
    std::vector<float> e;
    for (std::uint32_t i = 0; i < 16; ++i) {
      const float scalar = f32(u, (i % 4) * 4);                // std140: array stride 16 bytes
      const float v3 = f32(u, 16 + i % 3);                     // offset 64
      const float f = f32(u, 19);                              // offset 76
      const float m = f32(u, 20 + (i % 4) * 4 + i / 4);        // offset 80, column i%4, row i/4
      const float iv = static_cast<float>(i32(u, 36 + (i & 1)));  // offset 144
      const float uv = static_cast<float>(u32(u, 40 + (i % 2) * 4 + i % 4) & 0xffu);  // offset 160
      e.push_back(scalar * static_cast<float>(i) + v3 + f + m + iv + uv);
    }
    return compare_f32("out", io.final[1], e);
  };
  return c;
}

Case push_constants() {
  struct PC {
    std::uint32_t count;
    float scale;
    std::int32_t bias;
    std::uint32_t pad;
    float tint[4];
    std::uint32_t range[2];
  };
  static_assert(sizeof(PC) == 40);
  constexpr std::uint32_t n = 128;
  const PC pc{100, -1.5f, 7, 0, {0.25f, 2.0f, -3.0f, 8.0f}, {10, 70}};
  Case c;
  c.name = "push_constants_struct";
  c.category = "memory";
  c.summary = "push constant block: uint/float/int/vec4/uvec2 at std430 offsets, count guard";
  c.spirv = "push_constants_struct.spv";
  c.groups = {2, 1, 1};
  c.local_size = {64, 1, 1};
  c.push_constants = push_bytes(pc);
  c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) {
    return fbits(static_cast<float>(r.range(-1000, 1000)));
  })));
  c.check = [pc](const CheckInput& io) {
    std::vector<float> e;
    for (std::uint32_t i = 0; i < n; ++i) {
      const float d = f32(io.initial[0], i);
      if (i >= pc.count) {
        e.push_back(d);
        continue;
      }
      const float inside = (i >= pc.range[0] && i < pc.range[1]) ? 1.0f : 0.0f;
      e.push_back(d * pc.scale + static_cast<float>(pc.bias) + pc.tint[i % 4] * inside);
    }
    return compare_f32("data", io.final[0], e);
  };
  return c;
}

Case spec_constants() {
  const std::int32_t k_int = -7;
  const std::uint32_t k_uint = 11, k_len = 12;
  const float k_float = 0.25f;
  Case c;
  c.name = "spec_constants";
  c.category = "memory";
  c.summary = "int/uint/float/bool spec constants, spec-constant expression, spec-sized shared array";
  c.spirv = "spec_constants.spv";
  c.local_size = {64, 1, 1};
  c.spec_constants = {{0, static_cast<std::uint32_t>(k_int)}, {1, k_uint}, {2, fbits(k_float)}, {3, 1}, {4, k_len}};
  c.bindings.push_back(storage(0, 260 * 4, init_poison()));
  c.check = [=](const CheckInput& io) {
    std::vector<Expect> e;
    const std::uint32_t derived = k_uint * 2 + 1;
    for (std::uint32_t i = 0; i < 64; ++i) {
      e.push_back(ex_u((i % k_len) * derived));
      e.push_back(ex_i(static_cast<std::int32_t>(i) * k_int));
      e.push_back(ex_f(static_cast<float>(i) * k_float));
      e.push_back(ex_u(1));
    }
    e.push_back(ex_u(k_len));
    return compare_words("out", io.final[0], e);
  };
  return c;
}

Case local_size_id() {
  constexpr std::uint32_t wx = 48, wy = 3, gx = 2, gy = 2;
  Case c;
  c.name = "local_size_id";
  c.category = "memory";
  c.summary = "LocalSizeId: workgroup size 48x3 from spec constants (defaults 8x2), 2x2 grid";
  c.spirv = "local_size_id.spv";
  c.groups = {gx, gy, 1};
  c.local_size = {wx, wy, 1};
  c.spec_constants = {{0, wx}, {1, wy}};
  c.bindings.push_back(storage(0, gx * wx * gy * wy * 3 * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> e(gx * wx * gy * wy * 3);
    for (std::uint32_t y = 0; y < gy * wy; ++y)
      for (std::uint32_t x = 0; x < gx * wx; ++x) {
        const std::uint32_t idx = y * gx * wx + x;
        e[3 * idx] = (y % wy) * wx + x % wx;
        e[3 * idx + 1] = wx * 100 + wy;
        e[3 * idx + 2] = x / wx + (y / wy) * 16 + wx * wy * 256;
      }
    return compare_u32("out", io.final[0], e);
  };
  return c;
}

Case multiple_sets() {
  constexpr std::uint32_t n = 128;
  Case c;
  c.name = "multiple_sets";
  c.category = "memory";
  c.summary = "bindings in sets 0, 1 and 2, binding numbers with gaps, storage + std140 uniform";
  c.spirv = "multiple_sets.spv";
  c.groups = {n / 64, 1, 1};
  c.local_size = {64, 1, 1};
  c.bindings.push_back(storage(0, n * 4, init_words("multiple_sets.a", [](std::uint32_t, Rng& r) { return r.next(); }), 0));
  c.bindings.push_back(storage(0, n * 4, init_words("multiple_sets.b", [](std::uint32_t, Rng& r) { return r.next(); }), 1));
  c.bindings.push_back(storage(3, n * 4, init_poison(), 1));
  c.bindings.push_back(uniform(1, 16, init_words("multiple_sets.k", [](std::uint32_t w, Rng& r) {
    return w == 0 ? r.next() | 1u : w == 1 ? 5u : 0u;
  }), 2));
  c.check = [](const CheckInput& io) {
    const std::uint32_t k = u32(io.initial[3], 0), shift = u32(io.initial[3], 1);
    std::vector<std::uint32_t> e;
    for (std::uint32_t i = 0; i < n; ++i) e.push_back(u32(io.initial[0], i) * k + (u32(io.initial[1], i) >> shift));
    return compare_u32("c", io.final[2], e);
  };
  return c;
}

Case vector_types() {
  Case c;
  c.name = "ssbo_vector_types";
  c.category = "memory";
  c.summary = "std430 vec2/vec3(stride 16)/vec4 arrays, vec3 stores keep padding, float in a uvec3's slot";
  c.spirv = "ssbo_vector_types.spv";
  c.local_size = {8, 1, 1};
  c.bindings.push_back(storage(0, 336, init_words(c.name, [](std::uint32_t w, Rng& r) {
    if (w >= 80 && w < 83) return r.next();                       // u3
    if (w >= 16 && w < 48 && w % 4 == 3) return poison;            // vec3 padding
    return fbits(static_cast<float>(r.range(-20, 20)) * 0.5f);     // floats
  })));
  c.check = [](const CheckInput& io) {
    const Bytes& s = io.initial[0];
    std::vector<Expect> e;
    for (std::uint32_t w = 0; w < 84; ++w) e.push_back(ex_u(u32(s, w)));
    for (std::uint32_t i = 0; i < 8; ++i) {
      e[2 * i] = ex_f(f32(s, 2 * i + 1) * 2.0f);  // v2 at offset 0
      e[2 * i + 1] = ex_f(f32(s, 2 * i) * 2.0f);
      const std::uint32_t b3 = 16 + 4 * i;       // v3 at offset 64, stride 16
      e[b3] = ex_f(f32(s, b3 + 2) + static_cast<float>(i));
      e[b3 + 1] = ex_f(f32(s, b3) + static_cast<float>(i));
      e[b3 + 2] = ex_f(f32(s, b3 + 1) + static_cast<float>(i));
      const std::uint32_t b4 = 48 + 4 * i;  // v4 at offset 192
      const float wv = f32(s, b4 + 3);
      for (std::uint32_t k = 0; k < 4; ++k) e[b4 + k] = ex_f(f32(s, b4 + k) * wv - static_cast<float>(k + 1));
    }
    e[80] = ex_u(u32(s, 82) * 3u);  // u3 at offset 320
    e[81] = ex_u(u32(s, 80) * 3u);
    e[82] = ex_u(u32(s, 81) * 3u);
    e[83] = ex_f(f32(s, 83) * -4.0f);  // tail at offset 332
    return compare_words("V", io.final[0], e);
  };
  return c;
}

Case gather_scatter() {
  constexpr std::uint32_t n = 256;
  Case c;
  c.name = "gather_scatter";
  c.category = "memory";
  c.summary = "indirect addressing through a random permutation: scatter and gather";
  c.spirv = "gather_scatter.spv";
  c.groups = {n / 64, 1, 1};
  c.local_size = {64, 1, 1};
  std::vector<std::uint32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0u);
  Rng rng(seed_of("gather_scatter.perm"));
  for (std::uint32_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[rng.below(i + 1)]);
  Bytes perm_bytes(n * 4);
  for (std::uint32_t i = 0; i < n; ++i) store<std::uint32_t>(perm_bytes, i, perm[i]);
  c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
  c.bindings.push_back(storage(1, n * 4, init_bytes(perm_bytes)));
  c.bindings.push_back(storage(2, n * 4, init_poison()));
  c.bindings.push_back(storage(3, n * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> sc(n), ga(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t p = u32(io.initial[1], i);
      sc[p] = u32(io.initial[0], i) * 3u + 1u;
      ga[i] = u32(io.initial[0], p);
    }
    if (auto r = compare_u32("scattered", io.final[2], sc); !r.ok) return r;
    return compare_u32("gathered", io.final[3], ga);
  };
  return c;
}

Case inplace() {
  constexpr std::uint32_t n = 128;
  Case c;
  c.name = "ssbo_inplace";
  c.category = "memory";
  c.summary = "read-modify-write of storage buffers through uint and ivec4 views";
  c.spirv = "ssbo_inplace.spv";
  c.groups = {n / 64, 1, 1};
  c.local_size = {64, 1, 1};
  c.bindings.push_back(storage(0, n * 4, init_words("ssbo_inplace.w", [](std::uint32_t, Rng& r) { return r.next(); })));
  c.bindings.push_back(storage(1, n * 16, init_words("ssbo_inplace.q", [](std::uint32_t, Rng& r) { return r.next(); })));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> w(n), q(4 * n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t x = u32(io.initial[0], i);
      w[i] = (x * x) ^ i;
      const auto v = [&](std::uint32_t k) { return u32(io.initial[1], 4 * i + k); };
      q[4 * i] = v(3) - v(0);
      q[4 * i + 1] = v(2) * 2u;
      q[4 * i + 2] = 0u - v(1);
      q[4 * i + 3] = v(0) + v(1) + v(2);
    }
    if (auto r = compare_u32("w", io.final[0], w); !r.ok) return r;
    return compare_u32("q", io.final[1], q);
  };
  return c;
}

}  // namespace

void add_memory_cases(std::vector<Case>& out) {
  out.push_back(struct_array());
  out.push_back(runtime_array());
  out.push_back(ubo_std140());
  out.push_back(push_constants());
  out.push_back(spec_constants());
  out.push_back(local_size_id());
  out.push_back(multiple_sets());
  out.push_back(vector_types());
  out.push_back(gather_scatter());
  out.push_back(inplace());
}

}  // namespace mica::corpus::detail
