// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the vGPU type table and VRAM capacity accounting.
 */

#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/prandom.h>
#include <linux/sizes.h>

#include <mvgpu/types.h>

static void mvgpu_types_table_test(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < MVGPU_NUM_TYPES; i++) {
		const struct mvgpu_profile *p = &mvgpu_profiles[i];

		KUNIT_EXPECT_TRUE(test, is_power_of_2(p->divisor));
		KUNIT_EXPECT_LE(test, p->divisor, 8U);
		/* Weight proportional to the VRAM share: 8 for the whole GPU. */
		KUNIT_EXPECT_EQ(test, p->weight * p->divisor, 8U);
		/* Even the smallest GPU gives whole 2 MiB large pages. */
		KUNIT_EXPECT_EQ(test,
				mvgpu_profile_vram(p, 64ULL * SZ_1M) % SZ_2M, 0ULL);
		for (j = 0; j < i; j++) {
			KUNIT_EXPECT_STRNEQ(test, p->sysfs_name,
					    mvgpu_profiles[j].sysfs_name);
			KUNIT_EXPECT_NE(test, p->divisor,
					mvgpu_profiles[j].divisor);
		}
	}
}

static void mvgpu_types_vram_test(struct kunit *test)
{
	u64 gpu = 1024ULL * SZ_1M;
	unsigned int i;

	for (i = 0; i < MVGPU_NUM_TYPES; i++) {
		const struct mvgpu_profile *p = &mvgpu_profiles[i];

		KUNIT_EXPECT_EQ(test, mvgpu_profile_vram(p, gpu) * p->divisor,
				gpu);
	}
}

static void mvgpu_capacity_basic_test(struct kunit *test)
{
	struct mvgpu_capacity c;
	u64 eighth = 128ULL * SZ_1M;

	mvgpu_capacity_init(&c, 8 * eighth);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, eighth), 8U);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, 8 * eighth), 1U);

	KUNIT_ASSERT_EQ(test, mvgpu_capacity_take(&c, 4 * eighth), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, eighth), 4U);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, 2 * eighth), 2U);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, 4 * eighth), 1U);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, 8 * eighth), 0U);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_take(&c, 8 * eighth), -ENOSPC);
	/* A failed take leaves everything as it was. */
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, eighth), 4U);

	KUNIT_ASSERT_EQ(test, mvgpu_capacity_take(&c, 4 * eighth), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, eighth), 0U);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_take(&c, eighth), -ENOSPC);

	mvgpu_capacity_give(&c, 4 * eighth);
	mvgpu_capacity_give(&c, 4 * eighth);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, eighth), 8U);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_take(&c, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_capacity_avail(&c, 0), 0U);
}

/*
 * Random creates and removes across all types, checked after every step
 * against a model that just counts reserved eighths: available_instances of
 * every type must be exact at all times.
 */
static void mvgpu_capacity_random_test(struct kunit *test)
{
	const u64 gpu = 1024ULL * SZ_1M;
	struct mvgpu_capacity c;
	unsigned int live[MVGPU_NUM_TYPES] = { };
	unsigned int used = 0;	/* in eighths of the GPU */
	struct rnd_state rnd;
	unsigned int step, t;

	prandom_seed_state(&rnd, 42);
	mvgpu_capacity_init(&c, gpu);

	for (step = 0; step < 20000; step++) {
		const struct mvgpu_profile *p;
		unsigned int eighths;
		u64 vram;
		int ret;

		t = prandom_u32_state(&rnd) % MVGPU_NUM_TYPES;
		p = &mvgpu_profiles[t];
		vram = mvgpu_profile_vram(p, gpu);
		eighths = 8 / p->divisor;

		if (prandom_u32_state(&rnd) & 1) {
			ret = mvgpu_capacity_take(&c, vram);
			if (used + eighths <= 8) {
				KUNIT_ASSERT_EQ(test, ret, 0);
				live[t]++;
				used += eighths;
			} else {
				KUNIT_ASSERT_EQ(test, ret, -ENOSPC);
			}
		} else if (live[t]) {
			mvgpu_capacity_give(&c, vram);
			live[t]--;
			used -= eighths;
		}

		for (t = 0; t < MVGPU_NUM_TYPES; t++) {
			unsigned int got, want;

			p = &mvgpu_profiles[t];
			got = mvgpu_capacity_avail(&c, mvgpu_profile_vram(p, gpu));
			want = (8 - used) / (8 / p->divisor);
			KUNIT_ASSERT_EQ_MSG(test, got, want, "step %u type %s",
					    step, p->sysfs_name);
		}
	}
}

struct mvgpu_capacity_racer {
	struct mvgpu_capacity *c;
	u64 bytes;
	unsigned int rounds;
	unsigned int held;
	struct completion done;
};

static int mvgpu_capacity_race_fn(void *data)
{
	struct mvgpu_capacity_racer *r = data;
	unsigned int i;

	for (i = 0; i < r->rounds; i++) {
		if (!mvgpu_capacity_take(r->c, r->bytes))
			r->held++;
		if (r->held && (i & 1)) {
			mvgpu_capacity_give(r->c, r->bytes);
			r->held--;
		}
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

/* Concurrent creates never over-commit and never lose VRAM. */
static void mvgpu_capacity_race_test(struct kunit *test)
{
	const u64 eighth = 128ULL * SZ_1M;
	struct mvgpu_capacity_racer *r;
	struct mvgpu_capacity *c;
	unsigned int i, started, held = 0;

	r = kunit_kcalloc(test, 4, sizeof(*r), GFP_KERNEL);
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, c);
	mvgpu_capacity_init(c, 8 * eighth);

	for (started = 0; started < 4; started++) {
		struct mvgpu_capacity_racer *me = &r[started];
		struct task_struct *task;

		me->c = c;
		me->bytes = (started + 1) * eighth;
		me->rounds = 20000;
		init_completion(&me->done);
		task = kthread_run(mvgpu_capacity_race_fn, me, "mvgpu-race/%u",
				   started);
		if (IS_ERR(task))
			break;
	}
	/* Wait for every thread started before asserting anything. */
	for (i = 0; i < started; i++) {
		wait_for_completion(&r[i].done);
		held += r[i].held * (i + 1);
	}
	KUNIT_ASSERT_EQ(test, started, 4U);

	KUNIT_EXPECT_LE(test, held, 8U);
	KUNIT_EXPECT_EQ(test, (u64)atomic64_read(&c->free),
			(8 - held) * eighth);
}

static struct kunit_case mvgpu_types_test_cases[] = {
	KUNIT_CASE(mvgpu_types_table_test),
	KUNIT_CASE(mvgpu_types_vram_test),
	KUNIT_CASE(mvgpu_capacity_basic_test),
	KUNIT_CASE(mvgpu_capacity_random_test),
	KUNIT_CASE(mvgpu_capacity_race_test),
	{}
};

static struct kunit_suite mvgpu_types_test_suite = {
	.name = "mvgpu_types",
	.test_cases = mvgpu_types_test_cases,
};

kunit_test_suite(mvgpu_types_test_suite);
