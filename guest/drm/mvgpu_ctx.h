/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvgpu_drm: a file's device context: its number, address space, ring,
 * fences and scheduler.
 */
#ifndef MVGPU_CTX_H
#define MVGPU_CTX_H

#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <drm/gpu_scheduler.h>

#include "mvgpu_drv.h"

/*
 * A context's address space: the driver's ring (read-only to the context)
 * and scratch page (the word its FENCEs write) below MVGPU_VA_START,
 * buffers from there to the end of the device's VA.  VA 0 stays unmapped.
 */
#define MVGPU_SCRATCH_VA	0x80000ull
#define MVGPU_RING_VA		0x100000ull
#define MVGPU_VA_START		0x1000000ull
#define MVGPU_VA_END		BIT_ULL(MVGPU_VA_BITS)

/* Jobs of a file not yet finished, and job records WAIT_JOB can read. */
#define MVGPU_MAX_JOBS		256

/* Why a context's scheduler must recover (struct mvgpu_ctx.recover bits). */
#define MVGPU_RECOVER_FAULT	BIT(0)	/* the device stopped the context */
#define MVGPU_RECOVER_HANG	BIT(1)	/* the watchdog says it hangs */

/**
 * struct mvgpu_job_record - what WAIT_JOB can tell of one job
 * @job: the job's number in its file, 0 for none
 * @done: the job's finished fence (a reference)
 * @dev_error: MVGPU_ERR_* if the device failed it
 * @dev_info: the device's ERROR_INFO
 * @fault_addr: the device's FAULT_ADDR
 */
struct mvgpu_job_record {
	u64 job;
	struct dma_fence *done;
	u32 dev_error;
	u32 dev_info;
	u64 fault_addr;
};

/**
 * struct mvgpu_ctx - one open file's device context and address space
 * @ref: the file, each buffer mapped in it and each hardware fence of it
 * @mdev: the device
 * @id: the device context number, 0 on a device without contexts
 * @priority: MVGPU_CTX_PRIO_*. Protected by @va_lock.
 * @link: in &mvgpu_device.ctx_list
 * @va_lock: the context's page table: protects @va_mm, @bos, @quarantine,
 *	@bos_lost, @alive and @mappings_unknown, and is held across the
 *	kernel-ring commands that change the table, so a context number is
 *	never freed while a MAP names it
 * @va_mm: GPU VA allocations. Protected by @va_lock.
 * @bos: the file's buffers (struct mvgpu_bo.ctx_link). Protected by @va_lock.
 * @quarantine: freed buffers whose UNMAP failed, kept with their VA and
 *	memory until the device context is gone. Protected by @va_lock.
 * @bos_lost: buffers whose contents a reset lost. Protected by @va_lock.
 * @alive: the device context exists. Protected by @va_lock.
 * @mappings_unknown: its CTX_DESTROY failed: the device may still map its
 *	ring and buffers, which are never freed. Protected by @va_lock.
 * @ring_node: VRAM of the ring and the scratch page
 * @ring: the CPU's view of the ring
 * @ring_size: ring bytes
 * @ring_lock: protects @tail, @emitted and the watchdog's state (wd_*);
 *	taken by run_job, the watchdog and recovery
 * @tail: offset of the next command in the ring. Protected by @ring_lock.
 * @emitted: the SEQNO the context reaches when everything written to its
 *	ring is done. Protected by @ring_lock.
 * @stopped: the context is going away: nothing more is written to its
 *	ring. Protected by @ring_lock.
 * @fence_lock: protects @fences; the hardware fences' lock
 * @fences: hardware fences not yet signalled, in seqno order.
 *	Protected by @fence_lock.
 * @fence_context: the hardware fences' dma_fence context, a new one each
 *	time the device context is created. Protected by @ring_lock.
 * @seqno_seen: the largest SEQNO read. Protected by @fence_lock.
 * @sched: the context's GPU scheduler (one per context)
 * @sched_name: its name, "mvgpu-ctxN"
 * @entity: the file's entity on @sched
 * @sched_ready: @sched and @entity are initialised
 * @jobs_alive: jobs pushed and not yet freed
 * @jobs_wq: woken when @jobs_alive drops
 * @recover: MVGPU_RECOVER_* bits, set before drm_sched_fault()
 * @watchdog: checks the engine time of the job at the head of the ring
 * @wd_seq: SEQNO at the last check. Protected by @ring_lock.
 * @wd_ns: ENGINE_NS at the last check. Protected by @ring_lock.
 * @wd_head: the hardware fence seqno of the job at the head at the last
 *	check. Protected by @ring_lock.
 * @wd_head_ns: ENGINE_NS when that job was first seen at the head.
 *	Protected by @ring_lock.
 * @wd_progress: jiffies of the last SEQNO or ENGINE_NS change.
 *	Protected by @ring_lock.
 * @submit_lock: orders job numbers with pushes to @entity
 * @job_lock: protects @last_job and @jobs
 * @last_job: the number of the last job submitted. Protected by @job_lock.
 * @jobs: records of the last MVGPU_MAX_JOBS jobs, by number modulo
 *	MVGPU_MAX_JOBS. Protected by @job_lock.
 * @faults: jobs that faulted, hung or were lost
 */
