// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the mock backend and mock GPU (mock_gpu.h).
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

#include "core/mock_gpu.h"

static struct mvgpu_backend *mock_gpu_create(const struct mvgpu_gpu_config *cfg,
					     const struct mvgpu_core_ops *core,
					     void *gpu)
{
	struct mock_gpu *g = kzalloc(sizeof(*g), GFP_KERNEL);

	if (!g)
		return ERR_PTR(-ENOMEM);
	g->core = core;
	g->gpu = gpu;
	spin_lock_init(&g->lock);
	return (struct mvgpu_backend *)g;
}

static void mock_gpu_destroy(struct mvgpu_backend *be)
{
	kfree(be);
}

static struct mvgpu_bctx *mock_ctx_create(struct mvgpu_backend *be,
					  struct mvgpu_ctx *ctx,
					  struct mvgpu_bvram *vram,
					  struct mvgpu_aspace *as, u32 flags)
{
	struct mock_ctx *m;

	if (MOCK(be)->nr_ctxs >= MOCK_MAX_CTXS)
		return ERR_PTR(-ENOSPC);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->privileged = flags & MVGPU_BCTX_PRIVILEGED;
	m->resident = -1;
	m->gpu = MOCK(be);
	m->ctx = ctx;
	xa_init(&m->pinned);
	MOCK(be)->ctxs[MOCK(be)->nr_ctxs++] = m;
	return (struct mvgpu_bctx *)m;
}

/* An op the core makes only on a context no engine keeps resident. */
static void mock_not_resident(struct mock_ctx *m)
{
	if (m->resident >= 0)
		m->gpu->bad++;
}

/*
 * A memory hook (ctx_flush, ctx_pin, ctx_unpin): from the core's threads
 * other than the submit worker, on a context that may be resident or
 * running - and never where it could not sleep (a debug kernel's
 * might_sleep() says so) nor under the scheduler's lock.
 */
static void mock_mem_call(struct mock_ctx *m)
{
	struct mvgpu_dev *gdev = m->gpu->gpu;

	might_sleep();
	lockdep_assert_not_held(&gdev->sched.lock);
}

static void mock_ctx_destroy(struct mvgpu_bctx *b)
{
	struct mock_ctx *m = MCTX(b);
	struct mock_gpu *g = m->gpu;
	unsigned int i;

	mock_not_resident(m);
	for (i = 0; i < g->nr_ctxs; i++)
		if (g->ctxs[i] == m)
			g->ctxs[i] = NULL;
	/* Every page ctx_pin took came back before the context went. */
	if (!xa_empty(&m->pinned))
		atomic_inc(&g->pin_errors);
	xa_destroy(&m->pinned);
	kvfree(m->blob);
	kvfree(m->staging);
	kfree(b);
}

static void mock_ctx_reset(struct mvgpu_bctx *b)
{
	struct mock_ctx *m = MCTX(b);

	mock_not_resident(m);
	m->busy = false;
	m->ring_size = 0;
	m->tail = 0;
	m->head = 0;
	m->cmds = 0;
	m->resets++;
	m->staged = 0;
	if (m->blob)
		memset(m->blob, 0, m->gpu->image_size - MOCK_IMAGE_MIN);
	/* As the software GPU's: waits for memory got off the engine. */
	if (m->gpu->mem_pending)
		m->gpu->vram_pages++;
	m->gpu->mem_pending = false;
}

/* The mock's VRAM is a count of backed pages; the bvram is its GPU. */
static void mock_vram_scrub(struct mvgpu_bvram *vram)
{
	if (MOCK(vram)->on_scrub)
		MOCK(vram)->on_scrub(MOCK(vram)->on_scrub_arg);
	MOCK(vram)->vram_pages = 0;
}

static void mock_ctx_set_ring(struct mvgpu_bctx *b, u64 base, u32 size,
			      u32 tail)
{
	MCTX(b)->ring_size = size;
	MCTX(b)->tail = tail;
}

static void mock_ctx_host_done(struct mvgpu_bctx *b,
			       const struct mvgpu_fault *result)
{
	MCTX(b)->host_answered = true;
	MCTX(b)->host_result = *result;
}

