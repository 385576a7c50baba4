// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu_drm: jobs, the scheduler of a context, SUBMIT.
 */

#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/drm_utils.h>

#include "mvgpu_drm.h"
#include "mvgpu_gem.h"
#include "mvgpu_hw.h"
#include "mvgpu_job.h"

/**
 * DOC: Jobs
 *
 * A job is a file's command buffer, copied and checked at SUBMIT, with
 * the buffers it uses and the fences it waits for.  Each context has one
 * &drm_gpu_scheduler and the file one &drm_sched_entity on it, so a file's
 * jobs run in order, each through:
 *
 * 1. mvgpu_ioctl_submit(): the arguments checked (flags, padding, counts,
 *    sizes, handles), the commands copied out of their buffer into kernel
 *    memory and checked against the opcodes a user may run, the in-syncobjs'
 *    fences and the buffers' implicit fences made dependencies, the job
 *    pushed, its finished fence put in the buffers' reservations and the
 *    out-syncobj.
 * 2. mvgpu_job_run(): the commands and a FENCE raising MVGPU_INT_FENCE
 *    written to the context's ring, the doorbell rung; the hardware fence
 *    is "SEQNO reaches the count of commands written so far".
 * 3. The interrupt (or the watchdog) signals the hardware fence from
 *    SEQNO; the scheduler signals the finished fence and calls
 *    mvgpu_job_free(), which drops the buffers.
 *
 * The ring holds MVGPU_MAX_JOBS_IN_RING(ring) jobs of MVGPU_MAX_CMDS + 1
 * commands: the scheduler's credit limit, so run_job never waits for room.
 *
 * A fault (MVGPU_INT_ERROR in the context's window) or a hang (the
 * watchdog: engine time over job_timeout_ms, or no progress for
 * stall_timeout_ms) calls drm_sched_fault(); mvgpu_job_timedout() then, on
 * the ordered reset workqueue:
 *
 * 1. stops the scheduler (drm_sched_stop());
 * 2. reads the context's error registers and resets the context alone
 *    (MVGPU_RESET_ENGINE_MAGIC in its window; its page table, SEQNO and
 *    VRAM stay), then reads SEQNO: jobs at or below it are done, the first
 *    job past it is the guilty one, failed with -EIO (a fault),
 *    -ETIMEDOUT (a hang) or -ECANCELED (MVGPU_ERR_CONTEXT_LOST), the device's
 *    error kept for WAIT_JOB;
 * 3. writes the jobs behind it to the ring again (drm_sched_resubmit_jobs():
 *    their memory survived, nothing of them had run) and restarts the
 *    scheduler.
 *
 * Other files' contexts never stop.
 */

#define MVGPU_MAX_JOBS_IN_RING(size)	(((size) / MVGPU_CMD_SIZE - 1) / (MVGPU_MAX_CMDS + 1))

/**
 * struct mvgpu_job - one SUBMIT
 * @base: the scheduler's job
 * @ctx: the file's context (it outlives its jobs: mvgpu_ctx_destroy() waits)
 * @number: the job's number in its file
 * @cmds: the commands, copied and checked
 * @ncmds: how many
 * @bos: the buffers it uses (a reference each)
 * @bo_count: how many
 * @first_seq: SEQNO at its first command, for the last time it was written
 *	to the ring (0: never). Protected by &mvgpu_ctx.ring_lock.
 * @last_seq: SEQNO at its FENCE. Protected by &mvgpu_ctx.ring_lock.
 * @done: a reset found it complete: not to be run again
 */
struct mvgpu_job {
	struct drm_sched_job base;
	struct mvgpu_ctx *ctx;
	u64 number;
	struct mvgpu_cmd *cmds;
	u32 ncmds;
	struct drm_gem_object **bos;
	u32 bo_count;
	u64 first_seq;
	u64 last_seq;
	bool done;
};

static struct mvgpu_job *to_mvgpu_job(struct drm_sched_job *sjob)
{
	return container_of(sjob, struct mvgpu_job, base);
}

static void mvgpu_job_release(struct mvgpu_job *job)
{
	u32 i;

	for (i = 0; i < job->bo_count; i++)
		if (job->bos[i])
			drm_gem_object_put(job->bos[i]);
	kvfree(job->bos);
	kvfree(job->cmds);
	kfree(job);
}

