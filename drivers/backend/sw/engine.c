// SPDX-License-Identifier: GPL-2.0
/*
 * The software GPU's engines: one kernel thread each, running the context
 * the core hands it until the core wants it back.
 */

#include <kunit/visibility.h>
#include <linux/kthread.h>
#include <linux/memcontrol.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "sw.h"

/**
 * DOC: Software engines
 *
 * Each engine is a kernel thread (``mvgpu<N>/e<M>``).  &mvgpu_backend_ops.run
 * hands it a context and wakes it; the thread runs the context's ring
 * (DOC: Preemption points) until the ring is empty, a WAIT blocks, a command
 * needs the core or faults, or the core asks for the context back - its
 * request in memory (struct mvgpu_preempt_req), which the thread checks
 * at every preemption point and sees the moment the core makes it, from
 * whatever context (the software GPU has no &mvgpu_backend_ops.preempt);
 * then it reports to the core (&mvgpu_core_ops.ctx_stopped), in which the
 * core decides the next run, and waits again.  What the steps allocate
 * (VRAM pages, page tables) is charged to the memory cgroup of the vGPU's
 * VMM.
 *
 * The threads are ordinary (SCHED_NORMAL, nice 0) kernel threads: below
 * the core's submit worker (SCHED_FIFO, DOC: Submission), which run()
 * comes from, so that a run for an engine whose thread keeps a CPU busy
 * is handed over at the thread's next preemption point.
 */

/* The time the engine thread has waited for a CPU, its waits that ended. */
static u64 mvgpu_sw_run_delay(void)
{
#ifdef CONFIG_SCHED_INFO
	return READ_ONCE(current->sched_info.run_delay);
#else
	return 0;
#endif
}

/*
 * How long the engine thread, running, waited for a CPU - runnable, on a
 * run queue - since @since_ns (ktime_get_ns()), when its run had waited
 * @delay0 (mvgpu_sw_run_delay()) at its start: its waits in the run that
 * lie between @since_ns and when it last got a CPU.  An engine asked to
 * stop sees the request within a step of running, so from the request to
 * its stop it waits at most once, and that bound is exact.  0 without
 * CONFIG_SCHED_INFO.
 */
static u64 mvgpu_sw_cpu_wait_since(u64 since_ns, u64 delay0)
{
#ifdef CONFIG_SCHED_INFO
	u64 arrived = READ_ONCE(current->sched_info.last_arrival);
	u64 mono = ktime_get_ns(), now = local_clock();
	/* @since_ns on the scheduler's clock */
	u64 since = now - min(now, mono - min(mono, since_ns));

	return arrived > since ?
	       min(arrived - since, mvgpu_sw_run_delay() - delay0) : 0;
#else
	return 0;
#endif
}

static int mvgpu_sw_engine_thread(void *data)
{
	struct mvgpu_sw_engine *eng = data;
	struct mvgpu_backend *be = eng->be;
	const struct mvgpu_preempt_req *req = &be->cfg.preempt_req[eng->index];

	while (!kthread_should_stop()) {
		struct mvgpu_bctx *b;
		struct mem_cgroup *old;
		struct mvgpu_stop stop;
		u64 start, delay0;

		wait_event_interruptible(eng->wq, READ_ONCE(eng->next) ||
					 kthread_should_stop());
		spin_lock_irq(&eng->lock);
		b = eng->next;
		eng->next = NULL;
		spin_unlock_irq(&eng->lock);
		if (!b)
			continue;
		old = set_active_memcg(READ_ONCE(b->vram->memcg));
		start = ktime_get_ns();
		delay0 = mvgpu_sw_run_delay();
		mvgpu_exec_run(b, &eng->bufs, &req->asked, &stop);
		set_active_memcg(old);
		/* Its waits since the core asked, or since the run began. */
		if (stop.reason == MVGPU_STOP_PREEMPTED) {
			smp_rmb();	/* @at_ns was written before @asked */
			stop.cpu_wait_ns =
				mvgpu_sw_cpu_wait_since(max(READ_ONCE(req->at_ns),
							    start), delay0);
		}
		be->core->ctx_stopped(be->gpu, eng->index, b->ctx, &stop);
		cond_resched();
	}
	return 0;
}

/**
 * mvgpu_sw_run() - &mvgpu_backend_ops.run
 * @be: the GPU
 * @engine: an idle engine
 * @b: the context
 *
 * Context: the core's submit worker; does not sleep.
 */
void mvgpu_sw_run(struct mvgpu_backend *be, unsigned int engine,
		  struct mvgpu_bctx *b)
{
	struct mvgpu_sw_engine *eng = &be->engines[engine];
	unsigned long flags;

	spin_lock_irqsave(&eng->lock, flags);
	WARN_ON_ONCE(eng->next);
	WRITE_ONCE(eng->next, b);
	spin_unlock_irqrestore(&eng->lock, flags);
	wake_up(&eng->wq);
}

