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
#define MVGPU_UAPI_VERSION_MINOR	1
#define MVGPU_UAPI_VERSION \
	((MVGPU_UAPI_VERSION_MAJOR << 16) | MVGPU_UAPI_VERSION_MINOR)

/**
 * DOC: vGPU types
 *
 * Every parent GPU (``/sys/class/mdev_bus/mvgpu.N``) offers the same four
 * types.  The mdev core prefixes the driver name, so the type directories are
 * ``mvgpu-1_8``, ``mvgpu-1_4``, ``mvgpu-1_2`` and ``mvgpu-1_1``: a vGPU of
 * type ``mvgpu-1_D`` owns 1/D of the parent's VRAM, at most D of them fit on
 * an otherwise empty GPU, and its default scheduling weight is 8/D.
 * VRAM is shared by the types, so creating a vGPU of one type lowers
 * ``available_instances`` of the others.
 */
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
 * device ID is the type's divisor D of ``mvgpu-1_D`` (8, 4, 2 or 1), so a
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
#define MVGPU_REG_RESET			0x0070	/* WO: MVGPU_RESET_MAGIC resets */

#define MVGPU_ID_MAGIC			0x4d564750	/* "MVGP" */
#define MVGPU_RESET_MAGIC		0x52535421	/* "RST!" */

/* MVGPU_REG_CAPS bits */
#define MVGPU_CAP_MSI			0x1u
#define MVGPU_CAP_INTX			0x2u
#define MVGPU_CAP_SELFTEST		0x4u
#define MVGPU_CAP_VRAM_MMAP		0x8u

/* Interrupt causes: MVGPU_REG_INT_STATUS / _MASK / _ACK bits */
#define MVGPU_INT_SELFTEST		0x1u	/* MVGPU_REG_SELFTEST written */
#define MVGPU_INT_FENCE			0x2u	/* a FENCE asked for it */
#define MVGPU_INT_ERROR			0x4u	/* see MVGPU_REG_ERROR_* */
#define MVGPU_INT_ALL			(MVGPU_INT_SELFTEST | MVGPU_INT_FENCE | \
					 MVGPU_INT_ERROR)

/* MVGPU_REG_ERROR_CODE values; 0 means no error since the last reset */
#define MVGPU_ERR_NONE			0

#endif /* _UAPI_MVGPU_H */
