/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A GPU's scheduler as the core runs it: run queues (the policy), engine
 * slots, slices, accounting.
 */
#ifndef _MVGPU_SCHED_H_
#define _MVGPU_SCHED_H_

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <mvgpu/backend.h>
#include <mvgpu/hist.h>

#include "core/params.h"
#include "sched/policy.h"

struct mvgpu_ctx;
struct mvgpu_vsched;
struct mvgpu_dev;
struct seq_file;

/* Exact preemption latencies kept per engine (struct mvgpu_engine_slot). */
#define MVGPU_PREEMPT_SAMPLES	8192

/**
 * struct mvgpu_preempt_sample - one preemption, exactly
 * @lat_ns: from the first request to the context given back, less the
 *	time the engine waited for a CPU meanwhile (at most U32_MAX)
 * @cpu_wait_ns: that time (struct mvgpu_stop @cpu_wait_ns)
 */
struct mvgpu_preempt_sample {
	u32 lat_ns;
	u32 cpu_wait_ns;
};

/**
 * struct mvgpu_engine_slot - the core's view of one engine of a GPU
 * @gdev: its GPU
 * @index: engine number
 * @cur: the context it runs, or NULL
 * @run_at: when @cur's run started
 * @slice_timer: ends the current slice: asks the backend to preempt
 * @slice_ns: length of the current slice
 * @expired: @slice_timer fired (else a preemption was asked for)
 * @cross: the engine was asked to give its vGPU up (slice end, a vGPU
 *	that goes first): the vGPU's other contexts do not run on in its turn
 * @intra: the engine was asked to give @cur up for a context of a higher
 *	priority of the same vGPU
 * @preempt_at: when the engine was first asked to give @cur up in this run
 *	(0: not yet); for the preemption-latency histogram
 * @preempt_hist: from @preempt_at to the context given back, less the time
 *	the engine waited for a CPU meanwhile (struct mvgpu_stop
 *	@cpu_wait_ns), one count per preemption (mvgpu_hist_bucket())
 * @preempt_max: the longest of those, ns
 * @preempt_samples: the same latencies exactly, with those waits: a ring
 *	of the last MVGPU_PREEMPT_SAMPLES, for the benchmarks' percentiles
 *	(the histogram's buckets are a quarter octave wide); NULL if it could
 *	not be allocated
 * @preempt_nr: latencies recorded since the last clear
 * @busy_ns: engine time spent running contexts
 * @switches: context switches: a run of a different context right after
 *	another, without the engine going idle in between
 * @switch_ns: time from the end of one run to the start of the next, summed
 *	over @switches
 * @last_id: vGPU id of the previous run (an id, not a pointer: that vGPU
 *	may be gone)
 * @last_end: when the previous run ended, 0 if the engine went idle since
 * @ctx_switches: switches from one context of a vGPU to another of the
 *	same vGPU, inside its turn
 * @ctx_switch_ns: time from the end of one such run to the start of the
 *	next, summed over @ctx_switches
 * @engine_resets: times the engine did not give @cur back within the
 *	preemption timeout and was reset (&mvgpu_backend_ops.engine_reset)
 * @submit: requests the submit worker has not carried out yet, for the
 *	run of @cur (MVGPU_SUBMIT_*; DOC: Submission)
 * @submits: runs the worker has issued
 * @submit_ns: from the decision of each to the worker issuing it, summed
 * @resident: the contexts resident on the engine, the most recently run
 *	first (struct mvgpu_ctx @resident_node), with a backend that keeps
 *	some (&mvgpu_backend_ops.nr_resident)
 * @nr_resident: entries on @resident
 * @resident_runs: runs of a context already resident
 * @loads: runs that made their context resident first
 * @evictions: contexts evicted from the engine
 * @lost: contexts an engine reset lost (&mvgpu_core_ops.ctx_lost)
 *
 * All fields are protected by struct mvgpu_sched's @lock.
 */
struct mvgpu_engine_slot {
	struct mvgpu_dev *gdev;
	unsigned int index;
	struct mvgpu_ctx *cur;
	u64 run_at;
	struct hrtimer slice_timer;
	u64 slice_ns;
	bool expired;
	bool cross;
	bool intra;
	u64 preempt_at;
	u32 preempt_hist[MVGPU_HIST_BUCKETS];
	u64 preempt_max;
	struct mvgpu_preempt_sample *preempt_samples;
	u64 preempt_nr;
	u64 busy_ns;
	u64 switches;
	u64 switch_ns;
	u32 last_id;
	u64 last_end;
	u64 ctx_switches;
	u64 ctx_switch_ns;
	u64 engine_resets;
	unsigned int submit;
	u64 submits;
	u64 submit_ns;
	struct list_head resident;
	unsigned int nr_resident;
	u64 resident_runs;
	u64 loads;
	u64 evictions;
	u64 lost;
};

/* struct mvgpu_engine_slot @submit: what the submit worker is to call */
#define MVGPU_SUBMIT_RUN	BIT(0)	/* &mvgpu_backend_ops.run of @cur */
#define MVGPU_SUBMIT_PREEMPT	BIT(1)	/* .preempt */
#define MVGPU_SUBMIT_RESET	BIT(2)	/* .engine_reset */

