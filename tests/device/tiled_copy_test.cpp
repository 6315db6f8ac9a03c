// Tiled copies (device::TiledCopy -> DMA_COPY_TILED) through the device layer: random boxes between
// LINEAR and OPTIMAL surfaces in two buffers on the simulated device (encoder, kernel validator,
// command processor) against a byte model written from docs/hw/texture.md's layout formula; and
// boxes of more than the 4 GiB one packet may move, split by the encoder into packets that each
// pass the device's rules and together cover the box exactly once.
#include "encoder.h"
#include "mica/device/context.h"
#include "mica/device/screen.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>

namespace {

using namespace mica::device;

constexpr uint64_t kBytes = 256 * 1024;

uint64_t model_offset(const mica_dma_surface& s, uint64_t eb, uint64_t x, uint64_t y, uint64_t z) {
  x += s.x;
  y += s.y;
  if (s.tiling == MICA_IMAGE_TILING_LINEAR) return z * s.slice_pitch + y * s.pitch + x * eb;
  const uint64_t tiles_x = s.pitch / (16 * eb);
  return z * s.slice_pitch + ((y / 4) * tiles_x + x / 4) * 16 * eb + ((y % 4) * 4 + x % 4) * eb;
}

// A surface holding w x h elements per slice at a random offset, with random padding.
mica_dma_surface random_surface(std::mt19937_64& rng, uint32_t eb, uint32_t w, uint32_t h) {
  mica_dma_surface s{};
  s.tiling = rng() % 2 ? MICA_IMAGE_TILING_OPTIMAL : MICA_IMAGE_TILING_LINEAR;
  s.x = uint32_t(rng() % 6);
  s.y = uint32_t(rng() % 6);
  const uint64_t cols = s.x + w, rows = s.y + h;
  if (s.tiling == MICA_IMAGE_TILING_OPTIMAL) {
    s.pitch = uint32_t(((cols + 3) / 4 + rng() % 2) * 16 * eb);
    s.slice_pitch = uint32_t((rows + 3) / 4 * s.pitch);
  } else {
    s.pitch = uint32_t(cols * eb + rng() % 5);
    s.slice_pitch = uint32_t(rows * s.pitch + rng() % 3);
  }
  return s;
}

TEST(DeviceTiledCopy, RandomBoxesMatchAByteModel) {
  std::string error;
  ScreenOptions opt;
  opt.backend = ScreenOptions::Backend::sim;
  std::shared_ptr<Screen> screen;
  ASSERT_EQ(Screen::create(opt, screen, error), Status::ok) << error;
  std::unique_ptr<Context> ctx;
  ASSERT_EQ(screen->create_context(false, ctx), Status::ok);
  std::unique_ptr<Buffer> src, dst;
  ASSERT_EQ(screen->create_buffer(kBytes, BufferUsage::host_visible, src), Status::ok);
  ASSERT_EQ(screen->create_buffer(kBytes, BufferUsage::host_visible, dst), Status::ok);
  std::mt19937_64 rng(11);
  for (uint64_t i = 0; i < kBytes; ++i) src->cpu()[i] = uint8_t(rng());
  std::vector<uint8_t> model(kBytes);
  for (auto& b : model) b = uint8_t(rng());
  std::memcpy(dst->cpu(), model.data(), kBytes);

  const uint32_t sizes[] = {1, 2, 3, 4, 6, 8, 12, 16};
  for (int iter = 0; iter < 40; ++iter) {
    CommandList list;
    mica_dma_tiled c{};
    c.element_bytes = sizes[rng() % 8];
    c.width = 1 + uint32_t(rng() % 40);
    c.height = 1 + uint32_t(rng() % 30);
    c.depth = 1 + uint32_t(rng() % 3);
    c.src = random_surface(rng, c.element_bytes, c.width, c.height);
    c.dst = random_surface(rng, c.element_bytes, c.width, c.height);
    const uint64_t src_span = uint64_t(c.src.slice_pitch) * c.depth, dst_span = uint64_t(c.dst.slice_pitch) * c.depth;
    ASSERT_LT(src_span, kBytes);
    ASSERT_LT(dst_span, kBytes);
    const uint64_t src_at = rng() % (kBytes - src_span), dst_at = rng() % (kBytes - dst_span);
    c.src.addr = src->va() + src_at;
    c.dst.addr = dst->va() + dst_at;
    ASSERT_EQ(mica_dma_tiled_check(&c), MICA_DMA_TILED_OK);
    list.record(TiledCopy{c});
    for (uint32_t z = 0; z < c.depth; ++z)
      for (uint32_t y = 0; y < c.height; ++y)
        for (uint32_t x = 0; x < c.width; ++x)
          std::memcpy(&model[dst_at + model_offset(c.dst, c.element_bytes, x, y, z)],
                      src->cpu() + src_at + model_offset(c.src, c.element_bytes, x, y, z), c.element_bytes);
    SubmitInfo info;
    info.lists.push_back(&list);
    uint64_t seqno = 0;
    std::string log;
    ASSERT_EQ(ctx->submit(info, &seqno, &log), Status::ok) << log;
    ASSERT_EQ(ctx->wait(seqno, 60'000'000'000), Status::ok);
    ASSERT_EQ(std::memcmp(dst->cpu(), model.data(), kBytes), 0)
        << "box " << iter << ": " << c.width << "x" << c.height << "x" << c.depth << " of " << c.element_bytes
        << " bytes, tilings " << c.src.tiling << " -> " << c.dst.tiling;
  }
}

// Encodes one box and returns its packets, each checked against the device's rules; counts how
// often each (slice, row) of the box is copied.
std::vector<mica_dma_tiled> encode_box(const mica_dma_tiled& c, std::map<std::pair<uint64_t, uint32_t>, int>& rows) {
  CommandList list;
  list.record(TiledCopy{c});
  const CommandList* lists[] = {&list};
  EncodedStream out;
  EXPECT_EQ(encode_stream(lists, 0, 0x10000, 0, true, out), Status::ok) << out.log;
  std::vector<mica_dma_tiled> packets;
  const auto dw = out.packets.dwords();
  for (size_t pos = 0; pos < dw.size();) {
    const uint32_t h = dw[pos];
    EXPECT_EQ(MICA_PKT_HDR_OPCODE(h), uint32_t{MICA_PKT_DMA_COPY_TILED});
    mica_dma_tiled p;
    mica_dma_tiled_unpack(&dw[pos + 1], &p);
    EXPECT_EQ(mica_dma_tiled_check(&p), MICA_DMA_TILED_OK) << "packet " << packets.size();
    EXPECT_EQ(p.width, c.width);
    EXPECT_EQ(p.dst.y - c.dst.y, p.src.y - c.src.y);
    // The packet's slice: its source base is the box's slice z.
    const uint64_t z = c.depth > 1 ? (p.src.addr - c.src.addr) / c.src.slice_pitch : 0;
    EXPECT_EQ(p.src.addr, c.src.addr + z * c.src.slice_pitch);
    EXPECT_EQ(p.dst.addr, c.dst.addr + z * c.dst.slice_pitch);
    for (uint32_t y = 0; y < p.height; ++y)
      for (uint32_t k = 0; k < p.depth; ++k) rows[{z + k, p.src.y - c.src.y + y}]++;
    packets.push_back(p);
    pos += 1 + MICA_PKT_HDR_LEN(h);
  }
  return packets;
}

// Boxes of more than the 4 GiB one packet may move: 2 slices of 65536 x 16000 RGBA8 texels
// (3.9 GiB each) go slice by slice; one slice of 65536 x 20000 (4.9 GiB) in two bands of rows.
// Every packet is one the device takes, and each (slice, row) is copied exactly once.
TEST(DeviceTiledCopy, LargeBoxesAreSplitIntoPacketsTheDeviceTakes) {
  mica_dma_tiled c{};
  c.element_bytes = 4;
  c.width = 65536;
  c.height = 16000;
  c.depth = 2;
  c.src = {0x100000000ull, 65536 * 4, 0, 0, 3, MICA_IMAGE_TILING_LINEAR};
  c.src.slice_pitch = (3 + 16000) * c.src.pitch;               // 4,194,828,288 bytes
  c.dst = {0x900000000ull, 16384 * 64, 0, 0, 1, MICA_IMAGE_TILING_OPTIMAL};
  c.dst.slice_pitch = (1 + 16000 + 3) / 4 * c.dst.pitch;       // 4001 rows of tiles
  ASSERT_EQ(mica_dma_tiled_check(&c), MICA_DMA_TILED_TOO_LARGE);
  std::map<std::pair<uint64_t, uint32_t>, int> rows;
  EXPECT_EQ(encode_box(c, rows).size(), 2u);
  EXPECT_EQ(rows.size(), size_t(c.depth) * c.height);
  for (const auto& [row, n] : rows) ASSERT_EQ(n, 1) << "slice " << row.first << " row " << row.second;

  c.depth = 1;
  c.height = 20000;
  c.src.slice_pitch = c.dst.slice_pitch = 0;
  ASSERT_EQ(mica_dma_tiled_check(&c), MICA_DMA_TILED_TOO_LARGE);
  rows.clear();
  EXPECT_EQ(encode_box(c, rows).size(), 2u);  // 16383 rows, then 3617
  EXPECT_EQ(rows.size(), size_t(c.height));
  for (const auto& [row, n] : rows) ASSERT_EQ(n, 1) << "row " << row.second;
}

}  // namespace
