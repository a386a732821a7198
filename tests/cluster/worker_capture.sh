#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/worker_capture.sh BIN: a live worker captures its interface with its plan's
# filter (and, with lb_procs, its process's split) and gives up root for capture_user once the
# capture is open. Root (exit 77, skipped, without it): the cluster runs in a network namespace
# of this run's own (its lo is the interface), removed on every exit path.
BIN=$(cd "$1" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (live capture)"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "SKIP: no user nobody to give root up for"; exit 77; }
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@" # PID, mount and network namespaces of this run's own: nothing can leak
[ -z "${TH_ISOLATED:-}" ] || ip link set lo up
. "$(dirname "$0")/lib.sh"

NS=steer-wc$$
C=$T/c
ip netns add "$NS" 2>/dev/null || { echo "SKIP: cannot create network namespaces"; exit 77; }
capture_cleanup() {
	local rc=$?
	ip netns exec "$NS" "$CTL" -c "$C" stop >/dev/null 2>&1 || true
	ip netns del "$NS" 2>/dev/null || true
	cleanup "$rc"
}
trap capture_cleanup EXIT
ip -n "$NS" link set lo up
in_ns() { ip netns exec "$NS" "$@"; }

EXTRA_PROCS=2 make_cluster "$C" 0 1 "capture_user = nobody" >/dev/null
printf '[worker-2]\ntype = worker\nhost = 127.0.0.1\ninterface = lo\nlb_method = custom\nlb_procs = 2\n' >>"$C/node.cfg"
sed -i '/^steer.read/d' "$C/node.cfg" # capture lo for real
chmod 755 "$T" "$C"                      # nobody must reach its working directory
in_ns "$STEERD" -c "$C" --node manager --daemon >/dev/null || fail "manager"
in_ns "$STEERD" -c "$C" --node worker-1 --daemon >/dev/null || fail "a live worker on lo"
in_ns "$STEERD" -c "$C" --node worker-2-2 --daemon >/dev/null || fail "worker-2-2 on lo"
wait_for 5 grep -q 'running as nobody' "$C/state/worker-1/stderr.log" || fail "root not given up"
grep -q "capturing lo, filter 'ether dst 02:53:54:00:00:00'" "$C/state/worker-1/stderr.log" ||
	fail "worker-1 does not capture with its plan's filter"
grep -q "with the process split" "$C/state/worker-2-2/stderr.log" ||
	fail "worker-2-2 does not capture its share of worker-2"
[ "$(ps -o user= -p "$(pid_of "$C" worker-1)")" = nobody ] || fail "worker-1 still runs as root"
in_ns "$CTL" -c "$C" stop >/dev/null || fail "stop the live workers"
echo PASS
