// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: context images in pieces (CTX_IMAGE).  An image larger than a
 * section carries whole (MVGPU_MIG_CONTEXT_MAX) goes in pieces, read from
 * the backend a page at a time as the stream is read and handed to the
 * destination's backend a page at a time as it arrives; the reader
 * refuses every hostile edit of the pieces (out of order, past or short of
 * the declared length, over the backend's largest, of a context that
 * declared none).  Then the mock backend's 1 MiB images of two contexts,
 * through the stream from one mock vGPU to another, byte for byte.
 */

#include <kunit/test.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <asm/unaligned.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

#include "core/mock_gpu.h"
#include "mig_ctx.h"
#include "mig_stream.h"

#define IMG_VRAM	(4ULL << 20)
#define IMG_MAX		(256 * 1024)	/* the test backend's largest image */
#define IMG0		(100 * 1024 + 3)	/* context 0's: two pieces */
#define IMG3		70000			/* context 3's: two pieces */
#define IMG_STREAM	(512 * 1024)

static u64 img_next_backed(void *arg, u64 off)
{
	return U64_MAX;
}

static int img_page_read(void *arg, u64 off, void *buf)
{
	return -EIO;
}

static int img_page_write(void *arg, u64 off, const void *buf)
{
	return -EIO;
}

/* No VRAM is backed: the streams hold state only. */
static const struct mvgpu_mig_vram_ops img_vram_ops = {
	.next_backed = img_next_backed,
	.page_read = img_page_read,
	.page_write = img_page_write,
};

/**
 * struct img_fixture - a vGPU whose contexts 0 and 3 have images in
 *	pieces and context 5 one whole
 * @desc: the vGPU, source and destination alike
 * @img: its state
 * @ctxs: contexts 3 and 5
 * @gpt: a run for each page table
 * @state5: context 5's engine state
 * @src: the source's images, by context
 * @dst: what the destination's backend was handed, by context
 * @dst_len: how many bytes of each
 * @io_max: the most bytes one image_read or image_write moved
 * @read_fail: image_read says the image changed
 * @refuse: image_write refuses a piece past offset 0
 * @stream: the stream of @img
 * @len: its bytes
 */
struct img_fixture {
	struct mvgpu_mig_desc desc;
	struct mvgpu_mig_image img;
	struct mvgpu_mig_ctx_image ctxs[2];
	struct mvgpu_mig_gpt_entry gpt[3];
	u8 state5[28];
	u8 *src[6];
	u8 *dst[6];
	size_t dst_len[6];
	size_t io_max;
	bool read_fail;
	bool refuse;
	u8 *stream;
	size_t len;
};

static int img_read(void *arg, u32 id, u64 off, void *buf, size_t len)
{
	struct img_fixture *x = arg;

	x->io_max = max(x->io_max, len);
	if (x->read_fail || id >= ARRAY_SIZE(x->src) || !x->src[id])
		return -EIO;
	memcpy(buf, x->src[id] + off, len);
	return 0;
}

static int img_write(void *arg, u32 id, u64 off, const void *buf, size_t len,
		     const char **why)
{
	struct img_fixture *x = arg;

	x->io_max = max(x->io_max, len);
	*why = "the test refuses it";
	if (id >= ARRAY_SIZE(x->dst) || !x->dst[id] || (x->refuse && off))
		return -EINVAL;
	if (!off)	/* an image starts over */
		x->dst_len[id] = 0;
	*why = "not the bytes after the last";
	if (off != x->dst_len[id] || off + len > IMG_MAX)
		return -EINVAL;
	memcpy(x->dst[id] + off, buf, len);
	x->dst_len[id] += len;
	return 0;
}

/* Write a whole stream of @img into @buf: its length, or -errno. */
static ssize_t img_save(struct kunit *test, const struct mvgpu_mig_desc *desc,
			const struct mvgpu_mig_image *img, u8 *buf, size_t max)
{
	struct mvgpu_mig_save *sv = kunit_kzalloc(test, sizeof(*sv), GFP_KERNEL);
	struct iov_iter it;
	size_t len = 0;
	struct kvec kv;
	ssize_t n;
	int ret;

	if (!sv)
		return -ENOMEM;
	ret = mvgpu_mig_save_init(sv, desc, img);
	if (ret)
		return ret;
	do {
		kv.iov_base = buf + len;
		kv.iov_len = min_t(size_t, 5000, max - len);
		iov_iter_kvec(&it, READ, &kv, 1, kv.iov_len);
		n = mvgpu_mig_save_read(sv, &it);
		if (n > 0)
			len += n;
	} while (n > 0 && len < max);
	mvgpu_mig_save_fini(sv);
	return n < 0 ? n : len;
}

