/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvgpu_drm: the device's registers, context 0's ring (the driver's own)
 * and the interrupt.
 */
#ifndef MVGPU_HW_H
#define MVGPU_HW_H

#include <linux/interrupt.h>
#include <linux/io.h>

#include "mvgpu_drv.h"

/* VRAM the driver keeps for context 0: its ring, then its fence word. */
#define MVGPU_KRING_OFF		0x0ull
#define MVGPU_KRING_SIZE	0x10000u
#define MVGPU_KFENCE_OFF	0x10000ull
#define MVGPU_VRAM_RESERVED	0x20000ull

static inline u32 mvgpu_rd(struct mvgpu_device *mdev, u32 reg)
{
	return readl(mdev->regs + reg);
}

static inline void mvgpu_wr(struct mvgpu_device *mdev, u32 reg, u32 val)
{
	writel(val, mdev->regs + reg);
}

/* A register of context @id's window (uapi/mvgpu.h, MVGPU_CTX_*). */
static inline u32 mvgpu_ctx_rd(struct mvgpu_device *mdev, u32 id, u32 reg)
{
	return readl(mdev->regs + MVGPU_CTX_REGS(id) + reg);
}

static inline void mvgpu_ctx_wr(struct mvgpu_device *mdev, u32 id, u32 reg,
				u32 val)
{
	writel(val, mdev->regs + MVGPU_CTX_REGS(id) + reg);
}

u64 mvgpu_ctx_rd64(struct mvgpu_device *mdev, u32 id, u32 reg_lo);
int mvgpu_hw_init(struct mvgpu_device *mdev);
void mvgpu_hw_fini(struct mvgpu_device *mdev);
int mvgpu_hw_reset(struct mvgpu_device *mdev);
int mvgpu_hw_ctx0_priority(struct mvgpu_device *mdev);
int mvgpu_kring_run(struct mvgpu_device *mdev, const struct mvgpu_cmd *cmds,
		    unsigned int n);
int mvgpu_hw_errno(u32 code, u32 info);
irqreturn_t mvgpu_irq(int irq, void *arg);
irqreturn_t mvgpu_irq_thread(int irq, void *arg);

#endif /* MVGPU_HW_H */
