// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU's GPU address space: its page table, the guest memory pinned for
 * it, and what happens to both on MAP of guest memory, VFIO dma_unmap and
 * reset.
 */

#include <kunit/visibility.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/workqueue.h>

#include <mvgpu/engine.h>
#include <mvgpu/vgpu.h>

/**
 * DOC: Address space
 *
 * The page table (DOC: GPU page tables) is the mediator's record of what a
 * vGPU may reach; only the mediator writes it, after checking each MAP.
 * Its tables are charged to the VM's memory cgroup and bounded by
 * mvgpu_gpt_max_tables(); every reset returns it to the reset mapping
 * (VRAM at VA 0) and every table beyond that, so the next tenant starts
 * from the same budget.
 *
 * Guest memory is mapped by the pin worker (mvgpu_ctx_pin_work(), one work
 * item per vGPU on an unbound workqueue), never by an engine: it pins a
 * piece (DOC: Guest memory), maps it, and goes on to the next piece,
 * dropping the pins lock in between so that VFIO's dma_unmap can come in;
 * the context waits off the engine (MVGPU_CTX_PINNING) until it is done.
 *
 * VFIO's dma_unmap (mvgpu_ctx_dma_unmap()) removes every entry that maps
 * the IOVA range, stops a MAP in progress that was pinning it, waits for
 * the engine step in flight (mvgpu_ctx_step_barrier()) and unpins before
 * it returns: from then on no command can reach that memory, and if the
 * VM maps the IOVA again only a new MAP reaches the new memory.
 *
 * Lock order: pins lock -> step_sem -> gpt_lock.  An engine takes only
 * step_sem (for reading) and gpt_lock, never the pins lock, so nothing a
 * VM's memory does can hold an engine.
 */

static struct workqueue_struct *mvgpu_pin_wq;

/**
 * mvgpu_aspace_module_init() - the pin workers' workqueue
 *
 * Unbound: a worker that waits for a VM's memory holds only its own
 * vGPU; others get workers of their own.
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int mvgpu_aspace_module_init(void)
{
	mvgpu_pin_wq = alloc_workqueue("mvgpu_pin", WQ_UNBOUND, 0);
	return mvgpu_pin_wq ? 0 : -ENOMEM;
}

/**
 * mvgpu_aspace_module_exit() - tear the workqueue down
 *
 * Context: module exit, after every vGPU is gone.
 */
void mvgpu_aspace_module_exit(void)
{
	destroy_workqueue(mvgpu_pin_wq);
}

/**
 * mvgpu_gpt_max_tables() - the page-table budget of a vGPU
 * @vram_size: its VRAM in bytes
 *
 * The root, 64 L1 tables (64 GiB of VA), and L0 tables for twice its VRAM
 * plus 1 GiB of guest memory in 4 KiB pages: so a guest cannot grow host
 * memory without bound, yet can map all its VRAM twice over and then some.
 *
 * Context: any.
 * Return: page-table pages.
 */
unsigned long mvgpu_gpt_max_tables(u64 vram_size)
{
	return MVGPU_GPT_ROOT_TABLES + 64 +
	       2 * (vram_size / MVGPU_GPT_HUGE_SIZE) + 512;
}

/* The mapping every reset starts from: VRAM at VA 0, read and write. */
static int mvgpu_ctx_default_map(struct mvgpu_ctx *ctx)
{
	return mvgpu_gpt_map(&ctx->gpt, 0, 0, ctx->vgpu->vram_size,
			     MVGPU_GPT_READ | MVGPU_GPT_WRITE);
}

/**
 * mvgpu_ctx_step_barrier() - wait for the step that may be running
 * @ctx: the context
 *
 * Whatever a step could have reached before the caller changed the page
 * table, no step can reach after this returns.
 *
 * Context: process context, not an engine; may sleep for one step.
 */
void mvgpu_ctx_step_barrier(struct mvgpu_ctx *ctx)
{
	down_write(&ctx->step_sem);
	up_write(&ctx->step_sem);
}

static void mvgpu_ctx_pin_work(struct work_struct *work);

/**
 * mvgpu_ctx_aspace_init() - the reset address space of a new context
 * @ctx: the context; @ctx->vgpu set, its pins initialised
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int mvgpu_ctx_aspace_init(struct mvgpu_ctx *ctx)
{
	int ret;

	init_rwsem(&ctx->step_sem);
	mutex_init(&ctx->gpt_lock);
	INIT_WORK(&ctx->pin_work, mvgpu_ctx_pin_work);
	ret = mvgpu_gpt_init(&ctx->gpt);
	if (ret)
		goto err_mutex;
	ctx->gpt.max_tables = mvgpu_gpt_max_tables(ctx->vgpu->vram_size);
	ctx->gpt.put_sysmem = mvgpu_pins_put;
	ctx->gpt.put_arg = &ctx->vgpu->pins;
	mvgpu_ctx_gpt_changed(ctx);
	ret = mvgpu_ctx_default_map(ctx);
	if (ret)
		goto err_gpt;
	return 0;

err_gpt:
	mvgpu_gpt_fini(&ctx->gpt);
err_mutex:
	mutex_destroy(&ctx->gpt_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_aspace_init);

/**
 * mvgpu_ctx_aspace_reset() - back to the reset mapping, nothing pinned
 * @ctx: the context, stopped (mvgpu_ctx_stop())
 *
 * Context: process context; takes the pins lock.
 */