/* Feed @len bytes of a stream to @ld in writes of @chunk: 0, or the error. */
static int img_feed(struct mvgpu_mig_load *ld, const u8 *buf, size_t len,
		    size_t chunk)
{
	size_t off = 0;
	ssize_t n = 0;

	while (n >= 0 && off < len) {
		struct kvec kv = {
			.iov_base = (void *)buf + off,
			.iov_len = min(chunk, len - off),
		};
		struct iov_iter it;

		iov_iter_kvec(&it, WRITE, &kv, 1, kv.iov_len);
		n = mvgpu_mig_load_write(ld, &it);
		if (n > 0)
			off += n;
	}
	return n < 0 ? n : 0;
}

/* Read a stream back in pieces of @chunk: 0 if taken, else the error. */
static int img_load(struct kunit *test, const struct mvgpu_mig_desc *desc,
		    const u8 *buf, size_t len, size_t chunk, char *why,
		    struct mvgpu_mig_load **keep, struct mvgpu_mig_image *img)
{
	struct mvgpu_mig_load *ld = kzalloc(sizeof(*ld), GFP_KERNEL);
	struct mvgpu_mig_image dummy;
	int ret;

	if (!ld)
		return -ENOMEM;
	ret = mvgpu_mig_load_init(ld, desc) ?: img_feed(ld, buf, len, chunk);
	if (!ret)
		ret = mvgpu_mig_load_finish(ld, img ?: &dummy);
	if (why)
		strscpy(why, ld->why, MVGPU_MIG_WHY_LEN);
	if (keep && !ret) {
		*keep = ld;
		return 0;
	}
	mvgpu_mig_load_fini(ld);
	kfree(ld);
	return ret;
}

static void img_fill(struct img_fixture *x)
{
	static const u32 ids[2] = { 3, 5 };
	unsigned int i;

	x->desc = (struct mvgpu_mig_desc) {
		.type_divisor = 2, .vram_size = IMG_VRAM, .backend = "test GPU",
		.num_contexts = 16, .gpt_max = 100, .gpt_ctx_max = 10,
		.vram = &img_vram_ops, .image_max = IMG_MAX,
		.image_read = img_read, .image_write = img_write, .arg = x,
	};
	x->img.regs.int_mask = cpu_to_le32(MVGPU_INT_FENCE);
	x->img.context_len = IMG0;
	x->img.context_pieces = true;
	x->img.has_ctx0 = true;
	x->img.ctx0.prio = cpu_to_le32(MVGPU_CTX_PRIO_HIGH);
	for (i = 0; i < 3; i++)
		x->gpt[i] = (struct mvgpu_mig_gpt_entry) {
			.va = cpu_to_le64(SZ_1G), .target = cpu_to_le64(i * SZ_64K),
			.size = cpu_to_le64(SZ_64K),
			.flags = cpu_to_le32(MVGPU_MAP_READ),
		};
	x->img.gpt = &x->gpt[0];
	x->img.gpt_count = 1;
	for (i = 0; i < 2; i++) {
		struct mvgpu_mig_ctx *h = &x->ctxs[i].hdr;

		h->id = cpu_to_le32(ids[i]);
		h->prio = cpu_to_le32(MVGPU_CTX_PRIO_LOW);
		x->ctxs[i].gpt = &x->gpt[i + 1];
		x->ctxs[i].gpt_count = 1;
	}
	x->ctxs[0].hdr.context.len = cpu_to_le32(IMG3);
	x->ctxs[0].hdr.context.flags = cpu_to_le32(MVGPU_MIG_CONTEXT_PIECES);
	for (i = 0; i < sizeof(x->state5); i++)
		x->state5[i] = 0x50 + i;
	x->ctxs[1].hdr.context.len = cpu_to_le32(sizeof(x->state5));
	x->ctxs[1].state = x->state5;
	x->img.ctxs = x->ctxs;
	x->img.nctx = 2;
}

