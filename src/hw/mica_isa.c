// SPDX-License-Identifier: MIT
/*
 * Mica instruction decoder/encoder. Kernel-style portable C: no allocation, no libc beyond the
 * fixed-width types, so the same file builds into the Linux module and into user space.
 */
#include "mica_isa.h"

enum mica_opnd_class mica_opnd_classify(unsigned raw)
{
	if (raw <= MICA_OPND_VGPR_LAST)
		return MICA_OC_VGPR;
	if (raw >= MICA_OPND_SGPR_FIRST && raw <= MICA_OPND_SGPR_LAST)
		return MICA_OC_SGPR;
	switch (raw) {
	case MICA_OPND_EXEC:
		return MICA_OC_EXEC;
	case MICA_OPND_VCC:
		return MICA_OC_VCC;
	case MICA_OPND_SCC:
		return MICA_OC_SCC;
	case MICA_OPND_LANE_ID:
		return MICA_OC_LANE_ID;
	case MICA_OPND_NONE:
		return MICA_OC_NONE;
	case MICA_OPND_LITERAL:
		return MICA_OC_LITERAL;
	default:
		break;
	}
	if (raw >= MICA_OPND_INT_CONST_FIRST && raw <= MICA_OPND_FLOAT_LAST)
		return MICA_OC_CONST;
	return MICA_OC_RESERVED;
}

static unsigned class_allow_bit(enum mica_opnd_class c)
{
	switch (c) {
	case MICA_OC_VGPR: return MICA_ALLOW_VGPR;
	case MICA_OC_SGPR: return MICA_ALLOW_SGPR;
	case MICA_OC_EXEC: return MICA_ALLOW_EXEC;
	case MICA_OC_VCC: return MICA_ALLOW_VCC;
	case MICA_OC_SCC: return MICA_ALLOW_SCC;
	case MICA_OC_LANE_ID: return MICA_ALLOW_LANE_ID;
	case MICA_OC_NONE: return MICA_ALLOW_NONE;
	case MICA_OC_CONST: return MICA_ALLOW_CONST;
	case MICA_OC_LITERAL: return MICA_ALLOW_LITERAL;
	default: return 0;
	}
}

unsigned mica_inst_opnd_regs(const struct mica_inst *inst, unsigned i)
{
	unsigned kind = inst->info->kind[i];

	if (kind == MICA_KIND_UNUSED)
		return 0;
	if (kind == MICA_KIND_GADDR && inst->opnd[2] != MICA_OPND_NONE)
		return 1;
	return mica_kind_table[kind].regs;
}

/* Where each operand column lives in the first word, per format. */
static const uint8_t opnd_shift[3][4] = {
	[MICA_FMT_ALU] = { MICA_ALU_DST_SHIFT, MICA_ALU_SRC0_SHIFT, MICA_ALU_SRC1_SHIFT, MICA_ALU_SRC2_SHIFT },
	[MICA_FMT_MEM] = { MICA_MEM_DST_SHIFT, MICA_MEM_ADDR_SHIFT, MICA_MEM_SADDR_SHIFT, MICA_MEM_DATA_SHIFT },
	[MICA_FMT_CTRL] = { MICA_CTRL_DST_SHIFT, MICA_CTRL_SRC0_SHIFT, 0, 0 },
};
static const uint8_t opnd_columns[3] = { [MICA_FMT_ALU] = 4, [MICA_FMT_MEM] = 4, [MICA_FMT_CTRL] = 2 };

