// SPDX-License-Identifier: MIT
/*
 * Runs in the QEMU guest against the real module on /dev/dri/renderD128 (tests/vm/run-vm-tests.sh):
 * the render node's identity, every core ioctl's success path, documented errnos, isolation
 * between two files, a job the device executes with its result read back through a CPU mapping,
 * two processes where one hangs and is killed while the other completes, DRM sync objects as
 * SUBMIT's in- and out-syncs, clients killed while their jobs run or wait for another job's fence,
 * and what the scheduler side (drm_sched jobs: debugfs mica_sched) still holds once every client
 * is gone.
 * `mica_vm_smoke tdr` (module loaded with a watchdog that never fires) checks instead that a hang
 * only the kernel timeout can end goes through drm_sched's timedout_job to the core's recovery;
 * `mica_vm_smoke busy MS` stalls one job for MS ms and exits (the unload race, below).
 * Static, no libraries beyond libc: prints "ok"/"not ok" lines and "N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>
#include "drm/mica_drm.h"
#include "mica_hw.h"
#include "vm_tap.h"

#define NODE "/dev/dri/renderD128"
#define CMD_VA 0x10000000ull
#define DATA_VA 0x20000000ull
#define BO_BYTES (64u * 1024u)


struct client {
	int fd;
	uint32_t cmd_bo, data_bo, ctx;
	uint32_t *cmd, *data;
};

static int bo_new(int fd, uint32_t *handle, void **cpu)
{
	struct drm_mica_bo_create c = { .size = BO_BYTES };
	struct drm_mica_bo_mmap_offset m = { 0 };
	int r = mioctl(fd, DRM_IOCTL_MICA_BO_CREATE, &c);

	if (r)
		return r;
	*handle = c.handle;
	m.handle = c.handle;
	r = mioctl(fd, DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m);
	if (r)
		return r;
	*cpu = mmap(NULL, BO_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
	return *cpu == MAP_FAILED ? -errno : 0;
}

static int bind(int fd, uint32_t handle, uint64_t va, uint32_t perms)
{
	struct drm_mica_vm_bind_op op = { .op = DRM_MICA_BIND_OP_MAP, .flags = perms,
					  .handle = handle, .va = va, .size = BO_BYTES };
	struct drm_mica_vm_bind b = { .ops = { sizeof(op), 1, (uintptr_t)&op } };

	return mioctl(fd, DRM_IOCTL_MICA_VM_BIND, &b);
}

static int client_open(struct client *c)
{
	struct drm_mica_ctx_create cc = { .type = DRM_MICA_CTX_COMPUTE };
	void *p;
	int r;

	memset(c, 0, sizeof(*c));
	c->fd = open(NODE, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	if ((r = bo_new(c->fd, &c->cmd_bo, &p)))
		return r;
	c->cmd = p;
	if ((r = bo_new(c->fd, &c->data_bo, &p)))
		return r;
	c->data = p;
	if ((r = bind(c->fd, c->cmd_bo, CMD_VA, DRM_MICA_BIND_READ)))
		return r;
	if ((r = bind(c->fd, c->data_bo, DATA_VA, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE)))
		return r;
	r = mioctl(c->fd, DRM_IOCTL_MICA_CTX_CREATE, &cc);
	c->ctx = cc.handle;
	return r;
}

/* The mappings hold the file open (VMAs pin it): unmap, then close, so the file really goes. */
static void client_close(struct client *c)
{
	if (c->cmd)
		munmap(c->cmd, BO_BYTES);
	if (c->data)
		munmap(c->data, BO_BYTES);
	close(c->fd);
}

static int submit(struct client *c, const uint32_t *dw, uint32_t n, uint64_t *seqno)
{
	struct drm_mica_cmdbuf cb = { .va = CMD_VA, .dwords = n };
	struct drm_mica_submit s = { .ctx = c->ctx, .cmdbufs = { sizeof(cb), 1, (uintptr_t)&cb } };
	int r;

	memcpy(c->cmd, dw, n * 4);
	r = mioctl(c->fd, DRM_IOCTL_MICA_SUBMIT, &s);
	*seqno = s.seqno;
	return r;
}

