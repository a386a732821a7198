#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/sender_kill.sh BIN: two nodes write numbered records; one is killed with
# SIGKILL and started again, twice (while the logger is paused: batches in flight), while the
# other is undisturbed. Afterwards no record is in
# the log twice, every record of the undisturbed node is there, and of the killed node every
# record its outbox had spooled (its progress file's "durable" marks) is there: what is
# missing is only what was still in its open batch when it died (the README's guarantee).
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
N=15000
RATE=3000
make_cluster "$C" 1 2 "batch_interval = 200ms" >/dev/null
"$CTL" -c "$C" start manager logger >/dev/null
emit() { "$STEERD" -c "$C" --node "$1" --daemon --test-records $N --test-rate $RATE --test-spool >/dev/null; }
emit worker-1
emit worker-2

for round in 1 2; do
	sleep 1.2
	note "round $round: SIGKILL worker-1"
	# The logger paused first: worker-1 dies with batches sent but not acknowledged, which the
	# logger then writes; the restarted worker-1 sends them again from its spool.
	kill -STOP "$(pid_of "$C" logger)"
	sleep 0.3
	kill -9 "$(pid_of "$C" worker-1)"
	kill -CONT "$(pid_of "$C" logger)"
	sleep 0.3
	emit worker-1
done
for n in worker-1 worker-2; do
	wait_for 60 emitted "$C/state/$n" || fail "$n: records not all acknowledged"
done
# The restarted sender sent again from its spool what the logger had written but the killed
# sender never saw acknowledged; the logger took those as duplicates.
mport=$(($(sed -n 's/^base_port = //p' "$C/steer.cfg") + 1000))
dup=$(curl -s "127.0.0.1:$((mport + 1))/metrics" |
	sed -n 's/^steer_log_batches_received_total{.*verdict="duplicate"} //p')
echo "duplicate batches dropped by the logger: $dup"
[ "$dup" -gt 0 ] || fail "no batch was sent again after the sender's restart"
"$CTL" -c "$C" stop >/dev/null

cat >"$T/check.py" <<'PY'
import collections, sys
state, n = sys.argv[1], int(sys.argv[2])
seen = collections.Counter(tuple(l.split()) for l in sys.stdin)
dups = [k for k, c in seen.items() if c > 1]
assert not dups, f"written twice: {dups[:5]}"
got = {node: {int(x) for (nd, x) in seen if nd == node} for node in ("worker-1", "worker-2")}
assert got["worker-2"] == set(range(1, n + 1)), "worker-2: records missing"
# What a kill may take: numbers reserved but not yet durable when a new run reserved again.
reserve = durable = 0
may_lose = set()
for line in open(state):
    word, _, v = line.partition(" ")
    v = int(v)
    if word == "reserve":
        if reserve > durable:
            may_lose |= set(range(durable + 1, reserve + 1))
        reserve = v
    elif word == "durable":
        durable = v
missing = set(range(1, n + 1)) - got["worker-1"]
print(f"worker-1: {len(got['worker-1'])} records, {len(missing)} lost in its open batches "
      f"(at most {len(may_lose)} could be)")
assert missing <= may_lose, f"lost records that were durable: {sorted(missing - may_lose)[:5]}"
assert len(got["worker-1"]) + len(missing) == n
PY
records "$C" steer_test | python3 "$T/check.py" "$C/state/worker-1/emit.state" $N || fail "records"
echo PASS
