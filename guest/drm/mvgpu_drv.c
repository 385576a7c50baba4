// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu_drm: the guest driver of an mvgpu vGPU (PCI 1234:4d47), a DRM
 * render node.  Module, PCI driver, DRM driver and the small ioctls.
 */

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/sort.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_utils.h>

#include "mvgpu_drm.h"
#include "mvgpu_ctx.h"
#include "mvgpu_file.h"
#include "mvgpu_gem.h"
#include "mvgpu_hw.h"
#include "mvgpu_job.h"
#include "mvgpu_vram.h"

/**
 * DOC: Overview
 *
 * mvgpu_drm.ko binds the vGPU a VM was given and offers it as a DRM render
 * node (/dev/dri/renderD*) with GEM buffers, syncobjs (binary and
 * timeline) and a SUBMIT ioctl, the way panfrost, v3d and lima offer their
 * GPUs.  Documentation/guest-driver.rst is the user's guide; the pieces:
 *
 * - mvgpu_hw.c: registers, context 0 (the driver's own ring) and the
 *   interrupt;
 * - mvgpu_vram.c: VRAM allocation;
 * - mvgpu_ctx.c: one device context per open file: address space, ring,
 *   hardware fences from SEQNO, the engine-time watchdog;
 * - mvgpu_gem.c: buffers in VRAM and in guest memory;
 * - mvgpu_job.c: SUBMIT, drm_sched and the recovery of one context;
 * - mvgpu_file.c: open and release, the contexts each user may hold;
 * - this file: probe and remove, the reset of the whole vGPU, the other
 *   ioctls.
 */

unsigned int mvgpu_ring_kib = 256;
module_param_named(ring_kib, mvgpu_ring_kib, uint, 0444);
MODULE_PARM_DESC(ring_kib, "VRAM ring of each context, KiB: 64, 128, 256, 512 or 1024 (default 256)");

unsigned int mvgpu_job_timeout_ms = 5000;
module_param_named(job_timeout_ms, mvgpu_job_timeout_ms, uint, 0644);
MODULE_PARM_DESC(job_timeout_ms, "Engine time a job may use before its context is reset, ms (default 5000)");

unsigned int mvgpu_stall_timeout_ms = 60000;
module_param_named(stall_timeout_ms, mvgpu_stall_timeout_ms, uint, 0644);
MODULE_PARM_DESC(stall_timeout_ms, "Guest time a context with jobs may go without completing a command or using engine time, ms (default 60000)");

/* Ioctls */

