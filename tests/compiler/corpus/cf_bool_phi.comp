#version 450
// divergent boolean carried around a loop (lane-mask phi)
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	bool found = false;
	bool parity = false;
	for (uint k = 0u; k < 20u; k++) {
		if (((x >> k) & 7u) == 5u)
			found = true;
		parity = parity != (((x >> k) & 1u) != 0u);
	}
	o[i] = (found ? 1u : 0u) + (parity ? 2u : 0u);
}