static struct dma_fence *mvgpu_job_run(struct drm_sched_job *sjob)
{
	struct mvgpu_job *job = to_mvgpu_job(sjob);
	struct mvgpu_ctx *ctx = job->ctx;
	struct mvgpu_device *mdev = ctx->mdev;
	struct mvgpu_cmd fence = { .opcode = MVGPU_OP_FENCE,
				   .flags = MVGPU_CMD_FLAG_IRQ };
	struct dma_fence *f;
	u32 i;
	int idx;

	/* The guilty job of a recovery, or one a reset found done. */
	if (unlikely(sjob->s_fence->finished.error || job->done))
		return NULL;
	if (!drm_dev_enter(&mdev->drm, &idx))
		return ERR_PTR(-ENODEV);
	mutex_lock(&ctx->ring_lock);
	if (ctx->stopped) {
		f = ERR_PTR(-ECANCELED);
		goto out;
	}
	f = mvgpu_fence_create(ctx, ctx->emitted + job->ncmds + 1);
	if (!f) {
		f = ERR_PTR(-ENOMEM);
		goto out;
	}
	job->first_seq = ctx->emitted + 1;
	for (i = 0; i < job->ncmds; i++) {
		memcpy_toio(ctx->ring + ctx->tail, &job->cmds[i], MVGPU_CMD_SIZE);
		ctx->tail = (ctx->tail + MVGPU_CMD_SIZE) & (ctx->ring_size - 1);
	}
	/* Its value is for a human reading memory; nothing trusts it. */
	fence.fence.addr = MVGPU_SCRATCH_VA;
	fence.fence.value = job->number;
	memcpy_toio(ctx->ring + ctx->tail, &fence, MVGPU_CMD_SIZE);
	ctx->tail = (ctx->tail + MVGPU_CMD_SIZE) & (ctx->ring_size - 1);
	ctx->emitted += job->ncmds + 1;
	job->last_seq = ctx->emitted;
	/* The commands must be in VRAM before the device hears of them. */
	wmb();
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_DOORBELL, ctx->tail);
	mvgpu_ctx_watchdog_arm(ctx);
out:
	mutex_unlock(&ctx->ring_lock);
	drm_dev_exit(idx);
	return f;
}

static void mvgpu_job_record_error(struct mvgpu_ctx *ctx, struct mvgpu_job *job,
				   int err, u32 code, u32 info, u64 addr)
{
	struct mvgpu_job_record *rec = &ctx->jobs[job->number % MVGPU_MAX_JOBS];
	struct dma_fence *finished = &job->base.s_fence->finished;

	if (!test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &finished->flags))
		dma_fence_set_error(finished, err);
	spin_lock(&ctx->job_lock);
	if (rec->job == job->number) {
		rec->dev_error = code;
		rec->dev_info = info;
		rec->fault_addr = addr;
	}
	spin_unlock(&ctx->job_lock);
	atomic_inc(&ctx->faults);
}