/* A submit on context ctx that waits for wait_sync:wait_point and/or signals out_sync:out_point
 * (a handle of 0 leaves that side out); the commands go at dword offset 'at' of the command BO.
 */
static int submit_sync(struct client *c, uint32_t ctx, uint32_t at, const uint32_t *dw, uint32_t n,
		       uint32_t wait_sync, uint64_t wait_point, uint32_t out_sync, uint64_t out_point,
		       uint64_t *seqno)
{
	struct drm_mica_cmdbuf cb = { .va = CMD_VA + 4ull * at, .dwords = n };
	struct drm_mica_sync_point in = { .handle = wait_sync, .point = wait_point };
	struct drm_mica_sync_point out = { .handle = out_sync, .point = out_point };
	struct drm_mica_submit s = { .ctx = ctx, .cmdbufs = { sizeof(cb), 1, (uintptr_t)&cb },
				     .in_syncs = { sizeof(in), wait_sync ? 1 : 0, (uintptr_t)&in },
				     .out_syncs = { sizeof(out), out_sync ? 1 : 0, (uintptr_t)&out } };
	int r;

	memcpy(c->cmd + at, dw, n * 4);
	r = mioctl(c->fd, DRM_IOCTL_MICA_SUBMIT, &s);
	*seqno = s.seqno;
	return r;
}

static int syncobj_new(int fd, uint32_t flags, uint32_t *handle)
{
	struct drm_syncobj_create c = { .flags = flags };
	int r = mioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);

	*handle = c.handle;
	return r;
}

/* DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT of one point; relative timeout. */
static int syncobj_wait(int fd, uint32_t handle, uint64_t point, int64_t timeout_ns, uint32_t flags)
{
	struct timespec ts;
	struct drm_syncobj_timeline_wait w = { .handles = (uintptr_t)&handle, .points = (uintptr_t)&point,
					       .count_handles = 1, .flags = flags };

	clock_gettime(CLOCK_MONOTONIC, &ts);
	w.timeout_nsec = ts.tv_sec * 1000000000ll + ts.tv_nsec + timeout_ns;
	return mioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

static int wait_job(struct client *c, uint64_t seqno, int64_t timeout_ns, int32_t *error)
{
	struct drm_mica_ctx_wait w = { .ctx = c->ctx, .seqno = seqno, .timeout_ns = timeout_ns };
	int r = mioctl(c->fd, DRM_IOCTL_MICA_CTX_WAIT, &w);

	*error = w.error;
	return r;
}

static void test_identity(void)
{
	char name[32] = { 0 };
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	struct drm_mica_dev_info info;
	struct drm_mica_dev_query q = { .type = DRM_MICA_DEV_QUERY_INFO, .size = sizeof(info),
					.pointer = (uintptr_t)&info };
	int fd = open(NODE, O_RDWR | O_CLOEXEC);

	check(fd >= 0, "open " NODE, strerror(errno));
	if (fd < 0)
		return;
	check(mioctl(fd, DRM_IOCTL_VERSION, &v) == 0 && !strcmp(name, "mica"), "DRM_IOCTL_VERSION says mica", name);
	memset(&info, 0, sizeof(info));
	check(mioctl(fd, DRM_IOCTL_MICA_DEV_QUERY, &q) == 0 && info.vram_size > 0 && info.cu_count > 0 &&
	      info.page_size == MICA_PAGE_SIZE, "DEV_QUERY_INFO", NULL);
	printf("# revision %u, %u CUs, %llu MiB, power profile %u\n", info.revision, info.cu_count,
	       (unsigned long long)(info.vram_size >> 20), info.power_profile);
	q.type = 0x7fffffff;
	check(mioctl(fd, DRM_IOCTL_MICA_DEV_QUERY, &q) == -EINVAL, "DEV_QUERY unknown type: -EINVAL", NULL);
	close(fd);
}

static void test_errnos(void)
{
	int fd = open(NODE, O_RDWR | O_CLOEXEC);
	struct drm_mica_bo_create c = { .size = 4096, .pad = 1 };
	struct drm_gem_close cl = { .handle = 12345 };
	struct drm_mica_bo_mmap_offset m = { .handle = 777 };

	check(fd >= 0, "open " NODE, strerror(errno));
	if (fd < 0)
		return;
	check(mioctl(fd, DRM_IOCTL_MICA_BO_CREATE, &c) == -EINVAL, "BO_CREATE non-zero pad: -EINVAL", NULL);
	c.pad = 0;
	c.size = 0;
	check(mioctl(fd, DRM_IOCTL_MICA_BO_CREATE, &c) == -EINVAL, "BO_CREATE size 0: -EINVAL", NULL);
	check(mioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl) == -EINVAL, "GEM_CLOSE unknown handle: -EINVAL", NULL);
	check(mioctl(fd, DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_RETIRED_BO_CLOSE, struct drm_gem_close), &cl) == -ENOTTY,
	      "retired driver ioctl number (BO_CLOSE): -ENOTTY", NULL);
	check(mioctl(fd, DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m) == -ENOENT, "BO_MMAP_OFFSET unknown handle: -ENOENT", NULL);
	check(mioctl(fd, DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_IOCTL_COUNT, struct drm_gem_close), &cl) == -ENOTTY,
	      "driver ioctl beyond the table: -ENOTTY", NULL);
	check(mioctl(fd, DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_BO_MMAP_OFFSET, struct drm_mica_bo_create), &m) == -EINVAL,
	      "driver ioctl with another struct size: -EINVAL (not zero-extended)", NULL);
	check(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 1ll << 40) == MAP_FAILED, "mmap of an unknown offset fails", NULL);
	close(fd);
}

