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

	/*
	 * Reserve the id now (a NULL entry, which readers of the table skip)
	 * and publish the vGPU only once it is whole: sysfs and debugfs walk
	 * the table under its lock and use what they find.
	 */
	ret = xa_alloc(&gdev->vgpus, &vgpu->id, NULL, xa_limit_31b, GFP_KERNEL);
	if (ret) {
		dev_err(vdev->dev, "cannot allocate a vGPU id: %d\n", ret);
		return ret;
	}

	vgpu->mdev = mdev;
	vgpu->gdev = gdev;
	vgpu->type = type;
	vgpu->vram_size = type->vram;

	ret = mvgpu_pool_alloc(&gdev->pool, vgpu->vram_size, &vgpu->vram);
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
	vgpu->bvram = gdev->be_ops->vram_create(gdev->be, &vgpu->vram);
	if (IS_ERR(vgpu->bvram)) {
		ret = PTR_ERR(vgpu->bvram);
		vgpu->bvram = NULL;
		dev_err(vdev->dev, "cannot set up its VRAM: %d\n", ret);
		goto err_free_vram;
	}
	vgpu->num_contexts = min_t(u32, type->profile->contexts, MVGPU_CTX_MAX);
	mutex_init(&vgpu->ctxs_lock);
	mvgpu_vsched_init(&vgpu->vs, vgpu, type->profile->weight);
	mvgpu_aspace_budget_init(&vgpu->budget, vgpu->vram_size);
	ret = mvgpu_ctx_init(&vgpu->ctx, vgpu, vdev, 0, MVGPU_CTX_PRIO_HIGH);
	if (ret) {
		dev_err(vdev->dev, "cannot set up the engine context: %d\n", ret);
		goto err_destroy_bvram;
	}
	vgpu->ctxs[0] = &vgpu->ctx;
	mutex_init(&vgpu->lock);
	spin_lock_init(&vgpu->irq_lock);
	mvgpu_cfg_init(&vgpu->cfg, type->profile->divisor, MVGPU_BAR0_SIZE,
		       vgpu->vram_size);
	mvgpu_mmio_init(&vgpu->mmio, vgpu->id, vgpu->vram_size,
			gdev->num_engines, mvgpu_watchdog_ms, vgpu->num_contexts);
	mvgpu_irq_init(&vgpu->irq);
	mvgpu_mig_init(vgpu);
	mvgpu_dev_get(gdev);
	/* The id is reserved: this store allocates nothing and cannot fail. */
	xa_store(&gdev->vgpus, vgpu->id, vgpu, GFP_KERNEL);

	dev_info(vdev->dev, "vGPU %u created: type %s, %llu MiB VRAM\n",
		 vgpu->id, type->profile->sysfs_name, vgpu->vram_size / SZ_1M);
	return 0;

err_destroy_bvram:
	gdev->be_ops->vram_destroy(vgpu->bvram);
err_free_vram:
	mvgpu_pool_free(&gdev->pool, &vgpu->vram);
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

	/* Unpublish first: nothing that walks the table may find it half gone. */
	xa_erase(&gdev->vgpus, vgpu->id);
	mvgpu_mig_fini(vgpu);
	/* Closing destroyed them; this is in case of an error path. */
	mvgpu_ctx_stop(&vgpu->ctx);
	mvgpu_vgpu_ctxs_destroy(vgpu);
	mvgpu_ctx_fini(&vgpu->ctx);
	gdev->be_ops->vram_destroy(vgpu->bvram);
	mvgpu_pool_free(&gdev->pool, &vgpu->vram);
	mutex_destroy(&vgpu->ctxs_lock);
	mutex_destroy(&vgpu->lock);
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
	mvgpu_debugfs_vgpu_init(vgpu);
	return 0;

err_put_vdev:
	vfio_put_device(&vgpu->vdev);
	return ret;
}

static void mvgpu_vgpu_remove(struct mdev_device *mdev)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(&mdev->dev);

	mvgpu_debugfs_vgpu_fini(vgpu);
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
			  "vram=%lluM max_instances=%u weight=%u engines=%u contexts=%u\n",
			  type->vram / SZ_1M, type->profile->divisor,
			  type->profile->weight, gdev->num_engines,
			  type->profile->contexts);
}

/*
 * Commands completed (or with @faults, faults) since the vGPU was created,
 * in all its contexts, those destroyed included (racy: statistics).
 */
static u64 mvgpu_vgpu_count(struct mvgpu_vgpu *vgpu, bool faults)
{
	struct mvgpu_sched *sched = &vgpu->gdev->sched;
	u64 n;
	u32 id;

	spin_lock_irq(&sched->lock);
	n = faults ? vgpu->vs.gone_faults : vgpu->vs.gone_cmds;
	for (id = 0; id < vgpu->num_contexts; id++) {
		struct mvgpu_ctx *ctx = vgpu->ctxs[id];

		if (ctx && faults)
			n += READ_ONCE(ctx->faults);
		else if (ctx)
			n += READ_ONCE(ctx->cmds_before) +
			     READ_ONCE(ctx->cmds_done);
	}
	spin_unlock_irq(&sched->lock);
	return n;
}

