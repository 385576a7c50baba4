/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mvgpu user-space API: what a tenant, QEMU and the host tools can rely on.
 *
 * Self-contained: includes <linux/types.h> only.  Every change that is not
 * purely additive bumps MVGPU_UAPI_VERSION_MAJOR.
 */
#ifndef _UAPI_MVGPU_H
#define _UAPI_MVGPU_H

#include <linux/types.h>

/**
 * DOC: Versioning
 *
 * MVGPU_UAPI_VERSION packs major (bits 31:16) and minor (bits 15:0).  The
 * minor part grows with additions that old users can ignore; the major part
 * changes only when an existing layout or meaning changes.
 */
#define MVGPU_UAPI_VERSION_MAJOR	0
#define MVGPU_UAPI_VERSION_MINOR	4
#define MVGPU_UAPI_VERSION \
	((MVGPU_UAPI_VERSION_MAJOR << 16) | MVGPU_UAPI_VERSION_MINOR)

/**
 * DOC: vGPU types
 *
 * Every parent GPU (``/sys/class/mdev_bus/mvgpu.N``) offers the same five
 * types.  The mdev core prefixes the driver name, so the type directories are
 * ``mvgpu-1_16``, ``mvgpu-1_8``, ``mvgpu-1_4``, ``mvgpu-1_2`` and
 * ``mvgpu-1_1``: a vGPU of type ``mvgpu-1_D`` owns 1/D of the parent's VRAM,
 * at most D of them fit on an otherwise empty GPU, and its default
 * scheduling weight is 8/D, at least 1.
 * VRAM is shared by the types, so creating a vGPU of one type lowers
 * ``available_instances`` of the others.
 */
#define MVGPU_TYPE_NAME_1_16	"1_16"
#define MVGPU_TYPE_NAME_1_8	"1_8"
#define MVGPU_TYPE_NAME_1_4	"1_4"
#define MVGPU_TYPE_NAME_1_2	"1_2"
#define MVGPU_TYPE_NAME_1_1	"1_1"

/**
 * DOC: PCI identity
 *
 * A vGPU is a PCI 3D controller (class 0x0302).  Vendor 0x1234 is the ID
 * QEMU's own non-Red-Hat models use (stdvga 0x1111, edu 0x11e8); mvgpu takes
 * device 0x4d47 ("MG"), which none of QEMU's devices uses.  The subsystem
 * device ID is the type's divisor D of ``mvgpu-1_D`` (16, 8, 4, 2 or 1), so a
 * guest can tell its profile without a register read.
 */
#define MVGPU_PCI_VENDOR_ID		0x1234
#define MVGPU_PCI_DEVICE_ID		0x4d47
#define MVGPU_PCI_SUBVENDOR_ID		0x1234
#define MVGPU_PCI_REVISION		0x01
#define MVGPU_PCI_CLASS			0x030200	/* 3D controller */

/**
 * DOC: BARs
 *
 * - BAR0: 32-bit non-prefetchable memory, MVGPU_BAR0_SIZE bytes, the
 *   register file below.  Every access traps into the mediator.
 * - BAR2 (with BAR3 as its upper half): 64-bit prefetchable memory, as large
 *   as the vGPU's VRAM, the VRAM aperture.  It may be mmap'd; pages are
 *   backed on first touch and read as zero until written.
 * - BAR1, BAR4, BAR5, the expansion ROM and VGA: not implemented (size 0).
 *
 * The config space has a capability list with one MSI capability (one
 * vector, 64-bit address) at MVGPU_PCI_CAP_MSI; the interrupt pin is INTA.
 */
#define MVGPU_BAR0_SIZE			0x10000
#define MVGPU_PCI_CONFIG_SIZE		256
#define MVGPU_PCI_CAP_MSI		0x40

/**
 * DOC: BAR0 registers
 *
 * All registers are 32 bits wide and 32-bit aligned; 64-bit quantities are
 * split into _LO/_HI pairs.  Accesses of 1, 2 or 8 bytes are allowed: an
 * 8-byte access covers two registers, a narrower read returns the addressed
 * bytes, a narrower write merges into the register's current value.  Reads
 * of undefined offsets return 0 and writes to them are ignored, like reads
 * of read-only registers' writes.
 */