static int img_test_init(struct kunit *test)
{
	struct img_fixture *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	ssize_t n;

	if (!x)
		return -ENOMEM;
	test->priv = x;
	img_fill(x);
	x->src[0] = kunit_kmalloc(test, IMG0, GFP_KERNEL);
	x->src[3] = kunit_kmalloc(test, IMG3, GFP_KERNEL);
	x->dst[0] = kunit_kzalloc(test, IMG_MAX, GFP_KERNEL);
	x->dst[3] = kunit_kzalloc(test, IMG_MAX, GFP_KERNEL);
	x->stream = kunit_kzalloc(test, IMG_STREAM, GFP_KERNEL);
	if (!x->src[0] || !x->src[3] || !x->dst[0] || !x->dst[3] || !x->stream)
		return -ENOMEM;
	get_random_bytes(x->src[0], IMG0);
	get_random_bytes(x->src[3], IMG3);
	n = img_save(test, &x->desc, &x->img, x->stream, IMG_STREAM);
	if (n < 0)
		return n;
	x->len = n;
	x->io_max = 0;
	return 0;
}

/* The @n-th section of @type in a stream, or NULL. */
static struct mvgpu_mig_section *img_sec(u8 *buf, size_t len, u32 type,
					 unsigned int n)
{
	size_t off = sizeof(struct mvgpu_mig_header);

	while (off + sizeof(struct mvgpu_mig_section) <= len) {
		struct mvgpu_mig_section *s = (void *)(buf + off);

		if (le32_to_cpu(s->type) == type && !n--)
			return s;
		off += sizeof(*s) + le64_to_cpu(s->len) + 8;
	}
	return NULL;
}

/* Make every checksum right again after an edit. */
static void img_resum(u8 *buf, size_t len)
{
	struct mvgpu_mig_header *h = (void *)buf;
	size_t off = sizeof(*h);
	struct mvgpu_mig_sum s;
	u64 chain;

	mvgpu_mig_sum_init(&s, 0);
	mvgpu_mig_sum_update(&s, h, offsetof(struct mvgpu_mig_header, sum));
	chain = mvgpu_mig_sum_final(&s);
	h->sum = cpu_to_le64(chain);
	while (off + sizeof(struct mvgpu_mig_section) <= len) {
		struct mvgpu_mig_section *sec = (void *)(buf + off);
		size_t n = sizeof(*sec) + le64_to_cpu(sec->len);

		if (off + n + 8 > len)
			break;
		mvgpu_mig_sum_init(&s, chain);
		mvgpu_mig_sum_update(&s, sec, n);
		chain = mvgpu_mig_sum_final(&s);
		put_unaligned_le64(chain, buf + off + n);
		off += n + 8;
	}
}

/*
 * The sections in the order the uapi gives, each image in pieces of at
 * most MVGPU_MIG_IMAGE_PIECE; read back, every byte of every image where
 * it was, moved a page at a time at both ends.
 */
static void img_roundtrip_test(struct kunit *test)
{
	static const u32 order[] = {
		MVGPU_MIG_SEC_CONFIG, MVGPU_MIG_SEC_REGS, MVGPU_MIG_SEC_IRQ,
		MVGPU_MIG_SEC_RING, MVGPU_MIG_SEC_CONTEXT, MVGPU_MIG_SEC_CTX0,
		MVGPU_MIG_SEC_CTX, MVGPU_MIG_SEC_CTX, MVGPU_MIG_SEC_CTX_IMAGE,
		MVGPU_MIG_SEC_CTX_IMAGE, MVGPU_MIG_SEC_CTX_IMAGE,
		MVGPU_MIG_SEC_CTX_IMAGE, MVGPU_MIG_SEC_GPT, MVGPU_MIG_SEC_CTX_GPT,
		MVGPU_MIG_SEC_CTX_GPT, MVGPU_MIG_SEC_END,
	};
	struct img_fixture *x = test->priv;
	size_t off = sizeof(struct mvgpu_mig_header);
	char why[MVGPU_MIG_WHY_LEN];
	struct mvgpu_mig_load *ld;
	struct mvgpu_mig_image img;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		struct mvgpu_mig_section *s = (void *)(x->stream + off);

		KUNIT_ASSERT_LT(test, off, x->len);
		KUNIT_EXPECT_EQ_MSG(test, le32_to_cpu(s->type), order[i],
				    "section %u", i);
		KUNIT_EXPECT_LE(test, le64_to_cpu(s->len),
				(u64)MVGPU_MIG_IMAGE_PIECE +
				sizeof(struct mvgpu_mig_image_piece));
		off += sizeof(*s) + le64_to_cpu(s->len) + 8;
	}
	KUNIT_EXPECT_EQ(test, off, x->len);
	KUNIT_ASSERT_EQ_MSG(test, img_load(test, &x->desc, x->stream, x->len,
					   7777, why, &ld, &img), 0,
			    "refused: %s", why);
	KUNIT_EXPECT_TRUE(test, img.context_pieces);
	KUNIT_EXPECT_NULL(test, img.context);
	KUNIT_EXPECT_EQ(test, img.context_len, (u32)IMG0);
	KUNIT_ASSERT_EQ(test, img.nctx, 2U);
	KUNIT_EXPECT_NULL(test, img.ctxs[0].state);
	KUNIT_EXPECT_EQ(test, memcmp(img.ctxs[1].state, x->state5,
				     sizeof(x->state5)), 0);
	mvgpu_mig_load_fini(ld);
	kfree(ld);
	KUNIT_EXPECT_EQ(test, x->dst_len[0], (size_t)IMG0);
	KUNIT_EXPECT_EQ(test, x->dst_len[3], (size_t)IMG3);
	KUNIT_EXPECT_EQ(test, memcmp(x->dst[0], x->src[0], IMG0), 0);
	KUNIT_EXPECT_EQ(test, memcmp(x->dst[3], x->src[3], IMG3), 0);
	KUNIT_EXPECT_LE(test, x->io_max, (size_t)PAGE_SIZE);

	/* A destination that takes no image in pieces refuses it. */
	x->desc.image_write = NULL;
	KUNIT_EXPECT_EQ(test, img_load(test, &x->desc, x->stream, x->len, 4096,
				       why, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "context 0: an image of 102403 bytes"));
	/* Its backend refuses a piece: the write fails, saying why. */
	x->desc.image_write = img_write;
	x->refuse = true;
	memset(x->dst_len, 0, sizeof(x->dst_len));
	KUNIT_EXPECT_EQ(test, img_load(test, &x->desc, x->stream, x->len, 4096,
				       why, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, "the test refuses it"),
				  "why: %s", why);
}

