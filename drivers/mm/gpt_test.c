// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: GPU page tables, including long random sequences checked against
 * a plain array model.
 */

#include <kunit/test.h>
#include <linux/fault-inject.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include "charge.h"
#include "gpt.h"

#define RD	MVGPU_GPT_READ
#define WR	MVGPU_GPT_WRITE
#define RW	(MVGPU_GPT_READ | MVGPU_GPT_WRITE)

static int tr(struct mvgpu_gpt *pt, u64 va, u32 access, struct mvgpu_gpt_xlate *x)
{
	return mvgpu_gpt_translate(pt, va, access, x);
}

static int mvgpu_gpt_test_init(struct kunit *test)
{
	struct mvgpu_gpt *pt = kunit_kzalloc(test, sizeof(*pt), GFP_KERNEL);

	if (!pt || mvgpu_gpt_init(pt, NULL))
		return -ENOMEM;
	test->priv = pt;
	return 0;
}

static void mvgpu_gpt_test_exit(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;

	mvgpu_gpt_fini(pt);
	KUNIT_EXPECT_EQ(test, pt->tables, 0UL);
}

static void mvgpu_gpt_basic_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	struct mvgpu_gpt_xlate x;

	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_1G + SZ_64K, 0x5000, SZ_8K, RW), 0);
	KUNIT_ASSERT_EQ(test, tr(pt, SZ_1G + SZ_64K + 0x123, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, x.target, 0x5123ULL);
	KUNIT_EXPECT_EQ(test, x.len, 0x1000ULL - 0x123);
	KUNIT_EXPECT_EQ(test, x.flags, (u32)RW);
	KUNIT_ASSERT_EQ(test, tr(pt, SZ_1G + SZ_64K + SZ_4K, WR, &x), 0);
	KUNIT_EXPECT_EQ(test, x.target, 0x6000ULL);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_1G + SZ_64K + SZ_8K, RD, &x),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, tr(pt, 0, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, pt->mapped, (u64)SZ_8K);

	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, SZ_1G + SZ_64K, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_1G + SZ_64K, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_1G + SZ_64K + SZ_4K, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, SZ_1G + SZ_64K, SZ_4K), -ENOENT);
	KUNIT_EXPECT_EQ(test, pt->mapped, (u64)SZ_4K);
}

static void mvgpu_gpt_permission_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	struct mvgpu_gpt_xlate x;

	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, 0, 0, SZ_4K, MVGPU_GPT_READ), 0);
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_4K, SZ_4K, SZ_4K, MVGPU_GPT_WRITE), 0);
	KUNIT_EXPECT_EQ(test, tr(pt, 0, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, tr(pt, 0, WR, &x), -EACCES);
	KUNIT_EXPECT_EQ(test, tr(pt, 0, RW, &x), -EACCES);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_4K, RD, &x), -EACCES);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_4K, WR, &x), 0);
	/* A mapping needs some permission; unknown flags are refused. */
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_1M, 0, SZ_4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_1M, 0, SZ_4K, MVGPU_GPT_READ | BIT(9)), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_1M, 0, SZ_4K, MVGPU_GPT_SYSMEM), -EINVAL);
}

static void mvgpu_gpt_huge_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	struct mvgpu_gpt_xlate x;
	unsigned long tables = pt->tables;

	/* 4 MiB, VA and target 2 MiB aligned: two large entries, one L1. */
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_4M, SZ_8M, SZ_4M, RW), 0);
	KUNIT_EXPECT_EQ(test, pt->tables, tables + 1);
	KUNIT_ASSERT_EQ(test, tr(pt, SZ_4M + SZ_2M + 0x1234, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, x.target, (u64)SZ_8M + SZ_2M + 0x1234);
	KUNIT_EXPECT_EQ(test, x.len, (u64)SZ_2M - 0x1234);

	/* Unmapping one page inside splits the large entry. */
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_unmap(pt, SZ_4M + SZ_2M + SZ_4K, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, pt->tables, tables + 2);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_4M + SZ_2M + SZ_4K, RD, &x),
			-EFAULT);
	KUNIT_ASSERT_EQ(test, tr(pt, SZ_4M + SZ_2M + SZ_8K + 8, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, x.target, (u64)SZ_8M + SZ_2M + SZ_8K + 8);
	KUNIT_EXPECT_EQ(test, x.len, (u64)SZ_4K - 8);
	KUNIT_EXPECT_EQ(test, pt->mapped, (u64)SZ_4M - SZ_4K);

	/* Misaligned target: small pages even for a 2 MiB range. */
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_1G, SZ_4K, SZ_2M, RW), 0);
	KUNIT_ASSERT_EQ(test, tr(pt, SZ_1G, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, x.len, (u64)SZ_4K);
}

