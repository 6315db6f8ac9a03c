#version 450
// 2-D image-style kernel: 3x3 box filter with clamped borders
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) readonly buffer InA { uint img[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform P { uint w; uint h; } pc;
void main()
{
	ivec2 p = ivec2(gl_GlobalInvocationID.xy);
	uint sum = 0u;
	for (int dy = -1; dy <= 1; dy++)
		for (int dx = -1; dx <= 1; dx++) {
			ivec2 q = clamp(p + ivec2(dx, dy), ivec2(0), ivec2(int(pc.w) - 1, int(pc.h) - 1));
			sum += img[uint(q.y) * pc.w + uint(q.x)];
		}
	o[uint(p.y) * pc.w + uint(p.x)] = sum;
}
