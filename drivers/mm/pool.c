// SPDX-License-Identifier: GPL-2.0
/*
 * The GPU's VRAM pool: drm_buddy over the VRAM address space, host pages
 * behind it on first touch.
 */

#include <kunit/visibility.h>
#include <linux/gfp.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "pool.h"

/**
 * DOC: VRAM pool
 *
 * Each GPU's VRAM is an address space [0, size) managed by drm_buddy, the
 * kernel's VRAM allocator (amdgpu, i915 and xe use it).  A vGPU gets its
 * whole quota when it is created, in blocks of at least 2 MiB so that GPU
 * large pages always land on contiguous VRAM; its aperture (BAR2) and its
 * GPU page tables see the blocks as one linear range through
 * &mvgpu_pool_alloc.chunks.
 *
 * The VRAM is host memory, allocated page by page, zeroed, the first time a
 * page is touched, and given back when the vGPU is reset or removed
 * (mvgpu_pool_scrub()): freed VRAM is thus scrubbed before anyone can reuse
 * it, and untouched VRAM costs nothing.  Backing pages are charged to the
 * memory cgroup of whoever causes them (MVGPU_POOL_GFP): a tenant over its
 * VM's memory limit gets an allocation failure, never the OOM killer.
 *
 * Locking: @lock, a simple mutex around the allocator as drm_buddy asks,
 * is taken only to create and remove allocations.  Each allocation keeps
 * its backing pages in an xarray of its own: a lookup takes no lock at all
 * (RCU) and backing a page takes only that xarray's spinlock for the
 * store, so one vGPU faulting its VRAM in never waits for another.  The
 * owner of an allocation makes sure nobody looks pages up while it scrubs.
 *
 * Known kernel bug: in 6.1, drm_buddy_alloc_blocks() corrupts the buddy's
 * free lists if split_block() fails to allocate a block descriptor
 * (alloc_from_freelist()'s error path frees a block still on a free list).
 * That needs a failing 64-byte GFP_KERNEL slab allocation during vGPU
 * create; tests/vm/fault_injection.sh found it and spares that cache.
 */

/**
 * mvgpu_pool_init() - an empty pool
 * @pool: the pool
 * @size: bytes of VRAM, a multiple of MVGPU_POOL_CHUNK
 *
 * Context: process context.
 * Return: 0, -EINVAL for a bad size, -ENOMEM.
 */
int mvgpu_pool_init(struct mvgpu_pool *pool, u64 size)
{
	int ret;

	if (!size || !IS_ALIGNED(size, MVGPU_POOL_CHUNK))
		return -EINVAL;
	ret = drm_buddy_init(&pool->mm, size, PAGE_SIZE);
	if (ret)
		return ret;
	mutex_init(&pool->lock);
	pool->size = size;
	atomic64_set(&pool->backed, 0);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_init);

/**
 * mvgpu_pool_fini() - tear down an empty pool
 * @pool: the pool; every allocation must have been freed
 *
 * Context: process context.
 */
