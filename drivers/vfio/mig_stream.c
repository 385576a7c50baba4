// SPDX-License-Identifier: GPL-2.0
/*
 * The migration stream, written: its checksum and the source's writer.
 * The layout is in uapi/mvgpu_migration.h; mig_load.c reads it.
 */

#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <asm/unaligned.h>

#include "mig_stream.h"

#define P1	0x9e3779b185ebca87ULL
#define P2	0xc2b2ae3d27d4eb4fULL
#define P3	0x165667b19e3779f9ULL

/**
 * mvgpu_mig_sum_init() - start a checksum
 * @s: the checksum
 * @seed: the checksum before it in the chain (0 for the header)
 */
void mvgpu_mig_sum_init(struct mvgpu_mig_sum *s, u64 seed)
{
	unsigned int j;

	for (j = 0; j < 4; j++)
		s->lane[j] = seed + (j + 1) * P1;
	s->words = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_sum_init);

static inline u64 mvgpu_mig_round(u64 lane, u64 word)
{
	return rol64(lane + word * P2, 31) * P1;
}

/**
 * mvgpu_mig_sum_update() - add bytes to a checksum
 * @s: the checksum
 * @buf: the bytes
 * @len: how many, a multiple of 8
 */
void mvgpu_mig_sum_update(struct mvgpu_mig_sum *s, const void *buf,
			  size_t len)
{
	const u8 *p = buf;
	size_t n = len / 8, i = 0;
	unsigned int j = s->words & 3;
	u64 l0, l1, l2, l3;

	for (; i < n && j; i++, j = (j + 1) & 3)
		s->lane[j] = mvgpu_mig_round(s->lane[j],
					     get_unaligned_le64(p + 8 * i));
	l0 = s->lane[0];
	l1 = s->lane[1];
	l2 = s->lane[2];
	l3 = s->lane[3];
	for (; i + 4 <= n; i += 4) {
		l0 = mvgpu_mig_round(l0, get_unaligned_le64(p + 8 * i));
		l1 = mvgpu_mig_round(l1, get_unaligned_le64(p + 8 * i + 8));
		l2 = mvgpu_mig_round(l2, get_unaligned_le64(p + 8 * i + 16));
		l3 = mvgpu_mig_round(l3, get_unaligned_le64(p + 8 * i + 24));
	}
	s->lane[0] = l0;
	s->lane[1] = l1;
	s->lane[2] = l2;
	s->lane[3] = l3;
	for (; i < n; i++, j++)
		s->lane[j] = mvgpu_mig_round(s->lane[j],
					     get_unaligned_le64(p + 8 * i));
	s->words += n;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_sum_update);

/**
 * mvgpu_mig_sum_final() - the checksum of what was added
 * @s: the checksum
 *
 * Return: the value, which also seeds the next checksum of the chain.
 */
u64 mvgpu_mig_sum_final(const struct mvgpu_mig_sum *s)
{
	u64 h = rol64(s->lane[0], 1) + rol64(s->lane[1], 7) +
		rol64(s->lane[2], 12) + rol64(s->lane[3], 18) + 8 * s->words;

	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_sum_final);

static const char * const mvgpu_mig_sec_names[] = {
	[MVGPU_MIG_SEC_CONFIG] = "CONFIG", [MVGPU_MIG_SEC_REGS] = "REGS",
	[MVGPU_MIG_SEC_IRQ] = "IRQ", [MVGPU_MIG_SEC_RING] = "RING",
	[MVGPU_MIG_SEC_CONTEXT] = "CONTEXT", [MVGPU_MIG_SEC_GPT] = "GPT",
	[MVGPU_MIG_SEC_VRAM] = "VRAM", [MVGPU_MIG_SEC_END] = "END",
	[MVGPU_MIG_SEC_CTX0] = "CTX0", [MVGPU_MIG_SEC_CTX] = "CTX",
	[MVGPU_MIG_SEC_CTX_GPT] = "CTX_GPT", [MVGPU_MIG_SEC_CTX_IMAGE] = "CTX_IMAGE",
};

/**
 * mvgpu_mig_sec_name() - a section type's name, for messages
 * @type: MVGPU_MIG_SEC_*
 *
 * Return: the name, or "unknown".
 */
