// Unit tests of the device layer (mica::device) on the simulated device: buffers, copies and
// fills, dispatches through the launch ABI, fences and timelines with timeouts, lost contexts with
// the kernel's fault reason, power-profile recompiles, the binary caches, job splitting and the
// refusal of bad input.
#include "mica/device/context.h"
#include "mica/device/disk_cache.h"
#include "mica/device/program.h"
#include "mica/device/screen.h"

extern "C" {
#include "mica_hw.h"
}

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace {

using namespace mica::device;

constexpr int64_t kForever = INT64_MAX;
constexpr int64_t kSecond = 1'000'000'000;

std::shared_ptr<Screen> open_sim(ScreenOptions opt = {}) {
  opt.backend = ScreenOptions::Backend::sim;
  std::shared_ptr<Screen> screen;
  std::string error;
  const Status s = Screen::create(opt, screen, error);
  EXPECT_EQ(s, Status::ok) << error;
  return screen;
}

std::vector<uint32_t> spirv_of(const std::string& glsl) {
  auto r = mica::compiler::glsl_to_spirv(glsl, "test.comp");
  if (auto* e = std::get_if<mica::compiler::CompileError>(&r)) {
    ADD_FAILURE() << e->message;
    return {};
  }
  return std::get<std::vector<uint32_t>>(r);
}

// Writes v[i] = i * mul + add for i < n through a buffer address in the push constants
// (s[2:3] of the launch ABI points at them).
const char* kStoreProgram = R"(#version 450
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
layout(local_size_x = 64) in;
layout(buffer_reference, std430) buffer Data { uint v[]; };
layout(push_constant) uniform P { Data data; uint n; uint mul; uint add; } pc;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < pc.n) pc.data.v[i] = i * pc.mul + pc.add;
}
)";

// The same through a storage buffer descriptor (set 0, binding 0): the binding model's set table.
const char* kDescriptorProgram = R"(#version 450
layout(local_size_x = 32) in;
layout(set = 0, binding = 0, std430) buffer Out { uint v[]; } o;
void main() { o.v[gl_GlobalInvocationID.x] = gl_GlobalInvocationID.x + 7u * gl_NumWorkGroups.x; }
)";

struct StorePush {
  uint64_t address;
  uint32_t n, mul, add;
  uint32_t pad;
};

std::shared_ptr<Program> make_program(Screen& screen, const std::string& glsl, ProgramCacheUse cache = {},
                                      Status expect = Status::ok, std::string* log_out = nullptr) {
  ProgramSource src;
  src.spirv = spirv_of(glsl);
  std::shared_ptr<Program> program;
  std::string log;
  EXPECT_EQ(screen.create_program(src, cache, program, &log), expect) << log;
  if (log_out) *log_out = log;
  return program;
}

Dispatch store_dispatch(std::shared_ptr<Program> program, uint64_t address, uint32_t n, uint32_t mul, uint32_t add) {
  Dispatch d;
  d.program = std::move(program);
  const StorePush push{address, n, mul, add, 0};
  InlineData block;
  block.bytes.resize(sizeof push);
  std::memcpy(block.bytes.data(), &push, sizeof push);
  block.user_data = MICA_ABI_S_PUSH_CONSTANTS;
  d.inline_data.push_back(std::move(block));
  d.groups = {(n + 63) / 64, 1, 1};
  return d;
}

Status run(Context& ctx, const CommandList& list, int64_t timeout = 60 * kSecond) {
  SubmitInfo info;
  info.lists.push_back(&list);
  uint64_t seqno = 0;
  Status s = ctx.submit(info, &seqno);
  if (s != Status::ok) return s;
  return ctx.wait(seqno, timeout);
}

TEST(DeviceScreen, InfoAndLimits) {
  auto screen = open_sim({.backend = {}, .sim_revision = 1, .sim_cu_count = 3, .sim_vram_bytes = 0, .sim_watchdog_cycles = 0,
                          .sim_job_timeout_ns = 0, .disk_cache_dir = {}});
  ASSERT_TRUE(screen);
  EXPECT_EQ(screen->info().revision, 1u);
  EXPECT_EQ(screen->info().cu_count, 3u);
  EXPECT_TRUE(screen->info().simulated);
  EXPECT_GT(screen->limits().max_job_dwords, 0u);
  EXPECT_GT(screen->limits().max_syncs_per_job, 0u);
  EXPECT_LT(screen->limits().va_start, screen->limits().va_end);
}

