// SPDX-License-Identifier: GPL-2.0
/*
 * The migration stream, read: what a whole stream says, checked as
 * untrusted before anything of it takes effect.  mig_load.c takes the
 * stream in; the layout is in uapi/mvgpu_migration.h.
 */

#include <kunit/visibility.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <mvgpu/ctx.h>

#include "mig_stream.h"

/**
 * mvgpu_mig_ring_decode() - the core's view of a ring, from a stream
 * @g: the ring section (context 0's RING, or a CTX section's @ring)
 * @latched: the registers say a doorbell latched the ring
 * @base: RING_BASE as written
 * @size: RING_SIZE as written
 * @ring: filled in; the base and size are 0 if not @latched
 *
 * Context: any.
 */
void mvgpu_mig_ring_decode(const struct mvgpu_mig_ring *g, bool latched,
			   u64 base, u32 size, struct mvgpu_ctx_ring *ring)
{
	*ring = (struct mvgpu_ctx_ring) {
		.ring_base = latched ? base : 0,
		.ring_size = latched ? size : 0,
		.tail = le32_to_cpu(g->tail),
		.head = le32_to_cpu(g->head),
		.cmds_done = le64_to_cpu(g->cmds_done),
		.busy = le32_to_cpu(g->busy),
		.stopped = le32_to_cpu(g->stopped),
		.doorbell_pending = le32_to_cpu(g->doorbell_pending),
	};
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_ring_decode);

/*
 * Could a doorbell have made this ring, RING_HEAD register @head_reg and
 * status @status (ENGINE_STATUS, or a window's STATUS)?
 */
static bool mvgpu_mig_ring_ok(const struct mvgpu_mig_ring *g,
			      const struct mvgpu_ctx_ring *ring, u32 latched,
			      u32 head_reg, u32 status)
{
	return le32_to_cpu(g->busy) <= 1 &&
	       le32_to_cpu(g->doorbell_pending) <= 1 &&
	       le32_to_cpu(g->stopped) <= 1 && !g->pad &&
	       !mvgpu_ctx_ring_check(ring) &&
	       (latched ? head_reg < ring->ring_size &&
			  IS_ALIGNED(head_reg, MVGPU_CMD_SIZE) : !head_reg) &&
	       ring->stopped == (status == MVGPU_ENGINE_STOPPED);
}

/* A SEQNO and an ENGINE_NS a context can have, @cmds_done since its reset. */
static bool mvgpu_mig_counts_ok(u64 seqno, u64 engine_ns, u64 cmds_done)
{
	return seqno >= cmds_done && seqno < MVGPU_MIG_COUNT_MAX &&
	       engine_ns < MVGPU_MIG_COUNT_MAX;
}

/* The checks of the registers, interrupt and ring sections together. */
static int mvgpu_mig_check_engine(struct mvgpu_mig_load *ld,
				  const struct mvgpu_mig_image *img)
{
	const struct mvgpu_mig_regs *r = &img->regs;
	u32 latched = le32_to_cpu(r->ring_latched);
	struct mvgpu_ctx_ring ring;

	/* MVGPU_INT_CONTEXT is not state: it is CTX_PENDING != 0. */
	if (le32_to_cpu(r->int_status) & ~(MVGPU_INT_ALL & ~MVGPU_INT_CONTEXT) ||
	    le32_to_cpu(r->int_mask) & ~MVGPU_INT_ALL ||
	    le32_to_cpu(r->error_code) > MVGPU_ERR_CONTEXT_LOST ||
	    le32_to_cpu(r->engine_status) > MVGPU_ENGINE_STOPPED ||
	    latched > 1)
		return mvgpu_mig_refuse(ld,
					"registers hold values the device never has (INT_STATUS %#x INT_MASK %#x ERROR_CODE %u ENGINE_STATUS %u)",
					le32_to_cpu(r->int_status),
					le32_to_cpu(r->int_mask),
					le32_to_cpu(r->error_code),
					le32_to_cpu(r->engine_status));
	if (le32_to_cpu(img->irq.mode) > MVGPU_MIG_IRQ_MSI ||
	    le32_to_cpu(img->irq.msi_sent) & ~MVGPU_INT_ALL ||
	    (le32_to_cpu(img->irq.mode) != MVGPU_MIG_IRQ_MSI &&
	     img->irq.msi_sent))
		return mvgpu_mig_refuse(ld,
					"interrupt state mode %u sent %#x is not one the device has",
					le32_to_cpu(img->irq.mode),
					le32_to_cpu(img->irq.msi_sent));
	mvgpu_mig_ring_decode(&img->ring, latched, le64_to_cpu(r->ring_base),
			      le32_to_cpu(r->ring_size), &ring);
	if (!mvgpu_mig_ring_ok(&img->ring, &ring, latched,
			       le32_to_cpu(r->ring_head),
			       le32_to_cpu(r->engine_status)))
		return mvgpu_mig_refuse(ld,
					"ring state is not one a doorbell can make (base %#llx size %#x head %#x tail %#x)",
					ring.ring_base, ring.ring_size,
					ring.head, ring.tail);
	return 0;
}

