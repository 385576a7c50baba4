// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what a hardware backend is told of memory, on the mock backend
 * (mock_gpu.h) - every page-table change the core makes reaches it with
 * its context and range (&mvgpu_backend_ops.ctx_flush), and every guest
 * page pinned for a context reaches it before anything maps it and comes
 * back before it is unpinned (@ctx_pin, @ctx_unpin), a refused pin undone
 * whole.  VFIO's pinning is played by a fake (struct mvgpu_pin_vfio_ops),
 * which counts what is pinned.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

#include "core/mock_gpu.h"
#include "core/pin.h"

/**
 * struct fake_vfio - VFIO's pinning, for a fake device
 * @ops: what the core calls (its @vdev: the fake device)
 * @pins: IOVA page number -> struct fake_pin, what is pinned now
 * @calls: pages pinned, counting each pin of a page
 */
struct fake_vfio {
	struct mvgpu_pin_vfio_ops ops;
	struct xarray pins;
	atomic_long_t calls;
};

/* A page the fake pinned: as type1's struct vfio_pfn, counted. */
struct fake_pin {
	struct page *page;
	int refs;
};

static struct fake_vfio fake;

static int fake_pin(const struct mvgpu_pin_vfio_ops *ops, u64 iova, int n,
		    int prot, struct page **pages)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned long idx = (iova >> PAGE_SHIFT) + i;
		struct fake_pin *p = xa_load(&fake.pins, idx);

		if (!p) {
			p = kzalloc(sizeof(*p), GFP_KERNEL);
			if (p)
				p->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!p || !p->page || xa_insert(&fake.pins, idx, p,
							GFP_KERNEL)) {
				if (p && p->page)
					__free_page(p->page);
				kfree(p);
				ops->unpin(ops, iova, i);
				return -ENOMEM;
			}
		}
		p->refs++;
		pages[i] = p->page;
		atomic_long_inc(&fake.calls);
	}
	return n;
}

static void fake_unpin(const struct mvgpu_pin_vfio_ops *ops, u64 iova, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned long idx = (iova >> PAGE_SHIFT) + i;
		struct fake_pin *p = xa_load(&fake.pins, idx);

		if (WARN_ON(!p))
			continue;
		if (--p->refs)
			continue;
		xa_erase(&fake.pins, idx);
		__free_page(p->page);
		kfree(p);
	}
}

/* Pages the fake holds pinned now. */
static unsigned long fake_pinned(void)
{
	struct fake_pin *p;
	unsigned long idx, n = 0;

	xa_for_each(&fake.pins, idx, p)
		n++;
	return n;
}

static int backend_test_init(struct kunit *test)
{
	struct mock_fixture *x;
	int ret = mock_test_init(test);

	if (ret)
		return ret;
	x = test->priv;
	fake = (struct fake_vfio) {
		.ops = { .vdev = (struct vfio_device *)&fake, .pin = fake_pin,
			 .unpin = fake_unpin },
	};
	xa_init(&fake.pins);
	/* vGPU 0's contexts pin through the fake, as a VFIO device's do. */
	x->vgpu[0]->ctx.vdev = fake.ops.vdev;
	WRITE_ONCE(mvgpu_pin_test_vfio, &fake.ops);
	return 0;
}

static void backend_test_exit(struct kunit *test)
{
	struct fake_pin *p;
	unsigned long idx;

	/* The teardown unpins what a failed test left, through the fake. */
	mock_test_exit(test);
	WRITE_ONCE(mvgpu_pin_test_vfio, NULL);
	xa_for_each(&fake.pins, idx, p) {
		__free_page(p->page);
		kfree(p);
	}
	xa_destroy(&fake.pins);
}

/* The engine running context 0 of vGPU @i, or -1. */
static int ctx0_engine(struct mock_fixture *x, unsigned int i)
{
	unsigned int e;

	for (e = 0; e < ENGINES; e++)
		if (mock_running(x, e) == (int)i && !mock_running_ctx(x, e))
			return e;
	return -1;
}

