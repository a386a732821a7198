#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# hostile_cfg.sh BINDIR: configurations and arguments attacked (issue 13 items 2, 4, 5, 8, 16,
# 17, 18, 22, 23): an asymmetric hash, node names that are paths or collide as file names or
# are not UTF-8, weights that starve a worker, a FIFO or a dangling link as steer.cfg, a
# profile that cannot carry the plan, non_ip = worker:NAME with NAME failed, rates that
# overflow, long paths and long arguments in messages, errors in the FILE:LINE: form.
set -uo pipefail
bin=$(cd "$1" && pwd)
lb=$bin/steerlb ctl=$bin/steerctl sc=$bin/steercheck sd=$bin/steerd
. "$(dirname "$0")/../lib/harness.sh"
th_init hostile_cfg
etc=$TH_ROOT/etc
"$ctl" synth --flows 300 --seed 4 --out "$T/t.pcap" || bad "synth"

# cfg NAME [WORKER...]: etc/'s steer.cfg and networks.cfg, a manager, a proxy and these workers
cfg() {
	local d=$T/$1 w
	shift
	mkdir -p "$d"
	cp "$etc/steer.cfg" "$etc/networks.cfg" "$d/"
	printf '[manager]\ntype = manager\nhost = localhost\n[proxy-1]\ntype = proxy\nhost = localhost\n' >"$d/node.cfg"
	for w in "$@"; do printf '[%s]\ntype = worker\nhost = localhost\ninterface = eth0\n' "$w" >>"$d/node.cfg"; done
}
set_key() { # DIR KEY VALUE: steer.cfg's KEY set to VALUE
	sed -i "/^$2 *=/d" "$1/steer.cfg"
	echo "$2 = $3" >>"$1/steer.cfg"
}
# every stderr line of a refused configuration: "PROG: FILE:LINE: error|warning: ..." or
# "PROG: FILE: error: ..."
diag_form() { # DESCRIPTION
	if grep -vqE '^[a-z ]+: [^ :]+(:[0-9]+)?: (error|warning): ' "$T/err"; then
		bad "$1: a line not in the FILE:LINE: form:"
		grep -vE '^[a-z ]+: [^ :]+(:[0-9]+)?: (error|warning): ' "$T/err" | head -3
	else ok; fi
}

# --- item 2: an asymmetric hash fails the static proof, and plan --check warns
cp -r "$etc" "$T/asym"
set_key "$T/asym" hash toeplitz
set_key "$T/asym" hash_key ms
set_key "$T/asym" fields 4-tuple
expect 0 "plan --check of an asymmetric plan" -- "$ctl" -c "$T/asym" plan --check
has "$T/err" "steer.cfg:" "asymmetric: warning names the file"
has "$T/err" "warning: hash: toeplitz with this key is not symmetric" "asymmetric: warned"
expect 1 "steercheck plan of an asymmetric plan" -- "$sc" -c "$T/asym" plan --json
json "$T/out" "asymmetric flows found" "not d['pass'] and d['traffic']['asymmetric'] > 0"
expect 0 "steercheck plan of the symmetric plan" -- "$sc" -c "$etc" plan --json
json "$T/out" "no asymmetric flow in the bundled plan" "d['pass'] and d['traffic']['asymmetric'] == 0"
cp -r "$T/asym" "$T/sym"
set_key "$T/sym" hash_key sym
expect 0 "steercheck plan, Toeplitz symmetric key" -- "$sc" -c "$T/sym" plan
lacks "$T/err" "not symmetric" "symmetric key: no warning"

# --- item 4: a node name that is a path is refused where the configuration is loaded
cfg path worker-1 ../../x/pwned
expect_msg 2 "node name with / and .." -- "$ctl" -c "$T/path" plan --check
has "$T/err" "node.cfg:" "path name: file named"
has "$T/err" "[../../x/pwned]: not usable as a node name" "path name: refused"
diag_form "path name"
mkdir -p "$T/a/b"
expect_msg 2 "steerlb --split with a path name" -- "$lb" -c "$T/path" -r "$T/t.pcap" --split "$T/a/b/s"
if [ ! -e "$T/a/x" ] && [ ! -e "$T/x" ]; then ok; else bad "--split wrote outside its directory"; fi
for name in . .. .hidden -dash- "w 1" "w:1" "$(printf 'w%.0s' $(seq 64))"; do
	cfg odd worker-1 "$name"
	if [ "$name" = "-dash-" ]; then
		expect 0 "node name '$name'" -- "$ctl" -c "$T/odd" plan --check
	else
		expect_msg 2 "node name '$name'" -- "$ctl" -c "$T/odd" plan --check
	fi
done
cfg procs worker-1 "$(printf 'w%.0s' $(seq 62))"
echo "lb_procs = 2" >>"$T/procs/node.cfg"
expect_msg 2 "a name too long with its lb_procs suffix" -- "$ctl" -c "$T/procs" plan --check

