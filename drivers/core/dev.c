// SPDX-License-Identifier: GPL-2.0
/*
 * The physical GPU as an mdev parent.
 */

#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

#include "params.h"

/**
 * DOC: Parent devices
 *
 * Each software GPU is a platform device ``mvgpu.N`` bound to the platform
 * driver ``mvgpu``, whose probe registers it as an mdev parent: it appears as
 * ``/sys/class/mdev_bus/mvgpu.N`` with the types of mvgpu_profiles[] under
 * ``mdev_supported_types`` (the mdev core prefixes the bound driver's name:
 * ``mvgpu-1_8`` ...).  Its backend (DOC: Backend contract) is the one the
 * module chose, the software GPU; a hardware backend would bind a PCI
 * driver the same way and nothing above this file would care.
 *
 * Teardown is the reverse: unbinding (module unload) calls
 * mdev_unregister_parent(), which removes every vGPU (each removal waits
 * until user space has closed the vGPU's device file), then drops the
 * parent's reference on struct mvgpu_dev.
 */

static void mvgpu_dev_init_types(struct mvgpu_dev *gdev)
{
	unsigned int i;

	for (i = 0; i < MVGPU_NUM_TYPES; i++) {
		struct mvgpu_type *type = &gdev->types[i];

		type->profile = &mvgpu_profiles[i];
		type->vram = mvgpu_profile_vram(type->profile, gdev->vram_size);
		snprintf(type->pretty_name, sizeof(type->pretty_name),
			 "mvgpu 1/%u (%llu MiB)", type->profile->divisor,
			 type->vram / SZ_1M);
		type->mtype.sysfs_name = type->profile->sysfs_name;
		type->mtype.pretty_name = type->pretty_name;
		gdev->mdev_types[i] = &type->mtype;
	}
}

static void mvgpu_dev_free(struct kref *ref)
{
	struct mvgpu_dev *gdev = container_of(ref, struct mvgpu_dev, ref);

	/* The last vGPU's release dropped the last reference but one. */
	WARN_ON_ONCE(!xa_empty(&gdev->vgpus));
	xa_destroy(&gdev->vgpus);
	mvgpu_sched_fini(gdev);
	gdev->be_ops->gpu_destroy(gdev->be);
	mvgpu_pool_fini(&gdev->pool);
	kfree(gdev);
}

/**
 * mvgpu_dev_put() - drop a reference to a GPU
 * @gdev: the GPU
 *
 * Each vGPU holds a reference from its init to its release, so a vGPU whose
 * release runs late still finds its GPU's VRAM pool and id table.
 *
 * Context: any.
 */
void mvgpu_dev_put(struct mvgpu_dev *gdev)
{
	kref_put(&gdev->ref, mvgpu_dev_free);
}

/* The GPU itself: its backend, then the scheduler that drives it. */
static int mvgpu_dev_backend_init(struct mvgpu_dev *gdev,
				  const struct mvgpu_params *params)
{
	struct mvgpu_gpu_config cfg = {
		.index = gdev->index,
		.vram_size = (u64)params->vram_mb * SZ_1M,
		.nr_engines = params->engines,
		.watchdog_ms = params->watchdog_ms,
		.preempt_req = gdev->sched.preempt_req,
	};
	int ret;

	gdev->be_ops = params->backend;
	gdev->be = gdev->be_ops->gpu_create(&cfg, &mvgpu_core_ops, gdev);
	if (IS_ERR(gdev->be))
		return PTR_ERR(gdev->be);
	ret = mvgpu_sched_init(gdev, params->engines, params->sched_mode,
			       (u64)params->timeslice_us * NSEC_PER_USEC,
			       (u64)params->boost_ms * NSEC_PER_MSEC);
	if (ret) {
		gdev->be_ops->gpu_destroy(gdev->be);
		return ret;
	}
	gdev->sched.preempt_timeout_ns = (u64)params->watchdog_ms * NSEC_PER_MSEC;
	return 0;
}

static int mvgpu_dev_probe(struct platform_device *pdev)
{
	const struct mvgpu_params *params = dev_get_platdata(&pdev->dev);
	struct mvgpu_dev *gdev;
	int ret;

	if (!params)
		return -EINVAL;

	gdev = kzalloc(sizeof(*gdev), GFP_KERNEL);
	if (!gdev)
		return -ENOMEM;

	ret = mvgpu_pool_init(&gdev->pool, (u64)params->vram_mb * SZ_1M);
	if (ret) {
		dev_err(&pdev->dev, "cannot set up the VRAM pool: %d\n", ret);
		kfree(gdev);
		return ret;
	}
	gdev->pdev = pdev;
	gdev->index = pdev->id;
	ret = mvgpu_dev_backend_init(gdev, params);
	if (ret) {
		dev_err(&pdev->dev, "cannot start the %s with %u engines: %d\n",
			params->backend->name, params->engines, ret);
		mvgpu_pool_fini(&gdev->pool);
		kfree(gdev);
		return ret;
	}
	kref_init(&gdev->ref);
	gdev->vram_size = (u64)params->vram_mb * SZ_1M;
	gdev->num_engines = params->engines;
	xa_init_flags(&gdev->vgpus, XA_FLAGS_ALLOC1);
	mvgpu_dev_init_types(gdev);

	ret = mdev_register_parent(&gdev->parent, &pdev->dev,
				   &mvgpu_vgpu_driver, gdev->mdev_types,
				   MVGPU_NUM_TYPES);
	if (ret) {
		dev_err(&pdev->dev, "cannot register mdev parent: %d\n", ret);
		goto err_put;
	}
	platform_set_drvdata(pdev, gdev);
	mvgpu_debugfs_gpu_init(gdev);

	dev_info(&pdev->dev,
		 "%s: %u MiB VRAM, %u engines, %s scheduler, %u us slice\n",
		 gdev->be_ops->name, params->vram_mb, params->engines,
		 mvgpu_params_sched_name(params->sched_mode),
		 params->timeslice_us);
	return 0;

err_put:
	mvgpu_dev_put(gdev);
	return ret;
}

