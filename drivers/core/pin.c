// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory for the GPU: pinning through VFIO, and letting go.
 */

#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/task_work.h>
#include <linux/wait_bit.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>

#include "mm/aspace.h"
#include "pin.h"

/**
 * DOC: Guest memory
 *
 * A MAP of guest memory (MVGPU_MAP_SYSMEM) names IOVAs of the VM's VFIO
 * container.  Before the GPU page table maps them, every page is pinned
 * with vfio_pin_pages(), which checks the IOVA against the VM's DMA
 * mappings and the permission they grant, faults the page in if it must
 * (which may wait: a page of a file on a hung mount waits with it) and
 * holds it; the engine then reaches only pinned pages, through the kernel's
 * mapping of them, and never faults anything in.  Pinning runs in a
 * worker on the vGPU's behalf, never on an engine thread: the vGPU's
 * context waits meanwhile, as in a WAIT, and the engine runs others.
 *
 * Each pinned page is pinned once (struct mvgpu_pin, in the address
 * space's @pins) however many page-table entries map it; a page no entry
 * maps any more is unpinned soon after, and always before VFIO's dma_unmap
 * returns for its IOVA, before a reset or close returns, and before the
 * vGPU is gone.  A vGPU may have at most its VRAM size of guest memory
 * pinned, so a tenant cannot pin the VM's memory without bound; VFIO also
 * counts it against the VMM's RLIMIT_MEMLOCK.
 *
 * **Unmaps under way.**  VFIO's type1 driver calls dma_unmap for an IOVA
 * range with pages pinned, then takes its container lock again and looks
 * once more: pages pinned again meanwhile make it call dma_unmap again,
 * and after ten such calls for one mapping Linux 6.1 stops the host
 * (BUG_ON).  Nothing tells a driver when type1 has dropped the mapping,
 * but the unmap is over, either way, once the thread that asked for it
 * has left the ioctl.  So, for each dma_unmap:
 *
 * - the range is fenced first, until the unmapping thread returns to user
 *   space (a task_work on it says so: mvgpu_pin_mark_returned()); no pin
 *   of it starts meanwhile, and a pin that meets the fence waits for it,
 *   then pins whatever the IOVA maps then (nothing: the MAP fails with
 *   PIN; new memory the VMM mapped there: the MAP succeeds);
 * - a MAP of guest memory queued before it whose IOVA range meets the
 *   unmapped one pins nothing more (the host worker's request is aborted:
 *   BAD_MAP, reason PIN);
 * - every page-table entry that maps the range goes, and every pin of the
 *   range is taken out of @pins at once (a MAP that meets the range later
 *   finds no pin there and waits at the fence; one that counted on a pin
 *   finds it gone when it maps, and starts again);
 * - pins and unpins of the range that are under way (vfio_pin_pages() and
 *   vfio_unpin_pages() are called with no lock of ours held) are waited
 *   for; a pin that finds the dma_unmap came while VFIO pinned undoes it.
 *
 * A context created while an unmap is under way starts with the fences
 * context 0's address space holds (mvgpu_pin_fences_copy()): every
 * dma_unmap fences context 0's.  So type1 never finds a page of the range
 * pinned again by mvgpu: it gets one call per mapping.  (Where a task_work
 * cannot be had - no memory for the marker - the fence holds
 * MVGPU_PIN_FENCE_MS after dma_unmap returns instead.)  Pins wait for
 * fences on mvgpu_pin_wq, which the markers wake.
 *
 * **The backend's part.**  Each page that joins a context's pinned pages
 * is handed to its backend (&mvgpu_backend_ops.ctx_pin, where a hardware
 * backend maps it for DMA) before any entry can map it, with the pin lock
 * held so that no unpin of it can come first; if the backend refuses, the
 * pages leave @pins again and are unpinned, and the MAP fails as one that
 * could not be pinned.  Every page handed over is handed back
 * (&mvgpu_backend_ops.ctx_unpin) after it left @pins and before VFIO
 * unpins it, with no lock of ours held - the same place as the unpin, so
 * under VFIO's device-list lock in a dma_unmap.  By then the change that
 * unmapped it has been flushed (DOC: Page-table changes).
 *
 * Each pinned page charges MVGPU_PIN_VFIO_BYTES more than mvgpu's own
 * record of it to the VM's memory cgroup, standing for the struct vfio_pfn
 * type1 allocates per page (without accounting) while a device holds it.
 *
 * **Locking with VFIO.**  vfio_pin_pages() and vfio_unpin_pages() take
 * type1's container lock, and pinning may fault the VM's memory in.  Our
 * dma_unmap runs under type1's device-list lock: it takes only the vGPU's
 * table of contexts' lock (to walk its contexts' address spaces, each of
 * which it unmaps in turn), the address spaces' @pin_lock and @lock (and
 * the backend's flush takes its step lock for writing: one step), hands
 * the pages back to the backend (which must not call into VFIO), and
 * waits for pins and unpins of its range that are under way, which wait
 * only for VFIO.  Neither lock is ever held
 * across a call into VFIO (mvgpu_pin_assert_unlocked() before each): a pin
 * drops @pin_lock around vfio_pin_pages() and registers itself as under
 * way instead, and so does an unpin.  What else may be held across those
 * calls - the vGPU's lock, the migration locks, while a stream's
 * guest-memory mappings are restored - dma_unmap never takes, and VFIO
 * never calls into mvgpu under its container lock.  So mvgpu adds no lock
 * to VFIO's lock graph; Linux 6.1's type1 has a cycle of its own between
 * its container and device-list locks (Documentation/admin-guide.rst,
 * "Known limitation"), in which our dma_unmap can be one of the waiters.
 *
 * Locking inside: the address space's @pin_lock serialises the
 * bookkeeping of pins (@pins, @nr_pins, fences, pins under way); its
 * @lock covers the references and the removal of entries, which a backend
 * may look up at any time without a lock; an entry is freed only after the
 * backend said that nothing that could have found it still runs
 * (&mvgpu_backend_ops.ctx_flush).
 */

