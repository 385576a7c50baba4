#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vGPU as a PCI device through VFIO (tests/client/devmodel_test.c), plus
# what needs the lifecycle around it: VRAM is zero for a new vGPU even after
# an earlier one filled and released the same pool, usage in sysfs, the
# command-line client, and everything again after remove and re-create.

. "$(dirname "$0")/lib.sh"
T=$MVGPU_REPO/build/tests

mvgpu_load || { not_ok "load mvgpu"; exit 1; }

run_devmodel() {
	local a b out
	a=$(create_vgpu 1_8) && b=$(create_vgpu 1_8) || { not_ok "create two vGPUs ($1)"; return; }
	"$T/devmodel_test" "$a" "$b" | sed -E "s/^((not )?ok [0-9]+ - )/\1$1: /" | tap_through
	[ "${PIPESTATUS[0]}" = 0 ] || diag "devmodel_test ($1) failed"
	remove_vgpu "$a"
	remove_vgpu "$b"
}

run_devmodel "first"

# VRAM from an earlier tenant never shows up in a new vGPU: one fills
# 64 MiB and goes away, two new ones fault in fresh pages from the pool.
u=$(create_vgpu 1_1)
"$T/vram_tenant" fill "$u" 16 | sed 's/tenant:/first open: tenant:/' | tap_through
# Map, unmap, close and map again: the mapping bookkeeping stays balanced.
"$T/vram_tenant" fill "$u" 64 | tap_through
expect_eq "pool sysfs: nothing stays backed after the tenant closed" \
	"$(cat /sys/devices/platform/mvgpu.0/vram_backed_bytes)" "0"
remove_vgpu "$u"
for t in 1_2 1_8; do
	v=$(create_vgpu "$t")
	"$T/vram_tenant" check-zero "$v" 64 | tap_through
	remove_vgpu "$v"
done

# Closing the device scrubs it: what one open wrote, the next cannot read.
u=$(create_vgpu 1_8)
"$MVGPU_CLIENT" vram-write "$u" 0 "secret-of-tenant-one" > /dev/null
check "closing the device scrubs VRAM (a later open reads zeros)" \
	bash -c "'$MVGPU_CLIENT' vram-read '$u' 0 16 | grep -q '^00000000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00$'"
remove_vgpu "$u"

u=$(create_vgpu 1_4)
check "client: info" "$MVGPU_CLIENT" info "$u"
check "client: config dump" bash -c "'$MVGPU_CLIENT' config '$u' | grep -q '^00000000: 34 12 47 4d'"
check "client: MSI self-test" bash -c "'$MVGPU_CLIENT' irq-test '$u' msi | grep -q 'MSI interrupt received'"
check "client: INTx self-test" bash -c "'$MVGPU_CLIENT' irq-test '$u' intx | grep -q 'INTx interrupt received'"
check "client: reset" "$MVGPU_CLIENT" reset "$u"
out=$("$MVGPU_CLIENT" vram-read "$u" 0x10000000 4 2>&1); st=$?
check "client: reading past the aperture exits 1 and says EINVAL" \
	bash -c "[ $st = 1 ] && grep -q 'Invalid argument' <<< '$out'"
check "client: --json irq-test" bash -c "'$MVGPU_CLIENT' --json irq-test '$u' | grep -q '^{\"irq\":\"MSI\",\"count\":1,'"
check "client: --json vram-read" bash -c "'$MVGPU_CLIENT' --json vram-read '$u' 16 4 | grep -qx '{\"offset\":16,\"length\":4,\"hex\":\"00000000\"}'"
json=$("$MVGPU_CLIENT" --json info "$u")
check "client: --json info" bash -c "grep -q '\"vendor\":4660,\"device\":19783,\"subsystem\":4' <<< '$json'"
expect_eq "closing the device leaves no VRAM behind" "$(cat "$MDEV_DEVS/$u/mvgpu/vram_used_bytes")" "0"
remove_vgpu "$u"

# QEMU itself takes the vGPU as a vfio-pci device: realize, reset, BARs.
u=$(create_vgpu 1_4)
out=$(printf 'info pci\nquit\n' | timeout 120 qemu-system-x86_64 -accel tcg -M q35 \
	-nodefaults -display none -serial none -m 128 -S -monitor stdio \
	-device "vfio-pci,sysfsdev=$MDEV_DEVS/$u" 2>&1)
st=$?
check "QEMU starts with the vGPU as -device vfio-pci,sysfsdev=..." [ $st = 0 ]
check "QEMU sees a 3D controller 1234:4d47" grep -q '3D controller: PCI device 1234:4d47' <<< "$out"
check "QEMU sees BAR2 as a 256 MiB 64-bit prefetchable BAR" \
	grep -Eq 'BAR2: 64 bit prefetchable memory at .* \[0x[0-9a-f]*\]' <<< "$out"
grep -E 'BAR|3D|vfio|error|warn' <<< "$out" | sed 's/^/# qemu: /'
remove_vgpu "$u"

run_devmodel "after re-create"
check "module unloads" rmmod mvgpu
exit $((T_FAILED > 0))
