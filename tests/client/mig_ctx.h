/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tests of contexts in a migration share (mig_ctx.c,
 * mig_ctx_hostile.c): a tenant VM whose context 0 creates contexts, maps
 * each a slice of VRAM (context 1 also guest RAM) and gives each a chain
 * of MATMULs, a FILL (context 1 a COPY to guest RAM) and a FENCE with an
 * interrupt, whose results are known.
 */
#ifndef MVGPU_MIG_CTX_H
#define MVGPU_MIG_CTX_H

#include "mig_common.h"
#include "mig_try.h"


#define NCTX		6
#define SLICE_SIZE	0x100000ull
#define SLICE_OFF(n)	(0x1000000ull + (uint64_t)(n) * SLICE_SIZE)
#define CRING_SIZE	0x4000u
#define MAT_VA		0x10000ull
#define FILL_VA		0xc0000ull
#define FILL_LEN	0x4000ull
#define FENCE_VA	0xd0000ull
#define CSYS_VA		0x200000ull	/* context 1's guest RAM */
#define CSYS_IOVA	(SYS_IOVA + 0x100000)
#define CSYS_LEN	0x10000ull
#define CHAIN		4

struct cctx {
	uint32_t id, prio, tail, fill, d;
	uint64_t submitted;		/* its SEQNO once all is done */
	uint32_t *want[CHAIN];
};

struct tenant {
	struct vm vm;
	uint32_t n;			/* NUM_CONTEXTS */
	uint32_t nctx;			/* contexts 1 .. nctx in use */
	struct cctx c[NCTX + 1];
};

static inline uint32_t win(struct vm *vm, uint32_t id, uint32_t reg)
{
	return mvgpu_reg(&vm->h, MVGPU_CTX_REGS(id) + reg);
}

static inline void win_w(struct vm *vm, uint32_t id, uint32_t reg, uint32_t val)
{
	mvgpu_reg_write(&vm->h, MVGPU_CTX_REGS(id) + reg, val);
}

static inline uint64_t seqno(struct vm *vm, uint32_t id)
{
	uint32_t hi, lo;

	do {
		hi = win(vm, id, MVGPU_CTX_SEQNO_HI);
		lo = win(vm, id, MVGPU_CTX_SEQNO_LO);
	} while (hi != win(vm, id, MVGPU_CTX_SEQNO_HI));
	return (uint64_t)hi << 32 | lo;
}

/* Context 0 runs @cmd and waits for it: 0, or its ERROR_CODE. */
static inline uint32_t c0_do(struct vm *vm, struct mvgpu_cmd cmd)
{
	int err = mvgpu_ring_emit(&vm->r, &cmd);

	if (!err)
		err = mvgpu_ring_fence_wait(&vm->r, TIMEOUT_MS);
	if (!err)
		return 0;
	return mvgpu_reg(&vm->h, MVGPU_REG_ERROR_CODE) ?: 0xdead;
}

/* Context 0 creates context @id, maps it its slice (1: guest RAM too). */
static inline int c_create(struct tenant *t, uint32_t id, uint32_t prio)
{
	struct cctx *c = &t->c[id];
	uint32_t e;

	e = c0_do(&t->vm, mvgpu_cmd_context(MVGPU_OP_CTX_CREATE, id, prio));
	e = e ?: c0_do(&t->vm, mvgpu_cmd_map_ctx(id, 0, SLICE_OFF(id), SLICE_SIZE,
						 MVGPU_MAP_READ | MVGPU_MAP_WRITE));
	if (!e && id == 1)
		e = c0_do(&t->vm, mvgpu_cmd_map_ctx(id, CSYS_VA, CSYS_IOVA, CSYS_LEN,
						    MVGPU_MAP_READ | MVGPU_MAP_WRITE |
						    MVGPU_MAP_SYSMEM));
	if (e) {
		tap_diag("context %u: context 0 got %s", id, mvgpu_err_name(e));
		return -EIO;
	}
	c->id = id;
	c->prio = prio;
	win_w(&t->vm, id, MVGPU_CTX_RING_BASE_LO, 0);
	win_w(&t->vm, id, MVGPU_CTX_RING_BASE_HI, 0);
	win_w(&t->vm, id, MVGPU_CTX_RING_SIZE, CRING_SIZE);
	win_w(&t->vm, id, MVGPU_CTX_INT_MASK, MVGPU_INT_FENCE | MVGPU_INT_ERROR);
	c->tail = 0;
	c->submitted = seqno(&t->vm, id);
	return 0;
}

