// Execution corpus: __local memory, barriers, atomics, pointers and address spaces.
__kernel void reduce(__global const uint *in, __global uint *out, __local uint *scratch)
{
	size_t l = get_local_id(0), n = get_local_size(0);
	scratch[l] = in[get_global_id(0)];
	barrier(CLK_LOCAL_MEM_FENCE);
	for (size_t s = n / 2; s > 0; s >>= 1) {
		if (l < s)
			scratch[l] += scratch[l + s];
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (l == 0)
		out[get_group_id(0)] = scratch[0];
}

// A kernel-scope __local array next to a __local argument.
__kernel void local_both(__global int *out, __local int *arg)
{
	__local int own[64];
	size_t l = get_local_id(0);
	own[l] = (int)l * 3;
	arg[l] = (int)l + 100;
	barrier(CLK_LOCAL_MEM_FENCE);
	size_t n = get_local_size(0);
	out[get_global_id(0)] = own[n - 1 - l] + arg[(l + 1) % n];
}

__kernel void histogram(__global const uchar *in, __global uint *global_bins, __global ulong *total)
{
	__local uint bins[16];
	size_t l = get_local_id(0);
	if (l < 16)
		bins[l] = 0;
	barrier(CLK_LOCAL_MEM_FENCE);
	atomic_inc(&bins[in[get_global_id(0)] & 15]);
	barrier(CLK_LOCAL_MEM_FENCE);
	if (l < 16)
		atomic_add(&global_bins[l], bins[l]);
	atom_add(total, (ulong)in[get_global_id(0)] << 33);
}

// Pointer arithmetic, pointer phis, pointer differences, a constant table.
__constant int table[8] = {3, 1, 4, 1, 5, 9, 2, 6};

__kernel void pointers(__global int *out, __global const int *in, int n)
{
	size_t i = get_global_id(0);
	__global const int *p = in + i;
	__global const int *end = in + n;
	int sum = 0;
	while (p < end) {
		sum += *p;
		p += 3;
	}
	out[i] = sum + (int)(end - p) + table[i & 7];
}

// A private array indexed at run time (scratch memory).
__kernel void private_array(__global int *out, __global const int *idx)
{
	int a[16];
	size_t i = get_global_id(0);
	for (int k = 0; k < 16; k++)
		a[k] = k * k + (int)i;
	out[i] = a[idx[i] & 15] + a[(idx[i] >> 4) & 15];
}

// 64-bit atomics on __local memory (regression: the operand came from a 32-bit built-in value).
__kernel void local_atomics64(__global long *out)
{
	__local long acc;
	size_t l = get_local_id(0);
	if (l == 0)
		acc = 0;
	barrier(CLK_LOCAL_MEM_FENCE);
	atom_add(&acc, (long)l << 34);
	atom_xor(&acc, (long)l);
	barrier(CLK_LOCAL_MEM_FENCE);
	if (l == 0)
		out[get_group_id(0)] = acc;
}

// Generic pointers to private and __global memory through a call that is not inlined by clang,
// and the address alignment of private objects (Piglit realign-stack).
__attribute__((noinline)) int sum_generic(int *p, int n)
{
	int s = 0;
	for (int k = 0; k < n; k++)
		s += p[k] * (k + 1);
	return s;
}

__kernel void private_generic(__global int *out, __global int *in)
{
	int priv[5];
	size_t i = get_global_id(0);
	for (int k = 0; k < 5; k++)
		priv[k] = in[i] + k;
	volatile long16 align128 = 0;
	volatile int4 align16 = 0;
	out[i * 4 + 0] = sum_generic(priv, 5);
	out[i * 4 + 1] = sum_generic(in + i, 1);
	out[i * 4 + 2] = (int)(((uintptr_t)&align128) & 127) + (int)(((uintptr_t)&align16) & 15);
	out[i * 4 + 3] = align16.y + (int)align128.s3;
}
