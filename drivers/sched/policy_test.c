// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the scheduling policy on a fake clock with mock engines.
 *
 * A simulator advances time in 10 us ticks.  Mock vGPUs are hogs (always
 * runnable) or interactive (a burst of work every period); mock engines run
 * what the policy picks until the slice ends, the burst is done, or a
 * higher level preempts, the way drivers/core/sched.c does.  Upstream
 * drm_sched (newer than 6.1) tests its scheduler the same way, with a mock
 * scheduler and "heavy client vs interactive client" cases.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "policy.h"

#define TICK		(10 * NSEC_PER_USEC)
#define SLICE		NSEC_PER_MSEC
#define BOOST		(100 * NSEC_PER_MSEC)
#define MAX_ENTS	32
#define MAX_ENGINES	4

struct sim_ent {
	struct mvgpu_sched_entity e;
	bool live;
	bool hog;
	u64 period, burst;	/* interactive: work @burst every @period */
	u64 next_arrival;
	bool runnable;
	u64 work_left;
	u64 arrived_at;
	u64 service;		/* in the measurement window */
	u64 max_latency;	/* interactive: arrival to burst done */
	u64 max_wait;		/* runnable to picked */
	u64 lat_hist[64];	/* latency in 100 us buckets */
	u64 bursts;
};

struct sim_engine {
	struct sim_ent *cur;
	u64 ran, slice;
	bool preempt;
};

struct sim {
	struct mvgpu_sched_policy p;
	struct sim_ent ents[MAX_ENTS];
	struct sim_engine eng[MAX_ENGINES];
	unsigned int nr_ents, nr_engines;
	u64 now;
	bool measuring;
};

static struct sim *sim_new_slice(struct kunit *test,
				 enum mvgpu_sched_mode mode,
				 unsigned int engines, u64 slice)
{
	struct sim *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->nr_engines = engines;
	s->now = 1;
	mvgpu_policy_init(&s->p, mode, slice, BOOST, s->now);
	return s;
}

static struct sim *sim_new(struct kunit *test, enum mvgpu_sched_mode mode,
			   unsigned int engines)
{
	return sim_new_slice(test, mode, engines, SLICE);
}

static void sim_arrive(struct sim *s, struct sim_ent *x)
{
	unsigned int i;
	struct sim_engine *victim = NULL;

	x->runnable = true;
	x->arrived_at = s->now;
	mvgpu_policy_enqueue(&s->p, &x->e, true, s->now);
	/* Preempt the engine running the lowest level, if the policy says so. */
	for (i = 0; i < s->nr_engines; i++) {
		struct sim_engine *g = &s->eng[i];

		if (!g->cur) {
			victim = NULL;	/* an idle engine will take it */
			break;
		}
		if (mvgpu_policy_preempts(&s->p, &x->e, &g->cur->e, s->now) &&
		    (!victim || g->cur->e.level > victim->cur->e.level))
			victim = g;
	}
	if (victim)
		victim->preempt = true;
}

static struct sim_ent *sim_add(struct sim *s, bool hog, u32 weight, u32 prio,
			       u32 cap, u64 period, u64 burst)
{
	struct sim_ent *x = &s->ents[s->nr_ents++];

	memset(x, 0, sizeof(*x));
	mvgpu_policy_entity_init(&x->e, weight, prio, cap);
	x->live = true;
	x->hog = hog;
	x->period = period;
	x->burst = burst;
	x->next_arrival = s->now + (hog ? 0 : period);
	if (hog)
		sim_arrive(s, x);
	return x;
}

static void sim_remove(struct sim *s, struct sim_ent *x)
{
	unsigned int i;

	for (i = 0; i < s->nr_engines; i++)
		if (s->eng[i].cur == x) {
			mvgpu_policy_put(&s->p, &x->e, s->eng[i].ran,
					 MVGPU_PUT_PREEMPTED, s->now);
			s->eng[i].cur = NULL;
		}
	mvgpu_policy_dequeue(&s->p, &x->e);
	x->live = false;
	x->runnable = false;
}

