// SPDX-License-Identifier: MIT
/*
 * User-space implementations of the kernel services in mica_os_user.h.
 */
#define _GNU_SOURCE
#include "../mica_os.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

void *kmalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return malloc(size ? size : 1);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size ? size : 1);
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	size_t total;

	(void)gfp;
	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	return calloc(1, total ? total : 1);
}

void kfree(const void *p)
{
	free((void *)p);
}

void (*mica_um_trace_hook)(enum mica_os_trace_stage stage);

static unsigned long warnings;

int mica_um_warn_on(int cond, const char *what, const char *file, int line)
{
	if (cond) {
		__atomic_add_fetch(&warnings, 1, __ATOMIC_SEQ_CST);
		fprintf(stderr, "WARNING: %s at %s:%d\n", what, file, line);
	}
	return cond;
}

unsigned long mica_um_warnings(void)
{
	return __atomic_load_n(&warnings, __ATOMIC_SEQ_CST);
}

void mutex_init(struct mutex *m)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m->m, &a);
	pthread_mutexattr_destroy(&a);
	m->owner = NULL;
}

void mutex_destroy(struct mutex *m)
{
	pthread_mutex_destroy(&m->m);
}

/* The address of a thread-local names the calling thread for lockdep_assert_held(). */
static __thread char this_thread;

void mutex_lock(struct mutex *m)
{
	int r = pthread_mutex_lock(&m->m);

	WARN_ON(r != 0); /* EDEADLK: recursive locking is a core bug */
	__atomic_store_n(&m->owner, (const void *)&this_thread, __ATOMIC_RELAXED);
}

void mutex_unlock(struct mutex *m)
{
	int r;

	__atomic_store_n(&m->owner, (const void *)NULL, __ATOMIC_RELAXED);
	r = pthread_mutex_unlock(&m->m);
	WARN_ON(r != 0);
}

int mica_um_mutex_held(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == (const void *)&this_thread;
}

/* ---- idr ---- */
void idr_init(struct idr *idr)
{
	idr->slots = NULL;
	idr->cap = 0;
}

void idr_destroy(struct idr *idr)
{
	free(idr->slots);
	idr->slots = NULL;
	idr->cap = 0;
}

int idr_alloc(struct idr *idr, void *ptr, int start, int end, gfp_t gfp)
{
	int id, limit = end > 0 ? end : 1 << 30;

	(void)gfp;
	for (id = start; id < limit; id++) {
		if (id >= idr->cap) {
			int ncap = idr->cap ? idr->cap * 2 : 16;
			void **n;

			while (ncap <= id)
				ncap *= 2;
			n = realloc(idr->slots, sizeof(void *) * (size_t)ncap);
			if (!n)
				return -ENOMEM;
			memset(n + idr->cap, 0, sizeof(void *) * (size_t)(ncap - idr->cap));
			idr->slots = n;
			idr->cap = ncap;
		}
		if (!idr->slots[id]) {
			idr->slots[id] = ptr;
			return id;
		}
	}
	return -ENOSPC;
}

void *idr_find(const struct idr *idr, unsigned long id)
{
	if (id >= (unsigned long)idr->cap)
		return NULL;
	return idr->slots[id];
}

void *idr_remove(struct idr *idr, unsigned long id)
{
	void *p = idr_find(idr, id);

	if (p)
		idr->slots[id] = NULL;
	return p;
}

void *idr_get_next(const struct idr *idr, int *nextid)
{
	int id;

	for (id = *nextid; id < idr->cap; id++) {
		if (idr->slots[id]) {
			*nextid = id;
			return idr->slots[id];
		}
	}
	return NULL;
}

/* ---- time and wait queues ---- */
u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

void init_waitqueue_head(wait_queue_head_t *wq)
{
	pthread_condattr_t a;

	pthread_mutex_init(&wq->m, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&wq->c, &a);
	pthread_condattr_destroy(&a);
}

void mica_um_waitqueue_destroy(wait_queue_head_t *wq)
{
	pthread_cond_destroy(&wq->c);
	pthread_mutex_destroy(&wq->m);
}

