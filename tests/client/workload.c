// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads on a vGPU's engine, checked bit for bit against the CPU, and
 * isolation attacks that each expect one error on their own vGPU and then
 * prove an engine reset brings it back.  TAP output; exit 1 on any failure.
 *
 *   workload run UUID [--seconds S | --rounds N] [--seed X]
 *	rounds of every workload (FILL, COPY between VRAM and guest memory
 *	both ways and overlapping, VADD, MATMUL, REDUCE, WAIT, SPIN and
 *	TIMESTAMP, a fence interrupt) on random operands placed at random in
 *	VRAM or in guest memory mapped with VFIO_IOMMU_MAP_DMA and MAP; one
 *	TAP line per workload and round, then a summary
 *   workload neighbor UUID SECONDS [--seed X]
 *	the same for SECONDS, one TAP line per workload at the end: the
 *	tenant next to an attacked vGPU
 *   workload attack UUID KIND [--seed X]
 *	one attack (see "workload list"), the error it must cause, and
 *	recovery through MVGPU_RESET_ENGINE_MAGIC
 *   workload list
 *	the attack kinds
 *
 * Layout of the tenant's VRAM (GPU VA = VRAM offset after a reset):
 * the ring at 0, the fence at FENCE_OFF, a few words the tests poke, and
 * operands from ARENA_OFF on.  Guest memory appears at GPU VA SYS_VA.
 */
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

