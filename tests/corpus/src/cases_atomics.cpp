// Atomics on storage buffers and shared memory, contention across workgroups, and buffer memory
// barriers. Results that depend on the order of execution (exchange, compare-swap, tickets) are
// checked for the properties every order must satisfy.
#include "case_util.h"
#include "cases.h"

#include <algorithm>
#include <climits>

namespace mica::corpus::detail {
namespace {

// Tickets from atomicAdd(t, 1): exactly base .. base+n-1, each once.
CheckResult check_tickets(std::string_view what, const std::vector<std::uint32_t>& got, std::uint32_t base) {
  std::vector<std::uint32_t> seen(got.size(), 0);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::uint32_t t = got[i] - base;
    if (t >= got.size())
      return CheckResult::fail(std::string(what) + "[" + std::to_string(i) + "]: ticket " + show_u32(got[i]) + " out of range [" +
                               std::to_string(base) + ", " + std::to_string(base + got.size()) + ")");
    if (seen[t]++)
      return CheckResult::fail(std::string(what) + "[" + std::to_string(i) + "]: ticket " + std::to_string(got[i]) + " handed out twice");
  }
  return CheckResult::pass();
}

// atomicExchange(x, value_i) by every invocation, x starting at `initial`: the returned old values
// plus the final value are exactly {initial} + {value_i}.
CheckResult check_exchange(std::string_view what, const std::vector<std::uint32_t>& got, std::uint32_t final_value,
                           std::vector<std::uint32_t> expected_multiset) {
  std::vector<std::uint32_t> all = got;
  all.push_back(final_value);
  std::sort(all.begin(), all.end());
  std::sort(expected_multiset.begin(), expected_multiset.end());
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i] != expected_multiset[i])
      return CheckResult::fail(std::string(what) + ": returned values + final value are not the exchanged values; sorted element " +
                               std::to_string(i) + " got " + show_u32(all[i]) + ", expected " + show_u32(expected_multiset[i]));
  return CheckResult::pass();
}

// atomicCompSwap(x, i, i + 1) by invocations 0..n-1, x starting at 0: x ends at some F, invocations
// 0..F-1 succeeded (returned their own index) and the others saw a value <= F that was not theirs.
CheckResult check_cas_chain(std::string_view what, const std::vector<std::uint32_t>& got, std::uint32_t final_value) {
  if (final_value == 0 || final_value > got.size())
    return CheckResult::fail(std::string(what) + ": final value " + show_u32(final_value) + " not in [1, " + std::to_string(got.size()) + "]");
  for (std::uint32_t i = 0; i < got.size(); ++i) {
    const bool should_succeed = i < final_value;
    if (should_succeed && got[i] != i)
      return CheckResult::fail(std::string(what) + "[" + std::to_string(i) + "]: got " + show_u32(got[i]) + ", expected " +
                               std::to_string(i) + " (final value " + std::to_string(final_value) + " means it succeeded)");
    if (!should_succeed && (got[i] == i || got[i] > final_value))
      return CheckResult::fail(std::string(what) + "[" + std::to_string(i) + "]: got " + show_u32(got[i]) + ", impossible with final value " +
                               std::to_string(final_value));
  }
  return CheckResult::pass();
}

std::vector<std::uint32_t> strided(const Bytes& b, std::size_t first, std::size_t stride, std::size_t count) {
  std::vector<std::uint32_t> v(count);
  for (std::size_t i = 0; i < count; ++i) v[i] = u32(b, first + i * stride);
  return v;
}

