// SPDX-License-Identifier: GPL-2.0
/*
 * The software GPU as a backend: its ops table, its GPU and its contexts.
 */

#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "sw.h"

/**
 * DOC: Software GPU
 *
 * The default backend: a GPU that runs on the host's CPUs.  Its engines
 * are kernel threads (DOC: Software engines), its command processor
 * executes real work on real memory in bounded steps (DOC: Preemption
 * points), its MMU walks the core's page table with a translation cache
 * (DOC: GPU memory access), and its VRAM is host memory backed as it is
 * touched (DOC: VRAM aperture).  It implements struct mvgpu_backend_ops
 * and nothing else of it is visible to the core.
 */

static struct mvgpu_backend *mvgpu_sw_gpu_create(const struct mvgpu_gpu_config *cfg,
						 const struct mvgpu_core_ops *core,
						 void *gpu)
{
	struct mvgpu_backend *be;
	int ret;

	if (!cfg->preempt_req)	/* its engines stop on nothing else */
		return ERR_PTR(-EINVAL);
	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be)
		return ERR_PTR(-ENOMEM);
	be->cfg = *cfg;
	be->core = core;
	be->gpu = gpu;
	ret = mvgpu_sw_engines_start(be);
	if (ret) {
		kfree(be);
		return ERR_PTR(ret);
	}
	return be;
}

static void mvgpu_sw_gpu_destroy(struct mvgpu_backend *be)
{
	mvgpu_sw_engines_stop(be);
	kfree(be);
}

/**
 * mvgpu_sw_ctx_create() - &mvgpu_backend_ops.ctx_create
 * @be: the GPU
 * @ctx: the core's context
 * @vram: the vGPU's VRAM
 * @as: the address space the context runs in
 * @flags: MVGPU_BCTX_*
 *
 * Context: process context.
 * Return: the context, or ERR_PTR(-ENOMEM).
 */
static struct mvgpu_bctx *mvgpu_sw_ctx_create(struct mvgpu_backend *be,
					      struct mvgpu_ctx *ctx,
					      struct mvgpu_bvram *vram,
					      struct mvgpu_aspace *as, u32 flags)
{
	struct mvgpu_bctx *b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);

	if (!b)
		return ERR_PTR(-ENOMEM);
	b->be = be;
	b->ctx = ctx;
	b->vram = vram;
	b->as = as;
	b->privileged = flags & MVGPU_BCTX_PRIVILEGED;
	init_rwsem(&b->step_sem);
	kthread_init_work(&b->mem_work, mvgpu_sw_mem_work);
	return b;
}

static void mvgpu_sw_ctx_destroy(struct mvgpu_bctx *b)
{
	mvgpu_sw_mem_cancel(b);
	kfree(b->staging);
	kfree(b);
}

static void mvgpu_sw_ctx_reset(struct mvgpu_bctx *b)
{
	mvgpu_sw_mem_cancel(b);
	mvgpu_exec_reset(b);
	b->staged = 0;	/* an image half taken is dropped */
}

static void mvgpu_sw_ctx_set_ring(struct mvgpu_bctx *b, u64 base, u32 size,
				  u32 tail)
{
	/* Base and size change only while it does not run (after a reset). */
	b->ring_base = base;
	b->ring_size = size;
	WRITE_ONCE(b->tail, tail);
}

static void mvgpu_sw_ctx_host_done(struct mvgpu_bctx *b,
				   const struct mvgpu_fault *result)
{
	if (WARN_ON_ONCE(b->host != MVGPU_HOST_ASKED))
		return;
	b->host_result = *result;
	b->host = MVGPU_HOST_ANSWERED;
}

/*
 * Every step that started before now is over: a TLB shootdown.  The range
 * does not matter here: the translation cache is tagged with the page
 * table's generation, which every change bumps, so the only translations
 * that can be stale are those a step in flight holds - all are waited for.
 */
static void mvgpu_sw_ctx_flush(struct mvgpu_bctx *b, u64 va, u64 size)
{
	down_write(&b->step_sem);
	up_write(&b->step_sem);
}

