// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a vGPU's contexts on the mock backend (mock_gpu.h) - what context
 * 0 asks of the core (create, destroy, priority, with every bad request
 * refused), the two levels of scheduling (priority and round robin inside a
 * vGPU, shares between vGPUs whatever their number of contexts), and
 * isolation of a context's fault and reset.
 */

#include <kunit/test.h>
#include <linux/delay.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

#include "core/mock_gpu.h"

/* The engine running context @id of vGPU @i, or -1. */
static int engine_of(struct mock_fixture *x, unsigned int i, u32 id)
{
	unsigned int e;

	for (e = 0; e < ENGINES; e++)
		if (mock_running(x, e) == (int)i && mock_running_ctx(x, e) == (int)id)
			return e;
	return -1;
}

/* Write a register of context @id's window of vGPU @i. */
static void ctx_write(struct mock_fixture *x, unsigned int i, u32 id, u32 reg,
		      u32 val)
{
	struct mvgpu_vgpu *v = x->vgpu[i];
	unsigned int actions = 0;

	spin_lock_irq(&v->irq_lock);
	mvgpu_mmio_access(&v->mmio, MVGPU_CTX_REGS(id) + reg, &val, 4, true,
			  &actions);
	spin_unlock_irq(&v->irq_lock);
	if (actions & MVGPU_MMIO_ACT_CTX_DOORBELL)
		mvgpu_vgpu_doorbell(v, MVGPU_MMIO_ACT_CTX(actions));
	if (actions & MVGPU_MMIO_ACT_CTX_RESET)
		mvgpu_vgpu_ctx_reset(v, MVGPU_MMIO_ACT_CTX(actions));
	mock_sync(x);
}

static u32 ctx_read(struct mock_fixture *x, unsigned int i, u32 id, u32 reg)
{
	return mock_reg(x, i, MVGPU_CTX_REGS(id) + reg);
}

/* Context @id of vGPU @i gets a 4 KiB ring with work up to @tail. */
static void ctx_ring(struct mock_fixture *x, unsigned int i, u32 id, u32 tail)
{
	ctx_write(x, i, id, MVGPU_CTX_RING_SIZE, 4096);
	ctx_write(x, i, id, MVGPU_CTX_DOORBELL, tail);
}

/*
 * Context 0 of vGPU @i runs a command that needs the core (@op on context
 * @id, priority @prio); the core's answer is returned.  Context 0 ends the
 * run with its ring empty.
 */
static struct mvgpu_fault ask(struct kunit *test, struct mock_fixture *x,
			      unsigned int i, u32 op, u32 id, u32 prio)
{
	struct mvgpu_ctx *c0 = &x->vgpu[i]->ctx;
	struct mvgpu_stop stop = {
		.reason = MVGPU_STOP_HOST, .ran_ns = 10, .busy = true,
		.host = { .op = op, .ctx = id, .prio = prio },
	};
	struct mvgpu_fault none = { .code = U32_MAX };
	struct mock_ctx *m;
	unsigned int n;
	int e;

	mock_ring(x, i, (c0->tail + MVGPU_CMD_SIZE) % 4096);
	e = engine_of(x, i, 0);
	KUNIT_ASSERT_GE_MSG(test, e, 0, "context 0 does not run");
	if (e < 0)
		return none;
	m = x->g->running[e];
	m->host_answered = false;
	x->g->running[e] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, e, c0, &stop);
	for (n = 0; n < 500 && engine_of(x, i, 0) < 0; n++)
		msleep(20);
	e = engine_of(x, i, 0);
	KUNIT_ASSERT_GE_MSG(test, e, 0, "context 0 did not run again");
	KUNIT_ASSERT_TRUE(test, m->host_answered);
	mock_report(x, e, MVGPU_STOP_EMPTY, 10, 1);
	return m->host_result;
}

/* The code and reason of an answer, for one comparison. */
#define ANSWER(code, op, reason) \
	((u64)(code) << 32 | (op) | (reason) << MVGPU_ERR_REASON_SHIFT)

static u64 answer(struct mvgpu_fault f)
{
	return (u64)f.code << 32 | f.info;
}

