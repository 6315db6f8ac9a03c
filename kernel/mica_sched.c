// SPDX-License-Identifier: MIT
/*
 * The kernel ring, job scheduling, fences, faults, hang detection and recovery.
 *
 * Every job becomes INDIRECT_BUFFER(validated copy, hardware context) followed by
 * SIGNAL(fence page, ring seqno, interrupt). The interrupt work reads the fence page and retires
 * everything up to it. A context has at most one job in the ring at a time, so a context fault
 * (CTX_STATUS) is always attributed to exactly one job.
 *
 * Recovery, in escalating order:
 *  1. the device faults a context (MMU, privileged, watchdog on an endless dispatch or WAIT_MEM):
 *     the device skips the rest of its work, the kernel marks it guilty, fails its jobs, and
 *     refuses its submits; nobody else is affected;
 *  2. the oldest job makes no progress for job_timeout_ns (progress: its context's
 *     CTX_PROGRESS, the workgroups it retired, moved), or has been the oldest for job_max_ns
 *     however it progresses: the kernel kills its context (CTX_STATUS = KILLED) and treats it
 *     as 1;
 *  3. still no progress (or the CP halted): reset the CP, fail the guilty job, and resubmit every
 *     innocent context's job that was in the ring (those contexts become INNOCENT).
 */
#include "mica_drv.h"

/* The user-space build's submission trace (userspace/mica_os_user.h); nothing in the module. */
#ifndef mica_os_trace
#define mica_os_trace(stage) do { } while (0)
#endif

#define CP_CTRL_ENABLE MICA_BITFIELD_PUT(CP_CTRL, ENABLE, 1)
#define CP_CTRL_RESET MICA_BITFIELD_PUT(CP_CTRL, RESET, 1)
/* CTX_FAULT_ADDR_HI: bits 15:0 address, 17:16 access type (mica.toml [mmio]). */

#define RING_DWORDS (MICA_RING_BYTES / 4)
#define JOB_MAX_DWORDS (2 * (1 + MICA_PKT_SET_POWER_PROFILE_LEN_MAX) + \
			1 + MICA_PKT_INDIRECT_BUFFER_LEN_MAX + 1 + MICA_PKT_SIGNAL_LEN_MAX)

static void ring_program(struct mica_device *mdev)
{
	mica_hw_write(mdev->hw, MICA_REG_CP_CTRL, CP_CTRL_RESET);
	mica_hw_write(mdev->hw, MICA_REG_RING_BASE_LO, (u32)mdev->ring_pa);
	mica_hw_write(mdev->hw, MICA_REG_RING_BASE_HI, (u32)(mdev->ring_pa >> 32));
	mica_hw_write(mdev->hw, MICA_REG_RING_SIZE, MICA_RING_BYTES);
	mica_hw_write(mdev->hw, MICA_REG_CP_CTRL, CP_CTRL_ENABLE);
	mdev->ring_wptr = 0;
	mdev->ring_retired = 0;
}

static u32 ring_free_dwords(struct mica_device *mdev)
{
	return RING_DWORDS - (u32)((mdev->ring_wptr - mdev->ring_retired) / 4) - 1;
}

static void ring_put(struct mica_device *mdev, u32 v)
{
	u32 *ring = (u32 *)(mdev->vram + mdev->ring_pa);

	mica_vram_write32(&ring[(mdev->ring_wptr / 4) % RING_DWORDS], v);
	mdev->ring_wptr += 4;
}

/* Writes one packet; pads to the end of the ring with a NOP so no packet wraps. */
static void ring_packet(struct mica_device *mdev, const u32 *dw, u32 n)
{
	u32 left = RING_DWORDS - (u32)((mdev->ring_wptr / 4) % RING_DWORDS);
	u32 i;

	if (left < n) {
		ring_put(mdev, MICA_PKT_HEADER(MICA_PKT_NOP, left - 1));
		for (i = 1; i < left; i++)
			ring_put(mdev, 0);
	}
	for (i = 0; i < n; i++)
		ring_put(mdev, dw[i]);
}

