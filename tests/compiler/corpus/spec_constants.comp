#version 450
// specialisation constants, including the workgroup size (LocalSizeId)
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint SCALE = 3u;
layout(constant_id = 2) const bool NEGATE = false;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint r = a[i] * SCALE + gl_WorkGroupSize.x;
	o[i] = NEGATE ? ~r : r;
}
