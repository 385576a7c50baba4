/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the migration tests share: a tenant "VM" (its vGPU handle, its
 * guest RAM mapped for DMA, its MSI eventfd) that moves from vGPU to vGPU
 * the way QEMU moves one, and a migration stream held in memory that the
 * hostile tests take apart and put together again with valid checksums.
 */
#ifndef MVGPU_MIG_COMMON_H
#define MVGPU_MIG_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../tools/mvgpu/libmvgpu.h"
#include "../../uapi/mvgpu_migration.h"
#include "tap.h"

#define TIMEOUT_MS	60000
#define RING_OFF	0x0ull
#define RING_SIZE	0x1000u
#define FENCE_OFF	0x10000ull
#define SYS_IOVA	(1ull << 32)
#define SYS_VA		(1ull << 36)
#define SYS_LEN		(4ull << 20)

/* A tenant VM: where its vGPU and its guest RAM are now. */
struct vm {
	struct mvgpu_handle h;
	struct mvgpu_ring r;
	uint8_t *vram;
	uint8_t *ram;		/* SYS_LEN bytes at SYS_IOVA, GPU VA SYS_VA */
	int efd;		/* MSI */
};

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline uint64_t xrand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static inline void *ram_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Open a vGPU for a VM whose RAM is ram (NULL: new RAM), map its BAR2,
 * map the RAM for DMA, arm MSI.  With fresh, the device is set up as a
 * guest driver does (bus mastering, engine reset, ring, the RAM mapped on
 * the GPU); without, it is a migration destination that the stream sets
 * up.
 */
static inline int vm_open(struct vm *vm, const char *uuid, uint8_t *ram,
			  int fresh)
{
	struct mvgpu_cmd c;
	int err;

	vm->efd = -1;
	vm->ram = ram ? ram : ram_alloc(SYS_LEN);
	if (!vm->ram)
		return mvgpu_error(ENOMEM, "no memory for guest RAM");
	err = mvgpu_open(&vm->h, uuid);
	if (err)
		return err;
	vm->vram = mvgpu_vram_map(&vm->h);
	if (!vm->vram)
		return -EIO;
	err = mvgpu_dma_map(&vm->h, vm->ram, SYS_IOVA, SYS_LEN);
	if (err)
		return err;
	vm->efd = eventfd(0, EFD_CLOEXEC);
	if (vm->efd < 0 || mvgpu_irq_arm(&vm->h, VFIO_PCI_MSI_IRQ_INDEX, vm->efd))
		return mvgpu_error(EIO, "cannot arm MSI: %s", mvgpu_errmsg());
	if (!fresh) {
		vm->r.h = &vm->h;
		return 0;
	}
	err = mvgpu_bus_master(&vm->h, 1);
	if (!err)
		err = mvgpu_engine_reset(&vm->h);
	if (!err)
		err = mvgpu_reg_write(&vm->h, MVGPU_REG_INT_MASK,
				      MVGPU_INT_FENCE | MVGPU_INT_ERROR);
	if (!err)
		err = mvgpu_ring_init(&vm->r, &vm->h, RING_OFF, RING_SIZE,
				      FENCE_OFF);
	c = mvgpu_cmd_map(SYS_VA, SYS_IOVA, SYS_LEN, MVGPU_MAP_SYSMEM |
			  MVGPU_MAP_READ | MVGPU_MAP_WRITE);
	if (!err)
		err = mvgpu_ring_emit(&vm->r, &c);
	if (!err)
		err = mvgpu_ring_fence_wait(&vm->r, TIMEOUT_MS);
	return err;
}

/* QEMU exits: the device closes (and is reset), the RAM stays if keep. */
static inline void vm_close(struct vm *vm, int keep_ram)
{
	if (vm->efd >= 0)
		close(vm->efd);
	mvgpu_close(&vm->h);
	if (!keep_ram && vm->ram)
		munmap(vm->ram, SYS_LEN);
	vm->efd = -1;
}

/* A stream in memory. */
struct stream {
	uint8_t *p;
	size_t len;
};

/* A stream's sections: where each starts (its header) and its type. */
struct sections {
	size_t off[1024];
	uint32_t type[1024];
	unsigned int n;
};

