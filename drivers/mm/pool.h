/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_POOL_H_
#define _MVGPU_POOL_H_

#include <drm/drm_buddy.h>
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/xarray.h>

struct page;

/* VRAM is handed out in chunks of this size, so large pages always fit. */
#define MVGPU_POOL_CHUNK	0x200000ULL

/**
 * struct mvgpu_pool - the VRAM of one GPU
 * @lock: protects @mm
 * @mm: the buddy allocator over [0, @size)
 * @size: bytes of VRAM; constant
 * @backed: bytes of VRAM backed by host pages, all allocations
 */
struct mvgpu_pool {
	struct mutex lock;		/* @mm */
	struct drm_buddy mm;
	u64 size;
	atomic64_t backed;
};

/**
 * struct mvgpu_pool_alloc - VRAM allocated to one vGPU
 * @blocks: drm_buddy blocks, each a multiple of MVGPU_POOL_CHUNK
 * @size: bytes
 * @chunks: VRAM offset of each MVGPU_POOL_CHUNK of the allocation, in order
 * @nr_chunks: entries in @chunks
 * @pages: page index inside the allocation -> backing host page, present
 *	once touched; looked up without a lock (the xarray's RCU), filled
 *	with xa_cmpxchg(), emptied by mvgpu_pool_scrub()
 * @backed: pages in @pages
 */
struct mvgpu_pool_alloc {
	struct list_head blocks;
	u64 size;
	u64 *chunks;
	unsigned int nr_chunks;
	struct xarray pages;
	atomic_long_t backed;
};

int mvgpu_pool_init(struct mvgpu_pool *pool, u64 size);
void mvgpu_pool_fini(struct mvgpu_pool *pool);
int mvgpu_pool_alloc(struct mvgpu_pool *pool, u64 size,
		     struct mvgpu_pool_alloc *a);
void mvgpu_pool_free(struct mvgpu_pool *pool, struct mvgpu_pool_alloc *a);
u64 mvgpu_pool_scrub(struct mvgpu_pool *pool, struct mvgpu_pool_alloc *a);
struct page *mvgpu_pool_page(struct mvgpu_pool *pool,
			     struct mvgpu_pool_alloc *a, u64 off, bool alloc,
			     bool *new);
/*
 * VRAM backing is memory a tenant causes: charged to the memory cgroup
 * that is active (the caller's, or the one set with set_active_memcg()),
 * and allowed to fail rather than to call the OOM killer.
 */
#define MVGPU_POOL_GFP	(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT | \
			 __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

u64 mvgpu_pool_avail(struct mvgpu_pool *pool);
unsigned int mvgpu_pool_fit(struct mvgpu_pool *pool, u64 size);

#endif /* _MVGPU_POOL_H_ */
