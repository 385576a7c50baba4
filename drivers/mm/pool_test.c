// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VRAM pool (drm_buddy underneath): quota, exhaustion,
 * fragmentation, scrubbing, accounting.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/sizes.h>

#include "pool.h"

#define POOL_SIZE	SZ_64M

static int mvgpu_pool_test_init(struct kunit *test)
{
	struct mvgpu_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	if (!pool || mvgpu_pool_init(pool, POOL_SIZE))
		return -ENOMEM;
	test->priv = pool;
	return 0;
}

static void mvgpu_pool_test_exit(struct kunit *test)
{
	struct mvgpu_pool *pool = test->priv;

	KUNIT_EXPECT_EQ(test, mvgpu_pool_avail(pool), (u64)POOL_SIZE);
	KUNIT_EXPECT_EQ(test, atomic64_read(&pool->backed), 0LL);
	mvgpu_pool_fini(pool);
}

static void mvgpu_pool_touch(struct kunit *test, struct mvgpu_pool *pool,
			     struct mvgpu_pool_alloc *a, u64 off, u8 val)
{
	struct page *page;
	bool new;
	u8 *va;

	page = mvgpu_pool_page(pool, a, off, true, &new);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(page));
	va = kmap_local_page(page);
	va[offset_in_page(off)] = val;
	kunmap_local(va);
}

static void mvgpu_pool_quota_test(struct kunit *test)
{
	struct mvgpu_pool *pool = test->priv;
	struct mvgpu_pool_alloc *a = kunit_kcalloc(test, 9, sizeof(*a), GFP_KERNEL);
	unsigned int i, c;

	KUNIT_ASSERT_NOT_NULL(test, a);
	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, mvgpu_pool_alloc(pool, SZ_8M, &a[i]), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_pool_avail(pool), 0ULL);
	KUNIT_EXPECT_EQ(test, mvgpu_pool_alloc(pool, SZ_2M, &a[8]), -ENOSPC);

	/* Allocations never overlap and are whole chunks of the pool. */
	for (i = 0; i < 8; i++) {
		KUNIT_EXPECT_EQ(test, a[i].nr_chunks, 4U);
		for (c = 0; c < a[i].nr_chunks; c++) {
			unsigned int j, d;

			KUNIT_EXPECT_TRUE(test, IS_ALIGNED(a[i].chunks[c], MVGPU_POOL_CHUNK));
			KUNIT_EXPECT_LT(test, a[i].chunks[c], (u64)POOL_SIZE);
			for (j = 0; j < i; j++)
				for (d = 0; d < a[j].nr_chunks; d++)
					KUNIT_EXPECT_NE(test, a[i].chunks[c], a[j].chunks[d]);
		}
	}
	for (i = 0; i < 8; i++)
		mvgpu_pool_free(pool, &a[i]);

	KUNIT_EXPECT_EQ(test, mvgpu_pool_alloc(pool, 0, &a[0]), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_pool_alloc(pool, SZ_4K, &a[0]), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_pool_alloc(pool, 2ULL * POOL_SIZE, &a[0]), -EINVAL);
}

/* Freed holes scattered over the pool still serve one large allocation. */
static void mvgpu_pool_fragmentation_test(struct kunit *test)
{
	struct mvgpu_pool *pool = test->priv;
	struct mvgpu_pool_alloc *a = kunit_kcalloc(test, 17, sizeof(*a), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, a);
	for (i = 0; i < 16; i++)
		KUNIT_ASSERT_EQ(test, mvgpu_pool_alloc(pool, SZ_4M, &a[i]), 0);
	for (i = 0; i < 16; i += 2)
		mvgpu_pool_free(pool, &a[i]);
	KUNIT_EXPECT_EQ(test, mvgpu_pool_avail(pool), (u64)SZ_32M);
	KUNIT_ASSERT_EQ(test, mvgpu_pool_alloc(pool, SZ_32M, &a[16]), 0);
	KUNIT_EXPECT_EQ(test, a[16].nr_chunks, 16U);
	mvgpu_pool_free(pool, &a[16]);
	for (i = 1; i < 16; i += 2)
		mvgpu_pool_free(pool, &a[i]);
}

