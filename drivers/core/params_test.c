// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: module parameter validation.
 */

#include <kunit/test.h>

#include "params.h"

struct mvgpu_params_case {
	const char *desc;
	struct mvgpu_params p;
	bool valid;
};

static const struct mvgpu_params_case mvgpu_params_cases[] = {
	{ "defaults", { 1, 1024, 2 }, true },
	{ "smallest", { 1, 64, 1 }, true },
	{ "largest", { 8, 65536, 8 }, true },
	{ "no gpus", { 0, 1024, 2 }, false },
	{ "too many gpus", { 9, 1024, 2 }, false },
	{ "huge gpu count", { UINT_MAX, 1024, 2 }, false },
	{ "vram too small", { 1, 32, 2 }, false },
	{ "vram zero", { 1, 0, 2 }, false },
	{ "vram too large", { 1, 131072, 2 }, false },
	{ "vram not a power of two", { 1, 96, 2 }, false },
	{ "vram odd", { 1, 1023, 2 }, false },
	{ "no engines", { 1, 1024, 0 }, false },
	{ "too many engines", { 1, 1024, 9 }, false },
};

static void mvgpu_params_case_desc(const struct mvgpu_params_case *c,
				   char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(mvgpu_params, mvgpu_params_cases, mvgpu_params_case_desc);

static void mvgpu_params_check_test(struct kunit *test)
{
	const struct mvgpu_params_case *c = test->param_value;
	const char *why = mvgpu_params_check(&c->p);

	if (c->valid) {
		KUNIT_EXPECT_NULL_MSG(test, why, "rejected: %s", why);
	} else {
		KUNIT_ASSERT_NOT_NULL(test, why);
		/* The reason names the parameter, for the admin's dmesg. */
		KUNIT_EXPECT_TRUE_MSG(test, strstr(why, "num_gpus") ||
				      strstr(why, "vram_mb") ||
				      strstr(why, "engines"),
				      "reason names no parameter: %s", why);
	}
}

static struct kunit_case mvgpu_params_test_cases[] = {
	KUNIT_CASE_PARAM(mvgpu_params_check_test, mvgpu_params_gen_params),
	{}
};

static struct kunit_suite mvgpu_params_test_suite = {
	.name = "mvgpu_params",
	.test_cases = mvgpu_params_test_cases,
};

kunit_test_suite(mvgpu_params_test_suite);
