// SPDX-License-Identifier: GPL-2.0
/*
 * unmap_race: guest memory pinned by a vGPU while its VMM unmaps it.
 *
 *   unmap_race map UUID ROUNDS         a ring MAPping one IOVA again and
 *                                      again while another thread unmaps
 *                                      and maps it back (VFIO_IOMMU_*_DMA)
 *   unmap_race restore SRC DST RUNS    a migration stream with RUNS guest-
 *                                      memory runs, each on a page of its
 *                                      own of one DMA mapping, resumed on
 *                                      DST while a thread unmaps it
 *   unmap_race unmap2 UUID ROUNDS      two threads unmapping two ranges the
 *                                      vGPU pinned, at once
 *   unmap_race table UUID              a page table of hundreds of L0
 *                                      tables (VRAM mapped in 4 KiB pages,
 *                                      eight times over), then 2 MiB of
 *                                      guest memory mapped and unmapped by
 *                                      the VMM: the dma_unmap walks it all
 *
 * VFIO's type1 calls the vGPU's dma_unmap, then looks again: pages pinned
 * meanwhile make it call again, and the tenth time Linux 6.1 BUG()s.  The
 * programs print TAP; what they prove is that the host survives (the VM
 * runner fails the run on any BUG, WARNING or lockdep report) and that the
 * race was really run: the vGPU's debugfs "pins" counters say how often a
 * pin met an unmap (tests/vm/unmap_race.sh sets debugfs pin_delay_us to
 * widen that window and checks the counters).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mig_common.h"

#define BUF_LEN		(2ull << 20)
#define RACE_IOVA	(1ull << 33)
#define RACE_VA		(1ull << 37)
#define SCRATCH_OFF	0x100000ull

struct unmapper {
	struct mvgpu_handle *h;
	void *buf;
	uint64_t iova;
	uint64_t len;
	unsigned int rounds;	/* 0: until stop */
	const char *pins;	/* a debugfs pins file: start once it has pins */
	volatile int stop;
	unsigned int done;
	int err;
	uint64_t seed;
};

