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
#include "workload.h"

/* xorshift64*: reproducible from --seed */
uint64_t rnd(struct tenant *t)
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

void rnd_fill(struct tenant *t, void *p, size_t len)
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

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

volatile uint64_t *vram64(struct tenant *t, uint64_t off)
{
	return (volatile uint64_t *)(t->vram + off);
}

volatile uint32_t *vram32(struct tenant *t, uint64_t off)
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

int emit(struct tenant *t, struct mvgpu_cmd c)
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
		attack_list();
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
