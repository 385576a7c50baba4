// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU's context on the core's side: its life, its ring registers and
 * doorbell, and what its registers show of the backend's progress.
 */

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/memcontrol.h>
#include <linux/sched/signal.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

#include "core/trace.h"

static struct mvgpu_sched *mvgpu_ctx_sched(struct mvgpu_ctx *ctx)
{
	return &ctx->gdev->sched;
}

static const struct mvgpu_backend_ops *mvgpu_ctx_be(struct mvgpu_ctx *ctx)
{
	return ctx->gdev->be_ops;
}

static enum hrtimer_restart mvgpu_ctx_poll(struct hrtimer *t)
{
	struct mvgpu_ctx *ctx = container_of(t, struct mvgpu_ctx, poll_timer);
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	if (ctx->state == MVGPU_CTX_WAITING) {
		if (ctx->stopping)
			ctx->state = MVGPU_CTX_IDLE;
		else	/* a poll is no reason to cut a neighbour's slice */
			mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true, 0);
	}
	spin_unlock_irqrestore(&sched->lock, flags);
	return HRTIMER_NORESTART;
}

/**
 * mvgpu_vsched_init() - a new vGPU as the scheduler sees it
 * @vs: its scheduling entity, zeroed
 * @vgpu: the vGPU
 * @weight: its initial scheduling weight
 *
 * Context: any.
 */
void mvgpu_vsched_init(struct mvgpu_vsched *vs, struct mvgpu_vgpu *vgpu,
		       u32 weight)
{
	unsigned int p;

	vs->vgpu = vgpu;
	mvgpu_policy_entity_init(&vs->se, weight, 0, 100);
	vs->state = MVGPU_VS_IDLE;
	vs->engine = UINT_MAX;
	for (p = 0; p <= MVGPU_CTX_PRIO_MAX; p++)
		INIT_LIST_HEAD(&vs->rq[p]);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vsched_init);

/**
 * mvgpu_ctx_init() - set up a context of a vGPU and its backend context
 * @ctx: the context, zeroed
 * @vgpu: its vGPU, whose gdev, vram_size, backend VRAM block, scheduling
 *	entity (mvgpu_vsched_init()) and address-space budget are set
 * @vdev: the VFIO device guest memory will be pinned through (NULL: none)
 * @id: its number: 0 for the vGPU's first, privileged context, whose
 *	address space maps the vGPU's VRAM at VA 0 after a reset; others
 *	start empty
 * @prio: its priority in the vGPU, MVGPU_CTX_PRIO_*
 *
 * What it allocates is charged to the memory cgroup the caller made
 * active.
 *
 * Context: process context.
 * Return: 0 or -errno.
 */
int mvgpu_ctx_init(struct mvgpu_ctx *ctx, struct mvgpu_vgpu *vgpu,
		   struct vfio_device *vdev, u32 id, u32 prio)
{
	int ret;

