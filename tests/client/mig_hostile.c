// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile migration streams: a destination vGPU must refuse each one
 * cleanly (-EINVAL, ERROR, back with VFIO_DEVICE_RESET, nothing of it
 * left), and the vGPU the stream came from must not notice.  TAP output;
 * exit 1 on any failure.
 *
 *   mig_hostile SRC DST OTHER [--flips N] [--seed X]
 *
 * SRC and DST are vGPUs of one type, OTHER one of another.  A tenant on
 * SRC is stopped in the middle of a MATMUL; its stream, and a stream of
 * OTHER, are then resumed on DST: whole (accepted), cut at every section
 * boundary and inside sections, with N random bits flipped one at a time,
 * and edited with valid checksums to say what no source can (another
 * magic, version, type, backend, read-only config bits, registers and
 * ring pointers out of range, an in-flight command that fails validation
 * or used more engine time than any watchdog, a host answer to no request,
 * page-table runs outside the vGPU's VRAM or over guest memory not mapped
 * for DMA, overlapping runs, sections missing, repeated, unknown, data
 * after the end).  An unknown section marked optional is skipped.
 */
#include "mig_common.h"
#include "mig_try.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

static void cuts(const struct stream *good)
{
	static const char *const names[] = {
		"?", "CONFIG", "REGS", "IRQ", "RING", "CONTEXT", "GPT", "VRAM", "END",
		"CTX0", "CTX", "CTX_GPT",
	};
	struct stream t = *good;
	struct sections x;
	unsigned int i;

	stream_index(good, &x);
	t.len = 0;
	expect(&t, 0, "empty stream");
	t.len = sizeof(struct mvgpu_mig_header) - 1;
	expect(&t, 0, "cut inside the header");
	for (i = 0; i < x.n; i++) {
		const char *n = x.type[i] < 12 ? names[x.type[i]] : "?";

		t.len = x.off[i];
		expect(&t, 0, "cut before section %u (%s), at byte %zu", i, n, t.len);
		t.len = x.off[i] + sizeof(struct mvgpu_mig_section) / 2;
		expect(&t, 0, "cut inside the header of section %u (%s)", i, n);
		t.len = x.off[i] + sec_bytes(good, x.off[i]) - 8;
		expect(&t, 0, "cut before the checksum of section %u (%s)", i, n);
		t.len = x.off[i] + sec_bytes(good, x.off[i]) - 1;
		expect(&t, 0, "cut inside the checksum of section %u (%s)", i, n);
	}
}

static void flips(const struct stream *good, unsigned long n)
{
	size_t meta = sec_off(good, MVGPU_MIG_SEC_VRAM, 0);
	struct stream t = stream_dup(good);
	unsigned long bad = 0;
	char why[160];

	for (unsigned long i = 0; i < n; i++) {
		/* Half in the state before VRAM, half anywhere. */
		size_t bit = xrand(&seed) % ((i % 2 ? t.len : meta) * 8);

		t.p[bit / 8] ^= 1u << (bit % 8);
		if (!try(&t, 65536 + (i % 7) * 4096 + 8, 0, why, sizeof(why))) {
			if (bad++ < 5)
				tap_diag("bit %zu (byte %zu of %zu) flipped: %s",
					 bit, bit / 8, t.len, why);
		}
		t.p[bit / 8] ^= 1u << (bit % 8);
	}
	tap_ok(!bad, "%lu streams with one random bit flipped: every one refused (%lu not)",
	       n, bad);
	free(t.p);
}

