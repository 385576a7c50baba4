// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the contexts in a migration stream (version 2).  The writer makes
 * version 1 for context 0 alone and version 2 with every other context;
 * the reader takes both, and refuses each hostile edit of the new sections
 * (numbers, duplicates, order, lengths, registers, rings, priorities,
 * counters, page tables) with -EINVAL and a reason.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <asm/unaligned.h>

#include <mvgpu/ctx.h>

#include "mig_stream.h"

#define CTX_VRAM	(4ULL << 20)
#define CTX_STREAM_MAX	(64 * 1024)
#define CTX_RUNS	3

/* No VRAM is backed: the streams hold state only. */
static u64 ctx_next_backed(void *arg, u64 off)
{
	return U64_MAX;
}

static int ctx_page_read(void *arg, u64 off, void *buf)
{
	return -EIO;
}

static int ctx_page_write(void *arg, u64 off, const void *buf)
{
	return -EIO;
}

static const struct mvgpu_mig_vram_ops ctx_vram_ops = {
	.next_backed = ctx_next_backed,
	.page_read = ctx_page_read,
	.page_write = ctx_page_write,
};

/**
 * struct ctx_fixture - a vGPU with context 0 and contexts 3 and 5
 * @desc: the vGPU (source and destination alike)
 * @img: its state
 * @ctxs: contexts 3 and 5 (3 with a busy latched ring, 5 idle, no ring)
 * @gpt0: context 0's page table
 * @gpt: the other contexts' page tables
 * @state: their engine states
 * @state0: context 0's engine state
 * @stream: the version-2 stream of @img
 * @len: its bytes
 */
struct ctx_fixture {
	struct mvgpu_mig_desc desc;
	struct mvgpu_mig_image img;
	struct mvgpu_mig_ctx_image ctxs[2];
	struct mvgpu_mig_gpt_entry gpt0[1];
	struct mvgpu_mig_gpt_entry gpt[2][CTX_RUNS];
	u8 state[2][28];
	u8 state0[16];
	u8 *stream;
	size_t len;
};

/* Write a whole stream of @img into @buf: its length, or -errno. */
static ssize_t ctx_save(struct kunit *test, const struct mvgpu_mig_image *img,
			u8 *buf)
{
	struct ctx_fixture *x = test->priv;
	struct mvgpu_mig_save *sv = kunit_kzalloc(test, sizeof(*sv), GFP_KERNEL);
	struct iov_iter it;
	size_t len = 0;
	struct kvec kv;
	ssize_t n;

	if (!sv || mvgpu_mig_save_init(sv, &x->desc, img))
		return -ENOMEM;
	do {
		kv.iov_base = buf + len;
		kv.iov_len = min_t(size_t, 333, CTX_STREAM_MAX - len);
		iov_iter_kvec(&it, READ, &kv, 1, kv.iov_len);
		n = mvgpu_mig_save_read(sv, &it);
		if (n > 0)
			len += n;
	} while (n > 0 && len < CTX_STREAM_MAX);
	mvgpu_mig_save_fini(sv);
	return n < 0 ? n : len;
}

