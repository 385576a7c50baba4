// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the core on a mock backend.  The mock runs nothing: it records
 * what the core asks of it, and the test plays the GPU, reporting runs
 * that end as it pleases (empty, preempted, faulted, needing the host),
 * with the engine time it pleases - a fake clock.  So the core's
 * scheduling, preemption, fault isolation, reset and save/restore are
 * tested without the software GPU, through the same contract a hardware
 * backend would implement (DOC: Backend contract).
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

#include "core/mock_gpu.h"

/* A doorbell runs the context; the end of its ring idles it. */
static void mock_run_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;

	mock_ring(x, 0, 5 * MVGPU_CMD_SIZE);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.state, MVGPU_CTX_RUNNING);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_ENGINE_STATUS), MVGPU_ENGINE_BUSY);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 1000, 5);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.state, MVGPU_CTX_IDLE);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_RING_HEAD), 5U * MVGPU_CMD_SIZE);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_CMDS_DONE), 5U);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_ENGINE_STATUS), MVGPU_ENGINE_IDLE);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.busy_ns, 1000ULL);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	KUNIT_EXPECT_EQ(test, mock_running(x, 1), -1);
}

/*
 * More contexts than engines: the slice ends, the backend is asked to
 * preempt, and when it reports the next context runs; weights 1:3 share
 * the engines' time 1:3 by the engine time the backend reports.
 */
static void mock_slice_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	u64 got[CTXS] = { 0 };
	unsigned int i, e, round;

	mvgpu_ctx_set_sched(&x->vgpu[0]->ctx, 1, 0, 100);
	mvgpu_ctx_set_sched(&x->vgpu[1]->ctx, 3, 0, 100);
	mvgpu_ctx_set_sched(&x->vgpu[2]->ctx, 1, 0, 100);
	mvgpu_ctx_set_sched(&x->vgpu[3]->ctx, 3, 0, 100);
	for (i = 0; i < CTXS; i++)
		mock_ring(x, i, 64);
	KUNIT_ASSERT_GE(test, mock_running(x, 0), 0);
	KUNIT_ASSERT_GE(test, mock_running(x, 1), 0);
	for (round = 0; round < 400; round++) {
		for (e = 0; e < ENGINES; e++) {
			int who = mock_running(x, e);

			KUNIT_ASSERT_GE(test, who, 0);
			mock_slice_end(x, e);
			KUNIT_ASSERT_TRUE(test, x->g->preempt[e]);
			got[who] += 1000000;
			mock_report(x, e, MVGPU_STOP_PREEMPTED, 1000000, 0);
		}
	}
	/* 1:3 within 5 % for each pair, all of them served. */
	KUNIT_EXPECT_GE(test, got[1] * 100, got[0] * 3 * 95);
	KUNIT_EXPECT_LE(test, got[1] * 100, got[0] * 3 * 105);
	KUNIT_EXPECT_GE(test, got[3] * 100, got[2] * 3 * 95);
	KUNIT_EXPECT_LE(test, got[3] * 100, got[2] * 3 * 105);
	KUNIT_EXPECT_EQ(test, got[0] + got[1] + got[2] + got[3],
			2ULL * 400 * 1000000);
	/* Every preemption was measured: one histogram count each. */
	for (e = 0; e < ENGINES; e++) {
		u64 n = 0;
		unsigned int b;

		for (b = 0; b < MVGPU_HIST_BUCKETS; b++)
			n += x->gdev->sched.engines[e].preempt_hist[b];
		KUNIT_EXPECT_EQ(test, n, 400ULL);
	}
}

