// SPDX-License-Identifier: GPL-2.0
/*
 * The vGPU's VFIO device: ioctls, region access and mmap.
 */

#include <kunit/visibility.h>
#include <linux/memcontrol.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

#include "core/trace.h"

/**
 * DOC: Regions
 *
 * The vGPU is a vfio-pci device.  Region N starts at file offset
 * N << MVGPU_REGION_SHIFT (VFIO_DEVICE_GET_REGION_INFO reports it):
 *
 * - VFIO_PCI_CONFIG_REGION_INDEX: 256 bytes of config space, read/write;
 * - VFIO_PCI_BAR0_REGION_INDEX: the registers, read/write, trapped;
 * - VFIO_PCI_BAR2_REGION_INDEX: the VRAM aperture, read/write and mmap;
 * - all others: size 0.
 *
 * mvgpu_vgpu_rw() is the one choke point for read() and write(): an access
 * must lie wholly inside one region (else -EINVAL, nothing done) and is cut
 * into naturally aligned pieces of 8 (BAR0 only), 4, 2 and 1 bytes.
 */

static void mvgpu_vgpu_region_info(struct mvgpu_vgpu *vgpu, u32 index,
				   u64 *size, u32 *flags)
{
	*flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		*size = MVGPU_PCI_CONFIG_SIZE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		*size = MVGPU_BAR0_SIZE;
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		*size = vgpu->vram_size;
		*flags |= VFIO_REGION_INFO_FLAG_MMAP;
		break;
	default:
		*size = 0;
		*flags = 0;
		break;
	}
}