/*
 * Context 0 of vGPU @i runs a command that needs the core (@host); the
 * core's answer is returned.  Context 0 ends the run with its ring empty.
 */
static struct mvgpu_fault request(struct kunit *test, struct mock_fixture *x,
				  unsigned int i, struct mvgpu_host_request host)
{
	struct mvgpu_ctx *c0 = &x->vgpu[i]->ctx;
	struct mvgpu_stop stop = {
		.reason = MVGPU_STOP_HOST, .ran_ns = 10, .busy = true,
		.host = host,
	};
	struct mvgpu_fault none = { .code = U32_MAX };
	struct mock_ctx *m;
	unsigned int n;
	int e;

	mock_ring(x, i, (c0->tail + MVGPU_CMD_SIZE) % 4096);
	e = ctx0_engine(x, i);
	KUNIT_ASSERT_GE_MSG(test, e, 0, "context 0 does not run");
	if (e < 0)
		return none;
	m = x->g->running[e];
	m->host_answered = false;
	x->g->running[e] = NULL;
	x->g->core->ctx_stopped(x->g->gpu, e, c0, &stop);
	for (n = 0; n < 500 && ctx0_engine(x, i) < 0; n++)
		msleep(20);
	e = ctx0_engine(x, i);
	KUNIT_ASSERT_GE_MSG(test, e, 0, "context 0 did not run again");
	KUNIT_ASSERT_TRUE(test, m->host_answered);
	mock_report(x, e, MVGPU_STOP_EMPTY, 10, 1);
	return m->host_result;
}

/* The flushes the mock recorded since the last call; their number. */
static unsigned int flushes(struct mock_fixture *x, struct mock_flush *f,
			    unsigned int max)
{
	unsigned int n;

	/* The host worker's release of what nothing maps is over too. */
	kthread_flush_worker(x->vgpu[0]->worker);
	spin_lock_irq(&x->g->lock);
	n = x->g->nr_flushes;
	memcpy(f, x->g->flushes, min(n, max) * sizeof(*f));
	x->g->nr_flushes = 0;
	spin_unlock_irq(&x->g->lock);
	return n;
}

/* Flush @f was of @ctx's table, [@va, @va + @size). */
static void expect_flush(struct kunit *test, const struct mock_flush *f,
			 struct mvgpu_ctx *ctx, u64 va, u64 size)
{
	KUNIT_EXPECT_PTR_EQ(test, f->m, MCTX(ctx->bctx));
	KUNIT_EXPECT_EQ(test, f->va, va);
	KUNIT_EXPECT_EQ(test, f->size, size);
}

#define RW	(MVGPU_GPT_READ | MVGPU_GPT_WRITE)

/*
 * A MAP and an UNMAP context 0 makes of context 1's table, a context's
 * reset: each reaches the backend once, with its context and exactly its
 * range (the whole VA space for a reset); a MAP that changes nothing
 * flushes nothing.
 */
