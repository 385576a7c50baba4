// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu metrics: the figures of list and top in the Prometheus text
 * exposition format (version 0.0.4), for node_exporter's textfile
 * collector, or as JSON.
 *
 * Names follow the Prometheus conventions: mvgpu_<object>_<what>_<unit>,
 * base units (seconds, bytes, ratios 0-1), counters end in _total, one
 * HELP and TYPE per family.  Labels: gpu ("mvgpu.0"), type ("mvgpu-1_8"),
 * uuid.  A figure the running module does not offer is left out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "json.h"
#include "view.h"

enum level { L_HOST, L_GPU, L_TYPE, L_VGPU };
enum src {
	SRC_STAT,		/* sched_stats key */
	SRC_ATTR,		/* vGPU attribute file */
	SRC_GPU_VRAM_TOTAL, SRC_GPU_VRAM_ALLOC, SRC_GPU_VRAM_BACKED,
	SRC_GPU_VGPUS, SRC_GPUS, SRC_INFO,
	SRC_TYPE_AVAIL, SRC_TYPE_MAX, SRC_TYPE_VRAM,
	SRC_ENTITLED,
};
enum scale { RAW, NS, PPM, PCT };

struct family {
	const char *name;
	const char *type;
	const char *help;
	enum level level;
	enum src src;
	const char *key;
	enum scale scale;
};

