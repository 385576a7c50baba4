// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-guest: the vGPU as a PCI device found through sysfs, its command
 * ring in VRAM (or, with --drm, jobs on the render node) and guest memory
 * mapped for the GPU.
 */
#include "guest.h"

/* The device, found in sysfs */

int read_hex(const char *dir, const char *file, unsigned int *val)
{
	char path[400], buf[64];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	*val = strtoul(buf, NULL, 16);
	return 0;
}

int write_str(const char *dir, const char *file, const char *s)
{
	char path[400];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (int)strlen(s) ? 0 : -1;
}

int find_gpu(struct gpu *g)
{
	const char *base = "/sys/bus/pci/devices";
	struct dirent *de;
	unsigned int v, d;
	DIR *dir;

	dir = opendir(base);
	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		char path[300];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		if (read_hex(path, "vendor", &v) || read_hex(path, "device", &d))
			continue;
		if (v != MVGPU_PCI_VENDOR_ID || d != MVGPU_PCI_DEVICE_ID)
			continue;
		snprintf(g->dir, sizeof(g->dir), "%s", path);
		g->bdf = strrchr(g->dir, '/') + 1;
		g->vendor = v;
		g->device = d;
		closedir(dir);
		return 0;
	}
	closedir(dir);
	return -1;
}

int read_resources(struct gpu *g)
{
	char path[400];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/resource", g->dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (i = 0; i < 6; i++) {
		struct bar *b = &g->bar[i];

		if (fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64, &b->start,
			   &b->end, &b->flags) != 3) {
			fclose(f);
			return -1;
		}
		b->size = b->end > b->start ? b->end - b->start + 1 : 0;
	}
	fclose(f);
	return 0;
}

const char *size_str(uint64_t size, char *buf, size_t len)
{
	if (size >= (1ull << 30) && !(size % (1ull << 30)))
		snprintf(buf, len, "%lluG", (unsigned long long)(size >> 30));
	else if (size >= (1ull << 20) && !(size % (1ull << 20)))
		snprintf(buf, len, "%lluM", (unsigned long long)(size >> 20));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)(size >> 10));
	return buf;
}

/* What "lspci -vnn" would say about the device. */
void print_lspci(const struct gpu *g)
{
	char sz[32];
	int i;

	printf("%s 3D controller [%04x]: Device [%04x:%04x] (rev %02x)\n",
	       g->bdf, g->class >> 8, g->vendor, g->device, g->revision);
	printf("\tSubsystem: Device [%04x:%04x]\n", g->subvendor, g->subdevice);
	for (i = 0; i < 6; i++) {
		const struct bar *b = &g->bar[i];

		if (!b->size)
			continue;
		printf("\tRegion %d: Memory at %" PRIx64 " (%s, %sprefetchable) [size=%s]\n",
		       i, b->start, b->flags & IORESOURCE_MEM_64 ? "64-bit" : "32-bit",
		       b->flags & IORESOURCE_PREFETCH ? "" : "non-",
		       size_str(b->size, sz, sizeof(sz)));
	}
	fflush(stdout);
}

void *map_bar(const struct gpu *g, int bar, size_t len)
{
	char path[400];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource%d", g->dir, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		tap_diag("open %s: %s", path, strerror(errno));
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		tap_diag("mmap %s (%zu bytes): %s", path, len, strerror(errno));
		return NULL;
	}
	return p;
}

/*
 * Bus mastering on, as pci_set_master() would: the command register through
 * the config file (little-endian, as x86 is).  *was and *now: its value
 * before and after.
 */
int enable_bus_master(const struct gpu *g, uint16_t *was, uint16_t *now)
{
	char path[400];
	uint16_t cmd;
	int fd, ok;

	*was = *now = 0;
	snprintf(path, sizeof(path), "%s/config", g->dir);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		tap_diag("open %s: %s", path, strerror(errno));
		return -1;
	}
	ok = pread(fd, was, 2, PCI_COMMAND) == 2;
	cmd = *was | PCI_COMMAND_MASTER;
	if (ok && cmd != *was)
		ok = pwrite(fd, &cmd, 2, PCI_COMMAND) == 2;
	ok = ok && pread(fd, now, 2, PCI_COMMAND) == 2;
	close(fd);
	return ok && (*now & PCI_COMMAND_MASTER) ? 0 : -1;
}

uint32_t rd(struct gpu *g, uint32_t reg)
{
	return g->regs[reg / 4];
}

void wr(struct gpu *g, uint32_t reg, uint32_t val)
{
	g->regs[reg / 4] = val;
}

volatile uint64_t *vram64(struct gpu *g, uint64_t off)
{
	return (volatile uint64_t *)(g->vram + off);
}

/* The command ring */

/* --drm: submit what was emitted as one job; r->seq becomes its number. */
int drm_flush(struct ring *r)
{
	int ret;

	if (!r->cb.n)
		return 0;
	ret = mvgpu_cmdbuf_submit(&r->d, &r->cb, NULL, &r->seq);
	if (ret) {
		tap_diag("SUBMIT: %s", strerror(-ret));
		return -1;
	}
	return 0;
}