	ctx->vgpu = vgpu;
	ctx->gdev = vgpu->gdev;
	ctx->vdev = vdev;
	ctx->vs = &vgpu->vs;
	ctx->id = id;
	ctx->prio = prio;
	INIT_LIST_HEAD(&ctx->run_node);
	ctx->state = MVGPU_CTX_IDLE;
	ctx->engine = UINT_MAX;
	ctx->resident = UINT_MAX;
	INIT_LIST_HEAD(&ctx->resident_node);
	INIT_LIST_HEAD(&ctx->evict_node);
	init_waitqueue_head(&ctx->idle_wq);
	hrtimer_init(&ctx->poll_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	ctx->poll_timer.function = mvgpu_ctx_poll;
	mvgpu_host_init(ctx);
	mvgpu_ctx_state_changed(ctx);
	ret = mvgpu_aspace_init(&ctx->as, vgpu->vram_size, &vgpu->budget,
				!id);
	if (ret)
		return ret;
	ctx->bctx = mvgpu_ctx_be(ctx)->ctx_create(ctx->gdev->be, ctx,
						  vgpu->bvram, &ctx->as,
						  id ? 0 : MVGPU_BCTX_PRIVILEGED);
	if (IS_ERR(ctx->bctx)) {
		ret = PTR_ERR(ctx->bctx);
		mvgpu_aspace_fini(&ctx->as);
		return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_init);

/**
 * mvgpu_ctx_fini() - free a context
 * @ctx: the context; its vGPU is closed
 *
 * Context: process context.
 */
void mvgpu_ctx_fini(struct mvgpu_ctx *ctx)
{
	mvgpu_ctx_stop(ctx);
	mvgpu_ctx_be(ctx)->ctx_destroy(ctx->bctx);
	mvgpu_pin_fences_clear(&ctx->as);
	mvgpu_aspace_fini(&ctx->as);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_fini);

/* mvgpu_ctx_stop(), flushing the context's host work or dropping it. */
static void __mvgpu_ctx_stop(struct mvgpu_ctx *ctx, bool on_worker)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	spin_lock_irq(&sched->lock);
	ctx->stopping = true;
	/*
	 * Off the run queue at once: an engine that frees up while the host
	 * worker is flushed below must not start it, and the second section
	 * must not wait a slice for a run the guest asked to end.
	 */
	if (ctx->state == MVGPU_CTX_QUEUED) {
		mvgpu_sched_dequeue_locked(ctx->gdev, ctx);
		ctx->state = MVGPU_CTX_IDLE;
	}
	mvgpu_sched_stop_ctx_locked(ctx->gdev, ctx);
	spin_unlock_irq(&sched->lock);
	hrtimer_cancel(&ctx->poll_timer);
	/* A MAP waiting for a fence is cancelled now: it must see it. */
	mvgpu_pin_wake(&ctx->as);
	/*
	 * On the worker, its work cannot be running: only dropped.  A context
	 * other than 0 asks the host for nothing: its work only unpins what
	 * nothing maps, which waits for the next kick or its destruction -
	 * and the worker may be busy destroying it (CTX_DESTROY waits for a
	 * reset of it to end), so it is dropped too, never waited behind.
	 */
	if (on_worker || ctx->id)
		kthread_cancel_work_sync(&ctx->host_work);
	else
		mvgpu_host_flush(ctx);

	spin_lock_irq(&sched->lock);
	/* Nothing queues a stopping context; should anything, it goes. */
	if (ctx->state == MVGPU_CTX_QUEUED)
		mvgpu_sched_dequeue_locked(ctx->gdev, ctx);
	/* A faulted ring stays stopped: only a restart clears that. */
	if (ctx->state != MVGPU_CTX_RUNNING && ctx->state != MVGPU_CTX_STOPPED)
		ctx->state = MVGPU_CTX_IDLE;
	/* Under the lock: the engine is done with @ctx once it is not RUNNING. */
	wait_event_lock_irq(ctx->idle_wq, ctx->state != MVGPU_CTX_RUNNING,
			    sched->lock);
	spin_unlock_irq(&sched->lock);
	/* Resident nowhere, and no call down still names it. */
	mvgpu_submit_forget(ctx);
}

/**
 * mvgpu_ctx_stop() - take a context off the engines, for reset or release
 * @ctx: the context
 *
 * Returns once no engine runs it, it is on no queue or timer, the host
 * worker is done with it and no engine keeps it resident (DOC:
 * Submission); doorbells are ignored until mvgpu_ctx_restart().
 * A context a fault stopped stays MVGPU_CTX_STOPPED.
 *
 * Context: process context; may sleep until the backend reports the run
 * it stops, and for the host worker to finish the piece it is at - which
 * waits as long as the VM's memory makes vfio_pin_pages() wait (VFIO's
 * own container lock waits as long).
 */
void mvgpu_ctx_stop(struct mvgpu_ctx *ctx)
{
	__mvgpu_ctx_stop(ctx, false);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_stop);

/**
 * mvgpu_ctx_stop_on_worker() - mvgpu_ctx_stop() from the vGPU's worker
 * @ctx: the context (another than the one whose request the worker serves)
 *
 * The context's host work is on the same worker, so it cannot be running:
 * it is dropped rather than waited for.
 *
 * Context: the vGPU's worker.
 */
void mvgpu_ctx_stop_on_worker(struct mvgpu_ctx *ctx)
{
	__mvgpu_ctx_stop(ctx, true);
}

/**
 * mvgpu_ctx_clear() - reset a stopped context, which stays stopped
 * @ctx: the context, after mvgpu_ctx_stop()
 *
 * The ring is forgotten, the backend's engine state is back at power-on
 * (and whatever the backend still did for it off the engine is over);
 * context 0's page table is back at its reset mapping (guest memory mapped
 * before no longer reachable, and no longer pinned), another context's
 * stays (DOC: Contexts).  Doorbells are still ignored:
 * the caller may now scrub what the context used, then mvgpu_ctx_start().
 *
 * Context: process context.
 */
void mvgpu_ctx_clear(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	mvgpu_ctx_be(ctx)->ctx_reset(ctx->bctx);
	mvgpu_ctx_state_changed(ctx);
	/* Context 0 goes back to its reset mapping; another keeps its own. */
	mvgpu_host_reset(ctx, !ctx->id);

	spin_lock_irq(&sched->lock);
	ctx->ring_error = false;
	ctx->tail = 0;
	ctx->ring_base = 0;
	ctx->ring_size = 0;
	WRITE_ONCE(ctx->head, 0);
	ctx->busy = false;
	ctx->poll_ns = 0;
	ctx->cmds_before += ctx->cmds_done;
	WRITE_ONCE(ctx->seqno_base, ctx->seqno_base + ctx->cmds_done);
	WRITE_ONCE(ctx->cmds_done, 0);
	ctx->state = MVGPU_CTX_IDLE;
	ctx->doorbell_pending = false;
	ctx->lost = false;
	spin_unlock_irq(&sched->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_clear);

/**
 * mvgpu_ctx_start() - let a cleared context run again
 * @ctx: the context, after mvgpu_ctx_clear()
 *
 * The next doorbell runs it.  A frozen context stays frozen: it runs again
 * only after mvgpu_ctx_thaw().
 *
 * Context: any.
 */
void mvgpu_ctx_start(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	spin_lock_irq(&sched->lock);
	ctx->stopping = ctx->frozen;
	spin_unlock_irq(&sched->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_start);

/**
 * mvgpu_ctx_restart() - reset a stopped context and let it run again
 * @ctx: the context, after mvgpu_ctx_stop()
 *
 * mvgpu_ctx_clear(), then mvgpu_ctx_start().
 *
 * Context: process context.
 */
void mvgpu_ctx_restart(struct mvgpu_ctx *ctx)
{
	mvgpu_ctx_clear(ctx);
	mvgpu_ctx_start(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_restart);

/**
 * mvgpu_ctx_freeze() - stop a context for a migration, keeping its state
 * @ctx: the context
 *
 * As mvgpu_ctx_stop(), but the engine state is kept to go on from later
 * (or to be saved), and a MAP of guest memory the host worker is doing is
 * completed rather than cut short, so the backend holds a whole answer.
 * Afterwards the context makes no progress, DMA or interrupt: doorbells
 * are noted and handled by mvgpu_ctx_thaw(), resets keep it frozen.
 *
 * Context: process context; the caller holds the vGPU's lock.  May sleep
 * as mvgpu_ctx_stop() does.
 */
void mvgpu_ctx_freeze(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	spin_lock_irq(&sched->lock);
	ctx->frozen = true;
	spin_unlock_irq(&sched->lock);
	mvgpu_ctx_stop(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_freeze);

/**
 * mvgpu_ctx_thaw() - let a frozen context go on
 * @ctx: the context, frozen
 *
 * A context with a ring and no fault goes back on the run queue (if it has
 * nothing to do the backend says so at once), then a doorbell written
 * while it was frozen is handled as if written now.
 *
 * Context: process context; the caller holds the vGPU's lock.
 */
void mvgpu_ctx_thaw(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);
	bool doorbell;

	spin_lock_irq(&sched->lock);
	doorbell = ctx->doorbell_pending;
	ctx->doorbell_pending = false;
	ctx->frozen = false;
	ctx->stopping = false;
	if (ctx->state == MVGPU_CTX_IDLE && ctx->ring_size)
		mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true,
					   MVGPU_PREEMPT_ALL);
	spin_unlock_irq(&sched->lock);
	if (doorbell)
		mvgpu_ctx_doorbell(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_thaw);

/* The SEQNO register's value: commands since creation (or vGPU reset). */
static u64 mvgpu_ctx_seqno(struct mvgpu_ctx *ctx)
{
	return READ_ONCE(ctx->seqno_base) + READ_ONCE(ctx->cmds_done);
}

/**
 * mvgpu_ctx_publish() - show the engine state in the context's registers
 * @ctx: the context
 * @status: MVGPU_ENGINE_IDLE (the ring was found empty) or _BUSY
 *
 * An engine that found the ring empty says idle unless a doorbell moved the
 * tail meanwhile (the doorbell makes the tail visible before it says busy);
 * only a reset takes the ring out of STOPPED.
 *
 * Context: any; takes the vGPU's irq_lock.
 */
void mvgpu_ctx_publish(struct mvgpu_ctx *ctx, u32 status)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_ctx_regs *c = &vgpu->mmio.ctx[ctx->id];
	unsigned long flags;
	u32 head = READ_ONCE(ctx->head);

	spin_lock_irqsave(&vgpu->irq_lock, flags);
	if (status == MVGPU_ENGINE_IDLE && head != READ_ONCE(ctx->tail))
		status = MVGPU_ENGINE_BUSY;
	c->ring_head = head;
	c->seqno = mvgpu_ctx_seqno(ctx);
	c->engine_ns = READ_ONCE(ctx->busy_ns);
	if (!ctx->id)
		vgpu->mmio.cmds_done = lower_32_bits(READ_ONCE(ctx->cmds_done));
	if (c->status != MVGPU_ENGINE_STOPPED)
		c->status = status;
	spin_unlock_irqrestore(&vgpu->irq_lock, flags);
}

/* Raise @causes of context @ctx: the vGPU's own (0) or its window's. */
static void mvgpu_ctx_raise_locked(struct mvgpu_ctx *ctx, u32 causes)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;

	lockdep_assert_held(&vgpu->irq_lock);
	if (ctx->id)
		vgpu->mmio.ctx[ctx->id].int_status |= causes;
	else
		vgpu->mmio.int_status |= causes;
	mvgpu_irq_update_locked(vgpu);
}

/**
 * mvgpu_ctx_raise() - raise interrupt causes of a context
 * @ctx: the context
 * @causes: MVGPU_INT_FENCE / MVGPU_INT_ERROR
 *
 * Context 0's go to INT_STATUS, another's to its window (DOC: Contexts).
 *
 * Context: any; takes the vGPU's irq_lock.
 */
void mvgpu_ctx_raise(struct mvgpu_ctx *ctx, u32 causes)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->vgpu->irq_lock, flags);
	mvgpu_ctx_raise_locked(ctx, causes);
	spin_unlock_irqrestore(&ctx->vgpu->irq_lock, flags);
}