static void ring_commit(struct mica_device *mdev)
{
	/* The packets are in device memory before the CP can see the new tail. */
	wmb();
	mica_hw_write(mdev->hw, MICA_REG_RING_TAIL, (u32)(mdev->ring_wptr % MICA_RING_BYTES));
}

static void ring_set_profile(struct mica_device *mdev, u32 profile)
{
	u32 p[] = { MICA_PKT_HEADER(MICA_PKT_SET_POWER_PROFILE, MICA_PKT_SET_POWER_PROFILE_LEN_MIN),
		    profile };

	ring_packet(mdev, p, ARRAY_SIZE(p));
	mdev->ring_profile = profile;
}

/* A job became the oldest in the ring at @now: both hang clocks start. */
static void head_changed(struct mica_device *mdev, struct mica_job *head, u64 now)
{
	lockdep_assert_held(&mdev->lock);
	mdev->head_seqno = head->ring_seqno;
	mdev->head_since_ns = now;
	mdev->head_progress_ns = now;
	mdev->head_progress = mica_hw_read(mdev->hw, MICA_REG_CTX_PROGRESS(head->ctx->slot));
	mdev->head_kill_stage = 0;
}

static void emit_job(struct mica_device *mdev, struct mica_job *job)
{
	struct mica_ctx *ctx = job->ctx;
	u64 seq = ++mdev->ring_seqno;
	u32 ib[] = { MICA_PKT_HEADER(MICA_PKT_INDIRECT_BUFFER, MICA_PKT_INDIRECT_BUFFER_LEN_MIN),
		     (u32)job->ib_pa, (u32)(job->ib_pa >> 32), job->ib_dwords, ctx->slot };
	u32 sig[] = { MICA_PKT_HEADER(MICA_PKT_SIGNAL, MICA_PKT_SIGNAL_LEN_MIN),
		      (u32)mdev->fence_pa, (u32)(mdev->fence_pa >> 32), (u32)seq, (u32)(seq >> 32),
		      MICA_SIGNAL_IRQ };

	/* The job runs with the profile its shaders were validated for. */
	if (job->profile != mdev->ring_profile)
		ring_set_profile(mdev, job->profile);
	ring_packet(mdev, ib, ARRAY_SIZE(ib));
	ring_packet(mdev, sig, ARRAY_SIZE(sig));
	job->ring_seqno = seq;
	job->ring_end = mdev->ring_wptr;
	if (mdev->power_profile != mdev->ring_profile)
		ring_set_profile(mdev, mdev->power_profile);
	ring_commit(mdev);
	mica_os_trace(MICA_OS_TRACE_QUEUED);

	if (list_empty(&mdev->inflight))
		head_changed(mdev, job, ktime_get_ns());
	list_add_tail(&job->link, &mdev->inflight);
	WRITE_ONCE(ctx->inflight, ctx->inflight + 1);
	mica_queue_delayed_work_ns(mdev->wq, &mdev->timeout_work, mdev->params.job_timeout_ns / 4);
}

/* Tells the OS scheduler the job left the core (its hardware fence), with the job's error. */
static void job_done(struct mica_device *mdev, struct mica_job *job)
{
	mica_os_job_done(mdev, job, mica_ctx_seqno_error(job->ctx, job->seqno));
}

/* Completes a job that never reached (or was lost from) the ring. */
static void job_complete_unrun(struct mica_device *mdev, struct mica_job *job)
{
	struct mica_ctx *ctx = job->ctx;

	/* A destroyed context's first job that never ran marks where cancellation starts. */
	if (ctx->destroyed && !ctx->guilty && !ctx->cancel_seqno)
		ctx->cancel_seqno = job->seqno;
	WRITE_ONCE(ctx->completed_seqno, job->seqno);
	job_done(mdev, job);
	mica_job_free(mdev, job);
}

/*
 * Starts what @ctx may run now (its first queued job, once its in-fences signalled and the ring
 * has room) or cancels what a dead context still queues. True if it cancelled a job.
 */
