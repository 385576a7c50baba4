/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmvgpu: open an mvgpu vGPU through VFIO the way QEMU does
 * (group -> container -> type1 IOMMU -> device fd) and drive it.
 */
#ifndef LIBMVGPU_H
#define LIBMVGPU_H

#include <linux/vfio.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../uapi/mvgpu.h"

struct mvgpu_handle {
	char uuid[64];
	int group;		/* /dev/vfio/N */
	int container;		/* /dev/vfio/vfio */
	int device;		/* the vGPU's device fd */
	int iommu_group;	/* N */
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
	void *vram;		/* BAR2 mapping, from mvgpu_vram_map() */
	size_t vram_len;
};

/*
 * Every function returns 0 or a negative errno and, on error, leaves a
 * human-readable message in mvgpu_errmsg().
 */
int mvgpu_open(struct mvgpu_handle *h, const char *uuid);
void mvgpu_close(struct mvgpu_handle *h);
int mvgpu_device_info(struct mvgpu_handle *h, struct vfio_device_info *info);
const char *mvgpu_errmsg(void);

/* Raw region access: returns bytes done or -errno (no message on -EINVAL). */
ssize_t mvgpu_region_rw(struct mvgpu_handle *h, unsigned int index,
			uint64_t off, void *buf, size_t len, int write);
int mvgpu_cfg_read(struct mvgpu_handle *h, unsigned int off, void *buf,
		   size_t len);
int mvgpu_cfg_write(struct mvgpu_handle *h, unsigned int off,
		    const void *buf, size_t len);
uint32_t mvgpu_cfg_read32(struct mvgpu_handle *h, unsigned int off);
int mvgpu_reg_read(struct mvgpu_handle *h, uint32_t reg, uint32_t *val);
int mvgpu_reg_write(struct mvgpu_handle *h, uint32_t reg, uint32_t val);
uint32_t mvgpu_reg(struct mvgpu_handle *h, uint32_t reg);	/* ~0 on error */

/* The VRAM aperture (BAR2), mapped whole and shared. */
void *mvgpu_vram_map(struct mvgpu_handle *h);
int mvgpu_vram_unmap(struct mvgpu_handle *h);

/* Interrupts: arm an eventfd on VFIO_PCI_{INTX,MSI,REQ}_IRQ_INDEX. */
int mvgpu_irq_arm(struct mvgpu_handle *h, unsigned int index, int efd);
int mvgpu_irq_disarm(struct mvgpu_handle *h, unsigned int index);
int mvgpu_irq_unmask(struct mvgpu_handle *h);
int mvgpu_irq_fire(struct mvgpu_handle *h, unsigned int index);
/* Wait for an eventfd: 1 if signalled (count consumed), 0 on timeout. */
int mvgpu_eventfd_wait(int efd, int timeout_ms, uint64_t *count);

int mvgpu_reset(struct mvgpu_handle *h);

#endif
