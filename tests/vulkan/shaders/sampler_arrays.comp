#version 450
// Twelve combined image samplers in two arrays, all sampled in one block (the shape of CTS
// binding_model.descriptor_copy.compute.combined_image_sampler_array2): each of the 4 invocations
// samples the centre of its texel of every 2x2 image.
layout(local_size_x = 4) in;
layout(set = 0, binding = 0) uniform sampler2D a[4];
layout(set = 0, binding = 1) uniform sampler2D b[8];
layout(set = 0, binding = 2) writeonly buffer Out { float v[]; } o;
void main()
{
	const uint i = gl_LocalInvocationID.x;
	const vec2 c = vec2((float(i & 1u) + 0.5) / 2.0, (float(i >> 1) + 0.5) / 2.0);
	const uint base = i * 12u;
	const float v0 = textureLod(a[0], c, 0.0).x;
	const float v1 = textureLod(a[1], c, 0.0).x;
	const float v2 = textureLod(a[2], c, 0.0).x;
	const float v3 = textureLod(a[3], c, 0.0).x;
	const float v4 = textureLod(b[0], c, 0.0).x;
	const float v5 = textureLod(b[1], c, 0.0).x;
	const float v6 = textureLod(b[2], c, 0.0).x;
	const float v7 = textureLod(b[3], c, 0.0).x;
	const float v8 = textureLod(b[4], c, 0.0).x;
	const float v9 = textureLod(b[5], c, 0.0).x;
	const float v10 = textureLod(b[6], c, 0.0).x;
	const float v11 = textureLod(b[7], c, 0.0).x;
	// No store between the samples (a store orders the descriptor loads after it), so the scheduler
	// may hoist all 12 descriptor loads together, as in the CTS case (its samples feed compares).
	o.v[base + 0u] = v0;
	o.v[base + 1u] = v1;
	o.v[base + 2u] = v2;
	o.v[base + 3u] = v3;
	o.v[base + 4u] = v4;
	o.v[base + 5u] = v5;
	o.v[base + 6u] = v6;
	o.v[base + 7u] = v7;
	o.v[base + 8u] = v8;
	o.v[base + 9u] = v9;
	o.v[base + 10u] = v10;
	o.v[base + 11u] = v11;
}
