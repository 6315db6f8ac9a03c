// SPDX-License-Identifier: MIT
// Hostile image/sampler descriptors against the texture unit on the whole device (real page tables,
// an attacker and a victim context, the kernel ring). Shared by the seeded test
// (texture_fuzz_test.cpp) and the libFuzzer target (tests/kernel/fuzz/fuzz_texture.cpp).
//
// A case is one image instruction run by one 32-lane wave of the attacker: its descriptor and
// sampler dwords, opcode, texel-offset field, per-lane coordinates and data. The oracles
// (check()) are what docs/hw/texture.md and docs/kernel.md promise for any bytes a client writes:
//  * the dispatch ends: it completes or faults with a documented fault of that instruction
//    (MMU_UNMAPPED / MMU_PERMISSION at an address inside the image the descriptor names,
//    BAD_DESCRIPTOR exactly when mica_image_desc_decode rejects it, ILLEGAL_INSTRUCTION only for
//    offset bits 15:12), reported at the image instruction's pc;
//  * a faulting instruction changes no memory; a completing one changes only bytes of the image
//    the descriptor names, and only for stores and atomics;
//  * nothing else of the attacker and nothing of the victim changes;
//  * the same case run twice gives the same fault record, results and memory.
// The device runs the interpreter and the JIT side by side (cu_engine 3, MICA_CU_ENGINE=diff),
// which aborts on any disagreement between them.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mica/sim/baremetal.h"
#include "mica_formats.h"
#include "mica_hw.h"
#include "mica_image.h"
#include "mica_isa.h"

