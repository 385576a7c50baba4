// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts of one vGPU (uapi 0.4, DOC: Contexts), driven through VFIO as a
 * guest kernel driver would: context 0 creates the others and maps each a
 * slice of VRAM; they all run exact FILL/COPY/MATMUL work at once; then
 * every isolation attack is made by one context while all the others work,
 * each ending in an error of the attacking context only; it recovers by its
 * RESET.  Last, context 0's engine reset keeps the contexts and the vGPU's
 * reset destroys them.  TAP output; exit 1 on any failure.
 *
 *   contexts run UUID
 *   contexts hog UUID SECONDS N
 *	contexts 1..N of priority NORMAL each keep 3 SPINs of 2 ms queued
 *	for SECONDS or until SIGTERM (the scheduler's shares with a vGPU of
 *	many busy contexts, tests/vm/sched.sh); prints "hog contexts=N
 *	spins=S least_done=D" (D: the fewest commands any of them completed),
 *	exit 1 if a context stopped with an error
 *   contexts bench UUID SECONDS HOGS
 *	make bench: an interactive context of priority HIGH (200 us of SPIN
 *	and a FENCE with MSI every 10 ms, doorbell to eventfd) alone, then
 *	next to HOGS contexts of priority LOW of the same vGPU that keep 5 ms
 *	SPINs queued; prints "latency alone|loaded n= p50_us= p99_us="
 *
 * VRAM: context 0's ring at 0 and fence after it (its GPU VA = VRAM
 * offset); context n's slice of SLICE_SIZE bytes at SLICE_OFF(n), mapped in
 * its own address space at VA 0: its ring at 0, its data from DATA_VA.
 */
#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../tools/mvgpu/libmvgpu.h"
#include "tap.h"

#define RING0_OFF	0x0ull
#define RING0_SIZE	0x10000u
#define FENCE0_OFF	0x10000ull
#define SLICE_SIZE	0x100000ull
#define SLICE_OFF(n)	(0x1000000ull + (uint64_t)(n) * SLICE_SIZE)
#define CRING_SIZE	0x4000u
#define FILL_VA		0x10000ull
#define COPY_VA		0x14000ull
#define XFER		0x4000ull
#define MM_A		0x20000ull
#define MM_B		0x21000ull
#define MM_C		0x22000ull
#define MM_N		16u
#define NEVER_VA	0x30000ull	/* never written: the hang waits on it */
#define TIMEOUT_MS	120000
#define SYS_IOVA	(1ull << 32)
#define SYS_VA		0x200000ull	/* in context 1's space, past its slice */
#define SYS_LEN		0x10000ull

struct cctx {
	uint32_t id;
	uint32_t tail;
	uint64_t submitted;	/* SEQNO once all of it is done */
	uint32_t seed;
};