static void sim_run(struct sim *s, u64 duration)
{
	u64 end = s->now + duration;
	unsigned int i;

	while (s->now < end) {
		s->now += TICK;
		for (i = 0; i < s->nr_ents; i++) {
			struct sim_ent *x = &s->ents[i];

			if (x->live && !x->hog && !x->runnable &&
			    s->now >= x->next_arrival) {
				x->work_left = x->burst;
				x->next_arrival += x->period;
				sim_arrive(s, x);
			}
		}
		for (i = 0; i < s->nr_engines; i++) {
			struct sim_engine *g = &s->eng[i];
			struct sim_ent *x = g->cur;
			enum mvgpu_put_reason why;

			if (!x)
				continue;
			g->ran += TICK;
			if (s->measuring)
				x->service += TICK;
			if (!x->hog)
				x->work_left -= min(x->work_left, (u64)TICK);
			if (!x->hog && !x->work_left) {
				u64 lat = s->now - x->arrived_at;

				x->max_latency = max(x->max_latency, lat);
				if (s->measuring) {
					x->lat_hist[min_t(u64, lat / (100 * NSEC_PER_USEC), 63)]++;
					x->bursts++;
				}
				why = MVGPU_PUT_IDLE;
			} else if (g->ran >= g->slice) {
				why = MVGPU_PUT_EXPIRED;
			} else if (g->preempt) {
				why = MVGPU_PUT_PREEMPTED;
			} else {
				continue;
			}
			mvgpu_policy_put(&s->p, &x->e, g->ran, why, s->now);
			g->cur = NULL;
			g->preempt = false;
			if (why == MVGPU_PUT_IDLE)
				x->runnable = false;
			else
				mvgpu_policy_enqueue(&s->p, &x->e, false, s->now);
		}
		for (i = 0; i < s->nr_engines; i++) {
			struct sim_engine *g = &s->eng[i];
			struct mvgpu_sched_entity *e;
			struct sim_ent *x;
			u64 next;

			if (g->cur)
				continue;
			e = mvgpu_policy_pick(&s->p, s->now, &next);
			if (!e)
				break;
			x = container_of(e, struct sim_ent, e);
			x->max_wait = max(x->max_wait, s->now - e->since);
			g->cur = x;
			g->ran = 0;
			g->preempt = false;
			g->slice = mvgpu_policy_slice(&s->p, e, s->now);
		}
	}
}

/* Warm up, then measure shares over @window. */
static u64 sim_measure(struct sim *s, u64 warmup, u64 window)
{
	unsigned int i;
	u64 total = 0;

	sim_run(s, warmup);
	for (i = 0; i < s->nr_ents; i++)
		s->ents[i].service = 0;
	s->measuring = true;
	sim_run(s, window);
	s->measuring = false;
	for (i = 0; i < s->nr_ents; i++)
		total += s->ents[i].service;
	return total;
}

/* |achieved - entitled| / entitled, in parts per 10000 */
static u64 err_bp(u64 got, u64 total, u64 w, u64 wsum)
{
	u64 want = div64_u64(total * w, wsum);
	u64 diff = got > want ? got - want : want - got;

	return div64_u64(diff * 10000, want);
}

static void mvgpu_policy_weights_test(struct kunit *test)
{
	static const u32 w[] = { 1, 2, 4, 8 };
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	unsigned int i;
	u64 total;

	for (i = 0; i < ARRAY_SIZE(w); i++)
		sim_add(s, true, w[i], 0, 100, 0, 0);
	total = sim_measure(s, NSEC_PER_SEC, 10 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, total, 10 * NSEC_PER_SEC);	/* work-conserving */
	for (i = 0; i < ARRAY_SIZE(w); i++)
		KUNIT_EXPECT_LE_MSG(test, err_bp(s->ents[i].service, total, w[i], 15), 100,
				    "weight %u got %llu of %llu", w[i],
				    s->ents[i].service, total);
}

