// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU lifecycle and the VFIO device glue.
 */

#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
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
 *    mvgpu_vgpu_init(), which reserves the type's VRAM on the parent
 *    (-ENOSPC if it does not fit) and takes an id;
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

static int mvgpu_vgpu_init(struct vfio_device *vdev)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	struct mvgpu_dev *gdev = mvgpu_dev_from_mtype(mdev->type);
	struct mvgpu_type *type = mvgpu_type_from_mtype(mdev->type);
	int ret;

	ret = mvgpu_capacity_take(&gdev->capacity, type->vram);
	if (ret) {
		dev_err(vdev->dev,
			"cannot create %s vGPU: needs %llu MiB VRAM, %llu MiB free on mvgpu.%u\n",
			type->profile->sysfs_name, type->vram / SZ_1M,
			(u64)atomic64_read(&gdev->capacity.free) / SZ_1M,
			gdev->index);
		return ret;
	}

	ret = xa_alloc(&gdev->vgpus, &vgpu->id, vgpu, xa_limit_31b, GFP_KERNEL);
	if (ret) {
		dev_err(vdev->dev, "cannot allocate a vGPU id: %d\n", ret);
		goto err_give_vram;
	}

	vgpu->mdev = mdev;
	vgpu->gdev = gdev;
	vgpu->type = type;
	vgpu->vram_size = type->vram;
	mvgpu_dev_get(gdev);

	dev_info(vdev->dev, "vGPU %u created: type %s, %llu MiB VRAM\n",
		 vgpu->id, type->profile->sysfs_name, vgpu->vram_size / SZ_1M);
	return 0;

err_give_vram:
	mvgpu_capacity_give(&gdev->capacity, type->vram);
	return ret;
}

static void mvgpu_vgpu_release(struct vfio_device *vdev)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	struct mvgpu_dev *gdev = vgpu->gdev;

	xa_erase(&gdev->vgpus, vgpu->id);
	mvgpu_capacity_give(&gdev->capacity, vgpu->vram_size);
	vfio_free_device(vdev);
	mvgpu_dev_put(gdev);
}

static void mvgpu_vgpu_request(struct vfio_device *vdev, unsigned int count)
{
	/* Said once, then every 10th try (the VFIO core asks every 10 s). */
	if (count % 10 == 0)
		dev_info(vdev->dev,
			 "vGPU removal waits for user space to close the device (request %u)\n",
			 count);
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

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mvgpu_vgpu_get_info(vgpu, (void __user *)arg);
	case VFIO_DEVICE_RESET:
		return 0;
	default:
		return -ENOTTY;
	}
}

static ssize_t mvgpu_vgpu_read(struct vfio_device *vdev, char __user *buf,
			       size_t count, loff_t *ppos)
{
	/* The device model (config space, BARs) comes with the next layer. */
	return -EINVAL;
}

static ssize_t mvgpu_vgpu_write(struct vfio_device *vdev,
				const char __user *buf, size_t count,
				loff_t *ppos)
{
	return -EINVAL;
}

static const struct vfio_device_ops mvgpu_vgpu_ops = {
	.name = "mvgpu",
	.init = mvgpu_vgpu_init,
	.release = mvgpu_vgpu_release,
	.request = mvgpu_vgpu_request,
	.ioctl = mvgpu_vgpu_ioctl,
	.read = mvgpu_vgpu_read,
	.write = mvgpu_vgpu_write,
};

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

	return mvgpu_capacity_avail(&gdev->capacity, type->vram);
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

static struct attribute *mvgpu_vgpu_attrs[] = {
	&dev_attr_vgpu_id.attr,
	&dev_attr_vram_bytes.attr,
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