static int mvgpu_dev_remove(struct platform_device *pdev)
{
	struct mvgpu_dev *gdev = platform_get_drvdata(pdev);

	mvgpu_debugfs_gpu_fini(gdev);
	mdev_unregister_parent(&gdev->parent);
	platform_set_drvdata(pdev, NULL);
	mvgpu_dev_put(gdev);
	return 0;
}

/* VRAM pool usage, in /sys/devices/platform/mvgpu.N/ */
static ssize_t vram_total_bytes_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct mvgpu_dev *gdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", gdev->pool.size);
}
static DEVICE_ATTR_RO(vram_total_bytes);

static ssize_t vram_allocated_bytes_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	struct mvgpu_dev *gdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n",
			  gdev->pool.size - mvgpu_pool_avail(&gdev->pool));
}
static DEVICE_ATTR_RO(vram_allocated_bytes);

static ssize_t vram_backed_bytes_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct mvgpu_dev *gdev = dev_get_drvdata(dev);

	struct mvgpu_vgpu *vgpu;
	unsigned long id;
	u64 backed = 0;

	xa_lock(&gdev->vgpus);
	xa_for_each(&gdev->vgpus, id, vgpu)
		if (vgpu->bvram)
			backed += gdev->be_ops->vram_backed(vgpu->bvram);
	xa_unlock(&gdev->vgpus);
	return sysfs_emit(buf, "%llu\n", backed);
}
static DEVICE_ATTR_RO(vram_backed_bytes);

static ssize_t sched_stats_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct mvgpu_dev *gdev = dev_get_drvdata(dev);
	struct mvgpu_sched_summary s;

	mvgpu_sched_summary(gdev, &s);
	return sysfs_emit(buf,
			  "mode %s\nengines %u\nswitches %llu\nswitch_ns_mean %llu\nctx_switches %llu\nctx_switch_ns_mean %llu\nbusy_ns %llu\nutilisation_ppm %u\ntlb_hits %llu\ntlb_misses %llu\nsteps %llu\nstep_p50_ns %llu\nstep_p99_ns %llu\nstep_max_ns %llu\npreemptions %llu\npreempt_latency_p50_ns %llu\npreempt_latency_p99_ns %llu\npreempt_latency_max_ns %llu\n",
			  mvgpu_params_sched_name(s.mode), s.engines, s.switches,
			  s.switches ? div64_u64(s.switch_ns, s.switches) : 0,
			  s.ctx_switches,
			  s.ctx_switches ?
			  div64_u64(s.ctx_switch_ns, s.ctx_switches) : 0,
			  s.busy_ns, s.util_ppm, s.tlb_hits, s.tlb_misses,
			  s.steps, s.step_p50_ns, s.step_p99_ns, s.step_max_ns,
			  s.preempts, s.preempt_p50_ns, s.preempt_p99_ns,
			  s.preempt_max_ns);
}
static DEVICE_ATTR_RO(sched_stats);

static struct attribute *mvgpu_dev_attrs[] = {
	&dev_attr_sched_stats.attr,
	&dev_attr_vram_total_bytes.attr,
	&dev_attr_vram_allocated_bytes.attr,
	&dev_attr_vram_backed_bytes.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mvgpu_dev);

/*
 * Binds the software GPUs' platform devices.  Registered by module init after
 * the mdev driver and before any GPU is created (mvgpu_dev_create()).
 */
struct platform_driver mvgpu_dev_driver = {
	.driver = {
		.name = "mvgpu",
		.dev_groups = mvgpu_dev_groups,
	},
	.probe = mvgpu_dev_probe,
	.remove = mvgpu_dev_remove,
};

/**
 * mvgpu_dev_create() - create a software GPU and register it as mdev parent
 * @index: N of ``mvgpu.N``
 * @params: validated module parameters; copied
 *
 * Context: process context, module init, after mvgpu_dev_driver is
 * registered (so the device is probed before this returns).
 * Return: the GPU's platform device, or an ERR_PTR() on failure (nothing
 * left behind; the probe said why in the kernel log).
 */
struct platform_device *mvgpu_dev_create(unsigned int index,
					 const struct mvgpu_params *params)
{
	struct platform_device *pdev;

	pdev = platform_device_register_data(NULL, "mvgpu", index, params,
					     sizeof(*params));
	if (IS_ERR(pdev)) {
		pr_err("mvgpu: cannot register platform device mvgpu.%u: %ld\n",
		       index, PTR_ERR(pdev));
		return pdev;
	}
	if (!platform_get_drvdata(pdev)) {
		/* The probe failed and logged why. */
		platform_device_unregister(pdev);
		return ERR_PTR(-ENODEV);
	}
	return pdev;
}

/**
 * mvgpu_dev_destroy() - remove all vGPUs of a GPU and the GPU itself
 * @pdev: what mvgpu_dev_create() returned
 *
 * Blocks while a vGPU's device file is still open (see DOC: Parent devices).
 *
 * Context: process context, module exit.
 */
void mvgpu_dev_destroy(struct platform_device *pdev)
{
	platform_device_unregister(pdev);
}