/* A fault stops its context only: registers set, the other one runs on. */
static void mock_fault_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mock_ctx *m;
	struct mvgpu_stop stop = {
		.reason = MVGPU_STOP_FAULT, .ran_ns = 500, .head = 128,
		.fault = { .code = MVGPU_ERR_PAGE_FAULT, .info = MVGPU_OP_COPY,
			   .addr = 0xdead000 },
	};

	mock_ring(x, 0, 256);
	mock_ring(x, 1, 256);
	mock_ring(x, 2, 256);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	m = x->g->running[0];
	x->g->running[0] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, 0, m->ctx, &stop);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.state, MVGPU_CTX_STOPPED);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_ENGINE_STATUS), MVGPU_ENGINE_STOPPED);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_ERROR_CODE), MVGPU_ERR_PAGE_FAULT);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_ERROR_INFO), MVGPU_OP_COPY);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_FAULT_ADDR_LO), 0xdead000U);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_RING_HEAD), 128U);
	KUNIT_EXPECT_TRUE(test, mock_reg(x, 0, MVGPU_REG_INT_STATUS) & MVGPU_INT_ERROR);
	/* The waiting one took the engine; the faulted one's doorbells wait. */
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), 2);
	mock_ring(x, 0, 512);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.state, MVGPU_CTX_STOPPED);
	/* The others are untouched. */
	KUNIT_EXPECT_EQ(test, mock_reg(x, 1, MVGPU_REG_ERROR_CODE), 0U);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 2, MVGPU_REG_ERROR_CODE), 0U);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 100, 4);
	mock_report(x, 1, MVGPU_STOP_EMPTY, 100, 4);
}

/*
 * An engine that does not give its context back once asked is reset when
 * the preemption timeout has passed, not before; the context faults with
 * TIMEOUT and the engine serves the others.
 */
static void mock_engine_reset_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_engine_slot *slot = &x->gdev->sched.engines[0];
	struct mvgpu_stop stop = {
		.reason = MVGPU_STOP_FAULT, .ran_ns = 500, .head = 64,
		.busy = true,
		.fault = { .code = MVGPU_ERR_TIMEOUT, .info = MVGPU_OP_SPIN,
			   .addr = 64 },
	};
	struct mock_ctx *m;

	x->gdev->sched.preempt_timeout_ns = SLICE_NS;
	mock_ring(x, 0, 256);
	mock_ring(x, 1, 256);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	mock_slice_end(x, 0);
	KUNIT_EXPECT_TRUE(test, x->g->preempt[0]);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[0], 0U);
	/* The request armed the preemption timeout. */
	KUNIT_EXPECT_TRUE(test, hrtimer_is_queued(&slot->slice_timer));
	/*
	 * A third context waits.  (Rung before the slice ended, it would have
	 * asked for the engine first: it has had less service than the one
	 * running, at the same level.)
	 */
	mock_ring(x, 2, 256);
	/* Not yet: the timeout has not passed. */
	mock_slice_end(x, 0);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[0], 0U);
	/* The engine kept it a whole timeout. */
	slot->preempt_at -= SLICE_NS;
	mock_slice_end(x, 0);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[0], 1U);
	KUNIT_EXPECT_EQ(test, slot->engine_resets, 1ULL);
	KUNIT_EXPECT_TRUE(test, x->g->preempt[0]);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[1], 0U);
	/* Still not given back: reset again a timeout later, not before. */
	mock_slice_end(x, 0);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[0], 1U);
	slot->preempt_at -= SLICE_NS;
	mock_slice_end(x, 0);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[0], 2U);
	/* The backend reports what the reset did to the context. */
	m = x->g->running[0];
	x->g->running[0] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, 0, m->ctx, &stop);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.state, MVGPU_CTX_STOPPED);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_ERROR_CODE), MVGPU_ERR_TIMEOUT);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_FAULT_ADDR_LO), 64U);
	/* The waiting context got the engine; nobody else was hurt. */
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), 2);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 1, MVGPU_REG_ERROR_CODE), 0U);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 2, MVGPU_REG_ERROR_CODE), 0U);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 100, 4);
	mock_report(x, 1, MVGPU_STOP_EMPTY, 100, 4);
}

