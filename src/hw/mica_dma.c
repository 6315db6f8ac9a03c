// SPDX-License-Identifier: MIT
/*
 * DMA_COPY_TILED field rules and address arithmetic (mica_dma.h). Kernel-style portable C: no libc,
 * every product that a hostile packet could make overflow is checked.
 */
#include "mica_dma.h"

#define TILE_ELEMENTS (MICA_TEX_TILE_WIDTH * MICA_TEX_TILE_HEIGHT)

const char *mica_dma_tiled_error_name(enum mica_dma_tiled_error e)
{
	switch (e) {
	case MICA_DMA_TILED_OK: return "well formed";
	case MICA_DMA_TILED_RESERVED: return "reserved control bits set";
	case MICA_DMA_TILED_ELEMENT_BYTES: return "element size not 1..16 bytes";
	case MICA_DMA_TILED_TOO_LARGE: return "more bytes than one packet may move";
	case MICA_DMA_TILED_PITCH: return "pitch cannot hold the box's rows";
	case MICA_DMA_TILED_SLICE_PITCH: return "slice pitch cannot hold the box's slices";
	case MICA_DMA_TILED_WRAP: return "footprint wraps the address space";
	case MICA_DMA_TILED_OVERLAP: return "source and destination footprints overlap";
	}
	return "unknown";
}

static uint32_t field(uint32_t control, uint32_t shift, uint32_t max)
{
	return (control >> shift) & max;
}

void mica_dma_tiled_unpack(const uint32_t *p, struct mica_dma_tiled *out)
{
	const uint32_t control = p[MICA_PKT_DMA_COPY_TILED_CONTROL];

	out->src.addr = (uint64_t)p[MICA_PKT_DMA_COPY_TILED_SRC_LO] | ((uint64_t)p[MICA_PKT_DMA_COPY_TILED_SRC_HI] << 32);
	out->dst.addr = (uint64_t)p[MICA_PKT_DMA_COPY_TILED_DST_LO] | ((uint64_t)p[MICA_PKT_DMA_COPY_TILED_DST_HI] << 32);
	out->src.pitch = p[MICA_PKT_DMA_COPY_TILED_SRC_PITCH];
	out->dst.pitch = p[MICA_PKT_DMA_COPY_TILED_DST_PITCH];
	out->src.slice_pitch = p[MICA_PKT_DMA_COPY_TILED_SRC_SLICE_PITCH];
	out->dst.slice_pitch = p[MICA_PKT_DMA_COPY_TILED_DST_SLICE_PITCH];
	out->src.x = p[MICA_PKT_DMA_COPY_TILED_SRC_X];
	out->src.y = p[MICA_PKT_DMA_COPY_TILED_SRC_Y];
	out->dst.x = p[MICA_PKT_DMA_COPY_TILED_DST_X];
	out->dst.y = p[MICA_PKT_DMA_COPY_TILED_DST_Y];
	out->width = p[MICA_PKT_DMA_COPY_TILED_WIDTH];
	out->height = p[MICA_PKT_DMA_COPY_TILED_HEIGHT];
	out->depth = p[MICA_PKT_DMA_COPY_TILED_DEPTH];
	out->control = control;
	out->element_bytes = field(control, MICA_PKT_DMA_COPY_TILED_CONTROL_ELEMENT_BYTES_SHIFT,
				   MICA_PKT_DMA_COPY_TILED_CONTROL_ELEMENT_BYTES_MAX);
	out->src.tiling = field(control, MICA_PKT_DMA_COPY_TILED_CONTROL_SRC_TILING_SHIFT,
				MICA_PKT_DMA_COPY_TILED_CONTROL_SRC_TILING_MAX);
	out->dst.tiling = field(control, MICA_PKT_DMA_COPY_TILED_CONTROL_DST_TILING_SHIFT,
				MICA_PKT_DMA_COPY_TILED_CONTROL_DST_TILING_MAX);
}

