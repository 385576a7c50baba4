// SPDX-License-Identifier: GPL-2.0
/*
 * Migration of a vGPU's contexts: what STOP_COPY captures of each, how
 * leaving RESUMING makes them again, and their page tables as runs.  The
 * state machine is migration.c; the stream mig_stream.c and mig_load.c.
 */

#include <kunit/visibility.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

#include "mig_ctx.h"
#include "mig_stream.h"

/**
 * DOC: Contexts in a migration
 *
 * STOP_COPY captures every context of the frozen vGPU (mvgpu_vgpu_freeze()
 * stopped them all, context 0 first, so none is created or destroyed
 * meanwhile): context 0's engine state, counters and priority (CONTEXT,
 * CTX0), and for each other context its window's registers, counters, ring
 * and engine state (CTX).  Each context's page table is counted then, its
 * generation noted, and streamed as the data file is read (GPT, CTX_GPT),
 * looked up again under the table's lock each time
 * (mvgpu_vgpu_ctx_map_walk()): a table that changed or a context that went
 * since - a dma_unmap, a reset - ends the stream with -EIO.  A vGPU with
 * context 0 alone makes a version-1 stream that an older mvgpu reads.
 *
 * A context's image (its engine state) of at most MVGPU_MIG_CONTEXT_MAX
 * bytes is captured then, into its section, as it always was; a larger one
 * is only sized, its context's @state_gen noted, and read from the backend
 * a page at a time as the stream is read (CTX_IMAGE,
 * mvgpu_vgpu_ctx_image_read()): a reset of the context since ends the
 * stream with -EIO.
 *
 * Leaving RESUMING makes the contexts again after context 0, each as
 * CTX_CREATE makes it but frozen (mvgpu_vgpu_ctx_create_frozen()), so that
 * none runs before the device does: its priority, its page table mapped
 * with the checks of a MAP (guest memory pinned through this side's VFIO
 * container), its ring and engine state (the backend checks it), its
 * SEQNO and ENGINE_NS, then - with the other registers - its window.  A
 * context whose image came in pieces was made already, when its first
 * piece came (mvgpu_mig_image_write(): the pieces go to its backend
 * context as they arrive), and is taken as it is.  On any failure the
 * state machine resets the vGPU, which destroys them.
 */

/* ---- Saving ---- */

/* Count a page table's runs. */
static int mvgpu_mig_gpt_count(void *arg, u64 va, u64 target, u64 size,
			       u32 flags)
{
	(*(u64 *)arg)++;
	return 0;
}

/**
 * struct mvgpu_mig_gpt_fill - page-table runs going into a stream
 * @e: where
 * @max: room at @e
 * @n: runs put there
 * @end: where the last one ends (VA)
 */
struct mvgpu_mig_gpt_fill {
	struct mvgpu_mig_gpt_entry *e;
	unsigned int max;
	unsigned int n;
	u64 end;
};

static int mvgpu_mig_gpt_put(void *arg, u64 va, u64 target, u64 size,
			     u32 flags)
{
	struct mvgpu_mig_gpt_fill *f = arg;

	/* The stream carries page-table flags as MAP flags. */
	BUILD_BUG_ON((MVGPU_GPT_READ ^ MVGPU_MAP_READ) |
		     (MVGPU_GPT_WRITE ^ MVGPU_MAP_WRITE) |
		     (MVGPU_GPT_SYSMEM ^ MVGPU_MAP_SYSMEM));
	f->e[f->n].va = cpu_to_le64(va);
	f->e[f->n].target = cpu_to_le64(target);
	f->e[f->n].size = cpu_to_le64(size);
	f->e[f->n].flags = cpu_to_le32(flags);
	f->e[f->n].pad = 0;
	f->end = va + size;
	return ++f->n == f->max;	/* 1: enough for now */
}

/**
 * mvgpu_mig_gpt_next() - &mvgpu_mig_desc.gpt_next of a vGPU
 * @arg: the vGPU
 * @id: the context whose page table
 * @cursor: where to go on
 * @e: where the runs go
 * @max: room at @e
 *
 * The stream takes each page table a page of runs at a time, as it is
 * read, never all of it at once.
 *
 * Context: process context (a data file's read); takes the vGPU's
 * @ctxs_lock.
 * Return: runs written, 0 after the last, -EIO if the table is not the
 * one counted.
 */