static const struct family families[] = {
	{ "mvgpu_gpus", "gauge", "Number of mvgpu GPUs (mdev parents mvgpu.N); 0 if the module is not loaded.",
	  L_HOST, SRC_GPUS, NULL, RAW },

	{ "mvgpu_gpu_info", "gauge", "Always 1; the GPU's scheduling policy in the sched label.",
	  L_GPU, SRC_INFO, NULL, RAW },
	{ "mvgpu_gpu_engines", "gauge", "Engines of the GPU.",
	  L_GPU, SRC_STAT, "engines", RAW },
	{ "mvgpu_gpu_vram_total_bytes", "gauge", "VRAM of the GPU.",
	  L_GPU, SRC_GPU_VRAM_TOTAL, NULL, RAW },
	{ "mvgpu_gpu_vram_allocated_bytes", "gauge", "VRAM allocated to vGPUs (their quotas).",
	  L_GPU, SRC_GPU_VRAM_ALLOC, NULL, RAW },
	{ "mvgpu_gpu_vram_backed_bytes", "gauge", "VRAM backed by host memory now.",
	  L_GPU, SRC_GPU_VRAM_BACKED, NULL, RAW },
	{ "mvgpu_gpu_vgpus", "gauge", "vGPUs on the GPU.",
	  L_GPU, SRC_GPU_VGPUS, NULL, RAW },
	{ "mvgpu_gpu_utilisation_ratio", "gauge", "Share of all engines' time spent running vGPUs over the last second.",
	  L_GPU, SRC_STAT, "utilisation_ppm", PPM },
	{ "mvgpu_gpu_busy_seconds_total", "counter", "Engine time spent running vGPUs, all engines.",
	  L_GPU, SRC_STAT, "busy_ns", NS },
	{ "mvgpu_gpu_context_switches_total", "counter", "Switches from one vGPU to another on an engine.",
	  L_GPU, SRC_STAT, "switches", RAW },
	{ "mvgpu_gpu_switch_mean_seconds", "gauge", "Mean time from the end of one vGPU's run to the start of the next.",
	  L_GPU, SRC_STAT, "switch_ns_mean", NS },
	{ "mvgpu_gpu_tlb_hits_total", "counter", "Hits in the engines' translation caches.",
	  L_GPU, SRC_STAT, "tlb_hits", RAW },
	{ "mvgpu_gpu_tlb_misses_total", "counter", "Misses in the engines' translation caches.",
	  L_GPU, SRC_STAT, "tlb_misses", RAW },

	{ "mvgpu_type_available_instances", "gauge", "How many more vGPUs of the type fit on the GPU now.",
	  L_TYPE, SRC_TYPE_AVAIL, NULL, RAW },
	{ "mvgpu_type_max_instances", "gauge", "vGPUs of the type an empty GPU holds.",
	  L_TYPE, SRC_TYPE_MAX, NULL, RAW },
	{ "mvgpu_type_vram_bytes", "gauge", "VRAM of one vGPU of the type.",
	  L_TYPE, SRC_TYPE_VRAM, NULL, RAW },

	{ "mvgpu_vgpu_info", "gauge", "Always 1; the vGPU's small id in the vgpu_id label.",
	  L_VGPU, SRC_INFO, NULL, RAW },
	{ "mvgpu_vgpu_open", "gauge", "1 while a VM or client has the vGPU's VFIO device open.",
	  L_VGPU, SRC_ATTR, "open", RAW },
	{ "mvgpu_vgpu_weight", "gauge", "Scheduling weight.",
	  L_VGPU, SRC_ATTR, "weight", RAW },
	{ "mvgpu_vgpu_priority", "gauge", "Starting scheduler level (0 is the top).",
	  L_VGPU, SRC_ATTR, "priority", RAW },
	{ "mvgpu_vgpu_cap_ratio", "gauge", "Most of one engine the vGPU may use (1: no cap).",
	  L_VGPU, SRC_ATTR, "cap", PCT },
	{ "mvgpu_vgpu_vram_quota_bytes", "gauge", "VRAM reserved for the vGPU.",
	  L_VGPU, SRC_ATTR, "vram_bytes", RAW },
	{ "mvgpu_vgpu_vram_backed_bytes", "gauge", "The vGPU's VRAM backed by host memory now.",
	  L_VGPU, SRC_ATTR, "vram_used_bytes", RAW },
	{ "mvgpu_vgpu_page_table_bytes", "gauge", "Host memory in the vGPU's GPU page tables.",
	  L_VGPU, SRC_ATTR, "gpt_bytes", RAW },
	{ "mvgpu_vgpu_busy_seconds_total", "counter", "Engine time the vGPU received.",
	  L_VGPU, SRC_STAT, "busy_ns", NS },
	{ "mvgpu_vgpu_share_ratio", "gauge", "Share of one engine the vGPU received over the last second.",
	  L_VGPU, SRC_STAT, "share_ppm", PPM },
	{ "mvgpu_vgpu_entitled_ratio", "gauge", "Share of one engine a busy vGPU is entitled to: its weight over the busy vGPUs' weights, at most its cap.",
	  L_VGPU, SRC_ENTITLED, NULL, RAW },
	{ "mvgpu_vgpu_runs_total", "counter", "Times the scheduler put the vGPU on an engine.",
	  L_VGPU, SRC_STAT, "runs", RAW },
	{ "mvgpu_vgpu_preemptions_total", "counter", "Times the vGPU was preempted.",
	  L_VGPU, SRC_STAT, "preemptions", RAW },
	{ "mvgpu_vgpu_demotions_total", "counter", "MLFQ demotions of the vGPU.",
	  L_VGPU, SRC_STAT, "demotions", RAW },
	{ "mvgpu_vgpu_promotions_total", "counter", "MLFQ promotions of the vGPU.",
	  L_VGPU, SRC_STAT, "promotions", RAW },
	{ "mvgpu_vgpu_boosts_total", "counter", "MLFQ boosts of the vGPU.",
	  L_VGPU, SRC_STAT, "boosts", RAW },
	{ "mvgpu_vgpu_wait_p50_seconds", "gauge", "Median time from runnable to running.",
	  L_VGPU, SRC_STAT, "wait_p50_ns", NS },
	{ "mvgpu_vgpu_wait_p99_seconds", "gauge", "99th percentile of the time from runnable to running.",
	  L_VGPU, SRC_STAT, "wait_p99_ns", NS },
	{ "mvgpu_vgpu_faults_total", "counter", "Faults of the vGPU's engine context.",
	  L_VGPU, SRC_STAT, "faults", RAW },
	{ "mvgpu_vgpu_commands_total", "counter", "Commands the vGPU's engine context completed.",
	  L_VGPU, SRC_STAT, "cmds", RAW },
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/* Where samples go: Prometheus text or JSON. */
struct sink {
	FILE *f;
	int json;
	struct json j;
	int samples;		/* in the current family */
	const struct family *fam;
};

static void put_label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* labels: name, value, name, value, ..., NULL */
static void sample(struct sink *k, const char *const *labels, const char *value)
{
	unsigned int i;

	if (!k->samples++) {
		if (k->json) {
			json_obj_begin(&k->j, NULL);
			json_str(&k->j, "name", k->fam->name);
			json_str(&k->j, "type", k->fam->type);
			json_str(&k->j, "help", k->fam->help);
			json_arr_begin(&k->j, "samples");
		} else {
			fprintf(k->f, "# HELP %s %s\n# TYPE %s %s\n", k->fam->name,
				k->fam->help, k->fam->name, k->fam->type);
		}
	}
	if (k->json) {
		json_obj_begin(&k->j, NULL);
		json_obj_begin(&k->j, "labels");
		for (i = 0; labels[i]; i += 2)
			json_str(&k->j, labels[i], labels[i + 1]);
		json_obj_end(&k->j);
		json_auto(&k->j, "value", value);
		json_obj_end(&k->j);
		return;
	}
	fputs(k->fam->name, k->f);
	for (i = 0; labels[i]; i += 2) {
		fprintf(k->f, "%s%s=\"", i ? "," : "{", labels[i]);
		put_label_value(k->f, labels[i + 1]);
		fputc('"', k->f);
	}
	fprintf(k->f, "%s %s\n", i ? "}" : "", value);
}

static void family_end(struct sink *k)
{
	if (k->json && k->samples) {
		json_arr_end(&k->j);
		json_obj_end(&k->j);
	}
	k->samples = 0;
}

static void format(char *buf, size_t len, uint64_t v, enum scale s)
{
	switch (s) {
	case NS:
		snprintf(buf, len, "%" PRIu64 ".%09" PRIu64, v / 1000000000,
			 v % 1000000000);
		break;
	case PPM:
		snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, v / 1000000,
			 v % 1000000);
		break;
	case PCT:
		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64, v / 100, v % 100);
		break;
	default:
		snprintf(buf, len, "%" PRIu64, v);
	}
}

