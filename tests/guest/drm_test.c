// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-drm-test: the render node's tests, run inside a VM that has an
 * mvgpu vGPU and mvgpu_drm.ko.  TAP on stdout.
 *
 *   mvgpu-drm-test SUITE...
 *
 * Suites (each a function below; "all" runs every one in order):
 *   core       what every render node passes (IGT's core_getversion,
 *              core_getclient, core_auth): version, client and auth
 *              queries, caps, GET_PARAM
 *   syncobj    syncobj create/destroy/wait/signal/reset, timelines,
 *              sync_file import/export, bad handles and flags (IGT's
 *              syncobj_basic, syncobj_wait, syncobj_timeline)
 *   bo         buffers in both placements: create, zeroed, mmap, free,
 *              bad arguments, nothing left behind
 *   ioctl      every ioctl refuses bad input with the right errno and
 *              changes nothing
 *   contexts   more open files than contexts: EBUSY at open
 *   exec       FILL/COPY/MATMUL/VADD/REDUCE exact in VRAM and system
 *              memory, syncobjs in and out, WAIT_BO, WAIT_JOB
 *   procs      8 processes at once, each exact
 *   isolation  one process cannot reach another's buffers through the GPU
 *   hang       a hanging and a faulting job reset their context only
 *   kill       kill -9 in the middle of jobs frees everything
 *   vramlost   a reset of the whole vGPU is reported (needs debugfs)
 *   pinlimit   a SYSMEM buffer over the vGPU's pin budget fails and leaves
 *              nothing mapped (needs guest RAM for the VRAM size + 80 MiB)
 *   stale      a new file's ring and scratch page read zero
 *   ctxleak    closed files leave no context allocated (needs debugfs)
 *   unmapfail  a buffer whose UNMAP failed keeps its memory until its
 *              file's context goes (needs debugfs mvgpu_fail_unmap)
 *   uidlimit   the contexts one uid may hold: processes of uids 1000-1002
 *              open until EDQUOT, another uid still opens and runs exact
 *              jobs, close and kill -9 give contexts back, max_ctx_per_uid
 *              (needs root, to setuid and to write the parameter)
 *   bench      make bench's drm_submit_vs_raw and drm_jobs_per_s (BENCH
 *              lines; not in "all")
 *
 * Suites that run jobs report "skip" on a device without contexts
 * (MVGPU_PARAM_ACCEL 0).  Exit status: 0 if all passed.
 */
#include "drm_test.h"

struct mvgpu_drm dev;
static uint64_t rng = 0x6d766770755f6472ull;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static void rnd_bytes(void *p, size_t len)
{
	uint8_t *b = p;

	while (len--)
		*b++ = rnd() >> 56;
}

int param(struct mvgpu_drm *d, uint32_t p)
{
	uint64_t v = 0;

	mvgpu_drm_param(d, p, &v);
	return (int)v;
}

uint64_t param64(struct mvgpu_drm *d, uint32_t p)
{
	uint64_t v = 0;

	mvgpu_drm_param(d, p, &v);
	return v;
}

/* "errno" of an ioctl: 0 or the positive errno. */
static int ioc(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? errno : 0;
}

static int expect_errno(int got, int want, const char *what)
{
	return tap_ok(got == want, "%s: %s (got %s)", what,
		      want ? strerror(want) : "success", got ? strerror(got) : "success");
}

int skip_unless_accel(const char *suite)
{
	if (dev.accel)
		return 0;
	printf("ok %d - %s # SKIP the device has no contexts (uapi < 0.4): no jobs run\n",
	       ++tap_n, suite);
	return 1;
}

/* --- core: what every render node passes ------------------------------ */

static void suite_core(void)
{
	drmVersionPtr v = drmGetVersion(dev.fd);
	struct drm_client client = { 0 };
	struct drm_auth auth = { 0 };
	struct drm_get_cap cap;
	char *busid;

	tap_ok(v && !strcmp(v->name, "mvgpu") && v->version_major == MVGPU_DRM_VERSION_MAJOR &&
	       v->version_minor >= MVGPU_DRM_VERSION_MINOR,
	       "core_getversion: driver %s %d.%d.%d", v ? v->name : "?",
	       v ? v->version_major : -1, v ? v->version_minor : -1,
	       v ? v->version_patchlevel : -1);
	tap_ok(v && v->date && strlen(v->date) == 8 && v->desc && *v->desc,
	       "core_getversion: date \"%s\", description \"%s\"",
	       v && v->date ? v->date : "", v && v->desc ? v->desc : "");
	drmFreeVersion(v);
	tap_ok(drmGetNodeTypeFromFd(dev.fd) == DRM_NODE_RENDER,
	       "the node is a render node (renderD%d)", dev.minor);
	/* Render nodes have no clients list and no authentication. */
	expect_errno(ioc(dev.fd, DRM_IOCTL_GET_CLIENT, &client), EACCES,
		     "core_getclient: GET_CLIENT on a render node");
	expect_errno(ioc(dev.fd, DRM_IOCTL_GET_MAGIC, &auth), EACCES,
		     "core_auth: GET_MAGIC on a render node");
	expect_errno(ioc(dev.fd, DRM_IOCTL_AUTH_MAGIC, &auth), EACCES,
		     "core_auth: AUTH_MAGIC on a render node");
	busid = drmGetBusid(dev.fd);
	tap_ok(1, "GET_UNIQUE on a render node answers \"%s\"", busid ? busid : "(refused)");
	drmFreeBusid(busid);

	cap = (struct drm_get_cap){ .capability = DRM_CAP_SYNCOBJ };
	tap_ok(!ioc(dev.fd, DRM_IOCTL_GET_CAP, &cap) && cap.value == 1, "DRM_CAP_SYNCOBJ is 1");
	cap = (struct drm_get_cap){ .capability = DRM_CAP_SYNCOBJ_TIMELINE };
	tap_ok(!ioc(dev.fd, DRM_IOCTL_GET_CAP, &cap) && cap.value == 1,
	       "DRM_CAP_SYNCOBJ_TIMELINE is 1");
	cap = (struct drm_get_cap){ .capability = 0x7fff };
	/* 6.1: a driver without modesetting answers EOPNOTSUPP to the rest. */
	expect_errno(ioc(dev.fd, DRM_IOCTL_GET_CAP, &cap), EOPNOTSUPP,
		     "GET_CAP of an unknown capability");

	tap_ok(param(&dev, MVGPU_PARAM_DEVICE_VERSION) >> 16 == MVGPU_UAPI_VERSION_MAJOR,
	       "GET_PARAM DEVICE_VERSION %d.%d", param(&dev, MVGPU_PARAM_DEVICE_VERSION) >> 16,
	       param(&dev, MVGPU_PARAM_DEVICE_VERSION) & 0xffff);
	tap_ok(param64(&dev, MVGPU_PARAM_VRAM_SIZE) > 0 &&
	       param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) <= param64(&dev, MVGPU_PARAM_VRAM_SIZE),
	       "GET_PARAM VRAM_SIZE %" PRIu64 " MiB, available %" PRIu64 " MiB",
	       param64(&dev, MVGPU_PARAM_VRAM_SIZE) >> 20,
	       param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) >> 20);
	tap_ok(dev.accel ? param(&dev, MVGPU_PARAM_NUM_CONTEXTS) >= 16 &&
			   param(&dev, MVGPU_PARAM_CONTEXT_ID) >= 1 :
			   param(&dev, MVGPU_PARAM_CONTEXT_ID) == 0,
	       "GET_PARAM ACCEL %d, NUM_CONTEXTS %d, this file's context %d, %d in use",
	       (int)dev.accel, param(&dev, MVGPU_PARAM_NUM_CONTEXTS),
	       param(&dev, MVGPU_PARAM_CONTEXT_ID), param(&dev, MVGPU_PARAM_CONTEXTS_USED));
	tap_ok(param(&dev, MVGPU_PARAM_MAX_CMDS) > 0 && param(&dev, MVGPU_PARAM_MAX_BOS) > 0 &&
	       param(&dev, MVGPU_PARAM_MAX_JOBS) > 0 && param64(&dev, MVGPU_PARAM_VA_END) >
	       param64(&dev, MVGPU_PARAM_VA_START),
	       "GET_PARAM limits: %d commands, %d buffers, %d syncobjs a job, %d jobs, VA [0x%" PRIx64
	       ", 0x%" PRIx64 ")", param(&dev, MVGPU_PARAM_MAX_CMDS),
	       param(&dev, MVGPU_PARAM_MAX_BOS), param(&dev, MVGPU_PARAM_MAX_SYNCS),
	       param(&dev, MVGPU_PARAM_MAX_JOBS), param64(&dev, MVGPU_PARAM_VA_START),
	       param64(&dev, MVGPU_PARAM_VA_END));
	tap_ok(param(&dev, MVGPU_PARAM_PRIORITY) == MVGPU_CTX_PRIO_NORMAL &&
	       param(&dev, MVGPU_PARAM_PRIORITY_MAX) >= MVGPU_CTX_PRIO_NORMAL,
	       "GET_PARAM PRIORITY %d, PRIORITY_MAX %d (root)", param(&dev, MVGPU_PARAM_PRIORITY),
	       param(&dev, MVGPU_PARAM_PRIORITY_MAX));
}

/* --- syncobj ------------------------------------------------------------ */

