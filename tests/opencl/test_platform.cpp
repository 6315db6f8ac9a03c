// Platform and device queries through ocl-icd: cl_khr_icd, every OpenCL 3.0 device query, and the
// error codes of the query and enumeration entry points.
#include "cl_test.h"

#include <CL/cl_ext.h>

#include <cstring>

using namespace cltest;

TEST(ClPlatform, IcdPlatformAnswersItsQueries) {
  cl_platform_id p = mica_platform();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(platform_string(p, CL_PLATFORM_PROFILE), "FULL_PROFILE");
  EXPECT_EQ(platform_string(p, CL_PLATFORM_VERSION).rfind("OpenCL 3.0 ", 0), 0u);
  EXPECT_NE(platform_string(p, CL_PLATFORM_EXTENSIONS).find("cl_khr_icd"), std::string::npos);
  EXPECT_EQ(platform_string(p, CL_PLATFORM_ICD_SUFFIX_KHR), "MICA");
  cl_version v = 0;
  ASSERT_EQ(clGetPlatformInfo(p, CL_PLATFORM_NUMERIC_VERSION, sizeof v, &v, nullptr), CL_SUCCESS);
  EXPECT_EQ(CL_VERSION_MAJOR(v), 3u);
  EXPECT_EQ(CL_VERSION_MINOR(v), 0u);
  // Too small a buffer, and an unknown query.
  char tiny[2];
  EXPECT_EQ(clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof tiny, tiny, nullptr), CL_INVALID_VALUE);
  EXPECT_EQ(clGetPlatformInfo(p, 0x7777, 0, nullptr, nullptr), CL_INVALID_VALUE);
}

TEST(ClPlatform, ExtensionFunctionLookup) {
  cl_platform_id p = mica_platform();
  ASSERT_NE(p, nullptr);
  EXPECT_NE(clGetExtensionFunctionAddressForPlatform(p, "clIcdGetPlatformIDsKHR"), nullptr);
  EXPECT_EQ(clGetExtensionFunctionAddressForPlatform(p, "clNoSuchFunctionMICA"), nullptr);
  // The one advertised ICD entry point works when called directly.
  auto get_ids = reinterpret_cast<clIcdGetPlatformIDsKHR_fn>(clGetExtensionFunctionAddressForPlatform(p, "clIcdGetPlatformIDsKHR"));
  ASSERT_NE(get_ids, nullptr);
  cl_uint n = 0;
  cl_platform_id got = nullptr;
  EXPECT_EQ(get_ids(1, &got, &n), CL_SUCCESS);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(got, p);
  EXPECT_EQ(get_ids(0, &got, nullptr), CL_INVALID_VALUE);
}

TEST(ClPlatform, DeviceEnumeration) {
  cl_platform_id p = mica_platform();
  ASSERT_NE(p, nullptr);
  cl_device_id d = nullptr;
  cl_uint n = 0;
  EXPECT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_GPU, 1, &d, &n), CL_SUCCESS);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_DEFAULT, 1, &d, nullptr), CL_SUCCESS);
  EXPECT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_CPU, 1, &d, &n), CL_DEVICE_NOT_FOUND);
  EXPECT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_ACCELERATOR, 1, &d, &n), CL_DEVICE_NOT_FOUND);
  EXPECT_EQ(clGetDeviceIDs(p, cl_device_type(1) << 40, 1, &d, &n), CL_INVALID_DEVICE_TYPE);
  EXPECT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, &d, &n), CL_INVALID_VALUE);
  EXPECT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, nullptr, nullptr), CL_INVALID_VALUE);
  // Root devices: retain/release succeed and do not count.
  ASSERT_EQ(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &d, nullptr), CL_SUCCESS);
  EXPECT_EQ(clRetainDevice(d), CL_SUCCESS);
  EXPECT_EQ(clReleaseDevice(d), CL_SUCCESS);
  cl_uint refs = 0;
  EXPECT_EQ(clGetDeviceInfo(d, CL_DEVICE_REFERENCE_COUNT, sizeof refs, &refs, nullptr), CL_SUCCESS);
  EXPECT_EQ(refs, 1u);
  // Partitioning is not supported.
  const cl_device_partition_property equally[] = {CL_DEVICE_PARTITION_EQUALLY, 1, 0};
  EXPECT_EQ(clCreateSubDevices(d, equally, 0, nullptr, &n), CL_INVALID_VALUE);
}

