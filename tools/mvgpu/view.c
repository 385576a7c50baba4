// SPDX-License-Identifier: GPL-2.0
/*
 * view: figures derived from snapshots; see view.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "view.h"

/* A vGPU's counter: from sched_stats, else its own file, else def. */
static uint64_t vgpu_counter(const struct host_vgpu *v, const char *key,
			     uint64_t def)
{
	uint64_t x;

	if (!host_kv_u64(&v->stats, key, &x))
		return x;
	return host_vgpu_attr(v, key, def);
}

static const struct host_vgpu *find_prev(const struct host_snapshot *prev,
					 const char *uuid)
{
	unsigned int i;

	for (i = 0; prev && i < prev->nvgpus; i++)
		if (!strcmp(prev->vgpus[i].uuid, uuid))
			return &prev->vgpus[i];
	return NULL;
}

static const struct host_gpu *find_prev_gpu(const struct host_snapshot *prev,
					    const char *name)
{
	unsigned int i;

	for (i = 0; prev && i < prev->ngpus; i++)
		if (!strcmp(prev->gpus[i].name, name))
			return &prev->gpus[i];
	return NULL;
}

static double rate(uint64_t now, uint64_t then, double secs)
{
	return now >= then && secs > 0 ? (now - then) / secs : NAN;
}

void view_build(const struct host_snapshot *cur,
		const struct host_snapshot *prev, struct gpu_view *gv,
		struct vgpu_view *vv)
{
	double secs = prev && cur->t_ns > prev->t_ns ?
		      (cur->t_ns - prev->t_ns) / 1e9 : 0;
	unsigned int i, j;

	for (i = 0; i < cur->ngpus; i++) {
		const struct host_gpu *g = &cur->gpus[i];
		const struct host_gpu *pg = find_prev_gpu(prev, g->name);
		uint64_t b1, b0;

		gv[i].g = g;
		gv[i].util_pct = host_kv_u64_or(&g->stats, "utilisation_ppm", 0) / 1e4;
		if (pg && secs > 0 && !host_kv_u64(&g->stats, "busy_ns", &b1) &&
		    !host_kv_u64(&pg->stats, "busy_ns", &b0) && b1 >= b0)
			gv[i].util_pct = (b1 - b0) / 1e9 / secs /
					 host_gpu_engines(g) * 100;
	}

	for (i = 0; i < cur->nvgpus; i++) {
		const struct host_vgpu *v = &cur->vgpus[i];
		const struct host_vgpu *pv = secs > 0 ? find_prev(prev, v->uuid) : NULL;
		struct vgpu_view *w = &vv[i];

		memset(w, 0, sizeof(*w));
		w->v = v;
		w->g = &cur->gpus[v->gpu];
		w->t = &w->g->types[v->type];
		w->busy_ns = vgpu_counter(v, "busy_ns", 0);
		w->cmds = vgpu_counter(v, "cmds", 0);
		w->faults = vgpu_counter(v, "faults", 0);
		w->preemptions = vgpu_counter(v, "preemptions", 0);
		w->wait_p50_ns = host_kv_u64_or(&v->stats, "wait_p50_ns", UINT64_MAX);
		w->wait_p99_ns = host_kv_u64_or(&v->stats, "wait_p99_ns", UINT64_MAX);
		w->weight = host_vgpu_attr(v, "weight", w->t->weight);
		w->priority = host_vgpu_attr(v, "priority", 0);
		w->cap = host_vgpu_attr(v, "cap", 100);
		w->vram_bytes = host_vgpu_attr(v, "vram_bytes", w->t->vram);
		w->vram_used_bytes = host_vgpu_attr(v, "vram_used_bytes", 0);
		if (pv) {
			uint64_t b0 = vgpu_counter(pv, "busy_ns", 0);

			w->share_pct = w->busy_ns >= b0 ?
				       (w->busy_ns - b0) / 1e9 / secs * 100 : 0;
			w->busy = w->busy_ns > b0;
			w->cmds_per_s = rate(w->cmds, vgpu_counter(pv, "cmds", 0), secs);
			w->preempt_per_s = rate(w->preemptions,
						vgpu_counter(pv, "preemptions", 0), secs);
		} else {
			uint64_t ppm = host_kv_u64_or(&v->stats, "share_ppm", 0);

			w->share_pct = ppm / 1e4;
			w->busy = ppm > 0;
			w->cmds_per_s = NAN;
			w->preempt_per_s = NAN;
		}
	}

	/* Entitlements, GPU by GPU. */
	for (i = 0; i < cur->ngpus; i++) {
		struct entitle_vgpu *ev = calloc(cur->nvgpus + 1, sizeof(*ev));
		double *out = calloc(cur->nvgpus + 1, sizeof(*out));
		unsigned int *idx = calloc(cur->nvgpus + 1, sizeof(*idx));
		int mode = sched_mode_parse(host_gpu_mode(&cur->gpus[i]));
		unsigned int n = 0;

		if (!ev || !out || !idx) {
			for (j = 0; j < cur->nvgpus; j++)
				vv[j].entitled_pct = -1;
			free(ev);
			free(out);
			free(idx);
			return;
		}
		for (j = 0; j < cur->nvgpus; j++) {
			if (cur->vgpus[j].gpu != i)
				continue;
			ev[n] = (struct entitle_vgpu){
				.weight = (unsigned int)vv[j].weight,
				.cap = (unsigned int)vv[j].cap,
				.busy = vv[j].busy,
			};
			idx[n++] = j;
		}
		entitle(mode < 0 ? SCHED_MLFQ : (enum sched_mode)mode,
			host_gpu_engines(&cur->gpus[i]), ev, n, out);
		for (j = 0; j < n; j++)
			vv[idx[j]].entitled_pct = out[j];
		free(ev);
		free(out);
		free(idx);
	}
}

static int cmp_share(const void *a, const void *b)
{
	const struct vgpu_view *x = a, *y = b;

	if (x->share_pct != y->share_pct)
		return x->share_pct < y->share_pct ? 1 : -1;
	if (x->v->gpu != y->v->gpu)
		return x->v->gpu > y->v->gpu ? 1 : -1;
	return strcmp(x->v->uuid, y->v->uuid);
}

void view_sort_by_share(struct vgpu_view *vv, unsigned int n)
{
	qsort(vv, n, sizeof(*vv), cmp_share);
}