/*
 * One knob changes, the others stay; a bad value changes nothing; and a
 * knob can be set while the vGPU's lock is held (a reset waiting for a pin
 * must not hold up the administrator).
 */
static void mock_knob_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_ctx *ctx = &x->vgpu[0]->ctx;

	KUNIT_ASSERT_EQ(test, mvgpu_ctx_set_sched(ctx, 2, 1, 50), 0);
	mutex_lock(&x->vgpu[0]->lock);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_set_knob(ctx, MVGPU_KNOB_WEIGHT, 7), 0);
	mutex_unlock(&x->vgpu[0]->lock);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.weight, 7U);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.prio, 1U);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.cap, 50U);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_set_knob(ctx, MVGPU_KNOB_CAP, 100), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_set_knob(ctx, MVGPU_KNOB_PRIO, 2), 0);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.weight, 7U);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.prio, 2U);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.cap, 100U);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_set_knob(ctx, MVGPU_KNOB_CAP, 101), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_set_knob(ctx, MVGPU_KNOB_WEIGHT, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_set_knob(ctx, MVGPU_KNOB_PRIO,
						 MVGPU_SCHED_LEVELS), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.weight, 7U);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.prio, 2U);
	KUNIT_EXPECT_EQ(test, ctx->vs->se.cap, 100U);
}

struct mock_resetter {
	struct mvgpu_ctx *ctx;
	bool restart;
	struct completion done;
};

/* A reset as the VFIO glue does it: stop, registers, restart. */
static int mock_reset_fn(void *data)
{
	struct mock_resetter *r = data;
	struct mvgpu_vgpu *v = r->ctx->vgpu;

	mvgpu_ctx_stop(r->ctx);
	if (r->restart) {
		spin_lock_irq(&v->irq_lock);
		mvgpu_mmio_reset(&v->mmio);
		spin_unlock_irq(&v->irq_lock);
		mvgpu_ctx_restart(r->ctx);
	}
	complete(&r->done);
	return 0;
}

/*
 * Stop vGPU @i's context, which runs on @engine, from another thread (as a
 * reset or a migration does): it waits until the GPU, asked to preempt,
 * gives the context back after @cmds more commands.
 */
static void stop_running(struct kunit *test, struct mock_fixture *x,
			 unsigned int i, unsigned int engine, u32 cmds,
			 bool restart)
{
	struct mock_resetter r = { .ctx = &x->vgpu[i]->ctx, .restart = restart };
	struct task_struct *task;
	unsigned int n;

	init_completion(&r.done);
	task = kthread_run(mock_reset_fn, &r, "mock-reset");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	for (n = 0; n < 500 && !x->g->preempt[engine]; n++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, x->g->preempt[engine]);
	KUNIT_EXPECT_FALSE(test, completion_done(&r.done));
	mock_report(x, engine, MVGPU_STOP_PREEMPTED, 10, cmds);
	wait_for_completion(&r.done);
}

/*
 * A reset of a running context asks the backend to preempt and waits for
 * its report; then the backend's context is reset, the ring forgotten.
 */
static void mock_reset_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;

	mock_ring(x, 0, 1024);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	stop_running(test, x, 0, 0, 3, true);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.state, MVGPU_CTX_IDLE);
	KUNIT_EXPECT_EQ(test, x->g->ctxs[0]->resets, 1U);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.cmds_before, 3ULL);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	/* It runs again after the reset. */
	mock_ring(x, 0, 64);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), 0);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 1);
}

/*
 * The calls down come from a context that may sleep (DOC: Submission):
 * each run, preempt, engine reset, load and eviction the core asks for -
 * from a doorbell, the slice timer firing in hardirq, the preemption
 * timeout, a report, a reset - is made with no spinlock held and irqs on,
 * and here sleeps a millisecond, as a firmware RPC would.
 */
