/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The mvgpu migration stream: what a vGPU's VFIO migration data file
 * carries (VFIO migration protocol v2, STOP_COPY and RESUMING).
 *
 * A VMM moves the stream without looking inside (the VFIO uapi says it is
 * opaque); this header is for tools and tests that inspect or build
 * streams, and it is the contract between mvgpu modules on the two hosts.
 * Self-contained: includes <linux/types.h> only.  Every field is little
 * endian (but the engine state in the CONTEXT, CTX and CTX_IMAGE
 * sections, in the backend's own format); every reserved or padding field
 * is zero.
 */
#ifndef _UAPI_MVGPU_MIGRATION_H
#define _UAPI_MVGPU_MIGRATION_H

#include <linux/types.h>

/**
 * DOC: Migration stream
 *
 * The stream is a struct mvgpu_mig_header followed by sections.  A section
 * is a struct mvgpu_mig_section, @len bytes of payload (a multiple of 8)
 * and a __le64 checksum.  Checksums chain: the header's covers the header
 * before its @sum field, seeded with 0; each section's covers its struct
 * mvgpu_mig_section and payload, seeded with the checksum before it.  So a
 * flipped bit, a dropped, repeated or reordered section and a stream cut
 * short are all refused.
 *
 * The source writes, in this order: CONFIG, REGS, IRQ, RING, CONTEXT,
 * CTX0, one CTX per context other than 0 by increasing number, the
 * CTX_IMAGE pieces of each context whose image comes in pieces (context 0
 * first, then by increasing number), GPT, one CTX_GPT per CTX in the same
 * order, then one VRAM section per 2 MiB window of VRAM that has backed
 * pages (untouched VRAM costs nothing), then END.  A reader takes CONFIG,
 * REGS, IRQ, RING, CONTEXT and GPT exactly once each, CTX0 at most once,
 * one CTX and one CTX_GPT for each context it names (a context's CTX
 * before its CTX_GPT), a context's CTX_IMAGE pieces after the section
 * that declares its image (CONTEXT or its CTX) and in order, VRAM any
 * number of times (a later window's page replaces an earlier one: room
 * for a pre-copy phase that sends pages again), and nothing after END.  A
 * section type it does not know is refused unless MVGPU_MIG_SEC_OPTIONAL
 * is set, in which case it is skipped: later versions can add state old
 * readers may ignore.
 *
 * Context images: a context's engine state (the backend's image of it)
 * of at most MVGPU_MIG_CONTEXT_MAX bytes is carried whole in its CONTEXT
 * or CTX section, as every version has carried it.  A larger one - a
 * backend's images are as large as it says, up to its own maximum - is
 * declared there (MVGPU_MIG_CONTEXT_PIECES, its length) and follows in
 * CTX_IMAGE sections of at most MVGPU_MIG_IMAGE_PIECE bytes each, in
 * order.  A writer carries an image of up to MVGPU_MIG_CONTEXT_MAX bytes
 * whole (older readers need that); a reader also takes such an image in
 * pieces, even one of 0 bytes (then no CTX_IMAGE follows).  A reader
 * requires only that a context's pieces come after the section that
 * declares them, in order, and before END; pieces of different contexts
 * may interleave, and may come after GPT, CTX_GPT or VRAM.  CTX_IMAGE is
 * not optional: an older mvgpu refuses such a stream at its header (a
 * backend it does not have: older modules have only "sw", whose images
 * fit) or at the first CTX_IMAGE.
 *
 * Versions: a stream is version 1 when its vGPU has no context but 0
 * (uapi/mvgpu.h, DOC: Contexts), else version 2.  Version 1 has no CTX or
 * CTX_GPT section and its CTX0 is marked optional, so a reader that knows
 * only version 1 (mvgpu before stream version 2) takes it, as context 0
 * without its SEQNO, ENGINE_NS and PRIORITY; a reader of version 2 takes
 * both versions, a version-1 stream as context 0 alone, and refuses a
 * version-2 stream without a CTX section.  So a vGPU that uses context 0
 * only still moves to a host with the older module (as long as context
 * 0's image fits whole: a version-1 stream may carry CTX_IMAGE, and then
 * only a reader that knows CTX_IMAGE takes it), and one that uses more
 * contexts moves to hosts that can hold them.
 *
 * The checksum, mvgpu_mig_sum, runs over 64-bit little-endian words with
 * four lanes, word i going to lane i % 4 (P1 = 0x9e3779b185ebca87,
 * P2 = 0xc2b2ae3d27d4eb4f, P3 = 0x165667b19e3779f9)::
 *
 *	lane[j] = seed + (j + 1) * P1            (start)
 *	lane = rotl64(lane + word * P2, 31) * P1  (each word)
 *	h = rotl64(lane[0], 1) + rotl64(lane[1], 7) +
 *	    rotl64(lane[2], 12) + rotl64(lane[3], 18) + 8 * words
 *	h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
 */
#define MVGPU_MIG_MAGIC		0x47494d555047564dULL	/* "MVGPUMIG" */
#define MVGPU_MIG_VERSION	2			/* the newest; 1 is read too */
#define MVGPU_MIG_VERSION_1	1			/* context 0 only */
#define MVGPU_MIG_PAGE_SIZE	4096
#define MVGPU_MIG_WINDOW	0x200000		/* VRAM section span */
#define MVGPU_MIG_WINDOW_PAGES	(MVGPU_MIG_WINDOW / MVGPU_MIG_PAGE_SIZE)
#define MVGPU_MIG_BACKEND_LEN	16

/**
 * struct mvgpu_mig_header - the start of a stream
 * @magic: MVGPU_MIG_MAGIC
 * @version: MVGPU_MIG_VERSION_1 if the vGPU had no context but 0, else
 *	MVGPU_MIG_VERSION; a reader refuses another
 * @header_size: sizeof(struct mvgpu_mig_header)
 * @flags: zero
 * @page_size: MVGPU_MIG_PAGE_SIZE
 * @type_divisor: D of the source's vGPU type mvgpu-1_D; must be the
 *	destination's
 * @pad: zero
 * @vram_size: the source's VRAM bytes; must be the destination's
 * @backend: the name of the backend (struct mvgpu_backend_ops @name) whose
 *	engine state CONTEXT carries, NUL padded; must be the destination's
 * @reserved: zero
 * @sum: mvgpu_mig_sum of the fields before it, seed 0
 */
struct mvgpu_mig_header {
	__le64 magic;
	__le32 version;
	__le32 header_size;
	__le32 flags;
	__le32 page_size;
	__le32 type_divisor;
	__le32 pad;
	__le64 vram_size;
	char backend[MVGPU_MIG_BACKEND_LEN];
	__le64 reserved[2];
	__le64 sum;
};

/* Section types */
#define MVGPU_MIG_SEC_CONFIG	1	/* MVGPU_PCI_CONFIG_SIZE bytes */
#define MVGPU_MIG_SEC_REGS	2	/* struct mvgpu_mig_regs */
#define MVGPU_MIG_SEC_IRQ	3	/* struct mvgpu_mig_irq */
#define MVGPU_MIG_SEC_RING	4	/* struct mvgpu_mig_ring */
#define MVGPU_MIG_SEC_CONTEXT	5	/* struct mvgpu_mig_context + state */
#define MVGPU_MIG_SEC_GPT	6	/* struct mvgpu_mig_gpt_entry[] */
#define MVGPU_MIG_SEC_VRAM	7	/* struct mvgpu_mig_vram + pages */
#define MVGPU_MIG_SEC_END	8	/* struct mvgpu_mig_end */
#define MVGPU_MIG_SEC_CTX0	9	/* struct mvgpu_mig_ctx0, optional */
#define MVGPU_MIG_SEC_CTX	10	/* struct mvgpu_mig_ctx + state (v2) */
#define MVGPU_MIG_SEC_CTX_GPT	11	/* struct mvgpu_mig_ctx_gpt + runs (v2) */
#define MVGPU_MIG_SEC_CTX_IMAGE	12	/* struct mvgpu_mig_image_piece + a piece */

/* Section flags */
#define MVGPU_MIG_SEC_OPTIONAL	0x1u	/* a reader that does not know it skips it */

/**
 * struct mvgpu_mig_section - a section's header
 * @type: MVGPU_MIG_SEC_*
 * @flags: MVGPU_MIG_SEC_OPTIONAL or 0
 * @len: payload bytes, a multiple of 8
 */
struct mvgpu_mig_section {
	__le32 type;
	__le32 flags;
	__le64 len;
};

/**
 * struct mvgpu_mig_regs - the BAR0 registers that hold state
 * @int_status: INT_STATUS, a subset of MVGPU_INT_ALL
 * @int_mask: INT_MASK, a subset of MVGPU_INT_ALL
 * @doorbell: DOORBELL, the last value written
 * @error_code: ERROR_CODE, an MVGPU_ERR_*
 * @error_info: ERROR_INFO
 * @selftest_data: SELFTEST_DATA
 * @scratch: SCRATCH
 * @ring_size: RING_SIZE as written (latched once @ring_latched)
 * @ring_head: RING_HEAD
 * @engine_status: ENGINE_STATUS, an MVGPU_ENGINE_*
 * @cmds_done: CMDS_DONE
 * @ring_latched: 1 if a doorbell latched RING_BASE and RING_SIZE, else 0
 * @fault_addr: FAULT_ADDR
 * @ring_base: RING_BASE as written
 *
 * VGPU_ID, NUM_ENGINES and WATCHDOG_MS are the destination's own.
 */
struct mvgpu_mig_regs {
	__le32 int_status;
	__le32 int_mask;
	__le32 doorbell;
	__le32 error_code;
	__le32 error_info;
	__le32 selftest_data;
	__le32 scratch;
	__le32 ring_size;
	__le32 ring_head;
	__le32 engine_status;
	__le32 cmds_done;
	__le32 ring_latched;
	__le64 fault_addr;
	__le64 ring_base;
};

/* struct mvgpu_mig_irq @mode */
#define MVGPU_MIG_IRQ_NONE	0
#define MVGPU_MIG_IRQ_INTX	1
#define MVGPU_MIG_IRQ_MSI	2

/**
 * struct mvgpu_mig_irq - interrupt delivery
 * @mode: MVGPU_MIG_IRQ_*, what the source had armed
 * @msi_sent: with MSI, the pending causes already signalled (a subset of
 *	MVGPU_INT_ALL); else zero
 */
struct mvgpu_mig_irq {
	__le32 mode;
	__le32 msi_sent;
};

/**
 * struct mvgpu_mig_ring - the ring as the mediator latched it
 * @tail: tail of the last valid doorbell, < RING_SIZE, 64-byte aligned
 * @head: offset of the next command, as @tail
 * @cmds_done: commands completed since the last reset
 * @busy: 1 if a command was in flight
 * @doorbell_pending: 1 if a doorbell came while the device was stopped
 * @stopped: 1 if a fault stopped the ring
 * @pad: zero
 *
 * RING_BASE and RING_SIZE are in struct mvgpu_mig_regs; without a ring
 * latched, @tail, @head and @busy are zero.
 */
struct mvgpu_mig_ring {
	__le32 tail;
	__le32 head;
	__le64 cmds_done;
	__le32 busy;
	__le32 doorbell_pending;
	__le32 stopped;
	__le32 pad;
};

/**
 * struct mvgpu_mig_context - the backend's engine state (its context image)
 * @len: bytes of the image; without MVGPU_MIG_CONTEXT_PIECES they follow,
 *	then zeros to a multiple of 8, and are at most MVGPU_MIG_CONTEXT_MAX
 * @flags: 0, or MVGPU_MIG_CONTEXT_PIECES: nothing follows, the image comes
 *	in CTX_IMAGE sections (struct mvgpu_mig_image_piece), @len bytes in
 *	all, at most the destination backend's largest image; zero in a
 *	stream of a source before CTX_IMAGE.  Any other bit is refused (when
 *	RESUMING ends).  The field was called @pad before CTX_IMAGE: tools
 *	that name it must be changed.
 *
 * The state is the backend's (&mvgpu_backend_ops.ctx_save): the ring
 * pointers, the command in flight, its progress and accumulator, its
 * engine time.  The destination's backend checks it as it checks a guest's
 * commands.
 */
struct mvgpu_mig_context {
	__le32 len;
	__le32 flags;
};

/* struct mvgpu_mig_context @flags */
#define MVGPU_MIG_CONTEXT_PIECES	0x1u

/*
 * The most bytes of engine state a CONTEXT or CTX section carries whole:
 * all a reader before CTX_IMAGE takes, and what every image of the
 * software GPU fits in.  Not a bound on a backend's images: a larger one
 * comes in pieces.
 */
#define MVGPU_MIG_CONTEXT_MAX	4096

/* The most bytes of an image one CTX_IMAGE section carries. */
#define MVGPU_MIG_IMAGE_PIECE	65536

/**
 * struct mvgpu_mig_image_piece - a piece of a context's image
 * @id: the context: 0, whose CONTEXT section, or one whose CTX section,
 *	came before and declared its image in pieces
 * @len: bytes of the image that follow, 1 .. MVGPU_MIG_IMAGE_PIECE, then
 *	zeros to a multiple of 8
 * @offset: where they go in the image: the bytes of it the pieces before
 *	carried (pieces come in order, none twice); @offset + @len at most
 *	the length its CONTEXT or CTX section declared
 *
 * The pieces of a context, together, are its whole image: a stream whose
 * pieces end short of the declared length is refused.  The destination
 * hands each piece to its backend as it comes
 * (&mvgpu_backend_ops.ctx_restore), which checks the whole image when the
 * stream is complete.
 */
struct mvgpu_mig_image_piece {
	__le32 id;
	__le32 len;
	__le64 offset;
};

/**
 * struct mvgpu_mig_gpt_entry - a run of the GPU page table
 * @va: first GPU VA, 4 KiB aligned
 * @target: VRAM offset in the vGPU's own VRAM, or with MVGPU_MAP_SYSMEM a
 *	guest IOVA (never a host address); 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB
 * @flags: MVGPU_MAP_READ, MVGPU_MAP_WRITE, MVGPU_MAP_SYSMEM
 * @pad: zero
 *
 * Runs are mapped again on the destination with the checks of a MAP
 * command; guest memory is pinned again through the destination's VFIO
 * container when the device leaves RESUMING.
 */
struct mvgpu_mig_gpt_entry {
	__le64 va;
	__le64 target;
	__le64 size;
	__le32 flags;
	__le32 pad;
};

/**
 * struct mvgpu_mig_vram - a window of VRAM
 * @offset: first byte of the window, a multiple of MVGPU_MIG_WINDOW
 * @bitmap: the window's pages that follow, bit i of word i / 64 for the
 *	page at @offset + i * MVGPU_MIG_PAGE_SIZE; not empty
 *
 * Followed by MVGPU_MIG_PAGE_SIZE bytes for each page in @bitmap, in order.
 * Pages outside @bitmap are left as they are (zero, on a fresh device).
 */
struct mvgpu_mig_vram {
	__le64 offset;
	__le64 bitmap[MVGPU_MIG_WINDOW_PAGES / 64];
};

/**
 * struct mvgpu_mig_end - the end of a stream
 * @sections: sections before this one
 * @vram_pages: VRAM pages in them
 */
struct mvgpu_mig_end {
	__le64 sections;
	__le64 vram_pages;
};

/*
 * Counters a migration carries: a SEQNO or ENGINE_NS at or above this is
 * none a device can have (centuries of work), and is refused.
 */
#define MVGPU_MIG_COUNT_MAX	0x4000000000000000ULL	/* 2^62 */

/**
 * struct mvgpu_mig_ctx0 - context 0's counters and priority
 * @seqno: its SEQNO; at least the RING section's @cmds_done, below
 *	MVGPU_MIG_COUNT_MAX
 * @engine_ns: its ENGINE_NS, below MVGPU_MIG_COUNT_MAX
 * @prio: its PRIORITY, MVGPU_CTX_PRIO_LOW .. MVGPU_CTX_PRIO_MAX
 * @pad: zero
 *
 * Written with MVGPU_MIG_SEC_OPTIONAL, in both versions.  Without it (a
 * source before stream version 2, or a reader that skips it), context 0's
 * SEQNO on the destination counts from its CMDS_DONE, its ENGINE_NS from 0
 * and its priority is MVGPU_CTX_PRIO_HIGH.
 */
struct mvgpu_mig_ctx0 {
	__le64 seqno;
	__le64 engine_ns;
	__le32 prio;
	__le32 pad;
};

/**
 * struct mvgpu_mig_ctx - a context other than 0 (version 2)
 * @id: its number, 1 .. the vGPU's NUM_CONTEXTS - 1; one CTX section each
 * @prio: its PRIORITY, MVGPU_CTX_PRIO_LOW .. MVGPU_CTX_PRIO_MAX
 * @seqno: its SEQNO; at least @ring.cmds_done, below MVGPU_MIG_COUNT_MAX
 * @engine_ns: its ENGINE_NS, below MVGPU_MIG_COUNT_MAX
 * @ring_base: its RING_BASE as written (latched once @ring_latched)
 * @ring_size: its RING_SIZE as written (latched once @ring_latched)
 * @ring_latched: 1 if a doorbell latched RING_BASE and RING_SIZE, else 0
 * @doorbell: its DOORBELL, the last value written
 * @ring_head: its RING_HEAD: below @ring_size and a multiple of
 *	MVGPU_CMD_SIZE once @ring_latched, else 0
 * @status: its STATUS, an MVGPU_ENGINE_*; MVGPU_ENGINE_STOPPED exactly
 *	when @ring.stopped is 1
 * @error_code: its ERROR_CODE, an MVGPU_ERR_*
 * @error_info: its ERROR_INFO
 * @int_status: its INT_STATUS, a subset of MVGPU_INT_FENCE | MVGPU_INT_ERROR
 * @int_mask: its INT_MASK, a subset of MVGPU_INT_FENCE | MVGPU_INT_ERROR
 * @pad: zero
 * @fault_addr: its FAULT_ADDR
 * @ring: its ring as the mediator latched it, as the RING section is
 *	context 0's (RING_BASE and RING_SIZE are the fields above)
 * @context: the length of the backend's engine state, and whether it
 *	follows or comes in pieces, as the CONTEXT section's
 *
 * Followed by @context.len bytes of the context's engine state, in the
 * backend's format, then zeros to a multiple of 8 (nothing, if it comes in
 * CTX_IMAGE pieces).  The context is made
 * again on the destination as CTX_CREATE makes it, with its page table
 * from its CTX_GPT section, and runs when the device does.
 */
struct mvgpu_mig_ctx {
	__le32 id;
	__le32 prio;
	__le64 seqno;
	__le64 engine_ns;
	__le64 ring_base;
	__le32 ring_size;
	__le32 ring_latched;
	__le32 doorbell;
	__le32 ring_head;
	__le32 status;
	__le32 error_code;
	__le32 error_info;
	__le32 int_status;
	__le32 int_mask;
	__le32 pad;
	__le64 fault_addr;
	struct mvgpu_mig_ring ring;
	struct mvgpu_mig_context context;
};

/**
 * struct mvgpu_mig_ctx_gpt - a context's page table (version 2)
 * @id: the context, whose CTX section came before; one CTX_GPT each
 * @pad: zero
 *
 * Followed by the context's page-table runs, struct mvgpu_mig_gpt_entry
 * as in the GPT section (context 0's).  The runs of all page-table
 * sections together are at most as many as the destination's page-table
 * budget has entries, the roots of its contexts included.
 */
struct mvgpu_mig_ctx_gpt {
	__le32 id;
	__le32 pad;
};

#endif /* _UAPI_MVGPU_MIGRATION_H */
