// CommandLists -> packets (see encoder.h).
#include "encoder.h"
#include "mica/device/dispatch_pieces.h"
#include "mica/device/program.h"
#include "screen_state.h"

extern "C" {
#include "mica_hw.h"
}

#include <algorithm>
#include <cstring>

namespace mica::device {
namespace {

constexpr uint32_t kBarrierFlushInvalidate = 0x3;  // BARRIER flags: bit 0 flush, bit 1 invalidate
constexpr uint32_t kWaitMemEqual = 1;               // WAIT_MEM func: 0 >=, 1 ==, 2 !=
constexpr uint64_t kMaxDmaBytes = 1ull << 30;       // DMA byte counts are 32-bit; split large ranges
constexpr size_t kMaxWriteDwords = MICA_PKT_WRITE_DATA_LEN_MAX - 2;
constexpr uint64_t kUploadAlign = 64;
// The launch ABI gives the push-constant and dispatch blocks 8-byte aligned addresses
// (mica.toml [launch_abi]); the compiler's merge_constant_loads relies on it (an aligned pair of
// dwords lies in one page). Upload areas are buffers, page aligned.
static_assert(kUploadAlign % 8 == 0);
constexpr uint32_t kNoIndex = UINT32_MAX;
// Lists executing lists: deeper nesting than this is a cycle or a caller bug.
constexpr int kMaxExecuteDepth = 8;

class Encoder {
public:
  Encoder(uint32_t profile, uint64_t upload_va, uint64_t scratch_va, bool copy_only, EncodedStream& out)
      : profile_(profile), upload_va_(upload_va), scratch_va_(scratch_va), copy_only_(copy_only), out_(out) {}

  Status encode(const CommandList& list, int depth = 0) {
    if (depth > kMaxExecuteDepth) return Status::invalid_argument;
    for (const auto& cmd : list.commands()) {
      Status s = std::visit([&](const auto& c) { return emit(c, depth); }, cmd);
      if (s != Status::ok) return s;
      cut_here();
      if (job_invocations_ >= kMaxJobInvocations) end_job();
    }
    return Status::ok;
  }

private:
  // Records that the packets so far form whole groups (a job may end here).
  void cut_here() {
    const auto at = uint32_t(out_.packets.dwords().size());
    if (out_.boundaries.empty() || out_.boundaries.back() != at) out_.boundaries.push_back(at);
  }

  // Ends the current job at the packets so far (a boundary: every command ends at one).
  void end_job() {
    cut_here();
    if (out_.job_ends.empty() || out_.job_ends.back() != out_.boundaries.back())
      out_.job_ends.push_back(out_.boundaries.back());
    job_invocations_ = 0;
  }

  // Places bytes in the upload area and returns the offset in it.
  size_t upload(const void* data, size_t bytes) {
    size_t off = (out_.upload.size() + kUploadAlign - 1) / kUploadAlign * kUploadAlign;
    out_.upload.resize(off + bytes);
    std::memcpy(out_.upload.data() + off, data, bytes);
    return off;
  }

