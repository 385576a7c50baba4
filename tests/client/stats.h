/* SPDX-License-Identifier: GPL-2.0 */
/* Medians for the benchmark programs. */
#ifndef MVGPU_STATS_H
#define MVGPU_STATS_H

#include <stdlib.h>

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (sorts @v). */
static inline double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

#endif /* MVGPU_STATS_H */
