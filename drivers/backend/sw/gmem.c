// SPDX-License-Identifier: GPL-2.0
/*
 * GPU memory access: every byte the engine reads or writes on a vGPU's
 * behalf goes through its page table to its own VRAM or to pinned guest
 * memory.
 */

#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/workqueue.h>
#include <linux/string.h>

#include "mm/aspace.h"

#include "gmem.h"
#include "sw.h"

/**
 * DOC: GPU memory access
 *
 * The engine reaches memory in runs: a GPU virtual address is translated
 * through the context's address space (the core's page table, struct
 * mvgpu_aspace; the runner's translation cache, struct mvgpu_tlb, answers
 * repeated lookups without its lock), and
 * the run is the rest of that host page, at most 4 KiB, copied in one go
 * (whole words where it can).  A VRAM target is an offset into the vGPU's own VRAM
 * allocation, whose host page is found without a lock (DOC: VRAM pool);
 * unbacked VRAM reads as zero without being backed, and a write backs it,
 * charged to the VM's memory cgroup.  A guest-memory target is an IOVA the
 * vGPU pinned when it was mapped (DOC: Guest memory): the engine only ever
 * touches pinned pages, so it never faults a page in and never waits on a
 * tenant's memory, and it reaches them only while the vGPU may master the
 * bus (PCI_COMMAND_MASTER), as a device's DMA does.
 */

/*
 * The engine's memmove() and memset(0): whole words where the run allows
 * (both ends and the length 8-byte aligned, as the commands' operands
 * mostly are), else the kernel's.  Not the kernel's for everything: on a
 * CPU with ERMS, x86's memcpy() is one `rep movsb`, which a hypervisor that
 * emulates the CPU (QEMU TCG, where this GPU is tested and measured)
 * executes a byte at a time, four times slower than the same bytes moved
 * by this loop; on hardware both run at the memory's speed.  The volatile
 * accesses keep the compiler from making the loop a memmove() call again.
 */
static void mvgpu_gmem_move(void *dst, const void *src, size_t n)
{
	u64 *d = dst;
	const u64 *s = src;
	size_t i, words = n / 8;

	if (((unsigned long)dst | (unsigned long)src | n) & 7) {
		memmove(dst, src, n);
	} else if (dst <= src || dst >= src + n) {
		for (i = 0; i + 8 <= words; i += 8) {
			u64 w0 = READ_ONCE(s[i]), w1 = READ_ONCE(s[i + 1]);
			u64 w2 = READ_ONCE(s[i + 2]), w3 = READ_ONCE(s[i + 3]);
			u64 w4 = READ_ONCE(s[i + 4]), w5 = READ_ONCE(s[i + 5]);
			u64 w6 = READ_ONCE(s[i + 6]), w7 = READ_ONCE(s[i + 7]);

			WRITE_ONCE(d[i], w0);
			WRITE_ONCE(d[i + 1], w1);
			WRITE_ONCE(d[i + 2], w2);
			WRITE_ONCE(d[i + 3], w3);
			WRITE_ONCE(d[i + 4], w4);
			WRITE_ONCE(d[i + 5], w5);
			WRITE_ONCE(d[i + 6], w6);
			WRITE_ONCE(d[i + 7], w7);
		}
		for (; i < words; i++)
			WRITE_ONCE(d[i], READ_ONCE(s[i]));
	} else {
		for (i = words; i-- > 0;)
			WRITE_ONCE(d[i], READ_ONCE(s[i]));
	}
}

static void mvgpu_gmem_zero(void *dst, size_t n)
{
	u64 *d = dst;
	size_t i;

	if (((unsigned long)dst | n) & 7) {
		memset(dst, 0, n);
		return;
	}
	for (i = 0; i < n / 8; i++)
		WRITE_ONCE(d[i], 0);
}

static bool mvgpu_gmem_tlb_lookup(struct mvgpu_aspace *as, struct mvgpu_tlb *tlb,
				  u64 va, u32 access, struct mvgpu_gpt_xlate *x)
{
	struct mvgpu_tlb_entry *e = &tlb->e[(va >> 12) % MVGPU_TLB_ENTRIES];

	if (e->as != as || e->gen != mvgpu_aspace_gen(as) ||
	    va - e->va >= e->size || (access & ~e->flags))
		return false;
	x->target = e->target + (va - e->va);
	x->flags = e->flags;
	x->len = e->size - (va - e->va);
	tlb->hits++;
	return true;
}