const char *mvgpu_mig_sec_name(u32 type)
{
	return type && type < ARRAY_SIZE(mvgpu_mig_sec_names) ?
	       mvgpu_mig_sec_names[type] : "unknown";
}

/* Append a section (header, payload, checksum) at *@p; returns its end. */
static u8 *mvgpu_mig_put_section(struct mvgpu_mig_save *sv, u8 *p, u32 type,
				 u32 flags, const void *payload, size_t len)
{
	struct mvgpu_mig_section sec = {
		.type = cpu_to_le32(type), .flags = cpu_to_le32(flags),
		.len = cpu_to_le64(len),
	};
	struct mvgpu_mig_sum s;
	__le64 sum;

	mvgpu_mig_sum_init(&s, sv->chain);
	mvgpu_mig_sum_update(&s, &sec, sizeof(sec));
	memcpy(p, &sec, sizeof(sec));
	p += sizeof(sec);
	if (len)
		memcpy(p, payload, len);
	mvgpu_mig_sum_update(&s, p, round_up(len, 8));
	p += round_up(len, 8);
	sv->chain = mvgpu_mig_sum_final(&s);
	sum = cpu_to_le64(sv->chain);
	memcpy(p, &sum, sizeof(sum));
	sv->sections++;
	return p + sizeof(sum);
}

static size_t mvgpu_mig_section_bytes(size_t len)
{
	return sizeof(struct mvgpu_mig_section) + round_up(len, 8) + 8;
}

/* Does a CTX section's engine state come in CTX_IMAGE pieces? */
static bool mvgpu_mig_ctx_pieces(const struct mvgpu_mig_ctx_image *ci)
{
	return le32_to_cpu(ci->hdr.context.flags) & MVGPU_MIG_CONTEXT_PIECES;
}

/* A CTX section's payload: its header, then its engine state if whole. */
static size_t mvgpu_mig_ctx_bytes(const struct mvgpu_mig_ctx_image *ci)
{
	if (mvgpu_mig_ctx_pieces(ci))
		return sizeof(ci->hdr);
	return sizeof(ci->hdr) + round_up(le32_to_cpu(ci->hdr.context.len), 8);
}

enum mvgpu_mig_save_phase {
	MVGPU_SAVE_META,
	MVGPU_SAVE_IMAGE,
	MVGPU_SAVE_IMAGE_SUM,
	MVGPU_SAVE_GPT,
	MVGPU_SAVE_GPT_SUM,
	MVGPU_SAVE_WINDOW,
	MVGPU_SAVE_PAGE,
	MVGPU_SAVE_SUM,
	MVGPU_SAVE_END,
	MVGPU_SAVE_DONE,
};

/* The header, at the start of @sv->meta; the chain starts there. */
static void mvgpu_mig_save_header(struct mvgpu_mig_save *sv, u32 version)
{
	struct mvgpu_mig_header *h = (struct mvgpu_mig_header *)sv->meta;
	const struct mvgpu_mig_desc *desc = &sv->desc;
	struct mvgpu_mig_sum s;

	h->magic = cpu_to_le64(MVGPU_MIG_MAGIC);
	h->version = cpu_to_le32(version);
	h->header_size = cpu_to_le32(sizeof(*h));
	h->page_size = cpu_to_le32(MVGPU_MIG_PAGE_SIZE);
	h->type_divisor = cpu_to_le32(desc->type_divisor);
	h->vram_size = cpu_to_le64(desc->vram_size);
	strscpy_pad(h->backend, desc->backend, sizeof(h->backend));
	mvgpu_mig_sum_init(&s, 0);
	mvgpu_mig_sum_update(&s, h, offsetof(struct mvgpu_mig_header, sum));
	sv->chain = mvgpu_mig_sum_final(&s);
	h->sum = cpu_to_le64(sv->chain);
}

