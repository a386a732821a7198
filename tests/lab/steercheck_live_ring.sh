#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# steercheck_live_ring.sh BINDIR: steercheck live with its default ring takes a burst whole
# (issue 13, found since: immediate mode with a 262144-byte snaplen left the kernel ring 8
# slots in libpcap's default buffer, and a burst was dropped). A synthetic trace is replayed
# at top speed (tcpreplay) into a veth in a namespace of this run; steercheck live, with no
# --snaplen or --buffer-size, must count every frame and report no kernel drop.
# Needs root, network namespaces and tcpreplay (exit 77, skipped, without them).
set -uo pipefail
bindir=$(readlink -f "$1")
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@"
th_init steercheck_live_ring
th_need_root "network namespaces, veth"
th_need ip tcpreplay python3 ss
th_need_netns
ctl=$bindir/steerctl sc=$bindir/steercheck
P=steer-$(th_runid r)
th_netns "$P-tap"
th_netns "$P-cap"
ip -n "$P-tap" link add eth0 mtu 9000 type veth peer name in0 mtu 9000 netns "$P-cap" || exit 1
ip -n "$P-tap" link set eth0 up && ip -n "$P-cap" link set in0 up || exit 1

"$ctl" synth --flows 400 --seed 9 --out "$T/trace.pcap" >/dev/null || { echo "FAIL: synth"; exit 1; }
n=$($PCAP count "$T/trace.pcap")
th_bg "$sc" -c "$TH_ROOT/etc" live -i "worker-1=in0@$P-cap" --duration 6 --json --no-progress \
	--no-predict --max-imbalance 1000 >"$T/live.json" 2>"$T/live.err"
live=$TH_BG
th_wait_for 10 th_capture_ready "$P-cap" in0 || bad "steercheck live does not capture"
ip netns exec "$P-tap" tcpreplay -q --topspeed -i eth0 "$T/trace.pcap" >"$T/replay.log" 2>&1 ||
	bad "tcpreplay: $(tail -3 "$T/replay.log")"
wait "$live"
rc=$?
TH_PIDS=()
if [ "$rc" -eq 0 ]; then ok; else bad "steercheck live: exit $rc: $(head -5 "$T/live.err")"; fi
lacks "$T/live.err" "dropped" "no kernel drop reported"
json "$T/live.json" "every one of the $n frames counted" "d['totals']['packets'] == $n"
th_done
