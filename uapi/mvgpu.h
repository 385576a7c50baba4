/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mvgpu user-space API: what a tenant, QEMU and the host tools can rely on.
 *
 * Self-contained: includes <linux/types.h> only.  Every change that is not
 * purely additive bumps MVGPU_UAPI_VERSION_MAJOR.
 */
#ifndef _UAPI_MVGPU_H
#define _UAPI_MVGPU_H

#include <linux/types.h>

/**
 * DOC: Versioning
 *
 * MVGPU_UAPI_VERSION packs major (bits 31:16) and minor (bits 15:0).  The
 * minor part grows with additions that old users can ignore; the major part
 * changes only when an existing layout or meaning changes.
 */
#define MVGPU_UAPI_VERSION_MAJOR	0
#define MVGPU_UAPI_VERSION_MINOR	1
#define MVGPU_UAPI_VERSION \
	((MVGPU_UAPI_VERSION_MAJOR << 16) | MVGPU_UAPI_VERSION_MINOR)

/**
 * DOC: vGPU types
 *
 * Every parent GPU (``/sys/class/mdev_bus/mvgpu.N``) offers the same four
 * types.  The mdev core prefixes the driver name, so the type directories are
 * ``mvgpu-1_8``, ``mvgpu-1_4``, ``mvgpu-1_2`` and ``mvgpu-1_1``: a vGPU of
 * type ``mvgpu-1_D`` owns 1/D of the parent's VRAM, at most D of them fit on
 * an otherwise empty GPU, and its default scheduling weight is 8/D.
 * VRAM is shared by the types, so creating a vGPU of one type lowers
 * ``available_instances`` of the others.
 */
#define MVGPU_TYPE_NAME_1_8	"1_8"
#define MVGPU_TYPE_NAME_1_4	"1_4"
#define MVGPU_TYPE_NAME_1_2	"1_2"
#define MVGPU_TYPE_NAME_1_1	"1_1"

#endif /* _UAPI_MVGPU_H */
