// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's mechanism: which context runs on which engine of the
 * backend, for how long, and what happens when the backend gives it back.
 */

#include <kunit/visibility.h>
#include <linux/slab.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

#include "core/trace.h"

/**
 * DOC: Engines
 *
 * Each GPU has ``engines`` engines, run by its backend (DOC: Backend
 * contract); the core keeps a slot per engine.  Scheduling has two levels.
 * Between vGPUs, the policy (DOC: Scheduling policy) sees one entity per
 * vGPU (struct mvgpu_vsched), however many contexts it has: when a vGPU
 * has a runnable context and an engine is idle, the core picks the vGPU
 * the policy chooses, arms the engine's slice timer (an hrtimer) and asks
 * the backend to run that vGPU's first context; when the timer fires, or a
 * vGPU arrives at a higher level than the one running, the core asks the
 * backend to preempt.  Inside a vGPU, its runnable contexts wait on lists
 * by priority: the highest runs, equals in turn (one preempted at the end
 * of the slice goes behind the others of its priority, one preempted for
 * another reason goes first).  A context of a higher priority than the one
 * on the engine that becomes runnable has the engine preempted; when a
 * context stops inside its vGPU's slice (its ring empty, a WAIT, a request
 * for the host, a fault, that preemption), the vGPU's next context runs at
 * once, without the policy, and the vGPU gives the engine up only when it
 * has nothing runnable or its slice is over.  A vGPU runs on one engine at
 * a time, so its contexts together never get more than its share.
 *
 * The backend stops a context at its next preemption point and reports
 * (mvgpu_sched_ctx_stopped(), the core's
 * &mvgpu_core_ops.ctx_stopped): the core charges the engine time the run
 * used, applies the MLFQ rules, updates the vGPU's registers, and picks
 * again.  A context runs on one engine at a time; its engine state is the
 * backend's between runs, so a switch costs the backend nothing to save.
 *
 * A context blocked in WAIT leaves the run queue and is polled, every
 * MVGPU_WAIT_POLL_US at first, backing off to MVGPU_WAIT_POLL_MAX_US; a
 * poll does not preempt anyone.  A context whose command needs the host
 * (a MAP of guest memory) waits for the host worker (DOC: Guest memory),
 * which requeues it.  A reset first stops the context (mvgpu_ctx_stop()):
 * it leaves the run queue, and if an engine runs it, the backend is asked
 * to preempt it and the reset waits for its report.
 *
 * Everything here runs under the GPU's scheduler spinlock, irq-safe, so a
 * hardware backend may report from its interrupt handler.  What it decides
 * reaches the backend (&mvgpu_backend_ops.run, .preempt, .engine_reset)
 * through the GPU's submit worker, which makes the calls outside the lock
 * (DOC: Submission).
 */

#define MVGPU_WAIT_POLL_US	100
#define MVGPU_WAIT_POLL_MAX_US	2000
#define MVGPU_SHARE_WINDOW_NS	NSEC_PER_SEC

/*
 * The request for @slot's run back: published at once in memory (struct
 * mvgpu_preempt_req, which a backend's engines may watch), and handed to
 * the submit worker for &mvgpu_backend_ops.preempt.
 */
static void mvgpu_slot_ask_locked(struct mvgpu_dev *gdev,
				  struct mvgpu_engine_slot *slot)
{
	struct mvgpu_preempt_req *req = &gdev->sched.preempt_req[slot->index];

	WRITE_ONCE(req->at_ns, slot->preempt_at);
	smp_wmb();	/* @at_ns before @asked */
	WRITE_ONCE(req->asked, true);
	mvgpu_submit_locked(gdev, slot, MVGPU_SUBMIT_PREEMPT);
}

/*
 * Ask @slot's engine to give its context up; note when, for the histogram.
 * The first time in a run, with a backend that can reset an engine, the
 * slice timer becomes the preemption timeout (mvgpu_slot_slice_end()).
 */
static void mvgpu_slot_preempt_locked(struct mvgpu_dev *gdev,
				      struct mvgpu_engine_slot *slot)
{
	u64 timeout = gdev->sched.preempt_timeout_ns;

