/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical GPU: one mdev parent, its vGPU types and its VRAM pool.
 */
#ifndef _MVGPU_DEV_H_
#define _MVGPU_DEV_H_

#include <linux/kref.h>
#include <linux/mdev.h>
#include <linux/xarray.h>

#include <mvgpu/backend.h>
#include <mvgpu/sched.h>
#include <mvgpu/types.h>

#include "mm/pool.h"

struct mvgpu_params;
struct platform_device;

/**
 * struct mvgpu_type - a vGPU type as registered on one parent
 * @mtype: what the mdev core sees; its names point into this struct
 * @profile: the type's row in mvgpu_profiles[]
 * @vram: VRAM of one vGPU of this type on this parent, in bytes
 * @pretty_name: the type's ``name`` attribute
 */
struct mvgpu_type {
	struct mdev_type mtype;
	const struct mvgpu_profile *profile;
	u64 vram;
	char pretty_name[40];
};

/**
 * struct mvgpu_dev - one physical GPU (software backend) and its mdev parent
 * @parent: registered with the mdev core; vGPUs hang off @pdev
 * @ref: one for the bound platform device, one per vGPU (mvgpu_dev_put())
 * @pdev: the parent device, ``/sys/devices/platform/mvgpu.N``, bound to us
 * @index: N in mvgpu.N
 * @vram_size: VRAM of the GPU in bytes
 * @num_engines: engines of the GPU
 * @pool: the GPU's VRAM, as a ledger
 * @be_ops: the GPU's backend
 * @be: the backend's GPU
 * @types: the vGPU types offered on this parent
 * @mdev_types: pointers to @types[i].mtype, as mdev_register_parent() wants
 * @sched: the engines and their run queue
 * @vgpus: live vGPUs by id (XA_FLAGS_ALLOC1); the xarray's own lock
 *	protects it, and an entry is present from init to release of the vGPU
 * @debugfs: its debugfs directory
 */
struct mvgpu_dev {
	struct mdev_parent parent;
	struct kref ref;
	struct platform_device *pdev;
	unsigned int index;
	u64 vram_size;
	unsigned int num_engines;
	struct mvgpu_pool pool;
	const struct mvgpu_backend_ops *be_ops;
	struct mvgpu_backend *be;
	struct mvgpu_type types[MVGPU_NUM_TYPES];
	struct mdev_type *mdev_types[MVGPU_NUM_TYPES];
	struct mvgpu_sched sched;
	struct xarray vgpus;
	struct dentry *debugfs;
};

static inline struct mvgpu_dev *mvgpu_dev_from_mtype(struct mdev_type *mtype)
{
	return container_of(mtype->parent, struct mvgpu_dev, parent);
}

static inline struct mvgpu_type *mvgpu_type_from_mtype(struct mdev_type *mtype)
{
	return container_of(mtype, struct mvgpu_type, mtype);
}

extern struct platform_driver mvgpu_dev_driver;
extern unsigned int mvgpu_watchdog_ms;

struct platform_device *mvgpu_dev_create(unsigned int index,
					 const struct mvgpu_params *params);
void mvgpu_dev_destroy(struct platform_device *pdev);
void mvgpu_dev_put(struct mvgpu_dev *gdev);
void mvgpu_debugfs_gpu_init(struct mvgpu_dev *gdev);
void mvgpu_debugfs_gpu_fini(struct mvgpu_dev *gdev);

static inline void mvgpu_dev_get(struct mvgpu_dev *gdev)
{
	kref_get(&gdev->ref);
}

#endif /* _MVGPU_DEV_H_ */