/**
 * mvgpu_ctx_fault() - a command faulted: stop the ring, say why
 * @ctx: the context
 * @f: the fault
 *
 * Sets the context's ERROR_CODE, ERROR_INFO, FAULT_ADDR, RING_HEAD at the
 * command, shows it stopped and raises MVGPU_INT_ERROR.
 *
 * Context: any; takes the vGPU's irq_lock.
 */
void mvgpu_ctx_fault(struct mvgpu_ctx *ctx, const struct mvgpu_fault *f)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_ctx_regs *c = &vgpu->mmio.ctx[ctx->id];
	unsigned long flags;
	u32 head = READ_ONCE(ctx->head);

	WRITE_ONCE(ctx->faults, ctx->faults + 1);
	trace_mvgpu_fault(vgpu->id, f->code, f->info, f->addr, head);
	spin_lock_irqsave(&vgpu->irq_lock, flags);
	c->ring_head = head;
	c->status = MVGPU_ENGINE_STOPPED;
	c->error_code = f->code;
	c->error_info = f->info;
	c->fault_addr = f->addr;
	mvgpu_ctx_raise_locked(ctx, MVGPU_INT_ERROR);
	spin_unlock_irqrestore(&vgpu->irq_lock, flags);
	dev_dbg(vgpu->vdev.dev,
		"vGPU %u context %u stopped: error %u info %#x address %#llx at ring offset %#x\n",
		vgpu->id, ctx->id, f->code, f->info, f->addr, head);
}

