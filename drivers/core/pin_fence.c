// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory for the GPU: the fences that keep pins out of an IOVA range
 * while VFIO unmaps it (DOC: Guest memory, in pin.c).
 */

#include <linux/delay.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/wait_bit.h>
#include <linux/ktime.h>

#include <mvgpu/ctx.h>

#include "mm/aspace.h"
#include "pin.h"

/*
 * The unmapping threads' markers: one per dma_unmap, shared by the fence
 * (which may go with its address space) and the task_work (which runs when
 * the thread returns to user space, or exits).  The module waits for every
 * task_work to have run before it goes (mvgpu_pin_module_exit()).
 */
static atomic_t mvgpu_pin_marks = ATOMIC_INIT(0);
DECLARE_WAIT_QUEUE_HEAD(mvgpu_pin_wq);
/* Bumped before each wake-up of mvgpu_pin_wq: something may have ended. */
atomic_t mvgpu_pin_events = ATOMIC_INIT(0);

void mvgpu_pin_event(void)
{
	atomic_inc(&mvgpu_pin_events);
	wake_up_all(&mvgpu_pin_wq);
}

static void mvgpu_pin_mark_put(struct mvgpu_unmap_mark *m)
{
	if (refcount_dec_and_test(&m->ref))
		kfree(m);
}

/* task_work: the thread that unmapped is back in user space. */
static void mvgpu_pin_mark_returned(struct callback_head *cb)
{
	struct mvgpu_unmap_mark *m = container_of(cb, struct mvgpu_unmap_mark, cb);

	/* Pairs with mvgpu_pin_fence_over(): the unmap was over before. */
	smp_store_release(&m->returned, true);
	mvgpu_pin_mark_put(m);
	mvgpu_pin_event();
	if (atomic_dec_and_test(&mvgpu_pin_marks))
		wake_up_var(&mvgpu_pin_marks);
}

/* A marker on the current thread, or NULL (a kernel thread, no memory). */
static struct mvgpu_unmap_mark *mvgpu_pin_mark_new(void)
{
	struct mvgpu_unmap_mark *m;

	if (current->flags & PF_KTHREAD)
		return NULL;
	m = kzalloc(sizeof(*m), MVGPU_PIN_GFP);
	if (!m)
		return NULL;
	refcount_set(&m->ref, 2);
	init_task_work(&m->cb, mvgpu_pin_mark_returned);
	atomic_inc(&mvgpu_pin_marks);
	if (task_work_add(current, &m->cb, TWA_RESUME)) {
		atomic_dec(&mvgpu_pin_marks);
		kfree(m);
		return NULL;
	}
	return m;
}

/**
 * mvgpu_pin_module_exit() - wait for every unmapping thread's marker
 *
 * A thread that unmapped guest memory of a vGPU may still be on its way
 * out of VFIO's ioctl, its marker's task_work (module code) pending.
 *
 * Context: module exit; may wait as long as that ioctl takes.
 */
void mvgpu_pin_module_exit(void)
{
	wait_var_event(&mvgpu_pin_marks, !atomic_read(&mvgpu_pin_marks));
}

/* The fence is over: its thread returned, or its time is up. */
static bool mvgpu_pin_fence_over(const struct mvgpu_pin_fence *f, u64 now)
{
	if (f->mark)
		/* Pairs with mvgpu_pin_mark_returned(). */
		return smp_load_acquire(&f->mark->returned);
	return f->until != U64_MAX && now >= f->until;
}

static void mvgpu_pin_fence_free(struct mvgpu_pin_fence *f)
{
	list_del(&f->node);
	if (f->mark)
		mvgpu_pin_mark_put(f->mark);
	kfree(f);
}

/**
 * mvgpu_pin_fences_clear() - forget every fence
 * @as: the address space, going
 *
 * Context: process context.
 */
void mvgpu_pin_fences_clear(struct mvgpu_aspace *as)
{
	struct mvgpu_pin_fence *f, *n;

	list_for_each_entry_safe(f, n, &as->fences, node)
		mvgpu_pin_fence_free(f);
}

/*
 * Whether [start, last] is fenced now: 0 if not, else until when by the
 * clock (U64_MAX: until a thread returns or a dma_unmap ends, which wakes
 * mvgpu_pin_wq).  Drops the fences that are over.
 */
u64 mvgpu_pin_fenced(struct mvgpu_aspace *as, u64 start, u64 last, u64 now)
{
	struct mvgpu_pin_fence *f, *n;
	u64 until = 0;

	lockdep_assert_held(&as->pin_lock);
	if (now < as->fence_all_until)
		until = as->fence_all_until;
	list_for_each_entry_safe(f, n, &as->fences, node) {
		if (mvgpu_pin_fence_over(f, now)) {
			mvgpu_pin_fence_free(f);
			continue;
		}
		if (mvgpu_pin_meets(start, last, f->start, f->last))
			until = max(until, f->mark ? U64_MAX : f->until);
	}
	return until;
}

/**
 * mvgpu_pin_fence() - VFIO is unmapping an IOVA range: fence it
 * @as: the address space; the caller holds its @pin_lock
 * @iova: first byte
 * @len: bytes
 *
 * See DOC: Guest memory.  The fence holds until the current thread - the
 * one in VFIO's unmap - returns to user space; without a marker on it,
 * until mvgpu_pin_fence_end() and MVGPU_PIN_FENCE_MS after.
 *
 * Context: process context (VFIO's dma_unmap).
 */