/*
 * type1's struct vfio_pfn (an rb_node, the IOVA, the pfn, a count: 48
 * bytes, from kmalloc-64) that each pinned page costs VFIO: charged to the
 * VM with mvgpu's own record, as VFIO does not charge it.
 */
#define MVGPU_PIN_VFIO_BYTES	64

/* Pins looked at per hold of the address space's lock when releasing. */
#define MVGPU_PIN_BATCH		512

/* Pages handed back to the backend per &mvgpu_backend_ops.ctx_unpin. */
#define MVGPU_PIN_UNPIN_RUN	16

/* Debug knob (debugfs pin_delay_us): a stall after each vfio_pin_pages(). */
unsigned int mvgpu_pin_delay_us;
/* Debug knob (debugfs unmap_delay_us): a stall at the end of dma_unmap. */
unsigned int mvgpu_unmap_delay_us;

/* Nothing dma_unmap takes is held across a call into VFIO. */
static void mvgpu_pin_assert_unlocked(struct mvgpu_aspace *as)
{
	lockdep_assert_not_held(&as->pin_lock);
	lockdep_assert_not_held(&as->lock);
}

#if IS_ENABLED(CONFIG_KUNIT)
const struct mvgpu_pin_vfio_ops *mvgpu_pin_test_vfio;
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pin_test_vfio);

/* KUnit's stand-in for VFIO, if @vdev is its fake device. */
static const struct mvgpu_pin_vfio_ops *mvgpu_pin_fake(struct vfio_device *vdev)
{
	const struct mvgpu_pin_vfio_ops *t = READ_ONCE(mvgpu_pin_test_vfio);

	return t && t->vdev == vdev ? t : NULL;
}
#else
static const struct mvgpu_pin_vfio_ops *mvgpu_pin_fake(struct vfio_device *vdev)
{
	return NULL;
}
#endif

