// SPDX-License-Identifier: GPL-2.0
/*
 * The migration stream, read: the destination takes it as hostile input.
 * The layout is in uapi/mvgpu_migration.h; mig_stream.c writes it.
 */

#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <asm/unaligned.h>

#include <mvgpu/ctx.h>

#include "mig_stream.h"

/**
 * DOC: Reading a stream
 *
 * The destination takes the stream in whatever pieces user space writes
 * and checks each part as soon as it is whole: the header (magic, version,
 * type, VRAM size, backend, checksum), each section header (a known type
 * or an optional one, a length within that type's bounds, no second copy
 * of a section that comes once, no section of contexts other than 0 in a
 * version-1 stream, page-table runs of all contexts together within the
 * page-table budget), each context's number as soon as its section is in
 * (one of this vGPU's, other than 0, once, its CTX before its CTX_GPT),
 * each checksum.  A VRAM section's pages go
 * straight into the vGPU's own VRAM at offsets its window header allows,
 * so VRAM is never buffered; so do a context image's CTX_IMAGE pieces,
 * into the backend (struct mvgpu_mig_desc @image_write), a page at a time,
 * once their header shows them the next piece of an image declared in
 * pieces, within its declared length, itself within the backend's largest
 * (@image_max).  The other sections are kept until the device
 * leaves RESUMING, bounded by their types' sizes and the page-table
 * budget (struct mvgpu_mig_desc @gpt_max).  The first thing wrong refuses
 * the stream for good: the write fails with -EINVAL, and so does leaving
 * RESUMING, with @why saying what was wrong.  As for VRAM, a piece handed
 * over before its section's checksum is checked takes effect only if the
 * whole stream is right: the backend loads an image only when the device
 * leaves RESUMING (&mvgpu_backend_ops.ctx_restore_end).
 */

enum mvgpu_mig_load_phase {
	MVGPU_LOAD_HEADER,
	MVGPU_LOAD_SECTION,
	MVGPU_LOAD_PAYLOAD,
	MVGPU_LOAD_SKIP,
	MVGPU_LOAD_WINDOW,
	MVGPU_LOAD_PAGE,
	MVGPU_LOAD_PIECE,
	MVGPU_LOAD_IMAGE,
	MVGPU_LOAD_SUM,
	MVGPU_LOAD_DONE,
};

/**
 * mvgpu_mig_refuse() - refuse a stream, saying why
 * @ld: the reader
 * @fmt: what was wrong
 *
 * The first reason sticks; the stream is refused from then on.
 *
 * Return: -EINVAL.
 */
int mvgpu_mig_refuse(struct mvgpu_mig_load *ld, const char *fmt, ...)
{
	va_list ap;

	if (ld->err)
		return ld->err;
	va_start(ap, fmt);
	vsnprintf(ld->why, sizeof(ld->why), fmt, ap);
	va_end(ap);
	ld->err = -EINVAL;
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_refuse);

/**
 * mvgpu_mig_load_init() - start reading a stream
 * @ld: the reader, zeroed
 * @desc: the destination vGPU; VRAM pages are written to it as they come
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int mvgpu_mig_load_init(struct mvgpu_mig_load *ld,
			const struct mvgpu_mig_desc *desc)
{
	BUILD_BUG_ON(PAGE_SIZE != MVGPU_MIG_PAGE_SIZE);
	ld->desc = *desc;
	ld->page = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	if (!ld->page)
		return -ENOMEM;
	ld->phase = MVGPU_LOAD_HEADER;
	ld->need = sizeof(struct mvgpu_mig_header);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_load_init);

/**
 * mvgpu_mig_load_fini() - free a reader and what it kept
 * @ld: the reader
 */
