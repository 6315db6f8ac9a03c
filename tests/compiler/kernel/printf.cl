// printf records (kernel_exec_test.cpp decodes them).
__kernel void hello(__global const int *in)
{
	size_t i = get_global_id(0);
	printf("item %u value %d\n", (uint)i, in[i]);
	if (in[i] > 2)
		printf("%s %ld %.2f\n", "big", (long)in[i] << 40, (float)in[i] * 0.5f);
}