/* xorshift64*: reproducible from --seed */
static uint64_t rnd(struct tenant *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [lo, hi] for test sizes. */
static uint64_t rnd_range(struct tenant *t, uint64_t lo, uint64_t hi)
{
	return lo + rnd(t) % (hi - lo + 1);
}

static void rnd_fill(struct tenant *t, void *p, size_t len)
{
	uint8_t *b = p;
	uint64_t v;

	while (len >= 8) {
		v = rnd(t);
		memcpy(b, &v, 8);
		b += 8;
		len -= 8;
	}
	v = rnd(t);
	memcpy(b, &v, len);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile uint64_t *vram64(struct tenant *t, uint64_t off)
{
	return (volatile uint64_t *)(t->vram + off);
}

static volatile uint32_t *vram32(struct tenant *t, uint64_t off)
{
	return (volatile uint32_t *)(t->vram + off);
}

/* Operand buffers, in VRAM or guest memory, with random guard bytes. */

struct buf {
	uint64_t va;
	uint8_t *p;
	size_t len;
	int sys;
	uint8_t pre[GUARD], post[GUARD];
};

struct arenas {
	size_t used[2];		/* VRAM, guest memory */
};

enum { IN_VRAM, IN_SYS, ANYWHERE };

static const char *where_name(int sys)
{
	return sys ? "sysmem" : "vram";
}

static void buf_alloc(struct tenant *t, struct arenas *a, struct buf *b,
		      int where, size_t len, size_t align)
{
	size_t limit, off;

	b->sys = where == ANYWHERE ? (int)(rnd(t) & 1) : where == IN_SYS;
	limit = b->sys ? SYS_LEN : ARENA_LEN;
	/* A random start within a few lines, aligned as asked. */
	off = a->used[b->sys] + GUARD + rnd(t) % 256;
	off = (off + align - 1) & ~(align - 1);
	if (off + len + GUARD > limit) {
		tap_diag("arena overflow (%s, %zu bytes): test bug", where_name(b->sys), len);
		exit(1);
	}
	a->used[b->sys] = off + len + GUARD;
	b->len = len;
	if (b->sys) {
		b->va = SYS_VA + off;
		b->p = t->sys + off;
	} else {
		b->va = ARENA_OFF + off;
		b->p = t->vram + ARENA_OFF + off;
	}
	rnd_fill(t, b->p - GUARD, len + 2 * GUARD);
	memcpy(b->pre, b->p - GUARD, GUARD);
	memcpy(b->post, b->p + len, GUARD);
}

/* Mismatch diagnostics left to print (neighbor: a few, not thousands). */
static unsigned int diag_left = ~0u;

static int diff_report(const char *what, const uint8_t *got, const uint8_t *want,
		       size_t len, long base)
{
	size_t i, first = 0, n = 0;

	for (i = 0; i < len; i++) {
		if (got[i] != want[i]) {
			if (!n++)
				first = i;
		}
	}
	if (n && diag_left && diag_left--)
		tap_diag("%s: %zu of %zu bytes differ, first at %+ld: got 0x%02x want 0x%02x",
			 what, n, len, (long)first + base, got[first], want[first]);
	return n != 0;
}

/* Does the buffer hold want[], and are its guards untouched? 0 if so. */
static int buf_check(const struct buf *b, const void *want)
{
	int bad = 0;

	__sync_synchronize();
	if (want)
		bad |= diff_report("result", b->p, want, b->len, 0);
	bad |= diff_report("guard before", b->p - GUARD, b->pre, GUARD, -GUARD);
	bad |= diff_report("guard after", b->p + b->len, b->post, GUARD, (long)b->len);
	return bad;
}

/* Engine setup, submission */

static int setup_engine(struct tenant *t)
{
	struct mvgpu_cmd c;
	int err;

	err = mvgpu_engine_reset(&t->h);
	if (!err)
		err = mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	if (!err && t->sys) {
		c = mvgpu_cmd_map(SYS_VA, SYS_IOVA, SYS_LEN,
				  MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE);
		err = mvgpu_ring_emit(&t->r, &c);
	}
	if (!err && t->efd >= 0)
		err = mvgpu_reg_write(&t->h, MVGPU_REG_INT_MASK, MVGPU_INT_FENCE);
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	return err;
}

static int emit(struct tenant *t, struct mvgpu_cmd c)
{
	return mvgpu_ring_emit_wait(&t->r, &c, TIMEOUT_MS);
}

static int tenant_open(struct tenant *t, const char *uuid, int with_sys,
		       int with_irq)
{
	memset(t, 0, sizeof(*t));
	t->efd = -1;
	if (mvgpu_open(&t->h, uuid) || mvgpu_bus_master(&t->h, 1))
		return -1;
	t->vram = mvgpu_vram_map(&t->h);
	if (!t->vram)
		return -1;
	t->vram_size = mvgpu_vram_size(&t->h);
	if (t->vram_size != t->h.vram_len || t->vram_size < ARENA_OFF + ARENA_LEN) {
		fprintf(stderr, "workload: VRAM size register %llu, aperture %zu: too small or inconsistent\n",
			(unsigned long long)t->vram_size, t->h.vram_len);
		return -1;
	}
	if (!(mvgpu_reg(&t->h, MVGPU_REG_CAPS) & MVGPU_CAP_ENGINE)) {
		fprintf(stderr, "workload: the vGPU has no engine (CAPS 0x%x)\n",
			mvgpu_reg(&t->h, MVGPU_REG_CAPS));
		return -1;
	}
	if (with_sys) {
		void *p = mmap(NULL, SYS_LEN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (p == MAP_FAILED) {
			perror("workload: mmap");
			return -1;
		}
		if (mvgpu_dma_map(&t->h, p, SYS_IOVA, SYS_LEN)) {
			munmap(p, SYS_LEN);
			return -1;
		}
		t->sys = p;
	}
	if (with_irq) {
		t->efd = eventfd(0, EFD_CLOEXEC);
		if (t->efd < 0 || mvgpu_irq_arm(&t->h, VFIO_PCI_MSI_IRQ_INDEX, t->efd))
			return -1;
	}
	return setup_engine(t);
}

static void tenant_close(struct tenant *t)
{
	if (t->efd >= 0) {
		mvgpu_irq_disarm(&t->h, VFIO_PCI_MSI_IRQ_INDEX);
		close(t->efd);
	}
	if (t->sys) {
		mvgpu_dma_unmap(&t->h, SYS_IOVA, SYS_LEN);
		munmap(t->sys, SYS_LEN);
	}
	mvgpu_close(&t->h);
}

/*
 * Workloads.  Each fills desc with what it did and returns 0 when every
 * result is exact, 1 on a mismatch, -1 when the engine failed (the message
 * is in mvgpu_errmsg()).
 */

static int wl_fill(struct tenant *t, char *desc, size_t dlen)
{
	struct arenas a = { { 0, 0 } };
	struct buf b[2];
	uint32_t v[2];
	int where, err = 0, bad = 0;
	uint8_t *want;
	size_t i;

	for (where = IN_VRAM; where <= IN_SYS; where++) {
		buf_alloc(t, &a, &b[where], where, rnd_range(t, 1, 65536) * 4, 4);
		v[where] = (uint32_t)rnd(t);
		if (!err)
			err = emit(t, mvgpu_cmd_fill(b[where].va, b[where].len, v[where]));
	}
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	snprintf(desc, dlen, "fill vram %zu B with 0x%08x, sysmem %zu B with 0x%08x",
		 b[0].len, v[0], b[1].len, v[1]);
	if (err)
		return -1;
	for (where = IN_VRAM; where <= IN_SYS; where++) {
		want = malloc(b[where].len);
		for (i = 0; i < b[where].len; i += 4)
			memcpy(want + i, &v[where], 4);
		bad |= buf_check(&b[where], want);
		free(want);
	}
	return bad;
}

enum copy_kind { COPY_VV, COPY_VS, COPY_SV, COPY_OVERLAP };

static int wl_copy(struct tenant *t, enum copy_kind kind, char *desc, size_t dlen)
{
	static const int src_where[] = { IN_VRAM, IN_VRAM, IN_SYS };
	static const int dst_where[] = { IN_VRAM, IN_SYS, IN_VRAM };
	struct arenas a = { { 0, 0 } };
	size_t len = rnd_range(t, 1, 256 << 10), shift;
	struct buf s, d;
	uint8_t *want;
	int err, bad, fwd;

	if (kind != COPY_OVERLAP) {
		buf_alloc(t, &a, &s, src_where[kind], len, 1);
		buf_alloc(t, &a, &d, dst_where[kind], len, 1);
		snprintf(desc, dlen, "copy %s -> %s, %zu B (0x%" PRIx64 " -> 0x%" PRIx64 ")",
			 where_name(s.sys), where_name(d.sys), len, s.va, d.va);
		err = emit(t, mvgpu_cmd_copy(d.va, s.va, len));
		if (!err)
			err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
		if (err)
			return -1;
		return buf_check(&d, s.p);
	}

	/* memmove within one buffer, forwards or backwards */
	shift = rnd_range(t, 1, len > 1 ? len - 1 : 1);
	fwd = rnd(t) & 1;
	buf_alloc(t, &a, &d, ANYWHERE, len + shift, 1);
	want = malloc(d.len);
	memcpy(want, d.p, d.len);
	if (fwd)
		memmove(want + shift, want, len);
	else
		memmove(want, want + shift, len);
	snprintf(desc, dlen, "copy overlapping in %s, %zu B %s by %zu",
		 where_name(d.sys), len, fwd ? "up" : "down", shift);
	err = emit(t, fwd ? mvgpu_cmd_copy(d.va + shift, d.va, len) :
			    mvgpu_cmd_copy(d.va, d.va + shift, len));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	bad = err ? -1 : buf_check(&d, want);
	free(want);
	return bad;
}

static int wl_vadd(struct tenant *t, char *desc, size_t dlen)
{
	struct arenas a = { { 0, 0 } };
	uint32_t n = rnd_range(t, 1, 16384), i, *want, x, y;
	struct buf ba, bb, bc;
	int err, bad;

	buf_alloc(t, &a, &ba, ANYWHERE, n * 4, 4);
	buf_alloc(t, &a, &bb, ANYWHERE, n * 4, 4);
	buf_alloc(t, &a, &bc, ANYWHERE, n * 4, 4);
	snprintf(desc, dlen, "vadd n=%u, a %s, b %s, c %s", n, where_name(ba.sys),
		 where_name(bb.sys), where_name(bc.sys));
	want = malloc(n * 4);
	for (i = 0; i < n; i++) {
		memcpy(&x, ba.p + 4 * i, 4);
		memcpy(&y, bb.p + 4 * i, 4);
		want[i] = x + y;
	}
	err = emit(t, mvgpu_cmd_vadd(ba.va, bb.va, bc.va, n));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	bad = err ? -1 : buf_check(&bc, want) | buf_check(&ba, NULL) | buf_check(&bb, NULL);
	free(want);
	return bad;
}

/* c[m][n] = a[m][k] * b[k][n], all u32 row-major, wrapping */
static int wl_matmul(struct tenant *t, uint32_t m, uint32_t n, uint32_t k,
		     char *desc, size_t dlen)
{
	struct arenas a = { { 0, 0 } };
	uint32_t i, j, l, *want, *pa, *pb, acc;
	struct buf ba, bb, bc;
	int err, bad;

	if (!m) {
		m = rnd_range(t, 1, 48);
		n = rnd_range(t, 1, 48);
		k = rnd_range(t, 1, 48);
	}
	buf_alloc(t, &a, &ba, ANYWHERE, (size_t)m * k * 4, 4);
	buf_alloc(t, &a, &bb, ANYWHERE, (size_t)k * n * 4, 4);
	buf_alloc(t, &a, &bc, ANYWHERE, (size_t)m * n * 4, 4);
	snprintf(desc, dlen, "matmul m=%u n=%u k=%u, a %s, b %s, c %s", m, n, k,
		 where_name(ba.sys), where_name(bb.sys), where_name(bc.sys));
	want = malloc((size_t)m * n * 4);
	pa = malloc((size_t)m * k * 4);
	pb = malloc((size_t)k * n * 4);
	memcpy(pa, ba.p, ba.len);
	memcpy(pb, bb.p, bb.len);
	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j++) {
			acc = 0;
			for (l = 0; l < k; l++)
				acc += pa[i * k + l] * pb[l * n + j];
			want[i * n + j] = acc;
		}
	}
	err = emit(t, mvgpu_cmd_matmul(ba.va, bb.va, bc.va, m, n, k));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	bad = err ? -1 : buf_check(&bc, want) | buf_check(&ba, NULL) | buf_check(&bb, NULL);
	free(want);
	free(pa);
	free(pb);
	return bad;
}

static int wl_reduce(struct tenant *t, char *desc, size_t dlen)
{
	struct arenas a = { { 0, 0 } };
	uint32_t n = rnd_range(t, 1, 65536), i, x;
	struct buf ba, bc;
	uint64_t sum = 0;
	int err;

	buf_alloc(t, &a, &ba, ANYWHERE, n * 4, 4);
	buf_alloc(t, &a, &bc, ANYWHERE, 8, 8);
	for (i = 0; i < n; i++) {
		memcpy(&x, ba.p + 4 * i, 4);
		sum += x;
	}
	snprintf(desc, dlen, "reduce n=%u, a %s, sum %s (0x%" PRIx64 ")", n,
		 where_name(ba.sys), where_name(bc.sys), sum);
	err = emit(t, mvgpu_cmd_reduce(ba.va, bc.va, n));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	return err ? -1 : buf_check(&bc, &sum) | buf_check(&ba, NULL);
}

/* Many small FILLs and COPYs in one submission, more than the ring holds. */
static int wl_batch(struct tenant *t, char *desc, size_t dlen)
{
	struct arenas a = { { 0, 0 } };
	size_t len = 64 << 10, off, n, src;
	unsigned int i, cmds = rnd_range(t, 64, 200);
	uint8_t *want;
	uint32_t v;
	struct buf b;
	int err = 0, bad;

	buf_alloc(t, &a, &b, ANYWHERE, len, 4);
	want = malloc(len);
	memcpy(want, b.p, len);
	for (i = 0; i < cmds && !err; i++) {
		n = rnd_range(t, 1, 1024);
		off = rnd_range(t, 0, len / 4 - n) * 4;
		if (rnd(t) & 1) {
			v = rnd(t);
			for (size_t j = 0; j < n; j++)
				memcpy(want + off + 4 * j, &v, 4);
			err = emit(t, mvgpu_cmd_fill(b.va + off, n * 4, v));
		} else {
			n *= 4;
			src = rnd_range(t, 0, len - n);
			memmove(want + off, want + src, n);
			err = emit(t, mvgpu_cmd_copy(b.va + off, b.va + src, n));
		}
	}
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	snprintf(desc, dlen, "batch of %u FILL/COPY in %s (ring of %u slots)", cmds,
		 where_name(b.sys), RING_SIZE / MVGPU_CMD_SIZE - 1);
	bad = err ? -1 : buf_check(&b, want);
	free(want);
	return bad;
}

/* WAIT holds the ring until the CPU writes the flag. */
static int wl_wait(struct tenant *t, char *desc, size_t dlen)
{
	struct arenas a = { { 0, 0 } };
	uint32_t v = rnd(t);
	uint64_t seq;
	struct buf b;
	int err, held;
	size_t i;
	uint8_t *want;

	buf_alloc(t, &a, &b, ANYWHERE, 4096, 4);
	snprintf(desc, dlen, "WAIT for a CPU write, then FILL %s", where_name(b.sys));
	*vram64(t, WAIT_OFF) = 0;
	__sync_synchronize();
	err = emit(t, mvgpu_cmd_wait(WAIT_OFF, 1));
	if (!err)
		err = emit(t, mvgpu_cmd_fill(b.va, b.len, v));
	if (!err)
		err = mvgpu_ring_fence(&t->r, 0, &seq);
	if (!err)
		err = mvgpu_ring_kick(&t->r);
	if (err)
		return -1;
	usleep(20000);
	held = mvgpu_ring_fence_value(&t->r) < seq &&
	       mvgpu_reg(&t->h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_BUSY;
	*vram64(t, WAIT_OFF) = 1 + (rnd(t) & 0xff);	/* >= is enough */
	__sync_synchronize();
	if (mvgpu_ring_wait(&t->r, seq, TIMEOUT_MS))
		return -1;
	if (!held && diag_left && diag_left--)
		tap_diag("the ring went past WAIT before the flag was written");
	want = malloc(b.len);
	for (i = 0; i < b.len; i += 4)
		memcpy(want + i, &v, 4);
	err = buf_check(&b, want);
	free(want);
	return !held || err;
}

/* TIMESTAMP, SPIN 2 ms, TIMESTAMP: the engine clock moves by >= 2 ms. */
static int wl_spin(struct tenant *t, char *desc, size_t dlen)
{
	uint64_t t0, t1;
	int err;

	*vram64(t, TS_OFF) = 0;
	*vram64(t, TS_OFF + 8) = 0;
	err = emit(t, mvgpu_cmd_timestamp(TS_OFF));
	if (!err)
		err = emit(t, mvgpu_cmd_spin(2000));
	if (!err)
		err = emit(t, mvgpu_cmd_timestamp(TS_OFF + 8));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	t0 = *vram64(t, TS_OFF);
	t1 = *vram64(t, TS_OFF + 8);
	snprintf(desc, dlen, "TIMESTAMP, SPIN 2000 us, TIMESTAMP: %.3f ms apart",
		 (double)(int64_t)(t1 - t0) / 1e6);
	if (err)
		return -1;
	return !(t0 && t1 >= t0 + 2000000 && t1 - t0 < 60000000000ull);
}

/* A FILL, then a FENCE with FLAG_IRQ: the MSI eventfd fires. */
static int wl_irq(struct tenant *t, char *desc, size_t dlen)
{
	struct arenas a = { { 0, 0 } };
	uint32_t v = rnd(t);
	struct buf b;
	uint8_t *want;
	size_t i;
	int err;

	buf_alloc(t, &a, &b, ANYWHERE, 4096, 4);
	snprintf(desc, dlen, "FILL %s, FENCE with FLAG_IRQ, MSI eventfd", where_name(b.sys));
	err = emit(t, mvgpu_cmd_fill(b.va, b.len, v));
	if (!err)
		err = mvgpu_ring_fence_wait_irq(&t->r, t->efd, TIMEOUT_MS);
	if (err)
		return -1;
	want = malloc(b.len);
	for (i = 0; i < b.len; i += 4)
		memcpy(want + i, &v, 4);
	err = buf_check(&b, want);
	free(want);
	return err;
}

enum {
	W_FILL, W_COPY_VV, W_COPY_VS, W_COPY_SV, W_COPY_OVERLAP, W_VADD,
	W_MATMUL_A, W_MATMUL_B, W_MATMUL_C, W_MATMUL_RANDOM, W_REDUCE,
	W_BATCH, W_WAIT, W_SPIN, W_IRQ, W_COUNT
};

static const char *const wl_names[W_COUNT] = {
	"fill", "copy_vram_vram", "copy_vram_sysmem", "copy_sysmem_vram",
	"copy_overlap", "vadd", "matmul_33x17x29", "matmul_64x64x64",
	"matmul_200x3x50", "matmul_random", "reduce", "batch", "wait", "spin",
	"fence_irq",
};

static int wl_run(struct tenant *t, int w, char *desc, size_t dlen)
{
	switch (w) {
	case W_FILL: return wl_fill(t, desc, dlen);
	case W_COPY_VV: return wl_copy(t, COPY_VV, desc, dlen);
	case W_COPY_VS: return wl_copy(t, COPY_VS, desc, dlen);
	case W_COPY_SV: return wl_copy(t, COPY_SV, desc, dlen);
	case W_COPY_OVERLAP: return wl_copy(t, COPY_OVERLAP, desc, dlen);
	case W_VADD: return wl_vadd(t, desc, dlen);
	case W_MATMUL_A: return wl_matmul(t, 33, 17, 29, desc, dlen);
	case W_MATMUL_B: return wl_matmul(t, 64, 64, 64, desc, dlen);
	case W_MATMUL_C: return wl_matmul(t, 200, 3, 50, desc, dlen);
	case W_MATMUL_RANDOM: return wl_matmul(t, 0, 0, 0, desc, dlen);
	case W_REDUCE: return wl_reduce(t, desc, dlen);
	case W_BATCH: return wl_batch(t, desc, dlen);
	case W_WAIT: return wl_wait(t, desc, dlen);
	case W_SPIN: return wl_spin(t, desc, dlen);
	default: return wl_irq(t, desc, dlen);
	}
}

/*
 * Rounds of every workload until rounds or seconds run out.  quiet: one
 * TAP line per workload at the end instead of one per workload and round.
 */
static int run_workloads(struct tenant *t, const char *tag, unsigned int rounds,
			 double seconds)
{
	unsigned int pass[W_COUNT] = { 0 }, tried[W_COUNT] = { 0 };
	unsigned int round, failures = 0;
	double start = now_s();
	char desc[200], msg[600];
	int w, res;

	for (round = 1;; round++) {
		if (rounds ? round > rounds : round > 1 && now_s() - start >= seconds)
			break;
		for (w = 0; w < W_COUNT; w++) {
			desc[0] = '\0';
			res = wl_run(t, w, desc, sizeof(desc));
			tried[w]++;
			msg[0] = '\0';
			if (res < 0)
				snprintf(msg, sizeof(msg), ": engine failed: %s", mvgpu_errmsg());
			if (!res)
				pass[w]++;
			else
				failures++;
			if (!t->quiet)
				tap_ok(!res, "%sround %u: %s%s%s", tag, round, desc,
				       res > 0 ? ": MISMATCH" : "", msg);
			else if (res && diag_left && diag_left--)
				tap_diag("%sround %u: %s: %s%s", tag, round, desc,
					 res > 0 ? "MISMATCH" : "failed", msg);
			/* An engine failure leaves the ring stopped: start over. */
			if (res < 0 && setup_engine(t)) {
				tap_ok(0, "%srecover after a failure: %s", tag, mvgpu_errmsg());
				return 1;
			}
		}
	}
	round--;
	if (t->quiet) {
		for (w = 0; w < W_COUNT; w++)
			tap_ok(pass[w] == tried[w], "%s%s: %u of %u rounds exact", tag,
			       wl_names[w], pass[w], tried[w]);
	}
	tap_ok(!failures, "%s%u rounds of %d workloads in %.1f s, %u failures", tag,
	       round, W_COUNT, now_s() - start, failures);
	return failures != 0;
}

/* Attacks */

/* Does p hold len / 4 copies of v? */
static int mem_is_u32(const volatile uint8_t *p, size_t len, uint32_t v)
{
	size_t i;

	for (i = 0; i < len; i += 4)
		if (*(const volatile uint32_t *)(p + i) != v)
			return 0;
	return 1;
}

static int fill_ok(struct tenant *t, uint64_t off, uint32_t len, uint32_t v)
{
	return mem_is_u32(t->vram + off, len, v);
}

/* Engine reset, and the vGPU works again (a FILL and a FENCE). */
static void recover(struct tenant *t, const char *what)
{
	struct mvgpu_engine_state s;
	uint8_t mark[MARK_LEN];
	uint32_t v = rnd(t) | 1;
	char buf[160];
	int err;

	memcpy(mark, t->vram + MARK_OFF, MARK_LEN);
	err = mvgpu_engine_reset(&t->h);
	mvgpu_engine_state(&t->h, &s);
	tap_ok(!err && s.status == MVGPU_ENGINE_IDLE && s.code == MVGPU_ERR_NONE &&
	       s.head == 0, "%s: engine reset: %s", what,
	       err ? mvgpu_errmsg() : mvgpu_engine_str(&s, buf, sizeof(buf)));
	err = mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	if (!err)
		err = emit(t, mvgpu_cmd_fill(SCRATCH_OFF, 65536, v));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	tap_ok(!err && fill_ok(t, SCRATCH_OFF, 65536, v),
	       "%s: the vGPU works again after the reset (FILL + FENCE)%s%s", what,
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	tap_ok(!memcmp(mark, t->vram + MARK_OFF, MARK_LEN),
	       "%s: the engine reset kept VRAM", what);
}

/* Commands that must work, e.g. the set-up of an attack. */
static int submit_ok(struct tenant *t, const char *what,
		     const struct mvgpu_cmd *cmds, unsigned int n)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = emit(t, cmds[i]);
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	if (err)
		tap_ok(0, "%s: %s", what, mvgpu_errmsg());
	return err;
}

#define ANY	(~0ull)

static double probe_seconds;	/* how long the last probe took to stop */

/*
 * One bad command: the engine must stop at it with code (and info and
 * fault address unless ANY), raise MVGPU_INT_ERROR, run nothing after
 * it, ignore further doorbells; then recover().
 */
static void probe(struct tenant *t, const char *what, struct mvgpu_cmd bad,
		  uint32_t code, uint64_t info, uint64_t fault)
{
	struct mvgpu_engine_state s;
	uint32_t bad_off;
	double t0;
	char buf[160];
	int err;

	*vram32(t, CANARY_OFF) = 0;
	bad_off = t->r.tail;
	t0 = now_s();
	err = emit(t, bad);
	if (!err)
		err = emit(t, mvgpu_cmd_fill(CANARY_OFF, 4, CANARY_VALUE));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	probe_seconds = now_s() - t0;
	mvgpu_engine_state(&t->h, &s);
	mvgpu_engine_str(&s, buf, sizeof(buf));
	if (!tap_ok(err == -EIO && s.status == MVGPU_ENGINE_STOPPED && s.code == code,
		    "%s: stopped with %s after %.2f s (%s)", what, mvgpu_err_name(code),
		    probe_seconds, err == -EIO ? buf : err ? mvgpu_errmsg() : "it completed"))
		tap_diag("%s: %s", what, buf);
	if (info != ANY)
		tap_ok(s.info == info, "%s: ERROR_INFO 0x%x, want 0x%llx", what, s.info,
		       (unsigned long long)info);
	if (fault != ANY)
		tap_ok(s.fault_addr == fault, "%s: FAULT_ADDR 0x%llx, want 0x%llx", what,
		       (unsigned long long)s.fault_addr, (unsigned long long)fault);
	tap_ok(s.head == bad_off, "%s: RING_HEAD 0x%x is the bad command's 0x%x", what,
	       s.head, bad_off);
	tap_ok(s.int_status & MVGPU_INT_ERROR, "%s: MVGPU_INT_ERROR pending (INT_STATUS 0x%x)",
	       what, s.int_status);
	/* A second doorbell is ignored: nothing after the bad command runs. */
	mvgpu_ring_kick(&t->r);
	usleep(20000);
	tap_ok(*vram32(t, CANARY_OFF) == 0 &&
	       mvgpu_reg(&t->h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED &&
	       mvgpu_reg(&t->h, MVGPU_REG_RING_HEAD) == bad_off,
	       "%s: nothing after the bad command ran, even after another doorbell", what);
	recover(t, what);
}

/* A doorbell or ring register the engine must refuse with MVGPU_ERR_RING. */
static void probe_ring(struct tenant *t, const char *what, uint64_t base,
		       uint32_t size, uint32_t tail, uint32_t info)
{
	struct mvgpu_engine_state s;
	struct mvgpu_cmd c = mvgpu_cmd_fill(CANARY_OFF, 4, CANARY_VALUE);
	char buf[160];
	int err;

	/* RING_BASE and RING_SIZE are latched until a reset. */
	mvgpu_engine_reset(&t->h);
	*vram32(t, CANARY_OFF) = 0;
	/* A valid command at the start of the ring, in case it were run. */
	memcpy(t->vram + RING_OFF, &c, sizeof(c));
	mvgpu_reg_write(&t->h, MVGPU_REG_RING_BASE_LO, (uint32_t)base);
	mvgpu_reg_write(&t->h, MVGPU_REG_RING_BASE_HI, (uint32_t)(base >> 32));
	mvgpu_reg_write(&t->h, MVGPU_REG_RING_SIZE, size);
	__sync_synchronize();
	mvgpu_reg_write(&t->h, MVGPU_REG_DOORBELL, tail);
	err = mvgpu_engine_wait(&t->h, TIMEOUT_MS);
	mvgpu_engine_state(&t->h, &s);
	tap_ok(err == -EIO && s.code == MVGPU_ERR_RING && s.info == info,
	       "%s: stopped with RING, info %u (%s)", what, info,
	       err == -EIO ? mvgpu_engine_str(&s, buf, sizeof(buf)) :
	       err ? mvgpu_errmsg() : "the engine accepted it");
	tap_ok(s.int_status & MVGPU_INT_ERROR, "%s: MVGPU_INT_ERROR pending (INT_STATUS 0x%x)",
	       what, s.int_status);
	usleep(20000);
	tap_ok(*vram32(t, CANARY_OFF) == 0, "%s: no command ran", what);
	recover(t, what);
}

static void attack_map_foreign_vram(struct tenant *t)
{
	uint32_t rw = MVGPU_MAP_READ | MVGPU_MAP_WRITE;

	probe(t, "MAP of the VRAM offset just past own VRAM",
	      mvgpu_cmd_map(ATTACK_VA, t->vram_size, 4096, rw), MVGPU_ERR_BAD_MAP, ANY, ANY);
	probe(t, "MAP straddling the end of own VRAM",
	      mvgpu_cmd_map(ATTACK_VA, t->vram_size - 4096, 8192, rw),
	      MVGPU_ERR_BAD_MAP, ANY, ANY);
	probe(t, "MAP of VRAM offset 1 TiB - 4 KiB",
	      mvgpu_cmd_map(ATTACK_VA, (1ull << 40) - 4096, 4096, rw),
	      MVGPU_ERR_BAD_MAP, ANY, ANY);
}

static void attack_map_overlap(struct tenant *t)
{
	uint32_t rw = MVGPU_MAP_READ | MVGPU_MAP_WRITE, v = rnd(t);
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, RO_OFF, 65536, rw),
		mvgpu_cmd_fill(ATTACK_VA, 4096, v),
	};

	if (!submit_ok(t, "MAP 64 KiB of own VRAM at a new VA", setup, 2))
		tap_ok(fill_ok(t, RO_OFF, 4096, v), "a FILL through the new mapping lands in VRAM");
	probe(t, "MAP overlapping the second half of that mapping",
	      mvgpu_cmd_map(ATTACK_VA + 32768, SCRATCH_OFF, 65536, rw),
	      MVGPU_ERR_BAD_MAP, ANY, ANY);
	probe(t, "MAP over the reset-time identity mapping of VRAM",
	      mvgpu_cmd_map(SCRATCH_OFF, SCRATCH_OFF, 4096, rw), MVGPU_ERR_BAD_MAP, ANY, ANY);
}

static void attack_exceed_quota(struct tenant *t)
{
	probe(t, "FILL across the end of own VRAM",
	      mvgpu_cmd_fill(t->vram_size - 4096, 8192, 0x41414141),
	      MVGPU_ERR_PAGE_FAULT, ANY, t->vram_size);
	probe(t, "COPY from just past own VRAM",
	      mvgpu_cmd_copy(SCRATCH_OFF, t->vram_size, 4096),
	      MVGPU_ERR_PAGE_FAULT, ANY, t->vram_size);
}

static void attack_unmapped_va(struct tenant *t)
{
	probe(t, "COPY from an unmapped VA",
	      mvgpu_cmd_copy(SCRATCH_OFF, UNMAPPED_VA, 4096),
	      MVGPU_ERR_PAGE_FAULT, ANY, UNMAPPED_VA);
	probe(t, "REDUCE into an unmapped VA",
	      mvgpu_cmd_reduce(SCRATCH_OFF, UNMAPPED_VA + 8, 16),
	      MVGPU_ERR_PAGE_FAULT, ANY, UNMAPPED_VA + 8);
}

/* Random bytes as commands: every one refused with some error. */
static void attack_garbage(struct tenant *t)
{
	unsigned int i, refused = 0, codes[8] = { 0 };
	struct mvgpu_engine_state s;
	struct mvgpu_cmd c;
	uint32_t bad_off;
	char buf[160];
	int err;

	for (i = 0; i < 20; i++) {
		rnd_fill(t, &c, sizeof(c));
		if (i < 10)
			c.opcode = i;	/* known opcodes with garbage bodies */
		*vram32(t, CANARY_OFF) = 0;
		bad_off = t->r.tail;
		err = emit(t, c);
		if (!err)
			err = emit(t, mvgpu_cmd_fill(CANARY_OFF, 4, CANARY_VALUE));
		if (!err)
			err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
		mvgpu_engine_state(&t->h, &s);
		if (err == -EIO && s.code != MVGPU_ERR_NONE && s.head == bad_off &&
		    !*vram32(t, CANARY_OFF)) {
			refused++;
			codes[s.code < 8 ? s.code : 0]++;
			tap_diag("garbage #%u (opcode 0x%x): %s", i, c.opcode,
				 mvgpu_engine_str(&s, buf, sizeof(buf)));
		} else {
			tap_ok(0, "garbage #%u (opcode 0x%x, flags 0x%x) not refused at its slot: %s",
			       i, c.opcode, c.flags,
			       err == -EIO ? mvgpu_engine_str(&s, buf, sizeof(buf)) :
			       err ? mvgpu_errmsg() : "it completed");
		}
		mvgpu_engine_reset(&t->h);
		mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	}
	tap_ok(refused == i, "garbage: %u of %u random commands refused at their slot "
	       "(BAD_COMMAND %u, BAD_SIZE %u, other %u)", refused, i,
	       codes[MVGPU_ERR_BAD_COMMAND], codes[MVGPU_ERR_BAD_SIZE],
	       refused - codes[MVGPU_ERR_BAD_COMMAND] - codes[MVGPU_ERR_BAD_SIZE]);
	recover(t, "after the garbage");
}

static void attack_truncated(struct tenant *t)
{
	struct mvgpu_cmd c = mvgpu_cmd_fill(TARGET_OFF, 4096, 0x55555555);

	memset(t->vram + TARGET_OFF, 0, 4096);
	c.fill.pad[3] = 1;	/* the last word of the command */
	probe(t, "FILL with a non-zero padding word", c, MVGPU_ERR_BAD_COMMAND,
	      MVGPU_OP_FILL, ANY);
	tap_ok(fill_ok(t, TARGET_OFF, 4096, 0), "the refused FILL wrote nothing");
	c = mvgpu_cmd_copy(TARGET_OFF, TARGET_OFF + 4096, 64);
	c.flags = MVGPU_CMD_FLAG_IRQ;	/* only FENCE takes it */
	probe(t, "COPY with a flag only FENCE takes", c, MVGPU_ERR_BAD_COMMAND,
	      MVGPU_OP_COPY, ANY);
}

static void attack_bad_tail(struct tenant *t)
{
	probe_ring(t, "doorbell tail 100 (not a multiple of 64)", RING_OFF, RING_SIZE,
		   100, MVGPU_RING_ERR_TAIL);
	probe_ring(t, "doorbell tail = RING_SIZE", RING_OFF, RING_SIZE, RING_SIZE,
		   MVGPU_RING_ERR_TAIL);
}

static void attack_bad_ring(struct tenant *t)
{
	probe_ring(t, "RING_SIZE 100", RING_OFF, 100, 64, MVGPU_RING_ERR_SIZE);
	probe_ring(t, "RING_SIZE 2 MiB", RING_OFF, 2 << 20, 64, MVGPU_RING_ERR_SIZE);
	probe_ring(t, "RING_BASE not 64-byte aligned", RING_OFF + 32, RING_SIZE, 64,
		   MVGPU_RING_ERR_BASE);
	probe_ring(t, "RING_BASE beyond the 40-bit VA space", 1ull << 40, RING_SIZE, 64,
		   MVGPU_RING_ERR_BASE);
}

static void attack_hang(struct tenant *t)
{
	*vram64(t, HANG_OFF) = 0;
	probe(t, "WAIT for a value never written", mvgpu_cmd_wait(HANG_OFF, 1),
	      MVGPU_ERR_TIMEOUT, ANY, ANY);
	tap_diag("the watchdog stopped it after %.2f s", probe_seconds);
}

static void attack_sysmem_after_unmap(struct tenant *t)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = 65536;
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, len),
		mvgpu_cmd_fill(ATTACK_VA + len - 4096, 4096, 0x77777777),
	};
	uint8_t *p, *copy;
	int err;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	copy = malloc(len);
	if (!tap_ok(p != MAP_FAILED && copy, "guest buffer of 64 KiB"))
		return;
	rnd_fill(t, p, len);
	err = mvgpu_dma_map(&t->h, p, ATTACK_IOVA, len);
	if (!tap_ok(!err, "VFIO_IOMMU_MAP_DMA of it%s%s", err ? ": " : "",
		    err ? mvgpu_errmsg() : ""))
		return;
	memcpy(copy, p, len);
	if (!submit_ok(t, "MAP it, COPY from it, FILL into it", setup, 3)) {
		tap_ok(!memcmp(t->vram + SCRATCH_OFF, copy, len),
		       "the GPU read the guest buffer exactly");
		tap_ok(!memcmp(p, copy, len - 4096) &&
		       mem_is_u32(p + len - 4096, 4096, 0x77777777),
		       "the GPU wrote the guest buffer exactly");
	}
	memcpy(copy, p, len);
	err = mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len);
	tap_ok(!err, "VFIO_IOMMU_UNMAP_DMA of it%s%s", err ? ": " : "",
	       err ? mvgpu_errmsg() : "");
	probe(t, "COPY from the VA of guest memory the tenant unmapped",
	      mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, 4096), MVGPU_ERR_PAGE_FAULT, ANY,
	      ATTACK_VA);
	tap_ok(!memcmp(p, copy, len), "the unmapped buffer is unchanged");
	munmap(p, len);
	free(copy);
}