static void backend_flush_range_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	struct mvgpu_host_request map = {
		.op = MVGPU_OP_MAP, .ctx = 1, .va = SZ_1G + SZ_64K,
		.iova = SZ_256K, .size = SZ_128K, .flags = RW,
	};
	struct mock_flush f[4];
	struct mvgpu_fault r;

	r = request(test, x, 0, (struct mvgpu_host_request) {
		.op = MVGPU_OP_CTX_CREATE, .ctx = 1 });
	KUNIT_ASSERT_EQ(test, r.code, 0U);
	KUNIT_ASSERT_NOT_NULL(test, v->ctxs[1]);
	flushes(x, f, 4);

	r = request(test, x, 0, map);
	KUNIT_EXPECT_EQ(test, r.code, 0U);
	KUNIT_ASSERT_EQ(test, flushes(x, f, 4), 1U);
	expect_flush(test, &f[0], v->ctxs[1], SZ_1G + SZ_64K, SZ_128K);

	/* Refused (the range is mapped): the table did not change. */
	r = request(test, x, 0, map);
	KUNIT_EXPECT_EQ(test, r.code, (u32)MVGPU_ERR_BAD_MAP);
	KUNIT_EXPECT_EQ(test, flushes(x, f, 4), 0U);

	r = request(test, x, 0, (struct mvgpu_host_request) {
		.op = MVGPU_OP_UNMAP, .ctx = 1, .va = SZ_1G + SZ_128K,
		.size = SZ_64K });
	KUNIT_EXPECT_EQ(test, r.code, 0U);
	KUNIT_ASSERT_EQ(test, flushes(x, f, 4), 1U);
	expect_flush(test, &f[0], v->ctxs[1], SZ_1G + SZ_128K, SZ_64K);

	/* Context 0's reset: its table back to the reset mapping, all of it. */
	mvgpu_ctx_stop(&v->ctx);
	mvgpu_ctx_restart(&v->ctx);
	KUNIT_ASSERT_EQ(test, flushes(x, f, 4), 1U);
	expect_flush(test, &f[0], &v->ctx, 0, MVGPU_GPT_VA_SIZE);
}

/* Is GPU VA @va of @ctx mapped? */
static bool mapped(struct mvgpu_ctx *ctx, u64 va)
{
	struct mvgpu_gpt_xlate xl;
	u64 gen;

	return !mvgpu_aspace_translate(&ctx->as, va, MVGPU_GPT_READ, &xl, &gen);
}

/*
 * Guest memory context 0 maps into its table and context 1's: each page
 * reaches the backend once when it is pinned, whatever maps it how often
 * (read, then read and write again), and comes back once before VFIO
 * unpins it - at a dma_unmap (whose flush is the span the entries
 * covered), a context's destruction, a reset; at the end nothing is
 * pinned and the backend holds nothing.
 */
static void backend_pin_balance_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	struct mvgpu_host_request map = {
		.op = MVGPU_OP_MAP, .va = SZ_1G, .iova = SZ_4G, .size = SZ_64K,
		.flags = MVGPU_GPT_READ | MVGPU_GPT_SYSMEM,
	};
	struct mock_flush f[4];
	struct mvgpu_fault r;

	KUNIT_ASSERT_EQ(test, request(test, x, 0, (struct mvgpu_host_request) {
		.op = MVGPU_OP_CTX_CREATE, .ctx = 1 }).code, 0U);
	flushes(x, f, 4);
	r = request(test, x, 0, map);
	KUNIT_ASSERT_EQ(test, r.code, 0U);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->pinned), 16L);
	KUNIT_EXPECT_EQ(test, fake_pinned(), 16UL);
	KUNIT_ASSERT_EQ(test, flushes(x, f, 4), 1U);
	expect_flush(test, &f[0], &v->ctx, SZ_1G, SZ_64K);

	/* The same pages again, for writing: pinned again, not handed again. */
	map.va = SZ_2G;
	map.flags |= MVGPU_GPT_WRITE;
	KUNIT_ASSERT_EQ(test, request(test, x, 0, map).code, 0U);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->pinned), 16L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&fake.calls), 32L);
	/* Into context 1's table: its own pins, its own pages. */
	map.ctx = 1;
	map.iova = SZ_4G + SZ_1M;
	KUNIT_ASSERT_EQ(test, request(test, x, 0, map).code, 0U);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->pinned), 32L);
	flushes(x, f, 4);

	/* The VM unmaps 16 KiB of the first range: both mappings of it go. */
	mvgpu_ctx_dma_unmap(&v->ctx, SZ_4G + SZ_16K, SZ_16K);
	KUNIT_ASSERT_EQ(test, flushes(x, f, 4), 1U);
	expect_flush(test, &f[0], &v->ctx, SZ_1G + SZ_16K,
		     SZ_2G + SZ_32K - (SZ_1G + SZ_16K));
	KUNIT_EXPECT_FALSE(test, mapped(&v->ctx, SZ_1G + SZ_16K));
	KUNIT_EXPECT_FALSE(test, mapped(&v->ctx, SZ_2G + SZ_16K));
	KUNIT_EXPECT_TRUE(test, mapped(&v->ctx, SZ_2G + SZ_32K));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->unpinned), 4L);
	KUNIT_EXPECT_EQ(test, fake_pinned(), 28UL);

	/* Context 1 goes: its pages come back, then they are unpinned. */
	KUNIT_ASSERT_EQ(test, request(test, x, 0, (struct mvgpu_host_request) {
		.op = MVGPU_OP_CTX_DESTROY, .ctx = 1 }).code, 0U);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->unpinned), 20L);
	KUNIT_EXPECT_EQ(test, fake_pinned(), 12UL);

	/* A reset: every page back, none pinned, nothing held twice. */
	mvgpu_ctx_stop(&v->ctx);
	mvgpu_ctx_restart(&v->ctx);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->unpinned),
			atomic_long_read(&x->g->pinned));
	KUNIT_EXPECT_EQ(test, fake_pinned(), 0UL);
	KUNIT_EXPECT_TRUE(test, xa_empty(&MCTX(v->ctx.bctx)->pinned));
	KUNIT_EXPECT_EQ(test, atomic_read(&x->g->pin_errors), 0);
}

