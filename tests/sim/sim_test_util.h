// SPDX-License-Identifier: MIT
// Helpers shared by the device-model tests: packet builders, a raw kernel-ring driver that
// talks to a Device through MMIO only, and a tiny program builder over mica_encode.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <initializer_list>
#include <thread>
#include <vector>

#include "mica/sim/baremetal.h"
#include "mica/sim/device.h"
#include "mica_hw.h"
#include "mica_isa.h"

namespace mica::sim::test {

inline uint32_t lo32(uint64_t v) { return static_cast<uint32_t>(v); }
inline uint32_t hi32(uint64_t v) { return static_cast<uint32_t>(v >> 32); }

inline void put(std::vector<uint32_t> &out, uint32_t op, std::initializer_list<uint32_t> payload)
{
	out.push_back(MICA_PKT_HEADER(op, payload.size()));
	out.insert(out.end(), payload);
}

inline std::vector<uint32_t> pkt(uint32_t op, std::initializer_list<uint32_t> payload)
{
	std::vector<uint32_t> v;
	put(v, op, payload);
	return v;
}

inline std::vector<uint32_t> cat(std::initializer_list<std::vector<uint32_t>> parts)
{
	std::vector<uint32_t> v;
	for (const auto &p : parts)
		v.insert(v.end(), p.begin(), p.end());
	return v;
}

// Polls until pred() or the deadline; returns pred().
template <typename Pred>
bool wait_until(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(10000))
{
	const auto end = std::chrono::steady_clock::now() + limit;
	while (!pred()) {
		if (std::chrono::steady_clock::now() > end)
			return pred();
		std::this_thread::sleep_for(std::chrono::microseconds(100));
	}
	return true;
}

// A Device with a kernel ring, driven through MMIO the way a kernel would.
class RawRing {
public:
	static constexpr uint64_t kRingPhys = 0x10000;
	static constexpr uint64_t kScratch = 0x100000; // physical scratch memory for tests

	explicit RawRing(uint32_t ring_bytes = 4096, DeviceConfig cfg = small_config())
	    : dev(cfg), size(ring_bytes)
	{
		dev.mmio_write32(MICA_REG_RING_BASE_LO, lo32(kRingPhys));
		dev.mmio_write32(MICA_REG_RING_BASE_HI, hi32(kRingPhys));
		dev.mmio_write32(MICA_REG_RING_SIZE, size);
		dev.mmio_write32(MICA_REG_CP_CTRL, 1);
	}

	static DeviceConfig small_config()
	{
		DeviceConfig c;
		c.vram_bytes = 64ull << 20;
		c.cu_count = 2;
		c.host_threads = 2;
		return c;
	}

	// Writes the dwords at the tail (wrapping) and rings the doorbell.
	void push(const std::vector<uint32_t> &dwords, bool doorbell = true)
	{
		for (uint32_t d : dwords) {
			std::memcpy(dev.vram() + kRingPhys + tail, &d, 4);
			tail = (tail + 4) & (size - 1);
		}
		if (doorbell)
			dev.mmio_write32(MICA_REG_RING_TAIL, tail);
	}

	bool idle() { return (dev.mmio_read32(MICA_REG_CP_STATUS) & 1u) == 0; }
	bool halted() { return (dev.mmio_read32(MICA_REG_CP_STATUS) & 2u) != 0; }

	// Submits and waits until the CP is idle (done or halted).
	void run(const std::vector<uint32_t> &dwords)
	{
		push(dwords);
		ASSERT_TRUE(wait_until([&] { return idle(); })) << "CP did not go idle";
	}

	uint32_t phys32(uint64_t addr) { uint32_t v; std::memcpy(&v, dev.vram() + addr, 4); return v; }
	uint64_t phys64(uint64_t addr) { uint64_t v; std::memcpy(&v, dev.vram() + addr, 8); return v; }
	void set32(uint64_t addr, uint32_t v) { std::memcpy(dev.vram() + addr, &v, 4); }

	void reset_cp()
	{
		dev.mmio_write32(MICA_REG_CP_CTRL, 3);
		tail = 0;
	}

	Device dev;
	uint32_t size;
	uint32_t tail = 0;
};

// Small Machine configuration used by most tests (less VRAM, two CUs).
inline baremetal::Machine make_machine()
{
	return baremetal::Machine(RawRing::small_config());
}

// Program builder over the portable encoder.
class Program {
public:
	Program &alu(uint32_t op, uint16_t dst, uint16_t s0 = MICA_OPND_NONE, uint16_t s1 = MICA_OPND_NONE,
	             uint16_t s2 = MICA_OPND_NONE)
	{
		return emit(op, {dst, s0, s1, s2}, 0, 0);
	}
	Program &mem(uint32_t op, uint16_t dst, uint16_t addr, uint16_t saddr, uint16_t data, int32_t offset = 0)
	{
		return emit(op, {dst, addr, saddr, data}, 0, offset);
	}
	Program &ctrl(uint32_t op, int32_t imm = 0, uint16_t dst = MICA_OPND_NONE, uint16_t s0 = MICA_OPND_NONE)
	{
		return emit(op, {dst, s0, MICA_OPND_NONE, MICA_OPND_NONE}, imm, 0);
	}
	uint64_t here() const { return words_.size() * 8; }
	std::vector<uint8_t> bytes() const
	{
		std::vector<uint8_t> b(words_.size() * 8);
		std::memcpy(b.data(), words_.data(), b.size());
		return b;
	}

private:
	Program &emit(uint32_t op, std::initializer_list<uint16_t> opnds, int32_t imm, int32_t offset)
	{
		mica_inst inst{};
		inst.info = mica_op_lookup(op);
		EXPECT_NE(inst.info, nullptr);
		unsigned i = 0;
		for (uint16_t o : opnds)
			inst.opnd[i++] = o;
		inst.imm = imm;
		inst.offset = offset;
		uint64_t out[2];
		const int n = mica_encode(&inst, out);
		EXPECT_GT(n, 0) << "encoding " << inst.info->name << ": " << mica_decode_status_name(-n);
		for (int k = 0; k < n; k++)
			words_.push_back(out[k]);
		return *this;
	}
	std::vector<uint64_t> words_;
};

// An s_halt program in fresh physical memory, for dispatches from the kernel's own ring
// (context 0 runs on physical addresses). Returns its address.
inline uint64_t load_halt_program_phys(baremetal::Machine &m)
{
	Program p;
	p.ctrl(MICA_OP_S_HALT);
	const auto code = p.bytes();
	const uint64_t phys = m.alloc_phys(4096);
	std::memcpy(m.device().vram() + phys, code.data(), code.size());
	return phys;
}

inline uint16_t v(unsigned n) { return static_cast<uint16_t>(MICA_OPND_VGPR_FIRST + n); }
inline uint16_t s(unsigned n) { return static_cast<uint16_t>(MICA_OPND_SGPR_FIRST + n); }

} // namespace mica::sim::test
