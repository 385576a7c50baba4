// SPDX-License-Identifier: GPL-2.0
/*
 * The GPU's engines: one kernel thread each, running vGPU contexts from the
 * GPU's run queue; doorbells, WAIT polling, and stopping a context for reset.
 */

#include <linux/kthread.h>
#include <linux/memcontrol.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <mvgpu/dev.h>
#include <mvgpu/engine.h>
#include <mvgpu/vgpu.h>

#include "core/trace.h"

/**
 * DOC: Engines
 *
 * Each GPU has ``engines`` kernel threads (``mvgpu<N>/e<M>``).  A doorbell
 * with a valid tail makes the vGPU's context runnable; an idle engine takes
 * the context the policy picks (DOC: Scheduling policy), arms its slice
 * timer (an hrtimer) and runs the ring until the timer or a higher-level
 * arrival sets its preempt flag, the ring is empty, a WAIT blocks or a
 * fault stops it; then it accounts the time with the policy and picks
 * again.  The flag is checked at every preemption point (DOC: Preemption
 * points), so a slice overruns by at most one step.  A context runs on one
 * engine at a time; its saved state (struct mvgpu_ctx) is all an engine
 * needs to resume it, so a switch saves and restores nothing else and
 * flushes nothing.  A context blocked in WAIT leaves the run queue and is
 * polled, every MVGPU_WAIT_POLL_US at first, backing off to
 * MVGPU_WAIT_POLL_MAX_US; a poll does not preempt anyone.
 *
 * A reset first stops the context (mvgpu_ctx_stop()): it leaves the run
 * queue, and if an engine runs it, the engine stops at its next preemption
 * point, at most one step later.
 */

#define MVGPU_WAIT_POLL_US	100
#define MVGPU_WAIT_POLL_MAX_US	2000
#define MVGPU_SHARE_WINDOW_NS	NSEC_PER_SEC

unsigned int mvgpu_watchdog_ms = 5000;
atomic64_t mvgpu_gpt_gens = ATOMIC64_INIT(0);

static struct mvgpu_sched *mvgpu_ctx_sched(struct mvgpu_ctx *ctx)
{
	return &ctx->vgpu->gdev->sched;
}

/* Ask @eng to give its context up; note when, for the latency histogram. */
static void mvgpu_engine_preempt(struct mvgpu_engine *eng)
{
	cmpxchg(&eng->preempt_at, 0, ktime_get_ns());
	WRITE_ONCE(eng->preempt, true);
}

/*
 * Make @ctx runnable; if @preempt, preempt the engine running the lowest
 * level if the policy says @ctx should go first; wake an idle engine.  @wakeup: it
 * was idle, not preempted; a preempted context is requeued by its own
 * engine, which picks again at once, so another engine is woken only if
 * there is more than one to run.
 * Caller holds sched->lock.
 */
static void __mvgpu_ctx_enqueue_locked(struct mvgpu_sched *sched,
				       struct mvgpu_ctx *ctx, bool wakeup,
				       bool preempt)
{
	struct mvgpu_engine *victim = NULL;
	unsigned int i;

	lockdep_assert_held(&sched->lock);
	ctx->state = MVGPU_CTX_QUEUED;
	mvgpu_policy_enqueue(&sched->policy, &ctx->se, wakeup, ktime_get_ns());
	sched->kicks++;
	for (i = 0; preempt && i < sched->nr_engines; i++) {
		struct mvgpu_engine *eng = &sched->engines[i];

		if (!eng->cur) {
			victim = NULL;	/* an idle engine takes it */
			break;
		}
		if (mvgpu_policy_preempts(&sched->policy, &ctx->se,
					  &eng->cur->se) &&
		    (!victim || eng->cur->se.level > victim->cur->se.level))
			victim = eng;
	}
	if (victim)
		mvgpu_engine_preempt(victim);
	if (wakeup || sched->policy.nr_queued > 1)
		wake_up(&sched->wq);
}

