/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_GPT_H_
#define _MVGPU_GPT_H_

#include <linux/bits.h>
#include <linux/atomic.h>
#include <linux/types.h>

struct fault_attr;

/* GPU virtual addresses are MVGPU_GPT_VA_BITS wide. */
#define MVGPU_GPT_VA_BITS	40
#define MVGPU_GPT_VA_SIZE	BIT_ULL(MVGPU_GPT_VA_BITS)
#define MVGPU_GPT_PAGE_SIZE	0x1000ULL
#define MVGPU_GPT_HUGE_SIZE	0x200000ULL

/* Mapping flags, also the permission bits of a PTE. */
#define MVGPU_GPT_READ		BIT(1)
#define MVGPU_GPT_WRITE		BIT(2)
#define MVGPU_GPT_SYSMEM	BIT(4)	/* target is a guest IOVA, else VRAM */

/* Zeroed table pages kept ready for an owner that must not wait. */
#define MVGPU_GPT_SPARES	4

/**
 * struct mvgpu_gpt_budget - page-table pages that page tables share
 * @used: pages the page tables that share it hold
 * @max: most they may hold together (a map fails with -ENOSPC beyond)
 *
 * A vGPU's contexts each have a page table; their tables are one budget.
 */
struct mvgpu_gpt_budget {
	atomic_long_t used;
	unsigned long max;
};

/**
 * struct mvgpu_gpt - one GPU page table (a context's)
 * @root: the top-level table (VA bits 39..30), 1024 entries
 * @tables: page-table pages allocated, including @root's two
 * @max_tables: at most this many (map fails with -ENOSPC beyond); 0: no
 *	limit.  Bounds the host memory a vGPU's mappings can take.
 * @budget: if set, a budget this table shares with others; its pages
 *	count there too (the root's included)
 * @mapped: bytes of VA mapped
 * @put_sysmem: if set, called for every guest-memory (MVGPU_GPT_SYSMEM)
 *	range whose mapping is removed, whatever removes it: @put_arg, the
 *	guest IOVA and the bytes (one page or a large page, or part of one)
 * @put_arg: its first argument
 * @spare: zeroed pages a table is taken from first (mvgpu_gpt_add_spares())
 * @nr_spare: how many
 * @nowait: allocate no table that needs waiting (no reclaim, no memory
 *	cgroup throttling): map and unmap fail with -EAGAIN instead when
 *	@spare is empty and no page is free at once
 *
 * Not locked: the owner serialises map, unmap and translate.  Tables are
 * charged to the memory cgroup the caller has made active.
 */
struct mvgpu_gpt {
	u64 *root;
	unsigned long tables;
	unsigned long max_tables;
	struct mvgpu_gpt_budget *budget;
	u64 mapped;
	void (*put_sysmem)(void *arg, u64 iova, u64 size);
	void *put_arg;
	u64 *spare[MVGPU_GPT_SPARES];
	unsigned int nr_spare;
	bool nowait;
};

/* Page-table pages of an empty address space: the two of the root. */
#define MVGPU_GPT_ROOT_TABLES	2

/**
 * struct mvgpu_gpt_xlate - where a GPU virtual address goes
 * @target: VRAM offset or guest IOVA of the translated address
 * @flags: MVGPU_GPT_* of the mapping
 * @len: bytes from the address to the end of its page (4 KiB or 2 MiB)
 */
struct mvgpu_gpt_xlate {
	u64 target;
	u32 flags;
	u64 len;
};

unsigned int mvgpu_gpt_add_spares(struct mvgpu_gpt *pt, u64 **pages,
				  unsigned int n);

int mvgpu_gpt_init(struct mvgpu_gpt *pt, struct mvgpu_gpt_budget *budget);
void mvgpu_gpt_fini(struct mvgpu_gpt *pt);
int mvgpu_gpt_map(struct mvgpu_gpt *pt, u64 va, u64 target, u64 size,
		  u32 flags);
int mvgpu_gpt_unmap(struct mvgpu_gpt *pt, u64 va, u64 size);
int mvgpu_gpt_unmap_some(struct mvgpu_gpt *pt, u64 va, u64 size,
			 unsigned int budget, u64 *done);
void mvgpu_gpt_clear(struct mvgpu_gpt *pt);
u64 mvgpu_gpt_first_mapped(struct mvgpu_gpt *pt, u64 va, u64 size);
int mvgpu_gpt_translate(struct mvgpu_gpt *pt, u64 va, u32 access,
			struct mvgpu_gpt_xlate *x);
/**
 * struct mvgpu_gpt_span - the GPU VA an unmap touched, from the first
 *	entry it removed to the end of the last
 * @start: first byte (meaningful once @end is not 0)
 * @end: the byte after the last; 0 while nothing was removed
 */
struct mvgpu_gpt_span {
	u64 start;
	u64 end;
};

u64 mvgpu_gpt_unmap_target(struct mvgpu_gpt *pt, u64 start, u64 len,
			   bool sysmem, u64 *va, unsigned int budget,
			   unsigned int *seen, struct mvgpu_gpt_span *gone);
int mvgpu_gpt_walk(struct mvgpu_gpt *pt, u64 from,
		   int (*fn)(void *arg, u64 va, u64 target, u64 size, u32 flags),
		   void *arg);

#endif /* _MVGPU_GPT_H_ */
