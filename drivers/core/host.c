// SPDX-License-Identifier: GPL-2.0
/*
 * The host's part in a vGPU's address space: MAPs of guest memory, VFIO's
 * dma_unmap, unpinning, and the address space at reset.
 */

#include <kunit/visibility.h>
#include <linux/cgroup.h>
#include <linux/kthread.h>
#include <linux/memcontrol.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/vfio.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

/**
 * DOC: Host worker
 *
 * Guest memory is mapped by the host worker (a kernel thread per open
 * vGPU, in its VMM's cgroups: mvgpu_host_worker_create()), never by an
 * engine: when a MAP of guest memory
 * reaches the backend, the backend gives the context back
 * (MVGPU_STOP_HOST) and the worker pins a piece (DOC: Guest memory), maps
 * it, and goes on to the next piece, dropping the pin lock in between so
 * that VFIO's dma_unmap can come in; then it tells the backend how it went
 * (&mvgpu_backend_ops.ctx_host_done) and requeues the context.  A worker
 * that waits for a VM's memory holds only its own vGPU.  Every change the
 * core makes to a page table reaches the backend with its range
 * (mvgpu_ctx_tlb_flush(), DOC: Page-table changes), before any page it
 * unmapped is unpinned.  The worker also unpins pages nothing maps any
 * more, each handed back to the backend first (&mvgpu_backend_ops.ctx_unpin).
 *
 * VFIO's dma_unmap (mvgpu_ctx_dma_unmap()) removes every entry that maps
 * the IOVA range, stops a MAP in progress that was pinning it, has the
 * backend flush its translations of the span of VA the entries covered
 * and unpins before it returns: from then on no command can reach that
 * memory, and if the VM maps the IOVA again only a new MAP reaches the new
 * memory.
 *
 * Lock order: the address space's pin_lock -> (the backend's flush, its
 * &mvgpu_backend_ops.ctx_pin) -> its lock; none of them is held across a
 * call into VFIO (DOC: Guest memory).  A backend never takes the pin lock,
 * so nothing a VM's memory does can hold an engine.
 */

/**
 * mvgpu_host_worker_create() - the host worker of a vGPU being opened
 * @name: the thread's name
 *
 * A kernel thread (a kthread_worker) that runs the host work of the
 * vGPU's contexts and its backend's work off the engines, moved into every
 * cgroup of the opener (the VMM), as vhost moves its workers: its CPU time
 * is charged to the VM, what it allocates is the VM's by its memory cgroup.
 *
 * Context: process context, the opener's (VFIO open_device).
 * Return: the worker, or an ERR_PTR().
 */
struct kthread_worker *mvgpu_host_worker_create(const char *name)
{
	struct kthread_worker *w = kthread_create_worker(0, "%s", name);
	int ret;

	if (IS_ERR(w))
		return w;
	ret = cgroup_attach_task_all(current, w->task);
	if (ret) {
		kthread_destroy_worker(w);
		return ERR_PTR(ret);
	}
	return w;
}

/**
 * mvgpu_host_worker_destroy() - stop a vGPU's host worker
 * @worker: the worker; every context of the vGPU has been reset since it
 *	last ran, so no work is queued on it
 *
 * Context: process context.
 */
void mvgpu_host_worker_destroy(struct kthread_worker *worker)
{
	kthread_destroy_worker(worker);
}

static const struct mvgpu_backend_ops *mvgpu_host_be(struct mvgpu_ctx *ctx)
{
	return ctx->gdev->be_ops;
}

static struct mem_cgroup *mvgpu_host_memcg(struct mvgpu_ctx *ctx)
{
	return READ_ONCE(ctx->vgpu->memcg);
}

