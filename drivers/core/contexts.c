// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU's contexts: the table of them, and what context 0 asks of the core
 * about the others - create, destroy, priority, their page tables.
 */

#include <kunit/visibility.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

/**
 * DOC: Contexts of a vGPU
 *
 * A vGPU has up to ``num_contexts`` contexts (DOC: Contexts in
 * uapi/mvgpu.h).  Context 0 is struct mvgpu_vgpu's own @ctx and lives as
 * long as the vGPU; the others are created and destroyed by commands of
 * context 0's ring, which the backend hands to the core (MVGPU_STOP_HOST)
 * and the vGPU's host worker carries out - where waiting (for memory, for
 * a context to come off an engine) is fine and what is allocated is
 * charged to the VMM's memory cgroup.  So is a MAP or UNMAP of context 0
 * that names another context's page table.
 *
 * @ctxs of struct mvgpu_vgpu holds them.  It changes only on the worker
 * (create, destroy), in a vGPU reset, which first stops context 0 (so no
 * request of it is under way), and when a migration's stream makes the
 * contexts again (mvgpu_vgpu_ctx_create_frozen(), the vGPU frozen and its
 * @lock held, so no request of context 0 is under way either), under both
 * @ctxs_lock and the GPU
 * scheduler's lock: the doorbell path looks a context up under the
 * latter (so do resets of a context, statistics and migration), VFIO's
 * dma_unmap walks the table under the former - the only holder of
 * @ctxs_lock that waits for anything (its own unpins).  A context being
 * destroyed is marked dying first (doorbells and resets leave it alone),
 * is torn down while still in the table - so dma_unmap waits for the
 * unpins of its teardown - and only then taken out and freed.
 *
 * Every context's page table draws on the vGPU's one budget of table
 * pages and pinned pages (struct mvgpu_aspace_budget); a context's own
 * root is added to the budget while it lives, so the documented budget is
 * what mappings can use.
 */

/* The ring address of the command @ctx waits with: FAULT_ADDR of errors. */
static u64 mvgpu_ctx_cmd_addr(struct mvgpu_ctx *ctx)
{
	return ctx->ring_base + READ_ONCE(ctx->head);
}

/* Answer @ctx's request with a fault of the command. */
static void mvgpu_ctx_answer(struct mvgpu_ctx *ctx, u32 code, u32 reason,
			     u64 addr)
{
	ctx->host_result.code = code;
	ctx->host_result.info = ctx->host.op | reason << MVGPU_ERR_REASON_SHIFT;
	ctx->host_result.addr = addr;
}

/**
 * mvgpu_vgpu_ctx() - a context of a vGPU by number
 * @vgpu: the vGPU
 * @id: the number
 *
 * Context: the caller holds the GPU scheduler's lock or the vGPU's
 * @ctxs_lock, or is the vGPU's worker.
 * Return: the context, or NULL if there is none.
 */
struct mvgpu_ctx *mvgpu_vgpu_ctx(struct mvgpu_vgpu *vgpu, u32 id)
{
	return id < vgpu->num_contexts ? vgpu->ctxs[id] : NULL;
}

/**
 * mvgpu_ctx_target() - the context a request of context 0 names
 * @ctx: the context whose request it is
 * @id: the number the command names
 * @res: set to the command's fault if there is no such context
 *
 * Context: the vGPU's worker.
 * Return: the context, or NULL.
 */
struct mvgpu_ctx *mvgpu_ctx_target(struct mvgpu_ctx *ctx, u32 id,
				   struct mvgpu_fault *res)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_ctx *tgt = mvgpu_vgpu_ctx(vgpu, id);

	if (tgt && !tgt->dying)
		return tgt;
	res->code = MVGPU_ERR_BAD_CONTEXT;
	res->info = ctx->host.op |
		    (id < vgpu->num_contexts ? MVGPU_CTX_ERR_ABSENT :
					       MVGPU_CTX_ERR_ID) <<
		    MVGPU_ERR_REASON_SHIFT;
	res->addr = mvgpu_ctx_cmd_addr(ctx);
	return NULL;
}

/**
 * mvgpu_ctx_op_map_vram() - a MAP of VRAM into another context's table
 * @ctx: the context whose command it is (context 0)
 * @tgt: the context whose page table it changes
 *
 * The checks and errors of a MAP (DOC: GPU address space), with tables
 * had where waiting is fine.
 *
 * Context: the vGPU's worker; the VMM's memory cgroup active.
 */
