// SPDX-License-Identifier: GPL-2.0
/*
 * The BAR0 register file: decoding and the registers' own semantics.  Side
 * effects beyond the register file (interrupt delivery, reset, the engine)
 * are returned as MVGPU_MMIO_ACT_* for the caller to carry out, so this file
 * is pure and KUnit drives it directly.
 */

#include <kunit/visibility.h>
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "uapi/mvgpu.h"

#include "mmio.h"

/* The causes a context other than 0 raises in its window. */
#define MVGPU_CTX_INT_ALL	(MVGPU_INT_FENCE | MVGPU_INT_ERROR)

/**
 * mvgpu_mmio_init() - registers at power-on
 * @m: the register file
 * @vgpu_id: the vGPU's id
 * @vram_size: its VRAM in bytes
 * @num_engines: engines of its GPU
 * @watchdog_ms: the engine watchdog's limit
 * @num_contexts: its contexts, context 0 included (1..MVGPU_CTX_MAX)
 *
 * Context: any.
 */
void mvgpu_mmio_init(struct mvgpu_mmio *m, u32 vgpu_id, u64 vram_size,
		     u32 num_engines, u32 watchdog_ms, u32 num_contexts)
{
	memset(m, 0, sizeof(*m));
	m->vgpu_id = vgpu_id;
	m->vram_size = vram_size;
	m->num_engines = num_engines;
	m->watchdog_ms = watchdog_ms;
	m->num_contexts = clamp_t(u32, num_contexts, 1, MVGPU_CTX_MAX);
	m->ctx[0].exists = true;
	m->ctx[0].prio = MVGPU_CTX_PRIO_HIGH;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_init);

/**
 * mvgpu_mmio_ctx_reset() - a context's registers at its reset
 * @m: the register file
 * @n: the context
 *
 * The ring registers, RING_HEAD, STATUS, the doorbell, the error and
 * interrupt-status registers; SEQNO, ENGINE_NS, INT_MASK and PRIORITY
 * stay (DOC: Contexts).
 *
 * Context: any; caller holds the vGPU's irq_lock.
 */
void mvgpu_mmio_ctx_reset(struct mvgpu_mmio *m, unsigned int n)
{
	struct mvgpu_ctx_regs *c = &m->ctx[n];

	c->ring_base = 0;
	c->ring_size = 0;
	c->ring_latched = false;
	c->doorbell = 0;
	c->ring_head = 0;
	c->status = MVGPU_ENGINE_IDLE;
	c->error_code = 0;
	c->error_info = 0;
	c->fault_addr = 0;
	c->int_status = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_ctx_reset);

/**
 * mvgpu_mmio_engine_reset() - clear context 0's engine registers (ENG!)
 * @m: the register file
 *
 * Its ring registers, RING_HEAD, ENGINE_STATUS, CMDS_DONE, the doorbell and
 * the error registers; the interrupt registers are not the engine's, and
 * no other context's registers change.
 *
 * Context: any; caller holds the vGPU's irq_lock.
 */
void mvgpu_mmio_engine_reset(struct mvgpu_mmio *m)
{
	mvgpu_mmio_ctx_reset(m, 0);
	m->cmds_done = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_engine_reset);

/**
 * mvgpu_mmio_reset() - clear all mutable registers
 * @m: the register file
 *
 * Every context but 0 is gone, context 0's registers are at power-on.
 *
 * Context: any; caller holds the vGPU's irq_lock.
 */
void mvgpu_mmio_reset(struct mvgpu_mmio *m)
{
	mvgpu_mmio_init(m, m->vgpu_id, m->vram_size, m->num_engines,
			m->watchdog_ms, m->num_contexts);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_reset);

/**
 * mvgpu_mmio_ctx_pending() - CTX_PENDING
 * @m: the register file
 *
 * Context: any; caller holds the vGPU's irq_lock.
 * Return: bit n set for each context n >= 1 with an enabled cause pending.
 */
u64 mvgpu_mmio_ctx_pending(const struct mvgpu_mmio *m)
{
	u64 pending = 0;
	unsigned int n;

	for (n = 1; n < m->num_contexts; n++)
		if (m->ctx[n].int_status & m->ctx[n].int_mask)
			pending |= BIT_ULL(n);
	return pending;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_ctx_pending);