static void mock_submit_sleeps_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_engine_slot *slot = &x->gdev->sched.engines[0];
	struct mvgpu_stop stop = {
		.reason = MVGPU_STOP_FAULT, .head = 64, .busy = true,
		.fault = { .code = MVGPU_ERR_TIMEOUT, .info = MVGPU_OP_SPIN },
	};
	struct mock_ctx *m;
	unsigned int n;

	x->g->sleep = true;
	x->gdev->sched.preempt_timeout_ns = SLICE_NS;
	mock_ring(x, 0, 256);
	mock_ring(x, 1, 256);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	KUNIT_ASSERT_EQ(test, mock_running(x, 1), 1);
	mock_ring(x, 2, 256);
	/* The slice timer, for real: its request leaves the hardirq. */
	hrtimer_start(&slot->slice_timer, ns_to_ktime(100 * NSEC_PER_USEC), HRTIMER_MODE_REL);
	for (n = 0; n < 500 && !READ_ONCE(x->g->preempt[0]); n++)
		msleep(20);
	mock_sync(x);
	KUNIT_EXPECT_TRUE(test, x->g->preempt[0]);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[0], 0U);
	/* The preemption timeout passes: the engine is reset. */
	slot->preempt_at -= SLICE_NS;
	mock_slice_end(x, 0);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[0], 1U);
	/* The report runs the waiting vGPU; a reset preempts the other one. */
	m = x->g->running[0];
	x->g->running[0] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, 0, m->ctx, &stop);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), 2);
	stop_running(test, x, 1, 1, 2, true);
	/* Runs 3, loads 3, preempts 2, reset 1, eviction 1 (the reset). */
	KUNIT_EXPECT_GE(test, x->g->calls, 8U);
	KUNIT_EXPECT_EQ(test, x->g->atomic_calls, 0U);
	KUNIT_EXPECT_EQ(test, x->g->bad, 0U);
	x->g->sleep = false;
}

/*
 * The backend may report a run over before its run() returns (an engine
 * that finds the ring empty at once, from its interrupt): the context
 * settles, and the next run, decided in that report, is issued once run()
 * has returned.
 */
static void mock_stop_in_run_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;

	mock_ring(x, 1, 256);
	mock_ring(x, 2, 256);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 1);
	KUNIT_ASSERT_EQ(test, mock_running(x, 1), 2);
	mock_ring(x, 3, 5 * MVGPU_CMD_SIZE);
	mock_ring(x, 0, 7 * MVGPU_CMD_SIZE);
	x->g->empty_in_run = 2;
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 4);
	/* vGPU 3 ran and ended inside run(), then vGPU 0 did. */
	KUNIT_EXPECT_EQ(test, x->g->empty_in_run, 0U);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	KUNIT_EXPECT_EQ(test, x->g->runs[3], 1U);
	KUNIT_EXPECT_EQ(test, x->g->runs[0], 1U);
	KUNIT_EXPECT_EQ(test, x->vgpu[3]->ctx.state, MVGPU_CTX_IDLE);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.state, MVGPU_CTX_IDLE);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 3, MVGPU_REG_RING_HEAD),
			5U * MVGPU_CMD_SIZE);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_ENGINE_STATUS),
			MVGPU_ENGINE_IDLE);
	/* The other engine went on. */
	KUNIT_EXPECT_EQ(test, mock_running(x, 1), 2);
	KUNIT_EXPECT_EQ(test, x->g->atomic_calls, 0U);
	mock_report(x, 1, MVGPU_STOP_EMPTY, 10, 4);
}

/* Holds a vGPU's host worker until the test lets it go. */
struct mock_blocker {
	struct kthread_work work;
	struct completion started, release;
};

static void mock_block_fn(struct kthread_work *work)
{
	struct mock_blocker *b = container_of(work, struct mock_blocker, work);

	complete(&b->started);
	wait_for_completion(&b->release);
}

static int mock_stop_fn(void *data)
{
	struct mock_resetter *r = data;

	mvgpu_ctx_stop(r->ctx);
	complete(&r->done);
	return 0;
}