/* What one vGPU wrote is gone when the next one gets the same VRAM. */
static void mvgpu_pool_scrub_test(struct kunit *test)
{
	struct mvgpu_pool *pool = test->priv;
	struct mvgpu_pool_alloc *a = kunit_kcalloc(test, 2, sizeof(*a), GFP_KERNEL);
	struct page *page;
	bool new;
	u64 off;
	u8 *va;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_EQ(test, mvgpu_pool_alloc(pool, POOL_SIZE, &a[0]), 0);
	for (off = 0; off < POOL_SIZE; off += SZ_1M)
		mvgpu_pool_touch(test, pool, &a[0], off + 5, 0xa5);
	KUNIT_EXPECT_EQ(test, atomic64_read(&pool->backed), (s64)(POOL_SIZE / SZ_1M * PAGE_SIZE));

	/* Untouched pages are not backed; lookups without alloc see that. */
	KUNIT_EXPECT_NULL(test, mvgpu_pool_page(pool, &a[0], SZ_4K, false, &new));
	KUNIT_EXPECT_FALSE(test, new);
	KUNIT_EXPECT_TRUE(test, IS_ERR(mvgpu_pool_page(pool, &a[0], POOL_SIZE, true, &new)));

	/* Scrub keeps the allocation but drops the data. */
	KUNIT_EXPECT_EQ(test, mvgpu_pool_scrub(pool, &a[0]),
			(u64)(POOL_SIZE / SZ_1M * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, atomic64_read(&pool->backed), 0LL);
	page = mvgpu_pool_page(pool, &a[0], 5, true, &new);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(page));
	KUNIT_EXPECT_TRUE(test, new);
	va = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, va[5], 0);
	kunmap_local(va);
	mvgpu_pool_touch(test, pool, &a[0], SZ_8M + 9, 0x77);
	mvgpu_pool_free(pool, &a[0]);

	/* The next tenant gets the same VRAM, reading zeros. */
	KUNIT_ASSERT_EQ(test, mvgpu_pool_alloc(pool, POOL_SIZE, &a[1]), 0);
	for (off = 0; off < POOL_SIZE; off += SZ_1M) {
		page = mvgpu_pool_page(pool, &a[1], off, true, &new);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(page));
		va = kmap_local_page(page);
		KUNIT_EXPECT_NULL(test, memchr_inv(va, 0, PAGE_SIZE));
		kunmap_local(va);
	}
	mvgpu_pool_free(pool, &a[1]);
}

/*
 * Random creates and removes of all four type sizes, checked after every
 * step against a model counting used eighths: the number of vGPUs of each
 * type that still fit (available_instances) must be exact at all times.
 */
