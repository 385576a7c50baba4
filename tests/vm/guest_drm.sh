#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest driver in a nested VM: QEMU (nested, TCG) boots a kernel
# (GUEST_DRM_FLAVOUR: stock, the default, or debug: KASAN, lockdep,
# kmemleak) with a busybox initramfs (scripts/mkguest.sh) and a 1/4 vGPU;
# /init loads mvgpu_drm.ko and runs the render node's tests
# (tests/guest/drm_*.c, every suite), then unloads the driver, scans
# kmemleak and prints the guest kernel's log.  Here: the guest's TAP lines
# as ours, its exit status, the unload, and no splat or leak in its log.
#
# On a device without contexts (uapi < 0.4) the suites that run jobs say
# "skip" and the rest (render node, syncobjs, buffers, every ioctl's bad
# input) still run.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest_lib.sh"
. "$MVGPU_REPO/scripts/lib.sh"
flavour=${GUEST_DRM_FLAVOUR:-stock}
BOOT_TIMEOUT=${GUEST_TIMEOUT:-1500}
# The debug kernel, slowed by KASAN under nested TCG, takes an IO-APIC
# interrupt before its pin is set up and oopses in setup_IO_APIC()
# (mask_ioapic_irq); without the IO-APIC it boots, and MSI needs only the
# local APIC.
# It is slow (KASAN under nested TCG: many minutes to boot), so it runs
# the suites that need no contexts plus the reset and the interrupt's
# thread, and its boot shows on the console (loglevel 5).
# 512 MiB of guest RAM: the pinlimit suite pins more guest memory than the
# 1/4 vGPU's pin budget (its 256 MiB of VRAM).  GUEST_DRM_SUITES picks
# suites (commas) for either flavour.
GUEST_MEM=${GUEST_DRM_MEM:-512}
extra=
suites=${GUEST_DRM_SUITES:-all}
if [ "$flavour" = debug ]; then
	extra="noapic loglevel=5"
	suites=${GUEST_DRM_SUITES:-core,syncobj,bo,ioctl,vramlost,irqthread}
	BOOT_TIMEOUT=${GUEST_TIMEOUT:-3600}
fi
# Short limits so the hang suite is quick: a job may use 2 s of engine
# time, and a context may go 10 s without progress.
DRMOPTS=${GUEST_DRMOPTS:-job_timeout_ms=2000,stall_timeout_ms=10000}

if ! GUEST_DIR=$("$MVGPU_REPO/scripts/mkguest.sh" "$flavour"); then
	not_ok "$flavour guest kernel, initramfs and mvgpu_drm.ko (scripts/mkguest.sh $flavour)"
	exit 1
fi
ok "$flavour guest kernel, initramfs and mvgpu_drm.ko (scripts/mkguest.sh $flavour)"
mvgpu_load engines=1 || { not_ok "load mvgpu engines=1"; exit 1; }
a=$(create_vgpu 1_4) || { not_ok "create a 1/4 vGPU"; rmmod mvgpu; exit 1; }
ok "create a 1/4 vGPU"

tmp=$(mktemp -d)
log=$tmp/drm-$flavour.log
t0=$(date +%s)
GUEST_APPEND="$extra mvgpu.drm=1 mvgpu.prog=mvgpu-drm-test mvgpu.drmopts=$DRMOPTS" \
	start_guest "$a" "$log" ${suites//,/ }
pid=$GUEST_PID
diag "nested $flavour guest started (QEMU pid $pid), waiting up to $BOOT_TIMEOUT s"
wait_guest "$pid" "$BOOT_TIMEOUT" "$log"
st=$?
diag "nested run: $(( $(date +%s) - t0 )) s"
expect_eq "$flavour guest: QEMU exits 0 (the guest powered off)" "$st" 0
grep -E '^mvgpu-guest-init: (/dev/dri|insmod|rmmod)' "$log" | sed 's/^/# /'
sed -n -E "s|^((not )?ok [0-9]+ - )|\1$flavour guest: |p" "$log" | tap_through
expect_eq "$flavour guest: mvgpu-drm-test exits 0" "$(guest_status "$log")" 0
check "$flavour guest: the driver bound the vGPU (a render node appeared)" \
	grep -q '^mvgpu-guest-init: /dev/dri: .*renderD' "$log"
check "$flavour guest: rmmod mvgpu_drm after the tests" grep -q 'rmmod mvgpu_drm: ok' "$log"
check "$flavour guest: mvgpu_drm loads, binds and unloads again" grep -q 'reload mvgpu_drm: ok' "$log"
sed -n 's/^mvgpu-guest-dmesg: //p' "$log" > "$tmp/guest-dmesg"
sed -n 's/^mvgpu-guest-kmemleak: //p' "$log" > "$tmp/guest-kmemleak"
# Those lines stay out of what this VM prints (its harness scans it).
sed -i '/^mvgpu-guest-\(dmesg\|kmemleak\): /d' "$log"
splat=$(scan_splat "$tmp/guest-dmesg" | grep -v 'mvgpu-guest' | head -n 20)
expect_eq "$flavour guest: its kernel log is clean (no splat of any kind)" \
	"$(printf '%s' "$splat" | grep -c .)" 0
[ -z "$splat" ] || printf "%s\n" "$splat" | sed "s/:/ ;/g" | sed "s/^/#   guest: /" | tr -d "[]"
if [ "$flavour" = debug ]; then
	expect_eq "$flavour guest: kmemleak found nothing after the driver unloaded" \
		"$(grep -c 'unreferenced object' "$tmp/guest-kmemleak")" 0
fi
grep -E 'mvgpu|drm' "$tmp/guest-dmesg" | tail -n 12 | sed 's/:/ ;/g; s/^/#   guest dmesg: /' | tr -d '[]'
[ "$st" = 0 ] && [ "$(guest_status "$log")" = 0 ] || guest_tail "$log"
guest_keep "$log" "$log.qemu"
rm -rf "$tmp"
check "remove the vGPU" remove_vgpu "$a"
check "mvgpu unloads" rmmod mvgpu
exit $((T_FAILED > 0))