// Every clGetDeviceInfo query of OpenCL 3.0 answers; the ones a device without the feature may
// answer with an empty value are listed separately.
TEST(ClPlatform, EveryDeviceQueryAnswers) {
  cl_device_id d = mica_device();
  ASSERT_NE(d, nullptr);
  const cl_device_info queries[] = {
      CL_DEVICE_TYPE, CL_DEVICE_VENDOR_ID, CL_DEVICE_MAX_COMPUTE_UNITS, CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS,
      CL_DEVICE_MAX_WORK_ITEM_SIZES, CL_DEVICE_MAX_WORK_GROUP_SIZE, CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR,
      CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT, CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT, CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG,
      CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE,
      CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF, CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR, CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT,
      CL_DEVICE_NATIVE_VECTOR_WIDTH_INT, CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG, CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT,
      CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE, CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF, CL_DEVICE_MAX_CLOCK_FREQUENCY,
      CL_DEVICE_ADDRESS_BITS, CL_DEVICE_MAX_MEM_ALLOC_SIZE, CL_DEVICE_IMAGE_SUPPORT, CL_DEVICE_MAX_READ_IMAGE_ARGS,
      CL_DEVICE_MAX_WRITE_IMAGE_ARGS, CL_DEVICE_MAX_READ_WRITE_IMAGE_ARGS, CL_DEVICE_IL_VERSION,
      CL_DEVICE_ILS_WITH_VERSION, CL_DEVICE_IMAGE2D_MAX_WIDTH, CL_DEVICE_IMAGE2D_MAX_HEIGHT,
      CL_DEVICE_IMAGE3D_MAX_WIDTH, CL_DEVICE_IMAGE3D_MAX_HEIGHT, CL_DEVICE_IMAGE3D_MAX_DEPTH,
      CL_DEVICE_IMAGE_MAX_BUFFER_SIZE, CL_DEVICE_IMAGE_MAX_ARRAY_SIZE, CL_DEVICE_MAX_SAMPLERS,
      CL_DEVICE_IMAGE_PITCH_ALIGNMENT, CL_DEVICE_IMAGE_BASE_ADDRESS_ALIGNMENT, CL_DEVICE_MAX_PIPE_ARGS,
      CL_DEVICE_PIPE_MAX_ACTIVE_RESERVATIONS, CL_DEVICE_PIPE_MAX_PACKET_SIZE, CL_DEVICE_MAX_PARAMETER_SIZE,
      CL_DEVICE_MEM_BASE_ADDR_ALIGN, CL_DEVICE_SINGLE_FP_CONFIG, CL_DEVICE_DOUBLE_FP_CONFIG,
      CL_DEVICE_GLOBAL_MEM_CACHE_TYPE, CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE,
      CL_DEVICE_GLOBAL_MEM_SIZE, CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE, CL_DEVICE_MAX_CONSTANT_ARGS,
      CL_DEVICE_MAX_GLOBAL_VARIABLE_SIZE, CL_DEVICE_GLOBAL_VARIABLE_PREFERRED_TOTAL_SIZE, CL_DEVICE_LOCAL_MEM_TYPE,
      CL_DEVICE_LOCAL_MEM_SIZE, CL_DEVICE_ERROR_CORRECTION_SUPPORT, CL_DEVICE_PROFILING_TIMER_RESOLUTION,
      CL_DEVICE_ENDIAN_LITTLE, CL_DEVICE_AVAILABLE, CL_DEVICE_COMPILER_AVAILABLE, CL_DEVICE_LINKER_AVAILABLE,
      CL_DEVICE_EXECUTION_CAPABILITIES, CL_DEVICE_QUEUE_ON_HOST_PROPERTIES, CL_DEVICE_QUEUE_ON_DEVICE_PROPERTIES,
      CL_DEVICE_QUEUE_ON_DEVICE_PREFERRED_SIZE, CL_DEVICE_QUEUE_ON_DEVICE_MAX_SIZE, CL_DEVICE_MAX_ON_DEVICE_QUEUES,
      CL_DEVICE_MAX_ON_DEVICE_EVENTS, CL_DEVICE_BUILT_IN_KERNELS, CL_DEVICE_PLATFORM, CL_DEVICE_NAME,
      CL_DEVICE_VENDOR, CL_DRIVER_VERSION, CL_DEVICE_PROFILE, CL_DEVICE_VERSION, CL_DEVICE_NUMERIC_VERSION,
      CL_DEVICE_OPENCL_C_VERSION, CL_DEVICE_OPENCL_C_ALL_VERSIONS, CL_DEVICE_OPENCL_C_FEATURES,
      CL_DEVICE_EXTENSIONS, CL_DEVICE_PRINTF_BUFFER_SIZE, CL_DEVICE_PREFERRED_INTEROP_USER_SYNC,
      CL_DEVICE_PARENT_DEVICE, CL_DEVICE_PARTITION_MAX_SUB_DEVICES, CL_DEVICE_PARTITION_PROPERTIES,
      CL_DEVICE_PARTITION_AFFINITY_DOMAIN, CL_DEVICE_REFERENCE_COUNT, CL_DEVICE_SVM_CAPABILITIES,
      CL_DEVICE_PREFERRED_PLATFORM_ATOMIC_ALIGNMENT, CL_DEVICE_PREFERRED_GLOBAL_ATOMIC_ALIGNMENT,
      CL_DEVICE_PREFERRED_LOCAL_ATOMIC_ALIGNMENT, CL_DEVICE_MAX_NUM_SUB_GROUPS,
      CL_DEVICE_SUB_GROUP_INDEPENDENT_FORWARD_PROGRESS, CL_DEVICE_ATOMIC_MEMORY_CAPABILITIES,
      CL_DEVICE_ATOMIC_FENCE_CAPABILITIES, CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT,
      CL_DEVICE_WORK_GROUP_COLLECTIVE_FUNCTIONS_SUPPORT, CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT,
      CL_DEVICE_DEVICE_ENQUEUE_CAPABILITIES, CL_DEVICE_PIPE_SUPPORT, CL_DEVICE_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
      CL_DEVICE_LATEST_CONFORMANCE_VERSION_PASSED, CL_DEVICE_HALF_FP_CONFIG, CL_DEVICE_HOST_UNIFIED_MEMORY,
      CL_DEVICE_MIN_DATA_TYPE_ALIGN_SIZE};
  for (cl_device_info q : queries) {
    size_t n = 0;
    EXPECT_EQ(clGetDeviceInfo(d, q, 0, nullptr, &n), CL_SUCCESS) << "query 0x" << std::hex << q;
    EXPECT_GT(n, 0u) << "query 0x" << std::hex << q;
    std::vector<uint8_t> value(n + 1);
    EXPECT_EQ(clGetDeviceInfo(d, q, n, value.data(), nullptr), CL_SUCCESS) << "query 0x" << std::hex << q;
    if (n > 1) {
      EXPECT_EQ(clGetDeviceInfo(d, q, n - 1, value.data(), nullptr), CL_INVALID_VALUE) << std::hex << q;
    }
  }
  // May be empty: no built-in kernels, no partition of a root device, no extensions yet.
  for (cl_device_info q : {CL_DEVICE_BUILT_IN_KERNELS_WITH_VERSION, CL_DEVICE_PARTITION_TYPE, CL_DEVICE_EXTENSIONS_WITH_VERSION}) {
    size_t n = 1;
    EXPECT_EQ(clGetDeviceInfo(d, q, 0, nullptr, &n), CL_SUCCESS) << std::hex << q;
  }
  EXPECT_EQ(clGetDeviceInfo(d, 0x7777, 0, nullptr, nullptr), CL_INVALID_VALUE);
}

