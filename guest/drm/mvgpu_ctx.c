// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu_drm: a file's device context, and WAIT_JOB on its job records.
 */

#include <linux/slab.h>
#include <drm/drm_drv.h>
#include <drm/drm_print.h>
#include <drm/drm_utils.h>

#include "mvgpu_ctx.h"
#include "mvgpu_gem.h"
#include "mvgpu_hw.h"
#include "mvgpu_job.h"
#include "mvgpu_vram.h"

/**
 * DOC: Contexts
 *
 * Every open file gets a device context of its own (uapi 0.4, DOC:
 * Contexts in uapi/mvgpu.h): a number from 1 to NUM_CONTEXTS - 1, created
 * by context 0's CTX_CREATE with an empty address space.  Context 0 maps
 * into it the driver's ring for it (read-only: a job cannot rewrite the
 * commands queued behind it), a scratch page its FENCEs write, and the
 * file's buffers; nothing else.  The file's commands run in that context:
 * whatever address they name, the device translates it through the file's
 * page table, and page-table and context commands fault there
 * (MVGPU_ERR_PRIVILEGED).  So processes are kept apart by the device; the
 * driver refuses only what it knows no user may run (mvgpu_job.c).
 *
 * When all NUM_CONTEXTS - 1 numbers are taken, open() fails with -EBUSY:
 * contexts are not shared, since sharing one would share its address
 * space.  How many one user may hold is mvgpu_file.c's (DOC: Contexts per
 * user).
 *
 * Completion is the context's SEQNO, which the device alone writes: it
 * counts the commands the context completed.  The driver numbers the
 * commands it writes to the ring (&mvgpu_ctx.emitted) and ends every job
 * with a FENCE that raises MVGPU_INT_FENCE; the interrupt handler reads
 * SEQNO and signals every hardware fence at or below it.  A job cannot
 * forge its completion: what it writes to memory is never read back.
 *
 * DOC: Locking
 *
 * Order: &mvgpu_ctx.va_lock, then &mvgpu_kring.lock (mvgpu_kring_run());
 * &mvgpu_ctx.ring_lock alone, or inside the recovery (which runs on the
 * ordered &mvgpu_device.reset_wq with the context's scheduler stopped);
 * &mvgpu_device.ctx_lock (an IRQ-safe spinlock), then
 * &mvgpu_ctx.fence_lock; &mvgpu_ctx.job_lock is a leaf.
 */

#define MVGPU_WATCHDOG_PERIOD	(HZ / 2)

/* Contexts allocated and not yet freed, of every device (debugfs). */
static atomic_t mvgpu_ctx_allocated = ATOMIC_INIT(0);

static void mvgpu_ctx_release(struct kref *ref)
{
	struct mvgpu_ctx *ctx = container_of(ref, struct mvgpu_ctx, ref);

	/* Here from a fence's release too, maybe in an interrupt. */
	drm_mm_takedown(&ctx->va_mm);
	kfree(ctx);
	atomic_dec(&mvgpu_ctx_allocated);
}

/**
 * mvgpu_ctx_count() - contexts allocated and not yet freed
 *
 * A context is freed when its last reference goes: its file's, its
 * buffers' and its hardware fences'.  For debugfs: a count that keeps
 * growing as files are opened and closed is a leak.
 *
 * Context: any.
 * Return: the count, over every device the driver bound.
 */
int mvgpu_ctx_count(void)
{
	return atomic_read(&mvgpu_ctx_allocated);
}

/**
 * mvgpu_ctx_put() - drop a reference to a context
 * @ctx: the context
 *
 * Context: any (the last reference frees memory only).
 */
void mvgpu_ctx_put(struct mvgpu_ctx *ctx)
{
	kref_put(&ctx->ref, mvgpu_ctx_release);
}

/* Hardware fences */

static const char *mvgpu_fence_driver_name(struct dma_fence *f)
{
	return MVGPU_DRV_NAME;
}

static const char *mvgpu_fence_timeline_name(struct dma_fence *f)
{
	return "mvgpu-context";
}

