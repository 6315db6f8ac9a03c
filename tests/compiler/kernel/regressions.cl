// Regression corpus (regression_exec_test.cpp): each kernel is the reduction of a wrong result or a
// compile failure found by Piglit or the expression fuzzer, with the bug it caught.
#pragma OPENCL EXTENSION cl_khr_fp16 : enable

// OpIsFinite, OpIsNormal, OpSignBitSet, OpOrdered, OpUnordered, OpLessOrGreater had no
// translation: the kernels failed to compile at enqueue (Piglit builtin-float-*-1.0).
// Each bit of out[i] is one test of a[i] (and b[i]).
__kernel void float_class(__global int *out, __global const float *a, __global const float *b)
{
	size_t i = get_global_id(0);
	float x = a[i], y = b[i];
	out[i] = isfinite(x) | isnormal(x) << 1 | signbit(x) << 2 | isordered(x, y) << 3 | isunordered(x, y) << 4 |
	         islessgreater(x, y) << 5 | isinf(x) << 6 | isnan(x) << 7;
}

// Vector forms give -1 per true component.
__kernel void float_class4(__global int4 *out, __global const float4 *a, __global const float4 *b)
{
	size_t i = get_global_id(0);
	float4 x = a[i], y = b[i];
	out[i * 4 + 0] = isfinite(x);
	out[i * 4 + 1] = isnormal(x);
	out[i * 4 + 2] = signbit(x);
	out[i * 4 + 3] = isunordered(x, y);
}

__kernel void double_class(__global int *out, __global const double *a, __global const double *b)
{
	size_t i = get_global_id(0);
	double x = a[i], y = b[i];
	out[i] = isfinite(x) | isnormal(x) << 1 | signbit(x) << 2 | isordered(x, y) << 3 | isunordered(x, y) << 4 |
	         islessgreater(x, y) << 5 | isinf(x) << 6 | isnan(x) << 7;
}

// isnormal of a half: normal from 2^-14, not from f32's 2^-126 (halves are widened to f32).
__kernel void half_class(__global int *out, __global const ushort *bits)
{
	size_t i = get_global_id(0);
	half x = as_half(bits[i]);
	out[i] = isfinite(x) | isnormal(x) << 1 | signbit(x) << 2 | isinf(x) << 6 | isnan(x) << 7;
}

// A 3-element 64-bit vector stored through a 4-element one whose last lane is undefined: the
// undefined lane was a 32-bit zero, a misaligned register pair at the 64-bit store
// (Piglit vload-long-*: "misaligned register tuple").
__kernel void vload3_long(__global const long *in, __global long3 *out)
{
	out[0] = vload3(0, in);
	out[1] = vload3(0, in + 1);
}

// get_global_offset(j) and friends with j out of range: 0 (ids, offsets) or 1 (sizes); the
// translator emits a dynamic extract with no range check (Piglit global-offset "3d, input
// dependent").
__kernel void builtin_dynamic_dims(__global ulong *out, int j)
{
	out += get_global_linear_id() * 42;
	for (int k = 0; k < 7; k++) {
		int d = j + k - 3;
		out[k * 6 + 0] = get_global_offset(d);
		out[k * 6 + 1] = get_global_id(d);
		out[k * 6 + 2] = get_global_size(d);
		out[k * 6 + 3] = get_local_size(d);
		out[k * 6 + 4] = get_num_groups(d);
		out[k * 6 + 5] = get_group_id(d);
	}
}

typedef struct {
	char c;
	int a[4];
} SmallStruct;

typedef struct {
	char c;
	int a[32];
} LargeStruct;

// A struct passed by value to a function that is not inlined (FuncParamAttr ByVal): the callee
// changes its copy, which the caller must not see (Piglit calls-struct, calls-large-struct).
__attribute__((noinline)) SmallStruct bump_small(SmallStruct s)
{
	s.c += 15;
	s.a[0] += 14;
	s.a[3] += 18;
	return s;
}

__attribute__((noinline)) int sum_large(LargeStruct s)
{
	s.a[0] += 100;
	int sum = s.c;
	for (int k = 0; k < 32; k++)
		sum += s.a[k];
	return sum;
}

static inline int sum_small_inlined(SmallStruct s)
{
	s.a[1] *= 3;
	return s.a[0] + s.a[1] + s.a[2] + s.a[3] + s.c;
}