static void mvgpu_policy_jain_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 2);
	u64 sum = 0, sq = 0, total;
	unsigned int i;

	for (i = 0; i < 16; i++)
		sim_add(s, true, 3, 0, 100, 0, 0);
	total = sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, total, 2 * 5 * NSEC_PER_SEC);
	for (i = 0; i < 16; i++) {
		u64 x = s->ents[i].service / NSEC_PER_USEC;

		sum += x;
		sq += x * x;
	}
	/* Jain's index sum^2 / (n * sum of squares) >= 0.99 */
	KUNIT_EXPECT_GE(test, sum * sum * 100, 99 * 16 * sq);
}

/* p99 of an interactive entity's latency, from its 100 us histogram */
static u64 sim_p99(struct sim_ent *x)
{
	u64 seen = 0;
	unsigned int i;

	for (i = 0; i < 64; i++) {
		seen += x->lat_hist[i];
		if (seen * 100 >= x->bursts * 99)
			return (i + 1) * 100 * NSEC_PER_USEC;
	}
	return U64_MAX;
}

static void mvgpu_policy_interactive_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 2);
	struct sim *rr = sim_new(test, MVGPU_SCHED_RR, 2);
	struct sim_ent *x, *y;
	unsigned int i;

	/* 200 us of work every 10 ms next to 8 hogs */
	x = sim_add(s, false, 1, 0, 100, 10 * NSEC_PER_MSEC, 200 * NSEC_PER_USEC);
	y = sim_add(rr, false, 1, 0, 100, 10 * NSEC_PER_MSEC, 200 * NSEC_PER_USEC);
	for (i = 0; i < 8; i++) {
		sim_add(s, true, 1, 0, 100, 0, 0);
		sim_add(rr, true, 1, 0, 100, 0, 0);
	}
	sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	sim_measure(rr, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_GT(test, x->bursts, 400ULL);
	/* MLFQ: it preempts the demoted hogs, so bursts finish in ~200 us. */
	KUNIT_EXPECT_LE(test, sim_p99(x), 600 * NSEC_PER_USEC);
	/* Round robin: it queues behind the hogs; MLFQ is >= 5x better. */
	KUNIT_EXPECT_GE(test, sim_p99(y), 5 * sim_p99(x));
}

/*
 * An interactive tenant (0.5 ms every 10 ms, 5 % of the engine) next to 8
 * hogs on one engine: its bursts never add up to a slice, so it stays on
 * top between boosts too and each burst preempts the hogs at once.  (With
 * the allotment counted without decay it dropped after two bursts and
 * waited behind hogs' slices until the next boost.)
 */
static void mvgpu_policy_interactive_keeps_level_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct sim_ent *x, *h[8];
	unsigned int i;

	x = sim_add(s, false, 1, 0, 100, 10 * NSEC_PER_MSEC, 500 * NSEC_PER_USEC);
	for (i = 0; i < 8; i++)
		h[i] = sim_add(s, true, 1, 0, 100, 0, 0);
	sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_GT(test, x->bursts, 400ULL);
	KUNIT_EXPECT_EQ(test, x->e.stats.demotions, 0ULL);
	KUNIT_EXPECT_LE(test, sim_p99(x), 1500 * NSEC_PER_USEC);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_GT(test, h[i]->e.stats.demotions, 0ULL);
}

/*
 * Every boost brings the hogs back to the top level, where the interactive
 * tenant (200 us every 10 ms) already is: it must not wait out a hog's top
 * slice there.  Arriving with less weighted service than the hog that runs
 * it preempts it, as the pick would have chosen it first.  (Before, one
 * burst in about twelve - those in the 8 ms after a boost - waited up to
 * a whole slice.)
 */
