/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the mediator (the core) and a GPU (a backend).
 */
#ifndef _MVGPU_BACKEND_H_
#define _MVGPU_BACKEND_H_

#include <linux/bits.h>
#include <linux/types.h>

#include <mvgpu/fault.h>
#include <mvgpu/hist.h>

struct kthread_worker;
struct mem_cgroup;
struct mvgpu_aspace;
struct mvgpu_backend;
struct mvgpu_bctx;
struct mvgpu_bvram;
struct mvgpu_cmd;
struct mvgpu_ctx;
struct mvgpu_pool_alloc;
struct vm_area_struct;

/**
 * DOC: Backend contract
 *
 * A backend is the GPU the mediator shares: the software GPU in
 * ``drivers/backend/sw/``, a mock in KUnit, or a hardware driver.  The core
 * keeps everything that makes a vGPU a vGPU - the VFIO device model and its
 * registers, interrupts, the scheduler (run queues, slices, preemption
 * decisions, accounting), VRAM capacity and quotas, the GPU page table as
 * the mediator's record of what each vGPU may reach, pinned guest memory,
 * statistics.  The backend runs contexts on its engines and owns the memory
 * behind VRAM.  The two meet in two tables:
 *
 * - struct mvgpu_backend_ops, the calls down, which the core makes;
 * - struct mvgpu_core_ops, the calls up, which the core hands the backend
 *   when it creates the GPU.  A backend reaches the core through nothing
 *   else: no register, interrupt or vGPU of the core is its business.
 *
 * A context is run asynchronously, as hardware runs it:
 *
 * 1. The core picks a context for an idle engine and calls @run.  @run
 *    starts it; it may sleep (a firmware RPC, a ring write and a fence
 *    wait) but should not wait for the run to end.
 * 2. The backend runs the context's ring until it is empty, a WAIT is not
 *    satisfied, a command needs the host (a MAP of guest memory) or memory
 *    it could only have by waiting, a command faults, or the core calls
 *    @preempt for that engine (the slice ended, a higher level arrived, or
 *    a reset wants the context).  An engine never sleeps on a tenant's
 *    behalf: not for its memory, not for its guest pages.
 * 3. It then calls the core's &mvgpu_core_ops.ctx_stopped with a struct
 *    mvgpu_stop saying why, how far the ring got and how much engine time
 *    the run used; from then on it does not touch the context until the
 *    next @run.  A hardware backend calls it from its completion or
 *    preemption interrupt, the software backend from its engine thread;
 *    the core may decide the next run from inside it.  It may come before
 *    @run has returned.
 *
 * The calls that start and stop runs - @run, @preempt, @engine_reset,
 * @ctx_load and @ctx_evict - come from the core's submit worker (DOC:
 * Submission): process context, may sleep, no core lock held.  The core
 * decides under its scheduler spinlock, from any context (a doorbell, a
 * report, the slice timer's hardirq), and the worker carries the decisions
 * down in order, one call at a time per GPU: a @run before any @preempt or
 * @engine_reset of that run; a @preempt or @engine_reset for a run that
 * has ended by the time the worker gets to it is dropped (one taken just
 * before the engine gave its context back on its own reaches an idle
 * engine, where it must do nothing).  The worker runs at a real-time
 * priority, above any thread of a software backend.  A preemption is also
 * published at once in memory (struct mvgpu_preempt_req); a backend whose
 * engines watch it needs no @preempt.
 *
 * An engine may keep some contexts *resident* - loaded, cheap to switch
 * to - besides the one it runs (@nr_resident).  One context still runs on
 * an engine at a time, so engine time stays what shares are made of.  The
 * core chooses which are resident: before a @run of a context that is not
 * resident on that engine it calls @ctx_evict for the least recently run
 * one if the engine has @nr_resident already (and for the context itself
 * on another engine where it is resident: a context is resident on one
 * engine at most), then @ctx_load.  A context that stops for a reset, a
 * migration or its destruction is evicted first: @ctx_reset, @ctx_save,
 * @ctx_restore, @ctx_destroy and @ctx_run_direct never see a resident
 * context.
 *
 * An @engine_reset may lose resident contexts besides the one it stops:
 * before it returns, the backend reports each one whose state it lost
 * with &mvgpu_core_ops.ctx_lost, and the core stops it with
 * MVGPU_ERR_CONTEXT_LOST; it reports the context the engine ran with
 * &mvgpu_core_ops.ctx_stopped, as MVGPU_ERR_TIMEOUT.
 *
 * Between runs the context's whole engine state is the backend's, and the
 * core never looks inside; @ctx_save and @ctx_restore move it to and from
 * a buffer (migration, eviction), @ctx_reset returns it to power-on.
 *
 * The GPU page table is the core's (struct mvgpu_aspace, DOC: Address
 * space): the backend's MMU walks it - the software backend through
 * mvgpu_aspace_translate(), a hardware backend by mirroring it - and
 * executes MAP and UNMAP of VRAM through the aspace functions, which check
 * them.  Guest memory is pinned by the core; the backend reaches a guest
 * page only through mvgpu_aspace_sysmem_page() while a page-table entry
 * maps it, and @ctx_flush tells it when a translation must no longer be
 * used.
 *
 * Calling context, unless an op says otherwise: process context, may sleep,
 * no core lock held.
 */