#define MVGPU_REG_ID			0x0000	/* RO: MVGPU_ID_MAGIC */
#define MVGPU_REG_VERSION		0x0004	/* RO: MVGPU_UAPI_VERSION */
#define MVGPU_REG_CAPS			0x0008	/* RO: MVGPU_CAP_* */
#define MVGPU_REG_VGPU_ID		0x000c	/* RO: the vGPU's id on its GPU */
#define MVGPU_REG_VRAM_SIZE_LO		0x0010	/* RO: VRAM bytes, low half */
#define MVGPU_REG_VRAM_SIZE_HI		0x0014	/* RO: VRAM bytes, high half */
#define MVGPU_REG_NUM_ENGINES		0x0018	/* RO: engines of the GPU */
#define MVGPU_REG_INT_STATUS		0x0020	/* RO: pending MVGPU_INT_* */
#define MVGPU_REG_INT_MASK		0x0024	/* RW: 1 = MVGPU_INT_* enabled */
#define MVGPU_REG_INT_ACK		0x0028	/* WO: write 1s to clear status */
#define MVGPU_REG_DOORBELL		0x0030	/* RW: ring tail, see the engine */
#define MVGPU_REG_ERROR_CODE		0x0040	/* RO: MVGPU_ERR_* of last error */
#define MVGPU_REG_ERROR_INFO		0x0044	/* RO: error detail (e.g. opcode) */
#define MVGPU_REG_FAULT_ADDR_LO		0x0048	/* RO: faulting address, low */
#define MVGPU_REG_FAULT_ADDR_HI		0x004c	/* RO: faulting address, high */
#define MVGPU_REG_SELFTEST		0x0050	/* WO: raise MVGPU_INT_SELFTEST */
#define MVGPU_REG_SELFTEST_DATA		0x0054	/* RO: last value written above */
#define MVGPU_REG_SCRATCH		0x0060	/* RW: no side effect */
#define MVGPU_REG_RESET			0x0070	/* WO: MVGPU_RESET_*_MAGIC */
#define MVGPU_REG_RING_BASE_LO		0x0080	/* RW: ring GPU VA, low half */
#define MVGPU_REG_RING_BASE_HI		0x0084	/* RW: ring GPU VA, high half */
#define MVGPU_REG_RING_SIZE		0x0088	/* RW: ring bytes */
#define MVGPU_REG_RING_HEAD		0x008c	/* RO: offset of the next command */
#define MVGPU_REG_ENGINE_STATUS		0x0090	/* RO: MVGPU_ENGINE_* */
#define MVGPU_REG_CMDS_DONE		0x0094	/* RO: commands completed, mod 2^32 */
#define MVGPU_REG_WATCHDOG_MS		0x0098	/* RO: the watchdog's limit, ms (0.3) */
#define MVGPU_REG_NUM_CONTEXTS		0x009c	/* RO: contexts, context 0 included (0.4) */
/* CTX_PENDING: bit n set while context n has an enabled cause pending */
#define MVGPU_REG_CTX_PENDING_LO	0x00a0	/* RO: contexts 1..31 (0.4) */
#define MVGPU_REG_CTX_PENDING_HI	0x00a4	/* RO: contexts 32..63 (0.4) */

#define MVGPU_ID_MAGIC			0x4d564750	/* "MVGP" */
#define MVGPU_RESET_MAGIC		0x52535421	/* "RST!": whole vGPU */
#define MVGPU_RESET_ENGINE_MAGIC	0x454e4721	/* "ENG!": engine only */

/* MVGPU_REG_CAPS bits */
#define MVGPU_CAP_MSI			0x1u
#define MVGPU_CAP_INTX			0x2u
#define MVGPU_CAP_SELFTEST		0x4u
#define MVGPU_CAP_VRAM_MMAP		0x8u
#define MVGPU_CAP_ENGINE		0x10u	/* the command ring below */
#define MVGPU_CAP_CONTEXTS		0x20u	/* contexts, DOC: Contexts (0.4) */

/* MVGPU_REG_ENGINE_STATUS values */
#define MVGPU_ENGINE_IDLE		0	/* ring empty (head == tail) */
#define MVGPU_ENGINE_BUSY		1	/* commands pending or running */
#define MVGPU_ENGINE_STOPPED		2	/* stopped by an error; reset it */

