/* SPDX-License-Identifier: MIT */
/*
 * Image and sampler descriptors of the texture unit and the memory layout of an image
 * (docs/hw/texture.md): decoding and checking a descriptor as the device does, encoding one, and
 * where each texel of each mip level lives for linear and optimal tiling. Portable C shared by the
 * device model (which addresses texels with it) and the drivers (which size images, copy texels
 * and fill descriptors with it), so they cannot disagree about a layout. Field positions come
 * from mica.toml [descriptor.*] and texel sizes from mica_formats.toml, both generated.
 */
#ifndef MICA_IMAGE_H
#define MICA_IMAGE_H

#include "mica_hw.h"
#include "mica_formats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An image descriptor, field by field (mica.toml [descriptor.image]). */
struct mica_image_desc {
	uint64_t addr;          /* base VA: level 0, layer 0, texel (0, 0, 0) */
	uint32_t format;        /* enum mica_texel_format */
	uint32_t type;          /* enum mica_image_type: the view type */
	uint32_t tiling;        /* enum mica_image_tiling */
	uint32_t width, height, depth; /* level 0 of the image (BUFFER: width = element count) */
	uint32_t layers;        /* array layers of the whole image (the layout's layer count) */
	uint32_t base_layer, view_layers;
	uint32_t base_level, view_levels;
	uint32_t swizzle[4];    /* enum mica_swizzle for the view's R, G, B, A */
	uint32_t samples_log2;  /* 0: single-sampled; 1..3: 2, 4 or 8 samples per texel */
};

/* A sampler descriptor (mica.toml [descriptor.sampler]); LODs are f32 values. */
struct mica_sampler_desc {
	uint32_t mag_filter, min_filter, mipmap_mode;
	uint32_t address[3];    /* enum mica_address_mode for u, v, w */
	uint32_t border_color;  /* enum mica_border_color */
	uint32_t compare_enable, compare_op;
	uint32_t unnormalized;
	float lod_bias, min_lod, max_lod;
};

/* Where one mip level of an image lives, relative to the descriptor's base address. */
struct mica_image_level {
	uint32_t width, height, depth; /* this level's extent */
	uint64_t offset;        /* of the level from the image base (a multiple of MICA_TEX_LEVEL_ALIGNMENT) */
	uint64_t row_pitch;     /* linear: bytes between rows; optimal: bytes between rows of tiles */
	uint64_t slice_pitch;   /* bytes between depth slices */
	uint64_t layer_pitch;   /* bytes between array layers */
	uint64_t size;          /* bytes of the level (all layers) */
};

/* Number of mip levels of a full chain for this extent: floor(log2(max(w, h, d))) + 1. */
uint32_t mica_image_max_levels(uint32_t width, uint32_t height, uint32_t depth);

/*
 * Decodes 8 descriptor dwords and checks them as the texture unit does before any access.
 * Returns 0 if the descriptor is well formed, else the enum mica_descriptor_error code the
 * instruction faults with (BAD_DESCRIPTOR, CTX_FAULT_INFO = the code).
 */
uint32_t mica_image_desc_decode(const uint32_t dw[MICA_IMGDESC_DWORDS], struct mica_image_desc *out);
/*
 * A multisampled image (SAMPLES_LOG2 > 0: 2D or 2D_ARRAY, one mip level) is laid out as if its
 * depth were its sample count: sample s of texel (x, y) of a layer is texel (x, y, z = s) of that
 * layer, so each sample of a layer is a slice of its own (slice_pitch apart) and a layer holds all
 * its samples (layer_pitch = samples x slice_pitch), in both tilings. This gives the depth to pass
 * to the layout functions below for a descriptor: its sample count if multisampled, else DEPTH.
 */
uint32_t mica_image_desc_layout_depth(const struct mica_image_desc *d);
/* Writes the 8 dwords of a descriptor (reserved bits zero). */
void mica_image_desc_encode(const struct mica_image_desc *d, uint32_t dw[MICA_IMGDESC_DWORDS]);

uint32_t mica_sampler_desc_decode(const uint32_t dw[MICA_SMPDESC_DWORDS], struct mica_sampler_desc *out);
void mica_sampler_desc_encode(const struct mica_sampler_desc *s, uint32_t dw[MICA_SMPDESC_DWORDS]);

/*
 * The layout of mip level 'level' (0 = the image's level 0, not the view's base) of an image of
 * this format, tiling, level-0 extent and layer count. Levels follow one another from the base
 * address, each starting at a multiple of MICA_TEX_LEVEL_ALIGNMENT; within a level the layers,
 * within a layer the depth slices, within a slice the rows (linear) or rows of 4x4-texel tiles
 * (optimal). A driver lays out 1D images (and texel buffers) LINEAR whatever tiling the API asked
 * for: the descriptor check refuses OPTIMAL with the 1D view types.
 */
void mica_image_level_layout(uint32_t format, uint32_t tiling, uint32_t width, uint32_t height, uint32_t depth,
			     uint32_t layers, uint32_t level, struct mica_image_level *out);
/* Bytes of an image with 'levels' mip levels (the sum of the levels with their alignment). */
uint64_t mica_image_size(uint32_t format, uint32_t tiling, uint32_t width, uint32_t height, uint32_t depth,
			 uint32_t layers, uint32_t levels);
/* Byte offset of texel (x, y, z) of 'layer' inside a level (add level->offset and the base); for a
 * block-compressed format, of the block holding the texel. Layouts of compressed formats count
 * blocks where others count texels (rows of blocks, 4x4 tiles of blocks). */
uint64_t mica_image_texel_offset(uint32_t format, uint32_t tiling, const struct mica_image_level *level,
				 uint32_t x, uint32_t y, uint32_t z, uint32_t layer);

#ifdef __cplusplus
}
#endif
#endif /* MICA_IMAGE_H */