static void emit(struct sink *k, const struct host_snapshot *s,
		 const struct vgpu_view *vv)
{
	const struct family *fam = k->fam;
	char val[64], idx[32];
	unsigned int i, t;
	uint64_t v;

	switch (fam->level) {
	case L_HOST: {
		const char *none[] = { NULL };

		format(val, sizeof(val), s->ngpus, RAW);
		sample(k, none, val);
		break;
	}
	case L_GPU:
		for (i = 0; i < s->ngpus; i++) {
			const struct host_gpu *g = &s->gpus[i];
			const char *labels[] = { "gpu", g->name, NULL, NULL, NULL };

			switch (fam->src) {
			case SRC_INFO:
				labels[2] = "sched";
				labels[3] = host_gpu_mode(g);
				v = 1;
				break;
			case SRC_GPU_VRAM_TOTAL: v = g->vram_total; break;
			case SRC_GPU_VRAM_ALLOC: v = g->vram_allocated; break;
			case SRC_GPU_VRAM_BACKED: v = g->vram_backed; break;
			case SRC_GPU_VGPUS: v = g->nvgpus; break;
			default:
				if (host_kv_u64(&g->stats, fam->key, &v))
					continue;
			}
			format(val, sizeof(val), v, fam->scale);
			sample(k, labels, val);
		}
		break;
	case L_TYPE:
		for (i = 0; i < s->ngpus; i++) {
			for (t = 0; t < s->gpus[i].ntypes; t++) {
				const struct host_type *ty = &s->gpus[i].types[t];
				const char *labels[] = { "gpu", s->gpus[i].name,
							 "type", ty->id, NULL };

				v = fam->src == SRC_TYPE_AVAIL ? ty->available :
				    fam->src == SRC_TYPE_MAX ? ty->max_instances :
				    ty->vram;
				format(val, sizeof(val), v, fam->scale);
				sample(k, labels, val);
			}
		}
		break;
	case L_VGPU:
		for (i = 0; i < s->nvgpus; i++) {
			const struct host_vgpu *hv = &s->vgpus[i];
			const struct host_gpu *g = &s->gpus[hv->gpu];
			const char *labels[] = { "gpu", g->name, "uuid", hv->uuid,
						 "type", g->types[hv->type].id,
						 NULL, NULL, NULL };

			switch (fam->src) {
			case SRC_INFO:
				snprintf(idx, sizeof(idx), "%" PRIu64,
					 host_vgpu_attr(hv, "vgpu_id", 0));
				labels[6] = "vgpu_id";
				labels[7] = idx;
				v = 1;
				break;
			case SRC_ENTITLED:
				if (vv[i].entitled_pct < 0)
					continue;
				snprintf(val, sizeof(val), "%.6f",
					 vv[i].entitled_pct / 100);
				sample(k, labels, val);
				continue;
			case SRC_ATTR:
				if (host_kv_u64(&hv->attrs, fam->key, &v))
					continue;
				break;
			default:
				if (host_kv_u64(&hv->stats, fam->key, &v))
					continue;
			}
			format(val, sizeof(val), v, fam->scale);
			sample(k, labels, val);
		}
		break;
	}
}

