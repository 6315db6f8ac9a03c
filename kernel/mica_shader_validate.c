// SPDX-License-Identifier: MIT
/*
 * Shader binary validator. Checks, in order: the header and every section's bounds; the target
 * revision and power profile (a mismatch is -ENOEXEC so user space recompiles); the entry records;
 * then a linear decode of the whole code section with the shared decoder (mica_decode), which
 * rejects undecodable words and privileged instructions and records instruction starts; then
 * branch targets (inside the code, on an instruction start), fall-through off the end, the
 * registers reachable from each entry against its declared counts, and the SEC_WAVE_START_TLB
 * workaround from every entry point.
 *
 * There are no indirect branches in the ISA, so once every static branch target and entry point
 * is an instruction start inside the code, the set of instructions that can execute is exactly
 * the set decoded here.
 */
#include "mica_shader_validate.h"
#include "mica_isa.h"

struct sh_state {
	const u8 *bin;
	size_t size;
	struct mica_reject *rej;
	struct mica_shader_info *info;
	u8 *starts;		/* bitmap over code words: an instruction begins here */
	u32 nwords;
	u8 *seen;		/* bitmap over code words: reached from the current entry */
	u32 *stack;		/* worklist of the control-flow walk */
};

static u32 rd32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) | ((u32)p[3] << 24);
}

static u16 rd16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

static u64 rd64(const u8 *p)
{
	return (u64)rd32(p) | ((u64)rd32(p + 4) << 32);
}

static bool is_start(const struct sh_state *s, u32 word)
{
	return word < s->nwords && (s->starts[word / 8] >> (word % 8)) & 1;
}

/* A section [off, off + size) must lie in the file and be aligned. */
static int check_section(struct sh_state *s, const char *name, u32 off, u32 size, u32 align)
{
	u64 end = (u64)off + size;

	if (!size && off) {
		s->rej->offset = off;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_SECTION,
				       "empty %s section with offset %u (must be 0)", name, off);
	}
	if (end > s->size || (size && off < MICA_BIN_HEADER_SIZE) || off % align) {
		s->rej->offset = off;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_SECTION,
				       "%s section [%u, +%u) outside the file or not %u-aligned",
				       name, off, size, align);
	}
	return 0;
}

/* No byte of the file belongs to two sections (binary-format.md, "Section rules"). */
static int check_overlap(struct sh_state *s, const struct mica_bin_header *h)
{
	const struct {
		const char *name;
		u64 off, size;
	} sec[] = {
		{ "entry", h->entry_offset, (u64)h->entry_count * MICA_BIN_ENTRY_SIZE },
		{ "code", h->code_offset, h->code_size },
		{ "const", h->const_offset, h->const_size },
		{ "strtab", h->strtab_offset, h->strtab_size },
		{ "debug", h->debug_offset, h->debug_size },
	};
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(sec); i++) {
		for (j = i + 1; j < ARRAY_SIZE(sec); j++) {
			if (!sec[i].size || !sec[j].size)
				continue;
			if (sec[i].off < sec[j].off + sec[j].size &&
			    sec[j].off < sec[i].off + sec[i].size) {
				s->rej->offset = (u32)max_t(u64, sec[i].off, sec[j].off);
				return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_SECTION,
						       "%s and %s sections overlap", sec[i].name,
						       sec[j].name);
			}
		}
	}
	return 0;
}

