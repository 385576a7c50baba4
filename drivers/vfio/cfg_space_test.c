// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: PCI config space emulation.
 */

#include <kunit/test.h>
#include <linux/sizes.h>

#include "cfg_space.h"

static u32 cfg_rd(struct kunit *test, struct mvgpu_cfg *cfg, unsigned int off,
		  unsigned int len)
{
	u32 v = 0;

	KUNIT_EXPECT_EQ(test, mvgpu_cfg_read(cfg, off, &v, len), 0);
	return v;
}

static void cfg_wr(struct kunit *test, struct mvgpu_cfg *cfg, unsigned int off,
		   u32 v, unsigned int len)
{
	KUNIT_EXPECT_EQ(test, mvgpu_cfg_write(cfg, off, &v, len), 0);
}

static int mvgpu_cfg_test_init(struct kunit *test)
{
	struct mvgpu_cfg *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);

	if (!cfg)
		return -ENOMEM;
	mvgpu_cfg_init(cfg, 4, MVGPU_BAR0_SIZE, SZ_256M);
	test->priv = cfg;
	return 0;
}

static void mvgpu_cfg_ids_test(struct kunit *test)
{
	struct mvgpu_cfg *cfg = test->priv;

	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_VENDOR_ID, 2), MVGPU_PCI_VENDOR_ID);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_DEVICE_ID, 2), MVGPU_PCI_DEVICE_ID);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_CLASS_DEVICE, 2), 0x0302U);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_REVISION_ID, 1), MVGPU_PCI_REVISION);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_SUBSYSTEM_ID, 2), 4U);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_INTERRUPT_PIN, 1), 1U);

	/* Read-only: writes change nothing. */
	cfg_wr(test, cfg, PCI_VENDOR_ID, 0xffffffff, 4);
	cfg_wr(test, cfg, PCI_CLASS_REVISION, 0, 4);
	cfg_wr(test, cfg, PCI_CAPABILITY_LIST, 0, 1);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_VENDOR_ID, 2), MVGPU_PCI_VENDOR_ID);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_CLASS_DEVICE, 2), 0x0302U);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_CAPABILITY_LIST, 1),
			(u32)MVGPU_PCI_CAP_MSI);
}

static void mvgpu_cfg_bar_sizing_test(struct kunit *test)
{
	struct mvgpu_cfg *cfg = test->priv;
	unsigned int bar;

	cfg_wr(test, cfg, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_BASE_ADDRESS_0, 4), 0xffff0000U);

	cfg_wr(test, cfg, PCI_BASE_ADDRESS_2, 0xffffffff, 4);
	cfg_wr(test, cfg, PCI_BASE_ADDRESS_3, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_BASE_ADDRESS_2, 4),
			0xf0000000U | PCI_BASE_ADDRESS_MEM_TYPE_64 |
			PCI_BASE_ADDRESS_MEM_PREFETCH);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_BASE_ADDRESS_3, 4), 0xffffffffU);

	/* An address is kept, the low bits a 64 KiB BAR decodes are not. */
	cfg_wr(test, cfg, PCI_BASE_ADDRESS_0, 0xfebc1234, 4);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_BASE_ADDRESS_0, 4), 0xfebc0000U);

	for (bar = 0; bar < 6; bar++) {
		if (bar == 0 || bar == 2 || bar == 3)
			continue;
		cfg_wr(test, cfg, PCI_BASE_ADDRESS_0 + 4 * bar, 0xffffffff, 4);
		KUNIT_EXPECT_EQ_MSG(test, cfg_rd(test, cfg, PCI_BASE_ADDRESS_0 + 4 * bar, 4),
				    0U, "BAR%u", bar);
	}
	cfg_wr(test, cfg, PCI_ROM_ADDRESS, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_ROM_ADDRESS, 4), 0U);
}

/* A BAR larger than 4 GiB puts size bits in the upper dword too. */
static void mvgpu_cfg_bar_large_test(struct kunit *test)
{
	struct mvgpu_cfg *cfg = test->priv;

	mvgpu_cfg_init(cfg, 1, MVGPU_BAR0_SIZE, 16ULL * SZ_1G);
	cfg_wr(test, cfg, PCI_BASE_ADDRESS_2, 0xffffffff, 4);
	cfg_wr(test, cfg, PCI_BASE_ADDRESS_3, 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_BASE_ADDRESS_2, 4) & ~0xfU, 0U);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_BASE_ADDRESS_3, 4), 0xfffffffcU);
}

