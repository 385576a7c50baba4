// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: BAR0 register decoding.
 */

#include <kunit/test.h>
#include <linux/sizes.h>

#include "uapi/mvgpu.h"

#include "mmio.h"

static u32 rd(struct kunit *test, struct mvgpu_mmio *m, u32 off)
{
	unsigned int act = 0;
	u32 v = 0;

	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, off, &v, 4, false, &act), 0);
	KUNIT_EXPECT_EQ(test, act, 0U);
	return v;
}

static unsigned int wr(struct kunit *test, struct mvgpu_mmio *m, u32 off,
		       u32 v)
{
	unsigned int act = 0;

	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, off, &v, 4, true, &act), 0);
	return act;
}

static int mvgpu_mmio_test_init(struct kunit *test)
{
	struct mvgpu_mmio *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	if (!m)
		return -ENOMEM;
	mvgpu_mmio_init(m, 7, 6ULL * SZ_1G, 2, 1234, 16);
	test->priv = m;
	return 0;
}

static void mvgpu_mmio_identity_test(struct kunit *test)
{
	struct mvgpu_mmio *m = test->priv;

	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_ID), MVGPU_ID_MAGIC);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_VERSION), MVGPU_UAPI_VERSION);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_VGPU_ID), 7U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_VRAM_SIZE_LO), 0x80000000U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_VRAM_SIZE_HI), 1U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_NUM_ENGINES), 2U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_WATCHDOG_MS), 1234U);

	/* Read-only registers ignore writes and ask for nothing. */
	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_ID, 0), 0U);
	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_VGPU_ID, 99), 0U);
	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_INT_STATUS, ~0U), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_ID), MVGPU_ID_MAGIC);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_VGPU_ID), 7U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_INT_STATUS), 0U);
	/* Undefined offsets read zero. */
	KUNIT_EXPECT_EQ(test, rd(test, m, 0x1000), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_BAR0_SIZE - 4), 0U);
}

static void mvgpu_mmio_interrupt_test(struct kunit *test)
{
	struct mvgpu_mmio *m = test->priv;

	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_INT_MASK, ~0U),
			(unsigned int)MVGPU_MMIO_ACT_IRQ);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_INT_MASK), MVGPU_INT_ALL);
	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_SELFTEST, 0x55),
			(unsigned int)MVGPU_MMIO_ACT_IRQ);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_INT_STATUS), MVGPU_INT_SELFTEST);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_SELFTEST_DATA), 0x55U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_SELFTEST), 0U);
	m->int_status |= MVGPU_INT_FENCE;
	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_INT_ACK, MVGPU_INT_SELFTEST),
			(unsigned int)MVGPU_MMIO_ACT_IRQ);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_INT_STATUS), MVGPU_INT_FENCE);
}

static void mvgpu_mmio_actions_test(struct kunit *test)
{
	struct mvgpu_mmio *m = test->priv;

	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_DOORBELL, 0x40),
			(unsigned int)MVGPU_MMIO_ACT_DOORBELL);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_DOORBELL), 0x40U);
	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_RESET, 1), 0U);
	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_RESET, MVGPU_RESET_MAGIC),
			(unsigned int)MVGPU_MMIO_ACT_RESET);
	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_SCRATCH, 3), 0U);

	mvgpu_mmio_reset(m);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_DOORBELL), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_SCRATCH), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_VGPU_ID), 7U);
}

