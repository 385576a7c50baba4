/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The GPU's engines and the per-vGPU engine context they run.
 */
#ifndef _MVGPU_ENGINE_H_
#define _MVGPU_ENGINE_H_

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "uapi/mvgpu.h"
#include "mm/gpt.h"
#include "sched/policy.h"

struct mvgpu_dev;
struct mvgpu_engine;
struct mvgpu_vgpu;
struct task_struct;

/**
 * enum mvgpu_ctx_state - where a vGPU's context is
 * @MVGPU_CTX_IDLE: nothing to do (ring empty), on no list
 * @MVGPU_CTX_QUEUED: runnable, on the GPU's run queue
 * @MVGPU_CTX_RUNNING: on an engine (or claimed by the direct path)
 * @MVGPU_CTX_WAITING: blocked in a WAIT; its poll timer requeues it
 * @MVGPU_CTX_STOPPED: stopped by a fault until the vGPU is reset
 */
enum mvgpu_ctx_state {
	MVGPU_CTX_IDLE,
	MVGPU_CTX_QUEUED,
	MVGPU_CTX_RUNNING,
	MVGPU_CTX_WAITING,
	MVGPU_CTX_STOPPED,
};

/**
 * enum mvgpu_run_result - why an engine gave a context back
 * @MVGPU_RUN_EMPTY: the ring is empty
 * @MVGPU_RUN_PREEMPTED: the slice ended or a reset asked it to stop
 * @MVGPU_RUN_BLOCKED: a WAIT is not satisfied yet
 * @MVGPU_RUN_FAULT: a fault stopped the ring
 */
enum mvgpu_run_result {
	MVGPU_RUN_EMPTY,
	MVGPU_RUN_PREEMPTED,
	MVGPU_RUN_BLOCKED,
	MVGPU_RUN_FAULT,
};

/**
 * struct mvgpu_ctx - a vGPU's engine context: all the engine needs to run
 *	it, and to resume it exactly where it was preempted
 * @vgpu: the vGPU
 * @se: the scheduler's view of it; protected by the GPU's sched.lock
 * @state: enum mvgpu_ctx_state; protected by sched.lock
 * @stopping: a reset is in progress, do not run; protected by sched.lock
 * @ring_error: a bad doorbell stopped the ring while the context ran; the
 *	runner stops it as faulted; set under sched.lock
 * @idle_wq: woken when the context leaves MVGPU_CTX_RUNNING
 * @poll_timer: requeues a context blocked in WAIT
 * @tail: ring tail from the last valid doorbell; written under sched.lock,
 *	read by the engine with READ_ONCE()
 * @ring_base: ring GPU VA, latched at the first doorbell
 * @ring_size: ring bytes, latched at the first doorbell; 0: not latched
 * @head: offset of the next command; owned by whoever runs the context
 * @cmd_active: @cmd is in flight (fetched and validated, not finished)
 * @cmd: the command in flight, copied out of the ring
 * @progress: how far @cmd got (bytes, elements, ns, ...; per opcode)
 * @acc: @cmd's accumulator (REDUCE's sum)
 * @cmd_ns: engine time @cmd has used so far, for the watchdog
 * @poll_ns: current poll interval of a WAIT that blocks
 * @gpt_lock: protects @gpt against VFIO's dma_unmap and reset
 * @gpt: the vGPU's GPU page table
 * @gpt_gen: bumped (under @gpt_lock) by every change of @gpt; translation
 *	cache entries of an older generation are stale
 * @cmds_done: commands completed since the vGPU was created
 * @cmds_at_reset: @cmds_done at the last reset (CMDS_DONE counts from it)
 * @faults: faults since the vGPU was created
 * @busy_ns: engine time used since the vGPU was created
 * @win_start: start of the current share window; sched.lock
 * @win_busy: engine time in the current window; sched.lock
 * @share_ppm: share of one engine in the last complete window, in
 *	millionths; sched.lock
 *
 * Everything from @head to @cmd_ns is the context's saved engine state: it
 * changes only while the context is MVGPU_CTX_RUNNING, by that one runner.
 */