static void mvgpu_gpt_bounds_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	struct mvgpu_gpt_xlate x;

	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, 0, 0, 0, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, 0x800, 0, SZ_4K, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, 0, 0x800, SZ_4K, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, 0, 0, 0x1800, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, MVGPU_GPT_VA_SIZE - SZ_4K, 0, SZ_8K, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, MVGPU_GPT_VA_SIZE, 0, SZ_4K, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, U64_MAX & ~0xfffULL, 0, SZ_8K, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, 0, U64_MAX & ~0xfffULL, SZ_8K, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, MVGPU_GPT_VA_SIZE - SZ_4K, 0, SZ_4K, RW), 0);
	KUNIT_EXPECT_EQ(test, tr(pt, MVGPU_GPT_VA_SIZE - 1, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, tr(pt, MVGPU_GPT_VA_SIZE, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, tr(pt, U64_MAX, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, U64_MAX & ~0xfffULL, SZ_8K), -EINVAL);
}

static void mvgpu_gpt_overlap_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	struct mvgpu_gpt_xlate x;

	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_2M, 0, SZ_2M, RW), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_2M + SZ_1M, SZ_1G, SZ_4K, RW), -EEXIST);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_1M, SZ_1G, SZ_2M, RW), -EEXIST);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_4M - SZ_4K, SZ_1G, SZ_8K, RW), -EEXIST);
	/* The failed maps changed nothing, not even their free part. */
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_1M, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_4M, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, pt->mapped, (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_4M, SZ_1G, SZ_4K, RW), 0);
}

/* The span of VA the last unmap_target() removed entries in. */
static struct mvgpu_gpt_span unmap_gone;

/* mvgpu_gpt_unmap_target() over the whole table, @budget at a time. */
static u64 unmap_target(struct mvgpu_gpt *pt, u64 start, u64 len, bool sysmem,
			unsigned int budget)
{
	u64 va = 0, done = 0;
	unsigned int seen;

	unmap_gone = (struct mvgpu_gpt_span) {};
	while (va < MVGPU_GPT_VA_SIZE)
		done += mvgpu_gpt_unmap_target(pt, start, len, sysmem, &va,
					       budget, &seen, &unmap_gone);
	return done;
}

static void mvgpu_gpt_unmap_target_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	struct mvgpu_gpt_xlate x;

	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, 0, 0x100000, SZ_64K,
					    RW | MVGPU_GPT_SYSMEM), 0);
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_1M, 0x100000, SZ_64K, RW), 0);
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_4M, SZ_4M, SZ_2M,
					    RW | MVGPU_GPT_SYSMEM), 0);
	/* The VM unmaps IOVA [0x108000, 0x110000) and a byte of the large page. */
	KUNIT_EXPECT_EQ(test, unmap_target(pt, 0x108000, 0x8000, true, 1024),
			(u64)0x8000);
	/* What a TLB must forget: the VA of the entries that went, no more. */
	KUNIT_EXPECT_EQ(test, unmap_gone.start, 0x8000ULL);
	KUNIT_EXPECT_EQ(test, unmap_gone.end, 0x10000ULL);
	KUNIT_EXPECT_EQ(test, tr(pt, 0x8000, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, tr(pt, 0x7000, RD, &x), 0);
	/* VRAM mappings of the same numbers are not guest memory: untouched. */
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_1M + 0x8000, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, unmap_target(pt, SZ_4M + SZ_1M, 1, true, 1), (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, unmap_gone.start, (u64)SZ_4M);
	KUNIT_EXPECT_EQ(test, unmap_gone.end, (u64)SZ_4M + SZ_2M);
	KUNIT_EXPECT_EQ(test, unmap_target(pt, SZ_1G, SZ_4K, true, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, unmap_gone.end, 0ULL);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_4M, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, pt->mapped, (u64)SZ_64K + SZ_64K - 0x8000);
}

