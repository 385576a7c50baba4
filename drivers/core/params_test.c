// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: module parameter validation.
 */

#include <kunit/test.h>

#include "params.h"
#include "sched/policy.h"

struct mvgpu_params_case {
	const char *desc;
	struct mvgpu_params p;
	bool valid;
};

#define P(g, v, e) { g, v, e, 1000, 100, 5000, 0 }
#define Q(ts, boost, wd, mode) { 1, 1024, 2, ts, boost, wd, mode }
/* g GPUs of v MiB on a host with ram MiB, overcommit allowed or not */
#define R(g, v, ram, oc) { g, v, 2, 1000, 100, 5000, 0, oc, ram }

static const struct mvgpu_params_case mvgpu_params_cases[] = {
	{ "defaults", P(1, 1024, 2), true },
	{ "smallest", P(1, 64, 1), true },
	{ "largest", P(8, 65536, 8), true },
	{ "no gpus", P(0, 1024, 2), false },
	{ "too many gpus", P(9, 1024, 2), false },
	{ "huge gpu count", P(UINT_MAX, 1024, 2), false },
	{ "vram too small", P(1, 32, 2), false },
	{ "vram zero", P(1, 0, 2), false },
	{ "vram too large", P(1, 131072, 2), false },
	{ "vram not a power of two", P(1, 96, 2), false },
	{ "vram odd", P(1, 1023, 2), false },
	{ "no engines", P(1, 1024, 0), false },
	{ "too many engines", P(1, 1024, 9), false },
	{ "scheduler extremes", Q(100, 10, 10, 3), true },
	{ "scheduler other extremes", Q(100000, 10000, 600000, 1), true },
	{ "slice too short", Q(99, 100, 5000, 0), false },
	{ "slice too long", Q(100001, 100, 5000, 0), false },
	{ "boost too often", Q(1000, 9, 5000, 0), false },
	{ "boost too rare", Q(1000, 10001, 5000, 0), false },
	{ "watchdog too short", Q(1000, 100, 9, 0), false },
	{ "watchdog too long", Q(1000, 100, 600001, 0), false },
	{ "unknown policy", Q(1000, 100, 5000, 4), false },
	{ "bad policy", Q(1000, 100, 5000, -22), false },
	{ "vram fits the host", R(2, 1024, 4096, false), true },
	{ "vram just fits the host", R(4, 1024, 4096, false), true },
	{ "vram larger than the host", R(1, 16384, 4096, false), false },
	{ "all gpus larger than the host", R(8, 1024, 4096, false), false },
	{ "vram larger than the host, overcommit", R(1, 16384, 4096, true), true },
	{ "host memory unknown", R(8, 65536, 0, false), true },
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
				      strstr(why, "engines") ||
				      strstr(why, "timeslice_us") ||
				      strstr(why, "boost_ms") ||
				      strstr(why, "watchdog_ms") ||
				      strstr(why, "sched"),
				      "reason names no parameter: %s", why);
	}
}

static void mvgpu_params_sched_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mvgpu_params_parse_sched("mlfq"), MVGPU_SCHED_MLFQ);
	KUNIT_EXPECT_EQ(test, mvgpu_params_parse_sched("rr"), MVGPU_SCHED_RR);
	KUNIT_EXPECT_EQ(test, mvgpu_params_parse_sched("equal"), MVGPU_SCHED_EQUAL);
	KUNIT_EXPECT_EQ(test, mvgpu_params_parse_sched("fixed"), MVGPU_SCHED_FIXED);
	KUNIT_EXPECT_EQ(test, mvgpu_params_parse_sched("MLFQ"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mvgpu_params_parse_sched(""), -EINVAL);
	KUNIT_EXPECT_STREQ(test, mvgpu_params_sched_name(MVGPU_SCHED_FIXED), "fixed");
	KUNIT_EXPECT_STREQ(test, mvgpu_params_sched_name(7), "?");
}

static struct kunit_case mvgpu_params_test_cases[] = {
	KUNIT_CASE_PARAM(mvgpu_params_check_test, mvgpu_params_gen_params),
	KUNIT_CASE(mvgpu_params_sched_test),
	{}
};

static struct kunit_suite mvgpu_params_test_suite = {
	.name = "mvgpu_params",
	.test_cases = mvgpu_params_test_cases,
};

kunit_test_suite(mvgpu_params_test_suite);