/* Check and latch RING_BASE/RING_SIZE; 0 or an MVGPU_RING_ERR_*. */
static u32 mvgpu_ctx_latch_ring(struct mvgpu_ctx *ctx, struct mvgpu_ctx_regs *c)
{
	if (c->ring_latched)
		return 0;
	if (!IS_ALIGNED(c->ring_base, MVGPU_CMD_SIZE) ||
	    c->ring_base >= MVGPU_GPT_VA_SIZE)
		return MVGPU_RING_ERR_BASE;
	if (!is_power_of_2(c->ring_size) ||
	    c->ring_size < MVGPU_RING_MIN_SIZE ||
	    c->ring_size > MVGPU_RING_MAX_SIZE)
		return MVGPU_RING_ERR_SIZE;
	c->ring_latched = true;
	ctx->ring_base = c->ring_base;
	ctx->ring_size = c->ring_size;
	return 0;
}

/* A bad doorbell stops the ring: the registers say why. */
static void mvgpu_ctx_ring_fault_locked(struct mvgpu_ctx *ctx,
					struct mvgpu_ctx_regs *c, u32 err,
					u32 tail)
{
	lockdep_assert_held(&ctx->vgpu->irq_lock);
	c->status = MVGPU_ENGINE_STOPPED;
	c->error_code = MVGPU_ERR_RING;
	c->error_info = err;
	c->fault_addr = err == MVGPU_RING_ERR_TAIL ? tail : c->ring_base;
	mvgpu_ctx_raise_locked(ctx, MVGPU_INT_ERROR);
}