/* GET_PARAM of what the device and the driver offer: -ENOENT if not one. */
static int mvgpu_param_device(struct mvgpu_device *mdev, u64 param, u64 *value)
{
	switch (param) {
	case MVGPU_PARAM_DEVICE_VERSION:
		*value = mdev->version;
		break;
	case MVGPU_PARAM_DEVICE_CAPS:
		*value = mdev->caps;
		break;
	case MVGPU_PARAM_ACCEL:
		*value = mvgpu_has_contexts(mdev);
		break;
	case MVGPU_PARAM_NUM_CONTEXTS:
		*value = mdev->num_contexts;
		break;
	case MVGPU_PARAM_CONTEXTS_USED: {
		u32 i, n = 0;

		spin_lock_irq(&mdev->ctx_lock);
		for (i = 1; i < MVGPU_CTX_MAX; i++)
			n += !!mdev->ctxs[i];
		spin_unlock_irq(&mdev->ctx_lock);
		*value = n;
		break;
	}
	case MVGPU_PARAM_VRAM_SIZE:
		*value = mdev->vram_size;
		break;
	case MVGPU_PARAM_VRAM_AVAILABLE:
		*value = mvgpu_vram_available(mdev);
		break;
	case MVGPU_PARAM_VA_START:
		*value = MVGPU_VA_START;
		break;
	case MVGPU_PARAM_VA_END:
		*value = MVGPU_VA_END;
		break;
	case MVGPU_PARAM_MAX_BO_SIZE:
		*value = max(mvgpu_bo_max_size(mdev, MVGPU_BO_VRAM),
			     mvgpu_bo_max_size(mdev, MVGPU_BO_SYSMEM));
		break;
	case MVGPU_PARAM_MAX_CMDS:
		*value = MVGPU_MAX_CMDS;
		break;
	case MVGPU_PARAM_MAX_BOS:
		*value = MVGPU_MAX_BOS;
		break;
	case MVGPU_PARAM_MAX_SYNCS:
		*value = MVGPU_MAX_SYNCS;
		break;
	case MVGPU_PARAM_MAX_JOBS:
		*value = MVGPU_MAX_JOBS;
		break;
	case MVGPU_PARAM_VRAM_LOST_COUNTER:
		*value = atomic_read(&mdev->vram_lost);
		break;
	case MVGPU_PARAM_PRIORITY_MAX:
		*value = capable(CAP_SYS_NICE) ? MVGPU_CTX_PRIO_MAX :
						      MVGPU_CTX_PRIO_NORMAL;
		break;
	case MVGPU_PARAM_JOB_TIMEOUT_MS:
		*value = mvgpu_job_timeout_ms;
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

/* GET_PARAM of the file's own context: -EINVAL if not one. */
static int mvgpu_param_file(struct mvgpu_ctx *ctx, u64 param, u64 *value)
{
	switch (param) {
	case MVGPU_PARAM_CONTEXT_ID:
		*value = ctx->id;
		break;
	case MVGPU_PARAM_PRIORITY:
		*value = ctx->priority;
		break;
	case MVGPU_PARAM_FILE_FAULTS:
		*value = atomic_read(&ctx->faults);
		break;
	case MVGPU_PARAM_ENGINE_NS:
		*value = mvgpu_ctx_engine_ns(ctx);
		break;
	case MVGPU_PARAM_BOS_LOST:
		mutex_lock(&ctx->va_lock);
		*value = ctx->bos_lost;
		mutex_unlock(&ctx->va_lock);
		break;
	case MVGPU_PARAM_LAST_JOB:
		spin_lock(&ctx->job_lock);
		*value = ctx->last_job;
		spin_unlock(&ctx->job_lock);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int mvgpu_ioctl_get_param(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_mvgpu_get_param *args = data;
	struct mvgpu_file *mfile = file->driver_priv;
	int ret;

	if (args->pad)
		return -EINVAL;
	ret = mvgpu_param_device(to_mvgpu(drm), args->param, &args->value);
	if (ret == -ENOENT)
		ret = mvgpu_param_file(mfile->ctx, args->param, &args->value);
	return ret;
}

static int mvgpu_ioctl_bo_create(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_mvgpu_bo_create *args = data;
	struct mvgpu_device *mdev = to_mvgpu(drm);
	struct mvgpu_file *mfile = file->driver_priv;
	u32 placement = args->flags & MVGPU_BO_PLACEMENTS;
	struct mvgpu_bo *bo;
	u64 size;
	int ret;

	if ((args->flags & ~MVGPU_BO_FLAGS) ||
	    (placement != MVGPU_BO_VRAM && placement != MVGPU_BO_SYSMEM))
		return -EINVAL;
	if (!args->size || args->size > mvgpu_bo_max_size(mdev, placement))
		return -EINVAL;
	size = PAGE_ALIGN(args->size);
	bo = mvgpu_bo_create(mfile->ctx, size, args->flags);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	ret = drm_gem_handle_create(file, &bo->base.base, &args->handle);
	if (!ret) {
		args->va = drm_mm_node_allocated(&bo->va) ? bo->va.start : 0;
		args->size_out = size;
	}
	/* The handle holds the buffer now (or, on failure, nothing does). */
	drm_gem_object_put(&bo->base.base);
	return ret;
}

static int mvgpu_ioctl_bo_info(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_mvgpu_bo_info *args = data;
	struct drm_gem_object *obj;
	struct mvgpu_bo *bo;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = to_mvgpu_bo(obj);
	args->flags = bo->flags;
	args->pad2 = 0;
	args->size = obj->size;
	args->va = drm_mm_node_allocated(&bo->va) ? bo->va.start : 0;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

static int mvgpu_ioctl_wait_bo(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct drm_mvgpu_wait_bo *args = data;
	unsigned long timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
	struct drm_gem_object *obj;
	long ret;

	if (args->flags & ~MVGPU_WAIT_BO_WRITERS)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = dma_resv_wait_timeout(obj->resv,
				    args->flags & MVGPU_WAIT_BO_WRITERS ?
				    DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ,
				    true, timeout);
	if (!ret)
		ret = timeout ? -ETIMEDOUT : -EBUSY;
	else if (ret > 0)
		ret = 0;
	drm_gem_object_put(obj);
	return ret;
}

static int mvgpu_ioctl_set_priority(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct drm_mvgpu_set_priority *args = data;
	struct mvgpu_file *mfile = file->driver_priv;

	if (args->pad || args->priority > MVGPU_CTX_PRIO_MAX)
		return -EINVAL;
	if (args->priority > MVGPU_CTX_PRIO_NORMAL && !capable(CAP_SYS_NICE))
		return -EACCES;
	if (!mfile->ctx->id)
		return -ENODEV;
	return mvgpu_ctx_set_priority(mfile->ctx, args->priority);
}

static const struct drm_ioctl_desc mvgpu_ioctls[] = {
	DRM_IOCTL_DEF_DRV(MVGPU_GET_PARAM, mvgpu_ioctl_get_param, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_BO_CREATE, mvgpu_ioctl_bo_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_BO_INFO, mvgpu_ioctl_bo_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_SUBMIT, mvgpu_ioctl_submit, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_WAIT_BO, mvgpu_ioctl_wait_bo, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_WAIT_JOB, mvgpu_ioctl_wait_job, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MVGPU_SET_PRIORITY, mvgpu_ioctl_set_priority, DRM_RENDER_ALLOW),
};

/* Files: mvgpu_file.c */

static const struct file_operations mvgpu_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = mvgpu_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.mmap = drm_gem_mmap,
};

/* The reset of the whole vGPU */

static void mvgpu_device_reset(struct mvgpu_device *mdev)
{
	int ret;

	mutex_lock(&mdev->ctx_list_lock);
	mvgpu_ctx_stop_all_locked(mdev);
	mutex_lock(&mdev->kring.lock);
	ret = mvgpu_hw_reset(mdev);
	mutex_unlock(&mdev->kring.lock);
	if (!ret)
		ret = mvgpu_hw_ctx0_priority(mdev);
	atomic_inc(&mdev->vram_lost);
	drm_warn(&mdev->drm, "vGPU reset: VRAM lost (count %d)%s\n",
		 atomic_read(&mdev->vram_lost), ret ? ", device not idle after it" : "");
	mvgpu_ctx_restart_all_locked(mdev);
	mutex_unlock(&mdev->ctx_list_lock);
}

struct mvgpu_reset_work {
	struct work_struct work;
	struct mvgpu_device *mdev;
};

static void mvgpu_reset_work_fn(struct work_struct *work)
{
	struct mvgpu_reset_work *rw = container_of(work, struct mvgpu_reset_work, work);
	int idx;

	if (drm_dev_enter(&rw->mdev->drm, &idx)) {
		mvgpu_device_reset(rw->mdev);
		drm_dev_exit(idx);
	}
}

/* On the reset workqueue, so no context's recovery runs meanwhile. */
static void mvgpu_device_reset_sync(struct mvgpu_device *mdev)
{
	struct mvgpu_reset_work rw = { .mdev = mdev };

	INIT_WORK_ONSTACK(&rw.work, mvgpu_reset_work_fn);
	queue_work(mdev->reset_wq, &rw.work);
	flush_work(&rw.work);
	destroy_work_on_stack(&rw.work);
}

static void mvgpu_pci_reset_done(struct pci_dev *pdev)
{
	struct mvgpu_device *mdev = pci_get_drvdata(pdev);

	/* A function-level reset destroyed the contexts and cleared VRAM. */
	if (mdev)
		mvgpu_device_reset_sync(mdev);
}

static const struct pci_error_handlers mvgpu_err_handlers = {
	.reset_done = mvgpu_pci_reset_done,
};

/*
 * debugfs: state, a reset of the whole vGPU for tests, a benchmark, and
 * mvgpu_fail_unmap: the next N UNMAPs of buffers fail without reaching
 * the device (their mappings stay), for tests of what the driver does then.
 */

static int mvgpu_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int mvgpu_debugfs_info(struct seq_file *m, void *unused)
{
	struct drm_info_node *node = m->private;
	struct mvgpu_device *mdev = to_mvgpu(node->minor->dev);
	struct mvgpu_ctx *ctx;

	seq_printf(m, "version %u.%u caps 0x%x contexts %u vram %llu used %llu lost %d\n",
		   mdev->version >> 16, mdev->version & 0xffff, mdev->caps,
		   mdev->num_contexts, mdev->vram_size, mdev->vram_size -
		   MVGPU_VRAM_RESERVED - mvgpu_vram_available(mdev),
		   atomic_read(&mdev->vram_lost));
	seq_printf(m, "allocated contexts %d\n", mvgpu_ctx_count());
	seq_printf(m, "interrupts threaded %d watchdog signalled %d\n",
		   atomic_read(&mdev->irq_threaded), atomic_read(&mdev->wd_signalled));
	mutex_lock(&mdev->ctx_list_lock);
	list_for_each_entry(ctx, &mdev->ctx_list, link)
		seq_printf(m, "context %u priority %u jobs %d faults %d last_job %llu\n",
			   ctx->id, ctx->priority, atomic_read(&ctx->jobs_alive),
			   atomic_read(&ctx->faults), ctx->last_job);
	mutex_unlock(&mdev->ctx_list_lock);
	return 0;
}

static const struct drm_info_list mvgpu_debugfs_list[] = {
	{ "mvgpu_info", mvgpu_debugfs_info, 0 },
};

static ssize_t mvgpu_debugfs_reset_write(struct file *f, const char __user *buf,
					 size_t len, loff_t *pos)
{
	struct mvgpu_device *mdev = file_inode(f)->i_private;

	mvgpu_device_reset_sync(mdev);
	return len;
}

/*
 * The baseline of make bench's drm_submit_vs_raw: a small job (one FILL of
 * 4 KiB) straight through context 0's ring and doorbell, waited for on the
 * MSI (mvgpu_kring_run()), no ioctl, scheduler or fence in between.
 * Writing N runs N round trips; reading gives their median and mean.
 */
static ssize_t mvgpu_debugfs_raw_rtt_write(struct file *f, const char __user *buf,
					   size_t len, loff_t *pos)
{
	struct mvgpu_device *mdev = file_inode(f)->i_private;
	struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL };
	struct drm_mm_node node = {};
	unsigned int n, i;
	u64 *ns, sum = 0;
	int ret;

	ret = kstrtouint_from_user(buf, len, 0, &n);
	if (ret)
		return ret;
	if (!n || n > 100000)
		return -EINVAL;
	ns = kvmalloc_array(n, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	ret = mvgpu_vram_alloc(mdev, &node, SZ_4K, 0);
	if (ret)
		goto out;
	fill.fill.dst = node.start;
	fill.fill.size = SZ_4K;
	for (i = 0; i < n && !ret; i++) {
		u64 t0 = ktime_get_ns();

		fill.fill.value = i;
		ret = mvgpu_kring_run(mdev, &fill, 1);
		ns[i] = ktime_get_ns() - t0;
		sum += ns[i];
	}
	mvgpu_vram_free(mdev, &node);
	if (ret)
		goto out;
	sort(ns, n, sizeof(*ns), mvgpu_cmp_u64, NULL);
	mdev->raw_rtt_n = n;
	mdev->raw_rtt_median_ns = ns[n / 2];
	mdev->raw_rtt_mean_ns = div_u64(sum, n);
	ret = len;
out:
	kvfree(ns);
	return ret;
}

static ssize_t mvgpu_debugfs_raw_rtt_read(struct file *f, char __user *buf,
					  size_t len, loff_t *pos)
{
	struct mvgpu_device *mdev = file_inode(f)->i_private;
	char out[96];
	int n;

	n = scnprintf(out, sizeof(out), "n %u median_ns %llu mean_ns %llu\n",
		      mdev->raw_rtt_n, mdev->raw_rtt_median_ns, mdev->raw_rtt_mean_ns);
	return simple_read_from_buffer(buf, len, pos, out, n);
}

static const struct file_operations mvgpu_debugfs_raw_rtt_fops = {
	.owner = THIS_MODULE,
	.read = mvgpu_debugfs_raw_rtt_read,
	.write = mvgpu_debugfs_raw_rtt_write,
	.llseek = noop_llseek,
};

static const struct file_operations mvgpu_debugfs_reset_fops = {
	.owner = THIS_MODULE,
	.write = mvgpu_debugfs_reset_write,
	.llseek = noop_llseek,
};

static void mvgpu_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(mvgpu_debugfs_list, ARRAY_SIZE(mvgpu_debugfs_list),
				 minor->debugfs_root, minor);
	debugfs_create_file("mvgpu_reset", 0200, minor->debugfs_root,
			    to_mvgpu(minor->dev), &mvgpu_debugfs_reset_fops);
	debugfs_create_file("mvgpu_raw_rtt", 0600, minor->debugfs_root,
			    to_mvgpu(minor->dev), &mvgpu_debugfs_raw_rtt_fops);
	debugfs_create_atomic_t("mvgpu_fail_unmap", 0600, minor->debugfs_root,
				&to_mvgpu(minor->dev)->fail_unmap);
	debugfs_create_u32("mvgpu_irq_passes", 0600, minor->debugfs_root,
			   &to_mvgpu(minor->dev)->irq_passes);
}

static const struct drm_driver mvgpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = mvgpu_open,
	.postclose = mvgpu_postclose,
	.ioctls = mvgpu_ioctls,
	.num_ioctls = ARRAY_SIZE(mvgpu_ioctls),
	.fops = &mvgpu_fops,
	.gem_create_object = mvgpu_gem_create_object,
	.gem_prime_import = mvgpu_gem_prime_import,
	.debugfs_init = mvgpu_debugfs_init,
	.name = MVGPU_DRV_NAME,
	.desc = "mvgpu vGPU (mediated pass-through)",
	.date = "20261207",
	.major = MVGPU_DRM_VERSION_MAJOR,
	.minor = MVGPU_DRM_VERSION_MINOR,
};

/* PCI */

/* The schedulers of files still open after an unbind use it until closed. */
static void mvgpu_wq_destroy(struct drm_device *drm, void *wq)
{
	destroy_workqueue(wq);
}

/* When the last file is closed: the buffers are all freed by then. */
static void mvgpu_drm_release(struct drm_device *drm, void *unused)
{
	struct mvgpu_device *mdev = to_mvgpu(drm);

	mvgpu_vram_fini(mdev);
	ida_destroy(&mdev->ctx_ida);
}

/* Enable the device, claim and map its BARs (BAR2: VRAM, write-combined). */
static int mvgpu_pci_map(struct mvgpu_device *mdev, struct pci_dev *pdev)
{
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_iomap_regions(pdev, BIT(0), MVGPU_DRV_NAME);
	if (ret) {
		dev_err(&pdev->dev, "cannot claim BAR0 (%d)\n", ret);
		return ret;
	}
	mdev->regs = pcim_iomap_table(pdev)[0];
	if (pci_resource_len(pdev, 0) < MVGPU_BAR0_SIZE ||
	    !(pci_resource_flags(pdev, 2) & IORESOURCE_MEM) || !pci_resource_len(pdev, 2)) {
		dev_err(&pdev->dev, "BAR0 %llu bytes, BAR2 %llu bytes: not an mvgpu vGPU's BARs\n",
			(u64)pci_resource_len(pdev, 0), (u64)pci_resource_len(pdev, 2));
		return -ENODEV;
	}
	ret = pcim_iomap_regions(pdev, BIT(2), MVGPU_DRV_NAME);
	if (ret) {
		dev_err(&pdev->dev, "cannot claim BAR2 (%d)\n", ret);
		return ret;
	}
	mdev->vram_phys = pci_resource_start(pdev, 2);
	mdev->vram_size = pci_resource_len(pdev, 2);
	/* The kernel's own view of VRAM: rings, the fence word, commands. */
	mdev->vram = devm_ioremap_wc(&pdev->dev, mdev->vram_phys, mdev->vram_size);
	if (!mdev->vram)
		return -ENOMEM;
	return dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
}

static int mvgpu_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct mvgpu_device *mdev;
	int ret;

	if (mvgpu_ring_kib < 64 || mvgpu_ring_kib > 1024 || !is_power_of_2(mvgpu_ring_kib)) {
		dev_err(&pdev->dev, "ring_kib=%u: must be 64, 128, 256, 512 or 1024\n",
			mvgpu_ring_kib);
		return -EINVAL;
	}
	mdev = devm_drm_dev_alloc(&pdev->dev, &mvgpu_drm_driver, struct mvgpu_device, drm);
	if (IS_ERR(mdev))
		return PTR_ERR(mdev);
	mdev->pdev = pdev;
	spin_lock_init(&mdev->ctx_lock);
	ida_init(&mdev->ctx_ida);
	mutex_init(&mdev->ctx_list_lock);
	INIT_LIST_HEAD(&mdev->ctx_list);
	mutex_init(&mdev->files_lock);
	INIT_LIST_HEAD(&mdev->files);
	atomic_set(&mdev->vram_lost, 0);

	ret = mvgpu_pci_map(mdev, pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);

	mdev->reset_wq = alloc_ordered_workqueue("mvgpu-reset", 0);
	if (!mdev->reset_wq)
		return -ENOMEM;
	ret = drmm_add_action_or_reset(&mdev->drm, mvgpu_wq_destroy, mdev->reset_wq);
	if (ret)
		return ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_LEGACY);
	if (ret < 0) {
		dev_err(&pdev->dev, "no interrupt: MSI and INTx both failed (%d)\n", ret);
		return ret;
	}
	mdev->irq = pci_irq_vector(pdev, 0);
	mutex_init(&mdev->kring.lock);
	init_waitqueue_head(&mdev->kring.wq);
	/* Masked in the device until mvgpu_hw_init() has reset it. */
	mvgpu_wr(mdev, MVGPU_REG_INT_MASK, 0);
	mdev->irq_passes = 2 * MVGPU_CTX_MAX;
	ret = request_threaded_irq(mdev->irq, mvgpu_irq, mvgpu_irq_thread, IRQF_SHARED,
				   MVGPU_DRV_NAME, mdev);
	if (ret) {
		dev_err(&pdev->dev, "cannot request interrupt %d (%d)\n", mdev->irq, ret);
		goto err_vectors;
	}
	ret = mvgpu_hw_init(mdev);
	if (ret)
		goto err_irq;
	ret = mvgpu_hw_ctx0_priority(mdev);
	if (ret) {
		dev_err(&pdev->dev, "cannot raise context 0's priority (%d)\n", ret);
		goto err_hw;
	}
	mvgpu_vram_init(mdev);
	ret = drmm_add_action_or_reset(&mdev->drm, mvgpu_drm_release, NULL);
	if (ret)
		goto err_hw;
	pci_set_drvdata(pdev, mdev);

	ret = drm_dev_register(&mdev->drm, 0);
	if (ret)
		goto err_drvdata;
	drm_info(&mdev->drm, "mvgpu vGPU %u.%u: %llu MiB VRAM, %u contexts, %s interrupt\n",
		 mdev->version >> 16, mdev->version & 0xffff, mdev->vram_size >> 20,
		 mdev->num_contexts, pdev->msi_enabled ? "MSI" : "INTx");
	return 0;

err_drvdata:
	pci_set_drvdata(pdev, NULL);
err_hw:
	mvgpu_hw_fini(mdev);
err_irq:
	free_irq(mdev->irq, mdev);
err_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void mvgpu_pci_remove(struct pci_dev *pdev)
{
	struct mvgpu_device *mdev = pci_get_drvdata(pdev);

	/*
	 * No ioctl, fault or page-table change reaches the device after
	 * this; files still open end their contexts without it.
	 */
	drm_dev_unplug(&mdev->drm);
	flush_workqueue(mdev->reset_wq);
	mvgpu_hw_fini(mdev);
	free_irq(mdev->irq, mdev);
	pci_free_irq_vectors(pdev);
	pci_set_drvdata(pdev, NULL);
}

static const struct pci_device_id mvgpu_pci_ids[] = {
	{ PCI_DEVICE(MVGPU_PCI_VENDOR_ID, MVGPU_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, mvgpu_pci_ids);

static struct pci_driver mvgpu_pci_driver = {
	.name = "mvgpu_drm",
	.id_table = mvgpu_pci_ids,
	.probe = mvgpu_pci_probe,
	.remove = mvgpu_pci_remove,
	.err_handler = &mvgpu_err_handlers,
};
module_pci_driver(mvgpu_pci_driver);

MODULE_DESCRIPTION("Guest DRM driver for mvgpu vGPUs: a render node with contexts, buffers and jobs");
MODULE_LICENSE("GPL");
MODULE_VERSION("1.0");