	lockdep_assert_held(&gdev->sched.lock);
	if (!slot->preempt_at) {
		slot->preempt_at = ktime_get_ns();
		if (gdev->be_ops->engine_reset && timeout)
			hrtimer_start(&slot->slice_timer, ns_to_ktime(timeout),
				      HRTIMER_MODE_REL);
	}
	mvgpu_slot_ask_locked(gdev, slot);
}

/*
 * Ask @slot's engine for a switch between two contexts of the vGPU it
 * runs.  The vGPU's slice goes on: its timer is left alone (it ends the
 * slice, and from there counts the preemption timeout as ever), so
 * switches inside a vGPU never stretch its turn.
 */
static void mvgpu_slot_switch_locked(struct mvgpu_dev *gdev,
				     struct mvgpu_engine_slot *slot)
{
	lockdep_assert_held(&gdev->sched.lock);
	slot->intra = true;
	if (!slot->preempt_at)
		slot->preempt_at = ktime_get_ns();
	mvgpu_slot_ask_locked(gdev, slot);
}

/*
 * The slice ended: ask the engine to give its context up.  With a backend
 * that can reset an engine, the timer fires again at the preemption
 * timeout, counted from the first request to preempt (whatever made it): an
 * engine that has not given the context back by then is reset, and the
 * backend reports the context stopped with MVGPU_ERR_TIMEOUT; if it still
 * does not, it is reset again every timeout.
 */
static enum hrtimer_restart mvgpu_slot_slice_end(struct hrtimer *t)
{
	struct mvgpu_engine_slot *slot = container_of(t, struct mvgpu_engine_slot,
						      slice_timer);
	struct mvgpu_dev *gdev = slot->gdev;
	u64 timeout = gdev->sched.preempt_timeout_ns, now, waited;
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	bool reset = false;
	unsigned long flags;
	u32 id = 0;

	spin_lock_irqsave(&gdev->sched.lock, flags);
	/*
	 * A late expiry of a slice that already ended finds no context, or
	 * the timer queued again for the next context's slice.
	 */
	if (!slot->cur || hrtimer_is_queued(t))
		goto out;
	if (!slot->expired) {
		bool first = !slot->preempt_at;

		slot->expired = true;
		mvgpu_slot_preempt_locked(gdev, slot);
		if (first)	/* the timeout is armed now, if there is one */
			goto out;
	}
	if (!gdev->be_ops->engine_reset || !timeout)
		goto out;
	now = ktime_get_ns();
	waited = now - slot->preempt_at;
	if (waited >= timeout) {
		reset = true;
		slot->engine_resets++;
		slot->preempt_at = now;
		id = slot->cur->vgpu->id;
		mvgpu_submit_locked(gdev, slot, MVGPU_SUBMIT_RESET);
		waited = 0;
	}
	hrtimer_forward_now(t, ns_to_ktime(timeout - waited));
	ret = HRTIMER_RESTART;
out:
	spin_unlock_irqrestore(&gdev->sched.lock, flags);
	if (reset)
		pr_warn_ratelimited("mvgpu.%u: engine %u kept vgpu %u %llu ms after it was asked to preempt: engine reset\n",
				    gdev->index, slot->index, id,
				    timeout / NSEC_PER_MSEC);
	return ret;
}

/* The first of @vs's runnable contexts of the highest priority, off its list. */
static struct mvgpu_ctx *mvgpu_vs_take_locked(struct mvgpu_vsched *vs)
{
	struct mvgpu_ctx *ctx;
	int p;

	for (p = MVGPU_CTX_PRIO_MAX; p >= 0; p--) {
		ctx = list_first_entry_or_null(&vs->rq[p], struct mvgpu_ctx,
					       run_node);
		if (ctx) {
			list_del_init(&ctx->run_node);
			vs->nr_runnable--;
			return ctx;
		}
	}
	return NULL;
}

