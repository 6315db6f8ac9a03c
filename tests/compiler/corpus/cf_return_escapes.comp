#version 450
// Lanes leave a selection through a break to an enclosing construct (an early return after
// merge-return/inlining, a loop continue), so the values they carry are merged with those of
// lanes that went through the selection's merge. Every phi here has only constant (uniform)
// operands: they must still be per lane (regression: 'kind' was 2 for every lane).
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer InA { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer Out { uint o[]; };
uint classify(uint v, out uint kind)
{
	if (v < 1000u) { kind = 0u; return v; }
	if (v < 0x80000000u) { kind = 1u; return v / 7u; }
	kind = 2u;
	return ~v;
}
void main()
{
	uint i = gl_GlobalInvocationID.x;
	uint x = a[i];
	uint kind;
	uint c = classify(x, kind);
	uint acc = 0u, w = 0u;
	for (uint k = 0u; k < 4u; acc += w << (2u * k), ++k) {
		if (((x >> k) & 1u) != 0u) { w = 1u; continue; }
		w = 2u;
	}
	o[i] = (c ^ (kind << 30)) + acc;
}
