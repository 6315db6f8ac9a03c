/* SPDX-License-Identifier: MIT */
/* Image/sampler descriptors and the image memory layout (mica_image.h, docs/hw/texture.md). */
#include "mica_image.h"

#define GET(dw, PRE, F) MICA_DESC_GET(dw, PRE, F)

uint32_t mica_image_max_levels(uint32_t width, uint32_t height, uint32_t depth)
{
	uint32_t m = width > height ? width : height, n = 0;

	if (depth > m)
		m = depth;
	while (m) {
		n++;
		m >>= 1;
	}
	return n ? n : 1;
}

static int is_array(uint32_t type)
{
	return type == MICA_IMAGE_TYPE_1D_ARRAY || type == MICA_IMAGE_TYPE_2D_ARRAY ||
	       type == MICA_IMAGE_TYPE_CUBE_ARRAY;
}

static int is_1d(uint32_t type)
{
	return type == MICA_IMAGE_TYPE_1D || type == MICA_IMAGE_TYPE_1D_ARRAY || type == MICA_IMAGE_TYPE_BUFFER;
}

uint32_t mica_image_desc_decode(const uint32_t dw[MICA_IMGDESC_DWORDS], struct mica_image_desc *d)
{
	unsigned i;

	for (i = 0; i < MICA_IMGDESC_DWORDS; i++)
		if (dw[i] & ~mica_imgdesc_defined_bits[i])
			return MICA_DESCRIPTOR_ERROR_RESERVED_BITS;
	d->addr = (uint64_t)GET(dw, MICA_IMGDESC, ADDR_LO) | ((uint64_t)GET(dw, MICA_IMGDESC, ADDR_HI) << 32);
	d->format = GET(dw, MICA_IMGDESC, FORMAT);
	d->type = GET(dw, MICA_IMGDESC, TYPE);
	d->tiling = GET(dw, MICA_IMGDESC, TILING);
	d->width = GET(dw, MICA_IMGDESC, WIDTH);
	d->height = GET(dw, MICA_IMGDESC, HEIGHT);
	d->depth = GET(dw, MICA_IMGDESC, DEPTH);
	d->layers = GET(dw, MICA_IMGDESC, LAYERS);
	d->base_layer = GET(dw, MICA_IMGDESC, BASE_LAYER);
	d->view_layers = GET(dw, MICA_IMGDESC, VIEW_LAYERS);
	d->base_level = GET(dw, MICA_IMGDESC, BASE_LEVEL);
	d->view_levels = GET(dw, MICA_IMGDESC, VIEW_LEVELS);
	d->swizzle[0] = GET(dw, MICA_IMGDESC, SWIZZLE_R);
	d->swizzle[1] = GET(dw, MICA_IMGDESC, SWIZZLE_G);
	d->swizzle[2] = GET(dw, MICA_IMGDESC, SWIZZLE_B);
	d->swizzle[3] = GET(dw, MICA_IMGDESC, SWIZZLE_A);
	d->samples_log2 = GET(dw, MICA_IMGDESC, SAMPLES_LOG2);
	for (i = 0; i < 4; i++)
		if (d->swizzle[i] >= MICA_SWIZZLE_COUNT)
			return MICA_DESCRIPTOR_ERROR_RESERVED_BITS;
	if (d->format >= MICA_FORMAT_COUNT)
		return MICA_DESCRIPTOR_ERROR_FORMAT;
	if (!d->width || !d->height || !d->depth || !d->layers || !d->view_layers || !d->view_levels)
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	if ((uint64_t)d->base_layer + d->view_layers > d->layers)
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	if (d->base_level + d->view_levels > mica_image_max_levels(d->width, d->height, d->depth))
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	/* The unit holds the view's level layouts in a table of MICA_TEX_MAX_LEVELS entries (the 5-bit
	 * field and a 2^32-wide image would allow 31). */
	if (d->view_levels > MICA_TEX_MAX_LEVELS)
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	if (is_1d(d->type) && (d->height != 1 || d->depth != 1))
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	if (d->type != MICA_IMAGE_TYPE_3D && d->depth != 1)
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	if (d->type == MICA_IMAGE_TYPE_3D && d->layers != 1)
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	if (!is_array(d->type) && d->type != MICA_IMAGE_TYPE_CUBE && d->view_layers != 1)
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	if (d->type == MICA_IMAGE_TYPE_CUBE || d->type == MICA_IMAGE_TYPE_CUBE_ARRAY) {
		if (d->width != d->height || d->view_layers % 6)
			return MICA_DESCRIPTOR_ERROR_EXTENT;
		if (d->type == MICA_IMAGE_TYPE_CUBE && d->view_layers != 6)
			return MICA_DESCRIPTOR_ERROR_EXTENT;
	}
	if (d->type == MICA_IMAGE_TYPE_BUFFER && (d->layers != 1 || d->view_levels != 1 || d->base_level != 0))
		return MICA_DESCRIPTOR_ERROR_EXTENT;
	if (is_1d(d->type) && d->tiling != MICA_IMAGE_TILING_LINEAR)
		return MICA_DESCRIPTOR_ERROR_TYPE;
	if (is_1d(d->type) && (mica_texel_formats[d->format].flags & MICA_TEXEL_COMPRESSED))
		return MICA_DESCRIPTOR_ERROR_COMPRESSED;
	if (d->samples_log2) {
		/* Multisampled: 2D or 2D_ARRAY views of a single-level image (Vulkan's rules); the samples
		 * take the layout's depth slices, so the image has no depth of its own. */
		if (d->samples_log2 > MICA_TEX_MAX_SAMPLES_LOG2 ||
		    (d->type != MICA_IMAGE_TYPE_2D && d->type != MICA_IMAGE_TYPE_2D_ARRAY))
			return MICA_DESCRIPTOR_ERROR_TYPE;
		if (d->base_level != 0 || d->view_levels != 1)
			return MICA_DESCRIPTOR_ERROR_EXTENT;
		if (mica_texel_formats[d->format].flags & MICA_TEXEL_COMPRESSED)
			return MICA_DESCRIPTOR_ERROR_COMPRESSED;
	}
	return 0;
}

