#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# ovs_flows.sh STEERCTL: the generated OpenFlow flows in a real Open vSwitch (userspace datapath,
# as OVS's own check-system-userspace runs it): a tap namespace sends many crafted UDP flows,
# both directions, IPv4 and IPv6, untagged and 802.1Q-tagged, plus non-IP frames, into a netdev
# bridge loaded with "steerctl generate" output; tcpdump in one namespace per worker captures
# what each output port delivers. Every frame must reach exactly the worker the plan predicts,
# with that worker's MAC, once; non-IP frames (non_ip = drop) nowhere. Runs the portable
# openflow13 rules and the ovs metadata pipeline. Needs root and network namespaces; exits 77
# (skipped) without them. Removes everything it created, also on failure.
set -uo pipefail
ctl=$(readlink -f "$1")
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, veth, Open vSwitch)"
for t in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl tcpdump ip python3; do
	command -v $t >/dev/null || skip "$t not installed (scripts/deps installs openvswitch-switch)"
done
schema=/usr/share/openvswitch/vswitch.ovsschema
[ -r $schema ] || skip "no $schema"
ip netns add "steer-probe-$$" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "steer-probe-$$"

D=$(mktemp -d /tmp/steer-ovs.XXXXXX)
chmod 755 "$D"
id=$$
id=${id: -5}
br=sbr$id
ns_tap=steer-$id-tap
nw=4
ns_w() { echo "steer-$id-w$1"; }
tcpdump_pids=()

cleanup() {
	for p in "${tcpdump_pids[@]}"; do kill "$p" 2>/dev/null; done
	for f in ovs-vswitchd ovsdb-server; do
		[ -s "$D/$f.pid" ] && kill "$(cat "$D/$f.pid")" 2>/dev/null
	done
	sleep 0.3
	ip netns del "$ns_tap" 2>/dev/null
	for i in $(seq 1 $nw); do ip netns del "$(ns_w "$i")" 2>/dev/null; done
	for l in "so${id}t" $(for i in $(seq 1 $nw); do echo "so${id}w$i"; done); do
		ip link del "$l" 2>/dev/null
	done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; [ -f "$D/ovs-vswitchd.log" ] && tail -20 "$D/ovs-vswitchd.log"; exit 1; }

# --- Open vSwitch in the temporary directory, without the kernel module
export OVS_RUNDIR=$D OVS_LOGDIR=$D OVS_DBDIR=$D OVS_SYSCONFDIR=$D
ovsdb-tool create "$D/conf.db" $schema || fail "ovsdb-tool create"
ovsdb-server --detach --no-chdir --pidfile="$D/ovsdb-server.pid" --log-file="$D/ovsdb-server.log" \
	--remote=punix:"$D/db.sock" "$D/conf.db" || fail "ovsdb-server"
ovs-vsctl --db=unix:"$D/db.sock" --no-wait init || fail "ovs-vsctl init"
ovs-vswitchd --disable-system --detach --no-chdir --pidfile="$D/ovs-vswitchd.pid" \
	--log-file="$D/ovs-vswitchd.log" unix:"$D/db.sock" || fail "ovs-vswitchd"
vsctl() { ovs-vsctl --db=unix:"$D/db.sock" --timeout=20 "$@"; }
vsctl add-br "$br" -- set Bridge "$br" datapath_type=netdev protocols=OpenFlow13 \
	fail-mode=secure || fail "add-br"

# --- cables: a tap namespace and one namespace per worker, each a veth to the bridge
link() { # NS HOST-END PORT
	ip netns add "$1" || fail "netns $1"
	ip link add "$2" type veth peer name eth0 netns "$1" || fail "veth $2"
	for dev in "$2"; do sysctl -qw net.ipv6.conf."$dev".disable_ipv6=1 2>/dev/null; done
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
	ip link set "$2" up && ip netns exec "$1" ip link set eth0 up && \
		ip netns exec "$1" ip link set lo up || fail "link up $2"
	vsctl add-port "$br" "$2" -- set Interface "$2" ofport_request="$3" || fail "add-port $2"
}
link "$ns_tap" "so${id}t" 100
for i in $(seq 1 $nw); do link "$(ns_w "$i")" "so${id}w$i" "$i"; done

