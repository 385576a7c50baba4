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
#include <mvgpu/backend_core.h>

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
 * The core decides the GPU's shape: struct mvgpu_gpu_config gives the
 * number of engines and the VRAM size, from the module parameters
 * ``engines`` and ``vram_mb``, and the backend provides that many engines,
 * all alike.  The core has no engine classes (copy, compute, graphics): it
 * runs any context on any engine, and a context's next run may be on
 * another engine than its last.  A backend that cannot provide what it is
 * asked for refuses in &mvgpu_backend_ops.gpu_create.
 *
 * A context is run asynchronously, as hardware runs it:
 *
 * 1. The core picks a context for an idle engine and its submit worker
 *    calls &mvgpu_backend_ops.run, which starts the run; it may sleep (a
 *    firmware RPC, a ring write and a fence wait) but should not wait for
 *    the run to end.
 * 2. The backend runs the context's ring until it is empty, a WAIT is not
 *    satisfied, a command needs the host (a MAP of guest memory) or memory
 *    it could only have by waiting, a command faults (the watchdog
 *    included: the backend enforces it, struct mvgpu_gpu_config), or the
 *    core asks for the engine back - the engine's struct mvgpu_preempt_req,
 *    and &mvgpu_backend_ops.preempt if the backend has one (the slice
 *    ended, a higher level arrived, or a reset wants the context).  An
 *    engine never sleeps on a tenant's behalf: not for its memory, not for
 *    its guest pages.
 * 3. It then calls the core's &mvgpu_core_ops.ctx_stopped, once, with a
 *    struct mvgpu_stop saying why, how far the ring got and how much engine
 *    time the run used; from then on it does not touch the context until
 *    the next run.  A hardware backend calls it from its completion or
 *    preemption interrupt, the software backend from its engine thread;
 *    the core may decide the next run from inside it.  It may come before
 *    &mvgpu_backend_ops.run has returned.
 *
 * The calls that start and stop runs - &mvgpu_backend_ops.run,
 * &mvgpu_backend_ops.preempt, &mvgpu_backend_ops.engine_reset,
 * &mvgpu_backend_ops.ctx_load and &mvgpu_backend_ops.ctx_evict - come from
 * the core's submit worker (DOC: Submission): process context, may sleep,
 * no core lock held.  The core decides under its scheduler spinlock, from
 * any context (a doorbell, a report, the slice timer's hardirq), and the
 * worker carries the decisions down in order, one call at a time per GPU:
 * a run before any preempt or engine reset of that run; a preempt or
 * engine reset for a run that has ended by the time the worker gets to it
 * is dropped (one taken just before the engine gave its context back on
 * its own reaches an idle engine, where it must do nothing).  The worker
 * runs at a real-time priority, above any thread of a software backend.  A
 * preemption is also published at once in memory (struct
 * mvgpu_preempt_req); a backend whose engines watch it needs no
 * &mvgpu_backend_ops.preempt.  That memory is a kernel struct, which the
 * CPU polls: a GPU whose firmware stops the engine cannot see it, so a
 * firmware backend implements &mvgpu_backend_ops.preempt.
 *
 * An engine may keep some contexts *resident* - loaded, cheap to switch
 * to - besides the one it runs (&mvgpu_backend_ops.nr_resident).  One
 * context still runs on an engine at a time, so engine time stays what
 * shares are made of; a firmware that time-slices its resident contexts on
 * its own is not supported - it must run only the context of the last
 * &mvgpu_backend_ops.run until it is asked back.  The core chooses which
 * are resident: before a run of a context that is not resident on that
 * engine it calls &mvgpu_backend_ops.ctx_evict for the least recently run
 * one if the engine is full (and for the context itself on another engine
 * where it is resident: a context is resident on one engine at most), then
 * &mvgpu_backend_ops.ctx_load.  A context that stops for a reset, a
 * migration or its destruction is evicted first, and the worker is done
 * with every call naming it: &mvgpu_backend_ops.ctx_reset,
 * &mvgpu_backend_ops.ctx_destroy, &mvgpu_backend_ops.ctx_run_direct and
 * the image ops (&mvgpu_backend_ops.ctx_image_size,
 * &mvgpu_backend_ops.ctx_save, &mvgpu_backend_ops.ctx_restore,
 * &mvgpu_backend_ops.ctx_restore_end) never see a resident context, nor
 * one a call of the worker is still using.
 *
 * The memory hooks are not the worker's: &mvgpu_backend_ops.ctx_flush,
 * &mvgpu_backend_ops.ctx_pin and &mvgpu_backend_ops.ctx_unpin follow the
 * core's page-table changes and pins, from its host worker, a reset, a
 * migration or VFIO's dma_unmap, in process context.  They may name a
 * context that is resident or running on an engine, at the same moment as
 * the worker's run, load or eviction of it: the backend serialises the two
 * itself, and a flush of a resident context reaches whatever an engine
 * keeps of it.  The worker takes no core mutex (only spinlocks: the
 * scheduler's, a vGPU's interrupt lock), so a memory hook may wait for a
 * call the worker is making; it must not wait for the worker's next call
 * (a preempt) while holding a lock of the backend's that a call of the
 * worker takes.
 *
 * Calls naming one context overlap only so:
 *
 * - the worker's come one at a time;
 * - &mvgpu_backend_ops.ctx_set_ring may come at any moment from a doorbell
 *   on another CPU - while the context runs (on an engine or in
 *   &mvgpu_backend_ops.ctx_run_direct), during the worker's load or
 *   eviction of it, during &mvgpu_backend_ops.ctx_host_done - but not while
 *   it is stopped for a reset or frozen for a migration (the migration's
 *   own call before &mvgpu_backend_ops.ctx_restore_end aside);
 * - the memory hooks may come at any moment between
 *   &mvgpu_backend_ops.ctx_create and &mvgpu_backend_ops.ctx_destroy;
 * - &mvgpu_backend_ops.ctx_host_done comes from the vGPU's host worker
 *   while the context waits for it (after its MVGPU_STOP_HOST, before it
 *   is queued again): never during a run or a load of it, but an eviction
 *   of it, to make room for another, may come meanwhile;
 * - ctx_reset, ctx_destroy, ctx_run_direct and the image ops of a context
 *   come one at a time, and none of them during a call of the worker on it.
 *
 * The calls up (struct mvgpu_core_ops) take only the core's spinlocks -
 * the scheduler's and a vGPU's interrupt lock, irq-safe - and make no call
 * down, so a backend may make them from any context, an interrupt
 * handler's included, and with its own locks held - except a lock that its
 * &mvgpu_backend_ops.ctx_set_ring takes: the core calls that with the same
 * spinlocks held, so such a lock held across a call up deadlocks against a
 * doorbell (and ctx_set_ring itself must make no call up).
 *
 * An engine reset may lose resident contexts besides the one it stops:
 * before &mvgpu_backend_ops.engine_reset returns, the backend reports each
 * one whose state it lost with &mvgpu_core_ops.ctx_lost, and the core stops
 * it with MVGPU_ERR_CONTEXT_LOST; it reports the context the engine ran
 * with &mvgpu_core_ops.ctx_stopped, as MVGPU_ERR_TIMEOUT.  A context lost
 * at any other time (a firmware crash, a whole-GPU reset, an eviction that
 * failed) has no report: not supported yet.
 *
 * Between runs the context's whole engine state is the backend's, and the
 * core never looks inside; &mvgpu_backend_ops.ctx_reset returns it to
 * power-on.  A migration moves it as the context's *image*, whose size is
 * the backend's (&mvgpu_backend_ops.ctx_image_size, at most
 * &mvgpu_backend_ops.ctx_image_max - megabytes, for a GPU whose firmware
 * saves a context into VRAM): &mvgpu_backend_ops.ctx_save reads it,
 * &mvgpu_backend_ops.ctx_restore takes it back a piece at a time and
 * &mvgpu_backend_ops.ctx_restore_end checks and loads the whole.  An image
 * of up to 4 KiB travels whole; a larger one in pieces, so that neither
 * the core nor the migration stream ever holds it whole (DOC: Context
 * images).
 *
 * The GPU page table is the core's (struct mvgpu_aspace in
 * ``drivers/mm/aspace.h``; ``drivers/mm/aspace.c``, DOC: Address space):
 * the backend's MMU walks it - the software backend through
 * mvgpu_aspace_translate(), a hardware backend by mirroring it - and
 * executes MAP and UNMAP of VRAM through the aspace functions, which check
 * them.  A backend may call mvgpu_aspace_translate(), mvgpu_aspace_walk(),
 * mvgpu_aspace_map_vram(), mvgpu_aspace_unmap_some() and
 * mvgpu_aspace_refill(), which take the address space's lock, a mutex:
 * process context only, never under a spinlock (so not in
 * &mvgpu_backend_ops.ctx_set_ring nor an interrupt handler);
 * mvgpu_aspace_refill() may wait for memory, so never on an engine nor
 * with a lock its flush waits for.  That lock is innermost (the core's
 * order is: pin lock, then what the backend takes in its flush and pin
 * hooks, then the address space's lock), so a backend may hold its own
 * locks across these calls.  mvgpu_aspace_gen() and
 * mvgpu_aspace_sysmem_page() take no lock: any context.  The other
 * mvgpu_aspace_*() functions are the core's.  Every change the core makes
 * to a context's table reaches the backend with its range
 * (&mvgpu_backend_ops.ctx_flush, DOC: Page-table changes).  Guest memory
 * is pinned by the core, which hands each page to the backend when it is
 * pinned and before it is unpinned (&mvgpu_backend_ops.ctx_pin,
 * &mvgpu_backend_ops.ctx_unpin: where a hardware backend maps it for DMA);
 * the backend reaches a guest page only through mvgpu_aspace_sysmem_page()
 * while a page-table entry maps it.
 *
 * Optional ops, which the core checks for NULL: &mvgpu_backend_ops.preempt,
 * &mvgpu_backend_ops.engine_reset, &mvgpu_backend_ops.ctx_load and
 * &mvgpu_backend_ops.ctx_evict (which a backend with
 * &mvgpu_backend_ops.nr_resident 0 leaves out),
 * &mvgpu_backend_ops.ctx_pin, &mvgpu_backend_ops.ctx_unpin,
 * &mvgpu_backend_ops.ctx_run_direct and &mvgpu_backend_ops.timestamp (not
 * called by the core yet).  The core calls every other op without a
 * check.
 *
 * Calling context, unless an op says otherwise: process context, may sleep,
 * no core lock held.
 */

/**
 * define MVGPU_WATCHDOG_MAX_MS - the largest watchdog a GPU may have
 *
 * The top of the module parameter ``watchdog_ms``: a bound on the engine
 * time of a command in flight that any migration source saves, which a
 * backend checks an image against (&mvgpu_backend_ops.ctx_restore_end).
 */
#define MVGPU_WATCHDOG_MAX_MS	600000

/**
 * DOC: Context images
 *
 * A context's image is the backend's record of its engine state: for the
 * software GPU a struct of a few hundred bytes, for a GPU with firmware
 * the context save area the firmware writes into VRAM (registers, the
 * ring's state, local memory of the work in flight: megabytes).  Its size
 * is the backend's to say, per context (&mvgpu_backend_ops.ctx_image_size),
 * up to a bound the backend declares for all of its contexts
 * (&mvgpu_backend_ops.ctx_image_max); no uapi constant limits it but the
 * stream's length field: at most U32_MAX bytes.
 *
 * A migration's source sizes each frozen context's image at STOP_COPY, and
 * the image then takes one of two paths (``drivers/vfio/mig_ctx.c``,
 * ``uapi/mvgpu_migration.h``):
 *
 * - An image of at most MVGPU_MIG_CONTEXT_MAX (4096) bytes is read whole
 *   at STOP_COPY, with one &mvgpu_backend_ops.ctx_save of all of it into a
 *   kernel buffer, and travels whole in its context's section.  The
 *   destination keeps it until the device leaves RESUMING, then hands it
 *   to one &mvgpu_backend_ops.ctx_restore at offset 0.
 * - A larger image is only sized at STOP_COPY, and read as the stream is
 *   read, in CTX_IMAGE sections of at most MVGPU_MIG_IMAGE_PIECE (64 KiB),
 *   each read with &mvgpu_backend_ops.ctx_save a page (PAGE_SIZE bytes) at
 *   a time; a reset of the context meanwhile ends the stream.  The
 *   destination hands each piece to &mvgpu_backend_ops.ctx_restore as it
 *   arrives, a page at most at a time: the core never holds it whole.
 *
 * Either way &mvgpu_backend_ops.ctx_image_size is called again before
 * every &mvgpu_backend_ops.ctx_save, and &mvgpu_backend_ops.ctx_restore
 * gets the pieces in order, from offset 0, contiguous.  Once the whole
 * stream has arrived and been checked, the core hands the backend the
 * context's ring (&mvgpu_backend_ops.ctx_set_ring) and calls
 * &mvgpu_backend_ops.ctx_restore_end with the image's length: only then
 * does the backend check the image as a whole, as untrusted input, and
 * load it.  Until then the context's engine state is as
 * &mvgpu_backend_ops.ctx_reset left it; a reset drops pieces taken so far
 * (a refused stream ends with a reset).
 *
 * A context that a fault or an engine reset stopped is saved like any
 * other: the core carries that it is stopped, with its registers, itself,
 * and the destination runs it only after its guest resets it
 * (&mvgpu_backend_ops.ctx_reset).  Its image is whatever the backend holds
 * of it - for a lost context, what the reset left, with no command in
 * flight - and must still be one the backend's
 * &mvgpu_backend_ops.ctx_restore_end accepts: &mvgpu_backend_ops.ctx_save
 * has no error for "lost".
 */

/**
 * define MVGPU_BCTX_PRIVILEGED - a flag of &mvgpu_backend_ops.ctx_create
 *
 * The context may change page tables and contexts (a vGPU's context 0):
 * MAP, UNMAP and the CTX_* commands.  The backend refuses those commands
 * from any other context with MVGPU_ERR_PRIVILEGED.
 */
#define MVGPU_BCTX_PRIVILEGED	BIT(0)

/**
 * DOC: Page-table changes
 *
 * The core changes a context's page table for commands it carries out (a
 * MAP of guest memory, a MAP or UNMAP naming another context), when VFIO
 * unmaps guest memory (dma_unmap), at a reset and when a migration loads
 * the table, and after each change calls &mvgpu_backend_ops.ctx_flush
 * with the context and the range of GPU VA that changed:
 *
 * - a MAP of guest memory: each piece it pins and maps, up to 512 pages
 *   (2 MiB) at a time, as it goes - not the MAP's whole range at once;
 * - a MAP of VRAM into another context's table: its range, once it is
 *   mapped (a MAP that fails is not flushed: it removed nothing);
 * - an UNMAP of another context's table: the part of its range it got
 *   through (all of it, unless it failed on the way);
 * - a dma_unmap: the span of the entries it removed (from the first to
 *   the end of the last: a bounding range, as an IOMMU's TLB gather is);
 * - a reset, or a migration's clearing of the table: the whole VA space;
 *   a migration's mapping of a run of the stream: that run.
 *
 * A backend that mirrors the table updates its copy there and invalidates
 * its TLBs for that range only.  Changes a backend makes for its own
 * commands (MAP of VRAM, UNMAP of the running context's own table) are its
 * own to flush.  After a backend's own call to mvgpu_aspace_unmap_some()
 * (or another mvgpu_aspace_unmap_*()), which flushes nothing itself, the
 * core may unpin the pages it unmapped at once (its host worker, a
 * dma_unmap), without calling &mvgpu_backend_ops.ctx_flush: no access of
 * the context may run between that call and the backend's invalidation of
 * the range.
 *
 * Only the changes the core makes are followed by a flush before their
 * guest pages are unpinned; so &mvgpu_backend_ops.ctx_unpin finds no
 * access still using a page those changes unmapped.
 */

/**
 * struct mvgpu_backend_ops - a GPU, as the core drives it
 * @name: for logs
 * @ctx_image_max: the largest image (@ctx_image_size) any context of this
 *	backend has, on any GPU it drives: a migration stream that declares a
 *	larger one is refused before any of it is taken
 *
 * @gpu_create: bring up a GPU of the shape ``cfg`` says (struct
 *	mvgpu_gpu_config, valid during this call only), or refuse.  ``core``
 *	and ``gpu`` are for the calls up, valid until @gpu_destroy returns.
 *	It makes no call up: no context exists yet, and the core sets up its
 *	scheduler only after it returns.  From the GPU's probe (module load):
 *	no lock held.  Returns the backend's GPU or an ERR_PTR().
 * @gpu_destroy: tear it down.  Every vGPU is gone (each context destroyed,
 *	each VRAM block freed), the core's timers are cancelled and its submit
 *	worker has made its last call: no call down comes during or after it.
 *	The backend stops whatever of its own still runs (threads, interrupts,
 *	firmware) and makes no call up from the moment it is called, and
 *	frees everything: the core frees the GPU, the memory of
 *	&mvgpu_gpu_config.preempt_req with it, once it returns.  Also right
 *	after @gpu_create if the core's own set-up fails.  No lock held.
 *
 * @vram_create: memory for a vGPU's VRAM, whose place in the GPU's VRAM
 *	the core has allocated (``alloc``: struct mvgpu_pool_alloc, declared
 *	in ``drivers/mm/pool.h``: ``chunks``, the VRAM offset of each
 *	MVGPU_POOL_CHUNK piece in order, ``nr_chunks`` of them, ``size``
 *	bytes in all; it stays valid until @vram_destroy has returned).  Returns a block or an
 *	ERR_PTR().  At the vGPU's creation; no lock held.
 * @vram_destroy: free a block; nothing maps it.  At the vGPU's removal; no
 *	lock held.
 * @vram_open: the vGPU was opened: from now on user mappings may be made,
 *	memory the block allocates is charged to ``memcg`` (the opener's), and
 *	work the backend does for the vGPU off its engines (getting memory)
 *	runs on ``worker``, a kernel thread in the opener's cgroups, so that
 *	its CPU time is the VM's (kthread_queue_work()).  No lock held.
 * @vram_close: the vGPU's last file and mapping are gone.  No lock held.
 * @vram_rw: CPU access (pread/pwrite of BAR2): bytes done or -errno.  No
 *	lock held.
 * @vram_mmap: map part of the block into user space; the VMA's offset is
 *	relative to the block's start.  The mapping must keep working (or
 *	refault) across @vram_scrub.  Called with mmap_lock held.
 * @vram_scrub: zap every user mapping and zero the block.  No context of
 *	the vGPU runs, and each has been through @ctx_reset since it last ran.
 *	At every full reset of the vGPU (a guest's or the VMM's, a migration's
 *	reset), with the core's vGPU lock held.
 * @vram_backed: bytes of the block that take memory now.  From sysfs
 *	reads: the vGPU's with no lock held, the GPU's total under the
 *	spinlock of the core's table of vGPUs - so it must not sleep.
 * @vram_next_backed: the offset of the first page at or after ``off`` (4 KiB
 *	aligned) that takes memory, or U64_MAX if none: the pages a
 *	migration copies.  The vGPU's contexts do not run.  From a migration
 *	data file's read, under that file's own locks (not the vGPU lock),
 *	with page faults disabled: it touches kernel memory only.
 * @vram_page_read: copy the 4 KiB page at ``off`` (aligned) into ``buf``,
 *	kernel memory; a page that takes no memory reads as zeros and stays
 *	so.  0, or -EINVAL for an offset outside the block.  As
 *	@vram_next_backed.
 * @vram_page_write: copy ``buf`` (4 KiB of kernel memory) into the page at
 *	``off`` (aligned), backing it if it takes no memory yet - charged as a
 *	tenant's touch to the memory cgroup given at @vram_open.  0, -EINVAL
 *	for an offset outside the block, -ENOMEM.  The block is open; the
 *	vGPU's contexts do not run.  From a migration data file's write,
 *	as @vram_next_backed.
 *
 * @ctx_create: a context of the vGPU that owns ``vram``, whose GPU
 *	addresses ``as`` translates (it stays bound until @ctx_destroy);
 *	``ctx`` is the core's context, for the calls up; ``flags``
 *	MVGPU_BCTX_*.  Returns the backend's or an ERR_PTR().  At the vGPU's
 *	creation (context 0) and on its host worker (CTX_CREATE), no lock
 *	held; in a migration (leaving RESUMING, or the first piece of an
 *	image), with the core's vGPU lock held.
 * @ctx_destroy: free it; it does not run and is resident nowhere.  On the
 *	vGPU's host worker (CTX_DESTROY) and at the vGPU's removal, no lock
 *	held; at a full reset of the vGPU (which destroys every context but
 *	0), with the vGPU lock held.
 * @ctx_reset: engine state back to power-on (ring forgotten, command in
 *	flight dropped, image pieces taken dropped).  It does not run and is
 *	resident nowhere.  Work the backend still does for it off the engine
 *	(memory a step waits for) is over when this returns.  With the core's
 *	vGPU lock held: a full reset, an engine reset (``ENG!``), a context's
 *	RESET, a migration whose image is refused, and a context's destruction
 *	at a full reset.  Without it: a context's destruction on the host
 *	worker (CTX_DESTROY) or at the vGPU's removal.
 * @ctx_set_ring: the ring the next run executes (GPU VA, bytes, tail).
 *	Any context: a doorbell calls it with the core's scheduler spinlock
 *	and the vGPU's interrupt lock held, irqs off, so it must not sleep -
 *	the one call down still made under a core spinlock - and must make no
 *	call up (they take those locks), nor take a lock the backend holds
 *	across a call up.  It may be called while the context runs, or while
 *	the submit worker is about to issue its @run or is loading or evicting
 *	it: the backend must see the new tail no later than at its next look
 *	at it.  A migration calls it too, just before @ctx_restore_end, with
 *	the vGPU lock held.
 * @ctx_host_done: the core's answer to an MVGPU_STOP_HOST: ``result->code``
 *	0 on success, else the fault the command takes.  Before the next run,
 *	on the vGPU's host worker, no lock held; an eviction of the context
 *	(@ctx_evict) may come at the same time.
 * @ctx_flush: the core changed the context's page table in [``va``,
 *	``va`` + ``size``) (DOC: Page-table changes): from now on no access of
 *	the context may use a translation the table no longer holds there,
 *	and one it gained is seen; returns once every access that might have
 *	used a stale one is over (a ranged TLB shootdown).  May sleep for one
 *	step.  Called from the vGPU's host worker, a reset, a migration or
 *	VFIO's dma_unmap, with or without the context's pin lock held (with
 *	it: a MAP of guest memory, a reset, a dma_unmap, a migration's
 *	clearing; without: a MAP of VRAM or an UNMAP into another context's
 *	table, a migration's mapping of a run), and possibly the vGPU's lock
 *	too (reset, migration) or the vGPU's contexts-table lock (dma_unmap,
 *	under VFIO's device-list lock): it must take none of these, nor wait
 *	for anything that does, and must not call into VFIO.  Never from the
 *	submit worker: the context may be running or resident on an engine
 *	meanwhile, and what the engine keeps of it is flushed too (DOC:
 *	Backend contract).
 * @ctx_save: copy ``len`` bytes of the context's image from offset ``off``
 *	(``off`` + ``len`` at most @ctx_image_size) into ``buf``, kernel
 *	memory: 0, or -EINVAL for a range outside the image.  A migration
 *	reads an image of up to 4 KiB with one call for all of it, a larger
 *	one a page at a time (DOC: Context images).  It does not run and is
 *	resident nowhere, and its image does not change between the calls
 *	that read one image.  Process context; the vGPU lock held (and, for a
 *	larger image, the data file's locks, page faults disabled).
 * @ctx_restore: take ``len`` bytes of an image @ctx_save made, for offset
 *	``off``: pieces come in order from 0 (a piece at 0 starts a new
 *	image); ``len`` is at most PAGE_SIZE (an image of up to 4 KiB comes in
 *	one piece), but ``off`` and ``len`` follow the stream's pieces and
 *	may have any alignment.  The backend may check what it can already:
 *	0, -EINVAL with ``*why`` set to a static string saying what is wrong
 *	(the pieces taken are then dropped), or -ENOMEM; the image takes
 *	effect only at @ctx_restore_end.  What the backend allocates to stage
 *	pieces (up to @ctx_image_max, the stream's to choose) is the tenant's:
 *	GFP_KERNEL_ACCOUNT.  It does not run and is resident nowhere.
 *	Process context; the core's vGPU lock held (and, for a larger image,
 *	the data file's locks, page faults disabled).
 *
 * @ctx_image_size: the bytes of the context's image now, at most
 *	@ctx_image_max.  It does not run and is resident nowhere.  Called
 *	before every @ctx_save too: while the context is frozen it must be
 *	cheap and return the same value.  A value above @ctx_image_max is
 *	the backend's bug: a warning, -EIO, and the migration fails.  The
 *	vGPU lock held.
 * @ctx_restore_end: the pieces @ctx_restore took are the whole image, of
 *	``size`` bytes: check it as untrusted input (it may come from another
 *	host's migration stream) and load it: 0, or -EINVAL with ``*why`` set
 *	to a static string that says what was wrong (the core then calls
 *	@ctx_reset).  The core calls @ctx_set_ring with the ring it latched
 *	just before: an image whose ring (base, size, tail) is another one is
 *	refused.  ``size`` may be 0 with no pieces taken: a stream whose
 *	source said its image was empty.  A backend whose images are never
 *	empty refuses that as any other image it did not make (the software
 *	GPU does); one that keeps nothing per context takes it, as the state
 *	after @ctx_reset.  It does not run and is resident nowhere.  Process
 *	context; the vGPU lock held.
 * @ctx_pin: optional.  Guest pages were pinned for the context's address
 *	space: ``n`` pages from guest IOVA ``iova``, consecutive, none of them
 *	mapped by a page-table entry yet.  A hardware backend maps them for
 *	DMA here.  The hook carries no access direction: a page is handed over
 *	once, when it joins the context's pinned pages, whether pinned for
 *	reading only or for writing (a page pinned again for writing is not
 *	handed over again).  A backend must let the GPU write only pages the
 *	page table maps writable; it cannot learn that here, so it must
 *	enforce the page table's permissions on each access (as the software
 *	GPU's MMU walk does) - a hardware backend that can only map for DMA
 *	read-write needs the direction, which this hook does not give.  Called
 *	with the context's pin lock held (a dma_unmap of the range waits for
 *	it), from the vGPU's host worker or a migration (the vGPU lock held
 *	too): may sleep for memory, must not call into VFIO nor wait for what
 *	does.  The context may be running or resident on an engine meanwhile
 *	(a MAP into another context's table).  0, or -errno: the core then
 *	unpins the pages and the MAP fails with MVGPU_ERR_BAD_MAP, reason
 *	MVGPU_MAP_ERR_PIN_LIMIT for -ENOSPC (as over the vGPU's pinning
 *	limit), MVGPU_MAP_ERR_PIN for any other error; a migration's stream is
 *	refused (the memory cannot be pinned).  Pins and unpins of one IOVA:
 *	a page is handed to ctx_pin once while the core holds it pinned, and
 *	back to @ctx_unpin once it has left the core's pinned pages - but
 *	@ctx_unpin runs without the pin lock, so a new ctx_pin of the same
 *	IOVA (pinned again) is not ordered after it by any lock: key DMA
 *	mappings by the pages handed over, or count them per IOVA.
 * @ctx_unpin: optional.  The core is about to unpin ``n`` consecutive pages
 *	from IOVA ``iova`` that it handed to @ctx_pin: no entry maps them any
 *	more and the change that unmapped them has been flushed (DOC:
 *	Page-table changes), so no access uses them.  A hardware backend drops
 *	its DMA mappings here.  Every page @ctx_pin took is handed back once,
 *	before the pin goes - at an UNMAP, a dma_unmap, a reset, a context's
 *	destruction.  Never under the context's pin lock nor a spinlock; the
 *	vGPU's lock may be held (a reset, a migration) or the lock of its
 *	table of contexts (in a dma_unmap, itself under VFIO's device-list
 *	lock): must not take either, wait for what does, nor call into VFIO.
 *	The context may be running or resident on an engine meanwhile (a
 *	dma_unmap).
 * @ctx_run_direct: optional.  Run ``n`` commands to completion on the
 *	caller's thread, outside any ring and scheduler (the mediated-vs-direct
 *	benchmark baseline, debugfs ``direct``): 0, -EIO on a fault,
 *	-EOPNOTSUPP for a command that needs the host, -ECANCELED if ``*stop``
 *	became true, -EINTR on a fatal signal.  The context is resident
 *	nowhere (the core evicts it first).  No lock held.  Without it, a
 *	write to ``direct`` fails with -EOPNOTSUPP.
 *
 * @run: start running the context on ``engine``, which is idle; see DOC:
 *	Backend contract.  From the submit worker: may sleep.  With
 *	@nr_resident, the context is resident on that engine (@ctx_load came
 *	first).
 * @preempt: optional.  Ask ``engine`` to give its context back soon (at its
 *	next preemption point); calling it again, or for an idle engine, does
 *	no harm.  From the submit worker: may sleep.  A backend whose engines
 *	watch their struct mvgpu_preempt_req at every preemption point may
 *	leave it out: without it the core asks there only.  A backend whose
 *	firmware stops the engine needs it (the request in memory is the
 *	CPU's).
 * @engine_reset: optional.  ``engine`` was asked to preempt and has not
 *	given its context back within the preemption timeout (the GPU's
 *	watchdog, &mvgpu_gpu_config.watchdog_ms, counted from the core's first
 *	request in the run): stop it now, dropping the command in flight, and
 *	report the context with &mvgpu_core_ops.ctx_stopped,
 *	MVGPU_STOP_FAULT, MVGPU_ERR_TIMEOUT (ERROR_INFO the command's opcode,
 *	FAULT_ADDR its ring address, ``head`` its ring offset).  That report
 *	may come before this returns or later (from the reset's interrupt);
 *	until it comes the core keeps the engine, and calls engine_reset
 *	again every watchdog_ms - the backend must cope with a reset of an
 *	engine it is still resetting.  The core's other contexts and engines
 *	go on.  A resident context whose state the reset loses is reported
 *	with &mvgpu_core_ops.ctx_lost before this returns.  An engine that
 *	gave its context back meanwhile (the report raced with the call) is
 *	idle: the backend then resets nothing.  From the submit worker: may
 *	sleep (and wait for the reset).  Without it the core never resets an
 *	engine: an engine that does not give its context back holds it for
 *	good.  The software backend has none: its steps are bounded
 *	(``drivers/backend/sw/exec.c``, DOC: Preemption points) and never wait
 *	for memory (``drivers/backend/sw/gmem.c``, DOC: Memory off the
 *	engine), so only a host that does not run its thread can delay it,
 *	which a reset would not cure.
 * @nr_resident: how many contexts each engine keeps resident (loaded,
 *	cheap to switch to), the one it runs included; one value for the ops
 *	table, so for every GPU the backend drives.  0: the backend keeps none
 *	between runs - every context is as cheap to switch to as any other
 *	(the software GPU: contexts live in host memory, an engine thread
 *	holds nothing of one between runs) - and the core calls neither
 *	@ctx_load nor @ctx_evict.
 * @ctx_load: optional.  Make the context resident on ``engine`` (which has
 *	room: the core evicted one first if needed); @run of it follows.  From
 *	the submit worker: may sleep.
 * @ctx_evict: optional.  The context, resident on ``engine`` and not
 *	running, is resident no longer: save what the engine holds of it.  The
 *	engine may be running another context.  From the submit worker: may
 *	sleep.  It cannot fail.
 * @engine_stats: the engine's counters.  From sysfs and debugfs reads; no
 *	lock held.
 * @engine_stats_clear: start them over (for benchmarks).  No lock held.
 * @timestamp: optional: the GPU's clock, in ns.  Not called by the core
 *	yet (the software GPU and the mock provide it).
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