/*
 * VFIO's dma_unmap walks the table in pieces (the caller drops its lock in
 * between, so an engine translating is not held up by a whole table):
 * each piece looks at a bounded part of the table, and the pieces together
 * unmap exactly what one walk would, wherever the table is.
 */
static void mvgpu_gpt_unmap_target_pieces_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	u64 sys = RW | MVGPU_GPT_SYSMEM, va = 0, done = 0, prev;
	struct mvgpu_gpt_xlate x;
	unsigned int pieces = 0, seen;

	/*
	 * 66 L0 tables of guest memory in 4 KiB pages (VA and IOVA 4 KiB
	 * apart: no large page fits), in 3 GiB of VA.
	 */
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_4K, SZ_8K, 32 * SZ_2M, sys), 0);
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_2G + SZ_4K, SZ_8K, 32 * SZ_2M,
					    sys), 0);
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_1G, SZ_1G, SZ_2M, sys), 0);
	while (va < MVGPU_GPT_VA_SIZE) {
		prev = va;
		done += mvgpu_gpt_unmap_target(pt, 0, 64 * SZ_2M, true, &va,
					       1024, &seen, NULL);
		KUNIT_ASSERT_GT(test, va, prev);
		/* A piece looks at about its budget: up to one L0 table more. */
		KUNIT_EXPECT_LE(test, seen, 1024U + 512U);
		pieces++;
	}
	KUNIT_EXPECT_GT(test, pieces, 32U);
	KUNIT_EXPECT_EQ(test, done, 2ULL * 32 * SZ_2M);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_4K, RD, &x), -EFAULT);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_2G + 64 * SZ_1M, RD, &x), -EFAULT);
	/* Outside the IOVA range: kept. */
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_1G, RD, &x), 0);
	KUNIT_EXPECT_EQ(test, pt->mapped, (u64)SZ_2M);
}

/*
 * Random map/unmap over three 8 MiB windows far apart, checked against an
 * array holding each page's expected target (or nothing).
 */
#define WIN_PAGES	2048
#define WINDOWS		3

static const u64 win_base[WINDOWS] = { 0, 5ULL << 30, MVGPU_GPT_VA_SIZE - SZ_8M };

/*
 * The table against the model: every page every 100 steps, a sample
 * otherwise.  1 at the first page that differs (said why), else 0.
 */
static unsigned int random_check(struct kunit *test, struct mvgpu_gpt *pt,
				 const u64 *model, unsigned int step,
				 struct rnd_state *rnd)
{
	struct mvgpu_gpt_xlate x;
	unsigned int i;
	u64 pva;
	int ret;

	for (i = 0; i < WIN_PAGES * WINDOWS; i++) {
		if (step % 100 && prandom_u32_state(rnd) % 64)
			continue;
		pva = win_base[i / WIN_PAGES] + (u64)(i % WIN_PAGES) * SZ_4K + 8;
		ret = tr(pt, pva, RD, &x);
		if (model[i] ? (ret || x.target != model[i] - 1 + 8) : ret != -EFAULT) {
			kunit_err(test, "step %u: va %llx: got %d/%llx, model %llx",
				  step, pva, ret, ret ? 0 : x.target, model[i]);
			return 1;
		}
	}
	return 0;
}