static void suite_syncobj(void)
{
	uint32_t h, h2, h3, bad = 0x7fffffff, handles[2];
	struct drm_syncobj_create cr = { 0 };
	struct drm_syncobj_destroy de = { 0 };
	struct drm_syncobj_wait wa = { 0 };
	struct drm_syncobj_array ar = { 0 };
	struct drm_syncobj_handle ha = { 0 };
	uint64_t point, points[2];
	int fd, ret;

	/* syncobj_basic */
	tap_ok(!drmSyncobjCreate(dev.fd, 0, &h), "syncobj_basic: create");
	tap_ok(!drmSyncobjDestroy(dev.fd, h), "syncobj_basic: destroy");
	expect_errno(drmSyncobjDestroy(dev.fd, h) ? errno : 0, EINVAL,
		     "syncobj_basic: destroy twice");
	de.handle = bad;
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_DESTROY, &de), EINVAL,
		     "syncobj_basic: destroy of a handle that does not exist");
	cr.flags = 0x80;
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_CREATE, &cr), EINVAL,
		     "syncobj_basic: create with unknown flags");
	ha.handle = bad;
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &ha), EINVAL,
		     "syncobj_basic: handle-to-fd of a bad handle");
	ha = (struct drm_syncobj_handle){ .fd = -1 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &ha), EINVAL,
		     "syncobj_basic: fd-to-handle of a bad fd");
	tap_ok(!drmSyncobjCreate(dev.fd, 0, &h) && !drmSyncobjHandleToFD(dev.fd, h, &fd) &&
	       !drmSyncobjFDToHandle(dev.fd, fd, &h2) && h2 != h,
	       "syncobj_basic: export and import (a second handle)");
	close(fd);
	drmSyncobjDestroy(dev.fd, h2);

	/* syncobj_wait */
	ret = drmSyncobjWait(dev.fd, &h, 1, 0, 0, NULL) ? errno : 0;
	expect_errno(ret, EINVAL, "syncobj_wait: an unsubmitted syncobj");
	ret = drmSyncobjWait(dev.fd, &h, 1, mvgpu_abs_timeout(SEC / 100),
			     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL) ? errno : 0;
	expect_errno(ret, ETIME, "syncobj_wait: WAIT_FOR_SUBMIT times out");
	wa.handles = (uintptr_t)&h;
	wa.count_handles = 0;
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_WAIT, &wa), EINVAL,
		     "syncobj_wait: zero handles");
	wa.count_handles = 1;
	wa.flags = 0x100;
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_WAIT, &wa), EINVAL,
		     "syncobj_wait: unknown flags");
	wa.flags = 0;
	wa.handles = (uintptr_t)&bad;
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_WAIT, &wa), ENOENT,
		     "syncobj_wait: a handle that does not exist");
	tap_ok(!drmSyncobjSignal(dev.fd, &h, 1) && !drmSyncobjWait(dev.fd, &h, 1, 0, 0, NULL),
	       "syncobj_wait: signal, then wait returns at once");
	tap_ok(!drmSyncobjReset(dev.fd, &h, 1) &&
	       drmSyncobjWait(dev.fd, &h, 1, 0, 0, NULL) && errno == EINVAL,
	       "syncobj_wait: reset, then it has no fence again");
	tap_ok(!drmSyncobjCreate(dev.fd, DRM_SYNCOBJ_CREATE_SIGNALED, &h2), "create signalled");
	handles[0] = h;
	handles[1] = h2;
	tap_ok(!drmSyncobjWait(dev.fd, handles, 2, mvgpu_abs_timeout(SEC / 100),
			       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL),
	       "syncobj_wait: wait-any of one unsignalled and one signalled");
	ret = drmSyncobjWait(dev.fd, handles, 2, mvgpu_abs_timeout(SEC / 100),
			     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
			     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL) ? errno : 0;
	expect_errno(ret, ETIME, "syncobj_wait: wait-all of the same times out");
	ar.handles = (uintptr_t)&h;
	ar.count_handles = 1;
	ar.pad = 1;
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_RESET, &ar), EINVAL,
		     "syncobj: reset with non-zero padding");
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &ar), EINVAL,
		     "syncobj: signal with non-zero padding");
	ar.pad = 0;
	ar.handles = (uintptr_t)&bad;
	expect_errno(ioc(dev.fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &ar), ENOENT,
		     "syncobj: signal of a handle that does not exist");

	/* sync_file */
	tap_ok(!drmSyncobjExportSyncFile(dev.fd, h2, &fd) && fd >= 0,
	       "sync_file: export a signalled syncobj");
	{
		struct sync_file_info info = { 0 };

		ret = ioctl(fd, SYNC_IOC_FILE_INFO, &info);
		tap_ok(!ret && info.status == 1, "sync_file: it reads signalled (status %d)",
		       info.status);
	}
	tap_ok(!drmSyncobjCreate(dev.fd, 0, &h3) && !drmSyncobjImportSyncFile(dev.fd, h3, fd) &&
	       !drmSyncobjWait(dev.fd, &h3, 1, 0, 0, NULL),
	       "sync_file: import into another syncobj, which is then signalled");
	close(fd);
	ret = drmSyncobjExportSyncFile(dev.fd, h, &fd) ? errno : 0;
	expect_errno(ret, EINVAL, "sync_file: export of a syncobj without a fence");
	ret = drmSyncobjImportSyncFile(dev.fd, h3, -1) ? errno : 0;
	expect_errno(ret, EINVAL, "sync_file: import of a bad fd");

	/* syncobj_timeline */
	drmSyncobjDestroy(dev.fd, h3);
	tap_ok(!drmSyncobjCreate(dev.fd, 0, &h3), "syncobj_timeline: create");
	points[0] = 3;
	tap_ok(!drmSyncobjTimelineSignal(dev.fd, &h3, points, 1), "syncobj_timeline: signal point 3");
	point = 0;
	ret = drmSyncobjQuery(dev.fd, &h3, &point, 1);
	tap_ok(!ret && point == 3, "syncobj_timeline: query says 3 (%" PRIu64 ")", point);
	points[0] = 2;
	tap_ok(!drmSyncobjTimelineWait(dev.fd, &h3, points, 1, 0, 0, NULL),
	       "syncobj_timeline: point 2 is signalled");
	points[0] = 5;
	ret = drmSyncobjTimelineWait(dev.fd, &h3, points, 1, mvgpu_abs_timeout(SEC / 100),
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL) ? errno : 0;
	expect_errno(ret, ETIME, "syncobj_timeline: point 5 is not");
	tap_ok(!drmSyncobjTransfer(dev.fd, h3, 7, h2, 0, 0) &&
	       !drmSyncobjQuery(dev.fd, &h3, &point, 1) && point == 7,
	       "syncobj_timeline: transfer a binary syncobj's fence to point 7");
	handles[0] = h3;
	points[0] = 1;
	points[1] = 0;
	expect_errno(drmSyncobjTimelineSignal(dev.fd, handles, points, 1) ? errno : 0, 0,
		     "syncobj_timeline: signal an older point (1 after 7) is accepted");
	drmSyncobjDestroy(dev.fd, h);
	drmSyncobjDestroy(dev.fd, h2);
	drmSyncobjDestroy(dev.fd, h3);
}

/* --- bo ------------------------------------------------------------------ */

static int all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len--)
		if (*b++)
			return 0;
	return 1;
}

static void bo_roundtrip(uint32_t placement, const char *name, uint64_t size)
{
	uint64_t avail = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE);
	struct mvgpu_bo bo, bo2;
	int ret;

	ret = mvgpu_bo_create(&dev, size, placement, &bo);
	tap_ok(!ret && bo.size >= size && !(bo.size & 4095) &&
	       (!dev.accel || bo.va >= param64(&dev, MVGPU_PARAM_VA_START)),
	       "%s: create %" PRIu64 " bytes (handle %u, %" PRIu64 " bytes, GPU VA 0x%" PRIx64 ")",
	       name, size, bo.handle, bo.size, bo.va);
	if (ret)
		return;
	ret = mvgpu_bo_map(&dev, &bo);
	tap_ok(!ret, "%s: mmap (%s)", name, ret ? strerror(-ret) : "ok");
	if (!ret) {
		tap_ok(all_zero(bo.map, bo.size), "%s: reads zero", name);
		memset(bo.map, 0xa5, bo.size);
		tap_ok(((uint8_t *)bo.map)[bo.size - 1] == 0xa5, "%s: CPU writes read back", name);
	}
	if (placement == MVGPU_BO_VRAM)
		tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) <= avail - bo.size,
		       "%s: VRAM available fell by its size", name);
	mvgpu_bo_destroy(&dev, &bo);
	tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) == avail,
	       "%s: freed: VRAM available back to %" PRIu64, name, avail);
	/* A new buffer reads zero, whatever the last one held. */
	ret = mvgpu_bo_create(&dev, size, placement, &bo2) ?: mvgpu_bo_map(&dev, &bo2);
	tap_ok(!ret && all_zero(bo2.map, bo2.size), "%s: a new buffer after it reads zero", name);
	mvgpu_bo_destroy(&dev, &bo2);
}

static void suite_bo(void)
{
	uint64_t avail = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE);
	struct drm_mvgpu_bo_create c;
	struct drm_mvgpu_bo_info info;
	struct drm_gem_close cl;
	struct mvgpu_bo bo;
	void *p;

	bo_roundtrip(MVGPU_BO_VRAM, "VRAM buffer", 12345);
	bo_roundtrip(MVGPU_BO_VRAM, "2 MiB VRAM buffer", 2 << 20);
	bo_roundtrip(MVGPU_BO_SYSMEM, "system-memory buffer", 12345);
	bo_roundtrip(MVGPU_BO_SYSMEM, "2 MiB system-memory buffer", 2 << 20);
	bo_roundtrip(MVGPU_BO_VRAM | MVGPU_BO_GPU_READONLY, "read-only VRAM buffer", 4096);

	/* A mapping keeps the buffer after its handle is closed. */
	if (!mvgpu_bo_create(&dev, 65536, MVGPU_BO_VRAM, &bo) && !mvgpu_bo_map(&dev, &bo)) {
		cl = (struct drm_gem_close){ .handle = bo.handle };
		ioc(dev.fd, DRM_IOCTL_GEM_CLOSE, &cl);
		memset(bo.map, 0x5a, 65536);
		tap_ok(((uint8_t *)bo.map)[65535] == 0x5a &&
		       param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) < avail,
		       "a mapped buffer outlives its handle");
		munmap(bo.map, bo.size);
		tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) == avail,
		       "freed when the last mapping goes");
	}

	/* Bad arguments: refused, nothing allocated. */
	c = (struct drm_mvgpu_bo_create){ .size = 4096, .flags = 0 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_CREATE, &c), EINVAL, "BO_CREATE without a placement");
	c.flags = MVGPU_BO_VRAM | MVGPU_BO_SYSMEM;
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_CREATE, &c), EINVAL, "BO_CREATE with both placements");
	c.flags = MVGPU_BO_VRAM | 0x100;
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_CREATE, &c), EINVAL, "BO_CREATE with an unknown flag");
	c = (struct drm_mvgpu_bo_create){ .size = 0, .flags = MVGPU_BO_SYSMEM };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_CREATE, &c), EINVAL, "BO_CREATE of 0 bytes");
	c.size = ~0ull;
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_CREATE, &c), EINVAL, "BO_CREATE of 2^64 - 1 bytes");
	c = (struct drm_mvgpu_bo_create){ .size = 1ull << 40, .flags = MVGPU_BO_VRAM };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_CREATE, &c), EINVAL,
		     "BO_CREATE of more VRAM than the device has");
	if (!mvgpu_bo_create(&dev, param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) / 2, MVGPU_BO_VRAM,
			     &bo)) {
		c = (struct drm_mvgpu_bo_create){
			.size = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) + 4096,
			.flags = MVGPU_BO_VRAM };
		expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_CREATE, &c), ENOSPC,
			     "BO_CREATE of more VRAM than is free (but not than there is)");
		mvgpu_bo_destroy(&dev, &bo);
	}
	info = (struct drm_mvgpu_bo_info){ .handle = 0x7fffffff };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_INFO, &info), ENOENT,
		     "BO_INFO of a handle that does not exist");
	if (!mvgpu_bo_create(&dev, 4096, MVGPU_BO_SYSMEM, &bo)) {
		info = (struct drm_mvgpu_bo_info){ .handle = bo.handle, .pad = 1 };
		expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_BO_INFO, &info), EINVAL,
			     "BO_INFO with non-zero padding");
		info.pad = 0;
		tap_ok(!ioc(dev.fd, DRM_IOCTL_MVGPU_BO_INFO, &info) &&
		       info.flags == MVGPU_BO_SYSMEM && info.size == 4096 && info.va == bo.va,
		       "BO_INFO: flags, size and VA as created");
		p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, dev.fd, info.mmap_offset);
		tap_ok(p == MAP_FAILED, "mmap of more than the buffer is refused");
		if (p != MAP_FAILED)
			munmap(p, 8192);
		mvgpu_bo_destroy(&dev, &bo);
	}
	tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) == avail,
	       "after all that, VRAM available is where it started");
}

