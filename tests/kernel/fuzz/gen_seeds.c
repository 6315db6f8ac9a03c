// SPDX-License-Identifier: MIT
/*
 * Writes the fuzzer's seed corpus (one file per seed) into the directory given as argv[1]:
 * valid and invalid command streams and shader binaries, built from the generated names.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mica_isa.h"

#define CMD_VA 0x100000u
#define DATA_VA 0x200000u
#define CODE_VA 0x400000u

static const char *dir;

static void put(const char *name, uint8_t sel, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return;
	}
	fwrite(&sel, 1, 1, f);
	fwrite(p, 1, n, f);
	fclose(f);
}

/* A command-stream seed: dword 0 is the length, then the stream (at CMD_VA + 4). */
static void cs(const char *name, uint8_t sel, const uint32_t *dw, uint32_t n)
{
	uint32_t buf[256];

	buf[0] = n;
	memcpy(buf + 1, dw, n * 4);
	put(name, sel, buf, (n + 1) * 4);
}

static uint64_t enc(unsigned opcode, const uint16_t *opnd, int32_t imm)
{
	struct mica_inst in;
	uint64_t w[2] = { 0, 0 };
	unsigned i;

	memset(&in, 0, sizeof(in));
	in.info = mica_op_lookup(opcode);
	for (i = 0; i < 4; i++)
		in.opnd[i] = opnd ? opnd[i] : MICA_OPND_NONE;
	in.imm = imm;
	mica_encode(&in, w);
	return w[0];
}

static void shader(const char *name, const uint64_t *code, uint32_t ncode, uint16_t profile)
{
	uint8_t buf[1024];
	struct mica_bin_header h;
	struct mica_bin_entry e;
	uint32_t code_off = 128;
	uint32_t strtab_off = MICA_BIN_HEADER_SIZE + MICA_BIN_ENTRY_SIZE; /* one byte: "" */

	memset(buf, 0, sizeof(buf));
	memset(&h, 0, sizeof(h));
	memset(&e, 0, sizeof(e));
	h.magic = MICA_BIN_MAGIC;
	h.version_major = MICA_BIN_VERSION_MAJOR;
	h.header_size = MICA_BIN_HEADER_SIZE;
	h.file_size = code_off + ncode * 8;
	h.target_revision = MICA_REV_R2;
	h.power_profile = profile;
	h.code_offset = code_off;
	h.code_size = ncode * 8;
	h.entry_offset = MICA_BIN_HEADER_SIZE;
	h.entry_count = 1;
	h.strtab_offset = strtab_off;
	h.strtab_size = 1;
	e.vgpr_count = 16;
	e.sgpr_count = 32;
	e.wg_size_x = 32;
	e.wg_size_y = 1;
	e.wg_size_z = 1;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + MICA_BIN_HEADER_SIZE, &e, sizeof(e));
	memcpy(buf + code_off, code, ncode * 8);
	put(name, 1, buf, h.file_size);
}