void mvgpu_ctx_op_map_vram(struct mvgpu_ctx *ctx, struct mvgpu_ctx *tgt)
{
	const struct mvgpu_host_request *r = &ctx->host;
	u64 fault;
	int ret;

	ret = mvgpu_aspace_map_vram_wait(&tgt->as, r->va, r->iova, r->size,
					 r->flags, &fault);
	if (!ret) {
		mvgpu_ctx_tlb_flush(tgt, r->va, r->size);
		return;
	}
	if (ret == -ENOMEM) {
		mvgpu_ctx_answer(ctx, MVGPU_ERR_NO_MEMORY, 0, fault);
		return;
	}
	mvgpu_ctx_answer(ctx, MVGPU_ERR_BAD_MAP,
			 ret == -ERANGE ? MVGPU_MAP_ERR_NOT_OWNED :
			 ret == -EEXIST ? MVGPU_MAP_ERR_OVERLAP :
					  MVGPU_MAP_ERR_TABLES, fault);
}

/**
 * mvgpu_ctx_op_unmap() - an UNMAP of another context's page table
 * @ctx: the context whose command it is (context 0)
 * @tgt: the context whose page table it changes
 *
 * A bounded piece at a time (as on an engine), tables had where waiting is
 * fine; guest memory nothing maps any more is unpinned.  When it returns,
 * no access of @tgt uses what it unmapped: the backend flushed the range
 * (&mvgpu_backend_ops.ctx_flush).
 *
 * Context: the vGPU's worker; the VMM's memory cgroup active.
 */
void mvgpu_ctx_op_unmap(struct mvgpu_ctx *ctx, struct mvgpu_ctx *tgt)
{
	const struct mvgpu_host_request *r = &ctx->host;
	u64 done = 0, step;
	int ret = 0;

	while (done < r->size && !ret) {
		ret = mvgpu_aspace_unmap_some(&tgt->as, r->va + done,
					      r->size - done, 512, &step);
		done += step;
		if (ret == -EAGAIN)
			ret = mvgpu_aspace_refill(&tgt->as);
		cond_resched();
	}
	if (ret)
		mvgpu_ctx_answer(ctx, ret == -ENOSPC ? MVGPU_ERR_BAD_MAP :
				 MVGPU_ERR_NO_MEMORY,
				 ret == -ENOSPC ? MVGPU_MAP_ERR_TABLES : 0,
				 r->va + done);
	/*
	 * @tgt may be on an engine: once the command is done, no access of it
	 * may still use what it unmapped - and before its pages are unpinned.
	 */
	mvgpu_ctx_tlb_flush(tgt, r->va, done);
	if (mvgpu_aspace_pins_idle(&tgt->as)) {
		mutex_lock(&tgt->as.pin_lock);
		mvgpu_host_release(tgt, 0, U64_MAX);
		mutex_unlock(&tgt->as.pin_lock);
	}
}

/* Publish context @id's registers: it exists (with @prio), or it is gone. */
static void mvgpu_ctx_regs_set(struct mvgpu_vgpu *vgpu, u32 id, bool exists,
			       u32 prio)
{
	struct mvgpu_ctx_regs *c = &vgpu->mmio.ctx[id];

	spin_lock_irq(&vgpu->irq_lock);
	memset(c, 0, sizeof(*c));
	c->exists = exists;
	c->prio = prio;
	c->status = MVGPU_ENGINE_IDLE;
	mvgpu_irq_update_locked(vgpu);
	spin_unlock_irq(&vgpu->irq_lock);
}

/* Put @ctx in (or with NULL take it out of) the table at @id. */
static void mvgpu_ctx_table_set_locked(struct mvgpu_vgpu *vgpu, u32 id,
				       struct mvgpu_ctx *ctx)
{
	struct mvgpu_sched *sched = &vgpu->gdev->sched;

	lockdep_assert_held(&vgpu->ctxs_lock);
	spin_lock_irq(&sched->lock);
	vgpu->ctxs[id] = ctx;
	spin_unlock_irq(&sched->lock);
}

/* Its root comes on top of the budget mappings may use (or goes). */
static void mvgpu_ctx_budget_root(struct mvgpu_vgpu *vgpu, int sign)
{
	struct mvgpu_gpt_budget *b = &vgpu->budget.tables;

	lockdep_assert_held(&vgpu->ctxs_lock);
	WRITE_ONCE(b->max, b->max + sign * MVGPU_GPT_ROOT_TABLES);
}

