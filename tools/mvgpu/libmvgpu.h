/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmvgpu: open an mvgpu vGPU through VFIO the way QEMU does
 * (group -> container -> type1 IOMMU -> device fd) and drive it.
 */
#ifndef LIBMVGPU_H
#define LIBMVGPU_H

#include <linux/vfio.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../uapi/mvgpu.h"

struct mvgpu_handle {
	char uuid[64];
	int group;		/* /dev/vfio/N */
	int container;		/* /dev/vfio/vfio */
	int device;		/* the vGPU's device fd */
	int iommu_group;	/* N */
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
	void *vram;		/* BAR2 mapping, from mvgpu_vram_map() */
	size_t vram_len;
};

/*
 * Every function returns 0 or a negative errno and, on error, leaves a
 * human-readable message in mvgpu_errmsg().
 */
int mvgpu_open(struct mvgpu_handle *h, const char *uuid);
void mvgpu_close(struct mvgpu_handle *h);
int mvgpu_device_info(struct mvgpu_handle *h, struct vfio_device_info *info);
const char *mvgpu_errmsg(void);
/* Leave a message for mvgpu_errmsg() and return -err (for helpers). */
int mvgpu_error(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Raw region access: returns bytes done or -errno (no message on -EINVAL). */
ssize_t mvgpu_region_rw(struct mvgpu_handle *h, unsigned int index,
			uint64_t off, void *buf, size_t len, int write);
int mvgpu_cfg_read(struct mvgpu_handle *h, unsigned int off, void *buf,
		   size_t len);
int mvgpu_cfg_write(struct mvgpu_handle *h, unsigned int off,
		    const void *buf, size_t len);
uint32_t mvgpu_cfg_read32(struct mvgpu_handle *h, unsigned int off);
/*
 * Enable memory decoding and, if on, bus mastering (else turn it off), as
 * a guest driver does before the device may DMA or send MSIs.
 */
int mvgpu_bus_master(struct mvgpu_handle *h, int on);
int mvgpu_reg_read(struct mvgpu_handle *h, uint32_t reg, uint32_t *val);
int mvgpu_reg_write(struct mvgpu_handle *h, uint32_t reg, uint32_t val);
uint32_t mvgpu_reg(struct mvgpu_handle *h, uint32_t reg);	/* ~0 on error */

/* The VRAM aperture (BAR2), mapped whole and shared. */
void *mvgpu_vram_map(struct mvgpu_handle *h);
int mvgpu_vram_unmap(struct mvgpu_handle *h);

/* Interrupts: arm an eventfd on VFIO_PCI_{INTX,MSI,REQ}_IRQ_INDEX. */
int mvgpu_irq_arm(struct mvgpu_handle *h, unsigned int index, int efd);
int mvgpu_irq_disarm(struct mvgpu_handle *h, unsigned int index);
int mvgpu_irq_unmask(struct mvgpu_handle *h);
int mvgpu_irq_fire(struct mvgpu_handle *h, unsigned int index);
/* Wait for an eventfd: 1 if signalled (count consumed), 0 on timeout. */
int mvgpu_eventfd_wait(int efd, int timeout_ms, uint64_t *count);

int mvgpu_reset(struct mvgpu_handle *h);

/*
 * The engine: a command ring in the vGPU's own VRAM (see DOC: Command ring
 * in uapi/mvgpu.h).  After a reset GPU VA [0, VRAM size) maps VRAM one to
 * one, so the ring's and the fence's VRAM offsets are also their GPU VAs;
 * the CPU writes commands and reads fences through the mmap'd aperture,
 * which mvgpu_vram_map() must have set up.
 */
struct mvgpu_ring {
	struct mvgpu_handle *h;
	uint64_t base;		/* VRAM offset (= GPU VA) of the ring */
	uint32_t size;		/* bytes, a power of two */
	uint32_t tail;		/* where the next command goes */
	uint32_t head;		/* RING_HEAD as last read */
	uint64_t fence_off;	/* VRAM offset (= GPU VA) of the fence u64 */
	uint64_t seq;		/* value of the last fence emitted */
};

/* The engine's registers at one moment, for reports. */
struct mvgpu_engine_state {
	uint32_t status;	/* MVGPU_ENGINE_* */
	uint32_t code;		/* MVGPU_ERR_* */
	uint32_t info;
	uint64_t fault_addr;
	uint32_t head;
	uint32_t cmds_done;
	uint32_t int_status;
};

/*
 * Ring setup: zero the fence, write RING_BASE and RING_SIZE (latched by the
 * first doorbell after a reset, so call it after each engine reset).
 */
int mvgpu_ring_init(struct mvgpu_ring *r, struct mvgpu_handle *h,
		    uint64_t ring_off, uint32_t size, uint64_t fence_off);
/* Copy one command into the ring; -ENOSPC when the ring is full. */
int mvgpu_ring_emit(struct mvgpu_ring *r, const struct mvgpu_cmd *cmd);
/* Same, but on a full ring kick and wait for room (-ETIMEDOUT, -EIO). */
int mvgpu_ring_emit_wait(struct mvgpu_ring *r, const struct mvgpu_cmd *cmd,
			 int timeout_ms);
/* Write the tail to DOORBELL. */
int mvgpu_ring_kick(struct mvgpu_ring *r);
/* Emit a FENCE with the next value (and FLAG_IRQ if irq); *seq = its value. */
int mvgpu_ring_fence(struct mvgpu_ring *r, int irq, uint64_t *seq);
/*
 * Poll the fence in VRAM until it reaches seq: 0, -ETIMEDOUT, or -EIO when
 * the engine stopped (the message names ERROR_CODE, ERROR_INFO and
 * FAULT_ADDR).
 */
int mvgpu_ring_wait(struct mvgpu_ring *r, uint64_t seq, int timeout_ms);
/* Fence, kick and wait: everything emitted so far has completed. */
int mvgpu_ring_fence_wait(struct mvgpu_ring *r, int timeout_ms);
/*
 * The same with FLAG_IRQ, waiting for the MSI or INTx eventfd efd (armed by
 * the caller, MVGPU_INT_FENCE enabled in INT_MASK); acknowledges the cause.
 */
int mvgpu_ring_fence_wait_irq(struct mvgpu_ring *r, int efd, int timeout_ms);
/* The fence's current value. */
uint64_t mvgpu_ring_fence_value(struct mvgpu_ring *r);

int mvgpu_engine_state(struct mvgpu_handle *h, struct mvgpu_engine_state *s);
/* Wait while the engine is BUSY: 0 once IDLE, -EIO if STOPPED, -ETIMEDOUT. */
int mvgpu_engine_wait(struct mvgpu_handle *h, int timeout_ms);
/* RESET with MVGPU_RESET_ENGINE_MAGIC (VRAM kept), then acknowledge all. */
int mvgpu_engine_reset(struct mvgpu_handle *h);
uint64_t mvgpu_vram_size(struct mvgpu_handle *h);

const char *mvgpu_err_name(uint32_t code);	/* "PAGE_FAULT", ... */
const char *mvgpu_op_name(uint32_t opcode);	/* "FILL", ... */
/* "PAGE_FAULT info 0x3 (COPY) fault_addr 0x... head 0x..." */
const char *mvgpu_engine_str(const struct mvgpu_engine_state *s, char *buf,
			     size_t len);

/* Guest memory for the GPU: VFIO_IOMMU_{MAP,UNMAP}_DMA on the container. */
int mvgpu_dma_map(struct mvgpu_handle *h, void *vaddr, uint64_t iova,
		  uint64_t size);
int mvgpu_dma_unmap(struct mvgpu_handle *h, uint64_t iova, uint64_t size);

/*
 * Live migration (libmvgpu_mig.c): VFIO migration protocol v2, driven as
 * QEMU >= 8.0 drives it.  States are enum vfio_device_mig_state
 * (VFIO_DEVICE_STATE_*).
 */
/* VFIO_DEVICE_FEATURE_MIGRATION: the VFIO_MIGRATION_* flags. */
int mvgpu_mig_flags(struct mvgpu_handle *h, uint64_t *flags);
int mvgpu_mig_get_state(struct mvgpu_handle *h, uint32_t *state);
/*
 * Set the state (the kernel steps through the states between); *data_fd,
 * if not NULL, gets the data file of STOP_COPY or RESUMING, else -1.
 * Returns 0 or -errno (the state may then be any on the way, or ERROR).
 */
int mvgpu_mig_set_state(struct mvgpu_handle *h, uint32_t state, int *data_fd);
/*
 * The source's side, as QEMU does it when the VM has stopped: STOP,
 * STOP_COPY, read the data file to EOF writing everything to out_fd, STOP.
 * *bytes (if not NULL) gets the stream's length.
 */
int mvgpu_mig_save(struct mvgpu_handle *h, int out_fd, uint64_t *bytes);
/*
 * The destination's side: RESUMING, copy in_fd to the data file until EOF
 * (in chunks of chunk bytes, 0 for 1 MiB), then STOP and, if run, RUNNING.
 */
int mvgpu_mig_resume(struct mvgpu_handle *h, int in_fd, size_t chunk, int run,
		     uint64_t *bytes);
/* The stream's checksum (uapi/mvgpu_migration.h), for tools that build streams. */
uint64_t mvgpu_mig_sum(uint64_t seed, const void *buf, size_t len);
/* VFIO_IOMMU_DIRTY_PAGES on the handle's container. */
int mvgpu_dirty_start(struct mvgpu_handle *h);
int mvgpu_dirty_stop(struct mvgpu_handle *h);
/* Bits for the 4 KiB pages of [iova, iova + size), which must be whole DMA mappings. */
int mvgpu_dirty_bitmap(struct mvgpu_handle *h, uint64_t iova, uint64_t size,
		       uint64_t *bitmap);

/* Command builders: every field the opcode does not use is zero. */
static inline struct mvgpu_cmd mvgpu_cmd_nop(void)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_NOP };
}