/* Context 0 creates, re-prioritises and destroys; bad requests change nothing. */
static void ctx_create_destroy_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	u64 max = v->budget.tables.max, gen;
	struct mvgpu_gpt_xlate xl;

	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_NUM_CONTEXTS),
			(u32)MOCK_CONTEXTS);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_STATUS),
			(u32)MVGPU_CTX_FREE);
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 1,
					 MVGPU_CTX_PRIO_LOW)), 0ULL);
	KUNIT_ASSERT_NOT_NULL(test, v->ctxs[1]);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_STATUS),
			(u32)MVGPU_ENGINE_IDLE);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_PRIORITY),
			(u32)MVGPU_CTX_PRIO_LOW);
	KUNIT_EXPECT_EQ(test, v->budget.tables.max, max + MVGPU_GPT_ROOT_TABLES);
	/* A new context's address space is empty: not even VRAM. */
	KUNIT_EXPECT_EQ(test, mvgpu_aspace_translate(&v->ctxs[1]->as, 0,
						     MVGPU_GPT_READ, &xl, &gen),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, mvgpu_aspace_translate(&v->ctx.as, 0,
						     MVGPU_GPT_READ, &xl, &gen),
			0);

	/* Each bad request: its error, and nothing changes. */
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 1, 0)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_CTX_CREATE,
			       MVGPU_CTX_ERR_EXISTS));
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 0, 0)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_CTX_CREATE,
			       MVGPU_CTX_ERR_ID));
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE,
					 MOCK_CONTEXTS, 0)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_CTX_CREATE,
			       MVGPU_CTX_ERR_ID));
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 2,
					 MVGPU_CTX_PRIO_MAX + 1)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_CTX_CREATE,
			       MVGPU_CTX_ERR_PRIO));
	KUNIT_EXPECT_NULL(test, v->ctxs[2]);
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_DESTROY, 0, 0)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_CTX_DESTROY,
			       MVGPU_CTX_ERR_ID));
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_DESTROY, 5, 0)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_CTX_DESTROY,
			       MVGPU_CTX_ERR_ABSENT));
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_PRIORITY, 5, 1)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_CTX_PRIORITY,
			       MVGPU_CTX_ERR_ABSENT));
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_MAP, 7, 0)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_MAP,
			       MVGPU_CTX_ERR_ABSENT));
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_UNMAP, 99, 0)),
			ANSWER(MVGPU_ERR_BAD_CONTEXT, MVGPU_OP_UNMAP,
			       MVGPU_CTX_ERR_ID));
	KUNIT_EXPECT_EQ(test, v->budget.tables.max, max + MVGPU_GPT_ROOT_TABLES);

	/* Priorities: another context's, and context 0's own. */
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_PRIORITY, 1,
					 MVGPU_CTX_PRIO_MAX)), 0ULL);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_PRIORITY),
			(u32)MVGPU_CTX_PRIO_MAX);
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_PRIORITY, 0,
					 MVGPU_CTX_PRIO_LOW)), 0ULL);
	KUNIT_EXPECT_EQ(test, v->ctx.prio, (u32)MVGPU_CTX_PRIO_LOW);

	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_DESTROY, 1, 0)),
			0ULL);
	KUNIT_EXPECT_NULL(test, v->ctxs[1]);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_STATUS),
			(u32)MVGPU_CTX_FREE);
	KUNIT_EXPECT_EQ(test, v->budget.tables.max, max);
	/* Every context number can be had. */
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE,
					 MOCK_CONTEXTS - 1, 0)), 0ULL);
}

/*
 * Inside a vGPU, a context of a higher priority that becomes runnable
 * preempts the one on the engine; the vGPU keeps the engine, and the
 * preempted context goes on afterwards.
 */
