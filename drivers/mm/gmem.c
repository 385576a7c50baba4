// SPDX-License-Identifier: GPL-2.0
/*
 * GPU memory access: every byte the engine reads or writes on a vGPU's
 * behalf goes through its page table to its own VRAM or to pinned guest
 * memory.
 */

#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/string.h>

#include <mvgpu/engine.h>
#include <mvgpu/vgpu.h>

#include "gmem.h"

/**
 * DOC: GPU memory access
 *
 * The engine reaches memory in runs: a GPU virtual address is translated
 * through the context's page table (the runner's translation cache, struct
 * mvgpu_tlb, answers repeated lookups without the page table's lock), and
 * the run is the rest of that host page, at most 4 KiB, copied with one
 * memcpy().  A VRAM target is an offset into the vGPU's own VRAM
 * allocation, whose host page is found without a lock (DOC: VRAM pool);
 * unbacked VRAM reads as zero without being backed, and a write backs it,
 * charged to the VM's memory cgroup.  A guest-memory target is an IOVA the
 * vGPU pinned when it was mapped (DOC: Guest memory): the engine only ever
 * touches pinned pages, so it never faults a page in and never waits on a
 * tenant's memory, and it reaches them only while the vGPU may master the
 * bus (PCI_COMMAND_MASTER), as a device's DMA does.
 */

static bool mvgpu_gmem_tlb_lookup(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb,
				  u64 va, u32 access, struct mvgpu_gpt_xlate *x)
{
	struct mvgpu_tlb_entry *e = &tlb->e[(va >> 12) % MVGPU_TLB_ENTRIES];

	if (e->ctx != ctx || e->gen != READ_ONCE(ctx->gpt_gen) ||
	    va - e->va >= e->size || (access & ~e->flags))
		return false;
	x->target = e->target + (va - e->va);
	x->flags = e->flags;
	x->len = e->size - (va - e->va);
	tlb->hits++;
	return true;
}

static int mvgpu_gmem_translate(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb,
				u64 va, u32 access, struct mvgpu_gpt_xlate *x)
{
	struct mvgpu_tlb_entry *e = &tlb->e[(va >> 12) % MVGPU_TLB_ENTRIES];
	u64 gen;
	int ret;

	if (mvgpu_gmem_tlb_lookup(ctx, tlb, va, access, x))
		return 0;
	tlb->misses++;
	mutex_lock(&ctx->gpt_lock);
	gen = ctx->gpt_gen;
	ret = mvgpu_gpt_translate(&ctx->gpt, va, access, x);
	mutex_unlock(&ctx->gpt_lock);
	if (ret)
		return ret;
	/* x->len runs to the end of the page: it tells 4 KiB from 2 MiB. */
	e->size = va + x->len - round_down(va, MVGPU_GPT_PAGE_SIZE) >
		  MVGPU_GPT_PAGE_SIZE ? MVGPU_GPT_HUGE_SIZE : MVGPU_GPT_PAGE_SIZE;
	e->va = round_down(va, e->size);
	e->target = x->target - (va - e->va);
	e->flags = x->flags;
	e->gen = gen;
	e->ctx = ctx;
	return 0;
}

/*
 * The host page behind GPU VA @va, @va's offset in it (*@off) and how many
 * bytes from @va it holds (*@run, at most @len).  A read of unbacked VRAM
 * gets the zero page.
 */
static struct page *mvgpu_gmem_page(struct mvgpu_ctx *ctx,
				    struct mvgpu_tlb *tlb, u64 va, u64 len,
				    bool write, u64 *off, u64 *run, int *err)
{
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_gpt_xlate x;
	struct page *page;

	*err = mvgpu_gmem_translate(ctx, tlb, va, write ? MVGPU_GPT_WRITE :
				    MVGPU_GPT_READ, &x);
	if (*err)
		return NULL;
	*off = offset_in_page(x.target);
	*run = min3(len, x.len, PAGE_SIZE - *off);
	if (x.flags & MVGPU_GPT_SYSMEM) {
		if (!READ_ONCE(vgpu->bus_master)) {
			*err = -EPERM;
			return NULL;
		}
		page = mvgpu_pins_page(&vgpu->pins, x.target);
		/* Entries and pins go together (DOC: Guest memory). */
		if (WARN_ON_ONCE(!page))
			*err = -EFAULT;
		return page;
	}
	page = mvgpu_vram_page(&vgpu->vram, x.target, write);
	if (IS_ERR(page)) {
		*err = PTR_ERR(page) == -ENOMEM ? -ENOMEM : -EFAULT;
		return NULL;
	}
	return page ?: ZERO_PAGE(0);
}

/* Where @va is mapped for the CPU; kunmap_local() it after use. */
static void *mvgpu_gmem_map(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb,
			    u64 va, u64 len, bool write, u64 *run, int *err)
{
	struct page *page;
	u64 off;

	page = mvgpu_gmem_page(ctx, tlb, va, len, write, &off, run, err);
	if (!page)
		return NULL;
	return kmap_local_page(page) + off;
}

