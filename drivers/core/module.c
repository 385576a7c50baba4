// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu: share a GPU between virtual machines by mediated pass-through.
 *
 * Module parameters and the registration order of the parts.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>

#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

#include "params.h"

static struct mvgpu_params mvgpu_params = {
	.num_gpus = 1,
	.vram_mb = 1024,
	.engines = 2,
};

module_param_named(num_gpus, mvgpu_params.num_gpus, uint, 0444);
MODULE_PARM_DESC(num_gpus, "Number of software GPUs (mdev parents mvgpu.N), 1-8 (default 1)");
module_param_named(vram_mb, mvgpu_params.vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb, "VRAM per GPU in MiB, a power of two, 64-65536 (default 1024)");
module_param_named(engines, mvgpu_params.engines, uint, 0444);
MODULE_PARM_DESC(engines, "Engines per GPU, 1-8 (default 2)");

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

	why = mvgpu_params_check(&mvgpu_params);
	if (why) {
		pr_err("mvgpu: invalid module parameters (num_gpus=%u vram_mb=%u engines=%u): %s\n",
		       mvgpu_params.num_gpus, mvgpu_params.vram_mb,
		       mvgpu_params.engines, why);
		return -EINVAL;
	}

	/* Drivers first, so that GPUs and their vGPUs are probed. */
	ret = mdev_register_driver(&mvgpu_vgpu_driver);
	if (ret) {
		pr_err("mvgpu: cannot register mdev driver: %d\n", ret);
		return ret;
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
	return ret;
}

static void __exit mvgpu_exit(void)
{
	mvgpu_destroy_gpus();
	platform_driver_unregister(&mvgpu_dev_driver);
	mdev_unregister_driver(&mvgpu_vgpu_driver);
}

module_init(mvgpu_init);
module_exit(mvgpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mediated pass-through GPU sharing (VFIO mdev vGPUs)");
MODULE_AUTHOR("The mvgpu developers");