/*
 * A reset of a context that waits on the run queue while every engine is
 * busy: it leaves the queue at once, so an engine that frees up while the
 * reset waits for the host worker does not start it - no command of a
 * context the guest reset runs after the reset began, and the reset does
 * not wait a slice for it.
 */
static void mock_reset_queued_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_ctx *c = &x->vgpu[2]->ctx;
	struct mock_resetter r = { .ctx = c };
	struct mock_blocker b;
	struct task_struct *task;
	unsigned int n;

	mock_ring(x, 0, 64);
	mock_ring(x, 1, 64);
	mock_ring(x, 2, 64);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	KUNIT_ASSERT_EQ(test, mock_running(x, 1), 1);
	KUNIT_ASSERT_EQ(test, c->state, MVGPU_CTX_QUEUED);
	/* The host worker is busy: the reset waits for it, mid-way. */
	kthread_init_work(&b.work, mock_block_fn);
	init_completion(&b.started);
	init_completion(&b.release);
	kthread_queue_work(x->vgpu[2]->worker, &b.work);
	wait_for_completion(&b.started);
	mvgpu_host_kick(c);
	init_completion(&r.done);
	task = kthread_run(mock_stop_fn, &r, "mock-stop");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	for (n = 0; n < 500 && !READ_ONCE(c->stopping); n++)
		msleep(20);
	KUNIT_ASSERT_TRUE(test, READ_ONCE(c->stopping));
	/* Engine 0 frees up while the reset waits: vGPU 2 must not start. */
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 1);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	KUNIT_EXPECT_EQ(test, x->g->runs[2], 0U);
	complete(&b.release);
	/* Before the fix the reset would wait here for vGPU 2's run. */
	if (mock_running(x, 0) == 2)
		mock_report(x, 0, MVGPU_STOP_PREEMPTED, 10, 0);
	wait_for_completion(&r.done);
	KUNIT_EXPECT_EQ(test, c->state, MVGPU_CTX_IDLE);
	spin_lock_irq(&x->vgpu[2]->irq_lock);
	mvgpu_mmio_engine_reset(&x->vgpu[2]->mmio);
	spin_unlock_irq(&x->vgpu[2]->irq_lock);
	mvgpu_ctx_restart(c);
	KUNIT_EXPECT_EQ(test, x->g->runs[2], 0U);
	/* After the reset, the context runs again. */
	mock_ring(x, 2, 64);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), 2);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 1);
	mock_report(x, 1, MVGPU_STOP_EMPTY, 10, 1);
}

/* The guest, on another vCPU, starts its ring again during the scrub. */
static void ring_during_scrub(void *arg)
{
	mock_ring(arg, 0, 128);
}

/*
 * A vGPU reset while the backend still gets a VRAM page for the context off
 * the engine: the page must not be backed after the scrub, or the next
 * tenant would find a page the reset should have freed.  And the context
 * must not run while its VRAM is scrubbed: a doorbell then is ignored.
 */
static void mock_vgpu_reset_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];

	v->bvram = (struct mvgpu_bvram *)x->g;
	x->g->vram_pages = 3;
	x->g->mem_pending = true;
	x->g->on_scrub = ring_during_scrub;
	x->g->on_scrub_arg = x;
	mvgpu_vgpu_reset(v, false);
	x->g->on_scrub = NULL;
	KUNIT_EXPECT_FALSE(test, x->g->mem_pending);
	KUNIT_EXPECT_EQ(test, x->g->vram_pages, 0U);
	KUNIT_EXPECT_EQ(test, x->g->ctxs[0]->resets, 1U);
	KUNIT_EXPECT_EQ(test, x->g->runs[0], 0U);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	/* After the reset it runs again. */
	mock_ring(x, 0, 64);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), 0);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 1);
}

/*
 * A command that needs the host: the context waits off the engine, the
 * core answers (here: no VFIO device to pin through, so a BAD_MAP) and
 * runs it again.
 */
