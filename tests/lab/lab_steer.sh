#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lab_steer.sh BINDIR: steering proven end to end in the namespace lab (scripts/lab).
#  1. steerlb balances a synthetic trace (steerctl synth) to the 4 workers of etc/ over the
#     Linux bridge; each worker captures with tcpdump and its own generated filter; steercheck
#     pcap on those captures finds 0 split and 0 asymmetric flows and passes; every worker got
#     exactly the packets the plan gives it (steerlb --split offline), no packet was lost, and
#     the flow shares are those of the plan's weights (within 10 points).
#  2. steercheck live on the workers' interfaces during a replay: the same verdict.
#  3. steercheck probe through steerlb: every probe kind, both directions: exit 0.
#  4. faults the probe must catch (exit 1): a worker MAC moved to another switch port
#     (misdirected), a worker's cable cut (lost), a balancer with an asymmetric hash
#     (asymmetric flows, misdirected frames).
#  5. steercheck probe through Open vSwitch (userspace) with the generated flows, when installed.
# Needs root and network namespaces (exit 77, skipped, without them). Fails clearly when
# steerlb, steercheck or its pcap/live/probe commands are missing.
set -uo pipefail
bindir=$(readlink -f "$1")
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@"
th_init lab_steer
src=$TH_ROOT
lab=$src/scripts/lab
export STEER_BIN_DIR=$bindir STEER_LAB_STATE=$T
th_need_root "network namespaces, veth, bridges"
th_need ip bridge python3 ss tcpdump tcpreplay
th_need_netns
ctl=$bindir/steerctl lb=$bindir/steerlb chk=$bindir/steercheck
for b in "$ctl" "$lb" "$chk"; do
	[ -x "$b" ] || { echo "FAIL: $b is not built: the lab proof needs it"; exit 1; }
done
for sub in pcap live probe; do
	"$chk" "$sub" --help >/dev/null 2>&1 || { echo "FAIL: 'steercheck $sub' does not exist yet"; exit 1; }
done
"$ctl" synth --help >/dev/null 2>&1 || { echo "FAIL: 'steerctl synth' does not exist yet"; exit 1; }

id=$(th_runid s)
D=$T
cleanup() {
	"$lab" down --id "$id" >/dev/null 2>&1
	"$lab" down --id "${id}o" >/dev/null 2>&1
}
th_defer cleanup

# ---- 1. the trace through steerlb and the bridge, captured by each worker's filter ----
"$ctl" synth --flows 300 --seed 7 --out "$D/trace.pcap" >/dev/null || { echo "FAIL: synth"; exit 1; }
"$lab" up --id "$id" -c "$src/etc" --capture "$D/cap" --trace "$D/trace.pcap" --pps 2000 \
	>"$D/lab.log" 2>&1 || { cat "$D/lab.log"; echo "FAIL: lab up"; exit 1; }
"$lab" capture-stop --id "$id" || bad "capture-stop"
S=$STEER_LAB_STATE/steer-lab-$id
cfg=$S/config
# shellcheck disable=SC1091
. "$S/lab.env"
L=
for i in "${!WORKERS[@]}"; do L+="${L:+,}${WORKERS[$i]}=eth0@${WORKER_NS[$i]}"; done

