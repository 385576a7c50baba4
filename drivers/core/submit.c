// SPDX-License-Identifier: GPL-2.0
/*
 * The calls down to a backend's engines - run, preempt, engine reset and
 * residency - made by the GPU's submit worker, outside every core lock.
 */

#include <kunit/visibility.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

/**
 * DOC: Submission
 *
 * The scheduler decides under its spinlock, from whatever context the
 * event comes in - a doorbell, the backend's report (an interrupt
 * handler's, for hardware), the slice timer (hardirq).  The calls that
 * carry its decisions to the backend - &mvgpu_backend_ops.run, .preempt,
 * .engine_reset, .ctx_load and .ctx_evict - are made by the GPU's submit
 * worker (a kthread_worker, ``mvgpu<N>/submit``) in process context with
 * no core lock held, so that a backend may sleep in them: a firmware RPC,
 * a ring write and a wait for its fence.
 *
 * For each engine the core keeps the requests the worker has not carried
 * out yet: run the engine's current context, preempt it, reset the
 * engine.  A decision sets one under the lock and queues the worker's
 * work; the worker takes one request at a time under the lock and makes
 * the call after dropping it.  It takes the evictions mvgpu_submit_forget()
 * asks for first, then serves the engines in turn - each take starts at
 * the engine after the one it served last - so that an engine whose runs
 * end at once, its next run decided each time before the worker looks
 * again, does not hold the other engines' requests back while their
 * slices burn.  A request is for the run that is current when it is made:
 * the decision of a new run, or the report that ends the current one,
 * drops the engine's preempt and reset requests, so a preemption or reset
 * never reaches a run it was not meant for.  For one engine the run is
 * issued before a preempt or reset of it, so the backend never hears of a
 * preemption before the run.  The worker is the only caller of these ops,
 * so they reach the backend one at a time, in the order it issues them.
 * (A preempt or reset taken just before the engine gave its context back
 * on its own reaches an idle engine: the contract makes that harmless.)
 *
 * The backend may report a run over before its &mvgpu_backend_ops.run has
 * returned - an engine that finds the ring empty at once: the core's state
 * changed when it decided, the report settles it and may decide the next
 * run, which the worker issues once the call in progress returns.  Such a
 * backend, with a vGPU that always has a next run, leaves a request
 * pending at every take, so the worker's work would never run out of
 * them: it takes at most MVGPU_SUBMIT_BUDGET() (a run and a preempt or
 * reset for each engine, and evictions), then, if more are pending,
 * queues itself again - behind whatever was queued meanwhile - and
 * returns.  A flush of the worker (mvgpu_submit_flush()) thus waits for
 * the work call in progress and one queued before the flush, each of a
 * budget of calls at most, never for the engines to quieten, which another
 * tenant's stop, reset, close or migration freeze could wait for forever.
 *
 * A context that stops (a reset, a migration, its destruction) is evicted
 * and waits for the worker to be done with every call naming it
 * (mvgpu_submit_forget()) before the core hands it to other ops: the
 * context ops that must not see it resident (&mvgpu_backend_ops.ctx_reset,
 * .ctx_destroy, .ctx_run_direct, the image ops).  Its eviction queues the
 * work, which takes evictions first; but with more than a budget of stops
 * at once a flush may come in before the worker has taken this one, so the
 * stop asks for it and flushes again until it sees the context resident
 * nowhere (under the lock), and flushes once more after that sight.  Then
 * no call down names the context, nor will one until it runs again:
 *
 * - a call names the context it runs (and loads), or one it evicts: this
 *   one from another engine before a run of it, the least recently run
 *   one to make room, or one a stop asked to evict;
 * - no run of it is pending nor will be: a request to run is for the
 *   slot's current context, which is RUNNING; __mvgpu_ctx_stop() waits
 *   until the context is not, and a stopping context is never queued
 *   (the direct path holds it RUNNING on no engine, which no request
 *   names);
 * - no eviction of it will be taken: only a resident context is evicted,
 *   and only a run makes one resident;
 * - a call taken before the sight is over: the worker takes and makes its
 *   calls inside its work, and a flush queued after the sight completes
 *   only once the work call in progress has ended.
 *
 * The memory hooks (.ctx_flush, .ctx_pin, .ctx_unpin) do not wait for the
 * worker: they come from the core's other threads, perhaps with its
 * mutexes held (which the worker never takes), and may meet the worker's
 * calls on the same context.
 *
 * Resident contexts (&mvgpu_backend_ops.nr_resident): the worker keeps
 * each engine's list, the most recently run first, and makes the calls
 * that change it together with the run that needs them, so the core's
 * list and the backend's always agree when an engine is reset: before a
 * run of a context not resident on the engine, the context is evicted
 * from another engine where it is resident, the least recently run is
 * evicted if the engine is full, and the context is loaded.  A context an
 * engine reset loses (mvgpu_sched_ctx_lost()) is stopped with
 * MVGPU_ERR_CONTEXT_LOST and leaves the list without an eviction.
 *
 * A request to preempt is also published the moment it is made, in the
 * engine's struct mvgpu_preempt_req, as a GPU's scheduler polls a request
 * in memory: a backend whose engines watch it at every preemption point
 * has no &mvgpu_backend_ops.preempt, and the worker makes no call for it.
 * The software GPU works so: its preemption latency has no hop in it,
 * and a timer that ends a slice in hardirq only writes memory.
 *
 * The worker runs at a real-time priority (SCHED_FIFO, sched_set_fifo_low())
 * above the software GPU's engine threads (SCHED_NORMAL), so that where
 * an engine thread keeps the only CPU busy - the virtual clock's single
 * vCPU - a request runs at the engine's next preemption point instead of
 * queueing behind the step it is in (DOC: Preemption points).
 */