void mvgpu_mig_load_fini(struct mvgpu_mig_load *ld)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ld->bufs); i++) {
		kvfree(ld->bufs[i]);
		ld->bufs[i] = NULL;
	}
	for (i = 0; i < ARRAY_SIZE(ld->ctx); i++) {
		kvfree(ld->ctx[i].buf);
		kvfree(ld->ctx[i].gpt);
		ld->ctx[i] = (struct mvgpu_mig_load_ctx) {};
	}
	kvfree(ld->cur);
	ld->cur = NULL;
	kvfree(ld->ctx_img);
	ld->ctx_img = NULL;
	kfree(ld->page);
	ld->page = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_load_fini);

static int mvgpu_mig_load_header(struct mvgpu_mig_load *ld)
{
	const struct mvgpu_mig_header *h = (const void *)ld->small;
	const struct mvgpu_mig_desc *d = &ld->desc;
	char name[MVGPU_MIG_BACKEND_LEN + 1];
	struct mvgpu_mig_sum s;

	if (le64_to_cpu(h->magic) != MVGPU_MIG_MAGIC)
		return mvgpu_mig_refuse(ld, "not an mvgpu migration stream (magic %#llx)",
					le64_to_cpu(h->magic));
	ld->version = le32_to_cpu(h->version);
	if (ld->version < MVGPU_MIG_VERSION_1 || ld->version > MVGPU_MIG_VERSION)
		return mvgpu_mig_refuse(ld, "stream version %u, this mvgpu reads versions %u to %u",
					ld->version, MVGPU_MIG_VERSION_1,
					MVGPU_MIG_VERSION);
	if (le32_to_cpu(h->header_size) != sizeof(*h))
		return mvgpu_mig_refuse(ld, "header of %u bytes, version %u has %zu",
					le32_to_cpu(h->header_size),
					ld->version, sizeof(*h));
	mvgpu_mig_sum_init(&s, 0);
	mvgpu_mig_sum_update(&s, h, offsetof(struct mvgpu_mig_header, sum));
	ld->chain = mvgpu_mig_sum_final(&s);
	if (le64_to_cpu(h->sum) != ld->chain)
		return mvgpu_mig_refuse(ld, "header checksum mismatch (the stream is corrupt)");
	if (h->flags || h->pad || h->reserved[0] || h->reserved[1] ||
	    le32_to_cpu(h->page_size) != MVGPU_MIG_PAGE_SIZE)
		return mvgpu_mig_refuse(ld,
					"header flags %#x, page size %u: not a stream this mvgpu can read",
					le32_to_cpu(h->flags),
					le32_to_cpu(h->page_size));
	if (le32_to_cpu(h->type_divisor) != d->type_divisor)
		return mvgpu_mig_refuse(ld,
					"stream of a vGPU of type mvgpu-1_%u, this one is mvgpu-1_%u",
					le32_to_cpu(h->type_divisor),
					d->type_divisor);
	if (le64_to_cpu(h->vram_size) != d->vram_size)
		return mvgpu_mig_refuse(ld,
					"stream of a vGPU with %llu MiB of VRAM, this one has %llu MiB",
					le64_to_cpu(h->vram_size) >> 20,
					d->vram_size >> 20);
	memcpy(name, h->backend, sizeof(h->backend));
	name[sizeof(h->backend)] = '\0';
	if (memchr_inv(h->backend + strlen(name), 0,
		       sizeof(h->backend) - strlen(name)) ||
	    strcmp(name, d->backend))
		/* Escaped: the name is the stream's, it must not forge log lines. */
		return mvgpu_mig_refuse(ld,
					"engine state of backend '%*pE', this vGPU runs on '%s'",
					(int)strlen(name), name, d->backend);
	ld->phase = MVGPU_LOAD_SECTION;
	ld->need = sizeof(ld->sec);
	return 0;
}

/*
 * Do @runs more page-table runs fit the budget: context 0's, and the root
 * of each context whose CTX section came?
 */
static bool mvgpu_mig_runs_ok(const struct mvgpu_mig_load *ld, u64 runs)
{
	const struct mvgpu_mig_desc *d = &ld->desc;

	return runs <= d->gpt_max + ld->nctx * d->gpt_ctx_max - ld->gpt_runs;
}

