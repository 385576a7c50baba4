// SPDX-License-Identifier: GPL-2.0
/*
 * The software engine's command processor: fetches commands from a vGPU's
 * ring and executes them in bounded steps.
 */

#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/processor.h>
#include <linux/sched.h>
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
 * A command runs as a series of steps, each a bounded amount of work, and
 * the engine may stop between any two:
 *
 * - FILL, COPY: up to MVGPU_STEP_BYTES, page by page;
 * - VADD: up to MVGPU_VADD_STEP elements; REDUCE: up to MVGPU_REDUCE_STEP;
 * - MATMUL: one segment of up to MVGPU_MATMUL_COLS output elements of one
 *   row, over as many of the k products as MVGPU_MATMUL_STEP_MACS allows
 *   (at least one); the partial sums are kept in the output itself;
 * - SPIN: MVGPU_SPIN_STEP_NS; MAP of VRAM, UNMAP: about MVGPU_PT_STEP
 *   page-table entries;
 * - MAP of guest memory: nothing on the engine - a worker pins and maps
 *   (DOC: Guest memory) while the context waits off the engine;
 * - everything else: one step.
 *
 * A step also ends early, after the page or the product it is at, once
 * the engine is asked to stop, so the engine gives up a context within a
 * few microseconds of work whatever the command.  How far the command got
 * (struct mvgpu_ctx @progress, @acc) stays in the context and the next
 * step continues from there, so a command preempted any number of times
 * produces exactly the result of an unpreempted run.  The command itself
 * was copied out of the ring when it was fetched, so a guest rewriting its
 * ring meanwhile changes nothing.
 */

#define MVGPU_SPIN_STEP_NS	20000
#define MVGPU_STEP_BYTES	0x10000
#define MVGPU_VADD_STEP		4096
#define MVGPU_REDUCE_STEP	16384
#define MVGPU_MATMUL_COLS	1024
#define MVGPU_MATMUL_STEP_MACS	8192
#define MVGPU_PT_STEP		512

/* MATMUL progress: row, first column of the segment, next product. */
#define MM_I(p)		((u32)((p) >> 40))
#define MM_J(p)		((u32)((p) >> 20) & 0xfffff)
#define MM_K(p)		((u32)(p) & 0xfffff)
#define MM_POS(i, j, k)	(((u64)(i) << 40) | ((u64)(j) << 20) | (k))

/* What a step did. */
enum mvgpu_step {
	MVGPU_STEP_MORE,	/* progress made, more to do */
	MVGPU_STEP_DONE,	/* the command completed */
	MVGPU_STEP_BLOCKED,	/* WAIT not satisfied */
	MVGPU_STEP_PIN,		/* waits for the pin worker */
	MVGPU_STEP_FAULT,	/* *f says why */
};

/* The engine is asked to give the context up. */
static bool mvgpu_exec_stop(struct mvgpu_ctx *ctx, const bool *preempt)
{
	return READ_ONCE(*preempt) || READ_ONCE(ctx->stopping);
}

/* A memory access failed with @err at @addr: the fault to report. */
static enum mvgpu_step mvgpu_exec_mem_fault(struct mvgpu_ctx *ctx, int err,
					    u64 addr, struct mvgpu_fault *f)
{
	switch (err) {
	case -EACCES:
		f->code = MVGPU_ERR_PERMISSION;
		break;
	case -ENOMEM:
		f->code = MVGPU_ERR_NO_MEMORY;
		break;
	case -EPERM:
		f->code = MVGPU_ERR_BUS_MASTER;
		break;
	default:
		f->code = MVGPU_ERR_PAGE_FAULT;
		break;
	}
	f->info = ctx->cmd.opcode;
	f->addr = addr;
	return MVGPU_STEP_FAULT;
}

static enum mvgpu_step mvgpu_exec_fill(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       const bool *preempt,
				       struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.fill) *c = &ctx->cmd.fill;
	u64 budget = MVGPU_STEP_BYTES;

	while (ctx->progress < c->size && budget) {
		u64 va = c->dst + ctx->progress;
		u64 n = min3(c->size - ctx->progress, budget,
			     PAGE_SIZE - offset_in_page(va));
		u64 fa;
		int err = mvgpu_gmem_fill32(ctx, b->tlb, va, c->value, n, &fa);

		if (err)
			return mvgpu_exec_mem_fault(ctx, err, fa, f);
		ctx->progress += n;
		budget -= n;
		if (mvgpu_exec_stop(ctx, preempt))
			break;
	}
	return ctx->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