static void ctx_fill(struct ctx_fixture *x)
{
	struct mvgpu_mig_ctx *h;
	unsigned int i, j;

	x->desc = (struct mvgpu_mig_desc) {
		.type_divisor = 2, .vram_size = CTX_VRAM, .backend = "test GPU",
		.num_contexts = 16, .gpt_max = 100, .gpt_ctx_max = 10,
		.vram = &ctx_vram_ops,
	};
	x->img.regs.int_mask = cpu_to_le32(MVGPU_INT_FENCE);
	x->img.context = x->state0;
	x->img.context_len = sizeof(x->state0);
	x->gpt0[0] = (struct mvgpu_mig_gpt_entry) {
		.size = cpu_to_le64(CTX_VRAM),
		.flags = cpu_to_le32(MVGPU_MAP_READ | MVGPU_MAP_WRITE),
	};
	x->img.gpt = x->gpt0;
	x->img.gpt_count = 1;
	x->img.has_ctx0 = true;
	x->img.ctx0 = (struct mvgpu_mig_ctx0) {
		.seqno = cpu_to_le64(12), .engine_ns = cpu_to_le64(3456),
		.prio = cpu_to_le32(MVGPU_CTX_PRIO_HIGH),
	};
	for (i = 0; i < 2; i++) {
		for (j = 0; j < sizeof(x->state[i]); j++)
			x->state[i][j] = 0x40 * i + j;
		for (j = 0; j < CTX_RUNS; j++)
			x->gpt[i][j] = (struct mvgpu_mig_gpt_entry) {
				.va = cpu_to_le64(j * SZ_64K),
				.target = cpu_to_le64(SZ_1M * (i + 1) + j * SZ_4K),
				.size = cpu_to_le64(SZ_4K),
				.flags = cpu_to_le32(MVGPU_MAP_READ),
			};
		h = &x->ctxs[i].hdr;
		h->id = cpu_to_le32(i ? 5 : 3);
		h->prio = cpu_to_le32(i ? MVGPU_CTX_PRIO_LOW : MVGPU_CTX_PRIO_MAX);
		h->int_mask = cpu_to_le32(MVGPU_INT_FENCE | MVGPU_INT_ERROR);
		h->context.len = cpu_to_le32(sizeof(x->state[i]));
		x->ctxs[i].state = x->state[i];
		x->ctxs[i].gpt = x->gpt[i];
		x->ctxs[i].gpt_count = CTX_RUNS;
	}
	/* Context 3 was in the middle of its work, its ring latched. */
	h = &x->ctxs[0].hdr;
	h->ring_base = cpu_to_le64(SZ_64K);
	h->ring_size = cpu_to_le32(SZ_4K);
	h->ring_latched = cpu_to_le32(1);
	h->doorbell = cpu_to_le32(128);
	h->ring_head = cpu_to_le32(64);
	h->status = cpu_to_le32(MVGPU_ENGINE_BUSY);
	h->ring.tail = cpu_to_le32(128);
	h->ring.head = cpu_to_le32(64);
	h->ring.cmds_done = cpu_to_le64(5);
	h->ring.busy = cpu_to_le32(1);
	h->seqno = cpu_to_le64(9);
	h->engine_ns = cpu_to_le64(777);
	x->img.ctxs = x->ctxs;
	x->img.nctx = 2;
}

static int ctx_test_init(struct kunit *test)
{
	struct ctx_fixture *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	ssize_t n;

	if (!x)
		return -ENOMEM;
	test->priv = x;
	ctx_fill(x);
	x->stream = kunit_kzalloc(test, CTX_STREAM_MAX, GFP_KERNEL);
	if (!x->stream)
		return -ENOMEM;
	n = ctx_save(test, &x->img, x->stream);
	if (n < 0)
		return n;
	x->len = n;
	return 0;
}

/*
 * Read @len bytes of @buf back, in pieces of 1000: 0 if taken (then
 * @check, if any, looks at what was read before the reader goes), else
 * the error, and @why says why.
 */
static int ctx_load(struct kunit *test, const u8 *buf, size_t len, char *why,
		    void (*check)(struct kunit *test,
				  const struct mvgpu_mig_image *img))
{
	struct ctx_fixture *x = test->priv;
	struct mvgpu_mig_load *ld = kzalloc(sizeof(*ld), GFP_KERNEL);
	struct mvgpu_mig_image img;
	size_t off = 0;
	int ret;

	if (!ld)
		return -ENOMEM;
	ret = mvgpu_mig_load_init(ld, &x->desc);
	while (!ret && off < len) {
		struct kvec kv = {
			.iov_base = (void *)buf + off,
			.iov_len = min_t(size_t, 1000, len - off),
		};
		struct iov_iter it;
		ssize_t n;

		iov_iter_kvec(&it, WRITE, &kv, 1, kv.iov_len);
		n = mvgpu_mig_load_write(ld, &it);
		if (n < 0)
			ret = n;
		else
			off += n;
	}
	if (!ret)
		ret = mvgpu_mig_load_finish(ld, &img);
	if (!ret && check)
		check(test, &img);
	if (why)
		strscpy(why, ld->why, MVGPU_MIG_WHY_LEN);
	mvgpu_mig_load_fini(ld);
	kfree(ld);
	return ret;
}