/**
 * mvgpu_ctx_tlb_flush() - tell the backend a context's page table changed
 * @ctx: the context
 * @va: first GPU VA of what changed
 * @size: its bytes (MVGPU_GPT_VA_SIZE from 0: all of it)
 *
 * After every change the core makes to a page table, before any guest
 * page it unmapped is unpinned (DOC: Page-table changes): when this
 * returns, no access of the context uses a translation the change removed.
 *
 * Context: process context; with or without the address space's pin lock
 * held, never across a call into VFIO; waits for one step of the backend.
 */
void mvgpu_ctx_tlb_flush(struct mvgpu_ctx *ctx, u64 va, u64 size)
{
	if (size)
		mvgpu_host_be(ctx)->ctx_flush(ctx->bctx, va, size);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_tlb_flush);

/**
 * mvgpu_host_release() - unpin what nothing maps any more in a context
 * @ctx: the context
 * @iova: first byte of the IOVA range to look at
 * @len: its bytes
 *
 * Once the backend can no longer reach the pages: every change that
 * unmapped them has been flushed (mvgpu_ctx_tlb_flush(), or the backend's
 * own for its commands); each page goes back to the backend
 * (&mvgpu_backend_ops.ctx_unpin) before VFIO unpins it.
 *
 * Context: process context; the caller holds the address space's pin
 * lock, which is dropped while VFIO unpins (mvgpu_pin_release()).
 */
void mvgpu_host_release(struct mvgpu_ctx *ctx, u64 iova, u64 len)
{
	lockdep_assert_held(&ctx->as.pin_lock);
	mvgpu_pin_release(ctx, iova, len);
}

/* A piece of a MAP pinned again after a dma_unmap took pages: at most. */
#define MVGPU_HOST_MAP_TRIES	8

/*
 * Whether a reset of @ctx cuts its request short.  A freeze lets it finish;
 * so does a reset when the request changes another context's page table:
 * that table must end as the command asked, not half changed, since the
 * reset clears only @ctx's own (DOC: Contexts).
 */
static bool mvgpu_host_cut(struct mvgpu_ctx *ctx)
{
	return READ_ONCE(ctx->stopping) && !READ_ONCE(ctx->frozen) &&
	       !ctx->host.ctx;
}

/*
 * The request the host worker serves pins nothing more: VFIO unmapped what
 * it maps (mvgpu_ctx_dma_unmap()), or a reset cuts it short.
 */
static bool mvgpu_host_cancelled(void *arg)
{
	struct mvgpu_ctx *ctx = arg;

	return READ_ONCE(ctx->host_abort_seq) == READ_ONCE(ctx->host_seq) ||
	       mvgpu_host_cut(ctx);
}

/*
 * Map the next piece of @ctx's request (a MAP of guest memory) into @tgt's
 * address space (@ctx's own, or another context's); false once it is over.
 */
