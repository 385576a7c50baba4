// SPDX-License-Identifier: GPL-2.0
/*
 * workload attack UUID KIND: isolation attacks, each expecting one error
 * on its own vGPU and then proving that an engine reset brings it back
 * (see workload.c for the tenant's VRAM layout).
 */
#include "workload.h"

/* Does p hold len / 4 copies of v? */
static int mem_is_u32(const volatile uint8_t *p, size_t len, uint32_t v)
{
	size_t i;

	for (i = 0; i < len; i += 4)
		if (*(const volatile uint32_t *)(p + i) != v)
			return 0;
	return 1;
}

static int fill_ok(struct tenant *t, uint64_t off, uint32_t len, uint32_t v)
{
	return mem_is_u32(t->vram + off, len, v);
}

/* Engine reset, and the vGPU works again (a FILL and a FENCE). */
static void recover(struct tenant *t, const char *what)
{
	struct mvgpu_engine_state s;
	uint8_t mark[MARK_LEN];
	uint32_t v = rnd(t) | 1;
	char buf[160];
	int err;

	memcpy(mark, t->vram + MARK_OFF, MARK_LEN);
	err = mvgpu_engine_reset(&t->h);
	mvgpu_engine_state(&t->h, &s);
	tap_ok(!err && s.status == MVGPU_ENGINE_IDLE && s.code == MVGPU_ERR_NONE &&
	       s.head == 0, "%s: engine reset: %s", what,
	       err ? mvgpu_errmsg() : mvgpu_engine_str(&s, buf, sizeof(buf)));
	err = mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	if (!err)
		err = emit(t, mvgpu_cmd_fill(SCRATCH_OFF, 65536, v));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	tap_ok(!err && fill_ok(t, SCRATCH_OFF, 65536, v),
	       "%s: the vGPU works again after the reset (FILL + FENCE)%s%s", what,
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	tap_ok(!memcmp(mark, t->vram + MARK_OFF, MARK_LEN),
	       "%s: the engine reset kept VRAM", what);
}

/* Commands that must work, e.g. the set-up of an attack. */
static int submit_ok_within(struct tenant *t, const char *what,
			    const struct mvgpu_cmd *cmds, unsigned int n,
			    int timeout_ms)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = emit(t, cmds[i]);
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, timeout_ms);
	if (err)
		tap_ok(0, "%s: %s", what, mvgpu_errmsg());
	return err;
}

static int submit_ok(struct tenant *t, const char *what,
		     const struct mvgpu_cmd *cmds, unsigned int n)
{
	return submit_ok_within(t, what, cmds, n, TIMEOUT_MS);
}

#define ANY	(~0ull)

static double probe_seconds;	/* how long the last probe took to stop */

/*
 * One bad command: the engine must stop at it with code (and info and
 * fault address unless ANY), raise MVGPU_INT_ERROR, run nothing after
 * it, ignore further doorbells; then recover().
 */
