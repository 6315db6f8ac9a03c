// SPDX-License-Identifier: MIT
/*
 * Runs in the QEMU guest against the real module on /dev/dri/renderD128 (tests/vm/run-vm-tests.sh):
 * the render node's identity, every core ioctl's success path, documented errnos, isolation
 * between two files, a job the device executes with its result read back through a CPU mapping,
 * and two processes where one hangs and is killed while the other completes.
 * Static, no libraries beyond libc: prints "ok"/"not ok" lines and "N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>
#include "drm/mica_drm.h"
#include "mica_hw.h"

#define NODE "/dev/dri/renderD128"
#define CMD_VA 0x10000000ull
#define DATA_VA 0x20000000ull
#define BO_BYTES (64u * 1024u)

static int passed, failed;

static void check(int ok, const char *name, const char *detail)
{
	if (ok)
		passed++;
	else
		failed++;
	printf("%s %d %s%s%s\n", ok ? "ok" : "not ok", passed + failed, name,
	       ok || !detail ? "" : ": ", ok || !detail ? "" : detail);
	fflush(stdout);
}

/* 0 or -errno, as the uapi documents. */
static int mioctl(int fd, unsigned long cmd, void *arg)
{
	int r;

	do
		r = ioctl(fd, cmd, arg);
	while (r < 0 && (errno == EINTR || errno == EAGAIN));
	return r < 0 ? -errno : 0;
}

static uint32_t pkt(uint32_t op, uint32_t len) { return MICA_PKT_HEADER(op, len); }

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
	close(c.fd);
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
		close(c.fd);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_identity();
	test_errnos();
	test_execute();
	test_hang_two_processes();
	test_killed_client();
	printf("mica_vm_smoke: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