struct tenant {
	struct mvgpu_handle h;
	struct mvgpu_ring r;	/* context 0's */
	uint8_t *vram;
	uint32_t n;		/* NUM_CONTEXTS */
	struct cctx c[MVGPU_CTX_MAX];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t win(struct tenant *t, uint32_t id, uint32_t reg)
{
	return mvgpu_reg(&t->h, MVGPU_CTX_REGS(id) + reg);
}

static void win_w(struct tenant *t, uint32_t id, uint32_t reg, uint32_t val)
{
	mvgpu_reg_write(&t->h, MVGPU_CTX_REGS(id) + reg, val);
}

static uint64_t seqno(struct tenant *t, uint32_t id)
{
	uint32_t hi, lo;

	do {
		hi = win(t, id, MVGPU_CTX_SEQNO_HI);
		lo = win(t, id, MVGPU_CTX_SEQNO_LO);
	} while (hi != win(t, id, MVGPU_CTX_SEQNO_HI));
	return (uint64_t)hi << 32 | lo;
}

/* Context 0 runs @cmd and waits for it: 0, or its ERROR_CODE. */
static uint32_t c0_do(struct tenant *t, struct mvgpu_cmd cmd)
{
	int err;

	err = mvgpu_ring_emit(&t->r, &cmd);
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	if (!err)
		return 0;
	return mvgpu_reg(&t->h, MVGPU_REG_ERROR_CODE) ?: 0xdead;
}

/* Context 0 again as after a reset of it (ENG!): ring set up afresh. */
static void c0_recover(struct tenant *t)
{
	mvgpu_engine_reset(&t->h);
	mvgpu_ring_init(&t->r, &t->h, RING0_OFF, RING0_SIZE, FENCE0_OFF);
}

/* The ring registers of context @c, its ring empty. */
static void c_ring_regs(struct tenant *t, struct cctx *c)
{
	win_w(t, c->id, MVGPU_CTX_RING_BASE_LO, 0);
	win_w(t, c->id, MVGPU_CTX_RING_BASE_HI, 0);
	win_w(t, c->id, MVGPU_CTX_RING_SIZE, CRING_SIZE);
	c->tail = 0;
	c->submitted = seqno(t, c->id);
}

/* Context 0 creates context @id and maps it its slice at VA 0. */
static int c_create(struct tenant *t, uint32_t id, uint32_t prio)
{
	struct cctx *c = &t->c[id];
	uint32_t e;

	e = c0_do(t, mvgpu_cmd_context(MVGPU_OP_CTX_CREATE, id, prio));
	if (!e)
		e = c0_do(t, mvgpu_cmd_map_ctx(id, 0, SLICE_OFF(id), SLICE_SIZE,
					       MVGPU_MAP_READ | MVGPU_MAP_WRITE));
	if (e) {
		tap_diag("context %u: context 0 got %s", id, mvgpu_err_name(e));
		c0_recover(t);
		return -EIO;
	}
	c->id = id;
	c_ring_regs(t, c);
	return 0;
}

static void c_emit(struct tenant *t, struct cctx *c, struct mvgpu_cmd cmd)
{
	memcpy(t->vram + SLICE_OFF(c->id) + c->tail, &cmd, sizeof(cmd));
	c->tail = (c->tail + MVGPU_CMD_SIZE) % CRING_SIZE;
	c->submitted++;
}

static void c_kick(struct tenant *t, struct cctx *c)
{
	__sync_synchronize();
	win_w(t, c->id, MVGPU_CTX_DOORBELL, c->tail);
}

/* Wait until @c's SEQNO reaches what it was given, or it stops. */
static int c_wait(struct tenant *t, struct cctx *c, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while (seqno(t, c->id) < c->submitted) {
		if (win(t, c->id, MVGPU_CTX_STATUS) == MVGPU_ENGINE_STOPPED) {
			tap_diag("context %u stopped: %s info %#x at %#x", c->id,
				 mvgpu_err_name(win(t, c->id, MVGPU_CTX_ERROR_CODE)),
				 win(t, c->id, MVGPU_CTX_ERROR_INFO),
				 win(t, c->id, MVGPU_CTX_FAULT_ADDR_LO));
			return -EIO;
		}
		if (now_ms() > end) {
			tap_diag("context %u: SEQNO %" PRIu64 " of %" PRIu64 " after %d ms",
				 c->id, seqno(t, c->id), c->submitted, timeout_ms);
			return -ETIMEDOUT;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 200000 }, NULL);
	}
	__sync_synchronize();
	return 0;
}

/* Context @c's data, at VA @va of its own address space. */
static uint32_t *c_data(struct tenant *t, struct cctx *c, uint64_t va)
{
	return (uint32_t *)(t->vram + SLICE_OFF(c->id) + va);
}

/* FILL, COPY of the fill, MATMUL of operands from @seed; not kicked. */
static void work_submit(struct tenant *t, struct cctx *c, uint32_t seed)
{
	uint32_t *a = c_data(t, c, MM_A), *b = c_data(t, c, MM_B);
	unsigned int i;

	c->seed = seed;
	srand(seed);
	for (i = 0; i < MM_N * MM_N; i++) {
		a[i] = rand();
		b[i] = rand();
	}
	memset(c_data(t, c, COPY_VA), 0, XFER);
	memset(c_data(t, c, MM_C), 0, MM_N * MM_N * 4);
	c_emit(t, c, mvgpu_cmd_fill(FILL_VA, XFER, seed));
	c_emit(t, c, mvgpu_cmd_copy(COPY_VA, FILL_VA, XFER));
	c_emit(t, c, mvgpu_cmd_matmul(MM_A, MM_B, MM_C, MM_N, MM_N, MM_N));
}