int main(int argc, char **argv)
{
	const uint16_t store[4] = { MICA_OPND_NONE, 1, MICA_OPND_SGPR_FIRST, 2 };
	const uint16_t mov[4] = { 2, MICA_OPND_LANE_ID, MICA_OPND_NONE, MICA_OPND_NONE };
	uint32_t chain_at = CMD_VA + 4 + 16 * 4;

	if (argc < 2)
		return 2;
	dir = argv[1];
	{
		uint32_t s[] = { MICA_PKT_HEADER(MICA_PKT_WRITE_DATA, 3), DATA_VA, 0, 1,
				 MICA_PKT_HEADER(MICA_PKT_DMA_FILL, 4), DATA_VA, 0, 7, 64,
				 MICA_PKT_HEADER(MICA_PKT_DMA_COPY, 5), DATA_VA, 0, DATA_VA + 4096, 0, 64,
				 MICA_PKT_HEADER(MICA_PKT_SIGNAL, 5), DATA_VA, 0, 1, 0, 0 };
		cs("cs-copy-ops", 0, s, sizeof(s) / 4);
		cs("copyq-ops", 2, s, sizeof(s) / 4);
	}
	{
		/* DMA_COPY_TILED (payload order of mica.toml): 16 x 8 RGBA8 texels from a LINEAR buffer
		 * at DATA into an OPTIMAL image at DATA + 4 KiB; then huge extents; then the image
		 * through the second mapping of the same memory, overlapping the buffer. */
		uint32_t s[] = { MICA_PKT_HEADER(MICA_PKT_DMA_COPY_TILED, 16), DATA_VA, 0, DATA_VA + 4096, 0,
				 64, 256, 0, 0, 0, 0, 0, 0, 16, 8, 1, 4 | (1u << 9) };
		cs("cs-tiled-dma", 0, s, sizeof(s) / 4);
		cs("copyq-tiled-dma", 2, s, sizeof(s) / 4);
		s[13] = s[14] = s[15] = 0xffffffffu;
		cs("cs-tiled-dma-huge", 0, s, sizeof(s) / 4);
		s[13] = 16;
		s[14] = 8;
		s[15] = 1;
		s[3] = 0x300000u; /* the fuzzer's ALIAS_VA: the buffer's own bytes */
		cs("cs-tiled-dma-alias", 0, s, sizeof(s) / 4);
	}
	{
		uint32_t s[] = { MICA_PKT_HEADER(MICA_PKT_SET_PROGRAM, 4), CODE_VA, 0, 8, 8,
				 MICA_PKT_HEADER(MICA_PKT_SET_USER_DATA, 3), 0, DATA_VA, 0,
				 MICA_PKT_HEADER(MICA_PKT_SET_WORKGROUP_SIZE, 3), 32, 1, 1,
				 MICA_PKT_HEADER(MICA_PKT_DISPATCH, 3), 1, 1, 1,
				 MICA_PKT_HEADER(MICA_PKT_LOAD_USER_DATA, 4), 4, 3, DATA_VA, 0,
				 MICA_PKT_HEADER(MICA_PKT_DISPATCH_INDIRECT, 2), DATA_VA, 0 };
		cs("cs-dispatch", 0, s, sizeof(s) / 4);
	}
	{
		uint32_t s[32] = { MICA_PKT_HEADER(MICA_PKT_NOP, 0),
				   MICA_PKT_HEADER(MICA_PKT_CHAIN, 3), chain_at, 0, 4 };
		s[16] = MICA_PKT_HEADER(MICA_PKT_TIMESTAMP, 2);
		s[17] = DATA_VA;
		s[19] = MICA_PKT_HEADER(MICA_PKT_NOP, 0);
		cs("cs-chain", 0, s, 20);
		s[2] = CMD_VA + 4;
		cs("cs-chain-loop", 0, s, 5);
	}
	{
		uint32_t s[] = { MICA_PKT_HEADER(MICA_PKT_SET_PAGE_TABLE, 3), 1, 0, 0 };
		cs("cs-priv", 0, s, 4);
	}
	{
		uint64_t code[] = { enc(MICA_OP_S_NOP, NULL, 3), enc(MICA_OP_V_MOV_B32, mov, 0),
				    enc(MICA_OP_V_MOV_B32, mov, 0), enc(MICA_OP_GLOBAL_STORE_B32, store, 0),
				    enc(MICA_OP_S_ENDPGM, NULL, 0) };
		shader("sh-valid", code, 5, MICA_PROFILE_PERF);
		shader("sh-lowpower", code, 5, MICA_PROFILE_LOWPOWER);
		code[0] = enc(MICA_OP_S_NOP, NULL, 0);
		shader("sh-no-workaround", code, 5, MICA_PROFILE_PERF);
		code[0] = enc(MICA_OP_S_BRANCH, NULL, -8);
		shader("sh-branch", code, 5, MICA_PROFILE_PERF);
		code[4] = enc(MICA_OP_S_HALT, NULL, 0);
		shader("sh-priv", code, 5, MICA_PROFILE_PERF);
	}
	return 0;
}
