#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mdevctl with mvgpu's per-vGPU scheduling knobs: a persistent vGPU defined
# with attributes (mdevctl modify --addattr=mvgpu/weight ...), started,
# its sysfs knobs checked, dumped as JSON, stopped and undefined; a
# transient vGPU started from a JSON file with attributes; and an attribute
# the driver refuses (EINVAL), which must leave no vGPU behind.
#
# mdevctl writes each attribute to /sys/bus/mdev/devices/$UUID/<name> in
# order once the device exists, so "mvgpu/weight" reaches our knob.

. "$(dirname "$0")/lib.sh"

mvgpu_load || { not_ok "load mvgpu"; exit 1; }
ok "load mvgpu"
diag "$(mdevctl --version)"
tmp=$(mktemp -d)

knob() { cat "$MDEV_DEVS/$1/mvgpu/$2" 2>/dev/null; }

# A persistent vGPU with its knobs in the definition.
u=$(new_uuid)
check "mdevctl define a 1/4 vGPU" mdevctl define -u "$u" -p mvgpu.0 -t mvgpu-1_4
check "mdevctl modify --addattr=mvgpu/weight --value=7" \
	mdevctl modify -u "$u" --addattr=mvgpu/weight --value=7
check "mdevctl modify --addattr=mvgpu/priority --value=1" \
	mdevctl modify -u "$u" --addattr=mvgpu/priority --value=1
check "mdevctl modify --addattr=mvgpu/cap --value=50" \
	mdevctl modify -u "$u" --addattr=mvgpu/cap --value=50
check "defining starts nothing" [ ! -e "$MDEV_DEVS/$u" ]
mdevctl list --defined --dumpjson -u "$u" > "$tmp/dump.json" 2>&1
sed 's/^/# /' "$tmp/dump.json"
check "list --defined --dumpjson has the type and the three attributes in order" \
	bash -c "tr -d ' \n' < '$tmp/dump.json' | grep -q '\"mdev_type\":\"mvgpu-1_4\".*\"attrs\":\[{\"mvgpu/weight\":\"7\"},{\"mvgpu/priority\":\"1\"},{\"mvgpu/cap\":\"50\"}\]'"
check "list --defined -v shows the attributes" \
	bash -c "mdevctl list --defined -v -u '$u' | grep -q 'mvgpu/cap'"
check "mdevctl start of the defined vGPU" mdevctl start -u "$u"
check "the vGPU exists" [ -d "$MDEV_DEVS/$u" ]
expect_eq "weight from the definition" "$(knob "$u" weight)" 7
expect_eq "priority from the definition" "$(knob "$u" priority)" 1
expect_eq "cap from the definition" "$(knob "$u" cap)" 50
check "mdevctl list shows it running" bash -c "mdevctl list | grep -q '^$u mvgpu.0 mvgpu-1_4'"
check "mdevctl list --defined marks it active" \
	bash -c "mdevctl list --defined | grep '^$u' | grep -q active"
# Knobs still take writes at run time; the definition is unchanged.
echo 3 > "$MDEV_DEVS/$u/mvgpu/weight"
expect_eq "weight written at run time" "$(knob "$u" weight)" 3
check "mdevctl stop" mdevctl stop -u "$u"
check "stopped vGPU is gone" [ ! -e "$MDEV_DEVS/$u" ]
check "start again: the definition's knobs again" \
	bash -c "mdevctl start -u '$u' && [ \"\$(cat '$MDEV_DEVS/$u/mvgpu/weight')\" = 7 ]"
mdevctl stop -u "$u"
check "mdevctl modify --delattr --index=2 drops the cap" \
	mdevctl modify -u "$u" --delattr --index=2
check "the dump no longer has it" \
	bash -c "! mdevctl list --defined --dumpjson -u '$u' | grep -q 'mvgpu/cap'"
check "mdevctl undefine" mdevctl undefine -u "$u"
check "undefined vGPU is no longer listed" bash -c "! mdevctl list --defined | grep -q '$u'"

# A definition from JSON, as --dumpjson prints it: transient start.
v=$(new_uuid)
cat > "$tmp/v.json" <<JSON
{
  "mdev_type": "mvgpu-1_8",
  "start": "manual",
  "attrs": [
    { "mvgpu/weight": "5" },
    { "mvgpu/cap": "25" }
  ]
}
JSON
check "mdevctl start --jsonfile (transient, with attributes)" \
	mdevctl start -u "$v" -p mvgpu.0 --jsonfile "$tmp/v.json"
expect_eq "weight from the JSON file" "$(knob "$v" weight)" 5
expect_eq "cap from the JSON file" "$(knob "$v" cap)" 25
expect_eq "priority keeps its default" "$(knob "$v" priority)" 0
check "a transient vGPU is not defined" bash -c "! mdevctl list --defined | grep -q '$v'"
check "mdevctl stop (transient)" mdevctl stop -u "$v"
check "mdevctl define --jsonfile" mdevctl define -u "$v" -p mvgpu.0 --jsonfile "$tmp/v.json"
check "its dump has the attributes" \
	bash -c "mdevctl list --defined --dumpjson -u '$v' | tr -d ' \n' | grep -q '{\"mvgpu/weight\":\"5\"},{\"mvgpu/cap\":\"25\"}'"
check "mdevctl undefine (from JSON)" mdevctl undefine -u "$v"

# A value the driver refuses: mdevctl start fails, nothing stays behind.
w=$(new_uuid)
mdevctl define -u "$w" -p mvgpu.0 -t mvgpu-1_8
mdevctl modify -u "$w" --addattr=mvgpu/weight --value=0
out=$(mdevctl start -u "$w" 2>&1)
st=$?
diag "mdevctl start with weight 0: exit $st: $(tr '\n' ' ' <<< "$out")"
check "mdevctl start with weight 0 fails" [ "$st" != 0 ]
check "and leaves no vGPU behind" [ ! -e "$MDEV_DEVS/$w" ]
expect_eq "all of the GPU's VRAM is free again" "$(avail 1_8)" 8
mdevctl undefine -u "$w"

rm -rf "$tmp"
remove_all_vgpus
check "module unloads" rmmod mvgpu
exit $((T_FAILED > 0))