/* Every section before GPT, into @sv->meta after the header. */
static u8 *mvgpu_mig_save_meta(struct mvgpu_mig_save *sv,
			       const struct mvgpu_mig_image *img, u8 *scratch)
{
	struct mvgpu_mig_context ctx = {
		.len = cpu_to_le32(img->context_len),
		.flags = cpu_to_le32(img->context_pieces ?
				     MVGPU_MIG_CONTEXT_PIECES : 0),
	};
	size_t len = sizeof(ctx) + (img->context_pieces ? 0 : img->context_len);
	u8 *p = sv->meta + sizeof(struct mvgpu_mig_header);
	u32 i;

	p = mvgpu_mig_put_section(sv, p, MVGPU_MIG_SEC_CONFIG, 0, img->config,
				  sizeof(img->config));
	p = mvgpu_mig_put_section(sv, p, MVGPU_MIG_SEC_REGS, 0, &img->regs,
				  sizeof(img->regs));
	p = mvgpu_mig_put_section(sv, p, MVGPU_MIG_SEC_IRQ, 0, &img->irq,
				  sizeof(img->irq));
	p = mvgpu_mig_put_section(sv, p, MVGPU_MIG_SEC_RING, 0, &img->ring,
				  sizeof(img->ring));
	memset(scratch, 0, round_up(len, 8));
	memcpy(scratch, &ctx, sizeof(ctx));
	if (!img->context_pieces)
		memcpy(scratch + sizeof(ctx), img->context, img->context_len);
	p = mvgpu_mig_put_section(sv, p, MVGPU_MIG_SEC_CONTEXT, 0, scratch,
				  round_up(len, 8));
	/* Optional: a reader of version 1 skips it. */
	if (img->has_ctx0)
		p = mvgpu_mig_put_section(sv, p, MVGPU_MIG_SEC_CTX0,
					  MVGPU_MIG_SEC_OPTIONAL, &img->ctx0,
					  sizeof(img->ctx0));
	for (i = 0; i < img->nctx; i++) {
		const struct mvgpu_mig_ctx_image *ci = &img->ctxs[i];

		len = mvgpu_mig_ctx_bytes(ci);
		memset(scratch, 0, len);
		memcpy(scratch, &ci->hdr, sizeof(ci->hdr));
		if (!mvgpu_mig_ctx_pieces(ci))
			memcpy(scratch + sizeof(ci->hdr), ci->state,
			       le32_to_cpu(ci->hdr.context.len));
		p = mvgpu_mig_put_section(sv, p, MVGPU_MIG_SEC_CTX, 0, scratch,
					  len);
	}
	return p;
}

/*
 * Can an image of @len bytes go in this stream: whole in its section (at
 * most MVGPU_MIG_CONTEXT_MAX), or in pieces (at most the backend's
 * largest, read through @desc's image_read)?
 */
static bool mvgpu_mig_image_ok(const struct mvgpu_mig_desc *desc, u64 len,
			       bool pieces)
{
	return pieces ? desc->image_read && len <= desc->image_max :
			len <= MVGPU_MIG_CONTEXT_MAX;
}

/* Room for the sections mvgpu_mig_save_meta() writes; 0 if malformed. */
static size_t mvgpu_mig_meta_bytes(const struct mvgpu_mig_desc *desc,
				   const struct mvgpu_mig_image *img)
{
	size_t len = sizeof(struct mvgpu_mig_header) +
		     mvgpu_mig_section_bytes(sizeof(img->config)) +
		     mvgpu_mig_section_bytes(sizeof(img->regs)) +
		     mvgpu_mig_section_bytes(sizeof(img->irq)) +
		     mvgpu_mig_section_bytes(sizeof(img->ring)) +
		     mvgpu_mig_section_bytes(sizeof(struct mvgpu_mig_context) +
					     (img->context_pieces ? 0 :
					      img->context_len));
	u32 i;

	if (!mvgpu_mig_image_ok(desc, img->context_len, img->context_pieces) ||
	    img->nctx >= MVGPU_CTX_MAX)
		return 0;
	if (img->has_ctx0)
		len += mvgpu_mig_section_bytes(sizeof(img->ctx0));
	for (i = 0; i < img->nctx; i++) {
		if (!mvgpu_mig_image_ok(desc,
					le32_to_cpu(img->ctxs[i].hdr.context.len),
					mvgpu_mig_ctx_pieces(&img->ctxs[i])))
			return 0;
		len += mvgpu_mig_section_bytes(mvgpu_mig_ctx_bytes(&img->ctxs[i]));
	}
	return len;
}