Case atomics_ssbo() {
  constexpr std::uint32_t n = 512;
  Case c;
  c.name = "atomics_ssbo";
  c.category = "atomics";
  c.summary = "atomicAdd/Min/Max/And/Or/Xor/Exchange/CompSwap (uint and int) on storage buffers, 8 workgroups";
  c.spirv = "atomics_ssbo.spv";
  c.groups = {n / 64, 1, 1};
  c.local_size = {64, 1, 1};
  c.bindings.push_back(storage(0, 11 * 4, init_words("atomics_ssbo.init", [](std::uint32_t w, Rng& r) {
    const std::uint32_t init[11] = {r.next(), 0xffffffffu, 0, 0xffffffffu, 0, r.next(), 0, 0, 0x7fffffff, 0x80000000u, 1000};
    return init[w];
  })));
  c.bindings.push_back(storage(1, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
  c.bindings.push_back(storage(2, n * 3 * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    const Bytes& init = io.initial[0];
    std::uint32_t add = u32(init, 0), mn = u32(init, 1), mx = u32(init, 2), an = u32(init, 3), orr = u32(init, 4), xr = u32(init, 5);
    std::int32_t smin = i32(init, 8), smax = i32(init, 9);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t x = u32(io.initial[1], i);
      add += x;
      mn = std::min(mn, x);
      mx = std::max(mx, x);
      an &= ~(1u << (x % 32u));
      orr |= 1u << (x % 31u);
      xr ^= x;
      smin = std::min(smin, static_cast<std::int32_t>(x));
      smax = std::max(smax, static_cast<std::int32_t>(x));
    }
    const Bytes& fin = io.final[0];
    std::vector<Expect> e{ex_u(add), ex_u(mn), ex_u(mx), ex_u(an), ex_u(orr), ex_u(xr), ex_u(u32(fin, 6)), ex_u(u32(fin, 7)),
                          ex_i(smin), ex_i(smax), ex_u(u32(init, 10) + n)};
    if (auto r = compare_words("counters", fin, e); !r.ok) return r;
    if (auto r = check_tickets("ticket", strided(io.final[2], 0, 3, n), u32(init, 10)); !r.ok) return r;
    std::vector<std::uint32_t> values{0};
    for (std::uint32_t i = 0; i < n; ++i) values.push_back(i + 1);
    if (auto r = check_exchange("exchange", strided(io.final[2], 1, 3, n), u32(fin, 6), values); !r.ok) return r;
    return check_cas_chain("compswap", strided(io.final[2], 2, 3, n), u32(fin, 7));
  };
  return c;
}

Case atomics_shared() {
  constexpr std::uint32_t local = 128, groups = 4, n = local * groups;
  Case c;
  c.name = "atomics_shared";
  c.category = "atomics";
  c.summary = "atomicAdd/Min/Max/And/Or/Xor/Exchange/CompSwap on shared variables, per workgroup";
  c.spirv = "atomics_shared.spv";
  c.groups = {groups, 1, 1};
  c.local_size = {local, 1, 1};
  c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
  c.bindings.push_back(storage(1, groups * 10 * 4, init_poison()));
  c.bindings.push_back(storage(2, n * 3 * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    for (std::uint32_t g = 0; g < groups; ++g) {
      std::uint32_t add = 0, mn = 0xffffffffu, mx = 0, an = 0xffffffffu, orr = 0, xr = 0;
      std::int32_t smin = INT32_MAX;
      for (std::uint32_t l = 0; l < local; ++l) {
        const std::uint32_t x = u32(io.initial[0], g * local + l);
        add += x;
        mn = std::min(mn, x);
        mx = std::max(mx, x);
        an &= ~(1u << (x % 32u));
        orr |= 1u << (x % 31u);
        xr ^= x;
        smin = std::min(smin, static_cast<std::int32_t>(x));
      }
      const std::string grp = "group " + std::to_string(g);
      const std::vector<std::uint32_t> res = strided(io.final[1], g * 10, 1, 10);
      Bytes res_bytes(40);
      for (std::uint32_t k = 0; k < 10; ++k) store<std::uint32_t>(res_bytes, k, res[k]);
      std::vector<Expect> e{ex_u(add), ex_u(mn), ex_u(mx), ex_u(an), ex_u(orr), ex_u(xr), ex_u(res[6]), ex_u(res[7]), ex_u(local), ex_i(smin)};
      if (auto r = compare_words(grp + " results", res_bytes, e); !r.ok) return r;
      if (auto r = check_tickets(grp + " ticket", strided(io.final[2], g * local * 3, 3, local), 0); !r.ok) return r;
      std::vector<std::uint32_t> values{0};
      for (std::uint32_t l = 0; l < local; ++l) values.push_back(l + 1);
      if (auto r = check_exchange(grp + " exchange", strided(io.final[2], g * local * 3 + 1, 3, local), res[6], values); !r.ok) return r;
      if (auto r = check_cas_chain(grp + " compswap", strided(io.final[2], g * local * 3 + 2, 3, local), res[7]); !r.ok) return r;
    }
    return CheckResult::pass();
  };
  return c;
}

Case histogram() {
  constexpr std::uint32_t n = 4096;
  Case c;
  c.name = "atomic_histogram";
  c.category = "atomics";
  c.summary = "4096 values from 16 workgroups contend on 64 global bins (atomicAdd count and weight)";
  c.spirv = "atomic_histogram.spv";
  c.groups = {n / 256, 1, 1};
  c.local_size = {256, 1, 1};
  c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) {
    // Skewed: low bins are much hotter (more contention).
    return (r.next() & 0xfff00000u) | (r.below(4) == 0 ? r.below(64) : r.below(8));
  })));
  c.bindings.push_back(storage(1, 128 * 4, init_words("atomic_histogram.bins", [](std::uint32_t, Rng& r) { return r.below(100); })));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> e = words(io.initial[1]);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t x = u32(io.initial[0], i);
      e[x % 64] += 1;
      e[64 + x % 64] += x >> 20;
    }
    return compare_u32("hist", io.final[1], e);
  };
  return c;
}

