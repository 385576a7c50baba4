/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The software engine's command processor, shared by exec.c (fetch, steps,
 * runs) and kernels.c (the data-moving and compute commands).
 */
#ifndef MVGPU_SW_EXEC_H
#define MVGPU_SW_EXEC_H

#include <linux/compiler.h>
#include <linux/sched.h>
#include <linux/types.h>

struct mvgpu_bctx;
struct mvgpu_exec_bufs;
struct mvgpu_fault;

#define MVGPU_SPIN_STEP_NS	20000
#define MVGPU_STEP_BYTES	0x10000
#define MVGPU_VADD_STEP		4096
#define MVGPU_REDUCE_STEP	16384
#define MVGPU_MATMUL_COLS	1024
#define MVGPU_MATMUL_STEP_MACS	8192
#define MVGPU_PT_STEP		64

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
	MVGPU_STEP_HOST,	/* waits for the core */
	MVGPU_STEP_FAULT,	/* *f says why */
};

/* The engine is asked to give the context up: stop at this point. */
static inline bool mvgpu_exec_preempted(const bool *preempt)
{
	return READ_ONCE(*preempt);
}

/*
 * End the step early: the engine is asked to give the context up, or a
 * task waits for this CPU - the core's submit worker with a run, for one
 * (DOC: Submission) - which the engine lets run at the preemption point
 * (cond_resched()) rather than at the end of the step.
 */
static inline bool mvgpu_exec_stop(const bool *preempt)
{
	return READ_ONCE(*preempt) || need_resched();
}

enum mvgpu_step mvgpu_exec_mem_fault(struct mvgpu_bctx *b, int err, u64 addr,
				     struct mvgpu_fault *f);
enum mvgpu_step mvgpu_exec_fill(struct mvgpu_bctx *b,
				struct mvgpu_exec_bufs *bufs,
				const bool *preempt, struct mvgpu_fault *f);
enum mvgpu_step mvgpu_exec_copy(struct mvgpu_bctx *b,
				struct mvgpu_exec_bufs *bufs,
				const bool *preempt, struct mvgpu_fault *f);
enum mvgpu_step mvgpu_exec_vadd(struct mvgpu_bctx *b,
				struct mvgpu_exec_bufs *bufs,
				const bool *preempt, struct mvgpu_fault *f);
enum mvgpu_step mvgpu_exec_reduce(struct mvgpu_bctx *b,
				  struct mvgpu_exec_bufs *bufs,
				  const bool *preempt, struct mvgpu_fault *f);
enum mvgpu_step mvgpu_exec_matmul(struct mvgpu_bctx *b,
				  struct mvgpu_exec_bufs *bufs,
				  const bool *preempt, struct mvgpu_fault *f);
enum mvgpu_step mvgpu_exec_spin(struct mvgpu_bctx *b, const bool *preempt);

#endif /* MVGPU_SW_EXEC_H */
