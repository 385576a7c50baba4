/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A vGPU's context as the core keeps it: scheduling state, the ring
 * registers, the address space, what its backend context last reported.
 */
#ifndef _MVGPU_CTX_H_
#define _MVGPU_CTX_H_

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <mvgpu/backend.h>
#include <mvgpu/fault.h>

#include "mm/aspace.h"
#include "sched/policy.h"
#include "uapi/mvgpu.h"

struct mvgpu_bctx;
struct mvgpu_dev;
struct mvgpu_vgpu;
struct vfio_device;

/**
 * enum mvgpu_ctx_state - where a context is
 * @MVGPU_CTX_IDLE: nothing to do (ring empty), on no list
 * @MVGPU_CTX_QUEUED: runnable, on its vGPU's run list (struct mvgpu_vsched)
 * @MVGPU_CTX_RUNNING: on an engine (or claimed by the direct path)
 * @MVGPU_CTX_WAITING: blocked in a WAIT; its poll timer requeues it
 * @MVGPU_CTX_HOST: a command waits for the core (a MAP of guest memory,
 *	a command of context 0 about another context); the host worker
 *	requeues it
 * @MVGPU_CTX_STOPPED: stopped by a fault until the context is reset
 */
enum mvgpu_ctx_state {
	MVGPU_CTX_IDLE,
	MVGPU_CTX_QUEUED,
	MVGPU_CTX_RUNNING,
	MVGPU_CTX_WAITING,
	MVGPU_CTX_HOST,
	MVGPU_CTX_STOPPED,
};

/**
 * enum mvgpu_vs_state - where a vGPU is, as the scheduler sees it
 * @MVGPU_VS_IDLE: no context of it runnable
 * @MVGPU_VS_QUEUED: a context of it runnable, the vGPU on the run queue
 * @MVGPU_VS_RUNNING: a context of it runs on an engine
 */
enum mvgpu_vs_state {
	MVGPU_VS_IDLE,
	MVGPU_VS_QUEUED,
	MVGPU_VS_RUNNING,
};

/**
 * struct mvgpu_vsched - a vGPU as the scheduler sees it: one entity of the
 *	policy however many contexts it has (DOC: Engines)
 * @vgpu: the vGPU
 * @se: the policy's entity
 * @state: enum mvgpu_vs_state
 * @engine: the engine it runs on, while MVGPU_VS_RUNNING
 * @cur: the context it runs, while MVGPU_VS_RUNNING
 * @rq: its runnable contexts by priority, round robin inside one
 * @nr_runnable: contexts on @rq
 * @ran_ns: engine time its contexts used since it got the engine
 * @busy_ns: engine time used since the vGPU was created
 * @host_cpu_ns: CPU time the host worker spent for it (pinning,
 *	unpinning) not yet charged to its share
 * @win_start: start of the current share window
 * @win_busy: engine time in the current window
 * @share_ppm: share of one engine in the last complete window, in
 *	millionths
 * @ctx_switches: switches from one of its contexts to another on an
 *	engine, inside its turn
 * @ctx_switch_ns: time from the end of one context's run to the start of
 *	the next one's, summed over @ctx_switches
 * @gone_cmds: commands its destroyed contexts had completed
 * @gone_faults: faults of its destroyed contexts
 *
 * Every field is protected by the GPU scheduler's lock (struct mvgpu_sched
 * @lock); @busy_ns and @share_ppm are read racily for statistics.
 */
struct mvgpu_vsched {
	struct mvgpu_vgpu *vgpu;
	struct mvgpu_sched_entity se;
	enum mvgpu_vs_state state;
	unsigned int engine;
	struct mvgpu_ctx *cur;
	struct list_head rq[MVGPU_CTX_PRIO_MAX + 1];
	unsigned int nr_runnable;
	u64 ran_ns;
	u64 busy_ns;
	u64 host_cpu_ns;
	u64 win_start;
	u64 win_busy;
	u32 share_ppm;
	u64 ctx_switches;
	u64 ctx_switch_ns;
	u64 gone_cmds;
	u64 gone_faults;
};

