// SPDX-License-Identifier: GPL-2.0
/*
 * Live migration of a vGPU through VFIO migration protocol v2, driven the
 * way QEMU >= 8.0 drives it.  TAP output; exit 1 on any failure.
 *
 *   migrate live A B [--seed X] [--hops N]
 *	a tenant runs a chain of MATMULs, then copies, fills, a vector add
 *	and a reduction between VRAM and its guest RAM; in the middle of a
 *	command it is migrated A -> B -> A -> ... (N hops), its guest RAM
 *	moved with dirty-page tracking as QEMU moves it, each destination a
 *	fresh open of the vGPU; every result exact at the end; registers,
 *	fence and interrupt mask carried over each hop
 *   migrate abort A [--seed X]
 *	the same chain, stopped, streamed (in part, then whole) and resumed
 *	on A itself each time: the work goes on exact
 *   migrate fault A B
 *	a ring a fault stopped migrates stopped, with its error registers
 *   migrate states A
 *	every legal arc of the state machine, illegal ones refused, STOP
 *	doing nothing, VFIO_DEVICE_RESET and close from every state
 *   migrate dirty A
 *	VFIO_IOMMU_DIRTY_PAGES reports the guest pages the engine writes
 */
#include "mig_common.h"

#define MAT_OFF		0x100000ull
#define CHAIN		8

static uint64_t seed = 1;

/* The tenant's work and its expected results. */
struct chain {
	uint32_t d;			/* matrices are d x d u32 */
	uint64_t mat_len;
	uint64_t a, b, c[CHAIN];	/* VRAM offsets */
	uint64_t v, r, cp;		/* VRAM: vadd, reduce, copy back */
	uint64_t s0, s1;		/* guest RAM offsets */
	uint32_t fill;
	uint32_t *want_c[CHAIN], *want_v, *want_s1;
	uint64_t want_r;
	uint64_t seq;			/* the final fence */
};

static void matmul(uint32_t *c, const uint32_t *a, const uint32_t *b,
		   uint32_t d)
{
	for (uint32_t i = 0; i < d; i++)
		for (uint32_t j = 0; j < d; j++) {
			uint32_t acc = 0;

			for (uint32_t k = 0; k < d; k++)
				acc += a[i * d + k] * b[k * d + j];
			c[i * d + j] = acc;
		}
}

/* Operands in VRAM, the expected results computed on the CPU. */
static void chain_plan(struct chain *ch, struct vm *vm, uint32_t d)
{
	uint32_t n = d * d, *a = malloc(n * 4), *b = malloc(n * 4);

	memset(ch, 0, sizeof(*ch));
	ch->d = d;
	ch->mat_len = (uint64_t)n * 4;
	ch->a = MAT_OFF;
	ch->b = ch->a + ch->mat_len;
	for (int i = 0; i < CHAIN; i++)
		ch->c[i] = ch->b + (i + 1) * ch->mat_len;
	ch->v = ch->c[CHAIN - 1] + ch->mat_len;
	ch->r = ch->v + ch->mat_len;
	ch->cp = ch->r + 4096;
	ch->s0 = 0x1000;
	ch->s1 = ch->s0 + ch->mat_len + 4096;
	ch->fill = (uint32_t)xrand(&seed);
	for (uint32_t i = 0; i < n; i++) {
		a[i] = (uint32_t)xrand(&seed);
		b[i] = (uint32_t)xrand(&seed);
	}
	memcpy(vm->vram + ch->a, a, n * 4);
	memcpy(vm->vram + ch->b, b, n * 4);
	for (int i = 0; i < CHAIN; i++) {
		ch->want_c[i] = malloc(n * 4);
		matmul(ch->want_c[i], i ? ch->want_c[i - 1] : a, b, d);
	}
	ch->want_v = malloc(n * 4);
	for (uint32_t i = 0; i < n; i++) {
		ch->want_v[i] = ch->want_c[CHAIN - 1][i] + ch->want_c[CHAIN - 2][i];
		ch->want_r += ch->want_c[CHAIN - 1][i];
	}
	ch->want_s1 = malloc(65536);
	for (int i = 0; i < 65536 / 4; i++)
		ch->want_s1[i] = ch->fill;
	free(a);
	free(b);
}