/* Interrupt causes: MVGPU_REG_INT_STATUS / _MASK / _ACK bits */
#define MVGPU_INT_SELFTEST		0x1u	/* MVGPU_REG_SELFTEST written */
#define MVGPU_INT_FENCE			0x2u	/* a FENCE asked for it */
#define MVGPU_INT_ERROR			0x4u	/* see MVGPU_REG_ERROR_* */
#define MVGPU_INT_CONTEXT		0x8u	/* CTX_PENDING is not 0 (0.4) */
#define MVGPU_INT_ALL			(MVGPU_INT_SELFTEST | MVGPU_INT_FENCE | \
					 MVGPU_INT_ERROR | MVGPU_INT_CONTEXT)

/* MVGPU_REG_ERROR_CODE values; 0 means no error since the last reset */
#define MVGPU_ERR_NONE			0
#define MVGPU_ERR_BAD_COMMAND		1	/* info: opcode; unknown or malformed */
#define MVGPU_ERR_BAD_SIZE		2	/* info: opcode; bad size or alignment */
#define MVGPU_ERR_PAGE_FAULT		3	/* fault address: an unmapped GPU VA */
#define MVGPU_ERR_PERMISSION		4	/* fault address: a write to a read-only page */
#define MVGPU_ERR_BAD_MAP		5	/* MAP of memory not the vGPU's, or overlap */
#define MVGPU_ERR_RING			6	/* ring base, size or tail out of range */
#define MVGPU_ERR_TIMEOUT		7	/* the watchdog stopped a command */
#define MVGPU_ERR_NO_MEMORY		8	/* no host memory for VRAM or tables (0.3) */
#define MVGPU_ERR_BUS_MASTER		9	/* guest memory, bus mastering off (0.3) */
#define MVGPU_ERR_PRIVILEGED		10	/* info: opcode; only context 0 may (0.4) */
#define MVGPU_ERR_BAD_CONTEXT		11	/* info: opcode, MVGPU_CTX_ERR_* (0.4) */
#define MVGPU_ERR_CONTEXT_LOST		12	/* info: opcode; an engine reset lost it (0.4) */

/*
 * MVGPU_REG_ERROR_INFO: bits 7:0 the opcode of the command (0 when the
 * command could not even be fetched), bits 15:8 for MVGPU_ERR_BAD_MAP the
 * reason, MVGPU_MAP_ERR_* (0.3; 0 before), for MVGPU_ERR_BAD_CONTEXT the
 * reason, MVGPU_CTX_ERR_* (0.4).
 */
#define MVGPU_ERR_REASON_SHIFT		8
#define MVGPU_ERR_INFO_OPCODE(info)	((info) & 0xff)
#define MVGPU_ERR_INFO_REASON(info)	(((info) >> MVGPU_ERR_REASON_SHIFT) & 0xff)

/* MVGPU_ERR_BAD_MAP reasons */
#define MVGPU_MAP_ERR_OVERLAP		1	/* part of the VA range is mapped already */
#define MVGPU_MAP_ERR_NOT_OWNED		2	/* VRAM target outside the vGPU's VRAM */
#define MVGPU_MAP_ERR_TABLES		3	/* the page-table budget is used up */
#define MVGPU_MAP_ERR_PIN		4	/* guest memory cannot be pinned */
#define MVGPU_MAP_ERR_PIN_LIMIT		5	/* the vGPU's pinned-memory limit is reached */

/* MVGPU_ERR_BAD_CONTEXT reasons (0.4) */
#define MVGPU_CTX_ERR_ID		1	/* >= NUM_CONTEXTS, or 0 in CREATE/DESTROY */
#define MVGPU_CTX_ERR_EXISTS		2	/* CTX_CREATE of a context that exists */
#define MVGPU_CTX_ERR_ABSENT		3	/* names a context that does not exist */
#define MVGPU_CTX_ERR_PRIO		4	/* priority above MVGPU_CTX_PRIO_MAX */

/* MVGPU_REG_ERROR_INFO for MVGPU_ERR_RING */
#define MVGPU_RING_ERR_BASE		1	/* RING_BASE misaligned or beyond the VA space */
#define MVGPU_RING_ERR_SIZE		2	/* RING_SIZE not a power of two in range */
#define MVGPU_RING_ERR_TAIL		3	/* doorbell tail misaligned or >= RING_SIZE */