# --- item 5: names that only differ where a file name cannot: refused, not merged
cfg slash w.1 w/1 w_1
expect_msg 2 "[w/1] refused" -- "$ctl" -c "$T/slash" plan --check
cfg collide w.1 w_1
expect 0 "[w.1] and [w_1] are distinct names" -- "$ctl" -c "$T/collide" plan --check
expect_msg 2 "generate refuses a file name collision" -- "$ctl" -c "$T/collide" generate --out "$T/gen"
has "$T/err" "[w.1] and [w_1] would share the file name 'w_1'" "collision named"
if [ ! -e "$T/gen/filters" ]; then ok; else bad "generate wrote filters despite the collision"; fi

# --- item 16: names and paths that are not UTF-8: refused in configuration, escaped in JSON
cfg latin worker-1 "$(printf 'w\xff1')"
expect_msg 2 "a non-UTF-8 node name" -- "$ctl" -c "$T/latin" plan --check
has "$T/err" 'w\xff1' "non-UTF-8 name shown escaped"
if LC_ALL=C grep -q "$(printf '\xff')" "$T/err"; then bad "raw byte in the message"; else ok; fi
cp "$T/t.pcap" "$T/$(printf 'n\xff\xfe.pcap')"
expect 0 "steerlb on a non-UTF-8 path" -- "$lb" -c "$etc" -r "$T/$(printf 'n\xff\xfe.pcap')" --stats -
check "--stats with a non-UTF-8 path is strict JSON" -- python3 -c '
import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
assert d["input"].endswith("n\ufffd\ufffd.pcap"), d["input"]' "$T/out"
"$lb" -c "$etc" -r "$T/t.pcap" -w "$T/$(printf 'x\xe9.pcap')" || bad "steerlb -w to a non-UTF-8 path"
expect 0 "steercheck --json on a non-UTF-8 path" -- "$sc" -c "$etc" pcap --json \
	"$T/$(printf 'x\xe9.pcap')"
check "steercheck --json is strict UTF-8 JSON" -- python3 -c '
import json, sys
json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))' "$T/out"

# --- item 17: a weight that leaves a worker no bucket is warned about
cfg starve worker-1 worker-2
sed -i '/^\[worker-1\]/a steer.weight = 1000000' "$T/starve/node.cfg"
expect 0 "starving weights" -- "$ctl" -c "$T/starve" plan --check
has "$T/err" "[worker-2]: weight 1 gets none of the 4096 buckets" "starved worker warned"
has "$T/err" "node.cfg:" "starved worker: file named"
diag_form "starved worker"
expect 0 "steerlb warns too" -- "$lb" -c "$T/starve" -r "$T/t.pcap"
has "$T/err" "gets none of the" "steerlb: starved worker warned"
expect 0 "balanced weights" -- "$ctl" -c "$etc" plan --check
lacks "$T/err" "warning" "no warning for the bundled plan"

# --- item 18: messages: the reason after a long path, long arguments cut, FILE:LINE: form
long=$T/$(printf 'd%.0s' $(seq 200))/$(printf 'e%.0s' $(seq 200))/$(printf 'f%.0s' $(seq 200))
expect_msg 2 "a long missing path" -- "$lb" -c "$etc" -r "$long/x.pcap"
has "$T/err" "No such file or directory" "long path: the reason is not cut off"
expect_msg 2 "a long unwritable output" -- "$lb" -c "$etc" -r "$T/t.pcap" -w "$long/x.pcap"
has "$T/err" "No such file or directory" "long output path: the reason is not cut off"
key=$(printf 'a%.0s' $(seq 40000))
expect_msg 2 "a 40 KB --key" -- "$ctl" hash --fn toeplitz --key "$key" tcp 1.1.1.1:1 2.2.2.2:2
if [ "$(wc -c <"$T/err")" -lt 600 ]; then ok; else bad "--key echoed: $(wc -c <"$T/err") bytes"; fi
expect_msg 2 "a long bad rate" -- "$ctl" size --peak "$key"
if [ "$(wc -c <"$T/err")" -lt 600 ]; then ok; else bad "rate echoed: $(wc -c <"$T/err") bytes"; fi
expect_msg 2 "a long unknown command" -- "$ctl" "$key"
if [ "$(wc -c <"$T/err")" -lt 800 ]; then ok; else bad "command echoed: $(wc -c <"$T/err") bytes"; fi
cfg many $(seq -f 'w%g' 1 5000)
expect_msg 2 "5000 workers" -- "$ctl" -c "$T/many" plan --check
diag_form "5000 workers"
cp -r "$etc" "$T/vlan"
set_key "$T/vlan" delivery vlan
set_key "$T/vlan" vlan_base 4094
expect_msg 2 "vlan_base 4094" -- "$ctl" -c "$T/vlan" plan --check
has "$T/err" "steer.cfg:" "vlan_base: file named"
has "$T/err" "error: vlan_base: 4094 leaves no VLAN id" "vlan_base: key named"
diag_form "vlan_base"
cp -r "$etc" "$T/noprof"
set_key "$T/noprof" profile nosuch
expect_msg 2 "no such profile" -- "$ctl" -c "$T/noprof" plan --check
has "$T/err" "error: profile 'nosuch': no such profile" "no such profile: key named"
diag_form "no such profile"
expect_msg 2 "no such profile (steerlb)" -- "$lb" -c "$T/noprof" -r "$T/t.pcap"
diag_form "no such profile (steerlb)"
$PCAP linktype "$T/t.pcap" "$T/lt147.pcap" 147
expect_msg 2 "a refused link type" -- "$lb" -c "$etc" -r "$T/lt147.pcap" --stats "$T/lt.json"
json "$T/lt.json" "a refused link type is in --stats' error" "d['error'] and 'link type 147' in d['error']"