/* --- ioctl: bad input refused, nothing changed -------------------------- */

static struct drm_mvgpu_submit good_submit(uint32_t cmd_handle)
{
	return (struct drm_mvgpu_submit){ .cmd_handle = cmd_handle, .cmd_size = 64 };
}

static void suite_ioctl(void)
{
	uint64_t avail = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE), last;
	struct drm_mvgpu_submit_bo sbo[2];
	struct drm_mvgpu_sync sync = { 0 };
	struct drm_mvgpu_get_param gp;
	struct drm_mvgpu_submit s;
	struct drm_mvgpu_wait_bo wb;
	struct drm_mvgpu_wait_job wj;
	struct drm_mvgpu_set_priority sp;
	struct mvgpu_cmdbuf cb;
	struct mvgpu_drm other;
	struct mvgpu_bo data, foreign;
	struct mvgpu_cmd nop = { .opcode = MVGPU_OP_NOP };
	struct mvgpu_cmd *big;
	uint32_t so, i;
	int want_ok = dev.accel ? 0 : ENODEV, ret;

	gp = (struct drm_mvgpu_get_param){ .param = 0xffff };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_GET_PARAM, &gp), EINVAL, "GET_PARAM of an unknown param");
	gp = (struct drm_mvgpu_get_param){ .param = MVGPU_PARAM_ACCEL, .pad = 1 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_GET_PARAM, &gp), EINVAL, "GET_PARAM with non-zero padding");
	expect_errno(drmIoctl(dev.fd, DRM_IOWR(DRM_COMMAND_BASE + 0x3f, struct drm_mvgpu_get_param), &gp)
		     ? errno : 0, EINVAL, "an ioctl number the driver does not have");

	if (mvgpu_cmdbuf_init(&dev, &cb, 300) || mvgpu_bo_create(&dev, 65536, MVGPU_BO_VRAM, &data) ||
	    drmSyncobjCreate(dev.fd, 0, &so)) {
		tap_ok(0, "ioctl suite set-up");
		return;
	}
	for (i = 0; i < 300; i++)
		mvgpu_cmdbuf_add(&cb, &nop);
	last = param64(&dev, MVGPU_PARAM_LAST_JOB);

	s = good_submit(cb.bo.handle);
	expect_errno(-mvgpu_submit(&dev, &s), want_ok,
		     "SUBMIT of one NOP (reference: right on this device)");
	last = param64(&dev, MVGPU_PARAM_LAST_JOB);
#define BAD_SUBMIT(field_set, want, what) do {				\
		s = good_submit(cb.bo.handle);				\
		field_set;						\
		ret = mvgpu_submit(&dev, &s);				\
		expect_errno(-ret, want, "SUBMIT " what);		\
	} while (0)
	BAD_SUBMIT(s.flags = 1, EINVAL, "with unknown flags");
	BAD_SUBMIT(s.pad = 1, EINVAL, "with non-zero padding");
	BAD_SUBMIT(s.cmd_size = 0, EINVAL, "of no commands");
	BAD_SUBMIT(s.cmd_size = 65, EINVAL, "of a size not a multiple of 64");
	BAD_SUBMIT(s.cmd_offset = 32, EINVAL, "at an offset not a multiple of 64");
	BAD_SUBMIT(s.cmd_size = 64ull * (param(&dev, MVGPU_PARAM_MAX_CMDS) + 1), EINVAL,
		   "of more commands than MAX_CMDS");
	BAD_SUBMIT(s.cmd_size = ~0ull << 6, EINVAL, "of 2^64 - 64 bytes of commands");
	BAD_SUBMIT(s.cmd_offset = cb.bo.size - 64; s.cmd_size = 128, EINVAL,
		   "of a command buffer past the end of its buffer");
	BAD_SUBMIT(s.cmd_offset = ~0ull << 6, EINVAL, "at an offset past 2^64");
	BAD_SUBMIT(s.cmd_handle = 0x7fffffff, ENOENT, "of a command buffer that does not exist");
	BAD_SUBMIT(s.bo_count = param(&dev, MVGPU_PARAM_MAX_BOS) + 1; s.bos = (uintptr_t)sbo,
		   EINVAL, "of more buffers than MAX_BOS");
	BAD_SUBMIT(s.bo_count = 0x40000000; s.bos = (uintptr_t)sbo, EINVAL, "of 2^30 buffers");
	sbo[0] = (struct drm_mvgpu_submit_bo){ .handle = 0x7fffffff, .flags = MVGPU_SUBMIT_BO_READ };
	BAD_SUBMIT(s.bo_count = 1; s.bos = (uintptr_t)sbo, ENOENT, "listing a buffer that does not exist");
	sbo[0] = (struct drm_mvgpu_submit_bo){ .handle = data.handle, .flags = 0 };
	BAD_SUBMIT(s.bo_count = 1; s.bos = (uintptr_t)sbo, EINVAL, "listing a buffer with no intent");
	sbo[0].flags = 0x10;
	BAD_SUBMIT(s.bo_count = 1; s.bos = (uintptr_t)sbo, EINVAL, "listing a buffer with unknown flags");
	sbo[0].flags = sbo[1].flags = MVGPU_SUBMIT_BO_READ;
	sbo[1].handle = data.handle;
	BAD_SUBMIT(s.bo_count = 2; s.bos = (uintptr_t)sbo, EINVAL, "listing a buffer twice");
	BAD_SUBMIT(s.bo_count = 1; s.bos = 8, EFAULT, "with a bad buffer-list pointer");
	BAD_SUBMIT(s.in_sync_count = param(&dev, MVGPU_PARAM_MAX_SYNCS) + 1;
		   s.in_syncs = (uintptr_t)&sync, EINVAL, "waiting for more syncobjs than MAX_SYNCS");
	sync = (struct drm_mvgpu_sync){ .handle = 0x7fffffff };
	BAD_SUBMIT(s.in_sync_count = 1; s.in_syncs = (uintptr_t)&sync, ENOENT,
		   "waiting for a syncobj that does not exist");
	sync = (struct drm_mvgpu_sync){ .handle = so, .flags = 1 };
	BAD_SUBMIT(s.in_sync_count = 1; s.in_syncs = (uintptr_t)&sync, EINVAL,
		   "waiting for a syncobj with unknown flags");
	sync = (struct drm_mvgpu_sync){ .handle = so };
	BAD_SUBMIT(s.in_sync_count = 1; s.in_syncs = (uintptr_t)&sync, EINVAL,
		   "waiting for a syncobj that has no fence");
	BAD_SUBMIT(s.in_sync_count = 1; s.in_syncs = 8, EFAULT, "with a bad syncobj-list pointer");
	BAD_SUBMIT(s.out_sync = 0x7fffffff, ENOENT, "signalling a syncobj that does not exist");
	BAD_SUBMIT(s.out_sync_point = 5, EINVAL, "with a timeline point but no out-syncobj");
	/* Commands only context 0 may run, and unknown ones. */
	{
		static const uint32_t priv[] = { MVGPU_OP_MAP, MVGPU_OP_UNMAP, MVGPU_OP_CTX_CREATE,
						 MVGPU_OP_CTX_DESTROY, MVGPU_OP_CTX_PRIORITY, 0xff };
		static const char *const pname[] = { "MAP", "UNMAP", "CTX_CREATE", "CTX_DESTROY",
						      "CTX_PRIORITY", "opcode 0xff" };
		struct mvgpu_cmd c;

		for (i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
			char what[80];

			memset(&c, 0, sizeof(c));
			c.opcode = priv[i];
			memcpy((char *)cb.bo.map + 64, &c, 64);
			s = good_submit(cb.bo.handle);
			s.cmd_size = 128;
			snprintf(what, sizeof(what), "SUBMIT with a %s command in a user buffer",
				 pname[i]);
			expect_errno(-mvgpu_submit(&dev, &s), EINVAL, what);
		}
		memcpy((char *)cb.bo.map + 64, &nop, 64);
	}
	/* Another file's handles are not this file's. */
	if (!mvgpu_drm_open(&other, dev.minor)) {
		if (!mvgpu_bo_create(&other, 8192, MVGPU_BO_SYSMEM, &foreign)) {
			uint32_t mine_max = data.handle > cb.bo.handle ? data.handle : cb.bo.handle;

			if (foreign.handle > mine_max) {
				sbo[0] = (struct drm_mvgpu_submit_bo){ .handle = foreign.handle,
								       .flags = MVGPU_SUBMIT_BO_READ };
				BAD_SUBMIT(s.bo_count = 1; s.bos = (uintptr_t)sbo, ENOENT,
					   "listing another file's buffer handle");
				BAD_SUBMIT(s.cmd_handle = foreign.handle, ENOENT,
					   "of another file's buffer as commands");
			} else {
				tap_diag("the other file's handle %u is one of ours; handles are per file",
					 foreign.handle);
			}
			mvgpu_bo_destroy(&other, &foreign);
		}
		mvgpu_drm_close(&other);
	}
	tap_ok(param64(&dev, MVGPU_PARAM_LAST_JOB) == last,
	       "no refused SUBMIT queued a job (last job %" PRIu64 ")", last);
	tap_ok(drmSyncobjWait(dev.fd, &so, 1, 0, 0, NULL) && errno == EINVAL,
	       "no refused SUBMIT put a fence in a syncobj");

	/* A command buffer that is large and valid is fine (MAX_CMDS). */
	big = calloc(param(&dev, MVGPU_PARAM_MAX_CMDS), 64);
	s = good_submit(cb.bo.handle);
	s.cmd_size = 64ull * param(&dev, MVGPU_PARAM_MAX_CMDS);
	expect_errno(-mvgpu_submit(&dev, &s), want_ok, "SUBMIT of MAX_CMDS NOPs");
	free(big);

	wb = (struct drm_mvgpu_wait_bo){ .handle = 0x7fffffff };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_WAIT_BO, &wb), ENOENT, "WAIT_BO of a bad handle");
	wb = (struct drm_mvgpu_wait_bo){ .handle = data.handle, .flags = 2 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_WAIT_BO, &wb), EINVAL, "WAIT_BO with unknown flags");
	wb.flags = 0;
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_WAIT_BO, &wb), 0, "WAIT_BO of an idle buffer, polling");
	wj = (struct drm_mvgpu_wait_job){ .job = 1, .flags = 1 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_WAIT_JOB, &wj), EINVAL, "WAIT_JOB with unknown flags");
	wj = (struct drm_mvgpu_wait_job){ .job = param64(&dev, MVGPU_PARAM_LAST_JOB) + 1 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_WAIT_JOB, &wj), ENOENT, "WAIT_JOB of a job not submitted");
	wj = (struct drm_mvgpu_wait_job){ .job = 0 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_WAIT_JOB, &wj), ENOENT, "WAIT_JOB of job 0");
	sp = (struct drm_mvgpu_set_priority){ .priority = MVGPU_CTX_PRIO_MAX + 1 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_SET_PRIORITY, &sp), EINVAL,
		     "SET_PRIORITY above MVGPU_CTX_PRIO_MAX");
	sp = (struct drm_mvgpu_set_priority){ .priority = 1, .pad = 1 };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_SET_PRIORITY, &sp), EINVAL,
		     "SET_PRIORITY with non-zero padding");
	sp = (struct drm_mvgpu_set_priority){ .priority = MVGPU_CTX_PRIO_LOW };
	expect_errno(ioc(dev.fd, DRM_IOCTL_MVGPU_SET_PRIORITY, &sp), want_ok, "SET_PRIORITY LOW");
	tap_ok(param(&dev, MVGPU_PARAM_PRIORITY) == (dev.accel ? MVGPU_CTX_PRIO_LOW :
							       MVGPU_CTX_PRIO_NORMAL),
	       "GET_PARAM PRIORITY follows");
	sp.priority = MVGPU_CTX_PRIO_NORMAL;
	ioc(dev.fd, DRM_IOCTL_MVGPU_SET_PRIORITY, &sp);

	if (dev.accel) {
		struct mvgpu_job_status st;

		ret = mvgpu_job_wait(&dev, param64(&dev, MVGPU_PARAM_LAST_JOB), JOB_WAIT_NS, &st);
		tap_ok(!ret && !st.status, "the valid SUBMITs ran (last job status %d)", st.status);
	}
	drmSyncobjDestroy(dev.fd, so);
	mvgpu_bo_destroy(&dev, &data);
	mvgpu_cmdbuf_fini(&dev, &cb);
	tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) == avail,
	       "VRAM available is where the suite started");