static bool sched_ctx(struct mica_device *mdev, struct mica_ctx *ctx)
{
	bool cancelled = false;

	while (!list_empty(&ctx->queue) && !ctx->inflight) {
		struct mica_job *job = list_first_entry(&ctx->queue, struct mica_job, link);

		if (ctx->guilty || ctx->destroyed) {
			list_del(&job->link);
			job_complete_unrun(mdev, job);
			cancelled = true;
			continue;
		}
		if (!mica_os_job_ready(job) || ring_free_dwords(mdev) < 2 * JOB_MAX_DWORDS)
			break;
		list_del(&job->link);
		emit_job(mdev, job);
	}
	return cancelled;
}

void mica_sched_run(struct mica_device *mdev)
{
	bool cancelled;
	u32 i, slot;

	lockdep_assert_held(&mdev->lock);

	/* Contexts take turns: each pass starts one slot further, so when the ring is short of
	 * space no slot (and no client holding low slots) is always served first.
	 */
	mdev->sched_first_slot = mdev->sched_first_slot % (MICA_MAX_CONTEXTS - 1) + 1;
	do {
		cancelled = false;
		for (i = 0; i < MICA_MAX_CONTEXTS - 1; i++) {
			slot = 1 + (mdev->sched_first_slot - 1 + i) % (MICA_MAX_CONTEXTS - 1);
			if (mdev->slots[slot] && sched_ctx(mdev, mdev->slots[slot]))
				cancelled = true;
		}
		/*
		 * A cancelled job's fence signalled just now (with its error): a job of a
		 * context this pass already looked at may wait for exactly that fence, and with
		 * the ring idle nothing would run the scheduler again until the timeout work's
		 * next tick. Each extra pass follows one that cancelled a job, so this ends.
		 */
	} while (cancelled);
	wake_up_all(&mdev->fence_wq);
}

static u64 read_fence(struct mica_device *mdev)
{
	return mica_vram_read64(mdev->vram + mdev->fence_pa);
}

static void retire(struct mica_device *mdev, u64 fence)
{
	struct mica_job *job, *tmp;

	lockdep_assert_held(&mdev->lock);

	list_for_each_entry_safe(job, tmp, &mdev->inflight, link) {
		if (job->ring_seqno > fence)
			break;
		list_del(&job->link);
		mdev->ring_retired = job->ring_end;
		WRITE_ONCE(job->ctx->inflight, job->ctx->inflight - 1);
		WRITE_ONCE(job->ctx->completed_seqno, job->seqno);
		job_done(mdev, job);
		mica_job_free(mdev, job);
	}
	if (fence > mdev->retired_seqno && fence <= mdev->ring_seqno)
		mdev->retired_seqno = fence;
	mica_vm_release_deferred(mdev);
}

static struct mica_job *ctx_inflight_job(struct mica_device *mdev, struct mica_ctx *ctx)
{
	struct mica_job *job;

	list_for_each_entry(job, &mdev->inflight, link)
		if (job->ctx == ctx)
			return job;
	return NULL;
}

#define MICA_COREDUMP_BYTES (32u * 1024u)
#define MICA_COREDUMP_DWORDS 512u
#define MICA_COREDUMP_LOG_BYTES (8u * 1024u)

/*
 * A snapshot of the faulting context for whoever debugs the hang (devcoredump in the module):
 * the fault, the ring, the job's validated command stream (the copy the device ran) and the tail
 * of the driver log. Best effort: no memory, no dump.
 */
