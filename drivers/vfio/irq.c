// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of a vGPU: INTx and MSI through eventfds, as vfio-pci defines
 * them (VFIO_DEVICE_GET_IRQ_INFO, VFIO_DEVICE_SET_IRQS).
 */

#include <kunit/visibility.h>
#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include <mvgpu/vgpu.h>

/**
 * DOC: Interrupts
 *
 * A vGPU raises an interrupt when a cause in MVGPU_REG_INT_STATUS is also
 * set in MVGPU_REG_INT_MASK.  Which signal that makes depends on what user
 * space armed with VFIO_DEVICE_SET_IRQS (one mode at a time, as on vfio-pci):
 *
 * - MSI: an edge, and a memory write: only while the vGPU may master the
 *   bus (PCI_COMMAND_MASTER).  Each newly pending cause signals the MSI
 *   eventfd once; the same cause signals again only after it has been
 *   acknowledged (MVGPU_REG_INT_ACK) and raised anew.  A cause that becomes
 *   pending while bus mastering is off is signalled when it is turned on.
 *   Arming another eventfd for MSI (as QEMU does when the guest moves the
 *   vector) signals nothing already signalled; leaving MSI mode (disabling
 *   it, or arming INTx) forgets what was signalled.
 * - INTx: a level.  While any enabled cause is pending and
 *   PCI_COMMAND_INTX_DISABLE is clear, the line is asserted: the eventfd is
 *   signalled and INTx is masked (vfio-pci's automask), until user space
 *   unmasks it with VFIO_IRQ_SET_ACTION_UNMASK; if the line is still
 *   asserted then, it fires again.
 *
 * VFIO_IRQ_SET_DATA_NONE / DATA_BOOL with ACTION_TRIGGER fire the eventfd
 * by hand, which is how user space tests its wiring.  The request index
 * (VFIO_PCI_REQ_IRQ_INDEX) carries the VFIO core's "please release the
 * device" while a removal waits for the device file to close.
 */

/**
 * mvgpu_irq_init() - no interrupts armed
 * @irq: interrupt state
 *
 * Context: any.
 */
void mvgpu_irq_init(struct mvgpu_irq *irq)
{
	memset(irq, 0, sizeof(*irq));
	irq->mode = -1;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_irq_init);

/**
 * mvgpu_irq_line_reset_locked() - forget delivery state after a reset
 * @vgpu: the vGPU
 * @command: its PCI_COMMAND register now
 *
 * Clears the INTx automask and the MSI edge memory; armed eventfds stay.
 *
 * Context: any; caller holds vgpu->irq_lock.
 */
void mvgpu_irq_line_reset_locked(struct mvgpu_vgpu *vgpu, u16 command)
{
	lockdep_assert_held(&vgpu->irq_lock);
	vgpu->irq.intx_masked = false;
	vgpu->irq.msi_sent = 0;
	mvgpu_irq_command_locked(vgpu, command);
}

/**
 * mvgpu_irq_command_locked() - config space's command register changed
 * @vgpu: the vGPU
 * @command: PCI_COMMAND now
 *
 * Mirrors INTx disable and bus mastering, which MSI and the engine's
 * access to guest memory need.  The caller delivers what became
 * deliverable with mvgpu_irq_update_locked().
 *
 * Context: any; caller holds vgpu->irq_lock.
 */
void mvgpu_irq_command_locked(struct mvgpu_vgpu *vgpu, u16 command)
{
	lockdep_assert_held(&vgpu->irq_lock);
	vgpu->irq.intx_disabled = command & PCI_COMMAND_INTX_DISABLE;
	WRITE_ONCE(vgpu->budget.bus_master, !!(command & PCI_COMMAND_MASTER));
}

static void mvgpu_irq_signal(struct mvgpu_irq *irq, struct eventfd_ctx *ctx)
{
	if (ctx) {
		eventfd_signal(ctx, 1);
		irq->count++;
	}
}

/**
 * mvgpu_irq_update_locked() - deliver what the register state asks for
 * @vgpu: the vGPU whose INT_STATUS, INT_MASK or irq configuration changed
 *
 * Context: any; caller holds vgpu->irq_lock.
 */
void mvgpu_irq_update_locked(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_irq *irq = &vgpu->irq;
	u32 pending = mvgpu_mmio_int_status(&vgpu->mmio) & vgpu->mmio.int_mask;

	lockdep_assert_held(&vgpu->irq_lock);
	if (irq->held)
		return;

	switch (irq->mode) {
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (!READ_ONCE(vgpu->budget.bus_master))
			break;	/* delivered once bus mastering is on */
		if (pending & ~irq->msi_sent)
			mvgpu_irq_signal(irq, irq->msi);
		irq->msi_sent = pending;
		break;
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (pending && !irq->intx_disabled && !irq->intx_masked) {
			mvgpu_irq_signal(irq, irq->intx);
			irq->intx_masked = true;
		}
		break;
	default:
		break;
	}
}