/* Step 2 of the recovery: reset the context, find and fail the guilty job. */
static void mvgpu_job_recover(struct mvgpu_ctx *ctx, int reason)
{
	struct mvgpu_device *mdev = ctx->mdev;
	struct drm_sched_job *sjob;
	struct mvgpu_job *guilty = NULL;
	u32 code, info, status;
	u64 addr, seq;
	int err;

	mutex_lock(&ctx->ring_lock);
	status = mvgpu_ctx_rd(mdev, ctx->id, MVGPU_CTX_STATUS);
	code = mvgpu_ctx_rd(mdev, ctx->id, MVGPU_CTX_ERROR_CODE);
	info = mvgpu_ctx_rd(mdev, ctx->id, MVGPU_CTX_ERROR_INFO);
	addr = mvgpu_ctx_rd64(mdev, ctx->id, MVGPU_CTX_FAULT_ADDR_LO);
	/* A hung context stops here, a faulted one becomes runnable. */
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_RESET, MVGPU_RESET_ENGINE_MAGIC);
	seq = mvgpu_ctx_seqno(ctx);
	/* The spec keeps INT_MASK over a context reset; write it anyway. */
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_INT_ACK, MVGPU_INT_ALL);
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_INT_MASK, MVGPU_INT_FENCE | MVGPU_INT_ERROR);
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_RING_BASE_LO, lower_32_bits(MVGPU_RING_VA));
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_RING_BASE_HI, upper_32_bits(MVGPU_RING_VA));
	mvgpu_ctx_wr(mdev, ctx->id, MVGPU_CTX_RING_SIZE, ctx->ring_size);
	ctx->tail = 0;
	ctx->emitted = seq;
	ctx->wd_head = 0;

	if (code == MVGPU_ERR_CONTEXT_LOST)
		err = -ECANCELED;
	else if (code == MVGPU_ERR_TIMEOUT || (!code && (reason & MVGPU_RECOVER_HANG)))
		err = -ETIMEDOUT;
	else
		err = -EIO;
	/* The scheduler is stopped: its pending list holds still. */
	list_for_each_entry(sjob, &ctx->sched.pending_list, list) {
		struct mvgpu_job *job = to_mvgpu_job(sjob);

		if (job->last_seq && job->last_seq <= seq) {
			job->done = true;
			continue;
		}
		if (!guilty && job->first_seq)
			guilty = job;
	}
	if (guilty && (code || (reason & MVGPU_RECOVER_HANG))) {
		mvgpu_job_record_error(ctx, guilty, err, code, info, addr);
		drm_dbg_driver(&mdev->drm,
			       "context %u: job %llu failed (%d): status %u, error %u, info 0x%x, address 0x%llx\n",
			       ctx->id, guilty->number, err, status, code, info, addr);
	} else {
		drm_dbg_driver(&mdev->drm,
			       "context %u: recovery found no guilty job (error %u, SEQNO %llu)\n",
			       ctx->id, code, seq);
	}
	/* The old hardware fences are detached from their jobs: end them. */
	mvgpu_ctx_signal(ctx, seq, 0);
	mvgpu_ctx_signal(ctx, U64_MAX, -ECANCELED);
	mutex_unlock(&ctx->ring_lock);
}

static enum drm_gpu_sched_stat mvgpu_job_timedout(struct drm_sched_job *sjob)
{
	struct mvgpu_job *job = to_mvgpu_job(sjob);
	struct mvgpu_ctx *ctx = job->ctx;
	struct drm_gpu_scheduler *sched = &ctx->sched;
	int reason = atomic_xchg(&ctx->recover, 0);
	int idx;

