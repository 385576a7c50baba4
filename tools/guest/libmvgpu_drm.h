/* SPDX-License-Identifier: MIT */
/*
 * libmvgpu_drm: a small user-space library over libdrm for the mvgpu
 * render node (uapi/mvgpu_drm.h, Documentation/guest-driver.rst).
 *
 * Every function returns 0 or a negative errno (what the ioctl failed
 * with); none prints.  Not thread-safe per device: one thread per
 * struct mvgpu_drm, or a lock of the caller's.
 */
#ifndef LIBMVGPU_DRM_H
#define LIBMVGPU_DRM_H

#include <stddef.h>
#include <stdint.h>

#include <xf86drm.h>

#include "../../uapi/mvgpu.h"
#include "../../uapi/mvgpu_drm.h"

/* An open render node. */
struct mvgpu_drm {
	int fd;
	int minor;		/* renderD<minor> */
	uint64_t accel;		/* MVGPU_PARAM_ACCEL */
	uint64_t max_cmds;	/* MVGPU_PARAM_MAX_CMDS */
};

/* A buffer object, optionally mapped. */
struct mvgpu_bo {
	uint32_t handle;
	uint32_t flags;		/* MVGPU_BO_* */
	uint64_t size;
	uint64_t va;		/* GPU VA in this file's address space */
	void *map;		/* the CPU's mapping, after mvgpu_bo_map() */
};

/* A command buffer: a SYSMEM buffer the caller appends commands to. */
struct mvgpu_cmdbuf {
	struct mvgpu_bo bo;
	uint32_t max, n;	/* commands it holds, commands appended */
};

/* What one submission carries besides its commands. */
struct mvgpu_submit_args {
	const struct drm_mvgpu_submit_bo *bos;
	uint32_t bo_count;
	const struct drm_mvgpu_sync *in_syncs;
	uint32_t in_sync_count;
	uint32_t out_sync;		/* syncobj handle or 0 */
	uint64_t out_sync_point;	/* timeline point or 0 */
};

/* The outcome of a job (DRM_IOCTL_MVGPU_WAIT_JOB). */
struct mvgpu_job_status {
	int status;		/* 0 or a negative errno */
	uint32_t dev_error, dev_info;
	uint64_t fault_addr;
};

/* Open the first mvgpu render node (minor < 0), or renderD<minor>. */
int mvgpu_drm_open(struct mvgpu_drm *d, int minor);
void mvgpu_drm_close(struct mvgpu_drm *d);
int mvgpu_drm_param(struct mvgpu_drm *d, uint32_t param, uint64_t *value);

int mvgpu_bo_create(struct mvgpu_drm *d, uint64_t size, uint32_t flags,
		    struct mvgpu_bo *bo);
int mvgpu_bo_map(struct mvgpu_drm *d, struct mvgpu_bo *bo);
void mvgpu_bo_destroy(struct mvgpu_drm *d, struct mvgpu_bo *bo);
/* Wait for the jobs using the buffer; timeout relative, ns (<0: forever). */
int mvgpu_bo_wait(struct mvgpu_drm *d, struct mvgpu_bo *bo, int64_t timeout_ns);

int mvgpu_cmdbuf_init(struct mvgpu_drm *d, struct mvgpu_cmdbuf *cb, uint32_t max);
void mvgpu_cmdbuf_fini(struct mvgpu_drm *d, struct mvgpu_cmdbuf *cb);
/* Append one command; -ENOSPC when full. */
int mvgpu_cmdbuf_add(struct mvgpu_cmdbuf *cb, const struct mvgpu_cmd *c);
/* Submit what was appended as one job and empty the buffer. */
int mvgpu_cmdbuf_submit(struct mvgpu_drm *d, struct mvgpu_cmdbuf *cb,
			const struct mvgpu_submit_args *a, uint64_t *job);

/* The raw SUBMIT. */
int mvgpu_submit(struct mvgpu_drm *d, struct drm_mvgpu_submit *s);
/* Wait for a job; timeout relative, ns (<0: forever; 0: poll). */
int mvgpu_job_wait(struct mvgpu_drm *d, uint64_t job, int64_t timeout_ns,
		   struct mvgpu_job_status *st);
int mvgpu_set_priority(struct mvgpu_drm *d, uint32_t prio);

/* An absolute CLOCK_MONOTONIC time, ns, this far from now (<0: forever). */
int64_t mvgpu_abs_timeout(int64_t rel_ns);

#endif /* LIBMVGPU_DRM_H */