static void mvgpu_fence_release(struct dma_fence *f)
{
	struct mvgpu_fence *fence = container_of(f, struct mvgpu_fence, base);
	struct mvgpu_ctx *ctx = fence->ctx;

	dma_fence_free(f);
	mvgpu_ctx_put(ctx);
}

static const struct dma_fence_ops mvgpu_fence_ops = {
	.get_driver_name = mvgpu_fence_driver_name,
	.get_timeline_name = mvgpu_fence_timeline_name,
	.release = mvgpu_fence_release,
};

/**
 * mvgpu_fence_create() - a hardware fence: the context's SEQNO reaching @seqno
 * @ctx: the context
 * @seqno: the SEQNO
 *
 * The fence is queued on &mvgpu_ctx.fences, which holds one reference;
 * the caller gets another.
 *
 * Context: process (allocates).
 * Return: the fence, or NULL without memory.
 */
struct dma_fence *mvgpu_fence_create(struct mvgpu_ctx *ctx, u64 seqno)
{
	struct mvgpu_fence *fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	unsigned long flags;

	if (!fence)
		return NULL;
	kref_get(&ctx->ref);
	fence->ctx = ctx;
	dma_fence_init(&fence->base, &mvgpu_fence_ops, &ctx->fence_lock,
		       ctx->fence_context, seqno);
	dma_fence_get(&fence->base);
	spin_lock_irqsave(&ctx->fence_lock, flags);
	list_add_tail(&fence->link, &ctx->fences);
	spin_unlock_irqrestore(&ctx->fence_lock, flags);
	return &fence->base;
}

/**
 * mvgpu_ctx_signal() - signal the hardware fences up to a SEQNO
 * @ctx: the context
 * @seqno: signal every fence at or below it
 * @error: 0, or the error to give them (-ECANCELED for fences a reset or
 *	the context's end left behind)
 *
 * Context: any.
 * Return: how many fences it signalled.
 */
unsigned int mvgpu_ctx_signal(struct mvgpu_ctx *ctx, u64 seqno, int error)
{
	struct mvgpu_fence *f, *tmp;
	unsigned int n = 0;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&ctx->fence_lock, flags);
	list_for_each_entry_safe(f, tmp, &ctx->fences, link) {
		if (f->base.seqno > seqno)
			break;
		if (error)
			dma_fence_set_error(&f->base, error);
		dma_fence_signal_locked(&f->base);
		list_move_tail(&f->link, &done);
		n++;
	}
	spin_unlock_irqrestore(&ctx->fence_lock, flags);
	/* The list's references, dropped outside the fences' lock. */
	list_for_each_entry_safe(f, tmp, &done, link) {
		list_del_init(&f->link);
		dma_fence_put(&f->base);
	}
	return n;
}

static bool mvgpu_ctx_stopped(struct mvgpu_ctx *ctx)
{
	return mvgpu_ctx_rd(ctx->mdev, ctx->id, MVGPU_CTX_STATUS) == MVGPU_ENGINE_STOPPED;
}

/* Signal up to @seqno; true if fences are still pending after. */
static bool mvgpu_ctx_signal_pending(struct mvgpu_ctx *ctx, u64 seqno)
{
	unsigned long flags;
	bool pending;

	mvgpu_ctx_signal(ctx, seqno, 0);
	spin_lock_irqsave(&ctx->fence_lock, flags);
	pending = !list_empty(&ctx->fences);
	spin_unlock_irqrestore(&ctx->fence_lock, flags);
	return pending;
}

/**
 * mvgpu_ctx_seqno() - the context's SEQNO
 * @ctx: the context
 *
 * One register read, SEQNO_LO, extended to 64 bits from the last value
 * seen: SEQNO moves by far less than 2^31 between two reads (a ring holds
 * at most 16383 commands), so the low half's difference is the advance.
 * A read older than the last one seen (an interrupt and the watchdog
 * racing) counts as no advance.  Every register read costs a trap to the
 * host, and this one is on every interrupt's path.
 *
 * Context: any.
 * Return: the commands the context completed since it was created.
 */