static void mvgpu_ctx_enqueue_locked(struct mvgpu_sched *sched,
				     struct mvgpu_ctx *ctx, bool wakeup)
{
	__mvgpu_ctx_enqueue_locked(sched, ctx, wakeup, wakeup);
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
			__mvgpu_ctx_enqueue_locked(sched, ctx, true, false);
	}
	spin_unlock_irqrestore(&sched->lock, flags);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart mvgpu_engine_slice_end(struct hrtimer *t)
{
	struct mvgpu_engine *eng = container_of(t, struct mvgpu_engine,
						slice_timer);

	WRITE_ONCE(eng->expired, true);
	mvgpu_engine_preempt(eng);
	return HRTIMER_NORESTART;
}

/*
 * Pick a context and start its slice.  NULL if nothing is runnable; then
 * *@next is when a capped context may run again (U64_MAX: never).
 */
static struct mvgpu_ctx *mvgpu_engine_pick(struct mvgpu_engine *eng,
					   u64 *next, unsigned long *kicks)
{
	struct mvgpu_sched *sched = &eng->gdev->sched;
	struct mvgpu_sched_entity *se;
	struct mvgpu_ctx *ctx = NULL;
	u64 slice = 0, now, epoch;

	spin_lock_irq(&sched->lock);
	now = ktime_get_ns();
	epoch = sched->policy.epoch;
	se = mvgpu_policy_pick(&sched->policy, now, next);
	*kicks = sched->kicks;	/* with the lock: no enqueue slips past */
	if (sched->policy.epoch != epoch)
		trace_mvgpu_boost(eng->gdev->index, sched->policy.epoch);
	if (se) {
		ctx = container_of(se, struct mvgpu_ctx, se);
		ctx->state = MVGPU_CTX_RUNNING;
		eng->cur = ctx;
		eng->preempt = false;
		eng->expired = false;
		eng->preempt_at = 0;
		slice = mvgpu_policy_slice(&sched->policy, se);
		eng->slice_ns = slice;
		trace_mvgpu_pick(eng->gdev->index, eng->index, ctx->vgpu->id,
				 se->level, slice, now - se->since);
		if (ctx->vgpu->id != eng->last_id && eng->last_end) {
			eng->switches++;
			eng->switch_ns += now - eng->last_end;
			trace_mvgpu_switch(eng->gdev->index, eng->index,
					   eng->last_id, ctx->vgpu->id,
					   now - eng->last_end);
		}
	}
	spin_unlock_irq(&sched->lock);
	if (ctx)
		hrtimer_start(&eng->slice_timer, ns_to_ktime(slice),
			      HRTIMER_MODE_REL);
	return ctx;
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

/* Give @ctx back after a run of @ran ns that ended with @res. */
static void mvgpu_engine_put(struct mvgpu_engine *eng, struct mvgpu_ctx *ctx,
			     enum mvgpu_run_result res, u64 ran)
{
	static const char * const why_name[] = {
		[MVGPU_PUT_IDLE] = "idle", [MVGPU_PUT_EXPIRED] = "expired",
		[MVGPU_PUT_PREEMPTED] = "preempted",
	};
	struct mvgpu_sched *sched = &eng->gdev->sched;
	enum mvgpu_put_reason why = MVGPU_PUT_IDLE;
	u32 level = ctx->se.level;
	u64 now;

	hrtimer_cancel(&eng->slice_timer);
	/*
	 * Demote only a context that used its slice: the timer counts wall
	 * time, and the engine thread may have been off the CPU for some of it.
	 */
	if (res == MVGPU_RUN_PREEMPTED)
		why = READ_ONCE(eng->expired) && ran >= eng->slice_ns * 7 / 8 ?
		      MVGPU_PUT_EXPIRED : MVGPU_PUT_PREEMPTED;

	spin_lock_irq(&sched->lock);
	now = ktime_get_ns();
	if (res == MVGPU_RUN_PREEMPTED && eng->preempt_at) {
		u64 lat = now - eng->preempt_at;

		eng->preempt_hist[mvgpu_hist_bucket(lat)]++;
		eng->preempt_max = max(eng->preempt_max, lat);
	}
	eng->cur = NULL;
	eng->last_id = ctx->vgpu->id;
	eng->last_end = now;
	eng->busy_ns += ran;
	mvgpu_policy_put(&sched->policy, &ctx->se, ran, why, now);
	trace_mvgpu_put(eng->gdev->index, eng->index, ctx->vgpu->id,
			why_name[why], ran, level, ctx->se.level);
	mvgpu_window_add(&ctx->win_start, &ctx->win_busy, &ctx->share_ppm, ran,
			 now, 1);
	mvgpu_window_add(&sched->win_start, &sched->win_busy, &sched->util_ppm,
			 ran, now, sched->nr_engines);
	if (res == MVGPU_RUN_FAULT) {
		ctx->state = MVGPU_CTX_STOPPED;
	} else if (ctx->stopping) {
		ctx->state = MVGPU_CTX_IDLE;
	} else if (res == MVGPU_RUN_BLOCKED) {
		/* Poll every 100 us at first, backing off to 2 ms. */
		ctx->state = MVGPU_CTX_WAITING;
		ctx->poll_ns = clamp_t(u64, ctx->poll_ns * 2,
				       MVGPU_WAIT_POLL_US * NSEC_PER_USEC,
				       MVGPU_WAIT_POLL_MAX_US * NSEC_PER_USEC);
		hrtimer_start(&ctx->poll_timer, ns_to_ktime(ctx->poll_ns),
			      HRTIMER_MODE_REL);
	} else if (res == MVGPU_RUN_PINNING) {
		/* The pin worker maps, then requeues it: mvgpu_ctx_pin_done(). */
		ctx->state = MVGPU_CTX_PINNING;
		ctx->pin_worker = true;
		mvgpu_ctx_pin_queue(ctx);
	} else if (res == MVGPU_RUN_PREEMPTED) {
		mvgpu_ctx_enqueue_locked(sched, ctx, false);
	} else if (ctx->head != READ_ONCE(ctx->tail)) {
		/* Rung again after it found the ring empty. */
		mvgpu_ctx_enqueue_locked(sched, ctx, true);
	} else {
		ctx->state = MVGPU_CTX_IDLE;
	}
	wake_up_all(&ctx->idle_wq);
	spin_unlock_irq(&sched->lock);
}

static int mvgpu_engine_thread(void *data)
{
	struct mvgpu_engine *eng = data;
	struct mvgpu_sched *sched = &eng->gdev->sched;

	while (!kthread_should_stop()) {
		enum mvgpu_run_result res;
		struct mem_cgroup *old;
		struct mvgpu_ctx *ctx;
		unsigned long kicks;
		u64 next, start;

		ctx = mvgpu_engine_pick(eng, &next, &kicks);
		if (!ctx) {
			long timeout = MAX_SCHEDULE_TIMEOUT;
			u64 now;

			/* An idle gap is not a switch: do not count it as one. */
			eng->last_end = 0;

			/*
			 * Nothing runnable, or only vGPUs over their cap: sleep
			 * until one is enqueued (even into the cap's waiting
			 * tree, which may need an earlier wake-up) or a capped
			 * one may run again.
			 */
			now = ktime_get_ns();
			if (next != U64_MAX)
				timeout = next > now ?
					  nsecs_to_jiffies(next - now) + 1 : 1;
			wait_event_interruptible_timeout(sched->wq,
							 kthread_should_stop() ||
							 READ_ONCE(sched->kicks) != kicks ||
							 READ_ONCE(sched->policy.nr_queued),
							 timeout);
			continue;
		}
		/*
		 * Charge the steps' own time, not gaps where the thread slept;
		 * what the steps allocate, to the VM's memory cgroup.
		 */
		start = ctx->busy_ns;
		old = set_active_memcg(READ_ONCE(ctx->vgpu->vram.memcg));
		res = mvgpu_exec_run(ctx, &eng->bufs, &eng->preempt);
		set_active_memcg(old);
		mvgpu_engine_put(eng, ctx, res, ctx->busy_ns - start);
		cond_resched();
	}
	return 0;
}

static void mvgpu_bufs_free(struct mvgpu_exec_bufs *b)
{
	kfree(b->tlb);
	kvfree(b->a);
	kvfree(b->b);
	kvfree(b->c);
}

static int mvgpu_bufs_alloc(struct mvgpu_exec_bufs *b)
{
	memset(b, 0, sizeof(*b));
	b->a = kvmalloc(MVGPU_EXEC_BUF_SIZE, GFP_KERNEL);
	b->b = kvmalloc(MVGPU_EXEC_BUF_SIZE, GFP_KERNEL);
	b->c = kvmalloc(MVGPU_EXEC_BUF_SIZE, GFP_KERNEL);
	b->tlb = kzalloc(sizeof(*b->tlb), GFP_KERNEL);
	if (b->a && b->b && b->c && b->tlb)
		return 0;
	mvgpu_bufs_free(b);
	return -ENOMEM;
}

/**
 * mvgpu_sched_init() - start a GPU's engines
 * @gdev: the GPU
 * @nr_engines: how many
 * @mode: scheduling policy
 * @slice_ns: time slice at the top level
 * @boost_ns: MLFQ boost period
 *
 * Context: process context.
 * Return: 0 or -errno; nothing is left running on failure.
 */
int mvgpu_sched_init(struct mvgpu_dev *gdev, unsigned int nr_engines,
		     enum mvgpu_sched_mode mode, u64 slice_ns, u64 boost_ns)
{
	struct mvgpu_sched *sched = &gdev->sched;
	unsigned int i;
	int ret;

	spin_lock_init(&sched->lock);
	mvgpu_policy_init(&sched->policy, mode, slice_ns, boost_ns,
			  ktime_get_ns());
	init_waitqueue_head(&sched->wq);
	sched->engines = kcalloc(nr_engines, sizeof(*sched->engines),
				 GFP_KERNEL);
	if (!sched->engines)
		return -ENOMEM;

	for (i = 0; i < nr_engines; i++) {
		struct mvgpu_engine *eng = &sched->engines[i];

		eng->gdev = gdev;
		eng->index = i;
		hrtimer_init(&eng->slice_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		eng->slice_timer.function = mvgpu_engine_slice_end;
		ret = mvgpu_bufs_alloc(&eng->bufs);
		if (ret)
			goto err_stop;
		eng->bufs.step_hist = eng->step_hist;
		eng->task = kthread_run(mvgpu_engine_thread, eng, "mvgpu%u/e%u",
					gdev->index, i);
		if (IS_ERR(eng->task)) {
			ret = PTR_ERR(eng->task);
			mvgpu_bufs_free(&eng->bufs);
			goto err_stop;
		}
		sched->nr_engines++;
	}
	return 0;

err_stop:
	mvgpu_sched_fini(gdev);
	return ret;
}

/**
 * mvgpu_sched_fini() - stop a GPU's engines
 * @gdev: the GPU; it has no vGPUs left
 *
 * Context: process context.
 */
void mvgpu_sched_fini(struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	unsigned int i;

	for (i = 0; i < sched->nr_engines; i++) {
		kthread_stop(sched->engines[i].task);
		hrtimer_cancel(&sched->engines[i].slice_timer);
		mvgpu_bufs_free(&sched->engines[i].bufs);
	}
	sched->nr_engines = 0;
	kfree(sched->engines);
	sched->engines = NULL;
}

/**
 * mvgpu_ctx_init() - set up a vGPU's engine context
 * @ctx: the context, zeroed
 * @vgpu: its vGPU
 * @weight: its initial scheduling weight
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int mvgpu_ctx_init(struct mvgpu_ctx *ctx, struct mvgpu_vgpu *vgpu,
		   u32 weight)
{
	ctx->vgpu = vgpu;
	mvgpu_policy_entity_init(&ctx->se, weight, 0, 100);
	ctx->state = MVGPU_CTX_IDLE;
	init_waitqueue_head(&ctx->idle_wq);
	hrtimer_init(&ctx->poll_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	ctx->poll_timer.function = mvgpu_ctx_poll;
	return mvgpu_ctx_aspace_init(ctx);
}

/**
 * mvgpu_ctx_fini() - free a context
 * @ctx: the context, stopped (its vGPU is closed)
 *
 * Context: process context.
 */
void mvgpu_ctx_fini(struct mvgpu_ctx *ctx)
{
	mvgpu_ctx_stop(ctx);
	mvgpu_ctx_aspace_fini(ctx);
}

/**
 * mvgpu_ctx_stop() - take a context off the engines, for reset or release
 * @ctx: the context
 *
 * Returns once no engine runs it and it is on no queue or timer and the pin
 * worker is done with it; doorbells are ignored until mvgpu_ctx_restart().
 *
 * Context: process context; may sleep for one preemption step, and for
 * the pin worker to finish the piece it is at - which waits as long as
 * the VM's memory makes vfio_pin_pages() wait (VFIO's own container lock
 * waits as long).
 */
void mvgpu_ctx_stop(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	spin_lock_irq(&sched->lock);
	ctx->stopping = true;
	spin_unlock_irq(&sched->lock);
	hrtimer_cancel(&ctx->poll_timer);
	flush_work(&ctx->pin_work);

	spin_lock_irq(&sched->lock);
	if (ctx->state == MVGPU_CTX_QUEUED)
		mvgpu_policy_dequeue(&sched->policy, &ctx->se);
	if (ctx->state != MVGPU_CTX_RUNNING)
		ctx->state = MVGPU_CTX_IDLE;
	/* Under the lock: the runner is done with @ctx once it is not RUNNING. */
	wait_event_lock_irq(ctx->idle_wq, ctx->state != MVGPU_CTX_RUNNING,
			    sched->lock);
	spin_unlock_irq(&sched->lock);
}

/**
 * mvgpu_ctx_restart() - reset a stopped context and let it run again
 * @ctx: the context, after mvgpu_ctx_stop()
 *
 * The ring is forgotten and the page table is back to its reset mapping;
 * guest memory mapped before is no longer reachable, and no longer pinned.
 *
 * Context: process context.
 */
void mvgpu_ctx_restart(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	mvgpu_exec_reset(ctx);
	mvgpu_ctx_aspace_reset(ctx);

	spin_lock_irq(&sched->lock);
	ctx->state = MVGPU_CTX_IDLE;
	ctx->stopping = false;
	spin_unlock_irq(&sched->lock);
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

/**
 * mvgpu_ctx_doorbell() - the guest wrote MVGPU_REG_DOORBELL
 * @ctx: the vGPU's context
 *
 * Latches the ring on the first doorbell after a reset, checks the new
 * tail and makes the context runnable; a bad ring or tail stops the ring
 * with MVGPU_ERR_RING.
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
	if (ctx->stopping || ctx->state == MVGPU_CTX_STOPPED) {
		spin_unlock_irq(&sched->lock);
		return;
	}
	spin_lock(&vgpu->irq_lock);
	/* A fault may have stopped the ring before the engine let go. */
	if (m->engine_status == MVGPU_ENGINE_STOPPED) {
		spin_unlock(&vgpu->irq_lock);
		spin_unlock_irq(&sched->lock);
		return;
	}
	tail = m->doorbell;
	err = mvgpu_ctx_latch_ring(ctx, m);
	if (!err && (tail >= ctx->ring_size || !IS_ALIGNED(tail, MVGPU_CMD_SIZE)))
		err = MVGPU_RING_ERR_TAIL;
	if (err) {
		m->engine_status = MVGPU_ENGINE_STOPPED;
		m->error_code = MVGPU_ERR_RING;
		m->error_info = err;
		m->fault_addr = err == MVGPU_RING_ERR_TAIL ? tail : m->ring_base;
		m->int_status |= MVGPU_INT_ERROR;
		mvgpu_irq_update_locked(vgpu);
	} else {
		/*
		 * The new tail is visible before the status says busy, so an
		 * engine that finds the ring empty under irq_lock either sees
		 * the tail or publishes idle before this busy.
		 */
		WRITE_ONCE(ctx->tail, tail);
		/* head and cmd_active are the runner's: a racy look, as the
		 * engine re-checks the tail under irq_lock before it says idle.
		 */
		if (tail != READ_ONCE(ctx->head) || READ_ONCE(ctx->cmd_active))
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
		/* A running context stops, as faulted, at its next step. */
		if (ctx->state == MVGPU_CTX_RUNNING)
			WRITE_ONCE(ctx->ring_error, true);
		else
			ctx->state = MVGPU_CTX_STOPPED;
	} else {
		if (ctx->state == MVGPU_CTX_IDLE && tail != READ_ONCE(ctx->head))
			mvgpu_ctx_enqueue_locked(sched, ctx, true);
	}
	spin_unlock_irq(&sched->lock);
}

/**
 * mvgpu_ctx_direct() - run commands on a vGPU's context, bypassing the ring
 * @ctx: the context
 * @cmds: the commands
 * @n: how many
 *
 * For the mediated-vs-direct benchmarks (debugfs ``direct``): the caller's
 * thread claims the context as an engine would and runs the commands with
 * mvgpu_exec_direct().
 *
 * Context: process context.
 * Return: 0; -ENODEV if the vGPU is not open; -EBUSY if the ring has work
 * or the context is stopped; -EIO if a command faulted; -ECANCELED if a
 * reset interrupted; -EINTR on a fatal signal; -ENOMEM.
 */
int mvgpu_ctx_direct(struct mvgpu_ctx *ctx, const struct mvgpu_cmd *cmds,
		     unsigned int n)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);
	struct mvgpu_exec_bufs bufs;
	struct mem_cgroup *old;
	int ret;

	ret = mvgpu_bufs_alloc(&bufs);
	if (ret)
		return ret;

	spin_lock_irq(&sched->lock);
	/* Guest memory is only reachable, through VFIO, while it is open. */
	if (!READ_ONCE(ctx->vgpu->open)) {
		spin_unlock_irq(&sched->lock);
		mvgpu_bufs_free(&bufs);
		return -ENODEV;
	}
	if (ctx->state != MVGPU_CTX_IDLE || ctx->stopping ||
	    READ_ONCE(ctx->head) != ctx->tail) {
		spin_unlock_irq(&sched->lock);
		mvgpu_bufs_free(&bufs);
		return -EBUSY;
	}
	ctx->state = MVGPU_CTX_RUNNING;
	spin_unlock_irq(&sched->lock);

	old = set_active_memcg(READ_ONCE(ctx->vgpu->vram.memcg));
	ret = mvgpu_exec_direct(ctx, &bufs, cmds, n);
	set_active_memcg(old);

	spin_lock_irq(&sched->lock);
	if (!ctx->stopping && ctx->head != ctx->tail)
		mvgpu_ctx_enqueue_locked(sched, ctx, true);
	else
		ctx->state = MVGPU_CTX_IDLE;
	wake_up_all(&ctx->idle_wq);
	spin_unlock_irq(&sched->lock);
	mvgpu_bufs_free(&bufs);
	return ret;
}

