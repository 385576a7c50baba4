/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_GMEM_H_
#define _MVGPU_GMEM_H_

#include <linux/types.h>

struct mvgpu_bctx;
struct mvgpu_tlb;

/*
 * Every function here returns 0 or: -EFAULT for an unmapped address,
 * -EACCES for a permission the mapping lacks, -EPERM for guest memory while
 * the vGPU may not master the bus, -EAGAIN when VRAM is being backed off
 * the engine (DOC: Memory off the engine: the step is to block and try
 * again), -ENOMEM when it could not be backed.  On error *@fault is the
 * GPU VA of the first byte that could not be accessed; bytes before it may
 * have been, except that a write stopped by -EAGAIN wrote nothing.
 */
int mvgpu_gmem_read(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb, u64 va,
		    void *buf, u64 len, u64 *fault);
const void *mvgpu_gmem_peek(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb,
			    u64 va, u64 len, int *err, u64 *fault);
void mvgpu_gmem_unpeek(const void *p);
int mvgpu_gmem_write(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb, u64 va,
		     const void *buf, u64 len, u64 *fault);
int mvgpu_gmem_fill32(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb, u64 va,
		      u32 value, u64 len, u64 *fault);
int mvgpu_gmem_copy(struct mvgpu_bctx *b, struct mvgpu_tlb *tlb, u64 dst,
		    u64 src, u64 len, bool backward, u64 *fault);

#endif /* _MVGPU_GMEM_H_ */