u64 mvgpu_ctx_seqno(struct mvgpu_ctx *ctx)
{
	u32 lo = mvgpu_ctx_rd(ctx->mdev, ctx->id, MVGPU_CTX_SEQNO_LO);
	unsigned long flags;
	s32 delta;
	u64 seq;

	spin_lock_irqsave(&ctx->fence_lock, flags);
	delta = (s32)(lo - lower_32_bits(ctx->seqno_seen));
	if (delta > 0)
		ctx->seqno_seen += delta;
	seq = ctx->seqno_seen;
	spin_unlock_irqrestore(&ctx->fence_lock, flags);
	return seq;
}

/**
 * mvgpu_ctx_engine_ns() - the engine time the context has used
 * @ctx: the context
 *
 * Context: any.
 * Return: ENGINE_NS, 0 without a device context.
 */
u64 mvgpu_ctx_engine_ns(struct mvgpu_ctx *ctx)
{
	u64 ns = 0;
	int idx;

	if (ctx->id && drm_dev_enter(&ctx->mdev->drm, &idx)) {
		ns = mvgpu_ctx_rd64(ctx->mdev, ctx->id, MVGPU_CTX_ENGINE_NS_LO);
		drm_dev_exit(idx);
	}
	return ns;
}

/**
 * mvgpu_ctx_irq() - the contexts' causes behind MVGPU_INT_CONTEXT, one pass
 * @mdev: the device
 *
 * Reads CTX_PENDING once, acknowledging each pending context's causes in
 * its window and signalling its hardware fences from SEQNO; a context
 * that still has jobs and reads STOPPED faulted, and its recovery starts
 * (drm_sched_fault(), so mvgpu_job_timedout() runs).  The caller reads
 * INT_STATUS after it: a context that became pending meanwhile keeps
 * MVGPU_INT_CONTEXT set and sends no MSI of its own, so the caller calls
 * this again until MVGPU_INT_CONTEXT reads clear.
 *
 * Context: hard interrupt, or the interrupt's thread with interrupts off.
 * Return: the CTX_PENDING read (0: no context pending), or U64_MAX if
 * the device is gone (all ones: bit 0 is never set).
 */
u64 mvgpu_ctx_irq(struct mvgpu_device *mdev)
{
	u64 pending = mvgpu_rd(mdev, MVGPU_REG_CTX_PENDING_LO);
	unsigned long bits;
	unsigned int n;

	if (pending & 1)
		return U64_MAX;
	/* Contexts 32..63 exist on the largest types only. */
	if (mdev->num_contexts > 32)
		pending |= (u64)mvgpu_rd(mdev, MVGPU_REG_CTX_PENDING_HI) << 32;
	bits = pending;
	for_each_set_bit(n, &bits, MVGPU_CTX_MAX) {
		struct mvgpu_ctx *ctx;

		/*
		 * Both causes acknowledged unread: SEQNO says what is done,
		 * and only if a job is still pending can it have faulted,
		 * which STATUS then says.  A round trip of one job costs two
		 * accesses here, not four.
		 */
		mvgpu_ctx_wr(mdev, n, MVGPU_CTX_INT_ACK, MVGPU_INT_FENCE | MVGPU_INT_ERROR);
		spin_lock(&mdev->ctx_lock);
		ctx = mdev->ctxs[n];
		if (!ctx) {
			/* Not ours (any more): silence it. */
			mvgpu_ctx_wr(mdev, n, MVGPU_CTX_INT_MASK, 0);
		} else if (mvgpu_ctx_signal_pending(ctx, mvgpu_ctx_seqno(ctx)) &&
			   mvgpu_ctx_stopped(ctx)) {
			atomic_or(MVGPU_RECOVER_FAULT, &ctx->recover);
			drm_sched_fault(&ctx->sched);
		}
		spin_unlock(&mdev->ctx_lock);
	}
	return pending;
}

/*
 * The watchdog: a job times out by the engine time its context got
 * (ENGINE_NS), not by the guest's clock, so a job that waits behind other
 * VMs or other contexts never does.  Every MVGPU_WATCHDOG_PERIOD while the
 * context has hardware fences pending it reads SEQNO and ENGINE_NS,
 * signals what is done (a lost interrupt costs one period), and calls the
 * job at the head hung when it has used more than job_timeout_ms of engine
 * time, or when neither SEQNO nor ENGINE_NS moved for stall_timeout_ms (a
 * WAIT for a value that never comes uses no engine time).
 */
