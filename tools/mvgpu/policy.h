/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decisions of the host commands, as pure functions over plain numbers (no
 * sysfs, no I/O) so that tests can drive them: where a new vGPU goes, and
 * what share of a GPU each busy vGPU is entitled to.
 */
#ifndef MVGPU_POLICY_H
#define MVGPU_POLICY_H

#include <stdint.h>

enum place_policy {
	PLACE_PACK,	/* fill one GPU before the next: density ("depth-first") */
	PLACE_SPREAD,	/* the least-loaded GPU that fits: performance ("breadth-first") */
};

struct place_gpu {
	unsigned int index;		/* the caller's; ties go to the lowest */
	uint64_t vram_total;
	uint64_t vram_allocated;
	unsigned int available;		/* available_instances of the type */
	unsigned int nvgpus;
};

/*
 * The GPUs that can take one more vGPU of the type (available > 0), best
 * first, as indices into g[]; returns how many.
 *
 * pack: least free VRAM first (the fullest GPU that still fits), then the
 * lowest index, so one GPU fills before the next is touched.
 * spread: lowest share of VRAM allocated first, then fewest vGPUs, then the
 * lowest index, so vGPUs spread over GPUs (and their engines).
 */
unsigned int place_order(enum place_policy p, const struct place_gpu *g,
			 unsigned int n, unsigned int *order);

enum sched_mode { SCHED_MLFQ, SCHED_RR, SCHED_EQUAL, SCHED_FIXED };

/* "mlfq", "rr", "equal", "fixed"; -1 if unknown. */
int sched_mode_parse(const char *s);

struct entitle_vgpu {
	unsigned int weight;	/* 1..100 */
	unsigned int cap;	/* percent of one engine, 1..100 */
	int busy;		/* received engine time in the window */
};

/*
 * Share of one engine each busy vGPU is entitled to, in percent (out[i];
 * -1 for a vGPU that is not busy): the GPU's engines divided among the busy
 * vGPUs in proportion to their weights (equal weights in rr and equal
 * mode), none above its cap or above one engine (a vGPU runs on one engine
 * at a time); what a capped vGPU cannot take goes to the others ("water
 * filling").  In fixed mode a vGPU's cap is also weight / 8 of an engine,
 * as the scheduler enforces it.
 */
void entitle(enum sched_mode mode, unsigned int engines,
	     const struct entitle_vgpu *v, unsigned int n, double *out);

#endif
