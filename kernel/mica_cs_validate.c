// SPDX-License-Identifier: MIT
/*
 * The command-stream allow-list. Every packet a user command buffer may contain is listed here
 * with what its fields must satisfy; lengths and privilege come from the generated
 * mica_packet_table, never from numbers copied by hand.
 */
#include "mica_cs_validate.h"

#include "mica_dma.h"
#include "mica_occupancy.h"

#define VA_LIMIT (1ull << MICA_VA_BITS)

struct cs_state {
	const struct mica_cs_ops *ops;
	const struct mica_cs_limits *limits;
	struct mica_reject *rej;
	const u32 *p;		/* payload of the current packet */
	u32 pos;		/* dword offset of the current packet in the flat copy */
	bool program_set;
	/*
	 * The dispatch state the device will hold at each DISPATCH. The device starts every
	 * submitted stream from its reset state (counts 0, shared 0, workgroup 1x1x1), and the
	 * whole submit is one stream, so these track it exactly.
	 */
	u32 vgpr_count, sgpr_count, shared_bytes, invocations;
};

static u64 payload_u64(const u32 *p, unsigned int lo)
{
	return (u64)p[lo] | ((u64)p[lo + 1] << 32);
}

static int reject(struct cs_state *s, u32 reason, const char *what)
{
	s->rej->offset = s->pos;
	return mica_reject_set(s->rej, reason, "%s", what);
}

/* A range the packet touches: overflow, alignment, then the VM. */
static int check_range(struct cs_state *s, const char *pkt, u64 va, u64 size, u32 align,
		       u32 perms, u64 *backing, u64 *off)
{
	u64 end, b = 0, o = 0;
	u32 r;

	if (!MICA_IS_ALIGNED(va, (u64)align)) {
		s->rej->offset = s->pos;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_CS_MISALIGNED,
				       "%s address 0x%llx not %u-byte aligned", pkt,
				       (unsigned long long)va, align);
	}
	if (check_add_overflow(va, size, &end) || end > VA_LIMIT) {
		s->rej->offset = s->pos;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_CS_ADDR_OVERFLOW,
				       "%s range 0x%llx + 0x%llx overflows the VA space", pkt,
				       (unsigned long long)va, (unsigned long long)size);
	}
	r = s->ops->check_range(s->ops->priv, va, size, perms, &b, &o);
	if (r) {
		s->rej->offset = s->pos;
		return mica_reject_set(s->rej, r, "%s range 0x%llx + 0x%llx needs %s%s%s in one mapping",
				       pkt, (unsigned long long)va, (unsigned long long)size,
				       perms & DRM_MICA_BIND_READ ? "r" : "",
				       perms & DRM_MICA_BIND_WRITE ? "w" : "",
				       perms & DRM_MICA_BIND_EXEC ? "x" : "");
	}
	if (backing)
		*backing = b;
	if (off)
		*off = o;
	return 0;
}

static bool copy_queue_allows(u32 op)
{
	switch (op) {
	case MICA_PKT_NOP:
	case MICA_PKT_BARRIER:
	case MICA_PKT_DMA_COPY:
	case MICA_PKT_DMA_FILL:
	case MICA_PKT_DMA_COPY_TILED:
	case MICA_PKT_WRITE_DATA:
	case MICA_PKT_TIMESTAMP:
	case MICA_PKT_SIGNAL:
	case MICA_PKT_WAIT_MEM:
	case MICA_PKT_CHAIN:
		return true;
	default:
		return false;
	}
}

static int check_dma_copy(struct cs_state *s)
{
	u64 src = payload_u64(s->p, MICA_PKT_DMA_COPY_SRC_LO);
	u64 dst = payload_u64(s->p, MICA_PKT_DMA_COPY_DST_LO);
	u64 n = s->p[MICA_PKT_DMA_COPY_BYTES], sb, so, db, dof;
	int ret;

	if (!n)
		return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD, "DMA_COPY of 0 bytes");
	ret = check_range(s, "DMA_COPY src", src, n, 1, DRM_MICA_BIND_READ, &sb, &so);
	if (ret)
		return ret;
	ret = check_range(s, "DMA_COPY dst", dst, n, 1, DRM_MICA_BIND_WRITE, &db, &dof);
	if (ret)
		return ret;
	/* Overlap in the VA space, or in memory through two mappings of one BO. */
	if ((src < dst + n && dst < src + n) || (sb == db && so < dof + n && dof < so + n))
		return reject(s, DRM_MICA_REJECT_CS_DMA_OVERLAP,
			      "DMA_COPY source and destination overlap");
	return 0;
}

