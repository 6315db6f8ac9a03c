#include "command_stream.h"
#include "binding_model.h"
#include "command_buffer.h"
#include "pipeline.h"

extern "C" {
#include "mica_hw.h"
}

#include <algorithm>
#include <cstring>

namespace mica::vk {
namespace {

constexpr uint32_t kBarrierFlushInvalidate = 0x3;  // BARRIER flags: bit 0 flush, bit 1 invalidate
constexpr uint32_t kWaitMemEqual = 1;               // WAIT_MEM func: 0 >=, 1 ==, 2 !=
constexpr uint64_t kMaxDmaBytes = 1ull << 30;       // DMA byte counts are 32-bit; split large ranges
constexpr size_t kMaxWriteDwords = MICA_PKT_WRITE_DATA_LEN_MAX - 2;
constexpr uint64_t kUploadAlign = 64;

class Encoder {
public:
  Encoder(uint32_t profile, uint64_t upload_va, uint64_t scratch_va, EncodedStream& out)
      : profile_(profile), upload_va_(upload_va), scratch_va_(scratch_va), out_(out) {}

  VkResult encode(const std::vector<Command>& commands) {
    for (const auto& cmd : commands) {
      VkResult r = std::visit([&](const auto& c) { return emit(c); }, cmd);
      if (r != VK_SUCCESS) return r;
      cut_here();
    }
    return VK_SUCCESS;
  }

private:
  // Records that the packets so far form whole groups (a job may end here).
  void cut_here() {
    const auto at = uint32_t(out_.packets.dwords().size());
    if (out_.boundaries.empty() || out_.boundaries.back() != at) out_.boundaries.push_back(at);
  }

  // Places bytes in the upload area and returns their GPU address (0 for nothing).
  uint64_t upload(const void* data, size_t bytes) {
    if (bytes == 0) return 0;
    size_t off = (out_.upload.size() + kUploadAlign - 1) / kUploadAlign * kUploadAlign;
    out_.upload.resize(off + bytes);
    std::memcpy(out_.upload.data() + off, data, bytes);
    return upload_va_ + off;
  }

  VkResult emit(const OpDispatch& d) {
    Program prog;
    VkResult r = d.pipeline->program_for(profile_, prog);
    if (r != VK_SUCCESS) return r;
    std::vector<uint64_t> sets = d.sets;
    for (const auto& copy : d.set_copies) sets[copy.set] = upload(copy.memory.data(), copy.memory.size());
    const uint64_t table = upload(sets.data(), sets.size() * sizeof(uint64_t));
    const uint64_t push = upload(d.push_constants.data(), d.push_constants.size());
    // The binding model's user data, s0..s9 (binding_model.h). For indirect dispatches the group
    // counts are only in memory: LOAD_USER_DATA copies them into s4..s6 when the CP reaches it,
    // after every earlier packet (so a count written by earlier GPU work is seen), from the same
    // dwords DISPATCH_INDIRECT then reads.
    const bool indirect = d.indirect_va != 0;
    const uint32_t user[kUserDataCount + 2] = {uint32_t(table),
                                               uint32_t(table >> 32),
                                               uint32_t(push),
                                               uint32_t(push >> 32),
                                               indirect ? 0 : d.groups[0],
                                               indirect ? 0 : d.groups[1],
                                               indirect ? 0 : d.groups[2],
                                               d.base[0],
                                               d.base[1],
                                               d.base[2],
                                               uint32_t(scratch_va_),
                                               uint32_t(scratch_va_ >> 32)};
    // Programs that spill get the queue's scratch buffer in s[10:11], sized by the queue for the
    // largest scratch_bytes of the stream (measured on the first encoding pass).
    const size_t user_count = prog.scratch_bytes ? kUserDataCount + 2 : kUserDataCount;
    out_.scratch_bytes = std::max(out_.scratch_bytes, prog.scratch_bytes);
    auto& b = out_.packets;
    b.set_program(prog.entry_va, prog.vgprs, prog.sgprs);
    b.set_workgroup_size(prog.wg_size[0], prog.wg_size[1], prog.wg_size[2]);
    b.set_shared_size(prog.shared_bytes);
    b.set_user_data(kUserDataDescriptorSets, std::span(user, user_count));
    if (indirect) {
      b.load_user_data(kUserDataNumWorkgroups, 3, d.indirect_va);
      b.dispatch_indirect(d.indirect_va);
    } else {
      b.dispatch(d.groups[0], d.groups[1], d.groups[2]);
    }
    return VK_SUCCESS;
  }

