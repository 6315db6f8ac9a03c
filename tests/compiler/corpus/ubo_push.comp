#version 450
// uniform buffer (std140) and a push-constant struct with floats
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { float a[]; };
layout(set = 1, binding = 3) uniform U { vec4 coeff[4]; uint pick; } u;
layout(set = 0, binding = 2) writeonly buffer Out { float o[]; };
layout(push_constant) uniform P { float scale; float bias; } pc;
void main()
{
	uint i = gl_GlobalInvocationID.x;
	vec4 c = u.coeff[(i + u.pick) & 3u];
	o[i] = (a[i] * c.x + c.y * c.z - c.w) * pc.scale + pc.bias;
}
