/* SPDX-License-Identifier: GPL-2.0 */
/* A vGPU's migration data files (mig_file.c), for migration.c. */
#ifndef _MVGPU_MIG_FILE_H_
#define _MVGPU_MIG_FILE_H_

#include <linux/mutex.h>

#include "mig_stream.h"

struct file;
struct mvgpu_vgpu;

/**
 * struct mvgpu_mig_file - a migration data file
 * @filp: its file
 * @lock: serialises reads or writes against ending the file
 * @io_lock: one read or write at a time, whole (ending the file does not
 *	take it)
 * @vgpu: the vGPU, while not @disabled
 * @disabled: ended: reads and writes fail with -ENODEV
 * @saving: STOP_COPY (@sv), else RESUMING (@ld)
 * @reported: the log says why the stream was refused
 * @sv: the stream being written
 * @ld: the stream being read
 */
struct mvgpu_mig_file {
	struct file *filp;
	struct mutex lock;		/* see @lock above */
	struct mutex io_lock;
	struct mvgpu_vgpu *vgpu;
	bool disabled;
	bool saving;
	bool reported;
	union {
		struct mvgpu_mig_save sv;
		struct mvgpu_mig_load ld;
	};
};

struct mvgpu_mig_file *mvgpu_mig_file_new(struct mvgpu_vgpu *vgpu,
					  bool saving);
void mvgpu_mig_files_end(struct mvgpu_vgpu *vgpu);
void mvgpu_mig_report(struct mvgpu_mig_file *f);

#endif /* _MVGPU_MIG_FILE_H_ */