	if (!reason || !drm_dev_enter(&ctx->mdev->drm, &idx)) {
		/*
		 * A second drm_sched_fault() for a recovery already done, or
		 * the device is gone (mvgpu_ctx_destroy() ends the jobs).
		 * drm_sched_job_timedout() took the job off the pending list;
		 * put it back, as drm_sched_stop() would.
		 */
		spin_lock(&sched->job_list_lock);
		list_add(&sjob->list, &sched->pending_list);
		spin_unlock(&sched->job_list_lock);
		return reason ? DRM_GPU_SCHED_STAT_ENODEV : DRM_GPU_SCHED_STAT_NOMINAL;
	}
	drm_sched_stop(sched, sjob);
	mvgpu_job_recover(ctx, reason);
	drm_sched_resubmit_jobs(sched);
	drm_sched_start(sched, true);
	drm_dev_exit(idx);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void mvgpu_job_free(struct drm_sched_job *sjob)
{
	struct mvgpu_job *job = to_mvgpu_job(sjob);
	struct mvgpu_ctx *ctx = job->ctx;

	drm_sched_job_cleanup(sjob);
	mvgpu_job_release(job);
	if (atomic_dec_and_test(&ctx->jobs_alive))
		wake_up_all(&ctx->jobs_wq);
}

static const struct drm_sched_backend_ops mvgpu_sched_ops = {
	.run_job = mvgpu_job_run,
	.timedout_job = mvgpu_job_timedout,
	.free_job = mvgpu_job_free,
};

/**
 * mvgpu_job_sched_init() - the context's scheduler and the file's entity
 * @ctx: the context
 *
 * No timeout of the scheduler's own: the watchdog decides by engine time
 * and calls drm_sched_fault().  Recoveries run on the device's ordered
 * reset workqueue, one at a time.
 *
 * Context: process.
 * Return: 0 or a negative errno.
 */
int mvgpu_job_sched_init(struct mvgpu_ctx *ctx)
{
	struct drm_gpu_scheduler *sched = &ctx->sched;
	struct mvgpu_device *mdev = ctx->mdev;
	u32 credits = MVGPU_MAX_JOBS_IN_RING(ctx->ring_size);
	int ret;

	snprintf(ctx->sched_name, sizeof(ctx->sched_name), "mvgpu-ctx%u", ctx->id);
#ifdef MVGPU_SCHED_INIT_ARGS
	{
		const struct drm_sched_init_args args = {
			.ops = &mvgpu_sched_ops,
			.credit_limit = credits,
			.hang_limit = 0,
			.timeout = MAX_SCHEDULE_TIMEOUT,
			.timeout_wq = mdev->reset_wq,
			.name = ctx->sched_name,
			.dev = mdev->drm.dev,
		};

		ret = drm_sched_init(sched, &args);
	}
#else
	ret = drm_sched_init(sched, &mvgpu_sched_ops, credits, 0,
			     MAX_SCHEDULE_TIMEOUT, mdev->reset_wq, NULL,
			     ctx->sched_name, mdev->drm.dev);
#endif
	if (ret) {
		drm_err(&mdev->drm, "context %u: drm_sched_init failed (%d)\n", ctx->id, ret);
		return ret;
	}
	ret = drm_sched_entity_init(&ctx->entity, DRM_SCHED_PRIORITY_NORMAL, &sched, 1, NULL);
	if (ret) {
		drm_sched_fini(sched);
		return ret;
	}
	ctx->sched_ready = true;
	return 0;
}

/**
 * mvgpu_job_sched_fini() - wait for every job to be freed, end the scheduler
 * @ctx: the context; its entity destroyed, its hardware fences all signalled
 *
 * Context: process.
 */
void mvgpu_job_sched_fini(struct mvgpu_ctx *ctx)
{
	if (!ctx->sched_ready)
		return;
	wait_event(ctx->jobs_wq, !atomic_read(&ctx->jobs_alive));
	drm_sched_fini(&ctx->sched);
	ctx->sched_ready = false;
}

/**
 * mvgpu_job_sched_stop() - stop a context before a reset of the whole vGPU
 * @ctx: the context
 *
 * Jobs the device finished (SEQNO, if it can still be read) are marked
 * done; none is written to the ring until mvgpu_job_sched_restart().
 *
 * Context: process, on &mvgpu_device.reset_wq.
 */
void mvgpu_job_sched_stop(struct mvgpu_ctx *ctx)
{
	struct drm_sched_job *sjob;
	u64 seq;

	if (!ctx->sched_ready)
		return;
	drm_sched_stop(&ctx->sched, NULL);
	cancel_delayed_work_sync(&ctx->watchdog);
	mutex_lock(&ctx->ring_lock);
	seq = mvgpu_ctx_seqno(ctx);
	list_for_each_entry(sjob, &ctx->sched.pending_list, list) {
		struct mvgpu_job *job = to_mvgpu_job(sjob);

		if (job->last_seq && job->last_seq <= seq)
			job->done = true;
	}
	mutex_unlock(&ctx->ring_lock);
}

/**
 * mvgpu_job_sched_restart() - after a reset of the whole vGPU
 * @ctx: the context, created again on the device
 * @error: 0 to run its unfinished jobs again, or the error to fail them
 *	with (-ECANCELED: the file lost VRAM)
 *
 * Context: process, on &mvgpu_device.reset_wq.
 */
void mvgpu_job_sched_restart(struct mvgpu_ctx *ctx, int error)
{
	struct drm_sched_job *sjob;

	if (!ctx->sched_ready)
		return;
	mutex_lock(&ctx->ring_lock);
	list_for_each_entry(sjob, &ctx->sched.pending_list, list) {
		struct mvgpu_job *job = to_mvgpu_job(sjob);

		if (error && !job->done)
			mvgpu_job_record_error(ctx, job, error, 0, 0, 0);
	}
	mvgpu_ctx_signal(ctx, U64_MAX, -ECANCELED);
	atomic_set(&ctx->recover, 0);
	mutex_unlock(&ctx->ring_lock);
	drm_sched_resubmit_jobs(&ctx->sched);
	drm_sched_start(&ctx->sched, true);
}

/* SUBMIT */

static bool mvgpu_cmd_allowed(u32 opcode)
{
	switch (opcode) {
	case MVGPU_OP_NOP:
	case MVGPU_OP_FENCE:
	case MVGPU_OP_FILL:
	case MVGPU_OP_COPY:
	case MVGPU_OP_KERNEL:
	case MVGPU_OP_SPIN:
	case MVGPU_OP_TIMESTAMP:
	case MVGPU_OP_WAIT:
		return true;
	default:
		/* MAP, UNMAP, CTX_*: context 0's alone; and unknown ones. */
		return false;
	}
}

static int mvgpu_submit_cmds(struct drm_file *file, struct drm_mvgpu_submit *args,
			     struct mvgpu_job *job)
{
	struct drm_gem_object *obj;
	u32 i;
	int ret;