static void guilty_coredump(struct mica_device *mdev, struct mica_ctx *ctx, struct mica_job *job)
{
	char *buf = kvzalloc(MICA_COREDUMP_BYTES, GFP_KERNEL);
	size_t n = 0, cap = MICA_COREDUMP_BYTES;
	u32 i, dwords;

	lockdep_assert_held(&mdev->lock);
	if (!buf)
		return;
#define DUMP(...) (n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__), \
		   n = min_t(size_t, n, cap - 1))
	DUMP("Mica devcoredump\nrevision %u cus %u profile %u resets %u\n", mdev->revision,
	     mdev->cu_count, mdev->power_profile, mdev->resets);
	DUMP("client %u ctx %u slot %u fault %u (%s) addr 0x%llx access %u pc 0x%llx job %llu\n",
	     ctx->file_id, ctx->handle, ctx->slot, ctx->fault,
	     ctx->fault < MICA_FAULT_COUNT ? mica_fault_name[ctx->fault] : "?",
	     (unsigned long long)ctx->fault_addr, ctx->fault_access,
	     (unsigned long long)ctx->fault_pc, (unsigned long long)ctx->fault_seqno);
	DUMP("ring wptr %llu retired %llu seqno %llu retired_seqno %llu\n",
	     (unsigned long long)mdev->ring_wptr, (unsigned long long)mdev->ring_retired,
	     (unsigned long long)mdev->ring_seqno, (unsigned long long)mdev->retired_seqno);
	if (job) {
		dwords = min_t(u32, job->ib_dwords, MICA_COREDUMP_DWORDS);
		DUMP("job %llu stream (%u of %u dwords):", (unsigned long long)job->seqno, dwords,
		     job->ib_dwords);
		for (i = 0; i < dwords; i++)
			DUMP("%s%08x", i % 8 ? " " : "\n  ",
			     mica_vram_read32(mdev->vram + job->ib_pa + 4ull * i));
		DUMP("\n");
	}
	DUMP("log:\n");
#undef DUMP
	if (n < cap - 1)
		n += mica_log_read(&mdev->log, buf + n,
				   min_t(size_t, cap - n, MICA_COREDUMP_LOG_BYTES));
	mica_os_coredump(mdev, buf, n);
	kvfree(buf);
}

static void mark_guilty(struct mica_device *mdev, struct mica_ctx *ctx, u32 fault, u64 addr,
			u32 access, u64 pc)
{
	struct mica_job *job = ctx_inflight_job(mdev, ctx);

	WRITE_ONCE(ctx->guilty, true);
	ctx->status = DRM_MICA_CTX_STATUS_GUILTY;
	ctx->reset_count++;
	ctx->fault = fault;
	ctx->fault_addr = addr;
	ctx->fault_access = access;
	ctx->fault_pc = pc;
	ctx->fault_seqno = job ? job->seqno : ctx->completed_seqno + 1;
	if (fault == MICA_FAULT_KILLED || fault == MICA_FAULT_WATCHDOG)
		mica_client_hang(ctx->client);
	mica_log_printf(&mdev->log,
			"client %u ctx %u (slot %u) guilty: fault %u (%s) addr 0x%llx access %s pc 0x%llx, job %llu",
			ctx->file_id, ctx->handle, ctx->slot, fault,
			fault < MICA_FAULT_COUNT ? mica_fault_name[fault] : "?",
			(unsigned long long)addr,
			access == MICA_ACCESS_READ ? "read" :
			access == MICA_ACCESS_WRITE ? "write" : "execute",
			(unsigned long long)pc, (unsigned long long)ctx->fault_seqno);
	guilty_coredump(mdev, ctx, job);
}

/*
 * Faults the CP detects report the packet's address, which is the *physical* address of the
 * kernel's private copy of the command stream: never hand that out. Such values become byte
 * offsets into the job's (flattened) command stream, flagged in fault_flags. Without the job
 * (cannot happen: faults are read before the retire) nothing address-like is reported.
 */
static u32 client_visible(const struct mica_job *job, u64 *addr, u64 *pc)
{
	u32 flags = 0;

	if (!job) {
		*addr = 0;
		*pc = 0;
		return 0;
	}
	if (*pc >= job->ib_pa && *pc - job->ib_pa < job->ib_bytes) {
		*pc -= job->ib_pa;
		flags |= DRM_MICA_FAULT_PC_CMDSTREAM;
	}
	if (*addr >= job->ib_pa && *addr - job->ib_pa < job->ib_bytes) {
		*addr -= job->ib_pa;
		flags |= DRM_MICA_FAULT_ADDR_CMDSTREAM;
	}
	return flags;
}

