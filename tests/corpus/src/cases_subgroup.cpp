// Subgroup operations. Every invocation records gl_SubgroupSize, gl_SubgroupID,
// gl_SubgroupInvocationID and gl_NumSubgroups next to its results; the check first validates those
// against the subgroup size the device reports, then groups invocations into subgroups by the
// recorded ids (no assumption about how the device maps invocations to subgroups) and computes the
// reference of each operation over the actual members, ordered by lane. So the same case is right
// for subgroups of 4, 8, 16, 32 or 64.
#include "case_util.h"
#include "cases.h"

#include <algorithm>
#include <climits>
#include <map>

namespace mica::corpus::detail {
namespace {

struct Member {
  std::uint32_t inv;   // global invocation index
  std::uint32_t lane;  // gl_SubgroupInvocationID
};

// Expected result words (stride - 4 of them) for each member, in members order.
using SubgroupRef = std::function<std::vector<std::vector<Expect>>(const std::vector<Member>& members, std::uint32_t size,
                                                                   const Bytes& input, const Bytes& rec)>;

struct SubgroupSpec {
  std::string name, summary;
  Features required;
  std::uint32_t local = 64, groups = 4, stride = 5, in_words = 1;
  std::function<std::uint32_t(std::uint32_t word, Rng&)> gen;
  SubgroupRef ref;
};

std::string inv_name(std::uint32_t inv) { return "invocation " + std::to_string(inv); }

CheckResult check_subgroups(const SubgroupSpec& s, const CheckInput& io) {
  const Bytes& rec = io.final[1];
  const std::uint32_t n = s.local * s.groups, size = io.subgroup_size;
  if (size == 0) return CheckResult::fail("the backend reported subgroup size 0");
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<Member>> subgroups;  // (workgroup, subgroup id)
  std::vector<std::uint32_t> num_subgroups(s.groups, 0);
  for (std::uint32_t inv = 0; inv < n; ++inv) {
    const std::uint32_t b = inv * s.stride, wg = inv / s.local;
    const std::uint32_t sz = u32(rec, b), id = u32(rec, b + 1), lane = u32(rec, b + 2), num = u32(rec, b + 3);
    if (sz != size)
      return CheckResult::fail(inv_name(inv) + ": gl_SubgroupSize got " + show_u32(sz) + ", expected " + std::to_string(size) +
                               " (the device's reported size)");
    if (lane >= size) return CheckResult::fail(inv_name(inv) + ": gl_SubgroupInvocationID " + show_u32(lane) + " >= subgroup size");
    const std::uint32_t min_num = (s.local + size - 1) / size;
    if (num < min_num || num > s.local)
      return CheckResult::fail(inv_name(inv) + ": gl_NumSubgroups " + show_u32(num) + " impossible for " + std::to_string(s.local) +
                               " invocations in subgroups of " + std::to_string(size));
    if (num_subgroups[wg] == 0) num_subgroups[wg] = num;
    if (num != num_subgroups[wg]) return CheckResult::fail(inv_name(inv) + ": gl_NumSubgroups differs within its workgroup");
    if (id >= num) return CheckResult::fail(inv_name(inv) + ": gl_SubgroupID " + show_u32(id) + " >= gl_NumSubgroups " + std::to_string(num));
    subgroups[{wg, id}].push_back({inv, lane});
  }
  for (std::uint32_t wg = 0; wg < s.groups; ++wg)
    for (std::uint32_t id = 0; id < num_subgroups[wg]; ++id)
      if (!subgroups.count({wg, id}))
        return CheckResult::fail("workgroup " + std::to_string(wg) + ": no invocation reported gl_SubgroupID " + std::to_string(id));
  for (auto& [key, members] : subgroups) {
    std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) { return a.lane < b.lane; });
    for (std::size_t k = 1; k < members.size(); ++k)
      if (members[k].lane == members[k - 1].lane)
        return CheckResult::fail(inv_name(members[k].inv) + " and " + inv_name(members[k - 1].inv) + " share subgroup " +
                                 std::to_string(key.second) + " lane " + std::to_string(members[k].lane));
    // Full subgroups when the workgroup is a multiple of the subgroup size (the runner asks for it).
    if (s.local % size == 0 && members.size() != size)
      return CheckResult::fail("workgroup " + std::to_string(key.first) + " subgroup " + std::to_string(key.second) + " has " +
                               std::to_string(members.size()) + " invocations, expected a full subgroup of " + std::to_string(size));
    const auto expected = s.ref(members, size, io.initial[0], rec);
    for (std::size_t m = 0; m < members.size(); ++m)
      for (std::uint32_t k = 0; k < expected[m].size(); ++k)
        if (auto msg = compare(u32(rec, members[m].inv * s.stride + 4 + k), expected[m][k]))
          return CheckResult::fail(inv_name(members[m].inv) + " (subgroup " + std::to_string(key.second) + ", lane " +
                                   std::to_string(members[m].lane) + ") result " + std::to_string(k) + ": " + *msg);
  }
  return CheckResult::pass();
}

