/* SPDX-License-Identifier: MIT */
/*
 * The driver's own log (a dmesg-like ring of text lines, readable by tests and tools) and the
 * per-reason rejection counters. Every refused submission or binary lands here with its reason.
 */
#ifndef MICA_LOG_H
#define MICA_LOG_H

#include "mica_os.h"

#define MICA_LOG_BYTES (64u * 1024u)
#define MICA_REJECT_MSG_BYTES 160u

/* Why a validator refused something: reason, where (byte or dword offset) and a sentence. */
struct mica_reject {
	u32 reason;		/* enum drm_mica_reject_reason */
	u32 offset;
	char msg[MICA_REJECT_MSG_BYTES];
};

struct mica_log {
	struct mutex lock;	/* buf and written; leaf */
	char *buf;
	u64 written;		/* total bytes ever written; buf holds the last MICA_LOG_BYTES */
	atomic64_t reject_counts[DRM_MICA_REJECT_COUNT];
};

int mica_log_init(struct mica_log *log);
void mica_log_fini(struct mica_log *log);
__printf(2, 3)
void mica_log_printf(struct mica_log *log, const char *fmt, ...);
/* Counts rej->reason, logs "reject <NAME> ...: msg" with the context given by who. */
void mica_log_reject(struct mica_log *log, const char *who, const struct mica_reject *rej);
/* Copies the newest part of the log that fits (oldest line first, NUL-terminated);
 * returns the length.
 */
size_t mica_log_read(struct mica_log *log, char *out, size_t len);
u64 mica_log_reject_count(struct mica_log *log, u32 reason);

__printf(3, 4)
int mica_reject_set(struct mica_reject *rej, u32 reason, const char *fmt, ...);
const char *mica_reject_name(u32 reason);
/* The errno a rejection returns to user space (docs/uapi.md). */
int mica_reject_errno(u32 reason);

#endif /* MICA_LOG_H */