/* Is @c's memory what work_submit()'s commands make of it? */
static int work_exact(struct tenant *t, struct cctx *c)
{
	uint32_t *a = c_data(t, c, MM_A), *b = c_data(t, c, MM_B);
	uint32_t *mc = c_data(t, c, MM_C), *f = c_data(t, c, FILL_VA);
	uint32_t *cp = c_data(t, c, COPY_VA);
	unsigned int i, j, k;

	for (i = 0; i < XFER / 4; i++)
		if (f[i] != c->seed || cp[i] != c->seed) {
			tap_diag("context %u: FILL/COPY word %u is %#x/%#x, not %#x",
				 c->id, i, f[i], cp[i], c->seed);
			return 0;
		}
	for (i = 0; i < MM_N; i++)
		for (j = 0; j < MM_N; j++) {
			uint32_t s = 0;

			for (k = 0; k < MM_N; k++)
				s += a[i * MM_N + k] * b[k * MM_N + j];
			if (mc[i * MM_N + j] != s) {
				tap_diag("context %u: MATMUL c[%u][%u] %#x, not %#x",
					 c->id, i, j, mc[i * MM_N + j], s);
				return 0;
			}
		}
	return 1;
}

/* Every context but @skip (and 0) submits work with @seed and is kicked. */
static void all_submit(struct tenant *t, uint32_t skip, uint32_t seed)
{
	uint32_t id;

	for (id = 1; id < t->n; id++) {
		if (id == skip)
			continue;
		work_submit(t, &t->c[id], seed + id);
		c_kick(t, &t->c[id]);
	}
}

/* ... and all of it completes, exact.  1 if so. */
static int all_exact(struct tenant *t, uint32_t skip)
{
	uint32_t id, bad = 0;

	for (id = 1; id < t->n; id++) {
		if (id == skip)
			continue;
		if (c_wait(t, &t->c[id], TIMEOUT_MS) || !work_exact(t, &t->c[id]) ||
		    win(t, id, MVGPU_CTX_ERROR_CODE))
			bad++;
	}
	if (bad)
		tap_diag("%u contexts not exact", bad);
	return !bad;
}

/*
 * Guest memory in a context's address space: context 0 maps it for context
 * 1, which writes it; when the VM unmaps the IOVA, context 1 no longer
 * reaches it.
 */