static void probe(struct tenant *t, const char *what, struct mvgpu_cmd bad,
		  uint32_t code, uint64_t info, uint64_t fault)
{
	struct mvgpu_engine_state s;
	uint32_t bad_off;
	double t0;
	char buf[160];
	int err;

	*vram32(t, CANARY_OFF) = 0;
	bad_off = t->r.tail;
	t0 = now_s();
	err = emit(t, bad);
	if (!err)
		err = emit(t, mvgpu_cmd_fill(CANARY_OFF, 4, CANARY_VALUE));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	probe_seconds = now_s() - t0;
	mvgpu_engine_state(&t->h, &s);
	mvgpu_engine_str(&s, buf, sizeof(buf));
	if (!tap_ok(err == -EIO && s.status == MVGPU_ENGINE_STOPPED && s.code == code,
		    "%s: stopped with %s after %.2f s (%s)", what, mvgpu_err_name(code),
		    probe_seconds, err == -EIO ? buf : err ? mvgpu_errmsg() : "it completed"))
		tap_diag("%s: %s", what, buf);
	if (info != ANY)
		tap_ok(s.info == info, "%s: ERROR_INFO 0x%x, want 0x%llx", what, s.info,
		       (unsigned long long)info);
	if (fault != ANY)
		tap_ok(s.fault_addr == fault, "%s: FAULT_ADDR 0x%llx, want 0x%llx", what,
		       (unsigned long long)s.fault_addr, (unsigned long long)fault);
	tap_ok(s.head == bad_off, "%s: RING_HEAD 0x%x is the bad command's 0x%x", what,
	       s.head, bad_off);
	tap_ok(s.int_status & MVGPU_INT_ERROR, "%s: MVGPU_INT_ERROR pending (INT_STATUS 0x%x)",
	       what, s.int_status);
	/* A second doorbell is ignored: nothing after the bad command runs. */
	mvgpu_ring_kick(&t->r);
	usleep(20000);
	tap_ok(*vram32(t, CANARY_OFF) == 0 &&
	       mvgpu_reg(&t->h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED &&
	       mvgpu_reg(&t->h, MVGPU_REG_RING_HEAD) == bad_off,
	       "%s: nothing after the bad command ran, even after another doorbell", what);
	recover(t, what);
}

/* A doorbell or ring register the engine must refuse with MVGPU_ERR_RING. */
static void probe_ring(struct tenant *t, const char *what, uint64_t base,
		       uint32_t size, uint32_t tail, uint32_t info)
{
	struct mvgpu_engine_state s;
	struct mvgpu_cmd c = mvgpu_cmd_fill(CANARY_OFF, 4, CANARY_VALUE);
	char buf[160];
	int err;

	/* RING_BASE and RING_SIZE are latched until a reset. */
	mvgpu_engine_reset(&t->h);
	*vram32(t, CANARY_OFF) = 0;
	/* A valid command at the start of the ring, in case it were run. */
	memcpy(t->vram + RING_OFF, &c, sizeof(c));
	mvgpu_reg_write(&t->h, MVGPU_REG_RING_BASE_LO, (uint32_t)base);
	mvgpu_reg_write(&t->h, MVGPU_REG_RING_BASE_HI, (uint32_t)(base >> 32));
	mvgpu_reg_write(&t->h, MVGPU_REG_RING_SIZE, size);
	__sync_synchronize();
	mvgpu_reg_write(&t->h, MVGPU_REG_DOORBELL, tail);
	err = mvgpu_engine_wait(&t->h, TIMEOUT_MS);
	mvgpu_engine_state(&t->h, &s);
	tap_ok(err == -EIO && s.code == MVGPU_ERR_RING && s.info == info,
	       "%s: stopped with RING, info %u (%s)", what, info,
	       err == -EIO ? mvgpu_engine_str(&s, buf, sizeof(buf)) :
	       err ? mvgpu_errmsg() : "the engine accepted it");
	tap_ok(s.int_status & MVGPU_INT_ERROR, "%s: MVGPU_INT_ERROR pending (INT_STATUS 0x%x)",
	       what, s.int_status);
	usleep(20000);
	tap_ok(*vram32(t, CANARY_OFF) == 0, "%s: no command ran", what);
	recover(t, what);
}

static void attack_map_foreign_vram(struct tenant *t)
{
	uint32_t rw = MVGPU_MAP_READ | MVGPU_MAP_WRITE;

	probe(t, "MAP of the VRAM offset just past own VRAM",
	      mvgpu_cmd_map(ATTACK_VA, t->vram_size, 4096, rw), MVGPU_ERR_BAD_MAP, ANY, ANY);
	probe(t, "MAP straddling the end of own VRAM",
	      mvgpu_cmd_map(ATTACK_VA, t->vram_size - 4096, 8192, rw),
	      MVGPU_ERR_BAD_MAP, ANY, ANY);
	probe(t, "MAP of VRAM offset 1 TiB - 4 KiB",
	      mvgpu_cmd_map(ATTACK_VA, (1ull << 40) - 4096, 4096, rw),
	      MVGPU_ERR_BAD_MAP, ANY, ANY);
}

static void attack_map_overlap(struct tenant *t)
{
	uint32_t rw = MVGPU_MAP_READ | MVGPU_MAP_WRITE, v = rnd(t);
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, RO_OFF, 65536, rw),
		mvgpu_cmd_fill(ATTACK_VA, 4096, v),
	};

	if (!submit_ok(t, "MAP 64 KiB of own VRAM at a new VA", setup, 2))
		tap_ok(fill_ok(t, RO_OFF, 4096, v), "a FILL through the new mapping lands in VRAM");
	probe(t, "MAP overlapping the second half of that mapping",
	      mvgpu_cmd_map(ATTACK_VA + 32768, SCRATCH_OFF, 65536, rw),
	      MVGPU_ERR_BAD_MAP, ANY, ANY);
	probe(t, "MAP over the reset-time identity mapping of VRAM",
	      mvgpu_cmd_map(SCRATCH_OFF, SCRATCH_OFF, 4096, rw), MVGPU_ERR_BAD_MAP, ANY, ANY);
}