void mvgpu_pool_fini(struct mvgpu_pool *pool)
{
	WARN_ON_ONCE(atomic64_read(&pool->backed));
	drm_buddy_fini(&pool->mm);
	mutex_destroy(&pool->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_fini);

/**
 * mvgpu_pool_avail() - unallocated VRAM
 * @pool: the pool
 *
 * Context: process context.
 * Return: bytes not allocated to any vGPU.
 */
u64 mvgpu_pool_avail(struct mvgpu_pool *pool)
{
	u64 avail;

	mutex_lock(&pool->lock);
	avail = pool->mm.avail;
	mutex_unlock(&pool->lock);
	return avail;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_avail);

/**
 * mvgpu_pool_fit() - how many more allocations of a size fit
 * @pool: the pool
 * @size: bytes of one allocation (a vGPU type's VRAM)
 *
 * Exact, since allocations are whole chunks and any free chunks serve.
 *
 * Context: process context.
 * Return: the number of @size allocations that would succeed now.
 */
unsigned int mvgpu_pool_fit(struct mvgpu_pool *pool, u64 size)
{
	return size ? div64_u64(mvgpu_pool_avail(pool), size) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_fit);

/**
 * mvgpu_pool_alloc() - allocate a vGPU's VRAM
 * @pool: the pool
 * @size: bytes, a multiple of MVGPU_POOL_CHUNK
 * @a: filled in on success
 *
 * Context: process context.
 * Return: 0, -EINVAL for a bad size, -ENOSPC if the pool has not that much
 * free, -ENOMEM.
 */
int mvgpu_pool_alloc(struct mvgpu_pool *pool, u64 size,
		     struct mvgpu_pool_alloc *a)
{
	struct drm_buddy_block *block;
	unsigned int n = 0;
	int ret;

	if (!size || !IS_ALIGNED(size, MVGPU_POOL_CHUNK) || size > pool->size)
		return -EINVAL;
	INIT_LIST_HEAD(&a->blocks);
	xa_init(&a->pages);
	atomic_long_set(&a->backed, 0);
	a->size = size;
	a->nr_chunks = size / MVGPU_POOL_CHUNK;
	a->chunks = kvcalloc(a->nr_chunks, sizeof(*a->chunks), GFP_KERNEL);
	if (!a->chunks)
		return -ENOMEM;

	mutex_lock(&pool->lock);
	ret = drm_buddy_alloc_blocks(&pool->mm, 0, pool->size, size,
				     MVGPU_POOL_CHUNK, &a->blocks, 0);
	mutex_unlock(&pool->lock);
	if (ret) {
		kvfree(a->chunks);
		a->chunks = NULL;
		return ret;
	}

	list_for_each_entry(block, &a->blocks, link) {
		u64 off = drm_buddy_block_offset(block);
		u64 end = off + drm_buddy_block_size(&pool->mm, block);

		for (; off < end && n < a->nr_chunks; off += MVGPU_POOL_CHUNK)
			a->chunks[n++] = off;
	}
	WARN_ON_ONCE(n != a->nr_chunks);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_alloc);

/**
 * mvgpu_pool_scrub() - give back the host pages behind an allocation
 * @pool: the pool
 * @a: the allocation; it stays allocated and reads as zero afterwards
 *
 * The caller has made sure nothing maps those pages any more.
 *
 * Context: process context.
 * Return: bytes that were backed.
 */
u64 mvgpu_pool_scrub(struct mvgpu_pool *pool, struct mvgpu_pool_alloc *a)
{
	struct page *page;
	unsigned long idx;
	u64 freed = 0;

	xa_for_each(&a->pages, idx, page) {
		xa_erase(&a->pages, idx);
		put_page(page);
		freed += PAGE_SIZE;
		cond_resched();
	}
	atomic_long_set(&a->backed, 0);
	atomic64_sub(freed, &pool->backed);
	return freed;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_scrub);

/**
 * mvgpu_pool_free() - scrub and free a vGPU's VRAM
 * @pool: the pool
 * @a: the allocation
 *
 * Context: process context.
 */
void mvgpu_pool_free(struct mvgpu_pool *pool, struct mvgpu_pool_alloc *a)
{
	mvgpu_pool_scrub(pool, a);
	xa_destroy(&a->pages);
	mutex_lock(&pool->lock);
	drm_buddy_free_list(&pool->mm, &a->blocks);
	mutex_unlock(&pool->lock);
	kvfree(a->chunks);
	a->chunks = NULL;
	a->nr_chunks = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_free);

/**
 * mvgpu_pool_page() - the host page behind a byte of an allocation
 * @pool: the pool
 * @a: the allocation
 * @off: byte offset inside the allocation (not a VRAM address)
 * @alloc: back the page (zeroed, MVGPU_POOL_GFP) if it has no page yet
 * @new: set to true if this call backed it
 *
 * Lock-free: concurrent callers that back the same page agree on one.
 * The returned page stays valid until the allocation is scrubbed or freed.
 *
 * Context: process context; may sleep if @alloc.
 * Return: the page; NULL if not backed and !@alloc; ERR_PTR(-EINVAL) for an
 * offset outside @a, ERR_PTR(-ENOMEM) if no page could be had (host memory
 * or the memory cgroup's limit).
 */
struct page *mvgpu_pool_page(struct mvgpu_pool *pool,
			     struct mvgpu_pool_alloc *a, u64 off, bool alloc,
			     bool *new)
{
	unsigned long idx = off >> PAGE_SHIFT;
	struct page *page, *old;

	*new = false;
	if (off >= a->size)
		return ERR_PTR(-EINVAL);
	page = xa_load(&a->pages, idx);
	if (page || !alloc)
		return page;

	page = alloc_page(MVGPU_POOL_GFP);
	if (!page)
		return ERR_PTR(-ENOMEM);
	old = xa_cmpxchg(&a->pages, idx, NULL, page,
			 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (old) {
		/* Someone else backed it first, or no memory for the node. */
		put_page(page);
		return xa_is_err(old) ? ERR_PTR(-ENOMEM) : old;
	}
	atomic_long_inc(&a->backed);
	atomic64_add(PAGE_SIZE, &pool->backed);
	*new = true;
	return page;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_page);