static int check_header(struct sh_state *s, u32 revision, u32 profile)
{
	const u8 *h = s->bin;
	struct mica_shader_info *info = s->info;
	struct mica_bin_header hdr;
	int ret;

	if (s->size < MICA_BIN_HEADER_SIZE)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_HEADER,
				       "%zu bytes: shorter than the header", s->size);
	hdr.magic = rd32(h + offsetof(struct mica_bin_header, magic));
	hdr.version_major = rd16(h + offsetof(struct mica_bin_header, version_major));
	hdr.version_minor = rd16(h + offsetof(struct mica_bin_header, version_minor));
	hdr.header_size = rd32(h + offsetof(struct mica_bin_header, header_size));
	hdr.file_size = rd32(h + offsetof(struct mica_bin_header, file_size));
	hdr.target_revision = rd16(h + offsetof(struct mica_bin_header, target_revision));
	hdr.power_profile = rd16(h + offsetof(struct mica_bin_header, power_profile));
	hdr.flags = rd32(h + offsetof(struct mica_bin_header, flags));
	hdr.code_offset = rd32(h + offsetof(struct mica_bin_header, code_offset));
	hdr.code_size = rd32(h + offsetof(struct mica_bin_header, code_size));
	hdr.const_offset = rd32(h + offsetof(struct mica_bin_header, const_offset));
	hdr.const_size = rd32(h + offsetof(struct mica_bin_header, const_size));
	hdr.entry_offset = rd32(h + offsetof(struct mica_bin_header, entry_offset));
	hdr.entry_count = rd32(h + offsetof(struct mica_bin_header, entry_count));
	hdr.strtab_offset = rd32(h + offsetof(struct mica_bin_header, strtab_offset));
	hdr.strtab_size = rd32(h + offsetof(struct mica_bin_header, strtab_size));
	hdr.debug_offset = rd32(h + offsetof(struct mica_bin_header, debug_offset));
	hdr.debug_size = rd32(h + offsetof(struct mica_bin_header, debug_size));

	if (hdr.magic != MICA_BIN_MAGIC)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_HEADER, "bad magic 0x%08x",
				       hdr.magic);
	if (hdr.version_major != MICA_BIN_VERSION_MAJOR)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_HEADER,
				       "format version %u, expected %u", hdr.version_major,
				       MICA_BIN_VERSION_MAJOR);
	if (hdr.version_minor > MICA_BIN_VERSION_MINOR)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_HEADER,
				       "format version %u.%u is newer than %u.%u",
				       hdr.version_major, hdr.version_minor, MICA_BIN_VERSION_MAJOR,
				       MICA_BIN_VERSION_MINOR);
	/* A header of another size is a format this reader does not know: what it would skip
	 * (or read as sections) was never defined.
	 */
	if (hdr.header_size != MICA_BIN_HEADER_SIZE)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_HEADER, "header_size %u",
				       hdr.header_size);
	if (hdr.file_size != s->size)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_HEADER,
				       "file_size %u but %zu bytes given", hdr.file_size, s->size);
	if (hdr.flags)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_HEADER, "unknown flags 0x%x",
				       hdr.flags);

	ret = check_section(s, "code", hdr.code_offset, hdr.code_size, MICA_INSTRUCTION_BYTES);
	if (!ret)
		ret = check_section(s, "const", hdr.const_offset, hdr.const_size, 1);
	if (!ret && hdr.entry_count > MICA_MAX_SHADER_ENTRIES)
		ret = mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY, "%u entries (max %u)",
				      hdr.entry_count, MICA_MAX_SHADER_ENTRIES);
	if (!ret)
		ret = check_section(s, "entry", hdr.entry_offset,
				    hdr.entry_count * MICA_BIN_ENTRY_SIZE, 4);
	if (!ret)
		ret = check_section(s, "strtab", hdr.strtab_offset, hdr.strtab_size, 1);
	if (!ret)
		ret = check_section(s, "debug", hdr.debug_offset, hdr.debug_size, 4);
	if (!ret)
		ret = check_overlap(s, &hdr);
	if (ret)
		return ret;
	if (hdr.debug_size % MICA_BIN_DEBUG_LINE_SIZE)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_SECTION,
				       "debug section not a whole number of records");
	if (!hdr.code_size || hdr.code_size % MICA_INSTRUCTION_BYTES)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_SECTION,
				       "code size %u not a non-zero multiple of %u", hdr.code_size,
				       MICA_INSTRUCTION_BYTES);
	if (!hdr.entry_count)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY, "no entry points");

	/* Scheduled for another chip or profile: distinct errno, user space recompiles. */
	if (hdr.target_revision != revision)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_WRONG_REVISION,
				       "built for revision %u, device is revision %u",
				       hdr.target_revision, revision);
	if (hdr.power_profile != profile)
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_WRONG_PROFILE,
				       "scheduled for power profile %u, active profile is %u",
				       hdr.power_profile, profile);

	info->revision = revision;
	info->profile = profile;
	info->code_offset = hdr.code_offset;
	info->code_size = hdr.code_size;
	info->const_offset = hdr.const_offset;
	info->const_size = hdr.const_size;
	info->const_bo_offset = MICA_ALIGN_UP(hdr.code_size, MICA_CODE_ALIGNMENT);
	info->entry_count = hdr.entry_count;
	/* Entries are read below, once the code is decoded. */
	s->rej->offset = hdr.entry_offset;
	return 0;
}

/* The NUL-terminated name at strtab[name], or NULL if it does not end inside the table. */
static const char *entry_name(const struct sh_state *s, u32 strtab_offset, u32 strtab_size,
			      u32 name)
{
	const u8 *str = s->bin + strtab_offset;

	if (name >= strtab_size || !memchr(str + name, 0, strtab_size - name))
		return NULL;
	return (const char *)str + name;
}

