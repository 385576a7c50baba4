/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvgpu-drm-test: what its files share (drm_test.c: main() and the core,
 * syncobj, bo, ioctl and contexts suites; drm_exec.c: exec and procs;
 * drm_faults.c: isolation, hang, kill, vramlost, pinlimit, stale, ctxleak,
 * unmapfail and irqthread; drm_uid.c: the contexts one user may hold;
 * drm_bench.c: make bench's figures).
 */
#ifndef MVGPU_DRM_TEST_H
#define MVGPU_DRM_TEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "../../tools/guest/libmvgpu_drm.h"
#include "../client/tap.h"

#define SEC		1000000000ll
#define JOB_WAIT_NS	(600 * SEC)	/* nested TCG is slow */

#define NKINDS		5	/* workloads of a round: FILL COPY MATMUL VADD REDUCE */

/* The render node the program opened first. */
extern struct mvgpu_drm dev;
/* rnd()'s state: a process seeds its own sequence by setting it (odd). */
extern uint64_t rng;

/* The next of a fixed pseudo-random sequence (xorshift64*). */
uint64_t rnd(void);
/* Fill len bytes at p from rnd(). */
void rnd_bytes(void *p, size_t len);
/* "errno" of an ioctl: 0 or the positive errno. */
int ioc(int fd, unsigned long req, void *arg);
/* 1 if the len bytes at p are all zero. */
int all_zero(const void *p, size_t len);

int param(struct mvgpu_drm *d, uint32_t p);
uint64_t param64(struct mvgpu_drm *d, uint32_t p);
/* "ok ... # SKIP" and 1 on a device without contexts. */
int skip_unless_accel(const char *suite);
/* One job of every workload in placement pl; 0 if all exact. */
int run_round(struct mvgpu_drm *d, uint32_t pl, int exact[NKINDS], int verbose);

/* The suites outside drm_test.c (see its header comment). */
void suite_exec(void);
void suite_procs(void);
void suite_isolation(void);
void suite_hang(void);
void suite_kill(void);
void suite_vramlost(void);
void suite_pinlimit(void);
void suite_stale(void);
void suite_ctxleak(void);
void suite_unmapfail(void);
void suite_irqthread(void);
void suite_uidlimit(void);
void suite_bench(void);

#endif /* MVGPU_DRM_TEST_H */
