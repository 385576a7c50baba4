// SPDX-License-Identifier: GPL-2.0
/*
 * Trace events: instantiated here, declared in trace.h.
 */

#define CREATE_TRACE_POINTS
#include "trace.h"
