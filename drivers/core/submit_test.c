// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the submit worker (DOC: Submission) against a mock backend whose
 * runs end at once while its vGPU always has a next run (mock_gpu
 * @churner): the worker must still let a flush in and serve the other
 * engines.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

#include "core/mock_gpu.h"

/*
 * Runs the churning context asks for at most, so that a worker that loops
 * until nothing is pending ends all the same and the test fails instead
 * of hanging.
 */
#define CHURN_MAX	20000U
/* Far below CHURN_MAX, far above what the worker takes before a flush. */
#define CHURN_FEW	1000U

/* A work queued on the submit worker: what the churn was at when it ran. */
struct churn_probe {
	struct kthread_work work;
	struct mock_gpu *g;
	unsigned int churned;
};

static void churn_probe_fn(struct kthread_work *work)
{
	struct churn_probe *p = container_of(work, struct churn_probe, work);

	p->churned = READ_ONCE(p->g->churned);
}

/* The churn's count so far (a plain name for KUnit's failure messages). */
static unsigned int churned(struct mock_fixture *x)
{
	return READ_ONCE(x->g->churned);
}

/* vGPU 0 churns on engine 0 (the first idle one), a few runs in. */
static void churn_start(struct kunit *test, struct mock_fixture *x)
{
	unsigned int n;

	WRITE_ONCE(x->g->churned, 0);
	x->g->churner = x->g->ctxs[0];
	WRITE_ONCE(x->g->churn, CHURN_MAX);
	mock_doorbell(x, 0, MVGPU_CMD_SIZE);
	for (n = 0; n < 500 && churned(x) < 10; n++)
		msleep(20);
	KUNIT_ASSERT_GE(test, churned(x), 10U);
}

/* The churn stops; the runs left end; the engines idle. */
static void churn_stop(struct kunit *test, struct mock_fixture *x)
{
	unsigned int e;

	WRITE_ONCE(x->g->churn, 0);
	mock_sync(x);
	for (e = 0; e < ENGINES; e++)
		if (x->g->running[e])
			mock_report(x, e, MVGPU_STOP_EMPTY, 10, 0);
	x->g->churner = NULL;
	KUNIT_EXPECT_EQ(test, mock_running(x, 0), -1);
	KUNIT_EXPECT_EQ(test, mock_running(x, 1), -1);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctx.state, MVGPU_CTX_IDLE);
	KUNIT_EXPECT_EQ(test, x->g->atomic_calls, 0U);
	KUNIT_EXPECT_EQ(test, x->g->bad, 0U);
}

/*
 * Wait, without mock_sync() (the churn never syncs), for @m to run; the
 * engine it runs on, or -1.  Any engine: at a report the churning context
 * may move to the other engine, leaving engine 0 to the next.
 */
static int churn_wait_run(struct mock_fixture *x, struct mock_ctx *m)
{
	unsigned int n, e;

	for (n = 0; n < 3000; n++) {
		for (e = 0; e < ENGINES; e++)
			if (READ_ONCE(x->g->running[e]) == m)
				return e;
		msleep(20);
	}
	return -1;
}

/*
 * While an engine churns, a flush of the submit worker comes in after a
 * few calls, not once the engine quietens (a work queued just before the
 * flush sees how far the churn got).
 */
static void submit_flush_churn_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct churn_probe p = { .g = x->g };
	unsigned int before;

	churn_start(test, x);
	kthread_init_work(&p.work, churn_probe_fn);
	before = churned(x);
	kthread_queue_work(x->gdev->sched.submit_worker, &p.work);
	mvgpu_submit_flush(x->gdev);
	KUNIT_EXPECT_LT(test, p.churned - before, CHURN_FEW);
	KUNIT_EXPECT_LT(test, churned(x), CHURN_MAX);
	churn_stop(test, x);
}

/*
 * While engine 0 churns, another tenant's context, resident on the other
 * engine after each run, is stopped and reset again and again (as a
 * context reset, a close or a migration freeze stops it): each stop
 * returns with the churn still going, and with the context evicted -
 * though a flush may come in before the worker takes the eviction.
 */
static void submit_forget_churn_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_ctx *c = &x->vgpu[2]->ctx;
	struct mock_ctx *m = x->g->ctxs[2];
	struct mvgpu_stop stop = { .reason = MVGPU_STOP_EMPTY, .ran_ns = 10 };
	unsigned int round;
	int resident, e;

	churn_start(test, x);
	for (round = 0; round < 8; round++) {
		/* vGPU 2 runs on the engine the churn leaves it, and ends. */
		mock_doorbell(x, 2, MVGPU_CMD_SIZE);
		KUNIT_ASSERT_NE_MSG(test, c->state, MVGPU_CTX_STOPPED, "round %u", round);
		e = churn_wait_run(x, m);
		KUNIT_ASSERT_GE_MSG(test, e, 0, "round %u", round);
		m->head = m->tail;
		stop.head = m->head;
		WRITE_ONCE(x->g->running[e], NULL);
		x->g->core->ctx_stopped(x->g->gpu, e, c, &stop);
		KUNIT_ASSERT_EQ(test, c->state, MVGPU_CTX_IDLE);

		mvgpu_ctx_stop(c);
		resident = READ_ONCE(m->resident);
		KUNIT_EXPECT_LT(test, churned(x), CHURN_MAX);
		KUNIT_EXPECT_EQ(test, resident, -1);
		KUNIT_EXPECT_EQ(test, c->resident, UINT_MAX);
		/* A reset of the context: its registers, then its state. */
		spin_lock_irq(&x->vgpu[2]->irq_lock);
		mvgpu_mmio_engine_reset(&x->vgpu[2]->mmio);
		spin_unlock_irq(&x->vgpu[2]->irq_lock);
		mvgpu_ctx_restart(c);
	}
	churn_stop(test, x);
}

/*
 * While engine 0 churns, a run decided for engine 1 is issued within a
 * few calls: the worker serves the engines in turn.
 */
static void submit_round_robin_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	unsigned int asked, ran;

	churn_start(test, x);
	KUNIT_ASSERT_EQ(test, x->g->runs[1], 0U);
	/* vGPU 1 goes to the engine vGPU 0 does not hold. */
	mock_doorbell(x, 1, MVGPU_CMD_SIZE);
	asked = READ_ONCE(x->g->nr_runs);
	KUNIT_ASSERT_GE(test, churn_wait_run(x, x->g->ctxs[1]), 0);
	/* The run in progress on engine 0, perhaps its next, then engine 1. */
	ran = READ_ONCE(x->g->run_seq[1]);
	KUNIT_EXPECT_LE(test, ran, asked + 4);
	KUNIT_EXPECT_LT(test, churned(x), CHURN_MAX);
	churn_stop(test, x);
}

static struct kunit_case submit_test_cases[] = {
	KUNIT_CASE(submit_flush_churn_test),
	KUNIT_CASE(submit_forget_churn_test),
	KUNIT_CASE(submit_round_robin_test),
	{}
};

static struct kunit_suite submit_test_suite = {
	.name = "mvgpu_core_submit",
	.init = mock_test_init,
	.exit = mock_test_exit,
	.test_cases = submit_test_cases,
};

kunit_test_suite(submit_test_suite);