/* The largest watchdog a GPU may have: a bound on what any source saves. */
#define MVGPU_WATCHDOG_MAX_MS	600000

/**
 * struct mvgpu_gpu_config - what the core asks of a new GPU
 * @index: N of mvgpu.N
 * @vram_size: VRAM bytes
 * @nr_engines: engines
 * @watchdog_ms: longest a command may run (engine time), then it faults
 *	with MVGPU_ERR_TIMEOUT; at most MVGPU_WATCHDOG_MAX_MS
 * @preempt_req: @nr_engines preemption requests, one per engine, in
 *	memory that lives as long as the GPU (struct mvgpu_preempt_req)
 */
struct mvgpu_gpu_config {
	unsigned int index;
	u64 vram_size;
	unsigned int nr_engines;
	unsigned int watchdog_ms;
	const struct mvgpu_preempt_req *preempt_req;
};

/**
 * struct mvgpu_preempt_req - the core's request for an engine's run back,
 *	in memory, as a GPU's scheduler polls a preemption request
 * @asked: the core wants the run back: set the moment it decides - under
 *	its scheduler lock, in whatever context (the slice timer's hardirq) -
 *	before any &mvgpu_backend_ops.preempt, cleared when the run ends or
 *	it decides the engine's next one (WRITE_ONCE())
 * @at_ns: when it first asked in this run (ktime_get_ns()), written
 *	before @asked (smp_wmb()): what struct mvgpu_stop @cpu_wait_ns counts
 *	from
 *
 * Every backend may read it; one whose engines watch it at every
 * preemption point stops without waiting for a call, and may leave
 * &mvgpu_backend_ops.preempt out (the software GPU does).
 */
struct mvgpu_preempt_req {
	bool asked;
	u64 at_ns;
};

/**
 * enum mvgpu_stop_reason - why a backend gave a context back
 * @MVGPU_STOP_EMPTY: the ring is empty (head reached the tail)
 * @MVGPU_STOP_PREEMPTED: @preempt asked it to stop; work is left
 * @MVGPU_STOP_BLOCKED: the context cannot go on now - a WAIT is not
 *	satisfied, or a step waits for memory the backend gets off the engine
 *	(an engine must not wait for a tenant's memory); the core polls
 * @MVGPU_STOP_HOST: a command needs the core (&mvgpu_stop.host); the core
 *	answers with &mvgpu_backend_ops.ctx_host_done before the next run
 * @MVGPU_STOP_FAULT: a command faulted (&mvgpu_stop.fault); the context
 *	runs again only after a reset
 */
enum mvgpu_stop_reason {
	MVGPU_STOP_EMPTY,
	MVGPU_STOP_PREEMPTED,
	MVGPU_STOP_BLOCKED,
	MVGPU_STOP_HOST,
	MVGPU_STOP_FAULT,
};

/**
 * struct mvgpu_host_request - what a command needs the core to do
 * @op: the command's opcode: MVGPU_OP_MAP (of guest memory, or of VRAM
 *	into another context's table), MVGPU_OP_UNMAP (of another context's
 *	table), MVGPU_OP_CTX_CREATE, _DESTROY or _PRIORITY
 * @ctx: the context whose page table or state it changes (the command's
 *	context field; MAP and UNMAP of the running context's own table name
 *	it too)
 * @prio: CTX_CREATE, CTX_PRIORITY: the priority asked for
 * @va: MAP, UNMAP: first GPU VA
 * @iova: MAP: first guest IOVA (MVGPU_GPT_SYSMEM in @flags) or VRAM offset
 * @size: MAP, UNMAP: bytes
 * @flags: MAP: MVGPU_GPT_READ / WRITE / SYSMEM
 *
 * The backend hands over the command's fields as the guest wrote them
 * (after the checks of the command's format, DOC: Commands); the core
 * checks what they name.
 */
struct mvgpu_host_request {
	u32 op;
	u32 ctx;
	u32 prio;
	u64 va;
	u64 iova;
	u64 size;
	u32 flags;
};

