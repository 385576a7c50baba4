// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU types (profiles).
 */

#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/math64.h>

#include <mvgpu/types.h>

/**
 * DOC: vGPU types
 *
 * Five profiles split a GPU's VRAM 1/16, 1/8, 1/4, 1/2 and 1/1.  The default
 * weight is proportional to the VRAM share (8 for the whole GPU), the way
 * GVT-g ties weight to its types, and at least 1: 1/16 and 1/8 both get 1.
 * A vGPU has 16 contexts (32 on 1/2, 64 on the whole GPU: DOC: Contexts).
 * Capacity is counted in bytes of VRAM, not in instances: all types of a
 * parent draw on its one VRAM pool (DOC: VRAM pool), and
 * ``available_instances`` of each type is simply free VRAM / type VRAM.
 */
const struct mvgpu_profile mvgpu_profiles[MVGPU_NUM_TYPES] = {
	{ .sysfs_name = "1_16", .divisor = 16, .weight = 1, .contexts = 16 },
	{ .sysfs_name = "1_8", .divisor = 8, .weight = 1, .contexts = 16 },
	{ .sysfs_name = "1_4", .divisor = 4, .weight = 2, .contexts = 16 },
	{ .sysfs_name = "1_2", .divisor = 2, .weight = 4, .contexts = 32 },
	{ .sysfs_name = "1_1", .divisor = 1, .weight = 8, .contexts = 64 },
};
EXPORT_SYMBOL_IF_KUNIT(mvgpu_profiles);

/**
 * mvgpu_profile_vram() - VRAM of a vGPU of this type
 * @p: the type
 * @gpu_vram: VRAM of the parent GPU in bytes
 *
 * Context: any.
 * Return: bytes of VRAM a vGPU of type @p owns on that GPU.
 */
u64 mvgpu_profile_vram(const struct mvgpu_profile *p, u64 gpu_vram)
{
	return div_u64(gpu_vram, p->divisor);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_profile_vram);
