// SPDX-License-Identifier: GPL-2.0
/*
 * policy: placement and entitlement; see policy.h.
 */
#include <stdlib.h>
#include <string.h>

#include "policy.h"

struct place_key {
	const struct place_gpu *g;
	unsigned int i;
	enum place_policy p;
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_place(const void *a, const void *b)
{
	const struct place_key *x = a, *y = b;
	const struct place_gpu *gx = x->g, *gy = y->g;
	int c;

	if (x->p == PLACE_PACK) {
		c = cmp_u64(gx->vram_total - gx->vram_allocated,
			    gy->vram_total - gy->vram_allocated);
	} else {
		/* allocated / total, compared without division */
		unsigned __int128 lx = (unsigned __int128)gx->vram_allocated * gy->vram_total;
		unsigned __int128 ly = (unsigned __int128)gy->vram_allocated * gx->vram_total;

		c = (lx > ly) - (lx < ly);
		if (!c)
			c = cmp_u64(gx->nvgpus, gy->nvgpus);
	}
	return c ? c : cmp_u64(gx->index, gy->index);
}

unsigned int place_order(enum place_policy p, const struct place_gpu *g,
			 unsigned int n, unsigned int *order)
{
	struct place_key *k = calloc(n ? n : 1, sizeof(*k));
	unsigned int i, m = 0;

	if (!k)
		return 0;
	for (i = 0; i < n; i++)
		if (g[i].available > 0)
			k[m++] = (struct place_key){ .g = &g[i], .i = i, .p = p };
	qsort(k, m, sizeof(*k), cmp_place);
	for (i = 0; i < m; i++)
		order[i] = k[i].i;
	free(k);
	return m;
}

int sched_mode_parse(const char *s)
{
	static const char *const names[] = {
		[SCHED_MLFQ] = "mlfq", [SCHED_RR] = "rr",
		[SCHED_EQUAL] = "equal", [SCHED_FIXED] = "fixed",
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

void entitle(enum sched_mode mode, unsigned int engines,
	     const struct entitle_vgpu *v, unsigned int n, double *out)
{
	double *limit = calloc(n ? n : 1, sizeof(*limit));
	double *w = calloc(n ? n : 1, sizeof(*w));
	char *fixed = calloc(n ? n : 1, 1);
	double left = engines ? engines : 1;
	unsigned int i, open = 0;

	if (!limit || !w || !fixed) {
		for (i = 0; i < n; i++)
			out[i] = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		unsigned int cap = v[i].cap ? v[i].cap : 100;

		out[i] = -1;
		if (!v[i].busy)
			continue;
		if (mode == SCHED_FIXED) {
			/* as the scheduler's mvgpu_policy_cap() */
			unsigned int f = v[i].weight * 100 / 8;

			if (f < 1)
				f = 1;
			if (f < cap)
				cap = f;
		}
		limit[i] = cap > 100 ? 1.0 : cap / 100.0;
		w[i] = mode == SCHED_MLFQ || mode == SCHED_FIXED ?
		       (v[i].weight ? v[i].weight : 1) : 1;
		open++;
	}
	/*
	 * Water filling: share what is left among the vGPUs not yet at their
	 * limit by weight; fix every vGPU whose share would pass its limit at
	 * the limit, and repeat with the rest.  Ends after at most n rounds.
	 */
	while (open) {
		double sw = 0, round_left = left;
		int capped = 0;

		for (i = 0; i < n; i++)
			if (v[i].busy && !fixed[i])
				sw += w[i];
		for (i = 0; i < n; i++) {
			if (!v[i].busy || fixed[i] ||
			    round_left * w[i] / sw < limit[i])
				continue;
			out[i] = limit[i] * 100;
			fixed[i] = 1;
			left -= limit[i];
			open--;
			capped = 1;
		}
		if (capped)
			continue;
		for (i = 0; i < n; i++) {
			if (v[i].busy && !fixed[i]) {
				out[i] = left * w[i] / sw * 100;
				fixed[i] = 1;
			}
		}
		open = 0;
	}
out:
	free(limit);
	free(w);
	free(fixed);
}
