#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/logger_kill.sh BIN: three nodes write numbered records while the logger is
# killed with SIGKILL and started again, twice; afterwards every record is in the log exactly
# once, checked by content (node, number), across live files and archives.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
N=15000
RATE=3000
make_cluster "$C" 1 2 "batch_interval = 200ms" >/dev/null
"$CTL" -c "$C" start manager logger >/dev/null
for n in proxy-1 worker-1 worker-2; do
	"$STEERD" -c "$C" --node "$n" --daemon --test-records $N --test-rate $RATE >/dev/null
done

for round in 1 2; do
	sleep 1.2
	pid=$(pid_of "$C" logger)
	if [ $round = 1 ]; then
		# Stopped first, so that batches are in flight, unacknowledged, when it dies.
		note "round $round: SIGSTOP, then SIGKILL the logger"
		kill -STOP "$pid"
		sleep 0.3
	else
		note "round $round: SIGKILL the logger"
	fi
	kill -9 "$pid"
	sleep 0.5
	"$CTL" -c "$C" start logger >/dev/null || fail "logger restart"
done
for n in proxy-1 worker-1 worker-2; do
	wait_for 60 emitted "$C/state/$n" || fail "$n: records not all acknowledged"
	cat "$C/state/$n/emit.summary"
done
# The senders did send again what the killed logger had not acknowledged.
mport=$(($(sed -n 's/^base_port = //p' "$C/steer.cfg") + 1000))
resent=0
for i in 2 3 4; do
	r=$(curl -s "127.0.0.1:$((mport + i))/metrics" | sed -n 's/^steer_log_batches_resent_total{.*} //p')
	resent=$((resent + r))
done
echo "batches sent again: $resent"
[ "$resent" -gt 0 ] || fail "no batch was sent again: the kills did not test resending"
"$CTL" -c "$C" stop >/dev/null
check_exactly_once "$C" steer_test proxy-1:$N worker-1:$N worker-2:$N || fail "records"
echo PASS