/**
 * DOC: Command ring
 *
 * Each context of a vGPU has one command ring in its GPU virtual memory;
 * these registers drive context 0's (the vGPU's only ring for a driver that
 * knows nothing of contexts, DOC: Contexts).  The tenant writes
 * RING_BASE (64-byte aligned GPU VA) and RING_SIZE (a power of two from
 * MVGPU_RING_MIN_SIZE to MVGPU_RING_MAX_SIZE), puts commands at byte offsets
 * head, head + 64, ... (mod RING_SIZE) and writes the offset just past the
 * last one, the tail, to MVGPU_REG_DOORBELL.  The engine executes commands
 * until RING_HEAD equals the tail; a ring of RING_SIZE bytes holds at most
 * RING_SIZE / 64 - 1 pending commands.  The first doorbell after a reset
 * latches RING_BASE and RING_SIZE; writes to them are ignored until the next
 * reset.
 *
 * After a reset GPU VA [0, VRAM size) maps the vGPU's VRAM one to one, read
 * and write, so a tenant can start without MAP; MAP and UNMAP change that.
 *
 * Any fault stops the ring with RING_HEAD at the faulting command:
 * ENGINE_STATUS reads MVGPU_ENGINE_STOPPED, ERROR_CODE, ERROR_INFO and
 * FAULT_ADDR say what and where, MVGPU_INT_ERROR is raised, and doorbells
 * are ignored until RESET: MVGPU_RESET_ENGINE_MAGIC returns context 0's
 * ring, page table and error registers to their reset state and keeps VRAM
 * (other contexts are untouched); MVGPU_RESET_MAGIC also clears VRAM and
 * destroys every other context.  A command that runs longer than the
 * watchdog (module parameter watchdog_ms) faults with MVGPU_ERR_TIMEOUT.
 */
#define MVGPU_RING_MIN_SIZE		0x100
#define MVGPU_VA_BITS			40	/* GPU virtual addresses: [0, 2^40) */
#define MVGPU_RING_MAX_SIZE		0x100000

/**
 * DOC: Contexts
 *
 * With MVGPU_CAP_CONTEXTS (uapi 0.4) a vGPU has NUM_CONTEXTS contexts
 * (at least 16), each a ring of its own with its own GPU address space,
 * error registers, completion counter and priority.  Context 0 is the one
 * the registers above drive, exactly as before, and the privileged one: only
 * its ring may create and destroy contexts (MVGPU_OP_CTX_CREATE,
 * MVGPU_OP_CTX_DESTROY), set their priority (MVGPU_OP_CTX_PRIORITY) and
 * change page tables (MAP and UNMAP, naming the context with @ctx).  The
 * same commands in any other context's ring fault there with
 * MVGPU_ERR_PRIVILEGED.  A new context has an empty address space: it
 * reaches exactly what context 0 maps for it.
 *
 * Each context has a window of registers at MVGPU_CTX_REGS(n) (context 0's
 * aliases the registers above, for a driver that treats all alike).  Its
 * ring works as context 0's (DOC: Command ring); a fault stops only that
 * context.  Its SEQNO counts the commands it completed since it was
 * created, 64 bits that never go back (context 0's: since the vGPU's last
 * reset; a migration carries every context's): the device writes it, so a kernel
 * driver can trust it for fences; a FENCE's MVGPU_INT_FENCE is raised after
 * SEQNO counts it.  ENGINE_NS is the engine time it has used.  Writing
 * MVGPU_RESET_ENGINE_MAGIC to its RESET resets the context: ring registers,
 * RING_HEAD, STATUS, error registers and INT_STATUS, the command in flight;
 * for contexts other than 0 the page table, SEQNO, ENGINE_NS, INT_MASK and
 * priority stay (context 0's RESET is ENG!, which also resets its page table).  A
 * vGPU reset (RST!, a function-level reset, closing the device) destroys
 * every context but 0.
 *
 * Interrupts: a context other than 0 raises its causes (MVGPU_INT_FENCE,
 * MVGPU_INT_ERROR) in its window's INT_STATUS; while one is pending and
 * enabled in the window's INT_MASK, the context's bit is set in
 * CTX_PENDING and MVGPU_INT_CONTEXT in INT_STATUS (which INT_ACK does not
 * clear: it reads set exactly while CTX_PENDING is not 0; a context's bit
 * clears when its causes are acknowledged or masked in its window, by its
 * RESET, or by its CTX_DESTROY).  So a driver takes MVGPU_INT_CONTEXT, then reads
 * CTX_PENDING and acknowledges each context's causes until CTX_PENDING
 * reads 0.  Context 0 raises its causes in INT_STATUS, as before.
 *
 * Scheduling: the vGPU's share of the engines is its weight's, however
 * many contexts it runs.  Inside the vGPU the runnable context of the
 * highest priority (MVGPU_CTX_PRIO_*) runs, round robin among equals;
 * one of a higher priority becoming runnable preempts a lower one at its
 * next preemption point.
 */
