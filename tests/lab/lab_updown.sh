#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# lab_updown.sh BINDIR: scripts/lab builds what the configuration says and removes all of it:
# after `up`, every namespace, cable, bridge port, static FDB entry (worker MAC -> its port),
# worker MAC and the steerlb process are there; after `down` nothing is (no namespace, no link
# in this namespace, no process, no state); a failure injected after each build step leaves
# nothing either; two labs side by side do not collide. Needs root and network namespaces;
# exits 77 (skipped) without them.
set -uo pipefail
bindir=$(readlink -f "$1")
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@"
th_init lab_updown
lab=$TH_ROOT/scripts/lab
src=$TH_ROOT
export STEER_BIN_DIR=$bindir STEER_LAB_STATE=$T
th_need_root "network namespaces, veth, bridges"
th_need ip bridge python3 ss
th_need_netns
[ -x "$bindir/steerlb" ] || { echo "FAIL: no steerlb in $bindir (it is needed in the lab)"; exit 1; }

id=$(th_runid u)
cleanup() { for i in "$id" "${id}b" "${id}f"; do "$lab" down --id "$i" >/dev/null 2>&1; done; }
th_defer cleanup

# the links of this namespace (the run's own: th_isolate), which the labs must not touch
links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)

nothing_left() { # ID WHAT
	local left
	left=$(ip netns list | grep -c -- "steer-$1-")
	[ "$left" -eq 0 ] || bad "$2: $left namespaces of lab $1 left: $(ip netns list | grep -- "steer-$1-" | tr '\n' ' ')"
	[ ! -e "$STEER_LAB_STATE/steer-lab-$1" ] || bad "$2: state directory of lab $1 left"
	local now
	now=$(ip -o link show | awk -F': ' '{print $2}' | sort)
	[ "$now" = "$links_before" ] || bad "$2: links in this namespace changed: $(diff <(echo "$links_before") <(echo "$now") | grep '^[<>]' | tr '\n' ' ')"
	if [ -n "${3:-}" ] && [ -r "/proc/$3/status" ] && ! grep -q '^State:.*Z' "/proc/$3/status"; then
		bad "$2: steerlb ($3) still runs"
	fi
}

# ---- up: everything the configuration asks for ----
"$lab" up --id "$id" -c "$src/etc" >"$T/lab.log" 2>&1 \
	|| { cat "$T/lab.log"; echo "FAIL: lab up"; exit 1; }
S=$STEER_LAB_STATE/steer-lab-$id
# shellcheck disable=SC1091
. "$S/lab.env"
P=steer-$id
mapfile -t plan < <(python3 -c '
import json, sys
for w in json.load(open(sys.argv[1]))["workers"]: print(w["name"], w["mac"])' "$S/plan.json")
[ ${#plan[@]} -eq 4 ] || bad "the bundled plan has 4 workers, the lab has ${#plan[@]}"
for ns in tap lb sw $(seq -f 'w%g' 1 ${#plan[@]}); do
	ip netns list | grep -w -- "$P-$ns" >/dev/null || bad "namespace $P-$ns missing"
done
up() { ip -n "$1" -o link show "$2" 2>/dev/null | grep 'state UP\|,UP' >/dev/null ; }
up "$P-tap" eth0 || bad "tap eth0 not up"
up "$P-lb" in0 || bad "lb in0 not up"
up "$P-lb" out0 || bad "lb out0 not up"
up "$P-sw" br0 || bad "switch br0 not up"
ip -n "$P-sw" -o link show up0 | grep 'master br0' >/dev/null || bad "up0 not in br0"
[ "$(ip -n "$P-tap" -o link show eth0 | grep -o 'mtu [0-9]*')" = "mtu 9000" ] || bad "tap eth0 MTU"
for i in "${!plan[@]}"; do
	read -r name mac <<<"${plan[$i]}"
	n=$((i + 1))
	ip -n "$P-sw" -o link show "p$n" | grep 'master br0' >/dev/null || bad "p$n not in br0"
	bridge -n "$P-sw" fdb show dev "p$n" | grep "^$mac .*master br0 static" >/dev/null \
		|| bad "no static FDB entry $mac -> p$n ($name)"
	bridge -n "$P-sw" -d link show dev "p$n" | grep 'learning off' >/dev/null || bad "p$n learns"
	ip -n "$P-w$n" -o link show eth0 | grep "link/ether $mac" >/dev/null || bad "$name eth0 MAC is not $mac"
	up "$P-w$n" eth0 || bad "$name eth0 not up"
done
# only the static entries: nothing learned, nothing else
nstatic=$(bridge -n "$P-sw" fdb show br br0 | grep -c ' static')
[ "$nstatic" -eq ${#plan[@]} ] || bad "$nstatic static FDB entries, expected ${#plan[@]}"
[ -r "/proc/$LB_PID/status" ] || bad "steerlb is not running"
ip netns pids "$P-lb" | grep -x "$LB_PID" >/dev/null || bad "steerlb does not run in $P-lb"
[ "$(ip -o link show | awk -F': ' '{print $2}' | sort)" = "$links_before" ] \
	|| bad "the lab made links outside its namespaces"

# ---- a second lab beside it: no collision ----
"$lab" up --id "${id}b" -c "$src/etc" >/dev/null 2>&1 || bad "a second lab beside the first"
"$lab" down --id "${id}b" >/dev/null || bad "down of the second lab"
nothing_left "${id}b" "second lab"
up "$P-sw" br0 || bad "the first lab suffered from the second"

# ---- down: nothing left ----
"$lab" down --id "$id" >/dev/null || bad "lab down"
nothing_left "$id" "down" "$LB_PID"

# ---- a failure half way removes what was built ----
for step in netns links switch balancer; do
	"$lab" up --id "${id}f" -c "$src/etc" --fail-at "$step" >"$T/lab.log" 2>&1
	rc=$?
	[ $rc -eq 1 ] || bad "--fail-at $step: exit $rc, expected 1"
	grep -q "failed half way" "$T/lab.log" || bad "--fail-at $step: no message"
	nothing_left "${id}f" "failure after $step"
done
# ... and so does a SIGTERM in the middle of building
"$lab" up --id "${id}f" -c "$src/etc" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do ip netns list 2>/dev/null | grep -- "steer-${id}f-sw" >/dev/null && break; sleep 0.02; done
kill -TERM $pid
wait $pid
"$lab" down --id "${id}f" >/dev/null 2>&1 # in case it finished before the signal
nothing_left "${id}f" "SIGTERM during up"

th_done
