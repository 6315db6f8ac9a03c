/* SPDX-License-Identifier: MIT */
/*
 * The submission trace: timestamps at the stages of one submission, from vkQueueSubmit through
 * the winsys, the kernel core and the device model to the fence wait returning
 * (docs/performance.md "Submission"). Off unless MICA_TRACE_SUBMIT=1 is in the environment when
 * the process starts; off, each point costs one load and a not-taken branch, and building with
 * -DMICA_NO_SUBMIT_TRACE removes the points entirely. On, the process prints, at exit, the median
 * time from vkQueueSubmit to each stage over the traced submissions (stderr).
 *
 * A round starts at MICA_TRACE_VK_SUBMIT and ends at MICA_TRACE_VK_WAIT_DONE; each point counts
 * once per round (its first occurrence), so repeated packets or waits do not blur it. The trace
 * assumes one submitting thread (a latency benchmark); rounds that overlap are still recorded,
 * each point at its first occurrence after the latest vkQueueSubmit.
 * C and C++: the kernel core reaches it through mica_os_trace() (kernel/userspace/mica_os_user.h).
 */
#ifndef MICA_SIM_DEVICE_TRACE_H
#define MICA_SIM_DEVICE_TRACE_H

#ifdef __cplusplus
extern "C" {
#endif

enum mica_trace_point {
	MICA_TRACE_VK_SUBMIT,       /* vkQueueSubmit entered (Vulkan driver) */
	MICA_TRACE_ENCODED,         /* command lists encoded into one stream (driver common) */
	MICA_TRACE_IOCTL,           /* winsys: upload ready, SUBMIT ioctl issued */
	MICA_TRACE_VALIDATED,       /* kernel: the copy is made and validated, placed in VRAM */
	MICA_TRACE_QUEUED,          /* kernel: job in the ring, doorbell written (under the core's lock) */
	MICA_TRACE_SUBMITTED,       /* winsys: SUBMIT ioctl returned */
	MICA_TRACE_CP_START,        /* device: the command processor took the first packet */
	MICA_TRACE_DISPATCH_START,  /* device: compute engine started the dispatch */
	MICA_TRACE_DISPATCH_END,    /* device: compute engine finished it */
	MICA_TRACE_FENCE_IRQ,       /* device: SIGNAL wrote the fence, interrupt raised */
	MICA_TRACE_IRQ_WORK,        /* kernel: the interrupt work starts */
	MICA_TRACE_RETIRED,         /* kernel: the job retired, waiters woken */
	MICA_TRACE_VK_SUBMIT_DONE,  /* vkQueueSubmit returns (Vulkan driver) */
	MICA_TRACE_VK_WAIT,         /* vkWaitForFences entered (Vulkan driver) */
	MICA_TRACE_WAIT_RETURN,     /* winsys: the sync-object wait ioctl returned */
	MICA_TRACE_VK_WAIT_DONE,    /* vkWaitForFences returns (Vulkan driver) */
	MICA_TRACE_COUNT
};

extern int mica_trace_on; /* set once at start-up from MICA_TRACE_SUBMIT */
void mica_trace_record(enum mica_trace_point point);

#ifdef MICA_NO_SUBMIT_TRACE
#define mica_trace(point) do { } while (0)
#else
#define mica_trace(point)                                   \
	do {                                                \
		if (__builtin_expect(mica_trace_on, 0))     \
			mica_trace_record(point);           \
	} while (0)
#endif

#ifdef __cplusplus
}
#endif

#endif /* MICA_SIM_DEVICE_TRACE_H */