static void attack_exceed_quota(struct tenant *t)
{
	probe(t, "FILL across the end of own VRAM",
	      mvgpu_cmd_fill(t->vram_size - 4096, 8192, 0x41414141),
	      MVGPU_ERR_PAGE_FAULT, ANY, t->vram_size);
	probe(t, "COPY from just past own VRAM",
	      mvgpu_cmd_copy(SCRATCH_OFF, t->vram_size, 4096),
	      MVGPU_ERR_PAGE_FAULT, ANY, t->vram_size);
}

static void attack_unmapped_va(struct tenant *t)
{
	probe(t, "COPY from an unmapped VA",
	      mvgpu_cmd_copy(SCRATCH_OFF, UNMAPPED_VA, 4096),
	      MVGPU_ERR_PAGE_FAULT, ANY, UNMAPPED_VA);
	probe(t, "REDUCE into an unmapped VA",
	      mvgpu_cmd_reduce(SCRATCH_OFF, UNMAPPED_VA + 8, 16),
	      MVGPU_ERR_PAGE_FAULT, ANY, UNMAPPED_VA + 8);
}

/* Random bytes as commands: every one refused with some error. */
static void attack_garbage(struct tenant *t)
{
	unsigned int i, refused = 0, codes[8] = { 0 };
	struct mvgpu_engine_state s;
	struct mvgpu_cmd c;
	uint32_t bad_off;
	char buf[160];
	int err;

	for (i = 0; i < 20; i++) {
		rnd_fill(t, &c, sizeof(c));
		if (i < 10)
			c.opcode = i;	/* known opcodes with garbage bodies */
		*vram32(t, CANARY_OFF) = 0;
		bad_off = t->r.tail;
		err = emit(t, c);
		if (!err)
			err = emit(t, mvgpu_cmd_fill(CANARY_OFF, 4, CANARY_VALUE));
		if (!err)
			err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
		mvgpu_engine_state(&t->h, &s);
		if (err == -EIO && s.code != MVGPU_ERR_NONE && s.head == bad_off &&
		    !*vram32(t, CANARY_OFF)) {
			refused++;
			codes[s.code < 8 ? s.code : 0]++;
			tap_diag("garbage #%u (opcode 0x%x): %s", i, c.opcode,
				 mvgpu_engine_str(&s, buf, sizeof(buf)));
		} else {
			tap_ok(0, "garbage #%u (opcode 0x%x, flags 0x%x) not refused at its slot: %s",
			       i, c.opcode, c.flags,
			       err == -EIO ? mvgpu_engine_str(&s, buf, sizeof(buf)) :
			       err ? mvgpu_errmsg() : "it completed");
		}
		mvgpu_engine_reset(&t->h);
		mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	}
	tap_ok(refused == i, "garbage: %u of %u random commands refused at their slot "
	       "(BAD_COMMAND %u, BAD_SIZE %u, other %u)", refused, i,
	       codes[MVGPU_ERR_BAD_COMMAND], codes[MVGPU_ERR_BAD_SIZE],
	       refused - codes[MVGPU_ERR_BAD_COMMAND] - codes[MVGPU_ERR_BAD_SIZE]);
	recover(t, "after the garbage");
}

