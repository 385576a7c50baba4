// SPDX-License-Identifier: GPL-2.0
/*
 * Migration of a vGPU's contexts (stream version 2, uapi 0.4 DOC:
 * Contexts), driven through VFIO as QEMU drives it.  TAP output; exit 1 on
 * any failure.
 *
 *   mig_ctx live A B [--hops N] [--seed X]
 *	context 0 creates contexts 1 .. 6 of several priorities, maps each a
 *	slice of VRAM (context 1 also guest RAM); each runs a chain of
 *	MATMULs, a FILL (context 1 a COPY to guest RAM) and a FENCE with an
 *	interrupt; in the middle of that work the VM moves A -> B -> A ...
 *	(N hops), each destination a fresh open; every context's registers
 *	carried over each hop, every result exact at the end; afterwards the
 *	contexts take more work and context 0 creates and destroys one
 *   mig_ctx v1 A B
 *	a vGPU that uses context 0 only (it created a context and destroyed
 *	it) emits a version-1 stream that a reader of version 1 takes (every
 *	section it does not know optional); that stream, and the same without
 *	CTX0 (as mvgpu before stream version 2 writes it), are accepted on B
 *	as context 0, whose work goes on exact there
 *
 * Hostile streams of contexts: mig_ctx_hostile.c.
 */
#include "mig_ctx.h"

/* What a driver sees of every context's window, to compare. */
static const uint32_t wregs[] = {
	MVGPU_CTX_RING_BASE_LO, MVGPU_CTX_RING_BASE_HI, MVGPU_CTX_RING_SIZE,
	MVGPU_CTX_RING_HEAD, MVGPU_CTX_DOORBELL, MVGPU_CTX_STATUS,
	MVGPU_CTX_SEQNO_LO, MVGPU_CTX_SEQNO_HI, MVGPU_CTX_ERROR_CODE,
	MVGPU_CTX_ERROR_INFO, MVGPU_CTX_FAULT_ADDR_LO, MVGPU_CTX_INT_STATUS,
	MVGPU_CTX_INT_MASK, MVGPU_CTX_PRIORITY,
};
#define NW (sizeof(wregs) / sizeof(wregs[0]))

struct windows {
	uint32_t v[MVGPU_CTX_MAX][NW];
	uint64_t engine_ns[MVGPU_CTX_MAX];
	uint32_t pending[2], int_status;
};

static void windows_read(struct vm *vm, uint32_t n, struct windows *w)
{
	memset(w, 0, sizeof(*w));
	for (uint32_t id = 0; id < n; id++) {
		for (unsigned int i = 0; i < NW; i++)
			w->v[id][i] = win(vm, id, wregs[i]);
		w->engine_ns[id] = (uint64_t)win(vm, id, MVGPU_CTX_ENGINE_NS_HI) << 32 |
				   win(vm, id, MVGPU_CTX_ENGINE_NS_LO);
	}
	w->pending[0] = mvgpu_reg(&vm->h, MVGPU_REG_CTX_PENDING_LO);
	w->pending[1] = mvgpu_reg(&vm->h, MVGPU_REG_CTX_PENDING_HI);
	w->int_status = mvgpu_reg(&vm->h, MVGPU_REG_INT_STATUS);
}

/* 1 if @b shows what @a did (ENGINE_NS: at least as much). */
static int windows_same(const struct windows *a, const struct windows *b,
			uint32_t n)
{
	int same = 1;

	for (uint32_t id = 0; id < n; id++) {
		for (unsigned int i = 0; i < NW; i++)
			if (a->v[id][i] != b->v[id][i]) {
				tap_diag("context %u register 0x%x: 0x%x, then 0x%x",
					 id, wregs[i], a->v[id][i], b->v[id][i]);
				same = 0;
			}
		if (b->engine_ns[id] < a->engine_ns[id]) {
			tap_diag("context %u ENGINE_NS %" PRIu64 ", then %" PRIu64,
				 id, a->engine_ns[id], b->engine_ns[id]);
			same = 0;
		}
	}
	if (memcmp(a->pending, b->pending, sizeof(a->pending)) ||
	    a->int_status != b->int_status) {
		tap_diag("CTX_PENDING %#x:%#x INT_STATUS %#x, then %#x:%#x %#x",
			 a->pending[1], a->pending[0], a->int_status,
			 b->pending[1], b->pending[0], b->int_status);
		same = 0;
	}
	return same;
}

/*
 * Move the VM to @dst: stopped, its RAM copied, the device streamed into a
 * fresh open of @dst, registers of every context compared, run there.
 * *@inflight: a context had a command in flight; *@unfinished: one had
 * work not done.
 */
