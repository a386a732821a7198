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
. "$(dirname "$0")/../lib/harness.sh"
th_init cli_steercheck
root=$TH_ROOT
# json DESCRIPTION PYTHON-EXPRESSION: the expression holds on the JSON report in $T/out (as d).
json_out() { json "$T/out" "$@"; }

pc=$PCAP

# Configurations: the bundled etc/, and variants of it.
variant() { # variant NAME KEY VALUE...: etc/ with steer.cfg keys set
	local name=$1
	shift
	[ -d "$T/$name" ] || cp -r "$root/etc" "$T/$name"
	while [ $# -ge 2 ]; do
		sed -i "/^$1 *=/d" "$T/$name/steer.cfg"
		echo "$1 = $2" >>"$T/$name/steer.cfg"
		shift 2
	done
}
etc=$root/etc
variant asym hash toeplitz hash_key ms fields 4-tuple
variant weighted
sed -i '/^\[worker-1\]/a steer.weight = 2' "$T/weighted/node.cfg"
# wrongmac: every worker's MAC pinned as etc/ assigns it, but worker-3's mistyped
variant wrongmac
for i in 1 2 3 4; do
	mac=02:53:54:00:00:0$((i - 1))
	[ "$i" -eq 3 ] && mac=02:53:54:00:00:33
	sed -i "/^\[worker-$i\]/a steer.mac = $mac" "$T/wrongmac/node.cfg"
done
variant vlan delivery vlan
variant bpfsplit profile bpf-split hash xor fields 2-tuple buckets 256
variant bpfbad profile bpf-split

# --- usage
expect 0 "help" -- "$sc" --help
has "$T/out" "Usage: steercheck" "help text"
expect 0 "pcap help" -- "$sc" pcap --help
has "$T/out" "--max-imbalance" "pcap help lists the thresholds"
expect 0 "version" -- "$sc" --version
expect 2 "no command" -- "$sc"
expect 2 "unknown command" -- "$sc" frob
expect 2 "pcap without files" -- "$sc" -c "$etc" pcap
expect 2 "bad --max-imbalance" -- "$sc" -c "$etc" pcap --max-imbalance x a.pcap
has "$T/err" "--max-imbalance" "bad threshold named"
expect 2 "unknown option" -- "$sc" -c "$etc" pcap --frob a.pcap

# --- captures: 2000 flows of every kind, split by steerlb with the right plan
"$ctl" synth --flows 2000 --seed 7 --out "$T/all.pcap" >/dev/null 2>&1 || bad "synth"
"$lb" -c "$etc" -r "$T/all.pcap" --split "$T/good" -w "$T/bal.pcap" || bad "steerlb split"

# A correct split: nothing split, nothing asymmetric, shares as the plan's weights.
expect 0 "correct split" -- "$sc" -c "$etc" pcap "$T"/good/worker-*.pcap
has "$T/out" "RESULT: PASS" "correct split passes"
has "$T/out" "split 0, asymmetric 0" "correct split: no split, no asymmetric"
has "$T/out" "predictions: every flow is held" "steerlb's hash is predicted"
expect 0 "correct split, JSON" -- "$sc" -c "$etc" pcap --json "$T"/good/worker-*.pcap
json_out "JSON: pass, no findings" 'd["pass"] and d["counts"]["split"] == 0 and d["counts"]["asymmetric"] == 0 and d["findings"] == [] and d["predicted"]'
json_out "JSON: flow shares match the weights" 'all(abs(w["flows_pct"] - w["expected_pct"]) < 4 for w in d["workers"]) and len(d["workers"]) == 4'
json_out "JSON: totals" 'd["totals"]["packets"] > 30000 and d["totals"]["flows"] > 2000 and len(d["heaviest"]) == 10'
json_out "JSON: inputs named" '[i["worker"] for i in d["inputs"]] == ["worker-1", "worker-2", "worker-3", "worker-4"]'
# The same split as WORKER=FILE.
expect 0 "WORKER=FILE" -- "$sc" -c "$etc" pcap worker-1="$T/good/worker-1.pcap" \
	worker-2="$T/good/worker-2.pcap" worker-3="$T/good/worker-3.pcap" worker-4="$T/good/worker-4.pcap"
# The balanced capture (destination MAC names the worker).
expect 0 "balanced capture" -- "$sc" -c "$etc" pcap "$T/bal.pcap"
has "$T/out" "(balanced)" "balanced capture recognised"
# Standard input, and nanosecond captures.
expect 0 "balanced capture on stdin" -- sh -c '"$1" -c "$2" pcap - <"$3"' sh "$sc" "$etc" "$T/bal.pcap"
"$ctl" synth --flows 500 --seed 3 --nano --out "$T/nano.pcap" >/dev/null 2>&1 || bad "synth --nano"
"$lb" -c "$etc" -r "$T/nano.pcap" --split "$T/nano" || bad "steerlb nano"
expect 0 "nanosecond captures" -- "$sc" -c "$etc" pcap --json "$T"/nano/worker-*.pcap
json_out "nanosecond captures: durations in seconds" '0 < d["totals"]["duration_s"] < 1e6 and d["pass"]'
# Weights: worker-1 with weight 2 gets 2/5 of the flows.
"$lb" -c "$T/weighted" -r "$T/all.pcap" --split "$T/wsplit" || bad "steerlb weighted"
expect 0 "weighted split" -- "$sc" -c "$T/weighted" pcap --json "$T"/wsplit/worker-*.pcap
json_out "weighted: worker-1 expects 40% and gets it" 'abs(d["workers"][0]["expected_pct"] - 40) < 1 and abs(d["workers"][0]["flows_pct"] - 40) < 4'
# VLAN delivery, balanced: the pushed tag names the worker.
"$lb" -c "$T/vlan" -r "$T/all.pcap" -w "$T/vbal.pcap" || bad "steerlb vlan"
expect 0 "balanced capture, VLAN delivery" -- "$sc" -c "$T/vlan" pcap "$T/vbal.pcap"

# One capture missing: said on stderr, the rest still checked.
expect 0 "three of four captures" -- "$sc" -c "$etc" pcap --max-imbalance 10 "$T"/good/worker-[123].pcap
has "$T/err" "warning: no capture for worker-4" "missing capture named"

# --- faults, each caught with its finding and exit 1
# 1. Overlapping filters: worker-2's filter also takes worker-1's MAC.
$pc bymac "$T/bal.pcap" "$T/o1.pcap" 02:53:54:00:00:00
$pc bymac "$T/bal.pcap" "$T/o2.pcap" 02:53:54:00:00:01,02:53:54:00:00:00
$pc bymac "$T/bal.pcap" "$T/o3.pcap" 02:53:54:00:00:02
$pc bymac "$T/bal.pcap" "$T/o4.pcap" 02:53:54:00:00:03
expect 1 "overlapping filters" -- "$sc" -c "$etc" pcap --json worker-1="$T/o1.pcap" \
	worker-2="$T/o2.pcap" worker-3="$T/o3.pcap" worker-4="$T/o4.pcap"
json_out "overlap: split flows, duplicated, at worker-1 and worker-2" 'd["counts"]["split"] > 0.1 * d["totals"]["flows"] and d["counts"]["duplicated"] == d["counts"]["split"] and d["findings"][0]["kind"] == "split" and sorted(w["worker"] for w in d["findings"][0]["workers"]) == ["worker-1", "worker-2"] and not d["pass"]'
# 2. An asymmetric hash: Toeplitz with the Microsoft key, checked against the symmetric plan.
"$lb" -c "$T/asym" -r "$T/all.pcap" --split "$T/asplit" || bad "steerlb asym"
expect 1 "asymmetric hash" -- "$sc" -c "$etc" pcap "$T"/asplit/worker-*.pcap
has "$T/out" "asymmetric    tcp" "asymmetric finding listed first"
expect 1 "asymmetric hash, JSON" -- "$sc" -c "$etc" pcap --json "$T"/asplit/worker-*.pcap
json_out "asymmetric: both directions, different workers" 'd["counts"]["asymmetric"] > 0.25 * d["totals"]["flows"] and d["counts"]["split"] == 0 and d["findings"][0]["kind"] == "asymmetric" and sorted(w["directions"] for w in d["findings"][0]["workers"]) == ["->", "<-"]'
# 3. A wrong MAC for worker-3 at the balancer, seen in the balanced capture.
"$lb" -c "$T/wrongmac" -r "$T/all.pcap" -w "$T/wbal.pcap" || bad "steerlb wrong MAC"
expect 1 "wrong MAC" -- "$sc" -c "$etc" pcap "$T/wbal.pcap"
has "$T/out" "02:53:54:00:00:33 belongs to no worker" "unknown MAC named"
expect 1 "wrong MAC, JSON" -- "$sc" -c "$etc" pcap --json "$T/wbal.pcap"
json_out "wrong MAC: unknown-dest only" 'd["counts"]["unknown-dest"] == 1 and d["findings"][0]["mac"] == "02:53:54:00:00:33" and d["counts"]["split"] == 0 and d["counts"]["misdirected"] == 0 and d["totals"]["unknown_packets"] > 0'
# 4. A dropped direction: one side of every IPv4 TCP flow never arrives.
$pc dropdir "$T/all.pcap" "$T/drop.pcap"
"$lb" -c "$etc" -r "$T/drop.pcap" --split "$T/dsplit" || bad "steerlb drop"
expect 1 "dropped direction" -- "$sc" -c "$etc" pcap --json "$T"/dsplit/worker-*.pcap
json_out "dropped direction: one-sided TCP" 'd["counts"]["one-sided-tcp"] > 0.1 * d["totals"]["flows"] and d["counts"]["split"] == 0 and d["counts"]["asymmetric"] == 0 and d["findings"][0]["kind"] == "one-sided-tcp" and d["findings"][0]["flow"]["proto"] == "tcp"'
# 5. The same capture fed to two workers (duplicate conn.log entries).
expect 1 "same capture at two workers" -- "$sc" -c "$etc" pcap worker-1="$T/good/worker-1.pcap" \
	worker-2="$T/good/worker-1.pcap" worker-3="$T/good/worker-3.pcap" worker-4="$T/good/worker-4.pcap"
has "$T/out" "(duplicated: the same packets twice)" "duplicate named"
has "$T/out" "RESULT: FAIL" "duplicate fails"
# Thresholds: tolerating the splits turns the verdict.
expect 0 "--max-split 100%" -- "$sc" -c "$etc" pcap --max-split 100% --no-predict "$T"/asplit/worker-*.pcap
expect 1 "--max-imbalance 1.01" -- "$sc" -c "$etc" pcap --max-imbalance 1.01 "$T"/good/worker-*.pcap
has "$T/out" "imbalance     worker-" "imbalance finding"

# --- HTML: self-contained, chart and tables, everything escaped
mkdir -p "$T/h"
cp "$T/asplit/worker-1.pcap" "$T/h/a<b>&.pcap"
expect 1 "HTML report" -- "$sc" -c "$etc" pcap --html "$T/r.html" worker-1="$T/h/a<b>&.pcap" \
	worker-2="$T/asplit/worker-2.pcap" worker-3="$T/asplit/worker-3.pcap" \
	worker-4="$T/asplit/worker-4.pcap"
has "$T/out" "HTML report: $T/r.html" "HTML path printed"
has "$T/r.html" "<svg xmlns=\"http://www.w3.org/2000/svg\"" "inline SVG"
has "$T/r.html" "<rect class=\"bar" "bars"
has "$T/r.html" "<table id=\"workers\">" "workers table"
has "$T/r.html" "<table class=\"faults\" id=\"asymmetric\">" "asymmetric faults table"
has "$T/r.html" "a&lt;b&gt;&amp;.pcap" "file name escaped"
if grep -q "a<b>" "$T/r.html"; then bad "unescaped file name in HTML"; else ok; fi
if grep -qE "<(script|link|img)" "$T/r.html"; then bad "HTML not self-contained"; else ok; fi

# --- bad captures: exit 2, one line naming the file (and the packet)
head -c 100000 "$T/good/worker-1.pcap" >"$T/trunc.pcap"
expect 2 "truncated capture" -- "$sc" -c "$etc" pcap worker-1="$T/trunc.pcap"
has "$T/err" "trunc.pcap: packet " "truncated: file and packet named"
has "$T/err" "truncated" "truncated: says so"
lines "$T/err" 1 "truncated: one line"
printf 'this is not a capture file at all....' >"$T/magic.pcap"
expect 2 "wrong magic" -- "$sc" -c "$etc" pcap worker-1="$T/magic.pcap"
has "$T/err" "magic.pcap: not a pcap or pcapng file" "wrong magic named"
lines "$T/err" 1 "wrong magic: one line"
$pc onerec "$T/lt.pcap" 147 4
expect 2 "unknown link type" -- "$sc" -c "$etc" pcap worker-1="$T/lt.pcap"
has "$T/err" "lt.pcap: link type 147" "link type named"
lines "$T/err" 1 "link type: one line"
# A zero-length record is a valid one (pcap-savefile(5); libpcap and tcpdump read it, steerlb
# passes it through): counted as malformed, not refused (issue 13 item 12; hostile_pcap.sh).
$pc onerec "$T/zero.pcap" 1 60 0
expect 0 "zero-length record" -- "$sc" -c "$etc" pcap --json --no-predict worker-1="$T/zero.pcap"
json "$T/out" "zero-length record counted as malformed" "d['totals']['malformed'] == 1"
expect 2 "missing capture" -- "$sc" -c "$etc" pcap worker-1="$T/none.pcap"
has "$T/err" "none.pcap" "missing capture named"
expect 2 "unknown worker" -- "$sc" -c "$etc" pcap worker-9="$T/good/worker-1.pcap"
has "$T/err" "no worker named 'worker-9'" "unknown worker named"
expect 2 "unnamed capture among named ones" -- "$sc" -c "$etc" pcap "$T/all.pcap" "$T/good/worker-1.pcap"
has "$T/err" "cannot tell which worker" "unnamed capture explained"

# --- plan: the static proof
expect 0 "plan" -- "$sc" -c "$etc" plan
has "$T/out" "RESULT: PASS" "plan passes"
expect 0 "plan --json" -- "$sc" -c "$etc" plan --json
json_out "plan JSON" 'd["pass"] and d["filters"][0]["compiles"] and d["traffic"]["packets"] > 0 and d["traffic"]["unmatched"] == 0 and d["traffic"]["overmatched"] == 0 and d["traffic"]["buckets_covered"] == d["traffic"]["buckets"]'
expect 0 "plan, VLAN delivery" -- "$sc" -c "$T/vlan" plan
# A pure-BPF hash split (no rewrite): the filters themselves partition the traffic.
expect 0 "plan, bpf-split" -- "$sc" -c "$T/bpfsplit" plan
has "$T/out" "covering 256 of 256 buckets" "bpf-split: every bucket"
# bpf-split with a hash BPF cannot compute: the profile refuses it, no filter, nothing matches.
expect 1 "plan, bpf-split with the default hash" -- "$sc" -c "$T/bpfbad" plan --json
json_out "bpf-split with the default hash: faults" 'not d["pass"] and not d["profile_check"]["ok"] and not d["filters"][0]["compiles"] and d["traffic"]["unmatched"] == d["traffic"]["packets"]'

# --- probe: the report options on real runs through steerlb, each in a private network
# namespace of its own (unshare: the veth pairs made there vanish with it; nothing outside)
expect 0 "probe help" -- "$sc" probe --help
for o in --html --stats --max-split --no-predict --json; do has "$T/out" "$o" "probe help lists $o"; done
expect 2 "probe: bad --max-split" -- "$sc" -c "$etc" probe --in lo --max-split 101%
has "$T/err" "--max-split" "probe: bad --max-split named"
expect 2 "probe: analysis-only option" -- "$sc" -c "$etc" probe --in lo --max-imbalance 2
cat >"$T/probe-ns.sh" <<'PROBE'
# probe-ns.sh SC LB LBCONF PROBE-ARGS...: tap -> steerlb -> capture point, probed.
sc=$1 lb=$2 lbconf=$3
shift 3
ip link set lo up
ip link add ptap0 type veth peer name lbin0 && ip link add lbout0 type veth peer name pcap0 || exit 9
for l in ptap0 lbin0 lbout0 pcap0; do ip link set "$l" up; done
"$lb" -c "$lbconf" -i lbin0 -o lbout0 2>"$lbconf.log" &
for _ in $(seq 1 100); do grep -q "listening on lbin0" "$lbconf.log" && break; sleep 0.05; done
# (a probe ends once every frame arrived: --wait only bounds how late one may be, through a
# steerlb of a busy machine, before it counts as lost)
"$sc" probe --in ptap0 -i pcap0 --kinds tcp,udp,ipv6 --flows 8 --wait 10s "$@"
rc=$?
kill %1
exit $rc
PROBE
if unshare -rn true 2>/dev/null && command -v ip >/dev/null; then
	cp -r "$T/asym" "$T/lbasym"
	cp -r "$etc" "$T/lbgood"
	probe() { unshare -rn bash "$T/probe-ns.sh" "$sc" "$lb" "$@"; }
	expect 0 "probe through steerlb" -- probe "$T/lbgood" -c "$etc" --stats --html "$T/p.html"
	has "$T/out" "steercheck probe: PASS" "probe passes"
	has "$T/out" "HTML report: $T/p.html" "probe: HTML path printed"
	has "$T/err" "steercheck probe: stats: " "probe: --stats on stderr"
	has "$T/err" "frames sent" "probe: --stats counts the frames"
	has "$T/p.html" "<svg xmlns=\"http://www.w3.org/2000/svg\"" "probe HTML: inline SVG"
	has "$T/p.html" "<table id=\"kinds\">" "probe HTML: kinds table"
	has "$T/p.html" "<table id=\"workers\">" "probe HTML: workers table"
	has "$T/p.html" "PASS</span>" "probe HTML: verdict"
	if grep -qE "<(script|link|img)" "$T/p.html"; then bad "probe HTML not self-contained"; else ok; fi
	# a balancer hashing asymmetrically: asymmetric flows, misdirected frames
	expect 1 "probe, asymmetric balancer" -- probe "$T/lbasym" -c "$etc" --json --html "$T/f.html"
	json_out "probe, asymmetric balancer: faults" 'not d["pass"] and d["totals"]["asymmetric_flows"] > 0 and d["totals"]["misdirected"] > 0 and d["totals"]["lost"] == 0 and d["totals"]["split_tolerated"] == 0 and d["faults"][0]["fault"] in ("split", "asymmetric")'
	has "$T/f.html" "<table id=\"faults\">" "probe HTML: faults table"
	has "$T/f.html" "FAIL</span>" "probe HTML: FAIL"
	# tolerated: every asymmetric flow (as a percentage, and as a number), predictions off
	expect 0 "probe --max-split 100%" -- probe "$T/lbasym" -c "$etc" --max-split 100% --no-predict --json
	json_out "probe --max-split 100%: tolerated" 'd["pass"] and d["totals"]["asymmetric_flows"] > 0 and d["totals"]["split_tolerated"] == d["flows"]'
	expect 0 "probe --max-split 24" -- probe "$T/lbasym" -c "$etc" --max-split 24 --no-predict
	has "$T/out" "(tolerated: 24)" "probe: tolerance in the text"
	expect 1 "probe --max-split 0" -- probe "$T/lbasym" -c "$etc" --max-split 0 --no-predict
	expect 2 "probe: unwritable --html" -- probe "$T/lbgood" -c "$etc" --html "$T/no/such/dir/p.html"
	has "$T/err" "$T/no/such/dir/p.html: No such file or directory" "probe: unwritable HTML named"
else
	echo "note: no unprivileged network namespaces (unshare -rn): probe runs skipped"
fi

th_done
