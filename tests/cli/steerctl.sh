#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steerctl.sh STEERCTL: command-line tests of steerctl: usage and exit codes, hash vectors,
# which, plan (against golden files in tests/data/cli), size (and size --measure).
set -uo pipefail
ctl=$1
. "$(dirname "$0")/../lib/harness.sh"
th_init cli_steerctl
data=$TH_ROOT/tests/data/cli
cd "$TH_ROOT"

# --- usage and exit codes
expect 0 "help" -- "$ctl" --help
has "$T/out" "Usage: steerctl [-c DIR] COMMAND" "help text"
expect 0 "version" -- "$ctl" --version
has "$T/out" "steerctl " "version text"
expect 2 "no command" -- "$ctl"
has "$T/err" "missing command" "no-command message"
expect 2 "unknown command" -- "$ctl" frobnicate
has "$T/err" "unknown command 'frobnicate'" "unknown-command message"
expect 2 "unknown option" -- "$ctl" plan --frob
for c in plan which hash size; do
	expect 0 "$c --help" -- "$ctl" $c --help
	has "$T/out" "Usage: steerctl" "$c help text"
done

# --- hash: Microsoft RSS verification suite and the other balancers' published values
expect 0 "toeplitz ms 4-tuple" -- "$ctl" hash --fn toeplitz --key ms tcp 66.9.149.187:2794 161.142.100.80:1766
same "$T/out" <(echo 0x51ccc178) "toeplitz ms 4-tuple"
expect 0 "toeplitz ms 2-tuple" -- "$ctl" hash --fn toeplitz --key ms tcp 66.9.149.187 161.142.100.80
same "$T/out" <(echo 0x323e8fc2) "toeplitz ms 2-tuple"
expect 0 "toeplitz ms IPv6 4-tuple" -- "$ctl" hash --fn toeplitz --key ms tcp '[3ffe:2501:200:1fff::7]:2794' '[3ffe:2501:200:3::1]:1766'
same "$T/out" <(echo 0x40207d3d) "toeplitz ms IPv6 4-tuple"
expect 0 "toeplitz sym forward" -- "$ctl" hash --fn toeplitz --key sym tcp 66.9.149.187:2794 161.142.100.80:1766
same "$T/out" <(echo 0x9fcc9fcc) "toeplitz sym forward"
expect 0 "toeplitz sym reverse" -- "$ctl" hash --fn toeplitz tcp 161.142.100.80:1766 66.9.149.187:2794
same "$T/out" <(echo 0x9fcc9fcc) "toeplitz sym reverse (sym is the default key)"
expect 0 "netmap-lb" -- "$ctl" hash --fn netmap-lb udp 192.168.1.10:51515 8.8.8.8:53
same "$T/out" <(echo 0x0bc20bc2) "netmap-lb udp"
expect 0 "hash json" -- "$ctl" hash --json --fn toeplitz --key ms tcp 66.9.149.187:2794 161.142.100.80:1766
has "$T/out" '"hex": "0x51ccc178"' "hash json hex"
has "$T/out" '"hash": 1372373368' "hash json value"
expect 2 "hash without --fn" -- "$ctl" hash tcp 1.2.3.4:1 5.6.7.8:2
has "$T/err" "--fn NAME is required" "missing --fn message"
expect 2 "hash bad fn" -- "$ctl" hash --fn md5 tcp 1.2.3.4:1 5.6.7.8:2
expect 2 "hash bad key" -- "$ctl" hash --fn toeplitz --key 00ff tcp 1.2.3.4:1 5.6.7.8:2
expect 2 "key on a keyless hash" -- "$ctl" hash --fn pfring --key ms tcp 1.2.3.4:1 5.6.7.8:2
expect 2 "unsupported fields" -- "$ctl" hash --fn toeplitz --fields 3 tcp 1.2.3.4:1 5.6.7.8:2
expect 2 "mixed families" -- "$ctl" hash --fn default tcp 1.2.3.4:1 '[::1]:2'
has "$T/err" "not of one address family" "mixed-family message"
expect 2 "port on icmp" -- "$ctl" hash --fn default icmp 1.2.3.4:1 5.6.7.8:2
has "$T/err" "carries no ports" "icmp-port message"
expect 2 "one port only" -- "$ctl" hash --fn default tcp 1.2.3.4:1 5.6.7.8
expect 2 "bad address" -- "$ctl" hash --fn default tcp 1.2.3.400:1 5.6.7.8:2
expect 2 "bad port" -- "$ctl" hash --fn default tcp 1.2.3.4:70000 5.6.7.8:2

