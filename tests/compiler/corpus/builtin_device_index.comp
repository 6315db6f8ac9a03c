#version 450
// gl_DeviceIndex (GL_EXT_device_group, the DeviceGroup capability): the physical device of the
// logical device's group that runs the shader; Mica's groups have one, so it is always 0.
#extension GL_EXT_device_group : require
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	o[i] = a[i] * 3u + uint(gl_DeviceIndex) * 1000u + 7u;
}
