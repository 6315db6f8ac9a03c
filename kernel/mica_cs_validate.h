/* SPDX-License-Identifier: MIT */
/*
 * Command-stream copy and validation. Pure: everything it needs from the VM and the shader
 * registry comes through struct mica_cs_ops, so the same code runs in the driver, the unit tests
 * and the libFuzzer harness.
 */
#ifndef MICA_CS_VALIDATE_H
#define MICA_CS_VALIDATE_H

#include "mica_log.h"

struct mica_cs_ops {
	/*
	 * Checks that [va, va + size) lies inside one mapping of the submitter's VM whose
	 * permissions include perms (DRM_MICA_BIND_*). Returns 0 or
	 * DRM_MICA_REJECT_CS_ADDR_UNMAPPED / _ADDR_PERM. On success *backing names the memory
	 * object behind it and *backing_off the offset of va in it (two ranges overlap physically
	 * iff same backing, overlapping offsets).
	 */
	u32 (*check_range)(void *priv, u64 va, u64 size, u32 perms, u64 *backing, u64 *backing_off);
	/*
	 * SET_PROGRAM: va must be a validated shader entry point mapped executable; the register
	 * counts must cover the entry's; the shader must target the active revision and profile.
	 * Returns 0 or a DRM_MICA_REJECT_CS_* reason (and may fill msg).
	 */
	u32 (*check_program)(void *priv, u64 va, u32 vgprs, u32 sgprs, char *msg, size_t msg_len);
	/* Copies dwords at va (readable, one mapping: the caller checked) into dst. */
	void (*fetch)(void *priv, u64 va, u32 dwords, u32 *dst);
	void *priv;
};

struct mica_cs_limits {
	u32 max_dwords;		/* flattened size */
	u32 max_chain_depth;	/* CHAINs per command buffer */
	u32 queue_type;		/* DRM_MICA_CTX_* */
};

struct mica_cs_buf {
	u64 va;
	u32 dwords;
};

/*
 * Copies the command buffers (following CHAIN into one flat stream) into out[0..limits->max_dwords)
 * and validates the copy, packet by packet. Only the copy is ever parsed, so user space cannot
 * change what was checked. Returns 0 with *out_dwords set, or a negative errno with rej filled in.
 */
int mica_cs_copy_validate(const struct mica_cs_ops *ops, const struct mica_cs_limits *limits,
			  const struct mica_cs_buf *bufs, u32 nbufs, u32 *out, u32 *out_dwords,
			  struct mica_reject *rej);

#endif /* MICA_CS_VALIDATE_H */