Case compact() {
  constexpr std::uint32_t n = 1024;
  Case c;
  c.name = "atomic_compact";
  c.category = "atomics";
  c.summary = "stream compaction: atomicAdd slot allocation, output checked as a multiset";
  c.spirv = "atomic_compact.spv";
  c.groups = {n / 64, 1, 1};
  c.local_size = {64, 1, 1};
  c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next() >> 1; })));
  c.bindings.push_back(storage(1, 4));
  c.bindings.push_back(storage(2, n * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> kept;
    for (std::uint32_t i = 0; i < n; ++i)
      if (u32(io.initial[0], i) % 3 == 0) kept.push_back(u32(io.initial[0], i));
    const std::uint32_t count = u32(io.final[1], 0);
    if (count != kept.size())
      return CheckResult::fail("count: got " + show_u32(count) + ", expected " + std::to_string(kept.size()));
    std::vector<std::uint32_t> got = words(io.final[2]);
    for (std::uint32_t i = count; i < n; ++i)
      if (got[i] != poison) return CheckResult::fail("out[" + std::to_string(i) + "] past count was written: " + show_u32(got[i]));
    got.resize(count);
    std::sort(got.begin(), got.end());
    std::sort(kept.begin(), kept.end());
    for (std::uint32_t i = 0; i < count; ++i)
      if (got[i] != kept[i])
        return CheckResult::fail("sorted output[" + std::to_string(i) + "]: got " + show_u32(got[i]) + ", expected " + show_u32(kept[i]));
    return CheckResult::pass();
  };
  return c;
}

Case cas_float_add() {
  constexpr std::uint32_t n = 1024;
  Case c;
  c.name = "atomic_cas_float_add";
  c.category = "atomics";
  c.summary = "float accumulation through an atomicCompSwap retry loop (lock-free, contended)";
  c.spirv = "atomic_cas_float_add.spv";
  c.groups = {n / 64, 1, 1};
  c.local_size = {64, 1, 1};
  c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return fbits(static_cast<float>(r.range(-500, 1000))); })));
  c.bindings.push_back(storage(1, 8 * 4, init_words("atomic_cas_float_add.acc", [](std::uint32_t w, Rng&) { return fbits(static_cast<float>(w) * 0.5f); })));
  c.check = [](const CheckInput& io) {
    std::vector<float> e(8);
    for (std::uint32_t k = 0; k < 8; ++k) e[k] = f32(io.initial[1], k);
    for (std::uint32_t i = 0; i < n; ++i) e[i % 8] += f32(io.initial[0], i);
    return compare_f32("acc", io.final[1], e);
  };
  return c;
}

Case memory_barrier_buffer() {
  constexpr std::uint32_t n = 256;
  Case c;
  c.name = "memory_barrier_buffer";
  c.category = "atomics";
  c.summary = "memoryBarrierBuffer + barrier: neighbours' storage-buffer writes visible within the workgroup";
  c.spirv = "memory_barrier_buffer.spv";
  c.groups = {n / 64, 1, 1};
  c.local_size = {64, 1, 1};
  c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next(); })));
  c.bindings.push_back(storage(1, n * 4, init_poison()));
  c.bindings.push_back(storage(2, n * 4, init_poison()));
  c.check = [](const CheckInput& io) {
    std::vector<std::uint32_t> scratch(n), e(n);
    for (std::uint32_t i = 0; i < n; ++i) scratch[i] = u32(io.initial[0], i) * 7u + i % 64;
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t base = i / 64 * 64, l = i % 64;
      e[i] = scratch[base + (l + 1) % 64] ^ scratch[base + (l + 37) % 64];
    }
    if (auto r = compare_u32("scratch", io.final[1], scratch); !r.ok) return r;
    return compare_u32("out", io.final[2], e);
  };
  return c;
}

}  // namespace

void add_atomic_cases(std::vector<Case>& out) {
  out.push_back(atomics_ssbo());
  out.push_back(atomics_shared());
  out.push_back(histogram());
  out.push_back(compact());
  out.push_back(cas_float_add());
  out.push_back(memory_barrier_buffer());
}

}  // namespace mica::corpus::detail
