// SPDX-License-Identifier: MIT
/*
 * SUBMIT: copy the user's command buffers out of the client's VM into kernel memory (following
 * CHAIN into one flat stream), validate that copy against the client's VM and the shaders it has
 * mapped, place it in kernel-owned device memory the client cannot map, and queue it. The device
 * only ever executes the copy, so there is no window between check and use.
 */
#include "mica_drv.h"

/* The user-space build's submission trace (userspace/mica_os_user.h); nothing in the module. */
#ifndef mica_os_trace
#define mica_os_trace(stage) do { } while (0)
#endif
#include "mica_cs_validate.h"

struct submit_env {
	struct mica_file *file;
	struct mica_job *job;
	u32 profile;		/* the active power profile the job is validated (and run) with */
};

static u32 env_check_range(void *priv, u64 va, u64 size, u32 perms, u64 *backing, u64 *off)
{
	struct submit_env *env = priv;
	struct mica_mapping *m = mica_vm_find(env->file->vm, va, size);

	if (!m)
		return DRM_MICA_REJECT_CS_ADDR_UNMAPPED;
	if ((m->perms & perms) != perms)
		return DRM_MICA_REJECT_CS_ADDR_PERM;
	*backing = m->bo->id;
	*off = m->bo_offset + (va - m->va);
	return 0;
}

/* The job keeps the mapping it validated SET_PROGRAM against until it retires. */
static int job_pin_mapping(struct mica_job *job, struct mica_mapping *m)
{
	u32 i;

	for (i = 0; i < job->npins; i++)
		if (job->pins[i] == m)
			return 0;
	if (job->npins == job->pins_cap) {
		u32 cap = job->pins_cap ? 2 * job->pins_cap : 4;
		struct mica_mapping **n = kcalloc(cap, sizeof(*n), GFP_KERNEL);

		if (!n)
			return -ENOMEM;
		if (job->npins)
			memcpy(n, job->pins, job->npins * sizeof(*n));
		kfree(job->pins);
		job->pins = n;
		job->pins_cap = cap;
	}
	atomic_inc(&m->exec_pins);
	job->pins[job->npins++] = m;
	return 0;
}

static u32 env_check_program(void *priv, u64 va, u32 vgprs, u32 sgprs, char *msg, size_t len)
{
	struct submit_env *env = priv;
	struct mica_device *mdev = env->file->mdev;
	struct mica_mapping *m = mica_vm_find(env->file->vm, va, MICA_INSTRUCTION_BYTES);
	const struct mica_shader_info *sh;
	u64 boff;
	u32 i;

	if (!m || !(m->perms & DRM_MICA_BIND_EXEC) || !m->bo->shader) {
		snprintf(msg, len, "not in an executable shader mapping");
		return DRM_MICA_REJECT_CS_NOT_ENTRY;
	}
	sh = m->bo->shader;
	/* Instruction fetch from an entry can reach any byte of the code section (and nothing
	 * else: no indirect branches, no falling off the end). All of it must come from this one
	 * validated BO, through this one mapping, or fetch could walk into another BO's page.
	 */
	if (m->bo_offset != 0 || m->size < sh->code_size) {
		snprintf(msg, len, "the mapping does not cover the shader's whole code (%u bytes)",
			 sh->code_size);
		return DRM_MICA_REJECT_CS_NOT_ENTRY;
	}
	boff = m->bo_offset + (va - m->va);
	for (i = 0; i < sh->entry_count; i++)
		if (sh->entries[i].code_offset == boff)
			break;
	if (i == sh->entry_count) {
		snprintf(msg, len, "offset %llu of the shader is not an entry point",
			 (unsigned long long)boff);
		return DRM_MICA_REJECT_CS_NOT_ENTRY;
	}
	if (sh->revision != mdev->revision || sh->profile != env->profile) {
		snprintf(msg, len, "shader built for profile %u, active profile %u", sh->profile,
			 env->profile);
		return DRM_MICA_REJECT_CS_STALE_SHADER;
	}
	if (vgprs < sh->entries[i].vgpr_count || sgprs < sh->entries[i].sgpr_count) {
		snprintf(msg, len, "%u/%u registers, entry needs %u/%u", vgprs, sgprs,
			 sh->entries[i].vgpr_count, sh->entries[i].sgpr_count);
		return DRM_MICA_REJECT_CS_REG_COUNT;
	}
	if (job_pin_mapping(env->job, m)) {
		snprintf(msg, len, "out of memory pinning the program's mapping");
		return DRM_MICA_REJECT_CS_NOT_ENTRY;
	}
	return 0;
}

