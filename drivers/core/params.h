/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_PARAMS_H_
#define _MVGPU_PARAMS_H_

#include <linux/types.h>

/* Limits of the module parameters; see mvgpu_params_check(). */
#define MVGPU_MAX_GPUS		8
#define MVGPU_MIN_VRAM_MB	64
#define MVGPU_MAX_VRAM_MB	65536
#define MVGPU_MAX_ENGINES	8
#define MVGPU_MIN_TIMESLICE_US	100
#define MVGPU_MAX_TIMESLICE_US	100000
#define MVGPU_MIN_BOOST_MS	10
#define MVGPU_MAX_BOOST_MS	10000
#define MVGPU_MIN_WATCHDOG_MS	10
#define MVGPU_MAX_WATCHDOG_MS	600000

/**
 * struct mvgpu_params - load-time configuration of the software GPUs
 * @num_gpus: number of parent GPUs to create
 * @vram_mb: VRAM per GPU in MiB
 * @engines: engines per GPU
 * @timeslice_us: the scheduler's top-level time slice
 * @boost_ms: MLFQ boost period
 * @watchdog_ms: longest a command may run
 * @sched_mode: enum mvgpu_sched_mode, from the ``sched`` parameter
 * @vram_overcommit: allow more VRAM, all GPUs together, than the host has
 *	memory (VRAM is host memory, backed as it is touched)
 * @host_ram_mb: the host's memory, MiB; filled in by the module, 0 if not
 *	known (no check)
 */
struct mvgpu_params {
	unsigned int num_gpus;
	unsigned int vram_mb;
	unsigned int engines;
	unsigned int timeslice_us;
	unsigned int boost_ms;
	unsigned int watchdog_ms;
	int sched_mode;
	bool vram_overcommit;
	unsigned long host_ram_mb;
};

const char *mvgpu_params_check(const struct mvgpu_params *p);
int mvgpu_params_parse_sched(const char *name);
const char *mvgpu_params_sched_name(int mode);

#endif /* _MVGPU_PARAMS_H_ */