/* The @n-th section of @type in a stream, or NULL. */
static struct mvgpu_mig_section *ctx_sec(u8 *buf, size_t len, u32 type,
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
static void ctx_resum(u8 *buf, size_t len)
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

/* The types of a stream's sections, in order: how many (up to @max). */
static unsigned int ctx_types(const u8 *buf, size_t len, u32 *types,
			      unsigned int max)
{
	size_t off = sizeof(struct mvgpu_mig_header);
	unsigned int n = 0;

	while (off + sizeof(struct mvgpu_mig_section) <= len && n < max) {
		const struct mvgpu_mig_section *s = (const void *)(buf + off);

		types[n++] = le32_to_cpu(s->type);
		off += sizeof(*s) + le64_to_cpu(s->len) + 8;
	}
	return n;
}

/* What the version-2 stream read back holds: what was written. */
static void ctx_check_v2(struct kunit *test, const struct mvgpu_mig_image *img)
{
	struct ctx_fixture *x = test->priv;
	const struct mvgpu_mig_ctx_image *c = img->ctxs;
	unsigned int i;

	KUNIT_EXPECT_TRUE(test, img->has_ctx0);
	KUNIT_EXPECT_EQ(test, memcmp(&img->ctx0, &x->img.ctx0, sizeof(img->ctx0)), 0);
	KUNIT_ASSERT_EQ(test, img->nctx, 2U);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, memcmp(&c[i].hdr, &x->ctxs[i].hdr,
					     sizeof(c[i].hdr)), 0);
		KUNIT_EXPECT_EQ(test, memcmp(c[i].state, x->state[i],
					     sizeof(x->state[i])), 0);
		KUNIT_ASSERT_EQ(test, c[i].gpt_count, (u64)CTX_RUNS);
		KUNIT_EXPECT_EQ(test, memcmp(c[i].gpt, x->gpt[i],
					     sizeof(x->gpt[i])), 0);
	}
}

static void ctx_check_v1(struct kunit *test, const struct mvgpu_mig_image *img)
{
	KUNIT_EXPECT_EQ(test, img->nctx, 0U);
	KUNIT_EXPECT_NULL(test, img->ctxs);
}

/*
 * Version 1 for context 0 alone (CTX0 optional, every other section one a
 * reader of version 1 knows), version 2 with the contexts, in the order
 * the uapi gives; read back, every field and run as written.
 */
