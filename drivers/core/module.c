// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu: share a GPU between virtual machines by mediated pass-through.
 *
 * Module parameters and the registration order of the parts.
 */

#include <linux/module.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>

#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

#include "params.h"

static struct mvgpu_params mvgpu_params = {
	.num_gpus = 1,
	.vram_mb = 1024,
	.engines = 2,
	.timeslice_us = 1000,
	.boost_ms = 100,
	.watchdog_ms = 5000,
};

unsigned int mvgpu_watchdog_ms = 5000;
static char *mvgpu_sched = "mlfq";
static bool mvgpu_vram_overcommit;

module_param_named(num_gpus, mvgpu_params.num_gpus, uint, 0444);
MODULE_PARM_DESC(num_gpus, "Number of software GPUs (mdev parents mvgpu.N), 1-8 (default 1)");
module_param_named(vram_mb, mvgpu_params.vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb, "VRAM per GPU in MiB, a power of two, 64-65536 (default 1024)");
module_param_named(engines, mvgpu_params.engines, uint, 0444);
MODULE_PARM_DESC(engines, "Engines per GPU, 1-8 (default 2)");
module_param_named(sched, mvgpu_sched, charp, 0444);
MODULE_PARM_DESC(sched, "Scheduling policy: mlfq (default), rr, equal or fixed");
module_param_named(timeslice_us, mvgpu_params.timeslice_us, uint, 0444);
MODULE_PARM_DESC(timeslice_us, "Time slice at the top level in us, 100-100000 (default 1000)");
module_param_named(boost_ms, mvgpu_params.boost_ms, uint, 0444);
MODULE_PARM_DESC(boost_ms, "MLFQ boost period in ms, 10-10000 (default 100)");
module_param_named(watchdog_ms, mvgpu_params.watchdog_ms, uint, 0444);
MODULE_PARM_DESC(watchdog_ms, "Longest a command may run in ms, 10-600000 (default 5000)");
module_param_named(vram_overcommit, mvgpu_vram_overcommit, bool, 0444);
MODULE_PARM_DESC(vram_overcommit, "Allow more VRAM (num_gpus * vram_mb) than the host has memory (default N)");

static struct platform_device *mvgpu_gpus[MVGPU_MAX_GPUS];

static void mvgpu_destroy_gpus(void)
{
	int i;

	for (i = MVGPU_MAX_GPUS - 1; i >= 0; i--) {
		if (mvgpu_gpus[i])
			mvgpu_dev_destroy(mvgpu_gpus[i]);
		mvgpu_gpus[i] = NULL;
	}
}

static int __init mvgpu_init(void)
{
	const char *why;
	unsigned int i;
	int ret;

	mvgpu_params.sched_mode = mvgpu_params_parse_sched(mvgpu_sched);
	mvgpu_params.vram_overcommit = mvgpu_vram_overcommit;
	mvgpu_params.backend = &mvgpu_sw_backend_ops;
	mvgpu_params.host_ram_mb = totalram_pages() >> (20 - PAGE_SHIFT);
	why = mvgpu_params_check(&mvgpu_params);
	if (why) {
		pr_err("mvgpu: invalid module parameters (num_gpus=%u vram_mb=%u engines=%u sched=%s timeslice_us=%u boost_ms=%u watchdog_ms=%u; host memory %lu MiB): %s\n",
		       mvgpu_params.num_gpus, mvgpu_params.vram_mb,
		       mvgpu_params.engines, mvgpu_sched,
		       mvgpu_params.timeslice_us, mvgpu_params.boost_ms,
		       mvgpu_params.watchdog_ms, mvgpu_params.host_ram_mb, why);
		return -EINVAL;
	}
	mvgpu_watchdog_ms = mvgpu_params.watchdog_ms;

	mvgpu_debugfs_init();
	/* Drivers first, so that GPUs and their vGPUs are probed. */
	ret = mdev_register_driver(&mvgpu_vgpu_driver);
	if (ret) {
		pr_err("mvgpu: cannot register mdev driver: %d\n", ret);
		goto err_debugfs;
	}
	ret = platform_driver_register(&mvgpu_dev_driver);
	if (ret) {
		pr_err("mvgpu: cannot register platform driver: %d\n", ret);
		goto err_unregister_mdev_driver;
	}

	for (i = 0; i < mvgpu_params.num_gpus; i++) {
		struct platform_device *pdev = mvgpu_dev_create(i, &mvgpu_params);

		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto err_destroy_gpus;
		}
		mvgpu_gpus[i] = pdev;
	}
	return 0;

err_destroy_gpus:
	mvgpu_destroy_gpus();
	platform_driver_unregister(&mvgpu_dev_driver);
err_unregister_mdev_driver:
	mdev_unregister_driver(&mvgpu_vgpu_driver);
err_debugfs:
	mvgpu_debugfs_fini();
	return ret;
}

static void __exit mvgpu_exit(void)
{
	mvgpu_destroy_gpus();
	platform_driver_unregister(&mvgpu_dev_driver);
	mdev_unregister_driver(&mvgpu_vgpu_driver);
	mvgpu_debugfs_fini();
	/* A thread may still be leaving VFIO's unmap, our task_work on it. */
	mvgpu_pin_module_exit();
}

module_init(mvgpu_init);
module_exit(mvgpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mediated pass-through GPU sharing (VFIO mdev vGPUs)");
MODULE_AUTHOR("The mvgpu developers");