#undef BAD_SUBMIT
}

/* --- contexts: more files than contexts ---------------------------------- */

static void suite_contexts(void)
{
	int n = param(&dev, MVGPU_PARAM_NUM_CONTEXTS), used = param(&dev, MVGPU_PARAM_CONTEXTS_USED);
	int *fds, i, opened = 0, err = 0;

	if (skip_unless_accel("more open files than contexts"))
		return;
	fds = calloc(n + 1, sizeof(*fds));
	for (i = 0; i < n + 1; i++) {
		fds[i] = drmOpenRender(dev.minor);
		if (fds[i] < 0) {
			err = errno;
			break;
		}
		opened++;
	}
	tap_ok(opened == n - 1 - used && err == EBUSY,
	       "%d more files opened (NUM_CONTEXTS %d, %d in use before), the next open fails with %s",
	       opened, n, used, strerror(err));
	tap_ok(param(&dev, MVGPU_PARAM_CONTEXTS_USED) == n - 1, "CONTEXTS_USED reads %d",
	       param(&dev, MVGPU_PARAM_CONTEXTS_USED));
	if (opened) {
		close(fds[--opened]);
		fds[opened] = drmOpenRender(dev.minor);
		tap_ok(fds[opened] >= 0, "after one is closed, an open succeeds again");
		if (fds[opened] >= 0)
			opened++;
	}
	for (i = 0; i < opened; i++)
		close(fds[i]);
	free(fds);
	tap_ok(param(&dev, MVGPU_PARAM_CONTEXTS_USED) == used,
	       "all closed: CONTEXTS_USED back to %d", used);
}

/* --- exec: workloads exact --------------------------------------------- */

#define GUARD	64

/* A buffer with guard bytes on both sides, in its own BO. */
struct obuf {
	struct mvgpu_bo bo;
	uint64_t va;
	uint8_t *p;
	size_t len;
	uint8_t pre[GUARD], post[GUARD];
};

static int obuf_new(struct mvgpu_drm *d, struct obuf *b, uint32_t placement, size_t len,
		    const void *init)
{
	if (mvgpu_bo_create(d, len + 2 * GUARD, placement, &b->bo) || mvgpu_bo_map(d, &b->bo))
		return -1;
	b->va = b->bo.va + GUARD;
	b->p = (uint8_t *)b->bo.map + GUARD;
	b->len = len;
	rnd_bytes(b->pre, GUARD);
	rnd_bytes(b->post, GUARD);
	memcpy(b->p - GUARD, b->pre, GUARD);
	memcpy(b->p + len, b->post, GUARD);
	if (init) {
		memcpy(b->p, init, len);
	} else {
		uint8_t *tmp = malloc(len);

		rnd_bytes(tmp, len);
		memcpy(b->p, tmp, len);
		free(tmp);
	}
	return 0;
}

static int obuf_check(const struct obuf *b, const void *want)
{
	uint8_t *got = malloc(b->len + 2 * GUARD);
	int bad;

	memcpy(got, b->p - GUARD, b->len + 2 * GUARD);
	bad = memcmp(got + GUARD, want, b->len) || memcmp(got, b->pre, GUARD) ||
	      memcmp(got + GUARD + b->len, b->post, GUARD);
	free(got);
	return bad;
}

struct wl {
	struct obuf in[2], out;
	int nin;
	void *want;
	const char *name;
};

static void wl_free(struct mvgpu_drm *d, struct wl *w)
{
	int i;

	for (i = 0; i < w->nin; i++)
		mvgpu_bo_destroy(d, &w->in[i].bo);
	mvgpu_bo_destroy(d, &w->out.bo);
	free(w->want);
}

/* Build workload kind k with operands in placement pl; its command in *c. */
static int wl_build(struct mvgpu_drm *d, struct wl *w, int k, uint32_t pl, struct mvgpu_cmd *c)
{
	memset(w, 0, sizeof(*w));
	memset(c, 0, sizeof(*c));
	switch (k) {
	case 0: {	/* FILL */
		size_t n = 1 + rnd() % 8192, i;
		uint32_t v = rnd(), *want = malloc(n * 4);

		for (i = 0; i < n; i++)
			want[i] = v;
		w->want = want;
		w->name = "fill";
		if (obuf_new(d, &w->out, pl, n * 4, NULL))
			return -1;
		c->opcode = MVGPU_OP_FILL;
		c->fill.dst = w->out.va;
		c->fill.size = n * 4;
		c->fill.value = v;
		return 0;
	}
	case 1: {	/* COPY */
		size_t n = 1 + rnd() % 65536;

		w->want = malloc(n);
		rnd_bytes(w->want, n);
		w->name = "copy";
		w->nin = 1;
		if (obuf_new(d, &w->in[0], pl, n, w->want) || obuf_new(d, &w->out, pl, n, NULL))
			return -1;
		c->opcode = MVGPU_OP_COPY;
		c->copy.dst = w->out.va;
		c->copy.src = w->in[0].va;
		c->copy.size = n;
		return 0;
	}
	case 2: {	/* MATMUL */
		uint32_t m = 1 + rnd() % 40, n = 1 + rnd() % 40, kk = 1 + rnd() % 40, i, j, l;
		uint32_t *a = malloc(m * kk * 4), *b = malloc(kk * n * 4), *want = calloc(m * n, 4);

		rnd_bytes(a, m * kk * 4);
		rnd_bytes(b, kk * n * 4);
		for (i = 0; i < m; i++)
			for (j = 0; j < n; j++)
				for (l = 0; l < kk; l++)
					want[i * n + j] += a[i * kk + l] * b[l * n + j];
		w->want = want;
		w->name = "matmul";
		w->nin = 2;
		if (obuf_new(d, &w->in[0], pl, m * kk * 4, a) ||
		    obuf_new(d, &w->in[1], pl, kk * n * 4, b) ||
		    obuf_new(d, &w->out, pl, m * n * 4, NULL)) {
			free(a);
			free(b);
			return -1;
		}
		free(a);
		free(b);
		c->opcode = MVGPU_OP_KERNEL;
		c->kernel.kind = MVGPU_KERNEL_MATMUL;
		c->kernel.a = w->in[0].va;
		c->kernel.b = w->in[1].va;
		c->kernel.c = w->out.va;
		c->kernel.m = m;
		c->kernel.n = n;
		c->kernel.k = kk;
		return 0;
	}
	case 3: {	/* VADD */
		uint32_t n = 1 + rnd() % 4096, i, *a = malloc(n * 4), *b = malloc(n * 4);
		uint32_t *want = malloc(n * 4);

		rnd_bytes(a, n * 4);
		rnd_bytes(b, n * 4);
		for (i = 0; i < n; i++)
			want[i] = a[i] + b[i];
		w->want = want;
		w->name = "vadd";
		w->nin = 2;
		if (obuf_new(d, &w->in[0], pl, n * 4, a) || obuf_new(d, &w->in[1], pl, n * 4, b) ||
		    obuf_new(d, &w->out, pl, n * 4, NULL)) {
			free(a);
			free(b);
			return -1;
		}
		free(a);
		free(b);
		c->opcode = MVGPU_OP_KERNEL;
		c->kernel.kind = MVGPU_KERNEL_VADD;
		c->kernel.a = w->in[0].va;
		c->kernel.b = w->in[1].va;
		c->kernel.c = w->out.va;
		c->kernel.n = n;
		return 0;
	}
	default: {	/* REDUCE */
		uint32_t n = 1 + rnd() % 8192, i, *a = malloc(n * 4);
		uint64_t *want = malloc(8);

		rnd_bytes(a, n * 4);
		*want = 0;
		for (i = 0; i < n; i++)
			*want += a[i];
		w->want = want;
		w->name = "reduce";
		w->nin = 1;
		if (obuf_new(d, &w->in[0], pl, n * 4, a) || obuf_new(d, &w->out, pl, 8, NULL)) {
			free(a);
			return -1;
		}
		free(a);
		c->opcode = MVGPU_OP_KERNEL;
		c->kernel.kind = MVGPU_KERNEL_REDUCE;
		c->kernel.a = w->in[0].va;
		c->kernel.c = w->out.va;
		c->kernel.n = n;
		return 0;
	}
	}
}

