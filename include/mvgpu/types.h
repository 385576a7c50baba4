/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_TYPES_H_
#define _MVGPU_TYPES_H_

#include <linux/types.h>

#define MVGPU_NUM_TYPES		5

/**
 * struct mvgpu_profile - one vGPU type, the same on every parent GPU
 * @sysfs_name: type directory name after the "mvgpu-" prefix, e.g. "1_8"
 * @divisor: a vGPU of this type owns 1/@divisor of the GPU's VRAM
 * @weight: default scheduling weight of a new vGPU of this type
 * @contexts: contexts a vGPU of this type has (NUM_CONTEXTS)
 */
struct mvgpu_profile {
	const char *sysfs_name;
	unsigned int divisor;
	unsigned int weight;
	unsigned int contexts;
};

extern const struct mvgpu_profile mvgpu_profiles[MVGPU_NUM_TYPES];

u64 mvgpu_profile_vram(const struct mvgpu_profile *p, u64 gpu_vram);

#endif /* _MVGPU_TYPES_H_ */
