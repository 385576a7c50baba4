// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the migration stream, written and read back over a fake VRAM,
 * and read as hostile input: cut anywhere, any bit flipped, sections
 * out of bounds, another type.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include <mvgpu/ctx.h>

#include "mig_stream.h"

#define FAKE_VRAM	(8ULL << 20)
#define FAKE_PAGES	(FAKE_VRAM / PAGE_SIZE)
#define STREAM_MAX	(64 * 1024)

/*
 * A VRAM of host pages, backed where the test says; and a page table the
 * stream may read as it goes (&mvgpu_mig_desc.gpt_next).
 */
struct fake_vram {
	u8 *page[FAKE_PAGES];
	unsigned long writes;
	const struct mvgpu_mig_gpt_entry *gpt;
	u64 gpt_n;
	unsigned int gpt_calls;
};

static int fake_gpt_next(void *arg, u32 ctx, u64 *cursor,
			 struct mvgpu_mig_gpt_entry *e, unsigned int max)
{
	struct fake_vram *v = arg;
	unsigned int n = 0;
	u64 i;

	v->gpt_calls++;
	if (ctx)	/* the fake has context 0 only */
		return 0;
	for (i = 0; i < v->gpt_n && n < max; i++)
		if (le64_to_cpu(v->gpt[i].va) >= *cursor)
			e[n++] = v->gpt[i];
	if (n)
		*cursor = le64_to_cpu(e[n - 1].va) + le64_to_cpu(e[n - 1].size);
	return n;
}

static u64 fake_next_backed(void *arg, u64 off)
{
	struct fake_vram *v = arg;
	u64 i;

	for (i = off / PAGE_SIZE; i < FAKE_PAGES; i++)
		if (v->page[i])
			return i * PAGE_SIZE;
	return U64_MAX;
}

static int fake_page_read(void *arg, u64 off, void *buf)
{
	struct fake_vram *v = arg;

	if (v->page[off / PAGE_SIZE])
		memcpy(buf, v->page[off / PAGE_SIZE], PAGE_SIZE);
	else
		memset(buf, 0, PAGE_SIZE);
	return 0;
}

static int fake_page_write(void *arg, u64 off, const void *buf)
{
	struct fake_vram *v = arg;

	if (off >= FAKE_VRAM || off % PAGE_SIZE)
		return -EINVAL;
	if (!v->page[off / PAGE_SIZE])
		v->page[off / PAGE_SIZE] = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!v->page[off / PAGE_SIZE])
		return -ENOMEM;
	memcpy(v->page[off / PAGE_SIZE], buf, PAGE_SIZE);
	v->writes++;
	return 0;
}

static const struct mvgpu_mig_vram_ops fake_ops = {
	.next_backed = fake_next_backed,
	.page_read = fake_page_read,
	.page_write = fake_page_write,
};

/* Pages backed in the source: across three windows, at their edges. */
static const u64 backed[] = { 0, 1, 511, 512, 1500, 2047 };

struct fixture {
	struct fake_vram src, dst;
	struct mvgpu_mig_desc sd, dd;
	struct mvgpu_mig_image img;
	struct mvgpu_mig_gpt_entry gpt[2];
	u8 context[20];
	u8 *stream;
	size_t len;
};

static void fake_free(struct fake_vram *v)
{
	u64 i;

	for (i = 0; i < FAKE_PAGES; i++) {
		kfree(v->page[i]);
		v->page[i] = NULL;
	}
}

