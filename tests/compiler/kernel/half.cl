// cl_khr_fp16: half arithmetic, conversions with every rounding mode and saturation, half
// vectors and OpenCL.std on half (kernel_half_test.cpp checks against host references).
#pragma OPENCL EXTENSION cl_khr_fp16 : enable

// +, -, *, / correctly rounded, sqrt and fma correctly rounded (fma computed in f64).
__kernel void arith(__global const half *a, __global const half *b, __global const half *c, __global half *out)
{
	size_t i = get_global_id(0);
	half x = a[i], y = b[i], z = c[i];
	out[i * 7 + 0] = x + y;
	out[i * 7 + 1] = x - y;
	out[i * 7 + 2] = x * y;
	out[i * 7 + 3] = x / y;
	out[i * 7 + 4] = sqrt(x);
	out[i * 7 + 5] = fma(x, y, z);
	out[i * 7 + 6] = 1.0h / y;
}

// half vectors: arithmetic, comparisons (shortn results), select and OpenCL.std on half4.
__kernel void vectors(__global const half4 *a, __global const half4 *b, __global half4 *out, __global short4 *cmp)
{
	size_t i = get_global_id(0);
	half4 x = a[i], y = b[i];
	out[i * 5 + 0] = x * y + (half4)(0.5h);
	out[i * 5 + 1] = clamp(x, (half)-1.0h, (half)1.0h);
	out[i * 5 + 2] = fmax(x, y);
	out[i * 5 + 3] = select(x, y, x < y);
	out[i * 5 + 4] = fabs(x) + copysign(y, x);
	cmp[i * 2 + 0] = x < y;
	cmp[i * 2 + 1] = isnan(x) | (isequal(x, y) << 1);
}

// Every conversion to half from float, double and the integer types with each rounding mode.
#define TO_HALF(T)                                                                                 \
	__kernel void to_half_##T(__global const T *in, __global half *out)                            \
	{                                                                                              \
		size_t i = get_global_id(0);                                                               \
		T x = in[i];                                                                               \
		out[i * 5 + 0] = convert_half(x);                                                          \
		out[i * 5 + 1] = convert_half_rte(x);                                                      \
		out[i * 5 + 2] = convert_half_rtz(x);                                                      \
		out[i * 5 + 3] = convert_half_rtp(x);                                                      \
		out[i * 5 + 4] = convert_half_rtn(x);                                                      \
	}
TO_HALF(float)
TO_HALF(double)
TO_HALF(char)
TO_HALF(uchar)
TO_HALF(short)
TO_HALF(ushort)
TO_HALF(int)
TO_HALF(uint)
TO_HALF(long)
TO_HALF(ulong)

// half to integers: each rounding mode, plain and saturated.
#define FROM_HALF(T)                                                                               \
	__kernel void from_half_##T(__global const half *in, __global T *out)                          \
	{                                                                                              \
		size_t i = get_global_id(0);                                                               \
		half x = in[i];                                                                            \
		out[i * 5 + 0] = convert_##T##_sat(x);                                                     \
		out[i * 5 + 1] = convert_##T##_sat_rte(x);                                                 \
		out[i * 5 + 2] = convert_##T##_sat_rtz(x);                                                 \
		out[i * 5 + 3] = convert_##T##_sat_rtp(x);                                                 \
		out[i * 5 + 4] = convert_##T##_sat_rtn(x);                                                 \
	}
FROM_HALF(char)
FROM_HALF(uchar)
FROM_HALF(short)
FROM_HALF(ushort)
FROM_HALF(int)
FROM_HALF(uint)
FROM_HALF(long)
FROM_HALF(ulong)

// half to float and double (exact) and the unsaturated int conversion of in-range values.
__kernel void widen(__global const half *in, __global float *f, __global double *d, __global int *n)
{
	size_t i = get_global_id(0);
	f[i] = in[i];
	d[i] = convert_double(in[i]);
	n[i] = convert_int_rtn(clamp(in[i], (half)-30000.0h, (half)30000.0h));
}

// OpenCL.std functions with a pointer result on half (the stored part is a half too).
__kernel void out_params(__global const half *in, __global half *out)
{
	size_t i = get_global_id(0);
	half ip, fl, c;
	int e;
	out[i * 8 + 0] = modf(in[i], &ip);
	out[i * 8 + 1] = ip;
	out[i * 8 + 2] = fract(in[i], &fl);
	out[i * 8 + 3] = fl;
	out[i * 8 + 4] = sincos(in[i], &c);
	out[i * 8 + 5] = c;
	out[i * 8 + 6] = frexp(in[i], &e);
	out[i * 8 + 7] = (half)e;
}

// OpenCL.std math on half in a Kernel module (the f32 lowering, rounded once to half).
__kernel void math(__global const half *in, __global half *out)
{
	size_t i = get_global_id(0);
	half x = in[i];
	__global half *o = out + i * 16;
	o[0] = exp(x);
	o[1] = exp2(x);
	o[2] = exp10(x);
	o[3] = log(x);
	o[4] = log2(x);
	o[5] = log10(x);
	o[6] = sin(x);
	o[7] = cos(x);
	o[8] = tan(x);
	o[9] = asin(x);
	o[10] = atan(x);
	o[11] = sinh(x);
	o[12] = tanh(x);
	o[13] = cbrt(x);
	o[14] = erf(x);
	o[15] = rsqrt(x);
}