static void mock_host_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_stop stop = {
		.reason = MVGPU_STOP_HOST, .ran_ns = 10, .busy = true,
		.host = { .op = MVGPU_OP_MAP, .va = SZ_1G, .iova = SZ_4G,
			  .size = SZ_64K, .flags = MVGPU_GPT_READ | MVGPU_GPT_SYSMEM },
	};
	struct mock_ctx *m;
	unsigned int i;

	mock_ring(x, 0, 128);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	m = x->g->running[0];
	x->g->running[0] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, 0, m->ctx, &stop);
	for (i = 0; i < 500 && mock_running(x, 0) != 0; i++)
		msleep(20);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	KUNIT_EXPECT_TRUE(test, m->host_answered);
	KUNIT_EXPECT_EQ(test, m->host_result.code, MVGPU_ERR_BAD_MAP);
	KUNIT_EXPECT_EQ(test, m->host_result.info,
			MVGPU_OP_MAP | MVGPU_MAP_ERR_PIN << MVGPU_ERR_REASON_SHIFT);
	KUNIT_EXPECT_EQ(test, m->host_result.addr, (u64)SZ_4G);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 2);
}

/*
 * A stopped context's engine state goes to a buffer and back in pieces,
 * checked whole when the last is in (DOC: Context images).  The context
 * that ran was resident on its engine: the stop evicted it before any of
 * the image ops saw it (the mock counts one that sees a resident context).
 */
static void mock_save_restore_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_ctx *a = &x->vgpu[0]->ctx, *b = &x->vgpu[1]->ctx;
	struct mvgpu_ctx_ring ring = {};
	u64 buf[4] = { 0 }, size;
	const char *why;

	mock_ring(x, 0, 1024);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_save(a, 0, buf, 16), -EBUSY);
	KUNIT_EXPECT_EQ(test, x->g->ctxs[0]->resident, 0);
	stop_running(test, x, 0, 0, 7, false);
	KUNIT_EXPECT_EQ(test, x->g->ctxs[0]->resident, -1);
	KUNIT_ASSERT_EQ(test, mvgpu_ctx_image_size(a, &size), 0);
	KUNIT_ASSERT_EQ(test, size, 16ULL);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_save(a, 8, buf, 16), -EINVAL);
	KUNIT_ASSERT_EQ(test, mvgpu_ctx_save(a, 8, buf + 1, 8), 0);
	KUNIT_ASSERT_EQ(test, mvgpu_ctx_save(a, 0, buf, 8), 0);
	KUNIT_EXPECT_EQ(test, buf[0], 7ULL * MVGPU_CMD_SIZE);
	KUNIT_EXPECT_EQ(test, buf[1], 7ULL);

	mutex_lock(&x->vgpu[1]->lock);
	mvgpu_ctx_freeze(b);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_restore(b, 0, buf, 8, &why), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_restore(b, 8, buf + 1, 8, &why), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_state_set(b, &ring, 16, &why), 0);
	KUNIT_EXPECT_EQ(test, x->g->ctxs[1]->head, 7U * MVGPU_CMD_SIZE);
	KUNIT_EXPECT_EQ(test, x->g->ctxs[1]->cmds, 7ULL);
	/* Out of order, short, or not a state the mock makes: refused. */
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_restore(b, 8, buf + 1, 8, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_restore(b, 0, buf, 8, &why), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_state_set(b, &ring, 16, &why), -EINVAL);
	buf[0] = 13;
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_restore(b, 0, buf, 16, &why), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_state_set(b, &ring, 16, &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "not a mock state");
	KUNIT_EXPECT_EQ(test, x->g->ctxs[1]->head, 0U);
	mvgpu_ctx_thaw(b);
	mutex_unlock(&x->vgpu[1]->lock);
	mvgpu_ctx_restart(a);
	KUNIT_EXPECT_EQ(test, x->g->bad, 0U);
}

