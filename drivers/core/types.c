// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU types (profiles) and the VRAM capacity they share.
 */

#include <kunit/visibility.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/math64.h>

#include <mvgpu/types.h>

/**
 * DOC: vGPU types
 *
 * Four profiles split a GPU's VRAM 1/8, 1/4, 1/2 and 1/1.  The default weight
 * is proportional to the VRAM share, the way GVT-g ties weight to its types;
 * unlike GVT-g, the weight can be changed per vGPU at run time.  Capacity is
 * counted in bytes of VRAM, not in instances, so all types of a parent draw
 * on one pool and ``available_instances`` of each type is simply
 * free VRAM / type VRAM.
 */
const struct mvgpu_profile mvgpu_profiles[MVGPU_NUM_TYPES] = {
	{ .sysfs_name = "1_8", .divisor = 8, .weight = 1 },
	{ .sysfs_name = "1_4", .divisor = 4, .weight = 2 },
	{ .sysfs_name = "1_2", .divisor = 2, .weight = 4 },
	{ .sysfs_name = "1_1", .divisor = 1, .weight = 8 },
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

/**
 * mvgpu_capacity_init() - start with all VRAM free
 * @c: the capacity to set up
 * @total: VRAM of the GPU in bytes
 *
 * Context: any; @c must not be in use.
 */
void mvgpu_capacity_init(struct mvgpu_capacity *c, u64 total)
{
	c->total = total;
	atomic64_set(&c->free, total);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_capacity_init);

/**
 * mvgpu_capacity_take() - reserve VRAM for a new vGPU
 * @c: the GPU's capacity
 * @bytes: the vGPU's VRAM quota
 *
 * Lock-free: concurrent creates on any type of the parent either both fit or
 * exactly one of them gets -ENOSPC.
 *
 * Context: any.
 * Return: 0 on success, -ENOSPC if less than @bytes is free, -EINVAL if
 * @bytes is zero.
 */
int mvgpu_capacity_take(struct mvgpu_capacity *c, u64 bytes)
{
	s64 free = atomic64_read(&c->free);

	if (!bytes)
		return -EINVAL;
	do {
		if (free < 0 || (u64)free < bytes)
			return -ENOSPC;
	} while (!atomic64_try_cmpxchg(&c->free, &free, free - bytes));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_capacity_take);

/**
 * mvgpu_capacity_give() - return a vGPU's VRAM reservation
 * @c: the GPU's capacity
 * @bytes: what mvgpu_capacity_take() reserved
 *
 * Context: any.
 */
void mvgpu_capacity_give(struct mvgpu_capacity *c, u64 bytes)
{
	s64 free = atomic64_add_return(bytes, &c->free);

	/* More returned than taken is a bookkeeping bug: say so, stay sane. */
	if (WARN_ON_ONCE(free < 0 || (u64)free > c->total))
		atomic64_set(&c->free, c->total);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_capacity_give);

/**
 * mvgpu_capacity_avail() - how many more vGPUs of a size fit
 * @c: the GPU's capacity
 * @bytes: VRAM of one vGPU of the type asked about
 *
 * Context: any.
 * Return: the number of vGPUs of @bytes VRAM that could be created now.
 */
unsigned int mvgpu_capacity_avail(struct mvgpu_capacity *c, u64 bytes)
{
	s64 free = atomic64_read(&c->free);

	if (!bytes || free <= 0)
		return 0;
	return div64_u64(free, bytes);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_capacity_avail);
