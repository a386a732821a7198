#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steerlb.sh STEERLB STEERCTL: command-line tests of steerlb and steerctl synth: split
# correctness for every synthetic mix (against synth's ground truth and steerctl which), the
# rewritten capture (MAC and VLAN delivery), --fail, SIGHUP re-plan, --stats, pcapng and
# nanosecond input, truncated / corrupt captures, usage and exit codes.
set -uo pipefail
lb=$1
ctl=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chk="python3 $here/steerlb_check.py"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE DESCRIPTION -- COMMAND...: runs it, stdout/stderr in $t/out, $t/err.
expect() {
	local want=$1 what=$2
	shift 3
	"$@" >"$t/out" 2>"$t/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$what: exit $got, wanted $want: $*"
		sed 's/^/  stdout: /' "$t/out" | head -10
		sed 's/^/  stderr: /' "$t/err" | head -10
	fi
}
has() { # has FILE TEXT DESCRIPTION
	if grep -qF -- "$2" "$1"; then ok; else
		bad "$3: '$2' not in:"
		sed 's/^/  /' "$1" | head -10
	fi
}
check() { # check DESCRIPTION -- steerlb_check.py ARGS...
	local what=$1
	shift 2
	if $chk "$@" >"$t/chk" 2>&1; then ok; else
		bad "$what"
		sed 's/^/  /' "$t/chk" | head -10
	fi
}
tcpdump_ok() { # tcpdump_ok FILE N: tcpdump reads all N packets of FILE and writes them back
	# byte for byte (every record, timestamp and payload as libpcap sees them)
	local n
	if tcpdump -r "$1" -w "$t/tcpdump.pcap" 2>"$t/tcpdump.err" &&
		n=$($chk count "$t/tcpdump.pcap") && [ "$n" -eq "$2" ] && cmp -s "$1" "$t/tcpdump.pcap"
	then ok; else
		bad "tcpdump -r $1: ${n:-?} packets (wanted $2) or other bytes: $(cat "$t/tcpdump.err")"
	fi
}

