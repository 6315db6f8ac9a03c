// Application-like kernels: SAXPY, reduction, matrix multiply (naive, tiled), histogram, bitonic
// sort, stencil. Float data is integer- or dyadic-valued so that any legal evaluation order (and FMA
// contraction) gives the same exact result.
#include "case_util.h"
#include "cases.h"

#include <algorithm>

namespace mica::corpus::detail {
namespace {

Case base(std::string name, std::string summary, std::array<std::uint32_t, 3> groups, std::array<std::uint32_t, 3> local) {
  Case c;
  c.name = std::move(name);
  c.category = "app";
  c.summary = std::move(summary);
  c.spirv = c.name + ".spv";
  c.groups = groups;
  c.local_size = local;
  return c;
}

Init small_floats(std::string_view seed, int lo, int hi, float scale = 1.0f) {
  return init_words(seed, [lo, hi, scale](std::uint32_t, Rng& r) { return fbits(static_cast<float>(r.range(lo, hi)) * scale); });
}

struct MatDims {
  std::uint32_t m, n, k;
};

CheckResult check_matmul(const CheckInput& io, MatDims d) {
  std::vector<float> e(d.m * d.n);
  for (std::uint32_t r = 0; r < d.m; ++r)
    for (std::uint32_t c = 0; c < d.n; ++c) {
      float acc = 0;
      for (std::uint32_t k = 0; k < d.k; ++k) acc += f32(io.initial[0], r * d.k + k) * f32(io.initial[1], k * d.n + c);
      e[r * d.n + c] = acc;
    }
  return compare_f32("C", io.final[2], e);
}

Case matmul(std::string name, std::string summary, MatDims d, std::uint32_t tile) {
  Case c = base(std::move(name), std::move(summary), {(d.n + tile - 1) / tile, (d.m + tile - 1) / tile, 1}, {tile, tile, 1});
  c.push_constants = push_bytes(d);
  c.bindings.push_back(storage(0, d.m * d.k * 4, small_floats(c.name + ".a", -8, 8)));
  c.bindings.push_back(storage(1, d.k * d.n * 4, small_floats(c.name + ".b", -8, 8)));
  c.bindings.push_back(storage(2, d.m * d.n * 4, init_poison()));
  c.check = [d](const CheckInput& io) { return check_matmul(io, d); };
  return c;
}

}  // namespace

void add_app_cases(std::vector<Case>& out) {
  {
    constexpr std::uint32_t n = 1000;
    struct P {
      float a;
      std::uint32_t n;
    };
    const P p{1.5f, n};
    Case c = base("saxpy", "y = a*x + y, 1000 elements, partial last workgroup", {(n + 63) / 64, 1, 1}, {64, 1, 1});
    c.push_constants = push_bytes(p);
    c.bindings.push_back(storage(0, n * 4, small_floats("saxpy.x", -4000, 4000, 0.25f)));
    c.bindings.push_back(storage(1, (n + 24) * 4, small_floats("saxpy.y", -4000, 4000, 0.25f)));  // 24 spare words
    c.check = [p](const CheckInput& io) {
      std::vector<float> e(n + 24);
      for (std::uint32_t i = 0; i < n + 24; ++i)
        e[i] = i < n ? p.a * f32(io.initial[0], i) + f32(io.initial[1], i) : f32(io.initial[1], i);
      return compare_f32("y", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
  {
    constexpr std::uint32_t n = 100000;
    Case c = base("reduce_sum", "sum of 100000 values: grid-stride loop, shared tree, atomicAdd per workgroup", {24, 1, 1}, {128, 1, 1});
    c.push_constants = push_bytes(n);
    c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
    c.bindings.push_back(storage(1, 4, init_words("reduce_sum.total", [](std::uint32_t, Rng& r) { return r.next(); })));
    c.check = [](const CheckInput& io) {
      std::uint32_t sum = u32(io.initial[1], 0);
      for (std::uint32_t i = 0; i < n; ++i) sum += u32(io.initial[0], i);
      return compare_u32("total", io.final[1], {sum});
    };
    out.push_back(std::move(c));
  }
  out.push_back(matmul("matmul_naive", "C = A*B, 37x29 times 29x43, one invocation per element, 2D guard", {37, 43, 29}, 8));
  out.push_back(matmul("matmul_tiled", "C = A*B, 64x48 times 48x80, 16x16 shared-memory tiles", {64, 80, 48}, 16));
  {
    constexpr std::uint32_t n = 20000;
    Case c = base("histogram_shared", "256-bin byte histogram: shared atomics per workgroup, merged with global atomics", {8, 1, 1}, {256, 1, 1});
    c.push_constants = push_bytes(n);
    c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) {
      const std::uint32_t v = r.next();
      return r.below(3) == 0 ? v & 0xffff0f0fu : v;  // uneven bins
    })));
    c.bindings.push_back(storage(1, 256 * 4));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e(256, 0);
      for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t x = u32(io.initial[0], i);
        ++e[x & 0xffu];
        ++e[(x >> 8) & 0xffu];
      }
      return compare_u32("bins", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
  {
    constexpr std::uint32_t groups = 3;
    Case c = base("bitonic_sort", "full bitonic sort of 512 keys per workgroup in shared memory (45 barrier-separated steps)",
                  {groups, 1, 1}, {256, 1, 1});
    c.bindings.push_back(storage(0, groups * 512 * 4, init_words(c.name, [](std::uint32_t, Rng& r) {
      return r.below(8) == 0 ? r.below(16) : r.next();  // duplicates too
    })));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e = words(io.initial[0]);
      for (std::uint32_t g = 0; g < groups; ++g) std::sort(e.begin() + g * 512, e.begin() + (g + 1) * 512);
      return compare_u32("data", io.final[0], e);
    };
    out.push_back(std::move(c));
  }
  {
    constexpr std::uint32_t w = 40, h = 30;
    struct P {
      std::uint32_t width, height;
    };
    Case c = base("stencil_2d", "5-point Laplacian on a 40x30 grid, clamped borders, partial workgroups", {(w + 15) / 16, (h + 7) / 8, 1},
                  {16, 8, 1});
    c.push_constants = push_bytes(P{w, h});
    c.bindings.push_back(storage(0, w * h * 4, small_floats(c.name, -1000, 1000)));
    c.bindings.push_back(storage(1, w * h * 4, init_poison()));
    c.check = [](const CheckInput& io) {
      const auto at = [&](int x, int y) {
        x = std::clamp(x, 0, static_cast<int>(w) - 1);
        y = std::clamp(y, 0, static_cast<int>(h) - 1);
        return f32(io.initial[0], static_cast<std::uint32_t>(y) * w + static_cast<std::uint32_t>(x));
      };
      std::vector<float> e(w * h);
      for (int y = 0; y < static_cast<int>(h); ++y)
        for (int x = 0; x < static_cast<int>(w); ++x)
          e[static_cast<std::uint32_t>(y) * w + static_cast<std::uint32_t>(x)] =
              4.0f * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1);
      return compare_f32("dst", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
}

}  // namespace mica::corpus::detail