	obj = drm_gem_object_lookup(file, args->cmd_handle);
	if (!obj)
		return -ENOENT;
	if (args->cmd_offset > obj->size || args->cmd_size > obj->size - args->cmd_offset) {
		ret = -EINVAL;
		goto out;
	}
	job->ncmds = args->cmd_size / MVGPU_CMD_SIZE;
	job->cmds = kvmalloc_array(job->ncmds, MVGPU_CMD_SIZE, GFP_KERNEL_ACCOUNT);
	if (!job->cmds) {
		ret = -ENOMEM;
		goto out;
	}
	/* Copied once: what the device runs is what was checked. */
	ret = mvgpu_bo_read(to_mvgpu_bo(obj), args->cmd_offset, job->cmds, args->cmd_size);
	if (ret)
		goto out;
	for (i = 0; i < job->ncmds; i++) {
		if (!mvgpu_cmd_allowed(job->cmds[i].opcode)) {
			drm_dbg_driver(obj->dev,
				       "SUBMIT: command %u has opcode 0x%x, not for user jobs\n",
				       i, job->cmds[i].opcode);
			ret = -EINVAL;
			goto out;
		}
	}
out:
	drm_gem_object_put(obj);
	return ret;
}

static int mvgpu_submit_bos(struct drm_file *file, struct drm_mvgpu_submit *args,
			    struct mvgpu_job *job, u32 **flags_out)
{
	struct drm_mvgpu_submit_bo *ubos;
	u32 i, j, *flags;
	int ret = 0;

	if (!args->bo_count)
		return 0;
	ubos = kvmalloc_array(args->bo_count, sizeof(*ubos), GFP_KERNEL);
	flags = kvmalloc_array(args->bo_count, sizeof(*flags), GFP_KERNEL);
	job->bos = kvcalloc(args->bo_count, sizeof(*job->bos), GFP_KERNEL_ACCOUNT);
	if (!ubos || !flags || !job->bos) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(ubos, u64_to_user_ptr(args->bos),
			   array_size(args->bo_count, sizeof(*ubos)))) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < args->bo_count; i++) {
		if (!ubos[i].flags || (ubos[i].flags & ~MVGPU_SUBMIT_BO_FLAGS)) {
			ret = -EINVAL;
			goto out;
		}
		for (j = 0; j < i; j++)
			if (ubos[j].handle == ubos[i].handle) {
				ret = -EINVAL;
				goto out;
			}
	}
	for (i = 0; i < args->bo_count; i++) {
		job->bos[i] = drm_gem_object_lookup(file, ubos[i].handle);
		if (!job->bos[i]) {
			ret = -ENOENT;
			goto out;
		}
		job->bo_count = i + 1;
		flags[i] = ubos[i].flags;
	}
out:
	kvfree(ubos);
	if (ret)
		kvfree(flags);
	else
		*flags_out = flags;
	return ret;
}

static int mvgpu_submit_in_syncs(struct drm_file *file, struct drm_mvgpu_submit *args,
				 struct dma_fence ***fences_out)
{
	struct drm_mvgpu_sync *syncs;
	struct dma_fence **fences;
	u32 i;
	int ret = 0;

