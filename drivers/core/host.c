// SPDX-License-Identifier: GPL-2.0
/*
 * The host's part in a vGPU's address space: MAPs of guest memory, VFIO's
 * dma_unmap, unpinning, and the address space at reset.
 */

#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

/**
 * DOC: Host worker
 *
 * Guest memory is mapped by the host worker (one work item per vGPU on an
 * unbound workqueue), never by an engine: when a MAP of guest memory
 * reaches the backend, the backend gives the context back
 * (MVGPU_STOP_HOST) and the worker pins a piece (DOC: Guest memory), maps
 * it, and goes on to the next piece, dropping the pin lock in between so
 * that VFIO's dma_unmap can come in; then it tells the backend how it went
 * (&mvgpu_backend_ops.ctx_host_done) and requeues the context.  A worker
 * that waits for a VM's memory holds only its own vGPU.  The worker also
 * unpins pages nothing maps any more, after the backend's flush.
 *
 * VFIO's dma_unmap (mvgpu_ctx_dma_unmap()) removes every entry that maps
 * the IOVA range, stops a MAP in progress that was pinning it, has the
 * backend flush its translations and unpins before it returns: from then
 * on no command can reach that memory, and if the VM maps the IOVA again
 * only a new MAP reaches the new memory.
 *
 * Lock order: the address space's pin_lock -> (the backend's flush) ->
 * its lock.  A backend never takes the pin lock, so nothing a VM's memory
 * does can hold an engine.
 */

static struct workqueue_struct *mvgpu_host_wq;

/**
 * mvgpu_host_module_init() - the host workers' workqueue
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int mvgpu_host_module_init(void)
{
	mvgpu_host_wq = alloc_workqueue("mvgpu_host", WQ_UNBOUND, 0);
	return mvgpu_host_wq ? 0 : -ENOMEM;
}

/**
 * mvgpu_host_module_exit() - tear the workqueue down
 *
 * Context: module exit, after every vGPU is gone.
 */
void mvgpu_host_module_exit(void)
{
	destroy_workqueue(mvgpu_host_wq);
}

static const struct mvgpu_backend_ops *mvgpu_host_be(struct mvgpu_ctx *ctx)
{
	return ctx->gdev->be_ops;
}

static struct mem_cgroup *mvgpu_host_memcg(struct mvgpu_ctx *ctx)
{
	return READ_ONCE(ctx->vgpu->memcg);
}

/* Unpin what nothing maps, once the backend can no longer reach it. */
static void mvgpu_host_release(struct mvgpu_ctx *ctx, u64 iova, u64 len)
{
	lockdep_assert_held(&ctx->as.pin_lock);
	mvgpu_host_be(ctx)->ctx_flush(ctx->bctx);
	mvgpu_pin_release(&ctx->as, ctx->vdev, iova, len);
}