static void mvgpu_gpt_random_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	u64 *model;
	struct rnd_state rnd;
	unsigned int step, i, bad = 0;

	model = vzalloc(sizeof(*model) * WIN_PAGES * WINDOWS);
	KUNIT_ASSERT_NOT_NULL(test, model);
	prandom_seed_state(&rnd, 7);

	for (step = 0; step < 3000 && !bad; step++) {
		unsigned int w = prandom_u32_state(&rnd) % WINDOWS;
		bool big = !(prandom_u32_state(&rnd) % 4);
		unsigned int first, n;
		u64 va, target;
		int ret, want;

		n = big ? 512 * (1 + prandom_u32_state(&rnd) % 2) :
			  1 + prandom_u32_state(&rnd) % 64;
		first = prandom_u32_state(&rnd) % (WIN_PAGES - n + 1);
		if (big)
			first = round_down(first, 512);
		va = win_base[w] + (u64)first * SZ_4K;

		if (prandom_u32_state(&rnd) % 3) {
			target = (big ? (u64)(prandom_u32_state(&rnd) % 64) * SZ_2M :
				  (u64)(prandom_u32_state(&rnd) % 100000) * SZ_4K);
			want = 0;
			for (i = 0; i < n; i++)
				if (model[w * WIN_PAGES + first + i])
					want = -EEXIST;
			ret = mvgpu_gpt_map(pt, va, target, (u64)n * SZ_4K, RW);
			if (ret != want) {
				kunit_err(test, "step %u: map %llx+%u got %d want %d",
					  step, va, n, ret, want);
				bad++;
			}
			/* The model stores target + 1: 0 means unmapped. */
			for (i = 0; !ret && i < n; i++)
				model[w * WIN_PAGES + first + i] =
					target + (u64)i * SZ_4K + 1;
		} else {
			want = -ENOENT;
			for (i = 0; i < n; i++)
				if (model[w * WIN_PAGES + first + i])
					want = 0;
			ret = mvgpu_gpt_unmap(pt, va, (u64)n * SZ_4K);
			if (ret != want) {
				kunit_err(test, "step %u: unmap %llx+%u got %d want %d",
					  step, va, n, ret, want);
				bad++;
			}
			for (i = 0; i < n; i++)
				model[w * WIN_PAGES + first + i] = 0;
		}

		bad += random_check(test, pt, model, step, &rnd);
	}
	vfree(model);
	KUNIT_EXPECT_EQ(test, bad, 0U);

	/* Unmapped again, it keeps no table but the root. */
	for (i = 0; i < WINDOWS; i++)
		mvgpu_gpt_unmap(pt, win_base[i], (u64)WIN_PAGES * SZ_4K);
	KUNIT_EXPECT_EQ(test, pt->mapped, 0ULL);
	KUNIT_EXPECT_EQ(test, pt->tables, (unsigned long)MVGPU_GPT_ROOT_TABLES);
}

/*
 * A tenant that maps one large page per GiB uses one table each; once it
 * unmaps them (or the address space is cleared) the tables are gone and
 * the next tenant has the whole budget again.
 */
static void mvgpu_gpt_tables_returned_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	unsigned int i, round;

	pt->max_tables = MVGPU_GPT_ROOT_TABLES + 20;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 20; i++)
			KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, (u64)i * SZ_1G, 0,
							    SZ_2M, RW), 0);
		KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, 20ULL * SZ_1G, 0, SZ_2M, RW),
				-ENOSPC);
		KUNIT_EXPECT_EQ(test, pt->tables, pt->max_tables);
		KUNIT_EXPECT_EQ(test, pt->mapped, 20ULL * SZ_2M);
		if (round == 0) {
			for (i = 0; i < 20; i++)
				KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, (u64)i * SZ_1G,
								      SZ_2M), 0);
		} else {
			mvgpu_gpt_clear(pt);
		}
		KUNIT_EXPECT_EQ(test, pt->tables,
				(unsigned long)MVGPU_GPT_ROOT_TABLES);
		KUNIT_EXPECT_EQ(test, pt->mapped, 0ULL);
	}

	/* Small pages: their L0 tables go as the last entry in each goes. */
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_4K, 0, 3 * SZ_2M, RW), 0);
	KUNIT_EXPECT_EQ(test, pt->tables, MVGPU_GPT_ROOT_TABLES + 1UL + 4);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, SZ_4K, SZ_2M - SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, pt->tables, MVGPU_GPT_ROOT_TABLES + 1UL + 3);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, 0, SZ_1G), 0);
	KUNIT_EXPECT_EQ(test, pt->tables, (unsigned long)MVGPU_GPT_ROOT_TABLES);
}

