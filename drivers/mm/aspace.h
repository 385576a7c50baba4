/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_ASPACE_H_
#define _MVGPU_ASPACE_H_

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "gpt.h"

/**
 * struct mvgpu_pin - one pinned page of guest memory
 * @page: the host page
 * @refs: pages of page-table entries that map it; protected by the address
 *	space's @lock
 * @vfio_refs: vfio_pin_pages() calls to undo with vfio_unpin_pages()
 * @write: pinned for writing
 * @iova: its IOVA, once it has left the address space's @pins to be
 *	unpinned
 * @next: the next of those
 */
struct mvgpu_pin {
	struct page *page;
	unsigned int refs;
	unsigned int vfio_refs;
	bool write;
	u64 iova;
	struct mvgpu_pin *next;
};

/**
 * struct mvgpu_unmap_mark - a thread in VFIO's unmap, until it returns
 * @cb: its task_work, run when the thread returns to user space (or exits)
 * @ref: the task_work's reference and the fence's
 * @returned: the task_work ran (release/acquire)
 */
struct mvgpu_unmap_mark {
	struct callback_head cb;
	refcount_t ref;
	bool returned;
};

/**
 * struct mvgpu_pin_fence - an IOVA range VFIO is unmapping
 * @node: in the address space's @fences
 * @start: first byte
 * @last: last byte
 * @mark: the unmapping thread: the fence holds until it returns; NULL if
 *	it could not be marked, then @until says
 * @until: CLOCK_MONOTONIC ns until which it holds (U64_MAX while the
 *	dma_unmap that made it runs)
 * @seq: the address space's @fence_seq of its dma_unmap
 */
struct mvgpu_pin_fence {
	struct list_head node;
	u64 start;
	u64 last;
	struct mvgpu_unmap_mark *mark;
	u64 until;
	u64 seq;
};

/**
 * struct mvgpu_pin_inflight - a pin under way without the pin lock
 * @node: in the address space's @inflight
 * @start: first byte
 * @last: last byte
 * @seq: the address space's @fence_seq when it started
 */
struct mvgpu_pin_inflight {
	struct list_head node;
	u64 start;
	u64 last;
	u64 seq;
};

/**
 * struct mvgpu_pin_stats - what pinning guest memory met, for debugfs
 * @fenced: pins that found their IOVA being unmapped by VFIO, and waited
 *	for it or were refused
 * @undone: pins VFIO unmapped while they were under way, undone before the
 *	unmap returned
 * @unmap_waits: dma_unmaps that waited for a pin under way
 * @renotified: dma_unmaps that met a fence still holding (VFIO unmapping
 *	more of a range, or calling again)
 * @timed: fences that hold by the clock, not by the unmapping thread's
 *	return (no memory for a marker)
 * @walk_max: most page-table entries one hold of the address space's lock
 *	looked at in an unmap by IOVA
 */
struct mvgpu_pin_stats {
	u64 fenced;
	u64 undone;
	u64 unmap_waits;
	u64 renotified;
	u64 timed;
	u32 walk_max;
};

/**
 * struct mvgpu_aspace_budget - what the address spaces of a vGPU's
 *	contexts share
 * @tables: page-table pages (mvgpu_aspace_max_tables())
 * @pins: guest pages pinned, in all of them
 * @max_pins: most guest pages pinned at once (the vGPU's VRAM size)
 * @bus_master: the vGPU may reach guest memory (PCI_COMMAND_MASTER);
 *	written by the VFIO glue, read without a lock
 */
struct mvgpu_aspace_budget {
	struct mvgpu_gpt_budget tables;
	atomic_long_t pins;
	unsigned long max_pins;
	bool bus_master;
};