/*
 * The source: an image that is not the one sized any more ends the
 * stream with -EIO; one over its backend's largest, or in pieces with
 * nothing to read them from, is no stream; context 0 alone with its image
 * in pieces is a version-1 stream (CTX_IMAGE is no section of contexts
 * but 0) that reads back.
 */
static void img_source_test(struct kunit *test)
{
	struct img_fixture *x = test->priv;
	struct mvgpu_mig_desc d = x->desc;
	struct mvgpu_mig_image v1 = x->img;
	char why[MVGPU_MIG_WHY_LEN];
	u8 *buf = x->stream;
	ssize_t n;

	x->read_fail = true;
	KUNIT_EXPECT_EQ(test, img_save(test, &d, &x->img, buf, IMG_STREAM),
			(ssize_t)-EIO);
	x->read_fail = false;
	d.image_max = IMG0 - 1;
	KUNIT_EXPECT_EQ(test, img_save(test, &d, &x->img, buf, IMG_STREAM),
			(ssize_t)-EINVAL);
	d.image_max = IMG_MAX;
	d.image_read = NULL;
	KUNIT_EXPECT_EQ(test, img_save(test, &d, &x->img, buf, IMG_STREAM),
			(ssize_t)-EINVAL);

	v1.ctxs = NULL;
	v1.nctx = 0;
	n = img_save(test, &x->desc, &v1, buf, IMG_STREAM);
	KUNIT_ASSERT_GT(test, n, 0L);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(((struct mvgpu_mig_header *)buf)->version),
			(u32)MVGPU_MIG_VERSION_1);
	KUNIT_EXPECT_NOT_NULL(test, img_sec(buf, n, MVGPU_MIG_SEC_CTX_IMAGE, 1));
	KUNIT_EXPECT_EQ_MSG(test, img_load(test, &x->desc, buf, n, 4096, why,
					   NULL, NULL), 0, "refused: %s", why);
	KUNIT_EXPECT_EQ(test, memcmp(x->dst[0], x->src[0], IMG0), 0);
}

/**
 * struct img_edit - a hostile edit of the stream
 * @name: what it says
 * @type: the section edited
 * @nth: which one of that type
 * @off: where, from the section's header
 * @width: bytes written: 1, 4 or 8
 * @val: what, little endian
 * @why: what the refusal must say
 */
struct img_edit {
	const char *name;
	u32 type;
	unsigned int nth;
	size_t off;
	unsigned int width;
	u64 val;
	const char *why;
};

#define SEC		sizeof(struct mvgpu_mig_section)
#define PIECE_AT(f)	(SEC + offsetof(struct mvgpu_mig_image_piece, f))
#define CONTEXT_AT(f)	(SEC + offsetof(struct mvgpu_mig_context, f))
#define CTX_AT(f)	(SEC + offsetof(struct mvgpu_mig_ctx, context.f))