/* Run @ctx, the vGPU's context that goes next, on @slot. */
static void mvgpu_slot_run_locked(struct mvgpu_dev *gdev,
				  struct mvgpu_engine_slot *slot,
				  struct mvgpu_ctx *ctx)
{
	ctx->state = MVGPU_CTX_RUNNING;
	ctx->engine = slot->index;
	ctx->vs->cur = ctx;
	slot->cur = ctx;
	slot->run_at = ktime_get_ns();
	slot->intra = false;
	slot->preempt_at = 0;
	WRITE_ONCE(gdev->sched.preempt_req[slot->index].asked, false);
	mvgpu_submit_locked(gdev, slot, MVGPU_SUBMIT_RUN);
}

/*
 * Start the slice of the vGPU the policy picks on idle @slot, with its
 * context that goes first; if none may run yet because of caps, arm the
 * throttle timer.
 */
static void mvgpu_sched_dispatch_locked(struct mvgpu_dev *gdev,
					struct mvgpu_engine_slot *slot)
{
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_sched_entity *se;
	struct mvgpu_vsched *vs;
	struct mvgpu_ctx *ctx;
	u64 now = ktime_get_ns(), next, epoch = sched->policy.epoch;

	lockdep_assert_held(&sched->lock);
	if (slot->cur)
		return;
	se = mvgpu_policy_pick(&sched->policy, now, &next);
	if (sched->policy.epoch != epoch)
		trace_mvgpu_boost(gdev->index, sched->policy.epoch);
	if (!se) {
		slot->last_end = 0;	/* an idle gap is not a switch */
		if (next != U64_MAX)
			hrtimer_start(&sched->throttle_timer,
				      ns_to_ktime(next - min(next, now)),
				      HRTIMER_MODE_REL);
		return;
	}
	vs = container_of(se, struct mvgpu_vsched, se);
	ctx = mvgpu_vs_take_locked(vs);
	if (WARN_ON_ONCE(!ctx)) {	/* queued with nothing to run */
		mvgpu_policy_put(&sched->policy, se, 0, MVGPU_PUT_IDLE, now);
		vs->state = MVGPU_VS_IDLE;
		return;
	}
	vs->state = MVGPU_VS_RUNNING;
	vs->engine = slot->index;
	vs->ran_ns = 0;
	slot->expired = false;
	slot->cross = false;
	slot->slice_ns = mvgpu_policy_slice(&sched->policy, se, now);
	trace_mvgpu_pick(gdev->index, slot->index, vs->vgpu->id, se->level,
			 slot->slice_ns, now - se->since);
	if (vs->vgpu->id != slot->last_id && slot->last_end) {
		slot->switches++;
		slot->switch_ns += now - slot->last_end;
		trace_mvgpu_switch(gdev->index, slot->index, slot->last_id,
				   vs->vgpu->id, now - slot->last_end);
	}
	hrtimer_start(&slot->slice_timer, ns_to_ktime(slot->slice_ns),
		      HRTIMER_MODE_REL);
	mvgpu_slot_run_locked(gdev, slot, ctx);
}

static enum hrtimer_restart mvgpu_sched_throttle_end(struct hrtimer *t)
{
	struct mvgpu_dev *gdev = container_of(t, struct mvgpu_dev,
					      sched.throttle_timer);
	struct mvgpu_sched *sched = &gdev->sched;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&sched->lock, flags);
	for (i = 0; i < sched->nr_engines; i++)
		mvgpu_sched_dispatch_locked(gdev, &sched->engines[i]);
	spin_unlock_irqrestore(&sched->lock, flags);
	return HRTIMER_NORESTART;
}

