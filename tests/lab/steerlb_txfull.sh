#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steerlb_txfull.sh BINDIR: steerlb's batched live I/O when an output cannot keep up, in network
# namespaces of its own (steer-tx-PID-*; every frame stays inside them). steerlb -i in0
# --port-map sends to two workers; worker-2's interface p2 is held back by a token bucket (tbf),
# so its TX ring fills up while worker-1's p1 is free:
#  - every frame steered is accounted for, per worker: sent + not sent = its packets; none is
#    lost silently;
#  - worker-2's full ring was waited on (tx_waits) and what found no room is counted (send_full);
#    worker-1 lost nothing on its output;
#  - the frames each worker's far end receives are exactly those its output sent;
#  - every frame of the trace is either steered or counted as a kernel drop on the input ring
#    (capture_drops), since steerlb waiting on a full output leaves its input ring unread.
# Needs root, network namespaces, tc and tcpreplay (exit 77, skipped, without them).
set -uo pipefail
bindir=$(readlink -f "$1")
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, veth)"
for t in ip tc tcpreplay python3; do command -v $t >/dev/null || skip "$t not installed"; done
ctl=$bindir/steerctl lb=$bindir/steerlb
for b in "$ctl" "$lb"; do [ -x "$b" ] || { echo "FAIL: $b is not built"; exit 1; }; done

P=steer-tx-$$
NS_TAP=$P-tap NS_LB=$P-lb NS_SINK=$P-sink
D=$(mktemp -d "${TMPDIR:-/tmp}/steerlb-txfull.XXXXXX")
lbpid=
cleanup() {
	[ -n "$lbpid" ] && kill -KILL "$lbpid" 2>/dev/null
	for ns in "$NS_TAP" "$NS_LB" "$NS_SINK"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for ns in "$NS_TAP" "$NS_LB" "$NS_SINK"; do
	ip netns add "$ns" 2>/dev/null || skip "cannot create network namespaces"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link set lo up
done
veth() {
	ip link add "$1" mtu 9000 netns "$3" type veth peer name "$2" mtu 9000 netns "$4" || exit 1
	ip -n "$3" link set "$1" up && ip -n "$4" link set "$2" up || exit 1
}
veth eth0 in0 "$NS_TAP" "$NS_LB"
veth p1 q1 "$NS_LB" "$NS_SINK"
veth p2 q2 "$NS_LB" "$NS_SINK"
# p2 sends 2 Mbit/s at most, and its queue holds 30 KB: at the replay's rate its ring fills
tc -n "$NS_LB" qdisc add dev p2 root tbf rate 2mbit burst 4000 limit 30000 || skip "no tbf qdisc"

C=$D/config
mkdir -p "$C"
printf 'profile = steerlb\nhash = default\nbuckets = 64\nnon_ip = mac\ndelivery = mac\n' >"$C/steer.cfg"
{
	printf '[manager]\ntype = manager\nhost = localhost\n\n[proxy-1]\ntype = proxy\nhost = localhost\n\n'
	for k in 1 2; do
		printf '[worker-%d]\ntype = worker\nhost = localhost\ninterface = p%d\nsteer.mac = 02:53:54:00:00:0%d\n\n' "$k" "$k" "$k"
	done
} >"$C/node.cfg"
"$ctl" synth --flows 400 --seed 3 --out "$D/trace.pcap" >/dev/null || { echo "FAIL: synth"; exit 1; }

ip netns exec "$NS_LB" "$lb" -c "$C" -i in0 --port-map --stats "$D/stats.json" >/dev/null 2>"$D/lb.err" &
lbpid=$!
for _ in $(seq 1 100); do grep -qs 'listening on in0' "$D/lb.err" && break; sleep 0.05; done
grep -q 'listening on in0' "$D/lb.err" || { cat "$D/lb.err"; echo "FAIL: steerlb did not open in0"; exit 1; }
ip netns exec "$NS_TAP" tcpreplay -q -i eth0 --pps=20000 "$D/trace.pcap" >"$D/replay.log" 2>&1 \
	|| { cat "$D/replay.log"; echo "FAIL: tcpreplay"; exit 1; }
tx=$(ip -n "$NS_TAP" -s -j link show eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])')
# steerlb is slowed down by the full output: wait (bounded) until it has read everything
for _ in $(seq 1 100); do
	kill -USR1 "$lbpid"
	sleep 0.1
	[ -s "$D/stats.json" ] && python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(s["packets"] + s["capture_drops"] < int(sys.argv[2]))' \
		"$D/stats.json" "$tx" && break
done
kill -TERM "$lbpid"
wait "$lbpid"
rc=$?
lbpid=
[ $rc -eq 0 ] || { cat "$D/lb.err"; echo "FAIL: steerlb exit $rc"; exit 1; }
# what tbf still held when steerlb stopped is on its way: let it arrive before counting
for _ in $(seq 1 50); do
	[ "$(tc -n "$NS_LB" -s -j qdisc show dev p2 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["qlen"])')" = 0 ] && break
	sleep 0.1
done
rx() { ip -n "$NS_SINK" -s -j link show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
python3 - "$D/stats.json" "$tx" "$(rx q1)" "$(rx q2)" <<'EOF'
import json, sys
st, tx, rx = json.load(open(sys.argv[1])), int(sys.argv[2]), [int(sys.argv[3]), int(sys.argv[4])]
o = st["outputs"]
w = {x["name"]: x for x in st["workers"]}
print("  trace frames sent %d; steerlb: %d packets, capture drops %d; sent %d, not sent %d "
      "(ring full %d, refused %d, down %d), waited %d times" %
      (tx, st["packets"], st["capture_drops"], o["sent"], o["inject_errors"], o["send_full"],
       o["send_refused"], o["send_down"], o["tx_waits"]))
bad = []
for k, name in enumerate(("worker-1", "worker-2")):
    x = w[name]
    print("  %s: %d packets, sent %d, not sent %d; received at its far end %d" %
          (name, x["packets"], x["sent"], x["not_sent"], rx[k]))
    if x["sent"] + x["not_sent"] != x["packets"]:
        bad.append("%s: sent + not sent != packets steered to it" % name)
    if rx[k] != x["sent"]:
        bad.append("%s: its far end received %d frames, its output sent %d" % (name, rx[k], x["sent"]))
if w["worker-1"]["not_sent"]:
    bad.append("worker-1's output is free, yet frames were not sent")
if not (w["worker-2"]["not_sent"] > 0 and o["send_full"] == w["worker-2"]["not_sent"] and o["tx_waits"] > 0):
    bad.append("worker-2's full ring: not waited on, or what found no room not counted as send_full")
if o["sent"] + o["inject_errors"] != st["packets"] or o["send_refused"] or o["send_down"]:
    bad.append("the outputs' totals do not add up to the packets steered")
if st["packets"] + st["capture_drops"] != tx:
    bad.append("packets steered + capture drops = %d, the tap sent %d" % (st["packets"] + st["capture_drops"], tx))
for b in bad:
    print("  FAIL: " + b)
sys.exit(1 if bad else 0)
EOF
rc=$?
[ $rc -eq 0 ] && echo "steerlb_txfull: passed" || echo "steerlb_txfull: failed"
exit $rc