static void guest_memory(struct tenant *t)
{
	struct cctx *c = &t->c[1];
	uint32_t *sys, i, bad = 0;
	uint32_t e;

	sys = mmap(NULL, SYS_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sys == MAP_FAILED || mvgpu_dma_map(&t->h, sys, SYS_IOVA, SYS_LEN)) {
		tap_ok(0, "guest memory: map 64 KiB for DMA: %s", mvgpu_errmsg());
		return;
	}
	memset(sys, 0, SYS_LEN);
	e = c0_do(t, mvgpu_cmd_map_ctx(1, SYS_VA, SYS_IOVA, SYS_LEN,
				       MVGPU_MAP_READ | MVGPU_MAP_WRITE |
				       MVGPU_MAP_SYSMEM));
	tap_ok(!e, "guest memory: context 0 maps 64 KiB of it into context 1 (%s)",
	       mvgpu_err_name(e));
	if (e)
		c0_recover(t);
	c_emit(t, c, mvgpu_cmd_fill(FILL_VA, XFER, 0x5a5a5a5a));
	c_emit(t, c, mvgpu_cmd_copy(SYS_VA, FILL_VA, XFER));
	c_emit(t, c, mvgpu_cmd_fill(SYS_VA + XFER, XFER, 0xc3c3c3c3));
	c_kick(t, c);
	e = c_wait(t, c, TIMEOUT_MS);
	for (i = 0; i < XFER / 4; i++)
		bad += sys[i] != 0x5a5a5a5a || sys[XFER / 4 + i] != 0xc3c3c3c3;
	tap_ok(!e && !bad, "guest memory: context 1 writes it exactly (%u words wrong)",
	       bad);
	/* Another context has it mapped nowhere. */
	c_emit(t, &t->c[2], mvgpu_cmd_fill(SYS_VA, XFER, 0xbad));
	c_kick(t, &t->c[2]);
	tap_ok(c_wait(t, &t->c[2], TIMEOUT_MS) == -EIO &&
	       win(t, 2, MVGPU_CTX_ERROR_CODE) == MVGPU_ERR_PAGE_FAULT &&
	       sys[0] == 0x5a5a5a5a,
	       "guest memory: context 2, which context 0 did not map it for, faults");
	win_w(t, 2, MVGPU_CTX_RESET, MVGPU_RESET_ENGINE_MAGIC);
	win_w(t, 2, MVGPU_CTX_INT_ACK, MVGPU_INT_ALL);
	c_ring_regs(t, &t->c[2]);
	/* The VM takes the memory back: context 1's mapping goes with it. */
	tap_ok(!mvgpu_dma_unmap(&t->h, SYS_IOVA, SYS_LEN),
	       "guest memory: the VMM unmaps the IOVA while context 1 maps it");
	c_emit(t, c, mvgpu_cmd_fill(SYS_VA, XFER, 0xdeadbeef));
	c_kick(t, c);
	tap_ok(c_wait(t, c, TIMEOUT_MS) == -EIO &&
	       win(t, 1, MVGPU_CTX_ERROR_CODE) == MVGPU_ERR_PAGE_FAULT &&
	       sys[0] == 0x5a5a5a5a,
	       "guest memory: afterwards context 1 faults there and the memory is untouched");
	win_w(t, 1, MVGPU_CTX_RESET, MVGPU_RESET_ENGINE_MAGIC);
	win_w(t, 1, MVGPU_CTX_INT_ACK, MVGPU_INT_ALL);
	c_ring_regs(t, c);
	munmap(sys, SYS_LEN);
}

/* An attack by context A: its commands and the error they must cause. */
struct attack {
	const char *name;
	uint32_t code;
	/* emits the attack on @a; @b is a neighbour it aims at */
	void (*emit)(struct tenant *t, struct cctx *a, struct cctx *b);
	const char *what;
};

static void atk_foreign(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	/* B's data, by its VRAM offset: nothing maps it in A's space. */
	c_emit(t, a, mvgpu_cmd_fill(SLICE_OFF(b->id) + FILL_VA, XFER, 0xbad));
}

static void atk_unmapped(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	c_emit(t, a, mvgpu_cmd_copy(FILL_VA, 0x40000000ull, XFER));
}

static void atk_map(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	c_emit(t, a, mvgpu_cmd_map(0x200000, SLICE_OFF(b->id), SLICE_SIZE,
				   MVGPU_MAP_READ | MVGPU_MAP_WRITE));
}

static void atk_unmap(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	c_emit(t, a, mvgpu_cmd_unmap_ctx(b->id, 0, SLICE_SIZE));
}

static void atk_destroy(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	c_emit(t, a, mvgpu_cmd_context(MVGPU_OP_CTX_DESTROY, b->id, 0));
}

static void atk_priority(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	c_emit(t, a, mvgpu_cmd_context(MVGPU_OP_CTX_PRIORITY, a->id,
				       MVGPU_CTX_PRIO_MAX));
}

static void atk_ring(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	/* The ring latched at the first doorbell: a reset, then a bad size. */
	win_w(t, a->id, MVGPU_CTX_RESET, MVGPU_RESET_ENGINE_MAGIC);
	c_ring_regs(t, a);
	win_w(t, a->id, MVGPU_CTX_RING_SIZE, 0x3000);	/* not a power of 2 */
	c_emit(t, a, mvgpu_cmd_nop());
}

static void atk_hang(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	*c_data(t, a, NEVER_VA) = 0;
	c_emit(t, a, mvgpu_cmd_wait(NEVER_VA, 1));
}

static void atk_forge(struct tenant *t, struct cctx *a, struct cctx *b)
{
	(void)t;
	(void)b;
	/* B's SEQNO is the device's: the register ignores writes... */
	win_w(t, b->id, MVGPU_CTX_SEQNO_LO, 0xffffffff);
	/* ...and A cannot reach B's memory to fake a fence there. */
	c_emit(t, a, mvgpu_cmd_fence(SLICE_OFF(b->id) + NEVER_VA, ~0ull, 0));
}