TEST(ClPlatform, DeviceAnswersAreConsistent) {
  cl_device_id d = mica_device();
  ASSERT_NE(d, nullptr);
  cl_bool images = CL_FALSE;
  ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_IMAGE_SUPPORT, sizeof images, &images, nullptr), CL_SUCCESS);
  EXPECT_EQ(images, CL_TRUE);  // the texture unit (test_images.cpp)
  // The extension string and the versioned list name the same extensions.
  const std::string ext = device_string(d, CL_DEVICE_EXTENSIONS);
  size_t n = 0;
  ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS_WITH_VERSION, 0, nullptr, &n), CL_SUCCESS);
  std::vector<cl_name_version> list(n / sizeof(cl_name_version));
  if (n) { ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS_WITH_VERSION, n, list.data(), nullptr), CL_SUCCESS); }
  std::string joined;
  for (const auto& e : list) joined += (joined.empty() ? "" : " ") + std::string(e.name);
  EXPECT_EQ(ext, joined);
  // 3D image writes come with images (the texture unit stores to 3D images: test_images.cpp).
  EXPECT_NE(ext.find("cl_khr_3d_image_writes"), std::string::npos);
  // Work-item sizes within the work-group size; platform handle round-trips.
  size_t sizes[3] = {};
  size_t wg = 0;
  ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof sizes, sizes, nullptr), CL_SUCCESS);
  ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, nullptr), CL_SUCCESS);
  for (size_t s : sizes) { EXPECT_LE(s, wg); }
  cl_platform_id p = nullptr;
  ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_PLATFORM, sizeof p, &p, nullptr), CL_SUCCESS);
  EXPECT_EQ(p, mica_platform());
  cl_ulong global = 0, max_alloc = 0;
  ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global, &global, nullptr), CL_SUCCESS);
  ASSERT_EQ(clGetDeviceInfo(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, nullptr), CL_SUCCESS);
  // OpenCL 3.0's minimum: max(min(1 GiB, global / 4), 32 MiB).
  EXPECT_GE(max_alloc, std::max<cl_ulong>(std::min<cl_ulong>(1ull << 30, global / 4), 32ull << 20));
  EXPECT_LE(max_alloc, global);
}

