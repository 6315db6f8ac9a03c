#version 450
// signed atomics and subtraction
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { int a[]; };
layout(set = 0, binding = 1) buffer Acc { int acc[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	int x = a[i];
	atomicMin(acc[0], x);
	atomicMax(acc[1], x);
	atomicAdd(acc[2], -x);
}
