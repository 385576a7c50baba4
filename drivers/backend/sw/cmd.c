// SPDX-License-Identifier: GPL-2.0
/*
 * Command validation: everything a command says is checked here, once,
 * before the engine touches memory on its behalf.
 */

#include <kunit/visibility.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>

#include "cmd.h"

/**
 * DOC: Command validation
 *
 * A command comes from guest memory, so it is untrusted in every field.
 * mvgpu_cmd_validate() accepts a command only if its opcode is known, every
 * field the opcode does not use is zero, its flags are ones the opcode
 * takes, its sizes are non-zero, aligned, within MVGPU_MAX_* and do not wrap
 * the 64-bit address space (MAP and UNMAP: the GPU's 40-bit one), and its
 * addresses have the alignment the opcode needs.  What it cannot know
 * here - whether an address is mapped, whether a MAP target belongs to the
 * vGPU - the engine checks against the page table as it goes.
 */

static bool mvgpu_cmd_zero(const __u64 *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (w[i])
			return false;
	return true;
}

/* [addr, addr + size) must not wrap. */
static bool mvgpu_cmd_range(u64 addr, u64 size)
{
	u64 end;

	return !check_add_overflow(addr, size, &end);
}

/* [va, va + size) must lie in the GPU's virtual address space. */
static bool mvgpu_cmd_va_range(u64 va, u64 size)
{
	u64 end;

	return !check_add_overflow(va, size, &end) &&
	       end <= (1ULL << MVGPU_VA_BITS);
}

static int mvgpu_cmd_kernel(const struct mvgpu_cmd *cmd,
			    struct mvgpu_cmd_error *err)
{
	const typeof(cmd->kernel) *k = &cmd->kernel;
	u64 bytes_a, bytes_b, bytes_c;

	if (k->pad0 || k->pad1)
		return -EINVAL;

	switch (k->kind) {
	case MVGPU_KERNEL_VADD:
	case MVGPU_KERNEL_REDUCE:
		if (k->m || k->k)
			return -EINVAL;
		if (k->kind == MVGPU_KERNEL_REDUCE && k->b)
			return -EINVAL;
		if (!k->n || k->n > MVGPU_MAX_ELEMS)
			goto bad_size;
		bytes_a = (u64)k->n * 4;
		bytes_b = k->kind == MVGPU_KERNEL_VADD ? bytes_a : 0;
		bytes_c = k->kind == MVGPU_KERNEL_VADD ? bytes_a : 8;
		if (k->kind == MVGPU_KERNEL_REDUCE && !IS_ALIGNED(k->c, 8))
			goto bad_size;
		break;
	case MVGPU_KERNEL_MATMUL:
		if (!k->m || !k->n || !k->k || k->m > MVGPU_MAX_DIM ||
		    k->n > MVGPU_MAX_DIM || k->k > MVGPU_MAX_DIM)
			goto bad_size;
		bytes_a = (u64)k->m * k->k * 4;
		bytes_b = (u64)k->k * k->n * 4;
		bytes_c = (u64)k->m * k->n * 4;
		break;
	default:
		return -EINVAL;
	}
	if (!IS_ALIGNED(k->a | k->b | k->c, 4) || !mvgpu_cmd_range(k->a, bytes_a) ||
	    !mvgpu_cmd_range(k->b, bytes_b) || !mvgpu_cmd_range(k->c, bytes_c))
		goto bad_size;
	return 0;

bad_size:
	err->code = MVGPU_ERR_BAD_SIZE;
	return -ERANGE;
}

