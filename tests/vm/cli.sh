#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mvgpu command on the host side, through sysfs, on two GPUs:
#  - every subcommand's --help, exit status 2 and one-line errors for bad
#    usage, JSON a parser accepts (jq and python3 -m json.tool);
#  - list against sysfs; create with both placement policies and --gpu,
#    checked against available_instances after every step; knobs at create
#    time and with set; remove;
#  - bad requests (unknown type, full GPUs, refused knob values, a UUID that
#    does not exist, an open vGPU) fail with a clear one-line error and
#    change nothing;
#  - top in a tmux pane while three vGPUs weighted 1:2:4 are kept busy by
#    host clients (which hold them open): the table, redrawn in place, with
#    plausible figures that change; top --json; q quits;
#  - metrics through promtool, with counters that grow.
# The list and the top screen are saved to /mnt/out for the record.

. "$(dirname "$0")/lib.sh"

M=$MVGPU_CLIENT
ESC=$'\033'
MB=256		# VRAM per GPU: 1/4 = 64 MiB, 1/16 = 16 MiB
tmp=$(mktemp -d)
out=/mnt/out
cleanup() {
	hogs_stop > /dev/null 2>&1
	tmux kill-server 2> /dev/null
	[ -n "${HOLD_PID:-}" ] && kill "$HOLD_PID" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

mvgpu_load num_gpus=2 vram_mb=$MB engines=1 || { not_ok "load mvgpu (2 GPUs)"; exit 1; }
ok "load mvgpu (2 GPUs of $MB MiB, one engine each)"

T0=$(date +%s)
section() { diag "== $* (at $(( $(date +%s) - T0 ))s)"; }

# run ARGS...: the command's stdout in OUT, stderr in ERR, status in RC.
run() {
	OUT=$("$M" "$@" 2> "$tmp/err")
	RC=$?
	ERR=$(< "$tmp/err")
}

# State that a failed request must not change: every vGPU (UUID, GPU,
# type, knobs) and every type's available_instances.
# (Two processes: forks are slow under TCG.)
state() {
	grep -H . "$MDEV_BUS"/mvgpu.*/mdev_supported_types/*/available_instances \
		"$MDEV_DEVS"/*/mvgpu/weight "$MDEV_DEVS"/*/mvgpu/priority \
		"$MDEV_DEVS"/*/mvgpu/cap 2> /dev/null
	ls "$MDEV_BUS"/mvgpu.*/mdev_supported_types/*/devices 2> /dev/null
}

# fails NAME RC PATTERN ARGS...: exit status RC, one line on stderr
# matching PATTERN (grep -E), nothing on stdout, and no change in state.
fails() {
	local name=$1 want=$2 pat=$3 s0 s1
	shift 3
	s0=$(state)
	run "$@"
	s1=$(state)
	if [ "$RC" = "$want" ] && [ -n "$ERR" ] && [[ $ERR != *$'\n'* ]] &&
	   [[ $ERR =~ $pat ]] && [ -z "$OUT" ] && [ "$s0" = "$s1" ]; then
		ok "$name: exit $want, one line: $ERR"
	else
		not_ok "$name"
		diag "mvgpu $*: exit $RC (want $want), stdout '$OUT'"
		diag "stderr: $ERR"
		[ "$s0" = "$s1" ] || diag "state changed: $(diff <(echo "$s0") <(echo "$s1") | tr '\n' ' ')"
	fi
}

# json_ok NAME ARGS...: exit 0 and stdout that jq accepts.
json_ok() {
	local name=$1
	shift
	run "$@"
	if [ "$RC" = 0 ] && jq -e . <<< "$OUT" > /dev/null; then
		ok "$name: valid JSON"
	else
		not_ok "$name: valid JSON"
		diag "mvgpu $*: exit $RC: $(head -c 300 <<< "$OUT") $ERR"
	fi
}

gpu_of() { basename "$(dirname "$(readlink -f "$MDEV_DEVS/$1")")"; }
knob() { cat "$MDEV_DEVS/$1/mvgpu/$2"; }
nvgpus() { ls "$MDEV_DEVS" | wc -l; }

# create_on NAME WANT_GPU ARGS...: mvgpu create ARGS prints a UUID that
# exists on GPU WANT_GPU (mvgpu.N); the UUID in U.
create_on() {
	local name=$1 want=$2
	shift 2
	run "$@"
	U=$OUT
	if [ "$RC" = 0 ] && [ -d "$MDEV_DEVS/$U" ] && [ "$(gpu_of "$U")" = "$want" ]; then
		ok "$name: on $want"
	else
		not_ok "$name: on $want"
		diag "mvgpu create $*: exit $RC, '$OUT' $ERR, on $(gpu_of "$U" 2>&1)"
	fi
}

# avail_is NAME TYPE "A0 A1": available_instances of TYPE on mvgpu.0 and .1
avail_is() { expect_eq "$1: available $2 on mvgpu.0 and mvgpu.1" "$(avail "$2" 0) $(avail "$2" 1)" "$3"; }

remove_all_cli() {
	local l
	l=$(ls "$MDEV_DEVS")
	[ -z "$l" ] || "$M" remove $l
}

# ---- 1. help, usage, exit status ----
section "help, usage, exit status"
run --help
check "mvgpu --help: exit 0, names the host commands" \
	eval '[ "$RC" = 0 ] && grep -q "^  list" <<< "$OUT" && grep -q "^  top" <<< "$OUT" && grep -q "^  metrics" <<< "$OUT"'
for c in list top create remove set metrics info config vram-write vram-read irq-test reset hold; do
	run "$c" --help
	check "mvgpu $c --help: exit 0 and its usage" \
		eval '[ "$RC" = 0 ] && [ -z "$ERR" ] && [[ $OUT == "usage: mvgpu $c "* ]]'
done
run help create
check "mvgpu help create" eval '[ "$RC" = 0 ] && grep -q "placement spread" <<< "$OUT"'
fails "unknown command" 2 "unknown command 'frobnicate'" frobnicate
fails "unknown option" 2 "unknown option '--bogus'" list --bogus
fails "list takes no argument" 2 "unexpected argument" list extra
fails "top -d 0" 2 "0.1 to 3600" top -d 0
fails "top -n 0" 2 "1 or more" top -n 0
fails "top -d needs a value" 2 "needs a value" top -d
fails "metrics takes no argument" 2 "unexpected argument" metrics extra
run
check "mvgpu without a command: exit 2 and the usage" eval '[ "$RC" = 2 ] && grep -q "^usage" <<< "$ERR"'

# ---- 2. list against sysfs ----
section "list"
json_ok "list --json" list --json
check "list --json: python3 -m json.tool accepts it too" eval 'python3 -m json.tool <<< "$OUT" > /dev/null'
json_ok "--json list (global option)" --json list
expect_eq "list --json: two GPUs" "$(jq '.gpus | length' <<< "$OUT")" 2
expect_eq "list --json: five types each" "$(jq -c '[.gpus[].types | length]' <<< "$OUT")" "[5,5]"
expect_eq "list --json: no vGPUs" "$(jq '[.gpus[].vgpus[]] | length' <<< "$OUT")" 0
sys=$(for g in 0 1; do for t in $MVGPU_TYPES; do echo "mvgpu.$g mvgpu-$t $(avail "$t" "$g")"; done; done | sort)
lst=$(jq -r '.gpus[] | .gpu as $g | .types[] | "\($g) \(.type) \(.available_instances)"' <<< "$OUT" | sort)
expect_eq "list --json: available_instances as sysfs has them" "$lst" "$sys"
expect_eq "list --json: VRAM total" "$(jq '.gpus[0].vram_total_bytes' <<< "$OUT")" $((MB << 20))
expect_eq "list --json: scheduler mode" "$(jq -r '.gpus[0].sched_mode' <<< "$OUT")" mlfq
run list
check "list (text): both GPUs, their types, no vGPUs" \
	eval '[ "$RC" = 0 ] && grep -q "^mvgpu.0: $MB MiB VRAM" <<< "$OUT" && grep -q "^mvgpu.1:" <<< "$OUT" && grep -q "mvgpu-1_16" <<< "$OUT" && [ "$(grep -c "no vGPUs" <<< "$OUT")" = 2 ]'

# ---- 3. placement: pack ----
section "placement: pack"
for i in 1 2 3 4; do
	create_on "pack: 1/4 vGPU $i" mvgpu.0 create 1_4 --placement pack
	avail_is "pack: after vGPU $i" 1_4 "$((4 - i)) 4"
done
create_on "pack: the fifth 1/4 vGPU goes to the next GPU" mvgpu.1 create mvgpu-1_4
avail_is "pack: after the fifth" 1_4 "0 3"
avail_is "pack: after the fifth" 1_16 "0 12"
json_ok "list --json with five vGPUs" list --json
expect_eq "list --json: vGPUs per GPU as sysfs" "$(jq -c '[.gpus[].vgpus | length]' <<< "$OUT")" \
	"[$(ls "$(type_dir 1_4 0)/devices" | wc -l),$(ls "$(type_dir 1_4 1)/devices" | wc -l)]"
check "list --json: every vGPU with its type and open=false" \
	eval 'jq -e "[.gpus[].vgpus[] | select(.type == \"mvgpu-1_4\" and .open == false)] | length == 5" <<< "$OUT" > /dev/null'
run remove $(ls "$MDEV_DEVS")
check "remove five vGPUs at once" eval '[ "$RC" = 0 ] && [ "$(nvgpus)" = 0 ]'
avail_is "after removing them" 1_4 "4 4"

# ---- 4. placement: spread ----
section "placement: spread"
want=(mvgpu.0 mvgpu.1 mvgpu.0 mvgpu.1)
S=()
for i in 0 1 2 3; do
	create_on "spread: 1/4 vGPU $((i + 1))" "${want[$i]}" create 1_4 --placement spread
	S+=("$U")
done
avail_is "spread: after four" 1_4 "2 2"
# mvgpu.0 then has one 1/4 (192 MiB free), mvgpu.1 two (128 MiB free).
"$M" remove "${S[0]}"
avail_is "one removed from mvgpu.0" 1_4 "3 2"
create_on "pack: a 1/8 vGPU goes to the fuller GPU" mvgpu.1 create 1_8 --placement pack
P1=$U
create_on "spread: a 1/8 vGPU goes to the emptier GPU" mvgpu.0 create 1_8 --placement spread
avail_is "after both" 1_8 "5 3"
create_on "--gpu 1" mvgpu.1 create 1_16 --gpu 1
create_on "--gpu mvgpu.0" mvgpu.0 create 1_16 --gpu mvgpu.0
# mdevctl sees mvgpu's vGPUs and keeps one where mvgpu placed it (the
# admin guide's lines).
check "mdevctl list shows a vGPU mvgpu created" bash -c "mdevctl list | grep -q '^$P1 mvgpu.1 mvgpu-1_8'"
check "mdevctl define -u UUID --auto takes parent and type from it" mdevctl define -u "$P1" --auto
check "mdevctl modify --addattr=mvgpu/weight" mdevctl modify -u "$P1" --addattr=mvgpu/weight --value=4
check "the definition: mvgpu.1, mvgpu-1_8, auto" bash -c "mdevctl list --defined | grep -q '^$P1 mvgpu.1 mvgpu-1_8 auto'"
check "mdevctl stop removes it for mvgpu too" bash -c "mdevctl stop -u '$P1' && ! '$M' list | grep -q '$P1'"
check "mdevctl start brings it back with its weight" bash -c "mdevctl start -u '$P1' && [ \$(cat '$MDEV_DEVS/$P1/mvgpu/weight') = 4 ]"
mdevctl undefine -u "$P1"
remove_all_cli

# ---- 5. knobs ----
section "knobs"
uk=$(new_uuid)
run create 1_8 --weight 6 --priority 1 --cap 50 --uuid "$uk"
expect_eq "create --uuid --weight --priority --cap: prints the UUID" "$RC $OUT" "0 $uk"
expect_eq "its knobs in sysfs" "$(knob "$uk" weight) $(knob "$uk" priority) $(knob "$uk" cap)" "6 1 50"
json_ok "list --json with knobs" list --json
expect_eq "list --json shows the knobs" \
	"$(jq -c --arg u "$uk" '.gpus[].vgpus[] | select(.uuid == $u) | [.weight, .priority, .cap, .vram_bytes]' <<< "$OUT")" \
	"[6,1,50,$(((MB / 8) << 20))]"
run set "$uk" weight=3 cap=100
expect_eq "set weight=3 cap=100" "$RC $(knob "$uk" weight) $(knob "$uk" priority) $(knob "$uk" cap)" "0 3 1 100"
json_ok "set --json" set "$uk" priority=0 --json
expect_eq "set --json: the knobs after" "$(jq -c '[.uuid, .weight, .priority, .cap]' <<< "$OUT")" "[\"$uk\",3,0,100]"
json_ok "reset --json (a vGPU command, through VFIO)" reset "$uk" --json
expect_eq "reset --json says so" "$(jq -c . <<< "$OUT")" "{\"uuid\":\"$uk\",\"reset\":true}"
json_ok "config --json" config "$uk" --json
json_ok "create --json" create 1_16 --json --weight 2
expect_eq "create --json: placed and knobs" "$(jq -c '[.gpu, .type, .weight, .placement]' <<< "$OUT")" \
	'["mvgpu.0","mvgpu-1_16",2,"pack"]'
UJ=$(jq -r .uuid <<< "$OUT")
json_ok "remove --json" remove "$UJ" --json
expect_eq "remove --json names it" "$(jq -r '.removed[0]' <<< "$OUT")" "$UJ"

# ---- 6. bad requests change nothing ----
section "bad requests"
fails "unknown type" 1 "unknown vGPU type 'mvgpu-1_3' \(types: mvgpu-1_16 mvgpu-1_8 mvgpu-1_4 mvgpu-1_2 mvgpu-1_1\)" create mvgpu-1_3
fails "create without a type" 2 "which type" create
fails "weight not a number" 2 "--weight 'abc' is not a number" create 1_8 --weight abc
fails "weight 0 refused, nothing created" 1 "weight=0 refused by the driver: Invalid argument \(weight is 1-100\); no vGPU created" create 1_8 --weight 0
fails "cap 101 refused, nothing created" 1 "cap=101 refused by the driver: Invalid argument" create 1_8 --cap 101
fails "priority 9 refused, nothing created" 1 "priority=9 refused by the driver" create 1_8 --priority 9
fails "a GPU that does not exist" 1 "no GPU mvgpu.7" create 1_8 --gpu 7
fails "--gpu and --placement" 2 "exclude each other" create 1_8 --gpu 0 --placement spread
fails "bad --placement" 2 "pack or spread" create 1_8 --placement random
fails "--uuid that exists" 1 "a vGPU with UUID $uk exists already" create 1_8 --uuid "$uk"
fails "--uuid not a UUID" 2 "is not a UUID" create 1_8 --uuid 1234
fails "set weight=0" 1 "weight=0 refused by the driver: Invalid argument \(weight is 1-100\); nothing changed" set "$uk" weight=0
fails "set weight=5 cap=0: the weight is put back" 1 "cap=0 refused by the driver.*nothing changed" set "$uk" weight=5 cap=0
fails "set an unknown knob" 2 "expected weight=W, priority=P or cap=C" set "$uk" color=3
fails "set a knob to a word" 2 "weight is a number" set "$uk" weight=high
fails "set nothing" 2 "nothing to set" set "$uk"
nx=$(new_uuid)
fails "set on a vGPU that does not exist" 1 "no vGPU $nx on this host" set "$nx" weight=2
fails "remove a vGPU that does not exist" 1 "no vGPU $nx on this host" remove "$nx"
fails "remove one that exists and one that does not: neither goes" 1 "no vGPU $nx" remove "$uk" "$nx"
fails "remove a non-UUID" 1 "'not-a-uuid' is not a UUID" remove not-a-uuid
fails "info on a vGPU that does not exist" 1 "no vGPU $nx" info "$nx"
# Full GPUs: one 1/1 vGPU on each.
remove_all_cli
create_on "fill mvgpu.0" mvgpu.0 create 1_1
create_on "fill mvgpu.1" mvgpu.1 create 1_1
fails "no room on any GPU" 1 "no GPU has room for a mvgpu-1_16 vGPU \(16 MiB\): free VRAM mvgpu.0 0 MiB, mvgpu.1 0 MiB" create 1_16
fails "no room on the GPU asked for" 1 "mvgpu.1 has no room for a mvgpu-1_8 vGPU \(32 MiB\): 0 MiB of $MB MiB VRAM free" create 1_8 --gpu 1
remove_all_cli

# An open vGPU: held through VFIO by "mvgpu hold".
uo=$("$M" create 1_8)
mkfifo "$tmp/hold"
"$M" hold "$uo" < "$tmp/hold" > "$tmp/hold.out" 2>&1 &
HOLD_PID=$!
exec 7> "$tmp/hold"
check "mvgpu hold opens the vGPU (open = 1)" wait_for 20 grep -qx 1 "$MDEV_DEVS/$uo/mvgpu/open"
json_ok "list --json while it is held" list --json
expect_eq "list --json: open true" "$(jq --arg u "$uo" '.gpus[].vgpus[] | select(.uuid == $u) | .open' <<< "$OUT")" true
run list
check "list (text): OPEN yes" eval 'grep "$uo" <<< "$OUT" | grep -q " yes "'
fails "remove an open vGPU" 1 "vGPU $uo is in use: a VM or client has it open" remove "$uo"
exec 7>&-
wait "$HOLD_PID"
HOLD_PID=
check "closed again (open = 0)" wait_for 20 grep -qx 0 "$MDEV_DEVS/$uo/mvgpu/open"
run remove "$uo"
check "remove once it is closed" eval '[ "$RC" = 0 ] && [ ! -e "$MDEV_DEVS/$uo" ]'

# ---- 7. top, in tmux, three busy vGPUs weighted 1:2:4 on one engine ----
section "top"
W=(1 2 4)
V=()
for w in "${W[@]}"; do
	V+=("$("$M" create 1_16 --gpu 0 --weight "$w")")
done
check "three 1/16 vGPUs weighted 1, 2, 4 on mvgpu.0" eval '[ "$(nvgpus)" = 3 ]'
if hogs_start "$tmp" 2000 "${V[@]}"; then
	ok "three hogs keep them busy"
	rows() { grep -E "^[0-9a-f]{8}-" "$1"; }
	field() { awk -v u="$2" -v c="$3" 'index($1, u) == 1 { print $c }' "$1"; }
	tmux new-session -d -s top -x 160 -y 40 "$M top -d 1" 2> "$tmp/tmux.err"
	check "top starts in a tmux pane" wait_for 30 bash -c "tmux capture-pane -p -t top | grep -q '${V[2]}'"
	sleep 4
	tmux capture-pane -p -t top > "$tmp/screen1"
	# Five more screens a little over a second apart: what the engine
	# time says (shares, ranking, utilisation) is judged on the median
	# of the five, so one interval a host stall skewed cannot fail it.
	# A stall charged to one vGPU is paid back over the next seconds: if
	# the medians do not rank as the weights do, five more screens 10 s
	# later decide.
	screens() {
		local s
		for s in 2 3 4 5 6; do
			sleep 1.2
			tmux capture-pane -p -t top > "$tmp/screen$s"
		done
	}
	screens
	cp "$tmp/screen2" "$out/top-screen.txt"
	sed 's/^/# /' "$tmp/screen2"
	check "the screen has the header, the GPU table and the vGPU table" \
		bash -c "grep -q '^mvgpu top - ' '$tmp/screen2' && grep -q '^mvgpu.0 ' '$tmp/screen2' && grep -q 'ENTITLED' '$tmp/screen2'"
	expect_eq "one row per vGPU" "$(rows "$tmp/screen2" | wc -l)" 3
	expect_eq "redrawn in place: one header on the screen" "$(grep -c '^mvgpu top - ' "$tmp/screen2")" 1
	# columns: UUID GPU TYPE OPEN WEIGHT PRIO CAP SHARE ENTITLED ...
	for i in 0 1 2; do
		expect_eq "vGPU weight ${W[$i]}: open, its weight, entitled $(awk -v w="${W[$i]}" 'BEGIN { printf "%.1f", w / 7 * 100 }')%" \
			"$(field "$tmp/screen2" "${V[$i]}" 4) $(field "$tmp/screen2" "${V[$i]}" 5) $(field "$tmp/screen2" "${V[$i]}" 9)" \
			"yes ${W[$i]} $(awk -v w="${W[$i]}" 'BEGIN { printf "%.1f%%", w / 7 * 100 }')"
	done
	shares=$(rows "$tmp/screen2" | awk '{ sub("%", "", $8); print $8 }' | tr '\n' ' ')
	check "sorted by share, largest first ($shares)" \
		awk -v s="$shares" 'BEGIN { n = split(s, a, " "); for (i = 2; i <= n; i++) if (a[i] + 0 > a[i - 1] + 0) exit 1 }'
	# median over screens 2..6 of column $2 in the rows matching $1
	median() {
		local s
		for s in 2 3 4 5 6; do
			field "$tmp/screen$s" "$1" "$2"
		done | tr -d % | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
	}
	medians() {
		med=()
		for i in 0 1 2; do
			med+=("$(median "${V[$i]}" 8)")
		done
		diag "median shares of five screens, weights 1 2 4: ${med[*]}"
	}
	ranked() {
		awk -v s="${med[*]}" 'BEGIN { split(s, a, " "); exit !(a[3] + 0 > a[2] + 0 && a[2] + 0 > a[1] + 0) }'
	}
	medians
	if ! ranked; then
		sleep 10
		screens
		medians
	fi
	check "shares plausible: each 0-100%, together at most one engine, most of it used (medians ${med[*]})" \
		awk -v s="${med[*]}" 'BEGIN { n = split(s, a, " "); for (i = 1; i <= n; i++) { if (a[i] < 0 || a[i] > 100) exit 1; t += a[i] } exit !(t <= 101 && t >= 50) }'
	check "the weights rank the shares: weight 4 > 2 > 1 (medians ${med[*]})" ranked
	util=$(median mvgpu.0 4)
	check "mvgpu.0 utilisation plausible ($util%)" awk -v u="$util" 'BEGIN { exit !(u >= 50 && u <= 101) }'
	check "commands/s and waits are figures, not '-'" \
		bash -c "rows() { grep -E '^[0-9a-f]{8}-' \"\$1\"; }; rows '$tmp/screen2' | awk '\$10 == \"-\" || \$11 == \"-\" || \$12 == \"-\" { exit 1 }'"
	check "the figures change between screens" \
		bash -c "! diff -q <(grep -E '^[0-9a-f]{8}-' '$tmp/screen1' | cut -c38-) <(grep -E '^[0-9a-f]{8}-' '$tmp/screen6' | cut -c38-) > /dev/null"
	tmux send-keys -t top q
	check "q quits top" wait_for 10 bash -c "! tmux has-session -t top 2> /dev/null"

	run top -d 0.5 -n 2 --json
	check "top --json -n 2: two lines, each JSON with the three vGPUs" \
		eval '[ "$RC" = 0 ] && [ "$(wc -l <<< "$OUT")" = 2 ] && jq -se "length == 2 and all(.[]; (.vgpus | length) == 3 and .interval_s > 0)" <<< "$OUT" > /dev/null'
	check "top --json: sorted by share, entitled 57.14 for weight 4" \
		eval 'jq -se ".[1].vgpus | (.[0].share_pct >= .[1].share_pct) and (map(select(.weight == 4))[0].entitled_pct == 57.14)" <<< "$OUT" > /dev/null'
	python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' <<< "$OUT"
	check "top --json: python's json accepts every line" [ $? = 0 ]
	run top -n 1
	check "top -n 1 on a pipe: one plain screen, no escape codes" \
		eval '[ "$RC" = 0 ] && [ "$(grep -c "^mvgpu top - " <<< "$OUT")" = 1 ] && ! grep -qF "$ESC" <<< "$OUT"'

	# ---- 8. metrics ----
	section "metrics"
	run metrics
	echo "$OUT" > "$tmp/m1"
	check "metrics: exit 0" [ "$RC" = 0 ]
	promtool check metrics < "$tmp/m1" > "$tmp/promtool.out" 2>&1
	st=$?
	sed 's/^/# promtool: /' "$tmp/promtool.out"
	check "promtool check metrics accepts them (no lint problems)" [ "$st" = 0 -a ! -s "$tmp/promtool.out" ]
	check "mvgpu_gpus 2" grep -qx 'mvgpu_gpus 2' "$tmp/m1"
	sel="{gpu=\"mvgpu.0\",uuid=\"${V[0]}\",type=\"mvgpu-1_16\"}"
	check "mvgpu_vgpu_busy_seconds_total$sel" grep -q "^mvgpu_vgpu_busy_seconds_total$sel [0-9.]*$" "$tmp/m1"
	check "it is a counter" grep -qx '# TYPE mvgpu_vgpu_busy_seconds_total counter' "$tmp/m1"
	check "mvgpu_vgpu_open is 1 for the busy vGPUs" grep -qx "mvgpu_vgpu_open$sel 1" "$tmp/m1"
	check "mvgpu_vgpu_entitled_ratio of weight 4 is 4/7" \
		grep -qx "mvgpu_vgpu_entitled_ratio{gpu=\"mvgpu.0\",uuid=\"${V[2]}\",type=\"mvgpu-1_16\"} 0.571429" "$tmp/m1"
	check "mvgpu_type_available_instances of 1/16 on mvgpu.0 is 13" \
		grep -qx 'mvgpu_type_available_instances{gpu="mvgpu.0",type="mvgpu-1_16"} 13' "$tmp/m1"
	# Scraped again until it grew, up to 20 s: a vGPU paying back a host
	# stall charged to it may not run for a few seconds.
	b1=$(grep "^mvgpu_vgpu_busy_seconds_total$sel " "$tmp/m1" | awk '{ print $2 }')
	for i in $(seq 20); do
		sleep 1
		"$M" metrics > "$tmp/m2"
		b2=$(grep "^mvgpu_vgpu_busy_seconds_total$sel " "$tmp/m2" | awk '{ print $2 }')
		awk -v a="$b1" -v b="$b2" 'BEGIN { exit !(b > a) }' && break
	done
	check "busy seconds grow between scrapes ($b1 -> $b2)" awk -v a="$b1" -v b="$b2" 'BEGIN { exit !(b > a) }'
	fails "metrics -o into a directory that does not exist" 1 "cannot write" metrics -o "$tmp/nodir/mvgpu.prom"
	mkdir -p "$tmp/prom"
	run metrics -o "$tmp/prom/mvgpu.prom"
	check "metrics -o FILE: written, promtool accepts it, no temporary file left" \
		eval '[ "$RC" = 0 ] && [ -z "$OUT" ] && promtool check metrics < "$tmp/prom/mvgpu.prom" && [ "$(ls "$tmp/prom" | wc -l)" = 1 ]'
	json_ok "metrics --json" metrics --json
	check "metrics --json: the same families" \
		eval '[ "$(jq ".metrics | length" <<< "$OUT")" = "$(grep -c "^# TYPE" "$tmp/m1")" ]'

	"$M" list > "$out/list.txt"
	sed 's/^/# /' "$out/list.txt"
	if hogs_stop; then ok "the hogs drained and exited 0"; else not_ok "the hogs drained and exited 0"; diag "$HOG_ERR"; fi
else
	not_ok "three hogs keep them busy"
	diag "$HOG_ERR"
	hogs_stop > /dev/null 2>&1
fi

section "the end"
remove_all_cli
check "every vGPU removed" [ "$(nvgpus)" = 0 ]
check "module unloads" rmmod mvgpu
fails "list without the module: says so" 1 "no mvgpu GPUs .*modprobe mvgpu" list
run metrics
check "metrics without the module: mvgpu_gpus 0, promtool accepts it" \
	eval '[ "$RC" = 0 ] && grep -qx "mvgpu_gpus 0" <<< "$OUT" && promtool check metrics <<< "$OUT"'
exit $((T_FAILED > 0))
