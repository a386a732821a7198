#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steerlb_live.sh BINDIR: steerlb's live mode in network namespaces of its own
# (steer-l<run>-*; every frame stays inside them), against steerlb's offline output of the
# same trace as the reference:
#  a. steerlb -i in0 -o out0 forwards a replayed synthetic trace at $PPS packets/s: the frames
#     captured behind out0 are exactly those of 'steerlb -r TRACE -w', in order (each one
#     rewritten to its worker's MAC, none lost, none duplicated), and --stats counts no
#     capture drop.
#  b. --port-map (one veth per worker): each worker's interface gets exactly that worker's
#     frames of the offline run.
#  c. one worker's veth set down (seen through libnl): steerlb re-plans and keeps running; a
#     second replay sends exactly what 'steerlb -r TRACE --fail WORKER' sends (the failed
#     worker's flows go to the others, the others' flows do not move), and --stats (SIGUSR1)
#     shows the link down, the failed worker and one re-plan.
#  d. SIGTERM on an idle input: steerlb exits within 1 s, with final stats written.
# Needs root, network namespaces, tcpdump and tcpreplay (exit 77, skipped, without them).
set -uo pipefail
bindir=$(readlink -f "$1")
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@"
th_init steerlb_live
th_need_root "network namespaces, veth"
th_need ip tcpdump tcpreplay python3 ss
th_need_netns
ctl=$bindir/steerctl lb=$bindir/steerlb
for b in "$ctl" "$lb"; do [ -x "$b" ] || { echo "FAIL: $b is not built"; exit 1; }; done

PPS=${PPS:-10000}
P=steer-$(th_runid l)
NS_TAP=$P-tap NS_LB=$P-lb NS_SINK=$P-sink
D=$T
# No IPv6 autoconfiguration, router solicitations or MLD reports (th_netns): only the trace's
# frames cross the links, so the captures can be compared frame for frame.
for ns in "$NS_TAP" "$NS_LB" "$NS_SINK"; do th_netns "$ns"; done
# veth A B NS_A NS_B: a cable; MTU 9000 for the trace's largest frames (1552 bytes).
veth() {
	ip -n "$3" link add "$1" mtu 9000 type veth peer name "$2" mtu 9000 netns "$4" || exit 1
	ip -n "$3" link set "$1" up && ip -n "$4" link set "$2" up || exit 1
}
veth eth0 in0 "$NS_TAP" "$NS_LB"
veth out0 o0 "$NS_LB" "$NS_SINK"
for k in 1 2 3; do veth "p$k" "q$k" "$NS_LB" "$NS_SINK"; done

# Three workers, each with its MAC and its own output interface (for --port-map).
C=$D/config
mkdir -p "$C"
printf 'profile = steerlb\nhash = default\nfields = 5-tuple\nbuckets = 4096\nnon_ip = mac\ndelivery = mac\n' >"$C/steer.cfg"
{
printf '[manager]\ntype = manager\nhost = localhost\n\n[proxy-1]\ntype = proxy\nhost = localhost\n\n'
for k in 1 2 3; do
	printf '[worker-%d]\ntype = worker\nhost = localhost\ninterface = p%d\nsteer.mac = 02:53:54:00:00:0%d\n\n' "$k" "$k" "$k"
done
} >"$C/node.cfg"

"$ctl" synth --flows 300 --seed 7 --out "$D/trace.pcap" >/dev/null || { echo "FAIL: synth"; exit 1; }
# The references: steerlb offline on the same trace.
"$lb" -c "$C" -r "$D/trace.pcap" -w "$D/ref.pcap" --split "$D/ref" >/dev/null \
	&& "$lb" -c "$C" -r "$D/trace.pcap" -w "$D/ref-fail.pcap" --fail worker-2 >/dev/null \
	|| { echo "FAIL: steerlb offline"; exit 1; }

