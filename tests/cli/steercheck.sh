#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steercheck.sh STEERCHECK STEERCTL STEERLB: command-line tests of steercheck on captures made by
# steerctl synth and steerlb: a correct split passes with shares matching the weights; each
# steering fault (overlapping filters, asymmetric hash, wrong MAC, dropped direction, one
# capture fed to two workers) is caught with its finding and exit 1; bad captures exit 2 with
# a one-line error; --json parses; --html holds the chart and the tables; plan's static proof.
set -uo pipefail
sc=$1
ctl=$2
lb=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
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
		sed 's/^/  stdout: /' "$t/out" | head -20
		sed 's/^/  stderr: /' "$t/err" | head -10
	fi
}
has() { # has FILE TEXT DESCRIPTION
	if grep -qF -- "$2" "$1"; then ok; else
		bad "$3: '$2' not in:"
		sed 's/^/  /' "$1" | head -20
	fi
}
lines() { # lines FILE N DESCRIPTION: FILE has exactly N lines
	local n
	n=$(wc -l <"$1")
	if [ "$n" -eq "$2" ]; then ok; else bad "$3: $n lines, wanted $2"; sed 's/^/  /' "$1"; fi
}
# json DESCRIPTION PYTHON-EXPRESSION: evaluates it on the JSON in $t/out (as d); true passes.
json() {
	if python3 - "$t/out" "$2" >"$t/py" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2])
if not ok:
    print("false:", sys.argv[2])
    print(json.dumps({k: d.get(k) for k in ("counts", "pass", "imbalance", "workers")})[:1500])
sys.exit(0 if ok else 1)
EOF
	then ok; else bad "$1"; sed 's/^/  /' "$t/py"; fi
}

# pcap.py: small capture surgery (no scapy): frames by destination MAC, one TCP direction
# dropped, and broken files.
cat >"$t/pcap.py" <<'EOF'
import struct, sys
def read(path):
    d = open(path, 'rb').read()
    end = '<' if d[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    recs, off = [], 24
    while off + 16 <= len(d):
        cl = struct.unpack(end + 'I', d[off + 8:off + 12])[0]
        recs.append((d[off:off + 16], d[off + 16:off + 16 + cl]))
        off += 16 + cl
    return d[:24], recs
def write(path, hdr, recs):
    with open(path, 'wb') as f:
        f.write(hdr)
        for h, p in recs:
            f.write(h + p)
cmd, a = sys.argv[1], sys.argv[2:]
if cmd == 'bymac':      # bymac IN OUT MAC[,MAC...]: the frames sent to one of these MACs
    hdr, recs = read(a[0])
    macs = {bytes.fromhex(m.replace(':', '')) for m in a[2].split(',')}
    write(a[1], hdr, [r for r in recs if r[1][:6] in macs])
elif cmd == 'dropdir':  # dropdir IN OUT: drop untagged IPv4 TCP from the higher address
    hdr, recs = read(a[0])
    write(a[1], hdr, [(h, p) for h, p in recs
                      if not (len(p) >= 34 and p[12:14] == b'\x08\x00' and p[23] == 6
                              and p[26:30] > p[30:34])])
elif cmd == 'linktype':  # linktype OUT: a capture of link type 147 (USER0)
    open(a[0], 'wb').write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147)
                           + struct.pack('<IIII', 1, 0, 4, 4) + b'abcd')
elif cmd == 'zero':     # zero OUT: a good frame, then a zero-length record
    open(a[0], 'wb').write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
                           + struct.pack('<IIII', 1, 0, 60, 60) + bytes(60)
                           + struct.pack('<IIII', 2, 0, 0, 0))
EOF
pc="python3 $t/pcap.py"