static void attack_truncated(struct tenant *t)
{
	struct mvgpu_cmd c = mvgpu_cmd_fill(TARGET_OFF, 4096, 0x55555555);

	memset(t->vram + TARGET_OFF, 0, 4096);
	c.fill.pad[3] = 1;	/* the last word of the command */
	probe(t, "FILL with a non-zero padding word", c, MVGPU_ERR_BAD_COMMAND,
	      MVGPU_OP_FILL, ANY);
	tap_ok(fill_ok(t, TARGET_OFF, 4096, 0), "the refused FILL wrote nothing");
	c = mvgpu_cmd_copy(TARGET_OFF, TARGET_OFF + 4096, 64);
	c.flags = MVGPU_CMD_FLAG_IRQ;	/* only FENCE takes it */
	probe(t, "COPY with a flag only FENCE takes", c, MVGPU_ERR_BAD_COMMAND,
	      MVGPU_OP_COPY, ANY);
}

static void attack_bad_tail(struct tenant *t)
{
	probe_ring(t, "doorbell tail 100 (not a multiple of 64)", RING_OFF, RING_SIZE,
		   100, MVGPU_RING_ERR_TAIL);
	probe_ring(t, "doorbell tail = RING_SIZE", RING_OFF, RING_SIZE, RING_SIZE,
		   MVGPU_RING_ERR_TAIL);
}

static void attack_bad_ring(struct tenant *t)
{
	probe_ring(t, "RING_SIZE 100", RING_OFF, 100, 64, MVGPU_RING_ERR_SIZE);
	probe_ring(t, "RING_SIZE 2 MiB", RING_OFF, 2 << 20, 64, MVGPU_RING_ERR_SIZE);
	probe_ring(t, "RING_BASE not 64-byte aligned", RING_OFF + 32, RING_SIZE, 64,
		   MVGPU_RING_ERR_BASE);
	probe_ring(t, "RING_BASE beyond the 40-bit VA space", 1ull << 40, RING_SIZE, 64,
		   MVGPU_RING_ERR_BASE);
}

static void attack_hang(struct tenant *t)
{
	*vram64(t, HANG_OFF) = 0;
	probe(t, "WAIT for a value never written", mvgpu_cmd_wait(HANG_OFF, 1),
	      MVGPU_ERR_TIMEOUT, ANY, ANY);
	tap_diag("the watchdog stopped it after %.2f s", probe_seconds);
}

static void attack_sysmem_after_unmap(struct tenant *t)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = 65536;
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, len),
		mvgpu_cmd_fill(ATTACK_VA + len - 4096, 4096, 0x77777777),
	};
	uint8_t *p, *copy;
	int err;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	copy = malloc(len);
	if (!tap_ok(p != MAP_FAILED && copy, "guest buffer of 64 KiB"))
		return;
	rnd_fill(t, p, len);
	err = mvgpu_dma_map(&t->h, p, ATTACK_IOVA, len);
	if (!tap_ok(!err, "VFIO_IOMMU_MAP_DMA of it%s%s", err ? ": " : "",
		    err ? mvgpu_errmsg() : ""))
		return;
	memcpy(copy, p, len);
	if (!submit_ok(t, "MAP it, COPY from it, FILL into it", setup, 3)) {
		tap_ok(!memcmp(t->vram + SCRATCH_OFF, copy, len),
		       "the GPU read the guest buffer exactly");
		tap_ok(!memcmp(p, copy, len - 4096) &&
		       mem_is_u32(p + len - 4096, 4096, 0x77777777),
		       "the GPU wrote the guest buffer exactly");
	}
	memcpy(copy, p, len);
	err = mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len);
	tap_ok(!err, "VFIO_IOMMU_UNMAP_DMA of it%s%s", err ? ": " : "",
	       err ? mvgpu_errmsg() : "");
	probe(t, "COPY from the VA of guest memory the tenant unmapped",
	      mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, 4096), MVGPU_ERR_PAGE_FAULT, ANY,
	      ATTACK_VA);
	tap_ok(!memcmp(p, copy, len), "the unmapped buffer is unchanged");
	munmap(p, len);
	free(copy);
}