static int mig_test_init(struct kunit *test)
{
	struct fixture *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct mvgpu_mig_save *sv;
	struct iov_iter it;
	struct kvec kv;
	unsigned int i, j;
	ssize_t n;
	int ret;

	if (!x)
		return -ENOMEM;
	test->priv = x;
	for (i = 0; i < ARRAY_SIZE(backed); i++) {
		x->src.page[backed[i]] = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!x->src.page[backed[i]])
			return -ENOMEM;
		for (j = 0; j < PAGE_SIZE; j++)
			x->src.page[backed[i]][j] = i * 31 + j * 7;
	}
	x->sd = (struct mvgpu_mig_desc) {
		.type_divisor = 4, .vram_size = FAKE_VRAM, .backend = "test GPU",
		.num_contexts = 16, .gpt_max = 100, .gpt_ctx_max = 10,
		.vram = &fake_ops, .arg = &x->src,
	};
	x->dd = x->sd;
	x->dd.arg = &x->dst;
	for (i = 0; i < sizeof(x->img.config); i++)
		x->img.config[i] = i;
	x->img.regs.int_mask = cpu_to_le32(MVGPU_INT_FENCE);
	x->img.regs.scratch = cpu_to_le32(0xfeed);
	for (i = 0; i < sizeof(x->context); i++)
		x->context[i] = 0xc0 + i;
	x->img.context = x->context;
	x->img.context_len = sizeof(x->context);
	x->gpt[0] = (struct mvgpu_mig_gpt_entry) {
		.size = cpu_to_le64(FAKE_VRAM),
		.flags = cpu_to_le32(MVGPU_MAP_READ | MVGPU_MAP_WRITE),
	};
	x->gpt[1] = (struct mvgpu_mig_gpt_entry) {
		.va = cpu_to_le64(1ULL << 36), .target = cpu_to_le64(1ULL << 32),
		.size = cpu_to_le64(SZ_64K),
		.flags = cpu_to_le32(MVGPU_MAP_READ | MVGPU_MAP_SYSMEM),
	};
	x->img.gpt = x->gpt;
	x->img.gpt_count = 2;

	x->stream = kunit_kzalloc(test, STREAM_MAX, GFP_KERNEL);
	sv = kunit_kzalloc(test, sizeof(*sv), GFP_KERNEL);
	if (!x->stream || !sv)
		return -ENOMEM;
	ret = mvgpu_mig_save_init(sv, &x->sd, &x->img);
	if (ret)
		return ret;
	/* Read in odd pieces, as a VMM might. */
	do {
		kv.iov_base = x->stream + x->len;
		kv.iov_len = min_t(size_t, 1000 + x->len % 3000, STREAM_MAX - x->len);
		iov_iter_kvec(&it, READ, &kv, 1, kv.iov_len);
		n = mvgpu_mig_save_read(sv, &it);
		if (n > 0)
			x->len += n;
	} while (n > 0 && x->len < STREAM_MAX);
	mvgpu_mig_save_fini(sv);
	return n < 0 ? n : 0;
}

static void mig_test_exit(struct kunit *test)
{
	struct fixture *x = test->priv;

	fake_free(&x->src);
	fake_free(&x->dst);
}

/* Feed @len bytes of @buf in pieces of @chunk; the first error. */
static ssize_t feed(struct mvgpu_mig_load *ld, const u8 *buf, size_t len,
		    size_t chunk)
{
	size_t off = 0;

	while (off < len) {
		struct kvec kv = {
			.iov_base = (void *)buf + off,
			.iov_len = min(chunk, len - off),
		};
		struct iov_iter it;
		ssize_t n;

		iov_iter_kvec(&it, WRITE, &kv, 1, kv.iov_len);
		n = mvgpu_mig_load_write(ld, &it);
		if (n < 0)
			return n;
		off += n;
	}
	return 0;
}

/* Read a stream back: 0 if taken, else the error. */
static int load(struct kunit *test, const u8 *buf, size_t len, size_t chunk,
		struct mvgpu_mig_image *img, char *why)
{
	struct fixture *x = test->priv;
	struct mvgpu_mig_load *ld = kzalloc(sizeof(*ld), GFP_KERNEL);
	int ret;

	if (!ld)
		return -ENOMEM;
	ret = mvgpu_mig_load_init(ld, &x->dd);
	if (!ret)
		ret = feed(ld, buf, len, chunk);
	if (!ret)
		ret = mvgpu_mig_load_finish(ld, img);
	if (why)
		strscpy(why, ld->why, MVGPU_MIG_WHY_LEN);
	mvgpu_mig_load_fini(ld);
	kfree(ld);
	return ret;
}

static void mig_sum_test(struct kunit *test)
{
	struct mvgpu_mig_sum s;
	u8 b[64];
	int i;

	for (i = 0; i < 64; i++)
		b[i] = i;
	/* The values user space computes (tools/mvgpu/libmvgpu_mig.c). */
	mvgpu_mig_sum_init(&s, 0);
	mvgpu_mig_sum_update(&s, b, 64);
	KUNIT_EXPECT_EQ(test, mvgpu_mig_sum_final(&s), 0x94d48d93dc9706adULL);
	mvgpu_mig_sum_init(&s, 0x1234);
	mvgpu_mig_sum_update(&s, b, 8);
	mvgpu_mig_sum_update(&s, b + 8, 24);	/* lanes across calls */
	mvgpu_mig_sum_update(&s, b + 32, 8);
	KUNIT_EXPECT_EQ(test, mvgpu_mig_sum_final(&s), 0x98dd4ec74afd316fULL);
	mvgpu_mig_sum_init(&s, 7);
	KUNIT_EXPECT_EQ(test, mvgpu_mig_sum_final(&s), 0xe4726f4b7642caf6ULL);
}

