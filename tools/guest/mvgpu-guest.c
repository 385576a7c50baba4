// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-guest: a tenant inside a VM.  It drives an mvgpu vGPU that QEMU
 * passed through (-device vfio-pci,sysfsdev=...) with no kernel driver, the
 * way a user-space GPU driver would: through the PCI device's sysfs files.
 *
 *   mvgpu-guest [--seconds S | --rounds N] [--seed X] [--hog-us U]
 *               [--hog-seconds H [--control TTY]]
 *               [--expect-subsys D] [--expect-vram BYTES] [--quiet]
 *
 * 1. finds the device in /sys/bus/pci/devices (vendor 1234, device 4d47),
 *    checks class, revision, subsystem and the BAR sizes in "resource", and
 *    prints lspci-like lines;
 * 2. enables it (the "enable" file) and its bus mastering (PCI_COMMAND_MASTER
 *    through the "config" file, what a driver's pci_set_master() does: like
 *    a real PCI device, the vGPU may not reach guest memory or send an MSI
 *    without it), maps BAR0 (registers) and BAR2 (VRAM) from resource0 /
 *    resource2, checks the ID, version and VRAM_SIZE registers;
 * 3. resets the engine and puts a command ring in VRAM (after a reset GPU
 *    VA [0, VRAM) is VRAM itself, so VRAM offsets are the GPU addresses);
 * 4. gives the GPU some of its own system memory: a buffer, locked (mlock),
 *    whose guest-physical pages it reads from /proc/self/pagemap (as root)
 *    and maps at GPU VA SYS_VA, above any VRAM, with MAP commands
 *    (MVGPU_MAP_SYSMEM, one per run of physically contiguous pages).  With
 *    no vIOMMU a guest-physical address is the IOVA QEMU mapped through
 *    VFIO, so that is the MAP's target;
 * 5. runs rounds of FILL, COPY, VADD, MATMUL and REDUCE on random operands,
 *    the rounds taking turns to put the operands in VRAM, in system memory,
 *    or in both (alternating buffer by buffer), each result checked bit for
 *    bit against the CPU, with random guard bytes on both sides, waiting for
 *    fences by polling VRAM (and ENGINE_STATUS, to catch a stopped engine);
 * 6. with --hog-us, queues that many microseconds of SPIN behind every
 *    round, so the vGPU stays backlogged while the CPU checks results;
 * 7. with --hog-seconds, after the rounds keeps HOG_BACKLOG_US of SPIN
 *    queued, topping the ring up every HOG_POLL_US, for H seconds or until
 *    the line "stop" arrives on TTY (a serial port whose other end the host
 *    holds): a tenant that wants the whole GPU, whose share the host
 *    measures;
 * 8. unmaps its system memory, checks CMDS_DONE counted every command and
 *    the locked pages never moved.
 *
 * Prints TAP lines and a summary line
 *   mvgpu-guest: summary rounds=R sysmem_rounds=SR workloads=W sysmem_workloads=SW commands=C seconds=S workloads_per_s=X hog_seconds=H mismatches=M
 * (sysmem_*: with operands in guest memory; seconds and workloads_per_s:
 * the rounds only), and for the host to watch
 *   mvgpu-guest: hog started ...    once the SPIN backlog is queued
 *   mvgpu-guest: hog stopping ...   when it stops topping it up
 * and exits 0 if everything was exact, 1 on any mismatch or engine error,
 * 2 on bad usage, 3 if there is no vGPU.
 *
 * With --drm-auto it does so when the render node can run jobs (the
 * device has contexts), and otherwise unbinds the driver from the device
 * and goes on through sysfs as without it.
 *
 * With --drm it drives the vGPU through the guest driver's render node
 * instead (mvgpu_drm.ko, libmvgpu_drm): no sysfs, no BAR, no MAP.  Its
 * operands are a VRAM buffer and a system-memory buffer of the driver's,
 * each round is a job (SUBMIT) waited for with WAIT_JOB, the hog keeps jobs
 * of SPIN queued; TAP lines and the summary are the same.
 *
 * Statically linked, it runs from a busybox initramfs (scripts/mkguest.sh).
 */
#include "guest.h"

