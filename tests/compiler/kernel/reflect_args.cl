// Reflection test input (kernel_reflect_test.cpp): every argument kind, qualifiers, attributes, printf strings.
typedef struct { int a; float b; char c; long d; } S;
typedef struct __attribute__((packed)) { char c; int i; } P;

__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void args(__global float *restrict out, __constant int *cin, __local float *tmp, const S s, float4 v,
          uint n, __global const volatile int *q, char c, P p, float3 f3)
{
	size_t i = get_global_id(0);
	tmp[get_local_id(0)] = v.x + f3.z + p.i + c;
	barrier(CLK_LOCAL_MEM_FENCE);
	out[i] = tmp[n] + s.b + cin[0] + *q;
	printf("hi %d %s\n", (int)i, "there");
	printf("again %f\n", s.b);
	printf("hi %d %s\n", (int)n, "there");
}

__kernel __attribute__((work_group_size_hint(8, 4, 1))) __attribute__((vec_type_hint(float4)))
void hints(__global int *o)
{
	o[get_global_id(0)] = get_local_size(0);
}
