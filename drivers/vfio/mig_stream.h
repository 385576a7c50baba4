/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The migration stream (uapi/mvgpu_migration.h): writing it, and reading
 * it as hostile input.  Pure code over buffers and a VRAM callback table, so
 * KUnit drives it without a vGPU.
 */
#ifndef _MVGPU_MIG_STREAM_H_
#define _MVGPU_MIG_STREAM_H_

#include <linux/types.h>

#include "uapi/mvgpu.h"
#include "uapi/mvgpu_migration.h"

struct iov_iter;
struct mvgpu_ctx_ring;

/**
 * struct mvgpu_mig_sum - a running mvgpu_mig_sum (DOC: Migration stream)
 * @lane: the four lanes
 * @words: 64-bit words so far
 */
struct mvgpu_mig_sum {
	u64 lane[4];
	u64 words;
};

void mvgpu_mig_sum_init(struct mvgpu_mig_sum *s, u64 seed);
void mvgpu_mig_sum_update(struct mvgpu_mig_sum *s, const void *buf,
			  size_t len);
u64 mvgpu_mig_sum_final(const struct mvgpu_mig_sum *s);

/**
 * struct mvgpu_mig_vram_ops - a vGPU's VRAM, as the stream sees it
 * @next_backed: the first backed page at or after an offset, or U64_MAX
 * @page_read: copy a page out (zeros if not backed)
 * @page_write: copy a page in, backing it
 *
 * Each takes the @arg of struct mvgpu_mig_desc first; see the backend's
 * &mvgpu_backend_ops.vram_next_backed and the two after it.
 */
struct mvgpu_mig_vram_ops {
	u64 (*next_backed)(void *arg, u64 off);
	int (*page_read)(void *arg, u64 off, void *buf);
	int (*page_write)(void *arg, u64 off, const void *buf);
};

/**
 * struct mvgpu_mig_desc - the vGPU at one end of a stream
 * @type_divisor: D of its type mvgpu-1_D
 * @vram_size: its VRAM bytes
 * @backend: its backend's name
 * @num_contexts: its NUM_CONTEXTS (context 0 included)
 * @gpt_max: most page-table runs its context 0 can hold (its page-table
 *	budget)
 * @gpt_ctx_max: the runs each further context adds to that (its root)
 * @vram: its VRAM
 * @gpt_next: a writer's source of page-table runs, read as the stream is
 *	(NULL: &mvgpu_mig_image.gpt and &mvgpu_mig_ctx_image.gpt): up to @max
 *	runs of context @ctx's table from *@cursor (0 the first time), in VA
 *	order; moves *@cursor past them; returns how many, 0 after the last,
 *	or -errno
 * @image_max: the largest context image its backend has
 *	(&mvgpu_backend_ops.ctx_image_max): a reader refuses a declared
 *	larger one
 * @image_read: a writer's source of the images that go in pieces, read as
 *	the stream is read: @len bytes of context @ctx's image from @off
 *	into @buf; 0 or -errno (-EIO: not the image sized any more)
 * @image_write: where a reader puts the pieces of an image, as they come
 *	(in order: each piece's @off is the bytes before it): 0, or -errno
 *	with *@why saying what was wrong (-EINVAL: refused)
 * @arg: @vram's, @gpt_next's and the image callbacks' first argument
 */
struct mvgpu_mig_desc {
	u32 type_divisor;
	u64 vram_size;
	const char *backend;
	u32 num_contexts;
	u64 gpt_max;
	u64 gpt_ctx_max;
	const struct mvgpu_mig_vram_ops *vram;
	int (*gpt_next)(void *arg, u32 ctx, u64 *cursor,
			struct mvgpu_mig_gpt_entry *e, unsigned int max);
	u64 image_max;
	int (*image_read)(void *arg, u32 ctx, u64 off, void *buf, size_t len);
	int (*image_write)(void *arg, u32 ctx, u64 off, const void *buf,
			   size_t len, const char **why);
	void *arg;
};

/**
 * struct mvgpu_mig_ctx_image - a context other than 0, in a stream
 * @hdr: its CTX section's header: number, registers, counters, ring and
 *	the length of its engine state (@hdr.context.len), which comes in
 *	pieces if @hdr.context.flags has MVGPU_MIG_CONTEXT_PIECES
 * @state: its engine state, @hdr.context.len bytes; NULL if in pieces
 *	(&mvgpu_mig_desc.image_read and @image_write move it)
 * @gpt: its page table's runs (as &mvgpu_mig_image.gpt)
 * @gpt_count: how many
 */
struct mvgpu_mig_ctx_image {
	struct mvgpu_mig_ctx hdr;
	const void *state;
	const struct mvgpu_mig_gpt_entry *gpt;
	u64 gpt_count;
};

