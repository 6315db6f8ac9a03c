// OpenCL C builtins that clang + llvm-spirv turn into OpenCL.std instructions, run through the
// Kernel-model front end (kernel_builtins_test.cpp checks them against host references).
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

// vstore_half with every rounding mode, from float and from double
kernel void halves(global const float *x, global const double *xd, global half *rte, global half *rtz, global half *rtp,
                   global half *rtn, global half *drte, global half *drtz, global half *drtp, global half *drtn)
{
	size_t i = get_global_id(0);
	float v = x[i];
	vstore_half_rte(v, i, rte);
	vstore_half_rtz(v, i, rtz);
	vstore_half_rtp(v, i, rtp);
	vstore_half_rtn(v, i, rtn);
	double w = xd[i];
	vstore_half(w, i, drte);
	vstore_half_rtz(w, i, drtz);
	vstore_half_rtp(w, i, drtp);
	vstore_half_rtn(w, i, drtn);
}

// vloadn/vstoren (also 3-vectors at unaligned offsets), vload_halfn, vloada_halfn/vstorea_halfn
kernel void vectors(global const float *in, global float *out4, global float *out3, global const half *h,
                    global float *hout, global float *haout, global half *hst)
{
	size_t i = get_global_id(0);
	float4 v = vload4(i, in);
	vstore4(v + (float4)(1.0f, 2.0f, 3.0f, 4.0f), i, out4);
	float3 t = vload3(i, in + 1);
	vstore3(t * 2.0f, i, out3);
	vstore4(vload_half4(i, h), i, hout);
	float3 a = vloada_half3(i, h);
	vstore3(a, i, haout);
	vstorea_half3_rtz(a * 3.0f, i, hst);
}

// a sample of math, integer, relational and shuffle builtins
kernel void mixed(global const float *x, global const int *a, global const int *b, global float *fo, global int *io,
                  global const double *xd, global double *dout)
{
	size_t i = get_global_id(0);
	float f = x[i];
	fo[i * 8 + 0] = sin(f);
	fo[i * 8 + 1] = exp(f);
	fo[i * 8 + 2] = pow(fabs(f), 1.5f);
	fo[i * 8 + 3] = atan2(f, 2.0f);
	fo[i * 8 + 4] = fmod(f, 0.75f);
	fo[i * 8 + 5] = cbrt(f);
	fo[i * 8 + 6] = log1p(fabs(f));
	fo[i * 8 + 7] = hypot(f, 3.0f);
	int p = a[i], q = b[i];
	io[i * 8 + 0] = clz(p);
	io[i * 8 + 1] = rotate(p, q);
	io[i * 8 + 2] = mad_sat(p, q, p);
	io[i * 8 + 3] = add_sat(p, q);
	io[i * 8 + 4] = mul_hi(p, q);
	io[i * 8 + 5] = popcount(p);
	int4 s = select((int4)(p, q, 1, 2), (int4)(q, p, 3, 4), (int4)(p, q, -1, 0));
	int4 sh = shuffle(s, (uint4)(3, 2, 1, 0));
	io[i * 8 + 6] = sh.x + 16 * sh.y;
	io[i * 8 + 7] = hadd(p, q);
	double d = xd[i];
	dout[i * 4 + 0] = exp(d);
	dout[i * 4 + 1] = log(fabs(d));
	dout[i * 4 + 2] = sin(d);
	dout[i * 4 + 3] = atan(d);
}