int quiet;

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Probe, map, check identity; 0 if the device is usable. */
static int setup(struct gpu *g, unsigned int expect_subsys, uint64_t expect_vram)
{
	const struct bar *b0 = &g->bar[0], *b2 = &g->bar[2];
	uint32_t id, ver, caps;
	uint64_t vram_reg;
	uint16_t cmd_was, cmd;
	char sz[32];
	int good;

	if (find_gpu(g)) {
		tap_ok(0, "an mvgpu vGPU (%04x:%04x) is on the PCI bus",
		    MVGPU_PCI_VENDOR_ID, MVGPU_PCI_DEVICE_ID);
		return -1;
	}
	read_hex(g->dir, "class", &g->class);
	read_hex(g->dir, "revision", &g->revision);
	read_hex(g->dir, "subsystem_vendor", &g->subvendor);
	read_hex(g->dir, "subsystem_device", &g->subdevice);
	if (read_resources(g)) {
		tap_ok(0, "read %s/resource", g->dir);
		return -1;
	}
	print_lspci(g);
	tap_ok(1, "vGPU %04x:%04x found at %s", g->vendor, g->device, g->bdf);
	tap_ok(g->class == MVGPU_PCI_CLASS && g->revision == MVGPU_PCI_REVISION,
	    "class 0x%06x (3D controller), revision %u", g->class, g->revision);
	good = g->subvendor == MVGPU_PCI_SUBVENDOR_ID &&
	       (!expect_subsys || g->subdevice == expect_subsys);
	tap_ok(good, "subsystem %04x:%04x (type mvgpu-1_%u)%s", g->subvendor,
	    g->subdevice, g->subdevice, expect_subsys ? ", as expected" : "");
	tap_ok(b0->size == MVGPU_BAR0_SIZE && (b0->flags & IORESOURCE_MEM) &&
	    !(b0->flags & (IORESOURCE_MEM_64 | IORESOURCE_PREFETCH)),
	    "BAR0: %s, 32-bit, non-prefetchable", size_str(b0->size, sz, sizeof(sz)));
	good = b2->size && !(b2->size & (b2->size - 1)) &&
	       (b2->flags & IORESOURCE_MEM) && (b2->flags & IORESOURCE_MEM_64) &&
	       (b2->flags & IORESOURCE_PREFETCH) &&
	       (!expect_vram || b2->size == expect_vram);
	tap_ok(good, "BAR2: %s, 64-bit, prefetchable%s", size_str(b2->size, sz, sizeof(sz)),
	    expect_vram ? ", the type's VRAM" : "");
	tap_ok(!g->bar[1].size && !g->bar[4].size && !g->bar[5].size,
	    "BAR1, BAR4, BAR5 unimplemented");
	if (b0->size != MVGPU_BAR0_SIZE || !b2->size)
		return -1;

	tap_ok(!write_str(g->dir, "enable", "1"), "enable the device (sysfs enable)");
	/* Before any DMA, as a driver would: the vGPU may need it to reach us. */
	good = !enable_bus_master(g, &cmd_was, &cmd);
	tap_ok(good, "bus mastering on (PCI_COMMAND 0x%04x -> 0x%04x)", cmd_was, cmd);
	g->regs = map_bar(g, 0, MVGPU_BAR0_SIZE);
	g->vram = map_bar(g, 2, b2->size);
	tap_ok(g->regs && g->vram, "mmap BAR0 and BAR2 through resource0/resource2");
	if (!g->regs || !g->vram)
		return -1;
	g->vram_size = b2->size;

	id = rd(g, MVGPU_REG_ID);
	ver = rd(g, MVGPU_REG_VERSION);
	caps = rd(g, MVGPU_REG_CAPS);
	vram_reg = rd(g, MVGPU_REG_VRAM_SIZE_LO) |
		   (uint64_t)rd(g, MVGPU_REG_VRAM_SIZE_HI) << 32;
	tap_ok(id == MVGPU_ID_MAGIC, "ID register 0x%08x (\"MVGP\")", id);
	tap_ok(ver >> 16 == MVGPU_UAPI_VERSION_MAJOR,
	    "VERSION %u.%u (this program: %u.%u)", ver >> 16, ver & 0xffff,
	    MVGPU_UAPI_VERSION_MAJOR, MVGPU_UAPI_VERSION_MINOR);
	tap_ok(vram_reg == g->vram_size, "VRAM_SIZE register %" PRIu64 " = BAR2 size",
	    vram_reg);
	tap_ok(caps & MVGPU_CAP_ENGINE, "CAPS 0x%x has the engine", caps);
	wr(g, MVGPU_REG_SCRATCH, 0x5a5aa5a5);
	tap_ok(rd(g, MVGPU_REG_SCRATCH) == 0x5a5aa5a5, "SCRATCH register reads back");
	tap_diag("vgpu_id %u, %u engine(s)", rd(g, MVGPU_REG_VGPU_ID),
	     rd(g, MVGPU_REG_NUM_ENGINES));
	if (id != MVGPU_ID_MAGIC || !(caps & MVGPU_CAP_ENGINE) ||
	    g->vram_size < ARENA_OFF + ARENA_LEN)
		return -1;
	arena[MEM_VRAM] = (struct arena){ .va = ARENA_OFF, .p = g->vram + ARENA_OFF,
					  .len = ARENA_LEN };
	return 0;
}

