// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the software GPU's command processor on a context of its own
 * (VRAM from a pool, an address space, no core): how much one step may
 * do, and that a command preempted after every single step still gives
 * the exact result.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "mm/aspace.h"
#include "mm/pool.h"

#include "exec.h"
#include "sw.h"

#define VRAM		SZ_32M
#define RING		SZ_4K		/* 63 commands at VRAM 0 */
#define ARENA		SZ_1M

struct exec_fixture {
	struct mvgpu_pool pool;
	struct mvgpu_pool_alloc alloc;
	struct mvgpu_backend be;
	struct mvgpu_bvram *vram;
	struct mvgpu_aspace as;
	struct mvgpu_bctx *b;
	struct mvgpu_exec_bufs bufs;
	u32 tail;
};

/* The core, as far as the command processor calls it: nothing to do. */
static void exec_test_progress(struct mvgpu_ctx *ctx, u32 head, u64 done)
{
}

static void exec_test_interrupt(struct mvgpu_ctx *ctx, u32 causes)
{
}

static const struct mvgpu_core_ops exec_test_core = {
	.ctx_progress = exec_test_progress,
	.ctx_interrupt = exec_test_interrupt,
};

/* Steps run since the last call. */
static unsigned int steps(struct exec_fixture *x)
{
	unsigned int n = x->bufs.steps;

	x->bufs.steps = 0;
	return n;
}

static void *vram_ptr(struct exec_fixture *x, u64 off, bool alloc)
{
	struct page *page = mvgpu_sw_vram_page(x->vram, off, alloc);

	if (IS_ERR_OR_NULL(page))
		return NULL;
	return page_address(page) + offset_in_page(off);
}

static void vram_write(struct exec_fixture *x, u64 off, const void *p, size_t n)
{
	while (n) {
		size_t c = min_t(size_t, n, PAGE_SIZE - offset_in_page(off));

		memcpy(vram_ptr(x, off, true), p, c);
		off += c;
		p += c;
		n -= c;
	}
}

static void vram_read(struct exec_fixture *x, u64 off, void *p, size_t n)
{
	while (n) {
		size_t c = min_t(size_t, n, PAGE_SIZE - offset_in_page(off));
		void *v = vram_ptr(x, off, false);

		if (v)
			memcpy(p, v, c);
		else
			memset(p, 0, c);
		off += c;
		p += c;
		n -= c;
	}
}

static int exec_test_init(struct kunit *test)
{
	struct exec_fixture *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	const struct mvgpu_backend_ops *ops = &mvgpu_sw_backend_ops;
	int ret;

	if (!x)
		return -ENOMEM;
	x->be.cfg.watchdog_ms = 60000;
	x->be.core = &exec_test_core;
	ret = mvgpu_pool_init(&x->pool, VRAM);
	if (ret)
		return ret;
	ret = mvgpu_pool_alloc(&x->pool, VRAM, &x->alloc);
	if (ret)
		return ret;
	x->vram = ops->vram_create(&x->be, &x->alloc);
	if (IS_ERR(x->vram))
		return PTR_ERR(x->vram);
	ret = mvgpu_aspace_init(&x->as, VRAM, NULL, true);
	if (ret)
		return ret;
	x->b = ops->ctx_create(&x->be, NULL, x->vram, &x->as,
			       MVGPU_BCTX_PRIVILEGED);
	if (IS_ERR(x->b))
		return PTR_ERR(x->b);
	ops->ctx_set_ring(x->b, 0, RING, 0);
	ret = mvgpu_sw_bufs_alloc(&x->bufs);
	if (ret)
		return ret;
	test->priv = x;
	return 0;
}

static void exec_test_exit(struct kunit *test)
{
	struct exec_fixture *x = test->priv;
	const struct mvgpu_backend_ops *ops = &mvgpu_sw_backend_ops;

	mvgpu_sw_bufs_free(&x->bufs);
	ops->ctx_destroy(x->b);
	mvgpu_aspace_fini(&x->as);
	ops->vram_destroy(x->vram);
	mvgpu_pool_free(&x->pool, &x->alloc);
	mvgpu_pool_fini(&x->pool);
}