TEST(DeviceBuffer, AllocateMapAndRefuseBadSizes) {
  auto screen = open_sim();
  std::unique_ptr<Buffer> host, local;
  ASSERT_EQ(screen->create_buffer(100, BufferUsage::host_visible, host), Status::ok);
  ASSERT_EQ(screen->create_buffer(3 * 4096 + 1, BufferUsage::device_local, local), Status::ok);
  EXPECT_GE(host->size(), 100u);
  EXPECT_EQ(host->va() % screen->limits().page_size, 0u);
  EXPECT_GE(host->va(), screen->limits().va_start);
  EXPECT_LE(host->va() + host->size(), screen->limits().va_end);
  ASSERT_NE(host->cpu(), nullptr);
  EXPECT_EQ(local->cpu(), nullptr);
  EXPECT_GE(local->size(), 3u * 4096 + 1);
  // Two live buffers never overlap in the address space.
  EXPECT_TRUE(host->va() + host->size() <= local->va() || local->va() + local->size() <= host->va());
  std::memset(host->cpu(), 0x5a, 100);
  EXPECT_EQ(host->cpu()[99], 0x5a);

  std::unique_ptr<Buffer> bad;
  EXPECT_EQ(screen->create_buffer(0, BufferUsage::host_visible, bad), Status::invalid_argument);
  EXPECT_EQ(screen->create_buffer(screen->info().vram_bytes + 1, BufferUsage::device_local, bad),
            Status::out_of_device_memory);
  EXPECT_EQ(bad, nullptr);
}

TEST(DeviceContext, CopyFillWriteDataAndTimestamp) {
  auto screen = open_sim();
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  std::unique_ptr<Buffer> a, b;
  ASSERT_EQ(screen->create_buffer(1 << 16, BufferUsage::host_visible, a), Status::ok);
  ASSERT_EQ(screen->create_buffer(1 << 16, BufferUsage::host_visible, b), Status::ok);
  std::memset(b->cpu(), 0xee, 1 << 16);
  auto* aw = reinterpret_cast<uint32_t*>(a->cpu());
  auto* bw = reinterpret_cast<uint32_t*>(b->cpu());
  for (uint32_t i = 0; i < (1 << 14); ++i) aw[i] = i * 2654435761u;

  CommandList list;
  list.fill(a->va() + 4096, 8192, 0xcafef00d);      // overwrite part of a
  list.barrier();
  list.copy(a->va() + 1024, b->va() + 4, 20000);     // unaligned destination, odd length
  list.barrier();
  list.write_data(b->va() + 60000, {1, 2, 3, 4, 5});
  list.timestamp(b->va() + 64000);
  ASSERT_EQ(run(*ctx, list), Status::ok);

  std::vector<uint32_t> expect(1 << 14);
  for (uint32_t i = 0; i < expect.size(); ++i) expect[i] = i * 2654435761u;
  for (uint32_t i = 1024; i < 3072; ++i) expect[i] = 0xcafef00d;
  for (uint32_t i = 0; i < expect.size(); ++i) ASSERT_EQ(aw[i], expect[i]) << "a[" << i << "]";
  const auto* src = reinterpret_cast<const uint8_t*>(expect.data()) + 1024;
  EXPECT_EQ(std::memcmp(b->cpu() + 4, src, 20000), 0);
  EXPECT_EQ(b->cpu()[3], 0xee);
  EXPECT_EQ(b->cpu()[20004], 0xee);
  EXPECT_EQ(bw[15000], 1u);
  EXPECT_EQ(bw[15004], 5u);
  uint64_t ts = 0;
  std::memcpy(&ts, b->cpu() + 64000, 8);
  EXPECT_NE(ts, 0xeeeeeeeeeeeeeeeeull);
  EXPECT_GT(ts, 0u);
}

TEST(DeviceContext, DispatchThroughPushConstantAddress) {
  auto screen = open_sim();
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  auto program = make_program(*screen, kStoreProgram);
  ASSERT_TRUE(program);
  std::unique_ptr<Buffer> out;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::host_visible, out), Status::ok);
  std::memset(out->cpu(), 0xff, 4096);
  CommandList list;
  list.dispatch(store_dispatch(program, out->va(), 1000, 3, 1));
  ASSERT_EQ(run(*ctx, list), Status::ok);
  const auto* v = reinterpret_cast<const uint32_t*>(out->cpu());
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_EQ(v[i], i * 3 + 1) << i;
  EXPECT_EQ(v[1000], 0xffffffffu);  // n bounds the writes
}

TEST(DeviceContext, DispatchThroughPatchedSetTableAndIndirectCounts) {
  auto screen = open_sim();
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  auto program = make_program(*screen, kDescriptorProgram);
  ASSERT_TRUE(program);
  std::unique_ptr<Buffer> out, args;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::host_visible, out), Status::ok);
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::host_visible, args), Status::ok);
  const uint32_t groups[3] = {5, 1, 1};
  std::memcpy(args->cpu(), groups, sizeof groups);

  // Set 0: binding 0's entry {address, size, array header offset}, then the array header and the
  // one element (mica.toml [launch_abi]). The set table (one u64 per set) points at the set.
  std::vector<uint8_t> set(48, 0);
  const uint64_t address = out->va();
  const uint32_t size = 4096, header = 16, count = 1;
  std::memcpy(set.data(), &address, 8);
  std::memcpy(set.data() + 8, &size, 4);
  std::memcpy(set.data() + 12, &header, 4);
  std::memcpy(set.data() + 16, &count, 4);
  std::memcpy(set.data() + 32, &address, 8);
  std::memcpy(set.data() + 40, &size, 4);
  Dispatch d;
  d.program = program;
  d.user_data.assign(10, 0);
  d.inline_data.push_back({set, UINT32_MAX, {}});
  d.inline_data.push_back({std::vector<uint8_t>(8, 0), MICA_ABI_S_DESCRIPTOR_SETS, {{0, 0}}});
  d.indirect_va = args->va();
  d.indirect_user_data = MICA_ABI_S_NUM_WORKGROUPS;
  CommandList list;
  list.dispatch(d);
  ASSERT_EQ(run(*ctx, list), Status::ok);
  const auto* v = reinterpret_cast<const uint32_t*>(out->cpu());
  for (uint32_t i = 0; i < 5 * 32; ++i) ASSERT_EQ(v[i], i + 35) << i;
  EXPECT_EQ(v[5 * 32], 0u);
}