int mvgpu_mig_gpt_next(void *arg, u32 id, u64 *cursor,
		       struct mvgpu_mig_gpt_entry *e, unsigned int max)
{
	struct mvgpu_vgpu *vgpu = arg;
	struct mvgpu_mig_gpt_fill f = { .e = e, .max = max };
	int ret;

	if (WARN_ON_ONCE(id >= MVGPU_CTX_MAX))
		return -EIO;
	/* Not the table counted: the VM unmapped guest memory, or a reset. */
	ret = mvgpu_vgpu_ctx_map_walk(vgpu, id, READ_ONCE(vgpu->mig.gpt_gen[id]),
				      *cursor, mvgpu_mig_gpt_put, &f);
	if (ret < 0)
		return ret;
	if (f.n)
		*cursor = f.end;
	return f.n;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_gpt_next);

/* Count a frozen context's runs, noting its table's generation. */
static int mvgpu_mig_gpt_census(struct mvgpu_vgpu *vgpu, struct mvgpu_ctx *ctx,
				u64 *count)
{
	WRITE_ONCE(vgpu->mig.gpt_gen[ctx->id], mvgpu_aspace_gen(&ctx->as));
	*count = 0;
	return mvgpu_ctx_map_save(ctx, 0, mvgpu_mig_gpt_count, count);
}

/**
 * mvgpu_mig_ring_encode() - a context's ring, as a stream carries it
 * @r: the core's view (mvgpu_ctx_ring_get())
 * @g: the ring section (RING, or a CTX section's @ring)
 *
 * Context: any.
 */
void mvgpu_mig_ring_encode(const struct mvgpu_ctx_ring *r,
			   struct mvgpu_mig_ring *g)
{
	g->tail = cpu_to_le32(r->tail);
	g->head = cpu_to_le32(r->head);
	g->cmds_done = cpu_to_le64(r->cmds_done);
	g->busy = cpu_to_le32(r->busy);
	g->doorbell_pending = cpu_to_le32(r->doorbell_pending);
	g->stopped = cpu_to_le32(r->stopped);
	g->pad = 0;
}

/* A context's window, as its CTX section carries it. */
static void mvgpu_mig_window_save(struct mvgpu_vgpu *vgpu, u32 id,
				  struct mvgpu_mig_ctx *h)
{
	const struct mvgpu_ctx_regs *c = &vgpu->mmio.ctx[id];

	spin_lock_irq(&vgpu->irq_lock);
	h->prio = cpu_to_le32(c->prio);
	h->ring_base = cpu_to_le64(c->ring_base);
	h->ring_size = cpu_to_le32(c->ring_size);
	h->ring_latched = cpu_to_le32(c->ring_latched);
	h->doorbell = cpu_to_le32(c->doorbell);
	h->ring_head = cpu_to_le32(c->ring_head);
	h->status = cpu_to_le32(c->status);
	h->error_code = cpu_to_le32(c->error_code);
	h->error_info = cpu_to_le32(c->error_info);
	h->int_status = cpu_to_le32(c->int_status);
	h->int_mask = cpu_to_le32(c->int_mask);
	h->fault_addr = cpu_to_le64(c->fault_addr);
	spin_unlock_irq(&vgpu->irq_lock);
}

/*
 * A frozen context's image: read whole into *@state if it fits its
 * section (MVGPU_MIG_CONTEXT_MAX), else only sized, and read in pieces as
 * the stream is (*@state NULL, its @state_gen noted).  Its bytes in *@len.
 */
static int mvgpu_mig_capture_image(struct mvgpu_vgpu *vgpu,
				   struct mvgpu_ctx *ctx, void **state,
				   u32 *len)
{
	u64 size;
	int ret = mvgpu_ctx_image_size(ctx, &size);

	*state = NULL;
	*len = 0;
	if (ret)
		return ret;
	*len = size;
	if (size > U32_MAX)
		return -EINVAL;
	if (size > MVGPU_MIG_CONTEXT_MAX) {
		WRITE_ONCE(vgpu->mig.image_gen[ctx->id], READ_ONCE(ctx->state_gen));
		return 0;
	}
	*state = kmalloc(max_t(u64, size, 1), GFP_KERNEL_ACCOUNT);
	if (!*state)
		return -ENOMEM;
	return mvgpu_ctx_save(ctx, 0, *state, size);
}

