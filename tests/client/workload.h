/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/client/workload: what its workloads (workload.c) and its
 * isolation attacks (workload_attack.c) share.
 */
#ifndef MVGPU_WORKLOAD_H
#define MVGPU_WORKLOAD_H

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../tools/mvgpu/libmvgpu.h"
#include "tap.h"

#define RING_OFF	0x0ull
#define RING_SIZE	0x1000u		/* 63 commands: wraps often */
#define FENCE_OFF	0x10000ull
#define CANARY_OFF	0x10100ull	/* a FILL after a bad command lands here */
#define WAIT_OFF	0x10200ull	/* WAIT workload's flag */
#define HANG_OFF	0x10300ull	/* never written: the hang attack waits on it */
#define TS_OFF		0x10400ull	/* two timestamps */
#define MARK_OFF	0x20000ull	/* 4 KiB the engine reset must keep */
#define MARK_LEN	0x1000u
#define SCRATCH_OFF	0x100000ull	/* 1 MiB: recover() fills 64 KiB here */
#define TARGET_OFF	0x180000ull	/* attacks' targets recover() leaves alone */
#define RO_OFF		0x200000ull	/* 2 MiB: the read-only attack's page */
#define ARENA_OFF	0x400000ull	/* 4 MiB: workload operands */
#define ARENA_LEN	(24ull << 20)

#define SYS_LEN		(8ull << 20)	/* guest memory for the workloads */
#define SYS_IOVA	(1ull << 32)
#define SYS_VA		(1ull << 36)
#define ATTACK_IOVA	(1ull << 33)
#define ATTACK_VA	(1ull << 37)
#define UNMAPPED_VA	(1ull << 38)

#define TIMEOUT_MS	30000
#define GUARD		64
#define CANARY_VALUE	0xc0ffee11u

struct tenant {
	struct mvgpu_handle h;
	struct mvgpu_ring r;
	uint8_t *vram;
	uint64_t vram_size;
	uint8_t *sys;		/* SYS_LEN bytes at SYS_IOVA, GPU VA SYS_VA */
	int efd;		/* MSI eventfd, or -1 */
	uint64_t rng;
	int quiet;		/* neighbor: summaries only */
};

uint64_t rnd(struct tenant *t);
void rnd_fill(struct tenant *t, void *p, size_t len);
double now_s(void);
volatile uint64_t *vram64(struct tenant *t, uint64_t off);
volatile uint32_t *vram32(struct tenant *t, uint64_t off);
int emit(struct tenant *t, struct mvgpu_cmd c);

int find_attack(const char *kind);
int do_attack(struct tenant *t, int i);
void attack_list(void);

#endif
