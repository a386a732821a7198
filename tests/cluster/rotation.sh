#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/rotation.sh BIN: rotation end to end: with rotation_interval = 2s the logger
# archives the stream every 2 s while records arrive, into LOG_DIR/DATE/PATH.HH:MM:SS-HH:MM:SS
# .log.gz as zeekctl names them, on boundaries of local midnight + k x 2 s, each archive a
# whole gzip file ending in #close, the intervals back to back, every record in exactly one.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
N=6000
make_cluster "$C" 1 1 "rotation_interval = 2s" "batch_interval = 200ms" >/dev/null
"$CTL" -c "$C" start manager logger >/dev/null
"$STEERD" -c "$C" --node worker-1 --daemon --test-records $N --test-rate 1000 >/dev/null
wait_for 30 emitted "$C/state/worker-1" || fail "worker-1: records not acknowledged"
# Archives made while the logger runs (the last one comes with the stop).
running=$(ls "$C"/logs/*/steer_test.*.log.gz 2>/dev/null | wc -l)
echo "archives while running: $running"
[ "$running" -ge 2 ] || fail "fewer than 2 rotations in $N records at 1000/s"
"$CTL" -c "$C" stop >/dev/null
ls "$C"/spool/logger/*.log 2>/dev/null && fail "live files left after the stop (not archived)"

python3 - "$C/logs" <<'PY' || fail "archives"
import glob, gzip, os, re, sys
name = re.compile(r"^steer_test\.(\d\d):(\d\d):(\d\d)-(\d\d):(\d\d):(\d\d)\.log\.gz$")
files = sorted(glob.glob(os.path.join(sys.argv[1], "*", "steer_test.*")))
assert all(re.match(r"\d{4}-\d\d-\d\d$", os.path.basename(os.path.dirname(f))) for f in files)
spans = []
for f in files:
    m = name.match(os.path.basename(f))
    assert m, f"not a zeekctl archive name: {f}"
    h1, m1, s1, h2, m2, s2 = map(int, m.groups())
    spans.append((h1 * 3600 + m1 * 60 + s1, h2 * 3600 + m2 * 60 + s2, f))
    text = gzip.open(f, "rt").read()            # the whole gzip stream, or an exception
    assert text.endswith("\n"), f"{f}: partial last line"
    lines = text.splitlines()
    assert lines[0] == "#separator \\x09" and lines[-1].startswith("#close\t"), f
    assert lines[4] == "#path\tsteer_test", f
spans.sort()
for (o1, c1, f1), (o2, c2, f2) in zip(spans, spans[1:]):
    assert c1 == o2, f"{f1} closes at {c1}, {f2} opens at {o2}: not back to back"
    # Closed on a boundary of local midnight + k x 2 s (the last one: at the stop).
    assert c1 % 2 == 0, f"{f1}: closed off the 2 s boundary"
print(f"{len(files)} archives, back to back, each a whole gzip file ending in #close")
PY
check_exactly_once "$C" steer_test worker-1:$N || fail "records across the archives"
echo PASS