/* Index a stream (its layout, not its checksums); -1 if malformed. */
static inline int stream_index(const struct stream *s, struct sections *x)
{
	size_t off = sizeof(struct mvgpu_mig_header);

	x->n = 0;
	while (off + sizeof(struct mvgpu_mig_section) <= s->len && x->n < 1024) {
		const struct mvgpu_mig_section *sec = (const void *)(s->p + off);

		x->off[x->n] = off;
		x->type[x->n++] = sec->type;
		off += sizeof(*sec) + sec->len + 8;
		if (sec->type == MVGPU_MIG_SEC_END)
			break;
	}
	return off == s->len ? 0 : -1;
}

/* The payload of the first section of a type, or NULL. */
static inline void *stream_payload(const struct stream *s, uint32_t type,
				   uint64_t *len)
{
	struct sections x;
	unsigned int i;

	stream_index(s, &x);
	for (i = 0; i < x.n; i++) {
		struct mvgpu_mig_section *sec = (void *)(s->p + x.off[i]);

		if (sec->type == type) {
			if (len)
				*len = sec->len;
			return sec + 1;
		}
	}
	return NULL;
}

/* Make every checksum right again, after an edit (header included). */
static inline void stream_rechain(struct stream *s)
{
	struct mvgpu_mig_header *h = (void *)s->p;
	uint64_t chain;
	struct sections x;
	unsigned int i;

	h->sum = mvgpu_mig_sum(0, h, offsetof(struct mvgpu_mig_header, sum));
	chain = h->sum;
	stream_index(s, &x);
	for (i = 0; i < x.n; i++) {
		struct mvgpu_mig_section *sec = (void *)(s->p + x.off[i]);
		uint64_t *sum = (void *)((uint8_t *)(sec + 1) + sec->len);

		*sum = mvgpu_mig_sum(chain, sec, sizeof(*sec) + sec->len);
		chain = *sum;
	}
}

/* Replace bytes [off, off + old) with new bytes of another length. */
static inline void stream_splice(struct stream *s, size_t off, size_t old,
				 const void *new, size_t len)
{
	uint8_t *p = malloc(s->len - old + len);

	memcpy(p, s->p, off);
	memcpy(p + off, new, len);
	memcpy(p + off + len, s->p + off + old, s->len - off - old);
	free(s->p);
	s->p = p;
	s->len = s->len - old + len;
}

static inline struct stream stream_dup(const struct stream *s)
{
	struct stream d = { malloc(s->len), s->len };

	memcpy(d.p, s->p, s->len);
	return d;
}

/* Save a vGPU (left in STOP) into memory. */
static inline int stream_save(struct mvgpu_handle *h, struct stream *s)
{
	int fd = memfd_create("mvgpu-stream", MFD_CLOEXEC);
	uint64_t n = 0;
	int err;

	if (fd < 0)
		return mvgpu_error(errno, "memfd_create: %s", strerror(errno));
	err = mvgpu_mig_save(h, fd, &n);
	if (!err) {
		s->len = n;
		s->p = malloc(n);
		if (pread(fd, s->p, n, 0) != (ssize_t)n)
			err = mvgpu_error(EIO, "reading the stream back");
	}
	close(fd);
	return err;
}

/*
 * Resume a stream (written in chunks of chunk bytes) into a vGPU; leaves
 * it in STOP, or RUNNING if run.  0, or the first -errno: *where says
 * whether the write or the state change failed.
 */
static inline int stream_resume(struct mvgpu_handle *h, const struct stream *s,
				 size_t chunk, int run, const char **where)
{
	size_t off = 0;
	int fd, err;

	*where = "RESUMING";
	err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (err)
		return err;
	*where = "write";
	while (off < s->len) {
		size_t n = s->len - off < chunk ? s->len - off : chunk;
		ssize_t w = write(fd, s->p + off, n);

		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			mvgpu_error(-err, "write of the stream at %zu: %s", off,
				    strerror(-err));
			close(fd);
			return err;
		}
		off += w;
	}
	close(fd);
	*where = "RESUMING -> STOP";
	err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_STOP, NULL);
	if (!err && run) {
		*where = "STOP -> RUNNING";
		err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_RUNNING, NULL);
	}
	return err;
}

static inline uint32_t mig_state(struct mvgpu_handle *h)
{
	uint32_t st = ~0u;

	mvgpu_mig_get_state(h, &st);
	return st;
}

#endif