/*
 * DMA_COPY_TILED: the device's own field rules (mica_dma.h, shared with the device model), then
 * each side's footprint -- the bytes from its first to its last element, a superset of what it
 * touches -- must lie in one mapping with the side's permission, and the footprints must not
 * overlap in the VA space or in memory (two mappings of one BO). An empty box is refused like an
 * empty DMA_COPY.
 */
static int check_dma_copy_tiled(struct cs_state *s)
{
	struct mica_dma_tiled c;
	enum mica_dma_tiled_error e;
	u64 sf, se, df, de, sb, so, db, dof;
	int ret;

	mica_dma_tiled_unpack(s->p, &c);
	e = mica_dma_tiled_check(&c);
	if (e == MICA_DMA_TILED_RESERVED)
		return reject(s, DRM_MICA_REJECT_CS_RESERVED_BITS, "DMA_COPY_TILED reserved control bits set");
	if (e == MICA_DMA_TILED_WRAP) {
		s->rej->offset = s->pos;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_CS_ADDR_OVERFLOW, "DMA_COPY_TILED %s",
				       mica_dma_tiled_error_name(e));
	}
	if (e == MICA_DMA_TILED_OVERLAP)
		return reject(s, DRM_MICA_REJECT_CS_DMA_OVERLAP, "DMA_COPY_TILED source and destination overlap");
	if (e != MICA_DMA_TILED_OK) {
		s->rej->offset = s->pos;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_CS_BAD_FIELD, "DMA_COPY_TILED %s",
				       mica_dma_tiled_error_name(e));
	}
	if (!c.width || !c.height || !c.depth)
		return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD, "DMA_COPY_TILED of an empty box");
	mica_dma_tiled_footprint(&c, &c.src, &sf, &se);
	mica_dma_tiled_footprint(&c, &c.dst, &df, &de);
	ret = check_range(s, "DMA_COPY_TILED src", sf, se - sf, 1, DRM_MICA_BIND_READ, &sb, &so);
	if (ret)
		return ret;
	ret = check_range(s, "DMA_COPY_TILED dst", df, de - df, 1, DRM_MICA_BIND_WRITE, &db, &dof);
	if (ret)
		return ret;
	if (sb == db && so < dof + (de - df) && dof < so + (se - sf))
		return reject(s, DRM_MICA_REJECT_CS_DMA_OVERLAP,
			      "DMA_COPY_TILED source and destination overlap in memory");
	return 0;
}

static int check_workgroup(struct cs_state *s)
{
	static const u32 dim_max[3] = { MICA_MAX_WORKGROUP_DIM_X, MICA_MAX_WORKGROUP_DIM_Y,
					MICA_MAX_WORKGROUP_DIM_Z };
	u64 product = 1;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		u32 d = s->p[MICA_PKT_SET_WORKGROUP_SIZE_X + i];

		if (d < 1 || d > dim_max[i])
			return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD,
				      "SET_WORKGROUP_SIZE dimension out of range");
		product *= d;
	}
	if (product > MICA_MAX_WORKGROUP_INVOCATIONS)
		return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD,
			      "SET_WORKGROUP_SIZE over max_workgroup_invocations");
	s->invocations = (u32)product;
	return 0;
}

/*
 * DISPATCH / DISPATCH_INDIRECT: the device launches a workgroup only when all of it is resident
 * on one CU; a dispatch whose state cannot be would fault the context with DISPATCH_RESOURCES
 * (docs/hw/command-processor.md), so it is refused here, whatever the group counts.
 */