static void ctx_priority_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	struct hrtimer *timer;
	ktime_t end;
	int e;

	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 1,
					 MVGPU_CTX_PRIO_LOW)), 0ULL);
	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 2,
					 MVGPU_CTX_PRIO_HIGH)), 0ULL);
	/* With a preemption timeout (the mock can reset an engine). */
	x->gdev->sched.preempt_timeout_ns = NSEC_PER_SEC;
	ctx_ring(x, 0, 1, 1024);
	e = engine_of(x, 0, 1);
	KUNIT_ASSERT_GE(test, e, 0);
	KUNIT_EXPECT_FALSE(test, x->g->preempt[e]);
	timer = &x->gdev->sched.engines[e].slice_timer;
	end = hrtimer_get_expires(timer);
	ctx_ring(x, 0, 2, 64);
	KUNIT_EXPECT_TRUE(test, x->g->preempt[e]);
	/* A switch inside the vGPU does not move the end of its slice. */
	KUNIT_EXPECT_EQ(test, ktime_to_ns(hrtimer_get_expires(timer)),
			ktime_to_ns(end));
	mock_report(x, e, MVGPU_STOP_PREEMPTED, 100, 3);
	KUNIT_EXPECT_EQ(test, engine_of(x, 0, 2), e);
	KUNIT_EXPECT_EQ(test, v->vs.ctx_switches, 1ULL);
	mock_report(x, e, MVGPU_STOP_EMPTY, 100, 1);
	KUNIT_EXPECT_EQ(test, engine_of(x, 0, 1), e);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_SEQNO_LO), 3U);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 2, MVGPU_CTX_SEQNO_LO), 1U);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 2, MVGPU_CTX_ENGINE_NS_LO), 100U);
	mock_report(x, e, MVGPU_STOP_EMPTY, 100, 13);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_SEQNO_LO), 16U);
	KUNIT_EXPECT_EQ(test, mock_running(x, e), -1);
	/* A lower priority arriving preempts nobody. */
	ctx_ring(x, 0, 2, 128);
	e = engine_of(x, 0, 2);
	KUNIT_ASSERT_GE(test, e, 0);
	ctx_ring(x, 0, 1, 1088);
	KUNIT_EXPECT_FALSE(test, x->g->preempt[e]);
	/* ...until the running one is lowered below it. */
	mvgpu_ctx_set_prio(v->ctxs[2], MVGPU_CTX_PRIO_LOW);
	mock_sync(x);
	KUNIT_EXPECT_FALSE(test, x->g->preempt[e]);
	mvgpu_ctx_set_prio(v->ctxs[1], MVGPU_CTX_PRIO_NORMAL);
	mock_sync(x);
	KUNIT_EXPECT_TRUE(test, x->g->preempt[e]);
	mock_report(x, e, MVGPU_STOP_PREEMPTED, 10, 0);
	KUNIT_EXPECT_EQ(test, engine_of(x, 0, 1), e);
}

/* Contexts of one priority take turns at the ends of the vGPU's slices. */
static void ctx_round_robin_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	unsigned int round, runs[3] = { 0 };
	int e, who;

	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 1,
					 MVGPU_CTX_PRIO_NORMAL)), 0ULL);
	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 2,
					 MVGPU_CTX_PRIO_NORMAL)), 0ULL);
	ctx_ring(x, 0, 1, 1024);
	ctx_ring(x, 0, 2, 1024);
	for (round = 0; round < 10; round++) {
		e = engine_of(x, 0, 1);
		if (e < 0)
			e = engine_of(x, 0, 2);
		KUNIT_ASSERT_GE(test, e, 0);
		who = mock_running_ctx(x, e);
		runs[who]++;
		mock_slice_end(x, e);
		KUNIT_ASSERT_TRUE(test, x->g->preempt[e]);
		mock_report(x, e, MVGPU_STOP_PREEMPTED, 1000, 0);
		/* The other one runs next. */
		KUNIT_ASSERT_GE(test, engine_of(x, 0, 3 - who), 0);
	}
	KUNIT_EXPECT_EQ(test, runs[1], 5U);
	KUNIT_EXPECT_EQ(test, runs[2], 5U);
}

/*
 * Shares between vGPUs do not depend on how many contexts they run: vGPU 0
 * (weight 1) with eight busy contexts against vGPU 2 (weight 1) with one,
 * vGPUs 1 and 3 (weight 3) beside them.
 */
