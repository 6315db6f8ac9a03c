// SPDX-License-Identifier: MIT
/*
 * PRIME in the QEMU guest (tests/vm/run-vm-tests.sh), against the real module: a Mica BO exported
 * as a dma-buf fd, mmap of the dma-buf, DMA_BUF_IOCTL_SYNC, self-import, import into a second Mica
 * client in another process (data written by that client's job visible to the first), BO_INFO's
 * caching mode on the importer, and vgem (when loaded): import of a Mica dma-buf into vgem and
 * back, a vgem fence on it seen by the Mica dma-buf's poll, a vgem fence as a Mica job's in-sync
 * (sync file imported into a DRM sync object), the Mica job's own fence in the shared BO's
 * reservation (implicit sync: poll and DMA_BUF_IOCTL_EXPORT_SYNC_FILE wait for it), and a vgem
 * buffer refused by Mica.
 * Static, libc only: prints "ok"/"not ok" lines and "N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>
#include <drm_mode.h>
#include <linux/dma-buf.h>
#include "drm/mica_drm.h"
#include "mica_hw.h"
#include "vm_tap.h"

#define NODE "/dev/dri/renderD128"
#define CMD_VA 0x10000000ull
#define DATA_VA 0x20000000ull
#define BO_BYTES (64u * 1024u)

/* vgem's uapi (include/uapi/drm/vgem_drm.h; libdrm does not ship it). */
struct vgem_fence_attach {
	__u32 handle;
	__u32 flags;
	__u32 out_fence;
	__u32 pad;
};
struct vgem_fence_signal {
	__u32 fence;
	__u32 flags;
};
#define VGEM_FENCE_WRITE 0x1
#define IOCTL_VGEM_FENCE_ATTACH DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct vgem_fence_attach)
#define IOCTL_VGEM_FENCE_SIGNAL DRM_IOW(DRM_COMMAND_BASE + 0x2, struct vgem_fence_signal)


static int bo_new(int fd, uint32_t flags, uint32_t *handle)
{
	struct drm_mica_bo_create c = { .size = BO_BYTES, .flags = flags };
	int r = mioctl(fd, DRM_IOCTL_MICA_BO_CREATE, &c);

	*handle = c.handle;
	return r;
}

static void *bo_map(int fd, uint32_t handle)
{
	struct drm_mica_bo_mmap_offset m = { .handle = handle };
	void *p;

	if (mioctl(fd, DRM_IOCTL_MICA_BO_MMAP_OFFSET, &m))
		return NULL;
	p = mmap(NULL, BO_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
	return p == MAP_FAILED ? NULL : p;
}

static int export_fd(int fd, uint32_t handle, int *out)
{
	struct drm_prime_handle p = { .handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1 };
	int r = mioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);

	*out = p.fd;
	return r;
}

static int import_fd(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle p = { .fd = dmabuf };
	int r = mioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);

	*handle = p.handle;
	return r;
}

static int bind(int fd, uint32_t handle, uint64_t va, uint32_t perms)
{
	struct drm_mica_vm_bind_op op = { .op = DRM_MICA_BIND_OP_MAP, .flags = perms, .handle = handle,
					  .va = va, .size = BO_BYTES };
	struct drm_mica_vm_bind b = { .ops = { sizeof(op), 1, (uintptr_t)&op } };

	return mioctl(fd, DRM_IOCTL_MICA_VM_BIND, &b);
}

/* The first node under prefix (card / renderD) whose driver is name, opened; -1 if none. */
static int open_driver(const char *prefix, int first, const char *name)
{
	char path[64], drv[32];
	int i;

	for (i = first; i < first + 8; i++) {
		struct drm_version v;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/%s%d", prefix, i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(drv, 0, sizeof(drv));
		memset(&v, 0, sizeof(v));
		v.name = drv;
		v.name_len = sizeof(drv) - 1;
		if (mioctl(fd, DRM_IOCTL_VERSION, &v) == 0 && !strcmp(drv, name))
			return fd;
		close(fd);
	}
	return -1;
}

/* A second process with its own Mica file imports the dma-buf, checks BO_INFO and the data, and
 * runs a job that writes into the shared BO through its own VM. */