/*
 * Requests the worker's work takes before it lets a flush in: enough for a
 * run and a preempt or reset on every engine, and evictions.
 */
#define MVGPU_SUBMIT_BUDGET(sched)	(2 * (sched)->nr_engines + 2)

/* One call (or a few, for a run) the worker makes outside the lock. */
struct mvgpu_submit_op {
	unsigned int what;
	unsigned int engine;
	struct mvgpu_bctx *bctx;
	unsigned int evict_from;
	struct mvgpu_bctx *victim;
	bool load;
	struct mvgpu_ctx *lost;
	struct mvgpu_stop stop;
};

/* @ctx leaves the resident list of its engine. */
static void mvgpu_resident_drop_locked(struct mvgpu_sched *sched,
				       struct mvgpu_ctx *ctx)
{
	struct mvgpu_engine_slot *slot = &sched->engines[ctx->resident];

	list_del_init(&ctx->resident_node);
	slot->nr_resident--;
	ctx->resident = UINT_MAX;
}

/*
 * @ctx runs on @slot next: make it resident there (DOC: Submission), and
 * say in @op what the backend must evict and load first.
 */
static void mvgpu_resident_take_locked(struct mvgpu_sched *sched,
				       struct mvgpu_engine_slot *slot,
				       struct mvgpu_ctx *ctx,
				       struct mvgpu_submit_op *op)
{
	struct mvgpu_ctx *victim;

	if (!sched->nr_resident)
		return;
	if (ctx->resident == slot->index) {
		list_move(&ctx->resident_node, &slot->resident);
		slot->resident_runs++;
		return;
	}
	if (ctx->resident < sched->nr_engines) {
		op->evict_from = ctx->resident;
		sched->engines[ctx->resident].evictions++;
		mvgpu_resident_drop_locked(sched, ctx);
	}
	if (slot->nr_resident >= sched->nr_resident) {
		victim = list_last_entry(&slot->resident, struct mvgpu_ctx,
					 resident_node);
		op->victim = victim->bctx;
		slot->evictions++;
		mvgpu_resident_drop_locked(sched, victim);
	}
	list_add(&ctx->resident_node, &slot->resident);
	ctx->resident = slot->index;
	slot->nr_resident++;
	slot->loads++;
	op->load = true;
}

/* The run of @slot's current context, with what residency needs first. */
static void mvgpu_submit_take_run_locked(struct mvgpu_sched *sched,
					 struct mvgpu_engine_slot *slot,
					 struct mvgpu_submit_op *op)
{
	struct mvgpu_ctx *ctx = slot->cur;