/**
 * struct mvgpu_mig_image - everything of a stream but VRAM
 * @config: config space
 * @regs: BAR0 registers
 * @irq: interrupt delivery
 * @ring: the ring as the mediator latched it
 * @context: the backend's engine state of context 0 (NULL if in pieces)
 * @context_len: its bytes
 * @context_pieces: it goes in CTX_IMAGE pieces, not in the CONTEXT
 *	section (&mvgpu_mig_desc.image_read and @image_write move it)
 * @gpt: the page table's runs (a writer whose &mvgpu_mig_desc.gpt_next
 *	is set reads them from there, as the stream is read, and ignores it)
 * @gpt_count: how many
 * @has_ctx0: @ctx0 is in the stream (a writer writes CTX0 if set)
 * @ctx0: context 0's counters and priority
 * @ctxs: the contexts other than 0, by increasing number; a writer with
 *	any writes a version-2 stream, else a version-1 one
 * @nctx: how many
 *
 * On the reading side the pointers point into the reader's buffers and
 * live as long as it does.
 */
struct mvgpu_mig_image {
	u8 config[MVGPU_PCI_CONFIG_SIZE];
	struct mvgpu_mig_regs regs;
	struct mvgpu_mig_irq irq;
	struct mvgpu_mig_ring ring;
	const void *context;
	u32 context_len;
	bool context_pieces;
	const struct mvgpu_mig_gpt_entry *gpt;
	u64 gpt_count;
	bool has_ctx0;
	struct mvgpu_mig_ctx0 ctx0;
	const struct mvgpu_mig_ctx_image *ctxs;
	u32 nctx;
};

/**
 * struct mvgpu_mig_save_gpt - a context whose page table (and image) a
 *	writer streams
 * @id: its context
 * @count: its runs, as counted when the stream began
 * @gpt: the runs, if not from &mvgpu_mig_desc.gpt_next
 * @image: bytes of its image that go in CTX_IMAGE pieces (0: none)
 */
struct mvgpu_mig_save_gpt {
	u32 id;
	u64 count;
	const struct mvgpu_mig_gpt_entry *gpt;
	u64 image;
};

/**
 * struct mvgpu_mig_save - a stream being written (STOP_COPY)
 * @desc: the source vGPU
 * @meta: header and every section but VRAM and END
 * @meta_len: bytes at @meta
 * @chain: checksum of the last section written
 * @sections: sections written
 * @vram_pages: VRAM pages written
 * @phase: what comes next
 * @window: the next VRAM window to look at
 * @chunk: bytes ready to be read
 * @chunk_len: their number
 * @chunk_pos: how many have been read
 * @whdr: the current VRAM window's section header
 * @ghdr: the current page-table section's header (GPT, or CTX_GPT and
 *	its context's number)
 * @bit: the next page of the window to send
 * @sum: the current VRAM or page-table section's running checksum
 * @tail: a section's checksum, or the END section
 * @page: a page of VRAM or of page-table runs on its way out
 * @gpts: the page tables to stream: context 0's, then the others'
 * @ngpt: how many
 * @gpt_index: the one being streamed
 * @gpt_done: its runs written
 * @gpt_cursor: where @desc.gpt_next goes on in it
 * @ihdr: the current CTX_IMAGE section's header and piece header
 * @image_index: the context (in @gpts) whose image is being streamed
 * @image_off: the bytes of its image streamed
 * @piece_left: bytes of the current piece still to read
 * @err: the error that ended the stream, returned by every read after it
 */
struct mvgpu_mig_save {
	struct mvgpu_mig_desc desc;
	u8 *meta;
	size_t meta_len;
	u64 chain;
	u64 sections;
	u64 vram_pages;
	int phase;
	u64 window;
	const u8 *chunk;
	size_t chunk_len;
	size_t chunk_pos;
	struct {
		struct mvgpu_mig_section sec;
		struct mvgpu_mig_vram vram;
	} whdr;
	struct {
		struct mvgpu_mig_section sec;
		struct mvgpu_mig_ctx_gpt ctx;
	} ghdr;
	unsigned int bit;
	struct mvgpu_mig_sum sum;
	struct {
		struct mvgpu_mig_section sec;
		struct mvgpu_mig_end end;
		__le64 sum;
	} tail;
	u8 *page;
	struct mvgpu_mig_save_gpt *gpts;
	u32 ngpt;
	u32 gpt_index;
	u64 gpt_done;
	u64 gpt_cursor;
	struct {
		struct mvgpu_mig_section sec;
		struct mvgpu_mig_image_piece piece;
	} ihdr;
	u32 image_index;
	u64 image_off;
	u32 piece_left;
	int err;
};

