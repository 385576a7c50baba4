// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu list: every GPU, its types and its vGPUs, from sysfs.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "view.h"

static void list_json(const struct host_snapshot *s, const struct gpu_view *gv,
		      const struct vgpu_view *vv)
{
	struct json j;
	unsigned int i, k, t;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_arr_begin(&j, "gpus");
	for (i = 0; i < s->ngpus; i++) {
		const struct host_gpu *g = &s->gpus[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "gpu", g->name);
		json_u64(&j, "index", g->index);
		json_u64(&j, "vram_total_bytes", g->vram_total);
		json_u64(&j, "vram_allocated_bytes", g->vram_allocated);
		json_u64(&j, "vram_backed_bytes", g->vram_backed);
		json_u64(&j, "engines", host_gpu_engines(g));
		json_str(&j, "sched_mode", host_gpu_mode(g));
		json_num(&j, "utilisation_pct", gv[i].util_pct, 2);
		json_obj_begin(&j, "sched_stats");
		for (k = 0; k < g->stats.n; k++)
			json_auto(&j, g->stats.e[k].key, g->stats.e[k].val);
		json_obj_end(&j);
		json_arr_begin(&j, "types");
		for (t = 0; t < g->ntypes; t++) {
			const struct host_type *ty = &g->types[t];

			json_obj_begin(&j, NULL);
			json_str(&j, "type", ty->id);
			json_str(&j, "name", ty->name);
			json_u64(&j, "vram_bytes", ty->vram);
			json_u64(&j, "max_instances", ty->max_instances);
			json_u64(&j, "default_weight", ty->weight);
			json_u64(&j, "available_instances", ty->available);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_arr_begin(&j, "vgpus");
		for (k = 0; k < s->nvgpus; k++) {
			const struct vgpu_view *w = &vv[k];
			const struct host_vgpu *v = w->v;
			unsigned int a;

			if (v->gpu != i)
				continue;
			json_obj_begin(&j, NULL);
			json_str(&j, "uuid", v->uuid);
			json_str(&j, "type", w->t->id);
			if (v->open < 0)
				json_null(&j, "open");
			else
				json_bool(&j, "open", v->open);
			/* Every one-value file of the vGPU's mvgpu/ directory. */
			for (a = 0; a < v->attrs.n; a++)
				if (strcmp(v->attrs.e[a].key, "open"))
					json_auto(&j, v->attrs.e[a].key,
						  v->attrs.e[a].val);
			json_num(&j, "share_pct", w->share_pct, 2);
			if (w->entitled_pct < 0)
				json_null(&j, "entitled_pct");
			else
				json_num(&j, "entitled_pct", w->entitled_pct, 2);
			json_obj_begin(&j, "sched_stats");
			for (a = 0; a < v->stats.n; a++)
				json_auto(&j, v->stats.e[a].key, v->stats.e[a].val);
			json_obj_end(&j);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	putchar('\n');
}

static const char *yes_no(int open)
{
	return open < 0 ? "?" : open ? "yes" : "no";
}

static void list_text(const struct host_snapshot *s, const struct gpu_view *gv,
		      const struct vgpu_view *vv)
{
	unsigned int i, k, t;
	char backed[16];

	for (i = 0; i < s->ngpus; i++) {
		const struct host_gpu *g = &s->gpus[i];

		if (i)
			putchar('\n');
		printf("%s: %" PRIu64 " MiB VRAM (%" PRIu64 " MiB allocated, %s"
		       " MiB backed), %u engine%s, %s scheduler, utilisation %.1f%%\n",
		       g->name, mib(g->vram_total), mib(g->vram_allocated),
		       fmt_mib(g->vram_backed, backed, sizeof(backed)),
		       host_gpu_engines(g),
		       host_gpu_engines(g) == 1 ? "" : "s", host_gpu_mode(g),
		       gv[i].util_pct);
		printf("  %-12s %-22s %9s %7s %9s\n", "TYPE", "NAME", "VRAM",
		       "WEIGHT", "AVAILABLE");
		for (t = 0; t < g->ntypes; t++) {
			const struct host_type *ty = &g->types[t];
			char avail[32];

			snprintf(avail, sizeof(avail), "%u/%u", ty->available,
				 ty->max_instances);
			printf("  %-12s %-22s %5" PRIu64 " MiB %7u %9s\n", ty->id,
			       ty->name, mib(ty->vram), ty->weight, avail);
		}
		if (!g->nvgpus) {
			printf("  no vGPUs\n");
			continue;
		}
		printf("  %-36s %-12s %-4s %6s %4s %4s %10s %10s %6s\n", "vGPU",
		       "TYPE", "OPEN", "WEIGHT", "PRIO", "CAP", "VRAM MiB",
		       "BACKED MiB", "SHARE");
		for (k = 0; k < s->nvgpus; k++) {
			const struct vgpu_view *w = &vv[k];

			if (w->v->gpu != i)
				continue;
			printf("  %-36s %-12s %-4s %6" PRIu64 " %4" PRIu64 " %4" PRIu64
			       " %10" PRIu64 " %10s %5.1f%%\n",
			       w->v->uuid, w->t->id, yes_no(w->v->open), w->weight,
			       w->priority, w->cap, mib(w->vram_bytes),
			       fmt_mib(w->vram_used_bytes, backed, sizeof(backed)),
			       w->share_pct);
		}
	}
}

int cmd_list(const struct command *cmd, int argc, char **argv)
{
	struct host_snapshot s;
	struct gpu_view *gv;
	struct vgpu_view *vv;
	int n, ret;

	n = cli_parse(cmd, argc, argv, NULL, cli_no_opts, NULL);
	if (n == -1)
		return 0;
	if (n < 0)
		return EXIT_USAGE;
	if (n > 1)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[1]);
	ret = read_snapshot(&s);
	if (ret)
		return ret;
	gv = calloc(s.ngpus + 1, sizeof(*gv));
	vv = calloc(s.nvgpus + 1, sizeof(*vv));
	if (!gv || !vv) {
		cli_error("out of memory");
		ret = EXIT_FAIL;
		goto out;
	}
	view_build(&s, NULL, gv, vv);
	if (cli_json)
		list_json(&s, gv, vv);
	else
		list_text(&s, gv, vv);
out:
	free(gv);
	free(vv);
	host_snapshot_free(&s);
	return ret;
}