/**
 * struct mvgpu_ctx - the core's record of a context of a vGPU
 * @vgpu: the vGPU, whose registers and interrupts the context drives
 * @gdev: its GPU
 * @vdev: the VFIO device guest memory is pinned through
 * @bctx: the backend's context
 * @vs: its vGPU's scheduling entity
 * @id: its number in the vGPU, 0 .. NUM_CONTEXTS - 1
 * @prio: its priority in the vGPU (MVGPU_CTX_PRIO_*); sched.lock
 * @run_node: on @vs's run list while MVGPU_CTX_QUEUED; sched.lock
 * @state: enum mvgpu_ctx_state; sched.lock
 * @stopping: a reset is in progress, do not run; sched.lock
 * @frozen: stopped for a migration (mvgpu_ctx_freeze()) until
 *	mvgpu_ctx_thaw(): @stopping stays set across resets meanwhile, and a
 *	MAP of guest memory the host worker is doing is finished, not cut
 *	short; sched.lock
 * @doorbell_pending: a doorbell came while @frozen; mvgpu_ctx_thaw()
 *	handles it then; sched.lock
 * @ring_error: a bad doorbell stopped the ring while the context ran; it
 *	stops as faulted when the backend gives it back; sched.lock
 * @engine: the engine that runs it, while MVGPU_CTX_RUNNING on one
 * @idle_wq: woken when the context leaves MVGPU_CTX_RUNNING
 * @poll_timer: requeues a context blocked in WAIT
 * @poll_ns: current poll interval of a WAIT that blocks
 * @tail: ring tail from the last valid doorbell; sched.lock
 * @ring_base: ring GPU VA, latched at the first doorbell; sched.lock
 * @ring_size: ring bytes, latched at the first doorbell, 0 before; sched.lock
 * @head: the ring head the backend last reported; sched.lock (written
 *	racily by ctx_progress, read with READ_ONCE())
 * @busy: a command was in flight when the backend last stopped; sched.lock
 * @cmds_done: commands completed since the last reset, as the backend
 *	reported; for CMDS_DONE
 * @cmds_before: commands completed before the last reset
 * @seqno_base: SEQNO when the context was last reset (it goes on from
 *	there: SEQNO never goes back but at the vGPU's reset)
 * @host: the request of a command waiting for the core (MVGPU_CTX_HOST)
 * @host_result: how the core's part of it ended (code 0: done)
 * @host_seq: bumped each time a request is handed to the host worker;
 *	sched.lock (read racily)
 * @host_abort_seq: VFIO unmapped guest memory request @host_seq was to
 *	map: it pins nothing more; under the address space's pin_lock
 * @host_queued: the host worker owns @host; sched.lock
 * @host_work: the host worker's work (on the vGPU's worker, DOC: Host
 *	worker): does @host, unpins pages nothing maps any more
 * @as: the GPU address space
 * @dying: being destroyed: looked up by nothing but dma_unmap; set under
 *	the vGPU's @ctxs_lock and sched.lock
 * @users: resets of it under way; sched.lock
 * @faults: faults since the context was created
 * @busy_ns: engine time it used since it was created (ENGINE_NS)
 * @resident: the engine it is resident on (DOC: Submission), UINT_MAX if
 *	none; sched.lock
 * @resident_node: on that engine's list of resident contexts; sched.lock
 * @evict_node: on the GPU's list of contexts to evict; sched.lock
 * @lost: an engine reset lost its state after the core decided to run it
 *	or while the direct path claimed it: it must not run, but stop with
 *	@lost_fault at @lost_head; sched.lock
 * @lost_head: the ring offset of the command it lost
 * @lost_fault: MVGPU_ERR_CONTEXT_LOST, the command's opcode and address
 * @state_gen: changes (mvgpu_ctx_state_changed()) whenever the core resets
 *	the backend's engine state or loads one, to a value no context had
 *	before: a migration stream reads a frozen context's image only while
 *	it is the one it sized
 */
struct mvgpu_ctx {
	struct mvgpu_vgpu *vgpu;
	struct mvgpu_dev *gdev;
	struct vfio_device *vdev;
	struct mvgpu_bctx *bctx;
	struct mvgpu_vsched *vs;
	u32 id;
	u32 prio;
	struct list_head run_node;
	enum mvgpu_ctx_state state;
	bool stopping;
	bool frozen;
	bool doorbell_pending;
	bool ring_error;
	unsigned int engine;
	wait_queue_head_t idle_wq;
	struct hrtimer poll_timer;
	u64 poll_ns;

	u32 tail;
	u64 ring_base;
	u32 ring_size;
	u32 head;
	bool busy;
	u64 cmds_done;
	u64 cmds_before;
	u64 seqno_base;

	struct mvgpu_host_request host;
	struct mvgpu_fault host_result;
	u64 host_seq;
	u64 host_abort_seq;
	bool host_queued;
	struct kthread_work host_work;

	struct mvgpu_aspace as;
	bool dying;
	unsigned int users;

	u64 faults;
	u64 busy_ns;

	unsigned int resident;
	struct list_head resident_node;
	struct list_head evict_node;
	bool lost;
	u32 lost_head;
	struct mvgpu_fault lost_fault;
	u64 state_gen;
};

