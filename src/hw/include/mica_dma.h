/* SPDX-License-Identifier: MIT */
/*
 * DMA_COPY_TILED (docs/hw/command-processor.md "DMA_COPY_TILED"): a box of elements copied between
 * two surfaces, each LINEAR or OPTIMAL (the texture unit's 4x4-element tiles, docs/hw/texture.md).
 * Portable C shared by the device model (which executes the packet), the kernel's command-stream
 * validator (which checks it at submit) and the drivers (which build it), so the three agree on
 * which packets are well formed and on which bytes a packet touches.
 */
#ifndef MICA_DMA_H
#define MICA_DMA_H

#include "mica_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The largest element: a 16-byte texel (R32G32B32A32, R64G64) or compressed block. ELEMENT_BYTES
 * is 1..16, any value (3-, 6-, 12-byte texels too).
 */
#define MICA_DMA_TILED_MAX_ELEMENT_BYTES 16u
/* Bytes one packet may move (width x height x depth x element_bytes), as many as a DMA_COPY. */
#define MICA_DMA_TILED_MAX_BYTES 0xffffffffull

/* One side of the copy. */
struct mica_dma_surface {
	uint64_t addr;		/* element (0, 0) of slice 0 */
	uint32_t pitch;		/* LINEAR: bytes per row; OPTIMAL: bytes per row of tiles */
	uint32_t slice_pitch;	/* bytes from one slice to the next (unused when depth is 1) */
	uint32_t x, y;		/* the box's first element */
	uint32_t tiling;	/* MICA_IMAGE_TILING_LINEAR or _OPTIMAL */
};

struct mica_dma_tiled {
	struct mica_dma_surface src, dst;
	uint32_t width, height, depth;	/* the box, in elements and slices */
	uint32_t element_bytes;
	uint32_t control;		/* the raw control dword (its reserved bits are checked) */
};

/* Why a DMA_COPY_TILED is malformed. */
enum mica_dma_tiled_error {
	MICA_DMA_TILED_OK = 0,
	MICA_DMA_TILED_RESERVED,	/* control bits outside ELEMENT_BYTES / SRC_TILING / DST_TILING */
	MICA_DMA_TILED_ELEMENT_BYTES,	/* ELEMENT_BYTES 0 or above 16 */
	MICA_DMA_TILED_TOO_LARGE,	/* width x height x depth x element_bytes above MICA_DMA_TILED_MAX_BYTES */
	MICA_DMA_TILED_PITCH,		/* a row (LINEAR) or row of tiles (OPTIMAL, a whole number of tiles) cannot hold the box */
	MICA_DMA_TILED_SLICE_PITCH,	/* depth > 1 and a slice cannot hold the box's rows */
	MICA_DMA_TILED_WRAP,		/* a footprint wraps the 64-bit address space */
	MICA_DMA_TILED_OVERLAP,		/* the two footprints overlap */
};

/* A short description of an error, for messages ("pitch too small for the box", ...). */
const char *mica_dma_tiled_error_name(enum mica_dma_tiled_error e);

/* Unpacks the 16 payload dwords (MICA_PKT_DMA_COPY_TILED_*); checks nothing. */
void mica_dma_tiled_unpack(const uint32_t *payload, struct mica_dma_tiled *out);
/* Packs it back: control from element_bytes and the tilings (the raw control is ignored). */
void mica_dma_tiled_pack(const struct mica_dma_tiled *c, uint32_t payload[MICA_PKT_DMA_COPY_TILED_LEN_MAX]);

/*
 * The field checks, which need no memory: MICA_DMA_TILED_OK or the first error found. A box with a
 * zero dimension copies nothing and is well formed (the kernel validator refuses it, as it refuses
 * an empty DMA_COPY). On OK the footprints below cannot overflow.
 */
enum mica_dma_tiled_error mica_dma_tiled_check(const struct mica_dma_tiled *c);

/*
 * Byte offset from s->addr of element (s->x + x, s->y + y) of slice z. With the pitch rules of
 * mica_dma_tiled_check no two elements share a byte and the offset grows with each of x, y and z,
 * so the box's first and last elements bound everything it touches.
 */
uint64_t mica_dma_element_offset(const struct mica_dma_surface *s, uint32_t element_bytes, uint32_t x, uint32_t y,
				 uint32_t z);

/*
 * The range [*first, *end) of absolute addresses the box touches on one side (the bytes between
 * its first and last element; on an OPTIMAL side or with gaps between rows it includes bytes the
 * copy does not touch). Only for a checked, non-empty copy.
 */
void mica_dma_tiled_footprint(const struct mica_dma_tiled *c, const struct mica_dma_surface *side, uint64_t *first,
			      uint64_t *end);

/*
 * How many elements from box column x (at most 'limit') lie one after another in memory on a side:
 * the rest of the row (LINEAR) or of the tile's row (OPTIMAL).
 */
uint32_t mica_dma_contiguous_elements(const struct mica_dma_surface *s, uint32_t x, uint32_t limit);

#ifdef __cplusplus
}
#endif

#endif /* MICA_DMA_H */