static void attack_bad_size(struct tenant *t)
{
	probe(t, "FILL of 3 bytes", mvgpu_cmd_fill(SCRATCH_OFF, 3, 1), MVGPU_ERR_BAD_SIZE,
	      MVGPU_OP_FILL, ANY);
	probe(t, "MATMUL with m = 4097", mvgpu_cmd_matmul(SCRATCH_OFF, SCRATCH_OFF,
	      SCRATCH_OFF, MVGPU_MAX_DIM + 1, 1, 1), MVGPU_ERR_BAD_SIZE, MVGPU_OP_KERNEL, ANY);
	probe(t, "MAP of 100 bytes", mvgpu_cmd_map(ATTACK_VA, 0, 100, MVGPU_MAP_READ),
	      MVGPU_ERR_BAD_SIZE, MVGPU_OP_MAP, ANY);
}

static void attack_readonly(struct tenant *t)
{
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, RO_OFF, 65536, MVGPU_MAP_READ),
		mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, 65536),
	};
	uint8_t *before = malloc(65536);

	rnd_fill(t, t->vram + RO_OFF, 65536);
	memcpy(before, t->vram + RO_OFF, 65536);
	if (!submit_ok(t, "MAP 64 KiB of own VRAM read-only, COPY from it", setup, 2))
		tap_ok(!memcmp(t->vram + SCRATCH_OFF, before, 65536),
		       "the read-only mapping reads exactly");
	probe(t, "FILL through the read-only mapping",
	      mvgpu_cmd_fill(ATTACK_VA + 4096, 4096, 0x99999999), MVGPU_ERR_PERMISSION, ANY,
	      ATTACK_VA + 4096);
	tap_ok(!memcmp(t->vram + RO_OFF, before, 65536), "the read-only VRAM is unchanged");
	free(before);
}

