// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the kernel validators (kernel/ C files only).
 *
 * Input byte 0 selects the target:
 *   even: command streams. The rest of the input is memory mapped read-only at CMD_VA (what the
 *         submit reads, including CHAIN targets); dword 0 of it is the submitted length. A fake
 *         VM adds a read-write data mapping, a second mapping of the same memory, and a shader
 *         mapping with one entry point.
 *   odd:  shader binaries, validated for revision r2 / profile perf.
 * Oracles (abort on violation, besides ASan/UBSan): an accepted command stream, re-parsed,
 * contains only allow-listed unprivileged packets of legal length, no CHAIN, and fills the copy
 * exactly; an accepted binary decodes at every recorded entry, with no privileged instruction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mica_cs_validate.h"
#include "mica_dma.h"
#include "mica_isa.h"
#include "mica_shader_validate.h"

#define CMD_VA 0x100000ull
#define DATA_VA 0x200000ull
#define ALIAS_VA 0x300000ull
#define CODE_VA 0x400000ull
#define DATA_BYTES 0x10000ull
#define CODE_BYTES 0x1000ull
#define MAX_DWORDS 4096u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake_vm {
	const uint8_t *mem;
	uint64_t mem_bytes;
};

static u32 fz_check_range(void *priv, u64 va, u64 size, u32 perms, u64 *backing, u64 *off)
{
	struct fake_vm *vm = priv;
	struct {
		u64 va, size;
		u32 perms;
		u64 backing;
	} maps[] = {
		{ CMD_VA, vm->mem_bytes, DRM_MICA_BIND_READ, 1 },
		{ DATA_VA, DATA_BYTES, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE, 2 },
		{ ALIAS_VA, DATA_BYTES, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE, 2 },
		{ CODE_VA, CODE_BYTES, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC, 3 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		if (va >= maps[i].va && va - maps[i].va < maps[i].size &&
		    size <= maps[i].size - (va - maps[i].va)) {
			if ((maps[i].perms & perms) != perms)
				return DRM_MICA_REJECT_CS_ADDR_PERM;
			*backing = maps[i].backing;
			*off = va - maps[i].va;
			return 0;
		}
	}
	return DRM_MICA_REJECT_CS_ADDR_UNMAPPED;
}

static u32 fz_check_program(void *priv, u64 va, u32 vgprs, u32 sgprs, char *msg, size_t len)
{
	(void)priv;
	(void)msg;
	(void)len;
	if (va != CODE_VA)
		return DRM_MICA_REJECT_CS_NOT_ENTRY;
	return vgprs >= 8 && sgprs >= 8 ? 0 : DRM_MICA_REJECT_CS_REG_COUNT;
}

static void fz_fetch(void *priv, u64 va, u32 dwords, u32 *dst)
{
	struct fake_vm *vm = priv;

	/* check_range() succeeded on CMD_VA for these bytes (the only readable memory we model
	 * with contents; other readable mappings read as zero). */
	if (va >= CMD_VA && va - CMD_VA + (u64)dwords * 4 <= vm->mem_bytes)
		memcpy(dst, vm->mem + (va - CMD_VA), (size_t)dwords * 4);
	else
		memset(dst, 0, (size_t)dwords * 4);
}

/* Whether [first, end) lies in the data memory (DATA or its ALIAS); *off is the offset in it. */
static int in_data(u64 first, u64 end, u64 *off)
{
	const u64 bases[] = { DATA_VA, ALIAS_VA };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (first >= bases[i] && end <= bases[i] + DATA_BYTES) {
			*off = first - bases[i];
			return 1;
		}
	}
	return 0;
}

/*
 * An accepted DMA_COPY_TILED is one the device runs without a malformed-packet fault, copies
 * something, writes only inside the writable data memory, reads only inside one mapping, and its
 * two footprints are disjoint in memory (DATA and ALIAS are the same memory).
 */