static const struct attack attacks[] = {
	{ "foreign", MVGPU_ERR_PAGE_FAULT, atk_foreign,
	  "FILL of a neighbour context's VRAM" },
	{ "unmapped", MVGPU_ERR_PAGE_FAULT, atk_unmapped,
	  "COPY from memory context 0 never mapped for it" },
	{ "map", MVGPU_ERR_PRIVILEGED, atk_map,
	  "MAP of a neighbour's VRAM into its own space" },
	{ "unmap", MVGPU_ERR_PRIVILEGED, atk_unmap,
	  "UNMAP of a neighbour context's page table" },
	{ "destroy", MVGPU_ERR_PRIVILEGED, atk_destroy,
	  "CTX_DESTROY of a neighbour" },
	{ "priority", MVGPU_ERR_PRIVILEGED, atk_priority,
	  "CTX_PRIORITY of itself to the top" },
	{ "ring", MVGPU_ERR_RING, atk_ring, "a RING_SIZE not a power of two" },
	{ "hang", MVGPU_ERR_TIMEOUT, atk_hang, "WAIT forever (the watchdog)" },
	{ "forge", MVGPU_ERR_PAGE_FAULT, atk_forge,
	  "a forged completion of a neighbour (its SEQNO, its fence)" },
};

/* Attack @k by context 1 while every other context works, then recovery. */
static void attack(struct tenant *t, const struct attack *k, uint32_t round)
{
	struct cctx *a = &t->c[1], *b = &t->c[2];
	uint64_t b_before = seqno(t, b->id);
	int64_t end;
	uint32_t code;

	all_submit(t, a->id, 1000 * round);
	k->emit(t, a, b);
	c_kick(t, a);
	end = now_ms() + TIMEOUT_MS;
	while (win(t, a->id, MVGPU_CTX_STATUS) != MVGPU_ENGINE_STOPPED &&
	       now_ms() < end)
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	code = win(t, a->id, MVGPU_CTX_ERROR_CODE);
	tap_ok(code == k->code, "%s: %s stops the attacking context with %s (got %s, info %#x)",
	       k->name, k->what, mvgpu_err_name(k->code), mvgpu_err_name(code),
	       win(t, a->id, MVGPU_CTX_ERROR_INFO));
	tap_ok(win(t, a->id, MVGPU_CTX_INT_STATUS) & MVGPU_INT_ERROR,
	       "%s: the error is raised in its window's INT_STATUS", k->name);
	tap_ok(all_exact(t, a->id), "%s: the other %u contexts' work is exact meanwhile",
	       k->name, t->n - 2);
	tap_ok(seqno(t, b->id) == b_before + 3 && win(t, b->id, MVGPU_CTX_STATUS) !=
	       MVGPU_CTX_FREE,
	       "%s: the neighbour it aimed at exists, its SEQNO counts only its own work",
	       k->name);
	tap_ok(!mvgpu_reg(&t->h, MVGPU_REG_ERROR_CODE),
	       "%s: context 0 has no error", k->name);

	/* Its RESET: ring and error registers clear, the rest stays. */
	win_w(t, a->id, MVGPU_CTX_RESET, MVGPU_RESET_ENGINE_MAGIC);
	win_w(t, a->id, MVGPU_CTX_INT_ACK, MVGPU_INT_ALL);
	tap_ok(!win(t, a->id, MVGPU_CTX_ERROR_CODE) &&
	       win(t, a->id, MVGPU_CTX_STATUS) == MVGPU_ENGINE_IDLE,
	       "%s: the context's RESET clears its error", k->name);
	c_ring_regs(t, a);
	work_submit(t, a, 77 + round);
	c_kick(t, a);
	tap_ok(!c_wait(t, a, TIMEOUT_MS) && work_exact(t, a),
	       "%s: after its RESET the context runs exact work again (its page table kept)",
	       k->name);
}

