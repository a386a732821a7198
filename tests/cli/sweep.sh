#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# sweep.sh BINDIR [SEED [N]]: the mutation and truncation sweeps that found issue 13's defects,
# kept: N damaged captures (cut at every kind of place, header fields and record lengths
# changed, bytes overwritten) and N damaged configurations (lines dropped, doubled or cut,
# values replaced by garbage, long or not UTF-8) made deterministically from SEED, and every
# command run on each: steerlb (file and stdin), steercheck pcap, steerd -r, steerctl size
# --measure on the captures; steerctl plan --check and generate, steercheck plan, steerlb and
# steerd --check on the configurations. Each run must end by itself with an exit code of
# 0, 1 or 2 (no signal, no sanitizer report: run it in the ASan build), and a refusal must be
# said on stderr, every line "PROG: ..." naming the damaged file.
set -uo pipefail
bin=$(cd "$1" && pwd)
seed=${2:-13}
n=${3:-40}
lb=$bin/steerlb ctl=$bin/steerctl sc=$bin/steercheck sd=$bin/steerd
. "$(dirname "$0")/../lib/harness.sh"
th_init sweep
etc=$TH_ROOT/etc
"$ctl" synth --flows 60 --seed "$seed" --mix all --out "$T/t.pcap" || bad "synth"
runs=0

# run WHAT ALLOWED NAME -- COMMAND...: COMMAND ends by itself (60 s) with an exit code in
# ALLOWED (e.g. "0 1 2"); no sanitizer report; exit 2 (usage or input error), and exit 1 of
# any command but steercheck (whose 1 is a verdict on stdout), is said on stderr, every line
# starting "PROG:" and one naming NAME (a file or directory; "" for none).
run() {
	local what=$1 allowed=$2 name=$3 rc
	shift 4
	runs=$((runs + 1))
	timeout -k 5 60 "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	case " $allowed " in
	*" $rc "*) ok ;;
	*) bad "$what: exit $rc (allowed: $allowed): $*"; sed 's/^/  /' "$T/err" | head -5; return ;;
	esac
	if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehavior" "$T/err"; then
		bad "$what: sanitizer report: $*"
		grep -m3 -E "Sanitizer|runtime error" "$T/err" | sed 's/^/  /'
	fi
	[ "$rc" -eq 0 ] && return
	[ "$rc" -eq 1 ] && [ "$(basename "$1")" = steercheck ] && return
	if [ ! -s "$T/err" ]; then
		bad "$what: exit $rc without a message: $*"
	elif grep -qvE '^steer(lb|ctl|check|d)( [a-z]+)?: ' "$T/err"; then
		bad "$what: a message line without the command's name: $(grep -m1 -vE '^steer(lb|ctl|check|d)( [a-z]+)?: ' "$T/err")"
	elif [ -n "$name" ] && ! grep -qF -- "$name" "$T/err"; then
		bad "$what: the message does not name $name: $(head -2 "$T/err")"
	fi
}

# ---- captures --------------------------------------------------------------------------------
mkdir -p "$T/cap"
python3 - "$T/t.pcap" "$T/cap" "$seed" "$n" <<'EOF'
import random, struct, sys, pcap
src, out, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed)
raw = open(src, 'rb').read()
offs = pcap.record_offsets(src)[1]
def put32(b, at, v): b[at:at + 4] = struct.pack('<I', v & 0xffffffff)
def mutants():
    yield 'empty', b''
    yield 'magic-only', raw[:4]
    for cut in (23, 24, 25, 39, 40, 41):
        yield f'cut{cut}', raw[:cut]
    k = 0
    while True:
        b = bytearray(raw)
        kind = rnd.choice(['cut', 'caplen', 'snaplen', 'linktype', 'version', 'bytes', 'len',
                           'magic', 'ts'])
        rec = rnd.choice(offs)
        if kind == 'cut':
            b = b[:rnd.randrange(len(b))]
        elif kind == 'caplen':
            put32(b, rec + 8, rnd.choice([0, 1, 13, 65536, 262144, 262145, 0xffffffff,
                                          struct.unpack('<I', b[rec + 8:rec + 12])[0] + 1]))
        elif kind == 'snaplen':
            put32(b, 16, rnd.choice([0, 1, 14, 60, 0x7fffffff, 0xffffffff]))
        elif kind == 'linktype':
            put32(b, 20, rnd.choice([0, 12, 101, 113, 147, 228, 229, 276, 0x7fffffff,
                                     1 | 0x10000000]))
        elif kind == 'version':
            b[4:8] = struct.pack('<HH', rnd.choice([1, 2, 3]), rnd.choice([0, 3, 4, 5, 0xffff]))
        elif kind == 'bytes':
            for _ in range(rnd.randrange(1, 40)):
                i = rnd.randrange(24, len(b))
                b[i] = rnd.randrange(256)
        elif kind == 'len':
            put32(b, rec + 12, rnd.choice([0, 1, 0xffffffff]))
        elif kind == 'magic':
            b[0:4] = rnd.choice([b'\x0a\x0d\x0d\x0a', b'\xa1\xb2\xc3\xd4', b'\x4d\x3c\xb2\xa1',
                                 b'NOPE'])
        elif kind == 'ts':
            put32(b, rec + 4, rnd.choice([1000000, 999999999, 1000000000, 0xffffffff]))
        k += 1
        yield f'{k:03d}-{kind}', bytes(b)
