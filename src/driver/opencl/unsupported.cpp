// Entry points of features the Mica device does not have: pipes, shared virtual memory, native kernels, device partitioning through cl_ext_device_fission,
// and GL/EGL sharing. Each validates what it can and returns the code the specification gives for a
// device without the feature, so applications that probe for them get an answer, never a crash.
#include "context.h"
#include "device.h"
#include "memory.h"
#include "object.h"
#include "queue.h"

using namespace mica;
using namespace mica::cl;

namespace {
// Contexts never hold a device with pipes/SVM, so creation fails like this once the
// arguments that are checked first are valid.
template <typename H> H refuse_in_context(cl_context context, cl_int* errcode_ret, cl_int code) {
  set_error(errcode_ret, checked<Context>(context) ? code : CL_INVALID_CONTEXT);
  return nullptr;
}
cl_int refuse_on_queue(cl_command_queue queue, cl_int code) {
  return checked<Queue>(queue) ? code : CL_INVALID_COMMAND_QUEUE;
}
}  // namespace

// ---- Pipes (CL_DEVICE_PIPE_SUPPORT is CL_FALSE) ----

CL_API_ENTRY cl_mem CL_API_CALL clCreatePipe(cl_context context, cl_mem_flags, cl_uint, cl_uint, const cl_pipe_properties*,
                                            cl_int* errcode_ret) {
  return refuse_in_context<cl_mem>(context, errcode_ret, CL_INVALID_OPERATION);
}
CL_API_ENTRY cl_int CL_API_CALL clGetPipeInfo(cl_mem, cl_pipe_info, size_t, void*, size_t*) { return CL_INVALID_MEM_OBJECT; }

// ---- Shared virtual memory (CL_DEVICE_SVM_CAPABILITIES is 0) ----

CL_API_ENTRY void* CL_API_CALL clSVMAlloc(cl_context, cl_svm_mem_flags, size_t, cl_uint) { return nullptr; }
CL_API_ENTRY void CL_API_CALL clSVMFree(cl_context, void*) {}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMFree(cl_command_queue q, cl_uint, void*[],
                                                void(CL_CALLBACK*)(cl_command_queue, cl_uint, void*[], void*), void*,
                                                cl_uint, const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_OPERATION);
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMMemcpy(cl_command_queue q, cl_bool, void*, const void*, size_t, cl_uint,
                                                  const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_OPERATION);
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMMemFill(cl_command_queue q, void*, const void*, size_t, size_t, cl_uint,
                                                   const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_OPERATION);
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMMap(cl_command_queue q, cl_bool, cl_map_flags, void*, size_t, cl_uint,
                                               const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_OPERATION);
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMUnmap(cl_command_queue q, void*, cl_uint, const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_OPERATION);
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueSVMMigrateMem(cl_command_queue q, cl_uint, const void**, const size_t*,
                                                      cl_mem_migration_flags, cl_uint, const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_OPERATION);
}

// ---- Native kernels (CL_DEVICE_EXECUTION_CAPABILITIES lacks CL_EXEC_NATIVE_KERNEL) ----

CL_API_ENTRY cl_int CL_API_CALL clEnqueueNativeKernel(cl_command_queue q, void(CL_CALLBACK*)(void*), void*, size_t,
                                                     cl_uint, const cl_mem*, const void**, cl_uint, const cl_event*,
                                                     cl_event*) {
  return refuse_on_queue(q, CL_INVALID_OPERATION);
}

// ---- cl_ext_device_fission (not advertised; the 1.2 core functions answer the same) ----

CL_API_ENTRY cl_int CL_API_CALL clCreateSubDevicesEXT(cl_device_id in_device, const cl_device_partition_property_ext*,
                                                     cl_uint, cl_device_id*, cl_uint*) {
  return checked<Device>(in_device) ? CL_INVALID_VALUE : CL_INVALID_DEVICE;
}
CL_API_ENTRY cl_int CL_API_CALL clRetainDeviceEXT(cl_device_id device) { return clRetainDevice(device); }
CL_API_ENTRY cl_int CL_API_CALL clReleaseDeviceEXT(cl_device_id device) { return clReleaseDevice(device); }

// ---- GL and EGL sharing (no context is ever created from a GL or EGL context) ----

CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLBuffer(cl_context context, cl_mem_flags, cl_GLuint, cl_int* errcode_ret) {
  return refuse_in_context<cl_mem>(context, errcode_ret, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLTexture(cl_context context, cl_mem_flags, cl_GLenum, cl_GLint, cl_GLuint,
                                                     cl_int* errcode_ret) {
  return refuse_in_context<cl_mem>(context, errcode_ret, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLTexture2D(cl_context context, cl_mem_flags, cl_GLenum, cl_GLint, cl_GLuint,
                                                       cl_int* errcode_ret) {
  return refuse_in_context<cl_mem>(context, errcode_ret, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLTexture3D(cl_context context, cl_mem_flags, cl_GLenum, cl_GLint, cl_GLuint,
                                                       cl_int* errcode_ret) {
  return refuse_in_context<cl_mem>(context, errcode_ret, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_mem CL_API_CALL clCreateFromGLRenderbuffer(cl_context context, cl_mem_flags, cl_GLuint,
                                                          cl_int* errcode_ret) {
  return refuse_in_context<cl_mem>(context, errcode_ret, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_int CL_API_CALL clGetGLObjectInfo(cl_mem, cl_gl_object_type*, cl_GLuint*) { return CL_INVALID_MEM_OBJECT; }
CL_API_ENTRY cl_int CL_API_CALL clGetGLTextureInfo(cl_mem, cl_gl_texture_info, size_t, void*, size_t*) {
  return CL_INVALID_MEM_OBJECT;
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueAcquireGLObjects(cl_command_queue q, cl_uint, const cl_mem*, cl_uint,
                                                         const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueReleaseGLObjects(cl_command_queue q, cl_uint, const cl_mem*, cl_uint,
                                                         const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_int CL_API_CALL clGetGLContextInfoKHR(const cl_context_properties*, cl_gl_context_info, size_t, void*,
                                                     size_t*) {
  return CL_INVALID_GL_SHAREGROUP_REFERENCE_KHR;
}
CL_API_ENTRY cl_event CL_API_CALL clCreateEventFromGLsyncKHR(cl_context context, cl_GLsync, cl_int* errcode_ret) {
  return refuse_in_context<cl_event>(context, errcode_ret, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_mem CL_API_CALL clCreateFromEGLImageKHR(cl_context context, CLeglDisplayKHR, CLeglImageKHR, cl_mem_flags,
                                                       const cl_egl_image_properties_khr*, cl_int* errcode_ret) {
  return refuse_in_context<cl_mem>(context, errcode_ret, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueAcquireEGLObjectsKHR(cl_command_queue q, cl_uint, const cl_mem*, cl_uint,
                                                             const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_int CL_API_CALL clEnqueueReleaseEGLObjectsKHR(cl_command_queue q, cl_uint, const cl_mem*, cl_uint,
                                                             const cl_event*, cl_event*) {
  return refuse_on_queue(q, CL_INVALID_CONTEXT);
}
CL_API_ENTRY cl_event CL_API_CALL clCreateEventFromEGLSyncKHR(cl_context context, CLeglSyncKHR, CLeglDisplayKHR,
                                                             cl_int* errcode_ret) {
  return refuse_in_context<cl_event>(context, errcode_ret, CL_INVALID_CONTEXT);
}