static int write_metrics(FILE *f, const struct host_snapshot *s,
			 const struct vgpu_view *vv)
{
	struct sink k = { .f = f, .json = cli_json };
	unsigned int i;

	if (k.json) {
		json_init(&k.j, f);
		json_obj_begin(&k.j, NULL);
		json_arr_begin(&k.j, "metrics");
	}
	for (i = 0; i < NFAMILIES; i++) {
		k.fam = &families[i];
		emit(&k, s, vv);
		family_end(&k);
	}
	if (k.json) {
		json_arr_end(&k.j);
		json_obj_end(&k.j);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

static int metrics_opt(const struct command *cmd, int key, const char *arg,
		       void *ctx)
{
	(void)cmd;
	(void)key;
	*(const char **)ctx = arg;
	return 0;
}

static const struct cli_opt metrics_opts[] = {
	{ "output", 'o', 1, 'o' },
	{ NULL, 0, 0, 0 },
};

/* Write to a temporary file next to path and rename it over path. */
static int write_file(const char *path, const struct host_snapshot *s,
		      const struct vgpu_view *vv)
{
	char *tmp;
	FILE *f;
	int ret;

	if (asprintf(&tmp, "%s.%ld.tmp", path, (long)getpid()) < 0)
		return -ENOMEM;
	f = fopen(tmp, "w");
	if (!f) {
		ret = -errno;
		cli_error("cannot write %s: %s", tmp, strerror(errno));
		free(tmp);
		return ret;
	}
	ret = write_metrics(f, s, vv);
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		cli_error("cannot write %s: %s", path, strerror(-ret));
		unlink(tmp);
	}
	free(tmp);
	return ret;
}

int cmd_metrics(const struct command *cmd, int argc, char **argv)
{
	struct host_snapshot s;
	struct gpu_view *gv;
	struct vgpu_view *vv;
	const char *out = NULL;
	int n, ret = 0;

	n = cli_parse(cmd, argc, argv, metrics_opts, metrics_opt, &out);
	if (n == -1)
		return 0;
	if (n < 0)
		return EXIT_USAGE;
	if (n > 1)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[1]);
	/* No GPUs is a state worth exporting (mvgpu_gpus 0), not an error. */
	if (host_snapshot_read(&s)) {
		cli_error("%s", host_errmsg());
		return EXIT_FAIL;
	}
	gv = calloc(s.ngpus + 1, sizeof(*gv));
	vv = calloc(s.nvgpus + 1, sizeof(*vv));
	if (!gv || !vv) {
		cli_error("out of memory");
		ret = EXIT_FAIL;
		goto out;
	}
	view_build(&s, NULL, gv, vv);
	if (out) {
		ret = write_file(out, &s, vv) ? EXIT_FAIL : 0;
	} else if (write_metrics(stdout, &s, vv) || fflush(stdout)) {
		cli_error("cannot write the metrics: %s", strerror(errno));
		ret = EXIT_FAIL;
	}
out:
	free(gv);
	free(vv);
	host_snapshot_free(&s);
	return ret;
}
