/* SPDX-License-Identifier: MIT */
/*
 * Shader binary validation: runs once, on a kernel copy of the binary, before the code is
 * loaded into a BO that user space can never write again.
 */
#ifndef MICA_SHADER_VALIDATE_H
#define MICA_SHADER_VALIDATE_H

#include "mica_log.h"

#define MICA_MAX_SHADER_ENTRIES 64u
#define MICA_MAX_SHADER_BYTES (4u << 20)

struct mica_shader_entry {
	u32 code_offset;
	u32 vgpr_count;
	u32 sgpr_count;
	u32 shared_bytes;
};

struct mica_shader_info {
	u32 revision;
	u32 profile;
	u32 code_offset;	/* in the file */
	u32 code_size;
	u32 const_offset;	/* in the file */
	u32 const_size;
	/* where constants go in the BO: align_up(code_size, code_alignment) */
	u32 const_bo_offset;
	u32 entry_count;
	struct mica_shader_entry entries[MICA_MAX_SHADER_ENTRIES];
};

/*
 * Validates the binary bin[0..size) for a device of the given revision running the given power
 * profile. Returns 0 and fills info, or a negative errno (-EINVAL, -EPERM, -ENOEXEC, -E2BIG,
 * -ENOMEM) with rej filled in.
 */
int mica_shader_validate(const u8 *bin, size_t size, u32 revision, u32 profile,
			 struct mica_shader_info *info, struct mica_reject *rej);

#endif /* MICA_SHADER_VALIDATE_H */
