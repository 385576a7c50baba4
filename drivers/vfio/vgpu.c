// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU lifecycle: the mdev driver, init and release, per-vGPU sysfs.
 */

#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/vfio.h>

#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

/**
 * DOC: vGPU lifecycle
 *
 * ``echo $UUID > .../mdev_supported_types/mvgpu-1_D/create`` makes the mdev
 * core probe mvgpu_vgpu_probe():
 *
 * 1. vfio_alloc_device() allocates struct mvgpu_vgpu and calls
 *    mvgpu_vgpu_init(), which takes an id and allocates the type's VRAM
 *    from the parent's pool (-ENOSPC if it does not fit);
 * 2. vfio_register_emulated_iommu_dev() puts the vGPU in an IOMMU group of
 *    its own, so ``/dev/vfio/N`` appears.
 *
 * ``echo 1 > /sys/bus/mdev/devices/$UUID/remove`` calls mvgpu_vgpu_remove():
 * vfio_unregister_group_dev() first asks the user to let go
 * (mvgpu_vgpu_request()) and then *waits until every file descriptor of the
 * device is closed*; so removing an open vGPU blocks the writer until QEMU
 * or the test client closes it, and nothing is freed under a user.  The last
 * reference runs mvgpu_vgpu_release(), which gives the VRAM back.
 *
 * ``rmmod mvgpu`` removes all vGPUs that way; while a vGPU's device file is
 * open the VFIO core holds a reference on this module, so rmmod fails with
 * -EBUSY instead of blocking.
 */

/**
 * mvgpu_vgpu_init() - &vfio_device_ops.init: the vGPU's init ladder
 * @vdev: the new VFIO device, embedded in a zeroed struct mvgpu_vgpu
 *
 * Context: process context, from vfio_alloc_device() in probe.
 * Return: 0, -ENOSPC if the GPU lacks the type's VRAM, or another -errno;
 * on failure everything done here is undone.
 */
int mvgpu_vgpu_init(struct vfio_device *vdev)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	struct mvgpu_dev *gdev = mvgpu_dev_from_mtype(mdev->type);
	struct mvgpu_type *type = mvgpu_type_from_mtype(mdev->type);
	int ret;

	ret = xa_alloc(&gdev->vgpus, &vgpu->id, vgpu, xa_limit_31b, GFP_KERNEL);
	if (ret) {
		dev_err(vdev->dev, "cannot allocate a vGPU id: %d\n", ret);
		return ret;
	}

	vgpu->mdev = mdev;
	vgpu->gdev = gdev;
	vgpu->type = type;
	vgpu->vram_size = type->vram;

	ret = mvgpu_vram_init(&vgpu->vram, &gdev->pool, vgpu->vram_size,
			      (u64)VFIO_PCI_BAR2_REGION_INDEX <<
			      (MVGPU_REGION_SHIFT - PAGE_SHIFT));
	if (ret == -ENOSPC) {
		dev_err(vdev->dev,
			"cannot create %s vGPU: needs %llu MiB VRAM, %llu MiB free on mvgpu.%u\n",
			type->profile->sysfs_name, type->vram / SZ_1M,
			mvgpu_pool_avail(&gdev->pool) / SZ_1M, gdev->index);
		goto err_erase_id;
	} else if (ret) {
		dev_err(vdev->dev, "cannot allocate %llu MiB of VRAM: %d\n",
			vgpu->vram_size / SZ_1M, ret);
		goto err_erase_id;
	}
	mutex_init(&vgpu->lock);
	spin_lock_init(&vgpu->irq_lock);
	mvgpu_cfg_init(&vgpu->cfg, type->profile->divisor, MVGPU_BAR0_SIZE,
		       vgpu->vram_size);
	mvgpu_mmio_init(&vgpu->mmio, vgpu->id, vgpu->vram_size,
			gdev->num_engines);
	mvgpu_irq_init(&vgpu->irq);
	mvgpu_dev_get(gdev);

	dev_info(vdev->dev, "vGPU %u created: type %s, %llu MiB VRAM\n",
		 vgpu->id, type->profile->sysfs_name, vgpu->vram_size / SZ_1M);
	return 0;

