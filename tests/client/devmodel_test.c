// SPDX-License-Identifier: GPL-2.0
/*
 * The vGPU device model through VFIO, as QEMU and a guest driver see it:
 * config space and BAR sizing, region info, registers, region access
 * bounds (random fuzzing), the VRAM aperture (mmap and pread/pwrite agree,
 * isolation between vGPUs, reset), interrupts (MSI, INTx, DATA_NONE), and
 * malformed ioctls.  TAP output.
 *
 *   devmodel_test UUID_A UUID_B      two vGPUs of the same type
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include <unistd.h>

#include "../../tools/mvgpu/libmvgpu.h"
#include "tap.h"

static struct mvgpu_handle a, b;

static void test_config(struct mvgpu_handle *h)
{
	uint32_t v, cap;

	v = mvgpu_cfg_read32(h, PCI_VENDOR_ID);
	tap_ok(v == (MVGPU_PCI_DEVICE_ID << 16 | MVGPU_PCI_VENDOR_ID),
	       "config: vendor/device id 0x%08x", v);
	v = mvgpu_cfg_read32(h, PCI_CLASS_REVISION);
	tap_ok(v == (MVGPU_PCI_CLASS << 8 | MVGPU_PCI_REVISION),
	       "config: class 0x0302 (3D controller), revision 1 (0x%08x)", v);
	v = mvgpu_cfg_read32(h, PCI_SUBSYSTEM_VENDOR_ID);
	tap_ok((v & 0xffff) == MVGPU_PCI_SUBVENDOR_ID && (v >> 16) == 8,
	       "config: subsystem ids name the 1/8 type (0x%08x)", v);
	v = mvgpu_cfg_read32(h, PCI_CACHE_LINE_SIZE);
	tap_ok(((v >> 16) & 0x7f) == PCI_HEADER_TYPE_NORMAL, "config: type-0 header");
	v = mvgpu_cfg_read32(h, PCI_COMMAND);
	tap_ok((v >> 16) & PCI_STATUS_CAP_LIST, "config: status says capability list");
	cap = mvgpu_cfg_read32(h, PCI_CAPABILITY_LIST) & 0xff;
	v = mvgpu_cfg_read32(h, cap);
	tap_ok(cap == MVGPU_PCI_CAP_MSI && (v & 0xff) == PCI_CAP_ID_MSI &&
	       ((v >> 8) & 0xff) == 0 && (v >> 16) & PCI_MSI_FLAGS_64BIT,
	       "config: capability walk finds one 64-bit MSI capability");
	v = mvgpu_cfg_read32(h, PCI_INTERRUPT_LINE);
	tap_ok(((v >> 8) & 0xff) == 1, "config: interrupt pin INTA");
}

static uint32_t size_bar(struct mvgpu_handle *h, unsigned int off)
{
	uint32_t old = mvgpu_cfg_read32(h, off), ones = ~0u, got;

	mvgpu_cfg_write(h, off, &ones, 4);
	got = mvgpu_cfg_read32(h, off);
	mvgpu_cfg_write(h, off, &old, 4);
	return got;
}

static void test_bar_sizing(struct mvgpu_handle *h)
{
	uint64_t vram = h->regions[VFIO_PCI_BAR2_REGION_INDEX].size;
	uint32_t v, lo, hi, addr = 0xfe000000, ro;
	unsigned int i;

	v = size_bar(h, PCI_BASE_ADDRESS_0);
	tap_ok(v == (uint32_t)~(MVGPU_BAR0_SIZE - 1),
	       "BAR sizing: BAR0 reads 0x%08x = 64 KiB, 32-bit memory", v);
	lo = size_bar(h, PCI_BASE_ADDRESS_2);
	hi = size_bar(h, PCI_BASE_ADDRESS_3);
	tap_ok((lo & 0xf) == (PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH),
	       "BAR sizing: BAR2 is 64-bit prefetchable (flags 0x%x)", lo & 0xf);
	tap_ok(((uint64_t)hi << 32 | (lo & ~0xfu)) == ~(vram - 1),
	       "BAR sizing: BAR2/3 size %llu MiB = the type's VRAM",
	       (unsigned long long)((~(((uint64_t)hi << 32) | (lo & ~0xfu)) + 1) >> 20));
	for (i = 1; i <= 5; i++) {
		if (i == 2 || i == 3)
			continue;
		v = size_bar(h, PCI_BASE_ADDRESS_0 + 4 * i);
		tap_ok(v == 0, "BAR sizing: BAR%u unimplemented reads 0", i);
	}
	tap_ok(size_bar(h, PCI_ROM_ADDRESS) == 0, "BAR sizing: no expansion ROM");
	mvgpu_cfg_write(h, PCI_BASE_ADDRESS_0, &addr, 4);
	v = mvgpu_cfg_read32(h, PCI_BASE_ADDRESS_0);
	tap_ok(v == addr, "BAR0 keeps an assigned address (0x%08x)", v);
	ro = 0xdeadbeef;
	mvgpu_cfg_write(h, PCI_VENDOR_ID, &ro, 4);
	tap_ok(mvgpu_cfg_read32(h, PCI_VENDOR_ID) ==
	       (MVGPU_PCI_DEVICE_ID << 16 | MVGPU_PCI_VENDOR_ID),
	       "config: writes to the IDs are ignored");
	ro = 0xffff;
	mvgpu_cfg_write(h, PCI_COMMAND, &ro, 2);
	v = mvgpu_cfg_read32(h, PCI_COMMAND) & 0xffff;
	tap_ok(v == (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE),
	       "config: command register keeps only memory/master/INTx-disable (0x%04x)", v);
	ro = 0;
	mvgpu_cfg_write(h, PCI_COMMAND, &ro, 2);
}

static void test_regions(struct mvgpu_handle *h)
{
	struct vfio_region_info *r = h->regions;
	struct vfio_region_info bad = { .argsz = sizeof(bad), .index = 99 };
	int i, others = 1;

	tap_ok(r[VFIO_PCI_CONFIG_REGION_INDEX].size == 256, "region: config 256 bytes");
	tap_ok(r[VFIO_PCI_BAR0_REGION_INDEX].size == MVGPU_BAR0_SIZE &&
	       !(r[VFIO_PCI_BAR0_REGION_INDEX].flags & VFIO_REGION_INFO_FLAG_MMAP),
	       "region: BAR0 64 KiB, trapped (no mmap)");
	tap_ok(r[VFIO_PCI_BAR2_REGION_INDEX].size == 128ull << 20 &&
	       (r[VFIO_PCI_BAR2_REGION_INDEX].flags & VFIO_REGION_INFO_FLAG_MMAP),
	       "region: BAR2 128 MiB, mmap-able");
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		if (i != 0 && i != 2 && i != 7 && r[i].size)
			others = 0;
	tap_ok(others, "region: all other regions have size 0");
	tap_ok(ioctl(h->device, VFIO_DEVICE_GET_REGION_INFO, &bad) < 0 && errno == EINVAL,
	       "region: unknown index gets EINVAL");
	bad.argsz = 4;
	bad.index = 0;
	tap_ok(ioctl(h->device, VFIO_DEVICE_GET_REGION_INFO, &bad) < 0 && errno == EINVAL,
	       "region: short argsz gets EINVAL");
	tap_ok(ioctl(h->device, _IO(VFIO_TYPE, VFIO_BASE + 60)) < 0 && errno == ENOTTY,
	       "unknown ioctl gets ENOTTY");
}

static void test_registers(struct mvgpu_handle *h)
{
	uint64_t vram, v8 = 0x1122334455667788ull, r8 = 0;
	uint16_t v2 = 0xbeef;
	uint8_t v1 = 0x42;
	ssize_t n;

	tap_ok(mvgpu_reg(h, MVGPU_REG_ID) == MVGPU_ID_MAGIC, "registers: ID magic");
	tap_ok(mvgpu_reg(h, MVGPU_REG_VERSION) == MVGPU_UAPI_VERSION, "registers: uapi version");
	vram = mvgpu_reg(h, MVGPU_REG_VRAM_SIZE_LO) |
	       (uint64_t)mvgpu_reg(h, MVGPU_REG_VRAM_SIZE_HI) << 32;
	tap_ok(vram == 128ull << 20, "registers: VRAM size %llu", (unsigned long long)vram);
	tap_ok(mvgpu_reg(h, MVGPU_REG_CAPS) & MVGPU_CAP_MSI, "registers: caps say MSI");
	mvgpu_reg_write(h, MVGPU_REG_SCRATCH, 0xcafef00d);
	tap_ok(mvgpu_reg(h, MVGPU_REG_SCRATCH) == 0xcafef00d, "registers: scratch read back");
	mvgpu_reg_write(h, MVGPU_REG_ID, 0);
	tap_ok(mvgpu_reg(h, MVGPU_REG_ID) == MVGPU_ID_MAGIC, "registers: ID ignores writes");
	n = mvgpu_region_rw(h, 0, MVGPU_REG_SCRATCH, &v2, 2, 1);
	tap_ok(n == 2 && mvgpu_reg(h, MVGPU_REG_SCRATCH) == 0xcafebeef,
	       "registers: 2-byte write merges into the low half");
	n = mvgpu_region_rw(h, 0, MVGPU_REG_SCRATCH + 3, &v1, 1, 1);
	tap_ok(n == 1 && mvgpu_reg(h, MVGPU_REG_SCRATCH) == 0x42febeef,
	       "registers: 1-byte write to the top byte");
	v1 = 0;
	n = mvgpu_region_rw(h, 0, MVGPU_REG_SCRATCH + 1, &v1, 1, 0);
	tap_ok(n == 1 && v1 == 0xbe, "registers: 1-byte read of byte 1");
	n = mvgpu_region_rw(h, 0, MVGPU_REG_SCRATCH, &v8, 8, 1);
	mvgpu_region_rw(h, 0, MVGPU_REG_SCRATCH, &r8, 8, 0);
	tap_ok(n == 8 && (uint32_t)r8 == 0x55667788 && (r8 >> 32) == 0,
	       "registers: 8-byte access covers scratch and the next (undefined) register");
	tap_ok(mvgpu_reg(h, 0x8000) == 0, "registers: undefined offsets read 0");
}

/*
 * Thousands of region accesses at random offsets, sizes and alignments,
 * including out of bounds ones: in-bounds ones complete whole, out of
 * bounds ones get EINVAL and change nothing; the device answers afterwards.
 */