static const struct img_edit img_edits[] = {
	{ "a piece of a context with no CTX section", MVGPU_MIG_SEC_CTX_IMAGE, 2,
	  PIECE_AT(id), 4, 7, "piece of context 7, which declared no image" },
	{ "a piece of a context whose image is whole", MVGPU_MIG_SEC_CTX_IMAGE, 2,
	  PIECE_AT(id), 4, 5, "piece of context 5, which declared no image" },
	{ "a piece of a context past NUM_CONTEXTS", MVGPU_MIG_SEC_CTX_IMAGE, 0,
	  PIECE_AT(id), 4, 16, "piece of context 16" },
	{ "a piece out of order", MVGPU_MIG_SEC_CTX_IMAGE, 1, PIECE_AT(offset),
	  8, 0, "context 0: an image piece at offset 0, 65536 bytes after" },
	{ "a piece leaving a gap", MVGPU_MIG_SEC_CTX_IMAGE, 3, PIECE_AT(offset),
	  8, SZ_64K + 8, "context 3: an image piece at offset 65544" },
	{ "pieces past the declared length", MVGPU_MIG_SEC_CONTEXT, 0,
	  CONTEXT_AT(len), 4, IMG0 - 8, "past the 102395 bytes it declared" },
	{ "pieces short of the declared length", MVGPU_MIG_SEC_CTX, 0,
	  CTX_AT(len), 4, IMG3 + 8,
	  "context 3: its image in pieces stops after 70000 of 70008 bytes" },
	{ "an image over the backend's largest", MVGPU_MIG_SEC_CONTEXT, 0,
	  CONTEXT_AT(len), 4, IMG_MAX + 8,
	  "context 0: an image of 262152 bytes in pieces, the test GPU's are at most 262144" },
	{ "a context's image of 4 GiB", MVGPU_MIG_SEC_CTX, 0, CTX_AT(len), 4,
	  U32_MAX, "context 3: an image of 4294967295 bytes" },
	{ "a piece longer than its section", MVGPU_MIG_SEC_CTX_IMAGE, 0,
	  PIECE_AT(len), 4, SZ_64K + 8, "an image piece of 65544 bytes in a section of" },
	{ "a piece shorter than its section", MVGPU_MIG_SEC_CTX_IMAGE, 0,
	  PIECE_AT(len), 4, SZ_64K - 8, "an image piece of 65528 bytes in a section of" },
	{ "a piece of nothing", MVGPU_MIG_SEC_CTX_IMAGE, 1, PIECE_AT(len), 4, 0,
	  "an image piece of 0 bytes" },
	{ "a section over the largest piece", MVGPU_MIG_SEC_CTX_IMAGE, 0,
	  offsetof(struct mvgpu_mig_section, len), 8,
	  sizeof(struct mvgpu_mig_image_piece) + SZ_64K + 8,
	  "section CTX_IMAGE: length" },
	{ "padding after the image not zero", MVGPU_MIG_SEC_CTX_IMAGE, 1,
	  PIECE_AT(offset) + 8 + IMG0 - SZ_64K, 1, 0xff,
	  "context 0: the padding after its image is not zero" },
	{ "unknown engine state flags", MVGPU_MIG_SEC_CONTEXT, 0,
	  CONTEXT_AT(flags), 4, 3, "context 0: engine state of 102403 bytes (flags 0x3)" },
	{ "whole bytes and pieces at once", MVGPU_MIG_SEC_CTX, 1, CTX_AT(flags),
	  4, MVGPU_MIG_CONTEXT_PIECES, "context 5: engine state of 28 bytes (flags 0x1)" },
};

