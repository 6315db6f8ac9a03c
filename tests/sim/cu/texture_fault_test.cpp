// SPDX-License-Identifier: MIT
// The texture unit and the MMU (docs/hw/texture.md "Faults", docs/kernel.md): every texel access
// is translated with the context's page tables, so a descriptor pointing outside the client's VM
// faults with the normal fault record (address, access type, pc) and no lane takes effect. This is
// why the kernel never needs to inspect descriptors.
#include <gtest/gtest.h>

#include "texture_test_support.h"

using namespace mica::sim;
using namespace mica::sim::textest;

namespace {

unsigned opcode_at(Rig &rig, uint64_t pc)
{
	uint64_t w[2];
	std::memcpy(w, rig.code + (pc - Rig::kCode), 16);
	mica_inst in{};
	mica_decode(w, 2, &in, nullptr);
	return in.info ? in.info->opcode : ~0u;
}

} // namespace

TEST(TextureFault, DescriptorOutsideVmFaults)
{
	for (unsigned op : {MICA_OP_IMAGE_LOAD, MICA_OP_IMAGE_STORE, MICA_OP_IMAGE_ATOMIC_ADD_U32, MICA_OP_IMAGE_SAMPLE,
	                    MICA_OP_IMAGE_GATHER4_R}) {
		SCOPED_TRACE(mica_op_lookup(op)->name);
		Rig rig;
		mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_UINT, 64, 64);
		d.addr = 0x7f0000000000ull; // another client's memory as far as this context knows: unmapped here
		TexCall c;
		c.opcode = op;
		c.set(d);
		c.set(sampler(MICA_FILTER_NEAREST, MICA_ADDRESS_MODE_CLAMP_TO_EDGE));
		c.exec = 0xfffffff0u; // lowest active lane: 4
		for (unsigned l = 0; l < 32; l++) {
			c.lane[l].coord[0] = op == MICA_OP_IMAGE_SAMPLE || op == MICA_OP_IMAGE_GATHER4_R ? bits((l + 0.5f) / 64) : l;
			c.lane[l].coord[1] = op == MICA_OP_IMAGE_SAMPLE || op == MICA_OP_IMAGE_GATHER4_R ? bits(0.5f / 64) : 0;
		}
		DispatchResult r = run_tex(rig, c);
		EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.report;
		// The gather reads (i0, j1) first: texel (4, 1).
		const uint64_t want_va = op == MICA_OP_IMAGE_GATHER4_R ? d.addr + (64 + 4) * 4 : d.addr + 4 * 4;
		EXPECT_EQ(r.fault_addr, want_va) << r.report;
		EXPECT_EQ(r.fault_access, uint32_t(op == MICA_OP_IMAGE_STORE ? MICA_ACCESS_WRITE : MICA_ACCESS_READ));
		EXPECT_EQ(opcode_at(rig, r.fault_pc), op) << "fault pc is the image instruction";
	}
}

TEST(TextureFault, NoLaneTakesEffectAndPermissionsAreChecked)
{
	Rig rig;
	// Image rows 0..3 of 1024 bytes each: row 3 (lane 31's texel) on a read-only page.
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32_UINT, 1024, 8);
	TexCall c;
	c.opcode = MICA_OP_IMAGE_STORE;
	c.set(d);
	for (unsigned l = 0; l < 32; l++) {
		c.lane[l].coord[0] = l;
		c.lane[l].coord[1] = l == 31 ? 1 : 0; // row 1 starts at +4096: the next page
		c.lane[l].data[0] = 0xabcd0000u + l;
	}
	rig.mmu.protect(Rig::kCtx, kImageVa + 4096, 4096, kR);
	DispatchResult r = run_tex(rig, c);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_PERMISSION) << r.report;
	EXPECT_EQ(r.fault_addr, kImageVa + 4096 + 31 * 4);
	EXPECT_EQ(r.fault_access, uint32_t(MICA_ACCESS_WRITE));
	for (unsigned l = 0; l < 31; l++)
		EXPECT_EQ(rig.get<uint32_t>(kImageOff + 4 * l), 0u) << "lane " << l << " must not have stored";
	// Loads from the read-only page are fine.
	TexCall ld = c;
	ld.opcode = MICA_OP_IMAGE_LOAD;
	EXPECT_EQ(run_tex(rig, ld).fault, MICA_FAULT_NONE);
}

TEST(TextureFault, TexelStraddlingIntoAnUnmappedPage)
{
	Rig rig(2, 1, 1 << 17); // data region ends at kData + 128 KiB
	mica_image_desc d = image_2d(MICA_TEXEL_FORMAT_R32G32B32_UINT, 1, 1);
	d.addr = Rig::kData + (1 << 17) - 8; // 12-byte texel: 8 bytes mapped, 4 not
	TexCall c;
	c.set(d);
	DispatchResult r = run_tex(rig, c);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.report;
	EXPECT_EQ(r.fault_addr, Rig::kData + (1 << 17));
}