static void mig_version_test(struct kunit *test)
{
	static const u32 order[] = {
		MVGPU_MIG_SEC_CONFIG, MVGPU_MIG_SEC_REGS, MVGPU_MIG_SEC_IRQ,
		MVGPU_MIG_SEC_RING, MVGPU_MIG_SEC_CONTEXT, MVGPU_MIG_SEC_CTX0,
		MVGPU_MIG_SEC_CTX, MVGPU_MIG_SEC_CTX, MVGPU_MIG_SEC_GPT,
		MVGPU_MIG_SEC_CTX_GPT, MVGPU_MIG_SEC_CTX_GPT, MVGPU_MIG_SEC_END,
	};
	struct ctx_fixture *x = test->priv;
	struct mvgpu_mig_header *h = (void *)x->stream;
	struct mvgpu_mig_image v1 = x->img;
	char why[MVGPU_MIG_WHY_LEN];
	struct mvgpu_mig_section *s;
	u32 types[16];
	unsigned int i;
	u8 *buf;
	ssize_t n;

	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->version), (u32)MVGPU_MIG_VERSION);
	KUNIT_ASSERT_EQ(test, ctx_types(x->stream, x->len, types, 16),
			(unsigned int)ARRAY_SIZE(order));
	for (i = 0; i < ARRAY_SIZE(order); i++)
		KUNIT_EXPECT_EQ_MSG(test, types[i], order[i], "section %u", i);
	KUNIT_EXPECT_EQ_MSG(test, ctx_load(test, x->stream, x->len, why,
					   ctx_check_v2), 0, "refused: %s", why);

	/* Context 0 alone: version 1, read back as context 0 alone. */
	buf = kunit_kzalloc(test, CTX_STREAM_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	v1.ctxs = NULL;
	v1.nctx = 0;
	n = ctx_save(test, &v1, buf);
	KUNIT_ASSERT_GT(test, n, 0L);
	h = (void *)buf;
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->version), (u32)MVGPU_MIG_VERSION_1);
	for (i = 0; (s = ctx_sec(buf, n, MVGPU_MIG_SEC_CTX0, i)); i++)
		KUNIT_EXPECT_EQ(test, le32_to_cpu(s->flags), MVGPU_MIG_SEC_OPTIONAL);
	KUNIT_EXPECT_EQ(test, i, 1U);
	/* What a reader of version 1 does not know is optional. */
	for (i = 0; i < ctx_types(buf, n, types, 16); i++)
		KUNIT_EXPECT_TRUE(test, types[i] <= MVGPU_MIG_SEC_END ||
				  types[i] == MVGPU_MIG_SEC_CTX0);
	KUNIT_EXPECT_EQ_MSG(test, ctx_load(test, buf, n, why, ctx_check_v1), 0,
			    "refused: %s", why);

	/* Without CTX0 (a source before version 2): context 0 all the same. */
	v1.has_ctx0 = false;
	n = ctx_save(test, &v1, buf);
	KUNIT_ASSERT_GT(test, n, 0L);
	KUNIT_EXPECT_NULL(test, ctx_sec(buf, n, MVGPU_MIG_SEC_CTX0, 0));
	KUNIT_EXPECT_EQ_MSG(test, ctx_load(test, buf, n, why, ctx_check_v1), 0,
			    "refused: %s", why);

	/* Version 2 claimed with no context but 0. */
	h->version = cpu_to_le32(MVGPU_MIG_VERSION);
	ctx_resum(buf, n);
	KUNIT_EXPECT_EQ(test, ctx_load(test, buf, n, why, NULL), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "no context but 0"));
}

/**
 * struct ctx_edit - a hostile edit of the version-2 stream
 * @name: what it says
 * @type: the section edited (0: the header)
 * @nth: which one of that type
 * @off: where, from the section's header (or the stream's start)
 * @width: bytes written: 4 or 8
 * @val: what, little endian
 * @why: what the refusal must say
 */
struct ctx_edit {
	const char *name;
	u32 type;
	unsigned int nth;
	size_t off;
	unsigned int width;
	u64 val;
	const char *why;
};

#define SEC		sizeof(struct mvgpu_mig_section)
#define CTX_AT(f)	(SEC + offsetof(struct mvgpu_mig_ctx, f))

