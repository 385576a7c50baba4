/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_MIGRATION_H_
#define _MVGPU_MIGRATION_H_

#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/vfio.h>

#include "uapi/mvgpu.h"

struct mvgpu_mig_file;
struct mvgpu_vgpu;

/**
 * struct mvgpu_mig - a vGPU's VFIO migration state (DOC: Migration)
 * @lock: serialises state changes, VFIO_DEVICE_RESET and close; taken
 *	before the vGPU's own lock
 * @state: enum vfio_device_mig_state; @lock
 * @save: the data file of STOP_COPY, while in it; @lock
 * @load: the data file of RESUMING, while in it; @lock
 * @rs: rate limit of the refusals the log shows
 * @gpt_gen: each context's page-table generation when STOP_COPY counted
 *	its runs, by context number; the stream takes a table only while it
 *	is still that one; @lock
 * @image_gen: each context's @state_gen when STOP_COPY sized an image it
 *	streams in pieces, by context number; the stream reads it only while
 *	it is still that one; @lock
 * @load_gen: each context's @state_gen after RESUMING handed its backend
 *	the last piece of its image, by context number; a piece after it or
 *	the end of the load is refused unless it is still that one (no reset
 *	dropped the pieces); the vGPU's lock
 */
struct mvgpu_mig {
	struct mutex lock;		/* see @lock above */
	enum vfio_device_mig_state state;
	struct mvgpu_mig_file *save;
	struct mvgpu_mig_file *load;
	struct ratelimit_state rs;
	u64 gpt_gen[MVGPU_CTX_MAX];
	u64 image_gen[MVGPU_CTX_MAX];
	u64 load_gen[MVGPU_CTX_MAX];
};

void mvgpu_mig_init(struct mvgpu_vgpu *vgpu);
void mvgpu_mig_fini(struct mvgpu_vgpu *vgpu);
void mvgpu_mig_device_reset(struct mvgpu_vgpu *vgpu);

#endif /* _MVGPU_MIGRATION_H_ */
