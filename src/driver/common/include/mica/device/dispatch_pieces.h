// Cutting a large direct dispatch into dispatches the kernel's job timeout allows. Both frontends
// use it: the Vulkan driver for vkCmdDispatch[Base], the OpenCL driver for clEnqueueNDRangeKernel.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace mica::device {

// A part of a direct dispatch: 'groups' workgroups from 'first' (relative to the dispatch's base).
// The frontend launches it with base workgroup (s7..s9) = its base + first and keeps the whole
// dispatch's workgroup counts in s4..s6, so every invocation sees the ids of the uncut dispatch.
struct DispatchPiece {
  std::array<uint32_t, 3> first{}, groups{};
};

// At most this many pieces per dispatch: 65535^3 workgroups of 1024 invocations would otherwise be
// ~2^38 pieces. A dispatch that large cannot finish within the job timeout either way.
constexpr uint64_t kMaxDispatchPieces = 4096;

// What one workgroup of 'workgroup_invocations' counts against kMaxJobInvocations: the lanes of
// the waves it occupies (a workgroup of one invocation costs a whole wave to launch and run:
// 2^20 one-invocation workgroups outran the device's dispatch watchdog).
uint64_t job_lanes(uint64_t workgroup_invocations);

// Cuts a grid of 'groups' workgroups of 'invocations' each into boxes of at most max_invocations
// job lanes (job_lanes() per workgroup; one workgroup at least), in z, y, x order, at most max_pieces of them (larger boxes
// then). The boxes cover the grid exactly once. One piece (the whole grid) when it fits or is
// empty. The kernel's job timeout needs this (kMaxJobInvocations in commands.h).
std::vector<DispatchPiece> dispatch_pieces(std::array<uint32_t, 3> groups, uint32_t invocations,
                                           uint64_t max_invocations, uint64_t max_pieces = kMaxDispatchPieces);

}  // namespace mica::device