void mvgpu_pin_fence(struct mvgpu_aspace *as, u64 iova, u64 len)
{
	struct mvgpu_pin_fence *f, *n;
	u64 last = mvgpu_pin_last(iova, len);

	lockdep_assert_held(&as->pin_lock);
	as->fence_seq++;
	mvgpu_pin_fenced(as, 0, 0, ktime_get_ns());	/* drop what is over */
	list_for_each_entry_safe(f, n, &as->fences, node)
		if (mvgpu_pin_meets(iova, last, f->start, f->last))
			as->pin_stats.renotified++;
	f = kmalloc(sizeof(*f), MVGPU_PIN_GFP);
	if (f)
		f->mark = mvgpu_pin_mark_new();
	if (!f || !f->mark)
		as->pin_stats.timed++;
	if (!f) {
		/* Without memory for a record: fence everything, for a while. */
		as->fence_all_seq = as->fence_seq;
		as->fence_all_until = U64_MAX;
		return;
	}
	f->start = iova;
	f->last = last;
	f->until = U64_MAX;
	f->seq = as->fence_seq;
	list_add(&f->node, &as->fences);
}

/**
 * mvgpu_pin_fences_copy() - a new address space inherits the live fences
 * @dst: the new address space, nothing pinned in it yet
 * @src: one every dma_unmap of the vGPU has fenced (context 0's)
 *
 * A context created while VFIO unmaps guest memory must not pin that
 * memory either: it starts with every fence @src holds.
 *
 * Context: process context; the caller keeps dma_unmap out of both (the
 * vGPU's table of contexts locked).
 * Return: 0, or -ENOMEM.
 */
int mvgpu_pin_fences_copy(struct mvgpu_aspace *dst, struct mvgpu_aspace *src)
{
	struct mvgpu_pin_fence *f, *c;
	int ret = 0;

	mutex_lock(&src->pin_lock);
	mutex_lock_nested(&dst->pin_lock, SINGLE_DEPTH_NESTING);
	mvgpu_pin_fenced(src, 0, 0, ktime_get_ns());	/* drop what is over */
	dst->fence_seq++;
	if (src->fence_all_until) {
		dst->fence_all_seq = dst->fence_seq;
		dst->fence_all_until = src->fence_all_until;
	}
	list_for_each_entry(f, &src->fences, node) {
		c = kmemdup(f, sizeof(*f), MVGPU_PIN_GFP);
		if (!c) {
			ret = -ENOMEM;
			break;
		}
		if (c->mark)
			refcount_inc(&c->mark->ref);
		c->seq = dst->fence_seq;
		list_add_tail(&c->node, &dst->fences);
	}
	if (ret)
		mvgpu_pin_fences_clear(dst);
	mutex_unlock(&dst->pin_lock);
	mutex_unlock(&src->pin_lock);
	return ret;
}

/**
 * mvgpu_pin_unmap_stall() - a test's stall at the end of a dma_unmap
 *
 * With debugfs unmap_delay_us set, a dma_unmap that has fenced, unmapped
 * and unpinned its range waits that long before it returns to VFIO (which
 * still holds the mapping): a pin starting meanwhile meets the fence.
 *
 * Context: process context (VFIO's dma_unmap), no lock of ours held.
 */
void mvgpu_pin_unmap_stall(void)
{
	unsigned int delay = min(READ_ONCE(mvgpu_unmap_delay_us),
				 MVGPU_PIN_DELAY_MAX_US);

	if (delay)
		fsleep(delay);
}

/**
 * mvgpu_pin_wake() - let pins waiting for a fence see a cancellation
 * @as: the address space
 *
 * For a reset, whose pins (struct mvgpu_pin_req) are cancelled now.
 *
 * Context: any process context.
 */
void mvgpu_pin_wake(struct mvgpu_aspace *as)
{
	mvgpu_pin_event();
}

/**
 * mvgpu_pin_fence_end() - the dma_unmap of a fenced range returns
 * @as: the address space; the caller holds its @pin_lock
 * @iova: first byte, as given to mvgpu_pin_fence()
 * @len: bytes
 *
 * A fence without a marker holds MVGPU_PIN_FENCE_MS from now: VFIO takes
 * its lock again and drops the mapping meanwhile.
 *
 * Context: process context (VFIO's dma_unmap).
 */
void mvgpu_pin_fence_end(struct mvgpu_aspace *as, u64 iova, u64 len)
{
	u64 last = mvgpu_pin_last(iova, len), now = ktime_get_ns();
	struct mvgpu_pin_fence *f;

	lockdep_assert_held(&as->pin_lock);
	list_for_each_entry(f, &as->fences, node)
		if (!f->mark && f->until == U64_MAX &&
		    mvgpu_pin_meets(iova, last, f->start, f->last))
			f->until = now + MVGPU_PIN_FENCE_MS * NSEC_PER_MSEC;
	if (as->fence_all_until == U64_MAX)
		as->fence_all_until = now + MVGPU_PIN_FENCE_MS * NSEC_PER_MSEC;
	mvgpu_pin_event();
}