static int run(const char *uuid)
{
	struct tenant *t = calloc(1, sizeof(*t));
	uint32_t caps, id, round;
	int64_t t0;

	if (!t)
		return 1;
	if (mvgpu_open(&t->h, uuid) || mvgpu_bus_master(&t->h, 1)) {
		tap_ok(0, "open %s: %s", uuid, mvgpu_errmsg());
		return 1;
	}
	t->vram = mvgpu_vram_map(&t->h);
	tap_ok(t->vram != NULL, "map the VRAM aperture");
	if (!t->vram)
		return 1;
	caps = mvgpu_reg(&t->h, MVGPU_REG_CAPS);
	t->n = mvgpu_reg(&t->h, MVGPU_REG_NUM_CONTEXTS);
	tap_ok(caps & MVGPU_CAP_CONTEXTS, "CAPS has CONTEXTS (%#x)", caps);
	tap_ok(mvgpu_reg(&t->h, MVGPU_REG_VERSION) >= (0 << 16 | 4),
	       "VERSION is 0.4 or later");
	tap_ok(t->n >= 16 && t->n <= MVGPU_CTX_MAX, "NUM_CONTEXTS %u (16 .. %u)",
	       t->n, MVGPU_CTX_MAX);
	if (t->n < 16 || t->n > MVGPU_CTX_MAX)
		return 1;
	tap_ok(win(t, 1, MVGPU_CTX_STATUS) == MVGPU_CTX_FREE &&
	       win(t, t->n - 1, MVGPU_CTX_STATUS) == MVGPU_CTX_FREE,
	       "contexts 1 .. %u read FREE before context 0 creates them", t->n - 1);
	mvgpu_ring_init(&t->r, &t->h, RING0_OFF, RING0_SIZE, FENCE0_OFF);

	for (id = 1; id < t->n; id++)
		if (c_create(t, id, MVGPU_CTX_PRIO_NORMAL))
			break;
	tap_ok(id == t->n, "context 0 creates contexts 1 .. %u and maps each its VRAM",
	       t->n - 1);
	if (id != t->n)
		return 1;
	tap_ok(c0_do(t, mvgpu_cmd_context(MVGPU_OP_CTX_CREATE, t->n, 0)) ==
	       MVGPU_ERR_BAD_CONTEXT && (mvgpu_reg(&t->h, MVGPU_REG_ERROR_INFO) >>
					 MVGPU_ERR_REASON_SHIFT) == MVGPU_CTX_ERR_ID,
	       "CTX_CREATE past NUM_CONTEXTS: BAD_CONTEXT (ID) in context 0");
	c0_recover(t);
	tap_ok(win(t, 5, MVGPU_CTX_STATUS) != MVGPU_CTX_FREE,
	       "context 0's engine reset (ENG!) keeps the contexts");

	for (round = 1; round <= 3; round++) {
		t0 = now_ms();
		all_submit(t, 0, round * 100);
		tap_ok(all_exact(t, 0),
		       "round %u: %u contexts run FILL, COPY and MATMUL at once, all exact (%" PRId64 " ms)",
		       round, t->n - 1, now_ms() - t0);
	}

	guest_memory(t);

	for (round = 0; round < sizeof(attacks) / sizeof(attacks[0]); round++)
		attack(t, &attacks[round], round + 1);

	/* A vGPU reset (RST!) destroys every context but 0. */
	mvgpu_reg_write(&t->h, MVGPU_REG_RESET, MVGPU_RESET_MAGIC);
	for (id = 1; id < t->n; id++)
		if (win(t, id, MVGPU_CTX_STATUS) != MVGPU_CTX_FREE)
			break;
	tap_ok(id == t->n, "the vGPU's reset destroys contexts 1 .. %u", t->n - 1);
	tap_ok(!seqno(t, 0), "context 0's SEQNO starts again at 0");
	mvgpu_ring_init(&t->r, &t->h, RING0_OFF, RING0_SIZE, FENCE0_OFF);
	tap_ok(!c_create(t, 1, MVGPU_CTX_PRIO_LOW),
	       "a context can be created again after the reset");
	work_submit(t, &t->c[1], 4242);
	c_kick(t, &t->c[1]);
	tap_ok(!c_wait(t, &t->c[1], TIMEOUT_MS) && work_exact(t, &t->c[1]) &&
	       seqno(t, 1) == 3,
	       "... and runs exact work, its SEQNO from 0");
	mvgpu_close(&t->h);
	free(t);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

/* bench */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least pct% at or below it. */
static double pct_us(const int64_t *sorted, size_t n, unsigned int pct)
{
	size_t rank = (n * pct + 99) / 100;

	return sorted[rank ? rank - 1 : 0] / 1e3;
}

/* Keep 3 SPINs of 5 ms queued on each hog context. */
static void hogs_top_up(struct tenant *t, uint32_t hogs)
{
	uint32_t id;

	for (id = 2; id < 2 + hogs; id++) {
		struct cctx *c = &t->c[id];

		if (c->submitted - seqno(t, id) >= 3)
			continue;
		while (c->submitted - seqno(t, id) < 3)
			c_emit(t, c, mvgpu_cmd_spin(5000));
		c_kick(t, c);
	}
}

/*
 * The interactive context 1: every 10 ms, 200 us of SPIN and a FENCE with
 * an interrupt; the latency from its doorbell to the eventfd.
 */
static int interactive(struct tenant *t, int efd, double seconds,
		       uint32_t hogs, const char *label)
{
	int64_t period = 10000000, start = now_ns(), next = start, t0, t1;
	int64_t end = start + (int64_t)(seconds * 1e9);
	size_t n = 0, max = (size_t)(seconds * 100) + 2;
	struct cctx *c = &t->c[1];
	struct timespec ts;
	uint64_t cnt;
	int64_t *lat = malloc(max * sizeof(*lat));

	if (!lat)
		return -ENOMEM;
	while (n < max && now_ns() < end) {
		hogs_top_up(t, hogs);
		c_emit(t, c, mvgpu_cmd_spin(200));
		c_emit(t, c, mvgpu_cmd_fence(NEVER_VA + 8, c->submitted + 1,
					     MVGPU_CMD_FLAG_IRQ));
		t0 = now_ns();
		c_kick(t, c);
		for (;;) {
			if (mvgpu_eventfd_wait(efd, TIMEOUT_MS, &cnt) <= 0) {
				tap_diag("%s: no interrupt: %s; INT_STATUS %#x INT_MASK %#x CTX_PENDING %#x, context %u: STATUS %u SEQNO %llu of %llu INT_STATUS %#x INT_MASK %#x ERROR %s",
					 label, mvgpu_errmsg(),
					 mvgpu_reg(&t->h, MVGPU_REG_INT_STATUS),
					 mvgpu_reg(&t->h, MVGPU_REG_INT_MASK),
					 mvgpu_reg(&t->h, MVGPU_REG_CTX_PENDING_LO),
					 c->id, win(t, c->id, MVGPU_CTX_STATUS),
					 (unsigned long long)seqno(t, c->id),
					 (unsigned long long)c->submitted,
					 win(t, c->id, MVGPU_CTX_INT_STATUS),
					 win(t, c->id, MVGPU_CTX_INT_MASK),
					 mvgpu_err_name(win(t, c->id, MVGPU_CTX_ERROR_CODE)));
				free(lat);
				return -ETIMEDOUT;
			}
			/* The handler: CTX_PENDING, then the window's causes. */
			if (mvgpu_reg(&t->h, MVGPU_REG_CTX_PENDING_LO) & (1u << c->id))
				win_w(t, c->id, MVGPU_CTX_INT_ACK,
				      win(t, c->id, MVGPU_CTX_INT_STATUS));
			if (seqno(t, c->id) >= c->submitted)
				break;
		}
		t1 = now_ns();
		lat[n++] = t1 - t0;
		next += period;
		if (next <= t1)
			next += ((t1 - next) / period + 1) * period;
		ts.tv_sec = next / 1000000000;
		ts.tv_nsec = next % 1000000000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
	qsort(lat, n, sizeof(*lat), cmp_i64);
	printf("latency %s n=%zu p50_us=%.1f p99_us=%.1f max_us=%.1f\n", label, n,
	       pct_us(lat, n, 50), pct_us(lat, n, 99), lat[n - 1] / 1e3);
	free(lat);
	return 0;
}

/* Open @uuid as context 0's driver; the tenant, or NULL (said why). */
static struct tenant *tenant_open(const char *uuid)
{
	struct tenant *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (mvgpu_open(&t->h, uuid) || mvgpu_bus_master(&t->h, 1) ||
	    !(t->vram = mvgpu_vram_map(&t->h))) {
		fprintf(stderr, "contexts: %s: %s\n", uuid, mvgpu_errmsg());
		free(t);
		return NULL;
	}
	t->n = mvgpu_reg(&t->h, MVGPU_REG_NUM_CONTEXTS);
	mvgpu_ring_init(&t->r, &t->h, RING0_OFF, RING0_SIZE, FENCE0_OFF);
	return t;
}

static int bench(const char *uuid, double seconds, uint32_t hogs)
{
	struct tenant *t = tenant_open(uuid);
	uint32_t id, e = 0;
	int efd = -1, ret = 1;

	if (!t)
		return 1;
	if (hogs + 2 > t->n) {
		fprintf(stderr, "contexts: %u hogs need %u contexts, the vGPU has %u\n",
			hogs, hogs + 2, t->n);
		goto out;
	}
	for (id = 1; id < 2 + hogs && !e; id++)
		e = c_create(t, id, id == 1 ? MVGPU_CTX_PRIO_HIGH : MVGPU_CTX_PRIO_LOW);
	efd = eventfd(0, EFD_CLOEXEC);
	if (e || efd < 0 || mvgpu_irq_arm(&t->h, VFIO_PCI_MSI_IRQ_INDEX, efd)) {
		fprintf(stderr, "contexts: set-up: %s\n", mvgpu_errmsg());
		goto out;
	}
	mvgpu_reg_write(&t->h, MVGPU_REG_INT_MASK, MVGPU_INT_CONTEXT);
	win_w(t, 1, MVGPU_CTX_INT_MASK, MVGPU_INT_FENCE);
	if (interactive(t, efd, seconds, 0, "alone") ||
	    interactive(t, efd, seconds, hogs, "loaded"))
		goto out;
	ret = 0;
out:
	mvgpu_close(&t->h);
	if (efd >= 0)
		close(efd);
	free(t);
	return ret;
}

static volatile sig_atomic_t hog_stop;

static void hog_term(int sig __attribute__((unused)))
{
	hog_stop = 1;
}

static int hog(const char *uuid, double seconds, uint32_t n)
{
	struct tenant *t = tenant_open(uuid);
	int64_t end = now_ms() + (int64_t)(seconds * 1000);
	uint64_t spins = 0, least = UINT64_MAX;
	uint32_t id;
	int ret = 1;

	signal(SIGTERM, hog_term);

	if (!t)
		return 1;
	if (n < 1 || n + 1 > t->n) {
		fprintf(stderr, "contexts: %u contexts besides context 0, the vGPU has %u in all\n",
			n, t->n);
		goto out;
	}
	for (id = 1; id <= n; id++)
		if (c_create(t, id, MVGPU_CTX_PRIO_NORMAL))
			goto out;
	while (!hog_stop && now_ms() < end) {
		for (id = 1; id <= n; id++) {
			struct cctx *c = &t->c[id];

			if (win(t, id, MVGPU_CTX_STATUS) == MVGPU_ENGINE_STOPPED) {
				fprintf(stderr, "contexts: context %u stopped: %s\n", id,
					mvgpu_err_name(win(t, id, MVGPU_CTX_ERROR_CODE)));
				goto out;
			}
			if (c->submitted - seqno(t, id) >= 3)
				continue;
			while (c->submitted - seqno(t, id) < 3) {
				c_emit(t, c, mvgpu_cmd_spin(2000));
				spins++;
			}
			c_kick(t, c);
		}
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	for (id = 1; id <= n; id++)
		if (seqno(t, id) < least)
			least = seqno(t, id);
	printf("hog contexts=%u spins=%llu least_done=%llu\n", n,
	       (unsigned long long)spins, (unsigned long long)least);
	ret = 0;
out:
	mvgpu_close(&t->h);
	free(t);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "run"))
		return run(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "hog"))
		return hog(argv[2], atof(argv[3]), atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "bench"))
		return bench(argv[2], atof(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: contexts run UUID\n"
		"       contexts hog UUID SECONDS N\n"
		"       contexts bench UUID SECONDS HOGS\n");
	return 2;
}