  Status emit(const Dispatch& d, int) {
    if (copy_only_ || !d.program) return Status::invalid_argument;
    ProgramVariant v;
    Status s = d.program->variant(profile_, v, &out_.log);
    if (s != Status::ok) return s;
    if (out_.code.empty() || out_.code.back() != v.code) out_.code.push_back(v.code);

    std::vector<uint32_t> user = d.user_data;
    auto set_address = [&](uint32_t index, uint64_t va) {
      if (user.size() < index + 2) user.resize(index + 2, 0);
      user[index] = uint32_t(va);
      user[index + 1] = uint32_t(va >> 32);
    };
    // Inline blocks in order; a block's patches refer to earlier blocks, whose addresses are known.
    std::vector<uint64_t> addresses(d.inline_data.size(), 0);
    for (size_t i = 0; i < d.inline_data.size(); ++i) {
      const InlineData& block = d.inline_data[i];
      if (block.bytes.empty()) {
        if (!block.patches.empty()) return Status::invalid_argument;
      } else {
        const size_t off = upload(block.bytes.data(), block.bytes.size());
        for (const auto& p : block.patches) {
          if (p.block >= i || uint64_t(p.offset) + 8 > block.bytes.size()) return Status::invalid_argument;
          std::memcpy(out_.upload.data() + off + p.offset, &addresses[p.block], 8);
        }
        addresses[i] = upload_va_ + off;
      }
      if (block.user_data != kNoIndex) {
        if (block.user_data + 2 > MICA_USER_DATA_SGPRS) return Status::invalid_argument;
        set_address(block.user_data, addresses[i]);  // an empty block is address 0
      }
    }
    // Programs that spill get the context's scratch buffer, sized for the largest scratch_bytes of
    // the stream (measured on the first encoding pass).
    if (v.scratch_bytes) set_address(MICA_ABI_S_SCRATCH_BASE, scratch_va_);
    out_.scratch_bytes = std::max(out_.scratch_bytes, v.scratch_bytes);
    if (user.size() > MICA_USER_DATA_SGPRS) return Status::invalid_argument;

    uint32_t wg[3];
    const bool given = d.workgroup_size[0] || d.workgroup_size[1] || d.workgroup_size[2];
    for (int i = 0; i < 3; ++i) wg[i] = given ? std::max<uint32_t>(1, d.workgroup_size[i]) : v.workgroup_size[i];
    const bool indirect = d.indirect_va != 0;
    const uint64_t lanes = uint64_t(d.groups[0]) * d.groups[1] * d.groups[2] * job_lanes(uint64_t(wg[0]) * wg[1] * wg[2]);
    // A job ends before a direct dispatch that would take it past the bound, so a job whose
    // dispatches each hold at most kMaxJobInvocations (what the frontends' dispatch_pieces give)
    // holds at most that many too; a larger single dispatch is a job of its own.
    if (!indirect && job_invocations_ > 0 && job_invocations_ + lanes > kMaxJobInvocations) end_job();
    if (indirect && d.indirect_user_data != kNoIndex && d.indirect_user_data + 3 > MICA_USER_DATA_SGPRS)
      return Status::invalid_argument;

    auto& b = out_.packets;
    b.set_program(v.entry_va, v.vgprs, v.sgprs);
    b.set_workgroup_size(wg[0], wg[1], wg[2]);
    b.set_shared_size(std::max(d.shared_bytes, v.shared_bytes));
    if (!user.empty()) b.set_user_data(MICA_ABI_S_USER_DATA_FIRST, user);
    if (indirect) {
      // LOAD_USER_DATA copies the counts when the CP reaches it, after every earlier packet (so a
      // count written by earlier GPU work is seen), from the same dwords DISPATCH_INDIRECT reads.
      if (d.indirect_user_data != kNoIndex) b.load_user_data(d.indirect_user_data, 3, d.indirect_va);
      b.dispatch_indirect(d.indirect_va);
    } else {
      b.dispatch(d.groups[0], d.groups[1], d.groups[2]);
      // Indirect counts are unknown here; an API driver bounds only what it can see as well.
      job_invocations_ += lanes;
    }
    return Status::ok;
  }

  Status emit(const Copy& c, int) {
    for (uint64_t done = 0; done < c.bytes; done += kMaxDmaBytes) {
      out_.packets.dma_copy(c.src + done, c.dst + done, uint32_t(std::min(kMaxDmaBytes, c.bytes - done)));
      cut_here();
    }
    return Status::ok;
  }

  // One packet moves at most MICA_DMA_TILED_MAX_BYTES: a larger box goes slice by slice, and a
  // larger slice in bands of rows (the box's y offsets select them on both sides).
  Status emit(const TiledCopy& t, int) {
    mica_dma_tiled box = t.box;
    if (box.width == 0 || box.height == 0 || box.depth == 0) return Status::ok;
    const uint64_t row_bytes = uint64_t{box.width} * box.element_bytes;
    if (row_bytes == 0 || row_bytes > MICA_DMA_TILED_MAX_BYTES) return Status::invalid_argument;
    if (row_bytes * box.height * box.depth <= MICA_DMA_TILED_MAX_BYTES) {
      out_.packets.dma_copy_tiled(box);
      cut_here();
      return Status::ok;
    }
    const uint32_t band = uint32_t(std::min<uint64_t>(box.height, MICA_DMA_TILED_MAX_BYTES / row_bytes));
    for (uint32_t z = 0; z < t.box.depth; ++z) {
      for (uint32_t y = 0; y < t.box.height; y += band) {
        box = t.box;
        box.src.addr += uint64_t{z} * t.box.src.slice_pitch;
        box.dst.addr += uint64_t{z} * t.box.dst.slice_pitch;
        box.depth = 1;
        box.src.y += y;
        box.dst.y += y;
        box.height = std::min(band, t.box.height - y);
        out_.packets.dma_copy_tiled(box);
        cut_here();
      }
    }
    return Status::ok;
  }

