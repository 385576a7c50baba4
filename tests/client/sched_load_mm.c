// SPDX-License-Identifier: GPL-2.0
/*
 * sched_load's modes that check MATMULs against the CPU or time the engine
 * against it: matmul, longcmd and efficiency (see sched_load.c).
 */
#include "sched_load.h"

static void rnd_fill32(struct tenant *t, uint32_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint32_t)(rnd(t) >> 32);
}

/* matmul and longcmd */

/* c[m][n] = a[m][k] * b[k][n], square, u32 wrapping (order does not matter) */
static void matmul_ref(uint32_t *c, const uint32_t *a, const uint32_t *b,
		       uint32_t dim)
{
	uint32_t i, j, l, x;

	memset(c, 0, (size_t)dim * dim * 4);
	for (i = 0; i < dim; i++) {
		for (l = 0; l < dim; l++) {
			x = a[(size_t)i * dim + l];
			for (j = 0; j < dim; j++)
				c[(size_t)i * dim + j] += x * b[(size_t)l * dim + j];
		}
	}
}

/* Elements of got[] that differ from want[]; describes the first one. */
static size_t mismatches(const volatile uint32_t *got, const uint32_t *want,
			 uint32_t dim, char *desc, size_t dlen)
{
	size_t i, n = 0, first = 0, len = (size_t)dim * dim;

	for (i = 0; i < len; i++) {
		if (got[i] != want[i] && !n++)
			first = i;
	}
	if (n)
		snprintf(desc, dlen, "%zu of %zu elements differ, first c[%zu][%zu] = 0x%08x, want 0x%08x",
			 n, len, first / dim, first % dim, got[first], want[first]);
	return n;
}

struct mm {
	uint32_t dim;
	size_t bytes;		/* of one matrix */
	uint64_t a, b, c[2];	/* VRAM offsets = GPU VAs */
	uint32_t *ha, *hb, *want;
};

static int mm_setup(struct tenant *t, struct mm *m, uint32_t dim, int nc)
{
	size_t n = (size_t)dim * dim;

	m->dim = dim;
	m->bytes = n * 4;
	m->a = DATA_OFF;
	m->b = m->a + m->bytes;
	m->c[0] = m->b + m->bytes;
	m->c[1] = m->c[0] + m->bytes;
	if (m->a + (2 + nc) * m->bytes > t->h.vram_len) {
		fprintf(stderr, "sched_load: %ux%u matrices do not fit in %zu bytes of VRAM\n",
			dim, dim, t->h.vram_len);
		return 1;
	}
	m->ha = malloc(m->bytes);
	m->hb = malloc(m->bytes);
	m->want = malloc(m->bytes);
	if (!m->ha || !m->hb || !m->want) {
		fprintf(stderr, "sched_load: out of memory\n");
		return 1;
	}
	rnd_fill32(t, m->ha, n);
	rnd_fill32(t, m->hb, n);
	memcpy(t->vram + m->a, m->ha, m->bytes);
	memcpy(t->vram + m->b, m->hb, m->bytes);
	return 0;
}

static void mm_free(struct mm *m)
{
	free(m->ha);
	free(m->hb);
	free(m->want);
}

/* Poison C so that a MATMUL that wrote nothing cannot pass. */
static void mm_poison(struct tenant *t, struct mm *m, int which, uint32_t v)
{
	uint32_t *c = (uint32_t *)(t->vram + m->c[which]);
	size_t i;

	for (i = 0; i < (size_t)m->dim * m->dim; i++)
		c[i] = v ^ (uint32_t)i;
	__sync_synchronize();
}

/* 0 if C[which] is the reference and A and B are untouched. */
static int mm_check(struct tenant *t, struct mm *m, int which, char *desc,
		    size_t dlen)
{
	__sync_synchronize();
	if (mismatches((uint32_t *)(t->vram + m->c[which]), m->want, m->dim, desc, dlen))
		return 1;
	if (memcmp(t->vram + m->a, m->ha, m->bytes) ||
	    memcmp(t->vram + m->b, m->hb, m->bytes)) {
		snprintf(desc, dlen, "an operand changed in VRAM");
		return 1;
	}
	return 0;
}

