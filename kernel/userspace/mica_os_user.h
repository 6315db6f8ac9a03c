/* SPDX-License-Identifier: MIT */
/*
 * User-space shim for the kernel APIs the Mica core uses. Deliberately small: each function does
 * what its kernel namesake does, with pthreads and malloc underneath. Only mica_os.h includes it.
 */
#ifndef MICA_OS_USER_H
#define MICA_OS_USER_H

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "drm/mica_drm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define __user
#define __iomem
#define __force

#define GFP_KERNEL 0u
typedef unsigned int gfp_t;

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void *kcalloc(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
#define kvzalloc kzalloc
#define kvcalloc kcalloc
#define kvfree kfree

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define __printf(fmt, args) __attribute__((format(printf, fmt, args)))
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#ifndef U32_MAX
#define U32_MAX 0xffffffffu
#endif
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WARN_ON(c) mica_um_warn_on(!!(c), #c, __FILE__, __LINE__)
int mica_um_warn_on(int cond, const char *what, const char *file, int line);
unsigned long mica_um_warnings(void);
/* The counters behind mica_um_live_objects() (um.h). */
enum mica_um_live_kind {
	MICA_UM_LIVE_BOS, MICA_UM_LIVE_SYNCOBJS, MICA_UM_LIVE_FENCES, MICA_UM_LIVE_JOBS,
	MICA_UM_LIVE_CONTEXTS, MICA_UM_LIVE_KINDS
};
void mica_um_live_add(enum mica_um_live_kind kind, long delta);

typedef struct { int counter; } atomic_t;
#define atomic_read(a) __atomic_load_n(&(a)->counter, __ATOMIC_SEQ_CST)
#define atomic_set(a, v) __atomic_store_n(&(a)->counter, (v), __ATOMIC_SEQ_CST)
#define atomic_or(v, a) ((void)__atomic_fetch_or(&(a)->counter, (v), __ATOMIC_SEQ_CST))
#define atomic_xchg(a, v) __atomic_exchange_n(&(a)->counter, (v), __ATOMIC_SEQ_CST)
#define xchg(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define atomic_inc(a) ((void)__atomic_add_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic_dec(a) ((void)__atomic_sub_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST))

typedef struct { s64 counter; } atomic64_t;
#define atomic64_read(a) __atomic_load_n(&(a)->counter, __ATOMIC_SEQ_CST)
#define atomic64_inc(a) ((void)__atomic_add_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic64_set(a, v) __atomic_store_n(&(a)->counter, (v), __ATOMIC_SEQ_CST)
#define atomic64_inc_return(a) __atomic_add_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST)

/* Device memory: the model's VRAM is ordinary host memory. */
#define mica_vram_memcpy_to(dst, src, n) memcpy(dst, src, n)
#define mica_vram_memcpy_from(dst, src, n) memcpy(dst, src, n)
#define mica_vram_memset(dst, v, n) memset(dst, v, n)
#define mica_vram_read32(p) __atomic_load_n((const u32 *)(p), __ATOMIC_ACQUIRE)
#define mica_vram_write32(p, v) __atomic_store_n((u32 *)(p), (u32)(v), __ATOMIC_RELEASE)
#define mica_vram_read64(p) __atomic_load_n((const u64 *)(p), __ATOMIC_ACQUIRE)
#define mica_vram_write64(p, v) __atomic_store_n((u64 *)(p), (u64)(v), __ATOMIC_RELEASE)

/* ---- locks ---- */
struct mutex {
	pthread_mutex_t m;
	const void *owner;	/* the holding thread, for lockdep_assert_held() */
};
void mutex_init(struct mutex *m);
void mutex_destroy(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* lockdep_assert_held(): the lock rules in mica_drv.h are checked in both builds; here a
 * violation is a WARN_ON, which every uapi test asserts never fires. */
int mica_um_mutex_held(struct mutex *m);
#define lockdep_assert_held(l) WARN_ON(!mica_um_mutex_held(l))

/* ---- lists (the subset of linux/list.h the core uses) ---- */
struct list_head {
	struct list_head *next, *prev;
};
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l; l->prev = l; }
static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *h) { __list_add(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_add(n, h->prev, h);
}
static inline void list_del_init(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	INIT_LIST_HEAD(e);
}
#define list_del list_del_init
static inline int list_empty(const struct list_head *h) { return h->next == h; }
static inline int list_is_singular(const struct list_head *h)
{
	return !list_empty(h) && h->next == h->prev;
}
static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	list_del_init(e);
	list_add_tail(e, h);
}
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)
#define list_first_entry_or_null(h, type, member) \
	(list_empty(h) ? NULL : list_first_entry(h, type, member))
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_for_each_entry(pos, h, member) \
	for (pos = list_entry((h)->next, __typeof__(*pos), member); &pos->member != (h); \
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, h, member) \
	for (pos = list_entry((h)->next, __typeof__(*pos), member), n = list_next_entry(pos, member); \
	     &pos->member != (h); pos = n, n = list_next_entry(n, member))

