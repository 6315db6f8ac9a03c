#version 450
// structs and vectors in shared memory
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
struct Item { uint key; uvec2 val; };
shared Item items[64];
void main()
{
	uint l = gl_LocalInvocationID.x;
	uint x = a[gl_GlobalInvocationID.x];
	items[l].key = x;
	items[l].val = uvec2(x * 2u, l);
	barrier();
	Item it = items[(l + 1u) % 64u];
	o[gl_GlobalInvocationID.x] = it.key + it.val.x + it.val.y;
}