/**
 * mvgpu_mmio_int_status() - INT_STATUS as it reads
 * @m: the register file
 *
 * Context: any; caller holds the vGPU's irq_lock.
 * Return: the pending causes, MVGPU_INT_CONTEXT while CTX_PENDING is not 0.
 */
u32 mvgpu_mmio_int_status(const struct mvgpu_mmio *m)
{
	return m->int_status |
	       (mvgpu_mmio_ctx_pending(m) ? MVGPU_INT_CONTEXT : 0);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_int_status);

/* The registers of context @n's window (offset @reg in it). */
static u32 mvgpu_mmio_ctx_read(const struct mvgpu_mmio *m, unsigned int n,
			       u32 reg)
{
	const struct mvgpu_ctx_regs *c = &m->ctx[n];

	if (n >= m->num_contexts || !c->exists)
		return reg == MVGPU_CTX_STATUS ? MVGPU_CTX_FREE : 0;
	switch (reg) {
	case MVGPU_CTX_RING_BASE_LO:
		return lower_32_bits(c->ring_base);
	case MVGPU_CTX_RING_BASE_HI:
		return upper_32_bits(c->ring_base);
	case MVGPU_CTX_RING_SIZE:
		return c->ring_size;
	case MVGPU_CTX_RING_HEAD:
		return c->ring_head;
	case MVGPU_CTX_DOORBELL:
		return c->doorbell;
	case MVGPU_CTX_STATUS:
		return c->status;
	case MVGPU_CTX_SEQNO_LO:
		return lower_32_bits(c->seqno);
	case MVGPU_CTX_SEQNO_HI:
		return upper_32_bits(c->seqno);
	case MVGPU_CTX_ERROR_CODE:
		return c->error_code;
	case MVGPU_CTX_ERROR_INFO:
		return c->error_info;
	case MVGPU_CTX_FAULT_ADDR_LO:
		return lower_32_bits(c->fault_addr);
	case MVGPU_CTX_FAULT_ADDR_HI:
		return upper_32_bits(c->fault_addr);
	case MVGPU_CTX_INT_STATUS:
		return n ? c->int_status : mvgpu_mmio_int_status(m);
	case MVGPU_CTX_INT_MASK:
		return n ? c->int_mask : m->int_mask;
	case MVGPU_CTX_PRIORITY:
		return c->prio;
	case MVGPU_CTX_ENGINE_NS_LO:
		return lower_32_bits(c->engine_ns);
	case MVGPU_CTX_ENGINE_NS_HI:
		return upper_32_bits(c->engine_ns);
	default:
		return 0;
	}
}