TEST(ClPlatform, ContextsFromTypeAndProperties) {
  cl_platform_id p = mica_platform();
  ASSERT_NE(p, nullptr);
  cl_int err = CL_SUCCESS;
  const cl_context_properties props[] = {CL_CONTEXT_PLATFORM, cl_context_properties(p), 0};
  cl_context c = clCreateContextFromType(props, CL_DEVICE_TYPE_GPU, nullptr, nullptr, &err);
  ASSERT_EQ(err, CL_SUCCESS);
  size_t n = 0;
  ASSERT_EQ(clGetContextInfo(c, CL_CONTEXT_PROPERTIES, 0, nullptr, &n), CL_SUCCESS);
  EXPECT_EQ(n, sizeof props);
  std::vector<cl_context_properties> got(n / sizeof(cl_context_properties));
  ASSERT_EQ(clGetContextInfo(c, CL_CONTEXT_PROPERTIES, n, got.data(), nullptr), CL_SUCCESS);
  EXPECT_EQ(std::memcmp(got.data(), props, sizeof props), 0);
  cl_uint devices = 0;
  EXPECT_EQ(clGetContextInfo(c, CL_CONTEXT_NUM_DEVICES, sizeof devices, &devices, nullptr), CL_SUCCESS);
  EXPECT_EQ(devices, 1u);
  EXPECT_EQ(clReleaseContext(c), CL_SUCCESS);

  EXPECT_EQ(clCreateContextFromType(props, CL_DEVICE_TYPE_CPU, nullptr, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_DEVICE_NOT_FOUND);
  const cl_context_properties twice[] = {CL_CONTEXT_PLATFORM, cl_context_properties(p), CL_CONTEXT_PLATFORM,
                                         cl_context_properties(p), 0};
  EXPECT_EQ(clCreateContextFromType(twice, CL_DEVICE_TYPE_ALL, nullptr, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_PROPERTY);
  cl_device_id d = mica_device();
  // (clCreateContextFromType without CL_CONTEXT_PLATFORM is answered by ocl-icd itself.)
  const cl_context_properties unknown[] = {0x7777, 1, 0};
  EXPECT_EQ(clCreateContext(unknown, 1, &d, nullptr, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_PROPERTY);
  int user = 0;
  EXPECT_EQ(clCreateContext(nullptr, 1, &d, nullptr, &user, &err), nullptr);  // user_data without pfn_notify
  EXPECT_EQ(err, CL_INVALID_VALUE);
  EXPECT_EQ(clCreateContext(nullptr, 0, &d, nullptr, nullptr, &err), nullptr);
  EXPECT_EQ(err, CL_INVALID_VALUE);
}