# 300 heavy-tailed flows skew the packet shares whatever the steering (one flow can carry a
# tenth of the trace): imbalance is judged loosely here; the exact per-worker counts and the
# flow shares below hold the lab to the plan.
"$chk" -c "$cfg" pcap --json --max-imbalance 2.5 "$D"/cap/*.pcap >"$D/pcap.json"
rc=$?
[ $rc -eq 0 ] || bad "steercheck pcap on the lab captures: exit $rc (expected 0)"
mkdir -p "$D/split"
"$lb" -c "$cfg" -r "$D/trace.pcap" --split "$D/split" || bad "steerlb --split offline"
python3 - "$D/pcap.json" "$S/plan.json" "$D/split" "$D/cap" <<'EOF' || bad "lab captures vs the plan"
import json, os, sys
import pcap
rep, plan, split, cap = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
def count(path):
    return len(pcap.frames(path, strict=False))
bad = []
c = rep["counts"]
if c["split"] or c["asymmetric"] or c["duplicated"]:
    bad.append("split %d asymmetric %d duplicated %d" % (c["split"], c["asymmetric"], c["duplicated"]))
if c.get("misdirected", 0) or c.get("unknown-dest", 0):
    bad.append("misdirected %d unknown-dest %d" % (c.get("misdirected", 0), c.get("unknown-dest", 0)))
wsum = sum(w["weight"] for w in plan["workers"])
total = 0
for w in plan["workers"]:
    n = w["name"]
    want, got = count(os.path.join(split, n + ".pcap")), count(os.path.join(cap, n + ".pcap"))
    total += got
    if want != got:
        bad.append("%s: %d packets captured, the plan gives it %d" % (n, got, want))
    r = [x for x in rep["workers"] if x["name"] == n][0]
    exp = 100.0 * w["weight"] / wsum
    if abs(r["flows_pct"] - exp) > 10:
        bad.append("%s: %.1f%% of the flows, its weight gives %.1f%%" % (n, r["flows_pct"], exp))
    print("  %-10s %5d packets (plan %5d)  flows %5.1f%% (weight %5.1f%%)" % (n, got, want, r["flows_pct"], exp))
if bad:
    print("\n".join("  " + b for b in bad))
    sys.exit(1)
print("  %d packets, 0 split, 0 asymmetric: every worker got exactly its share" % total)
EOF

# ---- 2. steercheck live during a replay ----
# (a capture ring of 16 MiB in 2 KiB frames holds the whole trace: nothing is dropped when the
# capture waits for the CPU; the trace's largest frame is 1552 bytes. Its window is closed by
# SIGINT once every frame of the trace has reached a worker's interface, not after a fixed
# time: the capture's start and the replay take what they take on a busy machine; what is in
# the capture rings then is still read)
tracepk=$("$lb" -c "$cfg" -r "$D/trace.pcap" -v 2>&1 | grep -o '[0-9]* packets' | head -1)
th_bg "$chk" -c "$cfg" live -i "$L" --duration 120 --snaplen 2048 --buffer-size 16777216 \
	--no-progress --max-imbalance 2.5 >"$D/live.txt" 2>&1
livepid=$TH_BG
for ns in "${WORKER_NS[@]}"; do
	th_wait_for 10 th_capture_ready "$ns" eth0 || bad "steercheck live does not capture in $ns"
done
rx0=$(th_rx eth0 "${WORKER_NS[@]}")
"$lab" replay --id "$id" --pps 2000 "$D/trace.pcap" >/dev/null || bad "replay"
th_wait_for 30 th_rx_reached $((rx0 + ${tracepk% packets})) eth0 "${WORKER_NS[@]}" ||
	bad "the workers' interfaces did not receive the whole trace within 30 s"
kill -INT "$livepid"
wait $livepid
rc=$?
[ $rc -eq 0 ] || { cat "$D/live.txt"; bad "steercheck live: exit $rc (expected 0)"; }
livepk=$(grep -o '^[0-9]* packets' "$D/live.txt" | head -1)
if [ "$livepk" != "$tracepk" ]; then
	bad "steercheck live saw '$livepk', the trace has '$tracepk'"
	# where they went: steercheck's own report, steerlb's counters, the kernel's backlog drops
	grep -iE 'drop|packets|stopped' "$D/live.txt" | head -5 | sed 's/^/  live: /'
	kill -USR1 "$LB_PID" && sleep 0.5
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("  steerlb: %d packets, capture drops %d, outputs %s" % (s["packets"], s["capture_drops"], s["outputs"]))' \
		"$S/steerlb.json" 2>&1
	python3 -c 'print("  backlog drops (all CPUs, since boot):", sum(int(l.split()[1], 16) for l in open("/proc/net/softnet_stat")))'
fi
echo "  live: $livepk, exit $rc"

# ---- 3. probes through steerlb ----
# (--wait 10s: a probe ends once every frame has arrived; the wait only bounds how late one may
# be, through a balancer that is a process of a busy machine, before it counts as lost. Only
# the cut cable's probe, whose frames never come, waits its 500 ms out)
"$chk" -c "$cfg" probe --in "eth0@$TAP_NS" -i "$L" --json --wait 10s >"$D/probe.json"
rc=$?
[ $rc -eq 0 ] || { python3 -m json.tool "$D/probe.json" | head -40; bad "probe through steerlb: exit $rc"; }
python3 - "$D/probe.json" <<'EOF' || bad "probe through steerlb"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
kinds = [k["kind"] for k in r["kinds"]]
print("  probe via steerlb: %d flows, %d frames, arrived %d, lost %d, dup %d, misdirected %d, split %d; kinds %s"
      % (r["flows"], r["frames"], t["arrived"], t["lost"], t["duplicated"], t["misdirected"], t["split_flows"], ",".join(kinds)))
assert r["pass"] and r["predicted"] and t["arrived"] == r["frames"] and len(kinds) == 11
EOF

# ---- 4. faults the probe must catch ----
read -r mac1 <<<"${MACS[0]}"
bridge -n "$SW_NS" fdb replace "$mac1" dev p2 master static || bad "moving $mac1 to p2"
"$chk" -c "$cfg" probe --in "eth0@$TAP_NS" -i "$L" --json --kinds tcp,udp --flows 16 --wait 10s >"$D/f1.json"
rc=$?
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
print("  fault: worker-1 MAC on worker-2 port: misdirected %d" % t["misdirected"])
sys.exit(0 if t["misdirected"] > 0 and not r["pass"] else 1)' "$D/f1.json" && [ $rc -eq 1 ] \
	|| bad "a worker MAC on the wrong port: probe exit $rc, misdirected frames not reported"
bridge -n "$SW_NS" fdb replace "$mac1" dev p1 master static
ip -n "$SW_NS" link set p3 down # worker-3's cable cut at the switch
"$chk" -c "$cfg" probe --in "eth0@$TAP_NS" -i "$L" --json --kinds tcp,udp --flows 16 --wait 500ms >"$D/f2.json"
rc=$?
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
print("  fault: worker-3 cable cut: lost %d" % t["lost"])
sys.exit(0 if t["lost"] > 0 and not r["pass"] else 1)' "$D/f2.json" && [ $rc -eq 1 ] \
	|| bad "a worker's cable down: probe exit $rc, lost frames not reported"
# a balancer with an asymmetric hash (Toeplitz with Microsoft's key) behind the same plan
ip -n "$SW_NS" link set p3 up
mkdir -p "$D/asym"
cp "$cfg"/*.cfg "$D/asym/"
sed -i -E '/^[[:space:]]*(hash|hash_key|fields)[[:space:]]*=/d' "$D/asym/steer.cfg"
printf 'hash = toeplitz\nhash_key = ms\nfields = 4-tuple\n' >>"$D/asym/steer.cfg"
kill "$LB_PID"
th_bg ip netns exec "$LB_NS" "$lb" -c "$D/asym" -i in0 -o out0 --snaplen 9216 >"$D/asym.log" 2>&1
asympid=$TH_BG
th_wait_for 5 grep -q "listening on in0" "$D/asym.log" || bad "the asymmetric steerlb did not start"
"$chk" -c "$cfg" probe --in "eth0@$TAP_NS" -i "$L" --json --kinds tcp,udp,ipv6 --flows 16 --wait 10s \
	>"$D/f3.json"
rc=$?
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
t = r["totals"]
print("  fault: asymmetric balancer hash: asymmetric flows %d, misdirected %d" % (t["asymmetric_flows"], t["misdirected"]))
sys.exit(0 if t["asymmetric_flows"] > 0 and t["misdirected"] > 0 and not r["pass"] else 1)' "$D/f3.json" && [ $rc -eq 1 ] \
	|| bad "an asymmetric balancer hash: probe exit $rc, asymmetric flows not reported"
th_stop "$asympid"
"$lab" down --id "$id" >/dev/null || bad "lab down"

# ---- 5. probes through Open vSwitch with the generated flows ----
if command -v ovs-vswitchd >/dev/null && [ -r /usr/share/openvswitch/vswitch.ovsschema ]; then
	if "$lab" up --id "${id}o" -c "$src/etc" --switch ovs >"$D/lab-ovs.log" 2>&1; then
		So=$STEER_LAB_STATE/steer-lab-${id}o
		. "$So/lab.env"
		Lo=
		for i in "${!WORKERS[@]}"; do Lo+="${Lo:+,}${WORKERS[$i]}=eth0@${WORKER_NS[$i]}"; done
		# The OpenFlow rules match ip / ipv6: MPLS and QinQ frames are not steered (the
		# profile does not claim them), and tagged frames meet NORMAL's per-VLAN MAC table,
		# which the lab fills for untagged frames only: probe what the profile carries.
		"$chk" -c "$So/config" probe --in "eth0@$TAP_NS" -i "$Lo" --json --wait 10s \
			--kinds tcp,udp,icmp,ipv6,frag,frag6,gre,vxlan >"$D/probe-ovs.json"
		rc=$?
		python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); t = r["totals"]
print("  probe via Open vSwitch: %d frames, arrived %d, lost %d, dup %d, misdirected %d, split %d"
      % (r["frames"], t["arrived"], t["lost"], t["duplicated"], t["misdirected"], t["split_flows"]))' "$D/probe-ovs.json"
		[ $rc -eq 0 ] || bad "probe through Open vSwitch: exit $rc"
		"$lab" down --id "${id}o" >/dev/null || bad "lab down (ovs)"
	else
		cat "$D/lab-ovs.log"
		bad "lab up --switch ovs"
	fi
else
	echo "  (Open vSwitch not installed: probe through OVS not run)"
fi

left=$(ip netns list | grep -c -- "steer-$id")
[ "$left" -eq 0 ] || bad "$left lab namespaces left behind"
th_done