static void edits(const struct stream *good, uint64_t vram_size,
		  const struct mvgpu_cmd *inflight)
{
	uint64_t len;

	EDIT(good, "another magic", h->magic ^= 1);
	/* Context 0 alone: version 1; version 2 carries other contexts. */
	EDIT(good, "stream version 2 with no context but 0", h->version = 2);
	EDIT(good, "stream version 3", h->version = 3);
	EDIT(good, "another header size", h->header_size += 8);
	EDIT(good, "a vGPU type of 1/8 claimed", h->type_divisor = 8);
	EDIT(good, "twice the VRAM claimed", h->vram_size = 2 * vram_size);
	EDIT(good, "another backend", memcpy(h->backend, "hardware GPU", 13));
	EDIT(good, "reserved header field set", h->reserved[1] = 1);
	EDIT(good, "read-only config byte (vendor ID) changed",
	     ((uint8_t *)sec_of(&e, MVGPU_MIG_SEC_CONFIG, &len))[0] ^= 0x10);
	EDIT(good, "INT_STATUS with a cause the device has not",
	     ((struct mvgpu_mig_regs *)sec_of(&e, MVGPU_MIG_SEC_REGS, &len))->int_status |= 0x80);
	EDIT(good, "ENGINE_STATUS 5",
	     ((struct mvgpu_mig_regs *)sec_of(&e, MVGPU_MIG_SEC_REGS, &len))->engine_status = 5);
	EDIT(good, "interrupt mode 3",
	     ((struct mvgpu_mig_irq *)sec_of(&e, MVGPU_MIG_SEC_IRQ, &len))->mode = 3);
	EDIT(good, "ring head not a command offset",
	     ((struct mvgpu_mig_ring *)sec_of(&e, MVGPU_MIG_SEC_RING, &len))->head += 8);
	EDIT(good, "ring tail beyond the ring",
	     ((struct mvgpu_mig_ring *)sec_of(&e, MVGPU_MIG_SEC_RING, &len))->tail = RING_SIZE);
	EDIT(good, "ring size not a power of two",
	     ((struct mvgpu_mig_regs *)sec_of(&e, MVGPU_MIG_SEC_REGS, &len))->ring_size = 0x1800);
	EDIT(good, "engine state longer than its section",
	     ((struct mvgpu_mig_context *)sec_of(&e, MVGPU_MIG_SEC_CONTEXT, &len))->len += 8);

	/*
	 * The in-flight command, found in the engine state by its bytes; the
	 * software GPU's state (struct mvgpu_sw_state) has after it the
	 * progress, the accumulator, the engine time used, the commands done
	 * and the host's answer (code, info, address).
	 */
	for (int k = 0; k < 5; k++) {
		struct stream e = stream_dup(good);
		uint8_t *c = sec_of(&e, MVGPU_MIG_SEC_CONTEXT, &len);
		struct mvgpu_cmd *cmd = memmem(c, len, inflight, sizeof(*inflight));
		uint64_t *after = cmd ? (uint64_t *)(cmd + 1) : NULL;
		static const char *const what[] = {
			"an in-flight MATMUL of 0 rows", "an in-flight command with opcode 0x55",
			"an in-flight MATMUL with a non-zero pad",
			"an in-flight MATMUL that used more engine time than any watchdog allows",
			"an answer from the host to a MATMUL that asked for none",
		};

		if (!tap_ok(cmd != NULL, "the in-flight MATMUL is in the engine state")) {
			free(e.p);
			break;
		}
		if (k == 0)
			cmd->kernel.m = 0;
		else if (k == 1)
			cmd->opcode = 0x55;
		else if (k == 2)
			cmd->kernel.pad1 = 1;
		else if (k == 3)
			after[2] = ~0ull;
		else
			after[4] = MVGPU_ERR_BAD_MAP;
		stream_rechain(&e);
		expect(&e, 0, "%s", what[k]);
		free(e.p);
	}

	EDIT(good, "page-table run over VRAM past this vGPU's quota", {
		struct mvgpu_mig_gpt_entry *g = sec_of(&e, MVGPU_MIG_SEC_GPT, &len);

		g[0].target = vram_size - 4096;
		g[0].size = 8192;
		g[0].flags = MVGPU_MAP_READ;
	});
	EDIT(good, "page-table run over guest memory not mapped for DMA", {
		struct mvgpu_mig_gpt_entry *g = sec_of(&e, MVGPU_MIG_SEC_GPT, &len);

		g[0].target = 1ull << 44;
		g[0].flags = MVGPU_MAP_READ | MVGPU_MAP_SYSMEM;
	});
	EDIT(good, "page-table run beyond the 40-bit VA space", {
		struct mvgpu_mig_gpt_entry *g = sec_of(&e, MVGPU_MIG_SEC_GPT, &len);

		g[0].va = (1ull << 40) - 4096;
	});
	EDIT(good, "page-table runs that overlap", {
		size_t off = sec_off(&e, MVGPU_MIG_SEC_GPT, 0);
		struct mvgpu_mig_section *sec = (void *)(e.p + off);
		struct mvgpu_mig_gpt_entry g = *(struct mvgpu_mig_gpt_entry *)(sec + 1);

		sec->len += sizeof(g);
		stream_splice(&e, off + sizeof(*sec), 0, &g, sizeof(g));
	});
	EDIT(good, "VRAM window beyond this vGPU's VRAM",
	     ((struct mvgpu_mig_vram *)sec_of(&e, MVGPU_MIG_SEC_VRAM, &len))->offset = vram_size);
	EDIT(good, "VRAM window with more pages in its bitmap than data",
	     ((struct mvgpu_mig_vram *)sec_of(&e, MVGPU_MIG_SEC_VRAM, &len))->bitmap[7] ^= 1ull << 63);
	EDIT(good, "END counting another section",
	     ((struct mvgpu_mig_end *)sec_of(&e, MVGPU_MIG_SEC_END, &len))->sections += 1);
	EDIT(good, "no GPT section", {
		size_t off = sec_off(&e, MVGPU_MIG_SEC_GPT, 0);

		stream_splice(&e, off, sec_bytes(&e, off), NULL, 0);
		((struct mvgpu_mig_end *)sec_of(&e, MVGPU_MIG_SEC_END, &len))->sections -= 1;
	});
	EDIT(good, "a second CONFIG section", {
		size_t off = sec_off(&e, MVGPU_MIG_SEC_CONFIG, 0);
		size_t n = sec_bytes(&e, off);
		uint8_t *copy = malloc(n);

		memcpy(copy, e.p + off, n);
		stream_splice(&e, off, 0, copy, n);
		free(copy);
		((struct mvgpu_mig_end *)sec_of(&e, MVGPU_MIG_SEC_END, &len))->sections += 1;
	});
	{
		/* Refused at its header: nothing is allocated for it. */
		struct stream e = stream_dup(good);
		size_t off = sec_off(&e, MVGPU_MIG_SEC_GPT, 0);

		((struct mvgpu_mig_section *)(e.p + off))->len = 1ull << 40;
		e.len = off + sizeof(struct mvgpu_mig_section) + 4096;
		expect(&e, 0, "a GPT section of 2^40 bytes");
		free(e.p);
	}
	for (int optional = 0; optional < 2; optional++) {
		struct {
			struct mvgpu_mig_section sec;
			uint64_t data[3];
			uint64_t sum;
		} x = { { 42, optional ? MVGPU_MIG_SEC_OPTIONAL : 0, 24 },
			{ 1, 2, 3 }, 0 };
		struct stream e = stream_dup(good);

		stream_splice(&e, sec_off(&e, MVGPU_MIG_SEC_END, 0), 0, &x, sizeof(x));
		((struct mvgpu_mig_end *)sec_of(&e, MVGPU_MIG_SEC_END, &len))->sections += 1;
		stream_rechain(&e);
		expect(&e, optional, "an unknown section (type 42)%s",
		       optional ? " marked optional" : "");
		free(e.p);
	}
	{
		struct stream e = stream_dup(good);
		uint64_t more = 0;

		stream_splice(&e, e.len, 0, &more, sizeof(more));
		expect(&e, 0, "data after END");
		free(e.p);
	}
}