/*
 * memmove() on GPU VAs: backwards when the destination overlaps the
 * source's tail.  (Two different VAs of the same memory are not an overlap
 * the engine can see: as for a DMA engine, the result is then undefined.)
 */
static enum mvgpu_step mvgpu_exec_copy(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       const bool *preempt,
				       struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.copy) *c = &ctx->cmd.copy;
	bool back = c->dst > c->src && c->dst < c->src + c->size;
	u64 budget = MVGPU_STEP_BYTES;

	while (ctx->progress < c->size && budget) {
		u64 left = c->size - ctx->progress, n, off, fa;
		int err;

		if (back) {
			/* The tail not yet copied: [off, off + n) ends at left. */
			n = min3(left, budget,
				 (u64)offset_in_page(c->dst + left - 1) + 1);
			off = left - n;
		} else {
			off = ctx->progress;
			n = min3(left, budget,
				 PAGE_SIZE - offset_in_page(c->dst + off));
		}
		err = mvgpu_gmem_copy(ctx, b->tlb, c->dst + off, c->src + off,
				      n, back, &fa);
		if (err)
			return mvgpu_exec_mem_fault(ctx, err, fa, f);
		ctx->progress += n;
		budget -= n;
		if (mvgpu_exec_stop(ctx, preempt))
			break;
	}
	return ctx->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

