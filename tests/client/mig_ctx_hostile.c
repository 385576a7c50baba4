// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile migration streams of a vGPU's contexts (stream version 2).  TAP
 * output; exit 1 on any failure.
 *
 *   mig_ctx_hostile A B [--flips N] [--seed X]
 *	a stream of three busy contexts, edited with valid checksums to say
 *	what no source can (context count, numbers, duplicates, order,
 *	sections cut short, ring registers, priorities, counters, interrupt
 *	and error registers, engine state, page tables), cut at every context
 *	section and with random bits flipped: each refused on B (-EINVAL,
 *	ERROR, nothing left behind); the source goes on, exact
 */
#include "mig_ctx.h"

/* Take section @type's @n-th out; END counts one fewer. */
static void drop(struct stream *e, uint32_t type, unsigned int n)
{
	size_t off = sec_off(e, type, n);
	uint64_t len;

	stream_splice(e, off, sec_bytes(e, off), NULL, 0);
	((struct mvgpu_mig_end *)sec_of(e, MVGPU_MIG_SEC_END, &len))->sections--;
}

/* The n-th context's first page-table run. */
static struct mvgpu_mig_gpt_entry *run_of(struct stream *e, unsigned int n)
{
	return (void *)(ctx_gpt_of(e, n) + 1);
}

#define CTX_EDIT(good, name, n, ...) \
	EDIT(good, name, { struct mvgpu_mig_ctx *c = ctx_of(&e, n); (void)c; __VA_ARGS__; })

/* The contexts' count, numbers, duplicates and order. */
static void ctx_edits(const struct stream *good, uint32_t ncontexts)
{
	EDIT(good, "contexts: version 1 claimed with CTX sections", h->version = 1);
	EDIT(good, "contexts: version 2 with every CTX and CTX_GPT taken out (context count 0)", {
		while (count_type(&e, MVGPU_MIG_SEC_CTX))
			drop(&e, MVGPU_MIG_SEC_CTX, 0);
		while (count_type(&e, MVGPU_MIG_SEC_CTX_GPT))
			drop(&e, MVGPU_MIG_SEC_CTX_GPT, 0);
	});
	CTX_EDIT(good, "contexts: a CTX section of context 0", 0, c->id = 0);
	CTX_EDIT(good, "contexts: a context numbered NUM_CONTEXTS", 1, c->id = ncontexts);
	CTX_EDIT(good, "contexts: context 2^32 - 1", 2, c->id = ~0u);
	CTX_EDIT(good, "contexts: two CTX sections of one context", 1,
		 c->id = ctx_of(&e, 0)->id);
	EDIT(good, "contexts: two CTX_GPT sections of one context",
	     ctx_gpt_of(&e, 1)->id = ctx_gpt_of(&e, 0)->id);
	EDIT(good, "contexts: a CTX_GPT section of a context with no CTX",
	     ctx_gpt_of(&e, 0)->id = ncontexts - 1);
	EDIT(good, "contexts: a context without its CTX_GPT section",
	     drop(&e, MVGPU_MIG_SEC_CTX_GPT, 2));
	EDIT(good, "contexts: a CTX_GPT section before its context's CTX", {
		size_t from = sec_off(&e, MVGPU_MIG_SEC_CTX_GPT, 0);
		size_t n = sec_bytes(&e, from);
		uint8_t *copy = malloc(n);

		memcpy(copy, e.p + from, n);
		stream_splice(&e, from, n, NULL, 0);
		stream_splice(&e, sec_off(&e, MVGPU_MIG_SEC_CTX, 0), 0, copy, n);
		free(copy);
	});
	EDIT(good, "contexts: a CTX_GPT section ending inside a run", {
		size_t off = sec_off(&e, MVGPU_MIG_SEC_CTX_GPT, 1);
		struct mvgpu_mig_section *sec = (void *)(e.p + off);

		stream_splice(&e, off + sizeof(*sec) + sec->len - 8, 8, NULL, 0);
		((struct mvgpu_mig_section *)(e.p + off))->len -= 8;
	});
}