void mica_dma_tiled_pack(const struct mica_dma_tiled *c, uint32_t p[MICA_PKT_DMA_COPY_TILED_LEN_MAX])
{
	p[MICA_PKT_DMA_COPY_TILED_SRC_LO] = (uint32_t)c->src.addr;
	p[MICA_PKT_DMA_COPY_TILED_SRC_HI] = (uint32_t)(c->src.addr >> 32);
	p[MICA_PKT_DMA_COPY_TILED_DST_LO] = (uint32_t)c->dst.addr;
	p[MICA_PKT_DMA_COPY_TILED_DST_HI] = (uint32_t)(c->dst.addr >> 32);
	p[MICA_PKT_DMA_COPY_TILED_SRC_PITCH] = c->src.pitch;
	p[MICA_PKT_DMA_COPY_TILED_DST_PITCH] = c->dst.pitch;
	p[MICA_PKT_DMA_COPY_TILED_SRC_SLICE_PITCH] = c->src.slice_pitch;
	p[MICA_PKT_DMA_COPY_TILED_DST_SLICE_PITCH] = c->dst.slice_pitch;
	p[MICA_PKT_DMA_COPY_TILED_SRC_X] = c->src.x;
	p[MICA_PKT_DMA_COPY_TILED_SRC_Y] = c->src.y;
	p[MICA_PKT_DMA_COPY_TILED_DST_X] = c->dst.x;
	p[MICA_PKT_DMA_COPY_TILED_DST_Y] = c->dst.y;
	p[MICA_PKT_DMA_COPY_TILED_WIDTH] = c->width;
	p[MICA_PKT_DMA_COPY_TILED_HEIGHT] = c->height;
	p[MICA_PKT_DMA_COPY_TILED_DEPTH] = c->depth;
	p[MICA_PKT_DMA_COPY_TILED_CONTROL] =
		((c->element_bytes & MICA_PKT_DMA_COPY_TILED_CONTROL_ELEMENT_BYTES_MAX)
		 << MICA_PKT_DMA_COPY_TILED_CONTROL_ELEMENT_BYTES_SHIFT) |
		((c->src.tiling & MICA_PKT_DMA_COPY_TILED_CONTROL_SRC_TILING_MAX)
		 << MICA_PKT_DMA_COPY_TILED_CONTROL_SRC_TILING_SHIFT) |
		((c->dst.tiling & MICA_PKT_DMA_COPY_TILED_CONTROL_DST_TILING_MAX)
		 << MICA_PKT_DMA_COPY_TILED_CONTROL_DST_TILING_SHIFT);
}

/* Offset of element (x, y) of slice z in absolute surface coordinates; false if it overflows. */
static int offset_checked(const struct mica_dma_surface *s, uint64_t eb, uint64_t x, uint64_t y, uint64_t z,
			  uint64_t *out)
{
	uint64_t row_part, slice_part, in_row, sum;

	if (s->tiling == MICA_IMAGE_TILING_OPTIMAL) {
		in_row = (x / MICA_TEX_TILE_WIDTH) * TILE_ELEMENTS * eb +
			 ((y % MICA_TEX_TILE_HEIGHT) * MICA_TEX_TILE_WIDTH + x % MICA_TEX_TILE_WIDTH) * eb;
		if (__builtin_mul_overflow(y / MICA_TEX_TILE_HEIGHT, (uint64_t)s->pitch, &row_part))
			return 0;
	} else {
		in_row = x * eb; /* x < 2^33, eb <= 16 */
		if (__builtin_mul_overflow(y, (uint64_t)s->pitch, &row_part))
			return 0;
	}
	if (__builtin_mul_overflow(z, (uint64_t)s->slice_pitch, &slice_part) ||
	    __builtin_add_overflow(row_part, in_row, &sum) || __builtin_add_overflow(sum, slice_part, &sum))
		return 0;
	*out = sum;
	return 1;
}

uint64_t mica_dma_element_offset(const struct mica_dma_surface *s, uint32_t element_bytes, uint32_t x, uint32_t y,
				 uint32_t z)
{
	uint64_t off = 0;

	offset_checked(s, element_bytes, (uint64_t)s->x + x, (uint64_t)s->y + y, z, &off);
	return off;
}

/*
 * The pitch rules that make offsets grow with x, with y and with z: a row (LINEAR) holds the
 * box's columns, a row of tiles (OPTIMAL) is whole tiles and holds the box's tile columns, and
 * with several slices a slice holds the box's rows.
 */
static enum mica_dma_tiled_error check_side(const struct mica_dma_tiled *c, const struct mica_dma_surface *s)
{
	const uint64_t eb = c->element_bytes;
	const uint64_t cols = (uint64_t)s->x + c->width, rows = (uint64_t)s->y + c->height;
	uint64_t row_bytes, pitch_rows, slice_bytes;

