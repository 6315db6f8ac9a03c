// Random command lists (copies of any byte alignment and length, fills, writes of any length,
// executed sub-lists, barriers) run on the simulated device through the device layer and, in
// parallel, on a byte-array model of the same memory; the memory must be equal after every list.
// Lists are large enough now and then to be split into several kernel jobs. A copy whose source and
// destination overlap (the hardware refuses those) must be refused with the kernel's reason and
// change nothing.
//
// MICA_DEVICE_RANDOM_SEED / MICA_DEVICE_RANDOM_LISTS change the seed (default 1) and the number of
// lists (default 80).
#include "mica/device/context.h"
#include "mica/device/screen.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>

namespace {

using namespace mica::device;

constexpr uint64_t kBufferBytes = 256 * 1024;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : fallback;
}

class Harness {
public:
  explicit Harness(uint64_t seed) : rng_(seed) {
    std::string error;
    ScreenOptions opt;
    opt.backend = ScreenOptions::Backend::sim;
    EXPECT_EQ(Screen::create(opt, screen_, error), Status::ok) << error;
    if (!screen_) return;
    EXPECT_EQ(screen_->create_context(false, ctx_), Status::ok);
    for (auto& b : buffers_) EXPECT_EQ(screen_->create_buffer(kBufferBytes, BufferUsage::host_visible, b), Status::ok);
    for (int i = 0; i < 2; ++i) {
      model_[i].resize(kBufferBytes);
      for (auto& byte : model_[i]) byte = uint8_t(rng_());
      std::memcpy(buffers_[i]->cpu(), model_[i].data(), kBufferBytes);
    }
  }
  bool ok() const { return ctx_ && buffers_[0] && buffers_[1]; }
  int split_lists() const { return split_lists_; }

  // A random list (recorded on the device side and applied to the model), run and compared.
  void one_list(int index) {
    CommandList list, nested;
    const bool big = index % 16 == 15;  // now and then a list longer than one kernel job
    const int ops = big ? 30 + int(rng_() % 20) : 1 + int(rng_() % 12);
    for (int i = 0; i < ops; ++i) {
      const bool to_nested = rng_() % 5 == 0;
      CommandList& into = to_nested ? nested : list;
      random_op(into, big, to_nested ? pending_nested_ : pending_);
      into.barrier();
    }
    if (!nested.empty()) list.execute(nested);  // the nested ops run last, after the list's own
    // The model applies in execution order: the list's own ops, then the nested ones.
    for (auto& op : pending_) apply(op);
    for (auto& op : pending_nested_) apply(op);
    pending_.clear();
    pending_nested_.clear();
    run_and_compare(list, Status::ok, index);
  }

  void overlapping_copy(int index) {
    const uint64_t n = 64 + rng_() % 4096;
    const uint64_t src = rng_() % (kBufferBytes - 2 * n);
    const uint64_t dst = src + 1 + rng_() % (n - 1);  // overlaps [src, src + n)
    CommandList list;
    list.copy(buffers_[0]->va() + src, buffers_[0]->va() + dst, n);
    run_and_compare(list, Status::invalid_argument, index);
  }

private:
  struct Op {
    enum Kind { copy, fill, write } kind;
    int src_buf, dst_buf;
    uint64_t src, dst, bytes;
    uint32_t value;
    std::vector<uint32_t> dwords;
  };

