// Buffers and sub-buffers. A buffer's storage is device memory from the device layer with a CPU
// mapping (BufferUsage::host_visible, coherent), so host reads, writes and maps are memcpy on that
// mapping, done in command order by the executor; copies and fills are device commands.
//
// CL_MEM_USE_HOST_PTR: the device cannot address application memory, so the buffer has device
// storage of its own, initialised from host_ptr; mapping it returns host_ptr (+ offset) after
// copying the region there, and unmapping a write mapping copies it back (the spec's rule that the
// host pointer's contents are only defined while mapped makes this exact).
#pragma once

#include "object.h"

#include <mica/device/screen.h>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace mica::cl {

class Context;
struct ImageFormat;

// What makes a memory object an image (image.cpp, docs/opencl.md "Images"). Texels are laid out
// LINEAR as the texture unit addresses them (mica_image_level_layout): row_pitch = width x
// element bytes, slice_pitch = the step of the last coordinate of 3D and array images (1D
// arrays: the row pitch), so a host transfer's (x, y, z) is at x * elem + y * row + z * slice.
struct ImageInfo {
  cl_mem_object_type type = 0;
  cl_image_format format{};
  const ImageFormat* fmt = nullptr;
  size_t width = 0, height = 0, depth = 0, array_size = 0;
  size_t element_bytes = 0, row_pitch = 0, slice_pitch = 0;
  // A 2D image from a buffer (cl_khr_image2d_from_buffer) whose rows are padded: the texture unit
  // addresses rows without padding, so kernels use this copy of the rows, filled from the buffer
  // before each kernel that takes the image and copied back after a kernel that may write it
  // (ndrange.cpp). Null when the image addresses its memory directly.
  std::shared_ptr<device::Buffer> packed;
  // cl_khr_mipmap_image: the levels the image has (1: not mipmapped) and num_mip_levels as given.
  uint32_t levels = 1, num_mip_levels = 0;
  // Extent in OpenCL's region coordinates (x, y or layer, z or layer).
  size_t extent(unsigned d) const;
  // The image's fields at mip level 'level' (extent, pitches) and where that level starts.
  ImageInfo level_info(uint32_t level, size_t& offset) const;
  // Which origin[] element names the mip level in transfers: 1 for 1D images, 2 for 1D arrays
  // and 2D images, 3 for 2D arrays and 3D images (so origin then has four elements).
  unsigned mip_origin_index() const;
};

class Memory : public Object {
public:
  using Handle = cl_mem;
  static constexpr Kind kKind = Kind::Mem;
  using DestructorFn = void(CL_CALLBACK*)(cl_mem, void*);

  // A buffer over `storage` (shared with sub-buffers).
  Memory(Context* context, cl_mem_flags flags, size_t size, void* host_ptr, std::shared_ptr<device::Buffer> storage,
         std::vector<cl_mem_properties> properties);
  // A sub-buffer of `parent`: bytes [origin, origin + size).
  Memory(Memory* parent, cl_mem_flags flags, size_t origin, size_t size);
  ~Memory();  // runs the destructor callbacks, most recent first

  Context* context() const { return context_.get(); }
  cl_mem_flags flags() const { return flags_; }
  size_t size() const { return size_; }
  size_t origin() const { return origin_; }  // in the parent; 0 for a buffer
  Memory* parent() const { return parent_.get(); }
  void* host_ptr() const { return host_ptr_; }  // CL_MEM_USE_HOST_PTR's pointer (+ origin), else null
  const std::vector<cl_mem_properties>& properties() const { return properties_; }

  uint64_t va() const { return storage_->va() + origin_; }
  uint8_t* cpu() const { return storage_->cpu() + origin_; }
  const device::Buffer* storage() const { return storage_.get(); }
  // True when the two objects' bytes overlap (same storage).
  bool overlaps(const Memory& other, size_t offset, size_t other_offset, size_t bytes) const;

  // Host access allowed by CL_MEM_HOST_* flags.
  bool host_can_read() const { return !(flags_ & (CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_NO_ACCESS)); }
  bool host_can_write() const { return !(flags_ & (CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS)); }

  // Mappings: the pointer the application got and what it covers.
  struct Mapping {
    size_t offset, size;
    cl_map_flags flags;
  };
  void add_mapping(void* ptr, Mapping m);
  // Removes one mapping at ptr; false when ptr is not a mapped pointer of this object.
  bool take_mapping(void* ptr, Mapping& m);
  cl_uint map_count() const;

  void add_destructor_callback(DestructorFn fn, void* user_data);

  // Images: set once by the creating entry point; null for buffers.
  const ImageInfo* image() const { return image_.get(); }
  void set_image(const ImageInfo& info) { image_ = std::make_unique<ImageInfo>(info); }

private:
  Ref<Context> context_;
  Ref<Memory> parent_;
  cl_mem_flags flags_;
  size_t origin_ = 0;
  size_t size_;
  void* host_ptr_;
  std::shared_ptr<device::Buffer> storage_;
  std::vector<cl_mem_properties> properties_;
  mutable std::mutex mu_;
  std::multimap<void*, Mapping> mappings_;
  std::vector<std::pair<DestructorFn, void*>> destructor_callbacks_;
  std::unique_ptr<ImageInfo> image_;
};

// The flag rules shared by buffers and images (OpenCL 3.0 "Memory Flags"): CL_INVALID_VALUE.
cl_int check_mem_flags(cl_mem_flags flags);

}  // namespace mica::cl
