/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_POOL_H_
#define _MVGPU_POOL_H_

#include <drm/drm_buddy.h>
#include <linux/list.h>
#include <linux/mutex.h>

/* VRAM is handed out in chunks of this size, so large pages always fit. */
#define MVGPU_POOL_CHUNK	0x200000ULL

/**
 * struct mvgpu_pool - the VRAM of one GPU, as a ledger
 * @lock: protects @mm
 * @mm: the buddy allocator over [0, @size)
 * @size: bytes of VRAM; constant
 */
struct mvgpu_pool {
	struct mutex lock;		/* @mm */
	struct drm_buddy mm;
	u64 size;
};

/**
 * struct mvgpu_pool_alloc - VRAM allocated to one vGPU
 * @blocks: drm_buddy blocks, each a multiple of MVGPU_POOL_CHUNK
 * @size: bytes
 * @chunks: VRAM offset of each MVGPU_POOL_CHUNK of the allocation, in order
 * @nr_chunks: entries in @chunks
 */
struct mvgpu_pool_alloc {
	struct list_head blocks;
	u64 size;
	u64 *chunks;
	unsigned int nr_chunks;
};

int mvgpu_pool_init(struct mvgpu_pool *pool, u64 size);
void mvgpu_pool_fini(struct mvgpu_pool *pool);
int mvgpu_pool_alloc(struct mvgpu_pool *pool, u64 size,
		     struct mvgpu_pool_alloc *a);
void mvgpu_pool_free(struct mvgpu_pool *pool, struct mvgpu_pool_alloc *a);
u64 mvgpu_pool_avail(struct mvgpu_pool *pool);
unsigned int mvgpu_pool_fit(struct mvgpu_pool *pool, u64 size);

#endif /* _MVGPU_POOL_H_ */