/* --drm: wait for a job; -1 if it failed or did not end in time. */
static int drm_wait(struct ring *r, uint64_t job)
{
	struct mvgpu_job_status st;
	int ret = mvgpu_job_wait(&r->d, job, (int64_t)FENCE_TIMEOUT_S * 1000000000, &st);

	if (ret || st.status) {
		tap_diag("job %" PRIu64 ": %s, status %s, device error %u info 0x%x address 0x%" PRIx64,
			 job, ret ? strerror(-ret) : "done", strerror(-st.status), st.dev_error,
			 st.dev_info, st.fault_addr);
		return -1;
	}
	return 0;
}

static uint32_t ring_room(const struct ring *r)
{
	uint32_t pending = (r->tail - r->head) & (RING_SIZE - 1);

	return (RING_SIZE - MVGPU_CMD_SIZE - pending) / MVGPU_CMD_SIZE;
}

void engine_report(struct gpu *g)
{
	tap_diag("engine: status %u error %u info 0x%x fault_addr 0x%08x%08x head 0x%x cmds_done %u",
	     rd(g, MVGPU_REG_ENGINE_STATUS), rd(g, MVGPU_REG_ERROR_CODE),
	     rd(g, MVGPU_REG_ERROR_INFO), rd(g, MVGPU_REG_FAULT_ADDR_HI),
	     rd(g, MVGPU_REG_FAULT_ADDR_LO), rd(g, MVGPU_REG_RING_HEAD),
	     rd(g, MVGPU_REG_CMDS_DONE));
}

void ring_kick(struct ring *r)
{
	if (r->drm) {
		drm_flush(r);
		return;
	}
	/* The commands must be in VRAM before the engine hears of them. */
	__sync_synchronize();
	wr(r->g, MVGPU_REG_DOORBELL, r->tail);
}

static void pause_a_bit(unsigned int i)
{
	if (i > 20)
		usleep(i > 200 ? 2000 : 200);
}

