// Buffers through ocl-icd: creation flags, sub-buffers, and every transfer checked against a host
// model under a random sequence of operations (seeded, bounded), plus the error codes.
#include "cl_test.h"

#include <cstring>
#include <random>

using namespace cltest;

class ClBuffer : public ClTest {};

TEST_F(ClBuffer, HostPointerFlags) {
  cl_int err;
  std::vector<uint32_t> host(256);
  for (size_t i = 0; i < host.size(); ++i) host[i] = uint32_t(i * 2654435761u);
  // COPY_HOST_PTR: initial contents, host memory not used afterwards.
  cl_mem copy = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, 1024, host.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  std::vector<uint32_t> out(256);
  ASSERT_EQ(clEnqueueReadBuffer(queue, copy, CL_TRUE, 0, 1024, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(out, host);
  void* ptr = &out;
  EXPECT_EQ(clGetMemObjectInfo(copy, CL_MEM_HOST_PTR, sizeof ptr, &ptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(ptr, nullptr);
  // USE_HOST_PTR: the map pointer is the application's memory, holding the buffer's contents.
  std::vector<uint32_t> backing(host);
  cl_mem use = clCreateBuffer(context, CL_MEM_USE_HOST_PTR, 1024, backing.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clGetMemObjectInfo(use, CL_MEM_HOST_PTR, sizeof ptr, &ptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(ptr, backing.data());
  const uint32_t value = 77;
  ASSERT_EQ(clEnqueueFillBuffer(queue, use, &value, 4, 64, 64, 0, nullptr, nullptr), CL_SUCCESS);
  auto* mapped = static_cast<uint32_t*>(
      clEnqueueMapBuffer(queue, use, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, 1024, 0, nullptr, nullptr, &err));
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(mapped, backing.data());
  EXPECT_EQ(mapped[16], 77u);
  EXPECT_EQ(mapped[15], host[15]);
  cl_uint maps = 0;
  EXPECT_EQ(clGetMemObjectInfo(use, CL_MEM_MAP_COUNT, sizeof maps, &maps, nullptr), CL_SUCCESS);
  EXPECT_EQ(maps, 1u);
  mapped[0] = 0xfeedface;  // written through the map: the buffer sees it after unmap
  ASSERT_EQ(clEnqueueUnmapMemObject(queue, use, mapped, 0, nullptr, nullptr), CL_SUCCESS);
  uint32_t first = 0;
  ASSERT_EQ(clEnqueueReadBuffer(queue, use, CL_TRUE, 0, 4, &first, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(first, 0xfeedfaceu);
  // ALLOC_HOST_PTR with COPY_HOST_PTR is allowed.
  cl_mem alloc = clCreateBuffer(context, CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR, 1024, host.data(), &err);
  ASSERT_EQ(err, CL_SUCCESS);
  for (cl_mem m : {copy, use, alloc}) clReleaseMemObject(m);
}

TEST_F(ClBuffer, CreationErrors) {
  cl_int err;
  int host = 0;
  struct Case {
    cl_mem_flags flags;
    size_t size;
    void* ptr;
    cl_int expect;
  };
  cl_ulong max_alloc = 0;
  ASSERT_EQ(clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, nullptr), CL_SUCCESS);
  const Case cases[] = {
      {CL_MEM_READ_WRITE, 0, nullptr, CL_INVALID_BUFFER_SIZE},
      {CL_MEM_READ_WRITE, size_t(max_alloc) + 1, nullptr, CL_INVALID_BUFFER_SIZE},
      {CL_MEM_READ_WRITE | CL_MEM_READ_ONLY, 4, nullptr, CL_INVALID_VALUE},
      {CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS, 4, nullptr, CL_INVALID_VALUE},
      {CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR, 4, &host, CL_INVALID_VALUE},
      {CL_MEM_USE_HOST_PTR | CL_MEM_ALLOC_HOST_PTR, 4, &host, CL_INVALID_VALUE},
      {CL_MEM_USE_HOST_PTR, 4, nullptr, CL_INVALID_HOST_PTR},
      {CL_MEM_COPY_HOST_PTR, 4, nullptr, CL_INVALID_HOST_PTR},
      {CL_MEM_READ_WRITE, 4, &host, CL_INVALID_HOST_PTR},
      {cl_mem_flags(1) << 40, 4, nullptr, CL_INVALID_VALUE},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(clCreateBuffer(context, c.flags, c.size, c.ptr, &err), nullptr) << std::hex << c.flags;
    EXPECT_EQ(err, c.expect) << std::hex << c.flags;
  }
  // The largest allocation the device reports works, and is usable at both ends.
  cl_mem big = clCreateBuffer(context, CL_MEM_READ_WRITE, size_t(max_alloc), nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const uint32_t marks[2] = {0x12345678, 0x9abcdef0};
  ASSERT_EQ(clEnqueueWriteBuffer(queue, big, CL_TRUE, size_t(max_alloc) - 4, 4, &marks[1], 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueCopyBuffer(queue, big, big, size_t(max_alloc) - 4, 0, 4, 0, nullptr, nullptr), CL_SUCCESS);
  uint32_t first = 0;
  ASSERT_EQ(clEnqueueReadBuffer(queue, big, CL_TRUE, 0, 4, &first, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(first, marks[1]);
  clReleaseMemObject(big);
  const cl_mem_properties unknown[] = {0x7777, 0, 0};
  EXPECT_EQ(clCreateBufferWithProperties(context, unknown, CL_MEM_READ_WRITE, 4, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_PROPERTY);
  const cl_mem_properties empty[] = {0};
  cl_mem m = clCreateBufferWithProperties(context, empty, CL_MEM_READ_WRITE, 4, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  size_t n = 0;
  EXPECT_EQ(clGetMemObjectInfo(m, CL_MEM_PROPERTIES, 0, nullptr, &n), CL_SUCCESS);
  EXPECT_EQ(n, sizeof empty);
  clReleaseMemObject(m);
}

TEST_F(ClBuffer, SubBuffersShareStorageAndCheckRegions) {
  cl_int err;
  cl_uint align_bits = 0;
  ASSERT_EQ(clGetDeviceInfo(device, CL_DEVICE_MEM_BASE_ADDR_ALIGN, sizeof align_bits, &align_bits, nullptr), CL_SUCCESS);
  const size_t align = align_bits / 8;
  cl_mem parent = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_HOST_READ_ONLY, 8 * align, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  const cl_buffer_region region = {2 * align, align};
  cl_mem sub = clCreateSubBuffer(parent, 0, CL_BUFFER_CREATE_TYPE_REGION, &region, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem_flags flags = 0;
  ASSERT_EQ(clGetMemObjectInfo(sub, CL_MEM_FLAGS, sizeof flags, &flags, nullptr), CL_SUCCESS);
  EXPECT_TRUE(flags & CL_MEM_READ_WRITE);       // inherited
  EXPECT_TRUE(flags & CL_MEM_HOST_READ_ONLY);   // inherited
  size_t offset = 0;
  ASSERT_EQ(clGetMemObjectInfo(sub, CL_MEM_OFFSET, sizeof offset, &offset, nullptr), CL_SUCCESS);
  EXPECT_EQ(offset, 2 * align);
  const uint8_t byte = 0x5a;
  ASSERT_EQ(clEnqueueFillBuffer(queue, sub, &byte, 1, 0, align, 0, nullptr, nullptr), CL_SUCCESS);
  std::vector<uint8_t> all(8 * align, 0xff);
  const uint8_t zero = 0;
  // The parent is host read-only: fill it through the device, then read it.
  ASSERT_EQ(clEnqueueFillBuffer(queue, parent, &zero, 1, 0, 2 * align, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clEnqueueReadBuffer(queue, parent, CL_TRUE, 0, 3 * align, all.data(), 0, nullptr, nullptr), CL_SUCCESS);
  for (size_t i = 0; i < 2 * align; ++i) ASSERT_EQ(all[i], 0) << i;
  for (size_t i = 2 * align; i < 3 * align; ++i) ASSERT_EQ(all[i], 0x5a) << i;
  // Host writes are refused on a host read-only buffer and its sub-buffers.
  EXPECT_EQ(clEnqueueWriteBuffer(queue, sub, CL_TRUE, 0, 1, &byte, 0, nullptr, nullptr), CL_INVALID_OPERATION);
  // Region errors.
  const cl_buffer_region misaligned = {1, 16}, outside = {7 * align, 2 * align}, empty = {0, 0};
  EXPECT_EQ(clCreateSubBuffer(parent, 0, CL_BUFFER_CREATE_TYPE_REGION, &misaligned, &err), nullptr);
  EXPECT_EQ(err, CL_MISALIGNED_SUB_BUFFER_OFFSET);
  EXPECT_EQ(clCreateSubBuffer(parent, 0, CL_BUFFER_CREATE_TYPE_REGION, &outside, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clCreateSubBuffer(parent, 0, CL_BUFFER_CREATE_TYPE_REGION, &empty, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_BUFFER_SIZE);
  EXPECT_EQ(clCreateSubBuffer(sub, 0, CL_BUFFER_CREATE_TYPE_REGION, &region, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_MEM_OBJECT);  // no sub-buffer of a sub-buffer
  EXPECT_EQ(clCreateSubBuffer(parent, CL_MEM_HOST_WRITE_ONLY, CL_BUFFER_CREATE_TYPE_REGION, &region, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);  // conflicts with the parent's host access
  EXPECT_EQ(clCreateSubBuffer(parent, CL_MEM_COPY_HOST_PTR, CL_BUFFER_CREATE_TYPE_REGION, &region, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clCreateSubBuffer(parent, 0, 0x7777, &region, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  // Copies between overlapping sub-buffers of one parent are refused.
  const cl_buffer_region wide = {2 * align, 2 * align};
  cl_mem sub2 = clCreateSubBuffer(parent, 0, CL_BUFFER_CREATE_TYPE_REGION, &wide, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clEnqueueCopyBuffer(queue, sub, sub2, 0, 0, align, 0, nullptr, nullptr), CL_MEM_COPY_OVERLAP);
  EXPECT_EQ(clEnqueueCopyBuffer(queue, sub, sub2, 0, align, align, 0, nullptr, nullptr), CL_SUCCESS);
  ASSERT_EQ(clFinish(queue), CL_SUCCESS);
  for (cl_mem m : {sub, sub2, parent}) clReleaseMemObject(m);
}

// A random sequence of writes, copies, fills, rect transfers and maps on two buffers; every read is
// compared with the same operations applied to host copies.
TEST_F(ClBuffer, RandomTransfersMatchHostModel) {
  cl_int err;
  const size_t size = 8192;
  std::mt19937 rng(12345);
  std::vector<uint8_t> model[2] = {std::vector<uint8_t>(size), std::vector<uint8_t>(size)};
  cl_mem buf[2];
  for (int i = 0; i < 2; ++i) {
    for (auto& b : model[i]) b = uint8_t(rng());
    buf[i] = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, size, model[i].data(), &err);
    ASSERT_EQ(err, CL_SUCCESS);
  }
  auto pick = [&](size_t n) { return size_t(rng() % n); };
  int done[7] = {};
  for (int step = 0; step < 1000; ++step) {
    const int which = int(pick(2));
    const size_t off = pick(size), len = 1 + pick(size - off);
    const size_t op = pick(7);
    ++done[op];
    switch (op) {
    case 0: {  // write
      std::vector<uint8_t> data(len);
      for (auto& b : data) b = uint8_t(rng());
      ASSERT_EQ(clEnqueueWriteBuffer(queue, buf[which], CL_TRUE, off, len, data.data(), 0, nullptr, nullptr), CL_SUCCESS);
      std::memcpy(model[which].data() + off, data.data(), len);
      break;
    }
    case 1: {  // copy between the two buffers (or within one, without overlap)
      const size_t dst = pick(size - len + 1);
      const int to = int(pick(2));
      if (to == which && off < dst + len && dst < off + len) {
        EXPECT_EQ(clEnqueueCopyBuffer(queue, buf[which], buf[to], off, dst, len, 0, nullptr, nullptr), CL_MEM_COPY_OVERLAP);
        break;
      }
      ASSERT_EQ(clEnqueueCopyBuffer(queue, buf[which], buf[to], off, dst, len, 0, nullptr, nullptr), CL_SUCCESS);
      std::memmove(model[to].data() + dst, model[which].data() + off, len);
      break;
    }
    case 2: {  // fill with a pattern of 1..128 bytes
      const size_t psize = size_t(1) << pick(8);
      const size_t count = (len / psize);
      const size_t start = off / psize * psize;
      if (count == 0 || start + count * psize > size) break;
      std::vector<uint8_t> pattern(psize);
      for (auto& b : pattern) b = uint8_t(rng());
      ASSERT_EQ(clEnqueueFillBuffer(queue, buf[which], pattern.data(), psize, start, count * psize, 0, nullptr, nullptr),
                CL_SUCCESS);
      for (size_t i = 0; i < count * psize; ++i) model[which][start + i] = pattern[i % psize];
      break;
    }
    case 3: {  // rect write from a host rect
      const size_t region[3] = {1 + pick(32), 1 + pick(8), 1 + pick(4)};
      const size_t row = region[0] + pick(16), slice = row * (region[1] + pick(3));
      const size_t span = (region[2] - 1) * slice + (region[1] - 1) * row + region[0];
      if (span > size) break;
      const size_t bo[3] = {pick(size - span + 1), 0, 0};
      const size_t ho[3] = {0, 0, 0};
      std::vector<uint8_t> host(span);
      for (auto& b : host) b = uint8_t(rng());
      ASSERT_EQ(clEnqueueWriteBufferRect(queue, buf[which], CL_TRUE, bo, ho, region, row, slice, row, slice, host.data(),
                                         0, nullptr, nullptr),
                CL_SUCCESS);
      for (size_t z = 0; z < region[2]; ++z)
        for (size_t y = 0; y < region[1]; ++y)
          std::memcpy(model[which].data() + bo[0] + z * slice + y * row, host.data() + z * slice + y * row, region[0]);
      break;
    }
    case 4: {  // rect copy between the buffers with different pitches
      const size_t region[3] = {1 + pick(24), 1 + pick(6), 1 + pick(3)};
      const size_t srow = region[0] + pick(8), sslice = srow * (region[1] + pick(2));
      const size_t drow = region[0] + pick(8), dslice = drow * (region[1] + pick(2));
      const size_t sspan = (region[2] - 1) * sslice + (region[1] - 1) * srow + region[0];
      const size_t dspan = (region[2] - 1) * dslice + (region[1] - 1) * drow + region[0];
      if (sspan > size || dspan > size) break;
      const size_t so[3] = {pick(size - sspan + 1), 0, 0}, dor[3] = {pick(size - dspan + 1), 0, 0};
      ASSERT_EQ(clEnqueueCopyBufferRect(queue, buf[which], buf[1 - which], so, dor, region, srow, sslice, drow, dslice, 0,
                                        nullptr, nullptr),
                CL_SUCCESS);
      for (size_t z = 0; z < region[2]; ++z)
        for (size_t y = 0; y < region[1]; ++y)
          std::memcpy(model[1 - which].data() + dor[0] + z * dslice + y * drow,
                      model[which].data() + so[0] + z * sslice + y * srow, region[0]);
      break;
    }
    case 5: {  // map for writing, change bytes, unmap
      auto* p = static_cast<uint8_t*>(clEnqueueMapBuffer(queue, buf[which], CL_TRUE, CL_MAP_WRITE, off, len, 0, nullptr,
                                                         nullptr, &err));
      ASSERT_EQ(err, CL_SUCCESS);
      for (size_t i = 0; i < len; i += 7) p[i] = model[which][off + i] = uint8_t(rng());
      ASSERT_EQ(clEnqueueUnmapMemObject(queue, buf[which], p, 0, nullptr, nullptr), CL_SUCCESS);
      break;
    }
    case 6: {  // rect read into a host rect, compared with the model
      const size_t region[3] = {1 + pick(40), 1 + pick(5), 1 + pick(3)};
      const size_t row = region[0] + pick(4), slice = row * (region[1] + pick(2));
      const size_t span = (region[2] - 1) * slice + (region[1] - 1) * row + region[0];
      if (span > size) break;
      const size_t bo[3] = {pick(size - span + 1), 0, 0}, ho[3] = {0, 0, 0};
      std::vector<uint8_t> host(span, 0);
      ASSERT_EQ(clEnqueueReadBufferRect(queue, buf[which], CL_TRUE, bo, ho, region, row, slice, row, slice, host.data(), 0,
                                        nullptr, nullptr),
                CL_SUCCESS);
      for (size_t z = 0; z < region[2]; ++z)
        for (size_t y = 0; y < region[1]; ++y)
          ASSERT_EQ(std::memcmp(host.data() + z * slice + y * row, model[which].data() + bo[0] + z * slice + y * row,
                                region[0]),
                    0)
              << "step " << step;
      break;
    }
    }
  }
  for (int n : done) EXPECT_GT(n, 50);  // every kind of operation was exercised
  for (int i = 0; i < 2; ++i) {
    std::vector<uint8_t> out(size);
    ASSERT_EQ(clEnqueueReadBuffer(queue, buf[i], CL_TRUE, 0, size, out.data(), 0, nullptr, nullptr), CL_SUCCESS);
    EXPECT_EQ(out, model[i]) << "buffer " << i;
    clReleaseMemObject(buf[i]);
  }
}

TEST_F(ClBuffer, TransferErrorCodes) {
  cl_int err;
  cl_mem buf = clCreateBuffer(context, CL_MEM_READ_WRITE, 256, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  uint8_t host[512] = {};
  EXPECT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 200, 100, host, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueReadBuffer(queue, buf, CL_TRUE, 0, 16, nullptr, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueWriteBuffer(queue, buf, CL_TRUE, 256, 1, host, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueCopyBuffer(queue, buf, buf, 0, 8, 16, 0, nullptr, nullptr), CL_MEM_COPY_OVERLAP);
  EXPECT_EQ(clEnqueueCopyBuffer(queue, buf, buf, 0, 200, 100, 0, nullptr, nullptr), CL_INVALID_VALUE);
  const uint32_t pat = 1;
  EXPECT_EQ(clEnqueueFillBuffer(queue, buf, &pat, 3, 0, 12, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueFillBuffer(queue, buf, &pat, 4, 2, 12, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueFillBuffer(queue, buf, nullptr, 4, 0, 12, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueFillBuffer(queue, buf, &pat, 256, 0, 256, 0, nullptr, nullptr), CL_INVALID_VALUE);
  const size_t origin[3] = {0, 0, 0}, region[3] = {16, 4, 1}, zero_region[3] = {16, 0, 1};
  EXPECT_EQ(clEnqueueReadBufferRect(queue, buf, CL_TRUE, origin, origin, zero_region, 0, 0, 0, 0, host, 0, nullptr, nullptr),
            CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueReadBufferRect(queue, buf, CL_TRUE, origin, origin, region, 8, 0, 0, 0, host, 0, nullptr, nullptr),
            CL_INVALID_VALUE);  // row pitch below the region's width
  EXPECT_EQ(clEnqueueReadBufferRect(queue, buf, CL_TRUE, origin, origin, region, 100, 0, 0, 0, host, 0, nullptr, nullptr),
            CL_INVALID_VALUE);  // past the end
  EXPECT_EQ(clEnqueueCopyBufferRect(queue, buf, buf, origin, origin, region, 16, 64, 16, 64, 0, nullptr, nullptr),
            CL_MEM_COPY_OVERLAP);
  // Map and unmap.
  EXPECT_EQ(clEnqueueMapBuffer(queue, buf, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE_INVALIDATE_REGION, 0, 16, 0, nullptr,
                               nullptr, &err),
            nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueMapBuffer(queue, buf, CL_TRUE, CL_MAP_READ, 250, 16, 0, nullptr, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueUnmapMemObject(queue, buf, host, 0, nullptr, nullptr), CL_INVALID_VALUE);  // never mapped
  // Host access flags.
  cl_mem no_access = clCreateBuffer(context, CL_MEM_HOST_NO_ACCESS, 64, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clEnqueueReadBuffer(queue, no_access, CL_TRUE, 0, 4, host, 0, nullptr, nullptr), CL_INVALID_OPERATION);
  EXPECT_EQ(clEnqueueMapBuffer(queue, no_access, CL_TRUE, CL_MAP_WRITE, 0, 4, 0, nullptr, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_OPERATION);
  // Migration: valid objects and flags only.
  EXPECT_EQ(clEnqueueMigrateMemObjects(queue, 1, &buf, CL_MIGRATE_MEM_OBJECT_HOST, 0, nullptr, nullptr), CL_SUCCESS);
  EXPECT_EQ(clEnqueueMigrateMemObjects(queue, 0, &buf, 0, 0, nullptr, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clEnqueueMigrateMemObjects(queue, 1, &buf, 0x80, 0, nullptr, nullptr), CL_INVALID_VALUE);
  // Memory from another context.
  cl_context other = clCreateContext(nullptr, 1, &device, nullptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  cl_mem foreign = clCreateBuffer(other, CL_MEM_READ_WRITE, 64, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  EXPECT_EQ(clEnqueueReadBuffer(queue, foreign, CL_TRUE, 0, 4, host, 0, nullptr, nullptr), CL_INVALID_CONTEXT);
  EXPECT_EQ(clEnqueueMigrateMemObjects(queue, 1, &foreign, 0, 0, nullptr, nullptr), CL_INVALID_CONTEXT);
  ASSERT_EQ(clFinish(queue), CL_SUCCESS);
  for (cl_mem m : {buf, no_access, foreign}) clReleaseMemObject(m);
  clReleaseContext(other);
}

// Images and samplers: test_images.cpp.
TEST_F(ClBuffer, PipesAndSvmAreRefused) {
  cl_int err;
  EXPECT_EQ(clCreatePipe(context, CL_MEM_READ_WRITE, 4, 16, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_OPERATION);
  EXPECT_EQ(clSVMAlloc(context, CL_MEM_READ_WRITE, 64, 0), nullptr);
  EXPECT_EQ(clEnqueueNativeKernel(queue, nullptr, nullptr, 0, 0, nullptr, nullptr, 0, nullptr, nullptr),
            CL_INVALID_OPERATION);
}