static void ctx_share_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	u64 got[CTXS] = { 0 };
	unsigned int i, e, round;
	u32 id;

	for (id = 1; id <= 8; id++)
		KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE,
						 id, MVGPU_CTX_PRIO_NORMAL)),
				0ULL);
	mvgpu_ctx_set_sched(&x->vgpu[0]->ctx, 1, 0, 100);
	mvgpu_ctx_set_sched(&x->vgpu[1]->ctx, 3, 0, 100);
	mvgpu_ctx_set_sched(&x->vgpu[2]->ctx, 1, 0, 100);
	mvgpu_ctx_set_sched(&x->vgpu[3]->ctx, 3, 0, 100);
	for (id = 1; id <= 8; id++)
		ctx_ring(x, 0, id, 64);
	for (i = 1; i < CTXS; i++)
		mock_ring(x, i, 64);
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
	/* 1:1 between the weight-1 vGPUs, 1:3 against the others, 5 %. */
	KUNIT_EXPECT_GE(test, got[0] * 100, got[2] * 95);
	KUNIT_EXPECT_LE(test, got[0] * 100, got[2] * 105);
	KUNIT_EXPECT_GE(test, got[1] * 100, got[0] * 3 * 95);
	KUNIT_EXPECT_LE(test, got[1] * 100, got[0] * 3 * 105);
	KUNIT_EXPECT_GE(test, got[3] * 100, got[2] * 3 * 95);
	KUNIT_EXPECT_LE(test, got[3] * 100, got[2] * 3 * 105);
}

/*
 * A fault stops only the faulting context, in its own window; the vGPU's
 * other contexts go on.  CTX_PENDING names it and MVGPU_INT_CONTEXT is up
 * until its cause is acknowledged.  Its RESET brings it back with its
 * address space and SEQNO kept.
 */
static void ctx_fault_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	struct mvgpu_stop stop = {
		.reason = MVGPU_STOP_FAULT, .ran_ns = 10, .busy = true,
		.fault = { .code = MVGPU_ERR_PAGE_FAULT, .info = MVGPU_OP_FILL,
			   .addr = 0x1234000 },
	};
	struct mock_ctx *m;
	int e;

	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 3,
					 MVGPU_CTX_PRIO_NORMAL)), 0ULL);
	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 4,
					 MVGPU_CTX_PRIO_NORMAL)), 0ULL);
	ctx_write(x, 0, 3, MVGPU_CTX_INT_MASK, MVGPU_INT_ALL);
	ctx_ring(x, 0, 3, 256);
	ctx_ring(x, 0, 4, 256);
	e = engine_of(x, 0, 3);
	if (e < 0) {		/* 4 went first: let it finish */
		e = engine_of(x, 0, 4);
		KUNIT_ASSERT_GE(test, e, 0);
		mock_report(x, e, MVGPU_STOP_EMPTY, 10, 4);
		e = engine_of(x, 0, 3);
	}
	KUNIT_ASSERT_GE(test, e, 0);
	m = x->g->running[e];
	m->head = 2 * MVGPU_CMD_SIZE;
	stop.head = m->head;
	x->g->running[e] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, e, m->ctx, &stop);

	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_STATUS),
			(u32)MVGPU_ENGINE_STOPPED);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_ERROR_CODE),
			(u32)MVGPU_ERR_PAGE_FAULT);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_FAULT_ADDR_LO),
			0x1234000U);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_INT_STATUS),
			MVGPU_INT_ERROR);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_CTX_PENDING_LO), BIT(3));
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_INT_STATUS),
			MVGPU_INT_CONTEXT);
	/* Context 0 and context 4 know nothing of it. */
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_ERROR_CODE), 0U);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 4, MVGPU_CTX_ERROR_CODE), 0U);
	if (engine_of(x, 0, 4) >= 0)
		mock_report(x, engine_of(x, 0, 4), MVGPU_STOP_EMPTY, 10, 4);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 4, MVGPU_CTX_SEQNO_LO), 4U);
	/* Acknowledged: the summary goes. */
	ctx_write(x, 0, 3, MVGPU_CTX_INT_ACK, MVGPU_INT_ERROR);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_CTX_PENDING_LO), 0U);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 0, MVGPU_REG_INT_STATUS), 0U);
	/* A doorbell does not restart it; its RESET does. */
	ctx_ring(x, 0, 3, 320);
	KUNIT_EXPECT_LT(test, engine_of(x, 0, 3), 0);
	ctx_write(x, 0, 3, MVGPU_CTX_RESET, MVGPU_RESET_ENGINE_MAGIC);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_STATUS),
			(u32)MVGPU_ENGINE_IDLE);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_ERROR_CODE), 0U);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_RING_SIZE), 0U);
	/* INT_MASK stays (a window keeps only FENCE and ERROR). */
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_INT_MASK),
			MVGPU_INT_FENCE | MVGPU_INT_ERROR);
	KUNIT_EXPECT_EQ(test, m->resets, 1U);
	ctx_ring(x, 0, 3, 64);
	e = engine_of(x, 0, 3);
	KUNIT_ASSERT_GE(test, e, 0);
	mock_report(x, e, MVGPU_STOP_EMPTY, 10, 1);
	KUNIT_EXPECT_EQ(test, v->ctxs[3]->faults, 1ULL);
}