/* Is @len a length section @type may have? */
static bool mvgpu_mig_len_ok(const struct mvgpu_mig_load *ld, u32 type, u64 len)
{
	const size_t run = sizeof(struct mvgpu_mig_gpt_entry);
	const size_t ctx_gpt = sizeof(struct mvgpu_mig_ctx_gpt);

	switch (type) {
	case MVGPU_MIG_SEC_CONFIG:
		return len == MVGPU_PCI_CONFIG_SIZE;
	case MVGPU_MIG_SEC_REGS:
		return len == sizeof(struct mvgpu_mig_regs);
	case MVGPU_MIG_SEC_IRQ:
		return len == sizeof(struct mvgpu_mig_irq);
	case MVGPU_MIG_SEC_RING:
		return len == sizeof(struct mvgpu_mig_ring);
	case MVGPU_MIG_SEC_CONTEXT:
		return len >= sizeof(struct mvgpu_mig_context) &&
		       len <= sizeof(struct mvgpu_mig_context) + MVGPU_MIG_CONTEXT_MAX;
	case MVGPU_MIG_SEC_GPT:
		return !(len % run) && mvgpu_mig_runs_ok(ld, len / run);
	case MVGPU_MIG_SEC_VRAM:
		return len >= sizeof(struct mvgpu_mig_vram) &&
		       !((len - sizeof(struct mvgpu_mig_vram)) % MVGPU_MIG_PAGE_SIZE) &&
		       len <= sizeof(struct mvgpu_mig_vram) + MVGPU_MIG_WINDOW;
	case MVGPU_MIG_SEC_END:
		return len == sizeof(struct mvgpu_mig_end);
	case MVGPU_MIG_SEC_CTX0:
		return len == sizeof(struct mvgpu_mig_ctx0);
	case MVGPU_MIG_SEC_CTX:
		return len >= sizeof(struct mvgpu_mig_ctx) &&
		       len <= sizeof(struct mvgpu_mig_ctx) + MVGPU_MIG_CONTEXT_MAX;
	case MVGPU_MIG_SEC_CTX_GPT:
		return len >= ctx_gpt && !((len - ctx_gpt) % run) &&
		       mvgpu_mig_runs_ok(ld, (len - ctx_gpt) / run);
	case MVGPU_MIG_SEC_CTX_IMAGE:
		return len > sizeof(struct mvgpu_mig_image_piece) &&
		       len <= sizeof(struct mvgpu_mig_image_piece) +
			      MVGPU_MIG_IMAGE_PIECE;
	default:
		return false;
	}
}

/* Where a section's payload goes: kept for the end, charged to the writer. */
static int mvgpu_mig_load_alloc(struct mvgpu_mig_load *ld, u32 type, u64 len)
{
	/*
	 * Up to a few MiB per GiB of VRAM for the page tables, charged to the
	 * writer: a failure, not the OOM killer, if its cgroup cannot have it.
	 */
	void *buf = kvzalloc(max_t(u64, len, 8), GFP_KERNEL_ACCOUNT |
			     __GFP_RETRY_MAYFAIL | __GFP_NOWARN);

	if (!buf) {
		ld->err = -ENOMEM;
		snprintf(ld->why, sizeof(ld->why),
			 "no memory for section %s (%llu bytes)",
			 mvgpu_mig_sec_name(type), len);
		return -ENOMEM;
	}
	if (type == MVGPU_MIG_SEC_CTX || type == MVGPU_MIG_SEC_CTX_GPT) {
		ld->cur = buf;	/* filed by context once it is in */
	} else {
		ld->bufs[type] = buf;
		ld->lens[type] = len;
	}
	if (type == MVGPU_MIG_SEC_GPT)
		ld->gpt_runs += len / sizeof(struct mvgpu_mig_gpt_entry);
	else if (type == MVGPU_MIG_SEC_CTX_GPT)
		ld->gpt_runs += (len - sizeof(struct mvgpu_mig_ctx_gpt)) /
				sizeof(struct mvgpu_mig_gpt_entry);
	ld->dst = buf;
	ld->phase = len ? MVGPU_LOAD_PAYLOAD : MVGPU_LOAD_SUM;
	ld->need = len ?: sizeof(__le64);
	return 0;
}

