// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu_drm: open files, and the share of the device's contexts one user
 * may hold.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <drm/drm_file.h>

#include "mvgpu_ctx.h"
#include "mvgpu_file.h"

/**
 * DOC: Contexts per user
 *
 * Every open file holds a device context, and a device has few
 * (NUM_CONTEXTS - 1 for files, 15 on a 1/4 vGPU).  Without a limit one user,
 * or one process opening the render node again and again, could hold them
 * all and every other user's open() would fail with -EBUSY.  So, like
 * other per-user kernel limits (inotify's max_user_instances, the keyring
 * quotas), files are charged to the user that opened them (&mvgpu_file.uid,
 * kept with the file: a file passed to another process or kept across
 * setuid() stays charged to its opener), across every open file of the
 * device, render node and card0 alike.  The user is the opener's effective
 * uid when it runs in the initial user namespace; a process in a user
 * namespace (a container, ``unshare -U``, rootless podman) is charged to
 * the owner of the outermost one, the user that created it - every uid of
 * a subordinate range (/etc/subuid) is a kuid of its own, and charging
 * those would let one user open as many users as its range holds.  A
 * namespace root created (a container runtime's: LXD, docker's
 * userns-remap, podman as root) is charged instead to the kuid its uid 0
 * maps to, the container's root, so that containers do not share root's
 * share with each other and with root (if uid 0 is not mapped, to root).
 * The kernel's own per-user counts (ucounts) also charge a namespace's
 * owner.  Opening fails with -EDQUOT when that user
 *
 * 1. already holds max_ctx_per_uid contexts (the module parameter; 0, the
 *    default, sets no such number), or
 * 2. already holds a context and only one is left: the last free context
 *    is kept for a uid that holds none.
 *
 * Rule 2 is what lets another user always open while any context is
 * free, however many contexts other users or root already hold: a fixed
 * default such as "NUM_CONTEXTS - 2 per uid" gives that only while nobody
 * else holds one.  One uid alone gets at most NUM_CONTEXTS - 2; with
 * max_ctx_per_uid an administrator shares them out among more users
 * (NUM_CONTEXTS - 1 between k users: (NUM_CONTEXTS - 1) / k each).
 *
 * A process with CAP_SYS_ADMIN is exempt from both (its files are charged
 * and count as held, but nothing limits them): it can unload the driver or
 * reset the vGPU anyway, and a privileged service may need every context.
 * A device without contexts has no limit: its files hold none.
 *
 * A file's charge is returned when the file is released, after its
 * context is destroyed and its number freed: on the last close(), at the
 * exit of a process killed with SIGKILL, or when the last mapping of a
 * closed file goes.  -EBUSY stays the answer when no context is free at
 * all.
 */

unsigned int mvgpu_max_ctx_per_uid;
module_param_named(max_ctx_per_uid, mvgpu_max_ctx_per_uid, uint, 0644);
MODULE_PARM_DESC(max_ctx_per_uid, "Device contexts (open files) one uid may hold; 0: no fixed number, only the last free context is kept for another uid (default 0)");

/*
 * The user a file of @cred's is charged to: its euid in the initial user
 * namespace, else the owner of the outermost namespace it runs in - or,
 * when root owns that one (a container runtime's), the kuid its uid 0 maps
 * to, so that each container is a user of its own.
 */
static kuid_t mvgpu_file_user(const struct cred *cred)
{
	struct user_namespace *ns = cred->user_ns;
	kuid_t root;

	if (ns == &init_user_ns)
		return cred->euid;
	while (ns->parent != &init_user_ns)
		ns = ns->parent;
	if (!uid_eq(ns->owner, GLOBAL_ROOT_UID))
		return ns->owner;
	root = make_kuid(ns, 0);
	return uid_valid(root) ? root : ns->owner;
}

