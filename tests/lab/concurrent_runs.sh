#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# concurrent_runs.sh [BUILD-DIR [ROUNDS]]: the proof that two test runs on one machine neither
# disturb each other nor leave anything behind. Runs every lab test of BUILD-DIR (default
# build/; the ctest label lab: namespaces, Open vSwitch, live traffic) in two runners at once,
# ROUNDS times (default 1), one runner in ctest's order and one in reverse so that different
# tests overlap, as two checkouts running scripts/test would; every test must pass in both
# (a skip proves nothing and fails). Before and after, it takes stock of the machine: the links
# of this (the root) network namespace, the named network namespaces, processes of the lab
# (Open vSwitch, tcpdump, tcpreplay, steer's commands) and zombies, temporary directories of the
# tests; after, nothing may have been added. Needs root; not part of ctest (it runs the lab twice and
# looks at the whole machine), run by hand and before a release.
set -uo pipefail
build=$(readlink -f "${1:-build}")
rounds=${2:-1}
. "$(dirname "$0")/../lib/harness.sh"
th_init concurrent_runs
th_need_root "network namespaces, Open vSwitch"
th_need ctest python3 ip ps
[ -d "$build" ] || { echo "FAIL: no build directory $build"; exit 2; }

# The lab tests as ctest would run them: command and environment.
ctest --test-dir "$build" -L lab --show-only=json-v1 >"$T/tests.json" 2>"$T/ctest.err" \
	|| { cat "$T/ctest.err"; echo "FAIL: ctest --show-only"; exit 1; }
python3 - "$T/tests.json" "$T/tests" <<'EOF' || exit 1
import json, os, shlex, sys
tests = json.load(open(sys.argv[1]))["tests"]
os.makedirs(sys.argv[2])
for i, t in enumerate(tests):
    env = []
    for p in t.get("properties", []):
        if p["name"] == "ENVIRONMENT":
            env += p["value"]
    with open(os.path.join(sys.argv[2], "%02d-%s" % (i, t["name"])), "w") as f:
        f.write("exec env %s %s\n" % (" ".join(shlex.quote(e) for e in env),
                                      " ".join(shlex.quote(c) for c in t["command"])))
if not tests:
    sys.exit("no lab tests in the build")
EOF
mapfile -t tests < <(ls "$T/tests")
echo "concurrent_runs: ${#tests[@]} lab tests (${tests[*]}), two runners, $rounds round(s)"

# stock: what a run could leave behind, one line each
stock() {
	{
		ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print "link", $2}'
		ip netns list 2>/dev/null | awk '{print "netns", $1}'
		ps -eo pid=,comm=,args= | awk -v b="$build" '$2 != "ps" &&
			($2 ~ /^(ovs-vswitchd|ovsdb-server|tcpdump|tcpreplay)$/ || index($0, b "/")) {
				print "process", $1, $2 }'
		ps -eo pid=,stat=,comm= | awk '$2 ~ /^Z/ {print "zombie", $1, $3}'
		ls -d "${TMPDIR:-/tmp}"/steer-test-* "${TMPDIR:-/tmp}"/steer-lab-* \
			"${TMPDIR:-/tmp}"/steer-captest.* 2>/dev/null | sed 's/^/file /'
	} | sort
}

# runner NAME ORDER...: runs the tests one after the other; NAME.result holds "test rc" lines.
runner() {
	local name=$1 t rc
	shift
	for t in "$@"; do
		bash "$T/tests/$t" >"$T/$name-$t.log" 2>&1
		rc=$?
		echo "$t $rc" >>"$T/$name.result"
	done
}

stock >"$T/before"
for r in $(seq 1 "$rounds"); do
	rm -f "$T"/a.result "$T"/b.result
	reversed=()
	for ((i = ${#tests[@]} - 1; i >= 0; i--)); do reversed+=("${tests[$i]}"); done
	t0=$(date +%s)
	runner a "${tests[@]}" &
	pa=$!
	runner b "${reversed[@]}" &
	pb=$!
	wait "$pa" "$pb"
	echo "round $r: both runners done in $(($(date +%s) - t0)) s"
	for who in a b; do
		while read -r t rc; do
			if [ "$rc" -eq 0 ]; then ok; else
				bad "round $r, runner $who: $t exit $rc ($([ "$rc" -eq 77 ] && echo skipped || echo failed))"
				grep -A6 'FAIL' "$T/$who-$t.log" | head -30 | sed 's/^/  /'
			fi
		done <"$T/$who.result"
	done
done
# what the runs left: nothing new (what other work on the machine ended meanwhile is not
# counted; zombies are reaped by their parent or init within moments)
for _ in $(seq 1 20); do
	stock >"$T/after"
	comm -13 "$T/before" "$T/after" >"$T/left"
	[ -s "$T/left" ] || break
	sleep 0.5
done
if [ -s "$T/left" ]; then
	bad "the runs left something behind:"
	sed 's/^/  /' "$T/left"
else
	ok
	echo "the machine after the runs: nothing new ($(grep -c '^link' "$T/after") links in the root" \
		"namespace, $(grep -c '^netns' "$T/after") named namespaces, no new process, zombie or file)"
fi
th_done