static void attack_bad_size(struct tenant *t)
{
	probe(t, "FILL of 3 bytes", mvgpu_cmd_fill(SCRATCH_OFF, 3, 1), MVGPU_ERR_BAD_SIZE,
	      MVGPU_OP_FILL, ANY);
	probe(t, "MATMUL with m = 4097", mvgpu_cmd_matmul(SCRATCH_OFF, SCRATCH_OFF,
	      SCRATCH_OFF, MVGPU_MAX_DIM + 1, 1, 1), MVGPU_ERR_BAD_SIZE, MVGPU_OP_KERNEL, ANY);
	probe(t, "MAP of 100 bytes", mvgpu_cmd_map(ATTACK_VA, 0, 100, MVGPU_MAP_READ),
	      MVGPU_ERR_BAD_SIZE, MVGPU_OP_MAP, ANY);
}

static void attack_readonly(struct tenant *t)
{
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, RO_OFF, 65536, MVGPU_MAP_READ),
		mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, 65536),
	};
	uint8_t *before = malloc(65536);

	rnd_fill(t, t->vram + RO_OFF, 65536);
	memcpy(before, t->vram + RO_OFF, 65536);
	if (!submit_ok(t, "MAP 64 KiB of own VRAM read-only, COPY from it", setup, 2))
		tap_ok(!memcmp(t->vram + SCRATCH_OFF, before, 65536),
		       "the read-only mapping reads exactly");
	probe(t, "FILL through the read-only mapping",
	      mvgpu_cmd_fill(ATTACK_VA + 4096, 4096, 0x99999999), MVGPU_ERR_PERMISSION, ANY,
	      ATTACK_VA + 4096);
	tap_ok(!memcmp(t->vram + RO_OFF, before, 65536), "the read-only VRAM is unchanged");
	free(before);
}

/* What MAP's ERROR_INFO says for a BAD_MAP of this reason. */
#define MAP_INFO(reason)	(MVGPU_OP_MAP | (reason) << MVGPU_ERR_REASON_SHIFT)

/*
 * Guest memory whose page faults nobody answers: a userfaultfd region the
 * tenant never services.  The MAP must fail at once (VFIO cannot pin it)
 * instead of an engine thread waiting for the fault forever.
 */
static void attack_uffd(struct tenant *t)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = 65536;
	uint8_t *p;
	int uffd, err;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)p;
	reg.range.len = len;
	if (!tap_ok(uffd >= 0 && p != MAP_FAILED && !ioctl(uffd, UFFDIO_API, &api) &&
		    !ioctl(uffd, UFFDIO_REGISTER, &reg),
		    "a userfaultfd region of 64 KiB nobody services (%s)", strerror(errno)))
		return;
	err = mvgpu_dma_map(&t->h, p, ATTACK_IOVA, len);
	if (tap_ok(!err, "VFIO_IOMMU_MAP_DMA of it%s%s", err ? ": " : "",
		   err ? mvgpu_errmsg() : "")) {
		probe(t, "MAP of guest memory whose faults are never answered",
		      mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags), MVGPU_ERR_BAD_MAP,
		      MAP_INFO(MVGPU_MAP_ERR_PIN), ATTACK_IOVA);
		tap_diag("refused after %.2f s, the fault never answered", probe_seconds);
		mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len);
	}
	close(uffd);
	munmap(p, len);
}

/*
 * The VM unmaps guest memory and maps other memory at the same IOVA: the
 * GPU must not reach the new memory through its old mapping; only a new
 * MAP does.
 */
