// Compute built-ins and dispatch shapes: 3D workgroups and grids, partial workgroups, odd sizes.
#include "case_util.h"
#include "cases.h"

namespace mica::corpus::detail {
namespace {

Case builtins_3d() {
  constexpr std::uint32_t lx = 4, ly = 2, lz = 2, gx = 3, gy = 2, gz = 2;
  constexpr std::uint32_t tx = lx * gx, ty = ly * gy, tz = lz * gz;
  Case c;
  c.name = "builtins_3d";
  c.category = "builtins";
  c.summary = "GlobalInvocationID, LocalInvocationID, WorkGroupID, NumWorkGroups, WorkGroupSize, LocalInvocationIndex in 3D";
  c.spirv = "builtins_3d.spv";
  c.groups = {gx, gy, gz};
  c.local_size = {lx, ly, lz};
  c.bindings.push_back(storage(0, tx * ty * tz * 16 * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> e;
    for (std::uint32_t z = 0; z < tz; ++z)
      for (std::uint32_t y = 0; y < ty; ++y)
        for (std::uint32_t x = 0; x < tx; ++x) {
          const std::uint32_t l[3] = {x % lx, y % ly, z % lz};
          const std::uint32_t v[16] = {x, y, z, l[0], l[1], l[2], x / lx, y / ly, z / lz, gx, gy, gz, lx, ly, lz,
                                       (l[2] * ly + l[1]) * lx + l[0]};
          e.insert(e.end(), v, v + 16);
        }
    return compare_u32("out", io.final[0], e);
  };
  return c;
}

Case guard_2d() {
  constexpr std::uint32_t w = 37, h = 23, gx = (w + 7) / 8, gy = (h + 7) / 8;
  struct P {
    std::uint32_t width, height;
  };
  Case c;
  c.name = "guard_2d_partial";
  c.category = "builtins";
  c.summary = "37x23 image with 8x8 workgroups: partial workgroups in x and y, 2D guard";
  c.spirv = "guard_2d_partial.spv";
  c.groups = {gx, gy, 1};
  c.local_size = {8, 8, 1};
  c.push_constants = push_bytes(P{w, h});
  // Output one row + one column larger than the image: anything written there is a guard failure.
  c.bindings.push_back(storage(0, w * h * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next() >> 8; })));
  c.bindings.push_back(storage(1, (w * h + 64) * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> e(w * h + 64, poison);
    for (std::uint32_t y = 0; y < h; ++y)
      for (std::uint32_t x = 0; x < w; ++x) e[y * w + x] = u32(io.initial[0], y * w + x) * 2u + x * 1000u + y;
    return compare_u32("res", io.final[1], e);
  };
  return c;
}

Case non_pow2() {
  constexpr std::uint32_t lx = 7, ly = 3, gx = 5, gy = 3, gz = 2, groups = gx * gy * gz;
  Case c;
  c.name = "non_pow2_workgroup";
  c.category = "builtins";
  c.summary = "7x3 workgroups on a 5x3x2 grid (21 invocations: one partial wave/subgroup)";
  c.spirv = "non_pow2_workgroup.spv";
  c.groups = {gx, gy, gz};
  c.local_size = {lx, ly, 1};
  c.bindings.push_back(storage(0, groups * lx * ly * 2 * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> e;
    for (std::uint32_t g = 0; g < groups; ++g) {
      const std::uint32_t wx = g % gx, wy = (g / gx) % gy, wz = g / (gx * gy);
      for (std::uint32_t li = 0; li < lx * ly; ++li) {
        const std::uint32_t x = wx * lx + li % lx, y = wy * ly + li / lx;
        e.push_back(x + y * 100u + wz * 10000u);
        e.push_back(g);
      }
    }
    return compare_u32("out", io.final[0], e);
  };
  return c;
}

Case single_invocation() {
  constexpr std::uint32_t groups = 67;
  Case c;
  c.name = "single_invocation_groups";
  c.category = "builtins";
  c.summary = "workgroups of one invocation, 67 of them, each running a serial loop";
  c.spirv = "single_invocation_groups.spv";
  c.groups = {groups, 1, 1};
  c.local_size = {1, 1, 1};
  c.bindings.push_back(storage(0, groups * 16 * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
  c.bindings.push_back(storage(1, groups * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> e;
    for (std::uint32_t g = 0; g < groups; ++g) {
      std::uint32_t s = 0;
      for (std::uint32_t k = 0; k < 16; ++k) s = s * 31u + u32(io.initial[0], g * 16 + k);
      e.push_back(s);
    }
    return compare_u32("out", io.final[1], e);
  };
  return c;
}

}  // namespace

void add_builtin_cases(std::vector<Case>& out) {
  out.push_back(builtins_3d());
  out.push_back(guard_2d());
  out.push_back(non_pow2());
  out.push_back(single_invocation());
}

}  // namespace mica::corpus::detail