/* Pages a vGPU has pinned, from its debugfs pins file (0 if unreadable). */
static unsigned long pinned(const char *path)
{
	unsigned long n = 0;
	char line[64];
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pinned %lu", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * Unmap the buffer and map it back, with random pauses, until told: the
 * memory is mapped most of the time (5-15 ms at a time), unmapped for up
 * to 3 ms.
 */
static void *unmapper_fn(void *arg)
{
	struct unmapper *u = arg;

	while (u->pins && !u->stop && !pinned(u->pins))
		usleep(200);
	while (!u->stop && (!u->rounds || u->done < u->rounds)) {
		int err = mvgpu_dma_unmap(u->h, u->iova, u->len);

		usleep(xrand(&u->seed) % 3000);
		if (!err)
			err = mvgpu_dma_map(u->h, u->buf, u->iova, u->len);
		if (err) {
			u->err = err;
			break;
		}
		u->done++;
		usleep(5000 + xrand(&u->seed) % 10000);
	}
	return NULL;
}

static int start_unmapper(struct unmapper *u, pthread_t *t)
{
	return pthread_create(t, NULL, unmapper_fn, u) ? -EAGAIN : 0;
}

static void *buf_alloc(uint64_t len, uint64_t seed)
{
	uint64_t *p = ram_alloc(len), i;

	for (i = 0; p && i < len / 8; i++)
		p[i] = xrand(&seed);
	return p;
}

static int open_fresh(struct mvgpu_handle *h, struct mvgpu_ring *r,
		      uint8_t **vram, const char *uuid)
{
	int err = mvgpu_open(h, uuid);

	if (err)
		return err;
	*vram = mvgpu_vram_map(h);
	if (!*vram)
		return -EIO;
	err = mvgpu_bus_master(h, 1);
	if (!err)
		err = mvgpu_engine_reset(h);
	if (!err)
		err = mvgpu_ring_init(r, h, RING_OFF, RING_SIZE, FENCE_OFF);
	return err;
}

/* After a fault: engine reset and a new ring. */
static int recover(struct mvgpu_handle *h, struct mvgpu_ring *r)
{
	return mvgpu_engine_reset(h) ?:
	       mvgpu_ring_init(r, h, RING_OFF, RING_SIZE, FENCE_OFF);
}

/* A ring MAPping the IOVA while another thread unmaps and remaps it. */
static int race_map(const char *uuid, unsigned int rounds)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	unsigned int ok = 0, pin = 0, fault = 0, i;
	struct unmapper u = { .iova = RACE_IOVA, .len = BUF_LEN, .seed = 7 };
	struct mvgpu_handle h;
	struct mvgpu_ring r;
	uint8_t *vram;
	pthread_t t;
	int err;

	u.buf = buf_alloc(BUF_LEN, 1);
	err = u.buf ? open_fresh(&h, &r, &vram, uuid) : -ENOMEM;
	if (!err)
		err = mvgpu_dma_map(&h, u.buf, RACE_IOVA, BUF_LEN);
	if (!tap_ok(!err, "map: vGPU open, 2 MiB of guest memory at IOVA %#llx%s%s",
		    RACE_IOVA, err ? ": " : "", err ? mvgpu_errmsg() : ""))
		return 1;
	u.h = &h;
	err = start_unmapper(&u, &t);
	for (i = 0; !err && i < rounds; i++) {
		struct mvgpu_cmd c[] = {
			mvgpu_cmd_map(RACE_VA, RACE_IOVA, BUF_LEN, flags),
			mvgpu_cmd_copy(SCRATCH_OFF, RACE_VA + 4096 * (i % 512), 4096),
			mvgpu_cmd_unmap(RACE_VA, BUF_LEN),
		};
		struct mvgpu_engine_state s;
		unsigned int k;

		memset(vram + SCRATCH_OFF, 0, 4096);
		for (k = 0; k < 3 && !err; k++)
			err = mvgpu_ring_emit(&r, &c[k]);
		if (!err)
			err = mvgpu_ring_fence_wait(&r, TIMEOUT_MS);
		if (!err) {
			/* The copy came from the buffer: no other memory. */
			if (memcmp(vram + SCRATCH_OFF,
				   (uint8_t *)u.buf + 4096 * (i % 512), 4096)) {
				tap_ok(0, "map: round %u: the COPY read something else", i);
				break;
			}
			ok++;
			continue;
		}
		if (err != -EIO)
			break;
		mvgpu_engine_state(&h, &s);
		/* The MAP found the IOVA unmapped, or the COPY its VA gone. */
		if (s.code == MVGPU_ERR_BAD_MAP &&
		    MVGPU_ERR_INFO_REASON(s.info) == MVGPU_MAP_ERR_PIN)
			pin++;
		else if (s.code == MVGPU_ERR_PAGE_FAULT)
			fault++;
		else
			break;
		err = recover(&h, &r);
	}
	u.stop = 1;
	pthread_join(t, NULL);
	tap_ok(i == rounds && !u.err, "map: %u rounds (%u exact, %u MAP refused with PIN, %u COPY faulted) while %u unmaps came%s%s",
	       i, ok, pin, fault, u.done, err || u.err ? ": " : "",
	       err || u.err ? mvgpu_errmsg() : "");
	/* Quiet now: a MAP reaches the buffer, exactly. */
	err = mvgpu_dma_map(&h, u.buf, RACE_IOVA, BUF_LEN);
	if (err == -EEXIST || err == -EBUSY)
		err = 0;
	err = err ?: recover(&h, &r);
	if (!err) {
		struct mvgpu_cmd c[] = {
			mvgpu_cmd_map(RACE_VA, RACE_IOVA, BUF_LEN, flags),
			mvgpu_cmd_copy(SCRATCH_OFF, RACE_VA, 4096),
		};

		err = mvgpu_ring_emit(&r, &c[0]) ?: mvgpu_ring_emit(&r, &c[1]) ?:
		      mvgpu_ring_fence_wait(&r, TIMEOUT_MS);
	}
	tap_ok(!err && !memcmp(vram + SCRATCH_OFF, u.buf, 4096),
	       "map: afterwards a MAP of the IOVA reaches the buffer exactly%s%s",
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	mvgpu_close(&h);
	return 0;
}

/*
 * A stream whose page table has @runs guest-memory runs of 4 KiB, each on
 * a page of its own of the VM's RAM (one DMA mapping), resumed while a
 * thread unmaps that mapping: the destination pins page after page.
 */
static int race_restore(const char *src, const char *dst, unsigned int runs)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	struct unmapper u = { .iova = SYS_IOVA, .len = SYS_LEN, .seed = 9 };
	struct vm a = { 0 }, b = { 0 };
	char pins[128];
	const char *where = "";
	struct stream s = { 0 };
	unsigned int i;
	pthread_t t;
	int err;

	err = vm_open(&a, src, NULL, 1);
	for (i = 0; !err && i < runs; i++) {
		/* 8 KiB apart in VA, 4 KiB in IOVA: runs that do not merge. */
		struct mvgpu_cmd c = mvgpu_cmd_map(RACE_VA + 8192ull * i,
						   SYS_IOVA + 4096ull * (i % (SYS_LEN / 4096)),
						   4096, flags);

		err = mvgpu_ring_emit_wait(&a.r, &c, TIMEOUT_MS);
	}
	if (!err)
		err = mvgpu_ring_fence_wait(&a.r, TIMEOUT_MS);
	if (!err)
		err = stream_save(&a.h, &s);
	if (!tap_ok(!err, "restore: a stream of a vGPU with %u guest-memory runs, a page each%s%s",
		    runs, err ? ": " : "", err ? mvgpu_errmsg() : ""))
		return 1;
	err = vm_open(&b, dst, a.ram, 0);
	if (!tap_ok(!err, "restore: the destination, the same RAM mapped for DMA%s%s",
		    err ? ": " : "", err ? mvgpu_errmsg() : ""))
		return 1;
	/* Unmaps from the moment the destination has pinned its first page. */
	snprintf(pins, sizeof(pins), "/sys/kernel/debug/mvgpu/%s/pins", dst);
	u.h = &b.h;
	u.buf = a.ram;
	u.pins = pins;
	err = start_unmapper(&u, &t);
	if (!err)
		err = stream_resume(&b.h, &s, 1 << 20, 0, &where);
	u.stop = 1;
	pthread_join(t, NULL);
	/* Resumed, or refused because the memory was gone: never more. */
	tap_ok(!err || (err == -EINVAL && !strcmp(where, "RESUMING -> STOP")),
	       "restore: RESUMING -> STOP racing %u unmaps: %s%s%s", u.done,
	       err ? "refused at " : "resumed", err ? where : "",
	       err ? "" : "");
	tap_ok(!u.err, "restore: the unmapper's ioctls all worked%s%s",
	       u.err ? ": " : "", u.err ? mvgpu_errmsg() : "");
	free(s.p);
	vm_close(&b, 1);
	vm_close(&a, 0);
	return 0;
}

