#version 460
// 16-bit float storage without 16-bit arithmetic (storageBuffer16BitAccess,
// uniformAndStorageBuffer16BitAccess, storagePushConstant16): halves are loaded from storage
// and uniform buffers and push constants, converted to float, computed on as floats and
// converted back (round to nearest even) for a half store.
#extension GL_EXT_shader_16bit_storage : require
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer In { float16_t h[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Out { float o[]; };
layout(std430, set = 0, binding = 2) writeonly buffer OutH { float16_t oh[]; };
layout(std140, set = 0, binding = 3) uniform U { f16vec4 uh; };
layout(push_constant) uniform P { float16_t ph; };

void main()
{
	uint i = gl_GlobalInvocationID.x;
	float x = float(h[i]);
	uint k = i % 4u;
	float u = k == 0u ? float(uh.x) : k == 1u ? float(uh.y) : k == 2u ? float(uh.z) : float(uh.w);
	o[i] = x * 3.0 + u + float(ph);
	oh[i] = float16_t(x * 1.5 + 0.1);
}