/*
 * CTX_CREATE: a context @id with priority @prio, its address space empty;
 * with @frozen it is frozen before anything can see it (a migration's).
 */
static struct mvgpu_ctx *mvgpu_ctx_create(struct mvgpu_vgpu *vgpu, u32 id,
					  u32 prio, bool frozen)
{
	struct mvgpu_ctx *ctx;
	int ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&vgpu->ctxs_lock);
	mvgpu_ctx_budget_root(vgpu, 1);
	mutex_unlock(&vgpu->ctxs_lock);
	ret = mvgpu_ctx_init(ctx, vgpu, vgpu->ctx.vdev, id, prio);
	if (ret)
		goto err_budget;
	/* Not in the table yet: no doorbell, reset or thaw sees it. */
	ctx->frozen = frozen;
	ctx->stopping = frozen;
	mvgpu_ctx_regs_set(vgpu, id, true, prio);
	/*
	 * No dma_unmap walks the table while it is locked: one that ran
	 * before left its fences on context 0, which the new context takes
	 * over; one after sees the new context.
	 */
	mutex_lock(&vgpu->ctxs_lock);
	ret = mvgpu_pin_fences_copy(&ctx->as, &vgpu->ctx.as);
	if (!ret)
		mvgpu_ctx_table_set_locked(vgpu, id, ctx);
	mutex_unlock(&vgpu->ctxs_lock);
	if (!ret)
		return ctx;
	mvgpu_ctx_regs_set(vgpu, id, false, 0);
	mvgpu_ctx_fini(ctx);
err_budget:
	mutex_lock(&vgpu->ctxs_lock);
	mvgpu_ctx_budget_root(vgpu, -1);
	mutex_unlock(&vgpu->ctxs_lock);
	kfree(ctx);
	return ERR_PTR(ret);
}

/**
 * mvgpu_ctx_destroy() - stop a context other than 0 and free it
 * @ctx: the context
 * @on_worker: the caller is the vGPU's worker
 *
 * Its command in flight is dropped, what it mapped unmapped, its guest
 * memory unpinned; its window reads MVGPU_CTX_FREE.  It stays in the table
 * until then, looked up only by dma_unmap (which must see its pins), and
 * no lock of the table is held while it unpins (DOC: Guest memory,
 * locking with VFIO).
 *
 * Context: process context; the caller keeps other destroyers out (the
 * vGPU's worker, or a vGPU reset with context 0 stopped).
 */
static void mvgpu_ctx_destroy(struct mvgpu_ctx *ctx, bool on_worker)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_sched *sched = &vgpu->gdev->sched;
	u32 id = ctx->id;

	mutex_lock(&vgpu->ctxs_lock);
	spin_lock_irq(&sched->lock);
	ctx->dying = true;
	spin_unlock_irq(&sched->lock);
	mutex_unlock(&vgpu->ctxs_lock);
	/* A reset of it that started before is over first. */
	wait_var_event(&ctx->users, !READ_ONCE(ctx->users));

	if (on_worker)
		mvgpu_ctx_stop_on_worker(ctx);
	else
		mvgpu_ctx_stop(ctx);
	mvgpu_ctx_regs_set(vgpu, id, false, 0);
	ctx->gdev->be_ops->ctx_reset(ctx->bctx);
	mvgpu_host_reset(ctx, true);

	/* Out of the table, its counts into the vGPU's, at once. */
	mutex_lock(&vgpu->ctxs_lock);
	spin_lock_irq(&sched->lock);
	vgpu->ctxs[id] = NULL;
	WRITE_ONCE(vgpu->vs.gone_cmds, vgpu->vs.gone_cmds + ctx->cmds_before +
		   ctx->cmds_done);
	WRITE_ONCE(vgpu->vs.gone_faults, vgpu->vs.gone_faults + ctx->faults);
	spin_unlock_irq(&sched->lock);
	mvgpu_ctx_budget_root(vgpu, -1);
	mutex_unlock(&vgpu->ctxs_lock);
	mvgpu_ctx_fini(ctx);
	kfree(ctx);
}

/**
 * mvgpu_ctx_op_context() - CTX_CREATE, CTX_DESTROY or CTX_PRIORITY of
 *	context 0's ring
 * @ctx: context 0
 *
 * Bad requests change nothing and fault the command with
 * MVGPU_ERR_BAD_CONTEXT (DOC: Contexts).
 *
 * Context: the vGPU's worker; the VMM's memory cgroup active.
 */