TEST(DeviceContext, FenceWaitTimesOutUntilTheHostReleasesTheQueue) {
  auto screen = open_sim();
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  std::unique_ptr<Buffer> flag;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::driver_shared, flag), Status::ok);
  auto* word = reinterpret_cast<volatile uint64_t*>(flag->cpu());
  *word = 0;
  std::unique_ptr<Timeline> timeline;
  ASSERT_EQ(screen->create_timeline(0, timeline), Status::ok);

  CommandList list;
  list.wait_memory(flag->va(), 1);
  list.write_data(flag->va() + 8, {42});
  SubmitInfo info;
  info.lists.push_back(&list);
  info.signals.push_back({timeline.get(), 5});
  uint64_t seqno = 0;
  ASSERT_EQ(ctx->submit(info, &seqno), Status::ok);
  EXPECT_EQ(ctx->status(seqno), Status::not_ready);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(ctx->wait(seqno, 20'000'000), Status::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(15));
  EXPECT_EQ(timeline->wait(5, 1'000'000), Status::timeout);
  uint64_t value = 99;
  ASSERT_EQ(timeline->query(value), Status::ok);
  EXPECT_EQ(value, 0u);

  *word = 1;
  EXPECT_EQ(ctx->wait(seqno, 60 * kSecond), Status::ok);
  EXPECT_EQ(ctx->status(seqno), Status::ok);
  EXPECT_EQ(timeline->wait(5, 60 * kSecond), Status::ok);
  ASSERT_EQ(timeline->query(value), Status::ok);
  EXPECT_EQ(value, 5u);
  EXPECT_EQ(reinterpret_cast<const uint32_t*>(flag->cpu())[2], 42u);
  EXPECT_EQ(ctx->check(), Status::ok);
  // A seqno never handed out is the caller's bug.
  EXPECT_EQ(ctx->wait(seqno + 100, 0), Status::invalid_argument);
}

TEST(DeviceTimeline, HostSignalReleasesAWaitingSubmission) {
  auto screen = open_sim();
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  std::unique_ptr<Timeline> gate, done;
  ASSERT_EQ(screen->create_timeline(0, gate), Status::ok);
  ASSERT_EQ(screen->create_timeline(10, done), Status::ok);
  std::unique_ptr<Buffer> out;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::host_visible, out), Status::ok);
  CommandList list;
  list.write_data(out->va(), {7});
  SubmitInfo info;
  info.lists.push_back(&list);
  info.waits.push_back({gate.get(), 3});
  info.signals.push_back({done.get(), 11});
  // Its wait point does not exist yet, so the submission is deferred (no seqno asked for: a caller
  // that asks for one waits until the kernel took the job).
  ASSERT_EQ(ctx->submit(info, nullptr), Status::ok);
  EXPECT_EQ(done->wait(11, 10'000'000), Status::timeout);
  const TimelinePoint both[2] = {{gate.get(), 3}, {done.get(), 11}};
  EXPECT_EQ(screen->wait_timelines(both, false, 1'000'000), Status::timeout);
  ASSERT_EQ(gate->signal(3), Status::ok);
  EXPECT_EQ(screen->wait_timelines(both, true, 60 * kSecond), Status::ok);
  EXPECT_EQ(reinterpret_cast<const uint32_t*>(out->cpu())[0], 7u);
  // Point 0 is always reached.
  EXPECT_EQ(gate->wait(0, 0), Status::ok);
}

TEST(DeviceContext, SubmissionsLargerThanAJobAreSplit) {
  auto screen = open_sim();
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  const uint32_t max_syncs = screen->limits().max_syncs_per_job;
  const uint32_t max_dwords = screen->limits().max_job_dwords;
  std::unique_ptr<Buffer> out;
  // One WRITE_DATA of 1 dword is 4 packet dwords: enough of them to need several jobs.
  const uint32_t writes = max_dwords / 4 * 2 + 17;
  ASSERT_EQ(screen->create_buffer(uint64_t(writes) * 4, BufferUsage::host_visible, out), Status::ok);
  CommandList list;
  for (uint32_t i = 0; i < writes; ++i) list.write_data(out->va() + 4ull * i, {i ^ 0x9e3779b9u});
  std::vector<std::unique_ptr<Timeline>> timelines(2 * max_syncs + 1);
  SubmitInfo info;
  info.lists.push_back(&list);
  for (auto& t : timelines) {
    ASSERT_EQ(screen->create_timeline(0, t), Status::ok);
    info.signals.push_back({t.get(), 1});
  }
  uint64_t seqno = 0;
  ASSERT_EQ(ctx->submit(info, &seqno), Status::ok);
  ASSERT_EQ(ctx->wait(seqno, 60 * kSecond), Status::ok);
  const auto* v = reinterpret_cast<const uint32_t*>(out->cpu());
  for (uint32_t i = 0; i < writes; ++i) ASSERT_EQ(v[i], i ^ 0x9e3779b9u) << i;
  for (auto& t : timelines) EXPECT_EQ(t->wait(1, 0), Status::ok);
}