static int importer_child(int dmabuf)
{
	struct drm_mica_ctx_create cc = { .type = DRM_MICA_CTX_COMPUTE };
	struct drm_mica_bo_info info = { 0 };
	uint32_t h, cmd_bo, *cmd, *data;
	int fd = open(NODE, O_RDWR | O_CLOEXEC);

	if (fd < 0 || import_fd(fd, dmabuf, &h))
		return 10;
	info.handle = h;
	if (mioctl(fd, DRM_IOCTL_MICA_BO_INFO, &info) || info.size != BO_BYTES ||
	    info.caching != DRM_MICA_CACHING_WC || info.shader)
		return 11;
	data = bo_map(fd, h);
	if (!data || data[0] != 0x5eed0001)
		return 12;
	if (bo_new(fd, 0, &cmd_bo) || !(cmd = bo_map(fd, cmd_bo)) ||
	    bind(fd, cmd_bo, CMD_VA, DRM_MICA_BIND_READ) ||
	    bind(fd, h, DATA_VA, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE) ||
	    mioctl(fd, DRM_IOCTL_MICA_CTX_CREATE, &cc))
		return 13;
	{
		uint32_t dw[] = { pkt(MICA_PKT_WRITE_DATA, 3), (uint32_t)(DATA_VA + 32), (uint32_t)(DATA_VA >> 32),
				  0xc0ffee01 };
		struct drm_mica_cmdbuf cb = { .va = CMD_VA, .dwords = sizeof(dw) / 4 };
		struct drm_mica_submit s = { .ctx = cc.handle, .cmdbufs = { sizeof(cb), 1, (uintptr_t)&cb } };
		struct drm_mica_ctx_wait w = { .ctx = cc.handle, .timeout_ns = 10000000000ll };

		memcpy(cmd, dw, sizeof(dw));
		if (mioctl(fd, DRM_IOCTL_MICA_SUBMIT, &s))
			return 14;
		w.seqno = s.seqno;
		if (mioctl(fd, DRM_IOCTL_MICA_CTX_WAIT, &w) || w.error)
			return 15;
	}
	close(fd);	/* the job is done; the exporter's memory stays (it holds a handle) */
	return 0;
}

/*
 * A vgem fence (on a vgem buffer) becomes a Mica job's in-sync through a sync file imported into a
 * DRM sync object; the job references the shared BO, so while it waits its finished fence sits
 * in the BO's reservation and an importer waiting on the dma-buf waits for Mica's work.
 */
