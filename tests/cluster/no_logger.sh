#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/no_logger.sh BIN: without a logger in node.cfg the manager is the log sink: the
# nodes' records and its own cluster.log lines go into SPOOL_DIR/manager/, and with the manager
# killed with SIGKILL and started again on the way, every record is there exactly once.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
N=9000
make_cluster "$C" 0 2 "batch_interval = 200ms" >/dev/null
"$CTL" -c "$C" start manager >/dev/null
for n in worker-1 worker-2; do
	"$STEERD" -c "$C" --node "$n" --daemon --test-records $N --test-rate 3000 >/dev/null
done
sleep 1.2
note "SIGKILL the manager"
kill -9 "$(pid_of "$C" manager)"
sleep 0.3
"$CTL" -c "$C" start manager >/dev/null || fail "manager restart"
for n in worker-1 worker-2; do
	wait_for 60 emitted "$C/state/$n" || fail "$n: records not all acknowledged"
done
wait_for 5 grep -q 'got hello from worker-2' "$C/spool/manager/cluster.log" ||
	fail "the manager's own cluster.log lines"
"$CTL" -c "$C" stop >/dev/null
[ -d "$C/spool/logger" ] && fail "a logger directory without a logger"
check_exactly_once "$C" steer_test worker-1:$N worker-2:$N || fail "records"
echo PASS
