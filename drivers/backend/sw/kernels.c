// SPDX-License-Identifier: GPL-2.0
/*
 * The software engine's data commands - FILL, COPY, the compute kernels and
 * SPIN - each one bounded step at a time (DOC: Preemption points).
 */

#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/processor.h>
#include <linux/string.h>

#include <asm/unaligned.h>

#include "exec.h"
#include "gmem.h"
#include "sw.h"

/*
 * A memory access failed with @err at @addr: the fault to report, or a
 * block while memory is had off the engine (DOC: Memory off the engine).
 */
enum mvgpu_step mvgpu_exec_mem_fault(struct mvgpu_bctx *b, int err,
				     u64 addr, struct mvgpu_fault *f)
{
	switch (err) {
	case -EAGAIN:
		return MVGPU_STEP_BLOCKED;
	case -EACCES:
		f->code = MVGPU_ERR_PERMISSION;
		break;
	case -ENOMEM:
		f->code = MVGPU_ERR_NO_MEMORY;
		break;
	case -EPERM:
		f->code = MVGPU_ERR_BUS_MASTER;
		break;
	default:
		f->code = MVGPU_ERR_PAGE_FAULT;
		break;
	}
	f->info = b->cmd.opcode;
	f->addr = addr;
	return MVGPU_STEP_FAULT;
}

enum mvgpu_step mvgpu_exec_fill(struct mvgpu_bctx *b,
				struct mvgpu_exec_bufs *bufs,
				const bool *preempt,
				struct mvgpu_fault *f)
{
	const typeof(b->cmd.fill) *c = &b->cmd.fill;
	u64 budget = MVGPU_STEP_BYTES;

	while (b->progress < c->size && budget) {
		u64 va = c->dst + b->progress;
		u64 n = min3(c->size - b->progress, budget,
			     PAGE_SIZE - offset_in_page(va));
		u64 fa;
		int err = mvgpu_gmem_fill32(b, &bufs->tlb, va, c->value, n, &fa);

		if (err)
			return mvgpu_exec_mem_fault(b, err, fa, f);
		b->progress += n;
		budget -= n;
		if (mvgpu_exec_stop(preempt))
			break;
	}
	return b->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

/*
 * memmove() on GPU VAs: backwards when the destination overlaps the
 * source's tail.  (Two different VAs of the same memory are not an overlap
 * the engine can see: as for a DMA engine, the result is then undefined.)
 */
enum mvgpu_step mvgpu_exec_copy(struct mvgpu_bctx *b,
				struct mvgpu_exec_bufs *bufs,
				const bool *preempt,
				struct mvgpu_fault *f)
{
	const typeof(b->cmd.copy) *c = &b->cmd.copy;
	bool back = c->dst > c->src && c->dst < c->src + c->size;
	u64 budget = MVGPU_STEP_BYTES;

	while (b->progress < c->size && budget) {
		u64 left = c->size - b->progress, n, off, fa;
		int err;

		if (back) {
			/* The tail not yet copied: [off, off + n) ends at left. */
			n = min3(left, budget,
				 (u64)offset_in_page(c->dst + left - 1) + 1);
			off = left - n;
		} else {
			off = b->progress;
			n = min3(left, budget,
				 PAGE_SIZE - offset_in_page(c->dst + off));
		}
		err = mvgpu_gmem_copy(b, &bufs->tlb, c->dst + off, c->src + off,
				      n, back, &fa);
		if (err)
			return mvgpu_exec_mem_fault(b, err, fa, f);
		b->progress += n;
		budget -= n;
		if (mvgpu_exec_stop(preempt))
			break;
	}
	return b->progress == c->size ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

enum mvgpu_step mvgpu_exec_vadd(struct mvgpu_bctx *b,
				struct mvgpu_exec_bufs *bufs,
				const bool *preempt,
				struct mvgpu_fault *f)
{
	const typeof(b->cmd.kernel) *k = &b->cmd.kernel;
	unsigned int budget = MVGPU_VADD_STEP;
	__le32 *a = bufs->a, *bb = bufs->b, *c = bufs->c;