	op->what = MVGPU_SUBMIT_RUN;
	op->bctx = ctx->bctx;
	slot->submits++;
	slot->submit_ns += ktime_get_ns() - slot->run_at;
	if (ctx->lost) {
		/* An engine reset lost it since: it stops, as faulted. */
		op->lost = ctx;
		op->stop.reason = MVGPU_STOP_FAULT;
		op->stop.head = ctx->lost_head;
		op->stop.busy = true;
		op->stop.fault = ctx->lost_fault;
		ctx->lost = false;
		return;
	}
	mvgpu_resident_take_locked(sched, slot, ctx, op);
}

/* An eviction mvgpu_submit_forget() asked for, if one is still due. */
static bool mvgpu_submit_take_evict_locked(struct mvgpu_sched *sched,
					   struct mvgpu_submit_op *op)
{
	struct mvgpu_ctx *ctx;

	while ((ctx = list_first_entry_or_null(&sched->evict_list,
					       struct mvgpu_ctx, evict_node))) {
		list_del_init(&ctx->evict_node);
		/* Not resident any more, or run again on an engine meanwhile. */
		if (ctx->resident >= sched->nr_engines ||
		    (ctx->state == MVGPU_CTX_RUNNING &&
		     ctx->engine < sched->nr_engines))
			continue;
		op->evict_from = ctx->resident;
		op->bctx = ctx->bctx;
		sched->engines[ctx->resident].evictions++;
		mvgpu_resident_drop_locked(sched, ctx);
		return true;
	}
	return false;
}

/*
 * The next call to make, in @op; false if nothing is pending.  Evictions
 * asked for by a stop go first (a run that needs the room may follow);
 * then the engines in turn, from the one after the engine served last, so
 * that an engine whose runs end at once does not hold the others' requests
 * back; for each slot its run, then a preempt, then a reset.
 */
static bool mvgpu_submit_take_locked(struct mvgpu_sched *sched,
				     struct mvgpu_submit_op *op)
{
	unsigned int n, i;

	memset(op, 0, sizeof(*op));
	op->evict_from = UINT_MAX;
	if (mvgpu_submit_take_evict_locked(sched, op))
		return true;
	for (n = 0; n < sched->nr_engines; n++) {
		struct mvgpu_engine_slot *slot;

		i = (sched->submit_next + n) % sched->nr_engines;
		slot = &sched->engines[i];
		if (!slot->submit)
			continue;
		op->engine = i;
		if (WARN_ON_ONCE(!slot->cur)) {
			slot->submit = 0;
			continue;
		}
		sched->submit_next = (i + 1) % sched->nr_engines;
		if (slot->submit & MVGPU_SUBMIT_RUN)
			mvgpu_submit_take_run_locked(sched, slot, op);
		else if (slot->submit & MVGPU_SUBMIT_PREEMPT)
			op->what = MVGPU_SUBMIT_PREEMPT;
		else
			op->what = MVGPU_SUBMIT_RESET;
		slot->submit &= ~op->what;
		return true;
	}
	return false;
}

/* Make the calls of @op: process context, no core lock held. */
static void mvgpu_submit_issue(struct mvgpu_dev *gdev,
			       const struct mvgpu_submit_op *op)
{
	const struct mvgpu_backend_ops *ops = gdev->be_ops;
	struct mvgpu_backend *be = gdev->be;

	lockdep_assert_not_held(&gdev->sched.lock);
	might_sleep();
	if (op->evict_from != UINT_MAX && ops->ctx_evict)
		ops->ctx_evict(be, op->evict_from, op->bctx);
	if (op->victim && ops->ctx_evict)
		ops->ctx_evict(be, op->engine, op->victim);
	if (op->load && ops->ctx_load)
		ops->ctx_load(be, op->engine, op->bctx);
	switch (op->what) {
	case MVGPU_SUBMIT_RUN:
		if (op->lost)	/* as the backend would have reported it */
			mvgpu_core_ops.ctx_stopped(gdev, op->engine, op->lost,
						   &op->stop);
		else
			ops->run(be, op->engine, op->bctx);
		break;
	case MVGPU_SUBMIT_PREEMPT:
		ops->preempt(be, op->engine);
		break;
	case MVGPU_SUBMIT_RESET:
		ops->engine_reset(be, op->engine);
		break;
	}
}