/*
 * The backend refuses pages (it could not map them for DMA): the MAP
 * fails as one that could not be pinned - BAD_MAP, reason PIN, the IOVA -
 * and leaves nothing: no entry, no pin, nothing VFIO holds.
 */
static void backend_pin_refused_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *v = x->vgpu[0];
	struct mvgpu_host_request map = {
		.op = MVGPU_OP_MAP, .va = SZ_1G, .iova = SZ_4G, .size = SZ_64K,
		.flags = RW | MVGPU_GPT_SYSMEM,
	};
	struct mock_flush f[4];
	struct mvgpu_fault r;

	x->g->pin_fail = -EIO;
	r = request(test, x, 0, map);
	KUNIT_EXPECT_EQ(test, r.code, (u32)MVGPU_ERR_BAD_MAP);
	KUNIT_EXPECT_EQ(test, r.info,
			MVGPU_OP_MAP | MVGPU_MAP_ERR_PIN << MVGPU_ERR_REASON_SHIFT);
	KUNIT_EXPECT_EQ(test, r.addr, (u64)SZ_4G);
	KUNIT_EXPECT_FALSE(test, mapped(&v->ctx, SZ_1G));
	KUNIT_EXPECT_EQ(test, flushes(x, f, 4), 0U);
	KUNIT_EXPECT_EQ(test, v->ctx.as.nr_pins, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&v->budget.pins), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&fake.calls), 16L);
	KUNIT_EXPECT_EQ(test, fake_pinned(), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->pinned), 0L);

	/* The backend takes them again: the same MAP succeeds. */
	x->g->pin_fail = 0;
	KUNIT_EXPECT_EQ(test, request(test, x, 0, map).code, 0U);
	KUNIT_EXPECT_TRUE(test, mapped(&v->ctx, SZ_1G));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->pinned), 16L);
	mvgpu_ctx_stop(&v->ctx);
	mvgpu_ctx_restart(&v->ctx);
	KUNIT_EXPECT_EQ(test, fake_pinned(), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&x->g->unpinned), 16L);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->g->pin_errors), 0);
}

static struct kunit_case backend_test_cases[] = {
	KUNIT_CASE(backend_flush_range_test),
	KUNIT_CASE(backend_pin_balance_test),
	KUNIT_CASE(backend_pin_refused_test),
	{}
};

static struct kunit_suite backend_test_suite = {
	.name = "mvgpu_core_backend",
	.init = backend_test_init,
	.exit = backend_test_exit,
	.test_cases = backend_test_cases,
};

kunit_test_suite(backend_test_suite);