void mvgpu_ctx_op_context(struct mvgpu_ctx *ctx)
{
	const struct mvgpu_host_request *r = &ctx->host;
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	u64 addr = mvgpu_ctx_cmd_addr(ctx);
	struct mvgpu_ctx *tgt;
	int ret;

	if (r->op != MVGPU_OP_CTX_CREATE && r->op != MVGPU_OP_CTX_DESTROY &&
	    r->op != MVGPU_OP_CTX_PRIORITY) {
		mvgpu_ctx_answer(ctx, MVGPU_ERR_BAD_COMMAND, 0, addr);
		return;
	}
	if (r->ctx >= vgpu->num_contexts ||
	    (!r->ctx && r->op != MVGPU_OP_CTX_PRIORITY)) {
		mvgpu_ctx_answer(ctx, MVGPU_ERR_BAD_CONTEXT, MVGPU_CTX_ERR_ID,
				 addr);
		return;
	}
	if (r->op != MVGPU_OP_CTX_DESTROY && r->prio > MVGPU_CTX_PRIO_MAX) {
		mvgpu_ctx_answer(ctx, MVGPU_ERR_BAD_CONTEXT, MVGPU_CTX_ERR_PRIO,
				 addr);
		return;
	}
	tgt = mvgpu_vgpu_ctx(vgpu, r->ctx);
	if (r->op == MVGPU_OP_CTX_CREATE) {
		if (tgt) {
			mvgpu_ctx_answer(ctx, MVGPU_ERR_BAD_CONTEXT,
					 MVGPU_CTX_ERR_EXISTS, addr);
			return;
		}
		tgt = mvgpu_ctx_create(vgpu, r->ctx, r->prio, false);
		ret = PTR_ERR_OR_ZERO(tgt);
		if (ret)
			mvgpu_ctx_answer(ctx, ret == -ENOSPC ?
					 MVGPU_ERR_BAD_MAP : MVGPU_ERR_NO_MEMORY,
					 ret == -ENOSPC ? MVGPU_MAP_ERR_TABLES : 0,
					 addr);
		return;
	}
	if (!tgt) {
		mvgpu_ctx_answer(ctx, MVGPU_ERR_BAD_CONTEXT,
				 MVGPU_CTX_ERR_ABSENT, addr);
		return;
	}
	if (r->op == MVGPU_OP_CTX_DESTROY)
		mvgpu_ctx_destroy(tgt, true);
	else
		mvgpu_ctx_set_prio(tgt, r->prio);
}

/**
 * mvgpu_vgpu_ctxs_destroy() - destroy every context but 0
 * @vgpu: the vGPU, its context 0 stopped (no request of it under way)
 *
 * For a vGPU reset and for the vGPU's release.
 *
 * Context: process context.
 */