int do_matmul(struct tenant *t, double seconds, uint32_t dim)
{
	int64_t end = now_ns() + (int64_t)(seconds * 1e9);
	uint64_t seq[2] = { 0, 0 }, run;
	struct mm m = { 0 };
	char desc[200];
	int cur, ret = 1;

	if (mm_setup(t, &m, dim, 2))
		goto out;
	matmul_ref(m.want, m.ha, m.hb, dim);
	/*
	 * Run r writes C[r % 2]; run r - 1 is checked while run r is queued
	 * behind it, so the ring is never empty while the loop goes on.
	 */
	for (run = 0;; run++) {
		cur = run % 2;
		if (run && (stop || now_ns() >= end))
			break;
		mm_poison(t, &m, cur, (uint32_t)rnd(t));
		if (emit_room(t, mvgpu_cmd_matmul(m.a, m.b, m.c[cur], dim, dim, dim),
			      TIMEOUT_MS) ||
		    fence_kick(t, &seq[cur]))
			goto engine_fail;
		if (!run)
			continue;
		if (wait_seq(t, seq[!cur], TIMEOUT_MS))
			goto engine_fail;
		if (mm_check(t, &m, !cur, desc, sizeof(desc))) {
			printf("not ok - matmul %ux%ux%u run %" PRIu64 ": %s\n",
			       dim, dim, dim, run - 1, desc);
			goto out;
		}
	}
	/* The last run, C[(run - 1) % 2]. */
	cur = (run - 1) % 2;
	if (wait_seq(t, seq[cur], TIMEOUT_MS))
		goto engine_fail;
	if (mm_check(t, &m, cur, desc, sizeof(desc))) {
		printf("not ok - matmul %ux%ux%u run %" PRIu64 ": %s\n", dim, dim, dim,
		       run - 1, desc);
		goto out;
	}
	printf("ok - matmul %" PRIu64 " runs exact (%ux%ux%u)\n", run, dim, dim, dim);
	ret = 0;
	goto out;

engine_fail:
	printf("not ok - matmul %ux%ux%u: engine error after %" PRIu64 " runs\n",
	       dim, dim, dim, run);
out:
	mm_free(&m);
	return ret;
}

int do_longcmd(struct tenant *t, uint32_t dim)
{
	long long before, after;
	struct mm m = { 0 };
	int64_t t0, t1;
	uint64_t seq;
	char desc[200];
	int ret = 1;

	if (mm_setup(t, &m, dim, 1))
		goto out;
	mm_poison(t, &m, 0, (uint32_t)rnd(t));
	before = read_stat(t->uuid, "preemptions");
	t0 = now_ns();
	if (emit_room(t, mvgpu_cmd_matmul(m.a, m.b, m.c[0], dim, dim, dim), TIMEOUT_MS) ||
	    fence_kick(t, &seq)) {
		printf("not ok - longcmd %ux%ux%u: engine error\n", dim, dim, dim);
		goto out;
	}
	/* The CPU reference while the engine works. */
	matmul_ref(m.want, m.ha, m.hb, dim);
	if (wait_seq(t, seq, LONG_TIMEOUT_MS)) {
		printf("not ok - longcmd %ux%ux%u: engine error\n", dim, dim, dim);
		goto out;
	}
	t1 = now_ns();
	after = read_stat(t->uuid, "preemptions");
	printf("longcmd %s dim=%u wall_ms=%.0f preemptions_before=%lld preemptions_after=%lld\n",
	       t->uuid, dim, (t1 - t0) / 1e6, before, after);
	if (mm_check(t, &m, 0, desc, sizeof(desc))) {
		printf("not ok - longcmd %ux%ux%u: %s\n", dim, dim, dim, desc);
		goto out;
	}
	printf("ok - longcmd %ux%ux%u exact\n", dim, dim, dim);
	ret = 0;
out:
	mm_free(&m);
	return ret;
}

/* efficiency: the engine against the CPU doing the same work */

#define EFF_ROUNDS	9	/* the host moves single rounds by 2 x */
#define EFF_COPY	(64ull << 20)
#define EFF_DIM		256

/* Seconds the engine takes for @c, from the doorbell to the fence's MSI. */
static double engine_seconds(struct tenant *t, struct mvgpu_cmd c)
{
	uint64_t seq;
	int64_t t0;

	if (emit_room(t, c, TIMEOUT_MS))
		return -1;
	t0 = now_ns();
	if (fence_kick(t, &seq) || wait_seq(t, seq, LONG_TIMEOUT_MS))
		return -1;
	return (now_ns() - t0) / 1e9;
}