/* --drm: the render node, a VRAM and a system-memory buffer for operands. */
static int setup_drm(struct ring *r)
{
	struct mvgpu_bo vram = { 0 }, sys = { 0 };
	uint64_t ver = 0, ctx = 0, vram_size = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	r->drm = 1;
	ret = mvgpu_drm_open(&r->d, -1);
	tap_ok(!ret, "open the mvgpu render node (%s)", ret ? strerror(-ret) : "ok");
	if (ret)
		return -1;
	mvgpu_drm_param(&r->d, MVGPU_PARAM_DEVICE_VERSION, &ver);
	mvgpu_drm_param(&r->d, MVGPU_PARAM_CONTEXT_ID, &ctx);
	mvgpu_drm_param(&r->d, MVGPU_PARAM_VRAM_SIZE, &vram_size);
	tap_ok(r->d.accel, "renderD%d: device %u.%u, context %" PRIu64 " of this file, %" PRIu64
	       " MiB VRAM%s", r->d.minor, (unsigned int)(ver >> 16), (unsigned int)(ver & 0xffff),
	       ctx, vram_size >> 20, r->d.accel ? "" : ": no contexts, no jobs (uapi < 0.4)");
	if (!r->d.accel)
		return -1;
	ret = mvgpu_bo_create(&r->d, ARENA_LEN, MVGPU_BO_VRAM, &vram) ?:
	      mvgpu_bo_map(&r->d, &vram) ?:
	      mvgpu_bo_create(&r->d, SYS_LEN, MVGPU_BO_SYSMEM, &sys) ?:
	      mvgpu_bo_map(&r->d, &sys) ?:
	      mvgpu_cmdbuf_init(&r->d, &r->cb, r->d.max_cmds);
	tap_ok(!ret, "a %llu KiB VRAM buffer at GPU VA 0x%" PRIx64 " and a %llu KiB system-memory buffer at 0x%" PRIx64 " (%s)",
	       ARENA_LEN >> 10, vram.va, SYS_LEN >> 10, sys.va, ret ? strerror(-ret) : "ok");
	if (ret)
		return -1;
	arena[MEM_VRAM] = (struct arena){ .va = vram.va, .p = vram.map, .len = ARENA_LEN };
	arena[MEM_SYS] = (struct arena){ .va = sys.va, .p = sys.map, .len = SYS_LEN };
	return 0;
}