/**
 * mvgpu_irq_raise() - set interrupt causes and deliver them
 * @vgpu: the vGPU
 * @causes: MVGPU_INT_* bits
 *
 * Context: any (takes a spinlock).
 */
void mvgpu_irq_raise(struct mvgpu_vgpu *vgpu, u32 causes)
{
	unsigned long flags;

	spin_lock_irqsave(&vgpu->irq_lock, flags);
	vgpu->mmio.int_status |= causes;
	mvgpu_irq_update_locked(vgpu);
	spin_unlock_irqrestore(&vgpu->irq_lock, flags);
}

/**
 * mvgpu_irq_request() - ask user space to release the device
 * @vgpu: the vGPU being removed
 *
 * Context: process context.
 * Return: nothing; a missing request eventfd just means nobody listens.
 */
void mvgpu_irq_request(struct mvgpu_vgpu *vgpu)
{
	spin_lock_irq(&vgpu->irq_lock);
	if (vgpu->irq.req)
		eventfd_signal(vgpu->irq.req, 1);
	spin_unlock_irq(&vgpu->irq_lock);
}

/**
 * mvgpu_irq_hold() - hold or release interrupt delivery
 * @vgpu: the vGPU
 * @hold: hold (the device stops for a migration), or release and deliver
 *	what became pending meanwhile
 *
 * Context: any process context; takes the irq lock.
 */
void mvgpu_irq_hold(struct mvgpu_vgpu *vgpu, bool hold)
{
	spin_lock_irq(&vgpu->irq_lock);
	vgpu->irq.held = hold;
	mvgpu_irq_update_locked(vgpu);
	spin_unlock_irq(&vgpu->irq_lock);
}

/**
 * mvgpu_irq_save_locked() - the delivery state a migration moves
 * @vgpu: the vGPU
 * @mode: set to the armed mode (VFIO_PCI_*_IRQ_INDEX or -1)
 * @msi_sent: set to the pending causes MSI has signalled already
 *
 * Context: any; caller holds vgpu->irq_lock.
 */
void mvgpu_irq_save_locked(struct mvgpu_vgpu *vgpu, int *mode, u32 *msi_sent)
{
	lockdep_assert_held(&vgpu->irq_lock);
	*mode = vgpu->irq.mode;
	*msi_sent = vgpu->irq.mode == VFIO_PCI_MSI_IRQ_INDEX ?
		    vgpu->irq.msi_sent : 0;
}

/**
 * mvgpu_irq_load_locked() - take over a migrated delivery state
 * @vgpu: the vGPU, its registers and config space loaded
 * @mode: the mode the source had armed
 * @msi_sent: the causes its MSI had signalled (a subset of MVGPU_INT_ALL)
 *
 * The mode is what this side has armed.  If it is MSI on both sides,
 * causes signalled on the source are not signalled again (MSI is an
 * edge); otherwise delivery starts afresh: a cause still pending is
 * delivered once a mode is armed and delivery is released.  INTx is a
 * level and is always evaluated afresh.
 *
 * Context: any; caller holds vgpu->irq_lock.
 */
void mvgpu_irq_load_locked(struct mvgpu_vgpu *vgpu, int mode, u32 msi_sent)
{
	lockdep_assert_held(&vgpu->irq_lock);
	mvgpu_irq_line_reset_locked(vgpu, mvgpu_cfg_command(&vgpu->cfg));
	if (mode == VFIO_PCI_MSI_IRQ_INDEX && vgpu->irq.mode == mode)
		vgpu->irq.msi_sent = msi_sent & mvgpu_mmio_int_status(&vgpu->mmio);
}

/* Swap an eventfd under the irq lock; returns the old one to put. */
static struct eventfd_ctx *mvgpu_irq_swap(struct mvgpu_vgpu *vgpu,
					  struct eventfd_ctx **slot,
					  struct eventfd_ctx *ctx)
{
	struct eventfd_ctx *old;

	int mode;

	spin_lock_irq(&vgpu->irq_lock);
	mode = vgpu->irq.mode;
	old = *slot;
	*slot = ctx;
	if (slot != &vgpu->irq.req) {
		if (ctx)
			mode = slot == &vgpu->irq.intx ?
			       VFIO_PCI_INTX_IRQ_INDEX : VFIO_PCI_MSI_IRQ_INDEX;
		else if (old)
			mode = -1;
		/* A new eventfd for the same mode is a new wire, not a reset. */
		if (mode != vgpu->irq.mode) {
			vgpu->irq.mode = mode;
			mvgpu_irq_line_reset_locked(vgpu,
						    mvgpu_cfg_command(&vgpu->cfg));
		}
		mvgpu_irq_update_locked(vgpu);
	}
	spin_unlock_irq(&vgpu->irq_lock);
	return old;
}