static void mvgpu_policy_interactive_after_boost_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct sim_ent *x, *h[8];
	unsigned int i;

	x = sim_add(s, false, 1, 0, 100, 10 * NSEC_PER_MSEC, 200 * NSEC_PER_USEC);
	for (i = 0; i < 8; i++)
		h[i] = sim_add(s, true, 1, 0, 100, 0, 0);
	sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_GT(test, x->bursts, 400ULL);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_GT(test, h[i]->e.stats.boosts, 10ULL);
	/* The burst, plus a tick to notice the arrival. */
	KUNIT_EXPECT_LE(test, x->max_latency, 200 * NSEC_PER_USEC + 2 * TICK);
}

/*
 * Eight tenants that each send 0.9 ms every 8 ms (11 %, under the eighth
 * that decays) next to eight hogs on one engine: together they would hold
 * the top level and leave the hogs a slice per boost if the decay did not
 * stop once a tenant has had more than its weighted share.
 */
static void mvgpu_policy_colluders_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct sim_ent *h[8];
	u64 total, hogs = 0;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		sim_add(s, false, 1, 0, 100, 8 * NSEC_PER_MSEC, 900 * NSEC_PER_USEC);
		h[i] = sim_add(s, true, 1, 0, 100, 0, 0);
	}
	total = sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	for (i = 0; i < 8; i++)
		hogs += h[i]->service;
	KUNIT_EXPECT_GE_MSG(test, hogs * 100, total * 40,
			    "8 hogs got %llu of %llu", hogs, total);
}

/*
 * A tenant that submits 0.8 ms bursts every 0.9 ms never uses a whole slice
 * in one run; counted run by run it would hold the top level and preempt
 * its busy neighbour all the time.  The allotment counts over runs.
 */
static void mvgpu_policy_gaming_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct sim_ent *g, *h;
	u64 total;

	g = sim_add(s, false, 1, 0, 100, 900 * NSEC_PER_USEC, 800 * NSEC_PER_USEC);
	h = sim_add(s, true, 1, 0, 100, 0, 0);
	total = sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_LE_MSG(test, g->service * 100, total * 60,
			    "bursty tenant got %llu of %llu", g->service, total);
	KUNIT_EXPECT_GE(test, h->service * 100, total * 40);
	KUNIT_EXPECT_GT(test, g->e.stats.demotions, 0ULL);
}

static void mvgpu_policy_starvation_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 2);
	unsigned int i;

	/* 8 hogs and 8 interactive vGPUs that keep the top level busy. */
	for (i = 0; i < 8; i++) {
		sim_add(s, true, 1 + i, 0, 100, 0, 0);
		sim_add(s, false, 1, 0, 100, 2 * NSEC_PER_MSEC, 400 * NSEC_PER_USEC);
	}
	sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	/* The documented bound: boost period plus a round at the top. */
	for (i = 0; i < s->nr_ents; i++) {
		KUNIT_EXPECT_LE(test, s->ents[i].max_wait, 150 * NSEC_PER_MSEC);
		KUNIT_EXPECT_GT(test, s->ents[i].service, 0ULL);
	}
}

static void mvgpu_policy_cap_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct sim *alone = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct sim_ent *c, *d;
	u64 total;

	c = sim_add(s, true, 8, 0, 20, 0, 0);	/* weight says 8/9, cap 20% */
	sim_add(s, true, 1, 0, 100, 0, 0);
	total = sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_LE(test, c->service * 100, total * 21);
	KUNIT_EXPECT_GE(test, c->service * 100, total * 19);
	KUNIT_EXPECT_EQ(test, total, 5 * NSEC_PER_SEC);	/* the other takes the rest */

	/* A cap holds on an otherwise idle GPU too. */
	d = sim_add(alone, true, 1, 0, 30, 0, 0);
	sim_measure(alone, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_LE(test, d->service * 100, 5 * NSEC_PER_SEC * 31);
	KUNIT_EXPECT_GE(test, d->service * 100, 5 * NSEC_PER_SEC * 29);
}

/*
 * A cap holds over every short window from the start, not just on
 * average: a 10 % cap next to a hog, with 1 ms and with 10 ms slices,
 * gets 10 +- 2 % of the engine in each 100 ms window of two seconds.
 */
