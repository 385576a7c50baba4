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
			mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true, false);
	}
	spin_unlock_irqrestore(&sched->lock, flags);
	return HRTIMER_NORESTART;
}

/**
 * mvgpu_ctx_init() - set up a vGPU's context and its backend context
 * @ctx: the context, zeroed
 * @vgpu: its vGPU, whose gdev, vram_size and backend VRAM block are set
 * @vdev: the VFIO device guest memory will be pinned through (NULL: none)
 * @weight: its initial scheduling weight
 *
 * Context: process context.
 * Return: 0 or -errno.
 */
int mvgpu_ctx_init(struct mvgpu_ctx *ctx, struct mvgpu_vgpu *vgpu,
		   struct vfio_device *vdev, u32 weight)
{
	int ret;

	ctx->vgpu = vgpu;
	ctx->gdev = vgpu->gdev;
	ctx->vdev = vdev;
	mvgpu_policy_entity_init(&ctx->se, weight, 0, 100);
	ctx->state = MVGPU_CTX_IDLE;
	ctx->engine = UINT_MAX;
	init_waitqueue_head(&ctx->idle_wq);
	hrtimer_init(&ctx->poll_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	ctx->poll_timer.function = mvgpu_ctx_poll;
	mvgpu_host_init(ctx);
	ret = mvgpu_aspace_init(&ctx->as, vgpu->vram_size);
	if (ret)
		return ret;
	ctx->bctx = mvgpu_ctx_be(ctx)->ctx_create(ctx->gdev->be, ctx,
						  vgpu->bvram, &ctx->as);
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

/**
 * mvgpu_ctx_stop() - take a context off the engines, for reset or release
 * @ctx: the context
 *
 * Returns once no engine runs it, it is on no queue or timer and the host
 * worker is done with it; doorbells are ignored until mvgpu_ctx_restart().
 * A context a fault stopped stays MVGPU_CTX_STOPPED.
 *
 * Context: process context; may sleep until the backend reports the run
 * it stops, and for the host worker to finish the piece it is at - which
 * waits as long as the VM's memory makes vfio_pin_pages() wait (VFIO's
 * own container lock waits as long).
 */
void mvgpu_ctx_stop(struct mvgpu_ctx *ctx)
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
		mvgpu_policy_dequeue(&sched->policy, &ctx->se);
		ctx->state = MVGPU_CTX_IDLE;
	}
	mvgpu_sched_stop_ctx_locked(ctx->gdev, ctx);
	spin_unlock_irq(&sched->lock);
	hrtimer_cancel(&ctx->poll_timer);
	/* A MAP waiting for a fence is cancelled now: it must see it. */
	mvgpu_pin_wake(&ctx->as);
	mvgpu_host_flush(ctx);

	spin_lock_irq(&sched->lock);
	/* Nothing queues a stopping context; should anything, it goes. */
	if (ctx->state == MVGPU_CTX_QUEUED)
		mvgpu_policy_dequeue(&sched->policy, &ctx->se);
	/* A faulted ring stays stopped: only a restart clears that. */
	if (ctx->state != MVGPU_CTX_RUNNING && ctx->state != MVGPU_CTX_STOPPED)
		ctx->state = MVGPU_CTX_IDLE;
	/* Under the lock: the backend is done with @ctx once it is not RUNNING. */
	wait_event_lock_irq(ctx->idle_wq, ctx->state != MVGPU_CTX_RUNNING,
			    sched->lock);
	spin_unlock_irq(&sched->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_stop);

/**
 * mvgpu_ctx_clear() - reset a stopped context, which stays stopped
 * @ctx: the context, after mvgpu_ctx_stop()
 *
 * The ring is forgotten, the backend's engine state is back at power-on
 * (and whatever the backend still did for it off the engine is over) and
 * the page table at its reset mapping; guest memory mapped before is no
 * longer reachable, and no longer pinned.  Doorbells are still ignored:
 * the caller may now scrub what the context used, then mvgpu_ctx_start().
 *
 * Context: process context.
 */
void mvgpu_ctx_clear(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	mvgpu_ctx_be(ctx)->ctx_reset(ctx->bctx);
	mvgpu_host_reset(ctx);

	spin_lock_irq(&sched->lock);
	ctx->ring_error = false;
	ctx->tail = 0;
	ctx->ring_base = 0;
	ctx->ring_size = 0;
	WRITE_ONCE(ctx->head, 0);
	ctx->busy = false;
	ctx->poll_ns = 0;
	ctx->cmds_before += ctx->cmds_done;
	WRITE_ONCE(ctx->cmds_done, 0);
	ctx->state = MVGPU_CTX_IDLE;
	ctx->doorbell_pending = false;
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
		mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true, true);
	spin_unlock_irq(&sched->lock);
	if (doorbell)
		mvgpu_ctx_doorbell(ctx);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_thaw);

