// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's figures: sysfs summaries, debugfs views, histograms.
 */

#include <linux/seq_file.h>
#include <linux/slab.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

/* Window length of share_ppm and util_ppm; see mvgpu_window_add(). */
#define MVGPU_SHARE_WINDOW_NS	NSEC_PER_SEC

/* The backend's counters of every engine, added up. */
static void mvgpu_sched_engine_totals(struct mvgpu_dev *gdev,
				      struct mvgpu_sched_summary *s,
				      u32 *step_hist)
{
	struct mvgpu_engine_stats *st = kmalloc(sizeof(*st), GFP_KERNEL);
	unsigned int i, b;

	if (!st)
		return;
	for (i = 0; i < gdev->sched.nr_engines; i++) {
		gdev->be_ops->engine_stats(gdev->be, i, st);
		s->tlb_hits += st->tlb_hits;
		s->tlb_misses += st->tlb_misses;
		s->steps += st->steps;
		s->step_max_ns = max(s->step_max_ns, st->step_max_ns);
		for (b = 0; b < MVGPU_HIST_BUCKETS; b++)
			step_hist[b] += st->step_hist[b];
	}
	kfree(st);
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
	unsigned int i, b;
	u32 *hist;

	memset(s, 0, sizeof(*s));
	hist = kcalloc(2 * MVGPU_HIST_BUCKETS, sizeof(*hist), GFP_KERNEL);
	if (!hist)
		return;
	spin_lock_irq(&sched->lock);
	s->mode = sched->policy.mode;
	s->engines = sched->nr_engines;
	/* An idle GPU closes no windows: report 0 once one is overdue. */
	s->util_ppm = ktime_get_ns() - sched->win_start >
		      2 * MVGPU_SHARE_WINDOW_NS ? 0 : sched->util_ppm;
	for (i = 0; i < sched->nr_engines; i++) {
		struct mvgpu_engine_slot *slot = &sched->engines[i];

		s->switches += slot->switches;
		s->switch_ns += slot->switch_ns;
		s->ctx_switches += slot->ctx_switches;
		s->ctx_switch_ns += slot->ctx_switch_ns;
		s->busy_ns += slot->busy_ns;
		s->preempt_max_ns = max(s->preempt_max_ns, slot->preempt_max);
		for (b = 0; b < MVGPU_HIST_BUCKETS; b++)
			hist[MVGPU_HIST_BUCKETS + b] += slot->preempt_hist[b];
	}
	spin_unlock_irq(&sched->lock);
	mvgpu_sched_engine_totals(gdev, s, hist);
	for (b = 0; b < MVGPU_HIST_BUCKETS; b++)
		s->preempts += hist[MVGPU_HIST_BUCKETS + b];
	s->step_p50_ns = mvgpu_hist_percentile(hist, 50);
	s->step_p99_ns = mvgpu_hist_percentile(hist, 99);
	s->preempt_p50_ns = mvgpu_hist_percentile(hist + MVGPU_HIST_BUCKETS, 50);
	s->preempt_p99_ns = mvgpu_hist_percentile(hist + MVGPU_HIST_BUCKETS, 99);
	kfree(hist);
}

/* One line of non-empty buckets, "lower_bound_ns:count". */
static void mvgpu_hist_print(struct seq_file *m, const u32 *hist)
{
	unsigned int b;

	for (b = 0; b < MVGPU_HIST_BUCKETS; b++)
		if (hist[b])
			seq_printf(m, " %llu:%u", mvgpu_hist_bucket_ns(b), hist[b]);
	seq_putc(m, '\n');
}

/**
 * mvgpu_sched_hist_show() - every engine's step and preemption histograms
 * @m: the seq_file
 * @gdev: the GPU
 *
 * Context: process context.
 */
void mvgpu_sched_hist_show(struct seq_file *m, struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_engine_stats *st;
	u32 *hist;
	u64 max;
	unsigned int i;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	hist = kmalloc_array(MVGPU_HIST_BUCKETS, sizeof(*hist), GFP_KERNEL);
	if (!st || !hist)
		goto out;
	for (i = 0; i < sched->nr_engines; i++) {
		gdev->be_ops->engine_stats(gdev->be, i, st);
		seq_printf(m, "engine %u step max %llu:", i, st->step_max_ns);
		mvgpu_hist_print(m, st->step_hist);
		spin_lock_irq(&sched->lock);
		memcpy(hist, sched->engines[i].preempt_hist,
		       MVGPU_HIST_BUCKETS * sizeof(*hist));
		max = sched->engines[i].preempt_max;
		spin_unlock_irq(&sched->lock);
		seq_printf(m, "engine %u preempt max %llu:", i, max);
		mvgpu_hist_print(m, hist);
	}
out:
	kfree(hist);
	kfree(st);
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

	gdev->be_ops->engine_stats_clear(gdev->be);
	spin_lock_irq(&sched->lock);
	for (i = 0; i < sched->nr_engines; i++) {
		memset(sched->engines[i].preempt_hist, 0,
		       sizeof(sched->engines[i].preempt_hist));
		sched->engines[i].preempt_max = 0;
		sched->engines[i].preempt_nr = 0;
	}
	spin_unlock_irq(&sched->lock);
}

/**
 * mvgpu_sched_samples_show() - every engine's preemption latencies, exactly
 * @m: the seq_file
 * @gdev: the GPU
 *
 * One line per preemption since the histograms were last cleared, engine
 * by engine, ``LATENCY_NS CPU_WAIT_NS`` (struct mvgpu_preempt_sample); at
 * most the last MVGPU_PREEMPT_SAMPLES of each engine.
 *
 * Context: process context.
 */
