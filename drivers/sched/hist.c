// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear histograms of times (include/mvgpu/hist.h): bucket bounds and
 * percentiles.  Pure code, shared by the scheduler and its statistics.
 */

#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/math64.h>

#include <mvgpu/hist.h>

/**
 * mvgpu_hist_bucket_ns() - lower bound of a histogram bucket
 * @i: bucket, 0..MVGPU_HIST_BUCKETS
 *
 * Below 8 ns a bucket is 1 ns; above, a quarter of a power of two.
 *
 * Context: any.
 * Return: nanoseconds.
 */
u64 mvgpu_hist_bucket_ns(unsigned int i)
{
	if (i < 8)
		return i;
	return (u64)(4 + (i & 3)) << (i / 4 - 1);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_hist_bucket_ns);

/**
 * mvgpu_hist_percentile() - a percentile of a histogram of times
 * @hist: MVGPU_HIST_BUCKETS counts (mvgpu_hist_bucket())
 * @pct: 1..100
 *
 * Context: any.
 * Return: the upper bound of the bucket holding the percentile, in ns; 0
 * if the histogram is empty.
 */
u64 mvgpu_hist_percentile(const u32 *hist, unsigned int pct)
{
	u64 total = 0, want, seen = 0;
	unsigned int i;

	for (i = 0; i < MVGPU_HIST_BUCKETS; i++)
		total += hist[i];
	if (!total)
		return 0;
	want = DIV_ROUND_UP_ULL(total * pct, 100);
	for (i = 0; i < MVGPU_HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= want)
			break;
	}
	return mvgpu_hist_bucket_ns(min(i + 1, (unsigned int)MVGPU_HIST_BUCKETS));
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_hist_percentile);

