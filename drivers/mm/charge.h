/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_MM_CHARGE_H_
#define _MVGPU_MM_CHARGE_H_

#include <linux/sizes.h>
#include <linux/types.h>

struct page;

/* What a tenant's memory leaves free below its VMM cgroup's memory.max. */
#define MVGPU_CHARGE_HEADROOM	SZ_4M

bool mvgpu_charge_room(struct page *page, bool may_reclaim);
bool mvgpu_fail_nowait(void);
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
extern struct fault_attr mvgpu_fail_nowait_attr;
#endif

#endif /* _MVGPU_MM_CHARGE_H_ */
