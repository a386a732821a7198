#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/steer_notice.sh BIN: a steering fault seen by every worker is one notice. The
# trace is split by a balancer hashing with Toeplitz and Microsoft's key (asymmetric) while the
# workers' plan uses steer's symmetric hash; four workers read their shares (steer.read) and
# each raises Steer::Misdirected and Steer::Split_Routing. The manager logs each note once per
# suppression interval (notice.cfg: 6 s): once for the first four raises, once more when the
# workers, restarted after the interval, raise them again.
BIN=$1
. "$(dirname "$0")/lib.sh"
LB=$BIN/steerlb
SUPPRESS=6

C=$T/c
make_cluster "$C" 1 4 "tunnels = inner" >/dev/null
printf '[Steer::Misdirected]\nsuppress_for = %ds\n\n[Steer::Split_Routing]\nsuppress_for = %ds\n' \
	$SUPPRESS $SUPPRESS >"$C/notice.cfg"
"$CTL" synth --flows 2000 --seed 8 --out "$T/trace.pcap" >/dev/null || fail "synth"
# The faulty balancer: the cluster's configuration with an asymmetric hash.
mkdir "$T/lb"
cp "$C/node.cfg" "$C/steer.cfg" "$T/lb/"
printf 'hash = toeplitz\nhash_key = ms\n' >>"$T/lb/steer.cfg"
"$LB" -c "$T/lb" -r "$T/trace.pcap" --split "$C/split" >/dev/null || fail "steerlb --split"
for i in 1 2 3 4; do
	sed -i "/^\[worker-$i\]/,/^$/ s|^steer.read = .*|steer.read = split/worker-$i.pcap|" "$C/node.cfg"
done
WORKERS="worker-1 worker-2 worker-3 worker-4"

raised() { # NOTE COUNT: every worker has raised NOTE COUNT times (its stderr says so)
	local w
	for w in $WORKERS; do
		[ "$(grep -c "notice $1: " "$C/state/$w/stderr.log" 2>/dev/null)" -ge "$2" ] || return 1
	done
}
logged() { # NOTE: notice.log lines of NOTE so far (live file and archives)
	rows "$C" notice | grep -c "\"note\": \"$1\"" || true
}
some_logged() { [ "$(logged "$1")" -ge 1 ]; }

note "round 1: four workers raise both notes"
"$CTL" -c "$C" start >/dev/null || fail "start"
wait_for 60 raised Steer::Misdirected 1 || fail "not every worker raised Steer::Misdirected"
wait_for 10 raised Steer::Split_Routing 1 || fail "not every worker raised Steer::Split_Routing"
wait_for 10 some_logged Steer::Misdirected || fail "Steer::Misdirected not logged"
wait_for 10 some_logged Steer::Split_Routing || fail "Steer::Split_Routing not logged"
sleep 1 # time for any second line to arrive
[ "$(logged Steer::Misdirected)" = 1 ] || fail "Steer::Misdirected: $(logged Steer::Misdirected) lines from one round"
[ "$(logged Steer::Split_Routing)" = 1 ] || fail "Steer::Split_Routing: $(logged Steer::Split_Routing) lines from one round"

note "round 2, after the suppression interval: the workers restarted raise them again"
sleep $SUPPRESS # the suppressions began before the lines were seen, a second ago
"$CTL" -c "$C" restart $WORKERS >/dev/null || fail "restart the workers"
wait_for 60 raised Steer::Misdirected 2 || fail "round 2: not every worker raised Steer::Misdirected"
wait_for 10 raised Steer::Split_Routing 2 || fail "round 2: not every worker raised Steer::Split_Routing"
sleep 1
"$CTL" -c "$C" stop >/dev/null || fail "stop"

rows "$C" notice >"$T/notice.json"
rows "$C" steering >"$T/steering.json"
python3 - "$T" <<'PY' || fail "notice.log"
import collections, json, sys
t = sys.argv[1]
rows = [json.loads(l) for l in open(f"{t}/notice.json")]
notes = collections.Counter(r["note"] for r in rows)
print("notice.log:", dict(notes))
for note in ("Steer::Misdirected", "Steer::Split_Routing"):
    assert notes[note] == 2, f"{note}: {notes[note]} lines, want one per interval (2)"
    for r in rows:
        if r["note"] == note:
            assert r["peer_descr"].startswith("worker-") and r["sub"] == r["peer_descr"], r
            assert r["suppress_for"] == "6.000000", r["suppress_for"]
            assert r["n"] != "-" and int(r["n"]) > 0, r["n"]
# Each worker's steering.log rows say what it raised: 8 raises of each behind the 2 lines.
steer = [json.loads(l) for l in open(f"{t}/steering.json")]
for note in ("Steer::Misdirected", "Steer::Split_Routing"):
    by = collections.Counter(r["peer"] for r in steer if note in r["notes"].split(","))
    print(f"{note}: raised by {dict(by)}")
    assert sorted(by) == [f"worker-{i}" for i in range(1, 5)] and set(by.values()) == {2}, by
PY
echo PASS