err_erase_id:
	xa_erase(&gdev->vgpus, vgpu->id);
	return ret;
}

/**
 * mvgpu_vgpu_release() - &vfio_device_ops.release: undo mvgpu_vgpu_init()
 * @vdev: the VFIO device, its last reference gone
 *
 * Context: process context.
 */
void mvgpu_vgpu_release(struct vfio_device *vdev)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	struct mvgpu_dev *gdev = vgpu->gdev;

	mvgpu_vram_fini(&vgpu->vram);
	mutex_destroy(&vgpu->lock);
	xa_erase(&gdev->vgpus, vgpu->id);
	vfio_free_device(vdev);
	mvgpu_dev_put(gdev);
}

static int mvgpu_vgpu_probe(struct mdev_device *mdev)
{
	struct mvgpu_vgpu *vgpu;
	int ret;

	vgpu = vfio_alloc_device(mvgpu_vgpu, vdev, &mdev->dev, &mvgpu_vgpu_ops);
	if (IS_ERR(vgpu))
		return PTR_ERR(vgpu);

	ret = vfio_register_emulated_iommu_dev(&vgpu->vdev);
	if (ret) {
		dev_err(&mdev->dev, "cannot register VFIO device: %d\n", ret);
		goto err_put_vdev;
	}
	dev_set_drvdata(&mdev->dev, vgpu);
	return 0;

err_put_vdev:
	vfio_put_device(&vgpu->vdev);
	return ret;
}

static void mvgpu_vgpu_remove(struct mdev_device *mdev)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&vgpu->vdev);
	vfio_put_device(&vgpu->vdev);
}

static unsigned int mvgpu_vgpu_get_available(struct mdev_type *mtype)
{
	struct mvgpu_dev *gdev = mvgpu_dev_from_mtype(mtype);
	struct mvgpu_type *type = mvgpu_type_from_mtype(mtype);

	return mvgpu_pool_fit(&gdev->pool, type->vram);
}

static ssize_t mvgpu_vgpu_show_description(struct mdev_type *mtype, char *buf)
{
	struct mvgpu_dev *gdev = mvgpu_dev_from_mtype(mtype);
	struct mvgpu_type *type = mvgpu_type_from_mtype(mtype);

	return sysfs_emit(buf,
			  "vram=%lluM max_instances=%u weight=%u engines=%u\n",
			  type->vram / SZ_1M, type->profile->divisor,
			  type->profile->weight, gdev->num_engines);
}

/* Read-only facts about a vGPU, in /sys/bus/mdev/devices/$UUID/mvgpu/. */
static ssize_t vgpu_id_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", vgpu->id);
}
static DEVICE_ATTR_RO(vgpu_id);

static ssize_t vram_bytes_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", vgpu->vram_size);
}
static DEVICE_ATTR_RO(vram_bytes);

static ssize_t vram_used_bytes_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", mvgpu_vram_backed_bytes(&vgpu->vram));
}
static DEVICE_ATTR_RO(vram_used_bytes);

static struct attribute *mvgpu_vgpu_attrs[] = {
	&dev_attr_vgpu_id.attr,
	&dev_attr_vram_bytes.attr,
	&dev_attr_vram_used_bytes.attr,
	NULL,
};

static const struct attribute_group mvgpu_vgpu_group = {
	.name = "mvgpu",
	.attrs = mvgpu_vgpu_attrs,
};

static const struct attribute_group *mvgpu_vgpu_groups[] = {
	&mvgpu_vgpu_group,
	NULL,
};

struct mdev_driver mvgpu_vgpu_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = "mvgpu",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = mvgpu_vgpu_groups,
	},
	.probe = mvgpu_vgpu_probe,
	.remove = mvgpu_vgpu_remove,
	.get_available = mvgpu_vgpu_get_available,
	.show_description = mvgpu_vgpu_show_description,
};