static u32 mvgpu_mmio_read32(const struct mvgpu_mmio *m, u32 off)
{
	const struct mvgpu_ctx_regs *c0 = &m->ctx[0];
	u64 pending;

	if (off >= MVGPU_CTX_REGS_BASE &&
	    off < MVGPU_CTX_REGS(MVGPU_CTX_MAX))
		return mvgpu_mmio_ctx_read(m, (off - MVGPU_CTX_REGS_BASE) /
					   MVGPU_CTX_REGS_STRIDE,
					   off % MVGPU_CTX_REGS_STRIDE);
	switch (off) {
	case MVGPU_REG_ID:
		return MVGPU_ID_MAGIC;
	case MVGPU_REG_VERSION:
		return MVGPU_UAPI_VERSION;
	case MVGPU_REG_CAPS:
		return MVGPU_CAP_MSI | MVGPU_CAP_INTX | MVGPU_CAP_SELFTEST |
		       MVGPU_CAP_VRAM_MMAP | MVGPU_CAP_ENGINE |
		       MVGPU_CAP_CONTEXTS;
	case MVGPU_REG_VGPU_ID:
		return m->vgpu_id;
	case MVGPU_REG_VRAM_SIZE_LO:
		return lower_32_bits(m->vram_size);
	case MVGPU_REG_VRAM_SIZE_HI:
		return upper_32_bits(m->vram_size);
	case MVGPU_REG_NUM_ENGINES:
		return m->num_engines;
	case MVGPU_REG_INT_STATUS:
		return mvgpu_mmio_int_status(m);
	case MVGPU_REG_INT_MASK:
		return m->int_mask;
	case MVGPU_REG_DOORBELL:
		return c0->doorbell;
	case MVGPU_REG_ERROR_CODE:
		return c0->error_code;
	case MVGPU_REG_ERROR_INFO:
		return c0->error_info;
	case MVGPU_REG_FAULT_ADDR_LO:
		return lower_32_bits(c0->fault_addr);
	case MVGPU_REG_FAULT_ADDR_HI:
		return upper_32_bits(c0->fault_addr);
	case MVGPU_REG_SELFTEST_DATA:
		return m->selftest_data;
	case MVGPU_REG_SCRATCH:
		return m->scratch;
	case MVGPU_REG_RING_BASE_LO:
		return lower_32_bits(c0->ring_base);
	case MVGPU_REG_RING_BASE_HI:
		return upper_32_bits(c0->ring_base);
	case MVGPU_REG_RING_SIZE:
		return c0->ring_size;
	case MVGPU_REG_RING_HEAD:
		return c0->ring_head;
	case MVGPU_REG_ENGINE_STATUS:
		return c0->status;
	case MVGPU_REG_CMDS_DONE:
		return m->cmds_done;
	case MVGPU_REG_WATCHDOG_MS:
		return m->watchdog_ms;
	case MVGPU_REG_NUM_CONTEXTS:
		return m->num_contexts;
	case MVGPU_REG_CTX_PENDING_LO:
		pending = mvgpu_mmio_ctx_pending(m);
		return lower_32_bits(pending);
	case MVGPU_REG_CTX_PENDING_HI:
		pending = mvgpu_mmio_ctx_pending(m);
		return upper_32_bits(pending);
	default:
		/* Write-only and undefined registers read as zero. */
		return 0;
	}
}

/* Write a context's ring registers, unless the engine latched them. */
static void mvgpu_mmio_ring_write(struct mvgpu_ctx_regs *c, u32 reg, u32 val)
{
	if (c->ring_latched)
		return;
	if (reg == MVGPU_CTX_RING_BASE_LO)
		c->ring_base = (c->ring_base & GENMASK_ULL(63, 32)) | val;
	else if (reg == MVGPU_CTX_RING_BASE_HI)
		c->ring_base = (c->ring_base & U32_MAX) | ((u64)val << 32);
	else
		c->ring_size = val;
}

/* A write to context @n's window (offset @reg in it). */
static unsigned int mvgpu_mmio_ctx_write(struct mvgpu_mmio *m, unsigned int n,
					 u32 reg, u32 val)
{
	struct mvgpu_ctx_regs *c = &m->ctx[n];

	if (n >= m->num_contexts || !c->exists)
		return 0;
	switch (reg) {
	case MVGPU_CTX_RING_BASE_LO:
	case MVGPU_CTX_RING_BASE_HI:
	case MVGPU_CTX_RING_SIZE:
		mvgpu_mmio_ring_write(c, reg, val);
		return 0;
	case MVGPU_CTX_DOORBELL:
		c->doorbell = val;
		return n ? MVGPU_MMIO_ACT_CTX_DOORBELL |
			   n << MVGPU_MMIO_ACT_CTX_SHIFT : MVGPU_MMIO_ACT_DOORBELL;
	case MVGPU_CTX_INT_MASK:
		if (!n) {
			m->int_mask = val & MVGPU_INT_ALL;
			return MVGPU_MMIO_ACT_IRQ;
		}
		c->int_mask = val & MVGPU_CTX_INT_ALL;
		return MVGPU_MMIO_ACT_IRQ;
	case MVGPU_CTX_INT_ACK:
		if (!n)
			m->int_status &= ~val;
		else
			c->int_status &= ~val;
		return MVGPU_MMIO_ACT_IRQ;
	case MVGPU_CTX_RESET:
		if (val != MVGPU_RESET_ENGINE_MAGIC)
			return 0;
		return n ? MVGPU_MMIO_ACT_CTX_RESET |
			   n << MVGPU_MMIO_ACT_CTX_SHIFT :
			   MVGPU_MMIO_ACT_ENGINE_RESET;
	default:
		/* Read-only and undefined registers ignore writes. */
		return 0;
	}
}