/* Put @cmd in the ring and make it the next to run. */
static void submit(struct exec_fixture *x, struct mvgpu_cmd cmd)
{
	vram_write(x, x->tail, &cmd, sizeof(cmd));
	x->tail = (x->tail + MVGPU_CMD_SIZE) % RING;
	mvgpu_sw_backend_ops.ctx_set_ring(x->b, 0, RING, x->tail);
}

/*
 * Run until the ring is empty; with @preempt_each, the engine is asked to
 * stop before every step, so each run does exactly one.  Returns the
 * number of runs, or 0 if the command faulted.
 */
static unsigned int run_all(struct kunit *test, struct exec_fixture *x,
			    bool preempt_each)
{
	bool preempt = preempt_each;
	unsigned int runs = 0;
	struct mvgpu_stop stop;

	do {
		mvgpu_exec_run(x->b, &x->bufs, &preempt, &stop);
		runs++;
	} while (stop.reason == MVGPU_STOP_PREEMPTED && runs < 10000000);
	KUNIT_EXPECT_EQ_MSG(test, stop.reason, MVGPU_STOP_EMPTY,
			    "error %u at %#llx", stop.fault.code, stop.fault.addr);
	return stop.reason == MVGPU_STOP_EMPTY ? runs : 0;
}

/* One step of a command that the engine was asked to stop before. */
static void one_step(struct kunit *test, struct exec_fixture *x)
{
	bool preempt = true;
	struct mvgpu_stop stop;

	mvgpu_exec_run(x->b, &x->bufs, &preempt, &stop);
	KUNIT_EXPECT_EQ(test, stop.reason, MVGPU_STOP_PREEMPTED);
	KUNIT_EXPECT_TRUE(test, stop.busy);
}

/*
 * A MAP or UNMAP of 16 MiB in 4 KiB pages: one step does at most
 * MVGPU_PT_STEP entries (64: 256 KiB), so it takes at least 64, and stops
 * when asked after one.
 */
static void exec_map_bounded_test(struct kunit *test)
{
	struct exec_fixture *x = test->priv;
	struct mvgpu_bctx *ctx = x->b;
	struct mvgpu_gpt_xlate xl;
	u64 va = SZ_1G;
	struct mvgpu_cmd map = { .opcode = MVGPU_OP_MAP, .map = { .va = va,
		.target = SZ_4K, .size = SZ_16M, .map_flags = MVGPU_MAP_READ } };
	struct mvgpu_cmd unmap = { .opcode = MVGPU_OP_UNMAP,
		.unmap = { .va = va, .size = SZ_16M } };

	submit(x, map);
	one_step(test, x);
	KUNIT_EXPECT_EQ(test, ctx->progress, (u64)MVGPU_PT_STEP * SZ_4K);
	steps(x);
	KUNIT_EXPECT_NE(test, run_all(test, x, false), 0U);
	KUNIT_EXPECT_GE(test, steps(x), SZ_16M / (MVGPU_PT_STEP * SZ_4K) - 1U);
	KUNIT_ASSERT_EQ(test, mvgpu_gpt_translate(&x->as.gpt, va + SZ_16M - 8,
						  MVGPU_GPT_READ, &xl), 0);
	KUNIT_EXPECT_EQ(test, xl.target, (u64)SZ_16M + SZ_4K - 8);

	submit(x, unmap);
	one_step(test, x);
	KUNIT_EXPECT_LE(test, ctx->progress, (u64)MVGPU_PT_STEP * SZ_4K);
	steps(x);
	KUNIT_EXPECT_NE(test, run_all(test, x, false), 0U);
	KUNIT_EXPECT_GE(test, steps(x), SZ_16M / (MVGPU_PT_STEP * SZ_4K) - 1U);
	KUNIT_EXPECT_EQ(test, mvgpu_gpt_translate(&x->as.gpt, va, MVGPU_GPT_READ, &xl),
			-EFAULT);
	/* Back to the reset mapping's tables: root and one L1. */
	KUNIT_EXPECT_EQ(test, x->as.gpt.tables, MVGPU_GPT_ROOT_TABLES + 1UL);
}