void mvgpu_ctx_aspace_reset(struct mvgpu_ctx *ctx)
{
	struct mvgpu_pins *pins = &ctx->vgpu->pins;
	struct mem_cgroup *old;

	old = set_active_memcg(READ_ONCE(ctx->vgpu->vram.memcg));
	mutex_lock(&pins->lock);
	mutex_lock(&ctx->gpt_lock);
	mvgpu_gpt_clear(&ctx->gpt);
	if (mvgpu_ctx_default_map(ctx))
		dev_warn(ctx->vgpu->vdev.dev,
			 "no memory for the VRAM mapping; GPU VA starts empty\n");
	mvgpu_ctx_gpt_changed(ctx);
	mutex_unlock(&ctx->gpt_lock);
	mvgpu_ctx_step_barrier(ctx);
	mvgpu_pins_release(pins, &ctx->gpt_lock, 0, U64_MAX);
	mutex_unlock(&pins->lock);
	set_active_memcg(old);
}

/**
 * mvgpu_ctx_aspace_fini() - free the address space
 * @ctx: the context, stopped, its vGPU closed (nothing pinned)
 *
 * Context: process context.
 */
void mvgpu_ctx_aspace_fini(struct mvgpu_ctx *ctx)
{
	mvgpu_gpt_fini(&ctx->gpt);
	mutex_destroy(&ctx->gpt_lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_aspace_fini);

/**
 * mvgpu_ctx_dma_unmap() - the VM unmapped guest memory
 * @ctx: the vGPU's context
 * @iova: first byte
 * @len: bytes
 *
 * See DOC: Address space.  VFIO calls this for every IOVA range with pages
 * the vGPU pinned, and insists that they are unpinned when it returns.
 *
 * Context: process context (VFIO_IOMMU_UNMAP_DMA or the container's
 * release); may wait for the pin worker's current piece and one step.
 */
void mvgpu_ctx_dma_unmap(struct mvgpu_ctx *ctx, u64 iova, u64 len)
{
	struct mvgpu_pins *pins = &ctx->vgpu->pins;
	const typeof(ctx->cmd.map) *m = &ctx->cmd.map;
	u64 last = len ? iova + len - 1 : iova;

	mutex_lock(&pins->lock);
	/* A MAP still pinning this range fails rather than pin it again. */
	if (READ_ONCE(ctx->pin_job) == MVGPU_PIN_JOB_QUEUED &&
	    m->target <= last && iova < m->target + m->size)
		ctx->pin_abort = true;
	mutex_lock(&ctx->gpt_lock);
	if (mvgpu_gpt_unmap_target(&ctx->gpt, iova, len, true))
		mvgpu_ctx_gpt_changed(ctx);
	mutex_unlock(&ctx->gpt_lock);
	mvgpu_ctx_step_barrier(ctx);
	mvgpu_pins_release(pins, &ctx->gpt_lock, iova, len);
	mutex_unlock(&pins->lock);
}

/* Map the next piece of the MAP in flight; false once it is over. */
static bool mvgpu_ctx_pin_piece(struct mvgpu_ctx *ctx)
{
	const typeof(ctx->cmd.map) *m = &ctx->cmd.map;
	struct mvgpu_pins *pins = &ctx->vgpu->pins;
	u64 va = m->va + ctx->progress, iova = m->target + ctx->progress;
	u64 n = min_t(u64, m->size - ctx->progress,
		      VFIO_PIN_PAGES_MAX_ENTRIES * PAGE_SIZE);
	u32 flags = MVGPU_GPT_SYSMEM, reason = 0;
	u64 addr = va;
	int ret;

	if (m->map_flags & MVGPU_MAP_READ)
		flags |= MVGPU_GPT_READ;
	if (m->map_flags & MVGPU_MAP_WRITE)
		flags |= MVGPU_GPT_WRITE;
	if (ctx->pin_abort) {
		ret = -EINVAL;
		reason = MVGPU_MAP_ERR_PIN;
		goto fault;
	}
	ret = mvgpu_pins_get(pins, iova, n, flags & MVGPU_GPT_WRITE);
	if (ret) {
		dev_dbg(ctx->vgpu->vdev.dev,
			"vGPU %u: cannot pin guest memory at IOVA %#llx: %d\n",
			ctx->vgpu->id, iova, ret);
		reason = ret == -ENOSPC ? MVGPU_MAP_ERR_PIN_LIMIT :
					  MVGPU_MAP_ERR_PIN;
		addr = iova;
		goto fault;
	}
	mutex_lock(&ctx->gpt_lock);
	ret = mvgpu_gpt_map(&ctx->gpt, va, iova, n, flags);
	if (!ret) {
		mvgpu_pins_ref(pins, iova, n);
		mvgpu_ctx_gpt_changed(ctx);
	} else if (ret == -EEXIST) {
		addr = mvgpu_gpt_first_mapped(&ctx->gpt, va, n);
	}
	mutex_unlock(&ctx->gpt_lock);
	if (ret) {
		reason = ret == -EEXIST ? MVGPU_MAP_ERR_OVERLAP :
					  MVGPU_MAP_ERR_TABLES;
		goto fault;
	}
	ctx->progress += n;
	return ctx->progress < m->size;

fault:
	if (ret == -ENOMEM && reason != MVGPU_MAP_ERR_PIN) {
		ctx->pin_fault.code = MVGPU_ERR_NO_MEMORY;
		ctx->pin_fault.info = MVGPU_OP_MAP;
	} else {
		ctx->pin_fault.code = MVGPU_ERR_BAD_MAP;
		ctx->pin_fault.info = MVGPU_OP_MAP |
				      reason << MVGPU_ERR_REASON_SHIFT;
	}
	ctx->pin_fault.addr = addr;
	return false;
}

/**
 * mvgpu_ctx_pin_run() - the pin worker's part of a MAP of guest memory
 * @ctx: the context; nobody else runs it (it waits in MVGPU_CTX_PINNING,
 *	or the caller runs it directly)
 *
 * Maps what it can until the MAP is done, fails or the context is
 * stopped; records the outcome in @ctx->pin_fault and marks the job done.
 *
 * Context: process context, never an engine thread.
 */
void mvgpu_ctx_pin_run(struct mvgpu_ctx *ctx)
{
	struct mvgpu_pins *pins = &ctx->vgpu->pins;
	struct mem_cgroup *old;
	bool more = true;

	old = set_active_memcg(READ_ONCE(ctx->vgpu->vram.memcg));
	memset(&ctx->pin_fault, 0, sizeof(ctx->pin_fault));
	while (more && !READ_ONCE(ctx->stopping)) {
		mutex_lock(&pins->lock);
		more = mvgpu_ctx_pin_piece(ctx);
		if (!more && mvgpu_pins_idle(pins))	/* a failed piece */
			mvgpu_pins_release(pins, &ctx->gpt_lock, 0, U64_MAX);
		mutex_unlock(&pins->lock);
		cond_resched();
	}
	ctx->pin_abort = false;
	WRITE_ONCE(ctx->pin_job, MVGPU_PIN_JOB_DONE);
	set_active_memcg(old);
}

static void mvgpu_ctx_pin_work(struct work_struct *work)
{
	struct mvgpu_ctx *ctx = container_of(work, struct mvgpu_ctx, pin_work);
	struct mvgpu_pins *pins = &ctx->vgpu->pins;

	/* Only a MAP its engine handed over (not one the direct path runs). */
	if (READ_ONCE(ctx->pin_worker)) {
		mvgpu_ctx_pin_run(ctx);
		mvgpu_ctx_pin_done(ctx);
	}
	/* Pages an UNMAP left pinned: after the step that unmapped them. */
	if (mvgpu_pins_idle(pins)) {
		mutex_lock(&pins->lock);
		mvgpu_ctx_step_barrier(ctx);
		mvgpu_pins_release(pins, &ctx->gpt_lock, 0, U64_MAX);
		mutex_unlock(&pins->lock);
	}
}

/**
 * mvgpu_ctx_pin_queue() - hand the MAP in flight to the pin worker
 * @ctx: the context, which its engine just gave back with
 *	MVGPU_RUN_PINNING
 *
 * Context: any; the caller holds sched.lock and set @ctx->pin_worker.
 */
void mvgpu_ctx_pin_queue(struct mvgpu_ctx *ctx)
{
	queue_work(mvgpu_pin_wq, &ctx->pin_work);
}

/**
 * mvgpu_ctx_pin_kick() - ask the pin worker to unpin what nothing maps
 * @ctx: the context
 *
 * Context: any.
 */
void mvgpu_ctx_pin_kick(struct mvgpu_ctx *ctx)
{
	queue_work(mvgpu_pin_wq, &ctx->pin_work);
}
