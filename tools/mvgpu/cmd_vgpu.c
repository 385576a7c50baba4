// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu create, remove, set: vGPUs through sysfs, with placement over the
 * host's GPUs and the scheduling knobs applied; a request that fails
 * changes nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "policy.h"

/* The per-vGPU knobs, in the order they are written. */
static const struct knob {
	const char *name;
	const char *range;	/* for messages; the driver decides */
} knobs[] = {
	{ "weight", "1-100" },
	{ "priority", "0-2" },
	{ "cap", "1-100, percent of one engine" },
};

#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static int knob_index(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < NKNOBS; i++)
		if (strlen(knobs[i].name) == len && !strncmp(knobs[i].name, name, len))
			return (int)i;
	return -1;
}

/* A knob value the driver refused: one line, what, why, the range. */
static void knob_refused(unsigned int k, uint64_t value, int err,
			 const char *after)
{
	cli_error("%s=%" PRIu64 " refused by the driver: %s (%s is %s)%s",
		  knobs[k].name, value, strerror(err), knobs[k].name,
		  knobs[k].range, after);
}

static void json_knobs(struct json *j, const char *uuid)
{
	struct host_snapshot s;
	struct host_vgpu *v;
	unsigned int k;

	if (host_snapshot_read(&s))
		return;
	v = host_find_vgpu(&s, uuid);
	if (v) {
		json_str(j, "gpu", s.gpus[v->gpu].name);
		json_str(j, "type", s.gpus[v->gpu].types[v->type].id);
		for (k = 0; k < NKNOBS; k++)
			json_u64(j, knobs[k].name,
				 host_vgpu_attr(v, knobs[k].name, 0));
	}
	host_snapshot_free(&s);
}

/* ---- create ---- */

struct create_args {
	const char *gpu;		/* "mvgpu.N" or NULL */
	char gpu_name[32];
	enum place_policy placement;
	int placement_set;
	int knob_set[NKNOBS];
	uint64_t knob_val[NKNOBS];
	char uuid[HOST_UUID_LEN];
};

enum { OPT_GPU, OPT_PLACEMENT, OPT_WEIGHT, OPT_PRIORITY, OPT_CAP, OPT_UUID,
       OPT_FORCE };

static const struct cli_opt create_opts[] = {
	{ "gpu", 0, 1, OPT_GPU },
	{ "placement", 0, 1, OPT_PLACEMENT },
	{ "weight", 0, 1, OPT_WEIGHT },
	{ "priority", 0, 1, OPT_PRIORITY },
	{ "cap", 0, 1, OPT_CAP },
	{ "uuid", 0, 1, OPT_UUID },
	{ NULL, 0, 0, 0 },
};

static int create_opt(const struct command *cmd, int key, const char *arg,
		      void *ctx)
{
	struct create_args *a = ctx;
	uint64_t v;
	int k;

	switch (key) {
	case OPT_GPU:
		if (!strncmp(arg, "mvgpu.", 6))
			arg += 6;
		if (cli_parse_u64(arg, 1000, &v)) {
			cli_usage_error(cmd, "--gpu '%s': a GPU is N or mvgpu.N", arg);
			return -2;
		}
		snprintf(a->gpu_name, sizeof(a->gpu_name), "mvgpu.%" PRIu64, v);
		a->gpu = a->gpu_name;
		return 0;
	case OPT_PLACEMENT:
		if (!strcmp(arg, "pack"))
			a->placement = PLACE_PACK;
		else if (!strcmp(arg, "spread"))
			a->placement = PLACE_SPREAD;
		else {
			cli_usage_error(cmd, "--placement '%s': pack or spread", arg);
			return -2;
		}
		a->placement_set = 1;
		return 0;
	case OPT_UUID:
		if (cli_parse_uuid(arg, a->uuid)) {
			cli_usage_error(cmd, "--uuid '%s' is not a UUID", arg);
			return -2;
		}
		return 0;
	default:
		k = key - OPT_WEIGHT;
		if (cli_parse_u64(arg, UINT32_MAX, &a->knob_val[k])) {
			cli_usage_error(cmd, "--%s '%s' is not a number (%s)",
					knobs[k].name, arg, knobs[k].range);
			return -2;
		}
		a->knob_set[k] = 1;
		return 0;
	}
}

/* "mvgpu-1_8", "1_8", "1/8" -> "mvgpu-1_8" */
static void type_id(const char *in, char *out, size_t len)
{
	char *p;

	snprintf(out, len, "%s%s", strncmp(in, "mvgpu-", 6) ? "mvgpu-" : "", in);
	for (p = out; *p; p++)
		if (*p == '/')
			*p = '_';
}

static void list_types(const struct host_snapshot *s, char *buf, size_t len)
{
	unsigned int t;
	size_t n = 0;

	buf[0] = '\0';
	for (t = 0; t < s->gpus[0].ntypes && n < len; t++)
		n += snprintf(buf + n, len - n, "%s%s", t ? " " : "",
			      s->gpus[0].types[t].id);
}

