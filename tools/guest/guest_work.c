// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-guest: the workloads (FILL, COPY, VADD, MATMUL, REDUCE) on random
 * operands in VRAM, in guest memory or in both, their rounds and the
 * checks of their results against the CPU (see mvgpu-guest.c).
 */
#include "guest.h"

/* xorshift64*: reproducible from --seed */
uint64_t rng = 0x6d766770755f6775ull;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint64_t rnd_range(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

/* Operand buffers in VRAM or guest memory, random guard bytes around them. */

static const char *const mem_name[MEM_NUM] = { "vram", "sysmem" };

struct arena arena[MEM_NUM];

struct buf {
	uint64_t va;
	uint8_t *p;
	size_t len;
	uint8_t pre[GUARD], post[GUARD];
};

static void rnd_bytes(void *p, size_t len)
{
	uint8_t *b = p;
	uint64_t v;

	while (len >= 8) {
		v = rnd();
		memcpy(b, &v, 8);
		b += 8;
		len -= 8;
	}
	v = rnd();
	memcpy(b, &v, len);
}

/* A buffer of len bytes in memory m, holding init[] or random bytes. */
static void buf_alloc(struct buf *b, enum mem m, size_t len, size_t align,
		      const void *init)
{
	struct arena *a = &arena[m];
	uint64_t off = a->used + GUARD + rnd() % 256;

	off = (off + align - 1) & ~(uint64_t)(align - 1);
	if (!a->p || off + len + GUARD > a->len) {
		tap_diag("%s arena overflow: program bug", mem_name[m]);
		exit(1);
	}
	a->used = off + len + GUARD;
	b->va = a->va + off;
	b->p = a->p + off;
	b->len = len;
	rnd_bytes(b->pre, GUARD);
	rnd_bytes(b->post, GUARD);
	memcpy(b->p - GUARD, b->pre, GUARD);
	memcpy(b->p + len, b->post, GUARD);
	if (init) {
		memcpy(b->p, init, len);
	} else {
		uint8_t *tmp = malloc(len);

		rnd_bytes(tmp, len);
		memcpy(b->p, tmp, len);
		free(tmp);
	}
}

/* 0 if the buffer holds want[] and its guards are intact. */
static int buf_check(const char *what, const struct buf *b, const void *want)
{
	uint8_t *got = malloc(b->len + 2 * GUARD);
	const uint8_t *w = want;
	size_t i, n = 0, first = 0;
	int bad = 0;

	memcpy(got, b->p - GUARD, b->len + 2 * GUARD);
	for (i = 0; i < b->len; i++)
		if (got[GUARD + i] != w[i] && !n++)
			first = i;
	if (n) {
		tap_diag("%s: %zu of %zu bytes differ, first at %zu: got 0x%02x want 0x%02x",
		     what, n, b->len, first, got[GUARD + first], w[first]);
		bad = 1;
	}
	if (memcmp(got, b->pre, GUARD) || memcmp(got + GUARD + b->len, b->post, GUARD)) {
		tap_diag("%s: a guard next to the buffer changed", what);
		bad = 1;
	}
	free(got);
	return bad;
}

/*
 * One workload: set operands, emit commands, later check the result.
 * A round puts every operand in VRAM, every one in guest memory, or
 * alternates buffer by buffer between the two from a random first one.
 */

static const char *const wname[W_NUM] = { "fill", "copy", "vadd", "matmul", "reduce" };

static const char *const pname[PL_NUM] = { "vram", "sysmem", "mixed vram/sysmem" };

#define MAX_BUFS	4

struct work {
	enum place pl;
	unsigned int nbufs, first;
	enum mem mem[MAX_BUFS];	/* where each operand went, in order */
	struct buf out;
	void *want;		/* the CPU's answer */
	char desc[96];
};

static void work_start(struct work *w, enum place pl)
{
	memset(w, 0, sizeof(*w));
	w->pl = pl;
	w->first = rnd() & 1;
}

/* The next operand of the workload, in the memory its placement says. */
static void work_buf(struct work *w, struct buf *b, size_t len, size_t align,
		     const void *init)
{
	enum mem m = w->pl == PL_VRAM ? MEM_VRAM :
		     w->pl == PL_SYSMEM ? MEM_SYS :
		     (enum mem)((w->first + w->nbufs) % MEM_NUM);

	w->mem[w->nbufs++] = m;
	buf_alloc(b, m, len, align, init);
}

static int work_uses_sysmem(const struct work *w)
{
	unsigned int i;

	for (i = 0; i < w->nbufs; i++)
		if (w->mem[i] == MEM_SYS)
			return 1;
	return 0;
}

/* "vram", "sysmem" or, mixed, each operand's memory: "sysmem+vram+sysmem". */
static void work_where(const struct work *w, char *s, size_t len)
{
	unsigned int i;
	size_t n = 0;

	if (w->pl != PL_MIXED) {
		snprintf(s, len, "%s", pname[w->pl]);
		return;
	}
	s[0] = 0;
	for (i = 0; i < w->nbufs && n < len; i++)
		n += snprintf(s + n, len - n, "%s%s", i ? "+" : "", mem_name[w->mem[i]]);
}

static int prep_fill(struct ring *r, struct work *w)
{
	size_t len = rnd_range(1, 16384) * 4;
	uint32_t v = rnd(), *want = malloc(len);
	size_t i;

	for (i = 0; i < len / 4; i++)
		want[i] = v;
	work_buf(w, &w->out, len, 4, NULL);
	w->want = want;
	snprintf(w->desc, sizeof(w->desc), "fill %zu B with 0x%08x", len, v);
	return emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_FILL,
		.fill = { .dst = w->out.va, .size = len, .value = v } });
}

