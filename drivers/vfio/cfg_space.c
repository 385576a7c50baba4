// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration space of a vGPU.
 */

#include <kunit/visibility.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "cfg_space.h"

/**
 * DOC: Config space
 *
 * A type-0 header and one MSI capability, 256 bytes.  Each byte has a write
 * mask; a write changes only the masked bits, so read-only fields (IDs,
 * class, the capability list) ignore writes without special cases.  The BAR
 * registers' masks clear the low address bits a BAR of that size decodes,
 * which is the sizing protocol a BIOS uses: write all-ones, read back
 * ~(size - 1) with the BAR's type flags, restore the address.  Unimplemented
 * BARs and the expansion ROM have an all-zero mask and so read as 0.
 */

static void mvgpu_cfg_set(u8 *arr, unsigned int off, u32 val, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		arr[off + i] = val >> (8 * i);
}

static void mvgpu_cfg_bar(struct mvgpu_cfg *cfg, unsigned int bar, u64 size,
			  u32 flags)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	u64 mask = ~(size - 1);

	mvgpu_cfg_set(cfg->data, off, flags, 4);
	mvgpu_cfg_set(cfg->wmask, off, (u32)mask & ~0xfU, 4);
	if (flags & PCI_BASE_ADDRESS_MEM_TYPE_64)
		mvgpu_cfg_set(cfg->wmask, off + 4, mask >> 32, 4);
}

/**
 * mvgpu_cfg_init() - build a vGPU's config space at power-on
 * @cfg: the config space
 * @subsys_id: subsystem device ID (the type's divisor)
 * @bar0_size: size of the register BAR, a power of two >= 16
 * @bar2_size: size of the VRAM BAR, a power of two >= 16
 *
 * Context: any.
 */
void mvgpu_cfg_init(struct mvgpu_cfg *cfg, u16 subsys_id, u32 bar0_size,
		    u64 bar2_size)
{
	memset(cfg, 0, sizeof(*cfg));
	mvgpu_cfg_set(cfg->data, PCI_VENDOR_ID, MVGPU_PCI_VENDOR_ID, 2);
	mvgpu_cfg_set(cfg->data, PCI_DEVICE_ID, MVGPU_PCI_DEVICE_ID, 2);
	mvgpu_cfg_set(cfg->wmask, PCI_COMMAND, PCI_COMMAND_MEMORY |
		      PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE, 2);
	mvgpu_cfg_set(cfg->data, PCI_STATUS, PCI_STATUS_CAP_LIST, 2);
	/* Revision, then the class code in the top three bytes. */
	mvgpu_cfg_set(cfg->data, PCI_CLASS_REVISION,
		      MVGPU_PCI_CLASS << 8 | MVGPU_PCI_REVISION, 4);
	cfg->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	cfg->data[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;

	WARN_ON_ONCE(!bar0_size || (bar0_size & (bar0_size - 1)));
	WARN_ON_ONCE(!bar2_size || (bar2_size & (bar2_size - 1)));
	mvgpu_cfg_bar(cfg, 0, bar0_size, PCI_BASE_ADDRESS_MEM_TYPE_32);
	mvgpu_cfg_bar(cfg, 2, bar2_size, PCI_BASE_ADDRESS_MEM_TYPE_64 |
		      PCI_BASE_ADDRESS_MEM_PREFETCH);

	mvgpu_cfg_set(cfg->data, PCI_SUBSYSTEM_VENDOR_ID,
		      MVGPU_PCI_SUBVENDOR_ID, 2);
	mvgpu_cfg_set(cfg->data, PCI_SUBSYSTEM_ID, subsys_id, 2);
	cfg->data[PCI_CAPABILITY_LIST] = MVGPU_PCI_CAP_MSI;
	cfg->wmask[PCI_INTERRUPT_LINE] = 0xff;
	cfg->data[PCI_INTERRUPT_PIN] = 1;	/* INTA */

	/* MSI: one vector, 64-bit address, no per-vector masking. */
	cfg->data[MVGPU_PCI_CAP_MSI + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	cfg->data[MVGPU_PCI_CAP_MSI + PCI_CAP_LIST_NEXT] = 0;
	mvgpu_cfg_set(cfg->data, MVGPU_PCI_CAP_MSI + PCI_MSI_FLAGS,
		      PCI_MSI_FLAGS_64BIT, 2);
	mvgpu_cfg_set(cfg->wmask, MVGPU_PCI_CAP_MSI + PCI_MSI_FLAGS,
		      PCI_MSI_FLAGS_ENABLE, 2);
	mvgpu_cfg_set(cfg->wmask, MVGPU_PCI_CAP_MSI + PCI_MSI_ADDRESS_LO,
		      0xfffffffc, 4);
	mvgpu_cfg_set(cfg->wmask, MVGPU_PCI_CAP_MSI + PCI_MSI_ADDRESS_HI,
		      0xffffffff, 4);
	mvgpu_cfg_set(cfg->wmask, MVGPU_PCI_CAP_MSI + PCI_MSI_DATA_64,
		      0xffff, 2);

	memcpy(cfg->init, cfg->data, sizeof(cfg->init));
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_cfg_init);

/**
 * mvgpu_cfg_reset() - return to power-on contents (function-level reset)
 * @cfg: the config space
 *
 * Context: any; caller serialises.
 */
void mvgpu_cfg_reset(struct mvgpu_cfg *cfg)
{
	memcpy(cfg->data, cfg->init, sizeof(cfg->data));
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_cfg_reset);

static bool mvgpu_cfg_in_range(unsigned int off, unsigned int len)
{
	return len && off < MVGPU_PCI_CONFIG_SIZE &&
	       len <= MVGPU_PCI_CONFIG_SIZE - off;
}

/**
 * mvgpu_cfg_read() - read config space bytes
 * @cfg: the config space
 * @off: byte offset
 * @buf: where to put @len bytes
 * @len: bytes to read, any alignment
 *
 * Context: any; caller serialises.
 * Return: 0, or -EINVAL if the range is empty or leaves config space.
 */
int mvgpu_cfg_read(const struct mvgpu_cfg *cfg, unsigned int off, void *buf,
		   unsigned int len)
{
	if (!mvgpu_cfg_in_range(off, len))
		return -EINVAL;
	memcpy(buf, cfg->data + off, len);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_cfg_read);

/**
 * mvgpu_cfg_write() - write config space bytes through the write mask
 * @cfg: the config space
 * @off: byte offset
 * @buf: @len bytes to write
 * @len: bytes to write, any alignment
 *
 * Context: any; caller serialises.
 * Return: 0, or -EINVAL if the range is empty or leaves config space.
 */
int mvgpu_cfg_write(struct mvgpu_cfg *cfg, unsigned int off, const void *buf,
		    unsigned int len)
{
	const u8 *src = buf;
	unsigned int i;

	if (!mvgpu_cfg_in_range(off, len))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		u8 m = cfg->wmask[off + i];

		cfg->data[off + i] = (cfg->data[off + i] & ~m) | (src[i] & m);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_cfg_write);

/**
 * mvgpu_cfg_command() - the command register
 * @cfg: the config space
 *
 * Context: any; caller serialises.
 * Return: the current PCI_COMMAND value.
 */
u16 mvgpu_cfg_command(const struct mvgpu_cfg *cfg)
{
	return cfg->data[PCI_COMMAND] | cfg->data[PCI_COMMAND + 1] << 8;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_cfg_command);