/**
 * struct mvgpu_sched - the GPU's scheduler
 * @lock: protects @policy, the engine slots and every context's scheduling
 *	state (see struct mvgpu_ctx); irq-safe, so that a backend may report
 *	from an interrupt handler
 * @policy: run queues and the scheduling policy (drivers/sched)
 * @engines: the GPU's engines
 * @nr_engines: entries in @engines
 * @throttle_timer: wakes the scheduler when a capped context may run again
 *	and an engine is idle
 * @win_start: start of the current utilisation window
 * @win_busy: engine time in the current window, all engines
 * @util_ppm: utilisation of all engines in the last complete window, in
 *	millionths
 * @preempt_timeout_ns: how long an engine may take to give a context back
 *	once asked before it is reset, if the backend can reset one
 * @nr_resident: contexts each engine keeps resident, the backend's
 *	&mvgpu_backend_ops.nr_resident (0: the core keeps no residency)
 * @submit_worker: makes the calls down (DOC: Submission)
 * @submit_work: its work: carry out the requests pending, a bounded number
 *	at a time (DOC: Submission)
 * @evict_list: contexts to evict from the engine they are resident on
 *	(struct mvgpu_ctx @evict_node), for mvgpu_submit_forget()
 * @submit_next: the engine whose requests the worker looks at first next
 *	time, one past the engine it served last (round robin); protected
 *	by @lock
 * @preempt_req: per engine, the core's request for its run back (struct
 *	mvgpu_preempt_req, written under @lock, read by the backend without
 *	it); in the GPU's struct, so that it lives as long as its backend
 */
struct mvgpu_sched {
	spinlock_t lock;		/* see @lock above */
	struct mvgpu_sched_policy policy;
	struct mvgpu_engine_slot *engines;
	unsigned int nr_engines;
	struct hrtimer throttle_timer;
	u64 win_start;
	u64 win_busy;
	u32 util_ppm;
	u64 preempt_timeout_ns;
	unsigned int nr_resident;
	struct kthread_worker *submit_worker;
	struct kthread_work submit_work;
	struct list_head evict_list;
	unsigned int submit_next;
	struct mvgpu_preempt_req preempt_req[MVGPU_MAX_ENGINES];
};

/**
 * struct mvgpu_sched_summary - a GPU's scheduler figures, for sysfs
 * @mode: enum mvgpu_sched_mode
 * @engines: engines
 * @switches: context switches, all engines
 * @switch_ns: time from the end of one run to the start of the next one,
 *	summed over @switches
 * @ctx_switches: switches between contexts of one vGPU inside its turn
 * @ctx_switch_ns: time from the end of one's run to the start of the next
 *	one's, summed over @ctx_switches
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
 *	arrival to the context given back)
 * @preempt_p99_ns: its 99th percentile
 * @preempt_max_ns: the longest
 */
struct mvgpu_sched_summary {
	int mode;
	unsigned int engines;
	u64 switches;
	u64 switch_ns;
	u64 ctx_switches;
	u64 ctx_switch_ns;
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

extern const struct mvgpu_core_ops mvgpu_core_ops;

int mvgpu_sched_init(struct mvgpu_dev *gdev, unsigned int nr_engines,
		     enum mvgpu_sched_mode mode, u64 slice_ns, u64 boost_ns);
void mvgpu_sched_fini(struct mvgpu_dev *gdev);
/* mvgpu_sched_enqueue_locked()'s @preempt */
#define MVGPU_PREEMPT_OTHERS	BIT(0)	/* other vGPUs, as the policy says */
#define MVGPU_PREEMPT_SIBLINGS	BIT(1)	/* its vGPU's lower-priority contexts */
#define MVGPU_PREEMPT_ALL	(MVGPU_PREEMPT_OTHERS | MVGPU_PREEMPT_SIBLINGS)

void mvgpu_sched_enqueue_locked(struct mvgpu_dev *gdev, struct mvgpu_ctx *ctx,
				bool wakeup, unsigned int preempt);
void mvgpu_sched_dequeue_locked(struct mvgpu_dev *gdev, struct mvgpu_ctx *ctx);
void mvgpu_sched_set_prio_locked(struct mvgpu_dev *gdev, struct mvgpu_ctx *ctx,
				 u32 prio);
void mvgpu_sched_charge_host_locked(struct mvgpu_dev *gdev,
				    struct mvgpu_vsched *vs, u64 now);
void mvgpu_sched_stop_ctx_locked(struct mvgpu_dev *gdev, struct mvgpu_ctx *ctx);

/* core/submit.c: the calls down (DOC: Submission) */
int mvgpu_submit_init(struct mvgpu_dev *gdev);
void mvgpu_submit_fini(struct mvgpu_dev *gdev);
void mvgpu_submit_locked(struct mvgpu_dev *gdev, struct mvgpu_engine_slot *slot,
			 unsigned int what);
void mvgpu_submit_forget(struct mvgpu_ctx *ctx);
void mvgpu_submit_flush(struct mvgpu_dev *gdev);
void mvgpu_sched_ctx_lost(void *gpu, unsigned int engine, struct mvgpu_ctx *ctx,
			  u32 head, u32 opcode);
void mvgpu_sched_summary(struct mvgpu_dev *gdev, struct mvgpu_sched_summary *s);
void mvgpu_sched_show(struct seq_file *m, struct mvgpu_dev *gdev);
void mvgpu_sched_hist_show(struct seq_file *m, struct mvgpu_dev *gdev);
void mvgpu_sched_hist_clear(struct mvgpu_dev *gdev);
void mvgpu_sched_samples_show(struct seq_file *m, struct mvgpu_dev *gdev);
void mvgpu_sched_busy_show(struct seq_file *m, struct mvgpu_dev *gdev);

#endif /* _MVGPU_SCHED_H_ */
