#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steerlb_split.sh STEERLB STEERCTL: steerlb --split keeps every flow on one worker for every
# synthetic mix of steerctl synth, under outer and inner tunnel hashing and both fragment
# policies (against synth's ground truth and steerctl which), and so does --emulate of every
# balancer profile.
set -uo pipefail
lb=$1
ctl=$2
. "$(dirname "$0")/../lib/harness.sh"
th_init cli_steerlb_split
chk="python3 $TH_ROOT/tests/cli/steerlb_check.py"

# variant NAME KEY VALUE [KEY VALUE]: etc/ with steer.cfg keys changed
variant() {
	local name=$1
	shift
	[ -d "$T/$name" ] || cp -r "$TH_ROOT/etc" "$T/$name"
	sed -i "/^$1 *=/d" "$T/$name/steer.cfg"
	echo "$1 = $2" >>"$T/$name/steer.cfg"
	[ $# -gt 2 ] && variant "$name" "$3" "$4"
	return 0
}
variant inner tunnels inner
variant l3 fragments l3 fields 3-tuple

# --- split correctness for every mix, outer and inner tunnel hashing, both fragment policies;
# a sample of 8 flows per run is checked against steerctl which
for mix in tcp udp icmp ipv6 vlan qinq mpls gre vxlan frag frag6 arp all; do
	n=60; [ "$mix" = all ] && n=600
	"$ctl" synth --flows $n --seed 11 --mix $mix --out "$T/$mix.pcap" --truth "$T/$mix.truth" ||
		bad "synth --mix $mix"
	for conf in etc inner l3; do
		dir="$TH_ROOT/etc" mode=outer
		[ "$conf" = etc ] || dir="$T/$conf"
		[ "$conf" = inner ] && mode=inner
		rm -rf "$T/s"
		expect 0 "split $mix ($conf)" -- "$lb" -c "$dir" -r "$T/$mix.pcap" --split "$T/s" \
			--stats "$T/s.json"
		check "split $mix ($conf)" -- $chk split "$T/$mix.pcap" "$T/$mix.truth" "$T/s" $mode \
			"$T/s.json" "$ctl" "$dir" 8
	done
done

# --- --emulate: every profile keeps every flow on one worker (both directions, all packets
# accounted for); or a clear refusal when this build has no profiles library. netmap lb knows
# no fragments and splits fragmented IPv4 flows, as its device does (hwprofiles/netmap_frag.sh
# shows which): every other flow stays whole.
"$ctl" synth --flows 600 --seed 11 --mix tcp,udp,icmp,ipv6,vlan,qinq,mpls,gre,vxlan,frag6,arp \
	--out "$T/nofrag.pcap" --truth "$T/nofrag.truth" || bad "synth without IPv4 fragments"
for prof in "$TH_ROOT"/hwprofiles/*.ini; do
	p=$(basename "$prof" .ini)
	tr=all
	[ "$p" = netmap-lb ] && tr=nofrag
	rm -rf "$T/em"
	"$lb" -c "$TH_ROOT/etc" -r "$T/$tr.pcap" --emulate "$p" --split "$T/em" --stats "$T/em.json" \
		>"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'not available in this build' "$T/err"; then
		echo "note: --emulate not available in this build"
		break
	fi
	[ $rc -eq 0 ] && ok || { bad "--emulate $p: exit $rc"; head -3 "$T/err"; continue; }
	check "emulate $p" -- $chk split "$T/$tr.pcap" "$T/$tr.truth" "$T/em" outer "$T/em.json"
done

th_done
