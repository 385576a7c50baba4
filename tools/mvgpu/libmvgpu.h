/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmvgpu: open an mvgpu vGPU through VFIO the way QEMU does
 * (group -> container -> type1 IOMMU -> device fd) and drive it.
 */
#ifndef LIBMVGPU_H
#define LIBMVGPU_H

#include <linux/vfio.h>
#include <stddef.h>

struct mvgpu_handle {
	char uuid[64];
	int group;		/* /dev/vfio/N */
	int container;		/* /dev/vfio/vfio */
	int device;		/* the vGPU's device fd */
	int iommu_group;	/* N */
};

/*
 * Every function returns 0 or a negative errno and, on error, leaves a
 * human-readable message in mvgpu_errmsg().
 */
int mvgpu_open(struct mvgpu_handle *h, const char *uuid);
void mvgpu_close(struct mvgpu_handle *h);
int mvgpu_device_info(struct mvgpu_handle *h, struct vfio_device_info *info);
const char *mvgpu_errmsg(void);

#endif
