// SPDX-License-Identifier: GPL-2.0
/*
 * The software engine's command processor: fetches commands from a vGPU's
 * ring and executes them in bounded steps.
 */

#include <linux/kernel.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/processor.h>
#include <linux/sched/signal.h>
#include <linux/string.h>

#include <mvgpu/engine.h>
#include <mvgpu/vgpu.h>

#include "core/trace.h"
#include "mm/gmem.h"
#include "cmd.h"

/**
 * DOC: Preemption points
 *
 * A command runs as a series of steps, each a bounded amount of work: at
 * most MVGPU_EXEC_BUF_SIZE bytes of FILL, COPY or REDUCE, 4096 elements of
 * VADD, one row segment of MATMUL with at most 64 Ki multiply-adds,
 * 20 microseconds of SPIN.  Between steps the runner may stop; how far the
 * command got (struct mvgpu_ctx @progress, @acc) stays in the context, and
 * the next step continues from there, so a command preempted any number of
 * times produces exactly the result of an unpreempted run.  The command
 * itself was copied out of the ring when it was fetched, so a guest
 * rewriting its ring meanwhile changes nothing.
 */

#define MVGPU_SPIN_STEP_NS	20000
#define MVGPU_VADD_STEP		4096
#define MVGPU_MATMUL_STEP_MACS	65536

/* What a step did. */
enum mvgpu_step {
	MVGPU_STEP_MORE,	/* progress made, more to do */
	MVGPU_STEP_DONE,	/* the command completed */
	MVGPU_STEP_BLOCKED,	/* WAIT not satisfied */
	MVGPU_STEP_FAULT,	/* *err says why */
};

/* A fault: error code and info as the registers will show them. */
struct mvgpu_fault {
	u32 code;
	u32 info;
	u64 addr;
};

/* Access GPU memory for the current command; true if it faulted. */
static bool mvgpu_exec_mem(struct mvgpu_ctx *ctx, struct mvgpu_exec_bufs *b,
			   u64 va, void *buf, u64 len, bool write,
			   struct mvgpu_fault *f)
{
	int ret = mvgpu_gmem_rw(ctx, b->tlb, va, buf, len, write, &f->addr);

	if (!ret)
		return false;
	f->code = ret == -EACCES ? MVGPU_ERR_PERMISSION : MVGPU_ERR_PAGE_FAULT;
	f->info = ctx->cmd.opcode;
	return true;
}

static enum mvgpu_step mvgpu_exec_fill(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.fill) *c = &ctx->cmd.fill;
	u64 n = min_t(u64, c->size - ctx->progress, MVGPU_EXEC_BUF_SIZE);
	__le32 *p = b->a;
	unsigned int i;

	for (i = 0; i < n / 4; i++)
		p[i] = cpu_to_le32(c->value);
	if (mvgpu_exec_mem(ctx, b, c->dst + ctx->progress, b->a, n, true, f))
		return MVGPU_STEP_FAULT;
	ctx->progress += n;
	return ctx->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

/* memmove(): backwards when the destination overlaps the source's tail. */
static enum mvgpu_step mvgpu_exec_copy(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.copy) *c = &ctx->cmd.copy;
	u64 n = min_t(u64, c->size - ctx->progress, MVGPU_EXEC_BUF_SIZE);
	u64 off = ctx->progress;

	if (c->dst > c->src && c->dst < c->src + c->size)
		off = c->size - ctx->progress - n;
	if (mvgpu_exec_mem(ctx, b, c->src + off, b->a, n, false, f))
		return MVGPU_STEP_FAULT;
	if (mvgpu_exec_mem(ctx, b, c->dst + off, b->a, n, true, f))
		return MVGPU_STEP_FAULT;
	ctx->progress += n;
	return ctx->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

static enum mvgpu_step mvgpu_exec_vadd(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.kernel) *k = &ctx->cmd.kernel;
	u64 n = min_t(u64, k->n - ctx->progress, MVGPU_VADD_STEP);
	u64 off = ctx->progress * 4;
	__le32 *a = b->a, *bb = b->b, *c = b->c;
	unsigned int i;

	if (mvgpu_exec_mem(ctx, b, k->a + off, a, n * 4, false, f))
		return MVGPU_STEP_FAULT;
	if (mvgpu_exec_mem(ctx, b, k->b + off, bb, n * 4, false, f))
		return MVGPU_STEP_FAULT;
	for (i = 0; i < n; i++)
		c[i] = cpu_to_le32(le32_to_cpu(a[i]) + le32_to_cpu(bb[i]));
	if (mvgpu_exec_mem(ctx, b, k->c + off, c, n * 4, true, f))
		return MVGPU_STEP_FAULT;
	ctx->progress += n;
	return ctx->progress == k->n ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