__kernel void struct_byval_calls(__global int *out, __global const int *in)
{
	size_t i = get_global_id(0);
	volatile SmallStruct s0;
	s0.c = -20;
	s0.a[0] = 14;
	s0.a[1] = -8;
	s0.a[2] = in[i];
	s0.a[3] = 100;
	SmallStruct s1 = bump_small(s0);
	LargeStruct l;
	l.c = 7;
	for (int k = 0; k < 32; k++)
		l.a[k] = in[i] + k;
	int r = sum_large(l);
	SmallStruct s2 = s1;
	int q = sum_small_inlined(s2);
	out[i * 6 + 0] = s0.c + s0.a[0] + s0.a[1] + s0.a[2] + s0.a[3];
	out[i * 6 + 1] = s1.c + s1.a[0] + s1.a[1] + s1.a[2] + s1.a[3];
	out[i * 6 + 2] = r;
	out[i * 6 + 3] = l.a[0];
	out[i * 6 + 4] = q;
	out[i * 6 + 5] = s2.a[1];
}

// Program-scope __constant tables were copied into shared memory by every work-item of every
// work-group (100x slower than a __constant argument at 64 work-items, and limited to the shared
// memory size); now they are const data loaded once with the code. 20480 x 4 bytes: more than a
// work-group's 64 KiB of shared memory, more elements than leaves() takes whole.
#define T1(i) ((i) * 7u + 3u)
#define T8(i) T1(i), T1(i + 1), T1(i + 2), T1(i + 3), T1(i + 4), T1(i + 5), T1(i + 6), T1(i + 7)
#define T64(i) T8(i), T8(i + 8), T8(i + 16), T8(i + 24), T8(i + 32), T8(i + 40), T8(i + 48), T8(i + 56)
#define T512(i) T64(i), T64(i + 64), T64(i + 128), T64(i + 192), T64(i + 256), T64(i + 320), T64(i + 384), T64(i + 448)
#define T4096(i) T512(i), T512(i + 512), T512(i + 1024), T512(i + 1536), T512(i + 2048), T512(i + 2560), T512(i + 3072), T512(i + 3584)
__constant uint big_table[20480] = {T4096(0), T4096(4096), T4096(8192), T4096(12288), T4096(16384)};

typedef struct {
	char c;
	float f;
	short s;
	long l;
} Entry;
__constant Entry entries[3] = {{-1, 0.5f, 300, -5000000000l}, {2, -1.25f, -7, 1l << 40}, {127, 3.0f, 32767, 0}};
__constant char bytes_table[5] = {-3, 9, 0, 127, -128};

static int entry_sum(__constant Entry *e) { return e->c + (int)(e->f * 4.0f) + e->s + (int)(e->l >> 20); }

__kernel void constant_tables(__global uint *out, __global const uint *in)
{
	size_t i = get_global_id(0);
	uint x = in[i];
	out[i * 4 + 0] = big_table[x % 20480u] ^ big_table[(x >> 13) % 20480u];
	out[i * 4 + 1] = (uint)entry_sum(&entries[x % 3u]);
	out[i * 4 + 2] = (uint)(int)bytes_table[x % 5u];
	int lut[4] = {11, 22, 33, 44};   // a private array clang initialises from a __constant copy
	out[i * 4 + 3] = (uint)lut[x % 4u];
}

// Found by tests/opencl/fuzz_expressions.py against PoCL.
// OpenCL.std results of 8/16-bit type were left with upper bits set (rotate, mad_hi, the signed
// saturating forms); an unsigned compare of the result then saw them.
__kernel void narrow_builtin_results(__global uint *out, __global const ushort *a, __global const ushort *b,
                                     __global const uchar *c, __global const uchar *d)
{
	size_t i = get_global_id(0);
	ushort x = a[i], y = b[i];
	uchar u = c[i], v = d[i];
	out[i * 5 + 0] = rotate(x, y) >= y;
	out[i * 5 + 1] = mad_hi(x, y, x) >= y;
	out[i * 5 + 2] = rotate(u, v) >= v;
	out[i * 5 + 3] = as_uchar(add_sat(as_char(u), as_char(v))) >= v;
	out[i * 5 + 4] = as_ushort(sub_sat(as_short(x), as_short(y))) >= y;
}

// bitselect on 64-bit lanes: ~c was a 64-bit NOT the ISA lacks (build failure).
__kernel void bitselect_long(__global long2 *out, __global const long2 *a, __global const long2 *b, __global const long2 *c)
{
	size_t i = get_global_id(0);
	out[i] = bitselect(a[i], b[i], c[i]);
}

// x / y was x * rcp(y): a denormal y's reciprocal overflowed (0 / 1e-40 gave NaN) and a huge
// y's was denormal.
__kernel void float_divide(__global float *out, __global const float *a, __global const float *b)
{
	size_t i = get_global_id(0);
	out[i] = a[i] / b[i];
}