/* Queue the whole chain and ring the doorbell. */
static int chain_submit(struct chain *ch, struct vm *vm)
{
	uint64_t sa = SYS_VA + ch->s0, sb = SYS_VA + ch->s1;
	struct mvgpu_cmd cmds[CHAIN + 6];
	int n = 0, err = 0;

	for (int i = 0; i < CHAIN; i++)
		cmds[n++] = mvgpu_cmd_matmul(i ? ch->c[i - 1] : ch->a, ch->b,
					     ch->c[i], ch->d, ch->d, ch->d);
	cmds[n++] = mvgpu_cmd_copy(sa, ch->c[CHAIN - 1], ch->mat_len);
	cmds[n++] = mvgpu_cmd_fill(sb, 65536, ch->fill);
	cmds[n++] = mvgpu_cmd_vadd(sa, ch->c[CHAIN - 2], ch->v, ch->d * ch->d);
	cmds[n++] = mvgpu_cmd_reduce(sa, ch->r, ch->d * ch->d);
	cmds[n++] = mvgpu_cmd_copy(ch->cp, sb, 65536);
	for (int i = 0; i < n && !err; i++)
		err = mvgpu_ring_emit(&vm->r, &cmds[i]);
	if (!err)
		err = mvgpu_ring_fence(&vm->r, 1, &ch->seq);
	if (!err)
		err = mvgpu_ring_kick(&vm->r);
	return err;
}

static int differ(const void *got, const void *want, size_t len,
		  const char *what)
{
	const uint8_t *g = got, *w = want;

	for (size_t i = 0; i < len; i++)
		if (g[i] != w[i]) {
			tap_diag("%s: first difference at byte %zu: 0x%02x, want 0x%02x",
				 what, i, g[i], w[i]);
			return 1;
		}
	return 0;
}

/* Wait for the chain's fence interrupt, then check every result. */
static int chain_check(struct chain *ch, struct vm *vm, const char *name)
{
	int bad = 0, err;
	char what[64];

	err = mvgpu_ring_wait(&vm->r, ch->seq, TIMEOUT_MS);
	/*
	 * The engine raises the cause just after it writes the fence: a
	 * tenant that polls the fence may see it a moment before the cause.
	 */
	for (int i = 0; !err && i < 2000 &&
	     !(mvgpu_reg(&vm->h, MVGPU_REG_INT_STATUS) & MVGPU_INT_FENCE); i++)
		usleep(1000);
	if (!tap_ok(!err && mvgpu_reg(&vm->h, MVGPU_REG_INT_STATUS) & MVGPU_INT_FENCE,
		    "%s: the chain's fence is reached, its interrupt cause pending", name))
		tap_diag("%s", mvgpu_errmsg());
	if (err)
		return 1;
	/* Acknowledged, the next fence interrupt comes through this eventfd. */
	mvgpu_reg_write(&vm->h, MVGPU_REG_INT_ACK, MVGPU_INT_FENCE);
	mvgpu_eventfd_wait(vm->efd, 0, NULL);
	err = mvgpu_ring_fence_wait_irq(&vm->r, vm->efd, TIMEOUT_MS);
	if (!tap_ok(!err, "%s: a fence interrupt arrives through the last VMM's eventfd", name))
		tap_diag("%s", mvgpu_errmsg());
	for (int i = 0; i < CHAIN; i++) {
		snprintf(what, sizeof(what), "MATMUL %d", i);
		bad |= differ(vm->vram + ch->c[i], ch->want_c[i], ch->mat_len, what);
	}
	bad |= differ(vm->ram + ch->s0, ch->want_c[CHAIN - 1], ch->mat_len,
		      "COPY to guest RAM");
	bad |= differ(vm->ram + ch->s1, ch->want_s1, 65536, "FILL of guest RAM");
	bad |= differ(vm->vram + ch->v, ch->want_v, ch->mat_len,
		      "VADD of guest RAM and VRAM");
	bad |= differ(vm->vram + ch->r, &ch->want_r, 8, "REDUCE of guest RAM");
	bad |= differ(vm->vram + ch->cp, ch->want_s1, 65536,
		      "COPY from guest RAM");
	tap_ok(!bad && !err, "%s: %d MATMULs of %ux%u, copies, fill, vadd, reduce: every result exact",
	       name, CHAIN, ch->d, ch->d);
	return bad || err;
}