static int engine_init(struct gpu *g, struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->g = g;
	/* Interrupts stay masked: no driver here would take them. */
	wr(g, MVGPU_REG_INT_MASK, 0);
	wr(g, MVGPU_REG_RESET, MVGPU_RESET_ENGINE_MAGIC);
	wr(g, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	*vram64(g, FENCE_OFF) = 0;
	wr(g, MVGPU_REG_RING_BASE_LO, (uint32_t)RING_OFF);
	wr(g, MVGPU_REG_RING_BASE_HI, (uint32_t)(RING_OFF >> 32));
	wr(g, MVGPU_REG_RING_SIZE, RING_SIZE);
	r->head = r->tail = rd(g, MVGPU_REG_RING_HEAD);
	return rd(g, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_IDLE && r->head == 0 &&
	       rd(g, MVGPU_REG_ERROR_CODE) == 0 && rd(g, MVGPU_REG_CMDS_DONE) == 0 ? 0 : -1;
}

/* --control: the host's "stop", a line on a serial port it holds the other end of. */

struct control {
	int fd;
	char line[32];
	size_t len;
};

static void control_open(struct control *c, const char *path)
{
	struct termios t;

	c->len = 0;
	c->fd = path ? open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK) : -1;
	if (path && c->fd < 0)
		tap_diag("open %s: %s; the hog runs to its time limit", path, strerror(errno));
	/* Raw: bytes as they come, nothing echoed back to the host. */
	if (c->fd >= 0 && !tcgetattr(c->fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(c->fd, TCSANOW, &t);
	}
}

/* 1 once the line "stop" has arrived. */
static int control_stop(struct control *c)
{
	char ch;

	while (c->fd >= 0 && read(c->fd, &ch, 1) == 1) {
		if (ch != '\n' && ch != '\r') {
			if (c->len < sizeof(c->line) - 1)
				c->line[c->len++] = ch;
			continue;
		}
		c->line[c->len] = 0;
		c->len = 0;
		if (!strcmp(c->line, "stop"))
			return 1;
	}
	return 0;
}

static void control_close(struct control *c)
{
	if (c->fd >= 0)
		close(c->fd);
}

/* --hog-seconds: keep the engine busy until told to stop */

struct hog {
	unsigned int spins, checks, dry;
	double secs;
	int told;
};

/*
 * Top the SPIN backlog up to HOG_BACKLOG_US of engine time.  Every command
 * still pending is a SPIN by now: the rounds' fences are all done.
 */
/*
 * --drm: the backlog is jobs of HOG_JOB_SPINS SPINs; finished ones are
 * dropped from the list (WAIT_JOB polling), new ones queued up to
 * HOG_BACKLOG_US of SPIN.
 */
#define HOG_JOB_SPINS	20u

static int hog_top_up_drm(struct ring *r, struct hog *h)
{
	unsigned int want = HOG_BACKLOG_US / HOG_CHUNK_US / HOG_JOB_SPINS, i, k, added = 0;
	struct mvgpu_job_status st;

	for (i = k = 0; i < r->hog_n; i++) {
		int ret = mvgpu_job_wait(&r->d, r->hog_jobs[i], 0, &st);

		if (ret == -EBUSY || ret == -ETIMEDOUT) {
			r->hog_jobs[k++] = r->hog_jobs[i];
		} else if (ret || st.status) {
			tap_diag("hog job %" PRIu64 ": %s, status %d", r->hog_jobs[i],
				 strerror(-ret), st.status);
			return -1;
		}
	}
	r->hog_n = k;
	h->checks++;
	h->dry += !r->hog_n;
	for (; r->hog_n < want; added++) {
		for (i = 0; i < HOG_JOB_SPINS; i++)
			if (emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_SPIN,
					.spin = { .usecs = HOG_CHUNK_US } }))
				return -1;
		if (drm_flush(r))
			return -1;
		r->hog_jobs[r->hog_n++] = r->seq;
	}
	h->spins += added * HOG_JOB_SPINS;
	return 0;
}

static int hog_top_up(struct ring *r, struct hog *h)
{
	uint32_t want = HOG_BACKLOG_US / HOG_CHUNK_US, added = 0;

	if (r->drm)
		return hog_top_up_drm(r, h);
	r->head = rd(r->g, MVGPU_REG_RING_HEAD);
	if (rd(r->g, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED) {
		tap_diag("the engine stopped during the hog");
		engine_report(r->g);
		return -1;
	}
	h->checks++;
	h->dry += !ring_pending(r);
	for (; ring_pending(r) < want; added++)
		if (emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_SPIN,
				.spin = { .usecs = HOG_CHUNK_US } }))
			return -1;
	h->spins += added;
	if (added)
		ring_kick(r);
	return 0;
}

static int hog_run(struct ring *r, double max_s, const char *control, struct hog *h)
{
	struct control c;
	double start;
	int failed;

	memset(h, 0, sizeof(*h));
	control_open(&c, control);
	start = now_s();
	failed = hog_top_up(r, h);
	/* The ring was drained before: only the checks from now on count. */
	h->checks = h->dry = 0;
	if (!failed)
		printf("mvgpu-guest: hog started: %u ms of SPIN queued, topped up every %u ms until %s (at most %g s)\n",
		       HOG_BACKLOG_US / 1000, HOG_POLL_US / 1000,
		       c.fd >= 0 ? "the host says stop" : "the time limit", max_s);
	while (!failed && !(h->told = control_stop(&c)) && now_s() - start < max_s) {
		usleep(HOG_POLL_US);
		failed = hog_top_up(r, h);
	}
	h->secs = now_s() - start;
	if (!failed)
		printf("mvgpu-guest: hog stopping: %s after %.1f s, the backlog drains\n",
		       h->told ? "the host said stop" : "time limit", h->secs);
	control_close(&c);
	return failed;
}

/* The end: everything done, and counted; the locked pages never moved. */