/* FILL and COPY: 0, -EINVAL or -ERANGE. */
static int mvgpu_cmd_validate_xfer(const struct mvgpu_cmd *cmd)
{
	if (cmd->opcode == MVGPU_OP_FILL) {
		if (cmd->fill.pad0 || !mvgpu_cmd_zero(cmd->fill.pad, 4))
			return -EINVAL;
		if (!cmd->fill.size || cmd->fill.size > MVGPU_MAX_XFER ||
		    !IS_ALIGNED(cmd->fill.dst | cmd->fill.size, 4) ||
		    !mvgpu_cmd_range(cmd->fill.dst, cmd->fill.size))
			return -ERANGE;
		return 0;
	}
	if (!mvgpu_cmd_zero(cmd->copy.pad, 4))
		return -EINVAL;
	if (!cmd->copy.size || cmd->copy.size > MVGPU_MAX_XFER ||
	    !mvgpu_cmd_range(cmd->copy.dst, cmd->copy.size) ||
	    !mvgpu_cmd_range(cmd->copy.src, cmd->copy.size))
		return -ERANGE;
	return 0;
}

/* MAP, UNMAP and the context commands: 0, -EINVAL or -ERANGE. */
static int mvgpu_cmd_validate_tables(const struct mvgpu_cmd *cmd)
{
	switch (cmd->opcode) {
	case MVGPU_OP_MAP:
		if (!mvgpu_cmd_zero(cmd->map.pad, 3) ||
		    (cmd->map.map_flags & ~(MVGPU_MAP_READ | MVGPU_MAP_WRITE |
					    MVGPU_MAP_SYSMEM)) ||
		    !(cmd->map.map_flags & (MVGPU_MAP_READ | MVGPU_MAP_WRITE)))
			return -EINVAL;
		if (!cmd->map.size || cmd->map.size > MVGPU_MAX_XFER ||
		    !IS_ALIGNED(cmd->map.va | cmd->map.target | cmd->map.size,
				0x1000) ||
		    !mvgpu_cmd_va_range(cmd->map.va, cmd->map.size) ||
		    !mvgpu_cmd_range(cmd->map.target, cmd->map.size))
			return -ERANGE;
		return 0;
	case MVGPU_OP_UNMAP:
		if (cmd->unmap.pad0 || !mvgpu_cmd_zero(cmd->unmap.pad, 4))
			return -EINVAL;
		if (!cmd->unmap.size || cmd->unmap.size > MVGPU_MAX_XFER ||
		    !IS_ALIGNED(cmd->unmap.va | cmd->unmap.size, 0x1000) ||
		    !mvgpu_cmd_va_range(cmd->unmap.va, cmd->unmap.size))
			return -ERANGE;
		return 0;
	default:
		/* The core checks the context and priority (BAD_CONTEXT). */
		if (cmd->opcode == MVGPU_OP_CTX_DESTROY && cmd->context.prio)
			return -EINVAL;
		return mvgpu_cmd_zero(cmd->context.pad, 6) ? 0 : -EINVAL;
	}
}

/**
 * mvgpu_cmd_validate() - check a command before it runs
 * @cmd: the command, as read from the ring
 * @err: on failure, what to report in the vGPU's error registers
 *
 * Context: any.
 * Return: 0 if @cmd may run; -EINVAL for an unknown opcode, bad flags or
 * non-zero reserved fields (@err says MVGPU_ERR_BAD_COMMAND); -ERANGE for
 * a bad size or alignment (MVGPU_ERR_BAD_SIZE).
 */
int mvgpu_cmd_validate(const struct mvgpu_cmd *cmd,
		       struct mvgpu_cmd_error *err)
{
	const __u64 *raw = cmd->raw;
	u32 flags_ok = 0;
	int ret = 0;

	BUILD_BUG_ON(sizeof(*cmd) != MVGPU_CMD_SIZE);
	err->code = MVGPU_ERR_BAD_COMMAND;
	err->info = cmd->opcode;