static int check_dispatch(struct cs_state *s, const char *pkt)
{
	enum mica_cu_limit over;

	if (!s->program_set) {
		s->rej->offset = s->pos;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_CS_NO_PROGRAM,
				       "%s before SET_PROGRAM", pkt);
	}
	over = mica_workgroup_fits_cu(s->invocations, s->vgpr_count, s->sgpr_count,
				      s->shared_bytes);
	if (over != MICA_CU_LIMIT_NONE) {
		s->rej->offset = s->pos;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_CS_CU_RESOURCES,
				       "%s: a workgroup of %u invocations with %u VGPRs, %u SGPRs, %u shared bytes exceeds a CU's %s",
				       pkt, s->invocations, s->vgpr_count, s->sgpr_count,
				       s->shared_bytes,
				       mica_cu_limit_name(over));
	}
	return 0;
}

static int check_packet(struct cs_state *s, u32 op, u32 len)
{
	const u32 *p = s->p;
	u64 va;
	u32 r;

	switch (op) {
	case MICA_PKT_NOP:
		return 0;
	case MICA_PKT_SET_PROGRAM: {
		char msg[96] = "";

		va = payload_u64(p, MICA_PKT_SET_PROGRAM_ADDR_LO);
		if (!MICA_IS_ALIGNED(va, (u64)MICA_CODE_ALIGNMENT))
			return reject(s, DRM_MICA_REJECT_CS_MISALIGNED,
				      "SET_PROGRAM address not code_alignment aligned");
		if (p[MICA_PKT_SET_PROGRAM_VGPR_COUNT] > MICA_VGPRS_PER_WAVE ||
		    p[MICA_PKT_SET_PROGRAM_SGPR_COUNT] > MICA_SGPRS_PER_WAVE)
			return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD,
				      "SET_PROGRAM register count above the register file");
		r = s->ops->check_program(s->ops->priv, va, p[MICA_PKT_SET_PROGRAM_VGPR_COUNT],
					  p[MICA_PKT_SET_PROGRAM_SGPR_COUNT], msg, sizeof(msg));
		if (r) {
			s->rej->offset = s->pos;
			return mica_reject_set(s->rej, r, "SET_PROGRAM 0x%llx: %s",
					       (unsigned long long)va, msg);
		}
		s->program_set = true;
		s->vgpr_count = p[MICA_PKT_SET_PROGRAM_VGPR_COUNT];
		s->sgpr_count = p[MICA_PKT_SET_PROGRAM_SGPR_COUNT];
		return 0;
	}
	case MICA_PKT_SET_USER_DATA:
		if ((u64)p[MICA_PKT_SET_USER_DATA_FIRST] + (len - 1) > MICA_USER_DATA_SGPRS)
			return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD,
				      "SET_USER_DATA runs past the user-data SGPRs");
		return 0;
	case MICA_PKT_LOAD_USER_DATA: {
		u32 first = p[MICA_PKT_LOAD_USER_DATA_FIRST];
		u32 count = p[MICA_PKT_LOAD_USER_DATA_COUNT];

		if (!count)
			return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD, "LOAD_USER_DATA of 0 dwords");
		if ((u64)first + count > MICA_USER_DATA_SGPRS)
			return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD,
				      "LOAD_USER_DATA runs past the user-data SGPRs");
		/* Read when the packet executes: the dwords must stay readable. */
		return check_range(s, "LOAD_USER_DATA",
				   payload_u64(p, MICA_PKT_LOAD_USER_DATA_ADDR_LO), (u64)count * 4,
				   4, DRM_MICA_BIND_READ, NULL, NULL);
	}
	case MICA_PKT_SET_SHARED_SIZE:
		if (p[MICA_PKT_SET_SHARED_SIZE_BYTES] > MICA_MAX_SHARED_BYTES)
			return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD,
				      "SET_SHARED_SIZE above max_shared_bytes");
		s->shared_bytes = p[MICA_PKT_SET_SHARED_SIZE_BYTES];
		return 0;
	case MICA_PKT_SET_WORKGROUP_SIZE:
		return check_workgroup(s);
	case MICA_PKT_DISPATCH:
		return check_dispatch(s, "DISPATCH");
	case MICA_PKT_DISPATCH_INDIRECT: {
		int ret = check_dispatch(s, "DISPATCH_INDIRECT");

		if (ret)
			return ret;
		va = payload_u64(p, MICA_PKT_DISPATCH_INDIRECT_ADDR_LO);
		/* The three group counts are read at dispatch time: they must be readable. */
		return check_range(s, "DISPATCH_INDIRECT", va, 3 * sizeof(u32), 4,
				   DRM_MICA_BIND_READ, NULL, NULL);
	}
	case MICA_PKT_BARRIER:
		if (p[MICA_PKT_BARRIER_FLAGS] & ~(MICA_BARRIER_FLUSH | MICA_BARRIER_INVALIDATE))
			return reject(s, DRM_MICA_REJECT_CS_RESERVED_BITS, "BARRIER unknown flags");
		return 0;
	case MICA_PKT_DMA_COPY:
		return check_dma_copy(s);
	case MICA_PKT_DMA_COPY_TILED:
		return check_dma_copy_tiled(s);
	case MICA_PKT_DMA_FILL: {
		u64 n = p[MICA_PKT_DMA_FILL_BYTES];

		if (!n)
			return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD, "DMA_FILL of 0 bytes");
		if (!MICA_IS_ALIGNED(n, 4ull))
			return reject(s, DRM_MICA_REJECT_CS_MISALIGNED,
				      "DMA_FILL size not a multiple of 4");
		return check_range(s, "DMA_FILL", payload_u64(p, MICA_PKT_DMA_FILL_DST_LO), n, 4,
				   DRM_MICA_BIND_WRITE, NULL, NULL);
	}
	case MICA_PKT_WRITE_DATA:
		return check_range(s, "WRITE_DATA", payload_u64(p, MICA_PKT_WRITE_DATA_DST_LO),
				   (u64)(len - 2) * 4, 4, DRM_MICA_BIND_WRITE, NULL, NULL);
	case MICA_PKT_TIMESTAMP:
		return check_range(s, "TIMESTAMP", payload_u64(p, MICA_PKT_TIMESTAMP_DST_LO), 8, 8,
				   DRM_MICA_BIND_WRITE, NULL, NULL);
	case MICA_PKT_SIGNAL:
		/* The interrupt flag latches the kernel's fence registers: kernel ring only. */
		if (p[MICA_PKT_SIGNAL_FLAGS] & MICA_SIGNAL_IRQ)
			return reject(s, DRM_MICA_REJECT_CS_SIGNAL_IRQ,
				      "SIGNAL with the interrupt flag is kernel-only");
		if (p[MICA_PKT_SIGNAL_FLAGS])
			return reject(s, DRM_MICA_REJECT_CS_RESERVED_BITS, "SIGNAL unknown flags");
		return check_range(s, "SIGNAL", payload_u64(p, MICA_PKT_SIGNAL_DST_LO), 8, 8,
				   DRM_MICA_BIND_WRITE, NULL, NULL);
	case MICA_PKT_WAIT_MEM:
		if (p[MICA_PKT_WAIT_MEM_FUNC] > MICA_WAIT_NE)
			return reject(s, DRM_MICA_REJECT_CS_BAD_FIELD, "WAIT_MEM unknown function");
		return check_range(s, "WAIT_MEM", payload_u64(p, MICA_PKT_WAIT_MEM_ADDR_LO), 8, 8,
				   DRM_MICA_BIND_READ, NULL, NULL);
	default:
		/* Unreachable: the allow-list below only lets the packets above through. */
		return reject(s, DRM_MICA_REJECT_CS_BAD_OPCODE, "packet has no validation rule");
	}
}