/*
 * Flags of &mvgpu_backend_ops.ctx_create.  MVGPU_BCTX_PRIVILEGED: the
 * context may change page tables and contexts (a vGPU's context 0); the
 * backend refuses those commands from any other with MVGPU_ERR_PRIVILEGED.
 */
#define MVGPU_BCTX_PRIVILEGED	BIT(0)

/**
 * struct mvgpu_stop - how a run ended
 * @reason: enum mvgpu_stop_reason
 * @ran_ns: engine time the run used (what the engine really spent on it,
 *	not time it was held up by the host)
 * @head: the ring offset of the next command
 * @busy: a command is in flight (fetched, not finished)
 * @fault: for MVGPU_STOP_FAULT
 * @host: for MVGPU_STOP_HOST
 * @cpu_wait_ns: for MVGPU_STOP_PREEMPTED: of the time since the engine was
 *	first asked to stop in this run (struct mvgpu_preempt_req @at_ns), how
 *	long it waited for a CPU (a software engine's thread while the CPU ran
 *	other tasks; 0 for hardware).  The core leaves it out of the
 *	preemption latency, as a step's time leaves it out.
 */
struct mvgpu_stop {
	enum mvgpu_stop_reason reason;
	u64 ran_ns;
	u32 head;
	bool busy;
	struct mvgpu_fault fault;
	struct mvgpu_host_request host;
	u64 cpu_wait_ns;
};

/**
 * struct mvgpu_engine_stats - what a backend counts per engine
 * @steps: command steps run (preemption points passed)
 * @step_hist: their durations (mvgpu_hist_bucket())
 * @step_max_ns: the longest
 * @tlb_hits: translations its translation cache answered
 * @tlb_misses: translations that walked the page table
 */
struct mvgpu_engine_stats {
	u64 steps;
	u32 step_hist[MVGPU_HIST_BUCKETS];
	u64 step_max_ns;
	u64 tlb_hits;
	u64 tlb_misses;
};

/**
 * struct mvgpu_core_ops - the core's entry points for a backend
 * @ctx_stopped: a run ended.  @gpu is what the core passed to
 *	&mvgpu_backend_ops.gpu_create, @ctx the core context given to
 *	@ctx_create.  Any context (an interrupt handler's too); takes the
 *	core's scheduler spinlock; may call &mvgpu_backend_ops.run.
 * @ctx_progress: commands completed while running: the ring head and the
 *	count since the context's reset, for the vGPU's registers.  Any
 *	context; optional to call as often as each command.
 * @ctx_interrupt: raise the vGPU's interrupt causes (MVGPU_INT_*), e.g. a
 *	FENCE that asks for one.  Any context.
 * @ctx_lost: an &mvgpu_backend_ops.engine_reset of @engine lost the state
 *	of @ctx, a context resident on it that it did not run (a command
 *	half done): @head is the ring offset of that command, @opcode its
 *	opcode.  The core stops the context with MVGPU_ERR_CONTEXT_LOST
 *	(ERROR_INFO the opcode, FAULT_ADDR the command's ring address) until
 *	its guest resets it, and no longer counts it resident (no
 *	@ctx_evict follows).  Called before engine_reset returns; takes the
 *	core's scheduler spinlock.
 */
struct mvgpu_core_ops {
	void (*ctx_stopped)(void *gpu, unsigned int engine,
			    struct mvgpu_ctx *ctx, const struct mvgpu_stop *stop);
	void (*ctx_progress)(struct mvgpu_ctx *ctx, u32 head, u64 cmds_done);
	void (*ctx_interrupt)(struct mvgpu_ctx *ctx, u32 causes);
	void (*ctx_lost)(void *gpu, unsigned int engine, struct mvgpu_ctx *ctx,
			 u32 head, u32 opcode);
};