/* Is a request pending: an eviction, or a call for an engine? */
static bool mvgpu_submit_pending_locked(struct mvgpu_sched *sched)
{
	unsigned int i;

	lockdep_assert_held(&sched->lock);
	if (!list_empty(&sched->evict_list))
		return true;
	for (i = 0; i < sched->nr_engines; i++)
		if (sched->engines[i].submit)
			return true;
	return false;
}

/*
 * The submit worker's work: the requests pending, one call at a time, at
 * most MVGPU_SUBMIT_BUDGET() of them; if more are pending then, it queues
 * itself again behind whatever was queued meanwhile - a flush (DOC:
 * Submission).
 */
static void mvgpu_submit_work(struct kthread_work *work)
{
	struct mvgpu_sched *sched = container_of(work, struct mvgpu_sched,
						 submit_work);
	struct mvgpu_dev *gdev = container_of(sched, struct mvgpu_dev, sched);
	struct mvgpu_submit_op op;
	unsigned int n;
	bool more;

	for (n = 0; n < MVGPU_SUBMIT_BUDGET(sched); n++) {
		spin_lock_irq(&sched->lock);
		more = mvgpu_submit_take_locked(sched, &op);
		spin_unlock_irq(&sched->lock);
		if (!more)
			return;
		mvgpu_submit_issue(gdev, &op);
	}
	spin_lock_irq(&sched->lock);
	if (mvgpu_submit_pending_locked(sched))
		kthread_queue_work(sched->submit_worker, work);
	spin_unlock_irq(&sched->lock);
}

/**
 * mvgpu_submit_locked() - ask the submit worker to carry a decision down
 * @gdev: the GPU
 * @slot: the engine
 * @what: MVGPU_SUBMIT_RUN (of @slot's current context, just decided: drops
 *	the slot's other requests), _PREEMPT or _RESET (of that run)
 *
 * A backend without &mvgpu_backend_ops.preempt watches the request in
 * memory (struct mvgpu_preempt_req): no call is made for it.
 *
 * Context: any; caller holds sched.lock.
 */
void mvgpu_submit_locked(struct mvgpu_dev *gdev, struct mvgpu_engine_slot *slot,
			 unsigned int what)
{
	lockdep_assert_held(&gdev->sched.lock);
	if (what == MVGPU_SUBMIT_PREEMPT && !gdev->be_ops->preempt)
		return;
	if (what == MVGPU_SUBMIT_RUN)
		slot->submit = what;
	else
		slot->submit |= what;
	kthread_queue_work(gdev->sched.submit_worker, &gdev->sched.submit_work);
}

/**
 * mvgpu_submit_flush() - wait until the calls the submit worker has taken
 *	are over
 * @gdev: the GPU
 *
 * Returns once the worker has ended the work call it is in and the one
 * queued before the flush, if any: at most MVGPU_SUBMIT_BUDGET() calls
 * each.  A request made before may still wait (DOC: Submission): while a
 * backend's runs end at once and each decides a next run, one always does.
 *
 * Context: process context, not the submit worker; may sleep.
 */
void mvgpu_submit_flush(struct mvgpu_dev *gdev)
{
	might_sleep();
	kthread_flush_worker(gdev->sched.submit_worker);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_submit_flush);

/**
 * mvgpu_submit_forget() - evict a context that does not run, and wait
 *	until the backend's calls down are done with it
 * @ctx: the context; no engine runs it and none will (it is stopped, or
 *	claimed by the direct path)
 *
 * Afterwards no call down names it, and it is resident nowhere until it
 * runs again: the backend's other context ops may have it (DOC:
 * Submission says why).
 *
 * Context: process context, not the submit worker; may sleep.
 */
void mvgpu_submit_forget(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = &ctx->gdev->sched;
	bool gone;

	lockdep_assert_not_held(&sched->lock);
	/*
	 * A flush may come in before the worker has taken the eviction (it
	 * takes a budget of them at most per work call): until the context
	 * is seen resident nowhere, ask again and flush again.  The flush
	 * after that sight waits out a call taken before that names it.
	 */
	do {
		spin_lock_irq(&sched->lock);
		gone = ctx->resident == UINT_MAX;
		/* One an engine runs is not evicted: asking again never ends. */
		if (WARN_ON_ONCE(ctx->state == MVGPU_CTX_RUNNING &&
				 ctx->engine < sched->nr_engines))
			gone = true;
		if (!gone && list_empty(&ctx->evict_node)) {
			list_add_tail(&ctx->evict_node, &sched->evict_list);
			kthread_queue_work(sched->submit_worker,
					   &sched->submit_work);
		}
		spin_unlock_irq(&sched->lock);
		mvgpu_submit_flush(ctx->gdev);
	} while (!gone);
}