Case subgroup_case(SubgroupSpec s) {
  Case c;
  c.name = s.name;
  c.category = "subgroup";
  c.summary = s.summary;
  c.spirv = s.name + ".spv";
  c.groups = {s.groups, 1, 1};
  c.local_size = {s.local, 1, 1};
  c.required = s.required;
  c.full_subgroups = true;
  const std::uint32_t n = s.local * s.groups;
  c.bindings.push_back(storage(0, n * s.in_words * 4, init_words(s.name, s.gen)));
  c.bindings.push_back(storage(1, n * s.stride * 4, init_poison()));
  c.check = [s](const CheckInput& io) { return check_subgroups(s, io); };
  return c;
}

std::uint32_t in_u(const Bytes& input, const Member& m, std::uint32_t words = 1, std::uint32_t k = 0) {
  return u32(input, m.inv * words + k);
}

const Member* by_lane(const std::vector<Member>& ms, std::uint32_t lane) {
  for (const Member& m : ms)
    if (m.lane == lane) return &m;
  return nullptr;
}

}  // namespace

void add_subgroup_cases(std::vector<Case>& out) {
  out.push_back(subgroup_case({"subgroup_builtins", "SubgroupSize/ID/InvocationID/NumSubgroups validity, subgroupElect, subgroupBarrier",
                               subgroup_basic, 128, 2, 5, 1, [](std::uint32_t, Rng& r) { return r.next(); },
                               [](const std::vector<Member>& ms, std::uint32_t, const Bytes&, const Bytes&) {
                                 std::vector<std::vector<Expect>> e;
                                 for (const Member& m : ms) e.push_back({ex_u(&m == &ms.front() ? 1u : 0u)});
                                 return e;
                               }}));

  out.push_back(subgroup_case({"subgroup_vote", "subgroupAll/Any/AllEqual over data where each outcome occurs",
                               subgroup_basic | subgroup_vote, 64, 4, 7, 2,
                               [](std::uint32_t w, Rng& r) {
                                 if (w % 2 == 0) return r.below(12) == 0 ? r.below(0x08000000u) : r.next() | 0x08000000u;
                                 // y: constant in even workgroups (all equal), mostly-equal in odd ones.
                                 return (w / 2 / 64) % 2 == 0 ? 5u : (r.below(10) == 0 ? 6u : 5u);
                               },
                               [](const std::vector<Member>& ms, std::uint32_t, const Bytes& in, const Bytes&) {
                                 bool all = true, any = false, eq = true;
                                 for (const Member& m : ms) {
                                   all = all && in_u(in, m, 2, 0) >= 0x08000000u;
                                   any = any || in_u(in, m, 2, 0) < 0x08000000u;
                                   eq = eq && in_u(in, m, 2, 1) == in_u(in, ms.front(), 2, 1);
                                 }
                                 return std::vector<std::vector<Expect>>(ms.size(), {ex_u(all), ex_u(any), ex_u(eq)});
                               }}));

  out.push_back(subgroup_case({"subgroup_ballot", "subgroupBallot, Ballot(Inclusive|Exclusive)BitCount, FindLSB/MSB, BitExtract, "
                               "InverseBallot, Broadcast, BroadcastFirst in a branch",
                               subgroup_basic | subgroup_ballot, 64, 4, 17, 1, [](std::uint32_t, Rng& r) { return r.next(); },
                               [](const std::vector<Member>& ms, std::uint32_t size, const Bytes& in, const Bytes&) {
                                 std::uint32_t bal[4] = {0, 0, 0, 0}, nz[4] = {0, 0, 0, 0};
                                 for (const Member& m : ms) {
                                   if (in_u(in, m) & 1u) bal[m.lane / 32] |= 1u << (m.lane % 32);
                                   if ((in_u(in, m) & 1u) || &m == &ms.front()) nz[m.lane / 32] |= 1u << (m.lane % 32);
                                 }
                                 const auto bit = [](const std::uint32_t* b, std::uint32_t l) { return (b[l / 32] >> (l % 32)) & 1u; };
                                 std::uint32_t count = 0, lsb = UINT32_MAX, msb = 0;
                                 for (std::uint32_t l = 0; l < 128; ++l) {
                                   count += bit(bal, l);
                                   if (bit(nz, l)) lsb = std::min(lsb, l), msb = l;
                                 }
                                 const Member* lane3 = by_lane(ms, 3);
                                 const Member* first = nullptr;
                                 for (const Member& m : ms)
                                   if (!first && (in_u(in, m) & 2u)) first = &m;
                                 std::vector<std::vector<Expect>> e;
                                 for (const Member& m : ms) {
                                   std::uint32_t incl = 0;
                                   for (std::uint32_t l = 0; l <= m.lane; ++l) incl += bit(bal, l);
                                   e.push_back({ex_u(bal[0]), ex_u(bal[1]), ex_u(bal[2]), ex_u(bal[3]), ex_u(count), ex_u(incl),
                                                ex_u(incl - bit(bal, m.lane)), ex_u(lsb), ex_u(msb), ex_u(bit(bal, (m.lane + 1) % size)),
                                                lane3 ? ex_u(in_u(in, *lane3)) : ex_any(),
                                                (in_u(in, m) & 2u) ? ex_u(in_u(in, *first)) : ex_u(12345u),
                                                ex_u(m.lane < 32 ? (m.lane % 2 == 0 ? 1u : 0u) : 0u)});
                                 }
                                 return e;
                               }}));

  out.push_back(subgroup_case({"subgroup_arith_int", "subgroupAdd/Mul/Min/Max (uint, int)/And/Or/Xor reductions",
                               subgroup_basic | subgroup_arithmetic, 64, 4, 13, 1, [](std::uint32_t, Rng& r) { return r.next(); },
                               [](const std::vector<Member>& ms, std::uint32_t, const Bytes& in, const Bytes&) {
                                 std::uint32_t add = 0, mul = 1, mn = UINT32_MAX, mx = 0, an = ~0u, orr = 0, xr = 0;
                                 std::int32_t smin = INT32_MAX, smax = INT32_MIN;
                                 for (const Member& m : ms) {
                                   const std::uint32_t x = in_u(in, m);
                                   add += x;
                                   mul *= x | 1u;
                                   mn = std::min(mn, x);
                                   mx = std::max(mx, x);
                                   smin = std::min(smin, static_cast<std::int32_t>(x));
                                   smax = std::max(smax, static_cast<std::int32_t>(x));
                                   an &= x | 0x0fffffffu;
                                   orr |= x & 0xf000000fu;
                                   xr ^= x;
                                 }
                                 return std::vector<std::vector<Expect>>(
                                     ms.size(), {ex_u(add), ex_u(mul), ex_u(mn), ex_u(mx), ex_i(smin), ex_i(smax), ex_u(an), ex_u(orr), ex_u(xr)});
                               }}));

  out.push_back(subgroup_case({"subgroup_scan_int", "inclusive/exclusive scans: add, min (int), max, xor, mul, or, and",
                               subgroup_basic | subgroup_arithmetic, 64, 4, 14, 1, [](std::uint32_t, Rng& r) { return r.next(); },
                               [](const std::vector<Member>& ms, std::uint32_t, const Bytes& in, const Bytes&) {
                                 std::vector<std::vector<Expect>> e;
                                 const auto x = [&](const Member& m) { return in_u(in, m); };
                                 for (const Member& me : ms) {
                                   std::uint32_t iadd = 0, eadd = 0, imax = 0, emax = 0, ixor = 0, emul = 1, ior = 0, eand = ~0u;
                                   std::int32_t imin = INT32_MAX, emin = INT32_MAX;
                                   for (const Member& m : ms) {
                                     if (m.lane > me.lane) continue;
                                     const bool excl = m.lane < me.lane;
                                     const std::uint32_t v = x(m);
                                     iadd += v;
                                     imin = std::min(imin, static_cast<std::int32_t>(v));
                                     imax = std::max(imax, v);
                                     ixor ^= v;
                                     ior |= 1u << (v % 32u);
                                     if (excl) {
                                       eadd += v;
                                       emin = std::min(emin, static_cast<std::int32_t>(v));
                                       emax = std::max(emax, v);
                                       emul *= v | 1u;
                                       eand &= ~(1u << (v % 32u));
                                     }
                                   }
                                   e.push_back({ex_u(iadd), ex_u(eadd), ex_i(imin), ex_i(emin), ex_u(imax), ex_u(emax), ex_u(ixor),
                                                ex_u(emul), ex_u(ior), ex_u(eand)});
                                 }
                                 return e;
                               }}));

  out.push_back(subgroup_case({"subgroup_arith_float", "float subgroupAdd/Min/Max/Mul and inclusive/exclusive add (exact values)",
                               subgroup_basic | subgroup_arithmetic, 64, 4, 10, 2,
                               [](std::uint32_t w, Rng& r) {
                                 if (w % 2 == 0) return fbits(static_cast<float>(r.range(-1000, 1000)));
                                 const float pw[] = {-2.0f, -1.0f, 1.0f, 2.0f, 0.5f, -0.5f};
                                 return fbits(pw[r.below(6)]);
                               },
                               [](const std::vector<Member>& ms, std::uint32_t, const Bytes& in, const Bytes&) {
                                 const auto x = [&](const Member& m) { return bitsf(in_u(in, m, 2, 0)); };
                                 float add = 0, mn = INFINITY, mx = -INFINITY, mul = 1;
                                 for (const Member& m : ms) {
                                   add += x(m);
                                   mn = std::min(mn, x(m));
                                   mx = std::max(mx, x(m));
                                   mul *= bitsf(in_u(in, m, 2, 1));
                                 }
                                 std::vector<std::vector<Expect>> e;
                                 float run = 0;
                                 for (const Member& m : ms) {  // members are sorted by lane
                                   const float excl = run;
                                   run += x(m);
                                   // Zero results may come out as -0 depending on the order: tolerance 0 accepts both.
                                   e.push_back({ex_fabs(add, 0), ex_f(mn), ex_f(mx), ex_fabs(run, 0), ex_fabs(excl, 0), ex_f(mul)});
                                 }
                                 return e;
                               }}));

  out.push_back(subgroup_case({"subgroup_shuffle", "subgroupShuffle (computed, reversed lanes), subgroupShuffleXor by 1 and size/2",
                               subgroup_basic | subgroup_shuffle, 64, 4, 8, 1, [](std::uint32_t, Rng& r) { return r.next(); },
                               [](const std::vector<Member>& ms, std::uint32_t size, const Bytes& in, const Bytes&) {
                                 const auto from = [&](std::uint32_t lane) {
                                   const Member* m = by_lane(ms, lane);
                                   return m ? ex_u(in_u(in, *m)) : ex_any();  // shuffling from a missing lane is undefined
                                 };
                                 std::vector<std::vector<Expect>> e;
                                 for (const Member& m : ms)
                                   e.push_back({from((m.lane * 5 + 3) % size), from(m.lane ^ 1u), from(m.lane ^ (size / 2)),
                                                from(size - 1 - m.lane)});
                                 return e;
                               }}));

  out.push_back(subgroup_case({"subgroup_shuffle_relative", "subgroupShuffleUp/Down by 1, 3, 5 (out-of-range lanes unchecked)",
                               subgroup_basic | subgroup_shuffle_relative, 64, 4, 8, 1, [](std::uint32_t, Rng& r) { return r.next(); },
                               [](const std::vector<Member>& ms, std::uint32_t size, const Bytes& in, const Bytes&) {
                                 const auto from = [&](std::int64_t lane) {
                                   if (lane < 0 || lane >= size) return ex_any();
                                   const Member* m = by_lane(ms, static_cast<std::uint32_t>(lane));
                                   return m ? ex_u(in_u(in, *m)) : ex_any();
                                 };
                                 std::vector<std::vector<Expect>> e;
                                 for (const Member& m : ms) {
                                   const std::int64_t l = m.lane;
                                   e.push_back({from(l - 1), from(l + 1), from(l - 3), from(l + 5)});
                                 }
                                 return e;
                               }}));

  out.push_back(subgroup_case({"subgroup_divergent", "subgroup ops in a divergent branch, checked against the reported active set",
                               subgroup_basic | subgroup_ballot | subgroup_arithmetic, 96, 3, 12, 1,
                               [](std::uint32_t, Rng& r) { return r.next(); },
                               [](const std::vector<Member>& ms, std::uint32_t, const Bytes& in, const Bytes& rec) {
                                 const std::uint32_t stride = 12;
                                 std::vector<std::vector<Expect>> e;
                                 for (const Member& me : ms) {
                                   if (in_u(in, me) % 3 == 0) {
                                     e.push_back(std::vector<Expect>(8, ex_u(poison)));  // branch not taken: untouched
                                     continue;
                                   }
                                   // The active set this invocation saw: it must contain itself and only
                                   // invocations of its subgroup that took the branch; results follow from it.
                                   std::uint32_t mask[4];
                                   for (int k = 0; k < 4; ++k) mask[k] = u32(rec, me.inv * stride + 4 + k);
                                   const auto active = [&](std::uint32_t l) { return l < 128 && ((mask[l / 32] >> (l % 32)) & 1u); };
                                   std::vector<Expect> x(8, ex_any());
                                   bool valid = active(me.lane);
                                   for (std::uint32_t l = 0; l < 128 && valid; ++l)
                                     if (active(l)) {
                                       const Member* m = by_lane(ms, l);
                                       valid = m && in_u(in, *m) % 3 != 0;
                                     }
                                   if (!valid) {
                                     // Force a mismatch naming the bad mask.
                                     x[0] = ex_u(~mask[0]);
                                     e.push_back(x);
                                     continue;
                                   }
                                   std::uint32_t sum = 0, below = 0, lowest = UINT32_MAX;
                                   for (const Member& m : ms)
                                     if (active(m.lane)) {
                                       sum += in_u(in, m);
                                       if (m.lane < me.lane) ++below;
                                       lowest = std::min(lowest, m.lane);
                                     }
                                   for (int k = 0; k < 4; ++k) x[k] = ex_u(mask[k]);
                                   x[4] = ex_u(sum);
                                   x[5] = ex_u(me.lane == lowest ? 1u : 0u);
                                   x[6] = ex_u(below);
                                   x[7] = ex_u(lowest);
                                   e.push_back(x);
                                 }
                                 return e;
                               }}));

  {
    constexpr std::uint32_t local = 256, groups = 6, n = local * groups;
    Case c;
    c.name = "subgroup_reduce_workgroup";
    c.category = "subgroup";
    c.summary = "workgroup sum via subgroupAdd + shared partials indexed by gl_SubgroupID + global atomicAdd";
    c.spirv = "subgroup_reduce_workgroup.spv";
    c.groups = {groups, 1, 1};
    c.local_size = {local, 1, 1};
    c.required = subgroup_basic | subgroup_arithmetic;
    c.full_subgroups = true;
    c.bindings.push_back(storage(0, n * 4, init_words(c.name, [](std::uint32_t, Rng& r) { return r.next() >> 4; })));
    c.bindings.push_back(storage(1, (1 + groups) * 4, init_words("subgroup_reduce_workgroup.out", [](std::uint32_t w, Rng& r) {
      return w == 0 ? r.next() : poison;
    })));
    c.check = [](const CheckInput& io) {
      std::vector<std::uint32_t> e(1 + groups, 0);
      e[0] = u32(io.initial[1], 0);
      for (std::uint32_t i = 0; i < n; ++i) {
        e[1 + i / local] += u32(io.initial[0], i);
        e[0] += u32(io.initial[0], i);
      }
      return compare_u32("out", io.final[1], e);
    };
    out.push_back(std::move(c));
  }
}

}  // namespace mica::corpus::detail