static void free_vram_list(const struct host_snapshot *s, char *buf, size_t len)
{
	unsigned int i;
	size_t n = 0;

	buf[0] = '\0';
	for (i = 0; i < s->ngpus && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s %" PRIu64 " MiB", i ? ", " : "",
			      s->gpus[i].name,
			      mib(s->gpus[i].vram_total - s->gpus[i].vram_allocated));
}

int cmd_create(const struct command *cmd, int argc, char **argv)
{
	struct create_args a = { .placement = PLACE_PACK };
	struct place_gpu *pg = NULL;
	unsigned int *order = NULL, i, m, k;
	struct host_snapshot s;
	struct host_type *ty = NULL;
	char id[HOST_NAME_LEN], list[512];
	int n, ret, created = -1;

	n = cli_parse(cmd, argc, argv, create_opts, create_opt, &a);
	if (n == -1)
		return 0;
	if (n < 0)
		return EXIT_USAGE;
	if (n != 2)
		return cli_usage_error(cmd, n < 2 ? "which type? (see mvgpu list)" :
				       "one TYPE only");
	if (a.gpu && a.placement_set)
		return cli_usage_error(cmd, "--gpu and --placement exclude each other");
	type_id(argv[1], id, sizeof(id));

	ret = read_snapshot(&s);
	if (ret)
		return ret;
	ret = EXIT_FAIL;
	for (i = 0; i < s.ngpus && !ty; i++)
		ty = host_find_type(&s.gpus[i], id);
	if (!ty) {
		list_types(&s, list, sizeof(list));
		cli_error("unknown vGPU type '%s' (types: %s)", argv[1], list);
		goto out;
	}
	if (a.gpu && !host_find_gpu(&s, a.gpu)) {
		cli_error("no GPU %s (this host has mvgpu.0 to mvgpu.%u)", a.gpu,
			  s.gpus[s.ngpus - 1].index);
		goto out;
	}
	if (a.uuid[0] && host_vgpu_exists(a.uuid)) {
		cli_error("a vGPU with UUID %s exists already", a.uuid);
		goto out;
	}
	if (!a.uuid[0] && host_new_uuid(a.uuid)) {
		cli_error("%s", host_errmsg());
		goto out;
	}

	pg = calloc(s.ngpus, sizeof(*pg));
	order = calloc(s.ngpus, sizeof(*order));
	if (!pg || !order) {
		cli_error("out of memory");
		goto out;
	}
	for (i = 0, m = 0; i < s.ngpus; i++) {
		struct host_gpu *g = &s.gpus[i];
		struct host_type *t = host_find_type(g, id);

		if (a.gpu && strcmp(g->name, a.gpu))
			continue;
		pg[m++] = (struct place_gpu){
			.index = i,	/* position in s.gpus */
			.vram_total = g->vram_total,
			.vram_allocated = g->vram_allocated,
			.available = t ? t->available : 0,
			.nvgpus = g->nvgpus,
		};
	}
	m = place_order(a.placement, pg, m, order);
	for (i = 0; i < m && created < 0; i++) {
		struct host_gpu *g = &s.gpus[pg[order[i]].index];
		int err = host_create(g->name, id, a.uuid);

		if (!err)
			created = (int)pg[order[i]].index;
		else if (err != -ENOSPC) {
			/* EEXIST and the like: the same on every GPU */
			cli_error("%s", host_errmsg());
			goto out;
		}
		/* -ENOSPC: taken since we looked; try the next GPU */
	}
	if (created < 0) {
		struct host_gpu *g = a.gpu ? host_find_gpu(&s, a.gpu) : NULL;

		free_vram_list(&s, list, sizeof(list));
		if (g)
			cli_error("%s has no room for a %s vGPU (%" PRIu64
				  " MiB): %" PRIu64 " MiB of %" PRIu64 " MiB VRAM free",
				  g->name, id, mib(ty->vram),
				  mib(g->vram_total - g->vram_allocated),
				  mib(g->vram_total));
		else
			cli_error("no GPU has room for a %s vGPU (%" PRIu64
				  " MiB): free VRAM %s", id, mib(ty->vram), list);
		goto out;
	}

	for (k = 0; k < NKNOBS; k++) {
		int err;

		if (!a.knob_set[k])
			continue;
		err = host_knob_write(a.uuid, knobs[k].name, a.knob_val[k]);
		if (err) {
			const char *after = host_remove(a.uuid) ?
				"; removing the new vGPU failed too" :
				"; no vGPU created";

			knob_refused(k, a.knob_val[k], -err, after);
			goto out;
		}
	}
	ret = 0;
	if (cli_json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "uuid", a.uuid);
		json_knobs(&j, a.uuid);
		json_str(&j, "placement", a.gpu ? "gpu" :
			 a.placement == PLACE_PACK ? "pack" : "spread");
		json_obj_end(&j);
		putchar('\n');
	} else {
		printf("%s\n", a.uuid);
	}
out:
	free(pg);
	free(order);
	host_snapshot_free(&s);
	return ret;
}

/* ---- remove ---- */

static int remove_opt(const struct command *cmd, int key, const char *arg,
		      void *ctx)
{
	(void)cmd;
	(void)key;
	(void)arg;
	*(int *)ctx = 1;
	return 0;
}