static void handle_faults(struct mica_device *mdev)
{
	u32 slot;

	lockdep_assert_held(&mdev->lock);

	for (slot = 1; slot < MICA_MAX_CONTEXTS; slot++) {
		struct mica_ctx *ctx = mdev->slots[slot];
		u32 st, hi;
		u64 addr, pc;

		if (!ctx || ctx->guilty)
			continue;
		st = mica_hw_read(mdev->hw, MICA_REG_CTX_STATUS(slot));
		st = MICA_BITFIELD_GET(st, CTX_STATUS, FAULT);
		if (st == MICA_FAULT_NONE)
			continue;
		hi = mica_hw_read(mdev->hw, MICA_REG_CTX_FAULT_ADDR_HI(slot));
		addr = mica_hw_read(mdev->hw, MICA_REG_CTX_FAULT_ADDR_LO(slot)) |
		       ((u64)MICA_BITFIELD_GET(hi, FAULT_ADDR_HI, ADDR) << 32);
		pc = mica_hw_read(mdev->hw, MICA_REG_CTX_FAULT_PC_LO(slot)) |
		     ((u64)mica_hw_read(mdev->hw, MICA_REG_CTX_FAULT_PC_HI(slot)) << 32);
		ctx->fault_flags = client_visible(ctx_inflight_job(mdev, ctx), &addr, &pc);
		/* The device keeps skipping this context until CTX_STATUS is cleared, which only
		 * happens when the context is destroyed.
		 */
		mark_guilty(mdev, ctx, st, addr, MICA_BITFIELD_GET(hi, FAULT_ADDR_HI, ACCESS), pc);
	}
}

/* Fence first, then faults, then retire: a fault that happened before a SIGNAL we saw is
 * attributed to its job before that job is retired.
 */
static void sched_poll(struct mica_device *mdev)
{
	u64 fence = read_fence(mdev);

	handle_faults(mdev);
	retire(mdev, fence);
}

/* Level 3: the CP is reset; innocent work in the ring is resubmitted. */
static void full_reset(struct mica_device *mdev, const char *why)
{
	struct mica_job *job, *tmp;
	struct list_head lost;

	mdev->resets++;
	mica_log_printf(&mdev->log, "GPU reset %u: %s", mdev->resets, why);
	sched_poll(mdev);
	/*
	 * Stop the CP before killing anything: once the oldest context is killed the CP would go
	 * on to the next jobs in the ring (other contexts', a destroyed one's) while they are taken
	 * for lost below, so they would run and then run again, or run and be reported cancelled.
	 * What finished before the halt is retired normally.
	 */
	mica_hw_write(mdev->hw, MICA_REG_CP_CTRL, CP_CTRL_RESET);
	sched_poll(mdev);
	job = list_first_entry_or_null(&mdev->inflight, struct mica_job, link);
	if (job && !job->ctx->guilty) {
		mica_hw_write(mdev->hw, MICA_REG_CTX_STATUS(job->ctx->slot), MICA_FAULT_KILLED);
		mark_guilty(mdev, job->ctx, MICA_FAULT_KILLED, 0, 0, 0);
	}
	INIT_LIST_HEAD(&lost);
	list_for_each_entry_safe(job, tmp, &mdev->inflight, link)
		list_move_tail(&job->link, &lost);
	/* Every SIGNAL emitted so far is gone with the ring. */
	mdev->retired_seqno = mdev->ring_seqno;
	ring_program(mdev);
	mdev->ring_profile = MICA_PROFILE_COUNT; /* unknown: set it again */
	ring_set_profile(mdev, mdev->power_profile);
	ring_commit(mdev);

	list_for_each_entry_safe(job, tmp, &lost, link) {
		struct mica_ctx *ctx = job->ctx;

		list_del(&job->link);
		WRITE_ONCE(ctx->inflight, ctx->inflight - 1);
		if (ctx->guilty || ctx->destroyed) {
			job_complete_unrun(mdev, job);
			continue;
		}
		ctx->reset_count++;
		if (ctx->status == DRM_MICA_CTX_STATUS_OK)
			ctx->status = DRM_MICA_CTX_STATUS_INNOCENT;
		mica_log_printf(&mdev->log, "client %u ctx %u innocent: job %llu resubmitted",
				ctx->file_id, ctx->handle, (unsigned long long)job->seqno);
		emit_job(mdev, job);
	}
	mica_vm_release_deferred(mdev);
}

