// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vGPU GPU page tables.
 */

#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "charge.h"
#include "gpt.h"

/**
 * DOC: GPU page tables
 *
 * Every vGPU has its own 40-bit GPU virtual address space, translated by a
 * three-level table that only the mediator writes, after validating each
 * mapping (see the MAP command), so a vGPU can reach nothing but its own
 * VRAM and guest memory its VM handed to it:
 *
 * ======  ===========  =======  =====================================
 * level   VA bits      entries  an entry is
 * ======  ===========  =======  =====================================
 * L2      39..30       1024     a table
 * L1      29..21       512      a table, or a 2 MiB large page (HUGE)
 * L0      20..12       512      a 4 KiB page
 * ======  ===========  =======  =====================================
 *
 * A PTE is 64 bits: VALID, the MVGPU_GPT_READ/WRITE permissions, HUGE,
 * MVGPU_GPT_SYSMEM (the target is a guest IOVA rather than a VRAM offset),
 * TABLE (the entry points to the next level) and the target address in bits
 * 51..12.  Tables are pages of the host's memory and a TABLE entry holds the
 * physical address of its page, as hardware would.
 *
 * mvgpu_gpt_map() uses a large entry wherever VA and target are both 2 MiB
 * aligned and at least 2 MiB remain; it never replaces a mapping (-EEXIST,
 * and nothing changes).  Unmapping splits a large entry that is only partly
 * unmapped, and gives back every table it leaves empty, so a vGPU's table
 * memory follows what it maps now, not what it ever mapped; mvgpu_gpt_clear()
 * returns the address space to empty (the root only).
 *
 * Removing a guest-memory entry, by any path, calls @put_sysmem for its
 * IOVA range: the owner holds a pin on every guest page mapped and drops
 * it there (one pin per page per entry that maps it).
 */

#define PTE_VALID	BIT_ULL(0)
#define PTE_HUGE	BIT_ULL(3)
#define PTE_TABLE	BIT_ULL(5)
#define PTE_PERM	(MVGPU_GPT_READ | MVGPU_GPT_WRITE | MVGPU_GPT_SYSMEM)
#define PTE_ADDR	GENMASK_ULL(51, 12)

#define L2_SHIFT	30
#define L1_SHIFT	21
#define L0_SHIFT	12
#define L2_ENTRIES	1024
#define LX_ENTRIES	512

static unsigned int l2_idx(u64 va) { return (va >> L2_SHIFT) & (L2_ENTRIES - 1); }
static unsigned int l1_idx(u64 va) { return (va >> L1_SHIFT) & (LX_ENTRIES - 1); }
static unsigned int l0_idx(u64 va) { return (va >> L0_SHIFT) & (LX_ENTRIES - 1); }

static u64 *pte_table(u64 pte)
{
	return phys_to_virt(pte & PTE_ADDR);
}

#define MVGPU_GPT_GFP		(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN | \
				 __GFP_RETRY_MAYFAIL)
#define MVGPU_GPT_GFP_NOWAIT	(GFP_NOWAIT | __GFP_ACCOUNT | __GFP_ZERO | \
				 __GFP_NOWARN)

/*
 * A zeroed table; ERR_PTR(-ENOSPC) over the budget, ERR_PTR(-ENOMEM), or
 * ERR_PTR(-EAGAIN) if @pt->nowait and none is to be had at once.
 */
static u64 *mvgpu_gpt_alloc_table(struct mvgpu_gpt *pt, unsigned int order)
{
	u64 *t;

	if (pt->max_tables && pt->tables + (1 << order) > pt->max_tables)
		return ERR_PTR(-ENOSPC);
	if (pt->budget &&
	    atomic_long_add_return(1 << order, &pt->budget->used) >
	    pt->budget->max) {
		atomic_long_sub(1 << order, &pt->budget->used);
		return ERR_PTR(-ENOSPC);
	}
	if (!order && pt->nr_spare)
		t = pt->spare[--pt->nr_spare];
	else if (pt->nowait && mvgpu_fail_nowait())
		t = NULL;
	else
		t = (u64 *)__get_free_pages(pt->nowait ? MVGPU_GPT_GFP_NOWAIT :
					    MVGPU_GPT_GFP, order);
	if (t && !mvgpu_charge_room(virt_to_page(t), !pt->nowait)) {
		free_pages((unsigned long)t, order);
		t = NULL;
	}
	if (!t) {
		if (pt->budget)
			atomic_long_sub(1 << order, &pt->budget->used);
		return ERR_PTR(pt->nowait ? -EAGAIN : -ENOMEM);
	}
	pt->tables += 1 << order;
	return t;
}