static int check_cmds_done(struct ring *r, uint32_t done0, uint64_t emitted0)
{
	uint32_t done;
	int failed;

	if (r->drm) {
		uint64_t faults = 0;

		/* The last job waits for every one before it (one context, in order). */
		failed = ring_sync(r);
		mvgpu_drm_param(&r->d, MVGPU_PARAM_FILE_FAULTS, &faults);
		tap_ok(!failed && !faults, "every job done, %" PRIu64 " commands in %" PRIu64
		       " jobs, no fault", r->emitted - emitted0, r->seq);
		return failed;
	}
	failed = ring_sync(r);
	/* Every command since the first fence (the difference: CMDS_DONE wraps). */
	done = rd(r->g, MVGPU_REG_CMDS_DONE);
	tap_ok(!failed && done - done0 == (uint32_t)(r->emitted - emitted0),
	       "CMDS_DONE advanced by %u = commands submitted %" PRIu64,
	       done - done0, r->emitted - emitted0);
	if (done != (uint32_t)r->emitted)
		tap_diag("CMDS_DONE %u, commands since the engine reset %" PRIu64,
			 done, r->emitted);
	return failed;
}

static void sysmem_check_stayed(const struct sysmem *s)
{
	uint64_t gpa[SYS_PAGES];

	tap_ok(!sysmem_translate(s, gpa) && !memcmp(gpa, s->gpa, sizeof(gpa)),
	       "guest memory stayed at the guest-physical pages mapped into the GPU");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: mvgpu-guest [--drm | --drm-auto] [--seconds S | --rounds N] [--seed X] [--hog-us U]\n"
		   "                   [--hog-seconds H [--control TTY]]\n"
		   "                   [--expect-subsys D] [--expect-vram BYTES] [--quiet]\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--quiet")) {
			quiet = 1;
			continue;
		}
		if (!strcmp(a, "--drm")) {
			o->drm = 1;
			continue;
		}
		if (!strcmp(a, "--drm-auto")) {
			o->drm = 2;
			continue;
		}
		if (!v || v[0] == '-')
			return -1;
		i++;
		if (!strcmp(a, "--seconds"))
			o->seconds = strtod(v, NULL);
		else if (!strcmp(a, "--rounds"))
			o->rounds = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seed"))
			rng = strtoull(v, NULL, 0) * 2 + 1;
		else if (!strcmp(a, "--hog-us"))
			o->hog_us = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--hog-seconds"))
			o->hog_s = strtod(v, NULL);
		else if (!strcmp(a, "--control"))
			o->control = v;
		else if (!strcmp(a, "--expect-subsys"))
			o->expect_subsys = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--expect-vram"))
			o->expect_vram = strtoull(v, NULL, 0);
		else
			return -1;
	}
	if (!o->rounds && o->seconds <= 0)
		o->rounds = PL_NUM;
	return 0;
}

/*
 * --drm-auto: 1 if the render node runs jobs; else 0, with the driver let
 * go of the device for sysfs.
 */
static int drm_auto(void)
{
	struct mvgpu_drm probe;
	int drm;

	drm = !mvgpu_drm_open(&probe, -1) && probe.accel;
	if (!drm) {
		/* The driver holds the device: let go of it for sysfs. */
		char bdf[300] = "";

		if (probe.fd >= 0) {
			char link[300], path[64];
			ssize_t n;

			snprintf(path, sizeof(path), "/sys/class/drm/renderD%d/device", probe.minor);
			n = readlink(path, link, sizeof(link) - 1);
			if (n > 0) {
				link[n] = 0;
				snprintf(bdf, sizeof(bdf), "%s", strrchr(link, '/') + 1);
			}
			mvgpu_drm_close(&probe);
		}
		if (*bdf && !write_str("/sys/bus/pci/drivers/mvgpu_drm", "unbind", bdf))
			printf("mvgpu-guest: the render node has no contexts (device < 0.4): unbound mvgpu_drm from %s, going on through sysfs\n",
			       bdf);
	} else {
		mvgpu_drm_close(&probe);
	}
	return drm;
}

/* --drm: what lspci says of the device: sysfs, read only, with the driver bound. */
static void drm_lspci(struct gpu *g)
{
	if (!find_gpu(g)) {
		read_hex(g->dir, "class", &g->class);
		read_hex(g->dir, "revision", &g->revision);
		read_hex(g->dir, "subsystem_vendor", &g->subvendor);
		read_hex(g->dir, "subsystem_device", &g->subdevice);
		if (!read_resources(g))
			print_lspci(g);
	}
}

