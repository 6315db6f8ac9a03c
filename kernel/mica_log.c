// SPDX-License-Identifier: MIT
/*
 * Driver log and rejection counters.
 */
#include "mica_log.h"

static const struct {
	const char *name;
	int err;
} reject_table[DRM_MICA_REJECT_COUNT] = {
	[DRM_MICA_REJECT_NONE] = { "NONE", 0 },
	[DRM_MICA_REJECT_CS_EMPTY] = { "CS_EMPTY", -EINVAL },
	[DRM_MICA_REJECT_CS_TRUNCATED] = { "CS_TRUNCATED", -EINVAL },
	[DRM_MICA_REJECT_CS_RESERVED_BITS] = { "CS_RESERVED_BITS", -EINVAL },
	[DRM_MICA_REJECT_CS_BAD_OPCODE] = { "CS_BAD_OPCODE", -EINVAL },
	[DRM_MICA_REJECT_CS_BAD_LENGTH] = { "CS_BAD_LENGTH", -EINVAL },
	[DRM_MICA_REJECT_CS_PRIV_PACKET] = { "CS_PRIV_PACKET", -EPERM },
	[DRM_MICA_REJECT_CS_QUEUE_TYPE] = { "CS_QUEUE_TYPE", -EINVAL },
	[DRM_MICA_REJECT_CS_BAD_FIELD] = { "CS_BAD_FIELD", -EINVAL },
	[DRM_MICA_REJECT_CS_MISALIGNED] = { "CS_MISALIGNED", -EINVAL },
	[DRM_MICA_REJECT_CS_ADDR_OVERFLOW] = { "CS_ADDR_OVERFLOW", -EINVAL },
	[DRM_MICA_REJECT_CS_ADDR_UNMAPPED] = { "CS_ADDR_UNMAPPED", -EACCES },
	[DRM_MICA_REJECT_CS_ADDR_PERM] = { "CS_ADDR_PERM", -EACCES },
	[DRM_MICA_REJECT_CS_DMA_OVERLAP] = { "CS_DMA_OVERLAP", -EINVAL },
	[DRM_MICA_REJECT_CS_SIGNAL_IRQ] = { "CS_SIGNAL_IRQ", -EPERM },
	[DRM_MICA_REJECT_CS_NO_PROGRAM] = { "CS_NO_PROGRAM", -EINVAL },
	[DRM_MICA_REJECT_CS_NOT_ENTRY] = { "CS_NOT_ENTRY", -EACCES },
	[DRM_MICA_REJECT_CS_REG_COUNT] = { "CS_REG_COUNT", -EINVAL },
	[DRM_MICA_REJECT_CS_STALE_SHADER] = { "CS_STALE_SHADER", -ENOEXEC },
	[DRM_MICA_REJECT_CS_CHAIN_DEPTH] = { "CS_CHAIN_DEPTH", -ELOOP },
	[DRM_MICA_REJECT_CS_CHAIN_LOOP] = { "CS_CHAIN_LOOP", -ELOOP },
	[DRM_MICA_REJECT_CS_TOO_BIG] = { "CS_TOO_BIG", -E2BIG },
	[DRM_MICA_REJECT_SH_HEADER] = { "SH_HEADER", -EINVAL },
	[DRM_MICA_REJECT_SH_SECTION] = { "SH_SECTION", -EINVAL },
	[DRM_MICA_REJECT_SH_ENTRY] = { "SH_ENTRY", -EINVAL },
	[DRM_MICA_REJECT_SH_UNDECODABLE] = { "SH_UNDECODABLE", -EINVAL },
	[DRM_MICA_REJECT_SH_PRIV_INSTRUCTION] = { "SH_PRIV_INSTRUCTION", -EPERM },
	[DRM_MICA_REJECT_SH_BRANCH_TARGET] = { "SH_BRANCH_TARGET", -EINVAL },
	[DRM_MICA_REJECT_SH_FALLS_OFF_END] = { "SH_FALLS_OFF_END", -EINVAL },
	[DRM_MICA_REJECT_SH_REG_COUNT] = { "SH_REG_COUNT", -EINVAL },
	[DRM_MICA_REJECT_SH_WAVE_START_TLB] = { "SH_WAVE_START_TLB", -EINVAL },
	[DRM_MICA_REJECT_SH_WRONG_REVISION] = { "SH_WRONG_REVISION", -ENOEXEC },
	[DRM_MICA_REJECT_SH_WRONG_PROFILE] = { "SH_WRONG_PROFILE", -ENOEXEC },
	[DRM_MICA_REJECT_CS_CU_RESOURCES] = { "CS_CU_RESOURCES", -EINVAL },
};