/**
 * mvgpu_sched_ctx_lost() - &mvgpu_core_ops.ctx_lost
 * @gpu: the GPU (struct mvgpu_dev)
 * @engine: the engine a reset of which lost the context
 * @ctx: the context, resident on @engine
 * @head: ring offset of the command it lost
 * @opcode: that command's opcode
 *
 * The context stops with MVGPU_ERR_CONTEXT_LOST, as a fault stops it; one
 * already stopped by a fault keeps its error.  One the core has decided to
 * run (the worker has not issued the run yet), or that the direct path
 * claimed, is marked: it stops that way instead of running.
 *
 * Context: any (before &mvgpu_backend_ops.engine_reset returns); takes
 * sched.lock.
 */
void mvgpu_sched_ctx_lost(void *gpu, unsigned int engine, struct mvgpu_ctx *ctx,
			  u32 head, u32 opcode)
{
	struct mvgpu_dev *gdev = gpu;
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_fault f = { .code = MVGPU_ERR_CONTEXT_LOST, .info = opcode };
	struct mvgpu_engine_slot *run_on = NULL;
	unsigned long flags;

	spin_lock_irqsave(&sched->lock, flags);
	if (WARN_ON_ONCE(engine >= sched->nr_engines || ctx->resident != engine))
		goto out;
	if (ctx->state == MVGPU_CTX_RUNNING && ctx->engine < sched->nr_engines)
		run_on = &sched->engines[ctx->engine];
	/* The context an engine runs is reported with ctx_stopped. */
	if (WARN_ON_ONCE(run_on && (run_on->cur != ctx ||
				    !(run_on->submit & MVGPU_SUBMIT_RUN))))
		goto out;
	f.addr = ctx->ring_base + head;
	mvgpu_resident_drop_locked(sched, ctx);
	sched->engines[engine].lost++;
	if (ctx->state == MVGPU_CTX_RUNNING) {
		ctx->lost = true;
		ctx->lost_head = head;
		ctx->lost_fault = f;
	} else if (ctx->state != MVGPU_CTX_STOPPED) {
		if (ctx->state == MVGPU_CTX_QUEUED)
			mvgpu_sched_dequeue_locked(gdev, ctx);
		WRITE_ONCE(ctx->head, head);
		ctx->busy = true;
		ctx->state = MVGPU_CTX_STOPPED;
		mvgpu_ctx_fault(ctx, &f);
		wake_up_all(&ctx->idle_wq);
	}
out:
	spin_unlock_irqrestore(&sched->lock, flags);
}

/**
 * mvgpu_submit_init() - start a GPU's submit worker
 * @gdev: the GPU, its backend up, its scheduler's engines allocated
 *
 * Context: process context.
 * Return: 0 or -errno.
 */
int mvgpu_submit_init(struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	struct kthread_worker *w;

	sched->nr_resident = gdev->be_ops->nr_resident;
	INIT_LIST_HEAD(&sched->evict_list);
	sched->submit_next = 0;
	kthread_init_work(&sched->submit_work, mvgpu_submit_work);
	w = kthread_create_worker(0, "mvgpu%u/submit", gdev->index);
	if (IS_ERR(w))
		return PTR_ERR(w);
	sched_set_fifo_low(w->task);
	sched->submit_worker = w;
	return 0;
}

/**
 * mvgpu_submit_fini() - stop a GPU's submit worker, once it has made
 *	every call asked for
 * @gdev: the GPU; its timers cancelled, no vGPU left
 *
 * Context: process context.
 */
void mvgpu_submit_fini(struct mvgpu_dev *gdev)
{
	if (gdev->sched.submit_worker)
		kthread_destroy_worker(gdev->sched.submit_worker);
	gdev->sched.submit_worker = NULL;
}