/* Put @vs on the run queue; preempt the engine of the lowest level if due. */
static void mvgpu_sched_vs_enqueue_locked(struct mvgpu_dev *gdev,
					  struct mvgpu_vsched *vs, bool wakeup,
					  bool preempt)
{
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_engine_slot *victim = NULL;
	u64 now = ktime_get_ns();
	unsigned int i;

	vs->state = MVGPU_VS_QUEUED;
	mvgpu_policy_enqueue(&sched->policy, &vs->se, wakeup, now);
	for (i = 0; i < sched->nr_engines; i++) {
		struct mvgpu_engine_slot *slot = &sched->engines[i];
		struct mvgpu_sched_entity *cur;

		if (!slot->cur) {
			mvgpu_sched_dispatch_locked(gdev, slot);
			return;
		}
		cur = &slot->cur->vs->se;
		if (preempt &&
		    mvgpu_policy_preempts(&sched->policy, &vs->se, cur, now) &&
		    (!victim || cur->level > victim->cur->vs->se.level))
			victim = slot;
	}
	if (victim) {
		victim->cross = true;
		mvgpu_slot_preempt_locked(gdev, victim);
	}
}

/* The highest priority among @vs's runnable contexts, or -1. */
static int mvgpu_vs_top_prio_locked(struct mvgpu_vsched *vs)
{
	int p;

	for (p = MVGPU_CTX_PRIO_MAX; p >= 0; p--)
		if (!list_empty(&vs->rq[p]))
			return p;
	return -1;
}

/*
 * If @vs runs a context on an engine that a runnable one of it outranks,
 * switch (at the engine's next preemption point).
 */
static void mvgpu_sched_intra_preempt_locked(struct mvgpu_dev *gdev,
					     struct mvgpu_vsched *vs)
{
	struct mvgpu_engine_slot *slot;

	if (vs->state != MVGPU_VS_RUNNING || !vs->cur)
		return;
	slot = &gdev->sched.engines[vs->engine];
	if (slot->cur == vs->cur && !slot->intra &&
	    mvgpu_vs_top_prio_locked(vs) > (int)vs->cur->prio)
		mvgpu_slot_switch_locked(gdev, slot);
}

/**
 * mvgpu_sched_enqueue_locked() - make a context runnable
 * @gdev: its GPU
 * @ctx: the context, not queued, not running
 * @wakeup: it was idle (else it comes back after a preemption: it goes
 *	first among the vGPU's contexts of its priority)
 * @preempt: MVGPU_PREEMPT_OTHERS: if its vGPU must queue and no engine is
 *	idle, preempt the engine running the lowest level if the policy says
 *	it should go first; MVGPU_PREEMPT_SIBLINGS: if its vGPU runs a
 *	context of a lower priority, switch to it (DOC: Engines)
 *
 * The context joins its vGPU's run list; an idle vGPU joins the run queue.
 *
 * Context: any; caller holds sched.lock.
 */
void mvgpu_sched_enqueue_locked(struct mvgpu_dev *gdev, struct mvgpu_ctx *ctx,
				bool wakeup, unsigned int preempt)
{
	struct mvgpu_vsched *vs = ctx->vs;

	lockdep_assert_held(&gdev->sched.lock);
	ctx->state = MVGPU_CTX_QUEUED;
	if (wakeup)
		list_add_tail(&ctx->run_node, &vs->rq[ctx->prio]);
	else
		list_add(&ctx->run_node, &vs->rq[ctx->prio]);
	vs->nr_runnable++;
	switch (vs->state) {
	case MVGPU_VS_IDLE:
		mvgpu_sched_vs_enqueue_locked(gdev, vs, wakeup,
					      preempt & MVGPU_PREEMPT_OTHERS);
		break;
	case MVGPU_VS_RUNNING:
		if (preempt & MVGPU_PREEMPT_SIBLINGS)
			mvgpu_sched_intra_preempt_locked(gdev, vs);
		break;
	default:
		break;
	}
}

/**
 * mvgpu_sched_set_prio_locked() - a context's priority in its vGPU changes
 * @gdev: its GPU
 * @ctx: the context
 * @prio: the new priority
 *
 * A runnable context moves to the new priority's run list; its vGPU's place
 * in the policy does not move.  If the context its vGPU runs is now
 * outranked, the engine is asked to switch.
 *
 * Context: any; caller holds sched.lock.
 */
