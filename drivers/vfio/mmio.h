/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_MMIO_H_
#define _MVGPU_MMIO_H_

#include <linux/bits.h>
#include <linux/types.h>

/* What a register write asks the caller to do, mvgpu_mmio_access() */
#define MVGPU_MMIO_ACT_IRQ	BIT(0)	/* interrupt state changed */
#define MVGPU_MMIO_ACT_RESET	BIT(1)	/* reset the vGPU */
#define MVGPU_MMIO_ACT_DOORBELL	BIT(2)	/* the doorbell was rung */
#define MVGPU_MMIO_ACT_ENGINE_RESET BIT(3)	/* reset the engine state */

/**
 * struct mvgpu_mmio - the BAR0 register file of one vGPU
 * @vgpu_id: MVGPU_REG_VGPU_ID; constant
 * @vram_size: MVGPU_REG_VRAM_SIZE_*; constant
 * @num_engines: MVGPU_REG_NUM_ENGINES; constant
 * @watchdog_ms: MVGPU_REG_WATCHDOG_MS; constant
 * @int_status: pending interrupt causes
 * @int_mask: enabled interrupt causes
 * @doorbell: last value written to MVGPU_REG_DOORBELL
 * @error_code: MVGPU_ERR_* of the last error
 * @error_info: detail of the last error
 * @fault_addr: address of the last fault
 * @selftest_data: last value written to MVGPU_REG_SELFTEST
 * @scratch: MVGPU_REG_SCRATCH
 * @ring_base: MVGPU_REG_RING_BASE_*
 * @ring_size: MVGPU_REG_RING_SIZE
 * @ring_latched: the engine latched @ring_base and @ring_size; they
 *	ignore writes until reset
 * @ring_head: MVGPU_REG_RING_HEAD, published by the engine
 * @engine_status: MVGPU_REG_ENGINE_STATUS, published by the engine
 * @cmds_done: MVGPU_REG_CMDS_DONE, published by the engine
 *
 * Not locked: struct mvgpu_vgpu's irq_lock protects the mutable fields.
 */
struct mvgpu_mmio {
	u32 vgpu_id;
	u64 vram_size;
	u32 num_engines;
	u32 watchdog_ms;
	u32 int_status;
	u32 int_mask;
	u32 doorbell;
	u32 error_code;
	u32 error_info;
	u64 fault_addr;
	u32 selftest_data;
	u32 scratch;
	u64 ring_base;
	u32 ring_size;
	bool ring_latched;
	u32 ring_head;
	u32 engine_status;
	u32 cmds_done;
};

void mvgpu_mmio_init(struct mvgpu_mmio *m, u32 vgpu_id, u64 vram_size,
		     u32 num_engines, u32 watchdog_ms);
void mvgpu_mmio_reset(struct mvgpu_mmio *m);
void mvgpu_mmio_engine_reset(struct mvgpu_mmio *m);
int mvgpu_mmio_access(struct mvgpu_mmio *m, u32 off, void *buf, u32 len,
		      bool write, unsigned int *actions);

#endif /* _MVGPU_MMIO_H_ */