/* vfio_pin_pages(), with no lock of ours held. */
static int mvgpu_vfio_pin(struct mvgpu_aspace *as, struct vfio_device *vdev,
			  u64 iova, int n, int prot, struct page **pages)
{
	const struct mvgpu_pin_vfio_ops *t = mvgpu_pin_fake(vdev);

	mvgpu_pin_assert_unlocked(as);
	return t ? t->pin(t, iova, n, prot, pages) :
		   vfio_pin_pages(vdev, iova, n, prot, pages);
}

/* vfio_unpin_pages(), with no lock of ours held. */
static void mvgpu_vfio_unpin(struct mvgpu_aspace *as, struct vfio_device *vdev,
			     u64 iova, int n)
{
	const struct mvgpu_pin_vfio_ops *t = mvgpu_pin_fake(vdev);

	mvgpu_pin_assert_unlocked(as);
	if (t)
		t->unpin(t, iova, n);
	else
		vfio_unpin_pages(vdev, iova, n);
}

static bool mvgpu_pin_cancelled(const struct mvgpu_pin_req *req)
{
	return req && req->cancelled && req->cancelled(req->arg);
}

/* Did a dma_unmap since @seq meet [start, last]? */
static bool mvgpu_pin_unmapped_since(struct mvgpu_aspace *as, u64 seq,
				     u64 start, u64 last)
{
	struct mvgpu_pin_fence *f;

	lockdep_assert_held(&as->pin_lock);
	if (as->fence_seq == seq)
		return false;
	if (as->fence_all_seq > seq)
		return true;
	list_for_each_entry(f, &as->fences, node)
		if (f->seq > seq && mvgpu_pin_meets(start, last, f->start, f->last))
			return true;
	return false;
}

/* Register a pin or unpin of [start, last] as under way (DOC: Guest memory). */
static void mvgpu_pin_busy(struct mvgpu_aspace *as,
			   struct mvgpu_pin_inflight *me, u64 start, u64 last)
{
	lockdep_assert_held(&as->pin_lock);
	me->start = start;
	me->last = last;
	me->seq = as->fence_seq;
	list_add(&me->node, &as->inflight);
}

static void mvgpu_pin_done(struct mvgpu_aspace *as, struct mvgpu_pin_inflight *me)
{
	lockdep_assert_held(&as->pin_lock);
	list_del(&me->node);
	WRITE_ONCE(as->inflight_ended, as->inflight_ended + 1);
	mvgpu_pin_event();
}

/* Is a pin or unpin under way in [start, last]? */
static bool mvgpu_pin_inflight(struct mvgpu_aspace *as, u64 start, u64 last)
{
	struct mvgpu_pin_inflight *p;

	lockdep_assert_held(&as->pin_lock);
	list_for_each_entry(p, &as->inflight, node)
		if (mvgpu_pin_meets(start, last, p->start, p->last))
			return true;
	return false;
}

/**
 * mvgpu_pin_wait_inflight() - wait until no pin or unpin under way meets a
 *	range
 * @as: the address space; the caller does not hold its @pin_lock
 * @iova: first byte
 * @len: bytes
 *
 * For dma_unmap, after mvgpu_pin_fence(): a pin under way undoes itself
 * when it finds the fence.
 *
 * Context: process context; waits as long as VFIO does.
 */
void mvgpu_pin_wait_inflight(struct mvgpu_aspace *as, u64 iova, u64 len)
{
	u64 last = mvgpu_pin_last(iova, len);

	lockdep_assert_not_held(&as->pin_lock);
	mutex_lock(&as->pin_lock);
	if (mvgpu_pin_inflight(as, iova, last))
		as->pin_stats.unmap_waits++;
	while (mvgpu_pin_inflight(as, iova, last)) {
		u64 ended = as->inflight_ended;

		mutex_unlock(&as->pin_lock);
		wait_event(mvgpu_pin_wq, READ_ONCE(as->inflight_ended) != ended);
		mutex_lock(&as->pin_lock);
	}
	mutex_unlock(&as->pin_lock);
}

/*
 * Wait out the fences on [iova, iova + size): 0, or -ECANCELED if @req was
 * cancelled.  Drops and retakes @pin_lock.
 */
