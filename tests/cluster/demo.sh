#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/demo.sh BIN lab|offline: the demo's cluster (scripts/lab-demo): the bundled etc/
# started by steerctl, a synthetic trace through it. lab (root: exit 77, skipped, without it):
# in network namespaces behind steerlb and the bridge, the trace replayed; offline (no root):
# on loopback, each worker reading its steerlb --split share. What the report shows must hold,
# checked here on the demo's files: the merged conn.log equals one standalone steerd -r's over
# the trace apart from uid, order and times; known_hosts.log has one line per host (the
# standalone ones), as known_services.log per service; no Steer:: notice; the steering proof
# passed. And a second run interrupted as Ctrl-C does once its cluster runs leaves nothing
# behind: no namespace, no process. The lab's names carry the demo's pid.
BIN=$(cd "$1" && pwd)
MODE=${2:-lab}
case $MODE in
lab)
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
	for t in ip bridge tcpreplay tcpdump python3; do
		command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
	done
	FLAGS=()
	;;
offline)
	# as root, the demo would go to the lab: asked not to; without root it goes offline itself
	FLAGS=()
	[ "$(id -u)" != 0 ] || FLAGS=(--offline)
	;;
*) echo "usage: demo.sh BIN lab|offline" >&2; exit 2 ;;
esac
if [ "$MODE" = lab ]; then
	. "$(dirname "$0")/../lib/harness.sh"
	th_isolate "$@" # PID, mount and network namespaces of this run's own: nothing can leak
	[ -z "${TH_ISOLATED:-}" ] || ip link set lo up
fi
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
export STEER_BIN_DIR=$BIN STEER_LAB_STATE=$T
if [ "$MODE" = lab ]; then
	ip netns add "steer-dl$$" 2>/dev/null || { echo "SKIP: cannot create network namespaces"; exit 77; }
	ip netns del "steer-dl$$"
fi

logs_of() { # STREAM: the demo cluster's archives and live files
	find "$D/cluster/logs" "$D/cluster/spool" -name "$1.*log*" -o -name "$1.log" 2>/dev/null | sort
}
leftovers() { # PID DIR: the namespaces and processes of the lab-demo run PID into DIR
	[ "$MODE" = offline ] || ip netns list | grep -- "steer-d$1-" || true
	ps -eo pid=,args= | grep -F -- "$2/cluster" | grep -v grep || true
}

note "scripts/lab-demo ($MODE)"
D=$T/demo
"$SRC/scripts/lab-demo" "${FLAGS[@]}" -o "$D" >"$T/demo.out" 2>&1 &
pid=$!
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$T/demo.out"; fail "lab-demo exited $rc"; }
sed -n '/== the report/,$p' "$T/demo.out"
[ -z "$(leftovers $pid "$D")" ] || { leftovers $pid "$D"; fail "lab-demo left namespaces or processes"; }
if [ "$MODE" = lab ]; then
	grep -q "^== the lab: tap -> steerlb" "$T/demo.out" || fail "lab-demo did not run the lab"
else
	[ "$(id -u)" = 0 ] && want="^== offline (--offline)" || want="^== not root"
	grep -q "$want" "$T/demo.out" || fail "lab-demo did not say why it runs offline"
fi
for s in "the merged conn.log" "known_hosts.log" "known_services.log" "notice.log" \
	"the steering proof" "steering health" "steerctl stop"; do
	grep -q -- "-- $s" "$D/report.txt" || fail "the report has no '$s' section"
done

# shellcheck disable=SC2046
python3 "$HERE/conn_compare.py" --no-times "$D/standalone" $(logs_of conn) ||
	fail "the merged conn.log is not the standalone one"
# shellcheck disable=SC2046
python3 - "$D/standalone" $(logs_of known_hosts) -- $(logs_of known_services) <<'PY' ||
import collections, sys
alone, files = sys.argv[1], sys.argv[2:]
sep = files.index("--")
def col(paths, cols):
    out = []
    for p in paths:
        fields = None
        for line in open(p):
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                fields = line.split("\t")[1:]
            elif line and not line.startswith("#"):
                r = dict(zip(fields, line.split("\t")))
                out.append(tuple(r[c] for c in cols))
    return out
for name, paths, cols in (("known_hosts", files[:sep], ("host",)),
                          ("known_services", files[sep + 1:], ("host", "port_num", "port_proto"))):
    got = collections.Counter(col(paths, cols))
    want = set(col([f"{alone}/{name}.log"], cols))
    print(f"{name}: {sum(got.values())} lines, {len(got)} distinct; standalone {len(want)}")
    assert got and max(got.values()) == 1, f"{name}: logged twice: {[k for k, c in got.items() if c > 1][:5]}"
    assert set(got) == want, f"{name}: differs from standalone: {sorted(set(got) ^ want)[:5]}"
PY
	fail "known hosts and services"
# shellcheck disable=SC2046
if [ -n "$(logs_of notice)" ] && grep -h 'Steer::' $(logs_of notice); then
	fail "a Steer:: notice on a healthy run"
fi
[ -n "$(logs_of steering)" ] || fail "no steering.log"
head -1 "$D/proof.txt" | grep -q 'steercheck pcap: PASS' || fail "steercheck pcap: $(head -1 "$D/proof.txt")"
if [ "$MODE" = lab ]; then
	head -1 "$D/probe.txt" | grep -q 'steercheck probe: PASS' ||
		fail "steercheck probe: $(head -1 "$D/probe.txt")"
fi

note "Ctrl-C once the cluster runs: nothing left behind"
D2=$T/demo2
set -m # its own process group, SIGINT not ignored: as a terminal's Ctrl-C finds it
"$SRC/scripts/lab-demo" "${FLAGS[@]}" -o "$D2" >"$T/demo2.out" 2>&1 &
pid=$!
set +m
# A failure (or the time limit) while it runs: interrupted as below, so that it stops its own
# cluster and lab (its process group is not the test's: a signal to the test's misses it).
demo2_gone() { ! th_alive "$pid"; }
demo2_cleanup() {
	local rc=$?
	if th_alive "$pid"; then
		kill -INT -- -"$pid" 2>/dev/null || true
		wait_for 30 demo2_gone || kill -KILL -- -"$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	cleanup "$rc"
}
trap demo2_cleanup EXIT
up() { [ -f "$D2/cluster/state/worker-1/steerd.pid" ] && grep -q "worker-1: up" "$T/demo2.out"; }
wait_for 60 up || { cat "$T/demo2.out"; fail "the second run's cluster did not come up"; }
kill -INT -- -$pid
set +e
wait $pid
rc=$?
set -e
echo "lab-demo after SIGINT: exit $rc"
[ $rc -ne 0 ] || fail "lab-demo interrupted, exit 0"
[ -z "$(leftovers $pid "$D2")" ] || { leftovers $pid "$D2"; fail "Ctrl-C left namespaces or processes"; }
ls "$D2"/cluster/state/*/steerd.pid 2>/dev/null && fail "pid files of running nodes left"
echo PASS