/* Context 0's counters and priority, if the stream has them. */
static int mvgpu_mig_check_ctx0(struct mvgpu_mig_load *ld,
				struct mvgpu_mig_image *img)
{
	const struct mvgpu_mig_ctx0 *c = ld->bufs[MVGPU_MIG_SEC_CTX0];

	img->has_ctx0 = c;
	if (!c)
		return 0;
	img->ctx0 = *c;
	if (le32_to_cpu(c->prio) > MVGPU_CTX_PRIO_MAX || c->pad)
		return mvgpu_mig_refuse(ld, "context 0: priority %u is not one the device has",
					le32_to_cpu(c->prio));
	if (!mvgpu_mig_counts_ok(le64_to_cpu(c->seqno),
				 le64_to_cpu(c->engine_ns),
				 le64_to_cpu(img->ring.cmds_done)))
		return mvgpu_mig_refuse(ld,
					"context 0: SEQNO %llu and ENGINE_NS %llu are no counts of the device (%llu commands done since its reset)",
					le64_to_cpu(c->seqno),
					le64_to_cpu(c->engine_ns),
					le64_to_cpu(img->ring.cmds_done));
	return 0;
}

/* Context @id's page-table runs: well formed, its VRAM this vGPU's. */
static int mvgpu_mig_check_gpt(struct mvgpu_mig_load *ld, u32 id,
			       const struct mvgpu_mig_gpt_entry *gpt, u64 count)
{
	const u32 rw = MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	char who[24] = "";
	u64 i;

	if (id)
		snprintf(who, sizeof(who), "context %u: ", id);
	for (i = 0; i < count; i++) {
		const struct mvgpu_mig_gpt_entry *e = &gpt[i];
		u64 va = le64_to_cpu(e->va), target = le64_to_cpu(e->target);
		u64 size = le64_to_cpu(e->size), end;
		u32 flags = le32_to_cpu(e->flags);

		if (e->pad || (flags & ~(rw | MVGPU_MAP_SYSMEM)) || !(flags & rw) ||
		    !size || !IS_ALIGNED(va | target | size, MVGPU_MIG_PAGE_SIZE) ||
		    check_add_overflow(va, size, &end) ||
		    end > 1ULL << MVGPU_VA_BITS ||
		    check_add_overflow(target, size, &end))
			return mvgpu_mig_refuse(ld,
						"%spage-table run %llu (VA %#llx size %#llx flags %#x) is malformed",
						who, i, va, size, flags);
		if (!(flags & MVGPU_MAP_SYSMEM) && end > ld->desc.vram_size)
			return mvgpu_mig_refuse(ld,
						"%spage-table run %llu maps VRAM %#llx-%#llx, outside this vGPU's %llu MiB",
						who, i, target, end - 1,
						ld->desc.vram_size >> 20);
	}
	return 0;
}

/*
 * An engine state's header @c and the @len bytes from it to the end of
 * its section: its length within them, zeros after it; or, in pieces,
 * nothing after it and every byte of it brought by CTX_IMAGE pieces.
 */
