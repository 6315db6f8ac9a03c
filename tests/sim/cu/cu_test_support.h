// SPDX-License-Identifier: MIT
// Support shared by the compute-unit tests and bench/sim: a flat test MMU (host buffers with
// per-page permissions, several contexts) and a tiny program builder over mica_encode (the real
// assembler is a separate component; these tests must not depend on it).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine.h"
#include "mica_isa.h"

namespace mica::sim::cutest {

enum Perm : unsigned { kR = 1, kW = 2, kX = 4, kRW = kR | kW, kRX = kR | kX };

class FlatMmu final : public Mmu {
public:
	// Maps [va, va + bytes) of context ctx (page aligned) to zeroed host memory.
	uint8_t *map(uint32_t ctx, uint64_t va, size_t bytes, unsigned perms)
	{
		if (va % MICA_PAGE_SIZE || bytes % MICA_PAGE_SIZE || bytes == 0)
			throw std::invalid_argument("FlatMmu::map: page-aligned ranges only");
		Region r;
		r.ctx = ctx;
		r.va = va;
		r.mem.assign(bytes, 0);
		r.perms.assign(bytes / MICA_PAGE_SIZE, static_cast<uint8_t>(perms));
		regions_.push_back(std::move(r));
		return regions_.back().mem.data();
	}
	void protect(uint32_t ctx, uint64_t va, size_t bytes, unsigned perms)
	{
		for (uint64_t a = va; a < va + bytes; a += MICA_PAGE_SIZE)
			if (Region *r = find(ctx, a))
				r->perms[(a - r->va) / MICA_PAGE_SIZE] = static_cast<uint8_t>(perms);
	}
	uint8_t *host(uint32_t ctx, uint64_t va)
	{
		Region *r = find(ctx, va);
		return r ? r->mem.data() + (va - r->va) : nullptr;
	}
	uint8_t *translate(uint32_t ctx, uint64_t va, mica_access access, uint32_t *fault) override
	{
		Region *r = find(ctx, va);
		if (!r) {
			*fault = MICA_FAULT_MMU_UNMAPPED;
			return nullptr;
		}
		unsigned need = access == MICA_ACCESS_READ ? kR : access == MICA_ACCESS_WRITE ? kW : kX;
		if (!(r->perms[(va - r->va) / MICA_PAGE_SIZE] & need)) {
			*fault = MICA_FAULT_MMU_PERMISSION;
			return nullptr;
		}
		return r->mem.data() + (va - r->va);
	}

private:
	struct Region {
		uint32_t ctx = 0;
		uint64_t va = 0;
		std::vector<uint8_t> mem;
		std::vector<uint8_t> perms;
	};
	Region *find(uint32_t ctx, uint64_t va)
	{
		for (auto &r : regions_)
			if (r.ctx == ctx && va >= r.va && va - r.va < r.mem.size())
				return &r;
		return nullptr;
	}
	std::vector<Region> regions_;
};

// An operand: the 9-bit field value, plus the literal word when the field is 'literal'.
struct Opnd {
	uint16_t raw = MICA_OPND_NONE;
	uint64_t lit = 0;
};
inline Opnd V(unsigned n) { return {static_cast<uint16_t>(MICA_OPND_VGPR_FIRST + n), 0}; }
inline Opnd S(unsigned n) { return {static_cast<uint16_t>(MICA_OPND_SGPR_FIRST + n), 0}; }
inline const Opnd EXEC{MICA_OPND_EXEC, 0};
inline const Opnd VCC{MICA_OPND_VCC, 0};
inline const Opnd SCC{MICA_OPND_SCC, 0};
inline const Opnd LANE{MICA_OPND_LANE_ID, 0};
inline const Opnd NONE{MICA_OPND_NONE, 0};
// Inline integer constant -16..64.
inline Opnd K(int v)
{
	if (v >= 0 && v <= 64)
		return {static_cast<uint16_t>(MICA_OPND_INT_CONST_FIRST + v), 0};
	if (v < 0 && v >= -16)
		return {static_cast<uint16_t>(MICA_OPND_INT_NEG_FIRST + (-v - 1)), 0};
	throw std::invalid_argument("not an inline constant");
}
inline Opnd L(uint64_t v) { return {MICA_OPND_LITERAL, v}; }
inline Opnd LF(float f)
{
	uint32_t b;
	std::memcpy(&b, &f, 4);
	return L(b);
}
inline Opnd LD(double f)
{
	uint64_t b;
	std::memcpy(&b, &f, 8);
	return L(b);
}

class Asm {
public:
	Asm &alu(unsigned opcode, Opnd dst, Opnd s0 = NONE, Opnd s1 = NONE, Opnd s2 = NONE)
	{
		return emit(opcode, {dst, s0, s1, s2}, 0, 0);
	}
	// MEM: dst, addr, saddr, data, signed byte offset
	Asm &mem(unsigned opcode, Opnd dst, Opnd addr, Opnd saddr, Opnd data, int32_t offset = 0)
	{
		return emit(opcode, {dst, addr, saddr, data}, 0, offset);
	}
	Asm &ctrl(unsigned opcode, int32_t imm = 0, Opnd dst = NONE, Opnd src0 = NONE)
	{
		return emit(opcode, {dst, src0, NONE, NONE}, imm, 0);
	}
	Asm &nop(unsigned n = 0) { return ctrl(MICA_OP_S_NOP, static_cast<int32_t>(n)); }
	Asm &end() { return ctrl(MICA_OP_S_ENDPGM); }
	Asm &waitcnt(unsigned gm, unsigned ls)
	{
		return ctrl(MICA_OP_S_WAITCNT, static_cast<int32_t>((gm << MICA_WAITCNT_GM_SHIFT) | (ls << MICA_WAITCNT_LS_SHIFT)));
	}
	Asm &wait_all() { return waitcnt(0, 0); }