void mvgpu_sched_set_prio_locked(struct mvgpu_dev *gdev, struct mvgpu_ctx *ctx,
				 u32 prio)
{
	lockdep_assert_held(&gdev->sched.lock);
	ctx->prio = prio;
	if (ctx->state == MVGPU_CTX_QUEUED)
		list_move_tail(&ctx->run_node, &ctx->vs->rq[prio]);
	/* Raised above the one on the engine, or that one lowered. */
	mvgpu_sched_intra_preempt_locked(gdev, ctx->vs);
}

/**
 * mvgpu_sched_dequeue_locked() - take a runnable context off its run list
 * @gdev: its GPU
 * @ctx: the context, MVGPU_CTX_QUEUED
 *
 * A vGPU left with nothing runnable leaves the run queue.  The context's
 * state is the caller's to set.
 *
 * Context: any; caller holds sched.lock.
 */
void mvgpu_sched_dequeue_locked(struct mvgpu_dev *gdev, struct mvgpu_ctx *ctx)
{
	struct mvgpu_vsched *vs = ctx->vs;

	lockdep_assert_held(&gdev->sched.lock);
	if (WARN_ON_ONCE(ctx->state != MVGPU_CTX_QUEUED))
		return;
	list_del_init(&ctx->run_node);
	vs->nr_runnable--;
	if (!vs->nr_runnable && vs->state == MVGPU_VS_QUEUED) {
		mvgpu_policy_dequeue(&gdev->sched.policy, &vs->se);
		vs->state = MVGPU_VS_IDLE;
	}
}

/**
 * mvgpu_sched_stop_ctx_locked() - ask the engine running a context to stop
 * @gdev: its GPU
 * @ctx: the context; nothing happens unless an engine runs it
 *
 * Context: any; caller holds sched.lock.
 */
void mvgpu_sched_stop_ctx_locked(struct mvgpu_dev *gdev, struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = &gdev->sched;

	lockdep_assert_held(&sched->lock);
	if (ctx->state == MVGPU_CTX_RUNNING && ctx->engine < sched->nr_engines &&
	    sched->engines[ctx->engine].cur == ctx)
		mvgpu_slot_preempt_locked(gdev, &sched->engines[ctx->engine]);
}

/*
 * Add @ran of engine time to a share window; once the window is
 * MVGPU_SHARE_WINDOW_NS old, close it: busy / (its length * @engines), in
 * millionths, and start the next one.
 */
static void mvgpu_window_add(u64 *start, u64 *busy, u32 *ppm, u64 ran,
			     u64 now, unsigned int engines)
{
	*busy += ran;
	if (now - *start < MVGPU_SHARE_WINDOW_NS)
		return;
	*ppm = div64_u64(*busy * 1000000, (now - *start) * engines);
	*start = now;
	*busy = 0;
}

/**
 * mvgpu_sched_charge_host_locked() - charge a vGPU for host work
 * @gdev: its GPU
 * @vs: the vGPU, not on an engine
 * @now: current time
 *
 * The host worker's CPU time for it (pinning and unpinning its guest
 * memory) counts against its share and cap (mvgpu_policy_charge()).
 *
 * Context: sched.lock held.
 */
void mvgpu_sched_charge_host_locked(struct mvgpu_dev *gdev,
				    struct mvgpu_vsched *vs, u64 now)
{
	lockdep_assert_held(&gdev->sched.lock);
	if (!vs->host_cpu_ns || vs->state != MVGPU_VS_IDLE)
		return;
	mvgpu_policy_charge(&gdev->sched.policy, &vs->se, vs->host_cpu_ns, now);
	vs->host_cpu_ns = 0;
}