static void mvgpu_ctx_watchdog_work(struct work_struct *work)
{
	struct mvgpu_ctx *ctx = container_of(to_delayed_work(work),
					     struct mvgpu_ctx, watchdog);
	u64 seq, ns, head = 0;
	struct mvgpu_fence *f;
	bool hang = false;
	int idx;

	if (!drm_dev_enter(&ctx->mdev->drm, &idx))
		return;
	mutex_lock(&ctx->ring_lock);
	seq = mvgpu_ctx_seqno(ctx);
	ns = mvgpu_ctx_rd64(ctx->mdev, ctx->id, MVGPU_CTX_ENGINE_NS_LO);
	/* A fence left to the watchdog is an interrupt lost (debugfs). */
	atomic_add(mvgpu_ctx_signal(ctx, seq, 0), &ctx->mdev->wd_signalled);
	spin_lock_irq(&ctx->fence_lock);
	f = list_first_entry_or_null(&ctx->fences, struct mvgpu_fence, link);
	if (f)
		head = f->base.seqno;
	spin_unlock_irq(&ctx->fence_lock);
	if (!head)
		goto out;	/* idle: run_job arms it again */
	if (head != ctx->wd_head) {
		ctx->wd_head = head;
		ctx->wd_head_ns = ns;
	}
	if (seq != ctx->wd_seq || ns != ctx->wd_ns) {
		ctx->wd_seq = seq;
		ctx->wd_ns = ns;
		ctx->wd_progress = jiffies;
	}
	if (ns - ctx->wd_head_ns > (u64)mvgpu_job_timeout_ms * NSEC_PER_MSEC) {
		drm_dbg_driver(&ctx->mdev->drm, "context %u: a job used %llu ms of engine time\n",
			       ctx->id, (ns - ctx->wd_head_ns) / NSEC_PER_MSEC);
		hang = true;
	} else if (time_after(jiffies, ctx->wd_progress +
			      msecs_to_jiffies(mvgpu_stall_timeout_ms))) {
		drm_dbg_driver(&ctx->mdev->drm, "context %u: no progress for %u ms\n",
			       ctx->id, mvgpu_stall_timeout_ms);
		hang = true;
	}
	if (!hang && mvgpu_ctx_stopped(ctx)) {
		/* A fault whose interrupt was lost. */
		atomic_or(MVGPU_RECOVER_FAULT, &ctx->recover);
		drm_sched_fault(&ctx->sched);
	} else if (hang) {
		atomic_or(MVGPU_RECOVER_HANG, &ctx->recover);
		drm_sched_fault(&ctx->sched);
	} else {
		queue_delayed_work(system_wq, &ctx->watchdog, MVGPU_WATCHDOG_PERIOD);
	}
out:
	mutex_unlock(&ctx->ring_lock);
	drm_dev_exit(idx);
}

/**
 * mvgpu_ctx_watchdog_arm() - start the watchdog for a job just written
 * @ctx: the context
 *
 * Context: process; the caller holds &mvgpu_ctx.ring_lock.
 */
void mvgpu_ctx_watchdog_arm(struct mvgpu_ctx *ctx)
{
	lockdep_assert_held(&ctx->ring_lock);
	if (!delayed_work_pending(&ctx->watchdog)) {
		ctx->wd_progress = jiffies;
		queue_delayed_work(system_wq, &ctx->watchdog, MVGPU_WATCHDOG_PERIOD);
	}
}

/**
 * mvgpu_ctx_start_locked() - create the device context and its ring
 * @ctx: the context, its number and ring VRAM allocated
 *
 * CTX_CREATE at the context's priority, MAP of the ring (read-only) and of
 * the scratch page, then the window: interrupts enabled, the ring's base
 * and size (latched at the first doorbell), the driver's command count
 * from SEQNO.  Used at open and after a reset of the whole vGPU.
 *
 * Context: process; the caller holds &mvgpu_ctx.va_lock.
 * Return: 0, or the errno of mvgpu_kring_run().
 */