static void attack_dma_remap(struct tenant *t)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = 65536;
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, len),
	};
	uint8_t *a, *b, *b_copy;
	int err;

	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b_copy = malloc(len);
	if (!tap_ok(a != MAP_FAILED && b != MAP_FAILED && b_copy, "two guest buffers"))
		return;
	rnd_fill(t, a, len);
	rnd_fill(t, b, len);
	memcpy(b_copy, b, len);
	err = mvgpu_dma_map(&t->h, a, ATTACK_IOVA, len);
	if (!tap_ok(!err, "VFIO_IOMMU_MAP_DMA of the first at IOVA 0x%llx",
		    (unsigned long long)ATTACK_IOVA))
		return;
	if (!submit_ok(t, "MAP it, COPY from it", setup, 2))
		tap_ok(!memcmp(t->vram + SCRATCH_OFF, a, len), "the GPU read the first buffer");
	err = mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len) ?:
	      mvgpu_dma_map(&t->h, b, ATTACK_IOVA, len);
	tap_ok(!err, "VFIO_IOMMU_UNMAP_DMA, then the second buffer mapped at the same IOVA%s%s",
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	probe(t, "COPY through the mapping the VM took away (IOVA now other memory)",
	      mvgpu_cmd_copy(SCRATCH_OFF, ATTACK_VA, 4096), MVGPU_ERR_PAGE_FAULT, ANY,
	      ATTACK_VA);
	probe(t, "FILL through it", mvgpu_cmd_fill(ATTACK_VA, 4096, 0x66666666),
	      MVGPU_ERR_PAGE_FAULT, ANY, ATTACK_VA);
	tap_ok(!memcmp(b, b_copy, len), "the second buffer is untouched");
	if (!submit_ok(t, "a new MAP of the IOVA, COPY from it", setup, 2))
		tap_ok(!memcmp(t->vram + SCRATCH_OFF, b, len),
		       "a new MAP reaches the new memory");
	mvgpu_engine_reset(&t->h);
	mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len);
	munmap(a, len);
	munmap(b, len);
	free(b_copy);
}

static unsigned long long sysfs_u64(struct tenant *t, const char *attr)
{
	unsigned long long v = ~0ull;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mvgpu/%s", t->h.uuid, attr);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = ~0ull;
		fclose(f);
	}
	return v;
}

/*
 * One large page per GiB of VA until the page-table budget is gone: the
 * vGPU's own MAPs fail, and an engine reset (or an UNMAP) gives every
 * table back, for this tenant and the next.
 */
static void attack_page_tables(struct tenant *t)
{
	uint64_t base = 300ull << 30, i;
	unsigned long long before = sysfs_u64(t, "gpt_bytes"), peak;
	struct mvgpu_engine_state s;
	char buf[160];
	int err = 0;

	for (i = 0; base + (i << 30) < (1ull << MVGPU_VA_BITS) && !err; i++) {
		err = emit(t, mvgpu_cmd_map(base + (i << 30), 0, 2 << 20, MVGPU_MAP_READ));
		if (!err && i % 32 == 31)
			err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	}
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	mvgpu_engine_state(&t->h, &s);
	peak = sysfs_u64(t, "gpt_bytes");
	tap_ok(err == -EIO && s.code == MVGPU_ERR_BAD_MAP &&
	       s.info == MAP_INFO(MVGPU_MAP_ERR_TABLES),
	       "MAPs of 2 MiB at every GiB stop at the page-table budget (%s)",
	       err == -EIO ? mvgpu_engine_str(&s, buf, sizeof(buf)) : "never stopped");
	tap_ok(peak > before, "gpt_bytes grew from %llu to %llu", before, peak);
	recover(t, "after the page-table budget");
	tap_ok(sysfs_u64(t, "gpt_bytes") == before,
	       "the engine reset gave every table back (gpt_bytes %llu, was %llu)",
	       sysfs_u64(t, "gpt_bytes"), before);
	err = 0;
	for (i = 0; i < 64 && !err; i++)
		err = emit(t, mvgpu_cmd_map(base + (i << 30), 0, 2 << 20, MVGPU_MAP_READ));
	for (i = 0; i < 64 && !err; i++)
		err = emit(t, mvgpu_cmd_unmap(base + (i << 30), 2 << 20));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	tap_ok(!err && sysfs_u64(t, "gpt_bytes") == before,
	       "MAP and UNMAP of 64 GiB-apart pages: tables back to %llu bytes (%llu)%s%s",
	       before, sysfs_u64(t, "gpt_bytes"), err ? ": " : "", err ? mvgpu_errmsg() : "");
}