/* Take a context's share for @mfile's uid: 0, -EDQUOT or -EBUSY. */
static int mvgpu_file_charge(struct mvgpu_device *mdev, struct mvgpu_file *mfile,
			     bool exempt)
{
	unsigned int held = 0, max = READ_ONCE(mvgpu_max_ctx_per_uid);
	struct mvgpu_file *f;
	int free, ret = 0;

	mutex_lock(&mdev->files_lock);
	list_for_each_entry(f, &mdev->files, link)
		held += uid_eq(f->uid, mfile->uid);
	free = (int)mdev->num_contexts - 1 - (int)mdev->files_charged -
	       atomic_read(&mdev->ctx_leaked);
	if (free <= 0)
		ret = -EBUSY;
	else if (!exempt && ((max && held >= max) || (held && free == 1)))
		ret = -EDQUOT;
	if (!ret) {
		list_add_tail(&mfile->link, &mdev->files);
		mdev->files_charged++;
	}
	mutex_unlock(&mdev->files_lock);
	return ret;
}

static void mvgpu_file_uncharge(struct mvgpu_device *mdev, struct mvgpu_file *mfile)
{
	mutex_lock(&mdev->files_lock);
	list_del_init(&mfile->link);
	mdev->files_charged--;
	mutex_unlock(&mdev->files_lock);
}

/**
 * mvgpu_open() - &drm_driver.open: a new file and its device context
 * @drm: the DRM device
 * @file: the file
 *
 * Context: process, the opener's.
 * Return: 0; -EDQUOT (the opener's uid holds its share, see "Contexts per
 * user"); -EBUSY (no context free); the errnos of mvgpu_ctx_create().
 */
int mvgpu_open(struct drm_device *drm, struct drm_file *file)
{
	struct mvgpu_device *mdev = to_mvgpu(drm);
	struct mvgpu_file *mfile;
	struct mvgpu_ctx *ctx;
	int ret;

	mfile = kzalloc(sizeof(*mfile), GFP_KERNEL);
	if (!mfile)
		return -ENOMEM;
	mfile->mdev = mdev;
	mfile->uid = mvgpu_file_user(current_cred());
	INIT_LIST_HEAD(&mfile->link);
	if (mvgpu_has_contexts(mdev)) {
		ret = mvgpu_file_charge(mdev, mfile, capable(CAP_SYS_ADMIN));
		if (ret)
			goto err_free;
		mfile->charged = true;
	}
	ctx = mvgpu_ctx_create(mdev);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto err_uncharge;
	}
	mfile->ctx = ctx;
	file->driver_priv = mfile;
	return 0;

err_uncharge:
	if (mfile->charged)
		mvgpu_file_uncharge(mdev, mfile);
err_free:
	kfree(mfile);
	return ret;
}

/**
 * mvgpu_postclose() - &drm_driver.postclose: free the file's state
 * @drm: the DRM device
 * @file: the file
 *
 * Normally after mvgpu_release(), which ended the context and returned
 * the charge.  But when drm_open() fails after &drm_driver.open (card0's
 * master could not be set up), the DRM core frees the file with no
 * release: then both are done here (the file has no buffers yet).
 *
 * Context: process.
 */
void mvgpu_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct mvgpu_file *mfile = file->driver_priv;

	if (mfile && mfile->ctx)
		mvgpu_ctx_destroy(mfile->ctx);
	if (mfile && mfile->charged)
		mvgpu_file_uncharge(mfile->mdev, mfile);
	kfree(mfile);
}

/**
 * mvgpu_release() - &file_operations.release of the device's nodes
 * @inode: the node
 * @filp: the file, released
 *
 * The file's device context goes before its buffers: drm_release() frees
 * the handles (drm_gem_release()) before &drm_driver.postclose, and a
 * buffer's memory must not be freed while a job of the file may still
 * reach it.  Destroying the context first stops the device from reaching
 * any of the file's memory, and spares each buffer its UNMAP.  Then the
 * context's charge goes back to its uid: its number is free again.
 *
 * Context: process.
 * Return: drm_release()'s.
 */
int mvgpu_release(struct inode *inode, struct file *filp)
{
	struct drm_file *file = filp->private_data;
	struct mvgpu_file *mfile = file->driver_priv;

	if (mfile && mfile->ctx) {
		mvgpu_ctx_destroy(mfile->ctx);
		mfile->ctx = NULL;
	}
	if (mfile && mfile->charged) {
		mvgpu_file_uncharge(mfile->mdev, mfile);
		mfile->charged = false;
	}
	return drm_release(inode, filp);
}
