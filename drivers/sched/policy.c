// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduling policy: which vGPU runs next on an engine, for how long.
 * Pure code: no locks, no sleeping, time passed in; KUnit drives it with a
 * fake clock.
 */

#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>

#include "policy.h"

/**
 * DOC: Scheduling policy
 *
 * MLFQ (the default, ``sched=mlfq``): MVGPU_SCHED_LEVELS levels, level 0 on
 * top; level L's slice is ``timeslice_us << L``.  The highest non-empty
 * level runs first, and a vGPU arriving at a higher level than one running
 * preempts it; so does one arriving at the same level with less weighted
 * service (a smaller virtual time, below, than the running vGPU's counted
 * up to now), as the pick would have chosen it - else a boost, which brings
 * every busy vGPU back to the top level, would make an interactive vGPU
 * wait out a whole top slice of a hog's there.  A vGPU that uses its whole
 * slice drops a level; one whose ring empties (or which blocks in WAIT)
 * before its slice ends keeps its level, but the time it used there adds up
 * over its runs, less an eighth of the time it spent idle in between
 * (MVGPU_SCHED_LEVEL_SHARE) as long as it has had no more than its weighted
 * share (its virtual time, below, within a top slice of the smallest
 * runnable one): once the total reaches the level's slice it drops a level
 * too.  So a vGPU that runs bursts shorter than a slice and is idle at
 * least eight times as long as it runs (under about 11 % of an engine), and
 * under its share, keeps its level for good (interactive work), while
 * submitting in short bursts - alone or with other tenants doing the same -
 * cannot hold the top level beyond the bursts' weighted share.  Every
 * ``boost_ms`` all vGPUs return to their starting level (the ``priority``
 * knob, 0 by default), which bounds how long a demoted vGPU can starve.
 *
 * Inside a level, weighted virtual time decides: a vGPU's vtime grows by
 * the engine time it receives divided by its weight, and the smallest vtime
 * runs next, so busy vGPUs' shares converge to weight / sum of weights.  A
 * vGPU that becomes runnable starts no lower than the smallest vtime that
 * ran recently, so idling banks no credit.  Picks and enqueues are
 * O(log n) in rbtrees; a boost touches every queued vGPU once, once per
 * period, off the per-pick path.
 *
 * A cap (percent of one engine) is a token bucket that fills at cap% of
 * wall time, also while the vGPU runs.  A quantum is the top level's slice,
 * or cap% of MVGPU_CAP_QUANTUM_NS (10 ms) if that is less; the bucket holds
 * two.  A capped vGPU runs only once its bucket holds a quantum, and only
 * for as long as the bucket lasts; then it waits in the throttled tree.  So
 * that a long slice elsewhere cannot make it miss its turn, a slice started
 * while the next throttled vGPU to come back, at the same or a higher
 * level, waits ends before that vGPU's bucket is one and a half quanta full
 * (this is no demotion).  Over any window a vGPU that stays busy and capped
 * therefore runs cap% of the window, give or take two quanta (plus one step
 * of overrun): capped at 10 %, it gets 10 +- 2 % of an engine in every
 * 100 ms.  One that sleeps and is throttled when it wakes can wait out a
 * slice already running, and get less than its cap over short windows (never
 * more).  Without caps the policy is work-conserving.
 *
 * The other modes, for users who want them and as baselines: ``rr`` runs
 * vGPUs in arrival order with one slice (``2 * timeslice_us``), no levels,
 * no weights; ``equal`` is the weighted fairness above with every weight
 * equal and no levels; ``fixed`` is ``equal`` with weights, plus a cap of
 * weight / 8 of an engine on every vGPU, so a vGPU gets its fixed share and
 * no more even on an idle GPU (NVIDIA's "fixed share").
 *
 * Wait bound: with n runnable vGPUs on E engines, a vGPU at the top level
 * waits at most for the vGPUs ahead of it there, each for at most one top
 * slice, so about n / E * timeslice_us; a demoted vGPU is boosted within
 * ``boost_ms`` and then waits as above.  With the defaults (1 ms, 3 levels,
 * 100 ms boost) and 16 busy vGPUs on 2 engines, that is under 110 ms.
 */

#define MVGPU_CAP_QUANTUM_NS	(10 * NSEC_PER_MSEC)

static bool mvgpu_policy_levels(const struct mvgpu_sched_policy *p)
{
	return p->mode == MVGPU_SCHED_MLFQ;
}