/* A section header arrived: what follows, and where it goes. */
static int mvgpu_mig_load_section(struct mvgpu_mig_load *ld)
{
	u32 type = le32_to_cpu(ld->sec.type), flags = le32_to_cpu(ld->sec.flags);
	u64 len = le64_to_cpu(ld->sec.len);
	const char *name = mvgpu_mig_sec_name(type);

	mvgpu_mig_sum_init(&ld->sum, ld->chain);
	mvgpu_mig_sum_update(&ld->sum, &ld->sec, sizeof(ld->sec));
	if (flags & ~MVGPU_MIG_SEC_OPTIONAL)
		return mvgpu_mig_refuse(ld, "section %u (%s) has unknown flags %#x",
					type, name, flags);
	if (len % 8)
		return mvgpu_mig_refuse(ld, "section %s: length %llu is not a multiple of 8",
					name, len);
	if (!type || type > MVGPU_MIG_SEC_LAST) {
		if (!(flags & MVGPU_MIG_SEC_OPTIONAL))
			return mvgpu_mig_refuse(ld, "unknown section type %u", type);
		ld->dst = NULL;
		ld->lens[0] = len;	/* what is left to skip */
		ld->phase = MVGPU_LOAD_SKIP;
		ld->need = min_t(u64, len, MVGPU_MIG_PAGE_SIZE);
		return 0;
	}
	if ((type == MVGPU_MIG_SEC_CTX || type == MVGPU_MIG_SEC_CTX_GPT) &&
	    ld->version < MVGPU_MIG_VERSION)
		return mvgpu_mig_refuse(ld,
					"section %s in a version %u stream, which carries context 0 only",
					name, ld->version);
	if (type != MVGPU_MIG_SEC_VRAM && type != MVGPU_MIG_SEC_CTX &&
	    type != MVGPU_MIG_SEC_CTX_GPT && type != MVGPU_MIG_SEC_CTX_IMAGE &&
	    (ld->seen & BIT(type)))
		return mvgpu_mig_refuse(ld, "a second %s section", name);
	if (!mvgpu_mig_len_ok(ld, type, len))
		return mvgpu_mig_refuse(ld, "section %s: length %llu is out of bounds",
					name, len);
	ld->seen |= BIT(type);
	if (type == MVGPU_MIG_SEC_VRAM) {
		ld->phase = MVGPU_LOAD_WINDOW;
		ld->need = sizeof(ld->window);
		return 0;
	}
	if (type == MVGPU_MIG_SEC_CTX_IMAGE) {
		ld->phase = MVGPU_LOAD_PIECE;
		ld->need = sizeof(ld->piece);
		return 0;
	}
	return mvgpu_mig_load_alloc(ld, type, len);
}

/*
 * Context @id's CONTEXT or CTX section is in, its engine state header @c:
 * an image it declares in pieces must be one this backend can have, and
 * its CTX_IMAGE pieces may come from now on.  The rest is checked at the
 * end (mvgpu_mig_check_image()).
 */
static int mvgpu_mig_load_declare(struct mvgpu_mig_load *ld, u32 id,
				  const struct mvgpu_mig_context *c)
{
	struct mvgpu_mig_load_ctx *x = &ld->ctx[id];
	u32 len = le32_to_cpu(c->len);

	if (!(le32_to_cpu(c->flags) & MVGPU_MIG_CONTEXT_PIECES))
		return 0;
	if (len > ld->desc.image_max || !ld->desc.image_write)
		return mvgpu_mig_refuse(ld,
					"context %u: an image of %u bytes in pieces, the %s's are at most %llu",
					id, len, ld->desc.backend,
					ld->desc.image_write ? ld->desc.image_max : 0);
	x->pieces = true;
	x->image = len;
	x->image_done = 0;
	return 0;
}