static int mvgpu_pin_wait_fences(struct mvgpu_aspace *as, u64 iova, u64 size,
				 const struct mvgpu_pin_req *req)
{
	u64 last = iova + size - 1, until;
	bool counted = false;

	lockdep_assert_held(&as->pin_lock);
	for (;;) {
		int seen = atomic_read(&mvgpu_pin_events);
		u64 now = ktime_get_ns();
		long timeout = MAX_SCHEDULE_TIMEOUT;

		until = mvgpu_pin_fenced(as, iova, last, now);
		if (!until)
			return 0;
		if (!counted)
			as->pin_stats.fenced++;
		counted = true;
		if (mvgpu_pin_cancelled(req))
			return -ECANCELED;
		/* A thread's return and a dma_unmap's end wake mvgpu_pin_wq. */
		if (until != U64_MAX)
			timeout = min_t(u64, nsecs_to_jiffies(until - now) + 1,
					MAX_SCHEDULE_TIMEOUT - 1);
		mutex_unlock(&as->pin_lock);
		wait_event_timeout(mvgpu_pin_wq, mvgpu_pin_cancelled(req) ||
				   atomic_read(&mvgpu_pin_events) != seen, timeout);
		mutex_lock(&as->pin_lock);
	}
}

/*
 * vfio_pin_pages() for @n pages from @iova, with no lock of ours held
 * (DOC: Guest memory): after the fences on the range are waited out, and
 * registered as under way, so that a dma_unmap of the range waits for it;
 * undone if one came meanwhile, or @req was cancelled.  0, -ECANCELED, or
 * what VFIO said.  Drops and retakes @pin_lock.
 */
static int mvgpu_pin_vfio(struct mvgpu_aspace *as, struct vfio_device *vdev,
			  u64 iova, int n, bool write, struct page **pages,
			  const struct mvgpu_pin_req *req)
{
	int prot = IOMMU_READ | (write ? IOMMU_WRITE : 0);
	u64 last = iova + (u64)n * PAGE_SIZE - 1;
	struct mvgpu_pin_inflight me;
	unsigned int delay;
	bool undo = false;
	int ret;

	lockdep_assert_held(&as->pin_lock);
	ret = mvgpu_pin_wait_fences(as, iova, (u64)n * PAGE_SIZE, req);
	if (ret)
		return ret;
	mvgpu_pin_busy(as, &me, iova, last);
	mutex_unlock(&as->pin_lock);

	ret = mvgpu_vfio_pin(as, vdev, iova, n, prot, pages);
	if (ret >= 0 && ret != n) {	/* type1 pins all or nothing */
		if (ret)
			mvgpu_vfio_unpin(as, vdev, iova, ret);
		ret = -EFAULT;
	}
	/* A test's stall: a dma_unmap landing here finds the pages pinned. */
	delay = min(READ_ONCE(mvgpu_pin_delay_us), MVGPU_PIN_DELAY_MAX_US);
	if (delay)
		fsleep(delay);

	mutex_lock(&as->pin_lock);
	/* A dma_unmap of the range came while VFIO pinned it: undo. */
	if (ret >= 0)
		undo = mvgpu_pin_unmapped_since(as, me.seq, iova, last) ||
		       mvgpu_pin_cancelled(req);
	if (undo) {
		as->pin_stats.undone++;
		mutex_unlock(&as->pin_lock);
		mvgpu_vfio_unpin(as, vdev, iova, n);
		mutex_lock(&as->pin_lock);
		ret = -ECANCELED;
	}
	mvgpu_pin_done(as, &me);
	return ret < 0 ? ret : 0;
}

/*
 * vfio_unpin_pages() of pages from @iova (a run that was never entered),
 * registered as under way so that a dma_unmap of them waits for it.
 * Drops and retakes @pin_lock.
 */
static void mvgpu_pin_unpin(struct mvgpu_aspace *as, struct vfio_device *vdev,
			    u64 iova, int n)
{
	struct mvgpu_pin_inflight me;

	mvgpu_pin_busy(as, &me, iova, iova + (u64)n * PAGE_SIZE - 1);
	mutex_unlock(&as->pin_lock);
	mvgpu_vfio_unpin(as, vdev, iova, n);
	mutex_lock(&as->pin_lock);
	mvgpu_pin_done(as, &me);
}