static void test_vgem_fences(int mica, uint32_t handle, int dmabuf, int card, volatile uint32_t *cpu)
{
	struct drm_mode_create_dumb dumb = { .height = 16, .width = 256, .bpp = 32 };
	struct drm_mica_ctx_create cc = { .type = DRM_MICA_CTX_COMPUTE };
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC, .fd = -1 };
	struct dma_buf_export_sync_file es = { .flags = DMA_BUF_SYNC_RW, .fd = -1 };
	struct drm_syncobj_handle imp = { .flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE };
	struct drm_syncobj_create sc = { 0 };
	struct vgem_fence_attach fa = { .flags = VGEM_FENCE_WRITE };
	struct vgem_fence_signal fs = { 0 };
	struct pollfd p = { .fd = dmabuf, .events = POLLIN };
	uint32_t cmd_bo, *cmd;
	int32_t err = 1;
	int r;

	r = mioctl(card, DRM_IOCTL_MODE_CREATE_DUMB, &dumb);
	ph.handle = dumb.handle;
	r = r ? r : mioctl(card, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
	fa.handle = dumb.handle;
	r = r ? r : mioctl(card, IOCTL_VGEM_FENCE_ATTACH, &fa);
	es.fd = -1;
	if (!r) {
		struct dma_buf_export_sync_file e = { .flags = DMA_BUF_SYNC_RW, .fd = -1 };

		r = mioctl(ph.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &e);
		imp.fd = e.fd;
	}
	r = r ? r : mioctl(mica, DRM_IOCTL_SYNCOBJ_CREATE, &sc);
	imp.handle = sc.handle;
	r = r ? r : mioctl(mica, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &imp);
	check(r == 0, "a vgem fence's sync file imported into a Mica DRM sync object", strerror(-r));
	if (imp.fd >= 0)
		close(imp.fd);
	if (r)
		return;
	r = bo_new(mica, 0, &cmd_bo);
	cmd = r ? NULL : bo_map(mica, cmd_bo);
	if (!cmd || bind(mica, cmd_bo, CMD_VA, DRM_MICA_BIND_READ) ||
	    bind(mica, handle, DATA_VA, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE) ||
	    mioctl(mica, DRM_IOCTL_MICA_CTX_CREATE, &cc)) {
		check(0, "Mica client for the fence cases", NULL);
		return;
	}
	{
		uint32_t dw[] = { pkt(MICA_PKT_WRITE_DATA, 3), (uint32_t)(DATA_VA + 64), (uint32_t)(DATA_VA >> 32),
				  0xfeed0003 };
		struct drm_mica_cmdbuf cb = { .va = CMD_VA, .dwords = sizeof(dw) / 4 };
		struct drm_mica_bo_ref ref = { .handle = handle, .flags = DRM_MICA_BO_REF_WRITE };
		struct drm_mica_sync_point in = { .handle = sc.handle, .point = 0 };
		struct drm_mica_submit s = { .ctx = cc.handle, .cmdbufs = { sizeof(cb), 1, (uintptr_t)&cb },
					     .bos = { sizeof(ref), 1, (uintptr_t)&ref },
					     .in_syncs = { sizeof(in), 1, (uintptr_t)&in } };
		struct drm_mica_ctx_wait w = { .ctx = cc.handle, .timeout_ns = 200000000ll };

		memcpy(cmd, dw, sizeof(dw));
		r = mioctl(mica, DRM_IOCTL_MICA_SUBMIT, &s);
		w.seqno = s.seqno;
		check(r == 0 && mioctl(mica, DRM_IOCTL_MICA_CTX_WAIT, &w) == -ETIME && cpu[16] != 0xfeed0003,
		      "the vgem fence holds the Mica job back (a drm_sched dependency)", strerror(-r));
		check(poll(&p, 1, 0) == 0, "implicit sync: the pending Mica job holds the dma-buf's poll", NULL);
		r = mioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &es);
		check(r == 0 && es.fd >= 0, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE of the Mica dma-buf", strerror(-r));
		if (es.fd >= 0) {
			struct pollfd sp = { .fd = es.fd, .events = POLLIN };

			check(poll(&sp, 1, 0) == 0, "implicit sync: its sync file is not signalled while the job waits",
			      NULL);
		}
		fs.fence = fa.out_fence;
		r = mioctl(card, IOCTL_VGEM_FENCE_SIGNAL, &fs);
		w.timeout_ns = 10000000000ll;
		r = r ? r : mioctl(mica, DRM_IOCTL_MICA_CTX_WAIT, &w);
		err = w.error;
		check(r == 0 && err == 0 && cpu[16] == 0xfeed0003, "vgem signalled: the Mica job ran", strerror(-r));
		check(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "implicit sync: poll readable once the job is done",
		      NULL);
		if (es.fd >= 0) {
			struct pollfd sp = { .fd = es.fd, .events = POLLIN };

			check(poll(&sp, 1, 1000) == 1, "implicit sync: the exported sync file signalled with it", NULL);
			close(es.fd);
		}
	}
	{
		struct drm_mica_ctx_destroy d = { .handle = cc.handle };
		struct drm_mica_vm_bind_op op = { .op = DRM_MICA_BIND_OP_UNMAP, .va = DATA_VA, .size = BO_BYTES };
		struct drm_mica_vm_bind b = { .ops = { sizeof(op), 1, (uintptr_t)&op } };
		struct drm_gem_close gc = { .handle = cmd_bo };

		mioctl(mica, DRM_IOCTL_MICA_CTX_DESTROY, &d);
		mioctl(mica, DRM_IOCTL_MICA_VM_BIND, &b);
		op.va = CMD_VA;
		mioctl(mica, DRM_IOCTL_MICA_VM_BIND, &b);
		munmap(cmd, BO_BYTES);
		mioctl(mica, DRM_IOCTL_GEM_CLOSE, &gc);
	}
	close(ph.fd);
}