void wake_up_all(wait_queue_head_t *wq)
{
	pthread_mutex_lock(&wq->m);
	pthread_cond_broadcast(&wq->c);
	pthread_mutex_unlock(&wq->m);
}

static u64 wait_spin_from_env(void)
{
	const char *e = getenv("MICA_SIM_WAIT_SPIN_US");
	char *end = NULL;
	unsigned long long us;

	if (!e || !*e)
		return 50000;
	us = strtoull(e, &end, 10);
	return *end == '\0' && us <= 1000000 ? (u64)us * 1000 : 50000;
}

u64 mica_um_wait_spin_ns = 50000;

__attribute__((constructor)) static void wait_spin_init(void)
{
	mica_um_wait_spin_ns = wait_spin_from_env();
}

int mica_um_wait_spin(wait_queue_head_t *wq, u64 spin_end_ns)
{
	if (ktime_get_ns() >= spin_end_ns)
		return 0;
	pthread_mutex_unlock(&wq->m);
	sched_yield();
	pthread_mutex_lock(&wq->m);
	return 1;
}

int mica_um_wait_until(wait_queue_head_t *wq, u64 deadline_ns)
{
	struct timespec ts;

	if (ktime_get_ns() >= deadline_ns)
		return 1;
	ts.tv_sec = (time_t)(deadline_ns / 1000000000ull);
	ts.tv_nsec = (long)(deadline_ns % 1000000000ull);
	pthread_cond_timedwait(&wq->c, &wq->m, &ts);
	return ktime_get_ns() >= deadline_ns;
}

/* ---- ordered workqueue: one thread runs every item in order ---- */
struct workqueue_struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct list_head ready;
	struct list_head timers;
	struct work_struct *running;
	int stop;
};

void mica_um_init_work(struct work_struct *w, work_func_t f)
{
	w->func = f;
	INIT_LIST_HEAD(&w->entry);
	w->pending = 0;
	w->wq = NULL;
}

void mica_um_init_delayed_work(struct delayed_work *dw, work_func_t f)
{
	mica_um_init_work(&dw->work, f);
	dw->due_ns = 0;
	dw->timer_pending = 0;
	INIT_LIST_HEAD(&dw->timer_entry);
}

static void wq_abs_time(u64 ns, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ns / 1000000000ull);
	ts->tv_nsec = (long)(ns % 1000000000ull);
}

static void *wq_thread(void *arg)
{
	struct workqueue_struct *wq = arg;

	pthread_mutex_lock(&wq->lock);
	for (;;) {
		struct delayed_work *dw, *tmp;
		u64 now = ktime_get_ns(), next = 0;
		struct work_struct *w;

		list_for_each_entry_safe(dw, tmp, &wq->timers, timer_entry) {
			if (dw->due_ns <= now) {
				list_del_init(&dw->timer_entry);
				dw->timer_pending = 0;
				if (!dw->work.pending) {
					dw->work.pending = 1;
					list_add_tail(&dw->work.entry, &wq->ready);
				}
			} else if (!next || dw->due_ns < next) {
				next = dw->due_ns;
			}
		}
		if (!list_empty(&wq->ready)) {
			w = list_first_entry(&wq->ready, struct work_struct, entry);
			list_del_init(&w->entry);
			w->pending = 0;
			wq->running = w;
			pthread_mutex_unlock(&wq->lock);
			w->func(w);
			pthread_mutex_lock(&wq->lock);
			wq->running = NULL;
			pthread_cond_broadcast(&wq->cond);
			continue;
		}
		if (wq->stop)
			break;
		if (next) {
			struct timespec ts;

			wq_abs_time(next, &ts);
			pthread_cond_timedwait(&wq->cond, &wq->lock, &ts);
		} else {
			pthread_cond_wait(&wq->cond, &wq->lock);
		}
	}
	pthread_mutex_unlock(&wq->lock);
	return NULL;
}

