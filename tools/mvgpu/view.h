/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Figures derived from sysfs snapshots, the same for list, top and
 * metrics: each vGPU's share of an engine and what it is entitled to,
 * rates between two snapshots, each GPU's utilisation.
 */
#ifndef MVGPU_VIEW_H
#define MVGPU_VIEW_H

#include "host.h"

struct gpu_view {
	const struct host_gpu *g;
	double util_pct;	/* of all its engines over the window */
};

struct vgpu_view {
	const struct host_vgpu *v;
	const struct host_gpu *g;
	const struct host_type *t;
	int busy;		/* received engine time in the window */
	double share_pct;	/* of one engine over the window */
	double entitled_pct;	/* see entitle(); < 0 if not busy */
	double cmds_per_s;	/* NAN without a previous snapshot */
	double preempt_per_s;	/* NAN without a previous snapshot */
	uint64_t busy_ns, cmds, faults, preemptions;
	uint64_t wait_p50_ns, wait_p99_ns;	/* UINT64_MAX if unknown */
	uint64_t weight, priority, cap;
	uint64_t vram_bytes, vram_used_bytes;
};

/*
 * Figures for every GPU and vGPU of cur (arrays of cur->ngpus and
 * cur->nvgpus).  With prev (an earlier snapshot) the window is the time
 * between the two; without, it is the kernel's last one-second window
 * (share_ppm, utilisation_ppm).
 */
void view_build(const struct host_snapshot *cur,
		const struct host_snapshot *prev, struct gpu_view *gv,
		struct vgpu_view *vv);

/* Sort vGPU views by share, largest first (then GPU, then vgpu_id). */
void view_sort_by_share(struct vgpu_view *vv, unsigned int n);

#endif