static inline struct mvgpu_cmd mvgpu_cmd_fence(uint64_t addr, uint64_t value,
					       uint32_t flags)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_FENCE, .flags = flags,
		.fence = { .addr = addr, .value = value } };
}

static inline struct mvgpu_cmd mvgpu_cmd_fill(uint64_t dst, uint64_t size,
					      uint32_t value)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_FILL,
		.fill = { .dst = dst, .size = size, .value = value } };
}

static inline struct mvgpu_cmd mvgpu_cmd_copy(uint64_t dst, uint64_t src,
					      uint64_t size)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_COPY,
		.copy = { .dst = dst, .src = src, .size = size } };
}

static inline struct mvgpu_cmd mvgpu_cmd_vadd(uint64_t a, uint64_t b,
					      uint64_t c, uint32_t n)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_KERNEL,
		.kernel = { .kind = MVGPU_KERNEL_VADD, .a = a, .b = b, .c = c,
			    .n = n } };
}

/* c[m][n] = a[m][k] * b[k][n] */
static inline struct mvgpu_cmd mvgpu_cmd_matmul(uint64_t a, uint64_t b,
						uint64_t c, uint32_t m,
						uint32_t n, uint32_t k)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_KERNEL,
		.kernel = { .kind = MVGPU_KERNEL_MATMUL, .a = a, .b = b, .c = c,
			    .m = m, .n = n, .k = k } };
}

