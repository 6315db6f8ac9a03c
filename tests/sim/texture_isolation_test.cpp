// SPDX-License-Identifier: MIT
// Red-team tests of the texture unit on the whole device (real page tables, several contexts,
// the kernel ring): an image descriptor is ordinary client memory the kernel never inspects, so
// every way of pointing one at memory the client does not own must end in an MMU fault of that
// client, with nothing read from or written to the other client's memory (docs/kernel.md,
// docs/hw/texture.md "Faults").
#include <cstring>

#include "mica_image.h"
#include "sim_test_util.h"

namespace mica::sim::test {
namespace {

using baremetal::Machine;

constexpr uint32_t kAttacker = 1, kVictim = 2;

// A program that loads the descriptor at s[0:1], reads texel (lane, 0) with image_load (or writes
// it with image_store) and stores what it read to s[2:3] + lane * 16.
std::vector<uint8_t> probe_program(bool store)
{
	Program p;
	p.ctrl(MICA_OP_S_NOP, MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE - 1);
	p.mem(MICA_OP_S_LOAD_B256, s(8), MICA_OPND_NONE, s(0), MICA_OPND_NONE);
	p.alu(MICA_OP_V_MOV_B32, v(0), MICA_OPND_LANE_ID);
	p.alu(MICA_OP_V_MOV_B32, v(1), MICA_OPND_INT_CONST_FIRST);
	p.alu(MICA_OP_V_MOV_B32, v(2), MICA_OPND_INT_CONST_FIRST);
	p.alu(MICA_OP_V_MOV_B32, v(3), MICA_OPND_INT_CONST_FIRST);
	p.alu(MICA_OP_V_MOV_B32, v(12), MICA_OPND_INT_CONST_FIRST + 7);
	p.alu(MICA_OP_V_MOV_B32, v(13), MICA_OPND_INT_CONST_FIRST + 7);
	p.alu(MICA_OP_V_MOV_B32, v(14), MICA_OPND_INT_CONST_FIRST + 7);
	p.alu(MICA_OP_V_MOV_B32, v(15), MICA_OPND_INT_CONST_FIRST + 7);
	p.alu(MICA_OP_V_SHL_B32, v(20), MICA_OPND_LANE_ID, MICA_OPND_INT_CONST_FIRST + 4);
	p.ctrl(MICA_OP_S_WAITCNT, 0);
	if (store)
		p.mem(MICA_OP_IMAGE_STORE, MICA_OPND_NONE, v(0), s(8), v(12));
	else
		p.mem(MICA_OP_IMAGE_LOAD, v(12), v(0), s(8), MICA_OPND_NONE);
	p.ctrl(MICA_OP_S_WAITCNT, 0);
	p.mem(MICA_OP_GLOBAL_STORE_B128, MICA_OPND_NONE, v(20), s(2), v(12));
	p.ctrl(MICA_OP_S_ENDPGM);
	return p.bytes();
}

struct TwoClients {
	Machine m = make_machine();
	uint64_t secret_va = 0, desc_va = 0, out_va = 0, own_va = 0;
	std::vector<uint8_t> secret = std::vector<uint8_t>(4096);

