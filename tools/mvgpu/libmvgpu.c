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
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

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

int mvgpu_error(int err, const char *fmt, ...)
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

int mvgpu_bus_master(struct mvgpu_handle *h, int on)
{
	uint16_t cmd;
	int err = mvgpu_cfg_read(h, PCI_COMMAND, &cmd, 2);

	if (err)
		return err;
	cmd |= PCI_COMMAND_MEMORY;
	if (on)
		cmd |= PCI_COMMAND_MASTER;
	else
		cmd &= ~PCI_COMMAND_MASTER;
	return mvgpu_cfg_write(h, PCI_COMMAND, &cmd, 2);
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

/* The engine and its command ring */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Back off gently: spin on sched_yield() first, then sleep a little. */
static void poll_pause(unsigned int iter)
{
	if (iter < 64)
		sched_yield();
	else
		usleep(50);
}

static const char *const err_names[] = {
	[MVGPU_ERR_NONE] = "NONE",
	[MVGPU_ERR_BAD_COMMAND] = "BAD_COMMAND",
	[MVGPU_ERR_BAD_SIZE] = "BAD_SIZE",
	[MVGPU_ERR_PAGE_FAULT] = "PAGE_FAULT",
	[MVGPU_ERR_PERMISSION] = "PERMISSION",
	[MVGPU_ERR_BAD_MAP] = "BAD_MAP",
	[MVGPU_ERR_RING] = "RING",
	[MVGPU_ERR_TIMEOUT] = "TIMEOUT",
	[MVGPU_ERR_NO_MEMORY] = "NO_MEMORY",
	[MVGPU_ERR_BUS_MASTER] = "BUS_MASTER",
	[MVGPU_ERR_PRIVILEGED] = "PRIVILEGED",
	[MVGPU_ERR_BAD_CONTEXT] = "BAD_CONTEXT",
	[MVGPU_ERR_CONTEXT_LOST] = "CONTEXT_LOST",
};

static const char *const map_err_names[] = {
	[MVGPU_MAP_ERR_OVERLAP] = "overlap",
	[MVGPU_MAP_ERR_NOT_OWNED] = "not the vGPU's VRAM",
	[MVGPU_MAP_ERR_TABLES] = "page-table budget",
	[MVGPU_MAP_ERR_PIN] = "cannot pin",
	[MVGPU_MAP_ERR_PIN_LIMIT] = "pin limit",
};

static const char *const op_names[] = {
	[MVGPU_OP_NOP] = "NOP",
	[MVGPU_OP_FENCE] = "FENCE",
	[MVGPU_OP_FILL] = "FILL",
	[MVGPU_OP_COPY] = "COPY",
	[MVGPU_OP_KERNEL] = "KERNEL",
	[MVGPU_OP_SPIN] = "SPIN",
	[MVGPU_OP_TIMESTAMP] = "TIMESTAMP",
	[MVGPU_OP_MAP] = "MAP",
	[MVGPU_OP_UNMAP] = "UNMAP",
	[MVGPU_OP_WAIT] = "WAIT",
	[MVGPU_OP_CTX_CREATE] = "CTX_CREATE",
	[MVGPU_OP_CTX_DESTROY] = "CTX_DESTROY",
	[MVGPU_OP_CTX_PRIORITY] = "CTX_PRIORITY",
};

static const char *const ring_err_names[] = {
	[MVGPU_RING_ERR_BASE] = "RING_ERR_BASE",
	[MVGPU_RING_ERR_SIZE] = "RING_ERR_SIZE",
	[MVGPU_RING_ERR_TAIL] = "RING_ERR_TAIL",
};

#define NAME_OF(tab, i) \
	((i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] ? (tab)[i] : "?")

const char *mvgpu_err_name(uint32_t code)
{
	return NAME_OF(err_names, code);
}

const char *mvgpu_op_name(uint32_t opcode)
{
	return NAME_OF(op_names, opcode);
}

uint64_t mvgpu_vram_size(struct mvgpu_handle *h)
{
	return mvgpu_reg(h, MVGPU_REG_VRAM_SIZE_LO) |
	       (uint64_t)mvgpu_reg(h, MVGPU_REG_VRAM_SIZE_HI) << 32;
}

int mvgpu_engine_state(struct mvgpu_handle *h, struct mvgpu_engine_state *s)
{
	uint32_t lo = 0, hi = 0;
	int err;

	memset(s, 0, sizeof(*s));
	err = mvgpu_reg_read(h, MVGPU_REG_ENGINE_STATUS, &s->status);
	if (!err)
		err = mvgpu_reg_read(h, MVGPU_REG_ERROR_CODE, &s->code);
	if (!err)
		err = mvgpu_reg_read(h, MVGPU_REG_ERROR_INFO, &s->info);
	if (!err)
		err = mvgpu_reg_read(h, MVGPU_REG_FAULT_ADDR_LO, &lo);
	if (!err)
		err = mvgpu_reg_read(h, MVGPU_REG_FAULT_ADDR_HI, &hi);
	if (!err)
		err = mvgpu_reg_read(h, MVGPU_REG_RING_HEAD, &s->head);
	if (!err)
		err = mvgpu_reg_read(h, MVGPU_REG_CMDS_DONE, &s->cmds_done);
	if (!err)
		err = mvgpu_reg_read(h, MVGPU_REG_INT_STATUS, &s->int_status);
	s->fault_addr = (uint64_t)hi << 32 | lo;
	return err;
}

const char *mvgpu_engine_str(const struct mvgpu_engine_state *s, char *buf,
			     size_t len)
{
	static const char *const status[] = { "IDLE", "BUSY", "STOPPED" };
	const char *what = "";

	if (s->code == MVGPU_ERR_BAD_COMMAND || s->code == MVGPU_ERR_BAD_SIZE)
		what = mvgpu_op_name(s->info);
	else if (s->code == MVGPU_ERR_RING)
		what = NAME_OF(ring_err_names, s->info);
	else if (s->code == MVGPU_ERR_BAD_MAP && MVGPU_ERR_INFO_REASON(s->info))
		what = NAME_OF(map_err_names, MVGPU_ERR_INFO_REASON(s->info));
	snprintf(buf, len, "%s %s info 0x%x%s%s%s fault_addr 0x%llx head 0x%x",
		 NAME_OF(status, s->status), mvgpu_err_name(s->code), s->info,
		 *what ? " (" : "", what, *what ? ")" : "",
		 (unsigned long long)s->fault_addr, s->head);
	return buf;
}

/* The engine stopped: say why in the message, return -EIO. */
static int engine_stopped(struct mvgpu_handle *h)
{
	struct mvgpu_engine_state s;
	char buf[160];

	mvgpu_engine_state(h, &s);
	return fail(EIO, "engine stopped: %s",
		    mvgpu_engine_str(&s, buf, sizeof(buf)));
}

int mvgpu_engine_wait(struct mvgpu_handle *h, int timeout_ms)
{
	int64_t end = mono_ms() + timeout_ms;
	unsigned int i;
	uint32_t st;
	int err;

	for (i = 0;; i++) {
		err = mvgpu_reg_read(h, MVGPU_REG_ENGINE_STATUS, &st);
		if (err)
			return err;
		if (st == MVGPU_ENGINE_IDLE)
			return 0;
		if (st == MVGPU_ENGINE_STOPPED)
			return engine_stopped(h);
		if (mono_ms() > end)
			return fail(ETIMEDOUT, "engine still busy after %d ms",
				    timeout_ms);
		poll_pause(i);
	}
}

int mvgpu_engine_reset(struct mvgpu_handle *h)
{
	int err = mvgpu_reg_write(h, MVGPU_REG_RESET, MVGPU_RESET_ENGINE_MAGIC);

	if (!err)
		err = mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	return err;
}

int mvgpu_ring_init(struct mvgpu_ring *r, struct mvgpu_handle *h,
		    uint64_t ring_off, uint32_t size, uint64_t fence_off)
{
	int err;

	memset(r, 0, sizeof(*r));
	if (!h->vram)
		return fail(EINVAL, "ring: map the VRAM aperture first");
	if (size < MVGPU_RING_MIN_SIZE || size > MVGPU_RING_MAX_SIZE ||
	    (size & (size - 1)) || ring_off % MVGPU_CMD_SIZE ||
	    ring_off > h->vram_len || size > h->vram_len - ring_off)
		return fail(EINVAL, "ring: bad placement 0x%llx + 0x%x",
			    (unsigned long long)ring_off, size);
	if (fence_off % 8 || fence_off > h->vram_len - 8 ||
	    (fence_off + 8 > ring_off && fence_off < ring_off + size))
		return fail(EINVAL, "ring: bad fence offset 0x%llx",
			    (unsigned long long)fence_off);
	r->h = h;
	r->base = ring_off;
	r->size = size;
	r->fence_off = fence_off;
	*(volatile uint64_t *)((char *)h->vram + fence_off) = 0;
	err = mvgpu_reg_write(h, MVGPU_REG_RING_BASE_LO, (uint32_t)ring_off);
	if (!err)
		err = mvgpu_reg_write(h, MVGPU_REG_RING_BASE_HI,
				      (uint32_t)(ring_off >> 32));
	if (!err)
		err = mvgpu_reg_write(h, MVGPU_REG_RING_SIZE, size);
	if (!err)
		err = mvgpu_reg_read(h, MVGPU_REG_RING_HEAD, &r->head);
	if (err)
		return err;
	if (r->head >= size || r->head % MVGPU_CMD_SIZE)
		return fail(EIO, "ring: RING_HEAD 0x%x makes no sense", r->head);
	r->tail = r->head;
	return 0;
}

static uint32_t ring_room(const struct mvgpu_ring *r)
{
	uint32_t pending = (r->tail - r->head) & (r->size - 1);

	return (r->size - MVGPU_CMD_SIZE - pending) / MVGPU_CMD_SIZE;
}

int mvgpu_ring_emit(struct mvgpu_ring *r, const struct mvgpu_cmd *cmd)
{
	int err;

	if (!ring_room(r)) {
		err = mvgpu_reg_read(r->h, MVGPU_REG_RING_HEAD, &r->head);
		if (err)
			return err;
		if (!ring_room(r))
			return -ENOSPC;
	}
	memcpy((char *)r->h->vram + r->base + r->tail, cmd, sizeof(*cmd));
	r->tail = (r->tail + MVGPU_CMD_SIZE) & (r->size - 1);
	return 0;
}

int mvgpu_ring_kick(struct mvgpu_ring *r)
{
	/* The commands must be in memory before the engine hears of them. */
	__sync_synchronize();
	return mvgpu_reg_write(r->h, MVGPU_REG_DOORBELL, r->tail);
}

int mvgpu_ring_emit_wait(struct mvgpu_ring *r, const struct mvgpu_cmd *cmd,
			 int timeout_ms)
{
	int64_t end = mono_ms() + timeout_ms;
	unsigned int i;
	uint32_t st;
	int err;

	for (i = 0;; i++) {
		err = mvgpu_ring_emit(r, cmd);
		if (err != -ENOSPC)
			return err;
		if (i == 0) {
			err = mvgpu_ring_kick(r);
			if (err)
				return err;
		}
		err = mvgpu_reg_read(r->h, MVGPU_REG_ENGINE_STATUS, &st);
		if (err)
			return err;
		if (st == MVGPU_ENGINE_STOPPED)
			return engine_stopped(r->h);
		if (mono_ms() > end)
			return fail(ETIMEDOUT, "ring still full after %d ms (head 0x%x tail 0x%x)",
				    timeout_ms, r->head, r->tail);
		poll_pause(i);
	}
}

uint64_t mvgpu_ring_fence_value(struct mvgpu_ring *r)
{
	return *(volatile uint64_t *)((char *)r->h->vram + r->fence_off);
}

int mvgpu_ring_fence(struct mvgpu_ring *r, int irq, uint64_t *seq)
{
	struct mvgpu_cmd c = mvgpu_cmd_fence(r->fence_off, r->seq + 1,
					     irq ? MVGPU_CMD_FLAG_IRQ : 0);
	int err = mvgpu_ring_emit(r, &c);

	if (err == -ENOSPC)
		return fail(ENOSPC, "ring full: no room for a fence");
	if (err)
		return err;
	*seq = ++r->seq;
	return 0;
}

int mvgpu_ring_wait(struct mvgpu_ring *r, uint64_t seq, int timeout_ms)
{
	int64_t end = mono_ms() + timeout_ms;
	unsigned int i;
	uint32_t st;
	int err;

	for (i = 0;; i++) {
		if (mvgpu_ring_fence_value(r) >= seq)
			break;
		err = mvgpu_reg_read(r->h, MVGPU_REG_ENGINE_STATUS, &st);
		if (err)
			return err;
		if (st == MVGPU_ENGINE_STOPPED) {
			if (mvgpu_ring_fence_value(r) >= seq)
				break;
			return engine_stopped(r->h);
		}
		if (mono_ms() > end) {
			struct mvgpu_engine_state s;
			char buf[160];

			mvgpu_engine_state(r->h, &s);
			return fail(ETIMEDOUT, "fence %llu not reached after %d ms (fence %llu, tail 0x%x, %s)",
				    (unsigned long long)seq, timeout_ms,
				    (unsigned long long)mvgpu_ring_fence_value(r),
				    r->tail, mvgpu_engine_str(&s, buf, sizeof(buf)));
		}
		poll_pause(i);
	}
	__sync_synchronize();
	return 0;
}

int mvgpu_ring_fence_wait(struct mvgpu_ring *r, int timeout_ms)
{
	uint64_t seq = 0;
	int err;

	err = mvgpu_ring_fence(r, 0, &seq);
	if (err == -ENOSPC) {
		/* Make room first: wait for what is already queued. */
		struct mvgpu_cmd c = mvgpu_cmd_fence(r->fence_off, r->seq + 1, 0);

		err = mvgpu_ring_emit_wait(r, &c, timeout_ms);
		if (!err)
			seq = ++r->seq;
	}
	if (!err)
		err = mvgpu_ring_kick(r);
	if (!err)
		err = mvgpu_ring_wait(r, seq, timeout_ms);
	return err;
}

int mvgpu_ring_fence_wait_irq(struct mvgpu_ring *r, int efd, int timeout_ms)
{
	int64_t end = mono_ms() + timeout_ms;
	uint32_t st;
	uint64_t seq = 0;
	int err, got;

	err = mvgpu_ring_fence(r, 1, &seq);
	if (err == -ENOSPC) {
		/* Make room first, as mvgpu_ring_fence_wait() does. */
		struct mvgpu_cmd c = mvgpu_cmd_fence(r->fence_off, r->seq + 1,
						     MVGPU_CMD_FLAG_IRQ);

		err = mvgpu_ring_emit_wait(r, &c, timeout_ms);
		if (!err)
			seq = ++r->seq;
	}
	if (!err)
		err = mvgpu_ring_kick(r);
	if (err)
		return err;
	for (;;) {
		got = mvgpu_eventfd_wait(efd, 20, NULL);
		if (got < 0)
			return got;
		if (got)
			break;
		err = mvgpu_reg_read(r->h, MVGPU_REG_ENGINE_STATUS, &st);
		if (err)
			return err;
		if (st == MVGPU_ENGINE_STOPPED)
			return engine_stopped(r->h);
		if (mono_ms() > end)
			return fail(ETIMEDOUT, "no fence interrupt after %d ms (fence %llu of %llu, INT_STATUS 0x%x)",
				    timeout_ms,
				    (unsigned long long)mvgpu_ring_fence_value(r),
				    (unsigned long long)seq,
				    mvgpu_reg(r->h, MVGPU_REG_INT_STATUS));
	}
	__sync_synchronize();
	if (mvgpu_ring_fence_value(r) < seq)
		return fail(EIO, "fence interrupt before the fence value (%llu < %llu)",
			    (unsigned long long)mvgpu_ring_fence_value(r),
			    (unsigned long long)seq);
	return mvgpu_reg_write(r->h, MVGPU_REG_INT_ACK, MVGPU_INT_FENCE);
}

int mvgpu_dma_map(struct mvgpu_handle *h, void *vaddr, uint64_t iova,
		  uint64_t size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	if (ioctl(h->container, VFIO_IOMMU_MAP_DMA, &map))
		return fail(errno, "VFIO_IOMMU_MAP_DMA iova 0x%llx size 0x%llx: %s",
			    (unsigned long long)iova, (unsigned long long)size,
			    strerror(errno));
	return 0;
}

int mvgpu_dma_unmap(struct mvgpu_handle *h, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	if (ioctl(h->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return fail(errno, "VFIO_IOMMU_UNMAP_DMA iova 0x%llx size 0x%llx: %s",
			    (unsigned long long)iova, (unsigned long long)size,
			    strerror(errno));
	if (unmap.size != size)
		return fail(EIO, "VFIO_IOMMU_UNMAP_DMA unmapped 0x%llx of 0x%llx bytes",
			    (unsigned long long)unmap.size,
			    (unsigned long long)size);
	return 0;
}
