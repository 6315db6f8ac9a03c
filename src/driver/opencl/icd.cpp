// Extension function lookup. The only functions reached by name are the cl_khr_icd entry point and
// the extension functions this driver implements behind its advertised extensions.
#include "object.h"
#include "platform.h"

#include <cstring>

namespace {
struct NamedFunction {
  const char* name;
  void* address;
};

const NamedFunction kFunctions[] = {
    {"clIcdGetPlatformIDsKHR", reinterpret_cast<void*>(&clIcdGetPlatformIDsKHR)},
    {"clGetKernelSubGroupInfoKHR", reinterpret_cast<void*>(&clGetKernelSubGroupInfoKHR)},
    // cl_khr_il_program: the same as the OpenCL 2.1 core function.
    {"clCreateProgramWithILKHR", reinterpret_cast<void*>(&clCreateProgramWithIL)},
};

void* lookup(const char* name) {
  if (!name) return nullptr;
  for (const auto& f : kFunctions)
    if (std::strcmp(f.name, name) == 0) return f.address;
  return nullptr;
}
}  // namespace

using namespace mica;
using namespace mica::cl;

MICA_CL_EXPORT CL_API_ENTRY void* CL_API_CALL clGetExtensionFunctionAddress(const char* func_name) { return lookup(func_name); }

MICA_CL_EXPORT CL_API_ENTRY void* CL_API_CALL clGetExtensionFunctionAddressForPlatform(cl_platform_id platform, const char* func_name) {
  if (!checked<Platform>(platform)) return nullptr;
  return lookup(func_name);
}