/* 0, or -1 if the engine stopped or the ring did not drain in time. */
static int ring_emit(struct ring *r, const struct mvgpu_cmd *c)
{
	const uint64_t *src = (const uint64_t *)c;
	volatile uint64_t *dst;
	double end = 0;
	unsigned int i;

	if (r->drm) {
		/* A full command buffer goes as a job of its own. */
		if (r->cb.n == r->cb.max && drm_flush(r))
			return -1;
		r->emitted++;
		return mvgpu_cmdbuf_add(&r->cb, c) ? -1 : 0;
	}

	for (i = 0; !ring_room(r); i++) {
		if (i == 0) {
			ring_kick(r);
			end = now_s() + FENCE_TIMEOUT_S;
		}
		r->head = rd(r->g, MVGPU_REG_RING_HEAD);
		if (ring_room(r))
			break;
		if (rd(r->g, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED ||
		    now_s() > end) {
			tap_diag("ring stays full (head 0x%x tail 0x%x)", r->head, r->tail);
			engine_report(r->g);
			return -1;
		}
		pause_a_bit(i);
	}
	dst = vram64(r->g, RING_OFF + r->tail);
	for (i = 0; i < MVGPU_CMD_SIZE / 8; i++)
		dst[i] = src[i];
	r->tail = (r->tail + MVGPU_CMD_SIZE) & (RING_SIZE - 1);
	r->emitted++;
	return 0;
}

int ring_fence(struct ring *r, uint64_t *seq)
{
	struct mvgpu_cmd c = { .opcode = MVGPU_OP_FENCE,
		.fence = { .addr = FENCE_OFF, .value = r->seq + 1 } };

	if (r->drm) {
		/* The job is the fence: the driver ends it with its own. */
		if (!r->cb.n && ring_emit(r, &(struct mvgpu_cmd){ .opcode = MVGPU_OP_NOP }))
			return -1;
		if (drm_flush(r))
			return -1;
		*seq = r->seq;
		return 0;
	}

	if (ring_emit(r, &c))
		return -1;
	*seq = ++r->seq;
	return 0;
}

/* Poll the fence in VRAM; watch ENGINE_STATUS for a stopped engine. */
int ring_wait(struct ring *r, uint64_t seq)
{
	double end = now_s() + FENCE_TIMEOUT_S;
	unsigned int i;

	if (r->drm)
		return drm_wait(r, seq);

	for (i = 0;; i++) {
		if (*vram64(r->g, FENCE_OFF) >= seq)
			break;
		if (i % 8 == 7) {
			/* A register read traps to the host: not every spin. */
			if (rd(r->g, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED) {
				if (*vram64(r->g, FENCE_OFF) >= seq)
					break;
				tap_diag("engine stopped waiting for fence %" PRIu64, seq);
				engine_report(r->g);
				return -1;
			}
			if (now_s() > end) {
				tap_diag("fence %" PRIu64 " not reached after %d s (fence %" PRIu64 ")",
				     seq, FENCE_TIMEOUT_S, *vram64(r->g, FENCE_OFF));
				engine_report(r->g);
				return -1;
			}
		}
		pause_a_bit(i);
	}
	__sync_synchronize();
	r->head = rd(r->g, MVGPU_REG_RING_HEAD);
	return 0;
}

int emit(struct ring *r, struct mvgpu_cmd c)
{
	return ring_emit(r, &c);
}

/* A fence behind everything emitted so far, kicked and waited for. */
int ring_sync(struct ring *r)
{
	uint64_t seq;

	if (ring_fence(r, &seq))
		return -1;
	ring_kick(r);
	return ring_wait(r, seq);
}

/* Commands between the last RING_HEAD read and the tail. */
uint32_t ring_pending(const struct ring *r)
{
	return ((r->tail - r->head) & (RING_SIZE - 1)) / MVGPU_CMD_SIZE;
}

/*
 * Guest system memory for the GPU.  User space cannot pin pages; locked
 * (mlock), small (no THP for khugepaged to collapse) and with compaction
 * told to leave locked pages alone, they stay where pagemap says, which
 * the end of the run checks.
 */

#define PM_PRESENT	(1ull << 63)
#define PM_PFN_MASK	((1ull << 55) - 1)

static void sysmem_no_compaction(void)
{
	if (write_str("/proc/sys/vm", "compact_unevictable_allowed", "0"))
		tap_diag("compact_unevictable_allowed: %s (compaction may move locked pages)",
			 strerror(errno));
}

static int sysmem_alloc(struct sysmem *s)
{
	void *p = mmap(NULL, SYS_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		tap_diag("mmap %llu bytes: %s", SYS_LEN, strerror(errno));
		return -1;
	}
	if (madvise(p, SYS_LEN, MADV_NOHUGEPAGE))
		tap_diag("madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
	if (mlock(p, SYS_LEN)) {
		tap_diag("mlock %llu bytes: %s", SYS_LEN, strerror(errno));
		munmap(p, SYS_LEN);
		return -1;
	}
	/* Every page its own, written once (mlock faulted them in already). */
	memset(p, 0, SYS_LEN);
	s->p = p;
	return 0;
}

/* The guest-physical address of each page of the buffer, from pagemap. */
int sysmem_translate(const struct sysmem *s, uint64_t *gpa)
{
	uint64_t vpn = (uintptr_t)s->p / PAGE_SZ, e;
	unsigned int i;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0) {
		tap_diag("open /proc/self/pagemap: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < SYS_PAGES; i++) {
		/* Without CAP_SYS_ADMIN the PFN reads 0. */
		if (pread(fd, &e, 8, (vpn + i) * 8) != 8 ||
		    !(e & PM_PRESENT) || !(e & PM_PFN_MASK)) {
			tap_diag("page %u of the buffer: pagemap entry 0x%" PRIx64, i, e);
			close(fd);
			return -1;
		}
		gpa[i] = (e & PM_PFN_MASK) * PAGE_SZ;
	}
	close(fd);
	return 0;
}

/* MAP SYSMEM of every page at SYS_VA: one command per contiguous run. */
static int sysmem_map(struct ring *r, struct sysmem *s)
{
	unsigned int i, n;

	s->runs = 0;
	for (i = 0; i < SYS_PAGES; i += n) {
		for (n = 1; i + n < SYS_PAGES &&
			    s->gpa[i + n] == s->gpa[i] + (uint64_t)n * PAGE_SZ; n++)
			;
		if (emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_MAP,
			.map = { .va = SYS_VA + (uint64_t)i * PAGE_SZ, .target = s->gpa[i],
				 .size = (uint64_t)n * PAGE_SZ,
				 .map_flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ |
					      MVGPU_MAP_WRITE } }))
			return -1;
		s->runs++;
	}
	return ring_sync(r);
}

int sysmem_unmap(struct ring *r)
{
	return emit(r, (struct mvgpu_cmd){ .opcode = MVGPU_OP_UNMAP,
		.unmap = { .va = SYS_VA, .size = SYS_LEN } });
}

int sysmem_setup(struct ring *r, struct sysmem *s)
{
	uint64_t lo = ~0ull, hi = 0;
	unsigned int i;
	int ok;

	sysmem_no_compaction();
	ok = !sysmem_alloc(s) && !sysmem_translate(s, s->gpa);
	tap_ok(ok, "guest memory: %llu KiB locked, its pages' guest-physical addresses from /proc/self/pagemap",
	       SYS_LEN >> 10);
	if (!ok)
		return -1;
	for (i = 0; i < SYS_PAGES; i++) {
		lo = s->gpa[i] < lo ? s->gpa[i] : lo;
		hi = s->gpa[i] > hi ? s->gpa[i] : hi;
	}
	ok = !sysmem_map(r, s);
	tap_ok(ok, "MAP SYSMEM of guest memory at GPU VA 0x%llx: %llu pages in %u commands (runs of contiguous pages)",
	       SYS_VA, SYS_PAGES, s->runs);
	tap_diag("guest memory: pages between guest-physical 0x%" PRIx64 " and 0x%" PRIx64,
		 lo, hi + PAGE_SZ);
	return ok ? 0 : -1;
}
