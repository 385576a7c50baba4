// SPDX-License-Identifier: GPL-2.0
/*
 * The GPU's VRAM pool: drm_buddy over the VRAM address space, the core's
 * ledger of which vGPU owns which VRAM.
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
 * large pages always land on contiguous VRAM, and the GPU's backend puts
 * memory behind it (struct mvgpu_backend_ops @vram_create; the software
 * GPU backs it with host pages as they are touched, DOC: VRAM aperture).
 * The quota's blocks appear to the vGPU as one linear range through
 * &mvgpu_pool_alloc.chunks.  Because every quota is whole chunks and any
 * free chunks serve, how many more vGPUs of a type fit is exact.
 *
 * Locking: @lock, a simple mutex around the allocator as drm_buddy asks.
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
 * mvgpu_pool_free() - free a vGPU's VRAM
 * @pool: the pool
 * @a: the allocation; the backend no longer holds memory behind it
 *
 * Context: process context.
 */
void mvgpu_pool_free(struct mvgpu_pool *pool, struct mvgpu_pool_alloc *a)
{
	mutex_lock(&pool->lock);
	drm_buddy_free_list(&pool->mm, &a->blocks);
	mutex_unlock(&pool->lock);
	kvfree(a->chunks);
	a->chunks = NULL;
	a->nr_chunks = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pool_free);

