/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * mvgpu_drm: the uapi of the guest DRM driver (mvgpu_drm.ko), the render
 * node a VM's programs use to drive an mvgpu vGPU.
 *
 * Documentation/guest-driver.rst describes every ioctl, its errors and
 * limits.  User space includes it after libdrm's "drm.h"
 * (pkg-config --cflags libdrm).
 */
#ifndef _UAPI_MVGPU_DRM_H
#define _UAPI_MVGPU_DRM_H

#ifdef __KERNEL__
#include <drm/drm.h>
#else
#include "drm.h"
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: Versioning
 *
 * DRM_IOCTL_VERSION reports the driver "mvgpu" with major
 * MVGPU_DRM_VERSION_MAJOR and minor MVGPU_DRM_VERSION_MINOR.  The minor
 * grows with additions old programs can ignore (a new GET_PARAM, a new
 * flag); the major changes only when an existing layout or meaning does.
 * Every struct below keeps its size within a major version; a field added
 * later goes at the end, and the kernel zero-extends a shorter struct from
 * an older program (drm_ioctl).
 */
#define MVGPU_DRM_VERSION_MAJOR		1
#define MVGPU_DRM_VERSION_MINOR		0

#define DRM_MVGPU_GET_PARAM		0x00
#define DRM_MVGPU_BO_CREATE		0x01
#define DRM_MVGPU_BO_INFO		0x02
#define DRM_MVGPU_SUBMIT		0x03
#define DRM_MVGPU_WAIT_BO		0x04
#define DRM_MVGPU_WAIT_JOB		0x05
#define DRM_MVGPU_SET_PRIORITY		0x06

#define DRM_IOCTL_MVGPU_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MVGPU_GET_PARAM, struct drm_mvgpu_get_param)
#define DRM_IOCTL_MVGPU_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MVGPU_BO_CREATE, struct drm_mvgpu_bo_create)
#define DRM_IOCTL_MVGPU_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MVGPU_BO_INFO, struct drm_mvgpu_bo_info)
#define DRM_IOCTL_MVGPU_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MVGPU_SUBMIT, struct drm_mvgpu_submit)
#define DRM_IOCTL_MVGPU_WAIT_BO \
	DRM_IOW(DRM_COMMAND_BASE + DRM_MVGPU_WAIT_BO, struct drm_mvgpu_wait_bo)
#define DRM_IOCTL_MVGPU_WAIT_JOB \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MVGPU_WAIT_JOB, struct drm_mvgpu_wait_job)
#define DRM_IOCTL_MVGPU_SET_PRIORITY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_MVGPU_SET_PRIORITY, struct drm_mvgpu_set_priority)

