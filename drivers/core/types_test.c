// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the vGPU type table.
 */

#include <kunit/test.h>
#include <linux/log2.h>
#include <linux/sizes.h>

#include <mvgpu/types.h>

static void mvgpu_types_table_test(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < MVGPU_NUM_TYPES; i++) {
		const struct mvgpu_profile *p = &mvgpu_profiles[i];

		KUNIT_EXPECT_TRUE(test, is_power_of_2(p->divisor));
		KUNIT_EXPECT_LE(test, p->divisor, 16U);
		/* Weight proportional to the VRAM share, 8 for the whole GPU, >= 1 */
		KUNIT_EXPECT_EQ(test, p->weight, max(1U, 8 / p->divisor));
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

static struct kunit_case mvgpu_types_test_cases[] = {
	KUNIT_CASE(mvgpu_types_table_test),
	KUNIT_CASE(mvgpu_types_vram_test),
	{}
};

static struct kunit_suite mvgpu_types_test_suite = {
	.name = "mvgpu_types",
	.test_cases = mvgpu_types_test_cases,
};

kunit_test_suite(mvgpu_types_test_suite);
