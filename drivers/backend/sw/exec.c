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

#include "mm/aspace.h"

#include "cmd.h"
#include "exec.h"
#include "gmem.h"
#include "sw.h"

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
 * A step also ends early, after the page or the products it is at (MATMUL
 * works on up to four rows of b at a time), or at once for SPIN, once the
 * engine is asked to stop (the core's request in memory, struct
 * mvgpu_preempt_req, seen the moment the core makes it), so the engine
 * gives up a context within a few microseconds of work whatever the
 * command - and so too once another task waits for the engine thread's
 * CPU, which the engine lets run at the preemption point (on a kernel
 * without full preemption it would wait for the end of the step): the
 * core's submit worker, for one (DOC: Submission).  How far the command
 * got (struct mvgpu_ctx @progress, @acc) stays in the context and the next
 * step continues from there, so a command preempted any number of times
 * produces exactly the result of an unpreempted run.  The command itself
 * was copied out of the ring when it was fetched, so a guest rewriting its
 * ring meanwhile changes nothing.  Fetching reads ahead, as a GPU's
 * command processor does: up to MVGPU_EXEC_READ_AHEAD commands the guest
 * has already handed over (up to the tail of its last doorbell), in one
 * access to the ring's page, kept until the run ends or the address space
 * changes; RING_HEAD and CMDS_DONE are reported after a FENCE, a command
 * of more than one step, every MVGPU_EXEC_READ_AHEAD commands and at the
 * end of the run, so that a run of short commands costs little more than
 * the commands.
 */

/* A MAP or UNMAP could not change the page table: BAD_MAP and why. */
static enum mvgpu_step mvgpu_exec_map_fault(struct mvgpu_bctx *b, int err,
					    u64 addr, struct mvgpu_fault *f)
{
	static const u8 reasons[] = {
		[EEXIST] = MVGPU_MAP_ERR_OVERLAP,
		[ENOSPC] = MVGPU_MAP_ERR_TABLES,
		[ERANGE] = MVGPU_MAP_ERR_NOT_OWNED,
	};

	/* Tables that could not be had at once: a worker gets them. */
	if (err == -EAGAIN)
		err = mvgpu_sw_mem_defer(b, MVGPU_SW_MEM_TABLES, 0);
	if (err == -ENOMEM || err == -EAGAIN)
		return mvgpu_exec_mem_fault(b, err, addr, f);
	f->code = MVGPU_ERR_BAD_MAP;
	f->info = b->cmd.opcode;
	if (-err < ARRAY_SIZE(reasons))
		f->info |= reasons[-err] << MVGPU_ERR_REASON_SHIFT;
	f->addr = addr;
	return MVGPU_STEP_FAULT;
}

/* MVGPU_MAP_READ / _WRITE as page-table permissions */
static u32 mvgpu_exec_map_perm(u32 map_flags)
{
	return (map_flags & MVGPU_MAP_READ ? MVGPU_GPT_READ : 0) |
	       (map_flags & MVGPU_MAP_WRITE ? MVGPU_GPT_WRITE : 0);
}

/* What the core is asked to do for command @c (mvgpu_cmd_for_host()). */
static void mvgpu_exec_host_request(const struct mvgpu_cmd *c,
				    struct mvgpu_host_request *r)
{
	memset(r, 0, sizeof(*r));
	r->op = c->opcode;
	switch (c->opcode) {
	case MVGPU_OP_MAP:
		r->ctx = c->map.ctx;
		r->va = c->map.va;
		r->iova = c->map.target;
		r->size = c->map.size;
		r->flags = mvgpu_exec_map_perm(c->map.map_flags) |
			   (c->map.map_flags & MVGPU_MAP_SYSMEM ?
			    MVGPU_GPT_SYSMEM : 0);
		break;
	case MVGPU_OP_UNMAP:
		r->ctx = c->unmap.ctx;
		r->va = c->unmap.va;
		r->size = c->unmap.size;
		break;
	default:
		r->ctx = c->context.ctx;
		r->prio = c->context.prio;
		break;
	}
}