TEST(DeviceContext, JobsTakenBeforeALaterJobIsRefusedKeepTheirUploads) {
  auto screen = open_sim();
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  auto program = make_program(*screen, kStoreProgram);
  ASSERT_TRUE(program);
  std::unique_ptr<Buffer> out, scratch;
  ASSERT_EQ(screen->create_buffer(1 << 16, BufferUsage::host_visible, out), Status::ok);
  ASSERT_EQ(screen->create_buffer(1 << 16, BufferUsage::host_visible, scratch), Status::ok);
  // First job: a dispatch whose push constants live in the submission's upload area, then enough
  // writes to fill more than one job; the last job holds a copy the kernel refuses (overlap).
  CommandList list;
  list.wait_memory(scratch->va(), 0);  // holds the first job until the refused one was seen
  list.dispatch(store_dispatch(program, out->va(), 4096, 7, 3));
  const uint32_t writes = screen->limits().max_job_dwords / 4 + 100;
  for (uint32_t i = 0; i < writes; ++i) list.write_data(scratch->va() + 8 + 4 * (i % 1000), {i});
  list.copy(scratch->va() + 100, scratch->va() + 104, 64);
  std::memset(scratch->cpu(), 0xff, 8);  // WAIT_MEM == 0: not yet
  SubmitInfo info;
  info.lists.push_back(&list);
  std::string log;
  EXPECT_EQ(ctx->submit(info, nullptr, &log), Status::invalid_argument);
  EXPECT_NE(log.find("CS_DMA_OVERLAP"), std::string::npos) << log;
  // The jobs taken still run, with their upload area intact.
  std::memset(scratch->cpu(), 0, 8);
  ASSERT_GT(ctx->last_seqno(), 0u);
  ASSERT_EQ(ctx->wait(ctx->last_seqno(), 60 * kSecond), Status::ok);
  const auto* v = reinterpret_cast<const uint32_t*>(out->cpu());
  for (uint32_t i = 0; i < 4096; ++i) ASSERT_EQ(v[i], i * 7 + 3) << i;
  EXPECT_EQ(ctx->check(), Status::ok);
}

TEST(DeviceContext, FaultingProgramLosesTheContextWithItsReason) {
  auto screen = open_sim();
  std::unique_ptr<Context> victim, bystander;
  ASSERT_EQ(screen->create_context(false, victim), Status::ok);
  ASSERT_EQ(screen->create_context(false, bystander), Status::ok);
  std::atomic<int> calls{0};
  LostReason seen;
  victim->set_lost_callback([&](const LostReason& r) {
    ++calls;
    seen = r;
  });
  auto program = make_program(*screen, kStoreProgram);
  ASSERT_TRUE(program);
  // An address inside the user range that no buffer occupies.
  const uint64_t unmapped = screen->limits().va_end - (1ull << 20);
  CommandList list;
  list.dispatch(store_dispatch(program, unmapped, 64, 1, 0));
  std::unique_ptr<Timeline> done;
  ASSERT_EQ(screen->create_timeline(0, done), Status::ok);
  SubmitInfo info;
  info.lists.push_back(&list);
  info.signals.push_back({done.get(), 1});
  uint64_t seqno = 0;
  ASSERT_EQ(victim->submit(info, &seqno), Status::ok);
  // The timeline is still signalled (a DRM sync object carries no error); the job's error is the
  // context's, from CTX_WAIT below.
  EXPECT_EQ(done->wait(1, 60 * kSecond), Status::ok);
  uint64_t value = 0;
  ASSERT_EQ(done->query(value), Status::ok);
  EXPECT_EQ(value, 1u);
  EXPECT_EQ(victim->wait(seqno, 60 * kSecond), Status::device_lost);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_TRUE(seen.guilty);
  EXPECT_EQ(seen.fault, uint32_t(MICA_FAULT_MMU_UNMAPPED));
  EXPECT_EQ(seen.fault_name, "MMU_UNMAPPED");
  EXPECT_EQ(seen.fault_access, 1u);  // write
  EXPECT_GE(seen.fault_addr, unmapped);
  EXPECT_LT(seen.fault_addr, unmapped + 64 * 4);
  EXPECT_FALSE(seen.addr_in_command_stream);
  EXPECT_EQ(seen.job_error, -EIO);
  EXPECT_NE(seen.describe().find("MMU_UNMAPPED"), std::string::npos) << seen.describe();

  LostReason now;
  ASSERT_EQ(victim->query(now), Status::ok);
  EXPECT_TRUE(now.guilty);
  EXPECT_EQ(now.fault, uint32_t(MICA_FAULT_MMU_UNMAPPED));
  // Sticky: every later call reports it, the callback ran once.
  EXPECT_EQ(victim->check(), Status::device_lost);
  EXPECT_EQ(run(*victim, CommandList{}), Status::device_lost);
  EXPECT_EQ(victim->wait_idle(), Status::device_lost);
  EXPECT_EQ(calls.load(), 1);

  // The other context on the same device keeps working.
  std::unique_ptr<Buffer> out;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::host_visible, out), Status::ok);
  CommandList ok;
  ok.dispatch(store_dispatch(program, out->va(), 64, 2, 5));
  ASSERT_EQ(run(*bystander, ok), Status::ok);
  EXPECT_EQ(reinterpret_cast<const uint32_t*>(out->cpu())[63], 63u * 2 + 5);
  EXPECT_EQ(bystander->check(), Status::ok);
}