/* A new entry for a page vfio_pin_pages() gave us, idle until mapped. */
static int mvgpu_pin_add(struct mvgpu_aspace *as, u64 iova, struct page *page,
			 bool write)
{
	struct mvgpu_pin *pin;
	unsigned long idx = iova >> PAGE_SHIFT;
	int ret;

	/* The VFIO part is never touched: it stands for type1's record. */
	pin = kmalloc(sizeof(*pin) + MVGPU_PIN_VFIO_BYTES, MVGPU_PIN_GFP);
	if (!pin)
		return -ENOMEM;
	pin->page = page;
	pin->refs = 0;
	pin->vfio_refs = 1;
	pin->write = write;
	ret = xa_insert(&as->pins, idx, pin, MVGPU_PIN_GFP);
	if (ret) {
		kfree(pin);
		return ret;
	}
	xa_set_mark(&as->pins, idx, MVGPU_PIN_IDLE);
	as->nr_pins++;
	atomic_long_inc(&as->budget->pins);
	return 0;
}

/*
 * Take @n entries mvgpu_pin_add() made from @iova out of @pins again: they
 * never left @pin_lock's hold, so nothing mapped or counted on them.
 */
static void mvgpu_pin_remove(struct mvgpu_aspace *as, u64 iova, int n)
{
	unsigned long idx = iova >> PAGE_SHIFT;
	int i;

	lockdep_assert_held(&as->pin_lock);
	mutex_lock(&as->lock);
	for (i = 0; i < n; i++) {
		kfree(xa_erase(&as->pins, idx + i));
		as->nr_pins--;
		atomic_long_dec(&as->budget->pins);
	}
	mutex_unlock(&as->lock);
}

/*
 * Enter pages VFIO pinned from @iova (@n of them) into @pins, as many as
 * are absent in a row from the first (*@done of them; a first page pinned
 * twice meanwhile is unpinned again), and hand them to the backend
 * (&mvgpu_backend_ops.ctx_pin) under @pin_lock, before anything can map or
 * unpin them.  On error every page from @iova is unpinned, none entered.
 * Drops and retakes @pin_lock to unpin.
 */
static int mvgpu_pin_enter(struct mvgpu_ctx *ctx, u64 iova,
			   struct page **pages, int n, bool write, int *done)
{
	const struct mvgpu_backend_ops *be = ctx->gdev->be_ops;
	struct mvgpu_aspace *as = &ctx->as;
	unsigned long idx = iova >> PAGE_SHIFT;
	int k = 0, ret = 0;

	lockdep_assert_held(&as->pin_lock);
	*done = 1;
	if (xa_load(&as->pins, idx)) {
		/* Pinned twice: keep the one entered first. */
		mvgpu_pin_unpin(as, ctx->vdev, iova, 1);
		return 0;
	}
	while (k < n && !ret && !xa_load(&as->pins, idx + k)) {
		if (atomic_long_read(&as->budget->pins) >= as->budget->max_pins)
			ret = -ENOSPC;
		else
			ret = mvgpu_pin_add(as, iova + (u64)k * PAGE_SIZE,
					    pages[k], write);
		if (!ret)
			k++;
	}
	if (k && be->ctx_pin) {
		int err = be->ctx_pin(ctx->bctx, iova, pages, k);

		if (err) {
			mvgpu_pin_remove(as, iova, k);
			k = 0;
			ret = err;
		}
	}
	*done = k;
	if (ret) {	/* the rest were never entered: undo them */
		mvgpu_pin_unpin(as, ctx->vdev, iova + (u64)k * PAGE_SIZE, n - k);
		*done = n;
	}
	return ret;
}