void mica_sched_irq_work(struct work_struct *work)
{
	struct mica_device *mdev = container_of(work, struct mica_device, irq_work);
	u32 pending;
	u64 fence;

	mica_os_trace(MICA_OS_TRACE_IRQ_WORK);
	pending = (u32)atomic_xchg(&mdev->irq_pending, 0);
	mutex_lock(&mdev->lock);
	/* Fence first, then faults: a fault that happened before a SIGNAL we saw is visible now. */
	fence = read_fence(mdev);
	handle_faults(mdev);
	if (pending & MICA_IRQ_CP_ERROR) {
		mica_log_printf(&mdev->log, "CP halted, error %u",
				mica_hw_read(mdev->hw, MICA_REG_CP_ERROR));
		full_reset(mdev, "command processor error");
	} else {
		retire(mdev, fence);
	}
	mica_sched_run(mdev);
	mutex_unlock(&mdev->lock);
	mica_os_trace(MICA_OS_TRACE_RETIRED);
}

/*
 * Which limit, if any, the head job has passed at @now (mdev->lock held): NULL while it retires
 * workgroups within job_timeout_ns of each other and is younger than job_max_ns. Reading its
 * context's CTX_PROGRESS here restarts the no-progress clock when the count moved; only the head's
 * own context counts (a context has at most one job in the ring, so that count is this job's).
 */
static const char *head_limit(struct mica_device *mdev, struct mica_job *head, u64 now,
			      u64 *limit_ns)
{
	u32 progress = mica_hw_read(mdev->hw, MICA_REG_CTX_PROGRESS(head->ctx->slot));

	lockdep_assert_held(&mdev->lock);
	if (progress != mdev->head_progress) {
		mdev->head_progress = progress;
		mdev->head_progress_ns = now;
	}
	/* Signed: a clock started after 'now' was sampled must never look ancient. */
	if ((s64)(now - mdev->head_since_ns) > (s64)mdev->params.job_max_ns) {
		*limit_ns = mdev->params.job_max_ns;
		return "ran past job_max_ns";
	}
	if ((s64)(now - mdev->head_progress_ns) > (s64)mdev->params.job_timeout_ns) {
		*limit_ns = mdev->params.job_timeout_ns;
		return "retired no workgroup for job_timeout_ns";
	}
	return NULL;
}

/* The hang escalation (mdev->lock held): true if it killed a context or reset the CP. */
static bool check_hang(struct mica_device *mdev)
{
	struct mica_job *head;
	const char *why;
	bool acted = false;
	u64 now, limit_ns = 0;

	lockdep_assert_held(&mdev->lock);
	/* Same order as the interrupt work: a job that faulted is failed, not retired clean. */
	sched_poll(mdev);
	/* Read under the lock that orders every update of the head's clocks. */
	now = ktime_get_ns();
	head = list_first_entry_or_null(&mdev->inflight, struct mica_job, link);
	if (!head)
		goto out;
	if (head->ring_seqno != mdev->head_seqno) {
		head_changed(mdev, head, now);
	} else if (!mdev->head_kill_stage) {
		struct mica_ctx *ctx = head->ctx;

		why = head_limit(mdev, head, now, &limit_ns);
		if (!why)
			goto out;
		mica_log_printf(&mdev->log,
				"client %u ctx %u job %llu timed out: %s (%llu ms): killing the context",
				ctx->file_id, ctx->handle, (unsigned long long)head->seqno, why,
				(unsigned long long)(limit_ns / 1000000));
		if (!ctx->guilty)
			mark_guilty(mdev, ctx, MICA_FAULT_KILLED, 0, 0, 0);
		mica_hw_write(mdev->hw, MICA_REG_CTX_STATUS(ctx->slot), MICA_FAULT_KILLED);
		/* The killed context's count stands still: this clock now times the kill alone. */
		mdev->head_kill_stage = 1;
		mdev->head_progress_ns = now;
		acted = true;
	} else if ((s64)(now - mdev->head_progress_ns) > (s64)mdev->params.job_timeout_ns) {
		full_reset(mdev, "job did not leave the ring after its context was killed");
		acted = true;
	}
out:
	mica_sched_run(mdev);
	return acted;
}

/*
 * The OS scheduler's timeout (drm_sched's timedout_job in the module) asks the same question the
 * core's own timeout work asks; the core's clocks (head_progress_ns against job_timeout_ns,
 * head_since_ns against job_max_ns) decide.
 */