static void test_execute(void)
{
	struct client c;
	uint64_t seq = 0;
	int32_t err = 1;
	int r = client_open(&c), i, ok;

	check(r == 0, "BO_CREATE + mmap + VM_BIND + CTX_CREATE", strerror(-r));
	if (r)
		return;
	c.data[0] = 0xdeadbeef;
	{
		uint32_t dw[] = { pkt(MICA_PKT_WRITE_DATA, 4), (uint32_t)(DATA_VA + 16), (uint32_t)(DATA_VA >> 32), 0x11, 0x22,
				  pkt(MICA_PKT_DMA_FILL, 4), (uint32_t)(DATA_VA + 4096), (uint32_t)(DATA_VA >> 32), 0xabcdabcd, 4096 };

		r = submit(&c, dw, sizeof(dw) / 4, &seq);
	}
	check(r == 0 && seq >= 1, "SUBMIT WRITE_DATA + DMA_FILL", strerror(-r));
	r = wait_job(&c, seq, 10000000000ll, &err);
	check(r == 0 && err == 0, "CTX_WAIT: the job completed", strerror(-r));
	check(c.data[4] == 0x11 && c.data[5] == 0x22, "WRITE_DATA result visible through the CPU mapping", NULL);
	for (i = 0, ok = 1; i < 1024; i++)
		ok &= c.data[1024 + i] == 0xabcdabcd;
	check(ok && c.data[2048] == 0, "DMA_FILL wrote exactly 4096 bytes", NULL);
	{
		uint32_t dw[] = { pkt(MICA_PKT_SET_PAGE_TABLE, MICA_PKT_SET_PAGE_TABLE_LEN_MIN), 0, 0, 0 };

		r = submit(&c, dw, 1 + MICA_PKT_SET_PAGE_TABLE_LEN_MIN, &seq);
		check(r == -EPERM, "SUBMIT of a privileged packet: -EPERM", strerror(-r));
	}
	{
		uint32_t dw[] = { pkt(MICA_PKT_WRITE_DATA, 3), 0x30000000u, 0, 1 };

		r = submit(&c, dw, 4, &seq);
		check(r != 0, "SUBMIT writing an unmapped VA is refused", NULL);
	}
	{
		/* A second file sees none of the first one's objects. */
		struct client o;
		struct drm_mica_bo_mmap_offset m = { .handle = c.data_bo };

		r = client_open(&o);
		check(r == 0, "second client", strerror(-r));
		m.handle = c.cmd_bo + 100;
		check(mioctl(o.fd, DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m) == -ENOENT, "handles are per file", NULL);
		close(o.fd);
	}
	{
		struct drm_mica_bo_info bi = { .handle = c.data_bo };

		check(mioctl(c.fd, DRM_IOCTL_MICA_BO_INFO, &bi) == 0 && bi.size == BO_BYTES &&
		      bi.caching == DRM_MICA_CACHING_WC, "BO_INFO: device memory is mapped write-combined", NULL);
	}
	check(munmap(c.data, BO_BYTES - 4096) != 0 && errno == EINVAL, "munmap of part of a BO mapping: -EINVAL", NULL);
	check(munmap(c.data, BO_BYTES) == 0 && munmap(c.cmd, BO_BYTES) == 0, "munmap", NULL);
	close(c.fd);
}