static int mvgpu_mig_check_state(struct mvgpu_mig_load *ld, u32 id,
				 const struct mvgpu_mig_context *c, size_t len)
{
	u32 n = le32_to_cpu(c->len), flags = le32_to_cpu(c->flags);

	if (flags == MVGPU_MIG_CONTEXT_PIECES && len == sizeof(*c)) {
		if (ld->ctx[id].image_done != n)
			return mvgpu_mig_refuse(ld,
						"context %u: its image in pieces stops after %llu of %u bytes",
						id, ld->ctx[id].image_done, n);
		return 0;
	}
	if (flags || n > MVGPU_MIG_CONTEXT_MAX ||
	    sizeof(*c) + round_up(n, 8) != len ||
	    memchr_inv((const u8 *)(c + 1) + n, 0, len - sizeof(*c) - n))
		return mvgpu_mig_refuse(ld,
					"context %u: engine state of %u bytes (flags %#x) in a section of %zu",
					id, n, flags, len);
	return 0;
}

/* Does an engine state header say the image came in pieces? */
static bool mvgpu_mig_pieces(const struct mvgpu_mig_context *c)
{
	return le32_to_cpu(c->flags) & MVGPU_MIG_CONTEXT_PIECES;
}

/* A context other than 0: registers, ring and counters. */
static int mvgpu_mig_check_ctx(struct mvgpu_mig_load *ld,
			       const struct mvgpu_mig_ctx_image *ci)
{
	const u32 causes = MVGPU_INT_FENCE | MVGPU_INT_ERROR;
	const struct mvgpu_mig_ctx *c = &ci->hdr;
	u32 id = le32_to_cpu(c->id), status = le32_to_cpu(c->status);
	u32 latched = le32_to_cpu(c->ring_latched);
	struct mvgpu_ctx_ring ring;

	/* A window raises and enables FENCE and ERROR only. */
	if (le32_to_cpu(c->prio) > MVGPU_CTX_PRIO_MAX || c->pad ||
	    le32_to_cpu(c->int_status) & ~causes ||
	    le32_to_cpu(c->int_mask) & ~causes ||
	    le32_to_cpu(c->error_code) > MVGPU_ERR_CONTEXT_LOST ||
	    status > MVGPU_ENGINE_STOPPED || latched > 1)
		return mvgpu_mig_refuse(ld,
					"context %u: registers hold values the device never has (PRIORITY %u INT_STATUS %#x INT_MASK %#x ERROR_CODE %u STATUS %u)",
					id, le32_to_cpu(c->prio),
					le32_to_cpu(c->int_status),
					le32_to_cpu(c->int_mask),
					le32_to_cpu(c->error_code), status);
	mvgpu_mig_ring_decode(&c->ring, latched, le64_to_cpu(c->ring_base),
			      le32_to_cpu(c->ring_size), &ring);
	if (!mvgpu_mig_ring_ok(&c->ring, &ring, latched,
			       le32_to_cpu(c->ring_head), status))
		return mvgpu_mig_refuse(ld,
					"context %u: ring state is not one a doorbell can make (base %#llx size %#x head %#x tail %#x)",
					id, ring.ring_base, ring.ring_size,
					ring.head, ring.tail);
	if (!mvgpu_mig_counts_ok(le64_to_cpu(c->seqno),
				 le64_to_cpu(c->engine_ns), ring.cmds_done))
		return mvgpu_mig_refuse(ld,
					"context %u: SEQNO %llu and ENGINE_NS %llu are no counts of the device (%llu commands done since its reset)",
					id, le64_to_cpu(c->seqno),
					le64_to_cpu(c->engine_ns), ring.cmds_done);
	return 0;
}

/* Context @id's two sections, decoded into @ci and checked. */
static int mvgpu_mig_load_ctx(struct mvgpu_mig_load *ld, u32 id,
			      struct mvgpu_mig_ctx_image *ci)
{
	const struct mvgpu_mig_load_ctx *c = &ld->ctx[id];
	const struct mvgpu_mig_ctx *hdr = c->buf;
	const struct mvgpu_mig_ctx_gpt *g = c->gpt;
	int ret;