TEST(DeviceContext, StuckWaitIsAWatchdogFaultInTheCommandStream) {
  ScreenOptions opt;
  opt.sim_watchdog_cycles = 20000;
  auto screen = open_sim(opt);
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  std::unique_ptr<Buffer> flag;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::driver_shared, flag), Status::ok);
  std::memset(flag->cpu(), 0, 8);
  CommandList list;
  list.barrier();
  list.wait_memory(flag->va(), 1);  // never set
  EXPECT_EQ(run(*ctx, list), Status::device_lost);
  LostReason r;
  ASSERT_EQ(ctx->query(r), Status::ok);
  EXPECT_TRUE(r.guilty);
  EXPECT_EQ(r.fault, uint32_t(MICA_FAULT_WATCHDOG));
  EXPECT_EQ(r.fault_name, "WATCHDOG");
  EXPECT_TRUE(r.pc_in_command_stream) << r.describe();
  EXPECT_NE(r.fault_flags, 0u);
}

TEST(DeviceContext, JobPastTheKernelTimeoutIsKilled) {
  ScreenOptions opt;
  opt.sim_watchdog_cycles = 0xffffffffull;  // the device would wait far longer than the kernel
  opt.sim_job_timeout_ns = 50'000'000;
  auto screen = open_sim(opt);
  EXPECT_EQ(screen->limits().job_timeout_ns, 50'000'000u);
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  std::unique_ptr<Buffer> flag;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::driver_shared, flag), Status::ok);
  std::memset(flag->cpu(), 0, 8);
  CommandList list;
  list.wait_memory(flag->va(), 1);  // never set
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(run(*ctx, list), Status::device_lost);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(40));
  LostReason r;
  ASSERT_EQ(ctx->query(r), Status::ok);
  EXPECT_TRUE(r.guilty);
  EXPECT_EQ(r.fault, uint32_t(MICA_FAULT_KILLED)) << r.describe();
  EXPECT_NE(r.describe().find("KILLED"), std::string::npos) << r.describe();
}

TEST(DeviceProgram, CompileErrorIsReportedWithTheCompilersMessage) {
  auto screen = open_sim();
  ProgramSource src;
  src.spirv = {0x07230203, 0x00010000, 0, 1, 0};  // a header with no module after it
  std::shared_ptr<Program> program;
  std::string log;
  EXPECT_EQ(screen->create_program(src, {}, program, &log), Status::compile_failed);
  EXPECT_FALSE(log.empty());
  EXPECT_EQ(program, nullptr);
  // A wrong entry point name is refused as well, not silently replaced.
  src.spirv = spirv_of(kStoreProgram);
  src.options.entry_point = "no_such_entry";
  EXPECT_NE(screen->create_program(src, {}, program, &log), Status::ok);
}

TEST(DeviceProgram, SecondUploadHitsTheBinaryCache) {
  auto screen = open_sim();
  auto first = make_program(*screen, kStoreProgram);
  ASSERT_TRUE(first);
  const auto before = screen->cache_stats();
  EXPECT_EQ(before.compiles, 1u);
  auto second = make_program(*screen, kStoreProgram);
  ASSERT_TRUE(second);
  const auto after = screen->cache_stats();
  EXPECT_EQ(after.compiles, 1u);
  EXPECT_EQ(after.memory_hits, before.memory_hits + 1);
  ProgramVariant v1, v2;
  ASSERT_EQ(first->variant(screen->power_profile(), v1), Status::ok);
  ASSERT_EQ(second->variant(screen->power_profile(), v2), Status::ok);
  EXPECT_FALSE(v1.from_cache);
  EXPECT_TRUE(v2.from_cache);
  EXPECT_EQ(*v1.binary, *v2.binary);
  // Another option is another binary.
  ProgramSource robust;
  robust.spirv = spirv_of(kStoreProgram);
  robust.options.robust_buffer_access = true;
  EXPECT_NE(program_key(robust, 2, 0), program_key({spirv_of(kStoreProgram), {}}, 2, 0));
  EXPECT_NE(program_key(robust, 2, 0), program_key(robust, 2, 1));
  EXPECT_NE(program_key(robust, 1, 0), program_key(robust, 2, 0));

  // An application cache receives the binary and answers for it on a fresh screen.
  mica::driver::BinaryCache app;
  auto third = make_program(*screen, kStoreProgram, {&app, false, false});
  EXPECT_EQ(app.size(), 1u);
  auto other = open_sim();
  auto fourth = make_program(*other, kStoreProgram, {&app, true, false});
  EXPECT_TRUE(fourth);
  EXPECT_EQ(other->cache_stats().compiles, 0u);
  EXPECT_EQ(other->cache_stats().app_cache_hits, 1u);
  // cache_only without a cached binary is a miss, not a compile.
  make_program(*other, kDescriptorProgram, {&app, true, false}, Status::cache_miss);
  EXPECT_EQ(other->cache_stats().compiles, 0u);
}