/* Recorded, to be compared with the changes the test made. */
static void mock_ctx_flush(struct mvgpu_bctx *b, u64 va, u64 size)
{
	struct mock_gpu *g = MCTX(b)->gpu;
	unsigned long flags;

	mock_mem_call(MCTX(b));
	spin_lock_irqsave(&g->lock, flags);
	if (g->nr_flushes < MOCK_FLUSHES)
		g->flushes[g->nr_flushes] = (struct mock_flush) {
			.m = MCTX(b), .va = va, .size = size,
		};
	g->nr_flushes++;
	spin_unlock_irqrestore(&g->lock, flags);
}

static u64 mock_image_size(struct mock_gpu *g)
{
	return max_t(u64, g->image_size, MOCK_IMAGE_MIN);
}

static u64 mock_ctx_image_size(struct mvgpu_bctx *b)
{
	mock_not_resident(MCTX(b));
	return mock_image_size(MCTX(b)->gpu);
}

/**
 * mock_blob() - the bytes of a mock context's image after head and
 *	commands done (its "context save area"), made when first asked for
 * @m: the context; its GPU's @image_size is over MOCK_IMAGE_MIN
 *
 * Return: the bytes, or NULL without memory.
 */
u8 *mock_blob(struct mock_ctx *m)
{
	if (!m->blob)
		m->blob = kvzalloc(mock_image_size(m->gpu) - MOCK_IMAGE_MIN,
				   GFP_KERNEL);
	return m->blob;
}

/* The image: head and commands done, then the blob (zeros if none). */
static int mock_ctx_save(struct mvgpu_bctx *b, u64 off, void *buf, size_t len)
{
	struct mock_ctx *m = MCTX(b);
	u64 st[2] = { m->head, m->cmds }, size = mock_image_size(m->gpu);
	u8 *p = buf;
	size_t n;

	mock_not_resident(m);
	if (off > size || len > size - off)
		return -EINVAL;
	m->gpu->saves++;
	m->gpu->piece_max = max(m->gpu->piece_max, len);
	if (off < sizeof(st)) {
		n = min_t(size_t, len, sizeof(st) - off);
		memcpy(p, (u8 *)st + off, n);
		p += n;
		len -= n;
		off += n;
	}
	if (len && m->blob)
		memcpy(p, m->blob + off - sizeof(st), len);
	else if (len)
		memset(p, 0, len);
	return 0;
}

static int mock_ctx_restore(struct mvgpu_bctx *b, u64 off, const void *buf,
			    size_t len, const char **why)
{
	struct mock_ctx *m = MCTX(b);
	u64 size = mock_image_size(m->gpu);

	mock_not_resident(m);
	if (!off)
		m->staged = 0;
	m->gpu->restores++;
	m->gpu->piece_max = max(m->gpu->piece_max, len);
	if (!m->staging)
		m->staging = kvzalloc(size, GFP_KERNEL_ACCOUNT); /* the tenant's */
	if (!m->staging)
		return -ENOMEM;
	if (off != m->staged || off > size || len > size - off) {
		m->staged = 0;
		*why = "not a mock state";
		return -EINVAL;
	}
	memcpy(m->staging + off, buf, len);
	m->staged += len;
	return 0;
}

/*
 * Every call that starts or stops a run or moves a context in or out of
 * residency: may it sleep (as a firmware RPC does)?  Counted if not - the
 * core held a spinlock or had irqs off - else it sleeps if asked to.
 * Returns whether it may.
 */
static bool mock_call(struct mock_gpu *g)
{
	struct mvgpu_dev *gdev = g->gpu;

	g->calls++;
	if (!preemptible() || in_interrupt()) {
		g->atomic_calls++;
		return false;
	}
	lockdep_assert_not_held(&gdev->sched.lock);
	might_sleep();
	if (g->sleep)
		usleep_range(1000, 1100);
	return true;
}