static int check_operand(const struct mica_inst *inst, unsigned i)
{
	unsigned raw = inst->opnd[i];
	unsigned kind = inst->info->kind[i];
	enum mica_opnd_class c = mica_opnd_classify(raw);
	unsigned regs, align, first, last, idx;

	if (kind == MICA_KIND_UNUSED)
		return raw == MICA_OPND_NONE ? MICA_DEC_OK : MICA_DEC_UNUSED_FIELD;
	if (!(mica_kind_table[kind].allow & class_allow_bit(c)))
		return MICA_DEC_BAD_OPERAND;
	if (c != MICA_OC_VGPR && c != MICA_OC_SGPR)
		return MICA_DEC_OK;
	regs = mica_inst_opnd_regs(inst, i);
	align = regs >= 3 ? 4 : regs;
	first = c == MICA_OC_VGPR ? MICA_OPND_VGPR_FIRST : MICA_OPND_SGPR_FIRST;
	last = c == MICA_OC_VGPR ? MICA_OPND_VGPR_LAST : MICA_OPND_SGPR_LAST;
	idx = raw - first;
	if (align > 1 && idx % align)
		return MICA_DEC_MISALIGNED_REG;
	if (raw + regs - 1 > last)
		return MICA_DEC_REG_RANGE;
	return MICA_DEC_OK;
}

/* Validates a filled-in mica_inst (operands, literal use); shared by decode and encode. */
static int check_inst(struct mica_inst *inst, unsigned *bad_field)
{
	unsigned i, ncol = opnd_columns[inst->info->format];
	int lit = 0, lit64 = 0, st;

	for (i = 0; i < 4; i++) {
		if (i >= ncol) {
			if (inst->info->kind[i] != MICA_KIND_UNUSED) {
				if (bad_field)
					*bad_field = i;
				return MICA_DEC_BAD_OPERAND;
			}
			continue;
		}
		st = check_operand(inst, i);
		if (st) {
			if (bad_field)
				*bad_field = i;
			return st;
		}
		if (inst->opnd[i] == MICA_OPND_LITERAL) {
			lit = 1;
			if (mica_kind_table[inst->info->kind[i]].regs == 2)
				lit64 = 1;
		}
	}
	if (inst->info->format != MICA_FMT_ALU && lit) {
		if (bad_field)
			*bad_field = 4;
		return MICA_DEC_BAD_OPERAND;
	}
	inst->has_literal = (uint8_t)lit;
	inst->words = lit ? 2 : 1;
	if (lit && !lit64 && (inst->literal >> 32)) {
		if (bad_field)
			*bad_field = 4;
		return MICA_DEC_BAD_LITERAL;
	}
	if (!lit)
		inst->literal = 0;
	return MICA_DEC_OK;
}

int mica_decode(const uint64_t *words, size_t nwords, struct mica_inst *out, unsigned *bad_field)
{
	uint64_t w;
	unsigned i, fmt;
	int st;

	if (bad_field)
		*bad_field = 4;
	if (nwords < 1)
		return MICA_DEC_TRUNCATED;
	w = words[0];
	out->info = mica_op_lookup((unsigned)mica_field_get(w, MICA_ALU_OP_SHIFT, MICA_ALU_OP_BITS));
	if (!out->info)
		return MICA_DEC_BAD_OPCODE;
	fmt = out->info->format;
	for (i = 0; i < 4; i++)
		out->opnd[i] = i < opnd_columns[fmt] ?
			(uint16_t)mica_field_get(w, opnd_shift[fmt][i], 9) : MICA_OPND_NONE;
	out->imm = 0;
	out->offset = 0;
	switch (fmt) {
	case MICA_FMT_ALU:
		if (mica_field_get(w, MICA_ALU_RESERVED_SHIFT, MICA_ALU_RESERVED_BITS))
			return MICA_DEC_RESERVED_BITS;
		break;
	case MICA_FMT_MEM:
		if (mica_field_get(w, MICA_MEM_RESERVED_SHIFT, MICA_MEM_RESERVED_BITS))
			return MICA_DEC_RESERVED_BITS;
		out->offset = (int32_t)mica_field_get_signed(w, MICA_MEM_OFFSET_SHIFT, MICA_MEM_OFFSET_BITS);
		break;
	default:
		if (mica_field_get(w, MICA_CTRL_RESERVED_SHIFT, MICA_CTRL_RESERVED_BITS))
			return MICA_DEC_RESERVED_BITS;
		out->imm = (int32_t)mica_field_get_signed(w, MICA_CTRL_IMM_SHIFT, MICA_CTRL_IMM_BITS);
		if (out->info->imm == MICA_IMM_NONE && out->imm)
			return MICA_DEC_RESERVED_BITS;
		break;
	}
	out->literal = 0;
	for (i = 0; i < 4; i++) {
		if (out->opnd[i] == MICA_OPND_LITERAL && fmt == MICA_FMT_ALU) {
			if (nwords < 2)
				return MICA_DEC_TRUNCATED;
			out->literal = words[1];
			break;
		}
	}
	st = check_inst(out, bad_field);
	return st;
}