for i, (name, data) in zip(range(n), mutants()):
    open(f'{out}/{name}.pcap', 'wb').write(data)
EOF
for m in "$T"/cap/*.pcap; do
	b=$(basename "$m")
	rm -rf "$T/split" "$T/logs"
	run "steerlb $b" "0 1 2" "$b" -- "$lb" -c "$etc" -r "$m" --split "$T/split" -w "$T/w.pcap" \
		--stats "$T/s.json"
	# whatever steerlb wrote is a capture the others read
	if [ -s "$T/w.pcap" ]; then
		run "steercheck on steerlb's output of $b" "0 1" "" -- "$sc" -c "$etc" pcap "$T/w.pcap"
	fi
	run "steerlb stdin $b" "0 1 2" "-" -- sh -c "exec '$lb' -c '$etc' -r - --stats - <'$m'"
	run "steercheck $b" "0 1 2" "$b" -- "$sc" -c "$etc" pcap --no-progress worker-1="$m"
	run "steerd -r $b" "0 1 2" "$b" -- "$sd" -r "$m" --log-dir "$T/logs" --seed 1
	run "size --measure $b" "0 2" "$b" -- "$ctl" size --measure "$m" --peak 1Gbps
done

# ---- configurations --------------------------------------------------------------------------
python3 - "$etc" "$T/cfg" "$seed" "$n" <<'EOF'
import os, random, shutil, sys
etc, out, seed, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed + 1)
files = ['node.cfg', 'steer.cfg', 'networks.cfg', 'notice.cfg']
garbage = ['', ' ', '=', '[', ']', '[x', 'worker:', 'worker:nobody', '-1', '0', '4294967296',
           '99999999999999999999', '1e309', 'nan', '0x', 'ff:ff:ff:ff:ff:ff', '::', '../../x',
           'a' * 5000, 'w\xff\xfe', '\x01\x02', 'yes', 'no', 'toeplitz', 'xor', 'vlan', 'port',
           'openflow13', 'inner', '65536', '1/33', '10.0.0.0/8 x', '%s%n%x']
for i in range(n):
    d = f'{out}/{i:03d}'
    shutil.copytree(etc, d)
    f = rnd.choice(files)
    path = f'{d}/{f}'
    text = open(path, 'rb').read().decode('utf-8', 'surrogateescape')
    lines = text.split('\n')
    kind = rnd.choice(['drop', 'double', 'cut', 'value', 'value', 'value', 'key', 'section',
                       'binary'])
    j = rnd.randrange(len(lines))
    if kind == 'drop':
        del lines[j]
    elif kind == 'double':
        lines.insert(j, lines[j])
    elif kind == 'cut':
        text = text[:rnd.randrange(len(text) + 1)]
        lines = text.split('\n')
    elif kind == 'value':
        cand = [k for k, l in enumerate(lines) if '=' in l and not l.lstrip().startswith('#')]
        if cand:
            k = rnd.choice(cand)
            lines[k] = lines[k].split('=')[0] + '= ' + rnd.choice(garbage)
    elif kind == 'key':
        lines.insert(j, rnd.choice(['steer.mac', 'type', 'lb_procs', 'hash', 'buckets',
                                    'steer.weight', 'non_ip', 'steer.vlan', 'delivery']) +
                     ' = ' + rnd.choice(garbage))
    elif kind == 'section':
        lines.insert(j, '[' + rnd.choice(['worker-1', 'w/1', '..', 'a' * 80, 'worker-9',
                                          'manager', 'x\xff']) + ']')
    elif kind == 'binary':
        lines.insert(j, ''.join(chr(rnd.randrange(1, 256)) for _ in range(40)))
    open(path, 'wb').write('\n'.join(lines).encode('utf-8', 'surrogateescape'))
    open(f'{d}/.mutation', 'w').write(f'{f} {kind}\n')
EOF
for d in "$T"/cfg/*/; do
	d=${d%/}
	what="config $(basename "$d") ($(cat "$d/.mutation"))"
	run "$what: plan --check" "0 2" "$d" -- "$ctl" -c "$d" plan --check
	run "$what: generate" "0 2" "$d" -- "$ctl" -c "$d" generate --out "$T/gen" --force
	run "$what: steercheck plan" "0 1 2" "$d" -- "$sc" -c "$d" plan
	run "$what: steerlb" "0 2" "$d" -- "$lb" -c "$d" -r "$T/t.pcap"
	run "$what: steerd --check" "0 1 2" "$d" -- "$sd" -c "$d" --node worker-1 --check
done

echo "sweep: $runs runs (seed $seed, $n captures, $n configurations)"
th_done