	if (s->tiling == MICA_IMAGE_TILING_OPTIMAL) {
		const uint64_t tile_bytes = TILE_ELEMENTS * eb;

		if (s->pitch % tile_bytes != 0)
			return MICA_DMA_TILED_PITCH;
		row_bytes = (cols + MICA_TEX_TILE_WIDTH - 1) / MICA_TEX_TILE_WIDTH * tile_bytes;
		pitch_rows = (rows + MICA_TEX_TILE_HEIGHT - 1) / MICA_TEX_TILE_HEIGHT;
	} else {
		row_bytes = cols * eb;
		pitch_rows = rows;
	}
	if (s->pitch < row_bytes)
		return MICA_DMA_TILED_PITCH;
	if (c->depth > 1 && (__builtin_mul_overflow(pitch_rows, (uint64_t)s->pitch, &slice_bytes) ||
			     s->slice_pitch < slice_bytes))
		return MICA_DMA_TILED_SLICE_PITCH;
	return MICA_DMA_TILED_OK;
}

/* The footprint's bounds, false if they wrap the 64-bit address space. */
static int footprint_checked(const struct mica_dma_tiled *c, const struct mica_dma_surface *s, uint64_t *first,
			     uint64_t *end)
{
	uint64_t lo, hi;

	if (!offset_checked(s, c->element_bytes, s->x, s->y, 0, &lo) ||
	    !offset_checked(s, c->element_bytes, (uint64_t)s->x + c->width - 1, (uint64_t)s->y + c->height - 1,
			    (uint64_t)c->depth - 1, &hi) ||
	    __builtin_add_overflow(hi, (uint64_t)c->element_bytes, &hi) || __builtin_add_overflow(s->addr, lo, &lo) ||
	    __builtin_add_overflow(s->addr, hi, &hi))
		return 0;
	*first = lo;
	*end = hi;
	return 1;
}

enum mica_dma_tiled_error mica_dma_tiled_check(const struct mica_dma_tiled *c)
{
	enum mica_dma_tiled_error e;
	uint64_t bytes, sf, se, df, de;

	if (c->control & MICA_PKT_DMA_COPY_TILED_CONTROL_RESERVED)
		return MICA_DMA_TILED_RESERVED;
	if (c->element_bytes == 0 || c->element_bytes > MICA_DMA_TILED_MAX_ELEMENT_BYTES)
		return MICA_DMA_TILED_ELEMENT_BYTES;
	if (c->width == 0 || c->height == 0 || c->depth == 0)
		return MICA_DMA_TILED_OK; /* copies nothing */
	if (__builtin_mul_overflow((uint64_t)c->width * c->height, (uint64_t)c->depth, &bytes) ||
	    __builtin_mul_overflow(bytes, (uint64_t)c->element_bytes, &bytes) || bytes > MICA_DMA_TILED_MAX_BYTES)
		return MICA_DMA_TILED_TOO_LARGE;
	e = check_side(c, &c->src);
	if (e == MICA_DMA_TILED_OK)
		e = check_side(c, &c->dst);
	if (e != MICA_DMA_TILED_OK)
		return e;
	if (!footprint_checked(c, &c->src, &sf, &se) || !footprint_checked(c, &c->dst, &df, &de))
		return MICA_DMA_TILED_WRAP;
	if (sf < de && df < se)
		return MICA_DMA_TILED_OVERLAP;
	return MICA_DMA_TILED_OK;
}

void mica_dma_tiled_footprint(const struct mica_dma_tiled *c, const struct mica_dma_surface *side, uint64_t *first,
			      uint64_t *end)
{
	*first = *end = side->addr;
	footprint_checked(c, side, first, end);
}

uint32_t mica_dma_contiguous_elements(const struct mica_dma_surface *s, uint32_t x, uint32_t limit)
{
	uint32_t left;

	if (s->tiling != MICA_IMAGE_TILING_OPTIMAL)
		return limit;
	left = MICA_TEX_TILE_WIDTH - (uint32_t)(((uint64_t)s->x + x) % MICA_TEX_TILE_WIDTH);
	return left < limit ? left : limit;
}
