/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched_load: what the program (sched_load.c: the tenant, the ring and the
 * hog and interactive modes) and its matmul, longcmd and efficiency modes
 * (sched_load_mm.c) share.
 */
#ifndef MVGPU_SCHED_LOAD_H
#define MVGPU_SCHED_LOAD_H

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../tools/mvgpu/libmvgpu.h"
#include "stats.h"

#define RING_OFF	0x0ull
#define RING_SIZE	0x1000u		/* 63 commands */
#define RING_SLOTS	(RING_SIZE / MVGPU_CMD_SIZE - 1)
#define FENCE_OFF	0x10000ull
#define DATA_OFF	0x100000ull
#define TIMEOUT_MS	60000
#define LONG_TIMEOUT_MS	600000		/* longcmd: one command, many slices */

struct tenant {
	struct mvgpu_handle h;
	struct mvgpu_ring r;
	uint8_t *vram;
	const char *uuid;
	int efd;		/* MSI eventfd */
	uint64_t rng;
};

/* Set by SIGTERM/SIGINT: the hog and matmul loops end early. */
extern volatile sig_atomic_t stop;

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t now_ns(void);
/* The tenant's next xorshift64* random number. */
uint64_t rnd(struct tenant *t);
/* Emit one command, waiting up to timeout_ms for room in the ring. */
int emit_room(struct tenant *t, struct mvgpu_cmd c, int timeout_ms);
/* Emit a FENCE with FLAG_IRQ and kick; *seq = its value. */
int fence_kick(struct tenant *t, uint64_t *seq);
/* Wait on the MSI eventfd for the fence to reach seq; 0, or 1 on an error. */
int wait_seq(struct tenant *t, uint64_t seq, int timeout_ms);
/* One value of the vGPU's sched_stats, -1 if none. */
long long read_stat(const char *uuid, const char *key);

/* sched_load matmul: checked MATMULs for seconds; 0, or 1 on a mismatch. */
int do_matmul(struct tenant *t, double seconds, uint32_t dim);
/* sched_load longcmd: one long MATMUL, checked; 0 or 1. */
int do_longcmd(struct tenant *t, uint32_t dim);
/* sched_load efficiency: the engine against the CPU, BENCH lines; 0 or 1. */
int do_efficiency(struct tenant *t);

#endif