/* Debug records: inside the code at instruction starts, sorted (binary-format.md). */
static int check_debug(struct sh_state *s, u32 debug_offset, u32 debug_size)
{
	u32 i, prev = 0;

	for (i = 0; i < debug_size / MICA_BIN_DEBUG_LINE_SIZE; i++) {
		const u8 *d = s->bin + debug_offset + i * MICA_BIN_DEBUG_LINE_SIZE;
		u32 off = rd32(d + offsetof(struct mica_bin_debug_line, code_offset));

		s->rej->offset = debug_offset + i * MICA_BIN_DEBUG_LINE_SIZE;
		if (off % MICA_INSTRUCTION_BYTES || !is_start(s, off / MICA_INSTRUCTION_BYTES))
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_SECTION,
					       "debug line %u at code offset %u: not an instruction start",
					       i, off);
		if (off < prev)
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_SECTION,
					       "debug line %u not sorted by code offset", i);
		prev = off;
	}
	return 0;
}

static int check_entries(struct sh_state *s, u32 entry_offset, u32 strtab_offset, u32 strtab_size)
{
	static const u32 dim_max[3] = { MICA_MAX_WORKGROUP_DIM_X, MICA_MAX_WORKGROUP_DIM_Y,
					MICA_MAX_WORKGROUP_DIM_Z };
	u32 i, d;

	for (i = 0; i < s->info->entry_count; i++) {
		const u8 *e = s->bin + entry_offset + i * MICA_BIN_ENTRY_SIZE;
		struct mica_shader_entry *out = &s->info->entries[i];
		u32 name = rd32(e + offsetof(struct mica_bin_entry, name));
		u32 wg[3];
		u64 product = 1;

		s->rej->offset = entry_offset + i * MICA_BIN_ENTRY_SIZE;
		out->code_offset = rd32(e + offsetof(struct mica_bin_entry, code_offset));
		out->vgpr_count = rd16(e + offsetof(struct mica_bin_entry, vgpr_count));
		out->sgpr_count = rd16(e + offsetof(struct mica_bin_entry, sgpr_count));
		out->shared_bytes = rd32(e + offsetof(struct mica_bin_entry, shared_bytes));
		wg[0] = rd16(e + offsetof(struct mica_bin_entry, wg_size_x));
		wg[1] = rd16(e + offsetof(struct mica_bin_entry, wg_size_y));
		wg[2] = rd16(e + offsetof(struct mica_bin_entry, wg_size_z));

		if (!entry_name(s, strtab_offset, strtab_size, name))
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY,
					       "entry %u name not a NUL-terminated string of the string table",
					       i);
		for (d = 0; d < i; d++) {
			const u8 *o = s->bin + entry_offset + d * MICA_BIN_ENTRY_SIZE;

			if (!strcmp(entry_name(s, strtab_offset, strtab_size,
					       rd32(o + offsetof(struct mica_bin_entry, name))),
				    entry_name(s, strtab_offset, strtab_size, name)))
				return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY,
						       "entry %u has the name of entry %u", i, d);
		}
		if (rd32(e + offsetof(struct mica_bin_entry, reserved)))
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY,
					       "entry %u reserved field set", i);
		if (out->code_offset % MICA_CODE_ALIGNMENT ||
		    !is_start(s, out->code_offset / MICA_INSTRUCTION_BYTES))
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY,
					       "entry %u at code offset %u: not an aligned instruction start",
					       i, out->code_offset);
		if (out->vgpr_count > MICA_VGPRS_PER_WAVE ||
		    out->sgpr_count > MICA_SGPRS_PER_WAVE ||
		    out->shared_bytes > MICA_MAX_SHARED_BYTES)
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY,
					       "entry %u resource counts above the hardware's", i);
		for (d = 0; d < 3; d++) {
			if (wg[d] < 1 || wg[d] > dim_max[d])
				return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY,
						       "entry %u workgroup size out of range", i);
			product *= wg[d];
		}
		if (product > MICA_MAX_WORKGROUP_INVOCATIONS)
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_ENTRY,
					       "entry %u workgroup too large", i);
	}
	return 0;
}