int mica_encode(const struct mica_inst *inst, uint64_t out[2])
{
	struct mica_inst tmp = *inst;
	unsigned i, fmt;
	uint64_t w = 0;
	int st;

	if (!tmp.info)
		return -MICA_DEC_BAD_OPCODE;
	st = check_inst(&tmp, NULL);
	if (st)
		return -st;
	fmt = tmp.info->format;
	w = mica_field_set(w, MICA_ALU_OP_SHIFT, MICA_ALU_OP_BITS, tmp.info->opcode);
	for (i = 0; i < opnd_columns[fmt]; i++)
		w = mica_field_set(w, opnd_shift[fmt][i], 9, tmp.opnd[i]);
	if (fmt == MICA_FMT_MEM) {
		if (tmp.offset < -(1 << (MICA_MEM_OFFSET_BITS - 1)) ||
		    tmp.offset >= (1 << (MICA_MEM_OFFSET_BITS - 1)))
			return -MICA_DEC_BAD_OPERAND;
		w = mica_field_set(w, MICA_MEM_OFFSET_SHIFT, MICA_MEM_OFFSET_BITS, (uint64_t)(int64_t)tmp.offset);
	} else if (fmt == MICA_FMT_CTRL) {
		if (tmp.info->imm == MICA_IMM_NONE && tmp.imm)
			return -MICA_DEC_RESERVED_BITS;
		w = mica_field_set(w, MICA_CTRL_IMM_SHIFT, MICA_CTRL_IMM_BITS, (uint64_t)(uint32_t)tmp.imm);
	}
	out[0] = w;
	if (tmp.has_literal)
		out[1] = tmp.literal;
	return tmp.words;
}

const char *mica_decode_status_name(int status)
{
	static const char *const names[MICA_DEC_STATUS_COUNT] = {
		"ok",
		"truncated instruction",
		"undefined opcode",
		"reserved bits set",
		"operand not allowed here",
		"misaligned register tuple",
		"register tuple past the register file",
		"literal has high bits set for a 32-bit operand",
		"unused operand field is not 'none'",
	};

	if (status < 0)
		status = -status;
	if (status >= MICA_DEC_STATUS_COUNT)
		return "unknown status";
	return names[status];
}

uint64_t mica_inline_const_value(unsigned raw, unsigned bits)
{
	int64_t v;

	if (raw >= MICA_OPND_FLOAT_FIRST && raw <= MICA_OPND_FLOAT_LAST) {
		unsigned i = raw - MICA_OPND_FLOAT_FIRST;

		if (bits == 64)
			return mica_float_const_f64[i];
		if (bits == 16)
			return mica_float_const_f16[i];
		return mica_float_const_f32[i];
	}
	if (raw >= MICA_OPND_INT_CONST_FIRST && raw <= MICA_OPND_INT_CONST_LAST)
		v = (int64_t)(raw - MICA_OPND_INT_CONST_FIRST);
	else if (raw >= MICA_OPND_INT_NEG_FIRST && raw <= MICA_OPND_INT_NEG_LAST)
		v = -(int64_t)(raw - MICA_OPND_INT_NEG_FIRST) - 1;
	else
		return 0;
	if (bits == 64)
		return (uint64_t)v;
	return (uint64_t)(uint32_t)v & (bits == 16 ? 0xffffu : 0xffffffffu);
}