/* What MAP's ERROR_INFO says for a BAD_MAP of this reason. */
#define MAP_INFO(reason)	(MVGPU_OP_MAP | (reason) << MVGPU_ERR_REASON_SHIFT)

/*
 * Guest memory whose page faults nobody answers: a userfaultfd region the
 * tenant never services.  The MAP must fail at once (VFIO cannot pin it)
 * instead of an engine thread waiting for the fault forever.
 */
static void attack_uffd(struct tenant *t)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = 65536;
	uint8_t *p;
	int uffd, err;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)p;
	reg.range.len = len;
	if (!tap_ok(uffd >= 0 && p != MAP_FAILED && !ioctl(uffd, UFFDIO_API, &api) &&
		    !ioctl(uffd, UFFDIO_REGISTER, &reg),
		    "a userfaultfd region of 64 KiB nobody services (%s)", strerror(errno)))
		return;
	err = mvgpu_dma_map(&t->h, p, ATTACK_IOVA, len);
	if (tap_ok(!err, "VFIO_IOMMU_MAP_DMA of it%s%s", err ? ": " : "",
		   err ? mvgpu_errmsg() : "")) {
		probe(t, "MAP of guest memory whose faults are never answered",
		      mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags), MVGPU_ERR_BAD_MAP,
		      MAP_INFO(MVGPU_MAP_ERR_PIN), ATTACK_IOVA);
		tap_diag("refused after %.2f s, the fault never answered", probe_seconds);
		mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len);
	}
	close(uffd);
	munmap(p, len);
}

