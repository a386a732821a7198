#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ovs_flows.sh STEERCTL: the generated OpenFlow flows in a real Open vSwitch (userspace datapath,
# as OVS's own check-system-userspace runs it): a tap namespace sends many crafted UDP flows,
# both directions, IPv4 and IPv6, untagged and 802.1Q-tagged, plus non-IP frames, into a netdev
# bridge loaded with "steerctl generate" output; tcpdump in one namespace per worker captures
# what each output port delivers. Every frame must reach exactly the worker the plan predicts,
# with that worker's MAC, once; non-IP frames (non_ip = drop) nowhere, and so are QinQ, 0x9100,
# MPLS and PPPoE frames, which OVS does not parse (the profiles' [emulate] l2). Runs the portable
# openflow13 rules and the ovs metadata pipeline.
# Everything lives in namespaces of this run (tests/lib/harness.sh th_isolate): ovsdb-server and
# ovs-vswitchd run in a switch namespace with their own run directory (the netdev datapath's
# ovs-netdev and bridge taps appear there), as children of this script; all of it is removed
# on every exit. Needs root and network namespaces (exit 77, skipped, without them).
set -uo pipefail
ctl=$(readlink -f "$1")
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@"
th_init ovs_flows
th_need_root "network namespaces, veth, Open vSwitch"
th_need ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl tcpdump ip python3
schema=/usr/share/openvswitch/vswitch.ovsschema
[ -r $schema ] || th_skip "no $schema"
th_need_netns

P=steer-$(th_runid o)
ns_sw=$P-sw ns_tap=$P-tap
nw=4
ns_w() { echo "$P-w$1"; }
die() { echo "FAIL: $*"; [ -f "$T/ovs-vswitchd.log" ] && tail -20 "$T/ovs-vswitchd.log"; exit 1; }

th_netns "$ns_sw"
th_netns "$ns_tap"
for i in $(seq 1 $nw); do th_netns "$(ns_w "$i")"; done

# --- Open vSwitch in the switch namespace, its database and sockets in $T, without the kernel
# module; children of this script (no --detach), so they are ended and reaped with it
export OVS_RUNDIR=$T OVS_LOGDIR=$T OVS_DBDIR=$T OVS_SYSCONFDIR=$T
ovsdb-tool create "$T/conf.db" $schema || die "ovsdb-tool create"
th_bg ip netns exec "$ns_sw" ovsdb-server --no-chdir --pidfile="$T/ovsdb-server.pid" \
	--log-file="$T/ovsdb-server.log" --remote=punix:"$T/db.sock" "$T/conf.db" 2>>"$T/ovs.err"
th_wait_for 10 test -S "$T/db.sock" || die "ovsdb-server did not start: $(cat "$T/ovs.err")"
vsctl() { ovs-vsctl --db=unix:"$T/db.sock" --timeout=20 "$@"; }
vsctl --no-wait init || die "ovs-vsctl init"
th_bg ip netns exec "$ns_sw" ovs-vswitchd --disable-system --no-chdir \
	--pidfile="$T/ovs-vswitchd.pid" --log-file="$T/ovs-vswitchd.log" unix:"$T/db.sock" \
	2>>"$T/ovs.err"
vswitchd=$TH_BG
th_wait_for 10 test -S "$T/ovs-vswitchd.$vswitchd.ctl" \
	|| die "ovs-vswitchd did not start: $(cat "$T/ovs.err")"
vsctl add-br br0 -- set Bridge br0 datapath_type=netdev protocols=OpenFlow13 \
	fail-mode=secure || die "add-br"

# --- cables: the tap namespace and one namespace per worker, each a veth to a bridge port
link() { # NS PORT OFPORT: NS's eth0 cabled to PORT of the bridge
	ip -n "$ns_sw" link add "$2" type veth peer name eth0 netns "$1" || die "veth $2"
	ip -n "$ns_sw" link set "$2" up && ip -n "$1" link set eth0 up || die "link up $2"
	vsctl add-port br0 "$2" -- set Interface "$2" ofport_request="$3" || die "add-port $2"
}
link "$ns_tap" t0 100
for i in $(seq 1 $nw); do link "$(ns_w "$i")" "p$i" "$i"; done