namespace mica::sim::texfuzz {

using baremetal::Machine;

constexpr uint32_t kAttacker = 1, kVictim = 2;
constexpr uint64_t kImageBytes = 64 << 10; // the attacker's own image memory (read-write)
constexpr uint64_t kRoBytes = 8 << 10;     // and a read-only image
constexpr uint64_t kSecretBytes = 16 << 10;

struct Case {
	uint32_t img[MICA_IMGDESC_DWORDS] = {};
	uint32_t smp[MICA_SMPDESC_DWORDS] = {};
	uint32_t opcode = MICA_OP_IMAGE_LOAD;
	uint32_t offset = 0; // the instruction's 16-bit texel-offset field
	uint32_t coord[32][4] = {};
	uint32_t data[32][4] = {};
	uint32_t exec = ~0u; // the lanes active for the image instruction
};

struct Outcome {
	Machine::RunResult r;
	uint64_t program_va = 0; // each run loads its program anew: pcs compare relative to it
	std::vector<uint8_t> out, image, ro;
	uint64_t rel_pc() const { return r.fault == MICA_FAULT_NONE ? 0 : r.fault_pc - program_va; }
	// reads_volatile: the case's image covers memory the Machine itself changes between runs (the
	// context's fence page, which the attacker may legitimately read): its results may differ.
	bool same(const Outcome &o, bool reads_volatile = false) const
	{
		return r.fault == o.r.fault && r.fault_addr == o.r.fault_addr && r.fault_access == o.r.fault_access &&
		       rel_pc() == o.rel_pc() && r.fault_info == o.r.fault_info && (reads_volatile || out == o.out) && image == o.image &&
		       ro == o.ro;
	}
	// What differs from o (for failure messages).
	std::string difference(const Outcome &o) const
	{
		auto first = [](const std::vector<uint8_t> &a, const std::vector<uint8_t> &b, const char *what) {
			for (size_t i = 0; i < a.size() && i < b.size(); i++)
				if (a[i] != b[i])
					return std::string(what) + " byte " + std::to_string(i) + ": " + std::to_string(a[i]) + " vs " +
					       std::to_string(b[i]) + "; ";
			return std::string();
		};
		return r.describe() + " vs " + o.r.describe() + "; " + first(out, o.out, "result") +
		       first(image, o.image, "image") + first(ro, o.ro, "read-only page");
	}
};

// The image opcodes of the ISA (new ones are picked up as they are added).
inline const std::vector<uint32_t> &image_opcodes()
{
	static const std::vector<uint32_t> ops = [] {
		std::vector<uint32_t> v;
		for (uint32_t op = 0x390; op < 0x3c0; op++)
			if (const mica_op_info *i = mica_op_lookup(op); i && std::strncmp(i->name, "image_", 6) == 0)
				v.push_back(op);
			else if (i && std::strncmp(i->name, "buffer_", 7) == 0 && std::strstr(i->name, "format"))
				v.push_back(op);
		return v;
	}();
	return ops;
}

inline uint32_t lo32(uint64_t v) { return static_cast<uint32_t>(v); }
inline uint32_t hi32(uint64_t v) { return static_cast<uint32_t>(v >> 32); }

// Program encoding (the portable encoder; aborts on an encoding error since the harness is wrong).
class Code {
public:
	void emit(uint32_t op, uint16_t d, uint16_t a, uint16_t s, uint16_t x, int32_t imm, int32_t offset,
	          const uint64_t *literal = nullptr)
	{
		mica_inst in{};
		if (literal) {
			in.literal = *literal;
			in.has_literal = 1;
		}
		in.info = mica_op_lookup(op);
		in.opnd[0] = d;
		in.opnd[1] = a;
		in.opnd[2] = s;
		in.opnd[3] = x;
		in.imm = imm;
		in.offset = offset;
		uint64_t w[2];
		const int n = mica_encode(&in, w);
		if (n <= 0)
			throw std::runtime_error(std::string("texfuzz: cannot encode ") + (in.info ? in.info->name : "?"));
		words.insert(words.end(), w, w + n);
	}
	uint64_t here() const { return words.size() * 8; }
	std::vector<uint8_t> bytes() const
	{
		std::vector<uint8_t> b(words.size() * 8);
		std::memcpy(b.data(), words.data(), b.size());
		return b;
	}
	std::vector<uint64_t> words;
};

constexpr uint16_t sreg(unsigned n) { return static_cast<uint16_t>(MICA_OPND_SGPR_FIRST + n); }
constexpr uint16_t vreg(unsigned n) { return static_cast<uint16_t>(MICA_OPND_VGPR_FIRST + n); }
constexpr uint16_t kNone = MICA_OPND_NONE;

// Loads the descriptors (s[8:19]) from s[0:1], coordinates v[0:3] and data v[8:11] from s[2:3] and
// s[4:5] + lane * 16, runs the instruction and stores v[12:15] to s[6:7] + lane * 16. Returns the
// code and the byte offset of the image instruction.
inline std::vector<uint8_t> program(const Case &c, uint64_t &image_pc)
{
	Code p;
	p.emit(MICA_OP_S_NOP, kNone, kNone, kNone, kNone, MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE - 1, 0);
	p.emit(MICA_OP_S_LOAD_B256, sreg(8), kNone, sreg(0), kNone, 0, 0);
	p.emit(MICA_OP_S_LOAD_B128, sreg(16), kNone, sreg(0), kNone, 0, MICA_IMGDESC_BYTES);
	p.emit(MICA_OP_V_SHL_B32, vreg(20), MICA_OPND_LANE_ID, MICA_OPND_INT_CONST_FIRST + 4, kNone, 0, 0);
	p.emit(MICA_OP_S_NOP, kNone, kNone, kNone, kNone, 4, 0);
	p.emit(MICA_OP_GLOBAL_LOAD_B128, vreg(0), vreg(20), sreg(2), kNone, 0, 0);
	p.emit(MICA_OP_GLOBAL_LOAD_B128, vreg(8), vreg(20), sreg(4), kNone, 0, 0);
	for (unsigned k = 12; k < 16; k++)
		p.emit(MICA_OP_V_MOV_B32, vreg(k), MICA_OPND_INT_CONST_FIRST, kNone, kNone, 0, 0);
	p.emit(MICA_OP_S_WAITCNT, kNone, kNone, kNone, kNone, 0, 0);
	const uint64_t exec = c.exec, all = 0xffffffffu;
	p.emit(MICA_OP_S_MOV_B32, MICA_OPND_EXEC, MICA_OPND_LITERAL, kNone, kNone, 0, 0, &exec);
	p.emit(MICA_OP_S_NOP, kNone, kNone, kNone, kNone, 1, 0);
	const mica_op_info *info = mica_op_lookup(c.opcode);
	image_pc = p.here();
	p.emit(c.opcode, info->kind[0] != MICA_KIND_UNUSED ? vreg(12) : kNone, vreg(0), sreg(8),
	       info->kind[3] != MICA_KIND_UNUSED ? vreg(8) : kNone, 0, static_cast<int16_t>(c.offset));
	p.emit(MICA_OP_S_WAITCNT, kNone, kNone, kNone, kNone, 0, 0);
	p.emit(MICA_OP_S_MOV_B32, MICA_OPND_EXEC, MICA_OPND_LITERAL, kNone, kNone, 0, 0, &all);
	p.emit(MICA_OP_S_NOP, kNone, kNone, kNone, kNone, 1, 0);
	p.emit(MICA_OP_GLOBAL_STORE_B128, kNone, vreg(20), sreg(6), vreg(12), 0, 0);
	p.emit(MICA_OP_S_ENDPGM, kNone, kNone, kNone, kNone, 0, 0);
	return p.bytes();
}

// An upper bound (exact arithmetic) on the bytes of the image a decoded descriptor names, from its
// base address: every level's size is at most level 0's (tile-rounded), plus the level alignment.
inline unsigned __int128 image_bound(const mica_image_desc &d)
{
	const mica_texel_format_info &f = mica_texel_formats[d.format];
	const unsigned __int128 wb = (uint64_t(d.width) + f.block_width - 1) / f.block_width + MICA_TEX_TILE_WIDTH;
	const unsigned __int128 hb = (uint64_t(d.height) + f.block_height - 1) / f.block_height + MICA_TEX_TILE_HEIGHT;
	const unsigned __int128 level0 = wb * hb * mica_image_desc_layout_depth(&d) * d.layers * f.bytes;
	return (d.base_level + d.view_levels) * (level0 + MICA_TEX_LEVEL_ALIGNMENT);
}

class Rig {
public:
	Rig() : m(config())
	{
		m.set_watchdog(50'000'000); // a hang becomes a WATCHDOG fault, which check() rejects
		// Pad the victim's space so its memory lies at VAs the attacker has not mapped.
		m.alloc(kVictim, 1u << 20, MICA_PTE_READ);
		secret_va = m.alloc(kVictim, kSecretBytes, MICA_PTE_READ | MICA_PTE_WRITE);
		secret.resize(kSecretBytes);
		for (size_t i = 0; i < secret.size(); i++)
			secret[i] = static_cast<uint8_t>(0x5a ^ (i * 131) ^ (i >> 8));
		m.write(kVictim, secret_va, secret.data(), secret.size());
		victim_desc_va = m.alloc(kVictim, 4096, MICA_PTE_READ | MICA_PTE_WRITE);
		victim_io_va = m.alloc(kVictim, 4096, MICA_PTE_READ | MICA_PTE_WRITE);

		desc_va = m.alloc(kAttacker, 4096, MICA_PTE_READ | MICA_PTE_WRITE);
		io_va = m.alloc(kAttacker, 4096, MICA_PTE_READ | MICA_PTE_WRITE);
		image_va = m.alloc(kAttacker, kImageBytes, MICA_PTE_READ | MICA_PTE_WRITE);
		ro_va = m.alloc(kAttacker, kRoBytes, MICA_PTE_READ);
		// One code page rewritten by every run (the device decodes changed code anew), so the
		// attacker's VA layout is the same for every run and a run can be repeated exactly.
		code_va = m.alloc(kAttacker, 4096, MICA_PTE_READ | MICA_PTE_EXEC);
		image_init.resize(kImageBytes);
		for (size_t i = 0; i < image_init.size(); i++)
			image_init[i] = static_cast<uint8_t>(i * 7 + (i >> 9));
		ro_init.resize(kRoBytes);
		for (size_t i = 0; i < ro_init.size(); i++)
			ro_init[i] = static_cast<uint8_t>(0x33 + i * 13);
		m.write(kAttacker, ro_va, ro_init.data(), ro_init.size());
	}