	// Labels for branches: a label is an index; bind() places it at the current position.
	int label() { labels_.push_back(-1); return static_cast<int>(labels_.size() - 1); }
	Asm &bind(int l) { labels_[l] = static_cast<int64_t>(words_.size()); return *this; }
	Asm &branch(unsigned opcode, int l)
	{
		fixups_.push_back({words_.size(), l});
		return ctrl(opcode, 0);
	}

	std::vector<uint64_t> words() const
	{
		std::vector<uint64_t> w = words_;
		for (auto &f : fixups_) {
			if (labels_[f.label] < 0)
				throw std::logic_error("unbound label");
			int64_t imm = (labels_[f.label] - static_cast<int64_t>(f.at) - 1) * 8;
			w[f.at] = mica_field_set(w[f.at], MICA_CTRL_IMM_SHIFT, MICA_CTRL_IMM_BITS,
			                         static_cast<uint64_t>(static_cast<uint32_t>(static_cast<int32_t>(imm))));
		}
		return w;
	}
	size_t size_bytes() const { return words_.size() * 8; }

private:
	Asm &emit(unsigned opcode, std::initializer_list<Opnd> ops, int32_t imm, int32_t offset)
	{
		mica_inst in{};
		in.info = mica_op_lookup(opcode);
		if (!in.info)
			throw std::invalid_argument("unknown opcode");
		unsigned i = 0;
		for (const Opnd &o : ops) {
			in.opnd[i++] = o.raw;
			if (o.raw == MICA_OPND_LITERAL)
				in.literal = o.lit;
		}
		in.imm = imm;
		in.offset = offset;
		uint64_t out[2];
		int n = mica_encode(&in, out);
		if (n < 0)
			throw std::invalid_argument(std::string("cannot encode ") + in.info->name + ": " +
			                            mica_decode_status_name(n));
		for (int k = 0; k < n; k++)
			words_.push_back(out[k]);
		return *this;
	}
	struct Fixup {
		size_t at;
		int label;
	};
	std::vector<uint64_t> words_;
	std::vector<int64_t> labels_;
	std::vector<Fixup> fixups_;
};

// A test rig: one context with a code region and a data region, plus the engine under test.
struct Rig {
	static constexpr uint32_t kCtx = 1;
	static constexpr uint64_t kCode = 0x100000, kCodeBytes = 64 * 1024;
	static constexpr uint64_t kData = 0x400000;
	FlatMmu mmu;
	uint8_t *code = nullptr, *data = nullptr;
	size_t data_bytes;
	std::unique_ptr<ComputeEngine> engine;
	DispatchState st;

	explicit Rig(uint32_t cus = 2, unsigned threads = 1, size_t data_size = 1 << 20)
	    : data_bytes(data_size)
	{
		code = mmu.map(kCtx, kCode, kCodeBytes, kRX);
		data = mmu.map(kCtx, kData, data_size, kRW);
		engine = make_compute_engine(mmu, cus, threads);
		st.ctx = kCtx;
		st.program_va = kCode;
		st.vgpr_count = 256;
		st.sgpr_count = 128;
		st.groups[0] = st.groups[1] = st.groups[2] = 1;
		st.wg_size[0] = 32; // one full wave unless a test says otherwise
		st.user_data[0] = static_cast<uint32_t>(kData);
		st.user_data[1] = static_cast<uint32_t>(kData >> 32);
	}
	void load(const Asm &a, uint64_t at = kCode)
	{
		auto w = a.words();
		if ((at - kCode) + w.size() * 8 > kCodeBytes)
			throw std::length_error("program too large");
		std::memcpy(code + (at - kCode), w.data(), w.size() * 8);
	}
	DispatchResult run(const Asm &a)
	{
		load(a);
		return engine->run(st);
	}
	template <class T> T get(size_t off) const
	{
		T v;
		std::memcpy(&v, data + off, sizeof v);
		return v;
	}
	template <class T> void put(size_t off, T v) { std::memcpy(data + off, &v, sizeof v); }
};

} // namespace mica::sim::cutest