/* A thread's write or reset, and how it ended. */
struct stuck {
	int fd;
	void *buf;
	ssize_t ret;
	int err;
	volatile int done;
};

static void *stuck_write(void *arg)
{
	struct stuck *w = arg;

	w->ret = write(w->fd, w->buf, 4096);
	w->err = errno;
	w->done = 1;
	return NULL;
}

static void *stuck_reset(void *arg)
{
	struct stuck *r = arg;

	r->ret = mvgpu_reset(&dst);
	r->done = 1;
	return NULL;
}

/*
 * A VMM writes the stream from a buffer whose page never arrives (a
 * userfaultfd region nobody serves, as a FUSE file whose daemon hangs
 * would be): the write waits, but VFIO_DEVICE_RESET from another thread
 * must not wait with it - the data file's lock is not held while the
 * VMM's memory faults in.  Once the region is let go, the write ends with
 * ENODEV (the reset ended the file).
 */
static void stuck_writer(const struct stream *good)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct stuck w = { .fd = -1 }, r = { 0 };
	pthread_t wt, rt;
	struct pollfd pfd;
	int uffd, faulted, i;
	void *p;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (unsigned long)p;
	reg.range.len = 4096;
	if (!tap_ok(uffd >= 0 && p != MAP_FAILED && !ioctl(uffd, UFFDIO_API, &api) &&
		    !ioctl(uffd, UFFDIO_REGISTER, &reg) &&
		    !mvgpu_mig_set_state(&dst, VFIO_DEVICE_STATE_RESUMING, &w.fd) &&
		    write(w.fd, good->p, 64) == 64,
		    "stuck writer: a userfaultfd region nobody serves, RESUMING")) {
		tap_diag("%s", strerror(errno));
		if (w.fd >= 0)
			close(w.fd);
		if (uffd >= 0)
			close(uffd);
		if (p != MAP_FAILED)
			munmap(p, 4096);
		mvgpu_reset(&dst);
		return;
	}
	w.buf = p;
	pthread_create(&wt, NULL, stuck_write, &w);
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	faulted = poll(&pfd, 1, TIMEOUT_MS) == 1;
	tap_ok(faulted && !w.done, "stuck writer: the write waits for its page");
	pthread_create(&rt, NULL, stuck_reset, &r);
	/* A liveness check, not a timing: the old code never returned. */
	for (i = 0; i < TIMEOUT_MS / 10 && !r.done; i++)
		usleep(10000);
	tap_ok(r.done && !r.ret && !w.done,
	       "stuck writer: VFIO_DEVICE_RESET returns while the write still waits");
	close(uffd);	/* the fault is resolved, the write goes on */
	pthread_join(wt, NULL);
	pthread_join(rt, NULL);
	tap_ok(w.ret < 0 && w.err == ENODEV &&
	       mig_state(&dst) == VFIO_DEVICE_STATE_RUNNING,
	       "stuck writer: the write then fails with ENODEV (%s), the device RUNNING",
	       w.ret < 0 ? strerror(w.err) : "no error");
	close(w.fd);
	munmap(p, 4096);
}