static u32 mvgpu_policy_cap(const struct mvgpu_sched_policy *p,
			    const struct mvgpu_sched_entity *e)
{
	if (p->mode == MVGPU_SCHED_FIXED)
		return min(e->cap, max(1U, e->weight * 100 / 8));
	return e->cap;
}

/**
 * mvgpu_policy_init() - empty run queues
 * @p: the policy
 * @mode: enum mvgpu_sched_mode
 * @slice_ns: the top level's slice
 * @boost_ns: boost period
 * @now: current time
 *
 * Context: any.
 */
void mvgpu_policy_init(struct mvgpu_sched_policy *p,
		       enum mvgpu_sched_mode mode, u64 slice_ns, u64 boost_ns,
		       u64 now)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->slice_ns = slice_ns;
	p->boost_ns = boost_ns;
	for (i = 0; i < MVGPU_SCHED_LEVELS; i++)
		p->levels[i] = RB_ROOT_CACHED;
	p->throttled = RB_ROOT_CACHED;
	p->next_boost = now + boost_ns;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_init);

/**
 * mvgpu_policy_entity_init() - a new entity, not runnable
 * @e: the entity
 * @weight: 1..MVGPU_SCHED_MAX_WEIGHT
 * @prio: starting level
 * @cap: percent of one engine, 1..100
 *
 * Context: any.
 */
void mvgpu_policy_entity_init(struct mvgpu_sched_entity *e, u32 weight,
			      u32 prio, u32 cap)
{
	memset(e, 0, sizeof(*e));
	RB_CLEAR_NODE(&e->node);
	e->weight = weight;
	e->prio = prio;
	e->level = prio;
	e->cap = cap;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_entity_init);

static bool mvgpu_entity_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct mvgpu_sched_entity, node)->key <
	       rb_entry(b, struct mvgpu_sched_entity, node)->key;
}

/*
 * What a capped entity needs in its bucket to run, one quantum: a slice,
 * but no more than it earns in MVGPU_CAP_QUANTUM_NS.  The bucket holds two,
 * so a pick that comes a little late loses nothing.
 */
static s64 mvgpu_policy_quantum(const struct mvgpu_sched_policy *p, u32 cap)
{
	return min_t(u64, p->slice_ns, div_u64(MVGPU_CAP_QUANTUM_NS * cap, 100));
}

static void mvgpu_policy_refill(struct mvgpu_sched_policy *p,
				struct mvgpu_sched_entity *e, u64 now)
{
	u32 cap = mvgpu_policy_cap(p, e);
	s64 burst = 2 * mvgpu_policy_quantum(p, cap);

	if (cap >= 100)
		return;
	if (now > e->refill_at) {
		e->budget = min_t(s64, burst,
				  e->budget + div_u64((now - e->refill_at) * cap, 100));
		e->refill_at = now;
	}
}

/* Put a runnable entity in its level, or in the throttled tree. */
static void mvgpu_policy_insert(struct mvgpu_sched_policy *p,
				struct mvgpu_sched_entity *e, u64 now)
{
	u32 cap = mvgpu_policy_cap(p, e);

	if (!mvgpu_policy_levels(p)) {
		e->level = 0;
	} else if (e->epoch != p->epoch) {
		if (e->level > e->prio)
			e->stats.boosts++;
		e->level = e->prio;
		e->level_used = 0;
	}
	e->epoch = p->epoch;

	mvgpu_policy_refill(p, e, now);
	if (cap < 100 && e->budget < mvgpu_policy_quantum(p, cap)) {
		/* Until the bucket is full again. */
		e->key = now + div_u64((u64)(mvgpu_policy_quantum(p, cap) -
					     e->budget) * 100, cap) + 1;
		e->throttled = true;
		rb_add_cached(&e->node, &p->throttled, mvgpu_entity_less);
		return;
	}
	e->key = p->mode == MVGPU_SCHED_RR ? p->seq++ : e->vtime;
	e->queued = true;
	p->nr_queued++;
	rb_add_cached(&e->node, &p->levels[e->level], mvgpu_entity_less);
}

/**
 * mvgpu_policy_enqueue() - an entity became runnable
 * @p: the policy
 * @e: the entity, not queued, not running
 * @wakeup: it was idle (else it comes back after a preemption)
 * @now: current time
 *
 * Context: any; the caller serialises all calls on @p.
 */