/* What a tenant can see of its vGPU, to compare across a migration. */
struct regs {
	uint32_t v[9];
	uint64_t fence;
};

static const uint32_t reg_offs[9] = {
	MVGPU_REG_INT_MASK, MVGPU_REG_RING_BASE_LO, MVGPU_REG_RING_SIZE,
	MVGPU_REG_RING_HEAD, MVGPU_REG_CMDS_DONE, MVGPU_REG_ERROR_CODE,
	MVGPU_REG_ENGINE_STATUS, MVGPU_REG_SCRATCH, MVGPU_REG_DOORBELL,
};

static void regs_diff(const struct regs *a, const struct regs *b)
{
	for (int i = 0; i < 9; i++)
		if (a->v[i] != b->v[i])
			tap_diag("register 0x%x: 0x%x, then 0x%x", reg_offs[i],
				 a->v[i], b->v[i]);
	if (a->fence != b->fence)
		tap_diag("fence: %" PRIu64 ", then %" PRIu64, a->fence, b->fence);
}

static void regs_read(struct vm *vm, struct regs *r)
{
	memset(r, 0, sizeof(*r));	/* padding too: compared with memcmp() */
	for (int i = 0; i < 9; i++)
		r->v[i] = mvgpu_reg(&vm->h, reg_offs[i]);
	r->fence = *(volatile uint64_t *)(vm->vram + FENCE_OFF);
}

/*
 * Move the VM to the vGPU dst as QEMU does: dirty tracking on, RAM copied
 * while it runs, the VM stopped, the dirty pages copied again, the device
 * state streamed (through memory here) into a freshly opened dst, the VM
 * run there.  *busy says whether a command was in flight.
 */
