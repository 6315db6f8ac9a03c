// Kernels compiled offline (clang-15 + llvm-spirv-15) for the IL tests and the execution tests.
__kernel void add_offset(__global int* out, __global const int* in, int offset) {
  size_t i = get_global_id(0);
  out[i] = in[i] + offset;
}