#define MVGPU_CTX_REGS_BASE		0x4000
#define MVGPU_CTX_REGS_STRIDE		0x100
#define MVGPU_CTX_REGS(n)		(MVGPU_CTX_REGS_BASE + (n) * MVGPU_CTX_REGS_STRIDE)
#define MVGPU_CTX_MAX			64	/* NUM_CONTEXTS is at most this */

/* A context's window: offsets from MVGPU_CTX_REGS(n) (0.4) */
#define MVGPU_CTX_RING_BASE_LO		0x00	/* RW: as MVGPU_REG_RING_BASE_LO */
#define MVGPU_CTX_RING_BASE_HI		0x04	/* RW */
#define MVGPU_CTX_RING_SIZE		0x08	/* RW: as MVGPU_REG_RING_SIZE */
#define MVGPU_CTX_RING_HEAD		0x0c	/* RO */
#define MVGPU_CTX_DOORBELL		0x10	/* RW: ring tail */
#define MVGPU_CTX_STATUS		0x14	/* RO: MVGPU_ENGINE_* or MVGPU_CTX_FREE */
#define MVGPU_CTX_SEQNO_LO		0x18	/* RO: commands completed, low half */
#define MVGPU_CTX_SEQNO_HI		0x1c	/* RO: high half */
#define MVGPU_CTX_ERROR_CODE		0x20	/* RO: MVGPU_ERR_* */
#define MVGPU_CTX_ERROR_INFO		0x24	/* RO */
#define MVGPU_CTX_FAULT_ADDR_LO		0x28	/* RO */
#define MVGPU_CTX_FAULT_ADDR_HI		0x2c	/* RO */
#define MVGPU_CTX_INT_STATUS		0x30	/* RO: n >= 1: FENCE | ERROR; 0: INT_STATUS */
#define MVGPU_CTX_INT_MASK		0x34	/* RW: n >= 1 keeps only FENCE | ERROR */
#define MVGPU_CTX_INT_ACK		0x38	/* WO: write 1s to clear */
#define MVGPU_CTX_PRIORITY		0x3c	/* RO: MVGPU_CTX_PRIO_* */
#define MVGPU_CTX_RESET			0x40	/* WO: MVGPU_RESET_ENGINE_MAGIC */
#define MVGPU_CTX_ENGINE_NS_LO		0x48	/* RO: engine time used, ns, low */
#define MVGPU_CTX_ENGINE_NS_HI		0x4c	/* RO: high half */

/* MVGPU_CTX_STATUS of a context that does not exist (0.4) */
#define MVGPU_CTX_FREE			3

/* Context priorities: higher runs first (0.4) */
#define MVGPU_CTX_PRIO_LOW		0
#define MVGPU_CTX_PRIO_NORMAL		2
#define MVGPU_CTX_PRIO_HIGH		4
#define MVGPU_CTX_PRIO_MAX		7

/**
 * DOC: Commands
 *
 * A command is 64 bytes: struct mvgpu_cmd, an opcode, flags and an
 * opcode-specific body.  Commands sit in a ring in GPU virtual memory, so
 * one never straddles the ring's wrap.  Every field not used by an opcode,
 * every reserved bit of @flags and every padding word must be zero, or the
 * command fails with MVGPU_ERR_BAD_COMMAND.  Addresses are GPU virtual
 * addresses (translated by the page table of the context whose ring holds
 * the command), sizes are in bytes.
 */
#define MVGPU_CMD_SIZE			64

#define MVGPU_OP_NOP			0x00	/* nothing */
#define MVGPU_OP_FENCE			0x01	/* write @value (u64) to @addr */
#define MVGPU_OP_FILL			0x02	/* fill @size bytes at @dst with a u32 */
#define MVGPU_OP_COPY			0x03	/* copy @size bytes, may overlap like memmove */
#define MVGPU_OP_KERNEL			0x04	/* an integer compute kernel, MVGPU_KERNEL_* */
#define MVGPU_OP_SPIN			0x05	/* keep the engine busy for @usecs */
#define MVGPU_OP_TIMESTAMP		0x06	/* write the engine clock (ns, u64) to @dst */
#define MVGPU_OP_MAP			0x07	/* map GPU VA to own VRAM or guest memory */
#define MVGPU_OP_UNMAP			0x08	/* unmap GPU VA */
#define MVGPU_OP_WAIT			0x09	/* wait until the u64 at @addr >= @value */
#define MVGPU_OP_CTX_CREATE		0x0a	/* context 0: create context @ctx (0.4) */
#define MVGPU_OP_CTX_DESTROY		0x0b	/* context 0: destroy context @ctx (0.4) */
#define MVGPU_OP_CTX_PRIORITY		0x0c	/* context 0: set @ctx's priority (0.4) */