/* Registers, rings, counters, engine states and page tables of contexts. */
static void ctx_edits_fields(const struct stream *good, uint64_t vram_size)
{
	uint64_t len;

	CTX_EDIT(good, "contexts: priority 8", 0, c->prio = 8);
	CTX_EDIT(good, "contexts: priority 2^32 - 1", 1, c->prio = ~0u);
	EDIT(good, "contexts: context 0's priority 9",
	     ((struct mvgpu_mig_ctx0 *)sec_of(&e, MVGPU_MIG_SEC_CTX0, &len))->prio = 9);
	CTX_EDIT(good, "contexts: RING_SIZE not a power of two", 0, c->ring_size = 0x3000);
	CTX_EDIT(good, "contexts: RING_BASE beyond the 40-bit VA space", 0,
		 c->ring_base = 1ull << 40);
	CTX_EDIT(good, "contexts: RING_HEAD not a command offset", 1, c->ring_head += 8);
	CTX_EDIT(good, "contexts: ring tail beyond the ring", 2, c->ring.tail = CRING_SIZE);
	CTX_EDIT(good, "contexts: ring head beyond the ring", 2, c->ring.head = 2 * CRING_SIZE);
	CTX_EDIT(good, "contexts: ring latched 2", 0, c->ring_latched = 2);
	CTX_EDIT(good, "contexts: ring stopped, STATUS not STOPPED", 1,
		 c->ring.stopped = 1; c->status = MVGPU_ENGINE_BUSY);
	CTX_EDIT(good, "contexts: STATUS FREE", 1, c->status = MVGPU_CTX_FREE);
	CTX_EDIT(good, "contexts: a window's INT_STATUS with SELFTEST", 0,
		 c->int_status |= MVGPU_INT_SELFTEST);
	CTX_EDIT(good, "contexts: a window's INT_MASK with CONTEXT", 2,
		 c->int_mask |= MVGPU_INT_CONTEXT);
	CTX_EDIT(good, "contexts: ERROR_CODE 13", 1, c->error_code = 13);
	CTX_EDIT(good, "contexts: CTX pad", 2, c->pad = 1);
	EDIT(good, "contexts: CTX_GPT pad", ctx_gpt_of(&e, 0)->pad = 1);
	CTX_EDIT(good, "contexts: SEQNO below the commands done", 0,
		 c->ring.cmds_done = c->seqno + 1);
	CTX_EDIT(good, "contexts: ENGINE_NS of centuries", 1, c->engine_ns = 1ull << 62);
	CTX_EDIT(good, "contexts: engine state longer than its section", 0,
		 c->context.len += 8);
	CTX_EDIT(good, "contexts: engine state not the backend's (magic)", 1,
		 ((uint8_t *)(c + 1))[0] ^= 0x40);
	EDIT(good, "contexts: a context's run past this vGPU's VRAM", {
		run_of(&e, 0)->target = vram_size - 4096;
		run_of(&e, 0)->size = 8192;
	});
	EDIT(good, "contexts: a context's run over guest memory not mapped for DMA", {
		run_of(&e, 1)->target = 1ull << 44;
		run_of(&e, 1)->flags = MVGPU_MAP_READ | MVGPU_MAP_SYSMEM;
	});
	EDIT(good, "contexts: a context's run with no access", run_of(&e, 2)->flags = 0);
	EDIT(good, "contexts: a context's runs that overlap", {
		size_t off = sec_off(&e, MVGPU_MIG_SEC_CTX_GPT, 1);
		struct mvgpu_mig_section *sec = (void *)(e.p + off);
		struct mvgpu_mig_gpt_entry g = *run_of(&e, 1);

		sec->len += sizeof(g);
		stream_splice(&e, off + sizeof(*sec) + sizeof(struct mvgpu_mig_ctx_gpt),
			      0, &g, sizeof(g));
	});
}

/* Sections cut short, at their headers. */
static void ctx_edits_short(const struct stream *good)
{
	{
		/* Refused at its header, before its checksum. */
		struct stream e = stream_dup(good);
		size_t off = sec_off(&e, MVGPU_MIG_SEC_CTX, 0);

		((struct mvgpu_mig_section *)(e.p + off))->len =
			sizeof(struct mvgpu_mig_ctx) - 8;
		expect(&e, 0, "contexts: a CTX section shorter than its header");
		free(e.p);
	}
	{
		/* Refused at its header: nothing is allocated for it. */
		struct stream e = stream_dup(good);
		size_t off = sec_off(&e, MVGPU_MIG_SEC_CTX_GPT, 0);

		((struct mvgpu_mig_section *)(e.p + off))->len = (1ull << 40) + 8;
		e.len = off + sizeof(struct mvgpu_mig_section) + 4096;
		expect(&e, 0, "contexts: a CTX_GPT section of 2^40 bytes");
		free(e.p);
	}
}