uint32_t mica_image_desc_layout_depth(const struct mica_image_desc *d)
{
	return d->samples_log2 ? 1u << d->samples_log2 : d->depth;
}

void mica_image_desc_encode(const struct mica_image_desc *d, uint32_t dw[MICA_IMGDESC_DWORDS])
{
	unsigned i;

	for (i = 0; i < MICA_IMGDESC_DWORDS; i++)
		dw[i] = 0;
	MICA_DESC_SET(dw, MICA_IMGDESC, ADDR_LO, (uint32_t)d->addr);
	MICA_DESC_SET(dw, MICA_IMGDESC, ADDR_HI, (uint32_t)(d->addr >> 32));
	MICA_DESC_SET(dw, MICA_IMGDESC, FORMAT, d->format);
	MICA_DESC_SET(dw, MICA_IMGDESC, TYPE, d->type);
	MICA_DESC_SET(dw, MICA_IMGDESC, TILING, d->tiling);
	MICA_DESC_SET(dw, MICA_IMGDESC, WIDTH, d->width);
	MICA_DESC_SET(dw, MICA_IMGDESC, HEIGHT, d->height);
	MICA_DESC_SET(dw, MICA_IMGDESC, DEPTH, d->depth);
	MICA_DESC_SET(dw, MICA_IMGDESC, LAYERS, d->layers);
	MICA_DESC_SET(dw, MICA_IMGDESC, BASE_LAYER, d->base_layer);
	MICA_DESC_SET(dw, MICA_IMGDESC, VIEW_LAYERS, d->view_layers);
	MICA_DESC_SET(dw, MICA_IMGDESC, BASE_LEVEL, d->base_level);
	MICA_DESC_SET(dw, MICA_IMGDESC, VIEW_LEVELS, d->view_levels);
	MICA_DESC_SET(dw, MICA_IMGDESC, SWIZZLE_R, d->swizzle[0]);
	MICA_DESC_SET(dw, MICA_IMGDESC, SWIZZLE_G, d->swizzle[1]);
	MICA_DESC_SET(dw, MICA_IMGDESC, SWIZZLE_B, d->swizzle[2]);
	MICA_DESC_SET(dw, MICA_IMGDESC, SWIZZLE_A, d->swizzle[3]);
	MICA_DESC_SET(dw, MICA_IMGDESC, SAMPLES_LOG2, d->samples_log2);
}

static float f32_of(uint32_t bits)
{
	union {
		uint32_t u;
		float f;
	} v;

	v.u = bits;
	return v.f;
}