/**
 * mvgpu_ctx_publish() - show the engine state in the vGPU's registers
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
	struct mvgpu_mmio *m = &vgpu->mmio;
	unsigned long flags;
	u32 head = READ_ONCE(ctx->head);

	spin_lock_irqsave(&vgpu->irq_lock, flags);
	if (status == MVGPU_ENGINE_IDLE && head != READ_ONCE(ctx->tail))
		status = MVGPU_ENGINE_BUSY;
	m->ring_head = head;
	m->cmds_done = lower_32_bits(READ_ONCE(ctx->cmds_done));
	if (m->engine_status != MVGPU_ENGINE_STOPPED)
		m->engine_status = status;
	spin_unlock_irqrestore(&vgpu->irq_lock, flags);
}

/**
 * mvgpu_ctx_fault() - a command faulted: stop the ring, say why
 * @ctx: the context
 * @f: the fault
 *
 * Sets ERROR_CODE, ERROR_INFO, FAULT_ADDR, RING_HEAD at the command, shows
 * the engine stopped and raises MVGPU_INT_ERROR.
 *
 * Context: any; takes the vGPU's irq_lock.
 */
void mvgpu_ctx_fault(struct mvgpu_ctx *ctx, const struct mvgpu_fault *f)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	unsigned long flags;
	u32 head = READ_ONCE(ctx->head);

	WRITE_ONCE(ctx->faults, ctx->faults + 1);
	trace_mvgpu_fault(vgpu->id, f->code, f->info, f->addr, head);
	spin_lock_irqsave(&vgpu->irq_lock, flags);
	vgpu->mmio.ring_head = head;
	vgpu->mmio.engine_status = MVGPU_ENGINE_STOPPED;
	vgpu->mmio.error_code = f->code;
	vgpu->mmio.error_info = f->info;
	vgpu->mmio.fault_addr = f->addr;
	vgpu->mmio.int_status |= MVGPU_INT_ERROR;
	mvgpu_irq_update_locked(vgpu);
	spin_unlock_irqrestore(&vgpu->irq_lock, flags);
	dev_dbg(vgpu->vdev.dev,
		"vGPU %u stopped: error %u info %#x address %#llx at ring offset %#x\n",
		vgpu->id, f->code, f->info, f->addr, head);
}

/* Check and latch RING_BASE/RING_SIZE; 0 or an MVGPU_RING_ERR_*. */
static u32 mvgpu_ctx_latch_ring(struct mvgpu_ctx *ctx, struct mvgpu_mmio *m)
{
	if (m->ring_latched)
		return 0;
	if (!IS_ALIGNED(m->ring_base, MVGPU_CMD_SIZE) ||
	    m->ring_base >= MVGPU_GPT_VA_SIZE)
		return MVGPU_RING_ERR_BASE;
	if (!is_power_of_2(m->ring_size) ||
	    m->ring_size < MVGPU_RING_MIN_SIZE ||
	    m->ring_size > MVGPU_RING_MAX_SIZE)
		return MVGPU_RING_ERR_SIZE;
	m->ring_latched = true;
	ctx->ring_base = m->ring_base;
	ctx->ring_size = m->ring_size;
	return 0;
}

/* A bad doorbell stops the ring: the registers say why. */
static void mvgpu_ctx_ring_fault_locked(struct mvgpu_ctx *ctx, u32 err,
					u32 tail)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_mmio *m = &vgpu->mmio;

	lockdep_assert_held(&vgpu->irq_lock);
	m->engine_status = MVGPU_ENGINE_STOPPED;
	m->error_code = MVGPU_ERR_RING;
	m->error_info = err;
	m->fault_addr = err == MVGPU_RING_ERR_TAIL ? tail : m->ring_base;
	m->int_status |= MVGPU_INT_ERROR;
	mvgpu_irq_update_locked(vgpu);
}

/**
 * mvgpu_ctx_doorbell() - the guest wrote MVGPU_REG_DOORBELL
 * @ctx: the vGPU's context
 *
 * Latches the ring on the first doorbell after a reset, checks the new
 * tail, hands it to the backend and makes the context runnable; a bad ring
 * or tail stops the ring with MVGPU_ERR_RING.
 *
 * Context: process context.
 */
