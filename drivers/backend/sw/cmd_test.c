// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: command validation, every opcode and malformed input of every kind.
 */

#include <kunit/test.h>

#include "cmd.h"

struct mvgpu_cmd_case {
	const char *desc;
	struct mvgpu_cmd cmd;
	u32 want;	/* MVGPU_ERR_NONE if valid */
};

#define OK	MVGPU_ERR_NONE
#define CMD	MVGPU_ERR_BAD_COMMAND
#define SIZE	MVGPU_ERR_BAD_SIZE

static const struct mvgpu_cmd_case mvgpu_cmd_cases[] = {
	/* one valid command per opcode */
	{ "nop", { .opcode = MVGPU_OP_NOP }, OK },
	{ "fence", { .opcode = MVGPU_OP_FENCE, .fence = { .addr = 0x1000, .value = 9 } }, OK },
	{ "fence irq", { .opcode = MVGPU_OP_FENCE, .flags = MVGPU_CMD_FLAG_IRQ,
			 .fence = { .addr = 8 } }, OK },
	{ "fill", { .opcode = MVGPU_OP_FILL, .fill = { .dst = 4, .size = 8, .value = 1 } }, OK },
	{ "copy", { .opcode = MVGPU_OP_COPY, .copy = { .dst = 1, .src = 3, .size = 5 } }, OK },
	{ "vadd", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_VADD,
			.a = 0, .b = 0x1000, .c = 0x2000, .n = 100 } }, OK },
	{ "matmul", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_MATMUL,
			.a = 0, .b = 0x1000, .c = 0x2000, .m = 3, .n = 4, .k = 5 } }, OK },
	{ "reduce", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_REDUCE,
			.a = 4, .c = 8, .n = 1 } }, OK },
	{ "spin", { .opcode = MVGPU_OP_SPIN, .spin = { .usecs = 200 } }, OK },
	{ "timestamp", { .opcode = MVGPU_OP_TIMESTAMP, .timestamp = { .dst = 16 } }, OK },
	{ "map vram", { .opcode = MVGPU_OP_MAP, .map = { .va = 0x10000, .target = 0,
			.size = 0x2000, .map_flags = MVGPU_MAP_READ } }, OK },
	{ "map sysmem", { .opcode = MVGPU_OP_MAP, .map = { .va = 0, .target = 0x100000,
			.size = 0x1000, .map_flags = MVGPU_MAP_WRITE | MVGPU_MAP_SYSMEM } }, OK },
	{ "unmap", { .opcode = MVGPU_OP_UNMAP, .unmap = { .va = 0x1000, .size = 0x1000 } }, OK },
	{ "wait", { .opcode = MVGPU_OP_WAIT, .wait = { .addr = 0x40, .value = 3 } }, OK },
	{ "map naming a context", { .opcode = MVGPU_OP_MAP, .map = { .va = 0x10000,
			.size = 0x1000, .map_flags = MVGPU_MAP_READ, .ctx = 5 } }, OK },
	{ "unmap naming a context", { .opcode = MVGPU_OP_UNMAP, .unmap = { .va = 0x1000,
			.size = 0x1000, .ctx = 63 } }, OK },
	/* the core checks the context and priority, not the command's format */
	{ "ctx create", { .opcode = MVGPU_OP_CTX_CREATE, .context = { .ctx = 1, .prio = 2 } }, OK },
	{ "ctx destroy", { .opcode = MVGPU_OP_CTX_DESTROY, .context = { .ctx = 99 } }, OK },
	{ "ctx priority", { .opcode = MVGPU_OP_CTX_PRIORITY, .context = { .prio = 9 } }, OK },

	/* unknown or malformed */
	{ "unknown opcode", { .opcode = 0x0d }, CMD },
	{ "ctx destroy with a priority", { .opcode = MVGPU_OP_CTX_DESTROY,
			.context = { .ctx = 1, .prio = 1 } }, CMD },
	{ "ctx create padding", { .opcode = MVGPU_OP_CTX_CREATE,
			.context = { .ctx = 1, .pad = { [5] = 1 } } }, CMD },
	{ "ctx create with irq flag", { .opcode = MVGPU_OP_CTX_CREATE,
			.flags = MVGPU_CMD_FLAG_IRQ, .context = { .ctx = 1 } }, CMD },
	{ "unmap padding next to ctx", { .opcode = MVGPU_OP_UNMAP,
			.unmap = { .size = 0x1000, .pad0 = 1 } }, CMD },
	{ "huge opcode", { .opcode = 0xffffffff }, CMD },
	{ "nop with a body", { .opcode = MVGPU_OP_NOP, .raw = { [6] = 1 } }, CMD },
	{ "nop with flags", { .opcode = MVGPU_OP_NOP, .flags = MVGPU_CMD_FLAG_IRQ }, CMD },
	{ "fill with irq flag", { .opcode = MVGPU_OP_FILL, .flags = MVGPU_CMD_FLAG_IRQ,
			.fill = { .dst = 0, .size = 4 } }, CMD },
	{ "fence unknown flag", { .opcode = MVGPU_OP_FENCE, .flags = 0x80,
			.fence = { .addr = 8 } }, CMD },
	{ "fence padding", { .opcode = MVGPU_OP_FENCE,
			.fence = { .addr = 8, .pad = { 0, 0, 0, 0, 1 } } }, CMD },
	{ "fill padding", { .opcode = MVGPU_OP_FILL, .fill = { .size = 4, .pad0 = 1 } }, CMD },
	{ "kernel unknown kind", { .opcode = MVGPU_OP_KERNEL,
			.kernel = { .kind = 9, .n = 1 } }, CMD },
	{ "kernel padding", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_VADD,
			.n = 1, .pad1 = 1 } }, CMD },
	{ "vadd with m", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_VADD,
			.n = 1, .m = 1 } }, CMD },
	{ "reduce with b", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_REDUCE,
			.n = 1, .b = 4 } }, CMD },
	{ "map no permission", { .opcode = MVGPU_OP_MAP, .map = { .size = 0x1000 } }, CMD },
	{ "map unknown flag", { .opcode = MVGPU_OP_MAP, .map = { .size = 0x1000,
			.map_flags = MVGPU_MAP_READ | 0x100 } }, CMD },
	{ "spin padding", { .opcode = MVGPU_OP_SPIN, .spin = { .usecs = 1, .pad0 = 1 } }, CMD },

	/* sizes and alignment */
	{ "fence misaligned", { .opcode = MVGPU_OP_FENCE, .fence = { .addr = 4 } }, SIZE },
	{ "fence at the top", { .opcode = MVGPU_OP_FENCE,
			.fence = { .addr = U64_MAX - 7 } }, SIZE },
	{ "fill zero", { .opcode = MVGPU_OP_FILL, .fill = { .dst = 0, .size = 0 } }, SIZE },
	{ "fill odd", { .opcode = MVGPU_OP_FILL, .fill = { .dst = 0, .size = 6 } }, SIZE },
	{ "fill too large", { .opcode = MVGPU_OP_FILL,
			.fill = { .size = MVGPU_MAX_XFER + 4 } }, SIZE },
	{ "fill wraps", { .opcode = MVGPU_OP_FILL,
			.fill = { .dst = U64_MAX - 3, .size = 8 } }, SIZE },
	{ "copy zero", { .opcode = MVGPU_OP_COPY, .copy = { .size = 0 } }, SIZE },
	{ "copy src wraps", { .opcode = MVGPU_OP_COPY,
			.copy = { .src = U64_MAX, .size = 2 } }, SIZE },
	{ "vadd zero", { .opcode = MVGPU_OP_KERNEL,
			.kernel = { .kind = MVGPU_KERNEL_VADD } }, SIZE },
	{ "vadd too long", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_VADD,
			.n = MVGPU_MAX_ELEMS + 1 } }, SIZE },
	{ "vadd misaligned", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_VADD,
			.a = 2, .n = 1 } }, SIZE },
	{ "vadd wraps", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_VADD,
			.c = U64_MAX - 3, .n = 2 } }, SIZE },
	{ "matmul zero dim", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_MATMUL,
			.m = 2, .n = 0, .k = 2 } }, SIZE },
	{ "matmul too big", { .opcode = MVGPU_OP_KERNEL, .kernel = { .kind = MVGPU_KERNEL_MATMUL,
			.m = MVGPU_MAX_DIM + 1, .n = 1, .k = 1 } }, SIZE },
	{ "reduce sum misaligned", { .opcode = MVGPU_OP_KERNEL, .kernel = {
			.kind = MVGPU_KERNEL_REDUCE, .c = 4, .n = 1 } }, SIZE },
	{ "spin zero", { .opcode = MVGPU_OP_SPIN, .spin = { .usecs = 0 } }, SIZE },
	{ "spin too long", { .opcode = MVGPU_OP_SPIN, .spin = { .usecs = MVGPU_MAX_SPIN_US + 1 } },
	  SIZE },
	{ "timestamp misaligned", { .opcode = MVGPU_OP_TIMESTAMP,
			.timestamp = { .dst = 12 } }, SIZE },
	{ "map misaligned va", { .opcode = MVGPU_OP_MAP, .map = { .va = 0x800, .size = 0x1000,
			.map_flags = MVGPU_MAP_READ } }, SIZE },
	{ "map misaligned target", { .opcode = MVGPU_OP_MAP,
			.map = { .target = 0x10, .size = 0x1000, .map_flags = MVGPU_MAP_READ } },
	  SIZE },
	{ "map zero", { .opcode = MVGPU_OP_MAP, .map = { .map_flags = MVGPU_MAP_READ } }, SIZE },
	{ "map wraps", { .opcode = MVGPU_OP_MAP, .map = { .va = 0xfffffffffffff000ULL,
			.size = 0x2000, .map_flags = MVGPU_MAP_READ } }, SIZE },
	{ "unmap odd size", { .opcode = MVGPU_OP_UNMAP, .unmap = { .size = 0x1800 } }, SIZE },
	{ "map up to the end of the VA space", { .opcode = MVGPU_OP_MAP,
			.map = { .va = (1ULL << MVGPU_VA_BITS) - 0x1000, .size = 0x1000,
				 .map_flags = MVGPU_MAP_READ } }, OK },
	{ "map past the VA space", { .opcode = MVGPU_OP_MAP,
			.map = { .va = (1ULL << MVGPU_VA_BITS) - 0x1000, .size = 0x2000,
				 .map_flags = MVGPU_MAP_READ } }, SIZE },
	{ "map beyond the VA space", { .opcode = MVGPU_OP_MAP,
			.map = { .va = 1ULL << MVGPU_VA_BITS, .size = 0x1000,
				 .map_flags = MVGPU_MAP_READ } }, SIZE },
	{ "unmap past the VA space", { .opcode = MVGPU_OP_UNMAP,
			.unmap = { .va = (1ULL << MVGPU_VA_BITS) - 0x1000, .size = 0x2000 } },
	  SIZE },
	{ "wait misaligned", { .opcode = MVGPU_OP_WAIT, .wait = { .addr = 1 } }, SIZE },
};