static void mvgpu_policy_cap_window_test(struct kunit *test)
{
	static const u64 slices[] = { SLICE, 10 * SLICE };
	unsigned int i, w;

	for (i = 0; i < ARRAY_SIZE(slices); i++) {
		struct sim *s = sim_new_slice(test, MVGPU_SCHED_MLFQ, 1, slices[i]);
		struct sim_ent *c = sim_add(s, true, 8, 0, 10, 0, 0);

		sim_add(s, true, 1, 0, 100, 0, 0);
		s->measuring = true;
		for (w = 0; w < 20; w++) {
			c->service = 0;
			sim_run(s, 100 * NSEC_PER_MSEC);
			KUNIT_EXPECT_LE_MSG(test, c->service, 12 * NSEC_PER_MSEC,
					    "slice %llu us, window %u: %llu us",
					    slices[i] / 1000, w, c->service / 1000);
			KUNIT_EXPECT_GE_MSG(test, c->service, 8 * NSEC_PER_MSEC,
					    "slice %llu us, window %u: %llu us",
					    slices[i] / 1000, w, c->service / 1000);
		}
	}
}

/*
 * Capped neighbours do not buy an interactive vGPU's latency: 16 vGPUs
 * capped at 1 % next to 4 hogs, whose slices end for them, must not cut the
 * interactive vGPU's bursts (p99 as in the interactive case).
 */
static void mvgpu_policy_tiny_caps_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct sim_ent *ia;
	unsigned int i;

	ia = sim_add(s, false, 1, 0, 100, 10 * NSEC_PER_MSEC,
		     200 * NSEC_PER_USEC);
	for (i = 0; i < 4; i++)
		sim_add(s, true, 1, 0, 100, 0, 0);
	for (i = 0; i < 16; i++) {
		sim_run(s, 613 * NSEC_PER_USEC);	/* staggered */
		sim_add(s, true, 1, 0, 1, 0, 0);
	}
	sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_LE(test, sim_p99(ia), 600 * NSEC_PER_USEC);
}

static void mvgpu_policy_modes_test(struct kunit *test)
{
	static const u32 w[] = { 1, 2, 4, 8 };
	enum mvgpu_sched_mode modes[] = { MVGPU_SCHED_RR, MVGPU_SCHED_EQUAL };
	struct sim *f = sim_new(test, MVGPU_SCHED_FIXED, 1);
	struct sim_ent *x;
	unsigned int m, i;
	u64 total;

	/* Round robin and equal share ignore weights. */
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		struct sim *s = sim_new(test, modes[m], 1);

		for (i = 0; i < ARRAY_SIZE(w); i++)
			sim_add(s, true, w[i], 0, 100, 0, 0);
		total = sim_measure(s, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
		for (i = 0; i < ARRAY_SIZE(w); i++)
			KUNIT_EXPECT_LE_MSG(test, err_bp(s->ents[i].service, total, 1, 4), 200,
					    "mode %d weight %u", modes[m], w[i]);
		/* no levels: nobody is demoted */
		KUNIT_EXPECT_EQ(test, s->ents[0].e.stats.demotions, 0ULL);
	}

	/* Fixed share: weight 2 gets 2/8 of the engine, even alone. */
	x = sim_add(f, true, 2, 0, 100, 0, 0);
	sim_measure(f, NSEC_PER_SEC, 5 * NSEC_PER_SEC);
	KUNIT_EXPECT_LE(test, x->service * 100, 5 * NSEC_PER_SEC * 26);
	KUNIT_EXPECT_GE(test, x->service * 100, 5 * NSEC_PER_SEC * 24);
}