static int migrate_once(struct vm *vm, const char *dst, size_t chunk,
			int *busy, const char *name)
{
	uint64_t bitmap[SYS_LEN / 4096 / 64], dirty = 0, len = 0;
	struct regs before, after;
	struct stream s = { 0 };
	const char *where = "open";
	struct mvgpu_mig_ring *ring;
	uint8_t *ram2;
	struct vm to;
	int err;

	memset(&to, 0, sizeof(to));
	err = mvgpu_dirty_start(&vm->h);
	ram2 = ram_alloc(SYS_LEN);
	if (err || !ram2)
		return err ?: -ENOMEM;
	memcpy(ram2, vm->ram, SYS_LEN);		/* pre-copy, while it runs */
	err = mvgpu_mig_set_state(&vm->h, VFIO_DEVICE_STATE_STOP, NULL);
	if (!err)
		err = mvgpu_dirty_bitmap(&vm->h, SYS_IOVA, SYS_LEN, bitmap);
	if (err)
		return err;
	for (uint64_t p = 0; p < SYS_LEN / 4096; p++)
		if (bitmap[p / 64] & (1ull << (p % 64))) {
			memcpy(ram2 + p * 4096, vm->ram + p * 4096, 4096);
			dirty++;
		}
	tap_ok(dirty > 0, "%s: the pages the GPU may write are dirty (%" PRIu64 " of %llu)",
	       name, dirty, SYS_LEN / 4096);
	regs_read(vm, &before);
	err = stream_save(&vm->h, &s);
	if (err)
		return err;
	ring = stream_payload(&s, MVGPU_MIG_SEC_RING, &len);
	*busy = ring && ring->busy;

	err = vm_open(&to, dst, ram2, 0);
	if (!err)
		err = stream_resume(&to.h, &s, chunk, 0, &where);
	if (err) {
		tap_diag("%s: %s: %s", name, where, mvgpu_errmsg());
		free(s.p);
		return err;
	}
	regs_read(&to, &after);
	if (!tap_ok(!memcmp(&before, &after, sizeof(before)),
		    "%s: registers and fence carried over (head 0x%x cmds %u status %u)",
		    name, after.v[3], after.v[4], after.v[6]))
		regs_diff(&before, &after);
	usleep(50000);
	regs_read(&to, &before);
	if (!tap_ok(!memcmp(&before, &after, sizeof(before)),
		    "%s: in STOP the destination does nothing", name))
		regs_diff(&after, &before);
	err = mvgpu_mig_set_state(&to.h, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_ok(!err, "%s: destination RUNNING (%zu bytes of stream, written %zu at a time)",
	       name, s.len, chunk);
	free(s.p);
	mvgpu_dirty_stop(&vm->h);
	vm_close(vm, 0);			/* the source QEMU exits */
	to.r = vm->r;				/* the guest driver's ring state */
	*vm = to;
	vm->r.h = &vm->h;
	return err;
}

static int cmd_live(const char *a, const char *b, int hops)
{
	static const size_t chunks[] = { 1 << 20, 4097, 65544, 333 };
	const char *uuid[2] = { a, b };
	int busy_hops = 0, err;
	struct chain ch;
	struct vm vm;
	uint32_t done;

	memset(&vm, 0, sizeof(vm));
	err = vm_open(&vm, a, NULL, 1);
	if (!tap_ok(!err, "tenant set up on %s", a)) {
		tap_diag("%s", mvgpu_errmsg());
		return 1;
	}
	mvgpu_reg_write(&vm.h, MVGPU_REG_SCRATCH, (uint32_t)xrand(&seed));
	chain_plan(&ch, &vm, 128);
	done = mvgpu_reg(&vm.h, MVGPU_REG_CMDS_DONE);
	err = chain_submit(&ch, &vm);
	for (int hop = 0; hop < hops && !err; hop++) {
		char name[32];
		int busy = 0;

		/* Into the chain: past the first MATMULs, a little more each hop. */
		while (mvgpu_reg(&vm.h, MVGPU_REG_CMDS_DONE) < done + 1 + 2 * hop &&
		       mvgpu_reg(&vm.h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_BUSY)
			usleep(1000);
		snprintf(name, sizeof(name), "hop %d (%s -> %s)", hop + 1,
			 hop % 2 ? "B" : "A", hop % 2 ? "A" : "B");
		err = migrate_once(&vm, uuid[(hop + 1) % 2],
				   chunks[hop % 4], &busy, name);
		if (!tap_ok(!err, "%s: migrated", name))
			tap_diag("%s", mvgpu_errmsg());
		busy_hops += busy;
	}
	tap_ok(busy_hops > 0, "%d of %d hops caught a command in flight",
	       busy_hops, hops);
	err = chain_check(&ch, &vm, "after the hops");
	vm_close(&vm, 0);
	return err;
}

/* Stop, stream and go on, on the same vGPU: the work continues exact. */
static int cmd_abort(const char *a)
{
	struct regs before, after;
	struct stream s = { 0 };
	struct chain ch;
	struct vm vm;
	char buf[4096];
	int err, fd;

	memset(&vm, 0, sizeof(vm));
	err = vm_open(&vm, a, NULL, 1);
	if (!tap_ok(!err, "tenant set up on %s", a))
		return 1;
	chain_plan(&ch, &vm, 128);
	err = chain_submit(&ch, &vm);
	usleep(20000);
	/* RUNNING -> RUNNING_P2P -> RUNNING */
	err = mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_RUNNING_P2P, NULL);
	if (!err)
		err = mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_ok(!err, "abort at RUNNING_P2P");
	/* STOP_COPY, part of the stream read, back to RUNNING */
	err = mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_STOP, NULL);
	regs_read(&vm, &before);
	if (!err)
		err = mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (!err) {
		tap_ok(read(fd, buf, sizeof(buf)) == sizeof(buf),
		       "STOP_COPY: part of the stream read");
		err = mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_STOP, NULL);
		tap_ok(read(fd, buf, sizeof(buf)) < 0 && errno == ENODEV,
		       "the data file ends when the device leaves STOP_COPY");
		close(fd);
	}
	regs_read(&vm, &after);
	tap_ok(!memcmp(&before, &after, sizeof(before)),
	       "STOP_COPY changed nothing the tenant sees");
	if (!err)
		err = mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_ok(!err, "abort after part of the stream");
	/* The whole stream read, then back to RUNNING */
	usleep(20000);
	err = stream_save(&vm.h, &s);
	if (!err)
		err = mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_ok(!err, "abort after the whole stream (%zu bytes)", s.len);
	free(s.p);
	err = chain_check(&ch, &vm, "after three aborted migrations");
	vm_close(&vm, 0);
	return err;
}