static bool mvgpu_host_piece(struct mvgpu_ctx *ctx, struct mvgpu_ctx *tgt,
			     u64 *done)
{
	const struct mvgpu_pin_req req = {
		.cancelled = mvgpu_host_cancelled, .arg = ctx,
	};
	const struct mvgpu_host_request *r = &ctx->host;
	struct mvgpu_aspace *as = &tgt->as;
	u64 va = r->va + *done, iova = r->iova + *done, addr = va;
	u64 n = min_t(u64, r->size - *done, VFIO_PIN_PAGES_MAX_ENTRIES * PAGE_SIZE);
	bool write = r->flags & MVGPU_GPT_WRITE;
	unsigned int tries = 0;
	u32 reason = 0;
	int ret;

	if (mvgpu_host_cancelled(ctx) || !tgt->vdev) {
		ret = -EINVAL;
		reason = MVGPU_MAP_ERR_PIN;
		addr = iova;
		goto fault;
	}
again:
	ret = mvgpu_pin_get(tgt, iova, n, write, &req);
	/*
	 * Pages an UNMAP let go of still count until they are unpinned: make
	 * the room they hold, then try again.
	 */
	if (ret == -ENOSPC && mvgpu_aspace_pins_idle(as)) {
		mvgpu_host_release(tgt, 0, U64_MAX);
		ret = mvgpu_pin_get(tgt, iova, n, write, &req);
	}
	if (ret) {
		dev_dbg(ctx->vgpu->vdev.dev,
			"vGPU %u: cannot pin guest memory at IOVA %#llx: %d\n",
			ctx->vgpu->id, iova, ret);
		reason = ret == -ENOSPC ? MVGPU_MAP_ERR_PIN_LIMIT :
					  MVGPU_MAP_ERR_PIN;
		addr = iova;
		goto fault;
	}
	ret = mvgpu_aspace_map_sysmem(as, va, iova, n, r->flags, &addr);
	/* A dma_unmap took pages of it away meanwhile: pin again. */
	if (ret == -EAGAIN && ++tries < MVGPU_HOST_MAP_TRIES)
		goto again;
	if (ret == -EAGAIN) {
		ret = -ECANCELED;
		reason = MVGPU_MAP_ERR_PIN;
		addr = iova;
		goto fault;
	}
	if (ret) {
		/* -EINVAL: an IOVA past what a page-table entry holds. */
		reason = ret == -EEXIST ? MVGPU_MAP_ERR_OVERLAP :
			 ret == -EINVAL ? MVGPU_MAP_ERR_PIN :
					  MVGPU_MAP_ERR_TABLES;
		goto fault;
	}
	mvgpu_ctx_tlb_flush(tgt, va, n);
	*done += n;
	return *done < r->size;

fault:
	if (ret == -ENOMEM && reason != MVGPU_MAP_ERR_PIN) {
		ctx->host_result.code = MVGPU_ERR_NO_MEMORY;
		ctx->host_result.info = MVGPU_OP_MAP;
	} else {
		ctx->host_result.code = MVGPU_ERR_BAD_MAP;
		ctx->host_result.info = MVGPU_OP_MAP |
					reason << MVGPU_ERR_REASON_SHIFT;
	}
	ctx->host_result.addr = addr;
	return false;
}

/* The core's part of a MAP of guest memory into @tgt, in pieces. */
static void mvgpu_host_map(struct mvgpu_ctx *ctx, struct mvgpu_ctx *tgt)
{
	struct mvgpu_aspace *as = &tgt->as;
	bool more = true;
	u64 done = 0;

	while (more && !mvgpu_host_cut(ctx)) {
		mutex_lock(&as->pin_lock);
		more = mvgpu_host_piece(ctx, tgt, &done);
		if (!more && mvgpu_aspace_pins_idle(as))	/* a failed piece */
			mvgpu_host_release(tgt, 0, U64_MAX);
		mutex_unlock(&as->pin_lock);
		cond_resched();
	}
}

/* Do what @ctx's command asked of the core, and answer the backend. */
static void mvgpu_host_serve(struct mvgpu_ctx *ctx)
{
	const struct mvgpu_host_request *r = &ctx->host;
	struct mvgpu_ctx *tgt;
	struct mem_cgroup *old;

	old = set_active_memcg(mvgpu_host_memcg(ctx));
	memset(&ctx->host_result, 0, sizeof(ctx->host_result));
	switch (r->op) {
	case MVGPU_OP_MAP:
		tgt = mvgpu_ctx_target(ctx, r->ctx, &ctx->host_result);
		if (tgt && (r->flags & MVGPU_GPT_SYSMEM))
			mvgpu_host_map(ctx, tgt);
		else if (tgt)
			mvgpu_ctx_op_map_vram(ctx, tgt);
		break;
	case MVGPU_OP_UNMAP:
		tgt = mvgpu_ctx_target(ctx, r->ctx, &ctx->host_result);
		if (tgt)
			mvgpu_ctx_op_unmap(ctx, tgt);
		break;
	default:
		mvgpu_ctx_op_context(ctx);
		break;
	}
	set_active_memcg(old);
	mvgpu_host_be(ctx)->ctx_host_done(ctx->bctx, &ctx->host_result);
}