struct mvgpu_ctx {
	struct mvgpu_vgpu *vgpu;
	struct mvgpu_sched_entity se;
	enum mvgpu_ctx_state state;
	bool stopping;
	bool ring_error;
	wait_queue_head_t idle_wq;
	struct hrtimer poll_timer;

	u32 tail;
	u64 ring_base;
	u32 ring_size;

	u32 head;
	bool cmd_active;
	struct mvgpu_cmd cmd;
	u64 progress;
	u64 acc;
	u64 cmd_ns;
	u64 poll_ns;

	struct mutex gpt_lock;		/* @gpt */
	struct mvgpu_gpt gpt;
	u64 gpt_gen;

	u64 cmds_done;
	u64 cmds_at_reset;
	u64 faults;
	u64 busy_ns;
	u64 win_start;
	u64 win_busy;
	u32 share_ppm;
};

/* Bytes of each of an engine's three staging buffers. */
#define MVGPU_EXEC_BUF_SIZE	0x10000

#define MVGPU_TLB_ENTRIES	64

/**
 * struct mvgpu_tlb_entry - one cached translation
 * @ctx: the context it belongs to (the tag: contexts share the cache)
 * @gen: @ctx's gpt_gen when it was filled
 * @va: first GPU VA of the page (4 KiB or 2 MiB)
 * @size: page size
 * @target: VRAM offset or IOVA of @va
 * @flags: MVGPU_GPT_* of the mapping
 */
struct mvgpu_tlb_entry {
	const struct mvgpu_ctx *ctx;
	u64 gen;
	u64 va;
	u64 size;
	u64 target;
	u32 flags;
};

/**
 * struct mvgpu_tlb - an engine's translation cache
 * @e: direct-mapped by GPU VA page number
 * @hits: lookups it answered
 * @misses: lookups that walked the page table
 *
 * Entries are tagged with their context and its page-table generation, so
 * switching contexts flushes nothing and a page-table change invalidates
 * exactly that context's entries.
 */
struct mvgpu_tlb {
	struct mvgpu_tlb_entry e[MVGPU_TLB_ENTRIES];
	u64 hits;
	u64 misses;
};

/**
 * struct mvgpu_exec_bufs - what a runner works with besides the context
 * @a: first operand staging buffer
 * @b: second operand staging buffer
 * @c: result staging buffer
 * @tlb: translation cache
 */
struct mvgpu_exec_bufs {
	void *a, *b, *c;
	struct mvgpu_tlb *tlb;
};

/**
 * struct mvgpu_engine - one engine of a GPU: a kernel thread
 * @gdev: its GPU
 * @index: engine number on @gdev
 * @task: the thread
 * @cur: the context it runs, or NULL; protected by sched.lock
 * @bufs: its staging buffers
 * @slice_timer: ends the current slice
 * @slice_ns: length of the current slice
 * @preempt: set by @slice_timer or by a higher-level arrival; the running
 *	context stops at its next preemption point
 * @expired: @slice_timer fired (else a preemption was asked for)
 * @busy_ns: time spent running contexts
 * @switches: context switches: a run of a different context right after
 *	another, without the engine going idle in between
 * @switch_ns: time from the end of one run to the start of the next, summed
 *	over @switches
 * @last_id: vGPU id of the previous run (an id, not a pointer: that
 *	vGPU may be gone)
 * @last_end: when the previous run ended
 */
struct mvgpu_engine {
	struct mvgpu_dev *gdev;
	unsigned int index;
	struct task_struct *task;
	struct mvgpu_ctx *cur;
	struct mvgpu_exec_bufs bufs;
	struct hrtimer slice_timer;
	u64 slice_ns;
	bool preempt;
	bool expired;
	u64 busy_ns;
	u64 switches;
	u64 switch_ns;
	u32 last_id;
	u64 last_end;
};

