#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steerlb_txfull.sh BINDIR: steerlb's batched live I/O when an output cannot keep up, in network
# namespaces of its own (steer-x<run>-*; every frame stays inside them). steerlb -i in0
# --port-map sends to two workers; worker-2's interface p2 is held (a token bucket, tbf, that
# lets out about one frame in four seconds) while the trace is replayed, so its TX ring fills up
# and stays full past steerlb's wait, whatever the machine's load; worker-1's p1 is free. Then
# p2 is released and what steerlb still holds goes out:
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
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@"
th_init steerlb_txfull
th_need_root "network namespaces, veth"
th_need ip tc tcpreplay python3
th_need_netns
ctl=$bindir/steerctl lb=$bindir/steerlb
for b in "$ctl" "$lb"; do [ -x "$b" ] || { echo "FAIL: $b is not built"; exit 1; }; done

P=steer-$(th_runid x)
NS_TAP=$P-tap NS_LB=$P-lb NS_SINK=$P-sink
D=$T
for ns in "$NS_TAP" "$NS_LB" "$NS_SINK"; do th_netns "$ns"; done
veth() { # A B NS_A NS_B: a cable
	ip -n "$3" link add "$1" mtu 9000 type veth peer name "$2" mtu 9000 netns "$4" || exit 1
	ip -n "$3" link set "$1" up && ip -n "$4" link set "$2" up || exit 1
}
veth eth0 in0 "$NS_TAP" "$NS_LB"
veth p1 q1 "$NS_LB" "$NS_SINK"
veth p2 q2 "$NS_LB" "$NS_SINK"
# p2 held: 1 kbit/s after a first burst of 2000 bytes, a queue that takes every frame of its
# TX ring (the ring's slots stay taken while their frames wait there). Its limit is kept on
# release: tbf then keeps what it queued (a new limit would replace its queue, dropping it).
QLIMIT=2000000
tc -n "$NS_LB" qdisc add dev p2 root tbf rate 1kbit burst 2000 limit $QLIMIT || th_skip "no tbf qdisc"

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

th_bg ip netns exec "$NS_LB" "$lb" -c "$C" -i in0 --port-map --stats "$D/stats.json" >/dev/null 2>"$D/lb.err"
lbpid=$TH_BG
th_wait_for 10 grep -qs 'listening on in0' "$D/lb.err" ||
	{ cat "$D/lb.err"; echo "FAIL: steerlb did not open in0"; exit 1; }
ip netns exec "$NS_TAP" tcpreplay -q -i eth0 --pps=20000 "$D/trace.pcap" >"$D/replay.log" 2>&1 \
	|| { cat "$D/replay.log"; echo "FAIL: tcpreplay"; exit 1; }
tx=$(ip -n "$NS_TAP" -s -j link show eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])')

# stats_hold PYTHON-CONDITION: asks steerlb for its --stats (SIGUSR1) until the condition holds
# on them (s: the document, w: its workers by name, tx: the frames the tap sent); false after 30 s.
stats_hold() { th_wait_for 30 stats_now "$1"; }
stats_now() { # PYTHON-CONDITION: fresh stats, and the condition holds on them
	rm -f "$D/stats.json"
	kill -USR1 "$lbpid" 2>/dev/null || return 1
	th_wait_for 5 test -s "$D/stats.json" || return 1
	python3 - "$D/stats.json" "$tx" "$1" <<'EOF'
import json, sys
s, tx = json.load(open(sys.argv[1])), int(sys.argv[2])
w = {x["name"]: x for x in s["workers"]}
sys.exit(0 if eval(sys.argv[3]) else 1)
EOF
}
# steerlb, slowed down by the held output, has read everything...
stats_hold 's["packets"] + s["capture_drops"] >= tx' ||
	{ cat "$D/lb.err"; echo "FAIL: steerlb did not read the whole trace within 30 s"; exit 1; }
# ... p2 is released, and its ring empties (nothing of worker-2's is still queued)
tc -n "$NS_LB" qdisc change dev p2 root tbf rate 1gbit burst 1mb limit $QLIMIT ||
	{ echo "FAIL: tc qdisc change (release p2)"; exit 1; }
stats_hold 'w["worker-2"]["sent"] + w["worker-2"]["not_sent"] == w["worker-2"]["packets"]' ||
	{ cat "$D/lb.err"; echo "FAIL: worker-2's ring did not empty within 30 s of the release"; exit 1; }
kill -TERM "$lbpid"
wait "$lbpid"
rc=$?
TH_PIDS=()
[ $rc -eq 0 ] || { cat "$D/lb.err"; echo "FAIL: steerlb exit $rc"; exit 1; }
# what tbf still held when steerlb stopped is on its way: let it arrive before counting
p2_empty() {
	tc -n "$NS_LB" -s -j qdisc show dev p2 |
		python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[0]["qlen"] != 0)'
}
th_wait_for 10 p2_empty
rx() { ip -n "$NS_SINK" -s -j link show "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
python3 - "$D/stats.json" "$tx" "$(rx q1)" "$(rx q2)" <<'EOF' || bad "the frames are not all accounted for"
import json, sys
st, tx, rx = json.load(open(sys.argv[1])), int(sys.argv[2]), [int(sys.argv[3]), int(sys.argv[4])]
o = st["outputs"]
w = {x["name"]: x for x in st["workers"]}
print("  trace frames sent %d; steerlb: %d packets, capture drops %d; sent %d, not sent %d "
      "(ring full %d, refused %d, down %d), waited %d times" %
      (tx, st["packets"], st["capture_drops"], o["sent"], o["inject_errors"], o["send_full"],
       o["send_refused"], o["send_down"], o["tx_waits"]))
bad = []
if not st["final"]:
    bad.append("the stats written at the exit are not final")
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
th_done
