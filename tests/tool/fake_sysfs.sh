# SPDX-License-Identifier: GPL-2.0
# A fake sysfs tree with mvgpu GPUs and vGPUs, for host-side tests of the
# mvgpu command (sourced; MVGPU_SYSFS points the command at it).  The shape
# is that of the real one (drivers/core/dev.c, drivers/vfio/vgpu.c), with
# plain directories where sysfs has symlinks.

# fake_gpu ROOT N VRAM_MB ENGINES MODE
fake_gpu() {
	local root=$1 n=$2 mb=$3 engines=$4 mode=$5 g d t
	g=$root/class/mdev_bus/mvgpu.$n
	mkdir -p "$g/mdev_supported_types" "$root/module/mvgpu"
	echo $((mb << 20)) > "$g/vram_total_bytes"
	echo 0 > "$g/vram_allocated_bytes"
	echo 0 > "$g/vram_backed_bytes"
	printf 'mode %s\nengines %s\nswitches 10\nswitch_ns_mean 3000\nbusy_ns 5000000000\nutilisation_ppm 250000\ntlb_hits 7\ntlb_misses 3\n' \
		"$mode" "$engines" > "$g/sched_stats"
	for d in 16 8 4 2 1; do
		t=$g/mdev_supported_types/mvgpu-1_$d
		mkdir -p "$t/devices"
		echo "mvgpu 1/$d ($((mb / d)) MiB)" > "$t/name"
		w=$((d >= 8 ? 1 : 8 / d))
		echo "vram=$((mb / d))M max_instances=$d weight=$w engines=$engines contexts=16" > "$t/description"
		echo "$d" > "$t/available_instances"
		echo vfio-pci > "$t/device_api"
	done
}

# fake_vgpu ROOT GPU DIVISOR UUID WEIGHT BUSY_NS SHARE_PPM [OPEN]
fake_vgpu() {
	local root=$1 n=$2 d=$3 u=$4 w=$5 busy=$6 share=$7 open=${8:-0}
	local g=$root/class/mdev_bus/mvgpu.$n v t mb
	t=$g/mdev_supported_types/mvgpu-1_$d
	mb=$(( $(cat "$g/vram_total_bytes") >> 20 ))
	mkdir -p "$t/devices/$u"
	v=$root/bus/mdev/devices/$u/mvgpu
	mkdir -p "$v"
	echo $(( $(ls -d "$root"/bus/mdev/devices/*/ | wc -l) )) > "$v/vgpu_id"
	echo "$open" > "$v/open"
	echo $(( (mb / d) << 20 )) > "$v/vram_bytes"
	echo $(( 2 << 20 )) > "$v/vram_used_bytes"
	echo 8192 > "$v/gpt_bytes"
	echo "$w" > "$v/weight"
	echo 0 > "$v/priority"
	echo 100 > "$v/cap"
	echo 42 > "$v/cmds"
	echo 0 > "$v/faults"
	echo "$busy" > "$v/busy_ns"
	printf 'busy_ns %s\nshare_ppm %s\nruns 9\npreemptions 4\ndemotions 1\npromotions 0\nboosts 2\nwait_p50_ns 120000\nwait_p99_ns 8400000\nfaults 0\ncmds 42\n' \
		"$busy" "$share" > "$v/sched_stats"
	echo $(( $(cat "$g/vram_allocated_bytes") + ((mb / d) << 20) )) > "$g/vram_allocated_bytes"
}