# --- which, on the bundled configuration
expect 0 "which tcp" -- "$ctl" -c etc which tcp 10.1.2.3:51000 192.0.2.7:443
has "$T/out" "(same worker)" "which reports both directions"
fwd=$(sed -n 's/.*worker \(worker-[0-9]*\).*/\1/p' "$T/out" | head -1)
expect 0 "which reverse" -- "$ctl" -c etc which tcp 192.0.2.7:443 10.1.2.3:51000
has "$T/out" "worker $fwd" "reverse flow reaches the same worker"
expect 0 "which json ipv6" -- "$ctl" -c etc which --json udp '[2001:db8::1]:5353' '[2001:db8::2]:53'
for k in '"worker": "worker-' '"bucket": ' '"hash": ' '"same_worker": true' '"mac": "02:53:54:'; do
	has "$T/out" "$k" "which json field $k"
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["reverse"]["worker"]==d["worker"]' "$T/out" \
	&& ok || { bad "which --json is not valid JSON"; }
expect 0 "which icmp" -- "$ctl" -c etc which icmp 10.9.8.7 192.0.2.1
STEER_CONFIG_DIR=etc expect 0 "config from STEER_CONFIG_DIR" -- "$ctl" which tcp 10.0.0.1:1 10.0.0.2:2
expect 2 "which without config" -- "$ctl" -c /nonexistent which tcp 10.0.0.1:1 10.0.0.2:2
has "$T/err" "/nonexistent/node.cfg" "missing config names the file"

# An asymmetric balancer (Toeplitz with the Microsoft key) splits flows: which says so, exit 1.
split=0
for i in $(seq 1 20); do
	"$ctl" -c "$data/asym" which tcp "10.0.0.$i:$((40000 + i))" 192.0.2.80:443 >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -qF "DIFFERENT worker" "$T/out"; then split=$((split + 1)); fi
	[ $rc -le 1 ] || { bad "asym which exit $rc"; cat "$T/err"; }
done
if [ $split -gt 0 ]; then ok; else bad "no split flow found with the Microsoft key"; fi

# --- which -: many flows from standard input, one result per line, each the same as asking
# about that flow alone
{
	echo "# flows, one per line"
	for i in $(seq 1 12); do echo "tcp 10.1.$i.3:$((51000 + i)) 192.0.2.$i:443"; done
	echo
	echo "udp [2001:db8::$i]:5353 [2001:db8::2]:53"
	echo "  icmp	10.9.8.7   192.0.2.1  "
	echo "17 10.0.0.1:1 10.0.0.2:2"
	echo "sctp 10.0.0.1:5060 10.0.0.2:5061"
} >"$T/flows"
grep -v '^#' "$T/flows" | grep -c . >"$T/nflows"
expect 0 "which - (text)" -- sh -c '"$1" -c etc which - <"$2"' sh "$ctl" "$T/flows"
lines "$T/out" "$(cat "$T/nflows")" "which -: one line per flow"
has "$T/out" "flow icmp 10.9.8.7 -> 192.0.2.1  hash " "which -: the flow and its decision on one line"
expect 0 "which --json -" -- sh -c '"$1" -c etc which --json - <"$2"' sh "$ctl" "$T/flows"
cp "$T/out" "$T/batch.json"
n=0
while read -r proto src dst; do
	case $proto in '' | '#'*) continue ;; esac
	n=$((n + 1))
	"$ctl" -c etc which --json "$proto" "$src" "$dst" >"$T/one-$n.json" 2>&1 || bad "which $proto $src $dst"
done <"$T/flows"
check "which --json -: each line as 'which' of that flow alone" -- python3 -c '
import json, sys
batch = open(sys.argv[1]).read().splitlines()
assert len(batch) == int(sys.argv[2]), "%d lines for %s flows" % (len(batch), sys.argv[2])
for i, line in enumerate(batch, 1):
    one = json.load(open("%s/one-%d.json" % (sys.argv[3], i)))
    assert json.loads(line) == one, "line %d: %s, alone: %s" % (i, line, one)' "$T/batch.json" "$n" "$T"
