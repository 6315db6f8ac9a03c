// SPDX-License-Identifier: MIT
/*
 * Per-CU residency arithmetic (mica_occupancy.h). Kernel-style portable C like mica_isa.c: the
 * kernel validator builds this file too. All products are computed in 64 bits, so no input
 * (a hostile command stream's counts included) can overflow them.
 */
#include "mica_occupancy.h"

#define UNLIMITED ((uint64_t)-1)

static uint64_t round_up(uint32_t v, uint32_t granule)
{
	return ((uint64_t)v + granule - 1) / granule * granule;
}

const char *mica_cu_limit_name(enum mica_cu_limit limit)
{
	switch (limit) {
	case MICA_CU_LIMIT_NONE: return "none";
	case MICA_CU_LIMIT_WAVE_SLOTS: return "wave slots";
	case MICA_CU_LIMIT_VGPRS: return "VGPRs";
	case MICA_CU_LIMIT_SGPRS: return "SGPRs";
	case MICA_CU_LIMIT_SHARED: return "shared memory";
	}
	return "?";
}

uint32_t mica_waves_per_workgroup(uint32_t invocations)
{
	uint32_t waves = (uint32_t)(((uint64_t)invocations + MICA_WAVE_SIZE - 1) / MICA_WAVE_SIZE);

	return waves ? waves : 1;
}

uint64_t mica_vgpr_alloc(uint32_t vgpr_count)
{
	return round_up(vgpr_count, MICA_VGPR_ALLOC_GRANULE);
}

uint64_t mica_sgpr_alloc(uint32_t sgpr_count)
{
	return round_up(sgpr_count, MICA_SGPR_ALLOC_GRANULE);
}

static uint32_t per_wave_limit(uint32_t file, uint32_t granule, uint32_t per_wave_max, uint32_t invocations)
{
	uint32_t share = file / mica_waves_per_workgroup(invocations) / granule * granule;

	return share < per_wave_max ? share : per_wave_max;
}

uint32_t mica_workgroup_vgpr_limit(uint32_t invocations)
{
	return per_wave_limit(MICA_VGPR_FILE_PER_CU, MICA_VGPR_ALLOC_GRANULE, MICA_VGPRS_PER_WAVE, invocations);
}

uint32_t mica_workgroup_sgpr_limit(uint32_t invocations)
{
	return per_wave_limit(MICA_SGPR_FILE_PER_CU, MICA_SGPR_ALLOC_GRANULE, MICA_SGPRS_PER_WAVE, invocations);
}

/* How many workgroups needing 'need' of a resource a CU's 'capacity' holds; 0 need: unlimited. */
static uint64_t groups_by(uint64_t capacity, uint64_t need)
{
	return need ? capacity / need : UNLIMITED;
}

uint32_t mica_workgroups_per_cu(uint32_t invocations, uint32_t vgpr_count, uint32_t sgpr_count,
				uint32_t shared_bytes, enum mica_cu_limit *binding)
{
	const uint64_t waves = mica_waves_per_workgroup(invocations);
	const uint64_t groups[] = {
		[MICA_CU_LIMIT_NONE] = UNLIMITED,
		[MICA_CU_LIMIT_WAVE_SLOTS] = groups_by(MICA_WAVE_SLOTS_PER_CU, waves),
		[MICA_CU_LIMIT_VGPRS] = groups_by(MICA_VGPR_FILE_PER_CU, waves * mica_vgpr_alloc(vgpr_count)),
		[MICA_CU_LIMIT_SGPRS] = groups_by(MICA_SGPR_FILE_PER_CU, waves * mica_sgpr_alloc(sgpr_count)),
		[MICA_CU_LIMIT_SHARED] = groups_by(MICA_SHARED_BYTES_PER_CU, shared_bytes),
	};
	enum mica_cu_limit lowest = MICA_CU_LIMIT_NONE;
	unsigned int i;

	for (i = MICA_CU_LIMIT_WAVE_SLOTS; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i] < groups[lowest])
			lowest = (enum mica_cu_limit)i;
	if (binding)
		*binding = lowest;
	/* The wave-slot limit is always finite, so the minimum is at most wave_slots_per_cu. */
	return (uint32_t)groups[lowest];
}

enum mica_cu_limit mica_workgroup_fits_cu(uint32_t invocations, uint32_t vgpr_count, uint32_t sgpr_count,
					  uint32_t shared_bytes)
{
	const uint64_t waves = mica_waves_per_workgroup(invocations);

	if (waves > MICA_WAVE_SLOTS_PER_CU)
		return MICA_CU_LIMIT_WAVE_SLOTS;
	if (waves * mica_vgpr_alloc(vgpr_count) > MICA_VGPR_FILE_PER_CU)
		return MICA_CU_LIMIT_VGPRS;
	if (waves * mica_sgpr_alloc(sgpr_count) > MICA_SGPR_FILE_PER_CU)
		return MICA_CU_LIMIT_SGPRS;
	if (shared_bytes > MICA_SHARED_BYTES_PER_CU)
		return MICA_CU_LIMIT_SHARED;
	return MICA_CU_LIMIT_NONE;
}