/**
 * mvgpu_ctx_pin_done() - the pin worker finished the MAP it was handed
 * @ctx: the context, MVGPU_CTX_PINNING unless a reset stopped it
 *
 * Context: the pin worker.
 */
void mvgpu_ctx_pin_done(struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = mvgpu_ctx_sched(ctx);

	spin_lock_irq(&sched->lock);
	ctx->pin_worker = false;
	if (ctx->state == MVGPU_CTX_PINNING) {
		if (ctx->stopping)
			ctx->state = MVGPU_CTX_IDLE;
		else	/* like a WAIT that is over: no reason to preempt */
			__mvgpu_ctx_enqueue_locked(sched, ctx, true, false);
	}
	spin_unlock_irq(&sched->lock);
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

	if (!weight || weight > MVGPU_SCHED_MAX_WEIGHT ||
	    prio >= MVGPU_SCHED_LEVELS || !cap || cap > 100)
		return -EINVAL;
	spin_lock_irq(&sched->lock);
	mvgpu_policy_set(&sched->policy, &ctx->se, weight, prio, cap,
			 ktime_get_ns());
	spin_unlock_irq(&sched->lock);
	return 0;
}

/**
 * mvgpu_sched_summary() - a GPU's scheduler figures
 * @gdev: the GPU
 * @s: filled in
 *
 * Context: process context.
 */
