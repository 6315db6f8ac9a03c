// See mica/device/dispatch_pieces.h.
#include "mica/device/dispatch_pieces.h"

#include <algorithm>

extern "C" {
#include "mica_hw.h"
}

namespace mica::device {

uint64_t job_lanes(uint64_t workgroup_invocations) {
  const uint64_t waves = (std::max<uint64_t>(1, workgroup_invocations) + MICA_WAVE_SIZE - 1) / MICA_WAVE_SIZE;
  return waves * MICA_WAVE_SIZE;
}

std::vector<DispatchPiece> dispatch_pieces(std::array<uint32_t, 3> groups, uint32_t invocations,
                                           uint64_t max_invocations, uint64_t max_pieces) {
  const uint64_t per_group = job_lanes(invocations);
  const uint64_t total = uint64_t(groups[0]) * groups[1] * groups[2];
  if (total == 0 || total * per_group <= max_invocations) return {{{0, 0, 0}, groups}};
  // Workgroups per piece: as many as the bound allows, more when the piece count would exceed
  // max_pieces (a grid no device finishes anyway must not exhaust host memory while recording).
  uint64_t budget = std::max<uint64_t>(1, max_invocations / per_group);
  const uint64_t pieces_bound = std::max<uint64_t>(1, max_pieces);
  budget = std::max(budget, total / pieces_bound + (total % pieces_bound != 0));
  // Whole xy-slices when one fits, else whole rows of one slice, else parts of one row.
  std::array<uint32_t, 3> box = groups;
  const uint64_t slice = uint64_t(groups[0]) * groups[1];
  if (slice <= budget) {
    box[2] = uint32_t(std::min<uint64_t>(groups[2], budget / slice));
  } else if (groups[0] <= budget) {
    box[2] = 1;
    box[1] = uint32_t(budget / groups[0]);
  } else {
    box[2] = box[1] = 1;
    box[0] = uint32_t(budget);
  }
  std::vector<DispatchPiece> pieces;
  // 64-bit counters: OpenCL grids reach 2^32 - 1 workgroups in a dimension.
  for (uint64_t z = 0; z < groups[2]; z += box[2])
    for (uint64_t y = 0; y < groups[1]; y += box[1])
      for (uint64_t x = 0; x < groups[0]; x += box[0])
        pieces.push_back({{uint32_t(x), uint32_t(y), uint32_t(z)},
                          {uint32_t(std::min<uint64_t>(box[0], groups[0] - x)),
                           uint32_t(std::min<uint64_t>(box[1], groups[1] - y)),
                           uint32_t(std::min<uint64_t>(box[2], groups[2] - z))}});
  return pieces;
}

}  // namespace mica::device