# --- item 22: a FIFO or a dangling link as steer.cfg is an error, at once
cfg fifo worker-1 worker-2
rm "$T/fifo/steer.cfg" && mkfifo "$T/fifo/steer.cfg"
expect_msg 2 "steer.cfg a FIFO" -- timeout 10 "$ctl" -c "$T/fifo" plan --check
has "$T/err" "steer.cfg: error: not a regular file (a FIFO)" "FIFO named"
cfg dangling worker-1 worker-2
rm "$T/dangling/steer.cfg" && ln -s "$T/nonexistent.cfg" "$T/dangling/steer.cfg"
expect_msg 2 "steer.cfg a dangling link" -- "$ctl" -c "$T/dangling" plan --check
has "$T/err" "steer.cfg: error: symbolic link to a file that does not exist" "dangling link named"
rm "$T/dangling/steer.cfg"
expect 0 "no steer.cfg at all means defaults" -- "$ctl" -c "$T/dangling" plan --check
mkdir "$T/fifo2" && cp "$etc"/* "$T/fifo2/" && rm "$T/fifo2/networks.cfg" && mkfifo "$T/fifo2/networks.cfg"
expect_msg 2 "networks.cfg a FIFO" -- timeout 10 "$sd" -c "$T/fifo2" --node worker-1 --check
expect_msg 2 "node.cfg a directory" -- "$ctl" -c "$T" plan --check

# --- item 23: a profile plan --check refuses is refused by steerlb too; non_ip follows --fail
cp -r "$etc" "$T/of13"
set_key "$T/of13" profile openflow13
expect_msg 2 "plan --check refuses openflow13 with hash default" -- "$ctl" -c "$T/of13" plan --check
expect_msg 2 "steerlb refuses it too" -- "$lb" -c "$T/of13" -r "$T/t.pcap"
has "$T/err" "profile openflow13" "steerlb: the profile named"
diag_form "steerlb: openflow13"
expect 0 "steerlb --emulate still runs any profile's behaviour" -- "$lb" -c "$etc" -r "$T/t.pcap" \
	--emulate pfring
cp -r "$etc" "$T/nonip"
set_key "$T/nonip" non_ip worker:worker-2
mkdir "$T/n"
expect 0 "non_ip = worker:worker-2 with --fail worker-2" -- "$lb" -c "$T/nonip" -r "$T/t.pcap" \
	--split "$T/n" --fail worker-2 --stats "$T/n.json"
check "the failed worker receives nothing" -- test "$($PCAP count "$T/n/worker-2.pcap")" -eq 0
json "$T/n.json" "non-IP frames still delivered" "d['reasons']['non_ip'] > 0 and d['reasons']['dropped'] == 0"

# --- item 8: rates are range-checked; sizing what cannot be sized is an error
for r in 1e30bps 1e-300bps 0bps -1Gbps nan inf 1e309Gbps 1025Tbps 2Pbps; do
	expect_msg 2 "--peak $r" -- "$ctl" size --peak "$r"
	expect_msg 2 "--per-core $r" -- "$ctl" size --peak 1Gbps --per-core "$r"
done
expect_msg 2 "a peak a million times the per-core rate" -- "$ctl" size --peak 1024Tbps --per-core 1Gbps
expect 0 "the largest peak" -- "$ctl" size --peak 1024Tbps --per-core 2Gbps
expect 0 "the smallest rates" -- "$ctl" size --peak 1bps --per-core 1bps
$PCAP onerec "$T/one.pcap" 1
expect_msg 2 "--measure on an empty capture" -- "$ctl" size --measure "$T/one.pcap"
has "$T/err" "one.pcap" "empty capture named"

th_done
