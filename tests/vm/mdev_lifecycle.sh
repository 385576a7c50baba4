#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module load/unload, parameters, vGPU types and the create/remove lifecycle.
# Runs inside the test VM on both kernels.

. "$(dirname "$0")/lib.sh"

# ---- parameters -------------------------------------------------------------
t_bad_params() {
	local p msg
	for p in "vram_mb=100:power of two" "vram_mb=32:between 64" \
		 "num_gpus=0:num_gpus" "num_gpus=9:num_gpus" "engines=0:engines" \
		 "engines=99:engines"; do
		dmesg -C
		if mvgpu_load "${p%%:*}" 2>/dev/null; then
			not_ok "load with ${p%%:*} is refused"
			rmmod mvgpu
			continue
		fi
		msg=$(dmesg | grep 'mvgpu: invalid module parameters')
		if [[ "$msg" == *"${p#*:}"* ]] && [ ! -d /sys/module/mvgpu ]; then
			ok "load with ${p%%:*} is refused with a clear message"
		else
			not_ok "load with ${p%%:*} is refused with a clear message"
			diag "dmesg: $msg"
		fi
	done
}

t_load_unload() {
	local i good=1
	for i in 1 2 3; do
		mvgpu_load num_gpus=2 || good=0
		[ -d "$MDEV_BUS/mvgpu.0" ] && [ -d "$MDEV_BUS/mvgpu.1" ] || good=0
		[ -e "$MDEV_BUS/mvgpu.2" ] && good=0
		rmmod mvgpu || good=0
		[ -e "$MDEV_BUS/mvgpu.0" ] && good=0
	done
	check "load with num_gpus=2 makes two parents; unload removes them (3 cycles)" [ $good = 1 ]
}

