#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# hostile_pcap.sh BINDIR: odd but valid captures, where the tools must agree with each other
# and with libpcap (issue 13 items 12, 13, 14, 15, 20, 21): zero-length records, link type 12,
# records at the largest length with a VLAN tag pushed, captures without packets, one capture
# given twice, records longer than the snapshot length, microseconds of a million or more.
set -uo pipefail
bin=$(cd "$1" && pwd)
lb=$bin/steerlb ctl=$bin/steerctl sc=$bin/steercheck sd=$bin/steerd
. "$(dirname "$0")/../lib/harness.sh"
th_init hostile_pcap
etc=$TH_ROOT/etc
"$ctl" synth --flows 200 --seed 5 --out "$T/t.pcap" || bad "synth"
n=$($PCAP count "$T/t.pcap")
# tcpdump_reads FILE: libpcap's reader takes every record of FILE
tcpdump_reads() {
	command -v tcpdump >/dev/null || { ok; return; }
	if tcpdump -r "$1" -w /dev/null 2>"$T/td.err"; then ok; else bad "tcpdump -r $1: $(cat "$T/td.err")"; fi
}

# --- item 12: a zero-length record: steerlb passes it on, steercheck reads what steerlb wrote
python3 - "$T/t.pcap" "$T/zero.pcap" <<'EOF'
import sys, pcap
cap = pcap.read(sys.argv[1])
for i in (3, 50, 51):
    cap.records[i].data = b''   # nothing captured, the original length kept
pcap.write(sys.argv[2], cap)
EOF
mkdir "$T/zs"
expect 0 "steerlb with zero-length records" -- "$lb" -c "$etc" -r "$T/zero.pcap" -w "$T/zero-w.pcap" \
	--split "$T/zs" --stats "$T/zero.json"
json "$T/zero.json" "zero-length records counted as malformed" "d['packets'] == $n and d['reasons']['malformed'] >= 3"
tcpdump_reads "$T/zero-w.pcap"
expect 1 "steercheck reads steerlb's balanced output (zero-length records: to no worker)" -- \
	"$sc" -c "$etc" pcap --json "$T/zero-w.pcap"
json "$T/out" "steercheck counted every record" "d['totals']['packets'] == $n and d['totals']['malformed'] >= 3"
expect 0 "steercheck reads steerlb's split outputs" -- "$sc" -c "$etc" pcap "$T"/zs/worker-*.pcap
expect 0 "steerd -r reads them too" -- "$sd" -r "$T/zero.pcap" --log-dir "$T/zlogs" --seed 1

# --- item 13: link type 12 is raw IP from a file and from standard input alike
$PCAP rawip "$T/t.pcap" "$T/raw.pcap"
$PCAP linktype "$T/raw.pcap" "$T/lt12.pcap" 12
mkdir "$T/r101" "$T/r12" "$T/r12s"
"$lb" -c "$etc" -r "$T/raw.pcap" --split "$T/r101" --stats "$T/r101.json" || bad "steerlb raw IP (101)"
expect 0 "steerlb link type 12 from a file" -- "$lb" -c "$etc" -r "$T/lt12.pcap" --split "$T/r12" \
	--stats "$T/r12.json"
expect 0 "steerlb link type 12 from stdin" -- "$lb" -c "$etc" -r - --split "$T/r12s" \
	--stats "$T/r12s.json" <"$T/lt12.pcap"
for f in r12 r12s; do
	json "$T/$f.json" "link type 12 read as raw IP ($f)" "d['link_type'] == 101 and d['reasons']['ip'] > 0"
	check "link type 12 steered as 101 ($f)" -- diff -r "$T/r101" "$T/$f"
done
expect 0 "steercheck link type 12 from a file" -- "$sc" -c "$etc" pcap --no-predict \
	--max-imbalance 100 worker-1="$T/lt12.pcap"
lacks "$T/err" "not supported" "no refusal of link type 12"
expect 0 "steercheck link type 12 from stdin" -- "$sc" -c "$etc" pcap --no-predict \
	--max-imbalance 100 worker-1=- <"$T/lt12.pcap"

