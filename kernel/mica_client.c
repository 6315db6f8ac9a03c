// SPDX-License-Identifier: MIT
/*
 * Per-client accounting and limits. Every open file is a client; what it holds on the device
 * (VRAM of the BOs it created, of its queued command copies and of its page tables; hardware
 * contexts; jobs not yet retired; sync objects; CPU mappings) is charged to it and bounded by
 * the administrator's limits (module parameters; mica_um_param_set() in the user-space build),
 * so one client cannot starve the others. The accounting object outlives the file while
 * anything charged to it (a BO shared with another client, a deferred unmap) still exists.
 *
 * A client whose contexts keep hanging is banned (as i915's ban score, amdgpu's guilty
 * handling): after hang_ban_threshold hangs it can create no context and submit nothing.
 */
#include "mica_drv.h"

/* The errno each limit fails with (docs/uapi.md "Per-client limits"). */
static const int res_errno[MICA_RES_COUNT] = {
	[MICA_RES_VRAM] = -ENOMEM,
	[MICA_RES_PT] = -ENOMEM,
	[MICA_RES_CONTEXTS] = -ENOSPC,
	[MICA_RES_JOBS] = -EAGAIN,
	[MICA_RES_SYNCS] = -ENOSPC,
	[MICA_RES_CPU_MAPS] = -ENOMEM,
	[MICA_RES_MAPPINGS] = -ENOMEM,
	[MICA_RES_PINNED] = -ENOMEM,
};

struct mica_client *mica_client_create(struct mica_device *mdev, u32 id)
{
	struct mica_client *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	kref_init(&c->ref);
	mutex_init(&c->lock);
	c->mdev = mdev;
	c->id = id;
	return c;
}

static void client_release(struct kref *ref)
{
	struct mica_client *c = container_of(ref, struct mica_client, ref);
	u32 r;

	/* Everything charged holds a reference, so everything was uncharged. */
	for (r = 0; r < MICA_RES_COUNT; r++)
		WARN_ON(c->used[r]);
	mutex_destroy(&c->lock);
	kfree(c);
}

struct mica_client *mica_client_get(struct mica_client *c)
{
	if (c)
		kref_get(&c->ref);
	return c;
}

void mica_client_put(struct mica_client *c)
{
	if (c)
		kref_put(&c->ref, client_release);
}

u64 mica_client_limit(struct mica_device *mdev, enum mica_res r)
{
	return READ_ONCE(mdev->params.client_limit[r]);
}

int mica_client_charge(struct mica_client *c, enum mica_res r, u64 n)
{
	u64 limit = mica_client_limit(c->mdev, r), now;
	int ret = 0;

	mutex_lock(&c->lock);
	if (check_add_overflow(c->used[r], n, &now) || now > limit) {
		ret = res_errno[r];
	} else {
		c->used[r] = now;
		/* Page tables are VRAM too. */
		if (r == MICA_RES_PT) {
			u64 vram_limit = mica_client_limit(c->mdev, MICA_RES_VRAM);

			if (c->used[MICA_RES_VRAM] + n > vram_limit) {
				c->used[r] -= n;
				ret = res_errno[MICA_RES_VRAM];
			} else {
				c->used[MICA_RES_VRAM] += n;
			}
		}
	}
	mutex_unlock(&c->lock);
	if (ret)
		mica_log_printf(&c->mdev->log, "client %u: over its limit of %s (%llu)", c->id,
				mica_res_name[r], (unsigned long long)limit);
	return ret;
}

void mica_client_uncharge(struct mica_client *c, enum mica_res r, u64 n)
{
	mutex_lock(&c->lock);
	if (!WARN_ON(c->used[r] < n))
		c->used[r] -= n;
	if (r == MICA_RES_PT && !WARN_ON(c->used[MICA_RES_VRAM] < n))
		c->used[MICA_RES_VRAM] -= n;
	mutex_unlock(&c->lock);
}