/*
 * The VM unmaps guest memory and maps other memory at the same IOVA: the
 * GPU must not reach the new memory through its old mapping; only a new
 * MAP does.
 */
static void attack_dma_remap(struct tenant *t)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = 65536;
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, len),
	};
	uint8_t *a, *b, *b_copy;
	int err;

	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b_copy = malloc(len);
	if (!tap_ok(a != MAP_FAILED && b != MAP_FAILED && b_copy, "two guest buffers"))
		return;
	rnd_fill(t, a, len);
	rnd_fill(t, b, len);
	memcpy(b_copy, b, len);
	err = mvgpu_dma_map(&t->h, a, ATTACK_IOVA, len);
	if (!tap_ok(!err, "VFIO_IOMMU_MAP_DMA of the first at IOVA 0x%llx",
		    (unsigned long long)ATTACK_IOVA))
		return;
	if (!submit_ok(t, "MAP it, COPY from it", setup, 2))
		tap_ok(!memcmp(t->vram + SCRATCH_OFF, a, len), "the GPU read the first buffer");
	err = mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len) ?:
	      mvgpu_dma_map(&t->h, b, ATTACK_IOVA, len);
	tap_ok(!err, "VFIO_IOMMU_UNMAP_DMA, then the second buffer mapped at the same IOVA%s%s",
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	probe(t, "COPY through the mapping the VM took away (IOVA now other memory)",
	      mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, 4096), MVGPU_ERR_PAGE_FAULT, ANY,
	      ATTACK_VA);
	probe(t, "FILL through it", mvgpu_cmd_fill(ATTACK_VA, 4096, 0x66666666),
	      MVGPU_ERR_PAGE_FAULT, ANY, ATTACK_VA);
	tap_ok(!memcmp(b, b_copy, len), "the second buffer is untouched");
	if (!submit_ok(t, "a new MAP of the IOVA, COPY from it", setup, 2))
		tap_ok(!memcmp(t->vram + SCRATCH_OFF, b, len),
		       "a new MAP reaches the new memory");
	mvgpu_engine_reset(&t->h);
	mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len);
	munmap(a, len);
	munmap(b, len);
	free(b_copy);
}

