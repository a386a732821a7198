#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/known.sh BIN: three proxies, four workers (each behind a different proxy or
# two); three of them see the same 30 hosts (each with HTTP on port 80) in the same
# millisecond, and again a second later. The owner of each key decides once: known_hosts.log
# has exactly one line per host, known_services.log one per host and service.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
NPROXIES=3 make_cluster "$C" 1 4 >/dev/null
"$CTL" -c "$C" start manager logger proxy-1 proxy-2 proxy-3 >/dev/null || fail "start"
hosts=$(seq -s, -f "10.1.0.%g" 1 30)
at=$(($(date +%s%3N) + 3000))
for w in worker-1 worker-2 worker-3; do
	"$STEERD" -c "$C" --node "$w" --daemon --test-known "$hosts" --test-at $at >/dev/null ||
		fail "$w did not start"
done
# worker-4 sees a few of them only, later.
"$STEERD" -c "$C" --node worker-4 --daemon --test-known 10.1.0.1,10.1.0.2,10.1.0.99 \
	--test-at $((at + 500)) >/dev/null || fail "worker-4 did not start"
for w in worker-1 worker-2 worker-3 worker-4; do
	wait_for 20 grep -q "known again" "$C/state/$w/shared.state" || fail "$w: hosts not reported"
done
# The owners' decisions reach the logger in batches: stopped once 31 hosts and services are
# logged (a line twice would still show below).
all_logged() {
	[ "$(rows "$C" known_hosts | wc -l)" -ge 31 ] && [ "$(rows "$C" known_services | wc -l)" -ge 31 ]
}
wait_for 30 all_logged || fail "not every host and service logged within 30 s"
"$CTL" -c "$C" stop >/dev/null

rows "$C" known_hosts >"$T/hosts.json"
rows "$C" known_services >"$T/services.json"
python3 - "$T" <<'PY' || fail "known hosts and services"
import collections, json, sys
t = sys.argv[1]
def rows(name):
    return [json.loads(l) for l in open(f"{t}/{name}.json")]
want = {f"10.1.0.{i}" for i in range(1, 31)} | {"10.1.0.99"}
h = collections.Counter(r["host"] for r in rows("hosts"))
print(f"known_hosts.log: {sum(h.values())} lines, {len(h)} hosts")
assert set(h) == want, f"hosts: {sorted(set(h) ^ want)}"
assert max(h.values()) == 1, f"logged twice: {[k for k, c in h.items() if c > 1]}"
s = collections.Counter((r["host"], r["port_num"], r["port_proto"], r["service"])
                        for r in rows("services"))
print(f"known_services.log: {sum(s.values())} lines")
assert set(s) == {(a, "80", "tcp", "HTTP") for a in want}, sorted(s)[:3]
assert max(s.values()) == 1
PY
echo PASS
