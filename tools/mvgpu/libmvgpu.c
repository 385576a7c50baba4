// SPDX-License-Identifier: GPL-2.0
/*
 * libmvgpu: see libmvgpu.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmvgpu.h"

static char errbuf[512];

const char *mvgpu_errmsg(void)
{
	return errbuf;
}

static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -err;
}

static int valid_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return 0;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == '-' ? s[i] != '-' :
		    !strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	}
	return 1;
}

int mvgpu_open(struct mvgpu_handle *h, const char *uuid)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;
	int err;

	memset(h, 0, sizeof(*h));
	h->group = h->container = h->device = -1;
	if (!valid_uuid(uuid))
		return fail(EINVAL, "'%s' is not a UUID", uuid);
	snprintf(h->uuid, sizeof(h->uuid), "%s", uuid);

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/iommu_group",
		 uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return fail(errno == ENOENT ? ENODEV : errno,
			    "no vGPU %s (%s: %s)", uuid, path, strerror(errno));
	link[n] = '\0';
	h->iommu_group = atoi(basename(link));

	h->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (h->container < 0) {
		err = errno;
		goto out_fail_msg_container;
	}
	if (ioctl(h->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		err = fail(EPROTO, "unexpected VFIO API version");
		goto err_close;
	}
	if (ioctl(h->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		err = fail(ENOTSUP, "VFIO type1v2 IOMMU not supported (is vfio_iommu_type1 loaded?)");
		goto err_close;
	}

	snprintf(path, sizeof(path), "/dev/vfio/%d", h->iommu_group);
	h->group = open(path, O_RDWR | O_CLOEXEC);
	if (h->group < 0) {
		err = fail(errno, "cannot open %s: %s", path, strerror(errno));
		goto err_close;
	}
	if (ioctl(h->group, VFIO_GROUP_GET_STATUS, &status)) {
		err = fail(errno, "VFIO_GROUP_GET_STATUS: %s", strerror(errno));
		goto err_close;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		err = fail(EBUSY, "IOMMU group %d is not viable", h->iommu_group);
		goto err_close;
	}
	if (ioctl(h->group, VFIO_GROUP_SET_CONTAINER, &h->container)) {
		err = fail(errno, "VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
		goto err_close;
	}
	if (ioctl(h->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		err = fail(errno, "VFIO_SET_IOMMU: %s", strerror(errno));
		goto err_close;
	}
	h->device = ioctl(h->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (h->device < 0) {
		err = fail(errno, "cannot open vGPU %s: %s", uuid, strerror(errno));
		goto err_close;
	}
	for (unsigned int i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region_info *ri = &h->regions[i];

		ri->argsz = sizeof(*ri);
		ri->index = i;
		if (ioctl(h->device, VFIO_DEVICE_GET_REGION_INFO, ri)) {
			err = fail(errno, "VFIO_DEVICE_GET_REGION_INFO %u: %s",
				   i, strerror(errno));
			goto err_close;
		}
	}
	return 0;

out_fail_msg_container:
	err = fail(err, "cannot open /dev/vfio/vfio: %s", strerror(err));
err_close:
	mvgpu_close(h);
	return err;
}

void mvgpu_close(struct mvgpu_handle *h)
{
	mvgpu_vram_unmap(h);
	if (h->device >= 0)
		close(h->device);
	if (h->group >= 0)
		close(h->group);
	if (h->container >= 0)
		close(h->container);
	h->device = h->group = h->container = -1;
}

int mvgpu_device_info(struct mvgpu_handle *h, struct vfio_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (ioctl(h->device, VFIO_DEVICE_GET_INFO, info))
		return fail(errno, "VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	return 0;
}

ssize_t mvgpu_region_rw(struct mvgpu_handle *h, unsigned int index,
			uint64_t off, void *buf, size_t len, int write)
{
	off_t pos = (off_t)(((uint64_t)index << 40) + off);
	ssize_t n;

	if (index < VFIO_PCI_NUM_REGIONS && h->regions[index].offset)
		pos = (off_t)(h->regions[index].offset + off);
	n = write ? pwrite(h->device, buf, len, pos) :
		    pread(h->device, buf, len, pos);
	if (n < 0)
		return fail(errno, "%s region %u offset 0x%llx: %s",
			    write ? "write" : "read", index,
			    (unsigned long long)off, strerror(errno));
	return n;
}

static int region_all(struct mvgpu_handle *h, unsigned int index,
		      uint64_t off, void *buf, size_t len, int write)
{
	ssize_t n = mvgpu_region_rw(h, index, off, buf, len, write);

	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return fail(EIO, "short %s at region %u offset 0x%llx",
			    write ? "write" : "read", index,
			    (unsigned long long)off);
	return 0;
}

int mvgpu_cfg_read(struct mvgpu_handle *h, unsigned int off, void *buf,
		   size_t len)
{
	return region_all(h, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len, 0);
}

int mvgpu_cfg_write(struct mvgpu_handle *h, unsigned int off,
		    const void *buf, size_t len)
{
	return region_all(h, VFIO_PCI_CONFIG_REGION_INDEX, off, (void *)buf,
			  len, 1);
}

uint32_t mvgpu_cfg_read32(struct mvgpu_handle *h, unsigned int off)
{
	uint32_t v = ~0u;

	mvgpu_cfg_read(h, off, &v, 4);
	return v;
}

int mvgpu_reg_read(struct mvgpu_handle *h, uint32_t reg, uint32_t *val)
{
	return region_all(h, VFIO_PCI_BAR0_REGION_INDEX, reg, val, 4, 0);
}

int mvgpu_reg_write(struct mvgpu_handle *h, uint32_t reg, uint32_t val)
{
	return region_all(h, VFIO_PCI_BAR0_REGION_INDEX, reg, &val, 4, 1);
}

uint32_t mvgpu_reg(struct mvgpu_handle *h, uint32_t reg)
{
	uint32_t v = ~0u;

	mvgpu_reg_read(h, reg, &v);
	return v;
}

void *mvgpu_vram_map(struct mvgpu_handle *h)
{
	struct vfio_region_info *ri = &h->regions[VFIO_PCI_BAR2_REGION_INDEX];
	void *p;

	if (h->vram)
		return h->vram;
	if (!(ri->flags & VFIO_REGION_INFO_FLAG_MMAP) || !ri->size) {
		fail(ENOTSUP, "BAR2 cannot be mapped");
		return NULL;
	}
	p = mmap(NULL, ri->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 h->device, (off_t)ri->offset);
	if (p == MAP_FAILED) {
		fail(errno, "mmap of BAR2 (%llu bytes): %s",
		     (unsigned long long)ri->size, strerror(errno));
		return NULL;
	}
	h->vram = p;
	h->vram_len = ri->size;
	return p;
}

int mvgpu_vram_unmap(struct mvgpu_handle *h)
{
	if (h->vram && munmap(h->vram, h->vram_len))
		return fail(errno, "munmap: %s", strerror(errno));
	h->vram = NULL;
	h->vram_len = 0;
	return 0;
}

static int set_irqs(struct mvgpu_handle *h, unsigned int index,
		    uint32_t flags, uint32_t count, const void *data,
		    size_t data_len)
{
	char buf[sizeof(struct vfio_irq_set) + 8];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(*set) + data_len;
	set->flags = flags;
	set->index = index;
	set->start = 0;
	set->count = count;
	if (data_len)
		memcpy(set->data, data, data_len);
	if (ioctl(h->device, VFIO_DEVICE_SET_IRQS, set))
		return fail(errno, "VFIO_DEVICE_SET_IRQS index %u flags 0x%x: %s",
			    index, flags, strerror(errno));
	return 0;
}

int mvgpu_irq_arm(struct mvgpu_handle *h, unsigned int index, int efd)
{
	int32_t fd = efd;

	return set_irqs(h, index, VFIO_IRQ_SET_DATA_EVENTFD |
			VFIO_IRQ_SET_ACTION_TRIGGER, 1, &fd, sizeof(fd));
}

int mvgpu_irq_disarm(struct mvgpu_handle *h, unsigned int index)
{
	return set_irqs(h, index, VFIO_IRQ_SET_DATA_NONE |
			VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL, 0);
}

int mvgpu_irq_unmask(struct mvgpu_handle *h)
{
	return set_irqs(h, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_DATA_NONE |
			VFIO_IRQ_SET_ACTION_UNMASK, 1, NULL, 0);
}

int mvgpu_irq_fire(struct mvgpu_handle *h, unsigned int index)
{
	return set_irqs(h, index, VFIO_IRQ_SET_DATA_NONE |
			VFIO_IRQ_SET_ACTION_TRIGGER, 1, NULL, 0);
}

int mvgpu_eventfd_wait(int efd, int timeout_ms, uint64_t *count)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t c = 0;
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return fail(errno, "poll: %s", strerror(errno));
	if (n == 0)
		return 0;
	if (read(efd, &c, sizeof(c)) != sizeof(c))
		return fail(errno, "read eventfd: %s", strerror(errno));
	if (count)
		*count = c;
	return 1;
}

int mvgpu_reset(struct mvgpu_handle *h)
{
	if (ioctl(h->device, VFIO_DEVICE_RESET))
		return fail(errno, "VFIO_DEVICE_RESET: %s", strerror(errno));
	return 0;
}