/* The software GPU's image is struct mvgpu_sw_state, whatever the context. */
static u64 mvgpu_sw_ctx_image_size(struct mvgpu_bctx *b)
{
	return sizeof(struct mvgpu_sw_state);
}

/* The engine state as ctx_save writes it. */
static void mvgpu_sw_state_get(struct mvgpu_bctx *b, struct mvgpu_sw_state *st)
{
	u64 limit = (u64)b->be->cfg.watchdog_ms * NSEC_PER_MSEC;

	memset(st, 0, sizeof(*st));
	st->magic = MVGPU_SW_STATE_MAGIC;
	st->size = sizeof(*st);
	st->ring_base = b->ring_base;
	st->ring_size = b->ring_size;
	st->tail = READ_ONCE(b->tail);
	st->head = b->head;
	st->cmd_active = b->cmd_active;
	st->host = b->host;
	st->cmd = b->cmd;
	st->progress = b->progress;
	st->acc = b->acc;
	/*
	 * A command past its budget (a step that blocked after it ran out)
	 * saves as at it: its next step that takes time faults either way.
	 */
	st->cmd_ns = min(b->cmd_ns, limit);
	st->cmds_done = b->cmds_done;
	/* An answer the command has taken is no state: it stays behind. */
	if (b->host == MVGPU_HOST_ANSWERED)
		st->host_result = b->host_result;
}

/* A piece of the image: it is made anew for each, from the same state. */
static int mvgpu_sw_ctx_save(struct mvgpu_bctx *b, u64 off, void *buf,
			     size_t len)
{
	struct mvgpu_sw_state st;

	if (off > sizeof(st) || len > sizeof(st) - off)
		return -EINVAL;
	mvgpu_sw_state_get(b, &st);
	memcpy(buf, (u8 *)&st + off, len);
	return 0;
}

/* A piece of an image, into @staging; checked whole at ctx_restore_end. */
static int mvgpu_sw_ctx_restore(struct mvgpu_bctx *b, u64 off, const void *buf,
				size_t len, const char **why)
{
	const size_t size = sizeof(struct mvgpu_sw_state);

	if (!off)
		b->staged = 0;
	if (!b->staging)
		b->staging = kzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!b->staging) {
		*why = "no memory for the engine state";
		return -ENOMEM;
	}
	if (off != b->staged || off > size || len > size - off) {
		b->staged = 0;
		*why = "not a software GPU engine state of this version";
		return -EINVAL;
	}
	memcpy((u8 *)b->staging + off, buf, len);
	b->staged += len;
	return 0;
}

static int mvgpu_sw_ctx_restore_end(struct mvgpu_bctx *b, u64 size,
				    const char **why)
{
	const struct mvgpu_sw_state *st = b->staging;
	/* The ring the core latched, from its ctx_set_ring just before. */
	u64 ring_base = b->ring_base;
	u32 ring_size = b->ring_size, tail = READ_ONCE(b->tail);
	size_t len = b->staged;

	mvgpu_sw_ctx_reset(b);
	if (!st || len != size || len != sizeof(*st) ||
	    st->magic != MVGPU_SW_STATE_MAGIC ||
	    st->size != sizeof(*st) || st->pad || st->cmd_active > 1) {
		*why = "not a software GPU engine state of this version";
		return -EINVAL;
	}
	if (st->ring_base != ring_base || st->ring_size != ring_size ||
	    st->tail != tail) {
		*why = "its ring is not the one the registers latched";
		return -EINVAL;
	}
	b->ring_base = st->ring_base;
	b->ring_size = st->ring_size;
	b->head = st->head;
	b->cmd_active = st->cmd_active;
	b->host = st->host;
	b->cmd = st->cmd;
	b->progress = st->progress;
	b->acc = st->acc;
	b->cmd_ns = st->cmd_ns;
	b->cmds_done = st->cmds_done;
	b->host_result = st->host_result;
	*why = mvgpu_exec_state_check(b);
	/* The tail is the core's to give again (ctx_set_ring), checked there. */
	if (!*why && b->ring_size && (st->tail >= b->ring_size ||
				      !IS_ALIGNED(st->tail, MVGPU_CMD_SIZE)))
		*why = "ring tail out of range";
	if (*why) {
		mvgpu_exec_reset(b);
		return -EINVAL;
	}
	/*
	 * A WAIT's progress is when it started waiting, on the source's
	 * clock; another host's means nothing here, so its watchdog starts
	 * again.
	 */
	if (b->cmd_active && b->cmd.opcode == MVGPU_OP_WAIT && b->progress)
		b->progress = ktime_get_ns() + 1;
	WRITE_ONCE(b->tail, st->tail);
	return 0;
}

