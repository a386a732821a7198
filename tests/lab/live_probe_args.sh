#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# live_probe_args.sh STEERCHECK CONFDIR: `steercheck live` and `steercheck probe` refuse bad
# usage and unusable interfaces with a message and exit 2, and --help exits 0 (no root needed).
set -uo pipefail
chk=$1 etc=$2
fails=0
expect() { # RC DESCRIPTION ARGS...
	local want=$1 what=$2 out rc
	shift 2
	out=$("$chk" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne "$want" ]; then
		echo "FAIL: $what: steercheck $*: exit $rc, expected $want"
		fails=$((fails + 1))
	elif [ "$want" -eq 2 ] && [ -z "$out" ]; then
		echo "FAIL: $what: exit 2 without a message"
		fails=$((fails + 1))
	fi
}
expect 0 "live help" live --help
expect 0 "probe help" probe --help
"$chk" live --help | grep -q -- '--duration' || { echo "FAIL: live --help to stdout"; fails=$((fails + 1)); }
expect 2 "live without --duration" -c "$etc" live -i lo
expect 2 "live --duration 0" -c "$etc" live -i lo --duration 0
expect 2 "live --duration 5x" -c "$etc" live -i lo --duration 5x
expect 2 "live --duration 25h" -c "$etc" live -i lo --duration 90000
expect 2 "live unknown worker" -c "$etc" live -i nosuch=lo --duration 1
expect 2 "live empty interface" -c "$etc" live -i worker-1= --duration 1
expect 2 "live no namespace name" -c "$etc" live -i lo@ --duration 1
expect 2 "live missing namespace" -c "$etc" live -i lo@steer-no-such-ns --duration 1
expect 2 "live missing interface" -c "$etc" live -i steernosuch0 --duration 1
expect 2 "live stray argument" -c "$etc" live -i lo --duration 1 extra
expect 2 "probe without --in" -c "$etc" probe -i lo
expect 2 "probe bad kind" -c "$etc" probe --in lo -i lo --kinds tcp,bogus
expect 2 "probe --flows 0" -c "$etc" probe --in lo -i lo --flows 0
expect 2 "probe bad --in" -c "$etc" probe --in @x -i lo
expect 2 "probe missing capture interface" -c "$etc" probe --in lo -i steernosuch0
expect 2 "probe missing config" -c /nonexistent probe --in lo -i lo
[ $fails -eq 0 ] || { echo "live_probe_args: $fails failures"; exit 1; }
echo "live_probe_args: passed"