  void random_op(CommandList& into, bool big, std::vector<Op>& model_ops) {
    Op op{};
    op.kind = Op::Kind(rng_() % 3);
    op.dst_buf = int(rng_() % 2);
    switch (op.kind) {
    case Op::copy: {
      op.src_buf = int(rng_() % 2);
      op.bytes = 1 + rng_() % 20000;
      for (;;) {
        op.src = rng_() % (kBufferBytes - op.bytes);
        op.dst = rng_() % (kBufferBytes - op.bytes);
        if (op.src_buf != op.dst_buf || op.src + op.bytes <= op.dst || op.dst + op.bytes <= op.src) break;
      }
      into.copy(buffers_[op.src_buf]->va() + op.src, buffers_[op.dst_buf]->va() + op.dst, op.bytes);
      break;
    }
    case Op::fill:
      op.bytes = 4 * (1 + rng_() % 8000);
      op.dst = 4 * (rng_() % ((kBufferBytes - op.bytes) / 4));
      op.value = uint32_t(rng_());
      into.fill(buffers_[op.dst_buf]->va() + op.dst, op.bytes, op.value);
      break;
    case Op::write: {
      // Big lists carry writes of thousands of dwords (many WRITE_DATA packets).
      const uint64_t n = big ? 2000 + rng_() % 12000 : 1 + rng_() % 600;
      op.dwords.resize(n);
      for (auto& d : op.dwords) d = uint32_t(rng_());
      op.bytes = n * 4;
      op.dst = 4 * (rng_() % ((kBufferBytes - op.bytes) / 4));
      into.write_data(buffers_[op.dst_buf]->va() + op.dst, op.dwords);
      break;
    }
    }
    model_ops.push_back(std::move(op));
  }

  void apply(const Op& op) {
    auto& dst = model_[op.dst_buf];
    switch (op.kind) {
    case Op::copy:
      std::memmove(dst.data() + op.dst, model_[op.src_buf].data() + op.src, op.bytes);
      break;
    case Op::fill:
      for (uint64_t i = 0; i < op.bytes; i += 4) std::memcpy(dst.data() + op.dst + i, &op.value, 4);
      break;
    case Op::write:
      std::memcpy(dst.data() + op.dst, op.dwords.data(), op.bytes);
      break;
    }
  }

  void run_and_compare(const CommandList& list, Status expect, int index) {
    SubmitInfo info;
    info.lists.push_back(&list);
    uint64_t seqno = 0;
    std::string log;
    const Status s = ctx_->submit(info, &seqno, &log);
    ASSERT_EQ(s, expect) << "list " << index << ": " << log;
    if (s == Status::ok) {
      // A context's jobs have consecutive seqnos: a jump means the list became several jobs.
      if (seqno > last_seqno_ + 1) ++split_lists_;
      last_seqno_ = seqno;
      ASSERT_EQ(ctx_->wait(seqno, 60'000'000'000), Status::ok) << "list " << index;
    } else {
      EXPECT_NE(log.find("CS_DMA_OVERLAP"), std::string::npos) << log;
    }
    for (int b = 0; b < 2; ++b) {
      const uint8_t* got = buffers_[b]->cpu();
      if (std::memcmp(got, model_[b].data(), kBufferBytes) == 0) continue;
      uint64_t first = 0;
      while (got[first] == model_[b][first]) ++first;
      FAIL() << "list " << index << ": buffer " << b << " differs first at byte " << first;
    }
  }

  std::mt19937_64 rng_;
  std::shared_ptr<Screen> screen_;
  std::unique_ptr<Context> ctx_;
  std::unique_ptr<Buffer> buffers_[2];
  std::vector<uint8_t> model_[2];
  std::vector<Op> pending_, pending_nested_;  // the model's ops of the list being built
  uint64_t last_seqno_ = 0;
  int split_lists_ = 0;
};

TEST(DeviceRandom, CommandListsMatchAByteModel) {
  const uint64_t seed = env_or("MICA_DEVICE_RANDOM_SEED", 1);
  const uint64_t lists = env_or("MICA_DEVICE_RANDOM_LISTS", 80);
  Harness h(seed);
  ASSERT_TRUE(h.ok());
  for (uint64_t i = 0; i < lists; ++i) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    h.one_list(int(i));
    if (::testing::Test::HasFatalFailure() || ::testing::Test::HasFailure()) return;
    if (i % 10 == 9) {
      h.overlapping_copy(int(i));
      if (::testing::Test::HasFailure()) return;
    }
  }
  // The big lists did exercise job splitting.
  if (lists >= 16) {
    EXPECT_GT(h.split_lists(), 0);
  }
}

}  // namespace