static void test_vgem(int mica, uint32_t handle, int dmabuf, volatile uint32_t *cpu)
{
	int vg = open_driver("renderD", 128, "vgem"), card = open_driver("card", 0, "vgem");
	struct drm_mode_create_dumb dumb = { .height = 16, .width = 256, .bpp = 32 };
	struct vgem_fence_attach fa = { .flags = VGEM_FENCE_WRITE };
	struct vgem_fence_signal fs = { 0 };
	struct pollfd p = { .fd = dmabuf, .events = POLLIN };
	uint32_t vh = 0, back = 0, h2;
	int fd2 = -1, r;

	if (vg < 0 || card < 0) {
		printf("# vgem not loaded: the vgem cases are skipped\n");
		check(0, "vgem render and card nodes present", NULL);
		return;
	}
	r = import_fd(vg, dmabuf, &vh);
	check(r == 0, "vgem imports the Mica dma-buf (attach + map: BAR bus address)", strerror(-r));
	/* vgem exports the imported object as the very same dma-buf: it comes home as the same BO. */
	{
		struct drm_prime_handle ph = { .handle = vh, .flags = DRM_CLOEXEC, .fd = -1 };

		r = mioctl(vg, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
		fd2 = ph.fd;
	}
	r = r ? r : import_fd(mica, fd2, &back);
	check(r == 0 && back == handle, "Mica -> vgem -> Mica comes back as the same handle", strerror(-r));
	/* Implicit sync: a vgem write fence on the shared reservation holds the Mica dma-buf's poll. */
	fa.handle = vh;
	r = mioctl(vg, IOCTL_VGEM_FENCE_ATTACH, &fa);
	check(r == 0, "vgem write fence attached to the shared BO", strerror(-r));
	if (r == 0) {
		check(poll(&p, 1, 0) == 0, "dma-buf poll: not readable while the write fence is pending", NULL);
		fs.fence = fa.out_fence;
		r = mioctl(vg, IOCTL_VGEM_FENCE_SIGNAL, &fs);
		check(r == 0 && poll(&p, 1, 1000) == 1 && (p.revents & POLLIN),
		      "dma-buf poll: readable once vgem signalled", strerror(-r));
		{
			struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };

			check(mioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync) == 0, "DMA_BUF_IOCTL_SYNC after the fence", NULL);
			sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
			mioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync);
		}
	}
	test_vgem_fences(mica, handle, dmabuf, card, cpu);
	/* vgem's own memory is system pages the Mica device cannot reach: refused. */
	r = mioctl(card, DRM_IOCTL_MODE_CREATE_DUMB, &dumb);
	check(r == 0, "vgem dumb buffer", strerror(-r));
	if (r == 0) {
		struct drm_prime_handle ph = { .handle = dumb.handle, .flags = DRM_CLOEXEC, .fd = -1 };

		r = mioctl(card, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph);
		check(r == 0, "vgem exports its buffer", strerror(-r));
		if (r == 0) {
			r = import_fd(mica, ph.fd, &h2);
			check(r == -EOPNOTSUPP, "Mica import of a vgem dma-buf: -EOPNOTSUPP", strerror(-r));
			close(ph.fd);
		}
	}
	if (fd2 >= 0)
		close(fd2);
	close(card);
	close(vg);	/* vgem drops its attachment: nothing of Mica's stays pinned */
}

