#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/known_split.sh BIN: known hosts and services end to end. A trace is split by
# steerlb (--split); a cluster of two proxies and four workers, each worker reading its share
# (steer.read in node.cfg), is started by steerctl. The busy servers of the trace are local
# hosts that several workers see (each worker would log them on its own); the proxy that owns
# each key decides once: known_hosts.log has exactly one line per host and known_services.log
# one per service, the very hosts and services of one standalone steerd -r over the trace.
# Then with the proxies started late, after the workers have read everything: what the workers
# saw waited for them, and nothing is missing.
BIN=$1
. "$(dirname "$0")/lib.sh"
LB=$BIN/steerlb

C=$T/c
NPROXIES=2 make_cluster "$C" 1 4 "tunnels = inner" >/dev/null
"$CTL" synth --flows 3000 --seed 21 --out "$T/trace.pcap" >/dev/null || fail "synth"
"$LB" -c "$C" -r "$T/trace.pcap" --split "$C/split" >/dev/null || fail "steerlb --split"
for i in 1 2 3 4; do
	sed -i "/^\[worker-$i\]/,/^$/ s|^steer.read = .*|steer.read = split/worker-$i.pcap|" "$C/node.cfg"
done
grep -c '^steer.read = split/' "$C/node.cfg" | grep -qx 4 || fail "node.cfg: the shares"

# What each worker alone, and one process over the whole trace, would log.
"$STEERD" -c "$C" -r "$T/trace.pcap" --log-dir "$T/alone" || fail "standalone steerd -r"
for i in 1 2 3 4; do
	"$STEERD" -c "$C" -r "$C/split/worker-$i.pcap" --log-dir "$T/share-$i" ||
		fail "steerd -r over worker-$i's share"
done

"$CTL" -c "$C" start >/dev/null || fail "start"
for i in 1 2 3 4; do
	wait_for 60 grep -q 'end of the capture' "$C/state/worker-$i/stderr.log" ||
		fail "worker-$i did not read its share"
done
"$CTL" -c "$C" stop >/dev/null || fail "stop"

check() { # DIR: its known hosts and services against the standalone ones
	rows "$1" known_hosts >"$T/hosts.json"
	rows "$1" known_services >"$T/services.json"
	python3 - "$T" <<'PY'
import collections, json, sys
t = sys.argv[1]

def tsv(path, cols):
    fields, out = None, []
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
        elif line and not line.startswith("#"):
            r = dict(zip(fields, line.split("\t")))
            out.append(tuple(r[c] for c in cols))
    return out

H, S = ("host",), ("host", "port_num", "port_proto")
alone_h = set(tsv(f"{t}/alone/known_hosts.log", H))
alone_s = set(tsv(f"{t}/alone/known_services.log", S))
# Hosts several workers see: each would log them alone.
seen = collections.Counter(h for i in range(1, 5)
                           for h in set(tsv(f"{t}/share-{i}/known_hosts.log", H)))
shared = [h for h, c in seen.items() if c > 1]
print(f"standalone: {len(alone_h)} hosts, {len(alone_s)} services; "
      f"{len(shared)} hosts seen by several workers (up to {max(seen.values())})")
assert len(shared) >= 5, "the trace does not show hosts at several workers"

rows = lambda n: [json.loads(l) for l in open(f"{t}/{n}.json")]
h = collections.Counter((r["host"],) for r in rows("hosts"))
s = collections.Counter((r["host"], r["port_num"], r["port_proto"]) for r in rows("services"))
print(f"cluster: known_hosts.log {sum(h.values())} lines, {len(h)} hosts; "
      f"known_services.log {sum(s.values())} lines, {len(s)} services")
twice = [k for k, c in h.items() if c > 1] + [k for k, c in s.items() if c > 1]
assert not twice, f"logged more than once: {twice[:5]}"
assert set(h) == alone_h, f"hosts differ from standalone: {sorted(set(h) ^ alone_h)[:5]}"
assert set(s) == alone_s, f"services differ from standalone: {sorted(set(s) ^ alone_s)[:5]}"
assert all(r["service"] == "(empty)" for r in rows("services"))
PY
}
check "$C" || fail "known hosts and services"

note "the proxies started after the workers have read their shares"
C2=$T/late
NPROXIES=2 make_cluster "$C2" 1 4 "tunnels = inner" >/dev/null
cp -r "$C/split" "$C2/"
cp "$C/node.cfg" "$C2/node.cfg"
"$CTL" -c "$C2" start manager logger >/dev/null || fail "start manager, logger"
for i in 1 2 3 4; do
	"$STEERD" -c "$C2" --node worker-$i --daemon >/dev/null || fail "start worker-$i"
done
for i in 1 2 3 4; do
	wait_for 60 grep -q 'end of the capture' "$C2/state/worker-$i/stderr.log" ||
		fail "worker-$i did not read its share"
done
grep -q 'not every proxy is ready: reading on' "$C2/state/worker-1/stderr.log" ||
	fail "worker-1 did not say it reads without its proxies"
"$CTL" -c "$C2" start proxy-1 proxy-2 >/dev/null || fail "start the proxies"
# Their questions go once the proxies are ready; the owners' lines reach the logger.
hosts_logged() { [ "$(rows "$C2" known_hosts | wc -l)" -ge "$(grep -vc '^#' "$T/alone/known_hosts.log")" ]; }
wait_for 30 hosts_logged || fail "the held questions did not reach the proxies"
"$CTL" -c "$C2" stop >/dev/null || fail "stop"
check "$C2" || fail "known hosts and services, proxies late"
echo PASS
