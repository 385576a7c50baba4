// SPDX-License-Identifier: GPL-2.0
/*
 * The mvgpu command's decisions (tools/mvgpu/policy.c) on plain numbers:
 * where create puts a vGPU (pack, spread) and the entitled shares top and
 * metrics show.  TAP on stdout; exit 1 if a case fails.
 */
#include <math.h>
#include <string.h>

#include "../../tools/mvgpu/policy.h"
#include "../client/tap.h"

#define MiB (1024ull * 1024)

static const char *order_str(const unsigned int *o, unsigned int n, char *buf)
{
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		sprintf(buf + strlen(buf), "%s%u", i ? " " : "", o[i]);
	return buf;
}

static void check_order(const char *name, enum place_policy p,
			const struct place_gpu *g, unsigned int n,
			const char *want)
{
	unsigned int o[8];
	char got[64];

	order_str(o, place_order(p, g, n, o), got);
	if (!tap_ok(!strcmp(got, want), "%s: %s", name, want))
		tap_diag("got '%s'", got);
}

static void check_entitle(const char *name, enum sched_mode mode,
			  unsigned int engines, const struct entitle_vgpu *v,
			  unsigned int n, const double *want)
{
	double out[8];
	unsigned int i;
	int good = 1;

	entitle(mode, engines, v, n, out);
	for (i = 0; i < n; i++)
		if (fabs(out[i] - want[i]) > 0.01)
			good = 0;
	if (!tap_ok(good, "%s", name))
		for (i = 0; i < n; i++)
			tap_diag("vGPU %u: got %.3f want %.3f", i, out[i], want[i]);
}

int main(void)
{
	/* index, total, allocated, available, vGPUs */
	const struct place_gpu three[] = {
		{ 0, 1024 * MiB, 0, 4, 0 },
		{ 1, 1024 * MiB, 512 * MiB, 2, 2 },
		{ 2, 1024 * MiB, 1024 * MiB, 0, 1 },
	};
	const struct place_gpu empty[] = {
		{ 0, 1024 * MiB, 0, 8, 0 },
		{ 1, 1024 * MiB, 0, 8, 0 },
	};
	const struct place_gpu same_vram[] = {
		{ 0, 1024 * MiB, 256 * MiB, 6, 4 },
		{ 1, 1024 * MiB, 256 * MiB, 6, 1 },
	};
	const struct place_gpu sizes[] = {
		{ 0, 1024 * MiB, 512 * MiB, 4, 1 },	/* half full */
		{ 1, 4096 * MiB, 1024 * MiB, 24, 1 },	/* a quarter full, more free */
	};
	const struct place_gpu full[] = {
		{ 0, 1024 * MiB, 1024 * MiB, 0, 1 },
		{ 1, 1024 * MiB, 1024 * MiB, 0, 1 },
	};

	check_order("pack: the fullest GPU that has room first", PLACE_PACK, three, 3, "1 0");
	check_order("spread: the emptiest GPU first", PLACE_SPREAD, three, 3, "0 1");
	check_order("pack: empty GPUs in index order", PLACE_PACK, empty, 2, "0 1");
	check_order("spread: empty GPUs in index order", PLACE_SPREAD, empty, 2, "0 1");
	check_order("spread: same VRAM allocated, fewer vGPUs first",
		    PLACE_SPREAD, same_vram, 2, "1 0");
	check_order("spread: by the share of VRAM allocated, not bytes",
		    PLACE_SPREAD, sizes, 2, "1 0");
	check_order("pack: by free VRAM", PLACE_PACK, sizes, 2, "0 1");
	check_order("no GPU has room: none", PLACE_PACK, full, 2, "");
	check_order("no GPU has room: none (spread)", PLACE_SPREAD, full, 2, "");

	{
		const struct entitle_vgpu v[] = { { 1, 100, 1 }, { 2, 100, 1 }, { 4, 100, 1 } };
		const double w1[] = { 100.0 / 7, 200.0 / 7, 400.0 / 7 };
		const double w2[] = { 100.0 / 3, 200.0 / 3, 100 };
		const double eq[] = { 100.0 / 3, 100.0 / 3, 100.0 / 3 };
		const double fx[] = { 12, 25, 50 };

		check_entitle("mlfq, one engine: weight / sum of weights", SCHED_MLFQ, 1, v, 3, w1);
		check_entitle("mlfq, two engines: at most one engine each, the rest shared",
			      SCHED_MLFQ, 2, v, 3, w2);
		check_entitle("equal: weights do not count", SCHED_EQUAL, 1, v, 3, eq);
		check_entitle("rr: an equal share", SCHED_RR, 1, v, 3, eq);
		check_entitle("fixed: weight / 8 of an engine (as the scheduler rounds)",
			      SCHED_FIXED, 1, v, 3, fx);
	}
	{
		const struct entitle_vgpu v[] = { { 1, 20, 1 }, { 1, 100, 1 } };
		const double want[] = { 20, 80 };

		check_entitle("a cap gives its rest to the others", SCHED_MLFQ, 1, v, 2, want);
	}
	{
		const struct entitle_vgpu v[] = { { 8, 30, 1 }, { 1, 100, 1 }, { 1, 100, 1 } };
		const double want[] = { 30, 85, 85 };

		check_entitle("two engines, a capped heavy weight: the others fill up",
			      SCHED_MLFQ, 2, v, 3, want);
	}
	{
		const struct entitle_vgpu v[] = { { 1, 100, 1 }, { 2, 100, 1 }, { 4, 100, 0 } };
		const double want[] = { 100.0 / 3, 200.0 / 3, -1 };

		check_entitle("an idle vGPU counts for nothing and is owed nothing",
			      SCHED_MLFQ, 1, v, 3, want);
	}
	{
		const struct entitle_vgpu v[] = { { 1, 100, 0 } };
		const double want[] = { -1 };

		check_entitle("nobody busy", SCHED_MLFQ, 1, v, 1, want);
	}
	tap_ok(sched_mode_parse("mlfq") == SCHED_MLFQ && sched_mode_parse("fixed") == SCHED_FIXED &&
	       sched_mode_parse("equal") == SCHED_EQUAL && sched_mode_parse("rr") == SCHED_RR &&
	       sched_mode_parse("lottery") == -1, "scheduler mode names as the module prints them");
	return tap_failed ? 1 : 0;
}
