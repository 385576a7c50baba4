/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The software GPU's own objects.  Nothing outside drivers/backend/sw/
 * includes this header: the core knows the software GPU only as a struct
 * mvgpu_backend_ops (DOC: Backend contract).
 */
#ifndef _MVGPU_SW_H_
#define _MVGPU_SW_H_

#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <mvgpu/backend.h>
#include <mvgpu/hist.h>

#include "uapi/mvgpu.h"

struct file;
struct mem_cgroup;
struct mvgpu_aspace;
struct mvgpu_pool_alloc;
struct task_struct;

/* Bytes of each of an engine's three staging buffers. */
#define MVGPU_EXEC_BUF_SIZE	0x10000

#define MVGPU_TLB_ENTRIES	64

/**
 * struct mvgpu_tlb_entry - one cached translation
 * @as: the address space it belongs to (the tag: contexts share the cache)
 * @gen: @as's generation when it was filled
 * @va: first GPU VA of the page (4 KiB or 2 MiB)
 * @size: page size
 * @target: VRAM offset or IOVA of @va
 * @flags: MVGPU_GPT_* of the mapping
 */
struct mvgpu_tlb_entry {
	const struct mvgpu_aspace *as;
	u64 gen;
	u64 va;
	u64 size;
	u64 target;
	u32 flags;
};

/**
 * struct mvgpu_tlb - a runner's translation cache
 * @e: direct-mapped by GPU VA page number
 * @hits: lookups it answered
 * @misses: lookups that walked the page table
 *
 * Entries are tagged with their address space and its generation, so
 * switching contexts flushes nothing and a page-table change invalidates
 * exactly that address space's entries.
 */
struct mvgpu_tlb {
	struct mvgpu_tlb_entry e[MVGPU_TLB_ENTRIES];
	u64 hits;
	u64 misses;
};

/* Commands the command processor reads from a ring at once, at most. */
#define MVGPU_EXEC_READ_AHEAD	16

/**
 * struct mvgpu_exec_bufs - what a runner works with besides the context
 * @a: first operand staging buffer
 * @b: second operand staging buffer
 * @c: result staging buffer
 * @sum: an aligned u64 to store or load
 * @tlb: translation cache
 * @ahead: commands read ahead from the ring of the context it runs (DOC:
 *	Preemption points); valid during one mvgpu_exec_run() only
 * @ahead_next: index of the next one in @ahead
 * @ahead_left: how many are left from there
 * @ahead_head: the ring offset of @ahead[@ahead_next]
 * @ahead_gen: the address space's generation when they were read
 * @steps: steps run
 * @step_hist: how long each took (mvgpu_hist_bucket())
 * @step_max: the longest step, in ns
 *
 * Written only by the runner; the statistics are read racily.
 */
struct mvgpu_exec_bufs {
	void *a, *b, *c;
	__le64 sum;
	struct mvgpu_tlb tlb;
	struct mvgpu_cmd ahead[MVGPU_EXEC_READ_AHEAD];
	unsigned int ahead_next;
	unsigned int ahead_left;
	u32 ahead_head;
	u64 ahead_gen;
	u64 steps;
	u32 step_hist[MVGPU_HIST_BUCKETS];
	u64 step_max;
};

/**
 * enum mvgpu_host_state - a command's wait for the core
 * @MVGPU_HOST_NONE: none
 * @MVGPU_HOST_ASKED: the context stopped with MVGPU_STOP_HOST
 * @MVGPU_HOST_ANSWERED: the core answered (struct mvgpu_bctx @host_result)
 */
enum mvgpu_host_state {
	MVGPU_HOST_NONE,
	MVGPU_HOST_ASKED,
	MVGPU_HOST_ANSWERED,
};

/* What a step needs that it could not have without waiting. */
enum mvgpu_sw_mem {
	MVGPU_SW_MEM_VRAM,	/* a VRAM page backed */
	MVGPU_SW_MEM_TABLES,	/* page-table pages (mvgpu_aspace_refill()) */
};

/**
 * struct mvgpu_bvram - a vGPU's VRAM in the software GPU: host pages
 * @be: the GPU
 * @size: bytes
 * @pages: page index -> backing host page, present once touched; looked
 *	up without a lock (RCU), filled with xa_cmpxchg(), emptied by scrub
 * @backed: pages in @pages
 * @lock: serialises user-mapping faults against zapping and scrubbing
 * @file: while the vGPU is open, the file every user mapping is moved to,
 *	so that a scrub zaps them all and nothing else; @lock
 * @memcg: the memory cgroup backing pages are charged to while the vGPU is
 *	open, else NULL; @lock, read by runners with READ_ONCE()
 * @worker: the vGPU's worker while it is open (&mvgpu_backend_ops.vram_open),
 *	else NULL; @lock, read by runners with READ_ONCE()
 */