static int prep_copy(struct ring *r, struct work *w)
{
	size_t len = rnd_range(1, 65536);
	struct buf src;

	w->want = malloc(len);
	rnd_bytes(w->want, len);
	work_buf(w, &src, len, 1, w->want);
	work_buf(w, &w->out, len, 1, NULL);
	snprintf(w->desc, sizeof(w->desc), "copy %zu B 0x%" PRIx64 " -> 0x%" PRIx64,
		 len, src.va, w->out.va);
	return emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_COPY,
		.copy = { .dst = w->out.va, .src = src.va, .size = len } });
}

static int prep_vadd(struct ring *r, struct work *w)
{
	uint32_t n = rnd_range(1, 4096), i;
	uint32_t *a = malloc(n * 4), *b = malloc(n * 4), *c = malloc(n * 4);
	struct buf ba, bb;

	rnd_bytes(a, n * 4);
	rnd_bytes(b, n * 4);
	for (i = 0; i < n; i++)
		c[i] = a[i] + b[i];
	work_buf(w, &ba, n * 4, 4, a);
	work_buf(w, &bb, n * 4, 4, b);
	work_buf(w, &w->out, n * 4, 4, NULL);
	free(a);
	free(b);
	w->want = c;
	snprintf(w->desc, sizeof(w->desc), "vadd n=%u", n);
	return emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_KERNEL,
		.kernel = { .kind = MVGPU_KERNEL_VADD, .a = ba.va, .b = bb.va,
			    .c = w->out.va, .n = n } });
}

static int prep_matmul(struct ring *r, struct work *w)
{
	uint32_t m = rnd_range(1, 24), n = rnd_range(1, 24), k = rnd_range(1, 24);
	uint32_t *a = malloc(m * k * 4), *b = malloc(k * n * 4), *c = malloc(m * n * 4);
	uint32_t i, j, l, s;
	struct buf ba, bb;

	rnd_bytes(a, m * k * 4);
	rnd_bytes(b, k * n * 4);
	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j++) {
			for (s = 0, l = 0; l < k; l++)
				s += a[i * k + l] * b[l * n + j];
			c[i * n + j] = s;
		}
	}
	work_buf(w, &ba, m * k * 4, 4, a);
	work_buf(w, &bb, k * n * 4, 4, b);
	work_buf(w, &w->out, m * n * 4, 4, NULL);
	free(a);
	free(b);
	w->want = c;
	snprintf(w->desc, sizeof(w->desc), "matmul m=%u n=%u k=%u", m, n, k);
	return emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_KERNEL,
		.kernel = { .kind = MVGPU_KERNEL_MATMUL, .a = ba.va, .b = bb.va,
			    .c = w->out.va, .m = m, .n = n, .k = k } });
}

