// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of the module parameters.
 *
 * Kept apart from module.c so that KUnit can feed it every bad value without
 * loading a second copy of the module.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/string.h>

#include <mvgpu/backend.h>

#include "sched/policy.h"

#include "params.h"

/* Backends bound a migrated command's engine time by the largest watchdog. */
static_assert(MVGPU_MAX_WATCHDOG_MS == MVGPU_WATCHDOG_MAX_MS);

/**
 * mvgpu_params_check() - validate load-time parameters
 * @p: the parameters as given on the insmod/modprobe command line
 *
 * VRAM must be a power of two so that every type (1/16 ... 1/1 of it) is a
 * whole number of 2 MiB large pages; and, unless @p->vram_overcommit, all
 * GPUs' VRAM together no more than the host's memory, since every byte of
 * it that a tenant touches is host memory.
 *
 * Context: any.
 * Return: NULL if @p is valid, otherwise a static string saying which
 * parameter is wrong and why, for the caller to print.
 */
const char *mvgpu_params_check(const struct mvgpu_params *p)
{
	if (p->num_gpus < 1 || p->num_gpus > MVGPU_MAX_GPUS)
		return "num_gpus must be between 1 and 8";
	if (p->vram_mb < MVGPU_MIN_VRAM_MB || p->vram_mb > MVGPU_MAX_VRAM_MB)
		return "vram_mb must be between 64 and 65536";
	if (!is_power_of_2(p->vram_mb))
		return "vram_mb must be a power of two";
	if (p->engines < 1 || p->engines > MVGPU_MAX_ENGINES)
		return "engines must be between 1 and 8";
	if (p->timeslice_us < MVGPU_MIN_TIMESLICE_US ||
	    p->timeslice_us > MVGPU_MAX_TIMESLICE_US)
		return "timeslice_us must be between 100 and 100000";
	if (p->boost_ms < MVGPU_MIN_BOOST_MS || p->boost_ms > MVGPU_MAX_BOOST_MS)
		return "boost_ms must be between 10 and 10000";
	if (p->watchdog_ms < MVGPU_MIN_WATCHDOG_MS ||
	    p->watchdog_ms > MVGPU_MAX_WATCHDOG_MS)
		return "watchdog_ms must be between 10 and 600000";
	if (p->sched_mode < 0 || p->sched_mode >= MVGPU_SCHED_NR_MODES)
		return "sched must be mlfq, rr, equal or fixed";
	if (p->host_ram_mb && !p->vram_overcommit &&
	    (u64)p->num_gpus * p->vram_mb > p->host_ram_mb)
		return "num_gpus * vram_mb exceeds host memory (vram_overcommit=1 allows it)";
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_params_check);

static const char * const mvgpu_sched_names[MVGPU_SCHED_NR_MODES] = {
	[MVGPU_SCHED_MLFQ] = "mlfq",
	[MVGPU_SCHED_RR] = "rr",
	[MVGPU_SCHED_EQUAL] = "equal",
	[MVGPU_SCHED_FIXED] = "fixed",
};

/**
 * mvgpu_params_parse_sched() - the ``sched`` parameter's policy
 * @name: "mlfq", "rr", "equal" or "fixed"
 *
 * Context: any.
 * Return: enum mvgpu_sched_mode, or -EINVAL for another name.
 */
int mvgpu_params_parse_sched(const char *name)
{
	int i = match_string(mvgpu_sched_names, ARRAY_SIZE(mvgpu_sched_names),
			     name);

	return i < 0 ? -EINVAL : i;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_params_parse_sched);

/**
 * mvgpu_params_sched_name() - name of a scheduling policy
 * @mode: enum mvgpu_sched_mode
 *
 * Context: any.
 * Return: its name, or "?".
 */
const char *mvgpu_params_sched_name(int mode)
{
	if (mode < 0 || mode >= MVGPU_SCHED_NR_MODES)
		return "?";
	return mvgpu_sched_names[mode];
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_params_sched_name);