int mvgpu_ctx_start_locked(struct mvgpu_ctx *ctx)
{
	struct mvgpu_device *mdev = ctx->mdev;
	u64 ring = ctx->ring_node.start;
	struct mvgpu_cmd c[3] = {};
	int ret;

	lockdep_assert_held(&ctx->va_lock);
	c[0].opcode = MVGPU_OP_CTX_CREATE;
	c[0].context.ctx = ctx->id;
	c[0].context.prio = ctx->priority;
	c[1].opcode = MVGPU_OP_MAP;
	c[1].map.ctx = ctx->id;
	c[1].map.va = MVGPU_RING_VA;
	c[1].map.target = ring;
	c[1].map.size = ctx->ring_size;
	c[1].map.map_flags = MVGPU_MAP_READ;
	c[2].opcode = MVGPU_OP_MAP;
	c[2].map.ctx = ctx->id;
	c[2].map.va = MVGPU_SCRATCH_VA;
	c[2].map.target = ring + ctx->ring_size;
	c[2].map.size = PAGE_SIZE;
	c[2].map.map_flags = MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	ret = mvgpu_kring_run(mdev, c, ARRAY_SIZE(c));
	if (ret) {
		struct mvgpu_cmd d = { .opcode = MVGPU_OP_CTX_DESTROY };

		/* It may exist, half mapped: undo, ignoring "absent". */
		d.context.ctx = ctx->id;
		mvgpu_kring_run(mdev, &d, 1);
		drm_err(&mdev->drm, "context %u: cannot create it (%d)\n", ctx->id, ret);
		return ret;
	}
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_INT_ACK, MVGPU_INT_ALL);
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_INT_MASK, MVGPU_INT_FENCE | MVGPU_INT_ERROR);
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_RING_BASE_LO, lower_32_bits(MVGPU_RING_VA));
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_RING_BASE_HI, upper_32_bits(MVGPU_RING_VA));
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_RING_SIZE, ctx->ring_size);
	mutex_lock(&ctx->ring_lock);
	ctx->tail = 0;
	/* A new context: SEQNO read whole (it starts at 0 but for context 0). */
	spin_lock_irq(&ctx->fence_lock);
	ctx->seqno_seen = mvgpu_ctx_rd64(mdev, ctx->id, MVGPU_CTX_SEQNO_LO);
	ctx->emitted = ctx->seqno_seen;
	spin_unlock_irq(&ctx->fence_lock);
	ctx->stopped = false;
	ctx->wd_head = 0;
	ctx->wd_seq = ctx->emitted;
	ctx->wd_ns = 0;
	/*
	 * A context created again after a reset of the vGPU counts from 0:
	 * its fences are a new timeline (dma_fence seqnos never go back).
	 */
	ctx->fence_context = dma_fence_context_alloc(1);
	mutex_unlock(&ctx->ring_lock);
	ctx->alive = true;
	return 0;
}

/**
 * mvgpu_ctx_create() - a new file's context
 * @mdev: the device
 *
 * On a device with contexts: a free number, ring VRAM, the scheduler and
 * the device context.  Without: a context with number 0 that only keeps
 * the file's buffers.
 *
 * Context: process.
 * Return: the context, or ERR_PTR: -EBUSY if every device context is taken,
 * -ENOSPC without VRAM for its ring, -ENOMEM, or the device's errno.
 */
struct mvgpu_ctx *mvgpu_ctx_create(struct mvgpu_device *mdev)
{
	struct mvgpu_ctx *ctx;
	unsigned long flags;
	int ret, id;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	atomic_inc(&mvgpu_ctx_allocated);
	kref_init(&ctx->ref);
	ctx->mdev = mdev;
	ctx->priority = MVGPU_CTX_PRIO_NORMAL;
	INIT_LIST_HEAD(&ctx->link);
	mutex_init(&ctx->va_lock);
	drm_mm_init(&ctx->va_mm, MVGPU_VA_START, MVGPU_VA_END - MVGPU_VA_START);
	INIT_LIST_HEAD(&ctx->bos);
	INIT_LIST_HEAD(&ctx->quarantine);
	mutex_init(&ctx->ring_lock);
	spin_lock_init(&ctx->fence_lock);
	INIT_LIST_HEAD(&ctx->fences);
	init_waitqueue_head(&ctx->jobs_wq);
	INIT_DELAYED_WORK(&ctx->watchdog, mvgpu_ctx_watchdog_work);
	mutex_init(&ctx->submit_lock);
	spin_lock_init(&ctx->job_lock);
	if (!mvgpu_has_contexts(mdev)) {
		mutex_lock(&mdev->ctx_list_lock);
		list_add_tail(&ctx->link, &mdev->ctx_list);
		mutex_unlock(&mdev->ctx_list_lock);
		return ctx;
	}

