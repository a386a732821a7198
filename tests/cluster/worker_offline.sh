#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/worker_offline.sh BIN: the end-to-end proof offline. A trace is split by steerlb
# (--split: each worker's share as the plan steers it); a real cluster (manager, logger, proxy,
# four workers) runs with each worker reading its own share (steerd --node worker-N -r FILE) and
# logging through the logger; the merged conn.log must equal, record for record apart from uid
# and order, the conn.log of one standalone steerd -r over the whole trace. Also: the merged
# known hosts and services are the standalone ones, each worker wrote its steering.log row with
# nothing misdirected, and no Steer:: notice was raised. Traces: a synthetic one (steerctl synth:
# TCP handshakes, UDP, ICMP, IPv6, VLAN, QinQ, MPLS, GRE, VXLAN, fragments, ARP; one worker with
# lb_procs = 2) and, when the Zeek oracle is there, real ones from Zeek's test suite.
BIN=$1
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
LB=$BIN/steerlb
ORACLE=${STEER_ZEEK_ORACLE:-$SRC/../shared/zeek-oracle}

# The set of values of one column of a log, over the files given.
column() { # COLUMN FILE...
	python3 - "$@" <<'EOF'
import gzip, sys
col, files = sys.argv[1], sys.argv[2:]
out = set()
for f in files:
    op = gzip.open if f.endswith(".gz") else open
    fields = None
    with op(f, "rt") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                fields = line.split("\t")[1:]
            elif line and not line.startswith("#"):
                out.add(dict(zip(fields, line.split("\t")))[col])
for v in sorted(out):
    print(v)
EOF
}

logs_of() { # DIR STREAM: the logger's live file and its archives
	ls "$1/spool/logger/$2.log" "$1"/logs/*/"$2".*.log* 2>/dev/null || true
}

# run_case NAME TRACE [ANALYSIS OPTIONS...]; $CFG: steer.cfg lines for the cluster; with
# $PROCS, worker-4 has lb_procs = 2: both its processes read its share and keep their own part.
run_case() {
	local name=$1 trace=$2 C=$T/$1 w i procs=worker-4
	shift 2
	note "$name: $(basename "$trace")"
	# shellcheck disable=SC2086
	EXTRA_PROCS=1 make_cluster "$C" 1 4 ${CFG:-} >/dev/null
	if [ -n "${PROCS:-}" ]; then
		printf 'lb_method = custom\nlb_procs = 2\n' >>"$C/node.cfg" # worker-4 is last
		procs="worker-4-1 worker-4-2"
	fi
	"$LB" -c "$C" -r "$trace" --split "$C/split" >/dev/null || fail "$name: steerlb --split"
	"$STEERD" -c "$C" -r "$trace" --log-dir "$C/alone" --seed 1 "$@" ||
		fail "$name: standalone steerd -r"
	for n in manager logger proxy-1; do
		"$STEERD" -c "$C" --node "$n" --daemon >/dev/null || fail "$name: start $n"
	done
	local nodes="worker-1 worker-2 worker-3 $procs"
	for w in $nodes; do
		local share=$C/split/${w:0:8}.pcap
		[ -f "$share" ] || fail "$name: steerlb wrote no $share"
		"$STEERD" -c "$C" --node "$w" -r "$share" "$@" --daemon >/dev/null ||
			fail "$name: start $w"
	done
	for w in $nodes; do
		wait_for 60 grep -q 'end of the capture' "$C/state/$w/stderr.log" ||
			fail "$name: $w did not finish its capture"
	done
	"$CTL" -c "$C" stop >/dev/null || fail "$name: stop"

	# shellcheck disable=SC2046
	python3 "$HERE/conn_compare.py" "$C/alone" $(logs_of "$C" conn) ||
		fail "$name: the merged conn.log is not the standalone one"
	local a b
	for s in known_hosts:host known_services:host; do
		a=$(column "${s#*:}" "$C/alone/${s%%:*}.log" 2>/dev/null || true)
		# shellcheck disable=SC2046
		b=$(column "${s#*:}" $(logs_of "$C" "${s%%:*}") 2>/dev/null || true)
		[ "$a" = "$b" ] || fail "$name: ${s%%:*}: merged hosts differ from standalone"
	done
	# shellcheck disable=SC2046
	python3 - "$nodes" $(logs_of "$C" steering) <<'EOF' || fail "$name: steering.log"
import gzip, sys
rows = []
for f in sys.argv[2:]:
    op = gzip.open if f.endswith(".gz") else open
    fields = None
    for line in op(f, "rt"):
        line = line.rstrip("\n")
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
        elif line and not line.startswith("#"):
            rows.append(dict(zip(fields, line.split("\t"))))
peers = sorted(r["peer"] for r in rows)
if peers != sorted(sys.argv[1].split()):
    sys.exit(f"steering.log rows from {peers}, want one per worker process")
for r in rows:
    bad = {k: r[k] for k in ("misdirected", "unexpected_dest", "split_routing") if r[k] != "0"}
    if bad or r["notes"] != "(empty)":
        sys.exit(f"{r['peer']}: {bad} notes {r['notes']}: a correctly steered worker")
print(f"steering.log: {len(rows)} rows, nothing misdirected or split")
EOF
	# shellcheck disable=SC2046
	if [ -n "$(logs_of "$C" notice)" ] && zgrep -h 'Steer::' $(logs_of "$C" notice); then
		fail "$name: a Steer:: notice from correctly steered workers"
	fi
}

"$BIN/steerctl" synth --flows 3000 --seed 11 --out "$T/synth.pcap" >/dev/null || fail "synth"
# VXLAN's two directions ride different outer 5-tuples (the same source port both ways, and
# 4789 as destination both ways): hashed on the outer header they may reach two workers, which
# the steering-health notices then report (Steer::Split_Routing). The innermost header keeps
# every flow whole.
CFG="tunnels=inner" PROCS=1 run_case synth "$T/synth.pcap"

if [ -f "$ORACLE/MANIFEST.tsv" ]; then
	# The oracle's busiest traces: Ethernet, raw IP in FabricPath, tunnels in GTP and Teredo.
	run_case fabricpath "$ORACLE/traces/cisco-fabric-path.pcap"
	run_case wikipedia "$ORACLE/traces/wikipedia.pcap" -C
	run_case teredo "$ORACLE/traces/tunnels_gtp_gtp8_teredo.pcap"
else
	note "no Zeek oracle at $ORACLE: the synthetic trace only"
fi
echo PASS
