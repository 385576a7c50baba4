/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvgpu-guest: what the program (mvgpu-guest.c), its device, ring and
 * guest-memory code (guest_dev.c) and its workloads (guest_work.c) share.
 */
#ifndef MVGPU_GUEST_H
#define MVGPU_GUEST_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "../../tests/client/tap.h"
#include "../../uapi/mvgpu.h"
#include "libmvgpu_drm.h"

/* VRAM layout; offsets are GPU VAs too (the reset state's identity map). */
#define RING_OFF	0x0ull
#define RING_SIZE	0x10000u	/* 1023 commands: room for a SPIN backlog */
#define FENCE_OFF	0x10000ull
#define ARENA_OFF	0x100000ull	/* operands */
#define ARENA_LEN	(2ull << 20)
#define GUARD		64
#define FENCE_TIMEOUT_S	120		/* nested TCG under load is slow */
#define HOG_CHUNK_US	10000u		/* one SPIN of the backlog */

/* Guest system memory: GPU VA above any VRAM (at most 64 GiB), < 2^40. */
#define SYS_VA		(1ull << 39)
#define SYS_LEN		(2ull << 20)
#define PAGE_SZ		4096u
#define SYS_PAGES	(SYS_LEN / PAGE_SZ)

/*
 * --hog-seconds: engine time kept queued, and how often it is topped up.
 * Under nested TCG the tenant's CPU may stall for a while; the backlog
 * outlasts that even when it has the engine alone, and is short enough to
 * drain in seconds at the end.
 */
#define HOG_BACKLOG_US	2000000u
#define HOG_POLL_US	100000u

#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_PREFETCH	0x00002000
#define IORESOURCE_MEM_64	0x00100000

struct bar {
	uint64_t start, end, flags;
	uint64_t size;
};

struct gpu {
	char dir[300];			/* /sys/bus/pci/devices/DDDD:BB:DD.F */
	const char *bdf;
	unsigned int vendor, device, class, revision, subvendor, subdevice;
	struct bar bar[6];
	volatile uint32_t *regs;	/* BAR0 */
	uint8_t *vram;			/* BAR2 */
	uint64_t vram_size;
};

struct ring {
	struct gpu *g;
	uint32_t head, tail;
	uint64_t seq;		/* last fence value emitted (--drm: last job) */
	uint64_t emitted;	/* commands, for CMDS_DONE */
	/* --drm: the render node, commands not yet submitted, hog jobs */
	int drm;
	struct mvgpu_drm d;
	struct mvgpu_cmdbuf cb;
	uint64_t hog_jobs[64];
	unsigned int hog_n;
};

struct sysmem {
	uint8_t *p;			/* SYS_LEN bytes at GPU VA SYS_VA */
	uint64_t gpa[SYS_PAGES];	/* guest-physical address of each page */
	unsigned int runs;		/* physically contiguous runs: MAP commands */
};

/* Where an operand lives: VRAM or guest memory. */
enum mem { MEM_VRAM, MEM_SYS, MEM_NUM };

/* The workloads of a round, and where a round puts their operands. */
enum { W_FILL, W_COPY, W_VADD, W_MATMUL, W_REDUCE, W_NUM };
enum place { PL_VRAM, PL_SYSMEM, PL_MIXED, PL_NUM };

/* The operand arena of each memory (guest_work.c). */
struct arena {
	uint64_t va;		/* GPU VA */
	uint8_t *p;		/* the CPU's view: BAR2 or guest memory */
	uint64_t len, used;
};

/* Results of the rounds, by placement and workload. */
struct tally {
	unsigned int tried[PL_NUM][W_NUM], exact[PL_NUM][W_NUM];
	unsigned int sysmem_rounds;	/* rounds with operands in guest memory */
	uint64_t workloads, sysmem_workloads, mismatches;
};

/* The command line. */
struct opts {
	int drm;
	unsigned int rounds, hog_us, expect_subsys;
	double seconds, hog_s;
	uint64_t expect_vram;
	const char *control;
};

extern int quiet;
double now_s(void);
/* The workloads' xorshift64* state: reproducible from --seed. */
extern uint64_t rng;
/* The operand arena of each memory, set up before the rounds. */
extern struct arena arena[MEM_NUM];

int read_hex(const char *dir, const char *file, unsigned int *val);
int write_str(const char *dir, const char *file, const char *s);
int find_gpu(struct gpu *g);
int read_resources(struct gpu *g);
const char *size_str(uint64_t size, char *buf, size_t len);
void print_lspci(const struct gpu *g);
void *map_bar(const struct gpu *g, int bar, size_t len);
int enable_bus_master(const struct gpu *g, uint16_t *was, uint16_t *now);
uint32_t rd(struct gpu *g, uint32_t reg);
void wr(struct gpu *g, uint32_t reg, uint32_t val);
volatile uint64_t *vram64(struct gpu *g, uint64_t off);
int drm_flush(struct ring *r);
void engine_report(struct gpu *g);
void ring_kick(struct ring *r);
int ring_fence(struct ring *r, uint64_t *seq);
int ring_wait(struct ring *r, uint64_t seq);
int emit(struct ring *r, struct mvgpu_cmd c);
int ring_sync(struct ring *r);
uint32_t ring_pending(const struct ring *r);
int sysmem_translate(const struct sysmem *s, uint64_t *gpa);
int sysmem_unmap(struct ring *r);
int sysmem_setup(struct ring *r, struct sysmem *s);
/* The rounds of workloads (--rounds or --seconds); 0, or -1 if the engine failed. */
int run_rounds(struct ring *r, const struct opts *o, unsigned int nplaces,
	       struct tally *t, unsigned int *rounds_run);
/* A TAP line per workload and placement: every round of it exact. */
void report_workloads(const struct tally *t, unsigned int nplaces);

#endif