/* The run on @engine ends: @reason, @ran_ns, commands done. */
static void mock_end(struct mock_gpu *g, unsigned int engine,
		     enum mvgpu_stop_reason reason, u64 ran_ns, u32 cmds_done)
{
	struct mock_ctx *m = g->running[engine];
	struct mvgpu_stop stop = { .reason = reason, .ran_ns = ran_ns };

	if (WARN_ON(!m))
		return;
	m->head = (m->head + cmds_done * MVGPU_CMD_SIZE) % 4096;
	m->cmds += cmds_done;
	if (reason == MVGPU_STOP_EMPTY)
		m->head = m->tail;
	stop.head = m->head;
	stop.busy = reason != MVGPU_STOP_EMPTY;
	m->busy = stop.busy;
	g->running[engine] = NULL;
	if (cmds_done)
		g->core->ctx_progress(m->ctx, m->head, m->cmds);
	g->core->ctx_stopped(g->gpu, engine, m->ctx, &stop);
}

static void mock_ctx_load(struct mvgpu_backend *be, unsigned int engine,
			  struct mvgpu_bctx *b)
{
	struct mock_gpu *g = MOCK(be);
	struct mock_ctx *m = MCTX(b);

	mock_call(g);
	g->loads++;
	if (m->resident >= 0 || g->nr_resident[engine] >= MOCK_RESIDENT) {
		g->bad++;
		return;
	}
	m->resident = engine;
	g->nr_resident[engine]++;
}

static void mock_ctx_evict(struct mvgpu_backend *be, unsigned int engine,
			   struct mvgpu_bctx *b)
{
	struct mock_gpu *g = MOCK(be);
	struct mock_ctx *m = MCTX(b);

	mock_call(g);
	g->evictions++;
	if (m->resident != (int)engine || g->running[engine] == m) {
		g->bad++;
		return;
	}
	m->resident = -1;
	g->nr_resident[engine]--;
}

static int mock_ctx_restore_end(struct mvgpu_bctx *b, u64 size,
				const char **why)
{
	struct mock_ctx *m = MCTX(b);
	u64 st[2] = { 1, 0 };

	mock_not_resident(m);
	m->gpu->restore_ends++;
	if (size == mock_image_size(m->gpu) && m->staged == size)
		memcpy(st, m->staging, sizeof(st));
	if (st[0] % MVGPU_CMD_SIZE) {
		m->staged = 0;
		*why = "not a mock state";
		return -EINVAL;
	}
	m->head = st[0];
	m->cmds = st[1];
	m->staged = 0;
	if (size > MOCK_IMAGE_MIN) {
		if (!mock_blob(m))
			return -ENOMEM;
		memcpy(m->blob, m->staging + sizeof(st), size - sizeof(st));
	}
	return 0;
}

/* Each page once in, once out; @pin_fail refuses them. */
static int mock_ctx_pin(struct mvgpu_bctx *b, u64 iova, struct page **pages,
			unsigned int n)
{
	struct mock_ctx *m = MCTX(b);
	unsigned int i;

	mock_mem_call(m);
	if (m->gpu->pin_fail)
		return m->gpu->pin_fail;
	for (i = 0; i < n; i++)
		if (xa_insert(&m->pinned, (iova >> PAGE_SHIFT) + i, pages[i],
			      GFP_KERNEL))
			atomic_inc(&m->gpu->pin_errors);
	atomic_long_add(n, &m->gpu->pinned);
	return 0;
}

static void mock_ctx_unpin(struct mvgpu_bctx *b, u64 iova, struct page **pages,
			   unsigned int n)
{
	struct mock_ctx *m = MCTX(b);
	unsigned int i;

	mock_mem_call(m);
	for (i = 0; i < n; i++)
		if (xa_erase(&m->pinned, (iova >> PAGE_SHIFT) + i) != pages[i])
			atomic_inc(&m->gpu->pin_errors);
	atomic_long_add(n, &m->gpu->unpinned);
}

/*
 * The run of @m on @engine, just started, churns (mock_gpu @churner): the
 * tenant rings one more command, as its vCPU may while the engine runs,
 * and the engine, which read the tail before, finds the ring empty at the
 * old one.  The report decides the context's next run, on the same engine
 * (its vGPU's slice goes on): a backend whose runs end at once, with a
 * vGPU that always has a next run.  A short sleep, as a firmware RPC
 * would, leaves a CPU to the test.
 */