TEST(DeviceProgram, BoundedCacheEvictsTheOldestEntries) {
  mica::driver::BinaryCache cache;
  auto key = [](uint8_t i) {
    mica::driver::Digest d{};
    d[0] = i;
    return d;
  };
  for (uint8_t i = 0; i < 10; ++i) cache.insert(key(i), std::vector<uint8_t>(100, i));
  EXPECT_EQ(cache.bytes(), 1000u);
  cache.set_capacity(350);  // keeps the 3 newest
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.find(key(6)));
  EXPECT_TRUE(cache.find(key(7)));
  cache.insert(key(10), std::vector<uint8_t>(200, 10));
  EXPECT_LE(cache.bytes(), 350u);
  EXPECT_FALSE(cache.find(key(7)));
  EXPECT_FALSE(cache.find(key(8)));
  EXPECT_TRUE(cache.find(key(9)));
  EXPECT_EQ((*cache.find(key(10)))[199], 10);
  // Replacing an entry counts its new size only; an entry larger than the bound alone stays.
  cache.insert(key(10), std::vector<uint8_t>(1000, 11));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 1000u);
  // A serialised unbounded cache loads into a bounded one within the bound.
  mica::driver::BinaryCache big;
  for (uint8_t i = 0; i < 10; ++i) big.insert(key(i), std::vector<uint8_t>(100, i));
  mica::driver::BinaryCache small;
  small.set_capacity(250);
  ASSERT_TRUE(small.deserialize(big.serialize()));
  EXPECT_EQ(small.size(), 2u);
  EXPECT_LE(small.bytes(), 250u);
}

TEST(DeviceProgram, DiskCacheSurvivesTheScreenAndIgnoresCorruptFiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("mica-device-test-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  ScreenOptions opt;
  opt.disk_cache_dir = dir.string();
  {
    auto screen = open_sim(opt);
    make_program(*screen, kStoreProgram, {nullptr, false, true});
    EXPECT_EQ(screen->cache_stats().compiles, 1u);
  }
  size_t files = 0;
  std::filesystem::path file;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".mbin") ++files, file = e.path();
  ASSERT_EQ(files, 1u);
  {
    auto screen = open_sim(opt);
    auto p = make_program(*screen, kStoreProgram, {nullptr, false, true});
    EXPECT_EQ(screen->cache_stats().compiles, 0u);
    EXPECT_EQ(screen->cache_stats().disk_hits, 1u);
    // And the binary from disk runs.
    std::unique_ptr<Context> ctx;
    ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
    std::unique_ptr<Buffer> out;
    ASSERT_EQ(screen->create_buffer(4096, BufferUsage::host_visible, out), Status::ok);
    CommandList list;
    list.dispatch(store_dispatch(p, out->va(), 10, 1, 100));
    ASSERT_EQ(run(*ctx, list), Status::ok);
    EXPECT_EQ(reinterpret_cast<const uint32_t*>(out->cpu())[9], 109u);
  }
  // A truncated file is a miss and is replaced by a fresh compile.
  std::filesystem::resize_file(file, 40);
  {
    auto screen = open_sim(opt);
    make_program(*screen, kStoreProgram, {nullptr, false, true});
    EXPECT_EQ(screen->cache_stats().compiles, 1u);
    EXPECT_EQ(screen->cache_stats().disk_hits, 0u);
  }
  EXPECT_GT(std::filesystem::file_size(file), 40u);
  std::filesystem::remove_all(dir);
}

TEST(DeviceDiskCache, SizeParsesLikeMesasMaxSize) {
  using mica::device::disk_cache::parse_size;
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("3K"), 3u << 10);
  EXPECT_EQ(parse_size("64M"), 64u << 20);
  EXPECT_EQ(parse_size("2g"), 2ull << 30);
  EXPECT_EQ(parse_size("0"), 0u);
  for (const char* bad : {"", "-1", "12T", "1MB", "M", "99999999999999999999", "17179869184G", " 5"})
    EXPECT_FALSE(parse_size(bad)) << bad;
}