/* Capture a frozen context other than 0 into @ci. */
static int mvgpu_mig_capture_ctx(struct mvgpu_vgpu *vgpu, struct mvgpu_ctx *ctx,
				 struct mvgpu_mig_ctx_image *ci)
{
	struct mvgpu_mig_ctx *h = &ci->hdr;
	struct mvgpu_ctx_ring ring;
	u64 seqno, engine_ns;
	void *state;
	u32 len;
	int ret;

	ret = mvgpu_mig_capture_image(vgpu, ctx, &state, &len);
	ci->state = state;
	if (ret)
		return ret;
	h->context.len = cpu_to_le32(len);
	h->context.flags = cpu_to_le32(state ? 0 : MVGPU_MIG_CONTEXT_PIECES);
	h->id = cpu_to_le32(ctx->id);
	mvgpu_mig_window_save(vgpu, ctx->id, h);
	mvgpu_ctx_counters_get(ctx, &seqno, &engine_ns);
	h->seqno = cpu_to_le64(seqno);
	h->engine_ns = cpu_to_le64(engine_ns);
	mvgpu_ctx_ring_get(ctx, &ring);
	mvgpu_mig_ring_encode(&ring, &h->ring);
	return mvgpu_mig_gpt_census(vgpu, ctx, &ci->gpt_count);
}

/**
 * mvgpu_mig_capture_ctxs() - capture every context of a frozen vGPU
 * @vgpu: the vGPU, in STOP
 * @img: set: context 0's engine state (whole, or sized for pieces) and
 *	runs counted, its counters and priority (CTX0), the other contexts
 *	by increasing number; mvgpu_mig_release_ctxs() frees what this
 *	allocates, also after an error
 *
 * Context: process context; the caller holds the vGPU's @lock and its
 * migration lock.
 * Return: 0, -ENOMEM, or what saving a context's engine state returned.
 */