static int mvgpu_sw_ctx_run_direct(struct mvgpu_bctx *b,
				   const struct mvgpu_cmd *cmds, unsigned int n,
				   const bool *stop)
{
	struct mvgpu_exec_bufs *bufs = kmalloc(sizeof(*bufs), GFP_KERNEL);
	struct mem_cgroup *old;
	int ret;

	if (!bufs)
		return -ENOMEM;
	ret = mvgpu_sw_bufs_alloc(bufs);
	if (!ret) {
		old = set_active_memcg(READ_ONCE(b->vram->memcg));
		ret = mvgpu_exec_direct(b, bufs, cmds, n, stop);
		set_active_memcg(old);
		mvgpu_sw_bufs_free(bufs);
	}
	kfree(bufs);
	return ret;
}

static u64 mvgpu_sw_timestamp(struct mvgpu_backend *be)
{
	return ktime_get_ns();
}

/* The software GPU, as the core sees it (DOC: Backend contract). */
const struct mvgpu_backend_ops mvgpu_sw_backend_ops = {
	.name = "software GPU",
	.ctx_image_max = sizeof(struct mvgpu_sw_state),
	.gpu_create = mvgpu_sw_gpu_create,
	.gpu_destroy = mvgpu_sw_gpu_destroy,
	.vram_create = mvgpu_sw_vram_create,
	.vram_destroy = mvgpu_sw_vram_destroy,
	.vram_open = mvgpu_sw_vram_open,
	.vram_close = mvgpu_sw_vram_close,
	.vram_rw = mvgpu_sw_vram_rw,
	.vram_mmap = mvgpu_sw_vram_mmap,
	.vram_scrub = mvgpu_sw_vram_scrub,
	.vram_backed = mvgpu_sw_vram_backed,
	.vram_next_backed = mvgpu_sw_vram_next_backed,
	.vram_page_read = mvgpu_sw_vram_page_read,
	.vram_page_write = mvgpu_sw_vram_page_write,
	.ctx_create = mvgpu_sw_ctx_create,
	.ctx_destroy = mvgpu_sw_ctx_destroy,
	.ctx_reset = mvgpu_sw_ctx_reset,
	.ctx_set_ring = mvgpu_sw_ctx_set_ring,
	.ctx_host_done = mvgpu_sw_ctx_host_done,
	.ctx_flush = mvgpu_sw_ctx_flush,
	.ctx_save = mvgpu_sw_ctx_save,
	.ctx_restore = mvgpu_sw_ctx_restore,
	.ctx_image_size = mvgpu_sw_ctx_image_size,
	.ctx_restore_end = mvgpu_sw_ctx_restore_end,
	.ctx_run_direct = mvgpu_sw_ctx_run_direct,
	.run = mvgpu_sw_run,
	/*
	 * No preempt: each engine watches the core's request in memory
	 * (struct mvgpu_preempt_req) at every preemption point.
	 */
	/*
	 * None kept between runs: a context's engine state lives in host
	 * memory (struct mvgpu_bctx) and an engine thread holds nothing of it
	 * once the run ends, so every context is as cheap to run as any other
	 * (its translation cache is tagged, not flushed).
	 */
	.nr_resident = 0,
	.engine_stats = mvgpu_sw_engine_stats,
	.engine_stats_clear = mvgpu_sw_engine_stats_clear,
	.timestamp = mvgpu_sw_timestamp,
};
EXPORT_SYMBOL_IF_KUNIT(mvgpu_sw_backend_ops);