static void mvgpu_policy_mlfq_rules_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct mvgpu_sched_entity *e;
	struct sim_ent *h;
	u64 next;

	h = sim_add(s, true, 1, 0, 100, 0, 0);
	e = mvgpu_policy_pick(&s->p, s->now, &next);
	KUNIT_ASSERT_PTR_EQ(test, e, &h->e);
	KUNIT_EXPECT_EQ(test, mvgpu_policy_slice(&s->p, e, s->now), SLICE);
	/* Used the whole slice: down one level, twice the slice. */
	mvgpu_policy_put(&s->p, e, SLICE, MVGPU_PUT_EXPIRED, s->now);
	KUNIT_EXPECT_EQ(test, e->level, 1U);
	mvgpu_policy_enqueue(&s->p, e, false, s->now);
	e = mvgpu_policy_pick(&s->p, s->now, &next);
	KUNIT_EXPECT_EQ(test, mvgpu_policy_slice(&s->p, e, s->now), 2 * SLICE);
	/* Emptied its ring early: keeps the level. */
	mvgpu_policy_put(&s->p, e, SLICE / 2, MVGPU_PUT_IDLE, s->now);
	KUNIT_EXPECT_EQ(test, e->level, 1U);
	mvgpu_policy_put(&s->p, e, 2 * SLICE, MVGPU_PUT_EXPIRED, s->now);
	mvgpu_policy_put(&s->p, e, 4 * SLICE, MVGPU_PUT_EXPIRED, s->now);
	KUNIT_EXPECT_EQ(test, e->level, (u32)MVGPU_SCHED_LEVELS - 1);
	KUNIT_EXPECT_EQ(test, e->stats.demotions, 2ULL);
	/* The boost brings it back to the top. */
	s->now += BOOST;
	mvgpu_policy_enqueue(&s->p, e, false, s->now);
	e = mvgpu_policy_pick(&s->p, s->now, &next);
	KUNIT_EXPECT_EQ(test, e->level, 0U);
	KUNIT_EXPECT_EQ(test, e->stats.boosts, 1ULL);
	/* A priority knob puts it at that level. */
	mvgpu_policy_put(&s->p, e, 0, MVGPU_PUT_IDLE, s->now);
	mvgpu_policy_set(&s->p, e, 1, 2, 100, s->now);
	KUNIT_EXPECT_EQ(test, e->level, 2U);
	/* Nothing runnable: pick says so. */
	KUNIT_EXPECT_NULL(test, mvgpu_policy_pick(&s->p, s->now, &next));
	KUNIT_EXPECT_EQ(test, next, U64_MAX);
}

/*
 * Host work done for an entity (pinning its guest memory) costs it share
 * and cap as engine time does, but is no engine service and no demotion.
 */
static void mvgpu_policy_charge_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct mvgpu_sched_entity a, c, *e;
	u64 next;

	mvgpu_policy_entity_init(&a, 2, 0, 100);
	mvgpu_policy_charge(&s->p, &a, 4 * SLICE, s->now);
	KUNIT_EXPECT_EQ(test, a.vtime, 4 * SLICE * MVGPU_SCHED_MAX_WEIGHT / 2);
	KUNIT_EXPECT_EQ(test, a.stats.service_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, a.level, 0U);

	/* A capped entity charged more than its bucket waits to run. */
	mvgpu_policy_entity_init(&c, 1, 0, 10);
	s->now += 20 * NSEC_PER_MSEC;	/* its bucket fills */
	mvgpu_policy_enqueue(&s->p, &c, true, s->now);
	e = mvgpu_policy_pick(&s->p, s->now, &next);
	KUNIT_ASSERT_PTR_EQ(test, e, &c);
	mvgpu_policy_put(&s->p, &c, 0, MVGPU_PUT_IDLE, s->now);
	mvgpu_policy_charge(&s->p, &c, 4 * SLICE, s->now);
	KUNIT_EXPECT_LT(test, c.budget, 0LL);
	mvgpu_policy_enqueue(&s->p, &c, true, s->now);
	KUNIT_EXPECT_NULL(test, mvgpu_policy_pick(&s->p, s->now, &next));
	KUNIT_EXPECT_GT(test, next, s->now);
}

