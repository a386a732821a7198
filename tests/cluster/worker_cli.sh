#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/worker_cli.sh BIN: steerd -r and the worker's options at their edges: the logs a
# standalone run writes (Zeek's headers, #close, TSV and JSON), local networks for known hosts,
# bad input (missing, not a capture, an unknown link type, damaged part way: analysed and logged
# up to the damage), usage errors, the worker keys of steer.cfg with FILE:LINE diagnostics.
# (A live worker's capture: worker_capture.sh, as root.)
BIN=$(cd "$1" && pwd)
. "$(dirname "$0")/lib.sh"

expect() { # CODE PATTERN COMMAND...
	local code=$1 pat=$2 rc
	shift 2
	set +e
	"$@" >"$T/out" 2>&1
	rc=$?
	set -e
	[ $rc -eq "$code" ] && grep -q -- "$pat" "$T/out" ||
		{ cat "$T/out"; fail "$* -> exit $rc, want $code and '$pat'"; }
}

"$CTL" synth --flows 400 --seed 3 --out "$T/t.pcap" >/dev/null

note "standalone: the logs in --log-dir, Zeek's TSV"
(cd "$T" && "$STEERD" -r t.pcap --seed 1) || fail "steerd -r into the current directory"
[ -s "$T/conn.log" ] || fail "no conn.log in the current directory"
"$STEERD" -r "$T/t.pcap" --log-dir "$T/a" --seed 1 --local 198.51.100.0/24 ||
	fail "steerd -r --log-dir"
for f in conn known_hosts known_services stats; do
	[ -s "$T/a/$f.log" ] || fail "no $f.log"
	head -1 "$T/a/$f.log" | grep -q '^#separator \\x09$' || fail "$f.log: no Zeek header"
	tail -1 "$T/a/$f.log" | grep -q '^#close	' || fail "$f.log: no #close"
done
[ ! -e "$T/a/steering.log" ] || fail "a standalone node wrote steering.log"
grep -q '^#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration' \
	"$T/a/conn.log" || fail "conn.log columns"
# The same seed, the same uids: the two runs wrote the same conn.log records.
cmp <(grep -v '^#' "$T/conn.log") <(grep -v '^#' "$T/a/conn.log") >/dev/null ||
	note "(--local changed local_resp: expected)"
grep -qP '\t198\.51\.100\.\d+$' "$T/a/known_hosts.log" || fail "--local: no 198.51.100.x known host"
grep -qP '^\d+\.\d+\t198\.51\.100\.\d+\t\d+\ttcp\t\(empty\)$' "$T/a/known_services.log" ||
	fail "known_services.log: no TCP service of the --local network"
# Each host once (per day): the local set answers "new" once.
[ "$(grep -vc '^#' "$T/a/known_hosts.log")" -eq "$(grep -v '^#' "$T/a/known_hosts.log" | cut -f2 | sort -u | wc -l)" ] ||
	fail "a known host logged twice"

note "JSON with log_format = json (-c DIR)"
C=$T/c
make_cluster "$C" 1 1 "log_format = json" >/dev/null
"$STEERD" -c "$C" -r "$T/t.pcap" --log-dir "$T/j" || fail "steerd -c -r (json)"
python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert r["uid"].startswith("C") and "id.orig_h" in r, r
    n += 1
assert n > 100, n
' "$T/j/conn.log" || fail "conn.log in JSON"

note "bad input"
expect 2 "nowhere.pcap" "$STEERD" -r "$T/nowhere.pcap" --log-dir "$T/x"
echo "not a capture" >"$T/text.pcap"
expect 2 "text.pcap" "$STEERD" -r "$T/text.pcap" --log-dir "$T/x"
python3 -c '
import struct, sys
hdr = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147)
rec = struct.pack("<IIII", 1, 0, 4, 4) + b"abcd"
open(sys.argv[1], "wb").write(hdr + rec)' "$T/user0.pcap"
expect 2 "user0.pcap: link type 147" "$STEERD" -r "$T/user0.pcap" --log-dir "$T/x"
size=$(stat -c %s "$T/t.pcap")
head -c $((size / 2 + 7)) "$T/t.pcap" >"$T/cut.pcap"
expect 2 "cut.pcap: packet [0-9]* at byte offset [0-9]*" \
	"$STEERD" -r "$T/cut.pcap" --log-dir "$T/cut" --seed 1
[ "$(grep -vc '^#' "$T/cut/conn.log")" -gt 50 ] || fail "a damaged capture: nothing logged up to the damage"
tail -1 "$T/cut/conn.log" | grep -q '^#close' || fail "a damaged capture: conn.log not closed"
touch "$T/file"
expect 2 "$T/file" "$STEERD" -r "$T/t.pcap" --log-dir "$T/file/sub"