/**
 * struct mvgpu_backend_ops - a GPU, as the core drives it
 * @name: for logs
 *
 * @gpu_create: bring up a GPU.  @core and @gpu are for the calls up.
 *	Returns the backend's GPU or an ERR_PTR().
 * @gpu_destroy: tear it down; no context or VRAM block is left.
 *
 * @vram_create: memory for a vGPU's VRAM, whose place in the GPU's VRAM
 *	the core has allocated (@alloc: chunks of MVGPU_POOL_CHUNK, in order).
 *	Returns a block or an ERR_PTR().
 * @vram_destroy: free a block; nothing maps it.
 * @vram_open: the vGPU was opened: from now on user mappings may be made,
 *	memory the block allocates is charged to @memcg (the opener's), and
 *	work the backend does for the vGPU off its engines (getting memory)
 *	runs on @worker, a kernel thread in the opener's cgroups, so that its
 *	CPU time is the VM's (kthread_queue_work()).
 * @vram_close: the vGPU's last file and mapping are gone.
 * @vram_rw: CPU access (pread/pwrite of BAR2): bytes done or -errno.
 * @vram_mmap: map part of the block into user space; @vma's offset is
 *	relative to the block's start.  The mapping must keep working (or
 *	refault) across @vram_scrub.  Called with mmap_lock held.
 * @vram_scrub: zap every user mapping and zero the block.  No context of
 *	the vGPU runs, and each has been through @ctx_reset since it last ran.
 * @vram_backed: bytes of the block that take memory now.
 * @vram_next_backed: the offset of the first page at or after @off (4 KiB
 *	aligned) that takes memory, or U64_MAX if none: the pages a
 *	migration copies.  The vGPU's contexts do not run.
 * @vram_page_read: copy the 4 KiB page at @off (aligned) into @buf, kernel
 *	memory; a page that takes no memory reads as zeros and stays so.
 *	0, or -EINVAL for an offset outside the block.
 * @vram_page_write: copy @buf (4 KiB of kernel memory) into the page at
 *	@off (aligned), backing it if it takes no memory yet - charged as a
 *	tenant's touch to the memory cgroup given at @vram_open.  0, -EINVAL
 *	for an offset outside the block, -ENOMEM.  The block is open; the
 *	vGPU's contexts do not run.
 *
 * @ctx_create: a context of the vGPU that owns @vram, whose GPU addresses
 *	@as translates (it stays bound until @ctx_destroy); @ctx is the core's
 *	context, for the calls up; @flags MVGPU_BCTX_*.  Returns the
 *	backend's or an ERR_PTR().
 * @ctx_destroy: free it; it does not run.
 * @ctx_reset: engine state back to power-on (ring forgotten, command in
 *	flight dropped).  It does not run.  Work the backend still does for
 *	it off the engine (memory a step waits for) is over when this returns.
 * @ctx_set_ring: the ring the next run executes (GPU VA, bytes, tail).
 *	Any context, may be called while the context runs (a doorbell): the
 *	backend must see the new tail no later than at its next look at it.
 * @ctx_host_done: the core's answer to an MVGPU_STOP_HOST: @result->code
 *	0 on success, else the fault the command takes.  Before the next run.
 * @ctx_flush: from now on no access of the context may use a translation
 *	the page table no longer holds: returns once every access that might
 *	have used one is over (a TLB shootdown).  May sleep for one step.
 * @ctx_save: copy the engine state into @buf (at most @len bytes): bytes
 *	written, or -ENOSPC with @len too small.  It does not run.
 * @ctx_restore: load an engine state @ctx_save made, validating it as
 *	untrusted input (it may come from another host's migration stream):
 *	0, or -EINVAL with *@why set to a static string that says what was
 *	wrong (the state is then as after @ctx_reset).  The core calls
 *	@ctx_set_ring with the ring it latched just before: a state whose
 *	ring (base, size, tail) is another one is refused.  It does not run.
 * @ctx_run_direct: run @n commands to completion on the caller's thread,
 *	outside any ring and scheduler (the mediated-vs-direct benchmark
 *	baseline): 0, -EIO on a fault, -EOPNOTSUPP for a command that needs
 *	the host, -ECANCELED if @stop became true, -EINTR on a fatal signal.
 *
 * @run: start running @bctx on @engine, which is idle; see DOC: Backend
 *	contract.  From the submit worker: may sleep.  With @nr_resident,
 *	@bctx is resident on @engine (@ctx_load came first).
 * @preempt: ask @engine to give its context back soon (at its next
 *	preemption point); calling it again, or for an idle engine, does no
 *	harm.  From the submit worker: may sleep.  Optional for a backend
 *	whose engines watch their struct mvgpu_preempt_req at every
 *	preemption point: without it the core asks there only.
 * @engine_reset: optional.  @engine was asked to preempt and has not given
 *	its context back within the preemption timeout (the GPU's watchdog):
 *	stop it now, dropping the command in flight, and report the context
 *	with MVGPU_STOP_FAULT and MVGPU_ERR_TIMEOUT; the core's other contexts
 *	and engines go on.  A resident context whose state the reset loses is
 *	reported with &mvgpu_core_ops.ctx_lost before this returns.  An
 *	engine that gave its context back meanwhile (the report raced with
 *	the call) is idle: the backend then resets nothing.  From the submit
 *	worker: may sleep (and wait for the reset).  The software backend has
 *	none: its steps are bounded (DOC: Preemption points) and never wait
 *	for memory (DOC: Memory off the engine), so only a host that does not
 *	run its thread can delay it, which a reset would not cure.
 * @nr_resident: how many contexts each engine keeps resident (loaded,
 *	cheap to switch to), the one it runs included; 0: the backend keeps
 *	none between runs - every context is as cheap to switch to as any
 *	other (the software GPU: contexts live in host memory, an engine
 *	thread holds nothing of one between runs) - and the core calls
 *	neither @ctx_load nor @ctx_evict.
 * @ctx_load: optional.  Make @bctx resident on @engine (which has room:
 *	the core evicted one first if needed); @run of it follows.  From the
 *	submit worker: may sleep.
 * @ctx_evict: optional.  @bctx, resident on @engine and not running, is
 *	resident no longer: save what the engine holds of it.  The engine may
 *	be running another context.  From the submit worker: may sleep.
 * @engine_stats: the engine's counters.
 * @engine_stats_clear: start them over.
 * @timestamp: the GPU's clock, in ns.  Any context.
 */