# --- item 14: VLAN delivery of a record at the largest length: cut, and every reader reads it
cp -r "$etc" "$T/vlan"
sed -i 's/^delivery *=.*/delivery = vlan/' "$T/vlan/steer.cfg"
python3 - "$T/t.pcap" "$T/max.pcap" <<'EOF'
import sys, pcap
cap = pcap.read(sys.argv[1])
r = cap.records[0]
big = r.data + bytes(262144 - len(r.data))
cap.records = [pcap.Record(r.sec, r.frac, 262144, big), cap.records[1]]
cap.snaplen = 262144
pcap.write(sys.argv[2], cap)
EOF
for io in "" --libpcap-io; do
	expect 0 "VLAN push on a 262144-byte record $io" -- "$lb" -c "$T/vlan" -r "$T/max.pcap" \
		-w "$T/max-w$io.pcap" $io
	tcpdump_reads "$T/max-w$io.pcap"
	check "the record is cut to 262144 bytes, its length says 262148 $io" -- python3 -c '
import sys, pcap
c = pcap.read(sys.argv[1])
assert c.snaplen <= 262144, c.snaplen
r = c.records[0]
assert len(r.data) == 262144 and r.orig == 262148, (len(r.data), r.orig)
assert r.data[12:14] == b"\x81\x00", r.data[12:16]' "$T/max-w$io.pcap"
	expect 0 "steercheck reads it $io" -- "$sc" -c "$T/vlan" pcap "$T/max-w$io.pcap"
done
cmp -s "$T/max-w.pcap" "$T/max-w--libpcap-io.pcap" && ok || bad "VLAN push: --libpcap-io gives other bytes"

# --- item 15 (first half): no packet is no proof
python3 -c 'import sys, pcap; pcap.write(sys.argv[1], pcap.Capture([]))' "$T/empty.pcap"
expect_msg 1 "steercheck pcap on a capture without packets" -- "$sc" -c "$etc" pcap "$T/empty.pcap"
has "$T/out" "RESULT: FAIL: no packets" "empty: the result says why"
has "$T/err" "warning: no packets" "empty: warned"
expect 1 "steercheck pcap --json, no packets" -- "$sc" -c "$etc" pcap --json worker-1="$T/empty.pcap" \
	worker-2="$T/empty.pcap"
json "$T/out" "empty: JSON says so" "d['empty'] and not d['pass']"

# --- item 20: the same capture twice for one worker is read once, with a warning
mkdir "$T/s"
"$lb" -c "$etc" -r "$T/t.pcap" --split "$T/s" || bad "split"
ln -s worker-1.pcap "$T/s/again.pcap"
expect 0 "all four captures" -- "$sc" -c "$etc" pcap --json "$T"/s/worker-{1,2,3,4}.pcap
cp "$T/out" "$T/once.json"
expect 0 "worker-1's capture twice" -- "$sc" -c "$etc" pcap --json "$T"/s/worker-{1,2,3,4}.pcap \
	worker-1="$T/s/again.pcap"
has "$T/err" "(the same file): read once" "repeat warned"
check "counts not doubled" -- python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
assert a["totals"] == b["totals"], (a["totals"], b["totals"])' "$T/once.json" "$T/out"
expect 1 "one capture for two workers is still a fault" -- "$sc" -c "$etc" pcap \
	"$T"/s/worker-{1,2,3,4}.pcap worker-2="$T/s/worker-1.pcap"

# --- item 21: --libpcap-io gives the same bytes: records past the snapshot length are cut as
# libpcap cuts them, microseconds of 10^6 or more are kept
python3 - "$T/t.pcap" "$T/odd.pcap" <<'EOF'
import sys, pcap
cap = pcap.read(sys.argv[1])
cap.records = cap.records[:40]
cap.snaplen = 100
cap.records[1].frac = 1500000
cap.records[2].frac = 4294967295
pcap.write(sys.argv[2], cap)
EOF
mkdir "$T/o1" "$T/o2"
expect 0 "steerlb on records past the snapshot length" -- "$lb" -c "$etc" -r "$T/odd.pcap" \
	-w "$T/odd-w.pcap" --split "$T/o1"
expect 0 "the same, --libpcap-io" -- "$lb" -c "$etc" -r "$T/odd.pcap" -w "$T/odd-l.pcap" \
	--split "$T/o2" --libpcap-io
check "-w: the same bytes both ways" -- cmp "$T/odd-w.pcap" "$T/odd-l.pcap"
check "--split: the same bytes both ways" -- diff -r "$T/o1" "$T/o2"
check "cut to the snapshot length, timestamps kept" -- python3 -c '
import sys, pcap
c = pcap.read(sys.argv[1])
assert c.snaplen == 100 and max(len(r.data) for r in c.records) == 100
assert c.records[1].frac == 1500000 and c.records[2].frac == 4294967295
assert any(r.orig > 100 for r in c.records)' "$T/odd-w.pcap"
tcpdump_reads "$T/odd-w.pcap"

th_done