/* Pin @n absent pages from @iova (n <= VFIO_PIN_PAGES_MAX_ENTRIES). */
static int mvgpu_pin_run(struct mvgpu_ctx *ctx, u64 iova, int n, bool write,
			 const struct mvgpu_pin_req *req)
{
	struct mvgpu_aspace *as = &ctx->as;
	struct page **pages;
	int i, done, ret;

	if (atomic_long_read(&as->budget->pins) + n > as->budget->max_pins)
		return -ENOSPC;
	pages = kmalloc_array(n, sizeof(*pages), MVGPU_PIN_GFP);
	if (!pages)
		return -ENOMEM;
	ret = mvgpu_pin_vfio(as, ctx->vdev, iova, n, write, pages, req);
	/* @pin_lock was dropped: a page may have been pinned meanwhile. */
	for (i = 0; !ret && i < n; i += done)
		ret = mvgpu_pin_enter(ctx, iova + (u64)i * PAGE_SIZE, pages + i,
				      n - i, write, &done);
	kfree(pages);
	return ret;
}

/**
 * mvgpu_pin_get() - make sure a range of guest memory is pinned
 * @ctx: the context whose address space: the caller holds its @pin_lock,
 *	which this drops and takes again around every call into VFIO and
 *	every wait; pinned through its VFIO device's container
 * @iova: first byte, page aligned
 * @size: bytes, a multiple of the page size
 * @write: the GPU will write to it
 * @req: whom the pin is for (NULL: no one can cancel it)
 *
 * A range VFIO is unmapping is waited for (DOC: Guest memory).  Pages
 * pinned here are idle until mvgpu_aspace_map_sysmem() maps them, and are
 * unpinned by mvgpu_pin_release() otherwise, also on error.  As the lock
 * is dropped on the way, a dma_unmap may take pages of the range away
 * again before the caller maps them: mvgpu_aspace_map_sysmem() then says
 * -EAGAIN, and the caller calls this again.
 *
 * Pages new to the address space go to the backend (DOC: Guest memory,
 * the backend's part) before this returns.
 *
 * Context: process context, never an engine: may wait for the VM's memory.
 * Return: 0; -ENOSPC over the pinned-memory limit; -ECANCELED if @req was
 * cancelled, VFIO unmapped the range while it was pinned or the range is
 * refused; what vfio_pin_pages() says: -EINVAL for an IOVA the VM has not
 * mapped for DMA (or -EACCES, a type1 v1 container), -EPERM for a write to
 * a read-only mapping, -EFAULT or -ENOMEM if the page could not be had;
 * what the backend's &mvgpu_backend_ops.ctx_pin returned; -ENOMEM.
 */
int mvgpu_pin_get(struct mvgpu_ctx *ctx, u64 iova, u64 size, bool write,
		  const struct mvgpu_pin_req *req)
{
	struct mvgpu_aspace *as = &ctx->as;
	struct vfio_device *vdev = ctx->vdev;
	u64 end = iova + size;
	int ret;

	lockdep_assert_held(&as->pin_lock);
	/* Pins already there count only outside what VFIO is unmapping. */
	ret = mvgpu_pin_wait_fences(as, iova, size, req);
	while (iova < end && !ret) {
		struct mvgpu_pin *pin = xa_load(&as->pins, iova >> PAGE_SHIFT);
		struct page *page;
		int n = 0;

		if (mvgpu_pin_cancelled(req))
			return -ECANCELED;
		if (pin) {
			/* A read-only pin must allow writes now: pin again. */
			if (write && !pin->write) {
				ret = mvgpu_pin_vfio(as, vdev, iova, 1, true,
						     &page, req);
				/* The entry may have gone meanwhile. */
				pin = xa_load(&as->pins, iova >> PAGE_SHIFT);
				if (!ret && !pin) {
					mvgpu_pin_unpin(as, vdev, iova, 1);
					continue;	/* pinned anew below */
				}
				if (!ret) {
					pin->vfio_refs++;
					pin->write = true;
				}
			}
			iova += PAGE_SIZE;
			continue;
		}
		/* A run of absent pages, pinned with one call. */
		while (iova + (u64)n * PAGE_SIZE < end &&
		       n < VFIO_PIN_PAGES_MAX_ENTRIES &&
		       !xa_load(&as->pins, (iova >> PAGE_SHIFT) + n))
			n++;
		ret = mvgpu_pin_run(ctx, iova, n, write, req);
		iova += (u64)n * PAGE_SIZE;
		cond_resched();
	}
	return ret;
}

