// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of the module parameters.
 *
 * Kept apart from module.c so that KUnit can feed it every bad value without
 * loading a second copy of the module.
 */

#include <kunit/visibility.h>
#include <linux/log2.h>

#include "params.h"

/**
 * mvgpu_params_check() - validate load-time parameters
 * @p: the parameters as given on the insmod/modprobe command line
 *
 * VRAM must be a power of two so that every type (1/8, 1/4, 1/2, 1/1 of it)
 * is a whole number of 2 MiB large pages.
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
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_params_check);