static enum mvgpu_step mvgpu_exec_reduce(struct mvgpu_ctx *ctx,
					 struct mvgpu_exec_bufs *b,
					 struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.kernel) *k = &ctx->cmd.kernel;
	u64 n = min_t(u64, k->n - ctx->progress, MVGPU_EXEC_BUF_SIZE / 4);
	__le32 *a = b->a;
	__le64 sum;
	unsigned int i;

	if (mvgpu_exec_mem(ctx, b, k->a + ctx->progress * 4, a, n * 4, false, f))
		return MVGPU_STEP_FAULT;
	for (i = 0; i < n; i++)
		ctx->acc += le32_to_cpu(a[i]);
	ctx->progress += n;
	if (ctx->progress < k->n)
		return MVGPU_STEP_MORE;
	sum = cpu_to_le64(ctx->acc);
	if (mvgpu_exec_mem(ctx, b, k->c, &sum, sizeof(sum), true, f))
		return MVGPU_STEP_FAULT;
	return MVGPU_STEP_DONE;
}

/*
 * One segment of one output row: c[i][j0 .. j0 + w) with @progress the
 * index i * n + j0 of its first element.
 */
static enum mvgpu_step mvgpu_exec_matmul(struct mvgpu_ctx *ctx,
					 struct mvgpu_exec_bufs *b,
					 struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.kernel) *k = &ctx->cmd.kernel;
	u64 i = div_u64(ctx->progress, k->n), j0 = ctx->progress - i * k->n;
	u32 w = min3((u64)k->n - j0, (u64)max(1U, MVGPU_MATMUL_STEP_MACS / k->k),
		     (u64)MVGPU_EXEC_BUF_SIZE / 4);
	__le32 *a = b->a, *row = b->b, *c = b->c;
	u32 *acc = b->c;
	unsigned int kk, j;

	if (mvgpu_exec_mem(ctx, b, k->a + i * k->k * 4, a, (u64)k->k * 4, false, f))
		return MVGPU_STEP_FAULT;
	memset(acc, 0, w * 4);
	for (kk = 0; kk < k->k; kk++) {
		u32 av = le32_to_cpu(a[kk]);
		u64 b_row = k->b + ((u64)kk * k->n + j0) * 4;

		if (mvgpu_exec_mem(ctx, b, b_row, row, (u64)w * 4, false, f))
			return MVGPU_STEP_FAULT;
		for (j = 0; j < w; j++)
			acc[j] += av * le32_to_cpu(row[j]);
	}
	for (j = 0; j < w; j++)
		c[j] = cpu_to_le32(acc[j]);
	if (mvgpu_exec_mem(ctx, b, k->c + (i * k->n + j0) * 4, c, (u64)w * 4, true, f))
		return MVGPU_STEP_FAULT;
	ctx->progress += w;
	return ctx->progress == (u64)k->m * k->n ? MVGPU_STEP_DONE :
						   MVGPU_STEP_MORE;
}

static enum mvgpu_step mvgpu_exec_spin(struct mvgpu_ctx *ctx)
{
	u64 total = (u64)ctx->cmd.spin.usecs * NSEC_PER_USEC;
	u64 want = min_t(u64, total - ctx->progress, MVGPU_SPIN_STEP_NS);
	u64 start = ktime_get_ns(), now;

	do {
		cpu_relax();
		now = ktime_get_ns();
	} while (now - start < want);
	ctx->progress += now - start;
	return ctx->progress >= total ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

static enum mvgpu_step mvgpu_exec_map(struct mvgpu_ctx *ctx,
				      struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.map) *c = &ctx->cmd.map;
	u32 flags = 0;
	u64 end;
	int ret;

	f->code = MVGPU_ERR_BAD_MAP;
	f->info = MVGPU_OP_MAP;
	f->addr = c->va;
	if (c->map_flags & MVGPU_MAP_READ)
		flags |= MVGPU_GPT_READ;
	if (c->map_flags & MVGPU_MAP_WRITE)
		flags |= MVGPU_GPT_WRITE;
	if (c->map_flags & MVGPU_MAP_SYSMEM) {
		flags |= MVGPU_GPT_SYSMEM;
	} else if (check_add_overflow(c->target, c->size, &end) ||
		   end > ctx->vgpu->vram_size) {
		/* Only the vGPU's own VRAM can be named. */
		f->addr = c->target;
		return MVGPU_STEP_FAULT;
	}
	mutex_lock(&ctx->gpt_lock);
	ret = mvgpu_gpt_map(&ctx->gpt, c->va, c->target, c->size, flags);
	mvgpu_ctx_gpt_changed(ctx);
	mutex_unlock(&ctx->gpt_lock);
	return ret ? MVGPU_STEP_FAULT : MVGPU_STEP_DONE;
}