/*
 * Without --drm: the device through sysfs, the engine reset, a first fence,
 * guest memory for operands if there is any.  0, or the exit status.
 */
static int setup_sysfs(struct gpu *g, struct ring *r, struct sysmem *sys,
		       const struct opts *o, uint32_t *done0, uint64_t *emitted0,
		       unsigned int *nplaces)
{
	if (setup(g, o->expect_subsys, o->expect_vram))
		return g->vendor ? 1 : 3;
	if (engine_init(g, r)) {
		tap_ok(0, "engine reset (ENG!): idle, ring head 0, no error");
		engine_report(g);
		return 1;
	}
	tap_ok(1, "engine reset (ENG!): idle, ring head 0, no error");

	/* A first fence: the engine runs, and CMDS_DONE's starting point. */
	if (ring_sync(r)) {
		tap_ok(0, "a FENCE alone completes");
		return 1;
	}
	*done0 = rd(g, MVGPU_REG_CMDS_DONE);
	*emitted0 = r->emitted;
	tap_ok(*vram64(g, FENCE_OFF) == 1, "a FENCE alone completes");

	if (!sysmem_setup(r, sys)) {
		arena[MEM_SYS] = (struct arena){ .va = SYS_VA, .p = sys->p, .len = SYS_LEN };
		*nplaces = PL_NUM;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int nplaces = 1, rounds_run = 0;
	struct sysmem sys = { 0 };
	struct tally t = { 0 };
	struct hog hog = { 0 };
	struct opts o = { 0 };
	struct gpu g = { 0 };
	uint64_t emitted0;
	double start, secs;
	struct ring r;
	uint32_t done0;
	int failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (o.drm == 2)
		o.drm = drm_auto();
	if (o.drm) {
		drm_lspci(&g);
		if (setup_drm(&r)) {
			printf("1..%d\n", tap_n);
			return 3;
		}
		done0 = 0;
		emitted0 = 0;
		nplaces = PL_NUM;
	} else {
		failed = setup_sysfs(&g, &r, &sys, &o, &done0, &emitted0, &nplaces);
		if (failed)
			return failed;
	}
	printf("mvgpu-guest: workload started (%s%s %g%s, hog %u us a round, operands in %s)\n",
	       o.drm ? "through the render node, " : "",
	       o.rounds ? "rounds" : "seconds", o.rounds ? (double)o.rounds : o.seconds,
	       o.rounds ? "" : " s", o.hog_us,
	       nplaces > 1 ? "vram, sysmem and both by turns" : "vram only");
	start = now_s();
	failed = run_rounds(&r, &o, nplaces, &t, &rounds_run);
	secs = now_s() - start;
	if (!failed && o.hog_s > 0) {
		failed = hog_run(&r, o.hog_s, o.control, &hog);
		tap_ok(!failed, "hog: %u SPINs of %u ms in %.1f s, %u ms kept queued until %s; ring found empty at %u of %u checks",
		       hog.spins, HOG_CHUNK_US / 1000, hog.secs, HOG_BACKLOG_US / 1000,
		       hog.told ? "the host said stop" : "the time limit", hog.dry, hog.checks);
	}
	if (!failed && nplaces > 1 && !o.drm)
		failed = sysmem_unmap(&r);
	/* Its fence waits for any backlog of SPIN to drain. */
	if (!failed)
		failed = check_cmds_done(&r, done0, emitted0);
	if (nplaces > 1 && !o.drm)
		sysmem_check_stayed(&sys);
	report_workloads(&t, nplaces);
	if (!o.drm)
		tap_ok(rd(&g, MVGPU_REG_ENGINE_STATUS) != MVGPU_ENGINE_STOPPED &&
		       rd(&g, MVGPU_REG_ERROR_CODE) == 0, "no engine error");
	printf("mvgpu-guest: summary rounds=%u sysmem_rounds=%u workloads=%" PRIu64
	       " sysmem_workloads=%" PRIu64 " commands=%" PRIu64
	       " seconds=%.1f workloads_per_s=%.2f hog_seconds=%.1f mismatches=%" PRIu64 "\n",
	       rounds_run, t.sysmem_rounds, t.workloads, t.sysmem_workloads, r.emitted, secs,
	       secs > 0 ? t.workloads / secs : 0, hog.secs, t.mismatches);
	printf("1..%d\n", tap_n);
	return tap_failed || failed ? 1 : 0;
}