static int mvgpu_gmem_translate(struct mvgpu_aspace *as, struct mvgpu_tlb *tlb,
				u64 va, u32 access, struct mvgpu_gpt_xlate *x)
{
	struct mvgpu_tlb_entry *e = &tlb->e[(va >> 12) % MVGPU_TLB_ENTRIES];
	u64 gen;
	int ret;

	if (mvgpu_gmem_tlb_lookup(as, tlb, va, access, x))
		return 0;
	tlb->misses++;
	ret = mvgpu_aspace_translate(as, va, access, x, &gen);
	if (ret)
		return ret;
	/* x->len runs to the end of the page: it tells 4 KiB from 2 MiB. */
	e->size = va + x->len - round_down(va, MVGPU_GPT_PAGE_SIZE) >
		  MVGPU_GPT_PAGE_SIZE ? MVGPU_GPT_HUGE_SIZE : MVGPU_GPT_PAGE_SIZE;
	e->va = round_down(va, e->size);
	e->target = x->target - (va - e->va);
	e->flags = x->flags;
	e->gen = gen;
	e->as = as;
	return 0;
}

/*
 * The host page behind GPU VA @va, @va's offset in it (*@off) and how many
 * bytes from @va it holds (*@run, at most @len).  A read of unbacked VRAM
 * gets the zero page; a write of it that cannot back it at once fails with
 * -EAGAIN and *@off the VRAM offset to back.
 */
static struct page *mvgpu_gmem_page(struct mvgpu_bctx *b,
				    struct mvgpu_tlb *tlb, u64 va, u64 len,
				    bool write, u64 *off, u64 *run, int *err)
{
	struct mvgpu_gpt_xlate x;
	struct page *page;

	*err = mvgpu_gmem_translate(b->as, tlb, va, write ? MVGPU_GPT_WRITE :
				    MVGPU_GPT_READ, &x);
	if (*err)
		return NULL;
	*off = offset_in_page(x.target);
	*run = min3(len, x.len, PAGE_SIZE - *off);
	if (x.flags & MVGPU_GPT_SYSMEM) {
		if (!READ_ONCE(b->as->bus_master)) {
			*err = -EPERM;
			return NULL;
		}
		page = mvgpu_aspace_sysmem_page(b->as, x.target);
		/* Entries and pins go together (DOC: Guest memory). */
		if (WARN_ON_ONCE(!page))
			*err = -EFAULT;
		return page;
	}
	page = write ? mvgpu_sw_vram_page_nowait(b->vram, x.target) :
		       mvgpu_sw_vram_page(b->vram, x.target, false);
	if (IS_ERR(page)) {
		*err = PTR_ERR(page) == -EAGAIN ? -EAGAIN : -EFAULT;
		if (*err == -EAGAIN)
			*off = x.target;	/* the VRAM offset to back */
		return NULL;
	}
	return page ?: ZERO_PAGE(0);
}

/*
 * A VRAM page that could not be backed without waiting: have it backed off
 * the engine.  -EAGAIN (the step blocks and is tried again) or -ENOMEM
 * (even waiting did not get it).
 */
static int mvgpu_gmem_wanted(struct mvgpu_bctx *b, int err, u64 vram_off)
{
	if (err != -EAGAIN)
		return err;
	return mvgpu_sw_mem_defer(b, MVGPU_SW_MEM_VRAM, vram_off);
}

/* Where @va is mapped for the CPU; kunmap_local() it after use. */
static void *mvgpu_gmem_map(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb,
			    u64 va, u64 len, bool write, u64 *run, int *err)
{
	struct page *page;
	u64 off;

	page = mvgpu_gmem_page(b, tlb, va, len, write, &off, run, err);
	if (!page) {
		*err = mvgpu_gmem_wanted(b, *err, off);
		return NULL;
	}
	return kmap_local_page(page) + off;
}

/**
 * mvgpu_gmem_read() - copy GPU memory into a kernel buffer
 * @b: the context, whose address space translates; the caller runs it
 * @tlb: the runner's translation cache
 * @va: first GPU virtual address
 * @buf: @len bytes
 * @len: bytes
 * @fault: see gmem.h
 *
 * Context: process context; the caller runs @b.
 * Return: 0 or -errno, see gmem.h.
 */
int mvgpu_gmem_read(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb, u64 va,
		    void *buf, u64 len, u64 *fault)
{
	u64 run;
	int err;

	while (len) {
		void *p = mvgpu_gmem_map(b, tlb, va, len, false, &run, &err);

		if (!p) {
			*fault = va;
			return err;
		}
		mvgpu_gmem_move(buf, p, run);
		kunmap_local(p);
		buf += run;
		va += run;
		len -= run;
	}
	return 0;
}