/* What is written is read back, VRAM page for page. */
static void mig_roundtrip_test(struct kunit *test)
{
	struct fixture *x = test->priv;
	struct mvgpu_mig_image img;
	char why[MVGPU_MIG_WHY_LEN];
	unsigned int i;

	KUNIT_ASSERT_LT(test, x->len, (size_t)STREAM_MAX);
	KUNIT_ASSERT_EQ_MSG(test, load(test, x->stream, x->len, 777, &img, why),
			    0, "refused: %s", why);
	KUNIT_EXPECT_EQ(test, x->dst.writes, (unsigned long)ARRAY_SIZE(backed));
	for (i = 0; i < ARRAY_SIZE(backed); i++) {
		KUNIT_ASSERT_NOT_NULL(test, x->dst.page[backed[i]]);
		KUNIT_EXPECT_EQ(test, memcmp(x->dst.page[backed[i]],
					     x->src.page[backed[i]], PAGE_SIZE), 0);
	}
	/* Sparse: the stream holds the backed pages and little else. */
	KUNIT_EXPECT_LT(test, x->len, ARRAY_SIZE(backed) * PAGE_SIZE + 2048);
}

/* Cut anywhere, the stream is refused. */
static void mig_truncate_test(struct kunit *test)
{
	struct fixture *x = test->priv;
	struct mvgpu_mig_image img;
	size_t cut;

	for (cut = 0; cut < x->len; cut += cut < 2048 ? 1 : 61) {
		fake_free(&x->dst);
		KUNIT_EXPECT_EQ_MSG(test, load(test, x->stream, cut, 4096, &img, NULL),
				    -EINVAL, "cut at %zu", cut);
	}
}

/* Any one bit flipped, the stream is refused. */
static void mig_flip_test(struct kunit *test)
{
	struct fixture *x = test->priv;
	struct mvgpu_mig_image img;
	size_t bit;

	for (bit = 0; bit < x->len * 8; bit += bit < 512 * 8 ? 1 : 509) {
		x->stream[bit / 8] ^= BIT(bit % 8);
		fake_free(&x->dst);
		KUNIT_EXPECT_EQ_MSG(test, load(test, x->stream, x->len, 4096, &img, NULL),
				    -EINVAL, "bit %zu", bit);
		x->stream[bit / 8] ^= BIT(bit % 8);
	}
}

/* The destination is not of the source's type: refused, and said why. */
static void mig_type_test(struct kunit *test)
{
	struct fixture *x = test->priv;
	struct mvgpu_mig_image img;
	char why[MVGPU_MIG_WHY_LEN];
	struct mvgpu_mig_header *h = (void *)x->stream;
	struct mvgpu_mig_sum s;

	x->dd.type_divisor = 8;
	KUNIT_EXPECT_EQ(test, load(test, x->stream, x->len, 4096, &img, why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "type mvgpu-1_4, this one is mvgpu-1_8"));
	KUNIT_EXPECT_EQ(test, x->dst.writes, 0UL);
	x->dd.type_divisor = 4;
	x->dd.backend = "other GPU";
	KUNIT_EXPECT_EQ(test, load(test, x->stream, x->len, 4096, &img, why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "backend 'test GPU'"));
	/* The stream's name is escaped: it cannot forge a log line. */
	x->dd.backend = "test GPU";
	memcpy(h->backend, "a\nb", 3);
	mvgpu_mig_sum_init(&s, 0);
	mvgpu_mig_sum_update(&s, h, offsetof(struct mvgpu_mig_header, sum));
	h->sum = cpu_to_le64(mvgpu_mig_sum_final(&s));
	KUNIT_EXPECT_EQ(test, load(test, x->stream, x->len, 4096, &img, why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "backend 'a\\nbt GPU'"));
	KUNIT_EXPECT_NULL(test, strchr(why, '\n'));
}

/* A page table larger than the budget is refused at its section header. */
static void mig_bounds_test(struct kunit *test)
{
	struct fixture *x = test->priv;
	struct mvgpu_mig_image img;
	char why[MVGPU_MIG_WHY_LEN];

	x->dd.gpt_max = 1;
	KUNIT_EXPECT_EQ(test, load(test, x->stream, x->len, 4096, &img, why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "GPT: length 64 is out of bounds"));
}

/* The ring rules of MVGPU_REG_DOORBELL. */
static void mig_ring_test(struct kunit *test)
{
	struct mvgpu_ctx_ring r = {};

	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), 0);
	r.head = 64;
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), -EINVAL);
	r = (struct mvgpu_ctx_ring) { .ring_base = 4096, .ring_size = 4096,
				      .tail = 128, .head = 64, .busy = true };
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), 0);
	r.tail = 4096;
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), -EINVAL);
	r.tail = 96;
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), -EINVAL);
	r.tail = 128;
	r.ring_size = 3000;
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), -EINVAL);
	r.ring_size = 4096;
	r.ring_base = 1ULL << 40;
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), -EINVAL);
	/* A count that would wrap the vGPU's total at the next reset. */
	r.ring_base = 4096;
	r.cmds_done = (1ULL << 48) - 1;
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), 0);
	r.cmds_done = U64_MAX;
	KUNIT_EXPECT_EQ(test, mvgpu_ctx_ring_check(&r), -EINVAL);
}