/* Two threads unmapping two ranges the vGPU pinned, at once. */
static int race_unmap2(const char *uuid, unsigned int rounds)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	struct unmapper u[2] = {
		{ .iova = RACE_IOVA, .len = BUF_LEN, .seed = 3 },
		{ .iova = RACE_IOVA + BUF_LEN, .len = BUF_LEN, .seed = 5 },
	};
	unsigned int i, k, pins = 0;
	struct mvgpu_handle h;
	struct mvgpu_ring r;
	uint8_t *vram;
	pthread_t t[2];
	int err;

	u[0].buf = buf_alloc(BUF_LEN, 1);
	u[1].buf = buf_alloc(BUF_LEN, 2);
	err = open_fresh(&h, &r, &vram, uuid);
	for (k = 0; k < 2 && !err; k++) {
		err = mvgpu_dma_map(&h, u[k].buf, u[k].iova, BUF_LEN);
		u[k].h = &h;
		u[k].rounds = 1;
	}
	if (!tap_ok(!err, "unmap2: vGPU open, two ranges of guest memory%s%s",
		    err ? ": " : "", err ? mvgpu_errmsg() : ""))
		return 1;
	for (i = 0; !err && i < rounds; i++) {
		/* Both ranges pinned, then both unmapped at once. */
		for (k = 0; k < 2 && !err; k++) {
			struct mvgpu_cmd c = mvgpu_cmd_map(RACE_VA + k * BUF_LEN,
							   u[k].iova, BUF_LEN, flags);

			err = mvgpu_ring_emit(&r, &c);
		}
		if (!err)
			err = mvgpu_ring_fence_wait(&r, TIMEOUT_MS);
		if (!err)
			pins++;
		for (k = 0; k < 2 && !err; k++) {
			u[k].done = 0;
			err = start_unmapper(&u[k], &t[k]);
		}
		for (k = 0; k < 2; k++)
			pthread_join(t[k], NULL);
		err = err ?: u[0].err ?: u[1].err ?: recover(&h, &r);
	}
	tap_ok(!err && pins == rounds, "unmap2: %u rounds of two concurrent unmaps of pinned ranges%s%s",
	       i, err ? ": " : "", err ? mvgpu_errmsg() : "");
	mvgpu_close(&h);
	return 0;
}

