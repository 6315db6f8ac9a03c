#version 450
// vec3 geometry helpers: dot, length, normalize, cross, distance
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { vec4 a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { vec4 o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	vec3 p = a[i].xyz;
	vec3 q = vec3(a[i].w, 1.0, -2.0);
	vec3 c = cross(p, q);
	o[i] = vec4(dot(p, q), length(p), distance(p, q), normalize(c + vec3(0.5)).y);
}