static u64 mvgpu_vgpu_cmds(struct mvgpu_vgpu *vgpu)
{
	return mvgpu_vgpu_count(vgpu, false);
}

/* Read-only facts about a vGPU, in /sys/bus/mdev/devices/$UUID/mvgpu/. */
static ssize_t vgpu_id_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", vgpu->id);
}
static DEVICE_ATTR_RO(vgpu_id);

static ssize_t open_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", READ_ONCE(vgpu->open));
}
static DEVICE_ATTR_RO(open);

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

	return sysfs_emit(buf, "%llu\n",
			  vgpu->gdev->be_ops->vram_backed(vgpu->bvram));
}
static DEVICE_ATTR_RO(vram_used_bytes);

static ssize_t cmds_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", mvgpu_vgpu_cmds(vgpu));
}
static DEVICE_ATTR_RO(cmds);

static ssize_t faults_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", mvgpu_vgpu_count(vgpu, true));
}
static DEVICE_ATTR_RO(faults);

static ssize_t busy_ns_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(vgpu->vs.busy_ns));
}
static DEVICE_ATTR_RO(busy_ns);

/* Scheduler knobs: weight, priority, cap; they act at once. */
static ssize_t mvgpu_vgpu_knob_store(struct device *dev, const char *buf,
				     size_t count, enum mvgpu_knob knob)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);
	u32 val;
	int ret;

	ret = kstrtou32(buf, 0, &val);
	if (ret)
		return ret;
	ret = mvgpu_ctx_set_knob(&vgpu->ctx, knob, val);
	if (ret)
		dev_dbg(dev, "scheduler knob value %u out of range\n", val);
	return ret ?: count;
}

static ssize_t weight_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(vgpu->vs.se.weight));
}

static ssize_t weight_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	return mvgpu_vgpu_knob_store(dev, buf, count, MVGPU_KNOB_WEIGHT);
}
static DEVICE_ATTR_RW(weight);

static ssize_t priority_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(vgpu->vs.se.prio));
}

static ssize_t priority_store(struct device *dev,
			      struct device_attribute *attr, const char *buf,
			      size_t count)
{
	return mvgpu_vgpu_knob_store(dev, buf, count, MVGPU_KNOB_PRIO);
}
static DEVICE_ATTR_RW(priority);

static ssize_t cap_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(vgpu->vs.se.cap));
}

static ssize_t cap_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	return mvgpu_vgpu_knob_store(dev, buf, count, MVGPU_KNOB_CAP);
}
static DEVICE_ATTR_RW(cap);

/* Scheduler statistics, one value per file; see DOC: vGPU statistics. */
static ssize_t sched_stats_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);
	struct mvgpu_sched *sched = &vgpu->gdev->sched;
	struct mvgpu_vsched *vs = &vgpu->vs;
	struct mvgpu_sched_stats *st;
	u64 now = ktime_get_ns(), p50, p99, share;
	int len;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	spin_lock_irq(&sched->lock);
	*st = vs->se.stats;
	share = now - vs->win_start > 2 * NSEC_PER_SEC ? 0 : vs->share_ppm;
	spin_unlock_irq(&sched->lock);
	p50 = mvgpu_wait_percentile(st, 50);
	p99 = mvgpu_wait_percentile(st, 99);
	len = sysfs_emit(buf,
			 "busy_ns %llu\nshare_ppm %llu\nruns %llu\npreemptions %llu\ndemotions %llu\npromotions %llu\nboosts %llu\nwait_p50_ns %llu\nwait_p99_ns %llu\nfaults %llu\ncmds %llu\n",
			 st->service_ns, share, st->runs, st->preemptions,
			 st->demotions, st->promotions, st->boosts, p50, p99,
			 mvgpu_vgpu_count(vgpu, true), mvgpu_vgpu_cmds(vgpu));
	kfree(st);
	return len;
}
static DEVICE_ATTR_RO(sched_stats);

static ssize_t gpt_bytes_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct mvgpu_vgpu *vgpu = dev_get_drvdata(dev);

	/* Every context's tables, the roots of contexts but 0's included. */
	return sysfs_emit(buf, "%lu\n",
			  atomic_long_read(&vgpu->budget.tables.used) * PAGE_SIZE);
}
static DEVICE_ATTR_RO(gpt_bytes);

static struct attribute *mvgpu_vgpu_attrs[] = {
	&dev_attr_vgpu_id.attr,
	&dev_attr_open.attr,
	&dev_attr_vram_bytes.attr,
	&dev_attr_vram_used_bytes.attr,
	&dev_attr_cmds.attr,
	&dev_attr_faults.attr,
	&dev_attr_busy_ns.attr,
	&dev_attr_gpt_bytes.attr,
	&dev_attr_weight.attr,
	&dev_attr_priority.attr,
	&dev_attr_cap.attr,
	&dev_attr_sched_stats.attr,
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
