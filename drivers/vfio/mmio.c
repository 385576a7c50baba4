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

/**
 * mvgpu_mmio_init() - registers at power-on
 * @m: the register file
 * @vgpu_id: the vGPU's id
 * @vram_size: its VRAM in bytes
 * @num_engines: engines of its GPU
 * @watchdog_ms: the engine watchdog's limit
 *
 * Context: any.
 */
void mvgpu_mmio_init(struct mvgpu_mmio *m, u32 vgpu_id, u64 vram_size,
		     u32 num_engines, u32 watchdog_ms)
{
	memset(m, 0, sizeof(*m));
	m->vgpu_id = vgpu_id;
	m->vram_size = vram_size;
	m->num_engines = num_engines;
	m->watchdog_ms = watchdog_ms;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_init);

/**
 * mvgpu_mmio_engine_reset() - clear the engine's registers
 * @m: the register file
 *
 * The ring registers, RING_HEAD, ENGINE_STATUS, CMDS_DONE, the doorbell and
 * the error registers; the interrupt registers are not the engine's.
 *
 * Context: any; caller holds the vGPU's irq_lock.
 */
void mvgpu_mmio_engine_reset(struct mvgpu_mmio *m)
{
	m->doorbell = 0;
	m->error_code = 0;
	m->error_info = 0;
	m->fault_addr = 0;
	m->ring_base = 0;
	m->ring_size = 0;
	m->ring_latched = false;
	m->ring_head = 0;
	m->engine_status = MVGPU_ENGINE_IDLE;
	m->cmds_done = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_engine_reset);

/**
 * mvgpu_mmio_reset() - clear all mutable registers
 * @m: the register file
 *
 * Context: any; caller holds the vGPU's irq_lock.
 */
void mvgpu_mmio_reset(struct mvgpu_mmio *m)
{
	mvgpu_mmio_init(m, m->vgpu_id, m->vram_size, m->num_engines,
			m->watchdog_ms);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_mmio_reset);

static u32 mvgpu_mmio_read32(const struct mvgpu_mmio *m, u32 off)
{
	switch (off) {
	case MVGPU_REG_ID:
		return MVGPU_ID_MAGIC;
	case MVGPU_REG_VERSION:
		return MVGPU_UAPI_VERSION;
	case MVGPU_REG_CAPS:
		return MVGPU_CAP_MSI | MVGPU_CAP_INTX | MVGPU_CAP_SELFTEST |
		       MVGPU_CAP_VRAM_MMAP | MVGPU_CAP_ENGINE;
	case MVGPU_REG_VGPU_ID:
		return m->vgpu_id;
	case MVGPU_REG_VRAM_SIZE_LO:
		return lower_32_bits(m->vram_size);
	case MVGPU_REG_VRAM_SIZE_HI:
		return upper_32_bits(m->vram_size);
	case MVGPU_REG_NUM_ENGINES:
		return m->num_engines;
	case MVGPU_REG_INT_STATUS:
		return m->int_status;
	case MVGPU_REG_INT_MASK:
		return m->int_mask;
	case MVGPU_REG_DOORBELL:
		return m->doorbell;
	case MVGPU_REG_ERROR_CODE:
		return m->error_code;
	case MVGPU_REG_ERROR_INFO:
		return m->error_info;
	case MVGPU_REG_FAULT_ADDR_LO:
		return lower_32_bits(m->fault_addr);
	case MVGPU_REG_FAULT_ADDR_HI:
		return upper_32_bits(m->fault_addr);
	case MVGPU_REG_SELFTEST_DATA:
		return m->selftest_data;
	case MVGPU_REG_SCRATCH:
		return m->scratch;
	case MVGPU_REG_RING_BASE_LO:
		return lower_32_bits(m->ring_base);
	case MVGPU_REG_RING_BASE_HI:
		return upper_32_bits(m->ring_base);
	case MVGPU_REG_RING_SIZE:
		return m->ring_size;
	case MVGPU_REG_RING_HEAD:
		return m->ring_head;
	case MVGPU_REG_ENGINE_STATUS:
		return m->engine_status;
	case MVGPU_REG_CMDS_DONE:
		return m->cmds_done;
	case MVGPU_REG_WATCHDOG_MS:
		return m->watchdog_ms;
	default:
		/* Write-only and undefined registers read as zero. */
		return 0;
	}
}

static unsigned int mvgpu_mmio_write32(struct mvgpu_mmio *m, u32 off, u32 val)
{
	switch (off) {
	case MVGPU_REG_INT_MASK:
		m->int_mask = val & MVGPU_INT_ALL;
		return MVGPU_MMIO_ACT_IRQ;
	case MVGPU_REG_INT_ACK:
		m->int_status &= ~val;
		return MVGPU_MMIO_ACT_IRQ;
	case MVGPU_REG_DOORBELL:
		m->doorbell = val;
		return MVGPU_MMIO_ACT_DOORBELL;
	case MVGPU_REG_SELFTEST:
		m->selftest_data = val;
		m->int_status |= MVGPU_INT_SELFTEST;
		return MVGPU_MMIO_ACT_IRQ;
	case MVGPU_REG_SCRATCH:
		m->scratch = val;
		return 0;
	case MVGPU_REG_RING_BASE_LO:
		if (!m->ring_latched)
			m->ring_base = (m->ring_base & GENMASK_ULL(63, 32)) | val;
		return 0;
	case MVGPU_REG_RING_BASE_HI:
		if (!m->ring_latched)
			m->ring_base = (m->ring_base & U32_MAX) | ((u64)val << 32);
		return 0;
	case MVGPU_REG_RING_SIZE:
		if (!m->ring_latched)
			m->ring_size = val;
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
 * @actions: OR'ed with the MVGPU_MMIO_ACT_* the access asks for
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