static inline uint8_t *c_mem(struct tenant *t, struct cctx *c, uint64_t va)
{
	return t->vm.vram + SLICE_OFF(c->id) + va;
}

static inline void c_emit(struct tenant *t, struct cctx *c, struct mvgpu_cmd cmd)
{
	memcpy(c_mem(t, c, c->tail), &cmd, sizeof(cmd));
	c->tail = (c->tail + MVGPU_CMD_SIZE) % CRING_SIZE;
	c->submitted++;
}

static inline void c_kick(struct tenant *t, struct cctx *c)
{
	__sync_synchronize();
	win_w(&t->vm, c->id, MVGPU_CTX_DOORBELL, c->tail);
}

static inline uint64_t mat_va(struct cctx *c, int i)	/* -2: A, -1: B */
{
	return MAT_VA + (uint64_t)(i + 2) * c->d * c->d * 4;
}

static inline void matmul(uint32_t *o, const uint32_t *a, const uint32_t *b,
		   uint32_t d)
{
	for (uint32_t i = 0; i < d; i++)
		for (uint32_t j = 0; j < d; j++) {
			uint32_t acc = 0;

			for (uint32_t k = 0; k < d; k++)
				acc += a[i * d + k] * b[k * d + j];
			o[i * d + j] = acc;
		}
}

/*
 * A chain of MATMULs of d x d, a FILL (context 1: a COPY of the last
 * product to guest RAM) and a FENCE with an interrupt; kicked.
 */
static inline void c_work(struct tenant *t, struct cctx *c, uint32_t d)
{
	uint32_t n = d * d, *a, *b;

	c->d = d;		/* before mat_va(), which lays out d x d */
	a = (uint32_t *)c_mem(t, c, mat_va(c, -2));
	b = (uint32_t *)c_mem(t, c, mat_va(c, -1));
	c->fill = (uint32_t)xrand(&seed);
	for (uint32_t i = 0; i < n; i++) {
		a[i] = (uint32_t)xrand(&seed);
		b[i] = (uint32_t)xrand(&seed);
	}
	for (int i = 0; i < CHAIN; i++) {
		free(c->want[i]);
		c->want[i] = malloc(n * 4);
		matmul(c->want[i], i ? c->want[i - 1] : a, b, d);
		memset(c_mem(t, c, mat_va(c, i)), 0, n * 4);
		c_emit(t, c, mvgpu_cmd_matmul(i ? mat_va(c, i - 1) : mat_va(c, -2),
					      mat_va(c, -1), mat_va(c, i), d, d, d));
	}
	memset(c_mem(t, c, FILL_VA), 0, FILL_LEN);
	c_emit(t, c, mvgpu_cmd_fill(FILL_VA, FILL_LEN, c->fill));
	if (c->id == 1)
		c_emit(t, c, mvgpu_cmd_copy(CSYS_VA, mat_va(c, CHAIN - 1), n * 4));
	c_emit(t, c, mvgpu_cmd_fence(FENCE_VA, c->submitted + 1,
				     MVGPU_CMD_FLAG_IRQ));
	c_kick(t, c);
}

