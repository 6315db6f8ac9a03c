// Double division and square root as OpenCL C writes them (x / y is OpFDiv, sqrt the OpenCL.std
// instruction), for f64_div_sqrt_test.cpp: both must be correctly rounded (cl_khr_fp64).
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

kernel void divide(global const double *a, global const double *b, global double *q)
{
	size_t i = get_global_id(0);
	q[i] = a[i] / b[i];
}

kernel void square_root(global const double *a, global double *r)
{
	size_t i = get_global_id(0);
	r[i] = sqrt(a[i]);
}

// vectors divide per component; a scalar divisor is splatted first
kernel void divide4(global const double4 *a, global const double4 *b, global double4 *q, global double4 *qs)
{
	size_t i = get_global_id(0);
	q[i] = a[i] / b[i];
	qs[i] = a[i] / b[i].w;
}

// uniform operands (kernel arguments: scalar registers) and a uniform dividend with a varying divisor
kernel void divide_uniform(double u, double v, global const double *b, global double *q)
{
	size_t i = get_global_id(0);
	q[2 * i] = u / v;
	q[2 * i + 1] = u / b[i];
}