/* Registers an instruction touches: one past the highest VGPR and SGPR index. */
static void note_regs(const struct mica_inst *inst, u32 *max_vgpr, u32 *max_sgpr)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		unsigned int regs = mica_inst_opnd_regs(inst, i);
		u32 raw = inst->opnd[i];

		if (!regs)
			continue;
		switch (mica_opnd_classify(raw)) {
		case MICA_OC_VGPR:
			*max_vgpr = max_t(u32, *max_vgpr, raw - MICA_OPND_VGPR_FIRST + regs);
			break;
		case MICA_OC_SGPR:
			*max_sgpr = max_t(u32, *max_sgpr, raw - MICA_OPND_SGPR_FIRST + regs);
			break;
		default:
			break;
		}
	}
}

/*
 * Every instruction reachable from an entry (fall-through and static branch targets; there are
 * no indirect branches) must stay inside the registers the entry declares, or a wave could touch
 * registers the hardware gave to another wave.
 */
static int check_entry_regs(struct sh_state *s, const u64 *code, u32 entry)
{
	const struct mica_shader_entry *e = &s->info->entries[entry];
	u32 sp = 0, max_vgpr = 0, max_sgpr = 0;
	struct mica_inst inst;

	memset(s->seen, 0, s->nwords / 8 + 1);
	s->stack[sp++] = e->code_offset / MICA_INSTRUCTION_BYTES;
	while (sp) {
		u32 w = s->stack[--sp];

		if ((s->seen[w / 8] >> (w % 8)) & 1)
			continue;
		s->seen[w / 8] |= (u8)(1u << (w % 8));
		mica_decode(code + w, s->nwords - w, &inst, NULL);
		note_regs(&inst, &max_vgpr, &max_sgpr);
		if (inst.info->flags & MICA_OPF_BRANCH)
			s->stack[sp++] = (u32)(((s64)w * MICA_INSTRUCTION_BYTES +
						MICA_INSTRUCTION_BYTES + inst.imm) /
					       MICA_INSTRUCTION_BYTES);
		if (!(inst.info->flags & MICA_OPF_END) &&
		    !((inst.info->flags & MICA_OPF_BRANCH) &&
		      !(inst.info->flags & MICA_OPF_COND)) &&
		    w + inst.words < s->nwords)
			s->stack[sp++] = w + inst.words;
	}
	if (max_vgpr > e->vgpr_count || max_sgpr > e->sgpr_count) {
		s->rej->offset = e->code_offset;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_REG_COUNT,
				       "entry %u declares %u VGPRs/%u SGPRs, reachable code uses %u/%u",
				       entry, e->vgpr_count, e->sgpr_count, max_vgpr, max_sgpr);
	}
	return 0;
}

/* Pass 1: linear decode of every word. */
static int decode_all(struct sh_state *s, const u64 *code)
{
	struct mica_inst inst;
	u32 w = 0;

	while (w < s->nwords) {
		unsigned int field = 0;
		int st = mica_decode(code + w, s->nwords - w, &inst, &field);

		s->rej->offset = w * MICA_INSTRUCTION_BYTES;
		if (st)
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_UNDECODABLE,
					       "word 0x%016llx: %s (field %u)",
					       (unsigned long long)code[w],
					       mica_decode_status_name(st), field);
		if (inst.info->flags & MICA_OPF_PRIV)
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_PRIV_INSTRUCTION,
					       "privileged instruction %s", inst.info->name);
		s->starts[w / 8] |= (u8)(1u << (w % 8));
		w += inst.words;
	}
	return 0;
}

/* Pass 2: control flow. */
static int check_flow(struct sh_state *s, const u64 *code)
{
	struct mica_inst inst;
	u32 w, last = 0;

	for (w = 0; w < s->nwords; w += inst.words) {
		mica_decode(code + w, s->nwords - w, &inst, NULL);
		last = w;
		if (inst.info->flags & MICA_OPF_BRANCH) {
			s64 target = (s64)w * MICA_INSTRUCTION_BYTES + MICA_INSTRUCTION_BYTES +
				     inst.imm;

			s->rej->offset = w * MICA_INSTRUCTION_BYTES;
			if (target < 0 || target % MICA_INSTRUCTION_BYTES ||
			    !is_start(s, (u32)(target / MICA_INSTRUCTION_BYTES)))
				return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_BRANCH_TARGET,
						       "%s to byte %lld: not an instruction of the program",
						       inst.info->name, (long long)target);
		}
	}
	mica_decode(code + last, s->nwords - last, &inst, NULL);
	if (!(inst.info->flags & MICA_OPF_END) &&
	    !((inst.info->flags & MICA_OPF_BRANCH) && !(inst.info->flags & MICA_OPF_COND))) {
		s->rej->offset = last * MICA_INSTRUCTION_BYTES;
		return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_FALLS_OFF_END,
				       "last instruction %s can fall through past the code",
				       inst.info->name);
	}
	return 0;
}