# ---- types ------------------------------------------------------------------
t_types() {
	local t d n vram want_vram want_inst weight
	n=$(ls "$MDEV_BUS/mvgpu.0/mdev_supported_types" | tr '\n' ' ')
	expect_eq "five types per parent" "$n" "mvgpu-1_1 mvgpu-1_16 mvgpu-1_2 mvgpu-1_4 mvgpu-1_8 "
	for t in $MVGPU_TYPES; do
		d=$(type_dir "$t")
		want_inst=${t#1_}
		want_vram=$((1024 / want_inst))
		weight=$((want_inst > 8 ? 1 : 8 / want_inst))
		ctxs=$((want_inst > 4 ? 16 : 64 / want_inst))
		[ "$ctxs" -ge 16 ] || ctxs=16
		expect_eq "type $t device_api" "$(cat "$d/device_api")" "vfio-pci"
		expect_eq "type $t name" "$(cat "$d/name")" "mvgpu 1/$want_inst ($want_vram MiB)"
		expect_eq "type $t description" "$(cat "$d/description")" \
			"vram=${want_vram}M max_instances=$want_inst weight=$weight engines=2 contexts=$ctxs"
		expect_eq "type $t available_instances on an empty GPU" "$(avail "$t")" "$want_inst"
		[ -d "$d/devices" ] && ok "type $t has a devices directory" || not_ok "type $t has a devices directory"
	done
}

# ---- lifecycle ----------------------------------------------------------------
# available_instances of every type, against a model counting used 16ths.
check_avail_all() {
	local used=$1 t want got bad=""
	for t in $MVGPU_TYPES; do
		want=$(( (16 - used) / (16 / ${t#1_}) ))
		got=
		read -r got < "$MDEV_BUS/mvgpu.0/mdev_supported_types/mvgpu-$t/available_instances"
		[ "$got" = "$want" ] || bad="$bad $t:$got!=$want"
	done
	[ -z "$bad" ] || { diag "after $2: used=$used/16$bad"; return 1; }
}

t_random_lifecycle() {
	local -a live=() live_t=()
	local used=0 step t e u i err g bad=0 creates=0 removes=0 refused=0
	local -a types=($MVGPU_TYPES)
	RANDOM=4242
	for ((step = 0; step < 60; step++)); do
		if (( RANDOM % 2 )) || [ ${#live[@]} = 0 ]; then
			t=${types[RANDOM % 5]}
			e=$((16 / ${t#1_}))
			read -r u < /proc/sys/kernel/random/uuid
			err=$(write_err "$u" "$MDEV_BUS/mvgpu.0/mdev_supported_types/mvgpu-$t/create")
			if (( used + e <= 16 )); then
				g=
				[ "$err" = ok ] && g=$(readlink "$MDEV_DEVS/$u/iommu_group")
				if [ -n "$g" ] && [ -e "/dev/vfio/${g##*/}" ]; then
					live+=("$u"); live_t+=("$e"); used=$((used + e)); creates=$((creates + 1))
				else
					diag "step $step: create $t failed: $err"; bad=1
				fi
			else
				if [ "$err" != "No space left on device" ] || [ -e "$MDEV_DEVS/$u" ]; then
					diag "step $step: over-capacity create $t gave '$err'"; bad=1
				fi
				refused=$((refused + 1))
			fi
		else
			i=$((RANDOM % ${#live[@]}))
			remove_vgpu "${live[$i]}" || { diag "step $step: remove failed"; bad=1; }
			[ -e "$MDEV_DEVS/${live[$i]}" ] && { diag "step $step: removed vGPU still there"; bad=1; }
			used=$((used - live_t[i]))
			unset 'live[i]' 'live_t[i]'
			live=("${live[@]}"); live_t=("${live_t[@]}")
			removes=$((removes + 1))
		fi
		check_avail_all $used "step $step" || bad=1
	done
	diag "random lifecycle: $creates creates, $removes removes, $refused refused"
	check "60 random creates/removes across types keep available_instances exact" [ $bad = 0 ]
	(( refused > 0 )) && ok "random lifecycle hit the capacity limit" || not_ok "random lifecycle hit the capacity limit"
	expect_eq "pool sysfs: allocated VRAM matches the live vGPUs" \
		"$(cat /sys/devices/platform/mvgpu.0/vram_allocated_bytes)" "$((used * 64 << 20))"
	remove_all_vgpus
	check_avail_all 0 "cleanup" && ok "all VRAM back after removing everything" || not_ok "all VRAM back after removing everything"
	expect_eq "pool sysfs: total, allocated, backed after cleanup" \
		"$(cd /sys/devices/platform/mvgpu.0 && cat vram_total_bytes vram_allocated_bytes vram_backed_bytes | tr '\n' ' ')" \
		"$((1024 << 20)) 0 0 "
}

# The GPU's sysfs and debugfs files walk its table of vGPUs.  Readers racing
# creates and removes must never see a vGPU half made or half freed (on the
# debug kernel KASAN reports it; the run's splat scan fails on it).
t_table_readers_race() {
	local d=/sys/devices/platform/mvgpu.0 dbg=/sys/kernel/debug/mvgpu/mvgpu.0
	local stop=/tmp/readers.stop bad=/tmp/readers.bad i u rc=0 reads
	# KASAN catches a torn read on the first race it sees; 100 rounds
	# cost the debug kernel minutes of TCG for little more.
	local rounds=100
	[[ "$(uname -r)" == *debug* ]] && rounds=40
	rm -f "$stop" "$bad"
	(
		n=0
		while [ ! -e "$stop" ]; do
			v=$(cat "$d/vram_backed_bytes") && [[ "$v" =~ ^[0-9]+$ ]] ||
				{ echo "vram_backed_bytes: '$v'" >> "$bad"; }
			cat "$dbg/sched" > /dev/null || echo "sched unreadable" >> "$bad"
			n=$((n + 1))
		done
		echo "$n" > "$stop.n"
	) &
	for ((i = 0; i < rounds; i++)); do
		u=$(create_vgpu 1_16) || { rc=1; break; }
		remove_vgpu "$u" || { rc=1; break; }
	done
	touch "$stop"
	wait
	reads=$(cat "$stop.n" 2>/dev/null)
	[ -s "$bad" ] && { diag "$(head -3 "$bad")"; rc=1; }
	diag "$reads sysfs + debugfs reads during $rounds creates and removes"
	check "readers of the vGPU table racing $rounds creates/removes always read a whole table" \
		test "$rc" = 0 -a "${reads:-0}" -gt 0
	rm -f "$stop" "$stop.n" "$bad"
}

t_exhaustion() {
	local u err before=$(ls /dev/vfio | wc -l) i
	local -a us=()
	for i in 1 2 3 4 5 6 7 8; do us+=("$(create_vgpu 1_8)"); done
	expect_eq "eight 1/8 vGPUs fill the GPU" "$(avail 1_16) $(avail 1_8) $(avail 1_1)" "0 0 0"
	u=$(new_uuid)
	dmesg -C
	err=$(write_err "$u" "$(type_dir 1_8)/create")
	expect_eq "a ninth vGPU is refused with ENOSPC" "$err" "No space left on device"
	check "the refused create leaves no device behind" [ ! -e "$MDEV_DEVS/$u" ]
	expect_eq "the refused create leaves no IOMMU group behind" "$(ls /dev/vfio | wc -l)" "$((before + 8))"
	check "the refused create says why in the kernel log" \
		bash -c "dmesg | grep -q 'cannot create 1_8 vGPU: needs 128 MiB VRAM, 0 MiB free on mvgpu.0'"
	err=$(write_err "$u" "$(type_dir 1_1)/create")
	expect_eq "a full-GPU vGPU is refused too" "$err" "No space left on device"
	remove_vgpu "${us[0]}"
	err=$(write_err "$u" "$(type_dir 1_8)/create")
	expect_eq "after one removal the same UUID can be created" "$err" "ok"
	err=$(write_err "$u" "$(type_dir 1_8)/create")
	expect_eq "a duplicate UUID is refused" "$err" "File exists"
	remove_all_vgpus
	expect_eq "after removing all, one full-GPU vGPU fits" "$(avail 1_1)" "1"
}

t_vfio_device() {
	local u g json
	u=$(create_vgpu 1_4)
	g=$(basename "$(readlink "$MDEV_DEVS/$u/iommu_group")")
	check "vGPU has its own /dev/vfio/$g" [ -c "/dev/vfio/$g" ]
	expect_eq "vGPU is alone in its IOMMU group" "$(ls /sys/kernel/iommu_groups/$g/devices)" "$u"
	expect_eq "vGPU sysfs vram_bytes" "$(cat "$MDEV_DEVS/$u/mvgpu/vram_bytes")" "$((256 << 20))"
	check "vGPU sysfs vgpu_id is a number" grep -qE '^[0-9]+$' "$MDEV_DEVS/$u/mvgpu/vgpu_id"
	json=$("$MVGPU_CLIENT" --json info "$u")
	check "VFIO_DEVICE_GET_INFO through group/container/device fd" grep -q \
		"{\"uuid\":\"$u\",\"iommu_group\":$g,\"pci\":true,\"reset\":true,\"num_regions\":9,\"num_irqs\":5," <<< "$json"
	check "client fails clearly on an unknown UUID" \
		bash -c "! '$MVGPU_CLIENT' info 00000000-0000-0000-0000-000000000000 2>&1 | grep -q 'no vGPU'; [ \${PIPESTATUS[0]} -ne 0 ]"
	remove_vgpu "$u"
	check "IOMMU group goes with the vGPU" [ ! -e "/dev/vfio/$g" ]
}

t_remove_while_open() {
	local u fifo=/tmp/hold.fifo holder remover waited
	u=$(create_vgpu 1_2)
	mkfifo "$fifo"
	"$MVGPU_CLIENT" hold "$u" < "$fifo" > /tmp/hold.out 2>&1 &
	holder=$!
	exec 7> "$fifo"
	wait_for 10 grep -q holding /tmp/hold.out
	check "client holds the vGPU open" grep -q holding /tmp/hold.out

	# Not inheriting the fifo's write end, or the holder never sees EOF.
	( echo 1 > "$MDEV_DEVS/$u/remove" ) 7>&- &
	remover=$!
	sleep 3
	check "remove of an open vGPU waits for the user" kill -0 $remover
	check "rmmod with an open vGPU fails (module in use)" bash -c '! rmmod mvgpu 2>/dev/null'
	exec 7>&-	# the holder sees EOF and closes the device
	wait_for 15 bash -c "! kill -0 $holder 2>/dev/null"
	check "client exits when told to" bash -c "! kill -0 $holder 2>/dev/null"
	waited=0
	wait_for 15 bash -c "! kill -0 $remover 2>/dev/null" && waited=1
	check "remove completes once the device is closed" [ $waited = 1 ]
	wait $remover 2>/dev/null
	check "the removed vGPU is gone" [ ! -e "$MDEV_DEVS/$u" ]
	expect_eq "its VRAM is back" "$(avail 1_1)" "1"
	rm -f "$fifo"
}

t_unload_with_vgpus() {
	local a b
	a=$(create_vgpu 1_4)
	b=$(create_vgpu 1_8)
	check "rmmod with idle vGPUs present succeeds" rmmod mvgpu
	check "its vGPUs are gone" [ ! -e "$MDEV_DEVS/$a" ] && [ ! -e "$MDEV_DEVS/$b" ]
	check "module reloads after that" mvgpu_load
	expect_eq "a fresh GPU after reload" "$(avail 1_8)" "8"
}

t_mdevctl() {
	local u=$(new_uuid) v=$(new_uuid) types
	types=$(mdevctl types 2>&1)
	check "mdevctl types lists our types" bash -c "grep -q 'mvgpu-1_8' <<< '$types' && grep -q 'mvgpu-1_1' <<< '$types'"
	check "mdevctl start" mdevctl start -u "$u" -p mvgpu.0 -t mvgpu-1_4
	check "mdevctl list shows it" bash -c "mdevctl list | grep -q '$u mvgpu.0 mvgpu-1_4'"
	expect_eq "capacity follows mdevctl start" "$(avail 1_4)" "3"
	check "mdevctl stop" mdevctl stop -u "$u"
	check "stopped vGPU is gone" [ ! -e "$MDEV_DEVS/$u" ]
	check "mdevctl define" mdevctl define -u "$v" -p mvgpu.0 -t mvgpu-1_2
	check "mdevctl list --defined shows it" bash -c "mdevctl list --defined | grep -q '$v'"
	check "mdevctl start of a defined vGPU" mdevctl start -u "$v"
	check "defined vGPU runs" [ -e "$MDEV_DEVS/$v" ]
	check "mdevctl stop of a defined vGPU" mdevctl stop -u "$v"
	check "mdevctl undefine" mdevctl undefine -u "$v"
	check "undefined vGPU is no longer listed" bash -c "! mdevctl list --defined | grep -q '$v'"
}

t_bad_params
t_load_unload
mvgpu_load || { not_ok "mvgpu_load"; exit 1; }
ok "mvgpu_load"
t_types
t_random_lifecycle
t_table_readers_race
t_exhaustion
t_vfio_device
t_remove_while_open
t_unload_with_vgpus
t_mdevctl
remove_all_vgpus
check "final rmmod" rmmod mvgpu
exit $((T_FAILED > 0))