/* Guest-memory pages released, counted per 4 KiB page of IOVA. */
#define PUT_PAGES	2048
static void mvgpu_gpt_count_put(void *arg, u64 iova, u64 size)
{
	u8 *count = arg;
	u64 p;

	for (p = iova / SZ_4K; p < (iova + size) / SZ_4K; p++)
		if (p < PUT_PAGES)
			count[p]++;
}

/* Every removed guest-memory entry is released once, VRAM never. */
static void mvgpu_gpt_put_sysmem_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	u8 *count = kunit_kzalloc(test, PUT_PAGES, GFP_KERNEL);
	u32 sys = RW | MVGPU_GPT_SYSMEM;
	unsigned int p, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, count);
	pt->put_sysmem = mvgpu_gpt_count_put;
	pt->put_arg = count;
	/* IOVA pages 0..15 at 4 KiB, 512..1535 as two large pages, VRAM. */
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_1G, 0, SZ_64K, sys), 0);
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, SZ_2G, SZ_2M, SZ_4M, sys), 0);
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, 0, 0, SZ_4M, RW), 0);
	/* A failed map releases nothing: the pins stay the caller's. */
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_1G, SZ_1M, SZ_8K, sys), -EEXIST);
	KUNIT_EXPECT_NULL(test, memchr_inv(count, 0, PUT_PAGES));

	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, SZ_1G + SZ_4K, SZ_8K), 0);
	KUNIT_EXPECT_EQ(test, count[1] + count[2], 2);
	/* Part of a large page: split, then that part released. */
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, SZ_2G + SZ_64K, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, unmap_target(pt, SZ_2M + SZ_2M, SZ_2M, true, 600),
			(u64)SZ_2M);
	mvgpu_gpt_clear(pt);
	for (p = 0; p < PUT_PAGES; p++) {
		bool mapped = p < 16 || (p >= 512 && p < 1536);

		if (count[p] != mapped) {
			kunit_err(test, "IOVA page %u released %u times", p, count[p]);
			bad++;
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/* Unmapping in bounded pieces gets there, and frees the tables. */
static void mvgpu_gpt_unmap_budget_test(struct kunit *test)
{
	struct mvgpu_gpt *pt = test->priv;
	u64 va = SZ_1G, size = SZ_16M, left, done;
	unsigned int calls = 0;

	KUNIT_ASSERT_EQ(test, mvgpu_gpt_map(pt, va, SZ_4K, size, RW), 0);
	for (left = size; left; left -= done, va += done) {
		KUNIT_ASSERT_EQ(test, mvgpu_gpt_unmap_some(pt, va, left, 512, &done), 0);
		KUNIT_ASSERT_GT(test, done, 0ULL);
		KUNIT_ASSERT_LE(test, done, (u64)SZ_2M);
		calls++;
	}
	KUNIT_EXPECT_GE(test, calls, 8U);
	KUNIT_EXPECT_EQ(test, pt->mapped, 0ULL);
	KUNIT_EXPECT_EQ(test, pt->tables, (unsigned long)MVGPU_GPT_ROOT_TABLES);

	/* Holes: an empty terabyte takes about one call per GiB. */
	va = 0;
	for (left = MVGPU_GPT_VA_SIZE, calls = 0; left; left -= done, va += done) {
		KUNIT_ASSERT_EQ(test, mvgpu_gpt_unmap_some(pt, va, left, 512, &done), 0);
		calls++;
	}
	KUNIT_EXPECT_LE(test, calls, 3U);
}

/*
 * An owner that must not wait (an engine): with no page free at once a map
 * fails with -EAGAIN and changes nothing; with spares it takes them; the
 * tables it frees go back to the spares, so a retry never starves.
 */
static void mvgpu_gpt_nowait_test(struct kunit *test)
{
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	struct fault_attr *fa = &mvgpu_fail_nowait_attr;
	unsigned long prob = fa->probability, verbose = fa->verbose;
	int times = atomic_read(&fa->times);
	struct mvgpu_gpt *pt = test->priv;
	struct mvgpu_gpt_xlate x;
	u64 *pages[3];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = (u64 *)get_zeroed_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	pt->nowait = true;
	fa->probability = 100;
	fa->verbose = 0;
	atomic_set(&fa->times, -1);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_1G, 0, SZ_4K, RW), -EAGAIN);
	KUNIT_EXPECT_EQ(test, pt->tables, (unsigned long)MVGPU_GPT_ROOT_TABLES);
	KUNIT_EXPECT_EQ(test, pt->mapped, 0ULL);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_1G, RD, &x), -EFAULT);

	/* One spare is not enough (an L1 and an L0 table): still nothing. */
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_add_spares(pt, pages, 1), 1U);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_1G, 0, SZ_4K, RW), -EAGAIN);
	KUNIT_EXPECT_EQ(test, pt->nr_spare, 1U);	/* given back */
	KUNIT_EXPECT_EQ(test, pt->mapped, 0ULL);

	KUNIT_EXPECT_EQ(test, mvgpu_gpt_add_spares(pt, pages + 1, 2), 2U);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_map(pt, SZ_1G, 0, SZ_4K, RW), 0);
	KUNIT_EXPECT_EQ(test, pt->nr_spare, 1U);
	KUNIT_EXPECT_EQ(test, pt->tables, MVGPU_GPT_ROOT_TABLES + 2UL);
	KUNIT_EXPECT_EQ(test, tr(pt, SZ_1G, RW, &x), 0);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_unmap(pt, SZ_1G, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, pt->nr_spare, 3U);
	KUNIT_EXPECT_EQ(test, pt->tables, (unsigned long)MVGPU_GPT_ROOT_TABLES);

	fa->probability = prob;
	fa->verbose = verbose;
	atomic_set(&fa->times, times);
	pt->nowait = false;
