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
struct page;
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
 * 1. The core picks a context for an idle engine and its submit worker
 *    calls @run.  @run starts it; it may sleep (a firmware RPC, a ring
 *    write and a fence wait) but should not wait for the run to end.
 * 2. The backend runs the context's ring until it is empty, a WAIT is not
 *    satisfied, a command needs the host (a MAP of guest memory) or memory
 *    it could only have by waiting, a command faults, or the core asks for
 *    the engine back - the engine's struct mvgpu_preempt_req, and @preempt
 *    if the backend has one (the slice ended, a higher level arrived, or
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
 * migration or its destruction is evicted first, and the worker is done
 * with every call naming it: @ctx_reset, @ctx_destroy, @ctx_run_direct and
 * the image ops (@ctx_image_size, @ctx_save, @ctx_restore,
 * @ctx_restore_end) never see a resident context, nor one a call of the
 * worker is still using.
 *
 * The memory hooks are not the worker's: @ctx_flush, @ctx_pin and
 * @ctx_unpin follow the core's page-table changes and pins, from its host
 * worker, a reset, a migration or VFIO's dma_unmap, in process context.
 * They may name a context that is resident or running on an engine, at
 * the same moment as the worker's @run, @ctx_load or @ctx_evict of it: the
 * backend serialises the two itself, and a @ctx_flush of a resident
 * context reaches whatever an engine keeps of it.  The worker takes no
 * core mutex (only spinlocks: the scheduler's, a vGPU's interrupt lock),
 * so a memory hook may wait for a call the worker is making; it must not
 * wait for the worker's next call (a @preempt) while holding a lock of
 * the backend's that a call of the worker takes.
 *
 * An @engine_reset may lose resident contexts besides the one it stops:
 * before it returns, the backend reports each one whose state it lost
 * with &mvgpu_core_ops.ctx_lost, and the core stops it with
 * MVGPU_ERR_CONTEXT_LOST; it reports the context the engine ran with
 * &mvgpu_core_ops.ctx_stopped, as MVGPU_ERR_TIMEOUT.
 *
 * Between runs the context's whole engine state is the backend's, and the
 * core never looks inside; @ctx_reset returns it to power-on.  A migration
 * moves it as the context's *image*, whose size is the backend's
 * (@ctx_image_size, at most @ctx_image_max - megabytes, for a GPU whose
 * firmware saves a context into VRAM): @ctx_save reads it a piece at a
 * time, @ctx_restore takes it back a piece at a time and
 * @ctx_restore_end checks and loads the whole, so neither the core nor
 * the migration stream ever holds an image whole (DOC: Context images).
 *
 * The GPU page table is the core's (struct mvgpu_aspace, DOC: Address
 * space): the backend's MMU walks it - the software backend through
 * mvgpu_aspace_translate(), a hardware backend by mirroring it - and
 * executes MAP and UNMAP of VRAM through the aspace functions, which check
 * them.  Every change the core makes to a context's table reaches the
 * backend with its range (@ctx_flush, DOC: Page-table changes).  Guest
 * memory is pinned by the core, which hands each page to the backend when
 * it is pinned and before it is unpinned (@ctx_pin, @ctx_unpin: where a
 * hardware backend maps it for DMA); the backend reaches a guest page only
 * through mvgpu_aspace_sysmem_page() while a page-table entry maps it.
 *
 * Calling context, unless an op says otherwise: process context, may sleep,
 * no core lock held.
 */

/* The largest watchdog a GPU may have: a bound on what any source saves. */
#define MVGPU_WATCHDOG_MAX_MS	600000