	if (!g)
		return mvgpu_mig_refuse(ld, "context %u has no CTX_GPT section",
					id);
	if (g->pad)
		return mvgpu_mig_refuse(ld, "context %u: CTX_GPT header pad is not zero",
					id);
	ret = mvgpu_mig_check_state(ld, id, &hdr->context,
				    c->len - offsetof(struct mvgpu_mig_ctx, context));
	if (ret)
		return ret;
	ci->hdr = *hdr;
	ci->state = mvgpu_mig_pieces(&hdr->context) ? NULL : hdr + 1;
	ci->gpt = (const void *)(g + 1);
	ci->gpt_count = (c->gpt_len - sizeof(*g)) / sizeof(*ci->gpt);
	ret = mvgpu_mig_check_ctx(ld, ci);
	return ret ?: mvgpu_mig_check_gpt(ld, id, ci->gpt, ci->gpt_count);
}

/* The contexts other than 0, by increasing number, into @img. */
static int mvgpu_mig_check_ctxs(struct mvgpu_mig_load *ld,
				struct mvgpu_mig_image *img)
{
	u32 id, n = 0;
	int ret;

	img->ctxs = NULL;
	img->nctx = 0;
	/* The source writes version 2 only for contexts besides 0. */
	if (!ld->nctx && ld->version >= MVGPU_MIG_VERSION)
		return mvgpu_mig_refuse(ld,
					"a version %u stream with no context but 0 (no CTX section)",
					ld->version);
	if (!ld->nctx)
		return 0;
	kvfree(ld->ctx_img);
	ld->ctx_img = kvcalloc(ld->nctx, sizeof(*ld->ctx_img),
			       GFP_KERNEL_ACCOUNT);
	if (!ld->ctx_img) {
		ld->err = -ENOMEM;
		strscpy(ld->why, "no memory for the contexts", sizeof(ld->why));
		return -ENOMEM;
	}
	for (id = 1; id < MVGPU_CTX_MAX; id++) {
		if (!ld->ctx[id].buf)
			continue;
		if (WARN_ON_ONCE(n == ld->nctx))
			return -EINVAL;
		ret = mvgpu_mig_load_ctx(ld, id, &ld->ctx_img[n++]);
		if (ret)
			return ret;
	}
	img->ctxs = ld->ctx_img;
	img->nctx = n;
	return 0;
}

/**
 * mvgpu_mig_check_image() - a whole stream, decoded and checked
 * @ld: the reader, every section that comes once in
 * @img: what the stream holds but VRAM (its pointers into @ld)
 *
 * Every field of the registers, interrupt, ring, counters, engine state
 * headers and page-table runs of context 0 and of each other context,
 * within what the device can hold; a context's CTX_GPT there for its CTX.
 *
 * Context: process context.
 * Return: 0, -EINVAL (@ld->why says why), or -ENOMEM.
 */
int mvgpu_mig_check_image(struct mvgpu_mig_load *ld,
			  struct mvgpu_mig_image *img)
{
	const struct mvgpu_mig_context *c = ld->bufs[MVGPU_MIG_SEC_CONTEXT];
	int ret;

	memcpy(img->config, ld->bufs[MVGPU_MIG_SEC_CONFIG], sizeof(img->config));
	memcpy(&img->regs, ld->bufs[MVGPU_MIG_SEC_REGS], sizeof(img->regs));
	memcpy(&img->irq, ld->bufs[MVGPU_MIG_SEC_IRQ], sizeof(img->irq));
	memcpy(&img->ring, ld->bufs[MVGPU_MIG_SEC_RING], sizeof(img->ring));
	img->gpt = ld->bufs[MVGPU_MIG_SEC_GPT];
	img->gpt_count = ld->lens[MVGPU_MIG_SEC_GPT] / sizeof(*img->gpt);
	img->context_pieces = mvgpu_mig_pieces(c);
	img->context = img->context_pieces ? NULL : c + 1;
	img->context_len = le32_to_cpu(c->len);
	ret = mvgpu_mig_check_engine(ld, img);
	if (!ret)
		ret = mvgpu_mig_check_state(ld, 0, c,
					    ld->lens[MVGPU_MIG_SEC_CONTEXT]);
	if (!ret)
		ret = mvgpu_mig_check_ctx0(ld, img);
	if (!ret)
		ret = mvgpu_mig_check_gpt(ld, 0, img->gpt, img->gpt_count);
	if (!ret)
		ret = mvgpu_mig_check_ctxs(ld, img);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_check_image);