// The directory never holds more than its bound after a write; the least recently used entries
// go first, and a read counts as a use.
TEST(DeviceDiskCache, EvictsLeastRecentlyUsedBeyondTheBound) {
  namespace dc = mica::device::disk_cache;
  const auto dir = std::filesystem::temp_directory_path() / ("mica-disk-cache-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  auto key = [](uint8_t i) {
    mica::driver::Digest d{};
    d[0] = i;
    return d;
  };
  auto total = [&] {
    uint64_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.file_size();
    return n;
  };
  const std::vector<uint8_t> kilo(1000, 7);
  size_t evicted = 0;
  for (uint8_t i = 0; i < 3; ++i) evicted += dc::write(dir.string(), key(i), kilo, 3500);
  EXPECT_EQ(evicted, 0u);
  ASSERT_TRUE(dc::read(dir.string(), key(0)));  // 0 is now the most recently used
  evicted = dc::write(dir.string(), key(3), kilo, 3500);
  EXPECT_EQ(evicted, 1u);
  EXPECT_LE(total(), 3500u);
  EXPECT_FALSE(dc::read(dir.string(), key(1))) << "the least recently used entry stays";
  for (uint8_t i : {0, 2, 3}) EXPECT_TRUE(dc::read(dir.string(), key(i))) << int(i);
  // An entry larger than the bound is kept alone rather than evicting itself.
  evicted = dc::write(dir.string(), key(4), std::vector<uint8_t>(5000, 1), 3500);
  EXPECT_EQ(evicted, 3u);
  EXPECT_TRUE(dc::read(dir.string(), key(4)));
  // Files that are not entries are left alone and not counted.
  { std::ofstream(dir / "unrelated.txt") << std::string(10000, 'x'); }
  evicted = dc::write(dir.string(), key(5), kilo, 6000);
  EXPECT_EQ(evicted, 0u);
  EXPECT_TRUE(std::filesystem::exists(dir / "unrelated.txt"));
  // The writers' index holds the entries' total, so a write needs no directory scan.
  uint64_t entries = 0, indexed = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".mbin") entries += e.file_size();
  std::ifstream(dir / "index", std::ios::binary).read(reinterpret_cast<char*>(&indexed), sizeof indexed);
  EXPECT_EQ(indexed, entries);
  // Rewriting an entry replaces its size in the total instead of adding to it.
  dc::write(dir.string(), key(5), std::vector<uint8_t>(10, 2), 6000);
  std::ifstream(dir / "index", std::ios::binary).read(reinterpret_cast<char*>(&indexed), sizeof indexed);
  EXPECT_EQ(indexed, entries - kilo.size() + 10);
  std::filesystem::remove_all(dir);
}

// Through the screen: MICA_CACHE_MAX_SIZE bounds what programs leave on disk.
TEST(DeviceDiskCache, ScreenHonoursMicaCacheMaxSize) {
  const auto dir = std::filesystem::temp_directory_path() / ("mica-device-bound-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  ScreenOptions opt;
  opt.disk_cache_dir = dir.string();
  setenv("MICA_CACHE_MAX_SIZE", "1", 1);  // one byte: only the newest entry can stay
  {
    auto screen = open_sim(opt);
    unsetenv("MICA_CACHE_MAX_SIZE");
    ASSERT_TRUE(screen);
    make_program(*screen, kStoreProgram, {nullptr, false, true});
    make_program(*screen, kDescriptorProgram, {nullptr, false, true});
    EXPECT_EQ(screen->cache_stats().compiles, 2u);
  }
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.path().extension() == ".mbin";
  EXPECT_EQ(files, 1u);
  std::filesystem::remove_all(dir);
}

TEST(DeviceProgram, PowerProfileChangeRecompilesBeforeTheNextSubmission) {
  const auto path = std::filesystem::temp_directory_path() / ("mica-device-profile-" + std::to_string(getpid()));
  { std::ofstream(path) << "perf\n"; }
  setenv("MICA_SIM_POWER_PROFILE_FILE", path.c_str(), 1);
  auto screen = open_sim();
  unsetenv("MICA_SIM_POWER_PROFILE_FILE");
  ASSERT_TRUE(screen);
  EXPECT_EQ(screen->refresh_power_state().profile, uint32_t(MICA_PROFILE_PERF));
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  auto program = make_program(*screen, kStoreProgram);
  ASSERT_TRUE(program);
  std::unique_ptr<Buffer> out;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::host_visible, out), Status::ok);
  CommandList list;
  list.dispatch(store_dispatch(program, out->va(), 100, 5, 0));
  ASSERT_EQ(run(*ctx, list), Status::ok);
  EXPECT_EQ(screen->cache_stats().compiles, 1u);

  { std::ofstream(path) << "lowpower\n"; }
  std::memset(out->cpu(), 0, 4096);
  // The same list: the kernel refuses the perf binary; the context recompiles and resubmits.
  ASSERT_EQ(run(*ctx, list), Status::ok);
  EXPECT_EQ(screen->power_profile(), uint32_t(MICA_PROFILE_LOWPOWER));
  EXPECT_EQ(screen->cache_stats().compiles, 2u);
  ProgramVariant v;
  ASSERT_EQ(program->variant(MICA_PROFILE_LOWPOWER, v), Status::ok);
  EXPECT_EQ(v.power_profile, uint32_t(MICA_PROFILE_LOWPOWER));
  EXPECT_EQ(reinterpret_cast<const uint32_t*>(out->cpu())[99], 495u);

  // Back to perf: the perf variant is still loaded; nothing is compiled.
  { std::ofstream(path) << "perf\n"; }
  ASSERT_EQ(run(*ctx, list), Status::ok);
  EXPECT_EQ(screen->cache_stats().compiles, 2u);
  std::filesystem::remove(path);
}