	id = ida_alloc_range(&mdev->ctx_ida, 1, mdev->num_contexts - 1, GFP_KERNEL);
	if (id < 0) {
		ret = id == -ENOSPC ? -EBUSY : id;
		goto err_put;
	}
	ctx->id = id;
	ctx->ring_size = mvgpu_ring_kib * SZ_1K;
	ret = mvgpu_vram_alloc(mdev, &ctx->ring_node, ctx->ring_size + PAGE_SIZE,
			       SZ_64K);
	if (ret)
		goto err_ida;
	/* Mapped readable in the file's context: not what another file left. */
	ret = mvgpu_vram_clear(mdev, &ctx->ring_node);
	if (ret)
		goto err_vram;
	ctx->ring = mdev->vram + ctx->ring_node.start;
	ret = mvgpu_job_sched_init(ctx);
	if (ret)
		goto err_vram;

	mutex_lock(&ctx->va_lock);
	ret = mvgpu_ctx_start_locked(ctx);
	mutex_unlock(&ctx->va_lock);
	if (ret)
		goto err_sched;
	spin_lock_irqsave(&mdev->ctx_lock, flags);
	mdev->ctxs[id] = ctx;
	spin_unlock_irqrestore(&mdev->ctx_lock, flags);
	mutex_lock(&mdev->ctx_list_lock);
	list_add_tail(&ctx->link, &mdev->ctx_list);
	mutex_unlock(&mdev->ctx_list_lock);
	return ctx;

err_sched:
	drm_sched_entity_destroy(&ctx->entity);
	mvgpu_job_sched_fini(ctx);
err_vram:
	mvgpu_vram_free(mdev, &ctx->ring_node);
err_ida:
	ida_free(&mdev->ctx_ida, id);
err_put:
	mvgpu_ctx_put(ctx);
	return ERR_PTR(ret);
}

/**
 * mvgpu_ctx_destroy() - end a file's context (the file is being closed)
 * @ctx: the context; the file's reference is dropped
 *
 * Runs or drops the file's queued jobs (drm_sched_entity_destroy(): a
 * killed process's are dropped), destroys the device context (CTX_DESTROY
 * stops it and unmaps everything it mapped: from then on the device
 * reaches none of the file's memory), fails what it did not complete,
 * waits for every job to be freed and frees the ring, the number and the
 * buffers kept after a failed UNMAP.  The file's buffers are freed after,
 * by the DRM core; they see the context dead and skip their UNMAPs.
 *
 * If CTX_DESTROY fails the device may still map the ring and the buffers:
 * they are never freed, nor the number (a leak, said in the log).
 *
 * Context: process.
 */
