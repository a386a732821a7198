#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/ring_kill.sh BIN: three proxies, six workers inserting; proxy-2 is SIGKILLed
# mid-stream (its workers move to the others, the ring closes over the gap) and started again
# (it copies its replica from a neighbour, then takes its workers back). Every insertion still
# reaches every worker exactly once, and the restarted proxy holds every key.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
N=6000
NPROXIES=3 make_cluster "$C" 1 6 >/dev/null
W="worker-1 worker-2 worker-3 worker-4 worker-5 worker-6"
"$CTL" -c "$C" start manager logger proxy-1 proxy-2 proxy-3 >/dev/null || fail "start"
for w in $W; do
	"$STEERD" -c "$C" --node "$w" --daemon --test-insert $N --test-rate 1500 >/dev/null ||
		fail "$w did not start"
done
wait_for 20 grep -q "^ready" "$C/state/worker-6/shared.state" || fail "worker-6 not ready"
sleep 1
note "SIGKILL proxy-2"
kill -9 "$(pid_of "$C" proxy-2)"
wait_for 30 grep -q "taking deliveries from proxy-[13]" "$C/state/worker-2/stderr.log" ||
	fail "worker-2 did not move to another proxy"
sleep 1
note "proxy-2 again"
"$CTL" -c "$C" start proxy-2 >/dev/null || fail "proxy-2 did not start again"
wait_for 30 grep -q "replica copied from" "$C/state/proxy-2/stderr.log" ||
	fail "proxy-2 did not copy its replica"
for w in $W; do
	wait_for 60 grep -q "^done" "$C/state/$w/shared.state" || fail "$w: insertions not acknowledged"
done
wait_for 30 has_lines 2 "taking deliveries from proxy-2" "$C/state/worker-5/stderr.log" ||
	fail "worker-5 did not go back to proxy-2"
mport=$(($(sed -n 's/^base_port = //p' "$C/steer.cfg") + 1000))
wait_for 30 metric_is "127.0.0.1:$((mport + 3))/metrics" steer_proxy_entries $((6 * N)) ||
	fail "restarted proxy-2 holds $(metric "127.0.0.1:$((mport + 3))/metrics" steer_proxy_entries) entries, not $((6 * N))"
received_all "$C" $((5 * N)) $W
"$CTL" -c "$C" stop >/dev/null
check_shared "$C" $N $W || fail "insertions not received exactly once"
echo PASS