/*
 * A vGPU reset (RST!) destroys every context but 0, whose SEQNO, ENGINE_NS
 * and priority start again; the destroyed contexts' counts stay the vGPU's.
 */
static void ctx_vgpu_reset_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	u64 max = v->budget.tables.max;
	int e;

	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 1,
					 MVGPU_CTX_PRIO_NORMAL)), 0ULL);
	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 2,
					 MVGPU_CTX_PRIO_NORMAL)), 0ULL);
	KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_PRIORITY, 0,
					 MVGPU_CTX_PRIO_LOW)), 0ULL);
	ctx_ring(x, 0, 1, 1024);
	e = engine_of(x, 0, 1);
	KUNIT_ASSERT_GE(test, e, 0);
	mock_report(x, e, MVGPU_STOP_PREEMPTED, 10, 5);
	if (engine_of(x, 0, 1) >= 0)
		mock_report(x, engine_of(x, 0, 1), MVGPU_STOP_EMPTY, 10, 0);

	mvgpu_vgpu_reset(v, false);
	KUNIT_EXPECT_NULL(test, v->ctxs[1]);
	KUNIT_EXPECT_NULL(test, v->ctxs[2]);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_STATUS),
			(u32)MVGPU_CTX_FREE);
	KUNIT_EXPECT_EQ(test, v->budget.tables.max, max);
	/* Context 1's 5 commands stay counted. */
	KUNIT_EXPECT_EQ(test, v->vs.gone_cmds, 5ULL);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 0, MVGPU_CTX_SEQNO_LO), 0U);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 0, MVGPU_CTX_ENGINE_NS_LO), 0U);
	KUNIT_EXPECT_EQ(test, v->ctx.prio, (u32)MVGPU_CTX_PRIO_HIGH);
	/* A doorbell of a destroyed context does nothing. */
	ctx_ring(x, 0, 1, 64);
	KUNIT_EXPECT_LT(test, engine_of(x, 0, 1), 0);
	/* Creating it again starts it afresh. */
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE, 1,
					 MVGPU_CTX_PRIO_NORMAL)), 0ULL);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_SEQNO_LO), 0U);
}

/*
 * A migration makes a context again frozen (mvgpu_vgpu_ctx_create_frozen()):
 * bad numbers and priorities and an existing context are refused; its
 * counters go on from the stream's; a doorbell while frozen waits for the
 * thaw; a vGPU reset destroys it and gives its root back to the budget.
 */
static void ctx_create_frozen_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	u64 max = v->budget.tables.max, seqno, ns;
	struct mvgpu_ctx *c;
	int e;

	mutex_lock(&v->lock);
	mvgpu_vgpu_freeze(v);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mvgpu_vgpu_ctx_create_frozen(v, 0, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mvgpu_vgpu_ctx_create_frozen(v, v->num_contexts,
								   0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(mvgpu_vgpu_ctx_create_frozen(v, 1,
								   MVGPU_CTX_PRIO_MAX + 1)),
			-EINVAL);
	c = mvgpu_vgpu_ctx_create_frozen(v, 1, MVGPU_CTX_PRIO_LOW);
	if (IS_ERR(c))
		mutex_unlock(&v->lock);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, PTR_ERR(mvgpu_vgpu_ctx_create_frozen(v, 1, 0)),
			-EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, v->ctxs[1], c);
	KUNIT_EXPECT_TRUE(test, c->frozen);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_counters_set(c, 7, 1234), 0);
	mvgpu_ctx_counters_get(c, &seqno, &ns);
	KUNIT_EXPECT_EQ(test, seqno, 7ULL);
	KUNIT_EXPECT_EQ(test, ns, 1234ULL);
	mutex_unlock(&v->lock);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_PRIORITY),
			(u32)MVGPU_CTX_PRIO_LOW);
	KUNIT_EXPECT_EQ(test, v->budget.tables.max, max + MVGPU_GPT_ROOT_TABLES);

	/* Frozen, a doorbell waits; the thaw runs it. */
	ctx_ring(x, 0, 1, 64);
	KUNIT_EXPECT_LT(test, engine_of(x, 0, 1), 0);
	mutex_lock(&v->lock);
	mvgpu_vgpu_thaw(v);
	mutex_unlock(&v->lock);
	e = engine_of(x, 0, 1);
	KUNIT_EXPECT_GE(test, e, 0);
	if (e >= 0)
		mock_report(x, e, MVGPU_STOP_EMPTY, 10, 1);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_SEQNO_LO), 8U);

	mvgpu_vgpu_reset(v, false);
	KUNIT_EXPECT_NULL(test, v->ctxs[1]);
	KUNIT_EXPECT_EQ(test, v->budget.tables.max, max);
}

