// The cutting of large dispatches into kernel jobs the job timeout allows, shared by the OpenCL
// and Vulkan drivers (mica/device/dispatch_pieces.h), and the encoder's job ends
// (src/driver/common/device/encoder.h): random grids are cut into pieces that cover every
// workgroup exactly once, each within the bound; random command lists of such pieces and of small
// dispatches encode into jobs of at most kMaxJobInvocations job lanes. compare_ndrange_pocl.py
// runs the cut NDRanges on the device and checks every id built-in.
#include "encoder.h"
#include "mica/device/dispatch_pieces.h"
#include "mica/device/program.h"
#include "mica/device/screen.h"

extern "C" {
#include "mica_hw.h"
}

#include <gtest/gtest.h>

#include <random>

namespace {

using namespace mica::device;

uint64_t grid_count(const std::array<uint32_t, 3>& g) { return uint64_t(g[0]) * g[1] * g[2]; }

TEST(DispatchPieces, JobLanesRoundWorkgroupsUpToWaves) {
  EXPECT_EQ(job_lanes(0), MICA_WAVE_SIZE);
  EXPECT_EQ(job_lanes(1), MICA_WAVE_SIZE);
  EXPECT_EQ(job_lanes(MICA_WAVE_SIZE), MICA_WAVE_SIZE);
  EXPECT_EQ(job_lanes(MICA_WAVE_SIZE + 1), 2u * MICA_WAVE_SIZE);
  EXPECT_EQ(job_lanes(1024), 1024u);
}

TEST(DispatchPieces, SmallOrEmptyGridsStayWhole) {
  const std::array<uint32_t, 3> fits = {1024, 16, 1};  // 2^20 lanes with 64-invocation workgroups
  auto p = dispatch_pieces(fits, 64, kMaxJobInvocations);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].groups, fits);
  EXPECT_EQ(p[0].first, (std::array<uint32_t, 3>{0, 0, 0}));
  p = dispatch_pieces({0, 5, 5}, 64, kMaxJobInvocations);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].groups, (std::array<uint32_t, 3>{0, 5, 5}));
  // One workgroup more is two pieces.
  EXPECT_EQ(dispatch_pieces({1025, 16, 1}, 64, kMaxJobInvocations).size(), 2u);
}

// Every workgroup of random grids is in exactly one piece; each piece holds at most the bound
// (or a single workgroup, when one alone exceeds it) and lies inside the grid.
TEST(DispatchPieces, RandomGridsAreCoveredOnceWithinTheBound) {
  std::mt19937_64 rng(20261205);
  for (int round = 0; round < 400; ++round) {
    const uint32_t extent[3] = {round % 2 ? 400u : 40u, round % 3 ? 40u : 200u, round % 5 ? 8u : 40u};
    std::array<uint32_t, 3> g;
    for (int d = 0; d < 3; ++d) g[d] = 1 + uint32_t(rng() % extent[d]);
    const uint32_t invocations = 1 + uint32_t(rng() % 1024);
    const uint64_t bound = 1 + rng() % 200000;
    const auto pieces = dispatch_pieces(g, invocations, bound, UINT64_MAX);  // no cap on the count here
    std::vector<uint8_t> seen(grid_count(g), 0);
    for (const DispatchPiece& p : pieces) {
      const uint64_t n = grid_count(p.groups);
      ASSERT_GE(n, 1u);
      ASSERT_TRUE(n * job_lanes(invocations) <= bound || n == 1)
          << "piece of " << n << " workgroups x " << invocations << " over the bound " << bound;
      for (uint32_t z = 0; z < p.groups[2]; ++z)
        for (uint32_t y = 0; y < p.groups[1]; ++y)
          for (uint32_t x = 0; x < p.groups[0]; ++x) {
            const uint64_t gx = p.first[0] + x, gy = p.first[1] + y, gz = p.first[2] + z;
            ASSERT_TRUE(gx < g[0] && gy < g[1] && gz < g[2]);
            uint8_t& s = seen[(gz * g[1] + gy) * g[0] + gx];
            ASSERT_EQ(s, 0) << "workgroup (" << gx << ", " << gy << ", " << gz << ") in two pieces";
            s = 1;
          }
    }
    for (uint8_t s : seen) ASSERT_EQ(s, 1);
  }
}

