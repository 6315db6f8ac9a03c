/* SPDX-License-Identifier: MIT */
/*
 * What the guest programs (mica_vm_smoke.c, mica_vm_prime.c) share: "ok N name" / "not ok N name:
 * detail" lines that guest-init.sh counts, and an ioctl wrapper returning 0 or -errno as the uapi
 * documents. Header-only: each program is one static, libc-only translation unit.
 */
#ifndef MICA_VM_TAP_H
#define MICA_VM_TAP_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "mica_hw.h"

static int passed, failed;

static inline void check(int ok, const char *name, const char *detail)
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
static inline int mioctl(int fd, unsigned long cmd, void *arg)
{
	int r;

	do
		r = ioctl(fd, cmd, arg);
	while (r < 0 && (errno == EINTR || errno == EAGAIN));
	return r < 0 ? -errno : 0;
}

static inline uint32_t pkt(uint32_t op, uint32_t len) { return MICA_PKT_HEADER(op, len); }

#endif