/* A ring a fault stopped moves stopped, error registers and all. */
static int cmd_fault(const char *a, const char *b)
{
	struct mvgpu_engine_state es, ed;
	struct mvgpu_cmd c;
	struct vm vm;
	int busy, err;
	char buf[160];

	memset(&vm, 0, sizeof(vm));
	err = vm_open(&vm, a, NULL, 1);
	if (!tap_ok(!err, "fault: tenant set up on %s", a))
		return 1;
	c = mvgpu_cmd_copy(0x1000, 1ull << 38, 4096);	/* nothing mapped there */
	mvgpu_ring_emit(&vm.r, &c);
	mvgpu_ring_kick(&vm.r);
	err = mvgpu_engine_wait(&vm.h, TIMEOUT_MS);
	mvgpu_engine_state(&vm.h, &es);
	tap_ok(err && es.code == MVGPU_ERR_PAGE_FAULT,
	       "fault: the ring stopped: %s", mvgpu_engine_str(&es, buf, sizeof(buf)));
	err = migrate_once(&vm, b, 1 << 20, &busy, "fault");
	if (!tap_ok(!err, "fault: migrated"))
		return 1;
	mvgpu_engine_state(&vm.h, &ed);
	tap_ok(!memcmp(&es, &ed, sizeof(es)),
	       "fault: stopped on the destination with the same registers: %s",
	       mvgpu_engine_str(&ed, buf, sizeof(buf)));
	c = mvgpu_cmd_nop();
	mvgpu_ring_emit(&vm.r, &c);
	mvgpu_ring_kick(&vm.r);
	usleep(50000);
	tap_ok(mvgpu_reg(&vm.h, MVGPU_REG_CMDS_DONE) == ed.cmds_done &&
	       mvgpu_reg(&vm.h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED,
	       "fault: doorbells are still ignored until a reset");
	err = mvgpu_engine_reset(&vm.h);
	if (!err)
		err = mvgpu_ring_init(&vm.r, &vm.h, RING_OFF, RING_SIZE, FENCE_OFF);
	if (!err)
		err = mvgpu_ring_fence_wait(&vm.r, TIMEOUT_MS);
	tap_ok(!err, "fault: an engine reset brings the ring back");
	vm_close(&vm, 0);
	return 0;
}

static const char *const state_names[] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P",
};

/* From RUNNING to st (through STOP; RESUMING gets a valid stream if asked). */
static int reach(struct mvgpu_handle *h, uint32_t st, int *fd)
{
	*fd = -1;
	return mvgpu_mig_set_state(h, st, st == VFIO_DEVICE_STATE_STOP_COPY ||
				   st == VFIO_DEVICE_STATE_RESUMING ? fd : NULL);
}

/* Write a whole stream to a RESUMING data file. */
static int feed(int fd, const struct stream *s)
{
	return write(fd, s->p, s->len) == (ssize_t)s->len ? 0 : -1;
}

/* Can the vGPU do its work?  A self-test interrupt and a fence. */
static int works(struct mvgpu_handle *h)
{
	struct vm vm;
	uint64_t n;
	int efd = eventfd(0, EFD_CLOEXEC), ok;

	mvgpu_irq_arm(h, VFIO_PCI_MSI_IRQ_INDEX, efd);
	mvgpu_bus_master(h, 1);
	mvgpu_reg_write(h, MVGPU_REG_INT_MASK, MVGPU_INT_SELFTEST);
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 0x5a5a);
	ok = mvgpu_eventfd_wait(efd, TIMEOUT_MS, &n) == 1;
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	mvgpu_irq_disarm(h, VFIO_PCI_MSI_IRQ_INDEX);
	close(efd);
	memset(&vm, 0, sizeof(vm));
	if (!mvgpu_vram_map(h))
		return 0;
	ok = ok && !mvgpu_engine_reset(h) &&
	     !mvgpu_ring_init(&vm.r, h, RING_OFF, RING_SIZE, FENCE_OFF) &&
	     !mvgpu_ring_fence_wait(&vm.r, TIMEOUT_MS);
	mvgpu_vram_unmap(h);
	return ok;
}

