#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/netns.sh BIN: nodes in lab network namespaces (node.cfg steer.netns): the
# manager, logger and proxy in one namespace, a worker in another joined by a veth pair;
# steerctl start puts each node in its namespace, the worker's heartbeats cross the veth, and
# stop ends them all. Root only (exit 77 = skipped); the namespaces are named after this run
# and removed on every exit path; nothing is made in the root namespace.
BIN=$1
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
ip netns list >/dev/null 2>&1 || { echo "SKIP: no network namespaces"; exit 77; }
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@" # PID, mount and network namespaces of this run's own: nothing can leak
[ -z "${TH_ISOLATED:-}" ] || ip link set lo up
. "$(dirname "$0")/lib.sh"

A=steer-clu$$-a
B=steer-clu$$-b
netns_cleanup() {
	local rc=$?
	ip netns exec "$A" "$CTL" -c "$T/c" stop >/dev/null 2>&1 || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
	cleanup "$rc"
}
trap netns_cleanup EXIT

ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add va type veth peer name vb netns "$B"
ip -n "$A" addr add 10.203.0.1/30 dev va
ip -n "$B" addr add 10.203.0.2/30 dev vb
for n in "$A" "$B"; do ip -n "$n" link set lo up; done
ip -n "$A" link set va up
ip -n "$B" link set vb up

C=$T/c
mkdir -p "$C"
cat >"$C/node.cfg" <<CFG
[manager]
type = manager
host = 10.203.0.1
steer.netns = $A

[logger]
type = logger
host = 10.203.0.1
steer.netns = $A

[proxy-1]
type = proxy
host = 10.203.0.1
steer.netns = $A

[worker-1]
type = worker
host = 10.203.0.2
interface = vb
steer.netns = $B
CFG
# The namespaces are this run's own: zeekctl's default ports cannot collide.
printf 'log_dir = logs\nspool_dir = spool\nstate_dir = state\nheartbeat_interval = 200ms\n' >"$C/steer.cfg"

ctl() { ip netns exec "$A" "$CTL" -c "$C" "$@"; }
ctl start || fail "start in the namespaces"
ctl status || fail "status"
netns_of() { readlink "/proc/$1/ns/net"; }
[ "$(netns_of "$(pid_of "$C" worker-1)")" = "$(ip netns exec "$B" readlink /proc/self/ns/net)" ] ||
	fail "worker-1 does not run in $B"
[ "$(netns_of "$(pid_of "$C" manager)")" = "$(ip netns exec "$A" readlink /proc/self/ns/net)" ] ||
	fail "the manager does not run in $A"
wait_for 5 grep -q 'got hello from worker-1' "$C/spool/logger/cluster.log" ||
	fail "worker-1's hello did not reach the logger across the veth"
ctl stop || fail "stop"
echo PASS
