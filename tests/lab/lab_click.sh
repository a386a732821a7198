#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lab_click.sh BINDIR: real Click as the lab's balancer (scripts/lab up --switch click): Click runs
# the FromDevice/ToDevice configuration "steerctl generate" writes for the click profile, a Linux
# bridge with static FDB entries switches, each worker captures with its generated filter.
# Linux takes the outermost 802.1Q/802.1ad tag off every frame it receives before a packet socket
# sees it, and Click's FromDevice (Linux method, no libpcap) does not put it back: Click hashes
# what is under that tag and sends the frame on without it. The test holds Click to that.
#  1. A synthetic trace of every kind replayed through it: every worker captured exactly the
#     frames steerlb --emulate click gives it from the trace as Linux hands it to Click (outer
#     tag off), byte for byte and in order; steercheck pcap on the captures finds no split,
#     asymmetric, misdirected or unknown-destination flow.
#  2. steercheck live on the workers' interfaces during a replay: exit 0, every packet seen.
#  3. steercheck probe through Click: every probe kind but QinQ (whose outer tag Linux takes
#     off, so Click hashes its addresses where the profile predicts the MAC pair) and MPLS
#     (steered by the MAC pair, as the profile says), both directions: exit 0, all predicted.
#  4. With Click stopped, the probe reports every frame lost (exit 1): the frames went through
#     Click, not around it.
# Needs root, network namespaces and Click (exit 77, skipped, without them).
set -uo pipefail
bindir=$(readlink -f "$1")
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@"
th_init lab_click
lab=$TH_ROOT/scripts/lab
export STEER_BIN_DIR=$bindir STEER_LAB_STATE=$T
th_need_root "network namespaces, veth, bridges"
th_need ip bridge python3 ss tcpdump tcpreplay
th_click
export STEER_CLICK=$TH_CLICK
th_need_netns
ctl=$bindir/steerctl lb=$bindir/steerlb chk=$bindir/steercheck
for b in "$ctl" "$lb" "$chk"; do
	[ -x "$b" ] || { echo "FAIL: $b is not built: the lab proof needs it"; exit 1; }
done

id=$(th_runid k)
th_defer "$lab" down --id "$id"

# ---- 1. a trace through Click and the bridge, captured by each worker's filter ----
# (replayed at 1000 frames/s: Click's packet socket holds some 200 KB, about 70 ms of this trace
# at 2000/s, and a Click kept off the CPU longer than that on a loaded machine lost frames in
# the kernel before it could read them: the test is about where Click steers, not how fast)
"$ctl" synth --flows 300 --seed 5 --out "$T/trace.pcap" >/dev/null || { echo "FAIL: synth"; exit 1; }
"$lab" up --id "$id" --switch click -c "$TH_ROOT/etc" --capture "$T/cap" --trace "$T/trace.pcap" \
	--pps 1000 >"$T/lab.log" 2>&1 || { cat "$T/lab.log"; echo "FAIL: lab up --switch click"; exit 1; }
S=$STEER_LAB_STATE/steer-lab-$id
cfg=$S/config
# shellcheck disable=SC1091
. "$S/lab.env"
[ "$SWITCH" = click ] || bad "lab.env says switch $SWITCH"
# The captures stop once the workers' interfaces have received every frame of the trace (every
# frame has a worker here), not at once: on a busy machine Click passes the last frames on
# later than lab up's half second after the replay.
tracepk=$("$lb" -c "$cfg" -r "$T/trace.pcap" -v 2>&1 | grep -o '[0-9]* packets' | head -1)
if ! th_wait_for 30 th_rx_reached "${tracepk% packets}" eth0 "${WORKER_NS[@]}"; then
	bad "the workers' interfaces received $(th_rx eth0 "${WORKER_NS[@]}") of the trace's $tracepk within 30 s"
	ip -n "$LB_NS" -s link show "$LB_IN"  # what reached Click,
	ip -n "$LB_NS" -s link show "$LB_OUT" # and what Click sent
fi
"$lab" capture-stop --id "$id" || bad "capture-stop"
grep -q '^profile = click' "$cfg/steer.cfg" || bad "the lab's configuration is not the click profile"
L=
for i in "${!WORKERS[@]}"; do L+="${L:+,}${WORKERS[$i]}=eth0@${WORKER_NS[$i]}"; done

python3 - "$T/trace.pcap" "$T/kernel.pcap" <<'EOF' || bad "the trace as Linux hands it to Click"
import struct, sys
import pcap
cap = pcap.read(sys.argv[1])
for r in cap.records:  # net/core/dev.c: skb_vlan_untag() of a received 0x8100 / 0x88a8 frame
    if len(r.data) >= 18 and struct.unpack('!H', r.data[12:14])[0] in (0x8100, 0x88a8):
        r.data, r.orig = r.data[:12] + r.data[16:], r.orig - 4