/**
 * mvgpu_irq_disable_all() - drop every eventfd (device closed or reset)
 * @vgpu: the vGPU
 *
 * Context: process context; caller holds vgpu->lock.
 */
void mvgpu_irq_disable_all(struct mvgpu_vgpu *vgpu)
{
	struct eventfd_ctx *old[3];
	int i;

	lockdep_assert_held(&vgpu->lock);
	old[0] = mvgpu_irq_swap(vgpu, &vgpu->irq.intx, NULL);
	old[1] = mvgpu_irq_swap(vgpu, &vgpu->irq.msi, NULL);
	old[2] = mvgpu_irq_swap(vgpu, &vgpu->irq.req, NULL);
	for (i = 0; i < ARRAY_SIZE(old); i++)
		if (old[i])
			eventfd_ctx_put(old[i]);
}

static u32 mvgpu_irq_count(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

/**
 * mvgpu_irq_get_info() - VFIO_DEVICE_GET_IRQ_INFO
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_irq_info
 *
 * Context: process context.
 * Return: 0, -EFAULT, or -EINVAL for a short argsz or an unknown index.
 */
long mvgpu_irq_get_info(struct mvgpu_vgpu *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	info.count = mvgpu_irq_count(info.index);
	info.flags = info.count ? VFIO_IRQ_INFO_EVENTFD : 0;
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.count)
		info.flags |= VFIO_IRQ_INFO_NORESIZE;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static int mvgpu_irq_set_trigger(struct mvgpu_vgpu *vgpu,
				 struct vfio_irq_set *hdr, void *data)
{
	struct eventfd_ctx **slot, *ctx = NULL, *old;
	int other;

	switch (hdr->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		slot = &vgpu->irq.intx;
		other = VFIO_PCI_MSI_IRQ_INDEX;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		slot = &vgpu->irq.msi;
		other = VFIO_PCI_INTX_IRQ_INDEX;
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		slot = &vgpu->irq.req;
		other = -1;
		break;
	default:
		return -EINVAL;
	}

	/* count 0 with DATA_NONE disables the index, as on vfio-pci. */
	if (!hdr->count) {
		if (!(hdr->flags & VFIO_IRQ_SET_DATA_NONE))
			return -EINVAL;
		old = mvgpu_irq_swap(vgpu, slot, NULL);
		if (old)
			eventfd_ctx_put(old);
		return 0;
	}

	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;

		if (fd >= 0) {
			if (other >= 0 && vgpu->irq.mode == other)
				return -EINVAL;	/* one mode at a time */
			ctx = eventfd_ctx_fdget(fd);
			if (IS_ERR(ctx))
				return PTR_ERR(ctx);
		} else if (fd != -1) {
			return -EINVAL;
		}
		old = mvgpu_irq_swap(vgpu, slot, ctx);
		if (old)
			eventfd_ctx_put(old);
		return 0;
	}

	/* DATA_NONE, or DATA_BOOL true: fire the trigger by hand. */
	if ((hdr->flags & VFIO_IRQ_SET_DATA_NONE) || *(u8 *)data) {
		spin_lock_irq(&vgpu->irq_lock);
		mvgpu_irq_signal(&vgpu->irq, *slot);
		spin_unlock_irq(&vgpu->irq_lock);
	}
	return 0;
}

static int mvgpu_irq_set_intx_mask(struct mvgpu_vgpu *vgpu,
				   struct vfio_irq_set *hdr, void *data,
				   bool mask)
{
	if (hdr->index != VFIO_PCI_INTX_IRQ_INDEX)
		return -ENOTTY;		/* vfio-pci cannot mask MSI either */
	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -EINVAL;		/* no irqfd-style unmask without KVM */
	if (!hdr->count)
		return 0;
	if ((hdr->flags & VFIO_IRQ_SET_DATA_BOOL) && !*(u8 *)data)
		return 0;

	spin_lock_irq(&vgpu->irq_lock);
	vgpu->irq.intx_masked = mask;
	mvgpu_irq_update_locked(vgpu);
	spin_unlock_irq(&vgpu->irq_lock);
	return 0;
}

/**
 * mvgpu_irq_set() - VFIO_DEVICE_SET_IRQS
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_irq_set and its data
 *
 * Context: process context; takes vgpu->lock.
 * Return: 0, -EFAULT, -EINVAL for a malformed request (bad flags, index,
 * range, eventfd), -ENOTTY for an action this index does not support.
 */
long mvgpu_irq_set(struct mvgpu_vgpu *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 mvgpu_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vgpu->lock);
	switch (hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = mvgpu_irq_set_trigger(vgpu, &hdr, data);
		break;
	case VFIO_IRQ_SET_ACTION_MASK:
		ret = mvgpu_irq_set_intx_mask(vgpu, &hdr, data, true);
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		ret = mvgpu_irq_set_intx_mask(vgpu, &hdr, data, false);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&vgpu->lock);
	kfree(data);
	return ret;
}