/**
 * struct mvgpu_ctx_ring - the core's side of a frozen context's ring, as a
 *	migration moves it
 * @ring_base: ring GPU VA as latched (0 if no ring is latched)
 * @ring_size: ring bytes as latched, 0 if none
 * @tail: tail of the last valid doorbell
 * @head: ring head the backend last reported
 * @cmds_done: commands completed since the last reset
 * @busy: a command was in flight
 * @stopped: a fault stopped the ring (until a reset)
 * @doorbell_pending: a doorbell came while frozen, not handled yet
 */
struct mvgpu_ctx_ring {
	u64 ring_base;
	u32 ring_size;
	u32 tail;
	u32 head;
	u64 cmds_done;
	bool busy;
	bool stopped;
	bool doorbell_pending;
};

void mvgpu_vsched_init(struct mvgpu_vsched *vs, struct mvgpu_vgpu *vgpu,
		       u32 weight);
int mvgpu_ctx_init(struct mvgpu_ctx *ctx, struct mvgpu_vgpu *vgpu,
		   struct vfio_device *vdev, u32 id, u32 prio);
void mvgpu_ctx_fini(struct mvgpu_ctx *ctx);
void mvgpu_ctx_stop(struct mvgpu_ctx *ctx);
void mvgpu_ctx_stop_on_worker(struct mvgpu_ctx *ctx);
void mvgpu_ctx_clear(struct mvgpu_ctx *ctx);
void mvgpu_ctx_start(struct mvgpu_ctx *ctx);
void mvgpu_ctx_restart(struct mvgpu_ctx *ctx);
void mvgpu_ctx_doorbell(struct mvgpu_ctx *ctx);
void mvgpu_ctx_doorbell_locked(struct mvgpu_ctx *ctx);
int mvgpu_ctx_set_sched(struct mvgpu_ctx *ctx, u32 weight, u32 prio, u32 cap);
void mvgpu_ctx_set_prio(struct mvgpu_ctx *ctx, u32 prio);

/* The scheduler knobs of a vGPU, for mvgpu_ctx_set_knob(). */
enum mvgpu_knob {
	MVGPU_KNOB_WEIGHT,
	MVGPU_KNOB_PRIO,
	MVGPU_KNOB_CAP,
	MVGPU_KNOB_COUNT,
};

int mvgpu_ctx_set_knob(struct mvgpu_ctx *ctx, enum mvgpu_knob knob, u32 val);
int mvgpu_ctx_direct(struct mvgpu_ctx *ctx, const struct mvgpu_cmd *cmds,
		     unsigned int n);
void mvgpu_ctx_publish(struct mvgpu_ctx *ctx, u32 status);
void mvgpu_ctx_raise(struct mvgpu_ctx *ctx, u32 causes);
void mvgpu_ctx_fault(struct mvgpu_ctx *ctx, const struct mvgpu_fault *f);
void mvgpu_ctx_freeze(struct mvgpu_ctx *ctx);
void mvgpu_ctx_thaw(struct mvgpu_ctx *ctx);

/* core/snapshot.c: what a migration moves of a frozen context */
void mvgpu_ctx_state_changed(struct mvgpu_ctx *ctx);
int mvgpu_ctx_image_size(struct mvgpu_ctx *ctx, u64 *size);
int mvgpu_ctx_save(struct mvgpu_ctx *ctx, u64 off, void *buf, size_t len);
int mvgpu_ctx_restore(struct mvgpu_ctx *ctx, u64 off, const void *buf,
		      size_t len, const char **why);
int mvgpu_vgpu_ctx_image_read(struct mvgpu_vgpu *vgpu, u32 id, u64 gen,
			      u64 off, void *buf, size_t len);
void mvgpu_ctx_ring_get(struct mvgpu_ctx *ctx, struct mvgpu_ctx_ring *r);
int mvgpu_ctx_ring_check(const struct mvgpu_ctx_ring *r);
int mvgpu_ctx_state_set(struct mvgpu_ctx *ctx, const struct mvgpu_ctx_ring *r,
			u64 size, const char **why);
void mvgpu_ctx_counters_get(struct mvgpu_ctx *ctx, u64 *seqno, u64 *engine_ns);
int mvgpu_ctx_counters_set(struct mvgpu_ctx *ctx, u64 seqno, u64 engine_ns);
int mvgpu_ctx_map_save(struct mvgpu_ctx *ctx, u64 from,
		       int (*fn)(void *arg, u64 va, u64 target, u64 size,
				 u32 flags),
		       void *arg);