/* One process hangs its context (WAIT_MEM nobody satisfies); the other's job still completes. */
static void test_hang_two_processes(void)
{
	int pipefd[2], status = 0;
	pid_t pid;
	struct client c;
	uint64_t seq = 0;
	int32_t err = 1;
	int r;
	char verdict = 'x';

	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		struct client h;
		uint32_t dw[] = { pkt(MICA_PKT_WAIT_MEM, 5), (uint32_t)DATA_VA, (uint32_t)(DATA_VA >> 32), 1, 0, MICA_WAIT_EQ };

		close(pipefd[0]);
		if (client_open(&h) || submit(&h, dw, 6, &seq))
			_exit(2);
		r = wait_job(&h, seq, 60000000000ll, &err);
		verdict = (r == 0 && err == -EIO) ? 'g' : 'b';
		if (write(pipefd[1], &verdict, 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	r = client_open(&c);
	if (!r) {
		uint32_t dw[] = { pkt(MICA_PKT_WRITE_DATA, 3), (uint32_t)(DATA_VA + 8), (uint32_t)(DATA_VA >> 32), 0x77 };

		r = submit(&c, dw, 4, &seq);
		if (!r)
			r = wait_job(&c, seq, 60000000000ll, &err);
	}
	check(r == 0 && err == 0 && c.data[2] == 0x77, "the innocent process's job completes", strerror(-r));
	if (read(pipefd[0], &verdict, 1) != 1)
		verdict = '?';
	waitpid(pid, &status, 0);
	check(verdict == 'g', "the hanging process's job fails with -EIO (killed)", NULL);
	close(pipefd[0]);
	client_close(&c);
}

/* A client killed in the middle of a job: the kernel cleans up at close. */
static void test_killed_client(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct client h;
		uint64_t seq;
		uint32_t dw[] = { pkt(MICA_PKT_WAIT_MEM, 5), (uint32_t)DATA_VA, (uint32_t)(DATA_VA >> 32), 1, 0, MICA_WAIT_EQ };

		if (client_open(&h) || submit(&h, dw, 6, &seq))
			_exit(2);
		for (;;)
			pause();
	}
	usleep(200000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	check(WIFSIGNALED(status), "client killed while its job runs", NULL);
	{
		struct client c;
		uint64_t seq = 0;
		int32_t err = 1;
		uint32_t dw[] = { pkt(MICA_PKT_WRITE_DATA, 3), (uint32_t)DATA_VA, (uint32_t)(DATA_VA >> 32), 0x99 };
		int r = client_open(&c);

		if (!r)
			r = submit(&c, dw, 4, &seq);
		if (!r)
			r = wait_job(&c, seq, 60000000000ll, &err);
		check(r == 0 && err == 0 && c.data[0] == 0x99, "the device still works afterwards", strerror(-r));
		client_close(&c);
	}
}

/* One line "name value" of debugfs mica_sched (mica_linux_sched.c), or -1. */
static long sched_stat(const char *name)
{
	glob_t g;
	char line[128];
	long v = -1;
	size_t n = strlen(name);
	FILE *f;

	if (glob("/sys/kernel/debug/dri/*/mica_sched", 0, NULL, &g) || !g.gl_pathc)
		return -1;
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Frees are deferred (scheduler thread, workqueue): give them up to 5 s to reach zero. */
static int sched_objects_drain(char *detail, size_t len)
{
	long jobs = -1, pending = -1;
	int i;

	for (i = 0; i < 100; i++) {
		jobs = sched_stat("jobs");
		pending = sched_stat("pending");
		if (jobs == 0 && pending == 0)
			return 1;
		usleep(50000);
	}
	snprintf(detail, len, "jobs %ld, pending %ld", jobs, pending);
	return 0;
}

/* Waits for a child for up to 20 s (a close that blocks in the kernel must fail, not hang). */
static int reap(pid_t pid, int *status)
{
	int i;

	for (i = 0; i < 400; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 1;
		usleep(50000);
	}
	return 0;
}

/*
 * Killed while its jobs wait in drm_sched for the fence of another of its jobs (a WAIT_MEM
 * nobody satisfies, on a second context): an entity is torn down only after its jobs'
 * dependencies signalled (6.1's drm_sched_entity_fini), which the teardown of the other context
 * (its job ends by the watchdog or the kernel timeout) makes happen: the exit completes.
 */
static void test_killed_while_waiting(void)
{
	int pipefd[2], status = 0;
	char ready = 0, detail[96] = "";
	pid_t pid;

	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		struct client h;
		struct drm_mica_ctx_create cc = { .type = DRM_MICA_CTX_COMPUTE };
		uint32_t gate = 0;
		uint64_t seq;
		uint32_t wait[] = { pkt(MICA_PKT_WAIT_MEM, 5), (uint32_t)(DATA_VA + 64), (uint32_t)(DATA_VA >> 32),
				    1, 0, MICA_WAIT_EQ };
		uint32_t dw[] = { pkt(MICA_PKT_WRITE_DATA, 3), (uint32_t)DATA_VA, (uint32_t)(DATA_VA >> 32), 0x55 };

		close(pipefd[0]);
		if (client_open(&h) || mioctl(h.fd, DRM_IOCTL_MICA_CTX_CREATE, &cc) ||
		    syncobj_new(h.fd, 0, &gate))
			_exit(2);
		/* the gate job on the second context, two jobs behind its fence, one more behind them */
		if (submit_sync(&h, cc.handle, 0, wait, 6, 0, 0, gate, 1, &seq) ||
		    submit_sync(&h, h.ctx, 64, dw, 4, gate, 1, 0, 0, &seq) ||
		    submit_sync(&h, h.ctx, 128, dw, 4, gate, 1, 0, 0, &seq) ||
		    submit_sync(&h, h.ctx, 192, dw, 4, 0, 0, 0, 0, &seq))
			_exit(3);
		ready = 'r';
		if (write(pipefd[1], &ready, 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	if (read(pipefd[0], &ready, 1) != 1)
		ready = '?';
	close(pipefd[0]);
	check(ready == 'r', "jobs queued behind another job's fence", NULL);
	kill(pid, SIGKILL);
	check(reap(pid, &status) && WIFSIGNALED(status),
	      "client killed while its jobs wait for a fence: the exit completes", NULL);
	check(sched_objects_drain(detail, sizeof(detail)),
	      "nothing of it is left in the scheduler (jobs, pending)", detail);
}

/*
 * DRM sync objects as SUBMIT's in- and out-syncs: nothing waits for a point nobody submitted
 * (-EINVAL: wait-before-signal is user space's, which defers such submissions), a host-signalled
 * point lets the job run, and the job's fence becomes a timeline point and a binary fence.
 */
static void test_syncobj(void)
{
	struct client c;
	uint32_t tl = 0, bin = 0, point_handle;
	uint64_t seq = 0, point = 3, value = 0;
	int32_t err = 1;
	uint32_t dw[] = { pkt(MICA_PKT_WRITE_DATA, 3), (uint32_t)(DATA_VA + 16), (uint32_t)(DATA_VA >> 32), 0x66 };
	struct drm_syncobj_timeline_array a = { .points = (uintptr_t)&point, .count_handles = 1 };
	int r = client_open(&c);

	if (!r)
		r = syncobj_new(c.fd, 0, &tl);
	if (!r)
		r = syncobj_new(c.fd, 0, &bin);
	check(r == 0 && submit_sync(&c, c.ctx, 0, dw, 4, tl, 3, 0, 0, &seq) == -EINVAL,
	      "syncobj: SUBMIT waiting for a point nobody submitted: -EINVAL", strerror(-r));
	point_handle = tl;
	a.handles = (uintptr_t)&point_handle;
	r = r ? r : mioctl(c.fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a);
	if (!r)
		r = submit_sync(&c, c.ctx, 0, dw, 4, tl, 3, bin, 0, &seq);
	if (!r)
		r = wait_job(&c, seq, 10000000000ll, &err);
	check(r == 0 && err == 0 && c.data[4] == 0x66, "syncobj: a host-signalled point lets the job run",
	      strerror(-r));
	check(r == 0 && syncobj_wait(c.fd, bin, 0, 1000000000ll, 0) == 0,
	      "syncobj: the job's fence replaced the binary sync object's", NULL);
	dw[3] = 0x67;
	if (!r)
		r = submit_sync(&c, c.ctx, 0, dw, 4, bin, 0, tl, 5, &seq);
	if (!r)
		r = syncobj_wait(c.fd, tl, 5, 10000000000ll, 0);
	a.points = (uintptr_t)&value;
	if (!r)
		r = mioctl(c.fd, DRM_IOCTL_SYNCOBJ_QUERY, &a);
	check(r == 0 && value == 5 && c.data[4] == 0x67, "syncobj: the job's fence is timeline point 5",
	      strerror(-r));
	check(submit_sync(&c, c.ctx, 0, dw, 4, 0, 0, tl, 5, &seq) == -EINVAL,
	      "syncobj: an out point not above the last: -EINVAL", NULL);
	client_close(&c);
}

/*
 * CTX_DESTROY racing the job that a dependency has just released: a job waits (in drm_sched)
 * for a gate job on another context; the CPU opens the gate and destroys the job's context at
 * once, after a delay that differs each round, so that the destroy lands anywhere from before
 * the scheduler thread popped the job to after it handed the job to the core. Every round the
 * job's out-sync must signal (it ran, or it was cancelled). It did not when the scheduler
 * thread popped the job just before the destroy: the destroy returned (the entity's queue was
 * empty), the context left its slot, and run_job handed the core a job of a context it would
 * never visit again (mica_os_ctx_fini now waits for run_job).
 */
#define DESTROY_ROUNDS 150
static void test_destroy_races_release(void)
{
	struct client c;
	uint32_t gate = 0, out = 0, stuck = 0, n = 0, i;
	uint64_t seq = 0;
	int r = client_open(&c);

	if (!r)
		r = syncobj_new(c.fd, 0, &gate);
	if (!r)
		r = syncobj_new(c.fd, 0, &out);
	for (i = 1; !r && i <= DESTROY_ROUNDS; i++) {
		/* The gate job on c.ctx waits for data[0] == i; the job waits for the gate job. */
		uint32_t wait[] = { pkt(MICA_PKT_WAIT_MEM, 5), (uint32_t)DATA_VA, (uint32_t)(DATA_VA >> 32), i, 0, MICA_WAIT_EQ };
		uint32_t nop[] = { pkt(MICA_PKT_NOP, 0) };
		struct drm_mica_ctx_create cc = { .type = DRM_MICA_CTX_COMPUTE };
		struct drm_mica_ctx_destroy d = { 0 };
		volatile uint32_t spin;

		r = mioctl(c.fd, DRM_IOCTL_MICA_CTX_CREATE, &cc);
		if (!r)
			r = submit_sync(&c, c.ctx, 0, wait, 6, 0, 0, gate, i, &seq);
		if (!r)
			r = submit_sync(&c, cc.handle, 64, nop, 1, gate, i, out, i, &seq);
		if (r)
			break;
		__atomic_store_n(&c.data[0], i, __ATOMIC_RELEASE);
		for (spin = 0; spin < (i % 25) * 2000; spin++)
			;
		d.handle = cc.handle;
		r = mioctl(c.fd, DRM_IOCTL_MICA_CTX_DESTROY, &d);
		if (!r && syncobj_wait(c.fd, out, i, 5000000000ll, 0) != 0)
			stuck = i;
		n++;
		if (stuck)
			break;
	}
	check(r == 0 && !stuck && n == DESTROY_ROUNDS,
	      "CTX_DESTROY racing the job a dependency released: its out-sync signals, every round",
	      r ? strerror(-r) : stuck ? "a round's out-sync never signalled" : NULL);
	client_close(&c);
}

/*
 * Module loaded with a watchdog that never fires: a WAIT_MEM nobody satisfies ends only by the
 * kernel's timeout. drm_sched's timedout_job asks the core (twice per core timeout), the core
 * kills the context; the other process is unaffected.
 */
static int test_tdr(void)
{
	struct client bad, good;
	uint64_t hang = 0, work = 0;
	int32_t err = 1, gerr = 1;
	uint32_t wait[] = { pkt(MICA_PKT_WAIT_MEM, 5), (uint32_t)DATA_VA, (uint32_t)(DATA_VA >> 32), 1, 0, MICA_WAIT_EQ };
	uint32_t write[] = { pkt(MICA_PKT_WRITE_DATA, 3), (uint32_t)DATA_VA, (uint32_t)(DATA_VA >> 32), 0x88 };
	long before = sched_stat("timeouts");
	int r = client_open(&bad);

	if (!r)
		r = client_open(&good);
	if (!r)
		r = submit(&bad, wait, 6, &hang);
	if (!r)
		r = submit(&good, write, 4, &work);
	if (!r)
		r = wait_job(&good, work, 30000000000ll, &gerr);
	check(r == 0 && gerr == 0 && good.data[0] == 0x88, "tdr: the other client's job completes", strerror(-r));
	if (!r)
		r = wait_job(&bad, hang, 30000000000ll, &err);
	check(r == 0 && err == -EIO, "tdr: the hang ends with -EIO (killed by the kernel timeout)", strerror(-r));
	check(before >= 0 && sched_stat("timeouts") > before, "tdr: drm_sched's timedout_job ran", NULL);
	client_close(&bad);
	client_close(&good);
	printf("mica_vm_smoke: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/*
 * `mica_vm_smoke busy MS`: one job that stalls (WAIT_MEM) for about MS milliseconds, released
 * from the CPU, then the client closes and the program exits without waiting: guest-init.sh
 * unloads the module right after, at a different point of drm_sched's timeout period each time,
 * so that a timeout handler is sometimes running while the module goes away.
 */
static int busy(long ms)
{
	struct client c;
	uint64_t seq = 0;
	uint32_t wait[] = { pkt(MICA_PKT_WAIT_MEM, 5), (uint32_t)DATA_VA, (uint32_t)(DATA_VA >> 32), 1, 0, MICA_WAIT_EQ };
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	int r = client_open(&c);

	if (!r)
		r = submit(&c, wait, 6, &seq);
	if (!r) {
		nanosleep(&ts, NULL);
		__atomic_store_n(&c.data[0], 1u, __ATOMIC_RELEASE);
	}
	client_close(&c);
	if (r)
		fprintf(stderr, "mica_vm_smoke busy: %s\n", strerror(-r));
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	char detail[96] = "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "tdr"))
		return test_tdr();
	if (argc > 2 && !strcmp(argv[1], "busy"))
		return busy(strtol(argv[2], NULL, 10));
	test_identity();
	test_errnos();
	test_execute();
	test_hang_two_processes();
	test_killed_client();
	test_syncobj();
	test_killed_while_waiting();
	test_destroy_races_release();
	check(sched_objects_drain(detail, sizeof(detail)),
	      "every client closed: the scheduler holds no job or fence", detail);
	printf("mica_vm_smoke: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
