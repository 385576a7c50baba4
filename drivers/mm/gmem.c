// SPDX-License-Identifier: GPL-2.0
/*
 * GPU memory access: every byte the engine reads or writes on a vGPU's
 * behalf goes through its page table to its own VRAM or to guest memory.
 */

#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/vfio.h>

#include <mvgpu/engine.h>
#include <mvgpu/vgpu.h>

#include "gmem.h"

/**
 * DOC: GPU memory access
 *
 * mvgpu_gmem_rw() translates a GPU virtual address range through the
 * context's page table, one page (4 KiB or 2 MiB) at a time, and checks the
 * permission the access needs.  A VRAM target is an offset into the vGPU's
 * own VRAM allocation, resolved to the pool's host page by
 * mvgpu_vram_get_page(); unbacked VRAM reads as zero without being backed.
 * A system-memory target is an IOVA of the VM, reached with vfio_dma_rw(),
 * which checks it against the VM's current DMA mappings on every access:
 * an IOVA the VM never mapped, or has unmapped, faults like an unmapped
 * GPU VA.  The page table lock is held only to walk the table; the runner's
 * translation cache (struct mvgpu_tlb) answers repeated lookups without it.
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

static int mvgpu_gmem_vram(struct mvgpu_vram *vram, u64 off, void *buf,
			   u64 len, bool write)
{
	while (len) {
		u64 n = min_t(u64, len, PAGE_SIZE - offset_in_page(off));
		struct page *page = mvgpu_vram_get_page(vram, off, write);
		void *va;

		if (IS_ERR(page))
			return PTR_ERR(page) == -ENOMEM ? -ENOMEM : -EFAULT;
		if (!page) {
			memset(buf, 0, n);
		} else {
			va = kmap_local_page(page);
			if (write)
				memcpy(va + offset_in_page(off), buf, n);
			else
				memcpy(buf, va + offset_in_page(off), n);
			kunmap_local(va);
			put_page(page);
		}
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

/**
 * mvgpu_gmem_rw() - copy between GPU virtual memory and a kernel buffer
 * @ctx: the vGPU's context, whose page table translates
 * @tlb: the runner's translation cache
 * @va: first GPU virtual address
 * @buf: kernel buffer of @len bytes
 * @len: bytes
 * @write: copy @buf to GPU memory, else GPU memory to @buf
 * @fault: set to the first address that could not be accessed, on error
 *
 * Context: process context (may sleep); the caller runs @ctx.
 * Return: 0; -EFAULT for an unmapped address (or an IOVA the VM has not
 * mapped), -EACCES for a permission the mapping lacks, -ENOMEM.  Bytes
 * before *@fault may have been copied.
 */
int mvgpu_gmem_rw(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb, u64 va,
		  void *buf, u64 len, bool write, u64 *fault)
{
	u32 access = write ? MVGPU_GPT_WRITE : MVGPU_GPT_READ;
	struct mvgpu_vgpu *vgpu = ctx->vgpu;
	struct mvgpu_gpt_xlate x;
	int ret;

	while (len) {
		u64 n;

		ret = mvgpu_gmem_translate(ctx, tlb, va, access, &x);
		if (ret)
			goto fault;
		n = min(len, x.len);
		if (x.flags & MVGPU_GPT_SYSMEM)
			ret = vfio_dma_rw(&vgpu->vdev, x.target, buf, n, write) ?
			      -EFAULT : 0;
		else
			ret = mvgpu_gmem_vram(&vgpu->vram, x.target, buf, n,
					      write);
		if (ret)
			goto fault;
		buf += n;
		va += n;
		len -= n;
	}
	return 0;

fault:
	*fault = va;
	return ret;
}