void mvgpu_ctx_doorbell(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_mmio *m = &vgpu->mmio;
	u32 err, tail;

	spin_lock_irq(&sched->lock);
	if (ctx->frozen) {
		ctx->doorbell_pending = true;
		goto out_unlock;
	}
	if (ctx->stopping || ctx->state == MVGPU_CTX_STOPPED)
		goto out_unlock;
	spin_lock(&vgpu->irq_lock);
	/* A fault may have stopped the ring before the backend let go. */
	if (m->engine_status == MVGPU_ENGINE_STOPPED) {
		spin_unlock(&vgpu->irq_lock);
		goto out_unlock;
	}
	tail = m->doorbell;
	err = mvgpu_ctx_latch_ring(ctx, m);
	if (!err && (tail >= ctx->ring_size || !IS_ALIGNED(tail, MVGPU_CMD_SIZE)))
		err = MVGPU_RING_ERR_TAIL;
	if (err) {
		mvgpu_ctx_ring_fault_locked(ctx, err, tail);
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
			m->engine_status = MVGPU_ENGINE_BUSY;
	}
	spin_unlock(&vgpu->irq_lock);

	if (err) {
		WRITE_ONCE(ctx->faults, ctx->faults + 1);
		trace_mvgpu_fault(vgpu->id, MVGPU_ERR_RING, err,
				  err == MVGPU_RING_ERR_TAIL ? tail : m->ring_base,
				  READ_ONCE(ctx->head));
		if (ctx->state == MVGPU_CTX_QUEUED)
			mvgpu_policy_dequeue(&sched->policy, &ctx->se);
		/* A running context stops, as faulted, when it is given back. */
		if (ctx->state == MVGPU_CTX_RUNNING) {
			ctx->ring_error = true;
			mvgpu_sched_stop_ctx_locked(ctx->gdev, ctx);
		} else {
			ctx->state = MVGPU_CTX_STOPPED;
		}
	} else if (ctx->state == MVGPU_CTX_IDLE && tail != READ_ONCE(ctx->head)) {
		mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true, true);
	}
out_unlock:
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
 * Return: 0; -ENODEV if the vGPU is not open; -EBUSY if the ring has work
 * or the context is stopped; what the backend returns.
 */
int mvgpu_ctx_direct(struct mvgpu_ctx *ctx, const struct mvgpu_cmd *cmds,
		     unsigned int n)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);
	int ret;

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

	ret = mvgpu_ctx_be(ctx)->ctx_run_direct(ctx->bctx, cmds, n,
						&ctx->stopping);

	spin_lock_irq(&sched->lock);
	if (!ctx->stopping && READ_ONCE(ctx->head) != ctx->tail)
		mvgpu_sched_enqueue_locked(ctx->gdev, ctx, true, true);
	else
		ctx->state = MVGPU_CTX_IDLE;
	wake_up_all(&ctx->idle_wq);
	spin_unlock_irq(&sched->lock);
	return ret;
}

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
	mvgpu_policy_set(&sched->policy, &ctx->se, weight, prio, cap,
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
	v[MVGPU_KNOB_WEIGHT] = ctx->se.weight;
	v[MVGPU_KNOB_PRIO] = ctx->se.prio;
	v[MVGPU_KNOB_CAP] = ctx->se.cap;
	v[knob] = val;
	if (mvgpu_ctx_sched_valid(v[MVGPU_KNOB_WEIGHT], v[MVGPU_KNOB_PRIO],
				  v[MVGPU_KNOB_CAP]))
		mvgpu_policy_set(&sched->policy, &ctx->se, v[MVGPU_KNOB_WEIGHT],
				 v[MVGPU_KNOB_PRIO], v[MVGPU_KNOB_CAP],
				 ktime_get_ns());
	else
		ret = -EINVAL;
	spin_unlock_irq(&sched->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_set_knob);

/**
 * mvgpu_ctx_save() - copy a stopped context's engine state into a buffer
 * @ctx: the context, stopped (mvgpu_ctx_stop()), not restarted yet
 * @buf: where
 * @len: bytes at @buf
 *
 * The backend's whole engine state (&mvgpu_backend_ops.ctx_save): what a
 * migration or an eviction moves.
 *
 * Context: process context.
 * Return: bytes written; -EBUSY if the context is not stopped; -ENOSPC if
 * @len is too small.
 */
ssize_t mvgpu_ctx_save(struct mvgpu_ctx *ctx, void *buf, size_t len)
{
	if (!READ_ONCE(ctx->stopping) ||
	    READ_ONCE(ctx->state) == MVGPU_CTX_RUNNING)
		return -EBUSY;
	return mvgpu_ctx_be(ctx)->ctx_save(ctx->bctx, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_save);

/**
 * mvgpu_ctx_restore() - load an engine state mvgpu_ctx_save() made
 * @ctx: the context, stopped (mvgpu_ctx_stop()), not restarted yet
 * @buf: the state, untrusted
 * @len: its bytes
 * @why: on -EINVAL, set to what the backend found wrong (a static string)
 *
 * Context: process context.
 * Return: 0; -EBUSY if the context is not stopped; -EINVAL if the backend
 * refused the state (the context is then as after a reset).
 */
int mvgpu_ctx_restore(struct mvgpu_ctx *ctx, const void *buf, size_t len,
		      const char **why)
{
	*why = "the context is not stopped";
	if (!READ_ONCE(ctx->stopping) ||
	    READ_ONCE(ctx->state) == MVGPU_CTX_RUNNING)
		return -EBUSY;
	*why = "refused";	/* for a backend that does not say */
	return mvgpu_ctx_be(ctx)->ctx_restore(ctx->bctx, buf, len, why);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_restore);