/* struct mvgpu_cmd flags */
#define MVGPU_CMD_FLAG_IRQ		0x1u	/* FENCE: raise MVGPU_INT_FENCE afterwards */

/* MVGPU_OP_KERNEL kinds; elements are little-endian __u32, sums __u64 */
#define MVGPU_KERNEL_VADD		1	/* c[i] = a[i] + b[i], i < n (mod 2^32) */
#define MVGPU_KERNEL_MATMUL		2	/* c[m][n] = a[m][k] * b[k][n] (mod 2^32) */
#define MVGPU_KERNEL_REDUCE		3	/* *(u64 *)c = sum of a[i], i < n */

/* MVGPU_OP_MAP flags (struct mvgpu_cmd_map.map_flags) */
#define MVGPU_MAP_READ			0x2u
#define MVGPU_MAP_WRITE			0x4u
#define MVGPU_MAP_SYSMEM		0x10u	/* target is a guest IOVA, else a VRAM offset */

/* Limits a command must respect (else MVGPU_ERR_BAD_SIZE) */
#define MVGPU_MAX_XFER			0x100000000ull	/* FILL, COPY, MAP, UNMAP bytes */
#define MVGPU_MAX_ELEMS			0x1000000u	/* VADD, REDUCE elements */
#define MVGPU_MAX_DIM			4096		/* MATMUL m, n, k */
#define MVGPU_MAX_SPIN_US		1000000		/* SPIN: one second */

/**
 * struct mvgpu_cmd - one command in the ring
 * @opcode: MVGPU_OP_*
 * @flags: MVGPU_CMD_FLAG_*; only FENCE takes any
 * @fence: FENCE: @addr (8-byte aligned) and @value
 * @fill: FILL: @dst and @size (4-byte aligned), @value the u32 pattern
 * @copy: COPY: @dst, @src, @size
 * @kernel: KERNEL: @kind MVGPU_KERNEL_*, arrays @a, @b, @c (4-byte
 *	aligned; REDUCE's @c 8-byte aligned), dimensions @m, @n, @k (VADD and
 *	REDUCE use @n only)
 * @spin: SPIN: @usecs
 * @timestamp: TIMESTAMP: @dst (8-byte aligned)
 * @map: MAP: @va, @target, @size (4 KiB aligned), @map_flags MVGPU_MAP_*,
 *	@ctx the context whose page table changes (0.4; 0: context 0)
 * @unmap: UNMAP: @va, @size (4 KiB aligned), @ctx as for MAP (0.4)
 * @wait: WAIT: @addr (8-byte aligned), @value
 * @context: CTX_CREATE, CTX_DESTROY, CTX_PRIORITY (0.4): @ctx the context
 *	(1 .. NUM_CONTEXTS - 1), @prio its priority (CREATE, PRIORITY; up to
 *	MVGPU_CTX_PRIO_MAX; PRIORITY may name context 0; DESTROY's must be 0)
 * @raw: the body as words
 */
struct mvgpu_cmd {
	__u32 opcode;
	__u32 flags;
	union {
		struct { __u64 addr, value, pad[5]; } fence;
		struct { __u64 dst, size; __u32 value, pad0; __u64 pad[4]; } fill;
		struct { __u64 dst, src, size, pad[4]; } copy;
		struct { __u32 kind, pad0; __u64 a, b, c; __u32 m, n, k, pad1; } kernel;
		struct { __u32 usecs, pad0; __u64 pad[6]; } spin;
		struct { __u64 dst, pad[6]; } timestamp;
		struct { __u64 va, target, size; __u32 map_flags, ctx; __u64 pad[3]; } map;
		struct { __u64 va, size; __u32 ctx, pad0; __u64 pad[4]; } unmap;
		struct { __u64 addr, value, pad[5]; } wait;
		struct { __u32 ctx, prio; __u64 pad[6]; } context;
		__u64 raw[7];
	};
};

#endif /* _UAPI_MVGPU_H */