static void mvgpu_cmd_case_desc(const struct mvgpu_cmd_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->desc);
}

KUNIT_ARRAY_PARAM(mvgpu_cmd, mvgpu_cmd_cases, mvgpu_cmd_case_desc);

static void mvgpu_cmd_validate_test(struct kunit *test)
{
	const struct mvgpu_cmd_case *c = test->param_value;
	struct mvgpu_cmd_error err = { };
	int ret = mvgpu_cmd_validate(&c->cmd, &err);

	if (c->want == OK) {
		KUNIT_EXPECT_EQ(test, ret, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, ret, c->want == CMD ? -EINVAL : -ERANGE);
	KUNIT_EXPECT_EQ(test, err.code, c->want);
	KUNIT_EXPECT_EQ(test, err.info, c->cmd.opcode);
}

/* Any single non-zero padding word of any opcode is refused. */
static void mvgpu_cmd_padding_test(struct kunit *test)
{
	static const struct { u32 op; unsigned int first_pad; } pads[] = {
		{ MVGPU_OP_FENCE, 2 }, { MVGPU_OP_COPY, 3 }, { MVGPU_OP_TIMESTAMP, 1 },
		{ MVGPU_OP_MAP, 4 }, { MVGPU_OP_UNMAP, 3 }, { MVGPU_OP_WAIT, 2 },
		{ MVGPU_OP_NOP, 0 }, { MVGPU_OP_FILL, 3 },
		{ MVGPU_OP_CTX_CREATE, 1 }, { MVGPU_OP_CTX_DESTROY, 1 },
		{ MVGPU_OP_CTX_PRIORITY, 1 },
	};
	unsigned int i, w;

	for (i = 0; i < ARRAY_SIZE(pads); i++) {
		for (w = pads[i].first_pad; w < 7; w++) {
			struct mvgpu_cmd cmd = { .opcode = pads[i].op };
			struct mvgpu_cmd_error err;

			cmd.raw[w] = 1ULL << (w * 7);
			KUNIT_EXPECT_EQ_MSG(test, mvgpu_cmd_validate(&cmd, &err), -EINVAL,
					    "opcode %u word %u", pads[i].op, w);
		}
	}
}

/* What only context 0 may run, and what the core carries out (uapi 0.4). */
static void mvgpu_cmd_privilege_test(struct kunit *test)
{
	struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL };
	struct mvgpu_cmd map = { .opcode = MVGPU_OP_MAP,
				 .map = { .map_flags = MVGPU_MAP_READ } };
	struct mvgpu_cmd unmap = { .opcode = MVGPU_OP_UNMAP };
	struct mvgpu_cmd create = { .opcode = MVGPU_OP_CTX_CREATE };

	KUNIT_EXPECT_FALSE(test, mvgpu_cmd_privileged(&fill));
	KUNIT_EXPECT_TRUE(test, mvgpu_cmd_privileged(&map));
	KUNIT_EXPECT_TRUE(test, mvgpu_cmd_privileged(&unmap));
	KUNIT_EXPECT_TRUE(test, mvgpu_cmd_privileged(&create));
	/* Context 0's own VRAM MAP and UNMAP stay on the engine. */
	KUNIT_EXPECT_FALSE(test, mvgpu_cmd_for_host(&map));
	KUNIT_EXPECT_FALSE(test, mvgpu_cmd_for_host(&unmap));
	map.map.map_flags |= MVGPU_MAP_SYSMEM;
	KUNIT_EXPECT_TRUE(test, mvgpu_cmd_for_host(&map));
	map.map.map_flags = MVGPU_MAP_READ;
	map.map.ctx = 3;
	unmap.unmap.ctx = 3;
	KUNIT_EXPECT_TRUE(test, mvgpu_cmd_for_host(&map));
	KUNIT_EXPECT_TRUE(test, mvgpu_cmd_for_host(&unmap));
	KUNIT_EXPECT_TRUE(test, mvgpu_cmd_for_host(&create));
	KUNIT_EXPECT_FALSE(test, mvgpu_cmd_for_host(&fill));
}

static struct kunit_case mvgpu_cmd_test_cases[] = {
	KUNIT_CASE_PARAM(mvgpu_cmd_validate_test, mvgpu_cmd_gen_params),
	KUNIT_CASE(mvgpu_cmd_padding_test),
	KUNIT_CASE(mvgpu_cmd_privilege_test),
	{}
};

static struct kunit_suite mvgpu_cmd_test_suite = {
	.name = "mvgpu_cmd",
	.test_cases = mvgpu_cmd_test_cases,
};

kunit_test_suite(mvgpu_cmd_test_suite);