/* MATMUL on the CPU: the plain triple loop, the same types. */
static void matmul_cpu(uint32_t *c, const uint32_t *a, const uint32_t *b,
		       uint32_t dim)
{
	matmul_ref(c, a, b, dim);
}

int do_efficiency(struct tenant *t)
{
	double eng[EFF_ROUNDS], cpu[EFF_ROUNDS], ratio[EFF_ROUNDS];
	uint8_t *src = malloc(EFF_COPY), *dst = malloc(EFF_COPY);
	struct mm m = { 0 };
	char desc[200];
	int i, ret = 1;

	if (!src || !dst || DATA_OFF + 2 * EFF_COPY > t->h.vram_len) {
		fprintf(stderr, "sched_load: efficiency needs 2 x 64 MiB of memory and VRAM\n");
		goto out;
	}
	/* Every page of both sides touched before anything is timed. */
	memset(src, 1, EFF_COPY);
	memset(dst, 2, EFF_COPY);
	memset(t->vram + DATA_OFF, 3, 2 * EFF_COPY);
	for (i = 0; i < EFF_ROUNDS; i++) {
		struct mvgpu_cmd c = mvgpu_cmd_copy(DATA_OFF + EFF_COPY, DATA_OFF, EFF_COPY);
		int64_t t0 = now_ns();

		memcpy(dst, src, EFF_COPY);
		cpu[i] = (now_ns() - t0) / 1e9;
		eng[i] = engine_seconds(t, c);
		if (eng[i] <= 0)
			goto out;
		ratio[i] = cpu[i] / eng[i];
	}
	qsort(eng, EFF_ROUNDS, sizeof(double), cmp_double);
	qsort(cpu, EFF_ROUNDS, sizeof(double), cmp_double);
	qsort(ratio, EFF_ROUNDS, sizeof(double), cmp_double);
	printf("BENCH copy_engine_ms %.1f ms\nBENCH copy_memcpy_ms %.1f ms\n",
	       eng[EFF_ROUNDS / 2] * 1e3, cpu[EFF_ROUNDS / 2] * 1e3);
	printf("BENCH copy_vs_memcpy %.3f x (median of %d rounds, %.3f-%.3f)\n",
	       ratio[EFF_ROUNDS / 2], EFF_ROUNDS, ratio[0], ratio[EFF_ROUNDS - 1]);

	if (mm_setup(t, &m, EFF_DIM, 1))
		goto out;
	for (i = 0; i < EFF_ROUNDS; i++) {
		int64_t t0 = now_ns();

		matmul_cpu(m.want, m.ha, m.hb, EFF_DIM);
		cpu[i] = (now_ns() - t0) / 1e9;
		mm_poison(t, &m, 0, (uint32_t)rnd(t));
		eng[i] = engine_seconds(t, mvgpu_cmd_matmul(m.a, m.b, m.c[0], EFF_DIM,
							    EFF_DIM, EFF_DIM));
		if (eng[i] <= 0 || mm_check(t, &m, 0, desc, sizeof(desc))) {
			fprintf(stderr, "sched_load: efficiency MATMUL: %s\n",
				eng[i] <= 0 ? "engine error" : desc);
			goto out;
		}
		ratio[i] = cpu[i] / eng[i];
	}
	qsort(eng, EFF_ROUNDS, sizeof(double), cmp_double);
	qsort(cpu, EFF_ROUNDS, sizeof(double), cmp_double);
	qsort(ratio, EFF_ROUNDS, sizeof(double), cmp_double);
	printf("BENCH matmul_engine_ms %.1f ms\nBENCH matmul_cpu_ms %.1f ms\n",
	       eng[EFF_ROUNDS / 2] * 1e3, cpu[EFF_ROUNDS / 2] * 1e3);
	printf("BENCH matmul_vs_cpu %.3f x (median of %d rounds, %.3f-%.3f)\n",
	       ratio[EFF_ROUNDS / 2], EFF_ROUNDS, ratio[0], ratio[EFF_ROUNDS - 1]);
	ret = 0;
out:
	mm_free(&m);
	free(src);
	free(dst);
	return ret;
}