/*
 * Map the next piece of a MAP of VRAM: at most MVGPU_PT_STEP entries, of
 * large pages or of small ones (no further than the next 2 MiB boundary).
 */
static enum mvgpu_step mvgpu_exec_map_vram(struct mvgpu_bctx *b,
					   struct mvgpu_fault *f)
{
	const typeof(b->cmd.map) *c = &b->cmd.map;
	u64 v = c->va + b->progress, t = c->target + b->progress;
	u64 left = c->size - b->progress, end, n, fa;
	int ret;

	/* Only the vGPU's own VRAM can be named: the whole range, up front. */
	if (check_add_overflow(c->target, c->size, &end) ||
	    end > b->as->vram_size)
		return mvgpu_exec_map_fault(b, -ERANGE, c->target, f);

	if (IS_ALIGNED(v | t, MVGPU_GPT_HUGE_SIZE) && left >= MVGPU_GPT_HUGE_SIZE)
		n = min(round_down(left, MVGPU_GPT_HUGE_SIZE),
			MVGPU_PT_STEP * MVGPU_GPT_HUGE_SIZE);
	else
		n = min3(left, MVGPU_GPT_HUGE_SIZE - (v & (MVGPU_GPT_HUGE_SIZE - 1)),
			 (u64)MVGPU_PT_STEP * MVGPU_GPT_PAGE_SIZE);
	ret = mvgpu_aspace_map_vram(b->as, v, t, n,
				    mvgpu_exec_map_perm(c->map_flags), &fa);
	if (ret)
		return mvgpu_exec_map_fault(b, ret, fa, f);
	b->progress += n;
	return b->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

/*
 * A command the core carries out (mvgpu_cmd_for_host(): pinning guest
 * memory, another context's page table, contexts).  The context stops
 * with the request; the core's answer completes the command.
 */
static enum mvgpu_step mvgpu_exec_host(struct mvgpu_bctx *b,
				       struct mvgpu_fault *f)
{
	switch (b->host) {
	case MVGPU_HOST_NONE:
	case MVGPU_HOST_ASKED:
		b->host = MVGPU_HOST_ASKED;
		return MVGPU_STEP_HOST;
	default:
		b->host = MVGPU_HOST_NONE;
		if (!b->host_result.code)
			return MVGPU_STEP_DONE;
		*f = b->host_result;
		return MVGPU_STEP_FAULT;
	}
}

static enum mvgpu_step mvgpu_exec_unmap(struct mvgpu_bctx *b,
					struct mvgpu_fault *f)
{
	const typeof(b->cmd.unmap) *c = &b->cmd.unmap;
	u64 done;
	int ret;

	/* Guest pages nothing maps any more: the core unpins them. */
	ret = mvgpu_aspace_unmap_some(b->as, c->va + b->progress,
				      c->size - b->progress, MVGPU_PT_STEP,
				      &done);
	b->progress += done;
	/* Unmapping a hole is fine; a split that needs memory is not. */
	if (ret)
		return mvgpu_exec_map_fault(b, ret, c->va + b->progress, f);
	return b->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

/* WAIT: @progress holds the time it started waiting, plus one. */
static enum mvgpu_step mvgpu_exec_wait(struct mvgpu_bctx *b,
				       struct mvgpu_exec_bufs *bufs,
				       struct mvgpu_fault *f)
{
	u64 fa;
	int err;