/* FILL and COPY stop after the page they are at once asked to. */
static void exec_copy_bounded_test(struct kunit *test)
{
	struct exec_fixture *x = test->priv;
	struct mvgpu_bctx *ctx = x->b;
	struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL,
		.fill = { .dst = ARENA, .size = SZ_1M, .value = 7 } };
	struct mvgpu_cmd copy = { .opcode = MVGPU_OP_COPY,
		.copy = { .dst = 2 * ARENA + 100, .src = ARENA, .size = SZ_1M } };

	submit(x, fill);
	one_step(test, x);
	KUNIT_EXPECT_EQ(test, ctx->progress, (u64)PAGE_SIZE);
	KUNIT_EXPECT_NE(test, run_all(test, x, false), 0U);
	submit(x, copy);
	one_step(test, x);
	KUNIT_EXPECT_LE(test, ctx->progress, (u64)PAGE_SIZE);
	KUNIT_EXPECT_NE(test, run_all(test, x, false), 0U);
}

/*
 * A MATMUL step does at most MVGPU_MATMUL_STEP_MACS (8192) products, even
 * with k = 4096, and only one once the engine is asked to stop.
 */
static void exec_matmul_bounded_test(struct kunit *test)
{
	struct exec_fixture *x = test->priv;
	struct mvgpu_bctx *ctx = x->b;
	u32 m = 2, n = 64, k = 4096;
	struct mvgpu_cmd mm = { .opcode = MVGPU_OP_KERNEL,
		.kernel = { .kind = MVGPU_KERNEL_MATMUL, .a = ARENA, .b = 2 * ARENA,
			    .c = 4 * ARENA, .m = m, .n = n, .k = k } };

	submit(x, mm);
	one_step(test, x);
	/* progress (i, j0, k0): row 0, first segment, one product per column */
	KUNIT_EXPECT_EQ(test, ctx->progress, 1ULL);
	steps(x);
	KUNIT_EXPECT_NE(test, run_all(test, x, false), 0U);
	KUNIT_EXPECT_GE(test, steps(x), m * n * k / 8192 - 1);
}

/*
 * Every opcode on random operands: run once straight through, once
 * preempted before every step; the results agree to the byte.
 */
static void exec_preempt_exact_test(struct kunit *test)
{
	struct exec_fixture *x = test->priv;
	static const u64 in = ARENA, out1 = 8 * ARENA, out2 = 16 * ARENA;
	struct rnd_state rnd;
	u8 *buf = kunit_kmalloc(test, 4 * ARENA, GFP_KERNEL);
	u8 *r1 = kunit_kmalloc(test, 4 * ARENA, GFP_KERNEL);
	u8 *r2 = kunit_kmalloc(test, 4 * ARENA, GFP_KERNEL);
	unsigned int pass, i;

	KUNIT_ASSERT_TRUE(test, buf && r1 && r2);
	prandom_seed_state(&rnd, 11);
	prandom_bytes_state(&rnd, buf, 4 * ARENA);
	vram_write(x, in, buf, 4 * ARENA);

	for (pass = 0; pass < 2; pass++) {
		u64 out = pass ? out2 : out1;
		struct mvgpu_cmd cmds[] = {
			{ .opcode = MVGPU_OP_FILL, .fill = { .dst = out, .size = 300000,
							     .value = 0xabcd1234 } },
			{ .opcode = MVGPU_OP_COPY, .copy = { .dst = out + 5, .src = in + 3,
							     .size = 700001 } },
			/* overlapping, backwards */
			{ .opcode = MVGPU_OP_COPY, .copy = { .dst = out + 4099, .src = out + 5,
							     .size = 300000 } },
			{ .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_VADD,
				.a = in, .b = in + ARENA, .c = out + ARENA, .n = 70000 } },
			{ .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_MATMUL,
				.a = in, .b = in + ARENA, .c = out + 2 * ARENA,
				.m = 33, .n = 1500, .k = 97 } },
			{ .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_MATMUL,
				.a = in, .b = in + 2 * ARENA, .c = out + 3 * ARENA,
				.m = 3, .n = 5, .k = 4096 } },
			{ .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_REDUCE,
				.a = in, .c = out + 3 * ARENA + SZ_512K, .n = 200000 } },
		};

		for (i = 0; i < ARRAY_SIZE(cmds); i++) {
			submit(x, cmds[i]);
			KUNIT_EXPECT_NE_MSG(test, run_all(test, x, pass), 0U,
					    "command %u, pass %u", i, pass);
		}
		vram_read(x, out, pass ? r2 : r1, 4 * ARENA);
	}
	KUNIT_EXPECT_EQ(test, memcmp(r1, r2, 4 * ARENA), 0);
	/* And the MATMUL of 33x1500x97 is right, checked at a few places. */
	for (i = 0; i < 20; i++) {
		u32 row = prandom_u32_state(&rnd) % 33, col = prandom_u32_state(&rnd) % 1500;
		u32 sum = 0, kk, got;

		for (kk = 0; kk < 97; kk++)
			sum += le32_to_cpu(((__le32 *)buf)[row * 97 + kk]) *
			       le32_to_cpu(((__le32 *)(buf + ARENA))[kk * 1500 + col]);
		memcpy(&got, r2 + 2 * ARENA + ((u64)row * 1500 + col) * 4, 4);
		KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)got), sum);
	}
}