static unsigned long long sysfs_u64(struct tenant *t, const char *attr)
{
	unsigned long long v = ~0ull;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mvgpu/%s", t->h.uuid, attr);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = ~0ull;
		fclose(f);
	}
	return v;
}

/*
 * One large page per GiB of VA until the page-table budget is gone: the
 * vGPU's own MAPs fail, and an engine reset (or an UNMAP) gives every
 * table back, for this tenant and the next.
 */
static void attack_page_tables(struct tenant *t)
{
	uint64_t base = 300ull << 30, i;
	unsigned long long before = sysfs_u64(t, "gpt_bytes"), peak;
	struct mvgpu_engine_state s;
	char buf[160];
	int err = 0;

	for (i = 0; base + (i << 30) < (1ull << MVGPU_VA_BITS) && !err; i++) {
		err = emit(t, mvgpu_cmd_map(base + (i << 30), 0, 2 << 20, MVGPU_MAP_READ));
		if (!err && i % 32 == 31)
			err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	}
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	mvgpu_engine_state(&t->h, &s);
	peak = sysfs_u64(t, "gpt_bytes");
	tap_ok(err == -EIO && s.code == MVGPU_ERR_BAD_MAP &&
	       s.info == MAP_INFO(MVGPU_MAP_ERR_TABLES),
	       "MAPs of 2 MiB at every GiB stop at the page-table budget (%s)",
	       err == -EIO ? mvgpu_engine_str(&s, buf, sizeof(buf)) : "never stopped");
	tap_ok(peak > before, "gpt_bytes grew from %llu to %llu", before, peak);
	recover(t, "after the page-table budget");
	tap_ok(sysfs_u64(t, "gpt_bytes") == before,
	       "the engine reset gave every table back (gpt_bytes %llu, was %llu)",
	       sysfs_u64(t, "gpt_bytes"), before);
	err = 0;
	for (i = 0; i < 64 && !err; i++)
		err = emit(t, mvgpu_cmd_map(base + (i << 30), 0, 2 << 20, MVGPU_MAP_READ));
	for (i = 0; i < 64 && !err; i++)
		err = emit(t, mvgpu_cmd_unmap(base + (i << 30), 2 << 20));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	tap_ok(!err && sysfs_u64(t, "gpt_bytes") == before,
	       "MAP and UNMAP of 64 GiB-apart pages: tables back to %llu bytes (%llu)%s%s",
	       before, sysfs_u64(t, "gpt_bytes"), err ? ": " : "", err ? mvgpu_errmsg() : "");
}