#else
	KUNIT_FAIL(test, "needs CONFIG_FAULT_INJECTION_DEBUG_FS");
#endif
}

static struct kunit_case mvgpu_gpt_test_cases[] = {
	KUNIT_CASE(mvgpu_gpt_basic_test),
	KUNIT_CASE(mvgpu_gpt_permission_test),
	KUNIT_CASE(mvgpu_gpt_huge_test),
	KUNIT_CASE(mvgpu_gpt_bounds_test),
	KUNIT_CASE(mvgpu_gpt_overlap_test),
	KUNIT_CASE(mvgpu_gpt_unmap_target_test),
	KUNIT_CASE(mvgpu_gpt_unmap_target_pieces_test),
	KUNIT_CASE(mvgpu_gpt_random_test),
	KUNIT_CASE(mvgpu_gpt_tables_returned_test),
	KUNIT_CASE(mvgpu_gpt_put_sysmem_test),
	KUNIT_CASE(mvgpu_gpt_unmap_budget_test),
	KUNIT_CASE(mvgpu_gpt_nowait_test),
	{}
};

static struct kunit_suite mvgpu_gpt_test_suite = {
	.name = "mvgpu_gpt",
	.init = mvgpu_gpt_test_init,
	.exit = mvgpu_gpt_test_exit,
	.test_cases = mvgpu_gpt_test_cases,
};

kunit_test_suite(mvgpu_gpt_test_suite);
