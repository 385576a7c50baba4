/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_SCHED_POLICY_H_
#define _MVGPU_SCHED_POLICY_H_

#include <linux/rbtree.h>
#include <linux/types.h>

#include <mvgpu/hist.h>

#define MVGPU_SCHED_LEVELS	3
#define MVGPU_SCHED_MAX_WEIGHT	100
/*
 * A vGPU idle this many times as long as it runs, in bursts shorter than a
 * slice and within its weighted share, keeps its level.
 */
#define MVGPU_SCHED_LEVEL_SHARE	8

/**
 * enum mvgpu_sched_mode - scheduling policies, chosen at load time
 * @MVGPU_SCHED_MLFQ: multi-level feedback queue with weighted fairness
 *	inside a level (the default)
 * @MVGPU_SCHED_RR: best-effort round robin: first come, first run, one
 *	fixed slice, weights and levels ignored
 * @MVGPU_SCHED_EQUAL: equal share: weighted fairness with every weight 1
 * @MVGPU_SCHED_FIXED: fixed share: each vGPU gets at most weight / 8 of an
 *	engine even when the GPU is otherwise idle (not work-conserving)
 * @MVGPU_SCHED_NR_MODES: how many there are
 */
enum mvgpu_sched_mode {
	MVGPU_SCHED_MLFQ,
	MVGPU_SCHED_RR,
	MVGPU_SCHED_EQUAL,
	MVGPU_SCHED_FIXED,
	MVGPU_SCHED_NR_MODES,
};

/**
 * enum mvgpu_put_reason - why a running entity came off its engine
 * @MVGPU_PUT_IDLE: its ring went empty (or it blocked) before the slice ended
 * @MVGPU_PUT_EXPIRED: it used its whole slice
 * @MVGPU_PUT_PREEMPTED: a higher level preempted it before its slice ended
 */
enum mvgpu_put_reason {
	MVGPU_PUT_IDLE,
	MVGPU_PUT_EXPIRED,
	MVGPU_PUT_PREEMPTED,
};

/**
 * struct mvgpu_sched_stats - what the policy counts for one entity
 * @service_ns: engine time received
 * @runs: times picked
 * @preemptions: times taken off before its ring was empty
 * @demotions: level drops
 * @promotions: level rises outside boosts
 * @boosts: periodic boosts that raised it
 * @wait_hist: wait from runnable to picked: bucket i counts waits in
 *	[mvgpu_hist_bucket_ns(i), mvgpu_hist_bucket_ns(i + 1))
 */
struct mvgpu_sched_stats {
	u64 service_ns;
	u64 runs;
	u64 preemptions;
	u64 demotions;
	u64 promotions;
	u64 boosts;
	u32 wait_hist[MVGPU_HIST_BUCKETS];
};

/**
 * struct mvgpu_sched_entity - one vGPU as the policy sees it
 * @node: in a level tree or the throttled tree
 * @key: sort key in that tree
 * @vtime: service divided by weight (in ns at weight MVGPU_SCHED_MAX_WEIGHT)
 * @weight: relative share, 1..MVGPU_SCHED_MAX_WEIGHT
 * @prio: level it starts at and returns to on boost (0 is the top)
 * @cap: most it may use of one engine, in percent (100: no cap)
 * @level: current level
 * @level_used: engine time used at @level since it got there, less
 *	1 / MVGPU_SCHED_LEVEL_SHARE of the time it spent idle meanwhile while
 *	within its weighted share (DOC: Scheduling policy)
 * @idle_at: when its ring last went empty (0: not idle)
 * @idle_ns: time spent idle since it last came off an engine
 * @queued: in a level tree
 * @throttled: in the throttled tree (over its cap)
 * @running: picked, not yet put
 * @budget: cap token bucket: engine ns it may still use
 * @refill_at: when @budget was last refilled
 * @since: when it became runnable
 * @picked_at: when it was last picked to run
 * @epoch: the boost epoch its @level belongs to
 * @stats: counters
 */
struct mvgpu_sched_entity {
	struct rb_node node;
	u64 key;
	u64 vtime;
	u32 weight;
	u32 prio;
	u32 cap;
	u32 level;
	u64 level_used;
	u64 idle_at;
	u64 idle_ns;
	bool queued;
	bool throttled;
	bool running;
	s64 budget;
	u64 refill_at;
	u64 since;
	u64 picked_at;
	u64 epoch;
	struct mvgpu_sched_stats stats;
};

/**
 * struct mvgpu_sched_policy - the run queues of one GPU
 * @mode: enum mvgpu_sched_mode
 * @slice_ns: slice at the top level; level L gets @slice_ns << L
 * @boost_ns: period of the boost to the top level
 * @levels: runnable entities per level, by @key
 * @throttled: entities over their cap, by the time they may run again
 * @nr_queued: entities in @levels
 * @min_vtime: the smallest vtime that has run recently; newcomers start at
 *	it, so sleeping does not bank service
 * @seq: order of arrival, the round-robin key
 * @epoch: boosts so far
 * @next_boost: when the next boost is due
 */
struct mvgpu_sched_policy {
	enum mvgpu_sched_mode mode;
	u64 slice_ns;
	u64 boost_ns;
	struct rb_root_cached levels[MVGPU_SCHED_LEVELS];
	struct rb_root_cached throttled;
	unsigned int nr_queued;
	u64 min_vtime;
	u64 seq;
	u64 epoch;
	u64 next_boost;
};

void mvgpu_policy_init(struct mvgpu_sched_policy *p,
		       enum mvgpu_sched_mode mode, u64 slice_ns, u64 boost_ns,
		       u64 now);
void mvgpu_policy_entity_init(struct mvgpu_sched_entity *e, u32 weight,
			      u32 prio, u32 cap);
void mvgpu_policy_enqueue(struct mvgpu_sched_policy *p,
			  struct mvgpu_sched_entity *e, bool wakeup, u64 now);
void mvgpu_policy_dequeue(struct mvgpu_sched_policy *p,
			  struct mvgpu_sched_entity *e);
struct mvgpu_sched_entity *mvgpu_policy_pick(struct mvgpu_sched_policy *p,
					     u64 now, u64 *next);
u64 mvgpu_policy_slice(struct mvgpu_sched_policy *p,
		       struct mvgpu_sched_entity *e, u64 now);
void mvgpu_policy_put(struct mvgpu_sched_policy *p,
		      struct mvgpu_sched_entity *e, u64 ran_ns,
		      enum mvgpu_put_reason why, u64 now);
void mvgpu_policy_charge(struct mvgpu_sched_policy *p,
			 struct mvgpu_sched_entity *e, u64 ns, u64 now);
bool mvgpu_policy_preempts(struct mvgpu_sched_policy *p,
			   struct mvgpu_sched_entity *waiting,
			   struct mvgpu_sched_entity *running, u64 now);
void mvgpu_policy_set(struct mvgpu_sched_policy *p,
		      struct mvgpu_sched_entity *e, u32 weight, u32 prio,
		      u32 cap, u64 now);
u64 mvgpu_wait_percentile(const struct mvgpu_sched_stats *s, unsigned int pct);

#endif /* _MVGPU_SCHED_POLICY_H_ */