/* Restore @st as a migration does: the ring the core latched goes first. */
static int restore(struct exec_fixture *x, const struct mvgpu_sw_state *st,
		   const char **why)
{
	const struct mvgpu_backend_ops *ops = &mvgpu_sw_backend_ops;

	*why = NULL;
	ops->ctx_set_ring(x->b, 0, RING, x->tail);
	return ops->ctx_restore(x->b, 0, st, sizeof(*st), why) ?:
	       ops->ctx_restore_end(x->b, sizeof(*st), why);
}

/* @st is refused, says why, and leaves the engine state as after a reset. */
static void refused(struct kunit *test, struct exec_fixture *x,
		    const struct mvgpu_sw_state *st, const char *what)
{
	const char *why;

	KUNIT_EXPECT_EQ_MSG(test, restore(x, st, &why), -EINVAL, "%s", what);
	KUNIT_EXPECT_NOT_NULL_MSG(test, why, "%s", what);
	KUNIT_EXPECT_FALSE_MSG(test, x->b->cmd_active, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, x->b->ring_size, 0U, "%s", what);
}

/*
 * An engine state from a migration stream is hostile input: one saved in
 * the middle of a MATMUL comes back exactly; with a host answer to no
 * request, an answer the core never gives, or more engine time than any
 * watchdog allows, it is refused and says why.
 */