void mvgpu_ctx_destroy(struct mvgpu_ctx *ctx)
{
	struct mvgpu_device *mdev = ctx->mdev;
	struct mvgpu_cmd d = { .opcode = MVGPU_OP_CTX_DESTROY };
	LIST_HEAD(kept);
	unsigned long flags;
	bool unknown;
	u64 seq = 0;
	int idx, i;

	if (!ctx->id) {
		mutex_lock(&mdev->ctx_list_lock);
		list_del_init(&ctx->link);
		mutex_unlock(&mdev->ctx_list_lock);
		mvgpu_ctx_put(ctx);
		return;
	}
	drm_sched_entity_destroy(&ctx->entity);
	mutex_lock(&ctx->va_lock);
	mutex_lock(&ctx->ring_lock);
	ctx->stopped = true;	/* run_job writes nothing from now on */
	mutex_unlock(&ctx->ring_lock);
	if (ctx->alive && drm_dev_enter(&mdev->drm, &idx)) {
		seq = mvgpu_ctx_seqno(ctx);
		/*
		 * Its causes masked and cleared first: the spec does not say
		 * that CTX_DESTROY clears the context's CTX_PENDING bit, and a
		 * freed window ignores INT_ACK.
		 */
		mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_INT_MASK, 0);
		mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_INT_ACK, MVGPU_INT_ALL);
		d.context.ctx = ctx->id;
		if (mvgpu_kring_run(mdev, &d, 1)) {
			drm_err(&mdev->drm, "context %u: CTX_DESTROY failed: its ring, number and buffers are never freed\n",
				ctx->id);
			ctx->mappings_unknown = true;
		}
		drm_dev_exit(idx);
	}
	ctx->alive = false;
	unknown = ctx->mappings_unknown;
	if (!unknown)
		mvgpu_bo_quarantine_take_locked(ctx, &kept);
	mutex_unlock(&ctx->va_lock);
	mvgpu_bo_free_quarantined(&kept);
	cancel_delayed_work_sync(&ctx->watchdog);

	spin_lock_irqsave(&mdev->ctx_lock, flags);
	mdev->ctxs[ctx->id] = NULL;
	spin_unlock_irqrestore(&mdev->ctx_lock, flags);
	mutex_lock(&mdev->ctx_list_lock);
	list_del_init(&ctx->link);
	mutex_unlock(&mdev->ctx_list_lock);

	mvgpu_ctx_signal(ctx, seq, 0);
	mvgpu_ctx_signal(ctx, U64_MAX, -ECANCELED);
	mvgpu_job_sched_fini(ctx);
	/*
	 * The job records' finished fences hold the hardware fences, which
	 * hold the context: a cycle, broken here.
	 */
	spin_lock(&ctx->job_lock);
	for (i = 0; i < MVGPU_MAX_JOBS; i++) {
		dma_fence_put(ctx->jobs[i].done);
		ctx->jobs[i].done = NULL;
	}
	spin_unlock(&ctx->job_lock);
	if (!unknown) {
		mvgpu_vram_free(mdev, &ctx->ring_node);
		ida_free(&mdev->ctx_ida, ctx->id);
	} else {
		/* Its number stays taken: no file may be promised it. */
		atomic_inc(&mdev->ctx_leaked);
	}
	mvgpu_ctx_put(ctx);
}

/**
 * mvgpu_ctx_set_priority() - set the device context's priority
 * @ctx: the context
 * @prio: MVGPU_CTX_PRIO_LOW .. MVGPU_CTX_PRIO_MAX, checked by the caller
 *
 * Context: process.
 * Return: 0, -ENODEV if the context is gone, or the device's errno.
 */
int mvgpu_ctx_set_priority(struct mvgpu_ctx *ctx, u32 prio)
{
	struct mvgpu_cmd c = { .opcode = MVGPU_OP_CTX_PRIORITY };
	int ret = -ENODEV;

	mutex_lock(&ctx->va_lock);
	if (ctx->alive) {
		c.context.ctx = ctx->id;
		c.context.prio = prio;
		ret = mvgpu_kring_run(ctx->mdev, &c, 1);
		if (!ret)
			ctx->priority = prio;
	}
	mutex_unlock(&ctx->va_lock);
	return ret;
}

/**
 * mvgpu_ctx_stop_all_locked() - before a reset of the whole vGPU
 * @mdev: the device
 *
 * Stops every context's scheduler; the jobs the device finished are
 * marked done.
 *
 * Context: process, on &mvgpu_device.reset_wq (no context recovers
 * meanwhile); the caller holds &mvgpu_device.ctx_list_lock.
 */
void mvgpu_ctx_stop_all_locked(struct mvgpu_device *mdev)
{
	struct mvgpu_ctx *ctx;

	lockdep_assert_held(&mdev->ctx_list_lock);
	list_for_each_entry(ctx, &mdev->ctx_list, link)
		if (ctx->id)
			mvgpu_job_sched_stop(ctx);
}

