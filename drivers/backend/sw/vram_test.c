// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the software GPU's VRAM: backing on first touch, scrubbing,
 * lock-free lookups.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/sizes.h>

#include "mm/pool.h"

#include "sw.h"

#define POOL_SIZE	SZ_64M

struct vram_fixture {
	struct mvgpu_pool pool;
	struct mvgpu_pool_alloc alloc;
	struct mvgpu_bvram *vram;
};

static int vram_test_init(struct kunit *test)
{
	struct vram_fixture *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	if (!x || mvgpu_pool_init(&x->pool, POOL_SIZE))
		return -ENOMEM;
	if (mvgpu_pool_alloc(&x->pool, SZ_16M, &x->alloc))
		return -ENOMEM;
	x->vram = mvgpu_sw_backend_ops.vram_create(NULL, &x->alloc);
	if (IS_ERR(x->vram))
		return PTR_ERR(x->vram);
	test->priv = x;
	return 0;
}

static void vram_test_exit(struct kunit *test)
{
	struct vram_fixture *x = test->priv;

	mvgpu_sw_backend_ops.vram_destroy(x->vram);
	mvgpu_pool_free(&x->pool, &x->alloc);
	mvgpu_pool_fini(&x->pool);
}

static void vram_touch(struct kunit *test, struct mvgpu_bvram *vram, u64 off,
		       u8 val)
{
	struct page *page = mvgpu_sw_vram_page(vram, off, true);
	u8 *va;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(page));
	va = kmap_local_page(page);
	va[offset_in_page(off)] = val;
	kunmap_local(va);
}

/* Backed on touch only; a scrub gives every page back, zeroed after. */
static void vram_scrub_test(struct kunit *test)
{
	struct vram_fixture *x = test->priv;
	const struct mvgpu_backend_ops *ops = &mvgpu_sw_backend_ops;
	struct page *page;
	u64 off;
	u8 *va;

	for (off = 0; off < SZ_16M; off += SZ_1M)
		vram_touch(test, x->vram, off + 5, 0xa5);
	KUNIT_EXPECT_EQ(test, ops->vram_backed(x->vram), 16ULL * PAGE_SIZE);
	KUNIT_EXPECT_NULL(test, mvgpu_sw_vram_page(x->vram, SZ_4K, false));
	KUNIT_EXPECT_TRUE(test, IS_ERR(mvgpu_sw_vram_page(x->vram, SZ_16M, true)));

	ops->vram_scrub(x->vram);
	KUNIT_EXPECT_EQ(test, ops->vram_backed(x->vram), 0ULL);
	for (off = 0; off < SZ_16M; off += SZ_1M) {
		page = mvgpu_sw_vram_page(x->vram, off, true);
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(page));
		va = kmap_local_page(page);
		KUNIT_EXPECT_NULL(test, memchr_inv(va, 0, PAGE_SIZE));
		kunmap_local(va);
	}
}

struct vram_toucher {
	struct mvgpu_bvram *vram;
	unsigned int pages;
	unsigned int errors;
	struct completion done;
};

static int vram_touch_fn(void *data)
{
	struct vram_toucher *t = data;
	unsigned int i;

	for (i = 0; i < t->pages; i++)
		if (IS_ERR_OR_NULL(mvgpu_sw_vram_page(t->vram, (u64)i * PAGE_SIZE,
						      true)))
			t->errors++;
	complete(&t->done);
	return 0;
}

/*
 * Backing VRAM pages needs no GPU-wide lock: a vGPU touching its VRAM
 * goes on while another holds the pool's lock (creating or removing a
 * vGPU), and two touching the same pages at once back each page once.
 */
static void vram_lockless_test(struct kunit *test)
{
	struct vram_fixture *x = test->priv;
	struct vram_toucher *t = kunit_kcalloc(test, 2, sizeof(*t), GFP_KERNEL);
	unsigned int i, started;
	bool in_time;

	KUNIT_ASSERT_NOT_NULL(test, t);
	mutex_lock(&x->pool.lock);
	for (started = 0; started < 2; started++) {
		struct task_struct *task;

		t[started].vram = x->vram;
		t[started].pages = 256;
		init_completion(&t[started].done);
		task = kthread_run(vram_touch_fn, &t[started], "mvgpu-touch/%u",
				   started);
		if (IS_ERR(task))
			break;
	}
	/*
	 * A liveness bound, generous: the touchers must not need the lock.
	 * A wait takes the completion it sees, so t[0] is waited for once.
	 */
	in_time = started && wait_for_completion_timeout(&t[0].done, 60 * HZ);
	mutex_unlock(&x->pool.lock);
	for (i = in_time ? 1 : 0; i < started; i++)
		wait_for_completion(&t[i].done);
	KUNIT_EXPECT_TRUE_MSG(test, in_time,
			      "backing VRAM waited for the GPU-wide pool lock");
	KUNIT_ASSERT_EQ(test, started, 2U);
	KUNIT_EXPECT_EQ(test, t[0].errors + t[1].errors, 0U);
	KUNIT_EXPECT_EQ(test, mvgpu_sw_backend_ops.vram_backed(x->vram),
			256ULL * PAGE_SIZE);
}

static struct kunit_case vram_test_cases[] = {
	KUNIT_CASE(vram_scrub_test),
	KUNIT_CASE(vram_lockless_test),
	{}
};

static struct kunit_suite vram_test_suite = {
	.name = "mvgpu_sw_vram",
	.init = vram_test_init,
	.exit = vram_test_exit,
	.test_cases = vram_test_cases,
};

kunit_test_suite(vram_test_suite);