/*
 * A CTX or CTX_GPT section's payload is in: file it by its context, one
 * of this vGPU's other than 0, once; a CTX_GPT only after its CTX.
 */
static int mvgpu_mig_load_file_ctx(struct mvgpu_mig_load *ld)
{
	u32 type = le32_to_cpu(ld->sec.type);
	u32 id = get_unaligned_le32(ld->cur);
	struct mvgpu_mig_load_ctx *c;

	if (!id || id >= ld->desc.num_contexts)
		return mvgpu_mig_refuse(ld,
					"section %s of context %u: this vGPU's contexts other than 0 are 1 to %u",
					mvgpu_mig_sec_name(type), id,
					ld->desc.num_contexts - 1);
	c = &ld->ctx[id];
	if (type == MVGPU_MIG_SEC_CTX) {
		if (c->buf)
			return mvgpu_mig_refuse(ld, "a second CTX section of context %u",
						id);
		c->buf = ld->cur;
		c->len = le64_to_cpu(ld->sec.len);
		ld->nctx++;
		ld->cur = NULL;
		return mvgpu_mig_load_declare(ld, id,
					      &((struct mvgpu_mig_ctx *)c->buf)->context);
	}
	if (!c->buf)
		return mvgpu_mig_refuse(ld,
					"CTX_GPT section of context %u before its CTX section",
					id);
	if (c->gpt)
		return mvgpu_mig_refuse(ld, "a second CTX_GPT section of context %u",
					id);
	c->gpt = ld->cur;
	c->gpt_len = le64_to_cpu(ld->sec.len);
	ld->cur = NULL;
	return 0;
}

/* Move to the window's next page, or to its checksum. */
static void mvgpu_mig_load_next_page(struct mvgpu_mig_load *ld)
{
	while (ld->bit < MVGPU_MIG_WINDOW_PAGES &&
	       !(le64_to_cpu(ld->window.bitmap[ld->bit / 64]) &
		 BIT_ULL(ld->bit % 64)))
		ld->bit++;
	if (ld->bit < MVGPU_MIG_WINDOW_PAGES) {
		ld->phase = MVGPU_LOAD_PAGE;
		ld->need = MVGPU_MIG_PAGE_SIZE;
	} else {
		ld->phase = MVGPU_LOAD_SUM;
		ld->need = sizeof(__le64);
	}
}

static int mvgpu_mig_load_window(struct mvgpu_mig_load *ld)
{
	const struct mvgpu_mig_vram *w = &ld->window;
	u64 off = le64_to_cpu(w->offset), len = le64_to_cpu(ld->sec.len);
	u64 vram = ld->desc.vram_size, pages = 0;
	unsigned int i, last;

	mvgpu_mig_sum_update(&ld->sum, w, sizeof(*w));
	if (off % MVGPU_MIG_WINDOW || off >= vram)
		return mvgpu_mig_refuse(ld,
					"VRAM window at %#llx: not a window of this vGPU's %llu MiB",
					off, vram >> 20);
	last = min_t(u64, MVGPU_MIG_WINDOW, vram - off) / MVGPU_MIG_PAGE_SIZE;
	for (i = 0; i < ARRAY_SIZE(w->bitmap); i++) {
		u64 word = le64_to_cpu(w->bitmap[i]), valid;

		if (i * 64 >= last)
			valid = 0;
		else if (i * 64 + 64 <= last)
			valid = U64_MAX;
		else
			valid = GENMASK_ULL(last - i * 64 - 1, 0);
		if (word & ~valid)
			return mvgpu_mig_refuse(ld,
						"VRAM window at %#llx: pages beyond this vGPU's VRAM",
						off);
		pages += hweight64(word);
	}
	if (!pages || len != sizeof(*w) + pages * MVGPU_MIG_PAGE_SIZE)
		return mvgpu_mig_refuse(ld,
					"VRAM window at %#llx: %llu pages in its bitmap, %llu bytes after it",
					off, pages, len - sizeof(*w));
	ld->bit = 0;
	mvgpu_mig_load_next_page(ld);
	return 0;
}