static const char *const pl_name[] = { "", "VRAM", "system memory" };

/*
 * One round on file d: every kind, operands in placement pl, one job of
 * all the commands (listing every buffer), waited for by WAIT_JOB.
 * Returns the number of mismatches (or -1 if the job failed), sets
 * exact[k].
 */
int run_round(struct mvgpu_drm *d, uint32_t pl, int exact[NKINDS], int verbose)
{
	struct drm_mvgpu_submit_bo sbo[3 * NKINDS];
	struct mvgpu_submit_args a = { .bos = sbo };
	struct mvgpu_job_status st = { 0 };
	struct wl w[NKINDS];
	struct mvgpu_cmdbuf cb;
	struct mvgpu_cmd c;
	uint64_t job = 0;
	int k, i, bad = 0, ret;

	if (mvgpu_cmdbuf_init(d, &cb, 16))
		return -1;
	for (k = 0; k < NKINDS; k++) {
		if (wl_build(d, &w[k], k, pl, &c)) {
			tap_diag("round set-up failed (%s)", strerror(errno));
			bad = -1;
		}
		mvgpu_cmdbuf_add(&cb, &c);
		for (i = 0; i < w[k].nin; i++)
			sbo[a.bo_count++] = (struct drm_mvgpu_submit_bo){ w[k].in[i].bo.handle,
									 MVGPU_SUBMIT_BO_READ };
		sbo[a.bo_count++] = (struct drm_mvgpu_submit_bo){ w[k].out.bo.handle,
								 MVGPU_SUBMIT_BO_WRITE };
	}
	if (!bad) {
		ret = mvgpu_cmdbuf_submit(d, &cb, &a, &job);
		if (!ret)
			ret = mvgpu_job_wait(d, job, JOB_WAIT_NS, &st);
		if (ret || st.status) {
			tap_diag("job %" PRIu64 ": %s, status %d, device error %u info 0x%x at 0x%" PRIx64,
				 job, strerror(-ret), st.status, st.dev_error, st.dev_info,
				 st.fault_addr);
			bad = -1;
		}
	}
	for (k = 0; k < NKINDS; k++) {
		exact[k] = bad == 0 && !obuf_check(&w[k].out, w[k].want);
		if (bad >= 0)
			bad += !exact[k];
		if (verbose && !exact[k])
			tap_diag("%s in %s: MISMATCH", w[k].name, pl_name[pl]);
		wl_free(d, &w[k]);
	}
	mvgpu_cmdbuf_fini(d, &cb);
	return bad;
}

static void suite_exec(void)
{
	static const char *const kname[NKINDS] = { "FILL", "COPY", "MATMUL", "VADD", "REDUCE" };
	int exact[NKINDS], total[3][NKINDS] = { { 0 } }, rounds = 3, r, k, ret;
	uint64_t avail = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE);
	struct mvgpu_job_status st;
	struct mvgpu_cmdbuf cb;
	struct obuf b;
	uint32_t pl, so, tl;
	uint64_t job, job2, point;

	if (skip_unless_accel("jobs: FILL/COPY/MATMUL/VADD/REDUCE exact"))
		return;
	for (pl = MVGPU_BO_VRAM; pl <= MVGPU_BO_SYSMEM; pl++)
		for (r = 0; r < rounds; r++) {
			run_round(&dev, pl, exact, 1);
			for (k = 0; k < NKINDS; k++)
				total[pl][k] += exact[k];
		}
	for (pl = MVGPU_BO_VRAM; pl <= MVGPU_BO_SYSMEM; pl++)
		for (k = 0; k < NKINDS; k++)
			tap_ok(total[pl][k] == rounds, "%s on buffers in %s: %d of %d rounds exact",
			       kname[k], pl_name[pl], total[pl][k], rounds);

	/* Syncobjs: a job waits for another's out-syncobj; timeline points. */
	if (mvgpu_cmdbuf_init(&dev, &cb, 8) || obuf_new(&dev, &b, MVGPU_BO_SYSMEM, 4096, NULL) ||
	    drmSyncobjCreate(dev.fd, 0, &so) || drmSyncobjCreate(dev.fd, 0, &tl)) {
		tap_ok(0, "syncobj set-up");
		return;
	}
	{
		struct mvgpu_cmd spin = { .opcode = MVGPU_OP_SPIN, .spin.usecs = 200000 };
		struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL,
					  .fill = { .dst = b.va, .size = 4096, .value = 0x11223344 } };
		struct drm_mvgpu_sync in = { .handle = so };
		struct mvgpu_submit_args a1 = { .out_sync = so };
		struct mvgpu_submit_args a2 = { .in_syncs = &in, .in_sync_count = 1,
						.out_sync = tl, .out_sync_point = 5 };
		struct drm_mvgpu_submit_bo sb = { b.bo.handle, MVGPU_SUBMIT_BO_WRITE };
		struct sync_file_info info = { 0 };
		int fd = -1;

		mvgpu_cmdbuf_add(&cb, &spin);
		ret = mvgpu_cmdbuf_submit(&dev, &cb, &a1, &job);
		mvgpu_cmdbuf_add(&cb, &fill);
		a2.bos = &sb;
		a2.bo_count = 1;
		ret = ret ?: mvgpu_cmdbuf_submit(&dev, &cb, &a2, &job2);
		tap_ok(!ret, "two jobs, the second waiting for the first's out-syncobj (jobs %" PRIu64
		       ", %" PRIu64 ")", job, job2);
		tap_ok(!drmSyncobjTimelineWait(dev.fd, &tl, (uint64_t[]){ 5 }, 1,
					       mvgpu_abs_timeout(JOB_WAIT_NS),
					       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL),
		       "the timeline's point 5 signals");
		tap_ok(!mvgpu_job_wait(&dev, job, 0, &st) && !st.status,
		       "by then the first job is done (WAIT_JOB polling)");
		tap_ok(!drmSyncobjQuery(dev.fd, &tl, &point, 1) && point == 5,
		       "the timeline reads 5");
		tap_ok(!mvgpu_bo_wait(&dev, &b.bo, 0) && *(uint32_t *)b.p == 0x11223344,
		       "WAIT_BO of its buffer: idle, FILL visible to the CPU");
		tap_ok(!drmSyncobjExportSyncFile(dev.fd, so, &fd) &&
		       !ioctl(fd, SYNC_IOC_FILE_INFO, &info) && info.status == 1,
		       "the out-syncobj exports as a signalled sync_file");
		if (fd >= 0)
			close(fd);
		/* WAIT_BO follows a running job. */
		spin.spin.usecs = 300000;
		mvgpu_cmdbuf_add(&cb, &spin);
		mvgpu_cmdbuf_add(&cb, &fill);
		ret = mvgpu_cmdbuf_submit(&dev, &cb, &(struct mvgpu_submit_args){ .bos = &sb,
									   .bo_count = 1 }, &job);
		tap_ok(!ret && mvgpu_bo_wait(&dev, &b.bo, 0) == -EBUSY,
		       "WAIT_BO polling a buffer a running job writes: EBUSY");
		tap_ok(!mvgpu_bo_wait(&dev, &b.bo, JOB_WAIT_NS), "WAIT_BO waits for it");
	}
	drmSyncobjDestroy(dev.fd, so);
	drmSyncobjDestroy(dev.fd, tl);
	mvgpu_bo_destroy(&dev, &b.bo);
	mvgpu_cmdbuf_fini(&dev, &cb);
	tap_ok(param(&dev, MVGPU_PARAM_FILE_FAULTS) == 0, "no job of this file faulted");
	tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) == avail, "VRAM available back where it was");
}

/* --- procs: 8 processes at once ----------------------------------------- */

static int child_rounds(int rounds, uint64_t seed)
{
	struct mvgpu_drm d;
	int exact[NKINDS], r, bad = 0;

	rng = seed * 2 + 1;
	if (mvgpu_drm_open(&d, dev.minor))
		return 2;
	for (r = 0; r < rounds; r++)
		if (run_round(&d, r % 2 ? MVGPU_BO_SYSMEM : MVGPU_BO_VRAM, exact, 0))
			bad++;
	mvgpu_drm_close(&d);
	return bad ? 1 : 0;
}

