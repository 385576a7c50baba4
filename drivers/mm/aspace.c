// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU's GPU address space: the mediator's record of what the vGPU may
 * reach, checked on every change.
 */

#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "aspace.h"
#include "charge.h"

/**
 * DOC: Address space
 *
 * The page table (DOC: GPU page tables) is the mediator's record of what a
 * vGPU may reach; only the functions here change it, after checking the
 * change: a MAP of VRAM names only the vGPU's own VRAM, a MAP of guest
 * memory only pages the caller pinned for it.  A backend's MMU walks it -
 * the software GPU through mvgpu_aspace_translate() and a translation cache
 * tagged with @gen, a hardware backend by mirroring it into its own page
 * tables - and its commands MAP and UNMAP VRAM through these functions.
 *
 * Its tables are charged to the memory cgroup the caller made active and
 * bounded by mvgpu_aspace_max_tables(); every reset returns it to the reset
 * mapping (VRAM at VA 0) and gives back every table beyond that, so each
 * tenant starts with the same budget.
 *
 * Guest memory is pinned by the VFIO glue (DOC: Guest memory) into @pins;
 * each page-table entry that maps a pinned page holds a reference, dropped
 * whatever removes the entry, and a page nothing maps any more is marked
 * MVGPU_PIN_IDLE for the glue to unpin.
 *
 * Locking: @pin_lock -> @lock.  @lock is held only while the page table
 * changes or is walked, never across anything that waits.
 */

static atomic64_t mvgpu_aspace_gens = ATOMIC64_INIT(0);

/* The page table changed: a generation no translation was ever made at. */
static void mvgpu_aspace_changed(struct mvgpu_aspace *as)
{
	lockdep_assert_held(&as->lock);
	WRITE_ONCE(as->gen, atomic64_inc_return(&mvgpu_aspace_gens));
}

/* The gpt's put_sysmem: entries no longer map [iova, iova + size). */
static void mvgpu_aspace_put_pins(void *arg, u64 iova, u64 size)
{
	struct mvgpu_aspace *as = arg;
	unsigned long idx, last = (iova + size - 1) >> PAGE_SHIFT;

	lockdep_assert_held(&as->lock);
	for (idx = iova >> PAGE_SHIFT; idx <= last; idx++) {
		struct mvgpu_pin *pin = xa_load(&as->pins, idx);

		if (WARN_ON_ONCE(!pin || !pin->refs))
			continue;
		if (!--pin->refs)
			xa_set_mark(&as->pins, idx, MVGPU_PIN_IDLE);
	}
}

/**
 * mvgpu_aspace_max_tables() - the page-table budget of a vGPU
 * @vram_size: its VRAM in bytes
 *
 * The root, 64 L1 tables (64 GiB of VA), and L0 tables for twice its VRAM
 * plus 1 GiB of guest memory in 4 KiB pages: so a guest cannot grow host
 * memory without bound, yet can map all its VRAM twice over and then some.
 *
 * Context: any.
 * Return: page-table pages.
 */
unsigned long mvgpu_aspace_max_tables(u64 vram_size)
{
	return MVGPU_GPT_ROOT_TABLES + 64 +
	       2 * (vram_size / MVGPU_GPT_HUGE_SIZE) + 512;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_max_tables);

/*
 * The mapping every reset starts from: VRAM at VA 0, read and write
 * (context 0's); nothing (another context's).
 */
static int mvgpu_aspace_default_map(struct mvgpu_aspace *as)
{
	if (!as->map_vram)
		return 0;
	return mvgpu_gpt_map(&as->gpt, 0, 0, as->vram_size,
			     MVGPU_GPT_READ | MVGPU_GPT_WRITE);
}

/**
 * mvgpu_aspace_budget_init() - the budget of a vGPU's address spaces
 * @b: the budget
 * @vram_size: the vGPU's VRAM: its page tables are mvgpu_aspace_max_tables()
 *	pages at most, its pinned guest memory as much as its VRAM
 *
 * Context: any.
 */
