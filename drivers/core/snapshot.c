// SPDX-License-Identifier: GPL-2.0
/*
 * What a migration moves of a vGPU's context on the core's side: the ring
 * as the core latched it, the backend's engine state, the page table.
 */

#include <kunit/visibility.h>
#include <linux/log2.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/sched.h>
#include <mvgpu/vgpu.h>

/**
 * DOC: Context snapshot
 *
 * A frozen context (mvgpu_ctx_freeze()) is three things, each moved on its
 * own and each checked on the way in as a guest's commands are:
 *
 * - the core's view of the ring (struct mvgpu_ctx_ring): what the doorbell
 *   latched, the tail, the head the backend last reported, whether a fault
 *   stopped the ring;
 * - the backend's engine state, opaque to the core: its image
 *   (&mvgpu_backend_ops.ctx_save), of a size the backend says, read and
 *   loaded in pieces (DOC: Context images), including the command in
 *   flight and how far it got;
 * - the page table, as runs of VA that map VRAM offsets or guest IOVAs
 *   (never host addresses), which the destination maps again through the
 *   same checks as a MAP command: its own VRAM only, guest memory pinned
 *   through its own VFIO container, within its page-table and pinning
 *   budgets.
 *
 * The image's pieces go to the backend as they come
 * (mvgpu_ctx_restore()); once the whole stream is in, the ring is loaded
 * and handed to the backend (@ctx_set_ring), then the backend checks the
 * whole image (mvgpu_ctx_state_set()), so it can refuse an engine state
 * whose ring is another one.
 *
 * A migration's source reads an image long after STOP_COPY began, as its
 * stream is read: mvgpu_vgpu_ctx_image_read() reads it only while the
 * context's engine state is the one whose size it took (@state_gen), so
 * that a reset meanwhile cuts the stream rather than mixing two images.
 */

static atomic64_t mvgpu_ctx_state_gens = ATOMIC64_INIT(0);

/**
 * mvgpu_ctx_state_changed() - the backend's engine state of a context was
 *	reset or loaded
 * @ctx: the context
 *
 * Context: any; the caller serialises against readers of the context's
 * image (the vGPU's lock, or a context not yet in its vGPU's table).
 */
void mvgpu_ctx_state_changed(struct mvgpu_ctx *ctx)
{
	WRITE_ONCE(ctx->state_gen, atomic64_inc_return(&mvgpu_ctx_state_gens));
}

/* Stopped, and not on an engine: its engine state is the core's to move. */
static bool mvgpu_ctx_is_stopped(struct mvgpu_ctx *ctx)
{
	return READ_ONCE(ctx->stopping) &&
	       READ_ONCE(ctx->state) != MVGPU_CTX_RUNNING;
}

/**
 * mvgpu_ctx_image_size() - the bytes of a stopped context's image
 * @ctx: the context, stopped (mvgpu_ctx_stop()), not restarted yet
 * @size: set to &mvgpu_backend_ops.ctx_image_size
 *
 * Context: process context.
 * Return: 0; -EIO if the backend says more than its @ctx_image_max (its
 * bug, warned of once): no image is made of the context then, rather than
 * a truncated one.
 */
int mvgpu_ctx_image_size(struct mvgpu_ctx *ctx, u64 *size)
{
	const struct mvgpu_backend_ops *be = ctx->gdev->be_ops;

	*size = be->ctx_image_size(ctx->bctx);
	if (WARN_ON_ONCE(*size > be->ctx_image_max))
		return -EIO;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_image_size);

/**
 * mvgpu_ctx_save() - read a piece of a stopped context's image
 * @ctx: the context, stopped (mvgpu_ctx_stop()), not restarted yet
 * @off: where in the image
 * @buf: where to
 * @len: bytes; @off + @len at most mvgpu_ctx_image_size()'s
 *
 * The backend's whole engine state (&mvgpu_backend_ops.ctx_save), a piece
 * at a time: what a migration or an eviction moves.
 *
 * Context: process context.
 * Return: 0; -EBUSY if the context is not stopped; -EINVAL for a range
 * outside the image; -EIO for an image larger than the backend's largest.
 */
