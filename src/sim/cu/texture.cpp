// SPDX-License-Identifier: MIT
// The texture unit (docs/hw/texture.md): image instructions read their descriptors from SGPRs,
// check them, compute texel addresses from per-lane coordinates with the layout of mica_image.h,
// and access every texel through the MMU like a global access (same TLB, same faults, same
// SEC_WAVE_START_TLB window). This file has the integer-addressed instructions (load, store,
// texel-buffer load/store, atomics, size query); sampling and gathers are in texture_sample.cpp.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "alu_ops.h"
#include "fp.h"
#include "worker.h"

namespace mica::sim::cu {

using tex::ImageOp;
using tex::Texel;
using tex::TexelPtr;

void tex::TexelPtr::read(uint8_t *dst) const
{
	std::memcpy(dst, p1, n1);
	if (n > n1)
		std::memcpy(dst + n1, p2, n - n1);
}

void tex::TexelPtr::write(const uint8_t *src, unsigned bytes) const
{
	const unsigned a = std::min(bytes, n1);
	std::memcpy(p1, src, a);
	if (bytes > a)
		std::memcpy(p2, src + a, bytes - a);
}

void tex::swizzle(const mica_image_desc &img, Texel &t)
{
	const Texel in = t;
	for (unsigned c = 0; c < 4; c++) {
		switch (img.swizzle[c]) {
		case MICA_SWIZZLE_ZERO: t.f[c] = 0; t.i[c] = 0; break;
		case MICA_SWIZZLE_ONE: t.f[c] = 1; t.i[c] = 1; break;
		default: t.f[c] = in.f[img.swizzle[c] - MICA_SWIZZLE_R]; t.i[c] = in.i[img.swizzle[c] - MICA_SWIZZLE_R]; break;
		}
	}
}

namespace {

const char *const kDescError[] = {"", "reserved bits set", "format index out of range",
                                  "extent, layers or levels inconsistent", "instruction does not apply to the view type",
                                  "atomic on a format without image atomics",
                                  "linear filtering or sampling not allowed for the format", "malformed sampler",
                                  "block-compressed format not allowed"};

enum class ImgAtom { Add, Sub, Smin, Umin, Smax, Umax, And, Or, Xor, Swap, Cmpswap, AddF32, MinF32, MaxF32 };

ImgAtom image_atom(uint16_t op)
{
	switch (op) {
	case MICA_OP_IMAGE_ATOMIC_ADD_U32: return ImgAtom::Add;
	case MICA_OP_IMAGE_ATOMIC_SUB_U32: return ImgAtom::Sub;
	case MICA_OP_IMAGE_ATOMIC_SMIN_I32: return ImgAtom::Smin;
	case MICA_OP_IMAGE_ATOMIC_UMIN_U32: return ImgAtom::Umin;
	case MICA_OP_IMAGE_ATOMIC_SMAX_I32: return ImgAtom::Smax;
	case MICA_OP_IMAGE_ATOMIC_UMAX_U32: return ImgAtom::Umax;
	case MICA_OP_IMAGE_ATOMIC_AND_B32: return ImgAtom::And;
	case MICA_OP_IMAGE_ATOMIC_OR_B32: return ImgAtom::Or;
	case MICA_OP_IMAGE_ATOMIC_XOR_B32: return ImgAtom::Xor;
	case MICA_OP_IMAGE_ATOMIC_SWAP_B32: return ImgAtom::Swap;
	case MICA_OP_IMAGE_ATOMIC_CMPSWAP_B32: return ImgAtom::Cmpswap;
	case MICA_OP_IMAGE_ATOMIC_MIN_F32: return ImgAtom::MinF32;
	case MICA_OP_IMAGE_ATOMIC_MAX_F32: return ImgAtom::MaxF32;
	default: return ImgAtom::AddF32;
	}
}

uint32_t image_atomic_apply(uint8_t *p, ImgAtom k, uint32_t v, uint32_t cmp)
{
	std::atomic_ref<uint32_t> ref(*reinterpret_cast<uint32_t *>(p));
	switch (k) {
	case ImgAtom::Add: return ref.fetch_add(v);
	case ImgAtom::Sub: return ref.fetch_sub(v);
	case ImgAtom::And: return ref.fetch_and(v);
	case ImgAtom::Or: return ref.fetch_or(v);
	case ImgAtom::Xor: return ref.fetch_xor(v);
	case ImgAtom::Swap: return ref.exchange(v);
	case ImgAtom::Cmpswap: {
		uint32_t expected = cmp;
		ref.compare_exchange_strong(expected, v);
		return expected;
	}
	default: break;
	}
	uint32_t old = ref.load();
	for (;;) {
		uint32_t nv;
		switch (k) {
		case ImgAtom::Smin: nv = static_cast<int32_t>(v) < static_cast<int32_t>(old) ? v : old; break;
		case ImgAtom::Smax: nv = static_cast<int32_t>(v) > static_cast<int32_t>(old) ? v : old; break;
		case ImgAtom::Umin: nv = std::min(v, old); break;
		case ImgAtom::Umax: nv = std::max(v, old); break;
		case ImgAtom::MinF32: nv = fp::atomic_fminmax(old, v, false); break;
		case ImgAtom::MaxF32: nv = fp::atomic_fminmax(old, v, true); break;
		default: nv = fp::bits(fp::f32(old) + fp::f32(v)); break;
		}
		if (ref.compare_exchange_weak(old, nv))
			return old;
	}
}

bool atomic_allowed(ImgAtom k, uint32_t format)
{
	if (format == MICA_TEXEL_FORMAT_R32_UINT || format == MICA_TEXEL_FORMAT_R32_SINT)
		return k != ImgAtom::AddF32 && k != ImgAtom::MinF32 && k != ImgAtom::MaxF32;
	if (format == MICA_TEXEL_FORMAT_R32_SFLOAT)
		return k == ImgAtom::Swap || k == ImgAtom::Cmpswap || k == ImgAtom::AddF32 || k == ImgAtom::MinF32 ||
		       k == ImgAtom::MaxF32;
	return false;
}

int32_t offset4(int32_t imm, unsigned shift)
{
	const int32_t v = (imm >> shift) & 0xf;
	return v >= 8 ? v - 16 : v;
}

// Integer texel coordinates of one lane of a load/store/atomic (docs/hw/texture.md
// "Coordinates"): false if out of range (the robust-access rules apply).
struct IntCoord {
	uint32_t x, y, z, layer, level;
};

bool int_coord(const ImageOp &op, unsigned lane, bool buffer_op, IntCoord &c)
{
	const mica_image_desc &img = op.img;
	const int64_t a0 = static_cast<int32_t>(op.addr[0][lane]);
	int64_t x = a0, y = 0, z = 0, layer = 0, level = 0;
	if (!buffer_op) {
		const int64_t a1 = static_cast<int32_t>(op.addr[1][lane]), a2 = static_cast<int32_t>(op.addr[2][lane]);
		level = static_cast<int32_t>(op.addr[3][lane]);
		if (img.samples_log2) {
			// Multisampled (2D, 2D_ARRAY, one level): the fourth register is the sample index,
			// which addresses the layout's depth slices (mica_image.h).
			z = level;
			level = 0;
		}
		switch (img.type) {
		case MICA_IMAGE_TYPE_1D_ARRAY: layer = a1; break;
		case MICA_IMAGE_TYPE_2D: y = a1; break;
		case MICA_IMAGE_TYPE_3D: y = a1; z = a2; break;
		case MICA_IMAGE_TYPE_2D_ARRAY:
		case MICA_IMAGE_TYPE_CUBE:
		case MICA_IMAGE_TYPE_CUBE_ARRAY: y = a1; layer = a2; break;
		default: break;
		}
		x += op.texel_offset[0];
		if (img.type != MICA_IMAGE_TYPE_1D && img.type != MICA_IMAGE_TYPE_1D_ARRAY && img.type != MICA_IMAGE_TYPE_BUFFER)
			y += op.texel_offset[1];
		if (img.type == MICA_IMAGE_TYPE_3D)
			z += op.texel_offset[2];
		if (img.type == MICA_IMAGE_TYPE_BUFFER)
			level = 0;
	}
	if (level < 0 || level >= img.view_levels || layer < 0 || layer >= img.view_layers)
		return false;
	const mica_image_level &l = op.level[level];
	if (x < 0 || x >= l.width || y < 0 || y >= l.height || z < 0 || z >= l.depth)
		return false;
	c = {static_cast<uint32_t>(x), static_cast<uint32_t>(y), static_cast<uint32_t>(z),
	     static_cast<uint32_t>(layer), static_cast<uint32_t>(level)};
	return true;
}

uint64_t texel_va(const ImageOp &op, const IntCoord &c)
{
	return op.img.addr + op.level[c.level].offset +
	       mica_image_texel_offset(op.img.format, op.img.tiling, &op.level[c.level], c.x, c.y, c.z,
	                               op.img.base_layer + c.layer);
}

} // namespace

Step Worker::image_fault(Wave &w, const DecodedInst &d, uint32_t reason, const std::string &why)
{
	const bool first = fault_.fault == MICA_FAULT_NONE;
	Step s = raise(w, &d, MICA_FAULT_BAD_DESCRIPTOR, 0, MICA_ACCESS_READ,
	               std::string(reason < std::size(kDescError) ? kDescError[reason] : "?") +
	                   (why.empty() ? "" : ": " + why));
	if (first)
		fault_.info = reason;
	return s;
}

bool Worker::texel_access(Wave &w, const DecodedInst &d, uint64_t va, unsigned n, mica_access acc, bool sec,
                          TexelPtr &out)
{
	uint32_t fault = MICA_FAULT_NONE;
	uint8_t *p1 = translate(w, va, acc, &fault, sec);
	if (!p1) {
		raise(w, &d, fault, va, acc, "");
		return false;
	}
	const unsigned n1 = static_cast<unsigned>(std::min<uint64_t>(n, MICA_PAGE_SIZE - va % MICA_PAGE_SIZE));
	uint8_t *p2 = nullptr;
	if (n1 < n) {
		p2 = translate(w, va + n1, acc, &fault, sec);
		if (!p2) {
			raise(w, &d, fault, va + n1, acc, "");
			return false;
		}
	}
	out = {p1, p2, n1, n};
	return true;
}

bool Worker::fetch_texel(Wave &w, const DecodedInst &d, const ImageOp &op, uint32_t lvl, uint32_t x, uint32_t y,
                         uint32_t z, uint32_t layer, Texel &t)
{
	const IntCoord c{x, y, z, layer, lvl};
	TexelPtr p;
	if (!texel_access(w, d, texel_va(op, c), op.fi->bytes, MICA_ACCESS_READ, op.sec, p))
		return false;
	uint8_t buf[tex::kMaxTexelBytes];
	p.read(buf);
	tex::decode_at(*op.fi, buf, x, y, t);
	tex::swizzle(op.img, t);
	return true;
}

Step Worker::finish_image(Wave &w, const DecodedInst &d, ImageOp &op)
{
	uint32_t seq;
	const uint64_t done = mem_issue(w, MICA_COUNTER_GM, d.unit, &seq);
	stats_.lane_instructions += ops::popcount32(op.exec);
	const unsigned dst = d.opnd[0];
	if (dst == MICA_OPND_NONE || !(d.flags & (MICA_OPF_LOAD | MICA_OPF_ATOMIC)))
		return Step::Continue;
	const unsigned regs = mica_kind_table[d.info->kind[0]].regs;
	w.set_lanes(op.exec);
	for (unsigned k = 0; k < regs; k++) {
		if (!op.keep[k])
			continue;
		Row &row = w.v[dst + k];
		w.vprev[dst + k] = row;
		for (unsigned l = 0; l < kLanes; l++)
			row.l[l] = (op.res[k][l] & w.lanes.l[l]) | (row.l[l] & ~w.lanes.l[l]);
		produce_mem(w, dst + k, MICA_COUNTER_GM, seq, done, mica_unit_table[d.unit].latency);
	}
	return Step::Continue;
}

Step Worker::exec_image(Wave &w, const DecodedInst &d)
{
	mem_stall(w, MICA_COUNTER_GM);
	ImageOp op;
	op.exec = read_s(w, MICA_OPND_EXEC, kVector);
	// Operands: descriptor SGPRs (a vector-memory read of SGPRs: SALU_VALU_FORWARD applies),
	// coordinate and data VGPRs, then the destination's WAW state.
	uint32_t dw[MICA_IMGDESC_DWORDS + MICA_SMPDESC_DWORDS];
	const unsigned desc_regs = mica_kind_table[d.info->kind[2]].regs;
	for (unsigned k = 0; k < desc_regs; k++)
		dw[k] = read_s(w, d.opnd[2] + k, kVector);
	const unsigned addr_regs = mica_kind_table[d.info->kind[1]].regs;
	for (unsigned k = 0; k < addr_regs; k++)
		std::memcpy(op.addr[k], read_v(w, d.opnd[1] + k).l, sizeof op.addr[k]);
	if (d.info->kind[3] != MICA_KIND_UNUSED) {
		const unsigned n = mica_kind_table[d.info->kind[3]].regs;
		for (unsigned k = 0; k < n; k++)
			std::memcpy(op.data[k], read_v(w, d.opnd[3] + k).l, sizeof op.data[k]);
	}
	if (d.opnd[0] != MICA_OPND_NONE && d.info->kind[0] != MICA_KIND_UNUSED) {
		const unsigned n = mica_kind_table[d.info->kind[0]].regs;
		for (unsigned k = 0; k < n; k++)
			op.keep[k] = writable(w, d.opnd[0] + k);
	}
	op.sec = w.cycle < MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE;
	if (op.sec)
		violation(w, d.opnd[2], MICA_HAZARD_SEC_WAVE_START_TLB, MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE, w.cycle,
		          false);
	if (violated_)
		return hazard_fault(w, d);
	if (d.imm & 0xf000)
		return raise(w, &d, MICA_FAULT_ILLEGAL_INSTRUCTION, 0, MICA_ACCESS_READ,
		             "texel offset field bits 15:12 must be zero");
	op.texel_offset[0] = offset4(d.imm, 0);
	op.texel_offset[1] = offset4(d.imm, 4);
	op.texel_offset[2] = offset4(d.imm, 8);

	// The descriptor is checked before any lane accesses memory (also with EXEC = 0).
	if (uint32_t e = mica_image_desc_decode(dw, &op.img))
		return image_fault(w, d, e, "");
	op.fi = &tex::format_info(op.img.format);
	for (uint32_t l = 0; l < op.img.view_levels; l++)
		mica_image_level_layout(op.img.format, op.img.tiling, op.img.width, op.img.height,
		                        mica_image_desc_layout_depth(&op.img), op.img.layers, op.img.base_level + l,
		                        &op.level[l]);
	const bool buffer_op = d.op == MICA_OP_BUFFER_LOAD_FORMAT || d.op == MICA_OP_BUFFER_STORE_FORMAT;
	if (buffer_op && op.img.type != MICA_IMAGE_TYPE_BUFFER)
		return image_fault(w, d, MICA_DESCRIPTOR_ERROR_TYPE, "buffer_* needs a BUFFER descriptor");
	if (desc_regs > MICA_IMGDESC_DWORDS) {
		if (op.img.samples_log2)
			return image_fault(w, d, MICA_DESCRIPTOR_ERROR_TYPE, "a multisampled view cannot be sampled or gathered");
		std::memcpy(op.smp_dw, dw + MICA_IMGDESC_DWORDS, sizeof op.smp_dw);
		return exec_image_sample(w, d, op);
	}
	std::memset(op.res, 0, sizeof op.res);

	if (d.op == MICA_OP_IMAGE_QUERY_SIZE) {
		const mica_image_desc &img = op.img;
		for (unsigned l = 0; l < kLanes; l++) {
			if (!(op.exec & (1u << l)))
				continue;
			const uint32_t lvl = op.addr[0][l];
			uint32_t s[3] = {0, 0, 0};
			if (lvl < img.view_levels) {
				const mica_image_level &L = op.level[lvl];
				switch (img.type) {
				case MICA_IMAGE_TYPE_1D: s[0] = L.width; break;
				case MICA_IMAGE_TYPE_1D_ARRAY: s[0] = L.width; s[1] = img.view_layers; break;
				case MICA_IMAGE_TYPE_2D:
				case MICA_IMAGE_TYPE_CUBE: s[0] = L.width; s[1] = L.height; break;
				case MICA_IMAGE_TYPE_2D_ARRAY: s[0] = L.width; s[1] = L.height; s[2] = img.view_layers; break;
				case MICA_IMAGE_TYPE_CUBE_ARRAY: s[0] = L.width; s[1] = L.height; s[2] = img.view_layers / 6; break;
				case MICA_IMAGE_TYPE_3D: s[0] = L.width; s[1] = L.height; s[2] = L.depth; break;
				default: s[0] = img.width; break; // BUFFER
				}
			}
			op.res[0][l] = s[0];
			op.res[1][l] = s[1];
			op.res[2][l] = s[2];
			// A multisampled view has one level; the fourth register is its sample count.
			op.res[3][l] = img.samples_log2 ? 1u << img.samples_log2 : img.view_levels;
		}
		return finish_image(w, d, op);
	}

	const bool atomic = d.flags & MICA_OPF_ATOMIC, store = d.flags & MICA_OPF_STORE;
	if ((atomic || store) && (op.fi->flags & MICA_TEXEL_COMPRESSED))
		return image_fault(w, d, MICA_DESCRIPTOR_ERROR_COMPRESSED, op.fi->name);
	ImgAtom ak = ImgAtom::Add;
	if (atomic) {
		ak = image_atom(d.op);
		if (!atomic_allowed(ak, op.img.format))
			return image_fault(w, d, MICA_DESCRIPTOR_ERROR_ATOMIC_FORMAT, op.fi->name);
	}
	// Translate every active in-range lane first: a fault leaves no lane's effect behind.
	TexelPtr ptr[kLanes];
	bool in_range[kLanes] = {};
	uint32_t lane_x[kLanes] = {}, lane_y[kLanes] = {}; // where a compressed texel sits in its block
	const unsigned n = op.fi->bytes;
	for (unsigned l = 0; l < kLanes; l++) {
		if (!(op.exec & (1u << l)))
			continue;
		IntCoord c;
		if (!int_coord(op, l, buffer_op, c))
			continue;
		in_range[l] = true;
		lane_x[l] = c.x;
		lane_y[l] = c.y;
		uint64_t va = texel_va(op, c);
		if (atomic) {
			va &= ~3ull; // as global atomics: the naturally aligned word
			if (!texel_access(w, d, va, 4, MICA_ACCESS_READ, op.sec, ptr[l]))
				return Step::Fault;
		}
		if (!texel_access(w, d, va, atomic ? 4 : n, (atomic || store) ? MICA_ACCESS_WRITE : MICA_ACCESS_READ,
		                  op.sec, ptr[l]))
			return Step::Fault;
	}
	Texel zero;
	tex::out_of_range_texel(*op.fi, zero);
	if (!(op.fi->flags & MICA_TEXEL_64BIT))
		tex::swizzle(op.img, zero);
	for (unsigned l = 0; l < kLanes; l++) {
		if (!(op.exec & (1u << l)))
			continue;
		if (atomic) {
			if (in_range[l])
				op.res[0][l] = image_atomic_apply(ptr[l].p1, ak, op.data[0][l],
				                                  ak == ImgAtom::Cmpswap ? op.data[1][l] : 0u);
			continue;
		}
		if (store) {
			if (!in_range[l])
				continue; // robust access: dropped
			uint32_t regs[4] = {op.data[0][l], op.data[1][l], op.data[2][l], op.data[3][l]};
			uint8_t buf[tex::kMaxTexelBytes];
			const unsigned bytes = tex::encode(*op.fi, regs, buf);
			ptr[l].write(buf, bytes);
			continue;
		}
		Texel t = zero;
		if (in_range[l]) {
			uint8_t buf[tex::kMaxTexelBytes];
			ptr[l].read(buf);
			tex::decode_at(*op.fi, buf, lane_x[l], lane_y[l], t);
			if (!(op.fi->flags & MICA_TEXEL_64BIT))
				tex::swizzle(op.img, t);
		}
		uint32_t regs[4];
		tex::to_registers(*op.fi, t, regs);
		for (unsigned k = 0; k < 4; k++)
			op.res[k][l] = regs[k];
	}
	return finish_image(w, d, op);
}

} // namespace mica::sim::cu
