#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module as DKMS installed it: on the host, scripts/dkms-check.sh begin
# ran "make dkms-install" for this (the stock) kernel, into
# /lib/modules/$(uname -r)/updates/dkms, and depmod; this VM sees that tree
# over 9p.  A bare "modprobe mvgpu" must find it, load vfio,
# vfio_iommu_type1, mdev and drm_buddy first, and take its parameters from
# /etc/modprobe.d (written here, in the VM's own overlay); "modprobe -r"
# unloads it.  Runs first in its VM, before any test loaded a module.

. "$(dirname "$0")/lib.sh"

kver=$(uname -r)
ko=/lib/modules/$kver/updates/dkms/mvgpu.ko
conf=/etc/modprobe.d/mvgpu.conf

if [ ! -f "$ko" ]; then
	not_ok "DKMS installed mvgpu.ko for $kver"
	diag "no $ko: on the host, run scripts/dkms-check.sh begin $kver DIR first (make check does)"
	exit 1
fi
ok "DKMS installed mvgpu.ko for $kver"
expect_eq "modinfo -n mvgpu finds the DKMS module" "$(modinfo -n mvgpu 2>&1)" "$ko"
diag "modinfo: $(modinfo -F depends mvgpu) / $(modinfo -F vermagic mvgpu)"

before=
for m in vfio vfio_iommu_type1 mdev drm_buddy mvgpu; do
	[ -d "/sys/module/$m" ] && before+="$m "
done
expect_eq "none of mvgpu and its dependencies is loaded yet" "$before" ""

cat > "$conf" <<CONF
# mvgpu: two GPUs of 512 MiB, one engine each, equal-share scheduling
options mvgpu num_gpus=2 vram_mb=512 engines=1 sched=equal
CONF
out=$(modprobe mvgpu 2>&1)
st=$?
[ -n "$out" ] && diag "modprobe: $out"
expect_eq "modprobe mvgpu (and nothing else named) exits 0" "$st" 0
for m in vfio vfio_iommu_type1 mdev drm_buddy mvgpu; do
	check "modprobe mvgpu loaded $m" [ -d "/sys/module/$m" ]
done
p=/sys/module/mvgpu/parameters
expect_eq "num_gpus from $conf" "$(cat $p/num_gpus 2>&1)" 2
expect_eq "vram_mb from $conf" "$(cat $p/vram_mb 2>&1)" 512
expect_eq "engines from $conf" "$(cat $p/engines 2>&1)" 1
expect_eq "sched from $conf" "$(cat $p/sched 2>&1)" equal
check "the parameters took effect: mvgpu.1 exists" [ -d "$MDEV_BUS/mvgpu.1" ]
check "the parameters took effect: mvgpu.0 has 512 MiB" \
	grep -qx $((512 << 20)) /sys/devices/platform/mvgpu.0/vram_total_bytes
check "the parameters took effect: equal-share scheduling" \
	grep -qx 'mode equal' /sys/devices/platform/mvgpu.0/sched_stats

# The installed module works: a vGPU through the mvgpu command.
u=$("$MVGPU_CLIENT" create 1_4 --placement spread 2>&1)
check "mvgpu create on the DKMS module" [ -d "$MDEV_DEVS/$u" ]
check "mvgpu list shows it" bash -c "'$MVGPU_CLIENT' list | grep -q '$u'"
check "mvgpu remove it" "$MVGPU_CLIENT" remove "$u"

check "modprobe -r mvgpu" modprobe -r mvgpu
check "mvgpu is unloaded" [ ! -d /sys/module/mvgpu ]
rm -f "$conf"
exit $((T_FAILED > 0))