static void suite_procs(void)
{
	int nproc = 8, rounds = 4, i, st, good = 0;
	pid_t pids[8];

	if (skip_unless_accel("8 processes at once"))
		return;
	for (i = 0; i < nproc; i++) {
		pids[i] = fork();
		if (!pids[i])
			_exit(child_rounds(rounds, 100 + i));
	}
	for (i = 0; i < nproc; i++) {
		if (waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) && !WEXITSTATUS(st))
			good++;
		else
			tap_diag("process %d: status 0x%x", i, st);
	}
	tap_ok(good == nproc, "%d processes at once, each its own file and context, %d rounds each: %d all exact",
	       nproc, rounds, good);
	tap_ok(param(&dev, MVGPU_PARAM_CONTEXTS_USED) == 1, "their contexts are gone (%d in use)",
	       param(&dev, MVGPU_PARAM_CONTEXTS_USED));
}

/* --- isolation ---------------------------------------------------------- */

/* Run one job of cmds on d; its WAIT_JOB status (0 or -errno). */
static int run_job(struct mvgpu_drm *d, const struct mvgpu_cmd *cmds, int n,
		   struct mvgpu_job_status *st)
{
	struct mvgpu_cmdbuf cb;
	uint64_t job;
	int i, ret;

	memset(st, 0, sizeof(*st));
	if (mvgpu_cmdbuf_init(d, &cb, n))
		return -ENOMEM;
	for (i = 0; i < n; i++)
		mvgpu_cmdbuf_add(&cb, &cmds[i]);
	ret = mvgpu_cmdbuf_submit(d, &cb, NULL, &job);
	if (!ret)
		ret = mvgpu_job_wait(d, job, JOB_WAIT_NS, st);
	mvgpu_cmdbuf_fini(d, &cb);
	return ret ? ret : st->status;
}

static void suite_isolation(void)
{
	struct mvgpu_drm victim, att;
	struct mvgpu_bo secret, big, mine, ro;
	struct mvgpu_job_status st;
	struct mvgpu_cmd c;
	uint8_t pattern[4096];
	int exact[NKINDS], ret, i;

	if (skip_unless_accel("isolation between processes' files"))
		return;
	if (mvgpu_drm_open(&victim, dev.minor) || mvgpu_drm_open(&att, dev.minor) ||
	    mvgpu_bo_create(&victim, 4096, MVGPU_BO_VRAM, &secret) || mvgpu_bo_map(&victim, &secret) ||
	    mvgpu_bo_create(&victim, 64 << 20, MVGPU_BO_SYSMEM, &big) ||
	    mvgpu_bo_create(&att, 4096, MVGPU_BO_SYSMEM, &mine) || mvgpu_bo_map(&att, &mine) ||
	    mvgpu_bo_create(&att, 4096, MVGPU_BO_VRAM | MVGPU_BO_GPU_READONLY, &ro)) {
		tap_ok(0, "isolation set-up");
		return;
	}
	rnd_bytes(pattern, sizeof(pattern));
	memcpy(secret.map, pattern, sizeof(pattern));
	tap_diag("victim: secret at GPU VA 0x%" PRIx64 ", 64 MiB up to 0x%" PRIx64
		 "; attacker's buffer at 0x%" PRIx64, secret.va, big.va + big.size, mine.va);

	/* 1. A VA mapped in the victim's space only. */
	memset(&c, 0, sizeof(c));
	c.opcode = MVGPU_OP_COPY;
	c.copy.dst = mine.va;
	c.copy.src = big.va + big.size - 4096;
	c.copy.size = 4096;
	ret = run_job(&att, &c, 1, &st);
	tap_ok(ret == -EIO && st.dev_error == MVGPU_ERR_PAGE_FAULT,
	       "a COPY from a VA only the victim maps faults the attacker's job (%s, device error %u at 0x%" PRIx64 ")",
	       strerror(-ret), st.dev_error, st.fault_addr);
	/* 2. A command reaching past its own buffer. */
	c.copy.src = mine.va;
	c.copy.size = 1 << 20;
	c.copy.dst = mine.va + 8192 + (1 << 20);
	ret = run_job(&att, &c, 1, &st);
	tap_ok(ret == -EIO, "a COPY past the end of its own buffer faults (%s, error %u at 0x%" PRIx64 ")",
	       strerror(-ret), st.dev_error, st.fault_addr);
	/* 3. VRAM by offset: context 0's view, not a user context's. */
	c.copy.src = 0x20000;
	c.copy.dst = mine.va;
	c.copy.size = 4096;
	ret = run_job(&att, &c, 1, &st);
	tap_ok(ret == -EIO && st.dev_error == MVGPU_ERR_PAGE_FAULT,
	       "VRAM offsets are not the attacker's addresses: COPY from GPU VA 0x20000 faults (%s)",
	       strerror(-ret));
	/* 4. Writes to read-only memory: its own read-only buffer, its ring. */
	memset(&c, 0, sizeof(c));
	c.opcode = MVGPU_OP_FILL;
	c.fill.dst = ro.va;
	c.fill.size = 4096;
	ret = run_job(&att, &c, 1, &st);
	tap_ok(ret == -EIO && st.dev_error == MVGPU_ERR_PERMISSION,
	       "a FILL of its own GPU-read-only buffer faults with PERMISSION (%s, error %u)",
	       strerror(-ret), st.dev_error);
	c.fill.dst = 0x100000;	/* the driver's ring for this context */
	ret = run_job(&att, &c, 1, &st);
	tap_ok(ret == -EIO && st.dev_error == MVGPU_ERR_PERMISSION,
	       "a FILL over its own ring faults with PERMISSION (%s, error %u)",
	       strerror(-ret), st.dev_error);
	/* 5. Handles it does not have. */
	{
		struct drm_mvgpu_submit s = { .cmd_handle = secret.handle + 100, .cmd_size = 64 };

		tap_ok(mvgpu_submit(&att, &s) == -ENOENT, "a forged command-buffer handle: ENOENT");
	}
	/* 6. Page-table and context commands in its own buffer. */
	memset(&c, 0, sizeof(c));
	c.opcode = MVGPU_OP_MAP;
	c.map.ctx = param(&victim, MVGPU_PARAM_CONTEXT_ID);
	c.map.va = mine.va + (1 << 30);
	c.map.target = 0;
	c.map.size = 4096;
	c.map.map_flags = MVGPU_MAP_READ;
	ret = run_job(&att, &c, 1, &st);
	tap_ok(ret == -EINVAL, "a MAP naming the victim's context is refused at SUBMIT (%s)",
	       strerror(-ret));
	c.opcode = MVGPU_OP_CTX_DESTROY;
	c.context.ctx = param(&victim, MVGPU_PARAM_CONTEXT_ID);
	ret = run_job(&att, &c, 1, &st);
	tap_ok(ret == -EINVAL, "a CTX_DESTROY is refused at SUBMIT (%s)", strerror(-ret));

	/* The attacker goes on; the victim is untouched and exact. */
	memset(&c, 0, sizeof(c));
	c.opcode = MVGPU_OP_FILL;
	c.fill.dst = mine.va;
	c.fill.size = 4096;
	c.fill.value = 0xabcdabcd;
	ret = run_job(&att, &c, 1, &st);
	tap_ok(!ret && ((uint32_t *)mine.map)[1023] == 0xabcdabcd,
	       "after its faults the attacker's next job runs exactly (faults counted: %d)",
	       param(&att, MVGPU_PARAM_FILE_FAULTS));
	tap_ok(!memcmp(secret.map, pattern, sizeof(pattern)), "the victim's secret is intact");
	ret = run_round(&victim, MVGPU_BO_VRAM, exact, 1);
	tap_ok(ret == 0 && param(&victim, MVGPU_PARAM_FILE_FAULTS) == 0,
	       "the victim's workloads stay exact, no fault counted for it");
	for (i = 0; i < 1; i++) {
		mvgpu_bo_destroy(&att, &ro);
		mvgpu_bo_destroy(&att, &mine);
		mvgpu_bo_destroy(&victim, &big);
		mvgpu_bo_destroy(&victim, &secret);
	}
	mvgpu_drm_close(&att);
	mvgpu_drm_close(&victim);
}

/* --- hang: hanging and faulting jobs ----------------------------------- */