static void mvgpu_cfg_command_test(struct kunit *test)
{
	struct mvgpu_cfg *cfg = test->priv;

	cfg_wr(test, cfg, PCI_COMMAND, 0xffff, 2);
	KUNIT_EXPECT_EQ(test, (u32)mvgpu_cfg_command(cfg),
			(u32)(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			      PCI_COMMAND_INTX_DISABLE));
	/* Status is read-only here: no error bits to clear. */
	cfg_wr(test, cfg, PCI_STATUS, 0xffff, 2);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, PCI_STATUS, 2), (u32)PCI_STATUS_CAP_LIST);

	mvgpu_cfg_reset(cfg);
	KUNIT_EXPECT_EQ(test, (u32)mvgpu_cfg_command(cfg), 0U);
}

static void mvgpu_cfg_cap_walk_test(struct kunit *test)
{
	struct mvgpu_cfg *cfg = test->priv;
	unsigned int pos, caps = 0, msi = 0;

	KUNIT_ASSERT_TRUE(test, cfg_rd(test, cfg, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	/* Walk as the PCI core does, with a bound against loops. */
	for (pos = cfg_rd(test, cfg, PCI_CAPABILITY_LIST, 1); pos && caps < 48;
	     pos = cfg_rd(test, cfg, pos + PCI_CAP_LIST_NEXT, 1)) {
		KUNIT_ASSERT_GE(test, pos, 0x40U);
		KUNIT_ASSERT_EQ(test, pos & 3, 0U);
		if (cfg_rd(test, cfg, pos + PCI_CAP_LIST_ID, 1) == PCI_CAP_ID_MSI)
			msi = pos;
		caps++;
	}
	KUNIT_EXPECT_EQ(test, caps, 1U);
	KUNIT_ASSERT_EQ(test, msi, (unsigned int)MVGPU_PCI_CAP_MSI);

	/* MSI: enable and the 64-bit message are writable, nothing else. */
	cfg_wr(test, cfg, msi + PCI_MSI_FLAGS, 0xffff, 2);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, msi + PCI_MSI_FLAGS, 2),
			(u32)(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE));
	cfg_wr(test, cfg, msi + PCI_MSI_ADDRESS_LO, 0xfee00003, 4);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, msi + PCI_MSI_ADDRESS_LO, 4), 0xfee00000U);
	cfg_wr(test, cfg, msi + PCI_MSI_DATA_64, 0x12345678, 4);
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, msi + PCI_MSI_DATA_64, 4), 0x5678U);
}

static void mvgpu_cfg_bounds_test(struct kunit *test)
{
	struct mvgpu_cfg *cfg = test->priv;
	u8 buf[8] = { };

	KUNIT_EXPECT_EQ(test, mvgpu_cfg_read(cfg, 0, buf, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_cfg_read(cfg, 256, buf, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_cfg_read(cfg, 255, buf, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_cfg_write(cfg, 253, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_cfg_write(cfg, UINT_MAX, buf, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_cfg_read(cfg, 255, buf, 1), 0);
	/* Unaligned reads see the same bytes as aligned ones. */
	KUNIT_EXPECT_EQ(test, cfg_rd(test, cfg, 1, 2), 0x4712U);
}

static struct kunit_case mvgpu_cfg_test_cases[] = {
	KUNIT_CASE(mvgpu_cfg_ids_test),
	KUNIT_CASE(mvgpu_cfg_bar_sizing_test),
	KUNIT_CASE(mvgpu_cfg_bar_large_test),
	KUNIT_CASE(mvgpu_cfg_command_test),
	KUNIT_CASE(mvgpu_cfg_cap_walk_test),
	KUNIT_CASE(mvgpu_cfg_bounds_test),
	{}
};

static struct kunit_suite mvgpu_cfg_test_suite = {
	.name = "mvgpu_cfg_space",
	.init = mvgpu_cfg_test_init,
	.test_cases = mvgpu_cfg_test_cases,
};

kunit_test_suite(mvgpu_cfg_test_suite);
