#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest driver in this VM, which has no mvgpu device: mvgpu_drm.ko
# loads with the DRM modules it needs (drm, drm_shmem_helper, gpu-sched
# from this kernel), registers its PCI driver, binds nothing, makes no
# render node and unloads; three times, so a leak or a splat on the
# module's init and exit shows (kmemleak and lockdep on the debug kernel).

. "$(dirname "$0")/lib.sh"
KO=$MVGPU_REPO/build/guest-$MVGPU_KERNEL/mvgpu_drm.ko

check "mvgpu_drm.ko was built for this kernel ($MVGPU_KERNEL)" test -f "$KO"
[ -f "$KO" ] || exit 1
check "its dependencies load (modprobe drm drm_shmem_helper gpu-sched)" \
	modprobe -a drm drm_shmem_helper gpu-sched
expect_eq "modinfo: PCI alias 1234:4d47" \
	"$(modinfo -F alias "$KO" | grep -c 'v00001234d00004D47')" 1
renders() { ls /dev/dri/renderD* 2>/dev/null | wc -l; }
r0=$(renders)
for i in 1 2 3; do
	check "load $i: insmod mvgpu_drm.ko" insmod "$KO"
	check "load $i: the PCI driver mvgpu_drm is registered" test -d /sys/bus/pci/drivers/mvgpu_drm
	expect_eq "load $i: no device bound, no new render node" \
		"$(ls /sys/bus/pci/drivers/mvgpu_drm | grep -c ':') $(renders)" "0 $r0"
	check "load $i: rmmod mvgpu_drm" rmmod mvgpu_drm
done
check "the PCI driver is gone" test ! -e /sys/bus/pci/drivers/mvgpu_drm
check "parameters are refused when out of range (ring_kib=100: loads, would fail a probe)" \
	bash -c "insmod '$KO' ring_kib=100 && rmmod mvgpu_drm"
exit $((T_FAILED > 0))