static int mvgpu_mig_load_page(struct mvgpu_mig_load *ld)
{
	const struct mvgpu_mig_desc *d = &ld->desc;
	u64 off = le64_to_cpu(ld->window.offset) +
		  (u64)ld->bit * MVGPU_MIG_PAGE_SIZE;
	int ret;

	mvgpu_mig_sum_update(&ld->sum, ld->page, MVGPU_MIG_PAGE_SIZE);
	ret = d->vram->page_write(d->arg, off, ld->page);
	if (ret) {
		ld->err = ret;
		snprintf(ld->why, sizeof(ld->why),
			 "cannot write VRAM at %#llx: %d", off, ret);
		return ret;
	}
	ld->vram_pages++;
	ld->bit++;
	mvgpu_mig_load_next_page(ld);
	return 0;
}

/* Gather the next page of the piece, or its checksum after the last. */
static void mvgpu_mig_load_next_chunk(struct mvgpu_mig_load *ld)
{
	ld->chunk = min_t(u32, ld->piece_left, PAGE_SIZE);
	ld->phase = ld->chunk ? MVGPU_LOAD_IMAGE : MVGPU_LOAD_SUM;
	ld->need = ld->chunk ?: sizeof(__le64);
}

/* A CTX_IMAGE section's piece header: the next piece of a declared image? */
static int mvgpu_mig_load_piece(struct mvgpu_mig_load *ld)
{
	const struct mvgpu_mig_image_piece *p = &ld->piece;
	u32 id = le32_to_cpu(p->id), len = le32_to_cpu(p->len);
	u64 off = le64_to_cpu(p->offset), sec = le64_to_cpu(ld->sec.len);
	struct mvgpu_mig_load_ctx *x;

	mvgpu_mig_sum_update(&ld->sum, p, sizeof(*p));
	if (id >= ld->desc.num_contexts || !ld->ctx[id].pieces)
		return mvgpu_mig_refuse(ld,
					"CTX_IMAGE piece of context %u, which declared no image in pieces",
					id);
	x = &ld->ctx[id];
	if (!len || sizeof(*p) + round_up(len, 8) != sec)
		return mvgpu_mig_refuse(ld,
					"context %u: an image piece of %u bytes in a section of %llu",
					id, len, sec);
	if (off != x->image_done)
		return mvgpu_mig_refuse(ld,
					"context %u: an image piece at offset %llu, %llu bytes after the pieces before it (out of order)",
					id, off, x->image_done);
	if (len > x->image - off)
		return mvgpu_mig_refuse(ld,
					"context %u: image pieces past the %llu bytes it declared",
					id, x->image);
	ld->piece_left = round_up(len, 8);
	mvgpu_mig_load_next_chunk(ld);
	return 0;
}

/* A page of a piece: into the backend, the padding after it zero. */
static int mvgpu_mig_load_image(struct mvgpu_mig_load *ld)
{
	u32 id = le32_to_cpu(ld->piece.id);
	struct mvgpu_mig_load_ctx *x = &ld->ctx[id];
	u64 end = le64_to_cpu(ld->piece.offset) + le32_to_cpu(ld->piece.len);
	size_t n = min_t(u64, ld->chunk, end - x->image_done);
	const char *why = "refused";
	int ret;

	mvgpu_mig_sum_update(&ld->sum, ld->page, ld->chunk);
	if (memchr_inv(ld->page + n, 0, ld->chunk - n))
		return mvgpu_mig_refuse(ld,
					"context %u: the padding after its image is not zero",
					id);
	ret = ld->desc.image_write(ld->desc.arg, id, x->image_done, ld->page,
				   n, &why);
	if (ret == -ENOMEM) {
		ld->err = ret;
		snprintf(ld->why, sizeof(ld->why),
			 "no memory for the image of context %u", id);
		return ret;
	}
	if (ret)
		return mvgpu_mig_refuse(ld,
					"context %u: its image at %llu not taken (%d): %s",
					id, x->image_done, ret, why);
	x->image_done += n;
	ld->piece_left -= ld->chunk;
	mvgpu_mig_load_next_chunk(ld);
	return 0;
}

