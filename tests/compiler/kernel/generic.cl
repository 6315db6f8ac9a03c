// OpenCL C 3.0 __opencl_c_generic_address_space: the address space functions on generic
// pointers to __global, __local and private memory (kernel_generic_test.cpp).

// get_fence, to_global, to_local and to_private of one generic pointer, as bits.
__attribute__((noinline)) uint classify(int *g)
{
	return get_fence(g) | (to_global(g) != 0) << 4 | (to_local(g) != 0) << 5 | ((uintptr_t)to_private(g) != 0) << 6;
}

// Odd work-items pass a __local pointer, even ones a __global one; each also passes a pointer
// to its own private array (kept in scratch memory by the call).
__kernel void address_spaces(__global uint *out, __local int *l)
{
	int p[4] = {1, 2, 3, (int)get_global_id(0)};
	size_t i = get_global_id(0), k = get_local_id(0);
	l[k + 1] = (int)k;
	int *g = (i & 1) ? (int *)&l[k + 1] : (int *)&out[i * 3];
	out[i * 3 + 0] = classify(g);
	out[i * 3 + 1] = classify(&p[i & 3]);
	out[i * 3 + 2] = *to_private((int *)&p[(i + 1) & 3]) + (i & 1 ? *to_local(g) : 0);
}
