#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel under QEMU TCG with the host's root shared read-only over 9p
# (an overlay with a tmpfs upper layer makes it writable inside the VM), run
# one script as root inside, and return its exit status.
#
#   scripts/vm-run.sh --kernel stock|debug --out DIR [--timeout SEC]
#                     [--mem MB] [--smp N] [--vclock] [--env K=V ...]
#                     [--append KERNEL-ARGS] SCRIPT [ARGS...]
#
# --vclock runs the guest on QEMU's instruction-counting clock (one vCPU,
# -icount shift=1,sleep=off): guest time advances by 2 ns per instruction
# the guest executes and jumps over idle time, so nothing the host does
# moves a time the guest measures.  For benchmarks of scheduling; see
# Documentation/testing.rst, "The virtual clock".  Inside, MVGPU_CLOCK is
# "virtual" (else "wall").
#
# SCRIPT runs inside the VM under bash, with the repository at the same path
# as on the host.  DIR (created, emptied) is shared writable and mounted at
# /mnt/out inside the VM; after the run it holds:
#   console.log  everything the VM printed
#   test.log     the script's output
#   dmesg.txt    the kernel log at the end
#   kmemleak.txt kmemleak's report (debug kernel)
#   status       the script's exit status
#   splat.txt    kernel-log lines that fail the run (BUG, WARNING, KASAN, ...)
#
# Exit status: the script's, or 124 on timeout, or 125 if the VM did not
# finish cleanly or the kernel log has a splat.
set -euo pipefail

# One VM at a time on a machine: the runner takes $MVGPU_VM_LOCK
# (/tmp/mvgpu-vm.lock) for the VM's life, unless a process up its tree
# already holds it ("flock /tmp/mvgpu-vm.lock make check").  Two TCG VMs on
# two cores would each run at half speed and time out.
vm_lock=${MVGPU_VM_LOCK:-/tmp/mvgpu-vm.lock}
if [ -z "${MVGPU_VM_LOCKED:-}" ]; then
	p=$PPID
	while [ "${p:-0}" -gt 1 ]; do
		cmd=$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null) || cmd=
		[[ $cmd == *"flock $vm_lock "* ]] && break
		p=$(ps -o ppid= -p "$p" 2>/dev/null) || p=0
		p=${p// /}
	done
	[ "${p:-0}" -gt 1 ] || exec flock "$vm_lock" env MVGPU_VM_LOCKED=1 "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

kernel=stock
extra_append=
user_append=
out=
timeout=600
# 2560 MiB: room for two default GPUs' VRAM (2 GiB) under the host-memory
# check.
mem=2560
smp=2
vclock=
envs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--vclock) vclock=1; shift ;;
	--env) envs+=("$2"); shift 2 ;;
	--append) user_append=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "vm-run: unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || die "usage: vm-run.sh --kernel stock|debug --out DIR SCRIPT [ARGS]"
[ -n "$out" ] || die "vm-run: --out DIR is required"
script=$(realpath "$1")
shift

case "$kernel" in
stock)
	kver=$(stock_kver)
	bzimage=/boot/vmlinuz-$kver
	kdir=
	;;
debug)
	kdir=$(debug_kdir)
	bzimage=$kdir/arch/x86/boot/bzImage
	kver=$(cat "$kdir/include/config/kernel.release")
	# failslab may hit every slab cache but drm_buddy's (see
	# tests/vm/fault_injection.sh); only failslab/cache-filter reads it.
	extra_append='slub_debug=A;-,drm_buddy_block'

	;;
*) die "vm-run: --kernel must be stock or debug" ;;
esac
[ -r "$bzimage" ] || die "vm-run: kernel image $bzimage not found"

initrd=$("$here/mkinitramfs.sh" "$kernel")

# QEMU 7.2 runs icount with one vCPU only (with -smp 2 the guest hangs at
# "Booting SMP configuration").  shift=1 - 2 ns of guest time per
# instruction, 500 M instructions a virtual second - is part of the
# benchmarks' definition: their virtual-clock figures are in those units.
# sleep=off: an idle vCPU jumps to the next timer deadline at once.
icount=()
clock=wall
if [ -n "$vclock" ]; then
	smp=1
	icount=(-icount shift=1,sleep=off)
	clock=virtual
fi

rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")
{
	echo "MVGPU_REPO='$repo'"
	echo "MVGPU_KERNEL='$kernel'"
	echo "MVGPU_KDIR='$kdir'"
	echo "MVGPU_SCRIPT='$script'"
	echo "MVGPU_CLOCK='$clock'"
	for e in "${envs[@]+"${envs[@]}"}"; do
		printf "export %s='%s'\n" "${e%%=*}" "${e#*=}"
	done
} > "$out/vm.env"
# Arrays are bash-only; busybox's /init sources vm.env too.
{ printf 'MVGPU_ARGS=('; printf "'%s' " "$@"; echo ')'; } > "$out/vm.args"

# la57=off: with 5-level paging, 6.1's identify_boot_cpu() runs with
# interrupts on while the CPU feature bits are rebuilt; an interrupt in that
# window makes KASAN see the 5-level direct map as wild memory and report a
# splat before any module loads.
args=(
	-accel tcg -cpu max,la57=off -M q35 -nodefaults -no-reboot
	-m "$mem" -smp "$smp" "${icount[@]+"${icount[@]}"}"
	-display none -serial "file:$out/console.log" -monitor none
	-kernel "$bzimage" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 oops=panic loglevel=4 quiet $extra_append $user_append"
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
	-fsdev "local,id=out,path=$out,security_model=none"
	-device "virtio-9p-pci,fsdev=out,mount_tag=out"
)

start=$(date +%s)
rc=0
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 "${args[@]}" </dev/null || rc=$?
secs=$(( $(date +%s) - start ))

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "vm-run: $kernel VM timed out after ${timeout}s" >&2
	tail -n 30 "$out/console.log" >&2 || true
	exit 124
fi
if [ ! -f "$out/status" ]; then
	echo "vm-run: $kernel VM ended without a status (qemu exit $rc, ${secs}s)" >&2
	tail -n 40 "$out/console.log" >&2 || true
	exit 125
fi

scan_splat "$out/console.log" "$out/dmesg.txt" > "$out/splat.txt" || true
if [ -s "$out/kmemleak.txt" ]; then
	grep -m 20 -A 12 'unreferenced object' "$out/kmemleak.txt" >> "$out/splat.txt" || true
fi
status=$(cat "$out/status")
echo "vm-run: $kernel kernel $kver ($clock clock), script exit $status, ${secs}s" >&2
if [ -s "$out/splat.txt" ]; then
	echo "vm-run: kernel log has errors:" >&2
	head -n 40 "$out/splat.txt" >&2
	exit 125
fi
exit "$status"