static int mvgpu_mig_load_sum(struct mvgpu_mig_load *ld)
{
	u32 type = le32_to_cpu(ld->sec.type);
	const struct mvgpu_mig_end *end = ld->bufs[MVGPU_MIG_SEC_END];
	u64 sum = get_unaligned_le64(ld->small);

	if (sum != mvgpu_mig_sum_final(&ld->sum))
		return mvgpu_mig_refuse(ld, "section %s: checksum mismatch (the stream is corrupt)",
					mvgpu_mig_sec_name(type));
	ld->chain = sum;
	if (type != MVGPU_MIG_SEC_END) {
		ld->sections++;
		ld->phase = MVGPU_LOAD_SECTION;
		ld->need = sizeof(ld->sec);
		return 0;
	}
	if (le64_to_cpu(end->sections) != ld->sections ||
	    le64_to_cpu(end->vram_pages) != ld->vram_pages)
		return mvgpu_mig_refuse(ld,
					"the source sent %llu sections and %llu VRAM pages, %llu and %llu came",
					le64_to_cpu(end->sections),
					le64_to_cpu(end->vram_pages),
					ld->sections, ld->vram_pages);
	ld->phase = MVGPU_LOAD_DONE;
	return 0;
}

/* Where the bytes of the current phase go. */
static u8 *mvgpu_mig_load_dst(struct mvgpu_mig_load *ld, size_t *size)
{
	switch (ld->phase) {
	case MVGPU_LOAD_HEADER:
		*size = sizeof(struct mvgpu_mig_header);
		return ld->small;
	case MVGPU_LOAD_SECTION:
		*size = sizeof(ld->sec);
		return (u8 *)&ld->sec;
	case MVGPU_LOAD_PAYLOAD:
		*size = le64_to_cpu(ld->sec.len);
		return ld->dst;
	case MVGPU_LOAD_WINDOW:
		*size = sizeof(ld->window);
		return (u8 *)&ld->window;
	case MVGPU_LOAD_PIECE:
		*size = sizeof(ld->piece);
		return (u8 *)&ld->piece;
	case MVGPU_LOAD_IMAGE:
		*size = ld->chunk;
		return ld->page;
	case MVGPU_LOAD_SUM:
		*size = sizeof(__le64);
		return ld->small;
	default:	/* pages and skipped bytes, a page at a time */
		*size = ld->phase == MVGPU_LOAD_PAGE ? MVGPU_MIG_PAGE_SIZE :
			min_t(u64, ld->lens[0], MVGPU_MIG_PAGE_SIZE);
		return ld->page;
	}
}

/* The bytes of the current phase are all there: act on them. */
static int mvgpu_mig_load_step(struct mvgpu_mig_load *ld)
{
	size_t n;

	switch (ld->phase) {
	case MVGPU_LOAD_HEADER:
		return mvgpu_mig_load_header(ld);
	case MVGPU_LOAD_SECTION:
		return mvgpu_mig_load_section(ld);
	case MVGPU_LOAD_PAYLOAD:
		mvgpu_mig_sum_update(&ld->sum, ld->dst, le64_to_cpu(ld->sec.len));
		ld->phase = MVGPU_LOAD_SUM;
		ld->need = sizeof(__le64);
		if (le32_to_cpu(ld->sec.type) == MVGPU_MIG_SEC_CONTEXT)
			return mvgpu_mig_load_declare(ld, 0, (void *)ld->dst);
		return ld->cur ? mvgpu_mig_load_file_ctx(ld) : 0;
	case MVGPU_LOAD_SKIP:
		n = min_t(u64, ld->lens[0], MVGPU_MIG_PAGE_SIZE);
		mvgpu_mig_sum_update(&ld->sum, ld->page, n);
		ld->lens[0] -= n;
		if (ld->lens[0]) {
			ld->need = min_t(u64, ld->lens[0], MVGPU_MIG_PAGE_SIZE);
		} else {
			ld->phase = MVGPU_LOAD_SUM;
			ld->need = sizeof(__le64);
		}
		return 0;
	case MVGPU_LOAD_WINDOW:
		return mvgpu_mig_load_window(ld);
	case MVGPU_LOAD_PAGE:
		return mvgpu_mig_load_page(ld);
	case MVGPU_LOAD_PIECE:
		return mvgpu_mig_load_piece(ld);
	case MVGPU_LOAD_IMAGE:
		return mvgpu_mig_load_image(ld);
	case MVGPU_LOAD_SUM:
		return mvgpu_mig_load_sum(ld);
	default:
		return mvgpu_mig_refuse(ld, "data after the end of the stream");
	}
}