int mvgpu_mig_save_init(struct mvgpu_mig_save *sv,
			const struct mvgpu_mig_desc *desc,
			const struct mvgpu_mig_image *img);
void mvgpu_mig_save_fini(struct mvgpu_mig_save *sv);
ssize_t mvgpu_mig_save_read(struct mvgpu_mig_save *sv, struct iov_iter *to);

#define MVGPU_MIG_WHY_LEN	160

/* The last section type this mvgpu knows. */
#define MVGPU_MIG_SEC_LAST	MVGPU_MIG_SEC_CTX_IMAGE

/**
 * struct mvgpu_mig_load_ctx - what a stream holds of a context
 * @buf: its CTX section's payload (not context 0's)
 * @len: its bytes
 * @gpt: its CTX_GPT section's payload (not context 0's)
 * @gpt_len: its bytes
 * @pieces: its CONTEXT or CTX section declared its image in pieces
 * @image: the bytes it declared
 * @image_done: the bytes of it the CTX_IMAGE pieces brought so far
 */
struct mvgpu_mig_load_ctx {
	void *buf;
	size_t len;
	void *gpt;
	size_t gpt_len;
	bool pieces;
	u64 image;
	u64 image_done;
};

/**
 * struct mvgpu_mig_load - a stream being read (RESUMING)
 * @desc: the destination vGPU
 * @err: 0, or the error that refused the stream (sticky)
 * @why: what was wrong, for the log
 * @pos: bytes taken so far
 * @phase: what is expected next
 * @need: bytes of it still to gather
 * @small: where a header, section header, window header or checksum is
 *	gathered
 * @sec: the current section's header
 * @sum: its running checksum
 * @chain: checksum of the last complete section (or the header)
 * @sections: complete sections
 * @vram_pages: VRAM pages written
 * @seen: bit per section type seen
 * @version: the stream's
 * @bufs: the payloads of the sections that come once, kept for the end,
 *	by type
 * @lens: their bytes
 * @cur: the payload of the CTX or CTX_GPT section being read
 * @ctx: the payloads of the contexts' sections, by context number, and
 *	their images in pieces (context 0's too)
 * @nctx: CTX sections taken
 * @gpt_runs: page-table runs in the GPT and CTX_GPT sections so far
 * @ctx_img: the contexts, decoded at the end (mvgpu_mig_load_finish())
 * @dst: where the current payload goes
 * @window: the current VRAM window's header
 * @bit: its current page
 * @piece: the current CTX_IMAGE section's piece header
 * @piece_left: its bytes (padding included) still to come
 * @chunk: the bytes of it being gathered into @page
 * @page: a page of VRAM or of an image on its way in
 */
struct mvgpu_mig_load {
	struct mvgpu_mig_desc desc;
	int err;
	char why[MVGPU_MIG_WHY_LEN];
	u64 pos;
	int phase;
	size_t need;
	u8 small[sizeof(struct mvgpu_mig_header)];
	struct mvgpu_mig_section sec;
	struct mvgpu_mig_sum sum;
	u64 chain;
	u64 sections;
	u64 vram_pages;
	u32 seen;
	u32 version;
	void *bufs[MVGPU_MIG_SEC_LAST + 1];
	size_t lens[MVGPU_MIG_SEC_LAST + 1];
	void *cur;
	struct mvgpu_mig_load_ctx ctx[MVGPU_CTX_MAX];
	u32 nctx;
	u64 gpt_runs;
	struct mvgpu_mig_ctx_image *ctx_img;
	u8 *dst;
	struct mvgpu_mig_vram window;
	unsigned int bit;
	struct mvgpu_mig_image_piece piece;
	u32 piece_left;
	size_t chunk;
	u8 *page;
};

int mvgpu_mig_load_init(struct mvgpu_mig_load *ld,
			const struct mvgpu_mig_desc *desc);
void mvgpu_mig_load_fini(struct mvgpu_mig_load *ld);
ssize_t mvgpu_mig_load_write(struct mvgpu_mig_load *ld, struct iov_iter *from);
int mvgpu_mig_load_finish(struct mvgpu_mig_load *ld,
			  struct mvgpu_mig_image *img);
__printf(2, 3)
int mvgpu_mig_refuse(struct mvgpu_mig_load *ld, const char *fmt, ...);
const char *mvgpu_mig_sec_name(u32 type);

/* mig_check.c: what a whole stream says, checked as untrusted */
int mvgpu_mig_check_image(struct mvgpu_mig_load *ld,
			  struct mvgpu_mig_image *img);
void mvgpu_mig_ring_decode(const struct mvgpu_mig_ring *g, bool latched,
			   u64 base, u32 size, struct mvgpu_ctx_ring *ring);

#endif /* _MVGPU_MIG_STREAM_H_ */