	err = mvgpu_gmem_read(b, &bufs->tlb, b->cmd.wait.addr, &bufs->sum,
			      sizeof(bufs->sum), &fa);
	if (err)
		return mvgpu_exec_mem_fault(b, err, fa, f);
	if (le64_to_cpu(bufs->sum) >= b->cmd.wait.value)
		return MVGPU_STEP_DONE;
	if (!b->progress)
		b->progress = ktime_get_ns() + 1;
	return MVGPU_STEP_BLOCKED;
}

/* Write one u64 for FENCE and TIMESTAMP. */
static enum mvgpu_step mvgpu_exec_store(struct mvgpu_bctx *b,
					struct mvgpu_exec_bufs *bufs, u64 va,
					u64 value, struct mvgpu_fault *f)
{
	u64 fa;
	int err;

	bufs->sum = cpu_to_le64(value);
	err = mvgpu_gmem_write(b, &bufs->tlb, va, &bufs->sum, sizeof(bufs->sum), &fa);
	if (err)
		return mvgpu_exec_mem_fault(b, err, fa, f);
	return MVGPU_STEP_DONE;
}

static enum mvgpu_step mvgpu_exec_step(struct mvgpu_bctx *b,
				       struct mvgpu_exec_bufs *bufs,
				       const bool *preempt,
				       struct mvgpu_fault *f)
{
	struct mvgpu_cmd *cmd = &b->cmd;

	if (!b->privileged && mvgpu_cmd_privileged(cmd)) {
		f->code = MVGPU_ERR_PRIVILEGED;
		f->info = cmd->opcode;
		f->addr = b->ring_base + b->head;
		return MVGPU_STEP_FAULT;
	}
	if (mvgpu_cmd_for_host(cmd))
		return mvgpu_exec_host(b, f);

	switch (cmd->opcode) {
	case MVGPU_OP_NOP:
		return MVGPU_STEP_DONE;
	case MVGPU_OP_FENCE:
		/* Its interrupt once it counts as done (mvgpu_exec_run()). */
		return mvgpu_exec_store(b, bufs, cmd->fence.addr,
					cmd->fence.value, f);
	case MVGPU_OP_FILL:
		return mvgpu_exec_fill(b, bufs, preempt, f);
	case MVGPU_OP_COPY:
		return mvgpu_exec_copy(b, bufs, preempt, f);
	case MVGPU_OP_KERNEL:
		switch (cmd->kernel.kind) {
		case MVGPU_KERNEL_VADD:
			return mvgpu_exec_vadd(b, bufs, preempt, f);
		case MVGPU_KERNEL_MATMUL:
			return mvgpu_exec_matmul(b, bufs, preempt, f);
		default:
			return mvgpu_exec_reduce(b, bufs, preempt, f);
		}
	case MVGPU_OP_SPIN:
		return mvgpu_exec_spin(b, preempt);
	case MVGPU_OP_TIMESTAMP:
		return mvgpu_exec_store(b, bufs, cmd->timestamp.dst,
					ktime_get_ns(), f);
	case MVGPU_OP_MAP:
		return mvgpu_exec_map_vram(b, f);
	case MVGPU_OP_UNMAP:
		return mvgpu_exec_unmap(b, f);
	case MVGPU_OP_WAIT:
		return mvgpu_exec_wait(b, bufs, f);
	}
	/* mvgpu_cmd_validate() let nothing else through. */
	f->code = MVGPU_ERR_BAD_COMMAND;
	f->info = cmd->opcode;
	f->addr = b->ring_base + b->head;
	return MVGPU_STEP_FAULT;
}

/*
 * Read the command at @head into @b->cmd: from the commands read ahead if
 * they hold it, else with up to MVGPU_EXEC_READ_AHEAD - 1 more behind it,
 * as far as the tail, the end of the ring and the end of the GPU page
 * @head is in go (so that a fault is still the command's own).  A change
 * of the address space since drops what was read ahead.
 */
static int mvgpu_exec_read_cmd(struct mvgpu_bctx *b,
			       struct mvgpu_exec_bufs *bufs, u32 tail, u64 *fa)
{
	u64 va = b->ring_base + b->head, gen = mvgpu_aspace_gen(b->as);
	u32 n;
	int ret;

