// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/mvgpu/<vGPU UUID>/
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <mvgpu/vgpu.h>

/**
 * DOC: debugfs
 *
 * ``/sys/kernel/debug/mvgpu/<UUID>/`` per vGPU:
 *
 * - ``direct`` (write-only, root): write an array of struct mvgpu_cmd (a
 *   multiple of 64 bytes, at most MVGPU_DIRECT_MAX) and the commands run
 *   on the vGPU's GPU address space in the writer's thread, without
 *   doorbell, ring, scheduler or interrupts: the baseline of the
 *   mediated-vs-direct benchmarks.  The write returns its length, or
 *   -EBUSY while the vGPU's ring has work, -EIO if a command faulted
 *   (the vGPU's registers are left alone), -EINVAL for a bad length.
 *   Guest memory is reachable only while the vGPU is open.
 */

#define MVGPU_DIRECT_MAX	SZ_1M

static struct dentry *mvgpu_debugfs_root;

static ssize_t mvgpu_direct_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct mvgpu_vgpu *vgpu = file->private_data;
	struct mvgpu_cmd *cmds;
	int ret;

	if (!len || len > MVGPU_DIRECT_MAX || len % MVGPU_CMD_SIZE)
		return -EINVAL;
	cmds = vmemdup_user(ubuf, len);
	if (IS_ERR(cmds))
		return PTR_ERR(cmds);
	ret = mvgpu_ctx_direct(&vgpu->ctx, cmds, len / MVGPU_CMD_SIZE);
	kvfree(cmds);
	return ret ?: len;
}

static const struct file_operations mvgpu_direct_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = mvgpu_direct_write,
	.llseek = no_llseek,
};

/**
 * mvgpu_debugfs_vgpu_init() - a vGPU's debugfs directory
 * @vgpu: the vGPU, registered
 *
 * Failures are not errors (debugfs is optional).
 *
 * Context: process context.
 */
void mvgpu_debugfs_vgpu_init(struct mvgpu_vgpu *vgpu)
{
	vgpu->debugfs = debugfs_create_dir(dev_name(&vgpu->mdev->dev),
					   mvgpu_debugfs_root);
	debugfs_create_file("direct", 0200, vgpu->debugfs, vgpu,
			    &mvgpu_direct_fops);
}

/**
 * mvgpu_debugfs_vgpu_fini() - remove a vGPU's debugfs directory
 * @vgpu: the vGPU
 *
 * Waits for writers in progress, so the vGPU outlives them.
 *
 * Context: process context.
 */
void mvgpu_debugfs_vgpu_fini(struct mvgpu_vgpu *vgpu)
{
	debugfs_remove(vgpu->debugfs);
	vgpu->debugfs = NULL;
}

/**
 * mvgpu_debugfs_init() - create /sys/kernel/debug/mvgpu
 *
 * Context: module init.
 */
void mvgpu_debugfs_init(void)
{
	mvgpu_debugfs_root = debugfs_create_dir("mvgpu", NULL);
}

/**
 * mvgpu_debugfs_fini() - remove /sys/kernel/debug/mvgpu
 *
 * Context: module exit.
 */
void mvgpu_debugfs_fini(void)
{
	debugfs_remove(mvgpu_debugfs_root);
}