void mvgpu_sched_samples_show(struct seq_file *m, struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_preempt_sample *buf;
	unsigned int i, j, n;

	buf = kvmalloc_array(MVGPU_PREEMPT_SAMPLES, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return;
	for (i = 0; i < sched->nr_engines; i++) {
		struct mvgpu_engine_slot *slot = &sched->engines[i];

		spin_lock_irq(&sched->lock);
		n = min_t(u64, slot->preempt_nr, MVGPU_PREEMPT_SAMPLES);
		if (slot->preempt_samples)
			memcpy(buf, slot->preempt_samples, n * sizeof(*buf));
		else
			n = 0;
		spin_unlock_irq(&sched->lock);
		for (j = 0; j < n; j++)
			seq_printf(m, "%u %u\n", buf[j].lat_ns, buf[j].cpu_wait_ns);
	}
	kvfree(buf);
}

/**
 * mvgpu_sched_busy_show() - every vGPU's engine time at one instant
 * @m: the seq_file
 * @gdev: the GPU
 *
 * One line per vGPU, ``UUID busy_ns``: the engine time it has received,
 * as its ``sched_stats`` says, plus the time on the engine of a run in
 * progress (from its start to now), all read at one instant.  For
 * benchmarks of shares: ``busy_ns`` alone grows only when a run ends, so a
 * window read from it is off by up to a slice at each end (4 ms at the
 * lowest level), a percent of a 6 s window for a vGPU with a fifteenth of
 * the engine.
 *
 * Context: process context; takes the vGPU table's lock, then sched.lock.
 */
void mvgpu_sched_busy_show(struct seq_file *m, struct mvgpu_dev *gdev)
{
	struct mvgpu_sched *sched = &gdev->sched;
	struct mvgpu_vgpu *vgpu;
	unsigned long id;
	u64 now;

	xa_lock(&gdev->vgpus);
	spin_lock_irq(&sched->lock);
	now = ktime_get_ns();
	xa_for_each(&gdev->vgpus, id, vgpu) {
		struct mvgpu_vsched *vs = &vgpu->vs;
		u64 busy = vs->busy_ns;

		if (vs->state == MVGPU_VS_RUNNING &&
		    vs->engine < sched->nr_engines &&
		    sched->engines[vs->engine].cur &&
		    sched->engines[vs->engine].cur->vs == vs)
			busy += now - min(now, sched->engines[vs->engine].run_at);
		seq_printf(m, "%s %llu\n", dev_name(&vgpu->mdev->dev), busy);
	}
	spin_unlock_irq(&sched->lock);
	xa_unlock(&gdev->vgpus);
}

static const char * const mvgpu_ctx_state_name[] = {
	[MVGPU_CTX_IDLE] = "idle",
	[MVGPU_CTX_QUEUED] = "queued",
	[MVGPU_CTX_RUNNING] = "running",
	[MVGPU_CTX_WAITING] = "waiting",
	[MVGPU_CTX_HOST] = "host",
	[MVGPU_CTX_STOPPED] = "stopped",
};

static const char * const mvgpu_vs_state_name[] = {
	[MVGPU_VS_IDLE] = "idle",
	[MVGPU_VS_QUEUED] = "queued",
	[MVGPU_VS_RUNNING] = "running",
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
		struct mvgpu_engine_slot *slot = &sched->engines[i];

		if (slot->cur)
			seq_printf(m, "engine %u: vgpu %u level %u", i,
				   slot->cur->vgpu->id, slot->cur->vs->se.level);
		else
			seq_printf(m, "engine %u: idle", i);
		seq_printf(m, " engine_resets %llu lost %llu", slot->engine_resets,
			   slot->lost);
		seq_printf(m, " submits %llu submit_ns %llu resident %u resident_runs %llu loads %llu evictions %llu\n",
			   slot->submits, slot->submit_ns, slot->nr_resident,
			   slot->resident_runs, slot->loads, slot->evictions);
	}
	seq_puts(m, "vgpu state level prio weight cap vtime budget_ns, then its contexts\n");
	xa_for_each(&gdev->vgpus, id, vgpu) {
		struct mvgpu_sched_entity *se = &vgpu->vs.se;

		seq_printf(m, "%u %s%s %u %u %u %u %llu %lld\n", vgpu->id,
			   mvgpu_vs_state_name[vgpu->vs.state],
			   se->throttled ? "/throttled" : "", se->level,
			   se->prio, se->weight, se->cap, se->vtime, se->budget);
		for (i = 0; i < vgpu->num_contexts; i++) {
			struct mvgpu_ctx *ctx = vgpu->ctxs[i];

			if (ctx)
				seq_printf(m, "  ctx %u %s prio %u busy_ns %llu cmds %llu faults %llu\n",
					   i, mvgpu_ctx_state_name[ctx->state],
					   ctx->prio, ctx->busy_ns,
					   ctx->cmds_before + ctx->cmds_done,
					   ctx->faults);
		}
		seq_printf(m, "  ctx_switches %llu ctx_switch_ns %llu\n",
			   vgpu->vs.ctx_switches, vgpu->vs.ctx_switch_ns);
	}
	spin_unlock_irq(&sched->lock);
	xa_unlock(&gdev->vgpus);
}