void mvgpu_vgpu_ctxs_destroy(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_ctx *ctx;
	u32 id;

	for (id = 1; id < vgpu->num_contexts; id++) {
		mutex_lock(&vgpu->ctxs_lock);
		ctx = vgpu->ctxs[id];
		mutex_unlock(&vgpu->ctxs_lock);
		if (ctx)
			mvgpu_ctx_destroy(ctx, false);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_ctxs_destroy);

/**
 * mvgpu_vgpu_ctx_reset() - a context's RESET (DOC: Contexts)
 * @vgpu: the vGPU
 * @id: the context, not 0 (whose RESET is ENG!)
 *
 * Its ring, status, error and interrupt registers and its engine state
 * back to their reset values, the command in flight dropped; its page
 * table, SEQNO, ENGINE_NS, INT_MASK and priority stay.  Nothing if there is
 * no such context.  A context being destroyed is not reset; one being
 * reset is destroyed after.
 *
 * Context: process context; takes the vGPU's @lock (which serialises its
 * resets).
 */
void mvgpu_vgpu_ctx_reset(struct mvgpu_vgpu *vgpu, u32 id)
{
	struct mvgpu_sched *sched = &vgpu->gdev->sched;
	struct mvgpu_ctx *ctx;

	if (!id)
		return;
	mutex_lock(&vgpu->lock);
	spin_lock_irq(&sched->lock);
	ctx = mvgpu_vgpu_ctx(vgpu, id);
	if (ctx && !ctx->dying)
		ctx->users++;
	else
		ctx = NULL;
	spin_unlock_irq(&sched->lock);
	if (ctx) {
		mvgpu_ctx_stop(ctx);
		spin_lock_irq(&vgpu->irq_lock);
		mvgpu_mmio_ctx_reset(&vgpu->mmio, id);
		mvgpu_irq_update_locked(vgpu);
		spin_unlock_irq(&vgpu->irq_lock);
		mvgpu_ctx_restart(ctx);
		/* Guest pages its table no longer maps: unpinned now. */
		if (mvgpu_aspace_pins_idle(&ctx->as)) {
			mutex_lock(&ctx->as.pin_lock);
			mvgpu_host_release(ctx, 0, U64_MAX);
			mutex_unlock(&ctx->as.pin_lock);
		}
		vgpu->resets++;
		spin_lock_irq(&sched->lock);
		ctx->users--;
		spin_unlock_irq(&sched->lock);
		wake_up_var(&ctx->users);
	}
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_ctx_reset);

/**
 * mvgpu_vgpu_doorbell() - the guest wrote a context's DOORBELL
 * @vgpu: the vGPU
 * @id: the context
 *
 * Context: process context.
 */
void mvgpu_vgpu_doorbell(struct mvgpu_vgpu *vgpu, u32 id)
{
	struct mvgpu_sched *sched = &vgpu->gdev->sched;
	struct mvgpu_ctx *ctx;

	spin_lock_irq(&sched->lock);
	ctx = mvgpu_vgpu_ctx(vgpu, id);
	if (ctx && !ctx->dying)
		mvgpu_ctx_doorbell_locked(ctx);
	spin_unlock_irq(&sched->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_doorbell);

/**
 * mvgpu_vgpu_dma_unmap() - the VM unmapped guest memory: every context
 * @vgpu: the vGPU
 * @iova: first byte
 * @len: bytes
 *
 * mvgpu_ctx_dma_unmap() for each context; the table cannot change
 * meanwhile.
 *
 * Context: process context (VFIO's dma_unmap, under its device-list lock).
 */
void mvgpu_vgpu_dma_unmap(struct mvgpu_vgpu *vgpu, u64 iova, u64 len)
{
	u32 id;

	mutex_lock(&vgpu->ctxs_lock);
	for (id = 0; id < vgpu->num_contexts; id++)
		if (vgpu->ctxs[id])
			mvgpu_ctx_dma_unmap(vgpu->ctxs[id], iova, len);
	mutex_unlock(&vgpu->ctxs_lock);
	mvgpu_pin_unmap_stall();
}

/**
 * mvgpu_vgpu_ctx_get() - a context of a vGPU whose table cannot change
 * @vgpu: the vGPU, its context 0 frozen or stopped
 * @id: the context's number, below the vGPU's NUM_CONTEXTS
 *
 * Context: process context; the caller holds the vGPU's @lock, so no
 * reset takes the context away meanwhile.
 * Return: the context, or NULL.
 */
struct mvgpu_ctx *mvgpu_vgpu_ctx_get(struct mvgpu_vgpu *vgpu, u32 id)
{
	struct mvgpu_sched *sched = &vgpu->gdev->sched;
	struct mvgpu_ctx *ctx;

	spin_lock_irq(&sched->lock);
	ctx = vgpu->ctxs[id];
	spin_unlock_irq(&sched->lock);
	return ctx;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_ctx_get);

/**
 * mvgpu_vgpu_freeze() - stop every context of a vGPU for a migration
 * @vgpu: the vGPU
 *
 * Context 0 first: once it is frozen, no request of it creates or destroys
 * a context; then every other (mvgpu_ctx_freeze()).
 *
 * Context: process context; the caller holds the vGPU's @lock.
 */
void mvgpu_vgpu_freeze(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_ctx *ctx;
	u32 id;

	lockdep_assert_held(&vgpu->lock);
	mvgpu_ctx_freeze(&vgpu->ctx);
	for (id = 1; id < vgpu->num_contexts; id++) {
		ctx = mvgpu_vgpu_ctx_get(vgpu, id);
		if (ctx)
			mvgpu_ctx_freeze(ctx);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_freeze);

/**
 * mvgpu_vgpu_thaw() - let every context of a frozen vGPU go on
 * @vgpu: the vGPU
 *
 * Context 0 last, so what it asks of the others finds them going.
 *
 * Context: process context; the caller holds the vGPU's @lock.
 */
void mvgpu_vgpu_thaw(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_ctx *ctx;
	u32 id;

	lockdep_assert_held(&vgpu->lock);
	for (id = 1; id < vgpu->num_contexts; id++) {
		ctx = mvgpu_vgpu_ctx_get(vgpu, id);
		if (ctx)
			mvgpu_ctx_thaw(ctx);
	}
	mvgpu_ctx_thaw(&vgpu->ctx);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_thaw);

/**
 * mvgpu_vgpu_ctxs_used() - contexts other than 0 exist
 * @vgpu: the vGPU
 *
 * Context: any process context.
 * Return: how many.
 */
u32 mvgpu_vgpu_ctxs_used(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_sched *sched = &vgpu->gdev->sched;
	u32 id, n = 0;

	spin_lock_irq(&sched->lock);
	for (id = 1; id < vgpu->num_contexts; id++)
		n += !!vgpu->ctxs[id];
	spin_unlock_irq(&sched->lock);
	return n;
}

/**
 * mvgpu_vgpu_ctx_create_frozen() - a context a migration's stream carries
 * @vgpu: the vGPU, frozen (mvgpu_vgpu_freeze()), leaving RESUMING
 * @id: the context's number, 1 .. NUM_CONTEXTS - 1
 * @prio: its priority, MVGPU_CTX_PRIO_LOW .. MVGPU_CTX_PRIO_MAX
 *
 * As CTX_CREATE makes it (DOC: Contexts of a vGPU), but from the caller's
 * thread rather than the worker, and frozen: it runs once
 * mvgpu_vgpu_thaw() thaws the vGPU.  What it allocates is charged to the
 * VMM's memory cgroup, as on the worker; a vGPU reset destroys it.
 *
 * Context: process context; the caller holds the vGPU's @lock.
 * Return: the context; ERR_PTR(-EINVAL) for a number or priority out of
 * range; -EEXIST if context @id exists; -ENOMEM; -ENOSPC if the
 * page-table budget has no room for its root.
 */
struct mvgpu_ctx *mvgpu_vgpu_ctx_create_frozen(struct mvgpu_vgpu *vgpu,
					       u32 id, u32 prio)
{
	struct mem_cgroup *old;
	struct mvgpu_ctx *ctx;

	lockdep_assert_held(&vgpu->lock);
	if (!id || id >= vgpu->num_contexts || prio > MVGPU_CTX_PRIO_MAX)
		return ERR_PTR(-EINVAL);
	if (mvgpu_vgpu_ctx_get(vgpu, id))
		return ERR_PTR(-EEXIST);
	old = set_active_memcg(READ_ONCE(vgpu->memcg));
	ctx = mvgpu_ctx_create(vgpu, id, prio, true);
	set_active_memcg(old);
	return ctx;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_ctx_create_frozen);

/**
 * mvgpu_vgpu_ctx_map_walk() - a context's page table as runs, if unchanged
 * @vgpu: the vGPU
 * @id: the context's number
 * @gen: the generation its address space must still be at
 *	(mvgpu_aspace_gen(), unique across address spaces: a context
 *	destroyed and created again has another)
 * @from: the first GPU VA to look at
 * @fn: called for each run, as for mvgpu_ctx_map_save()
 * @arg: its first argument
 *
 * For a migration stream read long after its STOP_COPY began: the
 * context is looked up and walked under the table's lock, so it cannot go
 * meanwhile, whatever resets the vGPU.
 *
 * Context: process context; takes the vGPU's @ctxs_lock.
 * Return: 0; what @fn returned; -EIO if there is no context @id any more
 * or its page table changed since @gen.
 */
int mvgpu_vgpu_ctx_map_walk(struct mvgpu_vgpu *vgpu, u32 id, u64 gen, u64 from,
			    int (*fn)(void *arg, u64 va, u64 target, u64 size,
				      u32 flags),
			    void *arg)
{
	struct mvgpu_ctx *ctx;
	int ret = -EIO;

	mutex_lock(&vgpu->ctxs_lock);
	ctx = mvgpu_vgpu_ctx(vgpu, id);
	if (ctx && !ctx->dying && mvgpu_aspace_gen(&ctx->as) == gen)
		ret = mvgpu_ctx_map_save(ctx, from, fn, arg);
	mutex_unlock(&vgpu->ctxs_lock);
	return ret;
}
