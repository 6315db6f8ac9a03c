// SPDX-License-Identifier: MIT
/* SEC_WAVE_START_TLB entry check, kernel-style C (see include/mica/compiler/sec_check.h). */
#include "mica/compiler/sec_check.h"

static int is_memory_unit(unsigned unit)
{
	return unit == MICA_UNIT_VMEM || unit == MICA_UNIT_LDS || unit == MICA_UNIT_SMEM;
}

int mica_sec_check_wave_start(const uint64_t *words, size_t nwords, size_t entry_word, size_t *bad_word)
{
	unsigned cycles = 0;
	size_t i = entry_word;
	struct mica_inst inst;

	while (cycles < MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE) {
		if (i >= nwords) {
			if (bad_word)
				*bad_word = i;
			return MICA_SEC_RUNS_OFF;
		}
		if (mica_decode(&words[i], nwords - i, &inst, 0)) {
			if (bad_word)
				*bad_word = i;
			return MICA_SEC_UNDECODABLE;
		}
		if (is_memory_unit(inst.info->unit) || (inst.info->flags & MICA_OPF_BRANCH)) {
			if (bad_word)
				*bad_word = i;
			return MICA_SEC_EARLY_ACCESS;
		}
		if (inst.info->flags & MICA_OPF_END)
			return MICA_SEC_OK;
		/* s_nop N takes N+1 cycles; everything else (waits included) at least one. */
		if (inst.info->opcode == MICA_OP_S_NOP && inst.imm > 0)
			cycles += (unsigned)inst.imm + 1;
		else
			cycles += 1;
		i += inst.words;
	}
	return MICA_SEC_OK;
}