static void img_edit_desc(const struct img_edit *e, char *desc)
{
	strscpy(desc, e->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(img_edit, img_edits, img_edit_desc);

/* Each hostile edit of the pieces, checksums right: refused, and why. */
static void img_refuse_test(struct kunit *test)
{
	const struct img_edit *e = test->param_value;
	struct img_fixture *x = test->priv;
	char why[MVGPU_MIG_WHY_LEN];
	u8 *at = (u8 *)img_sec(x->stream, x->len, e->type, e->nth);

	KUNIT_ASSERT_NOT_NULL(test, at);
	if (e->width == 8)
		put_unaligned_le64(e->val, at + e->off);
	else if (e->width == 4)
		put_unaligned_le32(e->val, at + e->off);
	else
		at[e->off] = e->val;
	img_resum(x->stream, x->len);
	KUNIT_EXPECT_EQ(test, img_load(test, &x->desc, x->stream, x->len, 4096,
				       why, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, e->why), "why: %s", why);
}

/*
 * A piece dropped (and END's count made to match): the image stops short
 * and the stream is refused when it is whole.  Cut anywhere, or a bit
 * flipped anywhere, the stream is refused.
 */
static void img_truncate_test(struct kunit *test)
{
	static const char short3[] =
		"context 3: its image in pieces stops after 65536 of 70000 bytes";
	struct img_fixture *x = test->priv;
	struct mvgpu_mig_section *s = img_sec(x->stream, x->len,
					      MVGPU_MIG_SEC_CTX_IMAGE, 3);
	struct mvgpu_mig_end *end;
	char why[MVGPU_MIG_WHY_LEN];
	size_t at, n, i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < x->len; i += 997)
		KUNIT_EXPECT_EQ_MSG(test, img_load(test, &x->desc, x->stream, i,
						   4096, NULL, NULL, NULL),
				    -EINVAL, "cut at %zu", i);
	for (i = 0; i < x->len * 8; i += 4099) {
		x->stream[i / 8] ^= BIT(i % 8);
		KUNIT_EXPECT_EQ_MSG(test, img_load(test, &x->desc, x->stream,
						   x->len, 4096, NULL, NULL, NULL),
				    -EINVAL, "bit %zu", i);
		x->stream[i / 8] ^= BIT(i % 8);
	}

	at = (u8 *)s - x->stream;
	n = sizeof(*s) + le64_to_cpu(s->len) + 8;
	memmove(x->stream + at, x->stream + at + n, x->len - at - n);
	x->len -= n;
	end = (void *)((u8 *)img_sec(x->stream, x->len, MVGPU_MIG_SEC_END, 0) +
		       sizeof(*s));
	le64_add_cpu(&end->sections, -1);
	img_resum(x->stream, x->len);
	KUNIT_EXPECT_EQ(test, img_load(test, &x->desc, x->stream, x->len, 4096,
				       why, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, short3), "why: %s", why);
}

static struct kunit_case img_test_cases[] = {
	KUNIT_CASE(img_roundtrip_test),
	KUNIT_CASE(img_source_test),
	KUNIT_CASE_PARAM(img_refuse_test, img_edit_gen_params),
	KUNIT_CASE(img_truncate_test),
	{}
};

static struct kunit_suite img_test_suite = {
	.name = "mvgpu_mig_image",
	.init = img_test_init,
	.test_cases = img_test_cases,
};

/* ---- The mock backend's images, from one mock vGPU to another ---- */

#define MOCK_IMG	(SZ_1M + 24)

/* Room for a stream of the mock's images (the suite runs one case). */
static u8 *mock_stream;

static int mig_image_mock_init(struct kunit *test)
{
	mock_stream = kvzalloc(3 * MOCK_IMG, GFP_KERNEL);
	return mock_stream ? mock_test_init(test) : -ENOMEM;
}

static void mig_image_mock_exit(struct kunit *test)
{
	mock_test_exit(test);
	kvfree(mock_stream);
	mock_stream = NULL;
}

/* A mock vGPU at one end of a stream. */
static void mock_desc(struct mvgpu_vgpu *v, struct mvgpu_mig_desc *d)
{
	*d = (struct mvgpu_mig_desc) {
		.type_divisor = 1, .vram_size = v->vram_size,
		.backend = mock_ops.name, .num_contexts = v->num_contexts,
		.gpt_max = (u64)mvgpu_aspace_max_tables(v->vram_size) *
			   (PAGE_SIZE / sizeof(u64)),
		.gpt_ctx_max = MVGPU_GPT_ROOT_TABLES * (PAGE_SIZE / sizeof(u64)),
		.vram = &img_vram_ops, .gpt_next = mvgpu_mig_gpt_next,
		.image_max = mock_ops.ctx_image_max,
		.image_read = mvgpu_mig_image_read,
		.image_write = mvgpu_mig_image_write, .arg = v,
	};
}

/* Freeze (or thaw) a mock vGPU, as a migration's RUNNING -> STOP does. */
static void mock_freeze(struct mvgpu_vgpu *v, bool freeze)
{
	mutex_lock(&v->lock);
	if (freeze)
		mvgpu_vgpu_freeze(v);
	else
		mvgpu_vgpu_thaw(v);
	mutex_unlock(&v->lock);
}

/* The mock contexts' images are the same, byte for byte. */
static void mock_same(struct kunit *test, struct mvgpu_ctx *a,
		      struct mvgpu_ctx *b)
{
	struct mock_ctx *ma = MCTX(a->bctx), *mb = MCTX(b->bctx);

	KUNIT_EXPECT_EQ(test, ma->head, mb->head);
	KUNIT_EXPECT_EQ(test, ma->cmds, mb->cmds);
	KUNIT_ASSERT_NOT_NULL(test, mb->blob);
	KUNIT_EXPECT_EQ(test, memcmp(ma->blob, mb->blob,
				     MOCK_IMG - MOCK_IMAGE_MIN), 0);
}

/*
 * Context 0 and context 3 of a mock vGPU, each with a 1 MiB image, move
 * through the stream to another mock vGPU: read from the backend and
 * handed to the other a page at a time (never a buffer of a whole image),
 * the same bytes at the end; a reset of a context after STOP_COPY sized
 * its image cuts the stream (-EIO) rather than mixing two images.
 */
static void mig_image_mock_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *src = x->vgpu[0], *dst = x->vgpu[1];
	struct mvgpu_mig_image img = {}, got;
	struct mvgpu_mig_load *ld = NULL;
	struct mvgpu_ctx *c[2], *d3;
	struct mvgpu_mig_desc sd, dd;
	char why[MVGPU_MIG_WHY_LEN];
	u8 *stream = mock_stream;
	unsigned int i;
	ssize_t n;
	int ret;

	x->g->image_size = MOCK_IMG;
	mock_freeze(src, true);
	mock_freeze(dst, true);
	mutex_lock(&src->lock);
	c[0] = &src->ctx;
	c[1] = mvgpu_vgpu_ctx_create_frozen(src, 3, MVGPU_CTX_PRIO_LOW);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c[1]));
	for (i = 0; i < 2; i++) {
		struct mock_ctx *m = MCTX(c[i]->bctx);

		m->head = 64 * (i + 1);
		m->cmds = 7 + i;
		KUNIT_ASSERT_NOT_NULL(test, mock_blob(m));
		get_random_bytes(m->blob, MOCK_IMG - MOCK_IMAGE_MIN);
	}
	ret = mvgpu_mig_capture_ctxs(src, &img);
	mutex_unlock(&src->lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, img.context_pieces);
	KUNIT_ASSERT_EQ(test, img.nctx, 1U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(img.ctxs[0].hdr.context.flags),
			MVGPU_MIG_CONTEXT_PIECES);

	mock_desc(src, &sd);
	mock_desc(dst, &dd);
	n = img_save(test, &sd, &img, stream, 3 * MOCK_IMG);
	KUNIT_ASSERT_GT(test, n, (ssize_t)(2 * MOCK_IMG));
	KUNIT_EXPECT_GE(test, x->g->saves, 2U * MOCK_IMG / PAGE_SIZE);
	ret = img_load(test, &dd, stream, n, 100000, why, &ld, &got);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "refused: %s", why);
	mutex_lock(&dst->lock);
	ret = mvgpu_mig_apply_ctx0(dst, ld, &got) ?:
	      mvgpu_mig_apply_ctxs(dst, ld, &got);
	mutex_unlock(&dst->lock);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "refused: %s", ld->why);
	mvgpu_mig_load_fini(ld);
	kfree(ld);
	/* A page at a time, at both ends. */
	KUNIT_EXPECT_LE(test, x->g->piece_max, (size_t)PAGE_SIZE);
	d3 = mvgpu_vgpu_ctx_get(dst, 3);
	KUNIT_ASSERT_NOT_NULL(test, d3);
	mock_same(test, &src->ctx, &dst->ctx);
	mock_same(test, c[1], d3);
	KUNIT_EXPECT_EQ(test, d3->prio, (u32)MVGPU_CTX_PRIO_LOW);

	/* Context 3 reset after its image was sized: the stream is cut. */
	mvgpu_vgpu_ctx_reset(src, 3);
	KUNIT_EXPECT_EQ(test, img_save(test, &sd, &img, stream, 3 * MOCK_IMG),
			(ssize_t)-EIO);
	mvgpu_mig_release_ctxs(&img);
	mock_freeze(src, false);
	mock_freeze(dst, false);
}

