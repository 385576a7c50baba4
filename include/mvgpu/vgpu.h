/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One vGPU: a VFIO device on an mdev of an mvgpu parent.
 */
#ifndef _MVGPU_VGPU_H_
#define _MVGPU_VGPU_H_

#include <linux/mdev.h>
#include <linux/vfio.h>

struct mvgpu_dev;
struct mvgpu_type;

/**
 * struct mvgpu_vgpu - state of one vGPU
 * @vdev: the VFIO device; its refcount owns this struct
 * @mdev: the mdev it was probed on
 * @gdev: the GPU it lives on; referenced from init to release
 * @type: its vGPU type on @gdev
 * @id: small id, unique on @gdev, used in logs, traces and stats
 * @vram_size: VRAM reserved for it, in bytes
 */
struct mvgpu_vgpu {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	struct mvgpu_dev *gdev;
	struct mvgpu_type *type;
	u32 id;
	u64 vram_size;
};

extern struct mdev_driver mvgpu_vgpu_driver;

#endif /* _MVGPU_VGPU_H_ */