/**
 * mvgpu_gmem_read() - copy GPU memory into a kernel buffer
 * @ctx: the vGPU's context, whose page table translates; the caller runs it
 * @tlb: the runner's translation cache
 * @va: first GPU virtual address
 * @buf: @len bytes
 * @len: bytes
 * @fault: see gmem.h
 *
 * Context: process context; the caller runs @ctx.
 * Return: 0 or -errno, see gmem.h.
 */
int mvgpu_gmem_read(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb, u64 va,
		    void *buf, u64 len, u64 *fault)
{
	u64 run;
	int err;

	while (len) {
		void *p = mvgpu_gmem_map(ctx, tlb, va, len, false, &run, &err);

		if (!p) {
			*fault = va;
			return err;
		}
		memcpy(buf, p, run);
		kunmap_local(p);
		buf += run;
		va += run;
		len -= run;
	}
	return 0;
}

/**
 * mvgpu_gmem_write() - copy a kernel buffer into GPU memory
 * @ctx: the vGPU's context; the caller runs it
 * @tlb: the runner's translation cache
 * @va: first GPU virtual address
 * @buf: @len bytes
 * @len: bytes
 * @fault: see gmem.h
 *
 * Context: process context; the caller runs @ctx.
 * Return: 0 or -errno, see gmem.h.
 */
int mvgpu_gmem_write(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb, u64 va,
		     const void *buf, u64 len, u64 *fault)
{
	u64 run;
	int err;

	while (len) {
		void *p = mvgpu_gmem_map(ctx, tlb, va, len, true, &run, &err);

		if (!p) {
			*fault = va;
			return err;
		}
		memcpy(p, buf, run);
		kunmap_local(p);
		buf += run;
		va += run;
		len -= run;
	}
	return 0;
}

/**
 * mvgpu_gmem_fill32() - fill GPU memory with a 32-bit pattern
 * @ctx: the vGPU's context; the caller runs it
 * @tlb: the runner's translation cache
 * @va: first GPU virtual address, 4-byte aligned
 * @value: the pattern, stored little-endian
 * @len: bytes, a multiple of 4
 * @fault: see gmem.h
 *
 * Context: process context; the caller runs @ctx.
 * Return: 0 or -errno, see gmem.h.
 */
int mvgpu_gmem_fill32(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb, u64 va,
		      u32 value, u64 len, u64 *fault)
{
	__le32 v = cpu_to_le32(value);
	u64 run, i;
	int err;

	while (len) {
		__le32 *p = mvgpu_gmem_map(ctx, tlb, va, len, true, &run, &err);

		if (!p) {
			*fault = va;
			return err;
		}
		if (value)
			for (i = 0; i < run / 4; i++)
				p[i] = v;
		else
			memset(p, 0, run);
		kunmap_local(p);
		va += run;
		len -= run;
	}
	return 0;
}

/*
 * The run of @len bytes ending at GPU VA @end (exclusive) that one host
 * page holds: its start is returned in *@start.
 */
static void *mvgpu_gmem_map_back(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb,
				 u64 end, u64 len, bool write, u64 *run,
				 int *err, u64 *fault)
{
	u64 last = end - 1, n;
	void *p;

	/* The page holding the last byte: from its start, or from end - len. */
	n = min_t(u64, len, offset_in_page(last) + 1);
	p = mvgpu_gmem_map(ctx, tlb, end - n, n, write, run, err);
	if (!p)
		*fault = end - n;
	return p;
}

/**
 * mvgpu_gmem_copy() - copy between two ranges of GPU memory
 * @ctx: the vGPU's context; the caller runs it
 * @tlb: the runner's translation cache
 * @dst: first destination GPU VA
 * @src: first source GPU VA
 * @len: bytes
 * @backward: copy from the end down, as memmove() does when the
 *	destination overlaps the end of the source
 * @fault: see gmem.h
 *
 * Host page by host page, without a bounce buffer.
 *
 * Context: process context; the caller runs @ctx.
 * Return: 0 or -errno, see gmem.h.
 */
int mvgpu_gmem_copy(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb, u64 dst,
		    u64 src, u64 len, bool backward, u64 *fault)
{
	u64 rs, rd, n;
	void *s, *d;
	int err;

	while (len) {
		if (!backward) {
			s = mvgpu_gmem_map(ctx, tlb, src, len, false, &rs, &err);
			if (!s) {
				*fault = src;
				return err;
			}
			d = mvgpu_gmem_map(ctx, tlb, dst, rs, true, &rd, &err);
			if (!d) {
				kunmap_local(s);
				*fault = dst;
				return err;
			}
		} else {
			s = mvgpu_gmem_map_back(ctx, tlb, src + len, len, false,
						&rs, &err, fault);
			if (!s)
				return err;
			d = mvgpu_gmem_map_back(ctx, tlb, dst + len, rs, true,
						&rd, &err, fault);
			if (!d) {
				kunmap_local(s);
				return err;
			}
			/* Both runs end where the copy's tail ends. */
			s += rs - rd;
		}
		n = rd;
		memmove(d, s, n);
		kunmap_local(d);
		kunmap_local(s);
		if (!backward) {
			src += n;
			dst += n;
		}
		len -= n;
	}
	return 0;
}