static void exec_restore_checks_test(struct kunit *test)
{
	const struct mvgpu_backend_ops *ops = &mvgpu_sw_backend_ops;
	struct exec_fixture *x = test->priv;
	struct mvgpu_cmd mm = { .opcode = MVGPU_OP_KERNEL,
		.kernel = { .kind = MVGPU_KERNEL_MATMUL, .a = ARENA, .b = 2 * ARENA,
			    .c = 4 * ARENA, .m = 2, .n = 64, .k = 4096 } };
	struct mvgpu_cmd map = { .opcode = MVGPU_OP_MAP, .map = { .va = SZ_1G,
		.target = SZ_4G, .size = SZ_64K,
		.map_flags = MVGPU_MAP_READ | MVGPU_MAP_SYSMEM } };
	struct mvgpu_sw_state st, e;
	const char *why;

	submit(x, mm);
	one_step(test, x);
	x->b->cmd_ns = U64_MAX;	/* a command past its budget saves at it */
	KUNIT_ASSERT_EQ(test, ops->ctx_image_size(x->b), (u64)sizeof(st));
	KUNIT_ASSERT_EQ(test, ops->ctx_save(x->b, 0, &st, sizeof(st)), 0);
	KUNIT_EXPECT_EQ(test, st.cmd_ns, 60000ULL * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, restore(x, &st, &why), 0);
	KUNIT_EXPECT_TRUE(test, x->b->cmd_active);
	KUNIT_EXPECT_EQ(test, x->b->progress, 1ULL);
	/* Read and handed back in pieces, as a migration may move it. */
	KUNIT_ASSERT_EQ(test, ops->ctx_save(x->b, 40, (u8 *)&e + 40,
					    sizeof(e) - 40), 0);
	KUNIT_ASSERT_EQ(test, ops->ctx_save(x->b, 0, &e, 40), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&e, &st, sizeof(e)), 0);
	KUNIT_EXPECT_EQ(test, ops->ctx_save(x->b, 40, &e, sizeof(e)), -EINVAL);
	ops->ctx_set_ring(x->b, 0, RING, x->tail);
	KUNIT_EXPECT_EQ(test, ops->ctx_restore(x->b, 0, &st, 40, &why), 0);
	KUNIT_EXPECT_EQ(test, ops->ctx_restore(x->b, 48, (u8 *)&st + 48, 8, &why),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ops->ctx_restore(x->b, 0, &st, 40, &why), 0);
	KUNIT_EXPECT_EQ(test, ops->ctx_restore_end(x->b, 40, &why), -EINVAL);
	KUNIT_EXPECT_FALSE(test, x->b->cmd_active);
	ops->ctx_set_ring(x->b, 0, RING, x->tail);
	KUNIT_EXPECT_EQ(test, ops->ctx_restore(x->b, 0, &st, 40, &why), 0);
	KUNIT_EXPECT_EQ(test, ops->ctx_restore(x->b, 40, (u8 *)&st + 40,
					       sizeof(st) - 40, &why), 0);
	KUNIT_EXPECT_EQ(test, ops->ctx_restore_end(x->b, sizeof(st), &why), 0);
	KUNIT_EXPECT_TRUE(test, x->b->cmd_active);
	KUNIT_EXPECT_EQ(test, x->b->progress, 1ULL);

	e = st;
	e.tail = 0;
	refused(test, x, &e, "another ring tail");
	e = st;
	e.cmd_ns = (u64)MVGPU_WATCHDOG_MAX_MS * NSEC_PER_MSEC + 1;
	refused(test, x, &e, "engine time beyond any watchdog");
	e = st;
	e.host_result.code = MVGPU_ERR_BAD_MAP;
	refused(test, x, &e, "a host answer to no request");
	e = st;
	e.host = MVGPU_HOST_ANSWERED;
	refused(test, x, &e, "a host answer to a MATMUL");

	/* A MAP of guest memory the core has answered. */
	e = st;
	e.cmd = map;
	e.progress = 0;
	e.acc = 0;
	e.host = MVGPU_HOST_ANSWERED;
	e.host_result = (struct mvgpu_fault){ .code = MVGPU_ERR_BAD_MAP,
		.info = MVGPU_OP_MAP | MVGPU_MAP_ERR_PIN << MVGPU_ERR_REASON_SHIFT,
		.addr = SZ_4G + SZ_4K };
	KUNIT_EXPECT_EQ(test, restore(x, &e, &why), 0);
	e.host_result.addr = SZ_4G + SZ_64K;
	refused(test, x, &e, "a pin failure outside the MAP");
	e.host_result.addr = SZ_4G;
	e.host_result.info = MVGPU_OP_MAP | 9 << MVGPU_ERR_REASON_SHIFT;
	refused(test, x, &e, "an unknown MAP error reason");
	e.host_result = (struct mvgpu_fault){ .code = MVGPU_ERR_TIMEOUT,
		.info = MVGPU_OP_MAP };
	refused(test, x, &e, "a host answer with a timeout");
	e.host_result = (struct mvgpu_fault){ .addr = SZ_1G };
	refused(test, x, &e, "a success with an address");
	e.host_result = (struct mvgpu_fault){ .code = MVGPU_ERR_NO_MEMORY,
		.info = MVGPU_OP_MAP, .addr = SZ_1G };
	KUNIT_EXPECT_EQ(test, restore(x, &e, &why), 0);
}

/*
 * A WAIT keeps when it started waiting, on the clock of the host that ran
 * it: restored, its watchdog starts again on this host's clock, so a
 * stream from a host whose clock is elsewhere does not time it out at
 * once.
 */