void mvgpu_policy_enqueue(struct mvgpu_sched_policy *p,
			  struct mvgpu_sched_entity *e, bool wakeup, u64 now)
{
	if (wakeup)
		e->vtime = max(e->vtime, p->min_vtime);
	if (wakeup && e->idle_at) {
		e->idle_ns += now - min(now, e->idle_at);
		e->idle_at = 0;
	}
	e->since = now;
	mvgpu_policy_insert(p, e, now);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_enqueue);

/**
 * mvgpu_policy_dequeue() - an entity is no longer runnable (reset, removal)
 * @p: the policy
 * @e: the entity; nothing happens if it is not queued or throttled
 *
 * Context: any; the caller serialises all calls on @p.
 */
void mvgpu_policy_dequeue(struct mvgpu_sched_policy *p,
			  struct mvgpu_sched_entity *e)
{
	if (e->queued) {
		rb_erase_cached(&e->node, &p->levels[e->level]);
		p->nr_queued--;
	} else if (e->throttled) {
		rb_erase_cached(&e->node, &p->throttled);
	}
	RB_CLEAR_NODE(&e->node);
	e->queued = false;
	e->throttled = false;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_dequeue);

static void mvgpu_policy_boost(struct mvgpu_sched_policy *p, u64 now)
{
	unsigned int l;

	p->epoch++;
	p->next_boost = now + p->boost_ns;
	for (l = 1; l < MVGPU_SCHED_LEVELS; l++) {
		struct rb_node *n, *next;

		for (n = rb_first_cached(&p->levels[l]); n; n = next) {
			struct mvgpu_sched_entity *e =
				rb_entry(n, struct mvgpu_sched_entity, node);

			next = rb_next(n);
			if (e->prio >= l)
				continue;
			/* It moves to a higher level: this walk goes on. */
			mvgpu_policy_dequeue(p, e);
			mvgpu_policy_insert(p, e, now);
		}
	}
}

/**
 * mvgpu_wait_percentile() - a percentile of an entity's waits
 * @s: its stats
 * @pct: 1..100
 *
 * Context: any.
 * Return: the upper bound of the bucket holding the percentile, in ns; 0
 * if it never waited.
 */
u64 mvgpu_wait_percentile(const struct mvgpu_sched_stats *s, unsigned int pct)
{
	return mvgpu_hist_percentile(s->wait_hist, pct);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_wait_percentile);

/*
 * The smallest vtime among the runnable, never decreasing: what a waking
 * entity starts from.  @picked was just taken off the queues.
 */
static void mvgpu_policy_update_min(struct mvgpu_sched_policy *p, u64 picked)
{
	u64 min = picked;
	unsigned int l;

	for (l = 0; l < MVGPU_SCHED_LEVELS; l++) {
		struct rb_node *n = rb_first_cached(&p->levels[l]);

		if (n)
			min = min(min, rb_entry(n, struct mvgpu_sched_entity,
						node)->vtime);
	}
	p->min_vtime = max(p->min_vtime, min);
}

/**
 * mvgpu_policy_pick() - take the entity that runs next
 * @p: the policy
 * @now: current time
 * @next: if none is runnable now but a throttled one will be, set to when
 *	(else to U64_MAX)
 *
 * Also carries out a boost that is due and releases throttled entities
 * whose cap allows them to run again.
 *
 * Context: any; the caller serialises all calls on @p.
 * Return: the entity, now running, or NULL.
 */
struct mvgpu_sched_entity *mvgpu_policy_pick(struct mvgpu_sched_policy *p,
					     u64 now, u64 *next)
{
	struct rb_node *n;
	unsigned int l;

	if (mvgpu_policy_levels(p) && now >= p->next_boost)
		mvgpu_policy_boost(p, now);
	while ((n = rb_first_cached(&p->throttled))) {
		struct mvgpu_sched_entity *e =
			rb_entry(n, struct mvgpu_sched_entity, node);

		if (e->key > now)
			break;
		mvgpu_policy_dequeue(p, e);
		mvgpu_policy_insert(p, e, now);
	}

	*next = U64_MAX;
	for (l = 0; l < MVGPU_SCHED_LEVELS; l++) {
		struct mvgpu_sched_entity *e;

		n = rb_first_cached(&p->levels[l]);
		if (!n)
			continue;
		e = rb_entry(n, struct mvgpu_sched_entity, node);
		mvgpu_policy_dequeue(p, e);
		mvgpu_policy_refill(p, e, now);	/* it earns from here on */
		e->running = true;
		e->picked_at = now;
		e->stats.runs++;
		e->stats.wait_hist[mvgpu_hist_bucket(now - e->since)]++;
		mvgpu_policy_update_min(p, e->vtime);
		return e;
	}
	n = rb_first_cached(&p->throttled);
	if (n)
		*next = rb_entry(n, struct mvgpu_sched_entity, node)->key;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_pick);