/**
 * mvgpu_ctx_restart_all_locked() - after a reset of the whole vGPU
 * @mdev: the device, reset (every context but 0 gone, VRAM cleared)
 *
 * For every file: its VRAM buffers are lost (counted in
 * &mvgpu_ctx.bos_lost; SUBMIT fails with -ECANCELED until the file has
 * freed them), its device context is created again with the same number
 * and priority, its ring, scratch page and every buffer mapped again at
 * the same VAs (the lost ones read zero), and its scheduler restarts: the
 * unfinished jobs of a file that lost nothing run again, the others fail
 * with -ECANCELED.  Buffers kept after a failed UNMAP are freed: the
 * reset destroyed the device context that mapped them.  A buffer whose
 * MAP fails again stays counted as mapped (mvgpu_bo_map_locked()).
 *
 * Context: process, on &mvgpu_device.reset_wq; the caller holds
 * &mvgpu_device.ctx_list_lock.
 */
void mvgpu_ctx_restart_all_locked(struct mvgpu_device *mdev)
{
	struct mvgpu_ctx *ctx;
	struct mvgpu_bo *bo;

	lockdep_assert_held(&mdev->ctx_list_lock);
	list_for_each_entry(ctx, &mdev->ctx_list, link) {
		LIST_HEAD(kept);
		bool lost;

		mutex_lock(&ctx->va_lock);
		mvgpu_bo_quarantine_take_locked(ctx, &kept);
		list_for_each_entry(bo, &ctx->bos, ctx_link) {
			bo->mapped = false;
			if ((bo->flags & MVGPU_BO_VRAM) && !bo->lost) {
				bo->lost = true;
				ctx->bos_lost++;
			}
		}
		lost = ctx->bos_lost;
		if (ctx->id && ctx->alive) {
			ctx->alive = false;
			if (!mvgpu_ctx_start_locked(ctx)) {
				list_for_each_entry(bo, &ctx->bos, ctx_link)
					if (drm_mm_node_allocated(&bo->va) &&
					    mvgpu_bo_map_locked(bo))
						drm_err(&mdev->drm, "context %u: buffer at 0x%llx not mapped again\n",
							ctx->id, bo->va.start);
			}
		}
		mutex_unlock(&ctx->va_lock);
		mvgpu_bo_free_quarantined(&kept);
		if (ctx->id)
			mvgpu_job_sched_restart(ctx, lost ? -ECANCELED : 0);
	}
}

/**
 * mvgpu_ioctl_wait_job() - DRM_IOCTL_MVGPU_WAIT_JOB
 * @drm: the DRM device
 * @data: struct drm_mvgpu_wait_job
 * @file: the file
 *
 * Context: process.
 * Return: 0 with the job's status filled in; -EINVAL (flags); -ENOENT (not
 * one of the file's last MVGPU_MAX_JOBS jobs); -ETIMEDOUT or -EBUSY (not
 * done by the timeout); -ERESTARTSYS.
 */
int mvgpu_ioctl_wait_job(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_mvgpu_wait_job *args = data;
	struct mvgpu_file *mfile = file->driver_priv;
	struct mvgpu_ctx *ctx = mfile->ctx;
	unsigned long timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
	struct mvgpu_job_record *rec, copy;
	struct dma_fence *done = NULL;
	long ret;

	if (args->flags)
		return -EINVAL;
	if (!args->job)
		return -ENOENT;
	spin_lock(&ctx->job_lock);
	rec = &ctx->jobs[args->job % MVGPU_MAX_JOBS];
	if (rec->job == args->job)
		done = dma_fence_get(rec->done);
	spin_unlock(&ctx->job_lock);
	if (!done)
		return -ENOENT;
	ret = dma_fence_wait_timeout(done, true, timeout);
	if (ret == 0)
		ret = timeout ? -ETIMEDOUT : -EBUSY;
	if (ret < 0)
		goto out;
	spin_lock(&ctx->job_lock);
	copy = *rec;
	spin_unlock(&ctx->job_lock);
	args->status = dma_fence_get_status(done);
	if (args->status > 0)
		args->status = 0;
	if (copy.job == args->job) {
		args->dev_error = copy.dev_error;
		args->dev_info = copy.dev_info;
		args->fault_addr = copy.fault_addr;
	}
	ret = 0;
out:
	dma_fence_put(done);
	return ret;
}
