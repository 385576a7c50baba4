// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu_drm: VRAM allocation over BAR2.
 */

#include "mvgpu_hw.h"
#include "mvgpu_vram.h"

/**
 * DOC: VRAM
 *
 * The vGPU's VRAM is BAR2, all of it the guest's.  The driver keeps its
 * first MVGPU_VRAM_RESERVED bytes for context 0 and hands out the rest with
 * a &drm_mm under &mvgpu_device.vram_lock (allocations are rare: buffer
 * creation, file open).  Offsets are 4 KiB aligned, the device's page; a
 * buffer of 2 MiB or more is 2 MiB aligned, so the device's page tables can
 * use huge entries for it.  The same offsets are context 0's GPU VAs.
 */

/**
 * mvgpu_vram_init() - start the VRAM allocator
 * @mdev: the device, its VRAM size known
 *
 * Context: process.
 */
void mvgpu_vram_init(struct mvgpu_device *mdev)
{
	mutex_init(&mdev->vram_lock);
	drm_mm_init(&mdev->vram_mm, MVGPU_VRAM_RESERVED,
		    mdev->vram_size - MVGPU_VRAM_RESERVED);
	mdev->vram_used = 0;
}

/**
 * mvgpu_vram_fini() - stop the VRAM allocator; every allocation is freed
 * @mdev: the device
 *
 * Context: process.
 */
void mvgpu_vram_fini(struct mvgpu_device *mdev)
{
	if (WARN_ON_ONCE(!drm_mm_clean(&mdev->vram_mm)))
		drm_err(&mdev->drm, "VRAM allocations left at unbind: %llu bytes\n",
			mdev->vram_used);
	else
		drm_mm_takedown(&mdev->vram_mm);
}

/**
 * mvgpu_vram_alloc() - allocate VRAM
 * @mdev: the device
 * @node: zeroed; filled in on success
 * @size: bytes, a multiple of 4 KiB
 * @align: bytes, a power of two of 4 KiB or more, or 0 for the default
 *
 * Context: process; takes &mvgpu_device.vram_lock.
 * Return: 0, or -ENOSPC if no free range is large enough.
 */
int mvgpu_vram_alloc(struct mvgpu_device *mdev, struct drm_mm_node *node,
		     u64 size, u64 align)
{
	int ret;

	if (!align)
		align = size >= SZ_2M ? SZ_2M : SZ_4K;
	mutex_lock(&mdev->vram_lock);
	ret = drm_mm_insert_node_generic(&mdev->vram_mm, node, size, align, 0,
					 DRM_MM_INSERT_BEST);
	if (!ret)
		mdev->vram_used += size;
	mutex_unlock(&mdev->vram_lock);
	return ret;
}

/**
 * mvgpu_vram_free() - free VRAM from mvgpu_vram_alloc()
 * @mdev: the device
 * @node: the allocation; nothing happens if it is not allocated
 *
 * The device must not reach the range any more.
 *
 * Context: process; takes &mvgpu_device.vram_lock.
 */
void mvgpu_vram_free(struct mvgpu_device *mdev, struct drm_mm_node *node)
{
	mutex_lock(&mdev->vram_lock);
	if (drm_mm_node_allocated(node)) {
		mdev->vram_used -= node->size;
		drm_mm_remove_node(node);
	}
	mutex_unlock(&mdev->vram_lock);
}

/**
 * mvgpu_vram_available() - bytes of VRAM not allocated
 * @mdev: the device
 *
 * Context: process; takes &mvgpu_device.vram_lock.
 * Return: the bytes (not necessarily in one range).
 */
u64 mvgpu_vram_available(struct mvgpu_device *mdev)
{
	u64 avail;

	mutex_lock(&mdev->vram_lock);
	avail = mdev->vram_size - MVGPU_VRAM_RESERVED - mdev->vram_used;
	mutex_unlock(&mdev->vram_lock);
	return avail;
}