/* Charge a context's run on @slot to it and to its vGPU's turn. */
static void mvgpu_sched_account_locked(struct mvgpu_dev *gdev,
				       struct mvgpu_engine_slot *slot,
				       struct mvgpu_ctx *ctx,
				       const struct mvgpu_stop *stop, u64 now)
{
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_vsched *vs = ctx->vs;
	u64 ran = stop->ran_ns;

	if (stop->reason == MVGPU_STOP_PREEMPTED && slot->preempt_at) {
		/* The engine's own response: not its waits for a CPU. */
		u64 wait = min(now - slot->preempt_at, stop->cpu_wait_ns);
		u64 lat = now - slot->preempt_at - wait;
		struct mvgpu_preempt_sample *ps;

		slot->preempt_hist[mvgpu_hist_bucket(lat)]++;
		slot->preempt_max = max(slot->preempt_max, lat);
		if (slot->preempt_samples) {
			ps = &slot->preempt_samples[slot->preempt_nr %
						    MVGPU_PREEMPT_SAMPLES];
			ps->lat_ns = min_t(u64, lat, U32_MAX);
			ps->cpu_wait_ns = min_t(u64, wait, U32_MAX);
		}
		slot->preempt_nr++;
	}
	slot->busy_ns += ran;
	vs->ran_ns += ran;
	WRITE_ONCE(ctx->busy_ns, ctx->busy_ns + ran);
	WRITE_ONCE(vs->busy_ns, vs->busy_ns + ran);
	mvgpu_window_add(&vs->win_start, &vs->win_busy, &vs->share_ppm, ran,
			 now, 1);
	mvgpu_window_add(&sched->win_start, &sched->win_busy, &sched->util_ppm,
			 ran, now, sched->nr_engines);
}

/*
 * The vGPU of the context that just stopped on @slot gives the engine up:
 * charge its turn and apply the policy's rules; back on the run queue if
 * it still has work.  @preempted: the last run was cut short.
 */
static void mvgpu_sched_vs_put_locked(struct mvgpu_dev *gdev,
				      struct mvgpu_engine_slot *slot,
				      struct mvgpu_vsched *vs, bool preempted,
				      u64 now)
{
	static const char * const why_name[] = {
		[MVGPU_PUT_IDLE] = "idle", [MVGPU_PUT_EXPIRED] = "expired",
		[MVGPU_PUT_PREEMPTED] = "preempted",
	};
	enum mvgpu_put_reason why = MVGPU_PUT_IDLE;
	u32 level = vs->se.level;

	/*
	 * Demote only a vGPU that used its slice: the timer counts wall
	 * time, and the engine may have been held up for some of it.
	 */
	if (preempted && vs->nr_runnable)
		why = slot->expired && vs->ran_ns >= slot->slice_ns * 7 / 8 ?
		      MVGPU_PUT_EXPIRED : MVGPU_PUT_PREEMPTED;
	slot->last_id = vs->vgpu->id;
	slot->last_end = now;
	vs->cur = NULL;
	vs->state = MVGPU_VS_IDLE;
	mvgpu_policy_put(&gdev->sched.policy, &vs->se, vs->ran_ns, why, now);
	mvgpu_sched_charge_host_locked(gdev, vs, now);
	trace_mvgpu_put(gdev->index, slot->index, vs->vgpu->id, why_name[why],
			vs->ran_ns, level, vs->se.level);
	if (vs->nr_runnable)
		mvgpu_sched_vs_enqueue_locked(gdev, vs, why == MVGPU_PUT_IDLE,
					      false);
}

/*
 * Where a context goes after a run on @slot that ended with @stop.  One
 * preempted at the end of its vGPU's slice goes behind the vGPU's others of
 * its priority (round robin); one preempted for another reason goes first.
 */