	if (!args->in_sync_count)
		return 0;
	syncs = kvmalloc_array(args->in_sync_count, sizeof(*syncs), GFP_KERNEL);
	fences = kvcalloc(args->in_sync_count, sizeof(*fences), GFP_KERNEL);
	if (!syncs || !fences) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(syncs, u64_to_user_ptr(args->in_syncs),
			   array_size(args->in_sync_count, sizeof(*syncs)))) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < args->in_sync_count && !ret; i++) {
		if (syncs[i].flags)
			ret = -EINVAL;
		else
			ret = drm_syncobj_find_fence(file, syncs[i].handle,
						     syncs[i].point, 0, &fences[i]);
	}
out:
	kvfree(syncs);
	if (ret && fences) {
		for (i = 0; i < args->in_sync_count; i++)
			dma_fence_put(fences[i]);
		kvfree(fences);
		fences = NULL;
	}
	*fences_out = fences;
	return ret;
}

/* Wait for the job MVGPU_MAX_JOBS before this one, whose record it takes. */
static int mvgpu_submit_slot(struct mvgpu_ctx *ctx, u64 number)
{
	struct mvgpu_job_record *rec = &ctx->jobs[number % MVGPU_MAX_JOBS];
	struct dma_fence *old;
	long ret;

	spin_lock(&ctx->job_lock);
	old = dma_fence_get(rec->done);
	spin_unlock(&ctx->job_lock);
	if (!old)
		return 0;
	ret = dma_fence_wait(old, true);
	dma_fence_put(old);
	return ret < 0 ? ret : 0;
}

static int mvgpu_submit_push(struct mvgpu_ctx *ctx, struct mvgpu_job *job,
			     u32 *bo_flags, struct dma_fence **done)
{
	struct mvgpu_job_record *rec;
	struct ww_acquire_ctx acquire;
	struct dma_fence *old;
	u32 i;
	int ret;

	ret = drm_gem_lock_reservations(job->bos, job->bo_count, &acquire);
	if (ret)
		return ret;
	/* Whatever can fail before arming: an armed job must be pushed. */
	for (i = 0; i < job->bo_count; i++) {
		bool write = bo_flags[i] & MVGPU_SUBMIT_BO_WRITE;

		ret = dma_resv_reserve_fences(job->bos[i]->resv, 1);
		if (!ret)
			ret = drm_sched_job_add_implicit_dependencies(&job->base,
								      job->bos[i], write);
		if (ret)
			goto unlock;
	}
	drm_sched_job_arm(&job->base);
	*done = dma_fence_get(&job->base.s_fence->finished);

	spin_lock(&ctx->job_lock);
	job->number = ++ctx->last_job;
	rec = &ctx->jobs[job->number % MVGPU_MAX_JOBS];
	old = rec->done;
	*rec = (struct mvgpu_job_record){ .job = job->number,
					  .done = dma_fence_get(*done) };
	spin_unlock(&ctx->job_lock);
	dma_fence_put(old);

	atomic_inc(&ctx->jobs_alive);
	drm_sched_entity_push_job(&job->base);
	for (i = 0; i < job->bo_count; i++)
		dma_resv_add_fence(job->bos[i]->resv, *done,
				   bo_flags[i] & MVGPU_SUBMIT_BO_WRITE ?
				   DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ);
unlock:
	drm_gem_unlock_reservations(job->bos, job->bo_count, &acquire);
	return ret;
}

/* The fixed checks of SUBMIT's arguments. */
static bool mvgpu_submit_args_ok(const struct drm_mvgpu_submit *args)
{
	if (args->flags || args->pad)
		return false;
	if (!args->cmd_size || args->cmd_size % MVGPU_CMD_SIZE ||
	    args->cmd_offset % MVGPU_CMD_SIZE ||
	    args->cmd_size > MVGPU_MAX_CMDS * MVGPU_CMD_SIZE)
		return false;
	if (args->bo_count > MVGPU_MAX_BOS || args->in_sync_count > MVGPU_MAX_SYNCS)
		return false;
	return args->out_sync || !args->out_sync_point;
}

/* SUBMIT's out-syncobj, and a chain node for a timeline point. */
static int mvgpu_submit_out_sync(struct drm_file *file,
				 const struct drm_mvgpu_submit *args,
				 struct drm_syncobj **out,
				 struct dma_fence_chain **chain)
{
	if (!args->out_sync)
		return 0;
	*out = drm_syncobj_find(file, args->out_sync);
	if (!*out)
		return -ENOENT;
	if (args->out_sync_point) {
		*chain = dma_fence_chain_alloc();
		if (!*chain)
			return -ENOMEM;
	}
	return 0;
}