/* A stream of OTHER, a vGPU of another type. */
static int other_stream(const char *uuid, struct stream *s)
{
	struct mvgpu_handle h;
	int err = mvgpu_open(&h, uuid);

	if (!err)
		err = stream_save(&h, s);
	mvgpu_close(&h);
	return err;
}

int main(int argc, char **argv)
{
	unsigned long nflips = 1000;
	struct stream good = { 0 }, other = { 0 };
	uint64_t vram_size, gpt0, seq;
	uint32_t d = 128, fill;
	struct mvgpu_cmd mm;
	struct vm vm;
	uint8_t *ram2, *page;
	char why[160];
	int err;

	if (argc < 4) {
		fprintf(stderr, "usage: mig_hostile SRC DST OTHER [--flips N] [--seed X]\n");
		return 1;
	}
	for (int i = 4; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--flips"))
			nflips = strtoul(argv[i + 1], NULL, 0);
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0) | 1;
	}
	dst_uuid = argv[2];

	/* The source: stopped in the middle of a MATMUL. */
	memset(&vm, 0, sizeof(vm));
	err = vm_open(&vm, argv[1], NULL, 1);
	if (!tap_ok(!err, "tenant set up on %s", argv[1])) {
		tap_diag("%s", mvgpu_errmsg());
		return 1;
	}
	vram_size = vm.h.vram_len;
	for (uint64_t i = 0; i < 2 * d * d; i++)
		((uint32_t *)(vm.vram + 0x100000))[i] = (uint32_t)xrand(&seed);
	mm = mvgpu_cmd_matmul(0x100000, 0x100000 + 4 * d * d, 0x100000 + 8 * d * d,
			      d, d, d);
	fill = (uint32_t)xrand(&seed);
	err = mvgpu_ring_emit(&vm.r, &mm);
	mm = mvgpu_cmd_matmul(0x100000 + 8 * d * d, 0x100000 + 4 * d * d,
			      0x100000 + 12 * d * d, d, d, d);
	err = err ?: mvgpu_ring_emit(&vm.r, &mm);
	{
		struct mvgpu_cmd f = mvgpu_cmd_fill(SYS_VA, 4096, fill);

		err = err ?: mvgpu_ring_emit(&vm.r, &f);
	}
	err = err ?: mvgpu_ring_fence(&vm.r, 0, &seq);
	err = err ?: mvgpu_ring_kick(&vm.r);
	while (!err && mvgpu_reg(&vm.h, MVGPU_REG_CMDS_DONE) <
	       2 + 1 && mvgpu_reg(&vm.h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_BUSY)
		usleep(500);
	err = err ?: stream_save(&vm.h, &good);
	if (!tap_ok(!err, "stream of the source, stopped (%zu bytes)", good.len)) {
		tap_diag("%s", mvgpu_errmsg());
		return 1;
	}
	tap_ok(((struct mvgpu_mig_ring *)stream_payload(&good, MVGPU_MIG_SEC_RING, NULL))->busy,
	       "a command was in flight");
	err = other_stream(argv[3], &other);
	tap_ok(!err, "stream of a vGPU of another type (%zu bytes)", other.len);

	/* The destination: its own QEMU, guest RAM copied and mapped. */
	ram2 = ram_alloc(SYS_LEN);
	memcpy(ram2, vm.ram, SYS_LEN);
	err = mvgpu_open(&dst, dst_uuid);
	err = err ?: mvgpu_dma_map(&dst, ram2, SYS_IOVA, SYS_LEN);
	if (!tap_ok(!err, "destination %s opened, guest RAM mapped", dst_uuid))
		return 1;
	gpt0 = sysfs_u64(dst_uuid, "gpt_bytes");

	/* The stream as it came: taken, with VRAM exact. */
	err = stream_resume(&dst, &good, 4097, 0, &(const char *){ "" });
	page = malloc(8 * d * d);
	tap_ok(!err && mvgpu_region_rw(&dst, VFIO_PCI_BAR2_REGION_INDEX, 0x100000,
				       page, 8 * d * d, 0) == 8 * d * d &&
	       !memcmp(page, vm.vram + 0x100000, 8 * d * d),
	       "the stream as the source wrote it is taken, VRAM exact");
	free(page);
	mvgpu_reset(&dst);
	tap_ok(try(&good, 1, 1, why, sizeof(why)), "written a byte at a time: accepted");
	tap_ok(try(&good, 0, 1, why, sizeof(why)), "written in random pieces: accepted");

	expect(&other, 0, "a stream of a vGPU of another type");
	cuts(&good);
	edits(&good, vram_size, &mm);
	flips(&good, nflips);
	stuck_writer(&good);

	/* Nothing of a refused stream stays; the destination works. */
	tap_ok(sysfs_u64(dst_uuid, "vram_used_bytes") == 0 &&
	       sysfs_u64(dst_uuid, "gpt_bytes") == gpt0,
	       "after %lu refusals the destination holds no VRAM and its page table is back to %llu bytes",
	       refusals, (unsigned long long)gpt0);
	mvgpu_dma_unmap(&dst, SYS_IOVA, SYS_LEN);
	mvgpu_close(&dst);

	/* The source never noticed: it goes on, exact. */
	err = mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_RUNNING, NULL);
	err = err ?: mvgpu_ring_wait(&vm.r, seq, TIMEOUT_MS);
	{
		uint32_t *a = (uint32_t *)(vm.vram + 0x100000), *b = a + d * d;
		uint32_t *c1 = b + d * d, *c2 = c1 + d * d, bad = 0;

		for (uint32_t i = 0; i < d && !err; i++)
			for (uint32_t j = 0; j < d; j++) {
				uint32_t x = 0, y = 0;

				for (uint32_t k = 0; k < d; k++)
					x += a[i * d + k] * b[k * d + j];
				bad |= x != c1[i * d + j];
				for (uint32_t k = 0; k < d; k++)
					y += c1[i * d + k] * b[k * d + j];
				bad |= y != c2[i * d + j];
			}
		bad |= ((uint32_t *)vm.ram)[100] != fill;
		tap_ok(!err && !bad, "the source goes on and its results are exact");
	}
	vm_close(&vm, 0);
	free(good.p);
	free(other.p);
	munmap(ram2, SYS_LEN);
	return tap_failed ? 1 : 0;
}