static int cmd_states(const char *a)
{
	static const uint32_t states[] = {
		VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P,
		VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY,
		VFIO_DEVICE_STATE_RESUMING,
	};
	struct mvgpu_handle h;
	struct stream s = { 0 };
	uint64_t flags = 0, n;
	int fd, efd, err;
	char buf[64];

	if (!tap_ok(!mvgpu_open(&h, a), "states: open %s", a))
		return 1;
	err = mvgpu_mig_flags(&h, &flags);
	tap_ok(!err && flags == (VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P),
	       "states: migration flags STOP_COPY | P2P (0x%llx)",
	       (unsigned long long)flags);
	tap_ok(mig_state(&h) == VFIO_DEVICE_STATE_RUNNING, "states: a new open is RUNNING");
	err = stream_save(&h, &s);
	tap_ok(!err && !mvgpu_mig_set_state(&h, VFIO_DEVICE_STATE_RUNNING, NULL),
	       "states: a stream of the idle device (%zu bytes)", s.len);

	/* Every arc, direct or combined, from every state to every state. */
	for (unsigned int i = 0; i < 5; i++)
		for (unsigned int j = 0; j < 5; j++) {
			int fd2 = -1, ok;

			err = reach(&h, states[i], &fd);
			if (states[i] == VFIO_DEVICE_STATE_RESUMING && !err)
				err = feed(fd, &s);
			ok = !err && mig_state(&h) == states[i];
			err = mvgpu_mig_set_state(&h, states[j],
						  states[j] == VFIO_DEVICE_STATE_STOP_COPY ||
						  states[j] == VFIO_DEVICE_STATE_RESUMING ?
						  &fd2 : NULL);
			ok = ok && !err && mig_state(&h) == states[j] &&
			     (fd2 >= 0) == (i != j &&
					    (states[j] == VFIO_DEVICE_STATE_STOP_COPY ||
					     states[j] == VFIO_DEVICE_STATE_RESUMING));
			if (fd2 >= 0 && states[j] == VFIO_DEVICE_STATE_RESUMING)
				feed(fd2, &s);
			tap_ok(ok, "states: %s -> %s", state_names[states[i]],
			       state_names[states[j]]);
			if (!ok)
				tap_diag("%s", mvgpu_errmsg());
			if (fd >= 0)
				close(fd);
			if (fd2 >= 0)
				close(fd2);
			mvgpu_mig_set_state(&h, VFIO_DEVICE_STATE_RUNNING, NULL);
			if (mig_state(&h) != VFIO_DEVICE_STATE_RUNNING)
				mvgpu_reset(&h);
		}

	/* Illegal requests: ERROR, PRE_COPY (6.2+), out of range. */
	for (uint32_t bad = 0; bad < 12; bad += (bad == 0 ? 6 : 5)) {
		err = mvgpu_mig_set_state(&h, bad, NULL);
		tap_ok(err == -EINVAL && mig_state(&h) == VFIO_DEVICE_STATE_RUNNING,
		       "states: RUNNING -> %u refused with EINVAL", bad);
	}
	/* ERROR: only a reset leaves it. */
	reach(&h, VFIO_DEVICE_STATE_RESUMING, &fd);
	close(fd);
	err = mvgpu_mig_set_state(&h, VFIO_DEVICE_STATE_STOP, NULL);
	tap_ok(err == -EINVAL && mig_state(&h) == VFIO_DEVICE_STATE_ERROR,
	       "states: RESUMING with no stream -> STOP fails, device in ERROR");
	for (unsigned int j = 0; j < 5; j++)
		tap_ok(mvgpu_mig_set_state(&h, states[j], NULL) == -EINVAL &&
		       mig_state(&h) == VFIO_DEVICE_STATE_ERROR,
		       "states: ERROR -> %s refused", state_names[states[j]]);

	/* VFIO_DEVICE_RESET from every state. */
	for (unsigned int i = 0; i < 6; i++) {
		uint32_t st = i < 5 ? states[i] : VFIO_DEVICE_STATE_ERROR;

		if (st == VFIO_DEVICE_STATE_ERROR) {
			reach(&h, VFIO_DEVICE_STATE_RESUMING, &fd);
			close(fd);
			mvgpu_mig_set_state(&h, VFIO_DEVICE_STATE_STOP, NULL);
			fd = -1;
		} else {
			reach(&h, st, &fd);
		}
		err = mvgpu_reset(&h);
		tap_ok(!err && mig_state(&h) == VFIO_DEVICE_STATE_RUNNING && works(&h),
		       "states: VFIO_DEVICE_RESET in %s: RUNNING and working",
		       state_names[st]);
		if (fd >= 0) {
			tap_ok((st == VFIO_DEVICE_STATE_STOP_COPY ?
				read(fd, buf, sizeof(buf)) : write(fd, buf, sizeof(buf))) < 0 &&
			       errno == ENODEV,
			       "states: the data file of %s ends with the reset",
			       state_names[st]);
			close(fd);
		}
	}
	mvgpu_close(&h);

	/* Close in every state, data file left open; the next open is RUNNING. */
	for (unsigned int i = 0; i < 6; i++) {
		uint32_t st = i < 5 ? states[i] : VFIO_DEVICE_STATE_ERROR;

		if (mvgpu_open(&h, a))
			break;
		if (st == VFIO_DEVICE_STATE_ERROR) {
			reach(&h, VFIO_DEVICE_STATE_RESUMING, &fd);
			mvgpu_mig_set_state(&h, VFIO_DEVICE_STATE_STOP, NULL);
		} else {
			reach(&h, st, &fd);
		}
		mvgpu_close(&h);
		if (fd >= 0) {
			tap_ok((st == VFIO_DEVICE_STATE_STOP_COPY ?
				read(fd, buf, sizeof(buf)) : write(fd, buf, sizeof(buf))) < 0 &&
			       errno == ENODEV,
			       "states: the data file of %s outlives the device, ended",
			       state_names[st]);
			close(fd);
		}
		err = mvgpu_open(&h, a);
		tap_ok(!err && mig_state(&h) == VFIO_DEVICE_STATE_RUNNING && works(&h),
		       "states: closed in %s, the next open is RUNNING and works",
		       state_names[st]);
		mvgpu_close(&h);
	}

	/* STOP: no interrupt, no progress; both come at RUNNING. */
	mvgpu_open(&h, a);
	efd = eventfd(0, EFD_CLOEXEC);
	mvgpu_irq_arm(&h, VFIO_PCI_MSI_IRQ_INDEX, efd);
	mvgpu_bus_master(&h, 1);
	mvgpu_reg_write(&h, MVGPU_REG_INT_MASK, MVGPU_INT_SELFTEST);
	mvgpu_mig_set_state(&h, VFIO_DEVICE_STATE_STOP, NULL);
	mvgpu_reg_write(&h, MVGPU_REG_SELFTEST, 1);
	tap_ok(mvgpu_eventfd_wait(efd, 100, &n) == 0 &&
	       mvgpu_reg(&h, MVGPU_REG_INT_STATUS) & MVGPU_INT_SELFTEST,
	       "states: in STOP an interrupt cause stays pending, not sent");
	mvgpu_mig_set_state(&h, VFIO_DEVICE_STATE_RUNNING, NULL);
	tap_ok(mvgpu_eventfd_wait(efd, TIMEOUT_MS, &n) == 1,
	       "states: ... and is sent once the device runs");
	close(efd);
	mvgpu_close(&h);
	free(s.p);
	return 0;
}

