// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu_test.ko: the KUnit suites of mvgpu.  Each suite lives next to the
 * code it tests (drivers/<area>/<file>_test.c) and reaches mvgpu.ko's
 * internals through EXPORT_SYMBOL_IF_KUNIT().  Load after mvgpu.ko; results
 * are in /sys/kernel/debug/kunit/mvgpu_<area>/results.
 */

#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for mvgpu");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