pcap.write(sys.argv[2], cap)
EOF
"$lb" -c "$cfg" -r "$T/kernel.pcap" --emulate click -w "$T/emu.pcap" 2>"$T/emu.err" \
	|| bad "steerlb --emulate click: $(cat "$T/emu.err")"
python3 - "$S/plan.json" "$T/emu.pcap" "$T/cap" <<'EOF' && ok || bad "the workers' captures differ from steerlb --emulate click"
import json, os, sys
import pcap
plan, emu, cap = json.load(open(sys.argv[1])), pcap.frames(sys.argv[2]), sys.argv[3]
bad = total = 0
for w in plan["workers"]:
    mac = bytes.fromhex(w["mac"].replace(":", ""))
    want = [f for f in emu if f[:6] == mac]
    got = pcap.frames(os.path.join(cap, w["name"] + ".pcap"), strict=False)
    total += len(got)
    same = got == want
    print("  %-10s %5d frames captured, emulation %5d%s" % (w["name"], len(got), len(want),
          "" if same else "  DIFFER"))
    bad += not same
print("  %d frames through real Click%s" % (total, "" if bad else ", each where the emulation puts it"))
sys.exit(1 if bad or total == 0 else 0)
EOF
"$chk" -c "$cfg" pcap --json --max-imbalance 100 "$T"/cap/*.pcap >"$T/pcap.json"
json "$T/pcap.json" "steercheck pcap on the captures behind Click" \
	'all(d["counts"][k] == 0 for k in ("split", "asymmetric", "misdirected", "unknown-dest", "duplicated")) and d["predicted"] and d["pass"]'

# ---- 2. steercheck live during a replay ----
# (its window is closed by SIGINT once every frame of the trace has reached a worker's
# interface, as in lab_steer.sh: a fixed 5 s did not hold the capture's start, the readiness
# checks and the replay on a busy machine)
th_bg "$chk" -c "$cfg" live -i "$L" --duration 120 --snaplen 2048 --buffer-size 16777216 \
	--no-progress --max-imbalance 100 >"$T/live.txt" 2>&1
livepid=$TH_BG
for ns in "${WORKER_NS[@]}"; do
	th_wait_for 10 th_capture_ready "$ns" eth0 || bad "steercheck live does not capture in $ns"
done
rx0=$(th_rx eth0 "${WORKER_NS[@]}")
"$lab" replay --id "$id" --pps 1000 "$T/trace.pcap" >/dev/null || bad "replay"
th_wait_for 30 th_rx_reached $((rx0 + ${tracepk% packets})) eth0 "${WORKER_NS[@]}" ||
	bad "the workers' interfaces did not receive the whole trace through Click within 30 s"
kill -INT "$livepid"
wait "$livepid"
rc=$?
[ $rc -eq 0 ] && ok || { sed 's/^/  /' "$T/live.txt" | head -30; bad "steercheck live through Click: exit $rc"; }
livepk=$(grep -o '^[0-9]* packets' "$T/live.txt" | head -1)
[ "$livepk" = "$tracepk" ] && ok || bad "steercheck live saw '$livepk', the trace has '$tracepk'"
echo "  live through Click: $livepk, exit $rc"

# ---- 3. probes of every kind through Click ----
"$chk" -c "$cfg" probe --in "eth0@$TAP_NS" -i "$L" --json \
	--kinds tcp,udp,icmp,ipv6,vlan,mpls,frag,frag6,gre,vxlan >"$T/probe.json"
rc=$?
[ $rc -eq 0 ] || bad "steercheck probe through Click: exit $rc"
python3 - "$T/probe.json" <<'EOF' && ok || bad "probe through Click"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
kinds = [k["kind"] for k in r["kinds"]]
print("  probe via Click: %d flows, %d frames, arrived %d, lost %d, dup %d, misdirected %d, split %d; kinds %s"
      % (r["flows"], r["frames"], t["arrived"], t["lost"], t["duplicated"], t["misdirected"],
         t["split_flows"], ",".join(kinds)))
assert r["pass"] and r["predicted"] and t["arrived"] == r["frames"] and t["misdirected"] == 0
assert "mpls" in kinds and "vlan" in kinds and len(kinds) == 10
EOF

# ---- 4. Click stopped: nothing arrives ----
th_stop "$LB_PID"
"$chk" -c "$cfg" probe --in "eth0@$TAP_NS" -i "$L" --json --kinds tcp,udp --flows 4 --wait 300ms \
	>"$T/stopped.json"
rc=$?
json "$T/stopped.json" "probe with Click stopped (exit $rc)" \
	'd["totals"]["arrived"] == 0 and d["totals"]["lost"] == d["frames"] and not d["pass"]'
[ $rc -eq 1 ] && ok || bad "probe with Click stopped: exit $rc, wanted 1"

"$lab" down --id "$id" >/dev/null || bad "lab down"
left=$(ip netns list | grep -c -- "steer-$id")
[ "$left" -eq 0 ] || bad "$left lab namespaces left behind"
th_done
