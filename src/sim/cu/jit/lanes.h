// SPDX-License-Identifier: MIT
// Precompiled lane helpers for the first tier (level 0). LLVM's fast instruction selector cannot
// select <32 x i32> operations (not a legal type on any host), so a block holding one went through
// SelectionDAG whole, and that was 80-90% of a level-0 translation. At level 0 the translated code
// keeps only scalar work inline (operand tests, pipeline records, counters, control flow) and does
// the lanes of a VALU instruction in one call to one of these functions, compiled with the model.
// Each computes exactly what valu.cpp computes for its opcode (the same expressions).
#pragma once

#include <cstdint>

namespace mica::sim::cu::jit {

// A VALU instruction with a vector destination: r = op(a, b, c) lane by lane (s3: the scalar
// mask operand of v_cndmask), then dst = active ? r : dst; prev (when not null) gets dst's old
// value first (the pipeline model's delayed write); *lane_instructions += popcount(active).
// a, b, c may alias dst (read before it is written).
using VdLanes = void (*)(uint32_t *dst, uint32_t *prev, const uint32_t *a, const uint32_t *b, const uint32_t *c,
                         uint32_t active, uint32_t s3, uint64_t *lane_instructions);
// A VALU compare: the lane bits of op(a, b) under active; *lane_instructions += popcount(active).
using MdLanes = uint32_t (*)(const uint32_t *a, const uint32_t *b, uint32_t active, uint64_t *lane_instructions);

// The helper for an opcode, or null when level 0 has none (the instruction is called out).
VdLanes vd_lanes(uint16_t op);
MdLanes md_lanes(uint16_t op);

// A row of 32 copies of v (a scalar operand of a VALU instruction).
void splat_row(uint32_t *row, uint32_t v);
// The lane-id row (Src::LaneId).
const uint32_t *lane_id_row();

} // namespace mica::sim::cu::jit