static enum mvgpu_step mvgpu_exec_unmap(struct mvgpu_ctx *ctx,
					struct mvgpu_fault *f)
{
	int ret;

	mutex_lock(&ctx->gpt_lock);
	ret = mvgpu_gpt_unmap(&ctx->gpt, ctx->cmd.unmap.va, ctx->cmd.unmap.size);
	mvgpu_ctx_gpt_changed(ctx);
	mutex_unlock(&ctx->gpt_lock);
	/* Unmapping a hole is fine; a split that needs memory is not. */
	if (ret && ret != -ENOENT) {
		f->code = MVGPU_ERR_BAD_MAP;
		f->info = MVGPU_OP_UNMAP;
		f->addr = ctx->cmd.unmap.va;
		return MVGPU_STEP_FAULT;
	}
	return MVGPU_STEP_DONE;
}

/* WAIT: @progress holds the time it started waiting, plus one. */
static enum mvgpu_step mvgpu_exec_wait(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       struct mvgpu_fault *f)
{
	__le64 val;

	if (mvgpu_exec_mem(ctx, b, ctx->cmd.wait.addr, &val, sizeof(val), false, f))
		return MVGPU_STEP_FAULT;
	if (le64_to_cpu(val) >= ctx->cmd.wait.value)
		return MVGPU_STEP_DONE;
	if (!ctx->progress)
		ctx->progress = ktime_get_ns() + 1;
	return MVGPU_STEP_BLOCKED;
}

static enum mvgpu_step mvgpu_exec_step(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       struct mvgpu_fault *f)
{
	struct mvgpu_cmd *cmd = &ctx->cmd;
	__le64 v;

	switch (cmd->opcode) {
	case MVGPU_OP_NOP:
		return MVGPU_STEP_DONE;
	case MVGPU_OP_FENCE:
		v = cpu_to_le64(cmd->fence.value);
		if (mvgpu_exec_mem(ctx, b, cmd->fence.addr, &v, sizeof(v), true, f))
			return MVGPU_STEP_FAULT;
		if (cmd->flags & MVGPU_CMD_FLAG_IRQ)
			mvgpu_irq_raise(ctx->vgpu, MVGPU_INT_FENCE);
		return MVGPU_STEP_DONE;
	case MVGPU_OP_FILL:
		return mvgpu_exec_fill(ctx, b, f);
	case MVGPU_OP_COPY:
		return mvgpu_exec_copy(ctx, b, f);
	case MVGPU_OP_KERNEL:
		switch (cmd->kernel.kind) {
		case MVGPU_KERNEL_VADD:
			return mvgpu_exec_vadd(ctx, b, f);
		case MVGPU_KERNEL_MATMUL:
			return mvgpu_exec_matmul(ctx, b, f);
		default:
			return mvgpu_exec_reduce(ctx, b, f);
		}
	case MVGPU_OP_SPIN:
		return mvgpu_exec_spin(ctx);
	case MVGPU_OP_TIMESTAMP:
		v = cpu_to_le64(ktime_get_ns());
		if (mvgpu_exec_mem(ctx, b, cmd->timestamp.dst, &v, sizeof(v), true, f))
			return MVGPU_STEP_FAULT;
		return MVGPU_STEP_DONE;
	case MVGPU_OP_MAP:
		return mvgpu_exec_map(ctx, f);
	case MVGPU_OP_UNMAP:
		return mvgpu_exec_unmap(ctx, f);
	case MVGPU_OP_WAIT:
		return mvgpu_exec_wait(ctx, b, f);
	}
	/* mvgpu_cmd_validate() let nothing else through. */
	f->code = MVGPU_ERR_BAD_COMMAND;
	f->info = cmd->opcode;
	return MVGPU_STEP_FAULT;
}

/*
 * Show the engine state in the registers.  An engine that found the ring
 * empty says idle unless a doorbell moved the tail meanwhile (the doorbell
 * makes the tail visible before it says busy); only a reset takes the ring
 * out of STOPPED.
 */