	while (b->progress < k->n && budget) {
		u32 n = min3((u64)k->n - b->progress, (u64)budget,
			     PAGE_SIZE / 4);
		u64 off = b->progress * 4, fa;
		unsigned int i;
		int err;

		err = mvgpu_gmem_read(b, &bufs->tlb, k->a + off, a, n * 4, &fa) ?:
		      mvgpu_gmem_read(b, &bufs->tlb, k->b + off, bb, n * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(b, err, fa, f);
		for (i = 0; i < n; i++)
			c[i] = cpu_to_le32(le32_to_cpu(a[i]) + le32_to_cpu(bb[i]));
		err = mvgpu_gmem_write(b, &bufs->tlb, k->c + off, c, n * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(b, err, fa, f);
		b->progress += n;
		budget -= n;
		if (mvgpu_exec_stop(preempt))
			break;
	}
	return b->progress == k->n ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

enum mvgpu_step mvgpu_exec_reduce(struct mvgpu_bctx *b,
				  struct mvgpu_exec_bufs *bufs,
				  const bool *preempt,
				  struct mvgpu_fault *f)
{
	const typeof(b->cmd.kernel) *k = &b->cmd.kernel;
	unsigned int budget = MVGPU_REDUCE_STEP;
	__le32 *a = bufs->a;
	u64 fa;
	int err;

	while (b->progress < k->n && budget) {
		u32 n = min3((u64)k->n - b->progress, (u64)budget,
			     PAGE_SIZE / 4);
		unsigned int i;

		err = mvgpu_gmem_read(b, &bufs->tlb, k->a + b->progress * 4, a,
				      n * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(b, err, fa, f);
		for (i = 0; i < n; i++)
			b->acc += le32_to_cpu(a[i]);
		b->progress += n;
		budget -= n;
		if (mvgpu_exec_stop(preempt))
			break;
	}
	if (b->progress < k->n)
		return MVGPU_STEP_MORE;
	bufs->sum = cpu_to_le64(b->acc);
	err = mvgpu_gmem_write(b, &bufs->tlb, k->c, &bufs->sum, sizeof(bufs->sum), &fa);
	if (err)
		return mvgpu_exec_mem_fault(b, err, fa, f);
	return MVGPU_STEP_DONE;
}

/*
 * Four rows of b at once, each in place in one host page: acc[j] +=
 * a0 * r0[j] + ... + a3 * r3[j], so that each partial sum is loaded and
 * stored once for four products instead of once for each.  Returns 0, or
 * -errno with *@fa set if a row could not be read; 1 + the index of the
 * first row that spans host pages, if one does (nothing done: the caller
 * goes one row at a time up to that one).
 */
static int mvgpu_matmul_rows4(struct mvgpu_bctx *b, struct mvgpu_exec_bufs *bufs,
			      const __le32 *a, u64 va, u64 stride, u32 w,
			      u64 *fa)
{
	const __le32 *r[4];
	u32 *acc = bufs->c;
	u32 a0 = le32_to_cpu(a[0]), a1 = le32_to_cpu(a[1]);
	u32 a2 = le32_to_cpu(a[2]), a3 = le32_to_cpu(a[3]);
	int n, m, err = 0;
	u32 j;

	for (n = 0; n < 4; n++) {
		r[n] = mvgpu_gmem_peek(b, &bufs->tlb, va + n * stride, w * 4,
				       &err, fa);
		if (!r[n])
			break;
	}
	if (n == 4) {
		/* Two columns a load: 64-bit reads of each row. */
		for (j = 0; j + 2 <= w; j += 2) {
			u64 x0 = get_unaligned_le64(&r[0][j]);
			u64 x1 = get_unaligned_le64(&r[1][j]);
			u64 x2 = get_unaligned_le64(&r[2][j]);
			u64 x3 = get_unaligned_le64(&r[3][j]);

			acc[j] += a0 * (u32)x0 + a1 * (u32)x1 +
				  a2 * (u32)x2 + a3 * (u32)x3;
			acc[j + 1] += a0 * (u32)(x0 >> 32) + a1 * (u32)(x1 >> 32) +
				      a2 * (u32)(x2 >> 32) + a3 * (u32)(x3 >> 32);
		}
		if (j < w)
			acc[j] += a0 * le32_to_cpu(r[0][j]) +
				  a1 * le32_to_cpu(r[1][j]) +
				  a2 * le32_to_cpu(r[2][j]) +
				  a3 * le32_to_cpu(r[3][j]);
	}
	/* kmap_local mappings come undone in the reverse order. */
	for (m = n; m-- > 0;)
		mvgpu_gmem_unpeek(r[m]);
	if (err)
		return err;
	return n == 4 ? 0 : n + 1;
}

/*
 * c[i][j0 .. j0 + w) += a[i][k0 .. k1) * b[k0 .. k1][j0 .. j0 + w), with
 * @progress = (i, j0, k0); c's segment starts from zero when k0 is 0.  The
 * sums modulo 2^32 do not depend on how the products are split up, so the
 * result is exact however often the command is preempted (as long as c
 * does not overlap a or b: then the result is undefined).  Products go
 * four rows of b at a time while the engine is not asked to stop, one at
 * a time once it is (and where a row spans host pages), so a stop waits
 * for at most the four products in hand.
 */
/*
 * acc[0..@w) += @av * the @w elements of B at @va, one row: 0, or -errno
 * with the faulting address in *@fa.
 */
static int mvgpu_matmul_row1(struct mvgpu_bctx *b, struct mvgpu_exec_bufs *bufs,
			     u32 av, u64 va, u32 w, u64 *fa)
{
	__le32 *row = bufs->b;
	u32 *acc = bufs->c, j;
	const __le32 *r;
	int err;

	r = mvgpu_gmem_peek(b, &bufs->tlb, va, w * 4, &err, fa);
	if (!r && !err) {
		/* The row's segment spans pages: copy it. */
		err = mvgpu_gmem_read(b, &bufs->tlb, va, row, w * 4, fa);
		r = row;
	}
	if (err)
		return err;
	for (j = 0; j < w; j++)
		acc[j] += av * le32_to_cpu(r[j]);
	if (r != row)
		mvgpu_gmem_unpeek(r);
	return 0;
}

enum mvgpu_step mvgpu_exec_matmul(struct mvgpu_bctx *b,
				  struct mvgpu_exec_bufs *bufs,
				  const bool *preempt,
				  struct mvgpu_fault *f)
{
	const typeof(b->cmd.kernel) *k = &b->cmd.kernel;
	u32 i = MM_I(b->progress), j0 = MM_J(b->progress);
	u32 k0 = MM_K(b->progress), kk, k1, j, one_by_one;
	u32 w = min_t(u32, k->n - j0, MVGPU_MATMUL_COLS);
	u64 c_seg = k->c + ((u64)i * k->n + j0) * 4, fa;
	u64 stride = (u64)k->n * 4;
	__le32 *a = bufs->a;
	u32 *acc = bufs->c;
	int err;

	k1 = min_t(u32, k->k, k0 + max(1U, MVGPU_MATMUL_STEP_MACS / w));
	if (k0) {
		err = mvgpu_gmem_read(b, &bufs->tlb, c_seg, acc, w * 4, &fa);
		if (err)
			return mvgpu_exec_mem_fault(b, err, fa, f);
		for (j = 0; j < w; j++)
			acc[j] = le32_to_cpu(((__le32 *)acc)[j]);
	} else {
		memset(acc, 0, w * 4);
	}
	err = mvgpu_gmem_read(b, &bufs->tlb, k->a + ((u64)i * k->k + k0) * 4, a,
			      (k1 - k0) * 4, &fa);
	if (err)
		return mvgpu_exec_mem_fault(b, err, fa, f);
	for (kk = k0, one_by_one = k0; kk < k1;) {
		u32 av = le32_to_cpu(a[kk - k0]);
		u64 va = k->b + (u64)kk * stride + (u64)j0 * 4;

		if (kk >= one_by_one && k1 - kk >= 4 &&
		    !mvgpu_exec_stop(preempt)) {
			err = mvgpu_matmul_rows4(b, bufs, &a[kk - k0], va,
						 stride, w, &fa);
			if (err < 0)
				return mvgpu_exec_mem_fault(b, err, fa, f);
			/* Up to the row that spans pages: one at a time. */
			one_by_one = kk + err;
			if (!err) {
				kk += 4;
				if (mvgpu_exec_stop(preempt)) {
					k1 = kk;
					break;
				}
				continue;
			}
		}
		err = mvgpu_matmul_row1(b, bufs, av, va, w, &fa);
		if (err)
			return mvgpu_exec_mem_fault(b, err, fa, f);
		kk++;
		if (mvgpu_exec_stop(preempt)) {
			k1 = kk;
			break;
		}
	}
	for (j = 0; j < w; j++)
		((__le32 *)acc)[j] = cpu_to_le32(acc[j]);
	err = mvgpu_gmem_write(b, &bufs->tlb, c_seg, acc, w * 4, &fa);
	if (err)
		return mvgpu_exec_mem_fault(b, err, fa, f);

	if (k1 < k->k)
		b->progress = MM_POS(i, j0, k1);
	else if (j0 + w < k->n)
		b->progress = MM_POS(i, j0 + w, 0);
	else
		b->progress = MM_POS(i + 1, 0, 0);
	return MM_I(b->progress) == k->m ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}

/* Busy for up to MVGPU_SPIN_STEP_NS, less once the engine is asked to stop. */
enum mvgpu_step mvgpu_exec_spin(struct mvgpu_bctx *b, const bool *preempt)
{
	u64 total = (u64)b->cmd.spin.usecs * NSEC_PER_USEC;
	u64 want = min_t(u64, total - b->progress, MVGPU_SPIN_STEP_NS);
	u64 start = ktime_get_ns(), now;

	do {
		cpu_relax();
		now = ktime_get_ns();
	} while (now - start < want && !mvgpu_exec_stop(preempt));
	b->progress += now - start;
	return b->progress >= total ? MVGPU_STEP_DONE : MVGPU_STEP_MORE;
}