# --- the cluster: 4 workers with uneven weights on output ports 1..4, xor buckets
cfg=$D/cfg
mkdir -p "$cfg"
{
	printf '[manager]\ntype = manager\nhost = localhost\n[proxy-1]\ntype = proxy\nhost = localhost\n'
	for i in $(seq 1 $nw); do
		printf '[worker-%d]\ntype = worker\nhost = localhost\ninterface = eth0\n' "$i"
		printf 'steer.port = %d\nsteer.weight = %d\n' "$i" $((i % 3 + 1))
	done
} >"$cfg/node.cfg"

run_variant() { # PROFILE BUCKETS
	local profile=$1 buckets=$2 out=$D/gen-$1
	printf 'profile = %s\nhash = xor\nbuckets = %s\nnon_ip = drop\n' "$profile" "$buckets" \
		>"$cfg/steer.cfg"
	"$ctl" -c "$cfg" generate --out "$out" || fail "$profile: steerctl generate"
	"$ctl" -c "$cfg" plan --json >"$D/plan.json" || fail "$profile: steerctl plan --json"
	ovs-ofctl -O OpenFlow13 del-flows "$br" || fail "del-flows"
	ovs-ofctl -O OpenFlow13 add-flows "$br" "$out/openflow/flows.txt" \
		|| fail "$profile: ovs-ofctl add-flows rejects openflow/flows.txt"
	local nflows
	nflows=$(ovs-ofctl -O OpenFlow13 dump-flows "$br" | grep -c 'actions=')
	echo "$profile: $buckets buckets, $nflows flows loaded"

	# captures, one per worker namespace, until told to stop
	tcpdump_pids=()
	for i in $(seq 1 $nw); do
		ip netns exec "$(ns_w "$i")" tcpdump -Z root -n -U -s 200 -i eth0 -w "$D/w$i.pcap" \
			2>"$D/tcpdump$i.log" &
		tcpdump_pids+=($!)
	done
	for i in $(seq 1 $nw); do
		for _ in $(seq 1 100); do
			grep -q 'listening on' "$D/tcpdump$i.log" 2>/dev/null && break
			sleep 0.1
		done
		grep -q 'listening on' "$D/tcpdump$i.log" || fail "tcpdump $i did not start"
	done

	ip netns exec "$ns_tap" python3 "$(dirname "$0")/ovs_traffic.py" send eth0 \
		"$D/plan.json" "$D/expected.txt" || fail "$profile: sending"
	# wait (bounded) until every expected frame is captured, then stop the captures
	local want got
	want=$(grep -vc ' drop$' "$D/expected.txt")
	for _ in $(seq 1 50); do
		got=$(for i in $(seq 1 $nw); do tcpdump -n -r "$D/w$i.pcap" 2>/dev/null; done | wc -l)
		[ "$got" -ge "$want" ] && break
		sleep 0.2
	done
	sleep 0.5 # late duplicates would show up now
	for p in "${tcpdump_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	tcpdump_pids=()
	python3 "$(dirname "$0")/ovs_traffic.py" check "$D/plan.json" "$D/expected.txt" \
		$(for i in $(seq 1 $nw); do echo "$D/w$i.pcap"; done) || fail "$profile: delivery"
	# a few predictions cross-checked with steerctl which
	local line
	while read -r line; do
		set -- $line
		"$ctl" -c "$cfg" which udp "$2" "$3" | grep -qE "worker $4( |$)" \
			|| fail "$profile: steerctl which disagrees for $2 -> $3 (expected $4)"
	done < <(grep -v ' drop$' "$D/expected.txt" | awk 'NR % 97 == 1 {print}' | head -8)
}

run_variant openflow13 16
run_variant ovs 64
echo "ovs_flows: passed"
exit 0
