/* SPDX-License-Identifier: GPL-2.0 */
/* A vGPU's contexts in a migration (mig_ctx.c), for migration.c. */
#ifndef _MVGPU_MIG_CTX_H_
#define _MVGPU_MIG_CTX_H_

#include <linux/types.h>

#include "uapi/mvgpu_migration.h"

struct mvgpu_ctx;
struct mvgpu_ctx_ring;
struct mvgpu_mig_image;
struct mvgpu_mig_load;
struct mvgpu_vgpu;

int mvgpu_mig_gpt_next(void *arg, u32 id, u64 *cursor,
		       struct mvgpu_mig_gpt_entry *e, unsigned int max);
void mvgpu_mig_ring_encode(const struct mvgpu_ctx_ring *r,
			   struct mvgpu_mig_ring *g);
int mvgpu_mig_capture_ctxs(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_image *img);
void mvgpu_mig_release_ctxs(struct mvgpu_mig_image *img);
int mvgpu_mig_image_read(void *arg, u32 id, u64 off, void *buf, size_t len);
int mvgpu_mig_image_write(void *arg, u32 id, u64 off, const void *buf,
			  size_t len, const char **why);
int mvgpu_mig_load_runs(struct mvgpu_ctx *ctx, struct mvgpu_mig_load *ld,
			const struct mvgpu_mig_gpt_entry *gpt, u64 count);
int mvgpu_mig_apply_ctx0(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_load *ld,
			 const struct mvgpu_mig_image *img);
int mvgpu_mig_apply_ctxs(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_load *ld,
			 const struct mvgpu_mig_image *img);
void mvgpu_mig_commit_ctxs_locked(struct mvgpu_vgpu *vgpu,
				  const struct mvgpu_mig_image *img);

#endif /* _MVGPU_MIG_CTX_H_ */