# --vlan applies to every flow; an empty input answers nothing
expect 0 "which --vlan -" -- sh -c 'echo "tcp 10.0.0.1:1 10.0.0.2:2" | "$1" -c etc which --json --vlan 7 -' sh "$ctl"
"$ctl" -c etc which --json --vlan 7 tcp 10.0.0.1:1 10.0.0.2:2 | tr -d ' \n' >"$T/one.json"
echo >>"$T/one.json"
same "$T/out" "$T/one.json" "which --vlan - and which --vlan"
expect 0 "which - on nothing" -- sh -c '"$1" -c etc which - </dev/null' sh "$ctl"
lines "$T/out" 0 "which - on nothing: no output"
# a split flow among them: exit 1, every line answered
expect 1 "which - with a split flow" -- sh -c '"$1" -c "$2" which - <"$3"' sh "$ctl" "$data/asym" "$T/flows"
lines "$T/out" "$(cat "$T/nflows")" "which - with a split flow: one line per flow"
has "$T/out" "DIFFERENT worker" "which -: the split flow is named"
# a line that is not a flow: exit 2 naming it; the lines before are answered, none after
printf 'tcp 10.0.0.1:1 10.0.0.2:2\n\nudp 10.0.0.1:1 10.0.0.400:2\ntcp 10.0.0.1:1 10.0.0.2:2\n' >"$T/badflows"
expect 2 "which - with a bad address" -- sh -c '"$1" -c etc which - <"$2"' sh "$ctl" "$T/badflows"
lines "$T/out" 1 "which - stops at the bad line"
has "$T/err" "steerctl which: stdin line 3: '10.0.0.400:2' is not an address or ADDR:PORT" "bad line named"
lines "$T/err" 1 "which -: one line of error"
for l in "frob 1.2.3.4 5.6.7.8|unknown protocol 'frob'" "300 1.2.3.4 5.6.7.8|protocol: 300 is out of range" \
	"tcp 1.2.3.4:1 5.6.7.8|give a port with both addresses or with neither" \
	"icmp 1.2.3.4:1 5.6.7.8:2|protocol icmp carries no ports" "tcp 1.2.3.4:1|expected PROTO SRC[:PORT] DST[:PORT]" \
	"tcp 1.2.3.4 5.6.7.8 9|expected PROTO SRC[:PORT] DST[:PORT]" "tcp 1.2.3.4 ::1|1.2.3.4 and ::1 are not of one address family"; do
	expect 2 "which - on '${l%%|*}'" -- sh -c 'printf "%s\n" "$2" | "$1" -c etc which -' sh "$ctl" "${l%%|*}"
	has "$T/err" "steerctl which: stdin line 1: ${l#*|}" "which - on '${l%%|*}': named"
	lines "$T/err" 1 "which - on '${l%%|*}': one line"
done
expect 2 "which - and a flow" -- "$ctl" -c etc which - tcp 10.0.0.1:1 10.0.0.2:2
expect 0 "which --help mentions -" -- "$ctl" which --help
has "$T/out" "read the flows from standard input" "which --help: -"

# --- plan
expect 0 "plan" -- "$ctl" -c etc plan
same "$T/out" "$data/plan.txt" "plan text"
expect 0 "plan json" -- "$ctl" -c etc plan --json
same "$T/out" "$data/plan.json" "plan json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["table"])==d["buckets"]==4096; assert [w["buckets"] for w in d["workers"]]==[1024]*4' "$T/out" \
	&& ok || { bad "plan --json content"; }
expect 0 "plan check" -- "$ctl" -c etc plan --check
has "$T/out" "configuration OK: 4 workers, 4096 buckets" "plan --check summary"
expect 2 "plan check on a bad config" -- "$ctl" -c "$TH_ROOT/tests/data/config/duplicate-mac" plan --check
has "$T/err" "duplicate MAC" "bad config error line"
expect 2 "plan extra argument" -- "$ctl" -c etc plan extra

# --- size
expect 0 "size 2Gbps" -- "$ctl" size --peak 2Gbps
has "$T/out" "peak 2048 Mbps / 250 Mbps per core = 8.2 cores" "size arithmetic"
has "$T/out" "workers: 9" "size workers"
has "$T/out" "hosts: 1" "size hosts"
has "$T/out" "assumes: one core per 250 Mbps" "size states its assumption"
expect 0 "size json" -- "$ctl" size --json --peak 10Gbps --per-core 500Mbps --cores-per-host 8 --reserve 2
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert (d["workers"],d["hosts"],d["workers_per_host"])==(21,4,6), d' "$T/out" \
	&& ok || { bad "size --json values"; cat "$T/out"; }
expect 2 "size without peak" -- "$ctl" size
expect 2 "size bad rate" -- "$ctl" size --peak fast
expect 2 "size rate without unit" -- "$ctl" size --peak 2000
has "$T/err" "needs a unit" "unit message"
expect 2 "size reserve too big" -- "$ctl" size --peak 1Gbps --cores-per-host 4 --reserve 4

# --- size --measure: the worker's analysis timed on a trace, beside the rule
mtrace=$T/measure.pcap
"$ctl" synth --flows 2000 --seed 4 --out "$mtrace" >/dev/null
expect 0 "size --measure --peak" -- "$ctl" size --measure "$mtrace" --peak 2Gbps
has "$T/out" "peak 2048 Mbps / 250 Mbps per core = 8.2 cores" "size --measure keeps the rule's figures"
has "$T/out" "measured on $mtrace: " "size --measure names the trace"
has "$T/out" "Mbps per core" "size --measure gives the measured rate"
expect 0 "size --measure --json" -- "$ctl" -c etc size --measure "$mtrace" --json
python3 - "$T/out" "$mtrace" <<'PY' && ok || { bad "size --measure --json"; cat "$T/out"; }
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
has "$T/err" "/nonexistent/t.pcap" "size --measure names the missing trace"
head -c 5000 "$mtrace" >"$mtrace.cut"
expect 2 "size --measure a damaged trace" -- "$ctl" size --measure "$mtrace.cut"
has "$T/err" "at byte offset" "size --measure says where the trace is damaged"

th_done
