/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_CFG_SPACE_H_
#define _MVGPU_CFG_SPACE_H_

#include <linux/pci_regs.h>
#include <linux/types.h>

#include "uapi/mvgpu.h"

/**
 * struct mvgpu_cfg - emulated PCI configuration space of one vGPU
 * @data: current contents, little-endian as on the bus
 * @wmask: bits a write may change; everything else is read-only
 * @init: contents at power-on, for mvgpu_cfg_reset()
 *
 * Not locked: the owner serialises access (struct mvgpu_vgpu's lock).
 */
struct mvgpu_cfg {
	u8 data[MVGPU_PCI_CONFIG_SIZE];
	u8 wmask[MVGPU_PCI_CONFIG_SIZE];
	u8 init[MVGPU_PCI_CONFIG_SIZE];
};

void mvgpu_cfg_init(struct mvgpu_cfg *cfg, u16 subsys_id, u32 bar0_size,
		    u64 bar2_size);
void mvgpu_cfg_reset(struct mvgpu_cfg *cfg);
int mvgpu_cfg_read(const struct mvgpu_cfg *cfg, unsigned int off, void *buf,
		   unsigned int len);
int mvgpu_cfg_write(struct mvgpu_cfg *cfg, unsigned int off, const void *buf,
		    unsigned int len);
u16 mvgpu_cfg_command(const struct mvgpu_cfg *cfg);

#endif /* _MVGPU_CFG_SPACE_H_ */