/* Guest memory and MSI need bus mastering, as on a real PCI device. */
static void attack_bus_master(struct tenant *t)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = 65536;
	struct mvgpu_cmd setup[] = {
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_fill(ATTACK_VA, len, 0x12345678),
	};
	uint8_t *p;
	int err;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(p != MAP_FAILED && !mvgpu_dma_map(&t->h, p, ATTACK_IOVA, len),
		    "a guest buffer of 64 KiB, DMA-mapped"))
		return;
	if (!submit_ok(t, "MAP it and FILL it with bus mastering on", setup, 2))
		tap_ok(mem_is_u32(p, len, 0x12345678), "the FILL reached guest memory");
	memset(p, 0, len);
	mvgpu_bus_master(&t->h, 0);
	probe(t, "FILL of guest memory with bus mastering off",
	      mvgpu_cmd_fill(ATTACK_VA, 4096, 0x9abcdef0), MVGPU_ERR_BUS_MASTER,
	      MVGPU_OP_FILL, ATTACK_VA);
	tap_ok(mem_is_u32(p, len, 0), "guest memory untouched");
	mvgpu_bus_master(&t->h, 1);
	err = emit(t, mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags));
	if (!err)
		err = emit(t, mvgpu_cmd_fill(ATTACK_VA, 4096, 0x9abcdef0));
	if (!err)
		err = mvgpu_ring_fence_wait(&t->r, TIMEOUT_MS);
	tap_ok(!err && mem_is_u32(p, 4096, 0x9abcdef0),
	       "with bus mastering on again, the FILL reaches guest memory%s%s",
	       err ? ": " : "", err ? mvgpu_errmsg() : "");
	mvgpu_engine_reset(&t->h);
	mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF);
	mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len);
	munmap(p, len);
}

/*
 * Pins are bounded by the vGPU's VRAM size.  A MAP past it is refused; but
 * pages an UNMAP let go of no longer count, even when the MAP that needs
 * the room comes right behind the UNMAP, before the host could unpin them.
 */
#define AGAIN_MAPS	8	/* the second submission's wait, in first MAPs */

static void attack_pin_limit(struct tenant *t)
{
	uint32_t flags = MVGPU_MAP_SYSMEM | MVGPU_MAP_READ | MVGPU_MAP_WRITE;
	size_t len = t->vram_size;
	struct mvgpu_cmd again[] = {
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_unmap(ATTACK_VA, len),
		mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags),
		mvgpu_cmd_fill(ATTACK_VA + len - 4096, 4096, 0x600dcafe),
	};
	struct mvgpu_cmd all = mvgpu_cmd_map(ATTACK_VA, ATTACK_IOVA, len, flags);
	double t0, map_ms;
	int again_ms;
	uint8_t *p;

	p = mmap(NULL, len + 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(p != MAP_FAILED &&
		    !mvgpu_dma_map(&t->h, p, ATTACK_IOVA, len + 4096),
		    "guest memory of the VRAM size + 4 KiB, DMA-mapped"))
		return;
	recover(t, "before the pin limit");
	t0 = now_s();
	submit_ok(t, "MAP as much guest memory as the VRAM size", &all, 1);
	/*
	 * Pinning the whole VRAM size's worth of pages is the slowest thing
	 * a tenant can ask for (a debug kernel under TCG beside a neighbor
	 * took most of TIMEOUT_MS for it).  The submission below pins it
	 * twice and unpins it once: it waits for that many of what the one
	 * MAP took just now, on the same machine at the same moment, plus
	 * TIMEOUT_MS - a hang is still a failure, a slow host is not.
	 */
	map_ms = (now_s() - t0) * 1000;
	again_ms = TIMEOUT_MS + (int)(AGAIN_MAPS * map_ms);
	probe(t, "MAP of one page past the pin limit",
	      mvgpu_cmd_map(ATTACK_VA + len, ATTACK_IOVA + len, 4096, flags),
	      MVGPU_ERR_BAD_MAP, MAP_INFO(MVGPU_MAP_ERR_PIN_LIMIT),
	      ATTACK_IOVA + len);
	if (!submit_ok_within(t, "MAP all, UNMAP all, MAP all again in one submission",
			      again, 4, again_ms))
		tap_ok(mem_is_u32(p + len - 4096, 4096, 0x600dcafe),
		       "the third MAP reaches guest memory");
	recover(t, "after the pin limit");
	mvgpu_dma_unmap(&t->h, ATTACK_IOVA, len + 4096);
	munmap(p, len + 4096);
}