TEST(DeviceContext, ContextsOfOneScreenWorkFromSeveralThreads) {
  auto screen = open_sim();
  constexpr int kThreads = 3, kRounds = 12;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::unique_ptr<Context> ctx;
      std::unique_ptr<Buffer> out;
      if (screen->create_context(false, ctx) != Status::ok ||
          screen->create_buffer(4096, BufferUsage::host_visible, out) != Status::ok) {
        ++failures;
        return;
      }
      for (int r = 0; r < kRounds; ++r) {
        // Every thread creates the same program (one compile, cache hits or a racing compile of
        // the same key) and runs it with its own constants.
        ProgramSource src;
        src.spirv = spirv_of(kStoreProgram);
        std::shared_ptr<Program> program;
        if (screen->create_program(src, {}, program) != Status::ok) {
          ++failures;
          return;
        }
        CommandList list;
        list.dispatch(store_dispatch(program, out->va(), 256, uint32_t(t + 2), uint32_t(r)));
        if (run(*ctx, list) != Status::ok) {
          ++failures;
          return;
        }
        const auto* v = reinterpret_cast<const uint32_t*>(out->cpu());
        for (uint32_t i = 0; i < 256; ++i)
          if (v[i] != i * uint32_t(t + 2) + uint32_t(r)) {
            ++failures;
            return;
          }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto stats = screen->cache_stats();
  EXPECT_LE(stats.compiles, uint64_t(kThreads));  // at most one racing compile per thread
  EXPECT_GE(stats.memory_hits, uint64_t(kThreads * kRounds - kThreads));
}

TEST(DeviceContext, BadCommandsAreRefusedNotSubmitted) {
  auto screen = open_sim();
  std::unique_ptr<Context> ctx, copy;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  ASSERT_EQ(screen->create_context(true, copy), Status::ok);
  EXPECT_TRUE(copy->copy_only());
  auto program = make_program(*screen, kStoreProgram);
  ASSERT_TRUE(program);

  CommandList no_program;
  no_program.dispatch(Dispatch{});
  EXPECT_EQ(run(*ctx, no_program), Status::invalid_argument);

  CommandList on_copy;
  on_copy.dispatch(store_dispatch(program, 0, 0, 0, 0));
  EXPECT_EQ(run(*copy, on_copy), Status::invalid_argument);

  Dispatch forward = store_dispatch(program, 0, 0, 0, 0);
  forward.inline_data[0].patches.push_back({0, 0});  // refers to itself, not an earlier block
  CommandList bad_patch;
  bad_patch.dispatch(forward);
  EXPECT_EQ(run(*ctx, bad_patch), Status::invalid_argument);

  Dispatch outside = store_dispatch(program, 0, 0, 0, 0);
  outside.inline_data.push_back({std::vector<uint8_t>(4, 0), UINT32_MAX, {{0, 0}}});  // 8 bytes into 4
  CommandList bad_offset;
  bad_offset.dispatch(outside);
  EXPECT_EQ(run(*ctx, bad_offset), Status::invalid_argument);

  Dispatch too_much = store_dispatch(program, 0, 0, 0, 0);
  too_much.user_data.assign(MICA_USER_DATA_SGPRS + 1, 0);
  CommandList bad_user;
  bad_user.dispatch(too_much);
  EXPECT_EQ(run(*ctx, bad_user), Status::invalid_argument);

  // A workgroup size past the packet field's range: the kernel's validator refuses the job and
  // the context says why.
  Dispatch huge = store_dispatch(program, 0, 0, 0, 0);
  huge.workgroup_size = {1024, 1024, 64};
  CommandList bad_size;
  bad_size.dispatch(huge);
  std::string log;
  SubmitInfo huge_info;
  huge_info.lists.push_back(&bad_size);
  EXPECT_EQ(ctx->submit(huge_info, nullptr, &log), Status::invalid_argument) << log;
  EXPECT_NE(log.find("CS_BAD_FIELD"), std::string::npos) << log;  // the workgroup size field

  SubmitInfo null_sync;
  null_sync.signals.push_back({nullptr, 1});
  EXPECT_EQ(ctx->submit(null_sync), Status::invalid_argument);

  // Nothing of that reached the kernel, and the context still works (copies on the copy context too).
  EXPECT_EQ(ctx->check(), Status::ok);
  std::unique_ptr<Buffer> buf;
  ASSERT_EQ(screen->create_buffer(4096, BufferUsage::host_visible, buf), Status::ok);
  CommandList fill;
  fill.fill(buf->va(), 64, 0x01020304);
  EXPECT_EQ(run(*copy, fill), Status::ok);
  EXPECT_EQ(reinterpret_cast<const uint32_t*>(buf->cpu())[15], 0x01020304u);
}

}  // namespace
