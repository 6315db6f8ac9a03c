// Execution corpus: sub-group functions (Groups capability at Subgroup scope) and built-ins.
__kernel void subgroups(__global int *o, __global const int *in)
{
	size_t i = get_global_id(0);
	int v = in[i];
	o[i * 6 + 0] = sub_group_reduce_add(v);
	o[i * 6 + 1] = sub_group_scan_inclusive_max(v);
	o[i * 6 + 2] = sub_group_broadcast(v, 3);
	o[i * 6 + 3] = sub_group_scan_exclusive_add(v);
	o[i * 6 + 4] = sub_group_all(v > -90) + 2 * sub_group_any(v > 95);
	o[i * 6 + 5] = (int)get_sub_group_local_id() + (int)get_sub_group_id() * 100 + (int)get_num_sub_groups() * 10000 +
	               (int)get_sub_group_size() * 1000000;
}

// work_group_* collective functions (Groups at Workgroup scope), also in a partial work-group.
__kernel void workgroups(__global int *o, __global const int *in, __global long *ol, __global float *of,
                         __global const float *fin)
{
	size_t i = get_global_id(0);
	int v = in[i];
	o[i * 6 + 0] = work_group_reduce_add(v);
	o[i * 6 + 1] = work_group_scan_inclusive_max(v);
	o[i * 6 + 2] = work_group_scan_exclusive_add(v);
	o[i * 6 + 3] = work_group_broadcast(v, 37);
	o[i * 6 + 4] = work_group_all(v > -90) + 2 * work_group_any(v > 95);
	o[i * 6 + 5] = work_group_reduce_min(v);
	ol[i] = work_group_scan_inclusive_add((long)v << 33);
	of[i] = work_group_reduce_max(fin[i]);
}
