#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/ring.sh BIN: three proxies in a ring, six workers (two per proxy, as steerctl
# plan shows), each inserting numbered keys into a shared set, every socket CURVE: every
# insertion reaches every other worker exactly once, and every proxy's replica holds them all.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
N=3000
NPROXIES=3 make_cluster "$C" 1 6 "keys_dir = keys" >/dev/null
"$CTL" -c "$C" keys --out "$C/keys" >/dev/null || fail "steerctl keys"
W="worker-1 worker-2 worker-3 worker-4 worker-5 worker-6"
"$CTL" -c "$C" plan >"$T/plan" || fail "steerctl plan"
grep -q "proxy-1 *worker-1, worker-4" "$T/plan" || { cat "$T/plan"; fail "plan: proxy-1's workers"; }
"$CTL" -c "$C" start manager logger proxy-1 proxy-2 proxy-3 >/dev/null || fail "start"
for w in $W; do
	"$STEERD" -c "$C" --node "$w" --daemon --test-insert $N --test-rate 1500 >/dev/null ||
		fail "$w did not start"
done
for w in $W; do
	wait_for 60 grep -q "^done" "$C/state/$w/shared.state" || fail "$w: insertions not acknowledged"
done
# Every worker's proxy took deliveries; each worker took them from its own proxy.
grep -q "taking deliveries from proxy-1" "$C/state/worker-4/stderr.log" || fail "worker-4's proxy"
grep -q "taking deliveries from proxy-3" "$C/state/worker-3/stderr.log" || fail "worker-3's proxy"
mport=$(($(sed -n 's/^base_port = //p' "$C/steer.cfg") + 1000))
for i in 2 3 4; do
	wait_for 30 metric_is "127.0.0.1:$((mport + i))/metrics" steer_proxy_entries $((6 * N)) ||
		fail "proxy at metrics port $((mport + i)): $(metric "127.0.0.1:$((mport + i))/metrics" steer_proxy_entries) entries, not $((6 * N))"
done
received_all "$C" $((5 * N)) $W
"$CTL" -c "$C" stop >/dev/null
check_shared "$C" $N $W || fail "insertions not received exactly once"
echo PASS
