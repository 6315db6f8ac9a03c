// Execution corpus: unstructured control flow as clang emits it.
__kernel void early_return(__global int *out, __global const int *in)
{
	size_t i = get_global_id(0);
	int x = in[i];
	if (x < 0) {
		out[i] = -1;
		return;
	}
	int s = 0;
	for (int k = 0; k < x; k++) {
		if (k * k > 50)
			return;   // leaves out[i] as it was
		s += k;
	}
	out[i] = s;
}

__kernel void break_continue(__global int *out, __global const int *in)
{
	size_t i = get_global_id(0);
	int x = in[i], s = 0;
	for (int k = 0; k < 40; k++) {
		if ((k + x) % 3 == 0)
			continue;
		if (k > x + 5)
			break;
		s += k * (x & 7);
		if (s > 200)
			break;
	}
	out[i] = s;
}

__kernel void nested_break(__global int *out, __global const int *in)
{
	size_t i = get_global_id(0);
	int x = in[i], found = -1;
	for (int a = 0; a < 10; a++) {
		for (int b = 0; b < 10; b++) {
			if (a * 10 + b == x) {
				found = a * 100 + b;
				goto done;
			}
			if (b > a + (x & 3))
				break;
		}
	}
done:
	out[i] = found;
}

__kernel void goto_loop(__global int *out, __global const int *in)
{
	size_t i = get_global_id(0);
	int x = in[i], steps = 0;
again:
	steps++;
	if (x == 1)
		goto finish;
	if (x & 1)
		x = 3 * x + 1;
	else
		x >>= 1;
	if (steps < 200)
		goto again;
finish:
	out[i] = steps;
}

__kernel void switch_case(__global int *out, __global const int *in)
{
	size_t i = get_global_id(0);
	int r = 0;
	switch (in[i]) {
	case 0: r = 10; break;
	case 1: r = 20;   // falls through
	case 2: r += 5; break;
	case 5: r = in[i] * 2; break;
	default: r = -7; break;
	}
	out[i] = r;
}

// Barriers in divergent-looking but uniform loops, and out-of-range work-items.
__kernel void barrier_loop(__global int *out, __local int *tmp, int rounds)
{
	size_t l = get_local_id(0), n = get_local_size(0);
	int v = (int)get_global_id(0);
	for (int r = 0; r < rounds; r++) {
		tmp[l] = v;
		barrier(CLK_LOCAL_MEM_FENCE);
		v += tmp[(l + 1) % n];
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	out[get_global_id(0)] = v;
}

// Irreducible: a cycle entered at A (falling in) and at B (the goto).
__kernel void irreducible(__global int *out, __global const int *in)
{
	size_t i = get_global_id(0);
	int x = in[i], n = 0;
	if (x & 1)
		goto B;
A:
	x = x * 3 + 1;
	n++;
	if (n > 50)
		goto done;
B:
	x = x >> 1;
	n++;
	if (x > 1)
		goto A;
done:
	out[i] = n * 1000 + x;
}

// Two cycles sharing blocks, entered from a switch at three places.
__kernel void irreducible_switch(__global int *out, __global const int *in)
{
	size_t i = get_global_id(0);
	// acc wraps (unsigned): signed overflow would be undefined, and clang may assume it away.
	int x = in[i], steps = 0;
	uint acc = 0;
	switch (x % 3) {
	case 0: goto P;
	case 1: goto Q;
	default: goto R;
	}
P:
	acc += 1;
	if (++steps > 20)
		goto end;
Q:
	acc *= 2;
	if (acc & 4)
		goto P;
R:
	acc += x;
	if (++steps < 12)
		goto Q;
end:
	out[i] = (int)(acc * 100u + (uint)steps);
}