/**
 * mvgpu_sw_engine_stats() - &mvgpu_backend_ops.engine_stats
 * @be: the GPU
 * @engine: the engine
 * @st: filled in (racy reads of the engine's own counters: statistics)
 *
 * Context: any.
 */
void mvgpu_sw_engine_stats(struct mvgpu_backend *be, unsigned int engine,
			   struct mvgpu_engine_stats *st)
{
	struct mvgpu_exec_bufs *bufs = &be->engines[engine].bufs;
	unsigned int i;

	st->steps = READ_ONCE(bufs->steps);
	for (i = 0; i < MVGPU_HIST_BUCKETS; i++)
		st->step_hist[i] = READ_ONCE(bufs->step_hist[i]);
	st->step_max_ns = READ_ONCE(bufs->step_max);
	st->tlb_hits = READ_ONCE(bufs->tlb.hits);
	st->tlb_misses = READ_ONCE(bufs->tlb.misses);
}

/**
 * mvgpu_sw_engine_stats_clear() - &mvgpu_backend_ops.engine_stats_clear
 * @be: the GPU
 *
 * For benchmarks: counts that race with the clear may survive it.
 *
 * Context: any.
 */
void mvgpu_sw_engine_stats_clear(struct mvgpu_backend *be)
{
	unsigned int e, i;

	for (e = 0; e < be->cfg.nr_engines; e++) {
		struct mvgpu_exec_bufs *bufs = &be->engines[e].bufs;

		WRITE_ONCE(bufs->steps, 0);
		for (i = 0; i < MVGPU_HIST_BUCKETS; i++)
			WRITE_ONCE(bufs->step_hist[i], 0);
		WRITE_ONCE(bufs->step_max, 0);
	}
}

/**
 * mvgpu_sw_bufs_free() - free a runner's buffers
 * @b: the buffers
 *
 * Context: process context.
 */
void mvgpu_sw_bufs_free(struct mvgpu_exec_bufs *b)
{
	kvfree(b->a);
	kvfree(b->b);
	kvfree(b->c);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_sw_bufs_free);

/**
 * mvgpu_sw_bufs_alloc() - a runner's staging buffers, statistics zeroed
 * @b: the buffers
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int mvgpu_sw_bufs_alloc(struct mvgpu_exec_bufs *b)
{
	memset(b, 0, sizeof(*b));
	b->a = kvmalloc(MVGPU_EXEC_BUF_SIZE, GFP_KERNEL);
	b->b = kvmalloc(MVGPU_EXEC_BUF_SIZE, GFP_KERNEL);
	b->c = kvmalloc(MVGPU_EXEC_BUF_SIZE, GFP_KERNEL);
	if (b->a && b->b && b->c)
		return 0;
	mvgpu_sw_bufs_free(b);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_sw_bufs_alloc);

/**
 * mvgpu_sw_engines_start() - start a GPU's engine threads
 * @be: the GPU, @be->cfg set
 *
 * Context: process context.
 * Return: 0 or -errno; nothing is left running on failure.
 */
int mvgpu_sw_engines_start(struct mvgpu_backend *be)
{
	unsigned int i;
	int ret;

	be->engines = kvcalloc(be->cfg.nr_engines, sizeof(*be->engines),
			       GFP_KERNEL);
	if (!be->engines)
		return -ENOMEM;
	for (i = 0; i < be->cfg.nr_engines; i++) {
		struct mvgpu_sw_engine *eng = &be->engines[i];

		eng->be = be;
		eng->index = i;
		spin_lock_init(&eng->lock);
		init_waitqueue_head(&eng->wq);
		ret = mvgpu_sw_bufs_alloc(&eng->bufs);
		if (ret)
			goto err_stop;
		eng->task = kthread_run(mvgpu_sw_engine_thread, eng, "mvgpu%u/e%u",
					be->cfg.index, i);
		if (IS_ERR(eng->task)) {
			ret = PTR_ERR(eng->task);
			eng->task = NULL;
			goto err_stop;
		}
	}
	return 0;

err_stop:
	mvgpu_sw_engines_stop(be);
	return ret;
}

/**
 * mvgpu_sw_engines_stop() - stop a GPU's engine threads
 * @be: the GPU; no context runs
 *
 * Context: process context.
 */
void mvgpu_sw_engines_stop(struct mvgpu_backend *be)
{
	unsigned int i;

	for (i = 0; be->engines && i < be->cfg.nr_engines; i++) {
		struct mvgpu_sw_engine *eng = &be->engines[i];

		if (eng->task)
			kthread_stop(eng->task);
		mvgpu_sw_bufs_free(&eng->bufs);
	}
	kvfree(be->engines);
	be->engines = NULL;
}