static const struct ctx_edit ctx_edits[] = {
	{ "version 1 with contexts", 0, 0,
	  offsetof(struct mvgpu_mig_header, version), 4, 1,
	  "section CTX in a version 1 stream" },
	{ "context 0 in a CTX section", MVGPU_MIG_SEC_CTX, 0, CTX_AT(id), 4, 0,
	  "section CTX of context 0" },
	{ "a context past NUM_CONTEXTS", MVGPU_MIG_SEC_CTX, 1, CTX_AT(id), 4, 16,
	  "section CTX of context 16" },
	{ "context 2^32 - 1", MVGPU_MIG_SEC_CTX, 1, CTX_AT(id), 4, U32_MAX,
	  "of context 4294967295" },
	{ "a context twice", MVGPU_MIG_SEC_CTX, 1, CTX_AT(id), 4, 3,
	  "a second CTX section of context 3" },
	{ "a page table twice", MVGPU_MIG_SEC_CTX_GPT, 1, SEC, 4, 3,
	  "a second CTX_GPT section of context 3" },
	{ "a page table of no context", MVGPU_MIG_SEC_CTX_GPT, 1, SEC, 4, 7,
	  "CTX_GPT section of context 7 before its CTX section" },
	{ "a page table of context 0", MVGPU_MIG_SEC_CTX_GPT, 0, SEC, 4, 0,
	  "section CTX_GPT of context 0" },
	{ "a context without its page table", MVGPU_MIG_SEC_CTX_GPT, 1, 0, 8,
	  (u64)MVGPU_MIG_SEC_OPTIONAL << 32 | 42,
	  "context 5 has no CTX_GPT section" },
	{ "CTX_GPT pad", MVGPU_MIG_SEC_CTX_GPT, 0, SEC + 4, 4, 1,
	  "CTX_GPT header pad" },
	{ "a CTX section shorter than its header", MVGPU_MIG_SEC_CTX, 0,
	  offsetof(struct mvgpu_mig_section, len), 8,
	  sizeof(struct mvgpu_mig_ctx) - 8, "section CTX: length" },
	{ "a CTX_GPT section of part of a run", MVGPU_MIG_SEC_CTX_GPT, 0,
	  offsetof(struct mvgpu_mig_section, len), 8,
	  sizeof(struct mvgpu_mig_ctx_gpt) + 2 * sizeof(struct mvgpu_mig_gpt_entry) - 8,
	  "section CTX_GPT: length" },
	{ "a CTX_GPT section over the page-table budget", MVGPU_MIG_SEC_CTX_GPT, 0,
	  offsetof(struct mvgpu_mig_section, len), 8,
	  sizeof(struct mvgpu_mig_ctx_gpt) + 200 * sizeof(struct mvgpu_mig_gpt_entry),
	  "section CTX_GPT: length" },
	{ "priority 8", MVGPU_MIG_SEC_CTX, 0, CTX_AT(prio), 4, 8, "PRIORITY 8" },
	{ "context 0's priority 9", MVGPU_MIG_SEC_CTX0, 0,
	  SEC + offsetof(struct mvgpu_mig_ctx0, prio), 4, 9,
	  "context 0: priority 9" },
	{ "context 0's SEQNO below CMDS_DONE", MVGPU_MIG_SEC_RING, 0,
	  SEC + offsetof(struct mvgpu_mig_ring, cmds_done), 8, 13,
	  "context 0: SEQNO 12" },
	{ "a window's INT_STATUS with SELFTEST", MVGPU_MIG_SEC_CTX, 0,
	  CTX_AT(int_status), 4, MVGPU_INT_SELFTEST, "registers hold values" },
	{ "a window's INT_MASK with CONTEXT", MVGPU_MIG_SEC_CTX, 1,
	  CTX_AT(int_mask), 4, MVGPU_INT_CONTEXT, "registers hold values" },
	{ "ERROR_CODE 13", MVGPU_MIG_SEC_CTX, 0, CTX_AT(error_code), 4, 13,
	  "registers hold values" },
	{ "STATUS FREE", MVGPU_MIG_SEC_CTX, 1, CTX_AT(status), 4, MVGPU_CTX_FREE,
	  "registers hold values" },
	{ "CTX pad", MVGPU_MIG_SEC_CTX, 1, CTX_AT(pad), 4, 1,
	  "registers hold values" },
	{ "ring_latched 2", MVGPU_MIG_SEC_CTX, 0, CTX_AT(ring_latched), 4, 2,
	  "registers hold values" },
	{ "RING_SIZE not a power of two", MVGPU_MIG_SEC_CTX, 0, CTX_AT(ring_size),
	  4, 3000, "context 3: ring state" },
	{ "RING_BASE past the VA space", MVGPU_MIG_SEC_CTX, 0, CTX_AT(ring_base),
	  8, 1ULL << 40, "context 3: ring state" },
	{ "RING_HEAD not a command", MVGPU_MIG_SEC_CTX, 0, CTX_AT(ring_head), 4, 72,
	  "context 3: ring state" },
	{ "ring tail past the ring", MVGPU_MIG_SEC_CTX, 0, CTX_AT(ring.tail), 4,
	  SZ_4K, "context 3: ring state" },
	{ "a ring busy without a ring", MVGPU_MIG_SEC_CTX, 1, CTX_AT(ring.busy), 4, 1,
	  "context 5: ring state" },
	{ "stopped, STATUS not STOPPED", MVGPU_MIG_SEC_CTX, 0, CTX_AT(ring.stopped),
	  4, 1, "context 3: ring state" },
	{ "RING_HEAD without a ring", MVGPU_MIG_SEC_CTX, 1, CTX_AT(ring_head), 4, 64,
	  "context 5: ring state" },
	{ "SEQNO below its commands done", MVGPU_MIG_SEC_CTX, 0, CTX_AT(seqno), 8, 4,
	  "context 3: SEQNO 4" },
	{ "ENGINE_NS of centuries", MVGPU_MIG_SEC_CTX, 1, CTX_AT(engine_ns), 8,
	  MVGPU_MIG_COUNT_MAX, "context 5: SEQNO 0 and ENGINE_NS" },
	{ "an engine state longer than its section", MVGPU_MIG_SEC_CTX, 0,
	  CTX_AT(context.len), 4, 36, "context 3: engine state of 36 bytes" },
	{ "an engine state over the maximum", MVGPU_MIG_SEC_CTX, 1,
	  CTX_AT(context.len), 4, MVGPU_MIG_CONTEXT_MAX + 8,
	  "context 5: engine state" },
	{ "a context's run past its vGPU's VRAM", MVGPU_MIG_SEC_CTX_GPT, 1,
	  SEC + sizeof(struct mvgpu_mig_ctx_gpt) +
	  offsetof(struct mvgpu_mig_gpt_entry, target), 8, CTX_VRAM,
	  "context 5: page-table run 0 maps VRAM" },
	{ "a context's run with no access", MVGPU_MIG_SEC_CTX_GPT, 0,
	  SEC + sizeof(struct mvgpu_mig_ctx_gpt) + sizeof(struct mvgpu_mig_gpt_entry) +
	  offsetof(struct mvgpu_mig_gpt_entry, flags), 4, 0,
	  "context 3: page-table run 1" },
};