// The piece count is bounded: a grid no device could finish does not exhaust host memory.
TEST(DispatchPieces, HugeGridsAreCutIntoAtMostMaxPieces) {
  const std::array<uint32_t, 3> g = {65535, 65535, 65535};
  const auto pieces = dispatch_pieces(g, 1024, kMaxJobInvocations, 4096);
  EXPECT_LE(pieces.size(), 2 * 4096u);
  uint64_t total = 0;
  for (const auto& p : pieces) total += grid_count(p.groups);
  EXPECT_EQ(total, grid_count(g));
  // An OpenCL NDRange of 2^32 - 1 one-item work-groups: 64-bit counters, no wrap-around.
  const auto wide = dispatch_pieces({UINT32_MAX, 1, 1}, 1, kMaxJobInvocations, 4096);
  total = 0;
  for (const auto& p : wide) total += grid_count(p.groups);
  EXPECT_EQ(total, uint64_t(UINT32_MAX));
  EXPECT_LE(wide.size(), 4096u);
}

const char* kProgram = R"(#version 450
layout(local_size_x = 64) in;
void main() {}
)";

std::shared_ptr<Program> make_program(Screen& screen) {
  auto r = mica::compiler::glsl_to_spirv(kProgram, "test.comp");
  if (auto* e = std::get_if<mica::compiler::CompileError>(&r)) {
    ADD_FAILURE() << e->message;
    return {};
  }
  ProgramSource src;
  src.spirv = std::get<std::vector<uint32_t>>(r);
  std::shared_ptr<Program> program;
  std::string log;
  EXPECT_EQ(screen.create_program(src, {}, program, &log), Status::ok) << log;
  return program;
}

// Random lists of dispatches (big ones cut by dispatch_pieces, small ones, workgroup sizes from 1
// to 1024) encode into jobs whose dispatches hold at most kMaxJobInvocations job lanes together,
// and split_stream cuts at every job end.
TEST(EncoderJobs, JobsHoldAtMostTheBound) {
  ScreenOptions opt;
  opt.backend = ScreenOptions::Backend::sim;
  std::shared_ptr<Screen> screen;
  std::string error;
  ASSERT_EQ(Screen::create(opt, screen, error), Status::ok) << error;
  const auto program = make_program(*screen);
  ASSERT_TRUE(program);
  std::mt19937_64 rng(7);
  for (int round = 0; round < 40; ++round) {
    CommandList list;
    std::vector<uint64_t> lanes;  // per command, in order
    const int commands = 1 + int(rng() % 12);
    for (int c = 0; c < commands; ++c) {
      Dispatch d;
      d.program = program;
      const uint32_t wg[] = {1, 7, 32, 64, 100, 256, 1024};
      const uint32_t size = wg[rng() % 7];
      d.workgroup_size = {size, 1, 1};
      std::array<uint32_t, 3> groups = {1 + uint32_t(rng() % 3000), 1 + uint32_t(rng() % 40), 1};
      if (rng() % 3 == 0) groups = {1 + uint32_t(rng() % 50), 1, 1};  // a small one
      for (const DispatchPiece& p : dispatch_pieces(groups, size, kMaxJobInvocations)) {
        Dispatch part = d;
        part.user_data = {0, 0, 0, 0, groups[0], groups[1], groups[2], p.first[0], p.first[1], p.first[2]};
        part.groups = p.groups;
        list.dispatch(std::move(part));
        lanes.push_back(grid_count(p.groups) * job_lanes(size));
      }
    }
    EncodedStream enc;
    const CommandList* lists[] = {&list};
    ASSERT_EQ(encode_stream(lists, screen->power_profile(), 0, 0, false, enc), Status::ok) << enc.log;
    // One boundary per dispatch (each is a self-contained group of packets).
    ASSERT_EQ(enc.boundaries.size(), lanes.size());
    uint64_t job = 0;
    size_t end = 0;
    for (size_t i = 0; i < lanes.size(); ++i) {
      job += lanes[i];
      ASSERT_LE(job, kMaxJobInvocations) << "round " << round << ": the job ending at dispatch " << i;
      if (end < enc.job_ends.size() && enc.job_ends[end] == enc.boundaries[i]) {
        job = 0;
        ++end;
      }
    }
    ASSERT_EQ(end, enc.job_ends.size()) << "a job end that is no dispatch boundary";
    std::vector<std::span<const uint32_t>> pieces;
    ASSERT_EQ(split_stream(enc, 1u << 20, pieces), Status::ok);
    EXPECT_GE(pieces.size(), enc.job_ends.size());
  }
}

}  // namespace