static int hop(struct tenant *t, const char *dst, size_t chunk, int *inflight,
	       int *unfinished, const char *name)
{
	static struct windows before, after;
	struct stream s = { 0 };
	const char *where = "open";
	struct mvgpu_mig_header *h;
	uint8_t *ram2 = ram_alloc(SYS_LEN);
	struct vm to;
	int err;

	memset(&to, 0, sizeof(to));
	err = mvgpu_mig_set_state(&t->vm.h, VFIO_DEVICE_STATE_STOP, NULL);
	if (err || !ram2)
		return err ?: -ENOMEM;
	memcpy(ram2, t->vm.ram, SYS_LEN);
	windows_read(&t->vm, t->n, &before);
	for (uint32_t id = 1; id <= t->nctx; id++)
		*unfinished |= seqno(&t->vm, id) < t->c[id].submitted;
	err = stream_save(&t->vm.h, &s);
	if (err)
		return err;
	h = (void *)s.p;
	tap_ok(h->version == MVGPU_MIG_VERSION &&
	       count_type(&s, MVGPU_MIG_SEC_CTX) == t->nctx &&
	       count_type(&s, MVGPU_MIG_SEC_CTX_GPT) == t->nctx,
	       "%s: a version-2 stream with a CTX and a CTX_GPT section for each of the %u contexts (version %u)",
	       name, t->nctx, h->version);
	for (uint32_t i = 0; i < count_type(&s, MVGPU_MIG_SEC_CTX); i++)
		*inflight |= !!ctx_of(&s, i)->ring.busy;

	err = vm_open(&to, dst, ram2, 0);
	if (!err)
		err = stream_resume(&to.h, &s, chunk, 0, &where);
	free(s.p);
	if (err) {
		tap_diag("%s: %s: %s", name, where, mvgpu_errmsg());
		return err;
	}
	windows_read(&to, t->n, &after);
	tap_ok(windows_same(&before, &after, t->n),
	       "%s: every context's registers carried over (ring, SEQNO, status, errors, interrupts, priority)",
	       name);
	usleep(50000);
	windows_read(&to, t->n, &before);
	tap_ok(windows_same(&after, &before, t->n),
	       "%s: in STOP no context of the destination makes progress", name);
	err = mvgpu_mig_set_state(&to.h, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_ok(!err, "%s: destination RUNNING (stream written %zu bytes at a time)",
	       name, chunk);
	vm_close(&t->vm, 0);		/* the source QEMU exits */
	to.r = t->vm.r;			/* the guest driver's ring state */
	t->vm = to;
	t->vm.r.h = &t->vm.h;
	return err;
}

static int cmd_live(const char *a, const char *b, int hops)
{
	static const size_t chunks[] = { 1 << 20, 4097, 65544, 333 };
	static struct tenant t;
	const char *uuid[2] = { a, b };
	int inflight = 0, unfinished = 0, err = 0;
	uint64_t done0 = 0;
	uint32_t e;

	if (tenant_start(&t, a, NCTX, 112))
		return 1;
	for (int hop_n = 0; hop_n < hops && !err; hop_n++) {
		char name[32];
		uint64_t done = 0;
		int i = 0, in = 0, un = 0;

		/* Into the work: a few more commands done each hop. */
		do {
			done = 0;
			for (uint32_t id = 1; id <= NCTX; id++)
				done += seqno(&t.vm, id) - (t.c[id].submitted -
							    CHAIN - 2 - (id == 1));
			usleep(1000);
		} while (done < done0 + 2 + hop_n && ++i < 20000);
		done0 = done;
		snprintf(name, sizeof(name), "hop %d (%s -> %s)", hop_n + 1,
			 hop_n % 2 ? "B" : "A", hop_n % 2 ? "A" : "B");
		err = hop(&t, uuid[(hop_n + 1) % 2], chunks[hop_n % 4], &in, &un,
			  name);
		if (!tap_ok(!err, "%s: migrated with %u busy contexts", name, NCTX))
			tap_diag("%s", mvgpu_errmsg());
		inflight += in;
		unfinished += un;
	}
	tap_ok(unfinished > 0, "%d of %d hops moved contexts with work not done",
	       unfinished, hops);
	tap_ok(inflight > 0, "%d of %d hops caught a context's command in flight",
	       inflight, hops);
	if (err)
		return 1;
	tap_ok(all_exact(&t), "after the hops: every context's MATMULs, FILL, COPY to guest RAM and fence exact");
	tap_ok((mvgpu_reg(&t.vm.h, MVGPU_REG_CTX_PENDING_LO) >> 1 & 0x3f) == 0x3f,
	       "every context's fence interrupt is pending (CTX_PENDING %#x)",
	       mvgpu_reg(&t.vm.h, MVGPU_REG_CTX_PENDING_LO));

	/* The migrated contexts go on: more work, and context 0 still rules. */
	for (uint32_t id = 1; id <= NCTX; id++)
		c_work(&t, &t.c[id], 48);
	tap_ok(all_exact(&t), "after the hops the contexts run new work exactly");
	e = c0_do(&t.vm, mvgpu_cmd_context(MVGPU_OP_CTX_DESTROY, NCTX, 0));
	e = e ?: c0_do(&t.vm, mvgpu_cmd_context(MVGPU_OP_CTX_CREATE, NCTX + 1,
						MVGPU_CTX_PRIO_HIGH));
	tap_ok(!e && win(&t.vm, NCTX, MVGPU_CTX_STATUS) == MVGPU_CTX_FREE &&
	       win(&t.vm, NCTX + 1, MVGPU_CTX_PRIORITY) == MVGPU_CTX_PRIO_HIGH,
	       "context 0 destroys a migrated context and creates another (%s)",
	       mvgpu_err_name(e));
	vm_close(&t.vm, 0);
	return 0;
}

/* The chain context 0 runs in VRAM: MATMULs of 128 x 128 and a FILL. */
struct c0_chain {
	uint32_t fill, *want[CHAIN];
	uint64_t seq;
};

#define C0_MAT		0x100000ull
#define C0_DIM		128u
#define C0_MAT_LEN	(C0_DIM * C0_DIM * 4ull)

static int c0_chain_submit(struct vm *vm, struct c0_chain *ch)
{
	uint32_t n = C0_DIM * C0_DIM, *a = (uint32_t *)(vm->vram + C0_MAT);
	uint32_t *b = a + n;
	struct mvgpu_cmd c;
	int err = 0;

	ch->fill = (uint32_t)xrand(&seed);
	for (uint32_t i = 0; i < 2 * n; i++)
		a[i] = (uint32_t)xrand(&seed);
	for (int i = 0; i < CHAIN && !err; i++) {
		ch->want[i] = malloc(n * 4);
		matmul(ch->want[i], i ? ch->want[i - 1] : a, b, C0_DIM);
		c = mvgpu_cmd_matmul(i ? C0_MAT + (i + 1) * C0_MAT_LEN : C0_MAT,
				     C0_MAT + C0_MAT_LEN, C0_MAT + (i + 2) * C0_MAT_LEN,
				     C0_DIM, C0_DIM, C0_DIM);
		err = mvgpu_ring_emit(&vm->r, &c);
	}
	c = mvgpu_cmd_fill(SYS_VA, 4096, ch->fill);
	err = err ?: mvgpu_ring_emit(&vm->r, &c);
	err = err ?: mvgpu_ring_fence(&vm->r, 1, &ch->seq);
	return err ?: mvgpu_ring_kick(&vm->r);
}

static int c0_chain_exact(struct vm *vm, const struct c0_chain *ch)
{
	int bad = mvgpu_ring_wait(&vm->r, ch->seq, TIMEOUT_MS);

	for (int i = 0; i < CHAIN && !bad; i++)
		bad |= !!memcmp(vm->vram + C0_MAT + (i + 2) * C0_MAT_LEN, ch->want[i],
				C0_MAT_LEN);
	return !bad && ((uint32_t *)vm->ram)[1000] == ch->fill;
}

/* The CTX0 section taken out, as mvgpu before stream version 2 writes. */
static struct stream strip_ctx0(const struct stream *s)
{
	struct stream e = stream_dup(s);
	size_t off = sec_off(&e, MVGPU_MIG_SEC_CTX0, 0);
	uint64_t len;

	if (off) {
		stream_splice(&e, off, sec_bytes(&e, off), NULL, 0);
		((struct mvgpu_mig_end *)sec_of(&e, MVGPU_MIG_SEC_END, &len))->sections--;
		stream_rechain(&e);
	}
	return e;
}

/* Sections a reader of version 1 neither knows nor may skip. */
static unsigned int v1_unknown(const struct stream *s)
{
	unsigned int unknown = 0;
	struct sections x;

	stream_index(s, &x);
	for (unsigned int i = 0; i < x.n; i++) {
		const struct mvgpu_mig_section *sec = (const void *)(s->p + x.off[i]);

		unknown += sec->type > MVGPU_MIG_SEC_END &&
			   !(sec->flags & MVGPU_MIG_SEC_OPTIONAL);
	}
	return unknown;
}

static int cmd_v1(const char *a, const char *b)
{
	struct stream s = { 0 }, old;
	struct mvgpu_mig_section *sec;
	const char *where = "";
	unsigned int unknown, i;
	struct c0_chain ch;
	uint64_t seq_src;
	struct vm vm, to;
	uint8_t *ram2;
	uint32_t e, done;
	int err;

	memset(&vm, 0, sizeof(vm));
	memset(&to, 0, sizeof(to));
	if (!tap_ok(!vm_open(&vm, a, NULL, 1), "v1: tenant set up on %s", a))
		return 1;
	e = c0_do(&vm, mvgpu_cmd_context(MVGPU_OP_CTX_CREATE, 1, MVGPU_CTX_PRIO_LOW));
	e = e ?: c0_do(&vm, mvgpu_cmd_context(MVGPU_OP_CTX_DESTROY, 1, 0));
	tap_ok(!e, "v1: context 0 created context 1 and destroyed it (%s)",
	       mvgpu_err_name(e));
	done = mvgpu_reg(&vm.h, MVGPU_REG_CMDS_DONE);
	err = c0_chain_submit(&vm, &ch);
	/* Into the chain: a MATMUL or two done. */
	while (!err && mvgpu_reg(&vm.h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_BUSY &&
	       mvgpu_reg(&vm.h, MVGPU_REG_CMDS_DONE) < done + 2)
		usleep(1000);
	err = err ?: mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_STOP, NULL);
	seq_src = seqno(&vm, 0);
	err = err ?: stream_save(&vm.h, &s);
	if (!tap_ok(!err, "v1: stream of the stopped source (%zu bytes)", s.len))
		return 1;
	unknown = v1_unknown(&s);
	tap_ok(((struct mvgpu_mig_header *)s.p)->version == MVGPU_MIG_VERSION_1 &&
	       !count_type(&s, MVGPU_MIG_SEC_CTX) &&
	       !count_type(&s, MVGPU_MIG_SEC_CTX_GPT) && !unknown,
	       "v1: a source using context 0 only emits version 1: no CTX or CTX_GPT, every section a version-1 reader does not know optional");
	sec = (void *)(s.p + sec_off(&s, MVGPU_MIG_SEC_CTX0, 0));
	tap_ok(count_type(&s, MVGPU_MIG_SEC_CTX0) == 1 &&
	       sec->flags == MVGPU_MIG_SEC_OPTIONAL,
	       "v1: context 0's counters in one CTX0 section, marked optional");

	ram2 = ram_alloc(SYS_LEN);
	memcpy(ram2, vm.ram, SYS_LEN);
	err = vm_open(&to, b, ram2, 0);
	err = err ?: stream_resume(&to.h, &s, 65536, 0, &where);
	tap_ok(!err && seqno(&to, 0) == seq_src &&
	       win(&to, 0, MVGPU_CTX_PRIORITY) == MVGPU_CTX_PRIO_HIGH,
	       "v1: the version-1 stream is taken, context 0's SEQNO %" PRIu64 " carried",
	       seq_src);
	if (err)
		tap_diag("%s: %s", where, mvgpu_errmsg());
	mvgpu_reset(&to.h);

	old = strip_ctx0(&s);
	err = stream_resume(&to.h, &old, 4097, 0, &where);
	tap_ok(!err && !count_type(&old, MVGPU_MIG_SEC_CTX0) &&
	       seqno(&to, 0) == mvgpu_reg(&to.h, MVGPU_REG_CMDS_DONE),
	       "v1: without CTX0 (an older source) taken as context 0, its SEQNO from CMDS_DONE");
	if (err)
		tap_diag("%s: %s", where, mvgpu_errmsg());
	err = err ?: mvgpu_mig_set_state(&to.h, VFIO_DEVICE_STATE_RUNNING, NULL);
	vm_close(&vm, 0);
	to.r = vm.r;
	to.r.h = &to.h;
	tap_ok(!err && c0_chain_exact(&to, &ch),
	       "v1: context 0's work, in flight when stopped, goes on exact on the destination");
	for (i = 1; i < mvgpu_reg(&to.h, MVGPU_REG_NUM_CONTEXTS); i++)
		if (win(&to, i, MVGPU_CTX_STATUS) != MVGPU_CTX_FREE)
			break;
	tap_ok(i == mvgpu_reg(&to.h, MVGPU_REG_NUM_CONTEXTS),
	       "v1: the destination has no context but 0");
	vm_close(&to, 0);
	free(s.p);
	free(old.p);
	return 0;
}

int main(int argc, char **argv)
{
	int hops = 2, rc = 1;

	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0) | 1;
		if (!strcmp(argv[i], "--hops"))
			hops = atoi(argv[i + 1]);
	}
	if (argc >= 4 && !strcmp(argv[1], "live"))
		rc = cmd_live(argv[2], argv[3], hops);
	else if (argc >= 4 && !strcmp(argv[1], "v1"))
		rc = cmd_v1(argv[2], argv[3]);
	else
		fprintf(stderr, "usage: mig_ctx live A B [--hops N] [--seed X] | v1 A B\n");
	printf("1..%d\n", tap_n);
	return rc || tap_failed ? 1 : 0;
}