/* The guest pages the engine writes show up in the dirty bitmap. */
static int cmd_dirty(const char *a)
{
	uint64_t bitmap[SYS_LEN / 4096 / 64];
	struct mvgpu_cmd c;
	struct vm vm;
	int err, ok = 1;

	memset(&vm, 0, sizeof(vm));
	err = vm_open(&vm, a, NULL, 1);
	if (!tap_ok(!err, "dirty: tenant set up"))
		return 1;
	/* The whole RAM is mapped on the GPU: unmap it, map 64 KiB only. */
	c = mvgpu_cmd_unmap(SYS_VA, SYS_LEN);
	mvgpu_ring_emit(&vm.r, &c);
	c = mvgpu_cmd_map(SYS_VA, SYS_IOVA + 0x100000, 0x10000, MVGPU_MAP_SYSMEM |
			  MVGPU_MAP_READ | MVGPU_MAP_WRITE);
	mvgpu_ring_emit(&vm.r, &c);
	err = mvgpu_ring_fence_wait(&vm.r, TIMEOUT_MS);
	err = err ?: mvgpu_dirty_start(&vm.h);
	err = err ?: mvgpu_dirty_bitmap(&vm.h, SYS_IOVA, SYS_LEN, bitmap);
	c = mvgpu_cmd_fill(SYS_VA + 0x3000, 0x2000, 0xabcdef01);
	err = err ?: mvgpu_ring_emit(&vm.r, &c);
	err = err ?: mvgpu_ring_fence_wait(&vm.r, TIMEOUT_MS);
	err = err ?: mvgpu_dirty_bitmap(&vm.h, SYS_IOVA, SYS_LEN, bitmap);
	if (!tap_ok(!err, "dirty: tracking on, the engine wrote guest RAM"))
		tap_diag("%s", mvgpu_errmsg());
	for (uint64_t p = 0; p < SYS_LEN / 4096; p++) {
		int d = !!(bitmap[p / 64] & (1ull << (p % 64)));
		int mapped = p >= 0x100 && p < 0x110;

		if (d != mapped) {
			tap_diag("page %" PRIu64 ": dirty %d, mapped on the GPU %d", p, d, mapped);
			ok = 0;
		}
	}
	tap_ok(ok, "dirty: exactly the pages the GPU can write are dirty (its pinned pages), written ones among them");
	c = mvgpu_cmd_unmap(SYS_VA, 0x10000);
	mvgpu_ring_emit(&vm.r, &c);
	err = mvgpu_ring_fence_wait(&vm.r, TIMEOUT_MS);
	/* Unpinned soon after the UNMAP; reported dirty once more, then clean. */
	for (int tries = 0; tries < 1000; tries++) {
		mvgpu_dirty_bitmap(&vm.h, SYS_IOVA, SYS_LEN, bitmap);
		ok = 1;
		for (unsigned int i = 0; i < SYS_LEN / 4096 / 64; i++)
			ok &= !bitmap[i];
		if (ok)
			break;
		usleep(10000);
	}
	tap_ok(!err && ok, "dirty: once unmapped from the GPU the pages are clean again");
	mvgpu_dirty_stop(&vm.h);
	vm_close(&vm, 0);
	return 0;
}

int main(int argc, char **argv)
{
	int hops = 3, rc = 1;

	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0) | 1;
		if (!strcmp(argv[i], "--hops"))
			hops = atoi(argv[i + 1]);
	}
	if (argc >= 4 && !strcmp(argv[1], "live"))
		rc = cmd_live(argv[2], argv[3], hops);
	else if (argc >= 3 && !strcmp(argv[1], "abort"))
		rc = cmd_abort(argv[2]);
	else if (argc >= 4 && !strcmp(argv[1], "fault"))
		rc = cmd_fault(argv[2], argv[3]);
	else if (argc >= 3 && !strcmp(argv[1], "states"))
		rc = cmd_states(argv[2]);
	else if (argc >= 3 && !strcmp(argv[1], "dirty"))
		rc = cmd_dirty(argv[2]);
	else
		fprintf(stderr, "usage: migrate live A B [--hops N] | abort A | fault A B | states A | dirty A [--seed X]\n");
	return rc || tap_failed ? 1 : 0;
}
