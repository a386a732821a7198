#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/curve.sh BIN: with keys_dir set (steerctl keys) every socket is CURVE: the
# cluster works, steerctl status talks with its own key; a client with a key that is not the
# cluster's (one that knows the servers' public keys, as anyone may), and a plaintext client,
# get nothing in and nothing out. The logs are JSON lines here, parsed back.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
N=2000
make_cluster "$C" 1 2 "keys_dir = keys" "log_format = json" "batch_interval = 200ms" >/dev/null
"$CTL" -c "$C" keys --out "$C/keys" || fail "steerctl keys"
[ "$(stat -c %a "$C/keys/worker-1.key")" = 600 ] || fail "secret key not mode 0600"
[ -f "$C/keys/steerctl.pub" ] || fail "no key for steerctl"
"$CTL" -c "$C" start manager logger >/dev/null || fail "start with CURVE"
"$STEERD" -c "$C" --node worker-1 --daemon --test-records $N --test-rate 2000 >/dev/null
wait_for 30 emitted "$C/state/worker-1" || fail "worker-1: records not acknowledged"
"$CTL" -c "$C" status manager logger worker-1 >/dev/null || fail "status over CURVE"

mport=$(($(sed -n 's/^base_port = //p' "$C/steer.cfg") + 1000))
metric() { # PORT NAME [LABEL]: the (first) sample's value; awk reads all, or curl gets SIGPIPE
	curl -s "127.0.0.1:$1/metrics" |
		awk -v m="$2" -v l="${3:-}" 'index($0, m "{") == 1 && index($0, l) && !v { v = $2 } END { print v }'
}

# An intruder posing as worker-2: the cluster's ports, hosts and state directory (so that
# steerctl finds the manager running), the servers' public keys, but its own key.
intruder() { # DIR KEYS-LINE
	mkdir -p "$1"
	cp "$C/node.cfg" "$C/idle.pcap" "$1/"
	grep -v '^keys_dir\|^state_dir' "$C/steer.cfg" >"$1/steer.cfg"
	echo "state_dir = $C/state" >>"$1/steer.cfg"
	[ -n "$2" ] && echo "$2" >>"$1/steer.cfg"
	true
}
check_intruder() { # DIR: it got nothing in, sent nothing, and nobody heard of it
	local d=$1 port=$((mport + 4))
	wait_for 10 curl -sf "127.0.0.1:$port/metrics" || fail "intruder's metrics"
	sleep 2
	local in out acked
	in=$(metric $port steer_messages_received_total)
	out=$(metric $port steer_messages_sent_total)
	acked=$(metric $port steer_log_records_acked_total)
	echo "intruder: received $in, sent $out, records acknowledged $acked"
	[ "$in" = 0 ] && [ "$out" = 0 ] && [ "$acked" = 0 ] || fail "the intruder got through"
	[ "$(heartbeat_of "$C" worker-2)" = unseen ] || fail "the manager heard the intruder"
	# Killed: stopping it would wait for acknowledgements that never come.
	local pid
	pid=$(pid_of "$C" worker-2)
	kill -9 "$pid"
	wait_for 10 bash -c "! kill -0 $pid" || fail "intruder did not die"
	rm -f "$C/state/worker-2/steerd.pid"
}

note "a client with a key that is not the cluster's"
I=$T/intruder
intruder "$I" "keys_dir = keys"
"$CTL" -c "$I" keys --out "$I/keys" >/dev/null
cp "$C/keys/manager.pub" "$C/keys/logger.pub" "$I/keys/"
denied0=$(metric $mport steer_zap_requests_total denied)
"$STEERD" -c "$I" --node worker-2 --daemon --test-records 500 --test-rate 1000 >/dev/null ||
	fail "intruder did not start"
check_intruder "$I"
denied=$(metric $mport steer_zap_requests_total denied)
echo "manager's ZAP denials: $denied0 -> $denied"
[ "$denied" -gt "$denied0" ] || fail "the manager's ZAP handler did not refuse the key"
# steerctl with that key is refused as well.
set +e
"$CTL" -c "$I" status manager >"$T/st" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && grep -q 'not answering' "$T/st" || { cat "$T/st"; fail "status with a foreign key"; }

note "a plaintext client"
P=$T/plain
intruder "$P" ""
"$STEERD" -c "$P" --node worker-2 --daemon --test-records 500 --test-rate 1000 >/dev/null ||
	fail "plaintext intruder did not start"
check_intruder "$P"
set +e
"$CTL" -c "$P" status manager >"$T/st" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && grep -q 'not answering' "$T/st" || { cat "$T/st"; fail "plaintext status"; }
# Nothing the intruders sent reached the manager's decoder either.
for r in truncated foreign version invalid unauthorized unexpected; do
	[ "$(metric $mport steer_messages_dropped_total "\"$r\"")" = 0 ] ||
		fail "the manager dropped a $r message: something got in"
done

"$CTL" -c "$C" stop >/dev/null
FORMAT=json check_exactly_once "$C" steer_test worker-1:$N || fail "worker-1's records"
echo PASS