# cap_start NAME IFACE...: tcpdump on each sink interface (inbound only) into $D/NAME-IFACE.pcap
cap_start() {
	local name=$1 i p
	shift
	for i in "$@"; do
		# (immediate mode: the ring holds buffer / snaplen frames; the trace's largest is
		# 1552 bytes, so 2048 bytes a frame and 16 MiB hold the whole trace)
		th_bg ip netns exec "$NS_SINK" tcpdump -n -U --immediate-mode -s 2048 -B 16384 -Q in -i "$i" \
			-w "$D/$name-$i.pcap" >"$D/$name-$i.log" 2>&1
		caps+=("$TH_BG")
	done
	for i in "$@"; do
		for _ in $(seq 1 100); do grep -q 'listening on' "$D/$name-$i.log" && break; sleep 0.05; done
	done
}
# Frames the kernel dropped before any socket saw them (a CPU's backlog full:
# /proc/net/softnet_stat, 2nd column), for the diagnosis of a loss.
backlog_drops() {
	python3 -c 'import sys; print(sum(int(l.split()[1], 16) for l in open("/proc/net/softnet_stat")))'
}
# cap_wait NAME IFACE=N...: waits (30 s at most) until each capture NAME-IFACE holds N frames
# at least: the last frames through steerlb, the kernel and tcpdump (-U: written as they come)
# on a busy machine. What arrives beyond N, or differs, shows in the comparison.
cap_wait() {
	local name=$1 a
	shift
	for a in "$@"; do
		th_wait_for 30 cap_has "$D/$name-${a%=*}.pcap" "${a#*=}" ||
			echo "  $name-${a%=*}: $($PCAP count "$D/$name-${a%=*}.pcap" 2>&1) frames after 30 s, ${a#*=} expected"
	done
}
cap_has() { [ "$($PCAP count "$1" 2>/dev/null)" -ge "$2" ]; } # FILE N
cap_stop() {
	local p
	echo "  kernel backlog drops so far: $(($(backlog_drops) - drops0)); tap eth0 tx / balancer in0 rx:" \
		"$(ip -n "$NS_TAP" -s -j link show eth0 | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]["stats64"]; print(s["tx"]["packets"], "sent,", s["tx"]["dropped"], "dropped")') /" \
		"$(ip -n "$NS_LB" -s -j link show in0 | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]["stats64"]; print(s["rx"]["packets"], "received (" + str(s["rx"]["dropped"]), "of them taken by no protocol, after the capture)")')"
	th_stop -INT "${caps[@]}"
	caps=()
	grep -h 'dropped by kernel' "$D"/*.log | grep -v '^0 ' && bad "a worker's capture dropped frames"
}
# lb_start ARGS...: steerlb in the balancer namespace, reading in0; waits for its capture socket.
# (--snaplen: its ring in immediate mode holds buffer / snaplen frames: 128 with the default
# snaplen, 16000 with 2048 bytes, enough for a busy machine at $PPS packets/s; the trace's largest
# frame is 1552 bytes)
lb_start() {
	th_bg ip netns exec "$NS_LB" "$lb" -c "$C" -i in0 --snaplen 2048 "$@" >"$D/lb.out" 2>"$D/lb.err"
	lbpid=$TH_BG
	# ready once its capture ring is set up (frames sent before are not seen): it says so
	for _ in $(seq 1 100); do grep -q 'listening on in0' "$D/lb.err" && return 0; sleep 0.05; done
	cat "$D/lb.err"
	echo "FAIL: steerlb did not open in0"
	exit 1
}
replay() {
	ip netns exec "$NS_TAP" tcpreplay -q -i eth0 --pps="$PPS" "$D/trace.pcap" >"$D/replay.log" 2>&1 \
		|| { cat "$D/replay.log"; bad "tcpreplay"; }
}
# lb_stop: SIGTERM, and the time it took to exit (fails past 1 s).
lb_stop() {
	local t0 t1
	t0=$(date +%s%N)
	kill -TERM "$lbpid"
	for _ in $(seq 1 40); do kill -0 "$lbpid" 2>/dev/null || break; sleep 0.025; done
	t1=$(date +%s%N)
	if kill -0 "$lbpid" 2>/dev/null; then
		bad "steerlb still running 1 s after SIGTERM on an idle input"
		kill -KILL "$lbpid"
	fi
	wait "$lbpid"
	lbrc=$?
	echo "  SIGTERM, idle input: steerlb exited $lbrc after $(((t1 - t0) / 1000000)) ms"
	[ "$lbrc" -eq 0 ] || { cat "$D/lb.err"; bad "steerlb exit $lbrc after SIGTERM"; }
}

caps=()
drops0=$(backlog_drops)
# The frames each capture must get: the offline runs' (all of them behind out0; each worker's
# before p2 goes down, then with worker-2 failed).
per_worker() { # FILE: its frames to worker-1, -2 and -3
	python3 -c 'import sys, pcap; fs = pcap.frames(sys.argv[1])
print(*(sum(f[:6] == bytes.fromhex("02535400000%d" % k) for f in fs) for k in (1, 2, 3)))' "$1"
}
ref_n=$($PCAP count "$D/ref.pcap")
read -r -a before <<<"$(per_worker "$D/ref.pcap")"
read -r -a after <<<"$(per_worker "$D/ref-fail.pcap")"
# ---- a. -i in0 -o out0 ----
cap_start a o0
lb_start -o out0 --stats "$D/a.json"
replay
cap_wait a o0="$ref_n"
cap_stop
lb_stop
python3 - "$D" <<'EOF' || bad "(a) -o: the frames behind out0 are not steerlb's offline output"
import json, sys
import pcap
D = sys.argv[1]
def frames(path):
    return pcap.frames(path, strict=False)
want, got = frames(D + "/ref.pcap"), frames(D + "/a-o0.pcap")
st = json.load(open(D + "/a.json"))
print("  (a) -o out0: %d frames sent by the trace, %d captured behind out0; steerlb: %d packets, "
      "capture drops %d, send errors %d" % (len(want), len(got), st["packets"], st["capture_drops"],
                                            st["outputs"]["inject_errors"]))
ok = got == want and st["final"] and st["packets"] == len(want) and st["capture_drops"] == 0 \
    and st["outputs"]["inject_errors"] == 0
if got != want:
    i = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
    print("  first difference at frame %d" % (i + 1))
sys.exit(0 if ok else 1)
EOF

# ---- b. --port-map, c. a link down, d. SIGTERM ----
cap_start b q1 q2 q3
lb_start --port-map --stats "$D/b.json"
replay
# p2 goes down once the first replay's frames are through (what is queued for it is dropped)
cap_wait b q1="${before[0]}" q2="${before[1]}" q3="${before[2]}"
ip -n "$NS_LB" link set p2 down
for _ in $(seq 1 40); do grep -q 'p2: link down' "$D/lb.err" && break; sleep 0.05; done
grep -q 'p2: link down' "$D/lb.err" || bad "(c) steerlb did not report p2 down within 2 s"
kill -0 "$lbpid" 2>/dev/null || bad "(c) steerlb stopped after a link went down"
replay
cap_wait b q1=$((before[0] + after[0])) q2=$((before[1] + after[1])) q3=$((before[2] + after[2]))
cap_stop
kill -USR1 "$lbpid"
for _ in $(seq 1 40); do [ -s "$D/b.json" ] && break; sleep 0.025; done
cp "$D/b.json" "$D/b-usr1.json" 2>/dev/null || bad "(c) no --stats on SIGUSR1"
rm -f "$D/b.json"
lb_stop
[ -s "$D/b.json" ] || bad "(d) no final --stats after SIGTERM"
python3 - "$D" <<'EOF' || bad "(b, c) --port-map and the failover"
import json, sys
import pcap
D = sys.argv[1]
def frames(path):
    return pcap.frames(path, strict=False)
macs = {bytes.fromhex("02535400000%d" % k): k for k in (1, 2, 3)}
def by_worker(fs):
    r = {1: [], 2: [], 3: []}
    for f in fs:
        r[macs[f[:6]]].append(f)
    return r
ref, reff = frames(D + "/ref.pcap"), frames(D + "/ref-fail.pcap")
if len(ref) != len(reff) or any(macs.get(f[:6]) is None for f in ref + reff):
    print("  the offline references are not one frame per packet to the 3 workers' MACs")
    sys.exit(1)
before, after = by_worker(ref), by_worker(reff)
bad = []
for k in (1, 3):
    # the others' flows stay: a frame steered to k before the failure still goes to k
    moved = sum(1 for a, b in zip(ref, reff) if macs[a[:6]] == k and macs[b[:6]] != k)
    if moved:
        bad.append("offline --fail: %d frames of worker-%d moved" % (moved, k))
for k in (1, 2, 3):
    got = frames("%s/b-q%d.pcap" % (D, k))
    want = before[k] + after[k]
    gained = len(after[k]) - len(before[k])
    print("  (b, c) worker-%d on p%d: %d frames captured; expected %d before p2 went down and "
          "%d after (%+d)" % (k, k, len(got), len(before[k]), len(after[k]), gained))
    if got != want:
        bad.append("worker-%d: the frames on its interface are not the offline ones" % k)
u, s = json.load(open(D + "/b-usr1.json")), json.load(open(D + "/b.json"))
w2 = [w for w in u["workers"] if w["name"] == "worker-2"][0]
print("  (c) stats on SIGUSR1: %d packets, re-plans %d, links down %d, worker-2 alive %s link_down %s, "
      "capture drops %d" % (u["packets"], u["replans"], u["link_downs"], w2["alive"], w2["link_down"],
                            u["capture_drops"]))
if u["final"] or u["replans"] != 1 or u["link_downs"] != 1 or w2["alive"] or not w2["link_down"] \
        or u["packets"] != 2 * len(ref) or u["capture_drops"]:
    bad.append("the SIGUSR1 stats do not show one link-down failover of worker-2")
if not s["final"] or s["packets"] != 2 * len(ref):
    bad.append("the final stats after SIGTERM are not final or miss packets")
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF

th_done