/* Apply a read stream to @dst; 0 or the refusal (its why checked). */
static int mock_apply(struct kunit *test, struct mvgpu_vgpu *dst,
		      struct mvgpu_mig_load *ld, struct mvgpu_mig_image *got)
{
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, ld);
	mutex_lock(&dst->lock);
	ret = mvgpu_mig_apply_ctx0(dst, ld, got) ?:
	      mvgpu_mig_apply_ctxs(dst, ld, got);
	mutex_unlock(&dst->lock);
	if (ret)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(ld->why, "went"),
					  "why: %s", ld->why);
	mvgpu_mig_load_fini(ld);
	kfree(ld);
	return ret;
}

/*
 * A reset while RESUMING drops the pieces a backend took: the next piece
 * is refused and never reaches the backend; so is the end of the load
 * (no ctx_restore_end) after a reset of the vGPU, of a context, or the
 * context destroyed and made anew by the load.
 */
static void mig_image_mock_reset_test(struct kunit *test)
{
	struct mock_fixture *x = test->priv;
	struct mvgpu_vgpu *src = x->vgpu[0], *dst = x->vgpu[1];
	struct mvgpu_mig_image img = {}, got;
	struct mvgpu_mig_load *ld;
	struct mvgpu_mig_desc sd, dd;
	unsigned int restores;
	struct mvgpu_ctx *c3;
	ssize_t n, at;

	x->g->image_size = MOCK_IMG;
	mock_freeze(src, true);
	mock_freeze(dst, true);
	mutex_lock(&src->lock);
	c3 = mvgpu_vgpu_ctx_create_frozen(src, 3, MVGPU_CTX_PRIO_LOW);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c3));
	KUNIT_ASSERT_EQ(test, mvgpu_mig_capture_ctxs(src, &img), 0);
	mutex_unlock(&src->lock);
	mock_desc(src, &sd);
	n = img_save(test, &sd, &img, mock_stream, 3 * MOCK_IMG);
	KUNIT_ASSERT_GT(test, n, (ssize_t)(2 * MOCK_IMG));

	/* A vGPU reset in the middle of context 0's pieces. */
	mock_desc(dst, &dd);
	ld = kzalloc(sizeof(*ld), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ld);
	KUNIT_ASSERT_EQ(test, mvgpu_mig_load_init(ld, &dd), 0);
	for (at = 0; x->g->restores < 3 && at < n; at += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, img_feed(ld, mock_stream + at, PAGE_SIZE,
					       PAGE_SIZE), 0);
	mvgpu_vgpu_reset(dst, false);
	restores = x->g->restores;
	KUNIT_EXPECT_LT(test, img_feed(ld, mock_stream + at, n - at, 100000),
			0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(ld->why, "reset"), "why: %s",
				  ld->why);
	KUNIT_EXPECT_EQ(test, x->g->restores, restores);
	mvgpu_mig_load_fini(ld);
	kfree(ld);

	/* All pieces in, then a vGPU reset: nothing staged to end. */
	KUNIT_ASSERT_EQ(test, img_load(test, &dd, mock_stream, n, 100000, NULL,
				       &ld, &got), 0);
	mvgpu_vgpu_reset(dst, false);
	KUNIT_EXPECT_EQ(test, mock_apply(test, dst, ld, &got), -EINVAL);
	KUNIT_EXPECT_EQ(test, x->g->restore_ends, 0U);

	/* A reset of context 3 alone; then context 3 destroyed. */
	KUNIT_ASSERT_EQ(test, img_load(test, &dd, mock_stream, n, 100000, NULL,
				       &ld, &got), 0);
	mvgpu_vgpu_ctx_reset(dst, 3);
	KUNIT_EXPECT_EQ(test, mock_apply(test, dst, ld, &got), -EINVAL);
	KUNIT_EXPECT_EQ(test, x->g->restore_ends, 1U);	/* context 0's */
	KUNIT_ASSERT_EQ(test, img_load(test, &dd, mock_stream, n, 100000, NULL,
				       &ld, &got), 0);
	mutex_lock(&dst->lock);
	mvgpu_vgpu_ctxs_destroy(dst);
	mutex_unlock(&dst->lock);
	KUNIT_EXPECT_EQ(test, mock_apply(test, dst, ld, &got), -EINVAL);
	KUNIT_EXPECT_EQ(test, x->g->restore_ends, 2U);
	mvgpu_mig_release_ctxs(&img);
	mock_freeze(src, false);
	mock_freeze(dst, false);
}

static struct kunit_case mig_image_mock_cases[] = {
	KUNIT_CASE(mig_image_mock_test),
	KUNIT_CASE(mig_image_mock_reset_test),
	{}
};

static struct kunit_suite mig_image_mock_suite = {
	.name = "mvgpu_mig_image_mock",
	.init = mig_image_mock_init,
	.exit = mig_image_mock_exit,
	.test_cases = mig_image_mock_cases,
};

kunit_test_suites(&img_test_suite, &mig_image_mock_suite);
