// Image and sampler kernels (kernel_reflect_test.cpp KernelImages): every image type and access
// qualifier, argument and inline samplers, the size and format queries, integer coordinates.
const sampler_t inline_s = CLK_NORMALIZED_COORDS_FALSE | CLK_ADDRESS_CLAMP | CLK_FILTER_LINEAR;

__attribute__((noinline)) float4 helper(read_only image2d_t img, sampler_t s, int2 c)
{
	return read_imagef(img, s, c);   // an inline sampler passed as a function argument
}

__kernel void sample(read_only image2d_t img, sampler_t s, __global float4 *out, read_only image3d_t vol,
                     read_only image2d_array_t arr)
{
	int2 c = (int2)(get_global_id(0), get_global_id(1));
	out[0] = read_imagef(img, s, (float2)(0.5f, 0.5f)) + read_imagef(img, inline_s, c) +
	         read_imagef(vol, s, (float4)(1.0f, 2.0f, 3.0f, 0.0f)) + read_imagef(arr, inline_s, (float4)(0.5f, 0.5f, 1.0f, 0.0f));
	out[1] = convert_float4(read_imagei(img, s, c)) + convert_float4(read_imageui(img, inline_s, (float2)(1.0f, 1.0f)));
	out[2] = (float4)(get_image_width(img), get_image_height(vol), get_image_depth(vol), get_image_array_size(arr));
	out[3] = (float4)(get_image_channel_data_type(img), get_image_channel_order(img), 0.0f, 0.0f) + helper(img, inline_s, c);
}

__kernel void store(write_only image1d_t a, write_only image1d_array_t b, write_only image3d_t c,
                    read_write image2d_t d, write_only image1d_buffer_t e)
{
	int x = get_global_id(0);
	write_imagef(a, x, (float4)(1.0f));
	write_imagei(b, (int2)(x, 1), (int4)(-300));
	write_imageui(c, (int4)(x, 0, 0, 0), (uint4)(70000));
	write_imagef(d, (int2)(x, 0), read_imagef(d, (int2)(x, 1)));
	write_imageui(e, x, (uint4)(get_image_width(e)));
}