static uint32_t bits_of(float f)
{
	union {
		uint32_t u;
		float f;
	} v;

	v.f = f;
	return v.u;
}

uint32_t mica_sampler_desc_decode(const uint32_t dw[MICA_SMPDESC_DWORDS], struct mica_sampler_desc *s)
{
	unsigned i;

	for (i = 0; i < MICA_SMPDESC_DWORDS; i++)
		if (dw[i] & ~mica_smpdesc_defined_bits[i])
			return MICA_DESCRIPTOR_ERROR_SAMPLER;
	s->mag_filter = GET(dw, MICA_SMPDESC, MAG_FILTER);
	s->min_filter = GET(dw, MICA_SMPDESC, MIN_FILTER);
	s->mipmap_mode = GET(dw, MICA_SMPDESC, MIPMAP_MODE);
	s->address[0] = GET(dw, MICA_SMPDESC, ADDRESS_U);
	s->address[1] = GET(dw, MICA_SMPDESC, ADDRESS_V);
	s->address[2] = GET(dw, MICA_SMPDESC, ADDRESS_W);
	s->border_color = GET(dw, MICA_SMPDESC, BORDER_COLOR);
	s->compare_enable = GET(dw, MICA_SMPDESC, COMPARE_ENABLE);
	s->compare_op = GET(dw, MICA_SMPDESC, COMPARE_OP);
	s->unnormalized = GET(dw, MICA_SMPDESC, UNNORMALIZED);
	s->lod_bias = f32_of(GET(dw, MICA_SMPDESC, LOD_BIAS));
	s->min_lod = f32_of(GET(dw, MICA_SMPDESC, MIN_LOD));
	s->max_lod = f32_of(GET(dw, MICA_SMPDESC, MAX_LOD));
	for (i = 0; i < 3; i++)
		if (s->address[i] >= MICA_ADDRESS_MODE_COUNT)
			return MICA_DESCRIPTOR_ERROR_SAMPLER;
	if (s->border_color >= MICA_BORDER_COLOR_COUNT)
		return MICA_DESCRIPTOR_ERROR_SAMPLER;
	/* NaN LOD limits or bias would make every level choice meaningless. */
	if (s->lod_bias != s->lod_bias || s->min_lod != s->min_lod || s->max_lod != s->max_lod)
		return MICA_DESCRIPTOR_ERROR_SAMPLER;
	return 0;
}