	static DeviceConfig config()
	{
		DeviceConfig c;
		c.vram_bytes = 64ull << 20;
		c.cu_count = 1;
		c.host_threads = 1;
		c.cu_engine = 3; // interpreter and JIT compared on every dispatch
		return c;
	}

	Outcome run(const Case &c)
	{
		std::vector<uint8_t> desc(4096, 0);
		std::memcpy(desc.data(), c.img, sizeof c.img);
		std::memcpy(desc.data() + MICA_IMGDESC_BYTES, c.smp, sizeof c.smp);
		m.write(kAttacker, desc_va, desc.data(), desc.size());
		std::vector<uint8_t> io(4096, 0xcd);
		std::memcpy(io.data(), c.coord, sizeof c.coord);
		std::memcpy(io.data() + 512, c.data, sizeof c.data);
		m.write(kAttacker, io_va, io.data(), io.size());
		m.write(kAttacker, image_va, image_init.data(), image_init.size());
		auto code = program(c, image_pc);
		code.resize(4096, 0);
		m.write(kAttacker, code_va, code.data(), code.size());
		Machine::Launch l;
		program_va = l.program_va = code_va;
		l.vgpr_count = 32;
		l.sgpr_count = 32;
		l.wg_size[0] = 32;
		l.user_data = {lo32(desc_va), hi32(desc_va), lo32(io_va), hi32(io_va), lo32(io_va + 512),
		               hi32(io_va + 512), lo32(io_va + 1024), hi32(io_va + 1024)};
		Outcome o;
		o.r = m.dispatch(kAttacker, l);
		o.program_va = program_va;
		o.out.resize(512);
		m.read(kAttacker, io_va + 1024, o.out.data(), o.out.size());
		o.image.resize(kImageBytes);
		m.read(kAttacker, image_va, o.image.data(), o.image.size());
		o.ro.resize(kRoBytes);
		m.read(kAttacker, ro_va, o.ro.data(), o.ro.size());
		// What the instruction must not touch: its own descriptor page and its inputs.
		std::vector<uint8_t> now(4096);
		m.read(kAttacker, desc_va, now.data(), now.size());
		inputs_intact = now == desc;
		m.read(kAttacker, io_va, now.data(), now.size());
		inputs_intact = inputs_intact && std::memcmp(now.data(), io.data(), 1024) == 0;
		return o;
	}