static void test_fuzz(struct mvgpu_handle *h)
{
	static const unsigned int sizes[] = { 1, 2, 3, 4, 5, 7, 8, 9, 16, 64, 4096, 4097 };
	unsigned int i, bad = 0, inb = 0, outb = 0;
	uint8_t buf[8192];

	srand(1234);
	for (i = 0; i < 5000; i++) {
		unsigned int index = rand() % 10;
		uint64_t size = index < VFIO_PCI_NUM_REGIONS ? h->regions[index].size : 0;
		size_t len = sizes[rand() % 12];
		uint64_t off;
		int write = rand() & 1, in;
		ssize_t n;

		switch (rand() % 4) {
		case 0:
			off = size ? (uint64_t)rand() % size : (uint64_t)(rand() % 4096);
			break;
		case 1:
			off = size > len ? size - len : 0;
			break;
		case 2:
			off = size + rand() % 64;
			break;
		default:
			off = (uint64_t)rand() << 20 | rand();
			break;
		}
		/* Keep the reset register out of it: a reset is tested apart. */
		if (index == 0 && off <= MVGPU_REG_RESET + 3 && off + len > MVGPU_REG_RESET)
			write = 0;
		if (write)
			for (size_t k = 0; k < len; k++)
				buf[k] = rand();
		in = index < VFIO_PCI_NUM_REGIONS && size && off < size && len <= size - off;
		n = mvgpu_region_rw(h, index, off, buf, len, write);
		if (in) {
			inb++;
			if (n != (ssize_t)len) {
				if (bad++ < 5)
					tap_diag("region %u off 0x%llx len %zu %s: got %zd",
						 index, (unsigned long long)off, len,
						 write ? "w" : "r", n);
			}
		} else {
			outb++;
			if (n != -EINVAL) {
				if (bad++ < 5)
					tap_diag("out of bounds region %u off 0x%llx len %zu: got %zd",
						 index, (unsigned long long)off, len, n);
			}
		}
	}
	tap_ok(!bad, "fuzz: 5000 random accesses (%u in bounds, %u out): all exact", inb, outb);
	tap_ok(mvgpu_reg(h, MVGPU_REG_ID) == MVGPU_ID_MAGIC, "fuzz: device still answers");
	mvgpu_reset(h);
}