static void env_fetch(void *priv, u64 va, u32 dwords, u32 *dst)
{
	struct submit_env *env = priv;
	struct mica_mapping *m = mica_vm_find(env->file->vm, va, (u64)dwords * 4);

	/* check_range() ran first under the same lock; the mapping is there. */
	if (WARN_ON(!m)) {
		memset(dst, 0, (size_t)dwords * 4);
		return;
	}
	mica_bo_read(m->bo, m->bo_offset + (va - m->va), dst, (size_t)dwords * 4);
}

void mica_job_free(struct mica_device *mdev, struct mica_job *job)
{
	u32 i;

	if (job->os)
		mica_os_job_abort(job);
	if (job->ib_bytes)
		mica_mm_free_charged(mdev, job->ctx->client, MICA_RES_VRAM, job->ib_pa,
				     job->ib_bytes);
	if (job->charged)
		mica_client_uncharge(job->ctx->client, MICA_RES_JOBS, 1);
	for (i = 0; i < job->nbos; i++)
		mica_bo_put(job->bos[i]);
	for (i = 0; i < job->npins; i++)
		atomic_dec(&job->pins[i]->exec_pins);
	kfree(job->pins);
	kfree(job->bos);
	mica_ctx_put(job->ctx);
	kfree(job);
}

/*
 * The validator needs a MICA_MAX_CMD_DWORDS buffer for every submission, but only during it.
 * Allocating (and zeroing) 256 KiB per SUBMIT was the largest cost of an empty submission, so one
 * buffer is kept for the next SUBMIT; concurrent submits that find the slot empty allocate their
 * own. What a reused buffer still holds is never read: the validator writes the copy from its
 * start and only the dwords it wrote are placed in VRAM.
 */
static u32 *submit_copy_cache;

static u32 *copy_buf_get(void)
{
	u32 *buf = xchg(&submit_copy_cache, NULL);

	return buf ? buf : kvcalloc(MICA_MAX_CMD_DWORDS, sizeof(u32), GFP_KERNEL);
}

static void copy_buf_put(u32 *buf)
{
	kvfree(xchg(&submit_copy_cache, buf));
}

void mica_submit_drop_cache(void)
{
	kvfree(xchg(&submit_copy_cache, NULL));
}

/* Copies, validates and stores the command stream in job->ib_*. */
static int submit_copy_validate(struct mica_file *file, struct mica_job *job,
				const struct drm_mica_cmdbuf *cmdbufs, u32 ncmdbufs)
{
	struct mica_device *mdev = file->mdev;
	struct submit_env env = { .file = file, .job = job,
				  .profile = READ_ONCE(mdev->power_profile) };
	struct mica_cs_ops ops = { env_check_range, env_check_program, env_fetch, &env };
	struct mica_cs_limits limits = { MICA_MAX_CMD_DWORDS, MICA_MAX_CHAIN_DEPTH,
					 job->ctx->type };
	struct mica_cs_buf *bufs;
	struct mica_reject rej;
	u32 *copy, dwords = 0, i;
	char who[64];
	int ret;

	bufs = kcalloc(ncmdbufs, sizeof(*bufs), GFP_KERNEL);
	copy = copy_buf_get();
	if (!bufs || !copy) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ncmdbufs; i++) {
		if (cmdbufs[i].pad) {
			ret = -EINVAL;
			goto out;
		}
		bufs[i].va = cmdbufs[i].va;
		bufs[i].dwords = cmdbufs[i].dwords;
	}
	mutex_lock(&file->lock);
	ret = mica_cs_copy_validate(&ops, &limits, bufs, ncmdbufs, copy, &dwords, &rej);
	mutex_unlock(&file->lock);
	if (ret) {
		snprintf(who, sizeof(who), "client %u ctx %u submit", file->id, job->ctx->handle);
		mica_log_reject(&mdev->log, who, &rej);
		goto out;
	}
	/* The copy stays in VRAM until the job retires: the client pays for it. */
	ret = mica_mm_alloc_charged(mdev, job->ctx->client, MICA_RES_VRAM, (u64)dwords * 4,
				    &job->ib_pa);
	if (ret)
		goto out;
	job->ib_bytes = (u64)dwords * 4;
	job->ib_dwords = dwords;
	job->profile = env.profile;
	mica_vram_memcpy_to(mdev->vram + job->ib_pa, copy, (size_t)dwords * 4);
	/* The copy is in device memory before any ring packet can point the CP at it. */
	wmb();
	mica_os_trace(MICA_OS_TRACE_VALIDATED);