void mvgpu_sched_summary(struct mvgpu_dev *gdev, struct mvgpu_sched_summary *s)
{
	struct mvgpu_sched *sched = &gdev->sched;
	u32 *hist;
	unsigned int i, b;

	memset(s, 0, sizeof(*s));
	hist = kcalloc(2 * MVGPU_WAIT_BUCKETS, sizeof(*hist), GFP_KERNEL);
	spin_lock_irq(&sched->lock);
	s->mode = sched->policy.mode;
	s->engines = sched->nr_engines;
	/* An idle GPU closes no windows: report 0 once one is overdue. */
	s->util_ppm = ktime_get_ns() - sched->win_start >
		      2 * MVGPU_SHARE_WINDOW_NS ? 0 : sched->util_ppm;
	for (i = 0; i < sched->nr_engines; i++) {
		struct mvgpu_engine *eng = &sched->engines[i];

		s->switches += eng->switches;
		s->switch_ns += eng->switch_ns;
		s->busy_ns += eng->busy_ns;
		/* Racy reads of the engines' own counters: statistics only. */
		s->tlb_hits += READ_ONCE(eng->bufs.tlb->hits);
		s->tlb_misses += READ_ONCE(eng->bufs.tlb->misses);
		s->step_max_ns = max(s->step_max_ns, READ_ONCE(eng->bufs.step_max));
		s->preempt_max_ns = max(s->preempt_max_ns, eng->preempt_max);
		for (b = 0; hist && b < MVGPU_WAIT_BUCKETS; b++) {
			hist[b] += READ_ONCE(eng->step_hist[b]);
			hist[MVGPU_WAIT_BUCKETS + b] += eng->preempt_hist[b];
		}
	}
	spin_unlock_irq(&sched->lock);
	if (!hist)
		return;
	for (b = 0; b < MVGPU_WAIT_BUCKETS; b++) {
		s->steps += hist[b];
		s->preempts += hist[MVGPU_WAIT_BUCKETS + b];
	}
	s->step_p50_ns = mvgpu_hist_percentile(hist, 50);
	s->step_p99_ns = mvgpu_hist_percentile(hist, 99);
	s->preempt_p50_ns = mvgpu_hist_percentile(hist + MVGPU_WAIT_BUCKETS, 50);
	s->preempt_p99_ns = mvgpu_hist_percentile(hist + MVGPU_WAIT_BUCKETS, 99);
	kfree(hist);
}