/* Fetches a command buffer segment into out at *len after checking it is readable. */
static int fetch_segment(struct cs_state *s, u64 va, u32 dwords, u32 *out, u32 *len,
			 const char *what)
{
	int ret;

	if (!dwords)
		return reject(s, DRM_MICA_REJECT_CS_EMPTY, what);
	if (dwords > s->limits->max_dwords - *len) {
		s->rej->offset = s->pos;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_CS_TOO_BIG,
				       "%s: %u dwords exceed the %u-dword limit", what, dwords,
				       s->limits->max_dwords);
	}
	ret = check_range(s, what, va, (u64)dwords * 4, 4, DRM_MICA_BIND_READ, NULL, NULL);
	if (ret)
		return ret;
	s->ops->fetch(s->ops->priv, va, dwords, out + *len);
	*len += dwords;
	return 0;
}

int mica_cs_copy_validate(const struct mica_cs_ops *ops, const struct mica_cs_limits *limits,
			  const struct mica_cs_buf *bufs, u32 nbufs, u32 *out, u32 *out_dwords,
			  struct mica_reject *rej)
{
	struct cs_state s = { .ops = ops, .limits = limits, .rej = rej, .invocations = 1 };
	u64 seen[64];
	u32 nseen, len = 0, b;
	int ret;

