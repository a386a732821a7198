#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/worker_lab.sh BIN: the end-to-end proof live, in the namespace lab (scripts/lab):
# a tap replays a trace into steerlb, a Linux bridge with static FDB entries delivers each
# frame to one of four worker namespaces, where a steerd worker captures eth0 with its plan's
# filter; a manager, a logger and a proxy run in the lab's control namespace (scripts/lab
# --control), joined to the workers by a bridge of their own. The merged conn.log must equal one
# standalone steerd -r's over the trace, apart from uid, order and times, with no Steer:: notice. Then one fault: the balancer hashes
# with Toeplitz and Microsoft's key (asymmetric) while the workers' plan says otherwise: the
# merged log differs, and the workers' notices say why (Steer::Misdirected, Steer::Split_Routing).
# And another: the switch delivers worker-3's MAC to worker-2's port (Steer::Unexpected_Destination
# from worker-2).
# Root and network namespaces (exit 77, skipped, without them); names carry this run's pid, and
# every namespace is removed on every exit path; nothing is made in the root namespace.
BIN=$(cd "$1" && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip bridge tcpreplay tcpdump python3; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done
. "$(dirname "$0")/../lib/harness.sh"
th_isolate "$@" # PID, mount and network namespaces of this run's own: nothing can leak
[ -z "${TH_ISOLATED:-}" ] || ip link set lo up
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/../../scripts/lab
export STEER_BIN_DIR=$BIN STEER_LAB_STATE=$T

ID=w$$
ID=${ID:0:10}
CTLNS=steer-$ID-ctl
lab_cleanup() {
	local rc=$?
	ctl -c "$T/c1" stop >/dev/null 2>&1 || true
	ctl -c "$T/c2" stop >/dev/null 2>&1 || true
	ctl -c "$T/c3" stop >/dev/null 2>&1 || true
	"$LAB" down --id "$ID" >/dev/null 2>&1 || true
	cleanup "$rc"
}
trap lab_cleanup EXIT
ip netns add "steer-$ID-chk" 2>/dev/null || { echo "SKIP: cannot create network namespaces"; exit 77; }
ip netns del "steer-$ID-chk"

# The cluster: the lab's control namespace (10.77.0.1) holds the manager, logger and proxy; each
# worker runs in the lab's namespace of its name (10.77.0.1N on the control network) and
# captures its eth0. Heavy-tailed flows skew packet shares
# whatever the steering: imbalance is judged loosely here (lab_steer.sh does the same).
cluster_cfg() { # DIR
	mkdir -p "$1"
	{
		for n in manager logger proxy-1; do
			printf '[%s]\ntype = %s\nhost = 10.77.0.1\nsteer.netns = %s\n\n' "$n" "${n%-1}" "$CTLNS"
		done
		for i in 1 2 3 4; do
			printf '[worker-%d]\ntype = worker\nhost = 10.77.0.%d\ninterface = eth0\n' $i $((10 + i))
			printf 'steer.netns = steer-%s-w%d\n\n' "$ID" $i
		done
	} >"$1/node.cfg"
	printf 'tunnels = inner\nlog_dir = logs\nspool_dir = spool\nstate_dir = state\n' >"$1/steer.cfg"
	printf 'heartbeat_interval = 200ms\nstop_timeout = 20s\nsteering_interval = 2s\n' >>"$1/steer.cfg"
	printf 'max_imbalance = 4\n' >>"$1/steer.cfg"
}

# steerctl from the control namespace, where the manager is.
ctl() { ip netns exec "$CTLNS" "$CTL" "$@"; }

worker_packets() { # CONFIG: the packets the workers report, summed
	ctl -c "$1" status --json 2>/dev/null | python3 -c '
import json, sys
print(sum(n.get("packets", 0) for n in json.load(sys.stdin) if n["type"] == "worker"))'
}

workers_captured() { [ "$(worker_packets "$1")" -ge "$2" ]; } # CONFIG N: N frames at least

logs_of() { # DIR STREAM
	ls "$1/spool/logger/$2.log" "$1"/logs/*/"$2".*.log* 2>/dev/null || true
}

# run CONFIG LABCONFIG [FAULT...]: the lab with the balancer of LABCONFIG (and the FAULT command
# run once it is up), the cluster of CONFIG, the trace replayed, the cluster stopped once every
# frame reached a worker (without a fault).
run() {
	local C=$1 L=$2 want
	shift 2
	"$LAB" up --id "$ID" -c "$L" --control >"$T/lab.log" 2>&1 || { cat "$T/lab.log"; fail "lab up"; }
	[ $# -eq 0 ] || "$@" || fail "fault: $*"
	ctl -c "$C" start >"$T/start.log" 2>&1 || { cat "$T/start.log"; fail "cluster start"; }
	"$LAB" replay --id "$ID" --pps 3000 "$T/trace.pcap" >/dev/null || fail "replay"
	want=$(python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
o, n = 24, 0
while o + 16 <= len(d):
    o += 16 + struct.unpack("<I", d[o + 8:o + 12])[0]
    n += 1
print(n)' "$T/trace.pcap")
	if [ -n "${LOSSY:-}" ]; then
		sleep 2 # the frames a fault sends nowhere never come: give the others time
	elif ! wait_for 60 workers_captured "$C" "$want"; then
		ctl -c "$C" status >&2 || true
		cat "$T/steer-lab-$ID/steerlb.log" >&2 || true
		fail "the workers captured $(worker_packets "$C") of $want frames"
	fi
	ctl -c "$C" stop >/dev/null || fail "cluster stop"
	"$LAB" down --id "$ID" >/dev/null || fail "lab down"
}

"$CTL" synth --flows 600 --seed 5 --out "$T/trace.pcap" >/dev/null || fail "synth"
cluster_cfg "$T/c1"
"$STEERD" -c "$T/c1" -r "$T/trace.pcap" --log-dir "$T/alone" || fail "standalone steerd -r"

note "healthy: steerlb with the workers' own plan"
run "$T/c1" "$T/c1"
# shellcheck disable=SC2046
python3 "$HERE/conn_compare.py" --no-times "$T/alone" $(logs_of "$T/c1" conn) ||
	fail "live: the merged conn.log is not the standalone one"
# shellcheck disable=SC2046
[ -n "$(logs_of "$T/c1" steering)" ] || fail "no steering.log"
# shellcheck disable=SC2046
if zgrep -h 'Steer::' $(logs_of "$T/c1" notice) 2>/dev/null; then
	fail "a correctly steered worker raised a Steer:: notice"
fi
# shellcheck disable=SC2046
zgrep -hv '^#' $(logs_of "$T/c1" steering) | awk -F'\t' '$7 != "-" { s = 1 } END { exit !s }' ||
	fail "no steering.log row carries a share of the cluster's packets"

note "fault: the balancer hashes with Toeplitz and Microsoft's key (asymmetric)"
cluster_cfg "$T/c2"
cp -r "$T/c2" "$T/lb2"
printf 'hash = toeplitz\nhash_key = ms\n' >>"$T/lb2/steer.cfg"
run "$T/c2" "$T/lb2"
# shellcheck disable=SC2046
python3 "$HERE/conn_compare.py" --no-times --expect-differ "$T/alone" $(logs_of "$T/c2" conn) ||
	fail "an asymmetric balancer, and the merged conn.log is still the standalone one"
# shellcheck disable=SC2046
zgrep -h 'Steer::' $(logs_of "$T/c2" notice) >"$T/notices" || true
cut -f11,12 "$T/notices" | sort | uniq -c | sed 's/^/   /'
grep -q 'Steer::Misdirected' "$T/notices" || fail "no Steer::Misdirected notice"
grep -q 'Steer::Split_Routing' "$T/notices" || fail "no Steer::Split_Routing notice"

note "fault: the switch sends worker-3's MAC to worker-2's port"
cluster_cfg "$T/c3"
LOSSY=1 run "$T/c3" "$T/c3" bridge -n "steer-$ID-sw" fdb replace 02:53:54:00:00:02 dev p2 master static
# shellcheck disable=SC2046
python3 "$HERE/conn_compare.py" --no-times --expect-differ "$T/alone" $(logs_of "$T/c3" conn) ||
	fail "worker-3's traffic at worker-2's port, and the merged conn.log is still the standalone one"
# shellcheck disable=SC2046
zgrep -h 'Steer::' $(logs_of "$T/c3" notice) >"$T/notices3" || true
cut -f11,12,18 "$T/notices3" | sed 's/^/   /'
grep -P 'Steer::Unexpected_Destination\t[0-9]+ frames on the interface to MAC 02:53:54:00:00:02[^\t]*\tworker-2\t' \
	"$T/notices3" >/dev/null || fail "worker-2 raised no Steer::Unexpected_Destination for worker-3's MAC"
echo PASS
