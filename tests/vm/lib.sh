# SPDX-License-Identifier: GPL-2.0
# Helpers for the in-VM tests (sourced).  Results are TAP lines on stdout:
# "ok N - name" / "not ok N - name", with "# ..." diagnostics.  The host's
# scripts/check.sh counts them.

# Let "helper | tap_through" count in this shell, not a subshell.
shopt -s lastpipe

T_N=0
T_FAILED=0

ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

not_ok() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}

diag() { echo "# $*"; }

# check NAME CMD...: pass if CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; diag "failed: $*"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got '$2', want '$3'"
	fi
}

# Pass the TAP lines of a helper program through as our own.
tap_through() {
	local l
	while IFS= read -r l; do
		case "$l" in
		"ok "*) ok "${l#ok * - }" ;;
		"not ok "*) not_ok "${l#not ok * - }" ;;
		*) echo "$l" ;;
		esac
	done
}

# Wait up to $1 seconds for CMD... to succeed.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

MDEV_BUS=/sys/class/mdev_bus
MDEV_DEVS=/sys/bus/mdev/devices
MVGPU_TYPES="1_8 1_4 1_2 1_1"
MVGPU_BUILD=$MVGPU_REPO/build/$MVGPU_KERNEL
MVGPU_CLIENT=$MVGPU_REPO/build/tools/mvgpu

# Load mvgpu.ko with its dependencies.  (insmod rather than modprobe: a
# depmod over the 9p root costs a minute under TCG.)
mvgpu_load() {
	modprobe -a vfio vfio_iommu_type1 mdev drm_buddy || return 1
	insmod "$MVGPU_BUILD/mvgpu.ko" "$@"
}

type_dir() { echo "$MDEV_BUS/mvgpu.${2:-0}/mdev_supported_types/mvgpu-$1"; }
avail() { cat "$(type_dir "$1" "${2:-0}")/available_instances"; }

new_uuid() { cat /proc/sys/kernel/random/uuid; }

# create TYPE [GPU] -> prints the UUID, fails like the sysfs write does
create_vgpu() {
	local u
	u=$(new_uuid)
	echo "$u" > "$(type_dir "$1" "${2:-0}")/create" || return 1
	echo "$u"
}

remove_vgpu() { echo 1 > "$MDEV_DEVS/$1/remove"; }

remove_all_vgpus() {
	local d
	for d in "$MDEV_DEVS"/*; do
		[ -e "$d/remove" ] && echo 1 > "$d/remove"
	done
	return 0
}

# Errors of a sysfs write, as text: "ok" or the strerror of the failure.
write_err() {
	local out
	out=$( { echo "$1" > "$2"; } 2>&1) && { echo ok; return; }
	echo "${out##*: }"
}