/**
 * mvgpu_mig_save_init() - start writing a stream
 * @sv: the writer, zeroed
 * @desc: the source vGPU; its VRAM is read as the stream is read
 * @img: its state but VRAM, copied here; the page tables' runs are read
 *	as the stream is (&mvgpu_mig_desc.gpt_next), or from @img->gpt and
 *	the contexts' @gpt, which then live as long as the writer
 *
 * Everything but the page tables, the images in pieces and VRAM is put
 * together here; the page tables' sections, the images' pieces and VRAM
 * are streamed, never held whole.  The stream is version 2 if @img has
 * contexts other than 0, else version 1.
 *
 * Context: process context.
 * Return: 0, -EINVAL for an engine state over MVGPU_MIG_CONTEXT_MAX in its
 * section, one in pieces over @desc's image_max (or without its
 * image_read), too many contexts, or -ENOMEM.
 */
int mvgpu_mig_save_init(struct mvgpu_mig_save *sv,
			const struct mvgpu_mig_desc *desc,
			const struct mvgpu_mig_image *img)
{
	/* A CTX section's payload at most; CONTEXT's is smaller. */
	size_t scratch_len = sizeof(struct mvgpu_mig_ctx) + MVGPU_MIG_CONTEXT_MAX;
	u8 *p, *scratch;
	u32 i;

	sv->desc = *desc;
	sv->meta_len = mvgpu_mig_meta_bytes(desc, img);
	if (!sv->meta_len)
		return -EINVAL;
	sv->page = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	scratch = kmalloc(scratch_len, GFP_KERNEL_ACCOUNT);
	sv->meta = kvzalloc(sv->meta_len, GFP_KERNEL_ACCOUNT);
	sv->gpts = kcalloc(img->nctx + 1, sizeof(*sv->gpts), GFP_KERNEL_ACCOUNT);
	if (!sv->page || !scratch || !sv->meta || !sv->gpts) {
		kfree(scratch);
		mvgpu_mig_save_fini(sv);
		return -ENOMEM;
	}
	mvgpu_mig_save_header(sv, img->nctx ? MVGPU_MIG_VERSION :
				  MVGPU_MIG_VERSION_1);
	p = mvgpu_mig_save_meta(sv, img, scratch);
	kfree(scratch);
	WARN_ON_ONCE(p != sv->meta + sv->meta_len);

	sv->gpts[0] = (struct mvgpu_mig_save_gpt) {
		.count = img->gpt_count, .gpt = img->gpt,
		.image = img->context_pieces ? img->context_len : 0,
	};
	for (i = 0; i < img->nctx; i++)
		sv->gpts[i + 1] = (struct mvgpu_mig_save_gpt) {
			.id = le32_to_cpu(img->ctxs[i].hdr.id),
			.count = img->ctxs[i].gpt_count,
			.gpt = img->ctxs[i].gpt,
			.image = mvgpu_mig_ctx_pieces(&img->ctxs[i]) ?
				 le32_to_cpu(img->ctxs[i].hdr.context.len) : 0,
		};
	sv->ngpt = img->nctx + 1;
	sv->phase = MVGPU_SAVE_META;
	sv->chunk = sv->meta;
	sv->chunk_len = sv->meta_len;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_save_init);

/**
 * mvgpu_mig_save_fini() - free a writer
 * @sv: the writer
 */
void mvgpu_mig_save_fini(struct mvgpu_mig_save *sv)
{
	kvfree(sv->meta);
	kfree(sv->page);
	kfree(sv->gpts);
	sv->meta = NULL;
	sv->page = NULL;
	sv->gpts = NULL;
	sv->chunk_len = 0;
	sv->phase = MVGPU_SAVE_DONE;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_save_fini);

