/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_CMD_H_
#define _MVGPU_CMD_H_

#include <linux/types.h>

#include "uapi/mvgpu.h"

/**
 * struct mvgpu_cmd_error - why a command was refused
 * @code: MVGPU_ERR_*, for MVGPU_REG_ERROR_CODE
 * @info: detail for MVGPU_REG_ERROR_INFO (the opcode)
 */
struct mvgpu_cmd_error {
	u32 code;
	u32 info;
};

int mvgpu_cmd_validate(const struct mvgpu_cmd *cmd,
		       struct mvgpu_cmd_error *err);
bool mvgpu_cmd_privileged(const struct mvgpu_cmd *cmd);
bool mvgpu_cmd_for_host(const struct mvgpu_cmd *cmd);

#endif /* _MVGPU_CMD_H_ */