struct mvgpu_backend_ops {
	const char *name;

	struct mvgpu_backend *(*gpu_create)(const struct mvgpu_gpu_config *cfg,
					    const struct mvgpu_core_ops *core,
					    void *gpu);
	void (*gpu_destroy)(struct mvgpu_backend *be);

	struct mvgpu_bvram *(*vram_create)(struct mvgpu_backend *be,
					   const struct mvgpu_pool_alloc *alloc);
	void (*vram_destroy)(struct mvgpu_bvram *vram);
	int (*vram_open)(struct mvgpu_bvram *vram, struct mem_cgroup *memcg,
			 struct kthread_worker *worker);
	void (*vram_close)(struct mvgpu_bvram *vram);
	ssize_t (*vram_rw)(struct mvgpu_bvram *vram, u64 off, char __user *buf,
			   size_t len, bool write);
	int (*vram_mmap)(struct mvgpu_bvram *vram, struct vm_area_struct *vma);
	void (*vram_scrub)(struct mvgpu_bvram *vram);
	u64 (*vram_backed)(struct mvgpu_bvram *vram);
	u64 (*vram_next_backed)(struct mvgpu_bvram *vram, u64 off);
	int (*vram_page_read)(struct mvgpu_bvram *vram, u64 off, void *buf);
	int (*vram_page_write)(struct mvgpu_bvram *vram, u64 off,
			       const void *buf);

	struct mvgpu_bctx *(*ctx_create)(struct mvgpu_backend *be,
					 struct mvgpu_ctx *ctx,
					 struct mvgpu_bvram *vram,
					 struct mvgpu_aspace *as, u32 flags);
	void (*ctx_destroy)(struct mvgpu_bctx *bctx);
	void (*ctx_reset)(struct mvgpu_bctx *bctx);
	void (*ctx_set_ring)(struct mvgpu_bctx *bctx, u64 base, u32 size,
			     u32 tail);
	void (*ctx_host_done)(struct mvgpu_bctx *bctx,
			      const struct mvgpu_fault *result);
	void (*ctx_flush)(struct mvgpu_bctx *bctx);
	ssize_t (*ctx_save)(struct mvgpu_bctx *bctx, void *buf, size_t len);
	int (*ctx_restore)(struct mvgpu_bctx *bctx, const void *buf, size_t len,
			   const char **why);
	int (*ctx_run_direct)(struct mvgpu_bctx *bctx, const struct mvgpu_cmd *cmds,
			      unsigned int n, const bool *stop);

	void (*run)(struct mvgpu_backend *be, unsigned int engine,
		    struct mvgpu_bctx *bctx);
	void (*preempt)(struct mvgpu_backend *be, unsigned int engine);
	void (*engine_reset)(struct mvgpu_backend *be, unsigned int engine);
	unsigned int nr_resident;
	void (*ctx_load)(struct mvgpu_backend *be, unsigned int engine,
			 struct mvgpu_bctx *bctx);
	void (*ctx_evict)(struct mvgpu_backend *be, unsigned int engine,
			  struct mvgpu_bctx *bctx);
	void (*engine_stats)(struct mvgpu_backend *be, unsigned int engine,
			     struct mvgpu_engine_stats *st);
	void (*engine_stats_clear)(struct mvgpu_backend *be);
	u64 (*timestamp)(struct mvgpu_backend *be);
};

/* The backends built into mvgpu.ko; module.c chooses among them. */
extern const struct mvgpu_backend_ops mvgpu_sw_backend_ops;

#endif /* _MVGPU_BACKEND_H_ */