/*
 * The request is answered: its @cpu_ns charged to the vGPU, the context
 * back on the run queue (unless a reset stops it).
 */
static void mvgpu_host_done(struct mvgpu_ctx *ctx, u64 cpu_ns)
{
	struct mvgpu_sched *sched = &ctx->gdev->sched;

	spin_lock_irq(&sched->lock);
	ctx->host_queued = false;
	ctx->vs->host_cpu_ns += cpu_ns;
	if (ctx->state == MVGPU_CTX_HOST) {
		mvgpu_sched_charge_host_locked(ctx->gdev, ctx->vs,
					       ktime_get_ns());
		if (ctx->stopping)
			ctx->state = MVGPU_CTX_IDLE;
		else	/* as a WAIT that is over: others not preempted */
			mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true,
						   MVGPU_PREEMPT_SIBLINGS);
	}
	spin_unlock_irq(&sched->lock);
}

/* CPU time this worker thread has used (as of its last tick or switch). */
static u64 mvgpu_host_cpu_now(void)
{
	return READ_ONCE(current->se.sum_exec_runtime);
}

static void mvgpu_host_work(struct kthread_work *work)
{
	struct mvgpu_ctx *ctx = container_of(work, struct mvgpu_ctx, host_work);
	struct mvgpu_sched *sched = &ctx->gdev->sched;
	struct mvgpu_aspace *as = &ctx->as;
	u64 t0 = mvgpu_host_cpu_now();

	if (READ_ONCE(ctx->host_queued)) {
		mvgpu_host_serve(ctx);
		mvgpu_host_done(ctx, mvgpu_host_cpu_now() - t0);
	}
	if (mvgpu_aspace_pins_idle(as)) {
		t0 = mvgpu_host_cpu_now();
		mutex_lock(&as->pin_lock);
		mvgpu_host_release(ctx, 0, U64_MAX);
		mutex_unlock(&as->pin_lock);
		/* Charged when it next comes off an engine or gets an answer. */
		spin_lock_irq(&sched->lock);
		ctx->vs->host_cpu_ns += mvgpu_host_cpu_now() - t0;
		spin_unlock_irq(&sched->lock);
	}
}

/**
 * mvgpu_host_init() - the host worker of a new context
 * @ctx: the context
 *
 * Context: any.
 */
void mvgpu_host_init(struct mvgpu_ctx *ctx)
{
	kthread_init_work(&ctx->host_work, mvgpu_host_work);
}

/* Queue the host work on the vGPU's worker (it runs only while open). */
static void mvgpu_host_queue_work(struct mvgpu_ctx *ctx)
{
	struct kthread_worker *worker = READ_ONCE(ctx->vgpu->worker);

	if (!WARN_ON_ONCE(!worker))
		kthread_queue_work(worker, &ctx->host_work);
}

/**
 * mvgpu_host_queue() - hand the request in @ctx->host to the host worker
 * @ctx: the context, which its backend just gave back with MVGPU_STOP_HOST
 *
 * Context: any; the caller holds sched.lock and set @ctx->host_queued.
 */
void mvgpu_host_queue(struct mvgpu_ctx *ctx)
{
	mvgpu_host_queue_work(ctx);
}

/**
 * mvgpu_host_kick() - ask the host worker to unpin what nothing maps
 * @ctx: the context
 *
 * Context: any.
 */