# Configurations: the bundled etc/, and variants of it.
variant() { # variant NAME KEY VALUE...: etc/ with steer.cfg keys set
	local name=$1
	shift
	[ -d "$t/$name" ] || cp -r "$root/etc" "$t/$name"
	while [ $# -ge 2 ]; do
		sed -i "/^$1 *=/d" "$t/$name/steer.cfg"
		echo "$1 = $2" >>"$t/$name/steer.cfg"
		shift 2
	done
}
etc=$root/etc
variant asym hash toeplitz hash_key ms fields 4-tuple
variant weighted
sed -i '/^\[worker-1\]/a steer.weight = 2' "$t/weighted/node.cfg"
# wrongmac: every worker's MAC pinned as etc/ assigns it, but worker-3's mistyped
variant wrongmac
for i in 1 2 3 4; do
	mac=02:53:54:00:00:0$((i - 1))
	[ "$i" -eq 3 ] && mac=02:53:54:00:00:33
	sed -i "/^\[worker-$i\]/a steer.mac = $mac" "$t/wrongmac/node.cfg"
done
variant vlan delivery vlan
variant bpfsplit profile bpf-split hash xor fields 2-tuple buckets 256
variant bpfbad profile bpf-split

# --- usage
expect 0 "help" -- "$sc" --help
has "$t/out" "Usage: steercheck" "help text"
expect 0 "pcap help" -- "$sc" pcap --help
has "$t/out" "--max-imbalance" "pcap help lists the thresholds"
expect 0 "version" -- "$sc" --version
expect 2 "no command" -- "$sc"
expect 2 "unknown command" -- "$sc" frob
expect 2 "pcap without files" -- "$sc" -c "$etc" pcap
expect 2 "bad --max-imbalance" -- "$sc" -c "$etc" pcap --max-imbalance x a.pcap
has "$t/err" "--max-imbalance" "bad threshold named"
expect 2 "unknown option" -- "$sc" -c "$etc" pcap --frob a.pcap

# --- captures: 2000 flows of every kind, split by steerlb with the right plan
"$ctl" synth --flows 2000 --seed 7 --out "$t/all.pcap" >/dev/null 2>&1 || bad "synth"
"$lb" -c "$etc" -r "$t/all.pcap" --split "$t/good" -w "$t/bal.pcap" || bad "steerlb split"

# A correct split: nothing split, nothing asymmetric, shares as the plan's weights.
expect 0 "correct split" -- "$sc" -c "$etc" pcap "$t"/good/worker-*.pcap
has "$t/out" "RESULT: PASS" "correct split passes"
has "$t/out" "split 0, asymmetric 0" "correct split: no split, no asymmetric"
has "$t/out" "predictions: every flow is held" "steerlb's hash is predicted"
expect 0 "correct split, JSON" -- "$sc" -c "$etc" pcap --json "$t"/good/worker-*.pcap
json "JSON: pass, no findings" 'd["pass"] and d["counts"]["split"] == 0 and d["counts"]["asymmetric"] == 0 and d["findings"] == [] and d["predicted"]'
json "JSON: flow shares match the weights" 'all(abs(w["flows_pct"] - w["expected_pct"]) < 4 for w in d["workers"]) and len(d["workers"]) == 4'
json "JSON: totals" 'd["totals"]["packets"] > 30000 and d["totals"]["flows"] > 2000 and len(d["heaviest"]) == 10'
json "JSON: inputs named" '[i["worker"] for i in d["inputs"]] == ["worker-1", "worker-2", "worker-3", "worker-4"]'
# The same split as WORKER=FILE.
expect 0 "WORKER=FILE" -- "$sc" -c "$etc" pcap worker-1="$t/good/worker-1.pcap" \
	worker-2="$t/good/worker-2.pcap" worker-3="$t/good/worker-3.pcap" worker-4="$t/good/worker-4.pcap"
# The balanced capture (destination MAC names the worker).
expect 0 "balanced capture" -- "$sc" -c "$etc" pcap "$t/bal.pcap"
has "$t/out" "(balanced)" "balanced capture recognised"
# Standard input, and nanosecond captures.
expect 0 "balanced capture on stdin" -- sh -c '"$1" -c "$2" pcap - <"$3"' sh "$sc" "$etc" "$t/bal.pcap"
"$ctl" synth --flows 500 --seed 3 --nano --out "$t/nano.pcap" >/dev/null 2>&1 || bad "synth --nano"
"$lb" -c "$etc" -r "$t/nano.pcap" --split "$t/nano" || bad "steerlb nano"
expect 0 "nanosecond captures" -- "$sc" -c "$etc" pcap --json "$t"/nano/worker-*.pcap
json "nanosecond captures: durations in seconds" '0 < d["totals"]["duration_s"] < 1e6 and d["pass"]'
# Weights: worker-1 with weight 2 gets 2/5 of the flows.
"$lb" -c "$t/weighted" -r "$t/all.pcap" --split "$t/wsplit" || bad "steerlb weighted"
expect 0 "weighted split" -- "$sc" -c "$t/weighted" pcap --json "$t"/wsplit/worker-*.pcap
json "weighted: worker-1 expects 40% and gets it" 'abs(d["workers"][0]["expected_pct"] - 40) < 1 and abs(d["workers"][0]["flows_pct"] - 40) < 4'
# VLAN delivery, balanced: the pushed tag names the worker.
"$lb" -c "$t/vlan" -r "$t/all.pcap" -w "$t/vbal.pcap" || bad "steerlb vlan"
expect 0 "balanced capture, VLAN delivery" -- "$sc" -c "$t/vlan" pcap "$t/vbal.pcap"

# One capture missing: said on stderr, the rest still checked.
expect 0 "three of four captures" -- "$sc" -c "$etc" pcap --max-imbalance 10 "$t"/good/worker-[123].pcap
has "$t/err" "warning: no capture for worker-4" "missing capture named"

# --- faults, each caught with its finding and exit 1
# 1. Overlapping filters: worker-2's filter also takes worker-1's MAC.
$pc bymac "$t/bal.pcap" "$t/o1.pcap" 02:53:54:00:00:00
$pc bymac "$t/bal.pcap" "$t/o2.pcap" 02:53:54:00:00:01,02:53:54:00:00:00
$pc bymac "$t/bal.pcap" "$t/o3.pcap" 02:53:54:00:00:02
$pc bymac "$t/bal.pcap" "$t/o4.pcap" 02:53:54:00:00:03
expect 1 "overlapping filters" -- "$sc" -c "$etc" pcap --json worker-1="$t/o1.pcap" \
	worker-2="$t/o2.pcap" worker-3="$t/o3.pcap" worker-4="$t/o4.pcap"
json "overlap: split flows, duplicated, at worker-1 and worker-2" 'd["counts"]["split"] > 0.1 * d["totals"]["flows"] and d["counts"]["duplicated"] == d["counts"]["split"] and d["findings"][0]["kind"] == "split" and sorted(w["worker"] for w in d["findings"][0]["workers"]) == ["worker-1", "worker-2"] and not d["pass"]'
# 2. An asymmetric hash: Toeplitz with the Microsoft key, checked against the symmetric plan.
"$lb" -c "$t/asym" -r "$t/all.pcap" --split "$t/asplit" || bad "steerlb asym"
expect 1 "asymmetric hash" -- "$sc" -c "$etc" pcap "$t"/asplit/worker-*.pcap
has "$t/out" "asymmetric    tcp" "asymmetric finding listed first"
expect 1 "asymmetric hash, JSON" -- "$sc" -c "$etc" pcap --json "$t"/asplit/worker-*.pcap
json "asymmetric: both directions, different workers" 'd["counts"]["asymmetric"] > 0.25 * d["totals"]["flows"] and d["counts"]["split"] == 0 and d["findings"][0]["kind"] == "asymmetric" and sorted(w["directions"] for w in d["findings"][0]["workers"]) == ["->", "<-"]'
# 3. A wrong MAC for worker-3 at the balancer, seen in the balanced capture.
"$lb" -c "$t/wrongmac" -r "$t/all.pcap" -w "$t/wbal.pcap" || bad "steerlb wrong MAC"
expect 1 "wrong MAC" -- "$sc" -c "$etc" pcap "$t/wbal.pcap"
has "$t/out" "02:53:54:00:00:33 belongs to no worker" "unknown MAC named"
expect 1 "wrong MAC, JSON" -- "$sc" -c "$etc" pcap --json "$t/wbal.pcap"
json "wrong MAC: unknown-dest only" 'd["counts"]["unknown-dest"] == 1 and d["findings"][0]["mac"] == "02:53:54:00:00:33" and d["counts"]["split"] == 0 and d["counts"]["misdirected"] == 0 and d["totals"]["unknown_packets"] > 0'
# 4. A dropped direction: one side of every IPv4 TCP flow never arrives.
$pc dropdir "$t/all.pcap" "$t/drop.pcap"
"$lb" -c "$etc" -r "$t/drop.pcap" --split "$t/dsplit" || bad "steerlb drop"
expect 1 "dropped direction" -- "$sc" -c "$etc" pcap --json "$t"/dsplit/worker-*.pcap
json "dropped direction: one-sided TCP" 'd["counts"]["one-sided-tcp"] > 0.1 * d["totals"]["flows"] and d["counts"]["split"] == 0 and d["counts"]["asymmetric"] == 0 and d["findings"][0]["kind"] == "one-sided-tcp" and d["findings"][0]["flow"]["proto"] == "tcp"'
# 5. The same capture fed to two workers (duplicate conn.log entries).
expect 1 "same capture at two workers" -- "$sc" -c "$etc" pcap worker-1="$t/good/worker-1.pcap" \
	worker-2="$t/good/worker-1.pcap" worker-3="$t/good/worker-3.pcap" worker-4="$t/good/worker-4.pcap"
has "$t/out" "(duplicated: the same packets twice)" "duplicate named"
has "$t/out" "RESULT: FAIL" "duplicate fails"
# Thresholds: tolerating the splits turns the verdict.
expect 0 "--max-split 100%" -- "$sc" -c "$etc" pcap --max-split 100% --no-predict "$t"/asplit/worker-*.pcap
expect 1 "--max-imbalance 1.01" -- "$sc" -c "$etc" pcap --max-imbalance 1.01 "$t"/good/worker-*.pcap
has "$t/out" "imbalance     worker-" "imbalance finding"

# --- HTML: self-contained, chart and tables, everything escaped
mkdir -p "$t/h"
cp "$t/asplit/worker-1.pcap" "$t/h/a<b>&.pcap"
expect 1 "HTML report" -- "$sc" -c "$etc" pcap --html "$t/r.html" worker-1="$t/h/a<b>&.pcap" \
	worker-2="$t/asplit/worker-2.pcap" worker-3="$t/asplit/worker-3.pcap" \
	worker-4="$t/asplit/worker-4.pcap"
has "$t/out" "HTML report: $t/r.html" "HTML path printed"
has "$t/r.html" "<svg xmlns=\"http://www.w3.org/2000/svg\"" "inline SVG"
has "$t/r.html" "<rect class=\"bar" "bars"
has "$t/r.html" "<table id=\"workers\">" "workers table"
has "$t/r.html" "<table class=\"faults\" id=\"asymmetric\">" "asymmetric faults table"
has "$t/r.html" "a&lt;b&gt;&amp;.pcap" "file name escaped"
if grep -q "a<b>" "$t/r.html"; then bad "unescaped file name in HTML"; else ok; fi
if grep -qE "<(script|link|img)" "$t/r.html"; then bad "HTML not self-contained"; else ok; fi

# --- bad captures: exit 2, one line naming the file (and the packet)
head -c 100000 "$t/good/worker-1.pcap" >"$t/trunc.pcap"
expect 2 "truncated capture" -- "$sc" -c "$etc" pcap worker-1="$t/trunc.pcap"
has "$t/err" "trunc.pcap: packet " "truncated: file and packet named"
has "$t/err" "truncated" "truncated: says so"
lines "$t/err" 1 "truncated: one line"
printf 'this is not a capture file at all....' >"$t/magic.pcap"
expect 2 "wrong magic" -- "$sc" -c "$etc" pcap worker-1="$t/magic.pcap"
has "$t/err" "magic.pcap: not a pcap or pcapng file" "wrong magic named"
lines "$t/err" 1 "wrong magic: one line"
$pc linktype "$t/lt.pcap"
expect 2 "unknown link type" -- "$sc" -c "$etc" pcap worker-1="$t/lt.pcap"
has "$t/err" "lt.pcap: link type 147" "link type named"
lines "$t/err" 1 "link type: one line"
$pc zero "$t/zero.pcap"
expect 2 "zero-length record" -- "$sc" -c "$etc" pcap worker-1="$t/zero.pcap"
has "$t/err" "zero.pcap: packet 2: zero-length record" "zero-length named with packet"
lines "$t/err" 1 "zero-length: one line"
expect 2 "missing capture" -- "$sc" -c "$etc" pcap worker-1="$t/none.pcap"
has "$t/err" "none.pcap" "missing capture named"
expect 2 "unknown worker" -- "$sc" -c "$etc" pcap worker-9="$t/good/worker-1.pcap"
has "$t/err" "no worker named 'worker-9'" "unknown worker named"
expect 2 "unnamed capture among named ones" -- "$sc" -c "$etc" pcap "$t/all.pcap" "$t/good/worker-1.pcap"
has "$t/err" "cannot tell which worker" "unnamed capture explained"

# --- plan: the static proof
expect 0 "plan" -- "$sc" -c "$etc" plan
has "$t/out" "RESULT: PASS" "plan passes"
expect 0 "plan --json" -- "$sc" -c "$etc" plan --json
json "plan JSON" 'd["pass"] and d["filters"][0]["compiles"] and d["traffic"]["packets"] > 0 and d["traffic"]["unmatched"] == 0 and d["traffic"]["overmatched"] == 0 and d["traffic"]["buckets_covered"] == d["traffic"]["buckets"]'
expect 0 "plan, VLAN delivery" -- "$sc" -c "$t/vlan" plan
# A pure-BPF hash split (no rewrite): the filters themselves partition the traffic.
expect 0 "plan, bpf-split" -- "$sc" -c "$t/bpfsplit" plan
has "$t/out" "covering 256 of 256 buckets" "bpf-split: every bucket"
# bpf-split with a hash BPF cannot compute: the profile refuses it, no filter, nothing matches.
expect 1 "plan, bpf-split with the default hash" -- "$sc" -c "$t/bpfbad" plan --json
json "bpf-split with the default hash: faults" 'not d["pass"] and not d["profile_check"]["ok"] and not d["filters"][0]["compiles"] and d["traffic"]["unmatched"] == d["traffic"]["packets"]'

# --- probe: the report options on real runs through steerlb, each in a private network
# namespace of its own (unshare: the veth pairs made there vanish with it; nothing outside)
expect 0 "probe help" -- "$sc" probe --help
for o in --html --stats --max-split --no-predict --json; do has "$t/out" "$o" "probe help lists $o"; done
expect 2 "probe: bad --max-split" -- "$sc" -c "$etc" probe --in lo --max-split 101%
has "$t/err" "--max-split" "probe: bad --max-split named"
expect 2 "probe: analysis-only option" -- "$sc" -c "$etc" probe --in lo --max-imbalance 2
cat >"$t/probe-ns.sh" <<'PROBE'
# probe-ns.sh SC LB LBCONF PROBE-ARGS...: tap -> steerlb -> capture point, probed.
sc=$1 lb=$2 lbconf=$3
shift 3
ip link set lo up
ip link add ptap0 type veth peer name lbin0 && ip link add lbout0 type veth peer name pcap0 || exit 9
for l in ptap0 lbin0 lbout0 pcap0; do ip link set "$l" up; done
"$lb" -c "$lbconf" -i lbin0 -o lbout0 2>"$lbconf.log" &
for _ in $(seq 1 100); do grep -q "listening on lbin0" "$lbconf.log" && break; sleep 0.05; done
"$sc" probe --in ptap0 -i pcap0 --kinds tcp,udp,ipv6 --flows 8 --wait 500ms "$@"
rc=$?
kill %1
exit $rc
PROBE
if unshare -rn true 2>/dev/null && command -v ip >/dev/null; then
	cp -r "$t/asym" "$t/lbasym"
	cp -r "$etc" "$t/lbgood"
	probe() { unshare -rn bash "$t/probe-ns.sh" "$sc" "$lb" "$@"; }
	expect 0 "probe through steerlb" -- probe "$t/lbgood" -c "$etc" --stats --html "$t/p.html"
	has "$t/out" "steercheck probe: PASS" "probe passes"
	has "$t/out" "HTML report: $t/p.html" "probe: HTML path printed"
	has "$t/err" "steercheck probe: stats: " "probe: --stats on stderr"
	has "$t/err" "frames sent" "probe: --stats counts the frames"
	has "$t/p.html" "<svg xmlns=\"http://www.w3.org/2000/svg\"" "probe HTML: inline SVG"
	has "$t/p.html" "<table id=\"kinds\">" "probe HTML: kinds table"
	has "$t/p.html" "<table id=\"workers\">" "probe HTML: workers table"
	has "$t/p.html" "PASS</span>" "probe HTML: verdict"
	if grep -qE "<(script|link|img)" "$t/p.html"; then bad "probe HTML not self-contained"; else ok; fi
	# a balancer hashing asymmetrically: asymmetric flows, misdirected frames
	expect 1 "probe, asymmetric balancer" -- probe "$t/lbasym" -c "$etc" --json --html "$t/f.html"
	json "probe, asymmetric balancer: faults" 'not d["pass"] and d["totals"]["asymmetric_flows"] > 0 and d["totals"]["misdirected"] > 0 and d["totals"]["lost"] == 0 and d["totals"]["split_tolerated"] == 0 and d["faults"][0]["fault"] in ("split", "asymmetric")'
	has "$t/f.html" "<table id=\"faults\">" "probe HTML: faults table"
	has "$t/f.html" "FAIL</span>" "probe HTML: FAIL"
	# tolerated: every asymmetric flow (as a percentage, and as a number), predictions off
	expect 0 "probe --max-split 100%" -- probe "$t/lbasym" -c "$etc" --max-split 100% --no-predict --json
	json "probe --max-split 100%: tolerated" 'd["pass"] and d["totals"]["asymmetric_flows"] > 0 and d["totals"]["split_tolerated"] == d["flows"]'
	expect 0 "probe --max-split 24" -- probe "$t/lbasym" -c "$etc" --max-split 24 --no-predict
	has "$t/out" "(tolerated: 24)" "probe: tolerance in the text"
	expect 1 "probe --max-split 0" -- probe "$t/lbasym" -c "$etc" --max-split 0 --no-predict
	expect 2 "probe: unwritable --html" -- probe "$t/lbgood" -c "$etc" --html "$t/no/such/dir/p.html"
	has "$t/err" "$t/no/such/dir/p.html: cannot write" "probe: unwritable HTML named"
else
	echo "note: no unprivileged network namespaces (unshare -rn): probe runs skipped"
fi

echo "steercheck.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
