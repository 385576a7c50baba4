/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_TYPES_H_
#define _MVGPU_TYPES_H_

#include <linux/atomic.h>
#include <linux/types.h>

#define MVGPU_NUM_TYPES		4

/**
 * struct mvgpu_profile - one vGPU type, the same on every parent GPU
 * @sysfs_name: type directory name after the "mvgpu-" prefix, e.g. "1_8"
 * @divisor: a vGPU of this type owns 1/@divisor of the GPU's VRAM
 * @weight: default scheduling weight of a new vGPU of this type
 */
struct mvgpu_profile {
	const char *sysfs_name;
	unsigned int divisor;
	unsigned int weight;
};

extern const struct mvgpu_profile mvgpu_profiles[MVGPU_NUM_TYPES];

u64 mvgpu_profile_vram(const struct mvgpu_profile *p, u64 gpu_vram);

/**
 * struct mvgpu_capacity - VRAM of one GPU not yet promised to a vGPU
 * @total: VRAM of the GPU in bytes; constant after init
 * @free: bytes not reserved by any vGPU; lock-free, see mvgpu_capacity_take()
 *
 * A vGPU reserves its whole VRAM quota when it is created, so a full GPU
 * refuses the create (-ENOSPC) instead of failing a tenant later.
 */
struct mvgpu_capacity {
	u64 total;
	atomic64_t free;
};

void mvgpu_capacity_init(struct mvgpu_capacity *c, u64 total);
int mvgpu_capacity_take(struct mvgpu_capacity *c, u64 bytes);
void mvgpu_capacity_give(struct mvgpu_capacity *c, u64 bytes);
unsigned int mvgpu_capacity_avail(struct mvgpu_capacity *c, u64 bytes);

#endif /* _MVGPU_TYPES_H_ */
