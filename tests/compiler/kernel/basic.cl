// Execution corpus (kernel_exec_test.cpp): arithmetic, widths, vectors, structs, built-ins.
__kernel void saxpy(__global float *y, __global const float *x, float a)
{
	size_t i = get_global_id(0);
	y[i] = a * x[i] + y[i];
}

// 8/16/64-bit integers, signed and unsigned, division and shifts.
__kernel void int_widths(__global long *out, __global const char *c, __global const short *s, __global const ulong *u)
{
	size_t i = get_global_id(0);
	char a = c[i];
	short b = s[i];
	ulong x = u[i];
	long r = (long)a * 1000 + b;
	r += (long)(x >> 7) ^ (long)(x * 3u);
	r += (long)((uchar)a / 3) + (long)(b % 7);
	r += (long)(x / 1000003u);
	out[i] = r;
}

// Vectors up to 16 components: component access, swizzles, arithmetic, conversions.
__kernel void vectors(__global float4 *o4, __global const float4 *a, __global int8 *o8, __global uint16 *o16)
{
	size_t i = get_global_id(0);
	float4 v = a[i];
	float4 w = v.wzyx * 2.0f + (float4)(1.0f, 2.0f, 3.0f, 4.0f);
	o4[i] = w.xxyz + v;
	int8 k = (int8)((int)i, 1, 2, 3, 4, 5, 6, 7) * (int)i - 3;
	o8[i] = k.s76543210;
	uint16 u = (uint16)(i) + (uint16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
	o16[i] = u << (uint16)(1);
}

typedef struct {
	int a;
	float b;
	char c;
	long d;
	float4 v;
} Params;

// A struct by value (ByVal pointer into the argument block) and a struct in memory.
__kernel void structs(__global float *out, const Params p, __global Params *q)
{
	size_t i = get_global_id(0);
	out[i] = p.a * (float)i + p.b + p.c + (float)p.d + p.v.y;
	if (i == 0) {
		Params t = p;
		t.a += 1;
		t.v.w = 9.5f;
		q[0] = t;
	}
}

// The OpenCL work-item built-ins, with a global offset and a non-uniform range.
__kernel void builtins(__global uint *out)
{
	size_t gx = get_global_id(0), gy = get_global_id(1);
	size_t linear = (gy - get_global_offset(1)) * get_global_size(0) + (gx - get_global_offset(0));
	__global uint *o = out + linear * 12;
	o[0] = (uint)gx;
	o[1] = (uint)gy;
	o[2] = (uint)get_local_id(0);
	o[3] = (uint)get_local_id(1);
	o[4] = (uint)get_group_id(0);
	o[5] = (uint)get_group_id(1);
	o[6] = (uint)get_local_size(0);
	o[7] = (uint)get_local_size(1);
	o[8] = (uint)get_num_groups(0);
	o[9] = get_work_dim();
	o[10] = (uint)get_enqueued_local_size(0);
	o[11] = (uint)get_global_linear_id();
}