	// Empty when every oracle holds, else what broke.
	std::string check(const Case &c, const Outcome &o)
	{
		const mica_op_info *info = mica_op_lookup(c.opcode);
		const bool writes = (info->flags & (MICA_OPF_STORE | MICA_OPF_ATOMIC)) != 0;
		mica_image_desc d{};
		const uint32_t derr = mica_image_desc_decode(c.img, &d);
		const auto &r = o.r;
		if (!victim_intact())
			return "the victim's memory changed";
		// (An image placed over its own descriptor or input page may store there.)
		if (!inputs_intact && !(writes && (covers(c, desc_va, 4096) || covers(c, io_va, 4096))))
			return "the attacker's descriptor or input page changed";
		if (o.ro != ro_init)
			return "a read-only page changed";
		if (r.fault != MICA_FAULT_NONE && r.fault_pc != program_va + image_pc)
			return "a fault at a pc other than the image instruction's: " + r.describe();
		switch (r.fault) {
		case MICA_FAULT_NONE:
			if (c.offset & 0xf000)
				return "offset bits 15:12 set but no ILLEGAL_INSTRUCTION";
			if (derr)
				return "a descriptor the decoder rejects ran";
			break;
		case MICA_FAULT_ILLEGAL_INSTRUCTION:
			if (!(c.offset & 0xf000))
				return "ILLEGAL_INSTRUCTION without offset bits 15:12: " + r.describe();
			break;
		case MICA_FAULT_BAD_DESCRIPTOR:
			if (c.offset & 0xf000)
				return "BAD_DESCRIPTOR before the offset field's check";
			if (derr && r.fault_info != derr)
				return "BAD_DESCRIPTOR with a reason other than the decoder's: " + r.describe();
			if (r.fault_addr != 0)
				return "BAD_DESCRIPTOR with an address: " + r.describe();
			break;
		case MICA_FAULT_MMU_UNMAPPED:
		case MICA_FAULT_MMU_PERMISSION: {
			if (derr)
				return "memory accessed through a descriptor the decoder rejects: " + r.describe();
			const uint32_t want = info->flags & MICA_OPF_STORE ? MICA_ACCESS_WRITE : MICA_ACCESS_READ;
			if (r.fault_access != want && !(info->flags & MICA_OPF_ATOMIC))
				return "wrong access type: " + r.describe();
			// CTX_FAULT_ADDR holds bits 47:0 (docs/hw/device.md); offsets are 64-bit and may wrap
			// (docs/kernel.md, threat model), so the distance from the base is taken modulo 2^48.
			const uint64_t dist = (r.fault_addr - (d.addr & ~3ull)) & ((1ull << MICA_VA_BITS) - 1);
			if (image_bound(d) < (static_cast<unsigned __int128>(1) << MICA_VA_BITS) && dist >= image_bound(d))
				return "fault address outside the image the descriptor names: " + r.describe();
			break;
		}
		default:
			return "an undocumented fault for an image instruction: " + r.describe();
		}
		if (r.fault != MICA_FAULT_NONE || !writes) {
			if (o.image != image_init)
				return "memory changed by a faulting or read-only instruction";
			return "";
		}
		for (size_t i = 0; i < o.image.size(); i++) {
			if (o.image[i] == image_init[i])
				continue;
			const uint64_t va = image_va + i;
			if (static_cast<unsigned __int128>(va - (d.addr & ~3ull)) >= image_bound(d)) // modulo 2^64, as the unit
				return "a byte outside the image the descriptor names changed (va 0x" + hex(va) + ")";
		}
		return "";
	}