/**
 * mvgpu_gpt_add_spares() - give the page table zeroed pages for tables
 * @pt: the page table
 * @pages: zeroed pages (4 KiB), e.g. from get_zeroed_page()
 * @n: how many
 *
 * For an owner that maps with @pt->nowait: it fills the spares where it
 * may wait, and a map that needs tables takes them from there first.
 *
 * Context: any; caller serialises with map and unmap.
 * Return: how many of @pages it took (the first ones); the caller frees
 * the rest.
 */
unsigned int mvgpu_gpt_add_spares(struct mvgpu_gpt *pt, u64 **pages,
				  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && pt->nr_spare < MVGPU_GPT_SPARES; i++)
		pt->spare[pt->nr_spare++] = pages[i];
	return i;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_add_spares);

/* A table goes; one page tables come back to the spares while there is room. */
static void mvgpu_gpt_free_table(struct mvgpu_gpt *pt, u64 *t,
				 unsigned int order)
{
	pt->tables -= 1 << order;
	if (pt->budget)
		atomic_long_sub(1 << order, &pt->budget->used);
	if (!order && pt->nr_spare < MVGPU_GPT_SPARES) {
		clear_page(t);
		pt->spare[pt->nr_spare++] = t;
		return;
	}
	free_pages((unsigned long)t, order);
}

/**
 * mvgpu_gpt_init() - an empty address space
 * @pt: the page table
 * @budget: a budget of table pages it shares with others (its root comes
 *	out of it), or NULL
 *
 * Context: process context.
 * Return: 0, -ENOSPC over @budget, or -ENOMEM.
 */
int mvgpu_gpt_init(struct mvgpu_gpt *pt, struct mvgpu_gpt_budget *budget)
{
	u64 *root;

	pt->tables = 0;
	pt->max_tables = 0;
	pt->budget = budget;
	pt->mapped = 0;
	pt->put_sysmem = NULL;
	pt->put_arg = NULL;
	pt->nr_spare = 0;
	pt->nowait = false;
	root = mvgpu_gpt_alloc_table(pt, 1);	/* 1024 entries: 8 KiB */
	if (IS_ERR(root))
		return PTR_ERR(root);
	pt->root = root;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_init);

/* An entry that maps @size bytes goes: account it, release guest memory. */
static void mvgpu_gpt_drop(struct mvgpu_gpt *pt, u64 pte, u64 size)
{
	pt->mapped -= size;
	if ((pte & MVGPU_GPT_SYSMEM) && pt->put_sysmem)
		pt->put_sysmem(pt->put_arg, pte & PTE_ADDR, size);
}

