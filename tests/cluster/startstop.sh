#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/startstop.sh BIN: steerctl start / status / stop on a real cluster (manager,
# logger, proxy, two workers, one of them with lb_procs = 2): the start and stop orders as the
# nodes themselves record them, status after start, after a SIGKILL of a worker (down within
# heartbeat_misses intervals, announced in cluster.log and notice.log) and after its restart.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
EXTRA_PROCS=2 make_cluster "$C" 1 1 >/dev/null
# A second worker with two processes: worker-2-1, worker-2-2.
printf '[worker-2]\ntype = worker\nhost = 127.0.0.1\n%s\nlb_method = custom\nlb_procs = 2\n' \
	"$IDLE_WORKER" >>"$C/node.cfg"

note "status before start: all stopped, exit 1"
set +e
"$CTL" -c "$C" status >"$T/st0" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "status of a stopped cluster: exit $rc, want 1"
[ "$(grep -c ' stopped ' "$T/st0")" -eq 6 ] || { cat "$T/st0"; fail "not 6 stopped nodes"; }

note "start"
"$CTL" -c "$C" start >"$T/start.out" || { cat "$T/start.out"; fail "start"; }
cat "$T/start.out"
# steerctl's own account: each tier up before the next starts.
python3 - "$T/start.out" <<'EOF' || fail "start order in steerctl's output"
import sys
tier = {"manager": 0, "logger": 1, "proxy-1": 2, "worker-1": 3, "worker-2-1": 3, "worker-2-2": 3}
up = set()
for line in open(sys.argv[1]):
    name, what = line.rstrip().split(": ", 1)
    if what == "starting":
        early = [n for n, t in tier.items() if t < tier[name] and n not in up]
        if early:
            sys.exit(f"{name} started before {early} were up")
    elif what.startswith("up"):
        up.add(name)
if up != set(tier):
    sys.exit(f"not all up: {up}")
EOF

# The nodes' account: the time each one says it runs, in tier order.
order() {
	python3 - "$C/state" "$1" <<'EOF'
import glob, os, re, sys
state, word = sys.argv[1:3]
# Start: manager, logger, proxies, workers. Stop: workers, proxies, manager, logger (last, so
# that it writes the others' last records).
tier = ({"manager": 0, "logger": 1, "proxy": 2, "worker": 3} if word == "running"
        else {"worker": 0, "proxy": 1, "manager": 2, "logger": 3})
times = []
for f in glob.glob(os.path.join(state, "*", "stderr.log")):
    node = f.split(os.sep)[-2]
    for line in open(f):
        m = re.match(r"(\d+\.\d+) steerd\[(\S+)\]: (\S+ running|stopped)", line)
        if m and (word == "running") == m.group(3).endswith("running"):
            t = tier[re.sub(r"-\d+$", "", re.sub(r"-\d+$", "", node))]
            times.append((float(m.group(1)), t, node))
times.sort()
tiers = [t for _, t, _ in times]
want = sorted(tiers)
print(" ".join(n for _, _, n in times))
sys.exit(0 if tiers == want and len(times) == 6 else 1)
EOF
}
order running || fail "the nodes did not start in tier order"

note "status after start: all running, exit 0"
"$CTL" -c "$C" status >"$T/st1" || { cat "$T/st1"; fail "status after start"; }
cat "$T/st1"
"$CTL" -c "$C" status --json | python3 -c '
import json, sys
v = json.load(sys.stdin)
assert [e["name"] for e in v] == ["manager", "logger", "proxy-1", "worker-1", "worker-2-1", "worker-2-2"], v
for e in v:
    assert e["state"] == "running" and e["heartbeat"] == "up" and e["pid"] > 0, e
    assert e["heartbeat_age_s"] < 1.0, e
    assert ("packets" in e) == (e["type"] == "worker"), e
' || fail "status --json"

note "SIGKILL worker-1: down within 3 heartbeats"
kill -9 "$(pid_of "$C" worker-1)"
wait_for 30 grep -q 'node down: worker-1' "$C/state/manager/stderr.log" ||
	fail "the manager did not call worker-1 down"
# The manager's own measure of the silence when it called the node down: 3 intervals of
# 200 ms, never less; more only by how late its loop wakes (its timer is set for the moment
# the third interval ends; bounded loosely for loaded and sanitizer runs). How long the test
# took to see it is no measure: steerctl's and python's start-up count there.
silence=$(sed -n 's/.*node down: worker-1 (no heartbeat for \([0-9.]*\) s).*/\1/p' \
	"$C/state/manager/stderr.log")
echo "manager: silent for $silence s"
python3 -c "import sys; sys.exit(not 0.6 <= $silence <= 1.0)" ||
	fail "down after $silence s of silence (heartbeat_misses 3 x 200 ms)"
# status shows the manager's view: down from the moment it said so, at the first asking.
[ "$(heartbeat_of "$C" worker-1)" = down ] || fail "worker-1 down, and status does not say so"
set +e
"$CTL" -c "$C" status >"$T/st2"
rc=$?
set -e
cat "$T/st2"
[ $rc -eq 1 ] || fail "status with a dead worker: exit $rc, want 1"
grep -q '^worker-1 .* crashed ' "$T/st2" || fail "worker-1 not shown crashed"
[ "$(grep -c ' running ' "$T/st2")" -eq 5 ] || fail "the other five not running"
wait_for 5 grep -q 'node down: worker-1' "$C/spool/logger/cluster.log" ||
	fail "no 'node down' in cluster.log"
wait_for 5 grep -q 'Cluster::Node_Down.*worker-1' "$C/spool/logger/notice.log" ||
	fail "no Cluster::Node_Down notice"

note "restart worker-1"
"$CTL" -c "$C" start worker-1 | tee "$T/start2.out"
grep -q '^manager: already running' "$T/start2.out" && fail "start worker-1 touched the manager"
"$CTL" -c "$C" status >/dev/null || fail "status after the restart"
wait_for 5 grep -q 'node up: worker-1' "$C/spool/logger/cluster.log" ||
	fail "no 'node up' in cluster.log"

note "a second start changes nothing"
"$CTL" -c "$C" start >"$T/start3.out"
[ "$(grep -c 'already running' "$T/start3.out")" -eq 6 ] || fail "second start"

note "stop"
"$CTL" -c "$C" stop | tee "$T/stop.out"
order stopped || fail "the nodes did not stop in order: workers, proxy, manager, logger"
set +e
"$CTL" -c "$C" status >"$T/st3"
rc=$?
set -e
[ $rc -eq 1 ] && [ "$(grep -c ' stopped ' "$T/st3")" -eq 6 ] || { cat "$T/st3"; fail "after stop"; }
ls "$C"/state/*/steerd.pid 2>/dev/null && fail "pid files left after a clean stop"
# Stopped cleanly: the logger archived its files, #close included.
f=$(ls "$C"/logs/*/cluster.*.log.gz | head -1)
zcat "$f" | tail -1 | grep -q '^#close' || fail "$f: no #close"
echo PASS
