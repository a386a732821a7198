#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/two_loggers.sh BIN: with two loggers each batch goes to exactly one of them:
# both write, each one's archives carry its name as suffix (zeekctl's LOG_SUFFIX) so they never
# collide, and across both, with one of them SIGKILLed and restarted on the way, every record
# is there exactly once.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
N=12000
make_cluster "$C" 2 2 "batch_interval = 200ms" >/dev/null
"$CTL" -c "$C" start manager logger-1 logger-2 >/dev/null
for n in worker-1 worker-2; do
	"$STEERD" -c "$C" --node "$n" --daemon --test-records $N --test-rate 3000 >/dev/null
done
sleep 1.5
note "SIGKILL logger-1"
kill -9 "$(pid_of "$C" logger-1)"
sleep 0.5
"$CTL" -c "$C" start logger-1 >/dev/null || fail "logger-1 restart"
for n in worker-1 worker-2; do
	wait_for 60 emitted "$C/state/$n" || fail "$n: records not all acknowledged"
done
"$CTL" -c "$C" stop >/dev/null

for l in logger-1 logger-2; do
	k=$(ls "$C"/logs/*/steer_test.*-$l.log.gz 2>/dev/null | wc -l)
	echo "$l: $k archives"
	[ "$k" -ge 1 ] || fail "$l wrote nothing (or without its suffix)"
	zcat "$C"/logs/*/steer_test.*-$l.log.gz | grep -vc '^#' || fail "$l: no records"
done
ls "$C"/logs/*/steer_test.* | grep -v -- '-logger-[12]\.log\.gz$' && fail "an archive without a logger's suffix"
check_exactly_once "$C" steer_test worker-1:$N worker-2:$N || fail "records across two loggers"
echo PASS
