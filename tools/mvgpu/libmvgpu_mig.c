// SPDX-License-Identifier: GPL-2.0
/*
 * libmvgpu: live migration through VFIO migration protocol v2, the way
 * QEMU >= 8.0 drives it (hw/vfio/migration.c): the source stops the
 * device, moves it to STOP_COPY and reads the data file to EOF; the
 * destination moves its device to RESUMING, writes the stream, then STOP
 * and RUNNING.  See libmvgpu.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libmvgpu.h"

#define MIG_CHUNK	(1u << 20)	/* QEMU's VFIO_MIG_DEFAULT_DATA_BUFFER_SIZE */

static const char *state_name(uint32_t s)
{
	static const char *const names[] = {
		"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING",
		"RUNNING_P2P",
	};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int feature(struct mvgpu_handle *h, uint32_t flags, void *data,
		   size_t len)
{
	uint64_t buf[(sizeof(struct vfio_device_feature) + 64) / 8] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;

	f->argsz = sizeof(*f) + len;
	f->flags = flags;
	memcpy(f->data, data, len);
	if (ioctl(h->device, VFIO_DEVICE_FEATURE, f))
		return -errno;
	memcpy(data, f->data, len);
	return 0;
}

int mvgpu_mig_flags(struct mvgpu_handle *h, uint64_t *flags)
{
	struct vfio_device_feature_migration m = { 0 };
	int err = feature(h, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIGRATION, &m, sizeof(m));

	if (err)
		return mvgpu_error(-err, "VFIO_DEVICE_FEATURE_MIGRATION: %s",
				   strerror(-err));
	*flags = m.flags;
	return 0;
}

int mvgpu_mig_get_state(struct mvgpu_handle *h, uint32_t *state)
{
	struct vfio_device_feature_mig_state m = { 0 };
	int err = feature(h, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &m, sizeof(m));

	if (err)
		return mvgpu_error(-err, "get migration state: %s",
				   strerror(-err));
	*state = m.device_state;
	return 0;
}

int mvgpu_mig_set_state(struct mvgpu_handle *h, uint32_t state, int *data_fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = state };
	int err = feature(h, VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &m, sizeof(m));

	if (data_fd)
		*data_fd = err ? -1 : m.data_fd;
	else if (!err && m.data_fd >= 0)
		close(m.data_fd);
	if (err)
		return mvgpu_error(-err, "set migration state %s: %s",
				   state_name(state), strerror(-err));
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Copy @in to @out through a buffer of @chunk bytes until @in ends; *@total
 * counts the bytes.  @what_in and @what_out name the two ends in errors.
 */
static int mig_pump(int in, int out, size_t chunk, const char *what_in,
		    const char *what_out, uint64_t *total)
{
	char *buf = malloc(chunk);
	int err = 0;

	if (!buf)
		return mvgpu_error(ENOMEM, "no memory for a data buffer");
	for (;;) {
		ssize_t n = read(in, buf, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = mvgpu_error(errno, "%s: %s", what_in, strerror(errno));
			break;
		}
		if (!n)
			break;
		err = write_all(out, buf, n);
		if (err) {
			mvgpu_error(-err, "%s: %s", what_out, strerror(-err));
			break;
		}
		*total += n;
	}
	free(buf);
	return err;
}

int mvgpu_mig_save(struct mvgpu_handle *h, int out_fd, uint64_t *bytes)
{
	uint64_t total = 0;
	int fd, err;

	err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_STOP, NULL);
	if (!err)
		err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	if (err)
		return err;
	err = mig_pump(fd, out_fd, MIG_CHUNK, "read of the migration data file",
		       "writing the stream out", &total);
	close(fd);
	if (!err)
		err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_STOP, NULL);
	if (bytes)
		*bytes = total;
	return err;
}

int mvgpu_mig_resume(struct mvgpu_handle *h, int in_fd, size_t chunk, int run,
		     uint64_t *bytes)
{
	uint64_t total = 0;
	int fd, err;

	err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (err)
		return err;
	err = mig_pump(in_fd, fd, chunk ? chunk : MIG_CHUNK,
		       "reading the stream in", "write of the migration data file",
		       &total);
	close(fd);
	if (!err)
		err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_STOP, NULL);
	if (!err && run)
		err = mvgpu_mig_set_state(h, VFIO_DEVICE_STATE_RUNNING, NULL);
	if (bytes)
		*bytes = total;
	return err;
}

#define P1	0x9e3779b185ebca87ull
#define P2	0xc2b2ae3d27d4eb4full
#define P3	0x165667b19e3779f9ull

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

uint64_t mvgpu_mig_sum(uint64_t seed, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t lane[4], h;
	size_t i, n = len / 8;

	for (i = 0; i < 4; i++)
		lane[i] = seed + (i + 1) * P1;
	for (i = 0; i < n; i++) {
		uint64_t w = 0;
		int b;

		for (b = 7; b >= 0; b--)	/* little endian, any host */
			w = w << 8 | p[8 * i + b];
		lane[i % 4] = rotl(lane[i % 4] + w * P2, 31) * P1;
	}
	h = rotl(lane[0], 1) + rotl(lane[1], 7) + rotl(lane[2], 12) +
	    rotl(lane[3], 18) + 8 * (uint64_t)n;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

static int dirty(struct mvgpu_handle *h, uint32_t flag, const char *what)
{
	struct vfio_iommu_type1_dirty_bitmap d = {
		.argsz = sizeof(d), .flags = flag,
	};

	if (ioctl(h->container, VFIO_IOMMU_DIRTY_PAGES, &d))
		return mvgpu_error(errno, "VFIO_IOMMU_DIRTY_PAGES %s: %s", what,
				   strerror(errno));
	return 0;
}

int mvgpu_dirty_start(struct mvgpu_handle *h)
{
	return dirty(h, VFIO_IOMMU_DIRTY_PAGES_FLAG_START, "start");
}

int mvgpu_dirty_stop(struct mvgpu_handle *h)
{
	return dirty(h, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP, "stop");
}

int mvgpu_dirty_bitmap(struct mvgpu_handle *h, uint64_t iova, uint64_t size,
		       uint64_t *bitmap)
{
	uint64_t buf[(sizeof(struct vfio_iommu_type1_dirty_bitmap) +
		      sizeof(struct vfio_iommu_type1_dirty_bitmap_get)) / 8 + 1];
	struct vfio_iommu_type1_dirty_bitmap *d = (void *)buf;
	struct vfio_iommu_type1_dirty_bitmap_get *g = (void *)d->data;
	uint64_t pages = size / 4096;

	memset(buf, 0, sizeof(buf));
	memset(bitmap, 0, (pages + 63) / 64 * 8);
	d->argsz = sizeof(*d) + sizeof(*g);
	d->flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	g->iova = iova;
	g->size = size;
	g->bitmap.pgsize = 4096;
	g->bitmap.size = (pages + 63) / 64 * 8;
	g->bitmap.data = (__u64 *)bitmap;
	if (ioctl(h->container, VFIO_IOMMU_DIRTY_PAGES, d))
		return mvgpu_error(errno, "VFIO_IOMMU_DIRTY_PAGES get bitmap: %s",
				   strerror(errno));
	return 0;
}