void mvgpu_host_kick(struct mvgpu_ctx *ctx)
{
	mvgpu_host_queue_work(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_host_kick);

/**
 * mvgpu_host_flush() - wait until the host worker is done with @ctx
 * @ctx: the context, stopping
 *
 * Context: process context; may wait for the VM's memory.
 */
void mvgpu_host_flush(struct mvgpu_ctx *ctx)
{
	kthread_flush_work(&ctx->host_work);
}

/**
 * mvgpu_host_reset() - the host's side of a context's reset
 * @ctx: the context, stopped (mvgpu_ctx_stop())
 * @clear: also back to the reset mapping (context 0's: VRAM at VA 0;
 *	another's: empty), nothing pinned; else the address space stays, as a
 *	context's RESET keeps it (DOC: Contexts)
 *
 * Context: process context; takes the pin lock; on the vGPU's worker too.
 */
void mvgpu_host_reset(struct mvgpu_ctx *ctx, bool clear)
{
	struct mvgpu_aspace *as = &ctx->as;
	struct mem_cgroup *old;

	/*
	 * Unbound from the worker (a kthread_work stays bound to the first it
	 * was queued on): the vGPU's next opening has a new one.
	 */
	kthread_cancel_work_sync(&ctx->host_work);
	kthread_init_work(&ctx->host_work, mvgpu_host_work);
	memset(&ctx->host_result, 0, sizeof(ctx->host_result));
	if (!clear)
		return;
	old = set_active_memcg(mvgpu_host_memcg(ctx));
	mutex_lock(&as->pin_lock);
	if (mvgpu_aspace_reset(as))
		dev_warn(ctx->vgpu->vdev.dev,
			 "no memory for the VRAM mapping; GPU VA starts empty\n");
	mvgpu_ctx_tlb_flush(ctx, 0, MVGPU_GPT_VA_SIZE);
	mvgpu_host_release(ctx, 0, U64_MAX);
	mutex_unlock(&as->pin_lock);
	set_active_memcg(old);
}

/**
 * mvgpu_ctx_dma_unmap() - the VM unmapped guest memory
 * @ctx: the vGPU's context
 * @iova: first byte
 * @len: bytes
 *
 * See DOC: Host worker and DOC: Guest memory.  VFIO calls this for every
 * IOVA range with pages the vGPU pinned, and insists that they are
 * unpinned when it returns: the range is fenced (nothing pins it until
 * VFIO has dropped the mapping), a MAP queued for it is aborted, its
 * entries go, the backend flushes the span of GPU VA they covered, what
 * they pinned goes back to the backend and is unpinned, and pins of it
 * that were under way are waited for (they undo themselves).
 *
 * Context: process context (VFIO_IOMMU_UNMAP_DMA), under VFIO's device
 * list lock: takes only leaf locks of ours (pin_lock, the address space's
 * lock), and waits for one step of the backend and for pins under way.
 */
void mvgpu_ctx_dma_unmap(struct mvgpu_ctx *ctx, u64 iova, u64 len)
{
	struct mvgpu_sched *sched = &ctx->gdev->sched;
	struct mvgpu_aspace *as = &ctx->as;
	u64 last = len ? iova + len - 1 : iova, rlast, seq;
	struct mvgpu_gpt_span gone = {};
	struct mvgpu_host_request r;
	bool queued;

	if (last < iova)
		last = U64_MAX;
	mutex_lock(&as->pin_lock);
	mvgpu_pin_fence(as, iova, len);
	/* A MAP queued for this range fails rather than pin it again. */
	spin_lock_irq(&sched->lock);
	queued = ctx->host_queued;
	r = ctx->host;
	seq = ctx->host_seq;
	spin_unlock_irq(&sched->lock);
	if (check_add_overflow(r.iova, r.size - 1, &rlast))
		rlast = U64_MAX;
	if (queued && r.size && r.iova <= last && iova <= rlast)
		WRITE_ONCE(ctx->host_abort_seq, seq);
	if (mvgpu_aspace_unmap_iova(as, iova, len, &gone))
		mvgpu_ctx_tlb_flush(ctx, gone.start, gone.end - gone.start);
	mvgpu_host_release(ctx, iova, len);
	mutex_unlock(&as->pin_lock);
	mvgpu_pin_wait_inflight(as, iova, len);
	mutex_lock(&as->pin_lock);
	mvgpu_pin_fence_end(as, iova, len);
	mutex_unlock(&as->pin_lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_dma_unmap);

/**
 * mvgpu_ctx_map_clear() - an empty page table, nothing pinned
 * @ctx: the context, frozen
 *
 * Before a migration maps what its stream says (mvgpu_ctx_map_restore()).
 *
 * Context: process context; takes the pin lock.
 */
void mvgpu_ctx_map_clear(struct mvgpu_ctx *ctx)
{
	struct mvgpu_aspace *as = &ctx->as;

	mutex_lock(&as->pin_lock);
	mvgpu_aspace_clear(as);
	mvgpu_ctx_tlb_flush(ctx, 0, MVGPU_GPT_VA_SIZE);
	mvgpu_host_release(ctx, 0, U64_MAX);
	mutex_unlock(&as->pin_lock);
}

/**
 * mvgpu_ctx_map_restore() - map a run of a migrated page table
 * @ctx: the context, frozen
 * @va: first GPU VA, 4 KiB aligned
 * @target: VRAM offset, or guest IOVA with MVGPU_GPT_SYSMEM
 * @size: bytes, a multiple of 4 KiB
 * @flags: MVGPU_GPT_READ / WRITE / SYSMEM
 *
 * The checks of a MAP command: only the vGPU's own VRAM, only guest
 * memory its VM has mapped for DMA (pinned now, through its own VFIO
 * container), within its page-table and pinning budgets, no overlap.
 * Tables and pins are charged to the memory cgroup of the vGPU's opener.
 *
 * Context: process context; takes the pin lock; may wait for the VM's
 * memory.
 * Return: 0; -EINVAL for a malformed run or guest memory that is not
 * mapped for DMA (-EPERM: not writable); -ERANGE for VRAM not the vGPU's;
 * -EEXIST for an overlap; -ENOSPC over a budget; -ENOMEM; -EFAULT if a
 * guest page could not be had.
 */
int mvgpu_ctx_map_restore(struct mvgpu_ctx *ctx, u64 va, u64 target, u64 size,
			  u32 flags)
{
	struct mvgpu_aspace *as = &ctx->as;
	unsigned int tries = 0;
	struct mem_cgroup *old;
	u64 fault;
	int ret;

	if (flags & ~(MVGPU_GPT_READ | MVGPU_GPT_WRITE | MVGPU_GPT_SYSMEM) ||
	    !(flags & (MVGPU_GPT_READ | MVGPU_GPT_WRITE)) || !size ||
	    !IS_ALIGNED(va | target | size, MVGPU_GPT_PAGE_SIZE) ||
	    size > MVGPU_GPT_VA_SIZE || va > MVGPU_GPT_VA_SIZE - size)
		return -EINVAL;
	old = set_active_memcg(mvgpu_host_memcg(ctx));
	if (!(flags & MVGPU_GPT_SYSMEM)) {
		ret = mvgpu_aspace_map_vram_wait(as, va, target, size, flags,
						 &fault);
		goto out;
	}
	if (!ctx->vdev || target > U64_MAX - size) {
		ret = -EINVAL;
		goto out;
	}
	mutex_lock(&as->pin_lock);
	do {
		ret = mvgpu_pin_get(ctx, target, size, flags & MVGPU_GPT_WRITE,
				    NULL);
		if (!ret)
			ret = mvgpu_aspace_map_sysmem(as, va, target, size,
						      flags, &fault);
		/* A dma_unmap took pages of it away meanwhile: pin again. */
	} while (ret == -EAGAIN && ++tries < MVGPU_HOST_MAP_TRIES);
	if (ret == -ECANCELED || ret == -EAGAIN)	/* being unmapped */
		ret = -EINVAL;
	if (ret && mvgpu_aspace_pins_idle(as))
		mvgpu_host_release(ctx, 0, U64_MAX);
	mutex_unlock(&as->pin_lock);
out:
	if (!ret)
		mvgpu_ctx_tlb_flush(ctx, va, size);
	set_active_memcg(old);
	return ret;
}
