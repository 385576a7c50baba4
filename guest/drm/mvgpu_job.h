/* SPDX-License-Identifier: GPL-2.0 */
/* mvgpu_drm: jobs, the scheduler of a context, SUBMIT and WAIT_JOB. */
#ifndef MVGPU_JOB_H
#define MVGPU_JOB_H

#include <drm/drm_file.h>

#include "mvgpu_ctx.h"

/* Limits of one SUBMIT (MVGPU_PARAM_MAX_*). */
#define MVGPU_MAX_CMDS		255
#define MVGPU_MAX_BOS		128
#define MVGPU_MAX_SYNCS		64

int mvgpu_job_sched_init(struct mvgpu_ctx *ctx);
void mvgpu_job_sched_fini(struct mvgpu_ctx *ctx);
void mvgpu_job_sched_stop(struct mvgpu_ctx *ctx);
void mvgpu_job_sched_restart(struct mvgpu_ctx *ctx, int error);
int mvgpu_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file);
int mvgpu_ioctl_wait_job(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* MVGPU_JOB_H */
