// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-drm-test: the render node's tests, run inside a VM that has an
 * mvgpu vGPU and mvgpu_drm.ko.  TAP on stdout.
 *
 *   mvgpu-drm-test SUITE...
 *
 * Suites (each a function suite_NAME: core to contexts below, exec and
 * procs in drm_exec.c, isolation to irqthread in drm_faults.c, uidlimit in
 * drm_uid.c, bench in drm_bench.c; "all" runs every one in order):
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
 *   irqthread  every context interrupt handed to the interrupt's thread
 *              (debugfs mvgpu_irq_passes 0): jobs of three processes are
 *              exact and signalled by the interrupt, not the watchdog
 *   uidlimit   the contexts one uid may hold: processes of uids 1000-1002
 *              open until EDQUOT, another uid still opens and runs exact
 *              jobs, close and kill -9 give contexts back, max_ctx_per_uid;
 *              a user's namespace is that user, a container root made is
 *              its root's uid (needs root, to setuid, map namespaces and
 *              write the parameter)
 *   bench      make bench's drm_submit_vs_raw and drm_jobs_per_s (BENCH
 *              lines; not in "all")
 *
 * Suites that run jobs report "skip" on a device without contexts
 * (MVGPU_PARAM_ACCEL 0).  Exit status: 0 if all passed.
 */
#include "drm_test.h"

struct mvgpu_drm dev;
uint64_t rng = 0x6d766770755f6472ull;

uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

void rnd_bytes(void *p, size_t len)
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
int ioc(int fd, unsigned long req, void *arg)
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

int all_zero(const void *p, size_t len)
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

static const struct {
	const char *name;
	void (*fn)(void);
} suites[] = {
	{ "core", suite_core }, { "syncobj", suite_syncobj }, { "bo", suite_bo },
	{ "ioctl", suite_ioctl }, { "contexts", suite_contexts }, { "exec", suite_exec },
	{ "procs", suite_procs }, { "isolation", suite_isolation }, { "hang", suite_hang },
	{ "kill", suite_kill }, { "vramlost", suite_vramlost }, { "pinlimit", suite_pinlimit },
	{ "stale", suite_stale }, { "ctxleak", suite_ctxleak }, { "unmapfail", suite_unmapfail },
	{ "irqthread", suite_irqthread },
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
