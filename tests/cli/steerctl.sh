#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steerctl.sh STEERCTL: command-line tests of steerctl: usage and exit codes, hash vectors,
# which, plan (against golden files in tests/data/cli), size (and size --measure).
set -uo pipefail
ctl=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=$root/tests/data/cli
cd "$root"
pass=0 fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# expect CODE DESCRIPTION -- COMMAND...: runs it, keeps stdout/stderr in $out/$err.
expect() {
	local want=$1 what=$2
	shift 3
	"$@" >"$out" 2>"$err"
	local got=$?
	if [ "$got" -eq "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $what: exit $got, wanted $want: $*"
		sed 's/^/  stdout: /' "$out" | head -20
		sed 's/^/  stderr: /' "$err" | head -20
	fi
}
# has FILE TEXT DESCRIPTION: the file contains the fixed string.
has() {
	if grep -qF -- "$2" "$1"; then pass=$((pass + 1)); else
		fail=$((fail + 1))
		echo "FAIL: $3: '$2' not in output:"
		sed 's/^/  /' "$1" | head -20
	fi
}
same() { # same FILE GOLDEN DESCRIPTION
	if diff -u "$2" "$1" >/dev/null; then pass=$((pass + 1)); else
		fail=$((fail + 1))
		echo "FAIL: $3 differs from $2 (tests/refresh-golden regenerates it for review):"
		diff -u "$2" "$1" | head -30
	fi
}

# --- usage and exit codes
expect 0 "help" -- "$ctl" --help
has "$out" "Usage: steerctl [-c DIR] COMMAND" "help text"
expect 0 "version" -- "$ctl" --version
has "$out" "steerctl " "version text"
expect 2 "no command" -- "$ctl"
has "$err" "missing command" "no-command message"
expect 2 "unknown command" -- "$ctl" frobnicate
has "$err" "unknown command 'frobnicate'" "unknown-command message"
expect 2 "unknown option" -- "$ctl" plan --frob
for c in plan which hash size; do
	expect 0 "$c --help" -- "$ctl" $c --help
	has "$out" "Usage: steerctl" "$c help text"
done

# --- hash: Microsoft RSS verification suite and the other balancers' published values
expect 0 "toeplitz ms 4-tuple" -- "$ctl" hash --fn toeplitz --key ms tcp 66.9.149.187:2794 161.142.100.80:1766
same "$out" <(echo 0x51ccc178) "toeplitz ms 4-tuple"
expect 0 "toeplitz ms 2-tuple" -- "$ctl" hash --fn toeplitz --key ms tcp 66.9.149.187 161.142.100.80
same "$out" <(echo 0x323e8fc2) "toeplitz ms 2-tuple"
expect 0 "toeplitz ms IPv6 4-tuple" -- "$ctl" hash --fn toeplitz --key ms tcp '[3ffe:2501:200:1fff::7]:2794' '[3ffe:2501:200:3::1]:1766'
same "$out" <(echo 0x40207d3d) "toeplitz ms IPv6 4-tuple"
expect 0 "toeplitz sym forward" -- "$ctl" hash --fn toeplitz --key sym tcp 66.9.149.187:2794 161.142.100.80:1766
same "$out" <(echo 0x9fcc9fcc) "toeplitz sym forward"
expect 0 "toeplitz sym reverse" -- "$ctl" hash --fn toeplitz tcp 161.142.100.80:1766 66.9.149.187:2794
same "$out" <(echo 0x9fcc9fcc) "toeplitz sym reverse (sym is the default key)"
expect 0 "netmap-lb" -- "$ctl" hash --fn netmap-lb udp 192.168.1.10:51515 8.8.8.8:53
same "$out" <(echo 0x0bc20bc2) "netmap-lb udp"
expect 0 "hash json" -- "$ctl" hash --json --fn toeplitz --key ms tcp 66.9.149.187:2794 161.142.100.80:1766
has "$out" '"hex": "0x51ccc178"' "hash json hex"
has "$out" '"hash": 1372373368' "hash json value"
expect 2 "hash without --fn" -- "$ctl" hash tcp 1.2.3.4:1 5.6.7.8:2
has "$err" "--fn NAME is required" "missing --fn message"
expect 2 "hash bad fn" -- "$ctl" hash --fn md5 tcp 1.2.3.4:1 5.6.7.8:2
expect 2 "hash bad key" -- "$ctl" hash --fn toeplitz --key 00ff tcp 1.2.3.4:1 5.6.7.8:2
expect 2 "key on a keyless hash" -- "$ctl" hash --fn pfring --key ms tcp 1.2.3.4:1 5.6.7.8:2
expect 2 "unsupported fields" -- "$ctl" hash --fn toeplitz --fields 3 tcp 1.2.3.4:1 5.6.7.8:2
expect 2 "mixed families" -- "$ctl" hash --fn default tcp 1.2.3.4:1 '[::1]:2'
has "$err" "not of one address family" "mixed-family message"
expect 2 "port on icmp" -- "$ctl" hash --fn default icmp 1.2.3.4:1 5.6.7.8:2
has "$err" "carries no ports" "icmp-port message"
expect 2 "one port only" -- "$ctl" hash --fn default tcp 1.2.3.4:1 5.6.7.8
expect 2 "bad address" -- "$ctl" hash --fn default tcp 1.2.3.400:1 5.6.7.8:2
expect 2 "bad port" -- "$ctl" hash --fn default tcp 1.2.3.4:70000 5.6.7.8:2

# --- which, on the bundled configuration
expect 0 "which tcp" -- "$ctl" -c etc which tcp 10.1.2.3:51000 192.0.2.7:443
has "$out" "(same worker)" "which reports both directions"
fwd=$(sed -n 's/.*worker \(worker-[0-9]*\).*/\1/p' "$out" | head -1)
expect 0 "which reverse" -- "$ctl" -c etc which tcp 192.0.2.7:443 10.1.2.3:51000
has "$out" "worker $fwd" "reverse flow reaches the same worker"
expect 0 "which json ipv6" -- "$ctl" -c etc which --json udp '[2001:db8::1]:5353' '[2001:db8::2]:53'
for k in '"worker": "worker-' '"bucket": ' '"hash": ' '"same_worker": true' '"mac": "02:53:54:'; do
	has "$out" "$k" "which json field $k"
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["reverse"]["worker"]==d["worker"]' "$out" \
	&& pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: which --json is not valid JSON"; }
expect 0 "which icmp" -- "$ctl" -c etc which icmp 10.9.8.7 192.0.2.1
STEER_CONFIG_DIR=etc expect 0 "config from STEER_CONFIG_DIR" -- "$ctl" which tcp 10.0.0.1:1 10.0.0.2:2
expect 2 "which without config" -- "$ctl" -c /nonexistent which tcp 10.0.0.1:1 10.0.0.2:2
has "$err" "/nonexistent/node.cfg" "missing config names the file"

# An asymmetric balancer (Toeplitz with the Microsoft key) splits flows: which says so, exit 1.
split=0
for i in $(seq 1 20); do
	"$ctl" -c "$data/asym" which tcp "10.0.0.$i:$((40000 + i))" 192.0.2.80:443 >"$out" 2>"$err"
	rc=$?
	if [ $rc -eq 1 ] && grep -qF "DIFFERENT worker" "$out"; then split=$((split + 1)); fi
	[ $rc -le 1 ] || { fail=$((fail + 1)); echo "FAIL: asym which exit $rc"; cat "$err"; }
done
if [ $split -gt 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: no split flow found with the Microsoft key"; fi

# --- plan
expect 0 "plan" -- "$ctl" -c etc plan
same "$out" "$data/plan.txt" "plan text"
expect 0 "plan json" -- "$ctl" -c etc plan --json
same "$out" "$data/plan.json" "plan json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["table"])==d["buckets"]==4096; assert [w["buckets"] for w in d["workers"]]==[1024]*4' "$out" \
	&& pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: plan --json content"; }
expect 0 "plan check" -- "$ctl" -c etc plan --check
has "$out" "configuration OK: 4 workers, 4096 buckets" "plan --check summary"
expect 2 "plan check on a bad config" -- "$ctl" -c "$root/tests/data/config/duplicate-mac" plan --check
has "$err" "duplicate MAC" "bad config error line"
expect 2 "plan extra argument" -- "$ctl" -c etc plan extra

# --- size
expect 0 "size 2Gbps" -- "$ctl" size --peak 2Gbps
has "$out" "peak 2048 Mbps / 250 Mbps per core = 8.2 cores" "size arithmetic"
has "$out" "workers: 9" "size workers"
has "$out" "hosts: 1" "size hosts"
has "$out" "assumes: one core per 250 Mbps" "size states its assumption"
expect 0 "size json" -- "$ctl" size --json --peak 10Gbps --per-core 500Mbps --cores-per-host 8 --reserve 2
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert (d["workers"],d["hosts"],d["workers_per_host"])==(21,4,6), d' "$out" \
	&& pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: size --json values"; cat "$out"; }
expect 2 "size without peak" -- "$ctl" size
expect 2 "size bad rate" -- "$ctl" size --peak fast
expect 2 "size rate without unit" -- "$ctl" size --peak 2000
has "$err" "needs a unit" "unit message"
expect 2 "size reserve too big" -- "$ctl" size --peak 1Gbps --cores-per-host 4 --reserve 4

# --- size --measure: the worker's analysis timed on a trace, beside the rule
mtrace=$(mktemp --suffix=.pcap)
"$ctl" synth --flows 2000 --seed 4 --out "$mtrace" >/dev/null
expect 0 "size --measure --peak" -- "$ctl" size --measure "$mtrace" --peak 2Gbps
has "$out" "peak 2048 Mbps / 250 Mbps per core = 8.2 cores" "size --measure keeps the rule's figures"
has "$out" "measured on $mtrace: " "size --measure names the trace"
has "$out" "Mbps per core" "size --measure gives the measured rate"
expect 0 "size --measure --json" -- "$ctl" -c etc size --measure "$mtrace" --json
python3 - "$out" "$mtrace" <<'PY' && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: size --measure --json"; cat "$out"; }
import json, struct, sys
d = json.load(open(sys.argv[1]))
m = d["measured"]
raw = open(sys.argv[2], "rb").read()
o, n, wire = 24, 0, 0
while o + 16 <= len(raw):
    caplen, length = struct.unpack("<II", raw[o + 8:o + 16])
    o += 16 + caplen
    n += 1
    wire += length
assert (m["packets"], m["bytes"]) == (n, wire), (m, n, wire)
assert m["connections"] > 1000 and m["per_core_mbps"] > 0 and m["analysis_seconds"] > 0, m
# no --peak: the trace's busiest second is the peak of both sizings
assert d["peak_mbps"] == m["peak_mbps"] == m["trace_peak_mbps"] > 0, d
assert abs(m["cores"] - m["peak_mbps"] / m["per_core_mbps"]) < 0.01 and m["workers"] >= 1, m
PY
expect 2 "size --measure a missing trace" -- "$ctl" size --measure /nonexistent/t.pcap
has "$err" "/nonexistent/t.pcap" "size --measure names the missing trace"
head -c 5000 "$mtrace" >"$mtrace.cut"
expect 2 "size --measure a damaged trace" -- "$ctl" size --measure "$mtrace.cut"
has "$err" "at byte offset" "size --measure says where the trace is damaged"
rm -f "$mtrace" "$mtrace.cut"

echo "steerctl CLI: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