static bool mvgpu_gpt_table_empty(const u64 *t)
{
	unsigned int i;

	for (i = 0; i < LX_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/*
 * Unmap everything under root entry @i and free its tables.
 */
static void mvgpu_gpt_clear_l1(struct mvgpu_gpt *pt, unsigned int i)
{
	u64 *l1 = pte_table(pt->root[i]);
	unsigned int j, k;

	for (j = 0; j < LX_ENTRIES; j++) {
		u64 *l0;

		if (!(l1[j] & PTE_VALID))
			continue;
		if (!(l1[j] & PTE_TABLE)) {
			mvgpu_gpt_drop(pt, l1[j], MVGPU_GPT_HUGE_SIZE);
			continue;
		}
		l0 = pte_table(l1[j]);
		for (k = 0; k < LX_ENTRIES; k++)
			if (l0[k] & PTE_VALID)
				mvgpu_gpt_drop(pt, l0[k], MVGPU_GPT_PAGE_SIZE);
		mvgpu_gpt_free_table(pt, l0, 0);
	}
	mvgpu_gpt_free_table(pt, l1, 0);
	pt->root[i] = 0;
}

/**
 * mvgpu_gpt_clear() - unmap everything and free every table but the root
 * @pt: the page table
 *
 * Context: process context; caller serialises.
 */
void mvgpu_gpt_clear(struct mvgpu_gpt *pt)
{
	unsigned int i;

	for (i = 0; i < L2_ENTRIES; i++) {
		if (pt->root[i] & PTE_VALID)
			mvgpu_gpt_clear_l1(pt, i);
		cond_resched();
	}
	WARN_ON_ONCE(pt->mapped);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_clear);

/**
 * mvgpu_gpt_fini() - free every table
 * @pt: the page table
 *
 * Context: process context.
 */
void mvgpu_gpt_fini(struct mvgpu_gpt *pt)
{
	mvgpu_gpt_clear(pt);
	mvgpu_gpt_free_table(pt, pt->root, 1);
	pt->root = NULL;
	while (pt->nr_spare)
		free_page((unsigned long)pt->spare[--pt->nr_spare]);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_fini);

static bool mvgpu_gpt_range_ok(u64 va, u64 size)
{
	u64 end;

	return size && IS_ALIGNED(va | size, MVGPU_GPT_PAGE_SIZE) &&
	       !check_add_overflow(va, size, &end) && end <= MVGPU_GPT_VA_SIZE;
}

/*
 * The L1 table for @va: NULL if absent and !@alloc, else allocated;
 * ERR_PTR() if that failed.
 */
static u64 *mvgpu_gpt_l1(struct mvgpu_gpt *pt, u64 va, bool alloc)
{
	u64 *e = &pt->root[l2_idx(va)];
	u64 *t;

	if (*e & PTE_VALID)
		return pte_table(*e);
	if (!alloc)
		return NULL;
	t = mvgpu_gpt_alloc_table(pt, 0);
	if (!IS_ERR(t))
		*e = virt_to_phys(t) | PTE_TABLE | PTE_VALID;
	return t;
}

/*
 * The L0 table under @l1e: splits a large entry if @split, allocates an
 * absent one if @alloc; NULL if neither applies, ERR_PTR() on failure.
 */
static u64 *mvgpu_gpt_l0(struct mvgpu_gpt *pt, u64 *l1e, bool alloc,
			 bool split)
{
	u64 *t;
	unsigned int i;

	if ((*l1e & PTE_VALID) && (*l1e & PTE_TABLE))
		return pte_table(*l1e);
	if ((*l1e & PTE_VALID) && !split)
		return NULL;
	if (!(*l1e & PTE_VALID) && !alloc)
		return NULL;
	t = mvgpu_gpt_alloc_table(pt, 0);
	if (IS_ERR(t))
		return t;
	if (*l1e & PTE_VALID) {
		/* Split: 512 small entries with the large page's target. */
		for (i = 0; i < LX_ENTRIES; i++)
			t[i] = (*l1e & ~PTE_HUGE) + i * MVGPU_GPT_PAGE_SIZE;
	}
	*l1e = virt_to_phys(t) | PTE_TABLE | PTE_VALID;
	return t;
}

/**
 * mvgpu_gpt_first_mapped() - the first mapped page of a range
 * @pt: the page table
 * @va: first address, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB, inside the address space
 *
 * Context: any; caller serialises against map/unmap.
 * Return: the lowest mapped VA in [@va, @va + @size), or U64_MAX.
 */
u64 mvgpu_gpt_first_mapped(struct mvgpu_gpt *pt, u64 va, u64 size)
{
	u64 end = va + size;

	while (va < end) {
		u64 *l1 = mvgpu_gpt_l1(pt, va, false);
		u64 next;

		if (!l1) {
			va = round_down(va, 1ULL << L2_SHIFT) + (1ULL << L2_SHIFT);
			continue;
		}
		next = round_down(va, MVGPU_GPT_HUGE_SIZE) + MVGPU_GPT_HUGE_SIZE;
		if (l1[l1_idx(va)] & PTE_VALID) {
			u64 *l0;

			if (!(l1[l1_idx(va)] & PTE_TABLE))
				return va;
			l0 = pte_table(l1[l1_idx(va)]);
			for (; va < min(next, end); va += MVGPU_GPT_PAGE_SIZE)
				if (l0[l0_idx(va)] & PTE_VALID)
					return va;
		}
		va = next;
	}
	return U64_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_first_mapped);

/**
 * mvgpu_gpt_map() - map a range of GPU VA
 * @pt: the page table
 * @va: first GPU virtual address, 4 KiB aligned
 * @target: VRAM offset or guest IOVA it maps to, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB
 * @flags: MVGPU_GPT_READ, MVGPU_GPT_WRITE, MVGPU_GPT_SYSMEM
 *
 * The caller has checked that @target names memory the vGPU owns (and, for
 * guest memory, holds a pin on every page of it for this mapping).
 *
 * Context: process context; caller serialises.
 * Return: 0; -EINVAL for a misaligned, empty, overflowing or out-of-range
 * request or unknown flags; -EEXIST if part of the range is mapped
 * already; -ENOSPC if the tables it needs exceed @max_tables; -ENOMEM, or
 * -EAGAIN with @pt->nowait.  On error nothing changed.
 */
int mvgpu_gpt_map(struct mvgpu_gpt *pt, u64 va, u64 target, u64 size,
		  u32 flags)
{
	u64 done = 0, end_t;
	void (*put)(void *arg, u64 iova, u64 size);
	int ret;

	if (!mvgpu_gpt_range_ok(va, size) || !IS_ALIGNED(target, MVGPU_GPT_PAGE_SIZE) ||
	    check_add_overflow(target, size, &end_t) || end_t > PTE_ADDR + MVGPU_GPT_PAGE_SIZE ||
	    (flags & ~PTE_PERM) || !(flags & (MVGPU_GPT_READ | MVGPU_GPT_WRITE)))
		return -EINVAL;
	if (mvgpu_gpt_first_mapped(pt, va, size) != U64_MAX)
		return -EEXIST;

	while (done < size) {
		u64 v = va + done, t = target + done, left = size - done;
		u64 *l1 = mvgpu_gpt_l1(pt, v, true), *l1e, *l0;

		if (IS_ERR(l1)) {
			ret = PTR_ERR(l1);
			goto err_undo;
		}
		l1e = &l1[l1_idx(v)];
		if (IS_ALIGNED(v | t, MVGPU_GPT_HUGE_SIZE) &&
		    left >= MVGPU_GPT_HUGE_SIZE && !(*l1e & PTE_VALID)) {
			*l1e = t | flags | PTE_HUGE | PTE_VALID;
			done += MVGPU_GPT_HUGE_SIZE;
			continue;
		}
		l0 = mvgpu_gpt_l0(pt, l1e, true, false);
		if (IS_ERR(l0)) {
			ret = PTR_ERR(l0);
			goto err_undo;
		}
		l0[l0_idx(v)] = t | flags | PTE_VALID;
		done += MVGPU_GPT_PAGE_SIZE;
	}
	pt->mapped += size;
	return 0;

err_undo:
	/* The pins are the caller's until we return 0: do not drop them. */
	pt->mapped += done;
	put = pt->put_sysmem;
	pt->put_sysmem = NULL;
	/* One page more: a table allocated for it and left empty goes too. */
	mvgpu_gpt_unmap(pt, va, done + MVGPU_GPT_PAGE_SIZE);
	pt->put_sysmem = put;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_map);

/* Free the L0 table under @l1e if it maps nothing any more. */
static void mvgpu_gpt_reap_l0(struct mvgpu_gpt *pt, u64 *l1e)
{
	if ((*l1e & PTE_VALID) && (*l1e & PTE_TABLE) &&
	    mvgpu_gpt_table_empty(pte_table(*l1e))) {
		mvgpu_gpt_free_table(pt, pte_table(*l1e), 0);
		*l1e = 0;
	}
}

/* Free the L1 table for @va if it maps nothing any more. */
static void mvgpu_gpt_reap_l1(struct mvgpu_gpt *pt, u64 va)
{
	u64 *re = &pt->root[l2_idx(va)];

	if ((*re & PTE_VALID) && mvgpu_gpt_table_empty(pte_table(*re))) {
		mvgpu_gpt_free_table(pt, pte_table(*re), 0);
		*re = 0;
	}
}

/*
 * Unmap from @va up to @end, but not past the end of @va's L1 table (at
 * most 1 GiB), spending *@budget.  Returns where it stopped, or an
 * ERR_PTR()-style negative errno cast through *@err.
 */
static u64 mvgpu_gpt_unmap_l1(struct mvgpu_gpt *pt, u64 *l1, u64 va, u64 end,
			      unsigned int *budget, int *err)
{
	end = min(end, round_down(va, 1ULL << L2_SHIFT) + (1ULL << L2_SHIFT));
	while (va < end && *budget) {
		u64 *l1e = &l1[l1_idx(va)], *l0, pte;
		u64 next = round_down(va, MVGPU_GPT_HUGE_SIZE) + MVGPU_GPT_HUGE_SIZE;

		(*budget)--;
		if (!(*l1e & PTE_VALID)) {
			va = next;
			continue;
		}
		if (!(*l1e & PTE_TABLE) && IS_ALIGNED(va, MVGPU_GPT_HUGE_SIZE) &&
		    end >= next) {
			pte = *l1e;
			*l1e = 0;
			mvgpu_gpt_drop(pt, pte, MVGPU_GPT_HUGE_SIZE);
			va = next;
			continue;
		}
		l0 = mvgpu_gpt_l0(pt, l1e, false, true);
		if (IS_ERR(l0)) {
			*err = PTR_ERR(l0);
			break;
		}
		for (; va < min(next, end) && *budget; va += MVGPU_GPT_PAGE_SIZE) {
			(*budget)--;
			pte = l0[l0_idx(va)];
			if (pte & PTE_VALID) {
				l0[l0_idx(va)] = 0;
				mvgpu_gpt_drop(pt, pte, MVGPU_GPT_PAGE_SIZE);
			}
		}
		mvgpu_gpt_reap_l0(pt, l1e);
	}
	return va;
}

/**
 * mvgpu_gpt_unmap_some() - unmap the start of a range of GPU VA
 * @pt: the page table
 * @va: first address, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB
 * @budget: look at no more than this many entries (an absent table, a
 *	large entry and a small one count one each), so that a caller can
 *	bound the time it spends and come back for the rest
 * @done: set to how much of the range, from @va, has been dealt with
 *
 * Holes in the range are fine; a large entry partly inside is split first;
 * tables left empty are freed.
 *
 * Context: process context; caller serialises.
 * Return: 0 (also when *@done < @size: call again for the rest); -EINVAL
 * for a bad range; -ENOMEM (-EAGAIN with @pt->nowait) or -ENOSPC if a
 * large entry could not be split (*@done says how far it got).
 */
int mvgpu_gpt_unmap_some(struct mvgpu_gpt *pt, u64 va, u64 size,
			 unsigned int budget, u64 *done)
{
	u64 start = va, end = va + size;
	int err = 0;

	*done = 0;
	if (!mvgpu_gpt_range_ok(va, size))
		return -EINVAL;

	while (va < end && budget && !err) {
		u64 *l1 = mvgpu_gpt_l1(pt, va, false);

		if (!l1) {
			budget--;
			va = round_down(va, 1ULL << L2_SHIFT) + (1ULL << L2_SHIFT);
			continue;
		}
		va = mvgpu_gpt_unmap_l1(pt, l1, va, end, &budget, &err);
		mvgpu_gpt_reap_l1(pt, va - 1);
	}
	*done = min(va, end) - start;
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_unmap_some);

/**
 * mvgpu_gpt_unmap() - unmap a range of GPU VA
 * @pt: the page table
 * @va: first address, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB
 *
 * mvgpu_gpt_unmap_some() without a budget.
 *
 * Context: process context; caller serialises.
 * Return: 0; -EINVAL for a bad range; -ENOENT if nothing in the range was
 * mapped; -ENOMEM or -ENOSPC if a large entry could not be split.
 */
int mvgpu_gpt_unmap(struct mvgpu_gpt *pt, u64 va, u64 size)
{
	u64 before = pt->mapped, done;
	int ret;

	ret = mvgpu_gpt_unmap_some(pt, va, size, UINT_MAX, &done);
	if (ret)
		return ret;
	WARN_ON_ONCE(done != size);
	return pt->mapped == before ? -ENOENT : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_unmap);

/**
 * mvgpu_gpt_translate() - translate one GPU virtual address
 * @pt: the page table
 * @va: the address, any alignment
 * @access: MVGPU_GPT_READ and/or MVGPU_GPT_WRITE, what the access needs
 * @x: the result
 *
 * Context: any; caller serialises against map/unmap.
 * Return: 0; -EFAULT if @va is unmapped or outside the address space;
 * -EACCES if the mapping lacks a permission @access needs.
 */
int mvgpu_gpt_translate(struct mvgpu_gpt *pt, u64 va, u32 access,
			struct mvgpu_gpt_xlate *x)
{
	u64 *l1, pte, page;

	if (va >= MVGPU_GPT_VA_SIZE)
		return -EFAULT;
	l1 = mvgpu_gpt_l1(pt, va, false);
	if (!l1 || !(l1[l1_idx(va)] & PTE_VALID))
		return -EFAULT;
	pte = l1[l1_idx(va)];
	if (pte & PTE_TABLE) {
		pte = pte_table(pte)[l0_idx(va)];
		if (!(pte & PTE_VALID))
			return -EFAULT;
		page = MVGPU_GPT_PAGE_SIZE;
	} else {
		page = MVGPU_GPT_HUGE_SIZE;
	}
	if ((access & (MVGPU_GPT_READ | MVGPU_GPT_WRITE)) & ~pte)
		return -EACCES;

	x->target = (pte & PTE_ADDR) + (va & (page - 1));
	x->flags = pte & PTE_PERM;
	x->len = page - (va & (page - 1));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_translate);

/* Grow @gone by the entry (@i, @j, @k) of @size bytes; walks go up in VA. */
static void mvgpu_gpt_span_add(struct mvgpu_gpt_span *gone, u64 i, u64 j,
			       u64 k, u64 size)
{
	u64 va = i << L2_SHIFT | j << L1_SHIFT | k << L0_SHIFT;

	if (gone && !gone->end)
		gone->start = va;
	if (gone)
		gone->end = va + size;
}

/**
 * mvgpu_gpt_unmap_target() - unmap the pages that map into a target range,
 *	a bounded piece of the table at a time
 * @pt: the page table
 * @start: first byte of the VRAM or IOVA range
 * @len: its length
 * @sysmem: the range is guest IOVA (else VRAM)
 * @va: where to go on from (0 the first time, a multiple of 2 MiB); set
 *	to where the next call goes on, MVGPU_GPT_VA_SIZE once the whole
 *	table has been seen
 * @budget: look at about this many entries (at least one L0 table's worth)
 * @seen: set to how many entries this piece looked at
 * @gone: if not NULL, grown to cover the entries this piece removed
 *
 * For VFIO's dma_unmap: guest memory that the VM unmapped must not stay
 * reachable from the GPU.  The caller walks the whole table in pieces,
 * free to let others use it in between (an engine translating): frees the
 * tables it empties.
 *
 * Context: process context; caller serialises.
 * Return: bytes of VA unmapped in this piece.
 */
u64 mvgpu_gpt_unmap_target(struct mvgpu_gpt *pt, u64 start, u64 len,
			   bool sysmem, u64 *va, unsigned int budget,
			   unsigned int *seen, struct mvgpu_gpt_span *gone)
{
	u64 end, before = pt->mapped;
	unsigned int i, j, k, n = 0;
	bool moved = false;	/* an L1 entry seen: the piece made progress */

	if (check_add_overflow(start, len, &end))
		end = U64_MAX;
	for (i = l2_idx(*va); i < L2_ENTRIES && n < budget; i++) {
		u64 *l1;

		j = *va >> L2_SHIFT == i ? l1_idx(*va) : 0;
		*va = (u64)(i + 1) << L2_SHIFT;
		n++;
		if (!(pt->root[i] & PTE_VALID))
			continue;
		l1 = pte_table(pt->root[i]);
		for (; j < LX_ENTRIES; j++) {
			u64 e = l1[j], t, *l0;

			if (n >= budget && moved) {
				*va = ((u64)i << L2_SHIFT) | ((u64)j << L1_SHIFT);
				break;
			}
			n++;
			moved = true;
			if (!(e & PTE_VALID))
				continue;
			if (!(e & PTE_TABLE)) {
				t = e & PTE_ADDR;
				if (!!(e & MVGPU_GPT_SYSMEM) == sysmem &&
				    t < end && t + MVGPU_GPT_HUGE_SIZE > start) {
					l1[j] = 0;
					mvgpu_gpt_drop(pt, e, MVGPU_GPT_HUGE_SIZE);
					mvgpu_gpt_span_add(gone, i, j, 0, MVGPU_GPT_HUGE_SIZE);
				}
				continue;
			}
			l0 = pte_table(e);
			n += LX_ENTRIES;
			for (k = 0; k < LX_ENTRIES; k++) {
				e = l0[k];
				t = e & PTE_ADDR;
				if ((e & PTE_VALID) && !!(e & MVGPU_GPT_SYSMEM) == sysmem &&
				    t < end && t + MVGPU_GPT_PAGE_SIZE > start) {
					l0[k] = 0;
					mvgpu_gpt_drop(pt, e, MVGPU_GPT_PAGE_SIZE);
					mvgpu_gpt_span_add(gone, i, j, k, MVGPU_GPT_PAGE_SIZE);
				}
			}
			if (mvgpu_gpt_table_empty(l0)) {
				mvgpu_gpt_free_table(pt, l0, 0);
				l1[j] = 0;
			}
		}
		if (mvgpu_gpt_table_empty(l1)) {
			mvgpu_gpt_free_table(pt, l1, 0);
			pt->root[i] = 0;
		}
	}
	/* Past the last root entry, *@va is MVGPU_GPT_VA_SIZE. */
	*seen = n;
	return before - pt->mapped;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_unmap_target);

/* Extend the run in *@rva.. by one entry, or report it and start anew. */
static int mvgpu_gpt_walk_add(u64 *rva, u64 *rtarget, u64 *rsize, u32 *rflags,
			      u64 va, u64 pte, u64 size,
			      int (*fn)(void *arg, u64 va, u64 target, u64 size,
					u32 flags),
			      void *arg)
{
	u64 target = pte & PTE_ADDR;
	u32 flags = pte & PTE_PERM;
	int ret;

	if (*rsize && *rva + *rsize == va && *rtarget + *rsize == target &&
	    *rflags == flags) {
		*rsize += size;
		return 0;
	}
	if (*rsize) {
		ret = fn(arg, *rva, *rtarget, *rsize, *rflags);
		if (ret)
			return ret;
	}
	*rva = va;
	*rtarget = target;
	*rsize = size;
	*rflags = flags;
	return 0;
}

/**
 * mvgpu_gpt_walk() - visit every mapping, in VA order
 * @pt: the page table
 * @from: the first VA to look at (4 KiB aligned; 0: all)
 * @fn: called for each run of pages that are contiguous in VA and target
 *	and have the same flags: its VA, target, bytes and MVGPU_GPT_*
 *	flags; a non-zero return ends the walk
 * @arg: @fn's first argument
 *
 * Large and small entries are merged, so the runs describe what the table
 * translates, not how: mapping them again reproduces every translation.
 * A walk ended after a run goes on where that run ends: the runs from
 * there are those the whole walk would have reported (a run ends only
 * where the next page does not continue it).  A large page that begins
 * before @from is not seen.
 *
 * Context: process context; caller serialises against map/unmap.
 * Return: 0, or what @fn returned.
 */
int mvgpu_gpt_walk(struct mvgpu_gpt *pt, u64 from,
		   int (*fn)(void *arg, u64 va, u64 target, u64 size, u32 flags),
		   void *arg)
{
	u64 rva = 0, rtarget = 0, rsize = 0;
	u32 rflags = 0;
	unsigned int i, j, k;
	int ret;

	if (from >= MVGPU_GPT_VA_SIZE)
		return 0;
	for (i = l2_idx(from); i < L2_ENTRIES; i++) {
		const u64 *l1;

		if (!(pt->root[i] & PTE_VALID))
			continue;
		l1 = pte_table(pt->root[i]);
		for (j = 0; j < LX_ENTRIES; j++) {
			u64 va = ((u64)i << L2_SHIFT) | ((u64)j << L1_SHIFT);
			const u64 *l0;

			if (!(l1[j] & PTE_VALID) || va + MVGPU_GPT_HUGE_SIZE <= from)
				continue;
			if (!(l1[j] & PTE_TABLE) && va < from)
				continue;
			if (!(l1[j] & PTE_TABLE)) {
				ret = mvgpu_gpt_walk_add(&rva, &rtarget, &rsize,
							 &rflags, va, l1[j],
							 MVGPU_GPT_HUGE_SIZE, fn,
							 arg);
				if (ret)
					return ret;
				continue;
			}
			l0 = pte_table(l1[j]);
			for (k = va < from ? l0_idx(from) : 0; k < LX_ENTRIES; k++) {
				if (!(l0[k] & PTE_VALID))
					continue;
				ret = mvgpu_gpt_walk_add(&rva, &rtarget, &rsize,
							 &rflags,
							 va | ((u64)k << L0_SHIFT),
							 l0[k], MVGPU_GPT_PAGE_SIZE,
							 fn, arg);
				if (ret)
					return ret;
			}
		}
		cond_resched();
	}
	return rsize ? fn(arg, rva, rtarget, rsize, rflags) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_gpt_walk);
