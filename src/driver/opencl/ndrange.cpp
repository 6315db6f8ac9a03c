// clEnqueueNDRangeKernel: validation, the local size, the argument and dispatch blocks of the
// Kernel-model launch ABI (mica.toml [launch_abi], docs/opencl.md "Contract"), the printf buffer,
// and the device dispatch.
#include "backend.h"
#include "context.h"
#include "device.h"
#include "extensions.h"
#include "kernel.h"
#include "memory.h"
#include "printf_decoder.h"
#include "queue.h"
#include "mica/device/dispatch_pieces.h"

#include <mica_hw.h>

#include <cstdio>
#include <cstring>

namespace mica::cl {
namespace {

// Largest divisor of n not above limit.
size_t largest_divisor(size_t n, size_t limit) {
  for (size_t d = std::min(n, limit); d > 1; --d)
    if (n % d == 0) return d;
  return 1;
}

// A local size for an NDRange the application left to the driver: divisors of the global size (so
// also OpenCL C 1.x programs run) filling x first, up to 256 work-items (8 waves).
std::array<uint32_t, 3> choose_local_size(cl_uint dims, const size_t* global) {
  std::array<uint32_t, 3> local = {1, 1, 1};
  size_t budget = 256;
  const size_t max_dim[3] = {MICA_MAX_WORKGROUP_DIM_X, MICA_MAX_WORKGROUP_DIM_Y, MICA_MAX_WORKGROUP_DIM_Z};
  for (cl_uint d = 0; d < dims; ++d) {
    local[d] = uint32_t(largest_divisor(global[d], std::min(budget, max_dim[d])));
    budget /= local[d];
  }
  return local;
}

// A 2D image from a buffer with padded rows that a kernel takes (memory.h ImageInfo::packed).
struct PackedImage {
  Ref<Memory> image;
  bool written;  // the kernel's argument may write it (write_only or read_write)
};

// Device copies between the buffer's padded rows and the packed copy the kernel addresses:
// before the kernel every image's rows in, after it the rows of those it may write back out, each
// behind a barrier. So the image and its buffer agree at every command boundary, the sync points
// where OpenCL makes writes through one visible through the other.
void copy_packed_rows(device::CommandList& list, const std::vector<PackedImage>& images, bool in) {
  bool any = false;
  for (const PackedImage& p : images) {
    if (!in && !p.written) continue;
    if (!in && !any) list.barrier();
    any = true;
    const ImageInfo& i = *p.image->image();
    const uint64_t row = i.width * i.element_bytes;
    for (size_t y = 0; y < i.height; ++y) {
      const uint64_t padded = p.image->va() + y * i.row_pitch, packed = i.packed->va() + y * row;
      list.copy(in ? padded : packed, in ? packed : padded, row);
    }
  }
  if (in && any) list.barrier();
}

void put(std::vector<uint8_t>& block, size_t offset, const void* data, size_t n) {
  if (block.size() < offset + n) block.resize(offset + n, 0);
  std::memcpy(block.data() + offset, data, n);
}

}  // namespace
}  // namespace mica::cl

using namespace mica;
using namespace mica::cl;