static int prep_reduce(struct ring *r, struct work *w)
{
	uint32_t n = rnd_range(1, 8192), i;
	uint32_t *a = malloc(n * 4);
	uint64_t *sum = malloc(8);
	struct buf ba;

	rnd_bytes(a, n * 4);
	for (*sum = 0, i = 0; i < n; i++)
		*sum += a[i];
	work_buf(w, &ba, n * 4, 4, a);
	work_buf(w, &w->out, 8, 8, NULL);
	free(a);
	w->want = sum;
	snprintf(w->desc, sizeof(w->desc), "reduce n=%u (sum 0x%" PRIx64 ")", n, *sum);
	return emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_KERNEL,
		.kernel = { .kind = MVGPU_KERNEL_REDUCE, .a = ba.va,
			    .c = w->out.va, .n = n } });
}

static int (*const prep[W_NUM])(struct ring *, struct work *) = {
	prep_fill, prep_copy, prep_vadd, prep_matmul, prep_reduce,
};

/* Rounds of workloads */

static void free_wants(struct work *work)
{
	unsigned int i;

	for (i = 0; i < W_NUM; i++)
		free(work[i].want);
}

/* Check every result of a round the engine ran; count them. */
static void check_round(struct work *work, unsigned int round, struct tally *t)
{
	char what[200], where[64];
	unsigned int i;
	int bad;

	for (i = 0; i < W_NUM; i++) {
		work_where(&work[i], where, sizeof(where));
		snprintf(what, sizeof(what), "round %u: %s in %s", round, work[i].desc, where);
		bad = buf_check(what, &work[i].out, work[i].want);
		t->tried[work[i].pl][i]++;
		t->exact[work[i].pl][i] += !bad;
		t->mismatches += bad;
		t->workloads++;
		t->sysmem_workloads += work_uses_sysmem(&work[i]);
		if (!quiet && (bad || round <= PL_NUM))
			tap_diag("%s: %s", what, bad ? "MISMATCH" : "exact");
	}
}

/*
 * One round: every workload, operands placed as pl says, then hog_us of
 * SPIN behind the round's fence.  0, or -1 if the engine failed.
 */
static int run_round(struct ring *r, unsigned int round, enum place pl,
		     unsigned int hog_us, struct tally *t)
{
	struct work work[W_NUM];
	unsigned int i;
	uint64_t seq;
	int failed = 0;

	arena[MEM_VRAM].used = arena[MEM_SYS].used = 0;
	for (i = 0; i < W_NUM; i++)
		work_start(&work[i], pl);
	for (i = 0; i < W_NUM && !failed; i++)
		failed = prep[i](r, &work[i]);
	if (!failed)
		failed = ring_fence(r, &seq);
	/* The backlog behind this round's fence keeps the engine busy. */
	for (i = 0; !failed && i < hog_us / HOG_CHUNK_US; i++)
		failed = emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_SPIN,
			.spin = { .usecs = HOG_CHUNK_US } });
	if (!failed) {
		ring_kick(r);
		failed = ring_wait(r, seq);
	}
	if (failed)
		tap_ok(0, "round %u (%s): the engine ran the round", round, pname[pl]);
	else
		check_round(work, round, t);
	t->sysmem_rounds += !failed && pl != PL_VRAM;
	free_wants(work);
	return failed ? -1 : 0;
}

/*
 * --rounds N, or rounds for --seconds S; a timed run ends only after a
 * whole turn of the placements, so each of them gets as many rounds.
 */
int run_rounds(struct ring *r, const struct opts *o, unsigned int nplaces,
		      struct tally *t, unsigned int *rounds_run)
{
	double start = now_s(), last_progress = start;
	unsigned int round;
	int failed = 0;

	for (round = 1;; round++) {
		if (o->rounds ? round > o->rounds :
		    round > nplaces && (round - 1) % nplaces == 0 &&
		    now_s() - start >= o->seconds)
			break;
		failed = run_round(r, round, (enum place)((round - 1) % nplaces),
				   o->hog_us, t);
		if (failed)
			break;
		if (now_s() - last_progress >= 5) {
			last_progress = now_s();
			tap_diag("round %u, %.0f s, %" PRIu64 " mismatches", round,
			     last_progress - start, t->mismatches);
		}
	}
	*rounds_run = round - 1;
	return failed;
}

void report_workloads(const struct tally *t, unsigned int nplaces)
{
	unsigned int pl, i;

	for (pl = 0; pl < nplaces; pl++)
		for (i = 0; i < W_NUM; i++)
			tap_ok(t->tried[pl][i] && t->exact[pl][i] == t->tried[pl][i],
			       "%s in %s: %u of %u rounds exact", wname[i], pname[pl],
			       t->exact[pl][i], t->tried[pl][i]);
}
