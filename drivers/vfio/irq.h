/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_IRQ_H_
#define _MVGPU_IRQ_H_

#include <linux/types.h>

struct eventfd_ctx;
struct mvgpu_vgpu;

/**
 * struct mvgpu_irq - interrupt delivery of one vGPU, as vfio-pci does it
 * @mode: VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX or -1 (none)
 * @intx: INTx trigger eventfd, or NULL
 * @msi: MSI trigger eventfd, or NULL
 * @req: device-request eventfd (asks user space to release the device)
 * @intx_masked: INTx masked at the VFIO level (auto-masked when it fires,
 *	unmasked by VFIO_IRQ_SET_ACTION_UNMASK)
 * @intx_disabled: PCI_COMMAND_INTX_DISABLE, mirrored from config space
 * @msi_sent: pending causes already signalled by MSI (MSI is an edge: a
 *	cause fires again only after it was acknowledged)
 * @count: interrupts delivered, for statistics
 *
 * All fields are protected by struct mvgpu_vgpu's irq_lock; the eventfd
 * pointers are changed only with its lock held too.
 */
struct mvgpu_irq {
	int mode;
	struct eventfd_ctx *intx;
	struct eventfd_ctx *msi;
	struct eventfd_ctx *req;
	bool intx_masked;
	bool intx_disabled;
	u32 msi_sent;
	u64 count;
};

void mvgpu_irq_init(struct mvgpu_irq *irq);
void mvgpu_irq_update_locked(struct mvgpu_vgpu *vgpu);
void mvgpu_irq_line_reset_locked(struct mvgpu_vgpu *vgpu, u16 command);
void mvgpu_irq_command_locked(struct mvgpu_vgpu *vgpu, u16 command);
void mvgpu_irq_raise(struct mvgpu_vgpu *vgpu, u32 causes);
void mvgpu_irq_request(struct mvgpu_vgpu *vgpu);
void mvgpu_irq_disable_all(struct mvgpu_vgpu *vgpu);
long mvgpu_irq_get_info(struct mvgpu_vgpu *vgpu, void __user *arg);
long mvgpu_irq_set(struct mvgpu_vgpu *vgpu, void __user *arg);

#endif /* _MVGPU_IRQ_H_ */