struct mvgpu_bvram {
	struct mvgpu_backend *be;
	u64 size;
	struct xarray pages;
	atomic_long_t backed;
	struct mutex lock;		/* see @lock above */
	struct file *file;
	struct mem_cgroup *memcg;
	struct kthread_worker *worker;
};

/**
 * struct mvgpu_bctx - a context of the software GPU
 * @be: the GPU
 * @ctx: the core's context, for the calls up
 * @vram: the vGPU's VRAM
 * @as: the address space it runs in (the core's)
 * @privileged: it may change page tables and contexts
 *	(MVGPU_BCTX_PRIVILEGED)
 * @step_sem: held for reading by whoever runs a step; ctx_flush takes it
 *	for writing to wait for the step in flight
 * @mem_work: gets memory a step could not have without waiting (DOC:
 *	Memory off the engine)
 * @mem_need: what @mem_work is to get (enum mvgpu_sw_mem)
 * @mem_off: for MVGPU_SW_MEM_VRAM: the VRAM offset
 * @mem_busy: @mem_work is on it (release/acquire with @mem_failed)
 * @mem_failed: @mem_work could not get it
 * @tail: ring tail, from the core (any time, READ_ONCE())
 * @staging: an image ctx_restore is taking, piece by piece, until
 *	ctx_restore_end loads it (allocated at the first piece, freed with the
 *	context)
 * @staged: its bytes taken so far; 0 after a reset
 * @ring_base: ring GPU VA
 * @ring_size: ring bytes; 0: no ring yet
 * @head: offset of the next command
 * @cmd_active: @cmd is in flight (fetched and validated, not finished)
 * @cmd: the command in flight, copied out of the ring
 * @progress: how far @cmd got (bytes, elements, ns, ...; per opcode)
 * @acc: @cmd's accumulator (REDUCE's sum)
 * @cmd_ns: engine time @cmd has used so far, for the watchdog
 * @cmds_done: commands completed since the last reset
 * @host: @cmd's wait for the core
 * @host_result: the core's answer
 *
 * Everything from @ring_base on is the engine state ctx_save saves: it
 * changes only while the context runs, by its one runner.
 */
struct mvgpu_bctx {
	struct mvgpu_backend *be;
	struct mvgpu_ctx *ctx;
	struct mvgpu_bvram *vram;
	struct mvgpu_aspace *as;
	bool privileged;
	struct rw_semaphore step_sem;	/* see @step_sem above */
	struct kthread_work mem_work;
	unsigned int mem_need;
	u64 mem_off;
	bool mem_busy;
	bool mem_failed;
	u32 tail;
	struct mvgpu_sw_state *staging;
	size_t staged;

	u64 ring_base;
	u32 ring_size;
	u32 head;
	bool cmd_active;
	struct mvgpu_cmd cmd;
	u64 progress;
	u64 acc;
	u64 cmd_ns;
	u64 cmds_done;
	enum mvgpu_host_state host;
	struct mvgpu_fault host_result;
};

/**
 * struct mvgpu_sw_state - a context's engine state, as ctx_save writes it
 * @magic: MVGPU_SW_STATE_MAGIC
 * @size: sizeof(struct mvgpu_sw_state)
 * @ring_base: see struct mvgpu_bctx
 * @ring_size: see struct mvgpu_bctx
 * @tail: see struct mvgpu_bctx
 * @head: see struct mvgpu_bctx
 * @cmd_active: see struct mvgpu_bctx
 * @host: see struct mvgpu_bctx
 * @pad: zero
 * @cmd: see struct mvgpu_bctx
 * @progress: see struct mvgpu_bctx; for a WAIT, when it started waiting
 *	on the source's clock, which a restore does not use
 * @acc: see struct mvgpu_bctx
 * @cmd_ns: see struct mvgpu_bctx, at most the source's watchdog limit
 * @cmds_done: see struct mvgpu_bctx
 * @host_result: see struct mvgpu_bctx, zero unless @host is
 *	MVGPU_HOST_ANSWERED
 *
 * In a migration stream (the CONTEXT section), so ctx_restore checks every
 * field (mvgpu_exec_state_check()).  Little-endian on the wire would
 * matter across hosts of another byte order; the software GPU moves
 * between hosts of its own kind only.
 */