static void mvgpu_sched_settle_locked(struct mvgpu_dev *gdev,
				      struct mvgpu_engine_slot *slot,
				      struct mvgpu_ctx *ctx,
				      const struct mvgpu_stop *stop)
{
	WRITE_ONCE(ctx->head, stop->head);
	ctx->busy = stop->busy;
	if (stop->reason != MVGPU_STOP_BLOCKED)
		ctx->poll_ns = 0;	/* the next WAIT polls fast again */
	if (ctx->ring_error) {
		/* A bad doorbell set the error registers already. */
		ctx->state = MVGPU_CTX_STOPPED;
	} else if (stop->reason == MVGPU_STOP_FAULT) {
		ctx->state = MVGPU_CTX_STOPPED;
		mvgpu_ctx_fault(ctx, &stop->fault);
	} else if (ctx->stopping) {
		ctx->state = MVGPU_CTX_IDLE;
	} else if (stop->reason == MVGPU_STOP_BLOCKED) {
		ctx->state = MVGPU_CTX_WAITING;
		ctx->poll_ns = clamp_t(u64, ctx->poll_ns * 2,
				       MVGPU_WAIT_POLL_US * NSEC_PER_USEC,
				       MVGPU_WAIT_POLL_MAX_US * NSEC_PER_USEC);
		hrtimer_start(&ctx->poll_timer, ns_to_ktime(ctx->poll_ns),
			      HRTIMER_MODE_REL);
	} else if (stop->reason == MVGPU_STOP_HOST) {
		ctx->state = MVGPU_CTX_HOST;
		ctx->host = stop->host;
		WRITE_ONCE(ctx->host_seq, ctx->host_seq + 1);
		ctx->host_queued = true;
		mvgpu_host_queue(ctx);
	} else if (stop->reason == MVGPU_STOP_PREEMPTED) {
		mvgpu_sched_enqueue_locked(gdev, ctx, slot->expired, 0);
	} else if (stop->head != ctx->tail) {
		/* Rung again after it found the ring empty. */
		mvgpu_sched_enqueue_locked(gdev, ctx, true, 0);
	} else {
		ctx->state = MVGPU_CTX_IDLE;
	}
	if (ctx->state != MVGPU_CTX_STOPPED)
		mvgpu_ctx_publish(ctx, stop->reason == MVGPU_STOP_EMPTY ?
				  MVGPU_ENGINE_IDLE : MVGPU_ENGINE_BUSY);
	/* Guest pages an UNMAP left pinned: the host worker unpins them. */
	if (mvgpu_aspace_pins_idle(&ctx->as))
		mvgpu_host_kick(ctx);
}

/**
 * mvgpu_sched_ctx_stopped() - &mvgpu_core_ops.ctx_stopped
 * @gpu: the GPU (struct mvgpu_dev)
 * @engine: the engine that ran the context
 * @ctx: the context
 * @stop: how the run ended
 *
 * The context settles (DOC: Engines).  Its vGPU keeps the engine for
 * another of its contexts while its slice lasts and nothing asked for the
 * vGPU itself to go; else it gives the engine up and the policy picks.
 *
 * Context: any; takes sched.lock; may decide the next run.
 */
static void mvgpu_sched_ctx_stopped(void *gpu, unsigned int engine,
				    struct mvgpu_ctx *ctx,
				    const struct mvgpu_stop *stop)
{
	struct mvgpu_dev *gdev = gpu;
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_vsched *vs = ctx->vs;
	struct mvgpu_engine_slot *slot;
	struct mvgpu_ctx *next = NULL;
	unsigned long flags;
	u64 now;

	if (WARN_ON_ONCE(engine >= sched->nr_engines))
		return;
	slot = &sched->engines[engine];
	spin_lock_irqsave(&sched->lock, flags);
	if (WARN_ON_ONCE(slot->cur != ctx)) {
		spin_unlock_irqrestore(&sched->lock, flags);
		return;
	}
	now = ktime_get_ns();
	mvgpu_sched_account_locked(gdev, slot, ctx, stop, now);
	slot->cur = NULL;
	/* A preempt or reset the worker has not made was for this run. */
	slot->submit &= ~(MVGPU_SUBMIT_PREEMPT | MVGPU_SUBMIT_RESET);
	WRITE_ONCE(sched->preempt_req[engine].asked, false);
	mvgpu_sched_settle_locked(gdev, slot, ctx, stop);
	wake_up_all(&ctx->idle_wq);
	/* The vGPU's turn goes on with its next context, if it may. */
	if (!slot->expired && !slot->cross)
		next = mvgpu_vs_take_locked(vs);
	if (next) {
		slot->ctx_switches++;
		slot->ctx_switch_ns += ktime_get_ns() - now;
		vs->ctx_switches++;
		vs->ctx_switch_ns += ktime_get_ns() - now;
		mvgpu_slot_run_locked(gdev, slot, next);
	} else {
		hrtimer_try_to_cancel(&slot->slice_timer);
		mvgpu_sched_vs_put_locked(gdev, slot, vs,
					  stop->reason == MVGPU_STOP_PREEMPTED,
					  now);
		mvgpu_sched_dispatch_locked(gdev, slot);
	}
	spin_unlock_irqrestore(&sched->lock, flags);
}