	TwoClients()
	{
		// Contexts allocate VAs independently: pad the victim's space so its secret lies at a VA
		// the attacker has not mapped (the same VA in the attacker's space would be its own memory).
		m.alloc(kVictim, 1u << 20, MICA_PTE_READ);
		secret_va = m.alloc(kVictim, 4096, MICA_PTE_READ | MICA_PTE_WRITE);
		for (size_t i = 0; i < secret.size(); i++)
			secret[i] = static_cast<uint8_t>(0xa5 ^ i);
		m.write(kVictim, secret_va, secret.data(), secret.size());
		desc_va = m.alloc(kAttacker, 4096, MICA_PTE_READ | MICA_PTE_WRITE);
		out_va = m.alloc(kAttacker, 4096, MICA_PTE_READ | MICA_PTE_WRITE);
		own_va = m.alloc(kAttacker, 4096, MICA_PTE_READ | MICA_PTE_WRITE);
	}
	Machine::RunResult probe(uint64_t image_va, uint32_t width, bool store)
	{
		mica_image_desc d{};
		d.addr = image_va;
		d.format = MICA_TEXEL_FORMAT_R32G32B32A32_UINT;
		d.type = MICA_IMAGE_TYPE_BUFFER;
		d.width = width;
		d.height = d.depth = d.layers = d.view_layers = d.view_levels = 1;
		d.swizzle[0] = MICA_SWIZZLE_R;
		d.swizzle[1] = MICA_SWIZZLE_G;
		d.swizzle[2] = MICA_SWIZZLE_B;
		d.swizzle[3] = MICA_SWIZZLE_A;
		uint32_t dw[MICA_IMGDESC_DWORDS];
		mica_image_desc_encode(&d, dw);
		m.write(kAttacker, desc_va, dw, sizeof dw);
		const auto code = probe_program(store);
		Machine::Launch l;
		l.program_va = m.load_code(kAttacker, code, {});
		l.vgpr_count = 32;
		l.sgpr_count = 32;
		l.wg_size[0] = 32;
		l.user_data = {lo32(desc_va), hi32(desc_va), lo32(out_va), hi32(out_va)};
		return m.dispatch(kAttacker, l);
	}
	bool victim_intact()
	{
		std::vector<uint8_t> now(secret.size());
		m.read(kVictim, secret_va, now.data(), now.size());
		return now == secret;
	}
	bool nothing_leaked()
	{
		std::vector<uint8_t> out(512);
		m.read(kAttacker, out_va, out.data(), out.size());
		for (size_t i = 0; i + 16 <= out.size(); i += 16)
			if (std::memcmp(out.data() + i, secret.data(), 4) == 0)
				return false;
		return true;
	}
};

} // namespace

TEST(TextureIsolation, DescriptorAtAnotherClientsVaFaults)
{
	TwoClients t;
	EXPECT_THROW(t.m.translate(kAttacker, t.secret_va), baremetal::MachineError) << "premise: unmapped for the attacker";
	for (bool store : {false, true}) {
		Machine::RunResult r = t.probe(t.secret_va, 256, store);
		EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
		EXPECT_EQ(r.fault_addr, t.secret_va) << r.describe();
		EXPECT_EQ(r.fault_access, store ? uint32_t(MICA_ACCESS_WRITE) : uint32_t(MICA_ACCESS_READ));
		EXPECT_TRUE(t.victim_intact());
		EXPECT_TRUE(t.nothing_leaked());
	}
}

TEST(TextureIsolation, DescriptorAtThePhysicalAddressFaults)
{
	TwoClients t;
	// The victim's physical page, used as a VA in the attacker's space: unmapped there.
	const uint64_t phys = t.m.translate(kVictim, t.secret_va);
	Machine::RunResult r = t.probe(phys, 256, false);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
	EXPECT_TRUE(t.nothing_leaked());
	// Texels past the top of the 48-bit VA space (base near the top, offsets carry past it).
	r = t.probe((1ull << 48) - 64, 256, false);
	EXPECT_NE(r.fault, MICA_FAULT_NONE) << r.describe();
}

TEST(TextureIsolation, ExtentBeyondTheOwnBufferFaultsAtTheGuardPage)
{
	TwoClients t;
	// 4096 bytes own, the descriptor claims 1 << 20 elements of 16 bytes: lanes 0..31 read
	// 512 bytes (in bounds), a second probe starts 16 elements before the end of the page.
	Machine::RunResult r = t.probe(t.own_va, 1u << 20, false);
	EXPECT_EQ(r.fault, MICA_FAULT_NONE) << r.describe();
	r = t.probe(t.own_va + 4096 - 16 * 16, 1u << 20, false);
	EXPECT_EQ(r.fault, MICA_FAULT_MMU_UNMAPPED) << r.describe();
	EXPECT_EQ(r.fault_addr, t.own_va + 4096) << "lane 16's texel is the first byte past the buffer";
	EXPECT_TRUE(t.nothing_leaked());
	// And the context recovers: a well-formed probe runs afterwards.
	EXPECT_EQ(t.probe(t.own_va, 256, false).fault, MICA_FAULT_NONE);
}

} // namespace mica::sim::test