struct mvgpu_sw_state {
	u32 magic;
	u32 size;
	u64 ring_base;
	u32 ring_size;
	u32 tail;
	u32 head;
	u8 cmd_active;
	u8 host;
	u16 pad;
	struct mvgpu_cmd cmd;
	u64 progress;
	u64 acc;
	u64 cmd_ns;
	u64 cmds_done;
	struct mvgpu_fault host_result;
};

#define MVGPU_SW_STATE_MAGIC	0x53574358	/* "SWCX" */

/**
 * struct mvgpu_sw_engine - one engine: a kernel thread
 * @be: its GPU
 * @index: engine number
 * @task: the thread
 * @lock: protects @next
 * @wq: the thread waits here for @next
 * @next: the context the core asked to run, until the thread takes it
 * @bufs: staging buffers, translation cache, statistics
 */
struct mvgpu_sw_engine {
	struct mvgpu_backend *be;
	unsigned int index;
	struct task_struct *task;
	spinlock_t lock;		/* @next */
	wait_queue_head_t wq;
	struct mvgpu_bctx *next;
	struct mvgpu_exec_bufs bufs;
};

/**
 * struct mvgpu_backend - the software GPU
 * @cfg: what the core asked for
 * @core: the core's entry points
 * @gpu: the core's GPU, for them
 * @engines: its engines
 */
struct mvgpu_backend {
	struct mvgpu_gpu_config cfg;
	const struct mvgpu_core_ops *core;
	void *gpu;
	struct mvgpu_sw_engine *engines;
};

/* gmem.c */
void mvgpu_sw_mem_work(struct kthread_work *work);
int mvgpu_sw_mem_defer(struct mvgpu_bctx *b, enum mvgpu_sw_mem need, u64 off);
void mvgpu_sw_mem_cancel(struct mvgpu_bctx *b);

/* engine.c */
int mvgpu_sw_engines_start(struct mvgpu_backend *be);
void mvgpu_sw_engines_stop(struct mvgpu_backend *be);
int mvgpu_sw_bufs_alloc(struct mvgpu_exec_bufs *b);
void mvgpu_sw_bufs_free(struct mvgpu_exec_bufs *b);
void mvgpu_sw_run(struct mvgpu_backend *be, unsigned int engine,
		  struct mvgpu_bctx *bctx);
void mvgpu_sw_engine_stats(struct mvgpu_backend *be, unsigned int engine,
			   struct mvgpu_engine_stats *st);
void mvgpu_sw_engine_stats_clear(struct mvgpu_backend *be);

/* exec.c */
void mvgpu_exec_run(struct mvgpu_bctx *b, struct mvgpu_exec_bufs *bufs,
		    const bool *preempt, struct mvgpu_stop *stop);
int mvgpu_exec_direct(struct mvgpu_bctx *b, struct mvgpu_exec_bufs *bufs,
		      const struct mvgpu_cmd *cmds, unsigned int n,
		      const bool *stop);
void mvgpu_exec_reset(struct mvgpu_bctx *b);
const char *mvgpu_exec_state_check(const struct mvgpu_bctx *b);

/* vram.c */
struct mvgpu_bvram *mvgpu_sw_vram_create(struct mvgpu_backend *be,
					 const struct mvgpu_pool_alloc *alloc);
void mvgpu_sw_vram_destroy(struct mvgpu_bvram *vram);
int mvgpu_sw_vram_open(struct mvgpu_bvram *vram, struct mem_cgroup *memcg,
		       struct kthread_worker *worker);
void mvgpu_sw_vram_close(struct mvgpu_bvram *vram);
ssize_t mvgpu_sw_vram_rw(struct mvgpu_bvram *vram, u64 off, char __user *buf,
			 size_t len, bool write);
int mvgpu_sw_vram_mmap(struct mvgpu_bvram *vram, struct vm_area_struct *vma);
void mvgpu_sw_vram_scrub(struct mvgpu_bvram *vram);
u64 mvgpu_sw_vram_backed(struct mvgpu_bvram *vram);
u64 mvgpu_sw_vram_next_backed(struct mvgpu_bvram *vram, u64 off);
int mvgpu_sw_vram_page_read(struct mvgpu_bvram *vram, u64 off, void *buf);
int mvgpu_sw_vram_page_write(struct mvgpu_bvram *vram, u64 off,
			     const void *buf);
struct page *mvgpu_sw_vram_page(struct mvgpu_bvram *vram, u64 off, bool alloc);
struct page *mvgpu_sw_vram_page_nowait(struct mvgpu_bvram *vram, u64 off);

#endif /* _MVGPU_SW_H_ */