void mica_sampler_desc_encode(const struct mica_sampler_desc *s, uint32_t dw[MICA_SMPDESC_DWORDS])
{
	unsigned i;

	for (i = 0; i < MICA_SMPDESC_DWORDS; i++)
		dw[i] = 0;
	MICA_DESC_SET(dw, MICA_SMPDESC, MAG_FILTER, s->mag_filter);
	MICA_DESC_SET(dw, MICA_SMPDESC, MIN_FILTER, s->min_filter);
	MICA_DESC_SET(dw, MICA_SMPDESC, MIPMAP_MODE, s->mipmap_mode);
	MICA_DESC_SET(dw, MICA_SMPDESC, ADDRESS_U, s->address[0]);
	MICA_DESC_SET(dw, MICA_SMPDESC, ADDRESS_V, s->address[1]);
	MICA_DESC_SET(dw, MICA_SMPDESC, ADDRESS_W, s->address[2]);
	MICA_DESC_SET(dw, MICA_SMPDESC, BORDER_COLOR, s->border_color);
	MICA_DESC_SET(dw, MICA_SMPDESC, COMPARE_ENABLE, s->compare_enable);
	MICA_DESC_SET(dw, MICA_SMPDESC, COMPARE_OP, s->compare_op);
	MICA_DESC_SET(dw, MICA_SMPDESC, UNNORMALIZED, s->unnormalized);
	MICA_DESC_SET(dw, MICA_SMPDESC, LOD_BIAS, bits_of(s->lod_bias));
	MICA_DESC_SET(dw, MICA_SMPDESC, MIN_LOD, bits_of(s->min_lod));
	MICA_DESC_SET(dw, MICA_SMPDESC, MAX_LOD, bits_of(s->max_lod));
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static uint32_t minify(uint32_t v, uint32_t level)
{
	v = level < 32 ? v >> level : 0;
	return v ? v : 1;
}

/* Texels per block along x and y: 4 x 4 for a block-compressed format, else 1 x 1. */
static uint32_t block_w(uint32_t format)
{
	return format < MICA_FORMAT_COUNT ? mica_texel_formats[format].block_width : 1;
}

static uint32_t block_h(uint32_t format)
{
	return format < MICA_FORMAT_COUNT ? mica_texel_formats[format].block_height : 1;
}

/* The layout of one level at offset 0. A block-compressed level is laid out as an image of blocks
 * (ceil(w / 4) x ceil(h / 4) elements of 'bytes' bytes); the extent stays in texels. */
static void level_shape(uint32_t format, uint32_t tiling, uint32_t tw, uint32_t th, uint32_t d, uint32_t layers,
			struct mica_image_level *l)
{
	const uint64_t bytes = format < MICA_FORMAT_COUNT ? mica_texel_formats[format].bytes : 1;
	const uint32_t w = (tw + block_w(format) - 1) / block_w(format), h = (th + block_h(format) - 1) / block_h(format);

	l->width = tw;
	l->height = th;
	l->depth = d;
	l->offset = 0;
	if (tiling == MICA_IMAGE_TILING_OPTIMAL) {
		const uint64_t tiles_x = (w + MICA_TEX_TILE_WIDTH - 1) / MICA_TEX_TILE_WIDTH;
		const uint64_t tiles_y = (h + MICA_TEX_TILE_HEIGHT - 1) / MICA_TEX_TILE_HEIGHT;

		l->row_pitch = tiles_x * MICA_TEX_TILE_WIDTH * MICA_TEX_TILE_HEIGHT * bytes;
		l->slice_pitch = l->row_pitch * tiles_y;
	} else {
		l->row_pitch = (uint64_t)w * bytes;
		l->slice_pitch = l->row_pitch * h;
	}
	l->layer_pitch = l->slice_pitch * d;
	l->size = l->layer_pitch * layers;
}

void mica_image_level_layout(uint32_t format, uint32_t tiling, uint32_t width, uint32_t height, uint32_t depth,
			     uint32_t layers, uint32_t level, struct mica_image_level *out)
{
	uint64_t at = 0;
	uint32_t i;

	for (i = 0; i < level; i++) {
		level_shape(format, tiling, minify(width, i), minify(height, i), minify(depth, i), layers, out);
		at = align_up(at + out->size, MICA_TEX_LEVEL_ALIGNMENT);
	}
	level_shape(format, tiling, minify(width, level), minify(height, level), minify(depth, level), layers, out);
	out->offset = at;
}

uint64_t mica_image_size(uint32_t format, uint32_t tiling, uint32_t width, uint32_t height, uint32_t depth,
			 uint32_t layers, uint32_t levels)
{
	struct mica_image_level l;

	if (!levels)
		return 0;
	mica_image_level_layout(format, tiling, width, height, depth, layers, levels - 1, &l);
	return l.offset + l.size;
}

uint64_t mica_image_texel_offset(uint32_t format, uint32_t tiling, const struct mica_image_level *l,
				 uint32_t x, uint32_t y, uint32_t z, uint32_t layer)
{
	const uint64_t bytes = format < MICA_FORMAT_COUNT ? mica_texel_formats[format].bytes : 1;
	uint64_t in_slice;

	x /= block_w(format); /* the block holding the texel */
	y /= block_h(format);
	if (tiling == MICA_IMAGE_TILING_OPTIMAL) {
		const uint64_t tile = (uint64_t)(y / MICA_TEX_TILE_HEIGHT) * (l->row_pitch / bytes / (MICA_TEX_TILE_WIDTH * MICA_TEX_TILE_HEIGHT)) +
				      x / MICA_TEX_TILE_WIDTH;
		const uint64_t inner = (uint64_t)(y % MICA_TEX_TILE_HEIGHT) * MICA_TEX_TILE_WIDTH + x % MICA_TEX_TILE_WIDTH;

		in_slice = (tile * MICA_TEX_TILE_WIDTH * MICA_TEX_TILE_HEIGHT + inner) * bytes;
	} else {
		in_slice = (uint64_t)y * l->row_pitch + (uint64_t)x * bytes;
	}
	return (uint64_t)layer * l->layer_pitch + (uint64_t)z * l->slice_pitch + in_slice;
}
