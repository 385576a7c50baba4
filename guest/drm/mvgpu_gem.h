/* SPDX-License-Identifier: GPL-2.0 */
/* mvgpu_drm: buffer objects in VRAM and in guest memory. */
#ifndef MVGPU_GEM_H
#define MVGPU_GEM_H

#include <drm/drm_gem_shmem_helper.h>

#include "mvgpu_drm.h"

#include "mvgpu_ctx.h"

/**
 * struct mvgpu_bo - a buffer object
 * @base: a shmem object for MVGPU_BO_SYSMEM; a VRAM buffer uses only
 *	@base.base, a GEM object with no backing file
 * @flags: MVGPU_BO_* it was created with
 * @ctx: the creating file's context, which the buffer is mapped in (a
 *	reference)
 * @va: its GPU VA range in @ctx. Protected by &mvgpu_ctx.va_lock.
 * @vram: its VRAM, for MVGPU_BO_VRAM
 * @ctx_link: in &mvgpu_ctx.bos. Protected by &mvgpu_ctx.va_lock.
 * @mapped: @ctx's page table maps it. Protected by &mvgpu_ctx.va_lock.
 * @lost: a reset lost its contents. Protected by &mvgpu_ctx.va_lock.
 */
struct mvgpu_bo {
	struct drm_gem_shmem_object base;
	u32 flags;
	struct mvgpu_ctx *ctx;
	struct drm_mm_node va;
	struct drm_mm_node vram;
	struct list_head ctx_link;
	bool mapped;
	bool lost;
};

static inline struct mvgpu_bo *to_mvgpu_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct mvgpu_bo, base.base);
}

struct drm_gem_object *mvgpu_gem_create_object(struct drm_device *drm,
					       size_t size);
u64 mvgpu_bo_max_size(struct mvgpu_device *mdev, u32 flags);
struct mvgpu_bo *mvgpu_bo_create(struct mvgpu_ctx *ctx, u64 size, u32 flags);
int mvgpu_bo_map_locked(struct mvgpu_bo *bo);
int mvgpu_bo_read(struct mvgpu_bo *bo, u64 offset, void *dst, size_t len);

#endif /* MVGPU_GEM_H */