static enum mvgpu_step mvgpu_exec_vadd(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       const bool *preempt,
				       struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.kernel) *k = &ctx->cmd.kernel;
	unsigned int budget = MVGPU_VADD_STEP;
	__le32 *a = b->a, *bb = b->b, *c = b->c;

	while (ctx->progress < k->n && budget) {
		u32 n = min3((u64)k->n - ctx->progress, (u64)budget,
			     PAGE_SIZE / 4);
		u64 off = ctx->progress * 4, fa;
		unsigned int i;
		int err;

		err = mvgpu_gmem_read(ctx, b->tlb, k->a + off, a, n * 4, &fa) ?:
		      mvgpu_gmem_read(ctx, b->tlb, k->b + off, bb, n * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(ctx, err, fa, f);
		for (i = 0; i < n; i++)
			c[i] = cpu_to_le32(le32_to_cpu(a[i]) + le32_to_cpu(bb[i]));
		err = mvgpu_gmem_write(ctx, b->tlb, k->c + off, c, n * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(ctx, err, fa, f);
		ctx->progress += n;
		budget -= n;
		if (mvgpu_exec_stop(ctx, preempt))
			break;
	}
	return ctx->progress == k->n ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

static enum mvgpu_step mvgpu_exec_reduce(struct mvgpu_ctx *ctx,
					 struct mvgpu_exec_bufs *b,
					 const bool *preempt,
					 struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.kernel) *k = &ctx->cmd.kernel;
	unsigned int budget = MVGPU_REDUCE_STEP;
	__le32 *a = b->a;
	u64 fa;
	int err;

	while (ctx->progress < k->n && budget) {
		u32 n = min3((u64)k->n - ctx->progress, (u64)budget,
			     PAGE_SIZE / 4);
		unsigned int i;

		err = mvgpu_gmem_read(ctx, b->tlb, k->a + ctx->progress * 4, a,
				      n * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(ctx, err, fa, f);
		for (i = 0; i < n; i++)
			ctx->acc += le32_to_cpu(a[i]);
		ctx->progress += n;
		budget -= n;
		if (mvgpu_exec_stop(ctx, preempt))
			break;
	}
	if (ctx->progress < k->n)
		return MVGPU_STEP_MORE;
	b->sum = cpu_to_le64(ctx->acc);
	err = mvgpu_gmem_write(ctx, b->tlb, k->c, &b->sum, sizeof(b->sum), &fa);
	if (err)
		return mvgpu_exec_mem_fault(ctx, err, fa, f);
	return MVGPU_STEP_DONE;
}

/*
 * c[i][j0 .. j0 + w) += a[i][k0 .. k1) * b[k0 .. k1][j0 .. j0 + w), with
 * @progress = (i, j0, k0); c's segment starts from zero when k0 is 0.  The
 * sums modulo 2^32 do not depend on how the products are split up, so the
 * result is exact however often the command is preempted (as long as c
 * does not overlap a or b: then the result is undefined).
 */
static enum mvgpu_step mvgpu_exec_matmul(struct mvgpu_ctx *ctx,
					 struct mvgpu_exec_bufs *b,
					 const bool *preempt,
					 struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.kernel) *k = &ctx->cmd.kernel;
	u32 i = MM_I(ctx->progress), j0 = MM_J(ctx->progress);
	u32 k0 = MM_K(ctx->progress), kk, k1, j;
	u32 w = min_t(u32, k->n - j0, MVGPU_MATMUL_COLS);
	u64 c_seg = k->c + ((u64)i * k->n + j0) * 4, fa;
	__le32 *a = b->a, *row = b->b;
	u32 *acc = b->c;
	int err;

	k1 = min_t(u32, k->k, k0 + max(1U, MVGPU_MATMUL_STEP_MACS / w));
	if (k0) {
		err = mvgpu_gmem_read(ctx, b->tlb, c_seg, acc, w * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(ctx, err, fa, f);
		for (j = 0; j < w; j++)
			acc[j] = le32_to_cpu(((__le32 *)acc)[j]);
	} else {
		memset(acc, 0, w * 4);
	}
	err = mvgpu_gmem_read(ctx, b->tlb, k->a + ((u64)i * k->k + k0) * 4, a,
			      (k1 - k0) * 4, &fa);
	if (err)
		return mvgpu_exec_mem_fault(ctx, err, fa, f);
	for (kk = k0; kk < k1; kk++) {
		u32 av = le32_to_cpu(a[kk - k0]);

		err = mvgpu_gmem_read(ctx, b->tlb,
				      k->b + ((u64)kk * k->n + j0) * 4, row,
				      w * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(ctx, err, fa, f);
		for (j = 0; j < w; j++)
			acc[j] += av * le32_to_cpu(row[j]);
		if (mvgpu_exec_stop(ctx, preempt)) {
			k1 = kk + 1;
			break;
		}
	}
	for (j = 0; j < w; j++)
		((__le32 *)acc)[j] = cpu_to_le32(acc[j]);
	err = mvgpu_gmem_write(ctx, b->tlb, c_seg, acc, w * 4, &fa);
	if (err)
		return mvgpu_exec_mem_fault(ctx, err, fa, f);

	if (k1 < k->k)
		ctx->progress = MM_POS(i, j0, k1);
	else if (j0 + w < k->n)
		ctx->progress = MM_POS(i, j0 + w, 0);
	else
		ctx->progress = MM_POS(i + 1, 0, 0);
	return MM_I(ctx->progress) == k->m ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
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

/* A MAP or UNMAP could not change the page table: BAD_MAP and why. */
static enum mvgpu_step mvgpu_exec_map_fault(struct mvgpu_ctx *ctx, int err,
					    u64 addr, struct mvgpu_fault *f)
{
	static const u8 reasons[] = {
		[EEXIST] = MVGPU_MAP_ERR_OVERLAP,
		[ENOSPC] = MVGPU_MAP_ERR_TABLES,
		[ERANGE] = MVGPU_MAP_ERR_NOT_OWNED,
	};

	if (err == -ENOMEM)
		return mvgpu_exec_mem_fault(ctx, err, addr, f);
	f->code = MVGPU_ERR_BAD_MAP;
	f->info = ctx->cmd.opcode;
	if (-err < ARRAY_SIZE(reasons))
		f->info |= reasons[-err] << MVGPU_ERR_REASON_SHIFT;
	f->addr = addr;
	return MVGPU_STEP_FAULT;
}

/*
 * Map the next piece of a MAP of VRAM: up to 1 GiB of large pages, or to
 * the next 2 MiB boundary in small ones - at most MVGPU_PT_STEP entries.
 */
static enum mvgpu_step mvgpu_exec_map_vram(struct mvgpu_ctx *ctx,
					   struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.map) *c = &ctx->cmd.map;
	u64 v = c->va + ctx->progress, t = c->target + ctx->progress;
	u64 left = c->size - ctx->progress, end, n;
	u32 flags = 0;
	int ret;

	if (c->map_flags & MVGPU_MAP_READ)
		flags |= MVGPU_GPT_READ;
	if (c->map_flags & MVGPU_MAP_WRITE)
		flags |= MVGPU_GPT_WRITE;
	/* Only the vGPU's own VRAM can be named. */
	if (check_add_overflow(c->target, c->size, &end) ||
	    end > ctx->vgpu->vram_size)
		return mvgpu_exec_map_fault(ctx, -ERANGE, c->target, f);

	if (IS_ALIGNED(v | t, MVGPU_GPT_HUGE_SIZE) && left >= MVGPU_GPT_HUGE_SIZE)
		n = min(round_down(left, MVGPU_GPT_HUGE_SIZE),
			MVGPU_PT_STEP * MVGPU_GPT_HUGE_SIZE);
	else
		n = min(left, MVGPU_GPT_HUGE_SIZE - (v & (MVGPU_GPT_HUGE_SIZE - 1)));
	mutex_lock(&ctx->gpt_lock);
	ret = mvgpu_gpt_map(&ctx->gpt, v, t, n, flags);
	if (ret == -EEXIST)
		v = mvgpu_gpt_first_mapped(&ctx->gpt, v, n);
	else if (!ret)
		mvgpu_ctx_gpt_changed(ctx);
	mutex_unlock(&ctx->gpt_lock);
	if (ret)
		return mvgpu_exec_map_fault(ctx, ret, v, f);
	ctx->progress += n;
	return ctx->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

/* A MAP of guest memory: the pin worker does it (DOC: Guest memory). */
static enum mvgpu_step mvgpu_exec_map_sysmem(struct mvgpu_ctx *ctx,
					     struct mvgpu_fault *f)
{
	switch (ctx->pin_job) {
	case MVGPU_PIN_JOB_NONE:
		WRITE_ONCE(ctx->pin_job, MVGPU_PIN_JOB_QUEUED);
		return MVGPU_STEP_PIN;
	case MVGPU_PIN_JOB_QUEUED:
		return MVGPU_STEP_PIN;
	default:
		ctx->pin_job = MVGPU_PIN_JOB_NONE;
		if (!ctx->pin_fault.code)
			return MVGPU_STEP_DONE;
		*f = ctx->pin_fault;
		return MVGPU_STEP_FAULT;
	}
}

static enum mvgpu_step mvgpu_exec_unmap(struct mvgpu_ctx *ctx,
					struct mvgpu_fault *f)
{
	const typeof(ctx->cmd.unmap) *c = &ctx->cmd.unmap;
	u64 done;
	int ret;

	mutex_lock(&ctx->gpt_lock);
	ret = mvgpu_gpt_unmap_some(&ctx->gpt, c->va + ctx->progress,
				   c->size - ctx->progress, MVGPU_PT_STEP,
				   &done);
	mvgpu_ctx_gpt_changed(ctx);
	mutex_unlock(&ctx->gpt_lock);
	ctx->progress += done;
	/* Guest pages nothing maps any more: the worker unpins them. */
	if (mvgpu_pins_idle(&ctx->vgpu->pins))
		mvgpu_ctx_pin_kick(ctx);
	/* Unmapping a hole is fine; a split that needs memory is not. */
	if (ret)
		return mvgpu_exec_map_fault(ctx, ret, c->va + ctx->progress, f);
	return ctx->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

/* WAIT: @progress holds the time it started waiting, plus one. */
static enum mvgpu_step mvgpu_exec_wait(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       struct mvgpu_fault *f)
{
	u64 fa;
	int err;

	err = mvgpu_gmem_read(ctx, b->tlb, ctx->cmd.wait.addr, &b->sum,
			      sizeof(b->sum), &fa);
	if (err)
		return mvgpu_exec_mem_fault(ctx, err, fa, f);
	if (le64_to_cpu(b->sum) >= ctx->cmd.wait.value)
		return MVGPU_STEP_DONE;
	if (!ctx->progress)
		ctx->progress = ktime_get_ns() + 1;
	return MVGPU_STEP_BLOCKED;
}

/* Write one u64 for FENCE and TIMESTAMP. */
static enum mvgpu_step mvgpu_exec_store(struct mvgpu_ctx *ctx,
					struct mvgpu_exec_bufs *b, u64 va,
					u64 value, struct mvgpu_fault *f)
{
	u64 fa;
	int err;

	b->sum = cpu_to_le64(value);
	err = mvgpu_gmem_write(ctx, b->tlb, va, &b->sum, sizeof(b->sum), &fa);
	if (err)
		return mvgpu_exec_mem_fault(ctx, err, fa, f);
	return MVGPU_STEP_DONE;
}

static enum mvgpu_step mvgpu_exec_step(struct mvgpu_ctx *ctx,
				       struct mvgpu_exec_bufs *b,
				       const bool *preempt,
				       struct mvgpu_fault *f)
{
	struct mvgpu_cmd *cmd = &ctx->cmd;
	enum mvgpu_step s;

	switch (cmd->opcode) {
	case MVGPU_OP_NOP:
		return MVGPU_STEP_DONE;
	case MVGPU_OP_FENCE:
		s = mvgpu_exec_store(ctx, b, cmd->fence.addr, cmd->fence.value, f);
		if (s == MVGPU_STEP_DONE && (cmd->flags & MVGPU_CMD_FLAG_IRQ))
			mvgpu_irq_raise(ctx->vgpu, MVGPU_INT_FENCE);
		return s;
	case MVGPU_OP_FILL:
		return mvgpu_exec_fill(ctx, b, preempt, f);
	case MVGPU_OP_COPY:
		return mvgpu_exec_copy(ctx, b, preempt, f);
	case MVGPU_OP_KERNEL:
		switch (cmd->kernel.kind) {
		case MVGPU_KERNEL_VADD:
			return mvgpu_exec_vadd(ctx, b, preempt, f);
		case MVGPU_KERNEL_MATMUL:
			return mvgpu_exec_matmul(ctx, b, preempt, f);
		default:
			return mvgpu_exec_reduce(ctx, b, preempt, f);
		}
	case MVGPU_OP_SPIN:
		return mvgpu_exec_spin(ctx);
	case MVGPU_OP_TIMESTAMP:
		return mvgpu_exec_store(ctx, b, cmd->timestamp.dst,
					ktime_get_ns(), f);
	case MVGPU_OP_MAP:
		if (cmd->map.map_flags & MVGPU_MAP_SYSMEM)
			return mvgpu_exec_map_sysmem(ctx, f);
		return mvgpu_exec_map_vram(ctx, f);
	case MVGPU_OP_UNMAP:
		return mvgpu_exec_unmap(ctx, f);
	case MVGPU_OP_WAIT:
		return mvgpu_exec_wait(ctx, b, f);
	}
	/* mvgpu_cmd_validate() let nothing else through. */
	f->code = MVGPU_ERR_BAD_COMMAND;
	f->info = cmd->opcode;
	f->addr = ctx->ring_base + ctx->head;
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

	WRITE_ONCE(ctx->faults, ctx->faults + 1);
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
	int ret;

	down_read(&ctx->step_sem);
	ret = mvgpu_gmem_read(ctx, b->tlb, ctx->ring_base + ctx->head, &ctx->cmd,
			      sizeof(ctx->cmd), &f->addr);
	up_read(&ctx->step_sem);
	if (ret) {
		mvgpu_exec_mem_fault(ctx, ret, f->addr, f);
		f->info = 0;	/* no command yet */
		return false;
	}
	if (mvgpu_cmd_validate(&ctx->cmd, &err)) {
		f->code = err.code;
		f->info = err.info;
		f->addr = ctx->ring_base + ctx->head;
		return false;
	}
	WRITE_ONCE(ctx->cmd_active, true);
	ctx->progress = 0;
	ctx->acc = 0;
	ctx->cmd_ns = 0;
	ctx->poll_ns = 0;
	ctx->pin_job = MVGPU_PIN_JOB_NONE;
	return true;
}

/*
 * How long the calling thread really ran since @c was taken: the wall time,
 * unless the thread was switched out meanwhile, then the CPU time the
 * scheduler has accounted to it.
 */
static void mvgpu_clock_start(struct mvgpu_clock *c)
{
	c->wall = ktime_get_ns();
	c->cpu = current->se.sum_exec_runtime;
	c->switches = current->nvcsw + current->nivcsw;
}

static u64 mvgpu_clock_ran(const struct mvgpu_clock *c, u64 now)
{
	u64 wall = now - c->wall;

	if (current->nvcsw + current->nivcsw == c->switches)
		return wall;
	return min(wall, current->se.sum_exec_runtime - c->cpu);
}

/**
 * mvgpu_exec_one() - run a context's current command by one step
 * @ctx: the context; the caller runs it
 * @bufs: staging buffers
 * @preempt: end the step early once this becomes true
 * @f: what went wrong, on MVGPU_STEP_FAULT
 *
 * Applies the watchdog: a command that has used more than watchdog_ms of
 * engine time - time the engine thread really ran it - faults with
 * MVGPU_ERR_TIMEOUT; a WAIT, that long since it started waiting.  Holds
 * @ctx's step lock for reading, so that guest memory is not released under
 * the step (mvgpu_ctx_step_barrier()).
 */
static enum mvgpu_step mvgpu_exec_one(struct mvgpu_ctx *ctx,
				      struct mvgpu_exec_bufs *bufs,
				      const bool *preempt,
				      struct mvgpu_fault *f)
{
	u64 limit = (u64)READ_ONCE(mvgpu_watchdog_ms) * NSEC_PER_MSEC;
	struct mvgpu_clock clk;
	enum mvgpu_step s;
	u64 now, ran;

	down_read(&ctx->step_sem);
	mvgpu_clock_start(&clk);
	s = mvgpu_exec_step(ctx, bufs, preempt, f);
	now = ktime_get_ns();
	up_read(&ctx->step_sem);
	ran = mvgpu_clock_ran(&clk, now);
	ctx->cmd_ns += ran;
	WRITE_ONCE(ctx->busy_ns, ctx->busy_ns + ran);
	if (bufs->step_hist) {
		bufs->step_hist[mvgpu_hist_bucket(ran)]++;
		bufs->step_max = max(bufs->step_max, ran);
	}
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

/* The command at @head completed: the next one. */
static void mvgpu_exec_retire(struct mvgpu_ctx *ctx)
{
	WRITE_ONCE(ctx->cmd_active, false);
	WRITE_ONCE(ctx->head, (ctx->head + MVGPU_CMD_SIZE) & (ctx->ring_size - 1));
	WRITE_ONCE(ctx->cmds_done, ctx->cmds_done + 1);
	mvgpu_exec_publish(ctx, MVGPU_ENGINE_BUSY);
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
			WRITE_ONCE(ctx->cmd_active, false);
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
		s = mvgpu_exec_one(ctx, bufs, preempt, &f);
		if (s == MVGPU_STEP_FAULT)
			goto fault;
		if (s == MVGPU_STEP_BLOCKED)
			return MVGPU_RUN_BLOCKED;
		if (s == MVGPU_STEP_PIN)
			return MVGPU_RUN_PINNING;
		if (s == MVGPU_STEP_DONE)
			mvgpu_exec_retire(ctx);
		/* A ring emptied at the end of the slice is not a preemption. */
		if (mvgpu_exec_stop(ctx, preempt) &&
		    (ctx->cmd_active || ctx->head != READ_ONCE(ctx->tail)))
			return MVGPU_RUN_PREEMPTED;
		cond_resched();
	}

fault:
	WRITE_ONCE(ctx->cmd_active, false);
	mvgpu_exec_fault(ctx, &f);
	return MVGPU_RUN_FAULT;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_exec_run);

/**
 * mvgpu_exec_direct() - run commands to completion outside any ring
 * @ctx: the context; the caller has claimed it (MVGPU_CTX_RUNNING)
 * @bufs: staging buffers
 * @cmds: the commands
 * @n: how many
 *
 * The baseline of the mediated-vs-direct benchmarks: the same executor,
 * without doorbell, ring, scheduler or interrupts.  A MAP of guest memory
 * pins in the caller's thread.  Faults are returned, not recorded in the
 * vGPU's registers.
 *
 * Context: process context.
 * Return: 0; -EIO if a command faulted; -ECANCELED if a reset stopped it;
 * -EINTR on a fatal signal.
 */
int mvgpu_exec_direct(struct mvgpu_ctx *ctx, struct mvgpu_exec_bufs *bufs,
		      const struct mvgpu_cmd *cmds, unsigned int n)
{
	static const bool never;
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
		ctx->pin_job = MVGPU_PIN_JOB_NONE;
		do {
			if (READ_ONCE(ctx->stopping))
				return -ECANCELED;
			if (fatal_signal_pending(current))
				return -EINTR;
			s = mvgpu_exec_one(ctx, bufs, &never, &f);
			if (s == MVGPU_STEP_BLOCKED)
				usleep_range(50, 100);
			if (s == MVGPU_STEP_PIN)
				mvgpu_ctx_pin_run(ctx);
		} while (s == MVGPU_STEP_MORE || s == MVGPU_STEP_BLOCKED ||
			 s == MVGPU_STEP_PIN);
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
	ctx->pin_job = MVGPU_PIN_JOB_NONE;
	ctx->pin_abort = false;
	memset(&ctx->pin_fault, 0, sizeof(ctx->pin_fault));
}