CL_API_ENTRY cl_int CL_API_CALL clEnqueueNDRangeKernel(cl_command_queue command_queue, cl_kernel kernel, cl_uint work_dim,
                                                      const size_t* global_work_offset, const size_t* global_work_size,
                                                      const size_t* local_work_size, cl_uint num_events_in_wait_list,
                                                      const cl_event* event_wait_list, cl_event* event) {
  return guarded([&]() -> cl_int {
    Queue* q = checked<Queue>(command_queue);
    if (!q) return CL_INVALID_COMMAND_QUEUE;
    Kernel* k = checked<Kernel>(kernel);
    if (!k) return CL_INVALID_KERNEL;
    if (k->context() != q->context()) return CL_INVALID_CONTEXT;
    if (work_dim < 1 || work_dim > 3) return CL_INVALID_WORK_DIMENSION;
    if (!global_work_size) return CL_INVALID_GLOBAL_WORK_SIZE;
    const compiler::KernelInfo& info = k->info();
    const Executable& exe = k->executable();

    std::array<uint64_t, 3> offset = {0, 0, 0};
    std::array<uint32_t, 3> global = {1, 1, 1};
    bool empty = false;
    for (cl_uint d = 0; d < work_dim; ++d) {
      if (global_work_size[d] > UINT32_MAX) return CL_INVALID_GLOBAL_WORK_SIZE;  // the dispatch block's u32
      global[d] = uint32_t(global_work_size[d]);
      if (global[d] == 0) empty = true;  // allowed since OpenCL 2.1: nothing runs
      if (global_work_offset) {
        offset[d] = global_work_offset[d];
        if (global_work_offset[d] > SIZE_MAX - global_work_size[d]) return CL_INVALID_GLOBAL_OFFSET;
      }
    }

    // Every argument must have a value.
    const std::vector<Kernel::ArgValue> args = k->args();
    for (const auto& a : args)
      if (!a.set) return CL_INVALID_KERNEL_ARGS;

    // The local size: given, required by the kernel, or chosen here.
    const auto& reqd = info.reqd_work_group_size;
    const bool has_reqd = reqd[0] || reqd[1] || reqd[2];
    std::array<uint32_t, 3> local = {1, 1, 1};
    const size_t max_dim[3] = {MICA_MAX_WORKGROUP_DIM_X, MICA_MAX_WORKGROUP_DIM_Y, MICA_MAX_WORKGROUP_DIM_Z};
    if (local_work_size) {
      size_t total = 1;
      for (cl_uint d = 0; d < work_dim; ++d) {
        if (local_work_size[d] == 0) return CL_INVALID_WORK_GROUP_SIZE;
        if (local_work_size[d] > max_dim[d]) return CL_INVALID_WORK_ITEM_SIZE;
        local[d] = uint32_t(local_work_size[d]);
        total *= local[d];
        if (total > MICA_MAX_WORKGROUP_INVOCATIONS) return CL_INVALID_WORK_GROUP_SIZE;
      }
      if (has_reqd && local != reqd) return CL_INVALID_WORK_GROUP_SIZE;
      if (exe.uniform_work_groups)
        for (cl_uint d = 0; d < work_dim; ++d)
          if (global[d] % local[d]) return CL_INVALID_WORK_GROUP_SIZE;
    } else if (has_reqd) {
      local = reqd;
      if (exe.uniform_work_groups)
        for (cl_uint d = 0; d < work_dim; ++d)
          if (global[d] % local[d]) return CL_INVALID_WORK_GROUP_SIZE;
    } else if (!empty) {
      local = choose_local_size(work_dim, global_work_size);
    }

    // __local arguments: their total with the kernel's own shared memory must fit.
    std::map<uint32_t, uint32_t> local_args;
    uint64_t local_total = 0;
    for (uint32_t i = 0; i < info.args.size(); ++i)
      if (info.args[i].kind == compiler::KernelArgKind::local_pointer) {
        local_args[i] = args[i].local_bytes;
        local_total += args[i].local_bytes;
      }
    if (local_total > MICA_MAX_SHARED_BYTES) return CL_OUT_OF_RESOURCES;

    std::vector<Ref<Event>> check;
    if (cl_int e = collect_wait_list(num_events_in_wait_list, event_wait_list, q->context(), check); e != CL_SUCCESS)
      return e;
    if (empty) return q->enqueue(CL_COMMAND_NDRANGE_KERNEL, num_events_in_wait_list, event_wait_list, event, nullptr);

    std::shared_ptr<device::Program> program;
    std::string log;
    if (cl_int e = k->variant({local, local_args}, program, log); e != CL_SUCCESS) {
      // The application learns only CL_OUT_OF_RESOURCES from the enqueue; the reason goes to its
      // context callback and to stderr.
      const std::string msg = "mica-opencl: kernel '" + info.name + "' could not be compiled for the device: " + log;
      q->context()->notify(msg.c_str());
      std::fprintf(stderr, "%s\n", msg.c_str());
      return e;
    }

    // The argument block: buffer addresses and by-value bytes at the reflected offsets.
    std::vector<uint8_t> arg_block(std::max<uint32_t>(info.arg_block_bytes, 8), 0);
    std::vector<Ref<Memory>> buffers;
    std::vector<PackedImage> packed_images;
    for (uint32_t i = 0; i < info.args.size(); ++i) {
      const compiler::KernelArg& a = info.args[i];
      switch (a.kind) {
      case compiler::KernelArgKind::global_pointer:
      case compiler::KernelArgKind::constant_pointer: {
        const uint64_t va = args[i].memory ? args[i].memory->va() : 0;
        put(arg_block, a.offset, &va, 8);
        if (args[i].memory) buffers.push_back(args[i].memory);
        break;
      }
      case compiler::KernelArgKind::by_value: put(arg_block, a.offset, args[i].bytes.data(), args[i].bytes.size()); break;
      case compiler::KernelArgKind::sampler:
        put(arg_block, a.offset, args[i].bytes.data(), args[i].bytes.size());
        break;
      case compiler::KernelArgKind::image:
        put(arg_block, a.offset, args[i].bytes.data(), args[i].bytes.size());
        buffers.push_back(args[i].memory);
        if (const ImageInfo* im = args[i].memory->image(); im->packed)
          packed_images.push_back({args[i].memory, a.access != compiler::KernelArgAccess::read_only});
        break;
      default: break;
      }
    }

    // The printf buffer, only for kernels whose module prints.
    std::shared_ptr<device::Buffer> printf_buffer;
    if (!exe.reflection.printf_strings.empty()) {
      std::unique_ptr<device::Buffer> b;
      if (device::Status s = screen()->create_buffer(Device::kPrintfBufferBytes, device::BufferUsage::driver_shared, b);
          s != device::Status::ok)
        return cl_error(s);
      std::memset(b->cpu(), 0, MICA_ABI_PRINTF_HEADER_BYTES);
      printf_buffer = std::move(b);
    }

    // The dispatch block.
    std::vector<uint8_t> dispatch_block(MICA_ABI_KERNEL_DISPATCH_BYTES, 0);
    put(dispatch_block, MICA_ABI_KERNEL_DISPATCH_GLOBAL_OFFSET, offset.data(), 24);
    put(dispatch_block, MICA_ABI_KERNEL_DISPATCH_GLOBAL_SIZE, global.data(), 12);
    put(dispatch_block, MICA_ABI_KERNEL_DISPATCH_LOCAL_SIZE, local.data(), 12);
    const uint32_t dims = work_dim;
    put(dispatch_block, MICA_ABI_KERNEL_DISPATCH_WORK_DIM, &dims, 4);
    const uint64_t printf_va = printf_buffer ? printf_buffer->va() : 0;
    const uint32_t printf_bytes = printf_buffer ? uint32_t(Device::kPrintfBufferBytes) : 0;
    put(dispatch_block, MICA_ABI_KERNEL_DISPATCH_PRINTF_BUFFER, &printf_va, 8);
    put(dispatch_block, MICA_ABI_KERNEL_DISPATCH_PRINTF_BYTES, &printf_bytes, 4);

    device::Dispatch dispatch;
    dispatch.program = program;
    for (int d = 0; d < 3; ++d) dispatch.groups[d] = (global[d] + local[d] - 1) / local[d];
    // s4..s6 workgroup counts (the whole NDRange's), s7..s9 base workgroup (set per piece below).
    dispatch.user_data.assign(MICA_ABI_S_BASE_WORKGROUP + 3, 0);
    for (int d = 0; d < 3; ++d) dispatch.user_data[MICA_ABI_S_NUM_WORKGROUPS + d] = dispatch.groups[d];
    dispatch.workgroup_size = local;
    device::InlineData args_data;
    args_data.bytes = std::move(arg_block);
    args_data.user_data = MICA_ABI_S_KERNEL_ARGS;
    device::InlineData dispatch_data;
    dispatch_data.bytes = std::move(dispatch_block);
    dispatch_data.user_data = MICA_ABI_S_KERNEL_DISPATCH;
    dispatch.inline_data.push_back(std::move(args_data));
    dispatch.inline_data.push_back(std::move(dispatch_data));

    // An NDRange of more work-items than one kernel job may hold is cut, as Vulkan cuts a large
    // dispatch, into boxes of workgroups launched at their first workgroup (s7..s9): the kernel
    // adds it to the hardware's workgroup id, and the dispatch block and s4..s6 keep the whole
    // NDRange, so every id built-in is what the uncut NDRange gives. Each piece is a job of its
    // own (the encoder ends jobs at kMaxJobInvocations), so none outlives the job timeout.
    const auto pieces =
        device::dispatch_pieces(dispatch.groups, local[0] * local[1] * local[2], device::kMaxJobInvocations);
    std::vector<device::Dispatch> dispatches;
    dispatches.reserve(pieces.size());
    for (const device::DispatchPiece& p : pieces) {
      device::Dispatch part = dispatch;
      for (int d = 0; d < 3; ++d) part.user_data[MICA_ABI_S_BASE_WORKGROUP + d] = p.first[d];
      part.groups = p.groups;
      dispatches.push_back(std::move(part));
    }

    // The command keeps what it needs (the executable for the printf strings, the device program
    // in the dispatch), not the kernel: a kernel the application released is no longer attached
    // to its program, which may then be rebuilt while the command is pending
    // (clBuildProgram's CL_INVALID_OPERATION is for kernels the application holds).
    std::shared_ptr<const Executable> exe_hold = k->shared_executable();
    auto run = [exe_hold, dispatches = std::move(dispatches), buffers, packed_images, printf_buffer]() -> cl_int {
      device::CommandList list;
      copy_packed_rows(list, packed_images, true);
      for (const device::Dispatch& d : dispatches) list.dispatch(d);
      copy_packed_rows(list, packed_images, false);
      std::vector<const device::Buffer*> keep;
      for (const auto& b : buffers) keep.push_back(b->storage());
      for (const auto& p : packed_images) keep.push_back(p.image->image()->packed.get());
      if (printf_buffer) keep.push_back(printf_buffer.get());
      const cl_int result = run_on_device(list, keep);
      if (printf_buffer) {
        // Output is flushed when the kernel completes, in buffer (so per work-item program) order.
        const std::string text =
            decode_printf(printf_buffer->cpu(), Device::kPrintfBufferBytes, exe_hold->reflection.printf_strings,
                          device_has_fp64());
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
      }
      return result;
    };
    return q->enqueue(CL_COMMAND_NDRANGE_KERNEL, num_events_in_wait_list, event_wait_list, event, std::move(run));
  });
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueTask(cl_command_queue command_queue, cl_kernel kernel,
                                             cl_uint num_events_in_wait_list, const cl_event* event_wait_list,
                                             cl_event* event) {
  const size_t one = 1;
  return clEnqueueNDRangeKernel(command_queue, kernel, 1, nullptr, &one, &one, num_events_in_wait_list, event_wait_list,
                                event);
}
