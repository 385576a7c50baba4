/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_PARAMS_H_
#define _MVGPU_PARAMS_H_

#include <linux/types.h>

/* Limits of the module parameters; see mvgpu_params_check(). */
#define MVGPU_MAX_GPUS		8
#define MVGPU_MIN_VRAM_MB	64
#define MVGPU_MAX_VRAM_MB	65536
#define MVGPU_MAX_ENGINES	8

/**
 * struct mvgpu_params - load-time configuration of the software GPUs
 * @num_gpus: number of parent GPUs to create
 * @vram_mb: VRAM per GPU in MiB
 * @engines: engines per GPU
 */
struct mvgpu_params {
	unsigned int num_gpus;
	unsigned int vram_mb;
	unsigned int engines;
};

const char *mvgpu_params_check(const struct mvgpu_params *p);

#endif /* _MVGPU_PARAMS_H_ */