/* Wait for @c's work on @vm, then check every result; 1 if exact. */
static inline int c_exact(struct tenant *t, struct cctx *c)
{
	double end = now_ms() + TIMEOUT_MS;
	uint32_t n = c->d * c->d, *f = (uint32_t *)c_mem(t, c, FILL_VA);
	int bad = 0;

	while (seqno(&t->vm, c->id) < c->submitted && now_ms() < end &&
	       win(&t->vm, c->id, MVGPU_CTX_STATUS) != MVGPU_ENGINE_STOPPED)
		usleep(1000);
	if (seqno(&t->vm, c->id) != c->submitted) {
		tap_diag("context %u: SEQNO %" PRIu64 " of %" PRIu64 ", %s", c->id,
			 seqno(&t->vm, c->id), c->submitted,
			 mvgpu_err_name(win(&t->vm, c->id, MVGPU_CTX_ERROR_CODE)));
		return 0;
	}
	__sync_synchronize();
	for (int i = 0; i < CHAIN; i++)
		if (memcmp(c_mem(t, c, mat_va(c, i)), c->want[i], n * 4)) {
			tap_diag("context %u: MATMUL %d differs", c->id, i);
			bad = 1;
		}
	for (uint32_t i = 0; i < FILL_LEN / 4; i++)
		bad |= f[i] != c->fill;
	if (c->id == 1 && memcmp(t->vm.ram + (CSYS_IOVA - SYS_IOVA),
				 c->want[CHAIN - 1], n * 4)) {
		tap_diag("context 1: the COPY to guest RAM differs");
		bad = 1;
	}
	bad |= *(volatile uint64_t *)c_mem(t, c, FENCE_VA) != c->submitted;
	bad |= !!win(&t->vm, c->id, MVGPU_CTX_ERROR_CODE);
	return !bad;
}

/* How many sections of @type a stream has. */
static inline unsigned int count_type(const struct stream *s, uint32_t type)
{
	struct sections x;
	unsigned int n = 0;

	stream_index(s, &x);
	for (unsigned int i = 0; i < x.n; i++)
		n += x.type[i] == type;
	return n;
}

/* The @n-th CTX section's payload. */
static inline struct mvgpu_mig_ctx *ctx_of(struct stream *s, unsigned int n)
{
	return (void *)(s->p + sec_off(s, MVGPU_MIG_SEC_CTX, n) +
			sizeof(struct mvgpu_mig_section));
}

static inline struct mvgpu_mig_ctx_gpt *ctx_gpt_of(struct stream *s, unsigned int n)
{
	return (void *)(s->p + sec_off(s, MVGPU_MIG_SEC_CTX_GPT, n) +
			sizeof(struct mvgpu_mig_section));
}

/* A tenant on @uuid: context 0 and contexts 1 .. @nctx, each given work. */
static inline int tenant_start(struct tenant *t, const char *uuid, uint32_t nctx,
			uint32_t d)
{
	static const uint32_t prios[] = {
		MVGPU_CTX_PRIO_NORMAL, MVGPU_CTX_PRIO_LOW, MVGPU_CTX_PRIO_HIGH,
		MVGPU_CTX_PRIO_MAX, MVGPU_CTX_PRIO_LOW, MVGPU_CTX_PRIO_NORMAL,
	};
	uint32_t id;

	memset(t, 0, sizeof(*t));
	if (vm_open(&t->vm, uuid, NULL, 1)) {
		tap_ok(0, "tenant set up on %s: %s", uuid, mvgpu_errmsg());
		return -EIO;
	}
	t->n = mvgpu_reg(&t->vm.h, MVGPU_REG_NUM_CONTEXTS);
	t->nctx = nctx;
	if (!tap_ok(t->n > nctx && t->n <= MVGPU_CTX_MAX, "NUM_CONTEXTS %u", t->n))
		return -EIO;
	for (id = 1; id <= nctx; id++)
		if (c_create(t, id, prios[(id - 1) % 6]))
			break;
	if (!tap_ok(id > nctx, "context 0 creates contexts 1 .. %u of several priorities",
		    nctx))
		return -EIO;
	mvgpu_reg_write(&t->vm.h, MVGPU_REG_SCRATCH, (uint32_t)xrand(&seed));
	for (id = 1; id <= nctx; id++)
		c_work(t, &t->c[id], d);
	return 0;
}

static inline int all_exact(struct tenant *t)
{
	uint32_t bad = 0;

	for (uint32_t id = 1; id <= t->nctx; id++)
		bad += !c_exact(t, &t->c[id]);
	return !bad;
}

#endif