	// Whether the image the case's descriptor names (a valid one) meets [va, va + n), addresses
	// modulo 2^64 as the unit computes them.
	static bool covers(const Case &c, uint64_t va, uint64_t n)
	{
		mica_image_desc d{};
		if (mica_image_desc_decode(c.img, &d))
			return false;
		const unsigned __int128 b = image_bound(d);
		const uint64_t a = d.addr & ~3ull;
		return static_cast<unsigned __int128>(va - a) < b || a - va < n;
	}
	// The case's image covers memory the Machine itself changes between runs (the context's fence
	// page, baremetal's SIGNAL target, the first page of the VA space): results read there differ.
	bool reads_volatile(const Case &c) const { return covers(c, desc_va - 2 * 4096, 4096); }

	bool victim_intact()
	{
		std::vector<uint8_t> now(secret.size());
		m.read(kVictim, secret_va, now.data(), now.size());
		return now == secret;
	}

	// The victim still works: a well-formed buffer load of its own memory reads what is there.
	std::string victim_works()
	{
		mica_image_desc d{};
		d.addr = secret_va;
		d.format = MICA_TEXEL_FORMAT_R32G32B32A32_UINT;
		d.type = MICA_IMAGE_TYPE_BUFFER;
		d.width = kSecretBytes / 16;
		d.height = d.depth = d.layers = d.view_layers = d.view_levels = 1;
		for (unsigned k = 0; k < 4; k++)
			d.swizzle[k] = MICA_SWIZZLE_R + k;
		Case c;
		c.opcode = MICA_OP_BUFFER_LOAD_FORMAT;
		mica_image_desc_encode(&d, c.img);
		for (unsigned l = 0; l < 32; l++)
			c.coord[l][0] = l * 3;
		std::vector<uint8_t> desc(64, 0);
		std::memcpy(desc.data(), c.img, sizeof c.img);
		m.write(kVictim, victim_desc_va, desc.data(), desc.size());
		m.write(kVictim, victim_io_va, c.coord, sizeof c.coord);
		uint64_t pc;
		const auto code = program(c, pc);
		Machine::Launch l;
		l.program_va = m.load_code(kVictim, code, {});
		l.vgpr_count = 32;
		l.sgpr_count = 32;
		l.wg_size[0] = 32;
		l.user_data = {lo32(victim_desc_va), hi32(victim_desc_va), lo32(victim_io_va), hi32(victim_io_va),
		               lo32(victim_io_va + 512), hi32(victim_io_va + 512), lo32(victim_io_va + 1024),
		               hi32(victim_io_va + 1024)};
		const Machine::RunResult r = m.dispatch(kVictim, l);
		if (r.fault != MICA_FAULT_NONE)
			return "the victim's dispatch faulted: " + r.describe();
		std::vector<uint8_t> out(512);
		m.read(kVictim, victim_io_va + 1024, out.data(), out.size());
		for (unsigned lane = 0; lane < 32; lane++)
			if (std::memcmp(out.data() + 16 * lane, secret.data() + 16 * 3 * lane, 16) != 0)
				return "the victim read wrong data in lane " + std::to_string(lane);
		return "";
	}

	static std::string hex(uint64_t v)
	{
		char b[24];
		std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
		return b;
	}