/**
 * struct mvgpu_aspace - a GPU address space (a context's): the mediator's record
 *	of what the vGPU may reach, which a backend's MMU walks
 * @lock: protects @gpt and @pins' reference counts; never held while
 *	waiting for anything but memory
 * @gpt: the page table
 * @gen: bumped (under @lock) by every change of @gpt, unique across all
 *	address spaces: a translation cached at an older @gen is stale
 * @vram_size: VRAM a MAP may name: [0, @vram_size)
 * @map_vram: its reset mapping is VRAM at VA 0 (context 0's)
 * @pin_lock: serialises the bookkeeping of pinning and unpinning (never
 *	held across vfio_pin_pages() or vfio_unpin_pages(): DOC: Guest
 *	memory); never taken by an engine
 * @pins: IOVA page number -> struct mvgpu_pin.  Looked up without a lock
 *	(RCU); entries are added under @pin_lock and removed under @pin_lock
 *	and @lock.  MVGPU_PIN_IDLE marks entries nothing maps (refs 0), to be
 *	unpinned.
 * @nr_pins: entries in @pins; protected by @pin_lock (they count in
 *	@budget's pins too)
 * @budget: what it shares with the vGPU's other address spaces: table
 *	pages and pins (its own @own_budget if it has none)
 * @own_budget: the budget of an address space that shares none
 * @fences: IOVA ranges VFIO is unmapping (struct mvgpu_pin_fence), not to
 *	be pinned meanwhile (DOC: Guest memory); protected by @pin_lock
 * @fence_seq: bumped under @pin_lock by every dma_unmap
 * @fence_all_until: while in the future, every IOVA is fenced (a fence
 *	that could not be allocated); protected by @pin_lock
 * @fence_all_seq: @fence_seq when it was set
 * @inflight: pins under way without @pin_lock (struct mvgpu_pin_inflight);
 *	protected by @pin_lock
 * @inflight_ended: bumped (under @pin_lock) whenever a pin under way ends
 * @pin_stats: what pinning met; protected by @pin_lock
 */
struct mvgpu_aspace {
	struct mutex lock;		/* see @lock above */
	struct mvgpu_gpt gpt;
	u64 gen;
	u64 vram_size;
	bool map_vram;
	struct mutex pin_lock;		/* see @pin_lock above */
	struct xarray pins;
	unsigned long nr_pins;
	struct mvgpu_aspace_budget *budget;
	struct mvgpu_aspace_budget own_budget;
	struct list_head fences;
	u64 fence_seq;
	u64 fence_all_until;
	u64 fence_all_seq;
	struct list_head inflight;
	u64 inflight_ended;
	struct mvgpu_pin_stats pin_stats;
};

#define MVGPU_PIN_IDLE	XA_MARK_0

void mvgpu_aspace_budget_init(struct mvgpu_aspace_budget *b, u64 vram_size);
int mvgpu_aspace_init(struct mvgpu_aspace *as, u64 vram_size,
		      struct mvgpu_aspace_budget *budget, bool map_vram);
void mvgpu_aspace_fini(struct mvgpu_aspace *as);
unsigned long mvgpu_aspace_max_tables(u64 vram_size);
int mvgpu_aspace_reset(struct mvgpu_aspace *as);
void mvgpu_aspace_clear(struct mvgpu_aspace *as);
int mvgpu_aspace_walk(struct mvgpu_aspace *as, u64 from,
		      int (*fn)(void *arg, u64 va, u64 target, u64 size,
				u32 flags),
		      void *arg);
int mvgpu_aspace_translate(struct mvgpu_aspace *as, u64 va, u32 access,
			   struct mvgpu_gpt_xlate *x, u64 *gen);
int mvgpu_aspace_map_vram(struct mvgpu_aspace *as, u64 va, u64 target,
			  u64 size, u32 flags, u64 *fault);
int mvgpu_aspace_map_vram_wait(struct mvgpu_aspace *as, u64 va, u64 target,
			       u64 size, u32 flags, u64 *fault);
int mvgpu_aspace_map_sysmem(struct mvgpu_aspace *as, u64 va, u64 iova,
			    u64 size, u32 flags, u64 *fault);
int mvgpu_aspace_unmap_some(struct mvgpu_aspace *as, u64 va, u64 size,
			    unsigned int budget, u64 *done);
int mvgpu_aspace_refill(struct mvgpu_aspace *as);
bool mvgpu_aspace_unmap_iova(struct mvgpu_aspace *as, u64 iova, u64 len,
			     struct mvgpu_gpt_span *gone);
bool mvgpu_aspace_pins_idle(struct mvgpu_aspace *as);

/**
 * mvgpu_aspace_gen() - the address space's generation now
 * @as: the address space
 *
 * Context: any.
 * Return: a value that changes whenever the page table does.
 */
static inline u64 mvgpu_aspace_gen(struct mvgpu_aspace *as)
{
	return READ_ONCE(as->gen);
}

/**
 * mvgpu_aspace_sysmem_page() - the pinned page of a guest IOVA
 * @as: the address space
 * @iova: any byte of the page
 *
 * Context: any; the caller reached @iova through a page-table entry that
 * maps it, in an access the owner's flush (&mvgpu_backend_ops.ctx_flush)
 * waits for, so the pin cannot go meanwhile.
 * Return: the page, or NULL if it is not pinned.
 */
static inline struct page *mvgpu_aspace_sysmem_page(struct mvgpu_aspace *as,
						    u64 iova)
{
	struct mvgpu_pin *pin = xa_load(&as->pins, iova >> PAGE_SHIFT);

	return pin ? pin->page : NULL;
}

#endif /* _MVGPU_ASPACE_H_ */
