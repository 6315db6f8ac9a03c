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