static void exec_restore_wait_test(struct kunit *test)
{
	const struct mvgpu_backend_ops *ops = &mvgpu_sw_backend_ops;
	struct exec_fixture *x = test->priv;
	struct mvgpu_cmd wait = { .opcode = MVGPU_OP_WAIT,
		.wait = { .addr = ARENA, .value = 1 } };
	struct mvgpu_sw_state st;
	struct mvgpu_stop stop;
	bool preempt = false;
	const char *why;
	u64 t0;

	submit(x, wait);
	mvgpu_exec_run(x->b, &x->bufs, &preempt, &stop);
	KUNIT_ASSERT_EQ(test, stop.reason, MVGPU_STOP_BLOCKED);
	KUNIT_ASSERT_EQ(test, ops->ctx_image_size(x->b), (u64)sizeof(st));
	KUNIT_ASSERT_EQ(test, ops->ctx_save(x->b, 0, &st, sizeof(st)), 0);
	KUNIT_ASSERT_NE(test, st.progress, 0ULL);
	/* Started on a host whose clock is an hour ahead of this one's. */
	st.progress = ktime_get_ns() + 3600ULL * NSEC_PER_SEC;
	t0 = ktime_get_ns();
	KUNIT_ASSERT_EQ(test, restore(x, &st, &why), 0);
	KUNIT_EXPECT_GT(test, x->b->progress, t0);
	KUNIT_EXPECT_LE(test, x->b->progress, ktime_get_ns() + 1);
	mvgpu_exec_run(x->b, &x->bufs, &preempt, &stop);
	KUNIT_EXPECT_EQ(test, stop.reason, MVGPU_STOP_BLOCKED);
}

/*
 * COPY is memmove() on GPU VAs: word-aligned and not, overlapping either
 * way and not, across pages; FILL with zero and not.  Checked against
 * the same operations on a kernel buffer.
 */
static void exec_copy_exact_test(struct kunit *test)
{
	struct exec_fixture *x = test->priv;
	static const struct { s64 dst, src; u64 size; } c[] = {
		{ 8, 0, 20000 },	/* overlapping, forward */
		{ 0, 24, 20000 },	/* overlapping, dst before src */
		{ 40, 8, 30000 },	/* overlapping, backward */
		{ 4096 + 64, 64, 8192 },	/* backward, page-sized shift */
		{ 12, 4, 10004 },	/* 4-aligned only */
		{ 3, 1, 9999 },		/* unaligned */
		{ 50000, 0, 40000 },	/* apart */
	};
	static const u64 base = 2 * ARENA;
	struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL,
		.fill = { .dst = base + 4096 - 8, .size = 4096 + 16 } };
	u8 *want = kunit_kmalloc(test, ARENA, GFP_KERNEL);
	u8 *got = kunit_kmalloc(test, ARENA, GFP_KERNEL);
	struct rnd_state rnd;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, want && got);
	prandom_seed_state(&rnd, 12);
	prandom_bytes_state(&rnd, want, ARENA);
	vram_write(x, base, want, ARENA);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct mvgpu_cmd copy = { .opcode = MVGPU_OP_COPY,
			.copy = { .dst = base + c[i].dst, .src = base + c[i].src,
				  .size = c[i].size } };

		submit(x, copy);
		KUNIT_EXPECT_NE(test, run_all(test, x, i & 1), 0U);
		memmove(want + c[i].dst, want + c[i].src, c[i].size);
	}
	submit(x, fill);
	KUNIT_EXPECT_NE(test, run_all(test, x, false), 0U);
	memset(want + 4096 - 8, 0, 4096 + 16);
	vram_read(x, base, got, ARENA);
	KUNIT_EXPECT_EQ(test, memcmp(want, got, ARENA), 0);
}

/*
 * Contexts (uapi 0.4): a privileged context hands MAP naming another
 * context and the context commands to the core with their fields; an
 * unprivileged one faults on them, PRIVILEGED, and runs the rest.
 */