#define MANY_RUNS	300

/* Write a whole stream of @desc and @img into @buf: its length, or -errno. */
static ssize_t save_all(struct kunit *test, const struct mvgpu_mig_desc *desc,
			const struct mvgpu_mig_image *img, u8 *buf, size_t max)
{
	struct mvgpu_mig_save *sv = kunit_kzalloc(test, sizeof(*sv), GFP_KERNEL);
	size_t len = 0;
	struct iov_iter it;
	struct kvec kv;
	ssize_t n;

	if (!sv || mvgpu_mig_save_init(sv, desc, img))
		return -ENOMEM;
	do {
		kv.iov_base = buf + len;
		kv.iov_len = min_t(size_t, 777, max - len);
		iov_iter_kvec(&it, READ, &kv, 1, kv.iov_len);
		n = mvgpu_mig_save_read(sv, &it);
		if (n > 0)
			len += n;
	} while (n > 0 && len < max);
	/* An error is the stream's end: it stays. */
	if (n < 0) {
		iov_iter_kvec(&it, READ, &kv, 1, kv.iov_len);
		KUNIT_EXPECT_EQ(test, mvgpu_mig_save_read(sv, &it), n);
	}
	mvgpu_mig_save_fini(sv);
	return n < 0 ? n : len;
}

/*
 * The page table streamed as it is read, a page of runs at a time, makes
 * the same bytes as one held whole; a table that lost or gained a run
 * since the stream began ends it with -EIO (no stream with a page table
 * that is not the one counted).
 */
static void mig_gpt_stream_test(struct kunit *test)
{
	struct fixture *x = test->priv;
	struct mvgpu_mig_gpt_entry *gpt;
	struct mvgpu_mig_image img = x->img;
	struct mvgpu_mig_desc d = x->sd;
	u8 *a, *b;
	ssize_t la, lb;
	unsigned int i;

	gpt = kunit_kcalloc(test, MANY_RUNS, sizeof(*gpt), GFP_KERNEL);
	a = kunit_kzalloc(test, 2 * STREAM_MAX, GFP_KERNEL);
	b = kunit_kzalloc(test, 2 * STREAM_MAX, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, gpt && a && b);
	for (i = 0; i < MANY_RUNS; i++)
		gpt[i] = (struct mvgpu_mig_gpt_entry) {
			.va = cpu_to_le64(SZ_1G + i * 2ULL * SZ_4K),
			.target = cpu_to_le64(i * SZ_4K), .size = cpu_to_le64(SZ_4K),
			.flags = cpu_to_le32(MVGPU_MAP_READ),
		};
	img.gpt = gpt;
	img.gpt_count = MANY_RUNS;
	la = save_all(test, &d, &img, a, 2 * STREAM_MAX);
	x->src.gpt = gpt;
	x->src.gpt_n = MANY_RUNS;
	d.gpt_next = fake_gpt_next;
	img.gpt = NULL;
	lb = save_all(test, &d, &img, b, 2 * STREAM_MAX);
	KUNIT_ASSERT_GT(test, la, 0L);
	KUNIT_EXPECT_EQ(test, la, lb);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, la), 0);
	/* A page of runs (128) at a time, then one look for a run too many. */
	KUNIT_EXPECT_EQ(test, x->src.gpt_calls, 4U);

	/* A run lost, or one gained, after the count. */
	x->src.gpt_n = MANY_RUNS - 1;
	KUNIT_EXPECT_EQ(test, save_all(test, &d, &img, b, 2 * STREAM_MAX),
			(ssize_t)-EIO);
	x->src.gpt_n = MANY_RUNS;
	img.gpt_count = MANY_RUNS - 1;
	KUNIT_EXPECT_EQ(test, save_all(test, &d, &img, b, 2 * STREAM_MAX),
			(ssize_t)-EIO);
}

static struct kunit_case mig_test_cases[] = {
	KUNIT_CASE(mig_sum_test),
	KUNIT_CASE(mig_roundtrip_test),
	KUNIT_CASE(mig_truncate_test),
	KUNIT_CASE(mig_flip_test),
	KUNIT_CASE(mig_type_test),
	KUNIT_CASE(mig_bounds_test),
	KUNIT_CASE(mig_ring_test),
	KUNIT_CASE(mig_gpt_stream_test),
	{}
};

static struct kunit_suite mig_test_suite = {
	.name = "mvgpu_mig_stream",
	.init = mig_test_init,
	.exit = mig_test_exit,
	.test_cases = mig_test_cases,
};

kunit_test_suite(mig_test_suite);