static u64 mvgpu_policy_level_slice(const struct mvgpu_sched_policy *p,
				    const struct mvgpu_sched_entity *e)
{
	return mvgpu_policy_levels(p) ? p->slice_ns << e->level :
					p->slice_ns * 2;
}

/* The level a throttled entity comes back at. */
static u32 mvgpu_policy_return_level(const struct mvgpu_sched_policy *p,
				     const struct mvgpu_sched_entity *e)
{
	if (!mvgpu_policy_levels(p))
		return 0;
	return e->epoch != p->epoch ? e->prio : e->level;
}

/**
 * mvgpu_policy_slice() - how long a picked entity may run
 * @p: the policy
 * @e: the entity, just picked
 * @now: current time, as given to mvgpu_policy_pick()
 *
 * Its level's slice, but no longer than its cap's bucket lasts (it fills
 * at cap% while it runs), and no later than a throttled entity at its
 * level or above is due back.
 *
 * Context: any.
 * Return: nanoseconds.
 */
u64 mvgpu_policy_slice(struct mvgpu_sched_policy *p,
		       struct mvgpu_sched_entity *e, u64 now)
{
	u64 slice = mvgpu_policy_level_slice(p, e);
	u32 cap = mvgpu_policy_cap(p, e);
	struct rb_node *n;

	/* Never more than a capped entity may still use. */
	if (cap < 100)
		slice = clamp_t(s64, div_u64(max_t(s64, e->budget, 0) * 100,
					     100 - cap), 1, slice);
	n = rb_first_cached(&p->throttled);
	if (n) {
		struct mvgpu_sched_entity *t =
			rb_entry(n, struct mvgpu_sched_entity, node);

		u32 tcap = mvgpu_policy_cap(p, t);
		/*
		 * Not when it is due but half-way to a full bucket: waiting
		 * that long costs it nothing, and a short burst of someone
		 * else's is not cut.
		 */
		u64 cut = t->key + div_u64((u64)mvgpu_policy_quantum(p, tcap) *
					   100, tcap) / 2;

		if (cut > now && mvgpu_policy_return_level(p, t) <= e->level)
			slice = min(slice, cut - now);
	}
	return slice;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_slice);

/**
 * mvgpu_policy_put() - a running entity came off its engine
 * @p: the policy
 * @e: the entity
 * @ran_ns: engine time it used since it was picked
 * @why: enum mvgpu_put_reason
 * @now: current time
 *
 * Accounts the time and applies the MLFQ rules; the caller enqueues it
 * again if it is still runnable.
 *
 * Context: any; the caller serialises all calls on @p.
 */
void mvgpu_policy_put(struct mvgpu_sched_policy *p,
		      struct mvgpu_sched_entity *e, u64 ran_ns,
		      enum mvgpu_put_reason why, u64 now)
{
	u32 weight = p->mode == MVGPU_SCHED_EQUAL ? 1 : e->weight;
	u64 decay, idle_ns = e->idle_ns;