static const struct {
	const char *name;
	void (*fn)(struct tenant *t);
	const char *help;
} attacks[] = {
	{ "map_foreign_vram", attack_map_foreign_vram,
	  "MAP of VRAM that is not the vGPU's: BAD_MAP" },
	{ "map_overlap", attack_map_overlap,
	  "MAP over a mapped VA: BAD_MAP" },
	{ "exceed_quota", attack_exceed_quota,
	  "FILL/COPY across the end of own VRAM: PAGE_FAULT at its size" },
	{ "unmapped_va", attack_unmapped_va,
	  "access to an unmapped VA: PAGE_FAULT at it" },
	{ "garbage", attack_garbage,
	  "random bytes as commands: all refused" },
	{ "truncated", attack_truncated,
	  "non-zero padding or flags: BAD_COMMAND" },
	{ "bad_tail", attack_bad_tail,
	  "doorbell tail misaligned or >= RING_SIZE: RING/TAIL" },
	{ "bad_ring", attack_bad_ring,
	  "bad RING_SIZE or RING_BASE: RING/SIZE, RING/BASE" },
	{ "hang", attack_hang,
	  "WAIT forever: the watchdog's TIMEOUT" },
	{ "sysmem_after_unmap", attack_sysmem_after_unmap,
	  "guest memory used after UNMAP_DMA: PAGE_FAULT" },
	{ "bad_size", attack_bad_size,
	  "bad sizes: BAD_SIZE" },
	{ "readonly", attack_readonly,
	  "a write through a read-only MAP: PERMISSION" },
	{ "uffd", attack_uffd,
	  "guest memory whose faults nobody answers: BAD_MAP at once" },
	{ "dma_remap", attack_dma_remap,
	  "IOVA unmapped and mapped to other memory: PAGE_FAULT until a new MAP" },
	{ "page_tables", attack_page_tables,
	  "page-table budget: BAD_MAP, and every table back after reset" },
	{ "bus_master", attack_bus_master,
	  "guest memory with bus mastering off: BUS_MASTER" },
	{ "pin_limit", attack_pin_limit,
	  "guest memory past the VRAM size: BAD_MAP/PIN_LIMIT; unmapped pages free room at once" },
};

#define N_ATTACKS (sizeof(attacks) / sizeof(attacks[0]))

int find_attack(const char *kind)
{
	unsigned int i;

	for (i = 0; i < N_ATTACKS; i++)
		if (!strcmp(attacks[i].name, kind))
			return i;
	fprintf(stderr, "workload: unknown attack '%s' (see workload list)\n", kind);
	return -1;
}

int do_attack(struct tenant *t, int i)
{
	uint32_t v = rnd(t);

	rnd_fill(t, t->vram + MARK_OFF, MARK_LEN);
	tap_ok(!submit_ok(t, "before", (struct mvgpu_cmd[]){
			mvgpu_cmd_fill(SCRATCH_OFF, 4096, v) }, 1) &&
	       fill_ok(t, SCRATCH_OFF, 4096, v), "the engine works before the attack");
	attacks[i].fn(t);
	return tap_failed != 0;
}

void attack_list(void)
{
	unsigned int i;

	for (i = 0; i < N_ATTACKS; i++)
		printf("%-20s %s\n", attacks[i].name, attacks[i].help);
}
