// Execution corpus: OpenCL conversions with saturation and rounding modes (SaturatedConversion,
// FPRoundingMode, OpSatConvert*), checked against MPFR in kernel_convert_test.cpp.
__kernel void float_to_int(__global int *oi, __global uchar *ouc, __global short *os, __global long *ol,
                           __global const float *f, __global const float *fr)
{
	size_t g = get_global_id(0);
	oi[g * 6 + 0] = convert_int_sat(f[g]);
	oi[g * 6 + 1] = convert_int_rte(fr[g]);
	oi[g * 6 + 2] = convert_int_sat_rtp(f[g]);
	oi[g * 6 + 3] = convert_int_rtn(fr[g]);
	oi[g * 6 + 4] = convert_int(fr[g]);
	oi[g * 6 + 5] = (int)convert_uint_sat_rte(f[g]);
	ouc[g] = convert_uchar_sat(f[g]);
	os[g] = convert_short_sat_rtn(f[g]);
	ol[g] = convert_long_sat(f[g]);
}

__kernel void int_to_int(__global uchar *ouc, __global short *os, __global uint *ou, __global int *oi,
                         __global const int *i, __global const long *l, __global const ulong *u)
{
	size_t g = get_global_id(0);
	ouc[g] = convert_uchar_sat(i[g]);
	os[g] = convert_short_sat(l[g]);
	ou[g] = convert_uint_sat(i[g]);
	oi[g * 3 + 0] = convert_int_sat(u[g]);
	oi[g * 3 + 1] = convert_int_sat(l[g]);
	oi[g * 3 + 2] = (int)convert_ushort_sat(l[g]);
}

__kernel void to_float(__global float *of, __global const int *i, __global const long *l, __global const ulong *u,
                       __global const double *d)
{
	size_t g = get_global_id(0);
	of[g * 9 + 0] = convert_float_rtz(i[g]);
	of[g * 9 + 1] = convert_float_rtp(i[g]);
	of[g * 9 + 2] = convert_float_rtn(l[g]);
	of[g * 9 + 3] = convert_float_rtz(u[g]);
	of[g * 9 + 4] = convert_float_rtp(u[g]);
	of[g * 9 + 5] = convert_float_rtz(d[g]);
	of[g * 9 + 6] = convert_float_rtp(d[g]);
	of[g * 9 + 7] = convert_float_rtn(d[g]);
	of[g * 9 + 8] = convert_float(d[g]);
}