/* Commands completed while the context runs: show them in the registers. */
static void mvgpu_sched_ctx_progress(struct mvgpu_ctx *ctx, u32 head,
				     u64 cmds_done)
{
	WRITE_ONCE(ctx->head, head);
	WRITE_ONCE(ctx->cmds_done, cmds_done);
	mvgpu_ctx_publish(ctx, MVGPU_ENGINE_BUSY);
}

static void mvgpu_sched_ctx_interrupt(struct mvgpu_ctx *ctx, u32 causes)
{
	mvgpu_ctx_raise(ctx, causes);
}

/* The calls up a backend may make (DOC: Backend contract). */
const struct mvgpu_core_ops mvgpu_core_ops = {
	.ctx_stopped = mvgpu_sched_ctx_stopped,
	.ctx_progress = mvgpu_sched_ctx_progress,
	.ctx_interrupt = mvgpu_sched_ctx_interrupt,
	.ctx_lost = mvgpu_sched_ctx_lost,
};
EXPORT_SYMBOL_IF_KUNIT(mvgpu_core_ops);

/**
 * mvgpu_sched_init() - the scheduler of a GPU whose backend is up
 * @gdev: the GPU
 * @nr_engines: the backend's engines
 * @mode: scheduling policy
 * @slice_ns: time slice at the top level
 * @boost_ns: MLFQ boost period
 *
 * Context: process context.
 * Return: 0 or -errno.
 */
int mvgpu_sched_init(struct mvgpu_dev *gdev, unsigned int nr_engines,
		     enum mvgpu_sched_mode mode, u64 slice_ns, u64 boost_ns)
{
	struct mvgpu_sched *sched = &gdev->sched;
	unsigned int i;
	int ret;

	if (WARN_ON(nr_engines > MVGPU_MAX_ENGINES))
		return -EINVAL;
	spin_lock_init(&sched->lock);
	mvgpu_policy_init(&sched->policy, mode, slice_ns, boost_ns,
			  ktime_get_ns());
	hrtimer_init(&sched->throttle_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	sched->throttle_timer.function = mvgpu_sched_throttle_end;
	sched->engines = kcalloc(nr_engines, sizeof(*sched->engines),
				 GFP_KERNEL);
	if (!sched->engines)
		return -ENOMEM;
	for (i = 0; i < nr_engines; i++) {
		struct mvgpu_engine_slot *slot = &sched->engines[i];

		slot->gdev = gdev;
		slot->index = i;
		hrtimer_init(&slot->slice_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		slot->slice_timer.function = mvgpu_slot_slice_end;
		INIT_LIST_HEAD(&slot->resident);
		/* Only for benchmarks: the scheduler runs without them. */
		slot->preempt_samples = kvcalloc(MVGPU_PREEMPT_SAMPLES,
						 sizeof(*slot->preempt_samples),
						 GFP_KERNEL);
	}
	sched->nr_engines = nr_engines;
	ret = mvgpu_submit_init(gdev);
	if (ret)
		mvgpu_sched_fini(gdev);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_sched_init);

/**
 * mvgpu_sched_fini() - tear the scheduler down
 * @gdev: the GPU; it has no vGPUs left
 *
 * Context: process context.
 */
void mvgpu_sched_fini(struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	unsigned int i;

	hrtimer_cancel(&sched->throttle_timer);
	for (i = 0; i < sched->nr_engines; i++)
		hrtimer_cancel(&sched->engines[i].slice_timer);
	/* After the timers, which may ask it for more. */
	mvgpu_submit_fini(gdev);
	for (i = 0; i < sched->nr_engines; i++)
		kvfree(sched->engines[i].preempt_samples);
	sched->nr_engines = 0;
	kfree(sched->engines);
	sched->engines = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_sched_fini);