/* Guest memory and MSI need bus mastering, as on a real PCI device. */
static void attack_bus_master(struct tenant *t)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = 65536;
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_fill(ATTACK_VA, len, 0x12345678),
	};
	uint8_t *p;
	int err;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(p != MAP_FAILED && !mvgpu_dma_map(&t->h, p, ATTACK_IOVA, len),
		    "a guest buffer of 64 KiB, DMA-mapped"))
		return;
	if (!submit_ok(t, "MAP it and FILL it with bus mastering on", setup, 2))
		tap_ok(mem_is_u32(p, len, 0x12345678), "the FILL reached guest memory");
	memset(p, 0, len);
	mvgpu_bus_master(&t->h, 0);
	probe(t, "FILL of guest memory with bus mastering off",
	      mvgpu_cmd_fill(ATTACK_VA, 4096, 0x9abcdef0), MVGPU_ERR_BUS_MASTER,
	      MVGPU_OP_FILL, ATTACK_VA);
	tap_ok(mem_is_u32(p, len, 0), "guest memory untouched");
	mvgpu_bus_master(&t->h, 1);
	err = emit(t, mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags));
	if (!err)
		err = emit(t, mvgpu_cmd_fill(ATTACK_VA, 4096, 0x9abcdef0));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	tap_ok(!err && mem_is_u32(p, 4096, 0x9abcdef0),
	       "with bus mastering on again, the FILL reaches guest memory%s%s",
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	mvgpu_engine_reset(&t->h);
	mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len);
	munmap(p, len);
}

/*
 * Pins are bounded by the vGPU's VRAM size.  A MAP past it is refused; but
 * pages an UNMAP let go of no longer count, even when the MAP that needs
 * the room comes right behind the UNMAP, before the host could unpin them.
 */