/**
 * mvgpu_sched_hist_show() - every engine's step and preemption histograms
 * @m: the seq_file
 * @gdev: the GPU
 *
 * One line per engine and histogram: the non-empty buckets as
 * ``lower_bound_ns:count``.
 *
 * Context: process context.
 */
void mvgpu_sched_hist_show(struct seq_file *m, struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	unsigned int i, b;

	for (i = 0; i < sched->nr_engines; i++) {
		struct mvgpu_engine *eng = &sched->engines[i];

		seq_printf(m, "engine %u step max %llu:", i,
			   READ_ONCE(eng->bufs.step_max));
		for (b = 0; b < MVGPU_WAIT_BUCKETS; b++)
			if (READ_ONCE(eng->step_hist[b]))
				seq_printf(m, " %llu:%u", mvgpu_wait_bucket_ns(b),
					   READ_ONCE(eng->step_hist[b]));
		seq_printf(m, "\nengine %u preempt max %llu:", i,
			   READ_ONCE(eng->preempt_max));
		for (b = 0; b < MVGPU_WAIT_BUCKETS; b++)
			if (READ_ONCE(eng->preempt_hist[b]))
				seq_printf(m, " %llu:%u", mvgpu_wait_bucket_ns(b),
					   READ_ONCE(eng->preempt_hist[b]));
		seq_putc(m, '\n');
	}
}

