#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# click_real.sh BINDIR: every Click configuration steer generates runs in real Click (the
# userlevel driver: tests/lib/harness.sh th_click) and does exactly what steerlb --emulate click
# does. For each delivery (mac, vlan), non_ip policy (mac, drop, worker) and a sweep of bucket
# counts up to the profile's maximum (512 with non_ip = mac, 1024 otherwise; and one bucket for
# one worker), the FromDump/ToDump configuration of "steerctl generate" runs over a synthetic
# capture of every kind (steerctl synth: TCP, UDP, ICMP, IPv6, 802.1Q, QinQ, MPLS, GRE, VXLAN,
# fragments, ARP) and the edge frames of click_frames.py (other tags and wrappers, a jumbo
# frame, cut and lying IP headers); Click's output must equal steerlb --emulate click -w frame
# for frame, timestamps included (Click writes nanoseconds and its own snaplen: the frames are
# compared, not the files). steercheck pcap finds Click's output steered as the plan and the
# device predict. One bucket past the maximum is refused. Skips without Click.
set -uo pipefail
bindir=$(readlink -f "$1")
. "$(dirname "$0")/../lib/harness.sh"
th_init click_real
th_click
ctl=$bindir/steerctl lb=$bindir/steerlb
frames="$TH_PYTHON $(dirname "$0")/click_frames.py"
data=$TH_ROOT/tests/data/generate/click

"$ctl" synth --flows 400 --seed 12 --out "$T/synth.pcap" >/dev/null || { echo "FAIL: synth"; exit 1; }
$frames edge "$T/synth.pcap" "$T/in.pcap" || { echo "FAIL: edge frames"; exit 1; }

# run CASE NODE.CFG STEER.CFG-LINES: generate, run Click, emulate, compare.
ncases=0
run() {
	local name=$1 node=$2 cfg=$T/$1
	ncases=$((ncases + 1))
	mkdir -p "$cfg"
	cp "$node" "$cfg/node.cfg"
	printf '%b' "$3" >"$cfg/steer.cfg"
	if ! "$ctl" -c "$cfg" generate --only click --out "$cfg/gen" \
		--click-io "pcap:$T/in.pcap,$cfg/click.pcap" >"$cfg/gen.log" 2>&1; then
		bad "$name: generate: $(cat "$cfg/gen.log")"
		return
	fi
	if ! "$TH_CLICK" "$cfg/gen/click/steer.click" >"$cfg/click.log" 2>&1; then
		bad "$name: Click refuses or fails on the generated configuration:"
		head -5 "$cfg/click.log" | sed 's/^/  /'
		return
	fi
	if ! "$lb" -c "$cfg" -r "$T/in.pcap" --emulate click -w "$cfg/emu.pcap" 2>"$cfg/lb.log"; then
		bad "$name: steerlb --emulate click: $(cat "$cfg/lb.log")"
		return
	fi
	check "$name: real Click and steerlb --emulate click differ" -- \
		$frames same "$cfg/click.pcap" "$cfg/emu.pcap"
}

for delivery in mac vlan; do
	for nonip in mac drop worker:worker-2; do
		max=1024
		[ "$nonip" = mac ] && max=512
		for buckets in 4 32 "$max"; do
			run "$delivery-${nonip%%:*}-$buckets" "$data/node.cfg" \
				"profile = click\nhash = xor\nbuckets = $buckets\nnon_ip = $nonip\ndelivery = $delivery\n"
		done
	done
done
# one worker, one bucket: no tree, only the roots that check the addresses were captured
sed '/^\[worker-[23]\]/,$d' "$data/node.cfg" >"$T/one.cfg"
for nonip in mac drop; do
	run "one-$nonip" "$T/one.cfg" "profile = click\nhash = xor\nbuckets = 1\nnon_ip = $nonip\n"
done
# fragments = remember is carried too (the tree hashes addresses only)
run remember "$data/node.cfg" "profile = click\nhash = xor\nbuckets = 16\nfragments = remember\n"

# steercheck holds Click's output to the device's own decisions (the encapsulations Click parses,
# its non-IP path): no flow split, asymmetric, misdirected or at an unknown destination
for c in mac-mac-32 vlan-drop-32 vlan-worker-1024; do
	"$bindir/steercheck" -c "$T/$c" pcap --json --max-imbalance 100 "$T/$c/click.pcap" \
		>"$T/$c/check.json" 2>"$T/$c/check.err"
	rc=$?
	json "$T/$c/check.json" "$c: steercheck pcap on Click's output (exit $rc)" \
		'all(d["counts"][k] == 0 for k in ("split", "asymmetric", "misdirected", "unknown-dest", "duplicated")) and d["predicted"]'
done

# the kinds of frame this proved, so that a thinner trace cannot pass for the same proof
n=$($TH_PYTHON -c 'import sys; sys.path.insert(0, sys.argv[2]); import pcap
print(len(pcap.read(sys.argv[1]).records))' "$T/in.pcap" "$TH_LIB")
kinds=$($TH_PYTHON - "$T/in.pcap" "$TH_LIB" <<'EOF'
import struct, sys
sys.path.insert(0, sys.argv[2])
import pcap
seen = set()
for fr in pcap.frames(sys.argv[1]):
    t = struct.unpack('!H', fr[12:14])[0] if len(fr) >= 14 else 0
    inner = struct.unpack('!H', fr[16:18])[0] if len(fr) >= 18 else 0
    seen.add({0x0800: 'ipv4', 0x86dd: 'ipv6', 0x0806: 'arp', 0x8847: 'mpls'}.get(t, '')
             or ('qinq' if t == 0x88a8 and inner == 0x8100 else 'vlan' if t == 0x8100 else 'other'))
print(' '.join(sorted(seen)))
EOF
)
for k in arp ipv4 ipv6 mpls qinq vlan; do
	case " $kinds " in *" $k "*) ok ;; *) bad "the trace has no $k frames ($kinds)" ;; esac
done
echo "  $n frames ($kinds) through real Click ($TH_CLICK), $ncases configurations"

# past the maximum: refused by generate with the limit
printf 'profile = click\nhash = xor\nbuckets = 1024\nnon_ip = mac\n' >"$T/mac-mac-4/steer.cfg"
expect_msg 2 "1024 buckets with non_ip = mac" -- "$ctl" -c "$T/mac-mac-4" generate --only click \
	--out "$T/refused"
has "$T/err" "buckets = 512 or fewer fits" "the refusal names the largest bucket count that fits"
th_done