int mvgpu_ctx_save(struct mvgpu_ctx *ctx, u64 off, void *buf, size_t len)
{
	u64 size;
	int ret;

	if (!mvgpu_ctx_is_stopped(ctx))
		return -EBUSY;
	ret = mvgpu_ctx_image_size(ctx, &size);
	if (ret)
		return ret;
	if (off > size || len > size - off)
		return -EINVAL;
	return ctx->gdev->be_ops->ctx_save(ctx->bctx, off, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_save);

/**
 * mvgpu_ctx_restore() - hand a piece of an image to a stopped context
 * @ctx: the context, stopped (mvgpu_ctx_stop()), not restarted yet
 * @off: where in the image: 0 starts one, then each piece follows the last
 * @buf: the bytes, untrusted
 * @len: how many
 * @why: on error, set to what the backend found wrong (a static string)
 *
 * The image takes effect at mvgpu_ctx_state_set(); until then the context
 * is as after a reset.
 *
 * Context: process context; the caller holds the vGPU's lock.
 * Return: 0; -EBUSY if the context is not stopped; what the backend's
 * &mvgpu_backend_ops.ctx_restore returned (-EINVAL: refused, -ENOMEM).
 */
int mvgpu_ctx_restore(struct mvgpu_ctx *ctx, u64 off, const void *buf,
		      size_t len, const char **why)
{
	*why = "the context is not stopped";
	if (!mvgpu_ctx_is_stopped(ctx))
		return -EBUSY;
	mvgpu_ctx_state_changed(ctx);
	*why = "refused";	/* for a backend that does not say */
	return ctx->gdev->be_ops->ctx_restore(ctx->bctx, off, buf, len, why);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_restore);

/**
 * mvgpu_vgpu_ctx_image_read() - a piece of a frozen context's image, if
 *	it is still the one sized
 * @vgpu: the vGPU
 * @id: the context's number
 * @gen: the context's @state_gen when the image was sized
 * @off: where in the image
 * @buf: where to
 * @len: bytes
 *
 * For a migration stream read long after its STOP_COPY began: under the
 * vGPU's lock, which resets take, the context cannot go or change
 * meanwhile.
 *
 * Context: process context; takes the vGPU's @lock.
 * Return: 0; -EIO if there is no context @id any more, or its engine state
 * was reset or loaded since @gen; what mvgpu_ctx_save() returned.
 */
int mvgpu_vgpu_ctx_image_read(struct mvgpu_vgpu *vgpu, u32 id, u64 gen,
			      u64 off, void *buf, size_t len)
{
	struct mvgpu_ctx *ctx;
	int ret = -EIO;

	if (id >= vgpu->num_contexts)
		return -EIO;
	mutex_lock(&vgpu->lock);
	ctx = mvgpu_vgpu_ctx_get(vgpu, id);
	if (ctx && !ctx->dying && READ_ONCE(ctx->state_gen) == gen)
		ret = mvgpu_ctx_save(ctx, off, buf, len);
	mutex_unlock(&vgpu->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_ctx_image_read);

/**
 * mvgpu_ctx_ring_get() - the core's view of a frozen context's ring
 * @ctx: the context, frozen
 * @r: filled in
 *
 * Context: process context.
 */
void mvgpu_ctx_ring_get(struct mvgpu_ctx *ctx, struct mvgpu_ctx_ring *r)
{
	struct mvgpu_sched *sched = &ctx->gdev->sched;

	spin_lock_irq(&sched->lock);
	r->ring_base = ctx->ring_base;
	r->ring_size = ctx->ring_size;
	r->tail = ctx->tail;
	r->head = READ_ONCE(ctx->head);
	r->cmds_done = READ_ONCE(ctx->cmds_done);
	r->busy = ctx->busy;
	r->stopped = ctx->state == MVGPU_CTX_STOPPED;
	r->doorbell_pending = ctx->doorbell_pending;
	spin_unlock_irq(&sched->lock);
}

/**
 * mvgpu_ctx_ring_check() - could a doorbell have latched this ring?
 * @r: a ring from outside
 *
 * The rules of MVGPU_REG_DOORBELL: a ring is latched with a 64-byte
 * aligned base inside the GPU VA space and a power-of-two size in range;
 * head and tail are command offsets inside it.  Without a ring, nothing
 * can have run.  The commands done are fewer than 2^48 (years of work:
 * the count adds up across resets and must not wrap).
 *
 * Context: any.
 * Return: 0, or -EINVAL.
 */
int mvgpu_ctx_ring_check(const struct mvgpu_ctx_ring *r)
{
	if (r->cmds_done >= BIT_ULL(48))
		return -EINVAL;
	if (!r->ring_size)
		return r->ring_base || r->tail || r->head || r->busy ? -EINVAL : 0;
	if (!IS_ALIGNED(r->ring_base, MVGPU_CMD_SIZE) ||
	    r->ring_base >= MVGPU_GPT_VA_SIZE ||
	    !is_power_of_2(r->ring_size) || r->ring_size < MVGPU_RING_MIN_SIZE ||
	    r->ring_size > MVGPU_RING_MAX_SIZE)
		return -EINVAL;
	if (r->tail >= r->ring_size || !IS_ALIGNED(r->tail, MVGPU_CMD_SIZE) ||
	    r->head >= r->ring_size || !IS_ALIGNED(r->head, MVGPU_CMD_SIZE))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_ring_check);

/**
 * mvgpu_ctx_state_set() - load a frozen context's ring and engine state
 * @ctx: the context, frozen, its page table already loaded, the pieces of
 *	its image handed to the backend (mvgpu_ctx_restore())
 * @r: the ring (mvgpu_ctx_ring_check() is applied)
 * @size: the image's bytes, as its stream declared them
 * @why: on error, set to what was wrong (a static string)
 *
 * The backend checks the image whole and loads it
 * (&mvgpu_backend_ops.ctx_restore_end).  On success the context is as the
 * source's was when it was frozen; it runs after mvgpu_ctx_thaw().  On
 * failure the engine state is as after a reset and the ring forgotten.
 *
 * Context: process context; the caller holds the vGPU's lock.
 * Return: 0; -EINVAL if the ring or the backend's state is refused; -EBUSY
 * if the context is not frozen.
 */
int mvgpu_ctx_state_set(struct mvgpu_ctx *ctx, const struct mvgpu_ctx_ring *r,
			u64 size, const char **why)
{
	struct mvgpu_sched *sched = &ctx->gdev->sched;
	const struct mvgpu_backend_ops *be = ctx->gdev->be_ops;
	int ret;

	*why = "the context is not frozen";
	if (!READ_ONCE(ctx->frozen) || !mvgpu_ctx_is_stopped(ctx))
		return -EBUSY;
	mvgpu_ctx_state_changed(ctx);
	*why = "the ring is not one a doorbell can latch";
	ret = -EINVAL;
	if (!mvgpu_ctx_ring_check(r)) {
		be->ctx_set_ring(ctx->bctx, r->ring_base, r->ring_size, r->tail);
		*why = "refused";	/* for a backend that does not say */
		ret = be->ctx_restore_end(ctx->bctx, size, why);
	}
	if (ret) {
		be->ctx_reset(ctx->bctx);	/* the pieces taken go too */
		return ret;
	}

	spin_lock_irq(&sched->lock);
	ctx->ring_base = r->ring_base;
	ctx->ring_size = r->ring_size;
	ctx->tail = r->tail;
	WRITE_ONCE(ctx->head, r->head);
	WRITE_ONCE(ctx->cmds_done, r->cmds_done);
	ctx->busy = r->busy;
	ctx->doorbell_pending = r->doorbell_pending;
	ctx->ring_error = false;
	ctx->state = r->stopped ? MVGPU_CTX_STOPPED : MVGPU_CTX_IDLE;
	spin_unlock_irq(&sched->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_state_set);

/**
 * mvgpu_ctx_map_save() - a frozen context's page table, as runs
 * @ctx: the context, frozen
 * @from: the first GPU VA to look at (a walk goes on where a run ended)
 * @fn: called for each run (see mvgpu_gpt_walk()), with the address
 *	space's lock held
 * @arg: its first argument
 *
 * Context: process context.
 * Return: 0, or what @fn returned.
 */
int mvgpu_ctx_map_save(struct mvgpu_ctx *ctx, u64 from,
		       int (*fn)(void *arg, u64 va, u64 target, u64 size,
				 u32 flags),
		       void *arg)
{
	return mvgpu_aspace_walk(&ctx->as, from, fn, arg);
}

/**
 * mvgpu_ctx_counters_get() - a frozen context's SEQNO and ENGINE_NS
 * @ctx: the context, frozen
 * @seqno: set to its SEQNO: commands completed since it was created (since
 *	the vGPU's reset, for context 0)
 * @engine_ns: set to its ENGINE_NS: engine time used
 *
 * The counts themselves, not what the registers last showed.
 *
 * Context: process context.
 */
void mvgpu_ctx_counters_get(struct mvgpu_ctx *ctx, u64 *seqno, u64 *engine_ns)
{
	struct mvgpu_sched *sched = &ctx->gdev->sched;

	spin_lock_irq(&sched->lock);
	*seqno = READ_ONCE(ctx->seqno_base) + READ_ONCE(ctx->cmds_done);
	*engine_ns = READ_ONCE(ctx->busy_ns);
	spin_unlock_irq(&sched->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_counters_get);

/**
 * mvgpu_ctx_counters_set() - a frozen context's SEQNO and ENGINE_NS
 * @ctx: the context, frozen, its ring loaded (mvgpu_ctx_state_set())
 * @seqno: its SEQNO, at least the commands it completed since its last
 *	reset
 * @engine_ns: its ENGINE_NS
 *
 * SEQNO goes on from @seqno as commands complete.  The caller shows both
 * in the context's registers.
 *
 * Context: process context.
 * Return: 0, or -EINVAL if @seqno is below the commands completed.
 */
int mvgpu_ctx_counters_set(struct mvgpu_ctx *ctx, u64 seqno, u64 engine_ns)
{
	struct mvgpu_sched *sched = &ctx->gdev->sched;
	int ret = 0;

	spin_lock_irq(&sched->lock);
	if (WARN_ON_ONCE(!ctx->frozen) || seqno < READ_ONCE(ctx->cmds_done))
		ret = -EINVAL;
	else
		WRITE_ONCE(ctx->seqno_base, seqno - READ_ONCE(ctx->cmds_done));
	if (!ret)
		WRITE_ONCE(ctx->busy_ns, engine_ns);
	spin_unlock_irq(&sched->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_ctx_counters_set);