/**
 * DOC: Parameters
 *
 * DRM_IOCTL_MVGPU_GET_PARAM reads one value; an unknown @param is -EINVAL.
 *
 * - MVGPU_PARAM_DEVICE_VERSION: the device's VERSION register (uapi/mvgpu.h:
 *   major in bits 31:16).
 * - MVGPU_PARAM_DEVICE_CAPS: its CAPS register, MVGPU_CAP_*.
 * - MVGPU_PARAM_ACCEL: 1 if jobs can run (the device has contexts,
 *   MVGPU_CAP_CONTEXTS); 0 on a device without them: buffers and syncobjs
 *   work, SUBMIT fails with -ENODEV after checking its arguments.
 * - MVGPU_PARAM_NUM_CONTEXTS: the device's contexts, context 0 included;
 *   NUM_CONTEXTS - 1 files (of the render node or card0) may be open
 *   (then open() fails with -EBUSY); one user (a uid, or every uid of a
 *   user namespace, charged to its owner) may hold fewer (open() then
 *   fails with -EDQUOT): at most max_ctx_per_uid if that is set, and never
 *   the last free context while it holds one ("Contexts per user" in
 *   Documentation/guest-driver.rst).
 *   0 without MVGPU_CAP_CONTEXTS: then any number of files.
 * - MVGPU_PARAM_CONTEXTS_USED: contexts held by open files now.
 * - MVGPU_PARAM_CONTEXT_ID: this file's device context (0: none).
 * - MVGPU_PARAM_VRAM_SIZE: bytes of VRAM (BAR2).
 * - MVGPU_PARAM_VRAM_AVAILABLE: bytes of VRAM free for buffers now.
 * - MVGPU_PARAM_VA_START, MVGPU_PARAM_VA_END: the GPU virtual range buffers
 *   are placed in, [start, end).
 * - MVGPU_PARAM_MAX_BO_SIZE: the larger of the two placements' size limits
 *   (VRAM: its size less 128 KiB; SYSMEM: half the guest's RAM; either at
 *   most 4 GiB).  A VRAM buffer must also fit in VRAM_AVAILABLE, and the
 *   SYSMEM buffers of all files together in the vGPU's VRAM size (the
 *   device's pinned-memory limit), else BO_CREATE fails with -ENOSPC.
 * - MVGPU_PARAM_MAX_CMDS: the most commands one SUBMIT may carry.
 * - MVGPU_PARAM_MAX_BOS: the most buffers one SUBMIT may list.
 * - MVGPU_PARAM_MAX_SYNCS: the most in-syncobjs one SUBMIT may list.
 * - MVGPU_PARAM_MAX_JOBS: the most jobs of a file not yet finished.
 * - MVGPU_PARAM_VRAM_LOST_COUNTER: resets that lost VRAM since the driver
 *   bound the device (like amdgpu's vram_lost_counter).
 * - MVGPU_PARAM_PRIORITY: this file's context priority, MVGPU_CTX_PRIO_*.
 * - MVGPU_PARAM_PRIORITY_MAX: the highest priority this file may set.
 * - MVGPU_PARAM_JOB_TIMEOUT_MS: the engine time a job may use, ms.
 * - MVGPU_PARAM_FILE_FAULTS: this file's jobs that faulted, hung or were
 *   lost since it was opened.
 * - MVGPU_PARAM_ENGINE_NS: the engine time this file's context has used.
 * - MVGPU_PARAM_BOS_LOST: this file's buffers whose contents a reset lost
 *   (SUBMIT fails with -ECANCELED until the file has freed them all).
 * - MVGPU_PARAM_LAST_JOB: the number of this file's last submitted job.
 */
#define MVGPU_PARAM_DEVICE_VERSION	0
#define MVGPU_PARAM_DEVICE_CAPS		1
#define MVGPU_PARAM_ACCEL		2
#define MVGPU_PARAM_NUM_CONTEXTS	3
#define MVGPU_PARAM_CONTEXTS_USED	4
#define MVGPU_PARAM_CONTEXT_ID		5
#define MVGPU_PARAM_VRAM_SIZE		6
#define MVGPU_PARAM_VRAM_AVAILABLE	7
#define MVGPU_PARAM_VA_START		8
#define MVGPU_PARAM_VA_END		9
#define MVGPU_PARAM_MAX_BO_SIZE		10
#define MVGPU_PARAM_MAX_CMDS		11
#define MVGPU_PARAM_MAX_BOS		12
#define MVGPU_PARAM_MAX_SYNCS		13
#define MVGPU_PARAM_MAX_JOBS		14
#define MVGPU_PARAM_VRAM_LOST_COUNTER	15
#define MVGPU_PARAM_PRIORITY		16
#define MVGPU_PARAM_PRIORITY_MAX	17
#define MVGPU_PARAM_JOB_TIMEOUT_MS	18
#define MVGPU_PARAM_FILE_FAULTS		19
#define MVGPU_PARAM_ENGINE_NS		20
#define MVGPU_PARAM_BOS_LOST		21
#define MVGPU_PARAM_LAST_JOB		22

/**
 * struct drm_mvgpu_get_param - DRM_IOCTL_MVGPU_GET_PARAM
 * @param: MVGPU_PARAM_*
 * @pad: must be zero
 * @value: out: the value
 */
struct drm_mvgpu_get_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/* BO placements and flags (struct drm_mvgpu_bo_create.flags) */
#define MVGPU_BO_VRAM			0x1u	/* in VRAM: BAR2, mmap write-combined */
#define MVGPU_BO_SYSMEM			0x2u	/* in guest memory: shmem, mmap cached */
#define MVGPU_BO_GPU_READONLY		0x4u	/* the GPU may read it, not write it */
#define MVGPU_BO_PLACEMENTS		(MVGPU_BO_VRAM | MVGPU_BO_SYSMEM)
#define MVGPU_BO_FLAGS			(MVGPU_BO_PLACEMENTS | MVGPU_BO_GPU_READONLY)