	rej->reason = DRM_MICA_REJECT_NONE;
	rej->offset = 0;
	rej->msg[0] = '\0';
	if (!nbufs)
		return mica_reject_set(rej, DRM_MICA_REJECT_CS_EMPTY, "no command buffers");

	for (b = 0; b < nbufs; b++) {
		u32 depth = 0;

		nseen = 0;
		s.pos = len;
		ret = fetch_segment(&s, bufs[b].va, bufs[b].dwords, out, &len, "command buffer");
		if (ret)
			return ret;
		seen[nseen++] = bufs[b].va;

		while (s.pos < len) {
			u32 hdr = out[s.pos];
			u32 op = MICA_PKT_HDR_OPCODE(hdr), plen = MICA_PKT_HDR_LEN(hdr);
			const struct mica_packet_info *info = &mica_packet_table[op];
			u64 va;
			u32 i, dw;

			if (MICA_PKT_HDR_RESERVED(hdr))
				return reject(&s, DRM_MICA_REJECT_CS_RESERVED_BITS,
					      "packet header bits 31:24 set");
			if (!info->valid)
				return reject(&s, DRM_MICA_REJECT_CS_BAD_OPCODE, "unknown packet opcode");
			if (info->priv) {
				s.rej->offset = s.pos;
				return mica_reject_set(rej, DRM_MICA_REJECT_CS_PRIV_PACKET,
						       "%s is only legal in the kernel ring",
						       info->name);
			}
			if (limits->queue_type == DRM_MICA_CTX_COPY && !copy_queue_allows(op)) {
				s.rej->offset = s.pos;
				return mica_reject_set(rej, DRM_MICA_REJECT_CS_QUEUE_TYPE,
						       "%s not allowed on a copy queue",
						       info->name);
			}
			if (plen < info->len_min || plen > info->len_max) {
				s.rej->offset = s.pos;
				return mica_reject_set(rej, DRM_MICA_REJECT_CS_BAD_LENGTH,
						       "%s with %u payload dwords (allowed %u..%u)",
						       info->name, plen, info->len_min,
						       info->len_max);
			}
			if (plen > len - s.pos - 1) {
				s.rej->offset = s.pos;
				return mica_reject_set(rej, DRM_MICA_REJECT_CS_TRUNCATED,
						       "%s runs past the end of the buffer",
						       info->name);
			}
			s.p = &out[s.pos + 1];

			if (op != MICA_PKT_CHAIN) {
				ret = check_packet(&s, op, plen);
				if (ret)
					return ret;
				s.pos += 1 + plen;
				continue;
			}

			/*
			 * CHAIN: the rest of this buffer is dead; the target is copied in its
			 * place, so the device sees one flat, validated stream and no CHAIN.
			 */
			va = payload_u64(s.p, MICA_PKT_CHAIN_ADDR_LO);
			dw = s.p[MICA_PKT_CHAIN_DWORDS];
			if (++depth > limits->max_chain_depth || nseen >= ARRAY_SIZE(seen)) {
				s.rej->offset = s.pos;
				return mica_reject_set(rej, DRM_MICA_REJECT_CS_CHAIN_DEPTH,
						       "more than %u CHAINs",
						       limits->max_chain_depth);
			}
			for (i = 0; i < nseen; i++) {
				if (seen[i] == va) {
					s.rej->offset = s.pos;
					return mica_reject_set(rej, DRM_MICA_REJECT_CS_CHAIN_LOOP,
							       "CHAIN back to 0x%llx",
							       (unsigned long long)va);
				}
			}
			seen[nseen++] = va;
			len = s.pos;
			ret = fetch_segment(&s, va, dw, out, &len, "CHAIN target");
			if (ret)
				return ret;
		}
	}
	*out_dwords = len;
	return 0;
}
