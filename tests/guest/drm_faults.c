// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-drm-test isolation, hang, kill, vramlost, pinlimit, stale, ctxleak,
 * unmapfail: processes kept apart, faults and resets, and what a failed or
 * finished file leaves behind.
 */
#include "drm_test.h"

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

void suite_isolation(void)
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

void suite_hang(void)
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

void suite_kill(void)
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

void suite_vramlost(void)
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

/*
 * The line of debugfs mvgpu_info that starts with @key, into @buf; NULL if
 * it cannot be read or has no such line.
 */
static const char *info_line(char *buf, size_t size, const char *key)
{
	int fd = debugfs_open("mvgpu_info", O_RDONLY);
	ssize_t len;

	if (fd < 0)
		return NULL;
	len = read(fd, buf, size - 1);
	close(fd);
	if (len <= 0)
		return NULL;
	buf[len] = 0;
	return strstr(buf, key);
}

/* debugfs mvgpu_info's "allocated contexts N", or -1. */
static int contexts_allocated(void)
{
	const char *p;
	char buf[4096];
	int n = -1;

	p = info_line(buf, sizeof(buf), "allocated contexts ");
	if (p)
		sscanf(p, "allocated contexts %d", &n);
	return n;
}

/*
 * A SYSMEM buffer larger than what is left of the vGPU's pin budget (its
 * VRAM size): BO_CREATE fails with ENOSPC after the device mapped part of
 * it, and nothing of it may stay mapped at its VA once its pages are freed.
 */
void suite_pinlimit(void)
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
void suite_stale(void)
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
void suite_ctxleak(void)
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
void suite_unmapfail(void)
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

/* debugfs mvgpu_info's "interrupts threaded T watchdog signalled W"; 0 if read. */
static int irq_counts(int *threaded, int *wd)
{
	const char *p;
	char buf[4096];

	p = info_line(buf, sizeof(buf), "interrupts threaded ");
	return p && sscanf(p, "interrupts threaded %d watchdog signalled %d", threaded, wd) == 2 ?
	       0 : -1;
}

/*
 * The interrupt's thread: when MVGPU_INT_CONTEXT is still set after the
 * hard interrupt's passes, the handler masks it and the thread goes on and
 * unmasks it, so a context that becomes pending meanwhile still gets its
 * MSI.  debugfs mvgpu_irq_passes 0 sends every context interrupt that way.
 * Jobs of three processes at once must then all be signalled by the
 * interrupt, not by the watchdog (a lost interrupt: half a second each).
 */
void suite_irqthread(void)
{
	enum { PROCS = 3, JOBS = 40 };
	int t0, w0, t1, w1, i, st, fd, bad = 0;
	char passes[16] = "";
	ssize_t n;
	pid_t pid[PROCS];

	if (skip_unless_accel("the interrupt's thread"))
		return;
	fd = debugfs_open("mvgpu_irq_passes", O_RDONLY);
	n = fd < 0 ? -1 : read(fd, passes, sizeof(passes) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0 || irq_counts(&t0, &w0) || debugfs_write("mvgpu_irq_passes", "0")) {
		tap_ok(0, "debugfs mvgpu_info counts and mvgpu_irq_passes");
		return;
	}
	for (i = 0; i < PROCS; i++) {
		pid[i] = fork();
		if (!pid[i]) {
			struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL };
			struct mvgpu_job_status js;
			struct mvgpu_cmdbuf cb;
			struct mvgpu_drm d;
			struct mvgpu_bo bo;
			uint64_t job;
			int k;

			if (mvgpu_drm_open(&d, dev.minor) ||
			    mvgpu_bo_create(&d, 4096, MVGPU_BO_VRAM, &bo) ||
			    mvgpu_bo_map(&d, &bo) || mvgpu_cmdbuf_init(&d, &cb, 4))
				_exit(2);
			fill.fill.dst = bo.va;
			fill.fill.size = 4096;
			for (k = 0; k < JOBS; k++) {
				fill.fill.value = 0x1000 * i + k;
				mvgpu_cmdbuf_add(&cb, &fill);
				if (mvgpu_cmdbuf_submit(&d, &cb, NULL, &job) ||
				    mvgpu_job_wait(&d, job, JOB_WAIT_NS, &js) || js.status ||
				    ((uint32_t *)bo.map)[1023] != fill.fill.value)
					_exit(3);
			}
			_exit(0);
		}
	}
	for (i = 0; i < PROCS; i++)
		bad |= pid[i] < 0 || waitpid(pid[i], &st, 0) != pid[i] ||
		       !WIFEXITED(st) || WEXITSTATUS(st);
	bad |= irq_counts(&t1, &w1);
	debugfs_write("mvgpu_irq_passes", passes);	/* as it was */
	tap_ok(!bad, "%d processes x %d jobs, every context interrupt through the thread: exact",
	       PROCS, JOBS);
	if (bad)
		return;
	tap_ok(t1 > t0, "the thread finished %d interrupts", t1 - t0);
	tap_ok(w1 - w0 <= PROCS * JOBS / 10,
	       "the watchdog signalled %d of %d jobs (interrupts lost)", w1 - w0, PROCS * JOBS);
}