static void mvgpu_exec_publish(struct mvgpu_ctx *ctx, u32 status)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_mmio *m = &vgpu->mmio;
	unsigned long flags;

	spin_lock_irqsave(&vgpu->irq_lock, flags);
	if (status == MVGPU_ENGINE_IDLE && ctx->head != READ_ONCE(ctx->tail))
		status = MVGPU_ENGINE_BUSY;
	m->ring_head = ctx->head;
	m->cmds_done = lower_32_bits(ctx->cmds_done - ctx->cmds_at_reset);
	if (m->engine_status != MVGPU_ENGINE_STOPPED)
		m->engine_status = status;
	spin_unlock_irqrestore(&vgpu->irq_lock, flags);
}

static void mvgpu_exec_fault(struct mvgpu_ctx *ctx, const struct mvgpu_fault *f)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	unsigned long flags;

	ctx->faults++;
	trace_mvgpu_fault(vgpu->id, f->code, f->info, f->addr, ctx->head);
	spin_lock_irqsave(&vgpu->irq_lock, flags);
	vgpu->mmio.ring_head = ctx->head;
	vgpu->mmio.engine_status = MVGPU_ENGINE_STOPPED;
	vgpu->mmio.error_code = f->code;
	vgpu->mmio.error_info = f->info;
	vgpu->mmio.fault_addr = f->addr;
	vgpu->mmio.int_status |= MVGPU_INT_ERROR;
	mvgpu_irq_update_locked(vgpu);
	spin_unlock_irqrestore(&vgpu->irq_lock, flags);
	dev_dbg(vgpu->vdev.dev,
		"vGPU %u stopped: error %u info %#x address %#llx at ring offset %#x\n",
		vgpu->id, f->code, f->info, f->addr, ctx->head);
}

/* Fetch and validate the command at @head. */
static bool mvgpu_exec_fetch(struct mvgpu_ctx *ctx, struct mvgpu_exec_bufs *b,
			     struct mvgpu_fault *f)
{
	struct mvgpu_cmd_error err;

	if (mvgpu_gmem_rw(ctx, b->tlb, ctx->ring_base + ctx->head, &ctx->cmd,
			  sizeof(ctx->cmd), false, &f->addr)) {
		f->code = MVGPU_ERR_PAGE_FAULT;
		f->info = 0;
		return false;
	}
	if (mvgpu_cmd_validate(&ctx->cmd, &err)) {
		f->code = err.code;
		f->info = err.info;
		f->addr = ctx->ring_base + ctx->head;
		return false;
	}
	ctx->cmd_active = true;
	ctx->progress = 0;
	ctx->acc = 0;
	ctx->cmd_ns = 0;
	ctx->poll_ns = 0;
	return true;
}

/**
 * mvgpu_exec_one() - run a context's current command by one step
 * @ctx: the context; the caller runs it
 * @bufs: staging buffers
 * @f: what went wrong, on MVGPU_STEP_FAULT
 *
 * Applies the watchdog: a command that has used more than watchdog_ms of
 * engine time (a WAIT: of wall time since it started waiting) faults with
 * MVGPU_ERR_TIMEOUT.
 */
static enum mvgpu_step mvgpu_exec_one(struct mvgpu_ctx *ctx,
				      struct mvgpu_exec_bufs *bufs,
				      struct mvgpu_fault *f)
{
	u64 limit = (u64)READ_ONCE(mvgpu_watchdog_ms) * NSEC_PER_MSEC;
	u64 start = ktime_get_ns(), now;
	enum mvgpu_step s;

	s = mvgpu_exec_step(ctx, bufs, f);
	now = ktime_get_ns();
	ctx->cmd_ns += now - start;
	ctx->busy_ns += now - start;
	if (s == MVGPU_STEP_MORE && ctx->cmd_ns > limit)
		goto timeout;
	if (s == MVGPU_STEP_BLOCKED && now - (ctx->progress - 1) > limit)
		goto timeout;
	return s;

timeout:
	f->code = MVGPU_ERR_TIMEOUT;
	f->info = ctx->cmd.opcode;
	f->addr = ctx->ring_base + ctx->head;
	return MVGPU_STEP_FAULT;
}

/**
 * mvgpu_exec_run() - run a vGPU's ring until the engine is preempted
 * @ctx: the context; the caller has made it MVGPU_CTX_RUNNING
 * @bufs: the engine's staging buffers
 * @preempt: stop at the first preemption point after this becomes true
 *
 * Context: process context (a kernel thread).
 * Return: why it stopped.
 */
