/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_MMIO_H_
#define _MVGPU_MMIO_H_

#include <linux/bits.h>
#include <linux/types.h>

#include "uapi/mvgpu.h"

/*
 * What a register write asks the caller to do, mvgpu_mmio_access(): flags,
 * and for the MVGPU_MMIO_ACT_CTX_* ones the context, in bits 15:8.
 */
#define MVGPU_MMIO_ACT_IRQ	BIT(0)	/* interrupt state changed */
#define MVGPU_MMIO_ACT_RESET	BIT(1)	/* reset the vGPU */
#define MVGPU_MMIO_ACT_DOORBELL	BIT(2)	/* context 0's doorbell was rung */
#define MVGPU_MMIO_ACT_ENGINE_RESET BIT(3)	/* reset context 0 (ENG!) */
#define MVGPU_MMIO_ACT_CTX_DOORBELL BIT(4)	/* a context's doorbell */
#define MVGPU_MMIO_ACT_CTX_RESET BIT(5)	/* a context's RESET (ENG!) */
#define MVGPU_MMIO_ACT_CTX_SHIFT 8
#define MVGPU_MMIO_ACT_CTX(a)	(((a) >> MVGPU_MMIO_ACT_CTX_SHIFT) & 0xff)

/**
 * struct mvgpu_ctx_regs - the registers of one context (DOC: Contexts)
 * @exists: the context exists (context 0 always does)
 * @ring_base: RING_BASE
 * @ring_size: RING_SIZE
 * @ring_latched: the engine latched @ring_base and @ring_size; they
 *	ignore writes until the context's reset
 * @doorbell: last value written to its DOORBELL
 * @ring_head: RING_HEAD, published by the engine
 * @status: MVGPU_ENGINE_*, published by the engine
 * @seqno: SEQNO, commands completed, published by the engine
 * @engine_ns: ENGINE_NS, engine time used, published by the core
 * @error_code: ERROR_CODE
 * @error_info: ERROR_INFO
 * @fault_addr: FAULT_ADDR
 * @int_status: pending MVGPU_INT_FENCE / MVGPU_INT_ERROR (contexts >= 1;
 *	context 0's are the vGPU's INT_STATUS)
 * @int_mask: enabled ones (contexts >= 1)
 * @prio: PRIORITY
 */
struct mvgpu_ctx_regs {
	bool exists;
	u64 ring_base;
	u32 ring_size;
	bool ring_latched;
	u32 doorbell;
	u32 ring_head;
	u32 status;
	u64 seqno;
	u64 engine_ns;
	u32 error_code;
	u32 error_info;
	u64 fault_addr;
	u32 int_status;
	u32 int_mask;
	u32 prio;
};

/**
 * struct mvgpu_mmio - the BAR0 register file of one vGPU
 * @vgpu_id: MVGPU_REG_VGPU_ID; constant
 * @vram_size: MVGPU_REG_VRAM_SIZE_*; constant
 * @num_engines: MVGPU_REG_NUM_ENGINES; constant
 * @watchdog_ms: MVGPU_REG_WATCHDOG_MS; constant
 * @num_contexts: MVGPU_REG_NUM_CONTEXTS; constant
 * @int_status: pending interrupt causes (MVGPU_INT_CONTEXT is not kept
 *	here: it is CTX_PENDING != 0, mvgpu_mmio_int_status())
 * @int_mask: enabled interrupt causes
 * @selftest_data: last value written to MVGPU_REG_SELFTEST
 * @scratch: MVGPU_REG_SCRATCH
 * @cmds_done: MVGPU_REG_CMDS_DONE (context 0), published by the engine
 * @ctx: the contexts' registers; context 0's ring, status and error
 *	registers are also at their first offsets (MVGPU_REG_RING_BASE_LO ...)
 *
 * Not locked: struct mvgpu_vgpu's irq_lock protects the mutable fields.
 */
struct mvgpu_mmio {
	u32 vgpu_id;
	u64 vram_size;
	u32 num_engines;
	u32 watchdog_ms;
	u32 num_contexts;
	u32 int_status;
	u32 int_mask;
	u32 selftest_data;
	u32 scratch;
	u32 cmds_done;
	struct mvgpu_ctx_regs ctx[MVGPU_CTX_MAX];
};

void mvgpu_mmio_init(struct mvgpu_mmio *m, u32 vgpu_id, u64 vram_size,
		     u32 num_engines, u32 watchdog_ms, u32 num_contexts);
void mvgpu_mmio_reset(struct mvgpu_mmio *m);
void mvgpu_mmio_engine_reset(struct mvgpu_mmio *m);
void mvgpu_mmio_ctx_reset(struct mvgpu_mmio *m, unsigned int n);
u64 mvgpu_mmio_ctx_pending(const struct mvgpu_mmio *m);
u32 mvgpu_mmio_int_status(const struct mvgpu_mmio *m);
int mvgpu_mmio_access(struct mvgpu_mmio *m, u32 off, void *buf, u32 len,
		      bool write, unsigned int *actions);

#endif /* _MVGPU_MMIO_H_ */