const char *const mica_res_name[MICA_RES_COUNT] = {
	[MICA_RES_VRAM] = "vram",
	[MICA_RES_PT] = "page-table memory",
	[MICA_RES_CONTEXTS] = "contexts",
	[MICA_RES_JOBS] = "queued jobs",
	[MICA_RES_SYNCS] = "sync objects",
	[MICA_RES_CPU_MAPS] = "cpu mappings",
	[MICA_RES_MAPPINGS] = "gpu mappings",
	[MICA_RES_PINNED] = "pinned system memory",
};

int mica_mm_alloc_charged(struct mica_device *mdev, struct mica_client *c, enum mica_res r,
			  u64 size, u64 *pa)
{
	u64 bytes = MICA_ALIGN_UP(size, (u64)MICA_PAGE_SIZE);
	int ret = mica_client_charge(c, r, bytes);

	if (ret)
		return ret;
	ret = mica_mm_alloc(mdev, bytes, pa);
	if (ret)
		mica_client_uncharge(c, r, bytes);
	return ret;
}

void mica_mm_free_charged(struct mica_device *mdev, struct mica_client *c, enum mica_res r,
			  u64 pa, u64 size)
{
	u64 bytes = MICA_ALIGN_UP(size, (u64)MICA_PAGE_SIZE);

	mica_mm_free(mdev, pa, bytes);
	mica_client_uncharge(c, r, bytes);
}

/* mdev->lock held: one of the client's contexts hung (watchdog or kernel timeout). */
void mica_client_hang(struct mica_client *c)
{
	u32 threshold = (u32)READ_ONCE(c->mdev->params.hang_ban_threshold);

	mutex_lock(&c->lock);
	c->hangs++;
	if (threshold && c->hangs >= threshold && !c->banned) {
		WRITE_ONCE(c->banned, true);
		mica_log_printf(&c->mdev->log, "client %u banned after %u hangs", c->id, c->hangs);
	}
	mutex_unlock(&c->lock);
}

bool mica_client_banned(struct mica_client *c)
{
	return READ_ONCE(c->banned);
}

void mica_client_info(struct mica_client *c, struct drm_mica_client_info *info)
{
	struct mica_device *mdev = c->mdev;

	memset(info, 0, sizeof(*info));
	mutex_lock(&c->lock);
	info->vram_bytes = c->used[MICA_RES_VRAM];
	info->pt_bytes = c->used[MICA_RES_PT];
	info->contexts = (u32)c->used[MICA_RES_CONTEXTS];
	info->jobs = (u32)c->used[MICA_RES_JOBS];
	info->syncs = (u32)c->used[MICA_RES_SYNCS];
	info->cpu_maps = (u32)c->used[MICA_RES_CPU_MAPS];
	info->mappings = (u32)c->used[MICA_RES_MAPPINGS];
	info->pinned_bytes = c->used[MICA_RES_PINNED];
	info->hangs = c->hangs;
	info->banned = c->banned;
	mutex_unlock(&c->lock);
	info->vram_limit = mica_client_limit(mdev, MICA_RES_VRAM);
	info->pt_limit = mica_client_limit(mdev, MICA_RES_PT);
	info->contexts_limit = (u32)min_t(u64, mica_client_limit(mdev, MICA_RES_CONTEXTS), U32_MAX);
	info->jobs_limit = (u32)min_t(u64, mica_client_limit(mdev, MICA_RES_JOBS), U32_MAX);
	info->syncs_limit = (u32)min_t(u64, mica_client_limit(mdev, MICA_RES_SYNCS), U32_MAX);
	info->cpu_maps_limit = (u32)min_t(u64, mica_client_limit(mdev, MICA_RES_CPU_MAPS), U32_MAX);
	info->mappings_limit = (u32)min_t(u64, mica_client_limit(mdev, MICA_RES_MAPPINGS), U32_MAX);
	info->pinned_limit = mica_client_limit(mdev, MICA_RES_PINNED);
	info->hang_ban_threshold = (u32)READ_ONCE(mdev->params.hang_ban_threshold);
}
