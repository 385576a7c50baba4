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
#include <sys/ioctl.h>
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
	return 0;

out_fail_msg_container:
	err = fail(err, "cannot open /dev/vfio/vfio: %s", strerror(err));
err_close:
	mvgpu_close(h);
	return err;
}

void mvgpu_close(struct mvgpu_handle *h)
{
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