static int all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

static void expect_mmap_einval(struct mvgpu_handle *h, unsigned int index,
			       size_t len, int flags, const char *what)
{
	void *p = mmap(NULL, len, PROT_READ, flags, h->device,
		       (off_t)h->regions[index].offset);

	tap_ok(p == MAP_FAILED && errno == EINVAL, "mmap: %s gets EINVAL (%s)", what,
	       p == MAP_FAILED ? strerror(errno) : "mapped");
	if (p != MAP_FAILED)
		munmap(p, len);
}

static void test_vram(void)
{
	uint8_t *va, *vb, buf[4096], pat[4096];
	size_t len = a.regions[VFIO_PCI_BAR2_REGION_INDEX].size;
	size_t i;

	va = mvgpu_vram_map(&a);
	vb = mvgpu_vram_map(&b);
	if (!tap_ok(va && vb, "vram: both apertures map (%zu MiB)", len >> 20))
		return;
	tap_ok(all_zero(va, 1 << 20) && all_zero(va + len - 4096, 4096),
	       "vram: a new aperture reads zero through mmap");

	for (i = 0; i < sizeof(pat); i++)
		pat[i] = i * 7 + 1;
	memcpy(va + 8192, pat, sizeof(pat));
	mvgpu_region_rw(&a, VFIO_PCI_BAR2_REGION_INDEX, 8192, buf, sizeof(buf), 0);
	tap_ok(!memcmp(buf, pat, sizeof(pat)), "vram: pread sees what mmap wrote");
	mvgpu_region_rw(&a, VFIO_PCI_BAR2_REGION_INDEX, len - 4096, pat, sizeof(pat), 1);
	tap_ok(!memcmp(va + len - 4096, pat, sizeof(pat)), "vram: mmap sees what pwrite wrote");
	mvgpu_region_rw(&a, VFIO_PCI_BAR2_REGION_INDEX, 100, pat, 10, 1);
	tap_ok(!memcmp(va + 100, pat, 10), "vram: unaligned pwrite lands exactly");

	/* A fills a megabyte; B must still see only zeros, both ways. */
	memset(va, 0xaa, 1 << 20);
	tap_ok(all_zero(vb, 1 << 20), "isolation: B's aperture (mmap) shows none of A's data");
	mvgpu_region_rw(&b, VFIO_PCI_BAR2_REGION_INDEX, 0, buf, sizeof(buf), 0);
	tap_ok(all_zero(buf, sizeof(buf)), "isolation: B's aperture (pread) shows none of A's data");
	tap_ok(mvgpu_region_rw(&a, VFIO_PCI_BAR2_REGION_INDEX, len, buf, 1, 0) == -EINVAL,
	       "isolation: pread past A's aperture gets EINVAL");

	expect_mmap_einval(&a, VFIO_PCI_BAR2_REGION_INDEX, len + 4096, MAP_SHARED,
			   "larger than the aperture");
	expect_mmap_einval(&a, VFIO_PCI_BAR2_REGION_INDEX, 4096, MAP_PRIVATE,
			   "private mapping");
	expect_mmap_einval(&a, VFIO_PCI_BAR0_REGION_INDEX, 4096, MAP_SHARED,
			   "BAR0 (trapped)");
}