static inline struct mvgpu_cmd mvgpu_cmd_reduce(uint64_t a, uint64_t c,
						uint32_t n)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_KERNEL,
		.kernel = { .kind = MVGPU_KERNEL_REDUCE, .a = a, .c = c,
			    .n = n } };
}

static inline struct mvgpu_cmd mvgpu_cmd_spin(uint32_t usecs)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_SPIN,
		.spin = { .usecs = usecs } };
}

static inline struct mvgpu_cmd mvgpu_cmd_timestamp(uint64_t dst)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_TIMESTAMP,
		.timestamp = { .dst = dst } };
}

static inline struct mvgpu_cmd mvgpu_cmd_map(uint64_t va, uint64_t target,
					     uint64_t size, uint32_t map_flags)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_MAP,
		.map = { .va = va, .target = target, .size = size,
			 .map_flags = map_flags } };
}

static inline struct mvgpu_cmd mvgpu_cmd_unmap(uint64_t va, uint64_t size)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_UNMAP,
		.unmap = { .va = va, .size = size } };
}

/* MAP and UNMAP of context @ctx's page table, from context 0 (uapi 0.4) */
static inline struct mvgpu_cmd mvgpu_cmd_map_ctx(uint32_t ctx, uint64_t va,
						 uint64_t target, uint64_t size,
						 uint32_t map_flags)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_MAP,
		.map = { .va = va, .target = target, .size = size,
			 .map_flags = map_flags, .ctx = ctx } };
}

static inline struct mvgpu_cmd mvgpu_cmd_unmap_ctx(uint32_t ctx, uint64_t va,
						   uint64_t size)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_UNMAP,
		.unmap = { .va = va, .size = size, .ctx = ctx } };
}

/* CTX_CREATE, CTX_DESTROY, CTX_PRIORITY (uapi 0.4) */
static inline struct mvgpu_cmd mvgpu_cmd_context(uint32_t opcode, uint32_t ctx,
						 uint32_t prio)
{
	return (struct mvgpu_cmd){ .opcode = opcode,
		.context = { .ctx = ctx, .prio = prio } };
}

static inline struct mvgpu_cmd mvgpu_cmd_wait(uint64_t addr, uint64_t value)
{
	return (struct mvgpu_cmd){ .opcode = MVGPU_OP_WAIT,
		.wait = { .addr = addr, .value = value } };
}

#endif
