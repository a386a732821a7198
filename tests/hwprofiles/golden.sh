#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# golden.sh STEERCTL: "steerctl generate" for every case under tests/data/generate/ (a
# configuration, optional extra arguments in "args") must write exactly the files of the case's
# expected/ directory (tests/refresh-golden-generate rewrites them for review); the output is
# deterministic (a second run is byte-identical) and needs --force over a non-empty directory;
# refused plans name the limit and by how much.
set -uo pipefail
ctl=$1
. "$(dirname "$0")/../lib/harness.sh"
th_init generate_golden
TH_REFRESH=tests/refresh-golden-generate
data=$TH_ROOT/tests/data/generate

for case in "$data"/*/; do
	case=${case%/}
	name=$(basename "$case")
	args=()
	[ -f "$case/args" ] && read -r -a args <"$case/args"
	out=$T/$name
	if ! "$ctl" -c "$case" generate --out "$out" "${args[@]}" >"$T/log" 2>&1; then
		bad "$name: generate failed: $(cat "$T/log")"
		continue
	fi
	same "$out" "$case/expected" "$name: generate output"
	# every file names steer's version and the plan's fingerprint on its first line
	fp=$("$ctl" -c "$case" plan --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')
	nf=0
	while IFS= read -r f; do
		nf=$((nf + 1))
		head -1 "$f" | grep "steer [0-9.]*, plan $fp " >/dev/null || bad "$name: $f: first line lacks version and plan $fp"
	done < <(find "$out" -type f)
	[ "$nf" -gt 0 ] && ok || bad "$name: no files"
	# deterministic, and --force is needed over a non-empty directory
	if "$ctl" -c "$case" generate --out "$out" "${args[@]}" >/dev/null 2>"$T/err"; then
		bad "$name: a second run without --force overwrote a non-empty directory"
	else
		grep -q -- "--force" "$T/err" && ok || bad "$name: refusal does not mention --force"
	fi
	"$ctl" -c "$case" generate --force --out "$out" "${args[@]}" >/dev/null 2>&1 \
		&& diff -r "$case/expected" "$out" >/dev/null && ok || bad "$name: --force rerun differs"
done

# refusals: which limit, by how much
cfg=$T/cfg
mkdir -p "$cfg"
cp "$data/ovs/node.cfg" "$cfg/"
expect_refusal() { # STEER.CFG TEXT
	printf '%b' "$1" >"$cfg/steer.cfg"
	if "$ctl" -c "$cfg" generate --out "$T/refused" >/dev/null 2>"$T/err"; then
		bad "generate accepted: $1"
	elif grep -qF -- "$2" "$T/err"; then ok; else
		bad "refusal of '$1' lacks '$2': $(cat "$T/err")"
	fi
	if "$ctl" -c "$cfg" plan --check >/dev/null 2>"$T/err2"; then
		bad "plan --check accepted: $1"
	else
		[ $? -eq 2 ] && grep -qF -- "$2" "$T/err2" && ok || bad "plan --check: $(cat "$T/err2")"
	fi
}
expect_refusal 'profile = openflow13\nhash = xor\nbuckets = 64\nnon_ip = drop\n' \
	"64 buckets need 8193 table entries but the device holds at most 4096 (4097 too many); buckets = 32 or fewer fits"
expect_refusal 'profile = ovs\nhash = default\nbuckets = 64\nnon_ip = drop\n' \
	"hash 'default' is not one the device computes (it computes xor: masked rules can only express src XOR dst; set hash = xor)"
expect_refusal 'profile = openflow13\nhash = xor\nbuckets = 8\n' "non_ip = mac is not supported (use worker or drop)"
expect_refusal 'profile = click\nhash = xor\nbuckets = 2048\n' "2048 buckets need 10236 table entries but the device holds at most 4096"
expect_refusal 'profile = netmap-lb\nhash = netmap-lb\nnon_ip = drop\n' "non_ip = drop is not supported (use mac)"
# netmap lb implements no fragment policy: written with a warning naming the risk, refused only
# under --strict; plan --check warns too
risk="profile netmap-lb: fragments = remember is not implemented by the device: it hashes a later fragment's data as if it were ports, so fragmented flows may be split"
nm=$data/netmap-lb
expect_msg 0 "netmap-lb generate" -- "$ctl" -c "$nm" generate --out "$T/risk"
has "$T/err" "warning: $risk" "netmap-lb generate warns"
expect_msg 2 "netmap-lb generate --strict" -- "$ctl" -c "$nm" generate --strict --out "$T/strict"
has "$T/err" "error: $risk" "netmap-lb generate --strict refuses"
has "$T/err" "refused under --strict" "the refusal names --strict"
[ -e "$T/strict" ] && bad "a --strict refusal left $T/strict behind" || ok
expect_msg 0 "netmap-lb plan --check" -- "$ctl" -c "$nm" plan --check
has "$T/err" "warning: $risk" "plan --check warns"
"$ctl" -c "$data/click" generate --strict --out "$T/nostrict" >/dev/null 2>"$T/err" && lacks "$T/err" warning "no risk, no warning" || bad "--strict refuses a plan without risk"
expect_refusal 'profile = no-such-box\n' "profile 'no-such-box': no such profile"
[ -e "$T/refused" ] && bad "a refused plan left $T/refused behind" || ok

# usage
"$ctl" generate --help | grep 'Usage: steerctl \[-c DIR\] generate' >/dev/null && ok || bad "generate --help"
"$ctl" -c "$data/ovs" generate >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "generate without --out: exit 2"
"$ctl" -c "$data/ovs" generate --out "$T/x" --only nosuch >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--only nosuch: exit 2"
"$ctl" -c "$data/click" generate --out "$T/y" --click-io tcp:a,b >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--click-io tcp: exit 2"

th_done