int main(void)
{
	int fd = open(NODE, O_RDWR | O_CLOEXEC), dmabuf = -1, r, st;
	uint32_t h, self = 0, nomap;
	struct drm_mica_bo_info info = { 0 };
	uint32_t *cpu, *dcpu;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	check(fd >= 0, "open " NODE, strerror(errno));
	if (fd < 0)
		goto out;
	r = bo_new(fd, 0, &h);
	cpu = r ? NULL : bo_map(fd, h);
	check(cpu != NULL, "BO_CREATE + mmap", strerror(-r));
	if (!cpu)
		goto out;
	cpu[0] = 0x5eed0001;
	r = export_fd(fd, h, &dmabuf);
	check(r == 0 && dmabuf >= 0, "PRIME_HANDLE_TO_FD: a dma-buf fd", strerror(-r));
	if (r)
		goto out;
	r = import_fd(fd, dmabuf, &self);
	check(r == 0 && self == h, "self-import returns the exporter's handle", strerror(-r));

	/* The dma-buf itself maps the same memory (write-combined, like the render node's mmap). */
	dcpu = mmap(NULL, BO_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	check(dcpu != MAP_FAILED && dcpu[0] == 0x5eed0001, "mmap of the dma-buf shows the BO", strerror(errno));
	if (dcpu != MAP_FAILED) {
		struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };

		check(mioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync) == 0, "DMA_BUF_IOCTL_SYNC start", NULL);
		dcpu[1] = 0x5eed0002;
		sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
		check(mioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync) == 0, "DMA_BUF_IOCTL_SYNC end", NULL);
		check(cpu[1] == 0x5eed0002, "a write through the dma-buf mapping is the BO's", NULL);
		sync.flags = 0x80;
		check(mioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &sync) == -EINVAL, "DMA_BUF_IOCTL_SYNC bad flags: -EINVAL", NULL);
		check(mmap(NULL, BO_BYTES * 2, PROT_READ, MAP_SHARED, dmabuf, 0) == MAP_FAILED,
		      "mmap of the dma-buf past its size fails", NULL);
		check(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, dmabuf, 0) == MAP_FAILED,
		      "private mmap of the dma-buf fails", NULL);
		munmap(dcpu, BO_BYTES);
	}

	/* A second client in another process: BO_INFO, the data, and its job's write. */
	pid = fork();
	if (pid == 0)
		_exit(importer_child(dmabuf));
	st = -1;
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a second client imports, sees the data (caching WC) and its job writes",
	      NULL);
	check(cpu[8] == 0xc0ffee01, "the second client's job result is in the exporter's mapping", NULL);

	/* BO_INFO on the exporter, and the errors the DRM core gives. */
	info.handle = h;
	check(mioctl(fd, DRM_IOCTL_MICA_BO_INFO, &info) == 0 && info.caching == DRM_MICA_CACHING_WC,
	      "BO_INFO: write-combined", NULL);
	{
		struct drm_prime_handle bad = { .handle = 9999, .flags = DRM_CLOEXEC };

		check(mioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &bad) == -ENOENT, "export of an unknown handle: -ENOENT", NULL);
		bad = (struct drm_prime_handle){ .fd = 0x7fff };
		check(mioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &bad) == -EBADF, "import of a closed fd: -EBADF", NULL);
		bad.fd = fd;
		check(mioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &bad) == -EINVAL, "import of a non-dma-buf fd: -EINVAL", NULL);
	}
	/* NO_MMAP and shader BOs: their dma-bufs cannot be CPU mapped either. */
	if (bo_new(fd, DRM_MICA_BO_NO_MMAP, &nomap) == 0) {
		int nfd;

		if (export_fd(fd, nomap, &nfd) == 0) {
			check(mmap(NULL, BO_BYTES, PROT_READ, MAP_SHARED, nfd, 0) == MAP_FAILED && errno == EACCES,
			      "mmap of a NO_MMAP BO's dma-buf: EACCES", NULL);
			close(nfd);
		}
	}
	test_vgem(fd, h, dmabuf, cpu);

	/* Lifetime: the fd alone keeps the BO; closing everything lets the module unload later. */
	{
		struct drm_gem_close c = { .handle = h };

		munmap(cpu, BO_BYTES);
		check(mioctl(fd, DRM_IOCTL_GEM_CLOSE, &c) == 0, "GEM_CLOSE of the exported BO", NULL);
		r = import_fd(fd, dmabuf, &self);
		cpu = r ? NULL : bo_map(fd, self);
		check(cpu && cpu[8] == 0xc0ffee01, "the dma-buf kept the BO alive after GEM_CLOSE", strerror(-r));
		if (cpu)
			munmap(cpu, BO_BYTES);
	}
out:
	if (dmabuf >= 0)
		close(dmabuf);
	if (fd >= 0)
		close(fd);
	printf("mica_vm_prime: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