  Status emit(const Fill& f, int) {
    for (uint64_t done = 0; done < f.bytes; done += kMaxDmaBytes) {
      out_.packets.dma_fill(f.dst + done, f.value, uint32_t(std::min(kMaxDmaBytes, f.bytes - done)));
      cut_here();
    }
    return Status::ok;
  }

  Status emit(const WriteData& w, int) {
    for (size_t done = 0; done < w.dwords.size(); done += kMaxWriteDwords) {
      const size_t n = std::min(kMaxWriteDwords, w.dwords.size() - done);
      out_.packets.write_data(w.dst + done * 4, std::span(w.dwords).subspan(done, n));
      cut_here();
    }
    return Status::ok;
  }

  Status emit(const Barrier&, int) {
    out_.packets.barrier(kBarrierFlushInvalidate);
    return Status::ok;
  }

  Status emit(const WaitMemory& w, int) {
    out_.packets.wait_mem(w.addr, w.ref, kWaitMemEqual);
    return Status::ok;
  }

  Status emit(const Timestamp& t, int) {
    out_.packets.timestamp(t.dst);
    return Status::ok;
  }

  Status emit(const Execute& e, int depth) {
    if (!e.list) return Status::invalid_argument;
    return encode(*e.list, depth + 1);
  }

  uint32_t profile_;
  uint64_t upload_va_;
  uint64_t scratch_va_;
  bool copy_only_;
  EncodedStream& out_;
  uint64_t job_invocations_ = 0;  // job lanes (job_lanes()) of the direct dispatches since the last job end
};

}  // namespace

uint64_t scratch_buffer_bytes(uint32_t scratch_bytes_per_lane, uint32_t cu_count) {
  return uint64_t{scratch_bytes_per_lane} * MICA_WAVE_SIZE * cu_count * MICA_WAVE_SLOTS_PER_CU;
}

Status encode_stream(std::span<const CommandList* const> lists, uint32_t power_profile, uint64_t upload_va,
                     uint64_t scratch_va, bool copy_only, EncodedStream& out) {
  out.upload.clear();
  out.packets.clear();
  out.scratch_bytes = 0;
  out.boundaries.clear();
  out.job_ends.clear();
  out.code.clear();
  out.log.clear();
  Encoder enc(power_profile, upload_va, scratch_va, copy_only, out);
  try {
    for (const auto* list : lists) {
      if (!list) return Status::invalid_argument;
      Status s = enc.encode(*list);
      if (s != Status::ok) return s;
    }
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  } catch (const std::exception& e) {
    // The CommandBuilder refuses a packet the hardware description does not allow.
    out.log = e.what();
    return Status::invalid_argument;
  }
  // The kernel refuses empty submissions; a submission that only synchronises still needs a job.
  if (out.packets.size() == 0) out.packets.nop();
  if (out.boundaries.empty() || out.boundaries.back() != out.packets.dwords().size())
    out.boundaries.push_back(uint32_t(out.packets.dwords().size()));
  return Status::ok;
}

Status split_stream(const EncodedStream& enc, uint32_t max_dwords, std::vector<std::span<const uint32_t>>& pieces) {
  const auto all = enc.packets.dwords();
  pieces.clear();
  uint32_t start = 0, last_fit = 0;
  size_t next_end = 0;  // the first of enc.job_ends not yet reached
  for (uint32_t b : enc.boundaries) {
    if (b - start > max_dwords) {
      if (last_fit == start) return Status::out_of_device_memory;  // one group alone is too large
      pieces.push_back(all.subspan(start, last_fit - start));
      start = last_fit;
      if (b - start > max_dwords) return Status::out_of_device_memory;
    }
    last_fit = b;
    while (next_end < enc.job_ends.size() && enc.job_ends[next_end] < b) ++next_end;
    if (next_end < enc.job_ends.size() && enc.job_ends[next_end] == b && b > start) {
      pieces.push_back(all.subspan(start, b - start));
      start = b;
    }
  }
  if (last_fit > start || pieces.empty()) pieces.push_back(all.subspan(start, last_fit - start));
  return Status::ok;
}

}  // namespace mica::device