/**
 * mvgpu_gmem_peek() - read GPU memory in place, if one host page holds it
 * @b: the context, whose address space translates; the caller runs it
 * @tlb: the runner's translation cache
 * @va: first GPU virtual address
 * @len: bytes
 * @err: 0, or -errno as for mvgpu_gmem_read()
 * @fault: see gmem.h
 *
 * For operands read over and over (MATMUL's rows of b): no copy.
 *
 * Context: process context; the caller runs @b.
 * Return: where the bytes are (mvgpu_gmem_unpeek() it after use); NULL with
 * *@err 0 if they span host pages (use mvgpu_gmem_read()), NULL with *@err
 * set on error.
 */
const void *mvgpu_gmem_peek(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb,
			    u64 va, u64 len, int *err, u64 *fault)
{
	u64 run;
	void *p = mvgpu_gmem_map(b, tlb, va, len, false, &run, err);

	if (!p) {
		*fault = va;
		return NULL;
	}
	*err = 0;
	if (run < len) {
		kunmap_local(p);
		return NULL;
	}
	return p;
}

/**
 * mvgpu_gmem_unpeek() - done with what mvgpu_gmem_peek() returned
 * @p: its pointer; the last one peeked and not yet undone
 */
void mvgpu_gmem_unpeek(const void *p)
{
	kunmap_local(p);
}

/**
 * mvgpu_gmem_write() - copy a kernel buffer into GPU memory
 * @b: the context; the caller runs it
 * @tlb: the runner's translation cache
 * @va: first GPU virtual address
 * @buf: @len bytes
 * @len: bytes
 * @fault: see gmem.h
 *
 * Context: process context; the caller runs @b.
 * Return: 0 or -errno, see gmem.h.
 */
int mvgpu_gmem_write(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb, u64 va,
		     const void *buf, u64 len, u64 *fault)
{
	u64 run, off, v;
	int err;

	/*
	 * Across pages, make sure of every one first: a write that stops for
	 * memory (-EAGAIN) has then written nothing, and the step that
	 * retries it finds its inputs as they were.
	 */
	for (v = va; offset_in_page(va) + len > PAGE_SIZE && v < va + len;
	     v += run) {
		if (!mvgpu_gmem_page(b, tlb, v, va + len - v, true, &off, &run,
				     &err)) {
			*fault = v;
			return mvgpu_gmem_wanted(b, err, off);
		}
	}
	while (len) {
		void *p = mvgpu_gmem_map(b, tlb, va, len, true, &run, &err);

		if (!p) {
			*fault = va;
			return err;
		}
		mvgpu_gmem_move(p, buf, run);
		kunmap_local(p);
		buf += run;
		va += run;
		len -= run;
	}
	return 0;
}

/**
 * mvgpu_gmem_fill32() - fill GPU memory with a 32-bit pattern
 * @b: the context; the caller runs it
 * @tlb: the runner's translation cache
 * @va: first GPU virtual address, 4-byte aligned
 * @value: the pattern, stored little-endian
 * @len: bytes, a multiple of 4
 * @fault: see gmem.h
 *
 * Context: process context; the caller runs @b.
 * Return: 0 or -errno, see gmem.h.
 */