/*
 * A frozen context (migration) runs no more: not from the queue, not on a
 * doorbell, not after a reset; a doorbell is kept for the thaw, which puts
 * it back on the engines.  A faulted context stays stopped through both.
 */
static void mock_freeze_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_ctx *c = &x->vgpu[2]->ctx;
	struct mvgpu_stop fault = {
		.reason = MVGPU_STOP_FAULT, .head = 64,
		.fault = { .code = MVGPU_ERR_PAGE_FAULT },
	};
	struct mock_ctx *m;
	unsigned int e;

	mock_ring(x, 0, 1024);
	mock_ring(x, 1, 1024);
	mock_ring(x, 2, 1024);
	KUNIT_ASSERT_EQ(test, c->state, MVGPU_CTX_QUEUED);
	mutex_lock(&x->vgpu[2]->lock);
	mvgpu_ctx_freeze(c);
	mutex_unlock(&x->vgpu[2]->lock);
	KUNIT_EXPECT_EQ(test, c->state, MVGPU_CTX_IDLE);
	mock_ring(x, 2, 2048);
	KUNIT_EXPECT_TRUE(test, c->doorbell_pending);
	for (e = 0; e < ENGINES; e++)
		mock_report(x, e, MVGPU_STOP_EMPTY, 10, 0);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	KUNIT_EXPECT_EQ(test, mock_running(x, 1), -1);
	/* An engine reset while frozen: still frozen. */
	mutex_lock(&x->vgpu[2]->lock);
	mvgpu_ctx_stop(c);
	spin_lock_irq(&x->vgpu[2]->irq_lock);
	mvgpu_mmio_engine_reset(&x->vgpu[2]->mmio);
	spin_unlock_irq(&x->vgpu[2]->irq_lock);
	mvgpu_ctx_restart(c);
	KUNIT_EXPECT_TRUE(test, c->stopping);
	mock_ring(x, 2, 512);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	mvgpu_ctx_thaw(c);
	mutex_unlock(&x->vgpu[2]->lock);
	/* The doorbell written while frozen latched the ring and runs it. */
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 2);
	KUNIT_EXPECT_EQ(test, x->g->ctxs[2]->tail, 512U);

	/* Faulted, then frozen and thawed: still stopped, nothing runs. */
	m = x->g->running[0];
	x->g->running[0] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, 0, m->ctx, &fault);
	mutex_lock(&x->vgpu[2]->lock);
	mvgpu_ctx_freeze(c);
	KUNIT_EXPECT_EQ(test, c->state, MVGPU_CTX_STOPPED);
	mvgpu_ctx_thaw(c);
	mutex_unlock(&x->vgpu[2]->lock);
	KUNIT_EXPECT_EQ(test, c->state, MVGPU_CTX_STOPPED);
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	mvgpu_ctx_stop(c);
	mvgpu_ctx_restart(c);
}

static struct kunit_case mock_test_cases[] = {
	KUNIT_CASE(mock_run_test),
	KUNIT_CASE(mock_slice_test),
	KUNIT_CASE(mock_fault_test),
	KUNIT_CASE(mock_reset_test),
	KUNIT_CASE(mock_reset_queued_test),
	KUNIT_CASE(mock_vgpu_reset_test),
	KUNIT_CASE(mock_engine_reset_test),
	KUNIT_CASE(mock_knob_test),
	KUNIT_CASE(mock_host_test),
	KUNIT_CASE(mock_save_restore_test),
	KUNIT_CASE(mock_freeze_test),
	KUNIT_CASE(mock_submit_sleeps_test),
	KUNIT_CASE(mock_stop_in_run_test),
	{}
};

static struct kunit_suite mock_test_suite = {
	.name = "mvgpu_core_mock",
	.init = mock_test_init,
	.exit = mock_test_exit,
	.test_cases = mock_test_cases,
};

kunit_test_suite(mock_test_suite);