static void suite_hang(void)
{
	int timeout_ms = param(&dev, MVGPU_PARAM_JOB_TIMEOUT_MS), n, i, ret, exact[NKINDS];
	struct mvgpu_cmd cmds[255], c;
	struct mvgpu_job_status st;
	struct mvgpu_drm bystander;
	struct mvgpu_bo buf;
	pid_t pid;
	int status;

	if (skip_unless_accel("hanging and faulting jobs"))
		return;
	if (mvgpu_bo_create(&dev, 4096, MVGPU_BO_SYSMEM, &buf) || mvgpu_bo_map(&dev, &buf)) {
		tap_ok(0, "hang set-up");
		return;
	}
	/* A bystander keeps running exact workloads meanwhile. */
	pid = fork();
	if (!pid) {
		int bad = 0, r;

		if (mvgpu_drm_open(&bystander, dev.minor))
			_exit(2);
		for (r = 0; r < 6; r++)
			bad += run_round(&bystander, r % 2 + 1, exact, 0) != 0;
		_exit(bad ? 1 : 0);
	}
	/* Engine time over the limit: SPINs of 100 ms, each under the watchdog. */
	n = timeout_ms / 100 * 2 + 2;
	if (n > 255)
		n = 255;
	memset(cmds, 0, sizeof(cmds));
	for (i = 0; i < n; i++) {
		cmds[i].opcode = MVGPU_OP_SPIN;
		cmds[i].spin.usecs = 100000;
	}
	ret = run_job(&dev, cmds, n, &st);
	tap_ok(ret == -ETIMEDOUT, "a job of %d ms of SPIN (limit %d ms of engine time) fails with %s",
	       n * 100, timeout_ms, strerror(-ret));
	/* A WAIT for a value that never comes uses no engine time. */
	memset(&c, 0, sizeof(c));
	c.opcode = MVGPU_OP_WAIT;
	c.wait.addr = buf.va;
	c.wait.value = 1;
	ret = run_job(&dev, &c, 1, &st);
	tap_ok(ret == -ETIMEDOUT, "a job WAITing for a value nobody writes fails with %s (stall limit)",
	       strerror(-ret));
	/* A page fault. */
	c = (struct mvgpu_cmd){ .opcode = MVGPU_OP_FILL, .fill = { .dst = 0x40000000000ull - 4096,
								   .size = 4096 } };
	ret = run_job(&dev, &c, 1, &st);
	tap_ok(ret == -EIO && st.dev_error == MVGPU_ERR_PAGE_FAULT && st.fault_addr,
	       "a job writing an unmapped VA fails with %s, PAGE_FAULT at 0x%" PRIx64,
	       strerror(-ret), st.fault_addr);
	/* A bad command: the device checks what the driver does not. */
	c = (struct mvgpu_cmd){ .opcode = MVGPU_OP_FILL, .fill = { .dst = buf.va, .size = 3 } };
	ret = run_job(&dev, &c, 1, &st);
	tap_ok(ret == -EIO && st.dev_error == MVGPU_ERR_BAD_SIZE,
	       "a FILL of 3 bytes fails with %s, BAD_SIZE (%u)", strerror(-ret), st.dev_error);
	/* Jobs queued behind a faulting one run after it. */
	{
		struct mvgpu_cmdbuf cb;
		struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL,
					  .fill = { .dst = buf.va, .size = 4096, .value = 7 } };
		uint64_t j1 = 0, j2 = 0;
		struct mvgpu_job_status s1, s2;

		mvgpu_cmdbuf_init(&dev, &cb, 4);
		mvgpu_cmdbuf_add(&cb, &c);
		ret = mvgpu_cmdbuf_submit(&dev, &cb, NULL, &j1);
		mvgpu_cmdbuf_add(&cb, &fill);
		ret = ret ?: mvgpu_cmdbuf_submit(&dev, &cb, NULL, &j2);
		ret = ret ?: mvgpu_job_wait(&dev, j2, JOB_WAIT_NS, &s2);
		ret = ret ?: mvgpu_job_wait(&dev, j1, 0, &s1);
		tap_ok(!ret && s1.status == -EIO && !s2.status && ((uint32_t *)buf.map)[1023] == 7,
		       "a job queued behind a faulting one runs after the context's reset (%d, %d)",
		       s1.status, s2.status);
		mvgpu_cmdbuf_fini(&dev, &cb);
	}
	tap_ok(param(&dev, MVGPU_PARAM_FILE_FAULTS) >= 5, "this file counts %d faults",
	       param(&dev, MVGPU_PARAM_FILE_FAULTS));
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && !WEXITSTATUS(status),
	       "another process's workloads stayed exact meanwhile (status 0x%x)", status);
	mvgpu_bo_destroy(&dev, &buf);
}

/* --- kill -9 in the middle of jobs -------------------------------------- */

static void suite_kill(void)
{
	uint64_t avail = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE);
	int used = param(&dev, MVGPU_PARAM_CONTEXTS_USED), p[2], i, st;
	char ch;
	pid_t pid;

	if (skip_unless_accel("kill -9 in the middle of jobs"))
		return;
	if (pipe(p))
		return;
	pid = fork();
	if (!pid) {
		struct mvgpu_drm d;
		struct mvgpu_bo b[4];
		struct mvgpu_cmdbuf cb;
		struct mvgpu_cmd spin = { .opcode = MVGPU_OP_SPIN, .spin.usecs = 50000 };
		uint32_t so;

		if (mvgpu_drm_open(&d, dev.minor) || mvgpu_cmdbuf_init(&d, &cb, 32))
			_exit(2);
		for (i = 0; i < 4; i++)
			mvgpu_bo_create(&d, 1 << 20, i % 2 ? MVGPU_BO_SYSMEM : MVGPU_BO_VRAM, &b[i]);
		drmSyncobjCreate(d.fd, 0, &so);
		for (i = 0; i < 20; i++) {
			int k;

			for (k = 0; k < 20; k++)
				mvgpu_cmdbuf_add(&cb, &spin);
			mvgpu_cmdbuf_submit(&d, &cb, &(struct mvgpu_submit_args){ .out_sync = so }, NULL);
			if (i == 3 && write(p[1], "x", 1) != 1)
				_exit(3);
		}
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &ch, 1) == 1) {
		usleep(200000);
		kill(pid, SIGKILL);
	}
	close(p[0]);
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "a process with 20 jobs of 1 s of SPIN queued killed with SIGKILL");
	for (i = 0; i < 600 && (param(&dev, MVGPU_PARAM_CONTEXTS_USED) != used ||
				param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) != avail); i++)
		usleep(100000);
	tap_ok(param(&dev, MVGPU_PARAM_CONTEXTS_USED) == used,
	       "its context is freed (%d in use)", param(&dev, MVGPU_PARAM_CONTEXTS_USED));
	tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) == avail,
	       "its VRAM buffers and ring are freed");
	{
		int exact[NKINDS];

		tap_ok(run_round(&dev, MVGPU_BO_VRAM, exact, 1) == 0, "the device works on, exact");
	}
}

/* --- a reset of the whole vGPU ------------------------------------------ */

static void suite_vramlost(void)
{
	int lost0 = param(&dev, MVGPU_PARAM_VRAM_LOST_COUNTER), fd, ret;
	struct mvgpu_bo v, s;
	struct drm_mvgpu_submit sub;
	struct mvgpu_cmdbuf cb;
	struct mvgpu_cmd nop = { .opcode = MVGPU_OP_NOP };
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/mvgpu_reset", dev.minor);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		printf("ok %d - a reset of the whole vGPU # SKIP %s: %s\n", ++tap_n, path,
		       strerror(errno));
		return;
	}
	if (mvgpu_bo_create(&dev, 4096, MVGPU_BO_VRAM, &v) || mvgpu_bo_map(&dev, &v) ||
	    mvgpu_bo_create(&dev, 4096, MVGPU_BO_SYSMEM, &s) || mvgpu_bo_map(&dev, &s) ||
	    mvgpu_cmdbuf_init(&dev, &cb, 4)) {
		tap_ok(0, "vramlost set-up");
		close(fd);
		return;
	}
	memset(v.map, 0x77, 4096);
	memset(s.map, 0x66, 4096);
	tap_ok(write(fd, "1", 1) == 1, "reset the vGPU (debugfs mvgpu_reset)");
	close(fd);
	tap_ok(param(&dev, MVGPU_PARAM_VRAM_LOST_COUNTER) == lost0 + 1,
	       "VRAM_LOST_COUNTER went from %d to %d", lost0,
	       param(&dev, MVGPU_PARAM_VRAM_LOST_COUNTER));
	tap_ok(param(&dev, MVGPU_PARAM_BOS_LOST) == 1, "one buffer of this file lost (BOS_LOST %d)",
	       param(&dev, MVGPU_PARAM_BOS_LOST));
	tap_ok(((uint8_t *)s.map)[100] == 0x66, "the system-memory buffer kept its contents");
	mvgpu_cmdbuf_add(&cb, &nop);
	sub = (struct drm_mvgpu_submit){ .cmd_handle = cb.bo.handle, .cmd_size = 64 };
	ret = mvgpu_submit(&dev, &sub);
	tap_ok(ret == (dev.accel ? -ECANCELED : -ENODEV),
	       "SUBMIT fails with %s while the lost buffer exists", strerror(-ret));
	mvgpu_bo_destroy(&dev, &v);
	tap_ok(param(&dev, MVGPU_PARAM_BOS_LOST) == 0, "freed: BOS_LOST 0");
	if (dev.accel) {
		struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL,
					  .fill = { .dst = s.va, .size = 4096, .value = 0x01020304 } };
		struct mvgpu_job_status st;

		ret = run_job(&dev, &fill, 1, &st);
		tap_ok(!ret && ((uint32_t *)s.map)[5] == 0x01020304,
		       "then jobs run again, on the surviving buffer mapped again (%s)",
		       strerror(-ret));
	}
	mvgpu_bo_destroy(&dev, &s);
	mvgpu_cmdbuf_fini(&dev, &cb);
}

/* --- review: what a failed or finished file leaves behind --------------- */

static int debugfs_open(const char *name, int flags)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/%s", dev.minor, name);
	return open(path, flags);
}

/* A debugfs knob's write; 0 or the positive errno. */
static int debugfs_write(const char *name, const char *val)
{
	int fd = debugfs_open(name, O_WRONLY), ret = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = errno ?: EIO;
	close(fd);
	return ret;
}

/* debugfs mvgpu_info's "allocated contexts N", or -1. */
static int contexts_allocated(void)
{
	char buf[4096], *p;
	int fd = debugfs_open("mvgpu_info", O_RDONLY), n = -1;
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	p = strstr(buf, "allocated contexts ");
	if (p)
		sscanf(p, "allocated contexts %d", &n);
	return n;
}

/*
 * A SYSMEM buffer larger than what is left of the vGPU's pin budget (its
 * VRAM size): BO_CREATE fails with ENOSPC after the device mapped part of
 * it, and nothing of it may stay mapped at its VA once its pages are freed.
 */