bool mica_sched_check_hang(struct mica_device *mdev)
{
	bool acted;

	mutex_lock(&mdev->lock);
	acted = check_hang(mdev);
	mutex_unlock(&mdev->lock);
	return acted;
}

void mica_sched_timeout_work(struct work_struct *work)
{
	struct mica_device *mdev = container_of(to_delayed_work(work), struct mica_device,
						timeout_work);

	mutex_lock(&mdev->lock);
	check_hang(mdev);
	if (!list_empty(&mdev->inflight) && !mdev->dying)
		mica_queue_delayed_work_ns(mdev->wq, &mdev->timeout_work,
					   mdev->params.job_timeout_ns / 4);
	mutex_unlock(&mdev->lock);
}

void mica_sched_job_run(struct mica_device *mdev, struct mica_job *job)
{
	mutex_lock(&mdev->lock);
	list_add_tail(&job->link, &job->ctx->queue);
	mica_sched_run(mdev);
	mutex_unlock(&mdev->lock);
}

void mica_sched_job_discard(struct mica_device *mdev, struct mica_job *job)
{
	mutex_lock(&mdev->lock);
	job_complete_unrun(mdev, job);
	mica_sched_run(mdev); /* its sync points, its waiters */
	mutex_unlock(&mdev->lock);
}

void mica_gpu_recover(struct mica_device *mdev)
{
	mutex_lock(&mdev->lock);
	full_reset(mdev, "requested through debugfs gpu_recover");
	mica_sched_run(mdev);
	mutex_unlock(&mdev->lock);
}

int mica_sched_set_profile(struct mica_device *mdev, u32 profile)
{
	lockdep_assert_held(&mdev->lock);

	if (profile >= MICA_PROFILE_COUNT)
		return -EINVAL;
	if (profile == mdev->power_profile)
		return 0;
	if (ring_free_dwords(mdev) < 2 * JOB_MAX_DWORDS)
		return -EBUSY;
	WRITE_ONCE(mdev->power_profile, profile);
	mdev->power_generation++;
	/* Ordered with the ring: jobs already accepted keep the profile they were checked for. */
	if (mdev->ring_profile != profile) {
		ring_set_profile(mdev, profile);
		ring_commit(mdev);
	}
	mica_log_printf(&mdev->log, "power profile %u, generation %llu", profile,
			(unsigned long long)mdev->power_generation);
	return 0;
}

int mica_sched_init(struct mica_device *mdev)
{
	int ret;

	INIT_LIST_HEAD(&mdev->inflight);
	INIT_LIST_HEAD(&mdev->deferred);
	ret = mica_mm_alloc(mdev, MICA_RING_BYTES, &mdev->ring_pa);
	if (ret)
		return ret;
	ret = mica_mm_alloc(mdev, MICA_PAGE_SIZE, &mdev->fence_pa);
	if (ret) {
		mica_mm_free(mdev, mdev->ring_pa, MICA_RING_BYTES);
		return ret;
	}
	ring_program(mdev);
	mdev->ring_profile = mdev->power_profile;
	mica_hw_write(mdev->hw, MICA_REG_WATCHDOG_CYCLES, (u32)mdev->params.watchdog_cycles);
	mica_hw_write(mdev->hw, MICA_REG_INT_STATUS, ~0u);
	mica_hw_write(mdev->hw, MICA_REG_INT_ENABLE,
		      MICA_IRQ_FENCE | MICA_IRQ_CONTEXT_FAULT | MICA_IRQ_CP_ERROR);
	ret = mica_os_sched_init(mdev);
	if (ret) {
		mica_sched_fini(mdev);
		return ret;
	}
	return 0;
}

void mica_sched_fini(struct mica_device *mdev)
{
	mica_submit_drop_cache();
	mica_hw_write(mdev->hw, MICA_REG_INT_ENABLE, 0);
	mica_hw_write(mdev->hw, MICA_REG_CP_CTRL, 0);
	mica_mm_free(mdev, mdev->fence_pa, MICA_PAGE_SIZE);
	mica_mm_free(mdev, mdev->ring_pa, MICA_RING_BYTES);
}
