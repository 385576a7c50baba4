/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_GMEM_H_
#define _MVGPU_GMEM_H_

#include <linux/types.h>

struct mvgpu_ctx;
struct mvgpu_tlb;

int mvgpu_gmem_rw(struct mvgpu_ctx *ctx, struct mvgpu_tlb *tlb, u64 va,
		  void *buf, u64 len, bool write, u64 *fault);

#endif /* _MVGPU_GMEM_H_ */