	Machine m;
	uint64_t secret_va = 0, victim_desc_va = 0, victim_io_va = 0;
	uint64_t desc_va = 0, io_va = 0, image_va = 0, ro_va = 0, code_va = 0, program_va = 0, image_pc = 0;
	std::vector<uint8_t> secret, image_init, ro_init;
	bool inputs_intact = true;
};

inline std::string describe(const Case &c)
{
	std::string s = std::string(mica_op_lookup(c.opcode)->name) + " offset 0x" + Rig::hex(c.offset) + " exec 0x" +
	                Rig::hex(c.exec) + " img";
	for (uint32_t w : c.img)
		s += " " + Rig::hex(w);
	s += " smp";
	for (uint32_t w : c.smp)
		s += " " + Rig::hex(w);
	return s;
}

// ---- Case generation (a seeded 64-bit Mersenne Twister: the same on every platform) ----

class Gen {
public:
	explicit Gen(uint64_t seed) : r(seed) {}
	uint64_t u64() { return r(); }
	uint32_t u32() { return static_cast<uint32_t>(r()); }
	uint32_t below(uint32_t n) { return n ? static_cast<uint32_t>(r() % n) : 0; }
	bool one_in(uint32_t n) { return below(n) == 0; }
	template <typename T, size_t N>
	T pick(const T (&a)[N]) { return a[below(N)]; }

private:
	std::mt19937_64 r;
};

inline uint32_t f32_bits(float f)
{
	uint32_t b;
	std::memcpy(&b, &f, 4);
	return b;
}

// A coordinate/LOD/data register: edge integers, the extent's edges, floats incl. NaN and inf.
inline uint32_t hostile_word(Gen &g, const mica_image_desc &d)
{
	switch (g.below(10)) {
	case 0: return g.u32();
	case 1: {
		static const uint32_t edges[] = {0u, 1u, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0xffffu, 0x10000u, 7u, 8u};
		return g.pick(edges);
	}
	case 2: return d.width - g.below(3);
	case 3: return d.height - g.below(3);
	case 4: return d.layers - g.below(3);
	case 5: {
		static const float fl[] = {0.0f, -0.0f, 0.5f, 1.0f, -1.0f, 1e30f, -1e30f, 1e-40f, 65536.5f, 4294967296.0f};
		return f32_bits(g.pick(fl));
	}
	case 6: {
		static const uint32_t specials[] = {0x7fc00000u, 0xffc00000u, 0x7f800000u, 0xff800000u, 0x7f7fffffu};
		return g.pick(specials);
	}
	case 7: return f32_bits(static_cast<float>(static_cast<int32_t>(g.u32() % 4001) - 2000) / 1000.0f);
	default: return g.below(16);
	}
}

// A well-formed descriptor of a small image somewhere the attacker chooses.
inline mica_image_desc valid_desc(Gen &g, const Rig &rig, uint32_t opcode)
{
	mica_image_desc d{};
	const mica_op_info *info = mica_op_lookup(opcode);
	const bool atomic = info->flags & MICA_OPF_ATOMIC, store = info->flags & MICA_OPF_STORE;
	const bool sampled = mica_kind_table[info->kind[2]].regs > MICA_IMGDESC_DWORDS;
	const bool gather = opcode >= MICA_OP_IMAGE_GATHER4_R && opcode <= MICA_OP_IMAGE_GATHER4_C;
	const bool buffer_op = opcode == MICA_OP_BUFFER_LOAD_FORMAT || opcode == MICA_OP_BUFFER_STORE_FORMAT;
	const bool fit = !g.one_in(8); // else any combination, for the unit's own rejections
	static const uint32_t types[] = {MICA_IMAGE_TYPE_1D, MICA_IMAGE_TYPE_2D, MICA_IMAGE_TYPE_3D, MICA_IMAGE_TYPE_CUBE,
	                                 MICA_IMAGE_TYPE_1D_ARRAY, MICA_IMAGE_TYPE_2D_ARRAY, MICA_IMAGE_TYPE_CUBE_ARRAY,
	                                 MICA_IMAGE_TYPE_BUFFER};
	d.type = g.pick(types);
	if (fit && buffer_op)
		d.type = MICA_IMAGE_TYPE_BUFFER;
	while (fit && sampled && (d.type == MICA_IMAGE_TYPE_BUFFER ||
	                          (gather && (d.type == MICA_IMAGE_TYPE_1D || d.type == MICA_IMAGE_TYPE_1D_ARRAY ||
	                                      d.type == MICA_IMAGE_TYPE_3D))))
		d.type = g.pick(types);
	d.format = g.below(MICA_FORMAT_COUNT);
	if (fit && atomic) {
		static const uint32_t atomic_formats[] = {MICA_TEXEL_FORMAT_R32_UINT, MICA_TEXEL_FORMAT_R32_SINT,
		                                          MICA_TEXEL_FORMAT_R32_SFLOAT};
		d.format = g.pick(atomic_formats);
	}
	while (fit && (atomic || store || sampled) &&
	       (mica_texel_formats[d.format].flags & (MICA_TEXEL_COMPRESSED | (sampled ? MICA_TEXEL_64BIT : 0))))
		d.format = g.below(MICA_FORMAT_COUNT);
	const bool one_d = d.type == MICA_IMAGE_TYPE_1D || d.type == MICA_IMAGE_TYPE_1D_ARRAY || d.type == MICA_IMAGE_TYPE_BUFFER;
	if (one_d)
		while (mica_texel_formats[d.format].flags & MICA_TEXEL_COMPRESSED)
			d.format = g.below(MICA_FORMAT_COUNT);
	d.tiling = one_d ? uint32_t(MICA_IMAGE_TILING_LINEAR) : g.below(2);
	d.width = 1 + g.below(16);
	d.height = one_d ? 1 : 1 + g.below(16);
	d.depth = d.type == MICA_IMAGE_TYPE_3D ? 1 + g.below(8) : 1;
	d.layers = 1;
	if (d.type == MICA_IMAGE_TYPE_CUBE || d.type == MICA_IMAGE_TYPE_CUBE_ARRAY) {
		d.height = d.width;
		d.layers = 6 * (d.type == MICA_IMAGE_TYPE_CUBE ? 1 : 1 + g.below(3));
		d.view_layers = d.type == MICA_IMAGE_TYPE_CUBE ? 6 : d.layers;
	} else if (d.type == MICA_IMAGE_TYPE_1D_ARRAY || d.type == MICA_IMAGE_TYPE_2D_ARRAY) {
		d.layers = 1 + g.below(6);
		d.base_layer = g.below(d.layers);
		d.view_layers = 1 + g.below(d.layers - d.base_layer);
	} else {
		d.view_layers = 1;
	}
	const uint32_t maxl = d.type == MICA_IMAGE_TYPE_BUFFER ? 1 : mica_image_max_levels(d.width, d.height, d.depth);
	d.base_level = d.type == MICA_IMAGE_TYPE_BUFFER ? 0 : g.below(maxl);
	d.view_levels = 1 + g.below(maxl - d.base_level);
	if ((d.type == MICA_IMAGE_TYPE_2D || d.type == MICA_IMAGE_TYPE_2D_ARRAY) && g.one_in(3) && !(fit && sampled) &&
	    !(mica_texel_formats[d.format].flags & MICA_TEXEL_COMPRESSED)) {
		d.samples_log2 = 1 + g.below(3);
		d.base_level = 0;
		d.view_levels = 1;
	}
	for (unsigned k = 0; k < 4; k++)
		d.swizzle[k] = g.one_in(4) ? g.below(MICA_SWIZZLE_COUNT) : static_cast<uint32_t>(MICA_SWIZZLE_R + k);
	switch (g.below(8)) {
	case 0: d.addr = rig.ro_va + g.below(64); break;
	case 1: d.addr = rig.secret_va; break; // unmapped for the attacker
	case 2: d.addr = rig.image_va + kImageBytes - g.below(256); break; // runs off the end
	default: d.addr = rig.image_va + g.below(4096); break;
	}
	return d;
}

// One field of a valid descriptor at an extreme (the others adjusted only where the decoder
// requires it, so that most of these pass the decoder and reach the address arithmetic).
inline void extreme_field(Gen &g, mica_image_desc &d)
{
	switch (g.below(9)) {
	case 0: d.addr = (1ull << 48) - 1 - g.below(64); break;
	case 1: d.addr = (1ull << 48) - (1ull << 20) * (1 + g.below(4)); break;
	case 2: // the widest image: offsets past 2^48 and, with height/layers, past 2^64
		d.width = 0xffffffffu - g.below(2);
		if (d.type == MICA_IMAGE_TYPE_CUBE || d.type == MICA_IMAGE_TYPE_CUBE_ARRAY)
			d.height = 0xffff, d.width = 0xffff;
		break;
	case 3:
		if (d.height > 1 || d.type == MICA_IMAGE_TYPE_2D || d.type == MICA_IMAGE_TYPE_2D_ARRAY || d.type == MICA_IMAGE_TYPE_3D)
			d.height = 0xffff;
		d.width = 0xffffffffu;
		if (d.type == MICA_IMAGE_TYPE_CUBE || d.type == MICA_IMAGE_TYPE_CUBE_ARRAY)
			d.width = d.height = 0xffff;
		if (d.type == MICA_IMAGE_TYPE_3D)
			d.depth = 0xffff;
		if (d.type == MICA_IMAGE_TYPE_1D_ARRAY || d.type == MICA_IMAGE_TYPE_2D_ARRAY)
			d.layers = 0xffff, d.base_layer = 0xffff - 1 - g.below(8), d.view_layers = 1 + g.below(0xffff - d.base_layer);
		if (d.type == MICA_IMAGE_TYPE_CUBE_ARRAY)
			d.layers = 0xfffc, d.base_layer = 0, d.view_layers = 0xfffc;
		break;
	case 4: // every level the extent allows, from the highest base level
		if (d.type != MICA_IMAGE_TYPE_BUFFER && !d.samples_log2) {
			d.width = 0xffffffffu;
			if (d.type == MICA_IMAGE_TYPE_CUBE || d.type == MICA_IMAGE_TYPE_CUBE_ARRAY)
				d.width = d.height = 0xffff;
			const uint32_t maxl = mica_image_max_levels(d.width, d.height, d.depth);
			d.base_level = g.below(std::min(maxl, 16u));
			d.view_levels = std::min(maxl - d.base_level, 31u);
		}
		break;
	case 5:
		if (d.type == MICA_IMAGE_TYPE_1D_ARRAY || d.type == MICA_IMAGE_TYPE_2D_ARRAY)
			d.layers = 0xffff, d.base_layer = g.below(0xffff), d.view_layers = 0xffff - d.base_layer;
		break;
	case 6:
		if (d.type == MICA_IMAGE_TYPE_2D || d.type == MICA_IMAGE_TYPE_2D_ARRAY)
			d.samples_log2 = 3, d.base_level = 0, d.view_levels = 1, d.width = 0xffffffffu, d.height = 0xffff;
		break;
	case 7: d.swizzle[g.below(4)] = MICA_SWIZZLE_COUNT - 1; break;
	default: d.format = g.below(MICA_FORMAT_COUNT); break;
	}
}

inline Case random_case(Gen &g, const Rig &rig)
{
	Case c;
	const auto &ops = image_opcodes();
	c.opcode = ops[g.below(static_cast<uint32_t>(ops.size()))];
	mica_image_desc d{};
	switch (g.below(4)) {
	case 0: // random bytes
		for (auto &w : c.img)
			w = g.u32();
		break;
	case 1: { // random bits inside the defined fields, one field made valid
		for (unsigned k = 0; k < MICA_IMGDESC_DWORDS; k++)
			c.img[k] = g.u32() & mica_imgdesc_defined_bits[k];
		mica_image_desc v = valid_desc(g, rig, c.opcode);
		uint32_t vdw[MICA_IMGDESC_DWORDS];
		mica_image_desc_encode(&v, vdw);
		const unsigned k = g.below(MICA_IMGDESC_DWORDS - 1);
		c.img[k] = vdw[k];
		break;
	}
	default: // valid, with one field at an extreme half of the time
		d = valid_desc(g, rig, c.opcode);
		if (g.one_in(2))
			extreme_field(g, d);
		mica_image_desc_encode(&d, c.img);
		break;
	}
	mica_sampler_desc s{};
	if (g.one_in(3)) {
		for (unsigned k = 0; k < MICA_SMPDESC_DWORDS; k++)
			c.smp[k] = g.one_in(2) ? g.u32() : g.u32() & mica_smpdesc_defined_bits[k];
	} else {
		s.mag_filter = g.below(MICA_FILTER_COUNT);
		s.min_filter = g.below(MICA_FILTER_COUNT);
		s.mipmap_mode = g.below(MICA_MIPMAP_MODE_COUNT);
		for (auto &a : s.address)
			a = g.below(MICA_ADDRESS_MODE_COUNT);
		s.border_color = g.below(MICA_BORDER_COLOR_COUNT);
		s.compare_enable = g.below(2);
		s.compare_op = g.below(MICA_COMPARE_OP_COUNT);
		s.unnormalized = g.one_in(6);
		const bool cmp = c.opcode == MICA_OP_IMAGE_SAMPLE_C || c.opcode == MICA_OP_IMAGE_GATHER4_C;
		if (cmp && !g.one_in(8))
			s.compare_enable = 1;
		if (d.format < MICA_FORMAT_COUNT && mica_texel_formats[d.format].result != MICA_TEXEL_CLASS_FLOAT &&
		    !g.one_in(8))
			s.mag_filter = s.min_filter = s.mipmap_mode = 0;
		static const float lods[] = {0.0f, -1000.0f, 1000.0f, 0.5f, 3.7f, 1e30f, -1e30f, 15.0f, 31.0f};
		s.lod_bias = g.pick(lods);
		s.min_lod = g.pick(lods);
		s.max_lod = g.pick(lods);
		mica_sampler_desc_encode(&s, c.smp);
	}
	mica_image_desc dec{};
	if (mica_image_desc_decode(c.img, &dec))
		dec = d;
	for (unsigned l = 0; l < 32; l++)
		for (unsigned k = 0; k < 4; k++) {
			c.coord[l][k] = hostile_word(g, dec);
			c.data[l][k] = hostile_word(g, dec);
		}
	switch (g.below(8)) {
	case 0: c.exec = 0; break; // the descriptor is checked also with no lane active
	case 1: c.exec = g.u32(); break;
	case 2: c.exec = 1u << g.below(32); break;
	default: break;
	}
	switch (g.below(8)) {
	case 0: c.offset = g.u32() & 0xffff; break; // sometimes with bits 15:12 set
	case 1:
	case 2: c.offset = g.u32() & 0x0fff; break;
	default: c.offset = 0; break;
	}
	return c;
}

} // namespace mica::sim::texfuzz