/**
 * mvgpu_mig_load_write() - take more of the stream
 * @ld: the reader
 * @from: the bytes, in any chunking
 *
 * Context: process context.
 * Return: bytes taken; -EINVAL once the stream is refused (@ld->why says
 * why); -ENOMEM; -EFAULT.
 */
ssize_t mvgpu_mig_load_write(struct mvgpu_mig_load *ld, struct iov_iter *from)
{
	size_t done = 0;
	int ret;

	if (ld->err)
		return ld->err;
	while (iov_iter_count(from)) {
		size_t size, n, got;
		u8 *dst;

		if (ld->phase == MVGPU_LOAD_DONE)
			return mvgpu_mig_refuse(ld, "data after the end of the stream");
		dst = mvgpu_mig_load_dst(ld, &size);
		n = min(ld->need, iov_iter_count(from));
		got = copy_from_iter(dst + size - ld->need, n, from);
		ld->need -= got;
		ld->pos += got;
		done += got;
		if (got != n)
			return done ?: -EFAULT;
		if (ld->need)
			continue;
		ret = mvgpu_mig_load_step(ld);
		if (ret)
			return ret;
	}
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_load_write);

static const char *mvgpu_mig_load_where(const struct mvgpu_mig_load *ld)
{
	switch (ld->phase) {
	case MVGPU_LOAD_HEADER:
		return "in the header";
	case MVGPU_LOAD_SECTION:
		return ld->need == sizeof(ld->sec) ? "between sections, before END" :
		       "in a section header";
	default:
		return mvgpu_mig_sec_name(le32_to_cpu(ld->sec.type));
	}
}

/**
 * mvgpu_mig_load_finish() - the whole stream is in: decode and check it
 * @ld: the reader
 * @img: what the stream holds but VRAM (its pointers into @ld)
 *
 * Everything the stream says on its own is checked here: that it is
 * complete, and every field of the registers, interrupt, ring, counters,
 * engine state headers, contexts and page tables within what the device
 * can hold (mvgpu_mig_check_image()).  What needs the destination (its
 * config space, its pins, its backend) is for the caller.
 *
 * Context: process context.
 * Return: 0, or the error that refused the stream (@ld->why says why).
 */
int mvgpu_mig_load_finish(struct mvgpu_mig_load *ld,
			  struct mvgpu_mig_image *img)
{
	u32 type;

	if (ld->err)
		return ld->err;
	if (ld->phase != MVGPU_LOAD_DONE)
		return mvgpu_mig_refuse(ld, "stream truncated after %llu bytes (%s)",
					ld->pos, mvgpu_mig_load_where(ld));
	for (type = MVGPU_MIG_SEC_CONFIG; type <= MVGPU_MIG_SEC_GPT; type++)
		if (!ld->bufs[type])
			return mvgpu_mig_refuse(ld, "no %s section",
						mvgpu_mig_sec_name(type));
	return mvgpu_mig_check_image(ld, img);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_load_finish);