/**
 * mvgpu_ctx_doorbell_locked() - the guest wrote the context's DOORBELL
 * @ctx: the context
 *
 * Latches the ring on the first doorbell after a reset, checks the new
 * tail, hands it to the backend and makes the context runnable; a bad ring
 * or tail stops the ring with MVGPU_ERR_RING.
 *
 * Context: any; the caller holds the GPU scheduler's lock, irqs off.
 */
void mvgpu_ctx_doorbell_locked(struct mvgpu_ctx *ctx)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_ctx_regs *c = &vgpu->mmio.ctx[ctx->id];
	u32 err, tail;

	lockdep_assert_held(&mvgpu_ctx_sched(ctx)->lock);
	if (ctx->frozen) {
		ctx->doorbell_pending = true;
		return;
	}
	if (ctx->stopping || ctx->state == MVGPU_CTX_STOPPED)
		return;
	spin_lock(&vgpu->irq_lock);
	/* A fault may have stopped the ring before the backend let go. */
	if (c->status == MVGPU_ENGINE_STOPPED) {
		spin_unlock(&vgpu->irq_lock);
		return;
	}
	tail = c->doorbell;
	err = mvgpu_ctx_latch_ring(ctx, c);
	if (!err && (tail >= ctx->ring_size || !IS_ALIGNED(tail, MVGPU_CMD_SIZE)))
		err = MVGPU_RING_ERR_TAIL;
	if (err) {
		mvgpu_ctx_ring_fault_locked(ctx, c, err, tail);
	} else {
		/*
		 * The new tail is visible before the status says busy, so an
		 * engine that finds the ring empty either sees the tail or
		 * publishes idle before this busy.
		 */
		WRITE_ONCE(ctx->tail, tail);
		mvgpu_ctx_be(ctx)->ctx_set_ring(ctx->bctx, ctx->ring_base,
						ctx->ring_size, tail);
		if (tail != READ_ONCE(ctx->head) || ctx->busy)
			c->status = MVGPU_ENGINE_BUSY;
	}
	spin_unlock(&vgpu->irq_lock);

	if (err) {
		WRITE_ONCE(ctx->faults, ctx->faults + 1);
		trace_mvgpu_fault(vgpu->id, MVGPU_ERR_RING, err,
				  err == MVGPU_RING_ERR_TAIL ? tail : c->ring_base,
				  READ_ONCE(ctx->head));
		if (ctx->state == MVGPU_CTX_QUEUED)
			mvgpu_sched_dequeue_locked(ctx->gdev, ctx);
		/* A running context stops, as faulted, when it is given back. */
		if (ctx->state == MVGPU_CTX_RUNNING) {
			ctx->ring_error = true;
			mvgpu_sched_stop_ctx_locked(ctx->gdev, ctx);
		} else {
			ctx->state = MVGPU_CTX_STOPPED;
		}
	} else if (ctx->state == MVGPU_CTX_IDLE && tail != READ_ONCE(ctx->head)) {
		mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true,
					   MVGPU_PREEMPT_ALL);
	}
}

