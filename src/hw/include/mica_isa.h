/* SPDX-License-Identifier: MIT */
/*
 * Mica instruction decoder and encoder, portable C shared by every layer: the kernel's shader
 * validator, the device model, the assembler/disassembler and the compiler all decode through
 * these two functions, which are driven entirely by the generated tables in mica_hw.h.
 */
#ifndef MICA_ISA_H
#define MICA_ISA_H

#include "mica_hw.h"

#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* What an operand field value names. */
enum mica_opnd_class {
	MICA_OC_VGPR,
	MICA_OC_SGPR,
	MICA_OC_EXEC,
	MICA_OC_VCC,
	MICA_OC_SCC,
	MICA_OC_LANE_ID,
	MICA_OC_NONE,
	MICA_OC_CONST,   /* inline integer or float constant */
	MICA_OC_LITERAL,
	MICA_OC_RESERVED,
};

/* A decoded instruction. opnd[] follows the format's operand columns (see mica_op_info.kind). */
struct mica_inst {
	const struct mica_op_info *info;
	uint16_t opnd[4];
	int32_t imm;        /* CTRL immediate */
	int32_t offset;     /* MEM byte offset */
	uint64_t literal;   /* valid when has_literal */
	uint8_t has_literal;
	uint8_t words;      /* 1 or 2 (64-bit words) */
};

enum mica_decode_status {
	MICA_DEC_OK = 0,
	MICA_DEC_TRUNCATED,      /* fewer words than the instruction needs */
	MICA_DEC_BAD_OPCODE,     /* opcode not defined */
	MICA_DEC_RESERVED_BITS,  /* a reserved field is not zero */
	MICA_DEC_BAD_OPERAND,    /* the field holds something its kind does not allow */
	MICA_DEC_MISALIGNED_REG, /* a multi-register operand does not start on its alignment */
	MICA_DEC_REG_RANGE,      /* a multi-register operand runs past the register file */
	MICA_DEC_BAD_LITERAL,    /* a 32-bit-only literal has non-zero high bits */
	MICA_DEC_UNUSED_FIELD,   /* a field the instruction does not use is not 'none' */
	MICA_DEC_STATUS_COUNT,
};

enum mica_opnd_class mica_opnd_classify(unsigned raw);

/* Registers covered by operand column i of inst (0 if the column is unused). Handles the MEM rule
 * that addr is one VGPR (an offset) when saddr names an SGPR pair. */
unsigned mica_inst_opnd_regs(const struct mica_inst *inst, unsigned i);

/* Decodes the instruction at words[0] (nwords available). On failure returns the status and, if
 * bad_field is non-null, the operand column (0..3) or 4 for non-operand fields. */
int mica_decode(const uint64_t *words, size_t nwords, struct mica_inst *out, unsigned *bad_field);

/* Encodes inst into out[0..1]; returns the number of words, or a negative mica_decode_status
 * when inst would not decode back to itself (the encoder validates with the decoder's rules). */
int mica_encode(const struct mica_inst *inst, uint64_t out[2]);

const char *mica_decode_status_name(int status);

/* Bit pattern of an inline constant operand for an operand of the given width (16, 32 or 64).
 * Integer constants are two's-complement patterns whatever the instruction's type; float
 * constants are encoded in the operand's float format. */
uint64_t mica_inline_const_value(unsigned raw, unsigned bits);

#ifdef __cplusplus
}
#endif

#endif /* MICA_ISA_H */