/* The next window with backed pages: its section header; false if none. */
static bool mvgpu_mig_save_window(struct mvgpu_mig_save *sv)
{
	const struct mvgpu_mig_desc *d = &sv->desc;
	struct mvgpu_mig_vram *w = &sv->whdr.vram;
	u64 off = d->vram->next_backed(d->arg, sv->window), base, end;
	unsigned int npages = 0;

	if (off >= d->vram_size)
		return false;
	base = round_down(off, MVGPU_MIG_WINDOW);
	end = min(base + MVGPU_MIG_WINDOW, d->vram_size);
	memset(w, 0, sizeof(*w));
	w->offset = cpu_to_le64(base);
	for (; off < end; off = d->vram->next_backed(d->arg, off + PAGE_SIZE)) {
		unsigned int i = (off - base) / MVGPU_MIG_PAGE_SIZE;

		w->bitmap[i / 64] |= cpu_to_le64(BIT_ULL(i % 64));
		npages++;
	}
	sv->window = base + MVGPU_MIG_WINDOW;
	sv->whdr.sec.type = cpu_to_le32(MVGPU_MIG_SEC_VRAM);
	sv->whdr.sec.flags = 0;
	sv->whdr.sec.len = cpu_to_le64(sizeof(*w) +
				       (u64)npages * MVGPU_MIG_PAGE_SIZE);
	mvgpu_mig_sum_init(&sv->sum, sv->chain);
	mvgpu_mig_sum_update(&sv->sum, &sv->whdr, sizeof(sv->whdr));
	sv->bit = 0;
	return true;
}

/* The window's next page into sv->page; false once it has none left. */
static int mvgpu_mig_save_page(struct mvgpu_mig_save *sv, bool *more)
{
	const struct mvgpu_mig_desc *d = &sv->desc;
	const struct mvgpu_mig_vram *w = &sv->whdr.vram;
	u64 off;
	int ret;

	while (sv->bit < MVGPU_MIG_WINDOW_PAGES &&
	       !(le64_to_cpu(w->bitmap[sv->bit / 64]) & BIT_ULL(sv->bit % 64)))
		sv->bit++;
	*more = sv->bit < MVGPU_MIG_WINDOW_PAGES;
	if (!*more)
		return 0;
	off = le64_to_cpu(w->offset) + (u64)sv->bit * MVGPU_MIG_PAGE_SIZE;
	ret = d->vram->page_read(d->arg, off, sv->page);
	if (ret)
		return ret;
	mvgpu_mig_sum_update(&sv->sum, sv->page, MVGPU_MIG_PAGE_SIZE);
	sv->bit++;
	sv->vram_pages++;
	return 0;
}

/*
 * The header of the next CTX_IMAGE section, after the meta sections and
 * after each piece: false once every image in pieces has gone.
 */
static bool mvgpu_mig_save_image_start(struct mvgpu_mig_save *sv)
{
	const struct mvgpu_mig_save_gpt *g;
	u32 len;

	while (sv->image_index < sv->ngpt &&
	       sv->image_off >= sv->gpts[sv->image_index].image) {
		sv->image_index++;
		sv->image_off = 0;
	}
	if (sv->image_index == sv->ngpt)
		return false;
	g = &sv->gpts[sv->image_index];
	len = min_t(u64, g->image - sv->image_off, MVGPU_MIG_IMAGE_PIECE);
	sv->ihdr.sec = (struct mvgpu_mig_section) {
		.type = cpu_to_le32(MVGPU_MIG_SEC_CTX_IMAGE),
		.len = cpu_to_le64(sizeof(sv->ihdr.piece) + round_up(len, 8)),
	};
	sv->ihdr.piece = (struct mvgpu_mig_image_piece) {
		.id = cpu_to_le32(g->id), .len = cpu_to_le32(len),
		.offset = cpu_to_le64(sv->image_off),
	};
	sv->piece_left = len;
	sv->chunk = (const u8 *)&sv->ihdr;
	sv->chunk_len = sizeof(sv->ihdr);
	mvgpu_mig_sum_init(&sv->sum, sv->chain);
	mvgpu_mig_sum_update(&sv->sum, sv->chunk, sv->chunk_len);
	return true;
}

/*
 * The next page of the current piece into sv->page, zeros after the
 * image's last byte to a multiple of 8: 0 with sv->chunk_len 0 after the
 * piece's last; -EIO if the image is not the one sized any more.
 */