  VkResult emit(const OpCopy& c) {
    for (uint64_t done = 0; done < c.bytes; done += kMaxDmaBytes)
    {
      out_.packets.dma_copy(c.src + done, c.dst + done, uint32_t(std::min(kMaxDmaBytes, c.bytes - done)));
      cut_here();
    }
    return VK_SUCCESS;
  }

  VkResult emit(const OpFill& f) {
    for (uint64_t done = 0; done < f.bytes; done += kMaxDmaBytes)
    {
      out_.packets.dma_fill(f.dst + done, f.value, uint32_t(std::min(kMaxDmaBytes, f.bytes - done)));
      cut_here();
    }
    return VK_SUCCESS;
  }

  VkResult emit(const OpWriteData& w) {
    for (size_t done = 0; done < w.dwords.size(); done += kMaxWriteDwords) {
      const size_t n = std::min(kMaxWriteDwords, w.dwords.size() - done);
      out_.packets.write_data(w.dst + done * 4, std::span(w.dwords).subspan(done, n));
      cut_here();
    }
    return VK_SUCCESS;
  }

  VkResult emit(const OpBarrier&) {
    out_.packets.barrier(kBarrierFlushInvalidate);
    return VK_SUCCESS;
  }

  VkResult emit(const OpWaitMem& w) {
    out_.packets.wait_mem(w.addr, w.ref, kWaitMemEqual);
    return VK_SUCCESS;
  }

  VkResult emit(const OpTimestamp& t) {
    out_.packets.timestamp(t.dst);
    return VK_SUCCESS;
  }

  VkResult emit(const OpExecute& e) { return encode(e.secondary->commands()); }

  uint32_t profile_;
  uint64_t upload_va_;
  uint64_t scratch_va_;
  EncodedStream& out_;
};

}  // namespace

VkResult encode_stream(const std::vector<const CommandBuffer*>& cbs, uint32_t power_profile, uint64_t upload_va,
                       uint64_t scratch_va, EncodedStream& out) {
  out.upload.clear();
  out.packets.clear();
  out.scratch_bytes = 0;
  out.boundaries.clear();
  Encoder enc(power_profile, upload_va, scratch_va, out);
  for (const auto* cb : cbs) {
    VkResult r = enc.encode(cb->commands());
    if (r != VK_SUCCESS) return r;
  }
  // The kernel refuses empty submissions; a submission with only semaphores or a fence still
  // needs a job.
  if (out.packets.size() == 0) out.packets.nop();
  if (out.boundaries.empty() || out.boundaries.back() != out.packets.dwords().size())
    out.boundaries.push_back(uint32_t(out.packets.dwords().size()));
  return VK_SUCCESS;
}

VkResult split_stream(const EncodedStream& enc, uint32_t max_dwords, std::vector<std::span<const uint32_t>>& pieces) {
  const auto all = enc.packets.dwords();
  pieces.clear();
  uint32_t start = 0, last_fit = 0;
  for (uint32_t b : enc.boundaries) {
    if (b - start > max_dwords) {
      if (last_fit == start) return VK_ERROR_OUT_OF_DEVICE_MEMORY;  // one group alone is too large
      pieces.push_back(all.subspan(start, last_fit - start));
      start = last_fit;
      if (b - start > max_dwords) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    }
    last_fit = b;
  }
  if (last_fit > start || pieces.empty()) pieces.push_back(all.subspan(start, last_fit - start));
  return VK_SUCCESS;
}

}  // namespace mica::vk
