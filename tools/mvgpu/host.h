/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's mvgpu GPUs, their vGPU types and their vGPUs as sysfs shows
 * them: read-only snapshots, and the few writes that create, remove and
 * tune vGPUs.  No VFIO: everything here works on vGPUs that VMs hold open.
 *
 *   /sys/class/mdev_bus/mvgpu.N/                 a GPU (the mdev parent)
 *       vram_{total,allocated,backed}_bytes, sched_stats
 *       mdev_supported_types/mvgpu-1_D/          its types
 *           name, description, available_instances, create, devices/
 *   /sys/bus/mdev/devices/UUID/mvgpu/            a vGPU
 *       vgpu_id, open, weight, priority, cap, vram_bytes, ... sched_stats
 *
 * sched_stats files are "key value" lines, read generically: keys this
 * tool does not know are kept (and shown by list --json), never an error.
 */
#ifndef MVGPU_HOST_H
#define MVGPU_HOST_H

#include <stdint.h>

#define HOST_NAME_LEN	64
#define HOST_UUID_LEN	37

/* "key value" pairs, in file order. */
struct host_kv {
	unsigned int n;
	struct {
		char key[HOST_NAME_LEN];
		char val[HOST_NAME_LEN];
	} *e;
};

const char *host_kv_get(const struct host_kv *kv, const char *key);
/* 0 and *v set, or -1 if the key is missing or not a decimal number. */
int host_kv_u64(const struct host_kv *kv, const char *key, uint64_t *v);
/* The key's value, or def if missing or not a number. */
uint64_t host_kv_u64_or(const struct host_kv *kv, const char *key,
			uint64_t def);

struct host_type {
	char id[HOST_NAME_LEN];		/* "mvgpu-1_8": the mdev type id */
	char name[HOST_NAME_LEN];	/* "mvgpu 1/8 (128 MiB)" */
	uint64_t vram;			/* bytes, from description vram=...M */
	unsigned int max_instances;
	unsigned int weight;		/* default weight */
	unsigned int available;		/* available_instances */
};

struct host_vgpu {
	char uuid[HOST_UUID_LEN];
	unsigned int gpu;		/* index into host_snapshot.gpus */
	unsigned int type;		/* index into that GPU's types */
	int open;			/* 1, 0, or -1: unknown (no "open" file) */
	struct host_kv attrs;		/* the one-value files of mvgpu/ */
	struct host_kv stats;		/* mvgpu/sched_stats */
};

struct host_gpu {
	char name[HOST_NAME_LEN];	/* "mvgpu.0" */
	unsigned int index;		/* N of mvgpu.N */
	uint64_t vram_total, vram_allocated, vram_backed;
	struct host_kv stats;		/* sched_stats: mode, engines, ... */
	unsigned int ntypes;
	struct host_type *types;	/* by VRAM, smallest first */
	unsigned int nvgpus;		/* its vGPUs in host_snapshot.vgpus */
};

struct host_snapshot {
	uint64_t t_ns;			/* CLOCK_MONOTONIC when read */
	int loaded;			/* /sys/module/mvgpu exists */
	unsigned int ngpus;
	struct host_gpu *gpus;		/* by index */
	unsigned int nvgpus;
	struct host_vgpu *vgpus;	/* by GPU, then vgpu_id */
};

/*
 * Read everything.  0, or -errno with a message in host_errmsg() (a vGPU
 * or GPU that disappears while being read is left out, not an error).
 */
int host_snapshot_read(struct host_snapshot *s);
void host_snapshot_free(struct host_snapshot *s);
const char *host_errmsg(void);

struct host_vgpu *host_find_vgpu(struct host_snapshot *s, const char *uuid);
struct host_gpu *host_find_gpu(struct host_snapshot *s, const char *name);
/* A type of a GPU by id ("mvgpu-1_8"), or NULL. */
struct host_type *host_find_type(struct host_gpu *g, const char *id);
/* A vGPU's attribute (weight, cap, vram_bytes ...) or def. */
uint64_t host_vgpu_attr(const struct host_vgpu *v, const char *name,
			uint64_t def);
const char *host_gpu_mode(const struct host_gpu *g);	/* "mlfq", "?" */
unsigned int host_gpu_engines(const struct host_gpu *g);

/* Writes; each returns 0 or -errno (message in host_errmsg()). */
int host_create(const char *gpu, const char *type_id, const char *uuid);
int host_remove(const char *uuid);
int host_knob_write(const char *uuid, const char *knob, uint64_t value);
int host_vgpu_exists(const char *uuid);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hex digits; 1 if so. */
int host_valid_uuid(const char *s);
/* A new random (version 4) UUID, lower case. */
int host_new_uuid(char out[HOST_UUID_LEN]);

/* Where sysfs is: "/sys", or $MVGPU_SYSFS (tests use a fake tree). */
const char *host_sysfs(void);

#endif