/* The mock context of context @id of vGPU @i. */
static struct mock_ctx *mctx(struct mock_fixture *x, unsigned int i, u32 id)
{
	return MCTX(x->vgpu[i]->ctxs[id]->bctx);
}

/*
 * Resident contexts (&mvgpu_backend_ops.nr_resident): the mock keeps 4 per
 * engine and vGPU 0 runs 6 contexts.  Each run is of a context loaded on
 * that engine; the least recently run is evicted to make room; a context
 * that runs on another engine is evicted from the first; a context reset
 * or destroyed is evicted first.  The mock counts every call that breaks
 * that (@bad).
 */
static void ctx_resident_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	struct mvgpu_engine_slot *e0 = &x->gdev->sched.engines[0];
	u64 loads, evictions, hits;
	u32 id;

	for (id = 1; id <= 5; id++)
		KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE,
						 id, MVGPU_CTX_PRIO_NORMAL)),
				0ULL);
	/* Context 0 ran (on engine 0) for each request, loaded once. */
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 0)->resident, 0);
	KUNIT_EXPECT_EQ(test, e0->loads, 1ULL);
	loads = e0->loads;
	evictions = e0->evictions;
	hits = e0->resident_runs;
	/* 1 to 5 run in turn on engine 0: 4 and 5 evict 0 and 1. */
	for (id = 1; id <= 5; id++)
		ctx_ring(x, 0, id, 64);
	for (id = 1; id <= 5; id++) {
		KUNIT_ASSERT_EQ(test, engine_of(x, 0, id), 0);
		mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 1);
	}
	KUNIT_EXPECT_EQ(test, e0->loads - loads, 5ULL);
	KUNIT_EXPECT_EQ(test, e0->evictions - evictions, 2ULL);
	KUNIT_EXPECT_EQ(test, e0->nr_resident, (unsigned int)MOCK_RESIDENT);
	KUNIT_EXPECT_EQ(test, x->g->nr_resident[0], (unsigned int)MOCK_RESIDENT);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 0)->resident, -1);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 1)->resident, -1);
	for (id = 2; id <= 5; id++)
		KUNIT_EXPECT_EQ(test, mctx(x, 0, id)->resident, 0);
	/* 0 comes back and evicts 2; 3 is still there: no load. */
	mock_ring(x, 0, (v->ctx.tail + MVGPU_CMD_SIZE) % 4096);
	KUNIT_ASSERT_EQ(test, engine_of(x, 0, 0), 0);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 1);
	ctx_ring(x, 0, 3, 128);
	KUNIT_ASSERT_EQ(test, engine_of(x, 0, 3), 0);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 1);
	KUNIT_EXPECT_EQ(test, e0->loads - loads, 6ULL);
	KUNIT_EXPECT_EQ(test, e0->resident_runs - hits, 1ULL);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 2)->resident, -1);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 0)->resident, 0);
	/*
	 * vGPU 1 takes engine 0 (evicting 4, the least recently run), so 3
	 * runs on engine 1: it leaves engine 0 first.
	 */
	mock_ring(x, 1, 64);
	KUNIT_ASSERT_EQ(test, mock_running(x, 0), 1);
	ctx_ring(x, 0, 3, 192);
	KUNIT_ASSERT_EQ(test, engine_of(x, 0, 3), 1);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 3)->resident, 1);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 4)->resident, -1);
	KUNIT_EXPECT_EQ(test, e0->nr_resident, 3U);
	mock_report(x, 1, MVGPU_STOP_EMPTY, 10, 1);
	mock_report(x, 0, MVGPU_STOP_EMPTY, 10, 1);
	/* A context's reset evicts it before the backend resets it. */
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 5)->resident, 0);
	ctx_write(x, 0, 5, MVGPU_CTX_RESET, MVGPU_RESET_ENGINE_MAGIC);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 5)->resident, -1);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 5)->resets, 1U);
	KUNIT_EXPECT_EQ(test, e0->nr_resident, 2U);
	/* So does its destruction, and the vGPU's reset. */
	KUNIT_EXPECT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_DESTROY, 3,
					 0)), 0ULL);
	KUNIT_EXPECT_EQ(test, x->gdev->sched.engines[1].nr_resident, 0U);
	mvgpu_vgpu_reset(v, false);
	KUNIT_EXPECT_EQ(test, x->g->bad, 0U);
	KUNIT_EXPECT_EQ(test, x->g->loads, x->g->evictions +
			x->g->nr_resident[0] + x->g->nr_resident[1]);
}

