#version 450
// A for loop whose continue construct holds a selection and a loop (the inlined stepk), a
// switch with fall-through and a break from inside an if, a return from a case in the loop.
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(set = 0, binding = 1) buffer Out { uint o[]; };
uint stepk(uint k, uint x)
{
	if (((x >> k) & 1u) != 0u)
		return k + 1u;
	uint s = k;
	while (s < 31u && ((x >> s) & 3u) == 0u)
		s += 2u;
	return s + 2u;
}
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i], acc = 0u;
	for (uint k = 0u; k < 32u; k = stepk(k, x)) {
		acc = acc * 5u + k;
		switch (k & 3u) {
		case 0u: 
			if (acc > 1000u) { acc -= 7u; break; }
			acc += 1u;
			// fall through
		case 1u:
			acc ^= 3u;
			break;
		case 2u:
			if ((x & 4u) != 0u) { o[i] = acc; return; }
			break;
		}
	}
	o[i] = acc + 1u;
}