/* Map the next piece of the request; false once it is over. */
static bool mvgpu_host_piece(struct mvgpu_ctx *ctx, u64 *done)
{
	const struct mvgpu_host_request *r = &ctx->host;
	struct mvgpu_aspace *as = &ctx->as;
	u64 va = r->va + *done, iova = r->iova + *done, addr = va;
	u64 n = min_t(u64, r->size - *done, VFIO_PIN_PAGES_MAX_ENTRIES * PAGE_SIZE);
	u32 reason = 0;
	int ret;

	if (ctx->host_abort || !ctx->vdev) {
		ret = -EINVAL;
		reason = MVGPU_MAP_ERR_PIN;
		addr = iova;
		goto fault;
	}
	ret = mvgpu_pin_get(as, ctx->vdev, iova, n, r->flags & MVGPU_GPT_WRITE);
	/*
	 * Pages an UNMAP let go of still count until they are unpinned: make
	 * the room they hold, then try again.
	 */
	if (ret == -ENOSPC && mvgpu_aspace_pins_idle(as)) {
		mvgpu_host_release(ctx, 0, U64_MAX);
		ret = mvgpu_pin_get(as, ctx->vdev, iova, n,
				    r->flags & MVGPU_GPT_WRITE);
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
	if (ret) {
		/* -EINVAL: an IOVA past what a page-table entry holds. */
		reason = ret == -EEXIST ? MVGPU_MAP_ERR_OVERLAP :
			 ret == -EINVAL ? MVGPU_MAP_ERR_PIN :
					  MVGPU_MAP_ERR_TABLES;
		goto fault;
	}
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

/* The core's part of a MAP of guest memory, in pieces. */
static void mvgpu_host_map(struct mvgpu_ctx *ctx)
{
	struct mvgpu_aspace *as = &ctx->as;
	struct mem_cgroup *old;
	bool more = true;
	u64 done = 0;

	old = set_active_memcg(mvgpu_host_memcg(ctx));
	memset(&ctx->host_result, 0, sizeof(ctx->host_result));
	/*
	 * An abort is for the request being served: forget one a dma_unmap
	 * left after the previous request was answered.
	 */
	mutex_lock(&as->pin_lock);
	ctx->host_abort = false;
	mutex_unlock(&as->pin_lock);
	/* A reset cuts the MAP short; a freeze lets it finish. */
	while (more && (!READ_ONCE(ctx->stopping) || READ_ONCE(ctx->frozen))) {
		mutex_lock(&as->pin_lock);
		more = mvgpu_host_piece(ctx, &done);
		if (!more && mvgpu_aspace_pins_idle(as))	/* a failed piece */
			mvgpu_host_release(ctx, 0, U64_MAX);
		mutex_unlock(&as->pin_lock);
		cond_resched();
	}
	set_active_memcg(old);
	mvgpu_host_be(ctx)->ctx_host_done(ctx->bctx, &ctx->host_result);
}

/*
 * The request is answered: charged for the @cpu_ns it took, back on the
 * run queue (unless a reset stops it).
 */
static void mvgpu_host_done(struct mvgpu_ctx *ctx, u64 cpu_ns)
{
	struct mvgpu_sched *sched = &ctx->gdev->sched;

	spin_lock_irq(&sched->lock);
	ctx->host_queued = false;
	ctx->host_cpu_ns += cpu_ns;
	if (ctx->state == MVGPU_CTX_HOST) {
		mvgpu_sched_charge_host_locked(ctx->gdev, ctx, ktime_get_ns());
		if (ctx->stopping)
			ctx->state = MVGPU_CTX_IDLE;
		else	/* like a WAIT that is over: no reason to preempt */
			mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true, false);
	}
	spin_unlock_irq(&sched->lock);
}

/* CPU time this worker thread has used (as of its last tick or switch). */
static u64 mvgpu_host_cpu_now(void)
{
	return READ_ONCE(current->se.sum_exec_runtime);
}

static void mvgpu_host_work(struct work_struct *work)
{
	struct mvgpu_ctx *ctx = container_of(work, struct mvgpu_ctx, host_work);
	struct mvgpu_sched *sched = &ctx->gdev->sched;
	struct mvgpu_aspace *as = &ctx->as;
	u64 t0 = mvgpu_host_cpu_now();

	if (READ_ONCE(ctx->host_queued)) {
		mvgpu_host_map(ctx);
		mvgpu_host_done(ctx, mvgpu_host_cpu_now() - t0);
	}
	if (mvgpu_aspace_pins_idle(as)) {
		t0 = mvgpu_host_cpu_now();
		mutex_lock(&as->pin_lock);
		mvgpu_host_release(ctx, 0, U64_MAX);
		mutex_unlock(&as->pin_lock);
		/* Charged when it next comes off an engine or gets an answer. */
		spin_lock_irq(&sched->lock);
		ctx->host_cpu_ns += mvgpu_host_cpu_now() - t0;
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
	INIT_WORK(&ctx->host_work, mvgpu_host_work);
}

/**
 * mvgpu_host_queue() - hand the request in @ctx->host to the host worker
 * @ctx: the context, which its backend just gave back with MVGPU_STOP_HOST
 *
 * Context: any; the caller holds sched.lock and set @ctx->host_queued.
 */
void mvgpu_host_queue(struct mvgpu_ctx *ctx)
{
	queue_work(mvgpu_host_wq, &ctx->host_work);
}

/**
 * mvgpu_host_kick() - ask the host worker to unpin what nothing maps
 * @ctx: the context
 *
 * Context: any.
 */
void mvgpu_host_kick(struct mvgpu_ctx *ctx)
{
	queue_work(mvgpu_host_wq, &ctx->host_work);
}

/**
 * mvgpu_host_flush() - wait until the host worker is done with @ctx
 * @ctx: the context, stopping
 *
 * Context: process context; may wait for the VM's memory.
 */
void mvgpu_host_flush(struct mvgpu_ctx *ctx)
{
	flush_work(&ctx->host_work);
}

/**
 * mvgpu_host_reset() - back to the reset mapping, nothing pinned
 * @ctx: the context, stopped (mvgpu_ctx_stop())
 *
 * Context: process context; takes the pin lock.
 */
void mvgpu_host_reset(struct mvgpu_ctx *ctx)
{
	struct mvgpu_aspace *as = &ctx->as;
	struct mem_cgroup *old;

	old = set_active_memcg(mvgpu_host_memcg(ctx));
	mutex_lock(&as->pin_lock);
	if (mvgpu_aspace_reset(as))
		dev_warn(ctx->vgpu->vdev.dev,
			 "no memory for the VRAM mapping; GPU VA starts empty\n");
	mvgpu_host_release(ctx, 0, U64_MAX);
	ctx->host_abort = false;
	memset(&ctx->host_result, 0, sizeof(ctx->host_result));
	mutex_unlock(&as->pin_lock);
	set_active_memcg(old);
}

/**
 * mvgpu_ctx_dma_unmap() - the VM unmapped guest memory
 * @ctx: the vGPU's context
 * @iova: first byte
 * @len: bytes
 *
 * See DOC: Host worker.  VFIO calls this for every IOVA range with pages
 * the vGPU pinned, and insists that they are unpinned when it returns.
 *
 * Context: process context (VFIO_IOMMU_UNMAP_DMA or the container's
 * release); may wait for the host worker's current piece and one step of
 * the backend.
 */
void mvgpu_ctx_dma_unmap(struct mvgpu_ctx *ctx, u64 iova, u64 len)
{
	const struct mvgpu_host_request *r = &ctx->host;
	struct mvgpu_aspace *as = &ctx->as;
	u64 last = len ? iova + len - 1 : iova;

	mutex_lock(&as->pin_lock);
	/* A MAP still pinning this range fails rather than pin it again. */
	if (READ_ONCE(ctx->host_queued) && r->iova <= last &&
	    iova < r->iova + r->size)
		ctx->host_abort = true;
	mvgpu_aspace_unmap_iova(as, iova, len);
	mvgpu_host_release(ctx, iova, len);
	mutex_unlock(&as->pin_lock);
}

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
	ret = mvgpu_pin_get(as, ctx->vdev, target, size,
			    flags & MVGPU_GPT_WRITE);
	if (!ret)
		ret = mvgpu_aspace_map_sysmem(as, va, target, size, flags,
					      &fault);
	if (ret && mvgpu_aspace_pins_idle(as))
		mvgpu_host_release(ctx, 0, U64_MAX);
	mutex_unlock(&as->pin_lock);
out:
	set_active_memcg(old);
	return ret;
}