int mvgpu_gmem_fill32(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb, u64 va,
		      u32 value, u64 len, u64 *fault)
{
	__le32 v = cpu_to_le32(value);
	u64 run, i;
	int err;

	while (len) {
		__le32 *p = mvgpu_gmem_map(b, tlb, va, len, true, &run, &err);

		if (!p) {
			*fault = va;
			return err;
		}
		if (value)
			for (i = 0; i < run / 4; i++)
				p[i] = v;
		else
			mvgpu_gmem_zero(p, run);
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
static void *mvgpu_gmem_map_back(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb,
				 u64 end, u64 len, bool write, u64 *run,
				 int *err, u64 *fault)
{
	u64 last = end - 1, n;
	void *p;

	/* The page holding the last byte: from its start, or from end - len. */
	n = min_t(u64, len, offset_in_page(last) + 1);
	p = mvgpu_gmem_map(b, tlb, end - n, n, write, run, err);
	if (!p)
		*fault = end - n;
	return p;
}

/**
 * mvgpu_gmem_copy() - copy between two ranges of GPU memory
 * @b: the context; the caller runs it
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
 * Context: process context; the caller runs @b.
 * Return: 0 or -errno, see gmem.h.
 */
int mvgpu_gmem_copy(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb, u64 dst,
		    u64 src, u64 len, bool backward, u64 *fault)
{
	u64 rs, rd, n;
	void *s, *d;
	int err;

	while (len) {
		if (!backward) {
			s = mvgpu_gmem_map(b, tlb, src, len, false, &rs, &err);
			if (!s) {
				*fault = src;
				return err;
			}
			d = mvgpu_gmem_map(b, tlb, dst, rs, true, &rd, &err);
			if (!d) {
				kunmap_local(s);
				*fault = dst;
				return err;
			}
		} else {
			s = mvgpu_gmem_map_back(b, tlb, src + len, len, false,
						&rs, &err, fault);
			if (!s)
				return err;
			d = mvgpu_gmem_map_back(b, tlb, dst + len, rs, true,
						&rd, &err, fault);
			if (!d) {
				kunmap_local(s);
				return err;
			}
			/* Both runs end where the copy's tail ends. */
			s += rs - rd;
		}
		n = rd;
		mvgpu_gmem_move(d, s, n);
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

/**
 * DOC: Memory off the engine
 *
 * An engine never waits for memory: it is shared, and a tenant whose
 * memory cgroup is at its limit (reclaim) or over its high mark (throttled
 * for up to seconds per allocation) must not hold it.  So what an engine
 * allocates - a VRAM page on first write, a page-table page for a MAP or
 * UNMAP - it takes only if it is free at once.  If not, the step stops
 * before it has changed anything, the context gives the engine up as
 * blocked (the core polls it, as a WAIT), and a worker gets the memory
 * where waiting is fine, charged to the same memory cgroup.  The next try
 * finds it; if the worker could not get it either, the command faults
 * with MVGPU_ERR_NO_MEMORY.  The time the worker waits is not engine time.
 */

/**
 * mvgpu_sw_mem_work() - get the memory a step is waiting for
 * @work: &mvgpu_bctx.mem_work
 *
 * Context: process context (the vGPU's worker, in its VMM's cgroups); may
 * sleep.
 */
void mvgpu_sw_mem_work(struct kthread_work *work)
{
	struct mvgpu_bctx *b = container_of(work, struct mvgpu_bctx, mem_work);
	struct mem_cgroup *old = set_active_memcg(READ_ONCE(b->vram->memcg));
	bool failed;

	if (b->mem_need == MVGPU_SW_MEM_VRAM)
		failed = IS_ERR(mvgpu_sw_vram_page(b->vram, b->mem_off, true));
	else
		failed = mvgpu_aspace_refill(b->as) != 0;
	set_active_memcg(old);
	b->mem_failed = failed;
	/* Pairs with mvgpu_sw_mem_defer(): @mem_failed is seen with it. */
	smp_store_release(&b->mem_busy, false);
}

/**
 * mvgpu_sw_mem_defer() - a step needs memory it could not have at once
 * @b: the context; the caller runs it
 * @need: what
 * @off: for MVGPU_SW_MEM_VRAM, the VRAM offset
 *
 * Context: the context's runner; does not sleep.
 * Return: -EAGAIN: a worker gets it, the step is to block and try again;
 * -ENOMEM: the worker could not get it, the step is to fail.
 */
int mvgpu_sw_mem_defer(struct mvgpu_bctx *b, enum mvgpu_sw_mem need, u64 off)
{
	struct kthread_worker *worker;

	/* Pairs with mvgpu_sw_mem_work(): its @mem_failed is seen after. */
	if (smp_load_acquire(&b->mem_busy))
		return -EAGAIN;
	if (b->mem_failed && b->mem_need == need &&
	    (need != MVGPU_SW_MEM_VRAM || b->mem_off == off)) {
		b->mem_failed = false;
		return -ENOMEM;
	}
	worker = READ_ONCE(b->vram->worker);
	/* Runs only while open, so only a bug finds no worker. */
	if (WARN_ON_ONCE(!worker))
		return -ENOMEM;
	b->mem_need = need;
	b->mem_off = off;
	b->mem_failed = false;
	WRITE_ONCE(b->mem_busy, true);
	kthread_queue_work(worker, &b->mem_work);
	return -EAGAIN;
}

/**
 * mvgpu_sw_mem_cancel() - forget what the context was waiting for
 * @b: the context; nobody runs it
 *
 * For a reset and for teardown: waits for the worker if it is on it.
 *
 * Context: process context; may sleep.
 */
void mvgpu_sw_mem_cancel(struct mvgpu_bctx *b)
{
	kthread_cancel_work_sync(&b->mem_work);
	/*
	 * Unbound from the worker (a kthread_work stays bound to the first
	 * it was queued on): the vGPU's next opening has a new one, and the
	 * core resets every context before it lets the old one go.
	 */
	kthread_init_work(&b->mem_work, mvgpu_sw_mem_work);
	b->mem_busy = false;
	b->mem_failed = false;
}
