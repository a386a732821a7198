#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/notice.sh BIN: four workers raise the same notices every 100 ms for 5.5 s.
# The manager logs Test::Once (suppressed for an hour) once, Test::Repeat (suppressed for 2 s)
# once per 2 s while they raise it, runs Test::Exec's exec command once with the notice on
# stdin, and reports Test::Fail's page command, which fails, and Test::Slow's, which overruns
# its timeout. The workers stop sending repeats once told: the manager sees few of the 1100
# raised.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
make_cluster "$C" 1 4 >/dev/null
cat >"$C/notice.cfg" <<CFG
[notice]
suppress_for = 1h
exec_command = cat >"$T/exec.json"; echo "\$NOTICE_NOTE \$NOTICE_NODE \$NOTICE_ACTION" >>"$T/exec.env"
page_command = exit 3
email_command = sleep 30
action_timeout = 1s

[Test::Repeat]
suppress_for = 2s

[Test::Exec]
actions = log, exec

[Test::Fail]
actions = log, page

[Test::Slow]
actions = email
CFG
"$CTL" -c "$C" start manager logger proxy-1 >/dev/null || fail "start"
for w in worker-1 worker-2 worker-3 worker-4; do
	last=Test::Exec=e
	[ $w = worker-4 ] && last=Test::Slow=s
	"$STEERD" -c "$C" --node "$w" --daemon --test-notice Test::Once=same \
		--test-notice Test::Repeat=x --test-notice Test::Fail=f --test-notice $last \
		--test-notice-count 55 --test-notice-every 100 >/dev/null || fail "$w did not start"
done
for w in worker-1 worker-2 worker-3 worker-4; do
	wait_for 30 grep -q "notices done" "$C/state/$w/shared.state" || fail "$w: notices not raised"
done
wait_for 10 grep -q "notice action page for Test::Fail failed: exit 3" \
	"$C/state/manager/stderr.log" || fail "the failing page command was not reported"
mport=$(($(sed -n 's/^base_port = //p' "$C/steer.cfg") + 1000))
m="127.0.0.1:$mport/metrics"
[ "$(curl -s "$m" | grep -c 'action="page",result="failed"} 1')" = 1 ] || fail "page failure not counted"
[ "$(curl -s "$m" | grep -c 'action="exec",result="ok"} 1')" = 1 ] || fail "exec not counted once"
wait_for 10 grep -q "notice action email for Test::Slow failed: still running after" \
	"$C/state/manager/stderr.log" || fail "the overrunning email command was not reported"
[ "$(curl -s "$m" | grep -c 'action="email",result="timeout"} 1')" = 1 ] || fail "timeout not counted"
supp=$(curl -s "$m" | sed -n 's/^steer_notices_total{.*verdict="suppressed"} //p')
logged=$(curl -s "$m" | sed -n 's/^steer_notices_total{.*verdict="logged"} //p')
echo "manager: $logged logged, $supp suppressed (of 880 raised)"
[ "$supp" -lt 200 ] || fail "the workers kept sending suppressed notices"
"$CTL" -c "$C" stop >/dev/null

rows "$C" notice >"$T/notice.json"
# Each worker's first and last raise (wall clock, microseconds).
for w in worker-1 worker-2 worker-3 worker-4; do
	sed -n 's/^notices done //p' "$C/state/$w/shared.state"
done >"$T/raised"
python3 - "$T" <<'PY' || fail "notice.log"
import collections, json, sys
t = sys.argv[1]
raised = [tuple(int(x) / 1e6 for x in l.split()) for l in open(f"{t}/raised")]
assert len(raised) == 4, raised
rows = [json.loads(l) for l in open(f"{t}/notice.json")]
assert rows and len(rows[0]) == 26, rows[:1]
notes = collections.Counter(r["note"] for r in rows)
print("notice.log:", dict(notes))
assert notes["Test::Once"] == 1 and notes["Test::Exec"] == 1 and notes["Test::Fail"] == 1
assert "Test::Slow" not in notes  # email only: no log action
# Test::Repeat: one line per suppression interval of 2 s while any worker raises it. The workers
# start one after another (a second apart under a sanitizer on a loaded machine), so how many
# intervals their raises span is read from when they raised, not assumed. The first raise is
# logged; each line is followed by the next one 2 s later (give or take how late a notice
# comes: 0.1 s early, 0.6 s late) whenever a worker still raises then; none comes later.
ts = sorted(float(r["ts"]) for r in rows if r["note"] == "Test::Repeat")
gaps = [b - a for a, b in zip(ts, ts[1:])]
first, last = min(f for f, _ in raised), max(l for _, l in raised)
print("Test::Repeat gaps:", [round(g, 2) for g in gaps],
      "raised from +0 to +%.2f s:" % (last - first),
      ["+%.2f..+%.2f" % (f - first, l - first) for f, l in raised])
assert ts and abs(ts[0] - first) < 0.1, (ts, first)
assert all(g >= 1.9 for g in gaps), ("logged within a suppression interval", ts)
for k, at in enumerate(ts):
    if any(f <= at + 2.0 and l >= at + 2.6 for f, l in raised):
        assert k + 1 < len(ts) and ts[k + 1] - at <= 2.6, ("not logged after the interval", at, ts)
assert ts[-1] <= last + 0.01, ts
assert len(ts) >= 3, ts  # a worker raises for 5.4 s at least
once = next(r for r in rows if r["note"] == "Test::Once")
assert once["suppress_for"] == "3600.000000" and once["actions"] == "Notice::ACTION_LOG"
assert once["peer_descr"].startswith("worker-") and once["sub"] == once["peer_descr"]
ex = next(r for r in rows if r["note"] == "Test::Exec")
assert ex["actions"] == "Notice::ACTION_LOG,Notice::ACTION_EXEC", ex["actions"]
j = json.loads(open(f"{t}/exec.json").read())
assert j["note"] == "Test::Exec" and j["msg"].startswith("test notice 1 from worker-"), j
env = open(f"{t}/exec.env").read().split()
assert env[0] == "Test::Exec" and env[2] == "exec", env
PY
echo PASS