int mvgpu_mig_capture_ctxs(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_image *img)
{
	struct mvgpu_mig_ctx_image *ctxs;
	struct mvgpu_ctx *ctx;
	u64 seqno, engine_ns;
	void *state;
	u32 id, n = 0;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	ret = mvgpu_mig_capture_image(vgpu, &vgpu->ctx, &state,
				      &img->context_len);
	img->context = state;
	img->context_pieces = !state;
	if (ret)
		return ret;
	mvgpu_ctx_counters_get(&vgpu->ctx, &seqno, &engine_ns);
	img->has_ctx0 = true;
	img->ctx0 = (struct mvgpu_mig_ctx0) {
		.seqno = cpu_to_le64(seqno), .engine_ns = cpu_to_le64(engine_ns),
		.prio = cpu_to_le32(READ_ONCE(vgpu->ctx.prio)),
	};
	ret = mvgpu_mig_gpt_census(vgpu, &vgpu->ctx, &img->gpt_count);
	if (ret)
		return ret;
	img->nctx = mvgpu_vgpu_ctxs_used(vgpu);
	if (!img->nctx)
		return 0;
	ctxs = kvcalloc(img->nctx, sizeof(*ctxs), GFP_KERNEL_ACCOUNT);
	img->ctxs = ctxs;
	if (!ctxs)
		return -ENOMEM;
	for (id = 1; id < vgpu->num_contexts && !ret; id++) {
		ctx = mvgpu_vgpu_ctx_get(vgpu, id);
		if (!ctx)
			continue;
		if (WARN_ON_ONCE(n == img->nctx))
			return -EBUSY;
		ret = mvgpu_mig_capture_ctx(vgpu, ctx, &ctxs[n++]);
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_capture_ctxs);

/**
 * mvgpu_mig_release_ctxs() - free what mvgpu_mig_capture_ctxs() allocated
 * @img: the image
 *
 * Context: any.
 */
void mvgpu_mig_release_ctxs(struct mvgpu_mig_image *img)
{
	u32 i;

	kfree(img->context);
	img->context = NULL;
	if (!img->ctxs)
		return;
	for (i = 0; i < img->nctx; i++)
		kfree(img->ctxs[i].state);
	kvfree(img->ctxs);
	img->ctxs = NULL;
	img->nctx = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_release_ctxs);

/**
 * mvgpu_mig_image_read() - &mvgpu_mig_desc.image_read of a vGPU
 * @arg: the vGPU, in STOP_COPY
 * @id: the context
 * @off: where in its image
 * @buf: where to
 * @len: bytes
 *
 * Context: process context (a data file's read); takes the vGPU's @lock.
 * Return: 0; -EIO if the context went or its engine state was reset since
 * STOP_COPY sized its image; what the backend said.
 */
int mvgpu_mig_image_read(void *arg, u32 id, u64 off, void *buf, size_t len)
{
	struct mvgpu_vgpu *vgpu = arg;

	if (WARN_ON_ONCE(id >= MVGPU_CTX_MAX))
		return -EIO;
	return mvgpu_vgpu_ctx_image_read(vgpu, id,
					 READ_ONCE(vgpu->mig.image_gen[id]),
					 off, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_image_read);

/* ---- Resuming ---- */

/* Why a run could not be mapped again, in @ld. */
static int mvgpu_mig_run_refused(struct mvgpu_mig_load *ld, const char *who,
				 u64 i, const struct mvgpu_mig_gpt_entry *e,
				 int ret)
{
	u64 va = le64_to_cpu(e->va), size = le64_to_cpu(e->size);

	if (ret == -ENOMEM) {
		ld->err = -ENOMEM;
		snprintf(ld->why, sizeof(ld->why),
			 "%sno memory for page-table run %llu", who, i);
		return -ENOMEM;
	}
	if (ret == -EEXIST)
		return mvgpu_mig_refuse(ld,
					"%spage-table run %llu (VA %#llx size %#llx) overlaps another",
					who, i, va, size);
	if (ret == -ENOSPC)
		return mvgpu_mig_refuse(ld,
					"%spage-table run %llu (VA %#llx size %#llx) exceeds this vGPU's page-table or pinned-memory budget",
					who, i, va, size);
	if (le32_to_cpu(e->flags) & MVGPU_MAP_SYSMEM)
		return mvgpu_mig_refuse(ld,
					"%spage-table run %llu: guest memory at IOVA %#llx size %#llx cannot be pinned (%d); is it mapped for DMA here?",
					who, i, le64_to_cpu(e->target), size, ret);
	return mvgpu_mig_refuse(ld,
				"%spage-table run %llu (VA %#llx size %#llx) refused (%d)",
				who, i, va, size, ret);
}

/**
 * mvgpu_mig_load_runs() - map a context's page-table runs again
 * @ctx: the context, frozen, its page table empty
 * @ld: the reader, for why a run was refused
 * @gpt: the runs, checked by mvgpu_mig_check_image()
 * @count: how many
 *
 * With the checks of a MAP: no overlap, the budgets, guest memory pinned
 * through this side's VFIO container.
 *
 * Context: process context; the caller holds the vGPU's @lock.
 * Return: 0, -EINVAL (@ld->why says why), -ENOMEM, or -EINTR if the
 * caller is killed meanwhile.
 */
int mvgpu_mig_load_runs(struct mvgpu_ctx *ctx, struct mvgpu_mig_load *ld,
			const struct mvgpu_mig_gpt_entry *gpt, u64 count)
{
	char who[24] = "";
	u64 i;
	int ret;

	if (ctx->id)
		snprintf(who, sizeof(who), "context %u: ", ctx->id);
	for (i = 0; i < count; i++) {
		const struct mvgpu_mig_gpt_entry *e = &gpt[i];

		/* Millions of runs for a big vGPU: the VMM stays killable. */
		if (fatal_signal_pending(current)) {
			ld->err = -EINTR;
			snprintf(ld->why, sizeof(ld->why),
				 "%sinterrupted at page-table run %llu", who, i);
			return -EINTR;
		}
		cond_resched();
		ret = mvgpu_ctx_map_restore(ctx, le64_to_cpu(e->va),
					    le64_to_cpu(e->target),
					    le64_to_cpu(e->size),
					    le32_to_cpu(e->flags));
		if (ret)
			return mvgpu_mig_run_refused(ld, who, i, e, ret);
	}
	return 0;
}

/**
 * mvgpu_mig_image_write() - &mvgpu_mig_desc.image_write of a vGPU
 * @arg: the vGPU, in RESUMING (frozen)
 * @id: the context whose image it is; one other than 0 is made (frozen,
 *	as CTX_CREATE makes it) at its image's first piece, its priority
 *	set from its CTX section when the device leaves RESUMING
 * @off: where in the image; the reader checked the pieces' order
 * @buf: the bytes, untrusted
 * @len: how many
 * @why: on error, what was wrong
 *
 * The piece goes to the backend (mvgpu_ctx_restore()), which checks the
 * whole image when the device leaves RESUMING.  The context's @state_gen
 * after it is noted (&mvgpu_mig.load_gen): a reset of the context or the
 * vGPU after a piece drops the pieces the backend took, so what follows
 * is refused, here and at the end (mvgpu_mig_load_state()).
 *
 * Context: process context (a data file's write); takes the vGPU's @lock.
 * Return: 0; -EINVAL if the backend refused it; -EIO if the context went
 * or was reset after its first piece; -ENOSPC, -ENOMEM if it cannot be
 * made.
 */
int mvgpu_mig_image_write(void *arg, u32 id, u64 off, const void *buf,
			  size_t len, const char **why)
{
	struct mvgpu_vgpu *vgpu = arg;
	struct mvgpu_ctx *ctx;
	int ret;

	if (id >= vgpu->num_contexts)
		return -EINVAL;
	mutex_lock(&vgpu->lock);
	ctx = mvgpu_vgpu_ctx_get(vgpu, id);
	if (!ctx && !off) {
		ctx = mvgpu_vgpu_ctx_create_frozen(vgpu, id, MVGPU_CTX_PRIO_LOW);
		ret = PTR_ERR_OR_ZERO(ctx);
		*why = ret == -ENOSPC ? "no room for its page table" :
		       "it cannot be made here";
		if (ret)
			goto out;
	}
	/* Pieces in order from 0 and whole: none after a reset of it. */
	*why = "the context went or was reset after its first piece";
	ret = -EIO;
	if (ctx && (!off || READ_ONCE(ctx->state_gen) ==
			    vgpu->mig.load_gen[id]))
		ret = mvgpu_ctx_restore(ctx, off, buf, len, why);
	if (!ret)
		vgpu->mig.load_gen[id] = READ_ONCE(ctx->state_gen);
out:
	mutex_unlock(&vgpu->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_image_write);

/*
 * Context @ctx's engine state: its pieces handed over (whole in @state
 * before that, @len bytes, unless it came in pieces), the ring @r latched,
 * then checked and loaded by the backend.
 */
static int mvgpu_mig_load_state(struct mvgpu_vgpu *vgpu,
				struct mvgpu_mig_load *ld, struct mvgpu_ctx *ctx,
				const struct mvgpu_ctx_ring *r,
				const void *state, u32 len)
{
	char who[24] = "";
	const char *why;
	int ret = 0;

	if (ctx->id)
		snprintf(who, sizeof(who), "context %u: ", ctx->id);
	/* Its pieces are no longer the backend's: a reset, or made anew. */
	if (!state && len &&
	    READ_ONCE(ctx->state_gen) != vgpu->mig.load_gen[ctx->id])
		return mvgpu_mig_refuse(ld,
					"%sits image's pieces went (a reset while resuming)",
					who);
	if (state)
		ret = mvgpu_ctx_restore(ctx, 0, state, len, &why);
	if (!ret)
		ret = mvgpu_ctx_state_set(ctx, r, len, &why);
	if (ret == -ENOMEM) {
		ld->err = -ENOMEM;
		snprintf(ld->why, sizeof(ld->why), "%sno memory for the engine state",
			 who);
		return -ENOMEM;
	}
	if (ret)
		return mvgpu_mig_refuse(ld, "%sthe %s refused the engine state: %s",
					who, vgpu->gdev->be_ops->name, why);
	return 0;
}

/**
 * mvgpu_mig_apply_ctx0() - context 0 as the stream has it
 * @vgpu: the vGPU, frozen, after its reset (the pieces of context 0's
 *	image, if any, handed to the backend)
 * @ld: the reader
 * @img: the stream, checked (mvgpu_mig_check_image()); without CTX0,
 *	context 0 keeps its reset's counters and priority
 *
 * Its page table mapped again, its ring and engine state loaded, then its
 * counters and priority (CTX0).
 *
 * Context: process context; the caller holds the vGPU's @lock.
 * Return: 0, -EINVAL (@ld->why says why), -ENOMEM, or -EINTR.
 */
int mvgpu_mig_apply_ctx0(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_load *ld,
			 const struct mvgpu_mig_image *img)
{
	const struct mvgpu_mig_regs *r = &img->regs;
	const struct mvgpu_mig_ctx0 *c = &img->ctx0;
	struct mvgpu_ctx_ring ring;
	int ret;

	mvgpu_mig_ring_decode(&img->ring, le32_to_cpu(r->ring_latched),
			      le64_to_cpu(r->ring_base),
			      le32_to_cpu(r->ring_size), &ring);
	mvgpu_ctx_map_clear(&vgpu->ctx);
	ret = mvgpu_mig_load_runs(&vgpu->ctx, ld, img->gpt, img->gpt_count);
	if (!ret)
		ret = mvgpu_mig_load_state(vgpu, ld, &vgpu->ctx, &ring,
					   img->context, img->context_len);
	if (ret || !img->has_ctx0)
		return ret;
	if (mvgpu_ctx_counters_set(&vgpu->ctx, le64_to_cpu(c->seqno),
				   le64_to_cpu(c->engine_ns)))
		return mvgpu_mig_refuse(ld,
					"context 0: SEQNO %llu is below the commands it completed",
					le64_to_cpu(c->seqno));
	mvgpu_ctx_set_prio(&vgpu->ctx, le32_to_cpu(c->prio));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_apply_ctx0);

/* Why context @id could not be made, in @ld. */
static int mvgpu_mig_create_refused(struct mvgpu_mig_load *ld, u32 id, int ret)
{
	if (ret == -ENOMEM) {
		ld->err = -ENOMEM;
		snprintf(ld->why, sizeof(ld->why),
			 "no memory for context %u", id);
		return -ENOMEM;
	}
	if (ret == -ENOSPC)
		return mvgpu_mig_refuse(ld,
					"context %u: no room for its page table in this vGPU's page-table budget",
					id);
	return mvgpu_mig_refuse(ld, "context %u cannot be made here (%d)", id,
				ret);
}

/* A context other than 0, made again frozen, as the stream says. */
static int mvgpu_mig_apply_ctx(struct mvgpu_vgpu *vgpu,
			       struct mvgpu_mig_load *ld,
			       const struct mvgpu_mig_ctx_image *ci)
{
	const struct mvgpu_mig_ctx *h = &ci->hdr;
	u32 id = le32_to_cpu(h->id);
	struct mvgpu_ctx_ring ring;
	struct mvgpu_ctx *ctx;
	int ret;

	/* Made already if its image came in pieces (mvgpu_mig_image_write()). */
	ctx = mvgpu_vgpu_ctx_get(vgpu, id);
	if (ctx && ci->state)
		return mvgpu_mig_create_refused(ld, id, -EEXIST);
	if (ctx)
		mvgpu_ctx_set_prio(ctx, le32_to_cpu(h->prio));
	else
		ctx = mvgpu_vgpu_ctx_create_frozen(vgpu, id, le32_to_cpu(h->prio));
	if (IS_ERR(ctx))
		return mvgpu_mig_create_refused(ld, id, PTR_ERR(ctx));
	ret = mvgpu_mig_load_runs(ctx, ld, ci->gpt, ci->gpt_count);
	if (ret)
		return ret;
	mvgpu_mig_ring_decode(&h->ring, le32_to_cpu(h->ring_latched),
			      le64_to_cpu(h->ring_base),
			      le32_to_cpu(h->ring_size), &ring);
	ret = mvgpu_mig_load_state(vgpu, ld, ctx, &ring, ci->state,
				   le32_to_cpu(h->context.len));
	if (ret)
		return ret;
	if (mvgpu_ctx_counters_set(ctx, le64_to_cpu(h->seqno),
				   le64_to_cpu(h->engine_ns)))
		return mvgpu_mig_refuse(ld,
					"context %u: SEQNO %llu is below the commands it completed",
					id, le64_to_cpu(h->seqno));
	return 0;
}

/**
 * mvgpu_mig_apply_ctxs() - make the stream's contexts other than 0 again
 * @vgpu: the vGPU, frozen, context 0 loaded; it has no other context but
 *	those the pieces of their images made (mvgpu_mig_image_write())
 * @ld: the reader
 * @img: the stream, checked (mvgpu_mig_check_image())
 *
 * Each frozen, with its page table, ring, engine state and counters; its
 * window's registers take effect with the others'
 * (mvgpu_mig_commit_ctxs_locked()).  What is made stays on failure, for
 * the vGPU's reset to destroy.
 *
 * Context: process context; the caller holds the vGPU's @lock.
 * Return: 0, -EINVAL (@ld->why says why), -ENOMEM, or -EINTR.
 */
int mvgpu_mig_apply_ctxs(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_load *ld,
			 const struct mvgpu_mig_image *img)
{
	u32 i;
	int ret;

	for (i = 0; i < img->nctx; i++) {
		ret = mvgpu_mig_apply_ctx(vgpu, ld, &img->ctxs[i]);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_apply_ctxs);

/* Context @ci's window as the stream has it. */
static void mvgpu_mig_window_load(struct mvgpu_ctx_regs *c,
				  const struct mvgpu_mig_ctx *h)
{
	c->exists = true;
	c->prio = le32_to_cpu(h->prio);
	c->seqno = le64_to_cpu(h->seqno);
	c->engine_ns = le64_to_cpu(h->engine_ns);
	c->ring_base = le64_to_cpu(h->ring_base);
	c->ring_size = le32_to_cpu(h->ring_size);
	c->ring_latched = le32_to_cpu(h->ring_latched);
	c->doorbell = le32_to_cpu(h->doorbell);
	c->ring_head = le32_to_cpu(h->ring_head);
	c->status = le32_to_cpu(h->status);
	c->error_code = le32_to_cpu(h->error_code);
	c->error_info = le32_to_cpu(h->error_info);
	c->int_status = le32_to_cpu(h->int_status);
	c->int_mask = le32_to_cpu(h->int_mask);
	c->fault_addr = le64_to_cpu(h->fault_addr);
}

/**
 * mvgpu_mig_commit_ctxs_locked() - the contexts' registers take effect
 * @vgpu: the vGPU, mvgpu_mig_apply_ctxs() done
 * @img: the stream
 *
 * Context 0's SEQNO and ENGINE_NS, and every other context's window, as
 * the stream has them; before the interrupt state, which depends on the
 * windows (CTX_PENDING).
 *
 * Context: any; the caller holds the vGPU's irq_lock.
 */
void mvgpu_mig_commit_ctxs_locked(struct mvgpu_vgpu *vgpu,
				  const struct mvgpu_mig_image *img)
{
	struct mvgpu_ctx_regs *c0 = &vgpu->mmio.ctx[0];
	u32 i;

	lockdep_assert_held(&vgpu->irq_lock);
	/* Without CTX0, SEQNO counts from CMDS_DONE and ENGINE_NS from 0. */
	c0->seqno = img->has_ctx0 ? le64_to_cpu(img->ctx0.seqno) :
				    le64_to_cpu(img->ring.cmds_done);
	c0->engine_ns = img->has_ctx0 ? le64_to_cpu(img->ctx0.engine_ns) : 0;
	for (i = 0; i < img->nctx; i++) {
		const struct mvgpu_mig_ctx *h = &img->ctxs[i].hdr;

		mvgpu_mig_window_load(&vgpu->mmio.ctx[le32_to_cpu(h->id)], h);
	}
}