/* The job's finished fence into the out-syncobj (a timeline point with @chain). */
static void mvgpu_submit_signal(struct drm_syncobj *out,
				struct dma_fence_chain **chain,
				struct dma_fence *done, u64 point)
{
	if (!out)
		return;
	if (*chain) {
		drm_syncobj_add_point(out, *chain, done, point);
		*chain = NULL;
	} else {
		drm_syncobj_replace_fence(out, done);
	}
}

/* Can the file's context run jobs: a device context, nothing lost? */
static int mvgpu_submit_allowed(struct mvgpu_ctx *ctx)
{
	bool lost;

	if (!ctx->id)
		return -ENODEV;
	mutex_lock(&ctx->va_lock);
	lost = ctx->bos_lost;
	mutex_unlock(&ctx->va_lock);
	return lost ? -ECANCELED : 0;
}

/**
 * mvgpu_ioctl_submit() - DRM_IOCTL_MVGPU_SUBMIT
 * @drm: the DRM device
 * @data: struct drm_mvgpu_submit
 * @file: the file
 *
 * Every argument is checked before anything changes; on an error nothing
 * is queued, no syncobj changes and every reference is dropped.
 *
 * Context: process.
 * Return: 0; -EINVAL (flags, padding, sizes, counts, a command buffer past
 * its buffer, a command only context 0 may run, a duplicate buffer);
 * -ENOENT (a handle or syncobj this file does not have); -EFAULT; -ENOMEM;
 * -ENODEV (no contexts on this device); -ECANCELED (the file still holds
 * buffers a reset lost); -ERESTARTSYS.
 */
int mvgpu_ioctl_submit(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_mvgpu_submit *args = data;
	struct mvgpu_file *mfile = file->driver_priv;
	struct mvgpu_ctx *ctx = mfile->ctx;
	struct dma_fence_chain *chain = NULL;
	struct drm_syncobj *out = NULL;
	struct dma_fence **in = NULL, *done = NULL;
	struct mvgpu_job *job;
	u32 *bo_flags = NULL, i;
	int ret;

	if (!mvgpu_submit_args_ok(args))
		return -EINVAL;
	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job)
		return -ENOMEM;
	job->ctx = ctx;
	ret = mvgpu_submit_cmds(file, args, job);
	if (ret)
		goto out_free;
	ret = mvgpu_submit_bos(file, args, job, &bo_flags);
	if (ret)
		goto out_free;
	ret = mvgpu_submit_in_syncs(file, args, &in);
	if (ret)
		goto out_free;
	ret = mvgpu_submit_out_sync(file, args, &out, &chain);
	if (ret)
		goto out_free;
	/* Everything the caller gave is well-formed; can this file run it? */
	ret = mvgpu_submit_allowed(ctx);
	if (ret)
		goto out_free;

	ret = drm_sched_job_init(&job->base, &ctx->entity, NULL);
	if (ret)
		goto out_free;
	for (i = 0; i < args->in_sync_count; i++) {
		ret = drm_sched_job_add_dependency(&job->base, in[i]);
		in[i] = NULL;	/* consumed, even on error */
		if (ret)
			goto out_cleanup;
	}
	ret = mutex_lock_interruptible(&ctx->submit_lock);
	if (ret)
		goto out_cleanup;
	ret = mvgpu_submit_slot(ctx, ctx->last_job + 1);
	if (!ret)
		ret = mvgpu_submit_push(ctx, job, bo_flags, &done);
	mutex_unlock(&ctx->submit_lock);
	if (ret)
		goto out_cleanup;

	mvgpu_submit_signal(out, &chain, done, args->out_sync_point);
	args->job = job->number;
	dma_fence_put(done);
	job = NULL;	/* the scheduler's now */
	goto out_free;

out_cleanup:
	drm_sched_job_cleanup(&job->base);
out_free:
	if (job)
		mvgpu_job_release(job);
	if (in) {
		for (i = 0; i < args->in_sync_count; i++)
			dma_fence_put(in[i]);
		kvfree(in);
	}
	kvfree(bo_flags);
	dma_fence_chain_free(chain);
	if (out)
		drm_syncobj_put(out);
	return ret;
}
