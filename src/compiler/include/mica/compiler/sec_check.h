/* SPDX-License-Identifier: MIT */
/*
 * SEC_WAVE_START_TLB check in portable C for the kernel's shader validator (the same rule the
 * compiler's hazard pass and static verifier apply, docs/hw/hazards.md): from an entry point,
 * no memory instruction (global, ds, s_load) and no branch may issue earlier than
 * MICA_HAZARD_SEC_WAVE_START_TLB_DISTANCE cycles after wave launch. Because a branch is not
 * allowed in that window, the check is a straight-line walk. No allocation, no libc.
 */
#ifndef MICA_COMPILER_SEC_CHECK_H
#define MICA_COMPILER_SEC_CHECK_H

#include "mica_isa.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mica_sec_status {
	MICA_SEC_OK = 0,
	MICA_SEC_EARLY_ACCESS = 1,   /* memory instruction or branch inside the window */
	MICA_SEC_UNDECODABLE = 2,    /* an instruction in the window does not decode */
	MICA_SEC_RUNS_OFF = 3,       /* the code ends inside the window without s_endpgm */
};

/* words: the code as 64-bit little-endian words; entry_word: index of the entry's first word.
 * On failure *bad_word (if non-null) is the index of the offending instruction. */
int mica_sec_check_wave_start(const uint64_t *words, size_t nwords, size_t entry_word, size_t *bad_word);

#ifdef __cplusplus
}
#endif

#endif /* MICA_COMPILER_SEC_CHECK_H */
