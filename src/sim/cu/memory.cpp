// SPDX-License-Identifier: MIT
// Memory instructions: global (through the MMU, with a small per-CU TLB), shared (ds, bounds
// checked per workgroup) and scalar loads. Data is read or written when the instruction issues;
// load results land in registers at their completion cycle (the pipeline model decides what
// an early consumer sees). Global atomics are host atomics (std::atomic_ref), so workgroups
// running on other host threads see them race-free.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>

#include "alu_ops.h"
#include "env_switch.h"
#include "fp.h"
#include "worker.h"

namespace mica::sim::cu {

namespace {

enum class Atom { Add, Sub, Smin, Umin, Smax, Umax, And, Or, Xor, Swap, Cmpswap, AddF32, Fmin, Fmax, None };

Atom atom_kind(uint16_t op)
{
	switch (op) {
#define A2(NAME, K) case MICA_OP_GLOBAL_ATOMIC_##NAME: case MICA_OP_DS_ATOMIC_##NAME: return Atom::K;
	A2(ADD_U32, Add) A2(SUB_U32, Sub) A2(SMIN_I32, Smin) A2(UMIN_U32, Umin) A2(SMAX_I32, Smax)
	A2(UMAX_U32, Umax) A2(AND_B32, And) A2(OR_B32, Or) A2(XOR_B32, Xor) A2(SWAP_B32, Swap)
	A2(CMPSWAP_B32, Cmpswap) A2(ADD_F32, AddF32) A2(MIN_F32, Fmin) A2(MAX_F32, Fmax)
	A2(ADD_U64, Add) A2(SUB_U64, Sub) A2(SMIN_I64, Smin) A2(UMIN_U64, Umin) A2(SMAX_I64, Smax)
	A2(UMAX_U64, Umax) A2(AND_B64, And) A2(OR_B64, Or) A2(XOR_B64, Xor) A2(SWAP_B64, Swap)
	A2(CMPSWAP_B64, Cmpswap) A2(MIN_F64, Fmin) A2(MAX_F64, Fmax)
#undef A2
	default: return Atom::None;
	}
}

template <class T> T atomic_apply(uint8_t *p, Atom k, T v, T cmp)
{
	std::atomic_ref<T> ref(*reinterpret_cast<T *>(p));
	using S = std::make_signed_t<T>;
	switch (k) {
	case Atom::Add: return ref.fetch_add(v);
	case Atom::Sub: return ref.fetch_sub(v);
	case Atom::And: return ref.fetch_and(v);
	case Atom::Or: return ref.fetch_or(v);
	case Atom::Xor: return ref.fetch_xor(v);
	case Atom::Swap: return ref.exchange(v);
	case Atom::Cmpswap: {
		T expected = cmp;
		ref.compare_exchange_strong(expected, v);
		return expected; // the old value either way
	}
	default: break;
	}
	T old = ref.load();
	for (;;) {
		T nv;
		switch (k) {
		case Atom::Smin: nv = static_cast<S>(v) < static_cast<S>(old) ? v : old; break;
		case Atom::Smax: nv = static_cast<S>(v) > static_cast<S>(old) ? v : old; break;
		case Atom::Umin: nv = std::min(v, old); break;
		case Atom::Umax: nv = std::max(v, old); break;
		case Atom::Fmin: nv = fp::atomic_fminmax(old, v, false); break;
		case Atom::Fmax: nv = fp::atomic_fminmax(old, v, true); break;
		default: // AddF32 (32-bit only)
			nv = static_cast<T>(fp::bits(fp::f32(static_cast<uint32_t>(old)) + fp::f32(static_cast<uint32_t>(v))));
			break;
		}
		if (ref.compare_exchange_weak(old, nv))
			return old;
	}
}

// A TLB miss is usually a stream of waves entering a new page: ask the host to bring the rest of
// the page and the pages translated ahead of it into its caches, so the waves that follow find
// their lines there (a hint only: nothing observable changes). Measured (compute thread CPU time,
// alternating runs): SAXPY 16M, whose translated code spent most of its time waiting in the
// gathers of x and y, 257-311 -> 202-239 ms; the 16M reduction 577-606 -> 543-562 ms; SGEMM
// 512 and the histogram unchanged.
void prefetch_host_lines(const uint8_t *page, uint64_t from, mica_access acc)
{
	constexpr unsigned kLine = 64;
	if (acc == MICA_ACCESS_WRITE) {
		for (uint64_t off = from & ~uint64_t(kLine - 1); off < MICA_PAGE_SIZE; off += kLine)
			__builtin_prefetch(page + off, 1, 1);
	} else {
		for (uint64_t off = from & ~uint64_t(kLine - 1); off < MICA_PAGE_SIZE; off += kLine)
			__builtin_prefetch(page + off, 0, 1);
	}
}

// MICA_CU_TLB_LINE_PREFETCH=0: no host-line prefetch at a streaming TLB fill (for measurements).
bool tlb_line_prefetch()
{
	static const bool on = switched_on("MICA_CU_TLB_LINE_PREFETCH");
	return on;
}

struct LaneAccess {
	uint8_t *p1, *p2;
	unsigned n1;
};

} // namespace

uint8_t *Worker::translate(Wave &w, uint64_t va, mica_access acc, uint32_t *fault, bool sec_erratum)
{
	if (sec_erratum && w.tlb_prev_ctx != st_.ctx && w.tlb_prev_ctx != kNoContext) {
		// SEC_WAVE_START_TLB: the CU still translates with the previous context's tables.
		uint8_t *p = mmu_.translate(w.tlb_prev_ctx, va, acc, fault);
		return p;
	}
	sync_tlb();
	const uint64_t page = va / MICA_PAGE_SIZE;
	TlbEntry &e = tlb_[acc][worker_tlb_slot(page)];
	if (e.page == page)
		return e.host + (va % MICA_PAGE_SIZE);
	uint8_t *p = mmu_.translate(st_.ctx, page * MICA_PAGE_SIZE, acc, fault);
	if (!p)
		return nullptr;
	// A stream entering this page has the page before it in the TLB; a scattered access (random
	// pages, a large stride) does not, and then is not worth 16 KiB of host cache lines.
	const bool streaming = page > 0 && tlb_[acc][worker_tlb_slot(page - 1)].page == page - 1 && tlb_line_prefetch();
	e.page = page;
	e.host = p;
	if (streaming)
		prefetch_host_lines(p, va % MICA_PAGE_SIZE, acc);
	// Streaming access: a miss usually comes from a wave entering a new page, and the next
	// waves enter the pages after it; take their translations now (up to the first page that
	// does not translate; nothing is reported for those). The TLB holds no device state: what
	// it caches is dropped exactly when the context's translations are invalidated.
	for (uint64_t next = page + 1; next <= page + kTlbPrefetchPages; next++) {
		TlbEntry &n = tlb_[acc][worker_tlb_slot(next)];
		if (n.page == next)
			continue;
		uint32_t ignored = MICA_FAULT_NONE;
		uint8_t *q = mmu_.translate(st_.ctx, next * MICA_PAGE_SIZE, acc, &ignored);
		if (!q)
			break;
		n.page = next;
		n.host = q;
		if (streaming)
			prefetch_host_lines(q, 0, acc);
	}
	return p + (va % MICA_PAGE_SIZE);
}

void Worker::sync_tlb()
{
	// TLB_INVALIDATE (or a new CTX_PTBASE) since the entries were filled: drop them all, so the
	// next access of every page walks the tables again (docs/hw/mmu.md).
	const uint64_t g = tlb_gen_src_->load(std::memory_order_acquire);
	if (g != tlb_gen_) {
		for (auto &t : tlb_)
			t.fill(TlbEntry{});
		tlb_gen_ = g;
	}
}

void Worker::mem_stall(Wave &w, unsigned counter)
{
	// A counter holds at most max_outstanding operations; issue waits for the oldest one.
	MemCounter &mc = w.ctr[counter];
	if (mc.issued >= MICA_WAITCNT_NOWAIT) {
		uint64_t t = mc.at(mc.issued - MICA_WAITCNT_NOWAIT);
		if (t > w.cycle) {
			w.stall += t - w.cycle;
			w.cycle = t;
		}
	}
}

uint64_t Worker::mem_issue(Wave &w, unsigned counter, unsigned unit, uint32_t *seq)
{
	MemCounter &mc = w.ctr[counter];
	uint64_t done = std::max(w.cycle + mica_unit_table[unit].latency, mc.last_done + 1);
	*seq = mc.issued;
	mc.done[mc.issued % mc.done.size()] = done;
	mc.issued++;
	mc.last_done = done;
	stats_.mem_ops++;
	return done;
}

Step Worker::exec_mem(Wave &w, const DecodedInst &d)
{
	if (d.flags & MICA_OPF_IMAGE)
		return exec_image(w, d); // texture unit: texture.cpp
	switch (d.unit) {
	case MICA_UNIT_VMEM: return exec_global(w, d);
	case MICA_UNIT_LDS: return exec_ds(w, d);
	default: return exec_smem(w, d);
	}
}

namespace {

// Plain loads and stores for one access size; N is a compile-time constant so the copies are
// inlined. A lane whose access straddles a page goes through the two-piece path.
template <unsigned N>
void load_lanes(uint32_t exec, const LaneAccessSet &acc, bool sign, uint32_t (*res)[kLanes])
{
	for (unsigned l = 0; l < kLanes; l++) {
		if (!(exec & (1u << l)))
			continue;
		const LaneAccessSet::Lane &la = acc.lane[l];
		uint8_t buf[16] = {};
		if (la.n1 == N) {
			std::memcpy(buf, la.p1, N);
		} else {
			std::memcpy(buf, la.p1, la.n1);
			std::memcpy(buf + la.n1, la.p2, N - la.n1);
		}
		if constexpr (N >= 4) {
			for (unsigned k = 0; k < N / 4; k++)
				std::memcpy(&res[k][l], buf + 4 * k, 4);
		} else {
			uint32_t v = 0;
			std::memcpy(&v, buf, N); // little-endian host
			if (sign)
				v = N == 1 ? static_cast<uint32_t>(static_cast<int8_t>(v)) : static_cast<uint32_t>(static_cast<int16_t>(v));
			res[0][l] = v;
		}
	}
}

template <unsigned N>
void store_lanes(uint32_t exec, const LaneAccessSet &acc, const uint32_t (*data)[kLanes])
{
	for (unsigned l = 0; l < kLanes; l++) {
		if (!(exec & (1u << l)))
			continue;
		const LaneAccessSet::Lane &la = acc.lane[l];
		uint8_t buf[16];
		for (unsigned k = 0; k < (N + 3) / 4; k++)
			std::memcpy(buf + 4 * k, &data[k][l], 4);
		if (la.n1 == N) {
			std::memcpy(la.p1, buf, N);
		} else {
			std::memcpy(la.p1, buf, la.n1);
			std::memcpy(la.p2, buf + la.n1, N - la.n1);
		}
	}
}

void load_any(unsigned size, uint32_t exec, const LaneAccessSet &acc, bool sign, uint32_t (*res)[kLanes])
{
	switch (size) {
	case 1: load_lanes<1>(exec, acc, sign, res); break;
	case 2: load_lanes<2>(exec, acc, sign, res); break;
	case 4: load_lanes<4>(exec, acc, sign, res); break;
	case 8: load_lanes<8>(exec, acc, sign, res); break;
	case 12: load_lanes<12>(exec, acc, sign, res); break;
	default: load_lanes<16>(exec, acc, sign, res); break;
	}
}

void store_any(unsigned size, uint32_t exec, const LaneAccessSet &acc, const uint32_t (*data)[kLanes])
{
	switch (size) {
	case 1: store_lanes<1>(exec, acc, data); break;
	case 2: store_lanes<2>(exec, acc, data); break;
	case 4: store_lanes<4>(exec, acc, data); break;
	case 8: store_lanes<8>(exec, acc, data); break;
	case 12: store_lanes<12>(exec, acc, data); break;
	default: store_lanes<16>(exec, acc, data); break;
	}
}

} // namespace

// Shared by global and ds: performs the lane accesses (already translated) and writes results.
Step Worker::finish_vector_mem(Wave &w, const DecodedInst &d, uint32_t exec, const LaneAccessSet &acc,
                               const uint32_t (*data)[kLanes], const bool *keep, unsigned counter)
{
	const unsigned size = d.info->mem_bytes;
	const unsigned dst = d.opnd[0];
	alignas(64) uint32_t res[4][kLanes];
	// Inactive lanes are masked off when the result is written; give them a defined value only
	// when there are any (a 512-byte clear per instruction shows up in profiles).
	if (exec != ~0u && (d.flags & (MICA_OPF_LOAD | MICA_OPF_ATOMIC)))
		std::memset(res, 0, sizeof res);
	if (d.flags & MICA_OPF_ATOMIC) {
		const Atom ak = atom_kind(d.op);
		for (unsigned l = 0; l < kLanes; l++) {
			if (!(exec & (1u << l)))
				continue;
			const LaneAccessSet::Lane &la = acc.lane[l];
			if (size == 4) {
				res[0][l] = atomic_apply<uint32_t>(la.p1, ak, data[0][l], ak == Atom::Cmpswap ? data[1][l] : 0u);
			} else {
				uint64_t v = data[0][l] | (static_cast<uint64_t>(data[1][l]) << 32);
				uint64_t cmp = ak == Atom::Cmpswap ? data[2][l] | (static_cast<uint64_t>(data[3][l]) << 32) : 0;
				uint64_t old = atomic_apply<uint64_t>(la.p1, ak, v, cmp);
				res[0][l] = static_cast<uint32_t>(old);
				res[1][l] = static_cast<uint32_t>(old >> 32);
			}
		}
	} else if (d.flags & MICA_OPF_STORE) {
		store_any(size, exec, acc, data);
	} else {
		const bool sign = d.op == MICA_OP_GLOBAL_LOAD_I8 || d.op == MICA_OP_GLOBAL_LOAD_I16 ||
		                  d.op == MICA_OP_DS_LOAD_I8 || d.op == MICA_OP_DS_LOAD_I16;
		load_any(size, exec, acc, sign, res);
	}
	uint32_t seq;
	const uint64_t done = mem_issue(w, counter, d.unit, &seq);
	stats_.lane_instructions += ops::popcount32(exec);
	if (dst == MICA_OPND_NONE || !(d.flags & (MICA_OPF_LOAD | MICA_OPF_ATOMIC)))
		return Step::Continue;
	const unsigned regs = mica_kind_table[d.info->kind[0]].regs;
	w.set_lanes(exec);
	for (unsigned k = 0; k < regs; k++) {
		if (!keep[k])
			continue;
		Row &row = w.v[dst + k];
		w.vprev[dst + k] = row;
		for (unsigned l = 0; l < kLanes; l++)
			row.l[l] = (res[k][l] & w.lanes.l[l]) | (row.l[l] & ~w.lanes.l[l]);
		produce_mem(w, dst + k, static_cast<uint8_t>(counter), seq, done, mica_unit_table[d.unit].latency);
	}
	return Step::Continue;
}

// Issue stall and operand reads common to global and ds: EXEC, data rows, destination WAW checks.
void Worker::read_vector_mem_operands(Wave &w, const DecodedInst &d, unsigned counter, VectorMemOperands &ops)
{
	mem_stall(w, counter);
	uint32_t (*data)[kLanes] = ops.data;
	bool *keep = ops.keep;
	ops.exec = read_s(w, MICA_OPND_EXEC, kVector);
	if (d.info->kind[3] != MICA_KIND_UNUSED) {
		const unsigned n = mica_kind_table[d.info->kind[3]].regs;
		for (unsigned k = 0; k < n; k++)
			std::memcpy(data[k], read_v(w, d.opnd[3] + k).l, sizeof data[k]);
	}
	if (d.opnd[0] != MICA_OPND_NONE && d.info->kind[0] != MICA_KIND_UNUSED) {
		const unsigned n = mica_kind_table[d.info->kind[0]].regs;
		for (unsigned k = 0; k < n; k++)
			keep[k] = writable(w, d.opnd[0] + k);
	}
}

Step Worker::exec_global(Wave &w, const DecodedInst &d)
{
	VectorMemOperands ops;
	read_vector_mem_operands(w, d, MICA_COUNTER_GM, ops);
	alignas(64) uint64_t va[kLanes];
	if (d.opnd[2] == MICA_OPND_NONE) {
		const uint32_t *lo = read_v(w, d.opnd[1]).l, *hi = read_v(w, d.opnd[1] + 1u).l;
		for (unsigned l = 0; l < kLanes; l++)
			va[l] = (lo[l] | (static_cast<uint64_t>(hi[l]) << 32)) + static_cast<int64_t>(d.imm);
	} else {
		const uint32_t *off = read_v(w, d.opnd[1]).l;
		const uint64_t base = read_s(w, d.opnd[2], kVector) |
		                      (static_cast<uint64_t>(read_s(w, d.opnd[2] + 1u, kVector)) << 32);
		for (unsigned l = 0; l < kLanes; l++)
			va[l] = base + off[l] + static_cast<int64_t>(d.imm);
	}
	return global_access(w, d, ops.exec, ops.data, ops.keep, va);
}

Step Worker::global_access(Wave &w, const DecodedInst &d, uint32_t exec, const uint32_t (*data)[kLanes],
                           const bool *keep, const uint64_t *va)
{
	const bool sec = w.cycle < MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE;
	if (sec)
		violation(w, d.opnd[1], MICA_HAZARD_SEC_WAVE_START_TLB, MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE,
		          w.cycle, false);
	if (violated_)
		return hazard_fault(w, d);

	const unsigned size = d.info->mem_bytes;
	const bool atomic = d.flags & MICA_OPF_ATOMIC;
	const mica_access acc = (d.flags & MICA_OPF_LOAD) ? MICA_ACCESS_READ : MICA_ACCESS_WRITE;
	LaneAccessSet set;
	uint64_t last_page = ~0ull; // lanes usually share pages: skip the TLB for repeats
	uint8_t *last_host = nullptr;
	for (unsigned l = 0; l < kLanes; l++) {
		if (!(exec & (1u << l)))
			continue;
		uint64_t a = va[l];
		if (atomic)
			a &= ~static_cast<uint64_t>(size - 1); // atomics ignore the low address bits
		uint32_t fault = MICA_FAULT_NONE;
		if (atomic && !translate(w, a, MICA_ACCESS_READ, &fault, sec))
			return raise(w, &d, fault, a, MICA_ACCESS_READ, "global atomic");
		uint8_t *p1;
		if (a / MICA_PAGE_SIZE == last_page) {
			p1 = last_host + a % MICA_PAGE_SIZE;
		} else {
			p1 = translate(w, a, acc, &fault, sec);
			if (!p1)
				return raise(w, &d, fault, a, acc, "");
			last_page = a / MICA_PAGE_SIZE;
			last_host = p1 - a % MICA_PAGE_SIZE;
		}
		unsigned n1 = static_cast<unsigned>(std::min<uint64_t>(size, MICA_PAGE_SIZE - a % MICA_PAGE_SIZE));
		uint8_t *p2 = nullptr;
		if (n1 < size) {
			p2 = translate(w, a + n1, acc, &fault, sec);
			if (!p2)
				return raise(w, &d, fault, a + n1, acc, "");
		}
		set.lane[l] = {p1, p2, n1};
	}
	return finish_vector_mem(w, d, exec, set, data, keep, MICA_COUNTER_GM);
}

Step Worker::exec_ds(Wave &w, const DecodedInst &d)
{
	VectorMemOperands ops;
	read_vector_mem_operands(w, d, MICA_COUNTER_LS, ops);
	const uint32_t *addr = read_v(w, d.opnd[1]).l;
	if (violated_)
		return hazard_fault(w, d);
	return ds_access(w, d, ops.exec, ops.data, ops.keep, addr);
}

Step Worker::ds_access(Wave &w, const DecodedInst &d, uint32_t exec, const uint32_t (*data)[kLanes],
                       const bool *keep, const uint32_t *addr)
{
	const unsigned size = d.info->mem_bytes;
	const bool atomic = d.flags & MICA_OPF_ATOMIC;
	const mica_access acc = (d.flags & MICA_OPF_LOAD) ? MICA_ACCESS_READ : MICA_ACCESS_WRITE;
	LaneAccessSet set;
	for (unsigned l = 0; l < kLanes; l++) {
		if (!(exec & (1u << l)))
			continue;
		int64_t a = static_cast<int64_t>(addr[l]) + d.imm;
		if (atomic)
			a &= ~static_cast<int64_t>(size - 1);
		if (a < 0 || static_cast<uint64_t>(a) + size > shared_.size())
			return raise(w, &d, MICA_FAULT_SHARED_OUT_OF_RANGE, static_cast<uint64_t>(a) & 0xffffffffu, acc,
			             "shared address " + std::to_string(a) + " + " + std::to_string(size) +
			             " bytes, workgroup has " + std::to_string(shared_.size()));
		set.lane[l] = {shared_.data() + a, nullptr, size};
	}
	return finish_vector_mem(w, d, exec, set, data, keep, MICA_COUNTER_LS);
}

Step Worker::exec_smem(Wave &w, const DecodedInst &d)
{
	mem_stall(w, MICA_COUNTER_LS);
	uint64_t va = read_s(w, d.opnd[2], kScalar) | (static_cast<uint64_t>(read_s(w, d.opnd[2] + 1u, kScalar)) << 32);
	if (d.opnd[1] != MICA_OPND_NONE)
		va += read_s(w, d.opnd[1], kScalar);
	va += static_cast<int64_t>(d.imm);
	const unsigned size = d.info->mem_bytes, n = size / 4;
	bool keep[8];
	for (unsigned k = 0; k < n; k++)
		keep[k] = writable(w, d.opnd[0] + k);
	const bool sec = w.cycle < MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE;
	if (sec)
		violation(w, d.opnd[2], MICA_HAZARD_SEC_WAVE_START_TLB, MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE,
		          w.cycle, false);
	if (violated_)
		return hazard_fault(w, d);
	uint8_t buf[32];
	for (unsigned done_bytes = 0; done_bytes < size;) {
		uint64_t a = va + done_bytes;
		uint32_t fault = MICA_FAULT_NONE;
		uint8_t *p = translate(w, a, MICA_ACCESS_READ, &fault, sec);
		if (!p)
			return raise(w, &d, fault, a, MICA_ACCESS_READ, "");
		unsigned chunk = static_cast<unsigned>(std::min<uint64_t>(size - done_bytes, MICA_PAGE_SIZE - a % MICA_PAGE_SIZE));
		std::memcpy(buf + done_bytes, p, chunk);
		done_bytes += chunk;
	}
	uint32_t seq;
	const uint64_t done = mem_issue(w, MICA_COUNTER_LS, d.unit, &seq);
	stats_.lane_instructions++;
	for (unsigned k = 0; k < n; k++) {
		if (!keep[k])
			continue;
		const unsigned reg = d.opnd[0] + k, i = reg - kSregFirst;
		w.sprev[i] = w.s[i];
		std::memcpy(&w.s[i], buf + 4 * k, 4);
		produce_mem(w, reg, MICA_COUNTER_LS, seq, done, mica_unit_table[d.unit].latency);
	}
	return Step::Continue;
}

} // namespace mica::sim::cu
