/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_VRAM_H_
#define _MVGPU_VRAM_H_

#include <linux/mm_types.h>
#include <linux/mutex.h>

#include "pool.h"

struct inode;

/**
 * struct mvgpu_vram - one vGPU's VRAM aperture, backed page by page
 * @lock: serialises backing, scrubbing and zapping of the pages
 * @pool: the GPU's VRAM pool
 * @alloc: this vGPU's VRAM in @pool
 * @size: bytes; a multiple of MVGPU_POOL_CHUNK; constant
 * @map_pgoff: file page offset at which mmap() finds byte 0; constant
 * @backed: pages backed by host memory; protected by @lock
 * @inode: address space of every user mapping of the aperture, so that
 *	mvgpu_vram_reset() can zap them all and nothing else
 */
struct mvgpu_vram {
	struct mutex lock;		/* see @lock above */
	struct mvgpu_pool *pool;
	struct mvgpu_pool_alloc alloc;
	u64 size;
	unsigned long map_pgoff;
	unsigned long backed;
	struct inode *inode;
};

int mvgpu_vram_init(struct mvgpu_vram *vram, struct mvgpu_pool *pool,
		    u64 size, unsigned long map_pgoff);
void mvgpu_vram_fini(struct mvgpu_vram *vram);
void mvgpu_vram_reset(struct mvgpu_vram *vram);
ssize_t mvgpu_vram_rw(struct mvgpu_vram *vram, u64 off, char __user *buf,
		      size_t len, bool write);
struct page *mvgpu_vram_get_page(struct mvgpu_vram *vram, u64 off, bool alloc);
int mvgpu_vram_mmap(struct mvgpu_vram *vram, struct vm_area_struct *vma);
u64 mvgpu_vram_backed_bytes(struct mvgpu_vram *vram);

#endif /* _MVGPU_VRAM_H_ */