/**
 * struct drm_mvgpu_bo_create - DRM_IOCTL_MVGPU_BO_CREATE
 * @size: bytes, 1 .. the placement's limit (MVGPU_PARAM_MAX_BO_SIZE is the
 *	larger one); rounded up to 4 KiB
 * @flags: exactly one placement, MVGPU_BO_VRAM or MVGPU_BO_SYSMEM, and
 *	optionally MVGPU_BO_GPU_READONLY; other bits must be zero
 * @handle: out: the GEM handle
 * @va: out: the GPU virtual address of the buffer in this file's address
 *	space (0 when MVGPU_PARAM_ACCEL is 0)
 * @size_out: out: the size after rounding
 *
 * The buffer reads as zero.  It is this file's alone: render nodes cannot
 * flink, and this driver exports and imports no dma-buf
 * (DRM_IOCTL_PRIME_* fail).  -ENOSPC: no free VRAM range that large, or
 * the device's page-table or pinned-memory budget is used up.
 */
struct drm_mvgpu_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
	__u64 va;
	__u64 size_out;
};

/**
 * struct drm_mvgpu_bo_info - DRM_IOCTL_MVGPU_BO_INFO
 * @handle: a GEM handle of this file
 * @pad: must be zero
 * @flags: out: the flags it was created with
 * @pad2: out: zero
 * @size: out: bytes
 * @va: out: its GPU virtual address in this file's address space
 * @mmap_offset: out: the offset to mmap() the render node's fd at
 */
struct drm_mvgpu_bo_info {
	__u32 handle;
	__u32 pad;
	__u32 flags;
	__u32 pad2;
	__u64 size;
	__u64 va;
	__u64 mmap_offset;
};

/* struct drm_mvgpu_submit_bo.flags */
#define MVGPU_SUBMIT_BO_READ		0x1u
#define MVGPU_SUBMIT_BO_WRITE		0x2u
#define MVGPU_SUBMIT_BO_FLAGS		(MVGPU_SUBMIT_BO_READ | MVGPU_SUBMIT_BO_WRITE)

/**
 * struct drm_mvgpu_submit_bo - a buffer a job uses
 * @handle: a GEM handle of this file, at most once per job
 * @flags: MVGPU_SUBMIT_BO_READ and/or _WRITE (at least one): the job
 *	waits for earlier writers (and, writing, readers) of the buffer, and
 *	WAIT_BO of the buffer waits for the job.  A buffer a job uses
 *	without listing it may be freed and unmapped while the job runs.
 */
struct drm_mvgpu_submit_bo {
	__u32 handle;
	__u32 flags;
};

/**
 * struct drm_mvgpu_sync - a syncobj and, for a timeline, a point on it
 * @handle: a syncobj handle of this file
 * @flags: must be zero
 * @point: 0 for a binary syncobj, else the timeline point
 */
struct drm_mvgpu_sync {
	__u32 handle;
	__u32 flags;
	__u64 point;
};

/**
 * struct drm_mvgpu_submit - DRM_IOCTL_MVGPU_SUBMIT
 * @cmd_handle: the buffer that holds the commands (struct mvgpu_cmd of
 *	uapi/mvgpu.h); it need not be in @bos
 * @flags: must be zero
 * @cmd_offset: byte offset of the first command in it, a multiple of 64
 * @cmd_size: bytes of commands, a multiple of 64, 64 ..
 *	64 * MVGPU_PARAM_MAX_CMDS, within the buffer
 * @bos: pointer to @bo_count struct drm_mvgpu_submit_bo
 * @bo_count: 0 .. MVGPU_PARAM_MAX_BOS
 * @in_sync_count: 0 .. MVGPU_PARAM_MAX_SYNCS
 * @in_syncs: pointer to @in_sync_count struct drm_mvgpu_sync the job waits
 *	for
 * @out_sync: a syncobj to signal when the job is done, or 0; its fence
 *	carries the job's error (see WAIT_JOB)
 * @pad: must be zero
 * @out_sync_point: 0 (binary syncobj), or the timeline point to add
 * @job: out: the job's number in this file (1, 2, ...), for WAIT_JOB
 *
 * The commands are copied when SUBMIT is called; the buffer may be reused
 * at once.  Commands that only context 0 may run (MAP, UNMAP, CTX_*) and
 * unknown opcodes are refused (-EINVAL); the device checks everything else
 * (addresses in this file's address space, sizes) and faults the job.
 */