	if (bufs->ahead_left && bufs->ahead_head == b->head &&
	    bufs->ahead_gen == gen) {
		b->cmd = bufs->ahead[bufs->ahead_next++];
		bufs->ahead_left--;
		bufs->ahead_head = (b->head + MVGPU_CMD_SIZE) & (b->ring_size - 1);
		return 0;
	}
	n = min3(((tail - b->head) & (b->ring_size - 1)) / MVGPU_CMD_SIZE,
		 (b->ring_size - b->head) / MVGPU_CMD_SIZE,
		 (u32)(MVGPU_GPT_PAGE_SIZE - (va & (MVGPU_GPT_PAGE_SIZE - 1))) /
		 MVGPU_CMD_SIZE);
	n = clamp_t(u32, n, 1, MVGPU_EXEC_READ_AHEAD);
	bufs->ahead_left = 0;
	down_read(&b->step_sem);
	gen = mvgpu_aspace_gen(b->as);
	ret = mvgpu_gmem_read(b, &bufs->tlb, va, bufs->ahead,
			      n * MVGPU_CMD_SIZE, fa);
	up_read(&b->step_sem);
	if (ret)
		return ret;
	b->cmd = bufs->ahead[0];
	bufs->ahead_next = 1;
	bufs->ahead_left = n - 1;
	bufs->ahead_head = (b->head + MVGPU_CMD_SIZE) & (b->ring_size - 1);
	bufs->ahead_gen = gen;
	return 0;
}

/* Fetch and validate the command at @head. */
static bool mvgpu_exec_fetch(struct mvgpu_bctx *b, struct mvgpu_exec_bufs *bufs,
			     u32 tail, struct mvgpu_fault *f)
{
	struct mvgpu_cmd_error err;
	int ret;

	ret = mvgpu_exec_read_cmd(b, bufs, tail, &f->addr);
	if (ret) {
		mvgpu_exec_mem_fault(b, ret, f->addr, f);
		f->info = 0;	/* no command yet */
		return false;
	}
	if (mvgpu_cmd_validate(&b->cmd, &err)) {
		f->code = err.code;
		f->info = err.info;
		f->addr = b->ring_base + b->head;
		return false;
	}
	b->cmd_active = true;
	b->progress = 0;
	b->acc = 0;
	b->cmd_ns = 0;
	b->host = MVGPU_HOST_NONE;
	return true;
}

/**
 * struct mvgpu_clock - where a step started, to tell how long it ran
 * @wall: CLOCK_MONOTONIC ns
 * @delay: the thread's time spent runnable but waiting for a CPU so far
 *	(sched_info.run_delay), ns
 * @cpu: without CONFIG_SCHED_INFO: the thread's scheduler-accounted run
 *	time, ns
 * @switches: without CONFIG_SCHED_INFO: its context switches so far
 */
struct mvgpu_clock {
	u64 wall;
	u64 delay;
	u64 cpu;
	unsigned long switches;
};

/*
 * How long a step took the engine: the wall time, less the time the
 * thread waited on a run queue while the CPU ran something else (another
 * task on the same CPU, under TCG the guest's own processes on the one
 * vCPU of the virtual clock).  Time the step spent blocked - on a lock,
 * for memory - counts: the engine could not go on either.  The scheduler
 * accounts run_delay when the thread gets the CPU back, so at the end of
 * a step it holds every wait of the step.  Kernels without
 * CONFIG_SCHED_INFO (Debian's and the debug kernel have it) fall back to
 * the CPU time the scheduler accounted, once the thread was switched out.
 */
static void mvgpu_clock_start(struct mvgpu_clock *c)
{
	c->wall = ktime_get_ns();
#ifdef CONFIG_SCHED_INFO
	c->delay = current->sched_info.run_delay;
#else
	c->cpu = current->se.sum_exec_runtime;
	c->switches = current->nvcsw + current->nivcsw;
#endif
}

static u64 mvgpu_clock_ran(const struct mvgpu_clock *c, u64 now)
{
	u64 wall = now - c->wall;

#ifdef CONFIG_SCHED_INFO
	return wall - min(wall, current->sched_info.run_delay - c->delay);
#else
	if (current->nvcsw + current->nivcsw == c->switches)
		return wall;
	return min(wall, current->se.sum_exec_runtime - c->cpu);
#endif
}

/**
 * mvgpu_exec_one() - run a context's current command by one step
 * @b: the context; the caller runs it
 * @bufs: staging buffers
 * @preempt: end the step early once this becomes true
 * @f: what went wrong, on MVGPU_STEP_FAULT
 * @ran: engine time the step used is added here
 *
 * Applies the watchdog: a command that has used more than watchdog_ms of
 * engine time - time its steps took, less any time the thread waited for
 * a CPU (mvgpu_clock_ran()) - faults with
 * MVGPU_ERR_TIMEOUT; a WAIT, that long since it started waiting.  Holds
 * @b's step lock for reading, so that no translation it uses goes stale
 * under it (&mvgpu_backend_ops.ctx_flush).
 */
static enum mvgpu_step mvgpu_exec_one(struct mvgpu_bctx *b,
				      struct mvgpu_exec_bufs *bufs,
				      const bool *preempt,
				      struct mvgpu_fault *f, u64 *ran)
{
	u64 limit = (u64)b->be->cfg.watchdog_ms * NSEC_PER_MSEC;
	struct mvgpu_clock clk;
	enum mvgpu_step s;
	u64 now, dt;