/*
 * SEC_WAVE_START_TLB: a memory instruction issued fewer than the hazard's distance cycles after
 * launch is translated with the previous context's page table. Require that no memory
 * instruction (global or s_load) and no branch (which could reach one) issues in the first
 * cycles from any entry point. Each instruction issues in one cycle, s_nop N in N + 1.
 */
static int check_wave_start(struct sh_state *s, const u64 *code, u32 entry)
{
	u32 w = s->info->entries[entry].code_offset / MICA_INSTRUCTION_BYTES;
	u64 cycle = 0;
	struct mica_inst inst;

	while (cycle < MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE && w < s->nwords) {
		mica_decode(code + w, s->nwords - w, &inst, NULL);
		s->rej->offset = w * MICA_INSTRUCTION_BYTES;
		if (inst.info->unit == MICA_UNIT_VMEM || inst.info->unit == MICA_UNIT_SMEM ||
		    (inst.info->flags & MICA_OPF_BRANCH))
			return mica_reject_set(s->rej, DRM_MICA_REJECT_SH_WAVE_START_TLB,
					       "entry %u: %s issues at cycle %llu, needs %u cycles after launch (SEC_WAVE_START_TLB)",
					       entry, inst.info->name, (unsigned long long)cycle,
					       MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE);
		if (inst.info->flags & MICA_OPF_END)
			return 0;
		if (inst.info->opcode == MICA_OP_S_NOP && inst.imm >= 0)
			cycle += (u64)inst.imm + 1;
		else
			cycle += 1;
		w += inst.words;
	}
	return 0;
}

int mica_shader_validate(const u8 *bin, size_t size, u32 revision, u32 profile,
			 struct mica_shader_info *info, struct mica_reject *rej)
{
	struct sh_state s = { .bin = bin, .size = size, .rej = rej, .info = info };
	u64 *code = NULL;
	u32 i, entry_offset, strtab_offset, strtab_size;
	int ret;

	memset(info, 0, sizeof(*info));
	rej->reason = DRM_MICA_REJECT_NONE;
	rej->offset = 0;
	rej->msg[0] = '\0';
	if (size > MICA_MAX_SHADER_BYTES) {
		mica_reject_set(rej, DRM_MICA_REJECT_SH_HEADER, "%zu bytes: larger than %u", size,
				MICA_MAX_SHADER_BYTES);
		return -E2BIG;
	}
	ret = check_header(&s, revision, profile);
	if (ret)
		return ret;
	entry_offset = rd32(bin + offsetof(struct mica_bin_header, entry_offset));
	strtab_offset = rd32(bin + offsetof(struct mica_bin_header, strtab_offset));
	strtab_size = rd32(bin + offsetof(struct mica_bin_header, strtab_size));

	s.nwords = info->code_size / MICA_INSTRUCTION_BYTES;
	/* Aligned, host-endian copy of the code words (the file is little endian). */
	code = kvcalloc(s.nwords, sizeof(u64), GFP_KERNEL);
	s.starts = kvzalloc(s.nwords / 8 + 1, GFP_KERNEL);
	s.seen = kvzalloc(s.nwords / 8 + 1, GFP_KERNEL);
	/* Each reached instruction pushes at most two successors. */
	s.stack = kvcalloc(2 * (size_t)s.nwords + 2, sizeof(u32), GFP_KERNEL);
	if (!code || !s.starts || !s.seen || !s.stack) {
		ret = -ENOMEM;
		mica_reject_set(rej, DRM_MICA_REJECT_NONE, "out of memory");
		goto out;
	}
	for (i = 0; i < s.nwords; i++)
		code[i] = rd64(bin + info->code_offset + (size_t)i * MICA_INSTRUCTION_BYTES);

	ret = decode_all(&s, code);
	if (!ret)
		ret = check_flow(&s, code);
	if (!ret)
		ret = check_entries(&s, entry_offset, strtab_offset, strtab_size);
	if (!ret)
		ret = check_debug(&s, rd32(bin + offsetof(struct mica_bin_header, debug_offset)),
				  rd32(bin + offsetof(struct mica_bin_header, debug_size)));
	for (i = 0; !ret && i < info->entry_count; i++)
		ret = check_entry_regs(&s, code, i);
	for (i = 0; !ret && i < info->entry_count; i++)
		ret = check_wave_start(&s, code, i);
out:
	kvfree(s.stack);
	kvfree(s.seen);
	kvfree(s.starts);
	kvfree(code);
	return ret;
}