static const struct cli_opt remove_opts[] = {
	{ "force", 0, 0, OPT_FORCE },
	{ NULL, 0, 0, 0 },
};

int cmd_remove(const struct command *cmd, int argc, char **argv)
{
	struct host_snapshot s;
	char (*uuids)[HOST_UUID_LEN];
	int n, i, ret, force = 0;

	n = cli_parse(cmd, argc, argv, remove_opts, remove_opt, &force);
	if (n == -1)
		return 0;
	if (n < 0)
		return EXIT_USAGE;
	if (n < 2)
		return cli_usage_error(cmd, "which vGPU? (a UUID, see mvgpu list)");
	uuids = calloc((size_t)n, sizeof(*uuids));
	if (!uuids) {
		cli_error("out of memory");
		return EXIT_FAIL;
	}
	ret = read_snapshot(&s);
	if (ret) {
		free(uuids);
		return ret;
	}
	ret = EXIT_FAIL;
	/* Check them all before removing any. */
	for (i = 1; i < n; i++) {
		struct host_vgpu *v;

		if (cli_parse_uuid(argv[i], uuids[i])) {
			cli_error("'%s' is not a UUID", argv[i]);
			goto out;
		}
		v = host_find_vgpu(&s, uuids[i]);
		if (!v) {
			cli_error("no vGPU %s on this host (see mvgpu list)", uuids[i]);
			goto out;
		}
		if (v->open > 0 && !force) {
			cli_error("vGPU %s is in use: a VM or client has it open; stop that first, or pass --force to wait until it closes",
				  uuids[i]);
			goto out;
		}
	}
	for (i = 1; i < n; i++) {
		if (host_remove(uuids[i])) {
			cli_error("%s", host_errmsg());
			goto out;
		}
	}
	ret = 0;
	if (cli_json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_arr_begin(&j, "removed");
		for (i = 1; i < n; i++)
			json_str(&j, NULL, uuids[i]);
		json_arr_end(&j);
		json_obj_end(&j);
		putchar('\n');
	}
out:
	host_snapshot_free(&s);
	free(uuids);
	return ret;
}

/* ---- set ---- */

int cmd_set(const struct command *cmd, int argc, char **argv)
{
	uint64_t val[NKNOBS], old[NKNOBS];
	int set[NKNOBS] = { 0 }, done[NKNOBS] = { 0 };
	char uuid[HOST_UUID_LEN];
	struct host_snapshot s;
	struct host_vgpu *v;
	unsigned int k;
	int n, i, ret;

	n = cli_parse(cmd, argc, argv, NULL, cli_no_opts, NULL);
	if (n == -1)
		return 0;
	if (n < 0)
		return EXIT_USAGE;
	if (n < 2)
		return cli_usage_error(cmd, "which vGPU? (a UUID, see mvgpu list)");
	if (n < 3)
		return cli_usage_error(cmd, "nothing to set: give KNOB=VALUE (weight, priority, cap)");
	for (i = 2; i < n; i++) {
		const char *eq = strchr(argv[i], '=');
		int kk = eq ? knob_index(argv[i], (size_t)(eq - argv[i])) : -1;

		if (kk < 0)
			return cli_usage_error(cmd, "'%s': expected weight=W, priority=P or cap=C",
					       argv[i]);
		if (cli_parse_u64(eq + 1, UINT32_MAX, &val[kk]))
			return cli_usage_error(cmd, "'%s': %s is a number (%s)", argv[i],
					       knobs[kk].name, knobs[kk].range);
		set[kk] = 1;
	}
	if (cli_parse_uuid(argv[1], uuid)) {
		cli_error("'%s' is not a UUID", argv[1]);
		return EXIT_FAIL;
	}
	ret = read_snapshot(&s);
	if (ret)
		return ret;
	ret = EXIT_FAIL;
	v = host_find_vgpu(&s, uuid);
	if (!v) {
		cli_error("no vGPU %s on this host (see mvgpu list)", uuid);
		goto out;
	}
	for (k = 0; k < NKNOBS; k++)
		old[k] = host_vgpu_attr(v, knobs[k].name, UINT64_MAX);
	for (k = 0; k < NKNOBS; k++) {
		int err;

		if (!set[k])
			continue;
		err = host_knob_write(uuid, knobs[k].name, val[k]);
		if (err) {
			unsigned int r;
			int undo_failed = 0;

			/* All or nothing: put back what was written. */
			for (r = 0; r < NKNOBS; r++)
				if (done[r] && (old[r] == UINT64_MAX ||
						host_knob_write(uuid, knobs[r].name, old[r])))
					undo_failed = 1;
			knob_refused(k, val[k], -err, undo_failed ?
				     "; restoring the other knobs failed" :
				     "; nothing changed");
			goto out;
		}
		done[k] = 1;
	}
	ret = 0;
	if (cli_json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j, NULL);
		json_str(&j, "uuid", uuid);
		json_knobs(&j, uuid);
		json_obj_end(&j);
		putchar('\n');
	}
out:
	host_snapshot_free(&s);
	return ret;
}
