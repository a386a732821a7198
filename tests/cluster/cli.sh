#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/cli.sh BIN: steerd's and steerctl's cluster commands at their edges: help,
# version, usage errors (exit 2), a node already running and a port in use (exit 1), each
# with a one-line error that names what is wrong.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
make_cluster "$C" 1 1 >/dev/null

# expect CODE PATTERN COMMAND...: exit status CODE and PATTERN in the output.
expect() {
	local code=$1 pat=$2 rc
	shift 2
	set +e
	"$@" >"$T/out" 2>&1
	rc=$?
	set -e
	[ $rc -eq "$code" ] && grep -q -- "$pat" "$T/out" ||
		{ cat "$T/out"; fail "$* -> exit $rc, want $code and '$pat'"; }
}

expect 0 '^Usage: steerd' "$STEERD" --help
expect 0 '^steerd 0\.1\.0$' "$STEERD" --version
expect 2 'node NAME is required' "$STEERD" -c "$C"
expect 2 'unrecognized option' "$STEERD" --bogus
expect 2 "node.cfg: error: no such file" "$STEERD" -c "$T/nowhere" --node manager
expect 2 "no node 'worker-9'" "$STEERD" -c "$C" --node worker-9
expect 0 "worker worker-1 on 127.0.0.1, port" "$STEERD" -c "$C" --node worker-1 --check
cp -r "$C" "$T/bad"
sed -i "s/^heartbeat_interval = .*/heartbeat_interval = soon/" "$T/bad/steer.cfg"
expect 2 "steer.cfg:[0-9]*: error: heartbeat_interval: 'soon' is not a duration" \
	"$STEERD" -c "$T/bad" --node manager
# The manager's notice policy: checked by --check, and the manager does not start with an error.
cp -r "$C" "$T/badnotice"
printf '[notice]\nactions = page\n' >"$T/badnotice/notice.cfg"
expect 2 'notice.cfg: error: an action needs \[notice\] page_command' \
	"$STEERD" -c "$T/badnotice" --node manager --check
printf '[Test::X]\nsuppress_for = soon\n' >"$T/badnotice/notice.cfg"
expect 2 "notice.cfg:2: error: \[Test::X\] suppress_for: 'soon'" \
	"$STEERD" -c "$T/badnotice" --node manager
expect 1 'the manager is not running' "$CTL" -c "$C" start worker-1

"$STEERD" -c "$C" --node manager --daemon >/dev/null
expect 1 "manager is already running (pid $(pid_of "$C" manager)" "$STEERD" -c "$C" --node manager
# Another cluster on the same ports: the manager's port is taken.
cp -r "$C" "$T/other"
sed -i "s|^state_dir = .*|state_dir = $T/other-state|" "$T/other/steer.cfg"
expect 1 "cannot listen on tcp://127.0.0.1:[0-9]*: Address already in use" \
	"$STEERD" -c "$T/other" --node manager --daemon

expect 0 '^Usage: steerctl start' "$CTL" start --help
expect 0 '^Usage: steerctl status' "$CTL" status --help
expect 2 "no node 'nope'" "$CTL" -c "$C" status nope
expect 2 'out DIR is required' "$CTL" -c "$C" keys
expect 2 'unrecognized option' "$CTL" -c "$C" stop --json
expect 1 ' stopped ' "$CTL" -c "$C" status
"$CTL" -c "$C" stop >/dev/null
echo PASS