void mvgpu_ctx_map_clear(struct mvgpu_ctx *ctx);
int mvgpu_ctx_map_restore(struct mvgpu_ctx *ctx, u64 va, u64 target, u64 size,
			  u32 flags);

/* core/contexts.c: a vGPU's contexts */
struct mvgpu_ctx *mvgpu_vgpu_ctx(struct mvgpu_vgpu *vgpu, u32 id);
struct mvgpu_ctx *mvgpu_ctx_target(struct mvgpu_ctx *ctx, u32 id,
				   struct mvgpu_fault *res);
void mvgpu_ctx_op_map_vram(struct mvgpu_ctx *ctx, struct mvgpu_ctx *tgt);
void mvgpu_ctx_op_unmap(struct mvgpu_ctx *ctx, struct mvgpu_ctx *tgt);
void mvgpu_ctx_op_context(struct mvgpu_ctx *ctx);
void mvgpu_vgpu_ctxs_destroy(struct mvgpu_vgpu *vgpu);
void mvgpu_vgpu_ctx_reset(struct mvgpu_vgpu *vgpu, u32 id);
void mvgpu_vgpu_doorbell(struct mvgpu_vgpu *vgpu, u32 id);
void mvgpu_vgpu_dma_unmap(struct mvgpu_vgpu *vgpu, u64 iova, u64 len);
void mvgpu_vgpu_freeze(struct mvgpu_vgpu *vgpu);
void mvgpu_vgpu_thaw(struct mvgpu_vgpu *vgpu);
u32 mvgpu_vgpu_ctxs_used(struct mvgpu_vgpu *vgpu);
struct mvgpu_ctx *mvgpu_vgpu_ctx_get(struct mvgpu_vgpu *vgpu, u32 id);
struct mvgpu_ctx *mvgpu_vgpu_ctx_create_frozen(struct mvgpu_vgpu *vgpu,
					       u32 id, u32 prio);
int mvgpu_vgpu_ctx_map_walk(struct mvgpu_vgpu *vgpu, u32 id, u64 gen, u64 from,
			    int (*fn)(void *arg, u64 va, u64 target, u64 size,
				      u32 flags),
			    void *arg);

/* core/host.c: guest memory and the address space on the core's side */
struct kthread_worker *mvgpu_host_worker_create(const char *name);
void mvgpu_host_worker_destroy(struct kthread_worker *worker);
void mvgpu_host_init(struct mvgpu_ctx *ctx);
void mvgpu_host_queue(struct mvgpu_ctx *ctx);
void mvgpu_host_kick(struct mvgpu_ctx *ctx);
void mvgpu_host_flush(struct mvgpu_ctx *ctx);
void mvgpu_host_reset(struct mvgpu_ctx *ctx, bool clear);
void mvgpu_host_release(struct mvgpu_ctx *ctx, u64 iova, u64 len);
void mvgpu_ctx_tlb_flush(struct mvgpu_ctx *ctx, u64 va, u64 size);
void mvgpu_ctx_dma_unmap(struct mvgpu_ctx *ctx, u64 iova, u64 len);

/**
 * struct mvgpu_pin_req - whom a pin of guest memory is for
 * @cancelled: true once the pin should not happen any more (a reset, or
 *	VFIO unmapped what a MAP was to map); called with the address
 *	space's pin_lock held or not
 * @arg: its argument
 */
struct mvgpu_pin_req {
	bool (*cancelled)(void *arg);
	void *arg;
};

/* core/pin.c, core/pin_fence.c */
extern unsigned int mvgpu_pin_delay_us;
extern unsigned int mvgpu_unmap_delay_us;
int mvgpu_pin_get(struct mvgpu_ctx *ctx, u64 iova, u64 size, bool write,
		  const struct mvgpu_pin_req *req);
void mvgpu_pin_release(struct mvgpu_ctx *ctx, u64 iova, u64 size);
void mvgpu_pin_fence(struct mvgpu_aspace *as, u64 iova, u64 len);
void mvgpu_pin_fence_end(struct mvgpu_aspace *as, u64 iova, u64 len);
void mvgpu_pin_wake(struct mvgpu_aspace *as);
void mvgpu_pin_fences_clear(struct mvgpu_aspace *as);
int mvgpu_pin_fences_copy(struct mvgpu_aspace *dst, struct mvgpu_aspace *src);
void mvgpu_pin_module_exit(void);
void mvgpu_pin_wait_inflight(struct mvgpu_aspace *as, u64 iova, u64 len);
void mvgpu_pin_unmap_stall(void);

#endif /* _MVGPU_CTX_H_ */