/* Context @id of vGPU 0 stopped as lost, its command at ring offset @head. */
static void expect_lost(struct kunit *test, struct mock_fixture *x, u32 id,
			u32 head)
{
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, id, MVGPU_CTX_STATUS),
			(u32)MVGPU_ENGINE_STOPPED);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, id, MVGPU_CTX_ERROR_CODE),
			(u32)MVGPU_ERR_CONTEXT_LOST);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, id, MVGPU_CTX_ERROR_INFO),
			(u32)MVGPU_OP_KERNEL);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, id, MVGPU_CTX_FAULT_ADDR_LO), head);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, id, MVGPU_CTX_RING_HEAD), head);
	KUNIT_EXPECT_TRUE(test, ctx_read(x, 0, id, MVGPU_CTX_INT_STATUS) &
			  MVGPU_INT_ERROR);
	KUNIT_EXPECT_EQ(test, x->vgpu[0]->ctxs[id]->resident, UINT_MAX);
}

/*
 * An engine reset that loses resident contexts (&mvgpu_core_ops.ctx_lost):
 * contexts 1 and 2 of vGPU 0, preempted in the middle of a command and
 * resident on the engine, stop with CONTEXT_LOST (the command's opcode and
 * ring address); context 3, the one that hung, with TIMEOUT; context 0
 * (resident, nothing in flight), context 4 (not resident) and vGPU 1 on
 * the other engine go on.  A lost context runs again after its reset.
 */