/* ---- handle tables (linux/idr.h subset) ---- */
struct idr {
	void **slots;
	int cap;
};
void idr_init(struct idr *idr);
void idr_destroy(struct idr *idr);
/* Lowest free id in [start, end) (end 0: no limit); -ENOSPC / -ENOMEM. */
int idr_alloc(struct idr *idr, void *ptr, int start, int end, gfp_t gfp);
void *idr_find(const struct idr *idr, unsigned long id);
void *idr_remove(struct idr *idr, unsigned long id);
void *idr_get_next(const struct idr *idr, int *nextid);
#define idr_for_each_entry(idr, entry, id) \
	for (id = 0; ((entry) = idr_get_next(idr, &(id))) != NULL; id++)

/* ---- reference counts ---- */
struct kref {
	int refcount;
};
static inline void kref_init(struct kref *k)
{
	__atomic_store_n(&k->refcount, 1, __ATOMIC_SEQ_CST);
}
static inline void kref_get(struct kref *k)
{
	__atomic_add_fetch(&k->refcount, 1, __ATOMIC_SEQ_CST);
}
static inline int kref_get_unless_zero(struct kref *k)
{
	int v = __atomic_load_n(&k->refcount, __ATOMIC_SEQ_CST);

	while (v) {
		if (__atomic_compare_exchange_n(&k->refcount, &v, v + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return 1;
	}
	return 0;
}
static inline int kref_put(struct kref *k, void (*release)(struct kref *k))
{
	if (__atomic_sub_fetch(&k->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		release(k);
		return 1;
	}
	return 0;
}

/* ---- wait queues ---- */
typedef struct wait_queue_head {
	pthread_mutex_t m;
	pthread_cond_t c;
} wait_queue_head_t;
void init_waitqueue_head(wait_queue_head_t *wq);
void mica_um_waitqueue_destroy(wait_queue_head_t *wq);
void wake_up_all(wait_queue_head_t *wq);
/* Waits on wq->c until the absolute CLOCK_MONOTONIC ns deadline; returns non-zero on timeout. */
int mica_um_wait_until(wait_queue_head_t *wq, u64 deadline_ns);
u64 ktime_get_ns(void);

/*
 * Polls before sleeping (as i915 spins on a request before it sleeps): returns 0 once
 * spin_end has passed, else drops wq's lock, yields the CPU, retakes the lock and returns 1. A
 * job of a few microseconds then completes while its waiter polls, and the waiter needs no
 * wake-up (a futex call and a context switch, several microseconds on a loaded VM). The budget
 * is mica_um_wait_spin_ns: MICA_SIM_WAIT_SPIN_US, default 50 us, 0 = sleep at once.
 */
extern u64 mica_um_wait_spin_ns;
int mica_um_wait_spin(wait_queue_head_t *wq, u64 spin_end_ns);

/* Like wait_event_timeout(): 0 if cond is still false after ns nanoseconds, else > 0. The
 * condition is evaluated under the wait queue's lock, so it must only read (READ_ONCE) state. */
#define mica_wait_event_timeout_ns(wq, cond, ns) ({				\
	u64 __start = ktime_get_ns();						\
	u64 __deadline = __start + (u64)(ns);					\
	u64 __spin_end = __start + min_t(u64, (u64)(ns), mica_um_wait_spin_ns);\
	long __ret = 1;								\
	pthread_mutex_lock(&(wq).m);						\
	while (!(cond) && mica_um_wait_spin(&(wq), __spin_end))		\
		;								\
	while (!(cond)) {							\
		if (mica_um_wait_until(&(wq), __deadline)) {			\
			__ret = (cond) ? 1 : 0;					\
			break;							\
		}								\
	}									\
	pthread_mutex_unlock(&(wq).m);						\
	__ret;									\
})

/* ---- ordered workqueue with delayed work ---- */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct workqueue_struct;
struct work_struct {
	work_func_t func;
	struct list_head entry;
	int pending;
	struct workqueue_struct *wq;
};
struct delayed_work {
	struct work_struct work;
	u64 due_ns;
	int timer_pending;
	struct list_head timer_entry;
};
#define INIT_WORK(w, f) mica_um_init_work(w, f)
#define INIT_DELAYED_WORK(dw, f) mica_um_init_delayed_work(dw, f)
void mica_um_init_work(struct work_struct *w, work_func_t f);
void mica_um_init_delayed_work(struct delayed_work *dw, work_func_t f);
#define to_delayed_work(w) container_of(w, struct delayed_work, work)
struct workqueue_struct *alloc_ordered_workqueue(const char *name, unsigned int flags);
void destroy_workqueue(struct workqueue_struct *wq);
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
bool mica_queue_delayed_work_ns(struct workqueue_struct *wq, struct delayed_work *dw, u64 ns);
bool cancel_delayed_work_sync(struct delayed_work *dw);
void flush_workqueue(struct workqueue_struct *wq);

/* ---- user memory: the caller's pointers, checked the way access_ok() would ---- */
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
#define u64_to_user_ptr(x) ((void __user *)(uintptr_t)(x))

u64 get_random_u64(void);

/* ---- the device: implemented by the glue to the device model (mica_um_glue.cpp) ---- */
struct mica_hw;
u32 mica_hw_read(struct mica_hw *hw, u32 reg);
void mica_hw_write(struct mica_hw *hw, u32 reg, u32 v);
u8 *mica_hw_vram(struct mica_hw *hw);
u64 mica_hw_vram_size(struct mica_hw *hw);

void mica_os_log_line(const char *line);

/*
 * The submission trace (src/sim/include/mica/sim/device_trace.h, docs/performance.md): the glue
 * sets the hook when MICA_TRACE_SUBMIT is on; unset, a stage costs a load and a branch. The module
 * has no such trace (mica_submit.c and mica_sched.c define mica_os_trace away without this).
 */
enum mica_os_trace_stage {
	MICA_OS_TRACE_VALIDATED,	/* SUBMIT: the copy is validated and in VRAM */
	MICA_OS_TRACE_QUEUED,		/* the job is in the ring, the doorbell written */
	MICA_OS_TRACE_IRQ_WORK,		/* the interrupt work starts */
	MICA_OS_TRACE_RETIRED,		/* interrupt work: jobs retired, waiters woken */
};
extern void (*mica_um_trace_hook)(enum mica_os_trace_stage stage);
#define mica_os_trace(stage)							\
	do {									\
		if (__builtin_expect(mica_um_trace_hook != NULL, 0))		\
			mica_um_trace_hook(stage);				\
	} while (0)
/* The in-process device's memory is ordinary (write-back) host memory. */
#define MICA_OS_CPU_CACHING DRM_MICA_CACHING_CACHED
#define mica_vsnprintf vsnprintf

/*
 * GEM in process (userspace/mica_um_gem.c): what drm_gem_object, the drm_file's handle table and
 * drm_vma_node do in the module, kept as small as the core's use of them.
 */
struct mica_os_gem {
	struct kref ref;
	struct mica_device *mdev;
	u64 size;
	u64 mmap_offset;		/* fake offset; 0: never CPU mapped */
	struct list_head link;		/* the process's objects with an offset (mmap lookups) */
};

/* Device memory: page-granular first fit over a bitmap (userspace/mica_um_mm.c). */
struct mica_os_mm {
	u8 *bitmap;		/* one bit per page, set = in use */
	u64 pages;
};

struct mica_os_gem_file {
	struct mutex table_lock;	/* leaf: handles and cpu_maps (drm_file.table_lock) */
	struct idr handles;		/* GEM handles -> struct mica_bo (each holds a reference) */
	struct list_head cpu_maps;	/* struct mica_um_cpu_map: what mica_um_mmap() returned */
	struct idr syncobjs;		/* DRM sync objects (userspace/mica_um_syncobj.c) */
};

#ifdef __cplusplus
}
#endif

#endif /* MICA_OS_USER_H */