static long mvgpu_vgpu_get_region_info(struct mvgpu_vgpu *vgpu,
				       void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	mvgpu_vgpu_region_info(vgpu, info.index, &info.size, &info.flags);
	info.offset = (u64)info.index << MVGPU_REGION_SHIFT;
	info.cap_offset = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long mvgpu_vgpu_get_info(struct mvgpu_vgpu *vgpu, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long mvgpu_vgpu_ioctl(struct vfio_device *vdev, unsigned int cmd,
			     unsigned long arg)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mvgpu_vgpu_get_info(vgpu, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return mvgpu_vgpu_get_region_info(vgpu, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return mvgpu_irq_get_info(vgpu, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return mvgpu_irq_set(vgpu, uarg);
	case VFIO_DEVICE_RESET:
		/* Whatever the migration state: back to RUNNING too. */
		mvgpu_mig_device_reset(vgpu);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* One aligned piece of config space. */
static int mvgpu_vgpu_cfg_access(struct mvgpu_vgpu *vgpu, u32 off, u8 *buf,
				 u32 len, bool write)
{
	int ret;

	mutex_lock(&vgpu->lock);
	if (!write) {
		ret = mvgpu_cfg_read(&vgpu->cfg, off, buf, len);
	} else {
		ret = mvgpu_cfg_write(&vgpu->cfg, off, buf, len);
		if (!ret) {
			/* INTx disable and bus mastering live in config space. */
			spin_lock_irq(&vgpu->irq_lock);
			mvgpu_irq_command_locked(vgpu,
						 mvgpu_cfg_command(&vgpu->cfg));
			mvgpu_irq_update_locked(vgpu);
			spin_unlock_irq(&vgpu->irq_lock);
		}
	}
	mutex_unlock(&vgpu->lock);
	return ret;
}

/* One aligned piece of BAR0, and what it asks for. */
static int mvgpu_vgpu_mmio_access(struct mvgpu_vgpu *vgpu, u32 off, u8 *buf,
				  u32 len, bool write)
{
	unsigned int actions = 0;
	int ret;

	spin_lock_irq(&vgpu->irq_lock);
	ret = mvgpu_mmio_access(&vgpu->mmio, off, buf, len, write, &actions);
	if (actions & MVGPU_MMIO_ACT_IRQ)
		mvgpu_irq_update_locked(vgpu);
	spin_unlock_irq(&vgpu->irq_lock);

	if (actions & MVGPU_MMIO_ACT_RESET)
		mvgpu_vgpu_reset(vgpu, false);
	else if (actions & MVGPU_MMIO_ACT_ENGINE_RESET)
		mvgpu_vgpu_engine_reset(vgpu);
	if (actions & MVGPU_MMIO_ACT_DOORBELL)
		mvgpu_ctx_doorbell(&vgpu->ctx);
	return ret;
}

static ssize_t mvgpu_vgpu_rw_regs(struct mvgpu_vgpu *vgpu, u32 index,
				  char __user *ubuf, size_t count, u64 off,
				  bool write)
{
	u64 size;
	u32 flags;
	size_t done = 0;

	mvgpu_vgpu_region_info(vgpu, index, &size, &flags);
	if (off >= size || count > size - off)
		return -EINVAL;

	while (done < count) {
		size_t left = count - done;
		u8 piece[8];
		u32 len;
		int ret;

		if (index == VFIO_PCI_BAR0_REGION_INDEX && left >= 8 &&
		    !(off % 8))
			len = 8;
		else if (left >= 4 && !(off % 4))
			len = 4;
		else if (left >= 2 && !(off % 2))
			len = 2;
		else
			len = 1;

		if (write && copy_from_user(piece, ubuf + done, len))
			return done ?: -EFAULT;
		if (index == VFIO_PCI_CONFIG_REGION_INDEX)
			ret = mvgpu_vgpu_cfg_access(vgpu, off, piece, len, write);
		else
			ret = mvgpu_vgpu_mmio_access(vgpu, off, piece, len, write);
		if (ret)
			return done ?: ret;
		if (!write && copy_to_user(ubuf + done, piece, len))
			return done ?: -EFAULT;
		done += len;
		off += len;
	}
	return done;
}

/* BAR2: the backend's memory behind the vGPU's VRAM. */
static ssize_t mvgpu_vgpu_vram_rw(struct mvgpu_vgpu *vgpu, u64 off,
				  char __user *buf, size_t count, bool write)
{
	if (off >= vgpu->vram_size || count > vgpu->vram_size - off)
		return -EINVAL;
	return vgpu->gdev->be_ops->vram_rw(vgpu->bvram, off, buf, count, write);
}

/* The choke point of read() and write(); see DOC: Regions. */
static ssize_t mvgpu_vgpu_rw(struct mvgpu_vgpu *vgpu, char __user *buf,
			     size_t count, loff_t *ppos, bool write)
{
	u32 index;
	u64 off;
	ssize_t ret;

	if (*ppos < 0)
		return -EINVAL;
	if (!count)
		return 0;
	index = *ppos >> MVGPU_REGION_SHIFT;
	off = *ppos & MVGPU_REGION_MASK;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
	case VFIO_PCI_BAR0_REGION_INDEX:
		ret = mvgpu_vgpu_rw_regs(vgpu, index, buf, count, off, write);
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		ret = mvgpu_vgpu_vram_rw(vgpu, off, buf, count, write);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t mvgpu_vgpu_read(struct vfio_device *vdev, char __user *buf,
			       size_t count, loff_t *ppos)
{
	return mvgpu_vgpu_rw(container_of(vdev, struct mvgpu_vgpu, vdev),
			     buf, count, ppos, false);
}

static ssize_t mvgpu_vgpu_write(struct vfio_device *vdev,
				const char __user *buf, size_t count,
				loff_t *ppos)
{
	return mvgpu_vgpu_rw(container_of(vdev, struct mvgpu_vgpu, vdev),
			     (char __user *)buf, count, ppos, true);
}

static int mvgpu_vgpu_mmap(struct vfio_device *vdev,
			   struct vm_area_struct *vma)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	u64 index = (u64)vma->vm_pgoff >> (MVGPU_REGION_SHIFT - PAGE_SHIFT);

	if (index != VFIO_PCI_BAR2_REGION_INDEX)
		return -EINVAL;
	/* The backend sees offsets into the VRAM, not into the device file. */
	vma->vm_pgoff -= VFIO_PCI_BAR2_REGION_INDEX << (MVGPU_REGION_SHIFT - PAGE_SHIFT);
	return vgpu->gdev->be_ops->vram_mmap(vgpu->bvram, vma);
}

static int mvgpu_vgpu_open(struct vfio_device *vdev)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	struct kthread_worker *worker;
	struct mem_cgroup *memcg;
	char name[TASK_COMM_LEN];
	int ret;

	/* Its CPU time is the opener's cgroups'. */
	snprintf(name, sizeof(name), "mvgpu%u/v%u", vgpu->gdev->index,
		 vgpu->id);
	worker = mvgpu_host_worker_create(name);
	if (IS_ERR(worker)) {
		dev_err(vdev->dev,
			"cannot start the vGPU's worker in the opener's cgroups: %ld\n",
			PTR_ERR(worker));
		return PTR_ERR(worker);
	}
	/* The opener's memory cgroup pays for what the vGPU allocates. */
	memcg = current->mm ? get_mem_cgroup_from_mm(current->mm) : NULL;
	ret = vgpu->gdev->be_ops->vram_open(vgpu->bvram, memcg, worker);
	if (ret) {
		mem_cgroup_put(memcg);
		mvgpu_host_worker_destroy(worker);
		dev_err(vdev->dev, "cannot set up the VRAM aperture: %d\n", ret);
		return ret;
	}
	mutex_lock(&vgpu->lock);
	WRITE_ONCE(vgpu->memcg, memcg);
	WRITE_ONCE(vgpu->worker, worker);
	WRITE_ONCE(vgpu->open, true);
	mutex_unlock(&vgpu->lock);
	return 0;
}

static void mvgpu_vgpu_close(struct vfio_device *vdev)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	struct kthread_worker *worker;

	/* The next user starts from a clean device: no eventfds, no data. */
	mutex_lock(&vgpu->lock);
	WRITE_ONCE(vgpu->open, false);
	mvgpu_irq_disable_all(vgpu);
	mutex_unlock(&vgpu->lock);
	/* In any migration state: data files end, the next open is RUNNING. */
	mvgpu_mig_device_reset(vgpu);
	vgpu->gdev->be_ops->vram_close(vgpu->bvram);
	mutex_lock(&vgpu->lock);
	mem_cgroup_put(vgpu->memcg);
	WRITE_ONCE(vgpu->memcg, NULL);
	worker = vgpu->worker;
	WRITE_ONCE(vgpu->worker, NULL);
	mutex_unlock(&vgpu->lock);
	/* The reset above stopped every context: nothing is queued on it. */
	mvgpu_host_worker_destroy(worker);
}

static void mvgpu_vgpu_request(struct vfio_device *vdev, unsigned int count)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);

	mvgpu_irq_request(vgpu);
	/* Said once, then every 10th try (the VFIO core asks every 10 s). */
	if (count % 10 == 0)
		dev_info(vdev->dev,
			 "vGPU removal waits for user space to close the device (request %u)\n",
			 count);
}

/**
 * mvgpu_vgpu_reset() - reset a vGPU
 * @vgpu: the vGPU
 * @flr: a function-level reset (VFIO_DEVICE_RESET, close) that also
 *	returns config space to power-on; else a register-triggered reset
 *
 * Stops the vGPU's engine context, clears the registers and pending
 * interrupts, returns the GPU page table to its reset mapping (unpinning
 * all guest memory), zaps every mapping of the VRAM aperture and frees its
 * pages, so it reads as zero again.  Armed eventfds stay armed, as on
 * vfio-pci (QEMU re-arms them itself after a reset); a function-level reset
 * clears PCI_COMMAND, so MSI and guest-memory access wait until the guest
 * enables bus mastering again.  Returns when all of that is done.
 *
 * Context: process context; takes vgpu->lock.
 */
void mvgpu_vgpu_reset(struct mvgpu_vgpu *vgpu, bool flr)
{
	trace_mvgpu_reset(vgpu->id, flr ? "device" : "register");
	mutex_lock(&vgpu->lock);
	mvgpu_ctx_stop(&vgpu->ctx);
	if (flr)
		mvgpu_cfg_reset(&vgpu->cfg);
	spin_lock_irq(&vgpu->irq_lock);
	mvgpu_mmio_reset(&vgpu->mmio);
	/* A register reset keeps config space, and with it INTx disable. */
	mvgpu_irq_line_reset_locked(vgpu, mvgpu_cfg_command(&vgpu->cfg));
	spin_unlock_irq(&vgpu->irq_lock);
	/*
	 * The context's reset first: the backend may still be getting memory
	 * for it off the engine (a VRAM page a step waits for), and that must
	 * be over before the scrub, or it would back a page after it.  It
	 * stays stopped (doorbells ignored) until the scrub is over.
	 */
	mvgpu_ctx_clear(&vgpu->ctx);
	vgpu->gdev->be_ops->vram_scrub(vgpu->bvram);
	mvgpu_ctx_start(&vgpu->ctx);
	vgpu->resets++;
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vgpu_reset);

/**
 * mvgpu_vgpu_engine_reset() - reset only a vGPU's engine state
 * @vgpu: the vGPU
 *
 * For MVGPU_RESET_ENGINE_MAGIC: stops the ring, drops the command in flight,
 * returns the ring and error registers and the page table to their reset
 * state.  VRAM, config space and interrupt registers stay.
 *
 * Context: process context; takes vgpu->lock.
 */
void mvgpu_vgpu_engine_reset(struct mvgpu_vgpu *vgpu)
{
	trace_mvgpu_reset(vgpu->id, "engine");
	mutex_lock(&vgpu->lock);
	mvgpu_ctx_stop(&vgpu->ctx);
	spin_lock_irq(&vgpu->irq_lock);
	mvgpu_mmio_engine_reset(&vgpu->mmio);
	spin_unlock_irq(&vgpu->irq_lock);
	mvgpu_ctx_restart(&vgpu->ctx);
	vgpu->resets++;
	mutex_unlock(&vgpu->lock);
}

/* VFIO: the VM unmapped guest memory; the GPU must not reach it any more. */
static void mvgpu_vgpu_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);

	mvgpu_ctx_dma_unmap(&vgpu->ctx, iova, length);
}

const struct vfio_device_ops mvgpu_vgpu_ops = {
	.name = "mvgpu",
	.init = mvgpu_vgpu_init,
	.release = mvgpu_vgpu_release,
	.open_device = mvgpu_vgpu_open,
	.close_device = mvgpu_vgpu_close,
	.request = mvgpu_vgpu_request,
	.ioctl = mvgpu_vgpu_ioctl,
	.read = mvgpu_vgpu_read,
	.write = mvgpu_vgpu_write,
	.mmap = mvgpu_vgpu_mmap,
	.dma_unmap = mvgpu_vgpu_dma_unmap,
};