static void mock_churn(struct mock_gpu *g, unsigned int engine,
		       struct mock_ctx *m)
{
	struct mvgpu_vgpu *v = m->ctx->vgpu;
	struct mvgpu_stop stop = { .reason = MVGPU_STOP_EMPTY, .ran_ns = 10 };
	unsigned int actions = 0;
	u32 tail;

	if (WARN_ON(m->ctx->id || !m->ring_size))
		return;
	usleep_range(10, 20);
	WRITE_ONCE(g->churned, g->churned + 1);
	stop.head = m->tail;
	tail = (m->tail + MVGPU_CMD_SIZE) % m->ring_size;
	spin_lock_irq(&v->irq_lock);
	mvgpu_mmio_access(&v->mmio, MVGPU_REG_DOORBELL, &tail, 4, true, &actions);
	spin_unlock_irq(&v->irq_lock);
	mvgpu_ctx_doorbell(m->ctx);
	m->head = stop.head;
	m->busy = false;
	g->running[engine] = NULL;
	g->core->ctx_stopped(g->gpu, engine, m->ctx, &stop);
}

static void mock_run(struct mvgpu_backend *be, unsigned int engine,
		     struct mvgpu_bctx *b)
{
	struct mock_gpu *g = MOCK(be);
	bool may_sleep = mock_call(g);
	unsigned int i;

	if (MCTX(b)->resident != (int)engine)
		g->bad++;
	WARN_ON(g->running[engine]);
	g->running[engine] = MCTX(b);
	g->preempt[engine] = false;
	WRITE_ONCE(g->nr_runs, g->nr_runs + 1);
	for (i = 0; i < g->nr_ctxs; i++) {
		if (g->ctxs[i] != MCTX(b))
			continue;
		WRITE_ONCE(g->run_seq[i], g->nr_runs);
		WRITE_ONCE(g->runs[i], g->runs[i] + 1);
	}
	/* An engine that finds the ring empty at once, before run() returns. */
	if (g->empty_in_run && may_sleep) {
		g->empty_in_run--;
		mock_end(g, engine, MVGPU_STOP_EMPTY, 10, 0);
	} else if (MCTX(b) == READ_ONCE(g->churner) && may_sleep &&
		   g->churned < READ_ONCE(g->churn)) {
		mock_churn(g, engine, MCTX(b));
	}
}

static void mock_preempt(struct mvgpu_backend *be, unsigned int engine)
{
	mock_call(MOCK(be));
	MOCK(be)->preempt[engine] = true;
}

/*
 * With @lose, the reset loses every context resident on @engine, other
 * than the one it runs, that has a command in flight; the one it runs the
 * test reports, as the engine's interrupt would.
 */
static void mock_engine_reset(struct mvgpu_backend *be, unsigned int engine)
{
	struct mock_gpu *g = MOCK(be);
	bool may_sleep = mock_call(g);
	unsigned int i;

	g->engine_resets[engine]++;
	/* Where it may not sleep it cannot wait for the reset: it loses none. */
	if (!g->lose || !g->running[engine] || !may_sleep)
		return;
	for (i = 0; i < g->nr_ctxs; i++) {
		struct mock_ctx *m = g->ctxs[i];

		if (!m || m->resident != (int)engine ||
		    m == g->running[engine] || !m->busy)
			continue;
		m->resident = -1;
		g->nr_resident[engine]--;
		m->busy = false;
		g->core->ctx_lost(g->gpu, engine, m->ctx, m->head,
				  MVGPU_OP_KERNEL);
	}
}

static void mock_engine_stats(struct mvgpu_backend *be, unsigned int engine,
			      struct mvgpu_engine_stats *st)
{
	memset(st, 0, sizeof(*st));
}

static void mock_engine_stats_clear(struct mvgpu_backend *be)
{
}

static u64 mock_timestamp(struct mvgpu_backend *be)
{
	return 0;
}