out:
	if (copy)
		copy_buf_put(copy);
	kfree(bufs);
	return ret;
}

static int submit_lookup_bos(struct mica_file *file, struct mica_job *job,
			     const struct drm_mica_bo_ref *refs, u32 n)
{
	u32 i;

	job->bos = kcalloc(n, sizeof(*job->bos), GFP_KERNEL);
	if (n && !job->bos)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!refs[i].flags ||
		    refs[i].flags & ~(DRM_MICA_BO_REF_READ | DRM_MICA_BO_REF_WRITE))
			return -EINVAL;
		mutex_lock(&file->lock);
		job->bos[i] = mica_bo_lookup(file, refs[i].handle);
		mutex_unlock(&file->lock);
		if (!job->bos[i])
			return -ENOENT;
		job->nbos++;
	}
	return 0;
}

/* The sync objects are the OS's (DRM syncobjs); the job takes their fences or gives its own. */
static int submit_add_syncs(struct mica_file *file, struct mica_job *job,
			    const struct drm_mica_sync_point *pts, u32 n, bool out)
{
	u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		if (pts[i].pad)
			return -EINVAL;
		ret = out ? mica_os_job_add_out_sync(file, job, pts[i].handle, pts[i].point) :
			    mica_os_job_add_in_sync(file, job, pts[i].handle, pts[i].point);
		if (ret)
			return ret;
	}
	return 0;
}

int mica_ioctl_submit(struct mica_file *file, void *data)
{
	struct drm_mica_submit *args = data;
	struct mica_device *mdev = file->mdev;
	struct drm_mica_cmdbuf *cmdbufs = NULL;
	struct drm_mica_bo_ref *refs = NULL;
	struct drm_mica_sync_point *in = NULL, *outp = NULL;
	struct mica_job *job;
	int ret;

	if (args->flags)
		return -EINVAL;
	if (!args->cmdbufs.count)
		return -EINVAL;
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	INIT_LIST_HEAD(&job->link);
	job->ctx = mica_ctx_lookup(file, args->ctx);
	if (!job->ctx) {
		kfree(job);
		return -ENOENT;
	}
	if (READ_ONCE(job->ctx->guilty)) {
		ret = -ECANCELED;
		goto err;
	}
	if (mica_client_banned(job->ctx->client)) {
		ret = -EIO;
		goto err;
	}
	ret = mica_client_charge(job->ctx->client, MICA_RES_JOBS, 1);
	if (ret)
		goto err;
	job->charged = true;
	ret = mica_copy_array(&args->cmdbufs, sizeof(*cmdbufs), sizeof(*cmdbufs),
			      MICA_MAX_CMD_DWORDS, (void **)&cmdbufs);
	if (!ret)
		ret = mica_copy_array(&args->bos, sizeof(*refs), sizeof(*refs), MICA_MAX_SUBMIT_BOS,
				      (void **)&refs);
	if (!ret)
		ret = mica_copy_array(&args->in_syncs, sizeof(*in), sizeof(*in), MICA_MAX_SYNCS,
				      (void **)&in);
	if (!ret)
		ret = mica_copy_array(&args->out_syncs, sizeof(*outp), sizeof(*outp),
				      MICA_MAX_SYNCS, (void **)&outp);
	if (!ret)
		ret = submit_lookup_bos(file, job, refs, args->bos.count);
	if (!ret)
		ret = mica_os_job_init(job);
	if (!ret)
		ret = submit_add_syncs(file, job, in, args->in_syncs.count, false);
	if (!ret)
		ret = submit_add_syncs(file, job, outp, args->out_syncs.count, true);
	if (!ret)
		ret = submit_copy_validate(file, job, cmdbufs, args->cmdbufs.count);
	if (!ret)
		ret = mica_os_job_reserve(job);
	if (ret)
		goto err;

	mutex_lock(&mdev->lock);
	if (job->ctx->guilty || job->ctx->destroyed) {
		mutex_unlock(&mdev->lock);
		ret = -ECANCELED;
		goto err;
	}
	job->seqno = ++job->ctx->seqno;
	args->seqno = job->seqno;
	mica_os_job_push(mdev, job);
	mica_sched_run(mdev);
	mutex_unlock(&mdev->lock);
	ret = 0;
	job = NULL;
err:
	if (job)
		mica_job_free(mdev, job);
	kvfree(cmdbufs);
	kvfree(refs);
	kvfree(in);
	kvfree(outp);
	return ret;
}