/**
 * mvgpu_ctx_doorbell() - mvgpu_ctx_doorbell_locked(), taking the lock
 * @ctx: the context (one that cannot go meanwhile: context 0)
 *
 * Context: process context.
 */
void mvgpu_ctx_doorbell(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	spin_lock_irq(&sched->lock);
	mvgpu_ctx_doorbell_locked(ctx);
	spin_unlock_irq(&sched->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_doorbell);

/**
 * mvgpu_ctx_direct() - run commands on a vGPU's context, bypassing the ring
 * @ctx: the context
 * @cmds: the commands
 * @n: how many
 *
 * For the mediated-vs-direct benchmarks (debugfs ``direct``): the caller's
 * thread claims the context as an engine would and the backend runs the
 * commands (&mvgpu_backend_ops.ctx_run_direct).
 *
 * Context: process context.
 * Return: 0; -EOPNOTSUPP if the backend has no ctx_run_direct; -ENODEV if
 * the vGPU is not open; -EBUSY if the ring has work or the context is
 * stopped; what the backend returns.
 */
int mvgpu_ctx_direct(struct mvgpu_ctx *ctx, const struct mvgpu_cmd *cmds,
		     unsigned int n)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);
	int ret;

	/* Optional: a backend may have no direct path (the mock has none). */
	if (!mvgpu_ctx_be(ctx)->ctx_run_direct)
		return -EOPNOTSUPP;
	spin_lock_irq(&sched->lock);
	/* Guest memory is only reachable while it is open. */
	if (!READ_ONCE(ctx->vgpu->open)) {
		spin_unlock_irq(&sched->lock);
		return -ENODEV;
	}
	if (ctx->state != MVGPU_CTX_IDLE || ctx->stopping ||
	    READ_ONCE(ctx->head) != ctx->tail) {
		spin_unlock_irq(&sched->lock);
		return -EBUSY;
	}
	ctx->state = MVGPU_CTX_RUNNING;
	ctx->engine = UINT_MAX;	/* no engine: mvgpu_ctx_stop() sets stopping */
	spin_unlock_irq(&sched->lock);

	/* Not resident on an engine while it runs here. */
	mvgpu_submit_forget(ctx);
	if (!READ_ONCE(ctx->lost))
		ret = mvgpu_ctx_be(ctx)->ctx_run_direct(ctx->bctx, cmds, n,
							&ctx->stopping);
	else
		ret = -EIO;

	spin_lock_irq(&sched->lock);
	if (ctx->lost) {	/* an engine reset lost it before it ran here */
		ctx->lost = false;
		WRITE_ONCE(ctx->head, ctx->lost_head);
		ctx->state = MVGPU_CTX_STOPPED;
		mvgpu_ctx_fault(ctx, &ctx->lost_fault);
	} else if (!ctx->stopping && READ_ONCE(ctx->head) != ctx->tail) {
		mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true,
					   MVGPU_PREEMPT_ALL);
	} else {
		ctx->state = MVGPU_CTX_IDLE;
	}
	wake_up_all(&ctx->idle_wq);
	spin_unlock_irq(&sched->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_direct);

