// SPDX-License-Identifier: MIT
// Random hostile image/sampler descriptors against the texture unit on the whole device, with a
// fixed seed set (bounded time under ASan), plus the minimal cases of what that found. The case
// generator and the oracles are in texture_fuzz_case.h (shared with the libFuzzer target
// tests/kernel/fuzz/fuzz_texture.cpp). MICA_TEXFUZZ_CASES overrides the number of cases.
#include <gtest/gtest.h>

#include <cstdlib>

#include "texture_fuzz_case.h"

namespace mica::sim::texfuzz {
namespace {

unsigned case_count()
{
	if (const char *e = std::getenv("MICA_TEXFUZZ_CASES"))
		return static_cast<unsigned>(std::strtoul(e, nullptr, 0));
	return 8000;
}

} // namespace

// Every case is checked against the oracles; every 4th is run twice for determinism; the victim
// runs a dispatch of its own after every 50 cases and at the end.
TEST(TextureFuzz, SeededHostileDescriptors)
{
	Rig rig;
	const unsigned n = case_count();
	unsigned faults = 0, bad_desc = 0, completed = 0;
	for (unsigned i = 0; i < n; i++) {
		Gen g(0x7e4f0220u + i);
		const Case c = random_case(g, rig);
		const Outcome o = rig.run(c);
		const std::string err = rig.check(c, o);
		ASSERT_EQ(err, "") << "case " << i << ": " << describe(c);
		if (i % 4 == 0) {
			const Outcome again = rig.run(c);
			ASSERT_TRUE(o.same(again, rig.reads_volatile(c))) << "case " << i << " is not deterministic: " << describe(c) << "\n  "
			                           << o.difference(again);
		}
		if (i % 50 == 49) {
			ASSERT_EQ(rig.victim_works(), "") << "after case " << i;
		}
		completed += o.r.fault == MICA_FAULT_NONE;
		bad_desc += o.r.fault == MICA_FAULT_BAD_DESCRIPTOR;
		faults += o.r.fault != MICA_FAULT_NONE && o.r.fault != MICA_FAULT_BAD_DESCRIPTOR;
	}
	EXPECT_EQ(rig.victim_works(), "");
	// The generator must reach the address arithmetic, not only the decoder's rejections.
	EXPECT_GT(completed, n / 5) << "completed " << completed << ", other faults " << faults << ", BAD_DESCRIPTOR "
	                            << bad_desc;
	EXPECT_GT(faults, n / 20);
	std::printf("texfuzz: %u cases: %u completed, %u MMU/other faults, %u BAD_DESCRIPTOR\n", n, completed, faults,
	            bad_desc);
}

// Finding: VIEW_LEVELS is a 5-bit field and a 2^32-wide image has 32 levels, but the unit's table of
// the view's levels holds MICA_TEX_MAX_LEVELS (16): a view of 17..31 levels wrote past it into the
// instruction's EXEC, coordinates and texel offsets (an intra-object overflow ASan does not see;
// UBSan's bounds check does). Such a view is now an EXTENT error of the descriptor.
TEST(TextureFuzz, ViewLevelsBeyondTheUnitsLevelTableAreRejected)
{
	Rig rig;
	for (uint32_t view_levels : {16u, 17u, 31u}) {
		for (uint32_t opcode : {uint32_t(MICA_OP_IMAGE_QUERY_SIZE), uint32_t(MICA_OP_IMAGE_LOAD), uint32_t(MICA_OP_IMAGE_SAMPLE)}) {
			SCOPED_TRACE(std::string(mica_op_lookup(opcode)->name) + " view_levels " + std::to_string(view_levels));
			mica_image_desc d{};
			d.addr = rig.image_va;
			d.format = MICA_TEXEL_FORMAT_R32_UINT;
			d.type = MICA_IMAGE_TYPE_2D;
			d.width = 0xffffffffu;
			d.height = d.depth = d.layers = d.view_layers = 1;
			d.view_levels = view_levels;
			for (unsigned k = 0; k < 4; k++)
				d.swizzle[k] = MICA_SWIZZLE_R + k;
			Case c;
			c.opcode = opcode;
			mica_image_desc_encode(&d, c.img);
			mica_sampler_desc smp{};
			smp.max_lod = 1000;
			mica_sampler_desc_encode(&smp, c.smp);
			for (unsigned l = 0; l < 32; l++)
				c.coord[l][0] = l; // query: level l; load: texel (l, 0) of level 0
			const Outcome o = rig.run(c);
			EXPECT_EQ(rig.check(c, o), "");
			if (view_levels > MICA_TEX_MAX_LEVELS) {
				EXPECT_EQ(o.r.fault, MICA_FAULT_BAD_DESCRIPTOR) << o.r.describe();
				EXPECT_EQ(o.r.fault_info, MICA_DESCRIPTOR_ERROR_EXTENT) << o.r.describe();
				continue;
			}
			ASSERT_EQ(o.r.fault, MICA_FAULT_NONE) << o.r.describe();
			if (opcode != MICA_OP_IMAGE_QUERY_SIZE)
				continue;
			for (unsigned l = 0; l < 32; l++) {
				uint32_t got[4];
				std::memcpy(got, o.out.data() + 16 * l, 16);
				EXPECT_EQ(got[0], l < view_levels ? 0xffffffffu >> l : 0u) << "lane " << l;
				EXPECT_EQ(got[3], view_levels) << "lane " << l;
			}
		}
	}
}

// The documented 64-bit wrap (docs/hw/texture.md "Faults", docs/kernel.md threat model): texel
// offsets are computed modulo 2^64, so an image of 2^31 x 2^15 texels of 16 bytes has a layer
// pitch of 2^50 and layer 2^14 starts 2^64 bytes after the base: the base itself. A store there
// reaches the client's own memory at the base (never another context's), and the next row of
// that layer (2^35 bytes on) faults where the MMU says.
TEST(TextureFuzz, TexelOffsetsWrapModulo2To64IntoTheOwnVm)
{
	Rig rig;
	mica_image_desc d{};
	d.addr = rig.image_va + 256;
	d.format = MICA_TEXEL_FORMAT_R32G32B32A32_UINT;
	d.type = MICA_IMAGE_TYPE_2D_ARRAY;
	d.width = 1u << 31;
	d.height = 1u << 15;
	d.depth = 1;
	d.layers = d.view_layers = 0xffff;
	d.view_levels = 1;
	for (unsigned k = 0; k < 4; k++)
		d.swizzle[k] = MICA_SWIZZLE_R + k;
	Case c;
	c.opcode = MICA_OP_IMAGE_STORE;
	mica_image_desc_encode(&d, c.img);
	c.exec = 1; // lane 0 only
	c.coord[0][0] = 0;
	c.coord[0][1] = 0;
	c.coord[0][2] = 1u << 14;
	const uint32_t texel[4] = {0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u};
	std::memcpy(c.data[0], texel, sizeof texel);
	Outcome o = rig.run(c);
	EXPECT_EQ(rig.check(c, o), "");
	ASSERT_EQ(o.r.fault, MICA_FAULT_NONE) << o.r.describe();
	EXPECT_EQ(std::memcmp(o.image.data() + 256, texel, sizeof texel), 0) << "layer 2^14 aliases the base";
	EXPECT_TRUE(rig.victim_intact());

	c.coord[0][1] = 1; // row 1 of that layer: base + 2^35, not mapped
	o = rig.run(c);
	EXPECT_EQ(rig.check(c, o), "");
	EXPECT_EQ(o.r.fault, MICA_FAULT_MMU_UNMAPPED) << o.r.describe();
	EXPECT_EQ(o.r.fault_addr, d.addr + (1ull << 35)) << o.r.describe();
	EXPECT_EQ(o.image, rig.image_init) << "a faulting store changes nothing";
	EXPECT_EQ(rig.victim_works(), "");
}

} // namespace mica::sim::texfuzz