const struct mvgpu_backend_ops mock_ops = {
	.name = "mock GPU",
	.ctx_image_max = MOCK_IMAGE_MAX,
	.gpu_create = mock_gpu_create,
	.gpu_destroy = mock_gpu_destroy,
	.vram_scrub = mock_vram_scrub,
	.ctx_create = mock_ctx_create,
	.ctx_destroy = mock_ctx_destroy,
	.ctx_reset = mock_ctx_reset,
	.ctx_set_ring = mock_ctx_set_ring,
	.ctx_host_done = mock_ctx_host_done,
	.ctx_flush = mock_ctx_flush,
	.ctx_save = mock_ctx_save,
	.ctx_restore = mock_ctx_restore,
	.ctx_image_size = mock_ctx_image_size,
	.ctx_restore_end = mock_ctx_restore_end,
	.ctx_pin = mock_ctx_pin,
	.ctx_unpin = mock_ctx_unpin,
	.run = mock_run,
	.preempt = mock_preempt,
	.engine_reset = mock_engine_reset,
	.nr_resident = MOCK_RESIDENT,
	.ctx_load = mock_ctx_load,
	.ctx_evict = mock_ctx_evict,
	.engine_stats = mock_engine_stats,
	.engine_stats_clear = mock_engine_stats_clear,
	.timestamp = mock_timestamp,
};

int mock_test_init(struct kunit *test)
{
	struct mock_fixture *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct mvgpu_gpu_config cfg = { .nr_engines = ENGINES };
	unsigned int i;
	int ret;

	if (!x)
		return -ENOMEM;
	x->gdev = kunit_kzalloc(test, sizeof(*x->gdev), GFP_KERNEL);
	if (!x->gdev)
		return -ENOMEM;
	x->gdev->be_ops = &mock_ops;
	x->gdev->be = mock_ops.gpu_create(&cfg, &mvgpu_core_ops, x->gdev);
	if (IS_ERR(x->gdev->be))
		return PTR_ERR(x->gdev->be);
	x->g = MOCK(x->gdev->be);
	xa_init_flags(&x->gdev->vgpus, XA_FLAGS_ALLOC1);
	ret = mvgpu_sched_init(x->gdev, ENGINES, MVGPU_SCHED_MLFQ, SLICE_NS,
			       100 * SLICE_NS);
	if (ret)
		return ret;
	for (i = 0; i < CTXS; i++) {
		struct mvgpu_vgpu *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);

		if (!v)
			return -ENOMEM;
		v->gdev = x->gdev;
		v->id = i + 1;
		v->vram_size = SZ_2M;
		v->open = true;
		v->worker = kthread_create_worker(0, "mock-host/%u", i);
		if (IS_ERR(v->worker))
			return PTR_ERR(v->worker);
		mutex_init(&v->lock);
		mutex_init(&v->ctxs_lock);
		spin_lock_init(&v->irq_lock);
		v->num_contexts = MOCK_CONTEXTS;
		/* The mock's VRAM is its GPU's count of backed pages. */
		v->bvram = (struct mvgpu_bvram *)x->g;
		mvgpu_mmio_init(&v->mmio, v->id, v->vram_size, ENGINES, 5000,
				v->num_contexts);
		mvgpu_irq_init(&v->irq);
		mvgpu_vsched_init(&v->vs, v, 1);
		mvgpu_aspace_budget_init(&v->budget, v->vram_size);
		ret = mvgpu_ctx_init(&v->ctx, v, NULL, 0, MVGPU_CTX_PRIO_HIGH);
		if (ret)
			return ret;
		v->ctxs[0] = &v->ctx;
		x->vgpu[i] = v;
	}
	test->priv = x;
	return 0;
}

