#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# live_probe_args.sh STEERCHECK CONFDIR: `steercheck live` and `steercheck probe` refuse bad
# usage and unusable interfaces with a message and exit 2, and --help exits 0 (no root needed).
set -uo pipefail
chk=$1 etc=$2
. "$(dirname "$0")/../lib/harness.sh"
th_init live_probe_args
# expect_rc CODE DESCRIPTION ARGS...: steercheck ARGS exits CODE (2: with a message).
expect_rc() {
	local want=$1 what=$2
	shift 2
	expect_msg "$want" "$what" -- "$chk" "$@"
}
expect_rc 0 "live help" live --help
expect_rc 0 "probe help" probe --help
"$chk" live --help | grep -- '--duration' >/dev/null && ok || bad "live --help to stdout"
expect_rc 2 "live without --duration" -c "$etc" live -i lo
expect_rc 2 "live --duration 0" -c "$etc" live -i lo --duration 0
expect_rc 2 "live --duration 5x" -c "$etc" live -i lo --duration 5x
expect_rc 2 "live --duration 25h" -c "$etc" live -i lo --duration 90000
expect_rc 2 "live unknown worker" -c "$etc" live -i nosuch=lo --duration 1
expect_rc 2 "live empty interface" -c "$etc" live -i worker-1= --duration 1
expect_rc 2 "live no namespace name" -c "$etc" live -i lo@ --duration 1
expect_rc 2 "live missing namespace" -c "$etc" live -i lo@steer-no-such-ns --duration 1
expect_rc 2 "live missing interface" -c "$etc" live -i steernosuch0 --duration 1
expect_rc 2 "live stray argument" -c "$etc" live -i lo --duration 1 extra
expect_rc 2 "probe without --in" -c "$etc" probe -i lo
expect_rc 2 "probe bad kind" -c "$etc" probe --in lo -i lo --kinds tcp,bogus
expect_rc 2 "probe --flows 0" -c "$etc" probe --in lo -i lo --flows 0
expect_rc 2 "probe bad --in" -c "$etc" probe --in @x -i lo
expect_rc 2 "probe missing capture interface" -c "$etc" probe --in lo -i steernosuch0
expect_rc 2 "probe missing config" -c /nonexistent probe --in lo -i lo
th_done