static void mvgpu_policy_churn_test(struct kunit *test)
{
	struct sim *s = sim_new(test, MVGPU_SCHED_MLFQ, 1);
	struct sim_ent *a, *b, *c;
	u64 total;

	a = sim_add(s, true, 1, 0, 100, 0, 0);
	b = sim_add(s, true, 1, 0, 100, 0, 0);
	sim_run(s, NSEC_PER_SEC);
	/* A newcomer gets its share at once, not a backlog of credit. */
	c = sim_add(s, true, 2, 0, 100, 0, 0);
	total = sim_measure(s, 0, 4 * NSEC_PER_SEC);
	KUNIT_EXPECT_LE(test, err_bp(c->service, total, 2, 4), 200);
	KUNIT_EXPECT_LE(test, err_bp(a->service, total, 1, 4), 200);
	/* A weight change takes effect while running. */
	mvgpu_policy_set(&s->p, &a->e, 4, 0, 100, s->now);
	total = sim_measure(s, NSEC_PER_SEC / 2, 4 * NSEC_PER_SEC);
	KUNIT_EXPECT_LE(test, err_bp(a->service, total, 4, 7), 200);
	KUNIT_EXPECT_LE(test, err_bp(b->service, total, 1, 7), 200);
	/* Leaving: the others share what it had. */
	sim_remove(s, c);
	total = sim_measure(s, NSEC_PER_SEC / 2, 4 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, c->service, 0ULL);
	KUNIT_EXPECT_LE(test, err_bp(a->service, total, 4, 5), 200);
}

static void mvgpu_policy_percentile_test(struct kunit *test)
{
	struct mvgpu_sched_stats st = {};
	unsigned int i;

	KUNIT_EXPECT_EQ(test, mvgpu_wait_percentile(&st, 50), 0ULL);
	for (i = 0; i < MVGPU_HIST_BUCKETS - 1; i++)
		KUNIT_EXPECT_LT(test, mvgpu_hist_bucket_ns(i), mvgpu_hist_bucket_ns(i + 1));
	/* 99 short waits, one long */
	st.wait_hist[4 * 13 + 1] = 99;
	st.wait_hist[4 * 19 + 3] = 1;
	KUNIT_EXPECT_EQ(test, mvgpu_wait_percentile(&st, 50), mvgpu_hist_bucket_ns(4 * 13 + 2));
	KUNIT_EXPECT_EQ(test, mvgpu_wait_percentile(&st, 99), mvgpu_hist_bucket_ns(4 * 13 + 2));
	KUNIT_EXPECT_EQ(test, mvgpu_wait_percentile(&st, 100), mvgpu_hist_bucket_ns(4 * 20));
}

static struct kunit_case mvgpu_policy_test_cases[] = {
	KUNIT_CASE(mvgpu_policy_mlfq_rules_test),
	KUNIT_CASE(mvgpu_policy_percentile_test),
	KUNIT_CASE(mvgpu_policy_weights_test),
	KUNIT_CASE(mvgpu_policy_jain_test),
	KUNIT_CASE(mvgpu_policy_interactive_test),
	KUNIT_CASE(mvgpu_policy_starvation_test),
	KUNIT_CASE(mvgpu_policy_interactive_keeps_level_test),
	KUNIT_CASE(mvgpu_policy_interactive_after_boost_test),
	KUNIT_CASE(mvgpu_policy_colluders_test),
	KUNIT_CASE(mvgpu_policy_gaming_test),
	KUNIT_CASE(mvgpu_policy_cap_test),
	KUNIT_CASE(mvgpu_policy_cap_window_test),
	KUNIT_CASE(mvgpu_policy_tiny_caps_test),
	KUNIT_CASE(mvgpu_policy_modes_test),
	KUNIT_CASE(mvgpu_policy_churn_test),
	KUNIT_CASE(mvgpu_policy_charge_test),
	{}
};

static struct kunit_suite mvgpu_policy_test_suite = {
	.name = "mvgpu_policy",
	.test_cases = mvgpu_policy_test_cases,
};

kunit_test_suite(mvgpu_policy_test_suite);