static void test_reset(void)
{
	uint8_t *va = a.vram, buf[64];
	uint32_t cmd = PCI_COMMAND_MEMORY;

	if (!va)
		return;
	mvgpu_reg_write(&a, MVGPU_REG_SCRATCH, 77);
	mvgpu_cfg_write(&a, PCI_COMMAND, &cmd, 2);
	memset(va, 0x5a, 4096);
	tap_ok(mvgpu_reset(&a) == 0, "reset: VFIO_DEVICE_RESET succeeds");
	tap_ok(mvgpu_reg(&a, MVGPU_REG_SCRATCH) == 0, "reset: registers cleared");
	tap_ok((mvgpu_cfg_read32(&a, PCI_COMMAND) & 0xffff) == 0, "reset: command register cleared");
	tap_ok(all_zero(va, 4096) && all_zero(va + (8 << 20), 4096),
	       "reset: the old mapping now reads zero (stale pages zapped)");
	mvgpu_region_rw(&a, VFIO_PCI_BAR2_REGION_INDEX, 0, buf, sizeof(buf), 0);
	tap_ok(all_zero(buf, sizeof(buf)), "reset: pread reads zero");
	memset(va, 0x33, 64);
	mvgpu_reg_write(&a, MVGPU_REG_SCRATCH, 5);
	mvgpu_reg_write(&a, MVGPU_REG_RESET, 0x1234);
	tap_ok(mvgpu_reg(&a, MVGPU_REG_SCRATCH) == 5, "reset register: a wrong magic does nothing");
	mvgpu_reg_write(&a, MVGPU_REG_RESET, MVGPU_RESET_MAGIC);
	tap_ok(mvgpu_reg(&a, MVGPU_REG_SCRATCH) == 0 && all_zero(va, 64),
	       "reset register: the magic resets registers and VRAM");
}