static void mvgpu_pool_fit_random_test(struct kunit *test)
{
	static const unsigned int eighths[] = { 1, 2, 4, 8 };
	struct mvgpu_pool *pool = test->priv;
	/* Pointers: an allocation holds a list head and must not move. */
	struct mvgpu_pool_alloc *live[8], *tmp;
	unsigned int live_size[8], nlive = 0, used = 0, step, t, i;
	struct rnd_state rnd;

	for (i = 0; i < 8; i++) {
		live[i] = kunit_kzalloc(test, sizeof(*live[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, live[i]);
	}
	prandom_seed_state(&rnd, 42);

	for (step = 0; step < 3000; step++) {
		unsigned int e = eighths[prandom_u32_state(&rnd) % 4];
		u64 size = (u64)e * (POOL_SIZE / 8);
		int ret;

		if ((prandom_u32_state(&rnd) & 1) || !nlive) {
			ret = mvgpu_pool_alloc(pool, size, live[nlive]);
			if (used + e <= 8) {
				KUNIT_ASSERT_EQ_MSG(test, ret, 0, "step %u", step);
				live_size[nlive++] = e;
				used += e;
			} else {
				KUNIT_ASSERT_EQ_MSG(test, ret, -ENOSPC, "step %u", step);
			}
		} else {
			i = prandom_u32_state(&rnd) % nlive;
			mvgpu_pool_free(pool, live[i]);
			used -= live_size[i];
			nlive--;
			tmp = live[i];
			live[i] = live[nlive];
			live[nlive] = tmp;
			live_size[i] = live_size[nlive];
		}
		for (t = 0; t < 4; t++) {
			u64 tsize = (u64)eighths[t] * (POOL_SIZE / 8);

			KUNIT_ASSERT_EQ_MSG(test, mvgpu_pool_fit(pool, tsize),
					    (8 - used) / eighths[t], "step %u", step);
		}
	}
	while (nlive)
		mvgpu_pool_free(pool, live[--nlive]);
}

struct mvgpu_pool_racer {
	struct mvgpu_pool *pool;
	u64 size;
	unsigned int rounds;
	unsigned int overcommit;
	struct completion done;
};

static int mvgpu_pool_race_fn(void *data)
{
	struct mvgpu_pool_racer *r = data;
	struct mvgpu_pool_alloc a;
	unsigned int i;

	for (i = 0; i < r->rounds; i++) {
		if (mvgpu_pool_alloc(r->pool, r->size, &a))
			continue;
		if (mvgpu_pool_avail(r->pool) > r->pool->size - r->size)
			r->overcommit++;
		mvgpu_pool_free(r->pool, &a);
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

/* Concurrent creates of every size never over-commit and lose nothing. */
static void mvgpu_pool_race_test(struct kunit *test)
{
	struct mvgpu_pool *pool = test->priv;
	struct mvgpu_pool_racer *r;
	unsigned int i, started, overcommit = 0;

	r = kunit_kcalloc(test, 4, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (started = 0; started < 4; started++) {
		struct task_struct *task;

		r[started].pool = pool;
		r[started].size = (POOL_SIZE / 8) << started;
		r[started].rounds = 300;
		init_completion(&r[started].done);
		task = kthread_run(mvgpu_pool_race_fn, &r[started],
				   "mvgpu-race/%u", started);
		if (IS_ERR(task))
			break;
	}
	/* Wait for every thread started before asserting anything. */
	for (i = 0; i < started; i++) {
		wait_for_completion(&r[i].done);
		overcommit += r[i].overcommit;
	}
	KUNIT_ASSERT_EQ(test, started, 4U);
	KUNIT_EXPECT_EQ(test, overcommit, 0U);
}

struct mvgpu_pool_toucher {
	struct mvgpu_pool *pool;
	struct mvgpu_pool_alloc *a;
	unsigned int pages;
	unsigned int errors;
	struct completion done;
};

static int mvgpu_pool_touch_fn(void *data)
{
	struct mvgpu_pool_toucher *t = data;
	unsigned int i;
	bool new;

	for (i = 0; i < t->pages; i++)
		if (IS_ERR_OR_NULL(mvgpu_pool_page(t->pool, t->a,
						   (u64)i * PAGE_SIZE, true, &new)))
			t->errors++;
	complete(&t->done);
	return 0;
}

/*
 * Backing VRAM pages needs no GPU-wide lock: a vGPU touching its VRAM
 * goes on while another holds the pool's lock (creating or removing a
 * vGPU), and two touching the same pages at once back each page once.
 */
static void mvgpu_pool_lockless_test(struct kunit *test)
{
	struct mvgpu_pool *pool = test->priv;
	struct mvgpu_pool_alloc *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct mvgpu_pool_toucher *t = kunit_kcalloc(test, 2, sizeof(*t), GFP_KERNEL);
	unsigned int i, started;
	bool in_time;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, mvgpu_pool_alloc(pool, SZ_8M, a), 0);
	mutex_lock(&pool->lock);
	for (started = 0; started < 2; started++) {
		struct task_struct *task;

		t[started].pool = pool;
		t[started].a = a;
		t[started].pages = 256;
		init_completion(&t[started].done);
		task = kthread_run(mvgpu_pool_touch_fn, &t[started],
				   "mvgpu-touch/%u", started);
		if (IS_ERR(task))
			break;
	}
	/* A liveness bound, generous: the touchers must not need the lock. */
	in_time = wait_for_completion_timeout(&t[0].done, 60 * HZ);
	mutex_unlock(&pool->lock);
	for (i = 0; i < started; i++)
		wait_for_completion(&t[i].done);
	KUNIT_EXPECT_TRUE_MSG(test, in_time,
			      "backing VRAM waited for the GPU-wide pool lock");
	KUNIT_ASSERT_EQ(test, started, 2U);
	KUNIT_EXPECT_EQ(test, t[0].errors + t[1].errors, 0U);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&a->backed), 256L);
	KUNIT_EXPECT_EQ(test, atomic64_read(&pool->backed), 256LL * PAGE_SIZE);
	mvgpu_pool_free(pool, a);
}

static struct kunit_case mvgpu_pool_test_cases[] = {
	KUNIT_CASE(mvgpu_pool_quota_test),
	KUNIT_CASE(mvgpu_pool_fragmentation_test),
	KUNIT_CASE(mvgpu_pool_scrub_test),
	KUNIT_CASE(mvgpu_pool_fit_random_test),
	KUNIT_CASE(mvgpu_pool_race_test),
	KUNIT_CASE(mvgpu_pool_lockless_test),
	{}
};

static struct kunit_suite mvgpu_pool_test_suite = {
	.name = "mvgpu_pool",
	.init = mvgpu_pool_test_init,
	.exit = mvgpu_pool_test_exit,
	.test_cases = mvgpu_pool_test_cases,
};

kunit_test_suite(mvgpu_pool_test_suite);