static void suite_pinlimit(void)
{
	uint64_t budget = param64(&dev, MVGPU_PARAM_VRAM_SIZE), piece, big = 64 << 20, va;
	uint64_t ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
	uint64_t free_ram = (uint64_t)sysconf(_SC_AVPHYS_PAGES) * sysconf(_SC_PAGESIZE);
	struct mvgpu_bo a[2], b, dst;
	struct drm_mvgpu_bo_create c;
	struct mvgpu_job_status st;
	struct mvgpu_cmd copy;
	struct mvgpu_drm d;
	int ret;

	if (skip_unless_accel("a SYSMEM buffer over the pin budget"))
		return;
	/* Two buffers pin all but 16 MiB of the budget; a third of 64 MiB. */
	piece = ((budget - (16 << 20)) / 2) & ~((2ull << 20) - 1);
	if (piece > ram / 2 - (4 << 20) || free_ram < 2 * piece + big + (48 << 20)) {
		printf("ok %d - a SYSMEM buffer over the pin budget # SKIP needs %" PRIu64
		       " MiB of guest RAM free (%" PRIu64 " MiB, %" PRIu64 " MiB free)\n",
		       ++tap_n, (2 * piece + big + (48 << 20)) >> 20, ram >> 20, free_ram >> 20);
		return;
	}
	if (mvgpu_drm_open(&d, dev.minor) ||
	    mvgpu_bo_create(&d, 4096, MVGPU_BO_VRAM, &dst) || mvgpu_bo_map(&d, &dst) ||
	    mvgpu_bo_create(&d, piece, MVGPU_BO_SYSMEM, &a[0]) ||
	    mvgpu_bo_create(&d, piece, MVGPU_BO_SYSMEM, &a[1])) {
		tap_ok(0, "pinlimit set-up");
		return;
	}
	/*
	 * Best fit, 2 MiB aligned: the only hole that large starts where the
	 * second buffer ends (below the first is the 2 MiB the small one left).
	 */
	va = a[1].va + a[1].size;
	c = (struct drm_mvgpu_bo_create){ .size = big, .flags = MVGPU_BO_SYSMEM };
	ret = ioc(d.fd, DRM_IOCTL_MVGPU_BO_CREATE, &c);
	tap_ok(ret == ENOSPC,
	       "a SYSMEM buffer of 64 MiB with 2 x %" PRIu64 " MiB pinned (pin budget %" PRIu64
	       " MiB) fails with %s", piece >> 20, budget >> 20, strerror(ret));
	if (!ret) {
		struct drm_gem_close cl = { .handle = c.handle };

		ioc(d.fd, DRM_IOCTL_GEM_CLOSE, &cl);
	}
	memset(&copy, 0, sizeof(copy));
	copy.opcode = MVGPU_OP_COPY;
	copy.copy.dst = dst.va;
	copy.copy.src = va;
	copy.copy.size = 4096;
	ret = run_job(&d, &copy, 1, &st);
	tap_ok(ret == -EIO && st.dev_error == MVGPU_ERR_PAGE_FAULT,
	       "nothing of it stays mapped: a COPY from its VA 0x%" PRIx64 " faults (%s, error %u at 0x%"
	       PRIx64 ")", va, strerror(-ret), st.dev_error, st.fault_addr);
	copy.copy.src = va + (4 << 20);
	ret = run_job(&d, &copy, 1, &st);
	tap_ok(ret == -EIO && st.dev_error == MVGPU_ERR_PAGE_FAULT,
	       "nor 4 MiB into it (%s, error %u)", strerror(-ret), st.dev_error);
	mvgpu_bo_destroy(&d, &a[0]);
	mvgpu_bo_destroy(&d, &a[1]);
	ret = mvgpu_bo_create(&d, big, MVGPU_BO_SYSMEM, &b);
	tap_ok(!ret, "with the others freed a buffer of 64 MiB fits (%s)",
	       ret ? strerror(-ret) : "ok");
	if (!ret)
		mvgpu_bo_destroy(&d, &b);
	mvgpu_bo_destroy(&d, &dst);
	mvgpu_drm_close(&d);
}

/*
 * A new file's ring and scratch page: process A fills VRAM with a pattern
 * and frees it; a file opened after reads zero through its context.
 */
static void suite_stale(void)
{
	struct mvgpu_bo bos[300], dst;
	struct mvgpu_job_status st;
	struct mvgpu_cmd cmds[255];
	struct mvgpu_drm a, b;
	int n = 0, i, ret, filled = 0;
	uint64_t size = 4 << 20;

	if (skip_unless_accel("a new file's ring and scratch page"))
		return;
	if (mvgpu_drm_open(&a, dev.minor)) {
		tap_ok(0, "stale set-up");
		return;
	}
	/* All the VRAM there is, 4 MiB pieces then 64 KiB ones. */
	while (n < 300) {
		if (!mvgpu_bo_create(&a, size, MVGPU_BO_VRAM, &bos[n])) {
			n++;
			continue;
		}
		if (size == 65536)
			break;
		size = 65536;
	}
	for (i = 0; i < n; i += 255) {
		int k;

		for (k = 0; k < 255 && i + k < n; k++) {
			memset(&cmds[k], 0, sizeof(cmds[k]));
			cmds[k].opcode = MVGPU_OP_FILL;
			cmds[k].fill.dst = bos[i + k].va;
			cmds[k].fill.size = bos[i + k].size;
			cmds[k].fill.value = 0x5aa55aa5;
		}
		if (!run_job(&a, cmds, k, &st))
			filled += k;
	}
	tap_ok(n > 0 && filled == n, "process A fills %d VRAM buffers (all it can get) with a pattern",
	       n);
	for (i = 0; i < n; i++)
		mvgpu_bo_destroy(&a, &bos[i]);
	mvgpu_drm_close(&a);
	if (mvgpu_drm_open(&b, dev.minor) ||
	    mvgpu_bo_create(&b, 65536, MVGPU_BO_SYSMEM, &dst) || mvgpu_bo_map(&b, &dst)) {
		tap_ok(0, "stale set-up, file B");
		return;
	}
	memset(dst.map, 0xff, 65536);
	memset(cmds, 0, 2 * sizeof(cmds[0]));
	cmds[0].opcode = MVGPU_OP_COPY;
	cmds[0].copy.dst = dst.va;
	cmds[0].copy.src = 0x80000;		/* the scratch page */
	cmds[0].copy.size = 4096;
	cmds[1].opcode = MVGPU_OP_COPY;
	cmds[1].copy.dst = dst.va + 4096;
	cmds[1].copy.src = 0x100000 + 4096;	/* the ring past this job, to 64 KiB */
	cmds[1].copy.size = 65536 - 4096;
	ret = run_job(&b, cmds, 2, &st);
	tap_ok(!ret && all_zero(dst.map, 4096),
	       "a new file's scratch page reads zero, not what A left (%s, word 0x%08x)",
	       strerror(-ret), ((uint32_t *)dst.map)[16]);
	tap_ok(!ret && all_zero((char *)dst.map + 4096, 65536 - 4096),
	       "a new file's ring past its first job reads zero (word 0x%08x)",
	       ((uint32_t *)dst.map)[1024]);
	mvgpu_bo_destroy(&b, &dst);
	mvgpu_drm_close(&b);
}

/* Files closed after their jobs leave no context allocated behind. */
static void suite_ctxleak(void)
{
	struct mvgpu_cmd nop = { .opcode = MVGPU_OP_NOP };
	int before = contexts_allocated(), after = -1, i, bad = 0;
	struct mvgpu_job_status st;
	struct mvgpu_drm d;

	if (skip_unless_accel("contexts of closed files"))
		return;
	if (before < 0) {
		printf("ok %d - contexts of closed files # SKIP debugfs mvgpu_info has no count\n",
		       ++tap_n);
		return;
	}
	for (i = 0; i < 50; i++) {
		if (mvgpu_drm_open(&d, dev.minor)) {
			bad++;
			continue;
		}
		bad += run_job(&d, &nop, 1, &st) != 0;
		mvgpu_drm_close(&d);
	}
	for (i = 0; i < 50; i++) {
		after = contexts_allocated();
		if (after == before)
			break;
		usleep(100000);
	}
	tap_ok(!bad && after == before,
	       "50 files opened, one job each, closed: contexts allocated %d before, %d after",
	       before, after);
}

/*
 * A failed UNMAP (debugfs mvgpu_fail_unmap): the buffer's memory is kept
 * until its file's context is destroyed, never given to another buffer.
 */
static void suite_unmapfail(void)
{
	uint64_t a0 = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE), a2, a3;
	struct mvgpu_drm d;
	struct mvgpu_bo bo;
	int ret, i;

	if (skip_unless_accel("a failed UNMAP"))
		return;
	ret = debugfs_write("mvgpu_fail_unmap", "0");
	if (ret) {
		printf("ok %d - a failed UNMAP # SKIP debugfs mvgpu_fail_unmap: %s\n", ++tap_n,
		       strerror(ret));
		return;
	}
	if (mvgpu_drm_open(&d, dev.minor) || mvgpu_bo_create(&d, 1 << 20, MVGPU_BO_VRAM, &bo)) {
		tap_ok(0, "unmapfail set-up");
		return;
	}
	a2 = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE);
	debugfs_write("mvgpu_fail_unmap", "1");
	mvgpu_bo_destroy(&d, &bo);
	a3 = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE);
	debugfs_write("mvgpu_fail_unmap", "0");
	tap_ok(a3 == a2, "a VRAM buffer whose UNMAP failed keeps its VRAM (available %" PRIu64
	       " KiB, was %" PRIu64 " KiB)", a3 >> 10, a2 >> 10);
	mvgpu_drm_close(&d);
	for (i = 0; i < 50 && param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) != a0; i++)
		usleep(100000);
	tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) == a0,
	       "freed when its file's context is destroyed (%" PRIu64 " KiB available)",
	       param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) >> 10);
}

static const struct {
	const char *name;
	void (*fn)(void);
} suites[] = {
	{ "core", suite_core }, { "syncobj", suite_syncobj }, { "bo", suite_bo },
	{ "ioctl", suite_ioctl }, { "contexts", suite_contexts }, { "exec", suite_exec },
	{ "procs", suite_procs }, { "isolation", suite_isolation }, { "hang", suite_hang },
	{ "kill", suite_kill }, { "vramlost", suite_vramlost }, { "pinlimit", suite_pinlimit },
	{ "stale", suite_stale }, { "ctxleak", suite_ctxleak }, { "unmapfail", suite_unmapfail },
	{ "uidlimit", suite_uidlimit }, { "bench", suite_bench },
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

int main(int argc, char **argv)
{
	unsigned int s;
	int i, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: mvgpu-drm-test all|SUITE...\n");
		return 2;
	}
	ret = mvgpu_drm_open(&dev, -1);
	if (!tap_ok(!ret, "open the mvgpu render node (%s)", ret ? strerror(-ret) : "ok")) {
		printf("1..%d\n", tap_n);
		return 1;
	}
	tap_diag("renderD%d, device %d.%d, accel %d, %d contexts", dev.minor,
		 param(&dev, MVGPU_PARAM_DEVICE_VERSION) >> 16,
		 param(&dev, MVGPU_PARAM_DEVICE_VERSION) & 0xffff, (int)dev.accel,
		 param(&dev, MVGPU_PARAM_NUM_CONTEXTS));
	for (i = 1; i < argc; i++)
		for (s = 0; s < NSUITES; s++)
			if ((!strcmp(argv[i], "all") && suites[s].fn != suite_bench) ||
			    !strcmp(argv[i], suites[s].name)) {
				tap_diag("suite %s", suites[s].name);
				suites[s].fn();
			}
	mvgpu_drm_close(&dev);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