/**
 * struct mvgpu_sched - the GPU's scheduler: policy and engines
 * @lock: protects @policy and every context's @se, @state, @stopping, @tail
 * @policy: run queues and the scheduling policy (drivers/sched)
 * @wq: engines wait here for work
 * @engines: the GPU's engines
 * @nr_engines: entries in @engines
 * @kicks: bumped by every enqueue; idle engines wait for it to change
 * @win_start: start of the current utilisation window
 * @win_busy: engine time in the current window, all engines
 * @util_ppm: utilisation of all engines in the last complete window, in
 *	millionths
 */
struct mvgpu_sched {
	spinlock_t lock;		/* see @lock above */
	struct mvgpu_sched_policy policy;
	wait_queue_head_t wq;
	struct mvgpu_engine *engines;
	unsigned int nr_engines;
	unsigned long kicks;
	u64 win_start;
	u64 win_busy;
	u32 util_ppm;
};

/**
 * struct mvgpu_sched_summary - a GPU's scheduler figures, for sysfs
 * @mode: enum mvgpu_sched_mode
 * @engines: engines
 * @switches: context switches, all engines
 * @switch_ns: time from the end of one run to the start of the next one,
 *	summed over @switches
 * @busy_ns: time engines spent running contexts
 * @util_ppm: utilisation of all engines over the last second, millionths
 * @tlb_hits: translations the engines' caches answered
 * @tlb_misses: translations that walked a page table
 */
struct mvgpu_sched_summary {
	int mode;
	unsigned int engines;
	u64 switches;
	u64 switch_ns;
	u64 busy_ns;
	u32 util_ppm;
	u64 tlb_hits;
	u64 tlb_misses;
};

struct seq_file;

extern unsigned int mvgpu_watchdog_ms;
extern atomic64_t mvgpu_gpt_gens;

/*
 * The page table of @ctx changed: a new generation, unique across all
 * contexts ever, so no cached translation of an old one (or of a freed
 * context whose memory was reused) can match.  Caller holds gpt_lock.
 */
static inline void mvgpu_ctx_gpt_changed(struct mvgpu_ctx *ctx)
{
	WRITE_ONCE(ctx->gpt_gen, atomic64_inc_return(&mvgpu_gpt_gens));
}

void mvgpu_sched_summary(struct mvgpu_dev *gdev, struct mvgpu_sched_summary *s);
void mvgpu_sched_show(struct seq_file *m, struct mvgpu_dev *gdev);

int mvgpu_sched_init(struct mvgpu_dev *gdev, unsigned int nr_engines,
		     enum mvgpu_sched_mode mode, u64 slice_ns, u64 boost_ns);
void mvgpu_sched_fini(struct mvgpu_dev *gdev);

int mvgpu_ctx_init(struct mvgpu_ctx *ctx, struct mvgpu_vgpu *vgpu,
		   u32 weight);
int mvgpu_ctx_set_sched(struct mvgpu_ctx *ctx, u32 weight, u32 prio, u32 cap);
void mvgpu_ctx_fini(struct mvgpu_ctx *ctx);
void mvgpu_ctx_stop(struct mvgpu_ctx *ctx);
void mvgpu_ctx_restart(struct mvgpu_ctx *ctx);
void mvgpu_ctx_doorbell(struct mvgpu_ctx *ctx);
void mvgpu_ctx_dma_unmap(struct mvgpu_ctx *ctx, u64 iova, u64 len);
int mvgpu_ctx_direct(struct mvgpu_ctx *ctx, const struct mvgpu_cmd *cmds,
		     unsigned int n);

enum mvgpu_run_result mvgpu_exec_run(struct mvgpu_ctx *ctx,
				     struct mvgpu_exec_bufs *bufs,
				     const bool *preempt);
int mvgpu_exec_direct(struct mvgpu_ctx *ctx, struct mvgpu_exec_bufs *bufs,
		      const struct mvgpu_cmd *cmds, unsigned int n);
void mvgpu_exec_reset(struct mvgpu_ctx *ctx);

#endif /* _MVGPU_ENGINE_H_ */