/*
 * Unpin the pins chained from @gone (@n of them, by increasing IOVA, out
 * of @pins already), each run of consecutive pages handed back to the
 * backend first (&mvgpu_backend_ops.ctx_unpin); no lock of ours held.
 */
static void mvgpu_pin_unpin_gone(struct mvgpu_ctx *ctx, struct mvgpu_pin *gone,
				 unsigned int n)
{
	const struct mvgpu_backend_ops *be = ctx->gdev->be_ops;
	struct page *pages[MVGPU_PIN_UNPIN_RUN];
	struct mvgpu_pin *pin;
	unsigned int k;

	mvgpu_pin_assert_unlocked(&ctx->as);
	while (gone) {
		for (k = 0, pin = gone; pin && k < MVGPU_PIN_UNPIN_RUN &&
		     pin->iova == gone->iova + (u64)k * PAGE_SIZE;
		     pin = pin->next)
			pages[k++] = pin->page;
		if (be->ctx_unpin)
			be->ctx_unpin(ctx->bctx, gone->iova, pages, k);
		while (k--) {
			pin = gone;
			gone = pin->next;
			while (pin->vfio_refs--)
				mvgpu_vfio_unpin(&ctx->as, ctx->vdev, pin->iova, 1);
			kfree(pin);
			if (!(--n % 32))
				cond_resched();
		}
	}
}

/**
 * mvgpu_pin_release() - unpin the idle pages of a range
 * @ctx: the context whose address space: the caller holds its @pin_lock
 *	and has made sure nothing that could have reached these pages still
 *	runs (DOC: Page-table changes); it is dropped while VFIO unpins, with
 *	the pages out of @pins already
 * @iova: first byte
 * @size: bytes (U64_MAX - @iova: all)
 *
 * Every idle pin of the range leaves @pins before the lock is first
 * dropped, so no pin of the range can be counted on again meanwhile; the
 * unpins are registered as under way (mvgpu_pin_wait_inflight()).  Each
 * page goes back to the backend before VFIO unpins it.
 *
 * Context: process context, never an engine (VFIO takes its container's
 * lock to unpin).
 */
void mvgpu_pin_release(struct mvgpu_ctx *ctx, u64 iova, u64 size)
{
	struct mvgpu_aspace *as = &ctx->as;
	unsigned long idx = iova >> PAGE_SHIFT;
	unsigned long last = (iova + size - 1) >> PAGE_SHIFT;
	struct mvgpu_pin *gone = NULL, **tail = &gone, *pin;
	struct mvgpu_pin_inflight me;
	unsigned int n = 0, batch = 0;
	bool more = true;

	lockdep_assert_held(&as->pin_lock);
	/*
	 * Out of @pins, all of them, under @pin_lock held throughout (the
	 * address space's lock, which translations need, is dropped now and
	 * then); chained for the unpins through their records, in order.
	 */
	while (more) {
		mutex_lock(&as->lock);
		for (pin = xa_find(&as->pins, &idx, last, MVGPU_PIN_IDLE);
		     pin && batch < MVGPU_PIN_BATCH;
		     pin = xa_find_after(&as->pins, &idx, last, MVGPU_PIN_IDLE)) {
			batch++;
			if (pin->refs)
				continue;
			xa_erase(&as->pins, idx);
			pin->iova = (u64)idx << PAGE_SHIFT;
			pin->next = NULL;
			*tail = pin;
			tail = &pin->next;
			as->nr_pins--;
			atomic_long_dec(&as->budget->pins);
			n++;
		}
		mutex_unlock(&as->lock);
		more = pin && batch >= MVGPU_PIN_BATCH;
		batch = 0;
		cond_resched();
	}
	if (!gone)
		return;
	mvgpu_pin_busy(as, &me, iova, mvgpu_pin_last(iova, size));
	mutex_unlock(&as->pin_lock);
	mvgpu_pin_unpin_gone(ctx, gone, n);
	mutex_lock(&as->pin_lock);
	mvgpu_pin_done(as, &me);
}