struct workqueue_struct *alloc_ordered_workqueue(const char *name, unsigned int flags)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	pthread_condattr_t a;

	(void)name;
	(void)flags;
	if (!wq)
		return NULL;
	pthread_mutex_init(&wq->lock, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&wq->cond, &a);
	pthread_condattr_destroy(&a);
	INIT_LIST_HEAD(&wq->ready);
	INIT_LIST_HEAD(&wq->timers);
	if (pthread_create(&wq->thread, NULL, wq_thread, wq)) {
		kfree(wq);
		return NULL;
	}
	return wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	pthread_mutex_lock(&wq->lock);
	wq->stop = 1;
	/* Pending timers are dropped, queued work still runs (drain). */
	while (!list_empty(&wq->timers)) {
		struct delayed_work *dw = list_first_entry(&wq->timers, struct delayed_work, timer_entry);

		list_del_init(&dw->timer_entry);
		dw->timer_pending = 0;
	}
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
	pthread_join(wq->thread, NULL);
	pthread_cond_destroy(&wq->cond);
	pthread_mutex_destroy(&wq->lock);
	kfree(wq);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	bool queued = false;

	pthread_mutex_lock(&wq->lock);
	w->wq = wq;
	if (!w->pending && !wq->stop) {
		w->pending = 1;
		list_add_tail(&w->entry, &wq->ready);
		pthread_cond_broadcast(&wq->cond);
		queued = true;
	}
	pthread_mutex_unlock(&wq->lock);
	return queued;
}

bool mica_queue_delayed_work_ns(struct workqueue_struct *wq, struct delayed_work *dw, u64 ns)
{
	bool queued = false;

	pthread_mutex_lock(&wq->lock);
	dw->work.wq = wq;
	if (!dw->timer_pending && !dw->work.pending && !wq->stop) {
		dw->due_ns = ktime_get_ns() + ns;
		dw->timer_pending = 1;
		list_add_tail(&dw->timer_entry, &wq->timers);
		pthread_cond_broadcast(&wq->cond);
		queued = true;
	}
	pthread_mutex_unlock(&wq->lock);
	return queued;
}

bool cancel_delayed_work_sync(struct delayed_work *dw)
{
	struct workqueue_struct *wq = dw->work.wq;
	bool was = false;

	if (!wq)
		return false;
	pthread_mutex_lock(&wq->lock);
	if (dw->timer_pending) {
		list_del_init(&dw->timer_entry);
		dw->timer_pending = 0;
		was = true;
	}
	if (dw->work.pending) {
		list_del_init(&dw->work.entry);
		dw->work.pending = 0;
		was = true;
	}
	while (wq->running == &dw->work)
		pthread_cond_wait(&wq->cond, &wq->lock);
	pthread_mutex_unlock(&wq->lock);
	return was;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	pthread_mutex_lock(&wq->lock);
	while (!list_empty(&wq->ready) || wq->running)
		pthread_cond_wait(&wq->cond, &wq->lock);
	pthread_mutex_unlock(&wq->lock);
}

/*
 * User pointers are the caller's own, in the same process. access_ok()'s job is done by rejecting
 * the null page, wrap-around and anything above the user half of the address space; tests use
 * those to provoke -EFAULT.
 */
#define MICA_UM_USER_MIN 0x10000ull
#define MICA_UM_USER_MAX (1ull << 47)

static int user_range_ok(const void *p, unsigned long n)
{
	uintptr_t a = (uintptr_t)p;
	uintptr_t end;

	if (n == 0)
		return 1;
	if (a < MICA_UM_USER_MIN || __builtin_add_overflow(a, n, &end) || end > MICA_UM_USER_MAX)
		return 0;
	return 1;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (!user_range_ok(from, n)) {
		memset(to, 0, n);
		return n;
	}
	memcpy(to, from, n);
	return 0;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!user_range_ok(to, n))
		return n;
	memcpy(to, from, n);
	return 0;
}

u64 get_random_u64(void)
{
	u64 v = 0;

	while (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		;
	return v;
}

static int log_echo;
static pthread_once_t log_echo_once = PTHREAD_ONCE_INIT;

static void log_echo_init(void)
{
	log_echo = getenv("MICA_KERNEL_LOG") != NULL;
}

/* The console side of printk: only when MICA_KERNEL_LOG is set. */
void mica_os_log_line(const char *line)
{
	pthread_once(&log_echo_once, log_echo_init);
	if (log_echo)
		fprintf(stderr, "[mica] %s\n", line);
}