note "usage"
expect 0 "steerd \[-c DIR\] -r FILE \[--log-dir DIR\]" "$STEERD" --help
expect 2 "local 'ten': " "$STEERD" -r "$T/t.pcap" --local ten
expect 2 "likely-tcp: 'x1'" "$STEERD" -r "$T/t.pcap" --likely-tcp x1
expect 2 "likely-udp: '5-1'" "$STEERD" -r "$T/t.pcap" --likely-udp 5-1
expect 2 "skip-bytes" "$STEERD" -r "$T/t.pcap" --skip-bytes 0
expect 2 "runs standalone" "$STEERD" -r "$T/t.pcap" --daemon
expect 2 "log-dir and --stats are for -r without --node" "$STEERD" -c "$C" --node worker-1 --log-dir "$T/x"
expect 2 "manager is a manager; only a worker reads a capture" \
	"$STEERD" -c "$C" --node manager -r "$T/t.pcap"

note "steer.cfg worker keys: FILE:LINE diagnostics"
for kv in "snaplen = 10:snaplen: '10' is out of range" \
	"promisc = maybe:promisc: 'maybe' is not a boolean" \
	"capture_user = a b:capture_user: 'a b' is not a user name" \
	"steering_interval = soon:steering_interval: 'soon' is not a duration" \
	"max_imbalance = 0.5:max_imbalance: '0.5' is not a ratio" \
	"max_split_routing = 200%:max_split_routing: '200%' is not a percentage"; do
	cp -r "$C" "$T/bad"
	echo "${kv%%:*}" >>"$T/bad/steer.cfg"
	expect 2 "steer.cfg:[0-9]*: error: ${kv#*:}" "$STEERD" -c "$T/bad" --node worker-1 --check
	rm -rf "$T/bad"
done

note "standalone notices: judged as the manager judges a cluster's, in network time"
# Every third TCP segment with data lost, over 200 s of network time: ACKs for data never
# seen, a capture_loss row every 10 s from the first minute, each over 10 %.
PYTHONPATH="$(cd "$(dirname "$0")/../lib" && pwd)" python3 - "$T/t.pcap" "$T/lossy.pcap" <<'PY'
import sys, pcap
cap = pcap.read(sys.argv[1])
out, k = [], 0
for r in cap.records:
    d = r.data
    if len(d) >= 54 and d[12:14] == b"\x08\x00" and d[23] == 6:
        ihl = (d[14] & 15) * 4
        tot = int.from_bytes(d[16:18], "big")
        doff = (d[14 + ihl + 12] >> 4) * 4
        if tot - ihl - doff > 0:
            k += 1
            if k % 3 == 0:
                continue
    out.append(r)
for i, r in enumerate(out):
    t = 1700000000 * 10**6 + i * 200 * 10**6 // len(out)
    r.sec, r.frac = t // 10**6, t % 10**6
cap.records = out
pcap.write(sys.argv[2], cap)
PY
mkdir -p "$T/nc"
printf 'capture_loss_interval = 10s\n' >"$T/nc/steer.cfg"
cp "$C/node.cfg" "$T/nc/"
"$STEERD" -c "$T/nc" -r "$T/lossy.pcap" --log-dir "$T/n1" 2>"$T/n1.err" || fail "steerd -r lossy"
n=$(grep -c 'CaptureLoss::Too_Much_Loss' "$T/n1/notice.log" || true)
[ "$n" -ge 10 ] || { cat "$T/n1/capture_loss.log"; fail "$n Too_Much_Loss notices, want one per row over 10 %"; }
# Zeek's standalone notice.log: peer_descr unset, ts network time, the default actions.
awk -F'\t' '$11 == "CaptureLoss::Too_Much_Loss" && ($18 != "-" || $19 != "Notice::ACTION_LOG" || $1 < 1700000000 || $1 > 1700000300) { bad = 1 } END { exit bad }' \
	"$T/n1/notice.log" || fail "standalone notice.log columns"
grep -q 'steerd: notice CaptureLoss::Too_Much_Loss: ' "$T/n1.err" || fail "the notice not on stderr"
# notice.cfg of the configuration directory applies: the type ignored, no line.
printf '[CaptureLoss::Too_Much_Loss]\nactions = none\n' >"$T/nc/notice.cfg"
"$STEERD" -c "$T/nc" -r "$T/lossy.pcap" --log-dir "$T/n2" || fail "steerd -r lossy, notice.cfg"
[ ! -s "$T/n2/notice.log" ] || ! grep -q 'Too_Much_Loss' "$T/n2/notice.log" ||
	fail "notice.cfg's actions = none not applied standalone"
# A wrong notice.cfg is an input error, named.
printf '[notice]\nsuppress_for = soon\n' >"$T/nc/notice.cfg"
expect 2 "notice.cfg:2: error" "$STEERD" -c "$T/nc" -r "$T/lossy.pcap" --log-dir "$T/n3"
echo PASS