/* A big page table, walked whole by one dma_unmap. */
static int race_table(const char *uuid)
{
	uint32_t rw = MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	struct mvgpu_handle h;
	struct mvgpu_ring r;
	uint8_t *vram;
	uint64_t vsize, k;
	void *buf = buf_alloc(BUF_LEN, 4);
	int err;

	err = buf ? open_fresh(&h, &r, &vram, uuid) : -ENOMEM;
	vsize = err ? 0 : mvgpu_vram_size(&h);
	/* VA 4 KiB past a 2 MiB boundary, target 0: 4 KiB pages only. */
	for (k = 1; !err && k <= 8; k++) {
		struct mvgpu_cmd c = mvgpu_cmd_map((k << 30) + 4096, 0,
						   vsize - 4096, rw);

		err = mvgpu_ring_emit(&r, &c) ?: mvgpu_ring_fence_wait(&r, TIMEOUT_MS);
	}
	if (!err) {
		struct mvgpu_cmd c = mvgpu_cmd_map(RACE_VA, RACE_IOVA, BUF_LEN,
						   MVGPU_MAP_SYSMEM | rw);

		err = mvgpu_dma_map(&h, buf, RACE_IOVA, BUF_LEN) ?:
		      mvgpu_ring_emit(&r, &c) ?: mvgpu_ring_fence_wait(&r, TIMEOUT_MS);
	}
	tap_ok(!err, "table: VRAM (%llu MiB) mapped in 4 KiB pages eight times, 2 MiB of guest memory mapped%s%s",
	       (unsigned long long)(vsize >> 20), err ? ": " : "",
	       err ? mvgpu_errmsg() : "");
	err = err ?: mvgpu_dma_unmap(&h, RACE_IOVA, BUF_LEN);
	tap_ok(!err, "table: the VMM unmaps the guest memory%s%s",
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	if (!err) {
		struct mvgpu_cmd c = mvgpu_cmd_copy(SCRATCH_OFF, (1ull << 30) + 4096,
						    4096);

		err = mvgpu_ring_emit(&r, &c) ?: mvgpu_ring_fence_wait(&r, TIMEOUT_MS);
	}
	tap_ok(!err, "table: the VRAM mappings are still there%s%s",
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	mvgpu_close(&h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "map"))
		race_map(argv[2], strtoul(argv[3], NULL, 0));
	else if (argc == 5 && !strcmp(argv[1], "restore"))
		race_restore(argv[2], argv[3], strtoul(argv[4], NULL, 0));
	else if (argc == 4 && !strcmp(argv[1], "unmap2"))
		race_unmap2(argv[2], strtoul(argv[3], NULL, 0));
	else if (argc == 3 && !strcmp(argv[1], "table"))
		race_table(argv[2]);
	else {
		fprintf(stderr, "usage: unmap_race map UUID ROUNDS | restore SRC DST RUNS | unmap2 UUID ROUNDS | table UUID\n");
		return 2;
	}
	return tap_failed ? 1 : 0;
}
