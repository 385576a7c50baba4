/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_VRAM_H_
#define _MVGPU_VRAM_H_

#include <linux/mm_types.h>
#include <linux/mutex.h>

#include "pool.h"

struct file;
struct mem_cgroup;

/**
 * struct mvgpu_vram - one vGPU's VRAM aperture, backed page by page
 * @lock: serialises user-mapping faults against zapping and scrubbing
 * @pool: the GPU's VRAM pool
 * @alloc: this vGPU's VRAM in @pool
 * @size: bytes; a multiple of MVGPU_POOL_CHUNK; constant
 * @map_pgoff: file page offset at which mmap() finds byte 0; constant
 * @file: while the vGPU is open, the file every user mapping of the
 *	aperture is moved to, so that mvgpu_vram_reset() can zap them all and
 *	nothing else; NULL while closed.  Protected by @lock.
 * @memcg: the memory cgroup backing pages are charged to (the opener's)
 *	while the vGPU is open, else NULL.  Protected by @lock; the engine
 *	reads it with READ_ONCE() while it runs the vGPU, which is only
 *	between open and close.
 */
struct mvgpu_vram {
	struct mutex lock;		/* see @lock above */
	struct mvgpu_pool *pool;
	struct mvgpu_pool_alloc alloc;
	u64 size;
	unsigned long map_pgoff;
	struct file *file;
	struct mem_cgroup *memcg;
};

int mvgpu_vram_init(struct mvgpu_vram *vram, struct mvgpu_pool *pool,
		    u64 size, unsigned long map_pgoff);
void mvgpu_vram_fini(struct mvgpu_vram *vram);
int mvgpu_vram_open(struct mvgpu_vram *vram);
void mvgpu_vram_close(struct mvgpu_vram *vram);
void mvgpu_vram_reset(struct mvgpu_vram *vram);
ssize_t mvgpu_vram_rw(struct mvgpu_vram *vram, u64 off, char __user *buf,
		      size_t len, bool write);
struct page *mvgpu_vram_page(struct mvgpu_vram *vram, u64 off, bool alloc);
int mvgpu_vram_mmap(struct mvgpu_vram *vram, struct vm_area_struct *vma);
u64 mvgpu_vram_backed_bytes(struct mvgpu_vram *vram);

#endif /* _MVGPU_VRAM_H_ */