	e->running = false;
	e->idle_ns = 0;
	if (why == MVGPU_PUT_IDLE)
		e->idle_at = now;
	e->stats.service_ns += ran_ns;
	e->vtime += div_u64(ran_ns * MVGPU_SCHED_MAX_WEIGHT, weight);
	if (mvgpu_policy_cap(p, e) < 100) {
		/* Spent first: what it earned while running is not lost. */
		e->budget -= ran_ns;
		mvgpu_policy_refill(p, e, now);
	}
	if (why != MVGPU_PUT_IDLE)
		e->stats.preemptions++;
	if (!mvgpu_policy_levels(p) || e->epoch != p->epoch)
		return;
	/*
	 * The level's allotment counts over all runs, not run by run.  A
	 * slice cut short for a cap (its own or a neighbour's) is no
	 * demotion: only one that came near the level's slice is.  What
	 * it used decays by 1 / MVGPU_SCHED_LEVEL_SHARE of the time it was
	 * idle before this run, so occasional short bursts never add up -
	 * but only while its virtual time is within a top slice of the
	 * smallest runnable one, i.e. while it has not had more than its
	 * weighted share: tenants that each stay under the eighth cannot
	 * together hold the top level against busy neighbours.  A vGPU
	 * that never goes idle gets no decay.
	 */
	decay = div_u64(idle_ns, MVGPU_SCHED_LEVEL_SHARE);
	if (e->vtime > p->min_vtime +
		       div_u64(p->slice_ns * MVGPU_SCHED_MAX_WEIGHT, weight))
		decay = 0;
	e->level_used -= min(e->level_used, decay);
	e->level_used += ran_ns;
	if (((why == MVGPU_PUT_EXPIRED &&
	      ran_ns >= mvgpu_policy_level_slice(p, e) * 7 / 8) ||
	     e->level_used >= mvgpu_policy_level_slice(p, e)) &&
	    e->level < MVGPU_SCHED_LEVELS - 1) {
		e->level++;
		e->level_used = 0;
		e->stats.demotions++;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_put);

/**
 * mvgpu_policy_charge() - charge an entity for work done for it off the
 *	engines
 * @p: the policy
 * @e: the entity; neither queued nor running
 * @ns: the time the work took
 * @now: current time
 *
 * Host time spent on a vGPU's behalf (pinning its guest memory) counts
 * against its share and its cap as engine time does, so a tenant cannot
 * buy host CPU for free by asking for it; it is not engine service and
 * does not move it between MLFQ levels.
 *
 * Context: any; the caller serialises all calls on @p.
 */
void mvgpu_policy_charge(struct mvgpu_sched_policy *p,
			 struct mvgpu_sched_entity *e, u64 ns, u64 now)
{
	u32 weight = p->mode == MVGPU_SCHED_EQUAL ? 1 : e->weight;

	if (WARN_ON_ONCE(e->queued || e->running))
		return;
	e->vtime += div_u64(ns * MVGPU_SCHED_MAX_WEIGHT, weight);
	if (mvgpu_policy_cap(p, e) < 100) {
		mvgpu_policy_refill(p, e, now);
		e->budget -= ns;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_charge);

/**
 * mvgpu_policy_preempts() - should a newly runnable entity preempt one
 *	that runs?
 * @p: the policy
 * @waiting: the entity just enqueued
 * @running: an entity on an engine
 * @now: current time
 *
 * Context: any.
 * Return: true (MLFQ only) if @waiting sits at a higher level than
 * @running, or at the same level with less weighted service: a smaller
 * vtime than @running's counted up to @now, so that the pick would take it
 * first (DOC: Scheduling policy).
 */
bool mvgpu_policy_preempts(struct mvgpu_sched_policy *p,
			   struct mvgpu_sched_entity *waiting,
			   struct mvgpu_sched_entity *running, u64 now)
{
	u64 ran;

	if (!mvgpu_policy_levels(p) || !waiting->queued)
		return false;
	if (waiting->level != running->level)
		return waiting->level < running->level;
	ran = now - min(now, running->picked_at);
	return waiting->vtime < running->vtime +
	       div_u64(ran * MVGPU_SCHED_MAX_WEIGHT, running->weight);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_preempts);

/**
 * mvgpu_policy_set() - change an entity's weight, priority and cap
 * @p: the policy
 * @e: the entity, in any state
 * @weight: 1..MVGPU_SCHED_MAX_WEIGHT
 * @prio: starting level, 0..MVGPU_SCHED_LEVELS - 1
 * @cap: 1..100
 * @now: current time
 *
 * Takes effect at once: a queued entity is re-sorted, a new priority moves
 * it to that level.
 *
 * Context: any; the caller serialises all calls on @p.
 */
void mvgpu_policy_set(struct mvgpu_sched_policy *p,
		      struct mvgpu_sched_entity *e, u32 weight, u32 prio,
		      u32 cap, u64 now)
{
	bool requeue = e->queued || e->throttled;

	if (requeue)
		mvgpu_policy_dequeue(p, e);
	if (prio != e->prio) {
		if (prio < e->level)
			e->stats.promotions++;
		else if (prio > e->level)
			e->stats.demotions++;
		e->level = prio;
		e->level_used = 0;
	}
	e->weight = weight;
	e->prio = prio;
	if (cap != e->cap) {
		/* A new cap starts with a full bucket: it only limits. */
		e->cap = cap;
		e->budget = 2 * mvgpu_policy_quantum(p, mvgpu_policy_cap(p, e));
		e->refill_at = now;
	}
	if (requeue)
		mvgpu_policy_insert(p, e, now);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_policy_set);