static bool mvgpu_ctx_sched_valid(u32 weight, u32 prio, u32 cap)
{
	return weight && weight <= MVGPU_SCHED_MAX_WEIGHT &&
	       prio < MVGPU_SCHED_LEVELS && cap && cap <= 100;
}

/**
 * mvgpu_ctx_set_sched() - change a vGPU's weight, priority and cap
 * @ctx: the vGPU's context
 * @weight: 1..MVGPU_SCHED_MAX_WEIGHT
 * @prio: starting level, 0 (top) .. MVGPU_SCHED_LEVELS - 1
 * @cap: percent of one engine, 1..100 (100: no cap)
 *
 * Takes effect at once, also while the vGPU runs.
 *
 * Context: any process context.
 * Return: 0, or -EINVAL for a value out of range.
 */
int mvgpu_ctx_set_sched(struct mvgpu_ctx *ctx, u32 weight, u32 prio, u32 cap)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	if (!mvgpu_ctx_sched_valid(weight, prio, cap))
		return -EINVAL;
	spin_lock_irq(&sched->lock);
	mvgpu_policy_set(&sched->policy, &ctx->vs->se, weight, prio, cap,
			 ktime_get_ns());
	spin_unlock_irq(&sched->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_set_sched);

/**
 * mvgpu_ctx_set_knob() - change one of a vGPU's scheduler knobs
 * @ctx: the vGPU's context
 * @knob: which: weight, priority or cap
 * @val: the new value, in the range mvgpu_ctx_set_sched() gives
 *
 * The others keep their values, however many writers race.  Takes only
 * the scheduler's lock, so a knob can be set while the vGPU is held up in
 * a reset.
 *
 * Context: any process context.
 * Return: 0, or -EINVAL for a value out of range.
 */
int mvgpu_ctx_set_knob(struct mvgpu_ctx *ctx, enum mvgpu_knob knob, u32 val)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);
	u32 v[MVGPU_KNOB_COUNT];
	int ret = 0;

	if (WARN_ON_ONCE(knob >= MVGPU_KNOB_COUNT))
		return -EINVAL;

	spin_lock_irq(&sched->lock);
	v[MVGPU_KNOB_WEIGHT] = ctx->vs->se.weight;
	v[MVGPU_KNOB_PRIO] = ctx->vs->se.prio;
	v[MVGPU_KNOB_CAP] = ctx->vs->se.cap;
	v[knob] = val;
	if (mvgpu_ctx_sched_valid(v[MVGPU_KNOB_WEIGHT], v[MVGPU_KNOB_PRIO],
				  v[MVGPU_KNOB_CAP]))
		mvgpu_policy_set(&sched->policy, &ctx->vs->se, v[MVGPU_KNOB_WEIGHT],
				 v[MVGPU_KNOB_PRIO], v[MVGPU_KNOB_CAP],
				 ktime_get_ns());
	else
		ret = -EINVAL;
	spin_unlock_irq(&sched->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_set_knob);

/**
 * mvgpu_ctx_set_prio() - change a context's priority in its vGPU
 * @ctx: the context
 * @prio: MVGPU_CTX_PRIO_LOW .. MVGPU_CTX_PRIO_MAX (the caller checked)
 *
 * A runnable context moves to its new priority's run list; one that now
 * outranks the context its vGPU runs takes the engine at the next
 * preemption point.
 *
 * Context: any; takes the scheduler's lock and the vGPU's irq_lock.
 */
void mvgpu_ctx_set_prio(struct mvgpu_ctx *ctx, u32 prio)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	spin_lock_irq(&sched->lock);
	mvgpu_sched_set_prio_locked(ctx->gdev, ctx, prio);
	spin_lock(&ctx->vgpu->irq_lock);
	ctx->vgpu->mmio.ctx[ctx->id].prio = prio;
	spin_unlock(&ctx->vgpu->irq_lock);
	spin_unlock_irq(&sched->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_set_prio);
