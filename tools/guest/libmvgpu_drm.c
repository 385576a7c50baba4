// SPDX-License-Identifier: MIT
/*
 * libmvgpu_drm: a small user-space library over libdrm for the mvgpu
 * render node.  See libmvgpu_drm.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libmvgpu_drm.h"

#define RENDER_MIN	128
#define RENDER_MAX	191

static int ioctl_err(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

int64_t mvgpu_abs_timeout(int64_t rel_ns)
{
	struct timespec ts;

	if (rel_ns < 0)
		return INT64_MAX;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + rel_ns;
}

static int is_mvgpu(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int yes = v && v->name && !strcmp(v->name, "mvgpu");

	drmFreeVersion(v);
	return yes;
}

int mvgpu_drm_open(struct mvgpu_drm *d, int minor)
{
	int m, fd = -1, err = -ENODEV;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	for (m = minor < 0 ? RENDER_MIN : minor;
	     m <= (minor < 0 ? RENDER_MAX : minor); m++) {
		fd = drmOpenRender(m);
		if (fd < 0) {
			/*
			 * EBUSY: every device context is taken; EDQUOT: this
			 * uid holds its share of them.  Say so.
			 */
			if (errno == EBUSY || errno == EDQUOT)
				err = -errno;
			continue;
		}
		if (is_mvgpu(fd))
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return err;
	d->fd = fd;
	d->minor = m;
	if (mvgpu_drm_param(d, MVGPU_PARAM_ACCEL, &d->accel) ||
	    mvgpu_drm_param(d, MVGPU_PARAM_MAX_CMDS, &d->max_cmds)) {
		err = -errno;
		close(fd);
		d->fd = -1;
		return err ? err : -EIO;
	}
	return 0;
}

void mvgpu_drm_close(struct mvgpu_drm *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int mvgpu_drm_param(struct mvgpu_drm *d, uint32_t param, uint64_t *value)
{
	struct drm_mvgpu_get_param p = { .param = param };
	int ret = ioctl_err(d->fd, DRM_IOCTL_MVGPU_GET_PARAM, &p);

	if (!ret)
		*value = p.value;
	return ret;
}

int mvgpu_bo_create(struct mvgpu_drm *d, uint64_t size, uint32_t flags,
		    struct mvgpu_bo *bo)
{
	struct drm_mvgpu_bo_create c = { .size = size, .flags = flags };
	int ret = ioctl_err(d->fd, DRM_IOCTL_MVGPU_BO_CREATE, &c);

	memset(bo, 0, sizeof(*bo));
	if (ret)
		return ret;
	bo->handle = c.handle;
	bo->flags = flags;
	bo->size = c.size_out;
	bo->va = c.va;
	return 0;
}

int mvgpu_bo_map(struct mvgpu_drm *d, struct mvgpu_bo *bo)
{
	struct drm_mvgpu_bo_info info = { .handle = bo->handle };
	void *p;
	int ret;

	if (bo->map)
		return 0;
	ret = ioctl_err(d->fd, DRM_IOCTL_MVGPU_BO_INFO, &info);
	if (ret)
		return ret;
	p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		 info.mmap_offset);
	if (p == MAP_FAILED)
		return -errno;
	bo->map = p;
	return 0;
}

void mvgpu_bo_destroy(struct mvgpu_drm *d, struct mvgpu_bo *bo)
{
	struct drm_gem_close c = { .handle = bo->handle };

	if (bo->map)
		munmap(bo->map, bo->size);
	if (bo->handle)
		drmIoctl(d->fd, DRM_IOCTL_GEM_CLOSE, &c);
	memset(bo, 0, sizeof(*bo));
}

int mvgpu_bo_wait(struct mvgpu_drm *d, struct mvgpu_bo *bo, int64_t timeout_ns)
{
	struct drm_mvgpu_wait_bo w = { .handle = bo->handle,
				       .timeout_ns = timeout_ns ? mvgpu_abs_timeout(timeout_ns) : 0 };

	return ioctl_err(d->fd, DRM_IOCTL_MVGPU_WAIT_BO, &w);
}

int mvgpu_cmdbuf_init(struct mvgpu_drm *d, struct mvgpu_cmdbuf *cb, uint32_t max)
{
	int ret;

	memset(cb, 0, sizeof(*cb));
	ret = mvgpu_bo_create(d, (uint64_t)max * MVGPU_CMD_SIZE, MVGPU_BO_SYSMEM, &cb->bo);
	if (!ret)
		ret = mvgpu_bo_map(d, &cb->bo);
	if (ret) {
		mvgpu_bo_destroy(d, &cb->bo);
		return ret;
	}
	cb->max = max;
	return 0;
}

void mvgpu_cmdbuf_fini(struct mvgpu_drm *d, struct mvgpu_cmdbuf *cb)
{
	mvgpu_bo_destroy(d, &cb->bo);
	cb->max = cb->n = 0;
}

int mvgpu_cmdbuf_add(struct mvgpu_cmdbuf *cb, const struct mvgpu_cmd *c)
{
	if (cb->n >= cb->max)
		return -ENOSPC;
	memcpy((char *)cb->bo.map + (size_t)cb->n * MVGPU_CMD_SIZE, c, MVGPU_CMD_SIZE);
	cb->n++;
	return 0;
}

int mvgpu_submit(struct mvgpu_drm *d, struct drm_mvgpu_submit *s)
{
	return ioctl_err(d->fd, DRM_IOCTL_MVGPU_SUBMIT, s);
}

int mvgpu_cmdbuf_submit(struct mvgpu_drm *d, struct mvgpu_cmdbuf *cb,
			const struct mvgpu_submit_args *a, uint64_t *job)
{
	struct drm_mvgpu_submit s = {
		.cmd_handle = cb->bo.handle,
		.cmd_size = (uint64_t)cb->n * MVGPU_CMD_SIZE,
	};
	int ret;

	if (a) {
		s.bos = (uintptr_t)a->bos;
		s.bo_count = a->bo_count;
		s.in_syncs = (uintptr_t)a->in_syncs;
		s.in_sync_count = a->in_sync_count;
		s.out_sync = a->out_sync;
		s.out_sync_point = a->out_sync_point;
	}
	ret = mvgpu_submit(d, &s);
	/* The driver copied the commands: the buffer is free again. */
	cb->n = 0;
	if (!ret && job)
		*job = s.job;
	return ret;
}

int mvgpu_job_wait(struct mvgpu_drm *d, uint64_t job, int64_t timeout_ns,
		   struct mvgpu_job_status *st)
{
	struct drm_mvgpu_wait_job w = { .job = job,
					.timeout_ns = timeout_ns ? mvgpu_abs_timeout(timeout_ns) : 0 };
	int ret = ioctl_err(d->fd, DRM_IOCTL_MVGPU_WAIT_JOB, &w);

	if (!ret && st) {
		st->status = w.status;
		st->dev_error = w.dev_error;
		st->dev_info = w.dev_info;
		st->fault_addr = w.fault_addr;
	}
	return ret;
}

int mvgpu_set_priority(struct mvgpu_drm *d, uint32_t prio)
{
	struct drm_mvgpu_set_priority p = { .priority = prio };

	return ioctl_err(d->fd, DRM_IOCTL_MVGPU_SET_PRIORITY, &p);
}