# --- the cluster: 4 workers with uneven weights on output ports 1..4, xor buckets
cfg=$T/cfg
mkdir -p "$cfg"
{
	printf '[manager]\ntype = manager\nhost = localhost\n[proxy-1]\ntype = proxy\nhost = localhost\n'
	for i in $(seq 1 $nw); do
		printf '[worker-%d]\ntype = worker\nhost = localhost\ninterface = eth0\n' "$i"
		printf 'steer.port = %d\nsteer.weight = %d\n' "$i" $((i % 3 + 1))
	done
} >"$cfg/node.cfg"

captured() { # WANT: at least WANT frames in the workers' captures
	local got
	got=$(for i in $(seq 1 $nw); do tcpdump -n -r "$T/w$i.pcap" 2>/dev/null; done | wc -l)
	[ "$got" -ge "$1" ]
}

run_variant() { # PROFILE BUCKETS
	local profile=$1 buckets=$2 out=$T/gen-$1
	printf 'profile = %s\nhash = xor\nbuckets = %s\nnon_ip = drop\n' "$profile" "$buckets" \
		>"$cfg/steer.cfg"
	"$ctl" -c "$cfg" generate --out "$out" || die "$profile: steerctl generate"
	"$ctl" -c "$cfg" plan --json >"$T/plan.json" || die "$profile: steerctl plan --json"
	ovs-ofctl -O OpenFlow13 del-flows br0 || die "del-flows"
	ovs-ofctl -O OpenFlow13 add-flows br0 "$out/openflow/flows.txt" \
		|| die "$profile: ovs-ofctl add-flows rejects openflow/flows.txt"
	local nflows
	nflows=$(ovs-ofctl -O OpenFlow13 dump-flows br0 | grep -c 'actions=')
	echo "$profile: $buckets buckets, $nflows flows loaded"

	# captures, one per worker namespace, until told to stop
	local caps=() i
	for i in $(seq 1 $nw); do
		rm -f "$T/w$i.pcap"
		th_bg ip netns exec "$(ns_w "$i")" tcpdump -Z root -n -U -s 200 -i eth0 -w "$T/w$i.pcap" \
			2>"$T/tcpdump$i.log"
		caps+=("$TH_BG")
	done
	for i in $(seq 1 $nw); do
		th_wait_for 10 grep -q 'listening on' "$T/tcpdump$i.log" || die "tcpdump $i did not start"
	done

	ip netns exec "$ns_tap" "$TH_PYTHON" "$(dirname "$0")/ovs_traffic.py" send eth0 \
		"$T/plan.json" "$T/expected.txt" || die "$profile: sending"
	# wait (bounded) until every expected frame is captured, then stop the captures
	th_wait_for 10 captured "$(grep -vc ' drop$' "$T/expected.txt")"
	sleep 0.5 # late duplicates would show up now
	th_stop "${caps[@]}"
	python3 "$(dirname "$0")/ovs_traffic.py" check "$T/plan.json" "$T/expected.txt" \
		$(for i in $(seq 1 $nw); do echo "$T/w$i.pcap"; done) || die "$profile: delivery"
	# a few predictions cross-checked with steerctl which
	local line
	while read -r line; do
		set -- $line
		"$ctl" -c "$cfg" which udp "$2" "$3" | grep -E "worker $4( |$)" >/dev/null \
			|| die "$profile: steerctl which disagrees for $2 -> $3 (expected $4)"
	done < <(grep -v ' drop$' "$T/expected.txt" | awk 'NR % 97 == 1 {print}' | head -8)
}

run_variant openflow13 16
run_variant ovs 64
echo "ovs_flows: passed"
exit 0
