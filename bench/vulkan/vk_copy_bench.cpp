// Buffer <-> image and image -> image copy times for LINEAR and OPTIMAL images, per format and
// size: vkCmdCopyBufferToImage, vkCmdCopyImageToBuffer and vkCmdCopyImage, each timed from the
// start of recording to the fence (recording is part of the cost: a copy that becomes many DMA
// packets costs host time to record and to encode as well as device time). Every run checks the
// round trip (buffer -> image -> image -> buffer gives back the bytes), so a fast wrong copy
// cannot report a figure.
//
//   VK_DRIVER_FILES=build/src/driver/vulkan/mica_icd.json mica-vk-copy-bench [device-substring [reps]]
// (MICA_VK_TILED_DMA=0 makes Mica copy OPTIMAL images run by run, as before DMA_COPY_TILED.)
#include "vkrun.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

struct Format {
  VkFormat format;
  const char* name;
  uint32_t bytes;
};

struct TestImage {
  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
};

uint32_t device_local_type(VkPhysicalDevice phys, uint32_t bits) {
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(phys, &mp);
  for (uint32_t i = 0; i < mp.memoryTypeCount; ++i)
    if ((bits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)) return i;
  for (uint32_t i = 0; i < mp.memoryTypeCount; ++i)
    if (bits & (1u << i)) return i;
  throw std::runtime_error("no memory type for the image");
}

bool make_image(vkrun::Context& ctx, VkFormat format, uint32_t size, VkImageTiling tiling, TestImage& out) {
  VkImageFormatProperties props;
  const VkImageUsageFlags usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  if (vkGetPhysicalDeviceImageFormatProperties(ctx.physical(), format, VK_IMAGE_TYPE_2D, tiling, usage, 0, &props) !=
          VK_SUCCESS ||
      props.maxExtent.width < size || props.maxExtent.height < size)
    return false;
  VkImageCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO;
  ci.imageType = VK_IMAGE_TYPE_2D;
  ci.format = format;
  ci.extent = {size, size, 1};
  ci.mipLevels = 1;
  ci.arrayLayers = 1;
  ci.samples = VK_SAMPLE_COUNT_1_BIT;
  ci.tiling = tiling;
  ci.usage = usage;
  ci.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  vkrun::check(vkCreateImage(ctx.device(), &ci, nullptr, &out.image), "vkCreateImage");
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(ctx.device(), out.image, &req);
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, nullptr, req.size,
                          device_local_type(ctx.physical(), req.memoryTypeBits)};
  vkrun::check(vkAllocateMemory(ctx.device(), &ai, nullptr, &out.memory), "vkAllocateMemory");
  vkrun::check(vkBindImageMemory(ctx.device(), out.image, out.memory, 0), "vkBindImageMemory");
  return true;
}

void destroy(vkrun::Context& ctx, TestImage& img) {
  vkDestroyImage(ctx.device(), img.image, nullptr);
  vkFreeMemory(ctx.device(), img.memory, nullptr);
}

// One layout transition for everything the run touches (layouts cost nothing on Mica, but the
// program is valid Vulkan for lavapipe too).
void to_general(VkCommandBuffer cb, std::initializer_list<VkImage> images) {
  std::vector<VkImageMemoryBarrier> b;
  for (VkImage i : images)
    b.push_back({VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER, nullptr, VK_ACCESS_MEMORY_WRITE_BIT,
                 VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                 VK_IMAGE_LAYOUT_GENERAL, VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED, i,
                 {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1}});
  vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, nullptr, 0,
                       nullptr, uint32_t(b.size()), b.data());
}

// The fastest of 'reps' runs: the machine is shared, and the minimum is the least disturbed.
int reps = 3;

template <typename F> double timed(vkrun::Context& ctx, F&& record) {
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    ctx.run(record);
    best = std::min(best, vkrun::ms_since(t0));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    vkrun::Context ctx(argc > 1 ? argv[1] : "Mica");
    if (argc > 2) reps = std::max(1, std::atoi(argv[2]));
    std::printf("device: %s\n", ctx.properties().deviceName);
    std::printf("%-26s %5s %-8s %12s %12s %12s\n", "format", "size", "tiling", "buf->img ms", "img->buf ms",
                "img->img ms");
    const Format formats[] = {{VK_FORMAT_R8_UNORM, "R8_UNORM", 1},
                              {VK_FORMAT_R8G8B8A8_UNORM, "R8G8B8A8_UNORM", 4},
                              {VK_FORMAT_R32G32B32A32_SFLOAT, "R32G32B32A32_SFLOAT", 16}};
    int failures = 0;
    std::mt19937 rng(7);
    for (const Format& f : formats) {
      for (uint32_t size : {256u, 1024u}) {
        const VkDeviceSize bytes = VkDeviceSize(size) * size * f.bytes;
        vkrun::Buffer in = ctx.create_buffer(bytes), out = ctx.create_buffer(bytes);
        for (VkDeviceSize i = 0; i < bytes; ++i) in.data<uint8_t>()[i] = uint8_t(rng());
        for (VkImageTiling tiling : {VK_IMAGE_TILING_LINEAR, VK_IMAGE_TILING_OPTIMAL}) {
          TestImage a, b;
          if (!make_image(ctx, f.format, size, tiling, a)) {
            std::printf("%-26s %5u %-8s (not supported)\n", f.name, size,
                        tiling == VK_IMAGE_TILING_LINEAR ? "LINEAR" : "OPTIMAL");
            continue;
          }
          make_image(ctx, f.format, size, tiling, b);
          std::memset(out.mapped, 0, bytes);
          ctx.run([&](VkCommandBuffer cb) { to_general(cb, {a.image, b.image}); });
          const VkBufferImageCopy whole{0, 0, 0, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {size, size, 1}};
          const VkImageCopy ii{{VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, {0, 0, 0}, {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                               {0, 0, 0}, {size, size, 1}};
          const double up = timed(ctx, [&](VkCommandBuffer cb) {
            vkCmdCopyBufferToImage(cb, in.buffer, a.image, VK_IMAGE_LAYOUT_GENERAL, 1, &whole);
          });
          const double img = timed(ctx, [&](VkCommandBuffer cb) {
            vkCmdCopyImage(cb, a.image, VK_IMAGE_LAYOUT_GENERAL, b.image, VK_IMAGE_LAYOUT_GENERAL, 1, &ii);
          });
          const double down = timed(ctx, [&](VkCommandBuffer cb) {
            vkCmdCopyImageToBuffer(cb, b.image, VK_IMAGE_LAYOUT_GENERAL, out.buffer, 1, &whole);
          });
          const bool ok = std::memcmp(in.mapped, out.mapped, bytes) == 0;
          failures += !ok;
          std::printf("%-26s %5u %-8s %12.2f %12.2f %12.2f%s\n", f.name, size,
                      tiling == VK_IMAGE_TILING_LINEAR ? "LINEAR" : "OPTIMAL", up, down, img,
                      ok ? "" : "  ROUND TRIP MISMATCH");
          destroy(ctx, a);
          destroy(ctx, b);
        }
        ctx.destroy(in);
        ctx.destroy(out);
      }
    }
    return failures ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mica-vk-copy-bench: %s\n", e.what());
    return 2;
  }
}