void mvgpu_aspace_budget_init(struct mvgpu_aspace_budget *b, u64 vram_size)
{
	atomic_long_set(&b->tables.used, 0);
	b->tables.max = mvgpu_aspace_max_tables(vram_size);
	atomic_long_set(&b->pins, 0);
	b->max_pins = vram_size >> PAGE_SHIFT;
	b->bus_master = false;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_budget_init);

/**
 * mvgpu_aspace_init() - a new address space
 * @as: the address space
 * @vram_size: the vGPU's VRAM: a MAP may name [0, @vram_size)
 * @budget: the table pages and pins it shares with the vGPU's other
 *	address spaces (its root comes out of it), or NULL: a budget of its
 *	own, as mvgpu_aspace_budget_init() makes it for @vram_size
 * @map_vram: its reset mapping is the vGPU's VRAM at VA 0 (context 0's),
 *	else it is empty
 *
 * Context: process context.
 * Return: 0, -ENOSPC over @budget, or -ENOMEM.
 */
int mvgpu_aspace_init(struct mvgpu_aspace *as, u64 vram_size,
		      struct mvgpu_aspace_budget *budget, bool map_vram)
{
	int ret;

	mutex_init(&as->lock);
	mutex_init(&as->pin_lock);
	xa_init(&as->pins);
	INIT_LIST_HEAD(&as->fences);
	as->fence_seq = 0;
	as->fence_all_until = 0;
	as->fence_all_seq = 0;
	INIT_LIST_HEAD(&as->inflight);
	as->inflight_ended = 0;
	memset(&as->pin_stats, 0, sizeof(as->pin_stats));
	as->nr_pins = 0;
	mvgpu_aspace_budget_init(&as->own_budget, vram_size);
	as->budget = budget ?: &as->own_budget;
	as->vram_size = vram_size;
	as->map_vram = map_vram;
	ret = mvgpu_gpt_init(&as->gpt, &as->budget->tables);
	if (ret)
		goto err_mutex;
	as->gpt.put_sysmem = mvgpu_aspace_put_pins;
	as->gpt.put_arg = as;
	mutex_lock(&as->lock);
	mvgpu_aspace_changed(as);
	ret = mvgpu_aspace_default_map(as);
	mutex_unlock(&as->lock);
	if (ret)
		goto err_gpt;
	return 0;

err_gpt:
	mvgpu_gpt_fini(&as->gpt);
err_mutex:
	mutex_destroy(&as->pin_lock);
	mutex_destroy(&as->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_init);

/**
 * mvgpu_aspace_fini() - free the address space
 * @as: the address space; nothing pinned any more
 *
 * Context: process context.
 */
void mvgpu_aspace_fini(struct mvgpu_aspace *as)
{
	mutex_lock(&as->lock);
	mvgpu_gpt_fini(&as->gpt);
	mutex_unlock(&as->lock);
	WARN_ON_ONCE(as->nr_pins);
	WARN_ON_ONCE(!list_empty(&as->inflight));
	WARN_ON_ONCE(!list_empty(&as->fences));
	xa_destroy(&as->pins);
	mutex_destroy(&as->pin_lock);
	mutex_destroy(&as->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_fini);

/**
 * mvgpu_aspace_reset() - back to the reset mapping
 * @as: the address space
 *
 * Every other mapping goes, and every table they used; the guest pages
 * they mapped become idle (the caller unpins them).
 *
 * Context: process context.
 * Return: 0, or -ENOMEM if the reset mapping could not be made (GPU VA is
 * then empty).
 */
int mvgpu_aspace_reset(struct mvgpu_aspace *as)
{
	int ret;

	mutex_lock(&as->lock);
	mvgpu_gpt_clear(&as->gpt);
	ret = mvgpu_aspace_default_map(as);
	mvgpu_aspace_changed(as);
	mutex_unlock(&as->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_reset);

/**
 * mvgpu_aspace_clear() - unmap everything, the reset mapping too
 * @as: the address space
 *
 * For a migration, which maps what the stream says instead; the guest
 * pages the table mapped become idle (the caller unpins them).
 *
 * Context: process context.
 */
void mvgpu_aspace_clear(struct mvgpu_aspace *as)
{
	mutex_lock(&as->lock);
	mvgpu_gpt_clear(&as->gpt);
	mvgpu_aspace_changed(as);
	mutex_unlock(&as->lock);
}

/**
 * mvgpu_aspace_walk() - every mapping, as runs (mvgpu_gpt_walk())
 * @as: the address space
 * @from: the first VA to look at
 * @fn: called for each run, with @as's lock held: it must not sleep for
 *	anything but memory
 * @arg: its first argument
 *
 * Context: process context.
 * Return: 0, or what @fn returned.
 */
int mvgpu_aspace_walk(struct mvgpu_aspace *as, u64 from,
		      int (*fn)(void *arg, u64 va, u64 target, u64 size,
				u32 flags),
		      void *arg)
{
	int ret;

	mutex_lock(&as->lock);
	ret = mvgpu_gpt_walk(&as->gpt, from, fn, arg);
	mutex_unlock(&as->lock);
	return ret;
}

/**
 * mvgpu_aspace_translate() - where a GPU virtual address goes
 * @as: the address space
 * @va: the address
 * @access: MVGPU_GPT_READ and/or MVGPU_GPT_WRITE, what the access needs
 * @x: the result (see mvgpu_gpt_translate())
 * @gen: set to the generation the translation belongs to
 *
 * Context: process context.
 * Return: 0, -EFAULT if @va is not mapped, -EACCES for a missing permission.
 */
int mvgpu_aspace_translate(struct mvgpu_aspace *as, u64 va, u32 access,
			   struct mvgpu_gpt_xlate *x, u64 *gen)
{
	int ret;

	mutex_lock(&as->lock);
	*gen = as->gen;
	ret = mvgpu_gpt_translate(&as->gpt, va, access, x);
	mutex_unlock(&as->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_translate);

/* mvgpu_aspace_map_vram(), taking tables without waiting if @nowait. */
static int mvgpu_aspace_do_map_vram(struct mvgpu_aspace *as, u64 va,
				    u64 target, u64 size, u32 flags,
				    u64 *fault, bool nowait)
{
	u64 end;
	int ret;

	*fault = target;
	if (check_add_overflow(target, size, &end) || end > as->vram_size)
		return -ERANGE;
	*fault = va;
	mutex_lock(&as->lock);
	as->gpt.nowait = nowait;
	ret = mvgpu_gpt_map(&as->gpt, va, target, size,
			    flags & (MVGPU_GPT_READ | MVGPU_GPT_WRITE));
	as->gpt.nowait = false;
	if (ret == -EEXIST)
		*fault = mvgpu_gpt_first_mapped(&as->gpt, va, size);
	else if (!ret)
		mvgpu_aspace_changed(as);
	mutex_unlock(&as->lock);
	return ret;
}

/**
 * mvgpu_aspace_map_vram() - map GPU VA to the vGPU's own VRAM
 * @as: the address space
 * @va: first GPU virtual address, 4 KiB aligned
 * @target: VRAM offset, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB
 * @flags: MVGPU_GPT_READ / MVGPU_GPT_WRITE
 * @fault: on error, the address to report (see the return values)
 *
 * For an engine: takes no page-table page that needs waiting for memory.
 *
 * Context: process context.
 * Return: 0; -ERANGE if the target is not all the vGPU's VRAM (*@fault:
 * @target); -EEXIST if part of the VA range is mapped (*@fault: the first
 * VA that is); -ENOSPC over the page-table budget, -EAGAIN if a table
 * could not be had without waiting (*@fault: @va; mvgpu_aspace_refill(),
 * then try again); -EINVAL for a malformed request.  On error nothing
 * changed.
 */
int mvgpu_aspace_map_vram(struct mvgpu_aspace *as, u64 va, u64 target,
			  u64 size, u32 flags, u64 *fault)
{
	return mvgpu_aspace_do_map_vram(as, va, target, size, flags, fault,
					true);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_map_vram);

/**
 * mvgpu_aspace_map_vram_wait() - map GPU VA to VRAM, waiting for memory
 * @as: the address space
 * @va: as for mvgpu_aspace_map_vram()
 * @target: as for mvgpu_aspace_map_vram()
 * @size: as for mvgpu_aspace_map_vram()
 * @flags: as for mvgpu_aspace_map_vram()
 * @fault: as for mvgpu_aspace_map_vram()
 *
 * For the host side (a migration maps a whole page table at once), where
 * waiting for memory is fine: the tables are charged to the memory cgroup
 * the caller has made active.
 *
 * Context: process context; may sleep.
 * Return: as mvgpu_aspace_map_vram(), with -ENOMEM instead of -EAGAIN.
 */
int mvgpu_aspace_map_vram_wait(struct mvgpu_aspace *as, u64 va, u64 target,
			       u64 size, u32 flags, u64 *fault)
{
	return mvgpu_aspace_do_map_vram(as, va, target, size, flags, fault,
					false);
}

/**
 * mvgpu_aspace_map_sysmem() - map GPU VA to pinned guest memory
 * @as: the address space; the caller holds @as->pin_lock and has pinned
 *	every page of [@iova, @iova + @size)
 * @va: first GPU virtual address, 4 KiB aligned
 * @iova: first guest IOVA, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB
 * @flags: MVGPU_GPT_READ / MVGPU_GPT_WRITE
 * @fault: on error, as for mvgpu_aspace_map_vram()
 *
 * Each page's pin gains a reference the entry holds.  The caller's pins
 * may have been taken away again (a dma_unmap, while mvgpu_pin_get()
 * dropped the pin lock): then nothing is mapped, and -EAGAIN says to pin
 * again.
 *
 * Context: process context.
 * Return: as mvgpu_aspace_map_vram(), without -ERANGE; -EAGAIN if a page
 * of the range is not pinned.
 */
int mvgpu_aspace_map_sysmem(struct mvgpu_aspace *as, u64 va, u64 iova,
			    u64 size, u32 flags, u64 *fault)
{
	unsigned long idx, last = (iova + size - 1) >> PAGE_SHIFT;
	int ret;

	lockdep_assert_held(&as->pin_lock);
	*fault = va;
	for (idx = iova >> PAGE_SHIFT; idx <= last; idx++)
		if (!xa_load(&as->pins, idx))
			return -EAGAIN;
	mutex_lock(&as->lock);
	ret = mvgpu_gpt_map(&as->gpt, va, iova, size,
			    (flags & (MVGPU_GPT_READ | MVGPU_GPT_WRITE)) |
			    MVGPU_GPT_SYSMEM);
	if (ret == -EEXIST)
		*fault = mvgpu_gpt_first_mapped(&as->gpt, va, size);
	for (idx = iova >> PAGE_SHIFT; !ret && idx <= last; idx++) {
		struct mvgpu_pin *pin = xa_load(&as->pins, idx);

		if (WARN_ON_ONCE(!pin))
			continue;
		if (!pin->refs++)
			xa_clear_mark(&as->pins, idx, MVGPU_PIN_IDLE);
	}
	if (!ret)
		mvgpu_aspace_changed(as);
	mutex_unlock(&as->lock);
	return ret;
}

/**
 * mvgpu_aspace_unmap_some() - unmap the start of a range of GPU VA
 * @as: the address space
 * @va: first address, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB
 * @budget: look at no more than this many entries
 * @done: set to how much of the range has been dealt with
 *
 * See mvgpu_gpt_unmap_some().  Guest pages no entry maps any more become
 * idle: mvgpu_aspace_pins_idle() then says so.
 *
 * Context: process context.
 * Return: 0 (call again while *@done < @size), -EINVAL, or -ENOSPC /
 * -EAGAIN if a large entry could not be split (as for
 * mvgpu_aspace_map_vram()).
 */
int mvgpu_aspace_unmap_some(struct mvgpu_aspace *as, u64 va, u64 size,
			    unsigned int budget, u64 *done)
{
	int ret;

	mutex_lock(&as->lock);
	as->gpt.nowait = true;
	ret = mvgpu_gpt_unmap_some(&as->gpt, va, size, budget, done);
	as->gpt.nowait = false;
	mvgpu_aspace_changed(as);
	mutex_unlock(&as->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_unmap_some);

/**
 * mvgpu_aspace_refill() - ready the page tables for a map that must not wait
 * @as: the address space
 *
 * mvgpu_aspace_map_vram() and mvgpu_aspace_unmap_some() run on an engine
 * and take no table that needs waiting for memory (reclaim, the memory
 * cgroup's throttling): a tenant's memory pressure must not hold an engine
 * that other vGPUs share.  When they return -EAGAIN, the caller gets the
 * tables here, where it may wait, charged to the memory cgroup it made
 * active, and tries again.  The pages are allocated outside @lock, so
 * translations go on meanwhile.
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM if not a page could be had.
 */
int mvgpu_aspace_refill(struct mvgpu_aspace *as)
{
	u64 *pages[MVGPU_GPT_SPARES];
	unsigned int n, used;

	for (n = 0; n < MVGPU_GPT_SPARES; n++) {
		pages[n] = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT |
						  __GFP_RETRY_MAYFAIL |
						  __GFP_NOWARN);
		if (pages[n] && !mvgpu_charge_room(virt_to_page(pages[n]),
						   true)) {
			free_page((unsigned long)pages[n]);
			pages[n] = NULL;
		}
		if (!pages[n])
			break;
	}
	mutex_lock(&as->lock);
	used = mvgpu_gpt_add_spares(&as->gpt, pages, n);
	mutex_unlock(&as->lock);
	while (n > used)
		free_page((unsigned long)pages[--n]);
	return used || n ? 0 : -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_aspace_refill);

/*
 * Entries an unmap by IOVA looks at per hold of @lock: about two L0
 * tables, as long as a step of an engine's MAP - so an engine that needs
 * @lock for a translation never waits for a whole table's walk.
 */
#define MVGPU_ASPACE_WALK_BUDGET	1024

/**
 * mvgpu_aspace_unmap_iova() - unmap every entry that maps guest memory in
 *	an IOVA range
 * @as: the address space
 * @iova: first byte
 * @len: bytes
 * @gone: set to the span of GPU VA the entries that went covered (the
 *	range the backend must flush)
 *
 * For VFIO's dma_unmap: memory the VM unmapped must not stay reachable.
 * The caller holds @pin_lock (no pin can come in meanwhile).  The table
 * is walked in pieces of MVGPU_ASPACE_WALK_BUDGET entries, @lock
 * dropped in between; the generation changes after every piece that
 * unmapped something, so no translation made before it is used after it.
 *
 * Context: process context.
 * Return: true if an entry went.
 */
bool mvgpu_aspace_unmap_iova(struct mvgpu_aspace *as, u64 iova, u64 len,
			     struct mvgpu_gpt_span *gone)
{
	bool changed = false;
	u64 va = 0;

	lockdep_assert_held(&as->pin_lock);
	*gone = (struct mvgpu_gpt_span) {};
	while (va < MVGPU_GPT_VA_SIZE) {
		unsigned int seen;

		mutex_lock(&as->lock);
		if (mvgpu_gpt_unmap_target(&as->gpt, iova, len, true, &va,
					   MVGPU_ASPACE_WALK_BUDGET, &seen,
					   gone)) {
			mvgpu_aspace_changed(as);
			changed = true;
		}
		mutex_unlock(&as->lock);
		as->pin_stats.walk_max = max(as->pin_stats.walk_max, seen);
		cond_resched();
	}
	return changed;
}

/**
 * mvgpu_aspace_pins_idle() - are there pinned pages nothing maps?
 * @as: the address space
 *
 * Context: any.
 * Return: true if some pin waits to be released.
 */
bool mvgpu_aspace_pins_idle(struct mvgpu_aspace *as)
{
	return xa_marked(&as->pins, MVGPU_PIN_IDLE);
}