static int mvgpu_mig_save_image_page(struct mvgpu_mig_save *sv)
{
	const struct mvgpu_mig_desc *d = &sv->desc;
	u32 n = min_t(u32, sv->piece_left, PAGE_SIZE);
	int ret;

	if (!n)
		return 0;
	ret = d->image_read(d->arg, sv->gpts[sv->image_index].id,
			    sv->image_off, sv->page, n);
	if (ret)
		return ret;
	memset(sv->page + n, 0, round_up(n, 8) - n);
	mvgpu_mig_sum_update(&sv->sum, sv->page, round_up(n, 8));
	sv->image_off += n;
	sv->piece_left -= n;
	sv->chunk = sv->page;
	sv->chunk_len = round_up(n, 8);
	return 0;
}

/*
 * The header of the next page-table section, after the meta sections and
 * after each page table: GPT for context 0, CTX_GPT for the others.
 */
static void mvgpu_mig_save_gpt_start(struct mvgpu_mig_save *sv)
{
	const struct mvgpu_mig_save_gpt *g = &sv->gpts[sv->gpt_index];
	struct mvgpu_mig_section *sec = &sv->ghdr.sec;
	u64 len = g->count * sizeof(struct mvgpu_mig_gpt_entry);

	sec->type = cpu_to_le32(sv->gpt_index ? MVGPU_MIG_SEC_CTX_GPT :
					       MVGPU_MIG_SEC_GPT);
	sec->flags = 0;
	sv->ghdr.ctx.id = cpu_to_le32(g->id);
	sv->ghdr.ctx.pad = 0;
	if (sv->gpt_index)
		len += sizeof(sv->ghdr.ctx);
	sec->len = cpu_to_le64(len);
	sv->chunk = (const u8 *)&sv->ghdr;
	sv->chunk_len = sv->gpt_index ? sizeof(sv->ghdr) : sizeof(*sec);
	mvgpu_mig_sum_init(&sv->sum, sv->chain);
	mvgpu_mig_sum_update(&sv->sum, sv->chunk, sv->chunk_len);
	sv->gpt_done = 0;
	sv->gpt_cursor = 0;
}

/*
 * The next page of page-table runs into sv->page: 0 with sv->chunk_len 0
 * after the last; -EIO if the table no longer has the runs it had when the
 * stream began (the VM unmapped guest memory it mapped meanwhile, or the
 * context is gone).
 */
static int mvgpu_mig_save_gpt_page(struct mvgpu_mig_save *sv)
{
	const unsigned int per_page = PAGE_SIZE / sizeof(struct mvgpu_mig_gpt_entry);
	const struct mvgpu_mig_save_gpt *g = &sv->gpts[sv->gpt_index];
	struct mvgpu_mig_gpt_entry *e = (void *)sv->page, spare;
	unsigned int max = min_t(u64, per_page, g->count - sv->gpt_done);
	const struct mvgpu_mig_desc *d = &sv->desc;
	int n;

	if (!max) {
		/* As many runs as counted, and not one more. */
		if (d->gpt_next &&
		    d->gpt_next(d->arg, g->id, &sv->gpt_cursor, &spare, 1))
			return -EIO;
		return 0;
	}
	if (d->gpt_next) {
		n = d->gpt_next(d->arg, g->id, &sv->gpt_cursor, e, max);
		if (n < 0)
			return n;
		if (n != max)
			return -EIO;
	} else {
		memcpy(e, g->gpt + sv->gpt_done, max * sizeof(*e));
	}
	sv->gpt_done += max;
	mvgpu_mig_sum_update(&sv->sum, e, max * sizeof(*e));
	sv->chunk = sv->page;
	sv->chunk_len = max * sizeof(*e);
	return 0;
}

/* A streamed section is whole: its checksum is the next chunk. */
static void mvgpu_mig_save_sum(struct mvgpu_mig_save *sv, int next)
{
	sv->chain = mvgpu_mig_sum_final(&sv->sum);
	sv->sections++;
	sv->tail.sum = cpu_to_le64(sv->chain);
	sv->chunk = (const u8 *)&sv->tail.sum;
	sv->chunk_len = sizeof(sv->tail.sum);
	sv->phase = next;
}

