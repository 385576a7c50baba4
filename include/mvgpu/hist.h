/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear histograms of times, as the scheduler and the engines keep
 * them.
 */
#ifndef _MVGPU_HIST_H_
#define _MVGPU_HIST_H_

#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/types.h>

#define MVGPU_HIST_BUCKETS	128

/**
 * mvgpu_hist_bucket() - the bucket a time goes in
 * @ns: the time
 *
 * Below 8 ns one bucket per nanosecond, above, four per power of two
 * (mvgpu_hist_bucket_ns() gives their lower bounds); the last bucket takes
 * everything above.
 *
 * Context: any.
 * Return: the bucket, 0..MVGPU_HIST_BUCKETS - 1.
 */
static inline unsigned int mvgpu_hist_bucket(u64 ns)
{
	unsigned int l;

	if (ns < 8)
		return ns;
	l = ilog2(ns);
	return min_t(unsigned int, 4 * (l - 1) + ((ns >> (l - 2)) & 3),
		     MVGPU_HIST_BUCKETS - 1);
}

u64 mvgpu_hist_bucket_ns(unsigned int i);
u64 mvgpu_hist_percentile(const u32 *hist, unsigned int pct);

#endif /* _MVGPU_HIST_H_ */