# Configurations: the bundled etc/, and variants of it.
variant() { # variant NAME KEY VALUE [KEY VALUE]: etc/ with steer.cfg keys changed
	local name=$1
	shift
	[ -d "$t/$name" ] || cp -r "$root/etc" "$t/$name"
	sed -i "/^$1 *=/d" "$t/$name/steer.cfg"
	echo "$1 = $2" >>"$t/$name/steer.cfg"
	[ $# -gt 2 ] && variant "$name" "$3" "$4"
	return 0
}
variant inner tunnels inner
variant vlan delivery vlan
variant l3 fragments l3 fields 3-tuple

# --- usage and exit codes
expect 0 "help" -- "$lb" --help
has "$t/out" "Usage: steerlb" "help text"
expect 0 "version" -- "$lb" --version
expect 2 "no input" -- "$lb" -c "$root/etc"
has "$t/err" "give one input" "no-input message"
expect 2 "two inputs" -- "$lb" -c "$root/etc" -r x -i y
expect 2 "unknown option" -- "$lb" --frob
expect 2 "missing file" -- "$lb" -c "$root/etc" -r "$t/nonexistent.pcap"
has "$t/err" "nonexistent.pcap" "missing file named"
expect 0 "synth help" -- "$ctl" synth --help
expect 2 "synth without --out" -- "$ctl" synth --flows 3
expect 2 "synth bad mix" -- "$ctl" synth --flows 3 --out "$t/x.pcap" --mix tcp,bogus
has "$t/err" "unknown flow kind 'bogus'" "bad mix message"

# --- synth is deterministic
"$ctl" synth --flows 200 --seed 5 --out "$t/d1.pcap" && "$ctl" synth --flows 200 --seed 5 --out "$t/d2.pcap"
if cmp -s "$t/d1.pcap" "$t/d2.pcap"; then ok; else bad "synth is not deterministic"; fi
"$ctl" synth --flows 200 --seed 6 --out "$t/d3.pcap"
if ! cmp -s "$t/d1.pcap" "$t/d3.pcap"; then ok; else bad "synth ignores the seed"; fi

# --- split correctness for every mix, outer and inner tunnel hashing, both fragment policies
for mix in tcp udp icmp ipv6 vlan qinq mpls gre vxlan frag frag6 arp all; do
	n=60; [ "$mix" = all ] && n=600
	"$ctl" synth --flows $n --seed 11 --mix $mix --out "$t/$mix.pcap" --truth "$t/$mix.truth" ||
		bad "synth --mix $mix"
	for conf in etc inner l3; do
		dir="$root/etc" mode=outer
		[ "$conf" = etc ] || dir="$t/$conf"
		[ "$conf" = inner ] && mode=inner
		rm -rf "$t/s"
		expect 0 "split $mix ($conf)" -- "$lb" -c "$dir" -r "$t/$mix.pcap" --split "$t/s" \
			--stats "$t/s.json"
		check "split $mix ($conf)" -- split "$t/$mix.pcap" "$t/$mix.truth" "$t/s" $mode \
			"$t/s.json" "$ctl" "$dir" 8
	done
done
# Every output is a valid capture tcpdump reads, and together they hold every packet.
rm -rf "$t/s"
"$lb" -c "$root/etc" -r "$t/all.pcap" --split "$t/s" --stats "$t/s.json" -w "$t/rw.pcap"
total=$($chk count "$t/all.pcap")
for f in "$t"/s/*.pcap; do tcpdump_ok "$f" "$($chk count "$f")"; done
[ "$($chk count "$t"/s/*.pcap)" -eq "$total" ] && ok || bad "split outputs do not add up to $total"
tcpdump_ok "$t/rw.pcap" "$total"

# --- -w: only the destination MAC changes (MAC delivery), or a tag is pushed (VLAN delivery)
"$ctl" -c "$root/etc" plan --json >"$t/plan.json"
check "rewrite mac" -- rewrite "$t/all.pcap" "$t/rw.pcap" "$t/s" "$t/plan.json" mac
rm -rf "$t/sv"
expect 0 "vlan delivery" -- "$lb" -c "$t/vlan" -r "$t/all.pcap" --split "$t/sv" -w "$t/rwv.pcap"
"$ctl" -c "$t/vlan" plan --json >"$t/planv.json"
check "rewrite vlan" -- rewrite "$t/all.pcap" "$t/rwv.pcap" "$t/sv" "$t/planv.json" vlan
tcpdump_ok "$t/rwv.pcap" "$total"
# libpcap's own reader and pcap_dump give the same bytes as steerlb's mmap reader and writer.
expect 0 "libpcap io" -- "$lb" -c "$root/etc" -r "$t/all.pcap" -w "$t/rwl.pcap" --libpcap-io
if cmp -s "$t/rw.pcap" "$t/rwl.pcap"; then ok; else bad "--libpcap-io output differs"; fi
# -w passes records through from the reader's buffer (MAC rewritten in place) when the input is
# a classic pcap in host byte order; the copying paths must give the same bytes. A trace with odd
# records (0 to 5 captured bytes: no MAC to rewrite; 13: a MAC but no EtherType; jumbo records up
# to the largest, across the reader's buffer boundaries), and the same trace big-endian (not
# passed through: byte-swapped), against --libpcap-io.
python3 - "$t/all.pcap" "$t/odd.pcap" "$t/odd-be.pcap" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read(); off = 24; recs = []
while off < len(b):
    s, f, cl, ol = struct.unpack('<IIII', b[off:off + 16])
    recs.append([s, f, ol, b[off + 16:off + 16 + cl]]); off += 16 + cl
for i, r in enumerate(recs):
    if i % 97 == 5:
        r[3] = r[3][:i % 6]
    elif i % 89 == 7:
        r[3] = r[3][:13]
    elif i in (300, 2000, 2001, 4500):
        n = 262144 if i == 2001 else 70000 + i
        r[3] = (r[3] + bytes(range(256)) * 1100)[:n]; r[2] = max(r[2], n)
for path, e in ((sys.argv[2], '<'), (sys.argv[3], '>')):
    out = bytearray(struct.pack(e + 'IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    for s, f, ol, d in recs:
        out += struct.pack(e + 'IIII', s, f, len(d), ol) + d
    open(path, 'wb').write(out)
EOF
for f in odd odd-be; do
	expect 0 "-w $f" -- "$lb" -c "$root/etc" -r "$t/$f.pcap" -w "$t/$f-w.pcap" --split "$t/$f-s" \
		--stats "$t/$f-w.json"
done
expect 0 "-w odd --libpcap-io" -- "$lb" -c "$root/etc" -r "$t/odd.pcap" -w "$t/odd-l.pcap" \
	--libpcap-io --stats "$t/odd-l.json"
cmp -s "$t/odd-w.pcap" "$t/odd-l.pcap" && ok || bad "-w pass-through differs from --libpcap-io"
cmp -s "$t/odd-be-w.pcap" "$t/odd-l.pcap" && ok || bad "-w of big-endian input differs"
for f in odd-be-w odd-l; do
	python3 -c 'import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:])
assert a["outputs"]["unrewritten"] == b["outputs"]["unrewritten"] > 0 and a["workers"] == b["workers"], (a, b)' \
		"$t/odd-w.json" "$t/$f.json" && ok || bad "-w pass-through counters differ ($f)"
done
tcpdump_ok "$t/odd-w.pcap" "$($chk count "$t/odd.pcap")"
# Frames dropped by policy leave gaps in the records passed through.
variant drop non_ip drop
expect 0 "-w non-IP dropped" -- "$lb" -c "$t/drop" -r "$t/odd.pcap" -w "$t/odd-d.pcap"
expect 0 "-w non-IP dropped, libpcap" -- "$lb" -c "$t/drop" -r "$t/odd.pcap" -w "$t/odd-dl.pcap" \
	--libpcap-io
cmp -s "$t/odd-d.pcap" "$t/odd-dl.pcap" && ok || bad "-w with drops differs from --libpcap-io"
[ "$($chk count "$t/odd-d.pcap")" -lt "$($chk count "$t/odd.pcap")" ] && ok ||
	bad "non_ip = drop dropped nothing"

# --- --stats content
python3 - "$t/s.json" "$total" <<'EOF' >"$t/chk" 2>&1 && ok || { bad "stats content"; cat "$t/chk"; }
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
expect 0 "stats to stdout" -- "$lb" -c "$root/etc" -r "$t/tcp.pcap" --stats -
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$t/out" && ok || bad "--stats - is not JSON"

# --- --fail moves only the failed worker's flows
rm -rf "$t/sf"
expect 0 "fail worker-2" -- "$lb" -c "$root/etc" -r "$t/all.pcap" --split "$t/sf" --fail worker-2 \
	--stats "$t/sf.json"
check "failover" -- failover "$t/all.pcap" "$t/all.truth" "$t/s" "$t/sf" worker-2 outer
[ "$($chk count "$t/sf/worker-2.pcap")" -eq 0 ] && ok || bad "failed worker-2 still got packets"
expect 2 "fail unknown worker" -- "$lb" -c "$root/etc" -r "$t/all.pcap" --fail worker-9
has "$t/err" "worker-9" "unknown --fail named"

# --- SIGHUP: re-plan between two packets (worker-4 removed from node.cfg)
"$ctl" synth --flows 400 --seed 21 --mix tcp,udp,ipv6 --out "$t/h.pcap"
cp -r "$root/etc" "$t/ha" && cp -r "$root/etc" "$t/hb"
python3 - "$t/hb/node.cfg" <<'EOF'
import sys
p = sys.argv[1]; s = open(p).read(); i = s.index('[worker-4]'); open(p, 'w').write(s[:i])
EOF
rm -rf "$t/ra" "$t/rb" "$t/rh"
"$lb" -c "$t/ha" -r "$t/h.pcap" --split "$t/ra" && "$lb" -c "$t/hb" -r "$t/h.pcap" --split "$t/rb"
k=1500
$chk head "$t/h.pcap" "$t/h1" "$t/h2" $k
mkfifo "$t/fifo"
cp -r "$t/ha" "$t/hc"
"$lb" -c "$t/hc" -r - --split "$t/rh" --stats "$t/rh.json" <"$t/fifo" &
pid=$!
exec 3>"$t/fifo"
cat "$t/h1" >&3
# Bounded poll: steerlb has taken all of part one when it sleeps reading the empty pipe.
for _ in $(seq 200); do
	grep -q pipe_read "/proc/$pid/wchan" 2>/dev/null && break
	sleep 0.05
done
cp "$t/hb/node.cfg" "$t/hc/node.cfg"
kill -HUP $pid
cat "$t/h2" >&3
exec 3>&-
wait $pid && ok || bad "steerlb with SIGHUP failed"
check "sighup re-plan" -- replan "$t/h.pcap" "$t/ra" "$t/rb" "$t/rh" $k
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["replans"] == 1' "$t/rh.json" &&
	ok || bad "stats do not count the re-plan"

# --- pcapng and nanosecond timestamps, through libpcap: the same outputs as from pcap
"$ctl" synth --flows 100 --seed 3 --nano --out "$t/n.pcap" --truth "$t/n.truth"
$chk pcapng "$t/n.pcap" "$t/n.pcapng"
rm -rf "$t/n1" "$t/n2"
expect 0 "nano pcap" -- "$lb" -c "$root/etc" -r "$t/n.pcap" --split "$t/n1"
expect 0 "pcapng" -- "$lb" -c "$root/etc" -r "$t/n.pcapng" --split "$t/n2"
same=1
for f in "$t"/n1/*.pcap; do cmp -s "$f" "$t/n2/$(basename "$f")" || same=0; done
[ $same = 1 ] && ok || bad "pcapng input gives other outputs than the same pcap"
head -c 4 "$t/n1/worker-1.pcap" | od -An -tx1 | grep -q '4d 3c b2 a1' && ok ||
	bad "nanosecond magic not kept"
expect 0 "nano -w" -- "$lb" -c "$root/etc" -r "$t/n.pcap" -w "$t/nw.pcap"
expect 0 "nano -w libpcap" -- "$lb" -c "$root/etc" -r "$t/n.pcap" -w "$t/nwl.pcap" --libpcap-io
cmp -s "$t/nw.pcap" "$t/nwl.pcap" && ok || bad "nanosecond -w differs from --libpcap-io"

# --- bad input: truncated capture -> exit 1, packet number and offset, valid partial outputs
off=$($chk cut "$t/all.pcap" "$t/cut.pcap" 1000)
for io in "" --libpcap-io; do
	rm -rf "$t/c"
	expect 1 "truncated $io" -- "$lb" -c "$root/etc" -r "$t/cut.pcap" --split "$t/c" $io \
		-w "$t/c.pcap" --stats "$t/c.json"
	has "$t/err" "packet 1000 at byte offset $off" "damage located $io"
	for f in "$t"/c/*.pcap; do tcpdump_ok "$f" "$($chk count "$f")"; done
	[ "$($chk count "$t"/c/*.pcap)" -eq 999 ] && ok || bad "partial split is not the 999 packets"
	tcpdump_ok "$t/c.pcap" 999
	cp "$t/c.pcap" "$t/c-io$io.pcap"
	grep -q '"error": "packet 1000' "$t/c.json" && ok || bad "stats do not report the damage"
done
cmp -s "$t/c-io.pcap" "$t/c-io--libpcap-io.pcap" && ok || bad "truncated: -w outputs differ by io path"
# A record header claiming an absurd length is corrupt, located the same way.
python3 - "$t/all.pcap" "$t/corrupt.pcap" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read()); off = 24
for _ in range(9):
    off += 16 + struct.unpack('<I', b[off + 8:off + 12])[0]
b[off + 8:off + 12] = struct.pack('<I', 0x7fffffff); open(sys.argv[2], 'wb').write(b)
EOF
expect 1 "corrupt record" -- "$lb" -c "$root/etc" -r "$t/corrupt.pcap"
has "$t/err" "packet 10 at byte offset" "corrupt record located"

# --- wrong magic and unknown link type: refused up front, exit 2
head -c 2000 /dev/urandom >"$t/junk.pcap"
printf 'JUNK' | dd of="$t/junk.pcap" conv=notrunc 2>/dev/null
expect 2 "wrong magic" -- "$lb" -c "$root/etc" -r "$t/junk.pcap" --split "$t/j"
has "$t/err" "junk.pcap" "wrong magic names the file"
python3 - "$t/tcp.pcap" "$t/lt.pcap" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[20:24] = struct.pack('<I', 147)
open(sys.argv[2], 'wb').write(b)
EOF
expect 2 "unknown link type" -- "$lb" -c "$root/etc" -r "$t/lt.pcap" --split "$t/lt"
has "$t/err" "link type 147" "link type named"
# Raw IP has no MAC to rewrite: -w refused, --split fine.
python3 - "$t/tcp.pcap" "$t/raw.pcap" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read(); out = bytearray(b[:20] + struct.pack('<I', 101)); off = 24
while off < len(b):
    s, f, cl, ol = struct.unpack('<IIII', b[off:off + 16])
    out += struct.pack('<IIII', s, f, cl - 14, ol - 14) + b[off + 30:off + 16 + cl]; off += 16 + cl
open(sys.argv[2], 'wb').write(out)
EOF
expect 2 "raw -w" -- "$lb" -c "$root/etc" -r "$t/raw.pcap" -w "$t/raw-w.pcap"
rm -rf "$t/rs"
expect 0 "raw split" -- "$lb" -c "$root/etc" -r "$t/raw.pcap" --split "$t/rs"

# --- --emulate: every profile keeps every flow on one worker (both directions, all packets
# accounted for); or a clear refusal when this build has no profiles library.
for prof in "$root"/hwprofiles/*.ini; do
	p=$(basename "$prof" .ini)
	rm -rf "$t/em"
	"$lb" -c "$root/etc" -r "$t/all.pcap" --emulate "$p" --split "$t/em" --stats "$t/em.json" \
		>"$t/out" 2>"$t/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'not available in this build' "$t/err"; then
		echo "note: --emulate not available in this build"
		break
	fi
	[ $rc -eq 0 ] && ok || { bad "--emulate $p: exit $rc"; head -3 "$t/err"; continue; }
	check "emulate $p" -- split "$t/all.pcap" "$t/all.truth" "$t/em" outer "$t/em.json"
done

echo "steerlb: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