enum mvgpu_run_result mvgpu_exec_run(struct mvgpu_ctx *ctx,
				     struct mvgpu_exec_bufs *bufs,
				     const bool *preempt)
{
	struct mvgpu_fault f;

	for (;;) {
		enum mvgpu_step s;

		/* A bad doorbell already set the error registers. */
		if (READ_ONCE(ctx->ring_error)) {
			ctx->cmd_active = false;
			return MVGPU_RUN_FAULT;
		}
		if (!ctx->cmd_active) {
			if (ctx->head == READ_ONCE(ctx->tail)) {
				mvgpu_exec_publish(ctx, MVGPU_ENGINE_IDLE);
				return MVGPU_RUN_EMPTY;
			}
			if (!mvgpu_exec_fetch(ctx, bufs, &f))
				goto fault;
		}
		s = mvgpu_exec_one(ctx, bufs, &f);
		if (s == MVGPU_STEP_FAULT)
			goto fault;
		if (s == MVGPU_STEP_BLOCKED)
			return MVGPU_RUN_BLOCKED;
		if (s == MVGPU_STEP_DONE) {
			ctx->cmd_active = false;
			ctx->head = (ctx->head + MVGPU_CMD_SIZE) &
				    (ctx->ring_size - 1);
			ctx->cmds_done++;
			mvgpu_exec_publish(ctx, MVGPU_ENGINE_BUSY);
		}
		/* A ring emptied at the end of the slice is not a preemption. */
		if ((READ_ONCE(*preempt) || READ_ONCE(ctx->stopping)) &&
		    (ctx->cmd_active || ctx->head != READ_ONCE(ctx->tail)))
			return MVGPU_RUN_PREEMPTED;
		cond_resched();
	}

fault:
	ctx->cmd_active = false;
	mvgpu_exec_fault(ctx, &f);
	return MVGPU_RUN_FAULT;
}

/**
 * mvgpu_exec_direct() - run commands to completion outside any ring
 * @ctx: the context; the caller has claimed it (MVGPU_CTX_RUNNING)
 * @bufs: staging buffers
 * @cmds: the commands
 * @n: how many
 *
 * The baseline of the mediated-vs-direct benchmarks: the same executor,
 * without doorbell, ring, scheduler or interrupts.  Faults are returned,
 * not recorded in the vGPU's registers.
 *
 * Context: process context.
 * Return: 0; -EIO if a command faulted; -ECANCELED if a reset stopped it;
 * -EINTR on a fatal signal.
 */
int mvgpu_exec_direct(struct mvgpu_ctx *ctx, struct mvgpu_exec_bufs *bufs,
		      const struct mvgpu_cmd *cmds, unsigned int n)
{
	struct mvgpu_cmd_error err;
	struct mvgpu_fault f;
	unsigned int i;

	for (i = 0; i < n; i++) {
		enum mvgpu_step s;

		ctx->cmd = cmds[i];
		if (mvgpu_cmd_validate(&ctx->cmd, &err))
			return -EIO;
		ctx->progress = 0;
		ctx->acc = 0;
		ctx->cmd_ns = 0;
		do {
			if (READ_ONCE(ctx->stopping))
				return -ECANCELED;
			if (fatal_signal_pending(current))
				return -EINTR;
			s = mvgpu_exec_one(ctx, bufs, &f);
			if (s == MVGPU_STEP_BLOCKED)
				usleep_range(50, 100);
		} while (s == MVGPU_STEP_MORE || s == MVGPU_STEP_BLOCKED);
		if (s == MVGPU_STEP_FAULT)
			return -EIO;
	}
	return 0;
}

/**
 * mvgpu_exec_reset() - return a context's engine state to reset
 * @ctx: the context; nobody runs it
 *
 * Drops the ring and any command in flight.  The page table is the
 * caller's (see mvgpu_ctx_restart()).
 */
void mvgpu_exec_reset(struct mvgpu_ctx *ctx)
{
	ctx->ring_error = false;
	ctx->poll_ns = 0;
	ctx->cmds_at_reset = ctx->cmds_done;
	ctx->tail = 0;
	ctx->ring_base = 0;
	ctx->ring_size = 0;
	ctx->head = 0;
	ctx->cmd_active = false;
	memset(&ctx->cmd, 0, sizeof(ctx->cmd));
	ctx->progress = 0;
	ctx->acc = 0;
	ctx->cmd_ns = 0;
}
