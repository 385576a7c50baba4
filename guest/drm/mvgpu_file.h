/* SPDX-License-Identifier: GPL-2.0 */
/* mvgpu_drm: open files and the contexts each user may hold. */
#ifndef MVGPU_FILE_H
#define MVGPU_FILE_H

#include <linux/fs.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>

int mvgpu_open(struct drm_device *drm, struct drm_file *file);
void mvgpu_postclose(struct drm_device *drm, struct drm_file *file);
int mvgpu_release(struct inode *inode, struct file *filp);

#endif /* MVGPU_FILE_H */