static unsigned int mvgpu_mmio_write32(struct mvgpu_mmio *m, u32 off, u32 val)
{
	struct mvgpu_ctx_regs *c0 = &m->ctx[0];

	if (off >= MVGPU_CTX_REGS_BASE &&
	    off < MVGPU_CTX_REGS(MVGPU_CTX_MAX))
		return mvgpu_mmio_ctx_write(m, (off - MVGPU_CTX_REGS_BASE) /
					    MVGPU_CTX_REGS_STRIDE,
					    off % MVGPU_CTX_REGS_STRIDE, val);
	switch (off) {
	case MVGPU_REG_INT_MASK:
		m->int_mask = val & MVGPU_INT_ALL;
		return MVGPU_MMIO_ACT_IRQ;
	case MVGPU_REG_INT_ACK:
		m->int_status &= ~val;
		return MVGPU_MMIO_ACT_IRQ;
	case MVGPU_REG_DOORBELL:
		c0->doorbell = val;
		return MVGPU_MMIO_ACT_DOORBELL;
	case MVGPU_REG_SELFTEST:
		m->selftest_data = val;
		m->int_status |= MVGPU_INT_SELFTEST;
		return MVGPU_MMIO_ACT_IRQ;
	case MVGPU_REG_SCRATCH:
		m->scratch = val;
		return 0;
	case MVGPU_REG_RING_BASE_LO:
		mvgpu_mmio_ring_write(c0, MVGPU_CTX_RING_BASE_LO, val);
		return 0;
	case MVGPU_REG_RING_BASE_HI:
		mvgpu_mmio_ring_write(c0, MVGPU_CTX_RING_BASE_HI, val);
		return 0;
	case MVGPU_REG_RING_SIZE:
		mvgpu_mmio_ring_write(c0, MVGPU_CTX_RING_SIZE, val);
		return 0;
	case MVGPU_REG_RESET:
		if (val == MVGPU_RESET_MAGIC)
			return MVGPU_MMIO_ACT_RESET;
		if (val == MVGPU_RESET_ENGINE_MAGIC)
			return MVGPU_MMIO_ACT_ENGINE_RESET;
		return 0;
	default:
		/* Read-only and undefined registers ignore writes. */
		return 0;
	}
}

/**
 * mvgpu_mmio_access() - one naturally aligned access to BAR0
 * @m: the register file
 * @off: byte offset in BAR0
 * @buf: @len bytes, little-endian as on the bus
 * @len: 1, 2, 4 or 8
 * @write: write @buf to the registers, else read them into @buf
 * @actions: OR'ed with the MVGPU_MMIO_ACT_* the access asks for (an access
 *	touches one context's window at most: the context is in bits 15:8)
 *
 * An 8-byte access is two register accesses; a 1- or 2-byte write merges
 * into the register's current value (write-only registers merge into 0).
 *
 * Context: any; caller holds the vGPU's irq_lock.
 * Return: 0, or -EINVAL for a size, alignment or offset out of bounds.
 */
int mvgpu_mmio_access(struct mvgpu_mmio *m, u32 off, void *buf, u32 len,
		      bool write, unsigned int *actions)
{
	u8 *bytes = buf;
	__le32 raw;

	if ((len != 1 && len != 2 && len != 4 && len != 8) ||
	    (off & (len - 1)) || off >= MVGPU_BAR0_SIZE ||
	    len > MVGPU_BAR0_SIZE - off)
		return -EINVAL;

	if (len == 8) {
		int ret = mvgpu_mmio_access(m, off, bytes, 4, write, actions);

		return ret ?: mvgpu_mmio_access(m, off + 4, bytes + 4, 4,
						write, actions);
	}

	/* The register's bytes as on the bus; a narrow access takes a slice. */
	raw = cpu_to_le32(mvgpu_mmio_read32(m, off & ~3U));
	if (!write) {
		memcpy(bytes, (u8 *)&raw + (off & 3), len);
		return 0;
	}
	memcpy((u8 *)&raw + (off & 3), bytes, len);
	*actions |= mvgpu_mmio_write32(m, off & ~3U, le32_to_cpu(raw));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_access);