	down_read(&b->step_sem);
	mvgpu_clock_start(&clk);
	s = mvgpu_exec_step(b, bufs, preempt, f);
	now = ktime_get_ns();
	up_read(&b->step_sem);
	dt = mvgpu_clock_ran(&clk, now);
	*ran += dt;
	b->cmd_ns += dt;
	WRITE_ONCE(bufs->steps, bufs->steps + 1);
	bufs->step_hist[mvgpu_hist_bucket(dt)]++;
	if (dt > bufs->step_max)
		WRITE_ONCE(bufs->step_max, dt);
	if (s == MVGPU_STEP_MORE && b->cmd_ns > limit)
		goto timeout;
	if (s == MVGPU_STEP_BLOCKED && b->cmd.opcode == MVGPU_OP_WAIT &&
	    now - (b->progress - 1) > limit)
		goto timeout;
	return s;

timeout:
	f->code = MVGPU_ERR_TIMEOUT;
	f->info = b->cmd.opcode;
	f->addr = b->ring_base + b->head;
	return MVGPU_STEP_FAULT;
}

/*
 * No command in flight: nothing of the last one is left in the engine
 * state (ctx_save and ctx_restore rely on it).
 */
static void mvgpu_exec_drop(struct mvgpu_bctx *b)
{
	b->cmd_active = false;
	b->progress = 0;
	b->acc = 0;
	b->cmd_ns = 0;
	b->host = MVGPU_HOST_NONE;
}

/* Tell the core how far the ring got (RING_HEAD, CMDS_DONE). */
static void mvgpu_exec_progress(struct mvgpu_bctx *b)
{
	b->be->core->ctx_progress(b->ctx, b->head, b->cmds_done);
}

/*
 * The command at @head completed: on to the next one.  Returns true if the
 * core should hear of it now - after a FENCE, a command that took more than
 * one step, or MVGPU_EXEC_READ_AHEAD commands since it last heard - else
 * the news waits for one of those or for the end of the run: short
 * commands in a row cost one report, not one each.
 */
static bool mvgpu_exec_retire(struct mvgpu_bctx *b, bool long_cmd,
			      unsigned int *unreported)
{
	bool now = long_cmd || b->cmd.opcode == MVGPU_OP_FENCE ||
		   ++*unreported >= MVGPU_EXEC_READ_AHEAD;

	mvgpu_exec_drop(b);
	b->head = (b->head + MVGPU_CMD_SIZE) & (b->ring_size - 1);
	b->cmds_done++;
	if (now)
		*unreported = 0;
	return now;
}

/**
 * mvgpu_exec_run() - run a context's ring until the engine must stop
 * @b: the context; the core asked this engine to run it
 * @bufs: the engine's staging buffers
 * @preempt: stop at the first preemption point after this becomes true
 * @stop: how it ended, for &mvgpu_core_ops.ctx_stopped
 *
 * Context: process context (an engine thread).
 */
void mvgpu_exec_run(struct mvgpu_bctx *b, struct mvgpu_exec_bufs *bufs,
		    const bool *preempt, struct mvgpu_stop *stop)
{
	unsigned int unreported = 0;
	bool long_cmd = b->cmd_active;
	enum mvgpu_step s;
	u32 tail;

	memset(stop, 0, sizeof(*stop));
	bufs->ahead_left = 0;	/* read from another context's ring */
	for (;;) {
		if (!b->cmd_active) {
			tail = READ_ONCE(b->tail);
			if (b->head == tail) {
				stop->reason = MVGPU_STOP_EMPTY;
				break;
			}
			if (!mvgpu_exec_fetch(b, bufs, tail, &stop->fault))
				goto fault;
			long_cmd = false;
		}
		s = mvgpu_exec_one(b, bufs, preempt, &stop->fault, &stop->ran_ns);
		if (s == MVGPU_STEP_FAULT)
			goto fault;
		if (s == MVGPU_STEP_BLOCKED) {
			stop->reason = MVGPU_STOP_BLOCKED;
			break;
		}
		if (s == MVGPU_STEP_HOST) {
			stop->reason = MVGPU_STOP_HOST;
			mvgpu_exec_host_request(&b->cmd, &stop->host);
			break;
		}
		if (s == MVGPU_STEP_DONE) {
			bool irq = b->cmd.opcode == MVGPU_OP_FENCE &&
				   (b->cmd.flags & MVGPU_CMD_FLAG_IRQ);

			/*
			 * A FENCE is reported done (head, SEQNO) before its
			 * interrupt: a handler that reads SEQNO sees it.
			 */
			if (mvgpu_exec_retire(b, long_cmd, &unreported))
				mvgpu_exec_progress(b);
			if (irq)
				b->be->core->ctx_interrupt(b->ctx,
							   MVGPU_INT_FENCE);
		}
		long_cmd = b->cmd_active;
		/* A ring emptied at the end of the slice is not a preemption. */
		if (mvgpu_exec_preempted(preempt) &&
		    (b->cmd_active || b->head != READ_ONCE(b->tail))) {
			stop->reason = MVGPU_STOP_PREEMPTED;
			break;
		}
		cond_resched();
	}
	if (unreported)
		mvgpu_exec_progress(b);
	stop->head = b->head;
	stop->busy = b->cmd_active;
	return;

fault:
	if (unreported)
		mvgpu_exec_progress(b);
	mvgpu_exec_drop(b);
	stop->reason = MVGPU_STOP_FAULT;
	stop->head = b->head;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_exec_run);

/* mvgpu_exec_direct()'s commands, one after the other. */
static int mvgpu_exec_direct_cmds(struct mvgpu_bctx *b,
				  struct mvgpu_exec_bufs *bufs,
				  const struct mvgpu_cmd *cmds, unsigned int n,
				  const bool *stop)
{
	static const bool never;
	struct mvgpu_cmd_error err;
	struct mvgpu_fault f;
	unsigned int i;
	u64 ran = 0;

	for (i = 0; i < n; i++) {
		enum mvgpu_step s;

		b->cmd = cmds[i];
		if (mvgpu_cmd_validate(&b->cmd, &err))
			return -EIO;
		b->progress = 0;
		b->acc = 0;
		b->cmd_ns = 0;
		b->host = MVGPU_HOST_NONE;
		do {
			if (READ_ONCE(*stop))
				return -ECANCELED;
			if (fatal_signal_pending(current))
				return -EINTR;
			s = mvgpu_exec_one(b, bufs, &never, &f, &ran);
			if (s == MVGPU_STEP_BLOCKED)
				usleep_range(50, 100);
		} while (s == MVGPU_STEP_MORE || s == MVGPU_STEP_BLOCKED);
		if (s == MVGPU_STEP_HOST)
			return -EOPNOTSUPP;
		if (s == MVGPU_STEP_FAULT)
			return -EIO;
	}
	return 0;
}

/**
 * mvgpu_exec_direct() - run commands to completion outside any ring
 * @b: the context; the core has claimed it
 * @bufs: staging buffers
 * @cmds: the commands
 * @n: how many
 * @stop: give up once this becomes true
 *
 * The baseline of the mediated-vs-direct benchmarks: the same executor,
 * without doorbell, ring, scheduler or interrupts.  Faults are returned,
 * not reported.  The ring's engine state is left as it was.
 *
 * Context: process context.
 * Return: 0; -EIO if a command faulted; -EOPNOTSUPP for a MAP of guest
 * memory (only the core can pin); -ECANCELED if @stop became true; -EINTR
 * on a fatal signal.
 */
int mvgpu_exec_direct(struct mvgpu_bctx *b, struct mvgpu_exec_bufs *bufs,
		      const struct mvgpu_cmd *cmds, unsigned int n,
		      const bool *stop)
{
	int ret = mvgpu_exec_direct_cmds(b, bufs, cmds, n, stop);

	mvgpu_exec_drop(b);
	return ret;
}

/**
 * mvgpu_exec_reset() - return a context's engine state to power-on
 * @b: the context; nobody runs it
 *
 * Drops the ring and any command in flight.
 */
void mvgpu_exec_reset(struct mvgpu_bctx *b)
{
	WRITE_ONCE(b->tail, 0);
	b->ring_base = 0;
	b->ring_size = 0;
	b->head = 0;
	b->cmd_active = false;
	memset(&b->cmd, 0, sizeof(b->cmd));
	b->progress = 0;
	b->acc = 0;
	b->cmd_ns = 0;
	b->cmds_done = 0;
	b->host = MVGPU_HOST_NONE;
	memset(&b->host_result, 0, sizeof(b->host_result));
}

/* Is @progress a place command @c can be at (and go on from)? */
static bool mvgpu_exec_progress_valid(const struct mvgpu_cmd *c, u64 progress)
{
	switch (c->opcode) {
	case MVGPU_OP_FILL:
		return progress < c->fill.size && IS_ALIGNED(progress, 4);
	case MVGPU_OP_COPY:
		return progress < c->copy.size;
	case MVGPU_OP_KERNEL:
		/* A REDUCE at n has summed everything and has yet to store. */
		if (c->kernel.kind == MVGPU_KERNEL_REDUCE)
			return progress <= c->kernel.n;
		if (c->kernel.kind != MVGPU_KERNEL_MATMUL)
			return progress < c->kernel.n;
		return MM_I(progress) < c->kernel.m && MM_J(progress) < c->kernel.n &&
		       MM_K(progress) < c->kernel.k &&
		       !(progress & ~(MM_POS(0xfffff, 0xfffff, 0xfffff)));
	case MVGPU_OP_SPIN:
		return progress < (u64)c->spin.usecs * NSEC_PER_USEC;
	case MVGPU_OP_MAP:
		return progress < c->map.size && IS_ALIGNED(progress, MVGPU_GPT_PAGE_SIZE);
	case MVGPU_OP_UNMAP:
		return progress < c->unmap.size &&
		       IS_ALIGNED(progress, MVGPU_GPT_PAGE_SIZE);
	case MVGPU_OP_WAIT:
		return true;	/* when it started waiting: any time */
	default:
		return !progress;
	}
}

/* Is @addr inside [@start, @start + @size)? */
static bool mvgpu_exec_in(u64 addr, u64 start, u64 size)
{
	return addr >= start && addr - start < size;
}

/* Could the core have given @b this answer to its request (host.c)? */
static bool mvgpu_exec_host_result_valid(const struct mvgpu_bctx *b)
{
	const struct mvgpu_fault *r = &b->host_result;
	struct mvgpu_host_request q;
	u32 reason = MVGPU_ERR_INFO_REASON(r->info);
	bool at_cmd = r->addr == b->ring_base + b->head;
	bool in_va, in_target;

	mvgpu_exec_host_request(&b->cmd, &q);
	in_va = mvgpu_exec_in(r->addr, q.va, q.size);
	in_target = q.op == MVGPU_OP_MAP && mvgpu_exec_in(r->addr, q.iova, q.size);
	if (r->code == MVGPU_ERR_NONE)
		return !r->info && !r->addr;
	if (MVGPU_ERR_INFO_OPCODE(r->info) != q.op ||
	    r->info >> (MVGPU_ERR_REASON_SHIFT + 8))
		return false;
	switch (r->code) {
	case MVGPU_ERR_BAD_CONTEXT:
		return at_cmd && reason >= MVGPU_CTX_ERR_ID &&
		       reason <= MVGPU_CTX_ERR_PRIO;
	case MVGPU_ERR_NO_MEMORY:
		return !reason && (in_va || at_cmd);
	case MVGPU_ERR_BAD_MAP:
		if (reason == MVGPU_MAP_ERR_PIN || reason == MVGPU_MAP_ERR_PIN_LIMIT)
			return in_target || in_va;
		if (reason == MVGPU_MAP_ERR_NOT_OWNED)
			return in_target || in_va;
		return (reason == MVGPU_MAP_ERR_OVERLAP ||
			reason == MVGPU_MAP_ERR_TABLES) && (in_va || at_cmd);
	default:
		return false;
	}
}

/**
 * mvgpu_exec_state_check() - could the engine state have come from a run?
 * @b: the context, its engine state just loaded from outside
 *
 * For &mvgpu_backend_ops.ctx_restore: the state is untrusted input, checked
 * as a guest's commands are.  The engine time a command has used is bounded
 * by the largest watchdog any GPU has (a source saves at most its own
 * limit); above this GPU's, the command times out at its next step, as the
 * watchdog here says.
 *
 * Return: NULL if it is safe to run, else what is wrong with it.
 */
const char *mvgpu_exec_state_check(const struct mvgpu_bctx *b)
{
	struct mvgpu_cmd_error err;

	if (b->ring_size) {
		if (!is_power_of_2(b->ring_size) || b->ring_size < MVGPU_RING_MIN_SIZE ||
		    b->ring_size > MVGPU_RING_MAX_SIZE ||
		    !IS_ALIGNED(b->ring_base, MVGPU_CMD_SIZE) ||
		    b->ring_base >= MVGPU_GPT_VA_SIZE)
			return "ring base or size out of range";
		if (b->head >= b->ring_size || !IS_ALIGNED(b->head, MVGPU_CMD_SIZE))
			return "ring head out of range";
	} else if (b->head || b->cmd_active) {
		return "a head or a command in flight without a ring";
	}
	if (b->host > MVGPU_HOST_ANSWERED ||
	    (b->host != MVGPU_HOST_NONE &&
	     (!b->cmd_active || mvgpu_cmd_validate(&b->cmd, &err) ||
	      !mvgpu_cmd_for_host(&b->cmd))))
		return "a wait for the host without a command for the host";
	if (b->cmd_active && !b->privileged &&
	    !mvgpu_cmd_validate(&b->cmd, &err) && mvgpu_cmd_privileged(&b->cmd))
		return "a privileged command in flight in an unprivileged context";
	if (b->host != MVGPU_HOST_ANSWERED &&
	    (b->host_result.code || b->host_result.info || b->host_result.addr))
		return "a host answer to no request";
	if (b->host == MVGPU_HOST_ANSWERED && !mvgpu_exec_host_result_valid(b))
		return "a host answer the core never gives (error code, reason or address)";
	if (!b->cmd_active)
		return b->progress || b->acc || b->cmd_ns ?
		       "progress of no command in flight" : NULL;
	if (mvgpu_cmd_validate(&b->cmd, &err))
		return "the command in flight fails validation";
	if (!mvgpu_exec_progress_valid(&b->cmd, b->progress))
		return "the command in flight's progress is outside it";
	if (b->cmd_ns > (u64)MVGPU_WATCHDOG_MAX_MS * NSEC_PER_MSEC)
		return "the command in flight used more engine time than any watchdog allows";
	return NULL;
}