/**
 * mvgpu_sched_hist_clear() - start the step and preemption histograms over
 * @gdev: the GPU
 *
 * For benchmarks: counts that race with the clear may survive it.
 *
 * Context: process context.
 */
void mvgpu_sched_hist_clear(struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	unsigned int i;

	spin_lock_irq(&sched->lock);
	for (i = 0; i < sched->nr_engines; i++) {
		struct mvgpu_engine *eng = &sched->engines[i];

		memset(eng->step_hist, 0, sizeof(eng->step_hist));
		memset(eng->preempt_hist, 0, sizeof(eng->preempt_hist));
		WRITE_ONCE(eng->bufs.step_max, 0);
		eng->preempt_max = 0;
	}
	spin_unlock_irq(&sched->lock);
}

static const char * const mvgpu_ctx_state_name[] = {
	[MVGPU_CTX_IDLE] = "idle",
	[MVGPU_CTX_QUEUED] = "queued",
	[MVGPU_CTX_RUNNING] = "running",
	[MVGPU_CTX_WAITING] = "waiting",
	[MVGPU_CTX_PINNING] = "pinning",
	[MVGPU_CTX_STOPPED] = "stopped",
};

/**
 * mvgpu_sched_show() - the scheduler's state, for debugfs
 * @m: the seq_file
 * @gdev: the GPU
 *
 * Context: process context; takes the vGPU table's lock, then sched.lock.
 */
