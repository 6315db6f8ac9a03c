// SPDX-License-Identifier: MIT
// Support for the texture-unit tests: descriptors built field by field (mica_image.h), and a
// harness that runs one image instruction per lane the way a compiled shader would: descriptors
// loaded from memory with s_load, per-lane coordinates and data loaded with global loads, the
// result stored back, all on the device model (Rig) in checked hazard mode.
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cu_test_support.h"
#include "mica_image.h"

namespace mica::sim::textest {

using namespace mica::sim::cutest;

// Layout of the rig's data region used by the harness (offsets from Rig::kData).
constexpr uint64_t kDescOff = 0x100;   // image descriptor; sampler at +32
constexpr uint64_t kCoordOff = 0x1000; // 32 lanes x 16 bytes
constexpr uint64_t kDataOff = 0x1400;  // 32 lanes x 16 bytes
constexpr uint64_t kOutOff = 0x1800;   // 32 lanes x 16 bytes
constexpr uint64_t kImageOff = 0x10000; // image memory
constexpr uint64_t kImageVa = Rig::kData + kImageOff;

inline mica_image_desc image_2d(uint32_t format, uint32_t w, uint32_t h, uint32_t tiling = MICA_IMAGE_TILING_LINEAR)
{
	mica_image_desc d{};
	d.addr = kImageVa;
	d.format = format;
	d.type = MICA_IMAGE_TYPE_2D;
	d.tiling = tiling;
	d.width = w;
	d.height = h;
	d.depth = 1;
	d.layers = 1;
	d.view_layers = 1;
	d.view_levels = 1;
	d.swizzle[0] = MICA_SWIZZLE_R;
	d.swizzle[1] = MICA_SWIZZLE_G;
	d.swizzle[2] = MICA_SWIZZLE_B;
	d.swizzle[3] = MICA_SWIZZLE_A;
	return d;
}

inline mica_sampler_desc sampler(uint32_t filter, uint32_t address, uint32_t mip = MICA_MIPMAP_MODE_NEAREST)
{
	mica_sampler_desc s{};
	s.mag_filter = s.min_filter = filter;
	s.mipmap_mode = mip;
	s.address[0] = s.address[1] = s.address[2] = address;
	s.border_color = MICA_BORDER_COLOR_FLOAT_TRANSPARENT_BLACK;
	s.min_lod = 0;
	s.max_lod = 1000;
	return s;
}

struct LaneIo {
	uint32_t coord[4] = {0, 0, 0, 0};
	uint32_t data[4] = {0, 0, 0, 0};
	uint32_t out[4] = {0, 0, 0, 0};
};

struct TexCall {
	unsigned opcode = MICA_OP_IMAGE_LOAD;
	uint32_t img[MICA_IMGDESC_DWORDS] = {};
	uint32_t smp[MICA_SMPDESC_DWORDS] = {};
	std::array<LaneIo, 32> lane{};
	uint32_t exec = ~0u;
	int32_t offset = 0; // the instruction's offset field (texel offsets)
	void set(const mica_image_desc &d) { mica_image_desc_encode(&d, img); }
	void set(const mica_sampler_desc &s) { mica_sampler_desc_encode(&s, smp); }
};

inline float f32(uint32_t b)
{
	float f;
	std::memcpy(&f, &b, 4);
	return f;
}
inline uint32_t bits(float f)
{
	uint32_t b;
	std::memcpy(&b, &f, 4);
	return b;
}

// Emits the instruction under test with the operand registers of the harness:
// coordinates v[0:3], data v[8:11], result v[12:15], descriptors s[8:15] (+ sampler s[16:19]).
inline void emit_image_op(Asm &p, unsigned opcode, int32_t offset)
{
	const mica_op_info *info = mica_op_lookup(opcode);
	const bool has_dst = info->kind[0] != MICA_KIND_UNUSED;
	const bool has_data = info->kind[3] != MICA_KIND_UNUSED;
	p.mem(opcode, has_dst ? V(12) : NONE, V(0), S(8), has_data ? V(8) : NONE, offset);
}

// Runs c on the rig (one wave; checked hazard mode) and fills c.lane[].out.
inline DispatchResult run_tex(Rig &rig, TexCall &c, unsigned groups = 1)
{
	std::memcpy(rig.data + kDescOff, c.img, sizeof c.img);
	std::memcpy(rig.data + kDescOff + MICA_IMGDESC_BYTES, c.smp, sizeof c.smp);
	for (unsigned l = 0; l < 32; l++) {
		std::memcpy(rig.data + kCoordOff + 16 * l, c.lane[l].coord, 16);
		std::memcpy(rig.data + kDataOff + 16 * l, c.lane[l].data, 16);
		std::memset(rig.data + kOutOff + 16 * l, 0xcd, 16);
	}
	Asm p;
	p.nop(MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE - 1); // no memory access in the launch window
	p.mem(MICA_OP_S_LOAD_B256, S(8), NONE, S(0), NONE, static_cast<int32_t>(kDescOff));
	p.mem(MICA_OP_S_LOAD_B128, S(16), NONE, S(0), NONE, static_cast<int32_t>(kDescOff + MICA_IMGDESC_BYTES));
	p.alu(MICA_OP_V_SHL_B32, V(40), LANE, K(4));
	p.alu(MICA_OP_V_MOV_B32, V(41), K(0));
	p.nop(0);
	p.alu(MICA_OP_V_ADD_U64, V(40), V(40), L(Rig::kData));
	p.nop(4);
	p.mem(MICA_OP_GLOBAL_LOAD_B128, V(0), V(40), NONE, NONE, static_cast<int32_t>(kCoordOff));
	p.mem(MICA_OP_GLOBAL_LOAD_B128, V(8), V(40), NONE, NONE, static_cast<int32_t>(kDataOff));
	p.alu(MICA_OP_V_MOV_B32, V(12), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(13), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(14), K(0));
	p.alu(MICA_OP_V_MOV_B32, V(15), K(0));
	p.wait_all();
	p.alu(MICA_OP_S_MOV_B32, EXEC, L(c.exec));
	p.nop(1);
	emit_image_op(p, c.opcode, c.offset);
	p.wait_all();
	p.alu(MICA_OP_S_MOV_B32, EXEC, K(-1));
	p.nop(1);
	p.mem(MICA_OP_GLOBAL_STORE_B128, NONE, V(40), NONE, V(12), static_cast<int32_t>(kOutOff));
	p.end();
	rig.st.checked = true;
	rig.st.groups[0] = groups;
	DispatchResult r = rig.run(p);
	if (r.fault != MICA_FAULT_NONE && std::getenv("MICA_TEX_TRACE"))
		std::fprintf(stderr, "run_tex: %s\n", r.report.c_str());
	for (unsigned l = 0; l < 32; l++)
		std::memcpy(c.lane[l].out, rig.data + kOutOff + 16 * l, 16);
	return r;
}

} // namespace mica::sim::textest
