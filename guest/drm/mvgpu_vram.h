/* SPDX-License-Identifier: GPL-2.0 */
/* mvgpu_drm: VRAM allocation over BAR2. */
#ifndef MVGPU_VRAM_H
#define MVGPU_VRAM_H

#include "mvgpu_drv.h"

void mvgpu_vram_init(struct mvgpu_device *mdev);
void mvgpu_vram_fini(struct mvgpu_device *mdev);
int mvgpu_vram_alloc(struct mvgpu_device *mdev, struct drm_mm_node *node,
		     u64 size, u64 align);
void mvgpu_vram_free(struct mvgpu_device *mdev, struct drm_mm_node *node);
u64 mvgpu_vram_available(struct mvgpu_device *mdev);

#endif /* MVGPU_VRAM_H */
