/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fault, as a vGPU's error registers show it.
 */
#ifndef _MVGPU_FAULT_H_
#define _MVGPU_FAULT_H_

#include <linux/types.h>

/**
 * struct mvgpu_fault - what stopped a command
 * @code: MVGPU_ERR_*, for ERROR_CODE (0: none)
 * @info: ERROR_INFO
 * @addr: FAULT_ADDR
 */
struct mvgpu_fault {
	u32 code;
	u32 info;
	u64 addr;
};

#endif /* _MVGPU_FAULT_H_ */