void mvgpu_sched_show(struct seq_file *m, struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_sched_policy *p = &sched->policy;
	struct mvgpu_vgpu *vgpu;
	unsigned long id;
	unsigned int i;

	/* The table's lock keeps every listed vGPU from being freed. */
	xa_lock(&gdev->vgpus);
	spin_lock_irq(&sched->lock);
	seq_printf(m, "queued %u epoch %llu min_vtime %llu next_boost_in_ns %lld\n",
		   p->nr_queued, p->epoch, p->min_vtime,
		   (s64)(p->next_boost - ktime_get_ns()));
	for (i = 0; i < sched->nr_engines; i++) {
		struct mvgpu_engine *eng = &sched->engines[i];

		if (eng->cur)
			seq_printf(m, "engine %u: vgpu %u level %u\n", i,
				   eng->cur->vgpu->id, eng->cur->se.level);
		else
			seq_printf(m, "engine %u: idle\n", i);
	}
	seq_puts(m, "vgpu state level prio weight cap vtime budget_ns\n");
	xa_for_each(&gdev->vgpus, id, vgpu) {
		struct mvgpu_sched_entity *se = &vgpu->ctx.se;

		seq_printf(m, "%u %s%s %u %u %u %u %llu %lld\n", vgpu->id,
			   mvgpu_ctx_state_name[vgpu->ctx.state],
			   se->throttled ? "/throttled" : "", se->level,
			   se->prio, se->weight, se->cap, se->vtime, se->budget);
	}
	spin_unlock_irq(&sched->lock);
	xa_unlock(&gdev->vgpus);
}