static void ctx_reset_lost_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_engine_slot *slot;
	struct mvgpu_stop stop = {
		.reason = MVGPU_STOP_FAULT, .head = 64, .busy = true,
		.fault = { .code = MVGPU_ERR_TIMEOUT, .info = MVGPU_OP_SPIN,
			   .addr = 64 },
	};
	static const u32 prio[] = { 0, MVGPU_CTX_PRIO_LOW, MVGPU_CTX_PRIO_NORMAL,
				    MVGPU_CTX_PRIO_HIGH, MVGPU_CTX_PRIO_LOW };
	struct mock_ctx *m;
	u32 id;
	int e;

	x->g->lose = true;
	x->gdev->sched.preempt_timeout_ns = SLICE_NS;
	for (id = 1; id <= 4; id++)
		KUNIT_ASSERT_EQ(test, answer(ask(test, x, 0, MVGPU_OP_CTX_CREATE,
						 id, prio[id])), 0ULL);
	/* 1 runs, 2 preempts it mid-command, 3 preempts 2; 4 waits. */
	ctx_ring(x, 0, 1, 1024);
	e = engine_of(x, 0, 1);
	KUNIT_ASSERT_GE(test, e, 0);
	slot = &x->gdev->sched.engines[e];
	ctx_ring(x, 0, 2, 1024);
	KUNIT_ASSERT_TRUE(test, x->g->preempt[e]);
	mock_report(x, e, MVGPU_STOP_PREEMPTED, 100, 3);
	KUNIT_ASSERT_EQ(test, engine_of(x, 0, 2), e);
	ctx_ring(x, 0, 3, 1024);
	KUNIT_ASSERT_TRUE(test, x->g->preempt[e]);
	mock_report(x, e, MVGPU_STOP_PREEMPTED, 100, 2);
	KUNIT_ASSERT_EQ(test, engine_of(x, 0, 3), e);
	ctx_ring(x, 0, 4, 1024);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 4)->resident, -1);
	mock_ring(x, 1, 256);
	KUNIT_ASSERT_EQ(test, mock_running(x, 1 - e), 1);
	/* 3 hangs: asked to stop, it does not, and the engine is reset. */
	mock_slice_end(x, e);
	slot->preempt_at -= SLICE_NS;
	mock_slice_end(x, e);
	KUNIT_EXPECT_EQ(test, x->g->engine_resets[e], 1U);
	KUNIT_EXPECT_EQ(test, slot->lost, 2ULL);
	m = x->g->running[e];
	x->g->running[e] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, e, m->ctx, &stop);

	expect_lost(test, x, 1, 3 * MVGPU_CMD_SIZE);
	expect_lost(test, x, 2, 2 * MVGPU_CMD_SIZE);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 3, MVGPU_CTX_ERROR_CODE),
			(u32)MVGPU_ERR_TIMEOUT);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 0, MVGPU_CTX_ERROR_CODE), 0U);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 4, MVGPU_CTX_ERROR_CODE), 0U);
	KUNIT_EXPECT_EQ(test, mock_reg(x, 1, MVGPU_REG_ERROR_CODE), 0U);
	/* 4 takes the engine, vGPU 1 still runs. */
	KUNIT_ASSERT_EQ(test, engine_of(x, 0, 4), e);
	KUNIT_EXPECT_EQ(test, mock_running(x, 1 - e), 1);
	mock_report(x, e, MVGPU_STOP_EMPTY, 10, 16);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 4, MVGPU_CTX_SEQNO_LO), 16U);
	/* A doorbell does not restart a lost context; its reset does. */
	ctx_ring(x, 0, 1, 1088);
	KUNIT_EXPECT_LT(test, engine_of(x, 0, 1), 0);
	ctx_write(x, 0, 1, MVGPU_CTX_RESET, MVGPU_RESET_ENGINE_MAGIC);
	KUNIT_EXPECT_EQ(test, ctx_read(x, 0, 1, MVGPU_CTX_ERROR_CODE), 0U);
	ctx_ring(x, 0, 1, 64);
	e = engine_of(x, 0, 1);
	KUNIT_ASSERT_GE(test, e, 0);
	KUNIT_EXPECT_EQ(test, mctx(x, 0, 1)->resident, e);
	mock_report(x, e, MVGPU_STOP_EMPTY, 10, 1);
	KUNIT_EXPECT_EQ(test, x->g->bad, 0U);
}

/*
 * The direct path is optional: on a backend without ctx_run_direct (the
 * mock) it is refused, not called, and the context still runs its ring.
 */
static void ctx_direct_optional_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_cmd nop = { .opcode = MVGPU_OP_NOP };

	KUNIT_ASSERT_TRUE(test, x->vgpu[0]->open);
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_direct(&x->vgpu[0]->ctx, &nop, 1),
			-EOPNOTSUPP);
	mock_ring(x, 0, MVGPU_CMD_SIZE);
	KUNIT_EXPECT_GE(test, engine_of(x, 0, 0), 0);
}

static struct kunit_case ctx_test_cases[] = {
	KUNIT_CASE(ctx_create_destroy_test),
	KUNIT_CASE(ctx_priority_test),
	KUNIT_CASE(ctx_round_robin_test),
	KUNIT_CASE(ctx_share_test),
	KUNIT_CASE(ctx_fault_test),
	KUNIT_CASE(ctx_vgpu_reset_test),
	KUNIT_CASE(ctx_create_frozen_test),
	KUNIT_CASE(ctx_resident_test),
	KUNIT_CASE(ctx_reset_lost_test),
	KUNIT_CASE(ctx_direct_optional_test),
	{}
};

static struct kunit_suite ctx_test_suite = {
	.name = "mvgpu_contexts",
	.init = mock_test_init,
	.exit = mock_test_exit,
	.test_cases = ctx_test_cases,
};

kunit_test_suite(ctx_test_suite);