static void exec_privilege_test(struct kunit *test)
{
	const struct mvgpu_cmd create = {
		.opcode = MVGPU_OP_CTX_CREATE, .context = { .ctx = 7, .prio = 3 },
	};
	const struct mvgpu_cmd map = {
		.opcode = MVGPU_OP_MAP,
		.map = { .va = 0x100000, .size = 0x1000, .ctx = 2,
			 .map_flags = MVGPU_MAP_READ },
	};
	const struct mvgpu_cmd fill = {
		.opcode = MVGPU_OP_FILL, .fill = { .dst = ARENA, .size = 64 },
	};
	const struct mvgpu_cmd unmap = {
		.opcode = MVGPU_OP_UNMAP, .unmap = { .va = 0, .size = 0x1000 },
	};
	struct exec_fixture *x = test->priv;
	struct mvgpu_stop stop;
	bool preempt = false;

	submit(x, create);
	mvgpu_exec_run(x->b, &x->bufs, &preempt, &stop);
	KUNIT_ASSERT_EQ(test, stop.reason, MVGPU_STOP_HOST);
	KUNIT_EXPECT_EQ(test, stop.host.op, (u32)MVGPU_OP_CTX_CREATE);
	KUNIT_EXPECT_EQ(test, stop.host.ctx, 7U);
	KUNIT_EXPECT_EQ(test, stop.host.prio, 3U);
	mvgpu_sw_backend_ops.ctx_host_done(x->b, &(struct mvgpu_fault){ 0 });
	KUNIT_EXPECT_GT(test, run_all(test, x, false), 0U);

	submit(x, map);
	mvgpu_exec_run(x->b, &x->bufs, &preempt, &stop);
	KUNIT_ASSERT_EQ(test, stop.reason, MVGPU_STOP_HOST);
	KUNIT_EXPECT_EQ(test, stop.host.op, (u32)MVGPU_OP_MAP);
	KUNIT_EXPECT_EQ(test, stop.host.ctx, 2U);
	KUNIT_EXPECT_EQ(test, stop.host.flags, (u32)MVGPU_GPT_READ);
	/* The core's answer faults it: BAD_CONTEXT at the command. */
	mvgpu_sw_backend_ops.ctx_host_done(x->b, &(struct mvgpu_fault){
		.code = MVGPU_ERR_BAD_CONTEXT,
		.info = MVGPU_OP_MAP | MVGPU_CTX_ERR_ABSENT << MVGPU_ERR_REASON_SHIFT,
		.addr = x->tail - MVGPU_CMD_SIZE });
	mvgpu_exec_run(x->b, &x->bufs, &preempt, &stop);
	KUNIT_EXPECT_EQ(test, stop.reason, MVGPU_STOP_FAULT);
	KUNIT_EXPECT_EQ(test, stop.fault.code, (u32)MVGPU_ERR_BAD_CONTEXT);

	/* An unprivileged context. */
	mvgpu_sw_backend_ops.ctx_destroy(x->b);
	x->b = mvgpu_sw_backend_ops.ctx_create(&x->be, NULL, x->vram, &x->as, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(x->b));
	x->tail = 0;
	mvgpu_sw_backend_ops.ctx_set_ring(x->b, 0, RING, 0);
	submit(x, fill);
	KUNIT_EXPECT_GT(test, run_all(test, x, false), 0U);
	submit(x, unmap);
	mvgpu_exec_run(x->b, &x->bufs, &preempt, &stop);
	KUNIT_EXPECT_EQ(test, stop.reason, MVGPU_STOP_FAULT);
	KUNIT_EXPECT_EQ(test, stop.fault.code, (u32)MVGPU_ERR_PRIVILEGED);
	KUNIT_EXPECT_EQ(test, stop.fault.info, (u32)MVGPU_OP_UNMAP);
	KUNIT_EXPECT_EQ(test, stop.fault.addr, (u64)MVGPU_CMD_SIZE);
	/* Nothing was unmapped: VA 0 still translates. */
	KUNIT_EXPECT_EQ(test, mvgpu_aspace_translate(&x->as, 0, MVGPU_GPT_READ,
						     &(struct mvgpu_gpt_xlate){ 0 },
						     &(u64){ 0 }), 0);
}

static struct kunit_case exec_test_cases[] = {
	KUNIT_CASE(exec_map_bounded_test),
	KUNIT_CASE(exec_copy_bounded_test),
	KUNIT_CASE(exec_copy_exact_test),
	KUNIT_CASE(exec_matmul_bounded_test),
	KUNIT_CASE(exec_preempt_exact_test),
	KUNIT_CASE(exec_restore_checks_test),
	KUNIT_CASE(exec_restore_wait_test),
	KUNIT_CASE(exec_privilege_test),
	{}
};

static struct kunit_suite exec_test_suite = {
	.name = "mvgpu_exec",
	.init = exec_test_init,
	.exit = exec_test_exit,
	.test_cases = exec_test_cases,
};

kunit_test_suite(exec_test_suite);