const char *mica_reject_name(u32 reason)
{
	if (reason >= DRM_MICA_REJECT_COUNT || !reject_table[reason].name)
		return "UNKNOWN";
	return reject_table[reason].name;
}

int mica_reject_errno(u32 reason)
{
	if (reason == DRM_MICA_REJECT_NONE || reason >= DRM_MICA_REJECT_COUNT)
		return -EINVAL;
	return reject_table[reason].err;
}

int mica_reject_set(struct mica_reject *rej, u32 reason, const char *fmt, ...)
{
	va_list ap;

	rej->reason = reason;
	va_start(ap, fmt);
	mica_vsnprintf(rej->msg, sizeof(rej->msg), fmt, ap);
	va_end(ap);
	return mica_reject_errno(reason);
}

int mica_log_init(struct mica_log *log)
{
	memset(log, 0, sizeof(*log));
	mutex_init(&log->lock);
	log->buf = kvzalloc(MICA_LOG_BYTES, GFP_KERNEL);
	return log->buf ? 0 : -ENOMEM;
}

void mica_log_fini(struct mica_log *log)
{
	kvfree(log->buf);
	log->buf = NULL;
	mutex_destroy(&log->lock);
}

static void log_append(struct mica_log *log, const char *line)
{
	size_t i, n = strlen(line);

	mica_os_log_line(line);
	mutex_lock(&log->lock);
	for (i = 0; i <= n; i++) /* the newline replaces the terminator */
		log->buf[(log->written + i) % MICA_LOG_BYTES] = i == n ? '\n' : line[i];
	log->written += n + 1;
	mutex_unlock(&log->lock);
}

void mica_log_printf(struct mica_log *log, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	mica_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_append(log, line);
}

void mica_log_reject(struct mica_log *log, const char *who, const struct mica_reject *rej)
{
	u32 r = rej->reason < DRM_MICA_REJECT_COUNT ? rej->reason : DRM_MICA_REJECT_NONE;

	atomic64_inc(&log->reject_counts[r]);
	mica_log_printf(log, "%s: reject %s (errno %d) at offset %u: %s", who,
			mica_reject_name(r), mica_reject_errno(r), rej->offset, rej->msg);
}

size_t mica_log_read(struct mica_log *log, char *out, size_t len)
{
	u64 start, i;
	size_t n = 0;

	if (!len)
		return 0;
	mutex_lock(&log->lock);
	/* The newest part that fits, like reading the tail of dmesg. */
	start = log->written > MICA_LOG_BYTES ? log->written - MICA_LOG_BYTES : 0;
	if (log->written - start > len - 1)
		start = log->written - (len - 1);
	for (i = start; i < log->written && n + 1 < len; i++)
		out[n++] = log->buf[i % MICA_LOG_BYTES];
	mutex_unlock(&log->lock);
	out[n] = '\0';
	return n;
}

u64 mica_log_reject_count(struct mica_log *log, u32 reason)
{
	if (reason >= DRM_MICA_REJECT_COUNT)
		return 0;
	return (u64)atomic64_read(&log->reject_counts[reason]);
}
