#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steerlb.sh STEERLB STEERCTL: command-line tests of steerlb and steerctl synth: split
# correctness for every synthetic mix (against synth's ground truth and steerctl which), the
# rewritten capture (MAC and VLAN delivery), --fail, SIGHUP re-plan, --stats, pcapng and
# nanosecond input, truncated / corrupt captures, usage and exit codes.
set -uo pipefail
lb=$1
ctl=$2
. "$(dirname "$0")/../lib/harness.sh"
th_init cli_steerlb
root=$TH_ROOT
chk="python3 $root/tests/cli/steerlb_check.py"
# tcpdump_ok FILE N: tcpdump reads all N packets of FILE and writes them back byte for byte
# (every record, timestamp and payload as libpcap sees them)
tcpdump_ok() {
	local n
	if tcpdump -r "$1" -w "$T/tcpdump.pcap" 2>"$T/tcpdump.err" &&
		n=$($PCAP count "$T/tcpdump.pcap") && [ "$n" -eq "$2" ] && cmp -s "$1" "$T/tcpdump.pcap"
	then ok; else
		bad "tcpdump -r $1: ${n:-?} packets (wanted $2) or other bytes: $(cat "$T/tcpdump.err")"
	fi
}

# Configurations: the bundled etc/, and variants of it.
variant() { # variant NAME KEY VALUE [KEY VALUE]: etc/ with steer.cfg keys changed
	local name=$1
	shift
	[ -d "$T/$name" ] || cp -r "$root/etc" "$T/$name"
	sed -i "/^$1 *=/d" "$T/$name/steer.cfg"
	echo "$1 = $2" >>"$T/$name/steer.cfg"
	[ $# -gt 2 ] && variant "$name" "$3" "$4"
	return 0
}
variant vlan delivery vlan

# --- usage and exit codes
expect 0 "help" -- "$lb" --help
has "$T/out" "Usage: steerlb" "help text"
expect 0 "version" -- "$lb" --version
expect 2 "no input" -- "$lb" -c "$root/etc"
has "$T/err" "give one input" "no-input message"
expect 2 "two inputs" -- "$lb" -c "$root/etc" -r x -i y
expect 2 "unknown option" -- "$lb" --frob
expect 2 "missing file" -- "$lb" -c "$root/etc" -r "$T/nonexistent.pcap"
has "$T/err" "nonexistent.pcap" "missing file named"
expect 0 "synth help" -- "$ctl" synth --help
expect 2 "synth without --out" -- "$ctl" synth --flows 3
expect 2 "synth bad mix" -- "$ctl" synth --flows 3 --out "$T/x.pcap" --mix tcp,bogus
has "$T/err" "unknown flow kind 'bogus'" "bad mix message"

# --- synth is deterministic
"$ctl" synth --flows 200 --seed 5 --out "$T/d1.pcap" && "$ctl" synth --flows 200 --seed 5 --out "$T/d2.pcap"
if cmp -s "$T/d1.pcap" "$T/d2.pcap"; then ok; else bad "synth is not deterministic"; fi
"$ctl" synth --flows 200 --seed 6 --out "$T/d3.pcap"
if ! cmp -s "$T/d1.pcap" "$T/d3.pcap"; then ok; else bad "synth ignores the seed"; fi

# --- one trace of every kind (steerlb_split.sh checks the split of each mix)
"$ctl" synth --flows 600 --seed 11 --mix all --out "$T/all.pcap" --truth "$T/all.truth" ||
	bad "synth --mix all"
"$ctl" synth --flows 60 --seed 11 --mix tcp --out "$T/tcp.pcap" || bad "synth --mix tcp"
# Every output is a valid capture tcpdump reads, and together they hold every packet.
rm -rf "$T/s"
"$lb" -c "$root/etc" -r "$T/all.pcap" --split "$T/s" --stats "$T/s.json" -w "$T/rw.pcap"
total=$($PCAP count "$T/all.pcap")
for f in "$T"/s/*.pcap; do tcpdump_ok "$f" "$($PCAP count "$f")"; done
[ "$($PCAP count "$T"/s/*.pcap)" -eq "$total" ] && ok || bad "split outputs do not add up to $total"
tcpdump_ok "$T/rw.pcap" "$total"

# --- -w: only the destination MAC changes (MAC delivery), or a tag is pushed (VLAN delivery)
"$ctl" -c "$root/etc" plan --json >"$T/plan.json"
check "rewrite mac" -- $chk rewrite "$T/all.pcap" "$T/rw.pcap" "$T/s" "$T/plan.json" mac
rm -rf "$T/sv"
expect 0 "vlan delivery" -- "$lb" -c "$T/vlan" -r "$T/all.pcap" --split "$T/sv" -w "$T/rwv.pcap"
"$ctl" -c "$T/vlan" plan --json >"$T/planv.json"
check "rewrite vlan" -- $chk rewrite "$T/all.pcap" "$T/rwv.pcap" "$T/sv" "$T/planv.json" vlan
tcpdump_ok "$T/rwv.pcap" "$total"
# libpcap's own reader and pcap_dump give the same bytes as steerlb's mmap reader and writer.
expect 0 "libpcap io" -- "$lb" -c "$root/etc" -r "$T/all.pcap" -w "$T/rwl.pcap" --libpcap-io
if cmp -s "$T/rw.pcap" "$T/rwl.pcap"; then ok; else bad "--libpcap-io output differs"; fi
# -w passes records through from the reader's buffer (MAC rewritten in place) when the input is
# a classic pcap in host byte order; the copying paths must give the same bytes. A trace with odd
# records (0 to 5 captured bytes: no MAC to rewrite; 13: a MAC but no EtherType; jumbo records up
# to the largest, across the reader's buffer boundaries), and the same trace big-endian (not
# passed through: byte-swapped), against --libpcap-io.
python3 - "$T/all.pcap" "$T/odd.pcap" "$T/odd-be.pcap" <<'EOF'
import sys, pcap
cap = pcap.read(sys.argv[1])
for i, r in enumerate(cap.records):
    if i % 97 == 5:
        r.data = r.data[:i % 6]
    elif i % 89 == 7:
        r.data = r.data[:13]
    elif i in (300, 2000, 2001, 4500):
        n = 262144 if i == 2001 else 70000 + i
        r.data = (r.data + bytes(range(256)) * 1100)[:n]
        r.orig = max(r.orig, n)
cap.snaplen = 262144
for path, e in ((sys.argv[2], '<'), (sys.argv[3], '>')):
    cap.endian = e
    pcap.write(path, cap)
EOF
for f in odd odd-be; do
	expect 0 "-w $f" -- "$lb" -c "$root/etc" -r "$T/$f.pcap" -w "$T/$f-w.pcap" --split "$T/$f-s" \
		--stats "$T/$f-w.json"
done
expect 0 "-w odd --libpcap-io" -- "$lb" -c "$root/etc" -r "$T/odd.pcap" -w "$T/odd-l.pcap" \
	--libpcap-io --stats "$T/odd-l.json"
cmp -s "$T/odd-w.pcap" "$T/odd-l.pcap" && ok || bad "-w pass-through differs from --libpcap-io"
cmp -s "$T/odd-be-w.pcap" "$T/odd-l.pcap" && ok || bad "-w of big-endian input differs"
for f in odd-be-w odd-l; do
	python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:])
assert a["outputs"]["unrewritten"] == b["outputs"]["unrewritten"] > 0 and a["workers"] == b["workers"], (a, b)' \
		"$T/odd-w.json" "$T/$f.json" && ok || bad "-w pass-through counters differ ($f)"
done
tcpdump_ok "$T/odd-w.pcap" "$($PCAP count "$T/odd.pcap")"
# Frames dropped by policy leave gaps in the records passed through.
variant drop non_ip drop
expect 0 "-w non-IP dropped" -- "$lb" -c "$T/drop" -r "$T/odd.pcap" -w "$T/odd-d.pcap"
expect 0 "-w non-IP dropped, libpcap" -- "$lb" -c "$T/drop" -r "$T/odd.pcap" -w "$T/odd-dl.pcap" \
	--libpcap-io
cmp -s "$T/odd-d.pcap" "$T/odd-dl.pcap" && ok || bad "-w with drops differs from --libpcap-io"
[ "$($PCAP count "$T/odd-d.pcap")" -lt "$($PCAP count "$T/odd.pcap")" ] && ok ||
	bad "non_ip = drop dropped nothing"

# --- --stats content
python3 - "$T/s.json" "$total" <<'EOF' >"$T/chk" 2>&1 && ok || { bad "stats content"; cat "$T/chk"; }
import json, sys
s = json.load(open(sys.argv[1])); n = int(sys.argv[2])
assert s['final'] is True and s['error'] is None, s
assert s['packets'] == n, (s['packets'], n)
r = s['reasons']
assert r['ip'] + r['non_ip'] + r['malformed'] == n, r
assert r['non_ip'] > 0 and r['frag_first'] > 0 and r['frag_hit'] > 0, r
assert sum(w['packets'] for w in s['workers']) + r['dropped'] == n
assert [w['name'] for w in s['workers']] == ['worker-1', 'worker-2', 'worker-3', 'worker-4']
assert all(w['flows'] > 0 and w['bytes'] > 0 and w['alive'] for w in s['workers'])
EOF
expect 0 "stats to stdout" -- "$lb" -c "$root/etc" -r "$T/tcp.pcap" --stats -
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" && ok || bad "--stats - is not JSON"

# --- --fail moves only the failed worker's flows
rm -rf "$T/sf"
expect 0 "fail worker-2" -- "$lb" -c "$root/etc" -r "$T/all.pcap" --split "$T/sf" --fail worker-2 \
	--stats "$T/sf.json"
check "failover" -- $chk failover "$T/all.pcap" "$T/all.truth" "$T/s" "$T/sf" worker-2 outer
[ "$($PCAP count "$T/sf/worker-2.pcap")" -eq 0 ] && ok || bad "failed worker-2 still got packets"
expect 2 "fail unknown worker" -- "$lb" -c "$root/etc" -r "$T/all.pcap" --fail worker-9
has "$T/err" "worker-9" "unknown --fail named"

# --- SIGHUP: re-plan between two packets (worker-4 removed from node.cfg)
"$ctl" synth --flows 400 --seed 21 --mix tcp,udp,ipv6 --out "$T/h.pcap"
cp -r "$root/etc" "$T/ha" && cp -r "$root/etc" "$T/hb"
python3 - "$T/hb/node.cfg" <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read(); i = s.index('[worker-4]'); open(p, 'w').write(s[:i])
EOF
rm -rf "$T/ra" "$T/rb" "$T/rh"
"$lb" -c "$T/ha" -r "$T/h.pcap" --split "$T/ra" && "$lb" -c "$T/hb" -r "$T/h.pcap" --split "$T/rb"
k=1500
$PCAP head "$T/h.pcap" "$T/h1" "$T/h2" $k
mkfifo "$T/fifo"
cp -r "$T/ha" "$T/hc"
"$lb" -c "$T/hc" -r - --split "$T/rh" --stats "$T/rh.json" <"$T/fifo" &
pid=$!
exec 3>"$T/fifo"
cat "$T/h1" >&3
# Bounded poll: steerlb has taken all of part one when it sleeps reading the empty pipe.
for _ in $(seq 200); do
	grep -q pipe_read "/proc/$pid/wchan" 2>/dev/null && break
	sleep 0.05
done
cp "$T/hb/node.cfg" "$T/hc/node.cfg"
kill -HUP $pid
cat "$T/h2" >&3
exec 3>&-
wait $pid && ok || bad "steerlb with SIGHUP failed"
check "sighup re-plan" -- $chk replan "$T/h.pcap" "$T/ra" "$T/rb" "$T/rh" $k
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["replans"] == 1' "$T/rh.json" &&
	ok || bad "stats do not count the re-plan"

# --- pcapng and nanosecond timestamps, through libpcap: the same outputs as from pcap
"$ctl" synth --flows 100 --seed 3 --nano --out "$T/n.pcap" --truth "$T/n.truth"
$PCAP pcapng "$T/n.pcap" "$T/n.pcapng"
rm -rf "$T/n1" "$T/n2"
expect 0 "nano pcap" -- "$lb" -c "$root/etc" -r "$T/n.pcap" --split "$T/n1"
expect 0 "pcapng" -- "$lb" -c "$root/etc" -r "$T/n.pcapng" --split "$T/n2"
same=1
for f in "$T"/n1/*.pcap; do cmp -s "$f" "$T/n2/$(basename "$f")" || same=0; done
[ $same = 1 ] && ok || bad "pcapng input gives other outputs than the same pcap"
head -c 4 "$T/n1/worker-1.pcap" | od -An -tx1 | grep '4d 3c b2 a1' >/dev/null && ok ||
	bad "nanosecond magic not kept"
expect 0 "nano -w" -- "$lb" -c "$root/etc" -r "$T/n.pcap" -w "$T/nw.pcap"
expect 0 "nano -w libpcap" -- "$lb" -c "$root/etc" -r "$T/n.pcap" -w "$T/nwl.pcap" --libpcap-io
cmp -s "$T/nw.pcap" "$T/nwl.pcap" && ok || bad "nanosecond -w differs from --libpcap-io"

# --- bad input: truncated capture -> exit 1, packet number and offset, valid partial outputs
off=$($PCAP cut "$T/all.pcap" "$T/cut.pcap" 1000)
for io in "" --libpcap-io; do
	rm -rf "$T/c"
	expect 1 "truncated $io" -- "$lb" -c "$root/etc" -r "$T/cut.pcap" --split "$T/c" $io \
		-w "$T/c.pcap" --stats "$T/c.json"
	has "$T/err" "packet 1000 at byte offset $off" "damage located $io"
	for f in "$T"/c/*.pcap; do tcpdump_ok "$f" "$($PCAP count "$f")"; done
	[ "$($PCAP count "$T"/c/*.pcap)" -eq 999 ] && ok || bad "partial split is not the 999 packets"
	tcpdump_ok "$T/c.pcap" 999
	cp "$T/c.pcap" "$T/c-io$io.pcap"
	grep -qE '"error": ?"packet 1000' "$T/c.json" && ok || bad "stats do not report the damage"
done
cmp -s "$T/c-io.pcap" "$T/c-io--libpcap-io.pcap" && ok || bad "truncated: -w outputs differ by io path"
# A record header claiming an absurd length is corrupt, located the same way.
$PCAP corrupt "$T/all.pcap" "$T/corrupt.pcap" 10 0x7fffffff
expect 1 "corrupt record" -- "$lb" -c "$root/etc" -r "$T/corrupt.pcap"
has "$T/err" "packet 10 at byte offset" "corrupt record located"

# --- wrong magic and unknown link type: refused up front, exit 2
head -c 2000 /dev/urandom >"$T/junk.pcap"
printf 'JUNK' | dd of="$T/junk.pcap" conv=notrunc 2>/dev/null
expect 2 "wrong magic" -- "$lb" -c "$root/etc" -r "$T/junk.pcap" --split "$T/j"
has "$T/err" "junk.pcap" "wrong magic names the file"
$PCAP linktype "$T/tcp.pcap" "$T/lt.pcap" 147
expect 2 "unknown link type" -- "$lb" -c "$root/etc" -r "$T/lt.pcap" --split "$T/lt"
has "$T/err" "link type 147" "link type named"
# Raw IP has no MAC to rewrite: -w refused, --split fine.
$PCAP rawip "$T/tcp.pcap" "$T/raw.pcap"
expect 2 "raw -w" -- "$lb" -c "$root/etc" -r "$T/raw.pcap" -w "$T/raw-w.pcap"
rm -rf "$T/rs"
expect 0 "raw split" -- "$lb" -c "$root/etc" -r "$T/raw.pcap" --split "$T/rs"

th_done