	switch (cmd->opcode) {
	case MVGPU_OP_NOP:
		if (!mvgpu_cmd_zero(raw, 7))
			return -EINVAL;
		break;
	case MVGPU_OP_FENCE:
		flags_ok = MVGPU_CMD_FLAG_IRQ;
		if (!mvgpu_cmd_zero(cmd->fence.pad, 5))
			return -EINVAL;
		if (!IS_ALIGNED(cmd->fence.addr, 8) ||
		    !mvgpu_cmd_range(cmd->fence.addr, 8))
			ret = -ERANGE;
		break;
	case MVGPU_OP_FILL:
	case MVGPU_OP_COPY:
		ret = mvgpu_cmd_validate_xfer(cmd);
		if (ret == -EINVAL)
			return ret;
		break;
	case MVGPU_OP_KERNEL:
		ret = mvgpu_cmd_kernel(cmd, err);
		if (ret == -EINVAL)
			return ret;
		break;
	case MVGPU_OP_SPIN:
		if (cmd->spin.pad0 || !mvgpu_cmd_zero(cmd->spin.pad, 6))
			return -EINVAL;
		if (!cmd->spin.usecs || cmd->spin.usecs > MVGPU_MAX_SPIN_US)
			ret = -ERANGE;
		break;
	case MVGPU_OP_TIMESTAMP:
		if (!mvgpu_cmd_zero(cmd->timestamp.pad, 6))
			return -EINVAL;
		if (!IS_ALIGNED(cmd->timestamp.dst, 8) ||
		    !mvgpu_cmd_range(cmd->timestamp.dst, 8))
			ret = -ERANGE;
		break;
	case MVGPU_OP_MAP:
	case MVGPU_OP_UNMAP:
	case MVGPU_OP_CTX_CREATE:
	case MVGPU_OP_CTX_DESTROY:
	case MVGPU_OP_CTX_PRIORITY:
		ret = mvgpu_cmd_validate_tables(cmd);
		if (ret == -EINVAL)
			return ret;
		break;
	case MVGPU_OP_WAIT:
		if (!mvgpu_cmd_zero(cmd->wait.pad, 5))
			return -EINVAL;
		if (!IS_ALIGNED(cmd->wait.addr, 8) ||
		    !mvgpu_cmd_range(cmd->wait.addr, 8))
			ret = -ERANGE;
		break;
	default:
		return -EINVAL;
	}

	if (cmd->flags & ~flags_ok) {
		err->code = MVGPU_ERR_BAD_COMMAND;
		return -EINVAL;
	}
	if (ret)
		err->code = MVGPU_ERR_BAD_SIZE;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_cmd_validate);

/**
 * mvgpu_cmd_privileged() - only a privileged context may run it
 * @cmd: a valid command
 *
 * MAP and UNMAP (they change a page table) and the context commands: in
 * any context but 0 they fault with MVGPU_ERR_PRIVILEGED (DOC: Contexts).
 *
 * Return: true if so.
 */
bool mvgpu_cmd_privileged(const struct mvgpu_cmd *cmd)
{
	switch (cmd->opcode) {
	case MVGPU_OP_MAP:
	case MVGPU_OP_UNMAP:
	case MVGPU_OP_CTX_CREATE:
	case MVGPU_OP_CTX_DESTROY:
	case MVGPU_OP_CTX_PRIORITY:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_cmd_privileged);

/**
 * mvgpu_cmd_for_host() - the core, not the engine, carries it out
 * @cmd: a valid command
 *
 * A MAP of guest memory (pinning waits for the VM's memory), a MAP or
 * UNMAP of another context's page table, a context command.
 *
 * Return: true if so.
 */
bool mvgpu_cmd_for_host(const struct mvgpu_cmd *cmd)
{
	switch (cmd->opcode) {
	case MVGPU_OP_MAP:
		return (cmd->map.map_flags & MVGPU_MAP_SYSMEM) || cmd->map.ctx;
	case MVGPU_OP_UNMAP:
		return cmd->unmap.ctx;
	case MVGPU_OP_CTX_CREATE:
	case MVGPU_OP_CTX_DESTROY:
	case MVGPU_OP_CTX_PRIORITY:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_cmd_for_host);