static void check_tiled(const u32 *payload)
{
	struct mica_dma_tiled c;
	u64 sf, se, df, de, so = 0, dof = 0;
	int src_data;

	mica_dma_tiled_unpack(payload, &c);
	if (mica_dma_tiled_check(&c) != MICA_DMA_TILED_OK || !c.width || !c.height || !c.depth)
		abort();
	mica_dma_tiled_footprint(&c, &c.src, &sf, &se);
	mica_dma_tiled_footprint(&c, &c.dst, &df, &de);
	if (sf >= se || df >= de || !in_data(df, de, &dof))
		abort();
	src_data = in_data(sf, se, &so);
	if (!src_data && !(sf >= CMD_VA && se <= CMD_VA + 0x100000) && !(sf >= CODE_VA && se <= CODE_VA + CODE_BYTES))
		abort();
	if (src_data && so < dof + (de - df) && dof < so + (se - sf))
		abort();
}

static void check_copy(const u32 *out, u32 n, u32 queue)
{
	u32 pos = 0;

	while (pos < n) {
		u32 h = out[pos], op = MICA_PKT_HDR_OPCODE(h), len = MICA_PKT_HDR_LEN(h);
		const struct mica_packet_info *info = &mica_packet_table[op];

		if (MICA_PKT_HDR_RESERVED(h) || !info->valid || info->priv || op == MICA_PKT_CHAIN ||
		    len < info->len_min || len > info->len_max || len > n - pos - 1)
			abort();
		if (op == MICA_PKT_SIGNAL && out[pos + 1 + MICA_PKT_SIGNAL_FLAGS])
			abort();
		if (op == MICA_PKT_DMA_COPY_TILED)
			check_tiled(out + pos + 1);
		if (queue == DRM_MICA_CTX_COPY && (op == MICA_PKT_DISPATCH || op == MICA_PKT_SET_PROGRAM))
			abort();
		pos += 1 + len;
	}
	if (pos != n)
		abort();
}

static void fuzz_cs(const uint8_t *data, size_t size, u32 queue)
{
	static u32 out[MAX_DWORDS];
	struct fake_vm vm = { data, size & ~(size_t)3 };
	struct mica_cs_ops ops = { fz_check_range, fz_check_program, fz_fetch, &vm };
	struct mica_cs_limits limits = { MAX_DWORDS, 8, queue };
	struct mica_cs_buf buf;
	struct mica_reject rej;
	u32 n = 0, first;

	if (vm.mem_bytes < 8)
		return;
	memcpy(&first, data, 4);
	buf.va = CMD_VA + 4;
	buf.dwords = first % (u32)(vm.mem_bytes / 4);
	if (mica_cs_copy_validate(&ops, &limits, &buf, 1, out, &n, &rej) == 0)
		check_copy(out, n, queue);
	else if (rej.reason == DRM_MICA_REJECT_NONE || rej.reason >= DRM_MICA_REJECT_COUNT)
		abort();
}

static void fuzz_shader(const uint8_t *data, size_t size)
{
	static struct mica_shader_info info;
	struct mica_reject rej;
	u32 i;

	if (mica_shader_validate(data, size, MICA_REV_R2, MICA_PROFILE_PERF, &info, &rej)) {
		if (rej.reason >= DRM_MICA_REJECT_COUNT)
			abort();
		return;
	}
	if (!info.entry_count || info.entry_count > MICA_MAX_SHADER_ENTRIES ||
	    (u64)info.code_offset + info.code_size > size)
		abort();
	for (i = 0; i < info.entry_count; i++) {
		const struct mica_shader_entry *e = &info.entries[i];
		u64 words[2] = { 0, 0 };
		struct mica_inst inst;
		size_t avail = (info.code_size - e->code_offset) / 8;

		if (e->code_offset >= info.code_size)
			abort();
		memcpy(words, data + info.code_offset + e->code_offset, avail >= 2 ? 16 : 8);
		if (mica_decode(words, avail >= 2 ? 2 : 1, &inst, NULL) || (inst.info->flags & MICA_OPF_PRIV))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_cs(data + 1, size - 1, DRM_MICA_CTX_COMPUTE);
		break;
	case 1:
		fuzz_shader(data + 1, size - 1);
		break;
	default:
		fuzz_cs(data + 1, size - 1, DRM_MICA_CTX_COPY);
		break;
	}
	return 0;
}