static int wait_irq(int efd)
{
	return mvgpu_eventfd_wait(efd, 1000, NULL);
}

static void test_irqs(struct mvgpu_handle *h)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };
	int efd = eventfd(0, EFD_CLOEXEC), efd2 = eventfd(0, EFD_CLOEXEC);
	uint32_t cmd;

	ii.index = VFIO_PCI_MSI_IRQ_INDEX;
	tap_ok(!ioctl(h->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) && ii.count == 1 &&
	       (ii.flags & VFIO_IRQ_INFO_EVENTFD), "irq info: one MSI vector");
	ii.index = VFIO_PCI_INTX_IRQ_INDEX;
	tap_ok(!ioctl(h->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) && ii.count == 1 &&
	       (ii.flags & VFIO_IRQ_INFO_AUTOMASKED), "irq info: INTx, maskable, automasked");
	ii.index = VFIO_PCI_MSIX_IRQ_INDEX;
	tap_ok(!ioctl(h->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) && ii.count == 0,
	       "irq info: no MSI-X");
	ii.index = 42;
	tap_ok(ioctl(h->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0 && errno == EINVAL,
	       "irq info: unknown index gets EINVAL");

	/* MSI */
	tap_ok(!mvgpu_irq_arm(h, VFIO_PCI_MSI_IRQ_INDEX, efd), "MSI: eventfd armed");
	tap_ok(!mvgpu_irq_fire(h, VFIO_PCI_MSI_IRQ_INDEX) && wait_irq(efd) == 1,
	       "MSI: DATA_NONE trigger fires the eventfd");
	/* An MSI is a memory write: not without bus mastering. */
	mvgpu_bus_master(h, 0);
	mvgpu_reg_write(h, MVGPU_REG_INT_MASK, MVGPU_INT_SELFTEST);
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 1);
	tap_ok(wait_irq(efd) == 0 && (mvgpu_reg(h, MVGPU_REG_INT_STATUS) & MVGPU_INT_SELFTEST),
	       "MSI: nothing sent while bus mastering is off, the cause pending");
	mvgpu_bus_master(h, 1);
	tap_ok(wait_irq(efd) == 1, "MSI: sent once bus mastering is turned on");
	/* Re-arming (as QEMU does when the vector moves) re-sends nothing. */
	tap_ok(!mvgpu_irq_arm(h, VFIO_PCI_MSI_IRQ_INDEX, efd2) && wait_irq(efd2) == 0,
	       "MSI: a new eventfd for MSI does not get the cause already sent");
	tap_ok(!mvgpu_irq_arm(h, VFIO_PCI_MSI_IRQ_INDEX, efd) && wait_irq(efd) == 0,
	       "MSI: nor does the old one armed again");
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	mvgpu_reg_write(h, MVGPU_REG_INT_MASK, 0);
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 1);
	tap_ok(wait_irq(efd) == 0 && (mvgpu_reg(h, MVGPU_REG_INT_STATUS) & MVGPU_INT_SELFTEST),
	       "MSI: a masked cause is pending but not delivered");
	mvgpu_reg_write(h, MVGPU_REG_INT_MASK, MVGPU_INT_SELFTEST);
	tap_ok(wait_irq(efd) == 1, "MSI: unmasking a pending cause delivers it");
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 2);
	tap_ok(wait_irq(efd) == 0, "MSI: no second edge before the cause is acknowledged");
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_SELFTEST);
	tap_ok(mvgpu_reg(h, MVGPU_REG_INT_STATUS) == 0, "MSI: INT_ACK clears the status");
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 0xabc);
	tap_ok(wait_irq(efd) == 1 && mvgpu_reg(h, MVGPU_REG_SELFTEST_DATA) == 0xabc,
	       "MSI: self-test interrupt delivered with its data");
	tap_ok(mvgpu_irq_arm(h, VFIO_PCI_INTX_IRQ_INDEX, efd2) == -EINVAL,
	       "INTx cannot be armed while MSI is");
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	tap_ok(!mvgpu_irq_disarm(h, VFIO_PCI_MSI_IRQ_INDEX), "MSI: disarmed");
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 3);
	tap_ok(wait_irq(efd) == 0, "MSI: nothing delivered once disarmed");
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);

	/* INTx: a level, automasked */
	tap_ok(!mvgpu_irq_arm(h, VFIO_PCI_INTX_IRQ_INDEX, efd2), "INTx: eventfd armed");
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 4);
	tap_ok(wait_irq(efd2) == 1, "INTx: self-test interrupt delivered");
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 5);
	tap_ok(wait_irq(efd2) == 0, "INTx: automasked until unmasked");
	mvgpu_irq_unmask(h);
	tap_ok(wait_irq(efd2) == 1, "INTx: unmask with the line still asserted fires again");
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	mvgpu_irq_unmask(h);
	tap_ok(wait_irq(efd2) == 0, "INTx: unmask with the line low does not fire");
	cmd = PCI_COMMAND_INTX_DISABLE;
	mvgpu_cfg_write(h, PCI_COMMAND, &cmd, 2);
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 6);
	tap_ok(wait_irq(efd2) == 0, "INTx: PCI_COMMAND_INTX_DISABLE holds it back");
	cmd = 0;
	mvgpu_cfg_write(h, PCI_COMMAND, &cmd, 2);
	tap_ok(wait_irq(efd2) == 1, "INTx: clearing INTX_DISABLE lets it through");
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	mvgpu_irq_unmask(h);

	/* A register reset keeps config space: INTx stays disabled. */
	cmd = PCI_COMMAND_INTX_DISABLE;
	mvgpu_cfg_write(h, PCI_COMMAND, &cmd, 2);
	mvgpu_reg_write(h, MVGPU_REG_RESET, MVGPU_RESET_MAGIC);
	mvgpu_reg_write(h, MVGPU_REG_INT_MASK, MVGPU_INT_SELFTEST);
	mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 7);
	tap_ok(wait_irq(efd2) == 0, "INTx: still disabled after a register reset");
	cmd = 0;
	mvgpu_cfg_write(h, PCI_COMMAND, &cmd, 2);
	tap_ok(wait_irq(efd2) == 1, "INTx: delivered once enabled again");
	mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	mvgpu_irq_disarm(h, VFIO_PCI_INTX_IRQ_INDEX);

	/* Malformed SET_IRQS */
	{
		struct vfio_irq_set set = { .argsz = sizeof(set),
			.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VFIO_PCI_MSIX_IRQ_INDEX, .count = 1 };

		tap_ok(ioctl(h->device, VFIO_DEVICE_SET_IRQS, &set) < 0 && errno == EINVAL,
		       "SET_IRQS: MSI-X (no vectors) gets EINVAL");
		set.index = VFIO_PCI_MSI_IRQ_INDEX;
		set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
			    VFIO_IRQ_SET_ACTION_TRIGGER;
		tap_ok(ioctl(h->device, VFIO_DEVICE_SET_IRQS, &set) < 0 && errno == EINVAL,
		       "SET_IRQS: two data types get EINVAL");
		set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
		set.start = 1;
		tap_ok(ioctl(h->device, VFIO_DEVICE_SET_IRQS, &set) < 0 && errno == EINVAL,
		       "SET_IRQS: start past the vectors gets EINVAL");
		set.start = 0;
		set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK;
		tap_ok(ioctl(h->device, VFIO_DEVICE_SET_IRQS, &set) < 0 && errno == ENOTTY,
		       "SET_IRQS: unmask of MSI gets ENOTTY (as vfio-pci)");
		tap_ok(mvgpu_irq_arm(h, VFIO_PCI_MSI_IRQ_INDEX, 9999) == -EBADF,
		       "SET_IRQS: a bad eventfd gets EBADF");
	}
	close(efd);
	close(efd2);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: devmodel_test UUID_A UUID_B\n");
		return 2;
	}
	if (mvgpu_open(&a, argv[1]) || mvgpu_open(&b, argv[2])) {
		printf("not ok 1 - open both vGPUs: %s\n", mvgpu_errmsg());
		return 1;
	}
	test_config(&a);
	test_bar_sizing(&a);
	test_regions(&a);
	test_registers(&a);
	test_fuzz(&a);
	test_fuzz(&b);
	test_vram();
	test_reset();
	test_irqs(&a);
	mvgpu_close(&a);
	mvgpu_close(&b);
	return tap_failed ? 1 : 0;
}