/* Make the next chunk of the stream ready; false at its end. */
static int mvgpu_mig_save_next(struct mvgpu_mig_save *sv)
{
	bool more;
	int ret;

	sv->chunk_pos = 0;
	sv->chunk_len = 0;
	switch (sv->phase) {
	case MVGPU_SAVE_META:
	case MVGPU_SAVE_IMAGE_SUM:
		if (mvgpu_mig_save_image_start(sv)) {
			sv->phase = MVGPU_SAVE_IMAGE;
			return 0;
		}
		mvgpu_mig_save_gpt_start(sv);
		sv->phase = MVGPU_SAVE_GPT;
		return 0;
	case MVGPU_SAVE_IMAGE:
		ret = mvgpu_mig_save_image_page(sv);
		if (ret || sv->chunk_len)
			return ret;
		mvgpu_mig_save_sum(sv, MVGPU_SAVE_IMAGE_SUM);
		return 0;
	case MVGPU_SAVE_GPT:
		ret = mvgpu_mig_save_gpt_page(sv);
		if (ret || sv->chunk_len)
			return ret;
		mvgpu_mig_save_sum(sv, MVGPU_SAVE_GPT_SUM);
		return 0;
	case MVGPU_SAVE_GPT_SUM:
		if (++sv->gpt_index < sv->ngpt) {
			mvgpu_mig_save_gpt_start(sv);
			sv->phase = MVGPU_SAVE_GPT;
			return 0;
		}
		fallthrough;
	case MVGPU_SAVE_SUM:
		if (!mvgpu_mig_save_window(sv)) {
			sv->phase = MVGPU_SAVE_END;
			return mvgpu_mig_save_next(sv);
		}
		sv->chunk = (const u8 *)&sv->whdr;
		sv->chunk_len = sizeof(sv->whdr);
		sv->phase = MVGPU_SAVE_WINDOW;
		return 0;
	case MVGPU_SAVE_WINDOW:
	case MVGPU_SAVE_PAGE:
		ret = mvgpu_mig_save_page(sv, &more);
		if (ret)
			return ret;
		if (more) {
			sv->chunk = sv->page;
			sv->chunk_len = MVGPU_MIG_PAGE_SIZE;
			sv->phase = MVGPU_SAVE_PAGE;
			return 0;
		}
		mvgpu_mig_save_sum(sv, MVGPU_SAVE_SUM);
		return 0;
	case MVGPU_SAVE_END:
		sv->tail.end.sections = cpu_to_le64(sv->sections);
		sv->tail.end.vram_pages = cpu_to_le64(sv->vram_pages);
		mvgpu_mig_put_section(sv, (u8 *)&sv->tail, MVGPU_MIG_SEC_END, 0,
				      &sv->tail.end, sizeof(sv->tail.end));
		sv->chunk = (const u8 *)&sv->tail;
		sv->chunk_len = sizeof(sv->tail);
		sv->phase = MVGPU_SAVE_DONE;
		return 0;
	default:
		return 0;
	}
}

/**
 * mvgpu_mig_save_read() - read the stream on
 * @sv: the writer
 * @to: where to
 *
 * Context: process context.
 * Return: bytes read, 0 at the end of the stream, -EFAULT, what reading
 * VRAM, an image or the page table returned, -EIO if the page table does
 * not have the runs it had when the stream began or an image is not the
 * one sized; an error ends the stream: every read after it returns it
 * again.
 */
ssize_t mvgpu_mig_save_read(struct mvgpu_mig_save *sv, struct iov_iter *to)
{
	size_t done = 0;
	int ret;

	if (sv->err)
		return sv->err;
	while (iov_iter_count(to)) {
		size_t n, got;

		if (sv->chunk_pos == sv->chunk_len) {
			if (sv->phase == MVGPU_SAVE_DONE)
				break;
			ret = mvgpu_mig_save_next(sv);
			if (ret) {
				sv->err = ret;
				return done ?: ret;
			}
			continue;
		}
		n = min(sv->chunk_len - sv->chunk_pos, iov_iter_count(to));
		got = copy_to_iter(sv->chunk + sv->chunk_pos, n, to);
		sv->chunk_pos += got;
		done += got;
		if (got != n)
			return done ?: -EFAULT;
	}
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mig_save_read);