struct drm_mvgpu_submit {
	__u32 cmd_handle;
	__u32 flags;
	__u64 cmd_offset;
	__u64 cmd_size;
	__u64 bos;
	__u32 bo_count;
	__u32 in_sync_count;
	__u64 in_syncs;
	__u32 out_sync;
	__u32 pad;
	__u64 out_sync_point;
	__u64 job;
};

/**
 * struct drm_mvgpu_wait_bo - DRM_IOCTL_MVGPU_WAIT_BO
 * @handle: a GEM handle of this file
 * @flags: MVGPU_WAIT_BO_WRITERS: wait only for jobs writing the buffer
 *	(else for every job using it); other bits must be zero
 * @timeout_ns: absolute CLOCK_MONOTONIC time, ns; 0 or a time already
 *	past polls
 *
 * 0 once idle; -ETIMEDOUT at a timeout still ahead when called, -EBUSY
 * when polling a busy one; -EINTR on a signal.
 */
struct drm_mvgpu_wait_bo {
	__u32 handle;
	__u32 flags;
	__s64 timeout_ns;
};

#define MVGPU_WAIT_BO_WRITERS		0x1u

/**
 * struct drm_mvgpu_wait_job - DRM_IOCTL_MVGPU_WAIT_JOB
 * @job: a job number SUBMIT returned to this file
 * @flags: must be zero
 * @timeout_ns: absolute CLOCK_MONOTONIC time, ns; 0 or a time already
 *	past polls
 * @status: out: 0 if the job ran to its end, else a negative errno:
 *	-EIO it faulted; -ETIMEDOUT it used more than its engine time, made
 *	no progress for the stall limit (also when starved of engine time by
 *	a file of higher priority) or the device's watchdog stopped it
 *	(MVGPU_ERR_TIMEOUT); -ECANCELED a reset lost it (a reset of the whole
 *	vGPU that lost the file's VRAM, MVGPU_ERR_CONTEXT_LOST); -ENODEV the
 *	device is gone.  An in-syncobj's error does not pass to the job.
 * @dev_error: out: the device's MVGPU_ERR_* when the device stopped the
 *	job: always for -EIO; MVGPU_ERR_TIMEOUT or 0 (the driver's watchdog)
 *	for -ETIMEDOUT; MVGPU_ERR_CONTEXT_LOST or 0 (a whole-vGPU reset) for
 *	-ECANCELED; 0 for status 0
 * @dev_info: out: the device's ERROR_INFO
 * @fault_addr: out: the device's FAULT_ADDR, a GPU VA in this file's
 *	space: the faulting address of a PAGE_FAULT or PERMISSION; the
 *	failing command's address in the context's ring for BAD_COMMAND,
 *	BAD_SIZE, TIMEOUT, a command that could not be fetched and
 *	CONTEXT_LOST
 *
 * The last MVGPU_PARAM_MAX_JOBS jobs can be asked for; an older or unknown
 * number is -ENOENT.  -ETIMEDOUT, -EBUSY and -EINTR as for WAIT_BO.
 */
struct drm_mvgpu_wait_job {
	__u64 job;
	__u32 flags;
	__s32 status;
	__s64 timeout_ns;
	__u32 dev_error;
	__u32 dev_info;
	__u64 fault_addr;
};

/**
 * struct drm_mvgpu_set_priority - DRM_IOCTL_MVGPU_SET_PRIORITY
 * @priority: MVGPU_CTX_PRIO_LOW (0) .. MVGPU_PARAM_PRIORITY_MAX; above
 *	MVGPU_CTX_PRIO_NORMAL needs CAP_SYS_NICE (-EACCES)
 * @pad: must be zero
 *
 * -ENODEV on a device without contexts.
 */
struct drm_mvgpu_set_priority {
	__u32 priority;
	__u32 pad;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_MVGPU_DRM_H */
