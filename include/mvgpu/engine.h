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
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

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
 * @MVGPU_CTX_PINNING: waits for the pin worker (a MAP of guest memory);
 *	the worker requeues it
 * @MVGPU_CTX_STOPPED: stopped by a fault until the vGPU is reset
 */
enum mvgpu_ctx_state {
	MVGPU_CTX_IDLE,
	MVGPU_CTX_QUEUED,
	MVGPU_CTX_RUNNING,
	MVGPU_CTX_WAITING,
	MVGPU_CTX_PINNING,
	MVGPU_CTX_STOPPED,
};

/**
 * enum mvgpu_pin_job - the pin worker's part in a MAP of guest memory
 * @MVGPU_PIN_JOB_NONE: none
 * @MVGPU_PIN_JOB_QUEUED: handed to the worker, not finished
 * @MVGPU_PIN_JOB_DONE: finished; struct mvgpu_ctx @pin_fault says how
 */
enum mvgpu_pin_job {
	MVGPU_PIN_JOB_NONE,
	MVGPU_PIN_JOB_QUEUED,
	MVGPU_PIN_JOB_DONE,
};

/**
 * struct mvgpu_fault - what stopped a command, as the registers show it
 * @code: MVGPU_ERR_*, for ERROR_CODE (0: none)
 * @info: ERROR_INFO
 * @addr: FAULT_ADDR
 */
struct mvgpu_fault {
	u32 code;
	u32 info;
	u64 addr;
};

/**
 * enum mvgpu_run_result - why an engine gave a context back
 * @MVGPU_RUN_EMPTY: the ring is empty
 * @MVGPU_RUN_PREEMPTED: the slice ended or a reset asked it to stop
 * @MVGPU_RUN_BLOCKED: a WAIT is not satisfied yet
 * @MVGPU_RUN_PINNING: a MAP of guest memory waits for the pin worker
 * @MVGPU_RUN_FAULT: a fault stopped the ring
 */
enum mvgpu_run_result {
	MVGPU_RUN_EMPTY,
	MVGPU_RUN_PREEMPTED,
	MVGPU_RUN_BLOCKED,
	MVGPU_RUN_PINNING,
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
 * @pin_job: the pin worker's part in the command in flight
 * @pin_fault: how the pin worker's part ended (code 0: mapped)
 * @pin_abort: VFIO unmapped guest memory the pin worker was mapping; set
 *	and read under the vGPU's pins lock
 * @pin_worker: the pin worker owns the MAP in flight (its engine handed it
 *	over); set under sched.lock, cleared by mvgpu_ctx_pin_done()
 * @pin_work: the pin worker: maps guest memory for a MAP, unpins pages
 *	nothing maps any more
 * @step_sem: held for reading by whoever runs a step of the context;
 *	mvgpu_ctx_step_barrier() takes it for writing to wait for the step
 *	in flight before memory it may use is released
 * @gpt_lock: protects @gpt against VFIO's dma_unmap, the pin worker and
 *	reset
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
 * Everything from @head to @pin_fault is the context's saved engine state:
 * it changes only while the context is MVGPU_CTX_RUNNING, by that one
 * runner, or MVGPU_CTX_PINNING, by the pin worker.
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
	enum mvgpu_pin_job pin_job;
	struct mvgpu_fault pin_fault;
	bool pin_abort;
	bool pin_worker;
	struct work_struct pin_work;

	struct rw_semaphore step_sem;	/* see @step_sem above */
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
 * @sum: an aligned u64 to store or load
 * @tlb: translation cache
 * @step_hist: if set, each step's duration is counted here
 *	(mvgpu_hist_bucket())
 * @step_max: the longest step, in ns
 */
struct mvgpu_exec_bufs {
	void *a, *b, *c;
	__le64 sum;
	struct mvgpu_tlb *tlb;
	u32 *step_hist;
	u64 step_max;
};

/**
 * struct mvgpu_clock - where a step started, to tell how long it ran
 * @wall: CLOCK_MONOTONIC ns
 * @cpu: the thread's scheduler-accounted run time, ns
 * @switches: the thread's context switches so far
 */
struct mvgpu_clock {
	u64 wall;
	u64 cpu;
	unsigned long switches;
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
 * @preempt_at: when @preempt was first set in this run (0: not set); for
 *	the preemption-latency histogram
 * @preempt_hist: from @preempt_at to the engine giving the context back,
 *	one count per preemption (mvgpu_hist_bucket()); sched.lock
 * @preempt_max: the longest of those, ns; sched.lock
 * @step_hist: how long each step of a command took (mvgpu_hist_bucket());
 *	written by the engine thread, read racily for statistics
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
	u64 preempt_at;
	u32 preempt_hist[MVGPU_WAIT_BUCKETS];
	u64 preempt_max;
	u32 step_hist[MVGPU_WAIT_BUCKETS];
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
 * @steps: command steps run, all engines
 * @step_p50_ns: median step duration
 * @step_p99_ns: 99th percentile of step durations
 * @step_max_ns: the longest step
 * @preempts: times an engine was asked to give up a context and did
 * @preempt_p50_ns: median preemption latency (slice end or a higher-level
 *	arrival to the engine stopped)
 * @preempt_p99_ns: its 99th percentile
 * @preempt_max_ns: the longest
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
	u64 steps;
	u64 step_p50_ns;
	u64 step_p99_ns;
	u64 step_max_ns;
	u64 preempts;
	u64 preempt_p50_ns;
	u64 preempt_p99_ns;
	u64 preempt_max_ns;
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
void mvgpu_sched_hist_show(struct seq_file *m, struct mvgpu_dev *gdev);
void mvgpu_sched_hist_clear(struct mvgpu_dev *gdev);

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
void mvgpu_ctx_pin_queue(struct mvgpu_ctx *ctx);
void mvgpu_ctx_pin_kick(struct mvgpu_ctx *ctx);
void mvgpu_ctx_pin_run(struct mvgpu_ctx *ctx);
void mvgpu_ctx_pin_done(struct mvgpu_ctx *ctx);
void mvgpu_ctx_step_barrier(struct mvgpu_ctx *ctx);
int mvgpu_ctx_aspace_init(struct mvgpu_ctx *ctx);
int mvgpu_aspace_module_init(void);
void mvgpu_aspace_module_exit(void);
unsigned long mvgpu_gpt_max_tables(u64 vram_size);
void mvgpu_ctx_aspace_reset(struct mvgpu_ctx *ctx);
void mvgpu_ctx_aspace_fini(struct mvgpu_ctx *ctx);
int mvgpu_ctx_direct(struct mvgpu_ctx *ctx, const struct mvgpu_cmd *cmds,
		     unsigned int n);

enum mvgpu_run_result mvgpu_exec_run(struct mvgpu_ctx *ctx,
				     struct mvgpu_exec_bufs *bufs,
				     const bool *preempt);
int mvgpu_exec_direct(struct mvgpu_ctx *ctx, struct mvgpu_exec_bufs *bufs,
		      const struct mvgpu_cmd *cmds, unsigned int n);
void mvgpu_exec_reset(struct mvgpu_ctx *ctx);

#endif /* _MVGPU_ENGINE_H_ */