static void ctx_edit_desc(const struct ctx_edit *e, char *desc)
{
	strscpy(desc, e->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mig_ctx_edit, ctx_edits, ctx_edit_desc);

/* Each hostile edit of the new sections, checksums right: refused. */
static void mig_ctx_refuse_test(struct kunit *test)
{
	const struct ctx_edit *e = test->param_value;
	struct ctx_fixture *x = test->priv;
	char why[MVGPU_MIG_WHY_LEN];
	u8 *at = x->stream;

	if (e->type) {
		at = (u8 *)ctx_sec(x->stream, x->len, e->type, e->nth);
		KUNIT_ASSERT_NOT_NULL(test, at);
	}
	if (e->width == 8)
		put_unaligned_le64(e->val, at + e->off);
	else
		put_unaligned_le32(e->val, at + e->off);
	ctx_resum(x->stream, x->len);
	KUNIT_EXPECT_EQ(test, ctx_load(test, x->stream, x->len, why, NULL),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, e->why), "why: %s", why);
}

/* Cut anywhere, or a bit flipped, a version-2 stream is refused. */
static void mig_ctx_cut_test(struct kunit *test)
{
	struct ctx_fixture *x = test->priv;
	size_t i;

	for (i = 0; i < x->len; i += 7)
		KUNIT_EXPECT_EQ_MSG(test, ctx_load(test, x->stream, i, NULL,
						   NULL), -EINVAL, "cut at %zu", i);
	for (i = 0; i < x->len * 8; i += 13) {
		x->stream[i / 8] ^= BIT(i % 8);
		KUNIT_EXPECT_EQ_MSG(test, ctx_load(test, x->stream, x->len, NULL,
						   NULL), -EINVAL, "bit %zu", i);
		x->stream[i / 8] ^= BIT(i % 8);
	}
}

static struct kunit_case mig_ctx_test_cases[] = {
	KUNIT_CASE(mig_version_test),
	KUNIT_CASE_PARAM(mig_ctx_refuse_test, mig_ctx_edit_gen_params),
	KUNIT_CASE(mig_ctx_cut_test),
	{}
};

static struct kunit_suite mig_ctx_test_suite = {
	.name = "mvgpu_mig_ctx",
	.init = ctx_test_init,
	.test_cases = mig_ctx_test_cases,
};

kunit_test_suite(mig_ctx_test_suite);
