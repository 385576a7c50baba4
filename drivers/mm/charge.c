// SPDX-License-Identifier: GPL-2.0
/*
 * Memory a tenant causes stops short of its VMM cgroup's limit.
 */

#include <kunit/visibility.h>
#include <linux/types.h>
#include <linux/fault-inject.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/page_counter.h>
#include <linux/rcupdate.h>

#include "mm/charge.h"

/**
 * DOC: Memory charged to the VMM
 *
 * VRAM backing pages and GPU page-table pages are charged (__GFP_ACCOUNT)
 * to the memory cgroup of the process that opened the vGPU (the VMM).  They
 * stop MVGPU_CHARGE_HEADROOM (4 MiB) short of that cgroup's memory.max and
 * of each parent's, so that when a tenant has all it may have, the VMM's
 * own allocations (the page tables of its aperture mapping, its own small
 * needs) still fit: the tenant's access fails cleanly (SIGBUS, -ENOMEM,
 * MVGPU_ERR_NO_MEMORY, a MAP's error code) and the cgroup's OOM killer is
 * not woken.  Where the caller may sleep, a page refused for the headroom
 * first makes the cgroup reclaim - its page cache, say - by charging
 * twice the headroom once and giving it back, so a VMM whose cgroup is full of
 * cache it can drop still gets its VRAM.  With CONFIG_MEMCG off, or kernel
 * memory accounting off (``cgroup.memory=nokmem``), nothing is charged and
 * only the host's memory limits.
 */

#define MVGPU_CHARGE_HEADROOM_PAGES	(MVGPU_CHARGE_HEADROOM >> PAGE_SHIFT)

/* Whether @page's cgroup and each parent have the headroom left. */
static bool mvgpu_charge_fits(struct page *page)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg;
	bool room = true;

	rcu_read_lock();
	for (memcg = page_memcg(page); memcg; memcg = parent_mem_cgroup(memcg)) {
		unsigned long max = READ_ONCE(memcg->memory.max);

		if (max < MVGPU_CHARGE_HEADROOM_PAGES ||
		    page_counter_read(&memcg->memory) >
		    max - MVGPU_CHARGE_HEADROOM_PAGES) {
			room = false;
			break;
		}
	}
	rcu_read_unlock();
	return room;
#else
	return true;
#endif
}

/*
 * Charge twice the headroom to the current (or active) cgroup and give it
 * back: the charge makes the cgroup reclaim what it takes past memory.max.
 * One headroom would reclaim only down to the line the page is measured
 * against, and the pages given back are uncharged through a per-CPU stock
 * that keeps some of them counted, so the page could still be refused
 * with the cache in place; twice leaves a headroom to spare.  Stops at the
 * first page the cgroup cannot reclaim for (no OOM killer: the flags).
 */
static void mvgpu_charge_reclaim(void)
{
	struct page *page, *next;
	LIST_HEAD(pages);
	unsigned int i;

	for (i = 0; i < 2 * MVGPU_CHARGE_HEADROOM_PAGES; i++) {
		page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
				  __GFP_NOWARN);
		if (!page)
			break;
		list_add(&page->lru, &pages);
	}
	list_for_each_entry_safe(page, next, &pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/**
 * mvgpu_charge_room() - whether a page just charged to a tenant may be kept
 * @page: allocated with __GFP_ACCOUNT in the context (current or active
 *	memory cgroup) it is charged to
 * @may_reclaim: the caller may sleep: make the cgroup reclaim before saying
 *	no
 *
 * See DOC: Memory charged to the VMM.
 *
 * Context: any if !@may_reclaim; else process context, may sleep.
 * Return: true to keep it; false: the caller frees it and fails as for no
 * memory.
 */
bool mvgpu_charge_room(struct page *page, bool may_reclaim)
{
	if (mvgpu_charge_fits(page))
		return true;
	if (!may_reclaim)
		return false;
	/* Whatever the reclaim got, the page may fit now. */
	mvgpu_charge_reclaim();
	return mvgpu_charge_fits(page);
}

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
/* /sys/kernel/debug/mvgpu/fail_nowait (Documentation/testing.rst). */
struct fault_attr mvgpu_fail_nowait_attr = FAULT_ATTR_INITIALIZER;
EXPORT_SYMBOL_IF_KUNIT(mvgpu_fail_nowait_attr);

/**
 * mvgpu_fail_nowait() - should an allocation that may not wait fail?
 *
 * The fault-injection point of every allocation an engine makes without
 * waiting (page tables here, VRAM pages in a backend): a test makes them
 * fail to show that the work still completes, by memory had where waiting
 * is fine.
 *
 * Return: true if it should (fault injection told it to).
 */
bool mvgpu_fail_nowait(void)
{
	return should_fail(&mvgpu_fail_nowait_attr, 1);
}
#else
bool mvgpu_fail_nowait(void)
{
	return false;
}
#endif
EXPORT_SYMBOL_IF_KUNIT(mvgpu_fail_nowait);