static void attack_pin_limit(struct tenant *t)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = t->vram_size;
	struct mvgpu_cmd again[] = {
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_unmap(ATTACK_VA, len),
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_fill(ATTACK_VA + len - 4096, 4096, 0x600dcafe),
	};
	struct mvgpu_cmd all = mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags);
	uint8_t *p;

	p = mmap(NULL, len + 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(p != MAP_FAILED &&
		    !mvgpu_dma_map(&t->h, p, ATTACK_IOVA, len + 4096),
		    "guest memory of the VRAM size + 4 KiB, DMA-mapped"))
		return;
	recover(t, "before the pin limit");
	submit_ok(t, "MAP as much guest memory as the VRAM size", &all, 1);
	probe(t, "MAP of one page past the pin limit",
	      mvgpu_cmd_map(ATTACK_VA + len, ATTACK_IOVA + len, 4096, flags),
	      MVGPU_ERR_BAD_MAP, MAP_INFO(MVGPU_MAP_ERR_PIN_LIMIT),
	      ATTACK_IOVA + len);
	if (!submit_ok(t, "MAP all, UNMAP all, MAP all again in one submission",
		       again, 4))
		tap_ok(mem_is_u32(p + len - 4096, 4096, 0x600dcafe),
		       "the third MAP reaches guest memory");
	recover(t, "after the pin limit");
	mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len + 4096);
	munmap(p, len + 4096);
}

static const struct {
	const char *name;
	void (*fn)(struct tenant *t);
	const char *help;
} attacks[] = {
	{ "map_foreign_vram", attack_map_foreign_vram,
	  "MAP of VRAM that is not the vGPU's: BAD_MAP" },
	{ "map_overlap", attack_map_overlap,
	  "MAP over a mapped VA: BAD_MAP" },
	{ "exceed_quota", attack_exceed_quota,
	  "FILL/COPY across the end of own VRAM: PAGE_FAULT at its size" },
	{ "unmapped_va", attack_unmapped_va,
	  "access to an unmapped VA: PAGE_FAULT at it" },
	{ "garbage", attack_garbage,
	  "random bytes as commands: all refused" },
	{ "truncated", attack_truncated,
	  "non-zero padding or flags: BAD_COMMAND" },
	{ "bad_tail", attack_bad_tail,
	  "doorbell tail misaligned or >= RING_SIZE: RING/TAIL" },
	{ "bad_ring", attack_bad_ring,
	  "bad RING_SIZE or RING_BASE: RING/SIZE, RING/BASE" },
	{ "hang", attack_hang,
	  "WAIT forever: the watchdog's TIMEOUT" },
	{ "sysmem_after_unmap", attack_sysmem_after_unmap,
	  "guest memory used after UNMAP_DMA: PAGE_FAULT" },
	{ "bad_size", attack_bad_size,
	  "bad sizes: BAD_SIZE" },
	{ "readonly", attack_readonly,
	  "a write through a read-only MAP: PERMISSION" },
	{ "uffd", attack_uffd,
	  "guest memory whose faults nobody answers: BAD_MAP at once" },
	{ "dma_remap", attack_dma_remap,
	  "IOVA unmapped and mapped to other memory: PAGE_FAULT until a new MAP" },
	{ "page_tables", attack_page_tables,
	  "page-table budget: BAD_MAP, and every table back after reset" },
	{ "bus_master", attack_bus_master,
	  "guest memory with bus mastering off: BUS_MASTER" },
	{ "pin_limit", attack_pin_limit,
	  "guest memory past the VRAM size: BAD_MAP/PIN_LIMIT; unmapped pages free room at once" },
};

#define N_ATTACKS (sizeof(attacks) / sizeof(attacks[0]))

static int find_attack(const char *kind)
{
	unsigned int i;

	for (i = 0; i < N_ATTACKS; i++)
		if (!strcmp(attacks[i].name, kind))
			return i;
	fprintf(stderr, "workload: unknown attack '%s' (see workload list)\n", kind);
	return -1;
}

static int do_attack(struct tenant *t, int i)
{
	uint32_t v = rnd(t);

	rnd_fill(t, t->vram + MARK_OFF, MARK_LEN);
	tap_ok(!submit_ok(t, "before", (struct mvgpu_cmd[]){
			mvgpu_cmd_fill(SCRATCH_OFF, 4096, v) }, 1) &&
	       fill_ok(t, SCRATCH_OFF, 4096, v), "the engine works before the attack");
	attacks[i].fn(t);
	return tap_failed != 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: workload run UUID [--seconds S | --rounds N] [--seed X]\n"
		"       workload neighbor UUID SECONDS [--seed X]\n"
		"       workload attack UUID KIND [--seed X]\n"
		"       workload list\n");
}

int main(int argc, char **argv)
{
	unsigned int rounds = 0, i;
	double seconds = 0;
	uint64_t seed = 0;
	const char *mode, *arg = NULL;
	struct tenant t;
	int ret, pos = 0, attack = -1;

	if (argc >= 2 && !strcmp(argv[1], "list")) {
		for (i = 0; i < N_ATTACKS; i++)
			printf("%-20s %s\n", attacks[i].name, attacks[i].help);
		return 0;
	}
	if (argc < 3) {
		usage(stderr);
		return 2;
	}
	mode = argv[1];
	for (i = 3; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < (unsigned int)argc)
			seconds = strtod(argv[++i], NULL);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < (unsigned int)argc)
			rounds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < (unsigned int)argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && !pos++)
			arg = argv[i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if (!strcmp(mode, "run")) {
		if (arg || (rounds && seconds)) {
			usage(stderr);
			return 2;
		}
		if (!rounds && seconds <= 0)
			rounds = 3;
	} else if (!strcmp(mode, "neighbor")) {
		if (!arg || rounds || (seconds = strtod(arg, NULL)) <= 0) {
			usage(stderr);
			return 2;
		}
	} else if (!strcmp(mode, "attack")) {
		if (!arg) {
			usage(stderr);
			return 2;
		}
		attack = find_attack(arg);
		if (attack < 0)
			return 2;
		if (!seed)
			seed = 1;	/* the garbage attack repeats itself */
	} else {
		usage(stderr);
		return 2;
	}
	if (!seed)
		seed = (uint64_t)time(NULL) << 20 ^ getpid();
	tap_diag("workload %s %s: seed 0x%" PRIx64, mode, argv[2], seed);

	ret = tenant_open(&t, argv[2], strcmp(mode, "attack") != 0,
			  strcmp(mode, "attack") != 0);
	if (ret) {
		tap_ok(0, "open vGPU %s and set up its engine: %s", argv[2], mvgpu_errmsg());
		return 1;
	}
	t.rng = seed | 1;
	if (!strcmp(mode, "attack")) {
		ret = do_attack(&t, attack);
	} else {
		t.quiet = !strcmp(mode, "neighbor");
		if (t.quiet)
			diag_left = 30;
		ret = run_workloads(&t, t.quiet ? "neighbor: " : "", rounds, seconds);
	}
	tenant_close(&t);
	return ret ? ret : tap_failed != 0;
}