/* Cut at and inside every context section. */
static void ctx_cuts(const struct stream *good)
{
	struct stream t = *good;
	struct sections x;

	stream_index(good, &x);
	for (unsigned int i = 0; i < x.n; i++) {
		const char *n = x.type[i] == MVGPU_MIG_SEC_CTX ? "CTX" :
				x.type[i] == MVGPU_MIG_SEC_CTX_GPT ? "CTX_GPT" :
				x.type[i] == MVGPU_MIG_SEC_CTX0 ? "CTX0" : NULL;
		size_t end = x.off[i] + sec_bytes(good, x.off[i]);

		if (!n)
			continue;
		t.len = x.off[i];
		expect(&t, 0, "contexts: cut before section %u (%s)", i, n);
		t.len = x.off[i] + sizeof(struct mvgpu_mig_section) + 4;
		expect(&t, 0, "contexts: cut inside the payload of section %u (%s)", i, n);
		t.len = end - 8;
		expect(&t, 0, "contexts: cut before the checksum of section %u (%s)", i, n);
	}
}

static void ctx_flips(const struct stream *good, unsigned long n)
{
	size_t meta = sec_off(good, MVGPU_MIG_SEC_VRAM, 0);
	struct stream t = stream_dup(good);
	unsigned long bad = 0;
	char why[160];

	for (unsigned long i = 0; i < n; i++) {
		size_t bit = xrand(&seed) % (meta * 8);

		t.p[bit / 8] ^= 1u << (bit % 8);
		if (!try(&t, 0, 0, why, sizeof(why)) && bad++ < 5)
			tap_diag("bit %zu flipped: %s", bit, why);
		t.p[bit / 8] ^= 1u << (bit % 8);
	}
	tap_ok(!bad, "contexts: %lu streams with a bit flipped before VRAM: every one refused (%lu not)",
	       n, bad);
	free(t.p);
}

static int cmd_hostile(const char *a, const char *b, unsigned long nflips)
{
	static struct tenant t;
	struct stream good = { 0 };
	uint64_t gpt0;
	uint8_t *ram2;
	char why[160];
	uint32_t id;
	int err;

	if (tenant_start(&t, a, 3, 64))
		return 1;
	usleep(20000);
	err = mvgpu_mig_set_state(&t.vm.h, VFIO_DEVICE_STATE_STOP, NULL);
	err = err ?: stream_save(&t.vm.h, &good);
	if (!tap_ok(!err && count_type(&good, MVGPU_MIG_SEC_CTX) == 3,
		    "hostile: a version-2 stream of 3 contexts (%zu bytes)", good.len))
		return 1;
	ram2 = ram_alloc(SYS_LEN);
	memcpy(ram2, t.vm.ram, SYS_LEN);
	dst_uuid = b;
	err = mvgpu_open(&dst, dst_uuid);
	err = err ?: mvgpu_dma_map(&dst, ram2, SYS_IOVA, SYS_LEN);
	if (!tap_ok(!err, "hostile: destination %s opened, guest RAM mapped", b))
		return 1;
	gpt0 = sysfs_u64(dst_uuid, "gpt_bytes");
	tap_ok(try(&good, 0, 1, why, sizeof(why)),
	       "hostile: the stream as the source wrote it is taken");
	ctx_edits(&good, t.n);
	ctx_edits_fields(&good, t.vm.h.vram_len);
	ctx_edits_short(&good);
	ctx_cuts(&good);
	ctx_flips(&good, nflips);

	tap_ok(sysfs_u64(dst_uuid, "vram_used_bytes") == 0 &&
	       sysfs_u64(dst_uuid, "gpt_bytes") == gpt0,
	       "hostile: after %lu refusals the destination holds no VRAM and its page tables are back to %llu bytes",
	       refusals, (unsigned long long)gpt0);
	for (id = 1; id < t.n; id++)
		if (mvgpu_reg(&dst, MVGPU_CTX_REGS(id) + MVGPU_CTX_STATUS) != MVGPU_CTX_FREE)
			break;
	tap_ok(id == t.n, "hostile: no context of a refused stream is left on the destination");
	mvgpu_dma_unmap(&dst, SYS_IOVA, SYS_LEN);
	mvgpu_close(&dst);

	err = mvgpu_mig_set_state(&t.vm.h, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_ok(!err && all_exact(&t), "hostile: the source goes on, every context exact");
	vm_close(&t.vm, 0);
	free(good.p);
	munmap(ram2, SYS_LEN);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long flips = 200;
	int rc;

	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0) | 1;
		if (!strcmp(argv[i], "--flips"))
			flips = strtoul(argv[i + 1], NULL, 0);
	}
	if (argc < 3) {
		fprintf(stderr, "usage: mig_ctx_hostile A B [--flips N] [--seed X]\n");
		return 1;
	}
	rc = cmd_hostile(argv[1], argv[2], flips);
	printf("1..%d\n", tap_n);
	return rc || tap_failed ? 1 : 0;
}
