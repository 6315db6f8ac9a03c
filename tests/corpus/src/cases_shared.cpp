// Workgroup shared memory with barrier(): reverse, reductions, scans (Hillis-Steele, Blelloch),
// tiled transpose, iterated stencil. References are the sequential algorithms.
#include "case_util.h"
#include "cases.h"

namespace mica::corpus::detail {
namespace {

Case simple(std::string name, std::string summary, std::uint32_t local, std::uint32_t groups) {
  Case c;
  c.name = std::move(name);
  c.category = "shared";
  c.summary = std::move(summary);
  c.spirv = c.name + ".spv";
  c.groups = {groups, 1, 1};
  c.local_size = {local, 1, 1};
  return c;
}

Init random_below(std::string_view seed, std::uint32_t limit) {
  return init_words(seed, [limit](std::uint32_t, Rng& r) { return r.below(limit); });
}

}  // namespace

void add_shared_cases(std::vector<Case>& out) {
  {
    Case c = simple("shared_reverse", "shared array + barrier: reverse each workgroup's slice", 128, 3);
    c.bindings.push_back(storage(0, 384 * 4, random_below(c.name, 0xffffffffu)));
    c.bindings.push_back(storage(1, 384 * 4, init_poison()));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e(384);
      for (std::uint32_t i = 0; i < 384; ++i) e[i] = u32(io.initial[0], (i / 128) * 128 + 127 - i % 128);
      return compare_u32("out", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
  {
    Case c = simple("shared_reduction", "tree reduction (sum, max) over 256 invocations in shared memory", 256, 4);
    c.bindings.push_back(storage(0, 1024 * 4, random_below(c.name, 1u << 24)));
    c.bindings.push_back(storage(1, 8 * 4, init_poison()));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e;
      for (std::uint32_t g = 0; g < 4; ++g) {
        std::uint32_t sum = 0, mx = 0;
        for (std::uint32_t k = 0; k < 256; ++k) {
          sum += u32(io.initial[0], g * 256 + k);
          mx = std::max(mx, u32(io.initial[0], g * 256 + k));
        }
        e.push_back(sum);
        e.push_back(mx);
      }
      return compare_u32("out", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
  {
    Case c = simple("shared_scan_hillis_steele", "Hillis-Steele inclusive scan, double-buffered shared memory", 256, 3);
    c.bindings.push_back(storage(0, 768 * 4, random_below(c.name, 1000)));
    c.bindings.push_back(storage(1, 768 * 4, init_poison()));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e(768);
      for (std::uint32_t i = 0; i < 768; ++i) e[i] = (i % 256 ? e[i - 1] : 0u) + u32(io.initial[0], i);
      return compare_u32("out", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
  {
    Case c = simple("shared_scan_blelloch", "Blelloch exclusive scan: 128 invocations, 256 elements, up/down sweep", 128, 3);
    c.bindings.push_back(storage(0, 768 * 4, random_below(c.name, 1000)));
    c.bindings.push_back(storage(1, 768 * 4, init_poison()));
    c.bindings.push_back(storage(2, 3 * 4, init_poison()));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e(768), totals(3, 0);
      for (std::uint32_t i = 0; i < 768; ++i) {
        e[i] = totals[i / 256];
        totals[i / 256] += u32(io.initial[0], i);
      }
      if (auto r = compare_u32("out", io.final[1], e); !r.ok) return r;
      return compare_u32("totals", io.final[2], totals);
    };
    out.push_back(std::move(c));
  }
  {
    constexpr std::uint32_t w = 64, h = 48;
    struct P {
      std::uint32_t width, height;
    };
    Case c = simple("shared_transpose_tile", "64x48 float matrix transpose through padded 16x16 shared tiles", 16, w / 16);
    c.groups = {w / 16, h / 16, 1};
    c.local_size = {16, 16, 1};
    c.push_constants = push_bytes(P{w, h});
    c.bindings.push_back(storage(0, w * h * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return fbits(r.normal_float(-10, 10)); })));
    c.bindings.push_back(storage(1, w * h * 4, init_poison()));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e(w * h);
      for (std::uint32_t r = 0; r < h; ++r)
        for (std::uint32_t col = 0; col < w; ++col) e[col * h + r] = u32(io.initial[0], r * w + col);
      return compare_u32("transposed", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
  {
    Case c = simple("shared_jacobi_1d", "8 iterations of a 1D 3-point smoothing in shared memory, 2 barriers each", 64, 4);
    c.bindings.push_back(storage(0, 256 * 4, random_below(c.name, 1u << 20)));
    c.bindings.push_back(storage(1, 256 * 4, init_poison()));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e;
      for (std::uint32_t g = 0; g < 4; ++g) {
        std::vector<std::uint32_t> s(64), t(64);
        for (std::uint32_t l = 0; l < 64; ++l) s[l] = u32(io.initial[0], g * 64 + l);
        for (std::uint32_t it = 0; it < 8; ++it) {
          for (std::uint32_t l = 0; l < 64; ++l) {
            const std::uint32_t left = s[l == 0 ? 0 : l - 1], right = s[l == 63 ? 63 : l + 1];
            t[l] = (left + 2u * s[l] + right) / 4u + it;
          }
          s = t;
        }
        e.insert(e.end(), s.begin(), s.end());
      }
      return compare_u32("out", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
}

}  // namespace mica::corpus::detail