void mock_test_exit(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	unsigned int i, e;

	/*
	 * The GPU finishes whatever it still runs (a context whose run never
	 * ends would hold its teardown forever): each report may start the
	 * next context with work, at most all of them per engine.  A test
	 * that failed with its context churning leaves it to end here.
	 */
	WRITE_ONCE(x->g->churn, 0);
	mock_sync(x);
	for (i = 0; i <= CTXS * MOCK_CONTEXTS; i++)
		for (e = 0; e < ENGINES; e++)
			if (x->g->running[e])
				mock_report(x, e, MVGPU_STOP_EMPTY, 0, 0);
	for (i = 0; i < CTXS; i++) {
		if (!x->vgpu[i])
			continue;
		mvgpu_ctx_stop(&x->vgpu[i]->ctx);
		mvgpu_vgpu_ctxs_destroy(x->vgpu[i]);
		mvgpu_ctx_fini(&x->vgpu[i]->ctx);
		kthread_destroy_worker(x->vgpu[i]->worker);
	}
	mvgpu_sched_fini(x->gdev);
	mock_ops.gpu_destroy(x->gdev->be);
}

/*
 * The tenant of vGPU @i writes a ring of commands up to @tail and rings,
 * without waiting for the submit worker.
 */
void mock_doorbell(struct mock_fixture *x, unsigned int i, u32 tail)
{
	struct mvgpu_vgpu *v = x->vgpu[i];
	unsigned int actions = 0;
	u32 size = 4096;

	spin_lock_irq(&v->irq_lock);
	mvgpu_mmio_access(&v->mmio, MVGPU_REG_RING_SIZE, &size, 4, true, &actions);
	mvgpu_mmio_access(&v->mmio, MVGPU_REG_DOORBELL, &tail, 4, true, &actions);
	spin_unlock_irq(&v->irq_lock);
	mvgpu_ctx_doorbell(&v->ctx);
}

/* The tenant of vGPU @i writes a ring of commands up to @tail. */
void mock_ring(struct mock_fixture *x, unsigned int i, u32 tail)
{
	mock_doorbell(x, i, tail);
	mock_sync(x);
}

u32 mock_reg(struct mock_fixture *x, unsigned int i, u32 off)
{
	struct mvgpu_vgpu *v = x->vgpu[i];
	unsigned int actions = 0;
	u32 val = 0;

	mock_sync(x);
	spin_lock_irq(&v->irq_lock);
	mvgpu_mmio_access(&v->mmio, off, &val, 4, false, &actions);
	spin_unlock_irq(&v->irq_lock);
	return val;
}

/* Which vGPU (index) the mock runs on @engine, or -1. */
int mock_running(struct mock_fixture *x, unsigned int engine)
{
	unsigned int i;

	mock_sync(x);
	for (i = 0; i < CTXS; i++)
		if (x->g->running[engine] &&
		    x->g->running[engine]->ctx->vgpu == x->vgpu[i])
			return i;
	return -1;
}

/* Which context (its number in its vGPU) the mock runs on @engine, or -1. */
int mock_running_ctx(struct mock_fixture *x, unsigned int engine)
{
	mock_sync(x);
	return x->g->running[engine] ? x->g->running[engine]->ctx->id : -1;
}

/* The GPU ends the run on @engine: @reason, @ran_ns, commands done. */
void mock_report(struct mock_fixture *x, unsigned int engine,
		 enum mvgpu_stop_reason reason, u64 ran_ns, u32 cmds_done)
{
	mock_sync(x);
	mock_end(x->g, engine, reason, ran_ns, cmds_done);
	mock_sync(x);
}

/* Fire @engine's slice timer by hand, as if the slice had ended. */
void mock_slice_end(struct mock_fixture *x, unsigned int engine)
{
	struct hrtimer *t = &x->gdev->sched.engines[engine].slice_timer;

	hrtimer_cancel(t);
	t->function(t);
	mock_sync(x);
}

/*
 * Wait until the core's submit worker has made every call it was asked:
 * a flush may come in while requests still wait (DOC: Submission), so
 * flush again until none does.  Not while a context churns.
 */
void mock_sync(struct mock_fixture *x)
{
	struct mvgpu_sched *sched = &x->gdev->sched;
	unsigned int e;
	bool pending;

	do {
		mvgpu_submit_flush(x->gdev);
		spin_lock_irq(&sched->lock);
		pending = !list_empty(&sched->evict_list);
		for (e = 0; e < sched->nr_engines; e++)
			pending |= sched->engines[e].submit != 0;
		spin_unlock_irq(&sched->lock);
	} while (pending);
}