static void mvgpu_mmio_ring_test(struct kunit *test)
{
	struct mvgpu_mmio *m = test->priv;

	KUNIT_EXPECT_TRUE(test, rd(test, m, MVGPU_REG_CAPS) & MVGPU_CAP_ENGINE);
	wr(test, m, MVGPU_REG_RING_BASE_LO, 0x1000);
	wr(test, m, MVGPU_REG_RING_BASE_HI, 0x2);
	wr(test, m, MVGPU_REG_RING_SIZE, 0x4000);
	KUNIT_EXPECT_EQ(test, m->ctx[0].ring_base, 0x200001000ULL);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_RING_BASE_HI), 0x2U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_RING_SIZE), 0x4000U);

	/* Once the engine latched the ring, writes are ignored until reset. */
	m->ctx[0].ring_latched = true;
	wr(test, m, MVGPU_REG_RING_BASE_LO, 0x3000);
	wr(test, m, MVGPU_REG_RING_SIZE, 0x100);
	KUNIT_EXPECT_EQ(test, m->ctx[0].ring_base, 0x200001000ULL);
	KUNIT_EXPECT_EQ(test, m->ctx[0].ring_size, 0x4000U);

	/* Engine state is read-only to the guest. */
	m->ctx[0].ring_head = 0x40;
	m->ctx[0].status = MVGPU_ENGINE_STOPPED;
	m->ctx[0].error_code = MVGPU_ERR_RING;
	wr(test, m, MVGPU_REG_RING_HEAD, 0);
	wr(test, m, MVGPU_REG_ENGINE_STATUS, 0);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_RING_HEAD), 0x40U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_ENGINE_STATUS),
			(u32)MVGPU_ENGINE_STOPPED);

	KUNIT_EXPECT_EQ(test, wr(test, m, MVGPU_REG_RESET, MVGPU_RESET_ENGINE_MAGIC),
			(unsigned int)MVGPU_MMIO_ACT_ENGINE_RESET);
	m->int_mask = MVGPU_INT_ERROR;
	m->scratch = 5;
	mvgpu_mmio_engine_reset(m);
	KUNIT_EXPECT_FALSE(test, m->ctx[0].ring_latched);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_RING_SIZE), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_RING_HEAD), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_ERROR_CODE), 0U);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_ENGINE_STATUS),
			(u32)MVGPU_ENGINE_IDLE);
	/* ... and leaves what is not the engine's. */
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_INT_MASK), MVGPU_INT_ERROR);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_SCRATCH), 5U);
}

static void mvgpu_mmio_widths_test(struct kunit *test)
{
	struct mvgpu_mmio *m = test->priv;
	unsigned int act = 0;
	u64 v8 = 0;
	u16 v2 = 0xabcd;
	u8 v1 = 0x12;

	wr(test, m, MVGPU_REG_SCRATCH, 0x11223344);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, MVGPU_REG_SCRATCH + 2, &v2, 2, true, &act), 0);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_SCRATCH), 0xabcd3344U);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, MVGPU_REG_SCRATCH + 1, &v1, 1, true, &act), 0);
	KUNIT_EXPECT_EQ(test, rd(test, m, MVGPU_REG_SCRATCH), 0xabcd1244U);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, MVGPU_REG_SCRATCH + 3, &v1, 1, false, &act), 0);
	KUNIT_EXPECT_EQ(test, v1, 0xab);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, MVGPU_REG_VRAM_SIZE_LO, &v8, 8, false, &act), 0);
	KUNIT_EXPECT_EQ(test, v8, 6ULL * SZ_1G);

	/* Misaligned, odd-sized or out-of-bounds accesses are refused. */
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, 1, &v8, 4, false, &act), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, 4, &v8, 8, false, &act), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, 0, &v8, 3, false, &act), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, 0, &v8, 0, false, &act), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, MVGPU_BAR0_SIZE, &v8, 4, false, &act), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, MVGPU_BAR0_SIZE - 4, &v8, 8, false, &act),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_mmio_access(m, U32_MAX - 3, &v8, 4, true, &act), -EINVAL);
}

static struct kunit_case mvgpu_mmio_test_cases[] = {
	KUNIT_CASE(mvgpu_mmio_identity_test),
	KUNIT_CASE(mvgpu_mmio_interrupt_test),
	KUNIT_CASE(mvgpu_mmio_actions_test),
	KUNIT_CASE(mvgpu_mmio_ring_test),
	KUNIT_CASE(mvgpu_mmio_widths_test),
	{}
};

static struct kunit_suite mvgpu_mmio_test_suite = {
	.name = "mvgpu_mmio",
	.init = mvgpu_mmio_test_init,
	.test_cases = mvgpu_mmio_test_cases,
};

kunit_test_suite(mvgpu_mmio_test_suite);
