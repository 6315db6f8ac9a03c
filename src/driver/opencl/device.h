// The Mica device as OpenCL sees it: its limits (from the hardware description and the device layer)
// and the device layer instance that runs its commands.
#pragma once

#include "object.h"

#include <mica/driver/device_info.h>

#include <cstdint>
#include <string>

namespace mica::cl {

class Platform;

class Device : public Object {
public:
  using Handle = cl_device_id;
  static constexpr Kind kKind = Kind::Device;

  Device(Platform* platform, const driver::DeviceInfo& info, uint64_t max_buffer_bytes);
  ~Device();

  Platform* platform() const { return platform_; }
  const std::string& name() const { return name_; }
  uint32_t compute_units() const { return compute_units_; }
  uint64_t global_mem_bytes() const { return global_mem_bytes_; }
  // CL_DEVICE_MAX_MEM_ALLOC_SIZE: a quarter of the memory, but at least the 128 MiB OpenCL 1.x
  // required of FULL_PROFILE devices when the memory allows (half of it at most), and never more
  // than the kernel's largest buffer.
  uint64_t max_alloc_bytes() const { return max_alloc_bytes_; }
  // The alignment (bytes) of every buffer and of sub-buffer origins (CL_DEVICE_MEM_BASE_ADDR_ALIGN).
  static constexpr uint32_t kBaseAddrAlignBytes = 128;
  // The space a kernel's arguments may take (CL_DEVICE_MAX_PARAMETER_SIZE).
  static constexpr size_t kMaxParameterBytes = 4096;
  // The printf buffer of one enqueue (CL_DEVICE_PRINTF_BUFFER_SIZE; 1 MiB is the FULL_PROFILE minimum).
  static constexpr size_t kPrintfBufferBytes = 1 << 20;

  cl_int info(cl_device_info param, size_t size, void* value, size_t* size_ret) const;

private:
  Platform* platform_;
  std::string name_;
  uint32_t compute_units_ = 0;
  uint64_t global_mem_bytes_ = 0;
  uint64_t max_alloc_bytes_ = 0;
};

}  // namespace mica::cl
