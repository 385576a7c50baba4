/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP output for the host-side test programs. */
#ifndef MVGPU_TAP_H
#define MVGPU_TAP_H

#include <stdarg.h>
#include <stdio.h>

/* Weak: one pair of counters however many files of a program include this. */
int tap_n __attribute__((weak)), tap_failed __attribute__((weak));

static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define tap_diag(...) \
	do { printf("# "); printf(__VA_ARGS__); printf("\n"); fflush(stdout); } while (0)

#endif
