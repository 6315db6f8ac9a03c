/* SPDX-License-Identifier: MIT */
/*
 * Whether a workgroup can be resident on one compute unit, and how many can be at once, from the
 * per-CU scheduler limits in mica.toml [device] (docs/hw/device.md "Occupancy"). Portable C shared
 * by the device model (which refuses a dispatch whose workgroup cannot be resident), the kernel's
 * command-stream validator (which rejects it at submit) and the compiler (register limits and the
 * occupancy estimate), so the three cannot disagree.
 */
#ifndef MICA_OCCUPANCY_H
#define MICA_OCCUPANCY_H

#include "mica_hw.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The per-CU resource a workgroup exhausts first. */
enum mica_cu_limit {
	MICA_CU_LIMIT_NONE = 0,		/* fits (in mica_workgroups_per_cu: no limit binds) */
	MICA_CU_LIMIT_WAVE_SLOTS,	/* wave_slots_per_cu */
	MICA_CU_LIMIT_VGPRS,		/* vgpr_file_per_cu */
	MICA_CU_LIMIT_SGPRS,		/* sgpr_file_per_cu */
	MICA_CU_LIMIT_SHARED,		/* shared_bytes_per_cu */
};

/* One word per limit for messages: "wave slots", "VGPRs", "SGPRs", "shared memory". */
const char *mica_cu_limit_name(enum mica_cu_limit limit);

/* Waves of one workgroup of 'invocations' (at least one wave, also for 0). */
uint32_t mica_waves_per_workgroup(uint32_t invocations);

/*
 * Registers one wave holds: the count rounded up to vgpr/sgpr_alloc_granule (0 stays 0). 64-bit so
 * that no count, however hostile, wraps to a small allocation.
 */
uint64_t mica_vgpr_alloc(uint32_t vgpr_count);
uint64_t mica_sgpr_alloc(uint32_t sgpr_count);

/*
 * The largest per-wave register count (a multiple of the granule, at most vgprs/sgprs_per_wave)
 * with which a workgroup of 'invocations' still fits one CU's register file.
 */
uint32_t mica_workgroup_vgpr_limit(uint32_t invocations);
uint32_t mica_workgroup_sgpr_limit(uint32_t invocations);

/*
 * Whether one workgroup of 'invocations' whose waves use vgpr_count / sgpr_count registers and
 * which uses shared_bytes of shared memory can be resident on one CU: MICA_CU_LIMIT_NONE, or the
 * first limit it exceeds (checked in the enum's order).
 */
enum mica_cu_limit mica_workgroup_fits_cu(uint32_t invocations, uint32_t vgpr_count, uint32_t sgpr_count,
					  uint32_t shared_bytes);

/*
 * How many such workgroups one CU holds at once (0 when one does not fit). *binding (if not
 * NULL) receives the limit that allows the fewest (ties go to the earlier one in the enum), or
 * MICA_CU_LIMIT_NONE if a workgroup uses none of the limited resources.
 */
uint32_t mica_workgroups_per_cu(uint32_t invocations, uint32_t vgpr_count, uint32_t sgpr_count,
				uint32_t shared_bytes, enum mica_cu_limit *binding);

#ifdef __cplusplus
}
#endif

#endif /* MICA_OCCUPANCY_H */