struct mvgpu_ctx {
	struct kref ref;
	struct mvgpu_device *mdev;
	u32 id;
	u32 priority;
	struct list_head link;

	struct mutex va_lock;		/* the page table; see above */
	struct drm_mm va_mm;
	struct list_head bos;
	struct list_head quarantine;
	unsigned int bos_lost;
	bool alive;
	bool mappings_unknown;

	struct drm_mm_node ring_node;
	void __iomem *ring;
	u32 ring_size;
	struct mutex ring_lock;		/* tail, emitted, stopped, wd_* */
	u32 tail;
	u64 emitted;
	bool stopped;

	spinlock_t fence_lock;		/* fences */
	struct list_head fences;
	u64 fence_context;
	u64 seqno_seen;

	struct drm_gpu_scheduler sched;
	char sched_name[16];
	struct drm_sched_entity entity;
	bool sched_ready;
	atomic_t jobs_alive;
	wait_queue_head_t jobs_wq;

	atomic_t recover;
	struct delayed_work watchdog;
	u64 wd_seq;
	u64 wd_ns;
	u64 wd_head;
	u64 wd_head_ns;
	unsigned long wd_progress;

	struct mutex submit_lock;	/* job numbers in push order */
	spinlock_t job_lock;		/* last_job, jobs */
	u64 last_job;
	struct mvgpu_job_record jobs[MVGPU_MAX_JOBS];
	atomic_t faults;
};

/**
 * struct mvgpu_fence - a hardware fence: the context's SEQNO reaching @seqno
 * @base: the dma_fence
 * @ctx: the context (a reference)
 * @link: in &mvgpu_ctx.fences while not signalled
 */
struct mvgpu_fence {
	struct dma_fence base;
	struct mvgpu_ctx *ctx;
	struct list_head link;
};

struct mvgpu_ctx *mvgpu_ctx_create(struct mvgpu_device *mdev);
void mvgpu_ctx_destroy(struct mvgpu_ctx *ctx);
void mvgpu_ctx_put(struct mvgpu_ctx *ctx);
int mvgpu_ctx_count(void);
int mvgpu_ctx_set_priority(struct mvgpu_ctx *ctx, u32 prio);
int mvgpu_ctx_start_locked(struct mvgpu_ctx *ctx);
u64 mvgpu_ctx_seqno(struct mvgpu_ctx *ctx);
u64 mvgpu_ctx_engine_ns(struct mvgpu_ctx *ctx);
struct dma_fence *mvgpu_fence_create(struct mvgpu_ctx *ctx, u64 seqno);
unsigned int mvgpu_ctx_signal(struct mvgpu_ctx *ctx, u64 seqno, int error);
u64 mvgpu_ctx_irq(struct mvgpu_device *mdev);
void mvgpu_ctx_watchdog_arm(struct mvgpu_ctx *ctx);
void mvgpu_ctx_stop_all_locked(struct mvgpu_device *mdev);
void mvgpu_ctx_restart_all_locked(struct mvgpu_device *mdev);

#endif /* MVGPU_CTX_H */