/**
 * DOC: Context images
 *
 * A context's image is the backend's record of its engine state: for the
 * software GPU a struct of a few hundred bytes, for a GPU with firmware
 * the context save area the firmware writes into VRAM (registers, the
 * ring's state, local memory of the work in flight: megabytes).  Its size
 * is the backend's to say, per context (@ctx_image_size), up to a bound
 * the backend declares for all of its contexts (@ctx_image_max); no uapi
 * constant limits it but the stream's length field: at most U32_MAX bytes.
 *
 * The core moves an image in pieces, never holding it whole: a migration
 * reads a frozen context's image with @ctx_save a page at a time as the
 * stream is read, and the destination hands each piece to @ctx_restore as
 * it arrives - in order, from offset 0, contiguous - then, once the whole
 * stream has arrived and been checked and the context's ring latched
 * (@ctx_set_ring), calls @ctx_restore_end with the image's length: only
 * then does the backend check the image as a whole, as untrusted input,
 * and load it.  Until @ctx_restore_end the context's engine state is as
 * @ctx_reset left it; @ctx_reset drops pieces taken so far (a refused
 * stream ends with a reset).
 */

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
 *	@ctx_create.  Any context (an interrupt handler's too), and it may
 *	come before the &mvgpu_backend_ops.run it ends has returned; takes
 *	the core's scheduler spinlock and may decide the engine's next run,
 *	which the submit worker issues: it calls no backend op itself.
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
 * DOC: Page-table changes
 *
 * The core changes a context's page table for commands it carries out (a
 * MAP of guest memory, a MAP or UNMAP naming another context), when VFIO
 * unmaps guest memory (dma_unmap), at a reset and when a migration loads
 * the table, and after each change calls @ctx_flush with the context and
 * the range of GPU VA that changed: the MAP's or UNMAP's range, the span
 * of the entries a dma_unmap removed (from the first to the end of the
 * last: a bounding range, as an IOMMU's TLB gather is), the whole VA
 * space for a reset or a migration's clearing.  A backend that mirrors
 * the table updates its copy there and invalidates its TLBs for that range
 * only.  Changes a backend makes for its own commands (MAP of VRAM, UNMAP
 * of the running context's own table) are its own to flush.  After a
 * backend's own call to mvgpu_aspace_unmap_some() (or another
 * mvgpu_aspace_unmap_*()), which flushes nothing itself, the core may
 * unpin the pages it unmapped at once (its host worker, a dma_unmap),
 * without calling @ctx_flush: no access of the context may run between
 * that call and the backend's invalidation of the range.
 *
 * Only the changes the core makes are followed by @ctx_flush before their
 * guest pages are unpinned; so @ctx_unpin finds no access still using a
 * page those changes unmapped.
 */

/**
 * struct mvgpu_backend_ops - a GPU, as the core drives it
 * @name: for logs
 * @ctx_image_max: the largest image (@ctx_image_size) any context of this
 *	backend has, on any GPU it drives: a migration stream that declares a
 *	larger one is refused before any of it is taken
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
 * @ctx_destroy: free it; it does not run and is resident nowhere.
 * @ctx_reset: engine state back to power-on (ring forgotten, command in
 *	flight dropped).  It does not run and is resident nowhere.  Work the
 *	backend still does for it off the engine (memory a step waits for) is
 *	over when this returns.
 * @ctx_set_ring: the ring the next run executes (GPU VA, bytes, tail).
 *	Any context: a doorbell calls it with the core's scheduler spinlock
 *	and the vGPU's interrupt lock held, irqs off, so it must not sleep -
 *	the one call down still made under a core spinlock.  It may be
 *	called while the context runs, or while the submit worker is about
 *	to issue its @run: the backend must see the new tail no later than
 *	at its next look at it.
 * @ctx_host_done: the core's answer to an MVGPU_STOP_HOST: @result->code
 *	0 on success, else the fault the command takes.  Before the next run.
 * @ctx_flush: the core changed @bctx's page table in [@va, @va + @size)
 *	(DOC: Page-table changes): from now on no access of the context may
 *	use a translation the table no longer holds there, and one it gained
 *	is seen; returns once every access that might have used a stale one
 *	is over (a ranged TLB shootdown).  May sleep for one step.  Called
 *	from the vGPU's host worker, a reset, a migration or VFIO's
 *	dma_unmap, with the pin lock and in addition the vGPU's contexts lock
 *	(dma_unmap, under VFIO's device-list lock) or the vGPU's lock (reset,
 *	migration) possibly held: it must take none of these, nor wait for
 *	anything that does, and must not call into VFIO.  Never from the
 *	submit worker: the context may be running or resident on an engine
 *	meanwhile, and what the engine keeps of it is flushed too (DOC:
 *	Backend contract).
 * @ctx_save: copy @len bytes of the context's image from offset @off
 *	(@off + @len at most @ctx_image_size) into @buf: 0, or -EINVAL for a
 *	range outside the image.  It does not run and is resident nowhere,
 *	and its image does not change between the calls that read one image
 *	(DOC: Context images).  Process context; the vGPU lock held.
 * @ctx_restore: take @len bytes of an image @ctx_save made, for offset
 *	@off: pieces come in order from 0 (a piece at 0 starts a new image);
 *	@len is at most PAGE_SIZE, but @off and @len follow the stream's
 *	pieces and may have any alignment.  The backend may check what it can
 *	already: 0, -EINVAL with *@why set to a static string saying what is
 *	wrong (the pieces taken are then dropped), or -ENOMEM; the image takes
 *	effect only at @ctx_restore_end.  What
 *	the backend allocates to stage pieces (up to @ctx_image_max, the
 *	stream's to choose) is the tenant's: GFP_KERNEL_ACCOUNT.  It does
 *	not run and is resident nowhere.  Process context; the core's vGPU
 *	lock held.
 *
 * @ctx_image_size: the bytes of the context's image now, at most
 *	@ctx_image_max.  It does not run and is resident nowhere.  Called
 *	before every @ctx_save too: while the context is frozen it must be
 *	cheap and return the same value.  A value above @ctx_image_max is
 *	the backend's bug: a warning, -EIO, and the migration fails.
 * @ctx_restore_end: the pieces @ctx_restore took are the whole image, of
 *	@size bytes (it may be called with @size 0 and no pieces taken):
 *	check it as untrusted input (it may come from another host's
 *	migration stream) and load it: 0, or -EINVAL with *@why set to
 *	a static string that says what was wrong (the state is then as after
 *	@ctx_reset).  The core calls @ctx_set_ring with the ring it latched
 *	just before: an image whose ring (base, size, tail) is another one is
 *	refused.  It does not run and is resident nowhere.  Process context;
 *	the vGPU lock held.
 * @ctx_pin: optional.  Guest pages were pinned for @bctx's address space:
 *	@n pages from guest IOVA @iova, consecutive, none of them mapped by a
 *	page-table entry yet.  A hardware backend maps them for DMA here.
 *	The hook carries no access direction: a page is handed over once,
 *	when it joins the context's pinned pages, whether pinned for reading
 *	only or for writing (a page pinned again for writing is not handed
 *	over again).  A backend must let the GPU write only pages the page
 *	table maps writable; it cannot learn that here, so it must enforce
 *	the page table's permissions on each access (as the software GPU's
 *	MMU walk does) - a hardware backend that can only map for DMA
 *	read-write needs the direction, which this hook does not give.
 *	Called with the context's pin lock held (a dma_unmap of the range
 *	waits for it), from the vGPU's host worker or a migration: may
 *	sleep for memory, must not call into VFIO nor wait for what does.
 *	The context may be running or resident on an engine meanwhile (a
 *	MAP into another context's table).  0, or -errno: the core then
 *	unpins the pages and the MAP fails with MVGPU_ERR_BAD_MAP, reason
 *	MVGPU_MAP_ERR_PIN (a migration's stream is refused: the memory cannot
 *	be pinned).
 * @ctx_unpin: optional.  The core is about to unpin @n consecutive pages
 *	from IOVA @iova that it handed to @ctx_pin: no entry maps them any
 *	more and the change that unmapped them has been flushed (DOC:
 *	Page-table changes), so no access uses them.  A hardware backend drops
 *	its DMA mappings here.  Every page @ctx_pin took is handed back once,
 *	before the pin goes - at an UNMAP, a dma_unmap, a reset, a context's
 *	destruction.  Never under the context's pin lock nor a spinlock; the
 *	vGPU's lock may be held (a reset, a migration) or its contexts-table
 *	lock (&mvgpu_vgpu.ctxs_lock, in a dma_unmap, itself under VFIO's
 *	device-list lock): must not take either, wait for what does, nor
 *	call into VFIO.  The context may be running or resident on an
 *	engine meanwhile (a dma_unmap).
 * @ctx_run_direct: run @n commands to completion on the caller's thread,
 *	outside any ring and scheduler (the mediated-vs-direct benchmark
 *	baseline): 0, -EIO on a fault, -EOPNOTSUPP for a command that needs
 *	the host, -ECANCELED if @stop became true, -EINTR on a fatal signal.
 *	The context is resident nowhere (the core evicts it first).
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
	u64 ctx_image_max;

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
	void (*ctx_flush)(struct mvgpu_bctx *bctx, u64 va, u64 size);
	int (*ctx_save)(struct mvgpu_bctx *bctx, u64 off, void *buf,
			size_t len);
	int (*ctx_restore)(struct mvgpu_bctx *bctx, u64 off, const void *buf,
			   size_t len, const char **why);
	u64 (*ctx_image_size)(struct mvgpu_bctx *bctx);
	int (*ctx_restore_end)(struct mvgpu_bctx *bctx, u64 size,
			       const char **why);
	int (*ctx_pin)(struct mvgpu_bctx *bctx, u64 iova, struct page **pages,
		       unsigned int n);
	void (*ctx_unpin)(struct mvgpu_bctx *bctx, u64 iova,
			  struct page **pages, unsigned int n);
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
